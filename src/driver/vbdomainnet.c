/*
 * vbdomainnet.c: a running domain's network interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt's qemuDomainInterfaceStats, with its errors: an interface is
 * named by its MAC address or its tap's name, and its counters are the
 * host's view of the tap (/proc/net/dev) turned round, since what the
 * host sends on a tap the guest receives.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vbdomainnet.h"
#include "vbdomainobj.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* libvirt's virDomainNetFind: by MAC address if @device is one, else by
 * the tap's name */
static const vbDomainNetDef *
vbDomainNetFind(const vbDomainDef *def, const char *device)
{
    vbMacAddr mac;
    bool isMac = vbMacAddrParse(device, &mac) == 0;
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        const vbDomainNetDef *net = def->nets[i];

        if (isMac ? vbMacAddrEqual(&net->mac, &mac) : g_strcmp0(net->ifname, device) == 0)
            return net;
    }
    /* libvirt's wording */
    vbReportError(VIR_ERR_INVALID_ARG, _("'%s' is not a known interface"), device);
    return NULL;
}

/* The line of @ifname in /proc/net/dev, turned round for the guest. */
static int
vbDomainNetTapStats(const char *ifname, virDomainInterfaceStatsStruct *stats)
{
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!g_file_get_contents("/proc/net/dev", &content, NULL, NULL)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot read '%s'"), "/proc/net/dev");
        return -1;
    }
    lines = g_strsplit(content, "\n", -1);
    for (i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        long long v[16];

        if (!colon)
            continue;
        *colon = '\0';
        if (strcmp(g_strstrip(lines[i]), ifname) != 0)
            continue;
        if (sscanf(colon + 1, "%lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld", &v[0],
                   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10],
                   &v[11]) != 12)
            break;
        stats->rx_bytes = v[8];
        stats->rx_packets = v[9];
        stats->rx_errs = v[10];
        stats->rx_drop = v[11];
        stats->tx_bytes = v[0];
        stats->tx_packets = v[1];
        stats->tx_errs = v[2];
        stats->tx_drop = v[3];
        return 0;
    }
    /* libvirt's wording */
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("/proc/net/dev: Interface not found"));
    return -1;
}

int
vbDomainInterfaceStats(vbDriver *driver, const vbDomainHandle *dom, const char *device,
                       virDomainInterfaceStatsStruct *stats)
{
    const vbDomainNetDef *net;
    vbDomainObj *vm;
    int ret = -1;

    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjCheckActive(vm) < 0 || !(net = vbDomainNetFind(vm->def, device)))
        goto cleanup;
    if (!net->ifname) {
        /* user networking has no tap: libvirt's error */
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("Interface name not provided"));
        goto cleanup;
    }
    ret = vbDomainNetTapStats(net->ifname, stats);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
