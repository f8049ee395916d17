/*
 * vbmonitorjob.c: QMP commands for jobs (job-*, block-job-*, queries)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbmonitorjob.h"
#include "vbqmpcommand.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

VB_ENUM_IMPL(vbMonitorJobStatus, VB_MONITOR_JOB_STATUS_LAST, "undefined", "created", "running",
             "paused", "ready", "standby", "waiting", "pending", "aborting", "concluded", "null");

VB_ENUM_IMPL(vbMonitorJobType, VB_MONITOR_JOB_TYPE_LAST, "unknown", "commit", "stream", "mirror",
             "backup", "create", "amend", "snapshot-load", "snapshot-save", "snapshot-delete");

void
vbMonitorJobInfoFree(vbMonitorJobInfo *info)
{
    if (!info)
        return;
    g_free(info->id);
    g_free(info->error);
    g_free(info);
}

void
vbMonitorBlockJobInfoFree(vbMonitorBlockJobInfo *info)
{
    if (!info)
        return;
    g_free(info->device);
    g_free(info->error);
    g_free(info);
}

static int
vbMonitorJobSimple(vbMonitor *mon, const char *cmdname, const char *jobname)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew(cmdname, "s:id", jobname, NULL);

    return vbQMPCommandRun(mon, &cmd, NULL);
}

int
vbMonitorJobComplete(vbMonitor *mon, const char *jobname)
{
    return vbMonitorJobSimple(mon, "job-complete", jobname);
}

int
vbMonitorJobDismiss(vbMonitor *mon, const char *jobname)
{
    return vbMonitorJobSimple(mon, "job-dismiss", jobname);
}

int
vbMonitorJobFinalize(vbMonitor *mon, const char *jobname)
{
    return vbMonitorJobSimple(mon, "job-finalize", jobname);
}

int
vbMonitorJobCancel(vbMonitor *mon, const char *jobname)
{
    return vbMonitorJobSimple(mon, "job-cancel", jobname);
}

/* The block-job-* commands report an unknown job with the class
 * DeviceNotActive, which libvirt turns into this error. */
static int
vbMonitorBlockJobRun(vbMonitor *mon, vbJSONValue **cmd, const char *jobname)
{
    int rc = vbQMPCommandRunClass(mon, cmd, "DeviceNotActive", NULL);

    if (rc == 1) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("No active block job '%s'"), jobname);
        return -1;
    }
    return rc;
}

int
vbMonitorBlockJobCancel(vbMonitor *mon, const char *jobname, bool force)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("block-job-cancel", "s:device", jobname, "b:force", force, NULL);

    return vbMonitorBlockJobRun(mon, &cmd, jobname);
}

int
vbMonitorBlockJobSetSpeed(vbMonitor *mon, const char *jobname, long long speed)
{
    g_autoptr(vbJSONValue) cmd =
        vbQMPCommandNew("block-job-set-speed", "s:device", jobname, "J:speed", speed, NULL);

    return vbMonitorBlockJobRun(mon, &cmd, jobname);
}

static vbMonitorJobType
vbMonitorJobTypeParse(const char *str)
{
    int type = vbMonitorJobTypeTypeFromString(str);

    return type < 0 ? VB_MONITOR_JOB_TYPE_UNKNOWN : type;
}

/* a vbMonitorJobInfo, for vbQMPParseArray */
static gpointer
vbMonitorJobInfoParse(vbJSONValue *entry)
{
    g_autoptr(vbMonitorJobInfo) info = g_new0(vbMonitorJobInfo, 1);
    const char *id = vbJSONValueObjectGetString(entry, "id");
    const char *type = vbJSONValueObjectGetString(entry, "type");
    const char *status = vbJSONValueObjectGetString(entry, "status");
    int st;

    if (!id || !type || !status) {
        vbQMPReportMissing("query-jobs", !id ? "id" : !type ? "type" : "status");
        return NULL;
    }
    if ((st = vbMonitorJobStatusTypeFromString(status)) < 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("job '%s' has the unknown status '%s'"), id,
                      status);
        return NULL;
    }
    if (vbJSONValueObjectGetNumberUlong(entry, "current-progress", &info->progressCurrent) < 0) {
        vbQMPReportMissing("query-jobs", "current-progress");
        return NULL;
    }
    if (vbJSONValueObjectGetNumberUlong(entry, "total-progress", &info->progressTotal) < 0) {
        vbQMPReportMissing("query-jobs", "total-progress");
        return NULL;
    }
    info->id = g_strdup(id);
    info->type = vbMonitorJobTypeParse(type);
    info->status = st;
    info->error = g_strdup(vbJSONValueObjectGetString(entry, "error"));
    return g_steal_pointer(&info);
}

static void
vbMonitorJobInfoFreeFunc(gpointer info)
{
    vbMonitorJobInfoFree(info);
}

int
vbMonitorParseJobs(vbJSONValue *ret, GPtrArray **jobs)
{
    return vbQMPParseArray(ret, "query-jobs", vbMonitorJobInfoParse, vbMonitorJobInfoFreeFunc,
                           jobs);
}

int
vbMonitorQueryJobs(vbMonitor *mon, GPtrArray **jobs)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-jobs", NULL);
    g_autoptr(vbJSONValue) ret = NULL;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    return vbMonitorParseJobs(ret, jobs);
}

/* libvirt's wording for a field missing from query-block-jobs */
static void
vbMonitorBlockJobReportMissing(const char *field)
{
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("entry was missing '%s'"), field);
}

/* a vbMonitorBlockJobInfo, for vbQMPParseArray */
static gpointer
vbMonitorBlockJobInfoParse(vbJSONValue *entry)
{
    g_autoptr(vbMonitorBlockJobInfo) info = g_new0(vbMonitorBlockJobInfo, 1);
    const char *device = vbJSONValueObjectGetString(entry, "device");
    const char *type = vbJSONValueObjectGetString(entry, "type");
    const char *status = vbJSONValueObjectGetString(entry, "status");
    int st;

    if (!device) {
        vbMonitorBlockJobReportMissing("device");
        return NULL;
    }
    if (!type) {
        vbMonitorBlockJobReportMissing("type");
        return NULL;
    }
    if (vbJSONValueObjectGetNumberUlong(entry, "speed", &info->speed) < 0) {
        vbMonitorBlockJobReportMissing("speed");
        return NULL;
    }
    if (vbJSONValueObjectGetNumberUlong(entry, "offset", &info->offset) < 0) {
        vbMonitorBlockJobReportMissing("offset");
        return NULL;
    }
    if (vbJSONValueObjectGetNumberUlong(entry, "len", &info->len) < 0) {
        vbMonitorBlockJobReportMissing("len");
        return NULL;
    }
    if (vbJSONValueObjectGetBoolean(entry, "ready", &info->ready) < 0) {
        vbMonitorBlockJobReportMissing("ready");
        return NULL;
    }
    if (vbJSONValueObjectGetBoolean(entry, "busy", &info->busy) < 0) {
        vbMonitorBlockJobReportMissing("busy");
        return NULL;
    }
    if (vbJSONValueObjectGetBoolean(entry, "paused", &info->paused) < 0) {
        vbMonitorBlockJobReportMissing("paused");
        return NULL;
    }
    if (!status) {
        vbMonitorBlockJobReportMissing("status");
        return NULL;
    }
    if ((st = vbMonitorJobStatusTypeFromString(status)) < 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("job '%s' has the unknown status '%s'"), device,
                      status);
        return NULL;
    }
    info->device = g_strdup(device);
    info->type = vbMonitorJobTypeParse(type);
    info->status = st;
    info->error = g_strdup(vbJSONValueObjectGetString(entry, "error"));
    return g_steal_pointer(&info);
}

static void
vbMonitorBlockJobInfoFreeFunc(gpointer info)
{
    vbMonitorBlockJobInfoFree(info);
}

int
vbMonitorParseBlockJobs(vbJSONValue *ret, GPtrArray **jobs)
{
    return vbQMPParseArray(ret, "query-block-jobs", vbMonitorBlockJobInfoParse,
                           vbMonitorBlockJobInfoFreeFunc, jobs);
}

int
vbMonitorQueryBlockJobs(vbMonitor *mon, GPtrArray **jobs)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-block-jobs", NULL);
    g_autoptr(vbJSONValue) ret = NULL;

    if (vbQMPCommandRun(mon, &cmd, &ret) < 0)
        return -1;
    return vbMonitorParseBlockJobs(ret, jobs);
}
