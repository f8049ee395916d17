/*
 * qemucaps2xmltest.c: capabilities, domain capabilities and sysinfo
 * documents from recorded probe data and fake hosts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The host is a directory of procfs and sysfs files
 * (tests/qemuhostdata/NAME), the emulators QEMU 7.2's recorded
 * query-machines replies (tests/qemucapsdata): nothing of the machine
 * running the test reaches the output.  Each document is also validated
 * against libvirt's schema when libvirt's schemas are installed.
 */

#include "vbinternal.h"

#include <stdio.h>

#include "vberror.h"
#include "vbfile.h"
#include "vbjson.h"
#include "vbqemucaps.h"
#include "vbqemudomaincaps.h"
#include "vbqemufirmware.h"
#include "vbqemuhost.h"
#include "vbxml.h"
#include "testutils.h"
#include "testutilshostcpu.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

#define TEST_SCHEMA_DIR "/usr/share/libvirt/schemas"

static vbQemuCaps *
testQemuCaps(const char *qemuArch, bool kvm)
{
    g_autofree char *binary = g_strdup_printf("/usr/bin/qemu-system-%s", qemuArch);
    g_autofree char *rel =
        g_strdup_printf("qemucapsdata/qemu-7.2.0-%s.query-machines.json", qemuArch);
    g_autofree char *path = vbTestSrcPath(rel);
    g_autofree char *text = NULL;
    g_autoptr(vbJSONValue) reply = NULL;
    g_autoptr(GPtrArray) machines = NULL;
    g_autoptr(vbQemuCaps) caps = vbQemuCapsNew(binary);

    if (vbFileReadAll(path, 1024 * 1024, &text) < 0 || !(reply = vbJSONValueFromString(text)) ||
        vbMonitorParseMachines(reply, &machines) < 0) {
        fprintf(stderr, "cannot load %s: %s\n", path, vbGetLastErrorMessage());
        return NULL;
    }
    vbQemuCapsSetVersion(caps, 7002000, NULL);
    vbQemuCapsSetArch(caps, qemuArch);
    vbQemuCapsSetMachines(caps, machines);
    vbQemuCapsSetKVMUsable(caps, kvm);
    /* the CPU replies are recorded for x86_64 only */
    if (g_str_equal(qemuArch, "x86_64")) {
        vbCPUDef *cpu = testHostCPULoad();

        if (!cpu)
            return NULL;
        vbQemuCapsSetHostCPU(caps, false, cpu);
    }
    return g_steal_pointer(&caps);
}

/* Validates @xml against libvirt's @schema if it is installed */
static int
testValidate(const char *xml, const char *schema)
{
    g_autofree char *path = g_build_filename(TEST_SCHEMA_DIR, schema, NULL);
    g_autoptr(xmlDoc) doc = NULL;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return 0;
    if (!(doc = vbXMLParseString(xml, schema, 16 * 1024 * 1024)) ||
        vbXMLValidateRelaxNG(doc, path) < 0) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return -1;
    }
    return 0;
}

typedef struct {
    const char *name; /* output: qemucaps2xmldata/NAME.xml */
    const char *host; /* qemuhostdata/HOST */
    bool i386;        /* qemu-system-i386 installed beside x86_64 */
    bool kvm;
} testCapsCase;

static int
testCaps(const void *opaque)
{
    const testCapsCase *c = opaque;
    g_autofree char *hostRel = g_strdup_printf("qemuhostdata/%s", c->host);
    g_autofree char *root = vbTestSrcPath(hostRel);
    g_autofree char *outRel = g_strdup_printf("qemucaps2xmldata/%s.xml", c->name);
    g_autofree char *out = vbTestSrcPath(outRel);
    g_autoptr(vbCaps) caps = vbCapsNew();
    g_autoptr(vbQemuCaps) x86 = testQemuCaps("x86_64", c->kvm);
    g_autoptr(vbQemuCaps) i386 = c->i386 ? testQemuCaps("i386", c->kvm) : NULL;
    g_autofree char *xml = NULL;
    static const unsigned char uuid[VB_UUID_BUFLEN] = {0x81, 0x39, 0x0c, 0x3a, 0x56, 0x38,
                                                       0x4f, 0xca, 0xb3, 0x4f, 0xee, 0x7a,
                                                       0x20, 0x40, 0xef, 0x50};

    if (!x86 || (c->i386 && !i386))
        return -1;
    memcpy(caps->uuid, uuid, sizeof(uuid));
    if (vbQemuHostFillCaps(root, "x86_64", caps) < 0) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return -1;
    }
    /* libvirt lists the guests by architecture: i686 before x86_64 */
    if (i386)
        vbQemuHostAddGuest(caps, i386);
    vbQemuHostAddGuest(caps, x86);
    xml = vbCapsFormat(caps);
    if (vbTestCompareToFile(xml, out) < 0)
        return -1;
    return testValidate(xml, "capability.rng");
}

typedef struct {
    const char *name;    /* domaincapsdata/NAME.xml */
    const char *machine; /* canonical */
    const char *virttype;
} testDomCapsCase;

static int
testDomCaps(const void *opaque)
{
    const testDomCapsCase *c = opaque;
    g_autofree char *outRel = g_strdup_printf("qemucaps2xmldata/%s.xml", c->name);
    g_autofree char *out = vbTestSrcPath(outRel);
    g_autoptr(vbQemuCaps) x86 = testQemuCaps("x86_64", true);
    g_autoptr(vbDomainCaps) caps = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *firmwareDir = vbTestSrcPath("qemufirmwaredata");
    const char *firmwareDirs[] = {firmwareDir, NULL};
    g_autoptr(GPtrArray) firmwares = vbQemuFirmwareLoadAll(firmwareDirs);

    if (!x86 || !firmwares)
        return -1;
    caps = vbQemuDomainCapsNew(x86, c->machine, "x86_64", c->virttype, firmwares);
    xml = vbDomainCapsFormat(caps);
    if (vbTestCompareToFile(xml, out) < 0)
        return -1;
    return testValidate(xml, "domaincaps.rng");
}

/* The kernel's DMI attributes as libvirt's sysinfo */
static int
testSysinfo(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *root = vbTestSrcPath("qemuhostdata/two-cells-smt");
    g_autofree char *none = vbTestSrcPath("qemuhostdata/one-cell");
    g_autofree char *out = vbTestSrcPath("qemucaps2xmldata/sysinfo-dmi.xml");
    g_autoptr(vbSysinfo) info = NULL;
    g_autofree char *xml = NULL;

    if (!(info = vbQemuHostGetSysinfo(root)))
        return -1;
    xml = vbSysinfoFormat(info);
    if (vbTestCompareToFile(xml, out) < 0)
        return -1;
    vbResetLastError();
    /* none: NULL, the error being the driver's to report */
    if (vbQemuHostGetSysinfo(none) || vbGetLastError())
        return -1;
    return 0;
}

static int
mymain(void)
{
    static const testCapsCase caps[] = {
        {"caps-one-cell-tcg", "one-cell", true, false},
        {"caps-two-cells-smt-kvm", "two-cells-smt", false, true},
        {"caps-no-numa", "no-numa", false, false},
    };
    static const testDomCapsCase domcaps[] = {
        {"domcaps-pc-qemu", "pc-i440fx-7.2", "qemu"},
        {"domcaps-q35-kvm", "pc-q35-7.2", "kvm"},
    };
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(caps); i++) {
        if (vbTestRun(caps[i].name, testCaps, &caps[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(domcaps); i++) {
        if (vbTestRun(domcaps[i].name, testDomCaps, &domcaps[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("sysinfo-dmi", testSysinfo, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
