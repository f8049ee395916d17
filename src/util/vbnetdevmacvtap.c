/*
 * vbnetdevmacvtap.c: macvtap devices on a host NIC
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plain rtnetlink on a socket of each call's own: one request, one
 * acknowledgement.  The kernel makes /dev/tapN itself (devtmpfs); a udev
 * that relabels it may open it a moment later, hence the short retry as
 * in libvirt.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbnetdevmacvtap.h"
#include "vberror.h"
#include "vblog.h"
#include "vbnetdev.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

/* libvirt waits this often, this long, for a /dev/tapN not there yet */
#define VB_MACVTAP_OPEN_RETRIES 10
#define VB_MACVTAP_OPEN_WAIT_US 20000

#define VB_NETLINK_BUFLEN 1024

/* A netlink request being built in a fixed buffer (a link request has a
 * few short attributes) */
typedef struct {
    union {
        struct nlmsghdr hdr;
        char buf[VB_NETLINK_BUFLEN];
    } u;
} vbNetlinkMsg;

static struct nlmsghdr *
vbNetlinkMsgInit(vbNetlinkMsg *msg, int type, int flags, int ifindex)
{
    struct ifinfomsg *ifi;

    memset(msg, 0, sizeof(*msg));
    msg->u.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
    msg->u.hdr.nlmsg_type = type;
    msg->u.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    ifi = NLMSG_DATA(&msg->u.hdr);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    return &msg->u.hdr;
}

/* Appends an attribute; the caller's sizes are small and fixed, so the
 * buffer cannot overflow (checked all the same) */
static struct rtattr *
vbNetlinkMsgPut(vbNetlinkMsg *msg, int type, const void *data, size_t len)
{
    struct rtattr *rta;
    size_t at = NLMSG_ALIGN(msg->u.hdr.nlmsg_len);

    if (at + RTA_SPACE(len) > sizeof(msg->u.buf))
        g_error("netlink request too long"); /* not reached */
    rta = (struct rtattr *) (void *) (msg->u.buf + at);
    rta->rta_type = type;
    rta->rta_len = RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(rta), data, len);
    msg->u.hdr.nlmsg_len = at + RTA_SPACE(len);
    return rta;
}

/* Closes the nest @rta opened with vbNetlinkMsgPut(..., NULL, 0) */
static void
vbNetlinkMsgNestEnd(vbNetlinkMsg *msg, struct rtattr *rta)
{
    rta->rta_len = (char *) msg->u.buf + msg->u.hdr.nlmsg_len - (char *) rta;
}

/* Sends @msg and reads the kernel's acknowledgement: 0, or the negative
 * errno of the request (*@syserr set, nothing reported), or -1 with an
 * error reported when the socket itself fails. */
static int
vbNetlinkTalk(vbNetlinkMsg *msg, int *syserr)
{
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    char reply[VB_NETLINK_BUFLEN];
    struct nlmsghdr *hdr;
    ssize_t len;
    int fd;
    int ret = -1;

    *syserr = 0;
    if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, "%s", _("cannot connect to netlink socket"));
        return -1;
    }
    msg->u.hdr.nlmsg_seq = 1;
    if (sendto(fd, msg->u.buf, msg->u.hdr.nlmsg_len, 0, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, "%s", _("cannot send to netlink socket"));
        goto cleanup;
    }
    do {
        len = recv(fd, reply, sizeof(reply), 0);
    } while (len < 0 && errno == EINTR);
    if (len < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, "%s", _("no valid netlink response was received"));
        goto cleanup;
    }
    hdr = (struct nlmsghdr *) (void *) reply;
    if (!NLMSG_OK(hdr, (size_t) len) || hdr->nlmsg_type != NLMSG_ERROR ||
        hdr->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("malformed netlink response message"));
        goto cleanup;
    }
    *syserr = ((struct nlmsgerr *) NLMSG_DATA(hdr))->error;
    ret = 0;
cleanup:
    close(fd);
    return ret;
}

static const uint32_t vbNetDevMacvtapModes[] = {
    [VB_NETDEV_MACVTAP_MODE_VEPA] = MACVLAN_MODE_VEPA,
    [VB_NETDEV_MACVTAP_MODE_PRIVATE] = MACVLAN_MODE_PRIVATE,
    [VB_NETDEV_MACVTAP_MODE_BRIDGE] = MACVLAN_MODE_BRIDGE,
    [VB_NETDEV_MACVTAP_MODE_PASSTHROUGH] = MACVLAN_MODE_PASSTHRU,
};

/* RTM_NEWLINK of kind macvtap (libvirt's virNetDevMacVLanCreate) */
static int
vbNetDevMacvtapNewLink(const char *ifname, const char *parent, const unsigned char mac[6],
                       vbNetDevMacvtapMode mode)
{
    vbNetlinkMsg msg;
    struct rtattr *linkinfo;
    struct rtattr *infodata;
    uint32_t kmode = vbNetDevMacvtapModes[mode];
    char macstr[18];
    unsigned int parentIndex;
    int syserr;

    if ((parentIndex = if_nametoindex(parent)) == 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Unable to get index for interface %s"), parent);
        return -1;
    }
    vbNetlinkMsgInit(&msg, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
    vbNetlinkMsgPut(&msg, IFLA_IFNAME, ifname, strlen(ifname) + 1);
    linkinfo = vbNetlinkMsgPut(&msg, IFLA_LINKINFO, NULL, 0);
    vbNetlinkMsgPut(&msg, IFLA_INFO_KIND, "macvtap", strlen("macvtap") + 1);
    infodata = vbNetlinkMsgPut(&msg, IFLA_INFO_DATA, NULL, 0);
    vbNetlinkMsgPut(&msg, IFLA_MACVLAN_MODE, &kmode, sizeof(kmode));
    vbNetlinkMsgNestEnd(&msg, infodata);
    vbNetlinkMsgNestEnd(&msg, linkinfo);
    vbNetlinkMsgPut(&msg, IFLA_LINK, &parentIndex, sizeof(parentIndex));
    vbNetlinkMsgPut(&msg, IFLA_ADDRESS, mac, 6);
    if (vbNetlinkTalk(&msg, &syserr) < 0)
        return -1;
    if (syserr < 0) {
        g_snprintf(macstr, sizeof(macstr), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                   mac[3], mac[4], mac[5]);
        /* libvirt's wording */
        vbReportSystemError(-syserr, _("error creating %s interface %s@%s (%s)"), "macvtap", ifname,
                            parent, macstr);
        return -1;
    }
    VB_INFO("created device: '%s'", ifname);
    return 0;
}

int
vbNetDevMacvtapDelete(const char *ifname)
{
    vbNetlinkMsg msg;
    int syserr;

    VB_INFO("delete device: '%s'", ifname);
    vbNetlinkMsgInit(&msg, RTM_DELLINK, 0, 0);
    vbNetlinkMsgPut(&msg, IFLA_IFNAME, ifname, strlen(ifname) + 1);
    if (vbNetlinkTalk(&msg, &syserr) < 0)
        return -1;
    if (syserr < 0) {
        /* libvirt's wording */
        vbReportSystemError(-syserr, _("error destroying network device %s"), ifname);
        return -1;
    }
    return 0;
}

bool
vbNetDevIsMacvtap(const char *ifname)
{
    g_autofree char *path = g_strdup_printf("/sys/class/net/%s/macvtap", ifname);

    /* a name with '/' names no device: the conf layer refuses those */
    return !strchr(ifname, '/') && g_file_test(path, G_FILE_TEST_IS_DIR);
}

/* libvirt's virNetDevMacVLanTapSetup: the vnet header and multiqueue
 * flags of one queue */
static int
vbNetDevMacvtapSetup(int fd, bool vnetHdr, bool multiQueue)
{
    struct ifreq ifr = {0};
    unsigned int features;
    int flags;

    if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, "%s", _("cannot get interface flags on macvtap tap"));
        return -1;
    }
    flags = ifr.ifr_flags & ~(IFF_VNET_HDR | IFF_MULTI_QUEUE);
    if (vnetHdr) {
        if (ioctl(fd, TUNGETFEATURES, &features) < 0) {
            /* libvirt's wording */
            vbReportSystemError(errno, "%s", _("cannot get feature flags on macvtap tap"));
            return -1;
        }
        if (features & IFF_VNET_HDR)
            flags |= IFF_VNET_HDR;
    }
    if (multiQueue)
        flags |= IFF_MULTI_QUEUE;
    if (flags == ifr.ifr_flags)
        return 0;
    ifr.ifr_flags = flags;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, "%s", _("unable to set vnet or multiqueue flags on macvtap"));
        return -1;
    }
    return 0;
}

/* libvirt's virNetDevMacVLanTapOpen: the queues of /dev/tapN */
static int
vbNetDevMacvtapOpen(const char *ifname, int *tapfds, size_t ntapfds, bool vnetHdr)
{
    g_autofree char *path = NULL;
    unsigned int index;
    size_t i;

    if ((index = if_nametoindex(ifname)) == 0) {
        /* libvirt's wording */
        vbReportSystemError(errno, _("Unable to get index for interface %s"), ifname);
        return -1;
    }
    path = g_strdup_printf("/dev/tap%u", index);
    for (i = 0; i < ntapfds; i++) {
        int retries = VB_MACVTAP_OPEN_RETRIES;
        int fd;

        while ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0 && errno == ENOENT && retries-- > 0)
            g_usleep(VB_MACVTAP_OPEN_WAIT_US);
        if (fd < 0) {
            /* libvirt's wording */
            vbReportSystemError(errno, _("cannot open macvtap tap device %s"), path);
            goto error;
        }
        if (vbNetDevMacvtapSetup(fd, vnetHdr, ntapfds > 1) < 0) {
            close(fd);
            goto error;
        }
        tapfds[i] = fd;
    }
    return 0;

error:
    while (i--) {
        close(tapfds[i]);
        tapfds[i] = -1;
    }
    return -1;
}

/* The macvtap @ifname up, and its parent @parent first when it is down
 * (libvirt's qemuInterfaceStartDevice: a parent already up is left alone,
 * a blip in its state could disturb its other users) */
static int
vbNetDevMacvtapSetOnline(const char *ifname, const char *parent)
{
    bool parentOnline = true;

    if (vbNetDevGetOnline(parent, &parentOnline) < 0 ||
        (!parentOnline && vbNetDevSetOnline(parent, true) < 0))
        return -1;
    return vbNetDevSetOnline(ifname, true);
}

int
vbNetDevMacvtapCreate(char **ifname, const char *parent, const unsigned char mac[6],
                      vbNetDevMacvtapMode mode, unsigned int mtu, int *tapfds, size_t ntapfds,
                      unsigned int flags)
{
    g_autofree char *name = g_strdup(*ifname);

    /* a name given that a device has already is the kernel's EEXIST */
    if (vbNetDevGenerateName(&name, VB_NETDEV_GEN_NAME_MACVTAP) < 0 ||
        vbNetDevMacvtapNewLink(name, parent, mac, mode) < 0)
        return -1;
    if ((mtu && vbNetDevSetMTU(name, mtu) < 0) || vbNetDevMacvtapSetOnline(name, parent) < 0 ||
        vbNetDevMacvtapOpen(name, tapfds, ntapfds, flags & VB_NETDEV_MACVTAP_CREATE_VNET_HDR) < 0) {
        g_autoptr(vbError) saved = vbErrorSave();

        if (vbNetDevMacvtapDelete(name) < 0)
            VB_WARN("cannot delete macvtap '%s': %s", name, vbGetLastErrorMessage());
        vbErrorRestore(&saved);
        return -1;
    }
    g_free(*ifname);
    *ifname = g_steal_pointer(&name);
    return 0;
}
