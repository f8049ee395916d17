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
