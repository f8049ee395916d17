/*
 * vbqemudomainaddress.c: device aliases and addresses of a QEMU domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbqemudomainaddress.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* Slots of bus 0 a device may take; 0 is the host bridge on both machines,
 * 1 the PIIX3 (ISA, IDE, USB, ACPI) on pc, 0x1f the ICH9 LPC/SATA/SMBus
 * functions on q35. */
#define VB_QEMU_PCI_SLOT_MAX 0x1f
/* Automatic placement starts here: slot 1 stays free for a video device, as
 * libvirt keeps it on q35. */
#define VB_QEMU_PCI_SLOT_FIRST_AUTO 0x02

int
vbQemuDomainGetMachineFamily(const vbDomainDef *def, vbQemuMachineFamily *family)
{
    /* validation refuses anything else first; this is for callers that
     * skip it (a definition reloaded from disk) */
    if (def->arch && strcmp(def->arch, "x86_64") != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("architecture '%s' is not supported, only 'x86_64' is"), def->arch);
        return -1;
    }
    if (vbDomainDefHasQ35Machine(def)) {
        *family = VB_QEMU_MACHINE_FAMILY_Q35;
        return 0;
    }
    if (vbDomainDefHasI440FXMachine(def)) {
        *family = VB_QEMU_MACHINE_FAMILY_PC;
        return 0;
    }
    vbReportError(
        VIR_ERR_CONFIG_UNSUPPORTED,
        _("machine type '%s' is not supported by virtblockd; use a 'q35' or 'pc' machine"),
        def->machine ? def->machine : "");
    return -1;
}

const char *
vbQemuDomainPCIRootBusName(vbQemuMachineFamily family)
{
    return family == VB_QEMU_MACHINE_FAMILY_Q35 ? "pcie.0" : "pci.0";
}

int
vbQemuDomainDiskNameToIndex(const char *dst)
{
    static const char *const prefixes[] = {"vd", "sd", "hd"};
    const char *p = NULL;
    size_t i;
    int idx = 0;

    if (!dst)
        return -1;
    for (i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(dst, prefixes[i])) {
            p = dst + strlen(prefixes[i]);
            break;
        }
    }
    if (!p || !*p)
        return -1;
    for (i = 0; p[i]; i++) {
        if (p[i] < 'a' || p[i] > 'z')
            return -1;
        /* bijective base 26, as "z" + 1 is "aa" */
        if (i > 0)
            idx++;
        if (idx > (G_MAXINT / 26) - 26)
            return -1;
        idx = idx * 26 + (p[i] - 'a');
    }
    return idx;
}

static void
vbQemuDomainAssignDiskAlias(vbDomainDiskDef *disk)
{
    const vbDomainDeviceAddress *a = &disk->info.addr;
    int idx;

    if (disk->info.alias)
        return;

    switch (disk->bus) {
    case VB_DOMAIN_DISK_BUS_VIRTIO:
        if ((idx = vbQemuDomainDiskNameToIndex(disk->dst)) >= 0)
            disk->info.alias = g_strdup_printf("virtio-disk%d", idx);
        break;
    case VB_DOMAIN_DISK_BUS_SATA:
        disk->info.alias =
            g_strdup_printf("sata%u-%u-%u", a->drive.controller, a->drive.bus, a->drive.unit);
        break;
    case VB_DOMAIN_DISK_BUS_SCSI:
        if (a->type != VB_DOMAIN_DEVICE_ADDRESS_DRIVE)
            break;
        disk->info.alias = g_strdup_printf("scsi%u-%u-%u-%u", a->drive.controller, a->drive.bus,
                                           a->drive.target, a->drive.unit);
        break;
    case VB_DOMAIN_DISK_BUS_NONE:
    case VB_DOMAIN_DISK_BUS_LAST:
        break;
    }
}

static void
vbQemuDomainAssignControllerAlias(vbDomainControllerDef *cont, vbQemuMachineFamily family)
{
    if (cont->info.alias)
        return;

    switch (cont->type) {
    case VB_DOMAIN_CONTROLLER_TYPE_PCI:
        if (cont->index == 0)
            cont->info.alias = g_strdup(vbQemuDomainPCIRootBusName(family));
        else
            cont->info.alias = g_strdup_printf("pci.%u", cont->index);
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_SATA:
        /* q35's built-in AHCI is named "ide" in QEMU, its ports ide.0-5 */
        if (cont->index == 0 && family == VB_QEMU_MACHINE_FAMILY_Q35)
            cont->info.alias = g_strdup("ide");
        else
            cont->info.alias = g_strdup_printf("sata%u", cont->index);
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_SCSI:
        cont->info.alias = g_strdup_printf("scsi%u", cont->index);
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
}

static bool
vbQemuDomainControllerNeedsPCI(const vbDomainControllerDef *cont)
{
    return cont->type == VB_DOMAIN_CONTROLLER_TYPE_SCSI;
}

static bool
vbQemuDomainPCISlotReserved(vbQemuMachineFamily family, unsigned int slot)
{
    if (slot == 0)
        return true;
    if (family == VB_QEMU_MACHINE_FAMILY_PC)
        return slot == 1;
    return slot == 0x1f;
}

/* Marks a user-given address as used, after checking we can honour it. */
static int
vbQemuDomainReservePCIAddress(bool *used, vbQemuMachineFamily family,
                              const vbDomainDeviceAddress *addr, const char *devname)
{
    g_autofree char *str = g_strdup_printf("%04x:%02x:%02x.%u", addr->pci.domain, addr->pci.bus,
                                           addr->pci.slot, addr->pci.function);

    if (addr->pci.domain != 0 || addr->pci.bus != 0 || addr->pci.function != 0 ||
        addr->pci.slot > VB_QEMU_PCI_SLOT_MAX) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("PCI address '%s' of '%s' is not usable, only bus 0 function 0 is"), str,
                      devname);
        return -1;
    }
    if (vbQemuDomainPCISlotReserved(family, addr->pci.slot)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("PCI address '%s' of device '%s' is taken by a built-in device of the machine"), str,
            devname);
        return -1;
    }
    if (used[addr->pci.slot]) {
        vbReportError(VIR_ERR_XML_ERROR, _("Attempted double use of PCI Address %s"), str);
        return -1;
    }
    used[addr->pci.slot] = true;
    return 0;
}

static int
vbQemuDomainAssignPCIAddress(bool *used, vbQemuMachineFamily family, vbDomainDeviceAddress *addr,
                             const char *devname)
{
    unsigned int slot;

    for (slot = VB_QEMU_PCI_SLOT_FIRST_AUTO; slot <= VB_QEMU_PCI_SLOT_MAX; slot++) {
        if (!used[slot] && !vbQemuDomainPCISlotReserved(family, slot))
            break;
    }
    if (slot > VB_QEMU_PCI_SLOT_MAX) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("no free PCI slot left on bus 0 for device '%s'"), devname);
        return -1;
    }
    used[slot] = true;
    addr->type = VB_DOMAIN_DEVICE_ADDRESS_PCI;
    addr->pci.domain = 0;
    addr->pci.bus = 0;
    addr->pci.slot = slot;
    addr->pci.function = 0;
    return 0;
}

static int
vbQemuDomainAssignPCIAddresses(vbDomainDef *def, vbQemuMachineFamily family)
{
    bool used[VB_QEMU_PCI_SLOT_MAX + 1] = {false};
    size_t i;

    /* first what the user gave, so automatic placement never takes it */
    for (i = 0; i < def->ncontrollers; i++) {
        vbDomainControllerDef *cont = def->controllers[i];

        if (vbQemuDomainControllerNeedsPCI(cont) &&
            cont->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_PCI &&
            vbQemuDomainReservePCIAddress(used, family, &cont->info.addr, cont->info.alias) < 0)
            return -1;
    }
    for (i = 0; i < def->ndisks; i++) {
        vbDomainDiskDef *disk = def->disks[i];

        if (disk->bus != VB_DOMAIN_DISK_BUS_VIRTIO)
            continue;
        if (disk->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_DRIVE) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("address type '%s' is not valid for disk '%s', it needs a 'pci' address"),
                vbDomainDeviceAddressTypeTypeToString(disk->info.addr.type), disk->dst);
            return -1;
        }
        if (disk->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_PCI &&
            vbQemuDomainReservePCIAddress(used, family, &disk->info.addr, disk->dst) < 0)
            return -1;
    }

    for (i = 0; i < def->ncontrollers; i++) {
        vbDomainControllerDef *cont = def->controllers[i];

        if (vbQemuDomainControllerNeedsPCI(cont) &&
            cont->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_NONE &&
            vbQemuDomainAssignPCIAddress(used, family, &cont->info.addr, cont->info.alias) < 0)
            return -1;
    }
    for (i = 0; i < def->ndisks; i++) {
        vbDomainDiskDef *disk = def->disks[i];

        if (disk->bus == VB_DOMAIN_DISK_BUS_VIRTIO &&
            disk->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_NONE &&
            vbQemuDomainAssignPCIAddress(used, family, &disk->info.addr, disk->dst) < 0)
            return -1;
    }
    return 0;
}

int
vbQemuDomainAssignAddresses(vbDomainDef *def)
{
    vbQemuMachineFamily family;
    size_t i;

    if (vbQemuDomainGetMachineFamily(def, &family) < 0)
        return -1;

    for (i = 0; i < def->ndisks; i++)
        vbQemuDomainAssignDiskAlias(def->disks[i]);
    for (i = 0; i < def->ncontrollers; i++)
        vbQemuDomainAssignControllerAlias(def->controllers[i], family);
    for (i = 0; i < def->nchrs; i++) {
        vbDomainChrDef *chr = def->chrs[i];

        /* a <console> of target type serial is the same device as the
         * serial port it shows, and libvirt aliases it so */
        if (!chr->info.alias)
            chr->info.alias = g_strdup_printf("serial%u", chr->port);
    }

    return vbQemuDomainAssignPCIAddresses(def, family);
}
