/*
 * vbcpuconf.c: parsing and writing libvirt's <cpu> element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbxml.h"
#include "vbcpuconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_CPU

VB_ENUM_IMPL(vbCPUMode, VB_CPU_MODE_LAST, "custom", "host-model", "host-passthrough", "maximum");
VB_ENUM_IMPL(vbCPUMatch, VB_CPU_MATCH_LAST, "default", "minimum", "exact", "strict");
VB_ENUM_IMPL(vbCPUCheck, VB_CPU_CHECK_LAST, "default", "none", "partial", "full");
VB_ENUM_IMPL(vbCPUFallback, VB_CPU_FALLBACK_LAST, "allow", "forbid");
VB_ENUM_IMPL(vbCPUFeaturePolicy, VB_CPU_FEATURE_LAST, "force", "require", "optional", "disable",
             "forbid");

/* The model QEMU and libvirt give an x86_64 guest that names none. */
#define VB_CPU_DEFAULT_MODEL "qemu64"

void
vbCPUDefFree(vbCPUDef *cpu)
{
    size_t i;

    if (!cpu)
        return;
    for (i = 0; i < cpu->nfeatures; i++)
        g_free(cpu->features[i].name);
    g_free(cpu->features);
    g_free(cpu->model);
    g_free(cpu->vendor);
    g_free(cpu);
}

vbCPUDef *
vbCPUDefCopy(const vbCPUDef *cpu)
{
    vbCPUDef *copy = g_memdup2(cpu, sizeof(*cpu));
    size_t i;

    copy->model = g_strdup(cpu->model);
    copy->vendor = g_strdup(cpu->vendor);
    copy->features = g_new0(vbCPUFeatureDef, cpu->nfeatures);
    for (i = 0; i < cpu->nfeatures; i++) {
        copy->features[i].name = g_strdup(cpu->features[i].name);
        copy->features[i].policy = cpu->features[i].policy;
    }
    return copy;
}

/* A model or feature name goes into QEMU's -cpu option as it is: only the
 * characters QEMU's names use, so that no comma or '=' adds an option. */
static int
vbCPUCheckName(const xmlNode *node, const char *what, const char *name)
{
    const char *c;

    if (!*name || strlen(name) > 64)
        goto invalid;
    for (c = name; *c; c++) {
        if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_' && *c != '.')
            goto invalid;
    }
    return 0;

invalid:
    vbXMLReportInvalidProp(node, what, name);
    return -1;
}

static int
vbCPUModelParse(vbCPUDef *cpu, const xmlNode *node)
{
    g_autofree char *model = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("fallback")) < 0 ||
        vbXMLPropEnum(node, "fallback", vbCPUFallbackTypeFromString, VB_XML_PROP_NONE,
                      &cpu->fallback) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    model = vbXMLNodeContent(node);
    g_strstrip(model);
    /* <model fallback='allow'/> of a host-model CPU names nothing */
    if (!*model)
        return 0;
    if (vbCPUCheckName(node, "model", model) < 0)
        return -1;
    g_free(cpu->model);
    cpu->model = g_steal_pointer(&model);
    return 0;
}

static int
vbCPUTopologyParse(vbCPUDef *cpu, const xmlNode *node)
{
    const vbXMLPropFlags req = VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO;

    cpu->dies = 1;
    if (vbDomainCheckAttrs(node, VB_ATTRS("sockets", "dies", "cores", "threads")) < 0 ||
        vbXMLPropUInt(node, "sockets", 10, req, &cpu->sockets) < 0 ||
        vbXMLPropUInt(node, "dies", 10, VB_XML_PROP_NONZERO, &cpu->dies) < 0 ||
        vbXMLPropUInt(node, "cores", 10, req, &cpu->cores) < 0 ||
        vbXMLPropUInt(node, "threads", 10, req, &cpu->threads) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    /* the product is the vCPU count, compared with <vcpu> by validation */
    if ((guint64) cpu->sockets * cpu->dies * cpu->cores * cpu->threads > G_MAXUINT) {
        vbReportError(VIR_ERR_XML_ERROR, _("CPU topology gives more than %u vCPUs"), G_MAXUINT);
        return -1;
    }
    return 0;
}

static int
vbCPUFeatureParse(vbCPUDef *cpu, const xmlNode *node)
{
    g_autofree char *name = NULL;
    g_autofree char *policy = NULL;
    int p = VB_CPU_FEATURE_REQUIRE;
    size_t i;

    if (vbDomainCheckAttrs(node, VB_ATTRS("policy", "name")) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    if (vbXMLPropStringFull(node, "name", VB_XML_PROP_REQUIRED, &name) < 0 ||
        vbCPUCheckName(node, "name", name) < 0)
        return -1;
    if ((policy = vbXMLPropString(node, "policy")) &&
        (p = vbCPUFeaturePolicyTypeFromString(policy)) < 0) {
        /* libvirt's wording and code */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("Invalid CPU feature policy"));
        return -1;
    }
    if (!policy && cpu->mode != VB_CPU_MODE_CUSTOM) {
        vbReportError(VIR_ERR_XML_ERROR, _("Missing required attribute '%s' in element '%s'"),
                      "policy", "feature");
        return -1;
    }
    for (i = 0; i < cpu->nfeatures; i++) {
        if (strcmp(cpu->features[i].name, name) == 0) {
            /* libvirt's wording */
            vbReportError(VIR_ERR_XML_ERROR, _("CPU feature '%s' specified more than once"), name);
            return -1;
        }
    }
    if (cpu->nfeatures >= VB_CPU_FEATURES_MAX) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("more than %d CPU features"),
                      VB_CPU_FEATURES_MAX);
        return -1;
    }
    cpu->features = g_renew(vbCPUFeatureDef, cpu->features, cpu->nfeatures + 1);
    cpu->features[cpu->nfeatures].name = g_steal_pointer(&name);
    cpu->features[cpu->nfeatures].policy = p;
    cpu->nfeatures++;
    return 0;
}

vbCPUDef *
vbCPUDefParse(const xmlNode *node)
{
    g_autoptr(vbCPUDef) cpu = g_new0(vbCPUDef, 1);
    g_autofree char *mode = NULL;
    xmlNode *cur;
    int m;

    if (vbDomainCheckAttrs(node, VB_ATTRS("mode", "match", "check", "migratable")) < 0 ||
        vbDomainCheckUniqueChildren(node, VB_ATTRS("model", "vendor", "topology")) < 0)
        return NULL;
    if ((mode = vbXMLPropString(node, "mode"))) {
        if ((m = vbCPUModeTypeFromString(mode)) < 0) {
            g_autofree char *escaped = g_strescape(mode, NULL);

            /* libvirt's wording and code */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("Invalid mode attribute '%s'"), escaped);
            return NULL;
        }
        cpu->mode = m;
    }
    if (vbXMLPropEnum(node, "match", vbCPUMatchTypeFromString, VB_XML_PROP_NONZERO, &cpu->match) <
            0 ||
        vbXMLPropEnum(node, "check", vbCPUCheckTypeFromString, VB_XML_PROP_NONZERO, &cpu->check) <
            0 ||
        vbXMLPropEnum(node, "migratable", vbTristateSwitchTypeFromString, VB_XML_PROP_NONZERO,
                      &cpu->migratable) < 0)
        return NULL;
    if (cpu->migratable != VB_TRISTATE_SWITCH_ABSENT && cpu->mode != VB_CPU_MODE_HOST_PASSTHROUGH &&
        cpu->mode != VB_CPU_MODE_MAXIMUM) {
        /* libvirt's wording and code */
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("Attribute migratable is only allowed for 'host-passthrough' / 'maximum' CPU mode"));
        return NULL;
    }

    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        if (vbXMLNodeNameEqual(cur, "model")) {
            if (vbCPUModelParse(cpu, cur) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(cur, "vendor")) {
            g_autofree char *vendor = vbXMLNodeContent(cur);

            g_strstrip(vendor);
            if (vbDomainCheckEmptyElement(cur) < 0 || vbCPUCheckName(cur, "vendor", vendor) < 0)
                return NULL;
            cpu->vendor = g_steal_pointer(&vendor);
        } else if (vbXMLNodeNameEqual(cur, "topology")) {
            if (vbCPUTopologyParse(cpu, cur) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(cur, "feature")) {
            if (vbCPUFeatureParse(cpu, cur) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(cur);
            return NULL;
        }
    }

    if (cpu->mode != VB_CPU_MODE_CUSTOM) {
        /* libvirt drops a model given with another mode; we refuse what
         * would not be run rather than drop it silently */
        if (cpu->model) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("a CPU <model> is only used in mode 'custom', not in mode '%s'"),
                          vbCPUModeTypeToString(cpu->mode));
            return NULL;
        }
    } else if (!cpu->model && (cpu->vendor || cpu->nfeatures)) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("Non-empty feature list specified without CPU model"));
        return NULL;
    }
    return g_steal_pointer(&cpu);
}

void
vbCPUDefPostParse(vbCPUDef *cpu, bool kvm)
{
    if (cpu->mode == VB_CPU_MODE_CUSTOM && !cpu->model) {
        /* only a topology: the default model, as libvirt fills it in */
        cpu->model = g_strdup(VB_CPU_DEFAULT_MODEL);
        cpu->fallback = VB_CPU_FALLBACK_FORBID;
    }
    if (cpu->mode == VB_CPU_MODE_CUSTOM && cpu->match == VB_CPU_MATCH_DEFAULT)
        cpu->match = VB_CPU_MATCH_EXACT;
    if (cpu->mode == VB_CPU_MODE_HOST_PASSTHROUGH && cpu->migratable == VB_TRISTATE_SWITCH_ABSENT)
        cpu->migratable = VB_TRISTATE_SWITCH_ON;
    if (cpu->check != VB_CPU_CHECK_DEFAULT)
        return;
    switch (cpu->mode) {
    case VB_CPU_MODE_HOST_PASSTHROUGH:
    case VB_CPU_MODE_MAXIMUM:
        cpu->check = VB_CPU_CHECK_NONE;
        break;
    case VB_CPU_MODE_HOST_MODEL:
        cpu->check = VB_CPU_CHECK_PARTIAL;
        break;
    case VB_CPU_MODE_CUSTOM:
        /* a TCG guest's CPU is not compared with the host's */
        cpu->check = kvm ? VB_CPU_CHECK_PARTIAL : VB_CPU_CHECK_NONE;
        break;
    case VB_CPU_MODE_LAST:
        break;
    }
}

void
vbCPUDefFormatChildren(vbBuffer *buf, const vbCPUDef *cpu)
{
    size_t i;

    if (cpu->model) {
        vbBufferAsprintf(buf, "<model fallback='%s'", vbCPUFallbackTypeToString(cpu->fallback));
        vbBufferEscapeText(buf, ">%s</model>\n", cpu->model);
    }
    vbBufferEscapeText(buf, "<vendor>%s</vendor>\n", cpu->vendor);
    if (cpu->sockets)
        vbBufferAsprintf(buf, "<topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                         cpu->sockets, cpu->dies, cpu->cores, cpu->threads);
    for (i = 0; i < cpu->nfeatures; i++) {
        vbBufferAsprintf(buf, "<feature policy='%s'",
                         vbCPUFeaturePolicyTypeToString(cpu->features[i].policy));
        vbBufferEscapeString(buf, " name='%s'/>\n", cpu->features[i].name);
    }
}

void
vbCPUDefFormat(vbBuffer *buf, const vbCPUDef *cpu)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    if (!cpu)
        return;
    vbBufferAsprintf(&attrBuf, " mode='%s'", vbCPUModeTypeToString(cpu->mode));
    if (cpu->mode == VB_CPU_MODE_CUSTOM && cpu->match != VB_CPU_MATCH_DEFAULT)
        vbBufferAsprintf(&attrBuf, " match='%s'", vbCPUMatchTypeToString(cpu->match));
    if (cpu->check != VB_CPU_CHECK_DEFAULT)
        vbBufferAsprintf(&attrBuf, " check='%s'", vbCPUCheckTypeToString(cpu->check));
    if (cpu->migratable != VB_TRISTATE_SWITCH_ABSENT)
        vbBufferAsprintf(&attrBuf, " migratable='%s'",
                         vbTristateSwitchTypeToString(cpu->migratable));

    vbCPUDefFormatChildren(&childBuf, cpu);
    vbXMLFormatElement(buf, "cpu", &attrBuf, &childBuf);
}

unsigned int
vbCPUDefTopologyVcpus(const vbCPUDef *cpu)
{
    if (!cpu || !cpu->sockets)
        return 0;
    return cpu->sockets * cpu->dies * cpu->cores * cpu->threads;
}
