/*
 * vbjson.c: a JSON value tree (parsed and generated with yajl)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <math.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "vbjson.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

VB_ENUM_IMPL(vbJSONType, VB_JSON_TYPE_LAST, "null", "boolean", "number", "string", "object",
             "array");

struct _vbJSONValue {
    vbJSONType type;
    union {
        bool boolean;
        char *str; /* VB_JSON_TYPE_STRING, and the text of a VB_JSON_TYPE_NUMBER */
        GPtrArray *array;
        struct {
            GPtrArray *keys;   /* char * */
            GPtrArray *values; /* vbJSONValue *, same index as its key */
        } object;
    } data;
};

void
vbJSONValueFree(vbJSONValue *value)
{
    if (!value)
        return;

    switch (value->type) {
    case VB_JSON_TYPE_STRING:
    case VB_JSON_TYPE_NUMBER:
        g_free(value->data.str);
        break;
    case VB_JSON_TYPE_ARRAY:
        g_ptr_array_unref(value->data.array);
        break;
    case VB_JSON_TYPE_OBJECT:
        g_ptr_array_unref(value->data.object.keys);
        g_ptr_array_unref(value->data.object.values);
        break;
    case VB_JSON_TYPE_NULL:
    case VB_JSON_TYPE_BOOLEAN:
    case VB_JSON_TYPE_LAST:
        break;
    }
    g_free(value);
}

static void
vbJSONValueFreeFunc(gpointer value)
{
    vbJSONValueFree(value);
}

static vbJSONValue *
vbJSONValueNew(vbJSONType type)
{
    vbJSONValue *value = g_new0(vbJSONValue, 1);

    value->type = type;
    return value;
}

vbJSONValue *
vbJSONValueNewNull(void)
{
    return vbJSONValueNew(VB_JSON_TYPE_NULL);
}

vbJSONValue *
vbJSONValueNewBoolean(bool boolean)
{
    vbJSONValue *value = vbJSONValueNew(VB_JSON_TYPE_BOOLEAN);

    value->data.boolean = boolean;
    return value;
}

vbJSONValue *
vbJSONValueNewString(const char *str)
{
    vbJSONValue *value;

    g_return_val_if_fail(str != NULL, NULL);

    value = vbJSONValueNew(VB_JSON_TYPE_STRING);
    value->data.str = g_strdup(str);
    return value;
}

static vbJSONValue *
vbJSONValueNewNumberText(char *text)
{
    vbJSONValue *value = vbJSONValueNew(VB_JSON_TYPE_NUMBER);

    value->data.str = text;
    return value;
}

vbJSONValue *
vbJSONValueNewNumberLong(long long num)
{
    return vbJSONValueNewNumberText(g_strdup_printf("%lld", num));
}

vbJSONValue *
vbJSONValueNewNumberUlong(unsigned long long num)
{
    return vbJSONValueNewNumberText(g_strdup_printf("%llu", num));
}

vbJSONValue *
vbJSONValueNewNumberDouble(double num)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    /* JSON has no text for these */
    g_return_val_if_fail(isfinite(num), NULL);

    return vbJSONValueNewNumberText(g_strdup(g_ascii_dtostr(buf, sizeof(buf), num)));
}

vbJSONValue *
vbJSONValueNewObject(void)
{
    vbJSONValue *value = vbJSONValueNew(VB_JSON_TYPE_OBJECT);

    value->data.object.keys = g_ptr_array_new_with_free_func(g_free);
    value->data.object.values = g_ptr_array_new_with_free_func(vbJSONValueFreeFunc);
    return value;
}

vbJSONValue *
vbJSONValueNewArray(void)
{
    vbJSONValue *value = vbJSONValueNew(VB_JSON_TYPE_ARRAY);

    value->data.array = g_ptr_array_new_with_free_func(vbJSONValueFreeFunc);
    return value;
}

vbJSONValue *
vbJSONValueCopy(const vbJSONValue *value)
{
    vbJSONValue *copy = NULL;
    size_t i;

    if (!value)
        return NULL;

    switch (value->type) {
    case VB_JSON_TYPE_NULL:
        copy = vbJSONValueNewNull();
        break;
    case VB_JSON_TYPE_BOOLEAN:
        copy = vbJSONValueNewBoolean(value->data.boolean);
        break;
    case VB_JSON_TYPE_STRING:
        copy = vbJSONValueNewString(value->data.str);
        break;
    case VB_JSON_TYPE_NUMBER:
        copy = vbJSONValueNewNumberText(g_strdup(value->data.str));
        break;
    case VB_JSON_TYPE_ARRAY:
        copy = vbJSONValueNewArray();
        for (i = 0; i < value->data.array->len; i++)
            g_ptr_array_add(copy->data.array, vbJSONValueCopy(value->data.array->pdata[i]));
        break;
    case VB_JSON_TYPE_OBJECT:
        copy = vbJSONValueNewObject();
        for (i = 0; i < value->data.object.keys->len; i++) {
            g_ptr_array_add(copy->data.object.keys, g_strdup(value->data.object.keys->pdata[i]));
            g_ptr_array_add(copy->data.object.values,
                            vbJSONValueCopy(value->data.object.values->pdata[i]));
        }
        break;
    case VB_JSON_TYPE_LAST:
        g_return_val_if_reached(NULL);
    }
    return copy;
}

vbJSONType
vbJSONValueGetType(const vbJSONValue *value)
{
    if (!value)
        return VB_JSON_TYPE_LAST;
    return value->type;
}

bool
vbJSONValueIsNull(const vbJSONValue *value)
{
    return value && value->type == VB_JSON_TYPE_NULL;
}

const char *
vbJSONValueGetString(const vbJSONValue *value)
{
    if (!value || value->type != VB_JSON_TYPE_STRING)
        return NULL;
    return value->data.str;
}

int
vbJSONValueGetNumberLong(const vbJSONValue *value, long long *num)
{
    gint64 n;

    if (!value || value->type != VB_JSON_TYPE_NUMBER ||
        !g_ascii_string_to_signed(value->data.str, 10, G_MININT64, G_MAXINT64, &n, NULL))
        return -1;
    *num = n;
    return 0;
}

int
vbJSONValueGetNumberUlong(const vbJSONValue *value, unsigned long long *num)
{
    guint64 n;

    /* g_ascii_string_to_unsigned refuses a sign, so "-1" is no huge number */
    if (!value || value->type != VB_JSON_TYPE_NUMBER ||
        !g_ascii_string_to_unsigned(value->data.str, 10, 0, G_MAXUINT64, &n, NULL))
        return -1;
    *num = n;
    return 0;
}

int
vbJSONValueGetNumberDouble(const vbJSONValue *value, double *num)
{
    char *end = NULL;
    double d;

    if (!value || value->type != VB_JSON_TYPE_NUMBER)
        return -1;
    d = g_ascii_strtod(value->data.str, &end);
    if (!end || *end != '\0' || !isfinite(d))
        return -1;
    *num = d;
    return 0;
}

int
vbJSONValueGetBoolean(const vbJSONValue *value, bool *boolean)
{
    if (!value || value->type != VB_JSON_TYPE_BOOLEAN)
        return -1;
    *boolean = value->data.boolean;
    return 0;
}

size_t
vbJSONValueArraySize(const vbJSONValue *array)
{
    if (!array || array->type != VB_JSON_TYPE_ARRAY)
        return 0;
    return array->data.array->len;
}

vbJSONValue *
vbJSONValueArrayGet(const vbJSONValue *array, size_t idx)
{
    if (!array || array->type != VB_JSON_TYPE_ARRAY || idx >= array->data.array->len)
        return NULL;
    return array->data.array->pdata[idx];
}

int
vbJSONValueArrayAppend(vbJSONValue *array, vbJSONValue **value)
{
    g_return_val_if_fail(value && *value, -1);

    if (array->type != VB_JSON_TYPE_ARRAY) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("expecting a JSON array"));
        return -1;
    }
    g_ptr_array_add(array->data.array, g_steal_pointer(value));
    return 0;
}

int
vbJSONValueArrayAppendString(vbJSONValue *array, const char *str)
{
    g_autoptr(vbJSONValue) value = vbJSONValueNewString(str);

    return vbJSONValueArrayAppend(array, &value);
}

size_t
vbJSONValueObjectKeysNumber(const vbJSONValue *object)
{
    if (!object || object->type != VB_JSON_TYPE_OBJECT)
        return 0;
    return object->data.object.keys->len;
}

const char *
vbJSONValueObjectGetKey(const vbJSONValue *object, size_t idx)
{
    if (!object || object->type != VB_JSON_TYPE_OBJECT || idx >= object->data.object.keys->len)
        return NULL;
    return object->data.object.keys->pdata[idx];
}

vbJSONValue *
vbJSONValueObjectGetValue(const vbJSONValue *object, size_t idx)
{
    if (!object || object->type != VB_JSON_TYPE_OBJECT || idx >= object->data.object.values->len)
        return NULL;
    return object->data.object.values->pdata[idx];
}

static gssize
vbJSONValueObjectIndex(const vbJSONValue *object, const char *key)
{
    size_t i;

    if (!object || object->type != VB_JSON_TYPE_OBJECT)
        return -1;
    for (i = 0; i < object->data.object.keys->len; i++) {
        if (strcmp(object->data.object.keys->pdata[i], key) == 0)
            return i;
    }
    return -1;
}

bool
vbJSONValueObjectHasKey(const vbJSONValue *object, const char *key)
{
    return vbJSONValueObjectIndex(object, key) >= 0;
}

int
vbJSONValueObjectAppend(vbJSONValue *object, const char *key, vbJSONValue **value)
{
    g_return_val_if_fail(key && value && *value, -1);

    if (object->type != VB_JSON_TYPE_OBJECT) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("expecting a JSON object"));
        return -1;
    }
    if (vbJSONValueObjectIndex(object, key) >= 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("duplicate key '%s' in JSON object"), key);
        return -1;
    }
    g_ptr_array_add(object->data.object.keys, g_strdup(key));
    g_ptr_array_add(object->data.object.values, g_steal_pointer(value));
    return 0;
}

vbJSONValue *
vbJSONValueObjectStealValue(vbJSONValue *object, const char *key)
{
    gssize idx = vbJSONValueObjectIndex(object, key);
    vbJSONValue *value;

    if (idx < 0)
        return NULL;
    value = g_steal_pointer(&object->data.object.values->pdata[idx]);
    g_ptr_array_remove_index(object->data.object.keys, idx);
    g_ptr_array_remove_index(object->data.object.values, idx);
    return value;
}

vbJSONValue *
vbJSONValueObjectGet(const vbJSONValue *object, const char *key)
{
    gssize idx = vbJSONValueObjectIndex(object, key);

    if (idx < 0)
        return NULL;
    return object->data.object.values->pdata[idx];
}

const char *
vbJSONValueObjectGetString(const vbJSONValue *object, const char *key)
{
    return vbJSONValueGetString(vbJSONValueObjectGet(object, key));
}

int
vbJSONValueObjectGetNumberLong(const vbJSONValue *object, const char *key, long long *num)
{
    return vbJSONValueGetNumberLong(vbJSONValueObjectGet(object, key), num);
}

int
vbJSONValueObjectGetNumberUlong(const vbJSONValue *object, const char *key, unsigned long long *num)
{
    return vbJSONValueGetNumberUlong(vbJSONValueObjectGet(object, key), num);
}

int
vbJSONValueObjectGetNumberDouble(const vbJSONValue *object, const char *key, double *num)
{
    return vbJSONValueGetNumberDouble(vbJSONValueObjectGet(object, key), num);
}

int
vbJSONValueObjectGetBoolean(const vbJSONValue *object, const char *key, bool *boolean)
{
    return vbJSONValueGetBoolean(vbJSONValueObjectGet(object, key), boolean);
}

vbJSONValue *
vbJSONValueObjectGetObject(const vbJSONValue *object, const char *key)
{
    vbJSONValue *value = vbJSONValueObjectGet(object, key);

    if (!value || value->type != VB_JSON_TYPE_OBJECT)
        return NULL;
    return value;
}

vbJSONValue *
vbJSONValueObjectGetArray(const vbJSONValue *object, const char *key)
{
    vbJSONValue *value = vbJSONValueObjectGet(object, key);

    if (!value || value->type != VB_JSON_TYPE_ARRAY)
        return NULL;
    return value;
}

/* ------------------------------------------------------------------ */
/* The builder */

/* Takes the next value for @type off @args.  *@value is the member to add,
 * or stays NULL when the member is left out.  After a failure (@report
 * false) the value is only consumed, so that stolen arguments are freed. */
static int
vbJSONValueObjectAddOne(char type, const char *key, va_list *args, bool report, vbJSONValue **value)
{
    switch (type) {
    case 's':
    case 'S': {
        const char *str = va_arg(*args, const char *);

        if (!str) {
            if (type == 'S')
                return 0;
            if (report)
                vbReportError(VIR_ERR_INTERNAL_ERROR,
                              _("argument key '%s' must not have null value"), key);
            return -1;
        }
        *value = vbJSONValueNewString(str);
        return 0;
    }
    case 'b':
    case 'B': {
        int b = va_arg(*args, int);

        if (type == 'B' && !b)
            return 0;
        *value = vbJSONValueNewBoolean(b != 0);
        return 0;
    }
    case 'T': {
        int tristate = va_arg(*args, int);

        if (tristate < 0)
            return 0;
        *value = vbJSONValueNewBoolean(tristate > 0);
        return 0;
    }
    case 'i':
    case 'j': {
        int n = va_arg(*args, int);

        if (type == 'j' && n < 0) {
            if (report)
                vbReportError(VIR_ERR_INTERNAL_ERROR, _("argument key '%s' must not be negative"),
                              key);
            return -1;
        }
        *value = vbJSONValueNewNumberLong(n);
        return 0;
    }
    case 'u':
        *value = vbJSONValueNewNumberUlong(va_arg(*args, unsigned int));
        return 0;
    case 'I':
    case 'J': {
        long long n = va_arg(*args, long long);

        if (type == 'J' && n < 0) {
            if (report)
                vbReportError(VIR_ERR_INTERNAL_ERROR, _("argument key '%s' must not be negative"),
                              key);
            return -1;
        }
        *value = vbJSONValueNewNumberLong(n);
        return 0;
    }
    case 'U':
    case 'Y': {
        unsigned long long n = va_arg(*args, unsigned long long);

        if (type == 'Y' && n == 0)
            return 0;
        *value = vbJSONValueNewNumberUlong(n);
        return 0;
    }
    case 'd': {
        double d = va_arg(*args, double);

        if (!isfinite(d)) {
            if (report)
                vbReportError(VIR_ERR_INTERNAL_ERROR,
                              _("argument key '%s' must be a finite number"), key);
            return -1;
        }
        *value = vbJSONValueNewNumberDouble(d);
        return 0;
    }
    case 'n':
        *value = vbJSONValueNewNull();
        return 0;
    case 'a':
    case 'A':
    case 'o':
    case 'O': {
        vbJSONValue **ptr = va_arg(*args, vbJSONValue **);
        g_autoptr(vbJSONValue) v = ptr ? g_steal_pointer(ptr) : NULL;
        bool isArray = type == 'a' || type == 'A';
        vbJSONType want = isArray ? VB_JSON_TYPE_ARRAY : VB_JSON_TYPE_OBJECT;

        if (!v) {
            if (type == 'A' || type == 'O')
                return 0;
            if (report)
                vbReportError(VIR_ERR_INTERNAL_ERROR,
                              _("argument key '%s' must not have null value"), key);
            return -1;
        }
        if (v->type != want) {
            if (report) {
                if (isArray)
                    vbReportError(VIR_ERR_INTERNAL_ERROR, _("argument key '%s' must be an array"),
                                  key);
                else
                    vbReportError(VIR_ERR_INTERNAL_ERROR, _("argument key '%s' must be an object"),
                                  key);
            }
            return -1;
        }
        *value = g_steal_pointer(&v);
        return 0;
    }
    }

    /* Not reached for a valid type letter: checked by the caller. */
    return -1;
}

int
vbJSONValueObjectAddVArgs(vbJSONValue **object, va_list args)
{
    g_autoptr(vbJSONValue) created = NULL;
    vbJSONValue *target = *object;
    const char *spec;
    va_list ap;
    int ret = 0;

    if (!target)
        target = created = vbJSONValueNewObject();

    va_copy(ap, args);
    while ((spec = va_arg(ap, const char *))) {
        g_autoptr(vbJSONValue) value = NULL;
        const char *key;

        if (spec[0] == '\0' || !strchr("sSbBTijuIJUYdnaAoO", spec[0]) || spec[1] != ':' ||
            spec[2] == '\0') {
            /* The types of the remaining arguments are unknown: stop here. */
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("invalid key specification '%s' for the JSON object builder"), spec);
            ret = -1;
            break;
        }
        key = spec + 2;

        if (vbJSONValueObjectAddOne(spec[0], key, &ap, ret == 0, &value) < 0) {
            ret = -1;
            continue;
        }
        if (ret < 0 || !value)
            continue;
        if (vbJSONValueObjectAppend(target, key, &value) < 0)
            ret = -1;
    }
    va_end(ap);

    if (ret < 0)
        return -1;
    if (created)
        *object = g_steal_pointer(&created);
    return 0;
}

int
vbJSONValueObjectAdd(vbJSONValue **object, ...)
{
    va_list args;
    int ret;

    va_start(args, object);
    ret = vbJSONValueObjectAddVArgs(object, args);
    va_end(args);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Parsing */

typedef struct {
    vbJSONValue *root;
    GPtrArray *stack; /* open containers, innermost last (borrowed) */
    char *key;        /* the key waiting for its value in the innermost object */
    char *error;      /* set by a callback that stops the parser */
} vbJSONParser;

static int
vbJSONParserAdd(vbJSONParser *parser, vbJSONValue *value)
{
    g_autoptr(vbJSONValue) v = value;
    vbJSONValue *parent;

    if (parser->stack->len == 0) {
        parser->root = g_steal_pointer(&v);
        return 1;
    }

    parent = parser->stack->pdata[parser->stack->len - 1];
    if (parent->type == VB_JSON_TYPE_ARRAY) {
        g_ptr_array_add(parent->data.array, g_steal_pointer(&v));
        return 1;
    }

    if (vbJSONValueObjectIndex(parent, parser->key) >= 0) {
        parser->error = g_strdup_printf(_("duplicate key '%s' in JSON object"), parser->key);
        return 0;
    }
    g_ptr_array_add(parent->data.object.keys, g_steal_pointer(&parser->key));
    g_ptr_array_add(parent->data.object.values, g_steal_pointer(&v));
    return 1;
}

static int
vbJSONParserNull(void *ctx)
{
    return vbJSONParserAdd(ctx, vbJSONValueNewNull());
}

static int
vbJSONParserBoolean(void *ctx, int boolean)
{
    return vbJSONParserAdd(ctx, vbJSONValueNewBoolean(boolean));
}

static int
vbJSONParserNumber(void *ctx, const char *text, size_t len)
{
    return vbJSONParserAdd(ctx, vbJSONValueNewNumberText(g_strndup(text, len)));
}

static int
vbJSONParserString(void *ctx, const unsigned char *str, size_t len)
{
    vbJSONParser *parser = ctx;
    vbJSONValue *value;

    /* A C string would silently end at an escaped \u0000 */
    if (memchr(str, '\0', len)) {
        parser->error = g_strdup(_("JSON string contains a NUL character"));
        return 0;
    }
    value = vbJSONValueNew(VB_JSON_TYPE_STRING);
    value->data.str = g_strndup((const char *) str, len);
    return vbJSONParserAdd(parser, value);
}

static int
vbJSONParserOpen(vbJSONParser *parser, vbJSONValue *container)
{
    if (parser->stack->len >= VB_JSON_MAX_DEPTH) {
        vbJSONValueFree(container);
        parser->error =
            g_strdup_printf(_("JSON document is nested deeper than %d levels"), VB_JSON_MAX_DEPTH);
        return 0;
    }
    if (!vbJSONParserAdd(parser, container))
        return 0;
    g_ptr_array_add(parser->stack, container);
    return 1;
}

static int
vbJSONParserStartMap(void *ctx)
{
    return vbJSONParserOpen(ctx, vbJSONValueNewObject());
}

static int
vbJSONParserMapKey(void *ctx, const unsigned char *key, size_t len)
{
    vbJSONParser *parser = ctx;

    if (memchr(key, '\0', len)) {
        parser->error = g_strdup(_("JSON string contains a NUL character"));
        return 0;
    }
    g_free(parser->key);
    parser->key = g_strndup((const char *) key, len);
    return 1;
}

static int
vbJSONParserClose(void *ctx)
{
    vbJSONParser *parser = ctx;

    g_ptr_array_set_size(parser->stack, parser->stack->len - 1);
    return 1;
}

static int
vbJSONParserStartArray(void *ctx)
{
    return vbJSONParserOpen(ctx, vbJSONValueNewArray());
}

static const yajl_callbacks vbJSONParserCallbacks = {
    .yajl_null = vbJSONParserNull,
    .yajl_boolean = vbJSONParserBoolean,
    /* integer and double left NULL: yajl_number gets the exact text */
    .yajl_number = vbJSONParserNumber,
    .yajl_string = vbJSONParserString,
    .yajl_start_map = vbJSONParserStartMap,
    .yajl_map_key = vbJSONParserMapKey,
    .yajl_end_map = vbJSONParserClose,
    .yajl_start_array = vbJSONParserStartArray,
    .yajl_end_array = vbJSONParserClose,
};

vbJSONValue *
vbJSONValueFromString(const char *str)
{
    vbJSONParser parser = {0};
    yajl_handle hand;
    yajl_status status;
    size_t len = strlen(str);
    g_autoptr(vbJSONValue) root = NULL;
    g_autofree char *error = NULL;

    parser.stack = g_ptr_array_new();
    hand = yajl_alloc(&vbJSONParserCallbacks, NULL, &parser);

    status = yajl_parse(hand, (const unsigned char *) str, len);
    if (status == yajl_status_ok)
        status = yajl_complete_parse(hand);

    if (status != yajl_status_ok) {
        if (parser.error) {
            error = g_steal_pointer(&parser.error);
        } else {
            unsigned char *msg = yajl_get_error(hand, 0, (const unsigned char *) str, len);

            error = g_strstrip(g_strdup((const char *) msg));
            yajl_free_error(hand, msg);
            /* yajl ends some messages with a period, ours never do */
            if (g_str_has_suffix(error, "."))
                error[strlen(error) - 1] = '\0';
        }
    } else if (!parser.root) {
        error = g_strdup(_("no value"));
    }

    root = g_steal_pointer(&parser.root);
    yajl_free(hand);
    g_ptr_array_unref(parser.stack);
    g_free(parser.key);
    g_free(parser.error);

    if (error) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot parse JSON document: %s"), error);
        return NULL;
    }
    return g_steal_pointer(&root);
}

/* ------------------------------------------------------------------ */
/* Generating: by hand rather than with yajl_gen, whose pretty printer puts
 * a blank line into an empty object. */

static void
vbJSONEscapeString(GString *buf, const char *str)
{
    const char *p;

    g_string_append_c(buf, '"');
    for (p = str; *p; p++) {
        unsigned char c = *p;

        switch (c) {
        case '"':
            g_string_append(buf, "\\\"");
            break;
        case '\\':
            g_string_append(buf, "\\\\");
            break;
        case '\n':
            g_string_append(buf, "\\n");
            break;
        case '\r':
            g_string_append(buf, "\\r");
            break;
        case '\t':
            g_string_append(buf, "\\t");
            break;
        case '\b':
            g_string_append(buf, "\\b");
            break;
        case '\f':
            g_string_append(buf, "\\f");
            break;
        default:
            if (c < 0x20)
                g_string_append_printf(buf, "\\u%04x", c);
            else
                g_string_append_c(buf, c);
        }
    }
    g_string_append_c(buf, '"');
}

static void
vbJSONIndent(GString *buf, bool pretty, unsigned int level)
{
    if (!pretty)
        return;
    g_string_append_c(buf, '\n');
    for (; level > 0; level--)
        g_string_append(buf, "  ");
}

static int
vbJSONValueFormat(GString *buf, const vbJSONValue *value, bool pretty, unsigned int level)
{
    size_t i;

    switch (value->type) {
    case VB_JSON_TYPE_NULL:
        g_string_append(buf, "null");
        return 0;
    case VB_JSON_TYPE_BOOLEAN:
        g_string_append(buf, value->data.boolean ? "true" : "false");
        return 0;
    case VB_JSON_TYPE_NUMBER:
        g_string_append(buf, value->data.str);
        return 0;
    case VB_JSON_TYPE_STRING:
        if (!g_utf8_validate(value->data.str, -1, NULL))
            return -1;
        vbJSONEscapeString(buf, value->data.str);
        return 0;
    case VB_JSON_TYPE_ARRAY:
        g_string_append_c(buf, '[');
        for (i = 0; i < value->data.array->len; i++) {
            if (i > 0)
                g_string_append_c(buf, ',');
            vbJSONIndent(buf, pretty, level + 1);
            if (vbJSONValueFormat(buf, value->data.array->pdata[i], pretty, level + 1) < 0)
                return -1;
        }
        if (i > 0)
            vbJSONIndent(buf, pretty, level);
        g_string_append_c(buf, ']');
        return 0;
    case VB_JSON_TYPE_OBJECT:
        g_string_append_c(buf, '{');
        for (i = 0; i < value->data.object.keys->len; i++) {
            const char *key = value->data.object.keys->pdata[i];

            if (!g_utf8_validate(key, -1, NULL))
                return -1;
            if (i > 0)
                g_string_append_c(buf, ',');
            vbJSONIndent(buf, pretty, level + 1);
            vbJSONEscapeString(buf, key);
            g_string_append(buf, pretty ? ": " : ":");
            if (vbJSONValueFormat(buf, value->data.object.values->pdata[i], pretty, level + 1) < 0)
                return -1;
        }
        if (i > 0)
            vbJSONIndent(buf, pretty, level);
        g_string_append_c(buf, '}');
        return 0;
    case VB_JSON_TYPE_LAST:
        break;
    }
    return -1;
}

char *
vbJSONValueToString(const vbJSONValue *value, bool pretty)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    if (vbJSONValueFormat(buf, value, pretty, 0) < 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("cannot format JSON value: a string is not valid UTF-8"));
        return NULL;
    }
    if (pretty)
        g_string_append_c(buf, '\n');
    return g_string_free(g_steal_pointer(&buf), FALSE);
}
