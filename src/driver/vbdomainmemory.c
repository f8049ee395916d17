/*
 * vbdomainmemory.c: a domain's memory through its balloon
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt's qemuDomainSetMemoryFlags, qemuDomainSetMemoryStatsPeriod
 * and qemuDomainMemoryStats, with their errors.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <unistd.h>

#include "vbdomainmemory.h"
#include "vbdomainobj.h"
#include "vbmonitorballoon.h"
#include "vberror.h"
#include "vblog.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* The definitions @flags name (libvirt's virDomainObjGetDefs): *@live
 * the running one, *@config the persistent one, each NULL when not
 * asked for.  VIR_DOMAIN_AFFECT_CURRENT is the running one of a running
 * domain, else the persistent one. */
static int
vbDomainMemoryGetDefs(vbDomainObj *vm, unsigned int flags, vbDomainDef **live, vbDomainDef **config)
{
    bool active = vbDomainObjIsActive(vm);

    *live = NULL;
    *config = NULL;
    if (!(flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)))
        flags |= active ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
    if (flags & VIR_DOMAIN_AFFECT_LIVE) {
        if (vbDomainObjCheckActive(vm) < 0)
            return -1;
        *live = vm->def;
    }
    if (flags & VIR_DOMAIN_AFFECT_CONFIG) {
        if (!vm->persistent) {
            /* libvirt's wording */
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("transient domains do not have any persistent config"));
            return -1;
        }
        *config = vbDomainObjGetPersistentDef(vm);
    }
    return 0;
}

static bool
vbDomainMemoryHasBalloon(const vbDomainDef *def)
{
    return def->memballoon && def->memballoon->model != VB_DOMAIN_MEMBALLOON_MODEL_NONE;
}

static int
vbDomainMemorySetMax(vbDomainObj *vm, vbDomainDef *live, vbDomainDef *config,
                     unsigned long long memory)
{
    if (live) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("cannot resize the maximum memory on an active domain"));
        return -1;
    }
    config->maxMemory = memory;
    if (config->currentMemory > memory)
        config->currentMemory = memory;
    return vbDomainObjSaveConfig(vm);
}

static int
vbDomainMemorySetCurrent(vbDomainObj *vm, vbDomainDef *live, vbDomainDef *config,
                         unsigned long long memory)
{
    unsigned long long max = live ? live->maxMemory : 0;

    if (config && (!live || max > config->maxMemory))
        max = config->maxMemory;
    if (memory > max) {
        vbReportError(VIR_ERR_INVALID_ARG, _("cannot set memory higher than max memory"));
        return -1;
    }
    if (live) {
        vbMonitor *mon;
        int rc;

        if (!vbDomainMemoryHasBalloon(live)) {
            vbReportError(
                VIR_ERR_OPERATION_INVALID,
                _("Unable to change memory of active domain without the balloon device and guest OS balloon driver"));
            return -1;
        }
        mon = vbDomainObjEnterMonitor(vm);
        rc = vbMonitorBalloon(mon, memory * 1024);
        if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
            return -1;
    }
    if (config) {
        config->currentMemory = memory;
        return vbDomainObjSaveConfig(vm);
    }
    return 0;
}

int
vbDomainSetMemoryFlags(vbDriver *driver, const vbDomainHandle *dom, unsigned long long memory,
                       unsigned int flags)
{
    vbDomainObj *vm;
    vbDomainDef *live;
    vbDomainDef *config;
    int ret = -1;

    vbCheckFlagsFunc(flags,
                     VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_MEM_MAXIMUM,
                     "qemuDomainSetMemoryFlags", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbDomainMemoryGetDefs(vm, flags, &live, &config) < 0)
        goto endjob;
    if (flags & VIR_DOMAIN_MEM_MAXIMUM)
        ret = vbDomainMemorySetMax(vm, live, config, memory);
    else
        ret = vbDomainMemorySetCurrent(vm, live, config, memory);
endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

static int
vbDomainMemoryCheckBalloon(const vbDomainDef *def)
{
    if (!vbDomainMemoryHasBalloon(def)) {
        /* libvirt's code and wording */
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("No memory balloon device configured, can not set the collection period"));
        return -1;
    }
    return 0;
}

int
vbDomainSetMemoryStatsPeriod(vbDriver *driver, const vbDomainHandle *dom, int period,
                             unsigned int flags)
{
    vbDomainObj *vm;
    vbDomainDef *live;
    vbDomainDef *config;
    int ret = -1;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG,
                     "qemuDomainSetMemoryStatsPeriod", -1);
    if (period < 0) {
        vbReportError(VIR_ERR_INVALID_ARG, _("Invalid collection period value '%d'"), period);
        return -1;
    }
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbDomainMemoryGetDefs(vm, flags, &live, &config) < 0)
        goto endjob;
    if (live) {
        vbMonitor *mon;
        int rc;

        if (vbDomainMemoryCheckBalloon(live) < 0)
            goto endjob;
        mon = vbDomainObjEnterMonitor(vm);
        rc = vbMonitorSetBalloonStatsPeriod(mon, live->memballoon->info.alias, period);
        if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
            goto endjob;
        live->memballoon->period = period;
        if (vbDomainObjSaveStatus(vm) < 0)
            goto endjob;
    }
    if (config) {
        if (vbDomainMemoryCheckBalloon(config) < 0)
            goto endjob;
        config->memballoon->period = period;
        if (vbDomainObjSaveConfig(vm) < 0)
            goto endjob;
    }
    ret = 0;
endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* QEMU's resident set in KiB, from /proc/PID/stat; -1 when unreadable */
static long long
vbDomainMemoryRSS(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/statm", (int) pid);
    g_autofree char *text = NULL;
    unsigned long long size;
    unsigned long long resident;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        sscanf(text, "%llu %llu", &size, &resident) != 2)
        return -1;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
vbDomainMemoryStatAdd(virDomainMemoryStatStruct *stats, unsigned int nr, unsigned int *n, int tag,
                      unsigned long long val)
{
    if (*n >= nr)
        return;
    stats[*n].tag = tag;
    stats[*n].val = val;
    (*n)++;
}

/* The balloon's part: its size, then what the guest reported, each
 * memory size in KiB, in libvirt's order */
static int
vbDomainMemoryBalloonStats(vbDomainObj *vm, virDomainMemoryStatStruct *stats, unsigned int nr,
                           unsigned int *n)
{
    static const struct {
        vbMonitorBalloonStat stat;
        int tag;
        unsigned int divisor;
    } order[] = {
        {VB_MONITOR_BALLOON_STAT_SWAP_IN, VIR_DOMAIN_MEMORY_STAT_SWAP_IN, 1024},
        {VB_MONITOR_BALLOON_STAT_SWAP_OUT, VIR_DOMAIN_MEMORY_STAT_SWAP_OUT, 1024},
        {VB_MONITOR_BALLOON_STAT_MAJOR_FAULTS, VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT, 1},
        {VB_MONITOR_BALLOON_STAT_MINOR_FAULTS, VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT, 1},
        {VB_MONITOR_BALLOON_STAT_FREE_MEMORY, VIR_DOMAIN_MEMORY_STAT_UNUSED, 1024},
        {VB_MONITOR_BALLOON_STAT_TOTAL_MEMORY, VIR_DOMAIN_MEMORY_STAT_AVAILABLE, 1024},
        {VB_MONITOR_BALLOON_STAT_AVAILABLE_MEMORY, VIR_DOMAIN_MEMORY_STAT_USABLE, 1024},
    };
    static const struct {
        vbMonitorBalloonStat stat;
        int tag;
        unsigned int divisor;
    } after[] = {
        {VB_MONITOR_BALLOON_STAT_DISK_CACHES, VIR_DOMAIN_MEMORY_STAT_DISK_CACHES, 1024},
        {VB_MONITOR_BALLOON_STAT_HTLB_PGALLOC, VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC, 1},
        {VB_MONITOR_BALLOON_STAT_HTLB_PGFAIL, VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, 1},
    };
    vbMonitorBalloonStats guest = {0};
    unsigned long long actual = 0;
    vbMonitor *mon;
    size_t i;
    int rc;

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorQueryBalloon(mon, &actual);
    if (rc == 0)
        rc = vbMonitorGetBalloonStats(mon, vm->def->memballoon->info.alias, &guest);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;

    vbDomainMemoryStatAdd(stats, nr, n, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, actual / 1024);
    for (i = 0; i < G_N_ELEMENTS(order); i++) {
        if (guest.stats[order[i].stat] != VB_MONITOR_BALLOON_STAT_ABSENT)
            vbDomainMemoryStatAdd(stats, nr, n, order[i].tag,
                                  guest.stats[order[i].stat] / order[i].divisor);
    }
    vbDomainMemoryStatAdd(stats, nr, n, VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE, guest.lastUpdate);
    for (i = 0; i < G_N_ELEMENTS(after); i++) {
        if (guest.stats[after[i].stat] != VB_MONITOR_BALLOON_STAT_ABSENT)
            vbDomainMemoryStatAdd(stats, nr, n, after[i].tag,
                                  guest.stats[after[i].stat] / after[i].divisor);
    }
    return 0;
}

int
vbDomainMemoryStats(vbDriver *driver, const vbDomainHandle *dom, virDomainMemoryStatStruct *stats,
                    unsigned int nr, unsigned int flags)
{
    vbDomainObj *vm;
    unsigned int n = 0;
    long long rss;
    int ret = -1;

    vbCheckFlagsFunc(flags, 0, "qemuDomainMemoryStats", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_QUERY) < 0)
        goto cleanup;
    if (vbDomainObjCheckActive(vm) < 0)
        goto endjob;
    if (vbDomainMemoryHasBalloon(vm->def) && vbDomainMemoryBalloonStats(vm, stats, nr, &n) < 0)
        goto endjob;
    /* as libvirt, the other statistics are answered without it */
    if ((rss = vbDomainMemoryRSS(vm->pid)) < 0)
        VB_DEBUG("cannot read the RSS of QEMU %d of domain '%s'", (int) vm->pid, vm->def->name);
    else
        vbDomainMemoryStatAdd(stats, nr, &n, VIR_DOMAIN_MEMORY_STAT_RSS, rss);
    ret = n;
endjob:
    vbDomainObjEndJob(vm, VB_JOB_QUERY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
