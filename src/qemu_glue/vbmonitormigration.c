/*
 * vbmonitormigration.c: QMP commands that move the guest's state through a
 * file descriptor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"

#include "vbmonitormigration.h"
#include "vbqmpcommand.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

VB_ENUM_IMPL(vbMonitorMigrationStatus, VB_MONITOR_MIGRATION_STATUS_LAST, "none", "setup",
             "cancelling", "cancelled", "active", "postcopy-active", "postcopy-paused",
             "postcopy-recover", "completed", "failed", "colo", "pre-switchover", "device",
             "wait-unplug");

int
vbMonitorGetFD(vbMonitor *mon, const char *fdname, int fd)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("getfd", "s:fdname", fdname, NULL);
    g_autoptr(vbJSONValue) reply = NULL;

    if (!cmd)
        return -1;
    if (vbMonitorSendWithFD(mon, &cmd, fd, &reply) < 0)
        return -1;
    return vbMonitorCheckReply("getfd", reply);
}

int
vbMonitorCloseFD(vbMonitor *mon, const char *fdname)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("closefd", "s:fdname", fdname, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorMigrateSetMaxBandwidth(vbMonitor *mon, unsigned long long bytesPerSec)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("migrate-set-parameters", "U:max-bandwidth", bytesPerSec, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorMigrateToFD(vbMonitor *mon, const char *fdname)
{
    g_autofree char *uri = g_strdup_printf("fd:%s", fdname);
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("migrate", "s:uri", uri, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorMigrateIncomingFD(vbMonitor *mon, const char *fdname)
{
    g_autofree char *uri = g_strdup_printf("fd:%s", fdname);
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("migrate-incoming", "s:uri", uri, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorMigrateCancel(vbMonitor *mon)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("migrate_cancel", NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

/* The counters of a query-migrate reply; an absent one stays 0 */
static void
vbMonitorParseMigrationStats(vbJSONValue *ret, vbMonitorMigrationStats *stats)
{
    vbJSONValue *ram = vbJSONValueObjectGetObject(ret, "ram");
    double mbps = 0;

    memset(stats, 0, sizeof(*stats));
    vbJSONValueObjectGetNumberUlong(ret, "total-time", &stats->totalTime);
    vbJSONValueObjectGetNumberUlong(ret, "setup-time", &stats->setupTime);
    vbJSONValueObjectGetNumberUlong(ret, "downtime", &stats->downtime);
    if (!ram)
        return;
    vbJSONValueObjectGetNumberUlong(ram, "total", &stats->ramTotal);
    vbJSONValueObjectGetNumberUlong(ram, "transferred", &stats->ramTransferred);
    vbJSONValueObjectGetNumberUlong(ram, "remaining", &stats->ramRemaining);
    /* megabits per second, as libvirt turns it into bytes */
    if (vbJSONValueObjectGetNumberDouble(ram, "mbps", &mbps) == 0 && mbps > 0)
        stats->ramBps = mbps * (1000 * 1000 / 8);
    vbJSONValueObjectGetNumberUlong(ram, "duplicate", &stats->ramDuplicate);
    vbJSONValueObjectGetNumberUlong(ram, "normal", &stats->ramNormal);
    vbJSONValueObjectGetNumberUlong(ram, "normal-bytes", &stats->ramNormalBytes);
    vbJSONValueObjectGetNumberUlong(ram, "dirty-pages-rate", &stats->ramDirtyRate);
    vbJSONValueObjectGetNumberUlong(ram, "dirty-sync-count", &stats->ramIteration);
    vbJSONValueObjectGetNumberUlong(ram, "postcopy-requests", &stats->ramPostcopyRequests);
    vbJSONValueObjectGetNumberUlong(ram, "page-size", &stats->ramPageSize);
}

int
vbMonitorQueryMigrate(vbMonitor *mon, vbMonitorMigrationStatus *status, char **error,
                      vbMonitorMigrationStats *stats)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-migrate", NULL);
    g_autoptr(vbJSONValue) ret = NULL;
    const char *st;
    int value;

    *error = NULL;
    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    /* before the first migration QEMU answers {} */
    if (!(st = vbJSONValueObjectGetString(ret, "status"))) {
        *status = VB_MONITOR_MIGRATION_STATUS_NONE;
        return 0;
    }
    if ((value = vbMonitorMigrationStatusTypeFromString(st)) < 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unknown migration status '%s' from QEMU"), st);
        return -1;
    }
    *status = value;
    *error = g_strdup(vbJSONValueObjectGetString(ret, "error-desc"));
    if (stats)
        vbMonitorParseMigrationStats(ret, stats);
    return 0;
}
