/*
 * vbdomainchrconf.h: a <serial>, <console> or <channel> on a pty, a file
 * or a UNIX socket
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

typedef enum {
    VB_DOMAIN_CHR_TYPE_PTY = 0,
    VB_DOMAIN_CHR_TYPE_FILE,
    VB_DOMAIN_CHR_TYPE_UNIX, /* channels only */

    VB_DOMAIN_CHR_TYPE_LAST
} vbDomainChrType;
VB_ENUM_DECL(vbDomainChrType);

/* <source append='on|off'> of a file; absent leaves QEMU's default
 * (truncate), as libvirt does */
typedef enum {
    VB_DOMAIN_CHR_APPEND_ABSENT = 0,
    VB_DOMAIN_CHR_APPEND_ON,
    VB_DOMAIN_CHR_APPEND_OFF,

    VB_DOMAIN_CHR_APPEND_LAST
} vbDomainChrAppend;
VB_ENUM_DECL(vbDomainChrAppend);

/* <target type>: a serial port (isa-serial, or for a console 'serial'),
 * or a port of a virtio-serial controller (virtconsole, virtserialport) */
typedef enum {
    VB_DOMAIN_CHR_TARGET_SERIAL = 0,
    VB_DOMAIN_CHR_TARGET_VIRTIO,

    VB_DOMAIN_CHR_TARGET_LAST
} vbDomainChrTarget;

/* <source mode> of a UNIX socket: QEMU listens (bind) or connects */
typedef enum {
    VB_DOMAIN_CHR_SOURCE_MODE_CONNECT = 0,
    VB_DOMAIN_CHR_SOURCE_MODE_BIND,

    VB_DOMAIN_CHR_SOURCE_MODE_LAST
} vbDomainChrSourceMode;
VB_ENUM_DECL(vbDomainChrSourceMode);

/* <target state> of a virtio channel: whether the guest holds its port open
 * (QEMU's VSERPORT_CHANGE); live and status XML only */
typedef enum {
    VB_DOMAIN_CHR_DEVICE_STATE_DEFAULT = 0,
    VB_DOMAIN_CHR_DEVICE_STATE_CONNECTED,
    VB_DOMAIN_CHR_DEVICE_STATE_DISCONNECTED,

    VB_DOMAIN_CHR_DEVICE_STATE_LAST
} vbDomainChrDeviceState;
VB_ENUM_DECL(vbDomainChrDeviceState);

/* The channel of the QEMU guest agent */
#define VB_DOMAIN_CHR_GUEST_AGENT_NAME "org.qemu.guest_agent.0"

struct _vbDomainChrDef {
    bool console; /* <console> rather than <serial> */
    bool channel; /* <channel> (then never console) */
    vbDomainChrTarget target;
    char *targetName;             /* channel: <target name>, the port's name */
    vbDomainChrDeviceState state; /* channel: <target state>, runtime */
    vbDomainChrType type;         /* <serial type> */
    unsigned int port;            /* <target port> */
    char *ptyPath;                /* pty, runtime: <source path='/dev/pts/N'/> */
    char *filePath;               /* file: <source path>, absolute */
    /* unix: <source path>; for a listening channel without one, the
     * daemon picks it at start (in the live definition only) */
    char *socketPath;
    vbDomainChrSourceMode mode;
    vbDomainChrAppend append;
    char *logFile; /* <log file>: QEMU's copy of what the port says */
    vbDomainChrAppend logAppend;
    vbDomainDeviceInfo info;
};

void vbDomainChrDefFree(vbDomainChrDef *chr);

/* Whether @chr is the channel of the QEMU guest agent */
bool vbDomainChrIsGuestAgent(const vbDomainChrDef *chr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainChrDef, vbDomainChrDefFree);

/* A copy of @chr written as a <console> (@console) or a <serial>: the
 * same port, backend, log and alias (a console of target type serial is
 * its serial port seen through another element). */
vbDomainChrDef *vbDomainChrDefCopy(const vbDomainChrDef *chr, bool console);
