/*
 * vbinternal.h: definitions every virtblockd source file needs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

/* GETTEXT_PACKAGE comes from config.h, which meson force-includes. */
#include <glib/gi18n-lib.h>

/* Marks a string for translation where it cannot be translated yet
 * (static tables); the user of the table calls _() on it. */
#ifndef N_
#    define N_(str) str
#endif

#define VB_UUID_BUFLEN 16
#define VB_UUID_STRING_BUFLEN 37
