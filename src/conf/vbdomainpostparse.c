/*
 * vbdomainpostparse.c: defaults filled in after parsing a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything here is deterministic: the same document gives the same
 * definition (the generated UUID aside), so that the formatted XML of a
 * defined domain does not change between daemon restarts.  Besides the
 * defaults, two structural checks live here because every later lookup
 * relies on them: disk targets and chain indexes are unique.
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbuuid.h"
#include "vbdomainconf.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

/* AHCI has six ports; a virtio-scsi target takes units 0..16383. */
#define VB_DOMAIN_SATA_UNITS 6
#define VB_DOMAIN_SCSI_UNITS 16384

bool
vbDomainDefHasQ35Machine(const vbDomainDef *def)
{
    return def->machine &&
           (strcmp(def->machine, "q35") == 0 || g_str_has_prefix(def->machine, "pc-q35-"));
}

bool
vbDomainDefHasI440FXMachine(const vbDomainDef *def)
{
    const char *m = def->machine;

    /* 'pc', 'pc-i440fx-7.2' and the old 'pc-1.3' style names */
    return m && (strcmp(m, "pc") == 0 || g_str_has_prefix(m, "pc-i440fx-") ||
                 (g_str_has_prefix(m, "pc-") && g_ascii_isdigit(m[3])));
}

static const char *
vbDomainDiskSourceName(const vbDomainDiskDef *disk)
{
    return disk->src && disk->src->path ? disk->src->path : "<null>";
}

static int
vbDomainDefCheckDuplicateTargets(const vbDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->ndisks; i++) {
        for (j = i + 1; j < def->ndisks; j++) {
            if (strcmp(def->disks[i]->dst, def->disks[j]->dst) == 0) {
                /* libvirt's wording */
                vbReportError(VIR_ERR_XML_ERROR,
                              _("target '%s' duplicated for disk sources '%s' and '%s'"),
                              def->disks[i]->dst, vbDomainDiskSourceName(def->disks[i]),
                              vbDomainDiskSourceName(def->disks[j]));
                return -1;
            }
        }
    }
    return 0;
}

/* The N of 'vda[N]' names one image in the whole domain. */
static int
vbDomainDefCheckDuplicateIndexes(const vbDomainDef *def)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        vbDomainDiskDef *disk = def->disks[i];
        vbStorageSource *src;

        for (src = disk->src; src; src = src->backingStore) {
            vbDomainDiskDef *other;

            if (src->id == 0)
                continue;
            if ((other = g_hash_table_lookup(seen, GUINT_TO_POINTER(src->id)))) {
                vbReportError(VIR_ERR_XML_ERROR,
                              _("index '%u' is used by more than one image (disks '%s' and '%s')"),
                              src->id, other->dst, disk->dst);
                return -1;
            }
            g_hash_table_insert(seen, GUINT_TO_POINTER(src->id), disk);
        }
    }

    /* An active commit's mirror is the base image: it may repeat the index
     * of the same image in its own chain, of no other. */
    for (i = 0; i < def->ndisks; i++) {
        vbDomainDiskDef *disk = def->disks[i];
        vbDomainDiskDef *other;
        vbStorageSource *src;

        if (!disk->mirror || disk->mirror->id == 0)
            continue;
        other = g_hash_table_lookup(seen, GUINT_TO_POINTER(disk->mirror->id));
        if (!other)
            continue;
        if (other != disk) {
            vbReportError(VIR_ERR_XML_ERROR,
                          _("index '%u' is used by more than one image (disks '%s' and '%s')"),
                          disk->mirror->id, other->dst, disk->dst);
            return -1;
        }
        for (src = disk->src; src; src = src->backingStore) {
            if (src->id == disk->mirror->id)
                break;
        }
        if (!vbStorageSourceIsSameLocation(src, disk->mirror)) {
            vbReportError(VIR_ERR_XML_ERROR,
                          _("mirror '%s' of disk '%s' has the index '%u' of another image"),
                          disk->mirror->path, disk->dst, disk->mirror->id);
            return -1;
        }
    }
    return 0;
}

static vbDomainControllerType
vbDomainDiskControllerType(const vbDomainDiskDef *disk)
{
    return disk->bus == VB_DOMAIN_DISK_BUS_SATA ? VB_DOMAIN_CONTROLLER_TYPE_SATA
                                                : VB_DOMAIN_CONTROLLER_TYPE_SCSI;
}

static bool
vbDomainDriveAddressInUse(const vbDomainDef *def, vbDomainDiskBus bus, unsigned int controller,
                          unsigned int unit)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDiskDef *disk = def->disks[i];

        if (disk->bus == bus && disk->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_DRIVE &&
            disk->info.addr.drive.controller == controller && disk->info.addr.drive.bus == 0 &&
            disk->info.addr.drive.target == 0 && disk->info.addr.drive.unit == unit)
            return true;
    }
    return false;
}

/* The index a target name stands for, as libvirt's virDiskNameToIndex
 * reads it: the letters after the prefix in base 26 ('sda' 0, 'sdaa' 26);
 * -1 when the name has none. */
static int
vbDomainDiskNameToIndex(const char *dst)
{
    static const char *const prefixes[] = {"fd", "hd", "vd", "sd", "xvd", "ubd"};
    const char *c = NULL;
    int idx = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(prefixes) && !c; i++) {
        if (g_str_has_prefix(dst, prefixes[i]))
            c = dst + strlen(prefixes[i]);
    }
    if (!c || !*c)
        return -1;
    for (i = 0; c[i]; i++) {
        if (!g_ascii_islower(c[i]) || idx > 100000)
            return -1;
        idx = (idx + (i == 0 ? 0 : 1)) * 26 + (c[i] - 'a');
    }
    return idx;
}

/* SATA disks without an address get the unit their target name stands
 * for (sdc: unit 2), as libvirt gives it; SCSI disks, and SATA names
 * that stand for no unit of controller 0, the lowest free unit, in
 * document order, on controller 0 and on (for SATA) further controllers.
 * Units only get taken, so the search goes on where the last one ended. */
static int
vbDomainDefAssignDriveAddresses(vbDomainDef *def)
{
    unsigned int next[VB_DOMAIN_DISK_BUS_LAST] = {0};
    size_t i;
    size_t j;

    for (i = 0; i < def->ndisks; i++) {
        vbDomainDiskDef *disk = def->disks[i];
        unsigned int units;
        unsigned int n;
        int idx;

        if (disk->bus != VB_DOMAIN_DISK_BUS_SATA && disk->bus != VB_DOMAIN_DISK_BUS_SCSI)
            continue;
        if (disk->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_DRIVE)
            continue;
        if (disk->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_NONE) {
            vbReportError(VIR_ERR_XML_ERROR,
                          _("disk '%s' on bus '%s' needs an address of type 'drive'"), disk->dst,
                          vbDomainDiskBusTypeToString(disk->bus));
            return -1;
        }
        units = disk->bus == VB_DOMAIN_DISK_BUS_SATA ? VB_DOMAIN_SATA_UNITS : VB_DOMAIN_SCSI_UNITS;
        if (disk->bus == VB_DOMAIN_DISK_BUS_SATA &&
            (idx = vbDomainDiskNameToIndex(disk->dst)) >= 0 && idx < (int) units) {
            disk->info.addr.type = VB_DOMAIN_DEVICE_ADDRESS_DRIVE;
            disk->info.addr.drive.unit = idx;
            continue;
        }
        for (n = next[disk->bus]; vbDomainDriveAddressInUse(def, disk->bus, n / units, n % units);
             n++)
            ;
        next[disk->bus] = n + 1;
        disk->info.addr.type = VB_DOMAIN_DEVICE_ADDRESS_DRIVE;
        disk->info.addr.drive.controller = n / units;
        disk->info.addr.drive.unit = n % units;
    }

    for (i = 0; i < def->ndisks; i++) {
        for (j = i + 1; j < def->ndisks; j++) {
            const vbDomainDeviceAddress *a = &def->disks[i]->info.addr;
            const vbDomainDeviceAddress *b = &def->disks[j]->info.addr;

            if (a->type != VB_DOMAIN_DEVICE_ADDRESS_DRIVE || b->type != a->type ||
                def->disks[i]->bus != def->disks[j]->bus)
                continue;
            if (a->drive.controller == b->drive.controller && a->drive.bus == b->drive.bus &&
                a->drive.target == b->drive.target && a->drive.unit == b->drive.unit) {
                vbReportError(VIR_ERR_XML_ERROR, _("disks '%s' and '%s' have the same address"),
                              def->disks[i]->dst, def->disks[j]->dst);
                return -1;
            }
        }
    }
    return 0;
}

/* libvirt appends the controllers it implies after the listed ones */
static void
vbDomainDefMaybeAddController(vbDomainDef *def, vbDomainControllerType type, unsigned int index,
                              vbDomainControllerModel model)
{
    if (!vbDomainDefFindController(def, type, index))
        vbDomainDefAppendController(def, vbDomainControllerDefNew(type, index, model));
}

static bool
vbDomainVirtioSerialPortInUse(const vbDomainDef *def, unsigned int controller, unsigned int port)
{
    size_t i;

    for (i = 0; i < def->nchrs; i++) {
        const vbDomainDeviceAddress *a = &def->chrs[i]->info.addr;

        if (def->chrs[i]->channel && a->type == VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL &&
            a->vioserial.controller == controller && a->vioserial.bus == 0 &&
            a->vioserial.port == port)
            return true;
    }
    return false;
}

/* The virtio-serial port of each channel without one (libvirt's: the
 * first free port from 1 of controller 0 bus 0; port 0 is a virtio
 * console's), and the controllers the channels and virtio consoles sit
 * on; two channels on one port are refused with libvirt's message. */
static int
vbDomainDefVirtioSerialPostParse(vbDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->nchrs; i++) {
        const vbDomainDeviceAddress *a = &def->chrs[i]->info.addr;

        if (!def->chrs[i]->channel || a->type != VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL)
            continue;
        for (j = i + 1; j < def->nchrs; j++) {
            const vbDomainDeviceAddress *b = &def->chrs[j]->info.addr;

            if (def->chrs[j]->channel && b->type == a->type &&
                b->vioserial.controller == a->vioserial.controller &&
                b->vioserial.bus == a->vioserial.bus && b->vioserial.port == a->vioserial.port) {
                vbReportError(VIR_ERR_XML_ERROR,
                              _("virtio serial port %u on controller %u is already occupied"),
                              a->vioserial.port, a->vioserial.controller);
                return -1;
            }
        }
    }

    for (i = 0; i < def->nchrs; i++) {
        vbDomainChrDef *chr = def->chrs[i];
        vbDomainDeviceAddress *addr = &chr->info.addr;
        unsigned int port = 1; /* port 0 is a virtio console's */

        if (chr->console && chr->target == VB_DOMAIN_CHR_TARGET_VIRTIO &&
            !vbDomainDefFindController(def, VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL, 0))
            vbDomainDefMaybeAddController(def, VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL, 0,
                                          VB_DOMAIN_CONTROLLER_MODEL_DEFAULT);
        if (!chr->channel)
            continue;
        if (addr->type == VB_DOMAIN_DEVICE_ADDRESS_NONE) {
            while (vbDomainVirtioSerialPortInUse(def, 0, port))
                port++;
            addr->type = VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL;
            addr->vioserial.controller = 0;
            addr->vioserial.bus = 0;
            addr->vioserial.port = port;
        }
        if (addr->type == VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL &&
            !vbDomainDefFindController(def, VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
                                       addr->vioserial.controller))
            vbDomainDefMaybeAddController(def, VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
                                          addr->vioserial.controller,
                                          VB_DOMAIN_CONTROLLER_MODEL_DEFAULT);
    }
    return 0;
}

/* Two controllers of one type and index are one too many, except the
 * members of an ICH9 USB2 group, which share the index of their EHCI. */
/* libvirt's parser rules for the USB controllers as a set: 'none' is
 * the only one, and one of them is no companion (has no <master>). */
static int
vbDomainDefCheckUSBControllers(const vbDomainDef *def)
{
    bool none = false;
    bool other = false;
    bool master = false;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const vbDomainControllerDef *cont = def->controllers[i];

        if (cont->type != VB_DOMAIN_CONTROLLER_TYPE_USB)
            continue;
        if ((cont->model == VB_DOMAIN_CONTROLLER_MODEL_NONE && (none || other)) ||
            (cont->model != VB_DOMAIN_CONTROLLER_MODEL_NONE && none)) {
            /* libvirt's wording and code */
            vbReportError(VIR_ERR_XML_DETAIL,
                          _("Can't add another USB controller: USB is disabled for this domain"));
            return -1;
        }
        if (cont->model == VB_DOMAIN_CONTROLLER_MODEL_NONE)
            none = true;
        else
            other = true;
        if (cont->startport < 0)
            master = true;
    }
    if (other && !master) {
        vbReportError(VIR_ERR_XML_DETAIL, _("No master USB controller specified"));
        return -1;
    }
    return 0;
}

static int
vbDomainDefCheckDuplicateControllers(const vbDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->ncontrollers; i++) {
        const vbDomainControllerDef *a = def->controllers[i];

        for (j = i + 1; j < def->ncontrollers; j++) {
            const vbDomainControllerDef *b = def->controllers[j];

            if (a->type != b->type || a->index != b->index)
                continue;
            if (a->type == VB_DOMAIN_CONTROLLER_TYPE_USB) {
                if (vbDomainControllerModelIsUSB2(a->model) &&
                    vbDomainControllerModelIsUSB2(b->model) && a->model != b->model)
                    continue;
                /* libvirt's wording */
                vbReportError(VIR_ERR_XML_ERROR, _("Duplicate USB controllers with index %u"),
                              a->index);
                return -1;
            }
            /* libvirt's wording */
            vbReportError(VIR_ERR_XML_ERROR, _("Multiple '%s' controllers with index '%u'"),
                          vbDomainControllerTypeTypeToString(a->type), a->index);
            return -1;
        }
    }
    return 0;
}

static int
vbDomainDefControllersPostParse(vbDomainDef *def)
{
    bool q35 = vbDomainDefHasQ35Machine(def);
    size_t i;

    vbDomainDefAssignControllerIndexes(def);

    /* Controllers stay in document order.  libvirt's parser sorts them
     * into type groups in index order, but appends those it implies, so
     * its output read back is sorted differently again; keeping the
     * order read gives libvirt's output for any definition that lists
     * its controllers grouped and in index order (as virt-install, Nova
     * and oVirt do), and a round trip that changes nothing. */
    if (vbDomainDefCheckUSBControllers(def) < 0 || vbDomainDefCheckDuplicateControllers(def) < 0)
        return -1;

    /* what libvirt's QEMU driver adds, in its order: a USB controller
     * (QEMU's XHCI on q35, the PIIX3's UHCI on pc), q35's built-in AHCI,
     * the PCI root */
    vbDomainDefMaybeAddController(def, VB_DOMAIN_CONTROLLER_TYPE_USB, 0,
                                  q35 ? VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI
                                      : VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI);
    if (q35)
        vbDomainDefMaybeAddController(def, VB_DOMAIN_CONTROLLER_TYPE_SATA, 0,
                                      VB_DOMAIN_CONTROLLER_MODEL_DEFAULT);
    vbDomainDefMaybeAddController(def, VB_DOMAIN_CONTROLLER_TYPE_PCI, 0,
                                  VB_DOMAIN_CONTROLLER_MODEL_DEFAULT);

    /* then those the disks imply */
    for (i = 0; i < def->ndisks; i++) {
        vbDomainDiskDef *disk = def->disks[i];

        if (disk->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_DRIVE)
            continue;
        vbDomainDefMaybeAddController(def, vbDomainDiskControllerType(disk),
                                      disk->info.addr.drive.controller,
                                      VB_DOMAIN_CONTROLLER_MODEL_DEFAULT);
    }

    for (i = 0; i < def->ncontrollers; i++) {
        vbDomainControllerDef *cont = def->controllers[i];

        if (cont->model != VB_DOMAIN_CONTROLLER_MODEL_DEFAULT)
            continue;
        switch (cont->type) {
        case VB_DOMAIN_CONTROLLER_TYPE_PCI:
            /* other PCI controllers have no default model; validate says so */
            if (cont->index == 0)
                cont->model = q35 ? VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT
                                  : VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;
            break;
        case VB_DOMAIN_CONTROLLER_TYPE_SCSI:
            cont->model = VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI;
            break;
        case VB_DOMAIN_CONTROLLER_TYPE_USB:
            /* a USB controller listed without a model is libvirt's
             * default on x86, whatever the machine */
            cont->model = VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI;
            break;
        case VB_DOMAIN_CONTROLLER_TYPE_SATA:
        case VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        case VB_DOMAIN_CONTROLLER_TYPE_LAST:
            break;
        }
    }
    return 0;
}

/* libvirt's implicit devices of an x86 machine: a ps2 mouse and keyboard,
 * part of the machine (no QEMU device), listed after the user's inputs */
static void
vbDomainDefAddImplicitInput(vbDomainDef *def, vbDomainInputType type)
{
    vbDomainInputDef *input;
    size_t i;

    for (i = 0; i < def->ninputs; i++) {
        if (def->inputs[i]->type == type && def->inputs[i]->bus == VB_DOMAIN_INPUT_BUS_PS2)
            return;
    }
    input = g_new0(vbDomainInputDef, 1);
    input->type = type;
    input->bus = VB_DOMAIN_INPUT_BUS_PS2;
    def->inputs = g_renew(vbDomainInputDef *, def->inputs, def->ninputs + 1);
    def->inputs[def->ninputs++] = input;
}

/*
 * Videos as libvirt leaves them: a default (cirrus) video for graphics
 * without one, the primary first and marked so (the first one when none
 * says primary='yes'), each with its model's defaults.  A second
 * primary is left for validation to refuse.
 */
static void
vbDomainDefVideosPostParse(vbDomainDef *def)
{
    size_t i;

    if (def->ngraphics > 0 && def->nvideos == 0) {
        def->videos = g_new0(vbDomainVideoDef *, 1);
        def->videos[def->nvideos++] = vbDomainVideoDefNew(VB_DOMAIN_VIDEO_TYPE_DEFAULT);
    }
    for (i = 1; i < def->nvideos; i++) {
        if (def->videos[i]->primary && !def->videos[0]->primary) {
            vbDomainVideoDef *primary = def->videos[i];

            memmove(def->videos + 1, def->videos, i * sizeof(*def->videos));
            def->videos[0] = primary;
            break;
        }
    }
    for (i = 0; i < def->nvideos; i++)
        vbDomainVideoDefPostParse(def->videos[i]);
    if (def->nvideos > 0 && def->videos[0]->type != VB_DOMAIN_VIDEO_TYPE_NONE)
        def->videos[0]->primary = true;
}

/* The system UUID of <sysinfo> is the domain's: a domain without <uuid>
 * takes it, a different one is refused (libvirt's wording and code). */
static int
vbDomainDefSysinfoUUIDPostParse(vbDomainDef *def)
{
    const char *str;
    unsigned char uuid[16];

    if (!def->sysinfo || !(str = vbSysinfoGet(def->sysinfo, VB_SYSINFO_SYSTEM, "uuid")))
        return 0;
    /* the parser wrote it in the canonical form */
    if (vbUUIDParse(str, uuid) < 0)
        return -1;
    if (vbUUIDIsNull(def->uuid)) {
        memcpy(def->uuid, uuid, sizeof(uuid));
        return 0;
    }
    if (memcmp(def->uuid, uuid, sizeof(uuid)) != 0) {
        vbReportError(VIR_ERR_XML_DETAIL, _("UUID mismatch between <uuid> and <sysinfo>"));
        return -1;
    }
    return 0;
}

/* <boot dev> and per-device <boot order> exclude each other; with neither
 * the domain boots from its first disk, which libvirt writes back as
 * <boot dev='hd'/> */
static int
vbDomainDefBootOrderPostParse(vbDomainDef *def)
{
    bool perDevice = false;
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->info.bootIndex)
            perDevice = true;
    }
    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->info.bootIndex)
            perDevice = true;
    }
    if (def->os.nBootDevs > 0 && perDevice) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("per-device boot elements cannot be used together with os/boot elements"));
        return -1;
    }
    if (def->os.nBootDevs == 0 && !perDevice) {
        def->os.bootDevs[0] = VB_DOMAIN_BOOT_DISK;
        def->os.nBootDevs = 1;
    }
    return 0;
}

/*
 * The console of an x86 guest is its first serial port, as libvirt's
 * virDomainDefAddConsoleCompat makes it: a <serial> without <console>
 * gets one, a <console> without <serial> becomes serial port 0 as well,
 * and the console of a domain with both shows the first serial port
 * (its backend, its port), whatever the <console> element said.  Every
 * console we accept has target type serial, so only one may exist.
 */
static int
vbDomainDefAddConsoleCompat(vbDomainDef *def)
{
    vbDomainChrDef *serial = NULL;
    size_t console = def->nchrs; /* the first console; nchrs: none */
    size_t i;

    for (i = 0; i < def->nchrs; i++) {
        vbDomainChrDef *chr = def->chrs[i];

        if (chr->channel)
            continue;
        if (!chr->console) {
            if (!serial)
                serial = chr;
        } else if (console == def->nchrs) {
            console = i;
        } else if (chr->target == VB_DOMAIN_CHR_TARGET_SERIAL) {
            /* libvirt's wording and code */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Only the first console can be a serial port"));
            return -1;
        }
    }
    if (!serial &&
        (console == def->nchrs || def->chrs[console]->target != VB_DOMAIN_CHR_TARGET_SERIAL))
        return 0;

    def->chrs = g_renew(vbDomainChrDef *, def->chrs, def->nchrs + 1);
    if (!serial) {
        /* a console on the serial port alone: the port itself too */
        serial = vbDomainChrDefCopy(def->chrs[console], false);
        serial->port = 0;
        def->chrs[def->nchrs++] = serial;
    }
    if (console == def->nchrs) {
        def->chrs[def->nchrs++] = vbDomainChrDefCopy(serial, true);
    } else if (def->chrs[console]->target != VB_DOMAIN_CHR_TARGET_SERIAL) {
        /* the first console is a virtio one: libvirt puts the serial
         * port's console before it */
        memmove(def->chrs + console + 1, def->chrs + console,
                (def->nchrs - console) * sizeof(*def->chrs));
        def->chrs[console] = vbDomainChrDefCopy(serial, true);
        def->nchrs++;
    } else {
        vbDomainChrDefFree(def->chrs[console]);
        def->chrs[console] = vbDomainChrDefCopy(serial, true);
    }
    return 0;
}

/*
 * libvirt's default audio backend (qemuDomainDefAddDefaultAudioBackend
 * with the default qemu.conf): without graphics, or with VNC, the only
 * graphics we run, a domain with no <audio> gets one that plays nothing,
 * so QEMU never opens the host's sound system.
 */
static void
vbDomainDefAddDefaultAudio(vbDomainDef *def)
{
    if (def->naudios > 0)
        return;
    def->audios = g_new0(vbDomainAudioDef *, 1);
    def->audios[def->naudios++] = vbDomainAudioDefNew(VB_DOMAIN_AUDIO_TYPE_NONE, 1);
}

int
vbDomainDefPostParse(vbDomainDef *def, unsigned int parseFlags G_GNUC_UNUSED)
{
    size_t i;

    g_return_val_if_fail(def != NULL, -1);

    if (vbDomainDefSysinfoUUIDPostParse(def) < 0)
        return -1;
    if (vbUUIDIsNull(def->uuid))
        vbUUIDGenerate(def->uuid);
    if (!def->osType)
        def->osType = g_strdup("hvm");
    if (!def->arch)
        def->arch = g_strdup("x86_64");
    /* libvirt's default machine for x86_64 */
    if (!def->machine)
        def->machine = g_strdup("pc");
    if (def->vcpus == 0)
        def->vcpus = 1;
    if (def->cpu)
        vbCPUDefPostParse(def->cpu, def->virtType == VB_DOMAIN_VIRT_KVM);
    if (def->currentMemory == 0 || def->currentMemory > def->maxMemory)
        def->currentMemory = def->maxMemory;
    if (def->onPoweroff == VB_DOMAIN_LIFECYCLE_ACTION_DEFAULT)
        def->onPoweroff = VB_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    if (def->onReboot == VB_DOMAIN_LIFECYCLE_ACTION_DEFAULT)
        def->onReboot = VB_DOMAIN_LIFECYCLE_ACTION_RESTART;
    if (def->onCrash == VB_DOMAIN_LIFECYCLE_ACTION_DEFAULT)
        def->onCrash = VB_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    /* we run no balloon device, and say so rather than let the XML imply
     * libvirt's default virtio balloon */
    if (!def->memballoon) {
        def->memballoon = g_new0(vbDomainMemballoonDef, 1);
        def->memballoon->model = VB_DOMAIN_MEMBALLOON_MODEL_NONE;
    }
    vbDomainDefAddImplicitInput(def, VB_DOMAIN_INPUT_TYPE_MOUSE);
    vbDomainDefAddImplicitInput(def, VB_DOMAIN_INPUT_TYPE_KBD);
    vbDomainDefVideosPostParse(def);
    vbDomainDefAddDefaultAudio(def);

    for (i = 0; i < def->ndisks; i++) {
        /* the parser never leaves these NULL; code building a disk must not */
        g_return_val_if_fail(def->disks[i]->dst && def->disks[i]->src, -1);
        if (vbDomainDiskDefPostParse(def->disks[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->nnets; i++)
        vbDomainNetDefPostParse(def, def->nets[i]);
    if (vbDomainDefCheckDuplicateTargets(def) < 0 || vbDomainDefCheckDuplicateIndexes(def) < 0 ||
        vbDomainDefAssignDriveAddresses(def) < 0 ||
        /* the virtio-serial controller after those libvirt's QEMU driver
         * adds and those the disks imply, as libvirt orders them */
        vbDomainDefControllersPostParse(def) < 0 || vbDomainDefVirtioSerialPostParse(def) < 0 ||
        vbDomainDefAddConsoleCompat(def) < 0 || vbDomainDefBootOrderPostParse(def) < 0)
        return -1;
    return 0;
}
