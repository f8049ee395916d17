/*
 * vbuuid.c: domain UUIDs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include "vbinternal.h"
#include "vbuuid.h"

void
vbUUIDGenerate(unsigned char *uuid)
{
    size_t i;

    for (i = 0; i < VB_UUID_BUFLEN; i += 4) {
        guint32 r = g_random_int();
        memcpy(uuid + i, &r, 4);
    }
    uuid[6] = (uuid[6] & 0x0F) | 0x40;
    uuid[8] = (uuid[8] & 0x3F) | 0x80;
}

int
vbUUIDParse(const char *str, unsigned char *uuid)
{
    size_t i = 0;
    const char *p = str;

    if (!str)
        return -1;
    while (g_ascii_isspace(*p))
        p++;
    while (i < VB_UUID_BUFLEN) {
        int hi;
        int lo;

        if (*p == '-') {
            p++;
            continue;
        }
        if ((hi = g_ascii_xdigit_value(p[0])) < 0 || (lo = g_ascii_xdigit_value(p[1])) < 0)
            return -1;
        uuid[i++] = (hi << 4) | lo;
        p += 2;
    }
    while (g_ascii_isspace(*p))
        p++;
    return *p ? -1 : 0;
}

void
vbUUIDFormat(const unsigned char *uuid, char *str)
{
    snprintf(str, VB_UUID_STRING_BUFLEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", uuid[0],
             uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9],
             uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
}

bool
vbUUIDIsNull(const unsigned char *uuid)
{
    size_t i;

    for (i = 0; i < VB_UUID_BUFLEN; i++) {
        if (uuid[i])
            return false;
    }
    return true;
}
