/*
 * vbdomainmemballoonconf.h: the <memballoon> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

typedef enum {
    VB_DOMAIN_MEMBALLOON_MODEL_VIRTIO = 0,
    VB_DOMAIN_MEMBALLOON_MODEL_NONE,

    VB_DOMAIN_MEMBALLOON_MODEL_LAST
} vbDomainMemballoonModel;
VB_ENUM_DECL(vbDomainMemballoonModel);

/* <memballoon model='none'/>: the only model we run */
struct _vbDomainMemballoonDef {
    vbDomainMemballoonModel model;
    vbDomainDeviceInfo info;
};

void vbDomainMemballoonDefFree(vbDomainMemballoonDef *balloon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainMemballoonDef, vbDomainMemballoonDefFree);
