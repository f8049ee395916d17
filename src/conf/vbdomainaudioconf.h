/*
 * vbdomainaudioconf.h: the <audio> element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

/* libvirt's names, in libvirt's order; we run none */
typedef enum {
    VB_DOMAIN_AUDIO_TYPE_NONE = 0,
    VB_DOMAIN_AUDIO_TYPE_ALSA,
    VB_DOMAIN_AUDIO_TYPE_COREAUDIO,
    VB_DOMAIN_AUDIO_TYPE_JACK,
    VB_DOMAIN_AUDIO_TYPE_OSS,
    VB_DOMAIN_AUDIO_TYPE_PULSEAUDIO,
    VB_DOMAIN_AUDIO_TYPE_SDL,
    VB_DOMAIN_AUDIO_TYPE_SPICE,
    VB_DOMAIN_AUDIO_TYPE_FILE,
    VB_DOMAIN_AUDIO_TYPE_DBUS,

    VB_DOMAIN_AUDIO_TYPE_LAST
} vbDomainAudioType;
VB_ENUM_DECL(vbDomainAudioType);

/*
 * <audio id='1' type='none'/>: an audio backend of QEMU's (-audiodev), no
 * guest device; a VNC server and sound devices name it by its id.  Post-
 * parse adds libvirt's default (id 1, type none) when there is none.
 */
struct _vbDomainAudioDef {
    vbDomainAudioType type;
    unsigned int id; /* from 1, unique in the domain */
    /* unused: audio is no guest device (no alias, no address), but the
     * device table finds every family's info the same way */
    vbDomainDeviceInfo info;
};

/* A new backend of @type with @id. */
vbDomainAudioDef *vbDomainAudioDefNew(vbDomainAudioType type, unsigned int id);
void vbDomainAudioDefFree(vbDomainAudioDef *audio);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainAudioDef, vbDomainAudioDefFree);

/* The checks of @audio among the backends of @def (define/start time):
 * its id is used once. */
int vbDomainAudioDefValidate(const vbDomainDef *def, const vbDomainAudioDef *audio);
