/*
 * vbmonitorballoon.c: QMP commands of the memory balloon
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbmonitorballoon.h"
#include "vbqmpcommand.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* QEMU's names of the guest's statistics, in vbMonitorBalloonStat order */
static const char *const vbMonitorBalloonStatNames[VB_MONITOR_BALLOON_STAT_LAST] = {
    "stat-swap-in",      "stat-swap-out",     "stat-major-faults",     "stat-minor-faults",
    "stat-free-memory",  "stat-total-memory", "stat-available-memory", "stat-disk-caches",
    "stat-htlb-pgalloc", "stat-htlb-pgfail",
};

static char *
vbMonitorBalloonPath(const char *alias)
{
    return g_strdup_printf("/machine/peripheral/%s", alias);
}

int
vbMonitorBalloon(vbMonitor *mon, unsigned long long bytes)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("balloon", "U:value", bytes, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorQueryBalloon(vbMonitor *mon, unsigned long long *actual)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-balloon", NULL);
    g_autoptr(vbJSONValue) ret = NULL;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    if (vbJSONValueObjectGetNumberUlong(ret, "actual", actual) < 0) {
        vbQMPReportMissing("query-balloon", "actual");
        return -1;
    }
    return 0;
}

int
vbMonitorSetBalloonStatsPeriod(vbMonitor *mon, const char *alias, int period)
{
    g_autofree char *path = vbMonitorBalloonPath(alias);
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("qom-set", "s:path", path, "s:property", "guest-stats-polling-interval",
                        "i:value", period, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorGetBalloonStats(vbMonitor *mon, const char *alias, vbMonitorBalloonStats *stats)
{
    g_autofree char *path = vbMonitorBalloonPath(alias);
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("qom-get", "s:path", path, "s:property", "guest-stats", NULL);
    g_autoptr(vbJSONValue) ret = NULL;
    vbJSONValue *data;
    size_t i;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    if (!(data = vbJSONValueObjectGetObject(ret, "stats"))) {
        vbQMPReportMissing("qom-get", "stats");
        return -1;
    }
    for (i = 0; i < VB_MONITOR_BALLOON_STAT_LAST; i++) {
        unsigned long long value;

        /* QEMU says "not reported" with all bits set */
        if (vbJSONValueObjectGetNumberUlong(data, vbMonitorBalloonStatNames[i], &value) < 0)
            value = VB_MONITOR_BALLOON_STAT_ABSENT;
        stats->stats[i] = value;
    }
    if (vbJSONValueObjectGetNumberUlong(ret, "last-update", &stats->lastUpdate) < 0)
        stats->lastUpdate = 0;
    return 0;
}
