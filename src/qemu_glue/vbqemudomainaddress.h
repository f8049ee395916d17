/*
 * vbqemudomainaddress.h: device aliases and addresses of a QEMU domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt gives every device an alias (the QEMU device id) and a guest
 * address before it builds a command line, and shows both in the live XML.
 * We do the same in one step that the driver runs when a domain is defined
 * (and again before it starts, for devices added since): addresses chosen
 * once stay the same across restarts, so the guest sees the same disk in
 * the same PCI slot every boot.  The command line builder then only reads
 * them.
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
 * Classifies <os><type machine>: "pc", "pc-i440fx-*" and the old "pc-N.M"
 * are PC, "q35" and "pc-q35-*" are Q35.  Returns 0, or -1 with
 * VIR_ERR_CONFIG_UNSUPPORTED for any other machine (and the architecture
 * must be x86_64).
 */
int vbQemuDomainGetMachineFamily(const vbDomainDef *def, vbQemuMachineFamily *family);

/*
 * vbQemuDomainAssignAddresses:
 * Fills what the user left out, keeping what is given:
 *  - drive addresses of SATA and SCSI disks, from the target name as
 *    libvirt does (sdc: SATA controller 0 unit 2; SCSI controller idx/7,
 *    unit idx%7);
 *  - a virtio-scsi controller for every SCSI controller index a disk uses;
 *  - aliases: virtio-disk<N>, sata<C>-<B>-<U>, scsi<C>-<B>-<T>-<U>,
 *    controllers scsi<N>, "ide" (the q35 AHCI), pci.0/pcie.0, serial<N>;
 *  - PCI addresses on bus 0 for virtio-scsi controllers and virtio disks,
 *    the first free slot from 0x02 on, in the order controllers then disks.
 * Returns 0, or -1 with an error: VIR_ERR_XML_ERROR for two devices in one
 * PCI slot (libvirt's message), VIR_ERR_CONFIG_UNSUPPORTED for a slot we
 * cannot use, a full bus or an unknown machine.
 * Running it again changes nothing.
 */
int vbQemuDomainAssignAddresses(vbDomainDef *def);

/* The index encoded in a target name: "vda" 0, "sdb" 1, "vdaa" 26.
 * -1 if @dst does not end in lowercase letters after a two-letter prefix. */
int vbQemuDomainDiskNameToIndex(const char *dst);
