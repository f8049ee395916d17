/*
 * vbblockjobupdate.h: block jobs: the state QEMU reports, and what it
 * means for the disk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The monitor thread only records what QEMU said (newstate) and queues
 * the work; a worker holding a domain job applies it (vbBlockJobUpdate):
 * rewrites the chain and the definitions, deletes files, saves the
 * status, queues the client events, and finally removes the job.  An API
 * that must wait for the outcome waits on the domain's condition, without
 * holding the domain job.
 */

#pragma once

#include "vbinternal.h"
#include "vbblockjob.h"
#include "vbdriverconf.h"
#include "vbmonitorjob.h"

/* QEMU accepted the command: NEW -> RUNNING, status saved. */
void vbBlockJobStarted(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job);
/* QEMU refused it: drops a job still NEW, status saved. */
void vbBlockJobStartupFinalize(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job);

/* Monitor thread: JOB_STATUS_CHANGE for job @id; records newstate, wakes
 * waiters, queues the update.  Caller holds vm->lock. */
void vbBlockJobHandleStatusChange(vbDriver *driver, vbDomainObj *vm, const char *id,
                                  vbMonitorJobStatus status);

/* Worker (VB_DOMAIN_WORK_BLOCK_JOB_UPDATE): takes vm->lock and a MODIFY
 * job, however long it waits, and applies the newstate recorded. */
void vbBlockJobHandleUpdate(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job);

/* Applies newstate.  Caller holds a MODIFY job on @vm (and vm->lock). */
void vbBlockJobUpdate(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job);

/* After a daemon restart: matches the jobs of the status file with
 * query-jobs and finishes what concluded meanwhile. Caller holds a job. */
int vbBlockJobRefreshJobs(vbDriver *driver, vbDomainObj *vm);

/* QEMU went away: every job ends FAILED (events queued), chains unchanged. */
void vbBlockJobAbandonAll(vbDriver *driver, vbDomainObj *vm, const char *reason);
