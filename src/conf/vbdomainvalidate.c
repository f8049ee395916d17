/*
 * vbdomainvalidate.c: what a domain must satisfy for us to define or run it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Kept apart from parsing, as libvirt learnt to: these checks run when a
 * domain is defined or started, never when the daemon reloads its saved
 * definitions and status, so that a stricter rule in a newer version cannot
 * make an existing (perhaps running) domain disappear.
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbdomainconf.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

static int
vbDomainDefValidateMachine(const vbDomainDef *def)
{
    if (g_strcmp0(def->osType, "hvm") != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("os type '%s' is not supported by virtblockd"),
                      def->osType);
        return -1;
    }
    if (g_strcmp0(def->arch, "x86_64") != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("architecture '%s' is not supported by virtblockd"), def->arch);
        return -1;
    }
    if (!vbDomainDefHasQ35Machine(def) && !vbDomainDefHasI440FXMachine(def)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("machine type '%s' is not supported by virtblockd; use a 'q35' or 'pc' machine"),
            def->machine);
        return -1;
    }
    if (def->emulator && !g_path_is_absolute(def->emulator)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("emulator '%s' must be given as an absolute path"), def->emulator);
        return -1;
    }
    /* QEMU takes -initrd and -append only with -kernel */
    if (!def->kernel && (def->initrd || def->cmdline)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("<%s> in <os> needs a <kernel> for direct kernel boot"),
                      def->initrd ? "initrd" : "cmdline");
        return -1;
    }
    if (def->maxMemory == 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("memory size must be greater than zero"));
        return -1;
    }
    if (def->vcpus == 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("the domain needs at least one vcpu"));
        return -1;
    }
    return 0;
}

/* What libvirt's QEMU driver asks of UEFI (qemuValidateDomainDefBoot),
 * with its wording */
static int
vbDomainDefValidateFirmware(const vbDomainDef *def)
{
    const vbDomainLoaderDef *loader = def->os.loader;
    bool uefi = def->os.firmware == VB_DOMAIN_OS_FIRMWARE_EFI ||
                (loader && loader->type == VB_DOMAIN_LOADER_TYPE_PFLASH);

    if (vbDomainOSDefValidate(&def->os) < 0)
        return -1;
    if (uefi && !def->acpi) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("UEFI requires ACPI on this architecture"));
        return -1;
    }
    if (loader && loader->secure == VB_TRISTATE_BOOL_YES) {
        if (!vbDomainDefHasQ35Machine(def)) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Secure boot is supported with q35 machine types only"));
            return -1;
        }
        /* autoselection turns SMM on with a firmware that needs it */
        if (def->os.firmware == VB_DOMAIN_OS_FIRMWARE_NONE && def->smm != VB_TRISTATE_SWITCH_ON) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Secure boot requires SMM feature enabled"));
            return -1;
        }
    }
    if (loader && loader->type == VB_DOMAIN_LOADER_TYPE_ROM &&
        (loader->nvram || loader->nvramTemplate)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("an NVRAM store needs a loader of type 'pflash', not 'rom'"));
        return -1;
    }
    return 0;
}

/* QEMU 7.2's max-cpus of the machine families (query-machines) */
#define VB_DOMAIN_Q35_MAX_CPUS 288
#define VB_DOMAIN_I440FX_MAX_CPUS 255

static int
vbDomainDefValidateVcpus(const vbDomainDef *def)
{
    unsigned int limit =
        vbDomainDefHasQ35Machine(def) ? VB_DOMAIN_Q35_MAX_CPUS : VB_DOMAIN_I440FX_MAX_CPUS;
    unsigned int topology = vbCPUDefTopologyVcpus(def->cpu);

    if (def->vcpus > limit) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Maximum CPUs greater than specified machine type limit %u"), limit);
        return -1;
    }
    if (topology && topology != def->vcpus) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("CPU topology doesn't match maximum vcpu count"));
        return -1;
    }
    return 0;
}

/*
 * libvirt's rules, in its order: the coredump actions exist only for a
 * crash (domain_validate.c); the QEMU driver implements neither
 * 'rename-restart' nor 'preserve' after a poweroff or reboot, nor a
 * poweroff made a reboot that a reboot then destroys (qemu_validate.c).
 * A dump of the guest's memory on a crash is not implemented here.
 */
static int
vbDomainDefValidateLifecycle(const vbDomainDef *def)
{
    const struct {
        const char *event;
        vbDomainLifecycleAction action;
    } rebootLike[] = {{"poweroff", def->onPoweroff}, {"reboot", def->onReboot}};
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(rebootLike); i++) {
        if (rebootLike[i].action == VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY ||
            rebootLike[i].action == VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED, _("Lifecycle event '%s' doesn't support '%s' action"),
                rebootLike[i].event, vbDomainLifecycleActionTypeToString(rebootLike[i].action));
            return -1;
        }
    }
    if (def->onPoweroff == VB_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME ||
        def->onReboot == VB_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME ||
        def->onCrash == VB_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, "%s",
            _("qemu driver doesn't support the 'rename-restart' action for 'on_reboot'/'on_poweroff'/'on_crash'"));
        return -1;
    }
    if (def->onPoweroff == VB_DOMAIN_LIFECYCLE_ACTION_PRESERVE ||
        def->onReboot == VB_DOMAIN_LIFECYCLE_ACTION_PRESERVE) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, "%s",
            _("qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'"));
        return -1;
    }
    if (def->onPoweroff == VB_DOMAIN_LIFECYCLE_ACTION_RESTART &&
        def->onReboot == VB_DOMAIN_LIFECYCLE_ACTION_DESTROY) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, "%s",
            _("qemu driver doesn't support 'onReboot' set to 'destroy and 'onPoweroff' set to 'reboot'"));
        return -1;
    }
    if (def->onCrash == VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY ||
        def->onCrash == VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("action '%s' for <on_crash> is not supported by virtblockd: a crashed guest's memory is not dumped"),
            vbDomainLifecycleActionTypeToString(def->onCrash));
        return -1;
    }
    return 0;
}

/* A writable image in two places is written twice without coordination:
 * a corrupted image, or a backing file changed under its overlay. */
static int
vbDomainDefValidateImageSharing(const vbDomainDef *def)
{
    g_autoptr(GHashTable) backing = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDiskDef *disk = def->disks[i];
        const vbStorageSource *src;

        if (vbStorageSourceIsEmpty(disk->src))
            continue;
        for (src = disk->src->backingStore; src; src = src->backingStore) {
            if (src->path && !g_hash_table_contains(backing, src->path))
                g_hash_table_insert(backing, src->path, (gpointer) disk);
        }
    }

    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDiskDef *disk = def->disks[i];
        const vbDomainDiskDef *other;
        size_t j;

        if (vbStorageSourceIsEmpty(disk->src))
            continue;
        for (j = 0; j < i; j++) {
            other = def->disks[j];
            if (vbStorageSourceIsEmpty(other->src) ||
                strcmp(other->src->path, disk->src->path) != 0)
                continue;
            if ((disk->src->readonly && other->src->readonly) ||
                (disk->src->shareable && other->src->shareable))
                continue;
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("disks '%s' and '%s' share image '%s' without <shareable/>"),
                          other->dst, disk->dst, disk->src->path);
            return -1;
        }
        if (disk->src->readonly)
            continue;
        if ((other = g_hash_table_lookup(backing, disk->src->path)) && other != disk) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("image '%s' written by disk '%s' backs disk '%s'"), disk->src->path,
                          disk->dst, other->dst);
            return -1;
        }
    }
    return 0;
}

static int
vbDomainDefValidateControllers(const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (vbDomainControllerDefValidate(def, def->controllers[i]) < 0)
            return -1;
    }
    return 0;
}

static bool
vbDomainPCIAddressEqual(const vbDomainDeviceAddress *a, const vbDomainDeviceAddress *b)
{
    return a->type == VB_DOMAIN_DEVICE_ADDRESS_PCI && b->type == VB_DOMAIN_DEVICE_ADDRESS_PCI &&
           a->pci.domain == b->pci.domain && a->pci.bus == b->pci.bus &&
           a->pci.slot == b->pci.slot && a->pci.function == b->pci.function;
}

static int
vbDomainDefCollectPCIAddress(vbDomainDef *def G_GNUC_UNUSED, vbDomainDeviceDef *dev G_GNUC_UNUSED,
                             vbDomainDeviceInfo *info, void *opaque)
{
    g_ptr_array_add(opaque, &info->addr);
    return 0;
}

/* Two devices in one PCI slot: QEMU refuses to start.  Every device's
 * address counts, so a new device family is checked without a change. */
static int
vbDomainDefValidatePCIAddresses(const vbDomainDef *def)
{
    g_autoptr(GPtrArray) addrs = g_ptr_array_new();
    size_t i;
    size_t j;

    /* the walk only reads: the iterator takes a definition it may change */
    vbDomainDeviceInfoIterate((vbDomainDef *) def, vbDomainDefCollectPCIAddress, addrs);

    for (i = 0; i < addrs->len; i++) {
        const vbDomainDeviceAddress *a = g_ptr_array_index(addrs, i);

        for (j = i + 1; j < addrs->len; j++) {
            if (vbDomainPCIAddressEqual(a, g_ptr_array_index(addrs, j))) {
                /* libvirt's wording */
                vbReportError(VIR_ERR_XML_ERROR,
                              _("Attempted double use of PCI Address %04x:%02x:%02x.%x"),
                              a->pci.domain, a->pci.bus, a->pci.slot, a->pci.function);
                return -1;
            }
        }
    }
    return 0;
}

/* QEMU's virtio-serial max_ports when <controller ports> is absent */
#define VB_DOMAIN_VIRTIO_SERIAL_PORTS_DEFAULT 31

/* Two serial ports, or two consoles of one kind, with one number; a
 * channel off a virtio-serial port (port 0 is for virtio consoles, QEMU
 * refuses a channel there) or beyond its controller's ports. */
static int
vbDomainDefValidateChrs(const vbDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->nchrs; i++) {
        const vbDomainChrDef *chr = def->chrs[i];
        const vbDomainDeviceAddress *addr = &chr->info.addr;

        for (j = i + 1; !chr->channel && j < def->nchrs; j++) {
            const vbDomainChrDef *other = def->chrs[j];

            if (!other->channel && chr->console == other->console && chr->target == other->target &&
                chr->port == other->port) {
                vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("two <%s> devices use port '%u'"),
                              chr->console ? "console" : "serial", chr->port);
                return -1;
            }
        }
        if (chr->channel) {
            const vbDomainControllerDef *cont = NULL;

            if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL) {
                vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              _("channel '%s' needs a 'virtio-serial' address, not '%s'"),
                              NULLSTR(chr->targetName),
                              vbDomainDeviceAddressTypeTypeToString(addr->type));
                return -1;
            }
            for (j = 0; j < def->ncontrollers; j++) {
                if (def->controllers[j]->type == VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL &&
                    def->controllers[j]->index == addr->vioserial.controller)
                    cont = def->controllers[j];
            }
            if (addr->vioserial.port == 0 || addr->vioserial.bus != 0 ||
                addr->vioserial.port >=
                    (cont && cont->ports ? cont->ports : VB_DOMAIN_VIRTIO_SERIAL_PORTS_DEFAULT)) {
                vbReportError(
                    VIR_ERR_CONFIG_UNSUPPORTED,
                    _("virtio-serial port '%u' bus '%u' of channel '%s' is not usable: channels take ports 1 to the controller's last on bus 0"),
                    addr->vioserial.port, addr->vioserial.bus, NULLSTR(chr->targetName));
                return -1;
            }
        } else if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_NONE) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("<%s> takes no <address>"),
                          chr->console ? "console" : "serial");
            return -1;
        }
    }
    return 0;
}

/* Inputs, graphics, audio backends and videos: each alone, then the rules
 * between them (libvirt's wording) */
static int
vbDomainDefValidateUI(const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ninputs; i++) {
        if (vbDomainInputDefValidate(def->inputs[i]) < 0)
            return -1;
    }
    if (def->ngraphics > 1) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("only one graphics device is supported by virtblockd"));
        return -1;
    }
    for (i = 0; i < def->naudios; i++) {
        if (vbDomainAudioDefValidate(def, def->audios[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->nvideos; i++) {
        const vbDomainVideoDef *video = def->videos[i];

        if (i > 0 && video->primary) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Only one primary video device is supported"));
            return -1;
        }
        if (video->type == VB_DOMAIN_VIDEO_TYPE_NONE && def->nvideos > 1) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("a 'none' video type must be the only video device defined for the domain"));
            return -1;
        }
        if (vbDomainVideoDefValidate(video) < 0)
            return -1;
    }
    return 0;
}

/* Each <driver iothread='K'> names one of the domain's <iothreads>, and only
 * virtio devices have one (libvirt's QEMU driver: its codes and wording) */
static int
vbDomainDefValidateIOThreads(const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDiskDef *disk = def->disks[i];

        if (!disk->iothread)
            continue;
        if (disk->bus != VB_DOMAIN_DISK_BUS_VIRTIO) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("IOThreads not available for bus %s target %s"),
                          vbDomainDiskBusTypeToString(disk->bus), disk->dst);
            return -1;
        }
        if (disk->iothread > def->iothreads) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Disk iothread '%u' not defined in iothreadid"), disk->iothread);
            return -1;
        }
    }
    for (i = 0; i < def->ncontrollers; i++) {
        const vbDomainControllerDef *cont = def->controllers[i];

        if (cont->iothread > def->iothreads) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("controller iothread '%u' not defined in iothreadid"), cont->iothread);
            return -1;
        }
    }
    return 0;
}

static int
vbDomainDefValidateBootOrderOne(GHashTable *seen, unsigned int bootIndex)
{
    if (!bootIndex)
        return 0;
    if (!g_hash_table_add(seen, GUINT_TO_POINTER(bootIndex))) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("boot order '%u' used for more than one device"),
                      bootIndex);
        return -1;
    }
    return 0;
}

/* the bootable devices: disks and interfaces */
static int
vbDomainDefValidateBootOrder(const vbDomainDef *def)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (vbDomainDefValidateBootOrderOne(seen, def->disks[i]->info.bootIndex) < 0)
            return -1;
    }
    for (i = 0; i < def->nnets; i++) {
        if (vbDomainDefValidateBootOrderOne(seen, def->nets[i]->info.bootIndex) < 0)
            return -1;
    }
    return 0;
}

int
vbDomainDefValidate(const vbDomainDef *def)
{
    size_t i;

    g_return_val_if_fail(def != NULL, -1);

    if (vbDomainDefValidateMachine(def) < 0 || vbDomainDefValidateVcpus(def) < 0 ||
        vbDomainClockDefValidate(def->clock) < 0 || vbDomainDefValidateFirmware(def) < 0 ||
        vbDomainDefValidateLifecycle(def) < 0)
        return -1;

    for (i = 0; i < def->ndisks; i++) {
        if (vbDomainDiskDefValidate(def, def->disks[i]) < 0)
            return -1;
    }
    if (vbDomainDefValidateBootOrder(def) < 0)
        return -1;

    if (vbDomainDefValidateImageSharing(def) < 0 || vbDomainDefValidateControllers(def) < 0 ||
        vbDomainDefValidatePCIAddresses(def) < 0 || vbDomainDefValidateChrs(def) < 0 ||
        vbDomainDefValidateUI(def) < 0 || vbDomainDefValidateIOThreads(def) < 0)
        return -1;
    if (vbDomainNetDefsValidate(def) < 0)
        return -1;
    if (def->watchdog && vbDomainWatchdogDefValidate(def->watchdog) < 0)
        return -1;
    for (i = 0; i < def->nrngs; i++) {
        if (vbDomainRNGDefValidate(def->rngs[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->npanics; i++) {
        if (vbDomainPanicDefValidate(def, def->panics[i]) < 0)
            return -1;
    }
    return 0;
}
