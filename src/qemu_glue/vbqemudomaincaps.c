/*
 * vbqemudomaincaps.c: what a domain definition may ask of a QEMU binary
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each part in libvirt's order.  Today's definitions take disks (disk and
 * cdrom, on virtio, sata and scsi), pty serial consoles, VNC graphics and
 * video, UEFI firmware from QEMU's descriptors, and nothing of the CPU,
 * host devices, RNG, filesystems, TPM, USB redirection or channels: those
 * are supported='no' until the domain model grows them.
 */

#include "vbinternal.h"

#include "vbqemudomaincaps.h"
#include "vbqemufirmware.h"

static void
vbQemuDomainCapsAddUnsupported(vbDomainCaps *caps, const char *name)
{
    vbDomainCapsAddDevice(caps, vbDomainCapsFeatureNew(name, false));
}

static void
vbQemuDomainCapsAddDisk(vbDomainCaps *caps)
{
    /* libvirt's order of each enum, less what we refuse (ide, fdc, usb;
     * floppy, lun; the model attribute) */
    static const char *const devices[] = {"disk", "cdrom", NULL};
    static const char *const buses[] = {"scsi", "virtio", "sata", NULL};
    vbDomainCapsFeature *disk = vbDomainCapsFeatureNew("disk", true);

    vbDomainCapsFeatureAddEnum(disk, "diskDevice", devices);
    vbDomainCapsFeatureAddEnum(disk, "bus", buses);
    vbDomainCapsFeatureAddEnum(disk, "model", NULL);
    vbDomainCapsAddDevice(caps, disk);
}

/* libvirt's order of each enum, less what we refuse: vnc only (so
 * virt-install picks it over spice), no vmvga or ramfb */
static void
vbQemuDomainCapsAddGraphicsVideo(vbDomainCaps *caps)
{
    static const char *const graphicsTypes[] = {"vnc", NULL};
    static const char *const videoModels[] = {"vga",  "cirrus", "qxl", "virtio",
                                              "none", "bochs",  NULL};
    vbDomainCapsFeature *graphics = vbDomainCapsFeatureNew("graphics", true);
    vbDomainCapsFeature *video = vbDomainCapsFeatureNew("video", true);

    vbDomainCapsFeatureAddEnum(graphics, "type", graphicsTypes);
    vbDomainCapsAddDevice(caps, graphics);
    vbDomainCapsFeatureAddEnum(video, "modelType", videoModels);
    vbDomainCapsAddDevice(caps, video);
}

/* <os> as libvirt's qemuDomainCapsLoaderFill: the images of the UEFI
 * firmware that fits @machine, 'efi' autoselection when there is one,
 * and secure='yes' only when one of them does secure boot */
static void
vbQemuDomainCapsAddOS(vbDomainCaps *caps, const char *machine, GPtrArray *firmwares)
{
    static const char *const efi[] = {"efi", NULL};
    static const char *const types[] = {"rom", "pflash", NULL};
    static const char *const yesno[] = {"yes", "no", NULL};
    static const char *const no[] = {"no", NULL};
    bool secure = false;
    bool any = false;
    size_t i;

    caps->os = vbDomainCapsFeatureNew("os", true);
    caps->loader = vbDomainCapsFeatureNew("loader", true);
    for (i = 0; firmwares && i < firmwares->len; i++) {
        const vbQemuFirmware *fw = g_ptr_array_index(firmwares, i);

        if (!fw->uefi || !vbQemuFirmwareSupportsMachine(fw, machine))
            continue;
        vbDomainCapsFeatureAddValue(caps->loader, fw->executable);
        any = true;
        if (fw->secureBoot)
            secure = true;
    }
    vbDomainCapsFeatureAddEnum(caps->os, "firmware", any ? efi : NULL);
    vbDomainCapsFeatureAddEnum(caps->loader, "type", types);
    vbDomainCapsFeatureAddEnum(caps->loader, "readonly", yesno);
    vbDomainCapsFeatureAddEnum(caps->loader, "secure", secure ? yesno : no);
}

vbDomainCaps *
vbQemuDomainCapsNew(const vbQemuCaps *qemuCaps, const char *machine, const char *arch,
                    const char *virttype, GPtrArray *firmwares)
{
    g_autoptr(vbDomainCaps) caps =
        vbDomainCapsNew(vbQemuCapsGetBinary(qemuCaps), virttype, machine, arch);
    const vbMonitorMachineInfo *info = vbQemuCapsFindMachine(qemuCaps, machine);

    caps->maxVcpus = info ? info->maxCpus : 1;
    /* <iothreads> and <driver iothread> are built (QEMU 7.2 has iothread objects) */
    caps->iothreads = true;

    vbQemuDomainCapsAddOS(caps, machine, firmwares);

    /* host-model: the named model closest to QEMU's max (vbqemuhostcpu.h);
     * custom needs the list of QEMU's models with their usability, not
     * offered yet (a custom <cpu> is still run as written) */
    vbDomainCapsAddCPUMode(caps, "host-passthrough", g_str_equal(virttype, "kvm"),
                           "hostPassthroughMigratable");
    vbDomainCapsAddCPUMode(caps, "maximum", true, "maximumMigratable");
    vbDomainCapsAddCPUModeHostModel(caps,
                                    vbQemuCapsGetHostCPU(qemuCaps, g_str_equal(virttype, "kvm")));
    vbDomainCapsAddCPUMode(caps, "custom", false, NULL);

    vbQemuDomainCapsAddDisk(caps);
    vbQemuDomainCapsAddGraphicsVideo(caps);
    vbQemuDomainCapsAddUnsupported(caps, "hostdev");
    vbQemuDomainCapsAddUnsupported(caps, "rng");
    vbQemuDomainCapsAddUnsupported(caps, "filesystem");
    vbQemuDomainCapsAddUnsupported(caps, "tpm");
    vbQemuDomainCapsAddUnsupported(caps, "redirdev");
    /* libvirt 9.0 has no <crypto> here yet (9.1 adds it) */
    vbQemuDomainCapsAddUnsupported(caps, "channel");

    /* x86: no ARM GIC; backingStore input: our disks take a chain */
    vbDomainCapsAddFeature(caps, "gic", false);
    vbDomainCapsAddFeature(caps, "vmcoreinfo", false);
    vbDomainCapsAddFeature(caps, "genid", false);
    vbDomainCapsAddFeature(caps, "backingStoreInput", true);
    vbDomainCapsAddFeature(caps, "backup", false);
    vbDomainCapsAddFeature(caps, "sev", false);
    vbDomainCapsAddFeature(caps, "sgx", false);
    return g_steal_pointer(&caps);
}
