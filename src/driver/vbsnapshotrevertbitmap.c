/*
 * vbsnapshotrevertbitmap.c: the dirty bitmaps of a revert's new overlays
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <sys/stat.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vblog.h"
#include "vbqemubitmap.h"
#include "vbqemuimg.h"
#include "vbsnapshotrevertbitmap.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* One disk the revert gives a new overlay */
typedef struct {
    char *target;
    /* the snapshot's image and the images below it, top down (qcow2 ones:
     * only they hold bitmaps); empty when the snapshot's image is not a
     * qcow2 image */
    GPtrArray *chain;
    /* the images the revert leaves, top down (NULL elements for images
     * that cannot hold a bitmap); NULL when not known: nothing carried */
    GPtrArray *abandoned;
    /* vbMonitorBlockNodeInfo of the images read so far (named by path) */
    GPtrArray *nodes;
} vbSnapshotRevertBitmapsDisk;

struct _vbSnapshotRevertBitmaps {
    GPtrArray *disks; /* vbSnapshotRevertBitmapsDisk */
};

static void
vbSnapshotRevertBitmapsDiskFree(gpointer opaque)
{
    vbSnapshotRevertBitmapsDisk *disk = opaque;

    g_free(disk->target);
    g_ptr_array_unref(disk->chain);
    g_ptr_array_unref(disk->nodes);
    if (disk->abandoned)
        g_ptr_array_unref(disk->abandoned);
    g_free(disk);
}

void
vbSnapshotRevertBitmapsFree(vbSnapshotRevertBitmaps *bitmaps)
{
    if (!bitmaps)
        return;
    g_ptr_array_unref(bitmaps->disks);
    g_free(bitmaps);
}

/* Whether @src is the same image as one of @chain (by device and inode,
 * so that two names of one file match; by path when it cannot be stat'ed) */
static bool
vbSnapshotRevertBitmapsInChain(const vbStorageSource *chain, const vbStorageSource *src)
{
    const vbStorageSource *s;
    struct stat a;
    bool known = src->path && stat(src->path, &a) == 0;

    for (s = chain; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore) {
        struct stat b;

        if (g_strcmp0(s->path, src->path) == 0)
            return true;
        if (known && s->path && stat(s->path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            return true;
    }
    return false;
}

/* The images of @vm's current chain of @target above the first one that
 * is in @base's chain; NULL (logged) when the current chain cannot be
 * read or never meets @base's. */
static GPtrArray *
vbSnapshotRevertBitmapsAbandoned(vbDomainObj *vm, const char *target, const vbStorageSource *base)
{
    g_autoptr(GPtrArray) abandoned = g_ptr_array_new_with_free_func(g_free);
    vbDomainDiskDef *disk = vbDomainDiskByName(vm->def, target);
    g_autoptr(vbStorageSource) cur = NULL;
    const vbStorageSource *s;

    if (!disk || vbStorageSourceIsEmpty(disk->src)) {
        VB_WARN("domain '%s': disk '%s' has no image now: its dirty bitmaps are not carried "
                "onto the revert's new overlay",
                vm->def->name, target);
        return NULL;
    }
    cur = vbStorageSourceCopy(disk->src, true);
    if (vbStorageChainProbe(cur, VB_STORAGE_CHAIN_MAX_DEPTH) < 0) {
        VB_WARN("domain '%s': cannot read the chain of disk '%s' (%s): its dirty bitmaps are "
                "not carried onto the revert's new overlay",
                vm->def->name, target, vbGetLastErrorMessage());
        vbResetLastError();
        return NULL;
    }
    for (s = cur; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore) {
        if (vbSnapshotRevertBitmapsInChain(base, s))
            return g_steal_pointer(&abandoned);
        g_ptr_array_add(abandoned, s->format == VB_STORAGE_FORMAT_QCOW2 ? g_strdup(s->path) : NULL);
    }
    VB_WARN("domain '%s': the chain of disk '%s' shares no image with the snapshot's: its "
            "dirty bitmaps are not carried onto the revert's new overlay",
            vm->def->name, target);
    return NULL;
}

vbSnapshotRevertBitmaps *
vbSnapshotRevertBitmapsPrepare(vbDomainObj *vm, const vbSnapshotDef *tmpdef,
                               const vbDomainDef *newdef)
{
    g_autoptr(vbSnapshotRevertBitmaps) bitmaps = g_new0(vbSnapshotRevertBitmaps, 1);
    size_t i;

    bitmaps->disks = g_ptr_array_new_with_free_func(vbSnapshotRevertBitmapsDiskFree);
    for (i = 0; i < tmpdef->ndisks; i++) {
        const char *target = tmpdef->disks[i]->name;
        vbDomainDiskDef *newdisk = vbDomainDiskByName(newdef, target);
        g_autoptr(vbStorageSource) base = NULL;
        vbSnapshotRevertBitmapsDisk *disk;
        const vbStorageSource *s;

        if (tmpdef->disks[i]->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL || !newdisk ||
            vbStorageSourceIsEmpty(newdisk->src))
            continue;
        base = vbStorageSourceCopy(newdisk->src, true);
        if (vbStorageChainProbe(base, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
            return NULL;

        disk = g_new0(vbSnapshotRevertBitmapsDisk, 1);
        disk->target = g_strdup(target);
        disk->chain = g_ptr_array_new_with_free_func(g_free);
        disk->nodes = g_ptr_array_new_with_free_func((GDestroyNotify) vbMonitorBlockNodeInfoFree);
        g_ptr_array_add(bitmaps->disks, disk);
        /* a raw image holds no bitmap: there is nothing to carry */
        if (base->format != VB_STORAGE_FORMAT_QCOW2)
            continue;
        for (s = base; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore) {
            if (s->format == VB_STORAGE_FORMAT_QCOW2)
                g_ptr_array_add(disk->chain, g_strdup(s->path));
        }
        disk->abandoned = vbSnapshotRevertBitmapsAbandoned(vm, target, base);
    }
    return g_steal_pointer(&bitmaps);
}

static const vbMonitorBlockNodeInfo *
vbSnapshotRevertBitmapsFindNode(const vbSnapshotRevertBitmapsDisk *disk, const char *path)
{
    size_t i;

    for (i = 0; i < disk->nodes->len; i++) {
        const vbMonitorBlockNodeInfo *node = g_ptr_array_index(disk->nodes, i);

        if (g_str_equal(node->nodeName, path))
            return node;
    }
    return NULL;
}

/* Reads the bitmaps of the images of @disk's snapshot chain not read yet.
 * @early: the domain still runs: an image its QEMU holds (the snapshot's
 * image itself, when the current chain was committed into it) cannot be
 * read yet and is left for the read after the stop.  Returns 0 (also
 * when left), or -1 with the error reported. */
static int
vbSnapshotRevertBitmapsReadChain(vbDriver *driver, vbSnapshotRevertBitmapsDisk *disk, bool early)
{
    size_t i;

    for (i = 0; i < disk->chain->len; i++) {
        const char *path = g_ptr_array_index(disk->chain, i);
        vbMonitorBlockNodeInfo *node;

        /* without bitmaps on the snapshot's image nothing else is read */
        if (i > 0 &&
            ((vbMonitorBlockNodeInfo *) g_ptr_array_index(disk->nodes, 0))->bitmaps->len == 0)
            return 0;
        if (vbSnapshotRevertBitmapsFindNode(disk, path))
            continue;
        if (!(node = vbQemuImgBitmapsRead(driver->cfg->qemuImgBinary, path))) {
            if (!early)
                return -1;
            VB_DEBUG("bitmaps of '%s' read once the domain has stopped: %s", path,
                     vbGetLastErrorMessage());
            vbResetLastError();
            return 0;
        }
        g_ptr_array_add(disk->nodes, node);
    }
    return 0;
}

/* Reads the bitmaps of the images @disk's revert leaves.  Leaving a
 * bitmap off is always safe (a backup tool then makes a full backup), so
 * an image that cannot be read, or whose virtual size is not the
 * snapshot image's, is logged and leaves every bitmap behind: it stands
 * in @disk->nodes as an image without bitmaps. */
static void
vbSnapshotRevertBitmapsReadAbandoned(vbDriver *driver, const char *vmname,
                                     vbSnapshotRevertBitmapsDisk *disk)
{
    const vbMonitorBlockNodeInfo *top = g_ptr_array_index(disk->nodes, 0);
    size_t i;

    for (i = 0; i < disk->abandoned->len; i++) {
        const char *path = g_ptr_array_index(disk->abandoned, i);
        vbMonitorBlockNodeInfo *node;

        if (!path || vbSnapshotRevertBitmapsFindNode(disk, path))
            continue;
        if (!(node = vbQemuImgBitmapsRead(driver->cfg->qemuImgBinary, path))) {
            VB_WARN("domain '%s': the dirty bitmaps of '%s' are not carried onto the revert's "
                    "new overlay: %s",
                    vmname, top->nodeName, vbGetLastErrorMessage());
            vbResetLastError();
            node = g_new0(vbMonitorBlockNodeInfo, 1);
            node->nodeName = g_strdup(path);
            node->bitmaps = g_ptr_array_new_with_free_func(vbMonitorBitmapInfoFree);
        } else if (node->virtualSize != top->virtualSize) {
            VB_WARN("domain '%s': the dirty bitmaps of '%s' are not carried onto the revert's "
                    "new overlay: '%s', of the branch the revert leaves, has a virtual size of "
                    "%llu bytes, not %llu",
                    vmname, top->nodeName, path, node->virtualSize, top->virtualSize);
        }
        g_ptr_array_add(disk->nodes, node);
    }
}

static int
vbSnapshotRevertBitmapsReadDisk(vbDriver *driver, const char *vmname,
                                vbSnapshotRevertBitmapsDisk *disk, bool early)
{
    const vbMonitorBlockNodeInfo *top;

    if (disk->chain->len == 0)
        return 0;
    if (vbSnapshotRevertBitmapsReadChain(driver, disk, early) < 0)
        return -1;
    if (disk->nodes->len == 0)
        return 0; /* left for later */
    top = g_ptr_array_index(disk->nodes, 0);
    if (top->bitmaps->len == 0 || !disk->abandoned || early)
        return 0;
    vbSnapshotRevertBitmapsReadAbandoned(driver, vmname, disk);
    return 0;
}

int
vbSnapshotRevertBitmapsRead(vbDriver *driver, vbDomainObj *vm, vbSnapshotRevertBitmaps *bitmaps)
{
    g_autofree char *vmname = g_strdup(vm->def->name);
    bool early = vbDomainObjIsActive(vm);
    size_t i;
    int rc = 0;

    /* qemu-img reads every image's header: the job keeps the domain as
     * it is meanwhile */
    vbDomainObjUnlock(vm);
    for (i = 0; i < bitmaps->disks->len && rc == 0; i++) {
        vbSnapshotRevertBitmapsDisk *disk = g_ptr_array_index(bitmaps->disks, i);

        if (disk->chain->len > 0)
            rc = vbSnapshotRevertBitmapsReadDisk(driver, vmname, disk, early);
    }
    vbDomainObjLock(vm);
    return rc;
}

/* A NULL-terminated copy of @paths without its NULL elements: a node
 * name nothing has, so that an image without bitmaps counts as one
 * lacking every bitmap */
static GPtrArray *
vbSnapshotRevertBitmapsNames(GPtrArray *paths)
{
    GPtrArray *names = g_ptr_array_new();
    size_t i;

    for (i = 0; i < paths->len; i++) {
        const char *path = g_ptr_array_index(paths, i);

        g_ptr_array_add(names, (gpointer) (path ? path : ""));
    }
    g_ptr_array_add(names, NULL);
    return names;
}

/* Adds @b to the overlay @path (open as @fd) with the same-named bitmap
 * of every image of @disk's abandoned branch merged in.  A merge qemu-img
 * refuses leaves the bitmap off (logged), as the plan would have; -1
 * (reported) only when the overlay itself cannot be changed. */
static int
vbSnapshotRevertBitmapsCarryOne(vbDriver *driver, const char *vmname,
                                const vbSnapshotRevertBitmapsDisk *disk,
                                const vbMonitorBitmapInfo *b, const char *path, int fd)
{
    const char *qemuImg = driver->cfg->qemuImgBinary;
    size_t j;

    if (vbQemuImgBitmapAdd(qemuImg, path, fd, b->name, b->granularity) < 0)
        return -1;
    for (j = 0; j < disk->abandoned->len; j++) {
        if (vbQemuImgBitmapMerge(qemuImg, path, fd, b->name,
                                 g_ptr_array_index(disk->abandoned, j)) < 0) {
            VB_WARN("domain '%s': dirty bitmap '%s' is not carried onto '%s': %s", vmname, b->name,
                    path, vbGetLastErrorMessage());
            vbResetLastError();
            /* a bitmap missing the merge would claim blocks unchanged
             * that the revert changes back: it goes */
            return vbQemuImgBitmapRemove(qemuImg, path, fd, b->name);
        }
    }
    VB_INFO("domain '%s': dirty bitmap '%s' carried onto '%s' with the %u image(s) the "
            "revert leaves merged in",
            vmname, b->name, path, disk->abandoned->len);
    return 0;
}

static int
vbSnapshotRevertBitmapsApplyOne(vbDriver *driver, const char *vmname,
                                vbSnapshotRevertBitmapsDisk *disk, const char *path, int fd)
{
    g_autoptr(GPtrArray) chain = NULL;
    g_autoptr(GPtrArray) abandoned = NULL;
    g_autoptr(GPtrArray) carry = NULL;
    g_autoptr(GPtrArray) dropped = NULL;
    const vbMonitorBlockNodeInfo *top;
    size_t i;

    if (disk->chain->len == 0)
        return 0;
    if (vbSnapshotRevertBitmapsReadDisk(driver, vmname, disk, false) < 0)
        return -1;
    top = g_ptr_array_index(disk->nodes, 0);
    if (top->bitmaps->len == 0)
        return 0;
    if (!disk->abandoned) {
        VB_WARN("domain '%s': the dirty bitmaps of '%s' are not carried onto '%s'", vmname,
                top->nodeName, path);
        return 0;
    }

    chain = vbSnapshotRevertBitmapsNames(disk->chain);
    abandoned = vbSnapshotRevertBitmapsNames(disk->abandoned);
    vbQemuBitmapRevertPlan(disk->nodes, (const char *const *) chain->pdata,
                           (const char *const *) abandoned->pdata, &carry, &dropped);
    for (i = 0; i < dropped->len; i++)
        VB_WARN("domain '%s': dirty bitmap '%s' of '%s' is not carried onto '%s': an image of "
                "the branch the revert leaves has no recording copy of it of the same size, so "
                "what the revert changes back is not known",
                vmname, (const char *) g_ptr_array_index(dropped, i), top->nodeName, path);

    for (i = 0; i < carry->len; i++) {
        if (vbSnapshotRevertBitmapsCarryOne(driver, vmname, disk, g_ptr_array_index(carry, i), path,
                                            fd) < 0)
            return -1;
    }
    return 0;
}

int
vbSnapshotRevertBitmapsApply(vbDriver *driver, vbDomainObj *vm, vbSnapshotRevertBitmaps *bitmaps,
                             const vbSnapshotOverlays *overlays)
{
    g_autofree char *vmname = g_strdup(vm->def->name);
    size_t n = vbSnapshotOverlaysCount(overlays);
    size_t i;
    size_t j;
    int rc = 0;

    /* qemu-img reads every image's header: the job keeps the domain as
     * it is meanwhile */
    vbDomainObjUnlock(vm);
    for (i = 0; i < n && rc == 0; i++) {
        const char *target;
        const char *path;
        int fd = vbSnapshotOverlaysGet(overlays, i, &target, &path);

        for (j = 0; j < bitmaps->disks->len && rc == 0; j++) {
            vbSnapshotRevertBitmapsDisk *disk = g_ptr_array_index(bitmaps->disks, j);

            if (g_str_equal(disk->target, target))
                rc = vbSnapshotRevertBitmapsApplyOne(driver, vmname, disk, path, fd);
        }
    }
    vbDomainObjLock(vm);
    return rc;
}
