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
 * This file writes the domain's own elements; each device family writes
 * its element in its own file, called through the device table.  All of it
 * goes through vbBuffer, which indents and escapes.
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbuuid.h"
#include "vbbuf.h"
#include "vbxml.h"
#include "vbdomainconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

static void
vbDomainDevicesFormat(vbBuffer *buf, const vbDomainDef *def, unsigned int flags)
{
    vbBufferAddLit(buf, "<devices>\n");
    vbBufferAdjustIndent(buf, 2);
    vbBufferEscapeText(buf, "<emulator>%s</emulator>\n", def->emulator);
    vbDomainDefDevicesFormat(buf, def, flags);
    vbBufferAdjustIndent(buf, -2);
    vbBufferAddLit(buf, "</devices>\n");
}

static void
vbDomainOSFormat(vbBuffer *buf, const vbDomainDef *def)
{
    vbBufferAddLit(buf, "<os");
    vbDomainOSDefFormatFirmwareAttr(buf, &def->os);
    vbBufferAddLit(buf, ">\n");
    vbBufferAdjustIndent(buf, 2);
    vbBufferAddLit(buf, "<type");
    vbBufferEscapeString(buf, " arch='%s'", def->arch);
    vbBufferEscapeString(buf, " machine='%s'", def->machine);
    vbBufferEscapeText(buf, ">%s</type>\n", def->osType);
    vbDomainOSDefFormatFirmware(buf, &def->os);
    vbDomainOSDefFormatLoader(buf, &def->os);
    vbBufferEscapeText(buf, "<kernel>%s</kernel>\n", def->kernel);
    vbBufferEscapeText(buf, "<initrd>%s</initrd>\n", def->initrd);
    vbBufferEscapeText(buf, "<cmdline>%s</cmdline>\n", def->cmdline);
    vbDomainOSDefFormatBoot(buf, &def->os);
    vbBufferAdjustIndent(buf, -2);
    vbBufferAddLit(buf, "</os>\n");
}

static void
vbDomainHypervFormat(vbBuffer *buf, const vbDomainDef *def)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);
    size_t i;

    if (def->hypervMode == VB_DOMAIN_HYPERV_MODE_NONE)
        return;
    vbBufferAsprintf(&attrBuf, " mode='%s'", vbDomainHypervModeTypeToString(def->hypervMode));
    for (i = 0; i < VB_DOMAIN_HYPERV_LAST; i++) {
        if (def->hyperv[i] == VB_TRISTATE_SWITCH_ABSENT)
            continue;
        vbBufferAsprintf(&childBuf, "<%s state='%s'", vbDomainHypervTypeToString(i),
                         vbTristateSwitchTypeToString(def->hyperv[i]));
        if (i == VB_DOMAIN_HYPERV_SPINLOCKS && def->hyperv[i] == VB_TRISTATE_SWITCH_ON)
            vbBufferAsprintf(&childBuf, " retries='%u'", def->hypervSpinlocks);
        vbBufferAddLit(&childBuf, "/>\n");
    }
    vbXMLFormatElementEmpty(buf, "hyperv", &attrBuf, &childBuf);
}

/* libvirt's order: its feature enum */
static void
vbDomainFeaturesFormat(vbBuffer *buf, const vbDomainDef *def)
{
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    if (def->acpi)
        vbBufferAddLit(&childBuf, "<acpi/>\n");
    if (def->apic)
        vbBufferAddLit(&childBuf, "<apic/>\n");
    if (def->pae)
        vbBufferAddLit(&childBuf, "<pae/>\n");
    vbDomainHypervFormat(&childBuf, def);
    if (def->kvmFeatures) {
        g_auto(vbBuffer) kvmBuf = VB_BUFFER_INIT_CHILD(&childBuf);

        if (def->kvmHidden != VB_TRISTATE_SWITCH_ABSENT)
            vbBufferAsprintf(&kvmBuf, "<hidden state='%s'/>\n",
                             vbTristateSwitchTypeToString(def->kvmHidden));
        vbXMLFormatElementEmpty(&childBuf, "kvm", NULL, &kvmBuf);
    }
    if (def->vmport != VB_TRISTATE_SWITCH_ABSENT)
        vbBufferAsprintf(&childBuf, "<vmport state='%s'/>\n",
                         vbTristateSwitchTypeToString(def->vmport));
    if (def->smm != VB_TRISTATE_SWITCH_ABSENT)
        vbBufferAsprintf(&childBuf, "<smm state='%s'/>\n", vbTristateSwitchTypeToString(def->smm));
    if (def->ioapic != VB_DOMAIN_IOAPIC_NONE)
        vbBufferAsprintf(&childBuf, "<ioapic driver='%s'/>\n",
                         vbDomainIOAPICTypeToString(def->ioapic));
    if (def->vmcoreinfo != VB_TRISTATE_SWITCH_ABSENT)
        vbBufferAsprintf(&childBuf, "<vmcoreinfo state='%s'/>\n",
                         vbTristateSwitchTypeToString(def->vmcoreinfo));
    vbXMLFormatElement(buf, "features", NULL, &childBuf);
}

static void
vbDomainPMFormat(vbBuffer *buf, const vbDomainDef *def)
{
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    if (def->pmS3 != VB_TRISTATE_BOOL_ABSENT)
        vbBufferAsprintf(&childBuf, "<suspend-to-mem enabled='%s'/>\n",
                         vbTristateBoolTypeToString(def->pmS3));
    if (def->pmS4 != VB_TRISTATE_BOOL_ABSENT)
        vbBufferAsprintf(&childBuf, "<suspend-to-disk enabled='%s'/>\n",
                         vbTristateBoolTypeToString(def->pmS4));
    vbXMLFormatElement(buf, "pm", NULL, &childBuf);
}

static void
vbDomainLifecycleFormat(vbBuffer *buf, const char *element, vbDomainLifecycleAction action)
{
    if (action == VB_DOMAIN_LIFECYCLE_ACTION_DEFAULT)
        return;
    vbBufferAsprintf(buf, "<%s>%s</%s>\n", element, vbDomainLifecycleActionTypeToString(action),
                     element);
}

int
vbDomainDefFormatBuf(vbBuffer *buf, const vbDomainDef *def, unsigned int flags)
{
    return vbDomainDefFormatBufRoot(buf, def, "domain", flags);
}

int
vbDomainDefFormatBufRoot(vbBuffer *buf, const vbDomainDef *def, const char *rootName,
                         unsigned int flags)
{
    char uuid[VB_UUID_STRING_BUFLEN];
    size_t i;

    vbCheckFlags(flags,
                 VB_DOMAIN_DEF_FORMAT_INACTIVE | VB_DOMAIN_DEF_FORMAT_STATUS |
                     VB_DOMAIN_DEF_FORMAT_SECURE,
                 -1);
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

    vbBufferAsprintf(buf, "<%s type='%s'", rootName, vbDomainVirtTypeTypeToString(def->virtType));
    if (def->id >= 0 && !(flags & VB_DOMAIN_DEF_FORMAT_INACTIVE))
        vbBufferAsprintf(buf, " id='%d'", def->id);
    vbBufferAddLit(buf, ">\n");
    vbBufferAdjustIndent(buf, 2);

    vbBufferEscapeText(buf, "<name>%s</name>\n", def->name);
    vbUUIDFormat(def->uuid, uuid);
    vbBufferAsprintf(buf, "<uuid>%s</uuid>\n", uuid);
    vbBufferEscapeText(buf, "<title>%s</title>\n", def->title);
    vbBufferEscapeText(buf, "<description>%s</description>\n", def->description);
    /* as libvirt writes it: the user's elements, indented anew */
    if (def->metadata && vbXMLFormatIndented(buf, def->metadata) < 0)
        return -1;

    vbBufferAsprintf(buf, "<memory unit='KiB'>%llu</memory>\n", def->maxMemory);
    vbBufferAsprintf(buf, "<currentMemory unit='KiB'>%llu</currentMemory>\n", def->currentMemory);
    vbBufferAddLit(buf, "<vcpu placement='static'");
    if (def->vcpusCurrent && def->vcpusCurrent != def->vcpus)
        vbBufferAsprintf(buf, " current='%u'", def->vcpusCurrent);
    vbBufferAsprintf(buf, ">%u</vcpu>\n", def->vcpus);
    if (def->iothreads)
        vbBufferAsprintf(buf, "<iothreads>%u</iothreads>\n", def->iothreads);

    if (def->sysinfo)
        vbSysinfoFormatBuf(buf, def->sysinfo);
    vbDomainOSFormat(buf, def);
    vbDomainFeaturesFormat(buf, def);
    vbCPUDefFormat(buf, def->cpu);
    vbDomainClockDefFormat(buf, def->clock);

    vbDomainLifecycleFormat(buf, "on_poweroff", def->onPoweroff);
    vbDomainLifecycleFormat(buf, "on_reboot", def->onReboot);
    vbDomainLifecycleFormat(buf, "on_crash", def->onCrash);
    vbDomainPMFormat(buf, def);

    vbDomainDevicesFormat(buf, def, flags);

    vbBufferAdjustIndent(buf, -2);
    vbBufferAsprintf(buf, "</%s>\n", rootName);
    return 0;
}

char *
vbDomainDefFormat(const vbDomainDef *def, unsigned int flags)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;

    if (vbDomainDefFormatBuf(&buf, def, flags) < 0)
        return NULL;
    return vbBufferContentAndReset(&buf);
}
