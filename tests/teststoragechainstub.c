/*
 * teststoragechainstub.c: stand-in for the chain indexing while
 * vbStorageChainAssignIndexes() is written on another branch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "teststoragechainstub.h"

void
testStorageChainAssignIndexes(vbStorageSource *top, unsigned int *nextIndex)
{
    vbStorageSource *n;

    for (n = top; n && n->type != VB_STORAGE_TYPE_NONE; n = n->backingStore) {
        n->id = (*nextIndex)++;
        g_free(n->nodeFormat);
        g_free(n->nodeStorage);
        n->nodeFormat = g_strdup_printf("libvirt-%u-format", n->id);
        n->nodeStorage = g_strdup_printf("libvirt-%u-storage", n->id);
    }
}
