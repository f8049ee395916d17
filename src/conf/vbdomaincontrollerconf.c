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

VB_ENUM_IMPL(vbDomainControllerType, VB_DOMAIN_CONTROLLER_TYPE_LAST, "pci", "sata", "scsi", "usb",
             "virtio-serial");

VB_ENUM_IMPL(vbDomainControllerModel, VB_DOMAIN_CONTROLLER_MODEL_LAST, "default", "pci-root",
             "pcie-root", "virtio-scsi", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",
             "pcie-to-pci-bridge", "piix3-uhci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
             "ich9-uhci3", "nec-xhci", "qemu-xhci", "none");

VB_ENUM_IMPL(vbDomainControllerPCIModelName, VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_LAST, "none",
             "pci-bridge", "i82801b11-bridge", "pcie-root-port", "pcie-pci-bridge");

vbDomainControllerDef *
vbDomainControllerDefNew(vbDomainControllerType type, unsigned int index,
                         vbDomainControllerModel model)
{
    vbDomainControllerDef *cont = g_new0(vbDomainControllerDef, 1);

    cont->type = type;
    cont->index = index;
    cont->model = model;
    cont->chassisNr = -1;
    cont->chassis = -1;
    cont->port = -1;
    cont->startport = -1;
    return cont;
}

void
vbDomainControllerDefFree(vbDomainControllerDef *cont)
{
    if (!cont)
        return;
    vbDomainDeviceInfoClear(&cont->info);
    g_free(cont);
}

bool
vbDomainControllerModelIsUSB2(vbDomainControllerModel model)
{
    return model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_EHCI1 ||
           model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1 ||
           model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2 ||
           model == VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3;
}

void
vbDomainDefAssignControllerIndexes(vbDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->ncontrollers; i++) {
        vbDomainControllerDef *cont = def->controllers[i];
        const vbDomainControllerDef *prev = NULL;
        unsigned int index = 0;
        bool found;

        if (!cont->indexAuto)
            continue;
        cont->indexAuto = false;
        if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_USB &&
            vbDomainControllerModelIsUSB2(cont->model)) {
            /* the USB controller listed just before, if of the group and
             * without one of this model yet */
            for (j = i; j > 0 && !prev; j--) {
                if (def->controllers[j - 1]->type == VB_DOMAIN_CONTROLLER_TYPE_USB)
                    prev = def->controllers[j - 1];
            }
            if (prev && !vbDomainControllerModelIsUSB2(prev->model))
                prev = NULL;
            for (j = 0; prev && j < def->ncontrollers; j++) {
                if (j != i && def->controllers[j]->type == VB_DOMAIN_CONTROLLER_TYPE_USB &&
                    !def->controllers[j]->indexAuto && def->controllers[j]->index == prev->index &&
                    def->controllers[j]->model == cont->model)
                    prev = NULL;
            }
            if (prev) {
                cont->index = prev->index;
                continue;
            }
        }
        do {
            found = false;
            for (j = 0; j < def->ncontrollers && !found; j++) {
                const vbDomainControllerDef *other = def->controllers[j];

                found = j != i && other->type == cont->type && !other->indexAuto &&
                        other->index == index;
            }
        } while (found && ++index);
        cont->index = index;
    }
}

void
vbDomainDefAppendController(vbDomainDef *def, vbDomainControllerDef *cont)
{
    def->controllers = g_renew(vbDomainControllerDef *, def->controllers, def->ncontrollers + 1);
    def->controllers[def->ncontrollers++] = cont;
}

vbDomainControllerDef *
vbDomainDefFindController(const vbDomainDef *def, vbDomainControllerType type, unsigned int index)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == type && def->controllers[i]->index == index)
            return def->controllers[i];
    }
    return NULL;
}

/* <target chassisNr chassis port hotplug> of a PCI controller */
static int
vbDomainControllerTargetParse(const xmlNode *node, vbDomainControllerDef *cont)
{
    if (vbDomainCheckAttrs(node, VB_ATTRS("chassisNr", "chassis", "port", "hotplug")) < 0 ||
        vbXMLPropInt(node, "chassisNr", 0, VB_XML_PROP_NONE, &cont->chassisNr) < 0 ||
        vbXMLPropInt(node, "chassis", 0, VB_XML_PROP_NONE, &cont->chassis) < 0 ||
        vbXMLPropInt(node, "port", 0, VB_XML_PROP_NONE, &cont->port) < 0 ||
        vbXMLPropEnum(node, "hotplug", vbTristateSwitchTypeFromString, VB_XML_PROP_NONZERO,
                      &cont->hotplug) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    return 0;
}

/* QEMU's virtio-serial-pci takes at most 511 ports (max_ports) */
#define VB_DOMAIN_VIRTIO_SERIAL_PORTS_MAX 511

/* vectors of a virtio-serial controller, and the bound of its ports */
static int
vbDomainControllerVirtioSerialParse(vbDomainControllerDef *cont, const xmlNode *node)
{
    int rc = vbXMLPropUInt(node, "vectors", 10, VB_XML_PROP_NONE, &cont->vectors);

    if (rc < 0)
        return -1;
    cont->vectorsSet = rc > 0;
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
    g_autoptr(vbDomainControllerDef) cont =
        vbDomainControllerDefNew(VB_DOMAIN_CONTROLLER_TYPE_PCI, 0, 0);
    xmlNode *child;
    int index = 0;
    int rc = 0;

    if (vbDomainCheckAttrs(node, VB_ATTRS("type", "index", "model", "ports", "vectors")) < 0 ||
        vbXMLPropEnumFull(node, "type", vbDomainControllerTypeTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &cont->type) < 0 ||
        (rc = vbXMLPropInt(node, "index", 10, VB_XML_PROP_NONNEGATIVE, &index)) < 0 ||
        vbXMLPropEnumFull(node, "model", vbDomainControllerModelTypeFromString, VB_XML_PROP_NONZERO,
                          vbDomainReportUnsupportedValue, &cont->model) < 0 ||
        vbXMLPropUInt(node, "ports", 10, VB_XML_PROP_NONZERO, &cont->ports) < 0)
        return NULL;
    cont->index = index;
    cont->indexAuto = rc == 0;

    if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL) {
        if (vbDomainControllerVirtioSerialParse(cont, node) < 0)
            return NULL;
    } else if (vbDomainCheckAttrs(node, cont->type == VB_DOMAIN_CONTROLLER_TYPE_USB
                                            ? VB_ATTRS("type", "index", "model", "ports")
                                            : VB_ATTRS("type", "index", "model")) < 0) {
        return NULL;
    }

    if (vbDomainCheckUniqueChildren(
            node, VB_ATTRS("alias", "address", "model", "target", "master", "driver")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &cont->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &cont->info.addr) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "model") &&
                   cont->type == VB_DOMAIN_CONTROLLER_TYPE_PCI) {
            if (vbDomainCheckAttrs(child, VB_ATTRS("name")) < 0 ||
                vbXMLPropEnumFull(child, "name", vbDomainControllerPCIModelNameTypeFromString,
                                  VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO,
                                  vbDomainReportUnsupportedValue, &cont->modelName) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "target") &&
                   cont->type == VB_DOMAIN_CONTROLLER_TYPE_PCI) {
            if (vbDomainControllerTargetParse(child, cont) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "master") &&
                   cont->type == VB_DOMAIN_CONTROLLER_TYPE_USB) {
            unsigned int startport = 0;

            if (vbDomainCheckAttrs(child, VB_ATTRS("startport")) < 0 ||
                vbXMLPropUInt(child, "startport", 10, VB_XML_PROP_REQUIRED, &startport) < 0)
                return NULL;
            if (startport > G_MAXINT) {
                vbXMLReportInvalidProp(child, "startport", "");
                return NULL;
            }
            cont->startport = startport;
        } else if (vbXMLNodeNameEqual(child, "driver") &&
                   cont->type == VB_DOMAIN_CONTROLLER_TYPE_SCSI) {
            if (vbDomainCheckAttrs(child, VB_ATTRS("queues", "iothread")) < 0 ||
                vbXMLPropUInt(child, "queues", 10, VB_XML_PROP_NONZERO, &cont->queues) < 0 ||
                vbXMLPropUInt(child, "iothread", 10, VB_XML_PROP_NONZERO, &cont->iothread) < 0)
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
    g_auto(vbBuffer) targetBuf = VB_BUFFER_INITIALIZER;

    vbBufferAsprintf(&attrBuf, " type='%s' index='%u'",
                     vbDomainControllerTypeTypeToString(cont->type), cont->index);
    if (cont->model != VB_DOMAIN_CONTROLLER_MODEL_DEFAULT)
        vbBufferAsprintf(&attrBuf, " model='%s'", vbDomainControllerModelTypeToString(cont->model));
    if (cont->ports)
        vbBufferAsprintf(&attrBuf, " ports='%u'", cont->ports);
    if (cont->vectorsSet)
        vbBufferAsprintf(&attrBuf, " vectors='%u'", cont->vectors);

    /* libvirt's order: driver, model name, target, then the device info
     * (with the USB master before the address) */
    if (cont->queues || cont->iothread) {
        vbBufferAddLit(&childBuf, "<driver");
        if (cont->queues)
            vbBufferAsprintf(&childBuf, " queues='%u'", cont->queues);
        if (cont->iothread)
            vbBufferAsprintf(&childBuf, " iothread='%u'", cont->iothread);
        vbBufferAddLit(&childBuf, "/>\n");
    }
    if (cont->modelName != VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE)
        vbBufferAsprintf(&childBuf, "<model name='%s'/>\n",
                         vbDomainControllerPCIModelNameTypeToString(cont->modelName));
    if (cont->chassisNr >= 0)
        vbBufferAsprintf(&targetBuf, " chassisNr='%d'", cont->chassisNr);
    if (cont->chassis >= 0)
        vbBufferAsprintf(&targetBuf, " chassis='%d'", cont->chassis);
    if (cont->port >= 0)
        vbBufferAsprintf(&targetBuf, " port='0x%x'", (unsigned int) cont->port);
    if (cont->hotplug != VB_TRISTATE_SWITCH_ABSENT)
        vbBufferAsprintf(&targetBuf, " hotplug='%s'", vbTristateSwitchTypeToString(cont->hotplug));
    vbXMLFormatElement(&childBuf, "target", &targetBuf, NULL);
    if (cont->startport >= 0)
        vbBufferAsprintf(&childBuf, "<master startport='%d'/>\n", cont->startport);
    vbDomainDeviceInfoFormat(&childBuf, &cont->info, flags);
    vbXMLFormatElement(buf, "controller", &attrBuf, &childBuf);
}

/* The controller type each model belongs to. */
static vbDomainControllerType
vbDomainControllerModelType(vbDomainControllerModel model)
{
    switch (model) {
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
    case VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        return VB_DOMAIN_CONTROLLER_TYPE_PCI;
    case VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI:
        return VB_DOMAIN_CONTROLLER_TYPE_SCSI;
    case VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_EHCI1:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2:
    case VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3:
    case VB_DOMAIN_CONTROLLER_MODEL_NEC_XHCI:
    case VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI:
    case VB_DOMAIN_CONTROLLER_MODEL_NONE:
        return VB_DOMAIN_CONTROLLER_TYPE_USB;
    case VB_DOMAIN_CONTROLLER_MODEL_DEFAULT:
    case VB_DOMAIN_CONTROLLER_MODEL_LAST:
        break;
    }
    return VB_DOMAIN_CONTROLLER_TYPE_LAST;
}

/* libvirt's range checks of a PCI controller's <target> */
static int
vbDomainControllerDefValidatePCITarget(const vbDomainControllerDef *cont)
{
    if (cont->chassisNr != -1 &&
        (cont->chassisNr < 1 || cont->chassisNr > VB_DOMAIN_CONTROLLER_CHASSIS_NR_MAX)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("PCI controller chassisNr '%d' out of range - must be 1-255"),
                      cont->chassisNr);
        return -1;
    }
    if (cont->chassis != -1 &&
        (cont->chassis < 0 || cont->chassis > VB_DOMAIN_CONTROLLER_CHASSIS_MAX)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("PCI controller chassis '%d' out of range - must be 0-255"), cont->chassis);
        return -1;
    }
    if (cont->port != -1 && (cont->port < 0 || cont->port > VB_DOMAIN_CONTROLLER_PORT_MAX)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("PCI controller port '%d' out of range - must be 0-255"), cont->port);
        return -1;
    }
    return 0;
}

/* What the machine can have: its PCI buses, SATA (AHCI), virtio-scsi and
 * the USB controllers QEMU 7.2 builds for x86. */
int
vbDomainControllerDefValidate(const vbDomainDef *def, const vbDomainControllerDef *cont)
{
    bool ok = false;

    switch (cont->type) {
    case VB_DOMAIN_CONTROLLER_TYPE_PCI:
        if (cont->index > VB_DOMAIN_CONTROLLER_PCI_INDEX_MAX) {
            /* libvirt's wording */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("PCI controller index %u too high, maximum is 255"), cont->index);
            return -1;
        }
        if (vbDomainControllerModelType(cont->model) != VB_DOMAIN_CONTROLLER_TYPE_PCI)
            break;
        if (cont->index == 0) {
            vbDomainControllerModel root = vbDomainDefHasQ35Machine(def)
                                               ? VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT
                                               : VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;

            if (cont->model != root) {
                /* libvirt's wording and code */
                vbReportError(
                    VIR_ERR_XML_ERROR,
                    _("The PCI controller with index='0' must be model='%s' for this machine type, but model='%s' was found instead"),
                    vbDomainControllerModelTypeToString(root),
                    vbDomainControllerModelTypeToString(cont->model));
                return -1;
            }
            ok = true;
        } else {
            ok = cont->model != VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT &&
                 cont->model != VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT;
        }
        if (ok && vbDomainControllerDefValidatePCITarget(cont) < 0)
            return -1;
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_SATA:
        ok = cont->model == VB_DOMAIN_CONTROLLER_MODEL_DEFAULT;
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_SCSI:
        ok = cont->model == VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI;
        break;
    case VB_DOMAIN_CONTROLLER_TYPE_USB:
        ok = vbDomainControllerModelType(cont->model) == VB_DOMAIN_CONTROLLER_TYPE_USB;
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
