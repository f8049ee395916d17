/*
 * vbmonitorblock.h: QMP commands for block nodes, bitmaps and NBD exports
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function per QMP command, as in vbmonitorjob.h: no domain objects,
 * no locks; 0 on success, -1 with the error reported.  Arguments that are
 * JSON trees (blockdev-add properties, transaction actions) are stolen.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"
#include "vbmonitor.h"
#include "vbdomaindiskconf.h"

/**
 * vbMonitorBlockCommit:
 * block-commit with the keys in libvirt's order.  @topNode / @baseNode
 * NULL let QEMU choose (active layer / deepest image); @backingName is
 * written into top's overlay (NULL for an active commit); @speed in
 * bytes/s, 0 for unlimited (left out); @autoFinalize and
 * @backingMaskProtocol are tri-state (< 0 left out); @autoDismiss is
 * always sent.
 */
int vbMonitorBlockCommit(vbMonitor *mon, const char *device, const char *jobname,
                         const char *topNode, const char *baseNode, const char *backingName,
                         unsigned long long speed, int autoFinalize, bool autoDismiss,
                         int backingMaskProtocol);

/* blockdev-add with the properties *@props (stolen) */
int vbMonitorBlockdevAdd(vbMonitor *mon, vbJSONValue **props);
int vbMonitorBlockdevDel(vbMonitor *mon, const char *nodename);

/* block_set_io_throttle on the device @qomid (QOM path or id), as libvirt
 * 9.0 sets <iotune> with -blockdev: every limit, 0 meaning none. */
int vbMonitorBlockSetIoThrottle(vbMonitor *mon, const char *qomid, const vbDomainIoTune *iotune);

/* The throttle limits QEMU applies to the device with id @devid
 * (query-block), into @iotune (its group name allocated); libvirt's
 * "cannot find throttling info for device" when QEMU lists no medium
 * there. */
int vbMonitorQueryBlockIoThrottle(vbMonitor *mon, const char *devid, vbDomainIoTune *iotune);
int vbMonitorParseBlockIoThrottle(vbJSONValue *ret, const char *devid, vbDomainIoTune *iotune);

/* The tray and medium of a removable device (@id: its qdev id) */
int vbMonitorBlockdevOpenTray(vbMonitor *mon, const char *id, bool force);
int vbMonitorBlockdevCloseTray(vbMonitor *mon, const char *id);
int vbMonitorBlockdevRemoveMedium(vbMonitor *mon, const char *id);
int vbMonitorBlockdevInsertMedium(vbMonitor *mon, const char *id, const char *nodename);
/* blockdev-reopen of the nodes in *@options, an array of properties */
int vbMonitorBlockdevReopen(vbMonitor *mon, vbJSONValue **options);

/* transaction with the actions in *@actions (stolen), built by the
 * vbMonitorTransaction* helpers below */
int vbMonitorTransaction(vbMonitor *mon, vbJSONValue **actions);

/* Append one action to @actions (an array); -1 only on a builder error.
 * @granularity 0 lets QEMU choose. */
int vbMonitorTransactionBitmapAdd(vbJSONValue *actions, const char *node, const char *name,
                                  bool persistent, bool disabled, unsigned long long granularity);
int vbMonitorTransactionBitmapRemove(vbJSONValue *actions, const char *node, const char *name);
int vbMonitorTransactionBitmapClear(vbJSONValue *actions, const char *node, const char *name);
int vbMonitorTransactionBitmapEnable(vbJSONValue *actions, const char *node, const char *name);
int vbMonitorTransactionBitmapDisable(vbJSONValue *actions, const char *node, const char *name);
/* merges the bitmaps in *@sources (stolen; see vbMonitorBitmapMergeSourceAdd)
 * into @target on @node */
int vbMonitorTransactionBitmapMerge(vbJSONValue *actions, const char *node, const char *target,
                                    vbJSONValue **sources);
/* blockdev-snapshot: @overlay (added with blockdev-add, no backing) goes
 * on top of @node */
int vbMonitorTransactionSnapshotBlockdev(vbJSONValue *actions, const char *node,
                                         const char *overlay);

/* Appends {"node": @node, "name": @name} to the array @sources */
int vbMonitorBitmapMergeSourceAdd(vbJSONValue *sources, const char *node, const char *name);

/* The same bitmap operations as single commands */
int vbMonitorBitmapAdd(vbMonitor *mon, const char *node, const char *name, bool persistent,
                       bool disabled, unsigned long long granularity);
int vbMonitorBitmapRemove(vbMonitor *mon, const char *node, const char *name);
int vbMonitorBitmapMerge(vbMonitor *mon, const char *node, const char *target,
                         vbJSONValue **sources);

/* A dirty bitmap as query-named-block-nodes lists it */
typedef struct {
    char *name; /* NULL for QEMU's internal (job) bitmaps */
    unsigned long long granularity;
    bool recording;
    bool persistent;
    bool inconsistent;
    bool busy;
} vbMonitorBitmapInfo;

/* Frees a vbMonitorBitmapInfo (a GDestroyNotify, for GPtrArray) */
void vbMonitorBitmapInfoFree(gpointer info);

/* A node of query-named-block-nodes (flat) */
typedef struct {
    char *nodeName;
    char *driver;       /* "drv" */
    char *file;         /* QEMU's filename, possibly json:{...} */
    bool readOnly;      /* "ro" */
    char *backingFile;  /* NULL when none */
    GPtrArray *bitmaps; /* vbMonitorBitmapInfo; empty when none */
    /* "image"/"virtual-size"; 0 when not given */
    unsigned long long virtualSize;
} vbMonitorBlockNodeInfo;

void vbMonitorBlockNodeInfoFree(vbMonitorBlockNodeInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbMonitorBlockNodeInfo, vbMonitorBlockNodeInfoFree);

/* query-named-block-nodes flat=true: *@nodes gets an array of
 * vbMonitorBlockNodeInfo in QEMU's order */
int vbMonitorQueryNamedBlockNodes(vbMonitor *mon, GPtrArray **nodes);
/* The same, from the command's @ret (the "return" member): used by
 * vbMonitorQueryNamedBlockNodes and by tests of recorded replies */
int vbMonitorParseNamedBlockNodes(vbJSONValue *ret, GPtrArray **nodes);

/* query-block: the node the device with id @devid reads and writes now
 * (the root of its graph), in *@nodename; NULL when it has no medium.
 * OPERATION_FAILED naming @devid when QEMU lists no such device. */
int vbMonitorQueryBlockDeviceRoot(vbMonitor *mon, const char *devid, char **nodename);
/* The same, from the command's @ret (the "return" member) */
int vbMonitorParseBlockDeviceRoot(vbJSONValue *ret, const char *devid, char **nodename);

/* nbd-server-start on a UNIX socket at @socketPath */
int vbMonitorNBDServerStart(vbMonitor *mon, const char *socketPath);
int vbMonitorNBDServerStop(vbMonitor *mon);
/* block-export-add of type nbd; the export name is the node name */
int vbMonitorBlockExportAdd(vbMonitor *mon, const char *id, const char *nodename, bool writable);
int vbMonitorBlockExportDel(vbMonitor *mon, const char *id);
