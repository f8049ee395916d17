/*
 * vbdomaincontrollerconf.h: a <controller> (PCI root, SATA, SCSI)
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
    VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,

    VB_DOMAIN_CONTROLLER_TYPE_LAST
} vbDomainControllerType;
VB_ENUM_DECL(vbDomainControllerType);

typedef enum {
    VB_DOMAIN_CONTROLLER_MODEL_DEFAULT = 0,
    VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT,
    VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT,
    VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI,

    VB_DOMAIN_CONTROLLER_MODEL_LAST
} vbDomainControllerModel;
VB_ENUM_DECL(vbDomainControllerModel);

struct _vbDomainControllerDef {
    vbDomainControllerType type;
    unsigned int index;
    vbDomainControllerModel model;
    /* virtio-serial: <controller ports vectors>, 0 = QEMU's default */
    unsigned int ports;
    unsigned int vectors;
    vbDomainDeviceInfo info;
};

void vbDomainControllerDefFree(vbDomainControllerDef *cont);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainControllerDef, vbDomainControllerDefFree);

/* Policy checks of the controller on @def's machine, at define/start time;
 * vbDomainDefValidate calls it. */
int vbDomainControllerDefValidate(const vbDomainDef *def, const vbDomainControllerDef *cont);
