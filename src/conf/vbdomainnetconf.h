/*
 * vbdomainnetconf.h: the <interface> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

/* The backends we accept; 'network' is parsed only to be refused as
 * libvirt refuses a network it does not know (we have no network driver). */
typedef enum {
    VB_DOMAIN_NET_TYPE_USER = 0, /* QEMU's user networking (slirp) */
    VB_DOMAIN_NET_TYPE_ETHERNET, /* a tap device, created or existing */
    VB_DOMAIN_NET_TYPE_BRIDGE,   /* a tap the daemon enslaves to a bridge */
    VB_DOMAIN_NET_TYPE_NETWORK,  /* a libvirt virtual network */
    VB_DOMAIN_NET_TYPE_DIRECT,   /* a macvtap the daemon makes on a host NIC */

    VB_DOMAIN_NET_TYPE_LAST
} vbDomainNetType;
VB_ENUM_DECL(vbDomainNetType);

/* NONE: no <model>; post-parse makes it libvirt's x86 default, rtl8139 */
typedef enum {
    VB_DOMAIN_NET_MODEL_NONE = 0,
    VB_DOMAIN_NET_MODEL_VIRTIO,
    VB_DOMAIN_NET_MODEL_E1000E,
    VB_DOMAIN_NET_MODEL_E1000,
    VB_DOMAIN_NET_MODEL_RTL8139,

    VB_DOMAIN_NET_MODEL_LAST
} vbDomainNetModel;
VB_ENUM_DECL(vbDomainNetModel);

/* <source mode> of type 'direct': the macvtap's mode (libvirt's
 * virNetDevMacVLanMode), vepa when absent */
typedef enum {
    VB_DOMAIN_NET_DIRECT_MODE_VEPA = 0,
    VB_DOMAIN_NET_DIRECT_MODE_PRIVATE,
    VB_DOMAIN_NET_DIRECT_MODE_BRIDGE,
    VB_DOMAIN_NET_DIRECT_MODE_PASSTHROUGH,

    VB_DOMAIN_NET_DIRECT_MODE_LAST
} vbDomainNetDirectMode;
VB_ENUM_DECL(vbDomainNetDirectMode);

/* <link state>: DEFAULT when absent (the link is up) */
typedef enum {
    VB_DOMAIN_NET_LINK_STATE_DEFAULT = 0,
    VB_DOMAIN_NET_LINK_STATE_UP,
    VB_DOMAIN_NET_LINK_STATE_DOWN,

    VB_DOMAIN_NET_LINK_STATE_LAST
} vbDomainNetLinkState;
VB_ENUM_DECL(vbDomainNetLinkState);

#define VB_MAC_BUFLEN 6
/* "52:54:00:12:34:56" and its NUL */
#define VB_MAC_STRING_BUFLEN (VB_MAC_BUFLEN * 3)

typedef struct _vbMacAddr vbMacAddr;
struct _vbMacAddr {
    unsigned char addr[VB_MAC_BUFLEN];
};

/* Linux's IFNAMSIZ less the NUL */
#define VB_DOMAIN_NET_IFNAME_MAX 15

struct _vbDomainNetDef {
    vbDomainNetType type;
    vbMacAddr mac;
    bool macAuto; /* no <mac> was given: post-parse generated the address */
    vbDomainNetModel model;
    char *bridge;                     /* bridge: <source bridge> */
    char *network;                    /* network: <source network> */
    char *linkdev;                    /* direct: <source dev>, the macvtap's parent */
    vbDomainNetDirectMode directMode; /* direct: <source mode> */
    char *ifname;                     /* <target dev>: the tap's name */
    bool managedNo;                   /* <target managed='no'>: an existing tap, not ours */
    unsigned int mtu;                 /* <mtu size>, 0 = not given */
    unsigned int queues;              /* <driver queues>, 0 = not given */
    vbDomainNetLinkState linkState;
    vbDomainDeviceInfo info;
};

void vbDomainNetDefFree(vbDomainNetDef *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainNetDef, vbDomainNetDefFree);

/* Formats @mac into @str ("52:54:00:12:34:56", lower case); returns @str. */
const char *vbMacAddrFormat(const vbMacAddr *mac, char str[VB_MAC_STRING_BUFLEN]);
/* Parses "xx:xx:xx:xx:xx:xx" (1 or 2 hex digits a byte); 0, or -1 without
 * an error reported. */
int vbMacAddrParse(const char *str, vbMacAddr *mac);
/* A random address in QEMU's 52:54:00 range, as libvirt generates them. */
void vbMacAddrGenerate(vbMacAddr *mac);
bool vbMacAddrEqual(const vbMacAddr *a, const vbMacAddr *b);

/* Defaults filled in after parsing: the model, a MAC address when none was
 * given (one no other interface of @def has). */
void vbDomainNetDefPostParse(const vbDomainDef *def, vbDomainNetDef *net);

/* Checks of the interfaces of @def that span them (MAC addresses used
 * twice) and of each alone (the network type, MTU per type); at define and
 * start time, vbDomainDefValidate calls it. */
int vbDomainNetDefsValidate(const vbDomainDef *def);
