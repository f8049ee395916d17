/*
 * vbdomaindeviceconf.c: what all devices share: alias, address, boot order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each device family parses and formats its own element (one file each);
 * the parts every device has are read here, once, and the iterator walks
 * every device of a definition for the passes that span them (address
 * assignment, alias checks).
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbxml.h"
#include "vbdomainconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

VB_ENUM_IMPL(vbDomainDeviceAddressType, VB_DOMAIN_DEVICE_ADDRESS_LAST, "none", "pci", "drive");

VB_ENUM_IMPL(vbDomainDeviceType, VB_DOMAIN_DEVICE_LAST, "none", "disk", "controller", "chr",
             "memballoon");

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
    int type = VB_DOMAIN_DEVICE_ADDRESS_NONE;
    g_autofree char *typeStr = vbXMLPropString(node, "type");

    if (!typeStr) {
        vbReportError(VIR_ERR_XML_ERROR, _("Missing required attribute '%s' in element '%s'"),
                      "type", "address");
        return -1;
    }
    if ((type = vbDomainDeviceAddressTypeTypeFromString(typeStr)) <= 0) {
        vbDomainReportUnsupportedValue(node, "type", typeStr);
        return -1;
    }
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }

    addr->type = type;
    switch ((vbDomainDeviceAddressType) type) {
    case VB_DOMAIN_DEVICE_ADDRESS_PCI:
        if (vbDomainCheckAttrs(node, VB_ATTRS("type", "domain", "bus", "slot", "function")) < 0 ||
            vbXMLPropUInt(node, "domain", 0, false, &addr->pci.domain) < 0 ||
            vbXMLPropUInt(node, "bus", 0, false, &addr->pci.bus) < 0 ||
            vbXMLPropUInt(node, "slot", 0, false, &addr->pci.slot) < 0 ||
            vbXMLPropUInt(node, "function", 0, false, &addr->pci.function) < 0)
            return -1;
        if (addr->pci.domain > 0xffff || addr->pci.bus > 0xff || addr->pci.slot > 0x1f ||
            addr->pci.function > 7) {
            vbReportError(VIR_ERR_XML_ERROR, _("PCI address %04x:%02x:%02x.%x is out of range"),
                          addr->pci.domain, addr->pci.bus, addr->pci.slot, addr->pci.function);
            return -1;
        }
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_DRIVE:
        if (vbDomainCheckAttrs(node, VB_ATTRS("type", "controller", "bus", "target", "unit")) < 0 ||
            vbXMLPropUInt(node, "controller", 10, false, &addr->drive.controller) < 0 ||
            vbXMLPropUInt(node, "bus", 10, false, &addr->drive.bus) < 0 ||
            vbXMLPropUInt(node, "target", 10, false, &addr->drive.target) < 0 ||
            vbXMLPropUInt(node, "unit", 10, false, &addr->drive.unit) < 0)
            return -1;
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_NONE:
    case VB_DOMAIN_DEVICE_ADDRESS_LAST:
        break;
    }
    return 0;
}

int
vbDomainAliasParse(const xmlNode *node, char **alias, unsigned int flags)
{
    g_autofree char *name = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("name")) < 0)
        return -1;
    if (!(name = vbXMLPropString(node, "name"))) {
        vbReportError(VIR_ERR_XML_ERROR, _("Missing required attribute '%s' in element '%s'"),
                      "name", "alias");
        return -1;
    }
    if (vbDomainCheckIdentifier(node, "name", name, VB_DOMAIN_ALIAS_MAX) < 0)
        return -1;
    /* only a user's alias belongs to the persistent definition */
    if ((flags & VB_DOMAIN_DEF_PARSE_INACTIVE) && !vbDomainAliasIsUser(name))
        return 0;
    g_free(*alias);
    *alias = g_steal_pointer(&name);
    return 0;
}

bool
vbDomainAliasIsUser(const char *alias)
{
    return alias && g_str_has_prefix(alias, "ua-");
}

vbDomainDeviceInfo *
vbDomainDeviceGetInfo(const vbDomainDeviceDef *dev)
{
    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        return &dev->data.disk->info;
    case VB_DOMAIN_DEVICE_CONTROLLER:
        return &dev->data.controller->info;
    case VB_DOMAIN_DEVICE_CHR:
        return &dev->data.chr->info;
    case VB_DOMAIN_DEVICE_MEMBALLOON:
        return &dev->data.memballoon->info;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    return NULL;
}

static int
vbDomainDeviceInfoVisit(vbDomainDef *def, vbDomainDeviceDef *dev, vbDomainDeviceInfoCallback cb,
                        void *opaque)
{
    return cb(def, dev, vbDomainDeviceGetInfo(dev), opaque);
}

int
vbDomainDeviceInfoIterate(vbDomainDef *def, vbDomainDeviceInfoCallback cb, void *opaque)
{
    vbDomainDeviceDef dev;
    size_t i;
    int rc;

    dev.type = VB_DOMAIN_DEVICE_DISK;
    for (i = 0; i < def->ndisks; i++) {
        dev.data.disk = def->disks[i];
        if ((rc = vbDomainDeviceInfoVisit(def, &dev, cb, opaque)) < 0)
            return rc;
    }
    dev.type = VB_DOMAIN_DEVICE_CONTROLLER;
    for (i = 0; i < def->ncontrollers; i++) {
        dev.data.controller = def->controllers[i];
        if ((rc = vbDomainDeviceInfoVisit(def, &dev, cb, opaque)) < 0)
            return rc;
    }
    dev.type = VB_DOMAIN_DEVICE_CHR;
    for (i = 0; i < def->nchrs; i++) {
        dev.data.chr = def->chrs[i];
        if ((rc = vbDomainDeviceInfoVisit(def, &dev, cb, opaque)) < 0)
            return rc;
    }
    if (def->memballoon) {
        dev.type = VB_DOMAIN_DEVICE_MEMBALLOON;
        dev.data.memballoon = def->memballoon;
        if ((rc = vbDomainDeviceInfoVisit(def, &dev, cb, opaque)) < 0)
            return rc;
    }
    return 0;
}
