/*
 * vbdomainvideoconf.h: the <video> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

/* libvirt's names, in libvirt's order; 'default' is what post-parse
 * resolves a <video> without model type to (cirrus, as libvirt on x86) */
typedef enum {
    VB_DOMAIN_VIDEO_TYPE_DEFAULT = 0,
    VB_DOMAIN_VIDEO_TYPE_VGA,
    VB_DOMAIN_VIDEO_TYPE_CIRRUS,
    VB_DOMAIN_VIDEO_TYPE_VMVGA,
    VB_DOMAIN_VIDEO_TYPE_XEN,
    VB_DOMAIN_VIDEO_TYPE_VBOX,
    VB_DOMAIN_VIDEO_TYPE_QXL,
    VB_DOMAIN_VIDEO_TYPE_PARALLELS,
    VB_DOMAIN_VIDEO_TYPE_VIRTIO,
    VB_DOMAIN_VIDEO_TYPE_GOP,
    VB_DOMAIN_VIDEO_TYPE_NONE,
    VB_DOMAIN_VIDEO_TYPE_BOCHS,
    VB_DOMAIN_VIDEO_TYPE_RAMFB,

    VB_DOMAIN_VIDEO_TYPE_LAST
} vbDomainVideoType;
VB_ENUM_DECL(vbDomainVideoType);

/* <video><model type='virtio' heads='1' primary='yes'/></video>; sizes in
 * KiB as libvirt writes them, 0 = not given */
struct _vbDomainVideoDef {
    vbDomainVideoType type;
    unsigned int ram; /* qxl only */
    unsigned int vram;
    unsigned int vram64; /* qxl only */
    unsigned int vgamem; /* qxl only */
    unsigned int heads;
    bool primary;
    vbDomainDeviceInfo info;
};

void vbDomainVideoDefFree(vbDomainVideoDef *video);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainVideoDef, vbDomainVideoDefFree);

/* A new video device of @type with libvirt's defaults (sizes, one head). */
vbDomainVideoDef *vbDomainVideoDefNew(vbDomainVideoType type);

/* libvirt's post-parse defaults of one device: the model of 'default',
 * its memory sizes and heads; a 'none' keeps none of them. */
void vbDomainVideoDefPostParse(vbDomainVideoDef *video);

/* The checks of one video device alone (define/start time), libvirt's
 * wording: sizes only qxl has, heads and secondary use of VGA-like
 * models, qxl's vgamem. */
int vbDomainVideoDefValidate(const vbDomainVideoDef *video);

/* Whether @video is a VGA-compatible device when primary, which libvirt
 * places at the machine's video slot. */
bool vbDomainVideoDefIsVGA(const vbDomainVideoDef *video);
