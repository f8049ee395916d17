/*
 * vbsnapshotrevert.h: revert to an external (disk-only) snapshot
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virDomainRevertToSnapshot, which libvirt 9.0 refuses for external
 * snapshots ("revert to external snapshot not supported yet"), done as
 * newer libvirt does it (qemuSnapshotRevertExternal*, 9.9 and later): each
 * disk the snapshot covers gets a fresh overlay on the image the snapshot
 * was taken of, the definition becomes the snapshot's (<inactiveDomain>,
 * else <domain>) with the disks on those overlays, and the snapshot
 * becomes current, its new overlays recorded as its <revertDisks>.  A
 * snapshot without memory state leaves the domain shut off unless RUNNING
 * or PAUSED asks for a fresh start.  Unlike libvirt, nothing is deleted:
 * the overlays of the branch left behind stay, as the metadata names them.
 *
 * A daemon killed meanwhile finds the intent written first
 * (<snapshotDir>/.revert) at its next start and either completes the
 * revert (the definition names the new overlays, or the QEMU of a memory
 * revert, found alive, has loaded the state on them: the guest stays
 * paused) or removes the new overlays (it did not happen; a QEMU that
 * had not finished loading is stopped first).
 */

#pragma once

#include "vbdomainhandle.h"
#include "vbdomainobj.h"
#include "vbdriverconf.h"

/**
 * vbDomainSnapshotRevert:
 * @name: the snapshot
 * @flags: VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING, _PAUSED, _FORCE, _RESET_NVRAM
 *
 * Returns 0, or -1 with the error reported.  A refusal changes nothing; a
 * failure once a running domain was stopped leaves it shut off, with the
 * definition and disks as before (as libvirt: "several transitions occur
 * even if we fail partway through").
 */
int vbDomainSnapshotRevert(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                           unsigned int flags);

/* At daemon start, after the snapshots of @vm (locked) were loaded and its
 * QEMU, if any, reconnected: a revert interrupted by the daemon's death
 * is completed or undone. */
void vbDomainSnapshotRevertRecover(vbDriver *driver, vbDomainObj *vm);
