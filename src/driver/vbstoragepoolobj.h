/*
 * vbstoragepoolobj.h: the storage driver's state: pools, their volumes,
 * their files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt's virstorageobj.h for the storage driver: a pool object holds
 * its definition, whether it is active, persistent and autostarted, and
 * the volumes its directory had at the last refresh (each regular file,
 * qcow2 when it has a valid qcow2 header, raw otherwise).  The driver's
 * state is the pool list under one lock, and where pools are kept:
 * definitions in <config>/storage/NAME.xml, autostart links in
 * <config>/storage/autostart/, and the definitions of active pools in
 * <state>/storage/, so that they stay active across a restart.  Every
 * function here expects the caller to hold the lock, but
 * vbStorageDriverNew, vbStorageDriverLoad and vbStorageDriverFree.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbinternal.h"
#include "vbdriverconf.h"
#include "vbstoragepoolconf.h"
#include "vbstoragevolconf.h"

typedef struct _vbStoragePoolObj vbStoragePoolObj;
struct _vbStoragePoolObj {
    vbStoragePoolDef *def;
    vbStoragePoolDef *newDef; /* redefined while active: applies at destroy */
    bool active;
    bool persistent;
    bool autostart;
    GPtrArray *vols; /* vbStorageVolDef, sorted by name */
};

/* vbDriver's storage (declared in vbdriverconf.h) */
struct _vbStorageDriver {
    GMutex lock;
    GPtrArray *pools; /* vbStoragePoolObj */
    char *configDir;
    char *autostartDir;
    char *stateDir;
    char *qemuImg;
};

/* Creates the storage directories; NULL with the error reported */
vbStorageDriver *vbStorageDriverNew(const char *configDir, const char *stateDir,
                                    const char *qemuImgBinary);
/* Loads the definitions and the active pools' state, starts the pools
 * marked autostart; a pool that cannot be loaded or started is logged */
void vbStorageDriverLoad(vbStorageDriver *storage);
void vbStorageDriverFree(vbStorageDriver *storage);

/* Takes @def */
vbStoragePoolObj *vbStoragePoolObjNew(vbStoragePoolDef *def);

/* The files of pool @name */
char *vbStorageDriverConfigFile(vbStorageDriver *storage, const char *name);
char *vbStorageDriverAutostartLink(vbStorageDriver *storage, const char *name);
int vbStorageDriverSaveDef(vbStorageDriver *storage, const vbStoragePoolDef *def);

/* qcow2 when the file at @path has a valid qcow2 header, else raw */
vbStorageFormat vbStorageProbeFormat(const char *path);

/* The volume of file @name in @obj's directory; NULL, reporting nothing,
 * when it is not a regular file (or went away) */
vbStorageVolDef *vbStoragePoolObjLoadVol(const vbStoragePoolObj *obj, const char *name);
/* Lists @obj's directory anew */
int vbStoragePoolObjRefresh(vbStoragePoolObj *obj);
/* Takes @vol, kept in name order */
void vbStoragePoolObjAddVol(vbStoragePoolObj *obj, vbStorageVolDef *vol);
vbStorageVolDef *vbStoragePoolObjFindVol(const vbStoragePoolObj *obj, const char *name);
/* "storage pool '%s' is not active" unless it is */
int vbStoragePoolObjCheckActive(const vbStoragePoolObj *obj);
/* The file system's sizes and the directory's permissions */
void vbStoragePoolObjGetStatus(const vbStoragePoolObj *obj, vbStoragePoolStatus *status);
/* Lists the directory and marks @obj active (and so in the state dir) */
int vbStoragePoolObjStart(vbStorageDriver *storage, vbStoragePoolObj *obj);
/* Marks @obj inactive; a definition changed meanwhile takes effect */
void vbStoragePoolObjStop(vbStorageDriver *storage, vbStoragePoolObj *obj);

vbStoragePoolObj *vbStorageDriverFindPoolByName(vbStorageDriver *storage, const char *name);
vbStoragePoolObj *vbStorageDriverFindPoolByUUID(vbStorageDriver *storage,
                                                const unsigned char *uuid);
void vbStorageDriverReportNoPoolUUID(const unsigned char *uuid, const char *name);
/* The pool a client names, by UUID as libvirt finds it (@name is for the
 * message), with libvirt's error when there is none */
vbStoragePoolObj *vbStorageDriverGetPool(vbStorageDriver *storage, const unsigned char *uuid,
                                         const char *name);
/* ... and active */
vbStoragePoolObj *vbStorageDriverGetActivePool(vbStorageDriver *storage, const unsigned char *uuid,
                                               const char *name);
/* The volume a client names: its pool by name, active; *@pool gets the
 * pool when not NULL */
vbStorageVolDef *vbStorageDriverGetVol(vbStorageDriver *storage, const char *poolName,
                                       const char *volName, vbStoragePoolObj **pool);
/* Frees @obj */
void vbStorageDriverRemovePool(vbStorageDriver *storage, vbStoragePoolObj *obj);
/* libvirt's checks of a new definition against the pools there are:
 * *@existing is the pool it redefines, if any */
int vbStorageDriverCheckDuplicate(vbStorageDriver *storage, const vbStoragePoolDef *def,
                                  vbStoragePoolObj **existing);
