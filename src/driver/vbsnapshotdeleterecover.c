/*
 * vbsnapshotdeleterecover.c: a snapshot delete interrupted by the daemon's
 * death, finished or undone at the next start
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A delete changes three things in order: the chain (each disk's commit,
 * which the block job machine applies and which removes the overlay file),
 * then the snapshot metadata.  The block job machine already survives a
 * restart on its own (vbblockjobupdate.c); what it cannot know is that
 * the jobs belong to a delete, so a daemon killed in between left jobs
 * READY for ever and metadata naming images no chain holds.  The intent
 * says so.  Which way a delete goes at the next start is decided by the
 * chains alone: a disk whose chain no longer holds its overlay, or whose
 * active commit was asked to pivot (QEMU switches it without us), has
 * switched, and then every disk must.  Before that point the delete is
 * undone as a failed one is: its jobs cancelled, the snapshot kept (the
 * base may hold data the commit had copied already, as after any
 * cancelled commit; the guest's view is the same).
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbblockcommit.h"
#include "vbblockjob.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbsnapshot.h"
#include "vbsnapshotdeleterecover.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* Beside the snapshot files; no snapshot file has this name (a snapshot
 * name never starts with '.') */
#define VB_SNAPSHOT_DELETE_INTENT ".delete"
#define VB_SNAPSHOT_DELETE_GROUP "delete"

#define VB_SNAPSHOT_DELETE_KILL_ENV "VIRTBLOCKD_TEST_DELETE_KILL_AT"

struct _vbSnapshotDeleteIntent {
    char *snapshot;
    bool running;
    GPtrArray *targets;
    GPtrArray *overlays;
    GPtrArray *overlayFiles; /* "dev:ino" */
    GPtrArray *bases;
    GPtrArray *baseFiles;
    GPtrArray *nodes; /* the overlays' node names, the jobs' top */
    GPtrArray *jobs;
};

void
vbSnapshotDeleteTestKill(const char *step)
{
    const char *at = g_getenv(VB_SNAPSHOT_DELETE_KILL_ENV);

    if (at && g_str_equal(at, step))
        kill(getpid(), SIGKILL);
}

/* --- The intent --- */

vbSnapshotDeleteIntent *
vbSnapshotDeleteIntentNew(const char *snapshot, bool running)
{
    vbSnapshotDeleteIntent *intent = g_new0(vbSnapshotDeleteIntent, 1);

    intent->snapshot = g_strdup(snapshot);
    intent->running = running;
    intent->targets = g_ptr_array_new_with_free_func(g_free);
    intent->overlays = g_ptr_array_new_with_free_func(g_free);
    intent->overlayFiles = g_ptr_array_new_with_free_func(g_free);
    intent->bases = g_ptr_array_new_with_free_func(g_free);
    intent->baseFiles = g_ptr_array_new_with_free_func(g_free);
    intent->nodes = g_ptr_array_new_with_free_func(g_free);
    intent->jobs = g_ptr_array_new_with_free_func(g_free);
    return intent;
}

void
vbSnapshotDeleteIntentFree(vbSnapshotDeleteIntent *intent)
{
    if (!intent)
        return;
    g_free(intent->snapshot);
    g_ptr_array_unref(intent->targets);
    g_ptr_array_unref(intent->overlays);
    g_ptr_array_unref(intent->overlayFiles);
    g_ptr_array_unref(intent->bases);
    g_ptr_array_unref(intent->baseFiles);
    g_ptr_array_unref(intent->nodes);
    g_ptr_array_unref(intent->jobs);
    g_free(intent);
}

static char *
vbSnapshotDeleteFileID(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        vbReportSystemError(errno, _("cannot stat '%s'"), path);
        return NULL;
    }
    return g_strdup_printf("%llu:%llu", (unsigned long long) st.st_dev,
                           (unsigned long long) st.st_ino);
}

int
vbSnapshotDeleteIntentAddDisk(vbSnapshotDeleteIntent *intent, const char *target,
                              const vbStorageSource *overlay, const vbStorageSource *base)
{
    g_autofree char *overlayID = NULL;
    g_autofree char *baseID = NULL;

    if (!overlay->path || !base->path || !overlay->nodeFormat) {
        vbReportError(
            VIR_ERR_OPERATION_UNSUPPORTED,
            _("cannot record the delete of disk '%s': its overlay or base is no local file"),
            target);
        return -1;
    }
    if (!(overlayID = vbSnapshotDeleteFileID(overlay->path)) ||
        !(baseID = vbSnapshotDeleteFileID(base->path)))
        return -1;
    g_ptr_array_add(intent->targets, g_strdup(target));
    g_ptr_array_add(intent->overlays, g_strdup(overlay->path));
    g_ptr_array_add(intent->overlayFiles, g_steal_pointer(&overlayID));
    g_ptr_array_add(intent->bases, g_strdup(base->path));
    g_ptr_array_add(intent->baseFiles, g_steal_pointer(&baseID));
    g_ptr_array_add(intent->nodes, g_strdup(overlay->nodeFormat));
    /* the name vbBlockCommitLaunch gives the job, for the reader; the job
     * is found again by its disk and top node */
    g_ptr_array_add(intent->jobs, g_strdup_printf("commit-%s-%s", target, overlay->nodeFormat));
    return 0;
}

static char *
vbSnapshotDeleteIntentPath(vbDomainObj *vm)
{
    g_autofree char *dir = vbDomainObjSnapshotDir(vm);

    return g_build_filename(dir, VB_SNAPSHOT_DELETE_INTENT, NULL);
}

static void
vbSnapshotDeleteIntentSetList(GKeyFile *kf, const char *key, GPtrArray *list)
{
    g_key_file_set_string_list(kf, VB_SNAPSHOT_DELETE_GROUP, key, (const char *const *) list->pdata,
                               list->len);
}

int
vbSnapshotDeleteIntentWrite(vbDriver *driver, vbDomainObj *vm, const vbSnapshotDeleteIntent *intent)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *dir = vbDomainObjSnapshotDir(vm);
    g_autofree char *path = vbSnapshotDeleteIntentPath(vm);
    g_autofree char *data = NULL;
    gsize len;

    g_key_file_set_string(kf, VB_SNAPSHOT_DELETE_GROUP, "snapshot", intent->snapshot);
    g_key_file_set_boolean(kf, VB_SNAPSHOT_DELETE_GROUP, "running", intent->running);
    vbSnapshotDeleteIntentSetList(kf, "targets", intent->targets);
    vbSnapshotDeleteIntentSetList(kf, "overlays", intent->overlays);
    vbSnapshotDeleteIntentSetList(kf, "overlay-files", intent->overlayFiles);
    vbSnapshotDeleteIntentSetList(kf, "bases", intent->bases);
    vbSnapshotDeleteIntentSetList(kf, "base-files", intent->baseFiles);
    vbSnapshotDeleteIntentSetList(kf, "nodes", intent->nodes);
    vbSnapshotDeleteIntentSetList(kf, "jobs", intent->jobs);
    data = g_key_file_to_data(kf, &len, NULL);
    if (vbDriverConfigMakeDir(driver->cfg, dir, 0700) < 0)
        return -1;
    return vbFileWriteAtomic(path, data, len, 0600, VB_FILE_WRITE_DURABLE);
}

void
vbSnapshotDeleteIntentRemove(vbDomainObj *vm)
{
    g_autofree char *path = vbSnapshotDeleteIntentPath(vm);

    if (unlink(path) < 0 && errno != ENOENT)
        VB_WARN("cannot remove '%s': %s", path, g_strerror(errno));
}

/* Appends the @n strings of @key to @list; false when they are not @n */
static bool
vbSnapshotDeleteIntentGetList(GKeyFile *kf, const char *key, size_t n, GPtrArray *list)
{
    g_auto(GStrv) strv = g_key_file_get_string_list(kf, VB_SNAPSHOT_DELETE_GROUP, key, NULL, NULL);
    size_t i;

    if (!strv || g_strv_length(strv) != n)
        return false;
    for (i = 0; i < n; i++)
        g_ptr_array_add(list, g_strdup(strv[i]));
    return true;
}

/* The intent of @vm as written; NULL when there is none or it cannot be
 * read (@broken then set) */
static vbSnapshotDeleteIntent *
vbSnapshotDeleteIntentRead(vbDomainObj *vm, bool *broken)
{
    g_autofree char *path = vbSnapshotDeleteIntentPath(vm);
    g_autoptr(vbSnapshotDeleteIntent) intent = NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *data = NULL;
    g_autofree char *name = NULL;
    g_auto(GStrv) targets = NULL;
    gssize len;
    size_t n;
    size_t i;

    *broken = false;
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return NULL;
    *broken = true;
    if ((len = vbFileReadOwn(path, 1024 * 1024, &data)) < 0 ||
        !g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, NULL) ||
        !(name = g_key_file_get_string(kf, VB_SNAPSHOT_DELETE_GROUP, "snapshot", NULL)) ||
        !(targets =
              g_key_file_get_string_list(kf, VB_SNAPSHOT_DELETE_GROUP, "targets", NULL, NULL)))
        return NULL;

    intent = vbSnapshotDeleteIntentNew(
        name, g_key_file_get_boolean(kf, VB_SNAPSHOT_DELETE_GROUP, "running", NULL));
    n = g_strv_length(targets);
    for (i = 0; i < n; i++)
        g_ptr_array_add(intent->targets, g_strdup(targets[i]));
    if (!vbSnapshotDeleteIntentGetList(kf, "overlays", n, intent->overlays) ||
        !vbSnapshotDeleteIntentGetList(kf, "overlay-files", n, intent->overlayFiles) ||
        !vbSnapshotDeleteIntentGetList(kf, "bases", n, intent->bases) ||
        !vbSnapshotDeleteIntentGetList(kf, "base-files", n, intent->baseFiles) ||
        !vbSnapshotDeleteIntentGetList(kf, "nodes", n, intent->nodes) ||
        !vbSnapshotDeleteIntentGetList(kf, "jobs", n, intent->jobs))
        return NULL;
    *broken = false;
    return g_steal_pointer(&intent);
}

/* --- The chains --- */

static bool
vbSnapshotDeleteIsFile(const char *path, const char *id)
{
    g_autofree char *now = NULL;
    struct stat st;

    if (!path || stat(path, &st) < 0)
        return false;
    now = g_strdup_printf("%llu:%llu", (unsigned long long) st.st_dev,
                          (unsigned long long) st.st_ino);
    return g_str_equal(now, id);
}

/* Whether the disk @i of @intent still has its overlay in its chain: the
 * live one of a running domain (or of a shut-off one's storage daemon),
 * as QEMU has it since the reconnect; else the persistent one, completed
 * from the images' headers.  -1 when the chain cannot be read. */
static int
vbSnapshotDeleteHoldsOverlay(vbDomainObj *vm, const vbSnapshotDeleteIntent *intent, size_t i)
{
    const char *target = g_ptr_array_index(intent->targets, i);
    const char *overlay = g_ptr_array_index(intent->overlays, i);
    const char *overlayID = g_ptr_array_index(intent->overlayFiles, i);
    bool live = vbDomainObjIsActive(vm) || vm->offline;
    vbDomainDef *def = live ? vm->def : vbDomainObjGetPersistentDef(vm);
    g_autoptr(vbStorageSource) probed = NULL;
    const vbStorageSource *chain;
    const vbStorageSource *s;
    vbDomainDiskDef *disk;

    if (!def || !(disk = vbDomainDiskByName(def, target))) {
        vbReportError(VIR_ERR_INVALID_ARG, _("disk '%s' not found in domain"), target);
        return -1;
    }
    chain = disk->src;
    if (!live) {
        probed = vbStorageSourceCopy(disk->src, true);
        if (vbStorageChainProbe(probed, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
            return -1;
        chain = probed;
    }
    for (s = chain; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore) {
        if (g_strcmp0(s->path, overlay) == 0 || vbSnapshotDeleteIsFile(s->path, overlayID))
            return 1;
    }
    return 0;
}

/* The commit of disk @i of @intent, if it is still there: the disk's job,
 * of either commit type, with the overlay as its top */
static vbBlockJob *
vbSnapshotDeleteFindJob(vbDomainObj *vm, const vbSnapshotDeleteIntent *intent, size_t i)
{
    vbBlockJob *job = vbBlockJobForDisk(vm, g_ptr_array_index(intent->targets, i));

    if (!job ||
        (job->type != VB_BLOCK_JOB_TYPE_COMMIT && job->type != VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT) ||
        g_strcmp0(job->data.commit.top, g_ptr_array_index(intent->nodes, i)) != 0)
        return NULL;
    return job;
}

/* Whether any disk has switched: its overlay gone from the chain, or its
 * pivot requested (QEMU switches it whether we listen or not).  -1 when a
 * chain cannot be read. */
static int
vbSnapshotDeleteAnySwitched(vbDomainObj *vm, const vbSnapshotDeleteIntent *intent)
{
    size_t i;

    for (i = 0; i < intent->targets->len; i++) {
        vbBlockJob *job = vbSnapshotDeleteFindJob(vm, intent, i);
        int rc;

        if (job && job->state == VB_BLOCK_JOB_STATE_PIVOTING)
            return 1;
        if ((rc = vbSnapshotDeleteHoldsOverlay(vm, intent, i)) < 0)
            return -1;
        if (rc == 0)
            return 1;
    }
    return 0;
}

/* Whether @job waits for us (and so is not waited for): an active commit
 * READY for its pivot.  Every other state ends by itself, or by a
 * request already made. */
static bool
vbSnapshotDeleteJobWaitsForUs(const vbBlockJob *job)
{
    switch ((vbBlockJobState) job->state) {
    case VB_BLOCK_JOB_STATE_READY:
    case VB_BLOCK_JOB_STATE_PENDING:
        return true;
    case VB_BLOCK_JOB_STATE_NEW:
    case VB_BLOCK_JOB_STATE_RUNNING:
    case VB_BLOCK_JOB_STATE_ABORTING:
    case VB_BLOCK_JOB_STATE_PIVOTING:
    case VB_BLOCK_JOB_STATE_CONCLUDED:
    case VB_BLOCK_JOB_STATE_COMPLETED:
    case VB_BLOCK_JOB_STATE_FAILED:
    case VB_BLOCK_JOB_STATE_CANCELLED:
    case VB_BLOCK_JOB_STATE_LAST:
        break;
    }
    return false;
}

/* Ends the domain job and waits until every job of @intent is over or
 * READY (an active commit waiting for its pivot), or the jobs cannot end
 * (QEMU gone, the daemon stopping), then takes the job again.  -1 when
 * it cannot (then none is held). */
static int
vbSnapshotDeleteRecoverWait(vbDriver *driver, vbDomainObj *vm, const vbSnapshotDeleteIntent *intent)
{
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    for (;;) {
        bool waiting = false;
        size_t i;

        for (i = 0; i < intent->jobs->len; i++) {
            vbBlockJob *job = vbSnapshotDeleteFindJob(vm, intent, i);

            if (job && !vbSnapshotDeleteJobWaitsForUs(job))
                waiting = true;
        }
        if (!waiting || g_atomic_int_get(&driver->shuttingDown) || vbDomainObjMonitorFailed(vm) ||
            (!vbDomainObjIsActive(vm) && !vm->offline))
            break;
        vbDomainObjWait(vm);
    }
    while (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0) {
        if (vbGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT)
            return -1;
    }
    return 0;
}

/* --- Back --- */

/* No disk switched: the delete's jobs still there are cancelled, as a
 * failed delete cancels them.  Returns 1 when a disk switched meanwhile
 * (a commit ended before its cancel), 0 when undone, -1 (no job held). */
static int
vbSnapshotDeleteRollBack(vbDriver *driver, vbDomainObj *vm, const vbSnapshotDeleteIntent *intent)
{
    size_t i;

    for (i = 0; i < intent->jobs->len; i++) {
        vbBlockJob *job = vbSnapshotDeleteFindJob(vm, intent, i);
        vbDomainDiskDef *disk;

        if (!job || !(disk = vbDomainDiskByName(vm->def, job->disk)))
            continue;
        switch ((vbBlockJobState) job->state) {
        case VB_BLOCK_JOB_STATE_NEW:
        case VB_BLOCK_JOB_STATE_RUNNING:
        case VB_BLOCK_JOB_STATE_READY:
        case VB_BLOCK_JOB_STATE_PENDING:
            /* forced: a PENDING job ignores a soft cancel */
            if (vbBlockJobRequestCancel(vm, disk, job, true) < 0) {
                VB_WARN("cannot cancel block job '%s': %s", job->name, vbGetLastErrorMessage());
                vbResetLastError();
            }
            break;
        case VB_BLOCK_JOB_STATE_ABORTING:
        case VB_BLOCK_JOB_STATE_PIVOTING:
        case VB_BLOCK_JOB_STATE_CONCLUDED:
        case VB_BLOCK_JOB_STATE_COMPLETED:
        case VB_BLOCK_JOB_STATE_FAILED:
        case VB_BLOCK_JOB_STATE_CANCELLED:
        case VB_BLOCK_JOB_STATE_LAST:
            /* on its way out: the job machine finishes it */
            break;
        }
    }
    if (vbSnapshotDeleteRecoverWait(driver, vm, intent) < 0)
        return -1;
    return vbSnapshotDeleteAnySwitched(vm, intent) == 1 ? 1 : 0;
}

/* --- Forward --- */

/* Some disk switched: every other one is driven to its switch.  0 when
 * all did, -1 with the error (-2: no job held). */
static int
vbSnapshotDeleteFinishJobs(vbDriver *driver, vbDomainObj *vm, const vbSnapshotDeleteIntent *intent)
{
    size_t i;
    int rc;

    for (i = 0; i < intent->jobs->len; i++) {
        vbBlockJob *job = vbSnapshotDeleteFindJob(vm, intent, i);
        vbDomainDiskDef *disk;

        if (!job || !(disk = vbDomainDiskByName(vm->def, job->disk)))
            continue;
        switch ((vbBlockJobState) job->state) {
        case VB_BLOCK_JOB_STATE_READY:
            if (vbBlockJobRequestPivot(vm, disk, job) < 0)
                return -1;
            break;
        case VB_BLOCK_JOB_STATE_PENDING:
            if (vbBlockJobRequestFinalize(vm, job) < 0)
                return -1;
            break;
        case VB_BLOCK_JOB_STATE_NEW:
        case VB_BLOCK_JOB_STATE_RUNNING:
        case VB_BLOCK_JOB_STATE_PIVOTING:
        case VB_BLOCK_JOB_STATE_CONCLUDED:
        case VB_BLOCK_JOB_STATE_COMPLETED:
        case VB_BLOCK_JOB_STATE_FAILED:
        case VB_BLOCK_JOB_STATE_CANCELLED:
            /* a commit that goes on ends by itself (a non-active one
             * switches then, an active one becomes READY and is pivoted
             * on the next round); an ended one is applied by the job
             * machine */
            break;
        case VB_BLOCK_JOB_STATE_ABORTING:
        case VB_BLOCK_JOB_STATE_LAST:
            /* its disk stays; the check below tells */
            break;
        }
    }
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    if (vbSnapshotDeleteRecoverWait(driver, vm, intent) < 0)
        return -2;
    for (i = 0; i < intent->targets->len; i++) {
        if ((rc = vbSnapshotDeleteHoldsOverlay(vm, intent, i)) < 0)
            return -1;
        if (rc == 1) {
            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("disk '%s' still has '%s' in its chain, the other disks do not"),
                          (const char *) g_ptr_array_index(intent->targets, i),
                          (const char *) g_ptr_array_index(intent->overlays, i));
            return -1;
        }
    }
    return 0;
}

/* Whether a job of @intent goes on (a non-active commit's job ending
 * READY needs another round of pivots) */
static bool
vbSnapshotDeleteJobsLeft(vbDomainObj *vm, const vbSnapshotDeleteIntent *intent)
{
    size_t i;

    for (i = 0; i < intent->jobs->len; i++) {
        if (vbSnapshotDeleteFindJob(vm, intent, i))
            return true;
    }
    return false;
}

/* The jobs done, the metadata as the delete would have left it; the
 * overlay files were removed by the job machine when the commits were
 * applied, as for any delete.  -2: no job held. */
static int
vbSnapshotDeleteRollForward(vbDriver *driver, vbDomainObj *vm, const vbSnapshotDeleteIntent *intent)
{
    vbSnapshotObj *obj;
    size_t i;
    int rc;

    /* two rounds: an active commit still RUNNING becomes READY in the
     * first and is pivoted in the second */
    for (i = 0; i < 2; i++) {
        if ((rc = vbSnapshotDeleteFinishJobs(driver, vm, intent)) == 0)
            break;
        if (rc == -2 || !vbSnapshotDeleteJobsLeft(vm, intent))
            return rc;
        vbResetLastError();
    }
    if (rc < 0)
        return rc;

    if ((obj = vbSnapshotObjListFind(vm->snapshots, intent->snapshot)) &&
        vbSnapshotDiscardMetadata(driver, vm, obj) < 0)
        return -1;
    for (i = 0; i < intent->overlays->len; i++) {
        const char *overlay = g_ptr_array_index(intent->overlays, i);

        if (vbSnapshotDeleteIsFile(overlay, g_ptr_array_index(intent->overlayFiles, i)))
            VB_WARN("domain '%s': '%s' of the deleted snapshot '%s' is kept: the commit that "
                    "merged it did not remove it",
                    vm->def->name, overlay, intent->snapshot);
    }
    return 0;
}

/* Returns 0, or -1 when the domain job was lost on the way */
static int
vbSnapshotDeleteRecoverJob(vbDriver *driver, vbDomainObj *vm)
{
    g_autoptr(vbSnapshotDeleteIntent) intent = NULL;
    bool broken;
    int rc;

    if (!(intent = vbSnapshotDeleteIntentRead(vm, &broken))) {
        if (broken) {
            VB_ERROR("domain '%s': cannot read the intent of an interrupted snapshot delete; "
                     "left as it is",
                     vm->def->name);
            vbResetLastError();
        }
        return 0;
    }
    if (intent->running && !vbDomainObjIsActive(vm))
        VB_WARN("domain '%s' stopped while snapshot '%s' was being deleted", vm->def->name,
                intent->snapshot);

    if ((rc = vbSnapshotDeleteAnySwitched(vm, intent)) < 0)
        goto error;
    if (rc == 0) {
        VB_WARN("domain '%s': undoing the interrupted delete of snapshot '%s'", vm->def->name,
                intent->snapshot);
        if ((rc = vbSnapshotDeleteRollBack(driver, vm, intent)) < 0)
            goto lostjob;
        if (rc == 0) {
            vbSnapshotDeleteIntentRemove(vm);
            return 0;
        }
    }
    VB_WARN("domain '%s': completing the interrupted delete of snapshot '%s'", vm->def->name,
            intent->snapshot);
    if ((rc = vbSnapshotDeleteRollForward(driver, vm, intent)) == -2)
        goto lostjob;
    if (rc < 0)
        goto error;
    VB_INFO("domain '%s': snapshot '%s' deleted", vm->def->name, intent->snapshot);
    vbSnapshotDeleteIntentRemove(vm);
    return 0;

error:
    VB_ERROR("domain '%s': cannot resolve the interrupted delete of snapshot '%s' (kept for the "
             "next start): %s",
             vm->def->name, intent->snapshot, vbGetLastErrorMessage());
    vbResetLastError();
    return 0;

lostjob:
    VB_ERROR("domain '%s': the interrupted delete of snapshot '%s' is left for the next start: %s",
             vm->def->name, intent->snapshot, vbGetLastErrorMessage());
    vbResetLastError();
    return -1;
}

void
vbDomainSnapshotDeleteRecover(vbDriver *driver, vbDomainObj *vm)
{
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0) {
        VB_ERROR("domain '%s': cannot resolve an interrupted snapshot delete: %s", vm->def->name,
                 vbGetLastErrorMessage());
        vbResetLastError();
        return;
    }
    if (vbSnapshotDeleteRecoverJob(driver, vm) == 0)
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
}
