/*
 * vbdomainvideoconf.c: the <video> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
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

VB_ENUM_IMPL(vbDomainVideoType, VB_DOMAIN_VIDEO_TYPE_LAST, "default", "vga", "cirrus", "vmvga",
             "xen", "vbox", "qxl", "parallels", "virtio", "gop", "none", "bochs", "ramfb");

/* QEMU's smallest qxl video memory, and its VGA memory, in KiB */
#define VB_DOMAIN_VIDEO_QXL_RAM_DEFAULT (64 * 1024)
#define VB_DOMAIN_VIDEO_QXL_VGAMEM_DEFAULT (16 * 1024)
#define VB_DOMAIN_VIDEO_VRAM_DEFAULT (16 * 1024)

void
vbDomainVideoDefFree(vbDomainVideoDef *video)
{
    if (!video)
        return;
    vbDomainDeviceInfoClear(&video->info);
    g_free(video);
}

vbDomainVideoDef *
vbDomainVideoDefNew(vbDomainVideoType type)
{
    vbDomainVideoDef *video = g_new0(vbDomainVideoDef, 1);

    video->type = type;
    vbDomainVideoDefPostParse(video);
    return video;
}

/* an unknown model is refused as libvirt refuses it */
static void
vbDomainVideoReportUnknownModel(const xmlNode *node G_GNUC_UNUSED, const char *attr G_GNUC_UNUSED,
                                const char *value)
{
    g_autofree char *escaped = g_strescape(value ? value : "", NULL);

    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unknown video model '%s'"), escaped);
}

static int
vbDomainVideoModelParse(const xmlNode *node, vbDomainVideoDef *video)
{
    if (vbDomainCheckAttrs(
            node, VB_ATTRS("type", "ram", "vram", "vram64", "vgamem", "heads", "primary")) < 0 ||
        vbXMLPropEnumFull(node, "type", vbDomainVideoTypeTypeFromString, VB_XML_PROP_NONE,
                          vbDomainVideoReportUnknownModel, &video->type) < 0 ||
        vbXMLPropUInt(node, "ram", 10, VB_XML_PROP_NONE, &video->ram) < 0 ||
        vbXMLPropUInt(node, "vram", 10, VB_XML_PROP_NONE, &video->vram) < 0 ||
        vbXMLPropUInt(node, "vram64", 10, VB_XML_PROP_NONE, &video->vram64) < 0 ||
        vbXMLPropUInt(node, "vgamem", 10, VB_XML_PROP_NONE, &video->vgamem) < 0 ||
        vbXMLPropUInt(node, "heads", 10, VB_XML_PROP_NONE, &video->heads) < 0 ||
        vbXMLPropBool(node, "primary", VB_XML_PROP_NONE, &video->primary) < 0)
        return -1;

    switch (video->type) {
    case VB_DOMAIN_VIDEO_TYPE_DEFAULT:
    case VB_DOMAIN_VIDEO_TYPE_VGA:
    case VB_DOMAIN_VIDEO_TYPE_CIRRUS:
    case VB_DOMAIN_VIDEO_TYPE_QXL:
    case VB_DOMAIN_VIDEO_TYPE_VIRTIO:
    case VB_DOMAIN_VIDEO_TYPE_NONE:
    case VB_DOMAIN_VIDEO_TYPE_BOCHS:
        break;
    case VB_DOMAIN_VIDEO_TYPE_VMVGA:
    case VB_DOMAIN_VIDEO_TYPE_XEN:
    case VB_DOMAIN_VIDEO_TYPE_VBOX:
    case VB_DOMAIN_VIDEO_TYPE_PARALLELS:
    case VB_DOMAIN_VIDEO_TYPE_GOP:
    case VB_DOMAIN_VIDEO_TYPE_RAMFB:
    case VB_DOMAIN_VIDEO_TYPE_LAST:
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("video model '%s' is not supported by virtblockd; use 'virtio', 'qxl', 'vga', 'bochs', 'cirrus' or 'none'"),
            vbDomainVideoTypeTypeToString(video->type));
        return -1;
    }

    /* <acceleration> and <resolution> would be settings silently lost */
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    return 0;
}

vbDomainVideoDef *
vbDomainVideoDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainVideoDef) video = g_new0(vbDomainVideoDef, 1);
    xmlNode *child;

    if (vbDomainCheckAttrs(node, NULL) < 0 ||
        vbDomainCheckUniqueChildren(node, VB_ATTRS("model", "alias", "address")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "model")) {
            if (vbDomainVideoModelParse(child, video) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &video->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &video->info.addr) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    return g_steal_pointer(&video);
}

void
vbDomainVideoDefPostParse(vbDomainVideoDef *video)
{
    if (video->type == VB_DOMAIN_VIDEO_TYPE_DEFAULT)
        video->type = VB_DOMAIN_VIDEO_TYPE_CIRRUS;

    switch (video->type) {
    case VB_DOMAIN_VIDEO_TYPE_VGA:
    case VB_DOMAIN_VIDEO_TYPE_CIRRUS:
    case VB_DOMAIN_VIDEO_TYPE_BOCHS:
        if (!video->vram)
            video->vram = VB_DOMAIN_VIDEO_VRAM_DEFAULT;
        break;
    case VB_DOMAIN_VIDEO_TYPE_QXL:
        if (!video->ram)
            video->ram = VB_DOMAIN_VIDEO_QXL_RAM_DEFAULT;
        if (!video->vram)
            video->vram = VB_DOMAIN_VIDEO_QXL_RAM_DEFAULT;
        if (!video->vgamem)
            video->vgamem = VB_DOMAIN_VIDEO_QXL_VGAMEM_DEFAULT;
        break;
    case VB_DOMAIN_VIDEO_TYPE_NONE: {
        /* libvirt keeps nothing but a user's alias of a 'none' video */
        g_autofree char *alias = g_steal_pointer(&video->info.alias);

        vbDomainDeviceInfoClear(&video->info);
        memset(video, 0, offsetof(vbDomainVideoDef, info));
        video->type = VB_DOMAIN_VIDEO_TYPE_NONE;
        video->info.alias = g_steal_pointer(&alias);
        return;
    }
    case VB_DOMAIN_VIDEO_TYPE_VIRTIO:
    case VB_DOMAIN_VIDEO_TYPE_DEFAULT:
    case VB_DOMAIN_VIDEO_TYPE_VMVGA:
    case VB_DOMAIN_VIDEO_TYPE_XEN:
    case VB_DOMAIN_VIDEO_TYPE_VBOX:
    case VB_DOMAIN_VIDEO_TYPE_PARALLELS:
    case VB_DOMAIN_VIDEO_TYPE_GOP:
    case VB_DOMAIN_VIDEO_TYPE_RAMFB:
    case VB_DOMAIN_VIDEO_TYPE_LAST:
        break;
    }
    if (!video->heads)
        video->heads = 1;
}

bool
vbDomainVideoDefIsVGA(const vbDomainVideoDef *video)
{
    return video->type == VB_DOMAIN_VIDEO_TYPE_VGA || video->type == VB_DOMAIN_VIDEO_TYPE_CIRRUS ||
           video->type == VB_DOMAIN_VIDEO_TYPE_QXL || video->type == VB_DOMAIN_VIDEO_TYPE_VIRTIO ||
           video->type == VB_DOMAIN_VIDEO_TYPE_BOCHS;
}

int
vbDomainVideoDefValidate(const vbDomainVideoDef *video)
{
    const char *model = vbDomainVideoTypeTypeToString(video->type);

    if (video->type == VB_DOMAIN_VIDEO_TYPE_NONE)
        return 0;

    if (video->type != VB_DOMAIN_VIDEO_TYPE_QXL) {
        if (video->ram) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("ram attribute only supported for video type qxl"));
            return -1;
        }
        if (video->vram64) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("vram64 attribute only supported for video type qxl"));
            return -1;
        }
        if (video->vgamem) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("vgamem attribute only supported for video type qxl"));
            return -1;
        }
    }

    if (video->type != VB_DOMAIN_VIDEO_TYPE_QXL && video->type != VB_DOMAIN_VIDEO_TYPE_VIRTIO) {
        if (!video->primary) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("video type '%s' is only valid as primary video device"), model);
            return -1;
        }
        if (video->heads != 1) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("video type '%s' doesn't support multiple 'heads'"), model);
            return -1;
        }
    }

    if (video->type == VB_DOMAIN_VIDEO_TYPE_QXL) {
        if (video->vram > G_MAXUINT / 1024) {
            vbReportError(VIR_ERR_OVERFLOW, _("value for 'vram' must be less than '%u'"),
                          G_MAXUINT / 1024);
            return -1;
        }
        if (video->ram > G_MAXUINT / 1024) {
            vbReportError(VIR_ERR_OVERFLOW, _("value for 'ram' must be less than '%u'"),
                          G_MAXUINT / 1024);
            return -1;
        }
        if (video->vgamem < 1024) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("value for 'vgamem' must be at least 1 MiB (1024 KiB)"));
            return -1;
        }
        if ((video->vgamem & (video->vgamem - 1)) != 0) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("value for 'vgamem' must be power of two"));
            return -1;
        }
    }

    if (video->type == VB_DOMAIN_VIDEO_TYPE_VGA && video->vram < 1024) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("value for 'vram' must be at least 1 MiB (1024 KiB)"));
        return -1;
    }

    if (video->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_NONE &&
        video->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_PCI) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("address type '%s' is not valid for a video device, it needs a 'pci' address"),
            vbDomainDeviceAddressTypeTypeToString(video->info.addr.type));
        return -1;
    }
    return 0;
}

void
vbDomainVideoDefFormat(vbBuffer *buf, const vbDomainVideoDef *video, unsigned int flags)
{
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferAsprintf(&childBuf, "<model type='%s'", vbDomainVideoTypeTypeToString(video->type));
    if (video->ram)
        vbBufferAsprintf(&childBuf, " ram='%u'", video->ram);
    if (video->vram)
        vbBufferAsprintf(&childBuf, " vram='%u'", video->vram);
    if (video->vram64)
        vbBufferAsprintf(&childBuf, " vram64='%u'", video->vram64);
    if (video->vgamem)
        vbBufferAsprintf(&childBuf, " vgamem='%u'", video->vgamem);
    if (video->heads)
        vbBufferAsprintf(&childBuf, " heads='%u'", video->heads);
    if (video->primary)
        vbBufferAddLit(&childBuf, " primary='yes'");
    vbBufferAddLit(&childBuf, "/>\n");
    vbDomainDeviceInfoFormat(&childBuf, &video->info, flags);
    vbXMLFormatElement(buf, "video", NULL, &childBuf);
}
