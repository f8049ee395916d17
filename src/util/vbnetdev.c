/*
 * vbnetdev.c: the host's network devices: taps and bridge ports
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ioctl()s on a throw-away datagram socket, as libvirt's virnetdev.c does
 * without netlink: the calls are few, and each is one request.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbnetdev.h"
#include "vberror.h"
#include "vblog.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

#define VB_NETDEV_TUN_PATH "/dev/net/tun"

/* libvirt tries this many names before it gives up */
#define VB_NETDEV_GENERATE_ATTEMPTS 10000

/* The last number handed out for each kind of name: the next name is a
 * higher number, so that a name just released is not reused at once (a
 * guest's tap of a moment ago may still be named in a firewall or a
 * capture).  vnetN and macvtapN are counted apart, as libvirt counts them;
 * a template takes the number of its kind's counter. */
static GMutex vbNetDevNameLock;
static int vbNetDevLastID[VB_NETDEV_GEN_NAME_LAST] = {-1, -1};
static const char *const vbNetDevGenNamePrefix[VB_NETDEV_GEN_NAME_LAST] = {
    [VB_NETDEV_GEN_NAME_VNET] = VB_NETDEV_VNET_PREFIX,
    [VB_NETDEV_GEN_NAME_MACVTAP] = VB_NETDEV_MACVTAP_NAME_PREFIX,
};

int
vbNetDevExists(const char *ifname)
{
    return if_nametoindex(ifname) != 0 ? 1 : 0;
}

bool
vbNetDevNameIsTemplate(const char *name)
{
    const char *pct = strchr(name, '%');

    return pct && pct == strrchr(name, '%') && pct[1] == 'd';
}

/* Fills @ifr with @ifname; a name that does not fit is libvirt's error. */
static int
vbNetDevSetName(struct ifreq *ifr, const char *ifname)
{
    memset(ifr, 0, sizeof(*ifr));
    if (g_strlcpy(ifr->ifr_name, ifname, sizeof(ifr->ifr_name)) >= sizeof(ifr->ifr_name)) {
        /* libvirt's wording */
        vbReportSystemError(ERANGE, _("Network interface name '%s' is too long"), ifname);
        return -1;
    }
    return 0;
}

/* A socket for the interface ioctl()s, with @ifr naming @ifname. */
static int
vbNetDevSetupControl(const char *ifname, struct ifreq *ifr)
{
    int fd;

    if (vbNetDevSetName(ifr, ifname) < 0)
        return -1;
    if ((fd = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot open network interface control socket"));
        return -1;
    }
    return fd;
}

int
vbNetDevGenerateName(char **ifname, vbNetDevGenNameType type)
{
    const char *template = *ifname;
    const char *prefix = vbNetDevGenNamePrefix[type];
    /* the numbers that still fit in IFNAMSIZ after the prefix */
    int prefixLen = template ? (int) strlen(template) - 2 : (int) strlen(prefix);
    int digits = IFNAMSIZ - 1 - prefixLen;
    int maxID = INT_MAX;
    int attempts;

    if (template && !vbNetDevNameIsTemplate(template))
        return 0;
    if (digits <= 0)
        maxID = 1;
    else if (digits < 10)
        for (maxID = 1; digits > 0; digits--)
            maxID *= 10;

    for (attempts = 0; attempts < VB_NETDEV_GENERATE_ATTEMPTS; attempts++) {
        g_autofree char *try = NULL;
        int id;

        g_mutex_lock(&vbNetDevNameLock);
        id = ++vbNetDevLastID[type];
        if (vbNetDevLastID[type] >= maxID)
            vbNetDevLastID[type] = -1;
        g_mutex_unlock(&vbNetDevNameLock);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        /* the template has one %d and no other conversion: checked by
         * vbNetDevNameIsTemplate */
        try = template ? g_strdup_printf(template, id) : g_strdup_printf("%s%d", prefix, id);
#pragma GCC diagnostic pop
        if (strlen(try) < IFNAMSIZ && !vbNetDevExists(try)) {
            g_free(*ifname);
            *ifname = g_steal_pointer(&try);
            return 0;
        }
    }
    /* libvirt's wording */
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("no unused %s names available"),
                  template ? template : prefix);
    return -1;
}

void
vbNetDevReserveName(const char *name)
{
    const char *prefix = VB_NETDEV_VNET_PREFIX;
    int *lastID = &vbNetDevLastID[VB_NETDEV_GEN_NAME_VNET];
    unsigned long long id;
    char *end = NULL;

    if (!name)
        return;
    if (g_str_has_prefix(name, VB_NETDEV_MACVTAP_NAME_PREFIX)) {
        prefix = VB_NETDEV_MACVTAP_NAME_PREFIX;
        lastID = &vbNetDevLastID[VB_NETDEV_GEN_NAME_MACVTAP];
    } else if (!g_str_has_prefix(name, prefix)) {
        return;
    }
    id = g_ascii_strtoull(name + strlen(prefix), &end, 10);
    if (end == name + strlen(prefix) || *end != '\0' || id > INT_MAX)
        return;
    g_mutex_lock(&vbNetDevNameLock);
    if (*lastID < (int) id)
        *lastID = (int) id;
    g_mutex_unlock(&vbNetDevNameLock);
}

int
vbNetDevTapCreate(char **ifname, int *tapfds, size_t ntapfds, unsigned int flags)
{
    g_autofree char *name = g_strdup(*ifname);
    struct ifreq ifr;
    size_t i;

    if (!name || vbNetDevNameIsTemplate(name)) {
        if (vbNetDevGenerateName(&name, VB_NETDEV_GEN_NAME_VNET) < 0)
            return -1;
    } else if (!(flags & VB_NETDEV_TAP_CREATE_ALLOW_EXISTING) && vbNetDevExists(name)) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_OPERATION_INVALID, _("The %s interface already exists"), name);
        return -1;
    }

    for (i = 0; i < ntapfds; i++) {
        int fd;

        if ((fd = open(VB_NETDEV_TUN_PATH, O_RDWR | O_CLOEXEC)) < 0) {
            /* libvirt's wording */
            vbReportSystemError(errno, _("Unable to open %s, is tun module loaded?"),
                                VB_NETDEV_TUN_PATH);
            goto error;
        }
        if (vbNetDevSetName(&ifr, name) < 0) {
            close(fd);
            goto error;
        }
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        if (ntapfds > 1)
            ifr.ifr_flags |= IFF_MULTI_QUEUE;
        /* a device someone made under that name since the check above
         * (another daemon's vnetN, a persistent tap) is not attached to:
         * the first queue creates the device or fails */
        if (i == 0 && !(flags & VB_NETDEV_TAP_CREATE_ALLOW_EXISTING))
            ifr.ifr_flags |= IFF_TUN_EXCL;
        if (flags & VB_NETDEV_TAP_CREATE_VNET_HDR)
            ifr.ifr_flags |= IFF_VNET_HDR;
        if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
            /* libvirt's wording */
            vbReportSystemError(errno, _("Unable to create tap device %s"), name);
            close(fd);
            goto error;
        }
        tapfds[i] = fd;
    }
    VB_INFO("created device: '%s'", name);
    g_free(*ifname);
    *ifname = g_steal_pointer(&name);
    return 0;

error:
    while (i--) {
        close(tapfds[i]);
        tapfds[i] = -1;
    }
    return -1;
}

int
vbNetDevTapDelete(const char *ifname)
{
    struct ifreq ifr;
    int fd;
    int ret = -1;

    if (vbNetDevSetName(&ifr, ifname) < 0)
        return -1;
    if ((fd = open(VB_NETDEV_TUN_PATH, O_RDWR | O_CLOEXEC)) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Unable to open %s, is tun module loaded?"),
                            VB_NETDEV_TUN_PATH);
        return -1;
    }
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Unable to associate TAP device"));
        goto cleanup;
    }
    if (ioctl(fd, TUNSETPERSIST, 0) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Unable to make TAP device non-persistent"));
        goto cleanup;
    }
    VB_INFO("delete device: '%s'", ifname);
    ret = 0;
cleanup:
    close(fd);
    return ret;
}

int
vbNetDevSetMAC(const char *ifname, const unsigned char mac[6])
{
    struct ifreq ifr;
    int fd;
    int ret = -1;

    if ((fd = vbNetDevSetupControl(ifname, &ifr)) < 0)
        return -1;
    /* the device's hardware type stays: read it first */
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot get interface MAC on '%s'"), ifname);
        goto cleanup;
    }
    memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
    if (ioctl(fd, SIOCSIFHWADDR, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot set interface MAC on '%s'"), ifname);
        goto cleanup;
    }
    ret = 0;
cleanup:
    close(fd);
    return ret;
}

int
vbNetDevGetMAC(const char *ifname, unsigned char mac[6])
{
    struct ifreq ifr;
    int fd;
    int ret = -1;

    if ((fd = vbNetDevSetupControl(ifname, &ifr)) < 0)
        return -1;
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot get interface MAC on '%s'"), ifname);
        goto cleanup;
    }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    ret = 0;
cleanup:
    close(fd);
    return ret;
}

int
vbNetDevGetOnline(const char *ifname, bool *online)
{
    struct ifreq ifr;
    int fd;
    int ret = -1;

    if ((fd = vbNetDevSetupControl(ifname, &ifr)) < 0)
        return -1;
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot get interface flags on '%s'"), ifname);
        goto cleanup;
    }
    *online = ifr.ifr_flags & IFF_UP;
    ret = 0;
cleanup:
    close(fd);
    return ret;
}

int
vbNetDevSetOnline(const char *ifname, bool online)
{
    struct ifreq ifr;
    int fd;
    int ret = -1;

    if ((fd = vbNetDevSetupControl(ifname, &ifr)) < 0)
        return -1;
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot get interface flags on '%s'"), ifname);
        goto cleanup;
    }
    if (online)
        ifr.ifr_flags |= IFF_UP;
    else
        ifr.ifr_flags &= ~IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot set interface flags on '%s'"), ifname);
        goto cleanup;
    }
    ret = 0;
cleanup:
    close(fd);
    return ret;
}

int
vbNetDevGetMTU(const char *ifname, unsigned int *mtu)
{
    struct ifreq ifr;
    int fd;
    int ret = -1;

    if ((fd = vbNetDevSetupControl(ifname, &ifr)) < 0)
        return -1;
    if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot get interface MTU on '%s'"), ifname);
        goto cleanup;
    }
    *mtu = ifr.ifr_mtu;
    ret = 0;
cleanup:
    close(fd);
    return ret;
}

int
vbNetDevSetMTU(const char *ifname, unsigned int mtu)
{
    struct ifreq ifr;
    int fd;
    int ret = -1;

    if ((fd = vbNetDevSetupControl(ifname, &ifr)) < 0)
        return -1;
    ifr.ifr_mtu = mtu;
    if (ioctl(fd, SIOCSIFMTU, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Cannot set interface MTU on '%s'"), ifname);
        goto cleanup;
    }
    ret = 0;
cleanup:
    close(fd);
    return ret;
}

/* SIOCBRADDIF (@add) or SIOCBRDELIF of @ifname on @brname, with
 * libvirt's wording for either failure */
static int
vbNetDevBridgePort(const char *brname, const char *ifname, bool add)
{
    struct ifreq ifr;
    unsigned int index;
    int err;
    int fd;

    if ((index = if_nametoindex(ifname)) == 0) {
        err = errno;
    } else {
        if ((fd = vbNetDevSetupControl(brname, &ifr)) < 0)
            return -1;
        ifr.ifr_ifindex = index;
        err = ioctl(fd, add ? SIOCBRADDIF : SIOCBRDELIF, &ifr) < 0 ? errno : 0;
        close(fd);
        if (err == 0)
            return 0;
    }
    if (add)
        vbReportSystemError(err, _("Unable to add bridge %s port %s"), brname, ifname);
    else
        vbReportSystemError(err, _("Unable to remove bridge %s port %s"), brname, ifname);
    return -1;
}

int
vbNetDevBridgeAddPort(const char *brname, const char *ifname)
{
    return vbNetDevBridgePort(brname, ifname, true);
}

int
vbNetDevBridgeRemovePort(const char *brname, const char *ifname)
{
    return vbNetDevBridgePort(brname, ifname, false);
}

#define VB_NETDEV_VHOST_NET_PATH "/dev/vhost-net"

bool
vbNetDevVhostNetUsable(void)
{
    int fd = open(VB_NETDEV_VHOST_NET_PATH, O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return false;
    close(fd);
    return true;
}

int
vbNetDevVhostNetOpen(int *fds, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if ((fds[i] = open(VB_NETDEV_VHOST_NET_PATH, O_RDWR | O_CLOEXEC)) < 0) {
            /* libvirt's wording */
            vbReportSystemError(errno,
                                _("vhost-net was requested for an interface, but is unavailable"));
            while (i--) {
                close(fds[i]);
                fds[i] = -1;
            }
            return -1;
        }
    }
    return 0;
}
