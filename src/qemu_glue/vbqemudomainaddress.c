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
        /* a <console> of target type serial is the same device as the
         * serial port it shows, and libvirt aliases it so */
        return g_strdup_printf("serial%u", dev->data.chr->port);
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        /* model 'none': no QEMU device to name */
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

/*
 * Whether @dev's QEMU device takes a slot of the root PCI bus, which the
 * user may give and we otherwise hand out: the one place a device family
 * says whether it is a PCI device.
 */
static bool
vbQemuDomainDeviceNeedsPCISlot(const vbDomainDeviceDef *dev)
{
    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        /* virtio-blk-pci; SATA and SCSI disks sit on their controller */
        return dev->data.disk->bus == VB_DOMAIN_DISK_BUS_VIRTIO;
    case VB_DOMAIN_DEVICE_CONTROLLER:
        /* virtio-scsi-pci; the root bus and q35's AHCI are the machine's */
        return dev->data.controller->type == VB_DOMAIN_CONTROLLER_TYPE_SCSI;
    case VB_DOMAIN_DEVICE_INPUT:
        /* virtio-*-pci; ps2 is the machine's, usb sits on the USB bus */
        return dev->data.input->bus == VB_DOMAIN_INPUT_BUS_VIRTIO;
    case VB_DOMAIN_DEVICE_VIDEO:
        return dev->data.video->type != VB_DOMAIN_VIDEO_TYPE_NONE;
    case VB_DOMAIN_DEVICE_GRAPHICS:
    case VB_DOMAIN_DEVICE_AUDIO:
        /* no device */
    case VB_DOMAIN_DEVICE_CHR:
        /* isa-serial */
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        /* model 'none': no device */
        return false;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    return false;
}

/* How address errors name @dev: a disk by its target, as the user wrote
 * it, anything else by its alias. */
static const char *
vbQemuDomainDeviceName(const vbDomainDeviceDef *dev, const vbDomainDeviceInfo *info)
{
    if (dev->type == VB_DOMAIN_DEVICE_DISK)
        return dev->data.disk->dst;
    return info->alias;
}

/* The slots of bus 0 and who has them (libvirt's virDomainPCIAddressSet,
 * for the one bus we build). */
typedef struct {
    vbQemuMachineFamily family;
    bool used[VB_QEMU_PCI_SLOT_MAX + 1];
} vbQemuDomainPCIAddressSet;

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
vbQemuDomainPCIAddressReserve(vbQemuDomainPCIAddressSet *set, const vbDomainDeviceAddress *addr,
                              const char *devname)
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
    if (vbQemuDomainPCISlotReserved(set->family, addr->pci.slot)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("PCI address '%s' of device '%s' is taken by a built-in device of the machine"), str,
            devname);
        return -1;
    }
    if (set->used[addr->pci.slot]) {
        vbReportError(VIR_ERR_XML_ERROR, _("Attempted double use of PCI Address %s"), str);
        return -1;
    }
    set->used[addr->pci.slot] = true;
    return 0;
}

/* Gives @addr the first free slot from VB_QEMU_PCI_SLOT_FIRST_AUTO on. */
static int
vbQemuDomainPCIAddressReserveNext(vbQemuDomainPCIAddressSet *set, vbDomainDeviceAddress *addr,
                                  const char *devname)
{
    unsigned int slot;

    for (slot = VB_QEMU_PCI_SLOT_FIRST_AUTO; slot <= VB_QEMU_PCI_SLOT_MAX; slot++) {
        if (!set->used[slot] && !vbQemuDomainPCISlotReserved(set->family, slot))
            break;
    }
    if (slot > VB_QEMU_PCI_SLOT_MAX) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("no free PCI slot left on bus 0 for device '%s'"), devname);
        return -1;
    }
    set->used[slot] = true;
    addr->type = VB_DOMAIN_DEVICE_ADDRESS_PCI;
    addr->pci.domain = 0;
    addr->pci.bus = 0;
    addr->pci.slot = slot;
    addr->pci.function = 0;
    return 0;
}

/* Reserve pass (libvirt's qemuDomainCollectPCIAddress): the slots the
 * user gave, so that the assign pass never hands them out. */
static int
vbQemuDomainCollectPCIAddress(vbDomainDef *def G_GNUC_UNUSED, vbDomainDeviceDef *dev,
                              vbDomainDeviceInfo *info, void *opaque)
{
    vbQemuDomainPCIAddressSet *set = opaque;

    switch (info->addr.type) {
    case VB_DOMAIN_DEVICE_ADDRESS_PCI:
        return vbQemuDomainPCIAddressReserve(set, &info->addr, vbQemuDomainDeviceName(dev, info));
    case VB_DOMAIN_DEVICE_ADDRESS_DRIVE:
        /* validation refuses it too, but a definition read back from disk
         * skips validation; a controller's is left to the command line,
         * which finds no PCI address */
        if (dev->type == VB_DOMAIN_DEVICE_DISK) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("address type '%s' is not valid for disk '%s', it needs a 'pci' address"),
                vbDomainDeviceAddressTypeTypeToString(info->addr.type), dev->data.disk->dst);
            return -1;
        }
        return 0;
    case VB_DOMAIN_DEVICE_ADDRESS_USB:
        /* not a PCI device: validation refuses it on any other family */
    case VB_DOMAIN_DEVICE_ADDRESS_NONE:
    case VB_DOMAIN_DEVICE_ADDRESS_LAST:
        break;
    }
    return 0;
}

/* Assign pass: a free slot for each device without an address. */
static int
vbQemuDomainAssignDevicePCISlot(vbDomainDef *def G_GNUC_UNUSED, vbDomainDeviceDef *dev,
                                vbDomainDeviceInfo *info, void *opaque)
{
    vbQemuDomainPCIAddressSet *set = opaque;

    if (info->addr.type != VB_DOMAIN_DEVICE_ADDRESS_NONE)
        return 0;
    return vbQemuDomainPCIAddressReserveNext(set, &info->addr, vbQemuDomainDeviceName(dev, info));
}

typedef struct {
    vbDomainDeviceInfoCallback cb;
    vbQemuDomainPCIAddressSet *set;
    bool controllers; /* this round: the controllers, else all others */
} vbQemuDomainPCIWalk;

static int
vbQemuDomainPCIWalkVisit(vbDomainDef *def, vbDomainDeviceDef *dev, vbDomainDeviceInfo *info,
                         void *opaque)
{
    vbQemuDomainPCIWalk *walk = opaque;

    if ((dev->type == VB_DOMAIN_DEVICE_CONTROLLER) != walk->controllers ||
        !vbQemuDomainDeviceNeedsPCISlot(dev))
        return 0;
    return walk->cb(def, dev, info, walk->set);
}

/*
 * Calls @cb for each device that needs a PCI slot: the controllers first,
 * as libvirt places them (the devices behind a controller follow it), then
 * the others in the iterator's order.  This is the order slots have always
 * been handed out in; another would give a new domain other slots than the
 * same definition got before.
 */
static int
vbQemuDomainPCIDeviceIterate(vbDomainDef *def, vbDomainDeviceInfoCallback cb,
                             vbQemuDomainPCIAddressSet *set)
{
    vbQemuDomainPCIWalk walk = {.cb = cb, .set = set, .controllers = true};

    if (vbDomainDeviceInfoIterate(def, vbQemuDomainPCIWalkVisit, &walk) < 0)
        return -1;
    walk.controllers = false;
    return vbDomainDeviceInfoIterate(def, vbQemuDomainPCIWalkVisit, &walk);
}

/*
 * The primary video's slot, before any other device gets one (libvirt's
 * qemuDomainValidateDevicePCISlotsPIIX3/Q35): 00:02.0 on pc, behind the
 * PIIX3, and 00:01.0 on q35, where firmware and guests look for the VGA
 * device.  Taken by a user's address, the video gets a slot like any
 * other device.
 */
static void
vbQemuDomainAssignPrimaryVideoSlot(vbDomainDef *def, vbQemuDomainPCIAddressSet *set)
{
    unsigned int slot = set->family == VB_QEMU_MACHINE_FAMILY_Q35 ? 0x01 : 0x02;
    vbDomainVideoDef *video = def->nvideos > 0 ? def->videos[0] : NULL;

    if (!video || !video->primary || !vbDomainVideoDefIsVGA(video) ||
        video->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_NONE || set->used[slot])
        return;
    set->used[slot] = true;
    video->info.addr.type = VB_DOMAIN_DEVICE_ADDRESS_PCI;
    video->info.addr.pci.slot = slot;
}

static int
vbQemuDomainAssignPCIAddresses(vbDomainDef *def, vbQemuMachineFamily family)
{
    vbQemuDomainPCIAddressSet set = {.family = family};

    if (vbQemuDomainPCIDeviceIterate(def, vbQemuDomainCollectPCIAddress, &set) < 0)
        return -1;
    vbQemuDomainAssignPrimaryVideoSlot(def, &set);
    return vbQemuDomainPCIDeviceIterate(def, vbQemuDomainAssignDevicePCISlot, &set);
}

/* ---- USB addresses ------------------------------------------------------- */

bool
vbQemuDomainHasUSBBus(const vbDomainDef *def G_GNUC_UNUSED)
{
    /* No USB controller is built yet (-machine usb=off): the USB
     * controllers of <controller type='usb'> will answer here. */
    return false;
}

/* A port of the root hub of bus 0 for each USB input without one, the
 * lowest free one first, as libvirt's qemuDomainAssignUSBAddresses. */
static void
vbQemuDomainAssignUSBAddresses(vbDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->ninputs; i++) {
        vbDomainDeviceAddress *addr = &def->inputs[i]->info.addr;
        unsigned int port = 1;
        bool taken = true;

        if (def->inputs[i]->bus != VB_DOMAIN_INPUT_BUS_USB ||
            addr->type != VB_DOMAIN_DEVICE_ADDRESS_NONE)
            continue;
        while (taken) {
            taken = false;
            for (j = 0; j < def->ninputs && !taken; j++) {
                const vbDomainDeviceAddress *other = &def->inputs[j]->info.addr;

                taken = other->type == VB_DOMAIN_DEVICE_ADDRESS_USB && other->usb.bus == 0 &&
                        other->usb.port == port;
            }
            if (taken)
                port++;
        }
        addr->type = VB_DOMAIN_DEVICE_ADDRESS_USB;
        addr->usb.bus = 0;
        addr->usb.port = port;
    }
}

int
vbQemuDomainAssignAddresses(vbDomainDef *def)
{
    vbQemuMachineFamily family;

    if (vbQemuDomainGetMachineFamily(def, &family) < 0)
        return -1;

    /* aliases first: address errors name a controller by its alias */
    if (vbDomainDeviceInfoIterate(def, vbQemuDomainAssignDeviceAlias, &family) < 0 ||
        vbQemuDomainAssignPCIAddresses(def, family) < 0)
        return -1;
    vbQemuDomainAssignUSBAddresses(def);
    return 0;
}
