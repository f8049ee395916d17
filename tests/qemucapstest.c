/*
 * qemucapstest.c: capabilities from the 7.2 schema, the cache, a real probe
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vberror.h"
#include "vbfile.h"
#include "vbjson.h"
#include "vbqemucaps.h"
#include "vbqemuhostcpu.h"
#include "testutilshostcpu.h"
#include "qemumonitortestutils.h"
#include "vbeventthread.h"
#include "vbmonitor.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define TEST_QEMU "/usr/bin/qemu-system-x86_64"

static vbQemuSchema *testSchema;

/* What QEMU 7.2 has: everything but what 9.0 added */
static bool
testExpected72(vbQemuCapsFlags flag)
{
    return flag != VB_QEMU_CAPS_BLOCK_COMMIT_BACKING_MASK_PROTOCOL;
}

static int
testCompareFlags(const vbQemuCaps *caps)
{
    int ret = 0;
    size_t i;

    for (i = 0; i < VB_QEMU_CAPS_LAST; i++) {
        if (vbQemuCapsGet(caps, i) != testExpected72(i)) {
            fprintf(stderr, "flag '%s' is %s\n", vbQemuCapsFlagsTypeToString(i),
                    vbQemuCapsGet(caps, i) ? "set" : "missing");
            ret = -1;
        }
    }
    return ret;
}

static int
testSchemaFlags(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbQemuCaps) caps = vbQemuCapsNew("qemu-system-x86_64");

    vbQemuCapsInitFromSchema(caps, testSchema);
    return testCompareFlags(caps);
}

static int
testCheckMissing(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbQemuCaps) caps = vbQemuCapsNew("/usr/bin/qemu-system-x86_64");

    vbQemuCapsInitFromSchema(caps, testSchema);
    if (vbQemuCapsCheck(caps, VB_QEMU_CAPS_JOB_COMPLETE, "job-complete") < 0)
        return -1;
    if (vbQemuCapsCheck(caps, VB_QEMU_CAPS_BLOCK_COMMIT_BACKING_MASK_PROTOCOL,
                        "masking the protocol in the backing format") == 0)
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_OPERATION_UNSUPPORTED)
        return -1;
    return vbTestCompareStrings("Operation not supported: masking the protocol in the backing "
                                "format is not supported by QEMU binary "
                                "'/usr/bin/qemu-system-x86_64'",
                                vbGetLastErrorMessage());
}

static int
testVersion(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbQemuCaps) caps = vbQemuCapsNew("/opt/qemu-7.1/bin/qemu-system-x86_64");

    vbQemuCapsSetVersion(caps, 7002000, NULL);
    if (vbQemuCapsCheckVersion(caps) < 0)
        return -1;
    vbQemuCapsSetVersion(caps, 7001005, NULL);
    if (vbQemuCapsCheckVersion(caps) == 0 || vbGetLastErrorCode() != VIR_ERR_CONFIG_UNSUPPORTED)
        return -1;
    return vbTestCompareStrings("unsupported configuration: QEMU binary "
                                "'/opt/qemu-7.1/bin/qemu-system-x86_64' is version 7.1.5, but "
                                "at least 7.2.0 is required",
                                vbGetLastErrorMessage());
}

/* Loads a recorded query-machines reply into @caps */
static int
testLoadMachines(vbQemuCaps *caps, const char *arch)
{
    g_autofree char *rel = g_strdup_printf("qemucapsdata/qemu-7.2.0-%s.query-machines.json", arch);
    g_autofree char *path = vbTestSrcPath(rel);
    g_autofree char *text = NULL;
    g_autoptr(vbJSONValue) reply = NULL;
    g_autoptr(GPtrArray) machines = NULL;

    if (vbFileReadAll(path, 1024 * 1024, &text) < 0 || !(reply = vbJSONValueFromString(text)) ||
        vbMonitorParseMachines(reply, &machines) < 0)
        return -1;
    vbQemuCapsSetArch(caps, arch);
    vbQemuCapsSetMachines(caps, machines);
    return 0;
}

/* libvirt's order: its preferred "pc" first, QEMU's otherwise; "none" left
 * out; aliases found */
static int
testCheckMachines(const vbQemuCaps *caps)
{
    const vbMonitorMachineInfo *first;
    const vbMonitorMachineInfo *q35;
    size_t i;

    if (vbQemuCapsGetMachineCount(caps) < 2)
        return -1;
    first = vbQemuCapsGetMachine(caps, 0);
    if (!g_str_has_prefix(first->name, "pc-i440fx-") || g_strcmp0(first->alias, "pc") != 0 ||
        first->maxCpus != 255) {
        fprintf(stderr, "first machine '%s'\n", first->name);
        return -1;
    }
    if (!(q35 = vbQemuCapsFindMachine(caps, "q35")) || !g_str_has_prefix(q35->name, "pc-q35-") ||
        q35->maxCpus != 288 || vbQemuCapsFindMachine(caps, q35->name) != q35 ||
        vbQemuCapsFindMachine(caps, "none") || vbQemuCapsFindMachine(caps, "pc-q35-99.0"))
        return -1;
    for (i = 0; i < vbQemuCapsGetMachineCount(caps); i++) {
        if (g_str_equal(vbQemuCapsGetMachine(caps, i)->name, "none"))
            return -1;
    }
    return 0;
}

static int
testMachinesRecorded(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbQemuCaps) caps = vbQemuCapsNew("/usr/bin/qemu-system-x86_64");

    if (testLoadMachines(caps, "x86_64") < 0 || testCheckMachines(caps) < 0)
        return -1;
    /* QEMU 7.2 lists pc-q35-5.2 first: it follows the moved default */
    if (vbQemuCapsGetMachineCount(caps) != 58 ||
        !g_str_equal(vbQemuCapsGetMachine(caps, 1)->name, "pc-q35-5.2") ||
        !vbQemuCapsFindMachine(caps, "pc-i440fx-1.4")->deprecated)
        return -1;
    return 0;
}

static bool
testKVMUsable(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static int
testProbeReal(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbQemuCaps) caps = NULL;

    if (!g_file_test(TEST_QEMU, G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "%s not installed: real probe skipped\n", TEST_QEMU);
        return 0;
    }
    if (!(caps = vbQemuCapsProbe(TEST_QEMU, NULL)))
        return -1;
    if (vbQemuCapsGetVersion(caps) < VB_QEMU_MIN_VERSION) {
        fprintf(stderr, "version %u\n", vbQemuCapsGetVersion(caps));
        return -1;
    }
    if (g_strcmp0(vbQemuCapsGetArch(caps), "x86_64") != 0 || testCheckMachines(caps) < 0)
        return -1;
    if (!vbQemuCapsGetHostCPU(caps, false) || !vbQemuCapsGetHostCPU(caps, false)->model) {
        fprintf(stderr, "no host-model CPU probed\n");
        return -1;
    }
    return testCompareFlags(caps);
}

/* The recorded QEMU 7.2 under TCG: EPYC, as libvirt 9.0 chooses on the
 * same QEMU from its CPU map; the features are those QEMU's own EPYC
 * lacks or has beyond max, so they differ from libvirt's a little */
static int
testHostCPURecorded(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbCPUDef) cpu = testHostCPULoad();
    g_autoptr(vbCPUDef) back = NULL;
    g_autoptr(vbJSONValue) json = NULL;
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) again = VB_BUFFER_INITIALIZER;
    g_autofree char *path = vbTestSrcPath("qemucapsdata/qemu-7.2.0-x86_64.host-cpu.xml");
    g_autofree char *actual = NULL;

    if (!cpu)
        return -1;
    vbCPUDefFormat(&buf, cpu);
    actual = vbBufferContentAndReset(&buf);
    if (vbTestCompareToFile(actual, path) < 0)
        return -1;
    /* and the same through the cache's form */
    if (!(json = vbQemuHostCPUToJSON(cpu)) || !(back = vbQemuHostCPUFromJSON(json)))
        return -1;
    vbCPUDefFormat(&again, back);
    return vbTestCompareStrings(actual, vbBufferCurrentContent(&again));
}

#define TEST_EXPANSION(props) \
    "{\"return\": {\"model\": {\"name\": \"base\", \"props\": " props "}}, \"id\": \"@ID@\"}\r\n"

/* The probe over a scripted QMP server, as a KVM host would answer it (no
 * /dev/kvm here): each model expanded once, alias targets and host/base
 * not at all, then max's full expansion for the vendor */
static int
testHostCPUProbeQMP(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autoptr(vbEventThread) ev = vbEventThreadNew("vb-test-event");
    g_autoptr(vbCPUDef) cpu = NULL;
    vbMonitor *mon;
    int rc;

    vbTestQMPAddGreeting(qmp);
    vbTestQMPAddCommand(
        qmp, "query-cpu-definitions",
        "{\"return\": [{\"name\": \"max\", \"unavailable-features\": []},"
        " {\"name\": \"host\", \"unavailable-features\": []},"
        " {\"name\": \"Skylake-Client-v1\", \"unavailable-features\": []},"
        " {\"name\": \"Skylake-Client\", \"alias-of\": \"Skylake-Client-v1\","
        "  \"unavailable-features\": []},"
        " {\"name\": \"Nehalem\", \"unavailable-features\": []}], \"id\": \"@ID@\"}\r\n",
        false);
    vbTestQMPAddCommand(qmp, "query-cpu-model-expansion",
                        TEST_EXPANSION("{\"sse4.2\": true, \"avx2\": true, \"vmx\": true}"), false);
    vbTestQMPAddCommand(qmp, "query-cpu-model-expansion",
                        TEST_EXPANSION("{\"sse4.2\": true, \"avx2\": true}"), false);
    vbTestQMPAddCommand(qmp, "query-cpu-model-expansion", TEST_EXPANSION("{\"sse4.2\": true}"),
                        false);
    vbTestQMPAddCommand(qmp, "query-cpu-model-expansion",
                        TEST_EXPANSION("{\"vendor\": \"GenuineIntel\", \"vmx\": true}"), false);
    if (!(mon = vbMonitorOpenFD(vbTestQMPStart(qmp), vbEventThreadGetContext(ev), NULL, NULL)))
        return -1;
    rc = vbQemuHostCPUProbe(mon, &cpu);
    vbMonitorClose(mon);
    if (vbTestQMPFinish(qmp) < 0 || rc < 0)
        return -1;
    if (!g_str_equal(cpu->model, "Skylake-Client") || g_strcmp0(cpu->vendor, "Intel") != 0 ||
        cpu->nfeatures != 1 || !g_str_equal(cpu->features[0].name, "vmx") ||
        cpu->features[0].policy != VB_CPU_FEATURE_REQUIRE) {
        fprintf(stderr, "chose '%s' with %zu features\n", cpu->model, cpu->nfeatures);
        return -1;
    }
    return 0;
}

/* Alias targets give way to their friendly name; a tie goes to the name
 * first in C order; features max lacks are disabled */
static int
testHostCPUChoice(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) defs = vbJSONValueFromString(
        "[{\"name\": \"max\"}, {\"name\": \"host\"}, {\"name\": \"Zed\"},"
        " {\"name\": \"Alpha-v1\"}, {\"name\": \"Alpha\", \"alias-of\": \"Alpha-v1\"}]");
    g_autoptr(vbJSONValue) exps = vbJSONValueFromString(
        "{\"max\": {\"model\": {\"name\": \"base\", \"props\":"
        "   {\"a\": true, \"b\": true, \"c\": true, \"d\": false}}},"
        " \"Zed\": {\"model\": {\"name\": \"base\", \"props\": {\"a\": true, \"b\": true}}},"
        " \"Alpha\": {\"model\": {\"name\": \"base\", \"props\":"
        "   {\"a\": true, \"b\": true, \"c\": true, \"d\": true}}}}");
    g_autoptr(vbJSONValue) partial = vbJSONValueFromString(
        "{\"max\": {\"model\": {\"name\": \"base\", \"props\": {\"a\": true}}}}");
    g_autoptr(vbCPUDef) cpu = NULL;
    g_autoptr(vbCPUDef) none = NULL;

    if (!(cpu = vbQemuHostCPUChoose(defs, exps, "GenuineIntel")))
        return -1;
    if (!g_str_equal(cpu->model, "Alpha") || g_strcmp0(cpu->vendor, "Intel") != 0 ||
        cpu->nfeatures != 1 || !g_str_equal(cpu->features[0].name, "d") ||
        cpu->features[0].policy != VB_CPU_FEATURE_DISABLE) {
        fprintf(stderr, "chose '%s'\n", cpu->model);
        return -1;
    }
    /* a model QEMU listed but did not expand is a bad reply */
    if ((none = vbQemuHostCPUChoose(defs, partial, NULL)) ||
        vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        return -1;
    vbResetLastError();
    return 0;
}

/* The one cache file in @cacheDir */
static char *
testCacheFile(const char *cacheDir)
{
    g_autoptr(GDir) dir = g_dir_open(cacheDir, 0, NULL);
    const char *name;
    char *found = NULL;

    while (dir && (name = g_dir_read_name(dir))) {
        if (found) {
            fprintf(stderr, "more than one file in %s\n", cacheDir);
            g_free(found);
            return NULL;
        }
        found = g_build_filename(cacheDir, name, NULL);
    }
    return found;
}

/* Rewrites one member of the cache file, as a way to see whether the next
 * lookup read the file or probed again. */
static int
testCacheEdit(const char *path, const char *key, vbJSONValue *value)
{
    g_autofree char *text = NULL;
    g_autofree char *out = NULL;
    g_autoptr(vbJSONValue) doc = NULL;
    g_autoptr(vbJSONValue) old = NULL;
    g_autoptr(vbJSONValue) copy = vbJSONValueCopy(value);

    if (vbFileReadAll(path, 1024 * 1024, &text) < 0 || !(doc = vbJSONValueFromString(text)))
        return -1;
    old = vbJSONValueObjectStealValue(doc, key);
    if (vbJSONValueObjectAppend(doc, key, &copy) < 0 || !(out = vbJSONValueToString(doc, true)))
        return -1;
    return vbFileWriteAtomic(path, out, strlen(out), 0644, 0);
}

static int
testCacheBody(const char *dir)
{
    g_autofree char *binary = g_build_filename(dir, "qemu-wrapper", NULL);
    g_autofree char *cacheDir = g_build_filename(dir, "cache", NULL);
    g_autofree char *cacheFile = NULL;
    g_autofree char *expect = NULL;
    g_autoptr(vbQemuCaps) caps = NULL;
    g_autoptr(vbJSONValue) marker = vbJSONValueNewString("read-from-cache");
    g_autoptr(vbJSONValue) oldVersion = vbJSONValueNewNumberUlong(7001000);
    const char *script = "#!/bin/sh\nexec " TEST_QEMU " \"$@\"\n";
    struct timespec times[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};

    if (vbFileWriteAtomic(binary, script, strlen(script), 0755, 0) < 0)
        return -1;

    /* 1. nothing cached: probed, and the result written */
    if (!(caps = vbQemuCapsNewForBinary(binary, cacheDir, NULL)))
        return -1;
    if (testCompareFlags(caps) < 0 || vbQemuCapsGetKVMUsable(caps) != testKVMUsable() ||
        !(cacheFile = testCacheFile(cacheDir)))
        return -1;

    /* 2. unchanged binary: the cache is used */
    g_clear_pointer(&caps, vbQemuCapsFree);
    if (testCacheEdit(cacheFile, "package", marker) < 0 ||
        !(caps = vbQemuCapsNewForBinary(binary, cacheDir, NULL)))
        return -1;
    if (g_strcmp0(vbQemuCapsGetPackage(caps), "read-from-cache") != 0) {
        fprintf(stderr, "cache not used: package '%s'\n", vbQemuCapsGetPackage(caps));
        return -1;
    }
    if (testCompareFlags(caps) < 0 || g_strcmp0(vbQemuCapsGetArch(caps), "x86_64") != 0 ||
        testCheckMachines(caps) < 0)
        return -1;
    /* the host-model CPU survives the cache; under KVM only if probed */
    if (!vbQemuCapsGetHostCPU(caps, false) ||
        (!testKVMUsable() && vbQemuCapsGetHostCPU(caps, true))) {
        fprintf(stderr, "host-model CPUs lost or invented by the cache\n");
        return -1;
    }

    /* 3. another mtime: probed again */
    g_clear_pointer(&caps, vbQemuCapsFree);
    if (utimensat(AT_FDCWD, binary, times, 0) < 0 ||
        !(caps = vbQemuCapsNewForBinary(binary, cacheDir, NULL)))
        return -1;
    if (g_strcmp0(vbQemuCapsGetPackage(caps), "read-from-cache") == 0) {
        fprintf(stderr, "stale cache used after the binary changed\n");
        return -1;
    }

    /* 4. a cache saying 7.1: refused like a probed 7.1 */
    g_clear_pointer(&caps, vbQemuCapsFree);
    if (testCacheEdit(cacheFile, "version", oldVersion) < 0)
        return -1;
    if ((caps = vbQemuCapsNewForBinary(binary, cacheDir, NULL)))
        return -1;
    expect = g_strdup_printf("unsupported configuration: QEMU binary '%s' is version 7.1.0, but "
                             "at least 7.2.0 is required",
                             binary);
    return vbTestCompareStrings(expect, vbGetLastErrorMessage());
}

static int
testCache(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = NULL;
    int ret;

    if (!g_file_test(TEST_QEMU, G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "%s not installed: cache test skipped\n", TEST_QEMU);
        return 0;
    }
    dir = vbTestMakeTempDir();
    ret = testCacheBody(dir);
    vbTestCleanupDir(dir);
    return ret;
}

static int
testMissingBinary(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = vbTestMakeTempDir();
    g_autofree char *binary = g_build_filename(dir, "no-such-qemu", NULL);
    g_autofree char *expect =
        g_strdup_printf("Cannot check QEMU binary %s: No such file or directory", binary);
    g_autoptr(vbQemuCaps) caps = vbQemuCapsNewForBinary(binary, dir, NULL);
    int ret = 0;

    if (caps || vbTestCompareStrings(expect, vbGetLastErrorMessage()) < 0)
        ret = -1;
    vbTestCleanupDir(dir);
    return ret;
}

static int
testProbeExits(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = vbTestMakeTempDir();
    g_autofree char *binary = g_build_filename(dir, "broken-qemu", NULL);
    g_autofree char *expect = g_strdup_printf(
        "internal error: QEMU binary '%s' exited while probing: qemu: machine 'none' not found",
        binary);
    const char *script = "#!/bin/sh\necho \"qemu: machine 'none' not found\" >&2\nexit 1\n";
    g_autoptr(vbQemuCaps) caps = NULL;
    int ret = 0;

    if (vbFileWriteAtomic(binary, script, strlen(script), 0755, 0) < 0 ||
        (caps = vbQemuCapsProbe(binary, NULL)) ||
        vbTestCompareStrings(expect, vbGetLastErrorMessage()) < 0)
        ret = -1;
    vbTestCleanupDir(dir);
    return ret;
}

static int
mymain(void)
{
    g_autofree char *path = vbTestSrcPath("qemucapsdata/qemu-7.2.0-x86_64.schema.json");
    g_autofree char *text = NULL;
    g_autoptr(vbJSONValue) entries = NULL;
    int ret = 0;

    if (vbFileReadAll(path, 16 * 1024 * 1024, &text) < 0 ||
        !(entries = vbJSONValueFromString(text)) || !(testSchema = vbQemuSchemaNew(&entries))) {
        fprintf(stderr, "cannot load %s: %s\n", path, vbGetLastErrorMessage());
        return -1;
    }

#define DO_TEST(name, func) \
    do { \
        if (vbTestRun(name, func, NULL) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("flags from the recorded 7.2 schema", testSchemaFlags);
    DO_TEST("missing feature reported", testCheckMissing);
    DO_TEST("QEMU older than 7.2 refused", testVersion);
    DO_TEST("machine types from a recorded query-machines", testMachinesRecorded);
    DO_TEST("host-model from the recorded 7.2 CPU replies", testHostCPURecorded);
    DO_TEST("host-model choice rule", testHostCPUChoice);
    DO_TEST("host-model probed over QMP (the KVM run's path)", testHostCPUProbeQMP);
    DO_TEST("probe of the installed QEMU", testProbeReal);
    DO_TEST("cache used, invalidated by mtime, version checked", testCache);
    DO_TEST("binary that does not exist", testMissingBinary);
    DO_TEST("binary that exits during the probe", testProbeExits);

    g_clear_pointer(&testSchema, vbQemuSchemaFree);
    return ret;
}

VB_TEST_MAIN(mymain)
