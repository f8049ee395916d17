/*
 * vbqemuschema.c: QEMU's QAPI schema as query-qmp-schema returns it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <string.h>

#include "vbqemuschema.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

struct _vbQemuSchema {
    vbJSONValue *entries;
    GHashTable *byName; /* name -> vbJSONValue * (borrowed from entries) */
};

void
vbQemuSchemaFree(vbQemuSchema *schema)
{
    if (!schema)
        return;
    g_hash_table_unref(schema->byName);
    vbJSONValueFree(schema->entries);
    g_free(schema);
}

vbQemuSchema *
vbQemuSchemaNew(vbJSONValue **entries)
{
    g_autoptr(vbQemuSchema) schema = g_new0(vbQemuSchema, 1);
    size_t n;
    size_t i;

    schema->entries = g_steal_pointer(entries);
    schema->byName = g_hash_table_new(g_str_hash, g_str_equal);

    if (!schema->entries || vbJSONValueGetType(schema->entries) != VB_JSON_TYPE_ARRAY) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("QEMU's QAPI schema is not an array"));
        return NULL;
    }
    n = vbJSONValueArraySize(schema->entries);
    for (i = 0; i < n; i++) {
        vbJSONValue *entry = vbJSONValueArrayGet(schema->entries, i);
        const char *name = vbJSONValueObjectGetString(entry, "name");

        if (!name || !vbJSONValueObjectGetString(entry, "meta-type")) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("entry %zu of QEMU's QAPI schema lacks 'name' or 'meta-type'"), i);
            return NULL;
        }
        g_hash_table_insert(schema->byName, (char *) name, entry);
    }
    return g_steal_pointer(&schema);
}

vbJSONValue *
vbQemuSchemaGetEntry(const vbQemuSchema *schema, const char *name)
{
    if (!name)
        return NULL;
    return g_hash_table_lookup(schema->byName, name);
}

/* Arrays stand for their elements in paths */
static vbJSONValue *
vbQemuSchemaResolveArray(const vbQemuSchema *schema, vbJSONValue *type)
{
    while (type && g_strcmp0(vbJSONValueObjectGetString(type, "meta-type"), "array") == 0)
        type = vbQemuSchemaGetEntry(schema, vbJSONValueObjectGetString(type, "element-type"));
    return type;
}

vbJSONValue *
vbQemuSchemaObjectGetVariant(const vbQemuSchema *schema, vbJSONValue *type, const char *tagValue)
{
    vbJSONValue *variants = vbJSONValueObjectGetArray(type, "variants");
    size_t i;

    for (i = 0; i < vbJSONValueArraySize(variants); i++) {
        vbJSONValue *v = vbJSONValueArrayGet(variants, i);

        if (g_strcmp0(vbJSONValueObjectGetString(v, "case"), tagValue) == 0)
            return vbQemuSchemaGetEntry(schema, vbJSONValueObjectGetString(v, "type"));
    }
    return NULL;
}

static vbJSONValue *
vbQemuSchemaFindNamed(vbJSONValue *list, const char *name)
{
    size_t i;

    for (i = 0; i < vbJSONValueArraySize(list); i++) {
        vbJSONValue *m = vbJSONValueArrayGet(list, i);

        if (g_strcmp0(vbJSONValueObjectGetString(m, "name"), name) == 0)
            return m;
    }
    return NULL;
}

vbJSONValue *
vbQemuSchemaObjectGetMember(const vbQemuSchema *schema, vbJSONValue *type, const char *name)
{
    vbJSONValue *member = vbQemuSchemaFindNamed(vbJSONValueObjectGetArray(type, "members"), name);
    vbJSONValue *variants;
    size_t i;

    if (member)
        return member;

    variants = vbJSONValueObjectGetArray(type, "variants");
    for (i = 0; i < vbJSONValueArraySize(variants); i++) {
        vbJSONValue *v = vbQemuSchemaGetEntry(
            schema, vbJSONValueObjectGetString(vbJSONValueArrayGet(variants, i), "type"));

        if ((member = vbQemuSchemaObjectGetMember(schema, v, name)))
            return member;
    }
    return NULL;
}

static vbJSONValue *
vbQemuSchemaStep(const vbQemuSchema *schema, vbJSONValue *cur, const char *step, bool last)
{
    const char *meta;

    cur = vbQemuSchemaResolveArray(schema, cur);
    meta = vbJSONValueObjectGetString(cur, "meta-type");

    if (strcmp(step, "arg-type") == 0 || strcmp(step, "ret-type") == 0)
        return vbQemuSchemaGetEntry(schema, vbJSONValueObjectGetString(cur, step));

    if (step[0] == '+')
        return vbQemuSchemaObjectGetVariant(schema, cur, step + 1);

    if (g_strcmp0(meta, "enum") == 0) {
        vbJSONValue *values = vbJSONValueObjectGetArray(cur, "values");
        size_t i;

        if (!last)
            return NULL;
        for (i = 0; i < vbJSONValueArraySize(values); i++) {
            if (g_strcmp0(vbJSONValueGetString(vbJSONValueArrayGet(values, i)), step) == 0)
                return cur;
        }
        return NULL;
    }

    if (g_strcmp0(meta, "object") == 0) {
        vbJSONValue *member =
            vbQemuSchemaFindNamed(vbJSONValueObjectGetArray(cur, "members"), step);

        if (!member)
            return NULL;
        return vbQemuSchemaGetEntry(schema, vbJSONValueObjectGetString(member, "type"));
    }
    return NULL;
}

vbJSONValue *
vbQemuSchemaLookupPath(const vbQemuSchema *schema, const char *path)
{
    g_auto(GStrv) steps = g_strsplit(path, "/", -1);
    vbJSONValue *cur;
    size_t i;

    if (!steps[0] || !(cur = vbQemuSchemaGetEntry(schema, steps[0])))
        return NULL;
    for (i = 1; steps[i] && cur; i++)
        cur = vbQemuSchemaStep(schema, cur, steps[i], steps[i + 1] == NULL);
    return cur;
}

bool
vbQemuSchemaHasPath(const vbQemuSchema *schema, const char *path)
{
    return vbQemuSchemaLookupPath(schema, path) != NULL;
}
