/*
 * testdomainxmlstub.h: stand-ins for the domain XML parser and the chain
 * indexing while those are written on other branches
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reads just the part of libvirt's domain XML that the command line tests
 * use, with no checks beyond what the tests need.  To be replaced by
 * vbDomainDefParseFile() and vbStorageChainAssignIndexes() once they land.
 */

#pragma once

#include "vbdomainconf.h"

/* Own names for the types, so that g_autoptr() uses the stand-in's free
 * functions rather than the real ones, not linked yet. */
typedef vbDomainDef testDomainDef;
typedef vbDomainDiskDef testDomainDiskDef;

testDomainDef *testDomainDefParseFile(const char *path);
void testDomainDefFree(testDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testDomainDef, testDomainDefFree);
void testDomainDiskDefFree(testDomainDiskDef *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testDomainDiskDef, testDomainDiskDefFree);

/* Gives every image of the chain under @top an id from *@nextIndex on,
 * top first, and its node names. */
void testStorageChainAssignIndexes(vbStorageSource *top, unsigned int *nextIndex);
