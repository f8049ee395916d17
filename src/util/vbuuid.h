/*
 * vbuuid.h: domain UUIDs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdbool.h>

/* Random version 4 UUID. */
void vbUUIDGenerate(unsigned char *uuid);
/* Accepts the canonical 8-4-4-4-12 form (and libvirt's tolerance of
 * missing dashes); returns -1 on anything else, reporting nothing. */
int vbUUIDParse(const char *str, unsigned char *uuid);
/* @str must hold VB_UUID_STRING_BUFLEN bytes. */
void vbUUIDFormat(const unsigned char *uuid, char *str);
bool vbUUIDIsNull(const unsigned char *uuid);
