/*
 * vbmonitorsystem.h: QMP commands about QEMU itself (run state, version,
 * character devices)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function per QMP command, as in vbmonitorjob.h: 0 on success, -1
 * with the error reported.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"
#include "vbmonitor.h"

int vbMonitorCont(vbMonitor *mon);
int vbMonitorStop(vbMonitor *mon);
int vbMonitorSystemPowerdown(vbMonitor *mon);
/* rtc-reset-reinjection: after the guest's clock was set (x86) */
int vbMonitorRTCResetReinjection(vbMonitor *mon);
/* a hardware reset of the guest; QEMU sends RESET */
int vbMonitorSystemReset(vbMonitor *mon);
/* QEMU replies, then closes the monitor (eofNotify follows). */
int vbMonitorQuit(vbMonitor *mon);

/* query-status: QEMU's RunState name ("running", "paused", "prelaunch"...) */
int vbMonitorQueryStatus(vbMonitor *mon, char **status, bool *running);

/* query-chardev: the character devices with a pty backend, as a table
 * from chardev id ("charserial0") to the pty's path ("/dev/pts/3").  With
 * @frontendOpen, also a table from chardev id to whether the guest holds
 * its device open (GINT_TO_POINTER 1 or 2 for closed), for the chardevs
 * QEMU says it of (the virtio-serial ports). */
GHashTable *vbMonitorQueryChardevPtys(vbMonitor *mon, GHashTable **frontendOpen);

/* query-version */
int vbMonitorQueryVersion(vbMonitor *mon, unsigned int *major, unsigned int *minor,
                          unsigned int *micro, char **package);

/* query-qmp-schema: *@schema gets the array of schema entries */
int vbMonitorQueryQMPSchema(vbMonitor *mon, vbJSONValue **schema);

/* virDomainQemuMonitorCommand: @cmd is a QMP command as JSON text, whose
 * whole reply *@result gets as JSON text, or with @hmp an HMP command line
 * whose output *@result gets. */
int vbMonitorArbitraryCommand(vbMonitor *mon, const char *cmd, bool hmp, char **result);

/* human-monitor-command (tests only: HMP output is not an interface) */
int vbMonitorHumanCommand(vbMonitor *mon, const char *cmdline, char **output);
