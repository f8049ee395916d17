/*
 * vbdomainnet.h: a running domain's network interfaces: virsh domifstat,
 * domifaddr
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

/* An interface and its addresses, as libvirt's virDomainInterface */
typedef struct _vbDomainIfaceAddrs vbDomainIfaceAddrs;
struct _vbDomainIfaceAddrs {
    char *name;   /* the host's device (the tap) */
    char *hwaddr; /* the guest's MAC address */
    virDomainIPAddress *addrs;
    size_t naddrs;
};
void vbDomainIfaceAddrsFree(vbDomainIfaceAddrs *iface);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainIfaceAddrs, vbDomainIfaceAddrsFree);

/* virDomainInterfaceAddresses: the addresses of a running domain's
 * interfaces from @source (virDomainInterfaceAddressesSource); sets
 * *@ifaces to a new array of vbDomainIfaceAddrs * (freeing them).
 * 0, or -1 with libvirt's error. */
int vbDomainInterfaceAddresses(vbDriver *driver, const vbDomainHandle *dom, unsigned int source,
                               unsigned int flags, GPtrArray **ifaces);
