/*
 * vbdomainformat.c: writing a domain definition as libvirt's XML
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Three forms, as libvirt writes them:
 *   inactive  the persistent definition: no index, alias, <mirror>, pty
 *             path, and of a backing chain only what the user gave
 *   live      (flags 0) with the runtime data clients read: index= on
 *             <source> and each <backingStore>, the probed chain down to the
 *             empty <backingStore/>, <mirror>, aliases
 *   status    live plus what a restarted daemon needs to resume: per image
 *             node names and relPath in <privateData>
 * Elements and attributes come in libvirt's order, indented by two spaces,
 * so that clients comparing text (and people reading diffs) see no change.
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbuuid.h"
#include "vbdomainconf.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

static void
vbBufIndent(GString *buf, unsigned int indent)
{
    g_string_append_printf(buf, "%*s", (int) indent, "");
}

/* What libvirt's virBufferEscapeString escapes, and the white space a
 * parser would normalize away: '\r' always, '\t' and '\n' in attribute
 * values.  Without that a value would change on every round trip. */
static void
vbBufEscapeFull(GString *buf, const char *str, bool attr)
{
    for (; *str; str++) {
        switch (*str) {
        case '\r':
            g_string_append(buf, "&#13;");
            break;
        case '\t':
        case '\n':
            if (attr)
                g_string_append_printf(buf, "&#%d;", *str);
            else
                g_string_append_c(buf, *str);
            break;
        case '&':
            g_string_append(buf, "&amp;");
            break;
        case '<':
            g_string_append(buf, "&lt;");
            break;
        case '>':
            g_string_append(buf, "&gt;");
            break;
        case '\'':
            g_string_append(buf, "&apos;");
            break;
        case '"':
            g_string_append(buf, "&quot;");
            break;
        default:
            g_string_append_c(buf, *str);
            break;
        }
    }
}

static void
vbBufEscape(GString *buf, const char *str)
{
    vbBufEscapeFull(buf, str, false);
}

/* " name='value'", nothing when @value is NULL */
static void
vbBufAttr(GString *buf, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(buf, " %s='", name);
    vbBufEscapeFull(buf, value, true);
    g_string_append_c(buf, '\'');
}

/* "<name>text</name>\n" at @indent */
static void
vbBufElementText(GString *buf, unsigned int indent, const char *name, const char *text)
{
    vbBufIndent(buf, indent);
    g_string_append_printf(buf, "<%s>", name);
    vbBufEscape(buf, text);
    g_string_append_printf(buf, "</%s>\n", name);
}

static void
vbDomainDeviceAddressFormat(GString *buf, unsigned int indent, const vbDomainDeviceAddress *addr)
{
    switch (addr->type) {
    case VB_DOMAIN_DEVICE_ADDRESS_PCI:
        vbBufIndent(buf, indent);
        g_string_append_printf(buf,
                               "<address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                               "function='0x%x'/>\n",
                               addr->pci.domain, addr->pci.bus, addr->pci.slot, addr->pci.function);
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_DRIVE:
        vbBufIndent(buf, indent);
        g_string_append_printf(buf,
                               "<address type='drive' controller='%u' bus='%u' target='%u' "
                               "unit='%u'/>\n",
                               addr->drive.controller, addr->drive.bus, addr->drive.target,
                               addr->drive.unit);
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_NONE:
    case VB_DOMAIN_DEVICE_ADDRESS_LAST:
        break;
    }
}

static void
vbDomainAliasFormat(GString *buf, unsigned int indent, const char *alias, unsigned int flags)
{
    if (!alias || ((flags & VB_DOMAIN_DEF_FORMAT_INACTIVE) && !vbDomainAliasIsUser(alias)))
        return;
    vbBufIndent(buf, indent);
    g_string_append(buf, "<alias");
    vbBufAttr(buf, "name", alias);
    g_string_append(buf, "/>\n");
}

static bool
vbStorageSourceHasPrivate(const vbStorageSource *src)
{
    return src->nodeStorage || src->nodeFormat || src->relPath || src->detected;
}

static void
vbStorageSourcePrivateFormat(GString *buf, unsigned int indent, const vbStorageSource *src)
{
    vbBufIndent(buf, indent);
    g_string_append(buf, "<privateData>\n");
    if (src->nodeStorage || src->nodeFormat) {
        vbBufIndent(buf, indent + 2);
        g_string_append(buf, "<nodenames>\n");
        if (src->nodeStorage) {
            vbBufIndent(buf, indent + 4);
            g_string_append(buf, "<nodename type='storage'");
            vbBufAttr(buf, "name", src->nodeStorage);
            g_string_append(buf, "/>\n");
        }
        if (src->nodeFormat) {
            vbBufIndent(buf, indent + 4);
            g_string_append(buf, "<nodename type='format'");
            vbBufAttr(buf, "name", src->nodeFormat);
            g_string_append(buf, "/>\n");
        }
        vbBufIndent(buf, indent + 2);
        g_string_append(buf, "</nodenames>\n");
    }
    if (src->relPath)
        vbBufElementText(buf, indent + 2, "relPath", src->relPath);
    /* ours: the image was found by probing, not given by the user */
    if (src->detected) {
        vbBufIndent(buf, indent + 2);
        g_string_append(buf, "<detected/>\n");
    }
    vbBufIndent(buf, indent);
    g_string_append(buf, "</privateData>\n");
}

/* <source file|dev='...' [index]/>; @withIndex for the top and mirror */
static void
vbStorageSourceFormat(GString *buf, unsigned int indent, const vbStorageSource *src, bool withIndex,
                      unsigned int flags)
{
    bool inactive = flags & VB_DOMAIN_DEF_FORMAT_INACTIVE;
    bool priv = (flags & VB_DOMAIN_DEF_FORMAT_STATUS) && vbStorageSourceHasPrivate(src);

    if (!src->path)
        return;
    vbBufIndent(buf, indent);
    g_string_append(buf, "<source");
    vbBufAttr(buf, src->type == VB_STORAGE_TYPE_BLOCK ? "dev" : "file", src->path);
    if (withIndex && !inactive && src->id)
        g_string_append_printf(buf, " index='%u'", src->id);
    if (!priv) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    vbStorageSourcePrivateFormat(buf, indent + 2, src);
    vbBufIndent(buf, indent);
    g_string_append(buf, "</source>\n");
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
vbStorageSourceChainFormat(GString *buf, unsigned int indent, const vbStorageSource *top,
                           unsigned int flags)
{
    bool inactive = flags & VB_DOMAIN_DEF_FORMAT_INACTIVE;
    const vbStorageSource *cur;
    unsigned int open = 0;

    for (cur = top->backingStore; cur; cur = cur->backingStore) {
        unsigned int ind = indent + 2 * open;

        if (inactive && cur->detected)
            break;
        vbBufIndent(buf, ind);
        if (cur->type == VB_STORAGE_TYPE_NONE) {
            g_string_append(buf, "<backingStore/>\n");
            break;
        }
        g_string_append_printf(buf, "<backingStore type='%s'", vbStorageSourceTypeName(cur));
        if (!inactive && cur->id)
            g_string_append_printf(buf, " index='%u'", cur->id);
        g_string_append(buf, ">\n");
        vbBufIndent(buf, ind + 2);
        g_string_append_printf(buf, "<format type='%s'/>\n",
                               vbStorageFormatTypeToString(cur->format));
        vbStorageSourceFormat(buf, ind + 2, cur, false, flags);
        open++;
    }
    while (open-- > 0) {
        vbBufIndent(buf, indent + 2 * open);
        g_string_append(buf, "</backingStore>\n");
    }
}

static void
vbDomainDiskMirrorFormat(GString *buf, unsigned int indent, const vbDomainDiskDef *disk,
                         unsigned int flags)
{
    const vbStorageSource *mirror = disk->mirror;

    vbBufIndent(buf, indent);
    g_string_append_printf(buf, "<mirror type='%s'", vbStorageSourceTypeName(mirror));
    /* the old attributes, kept by libvirt for copy jobs only */
    if (mirror->type == VB_STORAGE_TYPE_FILE && disk->mirrorJob == VB_DOMAIN_DISK_MIRROR_JOB_COPY) {
        vbBufAttr(buf, "file", mirror->path);
        if (mirror->format != VB_STORAGE_FORMAT_NONE)
            vbBufAttr(buf, "format", vbStorageFormatTypeToString(mirror->format));
    }
    vbBufAttr(buf, "job", vbDomainDiskMirrorJobTypeToString(disk->mirrorJob));
    if (disk->mirrorState != VB_DOMAIN_DISK_MIRROR_STATE_NONE)
        vbBufAttr(buf, "ready", vbDomainDiskMirrorStateTypeToString(disk->mirrorState));
    g_string_append(buf, ">\n");
    if (mirror->format != VB_STORAGE_FORMAT_NONE) {
        vbBufIndent(buf, indent + 2);
        g_string_append_printf(buf, "<format type='%s'/>\n",
                               vbStorageFormatTypeToString(mirror->format));
    }
    vbStorageSourceFormat(buf, indent + 2, mirror, true, flags);
    vbBufIndent(buf, indent);
    g_string_append(buf, "</mirror>\n");
}

static void
vbDomainDiskDefFormat(GString *buf, unsigned int indent, const vbDomainDiskDef *disk,
                      unsigned int flags)
{
    const vbStorageSource *src = disk->src;
    unsigned int ind = indent + 2;

    vbBufIndent(buf, indent);
    g_string_append_printf(buf, "<disk type='%s' device='%s'>\n", vbStorageSourceTypeName(src),
                           vbDomainDiskDeviceTypeToString(disk->device));

    if (src->format != VB_STORAGE_FORMAT_NONE || disk->cache || disk->io || disk->discard) {
        vbBufIndent(buf, ind);
        g_string_append(buf, "<driver name='qemu'");
        if (src->format != VB_STORAGE_FORMAT_NONE)
            vbBufAttr(buf, "type", vbStorageFormatTypeToString(src->format));
        if (disk->cache)
            vbBufAttr(buf, "cache", vbDomainDiskCacheTypeToString(disk->cache));
        if (disk->io)
            vbBufAttr(buf, "io", vbDomainDiskIoTypeToString(disk->io));
        if (disk->discard)
            vbBufAttr(buf, "discard", vbDomainDiskDiscardTypeToString(disk->discard));
        g_string_append(buf, "/>\n");
    }

    vbStorageSourceFormat(buf, ind, src, true, flags);
    vbStorageSourceChainFormat(buf, ind, src, flags);
    if (disk->mirror && disk->mirrorJob != VB_DOMAIN_DISK_MIRROR_JOB_NONE &&
        !(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE))
        vbDomainDiskMirrorFormat(buf, ind, disk, flags);

    vbBufIndent(buf, ind);
    g_string_append(buf, "<target");
    vbBufAttr(buf, "dev", disk->dst);
    if (disk->bus != VB_DOMAIN_DISK_BUS_NONE)
        vbBufAttr(buf, "bus", vbDomainDiskBusTypeToString(disk->bus));
    g_string_append(buf, "/>\n");

    /* a cdrom is read-only by nature; libvirt still writes the element */
    if (src->readonly) {
        vbBufIndent(buf, ind);
        g_string_append(buf, "<readonly/>\n");
    }
    if (src->shareable) {
        vbBufIndent(buf, ind);
        g_string_append(buf, "<shareable/>\n");
    }
    if (disk->serial)
        vbBufElementText(buf, ind, "serial", disk->serial);
    if (disk->info.bootIndex) {
        vbBufIndent(buf, ind);
        g_string_append_printf(buf, "<boot order='%u'/>\n", disk->info.bootIndex);
    }
    vbDomainAliasFormat(buf, ind, disk->info.alias, flags);
    vbDomainDeviceAddressFormat(buf, ind, &disk->info.addr);

    vbBufIndent(buf, indent);
    g_string_append(buf, "</disk>\n");
}

static void
vbDomainControllerDefFormat(GString *buf, unsigned int indent, const vbDomainControllerDef *cont,
                            unsigned int flags)
{
    bool alias = cont->info.alias && (!(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE) ||
                                      vbDomainAliasIsUser(cont->info.alias));

    vbBufIndent(buf, indent);
    g_string_append_printf(buf, "<controller type='%s' index='%u'",
                           vbDomainControllerTypeTypeToString(cont->type), cont->index);
    if (cont->model != VB_DOMAIN_CONTROLLER_MODEL_DEFAULT)
        vbBufAttr(buf, "model", vbDomainControllerModelTypeToString(cont->model));
    if (!alias && cont->info.addr.type == VB_DOMAIN_DEVICE_ADDRESS_NONE) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    vbDomainAliasFormat(buf, indent + 2, cont->info.alias, flags);
    vbDomainDeviceAddressFormat(buf, indent + 2, &cont->info.addr);
    vbBufIndent(buf, indent);
    g_string_append(buf, "</controller>\n");
}

static void
vbDomainChrDefFormat(GString *buf, unsigned int indent, const vbDomainChrDef *chr,
                     unsigned int flags)
{
    const char *elem = chr->console ? "console" : "serial";
    const char *pty = (flags & VB_DOMAIN_DEF_FORMAT_INACTIVE) ? NULL : chr->ptyPath;

    vbBufIndent(buf, indent);
    g_string_append_printf(buf, "<%s type='pty'", elem);
    if (chr->console)
        vbBufAttr(buf, "tty", pty);
    g_string_append(buf, ">\n");
    if (pty) {
        vbBufIndent(buf, indent + 2);
        g_string_append(buf, "<source");
        vbBufAttr(buf, "path", pty);
        g_string_append(buf, "/>\n");
    }
    vbBufIndent(buf, indent + 2);
    if (chr->console) {
        g_string_append_printf(buf, "<target type='serial' port='%u'/>\n", chr->port);
    } else {
        g_string_append_printf(buf, "<target type='isa-serial' port='%u'>\n", chr->port);
        vbBufIndent(buf, indent + 4);
        g_string_append(buf, "<model name='isa-serial'/>\n");
        vbBufIndent(buf, indent + 2);
        g_string_append(buf, "</target>\n");
    }
    vbDomainAliasFormat(buf, indent + 2, chr->info.alias, flags);
    vbBufIndent(buf, indent);
    g_string_append_printf(buf, "</%s>\n", elem);
}

static void
vbDomainDevicesFormat(GString *buf, unsigned int indent, const vbDomainDef *def, unsigned int flags)
{
    size_t i;

    vbBufIndent(buf, indent);
    g_string_append(buf, "<devices>\n");
    if (def->emulator)
        vbBufElementText(buf, indent + 2, "emulator", def->emulator);
    for (i = 0; i < def->ndisks; i++)
        vbDomainDiskDefFormat(buf, indent + 2, def->disks[i], flags);
    for (i = 0; i < def->ncontrollers; i++)
        vbDomainControllerDefFormat(buf, indent + 2, def->controllers[i], flags);
    /* libvirt writes every <serial> before every <console> */
    for (i = 0; i < def->nchrs; i++) {
        if (!def->chrs[i]->console)
            vbDomainChrDefFormat(buf, indent + 2, def->chrs[i], flags);
    }
    for (i = 0; i < def->nchrs; i++) {
        if (def->chrs[i]->console)
            vbDomainChrDefFormat(buf, indent + 2, def->chrs[i], flags);
    }
    if (def->memballoon) {
        vbBufIndent(buf, indent + 2);
        g_string_append_printf(buf, "<memballoon model='%s'/>\n",
                               vbDomainMemballoonModelTypeToString(def->memballoon->model));
    }
    vbBufIndent(buf, indent);
    g_string_append(buf, "</devices>\n");
}

int
vbDomainDefFormatBuf(GString *buf, const vbDomainDef *def, unsigned int flags, unsigned int indent)
{
    char uuid[VB_UUID_STRING_BUFLEN];
    unsigned int ind = indent + 2;
    size_t i;

    vbCheckFlags(flags, VB_DOMAIN_DEF_FORMAT_INACTIVE | VB_DOMAIN_DEF_FORMAT_STATUS, -1);
    if ((flags & VB_DOMAIN_DEF_FORMAT_INACTIVE) && (flags & VB_DOMAIN_DEF_FORMAT_STATUS)) {
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("the inactive and the status form of a domain exclude each other"));
        return -1;
    }
    if (!def->name || !def->osType) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("domain definition lacks a name or an os type"));
        return -1;
    }
    for (i = 0; i < def->ndisks; i++) {
        const vbStorageSource *src;

        if (!def->disks[i]->src || !def->disks[i]->dst) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("disk %zu of domain '%s' lacks a source or target"), i, def->name);
            return -1;
        }
        /* libvirt's XML requires it, and so does our parser: a chain is
         * never extended by guessing an image's format */
        for (src = def->disks[i]->src->backingStore; src; src = src->backingStore) {
            if (src->type != VB_STORAGE_TYPE_NONE && src->format == VB_STORAGE_FORMAT_NONE) {
                vbReportError(VIR_ERR_INTERNAL_ERROR,
                              _("backing image '%s' of disk '%s' has no format"),
                              src->path ? src->path : "<null>", def->disks[i]->dst);
                return -1;
            }
        }
    }

    vbBufIndent(buf, indent);
    g_string_append_printf(buf, "<domain type='%s'", vbDomainVirtTypeTypeToString(def->virtType));
    if (def->id >= 0 && !(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE))
        g_string_append_printf(buf, " id='%d'", def->id);
    g_string_append(buf, ">\n");

    vbBufElementText(buf, ind, "name", def->name);
    vbUUIDFormat(def->uuid, uuid);
    vbBufElementText(buf, ind, "uuid", uuid);
    if (def->title)
        vbBufElementText(buf, ind, "title", def->title);
    if (def->description)
        vbBufElementText(buf, ind, "description", def->description);
    /* as the user wrote it, so that its text survives any number of
     * round trips unchanged */
    if (def->metadata) {
        vbBufIndent(buf, ind);
        g_string_append(buf, def->metadata);
        g_string_append_c(buf, '\n');
    }

    vbBufIndent(buf, ind);
    g_string_append_printf(buf, "<memory unit='KiB'>%llu</memory>\n", def->maxMemory);
    vbBufIndent(buf, ind);
    g_string_append_printf(buf, "<currentMemory unit='KiB'>%llu</currentMemory>\n",
                           def->currentMemory);
    vbBufIndent(buf, ind);
    g_string_append_printf(buf, "<vcpu placement='static'>%u</vcpu>\n", def->vcpus);

    vbBufIndent(buf, ind);
    g_string_append(buf, "<os>\n");
    vbBufIndent(buf, ind + 2);
    g_string_append(buf, "<type");
    vbBufAttr(buf, "arch", def->arch);
    vbBufAttr(buf, "machine", def->machine);
    g_string_append_c(buf, '>');
    vbBufEscape(buf, def->osType);
    g_string_append(buf, "</type>\n");
    for (i = 0; def->bootDevs && def->bootDevs[i]; i++) {
        vbBufIndent(buf, ind + 2);
        g_string_append(buf, "<boot");
        vbBufAttr(buf, "dev", def->bootDevs[i]);
        g_string_append(buf, "/>\n");
    }
    vbBufIndent(buf, ind);
    g_string_append(buf, "</os>\n");

    if (def->acpi || def->apic) {
        vbBufIndent(buf, ind);
        g_string_append(buf, "<features>\n");
        if (def->acpi) {
            vbBufIndent(buf, ind + 2);
            g_string_append(buf, "<acpi/>\n");
        }
        if (def->apic) {
            vbBufIndent(buf, ind + 2);
            g_string_append(buf, "<apic/>\n");
        }
        vbBufIndent(buf, ind);
        g_string_append(buf, "</features>\n");
    }
    if (def->clockUtc) {
        vbBufIndent(buf, ind);
        g_string_append(buf, "<clock offset='utc'/>\n");
    }

    if (def->onPoweroff)
        vbBufElementText(buf, ind, "on_poweroff",
                         vbDomainLifecycleActionTypeToString(def->onPoweroff));
    if (def->onReboot)
        vbBufElementText(buf, ind, "on_reboot", vbDomainLifecycleActionTypeToString(def->onReboot));
    if (def->onCrash)
        vbBufElementText(buf, ind, "on_crash", vbDomainLifecycleActionTypeToString(def->onCrash));

    vbDomainDevicesFormat(buf, ind, def, flags);

    vbBufIndent(buf, indent);
    g_string_append(buf, "</domain>\n");
    return 0;
}

char *
vbDomainDefFormat(const vbDomainDef *def, unsigned int flags)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    if (vbDomainDefFormatBuf(buf, def, flags, 0) < 0)
        return NULL;
    return g_string_free(g_steal_pointer(&buf), FALSE);
}
