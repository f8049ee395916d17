/*
 * vbmonitormigration.h: QMP commands that move the guest's state through a
 * file descriptor (a memory snapshot written out, and read back)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt saves a guest's memory with an outgoing migration into a file
 * it opened itself and passes to QEMU (getfd, then migrate "fd:NAME");
 * it restores it into a QEMU started with -incoming defer
 * (migrate-incoming "fd:NAME").  QEMU never opens the file, so it needs
 * no right to its path.  One function per command, 0 or -1 with the
 * error reported, as in vbmonitorsystem.h.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbmonitor.h"

/* QEMU's MigrationStatus, the states query-migrate reports */
typedef enum {
    VB_MONITOR_MIGRATION_STATUS_NONE = 0,
    VB_MONITOR_MIGRATION_STATUS_SETUP,
    VB_MONITOR_MIGRATION_STATUS_CANCELLING,
    VB_MONITOR_MIGRATION_STATUS_CANCELLED,
    VB_MONITOR_MIGRATION_STATUS_ACTIVE,
    VB_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE,
    VB_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED,
    VB_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER,
    VB_MONITOR_MIGRATION_STATUS_COMPLETED,
    VB_MONITOR_MIGRATION_STATUS_FAILED,
    VB_MONITOR_MIGRATION_STATUS_COLO,
    VB_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER,
    VB_MONITOR_MIGRATION_STATUS_DEVICE,
    VB_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG,

    VB_MONITOR_MIGRATION_STATUS_LAST
} vbMonitorMigrationStatus;
VB_ENUM_DECL(vbMonitorMigrationStatus);

/* getfd: QEMU keeps a duplicate of @fd (ours still) under @fdname */
int vbMonitorGetFD(vbMonitor *mon, const char *fdname, int fd);
/* closefd: QEMU drops the descriptor it kept under @fdname */
int vbMonitorCloseFD(vbMonitor *mon, const char *fdname);
/* migrate-set-parameters max-bandwidth, in bytes per second */
int vbMonitorMigrateSetMaxBandwidth(vbMonitor *mon, unsigned long long bytesPerSec);
/* migrate to "fd:@fdname" (passed with vbMonitorGetFD before) */
int vbMonitorMigrateToFD(vbMonitor *mon, const char *fdname);
/* migrate-incoming from "fd:@fdname": QEMU must run with -incoming defer */
int vbMonitorMigrateIncomingFD(vbMonitor *mon, const char *fdname);
/* migrate_cancel */
int vbMonitorMigrateCancel(vbMonitor *mon);
/* What query-migrate counts (0 where QEMU did not say) */
typedef struct {
    unsigned long long totalTime; /* ms */
    unsigned long long setupTime; /* ms */
    unsigned long long downtime;  /* ms */
    unsigned long long ramTotal;  /* bytes */
    unsigned long long ramTransferred;
    unsigned long long ramRemaining;
    unsigned long long ramBps;       /* bytes per second */
    unsigned long long ramDuplicate; /* pages */
    unsigned long long ramNormal;    /* pages */
    unsigned long long ramNormalBytes;
    unsigned long long ramDirtyRate; /* pages per second */
    unsigned long long ramIteration; /* dirty-sync-count */
    unsigned long long ramPostcopyRequests;
    unsigned long long ramPageSize;
} vbMonitorMigrationStats;

/* query-migrate: the state, and QEMU's reason when it failed (*@error
 * NULL otherwise; g_free it); @stats (may be NULL) gets the counters */
int vbMonitorQueryMigrate(vbMonitor *mon, vbMonitorMigrationStatus *status, char **error,
                          vbMonitorMigrationStats *stats);
