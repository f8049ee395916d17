/*
 * vbdriver.c: the QEMU driver: its directories, threads and domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbdriver.h"
#include "vbsnapshot.h"
#include "vbsnapshotdeleterecover.h"
#include "vbsnapshotrevert.h"
#include "vbblockjobupdate.h"
#include "vbblockoffline.h"
#include "vbdomainops.h"
#include "vbdomainprocess.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbstoragepoolobj.h"
#include "vbdomainhotplug.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_DRIVER_WORKERS 4

/* Runs one item of work, as libvirt's qemuProcessEventHandler: the files
 * below name the work, this one knows who does it. */
static void
vbDriverProcessWork(vbDriver *driver, vbDomainObj *vm, vbDomainWork *work)
{
    switch (work->type) {
    case VB_DOMAIN_WORK_BLOCK_JOB_UPDATE:
        vbBlockJobHandleUpdate(driver, vm, work->data);
        return;
    case VB_DOMAIN_WORK_MONITOR_EOF:
        vbDomainProcessHandleMonitorEOF(driver, vm, work->data);
        return;
    case VB_DOMAIN_WORK_MONITOR_ERROR:
        vbDomainProcessHandleMonitorError(driver, vm, work->data);
        return;
    case VB_DOMAIN_WORK_GUEST_SHUTDOWN:
        vbDomainProcessHandleGuestShutdown(driver, vm);
        return;
    case VB_DOMAIN_WORK_GUEST_PANICKED:
        vbDomainProcessHandleGuestPanic(driver, vm);
        return;
    case VB_DOMAIN_WORK_BLOCK_JOBS_ENDED:
        vbBlockOfflineHandleJobsEnded(driver, vm);
        return;
    case VB_DOMAIN_WORK_DEVICE_DELETED:
        vbDomainHotplugHandleDeviceDeleted(driver, vm, work->data);
        return;
    case VB_DOMAIN_WORK_SNAPSHOT_DELETE_RECOVER:
        vbDomainSnapshotDeleteRecover(driver, vm);
        return;
    case VB_DOMAIN_WORK_LAST:
        break;
    }
    VB_ERROR("unknown work %d queued for domain '%s'", (int) work->type, vm->def->name);
}

/* Runs every item queued for one domain, in order.  Only one worker runs a
 * given domain's items at a time, so events keep QEMU's order. */
static void
vbDriverWorker(gpointer data, gpointer opaque)
{
    vbDomainObj *vm = data;
    vbDriver *driver = opaque;
    vbDomainWork *work;

    while ((work = vbDomainObjTakeWork(vm))) {
        vbDriverProcessWork(driver, vm, work);
        vbDomainWorkFree(work);
    }
    vbDomainObjUnref(vm);
}

/*
 * QEMU running as another identity (qemu.conf) creates its sockets in a
 * directory per domain inside the state directory: it must be able to
 * pass through the run and state directories, never to list them or read
 * what else is there (status files are 0600).  The state directory gets
 * QEMU's group and 0710; the run directory is 0755 already (for the
 * read-only socket, vbDriverConfigMakeDirs).
 */
static int
vbDriverOpenStateDir(vbDriverConfig *cfg)
{
    const vbIdentity *ident = cfg->qemuIdentity;

    if (!vbIdentityDiffers(ident)) {
        /* a qemu.conf that named another user before: closed again */
        if (chown(cfg->stateDir, geteuid(), getegid()) < 0 || chmod(cfg->stateDir, 0700) < 0) {
            vbReportSystemError(errno, _("cannot change the mode of '%s'"), cfg->stateDir);
            return -1;
        }
        return 0;
    }
    if (ident->gid != getegid()) {
        if (chown(cfg->stateDir, geteuid(), ident->gid) < 0 || chmod(cfg->stateDir, 0710) < 0) {
            vbReportSystemError(errno, _("cannot give directory '%s' to group %u"), cfg->stateDir,
                                (unsigned int) ident->gid);
            return -1;
        }
    } else if (chmod(cfg->stateDir, 0711) < 0) {
        vbReportSystemError(errno, _("cannot change the mode of '%s'"), cfg->stateDir);
        return -1;
    }
    return 0;
}

vbDriver *
vbDriverNew(vbDriverConfig *cfg, GMainContext *mainCtx)
{
    vbDriver *driver = g_new0(vbDriver, 1);

    driver->cfg = cfg;
    if (vbDriverConfigMakeDirs(cfg) < 0) {
        driver->cfg = NULL;
        g_free(driver);
        return NULL;
    }

    if (vbDriverOpenStateDir(cfg) < 0) {
        driver->cfg = NULL;
        g_free(driver);
        return NULL;
    }

    if (!(driver->storage = vbStorageDriverNew(cfg->storageConfigDir, cfg->storageStateDir,
                                               cfg->qemuImgBinary))) {
        driver->cfg = NULL;
        g_free(driver);
        return NULL;
    }
    driver->domains = vbDomainObjListNew();
    driver->events = vbDomainEventQueueNew(mainCtx);
    driver->nextDomainID = 1;
    /* QEMU's files are given to it only when it runs as someone else */
    if (cfg->qemuIdentity && vbSecurityDACNeeded(cfg->qemuIdentity->uid, cfg->qemuIdentity->gid,
                                                 cfg->dynamicOwnership)) {
        driver->dac = g_new0(vbSecurityDAC, 1);
        driver->dac->user = cfg->qemuIdentity->uid;
        driver->dac->group = cfg->qemuIdentity->gid;
        driver->dac->remember = cfg->rememberOwner;
    }
    driver->vncPorts =
        vbPortAllocatorNew("VNC", VB_DOMAIN_GRAPHICS_VNC_PORT_MIN, VB_DOMAIN_GRAPHICS_VNC_PORT_MAX);
    driver->monitorThread = vbEventThreadNew("vb-monitor");
    driver->monitorCtx = vbEventThreadGetContext(driver->monitorThread);
    driver->workers = g_thread_pool_new(vbDriverWorker, driver, VB_DRIVER_WORKERS, FALSE, NULL);
    return driver;
}

static void
vbDriverCloseMonitors(vbDriver *driver)
{
    g_autoptr(GPtrArray) all = vbDomainObjListCollect(driver->domains);
    size_t i;

    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        vbDomainProcessDetach(driver, vm);
        vbDomainObjUnlock(vm);
    }
}

void
vbDriverBeginShutdown(vbDriver *driver)
{
    g_autoptr(GPtrArray) all = vbDomainObjListCollect(driver->domains);
    size_t i;

    g_atomic_int_set(&driver->shuttingDown, 1);
    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        vbDomainObjBroadcast(vm);
        vbDomainObjUnlock(vm);
    }
}

void
vbDriverFree(vbDriver *driver)
{
    if (!driver)
        return;
    g_atomic_int_set(&driver->shuttingDown, 1);

    /* Running domains keep running: only our side of each monitor closes,
     * and the status files stay for the next start to reconnect. */
    g_thread_pool_free(driver->workers, FALSE, TRUE);
    vbDriverCloseMonitors(driver);
    driver->monitorCtx = NULL;
    g_clear_pointer(&driver->monitorThread, vbEventThreadFree);

    vbDomainObjListFree(driver->domains);
    vbStorageDriverFree(driver->storage);
    vbDomainEventQueueFree(driver->events);
    vbPortAllocatorFree(driver->vncPorts);
    vbDriverConfigFree(driver->cfg);
    g_free(driver->dac);
    g_free(driver);
}

static void
vbDriverLoadConfigs(vbDriver *driver)
{
    g_autoptr(GDir) dir = g_dir_open(driver->cfg->configDir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        g_autofree char *autostartLink = NULL;
        g_autoptr(vbDomainDef) def = NULL;
        vbDomainObj *vm;

        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(driver->cfg->configDir, name, NULL);
        /* No validation on reload: a stricter check must never make an
         * existing domain vanish. */
        if (!(def = vbDomainDefParseFile(path, VB_DOMAIN_DEF_PARSE_INACTIVE))) {
            VB_ERROR("cannot load domain definition '%s': %s", path, vbGetLastErrorMessage());
            continue;
        }
        vbDriverDomainDefFillEmulator(driver, def);
        if (!(vm = vbDomainObjListAdd(driver->domains, driver, &def, 0, NULL))) {
            VB_ERROR("cannot load domain definition '%s': %s", path, vbGetLastErrorMessage());
            continue;
        }
        vm->persistent = true;
        autostartLink = vbDriverAutostartLink(driver, vm->def->name);
        vm->autostart = g_file_test(autostartLink, G_FILE_TEST_IS_SYMLINK);
        vbDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
        vbDomainObjEndAPI(&vm);
    }
}

/* The snapshot metadata of every domain known now (@transientOnly: of
 * the transient ones only).  The persistent domains' is loaded before any
 * reconnect, as libvirt does, so that a domain a failed reconnect stops
 * and removes takes its metadata along. */
static void
vbDriverLoadSnapshots(vbDriver *driver, bool transientOnly)
{
    g_autoptr(GPtrArray) all = vbDomainObjListCollect(driver->domains);
    size_t i;

    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        if (!vm->removing && !(transientOnly && vm->persistent))
            vbDomainSnapshotLoad(driver, vm);
        vbDomainObjUnlock(vm);
    }
}

/* The snapshot reverts the daemon was killed in, completed or undone once
 * the reconnects tell whether the QEMU a memory revert started lives */
static void
vbDriverRecoverSnapshotReverts(vbDriver *driver)
{
    g_autoptr(GPtrArray) all = vbDomainObjListCollect(driver->domains);
    size_t i;

    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        if (!vm->removing)
            vbDomainSnapshotRevertRecover(driver, vm);
        vbDomainObjUnlock(vm);
    }
}

/* The snapshot deletes the daemon was killed in, finished or undone by
 * each domain's worker (the jobs may take long: the daemon listens
 * meanwhile), after the work its reconnect queued */
static void
vbDriverRecoverSnapshotDeletes(vbDriver *driver)
{
    g_autoptr(GPtrArray) all = vbDomainObjListCollect(driver->domains);
    size_t i;

    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        if (!vm->removing && vbSnapshotDeleteIntentExists(vm)) {
            vbSnapshotDeleteClaimJobs(vm);
            vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_SNAPSHOT_DELETE_RECOVER, NULL, NULL);
        }
        vbDomainObjUnlock(vm);
    }
}

int
vbDriverLoadDomains(vbDriver *driver)
{
    g_autoptr(GDir) dir = NULL;
    g_autofree char *autostartedMark = NULL;
    const char *name;

    /* pools first, as libvirt's storage driver starts before QEMU's */
    vbStorageDriverLoad(driver->storage);
    vbDriverLoadConfigs(driver);
    vbDriverLoadSnapshots(driver, false);

    dir = g_dir_open(driver->cfg->stateDir, 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;

        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(driver->cfg->stateDir, name, NULL);
        if (vbDomainProcessReconnectFromStatus(driver, path) < 0)
            VB_ERROR("cannot reconnect domain from '%s': %s", path, vbGetLastErrorMessage());
    }
    /* A transient domain that failed was removed with every file of its
     * snapshot directory (vbDomainObjDiscardSnapshots). */
    vbDriverLoadSnapshots(driver, true);
    vbDriverRecoverSnapshotReverts(driver);
    /* with the block jobs read back from QEMU */
    vbDriverRecoverSnapshotDeletes(driver);

    /* As libvirt's virDriverShouldAutostart: once per boot of the host, so
     * a daemon restarted (or started on demand) later starts nothing the
     * user may have stopped meanwhile.  The state directory does not
     * survive a reboot. */
    autostartedMark = g_build_filename(driver->cfg->stateDir, "autostarted", NULL);
    if (g_file_test(autostartedMark, G_FILE_TEST_EXISTS)) {
        VB_DEBUG("'%s' exists: autostart was done since the host booted", autostartedMark);
        return 0;
    }
    if (vbFileWriteAtomic(autostartedMark, "", 0, 0600, 0) < 0)
        return -1;
    vbDomainAutostartAll(driver);
    return 0;
}
