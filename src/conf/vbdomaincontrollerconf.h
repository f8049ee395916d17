/*
 * vbdomaincontrollerconf.h: a <controller> (PCI buses, SATA, SCSI, USB)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

typedef enum {
    VB_DOMAIN_CONTROLLER_TYPE_PCI = 0,
    VB_DOMAIN_CONTROLLER_TYPE_SATA,
    VB_DOMAIN_CONTROLLER_TYPE_SCSI,
    VB_DOMAIN_CONTROLLER_TYPE_USB,
    VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,

    VB_DOMAIN_CONTROLLER_TYPE_LAST
} vbDomainControllerType;
VB_ENUM_DECL(vbDomainControllerType);

typedef enum {
    VB_DOMAIN_CONTROLLER_MODEL_DEFAULT = 0,
    VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT,
    VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT,
    VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI,
    /* PCI buses a user may add, and we add on our own (libvirt's names) */
    VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE,
    VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE,
    VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT,
    VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE,
    /* USB */
    VB_DOMAIN_CONTROLLER_MODEL_PIIX3_UHCI,
    VB_DOMAIN_CONTROLLER_MODEL_ICH9_EHCI1,
    VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI1,
    VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI2,
    VB_DOMAIN_CONTROLLER_MODEL_ICH9_UHCI3,
    VB_DOMAIN_CONTROLLER_MODEL_NEC_XHCI,
    VB_DOMAIN_CONTROLLER_MODEL_QEMU_XHCI,
    VB_DOMAIN_CONTROLLER_MODEL_NONE,

    VB_DOMAIN_CONTROLLER_MODEL_LAST
} vbDomainControllerModel;
VB_ENUM_DECL(vbDomainControllerModel);

/* <model name>: the QEMU device behind a PCI controller model (libvirt's
 * virDomainControllerPCIModelName, the values QEMU 7.2 has). */
typedef enum {
    VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE = 0,
    VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCI_BRIDGE,
    VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_I82801B11_BRIDGE,
    VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_ROOT_PORT,
    VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_PCI_BRIDGE,

    VB_DOMAIN_CONTROLLER_PCI_MODEL_NAME_LAST
} vbDomainControllerPCIModelName;
VB_ENUM_DECL(vbDomainControllerPCIModelName);

/* The values a <target> attribute of a PCI controller may have (libvirt's
 * range for chassisNr, chassis and port). */
#define VB_DOMAIN_CONTROLLER_CHASSIS_NR_MAX 255
#define VB_DOMAIN_CONTROLLER_CHASSIS_MAX 255
#define VB_DOMAIN_CONTROLLER_PORT_MAX 255

/* The highest index of a PCI controller: a bus number (libvirt's limit). */
#define VB_DOMAIN_CONTROLLER_PCI_INDEX_MAX 255

struct _vbDomainControllerDef {
    vbDomainControllerType type;
    unsigned int index;
    bool indexAuto; /* no index given: post-parse picks one, as libvirt */
    vbDomainControllerModel model;
    /* type 'pci' (<model name>, <target>); -1 for what is not given */
    vbDomainControllerPCIModelName modelName;
    int chassisNr;
    int chassis;
    int port;
    vbTristateSwitch hotplug;
    /* types 'usb' and 'virtio-serial': ports (0: QEMU's default); usb:
     * <master startport> of a companion (-1: none) */
    unsigned int ports;
    int startport;
    /* type 'virtio-serial': vectors, when vectorsSet (0 turns MSI-X off) */
    unsigned int vectors;
    bool vectorsSet;
    /* type 'scsi': <driver queues> (0: QEMU's default) and <driver
     * iothread> (0: none) */
    unsigned int queues;
    unsigned int iothread;
    vbDomainDeviceInfo info;
};

/* A controller of @type, @index and @model, nothing else given. */
vbDomainControllerDef *vbDomainControllerDefNew(vbDomainControllerType type, unsigned int index,
                                                vbDomainControllerModel model);

/* Whether @model is a USB2 controller of the ICH9's EHCI/UHCI group, whose
 * members share one index and one PCI slot. */
bool vbDomainControllerModelIsUSB2(vbDomainControllerModel model);

/* Gives each controller of @def parsed without an index the lowest index
 * its type has free, in document order; an ICH9 USB2 controller right
 * after others of its group joins their index (libvirt's
 * virDomainAssignControllerIndexes).  Post-parse calls it first. */
void vbDomainDefAssignControllerIndexes(vbDomainDef *def);

/* Appends @cont to @def's controllers (taking it over), as libvirt adds
 * the controllers it implies after those the definition lists. */
void vbDomainDefAppendController(vbDomainDef *def, vbDomainControllerDef *cont);

/* The controller of @type and @index of @def (the first one for a USB2
 * group), or NULL. */
vbDomainControllerDef *vbDomainDefFindController(const vbDomainDef *def,
                                                 vbDomainControllerType type, unsigned int index);

void vbDomainControllerDefFree(vbDomainControllerDef *cont);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainControllerDef, vbDomainControllerDefFree);

/* Policy checks of the controller on @def's machine, at define/start time;
 * vbDomainDefValidate calls it. */
int vbDomainControllerDefValidate(const vbDomainDef *def, const vbDomainControllerDef *cont);
