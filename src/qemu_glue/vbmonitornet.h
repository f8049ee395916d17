/*
 * vbmonitornet.h: QMP commands of network interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function per QMP command, as in vbmonitorjob.h: 0 on success, -1
 * with the error reported.  A NIC is named by its device id (the alias).
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"
#include "vbmonitor.h"

/* set_link: the link of the NIC @alias up or down, as the guest sees it */
int vbMonitorSetLink(vbMonitor *mon, const char *alias, bool up);

/* netdev_add with @props, an interface's backend as -netdev has it
 * (vbQemuDeviceBuildNetBackendProps); takes *@props. */
int vbMonitorNetdevAdd(vbMonitor *mon, vbJSONValue **props);

/* netdev_del: the backend @id ("hostnet1") removed; with @missingOK a
 * backend QEMU does not have (DeviceNotFound) is no error. */
int vbMonitorNetdevDel(vbMonitor *mon, const char *id, bool missingOK);
