/*
 * vbdomainstatus.h: the status file of a running domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything a restarted daemon needs to take a running QEMU back: pid,
 * monitor, state, the node index counter, the live definition with node
 * names, and the block jobs with their phase.  Written atomically after
 * every transition, so a crash at any point leaves either the old or the
 * new state on disk, and both are consistent with QEMU's job list.
 */

#pragma once

#include "vbdomainobj.h"

char *vbDomainStatusFormat(vbDomainObj *vm);

/* Fills an inactive @vm from a status document (the def, pid, monitor path,
 * state, jobs).  @vm must be fresh (no def). */
int vbDomainStatusParse(vbDomainObj *vm, const char *xml);
