/*
 * vbqemufirmware.c: QEMU firmware descriptors and the choice of firmware
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fnmatch.h>
#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbjson.h"
#include "vblog.h"
#include "vbqemufirmware.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* descriptors are a few KiB; this bounds a hostile one */
#define VB_QEMU_FIRMWARE_MAX_LEN (1024 * 1024)

void
vbQemuFirmwareFree(vbQemuFirmware *fw)
{
    if (!fw)
        return;
    g_free(fw->descriptor);
    g_free(fw->executable);
    g_free(fw->nvramTemplate);
    g_strfreev(fw->machines);
    g_free(fw);
}

static bool
vbQemuFirmwareArrayHas(const vbJSONValue *array, const char *str)
{
    size_t i;

    for (i = 0; array && i < vbJSONValueArraySize(array); i++) {
        if (g_strcmp0(vbJSONValueGetString(vbJSONValueArrayGet(array, i)), str) == 0)
            return true;
    }
    return false;
}

/* A raw image of the mapping: its file name, or NULL */
static const char *
vbQemuFirmwareRawFile(const vbJSONValue *mapping, const char *key)
{
    const vbJSONValue *image = vbJSONValueObjectGetObject(mapping, key);

    if (!image || g_strcmp0(vbJSONValueObjectGetString(image, "format"), "raw") != 0)
        return NULL;
    return vbJSONValueObjectGetString(image, "filename");
}

/* NULL, reporting nothing, for a descriptor we cannot use */
static vbQemuFirmware *
vbQemuFirmwareParse(const char *path, const vbJSONValue *doc)
{
    g_autoptr(vbQemuFirmware) fw = g_new0(vbQemuFirmware, 1);
    const vbJSONValue *mapping = vbJSONValueObjectGetObject(doc, "mapping");
    const vbJSONValue *targets = vbJSONValueObjectGetArray(doc, "targets");
    const vbJSONValue *features = vbJSONValueObjectGetArray(doc, "features");
    const char *mode;
    size_t i;
    size_t j;

    fw->descriptor = g_strdup(path);
    fw->uefi = vbQemuFirmwareArrayHas(vbJSONValueObjectGetArray(doc, "interface-types"), "uefi");
    if (!mapping || g_strcmp0(vbJSONValueObjectGetString(mapping, "device"), "flash") != 0)
        return NULL;
    /* "split" is the default mode: code and variables in two files */
    mode = vbJSONValueObjectGetString(mapping, "mode");
    if (mode && strcmp(mode, "split") != 0)
        return NULL;
    if (!vbQemuFirmwareRawFile(mapping, "executable") ||
        !vbQemuFirmwareRawFile(mapping, "nvram-template"))
        return NULL;
    fw->executable = g_strdup(vbQemuFirmwareRawFile(mapping, "executable"));
    fw->nvramTemplate = g_strdup(vbQemuFirmwareRawFile(mapping, "nvram-template"));

    for (i = 0; targets && i < vbJSONValueArraySize(targets); i++) {
        const vbJSONValue *target = vbJSONValueArrayGet(targets, i);
        const vbJSONValue *machines = vbJSONValueObjectGetArray(target, "machines");
        g_autoptr(GPtrArray) globs = g_ptr_array_new();

        if (g_strcmp0(vbJSONValueObjectGetString(target, "architecture"), "x86_64") != 0)
            continue;
        for (j = 0; machines && j < vbJSONValueArraySize(machines); j++) {
            const char *glob = vbJSONValueGetString(vbJSONValueArrayGet(machines, j));

            if (glob)
                g_ptr_array_add(globs, g_strdup(glob));
        }
        g_ptr_array_add(globs, NULL);
        fw->machines = (char **) g_ptr_array_free(g_steal_pointer(&globs), FALSE);
        break;
    }
    if (!fw->machines)
        return NULL;

    fw->secureBoot = vbQemuFirmwareArrayHas(features, "secure-boot");
    fw->enrolledKeys = vbQemuFirmwareArrayHas(features, "enrolled-keys");
    fw->requiresSMM = vbQemuFirmwareArrayHas(features, "requires-smm");
    fw->acpiS3 = vbQemuFirmwareArrayHas(features, "acpi-s3");
    fw->acpiS4 = vbQemuFirmwareArrayHas(features, "acpi-s4");
    return g_steal_pointer(&fw);
}

static gint
vbQemuFirmwareCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
vbQemuFirmwareLoadAll(const char *const *dirs)
{
    g_autoptr(GPtrArray) firmwares =
        g_ptr_array_new_with_free_func((GDestroyNotify) vbQemuFirmwareFree);
    g_autoptr(GHashTable) paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;
    size_t i;

    for (i = 0; dirs[i]; i++) {
        g_autoptr(GDir) dir = g_dir_open(dirs[i], 0, NULL);
        const char *name;

        /* a missing directory holds nothing */
        while (dir && (name = g_dir_read_name(dir))) {
            if (!g_str_has_suffix(name, ".json") || g_hash_table_contains(paths, name))
                continue;
            g_hash_table_insert(paths, g_strdup(name), g_build_filename(dirs[i], name, NULL));
        }
    }
    g_hash_table_iter_init(&iter, paths);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, vbQemuFirmwareCompareNames);

    for (i = 0; i < names->len; i++) {
        const char *path = g_hash_table_lookup(paths, g_ptr_array_index(names, i));
        g_autofree char *text = NULL;
        g_autoptr(GError) err = NULL;
        g_autoptr(vbJSONValue) doc = NULL;
        gsize len = 0;
        vbQemuFirmware *fw;

        if (!g_file_get_contents(path, &text, &len, &err)) {
            VB_WARN("cannot read firmware descriptor '%s': %s", path, err->message);
            continue;
        }
        /* an empty file hides the descriptors of that name after it */
        if (len == 0)
            continue;
        if (len > VB_QEMU_FIRMWARE_MAX_LEN) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("firmware descriptor '%s' is too large"), path);
            return NULL;
        }
        if (!(doc = vbJSONValueFromString(text)))
            return NULL;
        if ((fw = vbQemuFirmwareParse(path, doc)))
            g_ptr_array_add(firmwares, fw);
        else
            VB_DEBUG("skipping firmware descriptor '%s'", path);
    }
    return g_steal_pointer(&firmwares);
}

char *
vbQemuFirmwareNVRAMPath(const char *nvramDir, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s_VARS.fd", name);

    return g_build_filename(nvramDir, file, NULL);
}

void
vbQemuFirmwareFillNVRAMPath(vbDomainDef *def, const char *nvramDir)
{
    vbDomainLoaderDef *loader = def->os.loader;

    if (loader && loader->type == VB_DOMAIN_LOADER_TYPE_PFLASH &&
        loader->readonly == VB_TRISTATE_BOOL_YES && !loader->nvram)
        loader->nvram = vbQemuFirmwareNVRAMPath(nvramDir, def->name);
}

/* The machine name as firmware descriptors spell it: QEMU's aliases 'q35'
 * and 'pc' stand for the newest versioned machine */
bool
vbQemuFirmwareSupportsMachine(const vbQemuFirmware *fw, const char *machine)
{
    const char *name = machine;
    size_t i;

    if (g_strcmp0(machine, "q35") == 0)
        name = "pc-q35-7.2";
    else if (g_strcmp0(machine, "pc") == 0)
        name = "pc-i440fx-7.2";
    for (i = 0; name && fw->machines[i]; i++) {
        if (fnmatch(fw->machines[i], name, 0) == 0)
            return true;
    }
    return false;
}

/* libvirt's qemuFirmwareMatchDomain for the descriptors we read */
static bool
vbQemuFirmwareMatchDomain(const vbQemuFirmware *fw, const vbDomainDef *def)
{
    const vbDomainOSDef *os = &def->os;
    vbTristateBool wantSecure = os->firmwareFeatures[VB_DOMAIN_OS_FIRMWARE_FEATURE_SECURE_BOOT];
    vbTristateBool wantKeys = os->firmwareFeatures[VB_DOMAIN_OS_FIRMWARE_FEATURE_ENROLLED_KEYS];

    /* we read only flash descriptors, which no BIOS has */
    if (os->firmware == VB_DOMAIN_OS_FIRMWARE_BIOS)
        return false;
    if (os->firmware == VB_DOMAIN_OS_FIRMWARE_NONE &&
        (!os->loader || g_strcmp0(os->loader->path, fw->executable) != 0))
        return false;
    if (!fw->uefi || !vbQemuFirmwareSupportsMachine(fw, def->machine))
        return false;
    if ((wantSecure == VB_TRISTATE_BOOL_YES && !fw->secureBoot) ||
        (wantSecure == VB_TRISTATE_BOOL_NO && fw->secureBoot) ||
        (wantKeys == VB_TRISTATE_BOOL_YES && !fw->enrolledKeys) ||
        (wantKeys == VB_TRISTATE_BOOL_NO && fw->enrolledKeys))
        return false;
    if ((def->pmS3 == VB_TRISTATE_BOOL_YES && !fw->acpiS3) ||
        (def->pmS4 == VB_TRISTATE_BOOL_YES && !fw->acpiS4))
        return false;
    if (os->loader && os->loader->secure == VB_TRISTATE_BOOL_YES && !fw->requiresSMM)
        return false;
    return true;
}

int
vbQemuFirmwareFillDomain(vbDomainDef *def, GPtrArray *firmwares, const char *nvramDir)
{
    vbDomainLoaderDef *loader = def->os.loader;
    const vbQemuFirmware *theone = NULL;
    size_t i;

    if (def->os.firmware == VB_DOMAIN_OS_FIRMWARE_NONE) {
        /* only an old-style read-only UEFI loader without a template
         * looks for one; not finding it is not an error yet */
        if (!loader || loader->type != VB_DOMAIN_LOADER_TYPE_PFLASH ||
            loader->readonly != VB_TRISTATE_BOOL_YES || loader->nvramTemplate)
            return 0;
    }
    for (i = 0; firmwares && i < firmwares->len; i++) {
        if (vbQemuFirmwareMatchDomain(g_ptr_array_index(firmwares, i), def)) {
            theone = g_ptr_array_index(firmwares, i);
            break;
        }
    }
    if (!theone) {
        if (def->os.firmware == VB_DOMAIN_OS_FIRMWARE_NONE)
            return 0;
        /* libvirt's wording */
        vbReportError(VIR_ERR_OPERATION_FAILED, _("Unable to find any firmware to satisfy '%s'"),
                      vbDomainOSFirmwareTypeToString(def->os.firmware));
        return -1;
    }
    VB_DEBUG("domain '%s' gets firmware '%s' of '%s'", def->name, theone->executable,
             theone->descriptor);

    if (!def->os.loader)
        def->os.loader = g_new0(vbDomainLoaderDef, 1);
    loader = def->os.loader;
    loader->type = VB_DOMAIN_LOADER_TYPE_PFLASH;
    loader->readonly = VB_TRISTATE_BOOL_YES;
    g_free(loader->path);
    loader->path = g_strdup(theone->executable);
    g_free(loader->nvramTemplate);
    loader->nvramTemplate = g_strdup(theone->nvramTemplate);
    if (!loader->nvram)
        loader->nvram = vbQemuFirmwareNVRAMPath(nvramDir, def->name);
    /* libvirt turns SMM on, and the loader secure, for such firmware */
    if (theone->requiresSMM) {
        if (def->smm == VB_TRISTATE_SWITCH_OFF) {
            /* libvirt's wording and code */
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("domain has SMM turned off but chosen firmware requires it"));
            return -1;
        }
        def->smm = VB_TRISTATE_SWITCH_ON;
        loader->secure = VB_TRISTATE_BOOL_YES;
    }
    return 0;
}
