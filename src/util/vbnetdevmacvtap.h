/*
 * vbnetdevmacvtap.h: macvtap devices on a host NIC
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What libvirt's virnetdevmacvlan.c does for an interface of type
 * 'direct', without its port profiles: a macvtap link made by netlink
 * on a parent device (RTM_NEWLINK, kind "macvtap"), its character
 * device /dev/tapN (N its ifindex) opened for QEMU, the link deleted
 * again (RTM_DELLINK).  Unlike a tap, a macvtap stays until it is
 * deleted: whoever made it removes it.  Every call works in the network
 * namespace of the daemon.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* The kernel's macvlan modes (linux/if_link.h MACVLAN_MODE_*), in the
 * order of libvirt's virNetDevMacVLanMode */
typedef enum {
    VB_NETDEV_MACVTAP_MODE_VEPA = 0,
    VB_NETDEV_MACVTAP_MODE_PRIVATE,
    VB_NETDEV_MACVTAP_MODE_BRIDGE,
    VB_NETDEV_MACVTAP_MODE_PASSTHROUGH,
} vbNetDevMacvtapMode;

typedef enum {
    /* IFF_VNET_HDR on the queues, when the kernel offers it */
    VB_NETDEV_MACVTAP_CREATE_VNET_HDR = 1 << 0,
} vbNetDevMacvtapCreateFlags;

/* Makes the macvtap *@ifname (NULL: the next free macvtapN; a template
 * such as "mv%d": the template with the macvtap counter's next free
 * number) on @parent with @mac and @mode, gives it @mtu (0: the kernel's,
 * the parent's), brings it up (and @parent when it is down: the guest's
 * link state is QEMU's business) and opens @ntapfds queues of its
 * /dev/tapN into @tapfds.  0, or -1 with libvirt's error and nothing
 * left made or open. */
int vbNetDevMacvtapCreate(char **ifname, const char *parent, const unsigned char mac[6],
                          vbNetDevMacvtapMode mode, unsigned int mtu, int *tapfds, size_t ntapfds,
                          unsigned int flags);

/* Deletes the link @ifname; 0, or -1 with the error reported. */
int vbNetDevMacvtapDelete(const char *ifname);

/* Whether @ifname is a macvtap device. */
bool vbNetDevIsMacvtap(const char *ifname);
