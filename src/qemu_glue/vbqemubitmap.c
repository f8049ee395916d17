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

typedef struct {
    const char *name;
    unsigned long long granularity;
    bool recording;
    bool persistent;
    bool inconsistent;
} vbQemuBitmap;

static const vbJSONValue *
vbQemuBitmapFindNode(const vbJSONValue *nodes, const char *nodename)
{
    size_t i;

    for (i = 0; i < vbJSONValueArraySize(nodes); i++) {
        vbJSONValue *node = vbJSONValueArrayGet(nodes, i);

        if (g_strcmp0(vbJSONValueObjectGetString(node, "node-name"), nodename) == 0)
            return node;
    }
    return NULL;
}

/* Reads bitmap @name of @node; 1 found, 0 absent, -1 malformed. */
static int
vbQemuBitmapGet(const vbJSONValue *node, const char *name, vbQemuBitmap *bitmap)
{
    vbJSONValue *bitmaps;
    size_t i;

    memset(bitmap, 0, sizeof(*bitmap));
    if (!node || !(bitmaps = vbJSONValueObjectGetArray(node, "dirty-bitmaps")))
        return 0;
    for (i = 0; i < vbJSONValueArraySize(bitmaps); i++) {
        vbJSONValue *b = vbJSONValueArrayGet(bitmaps, i);
        const char *bname = vbJSONValueObjectGetString(b, "name");

        if (g_strcmp0(bname, name) != 0)
            continue;
        bitmap->name = bname;
        if (vbJSONValueObjectGetNumberUlong(b, "granularity", &bitmap->granularity) < 0 ||
            vbJSONValueObjectGetBoolean(b, "recording", &bitmap->recording) < 0 ||
            vbJSONValueObjectGetBoolean(b, "persistent", &bitmap->persistent) < 0) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("malformed bitmap '%s' in reply of 'query-named-block-nodes'"),
                          name);
            return -1;
        }
        /* 'inconsistent' is present only when true */
        if (vbJSONValueObjectHasKey(b, "inconsistent"))
            vbJSONValueObjectGetBoolean(b, "inconsistent", &bitmap->inconsistent);
        return 1;
    }
    return 0;
}

static gint
vbQemuBitmapNameCompare(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
vbQemuBitmapNames(const vbJSONValue *node)
{
    GPtrArray *names = g_ptr_array_new();
    vbJSONValue *bitmaps;
    size_t i;

    if (node && (bitmaps = vbJSONValueObjectGetArray(node, "dirty-bitmaps"))) {
        for (i = 0; i < vbJSONValueArraySize(bitmaps); i++) {
            const char *name = vbJSONValueObjectGetString(vbJSONValueArrayGet(bitmaps, i), "name");

            if (name)
                g_ptr_array_add(names, (gpointer) name);
        }
    }
    g_ptr_array_sort(names, vbQemuBitmapNameCompare);
    return names;
}

/* Valid when present from chain[0] downwards without a gap, and every copy
 * persistent, recording and consistent. */
static int
vbQemuBitmapChainIsValid(const vbJSONValue *nodes, const char *const *chain, const char *name,
                         bool *valid)
{
    bool ended = false;
    size_t i;

    *valid = false;
    for (i = 0; chain[i]; i++) {
        vbQemuBitmap b;
        int rc = vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, chain[i]), name, &b);

        if (rc < 0)
            return -1;
        if (rc == 0) {
            ended = true;
            continue;
        }
        if (ended || !b.persistent || !b.recording || b.inconsistent)
            return 0;
    }
    *valid = true;
    return 0;
}

static vbJSONValue *
vbQemuBitmapAction(const char *type, vbJSONValue **data)
{
    vbJSONValue *action = NULL;

    if (vbJSONValueObjectAdd(&action, "s:type", type, "o:data", data, NULL) < 0)
        return NULL;
    return action;
}

static int
vbQemuBitmapAppendAdd(vbJSONValue *actions, const char *node, const char *name,
                      unsigned long long granularity)
{
    g_autoptr(vbJSONValue) data = NULL;
    vbJSONValue *action;

    if (vbJSONValueObjectAdd(&data, "s:node", node, "s:name", name, "b:persistent", 1,
                             "b:disabled", 0, "U:granularity", granularity, NULL) < 0 ||
        !(action = vbQemuBitmapAction("block-dirty-bitmap-add", &data)))
        return -1;
    return vbJSONValueArrayAppend(actions, &action);
}

static int
vbQemuBitmapAppendMerge(vbJSONValue *actions, const char *node, const char *target,
                        vbJSONValue **sources)
{
    g_autoptr(vbJSONValue) data = NULL;
    vbJSONValue *action;

    if (vbJSONValueObjectAdd(&data, "s:node", node, "s:target", target, "a:bitmaps", sources,
                             NULL) < 0 ||
        !(action = vbQemuBitmapAction("block-dirty-bitmap-merge", &data)))
        return -1;
    return vbJSONValueArrayAppend(actions, &action);
}

static int
vbQemuBitmapAppendSource(vbJSONValue *sources, const char *node, const char *name)
{
    vbJSONValue *src = NULL;

    if (vbJSONValueObjectAdd(&src, "s:node", node, "s:name", name, NULL) < 0)
        return -1;
    return vbJSONValueArrayAppend(sources, &src);
}

static int
vbQemuBitmapCommitOne(const vbJSONValue *nodes, const char *const *chain, const char *base,
                      bool active, const char *name, vbJSONValue *actions)
{
    g_autoptr(vbJSONValue) sources = vbJSONValueNewArray();
    vbQemuBitmap top;
    vbQemuBitmap inBase;
    int rc;
    size_t i;

    if (vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, chain[0]), name, &top) < 0)
        return -1;
    if ((rc = vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, base), name, &inBase)) < 0)
        return -1;
    if (rc == 0 && vbQemuBitmapAppendAdd(actions, base, name, top.granularity) < 0)
        return -1;

    for (i = 0; chain[i] && strcmp(chain[i], base) != 0; i++) {
        vbQemuBitmap b;

        if ((rc = vbQemuBitmapGet(vbQemuBitmapFindNode(nodes, chain[i]), name, &b)) < 0)
            return -1;
        if (rc == 0)
            break;
        if (vbQemuBitmapAppendSource(sources, chain[i], name) < 0)
            return -1;
    }
    if (active &&
        vbQemuBitmapAppendSource(sources, base, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) < 0)
        return -1;
    return vbQemuBitmapAppendMerge(actions, base, name, &sources);
}

int
vbQemuBitmapCommitActions(const vbJSONValue *nodes, const char *const *chain, const char *base,
                          bool active, vbJSONValue **actions)
{
    g_autoptr(vbJSONValue) list = vbJSONValueNewArray();
    g_autoptr(GPtrArray) names = NULL;
    size_t i;

    *actions = NULL;
    if (vbJSONValueGetType(nodes) != VB_JSON_TYPE_ARRAY || !chain[0]) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      _("malformed reply of 'query-named-block-nodes'"));
        return -1;
    }

    names = vbQemuBitmapNames(vbQemuBitmapFindNode(nodes, chain[0]));
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        bool valid;

        /* Our own temporary bitmap is never carried over. */
        if (strcmp(name, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) == 0)
            continue;
        if (vbQemuBitmapChainIsValid(nodes, chain, name, &valid) < 0)
            return -1;
        if (!valid)
            continue;
        if (vbQemuBitmapCommitOne(nodes, chain, base, active, name, list) < 0)
            return -1;
    }

    if (active) {
        g_autoptr(vbJSONValue) data = NULL;
        vbJSONValue *action;

        if (vbJSONValueObjectAdd(&data, "s:node", base, "s:name",
                                 VB_BLOCK_TMP_ACTIVEWRITE_BITMAP, NULL) < 0 ||
            !(action = vbQemuBitmapAction("block-dirty-bitmap-remove", &data)) ||
            vbJSONValueArrayAppend(list, &action) < 0)
            return -1;
    }

    if (vbJSONValueArraySize(list) > 0)
        *actions = g_steal_pointer(&list);
    return 0;
}

int
vbQemuBitmapSnapshotActions(const vbJSONValue *nodes, const char *active, const char *overlay,
                            vbJSONValue **actions)
{
    g_autoptr(vbJSONValue) list = vbJSONValueNewArray();
    g_autoptr(GPtrArray) names = NULL;
    const vbJSONValue *node = vbQemuBitmapFindNode(nodes, active);
    size_t i;

    *actions = NULL;
    names = vbQemuBitmapNames(node);
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        vbQemuBitmap b;

        if (vbQemuBitmapGet(node, name, &b) < 0)
            return -1;
        if (!b.recording || b.inconsistent || strcmp(name, VB_BLOCK_TMP_ACTIVEWRITE_BITMAP) == 0)
            continue;
        if (vbQemuBitmapAppendAdd(list, overlay, name, b.granularity) < 0)
            return -1;
    }
    if (vbJSONValueArraySize(list) > 0)
        *actions = g_steal_pointer(&list);
    return 0;
}
