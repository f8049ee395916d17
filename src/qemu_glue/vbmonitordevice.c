/*
 * vbmonitordevice.c: QMP commands that add and remove guest devices
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbmonitordevice.h"
#include "vbqmpcommand.h"

int
vbMonitorDeviceAdd(vbMonitor *mon, vbJSONValue **props)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNewArgs("device_add", props);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorDeviceDel(vbMonitor *mon, const char *alias)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("device_del", "s:id", alias, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}
