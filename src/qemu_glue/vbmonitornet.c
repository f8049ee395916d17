/*
 * vbmonitornet.c: QMP commands of network interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbmonitornet.h"
#include "vbqmpcommand.h"

int
vbMonitorSetLink(vbMonitor *mon, const char *alias, bool up)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("set_link", "s:name", alias, "b:up", up, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorNetdevAdd(vbMonitor *mon, vbJSONValue **props)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNewArgs("netdev_add", props);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorNetdevDel(vbMonitor *mon, const char *id, bool missingOK)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("netdev_del", "s:id", id, NULL);

    if (!missingOK)
        return vbQMPCommandRun(mon, &cmd, NULL);
    return vbQMPCommandRunClass(mon, &cmd, "DeviceNotFound", NULL) < 0 ? -1 : 0;
}
