/*
 * vbdomainnet.h: a running domain's network interfaces: virsh domifstat
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One entry point per libvirt call, as in vbdomainops.h.
 */

#pragma once

#include <libvirt/libvirt.h>

#include "vbdomainhandle.h"
#include "vbdriverconf.h"

/* virDomainInterfaceStats: the counters of the interface @device (its MAC
 * address or its tap's name) of a running domain, as the guest sees
 * them; -1 for a counter not known.  0, or -1 with libvirt's error. */
int vbDomainInterfaceStats(vbDriver *driver, const vbDomainHandle *dom, const char *device,
                           virDomainInterfaceStatsStruct *stats);
