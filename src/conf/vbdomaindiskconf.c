/*
 * vbdomaindiskconf.c: a <disk>, its backing chain and its mirror
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The chain is libvirt's nested <backingStore> elements: a missing one
 * means "not known, probe the image", an empty <backingStore/> means "no
 * backing file".  In the live form each image carries its index (the N of
 * 'vda[N]'); in the status form also its QEMU node names and the backing
 * name as written in its overlay (relPath), which relative block commit
 * must preserve.
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

/* Deeper chains are refused: nobody runs them, and each layer costs QEMU
 * a node and an open file. */
#define VB_DOMAIN_BACKING_CHAIN_MAX 200

VB_ENUM_IMPL(vbDomainDiskDevice, VB_DOMAIN_DISK_DEVICE_LAST, "disk", "cdrom");

VB_ENUM_IMPL(vbDomainDiskBus, VB_DOMAIN_DISK_BUS_LAST, "none", "virtio", "sata", "scsi", "usb");

VB_ENUM_IMPL(vbDomainDiskCache, VB_DOMAIN_DISK_CACHE_LAST, "default", "none", "writethrough",
             "writeback", "directsync", "unsafe");

VB_ENUM_IMPL(vbDomainDiskDiscard, VB_DOMAIN_DISK_DISCARD_LAST, "default", "unmap", "ignore");

VB_ENUM_IMPL(vbDomainDiskIo, VB_DOMAIN_DISK_IO_LAST, "default", "native", "threads", "io_uring");

VB_ENUM_IMPL(vbDomainDiskDetectZeroes, VB_DOMAIN_DISK_DETECT_ZEROES_LAST, "default", "off", "on",
             "unmap");

VB_ENUM_IMPL(vbDomainDiskCopyOnRead, VB_DOMAIN_DISK_COPY_ON_READ_LAST, "default", "on", "off");

VB_ENUM_IMPL(vbDomainDiskErrorPolicy, VB_DOMAIN_DISK_ERROR_POLICY_LAST, "default", "stop", "report",
             "ignore", "enospace");

VB_ENUM_IMPL(vbDomainDiskSnapshot, VB_DOMAIN_DISK_SNAPSHOT_LAST, "default", "no", "internal",
             "external");

VB_ENUM_IMPL(vbDomainStartupPolicy, VB_DOMAIN_STARTUP_POLICY_LAST, "default", "mandatory",
             "requisite", "optional");

VB_ENUM_IMPL(vbDomainIoTuneField, VB_DOMAIN_IOTUNE_LAST, "total_bytes_sec", "read_bytes_sec",
             "write_bytes_sec", "total_iops_sec", "read_iops_sec", "write_iops_sec",
             "total_bytes_sec_max", "read_bytes_sec_max", "write_bytes_sec_max",
             "total_iops_sec_max", "read_iops_sec_max", "write_iops_sec_max", "size_iops_sec",
             "total_bytes_sec_max_length", "read_bytes_sec_max_length",
             "write_bytes_sec_max_length", "total_iops_sec_max_length", "read_iops_sec_max_length",
             "write_iops_sec_max_length");

VB_ENUM_IMPL(vbDomainDiskMirrorJob, VB_DOMAIN_DISK_MIRROR_JOB_LAST, "none", "copy",
             "active-commit");

VB_ENUM_IMPL(vbDomainDiskMirrorState, VB_DOMAIN_DISK_MIRROR_STATE_LAST, "none", "yes", "abort",
             "pivot");

vbDomainDiskDef *
vbDomainDiskDefNew(void)
{
    return g_new0(vbDomainDiskDef, 1);
}

void
vbDomainDiskDefFree(vbDomainDiskDef *disk)
{
    if (!disk)
        return;
    vbStorageSourceFree(disk->src);
    g_free(disk->dst);
    g_free(disk->serial);
    g_free(disk->wwn);
    g_free(disk->iotune.groupName);
    vbDomainDeviceInfoClear(&disk->info);
    vbStorageSourceFree(disk->mirror);
    g_free(disk);
}

bool
vbDomainIoTuneHasAny(const vbDomainIoTune *iotune)
{
    size_t i;

    for (i = 0; i < VB_DOMAIN_IOTUNE_LAST; i++) {
        if (iotune->limits[i])
            return true;
    }
    return false;
}

bool
vbDomainIoTuneEqual(const vbDomainIoTune *a, const vbDomainIoTune *b)
{
    return memcmp(a->limits, b->limits, sizeof(a->limits)) == 0 &&
           g_strcmp0(a->groupName, b->groupName) == 0;
}

static int
vbStorageSourceParsePrivate(const xmlNode *node, vbStorageSource *src)
{
    xmlNode *cur;

    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        if (vbXMLNodeNameEqual(cur, "nodenames")) {
            xmlNode *nn;

            for (nn = vbXMLChildElement(cur, "nodename"); nn; nn = vbXMLNextElement(nn)) {
                g_autofree char *type = vbXMLPropString(nn, "type");
                g_autofree char *name = vbXMLPropString(nn, "name");
                char **field = NULL;

                if (!vbXMLNodeNameEqual(nn, "nodename"))
                    continue;
                if (g_strcmp0(type, "storage") == 0)
                    field = &src->nodeStorage;
                else if (g_strcmp0(type, "format") == 0)
                    field = &src->nodeFormat;
                if (!field) {
                    vbXMLReportInvalidProp(nn, "type", type);
                    return -1;
                }
                if (!name) {
                    vbXMLReportInvalidProp(nn, "name", name);
                    return -1;
                }
                if (vbDomainCheckIdentifier(nn, "name", name, VB_DOMAIN_NODE_NAME_MAX) < 0)
                    return -1;
                g_free(*field);
                *field = g_steal_pointer(&name);
            }
        } else if (vbXMLNodeNameEqual(cur, "relPath")) {
            g_autofree char *rel = vbXMLNodeContent(cur);

            if (vbXMLCheckIllegalChars("relPath", rel, NULL) < 0)
                return -1;
            g_free(src->relPath);
            src->relPath = g_steal_pointer(&rel);
        } else if (vbXMLNodeNameEqual(cur, "detected")) {
            src->detected = true;
        }
        /* Anything else is private data of a newer virtblockd: ignored, so
         * that a downgrade does not lose the domain. */
    }
    return 0;
}

/* Reads <source file|dev='...' [index]> into @src of @type.  @indexAllowed:
 * the index sits on <source> (top image, mirror), not on <backingStore>.
 * @policy: where the disk's startupPolicy goes; NULL where it has none. */
static int
vbStorageSourceParseSource(const xmlNode *node, vbStorageSource *src, bool indexAllowed,
                           vbDomainStartupPolicy *policy, unsigned int flags)
{
    const char *attr = src->type == VB_STORAGE_TYPE_BLOCK ? "dev" : "file";
    g_autofree char *path = NULL;
    xmlNode *child;

    int rc;

    if (vbDomainCheckAttrs(node, policy         ? VB_ATTRS(attr, "index", "startupPolicy")
                                 : indexAllowed ? VB_ATTRS(attr, "index")
                                                : VB_ATTRS(attr)) < 0)
        return -1;
    if (policy && vbXMLPropEnum(node, "startupPolicy", vbDomainStartupPolicyTypeFromString,
                                VB_XML_PROP_NONZERO, policy) < 0)
        return -1;

    /* an empty cdrom has no path, a backing image always has one */
    if ((rc = vbXMLPropStringFull(
             node, attr, indexAllowed ? VB_XML_PROP_NONE : VB_XML_PROP_REQUIRED, &path)) < 0)
        return -1;
    /* file='' is how VDSM writes an empty cdrom; libvirt reads it as no path */
    if (rc > 0 && indexAllowed && !*path)
        rc = 0;
    if (rc > 0) {
        if (vbDomainCheckPath(node, attr, path) < 0)
            return -1;
        src->path = g_steal_pointer(&path);
    }

    if (indexAllowed && !(flags & VB_DOMAIN_DEF_PARSE_INACTIVE) &&
        vbXMLPropUInt(node, "index", 10, VB_XML_PROP_NONE, &src->id) < 0)
        return -1;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("privateData")) < 0)
        return -1;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (!vbXMLNodeNameEqual(child, "privateData")) {
            vbDomainReportUnsupportedElement(child);
            return -1;
        }
        if ((flags & VB_DOMAIN_DEF_PARSE_STATUS) && vbStorageSourceParsePrivate(child, src) < 0)
            return -1;
    }
    return 0;
}

/* type='file|block': absent means 'file' where it may be left out */
static int
vbStorageSourceParseType(const xmlNode *node, vbXMLPropFlags flags, vbStorageType *type)
{
    *type = VB_STORAGE_TYPE_FILE;
    if (vbXMLPropEnumFull(node, "type", vbStorageTypeTypeFromString, flags | VB_XML_PROP_NONZERO,
                          vbDomainReportUnsupportedValue, type) < 0)
        return -1;
    return 0;
}

static int
vbStorageSourceParseFormat(const xmlNode *node, const char *attr, vbStorageFormat *format)
{
    if (vbXMLPropEnumFull(node, attr, vbStorageFormatTypeFromString, VB_XML_PROP_NONZERO,
                          vbDomainReportUnsupportedValue, format) < 0)
        return -1;
    return 0;
}

/* One <backingStore type= index=> element with a source; not the chain. */
static vbStorageSource *
vbStorageSourceParseBacking(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbStorageSource) src = vbStorageSourceNew();
    xmlNode *child;
    xmlNode *fmt = NULL;
    xmlNode *source = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("type", "index")) < 0 ||
        vbStorageSourceParseType(node, VB_XML_PROP_REQUIRED, &src->type) < 0)
        return NULL;
    if (!(flags & VB_DOMAIN_DEF_PARSE_INACTIVE) &&
        vbXMLPropUInt(node, "index", 10, VB_XML_PROP_NONE, &src->id) < 0)
        return NULL;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("format", "source", "backingStore")) < 0)
        return NULL;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "format"))
            fmt = child;
        else if (vbXMLNodeNameEqual(child, "source"))
            source = child;
        else if (!vbXMLNodeNameEqual(child, "backingStore")) {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }
    /* libvirt's wording for both */
    if (!fmt) {
        vbReportError(VIR_ERR_XML_ERROR, _("missing disk backing store format"));
        return NULL;
    }
    if (!source) {
        vbReportError(VIR_ERR_XML_ERROR, _("missing disk backing store source"));
        return NULL;
    }
    if (vbDomainCheckAttrs(fmt, VB_ATTRS("type")) < 0 ||
        vbStorageSourceParseFormat(fmt, "type", &src->format) < 0 ||
        vbStorageSourceParseSource(source, src, false, NULL, flags) < 0)
        return NULL;
    /* a backing image is never written by the guest */
    src->readonly = true;
    return g_steal_pointer(&src);
}

/* The chain below @top, from the <backingStore> child of @parent; walked
 * iteratively so that nesting depth costs no stack. */
static int
vbStorageSourceParseChain(const xmlNode *parent, vbStorageSource *top, const char *dst,
                          unsigned int flags)
{
    vbStorageSource *tail = top;
    xmlNode *node = vbXMLChildElement(parent, "backingStore");
    size_t depth = 0;

    while (node) {
        if (++depth > VB_DOMAIN_BACKING_CHAIN_MAX) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("backing chain of disk '%s' is deeper than the limit of %d images"),
                          dst, VB_DOMAIN_BACKING_CHAIN_MAX);
            return -1;
        }
        /* <backingStore/>: the image has no backing file */
        if (!node->properties && !vbXMLChildElement(node, NULL)) {
            tail->backingStore = vbStorageSourceNewTerminator();
            return 0;
        }
        if (!(tail->backingStore = vbStorageSourceParseBacking(node, flags)))
            return -1;
        tail = tail->backingStore;
        node = vbXMLChildElement(node, "backingStore");
    }
    return 0;
}

static int
vbDomainDiskMirrorParse(const xmlNode *node, vbDomainDiskDef *disk, unsigned int flags)
{
    g_autoptr(vbStorageSource) mirror = vbStorageSourceNew();
    g_autofree char *legacyFile = NULL;
    vbDomainDiskMirrorJob job = VB_DOMAIN_DISK_MIRROR_JOB_COPY; /* libvirt's default for old XML */
    vbDomainDiskMirrorState ready = VB_DOMAIN_DISK_MIRROR_STATE_NONE;
    xmlNode *child;
    xmlNode *source = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("type", "job", "ready", "file", "format")) < 0 ||
        vbStorageSourceParseType(node, VB_XML_PROP_NONE, &mirror->type) < 0 ||
        vbXMLPropEnumFull(node, "job", vbDomainDiskMirrorJobTypeFromString, VB_XML_PROP_NONZERO,
                          vbDomainReportUnsupportedValue, &job) < 0 ||
        vbXMLPropEnumFull(node, "ready", vbDomainDiskMirrorStateTypeFromString, VB_XML_PROP_NONZERO,
                          vbDomainReportUnsupportedValue, &ready) < 0 ||
        vbStorageSourceParseFormat(node, "format", &mirror->format) < 0)
        return -1;

    if (vbDomainCheckUniqueChildren(node, VB_ATTRS("format", "source", "backingStore")) < 0)
        return -1;
    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "format")) {
            if (vbDomainCheckAttrs(child, VB_ATTRS("type")) < 0 ||
                vbStorageSourceParseFormat(child, "type", &mirror->format) < 0)
                return -1;
        } else if (vbXMLNodeNameEqual(child, "source")) {
            source = child;
        } else if (!vbXMLNodeNameEqual(child, "backingStore")) {
            /* the mirror's own chain is the job's business, not formatted */
            vbDomainReportUnsupportedElement(child);
            return -1;
        }
    }

    if (source) {
        if (vbStorageSourceParseSource(source, mirror, true, NULL, flags) < 0)
            return -1;
    } else if ((legacyFile = vbXMLPropString(node, "file"))) {
        if (vbDomainCheckPath(node, "file", legacyFile) < 0)
            return -1;
        mirror->path = g_steal_pointer(&legacyFile);
    }
    if (!mirror->path) {
        vbReportError(VIR_ERR_XML_ERROR, _("mirror of disk '%s' requires a source"), disk->dst);
        return -1;
    }

    disk->mirror = g_steal_pointer(&mirror);
    disk->mirrorJob = job;
    disk->mirrorState = ready;
    return 0;
}

static int
vbDomainDiskDriverParse(const xmlNode *node, vbDomainDiskDef *disk)
{
    g_autofree char *name = vbXMLPropString(node, "name");

    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    if (vbDomainCheckAttrs(node, VB_ATTRS("name", "type", "cache", "discard", "io", "detect_zeroes",
                                          "copy_on_read", "error_policy", "rerror_policy",
                                          "iothread")) < 0)
        return -1;
    if (name && strcmp(name, "qemu") != 0) {
        vbDomainReportUnsupportedValue(node, "name", name);
        return -1;
    }
    if (vbStorageSourceParseFormat(node, "type", &disk->src->format) < 0 ||
        /* every value libvirt knows is ours: another one is bad XML */
        vbXMLPropEnum(node, "cache", vbDomainDiskCacheTypeFromString, VB_XML_PROP_NONE,
                      &disk->cache) < 0 ||
        vbXMLPropEnum(node, "discard", vbDomainDiskDiscardTypeFromString, VB_XML_PROP_NONE,
                      &disk->discard) < 0 ||
        vbXMLPropEnum(node, "io", vbDomainDiskIoTypeFromString, VB_XML_PROP_NONE, &disk->io) < 0 ||
        vbXMLPropEnum(node, "detect_zeroes", vbDomainDiskDetectZeroesTypeFromString,
                      VB_XML_PROP_NONZERO, &disk->detectZeroes) < 0 ||
        vbXMLPropEnum(node, "copy_on_read", vbDomainDiskCopyOnReadTypeFromString,
                      VB_XML_PROP_NONZERO, &disk->copyOnRead) < 0 ||
        vbXMLPropEnum(node, "error_policy", vbDomainDiskErrorPolicyTypeFromString,
                      VB_XML_PROP_NONZERO, &disk->errorPolicy) < 0 ||
        vbXMLPropEnum(node, "rerror_policy", vbDomainDiskErrorPolicyTypeFromString,
                      VB_XML_PROP_NONZERO, &disk->rerrorPolicy) < 0 ||
        vbXMLPropUInt(node, "iothread", 10, VB_XML_PROP_NONZERO, &disk->iothread) < 0)
        return -1;
    /* QEMU's rerror knows no 'enospc' (libvirt's code and wording) */
    if (disk->rerrorPolicy == VB_DOMAIN_DISK_ERROR_POLICY_ENOSPACE) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("Invalid disk read error policy: '%s'"),
                      vbDomainDiskErrorPolicyTypeToString(disk->rerrorPolicy));
        return -1;
    }
    return 0;
}

/* libvirt takes each limit as an unsigned decimal; we refuse what it
 * ignores (unknown or repeated elements, attributes) as everywhere. */
static int
vbDomainDiskIoTuneParse(const xmlNode *node, vbDomainIoTune *iotune)
{
    bool seen[VB_DOMAIN_IOTUNE_LAST] = {false};
    xmlNode *cur;

    if (vbDomainCheckAttrs(node, NULL) < 0 ||
        vbDomainCheckUniqueChildren(node, VB_ATTRS("group_name")) < 0)
        return -1;
    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        g_autofree char *text = NULL;
        int field;
        guint64 value;

        if (vbDomainCheckAttrs(cur, NULL) < 0)
            return -1;
        if (vbXMLChildElement(cur, NULL)) {
            vbDomainReportUnsupportedElement(vbXMLChildElement(cur, NULL));
            return -1;
        }
        text = vbXMLNodeContent(cur);
        if (vbXMLNodeNameEqual(cur, "group_name")) {
            /* as libvirt: an empty name is no name */
            g_free(iotune->groupName);
            iotune->groupName = *text ? g_steal_pointer(&text) : NULL;
            continue;
        }
        if ((field = vbDomainIoTuneFieldTypeFromString((const char *) cur->name)) < 0) {
            vbDomainReportUnsupportedElement(cur);
            return -1;
        }
        if (seen[field]) {
            vbReportError(VIR_ERR_XML_ERROR, _("disk iotune field '%s' is given twice"),
                          (const char *) cur->name);
            return -1;
        }
        seen[field] = true;
        if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &value, NULL)) {
            /* libvirt's wording */
            vbReportError(VIR_ERR_XML_ERROR, _("disk iotune field '%s' must be an integer"),
                          (const char *) cur->name);
            return -1;
        }
        iotune->limits[field] = value;
    }
    return 0;
}

static int
vbDomainDiskTargetParse(const xmlNode *node, vbDomainDiskDef *disk)
{
    g_autofree char *dev = NULL;
    const char *c;

    g_autofree char *tray = NULL;

    if (vbDomainCheckAttrs(node, VB_ATTRS("dev", "bus", "tray", "removable")) < 0 ||
        vbXMLPropStringFull(node, "dev", VB_XML_PROP_REQUIRED, &dev) < 0)
        return -1;
    /* a target is a name like 'vda', used in 'vda[2]' and in aliases */
    if (!*dev || strlen(dev) > 16)
        goto invalid;
    for (c = dev; *c; c++) {
        if (!g_ascii_islower(*c) && !g_ascii_isdigit(*c))
            goto invalid;
    }
    if (vbXMLPropEnumFull(node, "bus", vbDomainDiskBusTypeFromString, VB_XML_PROP_NONZERO,
                          vbDomainReportUnsupportedValue, &disk->bus) < 0)
        return -1;
    /* libvirt's 'closed' and 'open'; it reads the attribute in any form */
    tray = vbXMLPropString(node, "tray");
    if (tray && strcmp(tray, "open") != 0 && strcmp(tray, "closed") != 0) {
        vbXMLReportInvalidProp(node, "tray", tray);
        return -1;
    }
    disk->trayOpen = g_strcmp0(tray, "open") == 0;
    if (vbXMLPropEnum(node, "removable", vbTristateSwitchTypeFromString, VB_XML_PROP_NONZERO,
                      &disk->removable) < 0)
        return -1;
    disk->dst = g_steal_pointer(&dev);
    return 0;

invalid:
    vbXMLReportInvalidProp(node, "dev", dev);
    return -1;
}

/* libvirt knows 'manual' (the user snapshots the disk outside libvirt),
 * which we do not: an unsupported value; anything else is invalid XML */
static void
vbDomainDiskReportSnapshotValue(const xmlNode *node, const char *name, const char *value)
{
    if (g_strcmp0(value, "manual") == 0)
        vbDomainReportUnsupportedValue(node, name, value);
    else
        vbXMLReportInvalidProp(node, name, value);
}

vbDomainDiskDef *
vbDomainDiskDefParse(const xmlNode *node, unsigned int flags)
{
    g_autoptr(vbDomainDiskDef) disk = vbDomainDiskDefNew();
    xmlNode *child;
    xmlNode *target = vbXMLChildElement(node, "target");
    xmlNode *source = NULL;

    disk->src = vbStorageSourceNew();
    if (vbDomainCheckAttrs(node, VB_ATTRS("type", "device", "snapshot")) < 0 ||
        vbStorageSourceParseType(node, VB_XML_PROP_NONE, &disk->src->type) < 0 ||
        vbXMLPropEnumFull(node, "device", vbDomainDiskDeviceTypeFromString, VB_XML_PROP_NONE,
                          vbDomainReportUnsupportedValue, &disk->device) < 0 ||
        vbXMLPropEnumFull(node, "snapshot", vbDomainDiskSnapshotTypeFromString, VB_XML_PROP_NONZERO,
                          vbDomainDiskReportSnapshotValue, &disk->snapshot) < 0)
        return NULL;

    /* the target names the disk in every later message */
    if (!target) {
        vbReportError(VIR_ERR_NO_TARGET, _("missing target information for disk"));
        return NULL;
    }
    if (vbDomainDiskTargetParse(target, disk) < 0)
        return NULL;

    if (vbDomainCheckUniqueChildren(
            node, VB_ATTRS("driver", "source", "backingStore", "mirror", "target", "readonly",
                           "shareable", "serial", "wwn", "iotune", "boot", "alias", "address")) < 0)
        return NULL;

    for (child = vbXMLChildElement(node, NULL); child; child = vbXMLNextElement(child)) {
        if (vbXMLNodeNameEqual(child, "target") || vbXMLNodeNameEqual(child, "backingStore")) {
            continue;
        } else if (vbXMLNodeNameEqual(child, "driver")) {
            if (vbDomainDiskDriverParse(child, disk) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "source")) {
            source = child;
        } else if (vbXMLNodeNameEqual(child, "readonly")) {
            if (vbDomainCheckEmptyElement(child) < 0)
                return NULL;
            disk->src->readonly = true;
        } else if (vbXMLNodeNameEqual(child, "shareable")) {
            if (vbDomainCheckEmptyElement(child) < 0)
                return NULL;
            disk->src->shareable = true;
        } else if (vbXMLNodeNameEqual(child, "serial")) {
            g_autofree char *serial = vbXMLNodeContent(child);
            const char *c;

            for (c = serial; *c; c++) {
                if (!g_ascii_isalnum(*c) && !strchr("_ +-.", *c)) {
                    /* libvirt's wording */
                    vbReportError(VIR_ERR_XML_ERROR,
                                  _("disk serial (%s) contains invalid characters"), serial);
                    return NULL;
                }
            }
            g_free(disk->serial);
            disk->serial = g_steal_pointer(&serial);
        } else if (vbXMLNodeNameEqual(child, "wwn")) {
            if (vbDomainCheckAttrs(child, NULL) < 0)
                return NULL;
            g_free(disk->wwn);
            disk->wwn = vbXMLNodeContent(child);
        } else if (vbXMLNodeNameEqual(child, "iotune")) {
            if (vbDomainDiskIoTuneParse(child, &disk->iotune) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "boot")) {
            if (vbDomainDeviceBootParse(child, &disk->info) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "alias")) {
            if (vbDomainAliasParse(child, &disk->info.alias, flags) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "address")) {
            if (vbDomainDeviceAddressParse(child, &disk->info.addr) < 0)
                return NULL;
        } else if (vbXMLNodeNameEqual(child, "mirror")) {
            if (!(flags & VB_DOMAIN_DEF_PARSE_INACTIVE) &&
                vbDomainDiskMirrorParse(child, disk, flags) < 0)
                return NULL;
        } else {
            vbDomainReportUnsupportedElement(child);
            return NULL;
        }
    }

    if (source &&
        vbStorageSourceParseSource(source, disk->src, true, &disk->startupPolicy, flags) < 0)
        return NULL;
    if (!disk->src->path) {
        /* An empty drive; type NONE says so, whatever <disk type> was. */
        disk->src->type = VB_STORAGE_TYPE_NONE;
        if (vbXMLChildElement(node, "backingStore")) {
            vbReportError(VIR_ERR_XML_ERROR, _("disk '%s' has a backing chain but no source"),
                          disk->dst);
            return NULL;
        }
    } else if (vbStorageSourceParseChain(node, disk->src, disk->dst, flags) < 0) {
        return NULL;
    }
    return g_steal_pointer(&disk);
}

static void
vbStorageSourcePrivateFormat(vbBuffer *buf, const vbStorageSource *src)
{
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);
    g_auto(vbBuffer) nodenamesBuf = VB_BUFFER_INIT_CHILD(&childBuf);

    vbBufferEscapeString(&nodenamesBuf, "<nodename type='storage' name='%s'/>\n", src->nodeStorage);
    vbBufferEscapeString(&nodenamesBuf, "<nodename type='format' name='%s'/>\n", src->nodeFormat);
    vbXMLFormatElement(&childBuf, "nodenames", NULL, &nodenamesBuf);
    vbBufferEscapeText(&childBuf, "<relPath>%s</relPath>\n", src->relPath);
    /* ours: the image was found by probing, not given by the user */
    if (src->detected)
        vbBufferAddLit(&childBuf, "<detected/>\n");
    vbXMLFormatElement(buf, "privateData", NULL, &childBuf);
}

/* <source file|dev='...' [startupPolicy] [index]/>; @withIndex for the top
 * and mirror; @policy of the top image only */
static void
vbStorageSourceFormat(vbBuffer *buf, const vbStorageSource *src, bool withIndex,
                      vbDomainStartupPolicy policy, unsigned int flags)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    if (src->type == VB_STORAGE_TYPE_BLOCK)
        vbBufferEscapeString(&attrBuf, " dev='%s'", src->path);
    else
        vbBufferEscapeString(&attrBuf, " file='%s'", src->path);
    /* an empty cdrom keeps its <source startupPolicy='...'/>, as in libvirt */
    if (policy)
        vbBufferAsprintf(&attrBuf, " startupPolicy='%s'",
                         vbDomainStartupPolicyTypeToString(policy));
    if (!src->path && !policy)
        return;
    if (withIndex && !(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE) && src->id)
        vbBufferAsprintf(&attrBuf, " index='%u'", src->id);
    if (flags & VB_DOMAIN_DEF_FORMAT_STATUS)
        vbStorageSourcePrivateFormat(&childBuf, src);
    vbXMLFormatElement(buf, "source", &attrBuf, &childBuf);
}

static const char *
vbStorageSourceTypeName(const vbStorageSource *src)
{
    /* an empty drive is written as the file type libvirt gives it */
    return src->type == VB_STORAGE_TYPE_BLOCK ? "block" : "file";
}

/* The chain below @top as nested <backingStore> elements, written without
 * recursion.  Inactive: only the part the user gave, not what was probed. */
static void
vbStorageSourceChainFormat(vbBuffer *buf, const vbStorageSource *top, unsigned int flags)
{
    bool inactive = flags & VB_DOMAIN_DEF_FORMAT_INACTIVE;
    const vbStorageSource *cur;
    unsigned int open = 0;

    for (cur = top->backingStore; cur; cur = cur->backingStore) {
        if (inactive && cur->detected)
            break;
        if (cur->type == VB_STORAGE_TYPE_NONE) {
            vbBufferAddLit(buf, "<backingStore/>\n");
            break;
        }
        vbBufferAsprintf(buf, "<backingStore type='%s'", vbStorageSourceTypeName(cur));
        if (!inactive && cur->id)
            vbBufferAsprintf(buf, " index='%u'", cur->id);
        vbBufferAddLit(buf, ">\n");
        vbBufferAdjustIndent(buf, 2);
        vbBufferAsprintf(buf, "<format type='%s'/>\n", vbStorageFormatTypeToString(cur->format));
        vbStorageSourceFormat(buf, cur, false, VB_DOMAIN_STARTUP_POLICY_DEFAULT, flags);
        open++;
    }
    while (open-- > 0) {
        vbBufferAdjustIndent(buf, -2);
        vbBufferAddLit(buf, "</backingStore>\n");
    }
}

static void
vbDomainDiskMirrorFormat(vbBuffer *buf, const vbDomainDiskDef *disk, unsigned int flags)
{
    const vbStorageSource *mirror = disk->mirror;
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferAsprintf(&attrBuf, " type='%s'", vbStorageSourceTypeName(mirror));
    /* the old attributes, kept by libvirt for copy jobs only */
    if (mirror->type == VB_STORAGE_TYPE_FILE && disk->mirrorJob == VB_DOMAIN_DISK_MIRROR_JOB_COPY) {
        vbBufferEscapeString(&attrBuf, " file='%s'", mirror->path);
        if (mirror->format != VB_STORAGE_FORMAT_NONE)
            vbBufferAsprintf(&attrBuf, " format='%s'", vbStorageFormatTypeToString(mirror->format));
    }
    vbBufferAsprintf(&attrBuf, " job='%s'", vbDomainDiskMirrorJobTypeToString(disk->mirrorJob));
    if (disk->mirrorState != VB_DOMAIN_DISK_MIRROR_STATE_NONE)
        vbBufferAsprintf(&attrBuf, " ready='%s'",
                         vbDomainDiskMirrorStateTypeToString(disk->mirrorState));

    if (mirror->format != VB_STORAGE_FORMAT_NONE)
        vbBufferAsprintf(&childBuf, "<format type='%s'/>\n",
                         vbStorageFormatTypeToString(mirror->format));
    vbStorageSourceFormat(&childBuf, mirror, true, VB_DOMAIN_STARTUP_POLICY_DEFAULT, flags);
    vbXMLFormatElementEmpty(buf, "mirror", &attrBuf, &childBuf);
}

static void
vbDomainDiskDriverFormat(vbBuffer *buf, const vbDomainDiskDef *disk)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;

    if (disk->src->format != VB_STORAGE_FORMAT_NONE)
        vbBufferAsprintf(&attrBuf, " type='%s'", vbStorageFormatTypeToString(disk->src->format));
    if (disk->cache)
        vbBufferAsprintf(&attrBuf, " cache='%s'", vbDomainDiskCacheTypeToString(disk->cache));
    if (disk->errorPolicy)
        vbBufferAsprintf(&attrBuf, " error_policy='%s'",
                         vbDomainDiskErrorPolicyTypeToString(disk->errorPolicy));
    if (disk->rerrorPolicy)
        vbBufferAsprintf(&attrBuf, " rerror_policy='%s'",
                         vbDomainDiskErrorPolicyTypeToString(disk->rerrorPolicy));
    if (disk->io)
        vbBufferAsprintf(&attrBuf, " io='%s'", vbDomainDiskIoTypeToString(disk->io));
    if (disk->copyOnRead)
        vbBufferAsprintf(&attrBuf, " copy_on_read='%s'",
                         vbDomainDiskCopyOnReadTypeToString(disk->copyOnRead));
    if (disk->discard)
        vbBufferAsprintf(&attrBuf, " discard='%s'", vbDomainDiskDiscardTypeToString(disk->discard));
    if (disk->iothread)
        vbBufferAsprintf(&attrBuf, " iothread='%u'", disk->iothread);
    if (disk->detectZeroes)
        vbBufferAsprintf(&attrBuf, " detect_zeroes='%s'",
                         vbDomainDiskDetectZeroesTypeToString(disk->detectZeroes));
    if (vbBufferUse(&attrBuf) == 0)
        return;
    vbBufferAddLit(buf, "<driver name='qemu'");
    vbBufferAddBuffer(buf, &attrBuf);
    vbBufferAddLit(buf, "/>\n");
}

/* Limits of 0 are not written, as in libvirt. */
static void
vbDomainDiskIoTuneFormat(vbBuffer *buf, const vbDomainIoTune *iotune)
{
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);
    size_t i;

    for (i = 0; i < VB_DOMAIN_IOTUNE_LAST; i++) {
        const char *name = vbDomainIoTuneFieldTypeToString(i);

        if (i == VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC_MAX_LENGTH)
            vbBufferEscapeText(&childBuf, "<group_name>%s</group_name>\n", iotune->groupName);
        if (iotune->limits[i])
            vbBufferAsprintf(&childBuf, "<%s>%llu</%s>\n", name, iotune->limits[i], name);
    }
    vbXMLFormatElement(buf, "iotune", NULL, &childBuf);
}

void
vbDomainDiskDefFormat(vbBuffer *buf, const vbDomainDiskDef *disk, unsigned int flags)
{
    const vbStorageSource *src = disk->src;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferAsprintf(buf, "<disk type='%s' device='%s'", vbStorageSourceTypeName(src),
                     vbDomainDiskDeviceTypeToString(disk->device));
    /* 'no' is implied for a read-only disk, and libvirt leaves it out there */
    if (disk->snapshot != VB_DOMAIN_DISK_SNAPSHOT_DEFAULT &&
        !(disk->snapshot == VB_DOMAIN_DISK_SNAPSHOT_NO && src->readonly))
        vbBufferAsprintf(buf, " snapshot='%s'", vbDomainDiskSnapshotTypeToString(disk->snapshot));
    vbBufferAddLit(buf, ">\n");

    vbDomainDiskDriverFormat(&childBuf, disk);
    vbStorageSourceFormat(&childBuf, src, true, disk->startupPolicy, flags);
    vbStorageSourceChainFormat(&childBuf, src, flags);
    if (disk->mirror && disk->mirrorJob != VB_DOMAIN_DISK_MIRROR_JOB_NONE &&
        !(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE))
        vbDomainDiskMirrorFormat(&childBuf, disk, flags);

    vbBufferEscapeString(&childBuf, "<target dev='%s'", disk->dst);
    if (disk->bus != VB_DOMAIN_DISK_BUS_NONE)
        vbBufferAsprintf(&childBuf, " bus='%s'", vbDomainDiskBusTypeToString(disk->bus));
    if (disk->trayOpen && disk->device == VB_DOMAIN_DISK_DEVICE_CDROM &&
        !(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE))
        vbBufferAddLit(&childBuf, " tray='open'");
    if (disk->bus == VB_DOMAIN_DISK_BUS_USB && disk->removable != VB_TRISTATE_SWITCH_ABSENT)
        vbBufferAsprintf(&childBuf, " removable='%s'",
                         vbTristateSwitchTypeToString(disk->removable));
    vbBufferAddLit(&childBuf, "/>\n");

    vbDomainDiskIoTuneFormat(&childBuf, &disk->iotune);
    /* a cdrom is read-only by nature; libvirt still writes the element */
    if (src->readonly)
        vbBufferAddLit(&childBuf, "<readonly/>\n");
    if (src->shareable)
        vbBufferAddLit(&childBuf, "<shareable/>\n");
    vbBufferEscapeText(&childBuf, "<serial>%s</serial>\n", disk->serial);
    vbBufferEscapeText(&childBuf, "<wwn>%s</wwn>\n", disk->wwn);
    vbDomainDeviceInfoFormat(&childBuf, &disk->info, flags);

    vbBufferAddBuffer(buf, &childBuf);
    vbBufferAddLit(buf, "</disk>\n");
}

int
vbDomainDiskDefPostParse(vbDomainDiskDef *disk)
{
    static const struct {
        const char *prefix;
        const char *bus; /* libvirt's bus for that prefix */
        vbDomainDiskBus ours;
    } prefixes[] = {
        {"vd", "virtio", VB_DOMAIN_DISK_BUS_VIRTIO}, {"sd", "scsi", VB_DOMAIN_DISK_BUS_SCSI},
        {"hd", "ide", VB_DOMAIN_DISK_BUS_NONE},      {"xvd", "xen", VB_DOMAIN_DISK_BUS_NONE},
        {"ubd", "uml", VB_DOMAIN_DISK_BUS_NONE},     {"fd", "fdc", VB_DOMAIN_DISK_BUS_NONE},
    };
    size_t i;

    if (disk->bus == VB_DOMAIN_DISK_BUS_NONE) {
        for (i = 0; i < G_N_ELEMENTS(prefixes); i++) {
            if (g_str_has_prefix(disk->dst, prefixes[i].prefix))
                break;
        }
        if (i == G_N_ELEMENTS(prefixes)) {
            vbReportError(VIR_ERR_XML_ERROR,
                          _("cannot derive the bus of disk target '%s'; give <target bus=...>"),
                          disk->dst);
            return -1;
        }
        if (prefixes[i].ours == VB_DOMAIN_DISK_BUS_NONE) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("disk bus '%s' (implied by target '%s') is not supported by virtblockd"),
                prefixes[i].bus, disk->dst);
            return -1;
        }
        disk->bus = prefixes[i].ours;
    }

    /* a cdrom is never written, whatever the XML says (libvirt does so too) */
    if (disk->device == VB_DOMAIN_DISK_DEVICE_CDROM)
        disk->src->readonly = true;
    /* a read-only image has nothing to snapshot (libvirt's default) */
    if (disk->snapshot == VB_DOMAIN_DISK_SNAPSHOT_DEFAULT && disk->src->readonly)
        disk->snapshot = VB_DOMAIN_DISK_SNAPSHOT_NO;

    /* libvirt's QEMU driver assumes raw rather than probe: probing a guest-
     * written image for a format is how a guest reads host files */
    if (!vbStorageSourceIsEmpty(disk->src) && disk->src->format == VB_STORAGE_FORMAT_NONE)
        disk->src->format = VB_STORAGE_FORMAT_RAW;
    if (disk->mirror && disk->mirror->format == VB_STORAGE_FORMAT_NONE)
        disk->mirror->format = VB_STORAGE_FORMAT_RAW;
    return 0;
}

/* libvirt's checks of <iotune> alone, with its wording: a total limit
 * excludes the read and write ones of its kind. */
static int
vbDomainDiskIoTuneValidate(const vbDomainIoTune *iotune)
{
    static const struct {
        vbDomainIoTuneField total;
        const char *message;
    } kinds[] = {
        {VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC,
         N_("total and read/write bytes_sec cannot be set at the same time")},
        {VB_DOMAIN_IOTUNE_TOTAL_IOPS_SEC,
         N_("total and read/write iops_sec cannot be set at the same time")},
        {VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC_MAX,
         N_("total and read/write bytes_sec_max cannot be set at the same time")},
        {VB_DOMAIN_IOTUNE_TOTAL_IOPS_SEC_MAX,
         N_("total and read/write iops_sec_max cannot be set at the same time")},
    };
    size_t i;

    /* in each kind the read and write limits follow the total one */
    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        const unsigned long long *l = &iotune->limits[kinds[i].total];

        if (l[0] && (l[1] || l[2])) {
            vbReportError(VIR_ERR_XML_ERROR, "%s", _(kinds[i].message));
            return -1;
        }
    }
    return 0;
}

/* A WWN is 16 hexadecimal digits, after an optional '0x' (libvirt's check,
 * code and wording). */
static int
vbDomainDiskWWNValidate(const vbDomainDiskDef *disk)
{
    const char *p = disk->wwn;
    size_t i;

    if (!p)
        return 0;
    if (g_str_has_prefix(p, "0x"))
        p += 2;
    for (i = 0; p[i] && g_ascii_isxdigit(p[i]); i++)
        ;
    if (i != 16 || p[i]) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("Malformed wwn: %s"), disk->wwn);
        return -1;
    }
    return 0;
}

/* libvirt refuses 'requisite' on a disk (its code and wording); 'optional'
 * would drop the whole disk at start, which we do not do: only a cdrom's
 * medium is dropped */
static int
vbDomainDiskStartupPolicyValidate(const vbDomainDiskDef *disk)
{
    if (disk->device == VB_DOMAIN_DISK_DEVICE_CDROM)
        return 0;
    if (disk->startupPolicy == VB_DOMAIN_STARTUP_POLICY_REQUISITE) {
        vbReportError(VIR_ERR_XML_ERROR,
                      _("disk startupPolicy 'requisite' is allowed only for cdrom or floppy"));
        return -1;
    }
    if (disk->startupPolicy == VB_DOMAIN_STARTUP_POLICY_OPTIONAL) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("startupPolicy 'optional' of disk '%s' is not supported; only a cdrom may have it"),
            disk->dst);
        return -1;
    }
    return 0;
}

int
vbDomainDiskDefValidate(const vbDomainDef *def, const vbDomainDiskDef *disk)
{
    g_autoptr(GHashTable) chain = g_hash_table_new(g_str_hash, g_str_equal);
    const vbStorageSource *src;

    if (disk->device == VB_DOMAIN_DISK_DEVICE_CDROM) {
        if (disk->bus != VB_DOMAIN_DISK_BUS_SATA && disk->bus != VB_DOMAIN_DISK_BUS_SCSI) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("cdrom '%s' on bus '%s' is not supported; use bus 'sata' or 'scsi'"),
                          disk->dst, vbDomainDiskBusTypeToString(disk->bus));
            return -1;
        }
        if (vbStorageSourceHasBacking(disk->src)) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("cdrom '%s' cannot have a backing chain"),
                          disk->dst);
            return -1;
        }
    } else if (vbStorageSourceIsEmpty(disk->src)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("disk '%s' has no source; only a cdrom may be empty"), disk->dst);
        return -1;
    }

    /* libvirt's check, code and wording */
    if (disk->removable != VB_TRISTATE_SWITCH_ABSENT && disk->bus != VB_DOMAIN_DISK_BUS_USB) {
        vbReportError(VIR_ERR_XML_ERROR, "%s", _("removable is only valid for usb disks"));
        return -1;
    }
    /* libvirt's check, code and wording: a usb disk sits on a USB port */
    if (disk->bus == VB_DOMAIN_DISK_BUS_USB &&
        disk->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_NONE &&
        disk->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_USB) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("unexpected address type for usb disk"));
        return -1;
    }

    if (vbDomainDiskIoTuneValidate(&disk->iotune) < 0 || vbDomainDiskWWNValidate(disk) < 0 ||
        vbDomainDiskStartupPolicyValidate(disk) < 0)
        return -1;

    if (disk->bus == VB_DOMAIN_DISK_BUS_VIRTIO &&
        disk->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_DRIVE) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("virtio disk '%s' needs a 'pci' address, not 'drive'"), disk->dst);
        return -1;
    }
    if (disk->bus == VB_DOMAIN_DISK_BUS_SATA &&
        (disk->info.addr.drive.bus != 0 || disk->info.addr.drive.target != 0 ||
         disk->info.addr.drive.unit >= 6)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("SATA disk '%s' must have bus 0, target 0 and a unit below 6"), disk->dst);
        return -1;
    }

    /* an image twice in one chain would be opened read-only below itself */
    for (src = disk->src; src; src = src->backingStore) {
        if (!src->path)
            continue;
        if (!g_hash_table_add(chain, src->path)) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("backing chain of disk '%s' contains image '%s' twice"), disk->dst,
                          src->path);
            return -1;
        }
    }
    return 0;
}
