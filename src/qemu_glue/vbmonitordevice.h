/*
 * vbmonitordevice.h: QMP commands that add and remove guest devices
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function per QMP command, as in vbmonitorjob.h: 0 on success, -1
 * with the error reported.  A device is named by its id (the alias).
 */

#pragma once

#include <glib.h>

#include "vbjson.h"
#include "vbmonitor.h"

/* device_add with @props, the device's properties as the command line's
 * -device has them (vbQemuDeviceBuildProps); takes *@props. */
int vbMonitorDeviceAdd(vbMonitor *mon, vbJSONValue **props);

/* device_del: asks the guest to let go of device @alias.  QEMU's
 * DEVICE_DELETED event says when it is gone, DEVICE_UNPLUG_GUEST_ERROR
 * when the guest refused. */
int vbMonitorDeviceDel(vbMonitor *mon, const char *alias);

/* qom-list of /machine/peripheral, as libvirt's
 * qemuMonitorGetDeviceAliases: the ids of the devices QEMU has (those
 * given an id; child<...> entries only), in *@aliases, a set of strings.
 * A device being unplugged stays until DEVICE_DELETED. */
int vbMonitorGetDeviceAliases(vbMonitor *mon, GHashTable **aliases);
