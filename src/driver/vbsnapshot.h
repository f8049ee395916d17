/*
 * vbsnapshot.h: disk-only external snapshots
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virDomainSnapshotCreateXML with DISK_ONLY and NO_METADATA, as
 * `virsh snapshot-create-as vm --disk-only --atomic --no-metadata` sends it:
 * every selected disk gets a new qcow2 overlay on top of its active image.
 * A running domain switches all disks in one QMP transaction, carrying the
 * recording dirty bitmaps into the overlays; a shut-off one has its
 * persistent definition pointed at the overlays.  Either every disk
 * changes or none does: on failure the nodes added are removed and the
 * files created are deleted.  No snapshot metadata is kept, so list,
 * current and delete have nothing to work on; a request with metadata is
 * refused.
 */

#pragma once

#include "vbdomainhandle.h"
#include "vbdriverconf.h"

/**
 * vbDomainSnapshotCreateXML:
 * @xml: the snapshot document (vbsnapshotconf.h)
 * @flags: VIR_DOMAIN_SNAPSHOT_CREATE_*; DISK_ONLY and NO_METADATA are
 *         required, ATOMIC and REUSE_EXT accepted
 * @name: set to the snapshot's name (g_free it)
 *
 * Returns 0, or -1 with the error reported and nothing changed.
 */
int vbDomainSnapshotCreateXML(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                              unsigned int flags, char **name);
