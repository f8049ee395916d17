/*
 * vbqemuhostcpu.c: the CPU <cpu mode='host-model'> stands for
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <string.h>

#include "vbqemuhostcpu.h"
#include "vberror.h"
#include "vbqmpcommand.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* Names QEMU offers that stand for no model of a real CPU */
static bool
vbQemuHostCPUIsGeneric(const char *name)
{
    return g_str_equal(name, "max") || g_str_equal(name, "host") || g_str_equal(name, "base");
}

/* The names that compete: all but the generic ones and those another
 * name is an alias of (in @aliased, filled here) */
static bool
vbQemuHostCPUIsCandidate(const vbJSONValue *definitions, GHashTable *aliased, const char *name)
{
    size_t i;

    if (g_hash_table_size(aliased) == 0) {
        for (i = 0; i < vbJSONValueArraySize(definitions); i++) {
            const char *target =
                vbJSONValueObjectGetString(vbJSONValueArrayGet(definitions, i), "alias-of");

            if (target)
                g_hash_table_add(aliased, (char *) target);
        }
    }
    return !vbQemuHostCPUIsGeneric(name) && !g_hash_table_contains(aliased, name);
}

/* The "props" of a static expansion reply of @name in @expansions */
static const vbJSONValue *
vbQemuHostCPUGetProps(const vbJSONValue *expansions, const char *name)
{
    const vbJSONValue *reply = vbJSONValueObjectGet(expansions, name);
    const vbJSONValue *model = reply ? vbJSONValueObjectGetObject(reply, "model") : NULL;
    const vbJSONValue *props = model ? vbJSONValueObjectGetObject(model, "props") : NULL;

    if (!props)
        vbQMPReportMissing("query-cpu-model-expansion", "model/props");
    return props;
}

static bool
vbQemuHostCPUHas(const vbJSONValue *props, const char *feature)
{
    bool on = false;
    const vbJSONValue *v = vbJSONValueObjectGet(props, feature);

    return v && vbJSONValueGetBoolean(v, &on) == 0 && on;
}

static gint
vbQemuHostCPUCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The features on in @a and not in @b, in C order when @out is given;
 * returns their number */
static size_t
vbQemuHostCPUDiff(const vbJSONValue *a, const vbJSONValue *b, GPtrArray *out)
{
    size_t n = vbJSONValueObjectKeysNumber(a);
    size_t count = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        const char *key = vbJSONValueObjectGetKey(a, i);

        if (vbQemuHostCPUHas(a, key) && !vbQemuHostCPUHas(b, key)) {
            count++;
            if (out)
                g_ptr_array_add(out, (char *) key);
        }
    }
    if (out)
        g_ptr_array_sort(out, vbQemuHostCPUCompareNames);
    return count;
}

static void
vbQemuHostCPUAddFeatures(vbCPUDef *cpu, GPtrArray *names, vbCPUFeaturePolicy policy)
{
    size_t i;

    for (i = 0; i < names->len; i++) {
        cpu->features = g_renew(vbCPUFeatureDef, cpu->features, cpu->nfeatures + 1);
        cpu->features[cpu->nfeatures].name = g_strdup(g_ptr_array_index(names, i));
        cpu->features[cpu->nfeatures].policy = policy;
        cpu->nfeatures++;
    }
}

/* libvirt's names of the CPUID vendor strings */
static const char *
vbQemuHostCPUVendorName(const char *vendor)
{
    if (g_str_equal(vendor, "GenuineIntel"))
        return "Intel";
    if (g_str_equal(vendor, "AuthenticAMD"))
        return "AMD";
    if (g_str_equal(vendor, "HygonGenuine"))
        return "Hygon";
    return vendor;
}

vbCPUDef *
vbQemuHostCPUChoose(const vbJSONValue *definitions, const vbJSONValue *expansions,
                    const char *vendor)
{
    g_autoptr(GHashTable) aliased = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) require = g_ptr_array_new();
    g_autoptr(GPtrArray) disable = g_ptr_array_new();
    g_autoptr(vbCPUDef) cpu = NULL;
    const vbJSONValue *max;
    const vbJSONValue *best = NULL;
    const char *bestName = NULL;
    size_t bestDistance = 0;
    size_t n = vbJSONValueArraySize(definitions);
    size_t i;

    if (!(max = vbQemuHostCPUGetProps(expansions, "max")))
        return NULL;
    for (i = 0; i < n; i++) {
        const char *name = vbJSONValueObjectGetString(vbJSONValueArrayGet(definitions, i), "name");
        const vbJSONValue *props;
        size_t distance;

        if (!name) {
            vbQMPReportMissing("query-cpu-definitions", "name");
            return NULL;
        }
        if (!vbQemuHostCPUIsCandidate(definitions, aliased, name))
            continue;
        if (!(props = vbQemuHostCPUGetProps(expansions, name)))
            return NULL;
        distance = vbQemuHostCPUDiff(max, props, NULL) + vbQemuHostCPUDiff(props, max, NULL);
        if (!best || distance < bestDistance ||
            (distance == bestDistance && strcmp(name, bestName) < 0)) {
            best = props;
            bestName = name;
            bestDistance = distance;
        }
    }
    if (!best) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("QEMU reported no named CPU model"));
        return NULL;
    }

    cpu = g_new0(vbCPUDef, 1);
    cpu->mode = VB_CPU_MODE_CUSTOM;
    cpu->match = VB_CPU_MATCH_EXACT;
    cpu->check = VB_CPU_CHECK_FULL;
    cpu->fallback = VB_CPU_FALLBACK_FORBID;
    cpu->model = g_strdup(bestName);
    cpu->vendor = vendor && *vendor ? g_strdup(vbQemuHostCPUVendorName(vendor)) : NULL;
    vbQemuHostCPUDiff(max, best, require);
    vbQemuHostCPUDiff(best, max, disable);
    vbQemuHostCPUAddFeatures(cpu, require, VB_CPU_FEATURE_REQUIRE);
    vbQemuHostCPUAddFeatures(cpu, disable, VB_CPU_FEATURE_DISABLE);
    return g_steal_pointer(&cpu);
}

/* query-cpu-model-expansion of @name, type @type: the whole reply */
static int
vbQemuHostCPUExpand(vbMonitor *mon, const char *type, const char *name, vbJSONValue **reply)
{
    g_autoptr(vbJSONValue) model = NULL;
    g_autoptr(vbJSONValue) cmd = NULL;

    if (vbJSONValueObjectAdd(&model, "s:name", name, NULL) < 0 ||
        !(cmd = vbQMPCommandNew("query-cpu-model-expansion", "s:type", type, "o:model", &model,
                                NULL)))
        return -1;
    return vbQMPCommandRun(mon, &cmd, reply);
}

int
vbQemuHostCPUProbe(vbMonitor *mon, vbCPUDef **cpu)
{
    g_autoptr(vbJSONValue) cmd = vbQMPCommandNew("query-cpu-definitions", NULL);
    g_autoptr(vbJSONValue) definitions = NULL;
    g_autoptr(vbJSONValue) expansions = vbJSONValueNewObject();
    g_autoptr(vbJSONValue) full = NULL;
    g_autoptr(GHashTable) aliased = g_hash_table_new(g_str_hash, g_str_equal);
    const vbJSONValue *model;
    const vbJSONValue *props;
    size_t i;

    if (vbQMPCommandRun(mon, &cmd, &definitions) < 0)
        return -1;
    if (vbJSONValueGetType(definitions) != VB_JSON_TYPE_ARRAY) {
        vbQMPReportMissing("query-cpu-definitions", "return");
        return -1;
    }
    for (i = 0; i < vbJSONValueArraySize(definitions); i++) {
        const vbJSONValue *def = vbJSONValueArrayGet(definitions, i);
        const char *name = vbJSONValueObjectGetString(def, "name");
        g_autoptr(vbJSONValue) reply = NULL;

        if (!name) {
            vbQMPReportMissing("query-cpu-definitions", "name");
            return -1;
        }
        if ((g_str_equal(name, "max") || vbQemuHostCPUIsCandidate(definitions, aliased, name)) &&
            (vbQemuHostCPUExpand(mon, "static", name, &reply) < 0 ||
             vbJSONValueObjectAppend(expansions, name, &reply) < 0))
            return -1;
    }
    if (vbQemuHostCPUExpand(mon, "full", "max", &full) < 0)
        return -1;
    model = vbJSONValueObjectGetObject(full, "model");
    props = model ? vbJSONValueObjectGetObject(model, "props") : NULL;
    if (!(*cpu = vbQemuHostCPUChoose(definitions, expansions,
                                     props ? vbJSONValueObjectGetString(props, "vendor") : NULL)))
        return -1;
    return 0;
}

/* The features the definition names go over the host's, as libvirt does
 * (a feature listed takes the user's policy where it stands, others are
 * appended); requiring one the host lacks is refused as libvirt refuses
 * it.  A feature in neither list is passed on: without a CPU map we do
 * not know whether the model has it. */
static int
vbQemuHostCPUMergeFeatures(vbCPUDef *cpu, const vbCPUDef *user)
{
    g_autoptr(GString) missing = g_string_new(NULL);
    size_t i;
    size_t j;

    for (i = 0; i < user->nfeatures; i++) {
        const vbCPUFeatureDef *uf = &user->features[i];

        for (j = 0; j < cpu->nfeatures; j++) {
            if (g_str_equal(cpu->features[j].name, uf->name))
                break;
        }
        if (j < cpu->nfeatures) {
            if (uf->policy == VB_CPU_FEATURE_REQUIRE &&
                cpu->features[j].policy == VB_CPU_FEATURE_DISABLE)
                g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", uf->name);
            cpu->features[j].policy = uf->policy;
            continue;
        }
        cpu->features = g_renew(vbCPUFeatureDef, cpu->features, cpu->nfeatures + 1);
        cpu->features[cpu->nfeatures].name = g_strdup(uf->name);
        cpu->features[cpu->nfeatures].policy = uf->policy;
        cpu->nfeatures++;
    }
    if (missing->len) {
        /* libvirt's wording and code */
        vbReportError(VIR_ERR_CPU_INCOMPATIBLE,
                      _("Host CPU does not provide required features: %s"), missing->str);
        return -1;
    }
    return 0;
}

int
vbQemuHostCPUUpdateDef(vbDomainDef *def, const vbCPUDef *host)
{
    g_autoptr(vbCPUDef) cpu = NULL;

    if (!def->cpu || def->cpu->mode != VB_CPU_MODE_HOST_MODEL)
        return 0;
    if (!host) {
        /* libvirt's wording and code */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("CPU mode '%s' for %s %s domain on %s host is not supported by hypervisor"),
                      "host-model", "x86_64", vbDomainVirtTypeTypeToString(def->virtType),
                      "x86_64");
        return -1;
    }
    cpu = vbCPUDefCopy(host);
    cpu->sockets = def->cpu->sockets;
    cpu->dies = def->cpu->dies;
    cpu->cores = def->cpu->cores;
    cpu->threads = def->cpu->threads;
    if (vbQemuHostCPUMergeFeatures(cpu, def->cpu) < 0)
        return -1;
    vbCPUDefFree(def->cpu);
    def->cpu = g_steal_pointer(&cpu);
    return 0;
}

vbJSONValue *
vbQemuHostCPUToJSON(const vbCPUDef *cpu)
{
    g_autoptr(vbJSONValue) require = vbJSONValueNewArray();
    g_autoptr(vbJSONValue) disable = vbJSONValueNewArray();
    g_autoptr(vbJSONValue) obj = NULL;
    size_t i;

    for (i = 0; i < cpu->nfeatures; i++) {
        vbJSONValue *list = cpu->features[i].policy == VB_CPU_FEATURE_DISABLE ? disable : require;

        if (vbJSONValueArrayAppendString(list, cpu->features[i].name) < 0)
            return NULL;
    }
    if (vbJSONValueObjectAdd(&obj, "s:model", cpu->model, "S:vendor", cpu->vendor, "a:require",
                             &require, "a:disable", &disable, NULL) < 0)
        return NULL;
    return g_steal_pointer(&obj);
}

static bool
vbQemuHostCPUFeaturesFromJSON(vbCPUDef *cpu, const vbJSONValue *list, vbCPUFeaturePolicy policy)
{
    size_t i;

    if (!list)
        return false;
    for (i = 0; i < vbJSONValueArraySize(list); i++) {
        const char *name = vbJSONValueGetString(vbJSONValueArrayGet(list, i));

        if (!name)
            return false;
        cpu->features = g_renew(vbCPUFeatureDef, cpu->features, cpu->nfeatures + 1);
        cpu->features[cpu->nfeatures].name = g_strdup(name);
        cpu->features[cpu->nfeatures].policy = policy;
        cpu->nfeatures++;
    }
    return true;
}

vbCPUDef *
vbQemuHostCPUFromJSON(const vbJSONValue *obj)
{
    g_autoptr(vbCPUDef) cpu = g_new0(vbCPUDef, 1);
    const char *model = vbJSONValueObjectGetString(obj, "model");

    if (!model)
        return NULL;
    cpu->mode = VB_CPU_MODE_CUSTOM;
    cpu->match = VB_CPU_MATCH_EXACT;
    cpu->check = VB_CPU_CHECK_FULL;
    cpu->fallback = VB_CPU_FALLBACK_FORBID;
    cpu->model = g_strdup(model);
    cpu->vendor = g_strdup(vbJSONValueObjectGetString(obj, "vendor"));
    if (!vbQemuHostCPUFeaturesFromJSON(cpu, vbJSONValueObjectGetArray(obj, "require"),
                                       VB_CPU_FEATURE_REQUIRE) ||
        !vbQemuHostCPUFeaturesFromJSON(cpu, vbJSONValueObjectGetArray(obj, "disable"),
                                       VB_CPU_FEATURE_DISABLE))
        return NULL;
    return g_steal_pointer(&cpu);
}
