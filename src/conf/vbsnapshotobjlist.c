/*
 * vbsnapshotobjlist.c: a domain's snapshots with metadata, as a tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbsnapshotobjlist.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN_SNAPSHOT

struct _vbSnapshotObjList {
    GHashTable *objs; /* name -> vbSnapshotObj (owned) */
    vbSnapshotObj *current;
};

static void
vbSnapshotObjFree(vbSnapshotObj *obj)
{
    if (!obj)
        return;
    vbSnapshotDefFree(obj->def);
    g_ptr_array_unref(obj->children);
    g_free(obj);
}

vbSnapshotObjList *
vbSnapshotObjListNew(void)
{
    vbSnapshotObjList *list = g_new0(vbSnapshotObjList, 1);

    list->objs =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) vbSnapshotObjFree);
    return list;
}

void
vbSnapshotObjListFree(vbSnapshotObjList *list)
{
    if (!list)
        return;
    g_hash_table_unref(list->objs);
    g_free(list);
}

vbSnapshotObj *
vbSnapshotObjListFind(vbSnapshotObjList *list, const char *name)
{
    return name ? g_hash_table_lookup(list->objs, name) : NULL;
}

size_t
vbSnapshotObjListSize(vbSnapshotObjList *list)
{
    return g_hash_table_size(list->objs);
}

static gint
vbSnapshotObjCompareName(gconstpointer a, gconstpointer b)
{
    const vbSnapshotObj *x = *(vbSnapshotObj *const *) a;
    const vbSnapshotObj *y = *(vbSnapshotObj *const *) b;

    return strcmp(x->def->name, y->def->name);
}

static void
vbSnapshotObjLink(vbSnapshotObj *obj, vbSnapshotObj *parent)
{
    obj->parent = parent;
    if (!parent)
        return;
    g_ptr_array_add(parent->children, obj);
    g_ptr_array_sort(parent->children, vbSnapshotObjCompareName);
}

vbSnapshotObj *
vbSnapshotObjListAdd(vbSnapshotObjList *list, vbSnapshotDef **def)
{
    vbSnapshotObj *obj;

    if (g_hash_table_contains(list->objs, (*def)->name)) {
        vbReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_FAILED, __FILE__, __func__, __LINE__,
                          _("domain moment %s already exists"), (*def)->name);
        return NULL;
    }
    obj = g_new0(vbSnapshotObj, 1);
    obj->def = g_steal_pointer(def);
    obj->children = g_ptr_array_new();
    g_hash_table_insert(list->objs, obj->def->name, obj);
    vbSnapshotObjLink(obj, vbSnapshotObjListFind(list, obj->def->parentName));
    return obj;
}

void
vbSnapshotObjListSwapDef(vbSnapshotObjList *list, vbSnapshotObj *obj, vbSnapshotDef **def)
{
    vbSnapshotDef *old = obj->def;

    if (obj->parent)
        g_ptr_array_remove(obj->parent->children, obj);
    /* the key is the definition's name: the same, in the new definition */
    g_hash_table_steal(list->objs, old->name);
    obj->def = *def;
    *def = old;
    g_hash_table_insert(list->objs, obj->def->name, obj);
    vbSnapshotObjLink(obj, vbSnapshotObjListFind(list, obj->def->parentName));
}

void
vbSnapshotObjListReplaceDef(vbSnapshotObjList *list, vbSnapshotObj *obj, vbSnapshotDef **def)
{
    vbSnapshotObjListSwapDef(list, obj, def);
    g_clear_pointer(def, vbSnapshotDefFree);
}

void
vbSnapshotObjListUpdateRelations(vbSnapshotObjList *list, char ***orphans)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    vbSnapshotObj *obj;

    g_hash_table_iter_init(&iter, list->objs);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *) &obj))
        g_ptr_array_set_size(obj->children, 0);
    g_hash_table_iter_init(&iter, list->objs);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *) &obj)) {
        vbSnapshotObj *parent = vbSnapshotObjListFind(list, obj->def->parentName);

        /* a snapshot its own ancestor would loop every walk: a root then */
        for (vbSnapshotObj *p = parent; p; p = p->parent) {
            if (p == obj) {
                parent = NULL;
                break;
            }
        }
        if (obj->def->parentName && !parent) {
            g_ptr_array_add(names, g_strdup(obj->def->name));
            g_clear_pointer(&obj->def->parentName, g_free);
        }
        vbSnapshotObjLink(obj, parent);
    }
    g_ptr_array_add(names, NULL);
    *orphans = (char **) g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

void
vbSnapshotObjListRemove(vbSnapshotObjList *list, vbSnapshotObj *obj)
{
    size_t i;

    if (obj->parent)
        g_ptr_array_remove(obj->parent->children, obj);
    for (i = 0; i < obj->children->len; i++)
        ((vbSnapshotObj *) g_ptr_array_index(obj->children, i))->parent = NULL;
    if (list->current == obj)
        list->current = NULL;
    g_hash_table_remove(list->objs, obj->def->name);
}

void
vbSnapshotObjListRemoveReparent(vbSnapshotObjList *list, vbSnapshotObj *obj)
{
    vbSnapshotObj *parent = obj->parent;

    while (obj->children->len > 0) {
        vbSnapshotObj *child = g_ptr_array_index(obj->children, 0);

        g_ptr_array_remove_index(obj->children, 0);
        g_free(child->def->parentName);
        child->def->parentName = parent ? g_strdup(parent->def->name) : NULL;
        vbSnapshotObjLink(child, parent);
    }
    vbSnapshotObjListRemove(list, obj);
}

void
vbSnapshotObjListRemoveAll(vbSnapshotObjList *list)
{
    list->current = NULL;
    g_hash_table_remove_all(list->objs);
}

vbSnapshotObj *
vbSnapshotObjListGetCurrent(vbSnapshotObjList *list)
{
    return list->current;
}

void
vbSnapshotObjListSetCurrent(vbSnapshotObjList *list, vbSnapshotObj *obj)
{
    list->current = obj;
}

/* libvirt's virDomainSnapshotFilter: each group of opposite filters lets
 * everything through when none or all are given, except LEAVES with
 * NO_LEAVES, which libvirt applies both of: nothing passes. */
static bool
vbSnapshotObjMatch(const vbSnapshotObj *obj, unsigned int flags)
{
    unsigned int meta = VIR_DOMAIN_SNAPSHOT_LIST_METADATA | VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA;
    unsigned int states = VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE | VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE |
                          VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY;
    unsigned int location = VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL | VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL;
    const vbSnapshotDef *def = obj->def;

    if ((flags & VIR_DOMAIN_SNAPSHOT_LIST_LEAVES) && obj->children->len > 0)
        return false;
    if ((flags & VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES) && obj->children->len == 0)
        return false;
    /* every snapshot here has metadata */
    if ((flags & meta) == VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA)
        return false;
    if (flags & states) {
        bool match = false;

        if (def->state == VB_SNAPSHOT_STATE_SHUTOFF)
            match = flags & VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE;
        else if (def->state == VB_SNAPSHOT_STATE_DISK_SNAPSHOT)
            match = flags & VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY;
        else
            match = flags & VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE;
        if (!match)
            return false;
    }
    if (flags & location) {
        bool external = vbSnapshotDefIsExternal(def);

        if (!(flags &
              (external ? VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL : VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL)))
            return false;
    }
    return true;
}

static GPtrArray *
vbSnapshotObjListSorted(vbSnapshotObjList *list)
{
    GPtrArray *all = g_ptr_array_new();
    GHashTableIter iter;
    vbSnapshotObj *obj;

    g_hash_table_iter_init(&iter, list->objs);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *) &obj))
        g_ptr_array_add(all, obj);
    g_ptr_array_sort(all, vbSnapshotObjCompareName);
    return all;
}

/* Depth first, parents before children, siblings by name. */
static void
vbSnapshotObjWalk(vbSnapshotObj *obj, GPtrArray *out)
{
    size_t i;

    for (i = 0; i < obj->children->len; i++) {
        vbSnapshotObj *child = g_ptr_array_index(obj->children, i);

        g_ptr_array_add(out, child);
        vbSnapshotObjWalk(child, out);
    }
}

GPtrArray *
vbSnapshotObjListAll(vbSnapshotObjList *list)
{
    g_autoptr(GPtrArray) sorted = vbSnapshotObjListSorted(list);
    GPtrArray *out = g_ptr_array_new();
    size_t i;

    for (i = 0; i < sorted->len; i++) {
        vbSnapshotObj *obj = g_ptr_array_index(sorted, i);

        if (obj->parent)
            continue;
        g_ptr_array_add(out, obj);
        vbSnapshotObjWalk(obj, out);
    }
    return out;
}

GPtrArray *
vbSnapshotObjListCollect(vbSnapshotObjList *list, vbSnapshotObj *from, unsigned int flags)
{
    g_autoptr(GPtrArray) candidates = NULL;
    bool topological = flags & VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL;
    GPtrArray *out = g_ptr_array_new();
    size_t i;

    if (from) {
        candidates = g_ptr_array_new();
        if (flags & VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS) {
            vbSnapshotObjWalk(from, candidates);
        } else {
            for (i = 0; i < from->children->len; i++)
                g_ptr_array_add(candidates, g_ptr_array_index(from->children, i));
        }
    } else {
        candidates = topological ? vbSnapshotObjListAll(list) : vbSnapshotObjListSorted(list);
    }
    if (!topological)
        g_ptr_array_sort(candidates, vbSnapshotObjCompareName);

    for (i = 0; i < candidates->len; i++) {
        vbSnapshotObj *obj = g_ptr_array_index(candidates, i);

        if (!from && (flags & VIR_DOMAIN_SNAPSHOT_LIST_ROOTS) && obj->parent)
            continue;
        if (vbSnapshotObjMatch(obj, flags))
            g_ptr_array_add(out, obj);
    }
    return out;
}
