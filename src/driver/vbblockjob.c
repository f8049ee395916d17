/*
 * vbblockjob.c: the block job object, and its per-type data
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbblockjob.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

VB_ENUM_IMPL(vbBlockJobState, VB_BLOCK_JOB_STATE_LAST, "completed", "failed", "cancelled", "ready",
             "new", "running", "concluded", "aborting", "pivoting", "pending");

VB_ENUM_IMPL(vbBlockJobType, VB_BLOCK_JOB_TYPE_LAST, "", "pull", "copy", "commit", "active-commit",
             "backup");

vbBlockJob *
vbBlockJobNew(const char *name, vbBlockJobType type, const char *disk)
{
    vbBlockJob *job = g_new0(vbBlockJob, 1);

    job->refs = 1;
    job->name = g_strdup(name);
    job->type = type;
    job->disk = g_strdup(disk);
    job->state = VB_BLOCK_JOB_STATE_NEW;
    job->newstate = -1;
    return job;
}

vbBlockJob *
vbBlockJobRef(vbBlockJob *job)
{
    g_atomic_int_inc(&job->refs);
    return job;
}

static void
vbBlockJobCommitDataClear(vbBlockJobCommitData *commit)
{
    g_free(commit->topParent);
    g_free(commit->top);
    g_free(commit->base);
    g_free(commit->backingFile);
}

static void
vbBlockJobDataClear(vbBlockJob *job)
{
    switch (job->type) {
    case VB_BLOCK_JOB_TYPE_COMMIT:
    case VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT:
        vbBlockJobCommitDataClear(&job->data.commit);
        break;
    case VB_BLOCK_JOB_TYPE_NONE:
    case VB_BLOCK_JOB_TYPE_PULL:
    case VB_BLOCK_JOB_TYPE_COPY:
    case VB_BLOCK_JOB_TYPE_BACKUP:
    case VB_BLOCK_JOB_TYPE_LAST:
        break;
    }
}

void
vbBlockJobUnref(vbBlockJob *job)
{
    if (!job || !g_atomic_int_dec_and_test(&job->refs))
        return;
    vbBlockJobDataClear(job);
    g_free(job->name);
    g_free(job->disk);
    g_free(job->errmsg);
    g_free(job);
}

vbBlockJob *
vbBlockJobForDisk(vbDomainObj *vm, const char *dst)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, vm->blockjobs);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        vbBlockJob *job = value;

        if (strcmp(job->disk, dst) == 0)
            return job;
    }
    return NULL;
}

int
vbBlockJobRegister(vbDomainObj *vm, vbBlockJob *job)
{
    if (vbBlockJobForDisk(vm, job->disk)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("disk '%s' has a blockjob assigned"), job->disk);
        return -1;
    }
    g_hash_table_insert(vm->blockjobs, job->name, vbBlockJobRef(job));
    return 0;
}

void
vbBlockJobUnregister(vbDomainObj *vm, vbBlockJob *job)
{
    g_hash_table_remove(vm->blockjobs, job->name);
    /* API threads waiting for the job's end (abort without ASYNC) */
    vbDomainObjBroadcast(vm);
}

bool
vbBlockJobIsRunning(const vbBlockJob *job)
{
    return job->state == VB_BLOCK_JOB_STATE_RUNNING || job->state == VB_BLOCK_JOB_STATE_READY ||
           job->state == VB_BLOCK_JOB_STATE_ABORTING || job->state == VB_BLOCK_JOB_STATE_PIVOTING ||
           job->state == VB_BLOCK_JOB_STATE_PENDING;
}

int
vbBlockJobCheckDiskIdle(vbDomainObj *vm, const vbDomainDiskDef *disk)
{
    vbBlockJob *job;

    if (disk->mirror) {
        vbReportError(VIR_ERR_BLOCK_COPY_ACTIVE, _("disk '%s' already in active block job"),
                      disk->dst);
        return -1;
    }
    if ((job = vbBlockJobForDisk(vm, disk->dst)) && vbBlockJobIsRunning(job)) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, _("disk '%s' already in active block job"),
                      disk->dst);
        return -1;
    }
    return 0;
}

int
vbBlockJobCheckNoOfflineJob(vbDomainObj *vm, const char *what)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, vm->blockjobs);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        vbBlockJob *job = value;

        if (job->offline) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("cannot %s domain '%s' while block job '%s' runs on its disk '%s'"),
                          what, vm->def->name, job->name, job->disk);
            return -1;
        }
    }
    return 0;
}

/* The jobs of @vm, referenced, so that processing one may drop others. */
