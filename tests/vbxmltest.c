/*
 * vbxmltest.c: the XML attribute readers give one result and one message
 * for each mistake; the writer escapes, indents and drops empty elements
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vbbuf.h"
#include "vbenum.h"
#include "vberror.h"
#include "vbxml.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

typedef enum {
    TEST_MODEL_DEFAULT = 0,
    TEST_MODEL_VIRTIO,
    TEST_MODEL_IDE,

    TEST_MODEL_LAST
} testModel;

VB_ENUM_DECL(testModel);
VB_ENUM_IMPL(testModel, TEST_MODEL_LAST, "default", "virtio", "ide");

typedef enum {
    TEST_READER_ENUM,
    TEST_READER_ENUM_UNSUPPORTED, /* vbXMLPropEnumFull with a conf-like report */
    TEST_READER_INT,
    TEST_READER_UINT,
    TEST_READER_ULONGLONG,
    TEST_READER_BOOL,
    TEST_READER_TRISTATE,
    TEST_READER_STRING,

    TEST_READER_LAST
} testReader;

typedef struct {
    testReader reader;
    const char *value; /* of attribute 'a' of <e>, as written in XML; NULL: absent */
    int base;
    vbXMLPropFlags flags;
    int rc;
    const char *result; /* the value read, printed; "untouched" when not set */
    const char *error;  /* exact message when rc is -1 */
} testPropData;

static void
testReportUnsupported(const xmlNode *node, const char *name, const char *value)
{
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  "value '%s' of attribute '%s' in element '<%s>' is not supported", value, name,
                  (const char *) node->name);
}

/* Runs the reader on a fresh document; *@printed is what it stored. */
static int
testPropRead(const testPropData *data, char **printed)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *xml = NULL;
    xmlNode *node;
    const unsigned int untouchedU = 4242;
    unsigned int u = untouchedU;
    int i = -4242;
    unsigned long long ull = 4242;
    bool b = false;
    bool bset = false;
    vbTristateBool t = VB_TRISTATE_BOOL_LAST;
    int rc = -2;

    if (data->value) {
        xml = g_strdup_printf("<e a='%s'/>", data->value);
    } else {
        xml = g_strdup("<e/>");
    }
    if (!(doc = vbXMLParseString(xml, "(test)", 1024)))
        return -2;
    node = xmlDocGetRootElement(doc);

    switch (data->reader) {
    case TEST_READER_ENUM:
        rc = vbXMLPropEnum(node, "a", testModelTypeFromString, data->flags, &u);
        break;
    case TEST_READER_ENUM_UNSUPPORTED:
        rc = vbXMLPropEnumFull(node, "a", testModelTypeFromString, data->flags,
                               testReportUnsupported, &u);
        break;
    case TEST_READER_INT:
        rc = vbXMLPropInt(node, "a", data->base, data->flags, &i);
        *printed = i == -4242 ? g_strdup("untouched") : g_strdup_printf("%d", i);
        return rc;
    case TEST_READER_UINT:
        rc = vbXMLPropUInt(node, "a", data->base, data->flags, &u);
        break;
    case TEST_READER_ULONGLONG:
        rc = vbXMLPropULongLong(node, "a", data->base, data->flags, &ull);
        *printed = ull == 4242 ? g_strdup("untouched") : g_strdup_printf("%llu", ull);
        return rc;
    case TEST_READER_BOOL:
        /* twice, from both starting values, to see what is stored */
        rc = vbXMLPropBool(node, "a", data->flags, &b);
        bset = true;
        if (vbXMLPropBool(node, "a", data->flags, &bset) != rc)
            return -2;
        if (b == bset)
            *printed = g_strdup(b ? "true" : "false");
        else
            *printed = g_strdup(b ? "mixed" : "untouched");
        return rc;
    case TEST_READER_STRING: {
        g_autofree char *str = g_strdup("untouched");

        rc = vbXMLPropStringFull(node, "a", data->flags, &str);
        *printed = g_steal_pointer(&str);
        return rc;
    }
    case TEST_READER_TRISTATE:
        rc = vbXMLPropTristateBool(node, "a", data->flags, &t);
        *printed = t == VB_TRISTATE_BOOL_LAST ? g_strdup("untouched")
                                              : g_strdup(vbTristateBoolTypeToString(t));
        return rc;
    case TEST_READER_LAST:
        return -2;
    }
    *printed = u == untouchedU ? g_strdup("untouched") : g_strdup_printf("%u", u);
    return rc;
}

static int
testProp(const void *opaque)
{
    const testPropData *data = opaque;
    g_autofree char *printed = NULL;
    int rc;

    vbResetLastError();
    rc = testPropRead(data, &printed);
    if (rc != data->rc) {
        fprintf(stderr, "returned %d, expected %d (%s)\n", rc, data->rc,
                NULLSTR(vbGetLastErrorMessage()));
        return -1;
    }
    if (vbTestCompareStrings(data->result, printed) < 0)
        return -1;
    if (rc < 0)
        return vbTestCompareStrings(data->error, vbGetLastErrorMessage());
    if (vbGetLastError()) {
        fprintf(stderr, "unexpected error: %s\n", vbGetLastErrorMessage());
        return -1;
    }
    return 0;
}

typedef struct {
    const char *input;
    const char *attr; /* vbBufferEscapeString */
    const char *text; /* vbBufferEscapeText */
} testEscapeData;

static int
testEscape(const void *opaque)
{
    const testEscapeData *data = opaque;
    g_auto(vbBuffer) attr = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) text = VB_BUFFER_INITIALIZER;
    g_autofree char *expectAttr = g_strdup_printf(" a='%s'", data->attr);
    g_autofree char *expectText = g_strdup_printf("<t>%s</t>\n", data->text);

    vbBufferEscapeString(&attr, " a='%s'", data->input);
    vbBufferEscapeText(&text, "<t>%s</t>\n", data->input);
    if (vbTestCompareStrings(expectAttr, vbBufferCurrentContent(&attr)) < 0 ||
        vbTestCompareStrings(expectText, vbBufferCurrentContent(&text)) < 0)
        return -1;
    return 0;
}

/* NULL writes nothing, so optional attributes need no test; nor does an
 * empty string through a bare "%s", which would indent an empty line. */
static int
testEscapeNothing(const void *opaque G_GNUC_UNUSED)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    g_autofree char *content = NULL;

    vbBufferAdjustIndent(&buf, 4);
    vbBufferEscapeString(&buf, " a='%s'", NULL);
    vbBufferEscapeText(&buf, "<t>%s</t>\n", NULL);
    vbBufferEscapeString(&buf, "%s", "");
    vbBufferAsprintf(&buf, "%s", "");
    vbBufferAdd(&buf, NULL, -1);
    vbBufferAdd(&buf, "", -1);
    if (vbBufferUse(&buf) != 0)
        return -1;
    content = vbBufferContentAndReset(&buf);
    if (vbTestCompareStrings("", content) < 0)
        return -1;
    /* the empty string is still an attribute */
    vbBufferEscapeString(&buf, " a='%s'", "");
    return vbTestCompareStrings("     a=''", vbBufferCurrentContent(&buf));
}

/* Indentation at the start of each call that starts a line, not after a
 * newline inside one: text content keeps its lines as they were. */
static int
testIndent(const void *opaque G_GNUC_UNUSED)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    g_autofree char *content = NULL;

    vbBufferAddLit(&buf, "<a>\n");
    vbBufferAdjustIndent(&buf, 2);
    vbBufferAddLit(&buf, "<b");
    vbBufferAsprintf(&buf, " n='%d'", 1);
    vbBufferAddLit(&buf, ">\n");
    vbBufferAdjustIndent(&buf, 2);
    vbBufferEscapeText(&buf, "<text>%s</text>\n", "line one\nline two");
    vbBufferAddChar(&buf, 'x');
    vbBufferAddChar(&buf, '\n');
    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "</b>\n");
    if (vbBufferGetIndent(&buf) != 2)
        return -1;
    vbBufferSetIndent(&buf, 0);
    vbBufferAddLit(&buf, "</a>\n");
    content = vbBufferContentAndReset(&buf);
    if (vbBufferUse(&buf) != 0 || vbBufferGetIndent(&buf) != 0)
        return -1;
    return vbTestCompareStrings("<a>\n"
                                "  <b n='1'>\n"
                                "    <text>line one\nline two</text>\n"
                                "    x\n"
                                "  </b>\n"
                                "</a>\n",
                                content);
}

/* One element with optional attributes and optional children. */
static void
testFormatDisk(vbBuffer *buf, const char *name, const char *format, const char *path)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);
    g_auto(vbBuffer) sourceAttrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) sourceChildBuf = VB_BUFFER_INIT_CHILD(&childBuf);

    vbBufferEscapeString(&attrBuf, " name='%s'", name);
    vbBufferEscapeString(&childBuf, "<driver type='%s'/>\n", format);
    vbBufferEscapeString(&sourceAttrBuf, " file='%s'", path);
    if (path)
        vbBufferAddLit(&sourceChildBuf, "<seclabel/>\n");
    vbXMLFormatElement(&childBuf, "source", &sourceAttrBuf, &sourceChildBuf);
    vbXMLFormatElement(buf, "disk", &attrBuf, &childBuf);
    /* both buffers were handed over */
    if (vbBufferUse(&attrBuf) || vbBufferUse(&childBuf))
        g_error("vbXMLFormatElement left its buffers filled");
}

/* The content of <doc>, written at the indentation @buf has now (a child
 * buffer takes its parent's indentation when it is declared). */
static void
testFormatDocContent(vbBuffer *buf)
{
    g_auto(vbBuffer) disks = VB_BUFFER_INIT_CHILD(buf);
    g_auto(vbBuffer) empty = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) emptyChild = VB_BUFFER_INIT_CHILD(buf);
    g_auto(vbBuffer) onlyChild = VB_BUFFER_INIT_CHILD(buf);

    /* nothing at all: the element disappears */
    vbXMLFormatElement(buf, "gone", &empty, &emptyChild);
    vbXMLFormatElement(buf, "gone", NULL, NULL);
    vbXMLFormatElement(buf, "gone", &empty, NULL);
    /* unless its presence is what it says */
    vbXMLFormatElementEmpty(buf, "backingStore", NULL, &emptyChild);

    testFormatDisk(&disks, "vda", "qcow2", "/a&b.qcow2");
    testFormatDisk(&disks, "vdb", NULL, NULL);
    testFormatDisk(&disks, NULL, NULL, NULL);
    testFormatDisk(&disks, NULL, "raw", NULL);
    vbXMLFormatElement(buf, "disks", NULL, &disks);

    /* children only */
    vbBufferAddLit(&onlyChild, "<c/>\n");
    vbXMLFormatElement(buf, "only", NULL, &onlyChild);
}

static int
testFormatElement(const void *opaque G_GNUC_UNUSED)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;

    vbBufferAddLit(&buf, "<doc>\n");
    vbBufferAdjustIndent(&buf, 2);
    testFormatDocContent(&buf);
    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "</doc>\n");

    return vbTestCompareStrings("<doc>\n"
                                "  <backingStore/>\n"
                                "  <disks>\n"
                                "    <disk name='vda'>\n"
                                "      <driver type='qcow2'/>\n"
                                "      <source file='/a&amp;b.qcow2'>\n"
                                "        <seclabel/>\n"
                                "      </source>\n"
                                "    </disk>\n"
                                "    <disk name='vdb'/>\n"
                                "    <disk>\n"
                                "      <driver type='raw'/>\n"
                                "    </disk>\n"
                                "  </disks>\n"
                                "  <only>\n"
                                "    <c/>\n"
                                "  </only>\n"
                                "</doc>\n",
                                vbBufferCurrentContent(&buf));
}

/* A buffer added to another is taken as it is and emptied. */
static int
testAddBuffer(const void *opaque G_GNUC_UNUSED)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) child = VB_BUFFER_INITIALIZER;
    g_autofree char *content = NULL;

    vbBufferAdjustIndent(&buf, 2);
    vbBufferAddLit(&child, "<x/>\n");
    vbBufferAddBuffer(&buf, &child);
    vbBufferAddBuffer(&buf, &child);
    vbBufferAddBuffer(&buf, NULL);
    if (vbBufferUse(&child) != 0)
        return -1;
    content = vbBufferContentAndReset(&buf);
    return vbTestCompareStrings("<x/>\n", content);
}

/* The units libvirt's sizes take, and some it does not. */
static int
testUnitScale(const void *opaque G_GNUC_UNUSED)
{
    static const struct {
        const char *unit;
        unsigned long long scale;
    } cases[] = {
        {"b", 1},
        {"bytes", 1},
        {"KiB", 1024},
        {"k", 1024},
        {"KB", 1000},
        {"MiB", 1024ULL * 1024},
        {"G", 1024ULL * 1024 * 1024},
        {"TB", 1000ULL * 1000 * 1000 * 1000},
        {"EiB", 1ULL << 60},
        {"", 0},
        {"Ki", 0},
        {"KiBs", 0},
        {"Z", 0},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (vbUnitScale(cases[i].unit) != cases[i].scale) {
            fprintf(stderr, "unit '%s': %llu, not %llu\n", cases[i].unit,
                    vbUnitScale(cases[i].unit), cases[i].scale);
            return -1;
        }
    }
    return 0;
}

#define MISSING "XML error: Missing required attribute 'a' in element 'e'"
#define INVALID(v) "XML error: Invalid value for attribute 'a' in element 'e': '" v "'"

/*
 * Documents that cost a parser more than their size: each is built by a
 * function of a count, parsed with vbXMLParseString, and must be refused
 * with exactly @error (NULL: accepted), VIR_ERR_XML_ERROR.  Refused ones
 * are refused by the linear scan before libxml2 reads them; the 100000
 * attributes once took libxml2 about 15 s of CPU.
 */
typedef struct {
    const char *name;
    char *(*build)(unsigned int count);
    unsigned int count;
    const char *error;
    bool own; /* vbXMLParseOwnString */
} testLimitData;

/* <e a0='' a1='' ...> with @count attributes */
static char *
testBuildAttributes(unsigned int count)
{
    GString *xml = g_string_new("<e");
    unsigned int i;

    for (i = 0; i < count; i++)
        g_string_append_printf(xml, " a%u=''", i);
    g_string_append(xml, "/>");
    return g_string_free(xml, false);
}

/* the root with @count elements nested below it */
static char *
testBuildDepth(unsigned int count)
{
    GString *xml = g_string_new("<root>");
    unsigned int i;

    for (i = 0; i < count; i++)
        g_string_append(xml, "<d>");
    for (i = 0; i < count; i++)
        g_string_append(xml, "</d>");
    g_string_append(xml, "</root>");
    return g_string_free(xml, false);
}

/* the root with @count - 1 elements nested below it and an empty one at
 * the bottom */
static char *
testBuildDepthEmpty(unsigned int count)
{
    GString *xml = g_string_new("<root>");
    unsigned int i;

    for (i = 1; i < count; i++)
        g_string_append(xml, "<d>");
    g_string_append(xml, "<e/>");
    for (i = 1; i < count; i++)
        g_string_append(xml, "</d>");
    g_string_append(xml, "</root>");
    return g_string_free(xml, false);
}

/* @count nodes: the root, elements and comments below it, and attributes */
static char *
testBuildNodes(unsigned int count)
{
    GString *xml = g_string_new("<root>\n");
    unsigned int i;

    for (i = 1; i + 2 <= count; i += 3)
        g_string_append(xml, "<n a=''/><!---->");
    for (; i < count; i++)
        g_string_append(xml, "<n/>");
    g_string_append(xml, "</root>");
    return g_string_free(xml, false);
}

/* @count namespace declarations, each on its own element */
static char *
testBuildNamespaces(unsigned int count)
{
    GString *xml = g_string_new("<root xmlns='urn:x'>");
    unsigned int i;

    for (i = 1; i < count; i++)
        g_string_append_printf(xml, "<p%u:e xmlns:p%u='urn:%u'/>", i, i, i);
    g_string_append(xml, "</root>");
    return g_string_free(xml, false);
}

/* a processing instruction libxml2 gives up on (no target), hiding an
 * element with @count attributes that libxml2 then reads as content */
static char *
testBuildHiddenInPI(unsigned int count)
{
    g_autofree char *inner = testBuildAttributes(count);

    return g_strdup_printf("<root><? %s ?></root>", inner);
}

/* the same in a comment that libxml2 ends early, at the '-->' inside a
 * quoted value */
static char *
testBuildHiddenInComment(unsigned int count)
{
    g_autofree char *inner = testBuildAttributes(count);

    return g_strdup_printf("<root><!-- <x v='-->' %s --></root>", inner);
}

/* a DOCTYPE without a name: libxml2 reports an error and reads on, with
 * no internalSubset callback to stop it */
static char *
testBuildDoctypeNoName(unsigned int count G_GNUC_UNUSED)
{
    return g_strdup("<!DOCTYPE [ <!ENTITY e 'x'> ]>\n<root>&e;</root>");
}

/* "billion laughs": @count levels of entities, each ten of the one below */
static char *
testBuildEntityBomb(unsigned int count)
{
    GString *xml = g_string_new("<?xml version='1.0'?>\n<!DOCTYPE root [\n<!ENTITY l0 'lol'>\n");
    unsigned int i;

    for (i = 1; i <= count; i++) {
        unsigned int j;

        g_string_append_printf(xml, "<!ENTITY l%u '", i);
        for (j = 0; j < 10; j++)
            g_string_append_printf(xml, "&l%u;", i - 1);
        g_string_append(xml, "'>\n");
    }
    g_string_append_printf(xml, "]>\n<root>&l%u;</root>", count);
    return g_string_free(xml, false);
}

/* a declaration outside any DOCTYPE */
static char *
testBuildEntityOutside(unsigned int count G_GNUC_UNUSED)
{
    return g_strdup("<root><!ENTITY e 'x'>&e;</root>");
}

/* what the scan must not count: markup-like text in comments, CDATA and
 * instructions, '>' and '=' in quoted values, and '=' in text */
static char *
testBuildLegitimate(unsigned int count)
{
    GString *xml = g_string_new("<?xml version='1.0' encoding='UTF-8'?>\n"
                                "<!-- <!DOCTYPE x> is refused; a < b -->\n"
                                "<root xmlns:m='urn:m' m:v=\"a>b\">\n"
                                "  <![CDATA[ <!ENTITY e 'x'> ]]>\n"
                                "  <?target data ?>\n"
                                "  <t>");
    unsigned int i;

    for (i = 0; i < count; i++)
        g_string_append(xml, "x=y ");
    g_string_append(xml, "</t>\n</root>\n");
    return g_string_free(xml, false);
}

/* the attributes in EBCDIC, which libxml2 finds from the first bytes:
 * no byte of its markup is ASCII's */
static char *
testBuildEbcdic(unsigned int count)
{
    g_autofree char *attrs = testBuildAttributes(count);
    g_autofree char *utf8 = g_strdup_printf("<?xml version='1.0' encoding='IBM037'?>%s", attrs);
    char *ebcdic = g_convert(utf8, -1, "IBM037", "UTF-8", NULL, NULL, NULL);

    g_assert(ebcdic);
    return ebcdic;
}

/* the attributes in UTF-7, named in the XML declaration: each '<' is
 * "+ADw-" */
static char *
testBuildUtf7(unsigned int count)
{
    g_autofree char *attrs = testBuildAttributes(count);
    g_autoptr(GString) xml = g_string_new(attrs);

    g_string_replace(xml, "<", "+ADw-", 0);
    g_string_prepend(xml, "<?xml version=\"1.0\" encoding = \"UTF-7\"?>");
    return g_string_free(g_steal_pointer(&xml), false);
}

/* what clients write: utf-8 in any case, Latin-1 with its own bytes */
static char *
testBuildAsciiEncodings(unsigned int count G_GNUC_UNUSED)
{
    return g_strdup("<?xml version='1.0' encoding='utf-8'?>"
                    "<root><?xml-stylesheet encoding='x'?>"
                    "<t>ISO-8859-1 and windows-1252 are read elsewhere</t></root>");
}

static char *
testBuildLatin1(unsigned int count G_GNUC_UNUSED)
{
    return g_strdup("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>"
                    "<root d='caf\xE9'/>");
}

static int
testLimit(const void *opaque)
{
    const testLimitData *data = opaque;
    g_autofree char *xml = data->build(data->count);
    g_autoptr(xmlDoc) doc = NULL;

    vbResetLastError();
    if (data->own)
        doc = vbXMLParseOwnString(xml, "(test)", 8 * 1024 * 1024);
    else
        doc = vbXMLParseString(xml, "(test)", 4 * 1024 * 1024);
    if (!data->error) {
        if (!doc) {
            fprintf(stderr, "refused: %s\n", vbGetLastErrorMessage());
            return -1;
        }
        return 0;
    }
    if (doc) {
        fprintf(stderr, "accepted, expected: %s\n", data->error);
        return -1;
    }
    if (vbGetLastErrorCode() != VIR_ERR_XML_ERROR) {
        fprintf(stderr, "error code %d, expected VIR_ERR_XML_ERROR\n", vbGetLastErrorCode());
        return -1;
    }
    return vbTestCompareStrings(data->error, vbGetLastErrorMessage());
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;
    static const vbXMLPropFlags REQ = VB_XML_PROP_REQUIRED;
    static const vbXMLPropFlags NZ = VB_XML_PROP_NONZERO;
    static const vbXMLPropFlags NONE = VB_XML_PROP_NONE;
    static const testPropData props[] = {
        /* string */
        {TEST_READER_STRING, "virtio", 0, NONE, 1, "virtio", NULL},
        {TEST_READER_STRING, "", 0, REQ, 1, "", NULL},
        {TEST_READER_STRING, NULL, 0, NONE, 0, "untouched", NULL},
        {TEST_READER_STRING, NULL, 0, REQ, -1, "untouched", MISSING},
        /* enum */
        {TEST_READER_ENUM, "virtio", 0, NONE, 1, "1", NULL},
        {TEST_READER_ENUM, "default", 0, NONE, 1, "0", NULL},
        {TEST_READER_ENUM, NULL, 0, NONE, 0, "untouched", NULL},
        {TEST_READER_ENUM, NULL, 0, REQ, -1, "untouched", MISSING},
        {TEST_READER_ENUM, "default", 0, NZ, -1, "untouched", INVALID("default")},
        {TEST_READER_ENUM, "ide", 0, REQ | NZ, 1, "2", NULL},
        {TEST_READER_ENUM, "scsi", 0, NONE, -1, "untouched", INVALID("scsi")},
        {TEST_READER_ENUM, "", 0, NONE, -1, "untouched", INVALID("")},
        {TEST_READER_ENUM, "Virtio", 0, NONE, -1, "untouched", INVALID("Virtio")},
        /* the invalid value is shown escaped, so a control character shows */
        {TEST_READER_ENUM, "a&#9;b", 0, NONE, -1, "untouched", INVALID("a\\tb")},
        {TEST_READER_ENUM_UNSUPPORTED, "scsi", 0, NONE, -1, "untouched",
         "unsupported configuration: value 'scsi' of attribute 'a' in element '<e>' is not "
         "supported"},
        {TEST_READER_ENUM_UNSUPPORTED, "default", 0, NZ, -1, "untouched",
         "unsupported configuration: value 'default' of attribute 'a' in element '<e>' is not "
         "supported"},
        /* missing stays the XML error whoever reports invalid values */
        {TEST_READER_ENUM_UNSUPPORTED, NULL, 0, REQ, -1, "untouched", MISSING},
        {TEST_READER_ENUM_UNSUPPORTED, "virtio", 0, REQ, 1, "1", NULL},

        /* unsigned int */
        {TEST_READER_UINT, "42", 10, NONE, 1, "42", NULL},
        {TEST_READER_UINT, "0", 10, NONE, 1, "0", NULL},
        {TEST_READER_UINT, "0", 10, NZ, -1, "untouched", INVALID("0")},
        {TEST_READER_UINT, "0x0", 0, NZ, -1, "untouched", INVALID("0x0")},
        {TEST_READER_UINT, NULL, 10, NONE, 0, "untouched", NULL},
        {TEST_READER_UINT, NULL, 10, REQ | NZ, -1, "untouched", MISSING},
        {TEST_READER_UINT, "4294967295", 10, NONE, 1, "4294967295", NULL},
        {TEST_READER_UINT, "4294967296", 10, NONE, -1, "untouched", INVALID("4294967296")},
        {TEST_READER_UINT, "-1", 10, NONE, -1, "untouched", INVALID("-1")},
        {TEST_READER_UINT, "+1", 10, NONE, -1, "untouched", INVALID("+1")},
        {TEST_READER_UINT, " 1", 10, NONE, -1, "untouched", INVALID(" 1")},
        {TEST_READER_UINT, "1 ", 10, NONE, -1, "untouched", INVALID("1 ")},
        {TEST_READER_UINT, "", 10, NONE, -1, "untouched", INVALID("")},
        {TEST_READER_UINT, "12abc", 10, NONE, -1, "untouched", INVALID("12abc")},
        {TEST_READER_UINT, "0x1f", 10, NONE, -1, "untouched", INVALID("0x1f")},
        /* base 0: 0x means hexadecimal, a leading 0 does not mean octal */
        {TEST_READER_UINT, "0x1f", 0, NONE, 1, "31", NULL},
        {TEST_READER_UINT, "010", 0, NONE, 1, "10", NULL},
        {TEST_READER_UINT, "0x", 0, NONE, -1, "untouched", INVALID("0x")},
        {TEST_READER_UINT, "0X1f", 0, NONE, -1, "untouched", INVALID("0X1f")},
        {TEST_READER_UINT, "0xffffffff", 0, NONE, 1, "4294967295", NULL},
        {TEST_READER_UINT, "0x100000000", 0, NONE, -1, "untouched", INVALID("0x100000000")},
        /* base 16: 0x optional */
        {TEST_READER_UINT, "1f", 16, NONE, 1, "31", NULL},
        {TEST_READER_UINT, "0x1f", 16, NONE, 1, "31", NULL},
        {TEST_READER_UINT, "0x-1", 16, NONE, -1, "untouched", INVALID("0x-1")},

        /* int */
        {TEST_READER_INT, "-5", 10, NONE, 1, "-5", NULL},
        {TEST_READER_INT, "-5", 10, VB_XML_PROP_NONNEGATIVE, -1, "untouched", INVALID("-5")},
        {TEST_READER_INT, "0", 10, VB_XML_PROP_NONNEGATIVE, 1, "0", NULL},
        {TEST_READER_INT, "-0", 10, VB_XML_PROP_NONNEGATIVE | NZ, -1, "untouched", INVALID("-0")},
        {TEST_READER_INT, "2147483647", 10, NONE, 1, "2147483647", NULL},
        {TEST_READER_INT, "-2147483648", 10, NONE, 1, "-2147483648", NULL},
        {TEST_READER_INT, "2147483648", 10, NONE, -1, "untouched", INVALID("2147483648")},
        {TEST_READER_INT, "-2147483649", 10, NONE, -1, "untouched", INVALID("-2147483649")},
        {TEST_READER_INT, "--1", 10, NONE, -1, "untouched", INVALID("--1")},
        {TEST_READER_INT, "-", 10, NONE, -1, "untouched", INVALID("-")},
        {TEST_READER_INT, "-0x10", 0, NONE, 1, "-16", NULL},
        {TEST_READER_INT, NULL, 10, REQ, -1, "untouched", MISSING},
        {TEST_READER_INT, NULL, 10, NONE, 0, "untouched", NULL},

        /* unsigned long long */
        {TEST_READER_ULONGLONG, "18446744073709551615", 10, NONE, 1, "18446744073709551615", NULL},
        {TEST_READER_ULONGLONG, "18446744073709551616", 10, NONE, -1, "untouched",
         INVALID("18446744073709551616")},
        {TEST_READER_ULONGLONG, "0", 10, NZ, -1, "untouched", INVALID("0")},
        {TEST_READER_ULONGLONG, "0x10000000000", 0, REQ, 1, "1099511627776", NULL},
        {TEST_READER_ULONGLONG, NULL, 10, REQ, -1, "untouched", MISSING},

        /* bool */
        {TEST_READER_BOOL, "yes", 0, NONE, 1, "true", NULL},
        {TEST_READER_BOOL, "no", 0, REQ, 1, "false", NULL},
        {TEST_READER_BOOL, NULL, 0, NONE, 0, "untouched", NULL},
        {TEST_READER_BOOL, NULL, 0, REQ, -1, "untouched", MISSING},
        {TEST_READER_BOOL, "default", 0, NONE, -1, "untouched", INVALID("default")},
        {TEST_READER_BOOL, "on", 0, NONE, -1, "untouched", INVALID("on")},
        {TEST_READER_BOOL, "YES", 0, NONE, -1, "untouched", INVALID("YES")},

        /* tristate: absent is stored as such */
        {TEST_READER_TRISTATE, "yes", 0, NONE, 1, "yes", NULL},
        {TEST_READER_TRISTATE, "no", 0, NONE, 1, "no", NULL},
        {TEST_READER_TRISTATE, NULL, 0, NONE, 0, "default", NULL},
        {TEST_READER_TRISTATE, NULL, 0, REQ, -1, "untouched", MISSING},
        {TEST_READER_TRISTATE, "default", 0, NONE, -1, "untouched", INVALID("default")},
        {TEST_READER_TRISTATE, "1", 0, NONE, -1, "untouched", INVALID("1")},
    };
    static const testEscapeData escapes[] = {
        {"plain /path/to-file.qcow2", "plain /path/to-file.qcow2", "plain /path/to-file.qcow2"},
        {"", "", ""},
        /* what the domain and snapshot goldens hold */
        {"kernel & libc", "kernel &amp; libc", "kernel &amp; libc"},
        {"/images/it's & \"odd\" <name>.raw",
         "/images/it&apos;s &amp; &quot;odd&quot; &lt;name&gt;.raw",
         "/images/it&apos;s &amp; &quot;odd&quot; &lt;name&gt;.raw"},
        /* white space a parser would change: CR always, tab and newline
         * in attributes */
        {"carriage\rreturn, tab\there", "carriage&#13;return, tab&#9;here",
         "carriage&#13;return, tab\there"},
        {"two\nlines\n", "two&#10;lines&#10;", "two\nlines\n"},
        /* XML 1.0 cannot carry the other controls: left out, as libvirt */
        {"a\x01"
         "b\x1f\x0b"
         "c\x0c",
         "abc", "abc"},
        /* DEL and UTF-8 are text */
        {"del\x7f caf\xc3\xa9", "del\x7f caf\xc3\xa9", "del\x7f caf\xc3\xa9"},
        {"%s %d %%", "%s %d %%", "%s %d %%"},
    };
    static const testLimitData limits[] = {
        {"100000 attributes", testBuildAttributes, 100000,
         "XML error: (test):1: element 'e' has more than the limit of 256 attributes"},
        {"257 attributes", testBuildAttributes, VB_XML_MAX_ATTRIBUTES + 1,
         "XML error: (test):1: element 'e' has more than the limit of 256 attributes"},
        {"256 attributes", testBuildAttributes, VB_XML_MAX_ATTRIBUTES, NULL},
        {"100000 levels", testBuildDepth, 100000,
         "XML error: (test):1: elements are nested more than the limit of 250 levels below the "
         "root"},
        {"251 levels", testBuildDepth, VB_XML_MAX_DEPTH + 1,
         "XML error: (test):1: elements are nested more than the limit of 250 levels below the "
         "root"},
        {"250 levels", testBuildDepth, VB_XML_MAX_DEPTH, NULL},
        {"251 levels, the last empty", testBuildDepthEmpty, VB_XML_MAX_DEPTH + 1,
         "XML error: (test):1: elements are nested more than the limit of 250 levels below the "
         "root"},
        {"250 levels, the last empty", testBuildDepthEmpty, VB_XML_MAX_DEPTH, NULL},
        {"600000 nodes", testBuildNodes, 600000,
         "XML error: (test):2: document has more than the limit of 200000 nodes (elements, "
         "attributes, comments)"},
        {"200001 nodes", testBuildNodes, VB_XML_MAX_NODES + 1,
         "XML error: (test):2: document has more than the limit of 200000 nodes (elements, "
         "attributes, comments)"},
        {"200000 nodes", testBuildNodes, VB_XML_MAX_NODES, NULL},
        {"257 namespaces", testBuildNamespaces, VB_XML_MAX_NAMESPACES + 1,
         "XML error: (test):1: document has more than the limit of 256 namespace declarations"},
        {"256 namespaces", testBuildNamespaces, VB_XML_MAX_NAMESPACES, NULL},
        {"attributes hidden in a broken instruction", testBuildHiddenInPI, 100000,
         "XML error: (test):1: element 'e' has more than the limit of 256 attributes"},
        {"attributes hidden after a comment's end", testBuildHiddenInComment, 100000,
         "XML error: (test):1: element 'e' has more than the limit of 256 attributes"},
        {"DOCTYPE without a name", testBuildDoctypeNoName, 0,
         "XML error: (test):1: document type declarations (DOCTYPE, entities) are not allowed"},
        {"entity expansion (billion laughs)", testBuildEntityBomb, 9,
         "XML error: (test):2: document type declarations (DOCTYPE, entities) are not allowed"},
        {"entity declared outside a DOCTYPE", testBuildEntityOutside, 0,
         "XML error: (test):1: document type declarations (DOCTYPE, entities) are not allowed"},
        {"markup-like text is not counted", testBuildLegitimate, 100000, NULL},
        {"attributes hidden in EBCDIC", testBuildEbcdic, 100000,
         "XML error: (test):1: document encoding 'EBCDIC' is not supported, use UTF-8"},
        {"attributes hidden in UTF-7", testBuildUtf7, 100000,
         "XML error: (test):1: document encoding 'UTF-7' is not supported, use UTF-8"},
        {"utf-8 declared", testBuildAsciiEncodings, 0, NULL},
        {"ISO-8859-1 declared after a BOM", testBuildLatin1, 0, NULL},
        /* the daemon's own files, with room for what it added */
        {"own file: 1024 attributes", testBuildAttributes, 4 * VB_XML_MAX_ATTRIBUTES, NULL, true},
        {"own file: 1025 attributes", testBuildAttributes, 4 * VB_XML_MAX_ATTRIBUTES + 1,
         "XML error: (test):1: element 'e' has more than the limit of 1024 attributes", true},
        {"own file: 256 levels", testBuildDepth, 256, NULL, true},
        {"own file: 257 levels, the last empty", testBuildDepthEmpty, 257,
         "XML error: (test):1: elements are nested more than the limit of 256 levels below the "
         "root",
         true},
        {"own file: 800000 nodes", testBuildNodes, 4 * VB_XML_MAX_NODES, NULL, true},
        {"own file: 1024 namespaces", testBuildNamespaces, 4 * VB_XML_MAX_NAMESPACES, NULL, true},
        {"own file: 100000 attributes", testBuildAttributes, 100000,
         "XML error: (test):1: element 'e' has more than the limit of 1024 attributes", true},
    };
    static const char *const readerNames[] = {
        [TEST_READER_ENUM] = "enum",
        [TEST_READER_ENUM_UNSUPPORTED] = "enum-unsupported",
        [TEST_READER_INT] = "int",
        [TEST_READER_UINT] = "uint",
        [TEST_READER_ULONGLONG] = "ulonglong",
        [TEST_READER_BOOL] = "bool",
        [TEST_READER_TRISTATE] = "tristate",
        [TEST_READER_STRING] = "string",
    };
    G_STATIC_ASSERT(G_N_ELEMENTS(readerNames) == TEST_READER_LAST);

    for (i = 0; i < G_N_ELEMENTS(props); i++) {
        g_autofree char *name =
            g_strdup_printf("%s '%s' base %d flags 0x%x", readerNames[props[i].reader],
                            NULLSTR(props[i].value), props[i].base, (unsigned int) props[i].flags);

        if (vbTestRun(name, testProp, &props[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(escapes); i++) {
        g_autofree char *escaped = g_strescape(escapes[i].input, NULL);
        g_autofree char *name = g_strdup_printf("escape '%s'", escaped);

        if (vbTestRun(name, testEscape, &escapes[i]) < 0)
            ret = -1;
    }

#define DO_TEST(name, func) \
    do { \
        if (vbTestRun(name, func, NULL) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("escaping NULL or empty writes nothing", testEscapeNothing);
    DO_TEST("indentation at the start of a line", testIndent);
    DO_TEST("elements written only when not empty", testFormatElement);
    DO_TEST("a buffer added to another", testAddBuffer);
    DO_TEST("units of sizes", testUnitScale);

    for (i = 0; i < G_N_ELEMENTS(limits); i++) {
        if (vbTestRun(limits[i].name, testLimit, &limits[i]) < 0)
            ret = -1;
    }

    return ret;
}

VB_TEST_MAIN(mymain)
