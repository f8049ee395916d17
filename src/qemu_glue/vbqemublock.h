/*
 * vbqemublock.h: QEMU block node properties for one image of a chain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every image is two nodes, as libvirt builds them: a storage (protocol)
 * node "libvirt-N-storage" that opens the file or block device with
 * auto-read-only, and a format node "libvirt-N-format" on top of it that
 * names its backing format node explicitly ("backing": null at the bottom),
 * so QEMU never opens a chain from image headers on its own.
 * auto-read-only on the storage node is what lets QEMU reopen a backing
 * image read-write for block-commit.
 *
 * The props are returned as a JSON object, usable both as the argument
 * of -blockdev (vbJSONValueToString, compact) and as the arguments of
 * blockdev-add.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbdomainconf.h"
#include "vbjson.h"
#include "vbstoragesource.h"

typedef enum {
    /* @src is the disk's active image: writable unless the disk is
     * read-only.  Without it the node is read-only, as every backing
     * image is. */
    VB_QEMU_BLOCK_NODE_TOP = 1 << 0,
    /* Write "backing": null whatever @src->backingStore says: a new overlay
     * that blockdev-snapshot links to its backing afterwards. */
    VB_QEMU_BLOCK_NODE_NO_BACKING = 1 << 1,
} vbQemuBlockNodeFlags;

/*
 * vbQemuBlockStorageProps:
 * The storage node of @src, one image of @disk's chain, e.g.
 *   {"driver":"file","filename":"/i/base.qcow2","node-name":"libvirt-2-storage",
 *    "auto-read-only":true,"discard":"unmap"}
 * The disk gives the cache, aio and discard settings, which libvirt
 * applies to every image of the chain.
 *
 * Returns a new object owned by the caller, or NULL with an error reported
 * (INTERNAL_ERROR when @src has no node name or location: a caller bug).
 */
vbJSONValue *vbQemuBlockStorageProps(const vbDomainDiskDef *disk, const vbStorageSource *src);

/*
 * vbQemuBlockFormatProps:
 * The format node of @src, e.g.
 *   {"node-name":"libvirt-1-format","read-only":false,"driver":"qcow2",
 *    "file":"libvirt-1-storage","backing":"libvirt-2-format"}
 * @flags: vbQemuBlockNodeFlags.  A qcow2 image always names its backing
 * (a node name, or null); raw has none.  A qcow2 image whose backing is not
 * known (backingStore NULL, chain not probed) is refused as INTERNAL_ERROR,
 * because QEMU would then open the header's chain with names of its own.
 *
 * Returns a new object owned by the caller, or NULL with an error reported.
 */
vbJSONValue *vbQemuBlockFormatProps(const vbDomainDiskDef *disk, const vbStorageSource *src,
                                    unsigned int flags);

/*
 * vbQemuBlockReopenOptions:
 * The options of blockdev-reopen that switch @src's format node to
 * read-only or read-write: every option it was opened with again (options
 * left out would go back to their defaults), with @readonly.  An array of
 * one element, for vbMonitorBlockdevReopen.
 */
vbJSONValue *vbQemuBlockReopenOptions(const vbDomainDiskDef *disk, const vbStorageSource *src,
                                      bool readonly);

/* The name QEMU's block_set_io_throttle and query-block know @disk's
 * device by: its id, or for virtio the path of its backend (libvirt's
 * qomName). */
char *vbQemuBlockDiskQomName(const vbDomainDiskDef *disk);
