/*
 * vbqemuhoststats.h: the host's free memory and its memory and CPU
 * statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt reads them for virNodeGetFreeMemory,
 * virNodeGetCellsFreeMemory, virNodeGetMemoryStats and
 * virNodeGetCPUStats, below @root as in vbqemuhost.h.
 */

#pragma once

#include <glib.h>

/* virNodeGetFreeMemory: bytes */
int vbQemuHostGetFreeMemory(const char *root, unsigned long long *bytes);

/* virNodeGetCellsFreeMemory: the free bytes of cells @startCell to
 * @startCell + @maxCells - 1 (as far as they exist) in *@bytes, a GArray
 * of unsigned long long */
int vbQemuHostGetCellsFreeMemory(const char *root, int startCell, int maxCells, GArray **bytes);

/* One statistic of the host */
typedef struct _vbQemuHostStat vbQemuHostStat;
struct _vbQemuHostStat {
    const char *field;        /* VIR_NODE_MEMORY_STATS_TOTAL, VIR_NODE_CPU_STATS_USER... (static) */
    unsigned long long value; /* KiB for memory, ns for CPU time */
};

/* virNodeGetMemoryStats for @cellNum (VIR_NODE_MEMORY_STATS_ALL_CELLS:
 * the host): with *@nparams 0 only the count of stats, else *@nparams
 * must be that count and *@stats gets them (a GArray of vbQemuHostStat). */
int vbQemuHostGetMemoryStats(const char *root, int cellNum, int *nparams, GArray **stats);

/* virNodeGetCPUStats for CPU @cpuNum (VIR_NODE_CPU_STATS_ALL_CPUS: all),
 * from /proc/stat, as vbQemuHostGetMemoryStats */
int vbQemuHostGetCPUStats(const char *root, int cpuNum, int *nparams, GArray **stats);
