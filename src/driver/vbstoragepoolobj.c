/*
 * vbstoragepoolobj.c: the storage driver's state: pools, their volumes,
 * their files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Nothing outside a pool's directory is ever written or removed: a volume
 * name is a file name (no '/', not '.' or '..'), a volume's path is always
 * the pool's target path and its name, and only regular files (never
 * symbolic links) are volumes.
 */

#include "vbinternal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbqcow2.h"
#include "vbstoragepoolobj.h"
#include "vbstoragepoolconf.h"
#include "vbstoragevolconf.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

/* What we read of a file to learn its format: any qcow2 header QEMU
 * writes fits */
#define VB_STORAGE_PROBE_LEN (64 * 1024)

static void
vbStoragePoolObjFree(vbStoragePoolObj *obj)
{
    if (!obj)
        return;
    vbStoragePoolDefFree(obj->def);
    vbStoragePoolDefFree(obj->newDef);
    g_ptr_array_unref(obj->vols);
    g_free(obj);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbStoragePoolObj, vbStoragePoolObjFree);

vbStoragePoolObj *
vbStoragePoolObjNew(vbStoragePoolDef *def)
{
    vbStoragePoolObj *obj = g_new0(vbStoragePoolObj, 1);

    obj->def = def;
    obj->vols = g_ptr_array_new_with_free_func((GDestroyNotify) vbStorageVolDefFree);
    return obj;
}

/* ---- files -------------------------------------------------------------- */

char *
vbStorageDriverConfigFile(vbStorageDriver *storage, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(storage->configDir, file, NULL);
}

char *
vbStorageDriverAutostartLink(vbStorageDriver *storage, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(storage->autostartDir, file, NULL);
}

static char *
vbStorageDriverStateFile(vbStorageDriver *storage, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(storage->stateDir, file, NULL);
}

int
vbStorageDriverSaveDef(vbStorageDriver *storage, const vbStoragePoolDef *def)
{
    g_autofree char *path = vbStorageDriverConfigFile(storage, def->name);
    g_autofree char *xml = vbStoragePoolDefFormat(def, NULL);

    return vbFileWriteAtomic(path, xml, strlen(xml), 0600, VB_FILE_WRITE_DURABLE);
}

/* The state file says "active" across a restart of the daemon; it holds
 * the running definition, which a transient pool has nowhere else */
static int
vbStorageDriverSaveState(vbStorageDriver *storage, const vbStoragePoolObj *obj)
{
    g_autofree char *path = vbStorageDriverStateFile(storage, obj->def->name);
    g_autofree char *xml = vbStoragePoolDefFormat(obj->def, NULL);

    return vbFileWriteAtomic(path, xml, strlen(xml), 0600, 0);
}

static void
vbStorageDriverRemoveState(vbStorageDriver *storage, const char *name)
{
    g_autofree char *path = vbStorageDriverStateFile(storage, name);

    if (vbFileRemoveIfExists(path) < 0)
        VB_WARN("%s", vbGetLastErrorMessage());
}

/* ---- volumes ------------------------------------------------------------ */

static int
vbStorageVolCompare(gconstpointer a, gconstpointer b)
{
    const vbStorageVolDef *va = *(vbStorageVolDef *const *) a;
    const vbStorageVolDef *vb = *(vbStorageVolDef *const *) b;

    return strcmp(va->name, vb->name);
}

/* The format of the file open in @fd: qcow2 when its header is a valid
 * qcow2 header (then *@hdr holds it), raw otherwise */
static vbStorageFormat
vbStorageProbeFd(int fd, const char *path, vbQcow2Header **hdr)
{
    g_autofree uint8_t *buf = g_malloc0(VB_STORAGE_PROBE_LEN);
    gssize len = vbFileReadAt(fd, buf, VB_STORAGE_PROBE_LEN, 0);

    if (len <= 0 || !vbQcow2HasMagic(buf, len))
        return VB_STORAGE_FORMAT_RAW;
    if (!(*hdr = vbQcow2HeaderParse(path, buf, len))) {
        VB_DEBUG("'%s' is not a valid qcow2 image, taken as raw: %s", path,
                 vbGetLastErrorMessage());
        vbResetLastError();
        return VB_STORAGE_FORMAT_RAW;
    }
    return VB_STORAGE_FORMAT_QCOW2;
}

vbStorageFormat
vbStorageProbeFormat(const char *path)
{
    g_autoptr(vbQcow2Header) hdr = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    vbStorageFormat format;

    if (fd < 0)
        return VB_STORAGE_FORMAT_RAW;
    format = vbStorageProbeFd(fd, path, &hdr);
    close(fd);
    return format;
}

/* The volume of file @name in @obj's directory; NULL when it is not a
 * regular file (or went away), with nothing reported */
vbStorageVolDef *
vbStoragePoolObjLoadVol(const vbStoragePoolObj *obj, const char *name)
{
    g_autoptr(vbStorageVolDef) vol = g_new0(vbStorageVolDef, 1);
    g_autoptr(vbQcow2Header) hdr = NULL;
    g_autofree char *path = g_build_filename(obj->def->targetPath, name, NULL);
    struct stat st;
    int fd;

    /* O_NOFOLLOW: a symbolic link is not a volume of this pool */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return NULL;
    }
    vol->target.format = vbStorageProbeFd(fd, path, &hdr);
    close(fd);

    vol->name = g_strdup(name);
    vol->key = g_strdup(path);
    vol->target.path = g_steal_pointer(&path);
    vbStorageVolTargetSetStat(&vol->target, &st);
    vol->capacity = hdr ? hdr->size : (unsigned long long) st.st_size;
    vol->allocation = (unsigned long long) st.st_blocks * 512;
    vol->hasAllocation = true;
    vol->physical = st.st_size;
    vol->hasPhysical = true;

    if (hdr && hdr->backingName) {
        g_autofree char *dir = g_path_get_dirname(vol->target.path);
        struct stat bst;

        vol->backing = g_new0(vbStorageVolTarget, 1);
        vol->backing->perms = (vbStoragePerms) VB_STORAGE_PERMS_INIT;
        vol->backing->path = g_canonicalize_filename(hdr->backingName, dir);
        vol->backing->format = hdr->backingFormat;
        if (stat(vol->backing->path, &bst) == 0)
            vbStorageVolTargetSetStat(vol->backing, &bst);
    }
    return g_steal_pointer(&vol);
}

/* Lists @obj's directory anew */
int
vbStoragePoolObjRefresh(vbStoragePoolObj *obj)
{
    g_autoptr(GPtrArray) vols =
        g_ptr_array_new_with_free_func((GDestroyNotify) vbStorageVolDefFree);
    DIR *dir = opendir(obj->def->targetPath);
    struct dirent *ent;

    /* as libvirt (virDirOpen): a system error with errno's words */
    if (!dir) {
        vbReportSystemError(errno, _("cannot open directory '%s'"), obj->def->targetPath);
        return -1;
    }
    while ((ent = readdir(dir))) {
        vbStorageVolDef *vol;

        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        if ((vol = vbStoragePoolObjLoadVol(obj, ent->d_name)))
            g_ptr_array_add(vols, vol);
    }
    closedir(dir);
    g_ptr_array_sort(vols, vbStorageVolCompare);
    g_ptr_array_unref(obj->vols);
    obj->vols = g_steal_pointer(&vols);
    return 0;
}

void
vbStoragePoolObjAddVol(vbStoragePoolObj *obj, vbStorageVolDef *vol)
{
    g_ptr_array_add(obj->vols, vol);
    g_ptr_array_sort(obj->vols, vbStorageVolCompare);
}

vbStorageVolDef *
vbStoragePoolObjFindVol(const vbStoragePoolObj *obj, const char *name)
{
    size_t i;

    for (i = 0; i < obj->vols->len; i++) {
        vbStorageVolDef *vol = g_ptr_array_index(obj->vols, i);

        if (strcmp(vol->name, name) == 0)
            return vol;
    }
    return NULL;
}

/* ---- pools -------------------------------------------------------------- */

vbStoragePoolObj *
vbStorageDriverFindPoolByName(vbStorageDriver *storage, const char *name)
{
    size_t i;

    for (i = 0; i < storage->pools->len; i++) {
        vbStoragePoolObj *obj = g_ptr_array_index(storage->pools, i);

        if (strcmp(obj->def->name, name) == 0)
            return obj;
    }
    return NULL;
}

vbStoragePoolObj *
vbStorageDriverFindPoolByUUID(vbStorageDriver *storage, const unsigned char *uuid)
{
    size_t i;

    for (i = 0; i < storage->pools->len; i++) {
        vbStoragePoolObj *obj = g_ptr_array_index(storage->pools, i);

        if (memcmp(obj->def->uuid, uuid, VB_UUID_BUFLEN) == 0)
            return obj;
    }
    return NULL;
}

void
vbStorageDriverReportNoPoolUUID(const unsigned char *uuid, const char *name)
{
    char uuidstr[VB_UUID_STRING_BUFLEN];

    vbUUIDFormat(uuid, uuidstr);
    if (name)
        vbReportError(VIR_ERR_NO_STORAGE_POOL, _("no storage pool with matching uuid '%s' (%s)"),
                      uuidstr, name);
    else
        vbReportError(VIR_ERR_NO_STORAGE_POOL, _("no storage pool with matching uuid '%s'"),
                      uuidstr);
}

/* The pool a client's handle names, by UUID as libvirt finds it */
vbStoragePoolObj *
vbStorageDriverGetPool(vbStorageDriver *storage, const unsigned char *uuid, const char *name)
{
    vbStoragePoolObj *obj = vbStorageDriverFindPoolByUUID(storage, uuid);

    if (!obj)
        vbStorageDriverReportNoPoolUUID(uuid, name);
    return obj;
}

int
vbStoragePoolObjCheckActive(const vbStoragePoolObj *obj)
{
    if (!obj->active) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("storage pool '%s' is not active"),
                      obj->def->name);
        return -1;
    }
    return 0;
}

vbStoragePoolObj *
vbStorageDriverGetActivePool(vbStorageDriver *storage, const unsigned char *uuid, const char *name)
{
    vbStoragePoolObj *obj = vbStorageDriverGetPool(storage, uuid, name);

    if (!obj || vbStoragePoolObjCheckActive(obj) < 0)
        return NULL;
    return obj;
}

/* The volume a client's handle names: its pool by name, active */
vbStorageVolDef *
vbStorageDriverGetVol(vbStorageDriver *storage, const char *poolName, const char *volName,
                      vbStoragePoolObj **pool)
{
    vbStoragePoolObj *obj = vbStorageDriverFindPoolByName(storage, poolName);
    vbStorageVolDef *def;

    if (!obj) {
        vbReportError(VIR_ERR_NO_STORAGE_POOL, _("no storage pool with matching name '%s'"),
                      poolName);
        return NULL;
    }
    if (vbStoragePoolObjCheckActive(obj) < 0)
        return NULL;
    if (!(def = vbStoragePoolObjFindVol(obj, volName))) {
        vbReportError(VIR_ERR_NO_STORAGE_VOL, _("no storage vol with matching name '%s'"), volName);
        return NULL;
    }
    if (pool)
        *pool = obj;
    return def;
}

int
vbStoragePoolObjStart(vbStorageDriver *storage, vbStoragePoolObj *obj)
{
    struct stat st;

    if (stat(obj->def->targetPath, &st) < 0) {
        vbReportSystemError(errno, _("cannot open directory '%s'"), obj->def->targetPath);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("storage pool target path '%s' is not a directory"), obj->def->targetPath);
        return -1;
    }
    if (vbStoragePoolObjRefresh(obj) < 0)
        return -1;
    obj->active = true;
    if (vbStorageDriverSaveState(storage, obj) < 0) {
        obj->active = false;
        g_ptr_array_set_size(obj->vols, 0);
        return -1;
    }
    return 0;
}

void
vbStoragePoolObjStop(vbStorageDriver *storage, vbStoragePoolObj *obj)
{
    obj->active = false;
    g_ptr_array_set_size(obj->vols, 0);
    vbStorageDriverRemoveState(storage, obj->def->name);
    if (obj->newDef) {
        vbStoragePoolDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
}

void
vbStorageDriverRemovePool(vbStorageDriver *storage, vbStoragePoolObj *obj)
{
    g_ptr_array_remove(storage->pools, obj);
}

/* libvirt's checks of a new definition against the pools there are:
 * *@existing is the pool it redefines, if any */
int
vbStorageDriverCheckDuplicate(vbStorageDriver *storage, const vbStoragePoolDef *def,
                              vbStoragePoolObj **existing)
{
    char uuidstr[VB_UUID_STRING_BUFLEN];
    vbStoragePoolObj *byUUID = vbStorageDriverFindPoolByUUID(storage, def->uuid);
    vbStoragePoolObj *byName = vbStorageDriverFindPoolByName(storage, def->name);
    size_t i;

    *existing = NULL;
    if (byUUID && strcmp(byUUID->def->name, def->name) != 0) {
        vbUUIDFormat(byUUID->def->uuid, uuidstr);
        vbReportError(VIR_ERR_OPERATION_FAILED, _("pool '%s' is already defined with uuid %s"),
                      byUUID->def->name, uuidstr);
        return -1;
    }
    if (byName && !byUUID) {
        vbUUIDFormat(byName->def->uuid, uuidstr);
        vbReportError(VIR_ERR_OPERATION_FAILED, _("pool '%s' already exists with uuid %s"),
                      byName->def->name, uuidstr);
        return -1;
    }
    for (i = 0; i < storage->pools->len; i++) {
        vbStoragePoolObj *obj = g_ptr_array_index(storage->pools, i);

        if (obj == byUUID)
            continue;
        if (strcmp(obj->def->targetPath, def->targetPath) == 0) {
            vbReportError(VIR_ERR_OPERATION_FAILED, _("Storage source conflict with pool: '%s'"),
                          obj->def->name);
            return -1;
        }
    }
    *existing = byUUID;
    return 0;
}

void
vbStoragePoolObjGetStatus(const vbStoragePoolObj *obj, vbStoragePoolStatus *status)
{
    struct statvfs sfs;
    struct stat st;

    memset(status, 0, sizeof(*status));
    status->perms = (vbStoragePerms) VB_STORAGE_PERMS_INIT;
    if (statvfs(obj->def->targetPath, &sfs) == 0) {
        status->capacity = (unsigned long long) sfs.f_frsize * sfs.f_blocks;
        status->available = (unsigned long long) sfs.f_frsize * sfs.f_bfree;
        status->allocation = (unsigned long long) sfs.f_frsize * (sfs.f_blocks - sfs.f_bfree);
    }
    if (stat(obj->def->targetPath, &st) == 0)
        vbStorageConfPermsFromStat(&st, &status->perms);
}

/* ---- the driver --------------------------------------------------------- */

vbStorageDriver *
vbStorageDriverNew(const char *configDir, const char *stateDir, const char *qemuImgBinary)
{
    g_autofree char *autostartDir = g_build_filename(configDir, "autostart", NULL);
    vbStorageDriver *storage;

    if (vbFileMakePath(configDir, 0700) < 0 || vbFileMakePath(autostartDir, 0700) < 0 ||
        vbFileMakePath(stateDir, 0700) < 0)
        return NULL;
    storage = g_new0(vbStorageDriver, 1);
    g_mutex_init(&storage->lock);
    storage->pools = g_ptr_array_new_with_free_func((GDestroyNotify) vbStoragePoolObjFree);
    storage->configDir = g_strdup(configDir);
    storage->autostartDir = g_steal_pointer(&autostartDir);
    storage->stateDir = g_strdup(stateDir);
    storage->qemuImg = g_strdup(qemuImgBinary);
    return storage;
}

void
vbStorageDriverFree(vbStorageDriver *storage)
{
    if (!storage)
        return;
    g_ptr_array_unref(storage->pools);
    g_mutex_clear(&storage->lock);
    g_free(storage->configDir);
    g_free(storage->autostartDir);
    g_free(storage->stateDir);
    g_free(storage->qemuImg);
    g_free(storage);
}

/* Adds the pool of each file in @dir; @persistent for definitions, else
 * the state of active pools (whose definitions were loaded before) */
static void
vbStorageDriverLoadDir(vbStorageDriver *storage, const char *dirPath, bool persistent)
{
    g_autoptr(GDir) dir = g_dir_open(dirPath, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        g_autoptr(vbStoragePoolDef) def = NULL;
        vbStoragePoolObj *obj;

        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(dirPath, name, NULL);
        if (!(def = vbStoragePoolDefParseFile(path))) {
            VB_ERROR("cannot load storage pool '%s': %s", path, vbGetLastErrorMessage());
            continue;
        }
        if (persistent) {
            if (vbStorageDriverFindPoolByName(storage, def->name) ||
                vbStorageDriverFindPoolByUUID(storage, def->uuid)) {
                VB_ERROR("cannot load storage pool '%s': its name or UUID is taken", path);
                continue;
            }
            obj = vbStoragePoolObjNew(g_steal_pointer(&def));
            obj->persistent = true;
            g_ptr_array_add(storage->pools, obj);
            continue;
        }
        /* an active pool: persistent ones were defined above */
        if (!(obj = vbStorageDriverFindPoolByUUID(storage, def->uuid))) {
            if (vbStorageDriverFindPoolByName(storage, def->name)) {
                VB_ERROR("cannot load storage pool state '%s': its name is taken", path);
                continue;
            }
            obj = vbStoragePoolObjNew(g_steal_pointer(&def));
            g_ptr_array_add(storage->pools, obj);
        } else if (strcmp(obj->def->name, def->name) == 0 &&
                   strcmp(obj->def->targetPath, def->targetPath) != 0) {
            /* redefined while it ran: the running definition until destroy */
            obj->newDef = g_steal_pointer(&obj->def);
            obj->def = g_steal_pointer(&def);
        }
        if (vbStoragePoolObjRefresh(obj) < 0) {
            VB_ERROR("cannot restart storage pool '%s': %s", obj->def->name,
                     vbGetLastErrorMessage());
            if (!obj->persistent) {
                vbStorageDriverRemovePool(storage, obj);
            } else if (obj->newDef) {
                /* inactive now: the definition is the persistent one */
                vbStoragePoolDefFree(obj->def);
                obj->def = g_steal_pointer(&obj->newDef);
            }
            if (vbFileRemoveIfExists(path) < 0)
                VB_WARN("%s", vbGetLastErrorMessage());
            continue;
        }
        obj->active = true;
    }
}

void
vbStorageDriverLoad(vbStorageDriver *storage)
{
    size_t i;

    g_mutex_lock(&storage->lock);
    vbStorageDriverLoadDir(storage, storage->configDir, true);
    vbStorageDriverLoadDir(storage, storage->stateDir, false);
    for (i = 0; i < storage->pools->len; i++) {
        vbStoragePoolObj *obj = g_ptr_array_index(storage->pools, i);
        g_autofree char *link = vbStorageDriverAutostartLink(storage, obj->def->name);

        obj->autostart = obj->persistent && g_file_test(link, G_FILE_TEST_IS_SYMLINK);
        if (obj->autostart && !obj->active && vbStoragePoolObjStart(storage, obj) < 0)
            VB_ERROR("cannot autostart storage pool '%s': %s", obj->def->name,
                     vbGetLastErrorMessage());
    }
    g_mutex_unlock(&storage->lock);
}
