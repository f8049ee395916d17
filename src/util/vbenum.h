/*
 * vbenum.h: enums with a string table beside them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   typedef enum { VB_FOO_A, VB_FOO_B, VB_FOO_LAST } vbFoo;
 *   VB_ENUM_DECL(vbFoo);                              (header)
 *   VB_ENUM_IMPL(vbFoo, VB_FOO_LAST, "a", "b");        (source)
 *
 * The table must list exactly one string per value up to _LAST: a mismatch
 * fails to compile.  FromString returns -1 for an unknown string or NULL.
 */

#pragma once

#include <glib.h>

const char *vbEnumToString(const char *const *table, size_t ntable, int value);
int vbEnumFromString(const char *const *table, size_t ntable, const char *str);

#define VB_ENUM_DECL(name) \
    const char *name##TypeToString(int type); \
    int name##TypeFromString(const char *str)

#define VB_ENUM_IMPL(name, lastVal, ...) \
    static const char *const name##TypeList[] = {__VA_ARGS__}; \
    G_STATIC_ASSERT(G_N_ELEMENTS(name##TypeList) == (lastVal)); \
    const char *name##TypeToString(int type) \
    { \
        return vbEnumToString(name##TypeList, G_N_ELEMENTS(name##TypeList), type); \
    } \
    int name##TypeFromString(const char *str) \
    { \
        return vbEnumFromString(name##TypeList, G_N_ELEMENTS(name##TypeList), str); \
    }

/* libvirt's virTristateBool: an attribute that may say yes, no, or
 * nothing (then a default applies, which the writer must not invent). */
typedef enum {
    VB_TRISTATE_BOOL_ABSENT = 0,
    VB_TRISTATE_BOOL_YES,
    VB_TRISTATE_BOOL_NO,

    VB_TRISTATE_BOOL_LAST
} vbTristateBool;

VB_ENUM_DECL(vbTristateBool);

/* libvirt's virTristateSwitch: state='on' / 'off', or not said. */
typedef enum {
    VB_TRISTATE_SWITCH_ABSENT = 0,
    VB_TRISTATE_SWITCH_ON,
    VB_TRISTATE_SWITCH_OFF,

    VB_TRISTATE_SWITCH_LAST
} vbTristateSwitch;

VB_ENUM_DECL(vbTristateSwitch);
