/*
 * vbdomaininputconf.h: the <input> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

/* libvirt's names, in libvirt's order; we run mouse, tablet and keyboard */
typedef enum {
    VB_DOMAIN_INPUT_TYPE_MOUSE = 0,
    VB_DOMAIN_INPUT_TYPE_TABLET,
    VB_DOMAIN_INPUT_TYPE_KBD,
    VB_DOMAIN_INPUT_TYPE_PASSTHROUGH,
    VB_DOMAIN_INPUT_TYPE_EVDEV,

    VB_DOMAIN_INPUT_TYPE_LAST
} vbDomainInputType;
VB_ENUM_DECL(vbDomainInputType);

/* libvirt's names, in libvirt's order; we run ps2, usb and virtio */
typedef enum {
    VB_DOMAIN_INPUT_BUS_PS2 = 0,
    VB_DOMAIN_INPUT_BUS_USB,
    VB_DOMAIN_INPUT_BUS_XEN,
    VB_DOMAIN_INPUT_BUS_PARALLELS,
    VB_DOMAIN_INPUT_BUS_VIRTIO,
    VB_DOMAIN_INPUT_BUS_NONE,

    VB_DOMAIN_INPUT_BUS_LAST
} vbDomainInputBus;
VB_ENUM_DECL(vbDomainInputBus);

/* <input type='tablet' bus='usb'/>: a ps2 device is part of the machine
 * (no QEMU device, no address); a usb one sits on the USB bus, a virtio
 * one is a PCI device */
struct _vbDomainInputDef {
    vbDomainInputType type;
    vbDomainInputBus bus;
    vbDomainDeviceInfo info;
};

void vbDomainInputDefFree(vbDomainInputDef *input);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainInputDef, vbDomainInputDefFree);

/* The checks of one input device alone (define/start time): a tablet on
 * ps2, an address of the wrong type for its bus. */
int vbDomainInputDefValidate(const vbDomainInputDef *input);
