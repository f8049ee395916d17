/*
 * vbsnapshotdeleterecover.h: a snapshot delete interrupted by the daemon's
 * death, finished or undone at the next start
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Before the first commit of a delete starts, an intent beside the
 * snapshot metadata names the snapshot, each disk with its overlay and
 * base (paths, device and inode) and the job that commits it.  It goes
 * once the metadata is rewritten.  At the next start, after the domains
 * are reconnected (their block jobs read back from QEMU or the storage
 * daemon), each intent left is resolved by the domain's worker: while
 * the delete's commits go on (or some disk switched already) they are
 * driven to their end with the delete's own all-or-none steps and the
 * metadata is rewritten as the delete would have; when no disk switched
 * and some commit cannot go on, the others are cancelled and the
 * snapshot stays, marked so that no revert trusts its bases.
 */

#pragma once

#include "vbdomainobj.h"
#include "vbdriverconf.h"
#include "vbstoragesource.h"

typedef struct _vbSnapshotDeleteIntent vbSnapshotDeleteIntent;

/* @running: the domain runs (else its commit runs in a storage daemon) */
vbSnapshotDeleteIntent *vbSnapshotDeleteIntentNew(const char *snapshot, bool running);
void vbSnapshotDeleteIntentFree(vbSnapshotDeleteIntent *intent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbSnapshotDeleteIntent, vbSnapshotDeleteIntentFree);

/* One disk committed by the delete: @overlay (its node name set) merged
 * into @base.  0, or -1 with the error when a file cannot be looked at. */
int vbSnapshotDeleteIntentAddDisk(vbSnapshotDeleteIntent *intent, const char *target,
                                  const vbStorageSource *overlay, const vbStorageSource *base);

/* Writes the intent of @vm (locked, in a job) durably.  0 or -1. */
int vbSnapshotDeleteIntentWrite(vbDriver *driver, vbDomainObj *vm,
                                const vbSnapshotDeleteIntent *intent);

/* The delete is over (done, or failed with nothing switched) */
void vbSnapshotDeleteIntentRemove(vbDomainObj *vm);

/* A test hook: the daemon kills itself at @step ("commit", "pivot",
 * "finalize" between two disks' job-finalize, "metadata") when
 * VIRTBLOCKD_TEST_DELETE_KILL_AT names it, as a crash there would. */
void vbSnapshotDeleteTestKill(const char *step);

/* Whether @vm (locked) has the intent of an interrupted delete */
bool vbSnapshotDeleteIntentExists(vbDomainObj *vm);

/* Whether @vm (locked) has an intent the daemon can read: a delete in
 * progress, or one the recovery could not resolve, whose metadata may
 * name images it removed.  (One that cannot be read is left alone and
 * replaced by the next delete.) */
bool vbSnapshotDeleteIntentUnresolved(vbDomainObj *vm);

/* At daemon start, before it listens, with the jobs of @vm (locked) read
 * back: the jobs the intent of @vm names (same disk, same top node) are
 * the delete's (deleting, deleteInterrupted), so that no client pivots
 * or aborts one alone before the recovery runs. */
void vbSnapshotDeleteClaimJobs(vbDomainObj *vm);

/* Worker (VB_DOMAIN_WORK_SNAPSHOT_DELETE_RECOVER, queued at daemon start
 * after the reconnect): resolves the intent of @vm if there is one,
 * holding a MODIFY job throughout, so that the domain's callers wait for
 * it while other domains answer.  Takes vm->lock itself.  Failures are
 * logged; an intent that cannot be resolved yet stays for the next
 * start. */
void vbDomainSnapshotDeleteRecover(vbDriver *driver, vbDomainObj *vm);
