/*
 * vbmonitorgraphics.h: QMP commands about QEMU's display servers (VNC)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function per QMP command, as in vbmonitorjob.h: 0 on success, -1
 * with the error reported.
 */

#pragma once

#include "vbmonitor.h"

/* set_password: the password of the VNC server (started with
 * password=on), keeping the clients already connected, as libvirt */
int vbMonitorSetVNCPassword(vbMonitor *mon, const char *password);

/* expire_password: when the VNC password stops working: "never", "now",
 * or seconds since the epoch as a decimal string */
int vbMonitorExpireVNCPassword(vbMonitor *mon, const char *time);
