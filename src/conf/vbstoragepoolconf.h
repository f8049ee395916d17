/*
 * vbstoragepoolconf.h: storage pool XML (type 'dir')
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt 9.0's storage_conf.c reads and writes a pool of type 'dir':
 * <name>, <uuid> (made up when absent), <capacity>/<allocation>/<available>
 * (written from the pool's file system, read and dropped: they are never
 * settings), an empty <source/>, <target> with an absolute <path> and
 * <permissions>.  Every other pool type libvirt knows is refused with
 * VIR_ERR_CONFIG_UNSUPPORTED naming it.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbinternal.h"
#include "vbstorageconf.h"

typedef struct _vbStoragePoolDef vbStoragePoolDef;
struct _vbStoragePoolDef {
    char *name;
    unsigned char uuid[VB_UUID_BUFLEN];
    char *targetPath;     /* absolute, without a trailing '/' */
    vbStoragePerms perms; /* of the directory pool-build makes */
};

void vbStoragePoolDefFree(vbStoragePoolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbStoragePoolDef, vbStoragePoolDefFree);

vbStoragePoolDef *vbStoragePoolDefParseString(const char *xml);
vbStoragePoolDef *vbStoragePoolDefParseFile(const char *path);

/* What an active pool's XML shows besides its definition */
typedef struct _vbStoragePoolStatus vbStoragePoolStatus;
struct _vbStoragePoolStatus {
    unsigned long long capacity;
    unsigned long long allocation;
    unsigned long long available;
    vbStoragePerms perms; /* of the directory as it is */
};

/* @status NULL: the inactive form (sizes 0, the permissions defined) */
char *vbStoragePoolDefFormat(const vbStoragePoolDef *def, const vbStoragePoolStatus *status);

/* A pool or volume name: not empty, no '/', not '.' or '..', no control
 * character.  VIR_ERR_XML_ERROR with libvirt's message for '/' */
int vbStoragePoolDefCheckName(const char *name);
