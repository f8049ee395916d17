/*
 * vbqemudevice.c: the QEMU device of each device family
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vbqemudevice.h"
#include "vbqemudomainaddress.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* An ISA bus has four serial ports (COM1-COM4). */
#define VB_QEMU_ISA_SERIAL_PORTS 4
/* Ports of q35's built-in AHCI controller. */
#define VB_QEMU_SATA_PORTS 6

static int
vbQemuDeviceCheckAlias(const vbDomainDef *def, const char *alias)
{
    if (!alias) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("device aliases of domain '%s' are not assigned"),
                      def->name);
        return -1;
    }
    return 0;
}

/* ---- disk ---------------------------------------------------------------- */

int
vbQemuDeviceValidateDisk(const vbDomainDef *def, const vbDomainDiskDef *disk)
{
    bool cdrom = disk->device == VB_DOMAIN_DISK_DEVICE_CDROM;
    const vbDomainDeviceAddress *addr = &disk->info.addr;
    vbQemuMachineFamily family;

    if (vbQemuDeviceCheckAlias(def, disk->info.alias) < 0 ||
        vbQemuDomainGetMachineFamily(def, &family) < 0)
        return -1;

    if (vbStorageSourceIsEmpty(disk->src) && !cdrom) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("disk '%s' has no source; only a cdrom may be empty"), disk->dst);
        return -1;
    }

    switch (disk->bus) {
    case VB_DOMAIN_DISK_BUS_VIRTIO:
        if (cdrom) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("cdrom '%s' on bus 'virtio' is not supported; use bus 'sata' or 'scsi'"),
                disk->dst);
            return -1;
        }
        break;

    case VB_DOMAIN_DISK_BUS_SATA:
        if (family != VB_QEMU_MACHINE_FAMILY_Q35) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("disk '%s' is on bus 'sata', which machine '%s' lacks; use 'q35'"),
                          disk->dst, def->machine);
            return -1;
        }
        if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_DRIVE) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("disk '%s' has no drive address assigned"),
                          disk->dst);
            return -1;
        }
        if (addr->drive.bus != 0 || addr->drive.target != 0 ||
            addr->drive.unit >= VB_QEMU_SATA_PORTS) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("SATA disk '%s' must have bus 0, target 0 and a unit below 6"),
                          disk->dst);
            return -1;
        }
        if (addr->drive.controller != 0) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("SATA disk '%s' must be on controller 0, the built-in one of 'q35'"),
                          disk->dst);
            return -1;
        }
        /* QEMU's ide-hd refuses a read-only drive */
        if (!cdrom && disk->src->readonly) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("readonly sata disks are not supported"));
            return -1;
        }
        break;

    case VB_DOMAIN_DISK_BUS_SCSI:
        if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_DRIVE) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("disk '%s' has no drive address assigned"),
                          disk->dst);
            return -1;
        }
        break;

    case VB_DOMAIN_DISK_BUS_NONE:
    case VB_DOMAIN_DISK_BUS_LAST:
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("no bus given for disk '%s'"), disk->dst);
        return -1;
    }

    /* two writers of one qcow2 image corrupt its metadata; only raw can
     * be shared read-write (libvirt's check and wording) */
    if (!vbStorageSourceIsEmpty(disk->src) && disk->src->shareable && !disk->src->readonly &&
        disk->src->format != VB_STORAGE_FORMAT_RAW) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("shared access for disk '%s' requires use of supported storage format"),
                      disk->dst);
        return -1;
    }

    /* QEMU 7.2 refuses aio=native on a file opened through the page cache */
    if (disk->io == VB_DOMAIN_DISK_IO_NATIVE && disk->cache != VB_DOMAIN_DISK_CACHE_NONE &&
        disk->cache != VB_DOMAIN_DISK_CACHE_DIRECTSYNC) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("disk '%s' has io='native', which needs cache='none' or cache='directsync'"),
            disk->dst);
        return -1;
    }
    return 0;
}

/* ---- controller ---------------------------------------------------------- */

int
vbQemuDeviceValidateController(const vbDomainDef *def, const vbDomainControllerDef *cont)
{
    vbQemuMachineFamily family;
    bool q35;

    if (vbQemuDomainGetMachineFamily(def, &family) < 0)
        return -1;
    q35 = family == VB_QEMU_MACHINE_FAMILY_Q35;

    switch (cont->type) {
    case VB_DOMAIN_CONTROLLER_TYPE_PCI:
        if (cont->index != 0 || (cont->model == VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT && !q35) ||
            (cont->model == VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT && q35)) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("PCI controller '%u' is not supported, only the root bus of '%s' is"),
                          cont->index, def->machine);
            return -1;
        }
        return 0;

    case VB_DOMAIN_CONTROLLER_TYPE_SATA:
        if (!q35 || cont->index != 0) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("SATA controller '%u' needs index 0 and a 'q35' machine, not '%s'"),
                          cont->index, def->machine);
            return -1;
        }
        return 0;

    case VB_DOMAIN_CONTROLLER_TYPE_SCSI:
        /* virtio-scsi is the only SCSI controller we build; a model left
         * out means it too */
        if (cont->model != VB_DOMAIN_CONTROLLER_MODEL_DEFAULT &&
            cont->model != VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("SCSI controller with index '%u' must have model 'virtio-scsi'"),
                          cont->index);
            return -1;
        }
        return vbQemuDeviceCheckAlias(def, cont->info.alias);

    case VB_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected controller type %d"), (int) cont->type);
    return -1;
}

/* ---- serial port ----------------------------------------------------------- */

int
vbQemuDeviceValidateChr(const vbDomainDef *def, const vbDomainChrDef *chr)
{
    if (chr->port >= VB_QEMU_ISA_SERIAL_PORTS) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("serial port '%u' is not supported, the ISA bus has ports 0 to 3"),
                      chr->port);
        return -1;
    }
    return vbQemuDeviceCheckAlias(def, chr->info.alias);
}

/* ---- any device ---------------------------------------------------------- */

int
vbQemuDeviceValidate(const vbDomainDef *def, const vbDomainDeviceDef *dev)
{
    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        return vbQemuDeviceValidateDisk(def, dev->data.disk);
    case VB_DOMAIN_DEVICE_CONTROLLER:
        return vbQemuDeviceValidateController(def, dev->data.controller);
    case VB_DOMAIN_DEVICE_CHR:
        return vbQemuDeviceValidateChr(def, dev->data.chr);
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        /* conf accepts only model 'none' */
        return 0;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected device type %d"), (int) dev->type);
    return -1;
}
