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

/* "bus" and "addr" of a device in a slot of the root PCI bus */
static int
vbQemuDeviceAddPCIAddress(vbJSONValue **props, const vbDomainDef *def,
                          const vbDomainDeviceInfo *info, const char *devname)
{
    vbQemuMachineFamily family;
    g_autofree char *addr = NULL;

    if (info->addr.type != VB_DOMAIN_DEVICE_ADDRESS_PCI) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("device '%s' has no PCI address assigned"),
                      devname);
        return -1;
    }
    if (vbQemuDomainGetMachineFamily(def, &family) < 0)
        return -1;
    /* QEMU's PCI address property is a string, "slot[.function]" */
    addr = g_strdup_printf("0x%x", info->addr.pci.slot);
    return vbJSONValueObjectAdd(props, "s:bus", vbQemuDomainPCIRootBusName(family), "s:addr", addr,
                                NULL);
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
 * The bootindex of @disk, 0 for none: its <boot order> when any disk has
 * one; otherwise <os><boot dev>, which libvirt turns into the same values:
 * "hd" is the first disk, "cdrom" the first cdrom not yet counted, in the
 * order of the <boot> elements.
 */
static unsigned int
vbQemuDeviceDiskBootIndex(const vbDomainDef *def, const vbDomainDiskDef *disk)
{
    g_autofree bool *counted = g_new0(bool, def->ndisks + 1);
    unsigned int next = 1;
    size_t i;
    size_t j;

    if (disk->info.bootIndex > 0)
        return disk->info.bootIndex;
    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->info.bootIndex > 0)
            return 0;
    }

    for (i = 0; def->bootDevs && def->bootDevs[i]; i++) {
        vbDomainDiskDevice want;

        if (strcmp(def->bootDevs[i], "hd") == 0)
            want = VB_DOMAIN_DISK_DEVICE_DISK;
        else if (strcmp(def->bootDevs[i], "cdrom") == 0)
            want = VB_DOMAIN_DISK_DEVICE_CDROM;
        else
            continue; /* network, fd: no such devices here */

        for (j = 0; j < def->ndisks; j++) {
            if (def->disks[j]->device == want && !counted[j]) {
                if (def->disks[j] == disk)
                    return next;
                counted[j] = true;
                next++;
                break;
            }
        }
    }
    return 0;
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

    *props = NULL;
    if (!empty && !drive) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("image '%s' of disk '%s' has no node names assigned"),
                      NULLSTR(disk->src->path), disk->dst);
        return -1;
    }

    switch (disk->bus) {
    case VB_DOMAIN_DISK_BUS_VIRTIO:
        if (vbJSONValueObjectAdd(&obj, "s:driver", "virtio-blk-pci", NULL) < 0 ||
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
        bus = g_strdup_printf("scsi%u.0", addr->drive.controller);
        /* the guest sees the same SCSI device identity whatever the image */
        deviceId = g_strdup_printf("drive-%s", disk->info.alias);
        if (vbJSONValueObjectAdd(&obj, "s:driver", cdrom ? "scsi-cd" : "scsi-hd", "s:bus", bus,
                                 "u:channel", addr->drive.bus, "u:scsi-id", addr->drive.target,
                                 "u:lun", addr->drive.unit, "s:device_id", deviceId, NULL) < 0)
            return -1;
        break;
    case VB_DOMAIN_DISK_BUS_NONE:
    case VB_DOMAIN_DISK_BUS_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected bus of disk '%s'"), disk->dst);
        return -1;
    }

    if (vbJSONValueObjectAdd(&obj, "B:share-rw", shareable, "S:drive", drive, "s:id",
                             disk->info.alias, "Y:bootindex", bootIndex, "S:serial", disk->serial,
                             "S:write-cache", writeCache, NULL) < 0)
        return -1;

    *props = g_steal_pointer(&obj);
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

int
vbQemuDeviceBuildControllerProps(const vbDomainDef *def, const vbDomainControllerDef *cont,
                                 vbJSONValue **props)
{
    g_autoptr(vbJSONValue) obj = NULL;

    *props = NULL;
    switch (cont->type) {
    case VB_DOMAIN_CONTROLLER_TYPE_PCI:
    case VB_DOMAIN_CONTROLLER_TYPE_SATA:
        /* part of the machine */
        return 0;

    case VB_DOMAIN_CONTROLLER_TYPE_SCSI:
        if (vbJSONValueObjectAdd(&obj, "s:driver", "virtio-scsi-pci", "s:id", cont->info.alias,
                                 NULL) < 0 ||
            vbQemuDeviceAddPCIAddress(&obj, def, &cont->info, cont->info.alias) < 0)
            return -1;
        *props = g_steal_pointer(&obj);
        return 0;

    case VB_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected controller type %d"), (int) cont->type);
    return -1;
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
        /* QEMU's USB port is a string: "1", or "1.2" behind a hub */
        port = g_strdup_printf("%u", input->info.addr.usb.port);
        if (vbJSONValueObjectAdd(&obj, "s:bus", "usb.0", "s:port", port, NULL) < 0)
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
    if (chr->port >= VB_QEMU_ISA_SERIAL_PORTS) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("serial port '%u' is not supported, the ISA bus has ports 0 to 3"),
                      chr->port);
        return -1;
    }
    return vbQemuDeviceCheckAlias(def, chr->info.alias);
}

char *
vbQemuDeviceChrBackendAlias(const vbDomainChrDef *chr)
{
    return g_strdup_printf("char%s", chr->info.alias);
}

int
vbQemuDeviceBuildChrProps(const vbDomainDef *def G_GNUC_UNUSED, const vbDomainChrDef *chr,
                          vbJSONValue **props)
{
    g_autofree char *chardev = vbQemuDeviceChrBackendAlias(chr);

    *props = NULL;
    return vbJSONValueObjectAdd(props, "s:driver", "isa-serial", "s:chardev", chardev, "s:id",
                                chr->info.alias, "u:index", chr->port, NULL);
}

/* ---- memballoon ---------------------------------------------------------- */

int
vbQemuDeviceBuildMemballoonProps(const vbDomainDef *def G_GNUC_UNUSED,
                                 const vbDomainMemballoonDef *balloon, vbJSONValue **props)
{
    *props = NULL;
    switch (balloon->model) {
    case VB_DOMAIN_MEMBALLOON_MODEL_NONE:
        return 0;
    case VB_DOMAIN_MEMBALLOON_MODEL_VIRTIO:
    case VB_DOMAIN_MEMBALLOON_MODEL_LAST:
        break;
    }
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  _("memballoon model '%s' is not supported, only 'none' is"),
                  NULLSTR(vbDomainMemballoonModelTypeToString(balloon->model)));
    return -1;
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
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        /* nothing to check: the builder refuses any model but 'none',
         * which is all conf accepts */
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
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        return vbQemuDeviceBuildMemballoonProps(def, dev->data.memballoon, props);
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected device type %d"), (int) dev->type);
    return -1;
}
