/*
 * vbdomainchrconf.c: a <serial> or <console> on a pty or a file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A console is the guest's first serial port seen through another element,
 * as libvirt writes it; both are character devices of one family.
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

VB_ENUM_IMPL(vbDomainChrType, VB_DOMAIN_CHR_TYPE_LAST, "pty", "file");
VB_ENUM_IMPL(vbDomainChrAppend, VB_DOMAIN_CHR_APPEND_LAST, "default", "on", "off");

void
vbDomainChrDefFree(vbDomainChrDef *chr)
{
    if (!chr)
        return;
    g_free(chr->ptyPath);
    g_free(chr->filePath);
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

/* <serial> and <console> of type 'pty' or 'file' */
vbDomainChrDef *
vbDomainChrDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainChrDef) chr = g_new0(vbDomainChrDef, 1);
    g_autofree char *type = NULL;
    xmlNode *child;
    int t;

    chr->console = vbXMLNodeNameEqual(node, "console");
    if (vbDomainCheckAttrs(node, chr->console ? VB_ATTRS("type", "tty") : VB_ATTRS("type")) < 0 ||
        vbXMLPropStringFull(node, "type", VB_XML_PROP_REQUIRED, &type) < 0)
        return NULL;
    if ((t = vbDomainChrTypeTypeFromString(type)) < 0) {
        vbDomainReportUnsupportedValue(node, "type", type);
        return NULL;
    }
    chr->type = t;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("source", "log", "target", "alias")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "source")) {
            if (vbDomainChrSourceParse(chr, child, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "log")) {
            if (vbDomainChrLogParse(chr, child) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "target")) {
            g_autofree char *ttype = vbXMLPropString(child, "type");
            xmlNode *model;

            if (vbDomainCheckAttrs(child, VB_ATTRS("type", "port")) < 0 ||
                vbXMLPropUInt(child, "port", 10, VB_XML_PROP_NONE, &chr->port) < 0)
                return NULL;
            if (ttype && strcmp(ttype, chr->console ? "serial" : "isa-serial") != 0) {
                vbDomainReportUnsupportedValue(child, "type", ttype);
                return NULL;
            }
            for (model = vbXMLChildElement(child, NULL); model; model = vbXMLNextElement(model)) {
                g_autofree char *name = vbXMLPropString(model, "name");

                if (chr->console || !vbXMLNodeNameEqual(model, "model")) {
                    vbDomainReportUnsupportedElement(model);
                    return NULL;
                }
                if (vbDomainCheckAttrs(model, VB_ATTRS("name")) < 0)
                    return NULL;
                if (g_strcmp0(name, "isa-serial") != 0) {
                    vbDomainReportUnsupportedValue(model, "name", name);
                    return NULL;
                }
            }
        } else if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &chr->info.alias, flags) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    if (chr->type == VB_DOMAIN_CHR_TYPE_FILE && !chr->filePath) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("Missing source path attribute for char device"));
        return NULL;
    }
    return g_steal_pointer(&chr);
}

const char *
vbDomainChrDefElement(const vbDomainChrDef *chr)
{
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
    case VB_DOMAIN_CHR_TYPE_LAST:
        break;
    }
    if (chr->logFile) {
        vbBufferEscapeString(buf, "<log file='%s'", chr->logFile);
        if (chr->logAppend != VB_DOMAIN_CHR_APPEND_ABSENT)
            vbBufferAsprintf(buf, " append='%s'", vbDomainChrAppendTypeToString(chr->logAppend));
        vbBufferAddLit(buf, "/>\n");
    }
    if (chr->console) {
        vbBufferAsprintf(buf, "<target type='serial' port='%u'/>\n", chr->port);
    } else {
        vbBufferAsprintf(buf, "<target type='isa-serial' port='%u'>\n", chr->port);
        vbBufferAddLit(buf, "  <model name='isa-serial'/>\n");
        vbBufferAddLit(buf, "</target>\n");
    }
    vbDomainDeviceInfoFormat(buf, &chr->info, flags);
    vbBufferAdjustIndent(buf, -2);
    vbBufferAsprintf(buf, "</%s>\n", elem);
}
