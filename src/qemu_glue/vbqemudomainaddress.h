/*
 * vbqemudomainaddress.h: device aliases and addresses of a QEMU domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt gives every device a guest address when the domain is defined,
 * and an alias (the QEMU device id) when it starts, and shows both in the
 * live XML.  PCI slots chosen once stay the same across restarts, so the
 * guest sees the same disk in the same slot every boot.  The command line
 * builder only reads them.
 */

#pragma once

#include "vbdomainconf.h"

/* The two x86 machine families we build buses for. */
typedef enum {
    VB_QEMU_MACHINE_FAMILY_PC = 0, /* i440fx: pci.0, PIIX3 IDE, no SATA */
    VB_QEMU_MACHINE_FAMILY_Q35,    /* q35: pcie.0, built-in AHCI "ide" */

    VB_QEMU_MACHINE_FAMILY_LAST
} vbQemuMachineFamily;

/*
 * vbQemuDomainGetMachineFamily:
 * Classifies <os><type machine> as vbDomainDefHasQ35Machine() and
 * vbDomainDefHasI440FXMachine() do.  Returns 0, or -1 with
 * VIR_ERR_CONFIG_UNSUPPORTED for any other machine or an architecture
 * other than x86_64.
 */
int vbQemuDomainGetMachineFamily(const vbDomainDef *def, vbQemuMachineFamily *family);

/* QEMU's id of the root PCI bus of @family: "pcie.0" (q35) or "pci.0". */
const char *vbQemuDomainPCIRootBusName(vbQemuMachineFamily family);

/*
 * vbQemuDomainAssignAddresses:
 * Runs after post-parse (which gives SATA and SCSI disks their drive
 * addresses and adds the controllers they imply) and fills what is left
 * out, keeping what is given, in walks over vbDomainDeviceInfoIterate():
 *  - aliases: virtio-disk<N> (N from the target name), sata<C>-<B>-<U>,
 *    scsi<C>-<B>-<T>-<U>, controllers scsi<N>, "ide" (the q35 AHCI),
 *    pci.0/pcie.0, serial<N>; a user's 'ua-' alias stays;
 *  - PCI addresses on bus 0 for the devices that need one (virtio-scsi
 *    controllers and virtio disks): a reserve pass takes the slots given,
 *    then the primary video gets the machine's video slot (00:01.0 on
 *    q35, 00:02.0 on pc) and an assign pass hands out the first free slot
 *    from 0x02 on, in the order controllers then the other devices;
 *  - a port of USB bus 0 for each USB input without an address.
 * Returns 0, or -1 with an error: VIR_ERR_XML_ERROR for two devices in one
 * PCI slot (libvirt's message), VIR_ERR_CONFIG_UNSUPPORTED for a slot we
 * cannot use, a full bus or an unknown machine.
 * Running it again changes nothing.  The driver runs it at define time, so
 * the persistent definition keeps the PCI slots, and again on the live
 * definition at start, for the aliases.
 *
 * A new device family answers two questions in vbqemudomainaddress.c:
 * its alias (vbQemuDomainDeviceAlias) and whether it needs a PCI slot
 * (vbQemuDomainDeviceNeedsPCISlot); the walks need nothing else.
 */
int vbQemuDomainAssignAddresses(vbDomainDef *def);

/* Whether @def has a USB bus ("usb.0") for USB devices to sit on. */
bool vbQemuDomainHasUSBBus(const vbDomainDef *def);

/* The index encoded in a target name: "vda" 0, "sdb" 1, "vdaa" 26.
 * -1 if @dst does not end in lowercase letters after a two-letter prefix. */
int vbQemuDomainDiskNameToIndex(const char *dst);
