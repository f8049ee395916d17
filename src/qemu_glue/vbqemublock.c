/*
 * vbqemublock.c: QEMU block node properties for one image of a chain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vbqemublock.h"
#include "vberror.h"
#include "vbjson.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_QEMU_BLOCK_NULLSTR(s) ((s) ? (s) : "<null>")

/* Keys are added in the order libvirt writes them, so our command lines
 * diff cleanly against libvirt's. */

/* libvirt's mapping of the disk's cache mode onto the block layer; the
 * guest-visible write cache is the device's write-cache property.  false
 * when the mode is the default and nothing is written. */
static bool
vbQemuBlockCacheFlags(vbDomainDiskCache cache, bool *direct, bool *noFlush)
{
    *direct = false;
    *noFlush = false;

    switch (cache) {
    case VB_DOMAIN_DISK_CACHE_DEFAULT:
    case VB_DOMAIN_DISK_CACHE_LAST:
        return false;
    case VB_DOMAIN_DISK_CACHE_WRITEBACK:
    case VB_DOMAIN_DISK_CACHE_WRITETHRU:
        return true;
    case VB_DOMAIN_DISK_CACHE_NONE:
    case VB_DOMAIN_DISK_CACHE_DIRECTSYNC:
        *direct = true;
        return true;
    case VB_DOMAIN_DISK_CACHE_UNSAFE:
        *noFlush = true;
        return true;
    }
    return false;
}

/* The "cache" member both nodes of an image get; NULL for the default. */
static vbJSONValue *
vbQemuBlockCacheProps(vbDomainDiskCache cache)
{
    g_autoptr(vbJSONValue) props = NULL;
    bool direct;
    bool noFlush;

    if (!vbQemuBlockCacheFlags(cache, &direct, &noFlush))
        return NULL;
    if (vbJSONValueObjectAdd(&props, "b:direct", direct, "b:no-flush", noFlush, NULL) < 0)
        return NULL;
    return g_steal_pointer(&props);
}

static const char *
vbQemuBlockAioName(vbDomainDiskIo io)
{
    switch (io) {
    case VB_DOMAIN_DISK_IO_NATIVE:
        return "native";
    case VB_DOMAIN_DISK_IO_THREADS:
        return "threads";
    case VB_DOMAIN_DISK_IO_URING:
        return "io_uring";
    case VB_DOMAIN_DISK_IO_DEFAULT:
    case VB_DOMAIN_DISK_IO_LAST:
        break;
    }
    return NULL;
}

static const char *
vbQemuBlockDiscardName(vbDomainDiskDiscard discard)
{
    switch (discard) {
    case VB_DOMAIN_DISK_DISCARD_UNMAP:
        return "unmap";
    case VB_DOMAIN_DISK_DISCARD_IGNORE:
        return "ignore";
    case VB_DOMAIN_DISK_DISCARD_DEFAULT:
    case VB_DOMAIN_DISK_DISCARD_LAST:
        break;
    }
    return NULL;
}

/* QEMU's JSON parser takes UTF-8 only; a path that is not cannot be
 * written as a JSON string. */
static int
vbQemuBlockCheckPath(const vbDomainDiskDef *disk, const vbStorageSource *src)
{
    if (!src->path) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("image in the chain of disk '%s' has no path"),
                      disk->dst);
        return -1;
    }
    if (!g_utf8_validate(src->path, -1, NULL)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("path of an image of disk '%s' is not valid UTF-8, QEMU cannot open it"),
                      disk->dst);
        return -1;
    }
    return 0;
}

vbJSONValue *
vbQemuBlockStorageProps(const vbDomainDiskDef *disk, const vbStorageSource *src)
{
    g_autoptr(vbJSONValue) props = NULL;
    g_autoptr(vbJSONValue) cache = NULL;
    const char *driver = NULL;

    switch (src->type) {
    case VB_STORAGE_TYPE_FILE:
        driver = "file";
        break;
    case VB_STORAGE_TYPE_BLOCK:
        /* host_cdrom also follows media changes of a physical drive */
        driver = disk->device == VB_DOMAIN_DISK_DEVICE_CDROM ? "host_cdrom" : "host_device";
        break;
    case VB_STORAGE_TYPE_NONE:
    case VB_STORAGE_TYPE_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("image of type '%d' in the chain of disk '%s' has no storage node"),
                      (int) src->type, disk->dst);
        return NULL;
    }
    if (!src->nodeStorage) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("image '%s' of disk '%s' has no storage node name assigned"),
                      VB_QEMU_BLOCK_NULLSTR(src->path), disk->dst);
        return NULL;
    }
    if (vbQemuBlockCheckPath(disk, src) < 0)
        return NULL;

    cache = vbQemuBlockCacheProps(disk->cache);
    /* auto-read-only: QEMU opens the file read-write when it can and falls
     * back to read-only only when it must; so a job (commit) can write into
     * a backing image without reopening its file.  The format node decides
     * whether discards reach the file. */
    if (vbJSONValueObjectAdd(&props, "s:driver", driver, "s:filename", src->path, "S:aio",
                             vbQemuBlockAioName(disk->io), "s:node-name", src->nodeStorage,
                             "O:cache", &cache, "b:auto-read-only", true, "s:discard", "unmap",
                             NULL) < 0)
        return NULL;
    return g_steal_pointer(&props);
}

static int
vbQemuBlockFormatAddBacking(vbJSONValue *props, const vbDomainDiskDef *disk,
                            const vbStorageSource *src, unsigned int flags)
{
    g_autoptr(vbJSONValue) backing = NULL;

    if (src->format != VB_STORAGE_FORMAT_QCOW2) {
        if (vbStorageSourceHasBacking(src)) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("raw image '%s' of disk '%s' cannot have a backing image"),
                          VB_QEMU_BLOCK_NULLSTR(src->path), disk->dst);
            return -1;
        }
        return 0;
    }

    /* Always name the backing: without the key QEMU would open the chain
     * written in the header, under node names of its own. */
    if (flags & VB_QEMU_BLOCK_NODE_NO_BACKING) {
        backing = vbJSONValueNewNull();
    } else if (!src->backingStore) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("backing chain of image '%s' of disk '%s' was not probed"),
                      VB_QEMU_BLOCK_NULLSTR(src->path), disk->dst);
        return -1;
    } else if (!vbStorageSourceHasBacking(src)) {
        backing = vbJSONValueNewNull();
    } else if (!src->backingStore->nodeFormat) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("image '%s' of disk '%s' has no node names assigned"),
                      VB_QEMU_BLOCK_NULLSTR(src->backingStore->path), disk->dst);
        return -1;
    } else {
        backing = vbJSONValueNewString(src->backingStore->nodeFormat);
    }
    return vbJSONValueObjectAppend(props, "backing", &backing);
}

/* detect_zeroes concerns what the guest writes: the top image only, as
 * in libvirt.  'unmap' without discard='unmap' would unmap nothing, and
 * libvirt asks for 'on' then (its documented shorthand). */
static const char *
vbQemuBlockDetectZeroesName(const vbDomainDiskDef *disk, const vbStorageSource *src)
{
    vbDomainDiskDetectZeroes mode = disk->detectZeroes;

    if (g_strcmp0(src->nodeFormat, disk->src->nodeFormat) != 0)
        return NULL;
    if (mode == VB_DOMAIN_DISK_DETECT_ZEROES_UNMAP && disk->discard != VB_DOMAIN_DISK_DISCARD_UNMAP)
        mode = VB_DOMAIN_DISK_DETECT_ZEROES_ON;
    return mode ? vbDomainDiskDetectZeroesTypeToString(mode) : NULL;
}

vbJSONValue *
vbQemuBlockFormatProps(const vbDomainDiskDef *disk, const vbStorageSource *src, unsigned int flags)
{
    g_autoptr(vbJSONValue) props = NULL;
    g_autoptr(vbJSONValue) cache = NULL;
    const char *driver = NULL;
    bool readonly = true;

    if (!src->nodeFormat || !src->nodeStorage) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("image '%s' of disk '%s' has no node names assigned"),
                      VB_QEMU_BLOCK_NULLSTR(src->path), disk->dst);
        return NULL;
    }

    switch (src->format) {
    case VB_STORAGE_FORMAT_RAW:
        driver = "raw";
        break;
    case VB_STORAGE_FORMAT_QCOW2:
        driver = "qcow2";
        break;
    case VB_STORAGE_FORMAT_NONE:
    case VB_STORAGE_FORMAT_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("format of image '%s' of disk '%s' is not known"),
                      VB_QEMU_BLOCK_NULLSTR(src->path), disk->dst);
        return NULL;
    }

    /* every backing image is read-only; QEMU reopens it for a commit */
    if (flags & VB_QEMU_BLOCK_NODE_TOP)
        readonly = src->readonly || disk->device == VB_DOMAIN_DISK_DEVICE_CDROM;

    cache = vbQemuBlockCacheProps(disk->cache);
    if (vbJSONValueObjectAdd(&props, "s:node-name", src->nodeFormat, "b:read-only", readonly,
                             "S:discard", vbQemuBlockDiscardName(disk->discard), "S:detect-zeroes",
                             vbQemuBlockDetectZeroesName(disk, src), "O:cache", &cache, "s:driver",
                             driver, "s:file", src->nodeStorage, NULL) < 0)
        return NULL;
    if (vbQemuBlockFormatAddBacking(props, disk, src, flags) < 0)
        return NULL;
    return g_steal_pointer(&props);
}

vbJSONValue *
vbQemuBlockReopenOptions(const vbDomainDiskDef *disk, const vbStorageSource *src, bool readonly)
{
    g_autoptr(vbStorageSource) copy = vbStorageSourceCopy(src, false);
    g_autoptr(vbJSONValue) props = NULL;
    g_autoptr(vbJSONValue) list = vbJSONValueNewArray();

    /* The props of a top image follow its own read-only flag. */
    copy->readonly = readonly;
    copy->backingStore = src->backingStore;
    props = vbQemuBlockFormatProps(disk, copy, VB_QEMU_BLOCK_NODE_TOP);
    copy->backingStore = NULL;
    if (!props || vbJSONValueArrayAppend(list, &props) < 0)
        return NULL;
    return g_steal_pointer(&list);
}

char *
vbQemuBlockDiskQomName(const vbDomainDiskDef *disk)
{
    if (disk->bus == VB_DOMAIN_DISK_BUS_VIRTIO)
        return g_strdup_printf("/machine/peripheral/%s/virtio-backend", disk->info.alias);
    /* usb-storage creates a SCSI bus of its own, with the disk on it */
    if (disk->bus == VB_DOMAIN_DISK_BUS_USB)
        return g_strdup_printf("/machine/peripheral/%s/%s.0/legacy[0]", disk->info.alias,
                               disk->info.alias);
    return g_strdup(disk->info.alias);
}
