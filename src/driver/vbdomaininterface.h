/*
 * vbdomaininterface.h: the host side of a domain's interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt's qemu_interface.c: the tap of an interface of type
 * 'ethernet' or 'bridge' created (or, with managed='no', opened), set up
 * and enslaved before QEMU starts (or for a hotplug); QEMU gets its
 * descriptors.  The taps are not persistent, so they go with the last
 * process holding them: a QEMU that dies takes its taps along even while
 * the daemon is away.  The macvtap of type 'direct' is a link that stays
 * until deleted: vbDomainInterface(s)Release deletes it.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbdomainconf.h"

/* Names the tap or macvtap the daemon is to make for @net before it is
 * made, so that the status can name it first (a daemon killed once it is
 * made finds it): none given is the next vnetN or macvtapN, a template
 * ("mv%d") is filled with the counter of its kind.  0, or -1 with
 * libvirt's error. */
int vbDomainInterfacePrepareName(vbDomainNetDef *net);
/* vbDomainInterfacePrepareName for each interface of @def */
int vbDomainInterfacesPrepareNames(vbDomainDef *def);

/* Creates the taps of @def's interfaces, in order, under the names
 * vbDomainInterfacesPrepareNames gave them, and appends their
 * descriptors to @fds (an array of int) in the order of
 * VB_QEMU_COMMAND_PASSED_FD_FIRST, with vhost-net descriptors when
 * @vhostNet.  The caller closes the descriptors once QEMU has them.
 * 0, or -1 with libvirt's error: then nothing is left open, the
 * interfaces before the failing one are released (their macvtaps
 * deleted) and the failing one's name, which may be another's device, is
 * left alone. */
int vbDomainInterfacesConnect(vbDomainDef *def, bool vhostNet, GArray *fds);

/* One interface of vbDomainInterfacesConnect (a hot-plugged one): its
 * descriptors appended to @fds, nothing for a type without a tap.  Its
 * name is vbDomainInterfacePrepareName's; on failure nothing of it is
 * left made or open. */
int vbDomainInterfaceConnect(vbDomainNetDef *net, bool vhostNet, GArray *fds);

/* vbDomainInterfacesRelease for one interface of @def (after unplug, or
 * a hotplug that failed once the tap was made). */
void vbDomainInterfaceRelease(const vbDomainDef *def, const vbDomainNetDef *net);

/* libvirt's check of update-device: the bridge @bridge exists;
 * OPERATION_FAILED when not. */
int vbDomainInterfaceCheckBridge(const char *bridge);

/* libvirt's qemuDomainChangeNetBridge: the tap of the running interface
 * @net (type 'bridge') released from its bridge and enslaved to @bridge,
 * net->bridge updated; on failure it is put back and net is unchanged. */
int vbDomainInterfaceChangeBridge(vbDomainNetDef *net, const char *bridge);

/* After QEMU is gone: a tap the daemon created that is still there (made
 * persistent behind the daemon's back) is deleted, and a macvtap; only a
 * device with the MAC address the daemon gives it (a name the status
 * holds may be another's device), never a managed='no' tap.  Failures
 * are logged, not reported. */
void vbDomainInterfacesRelease(const vbDomainDef *def);

/* A restarted daemon taking back a running domain: the vnetN names its
 * taps have are not generated again. */
void vbDomainInterfacesReserveNames(const vbDomainDef *def);

/* Closes the descriptors in @fds and empties it. */
void vbDomainInterfacesCloseFds(GArray *fds);
