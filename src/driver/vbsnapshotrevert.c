/*
 * vbsnapshotrevert.c: revert to an external (disk-only) snapshot
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The checks follow libvirt's qemuSnapshotRevert and
 * qemuSnapshotRevertValidate in order and wording; the work follows the
 * newer qemuSnapshotRevertExternalPrepare / ...Inactive / ...Finish.  The
 * order of the work makes a crash simple: the intent first, then the new
 * files (nothing refers to them), for a memory snapshot its state loaded
 * into a QEMU started on them and left paused (as libvirt's
 * qemuSnapshotRevertActive, a state that cannot be loaded undoes the
 * revert; the intent then records the load), then the definition naming
 * them (the commit point: one atomic rename), then the snapshot metadata,
 * then the intent removed, and only then does the guest run.  Recovery
 * rolls forward a revert past its commit point, or one whose QEMU, found
 * alive, has loaded the state on the new overlays (the guest, still
 * paused, has not written to them); any other is rolled back.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbblockjob.h"
#include "vbblockoffline.h"
#include "vbdomainabi.h"
#include "vbdomainevent.h"
#include "vbdomainobj.h"
#include "vbdomainprocess.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbsnapshot.h"
#include "vbsnapshotconf.h"
#include "vbsnapshotdeleterecover.h"
#include "vbsnapshotmemory.h"
#include "vbsnapshotrevert.h"
#include "vbsnapshotrevertbitmap.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_SNAPSHOT_REVERT_KNOWN_FLAGS \
    (VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED | \
     VIR_DOMAIN_SNAPSHOT_REVERT_FORCE | VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM)

/* The intent, beside the snapshot files; no snapshot file can have this
 * name (a snapshot name never starts with '.'). */
#define VB_SNAPSHOT_REVERT_INTENT ".revert"
#define VB_SNAPSHOT_REVERT_GROUP "revert"

/* A test hook: the daemon kills itself at the named step of a revert
 * ("intent", "overlays", "load", "restore", "config", "metadata"), as a
 * crash there would. */
#define VB_SNAPSHOT_REVERT_KILL_ENV "VIRTBLOCKD_TEST_REVERT_KILL_AT"

static void
vbSnapshotRevertTestKill(const char *step)
{
    const char *at = g_getenv(VB_SNAPSHOT_REVERT_KILL_ENV);

    if (at && g_str_equal(at, step))
        kill(getpid(), SIGKILL);
}

static void
vbSnapshotRevertEmit(vbDriver *driver, vbDomainObj *vm, int event, int detail)
{
    vbDomainEventQueuePush(driver->events, vbDomainEventLifecycleNew(vm->def->name, vm->def->uuid,
                                                                     vm->id, event, detail));
}

/* --- The intent --- */

static char *
vbSnapshotRevertIntentPath(vbDomainObj *vm)
{
    g_autofree char *dir = vbDomainObjSnapshotDir(vm);

    return g_build_filename(dir, VB_SNAPSHOT_REVERT_INTENT, NULL);
}

/* How far a revert went, as its intent records it */
typedef enum {
    VB_SNAPSHOT_REVERT_STEP_PLANNED, /* the overlays may not exist yet */
    VB_SNAPSHOT_REVERT_STEP_CREATED, /* they exist, their identities known */
    VB_SNAPSHOT_REVERT_STEP_LOADED,  /* a memory state loaded by a QEMU on them */
} vbSnapshotRevertStep;

/* The snapshot and, per disk target, the overlay the definition will name;
 * once the overlays exist, each one's device and inode: only files with
 * those are ever removed by a roll-back (a name taken by someone else
 * meanwhile is not ours).  @proof: the targets the persistent definition
 * names once the revert is committed (a disk attached live only is in
 * the snapshot's live definition, not in its persistent one). */
static int
vbSnapshotRevertWriteIntent(vbDriver *driver, vbDomainObj *vm, const char *snapname,
                            const vbSnapshotDef *tmpdef, GPtrArray *proof,
                            vbSnapshotRevertStep step)
{
    bool created = step >= VB_SNAPSHOT_REVERT_STEP_CREATED;
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GPtrArray) targets = g_ptr_array_new();
    g_autoptr(GPtrArray) overlays = g_ptr_array_new();
    g_autofree char *dir = vbDomainObjSnapshotDir(vm);
    g_autofree char *path = vbSnapshotRevertIntentPath(vm);
    g_autofree char *data = NULL;
    gsize len;
    size_t i;

    for (i = 0; i < tmpdef->ndisks; i++) {
        if (tmpdef->disks[i]->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        g_ptr_array_add(targets, tmpdef->disks[i]->name);
        g_ptr_array_add(overlays, tmpdef->disks[i]->src->path);
        if (created) {
            struct stat st;

            if (lstat(tmpdef->disks[i]->src->path, &st) < 0) {
                vbReportSystemError(errno, _("cannot stat '%s'"), tmpdef->disks[i]->src->path);
                return -1;
            }
            g_ptr_array_add(ids, g_strdup_printf("%llu:%llu", (unsigned long long) st.st_dev,
                                                 (unsigned long long) st.st_ino));
        }
    }
    g_key_file_set_string(kf, VB_SNAPSHOT_REVERT_GROUP, "snapshot", snapname);
    g_key_file_set_string_list(kf, VB_SNAPSHOT_REVERT_GROUP, "targets",
                               (const char *const *) targets->pdata, targets->len);
    g_key_file_set_string_list(kf, VB_SNAPSHOT_REVERT_GROUP, "overlays",
                               (const char *const *) overlays->pdata, overlays->len);
    g_key_file_set_string_list(kf, VB_SNAPSHOT_REVERT_GROUP, "proof",
                               (const char *const *) proof->pdata, proof->len);
    if (created)
        g_key_file_set_string_list(kf, VB_SNAPSHOT_REVERT_GROUP, "files",
                                   (const char *const *) ids->pdata, ids->len);
    if (step == VB_SNAPSHOT_REVERT_STEP_LOADED)
        g_key_file_set_boolean(kf, VB_SNAPSHOT_REVERT_GROUP, "loaded", true);
    data = g_key_file_to_data(kf, &len, NULL);
    if (vbDriverConfigMakeDir(driver->cfg, dir, 0700) < 0)
        return -1;
    return vbFileWriteAtomic(path, data, len, 0600, VB_FILE_WRITE_DURABLE);
}

static void
vbSnapshotRevertRemoveIntent(vbDomainObj *vm)
{
    g_autofree char *path = vbSnapshotRevertIntentPath(vm);

    if (unlink(path) < 0 && errno != ENOENT)
        VB_WARN("cannot remove '%s': %s", path, g_strerror(errno));
}

/* --- Checks --- */

/* libvirt's qemuSnapshotRevertValidate, and what we cannot do yet */
/* A snapshot whose revert restores the guest's saved state (a memory
 * snapshot made by vbsnapshotmemory) rather than booting it */
static bool
vbSnapshotRevertHasMemory(const vbSnapshotDef *def)
{
    return def->memory == VB_SNAPSHOT_LOCATION_EXTERNAL && def->memoryFile &&
           (def->state == VB_SNAPSHOT_STATE_RUNNING || def->state == VB_SNAPSHOT_STATE_PAUSED);
}

static int
vbSnapshotRevertValidate(vbDomainObj *vm, const vbSnapshotObj *snap, unsigned int flags)
{
    const vbSnapshotDef *def = snap->def;
    bool memory = vbSnapshotRevertHasMemory(def);

    if (!vm->persistent && def->state != VB_SNAPSHOT_STATE_RUNNING &&
        def->state != VB_SNAPSHOT_STATE_PAUSED &&
        !(flags & (VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED))) {
        vbReportError(
            VIR_ERR_OPERATION_INVALID, "%s",
            _("transient domain needs to request run or pause to revert to inactive snapshot"));
        return -1;
    }
    if (!def->dom) {
        vbReportError(VIR_ERR_SNAPSHOT_REVERT_RISKY,
                      _("snapshot '%s' lacks domain '%s' rollback info"), def->name, vm->def->name);
        return -1;
    }
    /* Memory state we cannot restore: internal, or a running state without
     * its file (e.g. redefined from another host's metadata) */
    if (!memory &&
        (def->memory == VB_SNAPSHOT_LOCATION_EXTERNAL ||
         def->memory == VB_SNAPSHOT_LOCATION_INTERNAL || def->memoryFile ||
         def->state == VB_SNAPSHOT_STATE_RUNNING || def->state == VB_SNAPSHOT_STATE_PAUSED)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("revert to snapshot '%s' with memory state is not supported"), def->name);
        return -1;
    }
    switch (def->state) {
    case VB_SNAPSHOT_STATE_DISK_SNAPSHOT:
    case VB_SNAPSHOT_STATE_SHUTDOWN:
    case VB_SNAPSHOT_STATE_SHUTOFF:
    case VB_SNAPSHOT_STATE_CRASHED:
        break;
    case VB_SNAPSHOT_STATE_PMSUSPENDED:
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      _("qemu doesn't support reversion of snapshot taken in PMSUSPENDED state"));
        return -1;
    case VB_SNAPSHOT_STATE_RUNNING:
    case VB_SNAPSHOT_STATE_PAUSED:
        if (memory)
            break;
        G_GNUC_FALLTHROUGH;
    case VB_SNAPSHOT_STATE_NOSTATE:
    case VB_SNAPSHOT_STATE_BLOCKED:
    case VB_SNAPSHOT_STATE_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("Invalid target domain state '%s'. Refusing snapshot reversion"),
                      vbSnapshotStateTypeToString(def->state));
        return -1;
    }
    if (!vbSnapshotDefIsExternal(def)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("snapshot '%s' has no external disk to revert to"), def->name);
        return -1;
    }
    /* ours: a delete of it that failed or was undone had started its
     * commits, so its images hold newer data than it took */
    if (def->deleteFailedBases) {
        g_autofree char *bases = g_strjoinv("', '", def->deleteFailedBases);

        vbReportError(
            VIR_ERR_OPERATION_INVALID,
            _("cannot revert to snapshot '%s': a failed delete of it committed data into '%s', which no longer holds the snapshot's state; delete the snapshot instead"),
            def->name, bases);
        return -1;
    }
    return 0;
}

/* libvirt's qemuDomainHasBlockjob: any job, on any disk */
static int
vbSnapshotRevertCheckNoJob(vbDomainObj *vm)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, vm->blockjobs);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        if (vbBlockJobIsRunning(value)) {
            vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("domain has active block job"));
            return -1;
        }
    }
    return 0;
}

/* --- The new definition and its overlays --- */

/* The definition the domain gets (libvirt's qemuSnapshotRevertPrep): the
 * persistent one recorded, else the one recorded, under the domain's name. */
/* The definition the domain reverts to: the persistent one of the
 * snapshot's time, or for a memory snapshot the live one (@live), which
 * QEMU must start with to load the saved state. */
static vbDomainDef *
vbSnapshotRevertNewDef(vbDomainObj *vm, const vbSnapshotDef *def, bool live)
{
    const vbDomainDef *from = def->inactiveDom && !live ? def->inactiveDom : def->dom;
    vbDomainDef *copy = vbDomainDefCopy(from, VB_DOMAIN_DEF_FORMAT_INACTIVE);

    if (copy && strcmp(copy->name, vm->def->name) != 0) {
        g_free(copy->name);
        copy->name = g_strdup(vm->def->name);
    }
    return copy;
}

/* After a memory snapshot's restore, the persistent definition: the
 * snapshot's <inactiveDomain>, its disks on the overlays the live one now
 * runs on, as libvirt keeps the two apart; without one (or failing to
 * build it, a warning), the live definition QEMU was started with. */
static void
vbSnapshotRevertPersistentFromInactive(vbDomainObj *vm, const vbSnapshotDef *def)
{
    g_autoptr(vbDomainDef) persistent = NULL;
    size_t i;

    if (!def->inactiveDom)
        return;
    if (!(persistent = vbSnapshotRevertNewDef(vm, def, false)))
        goto warn;
    for (i = 0; i < persistent->ndisks; i++) {
        vbDomainDiskDef *disk = persistent->disks[i];
        vbDomainDiskDef *live = vbDomainDiskByName(vm->def, disk->dst);
        vbStorageSource *src;

        if (!live || !live->src)
            continue;
        if (!(src = vbStorageSourceCopyForConfig(live->src)))
            goto warn;
        vbStorageSourceFree(disk->src);
        disk->src = src;
    }
    vbDomainDefFree(vm->newDef);
    vm->newDef = g_steal_pointer(&persistent);
    return;

warn:
    VB_WARN("domain '%s': keeping the snapshot's live definition as the persistent one: %s",
            vm->def->name, vbGetLastErrorMessage());
    vbResetLastError();
}

/* A temporary snapshot named @tmpname (libvirt's: the creation time) with
 * the disks @snap covers, aligned with @newdef: its external disks get
 * the default overlay names beside the snapshot's images. */
static vbSnapshotDef *
vbSnapshotRevertTmpDef(const vbSnapshotDef *snap, const vbDomainDef *newdef, const char *tmpname)
{
    g_autoptr(vbSnapshotDef) tmp = g_new0(vbSnapshotDef, 1);
    size_t i;

    tmp->name = g_strdup(tmpname);
    tmp->memory = VB_SNAPSHOT_LOCATION_NO;
    tmp->disks = g_new0(vbSnapshotDiskDef *, snap->ndisks);
    for (i = 0; i < snap->ndisks; i++) {
        const vbSnapshotDiskDef *from = snap->disks[i];
        vbSnapshotDiskDef *disk;

        /* a disk the definition reverted to does not have is not reverted */
        if (!vbDomainDiskByName(newdef, from->name))
            continue;
        disk = g_new0(vbSnapshotDiskDef, 1);
        disk->name = g_strdup(from->name);
        disk->snapshot = from->snapshot;
        disk->src = vbStorageSourceNew();
        disk->src->type = VB_STORAGE_TYPE_FILE;
        tmp->disks[tmp->ndisks++] = disk;
    }
    if (vbSnapshotDefAlignDisks(tmp, newdef) < 0)
        return NULL;
    return g_steal_pointer(&tmp);
}

static bool
vbSnapshotRevertNamesFree(const vbSnapshotDef *tmp)
{
    size_t i;

    for (i = 0; i < tmp->ndisks; i++) {
        struct stat st;

        if (tmp->disks[i]->snapshot == VB_SNAPSHOT_LOCATION_EXTERNAL &&
            lstat(tmp->disks[i]->src->path, &st) == 0)
            return false;
    }
    return true;
}

/* As libvirt, the overlays are named after the time; a second revert in
 * the same second gets a counter rather than a refusal. */
static vbSnapshotDef *
vbSnapshotRevertTmpDefUnique(const vbSnapshotDef *snap, const vbDomainDef *newdef)
{
    long long now = g_get_real_time() / G_USEC_PER_SEC;
    unsigned int i;

    for (i = 0; i < 100; i++) {
        g_autofree char *name =
            i ? g_strdup_printf("%lld-%u", now, i) : g_strdup_printf("%lld", now);
        g_autoptr(vbSnapshotDef) tmp = vbSnapshotRevertTmpDef(snap, newdef, name);

        if (!tmp)
            return NULL;
        if (vbSnapshotRevertNamesFree(tmp)) {
            tmp->creationTime = now;
            return g_steal_pointer(&tmp);
        }
    }
    vbReportError(VIR_ERR_OPERATION_FAILED,
                  _("no free name for the new overlays of snapshot '%s' beside its images"),
                  snap->name);
    return NULL;
}

/* The targets of @tmpdef's external disks the persistent definition names
 * once the revert is committed: all of them, except for a memory
 * snapshot those its <inactiveDomain> lacks (vbSnapshotRevertPersistentFromInactive).
 * Borrowed from @tmpdef. */
static GPtrArray *
vbSnapshotRevertProofTargets(const vbSnapshotDef *def, const vbSnapshotDef *tmpdef, bool memory)
{
    GPtrArray *proof = g_ptr_array_new();
    size_t i;

    for (i = 0; i < tmpdef->ndisks; i++) {
        if (tmpdef->disks[i]->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        if (memory && def->inactiveDom &&
            !vbDomainDiskByName(def->inactiveDom, tmpdef->disks[i]->name))
            continue;
        g_ptr_array_add(proof, tmpdef->disks[i]->name);
    }
    return proof;
}

/* A memory revert whose QEMU has loaded the state but must not run it:
 * QEMU stopped (the guest never ran on the overlays) and the definition
 * of before the revert back in place. */
static void
vbSnapshotRevertUnload(vbDriver *driver, vbDomainObj *vm, vbDomainDef **olddef)
{
    g_autoptr(vbError) saved = vbErrorSave();

    vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_FAILED);
    vbDomainDefFree(vm->def);
    vm->def = g_steal_pointer(olddef);
    vbErrorRestore(&saved);
}

/* --- Metadata (libvirt's qemuSnapshotRevertExternalFinish, without
 * deleting anything) --- */

static void
vbSnapshotRevertWarnDropped(vbDomainObj *vm, const vbSnapshotDef *def)
{
    size_t i;

    for (i = 0; i < def->nrevertDisks; i++) {
        if (def->revertDisks[i]->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        VB_WARN("domain '%s': overlay '%s' of the state abandoned by the revert is kept, but "
                "no snapshot names it any more",
                vm->def->name, def->revertDisks[i]->src->path);
    }
}

/* @snap becomes current with @tmpdef's disks as its <revertDisks>; its own
 * <disks> (the branch taken after it) stay as they are. */
static int
vbSnapshotRevertUpdateMetadata(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *snap,
                               vbSnapshotDef *tmpdef)
{
    vbSnapshotObj *old = vbSnapshotObjListGetCurrent(vm->snapshots);

    vbSnapshotRevertWarnDropped(vm, snap->def);
    vbSnapshotDefClearRevertDisks(snap->def);
    snap->def->revertDisks = g_steal_pointer(&tmpdef->disks);
    snap->def->nrevertDisks = tmpdef->ndisks;
    tmpdef->ndisks = 0;

    vbSnapshotObjListSetCurrent(vm->snapshots, snap);
    if (vbSnapshotSaveOne(driver, vm, snap) < 0)
        return -1;
    vbSnapshotRevertTestKill("metadata");
    if (old && old != snap && vbSnapshotSaveOne(driver, vm, old) < 0)
        return -1;
    return 0;
}

/* --- The revert --- */

/* @memfd: set to the memory file of a memory snapshot, the caller closes */
static int
vbSnapshotRevertFD(vbDriver *driver, vbDomainObj *vm, const char *name, unsigned int flags,
                   int *memfd)
{
    g_autoptr(vbDomainDef) newdef = NULL;
    g_autoptr(vbSnapshotDef) tmpdef = NULL;
    g_autoptr(vbSnapshotOverlays) overlays = NULL;
    g_autoptr(vbSnapshotRevertBitmaps) bitmaps = NULL;
    g_autoptr(GPtrArray) proof = NULL;
    g_autoptr(vbError) saved = NULL;
    vbDomainDef *olddef = NULL;
    vbSnapshotObj *snap;
    bool start = flags & (VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING | VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED);
    bool paused = flags & VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED;
    bool memory;
    g_autofree char *memxml = NULL;
    bool wasRunning;
    unsigned int startFlags = 0;
    size_t i;
    int rc;

    if (!(snap = vbSnapshotObjListFind(vm->snapshots, name))) {
        vbReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT, _("no domain snapshot with matching name '%s'"),
                      name);
        return -1;
    }
    if (vbSnapshotRevertValidate(vm, snap, flags) < 0)
        return -1;
    /* A memory snapshot restores the guest's saved state, running unless
     * it was saved paused or PAUSED asks for it; its file is opened (and
     * checked) before anything changes. */
    if ((memory = vbSnapshotRevertHasMemory(snap->def))) {
        if (vbSnapshotMemoryOpen(snap->def->memoryFile, memfd, &memxml, &wasRunning) < 0)
            return -1;
        start = true;
        paused = (flags & VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED) ||
                 (snap->def->state == VB_SNAPSHOT_STATE_PAUSED &&
                  !(flags & VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING));
    }
    if (!vbDomainObjIsActive(vm)) {
        vbBlockOfflineStopIfIdle(driver, vm);
        if (vbBlockJobCheckNoOfflineJob(vm, "snapshot revert") < 0)
            return -1;
    }
    if (!(newdef = vbSnapshotRevertNewDef(vm, snap->def, memory)) ||
        !(tmpdef = vbSnapshotRevertTmpDefUnique(snap->def, newdef)) ||
        !(overlays = vbSnapshotOverlaysPrepare(vm, tmpdef, newdef)) ||
        !(bitmaps = vbSnapshotRevertBitmapsPrepare(vm, tmpdef, newdef)))
        return -1;
    /* as libvirt's qemuSnapshotRevertExternalPrepare: the state in the
     * file must be of the machine QEMU is started as (a file of another
     * snapshot, or changed since, is refused before anything changes) */
    if (memory) {
        g_autoptr(vbDomainDef) savedef =
            vbDomainDefParseString(memxml, VB_DOMAIN_DEF_PARSE_INACTIVE);

        if (!savedef || vbDomainDefCheckABIStability(savedef, newdef) < 0)
            return -1;
    }

    if (vbSnapshotRevertBitmapsRead(driver, vm, bitmaps) < 0)
        return -1;

    proof = vbSnapshotRevertProofTargets(snap->def, tmpdef, memory);
    if (vm->persistent && vbSnapshotRevertWriteIntent(driver, vm, name, tmpdef, proof,
                                                      VB_SNAPSHOT_REVERT_STEP_PLANNED) < 0)
        return -1;
    vbSnapshotRevertTestKill("intent");

    /* libvirt's transitions 4 and 7: the guest's disks change under it */
    if (vbDomainObjIsActive(vm)) {
        vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT);
        vbSnapshotRevertEmit(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                             VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);
    }

    /* the bitmaps once the old chain's QEMU has stored them, before any
     * QEMU opens the overlays */
    if (vbSnapshotOverlaysCreate(driver, vm, overlays) < 0 ||
        (vm->persistent && vbSnapshotRevertWriteIntent(driver, vm, name, tmpdef, proof,
                                                       VB_SNAPSHOT_REVERT_STEP_CREATED) < 0) ||
        vbSnapshotRevertBitmapsApply(driver, vm, bitmaps, overlays) < 0)
        goto error;
    vbSnapshotRevertTestKill("overlays");

    olddef = vm->def;
    vm->def = g_steal_pointer(&newdef);
    if (memory) {
        /* As libvirt's qemuSnapshotRevertActive, the revert happens only
         * once QEMU has loaded the guest's state: a memory file it cannot
         * load leaves the domain shut off with its definition, the
         * snapshots' metadata and its images as they were, and the new
         * overlays (which QEMU, still incoming, never wrote) removed.
         * The guest stays paused until the revert is committed: a crash
         * or a failure before leaves nothing it wrote on the overlays. */
        if (vbSnapshotMemoryRestoreLoad(driver, vm, snap->def->memoryFile, *memfd) < 0) {
            newdef = vm->def;
            vm->def = g_steal_pointer(&olddef);
            goto error;
        }
        vbSnapshotRevertTestKill("load");
        if (vm->persistent && vbSnapshotRevertWriteIntent(driver, vm, name, tmpdef, proof,
                                                          VB_SNAPSHOT_REVERT_STEP_LOADED) < 0) {
            vbSnapshotRevertUnload(driver, vm, &olddef);
            goto error;
        }
        vbSnapshotRevertTestKill("restore");
        if (vm->persistent)
            vbSnapshotRevertPersistentFromInactive(vm, snap->def);
    }

    /* The commit point: the definition naming the new overlays */
    if (vm->persistent && vbDomainObjSaveConfig(vm) < 0) {
        if (memory) {
            vbSnapshotRevertUnload(driver, vm, &olddef);
            goto error;
        }
        newdef = vm->def;
        vm->def = g_steal_pointer(&olddef);
        goto error;
    }
    vbDomainDefFree(g_steal_pointer(&olddef));
    vbSnapshotOverlaysKeep(overlays);
    vbSnapshotRevertTestKill("config");
    for (i = 0; i < vm->def->ndisks; i++)
        VB_INFO("domain '%s': disk '%s' reverted to snapshot '%s' on new overlay '%s'",
                vm->def->name, vm->def->disks[i]->dst, name,
                vm->def->disks[i]->src->path ? vm->def->disks[i]->src->path : "");

    /* Past the commit point the intent goes in any case: a stale one
     * would undo a later state at the next start. */
    rc = vbSnapshotRevertUpdateMetadata(driver, vm, snap, tmpdef);
    vbSnapshotRevertRemoveIntent(vm);
    /* Restore sends STARTED and RESUMED or SUSPENDED itself; a guest
     * whose snapshot metadata could not be written stays paused. */
    if (memory) {
        g_autoptr(vbError) metadataError = rc < 0 ? vbErrorSave() : NULL;

        if (vbSnapshotMemoryRestoreFinish(driver, vm, snap->def->memoryFile, paused || rc < 0,
                                          VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT) < 0)
            rc = -1;
        vbErrorRestore(&metadataError);
    }
    if (rc < 0)
        return -1;

    if (!memory && start) {
        if (paused)
            startFlags |= VB_DOMAIN_PROCESS_START_PAUSED;
        if (flags & VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM)
            startFlags |= VB_DOMAIN_PROCESS_START_RESET_NVRAM;
        if (vbDomainProcessStart(driver, vm, startFlags) < 0)
            return -1;
        vbSnapshotRevertEmit(driver, vm, VIR_DOMAIN_EVENT_STARTED,
                             VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT);
        if (paused)
            vbSnapshotRevertEmit(driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                 VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT);
    }
    if (vm->persistent)
        vbSnapshotRevertEmit(driver, vm, VIR_DOMAIN_EVENT_DEFINED,
                             VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT);
    return 0;

error:
    saved = vbErrorSave();
    vbSnapshotOverlaysDiscard(overlays);
    if (vm->persistent)
        vbSnapshotRevertRemoveIntent(vm);
    vbErrorRestore(&saved);
    return -1;
}

static int
vbSnapshotRevert(vbDriver *driver, vbDomainObj *vm, const char *name, unsigned int flags)
{
    int memfd = -1;
    int ret = vbSnapshotRevertFD(driver, vm, name, flags, &memfd);

    if (memfd >= 0)
        close(memfd);
    return ret;
}

int
vbDomainSnapshotRevert(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                       unsigned int flags)
{
    vbDomainObj *vm;
    int ret = -1;

    vbCheckFlagsFunc(flags, VB_SNAPSHOT_REVERT_KNOWN_FLAGS, "qemuSnapshotRevert", -1);
    /* libvirt's public API checks this in the client; other clients get
     * the same answer here */
    if ((flags & VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING) &&
        (flags & VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED)) {
        vbReportErrorFull(VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_INVALID_ARG, __FILE__, __func__,
                          __LINE__, _("Flags '%s' and '%s' are mutually exclusive"),
                          "VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING",
                          "VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED");
        return -1;
    }
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbSnapshotRevertCheckNoJob(vm) < 0)
        goto cleanup;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    /* ours: the metadata of a snapshot delete left unresolved may name
     * images the delete removed */
    if (vbSnapshotDeleteIntentUnresolved(vm)) {
        vbReportError(
            VIR_ERR_OPERATION_INVALID,
            _("cannot revert to snapshot '%s': an earlier snapshot delete of this domain was interrupted and is not resolved (see the daemon's log)"),
            name);
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
        goto cleanup;
    }
    ret = vbSnapshotRevert(driver, vm, name, flags);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    /* a transient domain whose start failed is gone, as after a destroy */
    if (!vm->persistent && !vbDomainObjIsActive(vm))
        vbDomainObjListRemove(driver->domains, vm);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* --- After a crash --- */

/* Whether @def names the intent's overlay of each target in @proof (NULL:
 * of every target, as an intent written before it recorded its proof). */
static bool
vbSnapshotRevertDefNames(const vbDomainDef *def, char **targets, char **overlays, char **proof)
{
    size_t checked = 0;
    size_t i;

    if (!def)
        return false;
    for (i = 0; targets[i] && overlays[i]; i++) {
        vbDomainDiskDef *disk;

        if (proof && !g_strv_contains((const char *const *) proof, targets[i]))
            continue;
        disk = vbDomainDiskByName(def, targets[i]);
        if (!disk || !disk->src || g_strcmp0(disk->src->path, overlays[i]) != 0)
            return false;
        checked++;
    }
    /* an intent naming nothing proves nothing */
    return checked > 0;
}

/* Whether the persistent definition names the intent's overlays: the
 * commit point was passed. */
static bool
vbSnapshotRevertCommitted(vbDomainObj *vm, char **targets, char **overlays, char **proof)
{
    return vbSnapshotRevertDefNames(vbDomainObjGetPersistentDef(vm), targets, overlays, proof);
}

/* Whether the QEMU reconnected to runs on the intent's overlays with the
 * snapshot's state loaded: the intent says so (@loaded), or the guest
 * runs (an older daemon let it run before the commit point) */
static bool
vbSnapshotRevertLoadedLive(vbDomainObj *vm, char **targets, char **overlays, bool loaded)
{
    return (loaded || vm->state == VIR_DOMAIN_RUNNING) && vbDomainObjIsActive(vm) && !vm->offline &&
           vbSnapshotRevertDefNames(vm->def, targets, overlays, NULL);
}

/* Whether the QEMU reconnected to has any of the intent's overlays open */
static bool
vbSnapshotRevertLiveUses(vbDomainObj *vm, char **targets, char **overlays)
{
    size_t i;

    if (!vbDomainObjIsActive(vm) || vm->offline)
        return false;
    for (i = 0; targets[i] && overlays[i]; i++) {
        vbDomainDiskDef *disk = vbDomainDiskByName(vm->def, targets[i]);

        if (disk && disk->src && g_strcmp0(disk->src->path, overlays[i]) == 0)
            return true;
    }
    return false;
}

/* Whether a chain of @vm, as defined or as the images' headers continue
 * it, has @path */
static bool
vbSnapshotRevertPathInUse(vbDomainObj *vm, const char *path)
{
    vbDomainDef *defs[] = {vm->def, vm->newDef};
    size_t i;
    size_t j;

    for (i = 0; i < G_N_ELEMENTS(defs); i++) {
        for (j = 0; defs[i] && j < defs[i]->ndisks; j++) {
            g_autoptr(vbStorageSource) chain = NULL;
            const vbStorageSource *src;

            if (vbStorageSourceIsEmpty(defs[i]->disks[j]->src))
                continue;
            chain = vbStorageSourceCopy(defs[i]->disks[j]->src, true);
            /* a chain that cannot be read (storage not there yet) may
             * hold @path further down: kept */
            if (vbStorageChainProbe(chain, VB_STORAGE_CHAIN_MAX_DEPTH) < 0) {
                VB_WARN("domain '%s': cannot read the chain of disk '%s' (%s): keeping '%s'",
                        vm->def->name, defs[i]->disks[j]->dst, vbGetLastErrorMessage(), path);
                vbResetLastError();
                return true;
            }
            for (src = chain; src; src = src->backingStore) {
                if (g_strcmp0(src->path, path) == 0)
                    return true;
            }
        }
    }
    return false;
}

/* Whether any snapshot's metadata of @vm names @path (its overlays, its
 * revert overlays, its definitions' disks) */
static bool
vbSnapshotRevertPathNamed(vbDomainObj *vm, const char *path)
{
    g_autoptr(GPtrArray) all = vbSnapshotObjListAll(vm->snapshots);
    size_t i;
    size_t j;

    for (i = 0; i < all->len; i++) {
        const vbSnapshotDef *def = ((vbSnapshotObj *) g_ptr_array_index(all, i))->def;
        const vbDomainDef *doms[] = {def->dom, def->inactiveDom};
        size_t k;

        for (j = 0; j < def->ndisks; j++) {
            if (def->disks[j]->src && g_strcmp0(def->disks[j]->src->path, path) == 0)
                return true;
        }
        for (j = 0; j < def->nrevertDisks; j++) {
            if (def->revertDisks[j]->src && g_strcmp0(def->revertDisks[j]->src->path, path) == 0)
                return true;
        }
        for (k = 0; k < G_N_ELEMENTS(doms); k++) {
            for (j = 0; doms[k] && j < doms[k]->ndisks; j++) {
                if (doms[k]->disks[j]->src && g_strcmp0(doms[k]->disks[j]->src->path, path) == 0)
                    return true;
            }
        }
    }
    return false;
}

/* One overlay of a revert that did not happen: removed from its
 * directory, opened once, only while that entry is the very file the
 * revert created (@id: its "dev:ino", NULL when not recorded) and nothing
 * uses or names it. */
static void
vbSnapshotRevertRollBackOne(vbDomainObj *vm, const char *overlay, const char *id)
{
    g_autofree char *dir = g_path_get_dirname(overlay);
    g_autofree char *base = g_path_get_basename(overlay);
    unsigned long long dev;
    unsigned long long ino;
    struct stat expected = {0};
    struct stat st;
    int dirfd;
    int rc;

    if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return;
    if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
        goto cleanup;
    if (!id || sscanf(id, "%llu:%llu", &dev, &ino) != 2 || st.st_dev != dev || st.st_ino != ino) {
        VB_WARN("domain '%s': '%s' of an interrupted revert is not known as its file: kept",
                vm->def->name, overlay);
        goto cleanup;
    }
    if (vbSnapshotRevertPathInUse(vm, overlay) || vbSnapshotRevertPathNamed(vm, overlay))
        goto cleanup;
    expected.st_dev = dev;
    expected.st_ino = ino;
    rc = vbFileRemoveAtIfSame(dirfd, base, &expected);
    if (rc < 0)
        VB_WARN("cannot remove '%s': %s", overlay, g_strerror(errno));
    else if (rc == 0)
        VB_WARN("domain '%s': '%s' of an interrupted revert was replaced meanwhile: kept",
                vm->def->name, overlay);
    else
        VB_INFO("domain '%s': removed overlay '%s' of an interrupted revert", vm->def->name,
                overlay);
cleanup:
    close(dirfd);
}

/* The overlays of a revert that did not happen: new files, removed only
 * when they are still the very files the revert created (@files: their
 * "dev:ino", NULL when the daemon died before recording them: then
 * nothing is removed) and nothing uses or names them. */
static void
vbSnapshotRevertRollBack(vbDomainObj *vm, char **overlays, char **files)
{
    size_t i;

    for (i = 0; overlays[i]; i++)
        vbSnapshotRevertRollBackOne(vm, overlays[i],
                                    files && i < g_strv_length(files) ? files[i] : NULL);
}

/* The revert happened: its snapshot's metadata as it would have been */
static int
vbSnapshotRevertRollForward(vbDriver *driver, vbDomainObj *vm, const char *name, char **targets,
                            char **overlays)
{
    g_autoptr(vbSnapshotDef) tmpdef = g_new0(vbSnapshotDef, 1);
    g_autoptr(GPtrArray) all = NULL;
    vbSnapshotObj *snap;
    size_t n = g_strv_length(targets);
    size_t i;

    if (!(snap = vbSnapshotObjListFind(vm->snapshots, name))) {
        VB_WARN("domain '%s' was reverted to snapshot '%s', which is gone", vm->def->name, name);
        return 0;
    }
    tmpdef->disks = g_new0(vbSnapshotDiskDef *, n);
    for (i = 0; i < n && overlays[i]; i++) {
        vbSnapshotDiskDef *disk = g_new0(vbSnapshotDiskDef, 1);

        disk->name = g_strdup(targets[i]);
        disk->snapshot = VB_SNAPSHOT_LOCATION_EXTERNAL;
        disk->src = vbStorageSourceNew();
        disk->src->type = VB_STORAGE_TYPE_FILE;
        disk->src->format = VB_STORAGE_FORMAT_QCOW2;
        disk->src->path = g_strdup(overlays[i]);
        tmpdef->disks[tmpdef->ndisks++] = disk;
    }
    if (vbSnapshotRevertUpdateMetadata(driver, vm, snap, tmpdef) < 0)
        return -1;
    /* killed between two saves, two files may say current: each is
     * written again as it is now */
    all = vbSnapshotObjListAll(vm->snapshots);
    for (i = 0; i < all->len; i++) {
        if (vbSnapshotSaveOne(driver, vm, g_ptr_array_index(all, i)) < 0)
            return -1;
    }
    return 0;
}

/* A memory revert killed once its QEMU had loaded the state on the new
 * overlays: the persistent definition becomes the one the revert would
 * have committed (the snapshot's <inactiveDomain> on the overlays), unless
 * it already is.  The guest, paused since the load, stays paused. */
static int
vbSnapshotRevertRecoverLive(vbDomainObj *vm, const char *name, char **targets, char **overlays,
                            char **proof)
{
    vbSnapshotObj *snap = vbSnapshotObjListFind(vm->snapshots, name);
    vbDomainDef *live;

    if (vm->reason != VIR_DOMAIN_PAUSED_FROM_SNAPSHOT && vm->state == VIR_DOMAIN_PAUSED) {
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_FROM_SNAPSHOT);
        if (vbDomainObjSaveStatus(vm) < 0) {
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
            vbResetLastError();
        }
    }
    if (vbSnapshotRevertCommitted(vm, targets, overlays, proof))
        return 0;
    /* what the revert's QEMU start made it, then as the revert goes on */
    if (!(live = vbDomainDefCopy(vm->def, VB_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    vbDomainDefFree(vm->newDef);
    vm->newDef = live;
    if (snap)
        vbSnapshotRevertPersistentFromInactive(vm, snap->def);
    return vbDomainObjSaveConfig(vm);
}

/* A QEMU started on the overlays whose load of the state the intent does
 * not record (it may not have completed): the guest never ran on them;
 * stopped, as libvirt stops a domain whose incoming migration the daemon
 * did not live to finish. */
static int
vbSnapshotRevertRecoverStop(vbDriver *driver, vbDomainObj *vm)
{
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        return -1;
    vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_FAILED);
    vbSnapshotRevertEmit(driver, vm, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    return 0;
}

void
vbDomainSnapshotRevertRecover(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *path = vbSnapshotRevertIntentPath(vm);
    g_autofree char *data = NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *name = NULL;
    g_auto(GStrv) targets = NULL;
    g_auto(GStrv) overlays = NULL;
    g_auto(GStrv) files = NULL;
    g_auto(GStrv) proof = NULL;
    bool loaded;
    gssize len;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return;
    if ((len = vbFileReadOwn(path, 1024 * 1024, &data)) < 0 ||
        !g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, NULL) ||
        !(name = g_key_file_get_string(kf, VB_SNAPSHOT_REVERT_GROUP, "snapshot", NULL)) ||
        !(targets =
              g_key_file_get_string_list(kf, VB_SNAPSHOT_REVERT_GROUP, "targets", NULL, NULL)) ||
        !(overlays =
              g_key_file_get_string_list(kf, VB_SNAPSHOT_REVERT_GROUP, "overlays", NULL, NULL)) ||
        g_strv_length(targets) != g_strv_length(overlays)) {
        VB_ERROR("domain '%s': cannot read the intent of an interrupted revert '%s'; left as it "
                 "is",
                 vm->def->name, path);
        vbResetLastError();
        return;
    }
    /* absent from an intent of an older daemon: every target proves */
    proof = g_key_file_get_string_list(kf, VB_SNAPSHOT_REVERT_GROUP, "proof", NULL, NULL);
    loaded = g_key_file_get_boolean(kf, VB_SNAPSHOT_REVERT_GROUP, "loaded", NULL);
    if (vbSnapshotRevertLoadedLive(vm, targets, overlays, loaded)) {
        VB_WARN("domain '%s': completing the interrupted revert to snapshot '%s', whose state "
                "its QEMU has loaded; the guest stays paused",
                vm->def->name, name);
        if (vbSnapshotRevertRecoverLive(vm, name, targets, overlays, proof) < 0 ||
            vbSnapshotRevertRollForward(driver, vm, name, targets, overlays) < 0) {
            VB_ERROR("domain '%s': cannot complete the revert to snapshot '%s': %s", vm->def->name,
                     name, vbGetLastErrorMessage());
            vbResetLastError();
            return;
        }
    } else if (vbSnapshotRevertCommitted(vm, targets, overlays, proof)) {
        VB_WARN("domain '%s': completing the interrupted revert to snapshot '%s'", vm->def->name,
                name);
        if (vbSnapshotRevertRollForward(driver, vm, name, targets, overlays) < 0) {
            VB_ERROR("domain '%s': cannot complete the revert to snapshot '%s': %s", vm->def->name,
                     name, vbGetLastErrorMessage());
            vbResetLastError();
            return;
        }
    } else {
        VB_WARN("domain '%s': undoing the interrupted revert to snapshot '%s'", vm->def->name,
                name);
        if (vbSnapshotRevertLiveUses(vm, targets, overlays) &&
            vbSnapshotRevertRecoverStop(driver, vm) < 0) {
            VB_ERROR("domain '%s': cannot stop the QEMU of the interrupted revert to snapshot "
                     "'%s': %s",
                     vm->def->name, name, vbGetLastErrorMessage());
            vbResetLastError();
            return;
        }
        files = g_key_file_get_string_list(kf, VB_SNAPSHOT_REVERT_GROUP, "files", NULL, NULL);
        vbSnapshotRevertRollBack(vm, overlays, files);
    }
    vbSnapshotRevertRemoveIntent(vm);
}
