/*
 * vbdomainpanicconf.c: the <panic> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
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

VB_ENUM_IMPL(vbDomainPanicModel, VB_DOMAIN_PANIC_MODEL_LAST, "isa");

/* ports of the ISA I/O space */
#define VB_DOMAIN_PANIC_IOBASE_MAX 0xffff

void
vbDomainPanicDefFree(vbDomainPanicDef *panic)
{
    if (!panic)
        return;
    vbDomainDeviceInfoClear(&panic->info);
    g_free(panic);
}

vbDomainPanicDef *
vbDomainPanicDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainPanicDef) panic = g_new0(vbDomainPanicDef, 1);
    xmlNode *child;

    /* no model is 'isa' on x86, libvirt's default there */
    if (vbDomainCheckAttrs(node, VB_ATTRS("model")) < 0 ||
        vbXMLPropEnumFull(node, "model", vbDomainPanicModelTypeFromString, VB_XML_PROP_NONE,
                          vbDomainReportUnsupportedValue, &panic->model) < 0)
        return NULL;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("alias", "address")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &panic->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &panic->info.addr) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    return g_steal_pointer(&panic);
}

void
vbDomainPanicDefFormat(vbBuffer *buf, const vbDomainPanicDef *panic, unsigned int flags)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferAsprintf(&attrBuf, " model='%s'", vbDomainPanicModelTypeToString(panic->model));
    vbDomainDeviceInfoFormat(&childBuf, &panic->info, flags);
    vbXMLFormatElement(buf, "panic", &attrBuf, &childBuf);
}

int
vbDomainPanicDefValidate(const vbDomainDef *def, const vbDomainPanicDef *panic)
{
    const vbDomainDeviceAddress *addr = &panic->info.addr;
    size_t i;

    /* libvirt's wording */
    for (i = 0; i < def->npanics && def->panics[i] != panic; i++) {
        if (def->panics[i]->model == panic->model) {
            vbReportError(VIR_ERR_XML_ERROR, _("Multiple panic devices with model '%s'"),
                          vbDomainPanicModelTypeToString(panic->model));
            return -1;
        }
    }
    switch (addr->type) {
    case VB_DOMAIN_DEVICE_ADDRESS_NONE:
        return 0;
    case VB_DOMAIN_DEVICE_ADDRESS_ISA:
        if (addr->isa.irq != 0) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("panic device of model 'isa' takes no irq, only an iobase"));
            return -1;
        }
        if (addr->isa.iobase > VB_DOMAIN_PANIC_IOBASE_MAX) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("iobase '0x%x' of the panic device is beyond the ISA I/O ports"),
                          addr->isa.iobase);
            return -1;
        }
        return 0;
    case VB_DOMAIN_DEVICE_ADDRESS_PCI:
    case VB_DOMAIN_DEVICE_ADDRESS_DRIVE:
    case VB_DOMAIN_DEVICE_ADDRESS_USB:
    case VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL:
    case VB_DOMAIN_DEVICE_ADDRESS_LAST:
        break;
    }
    /* libvirt's wording */
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("panic is supported only with ISA address type"));
    return -1;
}
