/*
 * qemuhosttest.c: node information and memory from fake procfs/sysfs trees
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "vberror.h"
#include "vbqemuhost.h"
#include "vbqemuhoststats.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

static char *
testRoot(const char *host)
{
    g_autofree char *rel = g_strdup_printf("qemuhostdata/%s", host);

    return vbTestSrcPath(rel);
}

typedef struct {
    const char *host;
    vbQemuHostNodeInfo expect;
} testNodeInfoCase;

static int
testNodeInfo(const void *opaque)
{
    const testNodeInfoCase *c = opaque;
    g_autofree char *root = testRoot(c->host);
    vbQemuHostNodeInfo info;

    if (vbQemuHostGetNodeInfo(root, "x86_64", &info) < 0)
        return -1;
    if (strcmp(info.model, c->expect.model) != 0 || info.memoryKiB != c->expect.memoryKiB ||
        info.cpus != c->expect.cpus || info.mhz != c->expect.mhz || info.nodes != c->expect.nodes ||
        info.sockets != c->expect.sockets || info.dies != c->expect.dies ||
        info.cores != c->expect.cores || info.threads != c->expect.threads) {
        fprintf(stderr,
                "%s: %s %llu cpus=%u mhz=%u nodes=%u sockets=%u dies=%u cores=%u "
                "threads=%u\n",
                c->host, info.model, info.memoryKiB, info.cpus, info.mhz, info.nodes, info.sockets,
                info.dies, info.cores, info.threads);
        return -1;
    }
    return 0;
}

static int
testFreeMemory(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *two = testRoot("two-cells-smt");
    g_autofree char *flat = testRoot("no-numa");
    g_autoptr(GArray) cells = NULL;
    g_autoptr(GArray) one = NULL;
    unsigned long long bytes;

    /* the nodes' free memory summed; without NUMA the host's */
    if (vbQemuHostGetFreeMemory(two, &bytes) < 0 || bytes != 27000000ULL * 1024)
        return -1;
    if (vbQemuHostGetFreeMemory(flat, &bytes) < 0 || bytes != 6000000ULL * 1024)
        return -1;
    if (vbQemuHostGetCellsFreeMemory(two, 0, 1024, &cells) < 0 || cells->len != 2 ||
        g_array_index(cells, unsigned long long, 1) != 15000000ULL * 1024)
        return -1;
    if (vbQemuHostGetCellsFreeMemory(two, 1, 1, &one) < 0 || one->len != 1 ||
        g_array_index(one, unsigned long long, 0) != 15000000ULL * 1024)
        return -1;
    g_clear_pointer(&one, g_array_unref);
    if (vbQemuHostGetCellsFreeMemory(flat, 0, 8, &one) < 0 || one->len != 1)
        return -1;
    g_clear_pointer(&one, g_array_unref);
    if (vbQemuHostGetCellsFreeMemory(two, 2, 1, &one) == 0)
        return -1;
    return vbTestCompareStrings("internal error: start cell 2 out of range (0-1)",
                                vbGetLastErrorMessage());
}

static int
testMemoryStats(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *two = testRoot("two-cells-smt");
    g_autofree char *flat = testRoot("no-numa");
    g_autoptr(GArray) stats = NULL;
    g_autoptr(GArray) cell = NULL;
    const vbQemuHostStat *s;
    int nparams = 0;

    /* first the count, then the values, in libvirt's order */
    if (vbQemuHostGetMemoryStats(two, VIR_NODE_MEMORY_STATS_ALL_CELLS, &nparams, &stats) < 0 ||
        nparams != 4 || stats)
        return -1;
    if (vbQemuHostGetMemoryStats(two, VIR_NODE_MEMORY_STATS_ALL_CELLS, &nparams, &stats) < 0 ||
        stats->len != 4)
        return -1;
    s = &g_array_index(stats, vbQemuHostStat, 0);
    if (strcmp(s[0].field, "total") != 0 || s[0].value != 32384000 ||
        strcmp(s[1].field, "free") != 0 || s[1].value != 27000000 ||
        strcmp(s[2].field, "buffers") != 0 || s[2].value != 100000 ||
        strcmp(s[3].field, "cached") != 0 || s[3].value != 2000000)
        return -1;

    /* a cell: total and free only */
    nparams = 2;
    if (vbQemuHostGetMemoryStats(two, 1, &nparams, &cell) < 0 || cell->len != 2 ||
        g_array_index(cell, vbQemuHostStat, 0).value != 16384000)
        return -1;
    g_clear_pointer(&cell, g_array_unref);

    /* without NUMA, cell 0 is the host */
    nparams = 0;
    if (vbQemuHostGetMemoryStats(flat, 0, &nparams, &cell) < 0 || nparams != 4)
        return -1;

    nparams = 3;
    if (vbQemuHostGetMemoryStats(two, 0, &nparams, &cell) == 0 ||
        vbGetLastErrorCode() != VIR_ERR_INVALID_ARG ||
        vbTestCompareStrings("nparams in virHostMemGetStatsLinux must be 2",
                             vbGetLastErrorMessage()) < 0)
        return -1;
    nparams = 0;
    if (vbQemuHostGetMemoryStats(two, 2, &nparams, &cell) == 0)
        return -1;
    return vbTestCompareStrings("cellNum in virHostMemGetStats must be less than or equal to 1",
                                vbGetLastErrorMessage());
}

static int
testCPUStats(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *root = testRoot("one-cell");
    g_autoptr(GArray) stats = NULL;
    const vbQemuHostStat *s;
    unsigned long long tick = 1000000000ULL / sysconf(_SC_CLK_TCK);
    int nparams = 0;

    if (vbQemuHostGetCPUStats(root, VIR_NODE_CPU_STATS_ALL_CPUS, &nparams, &stats) < 0 ||
        nparams != 4 || stats)
        return -1;
    /* kernel = system + irq + softirq, user = user + nice, in ns */
    if (vbQemuHostGetCPUStats(root, VIR_NODE_CPU_STATS_ALL_CPUS, &nparams, &stats) < 0 ||
        stats->len != 4)
        return -1;
    s = &g_array_index(stats, vbQemuHostStat, 0);
    if (strcmp(s[0].field, "kernel") != 0 || s[0].value != 313 * tick ||
        strcmp(s[1].field, "user") != 0 || s[1].value != 1020 * tick ||
        strcmp(s[2].field, "idle") != 0 || s[2].value != 4000 * tick ||
        strcmp(s[3].field, "iowait") != 0 || s[3].value != 50 * tick)
        return -1;
    g_clear_pointer(&stats, g_array_unref);
    if (vbQemuHostGetCPUStats(root, 1, &nparams, &stats) < 0 ||
        g_array_index(stats, vbQemuHostStat, 0).value != 156 * tick)
        return -1;
    g_clear_pointer(&stats, g_array_unref);
    if (vbQemuHostGetCPUStats(root, 2, &nparams, &stats) == 0 ||
        vbTestCompareStrings("Invalid cpuNum in virHostCPUGetStatsLinux", vbGetLastErrorMessage()) <
            0)
        return -1;
    nparams = 5;
    if (vbQemuHostGetCPUStats(root, 0, &nparams, &stats) == 0)
        return -1;
    return vbTestCompareStrings("nparams in virHostCPUGetStatsLinux must be equal to 4",
                                vbGetLastErrorMessage());
}

static int
testMissingMeminfo(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *root = vbTestSrcPath("qemuhostdata/nonexistent");
    vbQemuHostNodeInfo info;

    if (vbQemuHostGetNodeInfo(root, "x86_64", &info) == 0)
        return -1;
    return vbGetLastErrorCode() == VIR_ERR_SYSTEM_ERROR ? 0 : -1;
}

static int
mymain(void)
{
    static const testNodeInfoCase nodeinfo[] = {
        {"one-cell", {"x86_64", 24683736, 2, 2694, 1, 1, 1, 2, 1}},
        {"two-cells-smt", {"x86_64", 32384000, 8, 3000, 2, 1, 1, 2, 2}},
        {"no-numa", {"x86_64", 8000000, 4, 1999, 1, 1, 1, 4, 1}},
    };
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(nodeinfo); i++) {
        g_autofree char *name = g_strdup_printf("nodeinfo of %s", nodeinfo[i].host);

        if (vbTestRun(name, testNodeInfo, &nodeinfo[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("free memory, per cell and in all", testFreeMemory, NULL) < 0)
        ret = -1;
    if (vbTestRun("memory stats: count, values, errors", testMemoryStats, NULL) < 0)
        ret = -1;
    if (vbTestRun("CPU stats: count, values, errors", testCPUStats, NULL) < 0)
        ret = -1;
    if (vbTestRun("no /proc/meminfo", testMissingMeminfo, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
