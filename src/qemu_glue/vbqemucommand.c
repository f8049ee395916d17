/*
 * vbqemucommand.c: the QEMU command line of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbqemucommand.h"
#include "vbqemublock.h"
#include "vbqemudevice.h"
#include "vbqemudomainaddress.h"
#include "vberror.h"
#include "vbjson.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* Everything one device line needs besides the definition. */
typedef struct {
    const vbDomainDef *def;
    vbQemuMachineFamily family;
    const char *rootBus; /* "pci.0" or "pcie.0" */
} vbQemuCommandContext;

static void
vbQemuCommandAddArg(GPtrArray *argv, const char *arg)
{
    g_ptr_array_add(argv, g_strdup(arg));
}

static void vbQemuCommandAddArgFormat(GPtrArray *argv, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
vbQemuCommandAddArgFormat(GPtrArray *argv, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* QEMU's key=value option syntax: a comma inside a value is doubled. */
static void
vbQemuCommandAppendEscaped(GString *buf, const char *str)
{
    const char *p;

    for (p = str; *p; p++) {
        if (*p == ',')
            g_string_append_c(buf, ',');
        g_string_append_c(buf, *p);
    }
}

static void
vbQemuCommandAddArgBuf(GPtrArray *argv, GString **buf)
{
    g_ptr_array_add(argv, g_string_free(g_steal_pointer(buf), FALSE));
}

static int
vbQemuCommandAddBlockdev(GPtrArray *argv, const vbJSONValue *props)
{
    char *str = vbJSONValueToString(props, false);

    if (!str)
        return -1;
    vbQemuCommandAddArg(argv, "-blockdev");
    g_ptr_array_add(argv, str);
    return 0;
}

static int
vbQemuCommandBuildAccel(GPtrArray *argv, const vbDomainDef *def, const vbQemuCommandOptions *opts)
{
    switch (def->virtType) {
    case VB_DOMAIN_VIRT_KVM:
        if (!opts->kvmUsable) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("domain type 'kvm' needs '/dev/kvm', which this host lacks"));
            return -1;
        }
        vbQemuCommandAddArg(argv, "-accel");
        vbQemuCommandAddArg(argv, "kvm");
        return 0;
    case VB_DOMAIN_VIRT_QEMU:
        vbQemuCommandAddArg(argv, "-accel");
        vbQemuCommandAddArg(argv, "tcg");
        return 0;
    case VB_DOMAIN_VIRT_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected domain type %d"), (int) def->virtType);
    return -1;
}

static void
vbQemuCommandBuildMachine(GPtrArray *argv, const vbDomainDef *def)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    vbQemuCommandAddArg(argv, "-machine");
    vbQemuCommandAppendEscaped(buf, def->machine);
    /* -nodefaults leaves out USB; dump-guest-core=off keeps guest memory
     * out of core dumps of QEMU, as libvirt does by default. */
    g_string_append(buf, ",usb=off,dump-guest-core=off");
    if (!def->acpi)
        g_string_append(buf, ",acpi=off");
    vbQemuCommandAddArgBuf(argv, &buf);
}

static int
vbQemuCommandBuildMemory(GPtrArray *argv, const vbDomainDef *def)
{
    if (def->maxMemory == 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("memory size must be greater than zero"));
        return -1;
    }
    vbQemuCommandAddArg(argv, "-m");
    vbQemuCommandAddArgFormat(argv, "size=%lluk", def->maxMemory);
    vbQemuCommandAddArg(argv, "-smp");
    vbQemuCommandAddArgFormat(argv, "%u", def->vcpus ? def->vcpus : 1);
    return 0;
}

static void
vbQemuCommandBuildMonitor(GPtrArray *argv, const vbQemuCommandOptions *opts)
{
    g_autoptr(GString) buf = g_string_new("socket,id=charmonitor,path=");

    vbQemuCommandAppendEscaped(buf, opts->monitorPath);
    g_string_append(buf, ",server=on,wait=off");
    vbQemuCommandAddArg(argv, "-chardev");
    vbQemuCommandAddArgBuf(argv, &buf);
    vbQemuCommandAddArg(argv, "-mon");
    vbQemuCommandAddArg(argv, "chardev=charmonitor,id=monitor,mode=control");
}

static int
vbQemuCommandAppendPCIAddress(GString *buf, const vbQemuCommandContext *ctx,
                              const vbDomainDeviceAddress *addr, const char *devname)
{
    if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_PCI) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("device '%s' has no PCI address assigned"),
                      devname);
        return -1;
    }
    g_string_append_printf(buf, ",bus=%s,addr=0x%x", ctx->rootBus, addr->pci.slot);
    return 0;
}

/* Only a virtio-scsi controller is a device of its own: the root bus and
 * q35's AHCI are part of the machine. */
static int
vbQemuCommandBuildController(GPtrArray *argv, const vbQemuCommandContext *ctx,
                             const vbDomainControllerDef *cont)
{
    g_autoptr(GString) buf = NULL;

    switch (cont->type) {
    case VB_DOMAIN_CONTROLLER_TYPE_PCI:
    case VB_DOMAIN_CONTROLLER_TYPE_SATA:
        return 0;

    case VB_DOMAIN_CONTROLLER_TYPE_SCSI:
        buf = g_string_new("virtio-scsi-pci,id=");
        g_string_append(buf, cont->info.alias);
        if (vbQemuCommandAppendPCIAddress(buf, ctx, &cont->info.addr, cont->info.alias) < 0)
            return -1;
        vbQemuCommandAddArg(argv, "-device");
        vbQemuCommandAddArgBuf(argv, &buf);
        return 0;

    case VB_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected controller type %d"), (int) cont->type);
    return -1;
}

/* -blockdev for each image, bottom first: QEMU resolves "backing" and
 * "file" references to nodes that already exist. */
static int
vbQemuCommandBuildDiskBlockdevs(GPtrArray *argv, const vbDomainDiskDef *disk)
{
    g_autoptr(GPtrArray) chain = g_ptr_array_new();
    const vbStorageSource *n;
    guint i;

    for (n = disk->src; n && n->type != VB_STORAGE_TYPE_NONE; n = n->backingStore)
        g_ptr_array_add(chain, (gpointer) n);

    for (i = chain->len; i > 0; i--) {
        const vbStorageSource *src = g_ptr_array_index(chain, i - 1);
        unsigned int flags = src == disk->src ? VB_QEMU_BLOCK_NODE_TOP : 0;
        g_autoptr(vbJSONValue) storage = NULL;
        g_autoptr(vbJSONValue) format = NULL;

        if (!(storage = vbQemuBlockStorageProps(disk, src)) ||
            !(format = vbQemuBlockFormatProps(disk, src, flags)))
            return -1;
        /* JSON, not key=value: only JSON can say "backing": null */
        if (vbQemuCommandAddBlockdev(argv, storage) < 0 ||
            vbQemuCommandAddBlockdev(argv, format) < 0)
            return -1;
    }
    return 0;
}

/* libvirt's guest-visible write cache for each cache mode; NULL when the
 * mode is left to QEMU's default. */
static const char *
vbQemuCommandDiskWriteCache(vbDomainDiskCache cache)
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

static int
vbQemuCommandBuildDiskDevice(GPtrArray *argv, const vbQemuCommandContext *ctx,
                             const vbDomainDiskDef *disk, unsigned int bootIndex)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    bool cdrom = disk->device == VB_DOMAIN_DISK_DEVICE_CDROM;
    const vbDomainDeviceAddress *addr = &disk->info.addr;
    const char *writeCache = vbQemuCommandDiskWriteCache(disk->cache);
    bool empty = vbStorageSourceIsEmpty(disk->src);

    switch (disk->bus) {
    case VB_DOMAIN_DISK_BUS_VIRTIO:
        g_string_append(buf, "virtio-blk-pci");
        if (vbQemuCommandAppendPCIAddress(buf, ctx, addr, disk->dst) < 0)
            return -1;
        break;
    case VB_DOMAIN_DISK_BUS_SATA:
        /* each AHCI port is a bus of its own with a single unit */
        g_string_append_printf(buf, "%s,bus=ide.%u", cdrom ? "ide-cd" : "ide-hd", addr->drive.unit);
        break;
    case VB_DOMAIN_DISK_BUS_SCSI:
        g_string_append_printf(buf, "%s,bus=scsi%u.0,channel=%u,scsi-id=%u,lun=%u",
                               cdrom ? "scsi-cd" : "scsi-hd", addr->drive.controller,
                               addr->drive.bus, addr->drive.target, addr->drive.unit);
        /* the guest sees the same SCSI device identity whatever the image */
        g_string_append_printf(buf, ",device_id=drive-%s", disk->info.alias);
        break;
    case VB_DOMAIN_DISK_BUS_NONE:
    case VB_DOMAIN_DISK_BUS_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected bus of disk '%s'"), disk->dst);
        return -1;
    }

    if (disk->src && disk->src->shareable)
        g_string_append(buf, ",share-rw=on");
    if (!empty)
        g_string_append_printf(buf, ",drive=%s", disk->src->nodeFormat);
    g_string_append_printf(buf, ",id=%s", disk->info.alias);
    if (bootIndex > 0)
        g_string_append_printf(buf, ",bootindex=%u", bootIndex);
    if (disk->serial) {
        g_string_append(buf, ",serial=");
        vbQemuCommandAppendEscaped(buf, disk->serial);
    }
    if (writeCache && !empty)
        g_string_append_printf(buf, ",write-cache=%s", writeCache);

    vbQemuCommandAddArg(argv, "-device");
    vbQemuCommandAddArgBuf(argv, &buf);
    return 0;
}

/*
 * Boot order of each disk: <boot order> when any device has one;
 * otherwise <os><boot dev>, which libvirt turns into the same bootindex
 * values: "hd" is the first disk, "cdrom" the first cdrom, in the order of
 * the <boot> elements.
 */
static unsigned int *
vbQemuCommandDiskBootOrder(const vbDomainDef *def)
{
    g_autofree unsigned int *order = g_new0(unsigned int, def->ndisks + 1);
    unsigned int next = 1;
    size_t i;
    size_t j;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->info.bootIndex > 0) {
            for (j = 0; j < def->ndisks; j++)
                order[j] = def->disks[j]->info.bootIndex;
            return g_steal_pointer(&order);
        }
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
            if (def->disks[j]->device == want && order[j] == 0) {
                order[j] = next++;
                break;
            }
        }
    }
    return g_steal_pointer(&order);
}

static int
vbQemuCommandBuildDisks(GPtrArray *argv, const vbQemuCommandContext *ctx)
{
    const vbDomainDef *def = ctx->def;
    g_autofree unsigned int *bootOrder = vbQemuCommandDiskBootOrder(def);
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDiskDef *disk = def->disks[i];

        if (!vbStorageSourceIsEmpty(disk->src) && vbQemuCommandBuildDiskBlockdevs(argv, disk) < 0)
            return -1;
        if (vbQemuCommandBuildDiskDevice(argv, ctx, disk, bootOrder[i]) < 0)
            return -1;
    }
    return 0;
}

/*
 * The serial ports QEMU gets, in command line order: each <serial>, then
 * each <console> whose port no <serial> has.  A console of target type
 * serial is the serial port of its number (libvirt's), so it is built only
 * once.  The array points into @def.
 */
static GPtrArray *
vbQemuCommandSerialPorts(const vbDomainDef *def)
{
    g_autoptr(GPtrArray) ports = g_ptr_array_new();
    size_t pass;
    size_t i;
    guint j;

    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < def->nchrs; i++) {
            vbDomainChrDef *chr = def->chrs[i];
            bool taken = false;

            if (chr->console != (pass == 1))
                continue;
            for (j = 0; j < ports->len && !taken; j++)
                taken = ((vbDomainChrDef *) g_ptr_array_index(ports, j))->port == chr->port;
            if (!taken)
                g_ptr_array_add(ports, chr);
        }
    }
    return g_steal_pointer(&ports);
}

static void
vbQemuCommandBuildSerials(GPtrArray *argv, GPtrArray *ports)
{
    guint i;

    for (i = 0; i < ports->len; i++) {
        const vbDomainChrDef *chr = g_ptr_array_index(ports, i);

        vbQemuCommandAddArg(argv, "-chardev");
        vbQemuCommandAddArgFormat(argv, "pty,id=char%s", chr->info.alias);
        vbQemuCommandAddArg(argv, "-device");
        vbQemuCommandAddArgFormat(argv, "isa-serial,chardev=char%s,id=%s,index=%u", chr->info.alias,
                                  chr->info.alias, chr->port);
    }
}

/*
 * Refuses what QEMU cannot run or we cannot build, before any output:
 * the disks first, as a disk names what is wrong with it better than its
 * controller.
 */
static int
vbQemuCommandValidateDevices(const vbDomainDef *def, GPtrArray *ports)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (vbQemuDeviceValidateDisk(def, def->disks[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->ncontrollers; i++) {
        if (vbQemuDeviceValidateController(def, def->controllers[i]) < 0)
            return -1;
    }
    for (i = 0; i < ports->len; i++) {
        if (vbQemuDeviceValidateChr(def, g_ptr_array_index(ports, i)) < 0)
            return -1;
    }
    return 0;
}

GStrv
vbQemuCommandBuild(const vbDomainDef *def, const vbQemuCommandOptions *opts)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    vbQemuCommandContext ctx = {.def = def};
    g_autoptr(GString) name = g_string_new("guest=");
    g_autoptr(GPtrArray) ports = NULL;
    char uuidstr[VB_UUID_STRING_BUFLEN];
    size_t i;

    g_return_val_if_fail(def != NULL && def->name != NULL, NULL);
    g_return_val_if_fail(opts != NULL && opts->monitorPath != NULL, NULL);

    if (vbQemuDomainGetMachineFamily(def, &ctx.family) < 0)
        return NULL;
    ctx.rootBus = ctx.family == VB_QEMU_MACHINE_FAMILY_Q35 ? "pcie.0" : "pci.0";
    ports = vbQemuCommandSerialPorts(def);

    vbQemuCommandAddArg(argv, def->emulator ? def->emulator : VB_QEMU_DEFAULT_EMULATOR);

    vbQemuCommandAppendEscaped(name, def->name);
    g_string_append(name, ",debug-threads=on");
    vbQemuCommandAddArg(argv, "-name");
    vbQemuCommandAddArgBuf(argv, &name);

    /* vCPUs start stopped; see the comment in the header */
    vbQemuCommandAddArg(argv, "-S");
    vbQemuCommandAddArg(argv, "-no-user-config");
    vbQemuCommandAddArg(argv, "-nodefaults");

    vbQemuCommandBuildMachine(argv, def);
    if (vbQemuCommandBuildAccel(argv, def, opts) < 0)
        return NULL;
    /* qemu64 is what libvirt and QEMU use without a <cpu> element, with TCG
     * and KVM alike: a guest sees the same CPU whichever runs it. */
    vbQemuCommandAddArg(argv, "-cpu");
    vbQemuCommandAddArg(argv, "qemu64");
    if (vbQemuCommandBuildMemory(argv, def) < 0)
        return NULL;

    vbUUIDFormat(def->uuid, uuidstr);
    vbQemuCommandAddArg(argv, "-uuid");
    vbQemuCommandAddArg(argv, uuidstr);
    vbQemuCommandAddArg(argv, "-display");
    vbQemuCommandAddArg(argv, "none");

    vbQemuCommandBuildMonitor(argv, opts);

    /* the guest's clock starts at the host's UTC time; validation refuses
     * any other <clock> */
    if (def->clockUtc) {
        vbQemuCommandAddArg(argv, "-rtc");
        vbQemuCommandAddArg(argv, "base=utc");
    }
    vbQemuCommandAddArg(argv, "-no-shutdown");
    if (def->onReboot == VB_DOMAIN_LIFECYCLE_ACTION_DESTROY)
        vbQemuCommandAddArg(argv, "-no-reboot");
    vbQemuCommandAddArg(argv, "-boot");
    vbQemuCommandAddArg(argv, "strict=on");

    if (vbQemuCommandValidateDevices(def, ports) < 0)
        return NULL;
    for (i = 0; i < def->ncontrollers; i++) {
        if (vbQemuCommandBuildController(argv, &ctx, def->controllers[i]) < 0)
            return NULL;
    }
    if (vbQemuCommandBuildDisks(argv, &ctx) < 0)
        return NULL;
    vbQemuCommandBuildSerials(argv, ports);

    g_ptr_array_add(argv, NULL);
    return (GStrv) g_ptr_array_free(g_steal_pointer(&argv), FALSE);
}
