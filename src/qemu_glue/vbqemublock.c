/*
 * vbqemublock.c: QEMU block node properties for one image of a chain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vbqemublock.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_QEMU_BLOCK_NULLSTR(s) ((s) ? (s) : "<null>")

/*
 * The JSON text is written here by hand until the shared JSON value type
 * (vbjson.h) exists; each node has its own builder so that switching them
 * to it changes nothing for their callers but the return type.  Keys come
 * in the order libvirt writes them, so our command lines diff cleanly
 * against libvirt's.
 */

static void
vbQemuBlockJSONAppendString(GString *buf, const char *str)
{
    const char *p;

    g_string_append_c(buf, '"');
    for (p = str; *p; p++) {
        unsigned char c = *p;

        switch (c) {
        case '"':
            g_string_append(buf, "\\\"");
            break;
        case '\\':
            g_string_append(buf, "\\\\");
            break;
        case '\n':
            g_string_append(buf, "\\n");
            break;
        case '\t':
            g_string_append(buf, "\\t");
            break;
        case '\r':
            g_string_append(buf, "\\r");
            break;
        default:
            if (c < 0x20)
                g_string_append_printf(buf, "\\u%04x", c);
            else
                g_string_append_c(buf, c);
        }
    }
    g_string_append_c(buf, '"');
}

static void
vbQemuBlockJSONAppendKey(GString *buf, const char *key)
{
    if (buf->len > 1)
        g_string_append_c(buf, ',');
    vbQemuBlockJSONAppendString(buf, key);
    g_string_append_c(buf, ':');
}

static void
vbQemuBlockJSONAddString(GString *buf, const char *key, const char *value)
{
    vbQemuBlockJSONAppendKey(buf, key);
    vbQemuBlockJSONAppendString(buf, value);
}

static void
vbQemuBlockJSONAddBool(GString *buf, const char *key, bool value)
{
    vbQemuBlockJSONAppendKey(buf, key);
    g_string_append(buf, value ? "true" : "false");
}

static void
vbQemuBlockJSONAddNull(GString *buf, const char *key)
{
    vbQemuBlockJSONAppendKey(buf, key);
    g_string_append(buf, "null");
}

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

static void
vbQemuBlockJSONAddCache(GString *buf, vbDomainDiskCache cache)
{
    bool direct;
    bool noFlush;

    if (!vbQemuBlockCacheFlags(cache, &direct, &noFlush))
        return;
    vbQemuBlockJSONAppendKey(buf, "cache");
    g_string_append_printf(buf, "{\"direct\":%s,\"no-flush\":%s}", direct ? "true" : "false",
                           noFlush ? "true" : "false");
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

char *
vbQemuBlockStorageProps(const vbDomainDiskDef *disk, const vbStorageSource *src)
{
    g_autoptr(GString) buf = g_string_new("{");
    const char *driver = NULL;
    const char *aio = vbQemuBlockAioName(disk->io);

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

    vbQemuBlockJSONAddString(buf, "driver", driver);
    vbQemuBlockJSONAddString(buf, "filename", src->path);
    if (aio)
        vbQemuBlockJSONAddString(buf, "aio", aio);
    vbQemuBlockJSONAddString(buf, "node-name", src->nodeStorage);
    vbQemuBlockJSONAddCache(buf, disk->cache);
    /* QEMU opens the file read-only when the format node is, and reopens
     * it read-write on its own when a job (commit) needs to write. */
    vbQemuBlockJSONAddBool(buf, "auto-read-only", true);
    /* the format node decides whether discards reach the file */
    vbQemuBlockJSONAddString(buf, "discard", "unmap");
    g_string_append_c(buf, '}');

    return g_string_free(g_steal_pointer(&buf), FALSE);
}

char *
vbQemuBlockFormatProps(const vbDomainDiskDef *disk, const vbStorageSource *src, unsigned int flags)
{
    g_autoptr(GString) buf = g_string_new("{");
    const char *discard = vbQemuBlockDiscardName(disk->discard);
    const char *driver = NULL;
    bool readonly;

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

    if (flags & VB_QEMU_BLOCK_NODE_TOP)
        readonly = src->readonly || disk->device == VB_DOMAIN_DISK_DEVICE_CDROM;
    else
        readonly = true;

    vbQemuBlockJSONAddString(buf, "node-name", src->nodeFormat);
    vbQemuBlockJSONAddBool(buf, "read-only", readonly);
    if (discard)
        vbQemuBlockJSONAddString(buf, "discard", discard);
    vbQemuBlockJSONAddCache(buf, disk->cache);
    vbQemuBlockJSONAddString(buf, "driver", driver);
    vbQemuBlockJSONAddString(buf, "file", src->nodeStorage);

    if (src->format == VB_STORAGE_FORMAT_QCOW2) {
        if (flags & VB_QEMU_BLOCK_NODE_NO_BACKING) {
            vbQemuBlockJSONAddNull(buf, "backing");
        } else if (!src->backingStore) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("backing chain of image '%s' of disk '%s' was not probed"),
                          VB_QEMU_BLOCK_NULLSTR(src->path), disk->dst);
            return NULL;
        } else if (!vbStorageSourceHasBacking(src)) {
            vbQemuBlockJSONAddNull(buf, "backing");
        } else if (!src->backingStore->nodeFormat) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("image '%s' of disk '%s' has no node names assigned"),
                          VB_QEMU_BLOCK_NULLSTR(src->backingStore->path), disk->dst);
            return NULL;
        } else {
            vbQemuBlockJSONAddString(buf, "backing", src->backingStore->nodeFormat);
        }
    } else if (vbStorageSourceHasBacking(src)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("raw image '%s' of disk '%s' cannot have a backing image"),
                      VB_QEMU_BLOCK_NULLSTR(src->path), disk->dst);
        return NULL;
    }
    g_string_append_c(buf, '}');

    return g_string_free(g_steal_pointer(&buf), FALSE);
}
