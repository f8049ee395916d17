/*
 * vbdomainprocess.c: starting, stopping and reconnecting QEMU processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbblockjobupdate.h"
#include "vbdomaininterface.h"
#include "vbdomainprocess.h"
#include "vbdomainquiesce.h"
#include "vbdomainstatus.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitorblock.h"
#include "vbmonitordevice.h"
#include "vbmonitorevent.h"
#include "vbmonitorgraphics.h"
#include "vbmonitorjob.h"
#include "vbmonitorballoon.h"
#include "vbmonitornet.h"
#include "vbmonitorsystem.h"
#include "vbnetdev.h"
#include "vbqemuagent.h"
#include "vbqemublock.h"
#include "vbqemucaps.h"
#include "vbqemucommand.h"
#include "vbqemuhostcpu.h"
#include "vbqemudevice.h"
#include "vbqemudomainaddress.h"
#include "vbqemufirmware.h"
#include "vbqemuhost.h"
#include "vbqemuprocess.h"
#include "vbqemustoragedaemon.h"
#include "vbstoragechain.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_MONITOR_WAIT_MS (30 * 1000)
#define VB_RECONNECT_WAIT_MS (5 * 1000)
/* Each step of settling the jobs of a domain being destroyed */
#define VB_SETTLE_WAIT_MS (5 * 1000)
/* A monitor that fails again this soon after being reopened is not
 * reopened a second time: QEMU keeps sending what we cannot read. */
#define VB_MONITOR_RECOVERY_INTERVAL_US (30 * G_USEC_PER_SEC)

/* Tests only: SIGKILLs the daemon at the step of a start this names, as
 * a crash there would ("spawned": QEMU runs, the status names no pid) */
#define VB_PROCESS_START_KILL_ENV "VIRTBLOCKD_TEST_START_KILL_AT"

static void
vbProcessTestKill(const char *step)
{
    const char *at = g_getenv(VB_PROCESS_START_KILL_ENV);

    if (at && g_str_equal(at, step))
        kill(getpid(), SIGKILL);
}

/* --- Events from QEMU (monitor thread; vm->lock taken here) --- */

static void
vbProcessEmitLifecycle(vbDriver *driver, vbDomainObj *vm, int event, int detail)
{
    vbDomainEventQueuePush(driver->events, vbDomainEventLifecycleNew(vm->def->name, vm->def->uuid,
                                                                     vm->id, event, detail));
}

/* A failure of one monitor, handed from its callback to the worker.
 * The monitor may be gone by then, and another one opened at the same
 * address: the generation tells them apart. */
struct _vbDomainProcessMonitorFailure {
    vbMonitor *mon; /* compared, never used */
    unsigned int gen;
    char *reason;
};

static vbDomainProcessMonitorFailure *
vbProcessMonitorFailureNew(vbDomainObj *vm, vbMonitor *mon, const char *reason)
{
    vbDomainProcessMonitorFailure *failure = g_new0(vbDomainProcessMonitorFailure, 1);

    failure->mon = mon;
    failure->gen = vm->monitorGen;
    failure->reason = g_strdup(reason);
    return failure;
}

static void
vbProcessMonitorFailureFree(gpointer opaque)
{
    vbDomainProcessMonitorFailure *failure = opaque;

    g_free(failure->reason);
    g_free(failure);
}

/* The failed monitor is still the domain's.  vm->lock held. */
static bool
vbProcessMonitorFailureIsCurrent(vbDomainObj *vm, const vbDomainProcessMonitorFailure *failure)
{
    return vm->mon && vm->mon == failure->mon && vm->monitorGen == failure->gen;
}

void
vbDomainProcessHandleMonitorEOF(vbDriver *driver, vbDomainObj *vm,
                                vbDomainProcessMonitorFailure *failure)
{
    virDomainShutoffReason reason;
    int detail;

    vbDomainObjLock(vm);
    if (vbDomainObjBeginJob(vm, VB_JOB_DESTROY) < 0) {
        VB_ERROR("cannot handle the end of QEMU for domain '%s': %s", vm->def->name,
                 vbGetLastErrorMessage());
        vbDomainObjUnlock(vm);
        return;
    }
    if (vm->offline && vbProcessMonitorFailureIsCurrent(vm, failure)) {
        VB_WARN("storage daemon of domain '%s' went away", vm->def->name);
        vbBlockJobAbandonAll(driver, vm, _("qemu-storage-daemon exited while the job was running"));
        vbDomainProcessStopStorageDaemon(driver, vm);
        vbDomainObjEndJob(vm, VB_JOB_DESTROY);
        vbDomainObjUnlock(vm);
        return;
    }
    /* Destroy or a new start may have dealt with this monitor already. */
    if (!vbDomainObjIsActive(vm) || !vbProcessMonitorFailureIsCurrent(vm, failure)) {
        vbDomainObjEndJob(vm, VB_JOB_DESTROY);
        vbDomainObjUnlock(vm);
        return;
    }

    if (vm->gotShutdown) {
        reason = VIR_DOMAIN_SHUTOFF_SHUTDOWN;
        detail = VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    } else {
        reason = VIR_DOMAIN_SHUTOFF_CRASHED;
        detail = VIR_DOMAIN_EVENT_STOPPED_FAILED;
    }
    VB_INFO("QEMU of domain '%s' went away (%s)", vm->def->name,
            vm->gotShutdown ? "guest shutdown" : "unexpectedly");
    /* libvirt drops the jobs silently here; a client waiting for its job
     * would then wait forever, so every job ends FAILED for it.  The
     * chain stays as it was: QEMU never finished the job. */
    vbBlockJobAbandonAll(driver, vm, _("QEMU exited while the job was running"));
    vbDomainProcessStop(driver, vm, reason);
    vbProcessEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED, detail);
    vbDomainObjEndJob(vm, VB_JOB_DESTROY);
    if (!vm->persistent)
        vbDomainObjListRemove(driver->domains, vm);
    vbDomainObjUnlock(vm);
}

static void
vbProcessMonitorEOF(vbMonitor *mon, void *opaque)
{
    vbDomainObj *vm = opaque;

    vbDomainObjLock(vm);
    /* A destroy in progress expects the EOF and cleans up itself. */
    if (vm->mon == mon && !vm->beingDestroyed)
        vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_MONITOR_EOF,
                             vbProcessMonitorFailureNew(vm, mon, NULL),
                             vbProcessMonitorFailureFree);
    /* a waiter that holds the job (a delete's recovery) stops waiting */
    vbDomainObjBroadcast(vm);
    vbDomainObjUnlock(vm);
}

static int vbProcessReconnect(vbDriver *driver, vbDomainObj *vm);
static int vbProcessReconnectStorageDaemon(vbDriver *driver, vbDomainObj *vm);

/* Leaves the failed monitor in place, as libvirt does: the guest runs
 * on, commands fail with the reason until the domain is destroyed or the
 * daemon restarted, clients get CONTROL_ERROR, and a synchronous pivot
 * or abort waiting for its job returns.  The monitor still reports
 * QEMU's exit (vbProcessMonitorEOF), and a destroy settles the jobs
 * first (vbDomainProcessSettleJobs). */
static void
vbProcessMonitorGiveUp(vbDriver *driver, vbDomainObj *vm, const char *reason)
{
    VB_ERROR("QEMU monitor of domain '%s' failed (%s): giving up on it; commands fail until "
             "the domain is destroyed or the daemon restarted",
             vm->def->name, reason);
    vbDomainEventQueuePush(driver->events,
                           vbDomainEventControlErrorNew(vm->def->name, vm->def->uuid, vm->id));
    vm->monitorGivenUp = true;
    vbDomainObjBroadcast(vm);
}

/* The monitor failed while QEMU may well be alive and the guest running:
 * QEMU sent something that is not QMP (or more than we take).  libvirt
 * leaves such a domain running with a dead monitor until it is destroyed;
 * we open a new monitor connection instead and take the domain back as a
 * restarted daemon would: its state, and every block job from query-jobs
 * (a job that became ready or ended meanwhile is finished then, its events
 * sent); killing a guest over a protocol error would cost its user more
 * than the error itself.  A monitor failing again soon after, or a new one
 * failing during the recovery, is given up (vbProcessMonitorGiveUp).
 * Only a QEMU that is gone or takes no new connection is stopped as
 * crashed: it can be neither controlled nor trusted to finish its jobs.
 * A storage daemon (shut-off domain) is not left half alive: its jobs end
 * FAILED and it is stopped.
 *
 * The DESTROY job keeps every other API, queries included, away from
 * the monitor while it is replaced. */
void
vbDomainProcessHandleMonitorError(vbDriver *driver, vbDomainObj *vm,
                                  vbDomainProcessMonitorFailure *failure)
{
    const char *reason = failure->reason;
    gint64 now;
    int rc;

    vbDomainObjLock(vm);
    if (vbDomainObjBeginJob(vm, VB_JOB_DESTROY) < 0) {
        VB_ERROR("cannot handle the monitor failure of domain '%s': %s", vm->def->name,
                 vbGetLastErrorMessage());
        vbDomainObjUnlock(vm);
        return;
    }
    /* Destroy, a stop or an earlier recovery dealt with this monitor, or
     * a destroy is about to. */
    if (!vbProcessMonitorFailureIsCurrent(vm, failure) || !vbDomainObjHasMonitor(vm) ||
        vm->beingDestroyed)
        goto endjob;

    now = g_get_monotonic_time();
    if (vm->monitorRecoveredAt && now - vm->monitorRecoveredAt < VB_MONITOR_RECOVERY_INTERVAL_US) {
        if (vm->offline)
            goto offline;
        vbProcessMonitorGiveUp(driver, vm, reason);
        goto endjob;
    }
    VB_WARN("QEMU monitor of domain '%s' failed (%s): reconnecting", vm->def->name, reason);
    vm->monitorRecoveredAt = now;
    vbDomainProcessCloseMonitor(vm);

    if (vm->offline)
        rc = vbProcessReconnectStorageDaemon(driver, vm);
    else
        rc = vbProcessReconnect(driver, vm);
    if (rc == 0) {
        VB_INFO("monitor of domain '%s' reconnected", vm->def->name);
        goto endjob;
    }

    VB_ERROR("cannot reconnect to the monitor of domain '%s': %s", vm->def->name,
             vbGetLastErrorMessage());
    if (vm->offline)
        goto offline;
    if (vm->mon && vbQemuProcessIsAlive(vm->pid)) {
        /* Connected, but the new monitor failed too. */
        vbProcessMonitorGiveUp(driver, vm, vbGetLastErrorMessage());
        goto endjob;
    }
    vbBlockJobAbandonAll(driver, vm, reason);
    vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_CRASHED);
    vbProcessEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED);
    if (!vm->persistent)
        vbDomainObjListRemove(driver->domains, vm);
    goto endjob;

offline:
    vbBlockJobAbandonAll(driver, vm, reason);
    vbDomainProcessStopStorageDaemon(driver, vm);

endjob:
    vbDomainObjEndJob(vm, VB_JOB_DESTROY);
    vbDomainObjUnlock(vm);
}

static void
vbProcessMonitorError(vbMonitor *mon, void *opaque)
{
    vbDomainObj *vm = opaque;
    const char *why = vbMonitorGetLastErrorMessage(mon);

    vbDomainObjLock(vm);
    if (vm->mon == mon && !vm->beingDestroyed)
        vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_MONITOR_ERROR,
                             vbProcessMonitorFailureNew(vm, mon, why ? why : _("unknown error")),
                             vbProcessMonitorFailureFree);
    vbDomainObjBroadcast(vm);
    vbDomainObjUnlock(vm);
}

/*
 * A reboot through a shutdown (libvirt's fake reboot): virDomainReboot's
 * ACPI power button, or a guest powering off with on_poweroff restart.
 * QEMU stopped the vCPUs (-no-shutdown); a reset and `cont` boot the guest
 * again, and the RESET event sends the REBOOT event.  The domain stays
 * running throughout.  QEMU is ended when that fails, as libvirt does.
 */
static void
vbProcessFakeReboot(vbDomainObj *vm)
{
    int rc = -1;

    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0) {
        VB_ERROR("cannot reboot domain '%s': %s", vm->def->name, vbGetLastErrorMessage());
    } else {
        if (vbDomainObjIsActive(vm) && vm->mon) {
            vbMonitor *mon = vbDomainObjEnterMonitor(vm);

            rc = vbMonitorSystemReset(mon);
            if (rc == 0)
                rc = vbMonitorCont(mon);
            if (vbDomainObjExitMonitor(vm, mon) < 0)
                rc = -1;
        }
        if (rc < 0)
            VB_ERROR("cannot reboot domain '%s': %s", vm->def->name, vbGetLastErrorMessage());
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    }
    vm->fakeReboot = false;
    vm->pausedShutdown = false;
    if (rc < 0 && vbDomainObjIsActive(vm)) {
        pid_t pid = vm->pid;

        vbDomainObjUnlock(vm);
        if (vbQemuProcessKill(pid, true) < 0)
            VB_ERROR("cannot end QEMU after a failed reboot: %s", vbGetLastErrorMessage());
        return;
    }
    vbDomainObjUnlock(vm);
}

void
vbDomainProcessHandleGuestShutdown(vbDriver *driver G_GNUC_UNUSED, vbDomainObj *vm)
{
    vbDomainObjLock(vm);
    if (vbDomainObjIsActive(vm) && vm->pausedShutdown) {
        vbProcessFakeReboot(vm);
        return;
    }
    /* QEMU runs with -no-shutdown: after the guest powered off it waits for
     * us.  on_poweroff destroy: end it; the monitor's EOF then stops the
     * domain with reason 'shutdown'. */
    if (vbDomainObjIsActive(vm) && vm->gotShutdown) {
        pid_t pid = vm->pid;

        vbDomainObjUnlock(vm);
        if (vbQemuProcessKill(pid, false) < 0)
            VB_ERROR("cannot end QEMU after guest shutdown: %s", vbGetLastErrorMessage());
        return;
    }
    vbDomainObjUnlock(vm);
}

void
vbDomainProcessHandleGuestPanic(vbDriver *driver, vbDomainObj *vm)
{
    bool removeInactive = false;

    vbDomainObjLock(vm);
    /* A DESTROY job: the action may close the monitor, and no query may
     * be using it then. */
    if (vbDomainObjBeginJob(vm, VB_JOB_DESTROY) < 0) {
        VB_ERROR("cannot handle the crash of domain '%s': %s", vm->def->name,
                 vbGetLastErrorMessage());
        vbDomainObjUnlock(vm);
        return;
    }
    /* Destroyed or restarted meanwhile: that QEMU's panic is over. */
    if (!vbDomainObjIsActive(vm)) {
        VB_DEBUG("ignoring GUEST_PANICKED of inactive domain '%s'", vm->def->name);
        goto endjob;
    }

    vbDomainObjSetState(vm, VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED);
    vbProcessEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_PANICKED);
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());

    switch (vm->def->onCrash) {
    case VB_DOMAIN_LIFECYCLE_ACTION_DEFAULT:
    case VB_DOMAIN_LIFECYCLE_ACTION_DESTROY:
    /* refused by validation; a definition loaded from disk is not
     * validated again: destroyed without the dump */
    case VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY:
    case VB_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME:
    case VB_DOMAIN_LIFECYCLE_ACTION_LAST:
        vbBlockJobAbandonAll(driver, vm, _("the guest crashed while the job was running"));
        vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_CRASHED);
        vbProcessEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                               VIR_DOMAIN_EVENT_STOPPED_CRASHED);
        removeInactive = !vm->persistent;
        break;
    case VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART:
    case VB_DOMAIN_LIFECYCLE_ACTION_RESTART: {
        /* libvirt's fake reboot: a reset, and the guest runs again with
         * reason 'crashed'; the RESET event sends the REBOOT event. */
        vbMonitor *mon = vbDomainObjEnterMonitor(vm);
        int rc;

        vm->runningReason = VIR_DOMAIN_RUNNING_CRASHED;
        rc = vbMonitorSystemReset(mon);
        if (rc == 0)
            rc = vbMonitorCont(mon);
        if (vbDomainObjExitMonitor(vm, mon) < 0)
            rc = -1;
        vm->runningReason = 0;
        if (rc < 0) {
            VB_ERROR("cannot restart crashed domain '%s': %s", vm->def->name,
                     vbGetLastErrorMessage());
            if (vbDomainObjIsActive(vm) && vbQemuProcessKill(vm->pid, false) < 0)
                VB_ERROR("cannot end QEMU after a failed restart: %s", vbGetLastErrorMessage());
            break;
        }
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
        break;
    }
    case VB_DOMAIN_LIFECYCLE_ACTION_PRESERVE:
        break;
    }

endjob:
    vbDomainObjEndJob(vm, VB_JOB_DESTROY);
    if (removeInactive)
        vbDomainObjListRemove(driver->domains, vm);
    vbDomainObjUnlock(vm);
}

/* Event handlers run in the monitor thread: they record state and queue
 * work, never wait for a job or talk to QEMU.  A storage daemon serving a
 * shut-off domain (vm->offline) only reports jobs. */

static vbDomainObj *
vbProcessEventDomain(vbMonitor *mon, void *opaque, bool jobsOnly)
{
    vbDomainObj *vm = opaque;

    vbDomainObjLock(vm);
    if (vm->mon == mon && (vbDomainObjIsActive(vm) || (jobsOnly && vm->offline)))
        return vm;
    vbDomainObjUnlock(vm);
    return NULL;
}

static void
vbProcessHandleShutdown(vbMonitor *mon, bool guest, const char *reason, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);

    if (!vm)
        return;
    if (vm->state == VIR_DOMAIN_SHUTDOWN || vm->pausedShutdown) {
        VB_DEBUG("ignoring a repeated SHUTDOWN of domain '%s'", vm->def->name);
        vbDomainObjUnlock(vm);
        return;
    }
    VB_DEBUG("SHUTDOWN of domain '%s', guest=%d reason=%s", vm->def->name, guest,
             reason ? reason : "-");
    if (vm->fakeReboot || vm->def->onPoweroff == VB_DOMAIN_LIFECYCLE_ACTION_RESTART) {
        /* a reboot: the stop that follows is no pause, and clients see
         * only the REBOOT event of the reset */
        vm->pausedShutdown = true;
    } else {
        vm->gotShutdown = true;
        vbDomainObjSetState(vm, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_UNKNOWN);
        vbProcessEmitLifecycle(vm->driver, vm, VIR_DOMAIN_EVENT_SHUTDOWN,
                               guest ? VIR_DOMAIN_EVENT_SHUTDOWN_GUEST
                                     : VIR_DOMAIN_EVENT_SHUTDOWN_HOST);
    }
    vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_GUEST_SHUTDOWN, NULL, NULL);
    vbDomainObjUnlock(vm);
}

/* A reset, by the guest (on_reboot restart: QEMU resets by itself), by
 * virDomainReset, or by a fake reboot: the REBOOT event, as libvirt sends
 * it for each reset but the ones of a start. */
static void
vbProcessHandleReset(vbMonitor *mon, bool guest G_GNUC_UNUSED, const char *reason G_GNUC_UNUSED,
                     void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);

    if (!vm)
        return;
    if (vm->state == VIR_DOMAIN_PAUSED && vm->reason == VIR_DOMAIN_PAUSED_STARTING_UP) {
        vbDomainObjUnlock(vm);
        return;
    }
    vm->fakeReboot = false;
    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventRebootNew(vm->def->name, vm->def->uuid, vm->id));
    vbDomainObjUnlock(vm);
}

/* libvirt's qemuProcessHandleTrayChange: the tray's state recorded (and
 * waited for by a media change), the TRAY_CHANGE event. */
static void
vbProcessHandleTrayMoved(vbMonitor *mon, const char *id, bool open, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);
    size_t i;

    if (!vm)
        return;
    for (i = 0; i < vm->def->ndisks; i++) {
        vbDomainDiskDef *disk = vm->def->disks[i];

        if (g_strcmp0(disk->info.alias, id) != 0)
            continue;
        disk->trayOpen = open;
        vbDomainEventQueuePush(
            vm->driver->events,
            vbDomainEventTrayChangeNew(vm->def->name, vm->def->uuid, vm->id, disk->info.alias,
                                       open ? VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN
                                            : VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE));
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
        vbDomainObjBroadcast(vm);
        break;
    }
    vbDomainObjUnlock(vm);
}

/* Only queued: the CRASHED state and event, and the action, need a job. */
static void
vbProcessHandleGuestPanicked(vbMonitor *mon, const char *action, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);

    if (!vm)
        return;
    VB_INFO("guest of domain '%s' panicked, QEMU action '%s'", vm->def->name, action);
    vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_GUEST_PANICKED, NULL, NULL);
    vbDomainObjUnlock(vm);
}

static void
vbProcessHandleStop(vbMonitor *mon, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);

    if (!vm)
        return;
    /* Only a running guest changes: the suspend API set the reason it wants
     * before it asked QEMU to stop.  A domain being destroyed is paused
     * only to settle its jobs (vbDomainProcessSettleJobs): no event. */
    if (vm->state == VIR_DOMAIN_RUNNING && !vm->beingDestroyed && !vm->pausedShutdown) {
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED,
                            vm->pausedReason ? vm->pausedReason : VIR_DOMAIN_PAUSED_UNKNOWN);
        vbProcessEmitLifecycle(vm->driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                               VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    }
    vbDomainObjUnlock(vm);
}

/* The disk of a BLOCK_IO_ERROR: by its node (QEMU names no device with
 * -blockdev), else by its qdev id; NULL when none is ours. */
static vbDomainDiskDef *
vbProcessFindIOErrorDisk(vbDomainObj *vm, const vbMonitorIOErrorEvent *event)
{
    size_t i;

    for (i = 0; i < vm->def->ndisks; i++) {
        vbDomainDiskDef *disk = vm->def->disks[i];

        if (*event->device) {
            if (g_strcmp0(disk->info.alias, event->device) == 0)
                return disk;
        } else if (event->nodeName && (vbStorageChainFindByNodeName(disk->src, event->nodeName) ||
                                       (disk->mirror && vbStorageChainFindByNodeName(
                                                            disk->mirror, event->nodeName)))) {
            return disk;
        }
    }
    return NULL;
}

/* A guest I/O failed.  When QEMU stopped the guest for it (the disk's
 * error_policy 'stop' or 'enospace' on ENOSPC), the domain is paused with
 * reason ioerror before the STOP that follows arrives, which then changes
 * nothing: as libvirt's qemuProcessHandleIOError, whose events we send
 * too.  virDomainResume continues the guest, which retries the I/O. */
static void
vbProcessHandleIOError(vbMonitor *mon, const vbMonitorIOErrorEvent *event, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);
    vbDomainDiskDef *disk;
    const char *srcPath = "";
    const char *devAlias = "";
    int action;

    if (!vm)
        return;
    if (strcmp(event->action, "stop") == 0)
        action = VIR_DOMAIN_EVENT_IO_ERROR_PAUSE;
    else if (strcmp(event->action, "report") == 0)
        action = VIR_DOMAIN_EVENT_IO_ERROR_REPORT;
    else
        action = VIR_DOMAIN_EVENT_IO_ERROR_NONE;
    if ((disk = vbProcessFindIOErrorDisk(vm, event))) {
        srcPath = disk->src->path ? disk->src->path : "";
        devAlias = disk->info.alias ? disk->info.alias : "";
    }
    VB_INFO("domain '%s': %s error on disk '%s' (%s), QEMU action '%s': %s", vm->def->name,
            event->operation, disk ? disk->dst : "?", srcPath, event->action, event->reason);

    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventIOErrorNew(vm->def->name, vm->def->uuid, vm->id, srcPath,
                                                   devAlias, action, NULL));
    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventIOErrorNew(vm->def->name, vm->def->uuid, vm->id, srcPath,
                                                   devAlias, action, event->reason));
    if (action == VIR_DOMAIN_EVENT_IO_ERROR_PAUSE && vm->state == VIR_DOMAIN_RUNNING &&
        !vm->beingDestroyed) {
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_IOERROR);
        vbProcessEmitLifecycle(vm->driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                               VIR_DOMAIN_EVENT_SUSPENDED_IOERROR);
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    }
    vbDomainObjUnlock(vm);
}

static void
vbProcessHandleResume(vbMonitor *mon, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);

    if (!vm)
        return;
    vm->resumeSeen = true;
    /* Paused, or crashed and continued (resume, on_crash restart), as
     * libvirt: the reason is the one the caller set. */
    if (vm->state == VIR_DOMAIN_PAUSED || vm->state == VIR_DOMAIN_CRASHED) {
        vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                            vm->runningReason ? vm->runningReason : VIR_DOMAIN_RUNNING_UNPAUSED);
        /* libvirt's qemuDomainRunningReasonToResumeEvent */
        vbProcessEmitLifecycle(vm->driver, vm, VIR_DOMAIN_EVENT_RESUMED,
                               vm->runningReason == VIR_DOMAIN_RUNNING_FROM_SNAPSHOT ||
                                       vm->runningReason == VIR_DOMAIN_RUNNING_RESTORED
                                   ? VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT
                                   : VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    }
    vbDomainObjUnlock(vm);
}

/* The balloon reached a new size: the live <currentMemory> follows it,
 * and clients hear of it (libvirt's qemuProcessHandleBalloonChange). */
static void
vbProcessHandleBalloonChange(vbMonitor *mon, unsigned long long actual, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);

    if (!vm)
        return;
    VB_DEBUG("BALLOON_CHANGE of domain '%s', actual=%llu", vm->def->name, actual);
    vm->def->currentMemory = actual / 1024;
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventBalloonChangeNew(vm->def->name, vm->def->uuid, vm->id,
                                                         vm->def->currentMemory));
    vbDomainObjUnlock(vm);
}

/* QEMU's WATCHDOG action as libvirt's event reports it */
static int
vbProcessWatchdogAction(const char *action)
{
    static const struct {
        const char *qemu;
        virDomainEventWatchdogAction action;
    } actions[] = {
        {"none", VIR_DOMAIN_EVENT_WATCHDOG_NONE},
        {"pause", VIR_DOMAIN_EVENT_WATCHDOG_PAUSE},
        {"reset", VIR_DOMAIN_EVENT_WATCHDOG_RESET},
        {"poweroff", VIR_DOMAIN_EVENT_WATCHDOG_POWEROFF},
        {"shutdown", VIR_DOMAIN_EVENT_WATCHDOG_SHUTDOWN},
        {"debug", VIR_DOMAIN_EVENT_WATCHDOG_DEBUG},
        {"inject-nmi", VIR_DOMAIN_EVENT_WATCHDOG_INJECTNMI},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(actions); i++) {
        if (strcmp(action, actions[i].qemu) == 0)
            return actions[i].action;
    }
    return -1;
}

/* The guest stopped feeding its watchdog.  QEMU says so before it acts;
 * when it pauses the guest, the domain is paused for the watchdog (the
 * STOP that follows then changes nothing), as libvirt does. */
static void
vbProcessHandleWatchdog(vbMonitor *mon, const char *action, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);
    int evAction;

    if (!vm)
        return;
    if ((evAction = vbProcessWatchdogAction(action)) < 0) {
        VB_DEBUG("ignoring WATCHDOG of domain '%s' with unknown action '%s'", vm->def->name,
                 action);
        vbDomainObjUnlock(vm);
        return;
    }
    VB_DEBUG("WATCHDOG of domain '%s', action=%s", vm->def->name, action);
    if (evAction == VIR_DOMAIN_EVENT_WATCHDOG_PAUSE && vm->state == VIR_DOMAIN_RUNNING) {
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_WATCHDOG);
        vbProcessEmitLifecycle(vm->driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                               VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG);
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    }
    vbDomainEventQueuePush(vm->driver->events, vbDomainEventWatchdogNew(
                                                   vm->def->name, vm->def->uuid, vm->id, evAction));
    vbDomainObjUnlock(vm);
}

static void
vbProcessHandleJobStatusChange(vbMonitor *mon, const char *jobname, vbMonitorJobStatus status,
                               void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, true);

    if (!vm)
        return;
    vbBlockJobHandleStatusChange(vm->driver, vm, jobname, status);
    vbDomainObjUnlock(vm);
}

/* --- The guest agent --- */

/* The virtio channel QEMU knows by the qdev id @alias */
static vbDomainChrDef *
vbProcessFindVirtioChannel(vbDomainDef *def, const char *alias)
{
    size_t i;

    for (i = 0; i < def->nchrs; i++) {
        vbDomainChrDef *chr = def->chrs[i];

        if (chr->channel && chr->target == VB_DOMAIN_CHR_TARGET_VIRTIO &&
            g_strcmp0(chr->info.alias, alias) == 0)
            return chr;
    }
    return NULL;
}

/* Connects to the agent while the guest holds its port open, and lets go
 * of it otherwise: as libvirt (with QEMU's VSERPORT_CHANGE), the daemon
 * talks to the agent only once the guest side is there. */
static void
vbProcessAgentUpdate(vbDomainObj *vm, const vbDomainChrDef *chr)
{
    if (chr->state != VB_DOMAIN_CHR_DEVICE_STATE_CONNECTED) {
        g_clear_pointer(&vm->agent, vbQemuAgentClose);
        return;
    }
    /* connected already: the one connection QEMU's socket serves stays */
    if (vm->agent)
        return;
    if (chr->type != VB_DOMAIN_CHR_TYPE_UNIX || chr->mode != VB_DOMAIN_CHR_SOURCE_MODE_BIND ||
        !chr->socketPath) {
        VB_DEBUG("domain '%s': the agent's channel is no listening UNIX socket", vm->def->name);
        return;
    }
    if (!(vm->agent = vbQemuAgentOpen(chr->socketPath)))
        VB_WARN("cannot connect to the guest agent of domain '%s': %s", vm->def->name,
                vbGetLastErrorMessage());
}

static void
vbProcessEmitAgentLifecycle(vbDomainObj *vm, vbDomainChrDeviceState state, int reason)
{
    int evState = state == VB_DOMAIN_CHR_DEVICE_STATE_CONNECTED
                      ? VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED
                      : VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_DISCONNECTED;

    vbDomainEventQueuePush(
        vm->driver->events,
        vbDomainEventAgentLifecycleNew(vm->def->name, vm->def->uuid, vm->id, evState, reason));
}

/* The guest opened or closed a virtio-serial port: the channel's state in
 * the live definition, and for the agent's, the connection and the
 * AGENT_LIFECYCLE event (libvirt's processSerialChangedEvent). */
static void
vbProcessHandleSerialPortChange(vbMonitor *mon, const char *id, bool connected, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);
    vbDomainChrDef *chr;

    if (!vm)
        return;
    VB_DEBUG("VSERPORT_CHANGE of domain '%s', id=%s open=%d", vm->def->name, id, connected);
    if (!(chr = vbProcessFindVirtioChannel(vm->def, id))) {
        vbDomainObjUnlock(vm);
        return;
    }
    chr->state =
        connected ? VB_DOMAIN_CHR_DEVICE_STATE_CONNECTED : VB_DOMAIN_CHR_DEVICE_STATE_DISCONNECTED;
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    if (vbDomainChrIsGuestAgent(chr)) {
        vbProcessAgentUpdate(vm, chr);
        vbProcessEmitAgentLifecycle(vm, chr->state,
                                    VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_CHANNEL);
    }
    vbDomainObjUnlock(vm);
}

/* The virtio channels' states as query-chardev says them (@open: see
 * vbMonitorQueryChardevPtys): at start (@booted: the agent's event gives
 * the reason domain-started) and after a daemon restart, which may have
 * missed a VSERPORT_CHANGE (libvirt's qemuProcessRefreshChannelVirtioState) */
static void
vbProcessRefreshChannelStates(vbDomainObj *vm, GHashTable *open, bool booted)
{
    size_t i;

    for (i = 0; i < vm->def->nchrs; i++) {
        vbDomainChrDef *chr = vm->def->chrs[i];
        g_autofree char *label = NULL;
        int value;

        if (!chr->channel || chr->target != VB_DOMAIN_CHR_TARGET_VIRTIO)
            continue;
        label = vbQemuDeviceChrBackendAlias(chr);
        if (!(value = GPOINTER_TO_INT(g_hash_table_lookup(open, label))))
            continue;
        chr->state = value == 1 ? VB_DOMAIN_CHR_DEVICE_STATE_CONNECTED
                                : VB_DOMAIN_CHR_DEVICE_STATE_DISCONNECTED;
        if (vbDomainChrIsGuestAgent(chr)) {
            vbProcessAgentUpdate(vm, chr);
            vbProcessEmitAgentLifecycle(
                vm, chr->state,
                booted ? VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_DOMAIN_STARTED
                       : VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_CHANNEL);
        }
    }
}

static vbDomainProcessDeviceDeleted *
vbProcessDeviceDeletedNew(const vbDomainObj *vm, const char *alias, bool reconnect)
{
    vbDomainProcessDeviceDeleted *deleted = g_new0(vbDomainProcessDeviceDeleted, 1);

    deleted->id = vm->id;
    deleted->alias = g_strdup(alias);
    deleted->reconnect = reconnect;
    return deleted;
}

void
vbDomainProcessDeviceDeletedFree(gpointer opaque)
{
    vbDomainProcessDeviceDeleted *deleted = opaque;

    if (!deleted)
        return;
    g_free(deleted->alias);
    g_free(deleted);
}

/* libvirt's qemuProcessHandleDeviceDeleted: the detach call waiting for
 * @id finishes the removal; without one a worker does. */
static void
vbProcessHandleDeviceDeleted(vbMonitor *mon, const char *id, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);

    if (!vm)
        return;
    VB_DEBUG("DEVICE_DELETED of '%s' in domain '%s'", id, vm->def->name);
    if (g_strcmp0(vm->unplugAlias, id) == 0) {
        g_clear_pointer(&vm->unplugAlias, g_free);
        vm->unplugRejected = false;
        vbDomainObjBroadcast(vm);
    } else {
        vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_DEVICE_DELETED,
                             vbProcessDeviceDeletedNew(vm, id, false),
                             vbDomainProcessDeviceDeletedFree);
    }
    vbDomainObjUnlock(vm);
}

/* libvirt's qemuProcessHandleDeviceUnplugErr: a waiting detach fails, and
 * clients hear DEVICE_REMOVAL_FAILED */
static void
vbProcessHandleDeviceUnplugGuestError(vbMonitor *mon, const char *id, void *opaque)
{
    vbDomainObj *vm = vbProcessEventDomain(mon, opaque, false);

    if (!vm)
        return;
    VB_DEBUG("DEVICE_UNPLUG_GUEST_ERROR of '%s' in domain '%s'", id, vm->def->name);
    if (g_strcmp0(vm->unplugAlias, id) == 0) {
        g_clear_pointer(&vm->unplugAlias, g_free);
        vm->unplugRejected = true;
        vbDomainObjBroadcast(vm);
    }
    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventDeviceNew(VB_DOMAIN_EVENT_DEVICE_REMOVAL_FAILED,
                                                  vm->def->name, vm->def->uuid, vm->id, id));
    vbDomainObjUnlock(vm);
}

/* Only JOB_STATUS_CHANGE matters for jobs, as in libvirt 9.0: the
 * BLOCK_JOB_* events repeat what it says. */
static const vbMonitorEventHandlers vbProcessEventHandlers = {
    .jobStatusChange = vbProcessHandleJobStatusChange,
    .shutdown = vbProcessHandleShutdown,
    .reset = vbProcessHandleReset,
    .trayMoved = vbProcessHandleTrayMoved,
    .guestPanicked = vbProcessHandleGuestPanicked,
    .stop = vbProcessHandleStop,
    .resume = vbProcessHandleResume,
    .balloonChange = vbProcessHandleBalloonChange,
    .watchdog = vbProcessHandleWatchdog,
    .ioError = vbProcessHandleIOError,
    .serialPortChange = vbProcessHandleSerialPortChange,
    .deviceDeleted = vbProcessHandleDeviceDeleted,
    .deviceUnplugGuestError = vbProcessHandleDeviceUnplugGuestError,
};

static void
vbProcessMonitorEvent(vbMonitor *mon, const char *name, vbJSONValue *data, long long seconds,
                      unsigned int micros, void *opaque)
{
    vbMonitorEventDispatch(&vbProcessEventHandlers, mon, name, data, seconds, micros, opaque);
}

static const vbMonitorCallbacks vbProcessMonitorCallbacks = {
    .eofNotify = vbProcessMonitorEOF,
    .errorNotify = vbProcessMonitorError,
    .event = vbProcessMonitorEvent,
};

int
vbDomainProcessConnectMonitor(vbDriver *driver, vbDomainObj *vm, unsigned int connectTimeoutMs,
                              unsigned int timeoutMs)
{
    vbMonitor *mon;

    /* The monitor keeps a reference on the domain for its callbacks, given
     * back in vbProcessCloseMonitor once no callback can run any more. */
    vbDomainObjRef(vm);
    vbDomainObjUnlock(vm);
    mon = vbMonitorOpen(vm->monitorPath, driver->monitorCtx, connectTimeoutMs, timeoutMs,
                        &vbProcessMonitorCallbacks, vm);
    vbDomainObjLock(vm);
    if (!mon) {
        vbDomainObjUnref(vm);
        return -1;
    }
    vm->mon = mon;
    vm->monitorGen++;
    return 0;
}

void
vbDomainProcessCloseMonitor(vbDomainObj *vm)
{
    vbMonitor *mon = g_steal_pointer(&vm->mon);

    vm->monitorGivenUp = false;
    if (!mon)
        return;
    /* Close waits for a callback in flight, which may want vm->lock. */
    vbDomainObjUnlock(vm);
    vbMonitorClose(mon);
    vbDomainObjLock(vm);
    vbDomainObjUnref(vm);
}

/* --- Start --- */

/* A cdrom whose image is missing starts empty when its startupPolicy is
 * 'optional', as libvirt's qemuDomainCheckDiskStartupPolicy drops it from
 * the live definition (libvirt also sends a DISK_CHANGE event, which we
 * do not have).  Only a file that is not there: any other error still
 * fails the start. */
static void
vbProcessDropMissingOptionalMedium(vbDomainObj *vm, vbDomainDiskDef *disk)
{
    struct stat sb;

    if (disk->device != VB_DOMAIN_DISK_DEVICE_CDROM ||
        disk->startupPolicy != VB_DOMAIN_STARTUP_POLICY_OPTIONAL ||
        stat(disk->src->path, &sb) == 0 || errno != ENOENT)
        return;
    VB_INFO("domain '%s': dropping the missing medium '%s' of cdrom '%s' (startupPolicy "
            "'optional')",
            vm->def->name, disk->src->path, disk->dst);
    vbStorageSourceFree(disk->src);
    disk->src = vbStorageSourceNew();
    disk->src->readonly = true;
}

int
vbDomainProcessPrepareDisks(vbDriver *driver, vbDomainObj *vm)
{
    size_t i;

    /* the last index handed out, as libvirt's nodenameindex */
    vm->nodenameIndex = 0;
    for (i = 0; i < vm->def->ndisks; i++) {
        vbDomainDiskDef *disk = vm->def->disks[i];

        if (!vbStorageSourceIsEmpty(disk->src))
            vbProcessDropMissingOptionalMedium(vm, disk);
        if (vbStorageSourceIsEmpty(disk->src))
            continue;
        if (vbStorageChainProbe(disk->src, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
            return -1;
        vbStorageChainAssignIndexes(disk->src, &vm->nodenameIndex);
    }
    return 0;
}

/*
 * Creates each file a serial port or console writes to (its file, its
 * <log>), as libvirt does
 * before QEMU starts: owner-only (0600) when new, truncated unless
 * append='on', and libvirt's error for a path that cannot be created (a
 * missing directory).  QEMU then opens it by its path (see
 * docs/compatibility.md on why no descriptor is passed).
 */
static int
vbProcessCreateFile(const char *path, vbDomainChrAppend append)
{
    int oflags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY;
    int fd;

    oflags |= append == VB_DOMAIN_CHR_APPEND_ON ? O_APPEND : O_TRUNC;
    if ((fd = open(path, oflags, S_IRUSR | S_IWUSR)) < 0) {
        vbReportSystemError(errno, _("Failed to create file '%s'"), path);
        return -1;
    }
    close(fd);
    return 0;
}

static int
vbProcessPrepareChardevs(const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nchrs; i++) {
        const vbDomainChrDef *chr = def->chrs[i];

        if (chr->type == VB_DOMAIN_CHR_TYPE_FILE &&
            vbProcessCreateFile(chr->filePath, chr->append) < 0)
            return -1;
        if (chr->logFile && vbProcessCreateFile(chr->logFile, chr->logAppend) < 0)
            return -1;
    }
    return 0;
}

/* A kernel or initrd that is not there: libvirt's security driver stats
 * each before QEMU starts, and fails with its error. */
static int
vbProcessCheckKernel(const vbDomainDef *def)
{
    const char *paths[] = {def->kernel, def->initrd};
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(paths); i++) {
        struct stat sb;

        if (paths[i] && stat(paths[i], &sb) < 0) {
            vbReportSystemErrorFull(VIR_FROM_SECURITY, errno, __FILE__, __func__, __LINE__,
                                    _("unable to stat: %s"), paths[i]);
            return -1;
        }
    }
    return 0;
}

#define VB_NVRAM_MAX_LEN (64 * 1024 * 1024)

/* The firmware of a domain with <os firmware='efi'> (or a read-only
 * pflash loader without a template), from the firmware descriptors, on
 * the runtime copy of its definition as libvirt does it */
static int
vbProcessPrepareFirmware(vbDriver *driver, vbDomainDef *def)
{
    const vbDomainLoaderDef *loader = def->os.loader;
    g_autoptr(GPtrArray) firmwares = NULL;

    if (def->os.firmware == VB_DOMAIN_OS_FIRMWARE_NONE &&
        (!loader || loader->type != VB_DOMAIN_LOADER_TYPE_PFLASH ||
         loader->readonly != VB_TRISTATE_BOOL_YES || loader->nvramTemplate))
        return 0;
    if (!(firmwares = vbQemuFirmwareLoadAll((const char *const *) driver->cfg->firmwareDirs)))
        return -1;
    return vbQemuFirmwareFillDomain(def, firmwares, driver->cfg->nvramDir);
}

/* A UEFI variable store that does not exist yet, or any with @reset, is
 * copied from its template (libvirt's qemuPrepareNVRAM); an existing one
 * is the guest's and is otherwise kept as it is */
static int
vbProcessPrepareNVRAM(vbDriver *driver, const vbDomainDef *def, bool reset)
{
    const vbDomainLoaderDef *loader = def->os.loader;
    g_autofree char *data = NULL;
    gssize len;

    if (!loader || !loader->nvram || (!reset && g_file_test(loader->nvram, G_FILE_TEST_EXISTS)))
        return 0;
    if (!loader->nvramTemplate) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("unable to find any master var store for loader: %s"), loader->path);
        return -1;
    }
    /* libvirt's wording for a template that is not there */
    if (access(loader->nvramTemplate, R_OK) < 0) {
        vbReportSystemError(errno, _("Failed to open file '%s'"), loader->nvramTemplate);
        return -1;
    }
    /* OVMF's stores are 128 KiB to 4 MiB */
    if ((len = vbFileReadAll(loader->nvramTemplate, VB_NVRAM_MAX_LEN, &data)) < 0)
        return -1;
    if (vbDriverConfigMakeDir(driver->cfg, driver->cfg->nvramDir, 0755) < 0)
        return -1;
    /* written under a temporary name and renamed: a crash never leaves a
     * half-copied store that the next start would take for the guest's */
    return vbFileWriteAtomic(loader->nvram, data, len, 0600, VB_FILE_WRITE_DURABLE);
}

/* Gives QEMU's user every file it opens (all or none), and remembers
 * whom, for the status file */
static int
vbProcessSetLabels(vbDriver *driver, vbDomainObj *vm, bool disksOnly)
{
    g_autofree vbSecurityDAC *dac = NULL;

    if (!driver->dac)
        return 0;
    dac = g_memdup2(driver->dac, sizeof(*driver->dac));
    dac->disksOnly = disksOnly;
    if (vbSecurityDACSetDomain(dac, vm->def) < 0)
        return -1;
    vm->dacLabel = g_steal_pointer(&dac);
    return 0;
}

/* Gives the files labelled for the QEMU of @vm back to their owners, once
 * that QEMU is gone (every teardown) */
static void
vbProcessRestoreLabels(vbDomainObj *vm)
{
    g_autofree vbSecurityDAC *dac = g_steal_pointer(&vm->dacLabel);

    if (dac)
        vbSecurityDACRestoreDomain(dac, vm->def);
}

/* The log of the domain's QEMU (@suffix "") or storage daemon ("-storage"). */
static char *
vbProcessLogPath(vbDriver *driver, const vbDomainDef *def, const char *suffix)
{
    g_autofree char *name = g_strdup_printf("%s%s.log", def->name, suffix);

    return g_build_filename(driver->cfg->logDir, name, NULL);
}

/* The directory of the running @vm's sockets (monitor, VNC, listening
 * channels such as the guest agent), in the state directory:
 * domain-ID-NAME, the name cut to 20 bytes as libvirt's short name (the ID
 * keeps it unique). */
static char *
vbProcessDomainDir(vbDriver *driver, const vbDomainObj *vm)
{
    g_autofree char *dom = g_strdup_printf("domain-%d-%.20s", vm->id, vm->def->name);

    return g_build_filename(driver->cfg->stateDir, dom, NULL);
}

/* The pid file of @vm's QEMU, NAME.pid beside its status file in the
 * state directory (libvirt's): only the daemon writes there. */
static char *
vbProcessPidFile(vbDriver *driver, const vbDomainObj *vm)
{
    g_autofree char *file = g_strdup_printf("%s.pid", vm->def->name);

    return g_build_filename(driver->cfg->stateDir, file, NULL);
}

static void
vbProcessRemovePidFile(vbDriver *driver, const vbDomainObj *vm)
{
    g_autofree char *pidFile = vbProcessPidFile(driver, vm);

    if (vbFileRemoveIfExists(pidFile) < 0)
        VB_WARN("%s", vbGetLastErrorMessage());
}

/*
 * Makes @dir, a directory of one process's sockets, that only the daemon
 * and QEMU can enter (the monitor and the guest agent are ways into the
 * guest): 0700 when QEMU runs as the daemon; when it runs as another
 * identity (qemu.conf), owned by the daemon with QEMU's group and 0770, so
 * that QEMU can create its sockets there and nobody else can reach them
 * (or, when that group is the daemon's own, owned by QEMU's user, 0700).
 * An existing @dir must be a directory the daemon made: not a symlink.
 */
static int
vbProcessMakeSocketDir(vbDriver *driver, const char *dir, bool exclusive)
{
    const vbIdentity *ident = driver->cfg->qemuIdentity;
    struct stat sb;

    if (mkdir(dir, 0700) < 0 && (exclusive || errno != EEXIST)) {
        vbReportSystemError(errno, _("cannot create directory '%s'"), dir);
        return -1;
    }
    if (lstat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid()) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("'%s' is not a directory of the daemon's own"),
                      dir);
        return -1;
    }
    if (!vbIdentityDiffers(ident))
        return 0;
    if (ident->gid != getegid()) {
        if (chown(dir, geteuid(), ident->gid) < 0 || chmod(dir, 0770) < 0) {
            vbReportSystemError(errno, _("cannot give directory '%s' to group %u"), dir,
                                (unsigned int) ident->gid);
            return -1;
        }
    } else if (chown(dir, ident->uid, ident->gid) < 0) {
        vbReportSystemError(errno, _("cannot give directory '%s' to uid %u"), dir,
                            (unsigned int) ident->uid);
        return -1;
    }
    return 0;
}

/* Names the socket of each listening channel without a path, in the
 * domain's socket directory. */
static int
vbProcessPrepareChannels(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *dir = vbProcessDomainDir(driver, vm);

    return vbQemuDeviceChrAssignSocketPaths(vm->def, dir);
}

/* Removes the socket directory of @vm and the sockets QEMU left in it;
 * a directory never made is no error. */
static void
vbProcessRemoveDomainDir(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *dir = vbProcessDomainDir(driver, vm);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        if (unlink(path) < 0)
            VB_WARN("cannot remove '%s': %s", path, g_strerror(errno));
    }
    if (rmdir(dir) < 0)
        VB_WARN("cannot remove '%s': %s", dir, g_strerror(errno));
}

/* Puts the persistent definition back where it was before the start. */
static void
vbProcessRestoreDef(vbDomainObj *vm)
{
    if (vm->newDef) {
        vbDomainDefFree(vm->def);
        vm->def = g_steal_pointer(&vm->newDef);
    }
}

/* QEMU and the storage daemon of a shut-off domain are two kinds of one
 * process: a monitor socket in the state directory, a log, spawned
 * detached, waited for, connected to; stopped in the reverse order.  The
 * helpers below are that shared part; each kind adds its own state. */

/* Sets vm->monitorPath to "monitor.sock" in @dir, a new socket directory
 * (vbProcessMakeSocketDir), removing a stale socket of an earlier
 * process. */
static int
vbProcessPrepareMonitorPath(vbDriver *driver, vbDomainObj *vm, const char *dir)
{
    if (vbProcessMakeSocketDir(driver, dir, false) < 0)
        return -1;
    g_free(vm->monitorPath);
    vm->monitorPath = g_build_filename(dir, "monitor.sock", NULL);
    return vbFileRemoveIfExists(vm->monitorPath);
}

/* Waits for the monitor socket of the process just spawned and connects. */
static int
vbProcessWaitAndConnect(vbDriver *driver, vbDomainObj *vm, const char *logPath)
{
    if (vbQemuProcessWaitForMonitor(vm->pid, vm->monitorPath, logPath, VB_MONITOR_WAIT_MS) < 0)
        return -1;
    return vbDomainProcessConnectMonitor(driver, vm, VB_MONITOR_WAIT_MS, 0);
}

typedef enum {
    /* SIGKILL at once: what a start that failed left behind */
    VB_PROCESS_TEARDOWN_FORCE = 1 << 0,
    /* "quit" over the monitor first: a storage daemon flushes and closes
     * the images it holds */
    VB_PROCESS_TEARDOWN_QUIT = 1 << 1,
    /* the domain's taps were created: what QEMU left of them goes */
    VB_PROCESS_TEARDOWN_INTERFACES = 1 << 2,
} vbProcessTeardownFlags;

/* Records in the live definition the pty QEMU gave each pty serial and
 * console (libvirt's qemuProcessRefreshPtyPaths): clients read it in the
 * XML, and the console opens it. */
static int
vbProcessRefreshPtyPaths(vbDomainObj *vm, bool booted)
{
    g_autoptr(GHashTable) ptys = NULL;
    g_autoptr(GHashTable) open = NULL;
    vbMonitor *mon;
    size_t i;

    mon = vbDomainObjEnterMonitor(vm);
    ptys = vbMonitorQueryChardevPtys(mon, &open);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || !ptys)
        return -1;
    for (i = 0; i < vm->def->nchrs; i++) {
        vbDomainChrDef *chr = vm->def->chrs[i];
        g_autofree char *label = NULL;
        const char *path;

        if (chr->type != VB_DOMAIN_CHR_TYPE_PTY)
            continue;
        label = vbQemuDeviceChrBackendAlias(chr);
        if ((path = g_hash_table_lookup(ptys, label))) {
            g_free(chr->ptyPath);
            chr->ptyPath = g_strdup(path);
        }
    }
    vbProcessRefreshChannelStates(vm, open, booted);
    return 0;
}

/*
 * Where each VNC server of the live definition listens, decided before
 * QEMU starts and written into the definition, as libvirt shows it: the
 * default address, a socket in the state directory, a free port from 5900
 * for autoport (a fixed port is marked taken so no autoport gets it).
 */
static int
vbProcessGraphicsPrepare(vbDriver *driver, vbDomainObj *vm)
{
    size_t i;

    for (i = 0; i < vm->def->ngraphics; i++) {
        vbDomainGraphicsDef *graphics = vm->def->graphics[i];
        unsigned int port;

        switch (graphics->listenType) {
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS:
            if (!graphics->listenAddress)
                graphics->listenAddress = g_strdup(VB_QEMU_VNC_LISTEN_DEFAULT);
            if (graphics->autoport) {
                if (vbPortAllocatorAcquire(driver->vncPorts, &port) < 0)
                    return -1;
                graphics->port = port;
            } else if (vbPortAllocatorSetUsed(driver->vncPorts, graphics->port) < 0) {
                return -1;
            }
            graphics->portReserved = true;
            break;
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET:
            if (!graphics->listenSocket) {
                g_autofree char *dir = vbProcessDomainDir(driver, vm);

                graphics->listenSocket = g_build_filename(dir, "vnc.sock", NULL);
                if (vbFileRemoveIfExists(graphics->listenSocket) < 0)
                    return -1;
            }
            break;
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NONE:
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NETWORK:
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_LAST:
            break;
        }
    }
    return 0;
}

/* Gives back the VNC ports this domain reserved (QEMU is gone), only
 * those: a start that failed before reserving, or on a fixed port another
 * domain holds, must not free that domain's port.  Removes the VNC socket
 * the daemon made for it. */
static void
vbProcessGraphicsRelease(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *dir = vbProcessDomainDir(driver, vm);
    g_autofree char *madeSocket = g_build_filename(dir, "vnc.sock", NULL);
    size_t i;

    for (i = 0; i < vm->def->ngraphics; i++) {
        vbDomainGraphicsDef *graphics = vm->def->graphics[i];

        /* the socket vbProcessGraphicsPrepare named goes with the domain;
         * one the user named is left alone */
        if (graphics->listenType == VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET &&
            g_strcmp0(graphics->listenSocket, madeSocket) == 0 &&
            vbFileRemoveIfExists(madeSocket) < 0) {
            VB_WARN("%s", vbGetLastErrorMessage());
            vbResetLastError();
        }
        if (graphics->portReserved) {
            vbPortAllocatorRelease(driver->vncPorts, graphics->port);
            graphics->portReserved = false;
        }
    }
}

/* A running domain found again keeps its VNC ports. */
static void
vbProcessGraphicsReserve(vbDriver *driver, vbDomainObj *vm)
{
    size_t i;

    for (i = 0; i < vm->def->ngraphics; i++) {
        vbDomainGraphicsDef *graphics = vm->def->graphics[i];

        if (graphics->listenType != VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS)
            continue;
        if (vbPortAllocatorSetUsed(driver->vncPorts, graphics->port) < 0) {
            /* QEMU listens there: the domain keeps running */
            VB_WARN("domain '%s': %s", vm->def->name, vbGetLastErrorMessage());
            vbResetLastError();
            continue;
        }
        graphics->portReserved = true;
    }
}

/* The VNC password, over QMP once QEMU runs (-vnc says password=on), and
 * when it expires, as libvirt's qemuDomainChangeGraphicsPasswords. */
static int
vbProcessGraphicsSetPasswords(vbDomainObj *vm)
{
    size_t i;

    for (i = 0; i < vm->def->ngraphics; i++) {
        const vbDomainGraphicsDef *graphics = vm->def->graphics[i];
        g_autofree char *expire = NULL;
        vbMonitor *mon;
        int rc;

        if (!graphics->passwd)
            continue;
        if (!graphics->passwd[0] || (graphics->passwdExpires &&
                                     graphics->passwdValidTo <= g_get_real_time() / G_USEC_PER_SEC))
            expire = g_strdup("now");
        else if (graphics->passwdExpires)
            expire = g_strdup_printf("%lld", graphics->passwdValidTo);
        else
            expire = g_strdup("never");

        mon = vbDomainObjEnterMonitor(vm);
        rc = vbMonitorSetVNCPassword(mon, graphics->passwd);
        if (rc == 0)
            rc = vbMonitorExpireVNCPassword(mon, expire);
        if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
            return -1;
    }
    return 0;
}

/* The links <link state='down'> takes down, before the guest runs
 * (libvirt's qemuProcessSetLinkStates): QEMU has no option for it. */
static int
vbProcessSetLinkStates(vbDomainObj *vm)
{
    size_t i;

    for (i = 0; i < vm->def->nnets; i++) {
        const vbDomainNetDef *net = vm->def->nets[i];
        vbMonitor *mon;
        int rc;

        if (net->linkState != VB_DOMAIN_NET_LINK_STATE_DOWN)
            continue;
        mon = vbDomainObjEnterMonitor(vm);
        rc = vbMonitorSetLink(mon, net->info.alias, false);
        if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
            return -1;
    }
    return 0;
}

/* The balloon as the definition says, before the guest runs (libvirt's
 * qemuProcessSetupBalloon): its statistics period, and its size, which
 * <currentMemory> gives. */
static int
vbProcessSetupBalloon(vbDomainObj *vm)
{
    const vbDomainMemballoonDef *balloon = vm->def->memballoon;
    vbMonitor *mon;
    int rc = 0;

    if (!balloon || balloon->model == VB_DOMAIN_MEMBALLOON_MODEL_NONE)
        return 0;
    mon = vbDomainObjEnterMonitor(vm);
    if (balloon->period)
        rc = vbMonitorSetBalloonStatsPeriod(mon, balloon->info.alias, balloon->period);
    if (rc == 0)
        rc = vbMonitorBalloon(mon, vm->def->currentMemory * 1024);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    return 0;
}

/* Ends the process of @vm (@what names it in the log) and forgets it:
 * monitor, socket, pid, status file; the persistent definition is vm->def
 * again.  Drops and retakes vm->lock while the process ends. */
static void
vbProcessTeardown(vbDomainObj *vm, const char *what, unsigned int flags)
{
    pid_t pid = vm->pid;

    /* The EOF that follows is expected, not a crash. */
    vm->beingDestroyed = true;
    /* wakes an agent command in flight */
    g_clear_pointer(&vm->agent, vbQemuAgentClose);
    if ((flags & VB_PROCESS_TEARDOWN_QUIT) && vm->mon) {
        vbMonitor *mon = vbDomainObjEnterMonitor(vm);

        if (vbMonitorQuit(mon) < 0)
            VB_DEBUG("quit of the %s: %s", what, vbGetLastErrorMessage());
        vbDomainObjLock(vm);
    }
    vbDomainProcessCloseMonitor(vm);
    if (pid > 0) {
        vbDomainObjUnlock(vm);
        if (vbQemuProcessKill(pid, flags & VB_PROCESS_TEARDOWN_FORCE) < 0)
            VB_ERROR("cannot stop the %s of domain '%s': %s", what, vm->def->name,
                     vbGetLastErrorMessage());
        vbDomainObjLock(vm);
    }
    vm->beingDestroyed = false;
    if (vm->monitorPath) {
        g_autofree char *dir = g_path_get_dirname(vm->monitorPath);
        g_autofree char *base = g_path_get_basename(vm->monitorPath);

        unlink(vm->monitorPath);
        /* its socket directory, once empty (a domain's still holds its
         * channel sockets: vbProcessRemoveDomainDir); an older daemon put
         * "domain-ID.monitor" in the state directory itself */
        if (g_str_equal(base, "monitor.sock"))
            rmdir(dir);
    }
    g_clear_pointer(&vm->monitorPath, g_free);
    vm->pid = 0;
    vm->monitorRecoveredAt = 0;
    vbDomainObjRemoveStatus(vm);
    /* after the status file is gone: a daemon killed in between leaves
     * files labelled rather than count a shared image down twice */
    vbProcessRestoreLabels(vm);
    /* before the live definition, which names the taps, is dropped */
    if (flags & VB_PROCESS_TEARDOWN_INTERFACES)
        vbDomainInterfacesRelease(vm->def);
    vbProcessRestoreDef(vm);
}

/* <iotune> as libvirt 9.0 sets it with -blockdev: block_set_io_throttle
 * per disk before the guest runs (an empty drive cannot take it). */
static int
vbProcessSetupDiskThrottling(vbDomainObj *vm)
{
    vbMonitor *mon;
    int rc = 0;
    size_t i;

    mon = vbDomainObjEnterMonitor(vm);
    for (i = 0; rc == 0 && i < vm->def->ndisks; i++) {
        const vbDomainDiskDef *disk = vm->def->disks[i];
        g_autofree char *qomName = NULL;

        if (vbStorageSourceIsEmpty(disk->src) || !vbDomainIoTuneHasAny(&disk->iotune))
            continue;
        qomName = vbQemuBlockDiskQomName(disk);
        rc = vbMonitorBlockSetIoThrottle(mon, qomName, &disk->iotune);
    }
    if (vbDomainObjExitMonitor(vm, mon) < 0)
        return -1;
    return rc;
}

int
vbDomainProcessStart(vbDriver *driver, vbDomainObj *vm, unsigned int flags)
{
    g_autofree char *logPath = NULL;
    g_autofree char *domainDir = NULL;
    g_autofree char *pidFile = NULL;
    g_auto(GStrv) argv = NULL;
    g_auto(GStrv) env = NULL;
    g_autoptr(vbQemuCaps) caps = NULL;
    g_autoptr(vbError) saved = NULL;
    g_autoptr(vbSysinfo) hostSysinfo = NULL;
    g_autoptr(GArray) netFds = g_array_new(FALSE, FALSE, sizeof(int));
    bool netsConnected = false;
    vbQemuCommandOptions opts = {0};
    /* QEMU's own -sandbox filters its system calls */
    vbQemuProcessConfine confine = {.ident = driver->cfg->qemuIdentity};
    const char *emulator;
    vbMonitor *mon;

    g_return_val_if_fail(!vbDomainObjIsActive(vm), -1);

    /* Work on a copy: the persistent definition must not gain runtime data. */
    if (vm->persistent) {
        vm->newDef = g_steal_pointer(&vm->def);
        if (!(vm->def = vbDomainDefCopy(vm->newDef, 0))) {
            vm->def = g_steal_pointer(&vm->newDef);
            return -1;
        }
    }
    if (vbDomainDefValidate(vm->def) < 0 || vbProcessPrepareFirmware(driver, vm->def) < 0)
        goto error;

    emulator = vm->def->emulator ? vm->def->emulator : driver->cfg->qemuBinary;
    if (!(caps =
              vbQemuCapsNewForBinary(emulator, driver->cfg->cacheDir, driver->cfg->qemuIdentity)) ||
        vbQemuCapsCheckVersion(caps) < 0)
        goto error;
    /* the live definition shows the CPU host-model stands for, as libvirt's */
    if (vbQemuHostCPUUpdateDef(
            vm->def, vbQemuCapsGetHostCPU(caps, vm->def->virtType == VB_DOMAIN_VIRT_KVM)) < 0)
        goto error;
    if (vbDomainProcessPrepareDisks(driver, vm) < 0)
        goto error;
    if (vbQemuDomainAssignAddresses(vm->def) < 0)
        goto error;

    vm->id = vbDriverAllocDomainID(driver);
    vm->def->id = vm->id;
    domainDir = vbProcessDomainDir(driver, vm);
    if (vbProcessPrepareMonitorPath(driver, vm, domainDir) < 0)
        goto error;

    if (vbProcessGraphicsPrepare(driver, vm) < 0 || vbProcessPrepareChannels(driver, vm) < 0)
        goto error;

    opts.monitorPath = vm->monitorPath;
    opts.kvmUsable = vbQemuCapsGetKVMUsable(caps);
    /* read when asked for: the tables do not change while the host runs */
    if (vm->def->os.smbiosMode == VB_DOMAIN_SMBIOS_HOST)
        hostSysinfo = vbQemuHostGetSysinfo("/");
    opts.hostSysinfo = hostSysinfo;
    opts.noSeccompSandbox = !driver->cfg->seccompSandbox;
    /* as libvirt (qemuInterfaceOpenVhostNet): never for a TCG guest */
    opts.vhostNet = vm->def->virtType == VB_DOMAIN_VIRT_KVM && vbNetDevVhostNetUsable();
    opts.incomingDefer = flags & VB_DOMAIN_PROCESS_START_INCOMING;
    if (!(argv = vbQemuCommandBuild(vm->def, &opts)))
        goto error;
    /* the host side, once QEMU's command line is known to be good */
    if (vbProcessPrepareChardevs(vm->def) < 0 || vbProcessCheckKernel(vm->def) < 0 ||
        vbProcessPrepareNVRAM(driver, vm->def, flags & VB_DOMAIN_PROCESS_START_RESET_NVRAM) < 0 ||
        vbProcessSetLabels(driver, vm, false) < 0)
        goto error;
    /* the taps last: nothing after them fails for a reason of the
     * definition's, and a failure removes them again.  Named first, and
     * the status saved with the names: a macvtap stays when the daemon
     * is killed, and the daemon that follows finds it there (the status
     * names no QEMU yet, so it stops the domain, deleting it). */
    if (vbDomainInterfacesPrepareNames(vm->def) < 0)
        goto error;
    vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP);
    /* what a daemon killed before the status names the pid looks at:
     * nothing of an earlier run may be left there */
    pidFile = vbProcessPidFile(driver, vm);
    if (vbFileRemoveIfExists(pidFile) < 0 || vbDomainObjSaveStatus(vm) < 0)
        goto error;
    if (vbDomainInterfacesConnect(vm->def, opts.vhostNet, netFds) < 0)
        goto error;
    netsConnected = true;

    logPath = vbProcessLogPath(driver, vm->def, "");
    env = vbQemuCommandBuildEnv(vm->def);
    /* the numbers the command line gave them */
    G_STATIC_ASSERT(VB_QEMU_COMMAND_PASSED_FD_FIRST == VB_QEMU_PROCESS_PASSED_FD_FIRST);
    confine.passFds = (const int *) (void *) netFds->data;
    confine.npassFds = netFds->len;
    confine.pidFile = pidFile;
    if (vbQemuProcessLaunchEnv(argv, env, logPath, &confine, &vm->pid) < 0)
        goto error;
    vbProcessTestKill("spawned");
    /* QEMU holds the taps now; the daemon's descriptors would keep a
     * tap alive after QEMU is gone */
    vbDomainInterfacesCloseFds(netFds);

    /* From now on a restarted daemon must find this QEMU, not start a
     * second one on the same images. */
    if (vbDomainObjSaveStatus(vm) < 0)
        goto error;
    if (vbProcessWaitAndConnect(driver, vm, logPath) < 0 ||
        vbProcessRefreshPtyPaths(vm, true) < 0 || vbProcessGraphicsSetPasswords(vm) < 0 ||
        vbProcessSetLinkStates(vm) < 0 || vbProcessSetupBalloon(vm) < 0)
        goto error;

    if (vbProcessSetupDiskThrottling(vm) < 0)
        goto error;

    if (flags & (VB_DOMAIN_PROCESS_START_PAUSED | VB_DOMAIN_PROCESS_START_INCOMING)) {
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    } else {
        int rc;

        /* Running before `cont`: the RESUME event then finds nothing to do. */
        vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
        mon = vbDomainObjEnterMonitor(vm);
        rc = vbMonitorCont(mon);
        if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
            goto error;
    }

    if (vbDomainObjSaveStatus(vm) < 0)
        goto error;
    VB_INFO("domain '%s' started, QEMU pid %d", vm->def->name, (int) vm->pid);
    return 0;

error:
    saved = vbErrorSave();
    vbDomainInterfacesCloseFds(netFds);
    vbProcessGraphicsRelease(driver, vm);
    vbProcessTeardown(vm, "QEMU",
                      VB_PROCESS_TEARDOWN_FORCE |
                          (netsConnected ? VB_PROCESS_TEARDOWN_INTERFACES : 0));
    if (vm->id > 0) {
        vbProcessRemoveDomainDir(driver, vm);
        vbProcessRemovePidFile(driver, vm);
    }
    vm->id = -1;
    vbDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FAILED);
    vbErrorRestore(&saved);
    return -1;
}

/* --- Stop --- */

void
vbDomainProcessStop(vbDriver *driver, vbDomainObj *vm, virDomainShutoffReason reason)
{
    if (!vbDomainObjIsActive(vm))
        return;

    /* before the teardown puts the persistent definition back; a start
     * meanwhile skips the port while QEMU still holds it */
    vbProcessGraphicsRelease(driver, vm);
    vbProcessTeardown(vm, "QEMU", VB_PROCESS_TEARDOWN_INTERFACES);
    vbProcessRemoveDomainDir(driver, vm);
    vbProcessRemovePidFile(driver, vm);
    /* Jobs die with QEMU, silently, as in libvirt: nobody is told. */
    g_hash_table_remove_all(vm->blockjobs);
    vm->id = -1;
    vm->gotShutdown = false;
    vm->quiesced = false;
    vm->fakeReboot = false;
    vm->pausedShutdown = false;
    vm->pausedReason = 0;
    vm->runningReason = 0;
    vbDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, reason);
    vbDomainObjBroadcast(vm);
}

/* --- The storage daemon of a shut-off domain --- */

int
vbDomainProcessStartStorageDaemon(vbDriver *driver, vbDomainObj *vm)
{
    char uuid[VB_UUID_STRING_BUFLEN];
    g_autofree char *dirName = NULL;
    g_autofree char *dir = NULL;
    vbQemuProcessConfine confine = {
        .ident = driver->cfg->qemuIdentity,
        .sandbox = driver->cfg->seccompSandbox,
    };
    g_autofree char *logPath = NULL;
    g_auto(GStrv) argv = NULL;
    g_autoptr(vbError) saved = NULL;

    /* A socket directory of its own, named by the UUID, not the name:
     * unique among defined domains, and short whatever the name (a socket
     * path has 108 bytes).  Only a stale socket of this domain's own
     * earlier storage daemon is replaced. */
    vbUUIDFormat(vm->def->uuid, uuid);
    dirName = g_strdup_printf("storage-%s", uuid);
    dir = g_build_filename(driver->cfg->stateDir, dirName, NULL);
    if (vbProcessPrepareMonitorPath(driver, vm, dir) < 0) {
        rmdir(dir);
        goto error;
    }
    if (vbProcessSetLabels(driver, vm, true) < 0)
        goto error;
    if (!(argv = vbQemuStorageDaemonCommandBuild(vm->def, driver->cfg->storageDaemonBinary,
                                                 vm->monitorPath)))
        goto error;
    logPath = vbProcessLogPath(driver, vm->def, "-storage");
    if (vbQemuProcessLaunch(argv, logPath, &confine, &vm->pid) < 0)
        goto error;

    vm->offline = true;
    if (vbProcessWaitAndConnect(driver, vm, logPath) < 0)
        goto error;
    if (vbDomainObjSaveStatus(vm) < 0)
        goto error;
    VB_INFO("storage daemon for shut-off domain '%s' started, pid %d", vm->def->name,
            (int) vm->pid);
    return 0;

error:
    saved = vbErrorSave();
    vbDomainProcessStopStorageDaemon(driver, vm);
    vbErrorRestore(&saved);
    return -1;
}

void
vbDomainProcessStopStorageDaemon(vbDriver *driver G_GNUC_UNUSED, vbDomainObj *vm)
{
    /* A clean quit flushes and closes the images. */
    vbProcessTeardown(vm, "storage daemon", VB_PROCESS_TEARDOWN_QUIT);
    vm->offline = false;
    vbDomainObjBroadcast(vm);
}

/* Takes back the storage daemon named in a status file, or a monitor
 * that failed: its jobs as QEMU lists them. */
static int
vbProcessReconnectStorageDaemon(vbDriver *driver, vbDomainObj *vm)
{
    if (!vbQemuProcessIsAlive(vm->pid)) {
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("storage daemon %d of shut-off domain '%s' is gone"), (int) vm->pid,
                      vm->def->name);
        return -1;
    }
    if (vbDomainProcessConnectMonitor(driver, vm, VB_MONITOR_WAIT_MS, 0) < 0)
        return -1;
    if (vbBlockJobRefreshJobs(driver, vm) < 0)
        return -1;
    if (vm->offline && vbDomainObjSaveStatus(vm) < 0)
        return -1;
    return 0;
}

/* An active commit QEMU may have pivoted without the given-up monitor
 * telling: ready, job-complete sent, or pending (job-finalize may have
 * been sent).  A job that was not ready cannot pivot (only we send
 * job-complete), and any other job leaves the disk on the image the
 * definitions name. */
static bool
vbProcessHasUnseenPivot(vbDomainObj *vm)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, vm->blockjobs);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        vbBlockJob *job = value;

        if (job->type == VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT &&
            (job->state == VB_BLOCK_JOB_STATE_READY || job->state == VB_BLOCK_JOB_STATE_PIVOTING ||
             job->state == VB_BLOCK_JOB_STATE_PENDING))
            return true;
    }
    return false;
}

bool
vbDomainProcessNeedsSettle(vbDomainObj *vm)
{
    return !vm->offline && vbDomainObjMonitorFailed(vm) && vbProcessHasUnseenPivot(vm) &&
           vbQemuProcessIsAlive(vm->pid);
}

/* Opens a new monitor connection in place of the given-up one, pauses the
 * guest ("stop": nothing more is written, whatever the job does after the
 * query) and takes the jobs back as after a restart, so that a finished
 * pivot is applied to the definitions before QEMU is killed.  libvirt
 * kills at once, leaving the definitions on the top while the guest wrote
 * into the base.  The monitor failed on what QEMU sent once; a new
 * connection usually works, and each step is bounded by a short timeout,
 * a hung QEMU delaying the destroy by seconds only. */
void
vbDomainProcessSettleJobs(vbDriver *driver, vbDomainObj *vm)
{
    vbMonitor *mon;
    int rc;

    if (!vbDomainProcessNeedsSettle(vm))
        return;

    VB_INFO("settling the block jobs of domain '%s' through a new monitor connection",
            vm->def->name);
    vbDomainProcessCloseMonitor(vm);
    if (vbDomainProcessConnectMonitor(driver, vm, VB_SETTLE_WAIT_MS, VB_SETTLE_WAIT_MS) < 0)
        goto error;
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorStop(mon);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        goto error;
    if (vbBlockJobRefreshJobs(driver, vm) < 0)
        goto error;
    return;

error:
    VB_WARN("cannot settle the block jobs of domain '%s' before it is destroyed: %s", vm->def->name,
            vbGetLastErrorMessage());
}

void
vbDomainProcessDetach(vbDriver *driver, vbDomainObj *vm)
{
    g_clear_pointer(&vm->agent, vbQemuAgentClose);
    vbDomainProcessCloseMonitor(vm);
}

/* --- Reconnect --- */

/* Why QEMU's run state @status is paused, as libvirt's
 * qemuMonitorVMStatusToPausedReason says ('shutdown' and 'guest-panicked'
 * are handled before). */
static virDomainPausedReason
vbProcessPausedReason(const char *status)
{
    static const struct {
        const char *status;
        virDomainPausedReason reason;
    } reasons[] = {
        {"paused", VIR_DOMAIN_PAUSED_USER},
        {"prelaunch", VIR_DOMAIN_PAUSED_USER},
        {"io-error", VIR_DOMAIN_PAUSED_IOERROR},
        {"watchdog", VIR_DOMAIN_PAUSED_WATCHDOG},
        {"save-vm", VIR_DOMAIN_PAUSED_SAVE},
        {"inmigrate", VIR_DOMAIN_PAUSED_MIGRATION},
        {"postmigrate", VIR_DOMAIN_PAUSED_MIGRATION},
        {"finish-migrate", VIR_DOMAIN_PAUSED_MIGRATION},
    };
    size_t i;

    for (i = 0; status && i < G_N_ELEMENTS(reasons); i++) {
        if (strcmp(status, reasons[i].status) == 0)
            return reasons[i].reason;
    }
    return VIR_DOMAIN_PAUSED_UNKNOWN;
}

/* Whether QEMU has a device of its own for @alias of @vm's definition
 * that a hotplug removal would wait for: every disk and interface, and
 * input devices on usb or virtio (a ps2 one is the machine's) */
static void
vbProcessReconnectCollectAliases(const vbDomainDef *def, GPtrArray *aliases)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->info.alias)
            g_ptr_array_add(aliases, def->disks[i]->info.alias);
    }
    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->info.alias)
            g_ptr_array_add(aliases, def->nets[i]->info.alias);
    }
    for (i = 0; i < def->ninputs; i++) {
        const vbDomainInputDef *input = def->inputs[i];

        if (input->info.alias &&
            (input->bus == VB_DOMAIN_INPUT_BUS_USB || input->bus == VB_DOMAIN_INPUT_BUS_VIRTIO))
            g_ptr_array_add(aliases, input->info.alias);
    }
}

/*
 * libvirt's qemuDomainUpdateDeviceList and qemuProcessUpdateDevices: a
 * device the definition has and QEMU no longer has was unplugged while
 * nobody listened (its DEVICE_DELETED went to no one).  Its removal is
 * finished as the event would have finished it, by the worker, once the
 * reconnect's job ends: the definition and status updated, its files
 * given back, DEVICE_REMOVED.  A failed query is only logged: the
 * devices stay as they are, and a later detach finds out.
 */
static void
vbProcessReconnectDevices(vbDomainObj *vm)
{
    g_autoptr(GHashTable) present = NULL;
    g_autoptr(GPtrArray) aliases = g_ptr_array_new();
    vbMonitor *mon;
    guint i;
    int rc;

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorGetDeviceAliases(mon, &present);
    if (vbDomainObjExitMonitor(vm, mon) < 0)
        return;
    if (rc < 0) {
        VB_WARN("domain '%s': cannot list QEMU's devices: %s", vm->def->name,
                vbGetLastErrorMessage());
        return;
    }
    vbProcessReconnectCollectAliases(vm->def, aliases);
    for (i = 0; i < aliases->len; i++) {
        const char *alias = g_ptr_array_index(aliases, i);

        if (g_hash_table_contains(present, alias))
            continue;
        VB_INFO("domain '%s': device '%s' was unplugged while the daemon was away", vm->def->name,
                alias);
        vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_DEVICE_DELETED,
                             vbProcessDeviceDeletedNew(vm, alias, true),
                             vbDomainProcessDeviceDeletedFree);
    }
}

/*
 * A status of no pid is of a start the daemon did not finish: QEMU may
 * run all the same, spawned before the daemon could name it (paused, -S,
 * holding the images' locks, its monitor socket about to be removed with
 * the domain's directory).  The pid file names it while it lives (its
 * lock goes with it); it is killed before the domain is stopped.  A
 * holder whose command line does not name the domain's monitor socket is
 * not ours and is left alone.
 */
static void
vbProcessReconnectKillUnnamed(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *pidFile = vbProcessPidFile(driver, vm);
    g_autofree char *cmdPath = NULL;
    g_autofree char *cmdline = NULL;
    g_autofree char *expected = NULL;
    gsize len = 0;
    pid_t pid = 0;
    const char *arg;
    bool ours = false;
    int rc;

    if ((rc = vbQemuProcessPidFileHolder(pidFile, &pid)) <= 0) {
        if (rc < 0)
            VB_WARN("domain '%s': %s", vm->def->name, vbGetLastErrorMessage());
        return;
    }
    cmdPath = g_strdup_printf("/proc/%d/cmdline", (int) pid);
    if (vm->monitorPath && g_file_get_contents(cmdPath, &cmdline, &len, NULL)) {
        g_auto(GStrv) parts = g_strsplit(vm->monitorPath, ",", -1);
        g_autofree char *escaped = g_strjoinv(",,", parts);

        /* the -chardev of the monitor, as vbQemuCommandBuild writes it */
        expected = g_strdup_printf("socket,id=charmonitor,path=%s,", escaped);
        for (arg = cmdline; !ours && arg < cmdline + len; arg += strlen(arg) + 1)
            ours = g_str_has_prefix(arg, expected) && arg[strlen(expected)] != ',';
    }
    if (!ours) {
        VB_WARN("domain '%s': process %d holding '%s' is not its QEMU, left alone", vm->def->name,
                (int) pid, pidFile);
        return;
    }
    VB_INFO("domain '%s': killing QEMU %d, started by a daemon that did not see it up",
            vm->def->name, (int) pid);
    vbDomainObjUnlock(vm);
    rc = vbQemuProcessKill(pid, true);
    vbDomainObjLock(vm);
    if (rc < 0)
        VB_ERROR("cannot stop the QEMU of domain '%s': %s", vm->def->name, vbGetLastErrorMessage());
}

static int
vbProcessReconnect(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *status = NULL;
    vbMonitor *mon;
    bool running = false;
    int rc;

    /* also when QEMU is gone: a name just released is not reused at once */
    vbDomainInterfacesReserveNames(vm->def);
    if (vm->pid <= 0)
        vbProcessReconnectKillUnnamed(driver, vm);
    if (!vbQemuProcessIsAlive(vm->pid)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("QEMU process %d of domain '%s' is gone"),
                      (int) vm->pid, vm->def->name);
        return -1;
    }
    vbProcessGraphicsReserve(driver, vm);
    if (vbDomainProcessConnectMonitor(driver, vm, VB_RECONNECT_WAIT_MS, 0) < 0 ||
        vbProcessRefreshPtyPaths(vm, false) < 0)
        return -1;

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorQueryStatus(mon, &status, &running);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;

    if (g_strcmp0(status, "shutdown") == 0 && vm->pausedShutdown) {
        /* a fake reboot still to do (a monitor recovery; a restarted
         * daemon does not know of it): the reboot work does it */
        vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_GUEST_SHUTDOWN, NULL, NULL);
    } else if (g_strcmp0(status, "shutdown") == 0) {
        /* The guest powered off while nobody listened; QEMU (-no-shutdown)
         * waits for us.  Finish as its SHUTDOWN event would have, as
         * libvirt does on reconnect. */
        if (!vm->gotShutdown) {
            vm->gotShutdown = true;
            vbDomainObjSetState(vm, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_UNKNOWN);
            vbProcessEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_SHUTDOWN,
                                   VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED);
        }
        vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_GUEST_SHUTDOWN, NULL, NULL);
    } else if (g_strcmp0(status, "guest-panicked") == 0) {
        /* A panic missed while nobody listened: crashed, as libvirt's
         * reconnect records it; the action is not carried out late. */
        if (vm->state != VIR_DOMAIN_CRASHED) {
            vbDomainObjSetState(vm, VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED);
            vbProcessEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_CRASHED,
                                   VIR_DOMAIN_EVENT_CRASHED_PANICKED);
        }
    } else if (running && vm->state == VIR_DOMAIN_PAUSED &&
               vm->reason == VIR_DOMAIN_PAUSED_STARTING_UP) {
        /* the daemon went away while it started QEMU, after `cont` */
        vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    } else if (running && vm->state != VIR_DOMAIN_RUNNING) {
        /* A change missed while nobody listened: clients of a monitor
         * recovery are told (after a daemon restart, nobody is yet). */
        vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
        vbProcessEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_RESUMED,
                               VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    } else if (!running && vm->state == VIR_DOMAIN_RUNNING) {
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, vbProcessPausedReason(status));
        vbProcessEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                               VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }

    vbProcessReconnectDevices(vm);
    if (vbBlockJobRefreshJobs(driver, vm) < 0)
        return -1;
    return vbDomainObjSaveStatus(vm);
}

int
vbDomainProcessReconnectFromStatus(vbDriver *driver, const char *statusPath)
{
    g_autofree char *xml = NULL;
    vbDomainObj *tmp = vbDomainObjNew(driver);
    g_autoptr(vbDomainDef) oldDef = NULL;
    vbDomainObj *vm = NULL;
    vbDomainDef *def;
    GHashTableIter iter;
    gpointer key;
    gpointer value;
    int ret = -1;

    if (vbFileReadOwn(statusPath, VB_DOMAIN_FILE_MAX_LEN, &xml) < 0 ||
        vbDomainStatusParse(tmp, xml) < 0) {
        vbDomainObjUnref(tmp);
        return -1;
    }

    /* Merge into the object the persistent definitions made, if any. */
    def = g_steal_pointer(&tmp->def);
    if (!(vm = vbDomainObjListAdd(driver->domains, driver, &def, VB_DOMAIN_OBJ_LIST_ADD_LIVE,
                                  &oldDef))) {
        vbDomainDefFree(def);
        vbDomainObjUnref(tmp);
        return -1;
    }
    if (oldDef)
        vm->newDef = g_steal_pointer(&oldDef);
    vm->persistent = vm->newDef != NULL;
    vm->state = tmp->state;
    vm->reason = tmp->reason;
    vm->pid = tmp->pid;
    vm->id = tmp->id;
    vm->monitorPath = g_steal_pointer(&tmp->monitorPath);
    vm->nodenameIndex = tmp->nodenameIndex;
    vm->gotShutdown = tmp->gotShutdown;
    vm->quiesced = tmp->quiesced;
    vm->offline = tmp->offline;
    vm->dacLabel = g_steal_pointer(&tmp->dacLabel);
    g_hash_table_iter_init(&iter, tmp->blockjobs);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_hash_table_iter_steal(&iter);
        g_hash_table_insert(vm->blockjobs, key, value);
    }
    vbDomainObjUnref(tmp);

    vbDriverReserveDomainID(driver, vm->id);

    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vm->offline) {
        if (vbProcessReconnectStorageDaemon(driver, vm) < 0) {
            VB_WARN("block jobs of shut-off domain '%s' are lost: %s", vm->def->name,
                    vbGetLastErrorMessage());
            vbBlockJobAbandonAll(driver, vm, vbGetLastErrorMessage());
            vbDomainProcessStopStorageDaemon(driver, vm);
        }
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
        ret = 0;
        goto cleanup;
    }
    if (vbProcessReconnect(driver, vm) < 0) {
        VB_WARN("domain '%s' could not be taken back: %s", vm->def->name, vbGetLastErrorMessage());
        /* libvirt's reasons: QEMU (run with -no-shutdown) unreachable has
         * crashed; reached but failing, the daemon is to blame; a status
         * of no QEMU yet is of a start that failed with the daemon */
        vbDomainProcessStop(driver, vm,
                            vm->pid <= 0 ? VIR_DOMAIN_SHUTOFF_FAILED
                            : vm->mon    ? VIR_DOMAIN_SHUTOFF_DAEMON
                                         : VIR_DOMAIN_SHUTOFF_CRASHED);
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
        if (!vm->persistent)
            vbDomainObjListRemove(driver->domains, vm);
        ret = 0;
        goto cleanup;
    }
    /* the agent is back (the channels' states): a snapshot's freeze the
     * daemon did not live to undo ends now */
    vbDomainQuiesceRecover(vm);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    VB_INFO("reconnected to domain '%s' (QEMU pid %d)", vm->def->name, (int) vm->pid);
    ret = 0;

cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
