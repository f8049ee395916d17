/*
 * vbstoragechain.c: a disk's backing chain: probing, lookup, indexes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _GNU_SOURCE /* O_PATH */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbfile.h"
#include "vbqcow2.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

bool
vbStorageChainIsImage(const vbStorageSource *src)
{
    return src && src->type != VB_STORAGE_TYPE_NONE;
}

size_t
vbStorageChainLength(const vbStorageSource *top)
{
    size_t n = 0;

    for (; vbStorageChainIsImage(top); top = top->backingStore)
        n++;
    return n;
}

bool
vbStorageChainContains(const vbStorageSource *top, const vbStorageSource *elem)
{
    for (; vbStorageChainIsImage(top); top = top->backingStore) {
        if (top == elem)
            return true;
    }
    return false;
}

vbStorageSource *
vbStorageChainGetParent(vbStorageSource *top, const vbStorageSource *elem)
{
    for (; vbStorageChainIsImage(top); top = top->backingStore) {
        if (top->backingStore == elem && vbStorageChainIsImage(elem))
            return top;
    }
    return NULL;
}

vbStorageSource *
vbStorageChainFindByNodeName(vbStorageSource *top, const char *nodeName)
{
    if (!nodeName)
        return NULL;
    for (; vbStorageChainIsImage(top); top = top->backingStore) {
        if (g_strcmp0(top->nodeFormat, nodeName) == 0 || g_strcmp0(top->nodeStorage, nodeName) == 0)
            return top;
    }
    return NULL;
}

void
vbStorageChainAssignIndexes(vbStorageSource *top, unsigned int *nodenameIndex)
{
    vbStorageSource *n;

    for (n = top; vbStorageChainIsImage(n); n = n->backingStore) {
        if (n->id > *nodenameIndex)
            *nodenameIndex = n->id;
    }
    for (n = top; vbStorageChainIsImage(n); n = n->backingStore) {
        if (n->id == 0)
            n->id = ++*nodenameIndex;
        if (!n->nodeFormat)
            n->nodeFormat = g_strdup_printf("libvirt-%u-format", n->id);
        if (!n->nodeStorage)
            n->nodeStorage = g_strdup_printf("libvirt-%u-storage", n->id);
    }
}

/* ---- probing ---------------------------------------------------------- */

/* A backing name is a file unless it looks like "protocol:..." (a ':'
 * before the first '/'); "./a:b" names a file, as in QEMU and libvirt. */
static bool
vbStorageChainNameIsFile(const char *name)
{
    const char *colon;
    const char *slash;

    if (!name)
        return false;
    colon = strchr(name, ':');
    slash = strchr(name, '/');
    return !colon || (slash && slash < colon);
}

/* dirname(@parentPath) + "/" + @rel, without canonicalising: QEMU opens
 * the same string, so the paths it reports match ours. */
static char *
vbStorageChainResolveRelative(const char *parentPath, const char *rel)
{
    g_autofree char *dir = g_path_get_dirname(parentPath);

    if (strcmp(dir, "/") == 0)
        return g_strdup_printf("/%s", rel);
    return g_strdup_printf("%s/%s", dir, rel);
}

static char *
vbStorageChainFileKey(const struct stat *sb)
{
    return g_strdup_printf("%llu:%llu", (unsigned long long) sb->st_dev,
                           (unsigned long long) sb->st_ino);
}

typedef struct {
    const char *topPath;
    GHashTable *seen; /* "dev:ino" of every image opened */
    uint8_t *buf;     /* VB_STORAGE_CHAIN_HEADER_MAX bytes */
} vbStorageChainProbeCtx;

/* errno is open()'s */
static void
vbStorageChainReportAccess(const vbStorageSource *src, const vbStorageSource *parent)
{
    if (parent)
        vbReportSystemError(errno, _("Cannot access backing file '%s' of storage file '%s'"),
                            src->path, parent->path);
    else
        vbReportSystemError(errno, _("Cannot access storage file '%s'"), src->path);
}

/* Reads @src's header and fills its type, format and capacity.  @parent is
 * the image naming @src (NULL for the first image probed); @formatRecorded
 * is false when @parent records no backing format for it.  On success sets
 * *@backing to a new element for its backing image, or to a terminator. */
static int
vbStorageChainProbeOne(vbStorageChainProbeCtx *ctx, vbStorageSource *src,
                       const vbStorageSource *parent, bool formatRecorded,
                       vbStorageSource **backing)
{
    g_autoptr(vbQcow2Header) hdr = NULL;
    g_autoptr(vbStorageSource) child = NULL;
    g_autofree char *key = NULL;
    g_autofree char *procPath = NULL;
    struct stat sb;
    gssize len = 0;
    int pathfd;
    int fd;
    int ret = -1;

    *backing = NULL;

    /* The type is checked on an O_PATH descriptor, which opens nothing:
     * a device a hostile header names (a watchdog, a tape, a FIFO with a
     * writer waiting) acts on open() alone.  The file is then opened for
     * reading through that descriptor, so it is the same one. */
    if ((pathfd = open(src->path, O_PATH | O_CLOEXEC)) < 0) {
        vbStorageChainReportAccess(src, parent);
        return -1;
    }
    if (fstat(pathfd, &sb) < 0) {
        vbReportSystemError(errno, _("cannot stat file '%s'"), src->path);
        close(pathfd);
        return -1;
    }
    if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("image '%s' is neither a regular file nor a block device"), src->path);
        close(pathfd);
        return -1;
    }
    procPath = g_strdup_printf("/proc/self/fd/%d", pathfd);
    if ((fd = open(procPath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
        vbStorageChainReportAccess(src, parent);
        close(pathfd);
        return -1;
    }
    close(pathfd);

    key = vbStorageChainFileKey(&sb);
    if (g_hash_table_contains(ctx->seen, key)) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("backing chain of '%s' is a loop: image '%s' appears in it twice"),
                      ctx->topPath, src->path);
        goto cleanup;
    }
    g_hash_table_add(ctx->seen, g_steal_pointer(&key));

    if (src->detected)
        src->type = S_ISBLK(sb.st_mode) ? VB_STORAGE_TYPE_BLOCK : VB_STORAGE_TYPE_FILE;

    if (src->format == VB_STORAGE_FORMAT_QCOW2 || !formatRecorded) {
        if ((len = vbFileReadAt(fd, ctx->buf, VB_STORAGE_CHAIN_HEADER_MAX, 0)) < 0) {
            vbReportSystemError(errno, _("cannot read header '%s'"), src->path);
            goto cleanup;
        }
    }

    if (!formatRecorded) {
        /* the only probing we do; see vbstoragechain.h */
        src->format =
            vbQcow2HasMagic(ctx->buf, len) ? VB_STORAGE_FORMAT_QCOW2 : VB_STORAGE_FORMAT_RAW;
    } else if (src->format == VB_STORAGE_FORMAT_NONE) {
        src->format = VB_STORAGE_FORMAT_RAW;
    }

    switch (src->format) {
    case VB_STORAGE_FORMAT_QCOW2:
        if (!(hdr = vbQcow2HeaderParse(src->path, ctx->buf, len)))
            goto cleanup;
        src->capacity = hdr->size;
        break;
    case VB_STORAGE_FORMAT_RAW:
        if (S_ISBLK(sb.st_mode)) {
            off_t end = lseek(fd, 0, SEEK_END);

            if (end == (off_t) -1) {
                vbReportSystemError(errno, _("failed to seek to end of %s"), src->path);
                goto cleanup;
            }
            src->capacity = end;
        } else {
            src->capacity = sb.st_size;
        }
        break;
    case VB_STORAGE_FORMAT_NONE:
    case VB_STORAGE_FORMAT_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected format %d of image '%s'"), src->format,
                      src->path);
        goto cleanup;
    }

    if (!hdr || !hdr->backingName) {
        /* Not marked detected, as in libvirt: the terminator is a fact about
         * @src, and a definition copied from this chain keeps it (the empty
         * <backingStore/> libvirt writes after an active commit). */
        *backing = vbStorageSourceNewTerminator();
        ret = 0;
        goto cleanup;
    }

    if (!formatRecorded) {
        /* clang-format off */
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("format of backing image '%s' of image '%s' was not specified in the image metadata (See https://libvirt.org/kbase/backing_chains.html for troubleshooting)"),
                      src->relPath ? src->relPath : src->path, parent ? parent->path : "");
        /* clang-format on */
        goto cleanup;
    }

    if (!vbStorageChainNameIsFile(hdr->backingName)) {
        /* clang-format off */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("backing file '%s' of image '%s' is not a local file; network backing storage is not supported"),
                      hdr->backingName, src->path);
        /* clang-format on */
        goto cleanup;
    }
    if (hdr->backingFormatName && hdr->backingFormat == VB_STORAGE_FORMAT_NONE) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("backing file '%s' of image '%s' has format '%s', which is not supported"),
                      hdr->backingName, src->path, hdr->backingFormatName);
        goto cleanup;
    }

    child = vbStorageSourceNew();
    child->type = VB_STORAGE_TYPE_FILE;
    child->format = hdr->backingFormat;
    child->relPath = g_strdup(hdr->backingName);
    if (g_path_is_absolute(hdr->backingName))
        child->path = g_strdup(hdr->backingName);
    else
        child->path = vbStorageChainResolveRelative(src->path, hdr->backingName);
    child->readonly = true;
    child->detected = true;
    *backing = g_steal_pointer(&child);
    ret = 0;

cleanup:
    close(fd);
    return ret;
}

static int
vbStorageChainProbeImpl(vbStorageSource *top, unsigned int maxDepth, bool keepPartial)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree uint8_t *buf = NULL;
    g_autoptr(vbStorageSource) head = NULL; /* the part found by probing */
    vbStorageSource *last = top;
    vbStorageSource *cur;
    const vbStorageSource *parent = NULL;
    bool formatRecorded = true;
    vbStorageChainProbeCtx ctx = {.seen = seen};
    unsigned int depth = 1;

    g_return_val_if_fail(vbStorageChainIsImage(top), -1);
    ctx.topPath = top->path;

    if (!top->path || !g_path_is_absolute(top->path)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("image path '%s' is not absolute"),
                      top->path ? top->path : "");
        return -1;
    }

    /* Keep what the XML says; remember its files so that a backing name
     * pointing back into the known part is caught as a loop. */
    for (last = top; last->backingStore; last = last->backingStore) {
        struct stat sb;

        if (!vbStorageChainIsImage(last->backingStore))
            return 0;
        if (stat(last->path, &sb) == 0)
            g_hash_table_add(seen, vbStorageChainFileKey(&sb));
        depth++;
    }
    if (depth > maxDepth) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("backing chain of '%s' is more than %u images deep"), top->path, maxDepth);
        return -1;
    }

    buf = g_malloc(VB_STORAGE_CHAIN_HEADER_MAX);
    ctx.buf = buf;

    /* @last gains its backing store only when the whole rest is known */
    cur = last;
    while (true) {
        vbStorageSource *backing = NULL;

        if (vbStorageChainProbeOne(&ctx, cur, parent, formatRecorded, &backing) < 0)
            goto partial;

        if (cur == last)
            head = backing;
        else
            cur->backingStore = backing;

        if (!vbStorageChainIsImage(backing))
            break;

        if (++depth > maxDepth) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("backing chain of '%s' is more than %u images deep"), top->path,
                          maxDepth);
            goto partial;
        }
        formatRecorded = backing->format != VB_STORAGE_FORMAT_NONE;
        parent = cur;
        cur = backing;
    }

    last->backingStore = g_steal_pointer(&head);
    return 0;

partial:
    /* What was found before the failure ends with NULL: the rest is not known. */
    if (keepPartial)
        last->backingStore = g_steal_pointer(&head);
    return -1;
}

int
vbStorageChainProbe(vbStorageSource *top, unsigned int maxDepth)
{
    return vbStorageChainProbeImpl(top, maxDepth, false);
}

int
vbStorageChainProbePartial(vbStorageSource *top, unsigned int maxDepth)
{
    return vbStorageChainProbeImpl(top, maxDepth, true);
}

/* ---- lookup ----------------------------------------------------------- */

/* Splits "vda[4]" as libvirt's virStorageFileParseBackingStoreStr: returns
 * false when @name has a '[' but no valid unsigned index closed by exactly
 * one ']' ("vda[-1]", "vda[1][1]"): such a name is a plain file name. */
static bool
vbStorageChainParseIndex(const char *name, char **target, unsigned int *idx)
{
    const char *bracket = strchr(name, '[');
    const char *num;
    char *end = NULL;
    unsigned long val;

    *idx = 0;
    if (!bracket) {
        *target = g_strdup(name);
        return true;
    }
    num = bracket + 1;
    errno = 0;
    val = strtoul(num, &end, 10);
    /* strtoul would turn "-1" into ULONG_MAX */
    if (errno || end == num || memchr(num, '-', end - num) || val > UINT_MAX ||
        strcmp(end, "]") != 0)
        return false;
    *target = g_strndup(name, bracket - name);
    *idx = val;
    return true;
}

/* true if @name (relative names taken from @dir) and @path are the same
 * file, following symlinks */
static bool
vbStorageChainNamePointsTo(const char *dir, const char *name, const char *path)
{
    g_autofree char *full = NULL;
    struct stat a;
    struct stat b;

    if (g_path_is_absolute(name))
        full = g_strdup(name);
    else
        full = g_build_filename(dir, name, NULL);
    return stat(full, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

vbStorageSource *
vbStorageChainLookup(vbStorageSource *chain, vbStorageSource *startFrom, const char *name,
                     const char *diskTarget, vbStorageSource **parent)
{
    vbStorageSource *prev = NULL;
    const char *start;
    bool nameIsFile = vbStorageChainNameIsFile(name);
    g_autofree char *target = NULL;
    unsigned int idx = 0;

    g_return_val_if_fail(chain != NULL, NULL);
    start = diskTarget ? diskTarget : chain->path;

    if (!parent)
        parent = &prev;
    *parent = NULL;

    if (name && vbStorageChainParseIndex(name, &target, &idx) && diskTarget && idx != 0 &&
        strcmp(diskTarget, target) != 0) {
        vbReportError(VIR_ERR_INVALID_ARG, _("requested target '%s' does not match target '%s'"),
                      target, diskTarget);
        return NULL;
    }

    if (startFrom) {
        while (vbStorageChainIsImage(chain) && chain != startFrom->backingStore)
            chain = chain->backingStore;
        *parent = startFrom;
    }

    for (; vbStorageChainIsImage(chain); chain = chain->backingStore) {
        if (!name && !idx) {
            if (!vbStorageSourceHasBacking(chain))
                break;
        } else if (idx) {
            if (chain->id == idx)
                break;
        } else {
            if (g_strcmp0(name, chain->relPath) == 0 || g_strcmp0(name, chain->path) == 0)
                break;
            if (nameIsFile) {
                g_autofree char *dir = NULL;

                /* as libvirt: the top image's relative names are taken
                 * from the working directory */
                if (*parent)
                    dir = g_path_get_dirname((*parent)->path);
                else
                    dir = g_strdup(".");
                if (vbStorageChainNamePointsTo(dir, name, chain->path))
                    break;
            }
        }
        *parent = chain;
    }

    if (vbStorageChainIsImage(chain))
        return chain;

    if (idx) {
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("could not find backing store index '%u' in chain for '%s'"), idx,
                      start ? start : "<null>");
    } else if (name && startFrom) {
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("could not find image '%s' beneath '%s' in chain for '%s'"), name,
                      startFrom->path ? startFrom->path : "<null>", start ? start : "<null>");
    } else if (name) {
        vbReportError(VIR_ERR_INVALID_ARG, _("could not find image '%s' in chain for '%s'"), name,
                      start ? start : "<null>");
    } else {
        vbReportError(VIR_ERR_INVALID_ARG, _("could not find base image in chain for '%s'"),
                      start ? start : "<null>");
    }
    *parent = NULL;
    return NULL;
}

/* ---- relative backing names ------------------------------------------- */

/* "a/b/c" -> "a/b/", "c" -> "" */
static char *
vbStorageChainDirPrefix(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;

    if (!slash)
        return g_strdup("");
    return g_strndup(path, slash - path + 1);
}

int
vbStorageChainGetRelativeBackingPath(vbStorageSource *top, vbStorageSource *base, char **relpath)
{
    g_autofree char *path = NULL;
    vbStorageSource *next;

    *relpath = NULL;

    for (next = top; vbStorageChainIsImage(next); next = next->backingStore) {
        g_autofree char *prefix = NULL;

        if (!next->relPath || g_path_is_absolute(next->relPath))
            return 1;
        prefix = vbStorageChainDirPrefix(path);
        g_free(path);
        path = g_strconcat(prefix, next->relPath, NULL);
        if (next == base)
            break;
    }

    if (next != base) {
        vbReportError(
            VIR_ERR_INTERNAL_ERROR, "%s",
            _("failed to resolve relative backing name: base image is not in backing chain"));
        return -1;
    }

    *relpath = g_steal_pointer(&path);
    return 0;
}
