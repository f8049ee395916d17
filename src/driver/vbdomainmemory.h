/*
 * vbdomainmemory.h: a domain's memory through its balloon: virsh setmem,
 * setmaxmem, dommemstat
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One entry point per libvirt call, as in vbdomainops.h.  Sizes are KiB.
 */

#pragma once

#include <libvirt/libvirt.h>

#include "vbdomainhandle.h"
#include "vbdriverconf.h"

/* virDomainSetMemoryFlags (and virDomainSetMemory, virDomainSetMaxMemory):
 * @flags VIR_DOMAIN_AFFECT_LIVE/CONFIG, VIR_DOMAIN_MEM_MAXIMUM.  Live, the
 * balloon is asked for @memory; the live <currentMemory> follows QEMU's
 * BALLOON_CHANGE events. */
int vbDomainSetMemoryFlags(vbDriver *driver, const vbDomainHandle *dom, unsigned long long memory,
                           unsigned int flags);

/* virDomainSetMemoryStatsPeriod: how often (seconds) the guest reports its
 * memory statistics through the balloon; 0 stops it. */
int vbDomainSetMemoryStatsPeriod(vbDriver *driver, const vbDomainHandle *dom, int period,
                                 unsigned int flags);

/* virDomainMemoryStats: fills at most @nr entries of @stats, in libvirt's
 * order (the balloon's size, the guest's statistics, QEMU's RSS); returns
 * how many, or -1 with an error. */
int vbDomainMemoryStats(vbDriver *driver, const vbDomainHandle *dom,
                        virDomainMemoryStatStruct *stats, unsigned int nr, unsigned int flags);
