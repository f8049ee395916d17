/*
 * vbdomaincapabilities.c: the domain capabilities document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbbuf.h"
#include "vbdomaincapabilities.h"
#include "vbxml.h"

static void
vbDomainCapsEnumFree(gpointer data)
{
    vbDomainCapsEnum *e = data;

    g_free(e->name);
    g_ptr_array_unref(e->values);
    g_free(e);
}

vbDomainCapsFeature *
vbDomainCapsFeatureNew(const char *name, bool supported)
{
    vbDomainCapsFeature *feature = g_new0(vbDomainCapsFeature, 1);

    feature->name = g_strdup(name);
    feature->supported = supported;
    feature->values = g_ptr_array_new_with_free_func(g_free);
    feature->enums = g_ptr_array_new_with_free_func(vbDomainCapsEnumFree);
    return feature;
}

void
vbDomainCapsFeatureFree(vbDomainCapsFeature *feature)
{
    if (!feature)
        return;
    g_free(feature->name);
    g_ptr_array_unref(feature->values);
    g_ptr_array_unref(feature->enums);
    g_free(feature);
}

static void
vbDomainCapsFeatureFreeFunc(gpointer feature)
{
    vbDomainCapsFeatureFree(feature);
}

static void
vbDomainCapsCPUModeFree(gpointer data)
{
    vbDomainCapsCPUMode *mode = data;

    g_free(mode->name);
    g_free(mode->migratableEnum);
    vbCPUDefFree(mode->cpu);
    g_free(mode);
}

vbDomainCaps *
vbDomainCapsNew(const char *path, const char *domain, const char *machine, const char *arch)
{
    vbDomainCaps *caps = g_new0(vbDomainCaps, 1);

    caps->path = g_strdup(path);
    caps->domain = g_strdup(domain);
    caps->machine = g_strdup(machine);
    caps->arch = g_strdup(arch);
    caps->cpuModes = g_ptr_array_new_with_free_func(vbDomainCapsCPUModeFree);
    caps->devices = g_ptr_array_new_with_free_func(vbDomainCapsFeatureFreeFunc);
    caps->features = g_ptr_array_new_with_free_func(vbDomainCapsFeatureFreeFunc);
    return caps;
}

void
vbDomainCapsFree(vbDomainCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->path);
    g_free(caps->domain);
    g_free(caps->machine);
    g_free(caps->arch);
    vbDomainCapsFeatureFree(caps->os);
    vbDomainCapsFeatureFree(caps->loader);
    g_ptr_array_unref(caps->cpuModes);
    g_ptr_array_unref(caps->devices);
    g_ptr_array_unref(caps->features);
    g_free(caps);
}

void
vbDomainCapsFeatureAddEnum(vbDomainCapsFeature *feature, const char *name,
                           const char *const *values)
{
    vbDomainCapsEnum *e = g_new0(vbDomainCapsEnum, 1);

    e->name = g_strdup(name);
    e->values = g_ptr_array_new_with_free_func(g_free);
    for (; values && *values; values++)
        g_ptr_array_add(e->values, g_strdup(*values));
    g_ptr_array_add(feature->enums, e);
}

void
vbDomainCapsFeatureAddValue(vbDomainCapsFeature *feature, const char *value)
{
    g_ptr_array_add(feature->values, g_strdup(value));
}

void
vbDomainCapsAddCPUMode(vbDomainCaps *caps, const char *name, bool supported,
                       const char *migratableEnum)
{
    vbDomainCapsCPUMode *mode = g_new0(vbDomainCapsCPUMode, 1);

    mode->name = g_strdup(name);
    mode->supported = supported;
    mode->migratableEnum = g_strdup(migratableEnum);
    g_ptr_array_add(caps->cpuModes, mode);
}

void
vbDomainCapsAddCPUModeHostModel(vbDomainCaps *caps, const vbCPUDef *cpu)
{
    vbDomainCapsCPUMode *mode = g_new0(vbDomainCapsCPUMode, 1);

    mode->name = g_strdup("host-model");
    mode->supported = !!cpu;
    mode->cpu = cpu ? vbCPUDefCopy(cpu) : NULL;
    g_ptr_array_add(caps->cpuModes, mode);
}

void
vbDomainCapsAddDevice(vbDomainCaps *caps, vbDomainCapsFeature *device)
{
    g_ptr_array_add(caps->devices, device);
}

void
vbDomainCapsAddFeature(vbDomainCaps *caps, const char *name, bool supported)
{
    g_ptr_array_add(caps->features, vbDomainCapsFeatureNew(name, supported));
}

static void
vbDomainCapsFormatEnum(vbBuffer *buf, const vbDomainCapsEnum *e)
{
    g_auto(vbBuffer) attr = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    size_t i;

    vbBufferEscapeString(&attr, " name='%s'", e->name);
    for (i = 0; i < e->values->len; i++)
        vbBufferEscapeString(&child, "<value>%s</value>\n",
                             (const char *) g_ptr_array_index(e->values, i));
    /* an enum without values still says so */
    vbXMLFormatElementEmpty(buf, "enum", &attr, &child);
}

/* <name supported='...'> with its values and enums; @extra (may be NULL)
 * adds children after them (the loader inside <os>) */
static void
vbDomainCapsFormatFeature(vbBuffer *buf, const vbDomainCapsFeature *feature,
                          const vbDomainCapsFeature *extra)
{
    g_auto(vbBuffer) attr = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    size_t i;

    vbBufferAsprintf(&attr, " supported='%s'", feature->supported ? "yes" : "no");
    if (feature->supported) {
        for (i = 0; i < feature->values->len; i++)
            vbBufferEscapeString(&child, "<value>%s</value>\n",
                                 (const char *) g_ptr_array_index(feature->values, i));
        for (i = 0; i < feature->enums->len; i++)
            vbDomainCapsFormatEnum(&child, g_ptr_array_index(feature->enums, i));
        if (extra)
            vbDomainCapsFormatFeature(&child, extra, NULL);
    }
    vbXMLFormatElement(buf, feature->name, &attr, &child);
}

static void
vbDomainCapsFormatCPU(vbBuffer *buf, const vbDomainCaps *caps)
{
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    size_t i;

    for (i = 0; i < caps->cpuModes->len; i++) {
        const vbDomainCapsCPUMode *mode = g_ptr_array_index(caps->cpuModes, i);

        g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
        g_auto(vbBuffer) modeBuf = VB_BUFFER_INIT_CHILD(&child);

        vbBufferEscapeString(&attrBuf, " name='%s'", mode->name);
        vbBufferAsprintf(&attrBuf, " supported='%s'", mode->supported ? "yes" : "no");
        if (mode->supported && mode->migratableEnum) {
            vbBufferEscapeString(&modeBuf, "<enum name='%s'>\n", mode->migratableEnum);
            vbBufferAdjustIndent(&modeBuf, 2);
            vbBufferAddLit(&modeBuf, "<value>on</value>\n");
            vbBufferAddLit(&modeBuf, "<value>off</value>\n");
            vbBufferAdjustIndent(&modeBuf, -2);
            vbBufferAddLit(&modeBuf, "</enum>\n");
        }
        if (mode->cpu)
            vbCPUDefFormatChildren(&modeBuf, mode->cpu);
        vbXMLFormatElement(&child, "mode", &attrBuf, &modeBuf);
    }
    vbXMLFormatElement(buf, "cpu", NULL, &child);
}

char *
vbDomainCapsFormat(const vbDomainCaps *caps)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(&buf);
    g_auto(vbBuffer) devices = VB_BUFFER_INIT_CHILD(&child);
    g_auto(vbBuffer) features = VB_BUFFER_INIT_CHILD(&child);
    size_t i;

    vbBufferEscapeString(&child, "<path>%s</path>\n", caps->path);
    vbBufferEscapeString(&child, "<domain>%s</domain>\n", caps->domain);
    vbBufferEscapeString(&child, "<machine>%s</machine>\n", caps->machine);
    vbBufferEscapeString(&child, "<arch>%s</arch>\n", caps->arch);
    vbBufferAsprintf(&child, "<vcpu max='%u'/>\n", caps->maxVcpus);
    vbBufferAsprintf(&child, "<iothreads supported='%s'/>\n", caps->iothreads ? "yes" : "no");
    if (caps->os)
        vbDomainCapsFormatFeature(&child, caps->os, caps->loader);
    vbDomainCapsFormatCPU(&child, caps);

    for (i = 0; i < caps->devices->len; i++)
        vbDomainCapsFormatFeature(&devices, g_ptr_array_index(caps->devices, i), NULL);
    vbXMLFormatElement(&child, "devices", NULL, &devices);

    for (i = 0; i < caps->features->len; i++)
        vbDomainCapsFormatFeature(&features, g_ptr_array_index(caps->features, i), NULL);
    vbXMLFormatElement(&child, "features", NULL, &features);

    vbXMLFormatElement(&buf, "domainCapabilities", NULL, &child);
    return vbBufferContentAndReset(&buf);
}
