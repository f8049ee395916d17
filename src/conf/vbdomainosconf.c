/*
 * vbdomainosconf.c: the boot and firmware settings of <os>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbbuf.h"
#include "vbxml.h"
#include "vbdomainosconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

VB_ENUM_IMPL(vbDomainBootDev, VB_DOMAIN_BOOT_LAST, "fd", "cdrom", "hd", "network");
VB_ENUM_IMPL(vbDomainSmbiosMode, VB_DOMAIN_SMBIOS_LAST, "none", "emulate", "host", "sysinfo");
VB_ENUM_IMPL(vbDomainLoaderType, VB_DOMAIN_LOADER_TYPE_LAST, "none", "rom", "pflash");
VB_ENUM_IMPL(vbDomainOSFirmware, VB_DOMAIN_OS_FIRMWARE_LAST, "none", "bios", "efi");
VB_ENUM_IMPL(vbDomainOSFirmwareFeature, VB_DOMAIN_OS_FIRMWARE_FEATURE_LAST, "enrolled-keys",
             "secure-boot");

void
vbDomainLoaderDefFree(vbDomainLoaderDef *loader)
{
    if (!loader)
        return;
    g_free(loader->path);
    g_free(loader->nvram);
    g_free(loader->nvramTemplate);
    g_free(loader);
}

void
vbDomainLoaderDefCopy(const vbDomainLoaderDef *src, vbDomainLoaderDef **dst)
{
    vbDomainLoaderDef *copy = g_new0(vbDomainLoaderDef, 1);

    *copy = *src;
    copy->path = g_strdup(src->path);
    copy->nvram = g_strdup(src->nvram);
    copy->nvramTemplate = g_strdup(src->nvramTemplate);
    *dst = copy;
}

void
vbDomainOSDefClear(vbDomainOSDef *os)
{
    vbDomainLoaderDefFree(os->loader);
    memset(os, 0, sizeof(*os));
}

int
vbDomainOSDefParseFirmwareAttr(vbDomainOSDef *os, const void *osNode)
{
    if (vbXMLPropEnum(osNode, "firmware", vbDomainOSFirmwareTypeFromString, VB_XML_PROP_NONZERO,
                      &os->firmware) < 0)
        return -1;
    return 0;
}

/* An absolute path without control characters, the text of @node */
static int
vbDomainOSPathParse(const xmlNode *node, char **result)
{
    g_autofree char *text = vbXMLNodeContent(node);

    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    /* empty is absent, as libvirt reads it */
    if (!*text)
        return 0;
    if (vbXMLCheckIllegalChars((const char *) node->name, text, NULL) < 0)
        return -1;
    if (!g_path_is_absolute(text)) {
        vbReportError(VIR_ERR_XML_ERROR, _("path '%s' of element '<%s>' must be absolute"), text,
                      (const char *) node->name);
        return -1;
    }
    g_free(*result);
    *result = g_steal_pointer(&text);
    return 0;
}

static vbDomainLoaderDef *
vbDomainOSDefLoader(vbDomainOSDef *os)
{
    if (!os->loader)
        os->loader = g_new0(vbDomainLoaderDef, 1);
    return os->loader;
}

static int
vbDomainLoaderParse(vbDomainOSDef *os, const xmlNode *node)
{
    vbDomainLoaderDef *loader = vbDomainOSDefLoader(os);

    if (vbDomainCheckAttrs(node, VB_ATTRS("readonly", "type", "secure")) < 0)
        return -1;
    if (vbXMLPropTristateBool(node, "readonly", VB_XML_PROP_NONE, &loader->readonly) < 0 ||
        vbXMLPropEnum(node, "type", vbDomainLoaderTypeTypeFromString, VB_XML_PROP_NONZERO,
                      &loader->type) < 0 ||
        vbXMLPropTristateBool(node, "secure", VB_XML_PROP_NONE, &loader->secure) < 0)
        return -1;
    /* -bios maps a ROM: it is always read-only and has no secure mode */
    if (loader->type == VB_DOMAIN_LOADER_TYPE_ROM &&
        (loader->secure == VB_TRISTATE_BOOL_YES || loader->readonly == VB_TRISTATE_BOOL_NO)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("loader type 'rom' is always read-only and cannot be secure; use type 'pflash'"));
        return -1;
    }
    return vbDomainOSPathParse(node, &loader->path);
}

static int
vbDomainNVRAMParse(vbDomainOSDef *os, const xmlNode *node)
{
    vbDomainLoaderDef *loader = vbDomainOSDefLoader(os);
    g_autofree char *template = NULL;

    /* type='file'/'network' with a <source> (libvirt 8.5) is not run */
    if (vbDomainCheckAttrs(node, VB_ATTRS("template")) < 0)
        return -1;
    if (vbXMLPropStringFull(node, "template", VB_XML_PROP_NONE, &template) < 0)
        return -1;
    if (template) {
        if (vbDomainCheckPath(node, "template", template) < 0)
            return -1;
        loader->nvramTemplate = g_steal_pointer(&template);
    }
    return vbDomainOSPathParse(node, &loader->nvram);
}

static int
vbDomainOSFirmwareFeaturesParse(vbDomainOSDef *os, const xmlNode *node)
{
    xmlNode *cur;

    if (vbDomainCheckAttrs(node, NULL) < 0)
        return -1;
    os->hasFirmwareFeatures = true;
    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        unsigned int feature;
        vbTristateBool enabled;

        if (!vbXMLNodeNameEqual(cur, "feature")) {
            vbDomainReportUnsupportedElement(cur);
            return -1;
        }
        if (vbDomainCheckAttrs(cur, VB_ATTRS("enabled", "name")) < 0 ||
            vbXMLPropEnum(cur, "name", vbDomainOSFirmwareFeatureTypeFromString,
                          VB_XML_PROP_REQUIRED, &feature) < 0 ||
            vbXMLPropTristateBool(cur, "enabled", VB_XML_PROP_REQUIRED, &enabled) < 0)
            return -1;
        /* libvirt keeps the last of repeated features */
        os->firmwareFeatures[feature] = enabled;
    }
    return 0;
}

static int
vbDomainOSBootParse(vbDomainOSDef *os, const xmlNode *node)
{
    unsigned int dev;

    if (vbDomainCheckAttrs(node, VB_ATTRS("dev")) < 0 ||
        vbXMLPropEnum(node, "dev", vbDomainBootDevTypeFromString, VB_XML_PROP_REQUIRED, &dev) < 0)
        return -1;
    /* libvirt reads the first four and ignores the rest */
    if (os->nBootDevs < VB_DOMAIN_BOOT_LAST)
        os->bootDevs[os->nBootDevs++] = dev;
    return 0;
}

static int
vbDomainOSBootmenuParse(vbDomainOSDef *os, const xmlNode *node)
{
    int rc;

    if (vbDomainCheckAttrs(node, VB_ATTRS("enable", "timeout")) < 0 ||
        vbXMLPropTristateBool(node, "enable", VB_XML_PROP_NONE, &os->bootmenu) < 0)
        return -1;
    /* a timeout counts only for a menu that is shown, as in libvirt */
    if (os->bootmenu == VB_TRISTATE_BOOL_YES) {
        if ((rc = vbXMLPropUInt(node, "timeout", 10, VB_XML_PROP_NONE, &os->bmTimeout)) < 0)
            return -1;
        os->bmTimeoutSet = rc > 0;
    }
    return 0;
}

static int
vbDomainOSBiosParse(vbDomainOSDef *os, const xmlNode *node)
{
    int rc;

    /* useserial needs the sgabios option ROM, which QEMU 7.2 no longer has */
    if (vbDomainCheckAttrs(node, VB_ATTRS("rebootTimeout")) < 0)
        return -1;
    if ((rc = vbXMLPropInt(node, "rebootTimeout", 10, VB_XML_PROP_NONE, &os->rebootTimeout)) < 0)
        return -1;
    os->rebootTimeoutSet = rc > 0;
    return 0;
}

static int
vbDomainOSSmbiosParse(vbDomainOSDef *os, const xmlNode *node)
{
    g_autofree char *mode = NULL;
    int value;

    if (vbDomainCheckAttrs(node, VB_ATTRS("mode")) < 0 ||
        vbXMLPropStringFull(node, "mode", VB_XML_PROP_REQUIRED, &mode) < 0)
        return -1;
    /* libvirt's code and wording; 'none' is accepted and not written back */
    if ((value = vbDomainSmbiosModeTypeFromString(mode)) < 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unknown smbios mode '%s'"), mode);
        return -1;
    }
    os->smbiosMode = value;
    return 0;
}

int
vbDomainOSDefParseElement(vbDomainOSDef *os, const void *opaque)
{
    const xmlNode *node = opaque;

    if (vbXMLNodeNameEqual(node, "boot"))
        return vbDomainOSBootParse(os, node) < 0 ? -1 : 1;
    if (vbXMLNodeNameEqual(node, "bootmenu"))
        return vbDomainOSBootmenuParse(os, node) < 0 ? -1 : 1;
    if (vbXMLNodeNameEqual(node, "bios"))
        return vbDomainOSBiosParse(os, node) < 0 ? -1 : 1;
    if (vbXMLNodeNameEqual(node, "smbios"))
        return vbDomainOSSmbiosParse(os, node) < 0 ? -1 : 1;
    if (vbXMLNodeNameEqual(node, "loader"))
        return vbDomainLoaderParse(os, node) < 0 ? -1 : 1;
    if (vbXMLNodeNameEqual(node, "nvram"))
        return vbDomainNVRAMParse(os, node) < 0 ? -1 : 1;
    if (vbXMLNodeNameEqual(node, "firmware"))
        return vbDomainOSFirmwareFeaturesParse(os, node) < 0 ? -1 : 1;
    return 0;
}

void
vbDomainOSDefFormatFirmwareAttr(vbBuffer *buf, const vbDomainOSDef *os)
{
    if (os->firmware != VB_DOMAIN_OS_FIRMWARE_NONE)
        vbBufferAsprintf(buf, " firmware='%s'", vbDomainOSFirmwareTypeToString(os->firmware));
}

void
vbDomainOSDefFormatFirmware(vbBuffer *buf, const vbDomainOSDef *os)
{
    size_t i;

    if (!os->hasFirmwareFeatures)
        return;
    vbBufferAddLit(buf, "<firmware>\n");
    vbBufferAdjustIndent(buf, 2);
    for (i = 0; i < VB_DOMAIN_OS_FIRMWARE_FEATURE_LAST; i++) {
        if (os->firmwareFeatures[i] == VB_TRISTATE_BOOL_ABSENT)
            continue;
        vbBufferAsprintf(buf, "<feature enabled='%s' name='%s'/>\n",
                         vbTristateBoolTypeToString(os->firmwareFeatures[i]),
                         vbDomainOSFirmwareFeatureTypeToString(i));
    }
    vbBufferAdjustIndent(buf, -2);
    vbBufferAddLit(buf, "</firmware>\n");
}

void
vbDomainOSDefFormatLoader(vbBuffer *buf, const vbDomainOSDef *os)
{
    const vbDomainLoaderDef *loader = os->loader;

    if (!loader)
        return;
    if (loader->readonly || loader->secure || loader->type || loader->path) {
        vbBufferAddLit(buf, "<loader");
        if (loader->readonly)
            vbBufferAsprintf(buf, " readonly='%s'", vbTristateBoolTypeToString(loader->readonly));
        if (loader->secure)
            vbBufferAsprintf(buf, " secure='%s'", vbTristateBoolTypeToString(loader->secure));
        if (loader->type)
            vbBufferAsprintf(buf, " type='%s'", vbDomainLoaderTypeTypeToString(loader->type));
        if (loader->path)
            vbBufferEscapeText(buf, ">%s</loader>\n", loader->path);
        else
            vbBufferAddLit(buf, "/>\n");
    }
    if (loader->nvram || loader->nvramTemplate) {
        vbBufferAddLit(buf, "<nvram");
        vbBufferEscapeString(buf, " template='%s'", loader->nvramTemplate);
        if (loader->nvram)
            vbBufferEscapeText(buf, ">%s</nvram>\n", loader->nvram);
        else
            vbBufferAddLit(buf, "/>\n");
    }
}

void
vbDomainOSDefFormatBoot(vbBuffer *buf, const vbDomainOSDef *os)
{
    size_t i;

    for (i = 0; i < os->nBootDevs; i++)
        vbBufferAsprintf(buf, "<boot dev='%s'/>\n", vbDomainBootDevTypeToString(os->bootDevs[i]));
    if (os->bootmenu) {
        vbBufferAsprintf(buf, "<bootmenu enable='%s'", vbTristateBoolTypeToString(os->bootmenu));
        if (os->bmTimeoutSet)
            vbBufferAsprintf(buf, " timeout='%u'", os->bmTimeout);
        vbBufferAddLit(buf, "/>\n");
    }
    if (os->rebootTimeoutSet)
        vbBufferAsprintf(buf, "<bios rebootTimeout='%d'/>\n", os->rebootTimeout);
    if (os->smbiosMode)
        vbBufferAsprintf(buf, "<smbios mode='%s'/>\n",
                         vbDomainSmbiosModeTypeToString(os->smbiosMode));
}

int
vbDomainOSDefValidate(const vbDomainOSDef *os)
{
    const vbDomainLoaderDef *loader = os->loader;

    /* libvirt's wording for both ranges */
    if (os->bmTimeoutSet && os->bmTimeout > 65535) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("invalid value for boot menu timeout, must be in range [0,65535]"));
        return -1;
    }
    if (os->rebootTimeoutSet && (os->rebootTimeout < -1 || os->rebootTimeout > 65535)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("invalid value for rebootTimeout, must be in range [-1,65535]"));
        return -1;
    }

    /* libvirt's rules and wording (virDomainDefOSValidate) */
    if (os->firmware == VB_DOMAIN_OS_FIRMWARE_NONE) {
        if (os->hasFirmwareFeatures) {
            vbReportError(
                VIR_ERR_XML_DETAIL,
                _("cannot use feature-based firmware autoselection when firmware autoselection is disabled"));
            return -1;
        }
        if (loader && !loader->path) {
            vbReportError(VIR_ERR_XML_DETAIL,
                          _("no loader path specified and firmware auto selection disabled"));
            return -1;
        }
        return 0;
    }
    if (!loader)
        return 0;
    if (loader->readonly) {
        vbReportError(
            VIR_ERR_XML_DETAIL,
            _("loader attribute 'readonly' cannot be specified when firmware autoselection is enabled"));
        return -1;
    }
    if (loader->type) {
        vbReportError(
            VIR_ERR_XML_DETAIL,
            _("loader attribute 'type' cannot be specified when firmware autoselection is enabled"));
        return -1;
    }
    if (loader->path) {
        vbReportError(VIR_ERR_XML_DETAIL,
                      _("loader path cannot be specified when firmware autoselection is enabled"));
        return -1;
    }
    if (loader->nvramTemplate) {
        vbReportError(
            VIR_ERR_XML_DETAIL,
            _("nvram attribute 'template' cannot be specified when firmware autoselection is enabled"));
        return -1;
    }
    if (loader->secure == VB_TRISTATE_BOOL_NO) {
        vbReportError(
            VIR_ERR_XML_DETAIL,
            _("loader attribute 'secure' cannot be specified when firmware autoselection is enabled"));
        return -1;
    }
    return 0;
}
