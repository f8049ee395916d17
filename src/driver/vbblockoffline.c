/*
 * vbblockoffline.c: block jobs on the images of a shut-off domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <unistd.h>

#include "vbinternal.h"
#include "vbblockjobupdate.h"
#include "vbblockoffline.h"
#include "vbdomainprocess.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitorsystem.h"
#include "vbqemuprocess.h"
#include "vbqemustoragedaemon.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_OFFLINE_MONITOR_WAIT_MS (30 * 1000)

/* The persistent definition back in vm->def. */
static void
vbBlockOfflineRestoreDef(vbDomainObj *vm)
{
    if (vm->newDef) {
        vbDomainDefFree(vm->def);
        vm->def = g_steal_pointer(&vm->newDef);
    }
}

int
vbBlockOfflinePrepare(vbDriver *driver, vbDomainObj *vm)
{
    if (vm->offline)
        return 0;
    g_return_val_if_fail(!vbDomainObjIsActive(vm) && !vm->newDef, -1);

    vm->newDef = g_steal_pointer(&vm->def);
    if (!(vm->def = vbDomainDefCopy(vm->newDef, 0)) ||
        vbDomainProcessPrepareDisks(driver, vm) < 0) {
        vbBlockOfflineRestoreDef(vm);
        return -1;
    }
    return 0;
}

static char *
vbBlockOfflineLogPath(vbDriver *driver, const vbDomainDef *def)
{
    g_autofree char *name = g_strdup_printf("%s-storage.log", def->name);

    return g_build_filename(driver->cfg->logDir, name, NULL);
}

int
vbBlockOfflineStart(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *monName = NULL;
    g_autofree char *logPath = NULL;
    g_auto(GStrv) argv = NULL;
    g_autoptr(vbError) saved = NULL;
    int logfd;

    if (vm->offline)
        return 0;

    monName = g_strdup_printf("%s-storage.monitor", vm->def->name);
    vm->monitorPath = g_build_filename(driver->cfg->stateDir, monName, NULL);
    if (vbFileRemoveIfExists(vm->monitorPath) < 0)
        goto error;
    if (!(argv = vbQemuStorageDaemonCommandBuild(vm->def, driver->cfg->storageDaemonBinary,
                                                 vm->monitorPath)))
        goto error;

    logPath = vbBlockOfflineLogPath(driver, vm->def);
    if ((logfd = vbQemuProcessLogOpen(logPath, argv)) < 0)
        goto error;
    if (vbQemuProcessSpawn(argv, logfd, &vm->pid) < 0) {
        close(logfd);
        goto error;
    }
    close(logfd);

    vm->offline = true;
    if (vbQemuProcessWaitForMonitor(vm->pid, vm->monitorPath, logPath, VB_OFFLINE_MONITOR_WAIT_MS) <
            0 ||
        vbDomainProcessConnectMonitor(driver, vm, VB_OFFLINE_MONITOR_WAIT_MS, 0) < 0)
        goto error;
    if (vbDomainObjSaveStatus(vm) < 0)
        goto error;
    VB_INFO("storage daemon for shut-off domain '%s' started, pid %d", vm->def->name,
            (int) vm->pid);
    return 0;

error:
    saved = vbErrorSave();
    vbBlockOfflineAbort(driver, vm);
    vbErrorRestore(&saved);
    return -1;
}

/* Ends the storage daemon and puts the persistent definition back. */
static void
vbBlockOfflineStop(vbDriver *driver, vbDomainObj *vm)
{
    pid_t pid = vm->pid;

    /* The EOF that follows is expected, not a crash. */
    vm->beingDestroyed = true;
    if (vm->mon) {
        vbMonitor *mon = vbDomainObjEnterMonitor(vm);

        /* A clean quit flushes and closes the images. */
        if (vbMonitorQuit(mon) < 0)
            VB_DEBUG("quit of the storage daemon: %s", vbGetLastErrorMessage());
        vbDomainObjLock(vm);
    }
    vbDomainProcessCloseMonitor(vm);
    if (pid > 0) {
        vbDomainObjUnlock(vm);
        if (vbQemuProcessKill(pid, false) < 0)
            VB_ERROR("cannot stop the storage daemon of domain '%s': %s", vm->def->name,
                     vbGetLastErrorMessage());
        vbDomainObjLock(vm);
    }
    vm->beingDestroyed = false;
    if (vm->monitorPath)
        unlink(vm->monitorPath);
    g_clear_pointer(&vm->monitorPath, g_free);
    vm->pid = 0;
    vm->offline = false;
    vm->monitorRecoveredAt = 0;
    vbDomainObjRemoveStatus(vm);
    vbBlockOfflineRestoreDef(vm);
    vbDomainObjBroadcast(vm);
}

void
vbBlockOfflineAbort(vbDriver *driver, vbDomainObj *vm)
{
    if (g_hash_table_size(vm->blockjobs) > 0)
        return;
    vbBlockOfflineStop(driver, vm);
}

void
vbBlockOfflineStopIfIdle(vbDriver *driver, vbDomainObj *vm)
{
    if (!vm->offline || g_hash_table_size(vm->blockjobs) > 0)
        return;
    VB_INFO("last block job of shut-off domain '%s' ended; stopping its storage daemon",
            vm->def->name);
    vbBlockOfflineStop(driver, vm);
}

void
vbBlockOfflineHandleJobsEnded(vbDriver *driver, vbDomainObj *vm)
{
    vbDomainObjLock(vm);
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0) {
        /* The next API that needs the images stops it (vbBlockOfflineStopIfIdle). */
        VB_ERROR("cannot stop the storage daemon of domain '%s': %s", vm->def->name,
                 vbGetLastErrorMessage());
        vbDomainObjUnlock(vm);
        return;
    }
    /* A job started meanwhile keeps the storage daemon. */
    vbBlockOfflineStopIfIdle(driver, vm);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    vbDomainObjUnlock(vm);
}

int
vbBlockOfflineReconnect(vbDriver *driver, vbDomainObj *vm)
{
    if (!vbQemuProcessIsAlive(vm->pid)) {
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("storage daemon %d of shut-off domain '%s' is gone"), (int) vm->pid,
                      vm->def->name);
        return -1;
    }
    if (vbDomainProcessConnectMonitor(driver, vm, VB_OFFLINE_MONITOR_WAIT_MS, 0) < 0)
        return -1;
    if (vbBlockJobRefreshJobs(driver, vm) < 0)
        return -1;
    if (vm->offline && vbDomainObjSaveStatus(vm) < 0)
        return -1;
    return 0;
}
