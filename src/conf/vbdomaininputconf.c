/*
 * vbdomaininputconf.c: the <input> device
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

VB_ENUM_IMPL(vbDomainInputType, VB_DOMAIN_INPUT_TYPE_LAST, "mouse", "tablet", "keyboard",
             "passthrough", "evdev");

VB_ENUM_IMPL(vbDomainInputBus, VB_DOMAIN_INPUT_BUS_LAST, "ps2", "usb", "xen", "parallels", "virtio",
             "none");

void
vbDomainInputDefFree(vbDomainInputDef *input)
{
    if (!input)
        return;
    vbDomainDeviceInfoClear(&input->info);
    g_free(input);
}

/* libvirt's default bus of an x86 guest: a mouse or keyboard on ps2, a
 * tablet on usb */
static vbDomainInputBus
vbDomainInputDefaultBus(vbDomainInputType type)
{
    return type == VB_DOMAIN_INPUT_TYPE_TABLET ? VB_DOMAIN_INPUT_BUS_USB : VB_DOMAIN_INPUT_BUS_PS2;
}

vbDomainInputDef *
vbDomainInputDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainInputDef) input = g_new0(vbDomainInputDef, 1);
    xmlNode *child;
    int rc;

    if (vbDomainCheckAttrs(node, VB_ATTRS("type", "bus")) < 0 ||
        vbXMLPropEnumFull(node, "type", vbDomainInputTypeTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &input->type) < 0 ||
        (rc = vbXMLPropEnumFull(node, "bus", vbDomainInputBusTypeFromString, VB_XML_PROP_NONE,
                                vbDomainReportUnsupportedValue, &input->bus)) < 0)
        return NULL;

    switch (input->type) {
    case VB_DOMAIN_INPUT_TYPE_MOUSE:
    case VB_DOMAIN_INPUT_TYPE_TABLET:
    case VB_DOMAIN_INPUT_TYPE_KBD:
        break;
    case VB_DOMAIN_INPUT_TYPE_PASSTHROUGH:
    case VB_DOMAIN_INPUT_TYPE_EVDEV:
    case VB_DOMAIN_INPUT_TYPE_LAST:
        vbDomainReportUnsupportedValue(node, "type", vbDomainInputTypeTypeToString(input->type));
        return NULL;
    }
    if (rc == 0)
        input->bus = vbDomainInputDefaultBus(input->type);
    switch (input->bus) {
    case VB_DOMAIN_INPUT_BUS_PS2:
    case VB_DOMAIN_INPUT_BUS_USB:
    case VB_DOMAIN_INPUT_BUS_VIRTIO:
        break;
    case VB_DOMAIN_INPUT_BUS_XEN:
    case VB_DOMAIN_INPUT_BUS_PARALLELS:
    case VB_DOMAIN_INPUT_BUS_NONE:
    case VB_DOMAIN_INPUT_BUS_LAST:
        vbDomainReportUnsupportedValue(node, "bus", vbDomainInputBusTypeToString(input->bus));
        return NULL;
    }

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("alias", "address")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &input->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &input->info.addr) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    return g_steal_pointer(&input);
}

int
vbDomainInputDefValidate(const vbDomainInputDef *input)
{
    vbDomainDeviceAddressType want = VB_DOMAIN_DEVICE_ADDRESS_NONE;
    const char *bus = vbDomainInputBusTypeToString(input->bus);

    /* libvirt's check and wording (and its code, which says internal) */
    if (input->bus == VB_DOMAIN_INPUT_BUS_PS2 && input->type == VB_DOMAIN_INPUT_TYPE_TABLET) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("ps2 bus does not support tablet input device"));
        return -1;
    }
    if (input->bus == VB_DOMAIN_INPUT_BUS_USB)
        want = VB_DOMAIN_DEVICE_ADDRESS_USB;
    else if (input->bus == VB_DOMAIN_INPUT_BUS_VIRTIO)
        want = VB_DOMAIN_DEVICE_ADDRESS_PCI;
    if (input->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_NONE && input->info.addr.type != want) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("address type '%s' is not valid for an input device on bus '%s'"),
                      vbDomainDeviceAddressTypeTypeToString(input->info.addr.type), bus);
        return -1;
    }
    return 0;
}

void
vbDomainInputDefFormat(vbBuffer *buf, const vbDomainInputDef *input, unsigned int flags)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferAsprintf(&attrBuf, " type='%s' bus='%s'", vbDomainInputTypeTypeToString(input->type),
                     vbDomainInputBusTypeToString(input->bus));
    vbDomainDeviceInfoFormat(&childBuf, &input->info, flags);
    vbXMLFormatElement(buf, "input", &attrBuf, &childBuf);
}
