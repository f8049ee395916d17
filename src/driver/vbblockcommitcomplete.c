/*
 * vbblockcommitcomplete.c: what a finished commit means for the disk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs in the event worker with a MODIFY job held.  Every step may find
 * itself done already (the daemon may have been killed half way and redo
 * the job after restart): node removal tolerates missing nodes, deletion
 * tolerates missing files, and the definitions are rewritten only while
 * they still show the old chain.
 */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbblockbitmap.h"
#include "vbblockcommitcomplete.h"
#include "vbdriverconf.h"
#include "vberror.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitorblock.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

typedef struct {
    vbDomainDiskDef *disk;
    vbStorageSource *topParent; /* NULL: active commit */
    vbStorageSource *top;
    vbStorageSource *base;
    vbStorageSource *baseParent;
} vbBlockCommitNodes;

/* Finds the job's images in the live chain by node name. */
static int
vbBlockCommitFindNodes(vbDomainObj *vm, vbBlockJob *job, vbBlockCommitNodes *n)
{
    memset(n, 0, sizeof(*n));
    if (!(n->disk = vbDomainDiskByName(vm->def, job->disk)))
        return -1;
    if (!(n->top = vbStorageChainFindByNodeName(n->disk->src, job->data.commit.top)))
        return -1;
    n->topParent = vbStorageChainGetParent(n->disk->src, n->top);
    if (!(n->base = vbStorageChainFindByNodeName(n->top, job->data.commit.base)))
        return -1;
    n->baseParent = vbStorageChainGetParent(n->top, n->base);
    if (n->base == n->top || !n->baseParent)
        return -1;
    if (job->data.commit.topParent &&
        (!n->topParent || g_strcmp0(n->topParent->nodeFormat, job->data.commit.topParent) != 0))
        return -1;
    return 0;
}

bool
vbBlockCommitJobIsValid(vbDomainObj *vm, vbBlockJob *job)
{
    vbBlockCommitNodes n;

    return vbBlockCommitFindNodes(vm, job, &n) == 0;
}

static char *
vbBlockFileKey(const struct stat *sb)
{
    return g_strdup_printf("%llu:%llu", (unsigned long long) sb->st_dev,
                           (unsigned long long) sb->st_ino);
}

/* Copies (under the domain's lock) the chains of every disk and mirror of
 * @def into @chains. */
static void
vbBlockCopyDefChains(const vbDomainDef *def, GPtrArray *chains)
{
    size_t i;

    for (i = 0; def && i < def->ndisks; i++) {
        if (vbStorageChainIsImage(def->disks[i]->src))
            g_ptr_array_add(chains, vbStorageSourceCopy(def->disks[i]->src, true));
        if (vbStorageChainIsImage(def->disks[i]->mirror))
            g_ptr_array_add(chains, vbStorageSourceCopy(def->disks[i]->mirror, true));
    }
}

/* Adds the file of every image @chain reaches to @used, completing the
 * chain from the image headers below what is recorded, as a start does
 * (bounded and loop-safe).  Returns false when that is not known: the
 * chain cannot be probed to its end (an image missing, say on a share
 * not mounted yet, or a header that names its backing file without its
 * format) or an image of it cannot be looked at.  Such a chain may still
 * reach any file once the cause is gone, so the caller deletes nothing. */
static bool
vbBlockAddChainFiles(GHashTable *used, vbStorageSource *chain)
{
    const vbStorageSource *s;
    const vbStorageSource *last = NULL;
    bool complete = true;

    if (chain->path && g_path_is_absolute(chain->path) &&
        vbStorageChainProbePartial(chain, VB_STORAGE_CHAIN_MAX_DEPTH) < 0) {
        for (s = chain; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore)
            last = s;
        /* where it stops a raw image (a top without format is read as
         * raw), nothing can be beyond: a CD-ROM image gone from its
         * path keeps no file from being deleted */
        if (last && (last->format == VB_STORAGE_FORMAT_RAW ||
                     (last == chain && last->format == VB_STORAGE_FORMAT_NONE))) {
            VB_DEBUG("in-use check: '%s' cannot be read, but is raw: %s", last->path,
                     vbGetLastErrorMessage());
        } else {
            VB_WARN("the backing chain of '%s' cannot be read to its end: %s", chain->path,
                    vbGetLastErrorMessage());
            complete = false;
        }
        vbResetLastError();
    }
    for (s = chain; s; s = s->backingStore) {
        struct stat sb;

        if (s->type == VB_STORAGE_TYPE_NONE || !s->path)
            continue;
        if (stat(s->path, &sb) == 0) {
            g_hash_table_add(used, vbBlockFileKey(&sb));
        } else if (errno != ENOENT) {
            VB_WARN("cannot check whether '%s' is in use: %s", s->path, g_strerror(errno));
            complete = false;
        }
    }
    return complete;
}

/* The files (device and inode, so that a symlink, a hard link, a ".." or a
 * bind-mounted path name the same file) of every image any disk of any
 * domain may use: the live chains of running domains, transient ones
 * included, and every persistent definition, its chains probed from the
 * images as a start probes them.  This domain's own definitions no longer
 * hold the images being removed.  Called with @self unlocked (its job
 * held), so that two domains finishing jobs never wait for each other's
 * lock; headers are read with no domain locked. */
static GHashTable *
vbBlockCollectUsedFiles(vbDriver *driver, bool *complete)
{
    g_autoptr(GPtrArray) all = vbDomainObjListCollect(driver->domains);
    g_autoptr(GPtrArray) chains =
        g_ptr_array_new_with_free_func((GDestroyNotify) vbStorageSourceFree);
    GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i;

    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        vbBlockCopyDefChains(vm->def, chains);
        vbBlockCopyDefChains(vm->newDef, chains);
        vbDomainObjUnlock(vm);
    }
    *complete = true;
    for (i = 0; i < chains->len; i++) {
        if (!vbBlockAddChainFiles(used, g_ptr_array_index(chains, i)))
            *complete = false;
    }
    return used;
}

/* blockdev-del of the nodes of @chain (already detached from the disk),
 * then DELETE's unlink of their files. */
static void
vbBlockCommitRemoveChain(vbDriver *driver, vbDomainObj *vm, vbStorageSource *chain,
                         bool deleteImages)
{
    g_autoptr(GHashTable) used = NULL;
    bool complete;
    vbStorageSource *s;

    /* out of the chain: their owners come back now, not at the stop */
    if (vm->dacLabel)
        vbSecurityDACRestoreSource(vm->dacLabel, chain, true);
    for (s = chain; s; s = s->backingStore) {
        vbMonitor *mon;

        if (s->type == VB_STORAGE_TYPE_NONE)
            continue;
        mon = vbDomainObjEnterMonitor(vm);
        if (s->nodeFormat && vbMonitorBlockdevDel(mon, s->nodeFormat) < 0)
            VB_DEBUG("blockdev-del '%s': %s", s->nodeFormat, vbGetLastErrorMessage());
        if (s->nodeStorage && vbMonitorBlockdevDel(mon, s->nodeStorage) < 0)
            VB_DEBUG("blockdev-del '%s': %s", s->nodeStorage, vbGetLastErrorMessage());
        if (vbDomainObjExitMonitor(vm, mon) < 0)
            return;
    }

    if (!deleteImages)
        return;
    /* @chain is detached from the disk already, so the domain's own
     * definitions show only the images that stay. */
    vbDomainObjUnlock(vm);
    used = vbBlockCollectUsedFiles(driver, &complete);
    for (s = chain; s; s = s->backingStore) {
        g_autofree char *key = NULL;
        struct stat sb;

        /* Block devices and anything not a plain file stay. */
        if (s->type != VB_STORAGE_TYPE_FILE || !s->path)
            continue;
        if (stat(s->path, &sb) < 0) {
            if (errno != ENOENT)
                VB_WARN("not deleting '%s': %s", s->path, g_strerror(errno));
            continue;
        }
        if (!complete) {
            VB_WARN(
                "not deleting '%s': the backing chain of a disk cannot be read to its end, so it may still need this image",
                s->path);
            continue;
        }
        key = vbBlockFileKey(&sb);
        if (g_hash_table_contains(used, key)) {
            VB_WARN("not deleting '%s': another disk still uses it", s->path);
            continue;
        }
        if (unlink(s->path) < 0 && errno != ENOENT)
            VB_WARN("Unable to remove snapshot image file '%s': %s", s->path, g_strerror(errno));
        else
            VB_INFO("deleted committed image '%s'", s->path);
    }
    vbDomainObjLock(vm);
}

/* The persistent disk matching @disk, if its chain shows the same images
 * from the top down to @base (then @baseOut is its copy of base and
 * @topParentOut its copy of topParent). */
static vbDomainDiskDef *
vbBlockCommitConfigDisk(vbDomainObj *vm, vbDomainDiskDef *disk, vbStorageSource *topParent,
                        vbStorageSource *base, vbStorageSource **topParentOut,
                        vbStorageSource **baseOut)
{
    vbDomainDef *persistent = vbDomainObjGetPersistentDef(vm);
    vbDomainDiskDef *cdisk;
    vbStorageSource *l;
    vbStorageSource *c;

    *topParentOut = NULL;
    *baseOut = NULL;
    if (!persistent || !(cdisk = vbDomainDiskByName(persistent, disk->dst)))
        return NULL;

    for (l = disk->src, c = cdisk->src; l && c; l = l->backingStore, c = c->backingStore) {
        if (!vbStorageSourceIsSameLocation(l, c))
            return cdisk;
        if (l == topParent)
            *topParentOut = c;
        if (l == base) {
            *baseOut = c;
            return cdisk;
        }
    }
    return cdisk;
}

/* Non-active commit: topParent now backs onto base; top .. baseParent
 * leave the chain.  QEMU already wrote the new backing name into
 * topParent's header. */
static void
vbBlockCommitCompletedIntermediate(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job,
                                   vbBlockCommitNodes *n)
{
    vbStorageSource *ctopParent;
    vbStorageSource *cbase;
    vbDomainDiskDef *cdisk;
    vbStorageSource *removed;

    if (vbBlockBitmapsCommitFinish(vm, n->disk, n->top, n->base, false) < 0)
        VB_WARN("bitmaps of '%s' not merged into '%s': %s", n->top->path, n->base->path,
                vbGetLastErrorMessage());

    cdisk = vbBlockCommitConfigDisk(vm, n->disk, n->topParent, n->base, &ctopParent, &cbase);

    /* Cut top .. baseParent out of the live chain, keeping base's backing. */
    removed = n->topParent->backingStore;
    n->topParent->backingStore = n->base;
    n->baseParent->backingStore = NULL;
    /* relPath says how an image's overlay names it: QEMU wrote
     * backingFile into topParent's header, naming base. */
    g_free(n->base->relPath);
    n->base->relPath = g_strdup(job->data.commit.backingFile);

    /* The same cut in the persistent definition, when it records the chain.
     * Before any file is deleted: the deletion checks that no definition
     * still reaches the file, this domain's included. */
    if (cdisk && ctopParent && cbase) {
        vbStorageSource *cremoved = ctopParent->backingStore;
        vbStorageSource *s;

        for (s = cremoved; s && s->backingStore != cbase; s = s->backingStore)
            ;
        if (s) {
            s->backingStore = NULL;
            ctopParent->backingStore = cbase;
            vbStorageSourceFree(cremoved);
        }
    } else if (cdisk && cdisk->src && cdisk->src->backingStore &&
               vbStorageSourceIsSameLocation(cdisk->src, n->disk->src)) {
        /* It records some other chain: forget it, the next start probes. */
        g_clear_pointer(&cdisk->src->backingStore, vbStorageSourceFree);
    }
    vbBlockCommitRemoveChain(driver, vm, removed, job->data.commit.deleteImages);
    vbStorageSourceFree(removed);
}

/* Active commit pivoted: base is the disk's image now. */
static void
vbBlockCommitCompletedActive(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job,
                             vbBlockCommitNodes *n)
{
    vbStorageSource *ctopParent;
    vbStorageSource *cbase;
    vbDomainDiskDef *cdisk;
    vbStorageSource *oldTop = n->disk->src;

    /* While the old chain still links top down to base. */
    if (vbBlockBitmapsCommitFinish(vm, n->disk, oldTop, n->base, true) < 0)
        VB_WARN("bitmaps of '%s' not merged into '%s': %s", oldTop->path, n->base->path,
                vbGetLastErrorMessage());

    cdisk = vbBlockCommitConfigDisk(vm, n->disk, NULL, n->base, &ctopParent, &cbase);

    n->baseParent->backingStore = NULL;
    n->base->readonly = oldTop->readonly;
    n->disk->src = n->base;
    g_clear_pointer(&n->disk->mirror, vbStorageSourceFree);
    n->disk->mirrorJob = VB_DOMAIN_DISK_MIRROR_JOB_NONE;

    if (cdisk && cbase) {
        vbStorageSource *cold = cdisk->src;
        vbStorageSource *s;

        for (s = cold; s && s->backingStore != cbase; s = s->backingStore)
            ;
        if (s) {
            s->backingStore = NULL;
            cbase->readonly = cold->readonly;
            cdisk->src = cbase;
            vbStorageSourceFree(cold);
        }
    } else if (cdisk && vbStorageSourceIsSameLocation(cdisk->src, oldTop)) {
        /* The definition does not record the chain down to base: it now
         * names base, as libvirt's qemuBlockJobRewriteConfigDiskSource, with
         * an empty <backingStore/> when base has no backing, and otherwise
         * no chain, probed again at the next start. */
        vbStorageSource *copy = vbStorageSourceCopyForConfig(n->base);

        copy->readonly = cdisk->src->readonly;
        vbStorageSourceFree(cdisk->src);
        cdisk->src = copy;
    }

    vbBlockCommitRemoveChain(driver, vm, oldTop, job->data.commit.deleteImages);
    vbStorageSourceFree(oldTop);
}

/* Finds the images of a completed job; a warning when they are not there. */
static int
vbBlockCommitFindCompletedNodes(vbDomainObj *vm, vbBlockJob *job, vbBlockCommitNodes *n)
{
    if (vbBlockCommitFindNodes(vm, job, n) < 0) {
        /* Already applied before a restart, or the chain changed under us. */
        VB_WARN("chain of disk '%s' does not hold the images of job '%s' any more", job->disk,
                job->name);
        return -1;
    }
    return 0;
}

void
vbBlockCommitProcessCompletedIntermediate(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job)
{
    vbBlockCommitNodes n;

    if (vbBlockCommitFindCompletedNodes(vm, job, &n) < 0)
        return;
    vbBlockCommitCompletedIntermediate(driver, vm, job, &n);
}

void
vbBlockCommitProcessCompletedActive(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job)
{
    vbBlockCommitNodes n;

    if (vbBlockCommitFindCompletedNodes(vm, job, &n) < 0)
        return;
    vbBlockCommitCompletedActive(driver, vm, job, &n);
}

void
vbBlockCommitProcessFailedActive(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job)
{
    vbDomainDiskDef *disk = vbDomainDiskByName(vm->def, job->disk);

    if (!disk)
        return;

    /* The chain stays as it was; the temporary bitmap of a failed pivot goes. */
    if (vm->mon && job->data.commit.base) {
        vbMonitor *mon = vbDomainObjEnterMonitor(vm);

        if (vbMonitorBitmapRemove(mon, job->data.commit.base, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) < 0)
            VB_DEBUG("removing bitmap '%s': %s", VB_BLOCK_TMP_ACTIVEWRITE_BITMAP,
                     vbGetLastErrorMessage());
        vbDomainObjExitMonitor(vm, mon);
    }
    g_clear_pointer(&disk->mirror, vbStorageSourceFree);
    disk->mirrorJob = VB_DOMAIN_DISK_MIRROR_JOB_NONE;
}
