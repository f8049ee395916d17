/*
 * vbsnapshotrevertbitmap.h: the dirty bitmaps of a revert's new overlays
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A revert puts a new overlay N on the image B a snapshot was taken of.
 * For the bitmaps of B to stay a valid bitmap chain (design-notes.md,
 * section 4), N gets, before any QEMU opens it, a recording persistent
 * bitmap of the same name and granularity for each bitmap whose chain from
 * B down is valid, as a snapshot's overlay would.  The revert also changes
 * data back: every block the abandoned branch (the images of the chain
 * left behind, above the image it shares with B's chain) wrote.  Those
 * blocks are marked in N's bitmap by merging in the same-named bitmap of
 * each abandoned image, so that a backup made from the bitmap copies them
 * again: a larger next backup, never a stale block, whatever checkpoint
 * the backup tool took on the abandoned branch, as long as its bitmaps
 * are libvirt-style ones that are never cleared (blocks a tool cleared
 * from an abandoned copy are in no bitmap to merge).  A bitmap some
 * abandoned image has no usable copy of (the writes there were recorded
 * nowhere) is not carried: a backup tool finds no bitmap on N and backs
 * up in full.  So is one that cannot be merged: an abandoned image of
 * another virtual size (resized since the snapshot), or one qemu-img
 * cannot read or merge from; leaving a bitmap off is always safe, so none
 * of these fails the revert.  A bitmap left off stays recording in B,
 * which never sees N's writes: committing N into B later disables B's
 * copy (vbQemuBitmapCommitActions), so that it never heads a valid chain
 * again.  Bitmaps present only on the abandoned branch are not carried
 * either: they began after the snapshot, on a state the revert leaves.
 * The work is done offline with qemu-img, as nothing runs on these images
 * meanwhile.
 */

#pragma once

#include "vbdomainobj.h"
#include "vbdriverconf.h"
#include "vbsnapshot.h"
#include "vbsnapshotconf.h"

typedef struct _vbSnapshotRevertBitmaps vbSnapshotRevertBitmaps;
void vbSnapshotRevertBitmapsFree(vbSnapshotRevertBitmaps *bitmaps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbSnapshotRevertBitmaps, vbSnapshotRevertBitmapsFree);

/* Before anything changes (@vm locked): for each external disk of @tmpdef,
 * the chain of the image @newdef's disk names and the images of @vm's
 * current chain of that disk the revert leaves.  A current chain that
 * cannot be read, or shares no image with the snapshot's, leaves that
 * disk's bitmaps behind (logged).  NULL with the error reported when the
 * snapshot's chain cannot be read. */
vbSnapshotRevertBitmaps *vbSnapshotRevertBitmapsPrepare(vbDomainObj *vm,
                                                        const vbSnapshotDef *tmpdef,
                                                        const vbDomainDef *newdef);

/* Before the domain is stopped (@vm locked and in a job; unlocked while
 * qemu-img runs): reads the bitmaps of each snapshot's chain, and for a
 * domain that does not run also those of the images the revert leaves,
 * so that what can fail does so before anything changes.  Images the
 * running QEMU holds are read by vbSnapshotRevertBitmapsApply.  0, or -1
 * with the error reported. */
int vbSnapshotRevertBitmapsRead(vbDriver *driver, vbDomainObj *vm,
                                vbSnapshotRevertBitmaps *bitmaps);

/* Once @overlays exist, before any QEMU opens them and with no QEMU on the
 * old chain (@vm locked and in a job; unlocked while qemu-img runs): the
 * bitmaps given to each overlay, through the descriptor it was created
 * with.  An image of the branch the revert leaves that cannot be read or
 * merged, or has another virtual size, only leaves bitmaps off (logged).
 * 0, or -1 with the error reported (the caller discards the overlays, as
 * for any failure of the revert). */
int vbSnapshotRevertBitmapsApply(vbDriver *driver, vbDomainObj *vm,
                                 vbSnapshotRevertBitmaps *bitmaps,
                                 const vbSnapshotOverlays *overlays);
