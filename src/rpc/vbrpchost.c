/*
 * vbrpchost.c: remote procedures about the host (capabilities, node
 * information, the hypervisor's version)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One small handler per procedure, as in vbrpcdispatch.c; the limits the
 * protocol puts on arrays are checked here with libvirtd's messages.
 */

#include "vbinternal.h"

#include <string.h>

#include "vberror.h"
#include "vbhost.h"
#include "vbrpchost.h"

#define VB_FROM_THIS_FILE VIR_FROM_RPC

static vbDriver *
vbRPCHostDriver(vbRPCClient *client)
{
    return vbRPCServerGetOpaque(vbRPCClientGetServer(client));
}

static int
vbRPCHostGetVersion(vbRPCClient *client, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteConnectGetVersionRet *r = ret;
    unsigned long long version;

    if (vbConnectGetVersion(vbRPCHostDriver(client), &version) < 0)
        return -1;
    r->version = version;
    return 0;
}

static int
vbRPCHostGetMaxVcpus(vbRPCClient *client, const void *args, void *ret)
{
    const vbRemoteConnectGetMaxVcpusArgs *a = args;
    vbRemoteConnectGetMaxVcpusRet *r = ret;

    return (r->num = vbConnectGetMaxVcpus(vbRPCHostDriver(client), a->type)) < 0 ? -1 : 0;
}

static int
vbRPCHostNodeGetInfo(vbRPCClient *client, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteNodeGetInfoRet *r = ret;
    vbQemuHostNodeInfo info;

    if (vbNodeGetInfo(vbRPCHostDriver(client), &info) < 0)
        return -1;
    G_STATIC_ASSERT(sizeof(r->model) == sizeof(info.model));
    memcpy(r->model, info.model, sizeof(r->model));
    r->memory = info.memoryKiB;
    r->cpus = info.cpus;
    r->mhz = info.mhz;
    r->nodes = info.nodes;
    r->sockets = info.sockets;
    r->cores = info.cores;
    r->threads = info.threads;
    return 0;
}

static int
vbRPCHostGetCapabilities(vbRPCClient *client, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteConnectGetCapabilitiesRet *r = ret;

    return (r->str = vbConnectGetCapabilities(vbRPCHostDriver(client))) ? 0 : -1;
}

static int
vbRPCHostNodeGetCellsFreeMemory(vbRPCClient *client, const void *args, void *ret)
{
    const vbRemoteNodeGetCellsFreeMemoryArgs *a = args;
    vbRemoteNodeGetCellsFreeMemoryRet *r = ret;
    g_autoptr(GArray) cells = NULL;

    if (a->maxcells > VB_REMOTE_NODE_MAX_CELLS) {
        /* libvirtd's generated check, worded as generated */
        vbReportError(VIR_ERR_RPC, "%s", _("maxcells > REMOTE_NODE_MAX_CELLS"));
        return -1;
    }
    if (vbNodeGetCellsFreeMemory(vbRPCHostDriver(client), a->startCell, a->maxcells, &cells) < 0)
        return -1;
    r->ncells = cells->len;
    r->cells = (uint64_t *) g_array_free(g_steal_pointer(&cells), FALSE);
    return 0;
}

static int
vbRPCHostNodeGetFreeMemory(vbRPCClient *client, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteNodeGetFreeMemoryRet *r = ret;
    unsigned long long bytes;

    if (vbNodeGetFreeMemory(vbRPCHostDriver(client), &bytes) < 0)
        return -1;
    r->freeMem = bytes;
    return 0;
}

static int
vbRPCHostGetSysinfo(vbRPCClient *client, const void *args, void *ret)
{
    const vbRemoteConnectGetSysinfoArgs *a = args;
    vbRemoteConnectGetSysinfoRet *r = ret;

    return (r->str = vbConnectGetSysinfo(vbRPCHostDriver(client), a->flags)) ? 0 : -1;
}

/* Fills a reply of NODE_GET_CPU_STATS or NODE_GET_MEMORY_STATS: the count
 * alone when the call asked how many (@asked 0), else the stats */
static void
vbRPCHostReturnStats(int asked, int nparams, const GArray *stats, vbRemoteNodeGetMemoryStatsRet *r)
{
    size_t i;

    if (asked == 0) {
        r->nparams = nparams;
        return;
    }
    r->params = g_new0(vbRemoteNamedValue, stats->len);
    r->nparamsList = stats->len;
    for (i = 0; i < stats->len; i++) {
        const vbQemuHostStat *s = &g_array_index(stats, vbQemuHostStat, i);

        r->params[i].field = g_strdup(s->field);
        r->params[i].value = s->value;
    }
}

/* libvirtd's check of the count, then the public API's */
static int
vbRPCHostCheckNParams(int nparams, int max, const char *api)
{
    if (nparams > max) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("nparams too large"));
        return -1;
    }
    if (nparams < 0) {
        vbReportRawError(VIR_ERR_INVALID_ARG,
                         _("nparams in %s must be greater than or equal to zero"), api);
        return -1;
    }
    return 0;
}

static int
vbRPCHostNodeGetMemoryStats(vbRPCClient *client, const void *args, void *ret)
{
    const vbRemoteNodeGetMemoryStatsArgs *a = args;
    g_autoptr(GArray) stats = NULL;
    int nparams = a->nparams;

    if (vbRPCHostCheckNParams(a->nparams, VB_REMOTE_NODE_MEMORY_STATS_MAX,
                              "virNodeGetMemoryStats") < 0 ||
        vbNodeGetMemoryStats(vbRPCHostDriver(client), a->cellNum, &nparams, &stats, a->flags) < 0)
        return -1;
    vbRPCHostReturnStats(a->nparams, nparams, stats, ret);
    return 0;
}

static int
vbRPCHostNodeGetCPUStats(vbRPCClient *client, const void *args, void *ret)
{
    const vbRemoteNodeGetCPUStatsArgs *a = args;
    g_autoptr(GArray) stats = NULL;
    int nparams = a->nparams;

    if (vbRPCHostCheckNParams(a->nparams, VB_REMOTE_NODE_CPU_STATS_MAX, "virNodeGetCPUStats") < 0 ||
        vbNodeGetCPUStats(vbRPCHostDriver(client), a->cpuNum, &nparams, &stats, a->flags) < 0)
        return -1;
    vbRPCHostReturnStats(a->nparams, nparams, stats, ret);
    return 0;
}

static int
vbRPCHostGetDomainCapabilities(vbRPCClient *client, const void *args, void *ret)
{
    const vbRemoteConnectGetDomainCapabilitiesArgs *a = args;
    vbRemoteConnectGetDomainCapabilitiesRet *r = ret;

    r->str = vbConnectGetDomainCapabilities(vbRPCHostDriver(client), a->emulatorbin, a->arch,
                                            a->machine, a->virttype, a->flags);
    return r->str ? 0 : -1;
}

#define H(num, func) \
    { \
        VB_REMOTE_PROC_##num, func \
    }

static const vbRPCHandlerEntry vbRPCHostHandlers[] = {
    H(CONNECT_GET_VERSION, vbRPCHostGetVersion),
    H(CONNECT_GET_MAX_VCPUS, vbRPCHostGetMaxVcpus),
    H(NODE_GET_INFO, vbRPCHostNodeGetInfo),
    H(CONNECT_GET_CAPABILITIES, vbRPCHostGetCapabilities),
    H(NODE_GET_CELLS_FREE_MEMORY, vbRPCHostNodeGetCellsFreeMemory),
    H(NODE_GET_FREE_MEMORY, vbRPCHostNodeGetFreeMemory),
    H(CONNECT_GET_SYSINFO, vbRPCHostGetSysinfo),
    H(NODE_GET_CPU_STATS, vbRPCHostNodeGetCPUStats),
    H(NODE_GET_MEMORY_STATS, vbRPCHostNodeGetMemoryStats),
    H(CONNECT_GET_DOMAIN_CAPABILITIES, vbRPCHostGetDomainCapabilities),
};

#undef H

const vbRPCHandlerEntry *
vbRPCHostGetHandlers(size_t *n)
{
    *n = G_N_ELEMENTS(vbRPCHostHandlers);
    return vbRPCHostHandlers;
}
