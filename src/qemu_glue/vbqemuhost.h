/*
 * vbqemuhost.h: the host as libvirt's QEMU driver describes it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Facts about the host (CPUs and their topology, NUMA cells, memory) read
 * from procfs and sysfs, as libvirt reads them for virNodeGetInfo,
 * virNodeGetFreeMemory, virNodeGetCellsFreeMemory, virNodeGetMemoryStats
 * and the <host> part of virConnectGetCapabilities.
 *
 * Every function reads below @root ("/" on a real host; tests pass a
 * directory holding proc/ and sys/ files), and takes the machine name
 * uname(2) gives ("x86_64") as @arch, so that no output depends on the
 * machine running the tests.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbcapabilities.h"
#include "vbqemucaps.h"
#include "vbsysinfo.h"

typedef struct _vbQemuHostNodeInfo vbQemuHostNodeInfo;
struct _vbQemuHostNodeInfo {
    char model[32]; /* the machine name, NUL-terminated */
    unsigned long long memoryKiB;
    unsigned int cpus; /* online */
    unsigned int mhz;
    unsigned int nodes;
    unsigned int sockets; /* per node */
    unsigned int dies;    /* per socket (capabilities only) */
    unsigned int cores;   /* per die */
    unsigned int threads; /* per core */
};

/* virNodeGetInfo */
int vbQemuHostGetNodeInfo(const char *root, const char *arch, vbQemuHostNodeInfo *info);

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

/* The host part of @caps: arch, CPU topology, page sizes, cells */
int vbQemuHostFillCaps(const char *root, const char *arch, vbCaps *caps);

/* libvirt's name of the architecture QEMU calls @qemuArch ("i386" is
 * "i686"); the wordsize in *@wordsize; NULL for one we do not know. */
const char *vbQemuHostArchFromQEMU(const char *qemuArch, unsigned int *wordsize);

/* A <guest> of @caps for the emulator @qemuCaps describes, with its
 * machine types and an alias beside each aliased machine */
void vbQemuHostAddGuest(vbCaps *caps, const vbQemuCaps *qemuCaps);

/*
 * virConnectGetSysinfo's data: the kernel's DMI attributes
 * (sys/class/dmi/id), those it lets us read; NULL, reporting nothing,
 * when there are none.
 */
vbSysinfo *vbQemuHostGetSysinfo(const char *root);

/* The most vCPUs a KVM guest may have, as the kernel says; -1 with a
 * system error when /dev/kvm cannot be opened */
int vbQemuHostGetKVMMaxVCPUs(void);
