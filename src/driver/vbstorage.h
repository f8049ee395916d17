/*
 * vbstorage.h: the storage driver's entry points: 'dir' pools and their
 * volumes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt 9.0's storage driver serves a pool of type 'dir': pools are
 * defined (<config>/storage/NAME.xml), started (their directory listed:
 * each regular file is a volume, qcow2 when it has a valid qcow2 header,
 * raw otherwise), autostarted (a link in <config>/storage/autostart/) and
 * remembered as active across a restart of the daemon (<state>/storage/).
 * Volumes are created with qemu-img and deleted by unlink, only ever inside
 * their pool's directory.  One entry point per libvirt call, errors as
 * libvirt's for each; a client names a pool by name and UUID, a volume by
 * pool, name and key, as on the wire.  The driver's state is
 * vbstoragepoolobj.h's.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbinternal.h"
#include "vbdriverconf.h"

typedef struct _vbStoragePoolHandle vbStoragePoolHandle;
struct _vbStoragePoolHandle {
    char *name;
    unsigned char uuid[VB_UUID_BUFLEN];
};
void vbStoragePoolHandleFree(vbStoragePoolHandle *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbStoragePoolHandle, vbStoragePoolHandleFree);

typedef struct _vbStorageVolHandle vbStorageVolHandle;
struct _vbStorageVolHandle {
    char *pool;
    char *name;
    char *key;
};
void vbStorageVolHandleFree(vbStorageVolHandle *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbStorageVolHandle, vbStorageVolHandleFree);

/* virConnectListAllStoragePools: a GPtrArray of vbStoragePoolHandle
 * (freeing them), sorted by name */
GPtrArray *vbConnectListAllStoragePools(vbDriver *driver, unsigned int flags);

vbStoragePoolHandle *vbStoragePoolLookupByName(vbDriver *driver, const char *name);
vbStoragePoolHandle *vbStoragePoolLookupByUUID(vbDriver *driver, const unsigned char *uuid);
vbStoragePoolHandle *vbStoragePoolLookupByVolume(vbDriver *driver, const vbStorageVolHandle *vol);
vbStoragePoolHandle *vbStoragePoolLookupByTargetPath(vbDriver *driver, const char *path);

vbStoragePoolHandle *vbStoragePoolDefineXML(vbDriver *driver, const char *xml, unsigned int flags);
vbStoragePoolHandle *vbStoragePoolCreateXML(vbDriver *driver, const char *xml, unsigned int flags);
int vbStoragePoolCreate(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags);
int vbStoragePoolBuild(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags);
int vbStoragePoolDestroy(vbDriver *driver, const vbStoragePoolHandle *pool);
/* virStoragePoolDelete: rmdir of an inactive pool's directory, which must
 * be empty (libvirt removes no volume either) */
int vbStoragePoolDelete(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags);
int vbStoragePoolUndefine(vbDriver *driver, const vbStoragePoolHandle *pool);
int vbStoragePoolRefresh(vbDriver *driver, const vbStoragePoolHandle *pool, unsigned int flags);

typedef struct _vbStoragePoolInfo vbStoragePoolInfo;
struct _vbStoragePoolInfo {
    int state; /* virStoragePoolState */
    unsigned long long capacity;
    unsigned long long allocation;
    unsigned long long available;
};
int vbStoragePoolGetInfo(vbDriver *driver, const vbStoragePoolHandle *pool,
                         vbStoragePoolInfo *info);
char *vbStoragePoolGetXMLDesc(vbDriver *driver, const vbStoragePoolHandle *pool,
                              unsigned int flags);
int vbStoragePoolGetAutostart(vbDriver *driver, const vbStoragePoolHandle *pool);
int vbStoragePoolSetAutostart(vbDriver *driver, const vbStoragePoolHandle *pool, int autostart);
int vbStoragePoolIsActive(vbDriver *driver, const vbStoragePoolHandle *pool);
int vbStoragePoolIsPersistent(vbDriver *driver, const vbStoragePoolHandle *pool);

/* virStoragePoolListAllVolumes: a GPtrArray of vbStorageVolHandle */
GPtrArray *vbStoragePoolListAllVolumes(vbDriver *driver, const vbStoragePoolHandle *pool,
                                       unsigned int flags);

vbStorageVolHandle *vbStorageVolLookupByName(vbDriver *driver, const vbStoragePoolHandle *pool,
                                             const char *name);
vbStorageVolHandle *vbStorageVolLookupByKey(vbDriver *driver, const char *key);
vbStorageVolHandle *vbStorageVolLookupByPath(vbDriver *driver, const char *path);

typedef struct _vbStorageVolInfo vbStorageVolInfo;
struct _vbStorageVolInfo {
    int type; /* virStorageVolType */
    unsigned long long capacity;
    unsigned long long allocation;
};
/* virStorageVolGetInfo(Flags): VIR_STORAGE_VOL_GET_PHYSICAL */
int vbStorageVolGetInfo(vbDriver *driver, const vbStorageVolHandle *vol, vbStorageVolInfo *info,
                        unsigned int flags);
char *vbStorageVolGetXMLDesc(vbDriver *driver, const vbStorageVolHandle *vol, unsigned int flags);
char *vbStorageVolGetPath(vbDriver *driver, const vbStorageVolHandle *vol);
vbStorageVolHandle *vbStorageVolCreateXML(vbDriver *driver, const vbStoragePoolHandle *pool,
                                          const char *xml, unsigned int flags);
int vbStorageVolDelete(vbDriver *driver, const vbStorageVolHandle *vol, unsigned int flags);
