/*
 * fuzz-storagexml.c: libFuzzer harness for the storage pool and volume XML
 * parsers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parses the input as a pool and as a volume; whatever is accepted is
 * written and must parse back to the same text (a pool definition that
 * changes when the daemon reloads it is a bug as real as a crash).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbstoragepoolconf.h"
#include "vbstoragevolconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* More than any pool or volume document the parsers accept */
#define FUZZ_STORAGE_MAX_LEN (1024 * 1024)

static void
fuzzCompare(const char *what, const char *xml, const char *again)
{
    if (g_strcmp0(xml, again) != 0) {
        fprintf(stderr, "%s round trip changed the output:\n%s\n---\n%s", what, xml, again);
        abort();
    }
}

static void
fuzzPool(const char *input)
{
    g_autoptr(vbStoragePoolDef) def = vbStoragePoolDefParseString(input);
    g_autoptr(vbStoragePoolDef) reparsed = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *again = NULL;

    if (!def)
        return;
    xml = vbStoragePoolDefFormat(def, NULL);
    if (!(reparsed = vbStoragePoolDefParseString(xml))) {
        fprintf(stderr, "pool output does not parse back: %s\n%s", vbGetLastErrorMessage(), xml);
        abort();
    }
    again = vbStoragePoolDefFormat(reparsed, NULL);
    fuzzCompare("pool", xml, again);
}

static void
fuzzVol(const char *input)
{
    g_autoptr(vbStorageVolDef) def = vbStorageVolDefParseString(input);
    g_autoptr(vbStorageVolDef) reparsed = NULL;
    g_autoptr(vbStorageVolDef) copy = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *again = NULL;
    g_autofree char *copied = NULL;

    if (!def)
        return;
    xml = vbStorageVolDefFormat(def);
    if (!(reparsed = vbStorageVolDefParseString(xml))) {
        fprintf(stderr, "volume output does not parse back: %s\n%s", vbGetLastErrorMessage(), xml);
        abort();
    }
    again = vbStorageVolDefFormat(reparsed);
    fuzzCompare("volume", xml, again);
    copy = vbStorageVolDefCopy(def);
    copied = vbStorageVolDefFormat(copy);
    fuzzCompare("volume copy", xml, copied);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *input = NULL;

    if (size > FUZZ_STORAGE_MAX_LEN)
        return 0;
    input = g_strndup((const char *) data, size);
    fuzzPool(input);
    fuzzVol(input);
    vbResetLastError();
    return 0;
}
