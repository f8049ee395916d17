/*
 * vbstorage.c: the storage driver's entry points: 'dir' pools and their
 * volumes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One lock guards every pool and volume: storage calls are rare and short.
 * It is held while qemu-img creates a volume too, so that no other call
 * sees the half-made file as a volume or claims its name meanwhile.
 */

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbqemuimg.h"
#include "vbstorage.h"
#include "vbstoragepoolobj.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

/* libvirt's mode for a directory pool-build makes */
#define VB_STORAGE_POOL_DIR_MODE 0711

void
vbStoragePoolHandleFree(vbStoragePoolHandle *h)
{
    if (!h)
        return;
    g_free(h->name);
    g_free(h);
}

void
vbStorageVolHandleFree(vbStorageVolHandle *h)
{
    if (!h)
        return;
    g_free(h->pool);
    g_free(h->name);
    g_free(h->key);
    g_free(h);
}

static vbStoragePoolHandle *
vbStoragePoolObjHandle(const vbStoragePoolObj *obj)
{
    vbStoragePoolHandle *h = g_new0(vbStoragePoolHandle, 1);

    h->name = g_strdup(obj->def->name);
    memcpy(h->uuid, obj->def->uuid, VB_UUID_BUFLEN);
    return h;
}

static vbStorageVolHandle *
vbStorageVolHandleNew(const vbStoragePoolObj *obj, const vbStorageVolDef *vol)
{
    vbStorageVolHandle *h = g_new0(vbStorageVolHandle, 1);

    h->pool = g_strdup(obj->def->name);
    h->name = g_strdup(vol->name);
    h->key = g_strdup(vol->key);
    return h;
}

/* ---- entry points: pools ------------------------------------------------ */

/* Declares @storage, locked until the scope ends */
#define VB_STORAGE_LOCK(driver) \
    vbStorageDriver *storage = (driver)->storage; \
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&storage->lock)

static bool
vbStoragePoolObjMatch(const vbStoragePoolObj *obj, unsigned int flags)
{
    const unsigned int types = ((VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT << 1) - 1) &
                               ~((VIR_CONNECT_LIST_STORAGE_POOLS_DIR) -1);
    const unsigned int activity =
        VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE | VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    const unsigned int persistence =
        VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT | VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT;
    const unsigned int autostart =
        VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART | VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART;

    if ((flags & activity) && !((flags & VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE && obj->active) ||
                                (flags & VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE && !obj->active)))
        return false;
    if ((flags & persistence) &&
        !((flags & VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT && obj->persistent) ||
          (flags & VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT && !obj->persistent)))
        return false;
    if ((flags & autostart) &&
        !((flags & VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART && obj->autostart) ||
          (flags & VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART && !obj->autostart)))
        return false;
    if ((flags & types) && !(flags & VIR_CONNECT_LIST_STORAGE_POOLS_DIR))
        return false;
    return true;
}

static int
vbStoragePoolHandleCompare(gconstpointer a, gconstpointer b)
{
    const vbStoragePoolHandle *ha = *(vbStoragePoolHandle *const *) a;
    const vbStoragePoolHandle *hb = *(vbStoragePoolHandle *const *) b;

    return strcmp(ha->name, hb->name);
}

GPtrArray *
vbConnectListAllStoragePools(vbDriver *driver, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    GPtrArray *list;
    size_t i;

    vbCheckFlags(flags, (VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT << 1) - 1, NULL);
    list = g_ptr_array_new_with_free_func((GDestroyNotify) vbStoragePoolHandleFree);
    for (i = 0; i < storage->pools->len; i++) {
        vbStoragePoolObj *obj = g_ptr_array_index(storage->pools, i);

        if (vbStoragePoolObjMatch(obj, flags))
            g_ptr_array_add(list, vbStoragePoolObjHandle(obj));
    }
    g_ptr_array_sort(list, vbStoragePoolHandleCompare);
    return list;
}

vbStoragePoolHandle *
vbStoragePoolLookupByName(vbDriver *driver, const char *name)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj = vbStorageDriverFindPoolByName(storage, name);

    if (!obj) {
        vbReportError(VIR_ERR_NO_STORAGE_POOL, _("no storage pool with matching name '%s'"), name);
        return NULL;
    }
    return vbStoragePoolObjHandle(obj);
}

vbStoragePoolHandle *
vbStoragePoolLookupByUUID(vbDriver *driver, const unsigned char *uuid)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj = vbStorageDriverFindPoolByUUID(storage, uuid);

    if (!obj) {
        vbStorageDriverReportNoPoolUUID(uuid, NULL);
        return NULL;
    }
    return vbStoragePoolObjHandle(obj);
}

vbStoragePoolHandle *
vbStoragePoolLookupByVolume(vbDriver *driver, const vbStorageVolHandle *vol)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj = vbStorageDriverFindPoolByName(storage, vol->pool);

    if (!obj) {
        vbReportError(VIR_ERR_NO_STORAGE_POOL, _("no storage pool with matching name '%s'"),
                      vol->pool);
        return NULL;
    }
    return vbStoragePoolObjHandle(obj);
}

vbStoragePoolHandle *
vbStoragePoolLookupByTargetPath(vbDriver *driver, const char *path)
{
    VB_STORAGE_LOCK(driver);
    g_autofree char *clean = g_path_is_absolute(path) ? g_canonicalize_filename(path, "/") : NULL;
    size_t i;

    for (i = 0; clean && i < storage->pools->len; i++) {
        vbStoragePoolObj *obj = g_ptr_array_index(storage->pools, i);

        if (obj->active && strcmp(obj->def->targetPath, clean) == 0)
            return vbStoragePoolObjHandle(obj);
    }
    vbReportError(VIR_ERR_NO_STORAGE_POOL, _("no storage pool with matching target path '%s'"),
                  path);
    return NULL;
}

static vbStoragePoolObj *
vbStorageAddDef(vbStorageDriver *storage, vbStoragePoolDef **def, bool persistent)
{
    vbStoragePoolObj *existing = NULL;
    vbStoragePoolObj *obj;

    if (vbStorageDriverCheckDuplicate(storage, *def, &existing) < 0)
        return NULL;
    if (existing && !persistent) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("storage pool '%s' is already defined"),
                      existing->def->name);
        return NULL;
    }
    if (persistent && vbStorageDriverSaveDef(storage, *def) < 0)
        return NULL;
    if (existing) {
        if (existing->active) {
            vbStoragePoolDefFree(existing->newDef);
            existing->newDef = g_steal_pointer(def);
        } else {
            vbStoragePoolDefFree(existing->def);
            existing->def = g_steal_pointer(def);
        }
        existing->persistent = true;
        return existing;
    }
    obj = vbStoragePoolObjNew(g_steal_pointer(def));
    obj->persistent = persistent;
    g_ptr_array_add(storage->pools, obj);
    return obj;
}

vbStoragePoolHandle *
vbStoragePoolDefineXML(vbDriver *driver, const char *xml, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    g_autoptr(vbStoragePoolDef) def = NULL;
    vbStoragePoolObj *obj;

    vbCheckFlags(flags, 0, NULL);
    if (!(def = vbStoragePoolDefParseString(xml)) || !(obj = vbStorageAddDef(storage, &def, true)))
        return NULL;
    VB_INFO("defined storage pool '%s'", obj->def->name);
    return vbStoragePoolObjHandle(obj);
}

vbStoragePoolHandle *
vbStoragePoolCreateXML(vbDriver *driver, const char *xml, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    g_autoptr(vbStoragePoolDef) def = NULL;
    vbStoragePoolObj *obj;

    vbCheckFlags(flags, 0, NULL);
    if (!(def = vbStoragePoolDefParseString(xml)) || !(obj = vbStorageAddDef(storage, &def, false)))
        return NULL;
    if (vbStoragePoolObjStart(storage, obj) < 0) {
        vbStorageDriverRemovePool(storage, obj);
        return NULL;
    }
    return vbStoragePoolObjHandle(obj);
}

int
vbStoragePoolCreate(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;

    vbCheckFlags(flags, 0, -1);
    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    if (obj->active) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("storage pool '%s' is already active"),
                      obj->def->name);
        return -1;
    }
    return vbStoragePoolObjStart(storage, obj);
}

int
vbStoragePoolBuild(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;
    const vbStoragePerms *perms;
    mode_t mode;

    vbCheckFlags(flags, VIR_STORAGE_POOL_BUILD_NO_OVERWRITE | VIR_STORAGE_POOL_BUILD_OVERWRITE, -1);
    /* libvirt's VIR_EXCLUSIVE_FLAGS_RET: its words, without a prefix */
    if ((flags & VIR_STORAGE_POOL_BUILD_NO_OVERWRITE) &&
        (flags & VIR_STORAGE_POOL_BUILD_OVERWRITE)) {
        vbReportRawError(
            VIR_ERR_INVALID_ARG,
            _("Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and 'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are mutually exclusive"));
        return -1;
    }
    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    if (obj->active) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("storage pool '%s' is already active"),
                      obj->def->name);
        return -1;
    }
    perms = &obj->def->perms;
    mode = perms->mode >= 0 ? (mode_t) perms->mode : VB_STORAGE_POOL_DIR_MODE;
    if (g_mkdir_with_parents(obj->def->targetPath, mode) < 0) {
        vbReportSystemError(errno, _("cannot create path '%s'"), obj->def->targetPath);
        return -1;
    }
    if (perms->mode >= 0 && chmod(obj->def->targetPath, mode) < 0) {
        vbReportSystemError(errno, _("cannot set mode of '%s' to %04o"), obj->def->targetPath,
                            (unsigned int) mode);
        return -1;
    }
    if ((perms->owner >= 0 || perms->group >= 0) &&
        chown(obj->def->targetPath, perms->owner >= 0 ? (uid_t) perms->owner : (uid_t) -1,
              perms->group >= 0 ? (gid_t) perms->group : (gid_t) -1) < 0) {
        vbReportSystemError(errno, _("cannot chown '%s' to (%lld, %lld)"), obj->def->targetPath,
                            perms->owner, perms->group);
        return -1;
    }
    /* as libvirt: either flag asks to format the pool's source device,
     * which a 'dir' pool has not (the directory is made all the same) */
    if (flags) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("No source device specified when formatting pool '%s'"), obj->def->name);
        return -1;
    }
    return 0;
}

int
vbStoragePoolDelete(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;

    vbCheckFlags(flags, 0, -1);
    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    if (obj->active) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("storage pool '%s' is still active"),
                      obj->def->name);
        return -1;
    }
    /* the directory only, and only when empty: the volumes stay theirs */
    if (rmdir(obj->def->targetPath) < 0) {
        vbReportSystemError(errno, _("failed to remove pool '%s'"), obj->def->targetPath);
        return -1;
    }
    return 0;
}

int
vbStoragePoolDestroy(vbDriver *driver, const vbStoragePoolHandle *pool)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;

    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)) ||
        vbStoragePoolObjCheckActive(obj) < 0)
        return -1;
    vbStoragePoolObjStop(storage, obj);
    if (!obj->persistent)
        vbStorageDriverRemovePool(storage, obj);
    return 0;
}

int
vbStoragePoolUndefine(vbDriver *driver, const vbStoragePoolHandle *pool)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;
    g_autofree char *config = NULL;
    g_autofree char *link = NULL;

    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    if (obj->active) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("storage pool '%s' is still active"),
                      obj->def->name);
        return -1;
    }
    if (!obj->persistent) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("cannot undefine transient storage pool"));
        return -1;
    }
    config = vbStorageDriverConfigFile(storage, obj->def->name);
    link = vbStorageDriverAutostartLink(storage, obj->def->name);
    if (vbFileRemoveIfExists(config) < 0 || vbFileRemoveIfExists(link) < 0)
        return -1;
    VB_INFO("undefined storage pool '%s'", obj->def->name);
    vbStorageDriverRemovePool(storage, obj);
    return 0;
}

int
vbStoragePoolRefresh(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;

    vbCheckFlags(flags, 0, -1);
    if (!(obj = vbStorageDriverGetActivePool(storage, pool->uuid, pool->name)))
        return -1;
    if (vbStoragePoolObjRefresh(obj) < 0) {
        /* as libvirt, a pool whose directory cannot be read stops (and a
         * transient one goes); its volume list would be a guess */
        g_autoptr(vbError) saved = vbErrorSave();

        vbStoragePoolObjStop(storage, obj);
        if (!obj->persistent)
            vbStorageDriverRemovePool(storage, obj);
        vbErrorRestore(&saved);
        return -1;
    }
    return 0;
}

int
vbStoragePoolGetInfo(vbDriver *driver, const vbStoragePoolHandle *pool, vbStoragePoolInfo *info)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;
    vbStoragePoolStatus status;

    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = obj->active ? VIR_STORAGE_POOL_RUNNING : VIR_STORAGE_POOL_INACTIVE;
    if (obj->active) {
        vbStoragePoolObjGetStatus(obj, &status);
        info->capacity = status.capacity;
        info->allocation = status.allocation;
        info->available = status.available;
    }
    return 0;
}

char *
vbStoragePoolGetXMLDesc(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;
    vbStoragePoolStatus status;

    vbCheckFlags(flags, VIR_STORAGE_XML_INACTIVE, NULL);
    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return NULL;
    if ((flags & VIR_STORAGE_XML_INACTIVE) && obj->newDef)
        return vbStoragePoolDefFormat(obj->newDef, NULL);
    if (!obj->active)
        return vbStoragePoolDefFormat(obj->def, NULL);
    vbStoragePoolObjGetStatus(obj, &status);
    return vbStoragePoolDefFormat(obj->def, &status);
}

int
vbStoragePoolGetAutostart(vbDriver *driver, const vbStoragePoolHandle *pool)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;

    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    return obj->autostart ? 1 : 0;
}

int
vbStoragePoolSetAutostart(vbDriver *driver, const vbStoragePoolHandle *pool, int autostart)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;
    g_autofree char *link = NULL;
    g_autofree char *config = NULL;

    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    if (!obj->persistent) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      _("cannot set autostart for transient pool"));
        return -1;
    }
    if (!!autostart == obj->autostart)
        return 0;
    link = vbStorageDriverAutostartLink(storage, obj->def->name);
    config = vbStorageDriverConfigFile(storage, obj->def->name);
    if (autostart) {
        if (symlink(config, link) < 0 && errno != EEXIST) {
            vbReportSystemError(errno, _("Failed to create symlink '%s' to '%s'"), link, config);
            return -1;
        }
    } else if (vbFileRemoveIfExists(link) < 0) {
        return -1;
    }
    obj->autostart = !!autostart;
    return 0;
}

int
vbStoragePoolIsActive(vbDriver *driver, const vbStoragePoolHandle *pool)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;

    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    return obj->active ? 1 : 0;
}

int
vbStoragePoolIsPersistent(vbDriver *driver, const vbStoragePoolHandle *pool)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;

    if (!(obj = vbStorageDriverGetPool(storage, pool->uuid, pool->name)))
        return -1;
    return obj->persistent ? 1 : 0;
}

/* ---- entry points: volumes ---------------------------------------------- */

GPtrArray *
vbStoragePoolListAllVolumes(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;
    GPtrArray *list;
    size_t i;

    vbCheckFlags(flags, 0, NULL);
    if (!(obj = vbStorageDriverGetActivePool(storage, pool->uuid, pool->name)))
        return NULL;
    list = g_ptr_array_new_with_free_func((GDestroyNotify) vbStorageVolHandleFree);
    for (i = 0; i < obj->vols->len; i++)
        g_ptr_array_add(list, vbStorageVolHandleNew(obj, g_ptr_array_index(obj->vols, i)));
    return list;
}

vbStorageVolHandle *
vbStorageVolLookupByName(vbDriver *driver, const vbStoragePoolHandle *pool, const char *name)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj;
    vbStorageVolDef *vol;

    if (!(obj = vbStorageDriverGetActivePool(storage, pool->uuid, pool->name)))
        return NULL;
    if (!(vol = vbStoragePoolObjFindVol(obj, name))) {
        vbReportError(VIR_ERR_NO_STORAGE_VOL, _("no storage vol with matching name '%s'"), name);
        return NULL;
    }
    return vbStorageVolHandleNew(obj, vol);
}

/* The volume whose key (or path: the same for a file) is @key in any
 * active pool */
static vbStorageVolHandle *
vbStorageFindVolByKey(vbStorageDriver *storage, const char *key)
{
    size_t i;
    size_t j;

    for (i = 0; i < storage->pools->len; i++) {
        vbStoragePoolObj *obj = g_ptr_array_index(storage->pools, i);

        if (!obj->active)
            continue;
        for (j = 0; j < obj->vols->len; j++) {
            vbStorageVolDef *vol = g_ptr_array_index(obj->vols, j);

            if (strcmp(vol->key, key) == 0)
                return vbStorageVolHandleNew(obj, vol);
        }
    }
    return NULL;
}

vbStorageVolHandle *
vbStorageVolLookupByKey(vbDriver *driver, const char *key)
{
    VB_STORAGE_LOCK(driver);
    vbStorageVolHandle *h = vbStorageFindVolByKey(storage, key);

    if (!h)
        vbReportError(VIR_ERR_NO_STORAGE_VOL, _("no storage vol with matching key %s"), key);
    return h;
}

vbStorageVolHandle *
vbStorageVolLookupByPath(vbDriver *driver, const char *path)
{
    VB_STORAGE_LOCK(driver);
    g_autofree char *clean = g_path_is_absolute(path) ? g_canonicalize_filename(path, "/") : NULL;
    vbStorageVolHandle *h = clean ? vbStorageFindVolByKey(storage, clean) : NULL;

    if (!h)
        vbReportError(VIR_ERR_NO_STORAGE_VOL, _("no storage vol with matching path '%s'"), path);
    return h;
}

/* @vol's file as it is now; as libvirt, a volume whose file went since
 * the last refresh is not found */
static vbStorageVolDef *
vbStorageVolReload(const vbStoragePoolObj *obj, const vbStorageVolDef *vol)
{
    vbStorageVolDef *fresh = vbStoragePoolObjLoadVol(obj, vol->name);

    if (!fresh)
        vbReportError(VIR_ERR_NO_STORAGE_VOL, _("no storage vol with matching path '%s'"),
                      vol->target.path);
    return fresh;
}

int
vbStorageVolGetInfo(vbDriver *driver, const vbStorageVolHandle *vol, vbStorageVolInfo *info,
                    unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj = NULL;
    vbStorageVolDef *def;
    g_autoptr(vbStorageVolDef) fresh = NULL;

    vbCheckFlags(flags, VIR_STORAGE_VOL_GET_PHYSICAL, -1);
    if (!(def = vbStorageDriverGetVol(storage, vol->pool, vol->name, &obj)))
        return -1;
    /* as libvirt, the sizes of the file as it is now */
    if (!(fresh = vbStorageVolReload(obj, def)))
        return -1;
    def = fresh;
    info->type = VIR_STORAGE_VOL_FILE;
    info->capacity = def->capacity;
    info->allocation = (flags & VIR_STORAGE_VOL_GET_PHYSICAL) ? def->physical : def->allocation;
    return 0;
}

char *
vbStorageVolGetXMLDesc(vbDriver *driver, const vbStorageVolHandle *vol, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj = NULL;
    vbStorageVolDef *def;
    g_autoptr(vbStorageVolDef) fresh = NULL;

    vbCheckFlags(flags, 0, NULL);
    if (!(def = vbStorageDriverGetVol(storage, vol->pool, vol->name, &obj)))
        return NULL;
    if (!(fresh = vbStorageVolReload(obj, def)))
        return NULL;
    return vbStorageVolDefFormat(fresh);
}

char *
vbStorageVolGetPath(vbDriver *driver, const vbStorageVolHandle *vol)
{
    VB_STORAGE_LOCK(driver);
    vbStorageVolDef *def;

    if (!(def = vbStorageDriverGetVol(storage, vol->pool, vol->name, NULL)))
        return NULL;
    return g_strdup(def->target.path);
}

/* The backing store of a volume to create: an existing file, its format
 * as given or as its header says */
static int
vbStorageVolCheckBacking(vbStorageVolTarget *backing)
{
    struct stat st;

    if (stat(backing->path, &st) < 0) {
        vbReportSystemError(errno, _("cannot access backing file '%s'"), backing->path);
        return -1;
    }
    if (!backing->format)
        backing->format = vbStorageProbeFormat(backing->path);
    return 0;
}

static int
vbStorageVolAllocate(int fd, const char *path, unsigned long long bytes)
{
    int rc = posix_fallocate(fd, 0, bytes);

    if (rc != 0) {
        vbReportSystemError(rc, _("cannot allocate %llu bytes for volume '%s'"), bytes, path);
        return -1;
    }
    return 0;
}

/* Undoes vbStorageVolClaim after a failure: removes the name only while it
 * is still the file claimed (one that replaced it is not ours to remove) */
static void
vbStorageVolUnclaim(int fd, const char *path)
{
    struct stat fst;
    struct stat st;

    if (fstat(fd, &fst) == 0 && lstat(path, &st) == 0 && fst.st_dev == st.st_dev &&
        fst.st_ino == st.st_ino && unlink(path) < 0)
        VB_WARN("cannot remove '%s' after a failed create: %s", path, g_strerror(errno));
    close(fd);
}

/* qemu-img create replaces what it finds: claims the name first, so that
 * a file appearing since the pool's last refresh stays.  The new file
 * gets the permissions asked (0600 when none; never set-id bits).  Returns
 * its descriptor: everything after works on that file, never again on
 * @path, which others who may write the directory could replace */
static int
vbStorageVolClaim(const char *path, const vbStoragePerms *perms)
{
    mode_t mode = perms->mode >= 0 ? (perms->mode & 0777) : 0600;
    int fd;

    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)) < 0) {
        if (errno == EEXIST)
            vbReportError(VIR_ERR_OPERATION_INVALID, _("volume target path '%s' already exists"),
                          path);
        else
            vbReportSystemError(errno, _("cannot create storage volume '%s'"), path);
        return -1;
    }
    /* the umask must not narrow what was asked */
    if (fchmod(fd, mode) < 0) {
        vbReportSystemError(errno, _("cannot set mode of '%s' to %04o"), path, (unsigned int) mode);
        goto error;
    }
    if ((perms->owner >= 0 || perms->group >= 0) &&
        fchown(fd, perms->owner >= 0 ? (uid_t) perms->owner : (uid_t) -1,
               perms->group >= 0 ? (gid_t) perms->group : (gid_t) -1) < 0) {
        vbReportSystemError(errno, _("cannot chown '%s' to (%lld, %lld)"), path, perms->owner,
                            perms->group);
        goto error;
    }
    return fd;

error:
    vbStorageVolUnclaim(fd, path);
    return -1;
}

vbStorageVolHandle *
vbStorageVolCreateXML(vbDriver *driver, const vbStoragePoolHandle *pool, const char *xml,
                      unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    g_autoptr(vbStorageVolDef) def = NULL;
    g_autofree char *path = NULL;
    vbStoragePoolObj *obj;
    vbStorageVolDef *vol;
    int fd;

    vbCheckFlags(flags, 0, NULL);
    if (!(obj = vbStorageDriverGetActivePool(storage, pool->uuid, pool->name)) ||
        !(def = vbStorageVolDefParseString(xml)))
        return NULL;
    if (strchr(def->name, '/')) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("volume name '%s' cannot contain '/'"),
                      def->name);
        return NULL;
    }
    if (!def->name[0] || strcmp(def->name, ".") == 0 || strcmp(def->name, "..") == 0) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("volume name '%s' is not a valid file name"),
                      def->name);
        return NULL;
    }
    if (vbStoragePoolObjFindVol(obj, def->name)) {
        vbReportError(VIR_ERR_STORAGE_VOL_EXIST, _("storage volume '%s' exists already"),
                      def->name);
        return NULL;
    }
    if (!def->target.format)
        def->target.format = VB_STORAGE_FORMAT_RAW;
    if (def->backing) {
        if (def->target.format != VB_STORAGE_FORMAT_QCOW2) {
            vbReportError(VIR_ERR_NO_SUPPORT, "%s",
                          _("backing storage not supported for raw volumes"));
            return NULL;
        }
        if (vbStorageVolCheckBacking(def->backing) < 0)
            return NULL;
    }
    path = g_build_filename(obj->def->targetPath, def->name, NULL);

    if ((fd = vbStorageVolClaim(path, &def->target.perms)) < 0)
        return NULL;
    if (vbQemuImgCreate(storage->qemuImg, path, fd, def->target.format, def->capacity,
                        def->backing ? def->backing->path : NULL,
                        def->backing ? def->backing->format : VB_STORAGE_FORMAT_NONE) < 0 ||
        /* as libvirt, a raw volume gets the allocation it asks for (virsh
         * vol-create-as asks for all of it unless told otherwise) */
        (def->target.format == VB_STORAGE_FORMAT_RAW && def->allocation > 0 &&
         vbStorageVolAllocate(fd, path, MIN(def->allocation, def->capacity)) < 0)) {
        vbStorageVolUnclaim(fd, path);
        return NULL;
    }
    close(fd);
    if (!(vol = vbStoragePoolObjLoadVol(obj, def->name))) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("storage volume '%s' vanished once created"),
                      path);
        return NULL;
    }
    vbStoragePoolObjAddVol(obj, vol);
    VB_INFO("created storage volume '%s'", path);
    return vbStorageVolHandleNew(obj, vol);
}

int
vbStorageVolDelete(vbDriver *driver, const vbStorageVolHandle *vol, unsigned int flags)
{
    VB_STORAGE_LOCK(driver);
    vbStoragePoolObj *obj = NULL;
    vbStorageVolDef *def;

    vbCheckFlags(flags, 0, -1);
    if (!(def = vbStorageDriverGetVol(storage, vol->pool, vol->name, &obj)))
        return -1;
    /* the path is the pool's directory and a name without '/' */
    if (unlink(def->target.path) < 0 && errno != ENOENT) {
        vbReportSystemError(errno, _("cannot unlink file '%s'"), def->target.path);
        return -1;
    }
    VB_INFO("deleted storage volume '%s'", def->target.path);
    g_ptr_array_remove(obj->vols, def);
    return 0;
}
