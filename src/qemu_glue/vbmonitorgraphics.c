/*
 * vbmonitorgraphics.c: QMP commands about QEMU's display servers (VNC)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbmonitorgraphics.h"
#include "vbqmpcommand.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

int
vbMonitorSetVNCPassword(vbMonitor *mon, const char *password)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("set_password", "s:protocol", "vnc", "s:password",
                                                 password, "s:connected", "keep", NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorExpireVNCPassword(vbMonitor *mon, const char *time)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("expire_password", "s:protocol", "vnc", "s:time", time, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}
