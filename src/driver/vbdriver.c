/*
 * vbdriver.c: the QEMU driver: its directories, threads and domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbdriver.h"
#include "vbdomainprocess.h"
#include "vbdomainstatus.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_DRIVER_WORKERS 4
#define VB_DEFAULT_QEMU "/usr/bin/qemu-system-x86_64"
#define VB_DEFAULT_QSD "/usr/bin/qemu-storage-daemon"
#define VB_DEFAULT_QEMU_IMG "/usr/bin/qemu-img"

void
vbDriverConfigFree(vbDriverConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->root);
    g_free(cfg->configDir);
    g_free(cfg->stateDir);
    g_free(cfg->logDir);
    g_free(cfg->cacheDir);
    g_free(cfg->runDir);
    g_free(cfg->socketPath);
    g_free(cfg->socketPathRO);
    g_free(cfg->qemuBinary);
    g_free(cfg->storageDaemonBinary);
    g_free(cfg->qemuImgBinary);
    g_free(cfg);
}

vbDriverConfig *
vbDriverConfigNew(bool privileged, const char *root)
{
    g_autoptr(vbDriverConfig) cfg = g_new0(vbDriverConfig, 1);
    const char *env;

    cfg->privileged = privileged;
    if (root) {
        cfg->root = g_canonicalize_filename(root, NULL);
        cfg->configDir = g_build_filename(cfg->root, "config", NULL);
        cfg->runDir = g_build_filename(cfg->root, "run", NULL);
        cfg->stateDir = g_build_filename(cfg->root, "run", "qemu", NULL);
        cfg->logDir = g_build_filename(cfg->root, "log", NULL);
        cfg->cacheDir = g_build_filename(cfg->root, "cache", NULL);
    } else if (privileged) {
        cfg->configDir = g_strdup(VB_SYSCONFDIR "/virtblockd/qemu");
        cfg->runDir = g_strdup(VB_RUNSTATEDIR "/virtblockd");
        cfg->stateDir = g_strdup(VB_RUNSTATEDIR "/virtblockd/qemu");
        cfg->logDir = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd/log");
        cfg->cacheDir = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd/cache");
    } else {
        cfg->configDir = g_build_filename(g_get_user_config_dir(), "virtblockd", "qemu", NULL);
        cfg->runDir = g_build_filename(g_get_user_runtime_dir(), "virtblockd", NULL);
        cfg->stateDir = g_build_filename(cfg->runDir, "qemu", NULL);
        cfg->logDir = g_build_filename(g_get_user_cache_dir(), "virtblockd", "log", NULL);
        cfg->cacheDir = g_build_filename(g_get_user_cache_dir(), "virtblockd", NULL);
    }
    cfg->socketPath = g_build_filename(cfg->runDir, "virtblockd-sock", NULL);
    cfg->socketPathRO = g_build_filename(cfg->runDir, "virtblockd-sock-ro", NULL);

    /* Tests and packagers may point at other binaries. */
    env = g_getenv("VIRTBLOCKD_QEMU");
    cfg->qemuBinary = g_strdup(env && *env ? env : VB_DEFAULT_QEMU);
    env = g_getenv("VIRTBLOCKD_QEMU_STORAGE_DAEMON");
    cfg->storageDaemonBinary = g_strdup(env && *env ? env : VB_DEFAULT_QSD);
    env = g_getenv("VIRTBLOCKD_QEMU_IMG");
    cfg->qemuImgBinary = g_strdup(env && *env ? env : VB_DEFAULT_QEMU_IMG);
    return g_steal_pointer(&cfg);
}

typedef struct {
    vbDriverWorkFunc func;
    void *data;
    GDestroyNotify freeData;
} vbDriverWork;

static void
vbDriverWorkFree(vbDriverWork *work)
{
    if (work->freeData)
        work->freeData(work->data);
    g_free(work);
}

/* Runs every item queued for one domain, in order.  Only one worker runs a
 * given domain's items at a time, so events keep QEMU's order. */
static void
vbDriverWorker(gpointer data, gpointer opaque)
{
    vbDomainObj *vm = data;
    vbDriver *driver = opaque;

    for (;;) {
        vbDriverWork *work;

        vbDomainObjLock(vm);
        if (!(work = g_queue_pop_head(&vm->work))) {
            vm->workScheduled = false;
            vbDomainObjUnlock(vm);
            break;
        }
        vbDomainObjUnlock(vm);

        work->func(driver, vm, work->data);
        vbDriverWorkFree(work);
    }
    vbDomainObjUnref(vm);
}

void
vbDriverQueueWork(vbDriver *driver, vbDomainObj *vm, vbDriverWorkFunc func, void *data,
                  GDestroyNotify freeData)
{
    vbDriverWork *work = g_new0(vbDriverWork, 1);
    bool schedule;

    work->func = func;
    work->data = data;
    work->freeData = freeData;

    g_queue_push_tail(&vm->work, work);
    schedule = !vm->workScheduled;
    vm->workScheduled = true;
    if (schedule)
        g_thread_pool_push(driver->workers, vbDomainObjRef(vm), NULL);
}

vbDriver *
vbDriverNew(vbDriverConfig *cfg, GMainContext *mainCtx)
{
    vbDriver *driver = g_new0(vbDriver, 1);
    const char *dirs[] = {cfg->configDir, cfg->stateDir, cfg->logDir, cfg->cacheDir, cfg->runDir};
    size_t i;

    driver->cfg = cfg;
    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (vbFileMakePath(dirs[i], 0700) < 0) {
            driver->cfg = NULL;
            g_free(driver);
            return NULL;
        }
    }

    driver->domains = vbDomainObjListNew();
    driver->events = vbDomainEventQueueNew(mainCtx);
    driver->nextDomainID = 1;
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
    vbDomainEventQueueFree(driver->events);
    vbDriverConfigFree(driver->cfg);
    g_free(driver);
}

int
vbDriverAllocDomainID(vbDriver *driver)
{
    return g_atomic_int_add(&driver->nextDomainID, 1);
}

char *
vbDriverConfigFile(vbDriver *driver, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(driver->cfg->configDir, file, NULL);
}

char *
vbDriverStatusFile(vbDriver *driver, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(driver->cfg->stateDir, file, NULL);
}

int
vbDriverSaveConfig(vbDriver *driver, vbDomainObj *vm)
{
    vbDomainDef *def = vbDomainObjGetPersistentDef(vm);
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;

    if (!def)
        return 0;
    if (!(xml = vbDomainDefFormat(def, VB_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    path = vbDriverConfigFile(driver, def->name);
    return vbFileWriteAtomic(path, xml, strlen(xml), 0600, VB_FILE_WRITE_DURABLE);
}

int
vbDriverSaveStatus(vbDriver *driver, vbDomainObj *vm)
{
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;

    if (!vbDomainObjIsActive(vm) && !vm->offline)
        return 0;
    if (!(xml = vbDomainStatusFormat(vm)))
        return -1;
    path = vbDriverStatusFile(driver, vm->def->name);
    /* Not synced: the status describes processes that a crash of the host
     * ends too; the daemon's own crash only needs the atomic rename. */
    return vbFileWriteAtomic(path, xml, strlen(xml), 0600, 0);
}

int
vbDriverRemoveConfig(vbDriver *driver, const char *name)
{
    g_autofree char *path = vbDriverConfigFile(driver, name);

    return vbFileRemoveIfExists(path);
}

int
vbDriverRemoveStatus(vbDriver *driver, const char *name)
{
    g_autofree char *path = vbDriverStatusFile(driver, name);

    return vbFileRemoveIfExists(path);
}

static void
vbDriverLoadConfigs(vbDriver *driver)
{
    g_autoptr(GDir) dir = g_dir_open(driver->cfg->configDir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
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
        if (!(vm = vbDomainObjListAdd(driver->domains, driver, &def, 0, NULL))) {
            VB_ERROR("cannot load domain definition '%s': %s", path, vbGetLastErrorMessage());
            continue;
        }
        vm->persistent = true;
        vbDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
        vbDomainObjEndAPI(&vm);
    }
}

int
vbDriverLoadDomains(vbDriver *driver)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    vbDriverLoadConfigs(driver);

    dir = g_dir_open(driver->cfg->stateDir, 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;

        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(driver->cfg->stateDir, name, NULL);
        if (vbDomainProcessReconnectFromStatus(driver, path) < 0)
            VB_ERROR("cannot reconnect domain from '%s': %s", path, vbGetLastErrorMessage());
    }
    return 0;
}
