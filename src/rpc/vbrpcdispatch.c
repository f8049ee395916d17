/*
 * vbrpcdispatch.c: remote procedures of the domain API, and driver events
 * on the wire
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One small handler per procedure: convert the wire arguments, call the
 * driver entry point, convert the result.  No logic lives here; the
 * read-only check is the server's (from the procedure table).
 */

#include <string.h>

#include "vbinternal.h"
#include "vbdomainconsole.h"
#include "vbdomainmemory.h"
#include "vbdomainnet.h"
#include "vbdomainiotune.h"
#include "vbdomainhotplug.h"
#include "vbdomainagent.h"
#include "vbqemuagent.h"
#include "vbdomainops.h"
#include "vbsnapshot.h"
#include "vbsnapshotrevert.h"
#include "vbrpcconnect.h"
#include "vbrpchost.h"
#include "vbrpcstorage.h"
#include "vberror.h"
#include "vbrpcdispatch.h"
#include "vbrpcstream.h"

#define VB_FROM_THIS_FILE VIR_FROM_RPC

static vbDriver *
vbDispatchDriver(vbRPCClient *client)
{
    return vbRPCServerGetOpaque(vbRPCClientGetServer(client));
}

static void
vbDispatchHandle(const vbRemoteDomain *rdom, vbDomainHandle *h)
{
    h->name = rdom->name;
    memcpy(h->uuid, rdom->uuid, VB_UUID_BUFLEN);
    h->id = rdom->id;
}

static void
vbDispatchRemoteDomain(const vbDomainHandle *h, vbRemoteDomain *rdom)
{
    rdom->name = g_strdup(h->name);
    memcpy(rdom->uuid, h->uuid, VB_UUID_BUFLEN);
    rdom->id = h->id;
}

/* Declares `dom`, the driver's handle for the args' domain. */
#define VB_DISPATCH_DOM(argsdom) \
    vbDomainHandle dom; \
    vbDispatchHandle(&(argsdom), &dom)

static int
vbDispatchReturnDomain(vbDomainHandle *h, vbRemoteDomainRet *ret)
{
    g_autoptr(vbDomainHandle) owned = h;

    if (!owned)
        return -1;
    vbDispatchRemoteDomain(owned, &ret->dom);
    return 0;
}

/* --- Lookups and lists --- */

static int
vbDispatchLookupByID(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainLookupByIDArgs *args = a;

    return vbDispatchReturnDomain(vbDomainLookupByID(vbDispatchDriver(client), args->id), r);
}

static int
vbDispatchLookupByName(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainLookupByNameArgs *args = a;

    return vbDispatchReturnDomain(vbDomainLookupByName(vbDispatchDriver(client), args->name), r);
}

static int
vbDispatchLookupByUUID(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainLookupByUUIDArgs *args = a;

    return vbDispatchReturnDomain(vbDomainLookupByUUID(vbDispatchDriver(client), args->uuid), r);
}

static int
vbDispatchListAllDomains(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteConnectListAllDomainsArgs *args = a;
    vbRemoteConnectListAllDomainsRet *ret = r;
    g_autoptr(GPtrArray) doms = NULL;
    size_t i;

    if (!(doms = vbConnectListAllDomains(vbDispatchDriver(client), args->flags)))
        return -1;
    if (doms->len > VB_REMOTE_DOMAIN_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, _("too many domains '%u' for limit '%d'"), doms->len,
                      VB_REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    ret->ret = doms->len;
    if (!args->needResults)
        return 0;
    ret->domains = g_new0(vbRemoteDomain, doms->len);
    ret->ndomains = doms->len;
    for (i = 0; i < doms->len; i++)
        vbDispatchRemoteDomain(g_ptr_array_index(doms, i), &ret->domains[i]);
    return 0;
}

static int
vbDispatchListDomains(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteConnectListDomainsArgs *args = a;
    vbRemoteConnectListDomainsRet *ret = r;
    g_autoptr(GPtrArray) doms = NULL;
    size_t i;

    if (args->maxids < 0 || args->maxids > VB_REMOTE_DOMAIN_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, "%s", _("maxids > REMOTE_DOMAIN_LIST_MAX"));
        return -1;
    }
    doms = vbConnectListAllDomains(vbDispatchDriver(client), VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    ret->nids = MIN(doms->len, (size_t) args->maxids);
    ret->ids = g_new0(int, ret->nids + 1);
    for (i = 0; i < ret->nids; i++)
        ret->ids[i] = ((vbDomainHandle *) g_ptr_array_index(doms, i))->id;
    return 0;
}

static int
vbDispatchListDefinedDomains(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteConnectListDefinedDomainsArgs *args = a;
    vbRemoteConnectListDefinedDomainsRet *ret = r;
    g_autoptr(GPtrArray) doms = NULL;
    size_t i;

    if (args->maxnames < 0 || args->maxnames > VB_REMOTE_DOMAIN_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, "%s", _("maxnames > REMOTE_DOMAIN_LIST_MAX"));
        return -1;
    }
    doms = vbConnectListAllDomains(vbDispatchDriver(client), VIR_CONNECT_LIST_DOMAINS_INACTIVE);
    ret->nnames = MIN(doms->len, (size_t) args->maxnames);
    ret->names = g_new0(char *, ret->nnames + 1);
    for (i = 0; i < ret->nnames; i++)
        ret->names[i] = g_strdup(((vbDomainHandle *) g_ptr_array_index(doms, i))->name);
    return 0;
}

static int
vbDispatchNumOfDomains(vbRPCClient *client, const void *a, void *r)
{
    ((vbRemoteNumRet *) r)->num = vbConnectNumOfDomains(vbDispatchDriver(client));
    return 0;
}

static int
vbDispatchNumOfDefinedDomains(vbRPCClient *client, const void *a, void *r)
{
    ((vbRemoteNumRet *) r)->num = vbConnectNumOfDefinedDomains(vbDispatchDriver(client));
    return 0;
}

/* --- Queries --- */

static int
vbDispatchGetInfo(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetInfoArgs *args = a;
    vbRemoteDomainGetInfoRet *ret = r;
    vbDomainInfo info;
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainGetInfo(vbDispatchDriver(client), &dom, &info) < 0)
        return -1;
    ret->state = info.state;
    ret->maxMem = info.maxMem;
    ret->memory = info.memory;
    ret->nrVirtCpu = info.nrVirtCpu;
    ret->cpuTime = info.cpuTime;
    return 0;
}

static int
vbDispatchGetState(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetStateArgs *args = a;
    vbRemoteDomainGetStateRet *ret = r;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainGetState(vbDispatchDriver(client), &dom, &ret->state, &ret->reason, args->flags);
}

static int
vbDispatchGetXMLDesc(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetXMLDescArgs *args = a;
    vbRemoteStringRet *ret = r;
    VB_DISPATCH_DOM(args->dom);

    /* the VNC password is for read-write clients only (libvirt's check in
     * its public API, which the server runs too, and its wording) */
    if (vbRPCClientIsReadOnly(client) &&
        (args->flags & (VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE))) {
        vbReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_DENIED, __FILE__, __func__, __LINE__,
                          _("virDomainGetXMLDesc with secure flag"));
        return -1;
    }
    if (!(ret->str = vbDomainGetXMLDesc(vbDispatchDriver(client), &dom, args->flags)))
        return -1;
    return 0;
}

static int
vbDispatchGetOSType(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    vbRemoteStringRet *ret = r;
    VB_DISPATCH_DOM(args->dom);

    if (!(ret->str = vbDomainGetOSType(vbDispatchDriver(client), &dom)))
        return -1;
    return 0;
}

static int
vbDispatchIsActive(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return (((vbRemoteNumRet *) r)->num = vbDomainIsActive(vbDispatchDriver(client), &dom)) < 0 ? -1
                                                                                                : 0;
}

static int
vbDispatchIsPersistent(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return (((vbRemoteNumRet *) r)->num = vbDomainIsPersistent(vbDispatchDriver(client), &dom)) < 0
               ? -1
               : 0;
}

/* Managed save does not exist here: answered as "no" for the domain,
 * after checking that the domain exists. */
static int
vbDispatchAnswerNo(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainIsActive(vbDispatchDriver(client), &dom) < 0)
        return -1;
    ((vbRemoteNumRet *) r)->num = 0;
    return 0;
}

static int
vbDispatchGetAutostart(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainGetAutostart(vbDispatchDriver(client), &dom, &((vbRemoteNumRet *) r)->num);
}

static int
vbDispatchSetAutostart(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSetAutostartArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainSetAutostart(vbDispatchDriver(client), &dom, args->autostart);
}

static int
vbDispatchAttachDevice(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainAttachDeviceArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainAttachDeviceFlags(vbDispatchDriver(client), &dom, args->xml,
                                     VIR_DOMAIN_AFFECT_LIVE);
}

static int
vbDispatchDetachDevice(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainAttachDeviceArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainDetachDeviceFlags(vbDispatchDriver(client), &dom, args->xml,
                                     VIR_DOMAIN_AFFECT_LIVE);
}

static int
vbDispatchAttachDeviceFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainAttachDeviceFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainAttachDeviceFlags(vbDispatchDriver(client), &dom, args->xml, args->flags);
}

static int
vbDispatchDetachDeviceFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainAttachDeviceFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainDetachDeviceFlags(vbDispatchDriver(client), &dom, args->xml, args->flags);
}

static int
vbDispatchUpdateDeviceFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainUpdateDeviceFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainUpdateDeviceFlags(vbDispatchDriver(client), &dom, args->xml, args->flags);
}

/* libvirt's order: the limits up to size_iops_sec, the group, the burst
 * lengths; at most as many as the client asked for */
static int
vbDispatchGetBlockIoTune(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetBlockIoTuneArgs *args = a;
    vbRemoteDomainGetBlockIoTuneRet *ret = r;
    vbDomainIoTune iotune;
    int nparams = args->nparams;
    size_t n = 0;
    size_t i;
    VB_DISPATCH_DOM(args->dom);

    if (nparams < 0 || nparams > VB_REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX) {
        vbReportError(VIR_ERR_RPC, "%s", _("nparams too large"));
        return -1;
    }
    if (vbDomainGetBlockIoTune(vbDispatchDriver(client), &dom, args->disk, &nparams, &iotune,
                               args->flags) < 0)
        return -1;
    if (args->nparams == 0) {
        ret->nparams = nparams;
        return 0;
    }
    ret->params = g_new0(vbRemoteTypedParam, VB_DOMAIN_BLOCK_IO_TUNE_NPARAMS);
    for (i = 0; i < VB_DOMAIN_IOTUNE_LAST && n < (size_t) nparams; i++) {
        if (i == VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC_MAX_LENGTH) {
            ret->params[n].field = g_strdup(VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME);
            ret->params[n].type = VIR_TYPED_PARAM_STRING;
            ret->params[n].value.s = g_strdup(iotune.groupName ? iotune.groupName : "");
            if (++n == (size_t) nparams)
                break;
        }
        ret->params[n].field = g_strdup(vbDomainIoTuneFieldTypeToString(i));
        ret->params[n].type = VIR_TYPED_PARAM_ULLONG;
        ret->params[n].value.ul = iotune.limits[i];
        n++;
    }
    g_free(iotune.groupName);
    ret->nparamsList = n;
    ret->nparams = n;
    return 0;
}

static int
vbDispatchGetMessages(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetMessagesArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    /* No taint or deprecation messages are recorded. */
    return vbDomainIsActive(vbDispatchDriver(client), &dom) < 0 ? -1 : 0;
}

/* --- Define, start, stop --- */

static int
vbDispatchDefineXML(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainDefineXMLArgs *args = a;

    return vbDispatchReturnDomain(vbDomainDefineXML(vbDispatchDriver(client), args->xml, 0), r);
}

static int
vbDispatchDefineXMLFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainDefineXMLFlagsArgs *args = a;

    return vbDispatchReturnDomain(
        vbDomainDefineXML(vbDispatchDriver(client), args->xml, args->flags), r);
}

static int
vbDispatchCreateXML(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainCreateXMLArgs *args = a;

    return vbDispatchReturnDomain(
        vbDomainCreateXML(vbDispatchDriver(client), args->xml, args->flags), r);
}

static int
vbDispatchRestore(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainRestoreArgs *args = a;

    return vbDomainRestore(vbDispatchDriver(client), args->from, NULL, 0);
}

static int
vbDispatchRestoreFlags(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainRestoreFlagsArgs *args = a;

    return vbDomainRestore(vbDispatchDriver(client), args->from, args->dxml, args->flags);
}

static int
vbDispatchUndefine(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainUndefine(vbDispatchDriver(client), &dom, 0);
}

static int
vbDispatchUndefineFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainUndefine(vbDispatchDriver(client), &dom, args->flags);
}

static int
vbDispatchCreate(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainCreate(vbDispatchDriver(client), &dom, 0);
}

/* The REPLY is void; the console's bytes follow on the stream */
static int
vbDispatchOpenConsole(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainOpenConsoleArgs *args = a;
    g_autoptr(vbFDStream) st = NULL;
    VB_DISPATCH_DOM(args->dom);

    if (!(st = vbDomainOpenConsole(vbDispatchDriver(client), &dom, args->devName, args->flags)))
        return -1;
    if (vbRPCStreamOpen(client, st) < 0) {
        /* the console table holds the stream too: free the console */
        vbFDStreamClose(st);
        return -1;
    }
    return 0;
}

static int
vbDispatchCreateWithFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    vbDriver *driver = vbDispatchDriver(client);
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainCreate(driver, &dom, args->flags) < 0)
        return -1;
    /* The client learns the new id from the reply. */
    return vbDispatchReturnDomain(vbDomainLookupByUUID(driver, dom.uuid), r);
}

static int
vbDispatchDestroy(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainDestroy(vbDispatchDriver(client), &dom, 0);
}

static int
vbDispatchDestroyFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainDestroy(vbDispatchDriver(client), &dom, args->flags);
}

static int
vbDispatchShutdown(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainShutdown(vbDispatchDriver(client), &dom, 0);
}

static int
vbDispatchShutdownFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainShutdown(vbDispatchDriver(client), &dom, args->flags);
}

static int
vbDispatchReboot(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainReboot(vbDispatchDriver(client), &dom, args->flags);
}

static int
vbDispatchReset(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainReset(vbDispatchDriver(client), &dom, args->flags);
}

/* The check libvirt's public API makes on the server too (its
 * virCheckNonZeroArgGoto): a zero size would be saved and then fail
 * every start. */
static int
vbDispatchCheckMemoryNonZero(unsigned long long memory, const char *api)
{
    if (memory != 0)
        return 0;
    vbReportError(VIR_ERR_INVALID_ARG, _("memory in %s must not be zero"), api);
    return -1;
}

static int
vbDispatchSetMaxMemory(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainSetMemoryArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    if (vbDispatchCheckMemoryNonZero(args->memory, "virDomainSetMaxMemory") < 0)
        return -1;
    return vbDomainSetMemoryFlags(vbDispatchDriver(client), &dom, args->memory,
                                  VIR_DOMAIN_MEM_MAXIMUM);
}

static int
vbDispatchSetMemory(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainSetMemoryArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    if (vbDispatchCheckMemoryNonZero(args->memory, "virDomainSetMemory") < 0)
        return -1;
    return vbDomainSetMemoryFlags(vbDispatchDriver(client), &dom, args->memory,
                                  VIR_DOMAIN_AFFECT_LIVE);
}

static int
vbDispatchSetMemoryFlags(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainSetMemoryFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    if (vbDispatchCheckMemoryNonZero(args->memory, "virDomainSetMemoryFlags") < 0)
        return -1;
    return vbDomainSetMemoryFlags(vbDispatchDriver(client), &dom, args->memory, args->flags);
}

static int
vbDispatchSetMemoryStatsPeriod(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainSetMemoryStatsPeriodArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainSetMemoryStatsPeriod(vbDispatchDriver(client), &dom, args->period, args->flags);
}

static int
vbDispatchMemoryStats(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainMemoryStatsArgs *args = a;
    vbRemoteDomainMemoryStatsRet *ret = r;
    g_autofree virDomainMemoryStatStruct *stats = NULL;
    int n;
    int i;
    VB_DISPATCH_DOM(args->dom);

    /* libvirt's remote daemon refuses more than its array holds */
    if (args->maxStats > VB_REMOTE_DOMAIN_MEMORY_STATS_MAX) {
        vbReportError(VIR_ERR_RPC, _("maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX"));
        return -1;
    }
    stats = g_new0(virDomainMemoryStatStruct, args->maxStats ? args->maxStats : 1);
    if ((n = vbDomainMemoryStats(vbDispatchDriver(client), &dom, stats, args->maxStats,
                                 args->flags)) < 0)
        return -1;
    ret->stats = g_new0(vbRemoteMemoryStat, n ? n : 1);
    for (i = 0; i < n; i++) {
        ret->stats[i].tag = stats[i].tag;
        ret->stats[i].val = stats[i].val;
    }
    ret->nstats = n;
    return 0;
}

static int
vbDispatchInterfaceStats(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainInterfaceStatsArgs *args = a;
    vbRemoteDomainInterfaceStatsRet *ret = r;
    virDomainInterfaceStatsStruct stats = {0};
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainInterfaceStats(vbDispatchDriver(client), &dom, args->device, &stats) < 0)
        return -1;
    ret->rxBytes = stats.rx_bytes;
    ret->rxPackets = stats.rx_packets;
    ret->rxErrs = stats.rx_errs;
    ret->rxDrop = stats.rx_drop;
    ret->txBytes = stats.tx_bytes;
    ret->txPackets = stats.tx_packets;
    ret->txErrs = stats.tx_errs;
    ret->txDrop = stats.tx_drop;
    return 0;
}

static int
vbDispatchInterfaceAddresses(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainInterfaceAddressesArgs *args = a;
    vbRemoteDomainInterfaceAddressesRet *ret = r;
    g_autoptr(GPtrArray) ifaces = NULL;
    size_t i;
    size_t j;
    VB_DISPATCH_DOM(args->dom);

    /* libvirt's API (which the server runs too): the agent is not for
     * read-only clients */
    if (args->source == VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT && vbRPCClientIsReadOnly(client)) {
        vbReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_DENIED, __FILE__, __func__, __LINE__,
                          _("read only access prevents %s"), "virDomainInterfaceAddresses");
        return -1;
    }
    if (vbDomainInterfaceAddresses(vbDispatchDriver(client), &dom, args->source, args->flags,
                                   &ifaces) < 0)
        return -1;
    if (ifaces->len > VB_REMOTE_DOMAIN_INTERFACE_MAX) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_RPC, _("Number of interfaces, %d exceeds the max limit: %d"),
                      (int) ifaces->len, VB_REMOTE_DOMAIN_INTERFACE_MAX);
        return -1;
    }
    ret->ifaces = g_new0(vbRemoteDomainInterface, ifaces->len ? ifaces->len : 1);
    for (i = 0; i < ifaces->len; i++) {
        vbDomainIfaceAddrs *iface = ifaces->pdata[i];
        vbRemoteDomainInterface *out = &ret->ifaces[i];

        ret->nifaces = i + 1;
        out->name = g_steal_pointer(&iface->name);
        out->hwaddr = g_steal_pointer(&iface->hwaddr);
        out->addrs = g_new0(vbRemoteDomainIPAddr, iface->naddrs ? iface->naddrs : 1);
        out->naddrs = iface->naddrs;
        for (j = 0; j < iface->naddrs; j++) {
            out->addrs[j].type = iface->addrs[j].type;
            out->addrs[j].addr = g_steal_pointer(&iface->addrs[j].addr);
            out->addrs[j].prefix = iface->addrs[j].prefix;
        }
    }
    return 0;
}

static int
vbDispatchSuspend(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainSuspend(vbDispatchDriver(client), &dom);
}

static int
vbDispatchResume(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainResume(vbDispatchDriver(client), &dom);
}

/* --- Block jobs --- */

static int
vbDispatchBlockCommit(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainBlockCommitArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainBlockCommit(vbDispatchDriver(client), &dom, args->disk, args->base, args->top,
                               args->bandwidth, args->flags);
}

static int
vbDispatchGetBlockJobInfo(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetBlockJobInfoArgs *args = a;
    vbRemoteDomainGetBlockJobInfoRet *ret = r;
    vbBlockJobInfo info;
    int rc;
    VB_DISPATCH_DOM(args->dom);

    if ((rc = vbDomainGetBlockJobInfo(vbDispatchDriver(client), &dom, args->path, &info,
                                      args->flags)) < 0)
        return -1;
    ret->found = rc;
    ret->type = info.type;
    ret->bandwidth = info.bandwidth;
    ret->cur = info.cur;
    ret->end = info.end;
    return 0;
}

static int
vbDispatchBlockJobAbort(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainBlockJobAbortArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainBlockJobAbort(vbDispatchDriver(client), &dom, args->path, args->flags);
}

static int
vbDispatchBlockJobSetSpeed(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainBlockJobSetSpeedArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainBlockJobSetSpeed(vbDispatchDriver(client), &dom, args->path, args->bandwidth,
                                    args->flags);
}

/* --- Snapshots --- */

static int
vbDispatchSnapshotCreateXML(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotCreateXMLArgs *args = a;
    vbRemoteDomainSnapshotCreateXMLRet *ret = r;
    g_autofree char *name = NULL;
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainSnapshotCreateXML(vbDispatchDriver(client), &dom, args->xmlDesc, args->flags,
                                  &name) < 0)
        return -1;
    ret->snap.name = g_steal_pointer(&name);
    vbDispatchRemoteDomain(&dom, &ret->snap.dom);
    return 0;
}

/* The snapshot handle of a reply: its name and the domain's */
static void
vbDispatchRemoteSnapshot(const vbDomainHandle *dom, char **name, vbRemoteDomainSnapshot *snap)
{
    snap->name = g_steal_pointer(name);
    vbDispatchRemoteDomain(dom, &snap->dom);
}

static int
vbDispatchSnapshotGetXMLDesc(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotFlagsArgs *args = a;
    vbRemoteStringRet *ret = r;
    VB_DISPATCH_DOM(args->snap.dom);

    if (!(ret->str = vbDomainSnapshotGetXMLDesc(vbDispatchDriver(client), &dom, args->snap.name,
                                                args->flags, vbRPCClientIsReadOnly(client))))
        return -1;
    return 0;
}

static int
vbDispatchSnapshotNum(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    vbRemoteNumRet *ret = r;
    VB_DISPATCH_DOM(args->dom);

    ret->num = vbDomainSnapshotList(vbDispatchDriver(client), &dom, NULL, args->flags,
                                    "qemuDomainSnapshotNum", NULL);
    return ret->num < 0 ? -1 : 0;
}

/* The old listings: at most @maxnames names */
static int
vbDispatchSnapshotNames(vbRPCClient *client, vbDomainHandle *dom, const char *from, int maxnames,
                        unsigned int flags, const char *api,
                        vbRemoteDomainSnapshotListNamesRet *ret)
{
    g_auto(GStrv) names = NULL;
    int n;

    if (maxnames > VB_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, "%s", _("maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX"));
        return -1;
    }
    if ((n = vbDomainSnapshotList(vbDispatchDriver(client), dom, from, flags, api, &names)) < 0)
        return -1;
    if (n > maxnames)
        n = maxnames > 0 ? maxnames : 0;
    /* copies: @names, freed whole, may hold more than @maxnames */
    ret->names = g_new0(char *, n + 1);
    for (ret->nnames = 0; ret->nnames < (size_t) n; ret->nnames++)
        ret->names[ret->nnames] = g_strdup(names[ret->nnames]);
    return 0;
}

static int
vbDispatchSnapshotListNames(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotListNamesArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDispatchSnapshotNames(client, &dom, NULL, args->maxnames, args->flags,
                                   "qemuDomainSnapshotListNames", r);
}

static int
vbDispatchSnapshotLookupByName(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotLookupByNameArgs *args = a;
    vbRemoteDomainSnapshotCreateXMLRet *ret = r;
    g_autofree char *name = g_strdup(args->name);
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainSnapshotLookup(vbDispatchDriver(client), &dom, args->name, args->flags) < 0)
        return -1;
    vbDispatchRemoteSnapshot(&dom, &name, &ret->snap);
    return 0;
}

static int
vbDispatchHasCurrentSnapshot(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    vbRemoteNumRet *ret = r;
    VB_DISPATCH_DOM(args->dom);

    ret->num = vbDomainSnapshotCurrent(vbDispatchDriver(client), &dom, args->flags, NULL);
    return ret->num < 0 ? -1 : 0;
}

static int
vbDispatchSnapshotCurrent(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFlagsArgs *args = a;
    vbRemoteDomainSnapshotCreateXMLRet *ret = r;
    g_autofree char *name = NULL;
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainSnapshotCurrent(vbDispatchDriver(client), &dom, args->flags, &name) < 0)
        return -1;
    vbDispatchRemoteSnapshot(&dom, &name, &ret->snap);
    return 0;
}

static int
vbDispatchRevertToSnapshot(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainSnapshotFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->snap.dom);

    return vbDomainSnapshotRevert(vbDispatchDriver(client), &dom, args->snap.name, args->flags);
}

static int
vbDispatchSnapshotDelete(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainSnapshotFlagsArgs *args = a;
    VB_DISPATCH_DOM(args->snap.dom);

    return vbDomainSnapshotDelete(vbDispatchDriver(client), &dom, args->snap.name, args->flags);
}

static int
vbDispatchSnapshotGetParent(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotFlagsArgs *args = a;
    vbRemoteDomainSnapshotCreateXMLRet *ret = r;
    g_autofree char *name = NULL;
    VB_DISPATCH_DOM(args->snap.dom);

    if (vbDomainSnapshotGetParent(vbDispatchDriver(client), &dom, args->snap.name, args->flags,
                                  &name) < 0)
        return -1;
    vbDispatchRemoteSnapshot(&dom, &name, &ret->snap);
    return 0;
}

static int
vbDispatchSnapshotNumChildren(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotFlagsArgs *args = a;
    vbRemoteNumRet *ret = r;
    VB_DISPATCH_DOM(args->snap.dom);

    ret->num = vbDomainSnapshotList(vbDispatchDriver(client), &dom, args->snap.name, args->flags,
                                    "qemuDomainSnapshotNumChildren", NULL);
    return ret->num < 0 ? -1 : 0;
}

static int
vbDispatchSnapshotListChildrenNames(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotListChildrenNamesArgs *args = a;
    VB_DISPATCH_DOM(args->snap.dom);

    return vbDispatchSnapshotNames(client, &dom, args->snap.name, args->maxnames, args->flags,
                                   "qemuDomainSnapshotListChildrenNames", r);
}

static int
vbDispatchSnapshotIsCurrent(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotFlagsArgs *args = a;
    vbRemoteNumRet *ret = r;
    VB_DISPATCH_DOM(args->snap.dom);

    ret->num =
        vbDomainSnapshotQuery(vbDispatchDriver(client), &dom, args->snap.name, args->flags, true);
    return ret->num < 0 ? -1 : 0;
}

static int
vbDispatchSnapshotHasMetadata(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotFlagsArgs *args = a;
    vbRemoteNumRet *ret = r;
    VB_DISPATCH_DOM(args->snap.dom);

    ret->num =
        vbDomainSnapshotQuery(vbDispatchDriver(client), &dom, args->snap.name, args->flags, false);
    return ret->num < 0 ? -1 : 0;
}

static int
vbDispatchSnapshotListAll(vbRPCClient *client, vbDomainHandle *dom, const char *from,
                          int needResults, unsigned int flags, const char *api,
                          vbRemoteDomainListAllSnapshotsRet *ret)
{
    g_auto(GStrv) names = NULL;
    int n;
    int i;

    if ((n = vbDomainSnapshotList(vbDispatchDriver(client), dom, from, flags, api, &names)) < 0)
        return -1;
    if (n > VB_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, _("too many domain snapshots '%d' for limit '%d'"), n,
                      VB_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX);
        return -1;
    }
    ret->ret = n;
    if (!needResults)
        return 0;
    ret->snapshots = g_new0(vbRemoteDomainSnapshot, n);
    ret->nsnapshots = n;
    for (i = 0; i < n; i++)
        vbDispatchRemoteSnapshot(dom, &names[i], &ret->snapshots[i]);
    return 0;
}

static int
vbDispatchListAllSnapshots(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainListAllSnapshotsArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDispatchSnapshotListAll(client, &dom, NULL, args->needResults, args->flags,
                                     "qemuDomainListAllSnapshots", r);
}

static int
vbDispatchSnapshotListAllChildren(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainSnapshotListAllChildrenArgs *args = a;
    VB_DISPATCH_DOM(args->snap.dom);

    return vbDispatchSnapshotListAll(client, &dom, args->snap.name, args->needResults, args->flags,
                                     "qemuDomainSnapshotListAllChildren", r);
}

/* Sorted by procedure number (a unit test checks it). */
/* --- The guest agent --- */

static int
vbDispatchSetTime(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainSetTimeArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainSetTime(vbDispatchDriver(client), &dom, (long long) args->seconds,
                           args->nseconds, args->flags);
}

static int
vbDispatchGetFSInfo(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetFSInfoArgs *args = a;
    vbRemoteDomainGetFSInfoRet *ret = r;
    g_autoptr(GPtrArray) fs = NULL;
    size_t i;
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainGetFSInfo(vbDispatchDriver(client), &dom, args->flags, &fs) < 0)
        return -1;
    if (fs->len > VB_REMOTE_DOMAIN_FSINFO_MAX) {
        vbReportError(VIR_ERR_RPC, _("Too many mountpoints in fsinfo: %d for limit %d"),
                      (int) fs->len, VB_REMOTE_DOMAIN_FSINFO_MAX);
        return -1;
    }
    ret->info = g_new0(vbRemoteDomainFSInfo, fs->len);
    for (i = 0; i < fs->len; i++) {
        vbDomainFSInfo *info = fs->pdata[i];
        vbRemoteDomainFSInfo *out = &ret->info[i];
        size_t naliases = g_strv_length(info->devAliases);

        ret->ninfo = i + 1;
        out->mountpoint = g_steal_pointer(&info->mountpoint);
        out->name = g_steal_pointer(&info->name);
        out->fstype = g_steal_pointer(&info->fstype);
        if (naliases > VB_REMOTE_DOMAIN_FSINFO_DISKS_MAX) {
            vbReportError(VIR_ERR_RPC, _("Too many disks in fsinfo: %zu for limit %d"), naliases,
                          VB_REMOTE_DOMAIN_FSINFO_DISKS_MAX);
            return -1;
        }
        out->devAliases = g_steal_pointer(&info->devAliases);
        out->ndevAliases = naliases;
    }
    ret->ret = fs->len;
    return 0;
}

static int
vbDispatchSetUserPassword(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteDomainSetUserPasswordArgs *args = a;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainSetUserPassword(vbDispatchDriver(client), &dom, args->user, args->password,
                                   args->flags);
}

static int
vbDispatchGetGuestInfo(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetGuestInfoArgs *args = a;
    vbRemoteDomainGetGuestInfoRet *ret = r;
    g_auto(vbTypedParamList) params = {0};
    size_t i;
    VB_DISPATCH_DOM(args->dom);

    if (vbDomainGetGuestInfo(vbDispatchDriver(client), &dom, args->types, args->flags, &params) < 0)
        return -1;
    if (params.nparams > VB_REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX) {
        vbReportError(VIR_ERR_RPC, _("too many guest information parameters: %zu, at most %d"),
                      params.nparams, VB_REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX);
        return -1;
    }
    ret->params = g_new0(vbRemoteTypedParam, params.nparams);
    for (i = 0; i < params.nparams; i++) {
        vbTypedParam *p = &params.params[i];
        vbRemoteTypedParam *rp = &ret->params[i];

        rp->field = g_steal_pointer(&p->field);
        rp->type = p->type;
        switch ((virTypedParameterType) p->type) {
        case VIR_TYPED_PARAM_INT:
        case VIR_TYPED_PARAM_BOOLEAN:
            rp->value.i = p->value.i;
            break;
        case VIR_TYPED_PARAM_UINT:
            rp->value.ui = p->value.ui;
            break;
        case VIR_TYPED_PARAM_LLONG:
            rp->value.l = p->value.l;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            rp->value.ul = p->value.ul;
            break;
        case VIR_TYPED_PARAM_STRING:
            rp->value.s = g_steal_pointer(&p->value.s);
            break;
        case VIR_TYPED_PARAM_DOUBLE:
        case VIR_TYPED_PARAM_LAST:
            break;
        }
    }
    ret->nparams = params.nparams;
    return 0;
}

static int
vbDispatchFSFreeze(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFSFreezeArgs *args = a;
    vbRemoteDomainFSFreezeRet *ret = r;
    VB_DISPATCH_DOM(args->dom);
    int n = vbDomainFSFreeze(vbDispatchDriver(client), &dom,
                             args->nmountpoints ? (const char **) args->mountpoints : NULL,
                             args->nmountpoints, args->flags);

    if (n < 0)
        return -1;
    ret->filesystems = n;
    return 0;
}

static int
vbDispatchFSThaw(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainFSThawArgs *args = a;
    vbRemoteDomainFSThawRet *ret = r;
    VB_DISPATCH_DOM(args->dom);
    /* an empty array is none, as libvirt's XDR decodes it */
    int n = vbDomainFSThaw(vbDispatchDriver(client), &dom,
                           args->nmountpoints ? (const char **) args->mountpoints : NULL,
                           args->nmountpoints, args->flags);

    if (n < 0)
        return -1;
    ret->filesystems = n;
    return 0;
}

static int
vbDispatchGetTime(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainGetTimeArgs *args = a;
    vbRemoteDomainGetTimeRet *ret = r;
    VB_DISPATCH_DOM(args->dom);
    long long seconds;

    if (vbDomainGetTime(vbDispatchDriver(client), &dom, &seconds, &ret->nseconds, args->flags) < 0)
        return -1;
    ret->seconds = (uint64_t) seconds;
    return 0;
}

static const vbRPCHandlerEntry vbDispatchTable[] = {
    {VB_REMOTE_PROC_DOMAIN_ATTACH_DEVICE, vbDispatchAttachDevice},
    {VB_REMOTE_PROC_DOMAIN_CREATE, vbDispatchCreate},
    {VB_REMOTE_PROC_DOMAIN_CREATE_XML, vbDispatchCreateXML},
    {VB_REMOTE_PROC_DOMAIN_DEFINE_XML, vbDispatchDefineXML},
    {VB_REMOTE_PROC_DOMAIN_DESTROY, vbDispatchDestroy},
    {VB_REMOTE_PROC_DOMAIN_DETACH_DEVICE, vbDispatchDetachDevice},
    {VB_REMOTE_PROC_DOMAIN_GET_XML_DESC, vbDispatchGetXMLDesc},
    {VB_REMOTE_PROC_DOMAIN_GET_AUTOSTART, vbDispatchGetAutostart},
    {VB_REMOTE_PROC_DOMAIN_GET_INFO, vbDispatchGetInfo},
    {VB_REMOTE_PROC_DOMAIN_GET_OS_TYPE, vbDispatchGetOSType},
    {VB_REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, vbDispatchListDefinedDomains},
    {VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, vbDispatchLookupByID},
    {VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, vbDispatchLookupByName},
    {VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, vbDispatchLookupByUUID},
    {VB_REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS, vbDispatchNumOfDefinedDomains},
    {VB_REMOTE_PROC_DOMAIN_REBOOT, vbDispatchReboot},
    {VB_REMOTE_PROC_DOMAIN_RESUME, vbDispatchResume},
    {VB_REMOTE_PROC_DOMAIN_SET_AUTOSTART, vbDispatchSetAutostart},
    {VB_REMOTE_PROC_DOMAIN_SET_MAX_MEMORY, vbDispatchSetMaxMemory},
    {VB_REMOTE_PROC_DOMAIN_SET_MEMORY, vbDispatchSetMemory},
    {VB_REMOTE_PROC_DOMAIN_SHUTDOWN, vbDispatchShutdown},
    {VB_REMOTE_PROC_DOMAIN_SUSPEND, vbDispatchSuspend},
    {VB_REMOTE_PROC_DOMAIN_UNDEFINE, vbDispatchUndefine},
    {VB_REMOTE_PROC_CONNECT_LIST_DOMAINS, vbDispatchListDomains},
    {VB_REMOTE_PROC_CONNECT_NUM_OF_DOMAINS, vbDispatchNumOfDomains},
    {VB_REMOTE_PROC_DOMAIN_RESTORE, vbDispatchRestore},
    {VB_REMOTE_PROC_DOMAIN_INTERFACE_STATS, vbDispatchInterfaceStats},
    {VB_REMOTE_PROC_DOMAIN_IS_ACTIVE, vbDispatchIsActive},
    {VB_REMOTE_PROC_DOMAIN_IS_PERSISTENT, vbDispatchIsPersistent},
    {VB_REMOTE_PROC_DOMAIN_MEMORY_STATS, vbDispatchMemoryStats},
    {VB_REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS, vbDispatchAttachDeviceFlags},
    {VB_REMOTE_PROC_DOMAIN_DETACH_DEVICE_FLAGS, vbDispatchDetachDeviceFlags},
    {VB_REMOTE_PROC_DOMAIN_UPDATE_DEVICE_FLAGS, vbDispatchUpdateDeviceFlags},
    {VB_REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, vbDispatchAnswerNo},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_CREATE_XML, vbDispatchSnapshotCreateXML},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC, vbDispatchSnapshotGetXMLDesc},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_NUM, vbDispatchSnapshotNum},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_NAMES, vbDispatchSnapshotListNames},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, vbDispatchSnapshotLookupByName},
    {VB_REMOTE_PROC_DOMAIN_HAS_CURRENT_SNAPSHOT, vbDispatchHasCurrentSnapshot},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_CURRENT, vbDispatchSnapshotCurrent},
    {VB_REMOTE_PROC_DOMAIN_REVERT_TO_SNAPSHOT, vbDispatchRevertToSnapshot},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_DELETE, vbDispatchSnapshotDelete},
    {VB_REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, vbDispatchCreateWithFlags},
    {VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE, vbDispatchOpenConsole},
    {VB_REMOTE_PROC_DOMAIN_SET_MEMORY_FLAGS, vbDispatchSetMemoryFlags},
    {VB_REMOTE_PROC_DOMAIN_GET_STATE, vbDispatchGetState},
    {VB_REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, vbDispatchUndefineFlags},
    {VB_REMOTE_PROC_DOMAIN_RESTORE_FLAGS, vbDispatchRestoreFlags},
    {VB_REMOTE_PROC_DOMAIN_DESTROY_FLAGS, vbDispatchDestroyFlags},
    {VB_REMOTE_PROC_DOMAIN_BLOCK_JOB_ABORT, vbDispatchBlockJobAbort},
    {VB_REMOTE_PROC_DOMAIN_GET_BLOCK_JOB_INFO, vbDispatchGetBlockJobInfo},
    {VB_REMOTE_PROC_DOMAIN_BLOCK_JOB_SET_SPEED, vbDispatchBlockJobSetSpeed},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_GET_PARENT, vbDispatchSnapshotGetParent},
    {VB_REMOTE_PROC_DOMAIN_RESET, vbDispatchReset},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN, vbDispatchSnapshotNumChildren},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES, vbDispatchSnapshotListChildrenNames},
    {VB_REMOTE_PROC_DOMAIN_GET_BLOCK_IO_TUNE, vbDispatchGetBlockIoTune},
    {VB_REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, vbDispatchShutdownFlags},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_IS_CURRENT, vbDispatchSnapshotIsCurrent},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_HAS_METADATA, vbDispatchSnapshotHasMetadata},
    {VB_REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, vbDispatchListAllDomains},
    {VB_REMOTE_PROC_DOMAIN_LIST_ALL_SNAPSHOTS, vbDispatchListAllSnapshots},
    {VB_REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN, vbDispatchSnapshotListAllChildren},
    {VB_REMOTE_PROC_DOMAIN_BLOCK_COMMIT, vbDispatchBlockCommit},
    {VB_REMOTE_PROC_DOMAIN_SET_MEMORY_STATS_PERIOD, vbDispatchSetMemoryStatsPeriod},
    {VB_REMOTE_PROC_DOMAIN_FSFREEZE, vbDispatchFSFreeze},
    {VB_REMOTE_PROC_DOMAIN_FSTHAW, vbDispatchFSThaw},
    {VB_REMOTE_PROC_DOMAIN_GET_TIME, vbDispatchGetTime},
    {VB_REMOTE_PROC_DOMAIN_SET_TIME, vbDispatchSetTime},
    {VB_REMOTE_PROC_DOMAIN_GET_FSINFO, vbDispatchGetFSInfo},
    {VB_REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, vbDispatchDefineXMLFlags},
    {VB_REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES, vbDispatchInterfaceAddresses},
    {VB_REMOTE_PROC_DOMAIN_SET_USER_PASSWORD, vbDispatchSetUserPassword},
    {VB_REMOTE_PROC_DOMAIN_GET_GUEST_INFO, vbDispatchGetGuestInfo},
    {VB_REMOTE_PROC_DOMAIN_GET_MESSAGES, vbDispatchGetMessages},
};

/* --- libvirt's QEMU program --- */

static int
vbDispatchQemuMonitorCommand(vbRPCClient *client, const void *a, void *r)
{
    const vbQemuDomainMonitorCommandArgs *args = a;
    vbQemuDomainMonitorCommandRet *ret = r;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainQemuMonitorCommand(vbDispatchDriver(client), &dom, args->cmd, args->flags,
                                      &ret->result);
}

static int
vbDispatchQemuAgentCommand(vbRPCClient *client, const void *a, void *r)
{
    const vbQemuDomainAgentCommandArgs *args = a;
    vbQemuDomainAgentCommandRet *ret = r;
    VB_DISPATCH_DOM(args->dom);

    return vbDomainQemuAgentCommand(vbDispatchDriver(client), &dom, args->cmd, args->timeout,
                                    args->flags, &ret->result);
}

/* Without file descriptors (we never announce FD_PASSING), the same call. */
static const vbRPCHandlerEntry vbDispatchQemuTable[] = {
    {VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND, vbDispatchQemuMonitorCommand},
    {VB_QEMU_PROC_DOMAIN_AGENT_COMMAND, vbDispatchQemuAgentCommand},
    {VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES, vbDispatchQemuMonitorCommand},
};

int
vbRPCDispatchRegister(vbRPCServer *srv)
{
    size_t nconnect;
    const vbRPCHandlerEntry *connect = vbRPCConnectGetHandlers(&nconnect);
    size_t nhost;
    const vbRPCHandlerEntry *host = vbRPCHostGetHandlers(&nhost);
    size_t nstorage;
    const vbRPCHandlerEntry *storage = vbRPCStorageGetHandlers(&nstorage);

    if (vbRPCServerAddHandlers(srv, connect, nconnect) < 0)
        return -1;
    /* after the connection's: its CONNECT_GET_VERSION gives way to the
     * driver's, which asks the QEMU binary */
    if (vbRPCServerAddHandlers(srv, host, nhost) < 0)
        return -1;
    if (vbRPCServerAddHandlers(srv, storage, nstorage) < 0)
        return -1;
    if (vbRPCServerAddHandlers(srv, vbDispatchTable, G_N_ELEMENTS(vbDispatchTable)) < 0)
        return -1;
    return vbRPCServerAddProgramHandlers(srv, VB_QEMU_PROGRAM, vbDispatchQemuTable,
                                         G_N_ELEMENTS(vbDispatchQemuTable));
}

/* --- Events --- */

static void
vbDispatchEventDomain(const vbDomainEvent *ev, vbRemoteDomain *dom)
{
    dom->name = ev->name;
    memcpy(dom->uuid, ev->uuid, VB_UUID_BUFLEN);
    dom->id = ev->id;
}

void
vbRPCDispatchDomainEvent(const vbDomainEvent *ev, void *opaque)
{
    vbRPCServer *srv = opaque;

    switch (ev->kind) {
    case VB_DOMAIN_EVENT_LIFECYCLE: {
        vbRemoteDomainEventCallbackLifecycleMsg cb = {.event = ev->event, .detail = ev->detail};
        vbRemoteDomainEventLifecycleMsg legacy = {.event = ev->event, .detail = ev->detail};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE, &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_BLOCK_JOB: {
        vbRemoteDomainEventCallbackBlockJobMsg cb = {
            .path = ev->disk, .type = ev->jobType, .status = ev->jobStatus};
        vbRemoteDomainEventBlockJobMsg legacy = {
            .path = ev->disk, .type = ev->jobType, .status = ev->jobStatus};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB, &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_BLOCK_JOB_2: {
        vbRemoteDomainEventBlockJob2Msg cb = {
            .dst = ev->disk, .type = ev->jobType, .status = ev->jobStatus};

        vbDispatchEventDomain(ev, &cb.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2, &cb);
        break;
    }
    case VB_DOMAIN_EVENT_CONTROL_ERROR: {
        vbRemoteDomainEventCallbackControlErrorMsg cb = {0};
        vbRemoteDomainEventControlErrorMsg legacy = {0};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_CONTROL_ERROR, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CONTROL_ERROR, &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_REBOOT: {
        /* the same message shape as CONTROL_ERROR: the domain alone */
        vbRemoteDomainEventCallbackControlErrorMsg cb = {0};
        vbRemoteDomainEventControlErrorMsg legacy = {0};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid, VB_REMOTE_PROC_DOMAIN_EVENT_REBOOT,
                                   &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_BALLOON_CHANGE: {
        vbRemoteDomainEventCallbackBalloonChangeMsg cb = {.actual = ev->balloonActual};
        vbRemoteDomainEventBalloonChangeMsg legacy = {.actual = ev->balloonActual};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_BALLOON_CHANGE, &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_WATCHDOG: {
        vbRemoteDomainEventCallbackWatchdogMsg cb = {.action = ev->watchdogAction};
        vbRemoteDomainEventWatchdogMsg legacy = {.action = ev->watchdogAction};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_WATCHDOG, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid, VB_REMOTE_PROC_DOMAIN_EVENT_WATCHDOG,
                                   &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_TRAY_CHANGE: {
        vbRemoteDomainEventCallbackTrayChangeMsg cb = {.devAlias = ev->disk, .reason = ev->detail};
        vbRemoteDomainEventTrayChangeMsg legacy = {.devAlias = ev->disk, .reason = ev->detail};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_TRAY_CHANGE, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_TRAY_CHANGE, &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_IO_ERROR: {
        vbRemoteDomainEventCallbackIOErrorMsg cb = {
            .srcPath = ev->srcPath, .devAlias = ev->disk, .action = ev->detail};
        vbRemoteDomainEventIOErrorMsg legacy = {
            .srcPath = ev->srcPath, .devAlias = ev->disk, .action = ev->detail};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_IO_ERROR, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid, VB_REMOTE_PROC_DOMAIN_EVENT_IO_ERROR,
                                   &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_AGENT_LIFECYCLE: {
        vbRemoteDomainEventCallbackAgentLifecycleMsg cb = {.state = ev->event,
                                                           .reason = ev->detail};

        vbDispatchEventDomain(ev, &cb.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE, &cb);
        break;
    }
    case VB_DOMAIN_EVENT_IO_ERROR_REASON: {
        vbRemoteDomainEventCallbackIOErrorReasonMsg cb = {.srcPath = ev->srcPath,
                                                          .devAlias = ev->disk,
                                                          .action = ev->detail,
                                                          .reason = ev->reason};
        vbRemoteDomainEventIOErrorReasonMsg legacy = {.srcPath = ev->srcPath,
                                                      .devAlias = ev->disk,
                                                      .action = ev->detail,
                                                      .reason = ev->reason};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_IO_ERROR_REASON, &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_DEVICE_REMOVED: {
        vbRemoteDomainEventCallbackDeviceMsg cb = {.devAlias = ev->disk};
        vbRemoteDomainEventDeviceMsg legacy = {.devAlias = ev->disk};

        vbDispatchEventDomain(ev, &cb.dom);
        vbDispatchEventDomain(ev, &legacy.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED, &cb);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_DEVICE_REMOVED, &legacy);
        break;
    }
    case VB_DOMAIN_EVENT_DEVICE_ADDED:
    case VB_DOMAIN_EVENT_DEVICE_REMOVAL_FAILED: {
        vbRemoteDomainEventCallbackDeviceMsg cb = {.devAlias = ev->disk};

        vbDispatchEventDomain(ev, &cb.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   ev->kind == VB_DOMAIN_EVENT_DEVICE_ADDED
                                       ? VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED
                                       : VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED,
                                   &cb);
        break;
    }
    case VB_DOMAIN_EVENT_JOB_COMPLETED: {
        g_autofree vbRemoteTypedParam *params = g_new0(vbRemoteTypedParam, ev->njobStats);
        vbRemoteDomainEventCallbackJobCompletedMsg cb = {.params = params,
                                                         .nparams = ev->njobStats};
        size_t i;

        for (i = 0; i < ev->njobStats; i++) {
            params[i].field = (char *) ev->jobStats[i].field;
            if (g_str_equal(ev->jobStats[i].field, VIR_DOMAIN_JOB_OPERATION)) {
                params[i].type = VIR_TYPED_PARAM_INT;
                params[i].value.i = ev->jobStats[i].value;
            } else {
                params[i].type = VIR_TYPED_PARAM_ULLONG;
                params[i].value.ul = ev->jobStats[i].value;
            }
        }
        vbDispatchEventDomain(ev, &cb.dom);
        vbRPCServerEmitDomainEvent(srv, ev->eventID, ev->uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_JOB_COMPLETED, &cb);
        break;
    }
    case VB_DOMAIN_EVENT_LAST:
        break;
    }
}
