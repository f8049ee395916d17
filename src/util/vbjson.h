/*
 * vbjson.h: a JSON value tree (parsed and generated with yajl)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Numbers keep the text they were parsed from (or were formatted into), so
 * a 64-bit offset from QEMU reads back exactly, signed or unsigned, and a
 * double is only made when asked for.  Objects keep their keys in the order
 * they were added: golden files and QEMU's debug log read like libvirt's.
 *
 * Ownership: a value added to an array or object belongs to it.  The
 * functions taking a "vbJSONValue **" steal the value and set the caller's
 * pointer to NULL, so a g_autoptr local can be handed over directly.
 *
 * Getters report nothing: they return NULL or -1 when the key is missing or
 * has another type, and the caller words the error (naming the QMP command
 * and the field).  Parsing, generating and the builder report their errors.
 */

#pragma once

#include <glib.h>
#include <stdarg.h>
#include <stdbool.h>

#include "vbenum.h"

typedef enum {
    VB_JSON_TYPE_NULL,
    VB_JSON_TYPE_BOOLEAN,
    VB_JSON_TYPE_NUMBER,
    VB_JSON_TYPE_STRING,
    VB_JSON_TYPE_OBJECT,
    VB_JSON_TYPE_ARRAY,

    VB_JSON_TYPE_LAST
} vbJSONType;

VB_ENUM_DECL(vbJSONType);

/* Nesting deeper than this is refused by the parser: QMP replies nest a few
 * levels, the QAPI schema about ten. */
#define VB_JSON_MAX_DEPTH 128

typedef struct _vbJSONValue vbJSONValue;

void vbJSONValueFree(vbJSONValue *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbJSONValue, vbJSONValueFree);

vbJSONValue *vbJSONValueNewNull(void);
vbJSONValue *vbJSONValueNewBoolean(bool boolean);
vbJSONValue *vbJSONValueNewString(const char *str);
vbJSONValue *vbJSONValueNewNumberLong(long long num);
vbJSONValue *vbJSONValueNewNumberUlong(unsigned long long num);
vbJSONValue *vbJSONValueNewNumberDouble(double num);
vbJSONValue *vbJSONValueNewObject(void);
vbJSONValue *vbJSONValueNewArray(void);

/* A deep copy. */
vbJSONValue *vbJSONValueCopy(const vbJSONValue *value);

/* VB_JSON_TYPE_LAST for NULL */
vbJSONType vbJSONValueGetType(const vbJSONValue *value);
bool vbJSONValueIsNull(const vbJSONValue *value);

/* Scalars: NULL / -1 when @value has another type (or, for numbers, does
 * not fit the requested C type exactly). */
const char *vbJSONValueGetString(const vbJSONValue *value);
int vbJSONValueGetNumberLong(const vbJSONValue *value, long long *num);
int vbJSONValueGetNumberUlong(const vbJSONValue *value, unsigned long long *num);
int vbJSONValueGetNumberDouble(const vbJSONValue *value, double *num);
int vbJSONValueGetBoolean(const vbJSONValue *value, bool *boolean);

/* Arrays */
size_t vbJSONValueArraySize(const vbJSONValue *array);
vbJSONValue *vbJSONValueArrayGet(const vbJSONValue *array, size_t idx);
/* Appends *@value (stolen).  -1 with an error if @array is no array. */
int vbJSONValueArrayAppend(vbJSONValue *array, vbJSONValue **value);
int vbJSONValueArrayAppendString(vbJSONValue *array, const char *str);

/* Objects: keys keep their insertion order. */
size_t vbJSONValueObjectKeysNumber(const vbJSONValue *object);
const char *vbJSONValueObjectGetKey(const vbJSONValue *object, size_t idx);
vbJSONValue *vbJSONValueObjectGetValue(const vbJSONValue *object, size_t idx);
bool vbJSONValueObjectHasKey(const vbJSONValue *object, const char *key);
/* Appends @key with *@value (stolen); a duplicate key is an internal error. */
int vbJSONValueObjectAppend(vbJSONValue *object, const char *key, vbJSONValue **value);
/* Removes @key and returns its value to the caller; NULL if absent. */
vbJSONValue *vbJSONValueObjectStealValue(vbJSONValue *object, const char *key);

/* Typed lookups by key: NULL / -1 when absent or of another type. */
vbJSONValue *vbJSONValueObjectGet(const vbJSONValue *object, const char *key);
const char *vbJSONValueObjectGetString(const vbJSONValue *object, const char *key);
int vbJSONValueObjectGetNumberLong(const vbJSONValue *object, const char *key, long long *num);
int vbJSONValueObjectGetNumberUlong(const vbJSONValue *object, const char *key,
                                    unsigned long long *num);
int vbJSONValueObjectGetNumberDouble(const vbJSONValue *object, const char *key, double *num);
int vbJSONValueObjectGetBoolean(const vbJSONValue *object, const char *key, bool *boolean);
vbJSONValue *vbJSONValueObjectGetObject(const vbJSONValue *object, const char *key);
vbJSONValue *vbJSONValueObjectGetArray(const vbJSONValue *object, const char *key);

/*
 * vbJSONValueObjectAdd: the one builder for outgoing objects.
 *
 * Appends members to *@object (created when *@object is NULL) from
 * "type:key", value pairs ending with NULL.  The type letter says what C
 * value follows and whether the member may be left out:
 *
 *   s  const char *          string, must not be NULL
 *   S  const char *          string, left out when NULL
 *   b  bool (as int)         boolean
 *   B  bool (as int)         boolean, left out when false
 *   T  int (tri-state)       boolean, left out when < 0, else false/true
 *   i  int                   number
 *   j  int                   number, must not be negative
 *   u  unsigned int          number
 *   I  long long             number
 *   J  long long             number, must not be negative
 *   U  unsigned long long    number
 *   Y  unsigned long long    number, left out when 0
 *   d  double                number
 *   n  (no value follows)    null
 *   a  vbJSONValue **        array, must not be NULL
 *   A  vbJSONValue **        array, left out when NULL
 *   o  vbJSONValue **        object, must not be NULL
 *   O  vbJSONValue **        object, left out when NULL
 *
 * The a/A/o/O values are stolen (the caller's pointer is set to NULL) even
 * when the call fails, so callers never free them on either path.
 * Returns 0, or -1 with an internal error naming the key.  On failure an
 * object the call created is freed (*@object is NULL again); a given one
 * may hold some of the members and is to be discarded.
 */
int vbJSONValueObjectAdd(vbJSONValue **object, ...) G_GNUC_NULL_TERMINATED;
int vbJSONValueObjectAddVArgs(vbJSONValue **object, va_list args);

/* Parses one JSON document; reports an internal error naming the problem. */
vbJSONValue *vbJSONValueFromString(const char *str);

/* Compact when !@pretty (one line, as sent to QEMU); pretty output
 * indents by two spaces and ends with a newline (golden files).
 * Reports an internal error for strings that are not valid UTF-8. */
char *vbJSONValueToString(const vbJSONValue *value, bool pretty);
