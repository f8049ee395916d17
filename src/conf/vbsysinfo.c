/*
 * vbsysinfo.c: SMBIOS descriptions, the host's and a domain's
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"

#include "vberror.h"
#include "vbbuf.h"
#include "vbsysinfo.h"
#include "vbuuid.h"
#include "vbxml.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

/* The element of each group */
static const char *const vbSysinfoGroupNames[VB_SYSINFO_LAST] = {
    "bios",
    "system",
    "baseBoard",
    "chassis",
};

/* libvirt's entries of each group, in the order it writes them (and QEMU's
 * -smbios fields of the same names) */
static const char *const *const vbSysinfoEntryNames[VB_SYSINFO_LAST] = {
    (const char *const[]){"vendor", "version", "date", "release", NULL},
    (const char *const[]){"manufacturer", "product", "version", "serial", "uuid", "sku", "family",
                          NULL},
    (const char *const[]){"manufacturer", "product", "version", "serial", "asset", "location",
                          NULL},
    (const char *const[]){"manufacturer", "version", "serial", "asset", "sku", NULL},
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
    info->oemStrings = g_ptr_array_new_with_free_func(g_free);
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
    g_ptr_array_unref(info->oemStrings);
    g_free(info);
}

void
vbSysinfoAdd(vbSysinfo *info, vbSysinfoGroupType group, const char *name, const char *value)
{
    g_return_if_fail(group < VB_SYSINFO_LAST);
    g_ptr_array_add(info->groups[group].names, g_strdup(name));
    g_ptr_array_add(info->groups[group].values, g_strdup(value));
}

const char *
vbSysinfoGet(const vbSysinfo *info, vbSysinfoGroupType group, const char *name)
{
    const vbSysinfoGroup *g;
    size_t i;

    g_return_val_if_fail(group < VB_SYSINFO_LAST, NULL);
    g = &info->groups[group];
    for (i = 0; i < g->names->len; i++) {
        if (strcmp(g_ptr_array_index(g->names, i), name) == 0)
            return g_ptr_array_index(g->values, i);
    }
    return NULL;
}

void
vbSysinfoFormatBuf(vbBuffer *buf, const vbSysinfo *info)
{
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    g_auto(vbBuffer) attr = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) oem = VB_BUFFER_INIT_CHILD(&child);
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
    for (i = 0; i < info->oemStrings->len; i++)
        vbBufferEscapeString(&oem, "<entry>%s</entry>\n",
                             (const char *) g_ptr_array_index(info->oemStrings, i));
    vbXMLFormatElement(&child, "oemStrings", NULL, &oem);
    vbBufferAddLit(&attr, " type='smbios'");
    vbXMLFormatElementEmpty(buf, "sysinfo", &attr, &child);
}

char *
vbSysinfoFormat(const vbSysinfo *info)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;

    vbSysinfoFormatBuf(&buf, info);
    return vbBufferContentAndReset(&buf);
}

/* libvirt accepts mm/dd/yy and mm/dd/yyyy (a year from 1900) */
static bool
vbSysinfoBIOSDateValid(const char *date)
{
    unsigned int month;
    unsigned int day;
    unsigned int year;
    char end;

    if (!g_ascii_isdigit(date[0]) || sscanf(date, "%2u/%2u/%4u%c", &month, &day, &year, &end) != 3)
        return false;
    if (strspn(date, "0123456789/") != strlen(date))
        return false;
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && (year < 100 || year >= 1900);
}

/* QEMU reads the BIOS release as major.minor, each a byte */
static bool
vbSysinfoBIOSReleaseValid(const char *release)
{
    unsigned int major;
    unsigned int minor;

    if (!g_regex_match_simple("^[0-9]{1,3}\\.[0-9]{1,3}$", release, 0, 0) ||
        sscanf(release, "%u.%u", &major, &minor) != 2)
        return false;
    return major <= 255 && minor <= 255;
}

/* The entries of one group, kept in libvirt's order whatever the
 * document's; an empty entry is absent, as libvirt reads it */
static int
vbSysinfoParseGroup(vbSysinfo *info, vbSysinfoGroupType group, const xmlNode *node)
{
    const char *const *names = vbSysinfoEntryNames[group];
    g_autofree char **values = NULL;
    xmlNode *cur;
    size_t n;
    size_t i;

    for (n = 0; names[n]; n++)
        ;
    values = g_new0(char *, n);
    if (vbDomainCheckAttrs(node, NULL) < 0)
        goto error;
    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        if (!vbXMLNodeNameEqual(cur, "entry")) {
            vbDomainReportUnsupportedElement(cur);
            goto error;
        }
        if (vbDomainCheckAttrs(cur, VB_ATTRS("name")) < 0 ||
            vbXMLPropStringFull(cur, "name", VB_XML_PROP_REQUIRED, &name) < 0)
            goto error;
        for (i = 0; names[i] && strcmp(names[i], name) != 0; i++)
            ;
        if (!names[i]) {
            vbDomainReportUnsupportedValue(cur, "name", name);
            goto error;
        }
        if (values[i]) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("sysinfo entry '%s' of <%s> is given more than once"), name,
                          vbSysinfoGroupNames[group]);
            goto error;
        }
        value = vbXMLNodeContent(cur);
        if (vbXMLCheckIllegalChars("sysinfo entry", value, NULL) < 0)
            goto error;
        values[i] = g_steal_pointer(&value);
    }

    if (values[2] && group == VB_SYSINFO_BIOS && *values[2] && !vbSysinfoBIOSDateValid(values[2])) {
        vbReportError(VIR_ERR_XML_DETAIL, _("Invalid BIOS 'date' format"));
        goto error;
    }
    if (values[3] && group == VB_SYSINFO_BIOS && *values[3] &&
        !vbSysinfoBIOSReleaseValid(values[3])) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("BIOS 'release' '%s' is not major.minor with numbers up to 255, as QEMU needs"),
            values[3]);
        goto error;
    }
    if (group == VB_SYSINFO_SYSTEM && values[4] && *values[4]) {
        unsigned char uuid[16];
        char uuidstr[VB_UUID_STRING_BUFLEN];

        if (vbUUIDParse(values[4], uuid) < 0) {
            vbReportError(VIR_ERR_XML_DETAIL, _("malformed <sysinfo> uuid element"));
            goto error;
        }
        /* written as QEMU expects it, whatever the spelling */
        vbUUIDFormat(uuid, uuidstr);
        g_free(values[4]);
        values[4] = g_strdup(uuidstr);
    }
    for (i = 0; i < n; i++) {
        if (values[i] && *values[i])
            vbSysinfoAdd(info, group, names[i], values[i]);
    }
    for (i = 0; i < n; i++)
        g_free(values[i]);
    return 0;

error:
    for (i = 0; i < n; i++)
        g_free(values[i]);
    return -1;
}

vbSysinfo *
vbSysinfoParseDomain(const void *opaque)
{
    const xmlNode *node = opaque;
    g_autoptr(vbSysinfo) info = vbSysinfoNew();
    g_autofree char *type = NULL;
    xmlNode *cur;
    size_t i;

    if (vbDomainCheckAttrs(node, VB_ATTRS("type")) < 0 ||
        vbXMLPropStringFull(node, "type", VB_XML_PROP_REQUIRED, &type) < 0)
        return NULL;
    if (strcmp(type, "smbios") != 0) {
        vbDomainReportUnsupportedValue(node, "type", type);
        return NULL;
    }
    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        if (vbXMLNodeNameEqual(cur, "oemStrings")) {
            xmlNode *entry;

            if (vbDomainCheckAttrs(cur, NULL) < 0)
                return NULL;
            if (info->oemStrings->len) {
                vbDomainReportUnsupportedElement(cur);
                return NULL;
            }
            for (entry = vbXMLChildElement(cur, NULL); entry; entry = vbXMLNextElement(entry)) {
                g_autofree char *value = NULL;

                if (!vbXMLNodeNameEqual(entry, "entry")) {
                    vbDomainReportUnsupportedElement(entry);
                    return NULL;
                }
                if (vbDomainCheckAttrs(entry, NULL) < 0)
                    return NULL;
                value = vbXMLNodeContent(entry);
                if (vbXMLCheckIllegalChars("sysinfo entry", value, NULL) < 0)
                    return NULL;
                g_ptr_array_add(info->oemStrings, g_steal_pointer(&value));
            }
            continue;
        }
        for (i = 0; i < VB_SYSINFO_LAST; i++) {
            if (vbXMLNodeNameEqual(cur, vbSysinfoGroupNames[i]))
                break;
        }
        if (i == VB_SYSINFO_LAST) {
            vbDomainReportUnsupportedElement(cur);
            return NULL;
        }
        if (info->groups[i].names->len) {
            if (i == VB_SYSINFO_BASE_BOARD) {
                /* libvirt's wording, there at start time */
                vbReportError(
                    VIR_ERR_CONFIG_UNSUPPORTED,
                    _("qemu does not support more than one entry to Type 2 in SMBIOS table"));
            } else {
                vbDomainReportUnsupportedElement(cur);
            }
            return NULL;
        }
        if (vbSysinfoParseGroup(info, i, cur) < 0)
            return NULL;
    }
    return g_steal_pointer(&info);
}
