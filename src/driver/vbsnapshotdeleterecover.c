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
 * waiting for ever and metadata naming images no chain holds.  The
 * intent says so.  A delete whose commits have started has written the
 * overlays' data into the bases, so going back would leave a snapshot
 * whose bases no longer hold its state: the delete is finished whenever
 * its commits go on (or some disk switched), with the steps of the
 * delete itself (vbSnapshotDeleteResumeJobs).  Only when no disk switched
 * and some commit cannot go on is it undone as a failed delete is: the
 * other jobs cancelled, the snapshot kept and marked (<deleteFailed>), so
 * that a revert to it is refused.
 *
 * It runs in the domain's worker after the daemon listens, with a MODIFY
 * job held throughout: the domain's callers wait for it as for any job,
 * other domains answer.  Since the worker is busy with it, the events of
 * the jobs are applied by the recovery itself.
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
#define VB_SNAPSHOT_DELETE_HOLD_ENV "VIRTBLOCKD_TEST_DELETE_RECOVER_HOLD"
#define VB_SNAPSHOT_DELETE_WAIT_ENV "VIRTBLOCKD_TEST_DELETE_RECOVER_WAIT"

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

/* A test hook: the recovery, its domain job held, writes FILE.held and
 * waits while the file FILE (VIRTBLOCKD_TEST_DELETE_RECOVER_HOLD) exists,
 * so that a test sees what the daemon answers meanwhile.  Tests only: it
 * looks again every 100 ms. */
static void
vbSnapshotDeleteTestHold(vbDomainObj *vm)
{
    const char *hold = g_getenv(VB_SNAPSHOT_DELETE_HOLD_ENV);
    g_autofree char *held = NULL;

    if (!hold)
        return;
    held = g_strdup_printf("%s.held", hold);
    if (!g_file_set_contents(held, "", 0, NULL))
        VB_WARN("cannot write '%s'", held);
    while (hold && g_file_test(hold, G_FILE_TEST_EXISTS) &&
           !g_atomic_int_get(&vm->driver->shuttingDown))
        vbDomainObjWaitUntil(vm, g_get_monotonic_time() + 100 * G_TIME_SPAN_MILLISECOND);
}

/* A test hook: the recovery waits, before it takes the domain's job,
 * while the file VIRTBLOCKD_TEST_DELETE_RECOVER_WAIT names exists, so
 * that a test sees what clients may do with the delete's jobs in that
 * window.  Tests only: it looks again every 100 ms. */
static void
vbSnapshotDeleteTestWait(vbDomainObj *vm)
{
    const char *wait = g_getenv(VB_SNAPSHOT_DELETE_WAIT_ENV);

    while (wait && g_file_test(wait, G_FILE_TEST_EXISTS) &&
           !g_atomic_int_get(&vm->driver->shuttingDown))
        vbDomainObjWaitUntil(vm, g_get_monotonic_time() + 100 * G_TIME_SPAN_MILLISECOND);
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
        int rc;

        /* the images' headers read without the lock, as elsewhere; the
         * recovery's MODIFY job keeps the definition as it is */
        probed = vbStorageSourceCopy(disk->src, true);
        vbDomainObjUnlock(vm);
        rc = vbStorageChainProbe(probed, VB_STORAGE_CHAIN_MAX_DEPTH);
        vbDomainObjLock(vm);
        if (rc < 0)
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

/* Whether @job goes on towards its switch: not failed, not being
 * cancelled, not ended */
static bool
vbSnapshotDeleteJobIsHealthy(const vbBlockJob *job)
{
    switch ((vbBlockJobState) job->state) {
    case VB_BLOCK_JOB_STATE_NEW:
    case VB_BLOCK_JOB_STATE_RUNNING:
    case VB_BLOCK_JOB_STATE_READY:
    case VB_BLOCK_JOB_STATE_PIVOTING:
    case VB_BLOCK_JOB_STATE_PENDING:
        return true;
    case VB_BLOCK_JOB_STATE_ABORTING:
    case VB_BLOCK_JOB_STATE_CONCLUDED:
    case VB_BLOCK_JOB_STATE_COMPLETED:
    case VB_BLOCK_JOB_STATE_FAILED:
    case VB_BLOCK_JOB_STATE_CANCELLED:
    case VB_BLOCK_JOB_STATE_LAST:
        break;
    }
    return false;
}

/* Where each disk of @intent is: switched (its overlay gone from its
 * chain), or with its commit going on (@jobs gets it), or neither (its
 * commit failed, was cancelled, or never started).  -1 when a chain
 * cannot be read. */
static int
vbSnapshotDeleteSurvey(vbDomainObj *vm, const vbSnapshotDeleteIntent *intent, GPtrArray *jobs,
                       size_t *switched, size_t *stuck)
{
    size_t i;

    *switched = 0;
    *stuck = 0;
    for (i = 0; i < intent->targets->len; i++) {
        vbBlockJob *job = vbSnapshotDeleteFindJob(vm, intent, i);
        int rc;

        if ((rc = vbSnapshotDeleteHoldsOverlay(vm, intent, i)) < 0)
            return -1;
        if (rc == 0)
            (*switched)++;
        else if (job && vbSnapshotDeleteJobIsHealthy(job))
            g_ptr_array_add(jobs, job);
        else
            (*stuck)++;
    }
    return 0;
}

/* --- Back --- */

/* No disk switched and some commit cannot go on: the jobs still there are
 * cancelled, as a failed delete cancels them, and the snapshot stays,
 * marked: its bases may hold data the commits had copied.  Which commits
 * had started before the daemon died is not known for sure (a job gone
 * may have failed or never started), so every base counts.  0 when
 * undone, -1 when a job could not be ended. */
static int
vbSnapshotDeleteRollBack(vbDriver *driver, vbDomainObj *vm, const vbSnapshotDeleteIntent *intent,
                         GPtrArray *jobs)
{
    vbSnapshotObj *obj;

    if (jobs->len > 0 &&
        vbSnapshotDeleteCancelResumed(driver, vm, (vbBlockJob **) jobs->pdata, jobs->len) < 0) {
        vbReportError(VIR_ERR_OPERATION_FAILED, "%s",
                      _("the snapshot delete's block jobs could not be cancelled"));
        return -1;
    }
    if ((obj = vbSnapshotObjListFind(vm->snapshots, intent->snapshot)))
        vbSnapshotMarkDeleteFailed(driver, vm, obj, intent->bases);
    return 0;
}

/* --- Neither way whole --- */

/*
 * Some disks switched and another one's commit cannot go on (it failed,
 * was cancelled, or went with its QEMU): the delete can be neither
 * finished nor undone.  Left so, the healthy jobs of the other disks
 * would wait in PENDING with the guest's I/O drained, and the metadata
 * would name overlays the switched disks removed.  So: every base of the
 * intent is marked (a revert to the snapshot is refused), the healthy
 * jobs are driven to their switch (some disk switched already: forward
 * is the only way), and the snapshot keeps only the disks that did not
 * switch (vbSnapshotDeleteApplySwitched): a delete asked again finishes
 * the rest.  0 when the metadata says so, -1 (the intent then stays).
 */
static int
vbSnapshotDeleteRecoverPartial(vbDriver *driver, vbDomainObj *vm,
                               const vbSnapshotDeleteIntent *intent)
{
    g_autoptr(GPtrArray) jobs = g_ptr_array_new();
    g_autoptr(GPtrArray) done = g_ptr_array_new();
    vbSnapshotObj *obj = vbSnapshotObjListFind(vm->snapshots, intent->snapshot);
    size_t switched;
    size_t stuck;
    size_t i;

    if (obj)
        vbSnapshotMarkDeleteFailed(driver, vm, obj, intent->bases);
    if (vbSnapshotDeleteSurvey(vm, intent, jobs, &switched, &stuck) < 0)
        return -1;
    if (jobs->len > 0 &&
        vbSnapshotDeleteResumeJobs(driver, vm, (vbBlockJob **) jobs->pdata, jobs->len) < 0) {
        VB_WARN("domain '%s': the commits left of the delete of snapshot '%s' did not all "
                "switch: %s",
                vm->def->name, intent->snapshot, vbGetLastErrorMessage());
        vbResetLastError();
    }
    for (i = 0; i < intent->targets->len; i++) {
        int rc;

        if ((rc = vbSnapshotDeleteHoldsOverlay(vm, intent, i)) < 0)
            return -1;
        if (rc == 0)
            g_ptr_array_add(done, g_ptr_array_index(intent->targets, i));
    }
    VB_ERROR("domain '%s': the interrupted delete of snapshot '%s' switched %u of its %u "
             "disks, the others' commits are gone; the snapshot keeps those disks",
             vm->def->name, intent->snapshot, done->len, intent->targets->len);
    if (!(obj = vbSnapshotObjListFind(vm->snapshots, intent->snapshot)))
        return 0;
    if (done->len == intent->targets->len)
        return vbSnapshotDiscardMetadata(driver, vm, obj);
    return vbSnapshotDeleteApplySwitched(driver, vm, obj, done);
}

/* --- Forward --- */

/* The jobs done as the delete does them (vbSnapshotDeleteResumeJobs),
 * then the metadata as the delete would have left it; the overlay files
 * were removed by the job machine when the commits were applied, as for
 * any delete.  A job failing on the way is cancelled with the others:
 * the delete is undone then, the snapshot marked as after any delete
 * that failed. */
static int
vbSnapshotDeleteRollForward(vbDriver *driver, vbDomainObj *vm, const vbSnapshotDeleteIntent *intent,
                            GPtrArray *jobs, bool *undone)
{
    g_autoptr(GPtrArray) left = g_ptr_array_new();
    vbSnapshotObj *obj;
    size_t switched;
    size_t stuck;
    size_t i;

    *undone = false;
    if (jobs->len > 0 &&
        vbSnapshotDeleteResumeJobs(driver, vm, (vbBlockJob **) jobs->pdata, jobs->len) < 0) {
        g_autoptr(vbError) saved = vbErrorSave();

        /* cancelled, and none switched before: undone */
        if (vbSnapshotDeleteSurvey(vm, intent, left, &switched, &stuck) == 0 && switched == 0 &&
            left->len == 0) {
            *undone = true;
            if ((obj = vbSnapshotObjListFind(vm->snapshots, intent->snapshot)))
                vbSnapshotMarkDeleteFailed(driver, vm, obj, intent->bases);
            vbResetLastError();
            vbErrorRestore(&saved);
            return -1;
        }
        /* some disk switched, a later one did not */
        VB_WARN("domain '%s': the interrupted delete of snapshot '%s' stopped half way: %s",
                vm->def->name, intent->snapshot, saved ? saved->message : "");
        vbResetLastError();
        if (vbSnapshotDeleteRecoverPartial(driver, vm, intent) < 0)
            return -1;
        *undone = true;
        return -1;
    }
    for (i = 0; i < intent->targets->len; i++) {
        int rc;

        if ((rc = vbSnapshotDeleteHoldsOverlay(vm, intent, i)) < 0)
            return -1;
        if (rc == 1) {
            VB_WARN("domain '%s': disk '%s' still has '%s' in its chain, the other disks do not",
                    vm->def->name, (const char *) g_ptr_array_index(intent->targets, i),
                    (const char *) g_ptr_array_index(intent->overlays, i));
            if (vbSnapshotDeleteRecoverPartial(driver, vm, intent) < 0)
                return -1;
            *undone = true;
            return -1;
        }
    }

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

/*
 * The delete was asked for: it is finished whenever it can be, with the
 * same all-or-none steps as the delete itself, so that no snapshot stays
 * whose bases took its commits' data.  Only when no disk switched and
 * some disk's commit cannot go on (failed, cancelled, gone with its QEMU,
 * or never started) is it undone, and the snapshot marked.  Some disk
 * switched and another one's commit gone: neither way is whole, and the
 * metadata is made to follow the chains (vbSnapshotDeleteRecoverPartial).
 * An intent that cannot be resolved stays, and refuses deletes and
 * reverts until it is.
 */
static void
vbSnapshotDeleteRecoverJob(vbDriver *driver, vbDomainObj *vm)
{
    g_autoptr(vbSnapshotDeleteIntent) intent = NULL;
    g_autoptr(GPtrArray) jobs = g_ptr_array_new();
    size_t switched;
    size_t stuck;
    bool broken;
    bool undone;

    if (!(intent = vbSnapshotDeleteIntentRead(vm, &broken))) {
        if (broken) {
            VB_ERROR("domain '%s': cannot read the intent of an interrupted snapshot delete; "
                     "left as it is",
                     vm->def->name);
            vbResetLastError();
        }
        return;
    }
    if (intent->running && !vbDomainObjIsActive(vm))
        VB_WARN("domain '%s' stopped while snapshot '%s' was being deleted", vm->def->name,
                intent->snapshot);

    if (vbSnapshotDeleteSurvey(vm, intent, jobs, &switched, &stuck) < 0)
        goto error;
    if (switched == 0 && stuck > 0) {
        VB_WARN("domain '%s': undoing the interrupted delete of snapshot '%s'", vm->def->name,
                intent->snapshot);
        if (vbSnapshotDeleteRollBack(driver, vm, intent, jobs) < 0)
            goto error;
        vbSnapshotDeleteIntentRemove(vm);
        return;
    }
    if (stuck > 0) {
        VB_WARN("domain '%s': %zu of the disks of snapshot '%s' switched, %zu cannot: their "
                "commits are gone",
                vm->def->name, switched, intent->snapshot, stuck);
        if (vbSnapshotDeleteRecoverPartial(driver, vm, intent) < 0)
            goto error;
        vbSnapshotDeleteIntentRemove(vm);
        return;
    }
    VB_WARN("domain '%s': completing the interrupted delete of snapshot '%s'", vm->def->name,
            intent->snapshot);
    if (vbSnapshotDeleteRollForward(driver, vm, intent, jobs, &undone) < 0) {
        if (!undone)
            goto error;
        VB_WARN("domain '%s': the interrupted delete of snapshot '%s' is undone or partial: %s",
                vm->def->name, intent->snapshot, vbGetLastErrorMessage());
        vbResetLastError();
        vbSnapshotDeleteIntentRemove(vm);
        return;
    }
    VB_INFO("domain '%s': snapshot '%s' deleted", vm->def->name, intent->snapshot);
    vbSnapshotDeleteIntentRemove(vm);
    return;

error:
    VB_ERROR("domain '%s': cannot resolve the interrupted delete of snapshot '%s' (kept for the "
             "next start): %s",
             vm->def->name, intent->snapshot, vbGetLastErrorMessage());
    vbResetLastError();
}

void
vbSnapshotDeleteClaimJobs(vbDomainObj *vm)
{
    g_autoptr(vbSnapshotDeleteIntent) intent = NULL;
    bool broken;
    size_t i;

    if (!(intent = vbSnapshotDeleteIntentRead(vm, &broken))) {
        vbResetLastError();
        return;
    }
    for (i = 0; i < intent->targets->len; i++) {
        vbBlockJob *job = vbSnapshotDeleteFindJob(vm, intent, i);

        if (job) {
            job->deleting = true;
            job->deleteInterrupted = true;
        }
    }
}

/* After the recovery: the jobs it left (it could not end them) are the
 * clients' again */
static void
vbSnapshotDeleteReleaseJobs(vbDomainObj *vm)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, vm->blockjobs);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        vbBlockJob *job = value;

        if (job->deleteInterrupted) {
            job->deleteInterrupted = false;
            job->deleting = false;
        }
    }
}

bool
vbSnapshotDeleteIntentExists(vbDomainObj *vm)
{
    g_autofree char *path = vbSnapshotDeleteIntentPath(vm);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

bool
vbSnapshotDeleteIntentUnresolved(vbDomainObj *vm)
{
    g_autoptr(vbSnapshotDeleteIntent) intent = NULL;
    bool broken;

    if (!(intent = vbSnapshotDeleteIntentRead(vm, &broken)))
        vbResetLastError();
    return intent != NULL;
}

void
vbDomainSnapshotDeleteRecover(vbDriver *driver, vbDomainObj *vm)
{
    vbDomainObjLock(vm);
    if (vm->removing || !vbSnapshotDeleteIntentExists(vm)) {
        vbSnapshotDeleteReleaseJobs(vm);
        vbDomainObjUnlock(vm);
        return;
    }
    vbSnapshotDeleteTestWait(vm);
    while (vbDomainObjBeginJobFull(vm, VB_JOB_MODIFY, "snapshot delete recovery") < 0) {
        if (vbGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT ||
            g_atomic_int_get(&driver->shuttingDown)) {
            VB_ERROR("domain '%s': cannot resolve an interrupted snapshot delete: %s",
                     vm->def->name, vbGetLastErrorMessage());
            vbResetLastError();
            vbSnapshotDeleteReleaseJobs(vm);
            vbDomainObjUnlock(vm);
            return;
        }
    }
    vbSnapshotDeleteTestHold(vm);
    vbSnapshotDeleteRecoverJob(driver, vm);
    vbSnapshotDeleteReleaseJobs(vm);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    vbDomainObjUnlock(vm);
}
