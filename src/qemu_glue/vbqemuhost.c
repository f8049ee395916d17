/*
 * vbqemuhost.c: the host as libvirt's QEMU driver describes it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include <libvirt/libvirt.h>

#include "vberror.h"
#include "vbfile.h"
#include "vbqemuhost.h"
#define VB_QEMU_HOST_PRIV_H_ALLOW
#include "vbqemuhostpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

/* The largest procfs or sysfs file we read */
#define VB_QEMU_HOST_FILE_MAX (1024 * 1024)

static gint
vbQemuHostCompareUInt(gconstpointer a, gconstpointer b)
{
    unsigned int x = *(const unsigned int *) a;
    unsigned int y = *(const unsigned int *) b;

    return x < y ? -1 : x > y ? 1 : 0;
}

/* @root/@rel's text, or NULL (nothing reported) when it cannot be read:
 * for the files a kernel may lack */
static char *
vbQemuHostReadOptional(const char *root, const char *rel)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

/* @root/@rel's text; reports when it cannot be read */
char *
vbQemuHostRead(const char *root, const char *rel)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    char *text = NULL;

    if (vbFileReadAll(path, VB_QEMU_HOST_FILE_MAX, &text) < 0)
        return NULL;
    return text;
}

/* An unsigned number in @root/@rel; @def when the file is missing */
static unsigned int
vbQemuHostReadUInt(const char *root, const char *rel, unsigned int def)
{
    g_autofree char *text = vbQemuHostReadOptional(root, rel);
    guint64 val;

    if (!text || !g_ascii_string_to_unsigned(g_strstrip(text), 10, 0, G_MAXUINT, &val, NULL))
        return def;
    return val;
}

/* A sysfs CPU list ("0-3,8") as a sorted GArray of unsigned int, or NULL */
static GArray *
vbQemuHostParseCPUList(const char *list)
{
    g_autoptr(GArray) cpus = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    g_auto(GStrv) parts = g_strsplit(list, ",", -1);
    size_t i;

    for (i = 0; parts[i]; i++) {
        char *part = g_strstrip(parts[i]);
        char *dash;
        guint64 first;
        guint64 last;
        guint64 c;

        if (!*part)
            continue;
        if ((dash = strchr(part, '-')))
            *dash = '\0';
        if (!g_ascii_string_to_unsigned(part, 10, 0, 65535, &first, NULL))
            return NULL;
        last = first;
        if (dash && !g_ascii_string_to_unsigned(dash + 1, 10, first, 65535, &last, NULL))
            return NULL;
        for (c = first; c <= last; c++) {
            unsigned int cpu = c;

            g_array_append_val(cpus, cpu);
        }
    }
    return g_steal_pointer(&cpus);
}

/* The value of @key in a meminfo text ("MemTotal:" or, in a node's,
 * "Node 0 MemTotal:"), in KiB; false when absent */
bool
vbQemuHostMeminfoGet(const char *text, const char *key, unsigned long long *kib)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        const char *line = lines[i];
        char *end;

        /* a node's lines start "Node N " */
        if (g_str_has_prefix(line, "Node ")) {
            const char *sp = strchr(line + 5, ' ');

            if (!sp)
                continue;
            line = sp + 1;
        }
        if (!g_str_has_prefix(line, key))
            continue;
        line += strlen(key);
        errno = 0;
        *kib = strtoull(line, &end, 10);
        if (errno || end == line)
            return false;
        return true;
    }
    return false;
}

/* The numbers of the NUMA nodes sysfs lists, sorted; empty on a kernel
 * without NUMA */
GArray *
vbQemuHostListNodes(const char *root)
{
    g_autofree char *dirPath = g_build_filename(root, VB_QEMU_HOST_NODE_DIR, NULL);
    g_autoptr(GDir) dir = g_dir_open(dirPath, 0, NULL);
    GArray *nodes = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        guint64 id;

        if (g_str_has_prefix(name, "node") &&
            g_ascii_string_to_unsigned(name + 4, 10, 0, 65535, &id, NULL)) {
            unsigned int n = id;

            g_array_append_val(nodes, n);
        }
    }
    g_array_sort(nodes, (GCompareFunc) vbQemuHostCompareUInt);
    return nodes;
}

/* What sysfs says of one online CPU */
typedef struct {
    unsigned int id;
    unsigned int node;
    unsigned int socket;
    unsigned int die;
    unsigned int core;
    char *siblings;
} vbQemuHostCPU;

static void
vbQemuHostCPUClear(gpointer data)
{
    vbQemuHostCPU *cpu = data;

    g_free(cpu->siblings);
}

/* The online CPUs with their topology, each with its node (0 without NUMA) */
static GArray *
vbQemuHostListCPUs(const char *root, const GArray *nodes)
{
    g_autoptr(GArray) cpus = g_array_new(FALSE, TRUE, sizeof(vbQemuHostCPU));
    g_autofree char *online = NULL;
    g_autoptr(GArray) ids = NULL;
    size_t i;
    size_t j;

    g_array_set_clear_func(cpus, vbQemuHostCPUClear);
    if (!(online = vbQemuHostRead(root, VB_QEMU_HOST_CPU_DIR "/online")))
        return NULL;
    if (!(ids = vbQemuHostParseCPUList(online))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot parse the online CPU list '%s'"),
                      g_strstrip(online));
        return NULL;
    }
    for (i = 0; i < ids->len; i++) {
        unsigned int id = g_array_index(ids, unsigned int, i);
        g_autofree char *topo = g_strdup_printf(VB_QEMU_HOST_CPU_DIR "/cpu%u/topology", id);
        g_autofree char *pkg = g_build_filename(topo, "physical_package_id", NULL);
        g_autofree char *die = g_build_filename(topo, "die_id", NULL);
        g_autofree char *core = g_build_filename(topo, "core_id", NULL);
        g_autofree char *sib = g_build_filename(topo, "thread_siblings_list", NULL);
        g_autofree char *siblings = vbQemuHostReadOptional(root, sib);
        vbQemuHostCPU cpu = {0};

        cpu.id = id;
        cpu.socket = vbQemuHostReadUInt(root, pkg, 0);
        cpu.die = vbQemuHostReadUInt(root, die, 0);
        cpu.core = vbQemuHostReadUInt(root, core, id);
        cpu.siblings = siblings ? g_strdup(g_strstrip(siblings)) : g_strdup_printf("%u", id);
        for (j = 0; j < nodes->len; j++) {
            unsigned int node = g_array_index(nodes, unsigned int, j);
            g_autofree char *link =
                g_strdup_printf(VB_QEMU_HOST_NODE_DIR "/node%u/cpu%u", node, id);
            g_autofree char *linkPath = g_build_filename(root, link, NULL);

            if (g_file_test(linkPath, G_FILE_TEST_EXISTS)) {
                cpu.node = node;
                break;
            }
        }
        g_array_append_val(cpus, cpu);
    }
    return g_steal_pointer(&cpus);
}

/* Adds @key to @set (which owns its keys) unless there */
static void
vbQemuHostCountDistinct(GHashTable *set, const char *key)
{
    if (!g_hash_table_contains(set, key))
        g_hash_table_add(set, g_strdup(key));
}

/*
 * The topology libvirt reports: sockets per node, dies per socket, cores
 * per die, threads per core, each the largest seen.  When they do not
 * multiply up to the CPUs (an odd or partly offline host), libvirt's
 * fallback: one node, one socket, every CPU a core.
 */
static void
vbQemuHostTopology(const GArray *cpus, unsigned int nnodes, vbQemuHostNodeInfo *info)
{
    g_autoptr(GHashTable) sockets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) dies = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) cores = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) threads = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    unsigned int maxThreads = 1;
    size_t i;

    for (i = 0; i < cpus->len; i++) {
        const vbQemuHostCPU *cpu = &g_array_index(cpus, vbQemuHostCPU, i);
        g_autofree char *socket = g_strdup_printf("%u/%u", cpu->node, cpu->socket);
        g_autofree char *die = g_strdup_printf("%u/%u/%u", cpu->node, cpu->socket, cpu->die);
        g_autofree char *core =
            g_strdup_printf("%u/%u/%u/%u", cpu->node, cpu->socket, cpu->die, cpu->core);
        unsigned int n = GPOINTER_TO_UINT(g_hash_table_lookup(threads, core)) + 1;

        vbQemuHostCountDistinct(sockets, socket);
        vbQemuHostCountDistinct(dies, die);
        vbQemuHostCountDistinct(cores, core);
        g_hash_table_replace(threads, g_strdup(core), GUINT_TO_POINTER(n));
        maxThreads = MAX(maxThreads, n);
    }

    info->cpus = cpus->len;
    info->nodes = MAX(nnodes, 1);
    info->sockets = MAX(g_hash_table_size(sockets) / info->nodes, 1);
    info->dies = MAX(g_hash_table_size(dies) / (info->nodes * info->sockets), 1);
    info->cores = MAX(g_hash_table_size(cores) / (info->nodes * info->sockets * info->dies), 1);
    info->threads = maxThreads;

    if (info->nodes * info->sockets * info->dies * info->cores * info->threads != info->cpus) {
        info->nodes = 1;
        info->sockets = 1;
        info->dies = 1;
        info->cores = info->cpus;
        info->threads = 1;
    }
}

/* The first "cpu MHz" of /proc/cpuinfo (x86), 0 when there is none */
static unsigned int
vbQemuHostMHz(const char *root)
{
    g_autofree char *text = vbQemuHostReadOptional(root, "proc/cpuinfo");
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!text)
        return 0;
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *colon;

        if (!g_str_has_prefix(lines[i], "cpu MHz") || !(colon = strchr(lines[i], ':')))
            continue;
        return (unsigned int) g_ascii_strtoull(colon + 1, NULL, 10);
    }
    return 0;
}

int
vbQemuHostGetNodeInfo(const char *root, const char *arch, vbQemuHostNodeInfo *info)
{
    g_autoptr(GArray) nodes = vbQemuHostListNodes(root);
    g_autoptr(GArray) cpus = NULL;
    g_autofree char *meminfo = NULL;

    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, arch, sizeof(info->model));
    if (!(meminfo = vbQemuHostRead(root, "proc/meminfo")))
        return -1;
    if (!vbQemuHostMeminfoGet(meminfo, "MemTotal:", &info->memoryKiB)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("no available memory line found"));
        return -1;
    }
    if (!(cpus = vbQemuHostListCPUs(root, nodes)))
        return -1;
    vbQemuHostTopology(cpus, nodes->len, info);
    info->mhz = vbQemuHostMHz(root);
    return 0;
}

/* The huge page sizes the host offers, in KiB, ascending */
static GArray *
vbQemuHostHugePageSizes(const char *root)
{
    g_autofree char *dirPath = g_build_filename(root, "sys/kernel/mm/hugepages", NULL);
    g_autoptr(GDir) dir = g_dir_open(dirPath, 0, NULL);
    GArray *sizes = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        guint64 kib;
        g_autofree char *num = NULL;

        if (!g_str_has_prefix(name, "hugepages-") || !g_str_has_suffix(name, "kB"))
            continue;
        num = g_strndup(name + 10, strlen(name) - 12);
        if (g_ascii_string_to_unsigned(num, 10, 1, G_MAXUINT, &kib, NULL)) {
            unsigned int k = kib;

            g_array_append_val(sizes, k);
        }
    }
    g_array_sort(sizes, vbQemuHostCompareUInt);
    return sizes;
}

/* A sorted CPU list as sysfs writes it: "0-3,8" */
static char *
vbQemuHostFormatCPUList(const GArray *cpus)
{
    g_autoptr(GString) str = g_string_new(NULL);
    size_t i = 0;

    while (i < cpus->len) {
        unsigned int first = g_array_index(cpus, unsigned int, i);
        unsigned int last = first;

        while (i + 1 < cpus->len && g_array_index(cpus, unsigned int, i + 1) == last + 1)
            last = g_array_index(cpus, unsigned int, ++i);
        i++;
        if (str->len)
            g_string_append_c(str, ',');
        if (last == first)
            g_string_append_printf(str, "%u", first);
        else
            g_string_append_printf(str, "%u-%u", first, last);
    }
    return g_string_free(g_steal_pointer(&str), FALSE);
}

/* libvirt lists caches from level 3 up */
#define VB_QEMU_HOST_CACHE_MIN_LEVEL 3

/* The caches of @cpu into @caps; a cache missing an attribute is skipped,
 * as libvirt skips it */
static int
vbQemuHostAddCaches(const char *root, unsigned int cpu, vbCaps *caps)
{
    g_autofree char *rel = g_strdup_printf(VB_QEMU_HOST_CPU_DIR "/cpu%u/cache", cpu);
    g_autofree char *dirPath = g_build_filename(root, rel, NULL);
    g_autoptr(GDir) dir = g_dir_open(dirPath, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *base = g_build_filename(rel, name, NULL);
        g_autofree char *levelRel = g_build_filename(base, "level", NULL);
        g_autofree char *idRel = g_build_filename(base, "id", NULL);
        g_autofree char *typeRel = g_build_filename(base, "type", NULL);
        g_autofree char *sizeRel = g_build_filename(base, "size", NULL);
        g_autofree char *listRel = g_build_filename(base, "shared_cpu_list", NULL);
        g_autofree char *type = NULL;
        g_autofree char *size = NULL;
        g_autofree char *list = NULL;
        g_autoptr(GArray) shared = NULL;
        g_autofree char *cpus = NULL;
        unsigned int level;
        unsigned int id;
        unsigned long long bytes;
        const char *kind;
        char *end;

        if (!g_str_has_prefix(name, "index"))
            continue;
        level = vbQemuHostReadUInt(root, levelRel, 0);
        if (level < VB_QEMU_HOST_CACHE_MIN_LEVEL)
            continue;
        id = vbQemuHostReadUInt(root, idRel, G_MAXUINT);
        if (id == G_MAXUINT || !(type = vbQemuHostReadOptional(root, typeRel)) ||
            !(size = vbQemuHostReadOptional(root, sizeRel)) ||
            !(list = vbQemuHostReadOptional(root, listRel)))
            continue;

        g_strstrip(type);
        if (g_str_equal(type, "Unified")) {
            kind = "both";
        } else if (g_str_equal(type, "Instruction")) {
            kind = "code";
        } else if (g_str_equal(type, "Data")) {
            kind = "data";
        } else {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("Unknown cache type '%s'"), type);
            return -1;
        }
        /* "32768K" */
        bytes = g_ascii_strtoull(g_strstrip(size), &end, 10);
        if (*end == 'K')
            bytes *= 1024;
        else if (*end == 'M')
            bytes *= 1024 * 1024;
        if (!(shared = vbQemuHostParseCPUList(list))) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot parse the CPU list '%s'"),
                          g_strstrip(list));
            return -1;
        }
        cpus = vbQemuHostFormatCPUList(shared);
        vbCapsAddCacheBank(caps, id, level, kind, bytes, cpus);
    }
    return 0;
}

int
vbQemuHostFillCaps(const char *root, const char *arch, vbCaps *caps)
{
    g_autoptr(GArray) nodes = vbQemuHostListNodes(root);
    g_autoptr(GArray) cpus = NULL;
    g_autoptr(GArray) huge = vbQemuHostHugePageSizes(root);
    g_autofree char *iommuPath = g_build_filename(root, "sys/kernel/iommu_groups", NULL);
    g_autoptr(GDir) iommu = g_dir_open(iommuPath, 0, NULL);
    vbQemuHostNodeInfo info;
    vbCapsHostPages page = {0};
    unsigned int pageKiB = sysconf(_SC_PAGESIZE) / 1024;
    size_t i;
    size_t j;

    if (vbQemuHostGetNodeInfo(root, arch, &info) < 0 || !(cpus = vbQemuHostListCPUs(root, nodes)))
        return -1;

    g_free(caps->arch);
    caps->arch = g_strdup(arch);
    caps->sockets = info.sockets;
    caps->dies = info.dies;
    caps->cores = info.cores;
    caps->threads = info.threads;
    caps->iommu = iommu && g_dir_read_name(iommu);

    page.sizeKiB = pageKiB;
    g_array_append_val(caps->pages, page);
    for (i = 0; i < huge->len; i++) {
        page.sizeKiB = g_array_index(huge, unsigned int, i);
        g_array_append_val(caps->pages, page);
    }

    /* without NUMA, libvirt describes one cell holding everything */
    if (nodes->len == 0) {
        unsigned int zero = 0;

        g_array_append_val(nodes, zero);
    }
    for (i = 0; i < nodes->len; i++) {
        unsigned int node = g_array_index(nodes, unsigned int, i);
        g_autofree char *memRel = g_strdup_printf(VB_QEMU_HOST_NODE_DIR "/node%u/meminfo", node);
        g_autofree char *distRel = g_strdup_printf(VB_QEMU_HOST_NODE_DIR "/node%u/distance", node);
        g_autofree char *meminfo = vbQemuHostReadOptional(root, memRel);
        g_autofree char *distance = vbQemuHostReadOptional(root, distRel);
        unsigned long long memKiB = info.memoryKiB;
        unsigned long long hugeKiB = 0;
        vbCapsHostCell *cell;

        if (meminfo && !vbQemuHostMeminfoGet(meminfo, "MemTotal:", &memKiB)) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("no available memory line found"));
            return -1;
        }
        cell = vbCapsAddCell(caps, node, memKiB);

        for (j = 0; j < huge->len; j++) {
            unsigned int size = g_array_index(huge, unsigned int, j);
            g_autofree char *rel = g_strdup_printf(
                VB_QEMU_HOST_NODE_DIR "/node%u/hugepages/hugepages-%ukB/nr_hugepages", node, size);
            vbCapsHostPages hp = {size, vbQemuHostReadUInt(root, rel, 0)};

            hugeKiB += hp.count * size;
            g_array_append_val(cell->pages, hp);
        }
        /* the ordinary pages: what huge pages leave of the cell's memory */
        page.sizeKiB = pageKiB;
        page.count = memKiB > hugeKiB ? (memKiB - hugeKiB) / pageKiB : 0;
        g_array_prepend_val(cell->pages, page);

        if (distance) {
            g_auto(GStrv) values = g_strsplit_set(g_strstrip(distance), " \t", -1);

            for (j = 0; values[j]; j++) {
                guint64 d;

                if (*values[j] &&
                    g_ascii_string_to_unsigned(values[j], 10, 0, G_MAXUINT, &d, NULL)) {
                    unsigned int v = d;

                    g_array_append_val(cell->distances, v);
                }
            }
        }

        for (j = 0; j < cpus->len; j++) {
            const vbQemuHostCPU *cpu = &g_array_index(cpus, vbQemuHostCPU, j);

            if (cpu->node == node)
                vbCapsCellAddCPU(cell, cpu->id, cpu->socket, cpu->die, cpu->core, cpu->siblings);
        }
    }

    for (i = 0; i < cpus->len; i++) {
        if (vbQemuHostAddCaches(root, g_array_index(cpus, vbQemuHostCPU, i).id, caps) < 0)
            return -1;
    }
    return 0;
}

const char *
vbQemuHostArchFromQEMU(const char *qemuArch, unsigned int *wordsize)
{
    if (g_strcmp0(qemuArch, "x86_64") == 0) {
        *wordsize = 64;
        return "x86_64";
    }
    if (g_strcmp0(qemuArch, "i386") == 0) {
        *wordsize = 32;
        return "i686";
    }
    return NULL;
}

void
vbQemuHostAddGuest(vbCaps *caps, const vbQemuCaps *qemuCaps)
{
    unsigned int wordsize = 0;
    const char *arch = vbQemuHostArchFromQEMU(vbQemuCapsGetArch(qemuCaps), &wordsize);
    vbCapsGuest *guest;
    size_t i;

    g_return_if_fail(arch != NULL);
    guest = vbCapsAddGuest(caps, arch, wordsize, vbQemuCapsGetBinary(qemuCaps));
    for (i = 0; i < vbQemuCapsGetMachineCount(qemuCaps); i++) {
        const vbMonitorMachineInfo *m = vbQemuCapsGetMachine(qemuCaps, i);

        vbCapsGuestAddMachine(guest, m->name, NULL, m->maxCpus, m->deprecated);
        /* libvirt lists an alias as a machine of its own, right after */
        if (m->alias)
            vbCapsGuestAddMachine(guest, m->alias, m->name, m->maxCpus, m->deprecated);
    }
    guest->kvm = vbQemuCapsGetKVMUsable(qemuCaps);
}

/* Which DMI attribute of sysfs is which entry of libvirt's, in its order */
static const struct {
    vbSysinfoGroupType group;
    const char *entry;
    const char *attr;
} vbQemuHostDMIEntries[] = {
    {VB_SYSINFO_BIOS, "vendor", "bios_vendor"},
    {VB_SYSINFO_BIOS, "version", "bios_version"},
    {VB_SYSINFO_BIOS, "date", "bios_date"},
    {VB_SYSINFO_BIOS, "release", "bios_release"},
    {VB_SYSINFO_SYSTEM, "manufacturer", "sys_vendor"},
    {VB_SYSINFO_SYSTEM, "product", "product_name"},
    {VB_SYSINFO_SYSTEM, "version", "product_version"},
    {VB_SYSINFO_SYSTEM, "serial", "product_serial"},
    {VB_SYSINFO_SYSTEM, "uuid", "product_uuid"},
    {VB_SYSINFO_SYSTEM, "sku", "product_sku"},
    {VB_SYSINFO_SYSTEM, "family", "product_family"},
    {VB_SYSINFO_BASE_BOARD, "manufacturer", "board_vendor"},
    {VB_SYSINFO_BASE_BOARD, "product", "board_name"},
    {VB_SYSINFO_BASE_BOARD, "version", "board_version"},
    {VB_SYSINFO_BASE_BOARD, "serial", "board_serial"},
    {VB_SYSINFO_BASE_BOARD, "asset", "board_asset_tag"},
    {VB_SYSINFO_CHASSIS, "manufacturer", "chassis_vendor"},
    {VB_SYSINFO_CHASSIS, "version", "chassis_version"},
    {VB_SYSINFO_CHASSIS, "serial", "chassis_serial"},
    {VB_SYSINFO_CHASSIS, "asset", "chassis_asset_tag"},
};

vbSysinfo *
vbQemuHostGetSysinfo(const char *root)
{
    g_autoptr(vbSysinfo) info = vbSysinfoNew();
    size_t found = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vbQemuHostDMIEntries); i++) {
        g_autofree char *rel =
            g_build_filename("sys/class/dmi/id", vbQemuHostDMIEntries[i].attr, NULL);
        g_autofree char *value = vbQemuHostReadOptional(root, rel);

        /* dmidecode leaves out what the firmware left empty */
        if (!value || !*g_strstrip(value))
            continue;
        vbSysinfoAdd(info, vbQemuHostDMIEntries[i].group, vbQemuHostDMIEntries[i].entry, value);
        found++;
    }
    /* nothing to report here: whether that is an error is the caller's */
    if (found == 0)
        return NULL;
    return g_steal_pointer(&info);
}

int
vbQemuHostGetKVMMaxVCPUs(void)
{
    int fd = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
    int max;

    if (fd < 0) {
        vbReportSystemError(errno, _("Unable to open %s"), "/dev/kvm");
        return -1;
    }
    /* the hard limit, else the recommended one, else the kernel's
     * documented floor */
    if ((max = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS)) <= 0 &&
        (max = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS)) <= 0)
        max = 4;
    close(fd);
    return max;
}
