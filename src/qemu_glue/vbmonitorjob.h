/*
 * vbmonitorjob.h: QMP commands for jobs (job-*, block-job-*, queries)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One function per QMP command: it builds the arguments, sends, checks the
 * reply and returns C values.  No domain objects and no locks; the caller
 * holds whatever it needs.  Every function returns 0, or -1 with the error
 * reported (a QMP error as "unable to execute QEMU command '<cmd>': <desc>").
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbmonitor.h"

/* QEMU's JobStatus, in its order (qapi/job.json) */
typedef enum {
    VB_MONITOR_JOB_STATUS_UNDEFINED,
    VB_MONITOR_JOB_STATUS_CREATED,
    VB_MONITOR_JOB_STATUS_RUNNING,
    VB_MONITOR_JOB_STATUS_PAUSED,
    VB_MONITOR_JOB_STATUS_READY,
    VB_MONITOR_JOB_STATUS_STANDBY,
    VB_MONITOR_JOB_STATUS_WAITING,
    VB_MONITOR_JOB_STATUS_PENDING,
    VB_MONITOR_JOB_STATUS_ABORTING,
    VB_MONITOR_JOB_STATUS_CONCLUDED,
    VB_MONITOR_JOB_STATUS_NULL,

    VB_MONITOR_JOB_STATUS_LAST
} vbMonitorJobStatus;

VB_ENUM_DECL(vbMonitorJobStatus);

/* QEMU's JobType (7.2); UNKNOWN stands for a type a newer QEMU added, so
 * that listing jobs does not fail on it. */
typedef enum {
    VB_MONITOR_JOB_TYPE_UNKNOWN,
    VB_MONITOR_JOB_TYPE_COMMIT,
    VB_MONITOR_JOB_TYPE_STREAM,
    VB_MONITOR_JOB_TYPE_MIRROR,
    VB_MONITOR_JOB_TYPE_BACKUP,
    VB_MONITOR_JOB_TYPE_CREATE,
    VB_MONITOR_JOB_TYPE_AMEND,
    VB_MONITOR_JOB_TYPE_SNAPSHOT_LOAD,
    VB_MONITOR_JOB_TYPE_SNAPSHOT_SAVE,
    VB_MONITOR_JOB_TYPE_SNAPSHOT_DELETE,

    VB_MONITOR_JOB_TYPE_LAST
} vbMonitorJobType;

VB_ENUM_DECL(vbMonitorJobType);

/* An entry of query-jobs */
typedef struct {
    char *id;
    vbMonitorJobType type;
    vbMonitorJobStatus status;
    char *error; /* NULL unless the job failed or was cancelled */
    unsigned long long progressCurrent;
    unsigned long long progressTotal;
} vbMonitorJobInfo;

void vbMonitorJobInfoFree(vbMonitorJobInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbMonitorJobInfo, vbMonitorJobInfoFree);

/* An entry of query-block-jobs */
typedef struct {
    char *device; /* the job id */
    vbMonitorJobType type;
    unsigned long long len;
    unsigned long long offset;
    unsigned long long speed;
    bool ready;
    bool busy;
    bool paused;
    vbMonitorJobStatus status;
    char *error; /* NULL unless failed */
} vbMonitorBlockJobInfo;

void vbMonitorBlockJobInfoFree(vbMonitorBlockJobInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbMonitorBlockJobInfo, vbMonitorBlockJobInfoFree);

/* job-* commands: @jobname is the job id */
int vbMonitorJobComplete(vbMonitor *mon, const char *jobname);
int vbMonitorJobDismiss(vbMonitor *mon, const char *jobname);
int vbMonitorJobFinalize(vbMonitor *mon, const char *jobname);
/* Always a forced cancel: a READY mirror/commit is not completed. */
int vbMonitorJobCancel(vbMonitor *mon, const char *jobname);

/* block-job-cancel; @force false after READY finishes without a pivot.
 * A job QEMU does not know is OPERATION_INVALID "No active block job". */
int vbMonitorBlockJobCancel(vbMonitor *mon, const char *jobname, bool force);
/* block-job-set-speed in bytes/s; a negative @speed is an internal error */
int vbMonitorBlockJobSetSpeed(vbMonitor *mon, const char *jobname, long long speed);

/* query-jobs: *@jobs gets a new array of vbMonitorJobInfo */
int vbMonitorQueryJobs(vbMonitor *mon, GPtrArray **jobs);
/* query-block-jobs: *@jobs gets a new array of vbMonitorBlockJobInfo */
int vbMonitorQueryBlockJobs(vbMonitor *mon, GPtrArray **jobs);

/* The answers of those two commands (their "return" member), parsed
 * without a monitor: used by the wrappers above and by the fuzz harness.
 * On error *@jobs is left untouched. */
int vbMonitorParseJobs(vbJSONValue *ret, GPtrArray **jobs);
int vbMonitorParseBlockJobs(vbJSONValue *ret, GPtrArray **jobs);
