/*
 * vbdomainpanicconf.h: the <panic> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

/* QEMU's pvpanic ISA device, libvirt's default model on x86; the other
 * models libvirt knows (hyperv, pseries, s390, pvpanic-pci) are refused */
typedef enum {
    VB_DOMAIN_PANIC_MODEL_ISA = 0,

    VB_DOMAIN_PANIC_MODEL_LAST
} vbDomainPanicModel;
VB_ENUM_DECL(vbDomainPanicModel);

/* <panic model='isa'><address type='isa' iobase/></panic>: the guest
 * writes to the port when it crashes and QEMU says GUEST_PANICKED */
struct _vbDomainPanicDef {
    vbDomainPanicModel model;
    vbDomainDeviceInfo info;
};

void vbDomainPanicDefFree(vbDomainPanicDef *panic);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainPanicDef, vbDomainPanicDefFree);

/* Policy checks of @panic in @def (one per model, an ISA address), at
 * define/start time; vbDomainDefValidate calls it. */
int vbDomainPanicDefValidate(const vbDomainDef *def, const vbDomainPanicDef *panic);
