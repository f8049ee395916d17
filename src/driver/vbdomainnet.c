/*
 * vbdomainnet.c: a running domain's network interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt's qemuDomainInterfaceStats, with its errors: an interface is
 * named by its MAC address or its tap's name, and its counters are the
 * host's view of the tap (/proc/net/dev) turned round, since what the
 * host sends on a tap the guest receives.  Its addresses from the host's
 * ARP table, as libvirt's virDomainNetARPInterfaces finds them.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vbdomainagent.h"
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

/* The line of @ifname in /proc/net/dev, turned round for the guest
 * when @swapped: a tap's transmit is the guest's receive, where a
 * macvtap counts as the guest does (libvirt's
 * virDomainNetTypeSharesHostView). */
static int
vbDomainNetTapStats(const char *ifname, bool swapped, virDomainInterfaceStatsStruct *stats)
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
        size_t rx;
        size_t tx;

        if (!colon)
            continue;
        *colon = '\0';
        if (strcmp(g_strstrip(lines[i]), ifname) != 0)
            continue;
        if (sscanf(colon + 1, "%lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld", &v[0],
                   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10],
                   &v[11]) != 12)
            break;
        /* the host's receive counters come first, its transmit ones at 8 */
        rx = swapped ? 8 : 0;
        tx = swapped ? 0 : 8;
        stats->rx_bytes = v[rx];
        stats->rx_packets = v[rx + 1];
        stats->rx_errs = v[rx + 2];
        stats->rx_drop = v[rx + 3];
        stats->tx_bytes = v[tx];
        stats->tx_packets = v[tx + 1];
        stats->tx_errs = v[tx + 2];
        stats->tx_drop = v[tx + 3];
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
    ret = vbDomainNetTapStats(net->ifname, net->type != VB_DOMAIN_NET_TYPE_DIRECT, stats);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

void
vbDomainIfaceAddrsFree(vbDomainIfaceAddrs *iface)
{
    size_t i;

    if (!iface)
        return;
    for (i = 0; i < iface->naddrs; i++)
        g_free(iface->addrs[i].addr);
    g_free(iface->addrs);
    g_free(iface->name);
    g_free(iface->hwaddr);
    g_free(iface);
}

/* The host's IPv4 neighbours: an array of {address, MAC} string pairs
 * from /proc/net/arp (of the daemon's network namespace), its entries
 * still being resolved left out */
static GPtrArray *
vbDomainNetReadARP(void)
{
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GPtrArray) table = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
    size_t i;

    if (!g_file_get_contents("/proc/net/arp", &content, NULL, NULL)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot read '%s'"), "/proc/net/arp");
        return NULL;
    }
    lines = g_strsplit(content, "\n", -1);
    /* "IP address  HW type  Flags  HW address  Mask  Device", a header first */
    for (i = 1; lines[i]; i++) {
        g_auto(GStrv) cols = g_strsplit_set(lines[i], " \t", -1);
        g_autoptr(GPtrArray) words = g_ptr_array_new();
        char **pair;
        size_t j;

        for (j = 0; cols[j]; j++) {
            if (*cols[j])
                g_ptr_array_add(words, cols[j]);
        }
        /* flags 0x0: incomplete, no MAC address yet */
        if (words->len < 4 || g_strcmp0(words->pdata[2], "0x0") == 0)
            continue;
        pair = g_new0(char *, 3);
        pair[0] = g_strdup(words->pdata[0]);
        pair[1] = g_ascii_strdown(words->pdata[3], -1);
        g_ptr_array_add(table, pair);
    }
    return g_steal_pointer(&table);
}

/* libvirt's virDomainNetARPInterfaces: one entry per interface and
 * neighbour with its MAC address, the address IPv4 with prefix 0 */
static int
vbDomainNetARPInterfaces(const vbDomainDef *def, GPtrArray *ifaces)
{
    g_autoptr(GPtrArray) table = vbDomainNetReadARP();
    size_t i;
    size_t j;

    if (!table)
        return -1;
    for (i = 0; i < def->nnets; i++) {
        const vbDomainNetDef *net = def->nets[i];
        char mac[VB_MAC_STRING_BUFLEN];

        /* a neighbour of the host is behind a host device: user
         * networking has none */
        if (!net->ifname)
            continue;
        vbMacAddrFormat(&net->mac, mac);
        for (j = 0; j < table->len; j++) {
            char **entry = table->pdata[j];
            vbDomainIfaceAddrs *iface;

            if (strcmp(entry[1], mac) != 0)
                continue;
            iface = g_new0(vbDomainIfaceAddrs, 1);
            iface->name = g_strdup(net->ifname);
            iface->hwaddr = g_strdup(mac);
            iface->addrs = g_new0(virDomainIPAddress, 1);
            iface->naddrs = 1;
            iface->addrs[0].type = VIR_IP_ADDR_TYPE_IPV4;
            iface->addrs[0].addr = g_strdup(entry[0]);
            g_ptr_array_add(ifaces, iface);
        }
    }
    return 0;
}

int
vbDomainInterfaceAddresses(vbDriver *driver, const vbDomainHandle *dom, unsigned int source,
                           unsigned int flags, GPtrArray **ifaces)
{
    g_autoptr(GPtrArray) list =
        g_ptr_array_new_with_free_func((GDestroyNotify) vbDomainIfaceAddrsFree);
    vbDomainObj *vm;
    int ret = -1;

    *ifaces = NULL;
    vbCheckFlagsFunc(flags, 0, "qemuDomainInterfaceAddresses", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjCheckActive(vm) < 0)
        goto cleanup;

    switch (source) {
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE:
        /* leases are a libvirt network's, and no interface is on one
         * (type 'network' is refused): none, as libvirt finds none */
        ret = 0;
        break;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT:
        ret = vbDomainAgentInterfaceAddresses(vm, list);
        break;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP:
        ret = vbDomainNetARPInterfaces(vm->def, list);
        break;
    default:
        /* libvirt's wording */
        vbReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, _("Unknown IP address data source %d"), source);
        break;
    }
    if (ret == 0)
        *ifaces = g_steal_pointer(&list);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
