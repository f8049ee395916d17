/*
 * vbmonitorsystem.c: QMP commands about QEMU itself (run state, version,
 * character devices)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"

#include "vbmonitorsystem.h"
#include "vbqmpcommand.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static int
vbMonitorSimple(vbMonitor *mon, const char *cmdname)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew(cmdname, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorCont(vbMonitor *mon)
{
    return vbMonitorSimple(mon, "cont");
}

int
vbMonitorStop(vbMonitor *mon)
{
    return vbMonitorSimple(mon, "stop");
}

int
vbMonitorSystemPowerdown(vbMonitor *mon)
{
    return vbMonitorSimple(mon, "system_powerdown");
}

int
vbMonitorRTCResetReinjection(vbMonitor *mon)
{
    return vbMonitorSimple(mon, "rtc-reset-reinjection");
}

int
vbMonitorSystemReset(vbMonitor *mon)
{
    return vbMonitorSimple(mon, "system_reset");
}

int
vbMonitorQuit(vbMonitor *mon)
{
    return vbMonitorSimple(mon, "quit");
}

int
vbMonitorQueryStatus(vbMonitor *mon, char **status, bool *running)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-status", NULL);
    g_autoptr(vbJSONValue) ret = NULL;
    const char *st;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    if (!(st = vbJSONValueObjectGetString(ret, "status"))) {
        vbQMPReportMissing("query-status", "status");
        return -1;
    }
    if (vbJSONValueObjectGetBoolean(ret, "running", running) < 0) {
        vbQMPReportMissing("query-status", "running");
        return -1;
    }
    *status = g_strdup(st);
    return 0;
}

int
vbMonitorQueryVersion(vbMonitor *mon, unsigned int *major, unsigned int *minor, unsigned int *micro,
                      char **package)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-version", NULL);
    g_autoptr(vbJSONValue) ret = NULL;
    vbJSONValue *qemu;
    unsigned long long v[3];
    const char *keys[] = {"major", "minor", "micro"};
    size_t i;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    if (!(qemu = vbJSONValueObjectGetObject(ret, "qemu"))) {
        vbQMPReportMissing("query-version", "qemu");
        return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(keys); i++) {
        if (vbJSONValueObjectGetNumberUlong(qemu, keys[i], &v[i]) < 0 || v[i] > 999) {
            vbQMPReportMissing("query-version", keys[i]);
            return -1;
        }
    }
    *major = v[0];
    *minor = v[1];
    *micro = v[2];
    *package = g_strdup(vbJSONValueObjectGetString(ret, "package"));
    return 0;
}

int
vbMonitorQueryQMPSchema(vbMonitor *mon, vbJSONValue **schema)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-qmp-schema", NULL);
    g_autoptr(vbJSONValue) ret = NULL;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    if (vbJSONValueGetType(ret) != VB_JSON_TYPE_ARRAY) {
        vbQMPReportMissing("query-qmp-schema", "return");
        return -1;
    }
    *schema = g_steal_pointer(&ret);
    return 0;
}

int
vbMonitorHumanCommand(vbMonitor *mon, const char *cmdline, char **output)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("human-monitor-command", "s:command-line", cmdline, NULL);
    g_autoptr(vbJSONValue) ret = NULL;
    const char *out;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    if (!(out = vbJSONValueGetString(ret))) {
        vbQMPReportMissing("human-monitor-command", "return");
        return -1;
    }
    *output = g_strdup(out);
    return 0;
}

int
vbMonitorArbitraryCommand(vbMonitor *mon, const char *cmd, bool hmp, char **result)
{
    g_autoptr(vbJSONValue) json = NULL;
    g_autoptr(vbJSONValue) reply = NULL;

    if (hmp)
        return vbMonitorHumanCommand(mon, cmd, result);
    if (!(json = vbJSONValueFromString(cmd)))
        return -1;
    if (vbMonitorSend(mon, &json, &reply) < 0)
        return -1;
    *result = vbJSONValueToString(reply, false);
    return 0;
}

GHashTable *
vbMonitorQueryChardevPtys(vbMonitor *mon, GHashTable **frontendOpen)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-chardev", NULL);
    g_autoptr(vbJSONValue) ret = NULL;
    g_autoptr(GHashTable) ptys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GHashTable) open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return NULL;
    if (vbJSONValueGetType(ret) != VB_JSON_TYPE_ARRAY) {
        vbQMPReportMissing("query-chardev", "return");
        return NULL;
    }
    for (i = 0; i < vbJSONValueArraySize(ret); i++) {
        vbJSONValue *dev = vbJSONValueArrayGet(ret, i);
        const char *label = vbJSONValueObjectGetString(dev, "label");
        const char *filename = vbJSONValueObjectGetString(dev, "filename");

        if (!label || !filename) {
            vbQMPReportMissing("query-chardev", !label ? "label" : "filename");
            return NULL;
        }
        /* QEMU names a pty backend "pty:/dev/pts/N" */
        if (g_str_has_prefix(filename, "pty:"))
            g_hash_table_insert(ptys, g_strdup(label), g_strdup(filename + strlen("pty:")));
        if (vbJSONValueObjectHasKey(dev, "frontend-open")) {
            bool isOpen = false;

            if (vbJSONValueObjectGetBoolean(dev, "frontend-open", &isOpen) < 0) {
                vbQMPReportMissing("query-chardev", "frontend-open");
                return NULL;
            }
            g_hash_table_insert(open, g_strdup(label), GINT_TO_POINTER(isOpen ? 1 : 2));
        }
    }
    if (frontendOpen)
        *frontendOpen = g_steal_pointer(&open);
    return g_steal_pointer(&ptys);
}
