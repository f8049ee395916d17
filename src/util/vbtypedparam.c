/*
 * vbtypedparam.c: a list of typed parameters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdarg.h>
#include <string.h>
#include <libvirt/libvirt.h>

#include "vbtypedparam.h"

static vbTypedParam *vbTypedParamListAppend(vbTypedParamList *list, int type, const char *fmt,
                                            va_list ap) G_GNUC_PRINTF(3, 0);

static vbTypedParam *
vbTypedParamListAppend(vbTypedParamList *list, int type, const char *fmt, va_list ap)
{
    vbTypedParam *param;

    list->params = g_renew(vbTypedParam, list->params, list->nparams + 1);
    param = &list->params[list->nparams++];
    memset(param, 0, sizeof(*param));
    param->field = g_strdup_vprintf(fmt, ap);
    param->type = type;
    return param;
}

void
vbTypedParamListAddInt(vbTypedParamList *list, int value, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vbTypedParamListAppend(list, VIR_TYPED_PARAM_INT, fmt, ap)->value.i = value;
    va_end(ap);
}

void
vbTypedParamListAddUInt(vbTypedParamList *list, unsigned int value, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vbTypedParamListAppend(list, VIR_TYPED_PARAM_UINT, fmt, ap)->value.ui = value;
    va_end(ap);
}

void
vbTypedParamListAddULLong(vbTypedParamList *list, unsigned long long value, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vbTypedParamListAppend(list, VIR_TYPED_PARAM_ULLONG, fmt, ap)->value.ul = value;
    va_end(ap);
}

void
vbTypedParamListAddBoolean(vbTypedParamList *list, bool value, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vbTypedParamListAppend(list, VIR_TYPED_PARAM_BOOLEAN, fmt, ap)->value.i = value;
    va_end(ap);
}

void
vbTypedParamListAddString(vbTypedParamList *list, const char *value, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vbTypedParamListAppend(list, VIR_TYPED_PARAM_STRING, fmt, ap)->value.s = g_strdup(value);
    va_end(ap);
}

void
vbTypedParamListClear(vbTypedParamList *list)
{
    size_t i;

    for (i = 0; i < list->nparams; i++) {
        g_free(list->params[i].field);
        if (list->params[i].type == VIR_TYPED_PARAM_STRING)
            g_free(list->params[i].value.s);
    }
    g_clear_pointer(&list->params, g_free);
    list->nparams = 0;
}
