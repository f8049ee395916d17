/*
 * vbrpcstorage.c: remote procedures of the storage API (pools, volumes)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One small handler per procedure, as in vbrpcdispatch.c: the wire's pool
 * and volume become the driver's handles and back; the limits the protocol
 * puts on arrays are checked here with libvirtd's messages.
 */

#include "vbinternal.h"

#include <string.h>

#include "vberror.h"
#include "vbrpcstorage.h"
#include "vbstorage.h"

#define VB_FROM_THIS_FILE VIR_FROM_RPC

static vbDriver *
vbRPCStorageDriver(vbRPCClient *client)
{
    return vbRPCServerGetOpaque(vbRPCClientGetServer(client));
}

/* The driver's handle for a pool on the wire; borrows its name */
static void
vbRPCStoragePoolHandle(const vbRemoteStoragePool *rpool, vbStoragePoolHandle *h)
{
    h->name = rpool->name;
    memcpy(h->uuid, rpool->uuid, VB_UUID_BUFLEN);
}

static void
vbRPCStorageVolHandle(const vbRemoteStorageVol *rvol, vbStorageVolHandle *h)
{
    h->pool = rvol->pool;
    h->name = rvol->name;
    h->key = rvol->key;
}

#define VB_RPC_POOL(argspool) \
    vbStoragePoolHandle pool; \
    vbRPCStoragePoolHandle(&(argspool), &pool)

#define VB_RPC_VOL(argsvol) \
    vbStorageVolHandle vol; \
    vbRPCStorageVolHandle(&(argsvol), &vol)

static void
vbRPCStorageRemotePool(const vbStoragePoolHandle *h, vbRemoteStoragePool *rpool)
{
    rpool->name = g_strdup(h->name);
    memcpy(rpool->uuid, h->uuid, VB_UUID_BUFLEN);
}

static void
vbRPCStorageRemoteVol(const vbStorageVolHandle *h, vbRemoteStorageVol *rvol)
{
    rvol->pool = g_strdup(h->pool);
    rvol->name = g_strdup(h->name);
    rvol->key = g_strdup(h->key);
}

static int
vbRPCStorageReturnPool(vbStoragePoolHandle *h, void *r)
{
    g_autoptr(vbStoragePoolHandle) owned = h;

    if (!owned)
        return -1;
    vbRPCStorageRemotePool(owned, &((vbRemoteStoragePoolRet *) r)->pool);
    return 0;
}

static int
vbRPCStorageReturnVol(vbStorageVolHandle *h, void *r)
{
    g_autoptr(vbStorageVolHandle) owned = h;

    if (!owned)
        return -1;
    vbRPCStorageRemoteVol(owned, &((vbRemoteStorageVolRet *) r)->vol);
    return 0;
}

/* --- Pools: lists --- */

static int
vbRPCStorageListAllPools(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteConnectListAllDomainsArgs *args = a;
    vbRemoteConnectListAllStoragePoolsRet *ret = r;
    g_autoptr(GPtrArray) pools = NULL;
    size_t i;

    if (!(pools = vbConnectListAllStoragePools(vbRPCStorageDriver(client), args->flags)))
        return -1;
    if (pools->len > VB_REMOTE_STORAGE_POOL_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, _("Too many storage pools '%u' for limit '%d'"), pools->len,
                      VB_REMOTE_STORAGE_POOL_LIST_MAX);
        return -1;
    }
    ret->ret = pools->len;
    if (!args->needResults)
        return 0;
    ret->pools = g_new0(vbRemoteStoragePool, pools->len);
    ret->npools = pools->len;
    for (i = 0; i < pools->len; i++)
        vbRPCStorageRemotePool(g_ptr_array_index(pools, i), &ret->pools[i]);
    return 0;
}

static GPtrArray *
vbRPCStoragePools(vbRPCClient *client, bool active)
{
    return vbConnectListAllStoragePools(vbRPCStorageDriver(client),
                                        active ? VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE
                                               : VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE);
}

static int
vbRPCStorageNumOfPoolsOf(vbRPCClient *client, bool active, void *r)
{
    g_autoptr(GPtrArray) pools = vbRPCStoragePools(client, active);

    if (!pools)
        return -1;
    ((vbRemoteNumRet *) r)->num = pools->len;
    return 0;
}

static int
vbRPCStorageListPoolsOf(vbRPCClient *client, bool active, const void *a, void *r)
{
    const vbRemoteMaxNamesArgs *args = a;
    vbRemoteStorageNamesRet *ret = r;
    g_autoptr(GPtrArray) pools = NULL;
    size_t i;

    if (args->maxnames < 0 || args->maxnames > VB_REMOTE_STORAGE_POOL_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, "%s", _("maxnames > REMOTE_STORAGE_POOL_LIST_MAX"));
        return -1;
    }
    if (!(pools = vbRPCStoragePools(client, active)))
        return -1;
    ret->nnames = MIN(pools->len, (size_t) args->maxnames);
    ret->names = g_new0(char *, ret->nnames + 1);
    for (i = 0; i < ret->nnames; i++)
        ret->names[i] = g_strdup(((vbStoragePoolHandle *) g_ptr_array_index(pools, i))->name);
    return 0;
}

static int
vbRPCStorageNumOfPools(vbRPCClient *client, const void *a G_GNUC_UNUSED, void *r)
{
    return vbRPCStorageNumOfPoolsOf(client, true, r);
}

static int
vbRPCStorageNumOfDefinedPools(vbRPCClient *client, const void *a G_GNUC_UNUSED, void *r)
{
    return vbRPCStorageNumOfPoolsOf(client, false, r);
}

static int
vbRPCStorageListPools(vbRPCClient *client, const void *a, void *r)
{
    return vbRPCStorageListPoolsOf(client, true, a, r);
}

static int
vbRPCStorageListDefinedPools(vbRPCClient *client, const void *a, void *r)
{
    return vbRPCStorageListPoolsOf(client, false, a, r);
}

/* --- Pools: lookups --- */

static int
vbRPCStoragePoolLookupByName(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStringArgs *args = a;

    return vbRPCStorageReturnPool(vbStoragePoolLookupByName(vbRPCStorageDriver(client), args->str),
                                  r);
}

static int
vbRPCStoragePoolLookupByUUID(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteDomainLookupByUUIDArgs *args = a;

    return vbRPCStorageReturnPool(vbStoragePoolLookupByUUID(vbRPCStorageDriver(client), args->uuid),
                                  r);
}

static int
vbRPCStoragePoolLookupByVolume(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStorageVolArgs *args = a;
    VB_RPC_VOL(args->vol);

    return vbRPCStorageReturnPool(vbStoragePoolLookupByVolume(vbRPCStorageDriver(client), &vol), r);
}

static int
vbRPCStoragePoolLookupByTargetPath(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStringArgs *args = a;

    return vbRPCStorageReturnPool(
        vbStoragePoolLookupByTargetPath(vbRPCStorageDriver(client), args->str), r);
}

/* --- Pools: life cycle --- */

static int
vbRPCStoragePoolDefineXML(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteXMLFlagsArgs *args = a;

    return vbRPCStorageReturnPool(
        vbStoragePoolDefineXML(vbRPCStorageDriver(client), args->xml, args->flags), r);
}

static int
vbRPCStoragePoolCreateXML(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteXMLFlagsArgs *args = a;

    return vbRPCStorageReturnPool(
        vbStoragePoolCreateXML(vbRPCStorageDriver(client), args->xml, args->flags), r);
}

static int
vbRPCStoragePoolCreate(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteStoragePoolFlagsArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbStoragePoolCreate(vbRPCStorageDriver(client), &pool, args->flags);
}

static int
vbRPCStoragePoolBuild(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteStoragePoolFlagsArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbStoragePoolBuild(vbRPCStorageDriver(client), &pool, args->flags);
}

static int
vbRPCStoragePoolDestroy(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteStoragePoolArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbStoragePoolDestroy(vbRPCStorageDriver(client), &pool);
}

static int
vbRPCStoragePoolDelete(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteStoragePoolFlagsArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbStoragePoolDelete(vbRPCStorageDriver(client), &pool, args->flags);
}

static int
vbRPCStoragePoolUndefine(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteStoragePoolArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbStoragePoolUndefine(vbRPCStorageDriver(client), &pool);
}

static int
vbRPCStoragePoolRefresh(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteStoragePoolFlagsArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbStoragePoolRefresh(vbRPCStorageDriver(client), &pool, args->flags);
}

/* --- Pools: queries --- */

static int
vbRPCStoragePoolGetInfo(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolArgs *args = a;
    vbRemoteStoragePoolGetInfoRet *ret = r;
    vbStoragePoolInfo info;
    VB_RPC_POOL(args->pool);

    if (vbStoragePoolGetInfo(vbRPCStorageDriver(client), &pool, &info) < 0)
        return -1;
    ret->state = info.state;
    ret->capacity = info.capacity;
    ret->allocation = info.allocation;
    ret->available = info.available;
    return 0;
}

static int
vbRPCStoragePoolGetXMLDesc(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolFlagsArgs *args = a;
    vbRemoteStringRet *ret = r;
    VB_RPC_POOL(args->pool);

    ret->str = vbStoragePoolGetXMLDesc(vbRPCStorageDriver(client), &pool, args->flags);
    return ret->str ? 0 : -1;
}

static int
vbRPCStoragePoolGetAutostart(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolArgs *args = a;
    VB_RPC_POOL(args->pool);

    return (((vbRemoteNumRet *) r)->num =
                vbStoragePoolGetAutostart(vbRPCStorageDriver(client), &pool)) < 0
               ? -1
               : 0;
}

static int
vbRPCStoragePoolSetAutostart(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteStoragePoolIntArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbStoragePoolSetAutostart(vbRPCStorageDriver(client), &pool, args->value);
}

static int
vbRPCStoragePoolIsActive(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolArgs *args = a;
    VB_RPC_POOL(args->pool);

    return (((vbRemoteNumRet *) r)->num =
                vbStoragePoolIsActive(vbRPCStorageDriver(client), &pool)) < 0
               ? -1
               : 0;
}

static int
vbRPCStoragePoolIsPersistent(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolArgs *args = a;
    VB_RPC_POOL(args->pool);

    return (((vbRemoteNumRet *) r)->num =
                vbStoragePoolIsPersistent(vbRPCStorageDriver(client), &pool)) < 0
               ? -1
               : 0;
}

/* --- Pools: volumes --- */

static int
vbRPCStoragePoolNumOfVolumes(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolArgs *args = a;
    g_autoptr(GPtrArray) vols = NULL;
    VB_RPC_POOL(args->pool);

    if (!(vols = vbStoragePoolListAllVolumes(vbRPCStorageDriver(client), &pool, 0)))
        return -1;
    ((vbRemoteNumRet *) r)->num = vols->len;
    return 0;
}

static int
vbRPCStoragePoolListVolumes(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolIntArgs *args = a;
    vbRemoteStorageNamesRet *ret = r;
    g_autoptr(GPtrArray) vols = NULL;
    size_t i;
    VB_RPC_POOL(args->pool);

    if (args->value < 0 || args->value > VB_REMOTE_STORAGE_VOL_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, "%s", _("maxnames > REMOTE_STORAGE_VOL_LIST_MAX"));
        return -1;
    }
    if (!(vols = vbStoragePoolListAllVolumes(vbRPCStorageDriver(client), &pool, 0)))
        return -1;
    ret->nnames = MIN(vols->len, (size_t) args->value);
    ret->names = g_new0(char *, ret->nnames + 1);
    for (i = 0; i < ret->nnames; i++)
        ret->names[i] = g_strdup(((vbStorageVolHandle *) g_ptr_array_index(vols, i))->name);
    return 0;
}

static int
vbRPCStoragePoolListAllVolumes(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolListAllVolumesArgs *args = a;
    vbRemoteStoragePoolListAllVolumesRet *ret = r;
    g_autoptr(GPtrArray) vols = NULL;
    size_t i;
    VB_RPC_POOL(args->pool);

    if (!(vols = vbStoragePoolListAllVolumes(vbRPCStorageDriver(client), &pool, args->flags)))
        return -1;
    if (vols->len > VB_REMOTE_STORAGE_VOL_LIST_MAX) {
        vbReportError(VIR_ERR_RPC, _("Too many storage volumes '%u' for limit '%d'"), vols->len,
                      VB_REMOTE_STORAGE_VOL_LIST_MAX);
        return -1;
    }
    ret->ret = vols->len;
    if (!args->needResults)
        return 0;
    ret->vols = g_new0(vbRemoteStorageVol, vols->len);
    ret->nvols = vols->len;
    for (i = 0; i < vols->len; i++)
        vbRPCStorageRemoteVol(g_ptr_array_index(vols, i), &ret->vols[i]);
    return 0;
}

/* --- Volumes --- */

static int
vbRPCStorageVolCreateXML(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolStringArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbRPCStorageReturnVol(
        vbStorageVolCreateXML(vbRPCStorageDriver(client), &pool, args->str, args->flags), r);
}

static int
vbRPCStorageVolDelete(vbRPCClient *client, const void *a, void *r G_GNUC_UNUSED)
{
    const vbRemoteStorageVolFlagsArgs *args = a;
    VB_RPC_VOL(args->vol);

    return vbStorageVolDelete(vbRPCStorageDriver(client), &vol, args->flags);
}

static int
vbRPCStorageVolLookupByName(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStoragePoolStringArgs *args = a;
    VB_RPC_POOL(args->pool);

    return vbRPCStorageReturnVol(
        vbStorageVolLookupByName(vbRPCStorageDriver(client), &pool, args->str), r);
}

static int
vbRPCStorageVolLookupByKey(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStringArgs *args = a;

    return vbRPCStorageReturnVol(vbStorageVolLookupByKey(vbRPCStorageDriver(client), args->str), r);
}

static int
vbRPCStorageVolLookupByPath(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStringArgs *args = a;

    return vbRPCStorageReturnVol(vbStorageVolLookupByPath(vbRPCStorageDriver(client), args->str),
                                 r);
}

static int
vbRPCStorageVolGetInfoOf(vbRPCClient *client, const vbRemoteStorageVol *rvol, unsigned int flags,
                         void *r)
{
    vbRemoteStorageVolGetInfoRet *ret = r;
    vbStorageVolInfo info;
    VB_RPC_VOL(*rvol);

    if (vbStorageVolGetInfo(vbRPCStorageDriver(client), &vol, &info, flags) < 0)
        return -1;
    ret->type = info.type;
    ret->capacity = info.capacity;
    ret->allocation = info.allocation;
    return 0;
}

static int
vbRPCStorageVolGetInfo(vbRPCClient *client, const void *a, void *r)
{
    return vbRPCStorageVolGetInfoOf(client, &((const vbRemoteStorageVolArgs *) a)->vol, 0, r);
}

static int
vbRPCStorageVolGetInfoFlags(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStorageVolFlagsArgs *args = a;

    return vbRPCStorageVolGetInfoOf(client, &args->vol, args->flags, r);
}

static int
vbRPCStorageVolGetXMLDesc(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStorageVolFlagsArgs *args = a;
    vbRemoteStringRet *ret = r;
    VB_RPC_VOL(args->vol);

    ret->str = vbStorageVolGetXMLDesc(vbRPCStorageDriver(client), &vol, args->flags);
    return ret->str ? 0 : -1;
}

static int
vbRPCStorageVolGetPath(vbRPCClient *client, const void *a, void *r)
{
    const vbRemoteStorageVolArgs *args = a;
    vbRemoteStringRet *ret = r;
    VB_RPC_VOL(args->vol);

    ret->str = vbStorageVolGetPath(vbRPCStorageDriver(client), &vol);
    return ret->str ? 0 : -1;
}

#define H(num, func) \
    { \
        VB_REMOTE_PROC_##num, func \
    }

static const vbRPCHandlerEntry vbRPCStorageHandlers[] = {
    H(CONNECT_NUM_OF_STORAGE_POOLS, vbRPCStorageNumOfPools),
    H(CONNECT_LIST_STORAGE_POOLS, vbRPCStorageListPools),
    H(CONNECT_NUM_OF_DEFINED_STORAGE_POOLS, vbRPCStorageNumOfDefinedPools),
    H(CONNECT_LIST_DEFINED_STORAGE_POOLS, vbRPCStorageListDefinedPools),
    H(STORAGE_POOL_CREATE_XML, vbRPCStoragePoolCreateXML),
    H(STORAGE_POOL_DEFINE_XML, vbRPCStoragePoolDefineXML),
    H(STORAGE_POOL_CREATE, vbRPCStoragePoolCreate),
    H(STORAGE_POOL_BUILD, vbRPCStoragePoolBuild),
    H(STORAGE_POOL_DESTROY, vbRPCStoragePoolDestroy),
    H(STORAGE_POOL_DELETE, vbRPCStoragePoolDelete),
    H(STORAGE_POOL_UNDEFINE, vbRPCStoragePoolUndefine),
    H(STORAGE_POOL_REFRESH, vbRPCStoragePoolRefresh),
    H(STORAGE_POOL_LOOKUP_BY_NAME, vbRPCStoragePoolLookupByName),
    H(STORAGE_POOL_LOOKUP_BY_UUID, vbRPCStoragePoolLookupByUUID),
    H(STORAGE_POOL_LOOKUP_BY_VOLUME, vbRPCStoragePoolLookupByVolume),
    H(STORAGE_POOL_GET_INFO, vbRPCStoragePoolGetInfo),
    H(STORAGE_POOL_GET_XML_DESC, vbRPCStoragePoolGetXMLDesc),
    H(STORAGE_POOL_GET_AUTOSTART, vbRPCStoragePoolGetAutostart),
    H(STORAGE_POOL_SET_AUTOSTART, vbRPCStoragePoolSetAutostart),
    H(STORAGE_POOL_NUM_OF_VOLUMES, vbRPCStoragePoolNumOfVolumes),
    H(STORAGE_POOL_LIST_VOLUMES, vbRPCStoragePoolListVolumes),
    H(STORAGE_VOL_CREATE_XML, vbRPCStorageVolCreateXML),
    H(STORAGE_VOL_DELETE, vbRPCStorageVolDelete),
    H(STORAGE_VOL_LOOKUP_BY_NAME, vbRPCStorageVolLookupByName),
    H(STORAGE_VOL_LOOKUP_BY_KEY, vbRPCStorageVolLookupByKey),
    H(STORAGE_VOL_LOOKUP_BY_PATH, vbRPCStorageVolLookupByPath),
    H(STORAGE_VOL_GET_INFO, vbRPCStorageVolGetInfo),
    H(STORAGE_VOL_GET_XML_DESC, vbRPCStorageVolGetXMLDesc),
    H(STORAGE_VOL_GET_PATH, vbRPCStorageVolGetPath),
    H(STORAGE_POOL_IS_ACTIVE, vbRPCStoragePoolIsActive),
    H(STORAGE_POOL_IS_PERSISTENT, vbRPCStoragePoolIsPersistent),
    H(CONNECT_LIST_ALL_STORAGE_POOLS, vbRPCStorageListAllPools),
    H(STORAGE_POOL_LIST_ALL_VOLUMES, vbRPCStoragePoolListAllVolumes),
    H(STORAGE_VOL_GET_INFO_FLAGS, vbRPCStorageVolGetInfoFlags),
    H(STORAGE_POOL_LOOKUP_BY_TARGET_PATH, vbRPCStoragePoolLookupByTargetPath),
};

#undef H

const vbRPCHandlerEntry *
vbRPCStorageGetHandlers(size_t *n)
{
    *n = G_N_ELEMENTS(vbRPCStorageHandlers);
    return vbRPCStorageHandlers;
}
