/*
 * vbdomaingraphicsconf.c: the <graphics> element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbbuf.h"
#include "vbxml.h"
#include "vbdomainconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

VB_ENUM_IMPL(vbDomainGraphicsType, VB_DOMAIN_GRAPHICS_TYPE_LAST, "sdl", "vnc", "rdp", "desktop",
             "spice", "egl-headless", "dbus");

VB_ENUM_IMPL(vbDomainGraphicsListenType, VB_DOMAIN_GRAPHICS_LISTEN_TYPE_LAST, "none", "address",
             "network", "socket");

VB_ENUM_IMPL(vbDomainGraphicsVNCSharePolicy, VB_DOMAIN_GRAPHICS_VNC_SHARE_LAST, "default",
             "allow-exclusive", "force-shared", "ignore");

void
vbDomainGraphicsDefFree(vbDomainGraphicsDef *graphics)
{
    if (!graphics)
        return;
    g_free(graphics->listenAddress);
    g_free(graphics->listenSocket);
    g_free(graphics->keymap);
    g_free(graphics->passwd);
    vbDomainDeviceInfoClear(&graphics->info);
    g_free(graphics);
}

/* <listen type='address' address='...'/> and its kin, merged with the
 * legacy attributes of <graphics> (@compatAddress, @compatSocket), which
 * must agree with it (libvirt's checks and wording) */

/*
 * A listen address QEMU's -vnc takes as its host part: an IPv4 or IPv6
 * address (without brackets, which the command line adds) or a host
 * name.  Anything else would reach -vnc as it is: 'tls-creds=x' would
 * name an option, 'unix:...' another kind of listener.  libvirt passes
 * the string on; we refuse what is not an address.
 */
static int
vbDomainGraphicsCheckAddress(const char *address)
{
    const char *p;

    if (g_hostname_is_ip_address(address))
        return 0;
    for (p = address; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-')
            break;
    }
    if (*p || address[0] == '-' || address[0] == '.') {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("listen address '%s' of a VNC server is neither an IP address nor a host name"),
            address);
        return -1;
    }
    return 0;
}

static int
vbDomainGraphicsListenParse(const xmlNode *node, vbDomainGraphicsDef *graphics,
                            const char *compatAddress, const char *compatSocket)
{
    g_autofree char *address = NULL;
    g_autofree char *socketPath = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("type", "address", "network", "socket")) < 0 ||
        vbXMLPropEnumFull(node, "type", vbDomainGraphicsListenTypeTypeFromString,
                          VB_XML_PROP_REQUIRED, vbDomainReportUnsupportedValue,
                          &graphics->listenType) < 0 ||
        vbXMLPropStringFull(node, "address", VB_XML_PROP_NONE, &address) < 0 ||
        vbXMLPropStringFull(node, "socket", VB_XML_PROP_NONE, &socketPath) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }

    switch (graphics->listenType) {
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NETWORK:
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("graphics listen type 'network' is not supported by virtblockd, which manages no networks; use type 'address'"));
        return -1;
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS:
        if (address && compatAddress && strcmp(address, compatAddress) != 0) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("graphics 'listen' attribute '%s' must match 'address' attribute of first listen element (found '%s')"),
                compatAddress, address);
            return -1;
        }
        if (!address && compatAddress)
            address = g_strdup(compatAddress);
        break;
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET:
        if (socketPath && compatSocket && strcmp(socketPath, compatSocket) != 0) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("graphics 'socket' attribute '%s' must match 'socket' attribute of first listen element (found '%s')"),
                compatSocket, socketPath);
            return -1;
        }
        if (!socketPath && compatSocket)
            socketPath = g_strdup(compatSocket);
        break;
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NONE:
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_LAST:
        break;
    }

    if (socketPath && *socketPath) {
        if (graphics->listenType != VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET) {
            vbReportError(VIR_ERR_XML_ERROR,
                          _("'socket' attribute is valid only for listen type 'socket'"));
            return -1;
        }
        if (vbDomainCheckPath(node, "socket", socketPath) < 0)
            return -1;
        graphics->listenSocket = g_steal_pointer(&socketPath);
    }
    if (address && *address && graphics->listenType == VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS) {
        if (vbDomainGraphicsCheckAddress(address) < 0)
            return -1;
        graphics->listenAddress = g_steal_pointer(&address);
    }
    return 0;
}

/* YYYY-MM-DDTHH:MM:SS in UTC, libvirt's only form */
static int
vbDomainGraphicsParseValidTo(const char *validTo, long long *result)
{
    g_autoptr(GTimeZone) tz = g_time_zone_new_utc();
    g_autoptr(GDateTime) then = NULL;
    int year, mon, mday, hour, min, sec, end = 0;

    if (sscanf(validTo, "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &mday, &hour, &min, &sec, &end) !=
            6 ||
        validTo[end] != '\0' || !(then = g_date_time_new(tz, year, mon, mday, hour, min, sec))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("cannot parse password validity time '%s', expect YYYY-MM-DDTHH:MM:SS"),
                      validTo);
        return -1;
    }
    *result = g_date_time_to_unix(then);
    return 0;
}

static int
vbDomainGraphicsVNCParse(const xmlNode *node, vbDomainGraphicsDef *graphics, unsigned int flags)
{
    g_autofree char *compatAddress = NULL;
    g_autofree char *compatSocket = NULL;
    g_autofree char *validTo = NULL;
    const xmlNode *child;
    size_t nlistens = 0;
    int rc;

    if (vbDomainCheckAttrs(node, VB_ATTRS("type", "port", "autoport", "listen", "socket", "keymap",
                                          "sharePolicy", "passwd", "passwdValidTo")) < 0 ||
        (rc = vbXMLPropInt(node, "port", 10, VB_XML_PROP_NONE, &graphics->port)) < 0 ||
        vbXMLPropStringFull(node, "listen", VB_XML_PROP_NONE, &compatAddress) < 0 ||
        vbXMLPropStringFull(node, "socket", VB_XML_PROP_NONE, &compatSocket) < 0 ||
        vbXMLPropStringFull(node, "keymap", VB_XML_PROP_NONE, &graphics->keymap) < 0 ||
        vbXMLPropEnumFull(node, "sharePolicy", vbDomainGraphicsVNCSharePolicyTypeFromString,
                          VB_XML_PROP_NONZERO, vbDomainReportUnsupportedValue,
                          &graphics->sharePolicy) < 0 ||
        vbXMLPropStringFull(node, "passwd", VB_XML_PROP_NONE, &graphics->passwd) < 0 ||
        vbXMLPropStringFull(node, "passwdValidTo", VB_XML_PROP_NONE, &validTo) < 0)
        return -1;

    /* no port, or the legacy -1: pick one at start */
    if (rc == 0 || graphics->port == -1) {
        graphics->autoport = true;
        graphics->port = 0;
    }
    if (vbXMLPropBool(node, "autoport", VB_XML_PROP_NONE, &graphics->autoport) < 0)
        return -1;
    if (graphics->autoport && (flags & VB_DOMAIN_DEF_PARSE_INACTIVE))
        graphics->port = 0;
    if (graphics->port < 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("vnc port must be in range [%d,%d]"),
                      VB_DOMAIN_GRAPHICS_VNC_PORT_MIN, VB_DOMAIN_GRAPHICS_VNC_PORT_MAX);
        return -1;
    }

    if (graphics->keymap && vbDomainCheckIdentifier(node, "keymap", graphics->keymap, 32) < 0)
        return -1;
    if (graphics->passwd && vbXMLCheckIllegalChars("passwd", graphics->passwd, NULL) < 0)
        return -1;
    if (validTo && graphics->passwd) {
        if (vbDomainGraphicsParseValidTo(validTo, &graphics->passwdValidTo) < 0)
            return -1;
        graphics->passwdExpires = true;
    }

    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (!vbXMLNodeNameEqual(child, "listen")) {
            vbDomainReportUnsupportedElement(child);
            return -1;
        }
        if (++nlistens > 1) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("QEMU does not support multiple listens for one graphics device"));
            return -1;
        }
        if (vbDomainGraphicsListenParse(child, graphics, compatAddress, compatSocket) < 0)
            return -1;
    }
    if (nlistens == 0) {
        /* the legacy attributes alone: a socket if one is given, else an
         * address, the daemon's default when none is given */
        if (compatSocket && *compatSocket) {
            if (vbDomainCheckPath(node, "socket", compatSocket) < 0)
                return -1;
            graphics->listenType = VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET;
            graphics->listenSocket = g_steal_pointer(&compatSocket);
        } else {
            graphics->listenType = VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS;
            if (compatAddress && *compatAddress) {
                if (vbDomainGraphicsCheckAddress(compatAddress) < 0)
                    return -1;
                graphics->listenAddress = g_steal_pointer(&compatAddress);
            }
        }
    }
    return 0;
}

vbDomainGraphicsDef *
vbDomainGraphicsDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainGraphicsDef) graphics = g_new0(vbDomainGraphicsDef, 1);

    if (vbXMLPropEnumFull(node, "type", vbDomainGraphicsTypeTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &graphics->type) < 0)
        return NULL;
    if (graphics->type != VB_DOMAIN_GRAPHICS_TYPE_VNC) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("graphics type '%s' is not supported by virtblockd; only 'vnc' is"),
                      vbDomainGraphicsTypeTypeToString(graphics->type));
        return NULL;
    }
    if (vbDomainGraphicsVNCParse(node, graphics, flags) < 0)
        return NULL;
    return g_steal_pointer(&graphics);
}

static void
vbDomainGraphicsListenFormat(vbBuffer *buf, const vbDomainGraphicsDef *graphics)
{
    vbBufferAsprintf(buf, "<listen type='%s'",
                     vbDomainGraphicsListenTypeTypeToString(graphics->listenType));
    if (graphics->listenType == VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS)
        vbBufferEscapeString(buf, " address='%s'", graphics->listenAddress);
    if (graphics->listenType == VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET)
        vbBufferEscapeString(buf, " socket='%s'", graphics->listenSocket);
    vbBufferAddLit(buf, "/>\n");
}

void
vbDomainGraphicsDefFormat(vbBuffer *buf, const vbDomainGraphicsDef *graphics, unsigned int flags)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);
    bool inactive = flags & VB_DOMAIN_DEF_FORMAT_INACTIVE;

    vbBufferAsprintf(&attrBuf, " type='%s'", vbDomainGraphicsTypeTypeToString(graphics->type));
    switch (graphics->listenType) {
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET:
        vbBufferEscapeString(&attrBuf, " socket='%s'", graphics->listenSocket);
        break;
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS:
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NETWORK:
        if (graphics->port && (!graphics->autoport || !inactive))
            vbBufferAsprintf(&attrBuf, " port='%d'", graphics->port);
        else if (graphics->autoport)
            vbBufferAddLit(&attrBuf, " port='-1'");
        vbBufferAsprintf(&attrBuf, " autoport='%s'", graphics->autoport ? "yes" : "no");
        vbBufferEscapeString(&attrBuf, " listen='%s'", graphics->listenAddress);
        break;
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NONE:
    case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_LAST:
        break;
    }
    vbBufferEscapeString(&attrBuf, " keymap='%s'", graphics->keymap);
    if (graphics->sharePolicy != VB_DOMAIN_GRAPHICS_VNC_SHARE_DEFAULT)
        vbBufferAsprintf(&attrBuf, " sharePolicy='%s'",
                         vbDomainGraphicsVNCSharePolicyTypeToString(graphics->sharePolicy));
    if (graphics->passwd) {
        /* the password leaves the daemon only when asked for (and in its
         * own files) */
        if (flags & (VB_DOMAIN_DEF_FORMAT_SECURE | VB_DOMAIN_DEF_FORMAT_STATUS))
            vbBufferEscapeString(&attrBuf, " passwd='%s'", graphics->passwd);
        if (graphics->passwdExpires) {
            g_autoptr(GDateTime) then = g_date_time_new_from_unix_utc(graphics->passwdValidTo);
            g_autofree char *str = then ? g_date_time_format(then, "%Y-%m-%dT%H:%M:%S") : NULL;

            vbBufferEscapeString(&attrBuf, " passwdValidTo='%s'", str);
        }
    }
    vbDomainGraphicsListenFormat(&childBuf, graphics);
    vbXMLFormatElement(buf, "graphics", &attrBuf, &childBuf);
}
