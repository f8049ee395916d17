/*
 * vbstoragepoolconf.c: storage pool XML (type 'dir')
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <string.h>

#include "vberror.h"
#include "vbuuid.h"
#include "vbxml.h"
#include "vbstoragepoolconf.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

/* The longest pool document we read */
#define VB_STORAGE_POOL_XML_MAX (1024 * 1024)

/* libvirt 9.0's pool types (virStoragePoolType): all known, 'dir' served */
static const char *const vbStoragePoolKnownTypes[] = {
    "dir",   "fs",  "netfs",    "logical", "disk", "iscsi",    "iscsi-direct", "scsi",
    "mpath", "rbd", "sheepdog", "gluster", "zfs",  "vstorage", NULL,
};

void
vbStoragePoolDefFree(vbStoragePoolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->targetPath);
    g_free(def);
}

int
vbStoragePoolDefCheckName(const char *name)
{
    const unsigned char *c;

    if (strchr(name, '/')) {
        vbReportError(VIR_ERR_XML_ERROR, _("name %s cannot contain '/'"), name);
        return -1;
    }
    for (c = (const unsigned char *) name; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            g_autofree char *escaped = g_strescape(name, NULL);

            vbReportError(VIR_ERR_XML_ERROR, _("name '%s' contains a control character"), escaped);
            return -1;
        }
    }
    if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        vbReportError(VIR_ERR_XML_ERROR, _("name '%s' is not a valid file name"), name);
        return -1;
    }
    return 0;
}

static int
vbStoragePoolDefParseType(const xmlNode *root)
{
    g_autofree char *type = vbXMLPropString(root, "type");

    if (!type) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("storage pool missing type attribute"));
        return -1;
    }
    if (strcmp(type, "dir") == 0)
        return 0;
    if (g_strv_contains(vbStoragePoolKnownTypes, type)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("storage pool type '%s' is not supported by virtblockd; only 'dir' is"),
                      type);
        return -1;
    }
    vbXMLReportInvalidProp(root, "type", type);
    return -1;
}

static int
vbStoragePoolDefParseTarget(const xmlNode *node, vbStoragePoolDef *def)
{
    xmlNode *child;
    size_t len;

    if (vbStorageConfCheckAttrs(node, NULL) < 0)
        return -1;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "path") && !def->targetPath) {
            if (!(def->targetPath = vbStorageConfParseText(child)))
                return -1;
        } else if (vbXMLNodeNameEqual(child, "permissions")) {
            if (vbStorageConfPermsParse(child, &def->perms) < 0)
                return -1;
        } else {
            vbStorageConfReportUnsupportedElement(child);
            return -1;
        }
    }
    if (!def->targetPath || !def->targetPath[0]) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing storage pool target path"));
        return -1;
    }
    /* libvirt takes a relative path and fails when the pool starts; a
     * relative path would be relative to the daemon's directory */
    if (!g_path_is_absolute(def->targetPath)) {
        vbReportError(VIR_ERR_XML_ERROR, _("storage pool target path '%s' must be absolute"),
                      def->targetPath);
        return -1;
    }
    /* libvirt's clean-up of the path: no trailing or doubled '/' */
    {
        g_autofree char *clean = g_canonicalize_filename(def->targetPath, "/");

        g_free(def->targetPath);
        def->targetPath = g_steal_pointer(&clean);
    }
    len = strlen(def->targetPath);
    if (len > 1 && def->targetPath[len - 1] == '/')
        def->targetPath[len - 1] = '\0';
    return 0;
}

static vbStoragePoolDef *
vbStoragePoolDefParseNode(const xmlNode *root)
{
    g_autoptr(vbStoragePoolDef) def = g_new0(vbStoragePoolDef, 1);
    bool seenUUID = false;
    bool seenTarget = false;
    bool seenSource = false;
    xmlNode *child;

    def->perms = (vbStoragePerms) VB_STORAGE_PERMS_INIT;
    if (vbXMLCheckRoot(root, "pool") < 0)
        return NULL;
    if (vbStoragePoolDefParseType(root) < 0 ||
        vbStorageConfCheckAttrs(root, VB_STORAGE_ATTRS("type")) < 0)
        return NULL;

    for (child = vbXMLChildElement(root, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "name") && !def->name) {
            if (!(def->name = vbStorageConfParseText(child)))
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "uuid") && !seenUUID) {
            g_autofree char *text = vbStorageConfParseText(child);

            if (!text)
                return NULL;
            if (vbUUIDParse(text, def->uuid) < 0) {
                vbReportError(VIR_ERR_XML_ERROR, "%s", _("malformed uuid element"));
                return NULL;
            }
            seenUUID = true;
        } else if (vbXMLNodeNameEqual(child, "capacity") ||
                   vbXMLNodeNameEqual(child, "allocation") ||
                   vbXMLNodeNameEqual(child, "available")) {
            unsigned long long ignored;

            /* what the file system has, shown in the XML: never a setting */
            if (vbStorageConfParseSize(child, &ignored) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "source") && !seenSource) {
            if (vbStorageConfCheckAttrs(child, NULL) < 0 || vbStorageConfCheckNoChildren(child) < 0)
                return NULL;
            seenSource = true;
        } else if (vbXMLNodeNameEqual(child, "target") && !seenTarget) {
            if (vbStoragePoolDefParseTarget(child, def) < 0)
                return NULL;
            seenTarget = true;
        } else {
            vbStorageConfReportUnsupportedElement(child);
            return NULL;
        }
    }

    if (!def->name || !def->name[0]) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing pool source name element"));
        return NULL;
    }
    if (vbStoragePoolDefCheckName(def->name) < 0)
        return NULL;
    if (!seenUUID)
        vbUUIDGenerate(def->uuid);
    if (!seenTarget) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing storage pool target path"));
        return NULL;
    }
    return g_steal_pointer(&def);
}

vbStoragePoolDef *
vbStoragePoolDefParseString(const char *xml)
{
    g_autoptr(xmlDoc) doc =
        vbXMLParseString(xml, "(storage_pool_definition)", VB_STORAGE_POOL_XML_MAX);

    if (!doc)
        return NULL;
    return vbStoragePoolDefParseNode(xmlDocGetRootElement(doc));
}

vbStoragePoolDef *
vbStoragePoolDefParseFile(const char *path)
{
    g_autoptr(xmlDoc) doc = vbXMLParseFile(path, VB_STORAGE_POOL_XML_MAX);

    if (!doc)
        return NULL;
    return vbStoragePoolDefParseNode(xmlDocGetRootElement(doc));
}

char *
vbStoragePoolDefFormat(const vbStoragePoolDef *def, const vbStoragePoolStatus *status)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    char uuid[VB_UUID_STRING_BUFLEN];

    vbUUIDFormat(def->uuid, uuid);
    vbBufferAddLit(&buf, "<pool type='dir'>\n");
    vbBufferAdjustIndent(&buf, 2);
    vbBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    vbBufferAsprintf(&buf, "<uuid>%s</uuid>\n", uuid);
    vbBufferAsprintf(&buf, "<capacity unit='bytes'>%llu</capacity>\n",
                     status ? status->capacity : 0);
    vbBufferAsprintf(&buf, "<allocation unit='bytes'>%llu</allocation>\n",
                     status ? status->allocation : 0);
    vbBufferAsprintf(&buf, "<available unit='bytes'>%llu</available>\n",
                     status ? status->available : 0);
    /* libvirt writes the empty source of a 'dir' pool open and closed */
    vbBufferAddLit(&buf, "<source>\n");
    vbBufferAddLit(&buf, "</source>\n");
    vbBufferAddLit(&buf, "<target>\n");
    vbBufferAdjustIndent(&buf, 2);
    vbBufferEscapeString(&buf, "<path>%s</path>\n", def->targetPath);
    vbStorageConfPermsFormat(&buf, status ? &status->perms : &def->perms);
    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "</target>\n");
    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "</pool>\n");
    return vbBufferContentAndReset(&buf);
}
