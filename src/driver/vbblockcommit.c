/*
 * vbblockcommit.c: block commit, and the block job calls around it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The checks of vbDomainBlockCommit run in libvirt 9.0's order, each with
 * its message, because clients match on them: flags, domain, job,
 * bandwidth, disk, top, base, running, busy, active-layer rules, backing,
 * shallow, relative.
 */

/* O_PATH */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbblockjobupdate.h"
#include "vbblockoffline.h"
#include "vbblockcommit.h"
#include "vberror.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitorblock.h"
#include "vbmonitorjob.h"
#include "vbqemubitmap.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* LLONG_MAX >> 20: the largest MiB/s value whose bytes fit QEMU's int64 */
#define VB_BANDWIDTH_MAX_MIB (LLONG_MAX >> 20)

#define VB_BLOCK_COMMIT_KNOWN_FLAGS \
    (VIR_DOMAIN_BLOCK_COMMIT_SHALLOW | VIR_DOMAIN_BLOCK_COMMIT_DELETE | \
     VIR_DOMAIN_BLOCK_COMMIT_ACTIVE | VIR_DOMAIN_BLOCK_COMMIT_RELATIVE | \
     VIR_DOMAIN_BLOCK_COMMIT_BANDWIDTH_BYTES)

static int
vbBlockBandwidthToBytes(unsigned long long bandwidth, bool bytes, unsigned long long *speed)
{
    if (!bytes) {
        if (bandwidth > VB_BANDWIDTH_MAX_MIB) {
            vbReportError(VIR_ERR_OVERFLOW, _("bandwidth must be less than %llu"),
                          (unsigned long long) VB_BANDWIDTH_MAX_MIB);
            return -1;
        }
        *speed = bandwidth << 20;
        return 0;
    }
    *speed = bandwidth;
    return 0;
}

/* QEMU takes the speed as a signed 64-bit number. */
static int
vbBlockCheckSpeedFits(unsigned long long speed)
{
    if (speed > LLONG_MAX) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("argument key 'speed' must not be negative"));
        return -1;
    }
    return 0;
}

static vbDomainDiskDef *
vbBlockLookupDisk(vbDomainObj *vm, const char *path)
{
    vbDomainDiskDef *disk = vbDomainDiskByName(vm->def, path);

    if (!disk)
        vbReportError(VIR_ERR_INVALID_ARG, _("disk '%s' not found in domain"), path);
    return disk;
}

typedef struct {
    vbDomainDiskDef *disk;
    vbStorageSource *top;
    vbStorageSource *topParent; /* NULL: top is the active layer */
    vbStorageSource *base;
    char *backingPath; /* written into topParent's header */
    unsigned long long speed;
} vbBlockCommitPlan;

static void
vbBlockCommitPlanClear(vbBlockCommitPlan *plan)
{
    g_free(plan->backingPath);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vbBlockCommitPlan, vbBlockCommitPlanClear);

/* Steps 6 to 14 of libvirt's qemuDomainBlockCommit/qemuBlockCommit. */
static int
vbBlockCommitResolve(vbDomainObj *vm, const char *path, const char *base, const char *top,
                     unsigned int flags, vbBlockCommitPlan *plan)
{
    vbDomainDiskDef *disk;

    if (!(disk = plan->disk = vbBlockLookupDisk(vm, path)))
        return -1;

    if (!top || strcmp(top, disk->dst) == 0) {
        plan->top = disk->src;
        plan->topParent = NULL;
    } else if (!(plan->top =
                     vbStorageChainLookup(disk->src, NULL, top, disk->dst, &plan->topParent))) {
        return -1;
    }

    if (!base && (flags & VIR_DOMAIN_BLOCK_COMMIT_SHALLOW)) {
        plan->base = vbStorageSourceHasBacking(plan->top) ? plan->top->backingStore : NULL;
    } else if (!(plan->base = vbStorageChainLookup(disk->src, plan->top, base, disk->dst, NULL))) {
        return -1;
    }

    if (vbStorageSourceIsEmpty(disk->src)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("disk %s has no source file to be committed"),
                      disk->dst);
        return -1;
    }
    if (vbBlockJobCheckDiskIdle(vm, disk) < 0)
        return -1;

    if (plan->top == disk->src && !(flags & VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("commit of '%s' active layer requires active flag"),
                      disk->dst);
        return -1;
    }
    if (plan->top != disk->src && (flags & VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("active commit requested but '%s' is not active"),
                      plan->top->path);
        return -1;
    }
    if (!vbStorageSourceHasBacking(plan->top)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("top '%s' in chain for '%s' has no backing file"),
                      plan->top->path, disk->src->path);
        return -1;
    }
    if ((flags & VIR_DOMAIN_BLOCK_COMMIT_SHALLOW) && plan->base != plan->top->backingStore) {
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("base '%s' is not immediately below '%s' in chain for '%s'"),
                      plan->base->path, plan->top->path, disk->src->path);
        return -1;
    }

    /* The backing name QEMU writes into top's overlay; an active commit
     * rewrites no header (RELATIVE is ignored there, as in libvirt). */
    if (plan->topParent) {
        if (flags & VIR_DOMAIN_BLOCK_COMMIT_RELATIVE) {
            if (vbStorageChainGetRelativeBackingPath(plan->top, plan->base, &plan->backingPath) < 0)
                return -1;
            if (!plan->backingPath) {
                vbReportError(VIR_ERR_OPERATION_INVALID, "%s",
                              _("can't keep relative backing relationship"));
                return -1;
            }
        } else {
            plan->backingPath = g_strdup(plan->base->path);
        }
    }
    return 0;
}

/* Whether @src can be opened for writing, from here: QEMU reopens it
 * read-write, and QEMU 7.2 does not survive every such failure.  When the
 * overlay of a non-active commit's top cannot be reopened at finalize,
 * bdrv_drop_intermediate() has already moved the graph and returns without
 * rolling back; the job's abort then crashes the whole process (guest
 * included).  So an image that cannot be written is refused before the job
 * starts.  The path is resolved once (O_PATH) and only a regular file or a
 * block device is then opened, through that descriptor: no device with
 * side effects on open, no path swapped in between.  Without O_CREAT or
 * O_TRUNC and closed at once: nothing changes, not even a time stamp. */
static int
vbBlockCommitCheckWritable(const vbStorageSource *src)
{
    g_autofree char *fdPath = NULL;
    struct stat sb;
    int pathfd;
    int fd;
    int err;

    if (src->type != VB_STORAGE_TYPE_FILE && src->type != VB_STORAGE_TYPE_BLOCK)
        return 0;
    if ((pathfd = open(src->path, O_PATH | O_CLOEXEC)) < 0) {
        err = errno;
        goto error;
    }
    if (fstat(pathfd, &sb) < 0 || (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))) {
        /* not an image we can judge: QEMU reports what it finds */
        close(pathfd);
        return 0;
    }
    fdPath = g_strdup_printf("/proc/self/fd/%d", pathfd);
    fd = open(fdPath, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    err = errno;
    close(pathfd);
    if (fd >= 0) {
        close(fd);
        return 0;
    }

error:
    vbReportError(VIR_ERR_OPERATION_FAILED,
                  _("image '%s' cannot be opened for writing, which the commit needs: %s"),
                  src->path, g_strerror(err));
    return -1;
}

/* Every image the commit of @plan has QEMU write: base, and for a
 * non-active commit the overlay of top, whose backing link is rewritten. */
static int
vbBlockCommitCheckImagesWritable(const vbBlockCommitPlan *plan)
{
    if (vbBlockCommitCheckWritable(plan->base) < 0)
        return -1;
    if (plan->topParent && vbBlockCommitCheckWritable(plan->topParent) < 0)
        return -1;
    return 0;
}

/* Registers the job of @plan and issues block-commit: steps 15 on of
 * libvirt's qemuBlockCommit.  On a shut-off domain the chains are live
 * already (vbBlockOfflinePrepare); its storage daemon is started here.
 * @jobOut: the job started, referenced (NULL: not wanted). */
static int
vbBlockCommitLaunch(vbDriver *driver, vbDomainObj *vm, vbBlockCommitPlan *plan, unsigned int flags,
                    bool manualFinalize, vbBlockJob **jobOut)
{
    g_autoptr(vbBlockJob) job = NULL;
    g_autofree char *jobname = NULL;
    g_autoptr(vbStorageSource) mirror = NULL;
    g_autoptr(vbError) saved = NULL;
    bool offline = !vbDomainObjIsActive(vm);
    bool active;
    vbMonitor *mon;
    int rc;

    if (vbBlockCommitCheckImagesWritable(plan) < 0)
        goto error;
    if (offline && vbBlockOfflineStart(driver, vm) < 0)
        goto error;
    active = plan->topParent == NULL;

    jobname = g_strdup_printf("commit-%s-%s", plan->disk->dst, plan->top->nodeFormat);
    job =
        vbBlockJobNew(jobname, active ? VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT : VB_BLOCK_JOB_TYPE_COMMIT,
                      plan->disk->dst);
    job->jobflags = flags;
    job->data.commit.topParent = plan->topParent ? g_strdup(plan->topParent->nodeFormat) : NULL;
    job->data.commit.top = g_strdup(plan->top->nodeFormat);
    job->data.commit.base = g_strdup(plan->base->nodeFormat);
    job->data.commit.backingFile = g_strdup(plan->backingPath);
    job->data.commit.deleteImages = !!(flags & VIR_DOMAIN_BLOCK_COMMIT_DELETE);
    job->offline = offline;
    job->manualFinalize = manualFinalize;
    if (vbBlockJobRegister(vm, job) < 0)
        goto error;
    if (vbDomainObjSaveStatus(vm) < 0)
        goto error;

    if (active)
        mirror = vbStorageSourceCopy(plan->base, false);
    plan->disk->mirrorState = VB_DOMAIN_DISK_MIRROR_STATE_NONE;

    if (vbBlockCheckSpeedFits(plan->speed) < 0)
        goto error;
    /* QEMU writes into base, and the new backing name into topParent: as
     * libvirt, both are given to QEMU for writing (back when they leave
     * the chain or the domain stops) */
    if (vm->dacLabel &&
        (vbSecurityDACAllowWrite(vm->dacLabel, plan->base->path) < 0 ||
         (plan->topParent && vbSecurityDACAllowWrite(vm->dacLabel, plan->topParent->path) < 0)))
        goto error;

    mon = vbDomainObjEnterMonitor(vm);
    /* auto-dismiss off: a job that ends while the daemon is down stays
     * visible as concluded until we have processed it.  auto-finalize on,
     * unless the caller finalizes (see manualFinalize). */
    rc = vbMonitorBlockCommit(mon, plan->disk->src->nodeFormat, jobname, plan->top->nodeFormat,
                              plan->base->nodeFormat, plan->backingPath, plan->speed,
                              manualFinalize ? 0 : 1, false, -1);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        goto error;

    if (active) {
        plan->disk->mirror = g_steal_pointer(&mirror);
        plan->disk->mirrorJob = VB_DOMAIN_DISK_MIRROR_JOB_ACTIVE_COMMIT;
    }
    vbBlockJobStarted(driver, vm, job);
    VB_INFO("block job '%s' started on domain '%s'", jobname, vm->def->name);
    if (jobOut)
        *jobOut = g_steal_pointer(&job);
    return 0;

error:
    saved = vbErrorSave();
    if (job)
        vbBlockJobStartupFinalize(driver, vm, job);
    if (offline)
        vbBlockOfflineAbort(driver, vm);
    vbErrorRestore(&saved);
    return -1;
}

static int
vbBlockCommitStart(vbDriver *driver, vbDomainObj *vm, const char *path, const char *base,
                   const char *top, unsigned long long bandwidth, unsigned int flags)
{
    g_auto(vbBlockCommitPlan) plan = {0};
    bool offline = !vbDomainObjIsActive(vm);

    if (vbBlockBandwidthToBytes(bandwidth, flags & VIR_DOMAIN_BLOCK_COMMIT_BANDWIDTH_BYTES,
                                &plan.speed) < 0)
        return -1;
    /* A shut-off domain gets its chains probed and a storage daemon to run
     * the job in, where libvirt says "domain is not running". */
    if (offline && vbBlockOfflinePrepare(driver, vm) < 0)
        return -1;
    if (vbBlockCommitResolve(vm, path, base, top, flags, &plan) < 0) {
        if (offline)
            vbBlockOfflineAbort(driver, vm);
        return -1;
    }
    return vbBlockCommitLaunch(driver, vm, &plan, flags, false, NULL);
}

int
vbBlockCommitStartSnapshotDelete(vbDriver *driver, vbDomainObj *vm, vbDomainDiskDef *disk,
                                 vbStorageSource *top, vbBlockJob **job)
{
    g_auto(vbBlockCommitPlan) plan = {0};
    unsigned int flags = VIR_DOMAIN_BLOCK_COMMIT_DELETE;

    *job = NULL;
    plan.disk = disk;
    plan.top = top;
    plan.topParent = vbStorageChainGetParent(disk->src, top);
    if (!vbStorageSourceHasBacking(top)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("top '%s' in chain for '%s' has no backing file"),
                      top->path, disk->src->path);
        return -1;
    }
    plan.base = top->backingStore;
    if (vbBlockJobCheckDiskIdle(vm, disk) < 0)
        return -1;
    if (plan.topParent)
        plan.backingPath = g_strdup(plan.base->path);
    else
        flags |= VIR_DOMAIN_BLOCK_COMMIT_ACTIVE;
    return vbBlockCommitLaunch(driver, vm, &plan, flags, true, job);
}

int
vbBlockCommitCheckSnapshotDelete(vbDomainDiskDef *disk, vbStorageSource *top)
{
    vbBlockCommitPlan plan = {
        .disk = disk,
        .top = top,
        .topParent = vbStorageChainGetParent(disk->src, top),
        .base = top->backingStore,
    };

    if (!vbStorageSourceHasBacking(top))
        return 0; /* refused with its own error when the job would start */
    return vbBlockCommitCheckImagesWritable(&plan);
}

int
vbDomainBlockCommit(vbDriver *driver, const vbDomainHandle *dom, const char *disk, const char *base,
                    const char *top, unsigned long long bandwidth, unsigned int flags)
{
    vbDomainObj *vm;
    int ret = -1;

    vbCheckFlagsFunc(flags, VB_BLOCK_COMMIT_KNOWN_FLAGS, "qemuDomainBlockCommit", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    ret = vbBlockCommitStart(driver, vm, disk, base, top, bandwidth, flags);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* --- Job info, abort, speed --- */

/* A running domain, or a shut-off one whose storage daemon runs jobs. */
static int
vbBlockCheckJobsReachable(vbDomainObj *vm)
{
    if (vbDomainObjHasMonitor(vm))
        return 0;
    return vbDomainObjCheckActive(vm);
}

static vbBlockJob *
vbBlockLookupJob(vbDomainObj *vm, vbDomainDiskDef *disk)
{
    vbBlockJob *job = vbBlockJobForDisk(vm, disk->dst);

    if (!job)
        vbReportError(VIR_ERR_INVALID_ARG, _("disk %s does not have an active block job"),
                      disk->dst);
    return job;
}

static const vbMonitorBlockJobInfo *
vbBlockFindQueryBlockJob(GPtrArray *jobs, const char *name)
{
    size_t i;

    for (i = 0; i < jobs->len; i++) {
        const vbMonitorBlockJobInfo *info = g_ptr_array_index(jobs, i);

        if (g_strcmp0(info->device, name) == 0)
            return info;
    }
    return NULL;
}

/* libvirt's qemuBlockJobInfoTranslate: a job that is not ready never
 * shows 100 %, because polling clients take cur == end for READY. */
static void
vbBlockJobInfoTranslate(const vbMonitorBlockJobInfo *qinfo, vbBlockJobInfo *info)
{
    info->cur = qinfo->offset;
    info->end = qinfo->len;
    /* QEMU 7.2 always reports 'ready'. */
    if (info->cur == 0 && info->end == 0) {
        info->end = 1;
        info->cur = qinfo->ready ? 1 : 0;
    } else if (!qinfo->ready && info->cur == info->end) {
        info->cur--;
    }
}

int
vbDomainGetBlockJobInfo(vbDriver *driver, const vbDomainHandle *dom, const char *path,
                        vbBlockJobInfo *info, unsigned int flags)
{
    g_autoptr(GPtrArray) qjobs = NULL;
    g_autoptr(vbBlockJob) job = NULL;
    const vbMonitorBlockJobInfo *qinfo;
    vbDomainDiskDef *disk;
    vbDomainObj *vm;
    vbMonitor *mon;
    int ret = -1;
    int rc;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES, "qemuDomainGetBlockJobInfo",
                     -1);
    memset(info, 0, sizeof(*info));
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_QUERY) < 0)
        goto cleanup;
    if (!(disk = vbBlockLookupDisk(vm, path)))
        goto endjob;
    /* A shut-off domain may run jobs too (vbblockoffline.h): without its
     * storage daemon it has none, which is an answer, not an error. */
    if (!vbBlockJobForDisk(vm, disk->dst)) {
        ret = 0;
        goto endjob;
    }
    job = vbBlockJobRef(vbBlockJobForDisk(vm, disk->dst));

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorQueryBlockJobs(mon, &qjobs);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        goto endjob;

    info->type = job->type;
    if (!(qinfo = vbBlockFindQueryBlockJob(qjobs, job->name))) {
        /* Gone from QEMU, not yet processed by us: not over for clients. */
        info->cur = 0;
        info->end = 1;
    } else {
        vbBlockJobInfoTranslate(qinfo, info);
        if (flags & VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES)
            info->bandwidth = qinfo->speed;
        else
            info->bandwidth = (qinfo->speed + (1ULL << 20) - 1) >> 20;
    }
    ret = 1;

endjob:
    vbDomainObjEndJob(vm, VB_JOB_QUERY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* A transient, recording bitmap on base, in a transaction as libvirt
 * sends it. */
static int
vbBlockAddActiveWriteBitmap(vbMonitor *mon, const char *base)
{
    g_autoptr(vbJSONValue) actions = vbJSONValueNewArray();

    if (vbMonitorTransactionBitmapAdd(actions, base, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP, false, false,
                                      0) < 0)
        return -1;
    return vbMonitorTransaction(mon, &actions);
}

/* A test hook: job-complete of the named disk's job fails, as a refusal
 * by QEMU or a lost monitor would, so that tests can check what the other
 * disks of a snapshot deletion do then. */
#define VB_BLOCK_JOB_PIVOT_FAIL_ENV "VIRTBLOCKD_TEST_PIVOT_FAIL"

int
vbBlockJobRequestPivot(vbDomainObj *vm, vbDomainDiskDef *disk, vbBlockJob *job)
{
    const char *failDisk = g_getenv(VB_BLOCK_JOB_PIVOT_FAIL_ENV);
    vbMonitor *mon;
    int rc;

    if (job->state != VB_BLOCK_JOB_STATE_READY) {
        vbReportError(VIR_ERR_BLOCK_COPY_ACTIVE, _("block job '%s' not ready for pivot yet"),
                      job->name);
        return -1;
    }
    if (failDisk && g_str_equal(failDisk, disk->dst)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, "%s", _("pivot failed by the test hook"));
        return -1;
    }

    mon = vbDomainObjEnterMonitor(vm);
    /* Guest writes between job-complete and the bitmap merge of the
     * completion land in this bitmap; its failure only costs precision of
     * an incremental backup, never data, so it does not stop the pivot. */
    if (vbBlockAddActiveWriteBitmap(mon, job->data.commit.base) < 0)
        VB_WARN("cannot add bitmap '%s' on '%s': %s", VB_BLOCK_TMP_ACTIVEWRITE_BITMAP,
                job->data.commit.base, vbGetLastErrorMessage());
    rc = vbMonitorJobComplete(mon, job->name);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;

    if (disk->mirror)
        disk->mirrorState = VB_DOMAIN_DISK_MIRROR_STATE_PIVOT;
    job->state = VB_BLOCK_JOB_STATE_PIVOTING;
    return 0;
}

int
vbBlockJobRequestCancel(vbDomainObj *vm, vbDomainDiskDef *disk, vbBlockJob *job, bool force)
{
    vbMonitor *mon = vbDomainObjEnterMonitor(vm);
    int rc = vbMonitorBlockJobCancel(mon, job->name, force);

    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    if (disk->mirror)
        disk->mirrorState = VB_DOMAIN_DISK_MIRROR_STATE_ABORT;
    job->state = VB_BLOCK_JOB_STATE_ABORTING;
    return 0;
}

/* A test hook: job-finalize of the named disk's job fails, as QEMU
 * refusing a later disk's graph change would, so that tests see what a
 * snapshot deletion leaves after earlier disks switched. */
#define VB_BLOCK_JOB_FINALIZE_FAIL_ENV "VIRTBLOCKD_TEST_FINALIZE_FAIL"

int
vbBlockJobRequestFinalize(vbDomainObj *vm, vbBlockJob *job)
{
    const char *failDisk = g_getenv(VB_BLOCK_JOB_FINALIZE_FAIL_ENV);
    vbMonitor *mon;
    int rc;

    if (job->state != VB_BLOCK_JOB_STATE_PENDING) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("block job '%s' is '%s', not pending"), job->name,
                      vbBlockJobStateTypeToString(job->state));
        return -1;
    }
    if (failDisk && g_str_equal(failDisk, job->disk)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, "%s", _("finalize failed by the test hook"));
        return -1;
    }
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorJobFinalize(mon, job->name);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    return 0;
}

int
vbDomainBlockJobAbort(vbDriver *driver, const vbDomainHandle *dom, const char *path,
                      unsigned int flags)
{
    g_autoptr(vbBlockJob) job = NULL;
    bool pivot = flags & VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT;
    vbDomainDiskDef *disk;
    vbDomainObj *vm;
    int ret = -1;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC | VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT,
                     "qemuDomainBlockJobAbort", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbBlockCheckJobsReachable(vm) < 0)
        goto endjob;
    if (!(disk = vbBlockLookupDisk(vm, path)))
        goto endjob;
    if (!vbBlockLookupJob(vm, disk))
        goto endjob;
    job = vbBlockJobRef(vbBlockJobForDisk(vm, disk->dst));

    if (job->state == VB_BLOCK_JOB_STATE_ABORTING || job->state == VB_BLOCK_JOB_STATE_PIVOTING) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("block job on disk '%s' is still being ended"),
                      disk->dst);
        goto endjob;
    }

    /* The job of a delete the daemon died in: the recovery, queued at
     * start, drives it with the delete's other disks */
    if (job->deleteInterrupted) {
        vbReportError(
            VIR_ERR_OPERATION_INVALID,
            _("block job on disk '%s' belongs to an interrupted snapshot deletion that the daemon is resolving"),
            disk->dst);
        goto endjob;
    }
    /* A snapshot deletion's job switches with the snapshot's other disks
     * or not at all: a client may abort it (the deletion then fails and
     * cancels the others), not pivot it alone. */
    if (pivot && job->deleting) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("block job on disk '%s' belongs to a snapshot deletion in progress"),
                      disk->dst);
        goto endjob;
    }
    /* With auto-finalize off a soft cancel after READY would complete the
     * job without pivot and leave it waiting for a finalize: forced */
    if (pivot ? vbBlockJobRequestPivot(vm, disk, job) < 0
              : vbBlockJobRequestCancel(vm, disk, job, job->manualFinalize) < 0)
        goto endjob;
    if (pivot && job->manualFinalize)
        job->finalizeOnPending = true;
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    ret = 0;

endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    if (ret < 0 || (flags & VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC))
        goto cleanup;

    /* Synchronous: wait, without the job, until the worker has applied the
     * outcome (chain, definitions, events) and dropped the job.  The
     * process is what counts, not the monitor: that is briefly missing
     * while a failed one is reopened. */
    while ((vbDomainObjIsActive(vm) || vm->offline) &&
           g_hash_table_lookup(vm->blockjobs, job->name) == job &&
           !g_atomic_int_get(&driver->shuttingDown) && !vbDomainObjMonitorFailed(vm))
        vbDomainObjWait(vm);

    if (g_atomic_int_get(&driver->shuttingDown) &&
        g_hash_table_lookup(vm->blockjobs, job->name) == job) {
        /* The job goes on in QEMU; the next start takes it back. */
        vbReportError(VIR_ERR_OPERATION_FAILED, "%s",
                      _("the daemon is shutting down before the block job ended"));
        ret = -1;
    } else if (g_hash_table_lookup(vm->blockjobs, job->name) == job &&
               vbDomainObjMonitorFailed(vm)) {
        /* Given up on (vbdomainprocess.c); a restart of the daemon learns
         * the outcome. */
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("QEMU monitor failed before block job '%s' ended: %s"), job->name,
                      vbDomainObjMonitorFailed(vm));
        ret = -1;
    } else if (g_hash_table_lookup(vm->blockjobs, job->name) == job ||
               (!job->offline && !vbDomainObjIsActive(vm))) {
        vbReportError(VIR_ERR_OPERATION_FAILED, "%s", _("domain is not running"));
        ret = -1;
    } else if (pivot && job->state == VB_BLOCK_JOB_STATE_FAILED) {
        if (job->errmsg)
            vbReportError(VIR_ERR_OPERATION_FAILED, _("block job '%s' failed while pivoting: %s"),
                          job->name, job->errmsg);
        else
            vbReportError(VIR_ERR_OPERATION_FAILED, _("block job '%s' failed while pivoting"),
                          job->name);
        ret = -1;
    }

cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

int
vbDomainBlockJobSetSpeed(vbDriver *driver, const vbDomainHandle *dom, const char *path,
                         unsigned long long bandwidth, unsigned int flags)
{
    unsigned long long speed;
    vbDomainDiskDef *disk;
    vbBlockJob *job;
    vbDomainObj *vm;
    vbMonitor *mon;
    int ret = -1;
    int rc;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES,
                     "qemuDomainBlockJobSetSpeed", -1);
    /* libvirt checks the bandwidth before looking the domain up. */
    if (vbBlockBandwidthToBytes(bandwidth, flags & VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES,
                                &speed) < 0)
        return -1;
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbBlockCheckJobsReachable(vm) < 0)
        goto endjob;
    if (!(disk = vbBlockLookupDisk(vm, path)))
        goto endjob;
    if (!(job = vbBlockLookupJob(vm, disk)))
        goto endjob;
    if (vbBlockCheckSpeedFits(speed) < 0)
        goto endjob;

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorBlockJobSetSpeed(mon, job->name, speed);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        goto endjob;
    ret = 0;

endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
