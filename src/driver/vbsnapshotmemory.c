/*
 * vbsnapshotmemory.c: a running guest's memory state saved into a file,
 * and restored from it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbdomainevent.h"
#include "vbdomainobj.h"
#include "vbdomainprocess.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbmonitorsystem.h"
#include "vbmonitormigration.h"
#include "vbqemudevice.h"
#include "vbqemusaveimage.h"
#include "vbsnapshotmemory.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* The name QEMU keeps the descriptor under (libvirt's) */
#define VB_SNAPSHOT_MEMORY_FDNAME "migrate"
/* How often a migration's progress is asked for */
#define VB_SNAPSHOT_MEMORY_POLL_US (20 * 1000)
/* libvirt's QEMU_DOMAIN_MIG_BANDWIDTH_MAX in MiB/s, as bytes: a file
 * takes what QEMU gives, unthrottled */
#define VB_SNAPSHOT_MEMORY_BANDWIDTH_MAX ((unsigned long long) (INT64_MAX / (1024 * 1024)))

void
vbSnapshotMemoryFileClear(vbSnapshotMemoryFile *mf)
{
    if (mf->fd >= 0)
        close(mf->fd);
    mf->fd = -1;
    if (mf->dirfd >= 0)
        close(mf->dirfd);
    mf->dirfd = -1;
    g_clear_pointer(&mf->path, g_free);
}

/* --- The file --- */

static int
vbSnapshotMemoryReportUnsafeDir(const char *path, const char *dir, const struct stat *st)
{
    vbReportError(
        VIR_ERR_OPERATION_INVALID,
        _("directory '%s' on the path of memory snapshot file '%s' can be written by other users (owner %u, mode %04o): another user could replace the file"),
        dir, path, (unsigned int) st->st_uid, (unsigned int) (st->st_mode & 07777));
    return -1;
}

/* Each directory from @dir up to the root, as named and as resolved, must
 * be one nobody else can change (vbFileDirIsSafeAncestor), and a symbolic
 * link on the way root's or the daemon's: the snapshot names the file by
 * this path, and a restore opens it by it. */
static int
vbSnapshotMemoryCheckDirPath(const char *path, const char *dir)
{
    g_autofree char *cur = g_strdup(dir);

    for (;;) {
        g_autofree char *parent = NULL;
        struct stat st;

        if (lstat(cur, &st) < 0) {
            vbReportSystemError(errno, _("Failed to create file '%s'"), path);
            return -1;
        }
        if (S_ISLNK(st.st_mode) && st.st_uid != geteuid() && st.st_uid != 0) {
            vbReportError(
                VIR_ERR_OPERATION_INVALID,
                _("symbolic link '%s' on the path of memory snapshot file '%s' belongs to another user (owner %u): they could point it elsewhere"),
                cur, path, (unsigned int) st.st_uid);
            return -1;
        }
        if (stat(cur, &st) < 0) {
            vbReportSystemError(errno, _("Failed to create file '%s'"), path);
            return -1;
        }
        if (!vbFileDirIsSafeAncestor(&st))
            return vbSnapshotMemoryReportUnsafeDir(path, cur, &st);
        parent = g_path_get_dirname(cur);
        if (g_str_equal(parent, cur))
            return 0;
        g_free(cur);
        cur = g_steal_pointer(&parent);
    }
}

int
vbSnapshotMemoryFileCreate(vbSnapshotMemoryFile *mf, const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *resolved = NULL;
    int dirfd;
    int fd;

    mf->fd = -1;
    mf->dirfd = -1;
    /* libvirt's words where the file cannot be made */
    if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        vbReportSystemError(errno, _("Failed to create file '%s'"), path);
        return -1;
    }
    if (!(resolved = realpath(dir, NULL))) {
        vbReportSystemError(errno, _("Failed to create file '%s'"), path);
        close(dirfd);
        return -1;
    }
    if (vbSnapshotMemoryCheckDirPath(path, dir) < 0 ||
        vbSnapshotMemoryCheckDirPath(path, resolved) < 0) {
        close(dirfd);
        return -1;
    }
    fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
        /* libvirt 9.0 truncates it: a previous snapshot's memory, or any
         * file, would be lost */
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("memory snapshot file '%s' already exists: it would be overwritten"), path);
        close(dirfd);
        return -1;
    }
    if (fd < 0) {
        vbReportSystemError(errno, _("Failed to create file '%s'"), path);
        close(dirfd);
        return -1;
    }
    /* the directory stays open: a failed snapshot removes its file from
     * there, whatever became of the path meanwhile */
    mf->dirfd = dirfd;
    mf->fd = fd;
    mf->created = true;
    mf->started = g_get_monotonic_time();
    mf->path = g_strdup(path);
    if (fstat(fd, &mf->st) < 0) {
        vbReportSystemError(errno, _("cannot stat file '%s'"), path);
        /* not knowing what it is, it cannot be told from a replacement */
        mf->created = false;
        if (unlinkat(dirfd, base, 0) < 0)
            VB_WARN("Unable to remove just-created %s: %s", path, g_strerror(errno));
        return -1;
    }
    return 0;
}

void
vbSnapshotMemoryFileRemove(vbSnapshotMemoryFile *mf)
{
    g_autofree char *base = NULL;
    int rc;

    if (!mf->created)
        return;
    mf->created = false;
    base = g_path_get_basename(mf->path);
    /* only our file, from the directory it was made in: never what
     * someone put in its place, nor a file of the same name elsewhere */
    rc = vbFileRemoveAtIfSame(mf->dirfd, base, &mf->st);
    if (rc < 0)
        VB_WARN("Unable to remove just-created %s: %s", mf->path, g_strerror(errno));
    else if (rc == 0)
        VB_WARN("memory snapshot file '%s' was replaced: not removed", mf->path);
}

/* --- Pause and resume --- */

int
vbSnapshotMemoryPause(vbDomainObj *vm)
{
    vbMonitor *mon;
    int rc;

    /* the STOP handler records this reason and sends SUSPENDED */
    vm->pausedReason = VIR_DOMAIN_PAUSED_SNAPSHOT;
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorStop(mon);
    if (vbDomainObjExitMonitor(vm, mon) < 0)
        rc = -1;
    vm->pausedReason = 0;
    if (rc < 0)
        return -1;
    vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_SNAPSHOT);
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    return 0;
}

int
vbSnapshotMemoryResume(vbDomainObj *vm)
{
    vbMonitor *mon;
    int rc;

    vm->resumeSeen = false;
    vm->runningReason = VIR_DOMAIN_RUNNING_UNPAUSED;
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorCont(mon);
    if (vbDomainObjExitMonitor(vm, mon) < 0)
        rc = -1;
    vm->runningReason = 0;
    if (rc < 0)
        return -1;
    if (!vm->resumeSeen)
        vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    return 0;
}

/* --- Saving --- */

/* Waits for the outgoing migration to end; the domain is unlocked
 * between two questions (the job keeps it as it is). */
static int
vbSnapshotMemoryWaitMigration(vbDomainObj *vm, const char *path, bool incoming,
                              vbMonitorMigrationStats *stats)
{
    for (;;) {
        vbMonitorMigrationStatus status;
        g_autofree char *error = NULL;
        vbMonitor *mon = vbDomainObjEnterMonitor(vm);
        int rc = vbMonitorQueryMigrate(mon, &status, &error, stats);

        if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
            return -1;
        switch (status) {
        case VB_MONITOR_MIGRATION_STATUS_COMPLETED:
            return 0;
        case VB_MONITOR_MIGRATION_STATUS_FAILED:
        case VB_MONITOR_MIGRATION_STATUS_CANCELLED:
        case VB_MONITOR_MIGRATION_STATUS_NONE:
            if (incoming)
                vbReportError(VIR_ERR_OPERATION_FAILED,
                              _("loading the memory state from '%s' failed: %s"), path,
                              error ? error : vbMonitorMigrationStatusTypeToString(status));
            else
                vbReportError(VIR_ERR_OPERATION_FAILED,
                              _("saving the memory state to '%s' failed: %s"), path,
                              error ? error : vbMonitorMigrationStatusTypeToString(status));
            return -1;
        case VB_MONITOR_MIGRATION_STATUS_SETUP:
        case VB_MONITOR_MIGRATION_STATUS_CANCELLING:
        case VB_MONITOR_MIGRATION_STATUS_ACTIVE:
        case VB_MONITOR_MIGRATION_STATUS_POSTCOPY_ACTIVE:
        case VB_MONITOR_MIGRATION_STATUS_POSTCOPY_PAUSED:
        case VB_MONITOR_MIGRATION_STATUS_POSTCOPY_RECOVER:
        case VB_MONITOR_MIGRATION_STATUS_COLO:
        case VB_MONITOR_MIGRATION_STATUS_PRE_SWITCHOVER:
        case VB_MONITOR_MIGRATION_STATUS_DEVICE:
        case VB_MONITOR_MIGRATION_STATUS_WAIT_UNPLUG:
        case VB_MONITOR_MIGRATION_STATUS_LAST:
            break;
        }
        vbDomainObjUnlock(vm);
        g_usleep(VB_SNAPSHOT_MEMORY_POLL_US);
        vbDomainObjLock(vm);
    }
}

/* A migration that failed half-way is cancelled, so the guest's disks
 * are active again when it continues. */
static void
vbSnapshotMemoryCancel(vbDomainObj *vm)
{
    vbMonitor *mon;

    if (!vbDomainObjIsActive(vm))
        return;
    mon = vbDomainObjEnterMonitor(vm);
    if (vbMonitorMigrateCancel(mon) < 0) {
        VB_WARN("cannot cancel the migration of domain '%s': %s", vm->def->name,
                vbGetLastErrorMessage());
        vbResetLastError();
    }
    vbDomainObjExitMonitor(vm, mon);
}

int
vbSnapshotMemorySave(vbDomainObj *vm, vbSnapshotMemoryFile *mf, bool wasRunning, bool live)
{
    g_autoptr(vbError) saved = NULL;
    g_autoptr(vbDomainDef) def = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *xml = NULL;
    bool started = false;
    vbMonitor *mon;
    int rc;

    /* the definition a restore starts QEMU with: the live one as a
     * definition (libvirt's migratable XML), before the disks switch,
     * without the sockets of this run */
    if (!(def = vbDomainDefCopy(vm->def,
                                VB_DOMAIN_DEF_FORMAT_INACTIVE | VB_DOMAIN_DEF_FORMAT_SECURE)))
        return -1;
    if (vm->monitorPath) {
        dir = g_path_get_dirname(vm->monitorPath);
        vbQemuDeviceChrDropSocketPaths(def, dir);
    }
    if (!(xml =
              vbDomainDefFormat(def, VB_DOMAIN_DEF_FORMAT_INACTIVE | VB_DOMAIN_DEF_FORMAT_SECURE)))
        return -1;
    if (vbQemuSaveImageWriteHeader(mf->fd, mf->path, xml, wasRunning) < 0)
        return -1;

    /* QEMU writes from the descriptor's offset: after the header */
    if (live)
        vm->pausedReason = VIR_DOMAIN_PAUSED_SNAPSHOT;
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorMigrateSetMaxBandwidth(mon, VB_SNAPSHOT_MEMORY_BANDWIDTH_MAX);
    if (rc == 0)
        rc = vbMonitorGetFD(mon, VB_SNAPSHOT_MEMORY_FDNAME, mf->fd);
    if (rc == 0) {
        rc = vbMonitorMigrateToFD(mon, VB_SNAPSHOT_MEMORY_FDNAME);
        started = rc == 0;
        /* QEMU took the descriptor over on success, else it still holds it */
        if (rc < 0 && vbMonitorCloseFD(mon, VB_SNAPSHOT_MEMORY_FDNAME) < 0)
            VB_DEBUG("closefd after a failed migrate: %s", vbGetLastErrorMessage());
    }
    if (vbDomainObjExitMonitor(vm, mon) < 0)
        rc = -1;
    if (rc == 0)
        rc = vbSnapshotMemoryWaitMigration(vm, mf->path, false, &mf->stats);
    vm->pausedReason = 0;
    if (rc < 0) {
        saved = vbErrorSave();
        if (started)
            vbSnapshotMemoryCancel(vm);
        vbErrorRestore(&saved);
        return -1;
    }
    /* a live migration ends with QEMU pausing the guest */
    if (live && vm->state == VIR_DOMAIN_RUNNING)
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_SNAPSHOT);
    return vbQemuSaveImageFinish(mf->fd, mf->path);
}

void
vbSnapshotMemoryEmitJobCompleted(vbDriver *driver, vbDomainObj *vm, const vbSnapshotMemoryFile *mf)
{
    const vbMonitorMigrationStats *st = &mf->stats;
    /* libvirt's qemuDomainJobDataToParams for a snapshot's migration */
    const vbDomainEventJobStat stats[] = {
        {VIR_DOMAIN_JOB_TIME_ELAPSED, (g_get_monotonic_time() - mf->started) / 1000},
        {VIR_DOMAIN_JOB_DOWNTIME, st->downtime},
        {VIR_DOMAIN_JOB_SETUP_TIME, st->setupTime},
        {VIR_DOMAIN_JOB_DATA_TOTAL, st->ramTotal},
        {VIR_DOMAIN_JOB_DATA_PROCESSED, st->ramTransferred},
        {VIR_DOMAIN_JOB_DATA_REMAINING, st->ramRemaining},
        {VIR_DOMAIN_JOB_MEMORY_TOTAL, st->ramTotal},
        {VIR_DOMAIN_JOB_MEMORY_PROCESSED, st->ramTransferred},
        {VIR_DOMAIN_JOB_MEMORY_REMAINING, st->ramRemaining},
        {VIR_DOMAIN_JOB_MEMORY_BPS, st->ramBps},
        {VIR_DOMAIN_JOB_MEMORY_CONSTANT, st->ramDuplicate},
        {VIR_DOMAIN_JOB_MEMORY_NORMAL, st->ramNormal},
        {VIR_DOMAIN_JOB_MEMORY_NORMAL_BYTES, st->ramNormalBytes},
        {VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE, st->ramDirtyRate},
        {VIR_DOMAIN_JOB_MEMORY_ITERATION, st->ramIteration},
        {VIR_DOMAIN_JOB_MEMORY_POSTCOPY_REQS, st->ramPostcopyRequests},
        {VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE, st->ramPageSize},
    };

    vbDomainEventQueuePush(driver->events,
                           vbDomainEventJobCompletedNew(vm->def->name, vm->def->uuid, vm->id,
                                                        VIR_DOMAIN_JOB_OPERATION_SNAPSHOT, stats,
                                                        G_N_ELEMENTS(stats)));
}

/* --- Restoring --- */

int
vbSnapshotMemoryOpen(const char *path, int *fd, char **xml, bool *wasRunning)
{
    int f;

    *fd = -1;
    if ((f = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        vbReportSystemError(errno, _("cannot open memory snapshot file '%s'"), path);
        return -1;
    }
    if (vbQemuSaveImageReadHeader(f, path, xml, wasRunning) < 0) {
        close(f);
        return -1;
    }
    *fd = f;
    return 0;
}

/* Waits for the incoming migration to end; as the outgoing one, asked
 * again and again with the domain unlocked in between. */
static int
vbSnapshotMemoryLoad(vbDomainObj *vm, const char *path, int fd)
{
    vbMonitor *mon = vbDomainObjEnterMonitor(vm);
    int rc = vbMonitorGetFD(mon, VB_SNAPSHOT_MEMORY_FDNAME, fd);

    if (rc == 0 && (rc = vbMonitorMigrateIncomingFD(mon, VB_SNAPSHOT_MEMORY_FDNAME)) < 0) {
        /* QEMU keeps the descriptor it was given until told otherwise */
        g_autoptr(vbError) saved = vbErrorSave();

        if (vbMonitorCloseFD(mon, VB_SNAPSHOT_MEMORY_FDNAME) < 0)
            vbResetLastError();
        vbErrorRestore(&saved);
    }
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    return vbSnapshotMemoryWaitMigration(vm, path, true, NULL);
}

int
vbSnapshotMemoryRestoreLoad(vbDriver *driver, vbDomainObj *vm, const char *path, int fd)
{
    g_autoptr(vbError) saved = NULL;

    if (vbDomainProcessStart(driver, vm, VB_DOMAIN_PROCESS_START_INCOMING) < 0)
        return -1;
    if (vbSnapshotMemoryLoad(vm, path, fd) < 0) {
        saved = vbErrorSave();
        vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_FAILED);
        vbErrorRestore(&saved);
        return -1;
    }
    return 0;
}

int
vbSnapshotMemoryRestoreFinish(vbDriver *driver, vbDomainObj *vm, const char *path, bool paused,
                              int startedDetail)
{
    g_autoptr(vbError) saved = NULL;
    int runningReason = startedDetail == VIR_DOMAIN_EVENT_STARTED_RESTORED
                            ? VIR_DOMAIN_RUNNING_RESTORED
                            : VIR_DOMAIN_RUNNING_FROM_SNAPSHOT;
    vbMonitor *mon;
    int rc;

    vbDomainEventQueuePush(driver->events,
                           vbDomainEventLifecycleNew(vm->def->name, vm->def->uuid, vm->id,
                                                     VIR_DOMAIN_EVENT_STARTED, startedDetail));
    if (paused) {
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_FROM_SNAPSHOT);
        vbDomainEventQueuePush(driver->events,
                               vbDomainEventLifecycleNew(
                                   vm->def->name, vm->def->uuid, vm->id, VIR_DOMAIN_EVENT_SUSPENDED,
                                   startedDetail == VIR_DOMAIN_EVENT_STARTED_RESTORED
                                       ? VIR_DOMAIN_EVENT_SUSPENDED_RESTORED
                                       : VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT));
    } else {
        vm->resumeSeen = false;
        vm->runningReason = runningReason;
        mon = vbDomainObjEnterMonitor(vm);
        rc = vbMonitorCont(mon);
        if (vbDomainObjExitMonitor(vm, mon) < 0)
            rc = -1;
        vm->runningReason = 0;
        if (rc < 0) {
            saved = vbErrorSave();
            vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_FAILED);
            vbErrorRestore(&saved);
            return -1;
        }
        if (!vm->resumeSeen)
            vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, runningReason);
    }
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    VB_INFO("domain '%s' restored from memory snapshot file '%s'", vm->def->name, path);
    return 0;
}

int
vbSnapshotMemoryRestore(vbDriver *driver, vbDomainObj *vm, const char *path, int fd, bool paused,
                        int startedDetail)
{
    if (vbSnapshotMemoryRestoreLoad(driver, vm, path, fd) < 0)
        return -1;
    return vbSnapshotMemoryRestoreFinish(driver, vm, path, paused, startedDetail);
}
