/*
 * teststoragechainstub.h: stand-in for the chain indexing while
 * vbStorageChainAssignIndexes() is written on another branch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbstoragesource.h"

/* Gives every image of the chain under @top an id from *@nextIndex on,
 * top first, and its node names "libvirt-N-format"/"libvirt-N-storage". */
void testStorageChainAssignIndexes(vbStorageSource *top, unsigned int *nextIndex);
