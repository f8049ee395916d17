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

int
vbMonitorGetDeviceAliases(vbMonitor *mon, GHashTable **aliases)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("qom-list", "s:path", "/machine/peripheral", NULL);
    g_autoptr(vbJSONValue) ret = NULL;
    g_autoptr(GHashTable) set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    if (vbJSONValueGetType(ret) != VB_JSON_TYPE_ARRAY) {
        vbQMPReportMissing("qom-list", "return");
        return -1;
    }
    for (i = 0; i < vbJSONValueArraySize(ret); i++) {
        vbJSONValue *entry = vbJSONValueArrayGet(ret, i);
        const char *name = vbJSONValueObjectGetString(entry, "name");
        const char *type = vbJSONValueObjectGetString(entry, "type");

        if (!name || !type) {
            vbQMPReportMissing("qom-list", !name ? "name" : "type");
            return -1;
        }
        /* the devices are children; 'type' is a string property */
        if (g_str_has_prefix(type, "child<"))
            g_hash_table_add(set, g_strdup(name));
    }
    *aliases = g_steal_pointer(&set);
    return 0;
}
