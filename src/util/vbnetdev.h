/*
 * vbnetdev.h: the host's network devices: taps and bridge ports
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What libvirt's virnetdev.c, virnetdevtap.c and virnetdevbridge.c do for
 * a tap interface, with their errors: create a tap (a name of the
 * caller's, or the next free vnetN), set its MAC address, MTU and link,
 * enslave it to a bridge, delete it.  Every call works in the network
 * namespace of the daemon.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* The prefix of the names the daemon generates for its taps */
#define VB_NETDEV_VNET_PREFIX "vnet"
/* ... and for their macvtaps (vbnetdevmacvtap.h) */
#define VB_NETDEV_MACVTAP_NAME_PREFIX "macvtap"

typedef enum {
    /* IFF_VNET_HDR: the virtio-net header travels with each packet */
    VB_NETDEV_TAP_CREATE_VNET_HDR = 1 << 0,
    /* a tap of that name may exist already (managed='no'): attach to it */
    VB_NETDEV_TAP_CREATE_ALLOW_EXISTING = 1 << 1,
} vbNetDevTapCreateFlags;

/* 1 if a network device @ifname exists, 0 if not (no error reported). */
int vbNetDevExists(const char *ifname);

/* Whether @name is a template of vbNetDevTapCreate: exactly one '%', in
 * "%d" (libvirt's rule). */
bool vbNetDevNameIsTemplate(const char *name);

/* Creates (or with ALLOW_EXISTING opens) the tap *@ifname and opens
 * @ntapfds queues of it into @tapfds (multiqueue when more than one).
 * *@ifname NULL or a template ("tap%d") is replaced by the first name
 * after the last one generated that no device has; a name given that a
 * device has already is refused unless ALLOW_EXISTING.  The tap is not
 * persistent: it goes when the last descriptor is closed.
 * 0, or -1 with libvirt's error and nothing left open. */
int vbNetDevTapCreate(char **ifname, int *tapfds, size_t ntapfds, unsigned int flags);

/* Removes the tap @ifname if it is persistent and nobody holds it (a tap
 * of a QEMU gone goes by itself); 0, or -1 with the error reported. */
int vbNetDevTapDelete(const char *ifname);

/* The kinds of names the daemon generates, each with a counter */
typedef enum {
    VB_NETDEV_GEN_NAME_VNET = 0, /* vnetN: taps */
    VB_NETDEV_GEN_NAME_MACVTAP,  /* macvtapN */
    VB_NETDEV_GEN_NAME_LAST
} vbNetDevGenNameType;

/* libvirt's virNetDevGenerateName: *@ifname NULL or a template
 * (vbNetDevNameIsTemplate) is replaced by the first name after the last
 * one generated of @type that no device has, the template's %d taking
 * @type's number; any other name stays as it is.  0, or -1 with
 * libvirt's error when no name is left. */
int vbNetDevGenerateName(char **ifname, vbNetDevGenNameType type);

/* A generated name (vnetN or macvtapN) in use (read back from a status file): later names
 * come after it. */
void vbNetDevReserveName(const char *name);

int vbNetDevSetMAC(const char *ifname, const unsigned char mac[6]);
int vbNetDevSetOnline(const char *ifname, bool online);
int vbNetDevGetOnline(const char *ifname, bool *online);
int vbNetDevGetMAC(const char *ifname, unsigned char mac[6]);
int vbNetDevGetMTU(const char *ifname, unsigned int *mtu);
int vbNetDevSetMTU(const char *ifname, unsigned int mtu);

/* Enslaves @ifname to the bridge @brname; a device that is no bridge is
 * refused by the kernel, as by libvirt (EOPNOTSUPP). */
int vbNetDevBridgeAddPort(const char *brname, const char *ifname);
/* Releases @ifname from the bridge @brname (libvirt's error when it is
 * no port of it). */
int vbNetDevBridgeRemovePort(const char *brname, const char *ifname);

/* Whether /dev/vhost-net can be opened: the kernel then moves a virtio
 * interface's packets itself (libvirt uses it when it can, silently
 * going without when it cannot). */
bool vbNetDevVhostNetUsable(void);
/* Opens /dev/vhost-net @n times into @fds; 0, or -1 with libvirt's error
 * and nothing left open. */
int vbNetDevVhostNetOpen(int *fds, size_t n);
