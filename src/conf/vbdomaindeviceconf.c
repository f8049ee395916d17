/*
 * vbdomaindeviceconf.c: what all devices share: alias, address, boot order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each device family parses and formats its own element (one file each);
 * the parts every device has are read here, once.  The device table below
 * is how the rest of src/conf reaches the families: <devices> is parsed,
 * written and freed through it, and the iterator walks it for the passes
 * that span devices (address assignment, alias and PCI slot checks).
 */

#include <stddef.h>
#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbbuf.h"
#include "vbxml.h"
#include "vbdomainconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

VB_ENUM_IMPL(vbDomainDeviceAddressType, VB_DOMAIN_DEVICE_ADDRESS_LAST, "none", "pci", "drive",
             "usb", "isa", "virtio-serial");

VB_ENUM_IMPL(vbDomainDeviceType, VB_DOMAIN_DEVICE_LAST, "none", "disk", "controller", "input",
             "graphics", "audio", "video", "chr", "memballoon", "watchdog", "rng", "panic", "net");

void
vbDomainDeviceInfoClear(vbDomainDeviceInfo *info)
{
    g_clear_pointer(&info->alias, g_free);
    memset(&info->addr, 0, sizeof(info->addr));
    info->bootIndex = 0;
}

int
vbDomainDeviceAddressParse(const xmlNode *node, vbDomainDeviceAddress *addr)
{
    vbDomainDeviceAddressType type = VB_DOMAIN_DEVICE_ADDRESS_NONE;

    if (vbXMLPropEnumFull(node, "type", vbDomainDeviceAddressTypeTypeFromString,
                          VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO,
                          vbDomainReportUnsupportedValue, &type) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }

    addr->type = type;
    switch (type) {
    case VB_DOMAIN_DEVICE_ADDRESS_PCI:
        if (vbDomainCheckAttrs(
                node, VB_ATTRS("type", "domain", "bus", "slot", "function", "multifunction")) < 0 ||
            vbXMLPropUInt(node, "domain", 0, VB_XML_PROP_NONE, &addr->pci.domain) < 0 ||
            vbXMLPropUInt(node, "bus", 0, VB_XML_PROP_NONE, &addr->pci.bus) < 0 ||
            vbXMLPropUInt(node, "slot", 0, VB_XML_PROP_NONE, &addr->pci.slot) < 0 ||
            vbXMLPropUInt(node, "function", 0, VB_XML_PROP_NONE, &addr->pci.function) < 0 ||
            vbXMLPropEnum(node, "multifunction", vbTristateSwitchTypeFromString,
                          VB_XML_PROP_NONZERO, &addr->pci.multi) < 0)
            return -1;
        /* libvirt's checks and wording, in its order */
        if (addr->pci.domain > 0xffff) {
            vbReportError(VIR_ERR_XML_ERROR,
                          _("Invalid PCI address domain='0x%x', must be <= 0xFFFF"),
                          addr->pci.domain);
            return -1;
        }
        if (addr->pci.bus > 0xff) {
            vbReportError(VIR_ERR_XML_ERROR, _("Invalid PCI address bus='0x%x', must be <= 0xFF"),
                          addr->pci.bus);
            return -1;
        }
        if (addr->pci.slot > 0x1f) {
            vbReportError(VIR_ERR_XML_ERROR, _("Invalid PCI address slot='0x%x', must be <= 0x1F"),
                          addr->pci.slot);
            return -1;
        }
        if (addr->pci.function > 7) {
            vbReportError(VIR_ERR_XML_ERROR, _("Invalid PCI address function=0x%x, must be <= 7"),
                          addr->pci.function);
            return -1;
        }
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_DRIVE:
        if (vbDomainCheckAttrs(node, VB_ATTRS("type", "controller", "bus", "target", "unit")) < 0 ||
            vbXMLPropUInt(node, "controller", 10, VB_XML_PROP_NONE, &addr->drive.controller) < 0 ||
            vbXMLPropUInt(node, "bus", 10, VB_XML_PROP_NONE, &addr->drive.bus) < 0 ||
            vbXMLPropUInt(node, "target", 10, VB_XML_PROP_NONE, &addr->drive.target) < 0 ||
            vbXMLPropUInt(node, "unit", 10, VB_XML_PROP_NONE, &addr->drive.unit) < 0)
            return -1;
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_USB:
        /* a port behind a hub ('1.2') is not read: we build no hubs */
        if (vbDomainCheckAttrs(node, VB_ATTRS("type", "bus", "port")) < 0 ||
            vbXMLPropUInt(node, "bus", 10, VB_XML_PROP_NONE, &addr->usb.bus) < 0 ||
            vbXMLPropUInt(node, "port", 10, VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO,
                          &addr->usb.port) < 0)
            return -1;
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_ISA:
        if (vbDomainCheckAttrs(node, VB_ATTRS("type", "iobase", "irq")) < 0 ||
            vbXMLPropUInt(node, "iobase", 16, VB_XML_PROP_NONE, &addr->isa.iobase) < 0 ||
            vbXMLPropUInt(node, "irq", 16, VB_XML_PROP_NONE, &addr->isa.irq) < 0)
            return -1;
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL:
        if (vbDomainCheckAttrs(node, VB_ATTRS("type", "controller", "bus", "port")) < 0 ||
            vbXMLPropUInt(node, "controller", 10, VB_XML_PROP_NONE, &addr->vioserial.controller) <
                0 ||
            vbXMLPropUInt(node, "bus", 10, VB_XML_PROP_NONE, &addr->vioserial.bus) < 0 ||
            vbXMLPropUInt(node, "port", 10, VB_XML_PROP_NONE, &addr->vioserial.port) < 0)
            return -1;
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_NONE:
    case VB_DOMAIN_DEVICE_ADDRESS_LAST:
        break;
    }
    return 0;
}

int
vbDomainDeviceBootParse(const xmlNode *node, vbDomainDeviceInfo *info)
{
    if (vbDomainCheckAttrs(node, VB_ATTRS("order")) < 0 ||
        vbXMLPropUInt(node, "order", 10, VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO,
                      &info->bootIndex) < 0)
        return -1;
    return 0;
}

int
vbDomainAliasParse(const xmlNode *node, char **alias, unsigned int flags)
{
    g_autofree char *name = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("name")) < 0 ||
        vbXMLPropStringFull(node, "name", VB_XML_PROP_REQUIRED, &name) < 0)
        return -1;
    if (vbDomainCheckIdentifier(node, "name", name, VB_DOMAIN_ALIAS_MAX) < 0)
        return -1;
    /* only a user's alias belongs to the persistent definition */
    if ((flags & VB_DOMAIN_DEF_PARSE_INACTIVE) && !vbDomainAliasIsUser(name))
        return 0;
    g_free(*alias);
    *alias = g_steal_pointer(&name);
    return 0;
}

static void
vbDomainDeviceAddressFormat(vbBuffer *buf, const vbDomainDeviceAddress *addr)
{
    switch (addr->type) {
    case VB_DOMAIN_DEVICE_ADDRESS_PCI:
        vbBufferAsprintf(buf,
                         "<address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                         "function='0x%x'",
                         addr->pci.domain, addr->pci.bus, addr->pci.slot, addr->pci.function);
        if (addr->pci.multi != VB_TRISTATE_SWITCH_ABSENT)
            vbBufferAsprintf(buf, " multifunction='%s'",
                             vbTristateSwitchTypeToString(addr->pci.multi));
        vbBufferAddLit(buf, "/>\n");
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_DRIVE:
        vbBufferAsprintf(
            buf, "<address type='drive' controller='%u' bus='%u' target='%u' unit='%u'/>\n",
            addr->drive.controller, addr->drive.bus, addr->drive.target, addr->drive.unit);
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_USB:
        vbBufferAsprintf(buf, "<address type='usb' bus='%u' port='%u'/>\n", addr->usb.bus,
                         addr->usb.port);
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_ISA:
        vbBufferAddLit(buf, "<address type='isa'");
        if (addr->isa.iobase)
            vbBufferAsprintf(buf, " iobase='0x%x'", addr->isa.iobase);
        if (addr->isa.irq)
            vbBufferAsprintf(buf, " irq='0x%x'", addr->isa.irq);
        vbBufferAddLit(buf, "/>\n");
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL:
        vbBufferAsprintf(buf,
                         "<address type='virtio-serial' controller='%u' bus='%u' port='%u'/>\n",
                         addr->vioserial.controller, addr->vioserial.bus, addr->vioserial.port);
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_NONE:
    case VB_DOMAIN_DEVICE_ADDRESS_LAST:
        break;
    }
}

void
vbDomainDeviceInfoFormat(vbBuffer *buf, const vbDomainDeviceInfo *info, unsigned int flags)
{
    if (info->bootIndex)
        vbBufferAsprintf(buf, "<boot order='%u'/>\n", info->bootIndex);
    if (!(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE) || vbDomainAliasIsUser(info->alias))
        vbBufferEscapeString(buf, "<alias name='%s'/>\n", info->alias);
    vbDomainDeviceAddressFormat(buf, &info->addr);
}

bool
vbDomainAliasIsUser(const char *alias)
{
    return alias && g_str_has_prefix(alias, "ua-");
}

/* ---- the device table --------------------------------------------------- */

typedef void *(*vbDomainDeviceParseFunc)(const xmlNode *node, unsigned int flags);
typedef void (*vbDomainDeviceFormatFunc)(vbBuffer *buf, const void *dev, unsigned int flags);
typedef const char *(*vbDomainDeviceElementFunc)(const void *dev);

/* One row per device element of <devices>: all that the generic code
 * (parse, format, free, iterate) needs to know about a family.  A new
 * family adds its row, its member of vbDomainDeviceDef's union and its
 * type.  The families' functions keep their own pointer types; the rows
 * hold them cast to generic ones, as GLib's GDestroyNotify casts are. */
typedef struct _vbDomainDeviceFamily vbDomainDeviceFamily;
struct _vbDomainDeviceFamily {
    const char *element;
    vbDomainDeviceType type;
    /* reads one element: never NULL without an error reported */
    vbDomainDeviceParseFunc parse;
    vbDomainDeviceFormatFunc format;
    /* the element a device of the list is written as, for a list holding
     * more than one (serials and consoles); NULL: always @element */
    vbDomainDeviceElementFunc elementOf;
    GDestroyNotify free;
    /* where the definition keeps devices of this type: an array of
     * pointers at offset @list with its length at @count, or (@count 0)
     * one pointer at @list.  Rows of one type name the same place. */
    size_t list;
    size_t count;
    size_t info; /* of the vbDomainDeviceInfo in the device's struct */
};

#define VB_DOMAIN_DEVICE_LIST(field, nfield) \
    .list = offsetof(vbDomainDef, field), .count = offsetof(vbDomainDef, nfield)
#define VB_DOMAIN_DEVICE_ONE(field) .list = offsetof(vbDomainDef, field), .count = 0

/* In the order libvirt writes <devices>; the iterator follows it too, one
 * list after the other (so serials and consoles in definition order). */
static const vbDomainDeviceFamily vbDomainDeviceFamilies[] = {
    {
        .element = "disk",
        .type = VB_DOMAIN_DEVICE_DISK,
        .parse = (vbDomainDeviceParseFunc) vbDomainDiskDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainDiskDefFormat,
        .free = (GDestroyNotify) vbDomainDiskDefFree,
        VB_DOMAIN_DEVICE_LIST(disks, ndisks),
        .info = offsetof(vbDomainDiskDef, info),
    },
    {
        .element = "controller",
        .type = VB_DOMAIN_DEVICE_CONTROLLER,
        .parse = (vbDomainDeviceParseFunc) vbDomainControllerDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainControllerDefFormat,
        .free = (GDestroyNotify) vbDomainControllerDefFree,
        VB_DOMAIN_DEVICE_LIST(controllers, ncontrollers),
        .info = offsetof(vbDomainControllerDef, info),
    },
    {
        .element = "interface",
        .type = VB_DOMAIN_DEVICE_NET,
        .parse = (vbDomainDeviceParseFunc) vbDomainNetDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainNetDefFormat,
        .free = (GDestroyNotify) vbDomainNetDefFree,
        VB_DOMAIN_DEVICE_LIST(nets, nnets),
        .info = offsetof(vbDomainNetDef, info),
    },
    {
        .element = "serial",
        .type = VB_DOMAIN_DEVICE_CHR,
        .parse = (vbDomainDeviceParseFunc) vbDomainChrDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainChrDefFormat,
        .elementOf = (vbDomainDeviceElementFunc) vbDomainChrDefElement,
        .free = (GDestroyNotify) vbDomainChrDefFree,
        VB_DOMAIN_DEVICE_LIST(chrs, nchrs),
        .info = offsetof(vbDomainChrDef, info),
    },
    {
        .element = "console",
        .type = VB_DOMAIN_DEVICE_CHR,
        .parse = (vbDomainDeviceParseFunc) vbDomainChrDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainChrDefFormat,
        .elementOf = (vbDomainDeviceElementFunc) vbDomainChrDefElement,
        .free = (GDestroyNotify) vbDomainChrDefFree,
        VB_DOMAIN_DEVICE_LIST(chrs, nchrs),
        .info = offsetof(vbDomainChrDef, info),
    },
    {
        .element = "channel",
        .type = VB_DOMAIN_DEVICE_CHR,
        .parse = (vbDomainDeviceParseFunc) vbDomainChrDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainChrDefFormat,
        .elementOf = (vbDomainDeviceElementFunc) vbDomainChrDefElement,
        .free = (GDestroyNotify) vbDomainChrDefFree,
        VB_DOMAIN_DEVICE_LIST(chrs, nchrs),
        .info = offsetof(vbDomainChrDef, info),
    },
    {
        .element = "input",
        .type = VB_DOMAIN_DEVICE_INPUT,
        .parse = (vbDomainDeviceParseFunc) vbDomainInputDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainInputDefFormat,
        .free = (GDestroyNotify) vbDomainInputDefFree,
        VB_DOMAIN_DEVICE_LIST(inputs, ninputs),
        .info = offsetof(vbDomainInputDef, info),
    },
    {
        .element = "graphics",
        .type = VB_DOMAIN_DEVICE_GRAPHICS,
        .parse = (vbDomainDeviceParseFunc) vbDomainGraphicsDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainGraphicsDefFormat,
        .free = (GDestroyNotify) vbDomainGraphicsDefFree,
        VB_DOMAIN_DEVICE_LIST(graphics, ngraphics),
        .info = offsetof(vbDomainGraphicsDef, info),
    },
    {
        .element = "audio",
        .type = VB_DOMAIN_DEVICE_AUDIO,
        .parse = (vbDomainDeviceParseFunc) vbDomainAudioDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainAudioDefFormat,
        .free = (GDestroyNotify) vbDomainAudioDefFree,
        VB_DOMAIN_DEVICE_LIST(audios, naudios),
        .info = offsetof(vbDomainAudioDef, info),
    },
    {
        .element = "video",
        .type = VB_DOMAIN_DEVICE_VIDEO,
        .parse = (vbDomainDeviceParseFunc) vbDomainVideoDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainVideoDefFormat,
        .free = (GDestroyNotify) vbDomainVideoDefFree,
        VB_DOMAIN_DEVICE_LIST(videos, nvideos),
        .info = offsetof(vbDomainVideoDef, info),
    },
    {
        .element = "watchdog",
        .type = VB_DOMAIN_DEVICE_WATCHDOG,
        .parse = (vbDomainDeviceParseFunc) vbDomainWatchdogDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainWatchdogDefFormat,
        .free = (GDestroyNotify) vbDomainWatchdogDefFree,
        VB_DOMAIN_DEVICE_ONE(watchdog),
        .info = offsetof(vbDomainWatchdogDef, info),
    },
    {
        .element = "memballoon",
        .type = VB_DOMAIN_DEVICE_MEMBALLOON,
        .parse = (vbDomainDeviceParseFunc) vbDomainMemballoonDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainMemballoonDefFormat,
        .free = (GDestroyNotify) vbDomainMemballoonDefFree,
        VB_DOMAIN_DEVICE_ONE(memballoon),
        .info = offsetof(vbDomainMemballoonDef, info),
    },
    {
        .element = "rng",
        .type = VB_DOMAIN_DEVICE_RNG,
        .parse = (vbDomainDeviceParseFunc) vbDomainRNGDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainRNGDefFormat,
        .free = (GDestroyNotify) vbDomainRNGDefFree,
        VB_DOMAIN_DEVICE_LIST(rngs, nrngs),
        .info = offsetof(vbDomainRNGDef, info),
    },
    {
        .element = "panic",
        .type = VB_DOMAIN_DEVICE_PANIC,
        .parse = (vbDomainDeviceParseFunc) vbDomainPanicDefParse,
        .format = (vbDomainDeviceFormatFunc) vbDomainPanicDefFormat,
        .free = (GDestroyNotify) vbDomainPanicDefFree,
        VB_DOMAIN_DEVICE_LIST(panics, npanics),
        .info = offsetof(vbDomainPanicDef, info),
    },
};

static const vbDomainDeviceFamily *
vbDomainDeviceFamilyByElement(const xmlNode *node)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vbDomainDeviceFamilies); i++) {
        if (vbXMLNodeNameEqual(node, vbDomainDeviceFamilies[i].element))
            return &vbDomainDeviceFamilies[i];
    }
    return NULL;
}

/* The first row of @type, the one the walks over the definition use. */
static const vbDomainDeviceFamily *
vbDomainDeviceFamilyByType(vbDomainDeviceType type)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vbDomainDeviceFamilies); i++) {
        if (vbDomainDeviceFamilies[i].type == type)
            return &vbDomainDeviceFamilies[i];
    }
    return NULL;
}

/* true for the first row of its type: a type's devices are walked once */
static bool
vbDomainDeviceFamilyIsFirst(const vbDomainDeviceFamily *family)
{
    return vbDomainDeviceFamilyByType(family->type) == family;
}

/* The pointer array, or the one pointer, where @def keeps @family's
 * devices; *@n is their number (0 or 1 for a single one).  The devices
 * are the caller's to change if @def is. */
static void **
vbDomainDeviceFamilyList(const vbDomainDeviceFamily *family, const vbDomainDef *def, size_t *n)
{
    char *base = (char *) def;

    if (!family->count) {
        void **one = (void **) (base + family->list);

        *n = *one ? 1 : 0;
        return one;
    }
    *n = *(size_t *) (base + family->count);
    return *(void ***) (base + family->list);
}

static void
vbDomainDeviceDefSet(vbDomainDeviceDef *dev, vbDomainDeviceType type, void *ptr)
{
    dev->type = type;
    dev->data.ptr = ptr;
}

int
vbDomainDeviceDefParseNode(const xmlNode *node, unsigned int flags, vbDomainDeviceDef *dev)
{
    const vbDomainDeviceFamily *family = vbDomainDeviceFamilyByElement(node);
    void *ptr;

    if (!family) {
        vbDomainReportUnsupportedElement(node);
        return -1;
    }
    if (!(ptr = family->parse(node, flags)))
        return -1;
    vbDomainDeviceDefSet(dev, family->type, ptr);
    return 0;
}

/* The device elements libvirt 9.0 knows (virDomainDeviceDefParse) */
static const char *const vbDomainDeviceLibvirtElements[] = {
    "disk",       "lease",     "filesystem", "interface",  "input",    "sound",
    "video",      "hostdev",   "watchdog",   "controller", "graphics", "hub",
    "redirdev",   "smartcard", "serial",     "parallel",   "console",  "channel",
    "memballoon", "nvram",     "rng",        "shmem",      "tpm",      "panic",
    "memory",     "iommu",     "vsock",      "audio",      "crypto",   NULL,
};

vbDomainDeviceDef *
vbDomainDeviceDefParse(const char *xml, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(vbDomainDeviceDef) dev = g_new0(vbDomainDeviceDef, 1);
    xmlNode *root;

    vbCheckFlags(flags, VB_DOMAIN_DEF_PARSE_INACTIVE | VB_DOMAIN_DEF_PARSE_STATUS, NULL);
    if (!xml) {
        vbReportError(VIR_ERR_INVALID_ARG, _("no device XML given"));
        return NULL;
    }
    if (!(doc = vbXMLParseString(xml, "(device_definition)", VB_DOMAIN_XML_MAX_LEN)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (root && !g_strv_contains(vbDomainDeviceLibvirtElements, (const char *) root->name)) {
        /* libvirt's wording for an element that is no device at all */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unknown device type '%s'"),
                      (const char *) root->name);
        return NULL;
    }
    if (!vbDomainDeviceFamilyByElement(root)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("device element '<%s>' is not supported by virtblockd"),
                      root ? (const char *) root->name : "");
        return NULL;
    }
    if (vbDomainDeviceDefParseNode(root, flags, dev) < 0)
        return NULL;
    return g_steal_pointer(&dev);
}

void
vbDomainDeviceDefClear(vbDomainDeviceDef *dev)
{
    const vbDomainDeviceFamily *family = vbDomainDeviceFamilyByType(dev->type);

    if (family && dev->data.ptr)
        family->free(dev->data.ptr);
    vbDomainDeviceDefSet(dev, VB_DOMAIN_DEVICE_NONE, NULL);
}

void
vbDomainDeviceDefFree(vbDomainDeviceDef *dev)
{
    if (!dev)
        return;
    vbDomainDeviceDefClear(dev);
    g_free(dev);
}

int
vbDomainDefAddDevice(vbDomainDef *def, vbDomainDeviceDef *dev)
{
    const vbDomainDeviceFamily *family = vbDomainDeviceFamilyByType(dev->type);
    char *base = (char *) def;

    g_return_val_if_fail(family != NULL && dev->data.ptr != NULL, -1);

    if (!family->count) {
        void **one = (void **) (base + family->list);

        if (*one) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("domain '%s' already has a <%s> device"),
                          def->name ? def->name : "", family->element);
            return -1;
        }
        *one = dev->data.ptr;
    } else {
        void ***list = (void ***) (base + family->list);
        size_t *n = (size_t *) (base + family->count);

        *list = g_renew(void *, *list, *n + 1);
        (*list)[(*n)++] = dev->data.ptr;
    }
    vbDomainDeviceDefSet(dev, VB_DOMAIN_DEVICE_NONE, NULL);
    return 0;
}

void
vbDomainDefFreeDevices(vbDomainDef *def)
{
    size_t f;

    for (f = 0; f < G_N_ELEMENTS(vbDomainDeviceFamilies); f++) {
        const vbDomainDeviceFamily *family = &vbDomainDeviceFamilies[f];
        void **list;
        size_t n;
        size_t i;

        if (!vbDomainDeviceFamilyIsFirst(family))
            continue;
        list = vbDomainDeviceFamilyList(family, def, &n);
        for (i = 0; i < n; i++)
            family->free(list[i]);
        if (family->count) {
            g_free(list);
            *(void **) ((char *) def + family->list) = NULL;
            *(size_t *) ((char *) def + family->count) = 0;
        } else {
            *(void **) ((char *) def + family->list) = NULL;
        }
    }
}

vbDomainDeviceInfo *
vbDomainDeviceGetInfo(const vbDomainDeviceDef *dev)
{
    const vbDomainDeviceFamily *family = vbDomainDeviceFamilyByType(dev->type);

    if (!family || !dev->data.ptr)
        return NULL;
    return (vbDomainDeviceInfo *) ((char *) dev->data.ptr + family->info);
}

int
vbDomainDeviceInfoIterate(vbDomainDef *def, vbDomainDeviceInfoCallback cb, void *opaque)
{
    size_t f;

    for (f = 0; f < G_N_ELEMENTS(vbDomainDeviceFamilies); f++) {
        const vbDomainDeviceFamily *family = &vbDomainDeviceFamilies[f];
        void **list;
        size_t n;
        size_t i;

        if (!vbDomainDeviceFamilyIsFirst(family))
            continue;
        list = vbDomainDeviceFamilyList(family, def, &n);
        for (i = 0; i < n; i++) {
            vbDomainDeviceDef dev;
            int rc;

            vbDomainDeviceDefSet(&dev, family->type, list[i]);
            if ((rc = cb(def, &dev, vbDomainDeviceGetInfo(&dev), opaque)) < 0)
                return rc;
        }
    }
    return 0;
}

void
vbDomainDefDevicesFormat(vbBuffer *buf, const vbDomainDef *def, unsigned int flags)
{
    size_t f;

    for (f = 0; f < G_N_ELEMENTS(vbDomainDeviceFamilies); f++) {
        const vbDomainDeviceFamily *family = &vbDomainDeviceFamilies[f];
        void **list;
        size_t n;
        size_t i;

        list = vbDomainDeviceFamilyList(family, def, &n);
        for (i = 0; i < n; i++) {
            if (family->elementOf && strcmp(family->elementOf(list[i]), family->element) != 0)
                continue;
            family->format(buf, list[i], flags);
        }
    }
}
