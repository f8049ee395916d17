/*
 * vbsnapshot.c: disk-only external snapshots
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The checks follow libvirt's qemuSnapshotCreateXML and qemuSnapshotPrepare
 * in order and wording where libvirt has them.  The order of the work makes
 * undo simple: files are created first (nothing refers to them yet), then
 * the new nodes are added without a backing, then one transaction switches
 * every disk; only after it succeeded do the definitions change.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt-qemu.h>

#include "vbinternal.h"
#include "vbblockcommit.h"
#include "vbblockjob.h"
#include "vbblockjobupdate.h"
#include "vbblockoffline.h"
#include "vbdomainabi.h"
#include "vbdomainobj.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitorblock.h"
#include "vbqemuimg.h"
#include "vbqemubitmap.h"
#include "vbqemublock.h"
#include "vbqemudevice.h"
#include "vbqemudomainaddress.h"
#include "vbsnapshot.h"
#include "vbsnapshotdeleterecover.h"
#include "vbdomainquiesce.h"
#include "vbsnapshotconf.h"
#include "vbsnapshotmemory.h"
#include "vbdomainprocess.h"
#include "vbdomainevent.h"
#include "vbstoragechain.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_SNAPSHOT_CREATE_KNOWN_FLAGS \
    (VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA | \
     VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT | VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE | \
     VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC | VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE | \
     VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT | \
     VIR_DOMAIN_SNAPSHOT_CREATE_LIVE | VIR_DOMAIN_SNAPSHOT_CREATE_HALT)

/* One disk that gets an overlay */
typedef struct {
    vbDomainDiskDef *disk; /* in vm->def */
    const vbSnapshotDiskDef *snapdisk;
    vbStorageSource *src; /* the overlay; owned here until linked into the chain */
    bool created;         /* the file is ours to delete on failure */
    int fd;               /* the new overlay, open since its creation; -1 */
    int dirfd;            /* the directory it was created in, open since; -1 */
    struct stat st;       /* the overlay's file, as created or reused */
    bool addedStorage;    /* its nodes were added to QEMU */
    bool addedFormat;
    bool labelled; /* given to QEMU's user (vbsecuritydac.h) */
} vbSnapshotDiskData;

typedef struct {
    vbSnapshotDiskData *dd;
    size_t ndd;
} vbSnapshotDiskList;

static void
vbSnapshotDiskListClear(vbSnapshotDiskList *list)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        vbStorageSourceFree(list->dd[i].src);
        if (list->dd[i].fd >= 0)
            close(list->dd[i].fd);
        if (list->dd[i].dirfd >= 0)
            close(list->dd[i].dirfd);
    }
    g_free(list->dd);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vbSnapshotDiskList, vbSnapshotDiskListClear);

/* The flags we can honour; each refusal says what to ask instead. */
static int
vbSnapshotCheckFlags(unsigned int flags)
{
    vbCheckFlagsFunc(flags, VB_SNAPSHOT_CREATE_KNOWN_FLAGS, "qemuDomainSnapshotCreateXML", -1);

    /* libvirt's public API checks these in the client; other clients get
     * the same answer here */
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT) &&
        !(flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("Flag '%s' is required by flag '%s'"),
                      "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE", "VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT");
        return -1;
    }
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_LIVE) &&
        (flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("Flags '%s' and '%s' are mutually exclusive"),
                      "VIR_DOMAIN_SNAPSHOT_CREATE_LIVE", "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE");
        return -1;
    }
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE) &&
        (flags & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("Flags '%s' and '%s' are mutually exclusive"),
                      "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE",
                      "VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA");
        return -1;
    }
    /* a redefinition only records metadata: no disk changes */
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        return 0;

    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE) &&
        !(flags & VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("Flag '%s' is required by flag '%s'"),
                      "VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY", "VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE");
        return -1;
    }
    return 0;
}

/* What the parsed snapshot asks for, with the flags: a disk-only
 * snapshot, or an external memory snapshot of a running domain (libvirt's
 * qemuSnapshotCreateXMLValidateDef for LIVE). */
static int
vbSnapshotCheckKind(vbDomainObj *vm, const vbSnapshotDef *def, unsigned int flags)
{
    bool memory = def->memory == VB_SNAPSHOT_LOCATION_EXTERNAL;

    /* a transient domain would go away with its snapshot (libvirt) */
    if (!vm->persistent && (flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT)) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      _("cannot halt after transient domain snapshot"));
        return -1;
    }
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_LIVE) && (!vbDomainObjIsActive(vm) || !memory)) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      _("live snapshot creation is supported only during full system snapshots"));
        return -1;
    }
    if (!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY) && !memory) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, "%s",
            _("only disk-only snapshots and external memory snapshots are supported; use the flag VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY (virsh --disk-only) or <memory snapshot='external' file='...'/> (virsh --memspec)"));
        return -1;
    }
    /* the domain stopped after the document was read */
    if (memory && !vbDomainObjIsActive(vm)) {
        vbReportError(VIR_ERR_XML_ERROR, "%s",
                      _("memory state cannot be saved with offline or disk-only snapshot"));
        return -1;
    }
    return 0;
}

/* REUSE_EXT: the user's overlay must be a qcow2 image whose backing file
 * is the disk's active image, in that image's format; anything else would
 * show the guest other data. */
static int
vbSnapshotCheckReused(const vbSnapshotDiskData *dd)
{
    g_autoptr(vbStorageSource) probe = vbStorageSourceNew();
    const vbStorageSource *top = dd->disk->src;
    vbStorageFormat topFormat = top->format ? top->format : VB_STORAGE_FORMAT_RAW;
    struct stat stTop;
    struct stat stBacking;

    probe->type = VB_STORAGE_TYPE_FILE;
    probe->format = VB_STORAGE_FORMAT_QCOW2;
    probe->path = g_strdup(dd->snapdisk->src->path);
    if (vbStorageChainProbe(probe, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
        return -1;

    if (!vbStorageSourceHasBacking(probe) || stat(probe->backingStore->path, &stBacking) < 0 ||
        stat(top->path, &stTop) < 0 || stTop.st_dev != stBacking.st_dev ||
        stTop.st_ino != stBacking.st_ino || probe->backingStore->format != topFormat) {
        vbReportError(
            VIR_ERR_INVALID_ARG,
            _("reused snapshot image '%s' for disk '%s' must be a qcow2 image backed by the disk's current image '%s' (format '%s')"),
            probe->path, dd->disk->dst, top->path, vbStorageFormatTypeToString(topFormat));
        return -1;
    }
    return 0;
}

/* A shut-off domain's chain is probed and checked exactly as a start
 * would (a loop, a missing image, too deep) before qemu-img reads it. */
static int
vbSnapshotCheckChain(const vbSnapshotDiskData *dd)
{
    g_autoptr(vbStorageSource) chain = vbStorageSourceCopy(dd->disk->src, true);

    return vbStorageChainProbe(chain, VB_STORAGE_CHAIN_MAX_DEPTH);
}

/* A directory failing vbFileDirIsSafeAncestor: another user could rename
 * the overlay's entry in it. */
static int
vbSnapshotReportUnsafeDir(const vbSnapshotDiskData *dd, const char *dir, const struct stat *st)
{
    vbReportError(
        VIR_ERR_OPERATION_INVALID,
        _("directory '%s' on the path of snapshot image '%s' for disk '%s' can be written by other users (owner %u, mode %04o): another user could replace the image"),
        dir, dd->snapdisk->src->path, dd->disk->dst, (unsigned int) st->st_uid,
        (unsigned int) (st->st_mode & 07777));
    return -1;
}

/* Each directory from @dir up to the root must be safe: one another user
 * could rename would let them put a directory of theirs in its place.  A
 * symbolic link on the way must be root's or the daemon's user's too: in
 * a sticky directory (as /tmp) the link's owner may remove it and put a
 * link to a directory of theirs in its place, and QEMU and the definition
 * name the overlay through it. */
static int
vbSnapshotCheckDirPath(const vbSnapshotDiskData *dd, const char *dir)
{
    g_autofree char *cur = g_strdup(dir);

    for (;;) {
        g_autofree char *parent = NULL;
        struct stat st;

        if (lstat(cur, &st) < 0) {
            vbReportSystemError(errno, _("unable to stat for disk %s: %s"), dd->disk->dst, cur);
            return -1;
        }
        if (S_ISLNK(st.st_mode) && st.st_uid != geteuid() && st.st_uid != 0) {
            vbReportError(
                VIR_ERR_OPERATION_INVALID,
                _("symbolic link '%s' on the path of snapshot image '%s' for disk '%s' belongs to another user (owner %u): they could point it elsewhere"),
                cur, dd->snapdisk->src->path, dd->disk->dst, (unsigned int) st.st_uid);
            return -1;
        }
        if (stat(cur, &st) < 0) {
            vbReportSystemError(errno, _("unable to stat for disk %s: %s"), dd->disk->dst, cur);
            return -1;
        }
        if (!vbFileDirIsSafeAncestor(&st))
            return vbSnapshotReportUnsafeDir(dd, cur, &st);
        parent = g_path_get_dirname(cur);
        if (g_str_equal(parent, cur))
            return 0;
        g_free(cur);
        cur = g_steal_pointer(&parent);
    }
}

/* Opens the directory an overlay goes to.  Anyone else who can write
 * there (or rename a directory above it) could swap the new file for a
 * symbolic link between its creation and QEMU opening it: every directory
 * on the path, as written and as resolved, must belong to the daemon's
 * user or root and be writable by others only with the sticky bit.
 * Returns the descriptor, or -1 with the error reported. */
static int
vbSnapshotOpenDir(const vbSnapshotDiskData *dd)
{
    g_autofree char *dir = g_path_get_dirname(dd->snapdisk->src->path);
    g_autofree char *resolved = NULL;
    struct stat st;
    int fd;

    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        vbReportSystemError(errno, _("cannot create snapshot image '%s' for disk '%s'"),
                            dd->snapdisk->src->path, dd->disk->dst);
        return -1;
    }
    if (fstat(fd, &st) < 0) {
        vbReportSystemError(errno, _("unable to stat for disk %s: %s"), dd->disk->dst, dir);
        close(fd);
        return -1;
    }
    if (!vbFileDirIsSafeAncestor(&st)) {
        vbSnapshotReportUnsafeDir(dd, dir, &st);
        close(fd);
        return -1;
    }
    if (!(resolved = realpath(dir, NULL))) {
        vbReportSystemError(errno, _("unable to stat for disk %s: %s"), dd->disk->dst, dir);
        close(fd);
        return -1;
    }
    if ((g_path_is_absolute(dir) && vbSnapshotCheckDirPath(dd, dir) < 0) ||
        vbSnapshotCheckDirPath(dd, resolved) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Immediately before QEMU or the definition names the overlay's path:
 * it must still be the very file created (or reused), not a link. */
static int
vbSnapshotCheckSameFile(const vbSnapshotDiskData *dd)
{
    struct stat st;

    if (lstat(dd->src->path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_dev != dd->st.st_dev ||
        st.st_ino != dd->st.st_ino) {
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("snapshot image '%s' for disk '%s' was replaced by another file"),
                      dd->src->path, dd->disk->dst);
        return -1;
    }
    return 0;
}

/* libvirt's qemuSnapshotPrepareDiskExternal, for the disks we can do. */
static int
vbSnapshotPrepareDisk(vbDomainObj *vm, vbSnapshotDiskData *dd, bool reuse)
{
    const char *path = dd->snapdisk->src->path;
    struct stat st;
    int dirfd;

    if (vbStorageSourceIsEmpty(dd->disk->src)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("disk '%s' has no source; there is nothing to snapshot"), dd->disk->dst);
        return -1;
    }
    if (dd->disk->src->readonly || dd->disk->device == VB_DOMAIN_DISK_DEVICE_CDROM) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("disk '%s' is read-only; an overlay on it would never be written"),
                      dd->disk->dst);
        return -1;
    }
    if (vbBlockJobCheckDiskIdle(vm, dd->disk) < 0)
        return -1;
    if (!vbDomainObjIsActive(vm) && vbSnapshotCheckChain(dd) < 0)
        return -1;
    if ((dirfd = vbSnapshotOpenDir(dd)) < 0)
        return -1;
    close(dirfd);

    if (lstat(path, &st) < 0) {
        if (errno != ENOENT) {
            vbReportSystemError(errno, _("unable to stat for disk %s: %s"), dd->disk->dst, path);
            return -1;
        }
        if (reuse) {
            vbReportSystemError(errno, _("missing existing file for disk %s: %s"), dd->disk->dst,
                                path);
            return -1;
        }
        return 0;
    }
    if (!reuse) {
        /* libvirt overwrites an empty file; we never overwrite anything. */
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("external snapshot file for disk %s already exists and is not a block device: %s"),
            dd->disk->dst, path);
        return -1;
    }
    if (S_ISLNK(st.st_mode)) {
        vbReportError(
            VIR_ERR_OPERATION_INVALID,
            _("snapshot image '%s' for disk '%s' is a symbolic link; name the file itself"), path,
            dd->disk->dst);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("mismatch between configured type for snapshot disk '%s' and the type of existing file '%s'"),
            dd->disk->dst, path);
        return -1;
    }
    dd->st = st;
    return vbSnapshotCheckReused(dd);
}

/* qemu-img create of a qcow2 overlay recording its backing's path and
 * format; its size is the backing's.  The file is created in the checked
 * directory without following a link, and qemu-img writes it through
 * that descriptor: the path is never resolved again before QEMU opens
 * it.  Runs without the domain lock. */
static int
vbSnapshotCreateImage(vbDriver *driver, vbSnapshotDiskData *dd)
{
    const vbStorageSource *top = dd->disk->src;
    g_autofree char *base = g_path_get_basename(dd->src->path);
    int dirfd;

    if ((dirfd = vbSnapshotOpenDir(dd)) < 0)
        return -1;
    /* qemu-img create overwrites what it finds: O_EXCL, so that a file
     * appearing since the check is never replaced */
    dd->fd = openat(dirfd, base, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (dd->fd < 0) {
        vbReportSystemError(errno, _("cannot create snapshot image '%s' for disk '%s'"),
                            dd->src->path, dd->disk->dst);
        close(dirfd);
        return -1;
    }
    if (fstat(dd->fd, &dd->st) < 0) {
        vbReportSystemError(errno, _("unable to stat for disk %s: %s"), dd->disk->dst,
                            dd->src->path);
        close(dirfd);
        close(dd->fd);
        dd->fd = -1;
        return -1;
    }
    /* kept open: a failure removes the file from there, whatever became
     * of the path meanwhile */
    dd->dirfd = dirfd;
    dd->created = true;

    VB_DEBUG("creating overlay '%s' on '%s' for disk '%s'", dd->src->path, top->path,
             dd->disk->dst);
    return vbQemuImgCreate(driver->cfg->qemuImgBinary, dd->src->path, dd->fd,
                           VB_STORAGE_FORMAT_QCOW2, 0, top->path,
                           top->format ? top->format : VB_STORAGE_FORMAT_RAW);
}

static int
vbSnapshotCreateImages(vbDriver *driver, vbDomainObj *vm, vbSnapshotDiskList *list)
{
    size_t i;
    int rc = 0;

    /* qemu-img may take a while on slow storage: the job keeps the domain
     * as it is meanwhile. */
    vbDomainObjUnlock(vm);
    for (i = 0; i < list->ndd && rc == 0; i++)
        rc = vbSnapshotCreateImage(driver, &list->dd[i]);
    vbDomainObjLock(vm);
    return rc;
}

static void
vbSnapshotRemoveImages(vbSnapshotDiskList *list)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        vbSnapshotDiskData *dd = &list->dd[i];
        g_autofree char *base = NULL;
        int rc;

        if (!dd->created)
            continue;
        dd->created = false;
        base = g_path_get_basename(dd->src->path);
        /* only our file, from the directory it was created in: never a
         * link or another file put in its place, nor a file the path
         * leads to once a directory on it was moved */
        rc = vbFileRemoveAtIfSame(dd->dirfd, base, &dd->st);
        if (rc < 0)
            VB_WARN("Unable to remove just-created %s: %s", dd->src->path, g_strerror(errno));
        else if (rc == 0)
            VB_WARN("snapshot image '%s' for disk '%s' is gone or was replaced by another file: "
                    "not removed",
                    dd->src->path, dd->disk->dst);
    }
}

/* --- Running domain --- */

/* The overlays QEMU opens for writing, given to its user */
static int
vbSnapshotSetLabels(vbDomainObj *vm, vbSnapshotDiskList *list)
{
    size_t i;

    if (!vm->dacLabel)
        return 0;
    for (i = 0; i < list->ndd; i++) {
        if (vbSecurityDACSetPath(vm->dacLabel, list->dd[i].src->path, false) < 0)
            return -1;
        list->dd[i].labelled = true;
    }
    return 0;
}

static void
vbSnapshotRestoreLabels(vbDomainObj *vm, vbSnapshotDiskList *list)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        if (list->dd[i].labelled)
            vbSecurityDACRestorePath(vm->dacLabel, list->dd[i].src->path);
        list->dd[i].labelled = false;
    }
}

/* Adds the storage and format nodes of every overlay, "backing": null. */
static int
vbSnapshotAddNodes(vbDomainObj *vm, vbSnapshotDiskList *list)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        vbSnapshotDiskData *dd = &list->dd[i];
        g_autoptr(vbJSONValue) storage = NULL;
        g_autoptr(vbJSONValue) format = NULL;
        vbMonitor *mon;
        int rc;

        vbStorageChainAssignIndexes(dd->src, &vm->nodenameIndex);
        if (!(storage = vbQemuBlockStorageProps(dd->disk, dd->src)) ||
            !(format = vbQemuBlockFormatProps(
                  dd->disk, dd->src, VB_QEMU_BLOCK_NODE_TOP | VB_QEMU_BLOCK_NODE_NO_BACKING)))
            return -1;

        if (vbSnapshotCheckSameFile(dd) < 0)
            return -1;
        mon = vbDomainObjEnterMonitor(vm);
        rc = vbMonitorBlockdevAdd(mon, &storage);
        if (rc == 0) {
            dd->addedStorage = true;
            rc = vbMonitorBlockdevAdd(mon, &format);
            if (rc == 0)
                dd->addedFormat = true;
        }
        if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
            return -1;
    }
    return 0;
}

static void
vbSnapshotRemoveNodes(vbDomainObj *vm, vbSnapshotDiskList *list)
{
    size_t i;

    if (!vbDomainObjIsActive(vm))
        return;
    for (i = 0; i < list->ndd; i++) {
        vbSnapshotDiskData *dd = &list->dd[i];
        vbMonitor *mon;

        if (!dd->addedStorage && !dd->addedFormat)
            continue;
        mon = vbDomainObjEnterMonitor(vm);
        if (dd->addedFormat && vbMonitorBlockdevDel(mon, dd->src->nodeFormat) < 0)
            VB_WARN("cannot remove node '%s': %s", dd->src->nodeFormat, vbGetLastErrorMessage());
        if (dd->addedStorage && vbMonitorBlockdevDel(mon, dd->src->nodeStorage) < 0)
            VB_WARN("cannot remove node '%s': %s", dd->src->nodeStorage, vbGetLastErrorMessage());
        if (vbDomainObjExitMonitor(vm, mon) < 0)
            return;
        dd->addedStorage = dd->addedFormat = false;
    }
}

/* One transaction: the bitmaps each overlay must carry (design-notes.md,
 * section 4), then blockdev-snapshot of every disk.  QEMU applies all of
 * it or nothing. */
static int
vbSnapshotQueryNodes(vbDomainObj *vm, GPtrArray **nodes)
{
    vbMonitor *mon = vbDomainObjEnterMonitor(vm);
    int rc = vbMonitorQueryNamedBlockNodes(mon, nodes);

    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    return 0;
}

/* @nodes: QEMU's block nodes with their bitmaps, as read before a memory
 * snapshot's migration (QEMU deactivates the bitmaps during it); NULL:
 * read them now */
static int
vbSnapshotTransaction(vbDomainObj *vm, vbSnapshotDiskList *list, GPtrArray *nodesBefore)
{
    g_autoptr(GPtrArray) nodesNow = NULL;
    GPtrArray *nodes = nodesBefore;
    g_autoptr(vbJSONValue) actions = vbJSONValueNewArray();
    vbMonitor *mon;
    size_t i;
    size_t j;
    int rc;

    if (!nodes) {
        if (vbSnapshotQueryNodes(vm, &nodesNow) < 0)
            return -1;
        nodes = nodesNow;
    }

    for (i = 0; i < list->ndd; i++) {
        vbSnapshotDiskData *dd = &list->dd[i];
        g_autoptr(vbJSONValue) bitmaps = NULL;

        if (vbQemuBitmapSnapshotActions(nodes, dd->disk->src->nodeFormat, dd->src->nodeFormat,
                                        &bitmaps) < 0)
            return -1;
        for (j = 0; bitmaps && j < vbJSONValueArraySize(bitmaps); j++) {
            g_autoptr(vbJSONValue) action = vbJSONValueCopy(vbJSONValueArrayGet(bitmaps, j));

            if (!action || vbJSONValueArrayAppend(actions, &action) < 0)
                return -1;
        }
        if (vbMonitorTransactionSnapshotBlockdev(actions, dd->disk->src->nodeFormat,
                                                 dd->src->nodeFormat) < 0)
            return -1;
    }

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorTransaction(mon, &actions);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    return 0;
}

/* The overlay @src for a persistent definition whose disk had @old: no
 * runtime data.  Running (@keepOld), as libvirt's
 * qemuSnapshotDiskUpdateSource: @old with what the definition records below
 * it (an empty <backingStore/> included) goes below the overlay.  Shut off,
 * as libvirt's qemuSnapshotCreateInactiveExternal: only a real chain the
 * definition states goes below; an unknown one (or none) stays unknown, for
 * the next start to probe from the headers. */
static vbStorageSource *
vbSnapshotPersistentSource(const vbStorageSource *src, const vbStorageSource *old, bool keepOld)
{
    vbStorageSource *copy = vbStorageSourceCopy(src, false);

    g_clear_pointer(&copy->nodeFormat, g_free);
    g_clear_pointer(&copy->nodeStorage, g_free);
    g_clear_pointer(&copy->relPath, g_free);
    g_clear_pointer(&copy->backingStore, vbStorageSourceFree);
    copy->id = 0;
    copy->detected = false;
    copy->readonly = old->readonly;
    if (keepOld || vbStorageSourceHasBacking(old)) {
        copy->backingStore = vbStorageSourceCopy(old, true);
        copy->backingStore->readonly = true;
    }
    return copy;
}

/* The transaction succeeded: each disk's image is its overlay now, as in
 * libvirt's qemuSnapshotDiskUpdateSource. */
static void
vbSnapshotUpdateLive(vbDomainObj *vm, vbSnapshotDiskList *list)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        vbSnapshotDiskData *dd = &list->dd[i];
        vbStorageSource *old = dd->disk->src;
        vbDomainDiskDef *pdisk = vm->newDef ? vbDomainDiskByName(vm->newDef, dd->disk->dst) : NULL;

        dd->created = false;
        dd->addedStorage = dd->addedFormat = false;
        /* in the chain now: given back when the domain stops */
        dd->labelled = false;

        if (pdisk && vbStorageSourceIsSameLocation(pdisk->src, old)) {
            vbStorageSource *copy = vbSnapshotPersistentSource(dd->src, pdisk->src, true);

            vbStorageSourceFree(pdisk->src);
            pdisk->src = copy;
        } else if (pdisk) {
            VB_WARN("persistent definition of disk '%s' names '%s', not '%s': left as it is",
                    dd->disk->dst, pdisk->src->path, old->path);
        }

        /* QEMU wrote the old image's absolute path into the overlay. */
        old->readonly = true;
        g_free(old->relPath);
        old->relPath = g_strdup(old->path);
        dd->src->capacity = old->capacity;
        dd->src->backingStore = old;
        dd->disk->src = g_steal_pointer(&dd->src);
    }
}

/* A memory snapshot (@memoryFile not NULL), as libvirt's
 * qemuSnapshotCreateActiveExternal: the guest paused (unless LIVE, where
 * QEMU pauses it once the state is written), its memory saved, the disks
 * switched, the guest continued.  Unlike libvirt the overlays and the
 * memory file are created before the pause, which keeps the guest's
 * downtime to the migration and the transaction. */
static int
vbSnapshotCreateActiveDisks(vbDriver *driver, vbDomainObj *vm, vbSnapshotDiskList *list, bool reuse,
                            const char *memoryFile, unsigned int flags)
{
    g_auto(vbSnapshotMemoryFile) mem = VB_SNAPSHOT_MEMORY_FILE_INIT;
    g_autoptr(GPtrArray) nodes = NULL;
    g_autoptr(vbError) saved = NULL;
    bool wasRunning = vm->state == VIR_DOMAIN_RUNNING;
    bool live = flags & VIR_DOMAIN_SNAPSHOT_CREATE_LIVE;
    bool resume = false;
    int ret = -1;

    if (!reuse && vbSnapshotCreateImages(driver, vm, list) < 0)
        goto error;
    if (memoryFile) {
        if (vbSnapshotMemoryFileCreate(&mem, memoryFile) < 0)
            goto error;
        if (wasRunning && !live) {
            if (vbSnapshotMemoryPause(vm) < 0)
                goto error;
        }
        resume = wasRunning;
        /* before the migration, which deactivates the bitmaps (libvirt) */
        if (vbSnapshotQueryNodes(vm, &nodes) < 0 ||
            vbSnapshotMemorySave(vm, &mem, wasRunning, live && wasRunning) < 0)
            goto error;
    }
    if (vbSnapshotSetLabels(vm, list) < 0 || vbSnapshotAddNodes(vm, list) < 0 ||
        vbSnapshotTransaction(vm, list, nodes) < 0)
        goto error;

    vbSnapshotUpdateLive(vm, list);
    ret = 0;
    /* before the guest resumes, in libvirt's order of events */
    if (mem.created)
        vbSnapshotMemoryEmitJobCompleted(driver, vm, &mem);
    mem.created = false;
    /* QEMU has switched: from here on a failure cannot be undone, and
     * libvirt reports it all the same. */
    if (vbDomainObjSaveStatus(vm) < 0 ||
        (vm->persistent && vm->newDef && vbDomainObjSaveConfig(vm) < 0))
        ret = -1;
    /* HALT: the guest stays paused until the entry point stops it */
    if (resume && !(flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT) && vbDomainObjIsActive(vm) &&
        vbSnapshotMemoryResume(vm) < 0)
        ret = -1;
    return ret;

error:
    saved = vbErrorSave();
    vbSnapshotRemoveNodes(vm, list);
    vbSnapshotRestoreLabels(vm, list);
    vbSnapshotRemoveImages(list);
    vbSnapshotMemoryFileRemove(&mem);
    /* as libvirt: the guest runs on after a failed snapshot */
    if (resume && vbDomainObjIsActive(vm) && vbSnapshotMemoryResume(vm) < 0) {
        VB_WARN("domain '%s' stays paused after the failed snapshot: %s", vm->def->name,
                vbGetLastErrorMessage());
        vbDomainEventQueuePush(driver->events,
                               vbDomainEventLifecycleNew(vm->def->name, vm->def->uuid, vm->id,
                                                         VIR_DOMAIN_EVENT_SUSPENDED,
                                                         VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR));
    }
    vbErrorRestore(&saved);
    return -1;
}

/* With VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE (disk-only), as libvirt's
 * qemuSnapshotCreateActiveExternal: the guest's file systems are frozen
 * before the overlays are made and thawed after the transaction, whatever
 * its outcome (if any was frozen); a failing thaw fails an otherwise
 * successful snapshot. */
static int
vbSnapshotCreateActive(vbDriver *driver, vbDomainObj *vm, vbSnapshotDiskList *list, bool reuse,
                       const char *memoryFile, unsigned int flags)
{
    bool quiesce = flags & VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE;
    int ret = -1;

    if (quiesce) {
        if (vbDomainQuiesceFreeze(vm) < 0)
            return -1;
        vbDomainQuiesceTestHook(vm, "frozen");
    }
    /* the agent's answer came without vm->lock: QEMU may be gone */
    if (!quiesce || vbDomainObjCheckActive(vm) == 0)
        ret = vbSnapshotCreateActiveDisks(driver, vm, list, reuse, memoryFile, flags);
    if (quiesce) {
        vbDomainQuiesceTestHook(vm, "thaw");
        if (vbDomainQuiesceThaw(vm, ret == 0, VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK) < 0)
            ret = -1;
    }
    return ret;
}

/* --- Shut-off domain --- */

/* A running domain's transaction gives each overlay the bitmaps of the
 * image below it (vbQemuBitmapSnapshotActions, design-notes.md section 4);
 * a shut-off one's get them here, from that image's header, through the
 * descriptor each overlay was created with, before anything opens it.
 * Runs without the domain lock, as the creation. */
static int
vbSnapshotCarryBitmapsOffline(vbDriver *driver, vbDomainObj *vm, vbSnapshotDiskList *list)
{
    const char *qemuImg = driver->cfg->qemuImgBinary;
    size_t i;
    size_t j;
    int rc = 0;

    vbDomainObjUnlock(vm);
    for (i = 0; i < list->ndd && rc == 0; i++) {
        vbSnapshotDiskData *dd = &list->dd[i];
        g_autoptr(vbMonitorBlockNodeInfo) node = NULL;
        g_autoptr(GPtrArray) carried = NULL;

        if (!dd->created || dd->disk->src->format != VB_STORAGE_FORMAT_QCOW2)
            continue;
        if (!(node = vbQemuImgBitmapsRead(qemuImg, dd->disk->src->path))) {
            rc = -1;
            break;
        }
        carried = vbQemuBitmapSnapshotCarried(node);
        for (j = 0; j < carried->len && rc == 0; j++) {
            const vbMonitorBitmapInfo *b = g_ptr_array_index(carried, j);

            rc = vbQemuImgBitmapAdd(qemuImg, dd->src->path, dd->fd, b->name, b->granularity);
        }
    }
    vbDomainObjLock(vm);
    return rc;
}

static int
vbSnapshotCreateInactive(vbDriver *driver, vbDomainObj *vm, vbSnapshotDiskList *list, bool reuse)
{
    g_autofree vbStorageSource **old = g_new0(vbStorageSource *, list->ndd);
    g_autoptr(vbError) saved = NULL;
    size_t i;

    if (!reuse && (vbSnapshotCreateImages(driver, vm, list) < 0 ||
                   vbSnapshotCarryBitmapsOffline(driver, vm, list) < 0))
        goto error;

    for (i = 0; i < list->ndd; i++) {
        if (vbSnapshotCheckSameFile(&list->dd[i]) < 0)
            goto error;
    }
    for (i = 0; i < list->ndd; i++) {
        vbSnapshotDiskData *dd = &list->dd[i];

        old[i] = dd->disk->src;
        dd->disk->src = vbSnapshotPersistentSource(dd->src, old[i], false);
    }
    if (vbDomainObjSaveConfig(vm) < 0) {
        for (i = 0; i < list->ndd; i++) {
            vbStorageSourceFree(list->dd[i].disk->src);
            list->dd[i].disk->src = old[i];
        }
        goto error;
    }
    for (i = 0; i < list->ndd; i++) {
        vbStorageSourceFree(old[i]);
        list->dd[i].created = false;
    }
    return 0;

error:
    saved = vbErrorSave();
    vbSnapshotRemoveImages(list);
    vbErrorRestore(&saved);
    return -1;
}

/* --- New overlays for a revert (vbsnapshotrevert.c) --- */

struct _vbSnapshotOverlays {
    vbSnapshotDiskList list;
};

void
vbSnapshotOverlaysFree(vbSnapshotOverlays *overlays)
{
    if (!overlays)
        return;
    vbSnapshotDiskListClear(&overlays->list);
    g_free(overlays);
}

vbSnapshotOverlays *
vbSnapshotOverlaysPrepare(vbDomainObj *vm, const vbSnapshotDef *def, vbDomainDef *dom)
{
    g_autoptr(vbSnapshotOverlays) overlays = g_new0(vbSnapshotOverlays, 1);
    vbSnapshotDiskList *list = &overlays->list;
    size_t i;

    g_return_val_if_fail(def->ndisks == dom->ndisks, NULL);
    list->dd = g_new0(vbSnapshotDiskData, def->ndisks);
    for (i = 0; i < def->ndisks; i++) {
        vbSnapshotDiskData *dd = &list->dd[list->ndd];

        if (def->disks[i]->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        dd->fd = -1;
        dd->dirfd = -1;
        dd->disk = dom->disks[i];
        dd->snapdisk = def->disks[i];
        dd->src = vbStorageSourceCopy(def->disks[i]->src, false);
        dd->src->type = VB_STORAGE_TYPE_FILE;
        dd->src->format = VB_STORAGE_FORMAT_QCOW2;
        dd->src->readonly = false;
        list->ndd++;
        if (vbSnapshotPrepareDisk(vm, dd, false) < 0)
            return NULL;
    }
    return g_steal_pointer(&overlays);
}

int
vbSnapshotOverlaysCreate(vbDriver *driver, vbDomainObj *vm, vbSnapshotOverlays *overlays)
{
    vbSnapshotDiskList *list = &overlays->list;
    g_autoptr(vbError) saved = NULL;
    size_t i;

    if (vbSnapshotCreateImages(driver, vm, list) < 0)
        goto error;
    for (i = 0; i < list->ndd; i++) {
        if (vbSnapshotCheckSameFile(&list->dd[i]) < 0)
            goto error;
    }
    for (i = 0; i < list->ndd; i++) {
        vbSnapshotDiskData *dd = &list->dd[i];
        vbStorageSource *old = dd->disk->src;

        dd->disk->src = vbSnapshotPersistentSource(dd->src, old, false);
        vbStorageSourceFree(old);
    }
    return 0;

error:
    saved = vbErrorSave();
    vbSnapshotRemoveImages(list);
    vbErrorRestore(&saved);
    return -1;
}

void
vbSnapshotOverlaysDiscard(vbSnapshotOverlays *overlays)
{
    vbSnapshotRemoveImages(&overlays->list);
}

void
vbSnapshotOverlaysKeep(vbSnapshotOverlays *overlays)
{
    size_t i;

    for (i = 0; i < overlays->list.ndd; i++)
        overlays->list.dd[i].created = false;
}

size_t
vbSnapshotOverlaysCount(const vbSnapshotOverlays *overlays)
{
    return overlays->list.ndd;
}

int
vbSnapshotOverlaysGet(const vbSnapshotOverlays *overlays, size_t i, const char **target,
                      const char **path)
{
    const vbSnapshotDiskData *dd = &overlays->list.dd[i];

    *target = dd->disk->dst;
    *path = dd->src->path;
    return dd->fd;
}

/* --- Metadata: files --- */

int
vbSnapshotSaveOne(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj)
{
    g_autofree char *dir = vbDomainObjSnapshotDir(vm);
    g_autofree char *file = g_strdup_printf("%s.xml", obj->def->name);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autofree char *xml = NULL;
    unsigned int flags = VB_SNAPSHOT_DEF_FORMAT_METADATA | VB_SNAPSHOT_DEF_FORMAT_SECURE |
                         VB_SNAPSHOT_DEF_FORMAT_INTERNAL;

    if (vbSnapshotObjListGetCurrent(vm->snapshots) == obj)
        flags |= VB_SNAPSHOT_DEF_FORMAT_CURRENT;
    if (!(xml = vbSnapshotDefFormat(obj->def, flags)))
        return -1;
    if (vbDriverConfigMakeDir(driver->cfg, dir, 0700) < 0)
        return -1;
    return vbFileWriteAtomic(path, xml, strlen(xml), 0600, VB_FILE_WRITE_DURABLE);
}

/* A file whose <domain> is another domain's (one of the same name
 * before, whose metadata stayed behind) is not this domain's snapshot.
 * libvirt 9.0 loads it regardless. */
static int
vbSnapshotLoadCheckDomain(vbDomainObj *vm, const vbSnapshotDef *def)
{
    char uuid[VB_UUID_STRING_BUFLEN];

    if (memcmp(def->dom->uuid, vm->def->uuid, VB_UUID_BUFLEN) == 0)
        return 0;
    vbUUIDFormat(vm->def->uuid, uuid);
    vbReportErrorFull(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                      _("definition for snapshot %s must use uuid %s"), def->name, uuid);
    return -1;
}

/* Two files claiming to be current (a failure or crash between saving
 * the new current snapshot and the old one): the file written last wins,
 * whatever order the directory lists them in; the name decides a tie.
 * *@when: the modification time of @current's file, in ns. */
static vbSnapshotObj *
vbSnapshotLoadPickCurrent(vbDomainObj *vm, vbSnapshotObj *current, gint64 *when, vbSnapshotObj *obj,
                          const char *path)
{
    vbSnapshotObj *winner = obj;
    struct stat sb;
    gint64 mtime = 0;

    if (stat(path, &sb) == 0)
        mtime = (gint64) sb.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + sb.st_mtim.tv_nsec;
    if (!current) {
        *when = mtime;
        return obj;
    }
    if (*when > mtime || (*when == mtime && strcmp(current->def->name, obj->def->name) > 0))
        winner = current;
    else
        *when = mtime;
    VB_WARN("domain '%s' has several current snapshots: '%s' and '%s'; '%s' is current",
            vm->def->name, current->def->name, obj->def->name, winner->def->name);
    return winner;
}

void
vbDomainSnapshotLoad(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *dir = vbDomainObjSnapshotDir(vm);
    g_autoptr(GDir) gdir = g_dir_open(dir, 0, NULL);
    g_auto(GStrv) orphans = NULL;
    vbSnapshotObj *current = NULL;
    gint64 currentTime = 0;
    const char *name;
    size_t i;

    while (gdir && (name = g_dir_read_name(gdir))) {
        g_autofree char *path = NULL;
        g_autoptr(vbSnapshotDef) def = NULL;
        vbSnapshotObj *obj;
        bool cur = false;

        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(dir, name, NULL);
        if (!(def = vbSnapshotDefParseFile(path, &cur)) || vbSnapshotLoadCheckDomain(vm, def) < 0 ||
            !(obj = vbSnapshotObjListAdd(vm->snapshots, &def))) {
            VB_ERROR("cannot load snapshot '%s' of domain '%s': %s", path, vm->def->name,
                     vbGetLastErrorMessage());
            vbResetLastError();
            continue;
        }
        if (cur)
            current = vbSnapshotLoadPickCurrent(vm, current, &currentTime, obj, path);
    }
    vbSnapshotObjListUpdateRelations(vm->snapshots, &orphans);
    for (i = 0; orphans && orphans[i]; i++)
        VB_WARN("snapshot '%s' of domain '%s' names a parent that does not exist: now a root",
                orphans[i], vm->def->name);
    vbSnapshotObjListSetCurrent(vm->snapshots, current);
}

/* --- Metadata: creation --- */

/* NAME_MAX less ".xml" and the temporary suffix of an atomic write */
#define VB_SNAPSHOT_NAME_MAX 200

/* libvirt's rule (the name is a file name) and ours: no control
 * character either, which no listing could show. */
static int
vbSnapshotCheckName(const char *name)
{
    const unsigned char *c;

    /* its file, NAME.xml, must be a valid file name */
    if (strlen(name) > VB_SNAPSHOT_NAME_MAX) {
        vbReportError(VIR_ERR_XML_DETAIL, _("invalid snapshot name: longer than %d bytes"),
                      VB_SNAPSHOT_NAME_MAX);
        return -1;
    }
    if (strchr(name, '/')) {
        vbReportError(VIR_ERR_XML_DETAIL, _("invalid snapshot name '%s': name can't contain '/'"),
                      name);
        return -1;
    }
    if (name[0] == '.') {
        vbReportError(VIR_ERR_XML_DETAIL,
                      _("invalid snapshot name '%s': name can't start with '.'"), name);
        return -1;
    }
    for (c = (const unsigned char *) name; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            vbReportError(VIR_ERR_XML_DETAIL,
                          _("invalid snapshot name '%s': name can't contain control characters"),
                          name);
            return -1;
        }
    }
    return 0;
}

/* What the snapshot records before the disks change: the definitions as
 * they are, and the current snapshot as its parent. */
static int
vbSnapshotFillMetadata(vbDomainObj *vm, vbSnapshotDef *def)
{
    vbSnapshotObj *current = vbSnapshotObjListGetCurrent(vm->snapshots);

    /* as libvirtd 9.0 records it: a shut-off domain's disk-only snapshot
     * is in state 'shutoff' */
    def->state =
        vbDomainObjIsActive(vm) ? VB_SNAPSHOT_STATE_DISK_SNAPSHOT : VB_SNAPSHOT_STATE_SHUTOFF;
    /* a memory snapshot records the guest's state: running or paused (the
     * values of virDomainState and virDomainSnapshotState agree) */
    if (def->memory == VB_SNAPSHOT_LOCATION_EXTERNAL)
        def->state = (vbSnapshotState) vm->state;
    if (def->memory == VB_SNAPSHOT_LOCATION_DEFAULT)
        def->memory = VB_SNAPSHOT_LOCATION_NO;
    if (current)
        def->parentName = g_strdup(current->def->name);
    if (!(def->dom = vbDomainDefCopy(vm->def, VB_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    /* as libvirt's migratable XML: not the sockets the daemon chose for
     * this run (a revert starts QEMU with this definition) */
    if (vm->monitorPath) {
        g_autofree char *dir = g_path_get_dirname(vm->monitorPath);

        vbQemuDeviceChrDropSocketPaths(def->dom, dir);
    }
    if (vbDomainObjIsActive(vm) && vm->persistent && vm->newDef &&
        !(def->inactiveDom = vbDomainDefCopy(vm->newDef, VB_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    return 0;
}

/* libvirt's error for a snapshot whose own file cannot be written (the
 * cause logged, as libvirt's report of it is overwritten too) */
static void
vbSnapshotReportSaveFailed(const vbSnapshotObj *obj)
{
    VB_ERROR("cannot save the metadata of snapshot '%s': %s", obj->def->name,
             vbGetLastErrorMessage());
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unable to save metadata for snapshot %s"),
                  obj->def->name);
}

/* The snapshot current before @now, saved as no longer current.  The
 * operation has succeeded by then: a failure only warns, as in libvirt
 * (the loader copes with two files claiming to be current). */
static void
vbSnapshotSaveOldCurrent(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *old, vbSnapshotObj *now)
{
    if (!old || old == now)
        return;
    if (vbSnapshotSaveOne(driver, vm, old) < 0) {
        VB_WARN("failed to update old current snapshot '%s' of domain '%s': %s", old->def->name,
                vm->def->name, vbGetLastErrorMessage());
        vbResetLastError();
    }
}

/* The disks have switched: the snapshot becomes current.  As in libvirt,
 * a failure to save is reported although the overlays stay. */
static int
vbSnapshotCommitMetadata(vbDriver *driver, vbDomainObj *vm, vbSnapshotDef **def)
{
    vbSnapshotObj *old = vbSnapshotObjListGetCurrent(vm->snapshots);
    vbSnapshotObj *obj;

    if (!(obj = vbSnapshotObjListAdd(vm->snapshots, def)))
        return -1;
    /* as libvirt: the overlays a revert put on the old current snapshot's
     * images are now the new snapshot's <domain>, recorded there */
    if (old)
        vbSnapshotDefClearRevertDisks(old->def);
    vbSnapshotObjListSetCurrent(vm->snapshots, obj);
    if (vbSnapshotSaveOne(driver, vm, obj) < 0) {
        /* as libvirt: a snapshot whose metadata cannot be written is not
         * kept (its overlays are, in use by the domain) */
        vbSnapshotReportSaveFailed(obj);
        vbSnapshotObjListRemove(vm->snapshots, obj);
        vbSnapshotObjListSetCurrent(vm->snapshots, old);
        return -1;
    }
    vbSnapshotSaveOldCurrent(driver, vm, old, obj);
    return 0;
}

/* --- Metadata: REDEFINE --- */

/* libvirt's virDomainMomentCheckCycles (VIR_FROM_DOMAIN) */
static int
vbSnapshotRedefineCheckParent(vbDomainObj *vm, const vbSnapshotDef *def)
{
    vbSnapshotObj *parent;
    vbSnapshotObj *p;

    if (!def->parentName)
        return 0;
    if (strcmp(def->parentName, def->name) == 0) {
        vbReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          _("cannot set moment %s as its own parent"), def->name);
        return -1;
    }
    if (!(parent = vbSnapshotObjListFind(vm->snapshots, def->parentName))) {
        vbReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          _("parent %s for moment %s not found"), def->parentName, def->name);
        return -1;
    }
    /* an ancestor whose parent is the snapshot redefined: libvirt names it */
    for (p = parent; p->parent; p = p->parent) {
        if (strcmp(p->parent->def->name, def->name) == 0) {
            vbReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                              _("parent %s would create cycle to %s"), p->def->name, def->name);
            return -1;
        }
    }
    return 0;
}

/* libvirt's virDomainSnapshotRedefineValidate (VIR_FROM_DOMAIN_SNAPSHOT) */
static int
vbSnapshotRedefineValidate(vbDomainObj *vm, const vbSnapshotDef *def, const vbSnapshotObj *other,
                           unsigned int flags)
{
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY) &&
        def->state != VB_SNAPSHOT_STATE_DISK_SNAPSHOT) {
        vbReportErrorFull(
            VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
            _("disk-only flag for snapshot %s requires disk-snapshot state"), def->name);
        return -1;
    }
    if (memcmp(def->dom->uuid, vm->def->uuid, VB_UUID_BUFLEN) != 0) {
        char uuid[VB_UUID_STRING_BUFLEN];

        vbUUIDFormat(vm->def->uuid, uuid);
        vbReportErrorFull(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_ARG, __FILE__, __func__,
                          __LINE__, _("definition for snapshot %s must use uuid %s"), def->name,
                          uuid);
        return -1;
    }
    if (other) {
        vbSnapshotState a = other->def->state;
        vbSnapshotState b = def->state;
        bool onlineA = a == VB_SNAPSHOT_STATE_RUNNING || a == VB_SNAPSHOT_STATE_PAUSED;
        bool onlineB = b == VB_SNAPSHOT_STATE_RUNNING || b == VB_SNAPSHOT_STATE_PAUSED;

        if (onlineA != onlineB) {
            vbReportErrorFull(
                VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                _("cannot change between online and offline snapshot state in snapshot %s"),
                def->name);
            return -1;
        }
        if ((a == VB_SNAPSHOT_STATE_DISK_SNAPSHOT) != (b == VB_SNAPSHOT_STATE_DISK_SNAPSHOT)) {
            vbReportErrorFull(
                VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                _("cannot change between disk only and full system in snapshot %s"), def->name);
            return -1;
        }
        /* the machine a snapshot recorded cannot change afterwards */
        if (other->def->dom && vbDomainDefCheckABIStability(other->def->dom, def->dom) < 0)
            return -1;
    }
    return 0;
}

/* libvirt's qemuSnapshotCreateXMLValidateDef for a redefinition's state */
static int
vbSnapshotRedefineCheckState(const vbSnapshotDef *def)
{
    switch (def->state) {
    case VB_SNAPSHOT_STATE_RUNNING:
    case VB_SNAPSHOT_STATE_PAUSED:
    case VB_SNAPSHOT_STATE_SHUTDOWN:
    case VB_SNAPSHOT_STATE_SHUTOFF:
    case VB_SNAPSHOT_STATE_CRASHED:
    case VB_SNAPSHOT_STATE_DISK_SNAPSHOT:
        return 0;
    case VB_SNAPSHOT_STATE_PMSUSPENDED:
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      _("qemu doesn't support taking snapshots of PMSUSPENDED guests"));
        return -1;
    case VB_SNAPSHOT_STATE_NOSTATE:
    case VB_SNAPSHOT_STATE_BLOCKED:
    case VB_SNAPSHOT_STATE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("Invalid domain state %s"),
                  NULLSTR(vbSnapshotStateTypeToString(def->state)));
    return -1;
}

/* libvirt's parser runs its driver's address assignment on a snapshot's
 * <domain> and <inactiveDomain> (post-parse), as on a definition: a
 * redefinition whose devices have no addresses (snapshot-dumpxml with
 * them stripped) is the same machine as the one recorded, and is stored
 * with them.  A machine we cannot run (another architecture) gets none:
 * libvirt, which can, accepts it, and refuses a change of an existing
 * snapshot's machine in its ABI check, with that check's words. */
static int
vbSnapshotRedefineAssignAddressesOne(vbDomainDef *dom)
{
    vbQemuMachineFamily family;

    if (!dom)
        return 0;
    if (vbQemuDomainGetMachineFamily(dom, &family) < 0) {
        vbResetLastError();
        return 0;
    }
    return vbQemuDomainAssignAddresses(dom);
}

static int
vbSnapshotRedefineAssignAddresses(vbSnapshotDef *def)
{
    if (vbSnapshotRedefineAssignAddressesOne(def->dom) < 0 ||
        vbSnapshotRedefineAssignAddressesOne(def->inactiveDom) < 0)
        return -1;
    return 0;
}

/* Redefinition: only metadata changes; the snapshot replaces one of its
 * name, or is added; current only with CURRENT (libvirt's
 * qemuSnapshotRedefine). */
static int
vbSnapshotRedefine(vbDriver *driver, vbDomainObj *vm, vbSnapshotDef **defp, unsigned int flags)
{
    vbSnapshotDef *def = *defp;
    vbSnapshotObj *other = vbSnapshotObjListFind(vm->snapshots, def->name);
    vbSnapshotObj *old = vbSnapshotObjListGetCurrent(vm->snapshots);
    vbSnapshotObj *obj;

    if (vbSnapshotRedefineAssignAddresses(def) < 0 || vbSnapshotRedefineCheckState(def) < 0 ||
        vbSnapshotRedefineCheckParent(vm, def) < 0 ||
        vbSnapshotRedefineValidate(vm, def, other, flags) < 0 ||
        vbSnapshotDefAlignDisksRedefine(def) < 0)
        return -1;
    if (other) {
        /* Its images hold newer data than it took whatever the new
         * definition says (a client's document never has this) */
        if (other->def->deleteFailedBases && !def->deleteFailedBases)
            def->deleteFailedBases = g_strdupv(other->def->deleteFailedBases);
        /* *defp: the previous definition, until the new one is saved */
        vbSnapshotObjListSwapDef(vm->snapshots, other, defp);
        obj = other;
    } else if (!(obj = vbSnapshotObjListAdd(vm->snapshots, defp))) {
        return -1;
    }
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT)
        vbSnapshotObjListSetCurrent(vm->snapshots, obj);
    if (vbSnapshotSaveOne(driver, vm, obj) < 0) {
        /* What is in memory stays what is on disk: a new snapshot goes,
         * a replaced one gets its previous definition back (its file
         * was never touched: the write is atomic). */
        vbSnapshotReportSaveFailed(obj);
        if (other)
            vbSnapshotObjListSwapDef(vm->snapshots, other, defp);
        else
            vbSnapshotObjListRemove(vm->snapshots, obj);
        vbSnapshotObjListSetCurrent(vm->snapshots, old);
        return -1;
    }
    vbSnapshotSaveOldCurrent(driver, vm, old, obj);
    return 0;
}

/* --- The entry point --- */

static int
vbSnapshotCreate(vbDriver *driver, vbDomainObj *vm, vbSnapshotDef **defp, unsigned int flags)
{
    vbSnapshotDef *def = *defp;
    bool metadata = !(flags & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA);
    g_auto(vbSnapshotDiskList) list = {0};
    bool reuse = flags & VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT;
    bool active = vbDomainObjIsActive(vm);
    size_t i;

    /* A storage daemon holds the images of a shut-off domain with jobs. */
    if (!active) {
        vbBlockOfflineStopIfIdle(driver, vm);
        if (vbBlockJobCheckNoOfflineJob(vm, "snapshot") < 0)
            return -1;
    }
    if (vbSnapshotDefAlignDisks(def, vm->def) < 0)
        return -1;

    list.dd = g_new0(vbSnapshotDiskData, def->ndisks);
    for (i = 0; i < def->ndisks; i++) {
        vbSnapshotDiskData *dd = &list.dd[list.ndd];

        if (def->disks[i]->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        dd->fd = -1;
        dd->dirfd = -1;
        dd->disk = vm->def->disks[i];
        dd->snapdisk = def->disks[i];
        dd->src = vbStorageSourceCopy(def->disks[i]->src, false);
        dd->src->type = VB_STORAGE_TYPE_FILE;
        dd->src->format = VB_STORAGE_FORMAT_QCOW2;
        dd->src->readonly = false;
        list.ndd++;
        if (vbSnapshotPrepareDisk(vm, dd, reuse) < 0)
            return -1;
    }
    /* after the files, as libvirt checks them */
    if (metadata) {
        if (vbSnapshotObjListFind(vm->snapshots, def->name)) {
            vbReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_FAILED, __FILE__, __func__,
                              __LINE__, _("domain moment %s already exists"), def->name);
            return -1;
        }
        if (vbSnapshotFillMetadata(vm, def) < 0)
            return -1;
    }

    /* QUIESCE asks nothing of a shut-off domain, as in libvirt */
    if (active
            ? vbSnapshotCreateActive(
                  driver, vm, &list, reuse,
                  def->memory == VB_SNAPSHOT_LOCATION_EXTERNAL ? def->memoryFile : NULL, flags) < 0
            : vbSnapshotCreateInactive(driver, vm, &list, reuse) < 0)
        return -1;

    for (i = 0; i < list.ndd; i++)
        VB_INFO("domain '%s': disk '%s' now writes to snapshot overlay '%s'", vm->def->name,
                list.dd[i].disk->dst, list.dd[i].disk->src->path);
    if (metadata)
        return vbSnapshotCommitMetadata(driver, vm, defp);
    return 0;
}

/* HALT: the snapshot is taken, the persistent domain stops (libvirt's
 * STOPPED from-snapshot event), in a job that waits for every query, as
 * destroy does. */
static void
vbSnapshotHalt(vbDriver *driver, vbDomainObj *vm)
{
    if (vbDomainObjBeginJob(vm, VB_JOB_DESTROY) < 0) {
        VB_WARN("domain '%s' keeps running after its snapshot with HALT: %s", vm->def->name,
                vbGetLastErrorMessage());
        vbResetLastError();
        return;
    }
    if (vbDomainObjIsActive(vm)) {
        /* made while the domain still has its id, as libvirt's */
        vbDomainEvent *event = vbDomainEventLifecycleNew(vm->def->name, vm->def->uuid, vm->id,
                                                         VIR_DOMAIN_EVENT_STOPPED,
                                                         VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);

        vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT);
        vbDomainEventQueuePush(driver->events, event);
    }
    vbDomainObjEndJob(vm, VB_JOB_DESTROY);
}

int
vbDomainSnapshotCreateXML(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                          unsigned int flags, char **name)
{
    g_autoptr(vbSnapshotDef) def = NULL;
    g_autofree char *snapname = NULL;
    unsigned int parseFlags = 0;
    vbDomainObj *vm;
    int ret = -1;

    *name = NULL;
    if (vbSnapshotCheckFlags(flags) < 0)
        return -1;
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE)
        parseFlags |= VB_SNAPSHOT_DEF_PARSE_VALIDATE_SCHEMA;
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        parseFlags |= VB_SNAPSHOT_DEF_PARSE_REDEFINE;
    /* libvirt's qemuSnapshotCreateXMLParse */
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY) || !vbDomainObjIsActive(vm))
        parseFlags |= VB_SNAPSHOT_DEF_PARSE_OFFLINE;
    if (!(def = vbSnapshotDefParseString(xml, g_get_real_time() / G_USEC_PER_SEC, parseFlags)))
        goto cleanup;
    if (!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA) && vbSnapshotCheckName(def->name) < 0)
        goto cleanup;
    snapname = g_strdup(def->name);
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        ret = vbSnapshotRedefine(driver, vm, &def, flags);
    else if (vbSnapshotCheckKind(vm, def, flags) == 0)
        ret = vbSnapshotCreate(driver, vm, &def, flags);
    if (ret == 0)
        *name = g_steal_pointer(&snapname);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    if (ret == 0 && (flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT))
        vbSnapshotHalt(driver, vm);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* --- Metadata: the read procedures --- */

static vbSnapshotObj *
vbSnapshotFind(vbDomainObj *vm, const char *name)
{
    vbSnapshotObj *obj = vbSnapshotObjListFind(vm->snapshots, name);

    if (!obj)
        vbReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, _("no domain snapshot with matching name '%s'"),
                      name);
    return obj;
}

/* The domain locked, and @name's snapshot (when given) in *@obj */
static vbDomainObj *
vbSnapshotBegin(vbDriver *driver, const vbDomainHandle *dom, const char *name, vbSnapshotObj **obj)
{
    vbDomainObj *vm;

    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return NULL;
    if (name && !(*obj = vbSnapshotFind(vm, name)))
        vbDomainObjEndAPI(&vm);
    return vm;
}

#define VB_SNAPSHOT_LIST_KNOWN_FLAGS \
    (VIR_DOMAIN_SNAPSHOT_LIST_ROOTS | VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL | \
     VIR_DOMAIN_SNAPSHOT_LIST_LEAVES | VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES | \
     VIR_DOMAIN_SNAPSHOT_LIST_METADATA | VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA | \
     VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE | VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE | \
     VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL | \
     VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL)

int
vbDomainSnapshotList(vbDriver *driver, const vbDomainHandle *dom, const char *from,
                     unsigned int flags, const char *api, char ***names)
{
    g_autoptr(GPtrArray) found = NULL;
    vbSnapshotObj *obj = NULL;
    vbDomainObj *vm;
    size_t i;
    int n;

    if (names)
        *names = NULL;
    /* ROOTS and DESCENDANTS are one bit: roots of the list, or all below */
    vbCheckFlagsFunc(flags, VB_SNAPSHOT_LIST_KNOWN_FLAGS, api, -1);
    if (!(vm = vbSnapshotBegin(driver, dom, from, &obj)))
        return -1;
    found = vbSnapshotObjListCollect(vm->snapshots, obj, flags);
    n = found->len;
    if (names) {
        *names = g_new0(char *, found->len + 1);
        for (i = 0; i < found->len; i++)
            (*names)[i] = g_strdup(((vbSnapshotObj *) g_ptr_array_index(found, i))->def->name);
    }
    vbDomainObjEndAPI(&vm);
    return n;
}

int
vbDomainSnapshotLookup(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                       unsigned int flags)
{
    vbSnapshotObj *obj = NULL;
    vbDomainObj *vm;

    vbCheckFlagsFunc(flags, 0, "qemuDomainSnapshotLookupByName", -1);
    if (!(vm = vbSnapshotBegin(driver, dom, name, &obj)))
        return -1;
    vbDomainObjEndAPI(&vm);
    return 0;
}

char *
vbDomainSnapshotGetXMLDesc(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                           unsigned int flags, bool readonly)
{
    vbSnapshotObj *obj = NULL;
    vbDomainObj *vm;
    unsigned int fmt = VB_SNAPSHOT_DEF_FORMAT_METADATA;
    char *xml;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_SNAPSHOT_XML_SECURE, "qemuDomainSnapshotGetXMLDesc", NULL);
    /* libvirt's virDomainSnapshotGetXMLDesc */
    if (readonly && (flags & VIR_DOMAIN_SNAPSHOT_XML_SECURE)) {
        vbReportErrorFull(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_OPERATION_DENIED, __FILE__, __func__,
                          __LINE__, "%s", _("virDomainSnapshotGetXMLDesc with secure flag"));
        return NULL;
    }
    if (flags & VIR_DOMAIN_SNAPSHOT_XML_SECURE)
        fmt |= VB_SNAPSHOT_DEF_FORMAT_SECURE;
    if (!(vm = vbSnapshotBegin(driver, dom, name, &obj)))
        return NULL;
    xml = vbSnapshotDefFormat(obj->def, fmt);
    vbDomainObjEndAPI(&vm);
    return xml;
}

int
vbDomainSnapshotCurrent(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags,
                        char **name)
{
    vbSnapshotObj *current;
    vbDomainObj *vm;
    int ret = -1;

    if (name)
        *name = NULL;
    vbCheckFlagsFunc(flags, 0, name ? "qemuDomainSnapshotCurrent" : "qemuDomainHasCurrentSnapshot",
                     -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    current = vbSnapshotObjListGetCurrent(vm->snapshots);
    if (!name) {
        ret = current ? 1 : 0;
    } else if (!current) {
        vbReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, "%s",
                      _("the domain does not have a current snapshot"));
    } else {
        *name = g_strdup(current->def->name);
        ret = 0;
    }
    vbDomainObjEndAPI(&vm);
    return ret;
}

int
vbDomainSnapshotGetParent(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                          unsigned int flags, char **parent)
{
    vbSnapshotObj *obj = NULL;
    vbDomainObj *vm;
    int ret = -1;

    *parent = NULL;
    vbCheckFlagsFunc(flags, 0, "qemuDomainSnapshotGetParent", -1);
    if (!(vm = vbSnapshotBegin(driver, dom, name, &obj)))
        return -1;
    if (!obj->parent) {
        vbReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, _("snapshot '%s' does not have a parent"), name);
    } else {
        *parent = g_strdup(obj->parent->def->name);
        ret = 0;
    }
    vbDomainObjEndAPI(&vm);
    return ret;
}

int
vbDomainSnapshotQuery(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                      unsigned int flags, bool current)
{
    vbSnapshotObj *obj = NULL;
    vbDomainObj *vm;
    int ret;

    vbCheckFlagsFunc(flags, 0,
                     current ? "qemuDomainSnapshotIsCurrent" : "qemuDomainSnapshotHasMetadata", -1);
    if (!(vm = vbSnapshotBegin(driver, dom, name, &obj)))
        return -1;
    /* every snapshot we know has metadata */
    ret = current ? vbSnapshotObjListGetCurrent(vm->snapshots) == obj : 1;
    vbDomainObjEndAPI(&vm);
    return ret;
}

int
vbDomainSnapshotCheckUndefine(vbDriver *driver, vbDomainObj *vm, unsigned int flags)
{
    size_t n;

    if (vbDomainObjIsActive(vm) || (n = vbSnapshotObjListSize(vm->snapshots)) == 0)
        return 0;
    if (!(flags & VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("cannot delete inactive domain with %zu snapshots"), n);
        return -1;
    }
    return vbDomainObjDiscardSnapshots(vm);
}

/* --- Deletion (libvirt 9.0's qemuSnapshotDelete, for external snapshots) --- */

#define VB_SNAPSHOT_DELETE_KNOWN_FLAGS \
    (VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY | \
     VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)

/* One disk of the snapshot deleted, by a commit of its overlay */
typedef struct {
    const vbSnapshotDiskDef *snapdisk;
    vbDomainDiskDef *disk;    /* in vm->def, the live chain */
    vbStorageSource *overlay; /* the snapshot's overlay in that chain */
    vbStorageSource *base;    /* the image below it, the snapshot's <domain> source */
    char *basePath;           /* its path, kept once the chain may change */
    vbBlockJob *job;          /* referenced once started */
} vbSnapshotDeleteDisk;

typedef struct {
    vbSnapshotDeleteDisk *dd;
    size_t ndd;
} vbSnapshotDeleteList;

static void
vbSnapshotDeleteListClear(vbSnapshotDeleteList *list)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        if (list->dd[i].job)
            list->dd[i].job->deleting = false;
        vbBlockJobUnref(list->dd[i].job);
        g_free(list->dd[i].basePath);
    }
    g_free(list->dd);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vbSnapshotDeleteList, vbSnapshotDeleteListClear);

/* libvirt's qemuSnapshotUpdateDisksSingle: in @def, a definition kept by
 * the descendant @obj of the snapshot deleted, the disk that named the
 * deleted overlay names the image it was merged into (@parentDef's, the
 * deleted snapshot's own definition), and the overlay leaves any recorded
 * chain. */
static void
vbSnapshotDeleteUpdateDisk(const vbSnapshotObj *obj, vbDomainDef *def, const vbDomainDef *parentDef,
                           const vbSnapshotDiskDef *snapdisk)
{
    vbDomainDiskDef *disk;
    vbStorageSource *cur;

    /* a definition without the disk (libvirt fails there, with no error
     * for the client, after having deleted everything) names nothing to
     * rewrite */
    if (!def || !(disk = vbDomainDiskByName(def, snapdisk->name)))
        return;
    if (vbSnapshotDefIsExternal(obj->def)) {
        vbDomainDiskDef *parentDisk;

        if (parentDef && (parentDisk = vbDomainDiskByName(parentDef, snapdisk->name)) &&
            vbStorageSourceIsSameLocation(snapdisk->src, disk->src)) {
            vbStorageSource *copy = vbStorageSourceCopy(parentDisk->src, false);

            vbStorageSourceFree(disk->src);
            disk->src = copy;
        }
    }
    for (cur = disk->src; cur && cur->backingStore; cur = cur->backingStore) {
        vbStorageSource *next = cur->backingStore;

        if (next->type != VB_STORAGE_TYPE_NONE &&
            vbStorageSourceIsSameLocation(snapdisk->src, next)) {
            cur->backingStore = g_steal_pointer(&next->backingStore);
            vbStorageSourceFree(next);
            break;
        }
    }
}

static int
vbSnapshotRemoveFile(vbDomainObj *vm, const vbSnapshotObj *obj)
{
    g_autofree char *dir = vbDomainObjSnapshotDir(vm);
    g_autofree char *file = g_strdup_printf("%s.xml", obj->def->name);
    g_autofree char *path = g_build_filename(dir, file, NULL);

    if (unlink(path) < 0 && errno != ENOENT) {
        vbReportSystemError(errno, _("Failed to unlink %s"), path);
        return -1;
    }
    return 0;
}

/* libvirt's qemuSnapshotDiscardMetadata with update_parent: the children
 * move to the parent, every descendant's definitions are rewritten as if
 * the snapshot's overlays had been merged, the parent becomes current if
 * @obj was; each file is rewritten atomically before @obj's goes.  Frees
 * @obj.  0, or -1 when a file could not be written (the lists changed all
 * the same, as in libvirt; @obj's file then stays). */
int
vbSnapshotDiscardMetadata(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj)
{
    vbSnapshotObj *parent = obj->parent;
    const vbSnapshotDef *def = obj->def;
    int ret = 0;
    size_t i;
    size_t j;

    if (obj->children->len > 0) {
        g_autoptr(GPtrArray) desc =
            vbSnapshotObjListCollect(vm->snapshots, obj, VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);

        for (i = 0; i < obj->children->len; i++) {
            vbSnapshotObj *child = g_ptr_array_index(obj->children, i);

            g_free(child->def->parentName);
            child->def->parentName = parent ? g_strdup(parent->def->name) : NULL;
        }
        for (i = 0; i < desc->len; i++) {
            vbSnapshotObj *d = g_ptr_array_index(desc, i);

            for (j = 0; j < def->ndisks; j++) {
                const vbSnapshotDiskDef *snapdisk = def->disks[j];

                if (snapdisk->snapshot == VB_SNAPSHOT_LOCATION_NO)
                    continue;
                vbSnapshotDeleteUpdateDisk(d, d->def->dom, def->dom, snapdisk);
                if (d->def->inactiveDom)
                    vbSnapshotDeleteUpdateDisk(d, d->def->inactiveDom,
                                               def->inactiveDom ? def->inactiveDom : def->dom,
                                               snapdisk);
            }
            if (vbSnapshotSaveOne(driver, vm, d) < 0)
                ret = -1;
        }
    }

    if (vbSnapshotObjListGetCurrent(vm->snapshots) == obj) {
        vbSnapshotObjListSetCurrent(vm->snapshots, parent);
        if (parent && vbSnapshotSaveOne(driver, vm, parent) < 0) {
            VB_WARN("failed to set parent snapshot '%s' as current", parent->def->name);
            vbSnapshotObjListSetCurrent(vm->snapshots, NULL);
        }
    }
    vbSnapshotDeleteTestKill("metadata");
    /* A descendant not rewritten: the snapshot's own file stays, so that
     * the recovery of an interrupted delete, which discards it again at
     * the next start, still finds it (and keeps its intent until then) */
    if (ret == 0 && vbSnapshotRemoveFile(vm, obj) < 0)
        ret = -1;
    vbSnapshotObjListRemoveReparent(vm->snapshots, obj);
    return ret;
}

int
vbSnapshotDeleteApplySwitched(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj,
                              GPtrArray *targets)
{
    g_autoptr(GPtrArray) desc =
        vbSnapshotObjListCollect(vm->snapshots, obj, VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);
    vbSnapshotDef *def = obj->def;
    int ret = 0;
    size_t i;
    size_t j;

    for (i = 0; i < def->ndisks; i++) {
        vbSnapshotDiskDef *snapdisk = def->disks[i];

        if (snapdisk->snapshot == VB_SNAPSHOT_LOCATION_NO ||
            !g_ptr_array_find_with_equal_func(targets, snapdisk->name, g_str_equal, NULL))
            continue;
        for (j = 0; j < desc->len; j++) {
            vbSnapshotObj *d = g_ptr_array_index(desc, j);

            vbSnapshotDeleteUpdateDisk(d, d->def->dom, def->dom, snapdisk);
            if (d->def->inactiveDom)
                vbSnapshotDeleteUpdateDisk(d, d->def->inactiveDom,
                                           def->inactiveDom ? def->inactiveDom : def->dom,
                                           snapdisk);
        }
        snapdisk->snapshot = VB_SNAPSHOT_LOCATION_NO;
        VB_WARN("domain '%s': disk '%s' of snapshot '%s' switched to its base; the snapshot "
                "keeps its other disks",
                vm->def->name, snapdisk->name, def->name);
    }
    for (j = 0; j < desc->len; j++) {
        if (vbSnapshotSaveOne(driver, vm, g_ptr_array_index(desc, j)) < 0)
            ret = -1;
    }
    if (vbSnapshotSaveOne(driver, vm, obj) < 0)
        ret = -1;
    return ret;
}

/* METADATA_ONLY with CHILDREN or CHILDREN_ONLY: the descendants deepest
 * first, so that each is a leaf when it goes and the current one moves
 * up to the nearest snapshot that stays. */
static int
vbSnapshotDiscardDescendants(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj)
{
    int ret = 0;

    while (obj->children->len > 0) {
        vbSnapshotObj *child = g_ptr_array_index(obj->children, 0);

        if (vbSnapshotDiscardDescendants(driver, vm, child) < 0)
            ret = -1;
        if (vbSnapshotDiscardMetadata(driver, vm, child) < 0)
            ret = -1;
    }
    return ret;
}

/* libvirt's qemuSnapshotCountExternalInternal over the descendants */
static void
vbSnapshotCountDescendants(vbDomainObj *vm, vbSnapshotObj *obj, size_t *external, size_t *internal)
{
    g_autoptr(GPtrArray) desc =
        vbSnapshotObjListCollect(vm->snapshots, obj, VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);
    size_t i;

    *external = *internal = 0;
    for (i = 0; i < desc->len; i++) {
        if (vbSnapshotDefIsExternal(((vbSnapshotObj *) g_ptr_array_index(desc, i))->def))
            (*external)++;
        else
            (*internal)++;
    }
}

static int
vbSnapshotReportInternal(const vbSnapshotObj *obj)
{
    vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                  _("snapshot '%s' is internal: only external snapshots can be deleted"),
                  obj->def->name);
    return -1;
}

/* Beyond libvirt 9.0, which refuses CHILDREN and CHILDREN_ONLY of an
 * external snapshot with descendants: the subtree is deleted when it is
 * one line, from its top down (vbSnapshotDeleteLine).  Appends to @line,
 * when given, the snapshots from @obj down to the leaf.  A snapshot with
 * two children is refused, naming them: both branches' images back onto
 * its overlay, and committing one of them into it would change the other
 * branch's data. */
static int
vbSnapshotLineCollect(vbSnapshotObj *obj, GPtrArray *line)
{
    vbSnapshotObj *cur = obj;
    g_autoptr(GString) names = NULL;
    size_t i;

    for (;;) {
        if (line)
            g_ptr_array_add(line, cur);
        if (cur->children->len != 1)
            break;
        cur = g_ptr_array_index(cur->children, 0);
    }
    if (cur->children->len == 0)
        return 0;

    names = g_string_new(NULL);
    for (i = 0; i < cur->children->len; i++) {
        const vbSnapshotObj *child = g_ptr_array_index(cur->children, i);

        g_string_append_printf(names, "%s'%s'", i ? ", " : "", child->def->name);
    }
    vbReportError(
        VIR_ERR_CONFIG_UNSUPPORTED,
        _("cannot delete the children of snapshot '%s': snapshot '%s' is a branch point with children %s, and only a subtree without branches can be deleted by commits"),
        obj->def->name, cur->def->name, names->str);
    return -1;
}

/* libvirt's qemuSnapshotDeleteValidate, in its order and words, but for
 * the refusal of CHILDREN and CHILDREN_ONLY (vbSnapshotLineCollect) */
static int
vbSnapshotDeleteValidate(vbDomainObj *vm, vbSnapshotObj *obj, unsigned int flags)
{
    size_t external = 0;
    size_t internal = 0;

    /* virtblockd makes no internal snapshot; one recorded by REDEFINE
     * cannot be removed from its image here */
    if (!vbSnapshotDefIsExternal(obj->def))
        return vbSnapshotReportInternal(obj);

    if (flags & (VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)) {
        vbSnapshotCountDescendants(vm, obj, &external, &internal);
        if (external > 0 && internal > 0) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                _("deletion of external and internal children disk snapshots not supported"));
            return -1;
        }
        /* internal descendants only: their data cannot be removed either */
        if (internal > 0)
            return vbSnapshotReportInternal(g_ptr_array_index(obj->children, 0));
        if (vbSnapshotLineCollect(obj, NULL) < 0)
            return -1;
    }
    if (g_hash_table_size(vm->blockjobs) > 0) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      _("cannot delete external snapshots when there is another active block job"));
        return -1;
    }
    return 0;
}

/* The element of @chain at @src's location, and the one above it */
static vbStorageSource *
vbSnapshotChainLookupBySource(vbStorageSource *chain, const vbStorageSource *src,
                              vbStorageSource **parent)
{
    vbStorageSource *s;

    *parent = NULL;
    for (s = chain; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore) {
        if (vbStorageSourceIsSameLocation(s, src))
            return s;
        *parent = s;
    }
    vbReportErrorFull(VIR_FROM_STORAGE, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__, "%s",
                      _("could not find base disk source in disk source chain"));
    return NULL;
}

static bool
vbSnapshotSameFile(const char *a, const struct stat *sb)
{
    struct stat st;

    return a && stat(a, &st) == 0 && st.st_dev == sb->st_dev && st.st_ino == sb->st_ino;
}

/* Beyond libvirt: the commit changes the image below the overlay and
 * removes the overlay, which is only safe when no image outside the
 * disk's chain backs onto either.  libvirt deletes a snapshot at a branch
 * point (made with REDEFINE) and leaves the other branch's image orphaned
 * or corrupted; we refuse and name the images.  The images considered are
 * the overlays of the domain's other snapshots, read from their headers. */
static int
vbSnapshotDeleteCheckDependents(vbDomainObj *vm, vbSnapshotObj *obj, GPtrArray *gone,
                                const vbSnapshotDeleteDisk *dd)
{
    g_autoptr(GPtrArray) all = vbSnapshotObjListCollect(vm->snapshots, NULL, 0);
    g_autoptr(GString) names = g_string_new(NULL);
    struct stat stOverlay;
    struct stat stBase;
    size_t i;
    size_t j;

    if (stat(dd->overlay->path, &stOverlay) < 0 || stat(dd->base->path, &stBase) < 0)
        return 0;
    for (i = 0; i < all->len; i++) {
        const vbSnapshotObj *other = g_ptr_array_index(all, i);

        if (other == obj || (gone && g_ptr_array_find(gone, other, NULL)))
            continue;
        for (j = 0; j < other->def->ndisks; j++) {
            const vbSnapshotDiskDef *od = other->def->disks[j];
            g_autoptr(vbStorageSource) probe = NULL;
            vbStorageSource *s;
            bool inChain = false;
            struct stat st;

            if (od->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL || !od->src->path ||
                strcmp(od->name, dd->disk->dst) != 0 || stat(od->src->path, &st) < 0)
                continue;
            /* an image of the chain itself (under any name) is rebased or
             * merged by the commit */
            for (s = dd->disk->src; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore) {
                if (vbStorageSourceIsSameLocation(s, od->src) || vbSnapshotSameFile(s->path, &st))
                    inChain = true;
            }
            if (inChain)
                continue;
            probe = vbStorageSourceNew();
            probe->type = VB_STORAGE_TYPE_FILE;
            probe->format = VB_STORAGE_FORMAT_QCOW2;
            probe->path = g_strdup(od->src->path);
            if (vbStorageChainProbePartial(probe, 1) < 0)
                vbResetLastError();
            if (!vbStorageSourceHasBacking(probe) ||
                (!vbSnapshotSameFile(probe->backingStore->path, &stOverlay) &&
                 !vbSnapshotSameFile(probe->backingStore->path, &stBase)))
                continue;
            g_string_append_printf(names, "%s'%s' (snapshot '%s')", names->len ? ", " : "",
                                   od->src->path, other->def->name);
        }
    }
    if (names->len == 0)
        return 0;
    vbReportError(
        VIR_ERR_OPERATION_INVALID,
        _("cannot delete snapshot '%s': committing '%s' into '%s' of disk '%s' would orphan or corrupt images outside the disk's backing chain that depend on them: %s"),
        obj->def->name, dd->overlay->path, dd->base->path, dd->disk->dst, names->str);
    return -1;
}

/* libvirt's qemuSnapshotDeleteExternalPrepare, against the chains of @def
 * (vm->def: the live ones, a shut-off domain's probed by
 * vbBlockOfflinePrepare), then ours; the snapshots in @gone (NULL: none)
 * count as deleted already. */
static int
vbSnapshotDeletePrepareOn(vbDomainObj *vm, vbDomainDef *domdef, vbSnapshotObj *obj, GPtrArray *gone,
                          vbSnapshotDeleteList *list)
{
    const vbSnapshotDef *def = obj->def;
    size_t i;

    list->dd = g_new0(vbSnapshotDeleteDisk, def->ndisks);
    for (i = 0; i < def->ndisks; i++) {
        vbSnapshotDeleteDisk *dd = &list->dd[list->ndd];
        const vbDomainDiskDef *parentDomDisk;
        vbStorageSource *prev;

        if (def->disks[i]->snapshot == VB_SNAPSHOT_LOCATION_NO)
            continue;
        dd->snapdisk = def->disks[i];
        if (!(dd->disk = vbDomainDiskByName(domdef, dd->snapdisk->name))) {
            vbReportError(VIR_ERR_INVALID_ARG, _("disk '%s' not found in domain"),
                          dd->snapdisk->name);
            return -1;
        }
        if (!(dd->overlay = vbSnapshotChainLookupBySource(dd->disk->src, dd->snapdisk->src, &prev)))
            return -1;
        if (!def->dom || !(parentDomDisk = vbDomainDiskByName(def->dom, dd->snapdisk->name))) {
            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("failed to find disk '%s' in snapshot VM XML"), dd->snapdisk->name);
            return -1;
        }
        if (!vbStorageSourceHasBacking(dd->overlay)) {
            vbReportError(VIR_ERR_OPERATION_FAILED, "%s",
                          _("failed to find parent disk source in backing chain"));
            return -1;
        }
        dd->base = dd->overlay->backingStore;
        if (!vbStorageSourceIsSameLocation(dd->base, parentDomDisk->src)) {
            vbReportError(VIR_ERR_OPERATION_FAILED, "%s",
                          _("snapshot VM disk source and parent disk source are not the same"));
            return -1;
        }
        list->ndd++;
    }
    for (i = 0; i < list->ndd; i++) {
        if (vbSnapshotDeleteCheckDependents(vm, obj, gone, &list->dd[i]) < 0)
            return -1;
    }
    return 0;
}

static int
vbSnapshotDeletePrepare(vbDomainObj *vm, vbSnapshotObj *obj, vbSnapshotDeleteList *list)
{
    return vbSnapshotDeletePrepareOn(vm, vm->def, obj, NULL, list);
}

/* The phases of a deletion's jobs, and what each waits for */
typedef enum {
    VB_SNAPSHOT_DELETE_PHASE_COPY,     /* READY (active commit) or PENDING */
    VB_SNAPSHOT_DELETE_PHASE_COMPLETE, /* PENDING, after job-complete */
    VB_SNAPSHOT_DELETE_PHASE_FINALIZE, /* over */
} vbSnapshotDeletePhase;

static bool
vbSnapshotDeleteJobIsOver(vbDomainObj *vm, const vbBlockJob *job)
{
    return !job || g_hash_table_lookup(vm->blockjobs, job->name) != job;
}

/* Whether @job got where @phase waits for (it may also be over) */
static bool
vbSnapshotDeleteJobReached(const vbBlockJob *job, vbSnapshotDeletePhase phase)
{
    switch (phase) {
    case VB_SNAPSHOT_DELETE_PHASE_COPY:
        /* PIVOTING: its job-complete was sent before a restart */
        return job->state == VB_BLOCK_JOB_STATE_READY ||
               job->state == VB_BLOCK_JOB_STATE_PIVOTING ||
               job->state == VB_BLOCK_JOB_STATE_PENDING;
    case VB_SNAPSHOT_DELETE_PHASE_COMPLETE:
        return job->state == VB_BLOCK_JOB_STATE_PENDING;
    case VB_SNAPSHOT_DELETE_PHASE_FINALIZE:
        break;
    }
    return false;
}

/* With the domain job kept (a recovery at daemon start): the states the
 * monitor thread recorded for the jobs of @list, applied here, as the
 * worker would once it gets the job */
static void
vbSnapshotDeleteApplyUpdates(vbDriver *driver, vbDomainObj *vm, vbSnapshotDeleteList *list)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        vbBlockJob *job = list->dd[i].job;

        if (!vbSnapshotDeleteJobIsOver(vm, job) && job->newstate >= 0)
            vbBlockJobUpdate(driver, vm, job);
    }
}

/* Whether the jobs can still change: QEMU (or the storage daemon) there,
 * the daemon not stopping */
static bool
vbSnapshotDeleteCanWait(vbDriver *driver, vbDomainObj *vm)
{
    return !g_atomic_int_get(&driver->shuttingDown) && !vbDomainObjMonitorFailed(vm) &&
           (vbDomainObjIsActive(vm) || vm->offline) &&
           !(vm->mon && vbMonitorGetLastErrorMessage(vm->mon));
}

/* Waits until every job of @list got where @phase waits for, or is
 * over; before the finalize phase, the first job over (it failed, or was
 * cancelled) ends the wait, so that the others are cancelled at once.
 * A delete asked for by a client ends the domain job meanwhile and takes
 * it again, however long that takes (the block jobs' events are applied
 * by the worker meanwhile, as for a synchronous abort); -1 when it cannot
 * (then none is held).  A recovery (@keepJob) keeps it, so that the
 * domain's callers wait for the whole recovery, and applies the events
 * itself. */
static int
vbSnapshotDeleteWait(vbDriver *driver, vbDomainObj *vm, vbSnapshotDeleteList *list,
                     vbSnapshotDeletePhase phase, bool keepJob)
{
    if (!keepJob)
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    for (;;) {
        bool waiting = false;
        bool oneOver = false;
        size_t i;

        if (keepJob)
            vbSnapshotDeleteApplyUpdates(driver, vm, list);
        for (i = 0; i < list->ndd; i++) {
            vbBlockJob *job = list->dd[i].job;

            if (vbSnapshotDeleteJobIsOver(vm, job))
                oneOver = true;
            else if (!vbSnapshotDeleteJobReached(job, phase))
                waiting = true;
        }
        if (!waiting || (oneOver && phase != VB_SNAPSHOT_DELETE_PHASE_FINALIZE) ||
            !vbSnapshotDeleteCanWait(driver, vm))
            break;
        vbDomainObjWait(vm);
    }
    if (keepJob)
        return 0;
    while (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0) {
        if (vbGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT)
            return -1;
    }
    return 0;
}

/* Each job of @list where @phase waits for (COMPLETED in the finalize
 * phase); else the error, libvirt's where it has one */
static int
vbSnapshotDeleteCheckJobs(vbDriver *driver, vbDomainObj *vm, vbSnapshotDeleteList *list,
                          vbSnapshotDeletePhase phase)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        vbBlockJob *job = list->dd[i].job;

        if (!vbSnapshotDeleteJobIsOver(vm, job) || job->state == VB_BLOCK_JOB_STATE_COMPLETED)
            continue;
        /* a job that ended before the finalize phase can only have failed
         * or been cancelled: none of them pivots without job-finalize */
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      phase != VB_SNAPSHOT_DELETE_PHASE_FINALIZE
                          ? _("block commit failed while deleting disk '%s' snapshot: '%s'")
                          : _("finishing block job failed while deleting disk '%s' snapshot: '%s'"),
                      job->disk,
                      job->errmsg ? job->errmsg : NULLSTR(vbBlockJobStateTypeToString(job->state)));
        return -1;
    }
    for (i = 0; i < list->ndd; i++) {
        vbBlockJob *job = list->dd[i].job;
        const char *why = vbDomainObjMonitorFailed(vm);

        if (vbSnapshotDeleteJobIsOver(vm, job) || vbSnapshotDeleteJobReached(job, phase))
            continue;
        if (!why && vm->mon)
            why = vbMonitorGetLastErrorMessage(vm->mon);
        if (g_atomic_int_get(&driver->shuttingDown))
            vbReportError(VIR_ERR_OPERATION_FAILED, "%s",
                          _("the daemon is shutting down before the block job ended"));
        else if (why)
            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("QEMU monitor failed before block job '%s' ended: %s"), job->name, why);
        else
            vbReportError(VIR_ERR_OPERATION_FAILED, "%s", _("domain is not running"));
        return -1;
    }
    return 0;
}

/* After a failure before the jobs from @from on were finalized: each of
 * them still there is cancelled with force.  In any state before QEMU
 * concludes it, that ends the job without its graph change (mirror's and
 * commit's abort): also from PENDING, where a soft cancel would be
 * ignored, and after READY, where a soft one would complete without pivot
 * and then wait in PENDING for a finalize. */
static void
vbSnapshotDeleteCancelJobs(vbDomainObj *vm, vbSnapshotDeleteList *list, size_t from)
{
    size_t i;

    for (i = from; i < list->ndd; i++) {
        vbBlockJob *job = list->dd[i].job;
        vbDomainDiskDef *disk;

        if (vbSnapshotDeleteJobIsOver(vm, job) || job->state == VB_BLOCK_JOB_STATE_ABORTING ||
            !(disk = vbDomainDiskByName(vm->def, job->disk)))
            continue;
        if (vbBlockJobRequestCancel(vm, disk, job, true) < 0)
            VB_WARN("cannot cancel block job '%s': %s", job->name, vbGetLastErrorMessage());
    }
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
}

/* After a failure: every job of @list cancelled, and waited for, so
 * that the same deletion can be asked again at once; the error kept.
 * Not when the daemon stops: the jobs go on, and the next start finishes
 * the delete (vbsnapshotdeleterecover.h).  -1, or -2 without the job. */
static int
vbSnapshotDeleteFail(vbDriver *driver, vbDomainObj *vm, vbSnapshotDeleteList *list, bool keepJob)
{
    g_autoptr(vbError) saved = vbErrorSave();

    if (g_atomic_int_get(&driver->shuttingDown)) {
        vbErrorRestore(&saved);
        return -1;
    }
    vbSnapshotDeleteCancelJobs(vm, list, 0);
    if (vbSnapshotDeleteWait(driver, vm, list, VB_SNAPSHOT_DELETE_PHASE_FINALIZE, keepJob) < 0)
        return -2;
    vbErrorRestore(&saved);
    return -1;
}

/* Beyond libvirt, which pivots one disk after the other, so that a
 * failure on the second disk leaves the first switched: all disks switch,
 * or none.  The commits run with auto-finalize off, so that QEMU holds a
 * finished job in PENDING and makes its graph change (mirror's and
 * commit's prepare) only at job-finalize.  The jobs of @list, wherever
 * they are, are waited for until READY (an active commit) or PENDING; the
 * READY ones get job-complete and are waited for until PENDING; then, and
 * only then, every job is finalized, and the outcome of each is applied
 * as for any commit.  A failure before that cancels every job: no disk
 * switched.  A delete runs it on the jobs it started, the recovery of an
 * interrupted one on the jobs it finds (@keepJob, see
 * vbSnapshotDeleteWait).
 *
 * QEMU 7.2 finalizes several jobs in one command only when they were
 * started in one transaction, and block-commit is no transaction action;
 * so the job-finalize commands go one after the other with nothing
 * between them.  Each does its graph change before it answers.  The
 * window left: QEMU refusing the graph change of a later disk after an
 * earlier one switched (the prepare of mirror or commit failing, e.g. on
 * a permission conflict or a header write error), or QEMU or the monitor
 * dying between two of those commands; the error then names the disk.
 * While a job waits in PENDING, QEMU keeps the guest's I/O to an actively
 * committed disk drained (queued, not failed) until finalize or cancel.
 *
 * Returns 0, -1 with the job held, or -2 without it. */
static int
vbSnapshotDeleteRunJobs(vbDriver *driver, vbDomainObj *vm, vbSnapshotDeleteList *list, bool keepJob)
{
    g_autoptr(vbError) saved = NULL;
    bool askedComplete = false;
    size_t i;

    if (vbSnapshotDeleteWait(driver, vm, list, VB_SNAPSHOT_DELETE_PHASE_COPY, keepJob) < 0)
        return -2;
    if (vbSnapshotDeleteCheckJobs(driver, vm, list, VB_SNAPSHOT_DELETE_PHASE_COPY) < 0)
        return vbSnapshotDeleteFail(driver, vm, list, keepJob);
    for (i = 0; i < list->ndd; i++) {
        vbBlockJob *job = list->dd[i].job;
        vbDomainDiskDef *disk;

        if (job->state != VB_BLOCK_JOB_STATE_READY)
            continue;
        if (!(disk = vbDomainDiskByName(vm->def, job->disk))) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("disk '%s' of block job '%s' has gone"),
                          job->disk, job->name);
            return vbSnapshotDeleteFail(driver, vm, list, keepJob);
        }
        if (vbBlockJobRequestPivot(vm, disk, job) < 0)
            return vbSnapshotDeleteFail(driver, vm, list, keepJob);
        askedComplete = true;
    }
    /* the jobs' PIVOTING state, for a restart (a status save per disk
     * would cost one durable write each) */
    if (askedComplete && vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    vbSnapshotDeleteTestKill("pivot");
    if (vbSnapshotDeleteWait(driver, vm, list, VB_SNAPSHOT_DELETE_PHASE_COMPLETE, keepJob) < 0)
        return -2;
    if (vbSnapshotDeleteCheckJobs(driver, vm, list, VB_SNAPSHOT_DELETE_PHASE_COMPLETE) < 0)
        return vbSnapshotDeleteFail(driver, vm, list, keepJob);

    /* Every disk's job is PENDING: from here on the disks switch */
    for (i = 0; i < list->ndd; i++) {
        vbBlockJob *job = list->dd[i].job;

        if (i > 0)
            vbSnapshotDeleteTestKill("finalize");
        if (vbBlockJobRequestFinalize(vm, job) < 0) {
            if (i == 0)
                return vbSnapshotDeleteFail(driver, vm, list, keepJob);
            saved = vbErrorSave();
            vbReportError(
                VIR_ERR_OPERATION_FAILED,
                _("disk '%s' did not switch while deleting the snapshot, after the disks before it did: %s"),
                job->disk, saved && saved->message ? saved->message : _("unknown error"));
            g_clear_pointer(&saved, vbErrorFree);
            saved = vbErrorSave();
            /* the disks not finalized stay as they are */
            vbSnapshotDeleteCancelJobs(vm, list, i);
            break;
        }
    }
    /* the jobs concluded in QEMU: the worker applies each outcome */
    if (vbSnapshotDeleteWait(driver, vm, list, VB_SNAPSHOT_DELETE_PHASE_FINALIZE, keepJob) < 0)
        return -2;
    if (saved) {
        vbErrorRestore(&saved);
        return -1;
    }
    if (vbSnapshotDeleteCheckJobs(driver, vm, list, VB_SNAPSHOT_DELETE_PHASE_FINALIZE) < 0)
        return -1;
    return 0;
}

/* Starts the commit of every disk of @list, then vbSnapshotDeleteRunJobs.
 * Returns 0, -1 with the job held, or -2 without it. */
static int
vbSnapshotDeleteCommit(vbDriver *driver, vbDomainObj *vm, vbSnapshotDeleteList *list)
{
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        vbSnapshotDeleteDisk *dd = &list->dd[i];

        dd->basePath = g_strdup(dd->base->path);
        if (vbBlockCommitStartSnapshotDelete(driver, vm, dd->disk, dd->overlay, &dd->job) < 0)
            return vbSnapshotDeleteFail(driver, vm, list, false);
        dd->job->deleting = true;
        VB_INFO("domain '%s': deleting snapshot image '%s' of disk '%s' by commit into '%s'",
                vm->def->name, dd->overlay->path, dd->disk->dst, dd->base->path);
    }
    vbSnapshotDeleteTestKill("commit");
    /* the live chain may change from here on: no pointer into it is kept */
    for (i = 0; i < list->ndd; i++) {
        list->dd[i].disk = NULL;
        list->dd[i].overlay = NULL;
        list->dd[i].base = NULL;
    }
    return vbSnapshotDeleteRunJobs(driver, vm, list, false);
}

int
vbSnapshotDeleteCancelResumed(vbDriver *driver, vbDomainObj *vm, vbBlockJob **jobs, size_t njobs)
{
    g_auto(vbSnapshotDeleteList) list = {0};
    size_t i;

    list.dd = g_new0(vbSnapshotDeleteDisk, njobs);
    list.ndd = njobs;
    for (i = 0; i < njobs; i++)
        list.dd[i].job = vbBlockJobRef(jobs[i]);
    vbSnapshotDeleteCancelJobs(vm, &list, 0);
    vbSnapshotDeleteWait(driver, vm, &list, VB_SNAPSHOT_DELETE_PHASE_FINALIZE, true);
    for (i = 0; i < njobs; i++) {
        if (!vbSnapshotDeleteJobIsOver(vm, jobs[i]))
            return -1;
    }
    return 0;
}

int
vbSnapshotDeleteResumeJobs(vbDriver *driver, vbDomainObj *vm, vbBlockJob **jobs, size_t njobs)
{
    g_auto(vbSnapshotDeleteList) list = {0};
    size_t i;

    list.dd = g_new0(vbSnapshotDeleteDisk, njobs);
    list.ndd = njobs;
    for (i = 0; i < njobs; i++) {
        list.dd[i].job = vbBlockJobRef(jobs[i]);
        list.dd[i].job->deleting = true;
    }
    return vbSnapshotDeleteRunJobs(driver, vm, &list, true);
}

void
vbSnapshotMarkDeleteFailed(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj, GPtrArray *bases)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
    char **old = obj->def->deleteFailedBases;
    size_t i;

    for (i = 0; old && old[i]; i++)
        g_ptr_array_add(all, g_strdup(old[i]));
    for (i = 0; i < bases->len; i++) {
        const char *base = g_ptr_array_index(bases, i);

        if (!g_ptr_array_find_with_equal_func(all, base, g_str_equal, NULL))
            g_ptr_array_add(all, g_strdup(base));
    }
    if (all->len == 0)
        return;
    g_ptr_array_add(all, NULL);
    g_strfreev(obj->def->deleteFailedBases);
    obj->def->deleteFailedBases = (char **) g_ptr_array_free(g_steal_pointer(&all), FALSE);
    VB_WARN("domain '%s': snapshot '%s' stays after its delete had started committing; "
            "its base images hold newer data, a revert to it is refused",
            vm->def->name, obj->def->name);
    if (vbSnapshotSaveOne(driver, vm, obj) < 0) {
        VB_ERROR("domain '%s': cannot record in snapshot '%s' that its delete failed: %s",
                 vm->def->name, obj->def->name, vbGetLastErrorMessage());
        vbResetLastError();
    }
}

/* The intent of the delete, before its first job starts */
static int
vbSnapshotDeleteWriteIntent(vbDriver *driver, vbDomainObj *vm, const char *name,
                            const vbSnapshotDeleteList *list, bool offline)
{
    g_autoptr(vbSnapshotDeleteIntent) intent = vbSnapshotDeleteIntentNew(name, !offline);
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        if (vbSnapshotDeleteIntentAddDisk(intent, list->dd[i].disk->dst, list->dd[i].overlay,
                                          list->dd[i].base) < 0)
            return -1;
    }
    return vbSnapshotDeleteIntentWrite(driver, vm, intent);
}

/* The delete of @name failed after some of its commits started: their
 * bases have some of the overlays' data */
static void
vbSnapshotDeleteMarkStarted(vbDriver *driver, vbDomainObj *vm, const char *name,
                            const vbSnapshotDeleteList *list)
{
    g_autoptr(GPtrArray) bases = g_ptr_array_new();
    vbSnapshotObj *obj = vbSnapshotObjListFind(vm->snapshots, name);
    size_t i;

    for (i = 0; i < list->ndd; i++) {
        if (list->dd[i].job)
            g_ptr_array_add(bases, list->dd[i].basePath);
    }
    if (obj)
        vbSnapshotMarkDeleteFailed(driver, vm, obj, bases);
}

/* Holds a MODIFY job; returns 0, -1, or -2 when it lost the job */
static int
vbSnapshotDeleteExternal(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj)
{
    g_auto(vbSnapshotDeleteList) list = {0};
    g_autofree char *name = g_strdup(obj->def->name);
    bool offline = !vbDomainObjIsActive(vm);
    int rc;

    /* A shut-off domain: its chains probed now, the commit run in a
     * storage daemon (vbblockoffline.h) where libvirt starts QEMU. */
    if (offline) {
        vbBlockOfflineStopIfIdle(driver, vm);
        if (vbBlockOfflinePrepare(driver, vm) < 0)
            return -1;
    }
    if (vbSnapshotDeletePrepare(vm, obj, &list) < 0 ||
        vbSnapshotDeleteWriteIntent(driver, vm, name, &list, offline) < 0) {
        if (offline)
            vbBlockOfflineAbort(driver, vm);
        return -1;
    }
    if ((rc = vbSnapshotDeleteCommit(driver, vm, &list)) < 0) {
        /* -2, or a daemon stopping (whose jobs go on): the next start
         * resolves the intent (vbsnapshotdeleterecover.h) */
        if (rc == -1 && !g_atomic_int_get(&driver->shuttingDown)) {
            g_autoptr(vbError) saved = vbErrorSave();
            g_autoptr(GPtrArray) switched = g_ptr_array_new();
            size_t i;

            vbSnapshotDeleteMarkStarted(driver, vm, name, &list);
            /* a later disk's job-finalize failed after earlier disks
             * switched: their overlays are gone, the metadata says so */
            for (i = 0; i < list.ndd; i++) {
                if (list.dd[i].job && list.dd[i].job->state == VB_BLOCK_JOB_STATE_COMPLETED)
                    g_ptr_array_add(switched, list.dd[i].job->disk);
            }
            if (switched->len == 0 || !(obj = vbSnapshotObjListFind(vm->snapshots, name)) ||
                vbSnapshotDeleteApplySwitched(driver, vm, obj, switched) == 0)
                vbSnapshotDeleteIntentRemove(vm);
            else
                vbResetLastError();
            vbErrorRestore(&saved);
        }
        if (rc == -1 && offline)
            vbBlockOfflineAbort(driver, vm);
        return rc;
    }
    if (offline)
        vbBlockOfflineStopIfIdle(driver, vm);
    /* The metadata: of the snapshot as it is now (a METADATA_ONLY delete
     * may have removed it while the commit ran) */
    if ((obj = vbSnapshotObjListFind(vm->snapshots, name)))
        rc = vbSnapshotDiscardMetadata(driver, vm, obj);
    /* a metadata file not written is written again at the next start */
    if (rc == 0)
        vbSnapshotDeleteIntentRemove(vm);
    return rc;
}

/* --- Deleting a subtree that is one line (beyond libvirt 9.0) --- */

/* The <domain> @obj's delete will find once the delete of @prev (its
 * parent, deleted first, whose <domain> is then @prevDom) rewrote it as
 * vbSnapshotDiscardMetadata does: a copy, or NULL when @obj has none. */
static int
vbSnapshotDeleteLineStepDom(vbSnapshotObj *obj, const vbSnapshotObj *prev,
                            const vbDomainDef *prevDom, vbDomainDef **dom)
{
    g_autoptr(vbDomainDef) copy = NULL;
    size_t i;

    *dom = NULL;
    if (!obj->def->dom)
        return 0;
    if (!(copy = vbDomainDefCopy(obj->def->dom, 0)))
        return -1;
    for (i = 0; prev && i < prev->def->ndisks; i++) {
        if (prev->def->disks[i]->snapshot != VB_SNAPSHOT_LOCATION_NO)
            vbSnapshotDeleteUpdateDisk(obj, copy, prevDom, prev->def->disks[i]);
    }
    *dom = g_steal_pointer(&copy);
    return 0;
}

/* The dry run of the deletes of @line, in their order, on a copy of the
 * chains and of each step's <domain>: each step's checks
 * (vbSnapshotDeletePrepareOn) against the chains and the metadata as the
 * steps before it leave them, so that a delete that would stop midway on
 * them is refused before anything changes. */
static int
vbSnapshotDeleteLineCheckOn(vbDomainObj *vm, GPtrArray *line)
{
    g_autoptr(vbDomainDef) def = vbDomainDefCopy(vm->def, 0);
    g_autoptr(GPtrArray) gone = g_ptr_array_new();
    g_autoptr(vbDomainDef) prevDom = NULL;
    vbSnapshotObj *prev = NULL;
    size_t i;
    size_t j;

    if (!def)
        return -1;
    for (i = 0; i < line->len; i++) {
        vbSnapshotObj *obj = g_ptr_array_index(line, i);
        g_autoptr(vbDomainDef) stepDom = NULL;
        g_auto(vbSnapshotDeleteList) list = {0};
        vbSnapshotDef stepDef;
        vbSnapshotObj step;

        if (vbSnapshotDeleteLineStepDom(obj, prev, prevDom, &stepDom) < 0)
            return -1;
        /* @obj as its delete will find it: the same but for its <domain>;
         * @obj itself counts as gone, being the one deleted */
        stepDef = *obj->def;
        stepDef.dom = stepDom;
        step = *obj;
        step.def = &stepDef;
        g_ptr_array_add(gone, obj);
        if (vbSnapshotDeletePrepareOn(vm, def, &step, gone, &list) < 0)
            return -1;
        for (j = 0; j < list.ndd; j++) {
            if (vbBlockCommitCheckSnapshotDelete(list.dd[j].disk, list.dd[j].overlay) < 0)
                return -1;
        }
        /* the commit: the overlay leaves the chain, the image below stays */
        for (j = 0; j < list.ndd; j++) {
            vbSnapshotDeleteDisk *dd = &list.dd[j];
            vbStorageSource **link = &dd->disk->src;

            while (*link && *link != dd->overlay)
                link = &(*link)->backingStore;
            if (!*link)
                continue;
            *link = g_steal_pointer(&dd->overlay->backingStore);
            vbStorageSourceFree(dd->overlay);
        }
        prev = obj;
        g_clear_pointer(&prevDom, vbDomainDefFree);
        prevDom = g_steal_pointer(&stepDom);
    }
    return 0;
}

static int
vbSnapshotDeleteLineCheck(vbDriver *driver, vbDomainObj *vm, GPtrArray *line)
{
    int ret;

    if (line->len == 0)
        return 0;
    if (vbDomainObjIsActive(vm))
        return vbSnapshotDeleteLineCheckOn(vm, line);
    /* a shut-off domain's chains probed, as vbSnapshotDeleteExternal does */
    vbBlockOfflineStopIfIdle(driver, vm);
    if (vbBlockOfflinePrepare(driver, vm) < 0)
        return -1;
    ret = vbSnapshotDeleteLineCheckOn(vm, line);
    vbBlockOfflineAbort(driver, vm);
    return ret;
}

/* "'a', 'b'", or "-" for none */
static char *
vbSnapshotFormatNames(GPtrArray *names)
{
    g_autoptr(GString) str = g_string_new(NULL);
    size_t i;

    for (i = 0; i < names->len; i++)
        g_string_append_printf(str, "%s'%s'", i ? ", " : "",
                               (const char *) g_ptr_array_index(names, i));
    if (str->len == 0)
        g_string_append(str, "-");
    return g_string_free(g_steal_pointer(&str), FALSE);
}

/* A step of vbSnapshotDeleteLine failed: its error, with the code and
 * domain it has, tells which snapshot it was and where the line stands:
 * the snapshots deleted before it stay deleted, the rest stay, each with
 * metadata that matches the chains (each step is a delete of its own). */
static void
vbSnapshotDeleteLineReportStep(vbDomainObj *vm, GPtrArray *names, const char *top,
                               const char *failed)
{
    g_autoptr(vbError) saved = vbErrorSave();
    g_autoptr(GPtrArray) deleted = g_ptr_array_new();
    g_autoptr(GPtrArray) kept = g_ptr_array_new();
    g_autofree char *deletedStr = NULL;
    g_autofree char *keptStr = NULL;
    size_t i;

    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);

        g_ptr_array_add(vbSnapshotObjListFind(vm->snapshots, name) ? kept : deleted,
                        (gpointer) name);
    }
    deletedStr = vbSnapshotFormatNames(deleted);
    keptStr = vbSnapshotFormatNames(kept);
    vbReportRawErrorFull(
        saved ? saved->domain : VB_FROM_THIS_FILE, saved ? saved->code : VIR_ERR_INTERNAL_ERROR,
        __FILE__, __func__, __LINE__,
        _("%s (while deleting snapshot '%s' of the subtree of '%s'; deleted: %s; kept: %s)"),
        saved ? saved->message : vbGetLastErrorMessage(), failed, top, deletedStr, keptStr);
}

/* CHILDREN (@withTop) or CHILDREN_ONLY of @obj, validated: one single
 * delete per snapshot, from the top of the subtree down, each with that
 * delete's events and metadata update.  Every step but the last is the
 * delete of a snapshot with a child: a commit of its overlay into the
 * image below, the child's overlay rebased onto that image; the last one,
 * of the leaf, is the only active commit.  So each layer's data is copied
 * once, and the guest's I/O is drained at one pivot; deleting from the
 * leaf up instead copies the newest layer once per step, each step an
 * active commit with its pivot.  Everything is checked before the first
 * step; a step that fails all the same stops the line where it is.
 * Holds a MODIFY job; returns 0, -1, or -2 when it lost the job. */
static int
vbSnapshotDeleteLine(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj, bool withTop)
{
    g_autoptr(GPtrArray) line = g_ptr_array_new();
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *top = g_strdup(obj->def->name);
    size_t i;

    if (vbSnapshotLineCollect(obj, line) < 0)
        return -1;
    /* CHILDREN_ONLY: the first step is the root's child */
    if (!withTop)
        g_ptr_array_remove_index(line, 0);
    if (vbSnapshotDeleteLineCheck(driver, vm, line) < 0)
        return -1;
    /* by name: the job is let go while each commit runs, and another
     * client's METADATA_ONLY delete may remove a snapshot of the line */
    for (i = 0; i < line->len; i++)
        g_ptr_array_add(names, g_strdup(((vbSnapshotObj *) g_ptr_array_index(line, i))->def->name));

    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        vbSnapshotObj *cur = vbSnapshotObjListFind(vm->snapshots, name);
        int rc;

        if (!cur)
            continue;
        if ((rc = vbSnapshotDeleteExternal(driver, vm, cur)) < 0) {
            vbSnapshotDeleteLineReportStep(vm, names, top, name);
            return rc;
        }
        VB_INFO("domain '%s': snapshot '%s' deleted", vm->def->name, name);
    }
    return 0;
}

int
vbDomainSnapshotDelete(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                       unsigned int flags)
{
    bool metadataOnly = flags & VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY;
    bool children =
        flags & (VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN | VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY);
    vbSnapshotObj *obj;
    vbDomainObj *vm;
    int ret = -1;

    vbCheckFlagsFunc(flags, VB_SNAPSHOT_DELETE_KNOWN_FLAGS, "qemuSnapshotDelete", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (!(obj = vbSnapshotFind(vm, name)))
        goto endjob;

    if (!metadataOnly && vbSnapshotDeleteValidate(vm, obj, flags) < 0)
        goto endjob;
    if (!metadataOnly && vbSnapshotDeleteIntentUnresolved(vm)) {
        vbReportError(
            VIR_ERR_OPERATION_INVALID,
            _("cannot delete snapshot '%s': an earlier snapshot delete of this domain was interrupted and is not resolved (see the daemon's log)"),
            name);
        goto endjob;
    }

    if (children && !metadataOnly) {
        ret = vbSnapshotDeleteLine(driver, vm, obj,
                                   !(flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY));
        if (ret == -2) {
            ret = -1;
            goto cleanup;
        }
    } else if (children) {
        ret = vbSnapshotDiscardDescendants(driver, vm, obj);
        if (!(flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY) &&
            vbSnapshotDiscardMetadata(driver, vm, obj) < 0)
            ret = -1;
    } else if (metadataOnly) {
        ret = vbSnapshotDiscardMetadata(driver, vm, obj);
    } else if ((ret = vbSnapshotDeleteExternal(driver, vm, obj)) == -2) {
        ret = -1;
        goto cleanup;
    }
    /* a line's steps were logged one by one */
    if (ret == 0 && !(children && !metadataOnly))
        VB_INFO("domain '%s': snapshot '%s' deleted%s", vm->def->name, name,
                metadataOnly ? " (metadata only)" : "");

endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
