/*
 * vbqemubitmap.h: which dirty bitmaps a commit must carry into base
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure functions of QEMU's query-named-block-nodes answer (an array of
 * vbMonitorBlockNodeInfo), so that the actions for a given chain can be
 * pinned by golden tests.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"
#include "vbmonitorblock.h"

/* Transient bitmap added on base at pivot time; guest writes between
 * job-complete and the merge land in it. */
#define VB_BLOCK_TMP_ACTIVEWRITE_BITMAP "libvirt-tmp-activewrite"

/**
 * vbQemuBitmapCommitActions:
 * @nodes: vbMonitorBlockNodeInfo of query-named-block-nodes (flat)
 * @chain: format node names of the disk's chain from the commit's top down
 *         to the bottom of the chain, NULL-terminated
 * @base: the commit's base node (one of @chain, below its first element)
 * @active: an active commit (adds the temporary bitmap as a source and
 *          removes it at the end)
 * @actions: set to a JSON array of `transaction` actions, or NULL when
 *           there is nothing to do
 *
 * For every bitmap of the top image whose chain is valid (present from top
 * downwards without a gap, every copy persistent, recording and
 * consistent): add it to base when missing (persistent, recording, same
 * granularity), then merge into base's copy the same-named bitmap of every
 * image from top down to, not including, base.  Invalid chains are skipped.
 * A recording bitmap of base with no valid chain from top (so missing the
 * writes the commit brings into base) is disabled, so that it does not
 * look like a valid history once the images above base are gone.
 * Bitmaps are handled in name order.  Returns 0, or -1 on a builder error.
 */
int vbQemuBitmapCommitActions(GPtrArray *nodes, const char *const *chain, const char *base,
                              bool active, vbJSONValue **actions);

/**
 * vbQemuBitmapSnapshotActions:
 * For a new overlay @overlay on top of @active: one recording, persistent
 * bitmap of the same name and granularity for every bitmap of @active that
 * is persistent, recording and consistent.  @actions as above.
 */
int vbQemuBitmapSnapshotActions(GPtrArray *nodes, const char *active, const char *overlay,
                                vbJSONValue **actions);
/* The bitmaps of @node (borrowed, name order) a new overlay on it gets, as
 * vbQemuBitmapSnapshotActions adds them: for a shut-off snapshot, whose
 * overlay qemu-img changes. */
GPtrArray *vbQemuBitmapSnapshotCarried(const vbMonitorBlockNodeInfo *node);

/**
 * vbQemuBitmapRevertPlan:
 * @nodes: the images' nodes (vbMonitorBlockNodeInfo), named as below
 * @chain: the snapshot's image, which the revert's new overlay goes on,
 *         and the images below it, top down, NULL-terminated
 * @abandoned: the images of the branch the revert leaves, its top first,
 *             down to but not including the image of @chain it was made
 *             on, NULL-terminated (empty when the revert leaves none)
 * @carry: set to the bitmaps (borrowed from @nodes, name order) the new
 *         overlay gets, recording, persistent, same granularity, with the
 *         same-named bitmap of every image of @abandoned merged in: each
 *         bitmap of @chain[0] whose chain down from it is valid (see
 *         vbQemuBitmapCommitActions) and of which every abandoned image
 *         has a persistent, recording, consistent copy, on an image
 *         of the same virtual size as @chain[0]
 * @dropped: set to the names (borrowed) of the bitmaps with a valid chain
 *           that an abandoned image has no such copy of (the writes the
 *           revert undoes there were recorded nowhere), or all of them
 *           when an abandoned image's virtual size differs from
 *           @chain[0]'s (its bitmaps cannot be merged): the bitmap cannot
 *           say what changed and is not carried on.  An abandoned image
 *           missing from @nodes counts as one without bitmaps
 *
 * Bitmaps only in @abandoned are never carried: their history began
 * after the snapshot, in a state the revert leaves.
 */
void vbQemuBitmapRevertPlan(GPtrArray *nodes, const char *const *chain,
                            const char *const *abandoned, GPtrArray **carry, GPtrArray **dropped);
