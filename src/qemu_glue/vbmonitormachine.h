/*
 * vbmonitormachine.h: QMP commands about the machine types QEMU offers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function per QMP command, as in vbmonitorsystem.h: 0 on success, -1
 * with the error reported.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"
#include "vbmonitor.h"

/* One entry of query-machines */
typedef struct _vbMonitorMachineInfo vbMonitorMachineInfo;
struct _vbMonitorMachineInfo {
    char *name;  /* "pc-i440fx-7.2" */
    char *alias; /* "pc", or NULL */
    bool isDefault;
    unsigned int maxCpus;
    bool deprecated;
};

void vbMonitorMachineInfoFree(vbMonitorMachineInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbMonitorMachineInfo, vbMonitorMachineInfoFree);

/* query-machines: *@machines gets a GPtrArray of vbMonitorMachineInfo in
 * QEMU's order (which has none in particular). */
int vbMonitorQueryMachines(vbMonitor *mon, GPtrArray **machines);

/* The reply's "return" array of query-machines, as above (tests feed it
 * recorded replies). */
int vbMonitorParseMachines(const vbJSONValue *reply, GPtrArray **machines);

/* query-target: *@arch gets QEMU's name of the architecture it emulates
 * ("x86_64", "i386") */
int vbMonitorQueryTarget(vbMonitor *mon, char **arch);
