/*
 * vbblockjobupdate.c: block jobs: the state QEMU reports, and what it
 * means for the disk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The order of the steps that finish a job is chosen so that the daemon can
 * be killed after any of them and redo the rest on restart:
 *   1. read the outcome from QEMU (query-jobs) and save it in the status;
 *   2. job-dismiss: QEMU keeps the nodes of a concluded job busy, so they
 *      cannot be deleted before; from now on a restart finishes the job
 *      from the outcome in the status file;
 *   3. apply it: chain, definitions, blockdev-del, deleted files; each step
 *      tolerates having been done already;
 *   4. save the persistent definition, queue the events, drop the job and
 *      save the status.
 */

#include <string.h>

#include "vbinternal.h"
#include "vbblockcommitcomplete.h"
#include "vbblockjobupdate.h"
#include "vberror.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitorblock.h"
#include "vbmonitorjob.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static void
vbBlockJobSaveStatus(vbDriver *driver, vbDomainObj *vm)
{
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status of domain '%s': %s", vm->def->name, vbGetLastErrorMessage());
}

void
vbBlockJobStarted(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job)
{
    if (job->state == VB_BLOCK_JOB_STATE_NEW)
        job->state = VB_BLOCK_JOB_STATE_RUNNING;
    vbBlockJobSaveStatus(driver, vm);
}

void
vbBlockJobStartupFinalize(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job)
{
    if (job->state != VB_BLOCK_JOB_STATE_NEW)
        return;
    vbBlockJobUnregister(vm, job);
    vbBlockJobSaveStatus(driver, vm);
}

/* libvirt's qemuDomainDiskBlockJobIsActive */
static GPtrArray *
vbBlockJobList(vbDomainObj *vm)
{
    GPtrArray *jobs = g_ptr_array_new_with_free_func((GDestroyNotify) vbBlockJobUnref);
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, vm->blockjobs);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(jobs, vbBlockJobRef(value));
    return jobs;
}

static const vbMonitorJobInfo *
vbBlockJobFindQueryJob(GPtrArray *jobs, const char *id)
{
    size_t i;

    for (i = 0; jobs && i < jobs->len; i++) {
        const vbMonitorJobInfo *info = g_ptr_array_index(jobs, i);

        if (g_strcmp0(info->id, id) == 0)
            return info;
    }
    return NULL;
}

/* --- Events for clients --- */

static void
vbBlockJobEmitEvents(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job, int status)
{
    vbDomainDiskDef *disk = vbDomainDiskByName(vm->def, job->disk);

    if (!disk || job->type <= VB_BLOCK_JOB_TYPE_NONE || job->type >= VB_BLOCK_JOB_TYPE_LAST ||
        status < 0 || status >= VIR_DOMAIN_BLOCK_JOB_LAST)
        return;

    /* The legacy event names the image path, only for local images. */
    if (!vbStorageSourceIsEmpty(disk->src))
        vbDomainEventQueuePush(driver->events,
                               vbDomainEventBlockJobNew(vm->def->name, vm->def->uuid, vm->id,
                                                        VIR_DOMAIN_EVENT_ID_BLOCK_JOB,
                                                        disk->src->path, job->type, status));
    vbDomainEventQueuePush(driver->events,
                           vbDomainEventBlockJobNew(vm->def->name, vm->def->uuid, vm->id,
                                                    VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, disk->dst,
                                                    job->type, status));
}

/* --- From QEMU --- */

void
vbBlockJobHandleUpdate(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job)
{
    vbDomainObjLock(vm);
    /* The outcome must be applied however long an API holds the job: a
     * concluded job gets no further event to retry with. */
    while (vbDomainObjBeginJobFull(vm, VB_JOB_MODIFY, "block job update") < 0) {
        if (vbGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT || !vbDomainObjHasMonitor(vm)) {
            VB_ERROR("cannot process block job '%s': %s", job->name, vbGetLastErrorMessage());
            vbDomainObjUnlock(vm);
            return;
        }
    }
    if (vbDomainObjHasMonitor(vm) && g_hash_table_lookup(vm->blockjobs, job->name) == job)
        vbBlockJobUpdate(driver, vm, job);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    vbDomainObjUnlock(vm);
}

void
vbBlockJobHandleStatusChange(vbDriver *driver, vbDomainObj *vm, const char *id,
                             vbMonitorJobStatus status)
{
    vbBlockJob *job = g_hash_table_lookup(vm->blockjobs, id);
    int newstate;

    VB_DEBUG("job '%s' of domain '%s' is now '%s'", id, vm->def->name,
             vbMonitorJobStatusTypeToString(status));
    /* Jobs we did not start (or already forgot) are not ours to track. */
    if (!job)
        return;

    /* Only the states that change something for the disk.  'pending' is
     * a state of its own only with auto-finalize off (a snapshot
     * deletion); any other job passes it on its way to 'concluded'. */
    if (status == VB_MONITOR_JOB_STATUS_READY)
        newstate = VB_BLOCK_JOB_STATE_READY;
    else if (status == VB_MONITOR_JOB_STATUS_PENDING && job->manualFinalize)
        newstate = VB_BLOCK_JOB_STATE_PENDING;
    else if (status == VB_MONITOR_JOB_STATUS_CONCLUDED)
        newstate = VB_BLOCK_JOB_STATE_CONCLUDED;
    else
        return;

    job->newstate = newstate;
    vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_BLOCK_JOB_UPDATE, vbBlockJobRef(job),
                         (GDestroyNotify) vbBlockJobUnref);
    /* a delete's recovery, which holds the job, applies it itself */
    vbDomainObjBroadcast(vm);
}

/* An active commit: COMPLETED when the disk's device sits on the job's base node now,
 * CANCELLED when on its top node, FAILED when on neither; -1 when QEMU
 * cannot be asked (a later recovery asks again). */
static int
vbBlockJobActiveOutcomeFromGraph(vbDomainObj *vm, vbBlockJob *job)
{
    vbDomainDiskDef *disk = vbDomainDiskByName(vm->def, job->disk);
    g_autofree char *root = NULL;
    vbMonitor *mon;
    int rc;

    if (!disk || !disk->info.alias) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("disk '%s' of block job '%s' has no device"),
                      job->disk, job->name);
        return -1;
    }
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorQueryBlockDeviceRoot(mon, disk->info.alias, &root);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;

    if (g_strcmp0(root, job->data.commit.base) == 0) {
        VB_INFO("block job '%s' pivoted: device '%s' is on '%s'", job->name, disk->info.alias,
                root);
        return VB_BLOCK_JOB_STATE_COMPLETED;
    }
    if (g_strcmp0(root, job->data.commit.top) == 0) {
        VB_INFO("block job '%s' was cancelled: device '%s' is on '%s'", job->name, disk->info.alias,
                root);
        return VB_BLOCK_JOB_STATE_CANCELLED;
    }
    /* Neither: something else switched the device.  The job is over
     * all the same; FAILED keeps the definitions as they were, and a
     * waiting client learns why instead of waiting for ever. */
    g_free(job->errmsg);
    job->errmsg = g_strdup_printf(
        _("device '%s' is on node '%s', neither the job's top '%s' nor its base '%s'"),
        disk->info.alias, NULLSTR(root), job->data.commit.top, job->data.commit.base);
    VB_ERROR("block job '%s': %s", job->name, job->errmsg);
    return VB_BLOCK_JOB_STATE_FAILED;
}

/* Reads the outcome of a concluded job: COMPLETED, or FAILED with QEMU's
 * message.  A job QEMU no longer knows failed in a way we cannot tell. */
static int
vbBlockJobRefreshOutcome(vbDomainObj *vm, vbBlockJob *job)
{
    g_autoptr(GPtrArray) jobs = NULL;
    vbMonitor *mon = vbDomainObjEnterMonitor(vm);
    const vbMonitorJobInfo *info;
    int rc;

    rc = vbMonitorQueryJobs(mon, &jobs);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;

    if (!(info = vbBlockJobFindQueryJob(jobs, job->name))) {
        VB_WARN("block job '%s' concluded but QEMU no longer lists it", job->name);
        g_free(job->errmsg);
        job->errmsg = g_strdup(_("the job disappeared from QEMU"));
        return VB_BLOCK_JOB_STATE_FAILED;
    }
    if (info->error) {
        g_free(job->errmsg);
        job->errmsg = g_strdup(info->error);
        return VB_BLOCK_JOB_STATE_FAILED;
    }
    switch (job->type) {
    case VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT:
        /* An active commit ends without error both after job-complete (the
         * disk now on base) and after a cancel once READY (the disk still
         * on top).  Which of the two we asked for is known unless the
         * request's answer was lost (the monitor failed, or the daemon
         * died, while it was in flight): then the device's graph tells. */
        if (job->state != VB_BLOCK_JOB_STATE_PIVOTING &&
            job->state != VB_BLOCK_JOB_STATE_ABORTING && job->state != VB_BLOCK_JOB_STATE_PENDING)
            return vbBlockJobActiveOutcomeFromGraph(vm, job);
        /* From PENDING a job concludes without error only by job-finalize
         * (a cancel, even a soft one, is forced there): it pivoted. */
        break;
    case VB_BLOCK_JOB_TYPE_COMMIT:
    case VB_BLOCK_JOB_TYPE_NONE:
    case VB_BLOCK_JOB_TYPE_PULL:
    case VB_BLOCK_JOB_TYPE_COPY:
    case VB_BLOCK_JOB_TYPE_BACKUP:
    case VB_BLOCK_JOB_TYPE_LAST:
        break;
    }
    return VB_BLOCK_JOB_STATE_COMPLETED;
}

static void
vbBlockJobDismiss(vbDomainObj *vm, vbBlockJob *job)
{
    vbMonitor *mon;

    if (!vm->mon)
        return;
    mon = vbDomainObjEnterMonitor(vm);
    if (vbMonitorJobDismiss(mon, job->name) < 0)
        VB_DEBUG("job-dismiss of '%s': %s", job->name, vbGetLastErrorMessage());
    vbDomainObjExitMonitor(vm, mon);
}

/* What the outcome means for the disk: one handler per type and outcome,
 * as libvirt's qemuBlockJobEventProcessConcludedTransition.  A type we
 * never start is our bug, not something to treat as a commit. */
static int
vbBlockJobProcessOutcome(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job, int newstate)
{
    bool completed = newstate == VB_BLOCK_JOB_STATE_COMPLETED;

    switch (job->type) {
    case VB_BLOCK_JOB_TYPE_COMMIT:
        /* A failed intermediate commit leaves the chain as it was. */
        if (completed)
            vbBlockCommitProcessCompletedIntermediate(driver, vm, job);
        return 0;
    case VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT:
        if (completed)
            vbBlockCommitProcessCompletedActive(driver, vm, job);
        else
            vbBlockCommitProcessFailedActive(driver, vm, job);
        return 0;
    case VB_BLOCK_JOB_TYPE_NONE:
    case VB_BLOCK_JOB_TYPE_PULL:
    case VB_BLOCK_JOB_TYPE_COPY:
    case VB_BLOCK_JOB_TYPE_BACKUP:
    case VB_BLOCK_JOB_TYPE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected type '%s' of block job '%s'"),
                  NULLSTR(vbBlockJobTypeTypeToString(job->type)), job->name);
    return -1;
}

static void
vbBlockJobProcessConcluded(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job, int newstate)
{
    vbDomainDiskDef *disk;

    /* Step 1: the outcome, saved before anything changes. */
    if (newstate == VB_BLOCK_JOB_STATE_CONCLUDED) {
        if ((newstate = vbBlockJobRefreshOutcome(vm, job)) < 0) {
            VB_ERROR("cannot read the outcome of block job '%s': %s", job->name,
                     vbGetLastErrorMessage());
            return;
        }
        /* A cancel we asked for ends as cancelled, whatever QEMU says:
         * after READY a soft cancel concludes without error. */
        if (job->state == VB_BLOCK_JOB_STATE_ABORTING)
            newstate = VB_BLOCK_JOB_STATE_CANCELLED;
        job->newstate = newstate;
        vbBlockJobSaveStatus(driver, vm);
    }

    /* Step 2: a job QEMU no longer lists fails to dismiss, harmlessly. */
    vbBlockJobDismiss(vm, job);

    /* Step 3: what it means for the disk */
    if (vbBlockJobProcessOutcome(driver, vm, job, newstate) < 0)
        VB_ERROR("cannot apply the outcome of block job '%s': %s", job->name,
                 vbGetLastErrorMessage());

    if ((disk = vbDomainDiskByName(vm->def, job->disk))) {
        disk->mirrorState = VB_DOMAIN_DISK_MIRROR_STATE_NONE;
        if (!disk->mirror)
            disk->mirrorJob = VB_DOMAIN_DISK_MIRROR_JOB_NONE;
    }

    /* Step 4: save the definition, then tell and forget.  The definition
     * goes first: once the status file no longer holds the job, a restart
     * would not redo it. */
    if (vm->persistent && vbDomainObjSaveConfig(vm) < 0)
        VB_ERROR("cannot save the definition of domain '%s': %s", vm->def->name,
                 vbGetLastErrorMessage());
    vbBlockJobEmitEvents(driver, vm, job, newstate);
    job->state = newstate;
    job->newstate = -1;
    vbBlockJobUnregister(vm, job);
    vbBlockJobSaveStatus(driver, vm);
    /* The storage daemon of a shut-off domain is stopped by a later item
     * of work, so that the offline code stays above this one. */
    if (vm->offline && g_hash_table_size(vm->blockjobs) == 0)
        vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_BLOCK_JOBS_ENDED, NULL, NULL);
    VB_INFO("block job '%s' of domain '%s' ended: %s%s%s", job->name, vm->def->name,
            vbBlockJobStateTypeToString(newstate), job->errmsg ? ": " : "",
            job->errmsg ? job->errmsg : "");
}

/* job-finalize of a PENDING job whose pivot a client asked for; QEMU then
 * concludes it, and that event finishes it as any job.  A failure leaves
 * it PENDING, for an abort or the next restart. */
static void
vbBlockJobFinalizeNow(vbDomainObj *vm, vbBlockJob *job)
{
    vbMonitor *mon = vbDomainObjEnterMonitor(vm);
    int rc = vbMonitorJobFinalize(mon, job->name);

    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        VB_ERROR("cannot finalize block job '%s': %s", job->name, vbGetLastErrorMessage());
}

void
vbBlockJobUpdate(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job)
{
    int newstate = job->newstate;
    vbDomainDiskDef *disk;

    if (newstate < 0)
        return;

    switch ((vbBlockJobState) newstate) {
    case VB_BLOCK_JOB_STATE_READY:
        job->newstate = -1;
        /* QEMU may report READY again (e.g. after an error cleared, or a
         * pause and resume); only the first one from RUNNING counts, and a
         * late one must not undo PIVOTING or ABORTING. */
        if (job->state != VB_BLOCK_JOB_STATE_NEW && job->state != VB_BLOCK_JOB_STATE_RUNNING)
            return;
        if ((disk = vbDomainDiskByName(vm->def, job->disk)) && disk->mirror)
            disk->mirrorState = VB_DOMAIN_DISK_MIRROR_STATE_READY;
        job->state = VB_BLOCK_JOB_STATE_READY;
        vbBlockJobEmitEvents(driver, vm, job, VIR_DOMAIN_BLOCK_JOB_READY);
        vbBlockJobSaveStatus(driver, vm);
        /* a snapshot deletion waits for READY to pivot */
        vbDomainObjBroadcast(vm);
        return;

    case VB_BLOCK_JOB_STATE_PENDING:
        job->newstate = -1;
        /* A cancel requested meanwhile wins; libvirt sends clients no
         * event for this state. */
        if (job->state == VB_BLOCK_JOB_STATE_ABORTING || job->state == VB_BLOCK_JOB_STATE_PENDING)
            return;
        job->state = VB_BLOCK_JOB_STATE_PENDING;
        vbBlockJobSaveStatus(driver, vm);
        if (job->finalizeOnPending)
            vbBlockJobFinalizeNow(vm, job);
        /* a snapshot deletion waits for every disk's job to get here */
        vbDomainObjBroadcast(vm);
        return;

    case VB_BLOCK_JOB_STATE_CONCLUDED:
    case VB_BLOCK_JOB_STATE_COMPLETED:
    case VB_BLOCK_JOB_STATE_FAILED:
    case VB_BLOCK_JOB_STATE_CANCELLED:
        vbBlockJobProcessConcluded(driver, vm, job, newstate);
        return;

    case VB_BLOCK_JOB_STATE_NEW:
    case VB_BLOCK_JOB_STATE_RUNNING:
    case VB_BLOCK_JOB_STATE_ABORTING:
    case VB_BLOCK_JOB_STATE_PIVOTING:
    case VB_BLOCK_JOB_STATE_LAST:
        break;
    }
    job->newstate = -1;
}

void
vbBlockJobAbandonAll(vbDriver *driver, vbDomainObj *vm, const char *reason)
{
    g_autoptr(GPtrArray) jobs = vbBlockJobList(vm);
    size_t i;

    for (i = 0; i < jobs->len; i++) {
        vbBlockJob *job = g_ptr_array_index(jobs, i);
        vbDomainDiskDef *disk = vbDomainDiskByName(vm->def, job->disk);

        g_free(job->errmsg);
        job->errmsg = g_strdup(reason);
        if (disk) {
            g_clear_pointer(&disk->mirror, vbStorageSourceFree);
            disk->mirrorJob = VB_DOMAIN_DISK_MIRROR_JOB_NONE;
            disk->mirrorState = VB_DOMAIN_DISK_MIRROR_STATE_NONE;
        }
        vbBlockJobEmitEvents(driver, vm, job, VIR_DOMAIN_BLOCK_JOB_FAILED);
        job->state = VB_BLOCK_JOB_STATE_FAILED;
        vbBlockJobUnregister(vm, job);
    }
}

/* --- After a daemon restart --- */

/* Whether the job's data still resolves against the disk's chain. */
static bool
vbBlockJobIsValid(vbDomainObj *vm, vbBlockJob *job)
{
    switch (job->type) {
    case VB_BLOCK_JOB_TYPE_COMMIT:
    case VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT:
        return vbBlockCommitJobIsValid(vm, job);
    case VB_BLOCK_JOB_TYPE_NONE:
    case VB_BLOCK_JOB_TYPE_PULL:
    case VB_BLOCK_JOB_TYPE_COPY:
    case VB_BLOCK_JOB_TYPE_BACKUP:
    case VB_BLOCK_JOB_TYPE_LAST:
        break;
    }
    /* Not a job we start: nothing to resume it with. */
    return false;
}

int
vbBlockJobRefreshJobs(vbDriver *driver, vbDomainObj *vm)
{
    g_autoptr(GPtrArray) qjobs = NULL;
    g_autoptr(GPtrArray) jobs = NULL;
    g_autoptr(GHashTable) finished = NULL;
    vbMonitor *mon = vbDomainObjEnterMonitor(vm);
    size_t i;
    int rc;

    rc = vbMonitorQueryJobs(mon, &qjobs);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;

    jobs = vbBlockJobList(vm);
    finished = g_hash_table_new(g_str_hash, g_str_equal);

    for (i = 0; i < jobs->len; i++) {
        vbBlockJob *job = g_ptr_array_index(jobs, i);
        const vbMonitorJobInfo *info = vbBlockJobFindQueryJob(qjobs, job->name);

        if (!info) {
            /* Outcome already read before the restart: finish it. */
            if (job->newstate == VB_BLOCK_JOB_STATE_COMPLETED ||
                job->newstate == VB_BLOCK_JOB_STATE_FAILED ||
                job->newstate == VB_BLOCK_JOB_STATE_CANCELLED) {
                vbBlockJobUpdate(driver, vm, job);
                continue;
            }
            VB_WARN("dropping block job '%s' untracked by QEMU", job->name);
            vbBlockJobUnregister(vm, job);
            continue;
        }

        if (!vbBlockJobIsValid(vm, job)) {
            VB_WARN("block job '%s' does not match the disk any more: cancelling it", job->name);
            mon = vbDomainObjEnterMonitor(vm);
            rc = vbMonitorBlockJobCancel(mon, job->name, true);
            if (vbDomainObjExitMonitor(vm, mon) < 0)
                return -1;
            if (rc < 0)
                VB_WARN("cannot cancel block job '%s': %s", job->name, vbGetLastErrorMessage());
            vbBlockJobUnregister(vm, job);
            continue;
        }

        if (job->state == VB_BLOCK_JOB_STATE_NEW)
            job->state = VB_BLOCK_JOB_STATE_RUNNING;

        switch (info->status) {
        case VB_MONITOR_JOB_STATUS_CONCLUDED:
            /* processing dismisses it */
            g_hash_table_add(finished, job->name);
            if (job->newstate != VB_BLOCK_JOB_STATE_COMPLETED &&
                job->newstate != VB_BLOCK_JOB_STATE_FAILED &&
                job->newstate != VB_BLOCK_JOB_STATE_CANCELLED)
                job->newstate = VB_BLOCK_JOB_STATE_CONCLUDED;
            vbBlockJobUpdate(driver, vm, job);
            break;
        case VB_MONITOR_JOB_STATUS_READY:
        case VB_MONITOR_JOB_STATUS_STANDBY:
            job->newstate = VB_BLOCK_JOB_STATE_READY;
            vbBlockJobUpdate(driver, vm, job);
            break;
        case VB_MONITOR_JOB_STATUS_PENDING:
            /* Waits for job-finalize, which only the snapshot deletion
             * that started it (or its recovery) decides to send. */
            job->newstate = VB_BLOCK_JOB_STATE_PENDING;
            vbBlockJobUpdate(driver, vm, job);
            break;
        default:
            break;
        }
    }

    /* Concluded jobs of ours whose end we had processed but not yet
     * dismissed when the daemon stopped. */
    for (i = 0; i < qjobs->len; i++) {
        const vbMonitorJobInfo *info = g_ptr_array_index(qjobs, i);

        if (info->status == VB_MONITOR_JOB_STATUS_CONCLUDED &&
            g_str_has_prefix(info->id, "commit-") && !g_hash_table_contains(finished, info->id) &&
            !g_hash_table_lookup(vm->blockjobs, info->id)) {
            mon = vbDomainObjEnterMonitor(vm);
            if (vbMonitorJobDismiss(mon, info->id) < 0)
                VB_DEBUG("job-dismiss of '%s': %s", info->id, vbGetLastErrorMessage());
            if (vbDomainObjExitMonitor(vm, mon) < 0)
                return -1;
        }
    }
    return 0;
}
