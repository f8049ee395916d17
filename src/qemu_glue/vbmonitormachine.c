/*
 * vbmonitormachine.c: QMP commands about the machine types QEMU offers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vberror.h"
#include "vbmonitormachine.h"
#include "vbqmpcommand.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

void
vbMonitorMachineInfoFree(vbMonitorMachineInfo *info)
{
    if (!info)
        return;
    g_free(info->name);
    g_free(info->alias);
    g_free(info);
}

static void
vbMonitorMachineInfoFreeFunc(gpointer info)
{
    vbMonitorMachineInfoFree(info);
}

int
vbMonitorParseMachines(const vbJSONValue *reply, GPtrArray **machines)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(vbMonitorMachineInfoFreeFunc);
    size_t i;

    if (vbJSONValueGetType(reply) != VB_JSON_TYPE_ARRAY) {
        vbQMPReportMissing("query-machines", "return");
        return -1;
    }
    for (i = 0; i < vbJSONValueArraySize(reply); i++) {
        const vbJSONValue *entry = vbJSONValueArrayGet(reply, i);
        g_autoptr(vbMonitorMachineInfo) info = g_new0(vbMonitorMachineInfo, 1);
        unsigned long long maxCpus = 0;
        const char *name;

        if (!(name = vbJSONValueObjectGetString(entry, "name"))) {
            vbQMPReportMissing("query-machines", "name");
            return -1;
        }
        info->name = g_strdup(name);
        info->alias = g_strdup(vbJSONValueObjectGetString(entry, "alias"));
        /* optional members: absent means false or unknown */
        if (vbJSONValueObjectHasKey(entry, "is-default") &&
            vbJSONValueObjectGetBoolean(entry, "is-default", &info->isDefault) < 0) {
            vbQMPReportMissing("query-machines", "is-default");
            return -1;
        }
        if (vbJSONValueObjectHasKey(entry, "deprecated") &&
            vbJSONValueObjectGetBoolean(entry, "deprecated", &info->deprecated) < 0) {
            vbQMPReportMissing("query-machines", "deprecated");
            return -1;
        }
        if (vbJSONValueObjectGetNumberUlong(entry, "cpu-max", &maxCpus) < 0 ||
            maxCpus > G_MAXUINT) {
            vbQMPReportMissing("query-machines", "cpu-max");
            return -1;
        }
        info->maxCpus = maxCpus;
        g_ptr_array_add(list, g_steal_pointer(&info));
    }
    *machines = g_steal_pointer(&list);
    return 0;
}

int
vbMonitorQueryMachines(vbMonitor *mon, GPtrArray **machines)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-machines", NULL);
    g_autoptr(vbJSONValue) ret = NULL;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    return vbMonitorParseMachines(ret, machines);
}

int
vbMonitorQueryTarget(vbMonitor *mon, char **arch)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-target", NULL);
    g_autoptr(vbJSONValue) ret = NULL;
    const char *name;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    if (!(name = vbJSONValueObjectGetString(ret, "arch"))) {
        vbQMPReportMissing("query-target", "arch");
        return -1;
    }
    *arch = g_strdup(name);
    return 0;
}
