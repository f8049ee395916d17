/*
 * xdrtest.c: the XDR codec produces rpcgen's bytes and refuses bad input
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vberror.h"
#include "vbxdr.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

static int
testCompareBytes(GByteArray *buf, const uint8_t *expect, size_t len)
{
    if (buf->len != len || memcmp(buf->data, expect, len) != 0) {
        if (vbTestDebug()) {
            size_t i;

            fprintf(stderr, "got %u bytes:", buf->len);
            for (i = 0; i < buf->len; i++)
                fprintf(stderr, " %02x", buf->data[i]);
            fprintf(stderr, "\n");
        }
        return -1;
    }
    return 0;
}

static int
testEncodeScalars(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    static const uint8_t expect[] = {
        0xff, 0xff, 0xff, 0xfe,                         /* int -2 */
        0x80, 0x00, 0x00, 0x00,                         /* uint 2^31 */
        0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, /* uhyper 2^30 */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* hyper -1 */
        0x00, 0x00, 0x00, 0x01,                         /* bool */
        0x00, 0x00, 0x00, 0x05,                         /* uchar: 4 bytes */
        0x00, 0x00, 0xff, 0xff,                         /* ushort: 4 bytes */
        0xff, 0xff, 0xff, 0xff,                         /* char -1: sign-extended */
    };

    vbXdrEncodeInt(buf, -2);
    vbXdrEncodeUInt(buf, 0x80000000U);
    vbXdrEncodeUHyper(buf, 1ULL << 30);
    vbXdrEncodeHyper(buf, -1);
    vbXdrEncodeBool(buf, true);
    vbXdrEncodeUChar(buf, 5);
    vbXdrEncodeUShort(buf, 0xffff);
    vbXdrEncodeChar(buf, -1);
    return testCompareBytes(buf, expect, sizeof(expect));
}

static int
testEncodeStrings(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    static const uint8_t uuid[16] = {0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33,
                                     0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55};
    static const uint8_t expect[] = {
        0x00, 0x00, 0x00, 0x03, 'v',  'm',  '1',  0x00, /* "vm1" */
        0x00, 0x00, 0x00, 0x00,                         /* "" */
        0x00, 0x00, 0x00, 0x04, 'a',  'b',  'c',  'd',  /* no pad at 4 */
        0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, /* fixed opaque[16] */
        0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
        0x00, 0x00, 0x00, 0x01, 0xaa, 0x00, 0x00, 0x00, /* opaque<>, 1 byte */
        0x00, 0x00, 0x00, 0x00,                         /* NULL pointer */
        0x00, 0x00, 0x00, 0x02,                         /* array count */
    };

    if (vbXdrEncodeString(buf, "vm1", 10) < 0 || vbXdrEncodeString(buf, "", 10) < 0 ||
        vbXdrEncodeString(buf, "abcd", 4) < 0)
        return -1;
    vbXdrEncodeFixedOpaque(buf, uuid, sizeof(uuid));
    if (vbXdrEncodeOpaque(buf, (const uint8_t *) "\xaa", 1, 1) < 0)
        return -1;
    vbXdrEncodeOptional(buf, false);
    if (vbXdrEncodeArrayCount(buf, 2, 2) < 0)
        return -1;
    return testCompareBytes(buf, expect, sizeof(expect));
}

static int
testEncodeLimits(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();

    if (vbXdrEncodeString(buf, "abcde", 4) != -1 || vbGetLastErrorCode() != VIR_ERR_RPC)
        return -1;
    if (vbXdrEncodeOpaque(buf, (const uint8_t *) "ab", 2, 1) != -1)
        return -1;
    if (vbXdrEncodeArrayCount(buf, 3, 2) != -1)
        return -1;
    /* nothing half-written */
    return buf->len == 0 ? 0 : -1;
}

static int
testDecodeRoundTrip(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autofree char *s1 = NULL;
    g_autofree char *s2 = NULL;
    g_autofree uint8_t *op = NULL;
    vbXdrDecoder dec;
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    bool b;
    uint8_t uc;
    uint16_t us;
    int8_t c;
    int16_t s;
    uint8_t fixed[5];
    size_t oplen;
    size_t count;

    vbXdrEncodeInt(buf, INT32_MIN);
    vbXdrEncodeUInt(buf, UINT32_MAX);
    vbXdrEncodeHyper(buf, INT64_MIN);
    vbXdrEncodeUHyper(buf, UINT64_MAX);
    vbXdrEncodeBool(buf, false);
    vbXdrEncodeUChar(buf, 200);
    vbXdrEncodeUShort(buf, 60000);
    vbXdrEncodeChar(buf, -100);
    vbXdrEncodeShort(buf, -30000);
    vbXdrEncodeFixedOpaque(buf, (const uint8_t *) "12345", 5);
    if (vbXdrEncodeString(buf, "qemu:///system", 100) < 0 || vbXdrEncodeString(buf, "", 0) < 0 ||
        vbXdrEncodeOpaque(buf, (const uint8_t *) "xyz", 3, 3) < 0 ||
        vbXdrEncodeArrayCount(buf, 1, 1) < 0)
        return -1;
    vbXdrEncodeOptional(buf, true);

    vbXdrDecoderInit(&dec, buf->data, buf->len);
    if (vbXdrDecodeInt(&dec, &i32) < 0 || i32 != INT32_MIN)
        return -1;
    if (vbXdrDecodeUInt(&dec, &u32) < 0 || u32 != UINT32_MAX)
        return -1;
    if (vbXdrDecodeHyper(&dec, &i64) < 0 || i64 != INT64_MIN)
        return -1;
    if (vbXdrDecodeUHyper(&dec, &u64) < 0 || u64 != UINT64_MAX)
        return -1;
    if (vbXdrDecodeBool(&dec, &b) < 0 || b)
        return -1;
    if (vbXdrDecodeUChar(&dec, &uc) < 0 || uc != 200)
        return -1;
    if (vbXdrDecodeUShort(&dec, &us) < 0 || us != 60000)
        return -1;
    if (vbXdrDecodeChar(&dec, &c) < 0 || c != -100)
        return -1;
    if (vbXdrDecodeShort(&dec, &s) < 0 || s != -30000)
        return -1;
    if (vbXdrDecodeFixedOpaque(&dec, fixed, 5) < 0 || memcmp(fixed, "12345", 5) != 0)
        return -1;
    if (vbXdrDecodeString(&dec, &s1, 100) < 0 || g_strcmp0(s1, "qemu:///system") != 0)
        return -1;
    if (vbXdrDecodeString(&dec, &s2, 0) < 0 || g_strcmp0(s2, "") != 0)
        return -1;
    if (vbXdrDecodeOpaque(&dec, &op, &oplen, 3) < 0 || oplen != 3 || memcmp(op, "xyz", 3) != 0)
        return -1;
    /* one element of at least 4 bytes fits in the 4 bytes left */
    if (vbXdrDecodeArrayCount(&dec, &count, 1, 4) < 0 || count != 1)
        return -1;
    if (vbXdrDecodeOptional(&dec, &b) < 0 || !b)
        return -1;
    return vbXdrDecoderFinish(&dec);
}

typedef enum {
    TEST_DECODE_INT,
    TEST_DECODE_HYPER,
    TEST_DECODE_BOOL,
    TEST_DECODE_UCHAR,
    TEST_DECODE_SHORT,
    TEST_DECODE_FIXED3,
    TEST_DECODE_STRING8,
    TEST_DECODE_OPAQUE8,
    TEST_DECODE_OPTIONAL,
    TEST_DECODE_ARRAY4,
    TEST_DECODE_FINISH,
} testDecodeKind;

typedef struct {
    const char *name;
    testDecodeKind kind;
    const char *hex;
} testBadInput;

static uint8_t *
testParseHex(const char *hex, size_t *len)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();

    while (*hex) {
        unsigned int byte;

        if (*hex == ' ') {
            hex++;
            continue;
        }
        if (sscanf(hex, "%2x", &byte) != 1)
            g_error("bad hex in test data: %s", hex);
        g_byte_array_append(buf, (guint8[]){(guint8) byte}, 1);
        hex += 2;
    }
    *len = buf->len;
    return g_byte_array_free(g_steal_pointer(&buf), FALSE);
}

static int
testDecodeBad(const void *opaque)
{
    const testBadInput *data = opaque;
    size_t len;
    g_autofree uint8_t *bytes = testParseHex(data->hex, &len);
    vbXdrDecoder dec;
    int rc = 0;

    vbXdrDecoderInit(&dec, bytes, len);
    switch (data->kind) {
    case TEST_DECODE_INT: {
        int32_t v;
        rc = vbXdrDecodeInt(&dec, &v);
        break;
    }
    case TEST_DECODE_HYPER: {
        uint64_t v;
        rc = vbXdrDecodeUHyper(&dec, &v);
        break;
    }
    case TEST_DECODE_BOOL: {
        bool v;
        rc = vbXdrDecodeBool(&dec, &v);
        break;
    }
    case TEST_DECODE_UCHAR: {
        uint8_t v;
        rc = vbXdrDecodeUChar(&dec, &v);
        break;
    }
    case TEST_DECODE_SHORT: {
        int16_t v;
        rc = vbXdrDecodeShort(&dec, &v);
        break;
    }
    case TEST_DECODE_FIXED3: {
        uint8_t v[3];
        rc = vbXdrDecodeFixedOpaque(&dec, v, 3);
        break;
    }
    case TEST_DECODE_STRING8: {
        g_autofree char *v = NULL;
        rc = vbXdrDecodeString(&dec, &v, 8);
        if (rc < 0 && v)
            return -1;
        break;
    }
    case TEST_DECODE_OPAQUE8: {
        g_autofree uint8_t *v = NULL;
        size_t n;
        rc = vbXdrDecodeOpaque(&dec, &v, &n, 8);
        if (rc < 0 && v)
            return -1;
        break;
    }
    case TEST_DECODE_OPTIONAL: {
        bool v;
        rc = vbXdrDecodeOptional(&dec, &v);
        break;
    }
    case TEST_DECODE_ARRAY4: {
        size_t n;
        rc = vbXdrDecodeArrayCount(&dec, &n, 4, 4);
        break;
    }
    case TEST_DECODE_FINISH: {
        int32_t v;
        if (vbXdrDecodeInt(&dec, &v) < 0)
            return -1;
        rc = vbXdrDecoderFinish(&dec);
        break;
    }
    }
    if (rc != -1)
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_RPC || vbGetLastError()->domain != VIR_FROM_RPC)
        return -1;
    if (vbTestDebug())
        fprintf(stderr, "     refused: %s\n", vbGetLastErrorMessage());
    return 0;
}

static const testBadInput testBadInputs[] = {
    {"int truncated", TEST_DECODE_INT, "000000"},
    {"int from nothing", TEST_DECODE_INT, ""},
    {"hyper truncated", TEST_DECODE_HYPER, "00000000 000000"},
    {"bool 2", TEST_DECODE_BOOL, "00000002"},
    {"uchar 256", TEST_DECODE_UCHAR, "00000100"},
    {"short 32768", TEST_DECODE_SHORT, "00008000"},
    {"short below min", TEST_DECODE_SHORT, "ffff7fff"},
    {"fixed opaque bad pad", TEST_DECODE_FIXED3, "61626301"},
    {"fixed opaque missing pad", TEST_DECODE_FIXED3, "616263"},
    {"string over max", TEST_DECODE_STRING8, "00000009 61616161 61616161 61000000"},
    {"string length huge", TEST_DECODE_STRING8, "ffffffff"},
    {"string truncated", TEST_DECODE_STRING8, "00000005 61616161"},
    {"string embedded NUL", TEST_DECODE_STRING8, "00000003 61006100"},
    {"string bad pad", TEST_DECODE_STRING8, "00000003 61616101"},
    {"opaque over max", TEST_DECODE_OPAQUE8, "00000009 61616161 61616161 61000000"},
    {"opaque bad pad", TEST_DECODE_OPAQUE8, "00000001 61000100"},
    {"optional discriminant 2", TEST_DECODE_OPTIONAL, "00000002"},
    {"optional discriminant -1", TEST_DECODE_OPTIONAL, "ffffffff"},
    {"array over max", TEST_DECODE_ARRAY4, "00000005"},
    {"array count beyond data", TEST_DECODE_ARRAY4, "00000003 00000000 00000000"},
    {"trailing bytes", TEST_DECODE_FINISH, "00000001 00000000"},
};

static int
mymain(void)
{
    int ret = 0;
    size_t i;

    if (vbTestRun("encode scalars", testEncodeScalars, NULL) < 0)
        ret = -1;
    if (vbTestRun("encode strings and opaque", testEncodeStrings, NULL) < 0)
        ret = -1;
    if (vbTestRun("encoder refuses over-limit data", testEncodeLimits, NULL) < 0)
        ret = -1;
    if (vbTestRun("decode what was encoded", testDecodeRoundTrip, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(testBadInputs); i++) {
        g_autofree char *name = g_strdup_printf("refuse %s", testBadInputs[i].name);

        if (vbTestRun(name, testDecodeBad, &testBadInputs[i]) < 0)
            ret = -1;
    }
    return ret;
}

VB_TEST_MAIN(mymain)
