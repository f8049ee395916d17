/*
 * vbstoragesource.c: one image of a disk's backing chain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vbstoragesource.h"

VB_ENUM_IMPL(vbStorageType, VB_STORAGE_TYPE_LAST, "none", "file", "block");

VB_ENUM_IMPL(vbStorageFormat, VB_STORAGE_FORMAT_LAST, "none", "raw", "qcow2");

vbStorageSource *
vbStorageSourceNew(void)
{
    return g_new0(vbStorageSource, 1);
}

vbStorageSource *
vbStorageSourceNewTerminator(void)
{
    vbStorageSource *src = vbStorageSourceNew();

    src->type = VB_STORAGE_TYPE_NONE;
    return src;
}

void
vbStorageSourceFree(vbStorageSource *src)
{
    /* Iterative, so that a 1000-layer chain does not recurse 1000 deep. */
    while (src) {
        vbStorageSource *next = src->backingStore;

        g_free(src->path);
        g_free(src->relPath);
        g_free(src->nodeFormat);
        g_free(src->nodeStorage);
        g_free(src);
        src = next;
    }
}

static vbStorageSource *
vbStorageSourceCopyOne(const vbStorageSource *src)
{
    vbStorageSource *copy = vbStorageSourceNew();

    copy->type = src->type;
    copy->format = src->format;
    copy->path = g_strdup(src->path);
    copy->relPath = g_strdup(src->relPath);
    copy->id = src->id;
    copy->readonly = src->readonly;
    copy->shareable = src->shareable;
    copy->nodeFormat = g_strdup(src->nodeFormat);
    copy->nodeStorage = g_strdup(src->nodeStorage);
    copy->detected = src->detected;
    copy->capacity = src->capacity;
    return copy;
}

vbStorageSource *
vbStorageSourceCopy(const vbStorageSource *src, bool backingChain)
{
    vbStorageSource *head;
    vbStorageSource *tail;

    if (!src)
        return NULL;
    head = tail = vbStorageSourceCopyOne(src);
    if (!backingChain)
        return head;
    for (src = src->backingStore; src; src = src->backingStore) {
        tail->backingStore = vbStorageSourceCopyOne(src);
        tail = tail->backingStore;
    }
    return head;
}

vbStorageSource *
vbStorageSourceCopyForConfig(const vbStorageSource *src)
{
    vbStorageSource *copy = vbStorageSourceCopy(src, true);
    vbStorageSource *n;

    for (n = copy; n; n = n->backingStore) {
        g_clear_pointer(&n->nodeFormat, g_free);
        g_clear_pointer(&n->nodeStorage, g_free);
        g_clear_pointer(&n->relPath, g_free);
        n->id = 0;
        n->detected = false;
        if (n->backingStore && n->backingStore->detected) {
            g_clear_pointer(&n->backingStore, vbStorageSourceFree);
            break;
        }
    }
    return copy;
}

bool
vbStorageSourceHasBacking(const vbStorageSource *src)
{
    return src && src->backingStore && src->backingStore->type != VB_STORAGE_TYPE_NONE;
}

bool
vbStorageSourceIsEmpty(const vbStorageSource *src)
{
    return !src || src->type == VB_STORAGE_TYPE_NONE || !src->path;
}

bool
vbStorageSourceIsSameLocation(const vbStorageSource *a, const vbStorageSource *b)
{
    if (!a || !b)
        return false;
    if (a->type != b->type)
        return false;
    return g_strcmp0(a->path, b->path) == 0;
}
