/*
 * vbmonitorballoon.h: QMP commands of the memory balloon
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function per QMP command, as in vbmonitorjob.h: 0 on success, -1
 * with the error reported.  The balloon device is named by its QOM path,
 * "/machine/peripheral/" + its alias (libvirt's balloonpath).
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbmonitor.h"

/* balloon: asks the guest to give memory back until it has @bytes */
int vbMonitorBalloon(vbMonitor *mon, unsigned long long bytes);

/* query-balloon: *@actual gets the guest's memory now, in bytes */
int vbMonitorQueryBalloon(vbMonitor *mon, unsigned long long *actual);

/* qom-set guest-stats-polling-interval: the guest reports its statistics
 * every @period seconds, 0 stops it */
int vbMonitorSetBalloonStatsPeriod(vbMonitor *mon, const char *alias, int period);

/* The guest's own memory statistics (virtio-balloon "guest-stats"), each
 * in QEMU's unit (bytes or a count); a stat the guest did not report is
 * VB_MONITOR_BALLOON_STAT_ABSENT.  Indexes: vbMonitorBalloonStat. */
typedef enum {
    VB_MONITOR_BALLOON_STAT_SWAP_IN = 0,
    VB_MONITOR_BALLOON_STAT_SWAP_OUT,
    VB_MONITOR_BALLOON_STAT_MAJOR_FAULTS,
    VB_MONITOR_BALLOON_STAT_MINOR_FAULTS,
    VB_MONITOR_BALLOON_STAT_FREE_MEMORY,
    VB_MONITOR_BALLOON_STAT_TOTAL_MEMORY,
    VB_MONITOR_BALLOON_STAT_AVAILABLE_MEMORY,
    VB_MONITOR_BALLOON_STAT_DISK_CACHES,
    VB_MONITOR_BALLOON_STAT_HTLB_PGALLOC,
    VB_MONITOR_BALLOON_STAT_HTLB_PGFAIL,

    VB_MONITOR_BALLOON_STAT_LAST
} vbMonitorBalloonStat;

#define VB_MONITOR_BALLOON_STAT_ABSENT G_MAXUINT64

typedef struct {
    guint64 stats[VB_MONITOR_BALLOON_STAT_LAST];
    /* seconds since the epoch of the guest's last report, 0 = none yet */
    unsigned long long lastUpdate;
} vbMonitorBalloonStats;

/* qom-get guest-stats of the balloon with @alias */
int vbMonitorGetBalloonStats(vbMonitor *mon, const char *alias, vbMonitorBalloonStats *stats);
