/*
 * vbdomaincontrollerconf.c: a <controller>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The machine's PCI root, and the SATA and SCSI controllers disks sit on.
 * Those a disk implies are added by post-parse, not written by the user.
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

VB_ENUM_IMPL(vbDomainControllerType, VB_DOMAIN_CONTROLLER_TYPE_LAST, "pci", "sata", "scsi",
             "virtio-serial");

VB_ENUM_IMPL(vbDomainControllerModel, VB_DOMAIN_CONTROLLER_MODEL_LAST, "default", "pci-root",
             "pcie-root", "virtio-scsi");

void
vbDomainControllerDefFree(vbDomainControllerDef *cont)
{
    if (!cont)
        return;
    vbDomainDeviceInfoClear(&cont->info);
    g_free(cont);
}

/* QEMU's virtio-serial-pci takes at most 511 ports (max_ports) */
#define VB_DOMAIN_VIRTIO_SERIAL_PORTS_MAX 511

/* ports and vectors of a virtio-serial controller; other types have none */
static int
vbDomainControllerVirtioSerialParse(vbDomainControllerDef *cont, const xmlNode *node)
{
    if (vbXMLPropUInt(node, "ports", 10, VB_XML_PROP_NONZERO, &cont->ports) < 0 ||
        vbXMLPropUInt(node, "vectors", 10, VB_XML_PROP_NONE, &cont->vectors) < 0)
        return -1;
    if (cont->ports > VB_DOMAIN_VIRTIO_SERIAL_PORTS_MAX) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("virtio-serial controller '%u' has %u ports, QEMU allows at most %d"),
                      cont->index, cont->ports, VB_DOMAIN_VIRTIO_SERIAL_PORTS_MAX);
        return -1;
    }
    return 0;
}

vbDomainControllerDef *
vbDomainControllerDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainControllerDef) cont = g_new0(vbDomainControllerDef, 1);
    xmlNode *child;

    if (vbDomainCheckAttrs(node, VB_ATTRS("type", "index", "model", "ports", "vectors")) < 0 ||
        vbXMLPropEnumFull(node, "type", vbDomainControllerTypeTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &cont->type) < 0 ||
        vbXMLPropUInt(node, "index", 10, VB_XML_PROP_NONE, &cont->index) < 0 ||
        vbXMLPropEnumFull(node, "model", vbDomainControllerModelTypeFromString, VB_XML_PROP_NONZERO,
                          vbDomainReportUnsupportedValue, &cont->model) < 0)
        return NULL;

    if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL) {
        if (vbDomainControllerVirtioSerialParse(cont, node) < 0)
            return NULL;
    } else if (vbDomainCheckAttrs(node, VB_ATTRS("type", "index", "model")) < 0) {
        return NULL;
    }

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("alias", "address")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &cont->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &cont->info.addr) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    return g_steal_pointer(&cont);
}

void
vbDomainControllerDefFormat(vbBuffer *buf, const vbDomainControllerDef *cont, unsigned int flags)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferAsprintf(&attrBuf, " type='%s' index='%u'",
                     vbDomainControllerTypeTypeToString(cont->type), cont->index);
    if (cont->model != VB_DOMAIN_CONTROLLER_MODEL_DEFAULT)
        vbBufferAsprintf(&attrBuf, " model='%s'", vbDomainControllerModelTypeToString(cont->model));
    if (cont->ports)
        vbBufferAsprintf(&attrBuf, " ports='%u'", cont->ports);
    if (cont->vectors)
        vbBufferAsprintf(&attrBuf, " vectors='%u'", cont->vectors);
    vbDomainDeviceInfoFormat(&childBuf, &cont->info, flags);
    vbXMLFormatElement(buf, "controller", &attrBuf, &childBuf);
}

/* What the machine can have: its PCI root, SATA (AHCI) and virtio-scsi. */
int
vbDomainControllerDefValidate(const vbDomainDef *def, const vbDomainControllerDef *cont)
{
    bool ok = false;

    switch (cont->type) {
    case VB_DOMAIN_CONTROLLER_TYPE_PCI:
        if (cont->index != 0)
            break;
        if (vbDomainDefHasQ35Machine(def))
            ok = cont->model == VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT;
        else
            ok = cont->model == VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_SATA:
        ok = cont->model == VB_DOMAIN_CONTROLLER_MODEL_DEFAULT;
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_SCSI:
        ok = cont->model == VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI;
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        ok = cont->model == VB_DOMAIN_CONTROLLER_MODEL_DEFAULT;
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    if (!ok) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("controller '%s' index '%u' model '%s' is not supported on machine '%s'"),
                      vbDomainControllerTypeTypeToString(cont->type), cont->index,
                      vbDomainControllerModelTypeToString(cont->model), def->machine);
        return -1;
    }
    return 0;
}
