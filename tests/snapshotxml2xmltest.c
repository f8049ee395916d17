/*
 * snapshotxml2xmltest.c: snapshot XML parsed, aligned with a domain's
 * disks and written back, golden files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each case NAME in snapshotxml2xmldata/:
 *   NAME.xml          the snapshot a client sends
 *   NAME.out.xml      the snapshot after aligning with the case's domain
 *                     (domain.xml unless the case names another one)
 *   NAME.err          instead: the exact error of a refusal
 * The domain's images are empty files in a temporary directory, written
 * @IMAGES@ in every file, since default overlay names need real files.
 * The clock is pinned, so default names are too.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbdomainconf.h"
#include "vbsnapshotconf.h"
#include "vbsnapshotobjlist.h"
#include "testutils.h"

#define TEST_NOW 1700000000LL

typedef struct {
    const char *name;
    const char *domain; /* NULL: domain.xml */
    unsigned int parseFlags;
} testInfo;

static char *testImages;

static char *
testReadData(const char *name, const char *suffix)
{
    g_autofree char *rel = g_strdup_printf("snapshotxml2xmldata/%s%s", name, suffix);
    g_autofree char *path = vbTestSrcPath(rel);
    g_autofree char *text = NULL;
    g_auto(GStrv) parts = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        fprintf(stderr, "cannot read %s\n", path);
        return NULL;
    }
    parts = g_strsplit(text, "@IMAGES@", -1);
    return g_strjoinv(testImages, parts);
}

/* The temporary directory back to @IMAGES@, so golden files never vary. */
static char *
testFilter(const char *text)
{
    g_auto(GStrv) parts = g_strsplit(text, testImages, -1);

    return g_strjoinv("@IMAGES@", parts);
}

static int
testSnapshotXML2XML(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *errRel = g_strdup_printf("snapshotxml2xmldata/%s.err", info->name);
    g_autofree char *errPath = vbTestSrcPath(errRel);
    g_autofree char *outRel = g_strdup_printf("snapshotxml2xmldata/%s.out.xml", info->name);
    g_autofree char *outPath = vbTestSrcPath(outRel);
    g_autofree char *xml = testReadData(info->name, ".xml");
    g_autofree char *domxml = testReadData(info->domain ? info->domain : "domain", ".xml");
    g_autoptr(vbDomainDef) dom = NULL;
    g_autoptr(vbSnapshotDef) def = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *filtered = NULL;
    bool ok;

    if (!xml || !domxml)
        return -1;
    if (!(dom = vbDomainDefParseString(domxml, VB_DOMAIN_DEF_PARSE_INACTIVE)))
        return -1;

    ok = (def = vbSnapshotDefParseString(xml, TEST_NOW, info->parseFlags)) &&
         vbSnapshotDefAlignDisks(def, dom) == 0;

    if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
        if (ok) {
            fprintf(stderr, "%s was accepted, expected a refusal\n", info->name);
            return -1;
        }
        actual = g_strdup_printf("%s\n", vbGetLastErrorMessage());
        vbResetLastError();
        filtered = testFilter(actual);
        return vbTestCompareToFile(filtered, errPath);
    }
    if (!ok) {
        fprintf(stderr, "%s: %s\n", info->name, vbGetLastErrorMessage());
        return -1;
    }
    if (def->creationTime != TEST_NOW) {
        fprintf(stderr, "creation time %lld, expected %lld\n", def->creationTime, TEST_NOW);
        return -1;
    }
    actual = vbSnapshotDefFormat(def, 0);
    filtered = testFilter(actual);
    return vbTestCompareToFile(filtered, outPath);
}

/* The written form parses again to the same text (as a fresh request, it
 * names every disk and every path, so aligning changes nothing). */
static int
testRoundTrip(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *domxml = testReadData("domain", ".xml");
    g_autoptr(vbDomainDef) dom = vbDomainDefParseString(domxml, VB_DOMAIN_DEF_PARSE_INACTIVE);
    g_autoptr(vbSnapshotDef) def = vbSnapshotDefParseString("<domainsnapshot/>", TEST_NOW, 0);
    g_autoptr(vbSnapshotDef) again = NULL;
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    if (!dom || !def || vbSnapshotDefAlignDisks(def, dom) < 0)
        return -1;
    first = vbSnapshotDefFormat(def, 0);
    if (!(again = vbSnapshotDefParseString(first, TEST_NOW + 1,
                                           VB_SNAPSHOT_DEF_PARSE_VALIDATE_SCHEMA)) ||
        vbSnapshotDefAlignDisks(again, dom) < 0)
        return -1;
    second = vbSnapshotDefFormat(again, 0);
    return vbTestCompareStrings(first, second);
}

/* The saved form (what the daemon writes in its snapshot directory):
 * NAME.xml read back with vbSnapshotDefParseFile and written again in the
 * same form, NAME.out.xml; or NAME.err. */
static int
testSnapshotSaved(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *errRel = g_strdup_printf("snapshotxml2xmldata/%s.err", info->name);
    g_autofree char *errPath = vbTestSrcPath(errRel);
    g_autofree char *outRel = g_strdup_printf("snapshotxml2xmldata/%s.out.xml", info->name);
    g_autofree char *outPath = vbTestSrcPath(outRel);
    g_autofree char *xml = testReadData(info->name, ".xml");
    g_autofree char *file = g_strdup_printf("%s.saved", info->name);
    g_autofree char *path = g_build_filename(testImages, file, NULL);
    g_autoptr(vbSnapshotDef) def = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *filtered = NULL;
    unsigned int flags = VB_SNAPSHOT_DEF_FORMAT_METADATA | VB_SNAPSHOT_DEF_FORMAT_SECURE |
                         VB_SNAPSHOT_DEF_FORMAT_INTERNAL;
    bool current = false;

    if (!xml || !g_file_set_contents(path, xml, -1, NULL))
        return -1;
    def = vbSnapshotDefParseFile(path, &current);
    if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
        if (def) {
            fprintf(stderr, "%s was accepted, expected a refusal\n", info->name);
            return -1;
        }
        actual = g_strdup_printf("%s\n", vbGetLastErrorMessage());
        vbResetLastError();
        filtered = testFilter(actual);
        return vbTestCompareToFile(filtered, errPath);
    }
    if (!def) {
        fprintf(stderr, "%s: %s\n", info->name, vbGetLastErrorMessage());
        return -1;
    }
    if (current)
        flags |= VB_SNAPSHOT_DEF_FORMAT_CURRENT;
    if (!(actual = vbSnapshotDefFormat(def, flags)))
        return -1;
    filtered = testFilter(actual);
    return vbTestCompareToFile(filtered, outPath);
}

/* The tree s1 <- s2 <- s3, s1 <- b (b added before its parent, as a
 * load in directory order does), listed with libvirt's filters */
static char *
testCollect(vbSnapshotObjList *list, const char *from, unsigned int flags)
{
    g_autoptr(GPtrArray) found =
        vbSnapshotObjListCollect(list, vbSnapshotObjListFind(list, from), flags);
    g_autoptr(GString) out = g_string_new("");
    size_t i;

    for (i = 0; i < found->len; i++)
        g_string_append_printf(out, "%s%s", i ? " " : "",
                               ((vbSnapshotObj *) g_ptr_array_index(found, i))->def->name);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static int
testObjList(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbSnapshotObjList) list = vbSnapshotObjListNew();
    const char *tree[][3] = {{"b", "s1", "external"},
                             {"s3", "s2", "external"},
                             {"s1", NULL, "external"},
                             {"s2", "s1", "external"},
                             {"int", NULL, "no"}};
    const struct {
        const char *from;
        unsigned int flags;
        const char *expect;
    } cases[] = {
        {NULL, 0, "b int s1 s2 s3"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_ROOTS, "int s1"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_LEAVES, "b int s3"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES, "s1 s2"},
        /* libvirtd 9.0: no snapshot is both a leaf and not one */
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_LEAVES | VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES, ""},
        {"s1", VIR_DOMAIN_SNAPSHOT_LIST_LEAVES | VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES, ""},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_METADATA | VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA,
         "b int s1 s2 s3"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL | VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL,
         "b int s1 s2 s3"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL, "int s1 b s2 s3"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_METADATA, "b int s1 s2 s3"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA, ""},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL, "b s1 s2 s3"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL, "int"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY, "b int s1 s2 s3"},
        {NULL, VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE | VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE, ""},
        {"s1", 0, "b s2"},
        {"s1", VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS, "b s2 s3"},
        {"s1", VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS | VIR_DOMAIN_SNAPSHOT_LIST_LEAVES, "b s3"},
        {"s3", 0, ""},
    };
    g_auto(GStrv) orphans = NULL;
    vbSnapshotDef *def;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(tree); i++) {
        def = g_new0(vbSnapshotDef, 1);
        def->name = g_strdup(tree[i][0]);
        def->parentName = g_strdup(tree[i][1]);
        def->state = VB_SNAPSHOT_STATE_DISK_SNAPSHOT;
        def->disks = g_new0(vbSnapshotDiskDef *, 1);
        def->disks[0] = g_new0(vbSnapshotDiskDef, 1);
        def->disks[0]->name = g_strdup("vda");
        def->disks[0]->snapshot = vbSnapshotLocationTypeFromString(tree[i][2]);
        def->disks[0]->src = vbStorageSourceNew();
        def->ndisks = 1;
        if (!vbSnapshotObjListAdd(list, &def))
            return -1;
    }
    vbSnapshotObjListUpdateRelations(list, &orphans);
    if (orphans[0]) {
        fprintf(stderr, "unexpected orphan %s\n", orphans[0]);
        return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = testCollect(list, cases[i].from, cases[i].flags);

        if (g_strcmp0(got, cases[i].expect) != 0) {
            fprintf(stderr, "from %s flags 0x%x: '%s', expected '%s'\n",
                    cases[i].from ? cases[i].from : "-", cases[i].flags, got, cases[i].expect);
            return -1;
        }
    }

    /* a duplicate is refused with libvirt's error */
    def = g_new0(vbSnapshotDef, 1);
    def->name = g_strdup("s2");
    if (vbSnapshotObjListAdd(list, &def)) {
        fprintf(stderr, "a duplicate was added\n");
        return -1;
    }
    vbSnapshotDefFree(def);
    if (g_strcmp0(vbGetLastErrorMessage(), "operation failed: domain moment s2 already exists")) {
        fprintf(stderr, "duplicate: %s\n", vbGetLastErrorMessage());
        return -1;
    }
    vbResetLastError();

    /* removing a leaf, and a missing parent makes a root */
    vbSnapshotObjListRemove(list, vbSnapshotObjListFind(list, "s3"));
    vbSnapshotObjListRemove(list, vbSnapshotObjListFind(list, "s1"));
    g_clear_pointer(&orphans, g_strfreev);
    vbSnapshotObjListUpdateRelations(list, &orphans);
    if (g_strv_length(orphans) != 2) {
        fprintf(stderr, "expected two orphans\n");
        return -1;
    }
    {
        g_autofree char *roots = testCollect(list, NULL, VIR_DOMAIN_SNAPSHOT_LIST_ROOTS);

        return vbTestCompareStrings("b int s2", roots);
    }
}

/* Deletion's removal: s1 <- s2 <- {s3, s4}, s2 removed with its children
 * moved to s1 (parent names included), then the root s1 with its children
 * becoming roots; the current one is none once it is removed. */
static int
testObjListReparent(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbSnapshotObjList) list = vbSnapshotObjListNew();
    const char *tree[][2] = {{"s1", NULL}, {"s2", "s1"}, {"s3", "s2"}, {"s4", "s2"}};
    vbSnapshotObj *s3;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(tree); i++) {
        vbSnapshotDef *def = g_new0(vbSnapshotDef, 1);

        def->name = g_strdup(tree[i][0]);
        def->parentName = g_strdup(tree[i][1]);
        if (!vbSnapshotObjListAdd(list, &def))
            return -1;
    }
    vbSnapshotObjListSetCurrent(list, vbSnapshotObjListFind(list, "s2"));
    vbSnapshotObjListRemoveReparent(list, vbSnapshotObjListFind(list, "s2"));
    s3 = vbSnapshotObjListFind(list, "s3");
    if (vbSnapshotObjListGetCurrent(list) || !s3 ||
        s3->parent != vbSnapshotObjListFind(list, "s1") ||
        g_strcmp0(s3->def->parentName, "s1") != 0) {
        fprintf(stderr, "s3 not moved below s1\n");
        return -1;
    }
    {
        g_autofree char *got = testCollect(list, "s1", VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);

        if (vbTestCompareStrings("s3 s4", got) < 0)
            return -1;
    }
    vbSnapshotObjListRemoveReparent(list, vbSnapshotObjListFind(list, "s1"));
    if (s3->parent || s3->def->parentName) {
        fprintf(stderr, "s3 not a root\n");
        return -1;
    }
    {
        g_autofree char *roots = testCollect(list, NULL, VIR_DOMAIN_SNAPSHOT_LIST_ROOTS);

        return vbTestCompareStrings("s3 s4", roots);
    }
}

static int
testMakeImages(void)
{
    const char *files[] = {"vda.qcow2",   "vda.img",    "data.img",
                           "dir.d/plain", "shared.img", "cd.iso"};
    g_autofree char *subdir = g_build_filename(testImages, "dir.d", NULL);
    size_t i;

    if (g_mkdir(subdir, 0700) < 0)
        return -1;
    for (i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *path = g_build_filename(testImages, files[i], NULL);

        if (!g_file_set_contents(path, "", 0, NULL))
            return -1;
    }
    return 0;
}

static int
mymain(void)
{
    static const testInfo cases[] = {
        {"empty", NULL},
        {"virsh-default", NULL},
        {"name-description", NULL},
        {"name-escaping", NULL},
        {"diskspec-file", NULL},
        {"disk-by-path", NULL},
        {"memory-no", NULL},
        {"memory-external", NULL},
        /* the same for a shut-off domain, or with DISK_ONLY */
        {"memory-external-offline", NULL, VB_SNAPSHOT_DEF_PARSE_OFFLINE},
        {"memory-internal", NULL},
        {"memory-relative", NULL},
        {"memory-no-file", NULL},
        {"memory-file-internal", NULL},
        {"memory-manual", NULL},
        {"disk-internal", NULL},
        {"disk-manual", NULL},
        {"disk-location-invalid", NULL},
        {"disk-relative-path", NULL},
        {"disk-unknown", NULL},
        {"disk-no-name", NULL},
        {"disk-twice", NULL},
        {"xml-limit-attributes", NULL},
        {"disk-path-not-external", NULL},
        {"driver-raw", NULL},
        {"driver-unknown", NULL},
        {"disk-type-block", NULL},
        {"overlay-shared", NULL},
        {"nothing-selected", NULL},
        {"too-many-disks", "domain-block"},
        {"element-unknown", NULL},
        {"attribute-unknown", NULL},
        {"root-wrong", NULL},
        /* the root is checked before the schema, as by libvirt */
        {"root-wrong-validate", NULL, VB_SNAPSHOT_DEF_PARSE_VALIDATE_SCHEMA},
        {"malformed", NULL},
        {"name-empty", NULL},
        {"block-source", "domain-block"},
        {"default-name-collision", "domain-collision"},
        /* ours, in a saved file only: a client cannot set it */
        {"redefine-delete-failed", NULL, VB_SNAPSHOT_DEF_PARSE_REDEFINE},
    };
    /* shutoff: libvirtd 9.0's snapshot-dumpxml of a shut-off domain's
     * second snapshot, as it saves it (<active>) */
    static const testInfo saved[] = {
        {"saved-shutoff", NULL},
        {"saved-running", NULL},
        {"saved-no-domain", NULL},
        {"saved-no-creation-time", NULL},
        {"saved-state-unknown", NULL},
        {"saved-parent-empty", NULL},
        {"saved-element-unknown", NULL},
        {"saved-revert-disks", NULL},
        {"saved-revert-disks-relative", NULL},
        {"saved-no-state", NULL},
        {"saved-state-nostate", NULL},
        {"saved-delete-failed", NULL},
        {"saved-delete-failed-relative", NULL},
    };
    int ret = 0;
    size_t i;

    testImages = vbTestMakeTempDir();
    if (testMakeImages() < 0) {
        fprintf(stderr, "cannot create test images in %s\n", testImages);
        vbTestCleanupDir(testImages);
        return EXIT_FAILURE;
    }

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (vbTestRun(cases[i].name, testSnapshotXML2XML, &cases[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("objlist", testObjList, NULL) < 0)
        ret = -1;
    if (vbTestRun("objlist-reparent", testObjListReparent, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(saved); i++) {
        if (vbTestRun(saved[i].name, testSnapshotSaved, &saved[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("round-trip", testRoundTrip, NULL) < 0)
        ret = -1;

    vbTestCleanupDir(testImages);
    g_clear_pointer(&testImages, g_free);
    return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

VB_TEST_MAIN(mymain)
