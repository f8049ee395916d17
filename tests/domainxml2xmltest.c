/*
 * domainxml2xmltest.c: domain XML parsed and written back, golden files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each case NAME in domainxml2xmldata/:
 *   NAME.xml            input, parsed as live XML (or status XML, see below)
 *   NAME-inactive.xml   the persistent form written back
 *   NAME-active.xml     the live form (indexes, <mirror>, aliases, pty paths)
 *   NAME-status.xml     the status form, for cases that read status input
 *   NAME.err            instead of the above: the exact error of a refusal
 *                       (parse, post-parse or validation)
 * Every output is parsed again with the matching flags and must come out
 * unchanged, and the status form must give the same inactive and live forms.
 *
 * Every input of qemuxml2argvtest that it accepts (qemuxml2argvdata/NAME.xml
 * without NAME.err) makes a round trip here too, so that a new device needs
 * one input file for both tests.  It is read as qemuxml2argvtest reads it:
 * a persistent definition, or status XML when NAME ends in "-status".
 *   qemuxml2xmloutdata/NAME.xml   the persistent (or status) form written
 *                                 back; often equal to the input
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbuuid.h"
#include "vbxml.h"
#include "vbdomainconf.h"
#include "testutils.h"

typedef enum {
    TEST_STATUS = 1 << 0,         /* input is status XML; write NAME-status.xml */
    TEST_RANDOM_UUID = 1 << 1,    /* the UUID is generated: check it, then pin it */
    TEST_PARSE_INACTIVE = 1 << 2, /* parse the input as a persistent definition */
} testFlags;

typedef struct {
    const char *name;
    unsigned int flags;
} testInfo;

static char *
testDataPath(const char *name, const char *suffix)
{
    g_autofree char *rel = g_strdup_printf("domainxml2xmldata/%s%s", name, suffix);

    return vbTestSrcPath(rel);
}

/* Formats @def with @formatFlags, compares to the golden file @path, then
 * checks that parsing it back with @parseFlags gives the same text. */
static int
testCompareFormPath(const vbDomainDef *def, const char *path, unsigned int formatFlags,
                    unsigned int parseFlags)
{
    g_autofree char *actual = NULL;
    g_autofree char *again = NULL;
    g_autoptr(vbDomainDef) reparsed = NULL;

    if (!(actual = vbDomainDefFormat(def, formatFlags)))
        return -1;
    if (vbTestCompareToFile(actual, path) < 0)
        return -1;
    if (!(reparsed = vbDomainDefParseString(actual, parseFlags)))
        return -1;
    if (!(again = vbDomainDefFormat(reparsed, formatFlags)))
        return -1;
    if (vbTestCompareStrings(actual, again) < 0) {
        fprintf(stderr, "round trip of %s changed it\n", path);
        return -1;
    }
    return 0;
}

static int
testCompareForm(const vbDomainDef *def, const char *name, const char *suffix,
                unsigned int formatFlags, unsigned int parseFlags)
{
    g_autofree char *path = testDataPath(name, suffix);

    return testCompareFormPath(def, path, formatFlags, parseFlags);
}

static int
testCheckRandomUUID(vbDomainDef *def)
{
    static const unsigned char pinned[VB_UUID_BUFLEN] = {
        0xc7, 0xa5, 0xfd, 0xbd, 0xed, 0xaf, 0x45, 0x07,
        0xab, 0x3c, 0xbd, 0xc7, 0x9a, 0x10, 0x5e, 0x71,
    };

    if (vbUUIDIsNull(def->uuid)) {
        fprintf(stderr, "no UUID was generated\n");
        return -1;
    }
    /* random (version 4, RFC 4122 variant) */
    if ((def->uuid[6] & 0xf0) != 0x40 || (def->uuid[8] & 0xc0) != 0x80) {
        fprintf(stderr, "generated UUID is not a random one\n");
        return -1;
    }
    memcpy(def->uuid, pinned, VB_UUID_BUFLEN);
    return 0;
}

static int
testDomainXML2XML(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *inPath = testDataPath(info->name, ".xml");
    g_autofree char *errPath = testDataPath(info->name, ".err");
    g_autofree char *xml = NULL;
    g_autoptr(vbDomainDef) def = NULL;
    unsigned int parseFlags = 0;

    if (info->flags & TEST_STATUS)
        parseFlags = VB_DOMAIN_DEF_PARSE_STATUS;
    if (info->flags & TEST_PARSE_INACTIVE)
        parseFlags = VB_DOMAIN_DEF_PARSE_INACTIVE;

    if (!g_file_get_contents(inPath, &xml, NULL, NULL)) {
        fprintf(stderr, "cannot read %s\n", inPath);
        return -1;
    }

    def = vbDomainDefParseString(xml, parseFlags);
    if (def && vbDomainDefValidate(def) < 0)
        g_clear_pointer(&def, vbDomainDefFree);

    if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
        g_autofree char *actual = NULL;

        if (def) {
            fprintf(stderr, "%s was accepted, expected a refusal\n", info->name);
            return -1;
        }
        actual = g_strdup_printf("%s\n", vbGetLastErrorMessage());
        vbResetLastError();
        return vbTestCompareToFile(actual, errPath);
    }
    if (!def)
        return -1;

    if ((info->flags & TEST_RANDOM_UUID) && testCheckRandomUUID(def) < 0)
        return -1;

    if (testCompareForm(def, info->name, "-inactive.xml", VB_DOMAIN_DEF_FORMAT_INACTIVE,
                        VB_DOMAIN_DEF_PARSE_INACTIVE) < 0 ||
        testCompareForm(def, info->name, "-active.xml", 0, 0) < 0)
        return -1;

    if (info->flags & TEST_STATUS) {
        g_autofree char *status = NULL;
        g_autoptr(vbDomainDef) fromStatus = NULL;

        if (testCompareForm(def, info->name, "-status.xml", VB_DOMAIN_DEF_FORMAT_STATUS,
                            VB_DOMAIN_DEF_PARSE_STATUS) < 0)
            return -1;
        /* what a restarted daemon reads gives what clients saw before */
        if (!(status = vbDomainDefFormat(def, VB_DOMAIN_DEF_FORMAT_STATUS)) ||
            !(fromStatus = vbDomainDefParseString(status, VB_DOMAIN_DEF_PARSE_STATUS)))
            return -1;
        if (testCompareForm(fromStatus, info->name, "-inactive.xml", VB_DOMAIN_DEF_FORMAT_INACTIVE,
                            VB_DOMAIN_DEF_PARSE_INACTIVE) < 0 ||
            testCompareForm(fromStatus, info->name, "-active.xml", 0, 0) < 0)
            return -1;
    }
    return 0;
}

/* ---- the inputs of qemuxml2argvtest --------------------------------- */

#define TEST_ARGV_DATA "qemuxml2argvdata"
#define TEST_ARGV_OUTDATA "qemuxml2xmloutdata"

static int
testArgvInputXML2XML(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *inRel = g_strdup_printf(TEST_ARGV_DATA "/%s.xml", name);
    g_autofree char *outRel = g_strdup_printf(TEST_ARGV_OUTDATA "/%s.xml", name);
    g_autofree char *inPath = vbTestSrcPath(inRel);
    g_autofree char *outPath = vbTestSrcPath(outRel);
    g_autoptr(vbDomainDef) def = NULL;
    bool status = g_str_has_suffix(name, "-status");
    unsigned int parseFlags = status ? VB_DOMAIN_DEF_PARSE_STATUS : VB_DOMAIN_DEF_PARSE_INACTIVE;
    /* the inactive form as the config file holds it, with the secrets */
    unsigned int formatFlags = status ? VB_DOMAIN_DEF_FORMAT_STATUS
                                      : VB_DOMAIN_DEF_FORMAT_INACTIVE | VB_DOMAIN_DEF_FORMAT_SECURE;

    if (!(def = vbDomainDefParseFile(inPath, parseFlags)) || vbDomainDefValidate(def) < 0)
        return -1;
    return testCompareFormPath(def, outPath, formatFlags, parseFlags);
}

static gint
testCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Names of the files NAME.xml in @reldir, sorted so that case numbers
 * (VB_TEST_RANGE) stay put; with @skipSuffix, those that also have
 * NAME@skipSuffix are left out. */
static GPtrArray *
testListInputs(const char *reldir, const char *skipSuffix)
{
    g_autofree char *dir = vbTestSrcPath(reldir);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *file;

    while (d && (file = g_dir_read_name(d))) {
        g_autofree char *name = NULL;

        if (!g_str_has_suffix(file, ".xml"))
            continue;
        name = g_strndup(file, strlen(file) - strlen(".xml"));
        if (skipSuffix) {
            g_autofree char *skip = g_strdup_printf("%s/%s%s", dir, name, skipSuffix);

            if (g_file_test(skip, G_FILE_TEST_EXISTS))
                continue;
        }
        g_ptr_array_add(names, g_steal_pointer(&name));
    }
    g_ptr_array_sort(names, testCompareNames);
    return names;
}

/* An output whose input was renamed or removed would rot unnoticed. */
static int
testArgvOutputsHaveInputs(const void *opaque)
{
    GPtrArray *inputs = (GPtrArray *) opaque;
    g_autoptr(GPtrArray) outputs = testListInputs(TEST_ARGV_OUTDATA, NULL);
    int ret = 0;
    size_t i;

    for (i = 0; i < outputs->len; i++) {
        if (!g_ptr_array_find_with_equal_func(inputs, outputs->pdata[i], g_str_equal, NULL)) {
            fprintf(stderr, "%s/%s.xml has no accepted input in %s/\n", TEST_ARGV_OUTDATA,
                    (const char *) outputs->pdata[i], TEST_ARGV_DATA);
            ret = -1;
        }
    }
    return ret;
}

/* ---- cases beyond the golden files ----------------------------------- */

static vbDomainDef *
testParseData(const char *name, unsigned int flags)
{
    g_autofree char *path = testDataPath(name, ".xml");

    return vbDomainDefParseFile(path, flags);
}

static int
testSchemaValid(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = NULL;

    if (!(def = testParseData("minimal", VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA)))
        return -1;
    /* the live form, with indexes and a mirror, is valid too */
    g_clear_pointer(&def, vbDomainDefFree);
    if (!(def = testParseData("disk-mirror-active-commit", VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA)))
        return -1;
    return 0;
}

static int
testSchemaInvalid(const void *opaque G_GNUC_UNUSED)
{
    const char *xml = "<domain type='kvm'>\n"
                      "  <name>bad</name>\n"
                      "  <memory>1024</memory>\n"
                      "  <os><type>hvm</type></os>\n"
                      "  <bogus/>\n"
                      "</domain>\n";
    g_autoptr(vbDomainDef) def = vbDomainDefParseString(xml, VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA);
    const char *msg = vbGetLastErrorMessage();

    if (def || vbGetLastErrorCode() != VIR_ERR_XML_INVALID_SCHEMA)
        return -1;
    if (!g_str_has_prefix(msg, "XML document failed to validate against schema: ") ||
        !strstr(msg, "element '")) {
        fprintf(stderr, "unexpected message: %s\n", msg);
        return -1;
    }
    /* without the flag the parser refuses it by name */
    if ((def = vbDomainDefParseString(xml, 0)))
        return -1;
    return vbTestCompareStrings(
        "unsupported configuration: element '<bogus>' in <domain> is not supported by virtblockd",
        vbGetLastErrorMessage());
}

static int
testSchemaMissing(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(xmlDoc) doc = vbXMLParseStringFull(VIR_FROM_NONE, "<domain/>", "(test)", 100);

    if (!doc || vbXMLValidateRelaxNG(doc, "/nonexistent/domain.rng") == 0)
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_CONFIG_UNSUPPORTED)
        return -1;
    return strstr(vbGetLastErrorMessage(), "'/nonexistent/domain.rng'") ? 0 : -1;
}

/* libvirt's virXMLParse: a syntax error is XML_DETAIL in the domain of
 * the document's parser (VIR_FROM_DOMAIN), a wrong root XML_ERROR in
 * VIR_FROM_XML */
static int
testSyntaxErrorDomain(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = NULL;
    const vbError *err;

    if ((def = vbDomainDefParseString("<domain type='qemu'><name>x</nam></domain>", 0)))
        return -1;
    err = vbGetLastError();
    if (!err || err->code != VIR_ERR_XML_DETAIL || err->domain != VIR_FROM_DOMAIN) {
        fprintf(stderr, "syntax error: code %d domain %d\n", err ? err->code : 0,
                err ? err->domain : 0);
        return -1;
    }
    if ((def = vbDomainDefParseString("<domainsnapshot/>", 0)))
        return -1;
    err = vbGetLastError();
    if (!err || err->code != VIR_ERR_XML_ERROR || err->domain != VIR_FROM_XML) {
        fprintf(stderr, "wrong root: code %d domain %d\n", err ? err->code : 0,
                err ? err->domain : 0);
        return -1;
    }
    return 0;
}

/* With the schema asked for, a document that is no domain is told so, as
 * libvirt checks the root before validating: not a schema error */
static int
testSchemaWrongRoot(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = NULL;
    const vbError *err;

    if ((def = vbDomainDefParseString("<foo/>", VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA)))
        return -1;
    err = vbGetLastError();
    if (!err || err->code != VIR_ERR_XML_ERROR || err->domain != VIR_FROM_XML) {
        fprintf(stderr, "wrong root: code %d domain %d\n", err ? err->code : 0,
                err ? err->domain : 0);
        return -1;
    }
    return vbTestCompareStrings("XML error: expecting root element of 'domain', not 'foo'",
                                vbGetLastErrorMessage());
}

static int
testSizeLimit(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GString) xml = g_string_new("<domain type='kvm'><name>big</name><description>");
    g_autoptr(vbDomainDef) def = NULL;

    while (xml->len <= VB_DOMAIN_XML_MAX_LEN)
        g_string_append(xml, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    g_string_append(xml, "</description></domain>");
    if ((def = vbDomainDefParseString(xml->str, 0)))
        return -1;
    return vbTestCompareStrings(
        "XML error: (domain_definition): document is larger than the limit of 4194304 bytes",
        vbGetLastErrorMessage());
}

static int
testNestingLimit(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GString) xml = g_string_new("<domain type='kvm'><metadata>");
    g_autoptr(vbDomainDef) def = NULL;
    size_t i;

    /* far deeper than libxml2's default limit of 256 */
    for (i = 0; i < 5000; i++)
        g_string_append(xml, "<a>");
    if ((def = vbDomainDefParseString(xml->str, 0)))
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_XML_ERROR)
        return -1;
    return g_str_has_prefix(vbGetLastErrorMessage(), "XML error: (domain_definition):1: ") ? 0 : -1;
}

static int
testDiskByName(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = testParseData("disk-backing-chain-index", 0);
    vbDomainDiskDef *disk;

    if (!def)
        return -1;
    if (!(disk = vbDomainDiskByName(def, "vda")) || strcmp(disk->dst, "vda") != 0)
        return -1;
    if (vbDomainDiskByName(def, "/var/lib/libvirt/images/top.qcow2") != disk)
        return -1;
    /* a backing image is not the disk's name */
    if (vbDomainDiskByName(def, "/var/lib/libvirt/images/base.qcow2"))
        return -1;
    if (vbDomainDiskByName(def, "vdz") || vbDomainDiskByName(def, "/nope"))
        return -1;
    /* reports nothing */
    return vbGetLastError() ? -1 : 0;
}

static int
testCopy(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def =
        testParseData("disk-relative-backing-status", VB_DOMAIN_DEF_PARSE_STATUS);
    g_autoptr(vbDomainDef) copy = NULL;
    g_autoptr(vbDomainDef) persistent = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *c = NULL;
    g_autofree char *d = NULL;

    if (!def || !(copy = vbDomainDefCopy(def, 0)))
        return -1;
    if (!(a = vbDomainDefFormat(def, VB_DOMAIN_DEF_FORMAT_STATUS)) ||
        !(b = vbDomainDefFormat(copy, VB_DOMAIN_DEF_FORMAT_STATUS)))
        return -1;
    if (vbTestCompareStrings(a, b) < 0)
        return -1;
    if (!copy->disks[0]->src->backingStore ||
        g_strcmp0(copy->disks[0]->src->backingStore->nodeFormat, "libvirt-2-format") != 0)
        return -1;

    if (!(persistent = vbDomainDefCopy(def, VB_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    /* indexes go, a user's alias stays */
    if (persistent->disks[0]->src->id != 0 ||
        g_strcmp0(persistent->disks[0]->info.alias, "ua-vol-3") != 0)
        return -1;
    if (!(c = vbDomainDefFormat(def, VB_DOMAIN_DEF_FORMAT_INACTIVE)) ||
        !(d = vbDomainDefFormat(persistent, VB_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    return vbTestCompareStrings(c, d);
}

static int
testParseFlags(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = testParseData("minimal", 0x100);

    if (def)
        return -1;
    return vbTestCompareStrings("unsupported flags (0x100) in function vbDomainDefParseNode",
                                vbGetLastErrorMessage());
}

/* The live form parsed as a persistent definition loses its runtime data. */
static int
testParseInactiveDropsRuntime(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def =
        testParseData("disk-mirror-active-commit", VB_DOMAIN_DEF_PARSE_INACTIVE);
    vbDomainDiskDef *disk;

    if (!def || !(disk = vbDomainDiskByName(def, "vda")))
        return -1;
    if (disk->mirror || disk->mirrorJob || disk->info.alias || disk->src->id || def->id != -1)
        return -1;
    if (!disk->src->backingStore || disk->src->backingStore->id != 0)
        return -1;
    return 0;
}

/* A definition built in code gets the parser's defaults from post-parse. */
static int
testPostParseBuilt(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = vbDomainDefNew();
    g_autoptr(vbDomainDiskDef) disk = vbDomainDiskDefNew();
    vbDomainDiskDef *d;

    def->name = g_strdup("built");
    def->machine = g_strdup("q35");
    def->maxMemory = 1024;
    disk->dst = g_strdup("sdb");
    disk->src = vbStorageSourceNew();
    disk->src->type = VB_STORAGE_TYPE_FILE;
    disk->src->path = g_strdup("/images/built.qcow2");
    def->disks = g_new0(vbDomainDiskDef *, 1);
    def->disks[def->ndisks++] = g_steal_pointer(&disk);

    if (vbDomainDefPostParse(def, 0) < 0 || vbDomainDefValidate(def) < 0)
        return -1;
    d = def->disks[0];
    if (vbUUIDIsNull(def->uuid) || d->bus != VB_DOMAIN_DISK_BUS_SCSI ||
        d->src->format != VB_STORAGE_FORMAT_RAW ||
        d->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_DRIVE || d->info.addr.drive.unit != 0 ||
        def->currentMemory != 1024 || def->vcpus != 1)
        return -1;
    /* libvirt's implicit USB, SATA and pcie-root, then the implied
     * virtio-scsi controller */
    if (def->ncontrollers != 4 ||
        def->controllers[0]->model != VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI ||
        def->controllers[2]->model != VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT ||
        def->controllers[3]->model != VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI)
        return -1;
    /* a second run changes nothing */
    if (vbDomainDefPostParse(def, 0) < 0 || def->ncontrollers != 4)
        return -1;
    return 0;
}

/* A chain the parser could not read back is not written. */
static int
testFormatBackingWithoutFormat(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = testParseData("disk-backing-chain-index", 0);
    g_autofree char *xml = NULL;

    if (!def)
        return -1;
    def->disks[0]->src->backingStore->format = VB_STORAGE_FORMAT_NONE;
    if ((xml = vbDomainDefFormat(def, 0)))
        return -1;
    return vbTestCompareStrings("internal error: backing image '/var/lib/libvirt/images/mid.qcow2' "
                                "of disk 'vda' has no format",
                                vbGetLastErrorMessage());
}

/* Errors are collected per parser context and reported per thread: eight
 * threads parsing good and broken documents at once each see their own. */
static gpointer
testThreadWorker(gpointer opaque)
{
    const char *good = opaque;
    const char *bad = "<domain type='kvm'>\n<name>x</name\n</domain>";
    size_t i;

    for (i = 0; i < 50; i++) {
        g_autoptr(vbDomainDef) def = vbDomainDefParseString(i % 2 ? bad : good, 0);

        if (i % 2) {
            if (def || g_strcmp0(vbGetLastErrorMessage(),
                                 "(domain_definition):3: expected '>'\n</domain>\n^") != 0)
                return GINT_TO_POINTER(1);
        } else if (!def || strcmp(def->name, "demo") != 0) {
            return GINT_TO_POINTER(1);
        }
        vbResetLastError();
    }
    return NULL;
}

static int
testThreads(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testDataPath("minimal", ".xml");
    g_autofree char *good = NULL;
    GThread *threads[8];
    int ret = 0;
    size_t i;

    if (!g_file_get_contents(path, &good, NULL, NULL))
        return -1;
    for (i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("parse", testThreadWorker, good);
    for (i = 0; i < G_N_ELEMENTS(threads); i++) {
        if (g_thread_join(threads[i]))
            ret = -1;
    }
    return ret;
}

static int
mymain(void)
{
    static const testInfo cases[] = {
        {"minimal", 0},
        {"machine-pc", 0},
        {"memory-units", 0},
        {"memory-units-case", 0},
        {"uuid-missing", TEST_RANDOM_UUID},
        {"metadata-description", 0},
        {"lifecycle-actions", 0},
        {"serial-console-pty", 0},
        {"disk-backing-chain", TEST_PARSE_INACTIVE},
        {"disk-backing-chain-index", 0},
        {"disk-backing-chain-detected-status", TEST_STATUS},
        {"disk-relative-backing-status", TEST_STATUS},
        {"disk-mirror-active-commit", 0},
        {"disk-mirror-active-commit-status", TEST_STATUS},
        {"disk-mirror-copy", 0},
        {"disk-cdrom-empty", 0},
        {"disk-cdrom-tray-open", TEST_STATUS},
        {"disk-block-device", 0},
        {"disk-driver-options", 0},
        {"disk-scsi-implied-controller", 0},
        {"disk-sata-addresses", 0},
        {"disk-shareable", 0},
        {"disk-addresses-aliases", 0},
        /* the port a start picked, the password only in the status form */
        {"graphics-vnc-running-status", TEST_STATUS},
        /* the taps of a running domain: generated names only in its forms */
        {"net-tap-running-status", TEST_STATUS},
        {"net-direct-running-status", TEST_STATUS},
        /* a hot-plugged usb disk: its alias and port in the live forms */
        {"disk-usb-running-status", TEST_STATUS},
        {"text-whitespace-escaping", 0},
        /* refused while parsing */
        {"xml-malformed", 0},
        {"xml-entity-external", 0},
        {"xml-entity-bomb", 0},
        {"xml-doctype", 0},
        {"xml-doctype-noname", 0},
        /* limits on the XML's shape (vbxml.h) */
        {"xml-limit-attributes", 0},
        {"xml-limit-depth", 0},
        {"xml-limit-namespaces", 0},
        {"xml-limit-after-comment", 0},
        {"xml-entity-undefined", 0},
        {"xml-root-not-domain", 0},
        {"domain-type-xen", 0},
        {"name-missing", 0},
        {"name-slash", 0},
        {"name-dot", 0},
        {"name-dotdot", 0},
        {"name-newline", 0},
        {"uuid-invalid", 0},
        {"uuid-null", 0},
        {"memory-overflow", 0},
        {"memory-unit-invalid", 0},
        {"device-interface", 0},
        {"net-ethernet-managed-no", TEST_PARSE_INACTIVE},
        {"net-bridge", TEST_PARSE_INACTIVE},
        {"net-direct", TEST_PARSE_INACTIVE},
        {"net-ethernet-reserved-name", TEST_PARSE_INACTIVE},
        {"domain-cpu", 0},
        {"disk-target-duplicate", 0},
        {"disk-index-duplicate", 0},
        {"disk-bus-ide", 0},
        {"disk-type-network", 0},
        {"disk-device-lun", 0},
        {"disk-format-vmdk", 0},
        {"disk-transient", 0},
        {"disk-path-newline", 0},
        {"disk-path-relative", 0},
        {"disk-backing-format-missing", 0},
        {"disk-backing-chain-too-deep", 0},
        {"disk-driver-attribute", 0},
        {"disk-cdrom-tray-invalid", 0},
        {"disk-nodename-invalid-status", TEST_STATUS},
        {"disk-mirror-index-mismatch", 0},
        {"disk-mirror-twice", 0},
        /* refused by validation */
        {"validate-machine-microvm", 0},
        {"validate-arch-aarch64", 0},
        {"validate-cdrom-virtio", 0},
        {"validate-shared-writable", 0},
        {"validate-shared-readonly-writable", 0},
        {"validate-writable-backing", 0},
        {"validate-emulator-relative", 0},
        {"validate-disk-no-source", 0},
        {"validate-lifecycle-preserve", 0},
        {"validate-boot-mixed", 0},
        {"validate-pci-address-duplicate", 0},
        {"validate-chain-loop", 0},
        {"channel-agent-state", 0},
        {"channel-agent-state-default", 0},
        {"channel-agent-state-bogus", 0},
    };
    g_autoptr(GPtrArray) argvInputs = testListInputs(TEST_ARGV_DATA, ".err");
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *label = g_strdup_printf("domain xml %s", cases[i].name);

        if (vbTestRun(label, testDomainXML2XML, &cases[i]) < 0)
            ret = -1;
    }
    if (argvInputs->len == 0) {
        fprintf(stderr, "no input found in %s/\n", TEST_ARGV_DATA);
        ret = -1;
    }
    for (i = 0; i < argvInputs->len; i++) {
        const char *name = argvInputs->pdata[i];
        g_autofree char *label = g_strdup_printf("qemuxml2argv input %s", name);

        if (vbTestRun(label, testArgvInputXML2XML, name) < 0)
            ret = -1;
    }
    if (vbTestRun("every qemuxml2argv output has its input", testArgvOutputsHaveInputs,
                  argvInputs) < 0)
        ret = -1;

    if (g_file_test(VB_LIBVIRT_SCHEMA_DIR "/domain.rng", G_FILE_TEST_IS_REGULAR)) {
        if (vbTestRun("schema: valid documents pass", testSchemaValid, NULL) < 0)
            ret = -1;
        if (vbTestRun("schema: invalid document names the element", testSchemaInvalid, NULL) < 0)
            ret = -1;
    } else {
        fprintf(stderr, "SKIP schema tests: %s/domain.rng is not installed (package libvirt0)\n",
                VB_LIBVIRT_SCHEMA_DIR);
    }
    if (vbTestRun("schema: missing file is CONFIG_UNSUPPORTED", testSchemaMissing, NULL) < 0)
        ret = -1;
    if (vbTestRun("syntax error and wrong root in libvirt's error domains", testSyntaxErrorDomain,
                  NULL) < 0)
        ret = -1;
    if (vbTestRun("schema: a wrong root is named before validation", testSchemaWrongRoot, NULL) < 0)
        ret = -1;
    if (vbTestRun("document over the size limit", testSizeLimit, NULL) < 0)
        ret = -1;
    if (vbTestRun("element nesting limit", testNestingLimit, NULL) < 0)
        ret = -1;
    if (vbTestRun("disk by target name and by path", testDiskByName, NULL) < 0)
        ret = -1;
    if (vbTestRun("copy keeps status data; inactive copy drops it", testCopy, NULL) < 0)
        ret = -1;
    if (vbTestRun("unknown parse flags", testParseFlags, NULL) < 0)
        ret = -1;
    if (vbTestRun("inactive parse ignores runtime data", testParseInactiveDropsRuntime, NULL) < 0)
        ret = -1;
    if (vbTestRun("parsing from several threads at once", testThreads, NULL) < 0)
        ret = -1;
    if (vbTestRun("post-parse of a definition built in code", testPostParseBuilt, NULL) < 0)
        ret = -1;
    if (vbTestRun("backing image without a format is not written", testFormatBackingWithoutFormat,
                  NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
