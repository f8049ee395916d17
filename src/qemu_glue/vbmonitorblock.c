/*
 * vbmonitorblock.c: QMP commands for block nodes, bitmaps and NBD exports
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"

#include "vbmonitorblock.h"
#include "vbqmpcommand.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

int
vbMonitorBlockCommit(vbMonitor *mon, const char *device, const char *jobname, const char *topNode,
                     const char *baseNode, const char *backingName, unsigned long long speed,
                     int autoFinalize, bool autoDismiss, int backingMaskProtocol)
{
    /* job-id is required in practice: blockdev nodes have no BlockBackend
     * name for QEMU to default to */
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew(
        "block-commit", "s:device", device, "s:job-id", jobname, "Y:speed", speed, "S:top-node",
        topNode, "S:base-node", baseNode, "S:backing-file", backingName, "T:backing-mask-protocol",
        backingMaskProtocol, "T:auto-finalize", autoFinalize, "b:auto-dismiss", autoDismiss, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockdevAdd(vbMonitor *mon, vbJSONValue **props)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNewArgs("blockdev-add", props);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockdevDel(vbMonitor *mon, const char *nodename)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("blockdev-del", "s:node-name", nodename, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

/* QEMU's member for each <iotune> limit; the first six are required. */
static const char *const vbMonitorIoThrottleNames[] = {
    "bps",
    "bps_rd",
    "bps_wr",
    "iops",
    "iops_rd",
    "iops_wr",
    "bps_max",
    "bps_rd_max",
    "bps_wr_max",
    "iops_max",
    "iops_rd_max",
    "iops_wr_max",
    "iops_size",
    "bps_max_length",
    "bps_rd_max_length",
    "bps_wr_max_length",
    "iops_max_length",
    "iops_rd_max_length",
    "iops_wr_max_length",
};
G_STATIC_ASSERT(G_N_ELEMENTS(vbMonitorIoThrottleNames) == VB_DOMAIN_IOTUNE_LAST);

int
vbMonitorBlockSetIoThrottle(vbMonitor *mon, const char *qomid, const vbDomainIoTune *iotune)
{
    g_autoptr(vbJSONValue) args = NULL;
    g_autoptr(vbJSONValue) cmd = NULL;
    size_t i;

    if (vbJSONValueObjectAdd(&args, "s:id", qomid, NULL) < 0)
        return -1;
    /* as libvirt: the limits always, the group, the burst lengths when set */
    for (i = 0; i < VB_DOMAIN_IOTUNE_LAST; i++) {
        bool always = i < VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC_MAX_LENGTH;
        g_autofree char *key = g_strconcat(always ? "U:" : "Y:", vbMonitorIoThrottleNames[i], NULL);

        if (i == VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC_MAX_LENGTH &&
            vbJSONValueObjectAdd(&args, "S:group", iotune->groupName, NULL) < 0)
            return -1;
        if (vbJSONValueObjectAdd(&args, key, iotune->limits[i], NULL) < 0)
            return -1;
    }
    cmd = vbQMPCommandNewArgs("block_set_io_throttle", &args);
    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockdevOpenTray(vbMonitor *mon, const char *id, bool force)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("blockdev-open-tray", "s:id", id, "B:force", force, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockdevCloseTray(vbMonitor *mon, const char *id)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("blockdev-close-tray", "s:id", id, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockdevRemoveMedium(vbMonitor *mon, const char *id)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("blockdev-remove-medium", "s:id", id, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockdevInsertMedium(vbMonitor *mon, const char *id, const char *nodename)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("blockdev-insert-medium", "s:id", id, "s:node-name", nodename, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockdevReopen(vbMonitor *mon, vbJSONValue **options)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("blockdev-reopen", "a:options", options, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorTransaction(vbMonitor *mon, vbJSONValue **actions)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("transaction", "a:actions", actions, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

/* Appends {"type": @type, "data": {...}} built from the key/value list */
static int G_GNUC_NULL_TERMINATED
vbMonitorTransactionAppend(vbJSONValue *actions, const char *type, ...)
{
    g_autoptr(vbJSONValue) data = NULL;
    g_autoptr(vbJSONValue) action = NULL;
    va_list ap;
    int rc;

    va_start(ap, type);
    rc = vbJSONValueObjectAddVArgs(&data, ap);
    va_end(ap);
    if (rc < 0)
        return -1;

    if (vbJSONValueObjectAdd(&action, "s:type", type, "o:data", &data, NULL) < 0)
        return -1;
    return vbJSONValueArrayAppend(actions, &action);
}

int
vbMonitorTransactionBitmapAdd(vbJSONValue *actions, const char *node, const char *name,
                              bool persistent, bool disabled, unsigned long long granularity)
{
    return vbMonitorTransactionAppend(actions, "block-dirty-bitmap-add", "s:node", node, "s:name",
                                      name, "b:persistent", persistent, "B:disabled", disabled,
                                      "Y:granularity", granularity, NULL);
}

static int
vbMonitorTransactionBitmapSimple(vbJSONValue *actions, const char *type, const char *node,
                                 const char *name)
{
    return vbMonitorTransactionAppend(actions, type, "s:node", node, "s:name", name, NULL);
}

int
vbMonitorTransactionBitmapRemove(vbJSONValue *actions, const char *node, const char *name)
{
    return vbMonitorTransactionBitmapSimple(actions, "block-dirty-bitmap-remove", node, name);
}

int
vbMonitorTransactionBitmapClear(vbJSONValue *actions, const char *node, const char *name)
{
    return vbMonitorTransactionBitmapSimple(actions, "block-dirty-bitmap-clear", node, name);
}

int
vbMonitorTransactionBitmapEnable(vbJSONValue *actions, const char *node, const char *name)
{
    return vbMonitorTransactionBitmapSimple(actions, "block-dirty-bitmap-enable", node, name);
}

int
vbMonitorTransactionBitmapDisable(vbJSONValue *actions, const char *node, const char *name)
{
    return vbMonitorTransactionBitmapSimple(actions, "block-dirty-bitmap-disable", node, name);
}

int
vbMonitorTransactionBitmapMerge(vbJSONValue *actions, const char *node, const char *target,
                                vbJSONValue **sources)
{
    return vbMonitorTransactionAppend(actions, "block-dirty-bitmap-merge", "s:node", node,
                                      "s:target", target, "a:bitmaps", sources, NULL);
}

int
vbMonitorTransactionSnapshotBlockdev(vbJSONValue *actions, const char *node, const char *overlay)
{
    return vbMonitorTransactionAppend(actions, "blockdev-snapshot", "s:node", node, "s:overlay",
                                      overlay, NULL);
}

int
vbMonitorBitmapMergeSourceAdd(vbJSONValue *sources, const char *node, const char *name)
{
    g_autoptr(vbJSONValue) source = NULL;

    if (vbJSONValueObjectAdd(&source, "s:node", node, "s:name", name, NULL) < 0)
        return -1;
    return vbJSONValueArrayAppend(sources, &source);
}

int
vbMonitorBitmapAdd(vbMonitor *mon, const char *node, const char *name, bool persistent,
                   bool disabled, unsigned long long granularity)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("block-dirty-bitmap-add", "s:node", node, "s:name", name, "b:persistent",
                        persistent, "B:disabled", disabled, "Y:granularity", granularity, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBitmapRemove(vbMonitor *mon, const char *node, const char *name)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("block-dirty-bitmap-remove", "s:node", node, "s:name", name, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBitmapMerge(vbMonitor *mon, const char *node, const char *target, vbJSONValue **sources)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("block-dirty-bitmap-merge", "s:node", node,
                                                 "s:target", target, "a:bitmaps", sources, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

void
vbMonitorBitmapInfoFree(gpointer opaque)
{
    vbMonitorBitmapInfo *info = opaque;

    g_free(info->name);
    g_free(info);
}

void
vbMonitorBlockNodeInfoFree(vbMonitorBlockNodeInfo *info)
{
    if (!info)
        return;
    g_free(info->nodeName);
    g_free(info->driver);
    g_free(info->file);
    g_free(info->backingFile);
    if (info->bitmaps)
        g_ptr_array_unref(info->bitmaps);
    g_free(info);
}

static void
vbMonitorBlockNodeInfoFreeFunc(gpointer info)
{
    vbMonitorBlockNodeInfoFree(info);
}

static int
vbMonitorBitmapInfoParse(vbJSONValue *entry, GPtrArray *bitmaps)
{
    g_autofree vbMonitorBitmapInfo *info = g_new0(vbMonitorBitmapInfo, 1);

    if (vbJSONValueObjectGetNumberUlong(entry, "granularity", &info->granularity) < 0) {
        vbQMPReportMissing("query-named-block-nodes", "granularity");
        return -1;
    }
    if (vbJSONValueObjectGetBoolean(entry, "recording", &info->recording) < 0) {
        vbQMPReportMissing("query-named-block-nodes", "recording");
        return -1;
    }
    if (vbJSONValueObjectGetBoolean(entry, "persistent", &info->persistent) < 0) {
        vbQMPReportMissing("query-named-block-nodes", "persistent");
        return -1;
    }
    if (vbJSONValueObjectGetBoolean(entry, "busy", &info->busy) < 0) {
        vbQMPReportMissing("query-named-block-nodes", "busy");
        return -1;
    }
    /* present only when true */
    if (vbJSONValueObjectGetBoolean(entry, "inconsistent", &info->inconsistent) < 0)
        info->inconsistent = false;
    info->name = g_strdup(vbJSONValueObjectGetString(entry, "name"));
    g_ptr_array_add(bitmaps, g_steal_pointer(&info));
    return 0;
}

/* a vbMonitorBlockNodeInfo, for vbQMPParseArray */
static gpointer
vbMonitorBlockNodeInfoParse(vbJSONValue *entry)
{
    g_autoptr(vbMonitorBlockNodeInfo) info = g_new0(vbMonitorBlockNodeInfo, 1);
    const char *nodeName = vbJSONValueObjectGetString(entry, "node-name");
    const char *driver = vbJSONValueObjectGetString(entry, "drv");
    vbJSONValue *bitmaps = vbJSONValueObjectGetArray(entry, "dirty-bitmaps");
    size_t i;

    if (!nodeName || !driver) {
        vbQMPReportMissing("query-named-block-nodes", !nodeName ? "node-name" : "drv");
        return NULL;
    }
    if (vbJSONValueObjectGetBoolean(entry, "ro", &info->readOnly) < 0) {
        vbQMPReportMissing("query-named-block-nodes", "ro");
        return NULL;
    }
    info->nodeName = g_strdup(nodeName);
    info->driver = g_strdup(driver);
    info->file = g_strdup(vbJSONValueObjectGetString(entry, "file"));
    info->backingFile = g_strdup(vbJSONValueObjectGetString(entry, "backing_file"));
    /* optional: only the bitmaps' size checks of a revert read it */
    if (vbJSONValueObjectGetNumberUlong(vbJSONValueObjectGetObject(entry, "image"), "virtual-size",
                                        &info->virtualSize) < 0)
        info->virtualSize = 0;
    info->bitmaps = g_ptr_array_new_with_free_func(vbMonitorBitmapInfoFree);
    for (i = 0; i < vbJSONValueArraySize(bitmaps); i++) {
        if (vbMonitorBitmapInfoParse(vbJSONValueArrayGet(bitmaps, i), info->bitmaps) < 0)
            return NULL;
    }
    return g_steal_pointer(&info);
}

int
vbMonitorParseNamedBlockNodes(vbJSONValue *ret, GPtrArray **nodes)
{
    return vbQMPParseArray(ret, "query-named-block-nodes", vbMonitorBlockNodeInfoParse,
                           vbMonitorBlockNodeInfoFreeFunc, nodes);
}

int
vbMonitorQueryNamedBlockNodes(vbMonitor *mon, GPtrArray **nodes)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-named-block-nodes", "b:flat", true, NULL);
    g_autoptr(vbJSONValue) ret = NULL;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    return vbMonitorParseNamedBlockNodes(ret, nodes);
}

/* query-block names a device by its id when it has one (scsi-hd, ide-hd)
 * and by its QOM path otherwise: virtio-blk's backend is a child of the
 * device with the id, "/machine/peripheral/<id>/virtio-backend". */
static bool
vbMonitorBlockQdevMatches(const char *qdev, const char *devid)
{
    static const char prefix[] = "/machine/peripheral/";
    size_t len = strlen(devid);

    if (g_str_equal(qdev, devid))
        return true;
    if (!g_str_has_prefix(qdev, prefix))
        return false;
    qdev += strlen(prefix);
    return strncmp(qdev, devid, len) == 0 && (qdev[len] == '\0' || qdev[len] == '/');
}

int
vbMonitorParseBlockDeviceRoot(vbJSONValue *ret, const char *devid, char **nodename)
{
    size_t i;

    if (!ret || vbJSONValueGetType(ret) != VB_JSON_TYPE_ARRAY) {
        vbQMPReportMissing("query-block", "return");
        return -1;
    }
    for (i = 0; i < vbJSONValueArraySize(ret); i++) {
        vbJSONValue *entry = vbJSONValueArrayGet(ret, i);
        const char *qdev = vbJSONValueObjectGetString(entry, "qdev");
        vbJSONValue *inserted;

        if (!qdev || !vbMonitorBlockQdevMatches(qdev, devid))
            continue;
        *nodename = NULL;
        if ((inserted = vbJSONValueObjectGetObject(entry, "inserted"))) {
            const char *node = vbJSONValueObjectGetString(inserted, "node-name");

            if (!node) {
                vbQMPReportMissing("query-block", "node-name");
                return -1;
            }
            *nodename = g_strdup(node);
        }
        return 0;
    }
    vbReportError(VIR_ERR_OPERATION_FAILED, _("QEMU lists no block device '%s'"), devid);
    return -1;
}

int
vbMonitorQueryBlockDeviceRoot(vbMonitor *mon, const char *devid, char **nodename)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-block", NULL);
    g_autoptr(vbJSONValue) ret = NULL;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    return vbMonitorParseBlockDeviceRoot(ret, devid, nodename);
}

int
vbMonitorParseBlockIoThrottle(vbJSONValue *ret, const char *devid, vbDomainIoTune *iotune)
{
    size_t i;
    size_t j;

    if (!ret || vbJSONValueGetType(ret) != VB_JSON_TYPE_ARRAY) {
        vbQMPReportMissing("query-block", "return");
        return -1;
    }
    for (i = 0; i < vbJSONValueArraySize(ret); i++) {
        vbJSONValue *entry = vbJSONValueArrayGet(ret, i);
        const char *qdev = vbJSONValueObjectGetString(entry, "qdev");
        vbJSONValue *inserted = vbJSONValueObjectGetObject(entry, "inserted");

        if (!qdev || !vbMonitorBlockQdevMatches(qdev, devid))
            continue;
        if (!inserted) {
            /* an empty drive; libvirt's wording */
            vbReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          _("block_io_throttle inserted entry was not in expected format"));
            return -1;
        }
        memset(iotune, 0, sizeof(*iotune));
        for (j = 0; j < VB_DOMAIN_IOTUNE_LAST; j++) {
            /* the six basic limits are always there, the others when set */
            if (vbJSONValueObjectGetNumberUlong(inserted, vbMonitorIoThrottleNames[j],
                                                &iotune->limits[j]) < 0 &&
                j <= VB_DOMAIN_IOTUNE_WRITE_IOPS_SEC) {
                vbQMPReportMissing("query-block", vbMonitorIoThrottleNames[j]);
                return -1;
            }
        }
        iotune->groupName = g_strdup(vbJSONValueObjectGetString(inserted, "group"));
        return 0;
    }
    /* libvirt's wording */
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot find throttling info for device '%s'"), devid);
    return -1;
}

int
vbMonitorQueryBlockIoThrottle(vbMonitor *mon, const char *devid, vbDomainIoTune *iotune)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-block", NULL);
    g_autoptr(vbJSONValue) ret = NULL;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    return vbMonitorParseBlockIoThrottle(ret, devid, iotune);
}

int
vbMonitorNBDServerStart(vbMonitor *mon, const char *socketPath)
{
    g_autoptr(vbJSONValue) data = NULL;
    g_autoptr(vbJSONValue) addr = NULL;
    g_autoptr(vbJSONValue) cmd = NULL;

    if (vbJSONValueObjectAdd(&data, "s:path", socketPath, NULL) < 0 ||
        vbJSONValueObjectAdd(&addr, "s:type", "unix", "o:data", &data, NULL) < 0)
        return -1;
    cmd = vbQMPCommandNew("nbd-server-start", "o:addr", &addr, NULL);
    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorNBDServerStop(vbMonitor *mon)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("nbd-server-stop", NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockExportAdd(vbMonitor *mon, const char *id, const char *nodename, bool writable)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("block-export-add", "s:type", "nbd", "s:id", id, "s:node-name", nodename,
                        "b:writable", writable, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorBlockExportDel(vbMonitor *mon, const char *id)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("block-export-del", "s:id", id, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}
