/*
 * testutilshostcpu.c: the host-model CPU of the recorded QEMU 7.2 (TCG)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdio.h>

#include "testutils.h"
#include "testutilshostcpu.h"
#include "vberror.h"
#include "vbfile.h"
#include "vbjson.h"
#include "vbqemuhostcpu.h"

static vbJSONValue *
testHostCPULoadReply(const char *what)
{
    g_autofree char *rel = g_strdup_printf("qemucapsdata/qemu-7.2.0-x86_64.%s.json", what);
    g_autofree char *path = vbTestSrcPath(rel);
    g_autofree char *text = NULL;
    vbJSONValue *reply = NULL;

    if (vbFileReadAll(path, 4 * 1024 * 1024, &text) < 0 || !(reply = vbJSONValueFromString(text)))
        fprintf(stderr, "cannot load %s: %s\n", path, vbGetLastErrorMessage());
    return reply;
}

vbCPUDef *
testHostCPULoad(void)
{
    g_autoptr(vbJSONValue) definitions = testHostCPULoadReply("query-cpu-definitions");
    g_autoptr(vbJSONValue) expansions = testHostCPULoadReply("query-cpu-model-expansion-static");
    g_autoptr(vbJSONValue) full = testHostCPULoadReply("query-cpu-model-expansion-full-max");
    const vbJSONValue *model;
    const vbJSONValue *props;
    vbCPUDef *cpu;

    if (!definitions || !expansions || !full)
        return NULL;
    model = vbJSONValueObjectGetObject(full, "model");
    props = model ? vbJSONValueObjectGetObject(model, "props") : NULL;
    if (!(cpu = vbQemuHostCPUChoose(definitions, expansions,
                                    props ? vbJSONValueObjectGetString(props, "vendor") : NULL)))
        fprintf(stderr, "host-model: %s\n", vbGetLastErrorMessage());
    return cpu;
}
