/*
 * vbqmpcommand.c: building QMP commands and running them on a monitor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbqmpcommand.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static vbJSONValue *
vbQMPCommandBuild(const char *name, vbJSONValue **args)
{
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) a = g_steal_pointer(args);

    if (a && vbJSONValueObjectKeysNumber(a) == 0)
        g_clear_pointer(&a, vbJSONValueFree);
    if (vbJSONValueObjectAdd(&cmd, "s:execute", name, "O:arguments", &a, NULL) < 0)
        return NULL;
    return g_steal_pointer(&cmd);
}

vbJSONValue *
vbQMPCommandNew(const char *name, ...)
{
    g_autoptr(vbJSONValue) args = vbJSONValueNewObject();
    va_list ap;
    int rc;

    va_start(ap, name);
    rc = vbJSONValueObjectAddVArgs(&args, ap);
    va_end(ap);
    if (rc < 0)
        return NULL;
    return vbQMPCommandBuild(name, &args);
}

vbJSONValue *
vbQMPCommandNewArgs(const char *name, vbJSONValue **args)
{
    return vbQMPCommandBuild(name, args);
}

int
vbQMPCommandRunClass(vbMonitor *mon, vbJSONValue **cmd, const char *errorClass, vbJSONValue **ret)
{
    g_autoptr(vbJSONValue) command = g_steal_pointer(cmd);
    g_autoptr(vbJSONValue) reply = NULL;
    g_autofree char *name = NULL;

    if (!command)
        return -1;
    name = g_strdup(vbJSONValueObjectGetString(command, "execute"));

    if (vbMonitorSend(mon, &command, &reply) < 0)
        return -1;
    if (errorClass && g_strcmp0(vbMonitorReplyErrorClass(reply), errorClass) == 0)
        return 1;
    if (vbMonitorCheckReply(name, reply) < 0)
        return -1;
    if (ret)
        *ret = vbJSONValueObjectStealValue(reply, "return");
    return 0;
}

int
vbQMPCommandRun(vbMonitor *mon, vbJSONValue **cmd, vbJSONValue **ret)
{
    return vbQMPCommandRunClass(mon, cmd, NULL, ret);
}

void
vbQMPReportMissing(const char *cmdname, const char *field)
{
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("reply to QEMU command '%s' lacks '%s'"), cmdname,
                  field);
}

int
vbQMPParseArray(vbJSONValue *ret, const char *cmdname, vbQMPEntryParser parse,
                GDestroyNotify freefunc, GPtrArray **list)
{
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(freefunc);
    size_t i;

    if (!ret || vbJSONValueGetType(ret) != VB_JSON_TYPE_ARRAY) {
        vbQMPReportMissing(cmdname, "return");
        return -1;
    }
    for (i = 0; i < vbJSONValueArraySize(ret); i++) {
        gpointer entry = parse(vbJSONValueArrayGet(ret, i));

        if (!entry)
            return -1;
        g_ptr_array_add(entries, entry);
    }
    *list = g_steal_pointer(&entries);
    return 0;
}
