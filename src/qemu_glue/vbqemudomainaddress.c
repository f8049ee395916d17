/*
 * vbqemudomainaddress.c: device aliases and addresses of a QEMU domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbqemudomainaddress.h"
#include "vbqemudevice.h"
#include "vbqemupciaddress.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

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

/* ---- aliases ------------------------------------------------------------- */

static char *
vbQemuDomainDiskAlias(const vbDomainDiskDef *disk)
{
    const vbDomainDeviceAddress *a = &disk->info.addr;
    int idx;

    switch (disk->bus) {
    case VB_DOMAIN_DISK_BUS_VIRTIO:
        if ((idx = vbQemuDomainDiskNameToIndex(disk->dst)) < 0)
            return NULL;
        return g_strdup_printf("virtio-disk%d", idx);
    case VB_DOMAIN_DISK_BUS_SATA:
        return g_strdup_printf("sata%u-%u-%u", a->drive.controller, a->drive.bus, a->drive.unit);
    case VB_DOMAIN_DISK_BUS_SCSI:
        if (a->type != VB_DOMAIN_DEVICE_ADDRESS_DRIVE)
            return NULL;
        return g_strdup_printf("scsi%u-%u-%u-%u", a->drive.controller, a->drive.bus,
                               a->drive.target, a->drive.unit);
    case VB_DOMAIN_DISK_BUS_USB:
        /* libvirt's name for a disk with no drive address */
        if ((idx = vbQemuDomainDiskNameToIndex(disk->dst)) < 0)
            return NULL;
        return g_strdup_printf("usb-disk%d", idx);
    case VB_DOMAIN_DISK_BUS_NONE:
    case VB_DOMAIN_DISK_BUS_LAST:
        break;
    }
    return NULL;
}

static char *
vbQemuDomainControllerAlias(const vbDomainControllerDef *cont, vbQemuMachineFamily family)
{
    switch (cont->type) {
    case VB_DOMAIN_CONTROLLER_TYPE_PCI:
        if (cont->index == 0)
            return g_strdup(vbQemuDomainPCIRootBusName(family));
        return g_strdup_printf("pci.%u", cont->index);
    case VB_DOMAIN_CONTROLLER_TYPE_SATA:
        /* q35's built-in AHCI is named "ide" in QEMU, its ports ide.0-5 */
        if (cont->index == 0 && family == VB_QEMU_MACHINE_FAMILY_Q35)
            return g_strdup("ide");
        return g_strdup_printf("sata%u", cont->index);
    case VB_DOMAIN_CONTROLLER_TYPE_SCSI:
        return g_strdup_printf("scsi%u", cont->index);
    case VB_DOMAIN_CONTROLLER_TYPE_USB:
        /* all members of an ICH9 USB2 group share it, as in libvirt */
        if (cont->model == VB_DOMAIN_CONTROLLER_MODEL_NONE)
            return NULL;
        if (cont->index == 0)
            return g_strdup("usb");
        return g_strdup_printf("usb%u", cont->index);
    case VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        return g_strdup_printf("virtio-serial%u", cont->index);
    case VB_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    return NULL;
}

/*
 * The alias @dev of @def gets when it has none (libvirt's
 * qemuAssignDeviceAliases), or NULL when nothing names it: the one place
 * a device family says how its QEMU device is named.  (@def is for a
 * family named by its place in its list, as libvirt's "rng0".)
 */
/* libvirt's: "channelN" and "consoleN" by the device's place among the
 * channels or consoles; a <console> of target type serial is the same
 * device as the serial port it shows, and is aliased so */
static char *
vbQemuDomainChrAlias(const vbDomainDef *def, const vbDomainChrDef *chr)
{
    size_t n = 0;
    size_t i;

    if (!chr->channel && chr->target == VB_DOMAIN_CHR_TARGET_SERIAL)
        return g_strdup_printf("serial%u", chr->port);
    for (i = 0; i < def->nchrs && def->chrs[i] != chr; i++) {
        if (def->chrs[i]->channel == chr->channel && def->chrs[i]->console == chr->console)
            n++;
    }
    return g_strdup_printf("%s%zu", chr->channel ? "channel" : "console", n);
}

/* "@prefix%zu", @dev's place in @list of @n devices: libvirt names inputs
 * and videos by their index */
static char *
vbQemuDomainIndexAlias(const char *prefix, void *const *list, size_t n, const void *dev)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (list[i] == dev)
            return g_strdup_printf("%s%zu", prefix, i);
    }
    return NULL;
}

static char *
vbQemuDomainDeviceAlias(const vbDomainDef *def, const vbDomainDeviceDef *dev,
                        vbQemuMachineFamily family)
{
    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        return vbQemuDomainDiskAlias(dev->data.disk);
    case VB_DOMAIN_DEVICE_CONTROLLER:
        return vbQemuDomainControllerAlias(dev->data.controller, family);
    case VB_DOMAIN_DEVICE_INPUT:
        return vbQemuDomainIndexAlias("input", (void *const *) def->inputs, def->ninputs,
                                      dev->data.input);
    case VB_DOMAIN_DEVICE_VIDEO:
        return vbQemuDomainIndexAlias("video", (void *const *) def->videos, def->nvideos,
                                      dev->data.video);
    case VB_DOMAIN_DEVICE_GRAPHICS:
        /* a server of QEMU's, no device */
        return NULL;
    case VB_DOMAIN_DEVICE_AUDIO:
        /* a backend of QEMU's, named by its <audio id> (audioN) */
        return NULL;
    case VB_DOMAIN_DEVICE_CHR:
        return vbQemuDomainChrAlias(def, dev->data.chr);
    case VB_DOMAIN_DEVICE_WATCHDOG:
        return g_strdup("watchdog0");
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        /* model 'none': no QEMU device to name */
        if (dev->data.memballoon->model == VB_DOMAIN_MEMBALLOON_MODEL_NONE)
            return NULL;
        return g_strdup("balloon0");
    case VB_DOMAIN_DEVICE_RNG:
        return vbQemuDomainIndexAlias("rng", (void *const *) def->rngs, def->nrngs, dev->data.rng);
    case VB_DOMAIN_DEVICE_NET:
        return vbQemuDomainIndexAlias("net", (void *const *) def->nets, def->nnets, dev->data.net);
    case VB_DOMAIN_DEVICE_PANIC:
        /* pvpanic gets no id (libvirt's command line) */
        return NULL;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    return NULL;
}

static int
vbQemuDomainAssignDeviceAlias(vbDomainDef *def, vbDomainDeviceDef *dev, vbDomainDeviceInfo *info,
                              void *opaque)
{
    const vbQemuMachineFamily *family = opaque;

    /* a user's 'ua-' alias, or one given at an earlier start, stays */
    if (!info->alias)
        info->alias = vbQemuDomainDeviceAlias(def, dev, *family);
    return 0;
}

/* ---- PCI addresses ------------------------------------------------------- */

/* The connect flags of a controller's QEMU device; the root buses and
 * q35's AHCI are the machine's own. */
static vbQemuPCIConnectFlags
vbQemuDomainControllerPCIConnectFlags(const vbDomainControllerDef *cont,
                                      vbQemuPCIConnectFlags pciFlags,
                                      vbQemuPCIConnectFlags pcieFlags,
                                      vbQemuPCIConnectFlags virtioFlags)
{
    switch (cont->model) {
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        return VB_QEMU_PCI_CONNECT_PCI_BRIDGE;
    case VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        return VB_QEMU_PCI_CONNECT_DMI_TO_PCI_BRIDGE;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        /* eight to a slot of pcie-root, as libvirt packs them */
        return VB_QEMU_PCI_CONNECT_PCIE_ROOT_PORT | VB_QEMU_PCI_CONNECT_AGGREGATE_SLOT;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        return VB_QEMU_PCI_CONNECT_PCIE_TO_PCI_BRIDGE;
    case VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI:
        return virtioFlags;
    case VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_EHCI1:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3:
        return pciFlags;
    case VB_DOMAIN_CONTROLLER_MODEL_NEC_XHCI:
    case VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI:
        return pcieFlags;
    case VB_DOMAIN_CONTROLLER_MODEL_DEFAULT:
        /* SATA: only q35's own AHCI, at 00:1f.2, is built */
        if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_SATA)
            return pciFlags;
        /* virtio-serial-pci */
        if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL)
            return virtioFlags;
        return VB_QEMU_PCI_CONNECT_NONE;
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_NONE:
    case VB_DOMAIN_CONTROLLER_MODEL_LAST:
        break;
    }
    return VB_QEMU_PCI_CONNECT_NONE;
}

/*
 * The PCI placement of each device family, as libvirt's
 * qemuDomainDeviceCalculatePCIConnectFlags answers it: which kind of slot
 * the device plugs into (@flags, 0: no PCI device), and in which round of
 * the assign pass it gets one (libvirt hands out slots family by family:
 * PCI controllers, other controllers, disks, then memballoon, rng,
 * watchdog, video, input; a new family takes its round from that list).
 */
static void
vbQemuDomainDevicePCIPlacement(vbQemuMachineFamily family, const vbDomainDeviceDef *dev,
                               vbQemuPCIConnectFlags *flags, vbQemuPCIRound *round)
{
    /* no HOTPLUGGABLE: as in libvirt 9.0, a device placed at define time
     * may go on a port with hotplug='off'; only hotplug itself needs it */
    vbQemuPCIConnectFlags pciFlags = VB_QEMU_PCI_CONNECT_PCI_DEVICE;
    vbQemuPCIConnectFlags pcieFlags =
        family == VB_QEMU_MACHINE_FAMILY_Q35 ? VB_QEMU_PCI_CONNECT_PCIE_DEVICE : pciFlags;
    /* virtio devices are PCIe on a PCIe machine, PCI on another */
    vbQemuPCIConnectFlags virtioFlags = pcieFlags;

    *flags = VB_QEMU_PCI_CONNECT_NONE;
    *round = VB_QEMU_PCI_ROUND_OTHER;
    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        /* virtio-blk-pci; SATA and SCSI disks sit on their controller */
        if (dev->data.disk->bus == VB_DOMAIN_DISK_BUS_VIRTIO)
            *flags = virtioFlags;
        *round = VB_QEMU_PCI_ROUND_DISK;
        return;
    case VB_DOMAIN_DEVICE_CONTROLLER:
        *flags = vbQemuDomainControllerPCIConnectFlags(dev->data.controller, pciFlags, pcieFlags,
                                                       virtioFlags);
        *round = dev->data.controller->type == VB_DOMAIN_CONTROLLER_TYPE_PCI
                     ? VB_QEMU_PCI_ROUND_PCI_CONTROLLER
                     : VB_QEMU_PCI_ROUND_CONTROLLER;
        return;
    case VB_DOMAIN_DEVICE_INPUT:
        /* virtio-*-pci; ps2 is the machine's, usb sits on the USB bus */
        if (dev->data.input->bus == VB_DOMAIN_INPUT_BUS_VIRTIO)
            *flags = virtioFlags;
        *round = VB_QEMU_PCI_ROUND_INPUT;
        return;
    case VB_DOMAIN_DEVICE_VIDEO:
        /* as libvirt: virtio-gpu is a virtio device, bochs-display PCIe,
         * the VGA-compatible others conventional PCI */
        switch (dev->data.video->type) {
        case VB_DOMAIN_VIDEO_TYPE_VIRTIO:
            *flags = virtioFlags;
            break;
        case VB_DOMAIN_VIDEO_TYPE_BOCHS:
            *flags = pcieFlags;
            break;
        case VB_DOMAIN_VIDEO_TYPE_VGA:
        case VB_DOMAIN_VIDEO_TYPE_CIRRUS:
        case VB_DOMAIN_VIDEO_TYPE_VMVGA:
        case VB_DOMAIN_VIDEO_TYPE_XEN:
        case VB_DOMAIN_VIDEO_TYPE_VBOX:
        case VB_DOMAIN_VIDEO_TYPE_QXL:
        case VB_DOMAIN_VIDEO_TYPE_PARALLELS:
            *flags = pciFlags;
            break;
        case VB_DOMAIN_VIDEO_TYPE_DEFAULT:
        case VB_DOMAIN_VIDEO_TYPE_GOP:
        case VB_DOMAIN_VIDEO_TYPE_NONE:
        case VB_DOMAIN_VIDEO_TYPE_RAMFB:
        case VB_DOMAIN_VIDEO_TYPE_LAST:
            break;
        }
        *round = VB_QEMU_PCI_ROUND_VIDEO;
        return;
    case VB_DOMAIN_DEVICE_GRAPHICS:
    case VB_DOMAIN_DEVICE_AUDIO:
        /* no device */
        return;
    case VB_DOMAIN_DEVICE_CHR:
        /* isa-serial */
        return;
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        /* virtio-balloon-pci; model 'none' is no device */
        if (dev->data.memballoon->model == VB_DOMAIN_MEMBALLOON_MODEL_VIRTIO)
            *flags = virtioFlags;
        *round = VB_QEMU_PCI_ROUND_MEMBALLOON;
        return;
    case VB_DOMAIN_DEVICE_WATCHDOG:
        /* i6300esb; ib700 is an ISA device */
        if (dev->data.watchdog->model == VB_DOMAIN_WATCHDOG_MODEL_I6300ESB)
            *flags = pciFlags;
        *round = VB_QEMU_PCI_ROUND_WATCHDOG;
        return;
    case VB_DOMAIN_DEVICE_RNG:
        /* virtio-rng-pci */
        *flags = virtioFlags;
        *round = VB_QEMU_PCI_ROUND_RNG;
        return;
    case VB_DOMAIN_DEVICE_NET:
        /* as libvirt: virtio-net a virtio device, e1000e PCIe, e1000 and
         * rtl8139 conventional PCI (behind the pcie-to-pci-bridge on q35) */
        switch (dev->data.net->model) {
        case VB_DOMAIN_NET_MODEL_VIRTIO:
            *flags = virtioFlags;
            break;
        case VB_DOMAIN_NET_MODEL_E1000E:
            *flags = pcieFlags;
            break;
        case VB_DOMAIN_NET_MODEL_E1000:
        case VB_DOMAIN_NET_MODEL_RTL8139:
        case VB_DOMAIN_NET_MODEL_NONE:
        case VB_DOMAIN_NET_MODEL_LAST:
            *flags = pciFlags;
            break;
        }
        *round = VB_QEMU_PCI_ROUND_NET;
        return;
    case VB_DOMAIN_DEVICE_PANIC:
        /* pvpanic, on the ISA bus */
        return;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
}

/* How address errors name @dev: a disk by its target, as the user wrote
 * it, anything else by its alias. */
static const char *
vbQemuDomainDeviceName(const vbDomainDeviceDef *dev, const vbDomainDeviceInfo *info)
{
    if (dev->type == VB_DOMAIN_DEVICE_DISK)
        return dev->data.disk->dst;
    return info->alias ? info->alias : vbDomainDeviceTypeTypeToString(dev->type);
}

typedef struct {
    vbQemuPCIAddressSet *set;
    vbQemuMachineFamily family;
    vbQemuPCIRound round;
} vbQemuDomainPCIWalk;

/* Reserve pass (libvirt's qemuDomainCollectPCIAddress): the addresses the
 * user gave, and those given at an earlier define, so that the assign
 * pass never hands them out. */
static int
vbQemuDomainCollectPCIAddress(vbDomainDef *def G_GNUC_UNUSED, vbDomainDeviceDef *dev,
                              vbDomainDeviceInfo *info, void *opaque)
{
    vbQemuDomainPCIWalk *walk = opaque;
    vbQemuPCIConnectFlags flags;
    vbQemuPCIRound round;

    vbQemuDomainDevicePCIPlacement(walk->family, dev, &flags, &round);
    switch (info->addr.type) {
    case VB_DOMAIN_DEVICE_ADDRESS_PCI:
        if (flags == VB_QEMU_PCI_CONNECT_NONE) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("device '%s' is no PCI device and cannot have a PCI address"),
                          vbQemuDomainDeviceName(dev, info));
            return -1;
        }
        return vbQemuPCIAddressReserve(walk->set, &info->addr, flags, true);
    case VB_DOMAIN_DEVICE_ADDRESS_DRIVE:
    case VB_DOMAIN_DEVICE_ADDRESS_USB:
    case VB_DOMAIN_DEVICE_ADDRESS_ISA:
    case VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL:
        /* validation refuses it too, but a definition read back from disk
         * skips validation */
        if (flags != VB_QEMU_PCI_CONNECT_NONE) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("address type '%s' is not valid for device '%s', it needs a 'pci' address"),
                vbDomainDeviceAddressTypeTypeToString(info->addr.type),
                vbQemuDomainDeviceName(dev, info));
            return -1;
        }
        return 0;
    case VB_DOMAIN_DEVICE_ADDRESS_NONE:
    case VB_DOMAIN_DEVICE_ADDRESS_LAST:
        break;
    }
    return 0;
}

/* The slot of the ICH9 USB2 group of @cont's index that has one, for its
 * other members (libvirt puts them all in one slot). */
static const vbDomainDeviceAddress *
vbQemuDomainUSB2GroupAddress(const vbDomainDef *def, const vbDomainControllerDef *cont)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const vbDomainControllerDef *other = def->controllers[i];

        if (other->type == VB_DOMAIN_CONTROLLER_TYPE_USB && other->index == cont->index &&
            vbDomainControllerModelIsUSB2(other->model) &&
            other->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_PCI)
            return &other->info.addr;
    }
    return NULL;
}

static unsigned int
vbQemuDomainUSB2Function(vbDomainControllerModel model)
{
    switch (model) {
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_EHCI1:
        return 7;
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2:
        return 1;
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3:
        return 2;
    default:
        return 0;
    }
}

/* Assign pass: a free slot for each device of this round without an
 * address. */
static int
vbQemuDomainAssignDevicePCISlot(vbDomainDef *def, vbDomainDeviceDef *dev, vbDomainDeviceInfo *info,
                                void *opaque)
{
    vbQemuDomainPCIWalk *walk = opaque;
    vbQemuPCIConnectFlags flags;
    vbQemuPCIRound round;

    vbQemuDomainDevicePCIPlacement(walk->family, dev, &flags, &round);
    if (round != walk->round || flags == VB_QEMU_PCI_CONNECT_NONE ||
        info->addr.type != VB_DOMAIN_DEVICE_ADDRESS_NONE)
        return 0;

    if (dev->type == VB_DOMAIN_DEVICE_CONTROLLER &&
        vbDomainControllerModelIsUSB2(dev->data.controller->model)) {
        const vbDomainDeviceAddress *group =
            vbQemuDomainUSB2GroupAddress(def, dev->data.controller);
        unsigned int function = vbQemuDomainUSB2Function(dev->data.controller->model);

        if (group) {
            vbDomainDeviceAddress addr = *group;

            addr.pci.function = function;
            addr.pci.multi = VB_TRISTATE_SWITCH_ABSENT;
            /* the slot is the group's, wherever it is */
            if (vbQemuPCIAddressReserve(walk->set, &addr, flags, true) < 0)
                return -1;
            if (!vbQemuPCIAddressSetIsDryRun(walk->set))
                info->addr = addr;
            return 0;
        }
        return vbQemuPCIAddressReserveNext(walk->set, &info->addr, flags, function);
    }
    return vbQemuPCIAddressReserveNext(walk->set, &info->addr, flags, 0);
}

static int
vbQemuDomainPCIAssignRounds(vbDomainDef *def, vbQemuDomainPCIWalk *walk)
{
    for (walk->round = 0; walk->round < VB_QEMU_PCI_ROUND_LAST; walk->round++) {
        if (vbDomainDeviceInfoIterate(def, vbQemuDomainAssignDevicePCISlot, walk) < 0)
            return -1;
    }
    return 0;
}

/*
 * The functions of the machine's own chipset, which no definition lists,
 * and the controllers that live there (libvirt's
 * qemuDomainValidateDevicePCISlotsPIIX3 and ...Q35): on pc the PIIX3 in
 * slot 1 (ISA, IDE, the UHCI of USB controller 0, ACPI), on q35 the ICH9
 * in slot 0x1f (LPC, AHCI of SATA controller 0, SMBus), and q35's first
 * ICH9 USB2 group at 0x1d, else 0x1a, when free.
 */
static int
vbQemuDomainReserveChipset(vbDomainDef *def, vbQemuPCIAddressSet *set, vbQemuMachineFamily family)
{
    vbDomainDeviceAddress addr = {.type = VB_DOMAIN_DEVICE_ADDRESS_PCI};
    const vbQemuPCIConnectFlags flags = VB_QEMU_PCI_CONNECT_ENDPOINTS;
    /* pc: ISA, IDE, ACPI in slot 1; q35: LPC and SMBus in slot 0x1f */
    static const unsigned int pcFunctions[] = {0, 1, 3};
    static const unsigned int q35Functions[] = {0, 3};
    bool q35 = family == VB_QEMU_MACHINE_FAMILY_Q35;
    const unsigned int *functions = q35 ? q35Functions : pcFunctions;
    size_t nfunctions = q35 ? G_N_ELEMENTS(q35Functions) : G_N_ELEMENTS(pcFunctions);
    size_t i;

    addr.pci.slot = q35 ? 0x1f : 0x01;
    for (i = 0; i < nfunctions; i++) {
        addr.pci.function = functions[i];
        if (vbQemuPCIAddressReserve(set, &addr, flags, true) < 0)
            return -1;
    }

    for (i = 0; i < def->ncontrollers; i++) {
        vbDomainControllerDef *cont = def->controllers[i];
        vbDomainDeviceAddress fixed = {.type = VB_DOMAIN_DEVICE_ADDRESS_PCI};
        const char *msg = NULL;

        if (family == VB_QEMU_MACHINE_FAMILY_Q35 && cont->type == VB_DOMAIN_CONTROLLER_TYPE_SATA &&
            cont->index == 0) {
            fixed.pci.slot = 0x1f;
            fixed.pci.function = 2;
            msg = _("Primary SATA controller must have PCI address 0:0:1f.2");
        } else if (family == VB_QEMU_MACHINE_FAMILY_PC &&
                   cont->type == VB_DOMAIN_CONTROLLER_TYPE_USB && cont->index == 0 &&
                   cont->model == VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI) {
            fixed.pci.slot = 1;
            fixed.pci.function = 2;
            msg = _("PIIX3 USB controller at index 0 must have PCI address 0:0:1.2");
        } else if (family == VB_QEMU_MACHINE_FAMILY_Q35 &&
                   cont->model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1 &&
                   cont->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_NONE) {
            /* real Q35 hardware's places, not insisted on */
            fixed.pci.slot = 0x1d;
            if (vbQemuPCIAddressSlotFunctions(set, 0, 0x1d))
                fixed.pci.slot = 0x1a;
            if (vbQemuPCIAddressSlotFunctions(set, 0, fixed.pci.slot))
                continue;
            fixed.pci.multi = VB_TRISTATE_SWITCH_ON;
            /* in the dry run too, as libvirt: the rest of the group
             * follows it there */
            if (vbQemuPCIAddressReserve(set, &fixed, flags, true) < 0)
                return -1;
            cont->info.addr = fixed;
            continue;
        } else if (family == VB_QEMU_MACHINE_FAMILY_Q35 &&
                   cont->model == VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE &&
                   cont->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_NONE) {
            /* real hardware's place, when free */
            fixed.pci.slot = 0x1e;
            if (vbQemuPCIAddressSlotFunctions(set, 0, 0x1e))
                continue;
            if (vbQemuPCIAddressReserve(set, &fixed, VB_QEMU_PCI_CONNECT_DMI_TO_PCI_BRIDGE, true) <
                0)
                return -1;
            cont->info.addr = fixed;
            continue;
        } else {
            continue;
        }
        if (cont->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_PCI &&
            (cont->info.addr.pci.domain != 0 || cont->info.addr.pci.bus != 0 ||
             cont->info.addr.pci.slot != fixed.pci.slot ||
             cont->info.addr.pci.function != fixed.pci.function)) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", msg);
            return -1;
        }
        if (vbQemuPCIAddressReserve(set, &fixed, flags, true) < 0)
            return -1;
        cont->info.addr = fixed;
    }

    /* the primary video, whatever its model, where QEMU would put the
     * first device after the chipset's: 00:02.0 on pc (the PIIX3 holds
     * slot 1), 00:01.0 on q35; when that slot is taken, it gets one like
     * any other device */
    if (def->nvideos > 0 && def->videos[0]->type != VB_DOMAIN_VIDEO_TYPE_NONE &&
        def->videos[0]->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_NONE) {
        vbDomainDeviceAddress fixed = {.type = VB_DOMAIN_DEVICE_ADDRESS_PCI};

        fixed.pci.slot = q35 ? 0x01 : 0x02;
        if (!vbQemuPCIAddressSlotFunctions(set, 0, fixed.pci.slot)) {
            if (vbQemuPCIAddressReserve(set, &fixed, flags, true) < 0)
                return -1;
            def->videos[0]->info.addr = fixed;
        }
    }
    return 0;
}

/* A chipset device has no connect flags of its own: it sits where the
 * chipset has it.  Those are kept out of the reserve pass. */
static bool
vbQemuDomainIsChipsetController(const vbDomainControllerDef *cont, vbQemuMachineFamily family)
{
    if (family == VB_QEMU_MACHINE_FAMILY_Q35)
        return cont->type == VB_DOMAIN_CONTROLLER_TYPE_SATA && cont->index == 0;
    return cont->type == VB_DOMAIN_CONTROLLER_TYPE_USB && cont->index == 0 &&
           cont->model == VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI;
}

static int
vbQemuDomainCollectPCIAddressVisit(vbDomainDef *def, vbDomainDeviceDef *dev,
                                   vbDomainDeviceInfo *info, void *opaque)
{
    vbQemuDomainPCIWalk *walk = opaque;

    if (dev->type == VB_DOMAIN_DEVICE_CONTROLLER &&
        vbQemuDomainIsChipsetController(dev->data.controller, walk->family))
        return 0;
    return vbQemuDomainCollectPCIAddress(def, dev, info, opaque);
}

static int
vbQemuDomainPCIAddressSetFill(vbDomainDef *def, vbQemuDomainPCIWalk *walk)
{
    if (vbDomainDeviceInfoIterate(def, vbQemuDomainCollectPCIAddressVisit, walk) < 0 ||
        vbQemuDomainReserveChipset(def, walk->set, walk->family) < 0)
        return -1;
    return 0;
}

/* The options libvirt fills in for a PCI controller once it has its
 * address: the QEMU device name, chassis and port of a root port, the
 * chassis number of a pci-bridge. */
static void
vbQemuDomainPCIControllerSetDefaults(vbDomainControllerDef *cont)
{
    const vbDomainDeviceAddress *addr = &cont->info.addr;

    switch (cont->model) {
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        if (!cont->modelName)
            cont->modelName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCI_BRIDGE;
        if (cont->chassisNr == -1)
            cont->chassisNr = cont->index;
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        if (!cont->modelName)
            cont->modelName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_I82801B11_BRIDGE;
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        if (!cont->modelName)
            cont->modelName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_ROOT_PORT;
        if (cont->chassis == -1)
            cont->chassis = cont->index;
        if (cont->port == -1)
            cont->port = (addr->pci.slot << 3) + addr->pci.function;
        break;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        if (!cont->modelName)
            cont->modelName = VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_PCI_BRIDGE;
        break;
    default:
        break;
    }
}

/* multifunction='on' for function 0 of each slot with more functions in
 * use (libvirt's virDomainPCIAddressSetAllMulti). */
static int
vbQemuDomainSetMultiVisit(vbDomainDef *def G_GNUC_UNUSED, vbDomainDeviceDef *dev G_GNUC_UNUSED,
                          vbDomainDeviceInfo *info, void *opaque)
{
    vbQemuPCIAddressSet *set = opaque;

    if (info->addr.type != VB_DOMAIN_DEVICE_ADDRESS_PCI || info->addr.pci.function != 0 ||
        info->addr.pci.multi != VB_TRISTATE_SWITCH_ABSENT)
        return 0;
    if (vbQemuPCIAddressSlotFunctions(set, info->addr.pci.bus, info->addr.pci.slot) & ~1)
        info->addr.pci.multi = VB_TRISTATE_SWITCH_ON;
    return 0;
}

/*
 * libvirt's qemuDomainAssignPCIAddresses: a dry run over all devices
 * finds how many buses they need; the controllers for the missing ones
 * are added; then the real run gives each device without an address a
 * slot, round by round.
 */
static int
vbQemuDomainAssignPCIAddresses(vbDomainDef *def, vbQemuMachineFamily family)
{
    g_autoptr(vbQemuPCIAddressSet) dry =
        vbQemuPCIAddressSetNew(def, family == VB_QEMU_MACHINE_FAMILY_Q35, true);
    g_autoptr(vbQemuPCIAddressSet) set = NULL;
    vbQemuDomainPCIWalk walk = {.set = dry, .family = family};
    unsigned int nbuses;
    unsigned int i;

    if (!dry)
        return -1;
    nbuses = vbQemuPCIAddressSetBusCount(dry);
    if (vbQemuDomainPCIAddressSetFill(def, &walk) < 0)
        return -1;
    /* on pc, one slot kept for a pci-bridge to come, so that the last
     * free slot of a bus gets a bridge rather than a device */
    if (family == VB_QEMU_MACHINE_FAMILY_PC && !vbQemuPCIAddressSetIsFull(dry)) {
        vbDomainDeviceAddress unused = {0};

        if (vbQemuPCIAddressReserveNext(dry, &unused, VB_QEMU_PCI_CONNECT_PCI_DEVICE, 0) < 0)
            return -1;
    }
    if (vbQemuDomainPCIAssignRounds(def, &walk) < 0)
        return -1;
    /* a new q35 domain whose definition left buses to us gets one empty
     * root port more, for a device hotplugged later */
    if (family == VB_QEMU_MACHINE_FAMILY_Q35 && nbuses <= 1 &&
        vbQemuPCIAddressSetBusCount(dry) > nbuses) {
        vbDomainDeviceAddress unused = {0};

        if (vbQemuPCIAddressReserveNext(
                dry, &unused, VB_QEMU_PCI_CONNECT_PCIE_DEVICE | VB_QEMU_PCI_CONNECT_HOTPLUGGABLE,
                0) < 0)
            return -1;
    }
    /* the controllers of the buses the dry run added; their slots may
     * need buses in turn, which the loop then reaches */
    for (i = 1; i < vbQemuPCIAddressSetBusCount(dry); i++) {
        vbDomainControllerDef *cont;
        vbDomainDeviceDef dev = {.type = VB_DOMAIN_DEVICE_CONTROLLER};
        vbQemuPCIConnectFlags flags;
        vbQemuPCIRound round;
        vbDomainDeviceAddress unused = {0};

        if (vbDomainDefFindController(def, VB_DOMAIN_CONTROLLER_TYPE_PCI, i))
            continue;
        cont = vbDomainControllerDefNew(VB_DOMAIN_CONTROLLER_TYPE_PCI, i,
                                        vbQemuPCIAddressSetBusModel(dry, i));
        vbDomainDefAppendController(def, cont);
        dev.data.controller = cont;
        vbQemuDomainDevicePCIPlacement(family, &dev, &flags, &round);
        if (vbQemuPCIAddressReserveNext(dry, &unused, flags, 0) < 0)
            return -1;
    }

    /* the dry run grows as far as the devices need (a q35 runs out of
     * pcie-root slots for root ports first, as in libvirt); the buses
     * added are PCI controllers like the others */
    if (vbQemuPCIAddressSetBusCount(dry) > VB_DOMAIN_CONTROLLER_PCI_INDEX_MAX + 1) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("PCI controller index %u too high, maximum is 255"),
                      vbQemuPCIAddressSetBusCount(dry) - 1);
        return -1;
    }
    if (!(set = vbQemuPCIAddressSetNew(def, family == VB_QEMU_MACHINE_FAMILY_Q35, false)))
        return -1;
    walk.set = set;
    if (vbQemuDomainPCIAddressSetFill(def, &walk) < 0 ||
        vbQemuDomainPCIAssignRounds(def, &walk) < 0)
        return -1;
    if (vbDomainDeviceInfoIterate(def, vbQemuDomainSetMultiVisit, set) < 0)
        return -1;
    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == VB_DOMAIN_CONTROLLER_TYPE_PCI)
            vbQemuDomainPCIControllerSetDefaults(def->controllers[i]);
    }
    return 0;
}

/* ---- USB addresses ------------------------------------------------------- */

bool
vbQemuDomainHasUSBBus(const vbDomainDef *def)
{
    const vbDomainControllerDef *cont =
        vbDomainDefFindController(def, VB_DOMAIN_CONTROLLER_TYPE_USB, 0);

    return cont && cont->model != VB_DOMAIN_CONTROLLER_MODEL_NONE;
}

/* The ports of the root hub of USB controller @cont, as libvirt counts
 * them (virDomainUSBAddressControllerModelToPorts): an ICH9 companion
 * adds none, its EHCI1 master has them all. */
static unsigned int
vbQemuDomainUSBControllerPorts(const vbDomainControllerDef *cont)
{
    switch (cont->model) {
    case VB_DOMAIN_CONTROLLER_MODEL_DEFAULT:
    case VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI:
        return 2;
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_EHCI1:
        return 6;
    case VB_DOMAIN_CONTROLLER_MODEL_NEC_XHCI:
    case VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI:
        return cont->ports ? cont->ports : 4;
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3:
    case VB_DOMAIN_CONTROLLER_MODEL_NONE:
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI:
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
    case VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
    case VB_DOMAIN_CONTROLLER_MODEL_LAST:
        break;
    }
    return 0;
}

/* The ports of USB bus 0: the most any controller of index 0 has */
static unsigned int
vbQemuDomainUSBBusPorts(const vbDomainDef *def)
{
    unsigned int ports = 0;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const vbDomainControllerDef *cont = def->controllers[i];

        if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_USB && cont->index == 0)
            ports = MAX(ports, vbQemuDomainUSBControllerPorts(cont));
    }
    return ports;
}

/* The USB address of each device that sits on a USB port, in libvirt's
 * order of virDomainUSBDeviceDefForeach: disks, then input devices;
 * NULL when @i is past the last one */
static vbDomainDeviceAddress *
vbQemuDomainUSBDeviceAddress(vbDomainDef *def, size_t i)
{
    size_t j;

    for (j = 0; j < def->ndisks; j++) {
        if (def->disks[j]->bus != VB_DOMAIN_DISK_BUS_USB)
            continue;
        if (i-- == 0)
            return &def->disks[j]->info.addr;
    }
    for (j = 0; j < def->ninputs; j++) {
        if (def->inputs[j]->bus != VB_DOMAIN_INPUT_BUS_USB)
            continue;
        if (i-- == 0)
            return &def->inputs[j]->info.addr;
    }
    return NULL;
}

static bool
vbQemuDomainUSBPortTaken(vbDomainDef *def, unsigned int port)
{
    const vbDomainDeviceAddress *other;
    size_t i;

    for (i = 0; (other = vbQemuDomainUSBDeviceAddress(def, i)); i++) {
        if (other->type == VB_DOMAIN_DEVICE_ADDRESS_USB && other->usb.bus == 0 &&
            other->usb.port == port)
            return true;
    }
    return false;
}

/* A port of the root hub of bus 0 for each USB device without one, the
 * lowest free one first, as libvirt's qemuDomainAssignUSBAddresses (which
 * would add a hub where we refuse: we build none). */
static int
vbQemuDomainAssignUSBAddresses(vbDomainDef *def)
{
    unsigned int nports = vbQemuDomainUSBBusPorts(def);
    vbDomainDeviceAddress *addr;
    size_t i;

    for (i = 0; (addr = vbQemuDomainUSBDeviceAddress(def, i)); i++) {
        unsigned int port = 1;

        if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_NONE)
            continue;
        /* without a USB bus the device's own check says why */
        if (nports == 0)
            continue;
        while (port <= nports && vbQemuDomainUSBPortTaken(def, port))
            port++;
        if (port > nports) {
            /* libvirt's code and wording */
            vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("No free USB ports"));
            return -1;
        }
        addr->type = VB_DOMAIN_DEVICE_ADDRESS_USB;
        addr->usb.bus = 0;
        addr->usb.port = port;
    }
    return 0;
}

const char *
vbQemuDomainPCIBusAlias(const vbDomainDef *def, unsigned int bus)
{
    const vbDomainControllerDef *cont =
        vbDomainDefFindController(def, VB_DOMAIN_CONTROLLER_TYPE_PCI, bus);

    return cont ? cont->info.alias : NULL;
}

int
vbQemuDomainAssignAddresses(vbDomainDef *def)
{
    size_t i;
    vbQemuMachineFamily family;

    if (vbQemuDomainGetMachineFamily(def, &family) < 0)
        return -1;

    /* aliases first: address errors name a controller by its alias; and
     * again for the PCI controllers the addressing adds */
    if (vbDomainDeviceInfoIterate(def, vbQemuDomainAssignDeviceAlias, &family) < 0 ||
        vbQemuDomainAssignPCIAddresses(def, family) < 0 ||
        vbDomainDeviceInfoIterate(def, vbQemuDomainAssignDeviceAlias, &family) < 0)
        return -1;
    if (vbQemuDomainAssignUSBAddresses(def) < 0)
        return -1;
    /* libvirt refuses a controller option QEMU lacks when the domain is
     * defined, with the model names filled in above */
    for (i = 0; i < def->ncontrollers; i++) {
        if (vbQemuDeviceValidateController(def, def->controllers[i]) < 0)
            return -1;
    }
    return 0;
}
