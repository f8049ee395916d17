/*
 * vbdomainaudioconf.c: the <audio> element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vberror.h"
#include "vbbuf.h"
#include "vbxml.h"
#include "vbdomainconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

VB_ENUM_IMPL(vbDomainAudioType, VB_DOMAIN_AUDIO_TYPE_LAST, "none", "alsa", "coreaudio", "jack",
             "oss", "pulseaudio", "sdl", "spice", "file", "dbus");

vbDomainAudioDef *
vbDomainAudioDefNew(vbDomainAudioType type, unsigned int id)
{
    vbDomainAudioDef *audio = g_new0(vbDomainAudioDef, 1);

    audio->type = type;
    audio->id = id;
    return audio;
}

void
vbDomainAudioDefFree(vbDomainAudioDef *audio)
{
    if (!audio)
        return;
    vbDomainDeviceInfoClear(&audio->info);
    g_free(audio);
}

vbDomainAudioDef *
vbDomainAudioDefParse(const xmlNode *node, unsigned int flags G_GNUC_UNUSED)
{
    g_autoptr(vbDomainAudioDef) audio = g_new0(vbDomainAudioDef, 1);

    /* a type libvirt does not know is libvirt's XML error; one it knows
     * and we do not run is unsupported */
    if (vbXMLPropEnum(node, "type", vbDomainAudioTypeTypeFromString, VB_XML_PROP_REQUIRED,
                      &audio->type) < 0 ||
        vbXMLPropUInt(node, "id", 10, VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO, &audio->id) < 0)
        return NULL;
    switch (audio->type) {
    case VB_DOMAIN_AUDIO_TYPE_NONE:
        break;
    case VB_DOMAIN_AUDIO_TYPE_ALSA:
    case VB_DOMAIN_AUDIO_TYPE_COREAUDIO:
    case VB_DOMAIN_AUDIO_TYPE_JACK:
    case VB_DOMAIN_AUDIO_TYPE_OSS:
    case VB_DOMAIN_AUDIO_TYPE_PULSEAUDIO:
    case VB_DOMAIN_AUDIO_TYPE_SDL:
    case VB_DOMAIN_AUDIO_TYPE_SPICE:
    case VB_DOMAIN_AUDIO_TYPE_FILE:
    case VB_DOMAIN_AUDIO_TYPE_DBUS:
    case VB_DOMAIN_AUDIO_TYPE_LAST:
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("audio type '%s' is not supported by virtblockd; only 'none' is"),
                      vbDomainAudioTypeTypeToString(audio->type));
        return NULL;
    }
    /* timerPeriod, <input> and <output> tune a backend that plays sound;
     * 'none' plays none, and a setting silently dropped is refused */
    if (vbDomainCheckAttrs(node, VB_ATTRS("id", "type")) < 0)
        return NULL;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return NULL;
    }
    return g_steal_pointer(&audio);
}

int
vbDomainAudioDefValidate(const vbDomainDef *def, const vbDomainAudioDef *audio)
{
    size_t i;

    for (i = 0; i < def->naudios; i++) {
        if (def->audios[i] != audio && def->audios[i]->id == audio->id) {
            /* libvirt's wording and code */
            vbReportError(VIR_ERR_XML_ERROR, _("audio ID %u is used multiple times"), audio->id);
            return -1;
        }
    }
    return 0;
}

void
vbDomainAudioDefFormat(vbBuffer *buf, const vbDomainAudioDef *audio,
                       unsigned int flags G_GNUC_UNUSED)
{
    vbBufferAsprintf(buf, "<audio id='%u' type='%s'/>\n", audio->id,
                     vbDomainAudioTypeTypeToString(audio->type));
}
