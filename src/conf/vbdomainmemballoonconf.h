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

/* libvirt's virTristateSwitch: 'on', 'off', or not said (QEMU's default) */
typedef enum {
    VB_DOMAIN_MEMBALLOON_SWITCH_ABSENT = 0,
    VB_DOMAIN_MEMBALLOON_SWITCH_ON,
    VB_DOMAIN_MEMBALLOON_SWITCH_OFF,

    VB_DOMAIN_MEMBALLOON_SWITCH_LAST
} vbDomainMemballoonSwitch;
VB_ENUM_DECL(vbDomainMemballoonSwitch);

/* <memballoon model='virtio|none' autodeflate freePageReporting>
 *   <stats period='N'/> */
struct _vbDomainMemballoonDef {
    vbDomainMemballoonModel model;
    vbDomainMemballoonSwitch autodeflate;       /* deflate-on-oom */
    vbDomainMemballoonSwitch freePageReporting; /* free-page-reporting */
    /* <stats period>: seconds between the guest's statistics reports,
     * set through QOM once QEMU runs; 0 = not polled (a negative value
     * reads as 0, as in libvirt) */
    int period;
    vbDomainDeviceInfo info;
};

void vbDomainMemballoonDefFree(vbDomainMemballoonDef *balloon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainMemballoonDef, vbDomainMemballoonDefFree);
