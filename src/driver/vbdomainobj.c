/*
 * vbdomainobj.c: domain objects, their list, and the per-domain job
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbdomainobj.h"
#include "vbqemuagent.h"
#include "vbblockjob.h"
#include "vbdomainhandle.h"
#include "vbdomainstatus.h"
#include "vbdriverconf.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* libvirt waits 30 s for the job slot before giving up. */
#define VB_JOB_WAIT_US (30 * G_USEC_PER_SEC)

VB_ENUM_IMPL(vbDomainJob, VB_JOB_LAST, "none", "query", "modify", "destroy");

vbDomainObj *
vbDomainObjNew(vbDriver *driver)
{
    vbDomainObj *vm = g_new0(vbDomainObj, 1);

    g_mutex_init(&vm->lock);
    g_cond_init(&vm->cond);
    vm->refs = 1;
    vm->driver = driver;
    vm->id = -1;
    vm->state = VIR_DOMAIN_SHUTOFF;
    vm->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    vm->blockjobs =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) vbBlockJobUnref);
    vm->snapshots = vbSnapshotObjListNew();
    return vm;
}

vbDomainObj *
vbDomainObjRef(vbDomainObj *vm)
{
    g_atomic_int_inc(&vm->refs);
    return vm;
}

void
vbDomainObjUnref(vbDomainObj *vm)
{
    if (!vm || !g_atomic_int_dec_and_test(&vm->refs))
        return;
    g_hash_table_unref(vm->blockjobs);
    vbSnapshotObjListFree(vm->snapshots);
    vbDomainDefFree(vm->def);
    vbDomainDefFree(vm->newDef);
    g_free(vm->monitorPath);
    g_free(vm->unplugAlias);
    vbQemuAgentClose(vm->agent);
    g_free(vm->dacLabel);
    g_cond_clear(&vm->cond);
    g_mutex_clear(&vm->lock);
    g_free(vm);
}

void
vbDomainObjLock(vbDomainObj *vm)
{
    g_mutex_lock(&vm->lock);
}

void
vbDomainObjUnlock(vbDomainObj *vm)
{
    g_mutex_unlock(&vm->lock);
}

void
vbDomainObjEndAPI(vbDomainObj **vm)
{
    if (!*vm)
        return;
    vbDomainObjUnlock(*vm);
    vbDomainObjUnref(*vm);
    *vm = NULL;
}

bool
vbDomainObjIsActive(const vbDomainObj *vm)
{
    return vm->id >= 0;
}

bool
vbDomainObjHasMonitor(const vbDomainObj *vm)
{
    return vm->mon && (vbDomainObjIsActive(vm) || vm->offline);
}

const char *
vbDomainObjMonitorFailed(const vbDomainObj *vm)
{
    if (!vm->mon || !vm->monitorGivenUp)
        return NULL;
    return vbMonitorGetLastErrorMessage(vm->mon);
}

int
vbDomainObjCheckActive(const vbDomainObj *vm)
{
    if (!vbDomainObjIsActive(vm)) {
        vbReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, __FILE__, __func__, __LINE__,
                          "%s", _("domain is not running"));
        return -1;
    }
    return 0;
}

vbQemuAgent *
vbDomainAgentAcquire(vbDomainObj *vm, bool reportError)
{
    size_t i;

    if (vm->state != VIR_DOMAIN_RUNNING) {
        if (reportError)
            vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return NULL;
    }
    if (vm->agent)
        return vbQemuAgentRef(vm->agent);
    if (!reportError)
        return NULL;
    for (i = 0; i < vm->def->nchrs; i++) {
        if (vbDomainChrIsGuestAgent(vm->def->chrs[i])) {
            vbReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s", _("QEMU guest agent is not connected"));
            return NULL;
        }
    }
    vbReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s", _("QEMU guest agent is not configured"));
    return NULL;
}

void
vbDomainObjSetState(vbDomainObj *vm, virDomainState state, int reason)
{
    vm->state = state;
    vm->reason = reason;
}

vbDomainDef *
vbDomainObjGetPersistentDef(vbDomainObj *vm)
{
    if (!vm->persistent)
        return NULL;
    /* newDef is set exactly while vm->def is a live copy (running, or
     * block jobs on a shut-off domain). */
    return vm->newDef ? vm->newDef : vm->def;
}

static bool
vbDomainObjJobConflicts(const vbDomainObj *vm, vbDomainJob job)
{
    switch (job) {
    case VB_JOB_QUERY:
        return vm->job == VB_JOB_DESTROY;
    case VB_JOB_MODIFY:
        return vm->job != VB_JOB_NONE;
    case VB_JOB_DESTROY:
        return vm->job != VB_JOB_NONE || vm->queryJobs > 0;
    case VB_JOB_NONE:
    case VB_JOB_LAST:
        break;
    }
    return true;
}

int
vbDomainObjBeginJobFull(vbDomainObj *vm, vbDomainJob job, const char *api)
{
    gint64 deadline = g_get_monotonic_time() + VB_JOB_WAIT_US;

    g_return_val_if_fail(job > VB_JOB_NONE && job < VB_JOB_LAST, -1);

    while (vbDomainObjJobConflicts(vm, job)) {
        if (!g_cond_wait_until(&vm->cond, &vm->lock, deadline)) {
            if (!vbDomainObjJobConflicts(vm, job))
                break;
            vbReportError(VIR_ERR_OPERATION_TIMEOUT,
                          _("cannot acquire state change lock (held by %s)"),
                          vm->jobOwnerAPI ? vm->jobOwnerAPI : "unknown");
            return -1;
        }
    }
    if (vm->removing && job != VB_JOB_QUERY && !vbDomainObjIsActive(vm)) {
        vbReportError(VIR_ERR_NO_DOMAIN, _("domain '%s' is being removed"), vm->def->name);
        return -1;
    }

    if (job == VB_JOB_QUERY) {
        vm->queryJobs++;
    } else {
        vm->job = job;
        vm->jobOwnerAPI = api;
    }
    VB_DEBUG("domain %s: began %s job for %s", vm->def->name, vbDomainJobTypeToString(job), api);
    return 0;
}

void
vbDomainObjEndJob(vbDomainObj *vm, vbDomainJob job)
{
    if (job == VB_JOB_QUERY) {
        g_return_if_fail(vm->queryJobs > 0);
        vm->queryJobs--;
    } else {
        g_return_if_fail(vm->job == job);
        vm->job = VB_JOB_NONE;
        vm->jobOwnerAPI = NULL;
    }
    VB_DEBUG("domain %s: ended %s job", vm->def->name, vbDomainJobTypeToString(job));
    g_cond_broadcast(&vm->cond);
}

vbMonitor *
vbDomainObjEnterMonitor(vbDomainObj *vm)
{
    vbMonitor *mon = vm->mon;

    g_return_val_if_fail(mon != NULL, NULL);
    vbDomainObjUnlock(vm);
    return mon;
}

int
vbDomainObjExitMonitor(vbDomainObj *vm, vbMonitor *mon)
{
    vbDomainObjLock(vm);
    if (vm->mon != mon || !vbDomainObjHasMonitor(vm)) {
        if (vm->offline || !vbDomainObjIsActive(vm))
            vbReportError(VIR_ERR_OPERATION_FAILED, "%s",
                          _("the process serving the domain's disks is gone"));
        else
            vbReportError(VIR_ERR_OPERATION_FAILED, "%s", _("domain is no longer running"));
        return -1;
    }
    return 0;
}

void
vbDomainObjWait(vbDomainObj *vm)
{
    g_cond_wait(&vm->cond, &vm->lock);
}

bool
vbDomainObjWaitUntil(vbDomainObj *vm, gint64 deadline)
{
    return g_cond_wait_until(&vm->cond, &vm->lock, deadline);
}

void
vbDomainObjBroadcast(vbDomainObj *vm)
{
    g_cond_broadcast(&vm->cond);
}

/* --- The list --- */

struct _vbDomainObjList {
    GMutex lock;
    GHashTable *byUUID; /* uuid string -> vm (one reference) */
    GHashTable *byName; /* name -> vm (borrowed) */
};

vbDomainObjList *
vbDomainObjListNew(void)
{
    vbDomainObjList *doms = g_new0(vbDomainObjList, 1);

    g_mutex_init(&doms->lock);
    doms->byUUID =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) vbDomainObjUnref);
    doms->byName = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return doms;
}

void
vbDomainObjListFree(vbDomainObjList *doms)
{
    if (!doms)
        return;
    g_hash_table_unref(doms->byName);
    g_hash_table_unref(doms->byUUID);
    g_mutex_clear(&doms->lock);
    g_free(doms);
}

static vbDomainObj *
vbDomainObjListLookupUUIDLocked(vbDomainObjList *doms, const unsigned char *uuid)
{
    char uuidstr[VB_UUID_STRING_BUFLEN];

    vbUUIDFormat(uuid, uuidstr);
    return g_hash_table_lookup(doms->byUUID, uuidstr);
}

vbDomainObj *
vbDomainObjListAdd(vbDomainObjList *doms, vbDriver *driver, vbDomainDef **def, unsigned int flags,
                   vbDomainDef **oldDef)
{
    char uuidstr[VB_UUID_STRING_BUFLEN];
    vbDomainObj *vm;

    if (oldDef)
        *oldDef = NULL;
    vbUUIDFormat((*def)->uuid, uuidstr);

    g_mutex_lock(&doms->lock);
    if ((vm = g_hash_table_lookup(doms->byUUID, uuidstr))) {
        vbDomainObjLock(vm);
        if (strcmp(vm->def->name, (*def)->name) != 0) {
            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("domain '%s' is already defined with uuid %s"), vm->def->name, uuidstr);
            goto error;
        }
        if ((flags & VB_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE) && vbDomainObjIsActive(vm)) {
            vbReportError(VIR_ERR_OPERATION_INVALID, _("domain '%s' is already active"),
                          vm->def->name);
            goto error;
        }
        if (vm->removing) {
            vbReportError(VIR_ERR_OPERATION_INVALID, _("domain '%s' is being removed"),
                          vm->def->name);
            goto error;
        }
        if (flags & VB_DOMAIN_OBJ_LIST_ADD_LIVE) {
            /* A transient start over an inactive persistent domain */
            if (vbDomainObjIsActive(vm)) {
                vbReportError(VIR_ERR_OPERATION_INVALID, _("domain '%s' is already active"),
                              vm->def->name);
                goto error;
            }
            if (oldDef)
                *oldDef = vm->def;
            else
                vbDomainDefFree(vm->def);
            vm->def = g_steal_pointer(def);
        } else if (vbDomainObjIsActive(vm) || vm->offline) {
            /* vm->def is the live copy: the new definition is the
             * persistent one, and applies from the next start. */
            if (oldDef)
                *oldDef = vm->newDef;
            else
                vbDomainDefFree(vm->newDef);
            vm->newDef = g_steal_pointer(def);
        } else {
            if (oldDef)
                *oldDef = vm->def;
            else
                vbDomainDefFree(vm->def);
            vm->def = g_steal_pointer(def);
        }
        vbDomainObjRef(vm);
        g_mutex_unlock(&doms->lock);
        return vm;
    }

    if ((vm = g_hash_table_lookup(doms->byName, (*def)->name))) {
        char olduuid[VB_UUID_STRING_BUFLEN];

        vbUUIDFormat(vm->def->uuid, olduuid);
        vbReportError(VIR_ERR_OPERATION_FAILED, _("domain '%s' already exists with uuid %s"),
                      (*def)->name, olduuid);
        g_mutex_unlock(&doms->lock);
        return NULL;
    }

    vm = vbDomainObjNew(driver);
    vm->def = g_steal_pointer(def);
    g_hash_table_insert(doms->byUUID, g_strdup(uuidstr), vm);
    g_hash_table_insert(doms->byName, g_strdup(vm->def->name), vm);
    vbDomainObjLock(vm);
    vbDomainObjRef(vm);
    g_mutex_unlock(&doms->lock);
    return vm;

error:
    vbDomainObjUnlock(vm);
    g_mutex_unlock(&doms->lock);
    return NULL;
}

void
vbDomainObjListRemove(vbDomainObjList *doms, vbDomainObj *vm)
{
    char uuidstr[VB_UUID_STRING_BUFLEN];

    /* Lock order is list, then domain: drop the domain lock first.  The
     * caller's reference keeps the object alive. */
    vbUUIDFormat(vm->def->uuid, uuidstr);
    /* A domain that goes away (a transient one stopped) takes its
     * snapshot metadata along, as libvirt's qemuDomainRemoveInactive. */
    if (vbDomainObjDiscardSnapshots(vm) < 0) {
        VB_WARN("cannot remove the snapshot metadata of domain '%s': %s", vm->def->name,
                vbGetLastErrorMessage());
        vbResetLastError();
    }
    vm->removing = true;
    vbDomainObjUnlock(vm);
    g_mutex_lock(&doms->lock);
    g_hash_table_remove(doms->byName, vm->def->name);
    g_hash_table_remove(doms->byUUID, uuidstr);
    g_mutex_unlock(&doms->lock);
    vbDomainObjLock(vm);
}

vbDomainObj *
vbDomainObjListFindByUUID(vbDomainObjList *doms, const unsigned char *uuid,
                          const char *nameForError)
{
    vbDomainObj *vm;

    g_mutex_lock(&doms->lock);
    if ((vm = vbDomainObjListLookupUUIDLocked(doms, uuid)))
        vbDomainObjRef(vm);
    g_mutex_unlock(&doms->lock);

    if (!vm) {
        char uuidstr[VB_UUID_STRING_BUFLEN];

        vbUUIDFormat(uuid, uuidstr);
        if (nameForError)
            vbReportError(VIR_ERR_NO_DOMAIN, _("no domain with matching uuid '%s' (%s)"), uuidstr,
                          nameForError);
        else
            vbReportError(VIR_ERR_NO_DOMAIN, _("no domain with matching uuid '%s'"), uuidstr);
        return NULL;
    }
    vbDomainObjLock(vm);
    return vm;
}

vbDomainObj *
vbDomainObjListFindByName(vbDomainObjList *doms, const char *name)
{
    vbDomainObj *vm;

    g_mutex_lock(&doms->lock);
    if ((vm = g_hash_table_lookup(doms->byName, name)))
        vbDomainObjRef(vm);
    g_mutex_unlock(&doms->lock);

    if (!vm) {
        vbReportError(VIR_ERR_NO_DOMAIN, _("no domain with matching name '%s'"), name);
        return NULL;
    }
    vbDomainObjLock(vm);
    return vm;
}

vbDomainObj *
vbDomainObjListFindByID(vbDomainObjList *doms, int id)
{
    g_autoptr(GPtrArray) all = vbDomainObjListCollect(doms);
    size_t i;

    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        if (vm->id == id && id >= 0)
            return vbDomainObjRef(vm);
        vbDomainObjUnlock(vm);
    }
    vbReportError(VIR_ERR_NO_DOMAIN, _("no domain with matching id %d"), id);
    return NULL;
}

vbDomainObj *
vbDomainObjFromHandle(vbDriver *driver, const vbDomainHandle *dom)
{
    return vbDomainObjListFindByUUID(driver->domains, dom->uuid, dom->name);
}

GPtrArray *
vbDomainObjListCollect(vbDomainObjList *doms)
{
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify) vbDomainObjUnref);
    GHashTableIter iter;
    gpointer value;

    g_mutex_lock(&doms->lock);
    g_hash_table_iter_init(&iter, doms->byUUID);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(all, vbDomainObjRef(value));
    g_mutex_unlock(&doms->lock);
    return all;
}

/* --- Work for the driver's workers --- */

void
vbDomainWorkFree(vbDomainWork *work)
{
    if (!work)
        return;
    if (work->freeData)
        work->freeData(work->data);
    g_free(work);
}

void
vbDomainObjQueueWork(vbDomainObj *vm, vbDomainWorkType type, void *data, GDestroyNotify freeData)
{
    vbDomainWork *work = g_new0(vbDomainWork, 1);
    bool schedule;

    work->type = type;
    work->data = data;
    work->freeData = freeData;

    g_queue_push_tail(&vm->work, work);
    schedule = !vm->workScheduled;
    vm->workScheduled = true;
    if (schedule)
        g_thread_pool_push(vm->driver->workers, vbDomainObjRef(vm), NULL);
}

vbDomainWork *
vbDomainObjTakeWork(vbDomainObj *vm)
{
    vbDomainWork *work;

    vbDomainObjLock(vm);
    if (!(work = g_queue_pop_head(&vm->work)))
        vm->workScheduled = false;
    vbDomainObjUnlock(vm);
    return work;
}

/* --- Files --- */

/* A file the daemon would refuse to read back is not written: the domain
 * would be lost when the daemon restarts. */
static int
vbDomainObjCheckFileSize(vbDomainObj *vm, const char *xml)
{
    size_t len = strlen(xml);

    if (len <= VB_DOMAIN_FILE_MAX_LEN)
        return 0;
    vbReportError(
        VIR_ERR_XML_ERROR,
        _("definition of domain '%s' is %zu bytes once formatted, more than the limit of %d bytes"),
        vm->def->name, len, VB_DOMAIN_FILE_MAX_LEN);
    return -1;
}

int
vbDomainObjReplacePersistentDef(vbDomainObj *vm, vbDomainDef **def)
{
    vbDomainDef **slot = vm->newDef ? &vm->newDef : &vm->def;
    vbDomainDef *old = *slot;

    g_return_val_if_fail(vm->persistent, -1);
    *slot = *def;
    if (vbDomainObjSaveConfig(vm) < 0) {
        *slot = old;
        return -1;
    }
    *def = NULL;
    vbDomainDefFree(old);
    return 0;
}

int
vbDomainObjSaveConfig(vbDomainObj *vm)
{
    vbDomainDef *def = vbDomainObjGetPersistentDef(vm);
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;

    if (!def)
        return 0;
    /* the definition the user gave, secrets included, as libvirt saves it */
    if (!(xml =
              vbDomainDefFormat(def, VB_DOMAIN_DEF_FORMAT_INACTIVE | VB_DOMAIN_DEF_FORMAT_SECURE)))
        return -1;
    if (vbDomainObjCheckFileSize(vm, xml) < 0)
        return -1;
    path = vbDriverConfigFile(vm->driver, def->name);
    return vbFileWriteAtomic(path, xml, strlen(xml), 0600, VB_FILE_WRITE_DURABLE);
}

int
vbDomainObjSaveStatus(vbDomainObj *vm)
{
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;

    if (!vbDomainObjIsActive(vm) && !vm->offline)
        return 0;
    if (!(xml = vbDomainStatusFormat(vm)) || vbDomainObjCheckFileSize(vm, xml) < 0)
        return -1;
    path = vbDriverStatusFile(vm->driver, vm->def->name);
    /* Not synced: the status describes processes that a crash of the host
     * ends too; the daemon's own crash only needs the atomic rename. */
    return vbFileWriteAtomic(path, xml, strlen(xml), 0600, 0);
}

int
vbDomainObjRemoveConfig(vbDomainObj *vm)
{
    g_autofree char *path = vbDriverConfigFile(vm->driver, vm->def->name);
    g_autofree char *link = vbDriverAutostartLink(vm->driver, vm->def->name);

    /* The mark first: a link left pointing nowhere would autostart nothing,
     * but a definition left marked would come back autostarted. */
    if (vbFileRemoveIfExists(link) < 0)
        return -1;
    vm->autostart = false;
    return vbFileRemoveIfExists(path);
}

char *
vbDomainObjSnapshotDir(vbDomainObj *vm)
{
    return g_build_filename(vm->driver->cfg->configDir, "snapshot", vm->def->name, NULL);
}

/* Every NAME.xml left in @dir */
static int
vbDomainObjDiscardSnapshotFiles(const char *dir)
{
    g_autoptr(GDir) gdir = g_dir_open(dir, 0, NULL);
    const char *name;

    while (gdir && (name = g_dir_read_name(gdir))) {
        g_autofree char *path = NULL;

        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(dir, name, NULL);
        if (vbFileRemoveIfExists(path) < 0)
            return -1;
    }
    return 0;
}

int
vbDomainObjDiscardSnapshots(vbDomainObj *vm)
{
    g_autofree char *dir = vbDomainObjSnapshotDir(vm);
    g_autoptr(GPtrArray) all = vbSnapshotObjListAll(vm->snapshots);
    size_t i;

    for (i = 0; i < all->len; i++) {
        vbSnapshotObj *obj = g_ptr_array_index(all, i);
        g_autofree char *file = g_strdup_printf("%s.xml", obj->def->name);
        g_autofree char *path = g_build_filename(dir, file, NULL);

        if (vbFileRemoveIfExists(path) < 0)
            return -1;
    }
    vbSnapshotObjListRemoveAll(vm->snapshots);
    /* and what was never loaded (a file of another domain of this name,
     * or one the loader refused): nothing else may inherit it */
    if (vbDomainObjDiscardSnapshotFiles(dir) < 0)
        return -1;
    if (rmdir(dir) < 0 && errno != ENOENT)
        VB_WARN("cannot remove snapshot directory '%s': %s", dir, g_strerror(errno));
    return 0;
}

int
vbDomainObjRemoveStatus(vbDomainObj *vm)
{
    g_autofree char *path = vbDriverStatusFile(vm->driver, vm->def->name);

    return vbFileRemoveIfExists(path);
}
