/*
 * vbsysinfo.c: the host's SMBIOS description
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbbuf.h"
#include "vbsysinfo.h"
#include "vbxml.h"

/* The element of each group */
static const char *const vbSysinfoGroupNames[VB_SYSINFO_LAST] = {
    "bios",
    "system",
    "baseBoard",
    "chassis",
};

vbSysinfo *
vbSysinfoNew(void)
{
    vbSysinfo *info = g_new0(vbSysinfo, 1);
    size_t i;

    for (i = 0; i < VB_SYSINFO_LAST; i++) {
        info->groups[i].names = g_ptr_array_new_with_free_func(g_free);
        info->groups[i].values = g_ptr_array_new_with_free_func(g_free);
    }
    return info;
}

void
vbSysinfoFree(vbSysinfo *info)
{
    size_t i;

    if (!info)
        return;
    for (i = 0; i < VB_SYSINFO_LAST; i++) {
        g_ptr_array_unref(info->groups[i].names);
        g_ptr_array_unref(info->groups[i].values);
    }
    g_free(info);
}

void
vbSysinfoAdd(vbSysinfo *info, vbSysinfoGroupType group, const char *name, const char *value)
{
    g_return_if_fail(group < VB_SYSINFO_LAST);
    g_ptr_array_add(info->groups[group].names, g_strdup(name));
    g_ptr_array_add(info->groups[group].values, g_strdup(value));
}

char *
vbSysinfoFormat(const vbSysinfo *info)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(&buf);
    g_auto(vbBuffer) attr = VB_BUFFER_INITIALIZER;
    size_t i;
    size_t j;

    for (i = 0; i < VB_SYSINFO_LAST; i++) {
        const vbSysinfoGroup *g = &info->groups[i];
        g_auto(vbBuffer) entries = VB_BUFFER_INIT_CHILD(&child);

        for (j = 0; j < g->names->len; j++) {
            vbBufferEscapeString(&entries, "<entry name='%s'>",
                                 (const char *) g_ptr_array_index(g->names, j));
            vbBufferEscapeString(&entries, "%s</entry>\n",
                                 (const char *) g_ptr_array_index(g->values, j));
        }
        vbXMLFormatElement(&child, vbSysinfoGroupNames[i], NULL, &entries);
    }
    vbBufferAddLit(&attr, " type='smbios'");
    vbXMLFormatElementEmpty(&buf, "sysinfo", &attr, &child);
    return vbBufferContentAndReset(&buf);
}
