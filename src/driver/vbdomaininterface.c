/*
 * vbdomaininterface.c: the host side of a domain's interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's qemuInterfaceEthernetConnect and qemuInterfaceBridgeConnect,
 * step for step and with their errors; the order of the steps decides
 * which error a bad definition gets (a missing bridge is found when its
 * MTU is read, as in libvirt).
 */

#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbdomaininterface.h"
#include "vberror.h"
#include "vblog.h"
#include "vbnetdev.h"
#include "vbnetdevmacvtap.h"
#include "vbqemudevice.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* virtio-net understands the vnet header on each packet (libvirt's
 * qemuInterfaceIsVnetCompatModel) */
static unsigned int
vbDomainInterfaceTapFlags(const vbDomainNetDef *net)
{
    return net->model == VB_DOMAIN_NET_MODEL_VIRTIO ? VB_NETDEV_TAP_CREATE_VNET_HDR : 0;
}

/* The tap's own MAC address: the guest's with another first byte, since
 * a tap with the guest's address makes the kernel complain of packets
 * "with own address as source address" (libvirt's rule) */
static void
vbDomainInterfaceTapMAC(const vbDomainNetDef *net, unsigned char mac[VB_MAC_BUFLEN])
{
    memcpy(mac, net->mac.addr, VB_MAC_BUFLEN);
    mac[0] = mac[0] == 0xFE ? 0xFA : 0xFE;
}

/* type 'ethernet': a tap of the daemon's, or the existing one of
 * managed='no', which is opened as it is */
static int
vbDomainInterfaceEthernetConnect(vbDomainNetDef *net, int *tapfds, size_t ntapfds)
{
    unsigned char mac[VB_MAC_BUFLEN];

    if (net->managedNo) {
        if (!vbNetDevExists(net->ifname)) {
            /* libvirt's code and wording */
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("target managed='no' but specified dev doesn't exist"));
            return -1;
        }
        return vbNetDevTapCreate(&net->ifname, tapfds, ntapfds,
                                 vbDomainInterfaceTapFlags(net) |
                                     VB_NETDEV_TAP_CREATE_ALLOW_EXISTING);
    }
    if (vbNetDevTapCreate(&net->ifname, tapfds, ntapfds, vbDomainInterfaceTapFlags(net)) < 0)
        return -1;
    vbDomainInterfaceTapMAC(net, mac);
    if (vbNetDevSetMAC(net->ifname, mac) < 0 || vbNetDevSetOnline(net->ifname, true) < 0 ||
        (net->mtu && vbNetDevSetMTU(net->ifname, net->mtu) < 0))
        return -1;
    return 0;
}

/* type 'bridge': a tap of the daemon's, given the bridge's MTU (or
 * <mtu>'s), enslaved, then up (libvirt's virNetDevTapCreateInBridgePort) */
static int
vbDomainInterfaceBridgeConnect(vbDomainNetDef *net, int *tapfds, size_t ntapfds)
{
    unsigned char mac[VB_MAC_BUFLEN];
    unsigned int mtu = net->mtu;

    if (vbNetDevTapCreate(&net->ifname, tapfds, ntapfds, vbDomainInterfaceTapFlags(net)) < 0)
        return -1;
    vbDomainInterfaceTapMAC(net, mac);
    if (vbNetDevSetMAC(net->ifname, mac) < 0 ||
        (mtu == 0 && vbNetDevGetMTU(net->bridge, &mtu) < 0) ||
        vbNetDevSetMTU(net->ifname, mtu) < 0 ||
        vbNetDevBridgeAddPort(net->bridge, net->ifname) < 0 ||
        vbNetDevSetOnline(net->ifname, true) < 0)
        return -1;
    return 0;
}

/* type 'direct': a macvtap of the daemon's on the parent <source dev>,
 * with the guest's own MAC address and <mtu> (libvirt's
 * qemuInterfaceDirectConnect).  It is up at once, with its parent:
 * libvirt brings both up once QEMU runs, whatever <link state> says, as
 * the guest's link is QEMU's (set_link) and a macvtap down carries
 * nothing. */
static int
vbDomainInterfaceDirectConnect(vbDomainNetDef *net, int *tapfds, size_t ntapfds)
{
    static const vbNetDevMacvtapMode modes[] = {
        [VB_DOMAIN_NET_DIRECT_MODE_VEPA] = VB_NETDEV_MACVTAP_MODE_VEPA,
        [VB_DOMAIN_NET_DIRECT_MODE_PRIVATE] = VB_NETDEV_MACVTAP_MODE_PRIVATE,
        [VB_DOMAIN_NET_DIRECT_MODE_BRIDGE] = VB_NETDEV_MACVTAP_MODE_BRIDGE,
        [VB_DOMAIN_NET_DIRECT_MODE_PASSTHROUGH] = VB_NETDEV_MACVTAP_MODE_PASSTHROUGH,
    };
    unsigned int flags = 0;

    if (net->model == VB_DOMAIN_NET_MODEL_VIRTIO)
        flags |= VB_NETDEV_MACVTAP_CREATE_VNET_HDR;
    return vbNetDevMacvtapCreate(&net->ifname, net->linkdev, net->mac.addr, modes[net->directMode],
                                 net->mtu, tapfds, ntapfds, flags);
}

void
vbDomainInterfacesCloseFds(GArray *fds)
{
    guint i;

    for (i = 0; i < fds->len; i++) {
        int fd = g_array_index(fds, int, i);

        if (fd >= 0)
            close(fd);
    }
    g_array_set_size(fds, 0);
}

int
vbDomainInterfaceConnect(vbDomainNetDef *net, bool vhostNet, GArray *fds)
{
    g_autofree int *tapfds = NULL;
    g_autofree int *vhostfds = NULL;
    size_t ntapfds;
    size_t nvhostfds;
    size_t i;
    int rc = -1;

    vbQemuDeviceNetTapFdCount(net, vhostNet, &ntapfds, &nvhostfds);
    if (ntapfds == 0)
        return 0;
    tapfds = g_new(int, ntapfds);
    for (i = 0; i < ntapfds; i++)
        tapfds[i] = -1;
    vhostfds = g_new0(int, nvhostfds + 1);

    switch (net->type) {
    case VB_DOMAIN_NET_TYPE_ETHERNET:
        rc = vbDomainInterfaceEthernetConnect(net, tapfds, ntapfds);
        break;
    case VB_DOMAIN_NET_TYPE_BRIDGE:
        rc = vbDomainInterfaceBridgeConnect(net, tapfds, ntapfds);
        break;
    case VB_DOMAIN_NET_TYPE_DIRECT:
        rc = vbDomainInterfaceDirectConnect(net, tapfds, ntapfds);
        break;
    case VB_DOMAIN_NET_TYPE_USER:
    case VB_DOMAIN_NET_TYPE_NETWORK:
    case VB_DOMAIN_NET_TYPE_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected interface type %d"), (int) net->type);
        break;
    }
    if (rc == 0 && nvhostfds && (rc = vbNetDevVhostNetOpen(vhostfds, nvhostfds)) < 0 &&
        net->type == VB_DOMAIN_NET_TYPE_DIRECT) {
        /* a macvtap stays until deleted */
        g_autoptr(vbError) saved = vbErrorSave();

        vbNetDevMacvtapDelete(net->ifname);
        vbErrorRestore(&saved);
    }
    if (rc < 0) {
        /* with its last descriptor the kernel removes the tap */
        for (i = 0; i < ntapfds; i++) {
            if (tapfds[i] >= 0)
                close(tapfds[i]);
        }
        return -1;
    }
    g_array_append_vals(fds, tapfds, ntapfds);
    g_array_append_vals(fds, vhostfds, nvhostfds);
    VB_INFO("interface '%s' on tap '%s'", net->info.alias ? net->info.alias : "", net->ifname);
    return 0;
}

int
vbDomainInterfacesConnect(vbDomainDef *def, bool vhostNet, GArray *fds)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (vbDomainInterfaceConnect(def->nets[i], vhostNet, fds) < 0) {
            g_autoptr(vbError) saved = vbErrorSave();

            vbDomainInterfacesCloseFds(fds);
            /* the macvtaps made so far stay until deleted; never the
             * failing interface's name, which may be another's device */
            while (i--)
                vbDomainInterfaceRelease(def, def->nets[i]);
            vbErrorRestore(&saved);
            return -1;
        }
    }
    return 0;
}

/* Whether @net is of a type on a tap: 'ethernet', 'bridge' or 'direct'
 * (a macvtap) */
static bool
vbDomainInterfaceHasTap(const vbDomainNetDef *net)
{
    return net->type == VB_DOMAIN_NET_TYPE_ETHERNET || net->type == VB_DOMAIN_NET_TYPE_BRIDGE ||
           net->type == VB_DOMAIN_NET_TYPE_DIRECT;
}

/* The taps of @def the daemon created: on a tap, not managed='no',
 * named once started */
static bool
vbDomainInterfaceIsOwnTap(const vbDomainNetDef *net)
{
    return vbDomainInterfaceHasTap(net) && !net->managedNo && net->ifname;
}

int
vbDomainInterfacePrepareName(vbDomainNetDef *net)
{
    if (!vbDomainInterfaceHasTap(net) || net->managedNo)
        return 0;
    return vbNetDevGenerateName(&net->ifname, net->type == VB_DOMAIN_NET_TYPE_DIRECT
                                                  ? VB_NETDEV_GEN_NAME_MACVTAP
                                                  : VB_NETDEV_GEN_NAME_VNET);
}

int
vbDomainInterfacesPrepareNames(vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (vbDomainInterfacePrepareName(def->nets[i]) < 0)
            return -1;
    }
    return 0;
}

int
vbDomainInterfaceCheckBridge(const char *bridge)
{
    if (!vbNetDevExists(bridge)) {
        /* libvirt's code and wording */
        vbReportError(VIR_ERR_OPERATION_FAILED, _("bridge %s doesn't exist"), bridge);
        return -1;
    }
    return 0;
}

int
vbDomainInterfaceChangeBridge(vbDomainNetDef *net, const char *bridge)
{
    if (!net->bridge || !net->ifname) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("Missing bridge name"));
        return -1;
    }
    if (vbDomainInterfaceCheckBridge(bridge) < 0)
        return -1;
    /* a bridge deleted and made again has lost its ports: not an error */
    if (vbNetDevBridgeRemovePort(net->bridge, net->ifname) < 0) {
        VB_WARN("Unable to detach device %s from bridge %s: %s", net->ifname, net->bridge,
                vbGetLastErrorMessage());
        vbResetLastError();
    }
    if (vbNetDevBridgeAddPort(bridge, net->ifname) < 0) {
        g_autoptr(vbError) saved = vbErrorSave();

        /* back where it was, as far as it goes */
        if (vbNetDevBridgeAddPort(net->bridge, net->ifname) < 0)
            VB_WARN("cannot put tap '%s' back on bridge '%s': %s", net->ifname, net->bridge,
                    vbGetLastErrorMessage());
        vbErrorRestore(&saved);
        return -1;
    }
    VB_INFO("tap '%s' moved from bridge '%s' to '%s'", net->ifname, net->bridge, bridge);
    g_free(net->bridge);
    net->bridge = g_strdup(bridge);
    return 0;
}

void
vbDomainInterfaceRelease(const vbDomainDef *def, const vbDomainNetDef *net)
{
    bool direct = net->type == VB_DOMAIN_NET_TYPE_DIRECT;
    unsigned char own[VB_MAC_BUFLEN];
    unsigned char mac[VB_MAC_BUFLEN];

    if (!vbDomainInterfaceIsOwnTap(net) || !vbNetDevExists(net->ifname))
        return;
    /* only a device as the daemon makes them, a macvtap with the guest's
     * address or a tap with its own: the status names it before it is
     * made, and a device of that name someone else has is left alone */
    if (direct)
        memcpy(own, net->mac.addr, VB_MAC_BUFLEN);
    else
        vbDomainInterfaceTapMAC(net, own);
    if ((direct && !vbNetDevIsMacvtap(net->ifname)) || vbNetDevGetMAC(net->ifname, mac) < 0 ||
        memcmp(mac, own, VB_MAC_BUFLEN) != 0) {
        vbResetLastError();
        return;
    }
    if (direct ? vbNetDevMacvtapDelete(net->ifname) < 0 : vbNetDevTapDelete(net->ifname) < 0)
        VB_WARN("cannot remove %s '%s' of domain '%s': %s", direct ? "macvtap" : "tap", net->ifname,
                def->name, vbGetLastErrorMessage());
    vbResetLastError();
}

void
vbDomainInterfacesRelease(const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++)
        vbDomainInterfaceRelease(def, def->nets[i]);
}

void
vbDomainInterfacesReserveNames(const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (vbDomainInterfaceIsOwnTap(def->nets[i]))
            vbNetDevReserveName(def->nets[i]->ifname);
    }
}
