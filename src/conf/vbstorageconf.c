/*
 * vbstorageconf.c: what pool and volume XML share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <string.h>

#include "vberror.h"
#include "vbxml.h"
#include "vbstorageconf.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

void
vbStorageConfReportUnsupportedElement(const xmlNode *node)
{
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  _("element '<%s>' in <%s> is not supported by virtblockd"),
                  (const char *) node->name, (const char *) node->parent->name);
}

int
vbStorageConfCheckAttrs(const xmlNode *node, const char *const *allowed)
{
    const xmlAttr *attr;

    for (attr = node->properties; attr; attr = attr->next) {
        if (attr->ns || (allowed && g_strv_contains(allowed, (const char *) attr->name)))
            continue;
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("attribute '%s' of element '<%s>' is not supported by virtblockd"),
                      (const char *) attr->name, (const char *) node->name);
        return -1;
    }
    return 0;
}

int
vbStorageConfCheckNoChildren(const xmlNode *node)
{
    xmlNode *child = vbXMLChildElement(node, NULL);

    if (child) {
        vbStorageConfReportUnsupportedElement(child);
        return -1;
    }
    return 0;
}

int
vbStorageConfParseSize(const xmlNode *node, unsigned long long *bytes)
{
    g_autofree char *unit = vbXMLPropString(node, "unit");
    g_autofree char *text = vbXMLNodeContent(node);
    unsigned long long scale = 1;
    guint64 value;

    if (vbStorageConfCheckAttrs(node, VB_STORAGE_ATTRS("unit")) < 0 ||
        vbStorageConfCheckNoChildren(node) < 0)
        return -1;
    if (unit && !(scale = vbUnitScale(unit))) {
        vbXMLReportInvalidProp(node, "unit", unit);
        return -1;
    }
    g_strstrip(text);
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &value, NULL)) {
        g_autofree char *escaped = g_strescape(text, NULL);

        vbReportError(VIR_ERR_XML_ERROR, _("invalid value '%s' for element '<%s>'"), escaped,
                      (const char *) node->name);
        return -1;
    }
    if (value > (unsigned long long) G_MAXINT64 / scale) {
        /* libvirt's words (virScaleInteger): the number and its unit */
        vbReportError(VIR_ERR_OVERFLOW, _("value too large: %s%s"), text, unit ? unit : "");
        return -1;
    }
    *bytes = value * scale;
    return 0;
}

char *
vbStorageConfParseText(const xmlNode *node)
{
    g_autofree char *text = NULL;
    const unsigned char *c;

    if (vbStorageConfCheckAttrs(node, NULL) < 0 || vbStorageConfCheckNoChildren(node) < 0)
        return NULL;
    text = vbXMLNodeContent(node);
    g_strstrip(text);
    for (c = (const unsigned char *) text; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            g_autofree char *escaped = g_strescape(text, NULL);

            vbReportError(VIR_ERR_XML_ERROR,
                          _("value '%s' of element '<%s>' contains a control character"), escaped,
                          (const char *) node->name);
            return NULL;
        }
    }
    return g_steal_pointer(&text);
}

static int
vbStorageConfParseID(const xmlNode *node, int base, long long max, long long *result)
{
    g_autofree char *text = NULL;
    guint64 value;

    if (!(text = vbStorageConfParseText(node)))
        return -1;
    /* libvirt writes -1 for "not set" */
    if (strcmp(text, "-1") == 0) {
        *result = -1;
        return 0;
    }
    if (!g_ascii_string_to_unsigned(text, base, 0, max, &value, NULL)) {
        vbReportError(VIR_ERR_XML_ERROR, _("malformed %s element"), (const char *) node->name);
        return -1;
    }
    *result = value;
    return 0;
}

int
vbStorageConfPermsParse(const xmlNode *node, vbStoragePerms *perms)
{
    xmlNode *child;

    if (vbStorageConfCheckAttrs(node, NULL) < 0)
        return -1;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        long long value;

        if (vbXMLNodeNameEqual(child, "mode")) {
            if (vbStorageConfParseID(child, 8, 07777, &value) < 0)
                return -1;
            perms->mode = value;
        } else if (vbXMLNodeNameEqual(child, "owner")) {
            if (vbStorageConfParseID(child, 10, G_MAXUINT32 - 1, &perms->owner) < 0)
                return -1;
        } else if (vbXMLNodeNameEqual(child, "group")) {
            if (vbStorageConfParseID(child, 10, G_MAXUINT32 - 1, &perms->group) < 0)
                return -1;
        } else {
            vbStorageConfReportUnsupportedElement(child);
            return -1;
        }
    }
    return 0;
}

void
vbStorageConfPermsFormat(vbBuffer *buf, const vbStoragePerms *perms)
{
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    if (perms->mode >= 0)
        vbBufferAsprintf(&childBuf, "<mode>%04o</mode>\n", (unsigned int) perms->mode);
    if (perms->owner >= 0)
        vbBufferAsprintf(&childBuf, "<owner>%lld</owner>\n", perms->owner);
    if (perms->group >= 0)
        vbBufferAsprintf(&childBuf, "<group>%lld</group>\n", perms->group);
    vbXMLFormatElement(buf, "permissions", NULL, &childBuf);
}

void
vbStorageConfPermsFromStat(const struct stat *st, vbStoragePerms *perms)
{
    perms->mode = st->st_mode & 07777;
    perms->owner = st->st_uid;
    perms->group = st->st_gid;
}
