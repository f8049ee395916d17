/*
 * qemuxml2argvtest.c: domain XML in, QEMU command line out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each case NAME, tests/qemuxml2argvdata/NAME.xml is parsed, its
 * chains indexed with a fresh counter, aliases and addresses assigned, and
 * the argv compared with NAME.x86_64-7.2.0.args (one argument per line), or,
 * for a case that must be refused, the error with NAME.err.
 */

#include <stdio.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbjson.h"
#include "vbqemublock.h"
#include "vbqemucommand.h"
#include "vbqemudevice.h"
#include "vbqemudomainaddress.h"
#include "vbqemufirmware.h"
#include "vbqemuhostcpu.h"
#include "vbstoragechain.h"
#include "testutils.h"
#include "testutilshostcpu.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

#define TEST_MONITOR_PATH "/var/lib/virtblockd/test/monitor.sock"
#define TEST_NVRAM_DIR "/var/lib/virtblockd/test/nvram"

/* Debian 12's OVMF descriptors (tests/qemufirmwaredata), read once */
static GPtrArray *testFirmwares;
/* host-model as the recorded QEMU 7.2 under TCG gives it */
static vbCPUDef *testHostCPU;
/* the channel sockets' directory of domain 1 'guest', as the driver
 * names it under its state directory */
#define TEST_CHANNEL_DIR "/var/lib/virtblockd/test/channel/target/domain-1-guest"

typedef enum {
    TEST_KVM_USABLE = 1 << 0, /* /dev/kvm "exists" */
    /* Skip vbDomainDefValidate, to reach the builder's own refusal of
     * what validation refuses first (a definition reloaded from disk is
     * not validated again). */
    TEST_SKIP_VALIDATE = 1 << 1,
    /* The input is a status document: its node names are used as they
     * are, no fresh indexes. */
    TEST_STATUS = 1 << 2,
    /* qemu.conf's seccomp_sandbox = 0 */
    TEST_NO_SANDBOX = 1 << 3,
    /* /dev/vhost-net "can be opened" */
    TEST_VHOST_NET = 1 << 4,
} testFlags;

typedef struct {
    const char *name;
    const char *xml; /* name of the input, when another case's */
    unsigned int flags;
    int errCode; /* 0: must succeed; else the virErrorNumber expected */
} testInfo;

static char *
testArgvToString(GStrv argv)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    size_t i;

    for (i = 0; argv[i]; i++) {
        g_string_append(buf, argv[i]);
        g_string_append_c(buf, '\n');
    }
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

/* define's NVRAM path, then start's choice of firmware */
static int
testPrepareFirmware(vbDomainDef *def)
{
    vbQemuFirmwareFillNVRAMPath(def, TEST_NVRAM_DIR);
    return vbQemuFirmwareFillDomain(def, testFirmwares, TEST_NVRAM_DIR);
}

static int
testCompareXMLToArgv(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *rel =
        g_strdup_printf("qemuxml2argvdata/%s.xml", info->xml ? info->xml : info->name);
    g_autofree char *xmlPath = vbTestSrcPath(rel);
    g_autoptr(vbDomainDef) def = NULL;
    g_auto(GStrv) argv = NULL;
    vbQemuCommandOptions opts = {
        .monitorPath = TEST_MONITOR_PATH,
        .kvmUsable = !!(info->flags & TEST_KVM_USABLE),
        /* 2020-01-02T03:04:05Z, for <clock offset='variable'> */
        .now = 1577934245,
        .noSeccompSandbox = !!(info->flags & TEST_NO_SANDBOX),
        .vhostNet = !!(info->flags & TEST_VHOST_NET),
    };
    unsigned int parseFlags =
        (info->flags & TEST_STATUS) ? VB_DOMAIN_DEF_PARSE_STATUS : VB_DOMAIN_DEF_PARSE_INACTIVE;
    unsigned int nextIndex = 0;
    size_t i;

    /* as the driver defines and starts a domain: parse, validate, default
     * the NVRAM path, choose the firmware, index the chains, assign
     * addresses, build */
    if ((def = vbDomainDefParseFile(xmlPath, parseFlags)) &&
        ((info->flags & TEST_SKIP_VALIDATE) || vbDomainDefValidate(def) == 0) &&
        testPrepareFirmware(def) ==
            0 && /* no KVM probe is recorded: host-model runs under TCG only */
        vbQemuHostCPUUpdateDef(def, def->virtType == VB_DOMAIN_VIRT_KVM ? NULL : testHostCPU) ==
            0) {
        for (i = 0; i < def->ndisks && !(info->flags & TEST_STATUS); i++)
            vbStorageChainAssignIndexes(def->disks[i]->src, &nextIndex);
        if (vbQemuDomainAssignAddresses(def) == 0 &&
            vbQemuDeviceChrAssignSocketPaths(def, TEST_CHANNEL_DIR) == 0)
            argv = vbQemuCommandBuild(def, &opts);
    }

    if (info->errCode) {
        g_autofree char *errRel = NULL;
        g_autofree char *errPath = NULL;
        g_autofree char *msg = NULL;

        if (argv) {
            fprintf(stderr, "case %s: expected a failure, got a command line\n", info->name);
            return -1;
        }
        if (vbGetLastErrorCode() != info->errCode) {
            fprintf(stderr, "case %s: expected error code %d, got %d: %s\n", info->name,
                    info->errCode, vbGetLastErrorCode(), vbGetLastErrorMessage());
            return -1;
        }
        errRel = g_strdup_printf("qemuxml2argvdata/%s.err", info->name);
        errPath = vbTestSrcPath(errRel);
        msg = g_strdup_printf("%s\n", vbGetLastErrorMessage());
        return vbTestCompareToFile(msg, errPath);
    } else {
        g_autofree char *argsRel = NULL;
        g_autofree char *argsPath = NULL;
        g_autofree char *actual = NULL;
        g_auto(GStrv) again = NULL;
        g_autofree char *againStr = NULL;

        if (!argv)
            return -1;
        argsRel = g_strdup_printf("qemuxml2argvdata/%s.x86_64-7.2.0.args", info->name);
        argsPath = vbTestSrcPath(argsRel);
        actual = testArgvToString(argv);
        if (vbTestCompareToFile(actual, argsPath) < 0)
            return -1;

        /* the driver assigns again at every start: nothing may move */
        if (vbQemuDomainAssignAddresses(def) < 0 || !(again = vbQemuCommandBuild(def, &opts)))
            return -1;
        againStr = testArgvToString(again);
        return vbTestCompareStrings(actual, againStr);
    }
}

/* The node builders as the driver calls them for blockdev-add of a new
 * overlay: "backing": null, whatever the source says, and writable. */
static int
testFormatPropsNoBacking(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDiskDef) disk = NULL;
    g_autoptr(vbJSONValue) storageProps = NULL;
    g_autoptr(vbJSONValue) formatProps = NULL;
    g_autofree char *storage = NULL;
    g_autofree char *format = NULL;
    unsigned int nextIndex = 6;

    disk = vbDomainDiskDefNew();
    disk->dst = g_strdup("vda");
    disk->src = vbStorageSourceNew();
    disk->src->type = VB_STORAGE_TYPE_FILE;
    disk->src->format = VB_STORAGE_FORMAT_QCOW2;
    disk->src->path = g_strdup("/i/snap.qcow2");
    vbStorageChainAssignIndexes(disk->src, &nextIndex);

    if (!(storageProps = vbQemuBlockStorageProps(disk, disk->src)) ||
        !(formatProps = vbQemuBlockFormatProps(
              disk, disk->src, VB_QEMU_BLOCK_NODE_TOP | VB_QEMU_BLOCK_NODE_NO_BACKING)) ||
        !(storage = vbJSONValueToString(storageProps, false)) ||
        !(format = vbJSONValueToString(formatProps, false)))
        return -1;
    if (vbTestCompareStrings("{\"driver\":\"file\",\"filename\":\"/i/snap.qcow2\","
                             "\"node-name\":\"libvirt-7-storage\",\"auto-read-only\":true,"
                             "\"discard\":\"unmap\"}",
                             storage) < 0)
        return -1;
    return vbTestCompareStrings("{\"node-name\":\"libvirt-7-format\",\"read-only\":false,"
                                "\"driver\":\"qcow2\",\"file\":\"libvirt-7-storage\","
                                "\"backing\":null}",
                                format);
}

/* Without a probed chain QEMU would open the header's backing files under
 * names of its own: refused as our bug, never built. */
static int
testFormatPropsUnprobed(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDiskDef) disk = NULL;
    g_autoptr(vbJSONValue) format = NULL;
    unsigned int nextIndex = 0;

    disk = vbDomainDiskDefNew();
    disk->dst = g_strdup("vdb");
    disk->src = vbStorageSourceNew();
    disk->src->type = VB_STORAGE_TYPE_FILE;
    disk->src->format = VB_STORAGE_FORMAT_QCOW2;
    disk->src->path = g_strdup("/i/top.qcow2");
    vbStorageChainAssignIndexes(disk->src, &nextIndex);

    if ((format = vbQemuBlockFormatProps(disk, disk->src, VB_QEMU_BLOCK_NODE_TOP)))
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        return -1;
    return vbTestCompareStrings("internal error: backing chain of image '/i/top.qcow2' of disk "
                                "'vdb' was not probed",
                                vbGetLastErrorMessage());
}

/* A chain nobody indexed is the caller's bug, not something to build. */
static int
testBuildUnindexed(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *xmlPath = vbTestSrcPath("qemuxml2argvdata/disk-backing-chain.xml");
    g_autoptr(vbDomainDef) def = vbDomainDefParseFile(xmlPath, VB_DOMAIN_DEF_PARSE_INACTIVE);
    vbQemuCommandOptions opts = {.monitorPath = TEST_MONITOR_PATH};
    g_auto(GStrv) argv = NULL;

    if (!def || vbQemuDomainAssignAddresses(def) < 0)
        return -1;
    if ((argv = vbQemuCommandBuild(def, &opts)))
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        return -1;
    return vbTestCompareStrings("internal error: image '/var/lib/libvirt/images/base.qcow2' of "
                                "disk 'vda' has no storage node name assigned",
                                vbGetLastErrorMessage());
}

/* <clock offset='timezone'>: QEMU runs with TZ set, the rest of the
 * daemon's environment kept; other clocks leave the environment alone. */
static int
testTimezoneEnv(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *tzPath = vbTestSrcPath("qemuxml2argvdata/clock-timezone.xml");
    g_autofree char *utcPath = vbTestSrcPath("qemuxml2argvdata/minimal.xml");
    g_autoptr(vbDomainDef) tz = vbDomainDefParseFile(tzPath, VB_DOMAIN_DEF_PARSE_INACTIVE);
    g_autoptr(vbDomainDef) utc = vbDomainDefParseFile(utcPath, VB_DOMAIN_DEF_PARSE_INACTIVE);
    g_auto(GStrv) tzEnv = NULL;
    g_auto(GStrv) utcEnv = NULL;

    if (!tz || !utc)
        return -1;
    tzEnv = vbQemuCommandBuildEnv(tz);
    utcEnv = vbQemuCommandBuildEnv(utc);
    if (utcEnv || !tzEnv)
        return -1;
    if (vbTestCompareStrings("Europe/Paris", g_environ_getenv(tzEnv, "TZ")) < 0)
        return -1;
    return vbTestCompareStrings(g_getenv("LC_ALL"), g_environ_getenv(tzEnv, "LC_ALL"));
}

static int
testDiskNameToIndex(const void *opaque G_GNUC_UNUSED)
{
    static const struct {
        const char *name;
        int idx;
    } cases[] = {
        {"vda", 0},    {"sdb", 1},     {"vdz", 25}, {"vdaa", 26}, {"vdab", 27},
        {"vdzz", 701}, {"vdaaa", 702}, {"vd", -1},  {"vda1", -1}, {"xda", -1},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        int got = vbQemuDomainDiskNameToIndex(cases[i].name);

        if (got != cases[i].idx) {
            fprintf(stderr, "'%s': expected %d, got %d\n", cases[i].name, cases[i].idx, got);
            return -1;
        }
    }
    return 0;
}

static int
mymain(void)
{
    int ret = 0;
    g_autofree char *firmwareDir = vbTestSrcPath("qemufirmwaredata");
    const char *firmwareDirs[] = {firmwareDir, NULL};
    g_autoptr(GPtrArray) firmwares = vbQemuFirmwareLoadAll(firmwareDirs);

    if (!firmwares || firmwares->len != 3) {
        fprintf(stderr, "cannot read the firmware descriptors of %s\n", firmwareDir);
        return -1;
    }
    testFirmwares = firmwares;
    if (!(testHostCPU = testHostCPULoad()))
        return -1;

#define DO_TEST_FULL(name, xml, flags, errCode) \
    do { \
        static const testInfo info = {name, xml, flags, errCode}; \
        if (vbTestRun("QEMU XML-2-ARGV " name, testCompareXMLToArgv, &info) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST(name) DO_TEST_FULL(name, NULL, 0, 0)
#define DO_TEST_FAILURE(name, errCode) DO_TEST_FULL(name, NULL, 0, errCode)
#define DO_TEST_FAILURE_UNVALIDATED(name, errCode) \
    DO_TEST_FULL(name "-unvalidated", name, TEST_SKIP_VALIDATE, errCode)

    DO_TEST("minimal");
    DO_TEST_FULL("minimal-sandbox-off", "minimal", TEST_NO_SANDBOX, 0);
    DO_TEST("disk-virtio-file-qcow2");
    DO_TEST("disk-virtio-file-raw");
    DO_TEST("disk-virtio-block");
    DO_TEST("disk-backing-chain");
    DO_TEST("disk-backing-chain-deep");
    DO_TEST("disk-backing-chain-raw-base");
    DO_TEST("disk-backing-chain-block-top");
    DO_TEST("disk-several-chains");
    /* relative backing names are private data: only resolved paths count */
    DO_TEST_FULL("disk-backing-chain-relative-status", NULL, TEST_STATUS | TEST_KVM_USABLE, 0);
    DO_TEST("disk-sata");
    DO_TEST("disk-sata-cdrom");
    DO_TEST("disk-sata-cdrom-empty");
    DO_TEST("disk-scsi");
    DO_TEST("disk-scsi-implicit-controller");
    /* usb-storage on the first free ports, disks before the tablet */
    DO_TEST("disk-usb");
    DO_TEST("disk-usb-machine-pc");
    DO_TEST("disk-readonly");
    DO_TEST("disk-shareable");
    DO_TEST("disk-cache");
    DO_TEST("disk-discard-io");
    DO_TEST("disk-detect-zeroes");
    DO_TEST("disk-copy-on-read-off");
    DO_TEST("disk-error-policy");
    DO_TEST("disk-snapshot");
    DO_TEST("disk-cdrom-startup-policy");
    DO_TEST("iothreads");
    /* the shape oVirt 4.5's VDSM writes (without <sysinfo> for now) */
    DO_TEST("ovirt-vdsm-q35");
    DO_TEST("disk-wwn-scsi");
    DO_TEST("disk-iotune");
    DO_TEST("disk-iotune-group");
    DO_TEST("disk-serial-boot-order");
    DO_TEST("os-boot-dev");
    DO_TEST("disk-pci-address");
    DO_TEST("serial-console-pty");
    DO_TEST("console-pty-only");
    DO_TEST("serial-implied-console");
    DO_TEST("serial-port1-implied-console");
    DO_TEST("console-serial-mismatch");
    DO_TEST("console-port1-only");
    DO_TEST("machine-pc");
    DO_TEST_FULL("kvm-usable", NULL, TEST_KVM_USABLE, 0);
    DO_TEST("name-path-escaping");
    DO_TEST("os-kernel-boot");
    DO_TEST("os-kernel-only");
    DO_TEST("serial-file");
    DO_TEST("serial-file-truncate");
    DO_TEST("console-file-only");
    DO_TEST("serial-log");
    DO_TEST("lifecycle-restart");
    DO_TEST("cpu-maximum");
    DO_TEST("cpu-maximum-migratable");
    DO_TEST("cpu-custom-features");
    DO_TEST("cpu-topology-only");
    DO_TEST("vcpu-current");
    DO_TEST("vcpu-q35-limit");
    DO_TEST("features-all");
    DO_TEST("features-vmcoreinfo");
    DO_TEST("features-hyperv-off-pc");
    DO_TEST("clock-localtime-timers");
    DO_TEST("clock-variable");
    DO_TEST("clock-utc-adjustment");
    DO_TEST("pm-q35");
    DO_TEST("pm-pc");
    DO_TEST("virt-install-debian-q35");
    DO_TEST("nova-shape");
    /* whole definitions as the tools write them: virt-install 4.1
     * (--osinfo debian11 --graphics vnc --network none) and Nova 26 */
    DO_TEST("virt-install-debian11-vnc");
    DO_TEST("virt-install-debian11-uefi");
    DO_TEST("nova-zed-q35");
    DO_TEST("nova-zed-q35-host-model");
    DO_TEST("console-virtio-first-serial");
    DO_TEST("memory-current-above-max");
    DO_TEST("clock-timezone");
    DO_TEST_FULL("ovirt-shape", NULL, TEST_KVM_USABLE, 0);
    DO_TEST_FULL("cpu-host-passthrough-kvm", NULL, TEST_KVM_USABLE, 0);
    DO_TEST("input-virtio");
    DO_TEST("input-ps2-explicit");
    DO_TEST("graphics-vnc-autoport");
    DO_TEST("graphics-vnc-port");
    DO_TEST("graphics-vnc-listen-address");
    DO_TEST("graphics-vnc-listen-ipv6");
    DO_TEST("graphics-vnc-socket");
    DO_TEST("graphics-vnc-listen-none");
    DO_TEST("graphics-vnc-password");
    DO_TEST("video-virtio");
    DO_TEST("video-qxl");
    DO_TEST("video-vga");
    DO_TEST("video-bochs");
    DO_TEST("video-cirrus");
    DO_TEST("video-none");
    DO_TEST("video-default-model");
    DO_TEST("video-secondary");
    DO_TEST("audio-none-vnc");
    DO_TEST("audio-none-explicit");
    DO_TEST("video-pc-disk");
    DO_TEST("ui-tablet-vnc-virtio");
    DO_TEST("pci-q35-virt-install");
    DO_TEST("pci-q35-root-ports-auto");
    DO_TEST("pci-q35-root-ports-partial");
    DO_TEST("pci-q35-many-disks");
    DO_TEST("pci-q35-pcie-to-pci-bridge");
    DO_TEST("pci-q35-dmi-to-pci-bridge");
    DO_TEST("pci-q35-root-port-hotplug-off");
    DO_TEST("pci-q35-root-port-explicit");
    DO_TEST("pci-q35-index-gap");
    DO_TEST("pci-q35-endpoint-on-root");
    DO_TEST("pci-pc-many-disks");
    DO_TEST("pci-pc-bridge");
    DO_TEST("usb-qemu-xhci-ports");
    DO_TEST("usb-nec-xhci");
    DO_TEST("usb-ich9-ehci-uhci");
    DO_TEST("usb-piix3-uhci-pc");
    DO_TEST("usb-none");
    DO_TEST("usb-none-pc");
    DO_TEST("usb-default-model");
    DO_TEST("usb-two-controllers");
    DO_TEST("scsi-virtio-queues");
    DO_TEST("pci-q35-virt-install-no-index");
    DO_TEST("usb-ich9-ehci-uhci-no-index");
    DO_TEST("os-boot-order-positions");
    DO_TEST("os-boot-dev-repeated");
    DO_TEST("os-boot-absent");
    DO_TEST("os-bootmenu");
    DO_TEST("os-bootmenu-disabled");
    DO_TEST("smbios-sysinfo");
    DO_TEST("smbios-emulate");
    DO_TEST("firmware-efi");
    DO_TEST("firmware-efi-secure-boot");
    DO_TEST("firmware-efi-secure-boot-off");
    DO_TEST("firmware-efi-enrolled-keys-off");
    DO_TEST("firmware-efi-machine-pc");
    DO_TEST("firmware-efi-nvram-path");
    DO_TEST("loader-pflash-nvram");
    DO_TEST("loader-pflash-nvram-default");
    DO_TEST("loader-pflash-unknown-image");
    DO_TEST("loader-pflash-writable");
    DO_TEST("loader-rom");
    DO_TEST_FAILURE("loader-rom-secure", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("loader-rom-readwrite", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST("loader-secure-smm");
    DO_TEST("firmware-efi-secure-boot-off-smm-off");
    DO_TEST("memballoon-virtio");
    DO_TEST("memballoon-virtio-stats");
    DO_TEST("memballoon-virtio-address");
    DO_TEST_FAILURE("memballoon-none-autodeflate", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("memballoon-none-freepagereporting", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("memballoon-none-period", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST("rng-virtio-random");
    DO_TEST("rng-virtio-egd");
    DO_TEST("net-user-models");
    DO_TEST("net-user-boot-order");
    DO_TEST("net-user-boot-dev");
    DO_TEST("net-user-address");
    DO_TEST("net-user-link-down");
    /* taps: their descriptors numbered from 3 on, as the driver passes
     * them; vhost-net's after each interface's queues */
    DO_TEST("net-ethernet");
    DO_TEST_FULL("net-ethernet-vhost", "net-ethernet-kvm", TEST_VHOST_NET | TEST_KVM_USABLE, 0);
    DO_TEST_FULL("net-ethernet-managed-no", NULL, TEST_VHOST_NET, 0);
    DO_TEST("net-ethernet-reserved-name");
    DO_TEST("net-bridge");
    /* queues of a virtio NIC only, and more than one, as libvirt reads them */
    DO_TEST("net-ethernet-queues");
    DO_TEST_FULL("net-tap-mixed", NULL, TEST_VHOST_NET, 0);
    DO_TEST("net-direct");
    DO_TEST_FULL("net-direct-vhost", NULL, TEST_VHOST_NET | TEST_KVM_USABLE, 0);
    DO_TEST("watchdog-i6300esb");
    DO_TEST("watchdog-ib700");
    DO_TEST("watchdog-default-action");
    DO_TEST("panic-isa");
    DO_TEST("panic-default-model");
    DO_TEST("misc-devices-all");
    DO_TEST("channel-guest-agent");
    DO_TEST("channel-unix-connect");
    DO_TEST("controller-virtio-serial");
    DO_TEST("controller-virtio-serial-vectors-zero");
    DO_TEST("lifecycle-crash-preserve");
    DO_TEST("lifecycle-crash-restart");

    DO_TEST_FAILURE("kvm-not-usable", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("os-bootmenu-timeout-range", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("os-bios-reboot-timeout-range", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("os-bios-useserial", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("os-boot-dev-bogus", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("os-boot-dev-and-boot-order", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("smbios-host", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("smbios-sysinfo-missing", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("sysinfo-uuid-mismatch", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("sysinfo-bios-date-bad", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("sysinfo-bios-release-bad", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("sysinfo-bios-release-huge", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("sysinfo-entry-unknown", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("sysinfo-entry-twice", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("sysinfo-baseboard-twice", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("sysinfo-fwcfg", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("os-bootmenu-timeout-bogus", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("smbios-mode-bogus", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("firmware-feature-bogus", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("loader-path-newline", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("firmware-efi-machine-pc-secure-boot", VIR_ERR_OPERATION_FAILED);
    DO_TEST_FAILURE("firmware-efi-no-acpi", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("firmware-efi-smm-off", VIR_ERR_OPERATION_INVALID);
    DO_TEST_FAILURE("firmware-efi-loader-path", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("firmware-efi-nvram-template", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("firmware-bios", VIR_ERR_OPERATION_FAILED);
    DO_TEST_FAILURE("firmware-features-without-autoselect", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("loader-relative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("nvram-relative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("nvram-template-relative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("nvram-network", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("loader-secure-no-smm", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("loader-secure-machine-pc", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("loader-no-path", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("loader-type-bogus", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("loader-twice", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-virtio-cdrom", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE_UNVALIDATED("disk-virtio-cdrom", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-sata-machine-pc", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-sata-readonly", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-sata-unit-out-of-range", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE_UNVALIDATED("disk-sata-unit-out-of-range", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-io-native-cache-writeback", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-shareable-qcow2", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-detect-zeroes-default", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-copy-on-read-on", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-usb-no-usb-bus", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-usb-no-free-port", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("disk-usb-drive-address", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("disk-usb-cdrom", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-removable-virtio", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-cache-unknown", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-wwn-virtio", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-wwn-malformed", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("disk-wwn-not-hex", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("disk-iotune-group-different", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-iotune-group-only", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-iotune-total-and-read", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-iotune-total-and-write-iops-max", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-iotune-negative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-iotune-not-number", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-iotune-overflow", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-iotune-too-large", VIR_ERR_ARGUMENT_UNSUPPORTED);
    DO_TEST_FAILURE("disk-iotune-twice", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-iotune-unknown", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-pci-address-double", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-pci-address-reserved", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-pci-address-bus", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-source-missing", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE_UNVALIDATED("disk-source-missing", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("machine-unsupported", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE_UNVALIDATED("machine-unsupported", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("serial-port-out-of-range", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("controller-sata-machine-pc", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("os-kernel-relative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("os-initrd-relative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("os-cmdline-newline", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("os-kernel-twice", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("os-initrd-without-kernel", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("serial-file-relative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("serial-file-no-path", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("serial-file-append-bad", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("serial-file-control-char", VIR_ERR_XML_ERROR);
    DO_TEST("serial-unix");
    DO_TEST_FAILURE("console-two", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("serial-log-relative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("serial-log-no-file", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("lifecycle-preserve", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("cpu-host-passthrough-tcg", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST("cpu-host-model");
    DO_TEST("cpu-host-model-features");
    DO_TEST_FAILURE("cpu-host-model-require-missing", VIR_ERR_CPU_INCOMPATIBLE);
    DO_TEST_FULL("cpu-host-model-kvm-unprobed", NULL, TEST_KVM_USABLE, VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("cpu-topology-mismatch", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("cpu-topology-zero", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("cpu-topology-huge", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("cpu-mode-bogus", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("cpu-feature-duplicate", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("cpu-feature-policy-bad", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("cpu-feature-name-comma", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("cpu-migratable-host-model", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("vcpu-current-too-many", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("vcpu-current-zero", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("vcpu-negative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("vcpu-over-machine-limit", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("features-hyperv-spinlocks-low", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("features-hyperv-unknown", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("features-vmcoreinfo-bad-state", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("features-vmport-bad", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("clock-timer-unknown", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("clock-timer-duplicate", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("clock-pit-merge", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("clock-rtc-track-boot", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("clock-kvmclock-track", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("clock-platform", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("clock-offset-bogus", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("clock-adjustment-huge", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("clock-timezone-path", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("pm-bad", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("pm-hybrid", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("memory-max-memory", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("ovirt-shape-numa", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("vcpu-huge", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("cpu-features-too-many", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("clock-tsc-frequency-overflow", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("input-usb-no-usb-bus", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("input-tablet-ps2", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("input-passthrough", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("input-virtio-usb-address", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-port-low", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-port-high", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-port-negative", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-spice", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-sdl", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-listen-network", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-listen-mismatch", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-two-listens", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-two", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-websocket", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-validto-bad", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("graphics-vnc-listen-comma", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-listen-option", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-listen-brackets", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("graphics-vnc-listen-unix", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-two-primary", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-unknown-model", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-vmvga", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-acceleration", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-vga-heads", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-qxl-vgamem", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-none-with-other", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-secondary-vga", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("video-vram-huge", VIR_ERR_OVERFLOW);
    DO_TEST_FAILURE("pci-address-function", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("pci-address-domain", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("pci-address-slot-taken", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("pci-address-root-port-slot", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("pci-address-wrong-bus-kind", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("pci-root-port-chassis-range", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("pci-root-port-port-range", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("pci-root-port-machine-pc", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("pci-bridge-chassisnr-range", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("pci-root-port-model-name", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("pci-index0-root-port", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("usb-duplicate-index", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("usb-xhci-ports-too-many", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("sata-address-wrong", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("usb-uhci-without-ehci", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("usb-none-and-other", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("usb-other-and-none", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("pci-bridge-hotplug", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("pci-root-hotplug", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("pci-bridge-port", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("pci-index-too-high", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE_UNVALIDATED("pci-index-too-high", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("controller-index-negative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("pci-q35-too-many-disks", VIR_ERR_INTERNAL_ERROR);
    DO_TEST_FAILURE("memballoon-stats-period-bad", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("memballoon-stats-period-huge", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("rng-egd-tcp-no-service", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("rng-egd-tcp-host-comma", VIR_ERR_XML_DETAIL);
    DO_TEST_FAILURE("panic-isa-irq", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("memballoon-unknown-model", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("memballoon-autodeflate-bad", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("memballoon-twice", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("rng-random-path-file", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("rng-random-path-relative", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("rng-rate-bytes-negative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("rng-rate-bytes-zero", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("rng-rate-period-huge", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("rng-no-backend", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("rng-egd-bind", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("rng-model-unknown", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-user-queues", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-mac-multicast", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-mac-short", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-mac-long-group", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-mac-duplicate", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-network-missing", VIR_ERR_NO_NETWORK);
    DO_TEST_FAILURE("net-ethernet-target-slash", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-ethernet-target-long", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-bridge-no-source", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-bridge-name-slash", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-bridge-name-long", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-bridge-name-space", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-ethernet-target-dotdot", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-ethernet-target-colon", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-ethernet-script", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-direct-no-source", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-direct-no-dev", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-direct-dev-slash", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-direct-dev-long", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-direct-mode-unknown", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-direct-passthrough", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-direct-virtualport", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-direct-managed-no", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-direct-source-bridge", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-bridge-managed-no", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-model-unknown", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-link-state-unknown", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-user-mtu", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-type-unknown", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-user-target", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("net-mtu-huge", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("net-boot-order-duplicate", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("watchdog-twice", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("watchdog-action-unknown", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("watchdog-action-dump", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("watchdog-model-itco", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("watchdog-ib700-address", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("panic-twice", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("panic-hyperv", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("panic-pci-address", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("panic-iobase-huge", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("channel-virtio-serial-port-duplicate", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("channel-spicevmc", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("channel-qemu-vdagent", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("channel-guestfwd", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("channel-port-zero", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("channel-port-beyond-controller", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("channel-port-beyond-default", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("controller-virtio-serial-ports-huge", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("channel-unix-relative-path", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("channel-target-name-traversal", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("channel-unix-connect-no-path", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("console-virtio-duplicate", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("controller-ports-on-sata", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("lifecycle-crash-coredump-destroy", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("lifecycle-crash-coredump-restart", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("lifecycle-poweroff-coredump", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("lifecycle-crash-rename-restart", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("lifecycle-poweroff-restart-reboot-destroy", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("audio-alsa", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("audio-type-unknown", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("audio-type-missing", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("audio-id-duplicate", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("audio-id-missing", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("audio-id-zero", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("audio-id-negative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("audio-id-huge", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("audio-timer-period", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("audio-output", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("iothreads-disk-above-count", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("iothreads-disk-without-iothreads", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("iothreads-disk-zero", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("iothreads-disk-sata", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("iothreads-controller-above-count", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("iothreads-count-huge", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("iothreads-count-negative", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("iothreads-count-text", VIR_ERR_XML_ERROR);
    /* ours: libvirt accepts any count */
    DO_TEST_FAILURE("iothreads-count-above-limit", VIR_ERR_CONFIG_UNSUPPORTED);
    /* ours: libvirt names each iothread; we run only the numbered ones */
    DO_TEST_FAILURE("iothreadids", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-error-policy-unknown", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-rerror-policy-enospace", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-startup-policy-unknown", VIR_ERR_XML_ERROR);
    DO_TEST_FAILURE("disk-startup-policy-requisite-disk", VIR_ERR_XML_ERROR);
    /* ours: libvirt would drop the whole disk at start when the file is missing */
    DO_TEST_FAILURE("disk-startup-policy-optional-disk", VIR_ERR_CONFIG_UNSUPPORTED);
    /* ours: a snapshot left to the user (libvirt 8.2) */
    DO_TEST_FAILURE("disk-snapshot-manual", VIR_ERR_CONFIG_UNSUPPORTED);
    DO_TEST_FAILURE("disk-snapshot-unknown", VIR_ERR_XML_ERROR);

    if (vbTestRun("format node of a new overlay has backing null", testFormatPropsNoBacking, NULL) <
        0)
        ret = -1;
    if (vbTestRun("unprobed qcow2 chain is refused", testFormatPropsUnprobed, NULL) < 0)
        ret = -1;
    if (vbTestRun("unindexed chain is refused", testBuildUnindexed, NULL) < 0)
        ret = -1;
    if (vbTestRun("timezone clock sets TZ", testTimezoneEnv, NULL) < 0)
        ret = -1;
    if (vbTestRun("target names to indexes", testDiskNameToIndex, NULL) < 0)
        ret = -1;

    g_clear_pointer(&testHostCPU, vbCPUDefFree);
    return ret;
}

VB_TEST_MAIN(mymain)
