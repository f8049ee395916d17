/*
 * vbstoragechain.h: a disk's backing chain: probing, lookup, indexes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A chain is a list of vbStorageSource linked by backingStore, the active
 * image first.  It ends with NULL (the rest is not known yet) or with a
 * terminator of type NONE (the last image has no backing file).
 *
 * Formats are never guessed from content, as in libvirt 9.0
 * (virStorageSourceGetMetadata):
 *   - an image whose format is not stated (the top, or an element given in
 *     the XML) is treated as raw; a raw image has no backing file;
 *   - a backing image takes the format its overlay records in the backing
 *     format extension;
 *   - when the overlay records no backing format, the backing image is looked
 *     at only to tell qcow2 from raw; if it turns out to be qcow2 with a
 *     backing file of its own, the chain is refused (OPERATION_INVALID,
 *     libvirt's "format of backing image '%s' of image '%s' was not specified
 *     in the image metadata ..." message).  So a guest that writes a qcow2
 *     header into its raw disk can never make the daemon open a file the
 *     guest named.  Anything without the qcow2 magic is raw.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbstoragesource.h"

/* As libvirt: chains deeper than this are refused */
#define VB_STORAGE_CHAIN_MAX_DEPTH 200

/* How many bytes of each image the probe reads */
#define VB_STORAGE_CHAIN_HEADER_MAX (64 * 1024)

/**
 * vbStorageChainProbe:
 * @top: the disk's active image; its path must be absolute
 * @maxDepth: most images the chain may have, @top included; callers pass
 *            VB_STORAGE_CHAIN_MAX_DEPTH (only the benchmark lifts it)
 *
 * Completes the chain below the last element already known (from the XML's
 * <backingStore>) by reading image headers: each new element gets its path
 * (a relative backing name resolved against the directory of the image
 * naming it, not canonicalised, as QEMU and libvirt do), relPath (the name as
 * written), type (FILE or BLOCK, from stat), format, capacity, readonly and
 * detected.  The last image gets a terminator (not marked detected: it is
 * kept when a definition is derived from the chain, see
 * vbStorageSourceCopyForConfig()).  A chain already ending with a
 * terminator (an empty <backingStore/>) is not probed at all.  Files are
 * opened O_RDONLY and never written.
 *
 * Refused, each naming the file: a missing or unreadable image (libvirt's
 * "Cannot access ..." system errors), a loop (same device and inode met
 * twice), more than @maxDepth images, a network or "json:" backing name, an
 * unsupported backing format, and whatever vbQcow2HeaderParse() refuses.
 *
 * Returns 0, or -1 with the error reported; on failure nothing new is
 * attached (the last known element may have had its format defaulted to raw
 * and its capacity filled).
 */
int vbStorageChainProbe(vbStorageSource *top, unsigned int maxDepth);

/**
 * vbStorageChainProbePartial:
 *
 * vbStorageChainProbe(), except that on failure the images found before
 * the one that failed stay attached (the chain then ends with NULL: the
 * rest is not known).  For callers that must know every file a chain
 * reaches, such as the in-use check before DELETE removes images; the
 * error is reported as by vbStorageChainProbe().
 */
int vbStorageChainProbePartial(vbStorageSource *top, unsigned int maxDepth);

/**
 * vbStorageChainLookup:
 * @chain: the disk's active image
 * @startFrom: if not NULL, search strictly below this element (base lookup)
 * @name: NULL for the last image; "vda[N]" for the element with id N; or a
 *        path: the absolute path, the backing name as written (relPath), or
 *        any name that stat()s to the same file, a relative one taken from
 *        the directory of the element's parent (the daemon's working
 *        directory for the top image, as in libvirt)
 * @diskTarget: the disk's target ("vda"); used in messages and to check the
 *              prefix of "vda[N]"
 * @parent: if not NULL, set to the image above the result (NULL for @chain),
 *          or to @startFrom when the result is right below it
 *
 * libvirt's virStorageSourceChainLookup, quirks included: "vda[0]",
 * "vda[-1]" and "vda[1][1]" are plain names that match no image; "sdb[1]"
 * with target "vda" is an error.  Errors are INVALID_ARG with libvirt's text.
 *
 * Returns the element (owned by the chain) or NULL with the error reported.
 */
vbStorageSource *vbStorageChainLookup(vbStorageSource *chain, vbStorageSource *startFrom,
                                      const char *name, const char *diskTarget,
                                      vbStorageSource **parent);

/**
 * vbStorageChainGetRelativeBackingPath:
 * @top: the topmost image leaving the chain in a commit
 * @base: the image it is committed into, at or below @top
 * @relpath: set to the name of @base relative to the directory of the image
 *           above @top: dirname + relPath joined from @top down to @base
 *
 * Returns 0 with *@relpath set; 1 with *@relpath NULL when some image from
 * @top to @base was named by an absolute path (or is not known by name), so
 * the chain is not relative (the caller reports OPERATION_INVALID "can't keep
 * relative backing relationship"); -1 with an error if @base is not in the
 * chain below @top.
 */
int vbStorageChainGetRelativeBackingPath(vbStorageSource *top, vbStorageSource *base,
                                         char **relpath);

/**
 * vbStorageChainAssignIndexes:
 * @top: the disk's active image
 * @nodenameIndex: the domain's counter, the last index handed out (libvirt's
 *                 nodenameindex in the status XML)
 *
 * Gives every image without an id (0) the next index (++*@nodenameIndex),
 * top first, and every image without node names "libvirt-N-format" and
 * "libvirt-N-storage".  The counter is first raised to the highest id already
 * in the chain, so a new index never repeats one in use.  Terminators get
 * nothing.
 */
void vbStorageChainAssignIndexes(vbStorageSource *top, unsigned int *nodenameIndex);

/* The image whose format or storage node is @nodeName; NULL if none. */
vbStorageSource *vbStorageChainFindByNodeName(vbStorageSource *top, const char *nodeName);

/* The image whose backingStore is @elem; NULL when @elem is @top or not in
 * the chain (tell them apart with vbStorageChainContains). */
vbStorageSource *vbStorageChainGetParent(vbStorageSource *top, const vbStorageSource *elem);

/* true if @elem is one of the images from @top down (terminators excluded) */
bool vbStorageChainContains(const vbStorageSource *top, const vbStorageSource *elem);

/* Number of images from @top down, terminators excluded */
size_t vbStorageChainLength(const vbStorageSource *top);

/* true if @src is an image (not NULL, not a terminator) */
bool vbStorageChainIsImage(const vbStorageSource *src);
