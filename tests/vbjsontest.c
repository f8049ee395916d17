/*
 * vbjsontest.c: the JSON tree parses, builds and prints what QMP needs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vberror.h"
#include "vbjson.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

typedef struct {
    const char *input;
    const char *output; /* compact form expected back; NULL: same as input */
} testRoundTripData;

static int
testRoundTrip(const void *opaque)
{
    const testRoundTripData *data = opaque;
    g_autoptr(vbJSONValue) value = vbJSONValueFromString(data->input);
    g_autofree char *out = NULL;

    if (!value)
        return -1;
    if (!(out = vbJSONValueToString(value, false)))
        return -1;
    return vbTestCompareStrings(data->output ? data->output : data->input, out);
}

typedef struct {
    const char *input;
    const char *error;
} testParseErrorData;

static int
testParseError(const void *opaque)
{
    const testParseErrorData *data = opaque;
    g_autoptr(vbJSONValue) value = vbJSONValueFromString(data->input);

    if (value) {
        fprintf(stderr, "'%s' parsed but must not\n", data->input);
        return -1;
    }
    if (vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        return -1;
    return vbTestCompareStrings(data->error, vbGetLastErrorMessage());
}

static int
testNumbers(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) v = vbJSONValueFromString(
        "{\"big\":18446744073709551615,\"neg\":-9223372036854775808,\"d\":1.5,\"i\":42}");
    unsigned long long ull = 0;
    long long ll = 0;
    double d = 0;

    if (!v)
        return -1;
    if (vbJSONValueObjectGetNumberUlong(v, "big", &ull) < 0 || ull != G_MAXUINT64)
        return -1;
    /* does not fit: reported as a missing number, not wrapped */
    if (vbJSONValueObjectGetNumberLong(v, "big", &ll) == 0)
        return -1;
    if (vbJSONValueObjectGetNumberLong(v, "neg", &ll) < 0 || ll != G_MININT64)
        return -1;
    if (vbJSONValueObjectGetNumberUlong(v, "neg", &ull) == 0)
        return -1;
    if (vbJSONValueObjectGetNumberDouble(v, "d", &d) < 0 || d != 1.5)
        return -1;
    if (vbJSONValueObjectGetNumberLong(v, "d", &ll) == 0)
        return -1;
    if (vbJSONValueObjectGetNumberLong(v, "i", &ll) < 0 || ll != 42)
        return -1;
    if (vbJSONValueObjectGetNumberLong(v, "missing", &ll) == 0)
        return -1;
    return 0;
}

static int
testGetters(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) v = vbJSONValueFromString(
        "{\"s\":\"x\",\"b\":true,\"o\":{\"k\":null},\"a\":[1,\"two\"],\"n\":null}");
    bool b = false;
    vbJSONValue *a;

    if (!v)
        return -1;
    if (g_strcmp0(vbJSONValueObjectGetString(v, "s"), "x") != 0)
        return -1;
    /* wrong types give NULL / -1 without an error */
    vbResetLastError();
    if (vbJSONValueObjectGetString(v, "b") || vbJSONValueObjectGetObject(v, "a") ||
        vbJSONValueObjectGetArray(v, "o") || vbJSONValueObjectGetBoolean(v, "s", &b) == 0)
        return -1;
    if (vbGetLastError())
        return -1;
    if (vbJSONValueObjectGetBoolean(v, "b", &b) < 0 || !b)
        return -1;
    if (!vbJSONValueIsNull(vbJSONValueObjectGet(vbJSONValueObjectGetObject(v, "o"), "k")))
        return -1;
    if (!(a = vbJSONValueObjectGetArray(v, "a")) || vbJSONValueArraySize(a) != 2)
        return -1;
    if (g_strcmp0(vbJSONValueGetString(vbJSONValueArrayGet(a, 1)), "two") != 0 ||
        vbJSONValueArrayGet(a, 2))
        return -1;
    if (vbJSONValueObjectKeysNumber(v) != 5 || g_strcmp0(vbJSONValueObjectGetKey(v, 3), "a") != 0)
        return -1;
    return 0;
}

static int
testSteal(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) v = vbJSONValueFromString("{\"a\":1,\"data\":{\"x\":2},\"c\":3}");
    g_autoptr(vbJSONValue) data = NULL;
    g_autofree char *out = NULL;

    if (!v || !(data = vbJSONValueObjectStealValue(v, "data")))
        return -1;
    if (vbJSONValueObjectStealValue(v, "data"))
        return -1;
    out = vbJSONValueToString(v, false);
    return vbTestCompareStrings("{\"a\":1,\"c\":3}", out);
}

static int
testBuilder(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) obj = NULL;
    g_autoptr(vbJSONValue) arr = vbJSONValueNewArray();
    g_autoptr(vbJSONValue) sub = NULL;
    g_autoptr(vbJSONValue) absent = NULL;
    g_autofree char *out = NULL;

    if (vbJSONValueArrayAppendString(arr, "x") < 0)
        return -1;
    if (vbJSONValueObjectAdd(&sub, "s:k", "v", NULL) < 0)
        return -1;

    if (vbJSONValueObjectAdd(&obj, "s:device", "top", "S:absent", NULL, "S:present", "p", "b:false",
                             false, "B:omitted", false, "B:kept", true, "T:tri-absent", -1,
                             "T:tri-false", 0, "T:tri-true", 1, "i:int", -3, "j:nonneg", 0,
                             "u:uint", 4000000000U, "I:ll", -5LL, "J:nonneg-ll", 7LL, "U:ull",
                             18446744073709551615ULL, "Y:speed", 0ULL, "Y:speed2", 1ULL, "d:dbl",
                             0.25, "n:null", "a:arr", &arr, "A:noarr", &absent, "o:obj", &sub,
                             "O:noobj", &absent, NULL) < 0)
        return -1;
    /* the builder owns what it was given */
    if (arr || sub)
        return -1;
    out = vbJSONValueToString(obj, false);
    return vbTestCompareStrings(
        "{\"device\":\"top\",\"present\":\"p\",\"false\":false,\"kept\":true,"
        "\"tri-false\":false,\"tri-true\":true,\"int\":-3,\"nonneg\":0,\"uint\":4000000000,"
        "\"ll\":-5,\"nonneg-ll\":7,\"ull\":18446744073709551615,\"speed2\":1,\"dbl\":0.25,"
        "\"null\":null,\"arr\":[\"x\"],\"obj\":{\"k\":\"v\"}}",
        out);
}

static int
testBuilderNegative(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) obj = NULL;
    g_autoptr(vbJSONValue) arr = vbJSONValueNewArray();

    /* the array comes after the failing key and is consumed all the same */
    if (vbJSONValueObjectAdd(&obj, "s:a", "x", "J:speed", -1LL, "a:list", &arr, NULL) == 0)
        return -1;
    if (obj || arr)
        return -1;
    return vbTestCompareStrings("internal error: argument key 'speed' must not be negative",
                                vbGetLastErrorMessage());
}

static int
testBuilderNull(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) obj = NULL;

    if (vbJSONValueObjectAdd(&obj, "s:device", NULL, NULL) == 0 || obj)
        return -1;
    return vbTestCompareStrings("internal error: argument key 'device' must not have null value",
                                vbGetLastErrorMessage());
}

static int
testBuilderWrongType(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) obj = NULL;
    g_autoptr(vbJSONValue) notArray = vbJSONValueNewObject();

    if (vbJSONValueObjectAdd(&obj, "a:actions", &notArray, NULL) == 0 || obj || notArray)
        return -1;
    return vbTestCompareStrings("internal error: argument key 'actions' must be an array",
                                vbGetLastErrorMessage());
}

static int
testBuilderDuplicate(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) obj = NULL;

    if (vbJSONValueObjectAdd(&obj, "s:a", "x", "s:a", "y", NULL) == 0 || obj)
        return -1;
    return vbTestCompareStrings("internal error: duplicate key 'a' in JSON object",
                                vbGetLastErrorMessage());
}

static int
testBuilderBadSpec(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) obj = NULL;

    if (vbJSONValueObjectAdd(&obj, "x:a", "x", NULL) == 0 || obj)
        return -1;
    return vbTestCompareStrings(
        "internal error: invalid key specification 'x:a' for the JSON object builder",
        vbGetLastErrorMessage());
}

static int
testBuilderAppends(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) obj = vbJSONValueFromString("{\"first\":1}");
    g_autofree char *out = NULL;

    if (!obj || vbJSONValueObjectAdd(&obj, "s:second", "2", NULL) < 0)
        return -1;
    out = vbJSONValueToString(obj, false);
    return vbTestCompareStrings("{\"first\":1,\"second\":\"2\"}", out);
}

static int
testPretty(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) v = vbJSONValueFromString(
        "{\"execute\":\"x\",\"arguments\":{\"a\":[1,{\"b\":null}],\"c\":{}}}");
    g_autoptr(vbJSONValue) s = vbJSONValueNewString("scalar");
    g_autofree char *out = NULL;
    g_autofree char *outScalar = NULL;

    if (!v || !(out = vbJSONValueToString(v, true)))
        return -1;
    if (vbTestCompareStrings("{\n"
                             "  \"execute\": \"x\",\n"
                             "  \"arguments\": {\n"
                             "    \"a\": [\n"
                             "      1,\n"
                             "      {\n"
                             "        \"b\": null\n"
                             "      }\n"
                             "    ],\n"
                             "    \"c\": {}\n"
                             "  }\n"
                             "}\n",
                             out) < 0)
        return -1;
    outScalar = vbJSONValueToString(s, true);
    return vbTestCompareStrings("\"scalar\"\n", outScalar);
}

static int
testCopy(const void *opaque G_GNUC_UNUSED)
{
    const char *doc = "{\"a\":[1,2.5,\"x\",true,null,{\"b\":{}}],\"c\":-1}";
    g_autoptr(vbJSONValue) v = vbJSONValueFromString(doc);
    g_autoptr(vbJSONValue) copy = vbJSONValueCopy(v);
    g_autofree char *out = NULL;

    /* the copy must not share anything with the original */
    g_clear_pointer(&v, vbJSONValueFree);
    out = vbJSONValueToString(copy, false);
    return vbTestCompareStrings(doc, out);
}

static int
testInvalidUTF8(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) v = vbJSONValueNewString("bad \xff byte");
    g_autofree char *out = vbJSONValueToString(v, false);

    if (out)
        return -1;
    return vbTestCompareStrings(
        "internal error: cannot format JSON value: a string is not valid UTF-8",
        vbGetLastErrorMessage());
}

static int
testDepth(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GString) ok = g_string_new(NULL);
    g_autoptr(GString) deep = g_string_new(NULL);
    g_autoptr(vbJSONValue) v = NULL;
    size_t i;

    for (i = 0; i < VB_JSON_MAX_DEPTH; i++)
        g_string_append_c(ok, '[');
    for (i = 0; i < VB_JSON_MAX_DEPTH; i++)
        g_string_append_c(ok, ']');
    if (!(v = vbJSONValueFromString(ok->str)))
        return -1;

    for (i = 0; i < VB_JSON_MAX_DEPTH + 1; i++)
        g_string_append_c(deep, '[');
    for (i = 0; i < VB_JSON_MAX_DEPTH + 1; i++)
        g_string_append_c(deep, ']');
    g_clear_pointer(&v, vbJSONValueFree);
    if ((v = vbJSONValueFromString(deep->str)))
        return -1;
    return vbTestCompareStrings(
        "internal error: cannot parse JSON document: JSON document is nested deeper than 128 "
        "levels",
        vbGetLastErrorMessage());
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;
    static const testRoundTripData roundTrips[] = {
        {"{\"return\":{}}", NULL},
        {"{\"QMP\":{\"version\":{\"qemu\":{\"micro\":22,\"minor\":2,\"major\":7}}}}", NULL},
        {"[1,-2,3.25,1e3,18446744073709551615,true,false,null,\"s\"]", NULL},
        {"  { \"a\" : [ ] , \"b\" : { } }  ", "{\"a\":[],\"b\":{}}"},
        {"\"esc \\\" \\\\ \\n \\u00e9\"", "\"esc \\\" \\\\ \\n \xc3\xa9\""},
        {"null", NULL},
    };
    static const testParseErrorData parseErrors[] = {
        {"", "internal error: cannot parse JSON document: parse error: premature EOF"},
        {"{\"a\":1,\"a\":2}", "internal error: cannot parse JSON document: duplicate key 'a' in "
                              "JSON object"},
        {"\"a\\u0000b\"",
         "internal error: cannot parse JSON document: JSON string contains a NUL character"},
        {"{\"a\":1}{}", "internal error: cannot parse JSON document: parse error: trailing "
                        "garbage"},
        {"{\"a\":", "internal error: cannot parse JSON document: parse error: premature EOF"},
        {"{a:1}", "internal error: cannot parse JSON document: lexical error: invalid char in json "
                  "text"},
    };

    for (i = 0; i < G_N_ELEMENTS(roundTrips); i++) {
        g_autofree char *name = g_strdup_printf("round trip %s", roundTrips[i].input);

        if (vbTestRun(name, testRoundTrip, &roundTrips[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(parseErrors); i++) {
        g_autofree char *name = g_strdup_printf("parse error %s", parseErrors[i].input);

        if (vbTestRun(name, testParseError, &parseErrors[i]) < 0)
            ret = -1;
    }

#define DO_TEST(name, func) \
    do { \
        if (vbTestRun(name, func, NULL) < 0) \
            ret = -1; \
    } while (0)

    DO_TEST("numbers stay exact", testNumbers);
    DO_TEST("typed getters", testGetters);
    DO_TEST("steal a member", testSteal);
    DO_TEST("builder key types", testBuilder);
    DO_TEST("builder negative for non-negative key", testBuilderNegative);
    DO_TEST("builder null for required string", testBuilderNull);
    DO_TEST("builder array of the wrong type", testBuilderWrongType);
    DO_TEST("builder duplicate key", testBuilderDuplicate);
    DO_TEST("builder bad key specification", testBuilderBadSpec);
    DO_TEST("builder appends to an object", testBuilderAppends);
    DO_TEST("pretty output", testPretty);
    DO_TEST("deep copy", testCopy);
    DO_TEST("invalid UTF-8 refused", testInvalidUTF8);
    DO_TEST("depth limit", testDepth);

    return ret;
}

VB_TEST_MAIN(mymain)
