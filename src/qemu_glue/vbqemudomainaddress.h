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
#include "vbqemupciaddress.h"

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

/* The round of the assign pass in which a family gets its slots: libvirt's
 * order in qemuDomainAssignDevicePCISlots, which decides who gets which
 * slot.  A new family takes the round of its place there. */
typedef enum {
    VB_QEMU_PCI_ROUND_PCI_CONTROLLER = 0,
    VB_QEMU_PCI_ROUND_NET,
    VB_QEMU_PCI_ROUND_SOUND,
    VB_QEMU_PCI_ROUND_CONTROLLER,
    VB_QEMU_PCI_ROUND_DISK,
    VB_QEMU_PCI_ROUND_HOSTDEV,
    VB_QEMU_PCI_ROUND_MEMBALLOON,
    VB_QEMU_PCI_ROUND_RNG,
    VB_QEMU_PCI_ROUND_WATCHDOG,
    VB_QEMU_PCI_ROUND_VIDEO,
    VB_QEMU_PCI_ROUND_SHMEM,
    VB_QEMU_PCI_ROUND_INPUT,
    VB_QEMU_PCI_ROUND_OTHER, /* serial (pci-serial), vsock, ... */

    VB_QEMU_PCI_ROUND_LAST
} vbQemuPCIRound;

/* QEMU's id of PCI bus @bus of @def (the alias of the PCI controller with
 * that index: "pcie.0", "pci.0", "pci.N"), or NULL if there is none. */
const char *vbQemuDomainPCIBusAlias(const vbDomainDef *def, unsigned int bus);

/*
 * vbQemuDomainAssignAddresses:
 * Runs after post-parse (which gives SATA and SCSI disks their drive
 * addresses and adds the controllers they imply) and fills what is left
 * out, keeping what is given, in walks over vbDomainDeviceInfoIterate():
 *  - aliases: virtio-disk<N> and usb-disk<N> (N from the target name),
 *    sata<C>-<B>-<U>, scsi<C>-<B>-<T>-<U>, controllers scsi<N>, "ide" (the q35 AHCI),
 *    pci.0/pcie.0, serial<N>; a user's 'ua-' alias stays;
 *    usb/usb<N>;
 *  - PCI addresses as libvirt's qemuDomainAssignPCIAddresses gives them:
 *    the chipset's functions and controllers in their fixed places, the
 *    addresses given kept, and each other device the first free slot of a
 *    bus that takes its kind (its vbQemuPCIConnectFlags), round by round;
 *    the pcie-root-ports (q35) or pci-bridges (pc) the devices need are
 *    added, on q35 with one spare root port when the definition listed no
 *    PCI controllers, and a pcie-to-pci-bridge for conventional PCI
 *    devices on q35; the primary video at 00:01.0 (q35) or 00:02.0 (pc)
 *    when that slot is free;
 *  - a port of USB bus 0 for each USB disk and input without an address,
 *    disks first (libvirt's order); "No free USB ports" when the root hub
 *    is full (libvirt would add a hub, we build none).
 * Then each controller's QEMU checks (vbQemuDeviceValidateController),
 * which libvirt runs at define.
 * Returns 0, or -1 with an error: VIR_ERR_XML_ERROR for an address that
 * is taken, on a bus that does not exist or does not take the device
 * (libvirt's messages), VIR_ERR_CONFIG_UNSUPPORTED for an unknown machine.
 * Running it again changes nothing.  The driver runs it at define time, so
 * the persistent definition keeps the PCI slots, and again on the live
 * definition at start, for the aliases.
 *
 * A new device family answers two questions in vbqemudomainaddress.c:
 * its alias (vbQemuDomainDeviceAlias) and its PCI placement
 * (vbQemuDomainDevicePCIPlacement: connect flags and round); the walks
 * need nothing else.
 */
int vbQemuDomainAssignAddresses(vbDomainDef *def);

/* Whether @def has a USB bus ("usb.0") for USB devices to sit on. */
bool vbQemuDomainHasUSBBus(const vbDomainDef *def);

/* The index encoded in a target name: "vda" 0, "sdb" 1, "vdaa" 26.
 * -1 if @dst does not end in lowercase letters after a two-letter prefix. */
int vbQemuDomainDiskNameToIndex(const char *dst);
