/*
 * vbdomaingraphicsconf.h: the <graphics> element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

/* libvirt's names, in libvirt's order; we run vnc */
typedef enum {
    VB_DOMAIN_GRAPHICS_TYPE_SDL = 0,
    VB_DOMAIN_GRAPHICS_TYPE_VNC,
    VB_DOMAIN_GRAPHICS_TYPE_RDP,
    VB_DOMAIN_GRAPHICS_TYPE_DESKTOP,
    VB_DOMAIN_GRAPHICS_TYPE_SPICE,
    VB_DOMAIN_GRAPHICS_TYPE_EGL_HEADLESS,
    VB_DOMAIN_GRAPHICS_TYPE_DBUS,

    VB_DOMAIN_GRAPHICS_TYPE_LAST
} vbDomainGraphicsType;
VB_ENUM_DECL(vbDomainGraphicsType);

/* libvirt's names; 'network' is refused (we manage no networks) */
typedef enum {
    VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NONE = 0,
    VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS,
    VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NETWORK,
    VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET,

    VB_DOMAIN_GRAPHICS_LISTEN_TYPE_LAST
} vbDomainGraphicsListenType;
VB_ENUM_DECL(vbDomainGraphicsListenType);

typedef enum {
    VB_DOMAIN_GRAPHICS_VNC_SHARE_DEFAULT = 0,
    VB_DOMAIN_GRAPHICS_VNC_SHARE_ALLOW_EXCLUSIVE,
    VB_DOMAIN_GRAPHICS_VNC_SHARE_FORCE_SHARED,
    VB_DOMAIN_GRAPHICS_VNC_SHARE_IGNORE,

    VB_DOMAIN_GRAPHICS_VNC_SHARE_LAST
} vbDomainGraphicsVNCSharePolicy;
VB_ENUM_DECL(vbDomainGraphicsVNCSharePolicy);

/* The lowest VNC port, display :0; libvirt's autoport range starts here */
#define VB_DOMAIN_GRAPHICS_VNC_PORT_MIN 5900
#define VB_DOMAIN_GRAPHICS_VNC_PORT_MAX 65535

/*
 * <graphics type='vnc'>: a server QEMU runs, no guest device.  One listen
 * (QEMU has one VNC server per display): the legacy 'listen'/'socket'
 * attributes and the first <listen> are the same thing, as in libvirt.
 * With autoport the daemon picks a free port from 5900 at start and writes
 * it into the live definition; the persistent one keeps port='-1'.
 */
struct _vbDomainGraphicsDef {
    vbDomainGraphicsType type;
    int port; /* 0: none yet (autoport) */
    bool autoport;
    /* runtime, never formatted: @port is this domain's in the daemon's
     * port allocator, given back at stop (a fixed port another domain
     * holds is not) */
    bool portReserved;
    vbDomainGraphicsListenType listenType;
    char *listenAddress; /* type address; NULL: the daemon's default, set at start */
    char *listenSocket;  /* type socket; NULL: a path in the state directory, set at start */
    char *keymap;
    vbDomainGraphicsVNCSharePolicy sharePolicy;
    char *passwd; /* formatted only with VB_DOMAIN_DEF_FORMAT_SECURE or _STATUS */
    bool passwdExpires;
    long long passwdValidTo; /* seconds since the epoch, UTC */
    /* unused: graphics is no guest device (no alias, no address), but the
     * device table finds every family's info the same way */
    vbDomainDeviceInfo info;
};

void vbDomainGraphicsDefFree(vbDomainGraphicsDef *graphics);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainGraphicsDef, vbDomainGraphicsDefFree);
