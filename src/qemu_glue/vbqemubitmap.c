/*
 * vbqemubitmap.c: which dirty bitmaps a commit must carry into base
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbqemubitmap.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static const vbMonitorBlockNodeInfo *
vbQemuBitmapFindNode(GPtrArray *nodes, const char *nodename)
{
    size_t i;

    for (i = 0; nodes && i < nodes->len; i++) {
        const vbMonitorBlockNodeInfo *node = g_ptr_array_index(nodes, i);

        if (g_strcmp0(node->nodeName, nodename) == 0)
            return node;
    }
    return NULL;
}

static const vbMonitorBitmapInfo *
vbQemuBitmapGet(const vbMonitorBlockNodeInfo *node, const char *name)
{
    size_t i;

    for (i = 0; node && node->bitmaps && i < node->bitmaps->len; i++) {
        const vbMonitorBitmapInfo *b = g_ptr_array_index(node->bitmaps, i);

        if (g_strcmp0(b->name, name) == 0)
            return b;
    }
    return NULL;
}

static gint
vbQemuBitmapNameCompare(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Names of @node's bitmaps, sorted; QEMU's unnamed job bitmaps left out. */
static GPtrArray *
vbQemuBitmapNames(const vbMonitorBlockNodeInfo *node)
{
    GPtrArray *names = g_ptr_array_new();
    size_t i;

    for (i = 0; node && node->bitmaps && i < node->bitmaps->len; i++) {
        const vbMonitorBitmapInfo *b = g_ptr_array_index(node->bitmaps, i);

        if (b->name)
            g_ptr_array_add(names, b->name);
    }
    g_ptr_array_sort(names, vbQemuBitmapNameCompare);
    return names;
}

/* Valid when present from chain[0] downwards without a gap, and every copy
 * persistent, recording and consistent. */
static bool
vbQemuBitmapChainIsValid(GPtrArray *nodes, const char *const *chain, const char *name)
{
    bool ended = false;
    size_t i;

    for (i = 0; chain[i]; i++) {
        const vbMonitorBitmapInfo *b = vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, chain[i]), name);

        if (!b) {
            ended = true;
            continue;
        }
        if (ended || !b->persistent || !b->recording || b->inconsistent)
            return false;
    }
    return true;
}

static int
vbQemuBitmapCommitOne(GPtrArray *nodes, const char *const *chain, const char *base, bool active,
                      const char *name, vbJSONValue *actions)
{
    g_autoptr(vbJSONValue) sources = vbJSONValueNewArray();
    const vbMonitorBitmapInfo *top = vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, chain[0]), name);
    size_t i;

    if (!vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, base), name) &&
        vbMonitorTransactionBitmapAdd(actions, base, name, true, false, top->granularity) < 0)
        return -1;

    for (i = 0; chain[i] && strcmp(chain[i], base) != 0; i++) {
        if (!vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, chain[i]), name))
            break;
        if (vbMonitorBitmapMergeSourceAdd(sources, chain[i], name) < 0)
            return -1;
    }
    if (active && vbMonitorBitmapMergeSourceAdd(sources, base, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) < 0)
        return -1;
    return vbMonitorTransactionBitmapMerge(actions, base, name, &sources);
}

/* A bitmap of base without a valid chain from top missed the writes the
 * commit brings down (top lacks it, has a gap, or its copy there stopped
 * recording).  Once the images above base leave the chain, base's copy
 * would head a valid chain that says those blocks never changed: it is
 * disabled, so that nothing takes it for a valid history again (an
 * incremental backup from it is refused, a full one is made).  Copies in
 * the intermediate images leave the chain with them and need nothing.
 * A copy already inconsistent or not recording is invalid anyway; a busy
 * one belongs to a running backup job and cannot be changed. */
static int
vbQemuBitmapCommitDisableStale(GPtrArray *nodes, const char *const *chain, const char *base,
                               vbJSONValue *actions)
{
    const vbMonitorBlockNodeInfo *node = vbQemuBitmapFindNode(nodes, base);
    g_autoptr(GPtrArray) names = vbQemuBitmapNames(node);
    size_t i;

    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        const vbMonitorBitmapInfo *b = vbQemuBitmapGet(node, name);

        if (strcmp(name, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) == 0 || !b->recording ||
            b->inconsistent || b->busy || vbQemuBitmapChainIsValid(nodes, chain, name))
            continue;
        if (vbMonitorTransactionBitmapDisable(actions, base, name) < 0)
            return -1;
    }
    return 0;
}

int
vbQemuBitmapCommitActions(GPtrArray *nodes, const char *const *chain, const char *base, bool active,
                          vbJSONValue **actions)
{
    g_autoptr(vbJSONValue) list = vbJSONValueNewArray();
    g_autoptr(GPtrArray) names = NULL;
    size_t i;

    *actions = NULL;
    g_return_val_if_fail(chain && chain[0], -1);

    names = vbQemuBitmapNames(vbQemuBitmapFindNode(nodes, chain[0]));
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);

        /* Our own temporary bitmap is never carried over; broken chains are
         * skipped, as libvirt does (their history is unusable anyway). */
        if (strcmp(name, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) == 0 ||
            !vbQemuBitmapChainIsValid(nodes, chain, name))
            continue;
        if (vbQemuBitmapCommitOne(nodes, chain, base, active, name, list) < 0)
            return -1;
    }

    if (vbQemuBitmapCommitDisableStale(nodes, chain, base, list) < 0)
        return -1;
    if (active && vbMonitorTransactionBitmapRemove(list, base, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) < 0)
        return -1;

    if (vbJSONValueArraySize(list) > 0)
        *actions = g_steal_pointer(&list);
    return 0;
}

GPtrArray *
vbQemuBitmapSnapshotCarried(const vbMonitorBlockNodeInfo *node)
{
    g_autoptr(GPtrArray) names = vbQemuBitmapNames(node);
    GPtrArray *carried = g_ptr_array_new();
    size_t i;

    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        const vbMonitorBitmapInfo *b = vbQemuBitmapGet(node, name);

        /* Only history worth keeping: recording, consistent, persistent
         * (a transient bitmap dies with QEMU anyway). */
        if (!b->recording || b->inconsistent || !b->persistent ||
            strcmp(name, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) == 0)
            continue;
        g_ptr_array_add(carried, (gpointer) b);
    }
    return carried;
}

int
vbQemuBitmapSnapshotActions(GPtrArray *nodes, const char *active, const char *overlay,
                            vbJSONValue **actions)
{
    g_autoptr(vbJSONValue) list = vbJSONValueNewArray();
    g_autoptr(GPtrArray) carried = vbQemuBitmapSnapshotCarried(vbQemuBitmapFindNode(nodes, active));
    size_t i;

    *actions = NULL;
    for (i = 0; i < carried->len; i++) {
        const vbMonitorBitmapInfo *b = g_ptr_array_index(carried, i);

        if (vbMonitorTransactionBitmapAdd(list, overlay, b->name, true, false, b->granularity) < 0)
            return -1;
    }
    if (vbJSONValueArraySize(list) > 0)
        *actions = g_steal_pointer(&list);
    return 0;
}

void
vbQemuBitmapRevertPlan(GPtrArray *nodes, const char *const *chain, const char *const *abandoned,
                       GPtrArray **carry, GPtrArray **dropped)
{
    const vbMonitorBlockNodeInfo *node = vbQemuBitmapFindNode(nodes, chain[0]);
    g_autoptr(GPtrArray) names = vbQemuBitmapNames(node);
    bool sameSize = true;
    size_t i;
    size_t j;

    *carry = g_ptr_array_new();
    *dropped = g_ptr_array_new();
    /* a bitmap covers its image's virtual size: one of an image resized
     * since cannot be merged, and what it says of the blocks past the
     * smaller size is unknown */
    for (j = 0; node && abandoned[j]; j++) {
        const vbMonitorBlockNodeInfo *other = vbQemuBitmapFindNode(nodes, abandoned[j]);

        if (other && other->virtualSize != node->virtualSize)
            sameSize = false;
    }
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        bool usable = sameSize;

        if (strcmp(name, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) == 0 ||
            !vbQemuBitmapChainIsValid(nodes, chain, name))
            continue;
        for (j = 0; abandoned[j]; j++) {
            const vbMonitorBitmapInfo *b =
                vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, abandoned[j]), name);

            if (!b || !b->persistent || !b->recording || b->inconsistent)
                usable = false;
        }
        if (usable)
            g_ptr_array_add(*carry, (gpointer) vbQemuBitmapGet(node, name));
        else
            g_ptr_array_add(*dropped, (gpointer) name);
    }
}
