/*
 * vbenum.c: enums with a string table beside them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbenum.h"

const char *
vbEnumToString(const char *const *table, size_t ntable, int value)
{
    if (value < 0 || (size_t) value >= ntable)
        return NULL;
    return table[value];
}

int
vbEnumFromString(const char *const *table, size_t ntable, const char *str)
{
    size_t i;

    if (!str)
        return -1;
    for (i = 0; i < ntable; i++) {
        if (table[i] && strcmp(table[i], str) == 0)
            return i;
    }
    return -1;
}

VB_ENUM_IMPL(vbTristateBool, VB_TRISTATE_BOOL_LAST, "default", "yes", "no");
VB_ENUM_IMPL(vbTristateSwitch, VB_TRISTATE_SWITCH_LAST, "default", "on", "off");
