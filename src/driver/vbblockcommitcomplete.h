/*
 * vbblockcommitcomplete.h: what the end of a commit job means for the disk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdbool.h>

#include "vbinternal.h"
#include "vbblockjob.h"
#include "vbdriverconf.h"

/* Outcome handlers of commit jobs, one per type and outcome, in
 * vbblockcommitcomplete.c; vbBlockJobUpdate picks one by job->type.  A
 * failed intermediate commit leaves nothing to undo, so has none. */
void vbBlockCommitProcessCompletedIntermediate(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job);
void vbBlockCommitProcessCompletedActive(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job);
void vbBlockCommitProcessFailedActive(vbDriver *driver, vbDomainObj *vm, vbBlockJob *job);
/* Whether a commit job's data still resolves against the disk's chain. */
bool vbBlockCommitJobIsValid(vbDomainObj *vm, vbBlockJob *job);
