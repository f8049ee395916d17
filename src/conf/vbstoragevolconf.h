/*
 * vbstoragevolconf.h: storage volume XML (volumes of a 'dir' pool)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt 9.0's storage_conf.c writes a file volume: <name>, <key> (its
 * path), <capacity>, <allocation>, <physical>, <target> with <path>,
 * <format>, <permissions> and <timestamps>, and <backingStore> the same
 * way.  For virStorageVolCreateXML it reads <name>, <capacity> and
 * <allocation> with units, <target><format> (raw or qcow2) and
 * <permissions>, and <backingStore> with <path> and <format>.  What is
 * written from the file (key, physical, paths) is read back only so that
 * a document we wrote parses again; <timestamps> are read and dropped.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <time.h>

#include "vbstorageconf.h"
#include "vbstoragesource.h"

typedef struct _vbStorageVolTarget vbStorageVolTarget;
struct _vbStorageVolTarget {
    char *path;
    vbStorageFormat format; /* NONE: not known, not written */
    vbStoragePerms perms;
    bool hasTimes;
    struct timespec atime;
    struct timespec mtime;
    struct timespec ctime;
};

typedef struct _vbStorageVolDef vbStorageVolDef;
struct _vbStorageVolDef {
    char *name;
    char *key;
    unsigned long long capacity; /* bytes */
    unsigned long long allocation;
    bool hasAllocation;
    unsigned long long physical;
    bool hasPhysical;
    vbStorageVolTarget target;
    vbStorageVolTarget *backing; /* NULL: none */
};

void vbStorageVolDefFree(vbStorageVolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbStorageVolDef, vbStorageVolDefFree);

vbStorageVolDef *vbStorageVolDefCopy(const vbStorageVolDef *def);

/* The definition of a volume to create; its path and key are the pool's
 * to set */
vbStorageVolDef *vbStorageVolDefParseString(const char *xml);

char *vbStorageVolDefFormat(const vbStorageVolDef *def);

/* Fills @target's permissions and timestamps from @st */
void vbStorageVolTargetSetStat(vbStorageVolTarget *target, const struct stat *st);
