/*
 * vbqmpcommand.h: building QMP commands and running them on a monitor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The helpers every wrapper in vbmonitorblock.c and vbmonitorjob.c uses:
 * one builder for {"execute": ..., "arguments": {...}} and one call that
 * sends, checks the reply and hands back its "return" member.
 */

#pragma once

#include "vbjson.h"
#include "vbmonitor.h"

/**
 * vbQMPCommandNew:
 * Builds {"execute": @name, "arguments": {...}} from "type:key", value
 * pairs as vbJSONValueObjectAdd() takes them, ending with NULL; with no
 * members "arguments" is left out.  Returns NULL with an error reported.
 */
vbJSONValue *vbQMPCommandNew(const char *name, ...) G_GNUC_NULL_TERMINATED;

/* As vbQMPCommandNew with a ready "arguments" object (stolen; NULL for
 * none), for commands whose arguments are a whole tree (blockdev-add). */
vbJSONValue *vbQMPCommandNewArgs(const char *name, vbJSONValue **args);

/**
 * vbQMPCommandRun:
 * Sends *@cmd (stolen) and checks the reply.  On success *@ret, when
 * @ret is not NULL, takes the reply's "return" member.  Returns 0, or -1
 * with the error reported (a QMP error names the command and QEMU's desc).
 */
int vbQMPCommandRun(vbMonitor *mon, vbJSONValue **cmd, vbJSONValue **ret);

/**
 * vbQMPCommandRunClass:
 * As vbQMPCommandRun, but when QEMU replies with an error of class
 * @errorClass nothing is reported and 1 is returned, so the caller can
 * word that case itself ("No active block job 'x'").
 */
int vbQMPCommandRunClass(vbMonitor *mon, vbJSONValue **cmd, const char *errorClass,
                         vbJSONValue **ret);

/* The error for a reply lacking a field or having it of the wrong type:
 * "reply to QEMU command '<cmd>' lacks '<field>'" (internal error). */
void vbQMPReportMissing(const char *cmdname, const char *field);

/* Parses each entry of @ret, the array a query command returns, with
 * @parse (NULL with the error reported refuses the whole answer) into a
 * new array freeing its entries with @freefunc.  A @ret that is no array
 * is reported as lacking "return".  On error *@list is left untouched. */
typedef gpointer (*vbQMPEntryParser)(vbJSONValue *entry);
int vbQMPParseArray(vbJSONValue *ret, const char *cmdname, vbQMPEntryParser parse,
                    GDestroyNotify freefunc, GPtrArray **list);
