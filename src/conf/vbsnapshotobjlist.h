/*
 * vbsnapshotobjlist.h: a domain's snapshots with metadata, as a tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's virDomainMomentObjList for snapshots: each snapshot knows its
 * parent and children; at most one is current.  Lookups are by name; every
 * listing is sorted by name (virsh sorts so too), or with TOPOLOGICAL
 * parents before their children.  The caller holds the domain's lock.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbsnapshotconf.h"

typedef struct _vbSnapshotObj vbSnapshotObj;
struct _vbSnapshotObj {
    vbSnapshotDef *def;
    vbSnapshotObj *parent; /* NULL: a root */
    GPtrArray *children;   /* vbSnapshotObj *, not owned, sorted by name */
};

typedef struct _vbSnapshotObjList vbSnapshotObjList;

vbSnapshotObjList *vbSnapshotObjListNew(void);
void vbSnapshotObjListFree(vbSnapshotObjList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbSnapshotObjList, vbSnapshotObjListFree);

vbSnapshotObj *vbSnapshotObjListFind(vbSnapshotObjList *list, const char *name);
size_t vbSnapshotObjListSize(vbSnapshotObjList *list);

/* Adds *@def (taken), linked below its parent when that is in the list.
 * A name already in the list: libvirt's OPERATION_FAILED "domain moment
 * NAME already exists" (VIR_FROM_DOMAIN).  Returns the object or NULL. */
vbSnapshotObj *vbSnapshotObjListAdd(vbSnapshotObjList *list, vbSnapshotDef **def);

/* REDEFINE of an existing snapshot: @obj's definition becomes *@def
 * (taken), moved below its (new) parent, which must be in the list. */
void vbSnapshotObjListReplaceDef(vbSnapshotObjList *list, vbSnapshotObj *obj, vbSnapshotDef **def);
/* The same, but *@def gets @obj's previous definition (the caller's to
 * free, or to swap back when the new one cannot be saved). */
void vbSnapshotObjListSwapDef(vbSnapshotObjList *list, vbSnapshotObj *obj, vbSnapshotDef **def);

/* After loading: links every snapshot to its parent.  A parent not in the
 * list makes the snapshot a root, as libvirt's loader does; each such
 * name is returned in @orphans (g_strfreev) for the caller to log. */
void vbSnapshotObjListUpdateRelations(vbSnapshotObjList *list, char ***orphans);

/* Removes @obj alone (a leaf) and frees it; the current one if it was. */
void vbSnapshotObjListRemove(vbSnapshotObjList *list, vbSnapshotObj *obj);
/* Removes @obj and frees it; its children move to its parent (or become
 * roots), their parent names updated, as libvirt's snapshot deletion
 * reparents them.  The current one becomes none if it was @obj. */
void vbSnapshotObjListRemoveReparent(vbSnapshotObjList *list, vbSnapshotObj *obj);
void vbSnapshotObjListRemoveAll(vbSnapshotObjList *list);

vbSnapshotObj *vbSnapshotObjListGetCurrent(vbSnapshotObjList *list);
void vbSnapshotObjListSetCurrent(vbSnapshotObjList *list, vbSnapshotObj *obj);

/**
 * vbSnapshotObjListCollect:
 * @from: NULL: the whole list (with ROOTS only roots); else the children
 *        of @from (with DESCENDANTS, all its descendants)
 * @flags: VIR_DOMAIN_SNAPSHOT_LIST_* (the filters of
 *         virDomainListAllSnapshots; the caller checked them)
 *
 * Returns the matching objects (not owned), sorted by name, or with
 * TOPOLOGICAL parents before children.
 */
GPtrArray *vbSnapshotObjListCollect(vbSnapshotObjList *list, vbSnapshotObj *from,
                                    unsigned int flags);

/* Every snapshot, parents before children (for saving and tests). */
GPtrArray *vbSnapshotObjListAll(vbSnapshotObjList *list);
