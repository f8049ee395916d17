/*
 * vbstoragechain.h: backing chains: probing, lookup, relative names
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Security, as libvirt does it: the format of a backing image is never
 * guessed.  When an overlay records the backing format, that is the format.
 * When it does not, the backing image is taken as raw, and refused if it
 * carries a qcow2 header (reading such an image as raw would show the guest
 * the metadata; reading a raw image as qcow2 would let a guest that wrote a
 * fake header point us at any file of the host).
 */

#pragma once

#include <stdbool.h>

#include "vbstoragesource.h"

/* Chains deeper than this are refused. */
#define VB_STORAGE_CHAIN_MAX_DEPTH 200

/**
 * vbStorageChainProbe:
 * Fills every unknown backing link (backingStore == NULL) of the chain
 * below @top from the image headers; links the definition gives stay.  A
 * relative backing name resolves against the directory of the image that
 * names it, and is kept as written in relPath.  Refuses missing files,
 * loops, images we cannot read safely, and chains deeper than @maxDepth,
 * naming the file.  Probed elements are marked detected.
 */
int vbStorageChainProbe(vbStorageSource *top, unsigned int maxDepth);

/**
 * vbStorageChainLookup:
 * Finds the image called @name in the chain @chain: NULL means the bottom
 * image; "TARGET[N]" the image with index N; anything else a path, matched
 * against the absolute path, the name as the overlay writes it, or (for
 * local files) what it points to.  With @startFrom, only images strictly
 * below it are searched.  @parent (optional) receives the image above the
 * result (NULL for the top).  Errors are libvirt's, naming @target.
 */
vbStorageSource *vbStorageChainLookup(vbStorageSource *chain, vbStorageSource *startFrom,
                                      const char *name, const char *target,
                                      vbStorageSource **parent);

/* The element whose format node is @nodename, and its parent; NULL when
 * absent (reporting nothing). */
vbStorageSource *vbStorageChainFindByNodeName(vbStorageSource *chain, const char *nodename,
                                              vbStorageSource **parent);

/**
 * vbStorageChainGetRelativeBackingPath:
 * The name by which the overlay of @top can reach @base keeping every link
 * relative, joined from the relative names between them.  Returns 0 with
 * *@relpath NULL when some link is absolute (or unknown), -1 with an error
 * when @base is not below @top.
 */
int vbStorageChainGetRelativeBackingPath(vbStorageSource *top, vbStorageSource *base,
                                         char **relpath);

/* Gives every element without one an index from @nextIndex (top first, as
 * libvirt numbers them) and node names "libvirt-N-format"/"-storage". */
void vbStorageChainAssignIndexes(vbStorageSource *top, unsigned int *nextIndex);
