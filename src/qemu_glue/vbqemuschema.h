/*
 * vbqemuschema.h: QEMU's QAPI schema as query-qmp-schema returns it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Features are found by schema path, never by version.  A path is a list
 * of steps separated by '/', starting at a command or event name:
 *
 *   arg-type, ret-type   the command's argument or return type
 *   +CASE                the variant of a union for tag value CASE
 *   NAME                 the member NAME of an object, or the value NAME
 *                        of an enum (then it must be the last step)
 *
 * Arrays are looked through: "transaction/arg-type/actions" continues at
 * the element type of 'actions'.  Examples:
 *   block-commit/arg-type/backing-mask-protocol   (not in 7.2)
 *   transaction/arg-type/actions/+block-dirty-bitmap-merge
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"

typedef struct _vbQemuSchema vbQemuSchema;

/* Indexes the array query-qmp-schema returned (stolen).  NULL with an
 * internal error if it is no array of named entries. */
vbQemuSchema *vbQemuSchemaNew(vbJSONValue **entries);
void vbQemuSchemaFree(vbQemuSchema *schema);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbQemuSchema, vbQemuSchemaFree);

/* The entry (command, event or type) called @name; NULL if none. */
vbJSONValue *vbQemuSchemaGetEntry(const vbQemuSchema *schema, const char *name);

/* The entry a path leads to (a type; for a member step the member's type,
 * for an enum value the enum); NULL when the path does not exist. */
vbJSONValue *vbQemuSchemaLookupPath(const vbQemuSchema *schema, const char *path);
bool vbQemuSchemaHasPath(const vbQemuSchema *schema, const char *path);

/* The member @name of object type @type, looking into its variants too;
 * NULL if none. */
vbJSONValue *vbQemuSchemaObjectGetMember(const vbQemuSchema *schema, vbJSONValue *type,
                                         const char *name);
/* The variant type of union @type for tag value @tagValue; NULL if none. */
vbJSONValue *vbQemuSchemaObjectGetVariant(const vbQemuSchema *schema, vbJSONValue *type,
                                          const char *tagValue);
