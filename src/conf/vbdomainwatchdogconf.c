/*
 * vbdomainwatchdogconf.c: the <watchdog> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A domain has at most one (libvirt 9.0); the domain parser refuses a
 * second <watchdog>.
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

VB_ENUM_IMPL(vbDomainWatchdogModel, VB_DOMAIN_WATCHDOG_MODEL_LAST, "i6300esb", "ib700");
VB_ENUM_IMPL(vbDomainWatchdogAction, VB_DOMAIN_WATCHDOG_ACTION_LAST, "reset", "shutdown",
             "poweroff", "pause", "dump", "none", "inject-nmi");

void
vbDomainWatchdogDefFree(vbDomainWatchdogDef *watchdog)
{
    if (!watchdog)
        return;
    vbDomainDeviceInfoClear(&watchdog->info);
    g_free(watchdog);
}

vbDomainWatchdogDef *
vbDomainWatchdogDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainWatchdogDef) watchdog = g_new0(vbDomainWatchdogDef, 1);
    xmlNode *child;

    if (vbDomainCheckAttrs(node, VB_ATTRS("model", "action")) < 0 ||
        vbXMLPropEnumFull(node, "model", vbDomainWatchdogModelTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &watchdog->model) < 0 ||
        vbXMLPropEnumFull(node, "action", vbDomainWatchdogActionTypeFromString, VB_XML_PROP_NONE,
                          vbDomainReportUnsupportedValue, &watchdog->action) < 0)
        return NULL;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("alias", "address")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &watchdog->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &watchdog->info.addr) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    return g_steal_pointer(&watchdog);
}

void
vbDomainWatchdogDefFormat(vbBuffer *buf, const vbDomainWatchdogDef *watchdog, unsigned int flags)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferAsprintf(&attrBuf, " model='%s' action='%s'",
                     vbDomainWatchdogModelTypeToString(watchdog->model),
                     vbDomainWatchdogActionTypeToString(watchdog->action));
    vbDomainDeviceInfoFormat(&childBuf, &watchdog->info, flags);
    vbXMLFormatElement(buf, "watchdog", &attrBuf, &childBuf);
}

int
vbDomainWatchdogDefValidate(const vbDomainWatchdogDef *watchdog)
{
    const vbDomainDeviceAddress *addr = &watchdog->info.addr;
    const char *model = vbDomainWatchdogModelTypeToString(watchdog->model);

    /* libvirt's checks and wording (qemuValidateDomainWatchdogDef) */
    switch (watchdog->model) {
    case VB_DOMAIN_WATCHDOG_MODEL_I6300ESB:
        if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_NONE &&
            addr->type != VB_DOMAIN_DEVICE_ADDRESS_PCI) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("%s model of watchdog can go only on PCI bus"), model);
            return -1;
        }
        break;
    case VB_DOMAIN_WATCHDOG_MODEL_IB700:
        if (addr->type != VB_DOMAIN_DEVICE_ADDRESS_NONE) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("%s model of watchdog does not support configuring the address"),
                          model);
            return -1;
        }
        break;
    case VB_DOMAIN_WATCHDOG_MODEL_LAST:
        break;
    }
    return 0;
}
