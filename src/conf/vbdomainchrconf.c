/*
 * vbdomainchrconf.c: a <serial>, <console> or <channel> on a pty, a file
 * or a UNIX socket
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A console is the guest's first serial port seen through another element,
 * as libvirt writes it, or a virtio console; a channel is a named port of a
 * virtio-serial controller (the guest agent's).  All are character devices
 * of one family.
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

VB_ENUM_IMPL(vbDomainChrType, VB_DOMAIN_CHR_TYPE_LAST, "pty", "file", "unix");
VB_ENUM_IMPL(vbDomainChrSourceMode, VB_DOMAIN_CHR_SOURCE_MODE_LAST, "connect", "bind");
VB_ENUM_IMPL(vbDomainChrAppend, VB_DOMAIN_CHR_APPEND_LAST, "default", "on", "off");
VB_ENUM_IMPL(vbDomainChrDeviceState, VB_DOMAIN_CHR_DEVICE_STATE_LAST, "default", "connected",
             "disconnected");

bool
vbDomainChrIsGuestAgent(const vbDomainChrDef *chr)
{
    return chr->channel && chr->target == VB_DOMAIN_CHR_TARGET_VIRTIO &&
           g_strcmp0(chr->targetName, VB_DOMAIN_CHR_GUEST_AGENT_NAME) == 0;
}

void
vbDomainChrDefFree(vbDomainChrDef *chr)
{
    if (!chr)
        return;
    g_free(chr->ptyPath);
    g_free(chr->filePath);
    g_free(chr->socketPath);
    g_free(chr->targetName);
    g_free(chr->logFile);
    vbDomainDeviceInfoClear(&chr->info);
    g_free(chr);
}

vbDomainChrDef *
vbDomainChrDefCopy(const vbDomainChrDef *chr, bool console)
{
    vbDomainChrDef *copy = g_new0(vbDomainChrDef, 1);

    copy->console = console;
    copy->type = chr->type;
    copy->port = chr->port;
    copy->ptyPath = g_strdup(chr->ptyPath);
    copy->filePath = g_strdup(chr->filePath);
    copy->append = chr->append;
    copy->socketPath = g_strdup(chr->socketPath);
    copy->mode = chr->mode;
    copy->logFile = g_strdup(chr->logFile);
    copy->logAppend = chr->logAppend;
    copy->info.alias = g_strdup(chr->info.alias);
    return copy;
}

/* <source>: a pty's path is runtime data, a file's is the definition */
static int
vbDomainChrSourceParse(vbDomainChrDef *chr, const xmlNode *node, unsigned int flags)
{
    g_autofree char *path = NULL;

    if (chr->type == VB_DOMAIN_CHR_TYPE_FILE) {
        if (vbDomainCheckAttrs(node, VB_ATTRS("path", "append")) < 0 ||
            vbXMLPropStringFull(node, "path", VB_XML_PROP_NONE, &path) < 0 ||
            (path && vbDomainCheckPath(node, "path", path) < 0) ||
            vbXMLPropEnum(node, "append", vbDomainChrAppendTypeFromString, VB_XML_PROP_NONZERO,
                          &chr->append) < 0)
            return -1;
        g_free(chr->filePath);
        chr->filePath = g_steal_pointer(&path);
        return 0;
    }

    if (chr->type == VB_DOMAIN_CHR_TYPE_UNIX) {
        g_autofree char *mode = NULL;
        int m;

        if (vbDomainCheckAttrs(node, VB_ATTRS("mode", "path")) < 0 ||
            vbXMLPropStringFull(node, "path", VB_XML_PROP_NONE, &path) < 0 ||
            (path && vbDomainCheckPath(node, "path", path) < 0))
            return -1;
        /* libvirt's default: QEMU connects to a socket that is given, and
         * listens on one it is to make */
        if ((mode = vbXMLPropString(node, "mode"))) {
            if ((m = vbDomainChrSourceModeTypeFromString(mode)) < 0) {
                vbXMLReportInvalidProp(node, "mode", mode);
                return -1;
            }
            chr->mode = m;
        } else if (path) {
            chr->mode = VB_DOMAIN_CHR_SOURCE_MODE_CONNECT;
        }
        g_free(chr->socketPath);
        chr->socketPath = g_steal_pointer(&path);
        return 0;
    }

    if (vbDomainCheckAttrs(node, VB_ATTRS("path")) < 0)
        return -1;
    if (flags & VB_DOMAIN_DEF_PARSE_INACTIVE)
        return 0;
    if ((path = vbXMLPropString(node, "path"))) {
        if (vbDomainCheckPath(node, "path", path) < 0)
            return -1;
        g_free(chr->ptyPath);
        chr->ptyPath = g_steal_pointer(&path);
    }
    return 0;
}

/* <log file append>: QEMU writes a copy of the port's output there */
static int
vbDomainChrLogParse(vbDomainChrDef *chr, const xmlNode *node)
{
    g_autofree char *path = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("file", "append")) < 0 ||
        vbXMLPropStringFull(node, "file", VB_XML_PROP_REQUIRED, &path) < 0 ||
        vbDomainCheckPath(node, "file", path) < 0 ||
        vbXMLPropEnum(node, "append", vbDomainChrAppendTypeFromString, VB_XML_PROP_NONZERO,
                      &chr->logAppend) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    g_free(chr->logFile);
    chr->logFile = g_steal_pointer(&path);
    return 0;
}

/* <model name='isa-serial'/> inside a serial's <target> */
static int
vbDomainChrTargetModelParse(const vbDomainChrDef *chr, const xmlNode *target)
{
    xmlNode *model;

    for (model = vbXMLChildElement(target, NULL); model; model = vbXMLNextElement(model)) {
        g_autofree char *name = vbXMLPropString(model, "name");

        if (chr->console || chr->channel || !vbXMLNodeNameEqual(model, "model")) {
            vbDomainReportUnsupportedElement(model);
            return -1;
        }
        if (vbDomainCheckAttrs(model, VB_ATTRS("name")) < 0)
            return -1;
        if (g_strcmp0(name, "isa-serial") != 0) {
            vbDomainReportUnsupportedValue(model, "name", name);
            return -1;
        }
    }
    return 0;
}

/* <target>: a serial's type 'isa-serial' and port; a console's type
 * 'serial' or 'virtio' and port; a channel's type 'virtio', name and (not
 * in a definition, where libvirt ignores it) state */
static int
vbDomainChrTargetParse(vbDomainChrDef *chr, const xmlNode *node, unsigned int flags)
{
    g_autofree char *ttype = vbXMLPropString(node, "type");
    const char *serialType = chr->console ? "serial" : "isa-serial";

    /* the type first: it says which attributes there are */
    if (chr->channel && g_strcmp0(ttype, "virtio") != 0) {
        vbDomainReportUnsupportedValue(node, "type", ttype);
        return -1;
    }
    if (chr->channel) {
        if (vbDomainCheckAttrs(node, VB_ATTRS("type", "name", "state")) < 0 ||
            vbXMLPropStringFull(node, "name", VB_XML_PROP_NONE, &chr->targetName) < 0 ||
            (chr->targetName &&
             vbDomainCheckIdentifier(node, "name", chr->targetName, VB_DOMAIN_ALIAS_MAX) < 0))
            return -1;
        if (!(flags & VB_DOMAIN_DEF_PARSE_INACTIVE) &&
            vbXMLPropEnum(node, "state", vbDomainChrDeviceStateTypeFromString, VB_XML_PROP_NONZERO,
                          &chr->state) < 0)
            return -1;
    } else if (vbDomainCheckAttrs(node, VB_ATTRS("type", "port")) < 0 ||
               vbXMLPropUInt(node, "port", 10, VB_XML_PROP_NONE, &chr->port) < 0) {
        return -1;
    }

    if (g_strcmp0(ttype, "virtio") == 0 && (chr->console || chr->channel)) {
        chr->target = VB_DOMAIN_CHR_TARGET_VIRTIO;
    } else if (ttype && (chr->channel || strcmp(ttype, serialType) != 0)) {
        vbDomainReportUnsupportedValue(node, "type", ttype);
        return -1;
    }
    return vbDomainChrTargetModelParse(chr, node);
}

/* <serial>, <console> and <channel> of type 'pty', 'file' or 'unix' */
vbDomainChrDef *
vbDomainChrDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainChrDef) chr = g_new0(vbDomainChrDef, 1);
    g_autofree char *type = NULL;
    xmlNode *child;
    int t;

    chr->console = vbXMLNodeNameEqual(node, "console");
    chr->channel = vbXMLNodeNameEqual(node, "channel");
    if (vbDomainCheckAttrs(node, chr->console ? VB_ATTRS("type", "tty") : VB_ATTRS("type")) < 0 ||
        vbXMLPropStringFull(node, "type", VB_XML_PROP_REQUIRED, &type) < 0)
        return NULL;
    if ((t = vbDomainChrTypeTypeFromString(type)) < 0) {
        vbDomainReportUnsupportedValue(node, "type", type);
        return NULL;
    }
    chr->type = t;
    /* a socket without <source> is one QEMU listens on */
    if (chr->type == VB_DOMAIN_CHR_TYPE_UNIX)
        chr->mode = VB_DOMAIN_CHR_SOURCE_MODE_BIND;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("source", "log", "target", "alias", "address")) <
        0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "source")) {
            if (vbDomainChrSourceParse(chr, child, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "log")) {
            if (vbDomainChrLogParse(chr, child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "target")) {
            if (vbDomainChrTargetParse(chr, child, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &chr->info.addr) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &chr->info.alias, flags) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    if (chr->channel && chr->target != VB_DOMAIN_CHR_TARGET_VIRTIO) {
        /* libvirt's guestfwd channel is a network device of its own */
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("channel needs <target type='virtio'>, the only channel target supported by virtblockd"));
        return NULL;
    }
    /* only a channel's listening socket is named by the daemon at start */
    if ((chr->type == VB_DOMAIN_CHR_TYPE_FILE && !chr->filePath) ||
        (chr->type == VB_DOMAIN_CHR_TYPE_UNIX && !chr->socketPath &&
         (chr->mode == VB_DOMAIN_CHR_SOURCE_MODE_CONNECT || !chr->channel))) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("Missing source path attribute for char device"));
        return NULL;
    }
    return g_steal_pointer(&chr);
}

const char *
vbDomainChrDefElement(const vbDomainChrDef *chr)
{
    if (chr->channel)
        return "channel";
    return chr->console ? "console" : "serial";
}

/* libvirt keeps serials and consoles in two lists, and writes every
 * <serial> before every <console>; the device table does so from ours. */
void
vbDomainChrDefFormat(vbBuffer *buf, const vbDomainChrDef *chr, unsigned int flags)
{
    const char *elem = vbDomainChrDefElement(chr);
    const char *pty = (flags & VB_DOMAIN_DEF_FORMAT_INACTIVE) ? NULL : chr->ptyPath;

    vbBufferAsprintf(buf, "<%s type='%s'", elem, vbDomainChrTypeTypeToString(chr->type));
    if (chr->console && chr->type == VB_DOMAIN_CHR_TYPE_PTY)
        vbBufferEscapeString(buf, " tty='%s'", pty);
    vbBufferAddLit(buf, ">\n");
    vbBufferAdjustIndent(buf, 2);
    switch (chr->type) {
    case VB_DOMAIN_CHR_TYPE_PTY:
        vbBufferEscapeString(buf, "<source path='%s'/>\n", pty);
        break;
    case VB_DOMAIN_CHR_TYPE_FILE:
        vbBufferEscapeString(buf, "<source path='%s'", chr->filePath);
        if (chr->append != VB_DOMAIN_CHR_APPEND_ABSENT)
            vbBufferAsprintf(buf, " append='%s'", vbDomainChrAppendTypeToString(chr->append));
        vbBufferAddLit(buf, "/>\n");
        break;
    case VB_DOMAIN_CHR_TYPE_UNIX:
        if (chr->socketPath) {
            vbBufferAsprintf(buf, "<source mode='%s'",
                             vbDomainChrSourceModeTypeToString(chr->mode));
            vbBufferEscapeString(buf, " path='%s'/>\n", chr->socketPath);
        }
        break;
    case VB_DOMAIN_CHR_TYPE_LAST:
        break;
    }
    if (chr->logFile) {
        vbBufferEscapeString(buf, "<log file='%s'", chr->logFile);
        if (chr->logAppend != VB_DOMAIN_CHR_APPEND_ABSENT)
            vbBufferAsprintf(buf, " append='%s'", vbDomainChrAppendTypeToString(chr->logAppend));
        vbBufferAddLit(buf, "/>\n");
    }
    if (chr->channel) {
        vbBufferAddLit(buf, "<target type='virtio'");
        vbBufferEscapeString(buf, " name='%s'", chr->targetName);
        if (chr->state != VB_DOMAIN_CHR_DEVICE_STATE_DEFAULT &&
            !(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE))
            vbBufferAsprintf(buf, " state='%s'", vbDomainChrDeviceStateTypeToString(chr->state));
        vbBufferAddLit(buf, "/>\n");
    } else if (chr->console) {
        vbBufferAsprintf(buf, "<target type='%s' port='%u'/>\n",
                         chr->target == VB_DOMAIN_CHR_TARGET_VIRTIO ? "virtio" : "serial",
                         chr->port);
    } else {
        vbBufferAsprintf(buf, "<target type='isa-serial' port='%u'>\n", chr->port);
        vbBufferAddLit(buf, "  <model name='isa-serial'/>\n");
        vbBufferAddLit(buf, "</target>\n");
    }
    vbDomainDeviceInfoFormat(buf, &chr->info, flags);
    vbBufferAdjustIndent(buf, -2);
    vbBufferAsprintf(buf, "</%s>\n", elem);
}
