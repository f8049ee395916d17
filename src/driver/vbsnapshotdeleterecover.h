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
 * daemon), each intent left is resolved: when no disk has switched yet
 * the delete's jobs are cancelled and the snapshot stays; when any has,
 * the remaining jobs are driven to their end (a READY active commit
 * pivoted) and the metadata is rewritten as the delete would have.
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
 * "metadata") when VIRTBLOCKD_TEST_DELETE_KILL_AT names it, as a crash
 * there would. */
void vbSnapshotDeleteTestKill(const char *step);

/* At daemon start, after the reconnect: resolves the intent of @vm
 * (locked, no job held) if there is one.  Failures are logged; an intent
 * that cannot be resolved yet stays for the next start. */
void vbDomainSnapshotDeleteRecover(vbDriver *driver, vbDomainObj *vm);
