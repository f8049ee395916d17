/*
 * vbdomainnetconf.c: the <interface> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A NIC of model virtio, e1000e, e1000 or rtl8139 on QEMU's user
 * networking, on a tap device (type 'ethernet'), on a tap enslaved to a
 * Linux bridge (type 'bridge'), or on a macvtap of a host NIC (type
 * 'direct', without <virtualport>).  'network' is parsed so that it can be
 * refused with libvirt's own error for a network that does not exist.
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

VB_ENUM_IMPL(vbDomainNetType, VB_DOMAIN_NET_TYPE_LAST, "user", "ethernet", "bridge", "network",
             "direct");
VB_ENUM_IMPL(vbDomainNetDirectMode, VB_DOMAIN_NET_DIRECT_MODE_LAST, "vepa", "private", "bridge",
             "passthrough");
VB_ENUM_IMPL(vbDomainNetModel, VB_DOMAIN_NET_MODEL_LAST, "", "virtio", "e1000e", "e1000",
             "rtl8139");
VB_ENUM_IMPL(vbDomainNetLinkState, VB_DOMAIN_NET_LINK_STATE_LAST, "default", "up", "down");

/* Tap names libvirt keeps for the devices it creates: a definition that
 * names one for a tap the daemon creates loses it at define, as in libvirt */
static const char *const vbDomainNetReservedPrefixes[] = {"vnet", "macvtap", "macvlan"};

static bool
vbDomainNetIfnameIsReserved(const char *ifname)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vbDomainNetReservedPrefixes); i++) {
        if (g_str_has_prefix(ifname, vbDomainNetReservedPrefixes[i]))
            return true;
    }
    return false;
}

void
vbDomainNetDefFree(vbDomainNetDef *net)
{
    if (!net)
        return;
    g_free(net->bridge);
    g_free(net->linkdev);
    g_free(net->network);
    g_free(net->ifname);
    vbDomainDeviceInfoClear(&net->info);
    g_free(net);
}

const char *
vbMacAddrFormat(const vbMacAddr *mac, char str[VB_MAC_STRING_BUFLEN])
{
    g_snprintf(str, VB_MAC_STRING_BUFLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac->addr[0],
               mac->addr[1], mac->addr[2], mac->addr[3], mac->addr[4], mac->addr[5]);
    return str;
}

int
vbMacAddrParse(const char *str, vbMacAddr *mac)
{
    const char *p = str;
    size_t i;

    for (i = 0; i < VB_MAC_BUFLEN; i++) {
        unsigned int byte = 0;
        size_t digits = 0;

        while (g_ascii_isxdigit(*p) && digits < 2) {
            byte = byte * 16 + g_ascii_xdigit_value(*p);
            p++;
            digits++;
        }
        if (digits == 0)
            return -1;
        mac->addr[i] = byte;
        if (i + 1 < VB_MAC_BUFLEN) {
            if (*p != ':')
                return -1;
            p++;
        }
    }
    return *p == '\0' ? 0 : -1;
}

void
vbMacAddrGenerate(vbMacAddr *mac)
{
    mac->addr[0] = 0x52;
    mac->addr[1] = 0x54;
    mac->addr[2] = 0x00;
    mac->addr[3] = g_random_int_range(0, 256);
    mac->addr[4] = g_random_int_range(0, 256);
    mac->addr[5] = g_random_int_range(0, 256);
}

bool
vbMacAddrEqual(const vbMacAddr *a, const vbMacAddr *b)
{
    return memcmp(a->addr, b->addr, VB_MAC_BUFLEN) == 0;
}

/* The elements of <interface> hold attributes only */
static int
vbDomainNetCheckNoChildren(const xmlNode *node)
{
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    return 0;
}

static int
vbDomainNetMacParse(vbDomainNetDef *net, const xmlNode *node)
{
    g_autofree char *addr = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("address")) < 0 ||
        vbXMLPropStringFull(node, "address", VB_XML_PROP_REQUIRED, &addr) < 0 ||
        vbDomainNetCheckNoChildren(node) < 0)
        return -1;
    if (vbMacAddrParse(addr, &net->mac) < 0) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("unable to parse mac address '%s'"), addr);
        return -1;
    }
    if (net->mac.addr[0] & 1) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("expected unicast mac address, found multicast '%s'"),
                      addr);
        return -1;
    }
    net->macAuto = false;
    return 0;
}

/* A network device name the kernel takes: 1 to 15 characters, none of
 * them '/', ':', white space or a control character, and not '.' or '..'
 * (a name that is a path would make the daemon touch another device). */
static int
vbDomainNetCheckIfname(const char *what, const char *name)
{
    const char *p;

    if (*name == '\0' || strlen(name) > VB_DOMAIN_NET_IFNAME_MAX || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0) {
        vbReportError(
            VIR_ERR_XML_ERROR,
            _("%s '%s' is not a network device name: it must have 1 to 15 characters and be neither '.' nor '..'"),
            what, name);
        return -1;
    }
    for (p = name; *p; p++) {
        if (*p == '/' || *p == ':' || g_ascii_isspace(*p) || g_ascii_iscntrl(*p)) {
            vbReportError(
                VIR_ERR_XML_ERROR,
                _("%s '%s' is not a network device name: it contains '/', ':', white space or a control character"),
                what, name);
            return -1;
        }
    }
    return 0;
}

static int
vbDomainNetSourceParse(vbDomainNetDef *net, const xmlNode *node)
{
    if (vbDomainNetCheckNoChildren(node) < 0)
        return -1;
    switch (net->type) {
    case VB_DOMAIN_NET_TYPE_BRIDGE:
        if (vbDomainCheckAttrs(node, VB_ATTRS("bridge")) < 0 ||
            vbXMLPropStringFull(node, "bridge", VB_XML_PROP_REQUIRED, &net->bridge) < 0 ||
            vbDomainNetCheckIfname("bridge", net->bridge) < 0)
            return -1;
        return 0;
    case VB_DOMAIN_NET_TYPE_NETWORK:
        if (vbDomainCheckAttrs(node, VB_ATTRS("network")) < 0 ||
            vbXMLPropStringFull(node, "network", VB_XML_PROP_REQUIRED, &net->network) < 0)
            return -1;
        return 0;
    case VB_DOMAIN_NET_TYPE_DIRECT:
        /* <virtualport> and <vlan> would be children: refused above */
        if (vbDomainCheckAttrs(node, VB_ATTRS("dev", "mode")) < 0 ||
            vbXMLPropStringFull(node, "dev", VB_XML_PROP_REQUIRED, &net->linkdev) < 0 ||
            vbDomainNetCheckIfname("source dev", net->linkdev) < 0 ||
            vbXMLPropEnum(node, "mode", vbDomainNetDirectModeTypeFromString, VB_XML_PROP_NONE,
                          &net->directMode) < 0)
            return -1;
        return 0;
    case VB_DOMAIN_NET_TYPE_USER:
    case VB_DOMAIN_NET_TYPE_ETHERNET:
    case VB_DOMAIN_NET_TYPE_LAST:
        break;
    }
    vbDomainReportUnsupportedElement(node);
    return -1;
}

static int
vbDomainNetTargetParse(vbDomainNetDef *net, const xmlNode *node, unsigned int flags)
{
    g_autofree char *dev = NULL;
    vbTristateBool managed = VB_TRISTATE_BOOL_ABSENT;

    if (vbDomainCheckAttrs(node, VB_ATTRS("dev", "managed")) < 0 ||
        vbXMLPropStringFull(node, "dev", VB_XML_PROP_REQUIRED, &dev) < 0 ||
        vbXMLPropTristateBool(node, "managed", VB_XML_PROP_NONE, &managed) < 0 ||
        vbDomainNetCheckNoChildren(node) < 0 || vbDomainNetCheckIfname("target dev", dev) < 0)
        return -1;
    if (managed == VB_TRISTATE_BOOL_NO) {
        /* an existing tap QEMU is handed: only type 'ethernet' has one */
        if (net->type != VB_DOMAIN_NET_TYPE_ETHERNET) {
            vbDomainReportUnsupportedValue(node, "managed", "no");
            return -1;
        }
        net->managedNo = true;
    } else if ((flags & VB_DOMAIN_DEF_PARSE_INACTIVE) && vbDomainNetIfnameIsReserved(dev)) {
        return 0;
    }
    net->ifname = g_steal_pointer(&dev);
    return 0;
}

static int
vbDomainNetLinkParse(vbDomainNetDef *net, const xmlNode *node)
{
    g_autofree char *state = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("state")) < 0 ||
        vbXMLPropStringFull(node, "state", VB_XML_PROP_REQUIRED, &state) < 0 ||
        vbDomainNetCheckNoChildren(node) < 0)
        return -1;
    if ((int) (net->linkState = vbDomainNetLinkStateTypeFromString(state)) <= 0) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unknown interface link state '%s'"), state);
        return -1;
    }
    return 0;
}

vbDomainNetDef *
vbDomainNetDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainNetDef) net = g_new0(vbDomainNetDef, 1);
    bool source = false;
    xmlNode *child;

    net->macAuto = true;
    if (vbDomainCheckAttrs(node, VB_ATTRS("type")) < 0 ||
        vbXMLPropEnumFull(node, "type", vbDomainNetTypeTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &net->type) < 0)
        return NULL;
    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("mac", "source", "target", "model", "driver",
                                                   "mtu", "link", "boot", "alias", "address")) < 0)
        return NULL;

    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "mac")) {
            if (vbDomainNetMacParse(net, child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "source")) {
            if (vbDomainNetSourceParse(net, child) < 0)
                return NULL;
            source = true;
        } else if (vbXMLNodeNameEqual(child, "target")) {
            if (net->type == VB_DOMAIN_NET_TYPE_USER || net->type == VB_DOMAIN_NET_TYPE_NETWORK) {
                vbDomainReportUnsupportedElement(child);
                return NULL;
            }
            if (vbDomainNetTargetParse(net, child, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "model")) {
            if (vbDomainCheckAttrs(child, VB_ATTRS("type")) < 0 ||
                vbXMLPropEnumFull(child, "type", vbDomainNetModelTypeFromString,
                                  VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO,
                                  vbDomainReportUnsupportedValue, &net->model) < 0 ||
                vbDomainNetCheckNoChildren(child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "driver")) {
            if (vbDomainCheckAttrs(child, VB_ATTRS("queues")) < 0 ||
                vbXMLPropUInt(child, "queues", 10, VB_XML_PROP_NONE, &net->queues) < 0 ||
                vbDomainNetCheckNoChildren(child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "mtu")) {
            if (vbDomainCheckAttrs(child, VB_ATTRS("size")) < 0 ||
                vbXMLPropUInt(child, "size", 10, VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO,
                              &net->mtu) < 0 ||
                vbDomainNetCheckNoChildren(child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "link")) {
            if (vbDomainNetLinkParse(net, child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "boot")) {
            if (vbDomainDeviceBootParse(child, &net->info) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &net->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &net->info.addr) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }

    if (!source &&
        (net->type == VB_DOMAIN_NET_TYPE_BRIDGE || net->type == VB_DOMAIN_NET_TYPE_NETWORK ||
         net->type == VB_DOMAIN_NET_TYPE_DIRECT)) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("interface type='%s' requires a 'source' element"),
                      vbDomainNetTypeTypeToString(net->type));
        return NULL;
    }
    /* libvirt reads <driver queues> of a virtio NIC only, and one queue
     * is what every NIC has: neither is kept */
    if (net->model != VB_DOMAIN_NET_MODEL_VIRTIO || net->queues == 1)
        net->queues = 0;
    if (net->managedNo && !net->ifname) {
        vbReportError(
            VIR_ERR_XML_ERROR,
            _("interface of type 'ethernet' with managed='no' needs the name of its tap in <target dev>"));
        return NULL;
    }
    return g_steal_pointer(&net);
}

void
vbDomainNetDefFormat(vbBuffer *buf, const vbDomainNetDef *net, unsigned int flags)
{
    char mac[VB_MAC_STRING_BUFLEN];

    vbBufferAsprintf(buf, "<interface type='%s'>\n", vbDomainNetTypeTypeToString(net->type));
    vbBufferAdjustIndent(buf, 2);
    vbBufferAsprintf(buf, "<mac address='%s'/>\n", vbMacAddrFormat(&net->mac, mac));
    if (net->bridge)
        vbBufferEscapeString(buf, "<source bridge='%s'/>\n", net->bridge);
    if (net->network)
        vbBufferEscapeString(buf, "<source network='%s'/>\n", net->network);
    if (net->linkdev) {
        vbBufferEscapeString(buf, "<source dev='%s'", net->linkdev);
        vbBufferAsprintf(buf, " mode='%s'/>\n", vbDomainNetDirectModeTypeToString(net->directMode));
    }
    /* a generated name is the running domain's, not the definition's */
    if (net->ifname && (net->managedNo || !(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE) ||
                        !vbDomainNetIfnameIsReserved(net->ifname))) {
        vbBufferEscapeString(buf, "<target dev='%s'", net->ifname);
        if (net->managedNo)
            vbBufferAddLit(buf, " managed='no'");
        vbBufferAddLit(buf, "/>\n");
    }
    if (net->model != VB_DOMAIN_NET_MODEL_NONE)
        vbBufferAsprintf(buf, "<model type='%s'/>\n", vbDomainNetModelTypeToString(net->model));
    if (net->queues)
        vbBufferAsprintf(buf, "<driver queues='%u'/>\n", net->queues);
    if (net->linkState != VB_DOMAIN_NET_LINK_STATE_DEFAULT)
        vbBufferAsprintf(buf, "<link state='%s'/>\n",
                         vbDomainNetLinkStateTypeToString(net->linkState));
    if (net->mtu)
        vbBufferAsprintf(buf, "<mtu size='%u'/>\n", net->mtu);
    vbDomainDeviceInfoFormat(buf, &net->info, flags);
    vbBufferAdjustIndent(buf, -2);
    vbBufferAddLit(buf, "</interface>\n");
}

static bool
vbMacAddrIsZero(const vbMacAddr *mac)
{
    static const vbMacAddr zero;

    return vbMacAddrEqual(mac, &zero);
}

/* whether another interface of @def has @net's address; one whose address
 * is still to be generated (all zero) has none yet */
static bool
vbDomainNetMacInUse(const vbDomainDef *def, const vbDomainNetDef *net)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        const vbDomainNetDef *other = def->nets[i];

        if (other != net && !(other->macAuto && vbMacAddrIsZero(&other->mac)) &&
            vbMacAddrEqual(&other->mac, &net->mac))
            return true;
    }
    return false;
}

void
vbDomainNetDefPostParse(const vbDomainDef *def, vbDomainNetDef *net)
{
    /* libvirt's default model of an x86 guest */
    if (net->model == VB_DOMAIN_NET_MODEL_NONE)
        net->model = VB_DOMAIN_NET_MODEL_RTL8139;
    if (net->macAuto && vbMacAddrIsZero(&net->mac)) {
        do {
            vbMacAddrGenerate(&net->mac);
        } while (vbDomainNetMacInUse(def, net));
    }
}

int
vbDomainNetDefsValidate(const vbDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->nnets; i++) {
        const vbDomainNetDef *net = def->nets[i];
        char mac[VB_MAC_STRING_BUFLEN];

        if (net->type == VB_DOMAIN_NET_TYPE_NETWORK) {
            /* libvirt's error for a network it does not know: there are
             * no networks without a network driver */
            vbReportError(VIR_ERR_NO_NETWORK, _("no network with matching name '%s'"),
                          net->network);
            return -1;
        }
        if (net->mtu && net->type == VB_DOMAIN_NET_TYPE_USER) {
            /* libvirt's wording */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("setting MTU on interface type %s is not supported yet"),
                          vbDomainNetTypeTypeToString(net->type));
            return -1;
        }
        for (j = i + 1; j < def->nnets; j++) {
            if (vbMacAddrEqual(&net->mac, &def->nets[j]->mac)) {
                vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              _("MAC address '%s' is used by more than one interface"),
                              vbMacAddrFormat(&net->mac, mac));
                return -1;
            }
        }
    }
    return 0;
}
