/*
 * vbdomainconf.c: parsing the subset of libvirt's domain XML we run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parser checks shape and types only.  Everything we cannot run is
 * refused here with VIR_ERR_CONFIG_UNSUPPORTED naming the element or value,
 * because silently dropping a part of a user's definition (an <interface>,
 * an <encryption>) would run a different machine than the one defined.
 * Attributes are checked the same way on the elements we understand.
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbuuid.h"
#include "vbxml.h"
#include "vbdomainconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

/* Far more than a guest can use (32 PCI slots on the root bus, virtio-scsi
 * aside), and a bound on the pairwise checks of post-parse and validate. */
#define VB_DOMAIN_DEVICES_MAX 1024

VB_ENUM_IMPL(vbDomainVirtType, VB_DOMAIN_VIRT_LAST, "qemu", "kvm");

VB_ENUM_IMPL(vbDomainIOAPIC, VB_DOMAIN_IOAPIC_LAST, "none", "qemu", "kvm");
VB_ENUM_IMPL(vbDomainHypervMode, VB_DOMAIN_HYPERV_MODE_LAST, "none", "custom", "passthrough");
VB_ENUM_IMPL(vbDomainHyperv, VB_DOMAIN_HYPERV_LAST, "relaxed", "vapic", "spinlocks", "vpindex",
             "runtime", "synic", "stimer", "reset", "frequencies", "reenlightenment", "tlbflush",
             "ipi", "evmcs");

/* QEMU 7.2's largest machine (q35) takes 288 vCPUs; a bound for the
 * parser, validation checks the machine's own limit. */
#define VB_DOMAIN_VCPUS_MAX 4096

VB_ENUM_IMPL(vbDomainLifecycleAction, VB_DOMAIN_LIFECYCLE_ACTION_LAST, "default", "destroy",
             "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart");

vbDomainDef *
vbDomainDefNew(void)
{
    vbDomainDef *def = g_new0(vbDomainDef, 1);

    def->id = -1;
    return def;
}

void
vbDomainDefFree(vbDomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->metadata);
    g_free(def->osType);
    g_free(def->arch);
    g_free(def->machine);
    g_free(def->kernel);
    g_free(def->initrd);
    g_free(def->cmdline);
    vbDomainOSDefClear(&def->os);
    vbSysinfoFree(def->sysinfo);
    g_free(def->emulator);
    vbCPUDefFree(def->cpu);
    vbDomainClockDefFree(def->clock);
    vbDomainDefFreeDevices(def);
    g_free(def);
}

/* ---- shared refusals ---------------------------------------------------- */

void
vbDomainReportUnsupportedElement(const xmlNode *node)
{
    const xmlNode *parent = node->parent;
    const char *parentName = "";

    if (parent && parent->type == XML_ELEMENT_NODE)
        parentName = (const char *) parent->name;
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  _("element '<%s>' in <%s> is not supported by virtblockd"),
                  (const char *) node->name, parentName);
}

void
vbDomainReportUnsupportedValue(const xmlNode *node, const char *attr, const char *value)
{
    g_autofree char *escaped = g_strescape(value ? value : "", NULL);

    vbReportError(
        VIR_ERR_CONFIG_UNSUPPORTED,
        _("value '%s' of attribute '%s' in element '<%s>' is not supported by virtblockd"), escaped,
        attr, (const char *) node->name);
}

/* Refuses any attribute of @node not in the NULL-terminated @allowed. */
int
vbDomainCheckAttrs(const xmlNode *node, const char *const *allowed)
{
    const xmlAttr *attr;

    for (attr = node->properties; attr; attr = attr->next) {
        if (attr->ns) /* another vocabulary's attribute, not a setting of ours */
            continue;
        if (allowed && g_strv_contains(allowed, (const char *) attr->name))
            continue;
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("attribute '%s' of element '<%s>' is not supported by virtblockd"),
                      (const char *) attr->name, (const char *) node->name);
        return -1;
    }
    return 0;
}

int
vbDomainCheckUniqueChildren(const xmlNode *node, const char *const *names)
{
    guint32 seen = 0;
    xmlNode *cur;
    size_t i;

    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        for (i = 0; names[i] && i < 32; i++) {
            if (strcmp((const char *) cur->name, names[i]) != 0)
                continue;
            if (seen & (1U << i)) {
                vbReportError(VIR_ERR_XML_ERROR, _("element '<%s>' appears more than once in <%s>"),
                              names[i], (const char *) node->name);
                return -1;
            }
            seen |= 1U << i;
        }
    }
    return 0;
}

/* An element with no attributes and no children (<readonly/>, <acpi/>). */
int
vbDomainCheckEmptyElement(const xmlNode *node)
{
    xmlNode *child;

    if (vbDomainCheckAttrs(node, NULL) < 0)
        return -1;
    if ((child = vbXMLChildElement(node, NULL))) {
        vbDomainReportUnsupportedElement(child);
        return -1;
    }
    return 0;
}

int
vbDomainCheckPath(const xmlNode *node, const char *attr, const char *path)
{
    const unsigned char *c;

    for (c = (const unsigned char *) path; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            vbXMLReportInvalidProp(node, attr, path);
            return -1;
        }
    }
    if (!g_path_is_absolute(path)) {
        vbReportError(VIR_ERR_XML_ERROR,
                      _("path '%s' in attribute '%s' of element '<%s>' must be absolute"), path,
                      attr, (const char *) node->name);
        return -1;
    }
    return 0;
}

/* Aliases become QEMU ids and node names are put in QMP commands: both
 * are limited to what QEMU accepts for an id. */
int
vbDomainCheckIdentifier(const xmlNode *node, const char *attr, const char *value, size_t maxlen)
{
    const char *c;

    if (!*value || strlen(value) > maxlen || !g_ascii_isalpha(*value))
        goto invalid;
    for (c = value; *c; c++) {
        if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_' && *c != '.')
            goto invalid;
    }
    return 0;

invalid:
    vbXMLReportInvalidProp(node, attr, value);
    return -1;
}

/* ---- devices ------------------------------------------------------------ */

static int
vbDomainDevicesParse(vbDomainDef *def, const xmlNode *devices, unsigned int flags)
{
    xmlNode *cur;

    if (vbDomainCheckAttrs(devices, NULL) < 0 ||
        vbDomainCheckUniqueChildren(devices, VB_ATTRS("emulator", "watchdog", "memballoon")) < 0)
        return -1;
    if (vbXMLCountChildren(devices, NULL) > VB_DOMAIN_DEVICES_MAX) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("domain has more than the limit of %d devices"),
                      VB_DOMAIN_DEVICES_MAX);
        return -1;
    }

    for (cur = vbXMLChildElement(devices, NULL); cur; cur = vbXMLNextElement(cur)) {
        if (vbXMLNodeNameEqual(cur, "emulator")) {
            g_autofree char *emulator = vbXMLNodeContent(cur);

            if (vbDomainCheckAttrs(cur, NULL) < 0 ||
                vbXMLCheckIllegalChars("emulator", emulator, NULL) < 0)
                return -1;
            g_free(def->emulator);
            def->emulator = g_steal_pointer(&emulator);
        } else {
            g_auto(vbDomainDeviceDef) dev = {0};

            if (vbDomainDeviceDefParseNode(cur, flags, &dev) < 0 ||
                vbDomainDefAddDevice(def, &dev) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- top level ---------------------------------------------------------- */

/* <memory unit='...'>N</memory>, stored in KiB, rounded up as libvirt. */
static int
vbDomainMemoryParse(const xmlNode *node, unsigned long long *kib)
{
    g_autofree char *unit = vbXMLPropString(node, "unit");
    g_autofree char *text = vbXMLNodeContent(node);
    unsigned long long scale = 1024;
    guint64 value;

    if (vbDomainCheckAttrs(node, VB_ATTRS("unit")) < 0)
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
    /* bytes, then KiB rounded up; anything past what QEMU can address
     * (2^63 bytes) is refused rather than wrapped */
    if (value > (unsigned long long) G_MAXINT64 / scale) {
        vbReportError(VIR_ERR_OVERFLOW, _("value '%s' of element '<%s>' is too large"), text,
                      (const char *) node->name);
        return -1;
    }
    value *= scale;
    *kib = value / 1024 + (value % 1024 ? 1 : 0);
    return 0;
}

static int
vbDomainLifecycleParse(const xmlNode *node, vbDomainLifecycleAction *action)
{
    g_autofree char *text = vbXMLNodeContent(node);
    int a;

    g_strstrip(text);
    if ((a = vbDomainLifecycleActionTypeFromString(text)) <= 0) {
        g_autofree char *escaped = g_strescape(text, NULL);

        vbReportError(VIR_ERR_XML_ERROR, _("invalid value '%s' for element '<%s>'"), escaped,
                      (const char *) node->name);
        return -1;
    }
    *action = a;
    return 0;
}

/* The text of <kernel>, <initrd> or <cmdline>: no control characters
 * (QEMU's argv and the status file carry it), a path absolute. */
static int
vbDomainOSTextParse(const xmlNode *node, bool isPath, char **result)
{
    g_autofree char *text = NULL;
    const unsigned char *c;

    if (vbDomainCheckAttrs(node, NULL) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    text = vbXMLNodeContent(node);
    /* empty is absent, as libvirt reads it */
    if (!*text)
        return 0;
    for (c = (const unsigned char *) text; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            g_autofree char *escaped = g_strescape(text, NULL);

            vbReportError(VIR_ERR_XML_ERROR, _("invalid value '%s' for element '<%s>'"), escaped,
                          (const char *) node->name);
            return -1;
        }
    }
    if (isPath && !g_path_is_absolute(text)) {
        vbReportError(VIR_ERR_XML_ERROR, _("path '%s' of element '<%s>' must be absolute"), text,
                      (const char *) node->name);
        return -1;
    }
    g_free(*result);
    *result = g_steal_pointer(&text);
    return 0;
}

static int
vbDomainOSParse(vbDomainDef *def, const xmlNode *os)
{
    xmlNode *cur;

    if (vbDomainCheckAttrs(os, VB_ATTRS("firmware")) < 0 ||
        vbDomainOSDefParseFirmwareAttr(&def->os, os) < 0)
        return -1;
    if (vbDomainCheckUniqueChildren(os, VB_ATTRS("type", "kernel", "initrd", "cmdline", "bootmenu",
                                                 "bios", "smbios", "loader", "nvram", "firmware")) <
        0)
        return -1;
    for (cur = vbXMLChildElement(os, NULL); cur; cur = vbXMLNextElement(cur)) {
        if (vbXMLNodeNameEqual(cur, "type")) {
            g_autofree char *type = vbXMLNodeContent(cur);
            g_autofree char *arch = vbXMLPropString(cur, "arch");
            g_autofree char *machine = vbXMLPropString(cur, "machine");

            if (vbDomainCheckAttrs(cur, VB_ATTRS("arch", "machine")) < 0)
                return -1;
            g_strstrip(type);
            if ((arch && vbXMLCheckIllegalChars("arch", arch, NULL) < 0) ||
                (machine && vbXMLCheckIllegalChars("machine", machine, NULL) < 0) ||
                vbXMLCheckIllegalChars("os type", type, NULL) < 0)
                return -1;
            g_free(def->osType);
            def->osType = g_steal_pointer(&type);
            g_free(def->arch);
            def->arch = g_steal_pointer(&arch);
            g_free(def->machine);
            def->machine = g_steal_pointer(&machine);
        } else if (vbXMLNodeNameEqual(cur, "kernel")) {
            if (vbDomainOSTextParse(cur, true, &def->kernel) < 0)
                return -1;
        } else if (vbXMLNodeNameEqual(cur, "initrd")) {
            if (vbDomainOSTextParse(cur, true, &def->initrd) < 0)
                return -1;
        } else if (vbXMLNodeNameEqual(cur, "cmdline")) {
            if (vbDomainOSTextParse(cur, false, &def->cmdline) < 0)
                return -1;
        } else {
            int rc = vbDomainOSDefParseElement(&def->os, cur);

            if (rc < 0)
                return -1;
            if (rc == 0) {
                vbDomainReportUnsupportedElement(cur);
                return -1;
            }
        }
    }
    if (!def->osType || !*def->osType) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("an os <type> must be specified"));
        return -1;
    }
    return 0;
}

/* <state='on'/'off'> of a feature element, required. */
static int
vbDomainFeatureStateParse(const xmlNode *node, vbTristateSwitch *state)
{
    return vbXMLPropEnum(node, "state", vbTristateSwitchTypeFromString,
                         VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO, state);
}

static int
vbDomainHypervParse(vbDomainDef *def, const xmlNode *node)
{
    unsigned int mode = VB_DOMAIN_HYPERV_MODE_CUSTOM;
    xmlNode *cur;

    if (vbDomainCheckAttrs(node, VB_ATTRS("mode")) < 0 ||
        vbXMLPropEnum(node, "mode", vbDomainHypervModeTypeFromString, VB_XML_PROP_NONZERO, &mode) <
            0)
        return -1;
    def->hypervMode = mode;
    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        int h = vbDomainHypervTypeFromString((const char *) cur->name);
        vbTristateSwitch state = VB_TRISTATE_SWITCH_ABSENT;

        if (h < 0) {
            vbDomainReportUnsupportedElement(cur);
            return -1;
        }
        if (vbDomainCheckAttrs(cur, h == VB_DOMAIN_HYPERV_SPINLOCKS ? VB_ATTRS("state", "retries")
                                                                    : VB_ATTRS("state")) < 0 ||
            vbDomainFeatureStateParse(cur, &state) < 0)
            return -1;
        if (vbXMLChildElement(cur, NULL)) {
            vbDomainReportUnsupportedElement(vbXMLChildElement(cur, NULL));
            return -1;
        }
        if (def->hyperv[h] != VB_TRISTATE_SWITCH_ABSENT) {
            vbReportError(VIR_ERR_XML_ERROR, _("element '<%s>' appears more than once in <%s>"),
                          (const char *) cur->name, "hyperv");
            return -1;
        }
        def->hyperv[h] = state;
        if (h == VB_DOMAIN_HYPERV_SPINLOCKS && state == VB_TRISTATE_SWITCH_ON) {
            int rc = vbXMLPropUInt(cur, "retries", 10, VB_XML_PROP_NONE, &def->hypervSpinlocks);

            if (rc < 0)
                return -1;
            if (rc == 0) {
                /* libvirt's wording */
                vbReportError(VIR_ERR_XML_ERROR, _("missing HyperV spinlock retry count"));
                return -1;
            }
            if (def->hypervSpinlocks < VB_DOMAIN_HYPERV_SPINLOCKS_MIN) {
                /* libvirt's wording */
                vbReportError(VIR_ERR_XML_ERROR,
                              _("HyperV spinlock retry count must be at least %d"),
                              VB_DOMAIN_HYPERV_SPINLOCKS_MIN);
                return -1;
            }
        }
    }
    return 0;
}

static int
vbDomainKVMFeaturesParse(vbDomainDef *def, const xmlNode *node)
{
    xmlNode *cur;

    if (vbDomainCheckAttrs(node, NULL) < 0 ||
        vbDomainCheckUniqueChildren(node, VB_ATTRS("hidden")) < 0)
        return -1;
    def->kvmFeatures = true;
    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        if (!vbXMLNodeNameEqual(cur, "hidden")) {
            vbDomainReportUnsupportedElement(cur);
            return -1;
        }
        if (vbDomainCheckAttrs(cur, VB_ATTRS("state")) < 0 ||
            vbDomainFeatureStateParse(cur, &def->kvmHidden) < 0)
            return -1;
    }
    return 0;
}

static int
vbDomainFeaturesParse(vbDomainDef *def, const xmlNode *features)
{
    xmlNode *cur;

    if (vbDomainCheckAttrs(features, NULL) < 0 ||
        vbDomainCheckUniqueChildren(features, VB_ATTRS("acpi", "apic", "pae", "vmport", "smm",
                                                       "ioapic", "hyperv", "kvm", "vmcoreinfo")) <
            0)
        return -1;
    for (cur = vbXMLChildElement(features, NULL); cur; cur = vbXMLNextElement(cur)) {
        if (vbXMLNodeNameEqual(cur, "acpi") || vbXMLNodeNameEqual(cur, "apic") ||
            vbXMLNodeNameEqual(cur, "pae")) {
            if (vbDomainCheckEmptyElement(cur) < 0)
                return -1;
            if (vbXMLNodeNameEqual(cur, "acpi"))
                def->acpi = true;
            else if (vbXMLNodeNameEqual(cur, "apic"))
                def->apic = true;
            else
                def->pae = true;
        } else if (vbXMLNodeNameEqual(cur, "vmport") || vbXMLNodeNameEqual(cur, "smm")) {
            /* <smm><tseg> sizes the SMRAM: not ours */
            if (vbDomainCheckAttrs(cur, VB_ATTRS("state")) < 0)
                return -1;
            if (vbXMLChildElement(cur, NULL)) {
                vbDomainReportUnsupportedElement(vbXMLChildElement(cur, NULL));
                return -1;
            }
            if (vbDomainFeatureStateParse(cur, vbXMLNodeNameEqual(cur, "smm") ? &def->smm
                                                                              : &def->vmport) < 0)
                return -1;
        } else if (vbXMLNodeNameEqual(cur, "vmcoreinfo")) {
            /* as libvirt: <vmcoreinfo/> alone means on */
            if (vbXMLChildElement(cur, NULL)) {
                vbDomainReportUnsupportedElement(vbXMLChildElement(cur, NULL));
                return -1;
            }
            if (vbDomainCheckAttrs(cur, VB_ATTRS("state")) < 0 ||
                vbXMLPropEnum(cur, "state", vbTristateSwitchTypeFromString, VB_XML_PROP_NONZERO,
                              &def->vmcoreinfo) < 0)
                return -1;
            if (def->vmcoreinfo == VB_TRISTATE_SWITCH_ABSENT)
                def->vmcoreinfo = VB_TRISTATE_SWITCH_ON;
        } else if (vbXMLNodeNameEqual(cur, "ioapic")) {
            if (vbDomainCheckAttrs(cur, VB_ATTRS("driver")) < 0 ||
                vbXMLPropEnum(cur, "driver", vbDomainIOAPICTypeFromString,
                              VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO, &def->ioapic) < 0)
                return -1;
        } else if (vbXMLNodeNameEqual(cur, "hyperv")) {
            if (vbDomainHypervParse(def, cur) < 0)
                return -1;
        } else if (vbXMLNodeNameEqual(cur, "kvm")) {
            if (vbDomainKVMFeaturesParse(def, cur) < 0)
                return -1;
        } else {
            vbDomainReportUnsupportedElement(cur);
            return -1;
        }
    }
    return 0;
}

static int
vbDomainPMParse(vbDomainDef *def, const xmlNode *pm)
{
    xmlNode *cur;

    if (vbDomainCheckAttrs(pm, NULL) < 0 ||
        vbDomainCheckUniqueChildren(pm, VB_ATTRS("suspend-to-mem", "suspend-to-disk")) < 0)
        return -1;
    for (cur = vbXMLChildElement(pm, NULL); cur; cur = vbXMLNextElement(cur)) {
        vbTristateBool *target;

        if (vbXMLNodeNameEqual(cur, "suspend-to-mem")) {
            target = &def->pmS3;
        } else if (vbXMLNodeNameEqual(cur, "suspend-to-disk")) {
            target = &def->pmS4;
        } else {
            vbDomainReportUnsupportedElement(cur);
            return -1;
        }
        if (vbDomainCheckAttrs(cur, VB_ATTRS("enabled")) < 0 ||
            vbXMLPropTristateBool(cur, "enabled", VB_XML_PROP_NONE, target) < 0)
            return -1;
        if (vbXMLChildElement(cur, NULL)) {
            vbDomainReportUnsupportedElement(vbXMLChildElement(cur, NULL));
            return -1;
        }
    }
    return 0;
}

/* <iothreads>N</iothreads>: libvirt's reading and wording; 0 is none */
static int
vbDomainIOThreadsParse(vbDomainDef *def, const xmlNode *node)
{
    g_autofree char *text = vbXMLNodeContent(node);
    guint64 n;

    if (vbDomainCheckAttrs(node, NULL) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    g_strstrip(text);
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &n, NULL)) {
        g_autofree char *escaped = g_strescape(text, NULL);

        vbReportError(VIR_ERR_XML_ERROR, _("invalid iothreads count '%s'"), escaped);
        return -1;
    }
    if (n > VB_DOMAIN_IOTHREADS_MAX) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("iothreads count '%llu' is above the limit of %d"), (unsigned long long) n,
                      VB_DOMAIN_IOTHREADS_MAX);
        return -1;
    }
    def->iothreads = n;
    return 0;
}

static int
vbDomainVcpuParse(vbDomainDef *def, const xmlNode *node)
{
    g_autofree char *placement = vbXMLPropString(node, "placement");
    g_autofree char *text = vbXMLNodeContent(node);
    guint64 n;
    int rc;

    if (vbDomainCheckAttrs(node, VB_ATTRS("placement", "current")) < 0)
        return -1;
    if (placement && strcmp(placement, "static") != 0) {
        vbDomainReportUnsupportedValue(node, "placement", placement);
        return -1;
    }
    g_strstrip(text);
    if (!g_ascii_string_to_unsigned(text, 10, 1, VB_DOMAIN_VCPUS_MAX, &n, NULL)) {
        g_autofree char *escaped = g_strescape(text, NULL);

        vbReportError(VIR_ERR_XML_ERROR, _("invalid value '%s' for element '<%s>'"), escaped,
                      "vcpu");
        return -1;
    }
    def->vcpus = n;
    if ((rc = vbXMLPropUInt(node, "current", 10, VB_XML_PROP_NONE, &def->vcpusCurrent)) < 0)
        return -1;
    if (rc > 0 && def->vcpusCurrent == 0) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("vcpu 0 can't be offline"));
        return -1;
    }
    if (def->vcpusCurrent > def->vcpus) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("maximum vCPU count must not be less than current vCPU count"));
        return -1;
    }
    if (def->vcpusCurrent == def->vcpus)
        def->vcpusCurrent = 0;
    return 0;
}

static int
vbDomainMetadataParse(vbDomainDef *def, const xmlNode *node)
{
    if (vbDomainCheckAttrs(node, NULL) < 0)
        return -1;
    g_free(def->metadata);
    if (!(def->metadata = vbXMLNodeToStringNoBlanks(node)))
        return -1;
    return 0;
}

static int
vbDomainNameParse(vbDomainDef *def, const xmlNode *node)
{
    g_autofree char *name = vbXMLNodeContent(node);

    if (!*name) {
        vbReportError(VIR_ERR_NO_NAME, _("missing name information"));
        return -1;
    }
    if (vbXMLCheckIllegalChars("name", name, NULL) < 0)
        return -1;
    if (strchr(name, '/')) {
        vbReportError(VIR_ERR_XML_ERROR, _("name %s cannot contain '/'"), name);
        return -1;
    }
    /* the name is a path component of the daemon's files (the snapshot
     * directory configDir/snapshot/NAME among them): '.' and '..' would
     * name another directory */
    if (g_str_equal(name, ".") || g_str_equal(name, "..")) {
        vbReportError(VIR_ERR_XML_ERROR, _("name '%s' cannot be '.' or '..'"), name);
        return -1;
    }
    def->name = g_steal_pointer(&name);
    return 0;
}

static int
vbDomainDefParseChildren(vbDomainDef *def, const xmlNode *root, unsigned int flags)
{
    xmlNode *cur;

    if (vbDomainCheckUniqueChildren(
            root, VB_ATTRS("name", "uuid", "title", "description", "metadata", "memory",
                           "currentMemory", "vcpu", "iothreads", "cpu", "sysinfo", "os", "features",
                           "clock", "pm", "on_poweroff", "on_reboot", "on_crash", "devices")) < 0)
        return -1;

    for (cur = vbXMLChildElement(root, NULL); cur; cur = vbXMLNextElement(cur)) {
        const char *name = (const char *) cur->name;

        if (cur->ns) {
            /* libvirt's own namespaces (e.g. qemu:commandline) run things we
             * do not know about; anything else is refused the same way */
            vbDomainReportUnsupportedElement(cur);
            return -1;
        }
        if (strcmp(name, "name") == 0) {
            if (vbDomainNameParse(def, cur) < 0)
                return -1;
        } else if (strcmp(name, "uuid") == 0) {
            g_autofree char *uuid = vbXMLNodeContent(cur);

            if (vbUUIDParse(uuid, def->uuid) < 0) {
                /* libvirt's wording */
                vbReportError(VIR_ERR_XML_ERROR, _("malformed uuid element"));
                return -1;
            }
            /* post-parse would replace it by a random one, and every
             * domain defined with it would clash with the others */
            if (vbUUIDIsNull(def->uuid)) {
                vbReportError(VIR_ERR_XML_ERROR, _("UUID '%s' is the null UUID"), uuid);
                return -1;
            }
        } else if (strcmp(name, "title") == 0) {
            g_autofree char *title = vbXMLNodeContent(cur);

            if (strchr(title, '\n')) {
                vbReportError(VIR_ERR_XML_ERROR, _("Domain title can't contain newlines"));
                return -1;
            }
            g_free(def->title);
            def->title = g_steal_pointer(&title);
        } else if (strcmp(name, "description") == 0) {
            g_free(def->description);
            def->description = vbXMLNodeContent(cur);
        } else if (strcmp(name, "metadata") == 0) {
            if (vbDomainMetadataParse(def, cur) < 0)
                return -1;
        } else if (strcmp(name, "memory") == 0) {
            if (vbDomainMemoryParse(cur, &def->maxMemory) < 0)
                return -1;
        } else if (strcmp(name, "currentMemory") == 0) {
            if (vbDomainMemoryParse(cur, &def->currentMemory) < 0)
                return -1;
        } else if (strcmp(name, "vcpu") == 0) {
            if (vbDomainVcpuParse(def, cur) < 0)
                return -1;
        } else if (strcmp(name, "iothreads") == 0) {
            if (vbDomainIOThreadsParse(def, cur) < 0)
                return -1;
        } else if (strcmp(name, "cpu") == 0) {
            if (!(def->cpu = vbCPUDefParse(cur)))
                return -1;
        } else if (strcmp(name, "sysinfo") == 0) {
            if (!(def->sysinfo = vbSysinfoParseDomain(cur)))
                return -1;
        } else if (strcmp(name, "os") == 0) {
            if (vbDomainOSParse(def, cur) < 0)
                return -1;
        } else if (strcmp(name, "features") == 0) {
            if (vbDomainFeaturesParse(def, cur) < 0)
                return -1;
        } else if (strcmp(name, "clock") == 0) {
            if (!(def->clock = vbDomainClockDefParse(cur)))
                return -1;
        } else if (strcmp(name, "pm") == 0) {
            if (vbDomainPMParse(def, cur) < 0)
                return -1;
        } else if (strcmp(name, "on_poweroff") == 0) {
            if (vbDomainLifecycleParse(cur, &def->onPoweroff) < 0)
                return -1;
        } else if (strcmp(name, "on_reboot") == 0) {
            if (vbDomainLifecycleParse(cur, &def->onReboot) < 0)
                return -1;
        } else if (strcmp(name, "on_crash") == 0) {
            if (vbDomainLifecycleParse(cur, &def->onCrash) < 0)
                return -1;
        } else if (strcmp(name, "devices") == 0) {
            if (vbDomainDevicesParse(def, cur, flags) < 0)
                return -1;
        } else {
            vbDomainReportUnsupportedElement(cur);
            return -1;
        }
    }
    return 0;
}

static vbDomainDef *
vbDomainDefParseRoot(const xmlNode *root, const char *rootName, unsigned int flags)
{
    g_autoptr(vbDomainDef) def = vbDomainDefNew();

    if (vbXMLCheckRoot(root, rootName) < 0)
        return NULL;
    if (vbDomainCheckAttrs(root, VB_ATTRS("type", "id")) < 0 ||
        vbXMLPropEnumFull(root, "type", vbDomainVirtTypeTypeFromString, VB_XML_PROP_REQUIRED,
                          vbDomainReportUnsupportedValue, &def->virtType) < 0)
        return NULL;
    if (!(flags & VB_DOMAIN_DEF_PARSE_INACTIVE) &&
        vbXMLPropInt(root, "id", 10, VB_XML_PROP_NONNEGATIVE, &def->id) < 0)
        return NULL;

    if (vbDomainDefParseChildren(def, root, flags) < 0)
        return NULL;
    if (!def->name) {
        vbReportError(VIR_ERR_NO_NAME, _("missing name information"));
        return NULL;
    }
    if (!vbXMLChildElement(root, "memory")) {
        vbReportError(VIR_ERR_XML_ERROR, _("missing element '<memory>' in <domain>"));
        return NULL;
    }
    if (!vbXMLChildElement(root, "os")) {
        vbReportError(VIR_ERR_XML_ERROR, _("an os <type> must be specified"));
        return NULL;
    }

    if (vbDomainDefPostParse(def, flags) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

vbDomainDef *
vbDomainDefParseNodeRoot(void *doc, void *node, const char *rootName, unsigned int flags)
{
    g_return_val_if_fail(doc != NULL, NULL);
    g_return_val_if_fail(node != NULL, NULL);
    vbCheckFlags(flags,
                 VB_DOMAIN_DEF_PARSE_INACTIVE | VB_DOMAIN_DEF_PARSE_STATUS |
                     VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA,
                 NULL);
    return vbDomainDefParseRoot(node, rootName, flags);
}

vbDomainDef *
vbDomainDefParseNode(void *doc, void *node, unsigned int flags)
{
    vbCheckFlags(flags,
                 VB_DOMAIN_DEF_PARSE_INACTIVE | VB_DOMAIN_DEF_PARSE_STATUS |
                     VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA,
                 NULL);
    return vbDomainDefParseNodeRoot(doc, node, "domain", flags);
}

static vbDomainDef *
vbDomainDefParseDoc(xmlDoc *doc, unsigned int flags)
{
    xmlNode *root = xmlDocGetRootElement(doc);

    /* the root first, as libvirt's virXMLParse: a document that is no
     * domain at all is told so, not what the schema misses in it */
    if (vbXMLCheckRoot(root, "domain") < 0)
        return NULL;
    if ((flags & VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA) &&
        vbXMLValidateRelaxNG(doc, VB_LIBVIRT_SCHEMA_DIR "/domain.rng") < 0)
        return NULL;
    return vbDomainDefParseNode(doc, root, flags);
}

vbDomainDef *
vbDomainDefParseString(const char *xml, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;

    if (!xml) {
        vbReportError(VIR_ERR_INVALID_ARG, _("no domain XML given"));
        return NULL;
    }
    if (!(doc = vbXMLParseString(xml, "(domain_definition)", VB_DOMAIN_XML_MAX_LEN)))
        return NULL;
    return vbDomainDefParseDoc(doc, flags);
}

vbDomainDef *
vbDomainDefParseFile(const char *path, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;

    if (!(doc = vbXMLParseFile(path, VB_DOMAIN_FILE_MAX_LEN)))
        return NULL;
    return vbDomainDefParseDoc(doc, flags);
}

vbDomainDef *
vbDomainDefCopy(const vbDomainDef *def, unsigned int flags)
{
    unsigned int parseFlags = VB_DOMAIN_DEF_PARSE_STATUS;
    g_autofree char *xml = NULL;

    /* Through the status form, which carries every field; @flags are
     * format flags narrowing what is kept (INACTIVE: the persistent part). */
    if (flags & VB_DOMAIN_DEF_FORMAT_INACTIVE)
        parseFlags = VB_DOMAIN_DEF_PARSE_INACTIVE;
    /* the copy keeps the secrets (SECURE), whatever else it drops */
    if (!(xml = vbDomainDefFormat(def, flags ? flags | VB_DOMAIN_DEF_FORMAT_SECURE
                                             : VB_DOMAIN_DEF_FORMAT_STATUS)))
        return NULL;
    return vbDomainDefParseString(xml, parseFlags);
}

vbDomainDiskDef *
vbDomainDiskByName(const vbDomainDef *def, const char *name)
{
    size_t i;

    if (!def || !name)
        return NULL;
    for (i = 0; i < def->ndisks; i++) {
        vbDomainDiskDef *disk = def->disks[i];

        if (name[0] == '/') {
            if (disk->src && disk->src->path && strcmp(disk->src->path, name) == 0)
                return disk;
        } else if (g_strcmp0(disk->dst, name) == 0) {
            return disk;
        }
    }
    return NULL;
}
