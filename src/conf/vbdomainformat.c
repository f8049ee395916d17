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

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

/* ---- writer helpers, until the domain writer moves to vbBuffer ---------- */

void
vbBufIndent(GString *buf, unsigned int indent)
{
    g_string_append_printf(buf, "%*s", (int) indent, "");
}

/* What libvirt's virBufferEscapeString escapes, and the white space a
 * parser would normalize away: '\r' always, '\t' and '\n' in attribute
 * values.  Without that a value would change on every round trip. */
void
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

void
vbBufEscape(GString *buf, const char *str)
{
    vbBufEscapeFull(buf, str, false);
}

/* " name='value'", nothing when @value is NULL */
void
vbBufAttr(GString *buf, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(buf, " %s='", name);
    vbBufEscapeFull(buf, value, true);
    g_string_append_c(buf, '\'');
}

/* "<name>text</name>\n" at @indent */
void
vbBufElementText(GString *buf, unsigned int indent, const char *name, const char *text)
{
    vbBufIndent(buf, indent);
    g_string_append_printf(buf, "<%s>", name);
    vbBufEscape(buf, text);
    g_string_append_printf(buf, "</%s>\n", name);
}

static void
vbDomainDevicesFormat(GString *buf, unsigned int indent, const vbDomainDef *def, unsigned int flags)
{
    vbBufIndent(buf, indent);
    g_string_append(buf, "<devices>\n");
    if (def->emulator)
        vbBufElementText(buf, indent + 2, "emulator", def->emulator);
    vbDomainDefDevicesFormat(buf, indent + 2, def, flags);
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
