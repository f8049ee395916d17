/*
 * vbblockoffline.h: block jobs on the images of a shut-off domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt refuses block commit on a domain that does not run, and its
 * users fall back to qemu-img and XML surgery.  virtblockd opens the
 * domain's chains in a qemu-storage-daemon instead and runs the very same
 * job: node names, QMP commands, events, status file and job machine are
 * those of a running domain.  While it runs, the domain object holds the
 * storage daemon where a running domain holds QEMU (vm->pid, vm->mon,
 * vm->monitorPath), vm->def is a live copy of the persistent definition
 * with probed chains and node names, and vm->newDef the persistent one;
 * the domain itself stays shut off (vm->id is -1).  Starting or undefining
 * the domain is refused meanwhile.  The storage daemon quits once its last
 * job has ended, and the persistent definition shows the new chain.
 */

#pragma once

#include "vbdriverconf.h"

/* Makes vm->def a live copy with probed chains and node names, keeping the
 * persistent definition in vm->newDef.  Nothing is started yet.  No-op
 * when a storage daemon already serves the domain. */
int vbBlockOfflinePrepare(vbDriver *driver, vbDomainObj *vm);

/* Starts the storage daemon on the prepared chains unless it runs. */
int vbBlockOfflineStart(vbDriver *driver, vbDomainObj *vm);

/* Undoes vbBlockOfflinePrepare/Start when no job was started: the storage
 * daemon quits and the persistent definition is vm->def again. */
void vbBlockOfflineAbort(vbDriver *driver, vbDomainObj *vm);

/* Stops the storage daemon once no job is left.  Start, undefine and
 * snapshot call it too: the work that stops it may not have run yet. */
void vbBlockOfflineStopIfIdle(vbDriver *driver, vbDomainObj *vm);

/* Worker (VB_DOMAIN_WORK_BLOCK_JOBS_ENDED, queued when a job of a shut-off
 * domain ends and none is left): takes vm->lock and a MODIFY job, then
 * vbBlockOfflineStopIfIdle. */
void vbBlockOfflineHandleJobsEnded(vbDriver *driver, vbDomainObj *vm);
