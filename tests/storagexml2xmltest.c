/*
 * storagexml2xmltest.c: storage pool and volume XML parsed and written
 * back, golden files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each case NAME in storagexml2xmldata/ (pool-* or vol-*):
 *   NAME.xml          the document a client sends
 *   NAME.out.xml      the document as virtblockd writes it back (a pool
 *                     inactive; NAME.active.out.xml as well, for a case
 *                     with a pool's status); it parses again to itself
 *   NAME.err          instead: the exact error of a refusal
 * The expected pool documents are those libvirtd 9.0 writes for the same
 * input (pool-dumpxml), the volumes those it writes for the same files
 * (vol-dumpxml, without the timestamps a file has).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbstoragepoolconf.h"
#include "vbstoragevolconf.h"
#include "vbuuid.h"
#include "testutils.h"

typedef struct {
    const char *name;
    bool active; /* pools: written with a status too */
} testInfo;

static char *
testReadData(const char *name, const char *suffix)
{
    g_autofree char *rel = g_strdup_printf("storagexml2xmldata/%s%s", name, suffix);
    g_autofree char *path = vbTestSrcPath(rel);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        fprintf(stderr, "cannot read %s\n", path);
    return text;
}

static bool
testExpectsError(const char *name, char **errPath)
{
    g_autofree char *errRel = g_strdup_printf("storagexml2xmldata/%s.err", name);

    *errPath = vbTestSrcPath(errRel);
    return g_file_test(*errPath, G_FILE_TEST_EXISTS);
}

static int
testCompareError(const char *name, bool ok, const char *errPath)
{
    g_autofree char *actual = NULL;

    if (ok) {
        fprintf(stderr, "%s was accepted, expected a refusal\n", name);
        return -1;
    }
    actual = g_strdup_printf("%s\n", vbGetLastErrorMessage());
    vbResetLastError();
    return vbTestCompareToFile(actual, errPath);
}

static int
testCompareOut(const char *name, const char *suffix, const char *actual)
{
    g_autofree char *outRel = g_strdup_printf("storagexml2xmldata/%s%s", name, suffix);
    g_autofree char *outPath = vbTestSrcPath(outRel);

    return vbTestCompareToFile(actual, outPath);
}

static int
testPoolXML2XML(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *xml = testReadData(info->name, ".xml");
    g_autofree char *errPath = NULL;
    g_autoptr(vbStoragePoolDef) def = NULL;
    g_autoptr(vbStoragePoolDef) again = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *second = NULL;

    if (!xml)
        return -1;
    def = vbStoragePoolDefParseString(xml);
    if (testExpectsError(info->name, &errPath))
        return testCompareError(info->name, def != NULL, errPath);
    if (!def) {
        fprintf(stderr, "%s: %s\n", info->name, vbGetLastErrorMessage());
        return -1;
    }
    actual = vbStoragePoolDefFormat(def, NULL);
    if (testCompareOut(info->name, ".out.xml", actual) < 0)
        return -1;
    if (!(again = vbStoragePoolDefParseString(actual)))
        return -1;
    second = vbStoragePoolDefFormat(again, NULL);
    if (vbTestCompareStrings(actual, second) < 0)
        return -1;
    if (info->active) {
        vbStoragePoolStatus status = {
            .capacity = 270553174016ULL,
            .allocation = 17612959744ULL,
            .available = 252940214272ULL,
            .perms = {0755, 0, 0},
        };
        g_autofree char *active = vbStoragePoolDefFormat(def, &status);

        return testCompareOut(info->name, ".active.out.xml", active);
    }
    return 0;
}

static int
testVolXML2XML(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *xml = testReadData(info->name, ".xml");
    g_autofree char *errPath = NULL;
    g_autoptr(vbStorageVolDef) def = NULL;
    g_autoptr(vbStorageVolDef) again = NULL;
    g_autoptr(vbStorageVolDef) copy = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *second = NULL;
    g_autofree char *copied = NULL;

    if (!xml)
        return -1;
    def = vbStorageVolDefParseString(xml);
    if (testExpectsError(info->name, &errPath))
        return testCompareError(info->name, def != NULL, errPath);
    if (!def) {
        fprintf(stderr, "%s: %s\n", info->name, vbGetLastErrorMessage());
        return -1;
    }
    actual = vbStorageVolDefFormat(def);
    if (testCompareOut(info->name, ".out.xml", actual) < 0)
        return -1;
    if (!(again = vbStorageVolDefParseString(actual)))
        return -1;
    second = vbStorageVolDefFormat(again);
    if (vbTestCompareStrings(actual, second) < 0)
        return -1;
    copy = vbStorageVolDefCopy(def);
    copied = vbStorageVolDefFormat(copy);
    return vbTestCompareStrings(actual, copied);
}

/* A pool defined without <uuid> gets a new one each time */
static int
testPoolUUIDGenerated(const void *opaque G_GNUC_UNUSED)
{
    const char *xml = "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>";
    g_autoptr(vbStoragePoolDef) a = vbStoragePoolDefParseString(xml);
    g_autoptr(vbStoragePoolDef) b = vbStoragePoolDefParseString(xml);

    if (!a || !b || vbUUIDIsNull(a->uuid) || memcmp(a->uuid, b->uuid, VB_UUID_BUFLEN) == 0)
        return -1;
    return 0;
}

/* Timestamps as libvirt writes them: nanoseconds only when there are
 * some, a birth time of 0 */
static int
testVolTimestamps(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageVolDef) def =
        vbStorageVolDefParseString("<volume><name>v</name><capacity>1</capacity></volume>");
    g_autofree char *actual = NULL;
    g_autofree char *outPath = vbTestSrcPath("storagexml2xmldata/vol-timestamps.out.xml");

    if (!def)
        return -1;
    def->target.path = g_strdup("/p/v");
    def->target.hasTimes = true;
    def->target.atime = (struct timespec){1796651035, 894616145};
    def->target.mtime = (struct timespec){1796651035, 0};
    def->target.ctime = (struct timespec){1796651035, 5};
    actual = vbStorageVolDefFormat(def);
    return vbTestCompareToFile(actual, outPath);
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST_POOL(n) \
    do { \
        static const testInfo info = {n, false}; \
        if (vbTestRun(n, testPoolXML2XML, &info) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST_POOL_ACTIVE(n) \
    do { \
        static const testInfo info = {n, true}; \
        if (vbTestRun(n, testPoolXML2XML, &info) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST_VOL(n) \
    do { \
        static const testInfo info = {n, false}; \
        if (vbTestRun(n, testVolXML2XML, &info) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST_POOL_ACTIVE("pool-dir");
    DO_TEST_POOL_ACTIVE("pool-dir-full");
    DO_TEST_POOL("pool-virtinst");
    DO_TEST_POOL("pool-name-slash");
    DO_TEST_POOL("pool-name-dotdot");
    DO_TEST_POOL("pool-name-empty");
    DO_TEST_POOL("pool-name-twice");
    DO_TEST_POOL("pool-xml-limit-attributes");
    DO_TEST_POOL("pool-target-relative");
    DO_TEST_POOL("pool-target-empty");
    DO_TEST_POOL("pool-target-missing");
    DO_TEST_POOL("pool-type-logical");
    DO_TEST_POOL("pool-type-unknown");
    DO_TEST_POOL("pool-type-missing");
    DO_TEST_POOL("pool-uuid-bad");
    DO_TEST_POOL("pool-source-dir");
    DO_TEST_POOL("pool-capacity-unit");
    DO_TEST_POOL("pool-capacity-overflow");
    DO_TEST_POOL("pool-perms-mode");
    DO_TEST_POOL("pool-perms-label");
    DO_TEST_POOL("pool-attr-unknown");

    DO_TEST_VOL("vol-qcow2-backing");
    DO_TEST_VOL("vol-raw");
    DO_TEST_VOL("vol-full");
    DO_TEST_VOL("vol-dumped");
    DO_TEST_VOL("vol-name-missing");
    DO_TEST_VOL("vol-name-control");
    DO_TEST_VOL("vol-capacity-missing");
    DO_TEST_VOL("vol-capacity-negative");
    DO_TEST_VOL("vol-capacity-overflow");
    DO_TEST_VOL("vol-capacity-unit");
    DO_TEST_VOL("vol-format-vmdk");
    DO_TEST_VOL("vol-format-unknown");
    DO_TEST_VOL("vol-type-block");
    DO_TEST_VOL("vol-backing-nopath");
    DO_TEST_VOL("vol-xml-doctype");
    DO_TEST_VOL("vol-backing-relative");
    DO_TEST_VOL("vol-encryption");
    DO_TEST_VOL("vol-timestamps-bad");

    if (vbTestRun("pool-uuid-generated", testPoolUUIDGenerated, NULL) < 0)
        ret = -1;
    if (vbTestRun("vol-timestamps", testVolTimestamps, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
