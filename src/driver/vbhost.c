/*
 * vbhost.c: the driver's host calls (capabilities, node information)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The emulators are the default QEMU binary (x86_64) and, as libvirt
 * finds one per architecture, qemu-system-i386 beside it when installed.
 * Their capabilities come from the probe's cache, so a call costs a stat
 * per binary once they are probed.
 */

#include "vbinternal.h"

#include <string.h>
#include <sys/utsname.h>

#include "vbcapabilities.h"
#include "vberror.h"
#include "vbhost.h"
#include "vblog.h"
#include "vbqemucaps.h"
#include "vbqemudomaincaps.h"
#include "vbqemufirmware.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* The host is read from the real procfs and sysfs */
#define VB_HOST_ROOT "/"

/* libvirt's names of architectures (virArchFromString) */
static const char *const vbHostArchNames[] = {
    "alpha",  "armv6l",   "armv7l",      "armv7b",   "aarch64",    "cris",         "i686",
    "ia64",   "lm32",     "loongarch64", "m68k",     "microblaze", "microblazeel", "mips",
    "mipsel", "mips64",   "mips64el",    "openrisc", "parisc",     "parisc64",     "ppc",
    "ppcle",  "ppc64",    "ppc64le",     "ppcemb",   "riscv32",    "riscv64",      "s390",
    "s390x",  "sh4",      "sh4eb",       "sparc",    "sparc64",    "unicore32",    "x86_64",
    "xtensa", "xtensaeb", NULL,
};

/* libvirt's names of domain types (virDomainVirtTypeFromString) */
static const char *const vbHostVirtTypeNames[] = {
    "none",   "qemu",   "kqemu", "kvm",  "xen",       "lxc",   "uml", "openvz", "test",
    "vmware", "hyperv", "vbox",  "phyp", "parallels", "bhyve", "vz",  "hvf",    NULL,
};

static const char *
vbHostArch(void)
{
    static struct utsname uts;
    static gsize done;

    if (g_once_init_enter(&done)) {
        if (uname(&uts) < 0)
            g_strlcpy(uts.machine, "x86_64", sizeof(uts.machine));
        g_once_init_leave(&done, 1);
    }
    return uts.machine;
}

/* The host's UUID, as libvirt takes it: the SMBIOS system UUID when the
 * kernel shows it, else one made up when the daemon starts. */
static const unsigned char *
vbHostUUID(void)
{
    static unsigned char uuid[VB_UUID_BUFLEN];
    static gsize done;

    if (g_once_init_enter(&done)) {
        g_autofree char *text = NULL;

        if (!g_file_get_contents("/sys/class/dmi/id/product_uuid", &text, NULL, NULL) ||
            vbUUIDParse(g_strstrip(text), uuid) < 0 || vbUUIDIsNull(uuid))
            vbUUIDGenerate(uuid);
        g_once_init_leave(&done, 1);
    }
    return uuid;
}

/* The binary of QEMU's name @qemuArch: the default binary for x86_64, the
 * one beside it for another; NULL when not installed */
static char *
vbHostEmulatorFor(vbDriver *driver, const char *qemuArch)
{
    g_autofree char *dir = g_path_get_dirname(driver->cfg->qemuBinary);
    g_autofree char *name = g_strdup_printf("qemu-system-%s", qemuArch);
    g_autofree char *path = NULL;

    if (g_str_equal(qemuArch, "x86_64"))
        return g_strdup(driver->cfg->qemuBinary);
    path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer(&path);
    return g_find_program_in_path(name);
}

static vbQemuCaps *
vbHostQemuCaps(vbDriver *driver, const char *binary)
{
    return vbQemuCapsNewForBinary(binary, driver->cfg->cacheDir, driver->cfg->qemuIdentity);
}

int
vbConnectGetVersion(vbDriver *driver, unsigned long long *version)
{
    g_autoptr(vbQemuCaps) caps = vbHostQemuCaps(driver, driver->cfg->qemuBinary);

    if (!caps)
        return -1;
    *version = vbQemuCapsGetVersion(caps);
    return 0;
}

int
vbConnectGetMaxVcpus(vbDriver *driver G_GNUC_UNUSED, const char *type)
{
    if (!type || g_ascii_strcasecmp(type, "qemu") == 0)
        return 16;
    if (g_ascii_strcasecmp(type, "kvm") == 0)
        return vbQemuHostGetKVMMaxVCPUs();
    vbReportError(VIR_ERR_INVALID_ARG, _("unknown type '%s'"), type);
    return -1;
}

char *
vbConnectGetCapabilities(vbDriver *driver)
{
    g_autoptr(vbCaps) caps = vbCapsNew();
    g_autoptr(vbQemuCaps) x86 = NULL;
    g_autoptr(vbQemuCaps) i386 = NULL;
    g_autofree char *i386Binary = vbHostEmulatorFor(driver, "i386");

    memcpy(caps->uuid, vbHostUUID(), VB_UUID_BUFLEN);
    if (vbQemuHostFillCaps(VB_HOST_ROOT, vbHostArch(), caps) < 0)
        return NULL;

    /* as libvirt, an emulator that cannot be probed is left out */
    if (i386Binary && !(i386 = vbHostQemuCaps(driver, i386Binary))) {
        VB_WARN("leaving '%s' out of the capabilities: %s", i386Binary, vbGetLastErrorMessage());
        vbResetLastError();
    }
    if (!(x86 = vbHostQemuCaps(driver, driver->cfg->qemuBinary))) {
        VB_WARN("leaving '%s' out of the capabilities: %s", driver->cfg->qemuBinary,
                vbGetLastErrorMessage());
        vbResetLastError();
    }
    /* by architecture, as libvirt sorts them: i686 first */
    if (i386 && g_strcmp0(vbQemuCapsGetArch(i386), "i386") == 0)
        vbQemuHostAddGuest(caps, i386);
    if (x86 && g_strcmp0(vbQemuCapsGetArch(x86), "x86_64") == 0)
        vbQemuHostAddGuest(caps, x86);
    return vbCapsFormat(caps);
}

static bool
vbHostNameKnown(const char *const *names, const char *name)
{
    return g_strv_contains(names, name);
}

char *
vbConnectGetDomainCapabilities(vbDriver *driver, const char *emulatorbin, const char *arch,
                               const char *machine, const char *virttype, unsigned int flags)
{
    g_autoptr(vbQemuCaps) caps = NULL;
    g_autoptr(vbDomainCaps) domCaps = NULL;
    g_autoptr(GPtrArray) firmwares = NULL;
    g_autofree char *binary = NULL;
    const vbMonitorMachineInfo *info;
    const char *capsArch;
    unsigned int wordsize;
    bool kvm;

    vbCheckFlagsFunc(flags, 0, "qemuConnectGetDomainCapabilities", NULL);

    if (virttype && !vbHostNameKnown(vbHostVirtTypeNames, virttype)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("unknown virttype: %s"), virttype);
        return NULL;
    }
    if (arch && !vbHostNameKnown(vbHostArchNames, arch)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("unknown architecture: %s"), arch);
        return NULL;
    }
    if (!arch)
        arch = vbHostArch();

    if (emulatorbin) {
        binary = g_strdup(emulatorbin);
    } else if (g_str_equal(arch, "x86_64") || g_str_equal(arch, "i686")) {
        binary = vbHostEmulatorFor(driver, g_str_equal(arch, "i686") ? "i386" : "x86_64");
    }
    /* we drive x86 emulators only: any other architecture has none */
    if (!binary) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("unable to find any emulator to serve '%s' architecture"), arch);
        return NULL;
    }
    if (!(caps = vbHostQemuCaps(driver, binary)))
        return NULL;

    /* x86 binaries serve either x86 architecture, as in libvirt */
    capsArch = vbQemuHostArchFromQEMU(vbQemuCapsGetArch(caps), &wordsize);
    if (!capsArch || (!g_str_equal(arch, "x86_64") && !g_str_equal(arch, "i686"))) {
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("architecture from emulator '%s' doesn't match given architecture '%s'"),
                      capsArch ? capsArch : vbQemuCapsGetArch(caps), arch);
        return NULL;
    }

    kvm = vbQemuCapsGetKVMUsable(caps);
    if (!virttype || g_str_equal(virttype, "none"))
        virttype = kvm ? "kvm" : "qemu";
    if (!g_str_equal(virttype, "qemu") && !kvm) {
        /* libvirt names every accelerator but KVM 'tcg' here */
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("the accel '%s' is not supported by '%s' on this host"),
                      g_str_equal(virttype, "kvm") ? "kvm" : "tcg", binary);
        return NULL;
    }

    if (machine) {
        if (!(info = vbQemuCapsFindMachine(caps, machine))) {
            vbReportError(VIR_ERR_INVALID_ARG,
                          _("the machine '%s' is not supported by emulator '%s'"), machine, binary);
            return NULL;
        }
    } else if (vbQemuCapsGetMachineCount(caps) > 0) {
        info = vbQemuCapsGetMachine(caps, 0);
    } else {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("QEMU binary '%s' offers no machine type"),
                      binary);
        return NULL;
    }

    /* an x86_64 binary runs i686 guests too, not the other way round */
    if (!g_str_equal(arch, capsArch) && !g_str_equal(capsArch, "x86_64")) {
        vbReportError(VIR_ERR_INVALID_ARG, _("Emulator '%s' does not support arch '%s'"), binary,
                      arch);
        return NULL;
    }

    /* unreadable descriptors leave the firmware out, as libvirt does */
    if (!(firmwares = vbQemuFirmwareLoadAll((const char *const *) driver->cfg->firmwareDirs))) {
        VB_WARN("firmware left out of domain capabilities: %s", vbGetLastErrorMessage());
        vbResetLastError();
    }
    domCaps = vbQemuDomainCapsNew(caps, info->name, arch, virttype, firmwares);
    return vbDomainCapsFormat(domCaps);
}

int
vbNodeGetInfo(vbDriver *driver G_GNUC_UNUSED, vbQemuHostNodeInfo *info)
{
    return vbQemuHostGetNodeInfo(VB_HOST_ROOT, vbHostArch(), info);
}

int
vbNodeGetFreeMemory(vbDriver *driver G_GNUC_UNUSED, unsigned long long *bytes)
{
    return vbQemuHostGetFreeMemory(VB_HOST_ROOT, bytes);
}

int
vbNodeGetCellsFreeMemory(vbDriver *driver G_GNUC_UNUSED, int startCell, int maxCells,
                         GArray **bytes)
{
    return vbQemuHostGetCellsFreeMemory(VB_HOST_ROOT, startCell, maxCells, bytes);
}

int
vbNodeGetMemoryStats(vbDriver *driver G_GNUC_UNUSED, int cellNum, int *nparams, GArray **stats,
                     unsigned int flags)
{
    vbCheckFlagsFunc(flags, 0, "virHostMemGetStats", -1);
    return vbQemuHostGetMemoryStats(VB_HOST_ROOT, cellNum, nparams, stats);
}

int
vbNodeGetCPUStats(vbDriver *driver G_GNUC_UNUSED, int cpuNum, int *nparams, GArray **stats,
                  unsigned int flags)
{
    vbCheckFlagsFunc(flags, 0, "virHostCPUGetStats", -1);
    return vbQemuHostGetCPUStats(VB_HOST_ROOT, cpuNum, nparams, stats);
}

char *
vbConnectGetSysinfo(vbDriver *driver G_GNUC_UNUSED, unsigned int flags)
{
    g_autoptr(vbSysinfo) info = NULL;

    vbCheckFlagsFunc(flags, 0, "qemuConnectGetSysinfo", NULL);
    /* libvirt runs dmidecode; we read what the kernel shows of the same
     * tables, and answer as libvirt when there is nothing */
    if (!(info = vbQemuHostGetSysinfo(VB_HOST_ROOT))) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      _("Host SMBIOS information is not available"));
        return NULL;
    }
    return vbSysinfoFormat(info);
}
