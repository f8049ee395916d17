/*
 * vbqemuhoststats.c: the host's free memory and its memory and CPU
 * statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "vberror.h"
#include "vbqemuhoststats.h"
#define VB_QEMU_HOST_PRIV_H_ALLOW
#include "vbqemuhostpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

/* The free KiB of node @node */
static int
vbQemuHostNodeFree(const char *root, unsigned int node, unsigned long long *kib)
{
    g_autofree char *rel = g_strdup_printf(VB_QEMU_HOST_NODE_DIR "/node%u/meminfo", node);
    g_autofree char *text = vbQemuHostRead(root, rel);

    if (!text)
        return -1;
    if (!vbQemuHostMeminfoGet(text, "MemFree:", kib)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("no available memory line found"));
        return -1;
    }
    return 0;
}

/* /proc/meminfo's @key in KiB */
static int
vbQemuHostMeminfo(const char *root, const char *key, unsigned long long *kib)
{
    g_autofree char *text = vbQemuHostRead(root, "proc/meminfo");

    if (!text)
        return -1;
    if (!vbQemuHostMeminfoGet(text, key, kib)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("no available memory line found"));
        return -1;
    }
    return 0;
}

int
vbQemuHostGetFreeMemory(const char *root, unsigned long long *bytes)
{
    g_autoptr(GArray) nodes = vbQemuHostListNodes(root);
    unsigned long long total = 0;
    size_t i;

    /* as libvirt: the nodes' free memory summed, or the host's without NUMA */
    if (nodes->len == 0) {
        if (vbQemuHostMeminfo(root, "MemFree:", &total) < 0)
            return -1;
    }
    for (i = 0; i < nodes->len; i++) {
        unsigned long long kib;

        if (vbQemuHostNodeFree(root, g_array_index(nodes, unsigned int, i), &kib) < 0)
            return -1;
        total += kib;
    }
    *bytes = total * 1024;
    return 0;
}

int
vbQemuHostGetCellsFreeMemory(const char *root, int startCell, int maxCells, GArray **bytes)
{
    g_autoptr(GArray) nodes = vbQemuHostListNodes(root);
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(unsigned long long));
    int maxCell;
    int n;

    /* libvirt numbers cells by node; without NUMA it has one cell, 0 */
    maxCell = nodes->len ? (int) g_array_index(nodes, unsigned int, nodes->len - 1) : 0;
    if (startCell < 0 || startCell > maxCell) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("start cell %d out of range (0-%d)"), startCell,
                      maxCell);
        return -1;
    }
    for (n = startCell; n <= maxCell && n - startCell < maxCells; n++) {
        unsigned long long kib = 0;

        if (nodes->len == 0) {
            if (vbQemuHostMeminfo(root, "MemFree:", &kib) < 0)
                return -1;
        } else if (vbQemuHostNodeFree(root, n, &kib) < 0) {
            return -1;
        }
        kib *= 1024;
        g_array_append_val(out, kib);
    }
    *bytes = g_steal_pointer(&out);
    return 0;
}

/* The meminfo lines libvirt reports, in its order */
static const struct {
    const char *key;
    const char *field;
} vbQemuHostMemoryFields[] = {
    {"MemTotal:", VIR_NODE_MEMORY_STATS_TOTAL},
    {"MemFree:", VIR_NODE_MEMORY_STATS_FREE},
    {"Buffers:", VIR_NODE_MEMORY_STATS_BUFFERS},
    {"Cached:", VIR_NODE_MEMORY_STATS_CACHED},
};

int
vbQemuHostGetMemoryStats(const char *root, int cellNum, int *nparams, GArray **stats)
{
    g_autoptr(GArray) nodes = vbQemuHostListNodes(root);
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(vbQemuHostStat));
    g_autofree char *text = NULL;
    int nfields;
    size_t i;

    /* without NUMA libvirt claims one cell, and cell 0 is the host */
    if (nodes->len == 0 && cellNum == 0)
        cellNum = VIR_NODE_MEMORY_STATS_ALL_CELLS;
    if (cellNum == VIR_NODE_MEMORY_STATS_ALL_CELLS) {
        if (!(text = vbQemuHostRead(root, "proc/meminfo")))
            return -1;
    } else {
        int maxNode = nodes->len ? (int) g_array_index(nodes, unsigned int, nodes->len - 1) : 0;
        g_autofree char *rel = NULL;

        /* libvirt's invalid-argument message goes without a prefix */
        if (cellNum < 0 || cellNum > maxNode) {
            vbReportRawError(VIR_ERR_INVALID_ARG,
                             _("cellNum in virHostMemGetStats must be less than or equal to %d"),
                             maxNode);
            return -1;
        }
        rel = g_strdup_printf(VB_QEMU_HOST_NODE_DIR "/node%d/meminfo", cellNum);
        if (!(text = vbQemuHostRead(root, rel)))
            return -1;
    }

    /* a cell's meminfo has no Buffers or Cached */
    nfields = cellNum == VIR_NODE_MEMORY_STATS_ALL_CELLS ? 4 : 2;
    if (*nparams == 0) {
        *nparams = nfields;
        return 0;
    }
    if (*nparams != nfields) {
        vbReportRawError(VIR_ERR_INVALID_ARG, _("nparams in virHostMemGetStatsLinux must be %d"),
                         nfields);
        return -1;
    }

    for (i = 0; i < (size_t) nfields; i++) {
        vbQemuHostStat stat = {vbQemuHostMemoryFields[i].field, 0};

        if (!vbQemuHostMeminfoGet(text, vbQemuHostMemoryFields[i].key, &stat.value))
            continue;
        g_array_append_val(out, stat);
    }
    if (out->len == 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("no available memory line found"));
        return -1;
    }
    *nparams = out->len;
    *stats = g_steal_pointer(&out);
    return 0;
}

/* The CPU times libvirt reports, in its order */
#define VB_QEMU_HOST_CPU_STATS 4

int
vbQemuHostGetCPUStats(const char *root, int cpuNum, int *nparams, GArray **stats)
{
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(vbQemuHostStat));
    g_autofree char *text = NULL;
    g_autofree char *header = NULL;
    g_auto(GStrv) lines = NULL;
    unsigned long long nsPerTick = 1000000000ULL / sysconf(_SC_CLK_TCK);
    size_t i;

    if (!(text = vbQemuHostRead(root, "proc/stat")))
        return -1;
    if (*nparams == 0) {
        *nparams = VB_QEMU_HOST_CPU_STATS;
        return 0;
    }
    /* libvirt's invalid-argument messages go without a prefix */
    if (*nparams != VB_QEMU_HOST_CPU_STATS) {
        vbReportRawError(VIR_ERR_INVALID_ARG,
                         _("nparams in virHostCPUGetStatsLinux must be equal to %d"),
                         VB_QEMU_HOST_CPU_STATS);
        return -1;
    }

    header = cpuNum == VIR_NODE_CPU_STATS_ALL_CPUS ? g_strdup("cpu ")
                                                   : g_strdup_printf("cpu%d ", cpuNum);
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        unsigned long long v[7] = {0};
        vbQemuHostStat stat;

        if (!g_str_has_prefix(lines[i], header) ||
            sscanf(lines[i] + strlen(header), "%llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
                   &v[2], &v[3], &v[4], &v[5], &v[6]) < 4)
            continue;
        /* user, nice, system, idle, iowait, irq, softirq */
        stat.field = VIR_NODE_CPU_STATS_KERNEL;
        stat.value = (v[2] + v[5] + v[6]) * nsPerTick;
        g_array_append_val(out, stat);
        stat.field = VIR_NODE_CPU_STATS_USER;
        stat.value = (v[0] + v[1]) * nsPerTick;
        g_array_append_val(out, stat);
        stat.field = VIR_NODE_CPU_STATS_IDLE;
        stat.value = v[3] * nsPerTick;
        g_array_append_val(out, stat);
        stat.field = VIR_NODE_CPU_STATS_IOWAIT;
        stat.value = v[4] * nsPerTick;
        g_array_append_val(out, stat);
        *stats = g_steal_pointer(&out);
        return 0;
    }
    vbReportRawError(VIR_ERR_INVALID_ARG, "%s", _("Invalid cpuNum in virHostCPUGetStatsLinux"));
    return -1;
}
