/*
 * vbdomainmemballoonconf.c: the <memballoon> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * We run no balloon device; the element is accepted to say so.
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

void
vbDomainMemballoonDefFree(vbDomainMemballoonDef *balloon)
{
    if (!balloon)
        return;
    vbDomainDeviceInfoClear(&balloon->info);
    g_free(balloon);
}

/* <memballoon model='none'/>: we run no balloon device */
vbDomainMemballoonDef *
vbDomainMemballoonDefParse(const xmlNode *node, unsigned int flags G_GNUC_UNUSED)
{
    g_autoptr(vbDomainMemballoonDef) balloon = g_new0(vbDomainMemballoonDef, 1);
    g_autofree char *model = vbXMLPropString(node, "model");

    if (vbDomainCheckAttrs(node, VB_ATTRS("model")) < 0)
        return NULL;
    if (g_strcmp0(model, "none") != 0) {
        vbDomainReportUnsupportedValue(node, "model", model);
        return NULL;
    }
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return NULL;
    }
    balloon->model = VB_DOMAIN_MEMBALLOON_MODEL_NONE;
    return g_steal_pointer(&balloon);
}

void
vbDomainMemballoonDefFormat(vbBuffer *buf, const vbDomainMemballoonDef *balloon,
                            unsigned int flags G_GNUC_UNUSED)
{
    /* no <alias>: model 'none' is no device QEMU knows */
    vbBufferAsprintf(buf, "<memballoon model='%s'/>\n",
                     vbDomainMemballoonModelTypeToString(balloon->model));
}
