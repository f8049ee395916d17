/*
 * vbdomainmemballoonconf.c: the <memballoon> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * model='virtio' is QEMU's virtio-balloon-pci; model='none' says that the
 * guest has no balloon (what post-parse adds when the element is absent).
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

VB_ENUM_IMPL(vbDomainMemballoonModel, VB_DOMAIN_MEMBALLOON_MODEL_LAST, "virtio", "none");
VB_ENUM_IMPL(vbDomainMemballoonSwitch, VB_DOMAIN_MEMBALLOON_SWITCH_LAST, "default", "on", "off");

void
vbDomainMemballoonDefFree(vbDomainMemballoonDef *balloon)
{
    if (!balloon)
        return;
    vbDomainDeviceInfoClear(&balloon->info);
    g_free(balloon);
}

static int
vbDomainMemballoonStatsParse(vbDomainMemballoonDef *balloon, const xmlNode *node)
{
    if (vbDomainCheckAttrs(node, VB_ATTRS("period")) < 0 ||
        vbXMLPropInt(node, "period", 10, VB_XML_PROP_NONE, &balloon->period) < 0)
        return -1;
    /* libvirt takes a period below 0 as none, and drops it */
    if (balloon->period < 0)
        balloon->period = 0;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    return 0;
}

vbDomainMemballoonDef *
vbDomainMemballoonDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainMemballoonDef) balloon = g_new0(vbDomainMemballoonDef, 1);
    xmlNode *child;

    if (vbDomainCheckAttrs(node, VB_ATTRS("model", "autodeflate", "freePageReporting")) < 0 ||
        vbXMLPropEnumFull(node, "model", vbDomainMemballoonModelTypeFromString,
                          VB_XML_PROP_REQUIRED, vbDomainReportUnsupportedValue,
                          &balloon->model) < 0 ||
        vbXMLPropEnum(node, "autodeflate", vbDomainMemballoonSwitchTypeFromString,
                      VB_XML_PROP_NONZERO, &balloon->autodeflate) < 0 ||
        vbXMLPropEnum(node, "freePageReporting", vbDomainMemballoonSwitchTypeFromString,
                      VB_XML_PROP_NONZERO, &balloon->freePageReporting) < 0)
        return NULL;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("stats", "alias", "address")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "stats")) {
            if (vbDomainMemballoonStatsParse(balloon, child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &balloon->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &balloon->info.addr) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    /* libvirt keeps these on a model='none' balloon and writes nothing for
     * them; refuse rather than accept settings no device will ever use */
    if (balloon->model != VB_DOMAIN_MEMBALLOON_MODEL_VIRTIO &&
        (balloon->autodeflate != VB_DOMAIN_MEMBALLOON_SWITCH_ABSENT ||
         balloon->freePageReporting != VB_DOMAIN_MEMBALLOON_SWITCH_ABSENT || balloon->period)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("memballoon 'autodeflate', 'freePageReporting' and stats 'period' need model 'virtio'"));
        return NULL;
    }
    return g_steal_pointer(&balloon);
}

void
vbDomainMemballoonDefFormat(vbBuffer *buf, const vbDomainMemballoonDef *balloon, unsigned int flags)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferAsprintf(&attrBuf, " model='%s'", vbDomainMemballoonModelTypeToString(balloon->model));
    if (balloon->autodeflate != VB_DOMAIN_MEMBALLOON_SWITCH_ABSENT)
        vbBufferAsprintf(&attrBuf, " autodeflate='%s'",
                         vbDomainMemballoonSwitchTypeToString(balloon->autodeflate));
    if (balloon->freePageReporting != VB_DOMAIN_MEMBALLOON_SWITCH_ABSENT)
        vbBufferAsprintf(&attrBuf, " freePageReporting='%s'",
                         vbDomainMemballoonSwitchTypeToString(balloon->freePageReporting));
    if (balloon->period)
        vbBufferAsprintf(&childBuf, "<stats period='%d'/>\n", balloon->period);
    vbDomainDeviceInfoFormat(&childBuf, &balloon->info, flags);
    vbXMLFormatElementEmpty(buf, "memballoon", &attrBuf, &childBuf);
}
