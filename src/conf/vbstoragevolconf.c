/*
 * vbstoragevolconf.c: storage volume XML (volumes of a 'dir' pool)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <string.h>

#include "vberror.h"
#include "vbxml.h"
#include "vbstoragevolconf.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

#define VB_STORAGE_VOL_XML_MAX (1024 * 1024)

/* libvirt 9.0's file volume formats (virStorageFileFormat) other than raw
 * and qcow2: known, not created here */
static const char *const vbStorageVolKnownFormats[] = {
    "none", "auto",  "dir", "bochs", "cloop", "dmg",  "iso",  "vpc",  "vdi", "fat",
    "vhd",  "ploop", "cow", "qcow",  "qed",   "vmdk", "luks", "vhdx", NULL,
};

static void
vbStorageVolTargetClear(vbStorageVolTarget *target)
{
    g_clear_pointer(&target->path, g_free);
}

void
vbStorageVolDefFree(vbStorageVolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->key);
    vbStorageVolTargetClear(&def->target);
    if (def->backing)
        vbStorageVolTargetClear(def->backing);
    g_free(def->backing);
    g_free(def);
}

vbStorageVolDef *
vbStorageVolDefCopy(const vbStorageVolDef *def)
{
    vbStorageVolDef *copy = g_new0(vbStorageVolDef, 1);

    *copy = *def;
    copy->name = g_strdup(def->name);
    copy->key = g_strdup(def->key);
    copy->target.path = g_strdup(def->target.path);
    if (def->backing) {
        copy->backing = g_new0(vbStorageVolTarget, 1);
        *copy->backing = *def->backing;
        copy->backing->path = g_strdup(def->backing->path);
    }
    return copy;
}

void
vbStorageVolTargetSetStat(vbStorageVolTarget *target, const struct stat *st)
{
    vbStorageConfPermsFromStat(st, &target->perms);
    target->hasTimes = true;
    target->atime = st->st_atim;
    target->mtime = st->st_mtim;
    target->ctime = st->st_ctim;
}

/* ---- parse -------------------------------------------------------------- */

static int
vbStorageVolParseFormat(const xmlNode *node, vbStorageFormat *format)
{
    g_autofree char *type = NULL;
    int value;

    if (vbStorageConfCheckAttrs(node, VB_STORAGE_ATTRS("type")) < 0 ||
        vbStorageConfCheckNoChildren(node) < 0)
        return -1;
    if (!(type = vbXMLPropString(node, "type"))) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing volume format type"));
        return -1;
    }
    if ((value = vbStorageFormatTypeFromString(type)) > 0) {
        *format = value;
        return 0;
    }
    if (g_strv_contains(vbStorageVolKnownFormats, type)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("volume format '%s' is not supported by virtblockd; use 'raw' or 'qcow2'"),
                      type);
        return -1;
    }
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unknown volume format type %s"), type);
    return -1;
}

static int
vbStorageVolParseTimestamps(const xmlNode *node)
{
    static const char *const names[] = {"atime", "mtime", "ctime", "btime", NULL};
    xmlNode *child;

    if (vbStorageConfCheckAttrs(node, NULL) < 0)
        return -1;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        g_autofree char *text = NULL;

        if (!g_strv_contains(names, (const char *) child->name)) {
            vbStorageConfReportUnsupportedElement(child);
            return -1;
        }
        if (!(text = vbStorageConfParseText(child)))
            return -1;
    }
    return 0;
}

/* <target> or <backingStore> */
static int
vbStorageVolParseTarget(const xmlNode *node, vbStorageVolTarget *target)
{
    bool seenFormat = false;
    bool seenPerms = false;
    xmlNode *child;

    target->perms = (vbStoragePerms) VB_STORAGE_PERMS_INIT;
    if (vbStorageConfCheckAttrs(node, NULL) < 0)
        return -1;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "path") && !target->path) {
            if (!(target->path = vbStorageConfParseText(child)))
                return -1;
            if (!g_path_is_absolute(target->path)) {
                vbReportError(VIR_ERR_XML_ERROR, _("volume path '%s' must be absolute"),
                              target->path);
                return -1;
            }
        } else if (vbXMLNodeNameEqual(child, "format") && !seenFormat) {
            if (vbStorageVolParseFormat(child, &target->format) < 0)
                return -1;
            seenFormat = true;
        } else if (vbXMLNodeNameEqual(child, "permissions") && !seenPerms) {
            if (vbStorageConfPermsParse(child, &target->perms) < 0)
                return -1;
            seenPerms = true;
        } else if (vbXMLNodeNameEqual(child, "timestamps")) {
            /* what the file says, never a setting: read so that a document
             * we wrote can be sent back, and dropped, as libvirt does */
            if (vbStorageVolParseTimestamps(child) < 0)
                return -1;
        } else {
            vbStorageConfReportUnsupportedElement(child);
            return -1;
        }
    }
    return 0;
}

static vbStorageVolDef *
vbStorageVolDefParseNode(const xmlNode *root)
{
    g_autoptr(vbStorageVolDef) def = g_new0(vbStorageVolDef, 1);
    g_autofree char *type = NULL;
    bool seenCapacity = false;
    bool seenTarget = false;
    xmlNode *child;

    def->target.perms = (vbStoragePerms) VB_STORAGE_PERMS_INIT;
    if (vbXMLCheckRoot(root, "volume") < 0)
        return NULL;
    if (vbStorageConfCheckAttrs(root, VB_STORAGE_ATTRS("type")) < 0)
        return NULL;
    if ((type = vbXMLPropString(root, "type")) && strcmp(type, "file") != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("volume type '%s' is not supported by virtblockd; use 'file'"), type);
        return NULL;
    }

    for (child = vbXMLChildElement(root, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "name") && !def->name) {
            if (!(def->name = vbStorageConfParseText(child)))
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "key") && !def->key) {
            if (!(def->key = vbStorageConfParseText(child)))
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "capacity") && !seenCapacity) {
            if (vbStorageConfParseSize(child, &def->capacity) < 0)
                return NULL;
            seenCapacity = true;
        } else if (vbXMLNodeNameEqual(child, "allocation") && !def->hasAllocation) {
            if (vbStorageConfParseSize(child, &def->allocation) < 0)
                return NULL;
            def->hasAllocation = true;
        } else if (vbXMLNodeNameEqual(child, "physical") && !def->hasPhysical) {
            if (vbStorageConfParseSize(child, &def->physical) < 0)
                return NULL;
            def->hasPhysical = true;
        } else if (vbXMLNodeNameEqual(child, "target") && !seenTarget) {
            if (vbStorageVolParseTarget(child, &def->target) < 0)
                return NULL;
            seenTarget = true;
        } else if (vbXMLNodeNameEqual(child, "backingStore") && !def->backing) {
            def->backing = g_new0(vbStorageVolTarget, 1);
            if (vbStorageVolParseTarget(child, def->backing) < 0)
                return NULL;
            if (!def->backing->path) {
                vbReportError(VIR_ERR_XML_ERROR, "%s",
                              _("missing path of the volume's backing store"));
                return NULL;
            }
        } else {
            vbStorageConfReportUnsupportedElement(child);
            return NULL;
        }
    }

    if (!def->name) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing volume name element"));
        return NULL;
    }
    /* with a backing store qemu-img takes the backing's size */
    if (!seenCapacity && !def->backing) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing capacity element"));
        return NULL;
    }
    if (!def->hasAllocation)
        def->allocation = def->capacity;
    return g_steal_pointer(&def);
}

vbStorageVolDef *
vbStorageVolDefParseString(const char *xml)
{
    g_autoptr(xmlDoc) doc =
        vbXMLParseString(xml, "(storage_volume_definition)", VB_STORAGE_VOL_XML_MAX);

    if (!doc)
        return NULL;
    return vbStorageVolDefParseNode(xmlDocGetRootElement(doc));
}

/* ---- format ------------------------------------------------------------- */

static void
vbStorageVolFormatTimestamp(vbBuffer *buf, const char *name, const struct timespec *ts)
{
    vbBufferAsprintf(buf, "<%s>%llu", name, (unsigned long long) ts->tv_sec);
    if (ts->tv_nsec)
        vbBufferAsprintf(buf, ".%09ld", ts->tv_nsec);
    vbBufferAsprintf(buf, "</%s>\n", name);
}

static void
vbStorageVolFormatTarget(vbBuffer *buf, const char *name, const vbStorageVolTarget *target)
{
    vbBufferAsprintf(buf, "<%s>\n", name);
    vbBufferAdjustIndent(buf, 2);
    vbBufferEscapeString(buf, "<path>%s</path>\n", target->path);
    if (target->format)
        vbBufferAsprintf(buf, "<format type='%s'/>\n", vbStorageFormatTypeToString(target->format));
    vbStorageConfPermsFormat(buf, &target->perms);
    if (target->hasTimes) {
        const struct timespec none = {0, 0};

        vbBufferAddLit(buf, "<timestamps>\n");
        vbBufferAdjustIndent(buf, 2);
        vbStorageVolFormatTimestamp(buf, "atime", &target->atime);
        vbStorageVolFormatTimestamp(buf, "mtime", &target->mtime);
        vbStorageVolFormatTimestamp(buf, "ctime", &target->ctime);
        /* libvirt reads no birth time on Linux and writes 0 */
        vbStorageVolFormatTimestamp(buf, "btime", &none);
        vbBufferAdjustIndent(buf, -2);
        vbBufferAddLit(buf, "</timestamps>\n");
    }
    vbBufferAdjustIndent(buf, -2);
    vbBufferAsprintf(buf, "</%s>\n", name);
}

char *
vbStorageVolDefFormat(const vbStorageVolDef *def)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;

    vbBufferAddLit(&buf, "<volume type='file'>\n");
    vbBufferAdjustIndent(&buf, 2);
    vbBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    vbBufferEscapeString(&buf, "<key>%s</key>\n", def->key);
    vbBufferAsprintf(&buf, "<capacity unit='bytes'>%llu</capacity>\n", def->capacity);
    vbBufferAsprintf(&buf, "<allocation unit='bytes'>%llu</allocation>\n", def->allocation);
    if (def->hasPhysical)
        vbBufferAsprintf(&buf, "<physical unit='bytes'>%llu</physical>\n", def->physical);
    vbStorageVolFormatTarget(&buf, "target", &def->target);
    if (def->backing)
        vbStorageVolFormatTarget(&buf, "backingStore", def->backing);
    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "</volume>\n");
    return vbBufferContentAndReset(&buf);
}
