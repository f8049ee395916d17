/*
 * vbdomainabi.c: whether two definitions of a domain show the guest the
 * same machine, with libvirt's messages, in libvirt's order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbdomainabi.h"
#include "vbdomaindiskconf.h"
#include "vbdomainnetconf.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

static const char *
vbDomainABINetModelString(vbDomainNetModel model)
{
    return model == VB_DOMAIN_NET_MODEL_NONE ? "unknown" : vbDomainNetModelTypeToString(model);
}

static int
vbDomainDiskCheckABIStability(const vbDomainDiskDef *src, const vbDomainDiskDef *dst)
{
    if (src->device != dst->device) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target disk device %s does not match source %s"),
                      vbDomainDiskDeviceTypeToString(dst->device),
                      vbDomainDiskDeviceTypeToString(src->device));
        return -1;
    }
    if (src->bus != dst->bus) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("Target disk bus %s does not match source %s"),
                      vbDomainDiskBusTypeToString(dst->bus), vbDomainDiskBusTypeToString(src->bus));
        return -1;
    }
    if (g_strcmp0(src->dst, dst->dst) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("Target disk %s does not match source %s"),
                      dst->dst, src->dst);
        return -1;
    }
    return 0;
}

static int
vbDomainNetCheckABIStability(const vbDomainNetDef *src, const vbDomainNetDef *dst)
{
    char srcmac[VB_MAC_STRING_BUFLEN];
    char dstmac[VB_MAC_STRING_BUFLEN];

    if (!vbMacAddrEqual(&src->mac, &dst->mac)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target network card mac %s does not match source %s"),
                      vbMacAddrFormat(&dst->mac, dstmac), vbMacAddrFormat(&src->mac, srcmac));
        return -1;
    }
    if (src->model != dst->model) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target network card model %s does not match source %s"),
                      vbDomainABINetModelString(dst->model), vbDomainABINetModelString(src->model));
        return -1;
    }
    if (src->mtu != dst->mtu) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target network card MTU %u does not match source %u"), dst->mtu, src->mtu);
        return -1;
    }
    return 0;
}

int
vbDomainDefCheckABIStability(const vbDomainDef *src, const vbDomainDef *dst)
{
    size_t i;

    if (src->virtType != dst->virtType) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain virt type %s does not match source %s"),
                      vbDomainVirtTypeTypeToString(dst->virtType),
                      vbDomainVirtTypeTypeToString(src->virtType));
        return -1;
    }
    if (memcmp(src->uuid, dst->uuid, VB_UUID_BUFLEN) != 0) {
        char uuidsrc[VB_UUID_STRING_BUFLEN];
        char uuiddst[VB_UUID_STRING_BUFLEN];

        vbUUIDFormat(src->uuid, uuidsrc);
        vbUUIDFormat(dst->uuid, uuiddst);
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain uuid %s does not match source %s"), uuiddst, uuidsrc);
        return -1;
    }
    if (g_strcmp0(src->name, dst->name) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain name '%s' does not match source '%s'"), dst->name,
                      src->name);
        return -1;
    }
    if (src->maxMemory != dst->maxMemory) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain max memory %llu does not match source %llu"), dst->maxMemory,
                      src->maxMemory);
        return -1;
    }
    if (src->currentMemory != dst->currentMemory) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain current memory %llu does not match source %llu"),
                      dst->currentMemory, src->currentMemory);
        return -1;
    }
    if (src->vcpus != dst->vcpus) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain vCPU max %u does not match source %u"), dst->vcpus,
                      src->vcpus);
        return -1;
    }
    if (g_strcmp0(src->osType, dst->osType) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain OS type %s does not match source %s"), NULLSTR(dst->osType),
                      NULLSTR(src->osType));
        return -1;
    }
    if (g_strcmp0(src->arch, dst->arch) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain architecture %s does not match source %s"),
                      NULLSTR(dst->arch), NULLSTR(src->arch));
        return -1;
    }
    if (g_strcmp0(src->machine, dst->machine) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain machine type %s does not match source %s"),
                      NULLSTR(dst->machine), NULLSTR(src->machine));
        return -1;
    }
    if (src->ndisks != dst->ndisks) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain disk count %zu does not match source %zu"), dst->ndisks,
                      src->ndisks);
        return -1;
    }
    for (i = 0; i < src->ndisks; i++) {
        if (vbDomainDiskCheckABIStability(src->disks[i], dst->disks[i]) < 0)
            return -1;
    }
    if (src->nnets != dst->nnets) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain net card count %zu does not match source %zu"), dst->nnets,
                      src->nnets);
        return -1;
    }
    for (i = 0; i < src->nnets; i++) {
        if (vbDomainNetCheckABIStability(src->nets[i], dst->nets[i]) < 0)
            return -1;
    }
    return 0;
}
