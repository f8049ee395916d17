/*
 * vbdomainrngconf.c: the <rng> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virtio-rng fed from a host random device, an EGD daemon (a socket
 * QEMU connects to) or QEMU's builtin source.
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbbuf.h"
#include "vbxml.h"
#include "vbdomainconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

VB_ENUM_IMPL(vbDomainRNGModel, VB_DOMAIN_RNG_MODEL_LAST, "virtio");
VB_ENUM_IMPL(vbDomainRNGBackend, VB_DOMAIN_RNG_BACKEND_LAST, "random", "egd", "builtin");
VB_ENUM_IMPL(vbDomainRNGEgdType, VB_DOMAIN_RNG_EGD_TYPE_LAST, "unix", "tcp");

/* The host devices a 'random' backend may read: anything else would hand
 * the guest a file of the host (QEMU opens it with the daemon's rights). */
static const char *const vbDomainRNGPaths[] = {"/dev/random", "/dev/urandom", "/dev/hwrng"};

void
vbDomainRNGDefFree(vbDomainRNGDef *rng)
{
    if (!rng)
        return;
    g_free(rng->path);
    g_free(rng->host);
    g_free(rng->service);
    vbDomainDeviceInfoClear(&rng->info);
    g_free(rng);
}

/* libvirt 9.0 takes bytes='0' as no limit and drops the period with it;
 * refuse it instead of losing what the user wrote */
static int
vbDomainRNGRateParse(vbDomainRNGDef *rng, const xmlNode *node)
{
    if (vbDomainCheckAttrs(node, VB_ATTRS("bytes", "period")) < 0 ||
        vbXMLPropUInt(node, "bytes", 10, VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO,
                      &rng->rateBytes) < 0 ||
        vbXMLPropUInt(node, "period", 10, VB_XML_PROP_NONE, &rng->ratePeriod) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    return 0;
}

/* <source mode='connect' path|host service/> of an EGD backend */
static int
vbDomainRNGEgdSourceParse(vbDomainRNGDef *rng, const xmlNode *node)
{
    g_autofree char *mode = NULL;

    if (rng->egdType == VB_DOMAIN_RNG_EGD_TYPE_UNIX) {
        if (vbDomainCheckAttrs(node, VB_ATTRS("mode", "path")) < 0 ||
            vbXMLPropStringFull(node, "path", VB_XML_PROP_REQUIRED, &rng->path) < 0 ||
            vbDomainCheckPath(node, "path", rng->path) < 0)
            return -1;
    } else {
        if (vbDomainCheckAttrs(node, VB_ATTRS("mode", "host", "service")) < 0 ||
            vbXMLPropStringFull(node, "host", VB_XML_PROP_REQUIRED, &rng->host) < 0 ||
            vbXMLPropStringFull(node, "service", VB_XML_PROP_REQUIRED, &rng->service) < 0 ||
            vbXMLCheckIllegalChars("host", rng->host, ",") < 0 ||
            vbXMLCheckIllegalChars("service", rng->service, ",") < 0)
            return -1;
    }
    /* QEMU connects to the daemon; a socket it would listen on is not
     * what an EGD backend is for */
    if ((mode = vbXMLPropString(node, "mode")) && strcmp(mode, "connect") != 0) {
        vbDomainReportUnsupportedValue(node, "mode", mode);
        return -1;
    }
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    return 0;
}

static int
vbDomainRNGBackendParse(vbDomainRNGDef *rng, const xmlNode *node)
{
    xmlNode *child;

    if (vbXMLPropEnumFull(node, "model", vbDomainRNGBackendTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &rng->backend) < 0)
        return -1;

    switch (rng->backend) {
    case VB_DOMAIN_RNG_BACKEND_RANDOM: {
        g_autofree char *path = vbXMLNodeContent(node);

        if (vbDomainCheckAttrs(node, VB_ATTRS("model")) < 0)
            return -1;
        if (vbXMLChildElement(node, NULL)) {
            vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
            return -1;
        }
        if (*path)
            rng->path = g_steal_pointer(&path);
        return 0;
    }
    case VB_DOMAIN_RNG_BACKEND_EGD:
        if (vbDomainCheckAttrs(node, VB_ATTRS("model", "type")) < 0 ||
            vbXMLPropEnumFull(node, "type", vbDomainRNGEgdTypeTypeFromString, VB_XML_PROP_REQUIRED,
                              vbDomainReportUnsupportedValue, &rng->egdType) < 0 ||
            vbDomainCheckUniqueChildren(node, VB_ATTRS("source", "protocol")) < 0)
            return -1;
        for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
            if (vbXMLNodeNameEqual(child, "source")) {
                if (vbDomainRNGEgdSourceParse(rng, child) < 0)
                    return -1;
            } else if (vbXMLNodeNameEqual(child, "protocol")) {
                g_autofree char *proto = vbXMLPropString(child, "type");

                /* 'raw' is all a TCP chardev speaks to an EGD daemon */
                if (vbDomainCheckAttrs(child, VB_ATTRS("type")) < 0)
                    return -1;
                if (vbXMLChildElement(child, NULL)) {
                    vbDomainReportUnsupportedElement(vbXMLChildElement(child, NULL));
                    return -1;
                }
                if (g_strcmp0(proto, "raw") != 0 || rng->egdType != VB_DOMAIN_RNG_EGD_TYPE_TCP) {
                    vbDomainReportUnsupportedValue(child, "type", proto);
                    return -1;
                }
            } else {
                vbDomainReportUnsupportedElement(child);
                return -1;
            }
        }
        if (!rng->path && !rng->host) {
            vbReportError(VIR_ERR_XML_ERROR, _("rng backend 'egd' of type '%s' needs a <source>"),
                          vbDomainRNGEgdTypeTypeToString(rng->egdType));
            return -1;
        }
        return 0;
    case VB_DOMAIN_RNG_BACKEND_BUILTIN:
        if (vbDomainCheckAttrs(node, VB_ATTRS("model")) < 0)
            return -1;
        if (vbXMLChildElement(node, NULL)) {
            vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
            return -1;
        }
        return 0;
    case VB_DOMAIN_RNG_BACKEND_LAST:
        break;
    }
    return 0;
}

vbDomainRNGDef *
vbDomainRNGDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainRNGDef) rng = g_new0(vbDomainRNGDef, 1);
    xmlNode *child;
    bool backend = false;

    if (vbDomainCheckAttrs(node, VB_ATTRS("model")) < 0 ||
        vbXMLPropEnumFull(node, "model", vbDomainRNGModelTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &rng->model) < 0)
        return NULL;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("rate", "backend", "alias", "address")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "rate")) {
            if (vbDomainRNGRateParse(rng, child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "backend")) {
            if (vbDomainRNGBackendParse(rng, child) < 0)
                return NULL;
            backend = true;
        } else if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &rng->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &rng->info.addr) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    if (!backend) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("missing RNG device backend"));
        return NULL;
    }
    /* libvirt's default device of a 'random' backend */
    if (rng->backend == VB_DOMAIN_RNG_BACKEND_RANDOM && !rng->path)
        rng->path = g_strdup(VB_DOMAIN_RNG_DEFAULT_PATH);
    return g_steal_pointer(&rng);
}

void
vbDomainRNGDefFormat(vbBuffer *buf, const vbDomainRNGDef *rng, unsigned int flags)
{
    const char *backend = vbDomainRNGBackendTypeToString(rng->backend);

    vbBufferAsprintf(buf, "<rng model='%s'>\n", vbDomainRNGModelTypeToString(rng->model));
    vbBufferAdjustIndent(buf, 2);
    if (rng->rateBytes) {
        vbBufferAsprintf(buf, "<rate bytes='%u'", rng->rateBytes);
        if (rng->ratePeriod)
            vbBufferAsprintf(buf, " period='%u'", rng->ratePeriod);
        vbBufferAddLit(buf, "/>\n");
    }
    switch (rng->backend) {
    case VB_DOMAIN_RNG_BACKEND_RANDOM:
        vbBufferAsprintf(buf, "<backend model='%s'>", backend);
        vbBufferEscapeString(buf, "%s</backend>\n", rng->path);
        break;
    case VB_DOMAIN_RNG_BACKEND_EGD:
        vbBufferAsprintf(buf, "<backend model='%s' type='%s'>\n", backend,
                         vbDomainRNGEgdTypeTypeToString(rng->egdType));
        vbBufferAdjustIndent(buf, 2);
        if (rng->egdType == VB_DOMAIN_RNG_EGD_TYPE_UNIX) {
            vbBufferEscapeString(buf, "<source mode='connect' path='%s'/>\n", rng->path);
        } else {
            vbBufferEscapeString(buf, "<source mode='connect' host='%s'", rng->host);
            vbBufferEscapeString(buf, " service='%s'/>\n", rng->service);
            vbBufferAddLit(buf, "<protocol type='raw'/>\n");
        }
        vbBufferAdjustIndent(buf, -2);
        vbBufferAddLit(buf, "</backend>\n");
        break;
    case VB_DOMAIN_RNG_BACKEND_BUILTIN:
        vbBufferAsprintf(buf, "<backend model='%s'/>\n", backend);
        break;
    case VB_DOMAIN_RNG_BACKEND_LAST:
        break;
    }
    vbDomainDeviceInfoFormat(buf, &rng->info, flags);
    vbBufferAdjustIndent(buf, -2);
    vbBufferAddLit(buf, "</rng>\n");
}

int
vbDomainRNGDefValidate(const vbDomainRNGDef *rng)
{
    size_t i;

    if (rng->backend != VB_DOMAIN_RNG_BACKEND_RANDOM)
        return 0;
    for (i = 0; i < G_N_ELEMENTS(vbDomainRNGPaths); i++) {
        if (strcmp(rng->path, vbDomainRNGPaths[i]) == 0)
            return 0;
    }
    vbReportError(
        VIR_ERR_CONFIG_UNSUPPORTED,
        _("rng backend path '%s' is not supported; use '/dev/random', '/dev/urandom' or '/dev/hwrng'"),
        rng->path);
    return -1;
}
