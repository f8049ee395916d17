/*
 * vbqemudevice.c: the QEMU device of each device family
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

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

/* "bus", "multifunction" and "addr" of a device in a PCI slot, as libvirt
 * writes them */
static int
vbQemuDeviceAddPCIAddress(vbJSONValue **props, const vbDomainDef *def,
                          const vbDomainDeviceInfo *info, const char *devname)
{
    const vbDomainDeviceAddress *a = &info->addr;
    const char *bus;
    g_autofree char *addr = NULL;
    int multi = -1;

    if (a->type != VB_DOMAIN_DEVICE_ADDRESS_PCI) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("device '%s' has no PCI address assigned"),
                      devname);
        return -1;
    }
    if (!(bus = vbQemuDomainPCIBusAlias(def, a->pci.bus))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("PCI bus '%u' of device '%s' has no controller"),
                      a->pci.bus, devname);
        return -1;
    }
    if (a->pci.multi == VB_TRISTATE_SWITCH_ON)
        multi = 1;
    else if (a->pci.multi == VB_TRISTATE_SWITCH_OFF)
        multi = 0;
    /* QEMU's PCI address property is a string, "slot[.function]" */
    if (a->pci.function)
        addr = g_strdup_printf("0x%x.0x%x", a->pci.slot, a->pci.function);
    else
        addr = g_strdup_printf("0x%x", a->pci.slot);
    return vbJSONValueObjectAdd(props, "s:bus", bus, "T:multifunction", multi, "s:addr", addr,
                                NULL);
}

/* ---- disk ---------------------------------------------------------------- */

/* QEMU's largest throttle limit (libvirt's QEMU_BLOCK_IOTUNE_MAX) */
#define VB_QEMU_BLOCK_IOTUNE_MAX 1000000000000000ULL

/* The "bus" and "port" of a device on a USB port of @info's address: the
 * bus named after its controller's alias (a user's ua- one too), the port
 * a string ("1", or "1.2" behind a hub), after @driver */
static int
vbQemuDeviceAddUSBAddress(vbJSONValue **props, const vbDomainDef *def,
                          const vbDomainDeviceInfo *info, const char *driver)
{
    const vbDomainControllerDef *usb =
        vbDomainDefFindController(def, VB_DOMAIN_CONTROLLER_TYPE_USB, info->addr.usb.bus);
    g_autofree char *bus = NULL;
    g_autofree char *port = NULL;

    if (!usb || !usb->info.alias) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("USB controller '%u' of device '%s' not found"),
                      info->addr.usb.bus, NULLSTR(info->alias));
        return -1;
    }
    bus = g_strdup_printf("%s.0", usb->info.alias);
    port = g_strdup_printf("%u", info->addr.usb.port);
    return vbJSONValueObjectAdd(props, "s:driver", driver, "s:bus", bus, "s:port", port, NULL);
}

/* libvirt's QEMU checks of <iotune>, with its codes and wording */
static int
vbQemuDeviceValidateDiskIoTune(const vbDomainDef *def, const vbDomainDiskDef *disk)
{
    const vbDomainIoTune *iotune = &disk->iotune;
    size_t i;

    /* QEMU ignores a group name without limits */
    if (iotune->groupName && !vbDomainIoTuneHasAny(iotune)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      _("group_name can be configured only together with settings"));
        return -1;
    }
    /* one group has one set of limits */
    for (i = 0; iotune->groupName && i < def->ndisks; i++) {
        const vbDomainDiskDef *other = def->disks[i];

        if (other == disk || g_strcmp0(other->iotune.groupName, iotune->groupName) != 0)
            continue;
        if (!vbDomainIoTuneEqual(&other->iotune, iotune)) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("different iotunes for disks %s and %s"),
                          disk->dst, other->dst);
            return -1;
        }
    }
    /* the _max_length ones are seconds, not limits */
    for (i = 0; i <= VB_DOMAIN_IOTUNE_SIZE_IOPS_SEC; i++) {
        if (iotune->limits[i] > VB_QEMU_BLOCK_IOTUNE_MAX) {
            vbReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                          _("block I/O throttle limit must be no more than %llu using QEMU"),
                          VB_QEMU_BLOCK_IOTUNE_MAX);
            return -1;
        }
    }
    return 0;
}

/* A vbTristateSwitch for the "T:" key of vbJSONValueObjectAdd: left out
 * when absent.  (vbQemuDeviceAddPCIAddress has its own copy, above.) */
static int
vbQemuDeviceTristate(vbTristateSwitch value)
{
    switch (value) {
    case VB_TRISTATE_SWITCH_ON:
        return 1;
    case VB_TRISTATE_SWITCH_OFF:
        return 0;
    case VB_TRISTATE_SWITCH_ABSENT:
    case VB_TRISTATE_SWITCH_LAST:
        break;
    }
    return -1;
}

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

    case VB_DOMAIN_DISK_BUS_USB:
        if (!vbQemuDomainHasUSBBus(def)) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("disk '%s' is on bus 'usb', but the domain's USB controller is 'none'"),
                          disk->dst);
            return -1;
        }
        if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_USB) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("disk '%s' has no USB address assigned"),
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
    /* libvirt puts a copy-on-read filter node above the image; block jobs
     * here know no such node */
    if (disk->copyOnRead == VB_DOMAIN_DISK_COPY_ON_READ_ON) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("copy_on_read='on' of disk '%s' is not supported by virtblockd"),
                      disk->dst);
        return -1;
    }
    /* libvirt's QEMU driver: 'ide' too, which we do not run */
    if (disk->wwn && disk->bus != VB_DOMAIN_DISK_BUS_SCSI) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s", _("Only ide and scsi disk support wwn"));
        return -1;
    }
    return vbQemuDeviceValidateDiskIoTune(def, disk);
}

/* libvirt's guest-visible write cache for each cache mode; NULL when the
 * mode is left to QEMU's default. */
static const char *
vbQemuDeviceDiskWriteCache(vbDomainDiskCache cache)
{
    switch (cache) {
    case VB_DOMAIN_DISK_CACHE_WRITEBACK:
    case VB_DOMAIN_DISK_CACHE_NONE:
    case VB_DOMAIN_DISK_CACHE_UNSAFE:
        return "on";
    case VB_DOMAIN_DISK_CACHE_WRITETHRU:
    case VB_DOMAIN_DISK_CACHE_DIRECTSYNC:
        return "off";
    case VB_DOMAIN_DISK_CACHE_DEFAULT:
    case VB_DOMAIN_DISK_CACHE_LAST:
        break;
    }
    return NULL;
}

/*
 * The bootindex of @disk: its <boot order>, else the position of its kind
 * in <os><boot dev> for the first disk of each kind (libvirt's
 * qemuProcessPrepareDeviceBootorder: a kind listed twice counts where it
 * is listed last; the position counts the kinds we have no device for).
 */
static unsigned int
vbQemuDeviceDiskBootIndex(const vbDomainDef *def, const vbDomainDiskDef *disk)
{
    unsigned int bootCD = 0;
    unsigned int bootDisk = 0;
    size_t i;

    if (disk->info.bootIndex > 0)
        return disk->info.bootIndex;
    for (i = 0; i < def->os.nBootDevs; i++) {
        switch (def->os.bootDevs[i]) {
        case VB_DOMAIN_BOOT_CDROM:
            bootCD = i + 1;
            break;
        case VB_DOMAIN_BOOT_DISK:
            bootDisk = i + 1;
            break;
        case VB_DOMAIN_BOOT_FLOPPY: /* no floppies or network cards here */
        case VB_DOMAIN_BOOT_NET:
        case VB_DOMAIN_BOOT_LAST:
            break;
        }
    }
    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDiskDef *cur = def->disks[i];
        unsigned int *index = cur->device == VB_DOMAIN_DISK_DEVICE_CDROM ? &bootCD : &bootDisk;

        if (cur == disk)
            return *index;
        *index = 0;
    }
    return 0;
}

/* QEMU's werror and rerror of @disk, NULL for QEMU's defaults: as libvirt,
 * a read policy follows the write one unless given, except 'enospace',
 * which QEMU spells 'enospc' and knows for writes only */
static void
vbQemuDeviceDiskErrorPolicy(const vbDomainDiskDef *disk, const char **wpolicy, const char **rpolicy)
{
    if (disk->errorPolicy)
        *wpolicy = vbDomainDiskErrorPolicyTypeToString(disk->errorPolicy);
    if (disk->rerrorPolicy)
        *rpolicy = vbDomainDiskErrorPolicyTypeToString(disk->rerrorPolicy);
    if (disk->errorPolicy == VB_DOMAIN_DISK_ERROR_POLICY_ENOSPACE)
        *wpolicy = "enospc";
    else if (!*rpolicy)
        *rpolicy = *wpolicy;
}

int
vbQemuDeviceBuildDiskProps(const vbDomainDef *def, const vbDomainDiskDef *disk, vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;
    bool cdrom = disk->device == VB_DOMAIN_DISK_DEVICE_CDROM;
    const vbDomainDeviceAddress *addr = &disk->info.addr;
    bool empty = vbStorageSourceIsEmpty(disk->src);
    bool shareable = disk->src && disk->src->shareable;
    const char *drive = empty ? NULL : disk->src->nodeFormat;
    const char *writeCache = empty ? NULL : vbQemuDeviceDiskWriteCache(disk->cache);
    unsigned long long bootIndex = vbQemuDeviceDiskBootIndex(def, disk);
    g_autofree char *bus = NULL;
    g_autofree char *deviceId = NULL;
    g_autofree char *iothread = NULL;
    const vbDomainControllerDef *cont = NULL;
    const char *wpolicy = NULL;
    const char *rpolicy = NULL;
    unsigned long long wwn = 0;
    vbTristateSwitch removable = VB_TRISTATE_SWITCH_ABSENT;

    *props = NULL;
    if (!empty && !drive) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("image '%s' of disk '%s' has no node names assigned"),
                      NULLSTR(disk->src->path), disk->dst);
        return -1;
    }

    switch (disk->bus) {
    case VB_DOMAIN_DISK_BUS_VIRTIO:
        if (disk->iothread)
            iothread = g_strdup_printf("iothread%u", disk->iothread);
        if (vbJSONValueObjectAdd(&obj, "s:driver", "virtio-blk-pci", "S:iothread", iothread, NULL) <
                0 ||
            vbQemuDeviceAddPCIAddress(&obj, def, &disk->info, disk->dst) < 0)
            return -1;
        break;
    case VB_DOMAIN_DISK_BUS_SATA:
        /* each AHCI port is a bus of its own with a single unit */
        bus = g_strdup_printf("ide.%u", addr->drive.unit);
        if (vbJSONValueObjectAdd(&obj, "s:driver", cdrom ? "ide-cd" : "ide-hd", "s:bus", bus,
                                 NULL) < 0)
            return -1;
        break;
    case VB_DOMAIN_DISK_BUS_SCSI:
        if (!(cont = vbDomainDefFindController(def, VB_DOMAIN_CONTROLLER_TYPE_SCSI,
                                               addr->drive.controller)) ||
            !cont->info.alias) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("SCSI controller '%u' of disk '%s' not found"),
                          addr->drive.controller, disk->dst);
            return -1;
        }
        /* the bus is named after the controller's alias (a user's ua- one too) */
        bus = g_strdup_printf("%s.0", cont->info.alias);
        /* the guest sees the same SCSI device identity whatever the image:
         * the serial, else the drive's name (libvirt's choice) */
        deviceId =
            disk->serial ? g_strdup(disk->serial) : g_strdup_printf("drive-%s", disk->info.alias);
        if (vbJSONValueObjectAdd(&obj, "s:driver", cdrom ? "scsi-cd" : "scsi-hd", "s:bus", bus,
                                 "u:channel", addr->drive.bus, "u:scsi-id", addr->drive.target,
                                 "u:lun", addr->drive.unit, "s:device_id", deviceId, NULL) < 0)
            return -1;
        break;
    case VB_DOMAIN_DISK_BUS_USB:
        if (vbQemuDeviceAddUSBAddress(&obj, def, &disk->info, "usb-storage") < 0)
            return -1;
        /* libvirt says 'off' when the XML says nothing (QEMU 7.2 knows it) */
        removable = disk->removable ? disk->removable : VB_TRISTATE_SWITCH_OFF;
        break;
    case VB_DOMAIN_DISK_BUS_NONE:
    case VB_DOMAIN_DISK_BUS_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected bus of disk '%s'"), disk->dst);
        return -1;
    }

    /* a number for QEMU; validation checked the 16 hexadecimal digits */
    if (disk->wwn)
        wwn = g_ascii_strtoull(disk->wwn, NULL, 16);

    vbQemuDeviceDiskErrorPolicy(disk, &wpolicy, &rpolicy);

    /* libvirt's order of the properties */
    if (vbJSONValueObjectAdd(&obj, "B:share-rw", shareable, "S:drive", drive, "s:id",
                             disk->info.alias, "Y:bootindex", bootIndex, "Y:wwn", wwn,
                             "T:removable", vbQemuDeviceTristate(removable), "S:write-cache",
                             writeCache, "S:serial", disk->serial, "S:werror", wpolicy, "S:rerror",
                             rpolicy, NULL) < 0)
        return -1;

    *props = g_steal_pointer(&obj);
    return 0;
}

/* ---- controller ---------------------------------------------------------- */

/* libvirt's checks of a PCI controller's options, with its wording */
static int
vbQemuDeviceValidatePCIController(const vbDomainDef *def, const vbDomainControllerDef *cont,
                                  bool q35)
{
    const char *model = vbDomainControllerModelTypeToString(cont->model);
    const char *modelName = vbDomainControllerPCIModelNameTypeToString(cont->modelName);
    vbDomainControllerPCIModelName wantName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE;
    const char *invalid = NULL;

    if ((cont->model == VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT && !q35) ||
        (cont->model == VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT && q35) ||
        (cont->index == 0) != (cont->model == VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT ||
                               cont->model == VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("PCI controller '%u' model '%s' is not supported on machine '%s'"),
                      cont->index, model, def->machine);
        return -1;
    }

    switch (cont->model) {
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        wantName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCI_BRIDGE;
        if (cont->chassis != -1)
            invalid = "chassis";
        else if (cont->port != -1)
            invalid = "port";
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        wantName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_I82801B11_BRIDGE;
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        wantName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_ROOT_PORT;
        if (cont->chassisNr != -1)
            invalid = "chassisNr";
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        wantName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_PCI_BRIDGE;
        break;
    default:
        break;
    }
    if (!invalid && cont->model != VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE &&
        cont->model != VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT) {
        if (cont->chassisNr != -1)
            invalid = "chassisNr";
        else if (cont->chassis != -1)
            invalid = "chassis";
        else if (cont->port != -1)
            invalid = "port";
    }
    if (!invalid && cont->hotplug != VB_TRISTATE_SWITCH_ABSENT &&
        cont->model != VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT)
        invalid = "hotplug";
    if (!invalid && wantName == VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE &&
        cont->modelName != VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE)
        invalid = "modelName";
    if (invalid) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("Option '%s' is not valid for PCI controller with index '%u', model '%s' and modelName '%s'"),
            invalid, cont->index, model, modelName);
        return -1;
    }
    if (wantName != VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE &&
        cont->modelName != VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE &&
        cont->modelName != wantName) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("Option '%s' has invalid value for PCI controller with index '%u', model '%s' and modelName '%s'"),
            "modelName", cont->index, model, modelName);
        return -1;
    }
    return 0;
}

/* The USB ports of an XHCI controller QEMU 7.2 accepts (its "p2"/"p3"). */
#define VB_QEMU_XHCI_PORTS_MAX 15

static int
vbQemuDeviceValidateUSBController(const vbDomainDef *def, const vbDomainControllerDef *cont)
{
    bool xhci = cont->model == VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI ||
                cont->model == VB_DOMAIN_CONTROLLER_MODEL_NEC_XHCI;
    bool companion = cont->model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1 ||
                     cont->model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2 ||
                     cont->model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3;

    if (cont->ports && !xhci) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("'ports' attribute is not supported by USB controller model '%s'"),
                      vbDomainControllerModelTypeToString(cont->model));
        return -1;
    }
    if (cont->ports > VB_QEMU_XHCI_PORTS_MAX) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("'%s' controller only supports up to '%u' ports"),
                      vbDomainControllerModelTypeToString(cont->model), VB_QEMU_XHCI_PORTS_MAX);
        return -1;
    }
    if (cont->startport >= 0 && !companion) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("<master startport> is only valid for a USB companion controller, not model '%s'"),
            vbDomainControllerModelTypeToString(cont->model));
        return -1;
    }
    if (companion && cont->model != VB_DOMAIN_CONTROLLER_MODEL_NONE) {
        size_t i;

        for (i = 0; i < def->ncontrollers; i++) {
            if (def->controllers[i]->type == VB_DOMAIN_CONTROLLER_TYPE_USB &&
                def->controllers[i]->index == cont->index &&
                def->controllers[i]->model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_EHCI1)
                return 0;
        }
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("USB companion controller '%s' with index '%u' has no 'ich9-ehci1' master with that index"),
            vbDomainControllerModelTypeToString(cont->model), cont->index);
        return -1;
    }
    return 0;
}

int
vbQemuDeviceValidateController(const vbDomainDef *def, const vbDomainControllerDef *cont)
{
    vbQemuMachineFamily family;
    bool q35;

    if (vbQemuDomainGetMachineFamily(def, &family) < 0)
        return -1;
    q35 = family == VB_QEMU_MACHINE_FAMILY_Q35;

    if (cont->queues && cont->type != VB_DOMAIN_CONTROLLER_TYPE_SCSI) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("'queues' is only supported by virtio-scsi controller"));
        return -1;
    }

    switch (cont->type) {
    case VB_DOMAIN_CONTROLLER_TYPE_PCI:
        if (vbQemuDeviceValidatePCIController(def, cont, q35) < 0)
            return -1;
        if (cont->index == 0)
            return 0;
        return vbQemuDeviceCheckAlias(def, cont->info.alias);

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

    case VB_DOMAIN_CONTROLLER_TYPE_USB:
        if (vbQemuDeviceValidateUSBController(def, cont) < 0)
            return -1;
        if (cont->model == VB_DOMAIN_CONTROLLER_MODEL_NONE)
            return 0;
        return vbQemuDeviceCheckAlias(def, cont->info.alias);

    case VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        return vbQemuDeviceCheckAlias(def, cont->info.alias);

    case VB_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected controller type %d"), (int) cont->type);
    return -1;
}

/* QEMU's device for each controller model we build; NULL for those that
 * are part of the machine or no device at all. */
static const char *
vbQemuDeviceControllerDriver(vbDomainControllerModel model)
{
    switch (model) {
    case VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI:
        return "virtio-scsi-pci";
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        return "pci-bridge";
    case VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        return "i82801b11-bridge";
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        return "pcie-root-port";
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        return "pcie-pci-bridge";
    case VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI:
        return "piix3-usb-uhci";
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_EHCI1:
        return "ich9-usb-ehci1";
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1:
        return "ich9-usb-uhci1";
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2:
        return "ich9-usb-uhci2";
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3:
        return "ich9-usb-uhci3";
    case VB_DOMAIN_CONTROLLER_MODEL_NEC_XHCI:
        return "nec-usb-xhci";
    case VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI:
        return "qemu-xhci";
    case VB_DOMAIN_CONTROLLER_MODEL_DEFAULT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_NONE:
    case VB_DOMAIN_CONTROLLER_MODEL_LAST:
        break;
    }
    return NULL;
}

int
vbQemuDeviceBuildControllerProps(const vbDomainDef *def, const vbDomainControllerDef *cont,
                                 vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;
    const char *driver = vbQemuDeviceControllerDriver(cont->model);
    g_autofree char *masterbus = NULL;
    g_autofree char *iothread = NULL;
    int rc = 0;

    *props = NULL;
    if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL) {
        /* ports 0: QEMU's default, left out as libvirt does; vectors 0
         * (MSI-X off) is passed on when given */
        if (vbJSONValueObjectAdd(&obj, "s:driver", "virtio-serial-pci", "s:id", cont->info.alias,
                                 "Y:max_ports", (unsigned long long) cont->ports, NULL) < 0 ||
            (cont->vectorsSet &&
             vbJSONValueObjectAdd(&obj, "U:vectors", (unsigned long long) cont->vectors, NULL) <
                 0) ||
            vbQemuDeviceAddPCIAddress(&obj, def, &cont->info, cont->info.alias) < 0)
            return -1;
        *props = g_steal_pointer(&obj);
        return 0;
    }
    if (!driver || cont->type == VB_DOMAIN_CONTROLLER_TYPE_SATA)
        return 0; /* part of the machine, or no device */

    switch (cont->model) {
    case VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI:
        if (cont->iothread)
            iothread = g_strdup_printf("iothread%u", cont->iothread);
        rc = vbJSONValueObjectAdd(&obj, "s:driver", driver, "S:iothread", iothread, "s:id",
                                  cont->info.alias, "Y:num_queues",
                                  (unsigned long long) cont->queues, NULL);
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        rc = vbJSONValueObjectAdd(&obj, "s:driver", driver, "i:chassis_nr", cont->chassisNr, "s:id",
                                  cont->info.alias, NULL);
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        rc = vbJSONValueObjectAdd(&obj, "s:driver", driver, "i:port", cont->port, "i:chassis",
                                  cont->chassis, "s:id", cont->info.alias, "T:hotplug",
                                  vbQemuDeviceTristate(cont->hotplug), NULL);
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3:
        /* a companion has no id of its own: it is part of its EHCI's bus */
        masterbus = g_strdup_printf("%s.0", cont->info.alias);
        rc = vbJSONValueObjectAdd(&obj, "s:driver", driver, "s:masterbus", masterbus, "i:firstport",
                                  MAX(cont->startport, 0), NULL);
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_NEC_XHCI:
    case VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI:
        rc = vbJSONValueObjectAdd(&obj, "s:driver", driver, "Y:p2",
                                  (unsigned long long) cont->ports, "Y:p3",
                                  (unsigned long long) cont->ports, "s:id", cont->info.alias, NULL);
        break;
    default:
        rc = vbJSONValueObjectAdd(&obj, "s:driver", driver, "s:id", cont->info.alias, NULL);
        break;
    }
    if (rc < 0 || vbQemuDeviceAddPCIAddress(&obj, def, &cont->info, cont->info.alias) < 0)
        return -1;
    *props = g_steal_pointer(&obj);
    return 0;
}

/* ---- input --------------------------------------------------------------- */

int
vbQemuDeviceValidateInput(const vbDomainDef *def, const vbDomainInputDef *input)
{
    switch (input->bus) {
    case VB_DOMAIN_INPUT_BUS_PS2:
        /* the machine's i8042: nothing to build */
        return 0;
    case VB_DOMAIN_INPUT_BUS_USB:
        if (!vbQemuDomainHasUSBBus(def)) {
            /* libvirt's wording */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Can't add USB input device. USB bus is disabled"));
            return -1;
        }
        if (input->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_USB) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("input device '%s' has no USB address assigned"),
                          NULLSTR(input->info.alias));
            return -1;
        }
        break;
    case VB_DOMAIN_INPUT_BUS_VIRTIO:
        break;
    case VB_DOMAIN_INPUT_BUS_XEN:
    case VB_DOMAIN_INPUT_BUS_PARALLELS:
    case VB_DOMAIN_INPUT_BUS_NONE:
    case VB_DOMAIN_INPUT_BUS_LAST:
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("input bus '%s' is not supported by virtblockd"),
                      NULLSTR(vbDomainInputBusTypeToString(input->bus)));
        return -1;
    }
    return vbQemuDeviceCheckAlias(def, input->info.alias);
}

/* QEMU's device of each input type on @bus: usb-* or virtio-*-pci */
static const char *
vbQemuDeviceInputDriver(const vbDomainInputDef *input)
{
    bool usb = input->bus == VB_DOMAIN_INPUT_BUS_USB;

    switch (input->type) {
    case VB_DOMAIN_INPUT_TYPE_MOUSE:
        return usb ? "usb-mouse" : "virtio-mouse-pci";
    case VB_DOMAIN_INPUT_TYPE_TABLET:
        return usb ? "usb-tablet" : "virtio-tablet-pci";
    case VB_DOMAIN_INPUT_TYPE_KBD:
        return usb ? "usb-kbd" : "virtio-keyboard-pci";
    case VB_DOMAIN_INPUT_TYPE_PASSTHROUGH:
    case VB_DOMAIN_INPUT_TYPE_EVDEV:
    case VB_DOMAIN_INPUT_TYPE_LAST:
        break;
    }
    return NULL;
}

int
vbQemuDeviceBuildInputProps(const vbDomainDef *def, const vbDomainInputDef *input,
                            vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;
    const char *driver = vbQemuDeviceInputDriver(input);
    const vbDomainControllerDef *usb = NULL;
    g_autofree char *bus = NULL;
    g_autofree char *port = NULL;

    *props = NULL;
    if (input->bus == VB_DOMAIN_INPUT_BUS_PS2)
        return 0;
    if (!driver) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected input type %d"), (int) input->type);
        return -1;
    }
    if (vbJSONValueObjectAdd(&obj, "s:driver", driver, "s:id", input->info.alias, NULL) < 0)
        return -1;

    switch (input->bus) {
    case VB_DOMAIN_INPUT_BUS_USB:
        /* the bus is named after the controller's alias, which a user (as
         * oVirt's ua- ones) may have given */
        if (!(usb = vbDomainDefFindController(def, VB_DOMAIN_CONTROLLER_TYPE_USB,
                                              input->info.addr.usb.bus)) ||
            !usb->info.alias) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("USB controller '%u' of input '%s' not found"),
                          input->info.addr.usb.bus, NULLSTR(input->info.alias));
            return -1;
        }
        bus = g_strdup_printf("%s.0", usb->info.alias);
        /* QEMU's USB port is a string: "1", or "1.2" behind a hub */
        port = g_strdup_printf("%u", input->info.addr.usb.port);
        if (vbJSONValueObjectAdd(&obj, "s:bus", bus, "s:port", port, NULL) < 0)
            return -1;
        break;
    case VB_DOMAIN_INPUT_BUS_VIRTIO:
        if (vbQemuDeviceAddPCIAddress(&obj, def, &input->info, input->info.alias) < 0)
            return -1;
        break;
    case VB_DOMAIN_INPUT_BUS_PS2:
    case VB_DOMAIN_INPUT_BUS_XEN:
    case VB_DOMAIN_INPUT_BUS_PARALLELS:
    case VB_DOMAIN_INPUT_BUS_NONE:
    case VB_DOMAIN_INPUT_BUS_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected input bus %d"), (int) input->bus);
        return -1;
    }
    *props = g_steal_pointer(&obj);
    return 0;
}

/* ---- graphics ------------------------------------------------------------ */

int
vbQemuDeviceValidateGraphics(const vbDomainDef *def G_GNUC_UNUSED,
                             const vbDomainGraphicsDef *graphics)
{
    bool onPort = graphics->listenType == VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS;

    if (graphics->type != VB_DOMAIN_GRAPHICS_TYPE_VNC) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("graphics type '%s' is not supported by virtblockd; only 'vnc' is"),
                      NULLSTR(vbDomainGraphicsTypeTypeToString(graphics->type)));
        return -1;
    }
    /* libvirt's check and wording; an automatic port not yet picked is 0 */
    if (onPort && (!graphics->autoport || graphics->port != 0) &&
        (graphics->port < VB_DOMAIN_GRAPHICS_VNC_PORT_MIN ||
         graphics->port > VB_DOMAIN_GRAPHICS_VNC_PORT_MAX)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("vnc port must be in range [%d,%d]"),
                      VB_DOMAIN_GRAPHICS_VNC_PORT_MIN, VB_DOMAIN_GRAPHICS_VNC_PORT_MAX);
        return -1;
    }
    if (graphics->listenType == VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NETWORK) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("graphics listen type 'network' is not supported by virtblockd, which manages no networks; use type 'address'"));
        return -1;
    }
    return 0;
}

/* ---- video --------------------------------------------------------------- */

int
vbQemuDeviceValidateVideo(const vbDomainDef *def, const vbDomainVideoDef *video)
{
    if (video->type == VB_DOMAIN_VIDEO_TYPE_NONE)
        return 0;
    if (!vbDomainVideoDefIsVGA(video)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("domain configuration does not support video model '%s'"),
                      NULLSTR(vbDomainVideoTypeTypeToString(video->type)));
        return -1;
    }
    return vbQemuDeviceCheckAlias(def, video->info.alias);
}

/* QEMU's device of @video: the VGA-compatible one for the primary video,
 * a display-only one for the others (libvirt's choice) */
static const char *
vbQemuDeviceVideoDriver(const vbDomainVideoDef *video)
{
    switch (video->type) {
    case VB_DOMAIN_VIDEO_TYPE_VGA:
        return "VGA";
    case VB_DOMAIN_VIDEO_TYPE_CIRRUS:
        return "cirrus-vga";
    case VB_DOMAIN_VIDEO_TYPE_QXL:
        return video->primary ? "qxl-vga" : "qxl";
    case VB_DOMAIN_VIDEO_TYPE_VIRTIO:
        return video->primary ? "virtio-vga" : "virtio-gpu-pci";
    case VB_DOMAIN_VIDEO_TYPE_BOCHS:
        return "bochs-display";
    case VB_DOMAIN_VIDEO_TYPE_DEFAULT:
    case VB_DOMAIN_VIDEO_TYPE_VMVGA:
    case VB_DOMAIN_VIDEO_TYPE_XEN:
    case VB_DOMAIN_VIDEO_TYPE_VBOX:
    case VB_DOMAIN_VIDEO_TYPE_PARALLELS:
    case VB_DOMAIN_VIDEO_TYPE_GOP:
    case VB_DOMAIN_VIDEO_TYPE_NONE:
    case VB_DOMAIN_VIDEO_TYPE_RAMFB:
    case VB_DOMAIN_VIDEO_TYPE_LAST:
        break;
    }
    return NULL;
}

int
vbQemuDeviceBuildVideoProps(const vbDomainDef *def, const vbDomainVideoDef *video,
                            vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;
    const char *driver = vbQemuDeviceVideoDriver(video);
    bool multihead =
        video->type == VB_DOMAIN_VIDEO_TYPE_QXL || video->type == VB_DOMAIN_VIDEO_TYPE_VIRTIO;

    *props = NULL;
    if (video->type == VB_DOMAIN_VIDEO_TYPE_NONE)
        return 0;
    if (!driver) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected video model %d"), (int) video->type);
        return -1;
    }
    /* sizes: <model> gives KiB, QEMU wants bytes or MiB as named */
    if (vbJSONValueObjectAdd(&obj, "s:driver", driver, "s:id", video->info.alias, NULL) < 0 ||
        (multihead && video->heads &&
         vbJSONValueObjectAdd(&obj, "u:max_outputs", video->heads, NULL) < 0))
        return -1;
    switch (video->type) {
    case VB_DOMAIN_VIDEO_TYPE_QXL:
        if (vbJSONValueObjectAdd(&obj, "U:ram_size", (unsigned long long) video->ram * 1024,
                                 "U:vram_size", (unsigned long long) video->vram * 1024,
                                 "u:vram64_size_mb", video->vram64 / 1024, "u:vgamem_mb",
                                 video->vgamem / 1024, NULL) < 0)
            return -1;
        break;
    case VB_DOMAIN_VIDEO_TYPE_VGA:
        if (video->vram && vbJSONValueObjectAdd(&obj, "u:vgamem_mb", video->vram / 1024, NULL) < 0)
            return -1;
        break;
    case VB_DOMAIN_VIDEO_TYPE_BOCHS:
        if (video->vram && vbJSONValueObjectAdd(&obj, "U:vgamem",
                                                (unsigned long long) video->vram * 1024, NULL) < 0)
            return -1;
        break;
    case VB_DOMAIN_VIDEO_TYPE_CIRRUS:
    case VB_DOMAIN_VIDEO_TYPE_VIRTIO:
    case VB_DOMAIN_VIDEO_TYPE_DEFAULT:
    case VB_DOMAIN_VIDEO_TYPE_VMVGA:
    case VB_DOMAIN_VIDEO_TYPE_XEN:
    case VB_DOMAIN_VIDEO_TYPE_VBOX:
    case VB_DOMAIN_VIDEO_TYPE_PARALLELS:
    case VB_DOMAIN_VIDEO_TYPE_GOP:
    case VB_DOMAIN_VIDEO_TYPE_NONE:
    case VB_DOMAIN_VIDEO_TYPE_RAMFB:
    case VB_DOMAIN_VIDEO_TYPE_LAST:
        break;
    }
    if (vbQemuDeviceAddPCIAddress(&obj, def, &video->info, video->info.alias) < 0)
        return -1;
    *props = g_steal_pointer(&obj);
    return 0;
}

/* ---- serial port --------------------------------------------------------- */

int
vbQemuDeviceValidateChr(const vbDomainDef *def, const vbDomainChrDef *chr)
{
    if (!vbQemuDeviceChrIsSerialPort(chr))
        return vbQemuDeviceCheckAlias(def, chr->info.alias);
    if (chr->port >= VB_QEMU_ISA_SERIAL_PORTS) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("serial port '%u' is not supported, the ISA bus has ports 0 to 3"),
                      chr->port);
        return -1;
    }
    return vbQemuDeviceCheckAlias(def, chr->info.alias);
}

bool
vbQemuDeviceChrIsSerialPort(const vbDomainChrDef *chr)
{
    return !chr->channel && chr->target == VB_DOMAIN_CHR_TARGET_SERIAL;
}

char *
vbQemuDeviceChrBackendAlias(const vbDomainChrDef *chr)
{
    return g_strdup_printf("char%s", chr->info.alias);
}

int
vbQemuDeviceChrAssignSocketPaths(vbDomainDef *def, const char *dir)
{
    size_t i;

    for (i = 0; i < def->nchrs; i++) {
        vbDomainChrDef *chr = def->chrs[i];
        const vbDomainDeviceAddress *addr = &chr->info.addr;

        if (chr->type != VB_DOMAIN_CHR_TYPE_UNIX || chr->socketPath)
            continue;
        if (chr->targetName)
            chr->socketPath = g_build_filename(dir, chr->targetName, NULL);
        else
            chr->socketPath =
                g_strdup_printf("%s/vioser-%02u-%02u-%02u.sock", dir, addr->vioserial.controller,
                                addr->vioserial.bus, addr->vioserial.port);
    }
    return 0;
}

void
vbQemuDeviceChrDropSocketPaths(vbDomainDef *def, const char *dir)
{
    size_t i;

    for (i = 0; i < def->nchrs; i++) {
        vbDomainChrDef *chr = def->chrs[i];
        g_autofree char *chrdir = NULL;

        if (chr->type != VB_DOMAIN_CHR_TYPE_UNIX || !chr->socketPath)
            continue;
        chrdir = g_path_get_dirname(chr->socketPath);
        if (g_str_equal(chrdir, dir))
            g_clear_pointer(&chr->socketPath, g_free);
    }
}

/* The virtio-serial controller a channel's address names */
static const vbDomainControllerDef *
vbQemuDeviceVirtioSerialController(const vbDomainDef *def, const vbDomainChrDef *chr)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const vbDomainControllerDef *cont = def->controllers[i];

        if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL &&
            cont->index == chr->info.addr.vioserial.controller)
            return cont;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("channel '%s' has no virtio-serial controller"),
                  NULLSTR(chr->info.alias));
    return NULL;
}

int
vbQemuDeviceBuildChrProps(const vbDomainDef *def, const vbDomainChrDef *chr, vbJSONValue **props)
{
    g_autofree char *chardev = vbQemuDeviceChrBackendAlias(chr);
    const vbDomainControllerDef *cont;
    g_autofree char *bus = NULL;

    *props = NULL;
    if (chr->channel) {
        if (chr->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("channel '%s' has no virtio-serial address assigned"),
                          NULLSTR(chr->info.alias));
            return -1;
        }
        if (!(cont = vbQemuDeviceVirtioSerialController(def, chr)))
            return -1;
        bus = g_strdup_printf("%s.%u", cont->info.alias, chr->info.addr.vioserial.bus);
        return vbJSONValueObjectAdd(props, "s:driver", "virtserialport", "s:bus", bus, "u:nr",
                                    chr->info.addr.vioserial.port, "s:chardev", chardev, "s:id",
                                    chr->info.alias, "S:name", chr->targetName, NULL);
    }
    if (chr->target == VB_DOMAIN_CHR_TARGET_VIRTIO) {
        /* QEMU puts it on the first virtio-serial bus, as libvirt leaves it */
        return vbJSONValueObjectAdd(props, "s:driver", "virtconsole", "s:chardev", chardev, "s:id",
                                    chr->info.alias, NULL);
    }
    return vbJSONValueObjectAdd(props, "s:driver", "isa-serial", "s:chardev", chardev, "s:id",
                                chr->info.alias, "u:index", chr->port, NULL);
}

/* ---- watchdog ------------------------------------------------------------ */

int
vbQemuDeviceValidateWatchdog(const vbDomainDef *def, const vbDomainWatchdogDef *watchdog)
{
    /* libvirt pauses QEMU and writes a core dump itself; we write none */
    if (watchdog->action == VB_DOMAIN_WATCHDOG_ACTION_DUMP) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("watchdog action 'dump' is not supported by virtblockd, which writes no core dumps"));
        return -1;
    }
    return vbQemuDeviceCheckAlias(def, watchdog->info.alias);
}

int
vbQemuDeviceBuildWatchdogProps(const vbDomainDef *def, const vbDomainWatchdogDef *watchdog,
                               vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;

    *props = NULL;
    if (vbJSONValueObjectAdd(&obj, "s:driver", vbDomainWatchdogModelTypeToString(watchdog->model),
                             "s:id", watchdog->info.alias, NULL) < 0)
        return -1;
    switch (watchdog->model) {
    case VB_DOMAIN_WATCHDOG_MODEL_I6300ESB:
        if (vbQemuDeviceAddPCIAddress(&obj, def, &watchdog->info, watchdog->info.alias) < 0)
            return -1;
        break;
    case VB_DOMAIN_WATCHDOG_MODEL_IB700:
        /* an ISA device at its fixed port */
        break;
    case VB_DOMAIN_WATCHDOG_MODEL_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected watchdog model %d"),
                      (int) watchdog->model);
        return -1;
    }
    *props = g_steal_pointer(&obj);
    return 0;
}

const char *
vbQemuDeviceWatchdogAction(vbDomainWatchdogAction action)
{
    switch (action) {
    case VB_DOMAIN_WATCHDOG_ACTION_RESET:
        return "reset";
    case VB_DOMAIN_WATCHDOG_ACTION_SHUTDOWN:
        return "shutdown";
    case VB_DOMAIN_WATCHDOG_ACTION_POWEROFF:
        return "poweroff";
    case VB_DOMAIN_WATCHDOG_ACTION_DUMP:
        /* libvirt pauses QEMU to take its dump */
    case VB_DOMAIN_WATCHDOG_ACTION_PAUSE:
        return "pause";
    case VB_DOMAIN_WATCHDOG_ACTION_NONE:
        return "none";
    case VB_DOMAIN_WATCHDOG_ACTION_INJECTNMI:
        return "inject-nmi";
    case VB_DOMAIN_WATCHDOG_ACTION_LAST:
        break;
    }
    return NULL;
}

/* ---- memballoon ---------------------------------------------------------- */

int
vbQemuDeviceValidateMemballoon(const vbDomainDef *def, const vbDomainMemballoonDef *balloon)
{
    if (balloon->model == VB_DOMAIN_MEMBALLOON_MODEL_NONE)
        return 0;
    return vbQemuDeviceCheckAlias(def, balloon->info.alias);
}

/* QEMU's bool of an on/off switch, as "T:" takes it: -1 leaves it out */
static int
vbQemuDeviceSwitch(vbDomainMemballoonSwitch sw)
{
    if (sw == VB_DOMAIN_MEMBALLOON_SWITCH_ABSENT)
        return -1;
    return sw == VB_DOMAIN_MEMBALLOON_SWITCH_ON;
}

int
vbQemuDeviceBuildMemballoonProps(const vbDomainDef *def, const vbDomainMemballoonDef *balloon,
                                 vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;

    *props = NULL;
    switch (balloon->model) {
    case VB_DOMAIN_MEMBALLOON_MODEL_NONE:
        return 0;
    case VB_DOMAIN_MEMBALLOON_MODEL_VIRTIO:
        if (vbJSONValueObjectAdd(&obj, "s:driver", "virtio-balloon-pci", "s:id",
                                 balloon->info.alias, NULL) < 0 ||
            vbJSONValueObjectAdd(&obj, "T:deflate-on-oom", vbQemuDeviceSwitch(balloon->autodeflate),
                                 "T:free-page-reporting",
                                 vbQemuDeviceSwitch(balloon->freePageReporting), NULL) < 0 ||
            vbQemuDeviceAddPCIAddress(&obj, def, &balloon->info, balloon->info.alias) < 0)
            return -1;
        *props = g_steal_pointer(&obj);
        return 0;
    case VB_DOMAIN_MEMBALLOON_MODEL_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected memballoon model %d"),
                  (int) balloon->model);
    return -1;
}

/* ---- rng ----------------------------------------------------------------- */

int
vbQemuDeviceValidateRNG(const vbDomainDef *def, const vbDomainRNGDef *rng)
{
    return vbQemuDeviceCheckAlias(def, rng->info.alias);
}

char *
vbQemuDeviceRNGBackendAlias(const vbDomainRNGDef *rng)
{
    return g_strdup_printf("obj%s", rng->info.alias);
}

char *
vbQemuDeviceRNGChardevAlias(const vbDomainRNGDef *rng)
{
    return g_strdup_printf("char%s", rng->info.alias);
}

int
vbQemuDeviceBuildRNGBackendProps(const vbDomainRNGDef *rng, vbJSONValue **props)
{
    g_autofree char *id = vbQemuDeviceRNGBackendAlias(rng);
    g_autofree char *chardev = NULL;

    *props = NULL;
    switch (rng->backend) {
    case VB_DOMAIN_RNG_BACKEND_RANDOM:
        return vbJSONValueObjectAdd(props, "s:qom-type", "rng-random", "s:id", id, "s:filename",
                                    rng->path, NULL);
    case VB_DOMAIN_RNG_BACKEND_EGD:
        chardev = vbQemuDeviceRNGChardevAlias(rng);
        return vbJSONValueObjectAdd(props, "s:qom-type", "rng-egd", "s:id", id, "s:chardev",
                                    chardev, NULL);
    case VB_DOMAIN_RNG_BACKEND_BUILTIN:
        return vbJSONValueObjectAdd(props, "s:qom-type", "rng-builtin", "s:id", id, NULL);
    case VB_DOMAIN_RNG_BACKEND_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected rng backend %d"), (int) rng->backend);
    return -1;
}

/* QEMU's default period of virtio-rng, which libvirt writes out when only
 * the bytes are given */
#define VB_QEMU_RNG_PERIOD_DEFAULT 1000

int
vbQemuDeviceBuildRNGProps(const vbDomainDef *def, const vbDomainRNGDef *rng, vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;
    g_autofree char *backend = vbQemuDeviceRNGBackendAlias(rng);
    unsigned int period = rng->ratePeriod ? rng->ratePeriod : VB_QEMU_RNG_PERIOD_DEFAULT;

    *props = NULL;
    if (vbJSONValueObjectAdd(&obj, "s:driver", "virtio-rng-pci", "s:rng", backend, "s:id",
                             rng->info.alias, NULL) < 0)
        return -1;
    if (rng->rateBytes &&
        vbJSONValueObjectAdd(&obj, "u:max-bytes", rng->rateBytes, "u:period", period, NULL) < 0)
        return -1;
    if (vbQemuDeviceAddPCIAddress(&obj, def, &rng->info, rng->info.alias) < 0)
        return -1;
    *props = g_steal_pointer(&obj);
    return 0;
}

/* ---- panic --------------------------------------------------------------- */

int
vbQemuDeviceBuildPanicProps(const vbDomainDef *def G_GNUC_UNUSED, const vbDomainPanicDef *panic,
                            vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;

    *props = NULL;
    /* pvpanic has no id in libvirt's command line either */
    if (vbJSONValueObjectAdd(&obj, "s:driver", "pvpanic", NULL) < 0)
        return -1;
    if (panic->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_ISA && panic->info.addr.isa.iobase &&
        vbJSONValueObjectAdd(&obj, "u:ioport", panic->info.addr.isa.iobase, NULL) < 0)
        return -1;
    *props = g_steal_pointer(&obj);
    return 0;
}

/* ---- interface ----------------------------------------------------------- */

int
vbQemuDeviceValidateNet(const vbDomainDef *def, const vbDomainNetDef *net)
{
    char mac[VB_MAC_STRING_BUFLEN];

    switch (net->type) {
    case VB_DOMAIN_NET_TYPE_USER:
        if (net->queues > 0) {
            /* libvirt's wording: only tap devices have queues */
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("interface %s - multiqueue is not supported for network interfaces of type %s"),
                vbMacAddrFormat(&net->mac, mac), vbDomainNetTypeTypeToString(net->type));
            return -1;
        }
        break;
    case VB_DOMAIN_NET_TYPE_DIRECT:
        /* the mode that takes over the parent (libvirt saves and sets the
         * parent's MAC address and VLAN for it): not done */
        if (net->directMode == VB_DOMAIN_NET_DIRECT_MODE_PASSTHROUGH) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("interface %s - macvtap mode '%s' is not supported"),
                          vbMacAddrFormat(&net->mac, mac),
                          vbDomainNetDirectModeTypeToString(net->directMode));
            return -1;
        }
        break;
    case VB_DOMAIN_NET_TYPE_ETHERNET:
    case VB_DOMAIN_NET_TYPE_BRIDGE:
        /* a tap: the driver creates (or opens) it and hands QEMU its
         * queues */
        break;
    case VB_DOMAIN_NET_TYPE_NETWORK:
    case VB_DOMAIN_NET_TYPE_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected interface type %d"), (int) net->type);
        return -1;
    }
    return vbQemuDeviceCheckAlias(def, net->info.alias);
}

char *
vbQemuDeviceNetBackendAlias(const vbDomainNetDef *net)
{
    return g_strdup_printf("host%s", net->info.alias);
}

int
vbQemuDeviceBuildNetBackendProps(const vbDomainNetDef *net, vbJSONValue **props)
{
    g_autofree char *id = vbQemuDeviceNetBackendAlias(net);

    *props = NULL;
    if (net->type != VB_DOMAIN_NET_TYPE_USER) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected interface type %d"), (int) net->type);
        return -1;
    }
    return vbJSONValueObjectAdd(props, "s:type", "user", "s:id", id, NULL);
}

void
vbQemuDeviceNetTapFdCount(const vbDomainNetDef *net, bool vhostNet, size_t *ntapfds,
                          size_t *nvhostfds)
{
    *ntapfds = 0;
    *nvhostfds = 0;
    switch (net->type) {
    case VB_DOMAIN_NET_TYPE_ETHERNET:
    case VB_DOMAIN_NET_TYPE_BRIDGE:
    case VB_DOMAIN_NET_TYPE_DIRECT:
        *ntapfds = net->queues > 1 ? net->queues : 1;
        if (vhostNet && net->model == VB_DOMAIN_NET_MODEL_VIRTIO)
            *nvhostfds = *ntapfds;
        break;
    case VB_DOMAIN_NET_TYPE_USER:
    case VB_DOMAIN_NET_TYPE_NETWORK:
    case VB_DOMAIN_NET_TYPE_LAST:
        break;
    }
}

int
vbQemuDeviceBuildNetTapBackendProps(const vbDomainNetDef *net, const char *tapfds,
                                    const char *vhostfds, vbJSONValue **props)
{
    g_autofree char *id = vbQemuDeviceNetBackendAlias(net);

    *props = NULL;
    if (net->type != VB_DOMAIN_NET_TYPE_ETHERNET && net->type != VB_DOMAIN_NET_TYPE_BRIDGE &&
        net->type != VB_DOMAIN_NET_TYPE_DIRECT) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected interface type %d"), (int) net->type);
        return -1;
    }
    /* as libvirt: 'fd' for one queue, 'fds' joined by ':' for more */
    return vbJSONValueObjectAdd(props, "s:type", "tap", strchr(tapfds, ':') ? "s:fds" : "s:fd",
                                tapfds, "B:vhost", vhostfds != NULL,
                                vhostfds && strchr(vhostfds, ':') ? "S:vhostfds" : "S:vhostfd",
                                vhostfds, "s:id", id, NULL);
}

/* The bootindex of @net: its <boot order>, else for the first interface
 * the position of 'network' in <os><boot dev> (libvirt's
 * qemuProcessPrepareDeviceBootorder) */
static unsigned int
vbQemuDeviceNetBootIndex(const vbDomainDef *def, const vbDomainNetDef *net)
{
    size_t i;

    if (net->info.bootIndex > 0)
        return net->info.bootIndex;
    if (def->nnets == 0 || def->nets[0] != net)
        return 0;
    for (i = def->os.nBootDevs; i > 0; i--) {
        if (def->os.bootDevs[i - 1] == VB_DOMAIN_BOOT_NET)
            return i;
    }
    return 0;
}

static const char *
vbQemuDeviceNetDriver(vbDomainNetModel model)
{
    switch (model) {
    case VB_DOMAIN_NET_MODEL_VIRTIO:
        return "virtio-net-pci";
    case VB_DOMAIN_NET_MODEL_E1000E:
    case VB_DOMAIN_NET_MODEL_E1000:
    case VB_DOMAIN_NET_MODEL_RTL8139:
        return vbDomainNetModelTypeToString(model);
    case VB_DOMAIN_NET_MODEL_NONE:
    case VB_DOMAIN_NET_MODEL_LAST:
        break;
    }
    return NULL;
}

int
vbQemuDeviceBuildNetProps(const vbDomainDef *def, const vbDomainNetDef *net, vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;
    g_autofree char *netdev = vbQemuDeviceNetBackendAlias(net);
    const char *driver = vbQemuDeviceNetDriver(net->model);
    char mac[VB_MAC_STRING_BUFLEN];

    *props = NULL;
    if (!driver) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected interface model %d"), (int) net->model);
        return -1;
    }
    if (vbJSONValueObjectAdd(&obj, "s:driver", driver, NULL) < 0)
        return -1;
    /* as libvirt: the vectors QEMU's multiqueue advice asks for, and the
     * MTU the guest is told (virtio only) */
    if (net->model == VB_DOMAIN_NET_MODEL_VIRTIO &&
        (vbJSONValueObjectAdd(&obj, "B:mq", net->queues > 1, "Y:vectors",
                              net->queues > 1 ? 2ULL * net->queues + 2 : 0, "Y:host_mtu",
                              (unsigned long long) net->mtu, NULL) < 0))
        return -1;
    if (vbJSONValueObjectAdd(&obj, "s:netdev", netdev, "s:id", net->info.alias, "s:mac",
                             vbMacAddrFormat(&net->mac, mac), "Y:bootindex",
                             (unsigned long long) vbQemuDeviceNetBootIndex(def, net), NULL) < 0 ||
        vbQemuDeviceAddPCIAddress(&obj, def, &net->info, net->info.alias) < 0)
        return -1;
    *props = g_steal_pointer(&obj);
    return 0;
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
    case VB_DOMAIN_DEVICE_INPUT:
        return vbQemuDeviceValidateInput(def, dev->data.input);
    case VB_DOMAIN_DEVICE_GRAPHICS:
        return vbQemuDeviceValidateGraphics(def, dev->data.graphics);
    case VB_DOMAIN_DEVICE_AUDIO:
        /* conf accepts type 'none' only, which QEMU always has */
        return 0;
    case VB_DOMAIN_DEVICE_VIDEO:
        return vbQemuDeviceValidateVideo(def, dev->data.video);
    case VB_DOMAIN_DEVICE_CHR:
        return vbQemuDeviceValidateChr(def, dev->data.chr);
    case VB_DOMAIN_DEVICE_WATCHDOG:
        return vbQemuDeviceValidateWatchdog(def, dev->data.watchdog);
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        return vbQemuDeviceValidateMemballoon(def, dev->data.memballoon);
    case VB_DOMAIN_DEVICE_RNG:
        return vbQemuDeviceValidateRNG(def, dev->data.rng);
    case VB_DOMAIN_DEVICE_NET:
        return vbQemuDeviceValidateNet(def, dev->data.net);
    case VB_DOMAIN_DEVICE_PANIC:
        /* conf checked the model and address: pvpanic takes either */
        return 0;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected device type %d"), (int) dev->type);
    return -1;
}

int
vbQemuDeviceBuildProps(const vbDomainDef *def, const vbDomainDeviceDef *dev, vbJSONValue **props)
{
    *props = NULL;
    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        return vbQemuDeviceBuildDiskProps(def, dev->data.disk, props);
    case VB_DOMAIN_DEVICE_CONTROLLER:
        return vbQemuDeviceBuildControllerProps(def, dev->data.controller, props);
    case VB_DOMAIN_DEVICE_INPUT:
        return vbQemuDeviceBuildInputProps(def, dev->data.input, props);
    case VB_DOMAIN_DEVICE_GRAPHICS:
        /* a server of QEMU's (-vnc), no device */
        return 0;
    case VB_DOMAIN_DEVICE_AUDIO:
        /* a backend of QEMU's (-audiodev), no device */
        return 0;
    case VB_DOMAIN_DEVICE_VIDEO:
        return vbQemuDeviceBuildVideoProps(def, dev->data.video, props);
    case VB_DOMAIN_DEVICE_CHR:
        return vbQemuDeviceBuildChrProps(def, dev->data.chr, props);
    case VB_DOMAIN_DEVICE_WATCHDOG:
        return vbQemuDeviceBuildWatchdogProps(def, dev->data.watchdog, props);
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        return vbQemuDeviceBuildMemballoonProps(def, dev->data.memballoon, props);
    case VB_DOMAIN_DEVICE_RNG:
        return vbQemuDeviceBuildRNGProps(def, dev->data.rng, props);
    case VB_DOMAIN_DEVICE_NET:
        return vbQemuDeviceBuildNetProps(def, dev->data.net, props);
    case VB_DOMAIN_DEVICE_PANIC:
        return vbQemuDeviceBuildPanicProps(def, dev->data.panic, props);
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected device type %d"), (int) dev->type);
    return -1;
}
