/*
 * vbtypedparam.h: a list of typed parameters, as libvirt's
 * virTypedParameter arrays (virTypedParamsAdd*)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The driver fills one (for example virDomainGetGuestInfo's keys) and the
 * RPC layer puts it on the wire; neither needs the other's types.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct {
    char *field;
    int type; /* virTypedParameterType */
    union {
        int i; /* INT, BOOLEAN */
        unsigned int ui;
        long long l;
        unsigned long long ul;
        char *s; /* STRING */
    } value;
} vbTypedParam;

typedef struct {
    vbTypedParam *params;
    size_t nparams;
} vbTypedParamList;

/* Each appends one parameter named by the printf format; the list owns
 * copies of the name and of a string value. */
void vbTypedParamListAddInt(vbTypedParamList *list, int value, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void vbTypedParamListAddUInt(vbTypedParamList *list, unsigned int value, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void vbTypedParamListAddULLong(vbTypedParamList *list, unsigned long long value, const char *fmt,
                               ...) G_GNUC_PRINTF(3, 4);
void vbTypedParamListAddBoolean(vbTypedParamList *list, bool value, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void vbTypedParamListAddString(vbTypedParamList *list, const char *value, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Frees the parameters; the list is empty afterwards. */
void vbTypedParamListClear(vbTypedParamList *list);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vbTypedParamList, vbTypedParamListClear);
