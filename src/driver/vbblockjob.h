/*
 * vbblockjob.h: the block job object, and its per-type data
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A block job is disk state: the object records what QEMU said and what
 * the job is to do; vbblockjobupdate.h applies what QEMU reports.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <libvirt/libvirt.h>

#include "vbinternal.h"
#include "vbdomainobj.h"
#include "vbenum.h"

typedef enum {
    /* The public outcomes first, with the values of the events. */
    VB_BLOCK_JOB_STATE_COMPLETED = VIR_DOMAIN_BLOCK_JOB_COMPLETED,
    VB_BLOCK_JOB_STATE_FAILED = VIR_DOMAIN_BLOCK_JOB_FAILED,
    VB_BLOCK_JOB_STATE_CANCELLED = VIR_DOMAIN_BLOCK_JOB_CANCELED,
    VB_BLOCK_JOB_STATE_READY = VIR_DOMAIN_BLOCK_JOB_READY,
    /* Ours */
    VB_BLOCK_JOB_STATE_NEW, /* registered; QEMU has not accepted it yet */
    VB_BLOCK_JOB_STATE_RUNNING,
    VB_BLOCK_JOB_STATE_CONCLUDED, /* over in QEMU; success or failure not yet read */
    VB_BLOCK_JOB_STATE_ABORTING,  /* cancel requested */
    VB_BLOCK_JOB_STATE_PIVOTING,  /* job-complete issued */
    VB_BLOCK_JOB_STATE_PENDING,   /* done; QEMU changes the graph only at job-finalize */

    VB_BLOCK_JOB_STATE_LAST
} vbBlockJobState;
VB_ENUM_DECL(vbBlockJobState);
G_STATIC_ASSERT((int) VB_BLOCK_JOB_STATE_NEW == VIR_DOMAIN_BLOCK_JOB_LAST);

/* libvirt's virDomainBlockJobType, typed so that switches list every value;
 * the status file names them.  Private types (create, ...) would follow
 * the public ones, as the states do. */
typedef enum {
    VB_BLOCK_JOB_TYPE_NONE = VIR_DOMAIN_BLOCK_JOB_TYPE_UNKNOWN, /* never a registered job */
    VB_BLOCK_JOB_TYPE_PULL = VIR_DOMAIN_BLOCK_JOB_TYPE_PULL,
    VB_BLOCK_JOB_TYPE_COPY = VIR_DOMAIN_BLOCK_JOB_TYPE_COPY,
    VB_BLOCK_JOB_TYPE_COMMIT = VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT,
    VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT = VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT,
    VB_BLOCK_JOB_TYPE_BACKUP = VIR_DOMAIN_BLOCK_JOB_TYPE_BACKUP,

    VB_BLOCK_JOB_TYPE_LAST
} vbBlockJobType;
VB_ENUM_DECL(vbBlockJobType);
G_STATIC_ASSERT((int) VB_BLOCK_JOB_TYPE_LAST == VIR_DOMAIN_BLOCK_JOB_TYPE_LAST);

/* The data of COMMIT and ACTIVE_COMMIT jobs */
typedef struct _vbBlockJobCommitData vbBlockJobCommitData;
struct _vbBlockJobCommitData {
    /* Node names: they stay valid across a daemon restart, and the chain
     * elements are found from them. */
    char *topParent; /* NULL for an active commit */
    char *top;
    char *base;
    char *backingFile; /* written into topParent's header; NULL when active */
    bool deleteImages;
};

struct _vbBlockJob {
    gint refs;
    char *name;          /* QEMU's job id, "commit-vda-libvirt-3-format" */
    vbBlockJobType type; /* selects the member of @data */
    char *disk;          /* target of the disk it belongs to */
    vbBlockJobState state;
    int newstate;          /* vbBlockJobState recorded from QEMU, -1 when none */
    unsigned int jobflags; /* the API's flags, kept for the status file */
    char *errmsg;          /* QEMU's error of a failed job */
    bool offline;          /* runs in a qemu-storage-daemon for a shut-off domain */
    /* Started with auto-finalize off (a snapshot deletion): a finished job
     * waits in PENDING, and its graph change (the pivot of an active
     * commit, the chain shortened by another) happens only when we send
     * job-finalize, so that several disks switch together or not at all. */
    bool manualFinalize;
    /* In memory only.  @deleting: a snapshot deletion in progress waits
     * for the job and decides when it finalizes; @finalizeOnPending: the
     * job machine sends job-finalize itself once the job is PENDING (a
     * pivot asked by virDomainBlockJobAbort of a job no deletion drives,
     * e.g. after a daemon restart). */
    bool deleting;
    bool finalizeOnPending;
    /* In memory only: claimed at daemon start, before it listens, by the
     * intent of a delete the daemon died in; until the recovery resolves
     * it, a client may neither pivot nor abort it (either would break the
     * delete's all-or-none switch) */
    bool deleteInterrupted;

    /* Per type, as libvirt's qemuBlockJobData: pull, copy and backup add
     * their members here with their jobs. */
    union {
        vbBlockJobCommitData commit; /* COMMIT, ACTIVE_COMMIT */
    } data;
};

vbBlockJob *vbBlockJobNew(const char *name, vbBlockJobType type, const char *disk);
vbBlockJob *vbBlockJobRef(vbBlockJob *job);
void vbBlockJobUnref(vbBlockJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbBlockJob, vbBlockJobUnref);

/* Registers @job on @vm; refuses a second job on the same disk (an internal
 * error: the API checks first, with the user-facing message). */
int vbBlockJobRegister(vbDomainObj *vm, vbBlockJob *job);
void vbBlockJobUnregister(vbDomainObj *vm, vbBlockJob *job);

/* The job of the disk with target @dst, or NULL. */
vbBlockJob *vbBlockJobForDisk(vbDomainObj *vm, const char *dst);

/* RUNNING, READY, ABORTING, PIVOTING or PENDING: the job still owns the disk. */
bool vbBlockJobIsRunning(const vbBlockJob *job);

/* Refuses a disk with a mirror or a running job, with libvirt's message
 * (BLOCK_COPY_ACTIVE / OPERATION_UNSUPPORTED "disk '%s' already in active
 * block job"). */
int vbBlockJobCheckDiskIdle(vbDomainObj *vm, const vbDomainDiskDef *disk);

/* Refuses @what ("start", "undefine", "snapshot") while a job runs on the shut-off
 * domain's images (OPERATION_INVALID naming the job). */
int vbBlockJobCheckNoOfflineJob(vbDomainObj *vm, const char *what);
