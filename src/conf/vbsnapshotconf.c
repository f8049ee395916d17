/*
 * vbsnapshotconf.c: snapshot XML for disk-only external snapshots
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <sys/stat.h>

#include "vbinternal.h"
#include "vbbuf.h"
#include "vberror.h"
#include "vbxml.h"
#include "vbsnapshotconf.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN_SNAPSHOT

VB_ENUM_IMPL(vbSnapshotLocation, VB_SNAPSHOT_LOCATION_LAST, "default", "no", "internal", "external",
             "manual");
VB_ENUM_IMPL(vbSnapshotState, VB_SNAPSHOT_STATE_LAST, "nostate", "running", "blocked", "paused",
             "shutdown", "shutoff", "crashed", "pmsuspended", "disk-snapshot");

void
vbSnapshotDiskDefFree(vbSnapshotDiskDef *disk)
{
    if (!disk)
        return;
    g_free(disk->name);
    vbStorageSourceFree(disk->src);
    g_free(disk);
}

void
vbSnapshotDefClearRevertDisks(vbSnapshotDef *def)
{
    size_t i;

    for (i = 0; i < def->nrevertDisks; i++)
        vbSnapshotDiskDefFree(def->revertDisks[i]);
    g_clear_pointer(&def->revertDisks, g_free);
    def->nrevertDisks = 0;
}

void
vbSnapshotDefFree(vbSnapshotDef *def)
{
    size_t i;

    if (!def)
        return;
    g_free(def->name);
    g_free(def->description);
    g_free(def->memoryFile);
    for (i = 0; i < def->ndisks; i++)
        vbSnapshotDiskDefFree(def->disks[i]);
    g_free(def->disks);
    vbSnapshotDefClearRevertDisks(def);
    g_free(def->parentName);
    vbDomainDefFree(def->dom);
    vbDomainDefFree(def->inactiveDom);
    g_strfreev(def->deleteFailedBases);
    g_free(def);
}

bool
vbSnapshotDefIsExternal(const vbSnapshotDef *def)
{
    size_t i;

    if (def->memory == VB_SNAPSHOT_LOCATION_EXTERNAL)
        return true;
    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->snapshot == VB_SNAPSHOT_LOCATION_EXTERNAL)
            return true;
    }
    return false;
}

/* ---- parse -------------------------------------------------------------- */

static void
vbSnapshotReportUnsupportedElement(const xmlNode *node)
{
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  _("element '<%s>' in <%s> is not supported by virtblockd"),
                  (const char *) node->name, (const char *) node->parent->name);
}

/* Refuses attributes of @node outside the NULL-terminated @allowed. */
static int
vbSnapshotCheckAttrs(const xmlNode *node, const char *const *allowed)
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

static int
vbSnapshotCheckNoChildren(const xmlNode *node)
{
    xmlNode *child = vbXMLChildElement(node, NULL);

    if (child) {
        vbSnapshotReportUnsupportedElement(child);
        return -1;
    }
    return 0;
}

#define VB_SNAPSHOT_ATTRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* libvirt's message for a format it does not know; the attribute is
 * always <driver type=...>. */
static void
vbSnapshotReportUnknownDriver(const xmlNode *node G_GNUC_UNUSED, const char *name G_GNUC_UNUSED,
                              const char *value)
{
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unknown disk snapshot driver '%s'"), value);
}

static int
vbSnapshotMemoryParse(const xmlNode *node, vbSnapshotDef *def)
{
    /* 'default' is what not saying means, not a value to write */
    if (vbSnapshotCheckAttrs(node, VB_SNAPSHOT_ATTRS("snapshot", "file")) < 0 ||
        vbSnapshotCheckNoChildren(node) < 0 ||
        vbXMLPropEnum(node, "snapshot", vbSnapshotLocationTypeFromString, VB_XML_PROP_NONZERO,
                      &def->memory) < 0)
        return -1;
    def->memoryFile = vbXMLPropString(node, "file");

    /* libvirt's checks, in its order */
    if (def->memory == VB_SNAPSHOT_LOCATION_MANUAL) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("'manual' memory snapshot mode not supported"));
        return -1;
    }
    if (def->memory == VB_SNAPSHOT_LOCATION_DEFAULT && def->memoryFile)
        def->memory = VB_SNAPSHOT_LOCATION_EXTERNAL;
    if (def->memoryFile && def->memory != VB_SNAPSHOT_LOCATION_EXTERNAL) {
        vbReportError(VIR_ERR_XML_ERROR, _("memory filename '%s' requires external snapshot"),
                      def->memoryFile);
        return -1;
    }
    if (!def->memoryFile && def->memory == VB_SNAPSHOT_LOCATION_EXTERNAL) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("external memory snapshots require a filename"));
        return -1;
    }
    /* the one memory snapshot we take is external, into a file */
    if (def->memory == VB_SNAPSHOT_LOCATION_INTERNAL) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, "%s",
            _("internal memory snapshots are not supported; use <memory snapshot='external' file='...'/> (virsh --memspec)"));
        return -1;
    }
    return 0;
}

/* libvirt's checks of the memory after the parse: a snapshot of a shut-off
 * domain or a disk-only one has none, and its file is named absolutely. */
static int
vbSnapshotMemoryValidate(const vbSnapshotDef *def, bool offline)
{
    if (offline && def->memory != VB_SNAPSHOT_LOCATION_DEFAULT &&
        def->memory != VB_SNAPSHOT_LOCATION_NO) {
        vbReportError(VIR_ERR_XML_ERROR, "%s",
                      _("memory state cannot be saved with offline or disk-only snapshot"));
        return -1;
    }
    if (def->memoryFile && !g_path_is_absolute(def->memoryFile)) {
        vbReportError(VIR_ERR_XML_ERROR, _("memory snapshot file path (%s) must be absolute"),
                      def->memoryFile);
        return -1;
    }
    return 0;
}

static int
vbSnapshotDiskSourceParse(const xmlNode *node, vbSnapshotDiskDef *disk)
{
    const char *attr = disk->src->type == VB_STORAGE_TYPE_BLOCK ? "dev" : "file";
    g_autofree char *path = NULL;
    const unsigned char *c;

    if (vbSnapshotCheckAttrs(node, VB_SNAPSHOT_ATTRS(attr)) < 0 ||
        vbSnapshotCheckNoChildren(node) < 0)
        return -1;
    if (!(path = vbXMLPropString(node, attr)))
        return 0;
    for (c = (const unsigned char *) path; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            vbXMLReportInvalidProp(node, attr, path);
            return -1;
        }
    }
    if (!g_path_is_absolute(path)) {
        vbReportError(VIR_ERR_XML_ERROR, _("disk snapshot image path '%s' must be absolute"), path);
        return -1;
    }
    disk->src->path = g_steal_pointer(&path);
    return 0;
}

static vbSnapshotDiskDef *
vbSnapshotDiskParse(const xmlNode *node)
{
    g_autoptr(vbSnapshotDiskDef) disk = g_new0(vbSnapshotDiskDef, 1);
    g_autofree char *type = NULL;
    bool seenDriver = false;
    bool seenSource = false;
    xmlNode *child;

    disk->src = vbStorageSourceNew();
    disk->src->type = VB_STORAGE_TYPE_FILE;

    if (!vbXMLNodeNameEqual(node, "disk")) {
        vbSnapshotReportUnsupportedElement(node);
        return NULL;
    }
    if (vbSnapshotCheckAttrs(node, VB_SNAPSHOT_ATTRS("name", "snapshot", "type")) < 0)
        return NULL;
    if (!(disk->name = vbXMLPropString(node, "name"))) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing name from disk snapshot element"));
        return NULL;
    }
    if (vbXMLPropEnum(node, "snapshot", vbSnapshotLocationTypeFromString, VB_XML_PROP_NONZERO,
                      &disk->snapshot) < 0)
        return NULL;

    if ((type = vbXMLPropString(node, "type"))) {
        if (strcmp(type, "dir") == 0 || strcmp(type, "volume") == 0) {
            vbReportError(VIR_ERR_XML_ERROR, _("unsupported disk snapshot type '%s'"), type);
            return NULL;
        }
        /* qemu-img creates overlays in files; a block device would have to
         * be formatted beforehand, which REUSE_EXT users do themselves. */
        if (strcmp(type, "file") != 0) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("disk snapshot type '%s' of disk '%s' is not supported by virtblockd; use type 'file'"),
                type, disk->name);
            return NULL;
        }
    }

    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "source") && !seenSource) {
            seenSource = true;
            if (vbSnapshotDiskSourceParse(child, disk) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "driver") && !seenDriver) {
            seenDriver = true;
            if (vbSnapshotCheckAttrs(child, VB_SNAPSHOT_ATTRS("type")) < 0 ||
                vbSnapshotCheckNoChildren(child) < 0 ||
                vbXMLPropEnumFull(child, "type", vbStorageFormatTypeFromString, VB_XML_PROP_NONZERO,
                                  vbSnapshotReportUnknownDriver, &disk->src->format) < 0)
                return NULL;
        } else {
            vbSnapshotReportUnsupportedElement(child);
            return NULL;
        }
    }

    /* as libvirt: a path or a format makes the disk external */
    if (disk->snapshot == VB_SNAPSHOT_LOCATION_DEFAULT &&
        (disk->src->path || disk->src->format != VB_STORAGE_FORMAT_NONE))
        disk->snapshot = VB_SNAPSHOT_LOCATION_EXTERNAL;
    return g_steal_pointer(&disk);
}

/* <disks> or <revertDisks> */
static int
vbSnapshotDisksParse(const xmlNode *node, vbSnapshotDiskDef ***disks, size_t *ndisks)
{
    size_t n = vbXMLCountChildren(node, NULL);
    xmlNode *child;

    if (vbSnapshotCheckAttrs(node, NULL) < 0)
        return -1;
    *disks = g_new0(vbSnapshotDiskDef *, n);
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (!((*disks)[*ndisks] = vbSnapshotDiskParse(child)))
            return -1;
        (*ndisks)++;
    }
    return 0;
}

/* <name> and <description>: text only, once. */
static int
vbSnapshotTextParse(const xmlNode *node, char **text)
{
    if (*text) {
        vbReportError(VIR_ERR_XML_ERROR, _("element '<%s>' appears more than once in <%s>"),
                      (const char *) node->name, "domainsnapshot");
        return -1;
    }
    if (vbSnapshotCheckAttrs(node, NULL) < 0 || vbSnapshotCheckNoChildren(node) < 0)
        return -1;
    *text = vbXMLNodeContent(node);
    return 0;
}

/* <parent><name>NAME</name></parent> */
static int
vbSnapshotParentParse(const xmlNode *node, vbSnapshotDef *def)
{
    xmlNode *child;

    if (def->parentName) {
        vbReportError(VIR_ERR_XML_ERROR, _("element '<%s>' appears more than once in <%s>"),
                      "parent", "domainsnapshot");
        return -1;
    }
    if (vbSnapshotCheckAttrs(node, NULL) < 0)
        return -1;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (!vbXMLNodeNameEqual(child, "name") || def->parentName) {
            vbSnapshotReportUnsupportedElement(child);
            return -1;
        }
        if (vbSnapshotTextParse(child, &def->parentName) < 0)
            return -1;
    }
    if (!def->parentName || !*def->parentName) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing parent name from snapshot"));
        return -1;
    }
    return 0;
}

/* <deleteFailed>: one <base file='...'/> per image */
static int
vbSnapshotDeleteFailedParse(const xmlNode *node, vbSnapshotDef *def)
{
    g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func(g_free);
    xmlNode *child;

    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        g_autofree char *file = NULL;

        if (!vbXMLNodeNameEqual(child, "base") || !(file = vbXMLPropString(child, "file")) ||
            !g_path_is_absolute(file)) {
            vbReportError(VIR_ERR_XML_ERROR, "%s", _("invalid <deleteFailed> in a saved snapshot"));
            return -1;
        }
        g_ptr_array_add(bases, g_steal_pointer(&file));
    }
    if (bases->len == 0) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("invalid <deleteFailed> in a saved snapshot"));
        return -1;
    }
    g_ptr_array_add(bases, NULL);
    def->deleteFailedBases = (char **) g_ptr_array_free(g_steal_pointer(&bases), FALSE);
    return 0;
}

/* The elements only the saved form has; @current gets <active>; @saved:
 * a file of ours, which alone may have <deleteFailed>. */
static int
vbSnapshotDefParseSaved(xmlDoc *doc, xmlNode *child, vbSnapshotDef *def, bool *current, bool saved)
{
    g_autofree char *text = NULL;

    if (vbXMLNodeNameEqual(child, "state") && !def->state) {
        int state;

        if (vbSnapshotTextParse(child, &text) < 0)
            return -1;
        /* 'nostate' is no state a snapshot records: refused as unknown */
        if ((state = vbSnapshotStateTypeFromString(text)) <= 0) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Invalid state '%s' in domain snapshot XML"), text);
            return -1;
        }
        def->state = state;
    } else if (vbXMLNodeNameEqual(child, "parent")) {
        return vbSnapshotParentParse(child, def);
    } else if (vbXMLNodeNameEqual(child, "creationTime") && !def->creationTime) {
        gint64 t = 0;

        if (vbSnapshotTextParse(child, &text) < 0)
            return -1;
        if (text && g_ascii_string_to_signed(text, 10, 1, G_MAXINT64, &t, NULL))
            def->creationTime = t;
        if (!def->creationTime) {
            vbReportError(VIR_ERR_XML_ERROR, _("invalid creationTime '%s' in domain snapshot XML"),
                          text ? text : "");
            return -1;
        }
    } else if (vbXMLNodeNameEqual(child, "revertDisks") && !def->revertDisks) {
        return vbSnapshotDisksParse(child, &def->revertDisks, &def->nrevertDisks);
    } else if (vbXMLNodeNameEqual(child, "domain") && !def->dom) {
        if (!(def->dom = vbDomainDefParseNode(doc, child, VB_DOMAIN_DEF_PARSE_INACTIVE)))
            return -1;
    } else if (vbXMLNodeNameEqual(child, "inactiveDomain") && !def->inactiveDom) {
        if (!(def->inactiveDom = vbDomainDefParseNodeRoot(doc, child, "inactiveDomain",
                                                          VB_DOMAIN_DEF_PARSE_INACTIVE)))
            return -1;
    } else if (vbXMLNodeNameEqual(child, "active")) {
        if (vbSnapshotTextParse(child, &text) < 0)
            return -1;
        *current = g_strcmp0(text, "1") == 0;
    } else if (saved && vbXMLNodeNameEqual(child, "deleteFailed") && !def->deleteFailedBases) {
        return vbSnapshotDeleteFailedParse(child, def);
    } else {
        vbSnapshotReportUnsupportedElement(child);
        return -1;
    }
    return 0;
}

/* @current NULL: a request, which has no metadata elements; @saved: a
 * file of ours */
static vbSnapshotDef *
vbSnapshotDefParseRoot(xmlDoc *doc, const xmlNode *root, bool *current, bool saved)
{
    g_autoptr(vbSnapshotDef) def = g_new0(vbSnapshotDef, 1);
    bool seenMemory = false;
    bool seenDisks = false;
    xmlNode *child;

    if (vbXMLCheckRoot(root, "domainsnapshot") < 0)
        return NULL;
    if (vbSnapshotCheckAttrs(root, NULL) < 0)
        return NULL;

    for (child = vbXMLChildElement(root, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "name")) {
            if (vbSnapshotTextParse(child, &def->name) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "description")) {
            if (vbSnapshotTextParse(child, &def->description) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "memory") && !seenMemory) {
            seenMemory = true;
            if (vbSnapshotMemoryParse(child, def) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "disks") && !seenDisks) {
            seenDisks = true;
            if (vbSnapshotDisksParse(child, &def->disks, &def->ndisks) < 0)
                return NULL;
        } else if (current) {
            if (vbSnapshotDefParseSaved(doc, child, def, current, saved) < 0)
                return NULL;
        } else {
            /* <state>, <parent>, <domain>...: a plain create takes none of
             * them; a redefinition carries them and is read as saved
             * metadata (@current set) above. */
            vbSnapshotReportUnsupportedElement(child);
            return NULL;
        }
    }
    return g_steal_pointer(&def);
}

/* libvirt's virDomainMomentDefPostParse: the creation time names a
 * snapshot that has no name. */
static int
vbSnapshotDefPostParse(vbSnapshotDef *def, long long now)
{
    def->creationTime = now;
    if (!def->name)
        def->name = g_strdup_printf("%lld", now);
    if (!*def->name) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("snapshot name must not be empty"));
        return -1;
    }
    return 0;
}

/* What a snapshot taken must have, in a saved file or a redefinition;
 * libvirt's messages. */
static int
vbSnapshotDefCheckMetadata(const vbSnapshotDef *def)
{
    if (!def->name || !*def->name) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("a redefined snapshot must have a name"));
        return -1;
    }
    if (!def->creationTime) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      _("missing creationTime from existing snapshot"));
        return -1;
    }
    /* without it the snapshot would fit no listing filter */
    if (def->state == VB_SNAPSHOT_STATE_NOSTATE) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("missing state from existing snapshot"));
        return -1;
    }
    if (!def->dom) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("missing domain in snapshot"));
        return -1;
    }
    return 0;
}

vbSnapshotDef *
vbSnapshotDefParseString(const char *xml, long long now, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(vbSnapshotDef) def = NULL;
    bool redefine = flags & VB_SNAPSHOT_DEF_PARSE_REDEFINE;
    bool active = false;

    vbCheckFlags(flags,
                 VB_SNAPSHOT_DEF_PARSE_VALIDATE_SCHEMA | VB_SNAPSHOT_DEF_PARSE_REDEFINE |
                     VB_SNAPSHOT_DEF_PARSE_OFFLINE,
                 NULL);
    if (!xml) {
        vbReportError(VIR_ERR_INVALID_ARG, "%s", _("no snapshot XML given"));
        return NULL;
    }
    if (!(doc = vbXMLParseString(xml, "(domain_snapshot)", VB_SNAPSHOT_XML_MAX_LEN)))
        return NULL;
    /* the root before the schema, as libvirt's virXMLParse */
    if (vbXMLCheckRoot(xmlDocGetRootElement(doc), "domainsnapshot") < 0)
        return NULL;
    if ((flags & VB_SNAPSHOT_DEF_PARSE_VALIDATE_SCHEMA) &&
        vbXMLValidateRelaxNG(doc, VB_LIBVIRT_SCHEMA_DIR "/domainsnapshot.rng") < 0)
        return NULL;
    /* <active> of a redefinition is ignored, as libvirt ignores it */
    if (!(def = vbSnapshotDefParseRoot(doc, xmlDocGetRootElement(doc), redefine ? &active : NULL,
                                       false)))
        return NULL;
    if (vbSnapshotMemoryValidate(def, flags & VB_SNAPSHOT_DEF_PARSE_OFFLINE) < 0)
        return NULL;
    if (redefine)
        return vbSnapshotDefCheckMetadata(def) < 0 ? NULL : g_steal_pointer(&def);
    if (vbSnapshotDefPostParse(def, now) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

vbSnapshotDef *
vbSnapshotDefParseFile(const char *path, bool *current)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(vbSnapshotDef) def = NULL;

    *current = false;
    /* vbXMLParseFile reads the daemon's own files: no link followed */
    if (!(doc = vbXMLParseFile(path, VB_SNAPSHOT_FILE_MAX_LEN)))
        return NULL;
    if (!(def = vbSnapshotDefParseRoot(doc, xmlDocGetRootElement(doc), current, true)))
        return NULL;
    if (vbSnapshotDefCheckMetadata(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* ---- align -------------------------------------------------------------- */

/* Default location of a disk the snapshot does not mention, or mentions
 * without saying: the disk's own <disk snapshot> (libvirt: read-only disks
 * default to 'no'), else external, the location of a disk-only snapshot. */
static vbSnapshotLocation
vbSnapshotDiskDefaultLocation(const vbDomainDiskDef *domdisk)
{
    if (vbStorageSourceIsEmpty(domdisk->src) || domdisk->src->readonly ||
        domdisk->device == VB_DOMAIN_DISK_DEVICE_CDROM)
        return VB_SNAPSHOT_LOCATION_NO;
    switch (domdisk->snapshot) {
    case VB_DOMAIN_DISK_SNAPSHOT_NO:
        return VB_SNAPSHOT_LOCATION_NO;
    case VB_DOMAIN_DISK_SNAPSHOT_INTERNAL:
        return VB_SNAPSHOT_LOCATION_INTERNAL;
    case VB_DOMAIN_DISK_SNAPSHOT_EXTERNAL:
    case VB_DOMAIN_DISK_SNAPSHOT_DEFAULT:
    case VB_DOMAIN_DISK_SNAPSHOT_LAST:
        break;
    }
    return VB_SNAPSHOT_LOCATION_EXTERNAL;
}

/* virDomainSnapshotDefAssignExternalNames for one disk */
static int
vbSnapshotDiskAssignName(vbSnapshotDef *def, size_t idx, const vbDomainDiskDef *domdisk)
{
    vbSnapshotDiskDef *disk = def->disks[idx];
    g_autofree char *stem = NULL;
    struct stat sb;
    char *dot;
    size_t j;

    if (vbStorageSourceIsEmpty(domdisk->src)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("cannot generate external snapshot name for disk '%s' without source"),
                      disk->name);
        return -1;
    }
    if (stat(domdisk->src->path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("source for disk '%s' is not a regular file; refusing to generate external snapshot name"),
            disk->name);
        return -1;
    }

    /* the extension of the file name goes, not a dot in a directory */
    stem = g_strdup(domdisk->src->path);
    if ((dot = strrchr(stem, '.')) && !strchr(dot, '/'))
        *dot = '\0';
    disk->src->path = g_strdup_printf("%s.%s", stem, def->name);

    for (j = 0; j < idx; j++) {
        if (g_strcmp0(disk->src->path, def->disks[j]->src->path) == 0) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("cannot generate external snapshot name for disk '%s': collision with disk '%s'"),
                disk->name, def->disks[j]->name);
            return -1;
        }
    }
    return 0;
}

/* What libvirt would take and we do not. */
static int
vbSnapshotDiskCheckSupported(const vbSnapshotDiskDef *disk)
{
    switch (disk->snapshot) {
    case VB_SNAPSHOT_LOCATION_NO:
        return 0;
    case VB_SNAPSHOT_LOCATION_EXTERNAL:
        if (disk->src->format != VB_STORAGE_FORMAT_NONE &&
            disk->src->format != VB_STORAGE_FORMAT_QCOW2) {
            /* libvirt's text; it also takes qed, which QEMU deprecates */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("external snapshot format for disk %s is unsupported: %s"), disk->name,
                          vbStorageFormatTypeToString(disk->src->format));
            return -1;
        }
        return 0;
    case VB_SNAPSHOT_LOCATION_INTERNAL:
    case VB_SNAPSHOT_LOCATION_MANUAL:
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("only external disk snapshots are supported; disk '%s' requested '%s'"),
                      disk->name, vbSnapshotLocationTypeToString(disk->snapshot));
        return -1;
    case VB_SNAPSHOT_LOCATION_DEFAULT:
    case VB_SNAPSHOT_LOCATION_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("disk '%s' has no snapshot location after aligning"),
                  disk->name);
    return -1;
}

int
vbSnapshotDefAlignDisks(vbSnapshotDef *def, const vbDomainDef *dom)
{
    g_autofree size_t *pos = NULL;
    g_autofree bool *taken = NULL;
    vbSnapshotDiskDef **aligned;
    size_t nexternal = 0;
    size_t i;
    size_t j;

    if (def->ndisks > dom->ndisks) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      _("too many disk snapshot requests for domain"));
        return -1;
    }
    pos = g_new0(size_t, def->ndisks);
    taken = g_new0(bool, dom->ndisks);

    /* the disks the snapshot names: where they are in the domain */
    for (i = 0; i < def->ndisks; i++) {
        vbSnapshotDiskDef *disk = def->disks[i];
        const vbDomainDiskDef *domdisk = vbDomainDiskByName(dom, disk->name);

        if (!domdisk) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("no disk named '%s'"), disk->name);
            return -1;
        }
        for (pos[i] = 0; dom->disks[pos[i]] != domdisk; pos[i]++)
            ;
        if (taken[pos[i]]) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("disk '%s' specified twice"), disk->name);
            return -1;
        }
        taken[pos[i]] = true;
        if (disk->snapshot == VB_SNAPSHOT_LOCATION_DEFAULT)
            disk->snapshot = vbSnapshotDiskDefaultLocation(domdisk);
        if (disk->src->path && disk->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("file '%s' for disk '%s' requires use of external snapshot mode"),
                          disk->src->path, disk->name);
            return -1;
        }
        if (strcmp(disk->name, domdisk->dst) != 0) {
            g_free(disk->name);
            disk->name = g_strdup(domdisk->dst);
        }
    }

    /* one entry per disk in the domain's order, defaults for the others */
    aligned = g_new0(vbSnapshotDiskDef *, dom->ndisks);
    for (i = 0; i < def->ndisks; i++)
        aligned[pos[i]] = def->disks[i];
    for (i = 0; i < dom->ndisks; i++) {
        if (aligned[i])
            continue;
        aligned[i] = g_new0(vbSnapshotDiskDef, 1);
        aligned[i]->name = g_strdup(dom->disks[i]->dst);
        aligned[i]->snapshot = vbSnapshotDiskDefaultLocation(dom->disks[i]);
        aligned[i]->src = vbStorageSourceNew();
        aligned[i]->src->type = VB_STORAGE_TYPE_FILE;
    }
    g_free(def->disks);
    def->disks = aligned;
    def->ndisks = dom->ndisks;

    for (i = 0; i < def->ndisks; i++) {
        vbSnapshotDiskDef *disk = def->disks[i];

        if (vbSnapshotDiskCheckSupported(disk) < 0)
            return -1;
        if (disk->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        nexternal++;
        if (disk->src->format == VB_STORAGE_FORMAT_NONE)
            disk->src->format = VB_STORAGE_FORMAT_QCOW2;
        if (!disk->src->path && vbSnapshotDiskAssignName(def, i, dom->disks[i]) < 0)
            return -1;
    }

    /* Two disks writing into one overlay would destroy both. */
    for (i = 0; i < def->ndisks; i++) {
        for (j = 0; j < i; j++) {
            if (def->disks[i]->snapshot == VB_SNAPSHOT_LOCATION_EXTERNAL &&
                def->disks[j]->snapshot == VB_SNAPSHOT_LOCATION_EXTERNAL &&
                strcmp(def->disks[i]->src->path, def->disks[j]->src->path) == 0) {
                vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              _("disks '%s' and '%s' would both use the snapshot image '%s'"),
                              def->disks[j]->name, def->disks[i]->name, def->disks[i]->src->path);
                return -1;
            }
        }
    }

    if (nexternal == 0) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, "%s",
            _("disk-only snapshots require at least one disk to be selected for snapshot"));
        return -1;
    }
    return 0;
}

/* A domain disk's <disk snapshot> as a snapshot location */
static vbSnapshotLocation
vbSnapshotDiskDomainLocation(const vbDomainDiskDef *domdisk)
{
    switch (domdisk->snapshot) {
    case VB_DOMAIN_DISK_SNAPSHOT_NO:
        return VB_SNAPSHOT_LOCATION_NO;
    case VB_DOMAIN_DISK_SNAPSHOT_INTERNAL:
        return VB_SNAPSHOT_LOCATION_INTERNAL;
    case VB_DOMAIN_DISK_SNAPSHOT_EXTERNAL:
        return VB_SNAPSHOT_LOCATION_EXTERNAL;
    case VB_DOMAIN_DISK_SNAPSHOT_DEFAULT:
    case VB_DOMAIN_DISK_SNAPSHOT_LAST:
        break;
    }
    return VB_SNAPSHOT_LOCATION_DEFAULT;
}

/* One disk a redefinition names, checked against its <domain>; its
 * position there in *@pos. */
static int
vbSnapshotDiskAlignRedefine(vbSnapshotDiskDef *disk, const vbDomainDef *dom, bool *taken,
                            vbSnapshotLocation deflt, size_t *pos)
{
    const vbDomainDiskDef *domdisk = vbDomainDiskByName(dom, disk->name);
    bool requireMatch = deflt == VB_SNAPSHOT_LOCATION_INTERNAL;
    vbSnapshotLocation domloc;

    if (!domdisk) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("no disk named '%s'"), disk->name);
        return -1;
    }
    for (*pos = 0; dom->disks[*pos] != domdisk; (*pos)++)
        ;
    if (taken[*pos]) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("disk '%s' specified twice"), disk->name);
        return -1;
    }
    taken[*pos] = true;
    domloc = vbSnapshotDiskDomainLocation(domdisk);
    if (disk->snapshot == VB_SNAPSHOT_LOCATION_DEFAULT) {
        if (domloc != VB_SNAPSHOT_LOCATION_DEFAULT &&
            (!requireMatch || domloc == VB_SNAPSHOT_LOCATION_NO))
            disk->snapshot = domloc;
        else
            disk->snapshot = deflt;
    } else if (requireMatch && disk->snapshot != deflt &&
               !(disk->snapshot == VB_SNAPSHOT_LOCATION_NO && domloc == VB_SNAPSHOT_LOCATION_NO)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("disk '%s' must use snapshot mode '%s'"),
                      disk->name, vbSnapshotLocationTypeToString(deflt));
        return -1;
    }
    if (disk->src->path && disk->snapshot != VB_SNAPSHOT_LOCATION_EXTERNAL) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("file '%s' for disk '%s' requires use of external snapshot mode"),
                      disk->src->path, disk->name);
        return -1;
    }
    if (strcmp(disk->name, domdisk->dst) != 0) {
        g_free(disk->name);
        disk->name = g_strdup(domdisk->dst);
    }
    return 0;
}

int
vbSnapshotDefAlignDisksRedefine(vbSnapshotDef *def)
{
    const vbDomainDef *dom = def->dom;
    vbSnapshotLocation deflt = VB_SNAPSHOT_LOCATION_INTERNAL;
    g_autofree size_t *pos = NULL;
    g_autofree bool *taken = NULL;
    vbSnapshotDiskDef **aligned;
    size_t i;

    if (!dom) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("missing domain in snapshot"));
        return -1;
    }
    if (def->state == VB_SNAPSHOT_STATE_DISK_SNAPSHOT || vbSnapshotDefIsExternal(def))
        deflt = VB_SNAPSHOT_LOCATION_EXTERNAL;
    if (def->ndisks > dom->ndisks) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      _("too many disk snapshot requests for domain"));
        return -1;
    }
    if (dom->ndisks == 0)
        return 0;

    pos = g_new0(size_t, def->ndisks);
    taken = g_new0(bool, dom->ndisks);
    for (i = 0; i < def->ndisks; i++) {
        if (vbSnapshotDiskAlignRedefine(def->disks[i], dom, taken, deflt, &pos[i]) < 0)
            return -1;
    }

    aligned = g_new0(vbSnapshotDiskDef *, dom->ndisks);
    for (i = 0; i < def->ndisks; i++)
        aligned[pos[i]] = def->disks[i];
    for (i = 0; i < dom->ndisks; i++) {
        if (aligned[i])
            continue;
        aligned[i] = g_new0(vbSnapshotDiskDef, 1);
        aligned[i]->name = g_strdup(dom->disks[i]->dst);
        aligned[i]->src = vbStorageSourceNew();
        aligned[i]->src->type = VB_STORAGE_TYPE_FILE;
        if (vbStorageSourceIsEmpty(dom->disks[i]->src))
            aligned[i]->snapshot = VB_SNAPSHOT_LOCATION_NO;
        else
            aligned[i]->snapshot = vbSnapshotDiskDomainLocation(dom->disks[i]);
        if (aligned[i]->snapshot == VB_SNAPSHOT_LOCATION_DEFAULT)
            aligned[i]->snapshot = deflt;
    }
    g_free(def->disks);
    def->disks = aligned;
    def->ndisks = dom->ndisks;

    /* libvirt's default names for the external ones without a file */
    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->snapshot == VB_SNAPSHOT_LOCATION_EXTERNAL && !def->disks[i]->src->path &&
            vbSnapshotDiskAssignName(def, i, dom->disks[i]) < 0)
            return -1;
    }
    return 0;
}

/* ---- format ------------------------------------------------------------- */

static void
vbSnapshotDiskFormat(vbBuffer *buf, const vbSnapshotDiskDef *disk)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferEscapeString(&attrBuf, " name='%s'", disk->name);
    if (disk->snapshot != VB_SNAPSHOT_LOCATION_DEFAULT)
        vbBufferAsprintf(&attrBuf, " snapshot='%s'",
                         vbSnapshotLocationTypeToString(disk->snapshot));

    if (disk->src->format != VB_STORAGE_FORMAT_NONE)
        vbBufferAsprintf(&childBuf, "<driver type='%s'/>\n",
                         vbStorageFormatTypeToString(disk->src->format));
    vbBufferEscapeString(&childBuf, "<source file='%s'/>\n", disk->src->path);
    /* libvirt writes the type only with a source to qualify */
    if (vbBufferUse(&childBuf) > 0)
        vbBufferAsprintf(&attrBuf, " type='%s'", vbStorageTypeTypeToString(disk->src->type));

    vbXMLFormatElement(buf, "disk", &attrBuf, &childBuf);
}

char *
vbSnapshotDefFormat(const vbSnapshotDef *def, unsigned int flags)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    unsigned int domFlags = VB_DOMAIN_DEF_FORMAT_INACTIVE;
    bool metadata = flags & VB_SNAPSHOT_DEF_FORMAT_METADATA;
    size_t i;

    vbCheckFlags(flags,
                 VB_SNAPSHOT_DEF_FORMAT_METADATA | VB_SNAPSHOT_DEF_FORMAT_SECURE |
                     VB_SNAPSHOT_DEF_FORMAT_INTERNAL | VB_SNAPSHOT_DEF_FORMAT_CURRENT,
                 NULL);
    if (flags & VB_SNAPSHOT_DEF_FORMAT_SECURE)
        domFlags |= VB_DOMAIN_DEF_FORMAT_SECURE;

    vbBufferAddLit(&buf, "<domainsnapshot>\n");
    vbBufferAdjustIndent(&buf, 2);

    vbBufferEscapeText(&buf, "<name>%s</name>\n", def->name);
    vbBufferEscapeText(&buf, "<description>%s</description>\n", def->description);
    if (metadata && def->state != VB_SNAPSHOT_STATE_NOSTATE)
        vbBufferAsprintf(&buf, "<state>%s</state>\n", vbSnapshotStateTypeToString(def->state));
    if (metadata && def->parentName) {
        vbBufferAddLit(&buf, "<parent>\n");
        vbBufferAdjustIndent(&buf, 2);
        vbBufferEscapeText(&buf, "<name>%s</name>\n", def->parentName);
        vbBufferAdjustIndent(&buf, -2);
        vbBufferAddLit(&buf, "</parent>\n");
    }
    if (metadata && def->creationTime)
        vbBufferAsprintf(&buf, "<creationTime>%lld</creationTime>\n", def->creationTime);
    if (def->memory != VB_SNAPSHOT_LOCATION_DEFAULT) {
        vbBufferAsprintf(&buf, "<memory snapshot='%s'",
                         vbSnapshotLocationTypeToString(def->memory));
        vbBufferEscapeString(&buf, " file='%s'", def->memoryFile);
        vbBufferAddLit(&buf, "/>\n");
    }

    if (def->ndisks > 0) {
        vbBufferAddLit(&buf, "<disks>\n");
        vbBufferAdjustIndent(&buf, 2);
        for (i = 0; i < def->ndisks; i++)
            vbSnapshotDiskFormat(&buf, def->disks[i]);
        vbBufferAdjustIndent(&buf, -2);
        vbBufferAddLit(&buf, "</disks>\n");
    }
    if (metadata && def->nrevertDisks > 0) {
        vbBufferAddLit(&buf, "<revertDisks>\n");
        vbBufferAdjustIndent(&buf, 2);
        for (i = 0; i < def->nrevertDisks; i++)
            vbSnapshotDiskFormat(&buf, def->revertDisks[i]);
        vbBufferAdjustIndent(&buf, -2);
        vbBufferAddLit(&buf, "</revertDisks>\n");
    }

    if (metadata && def->dom && vbDomainDefFormatBuf(&buf, def->dom, domFlags) < 0)
        return NULL;
    if (metadata && def->inactiveDom &&
        vbDomainDefFormatBufRoot(&buf, def->inactiveDom, "inactiveDomain", domFlags) < 0)
        return NULL;
    if ((flags & VB_SNAPSHOT_DEF_FORMAT_INTERNAL) && def->deleteFailedBases) {
        vbBufferAddLit(&buf, "<deleteFailed>\n");
        vbBufferAdjustIndent(&buf, 2);
        for (i = 0; def->deleteFailedBases[i]; i++)
            vbBufferEscapeString(&buf, "<base file='%s'/>\n", def->deleteFailedBases[i]);
        vbBufferAdjustIndent(&buf, -2);
        vbBufferAddLit(&buf, "</deleteFailed>\n");
    }
    if (flags & VB_SNAPSHOT_DEF_FORMAT_INTERNAL)
        vbBufferAsprintf(&buf, "<active>%d</active>\n",
                         (flags & VB_SNAPSHOT_DEF_FORMAT_CURRENT) ? 1 : 0);

    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "</domainsnapshot>\n");
    return vbBufferContentAndReset(&buf);
}
