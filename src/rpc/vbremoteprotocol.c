/*
 * vbremoteprotocol.c: the subset of libvirt's remote_protocol.x we speak
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Numbers, names, field order and limits come from remote_protocol.x and
 * qemu_protocol.x of libvirt (checked against its master branch); the
 * code is ours.
 */

#include "vbinternal.h"

#include <stddef.h>
#include <string.h>

#include "vberror.h"
#include "vbremoteprotocol.h"
#include "vbrpcpacket.h"

#define VB_FROM_THIS_FILE VIR_FROM_RPC

typedef enum {
    VB_REMOTE_FIELD_INT,            /* int */
    VB_REMOTE_FIELD_UINT,           /* unsigned int */
    VB_REMOTE_FIELD_UHYPER,         /* uint64_t */
    VB_REMOTE_FIELD_UCHAR,          /* uint8_t, 4 bytes on the wire */
    VB_REMOTE_FIELD_USHORT,         /* uint16_t, 4 bytes on the wire */
    VB_REMOTE_FIELD_STRING,         /* remote_nonnull_string: char * */
    VB_REMOTE_FIELD_OPT_STRING,     /* remote_string: char *, NULL if absent */
    VB_REMOTE_FIELD_UUID,           /* remote_uuid: unsigned char[16] */
    VB_REMOTE_FIELD_DOMAIN,         /* remote_nonnull_domain: vbRemoteDomain */
    VB_REMOTE_FIELD_OPT_DOMAIN,     /* remote_domain: vbRemoteDomain * */
    VB_REMOTE_FIELD_SNAPSHOT,       /* remote_nonnull_domain_snapshot */
    VB_REMOTE_FIELD_INT_ARRAY,      /* int x<max>: int *, count */
    VB_REMOTE_FIELD_STRING_ARRAY,   /* remote_nonnull_string x<max>: char **, count */
    VB_REMOTE_FIELD_DOMAIN_ARRAY,   /* remote_nonnull_domain x<max>: vbRemoteDomain *, count */
    VB_REMOTE_FIELD_SNAPSHOT_ARRAY, /* remote_nonnull_domain_snapshot x<max> */
    VB_REMOTE_FIELD_CHARS,          /* char x[max]: each char 4 bytes */
    VB_REMOTE_FIELD_UHYPER_ARRAY,   /* unsigned hyper x<max>: uint64_t *, count */
    VB_REMOTE_FIELD_NAMED_ARRAY,    /* {string field; unsigned hyper value} x<max> */
    VB_REMOTE_FIELD_POOL_ARRAY,     /* remote_nonnull_storage_pool x<max> */
    VB_REMOTE_FIELD_VOL_ARRAY,      /* remote_nonnull_storage_vol x<max> */
    VB_REMOTE_FIELD_MEMSTAT_ARRAY,  /* {int tag; unsigned hyper val} x<max> */
    VB_REMOTE_FIELD_TYPED_PARAMS,   /* remote_typed_param x<max>: vbRemoteTypedParam *, count */
    VB_REMOTE_FIELD_IFACE_ARRAY,    /* remote_domain_interface x<max> */
    VB_REMOTE_FIELD_FSINFO_ARRAY,   /* remote_domain_fsinfo x<max>: vbRemoteDomainFSInfo * */
} vbRemoteFieldKind;

typedef struct _vbRemoteField vbRemoteField;
struct _vbRemoteField {
    vbRemoteFieldKind kind;
    size_t offset;
    size_t countOffset; /* arrays: where the size_t count lives */
    size_t max;         /* strings: bytes; arrays: elements */
};

struct _vbRemoteType {
    const char *name;
    size_t size;
    const vbRemoteField *fields;
    size_t nfields;
};

/* Smallest encoding of one remote_nonnull_domain: empty name, uuid, id */
#define VB_REMOTE_DOMAIN_MIN_SIZE (4 + VB_UUID_BUFLEN + 4)
/* ... of a remote_nonnull_storage_pool (empty name, uuid) and a
 * remote_nonnull_storage_vol (three empty strings) */
#define VB_REMOTE_POOL_MIN_SIZE (4 + VB_UUID_BUFLEN)
#define VB_REMOTE_VOL_MIN_SIZE (3 * 4)

#define F_INT(st, f) \
    { \
        VB_REMOTE_FIELD_INT, offsetof(st, f), 0, 0 \
    }
#define F_UINT(st, f) \
    { \
        VB_REMOTE_FIELD_UINT, offsetof(st, f), 0, 0 \
    }
#define F_UHYPER(st, f) \
    { \
        VB_REMOTE_FIELD_UHYPER, offsetof(st, f), 0, 0 \
    }
#define F_UCHAR(st, f) \
    { \
        VB_REMOTE_FIELD_UCHAR, offsetof(st, f), 0, 0 \
    }
#define F_USHORT(st, f) \
    { \
        VB_REMOTE_FIELD_USHORT, offsetof(st, f), 0, 0 \
    }
#define F_STRING(st, f) \
    { \
        VB_REMOTE_FIELD_STRING, offsetof(st, f), 0, VB_REMOTE_STRING_MAX \
    }
#define F_OPT_STRING(st, f) \
    { \
        VB_REMOTE_FIELD_OPT_STRING, offsetof(st, f), 0, VB_REMOTE_STRING_MAX \
    }
/* a name, path, key or URI: never a document */
#define F_NAME(st, f) \
    { \
        VB_REMOTE_FIELD_STRING, offsetof(st, f), 0, VB_REMOTE_NAME_MAX \
    }
#define F_OPT_NAME(st, f) \
    { \
        VB_REMOTE_FIELD_OPT_STRING, offsetof(st, f), 0, VB_REMOTE_NAME_MAX \
    }
#define F_UUID(st, f) \
    { \
        VB_REMOTE_FIELD_UUID, offsetof(st, f), 0, 0 \
    }
#define F_DOMAIN(st, f) \
    { \
        VB_REMOTE_FIELD_DOMAIN, offsetof(st, f), 0, 0 \
    }
#define F_OPT_DOMAIN(st, f) \
    { \
        VB_REMOTE_FIELD_OPT_DOMAIN, offsetof(st, f), 0, 0 \
    }
#define F_SNAPSHOT(st, f) \
    { \
        VB_REMOTE_FIELD_SNAPSHOT, offsetof(st, f), 0, 0 \
    }
#define F_CHARS(st, f) \
    { \
        VB_REMOTE_FIELD_CHARS, offsetof(st, f), 0, sizeof(((st *) 0)->f) \
    }
#define F_ARRAY(kind, st, f, n, max) \
    { \
        kind, offsetof(st, f), offsetof(st, n), max \
    }

#define VB_REMOTE_TYPE(var, st, ...) \
    static const vbRemoteField var##Fields[] = {__VA_ARGS__}; \
    static const vbRemoteType var = {#st, sizeof(st), var##Fields, G_N_ELEMENTS(var##Fields)}

VB_REMOTE_TYPE(vbRemoteDomainArgsType, vbRemoteDomainArgs, F_DOMAIN(vbRemoteDomainArgs, dom));
VB_REMOTE_TYPE(vbRemoteDomainFlagsArgsType, vbRemoteDomainFlagsArgs,
               F_DOMAIN(vbRemoteDomainFlagsArgs, dom), F_UINT(vbRemoteDomainFlagsArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainRetType, vbRemoteDomainRet, F_DOMAIN(vbRemoteDomainRet, dom));
VB_REMOTE_TYPE(vbRemoteNumRetType, vbRemoteNumRet, F_INT(vbRemoteNumRet, num));
VB_REMOTE_TYPE(vbRemoteStringRetType, vbRemoteStringRet, F_STRING(vbRemoteStringRet, str));
/* DEFINE_XML has no flags on the wire: a type of its own */
VB_REMOTE_TYPE(vbRemoteXMLArgsType, vbRemoteXMLFlagsArgs, F_STRING(vbRemoteXMLFlagsArgs, xml));
VB_REMOTE_TYPE(vbRemoteXMLFlagsArgsType, vbRemoteXMLFlagsArgs, F_STRING(vbRemoteXMLFlagsArgs, xml),
               F_UINT(vbRemoteXMLFlagsArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainRestoreArgsType, vbRemoteDomainRestoreArgs,
               F_STRING(vbRemoteDomainRestoreArgs, from));
VB_REMOTE_TYPE(vbRemoteDomainRestoreFlagsArgsType, vbRemoteDomainRestoreFlagsArgs,
               F_STRING(vbRemoteDomainRestoreFlagsArgs, from),
               F_OPT_STRING(vbRemoteDomainRestoreFlagsArgs, dxml),
               F_UINT(vbRemoteDomainRestoreFlagsArgs, flags));
VB_REMOTE_TYPE(vbRemoteVersionRetType, vbRemoteVersionRet, F_UHYPER(vbRemoteVersionRet, version));

VB_REMOTE_TYPE(vbRemoteConnectOpenArgsType, vbRemoteConnectOpenArgs,
               F_OPT_NAME(vbRemoteConnectOpenArgs, name), F_UINT(vbRemoteConnectOpenArgs, flags));
VB_REMOTE_TYPE(vbRemoteConnectSupportsFeatureArgsType, vbRemoteConnectSupportsFeatureArgs,
               F_INT(vbRemoteConnectSupportsFeatureArgs, feature));
VB_REMOTE_TYPE(vbRemoteConnectSupportsFeatureRetType, vbRemoteConnectSupportsFeatureRet,
               F_INT(vbRemoteConnectSupportsFeatureRet, supported));
VB_REMOTE_TYPE(vbRemoteAuthListRetType, vbRemoteAuthListRet,
               F_ARRAY(VB_REMOTE_FIELD_INT_ARRAY, vbRemoteAuthListRet, types, ntypes,
                       VB_REMOTE_AUTH_TYPE_LIST_MAX));

VB_REMOTE_TYPE(vbRemoteConnectGetMaxVcpusArgsType, vbRemoteConnectGetMaxVcpusArgs,
               F_OPT_NAME(vbRemoteConnectGetMaxVcpusArgs, type));
VB_REMOTE_TYPE(vbRemoteNodeGetInfoRetType, vbRemoteNodeGetInfoRet,
               F_CHARS(vbRemoteNodeGetInfoRet, model), F_UHYPER(vbRemoteNodeGetInfoRet, memory),
               F_INT(vbRemoteNodeGetInfoRet, cpus), F_INT(vbRemoteNodeGetInfoRet, mhz),
               F_INT(vbRemoteNodeGetInfoRet, nodes), F_INT(vbRemoteNodeGetInfoRet, sockets),
               F_INT(vbRemoteNodeGetInfoRet, cores), F_INT(vbRemoteNodeGetInfoRet, threads));
VB_REMOTE_TYPE(vbRemoteConnectGetSysinfoArgsType, vbRemoteConnectGetSysinfoArgs,
               F_UINT(vbRemoteConnectGetSysinfoArgs, flags));
VB_REMOTE_TYPE(vbRemoteConnectGetDomainCapabilitiesArgsType,
               vbRemoteConnectGetDomainCapabilitiesArgs,
               F_OPT_NAME(vbRemoteConnectGetDomainCapabilitiesArgs, emulatorbin),
               F_OPT_NAME(vbRemoteConnectGetDomainCapabilitiesArgs, arch),
               F_OPT_NAME(vbRemoteConnectGetDomainCapabilitiesArgs, machine),
               F_OPT_NAME(vbRemoteConnectGetDomainCapabilitiesArgs, virttype),
               F_UINT(vbRemoteConnectGetDomainCapabilitiesArgs, flags));
VB_REMOTE_TYPE(vbRemoteNodeGetCellsFreeMemoryArgsType, vbRemoteNodeGetCellsFreeMemoryArgs,
               F_INT(vbRemoteNodeGetCellsFreeMemoryArgs, startCell),
               F_INT(vbRemoteNodeGetCellsFreeMemoryArgs, maxcells));
VB_REMOTE_TYPE(vbRemoteNodeGetCellsFreeMemoryRetType, vbRemoteNodeGetCellsFreeMemoryRet,
               F_ARRAY(VB_REMOTE_FIELD_UHYPER_ARRAY, vbRemoteNodeGetCellsFreeMemoryRet, cells,
                       ncells, VB_REMOTE_NODE_MAX_CELLS));
VB_REMOTE_TYPE(vbRemoteNodeGetFreeMemoryRetType, vbRemoteNodeGetFreeMemoryRet,
               F_UHYPER(vbRemoteNodeGetFreeMemoryRet, freeMem));
VB_REMOTE_TYPE(vbRemoteNodeGetCPUStatsArgsType, vbRemoteNodeGetCPUStatsArgs,
               F_INT(vbRemoteNodeGetCPUStatsArgs, cpuNum),
               F_INT(vbRemoteNodeGetCPUStatsArgs, nparams),
               F_UINT(vbRemoteNodeGetCPUStatsArgs, flags));
VB_REMOTE_TYPE(vbRemoteNodeGetMemoryStatsArgsType, vbRemoteNodeGetMemoryStatsArgs,
               F_INT(vbRemoteNodeGetMemoryStatsArgs, nparams),
               F_INT(vbRemoteNodeGetMemoryStatsArgs, cellNum),
               F_UINT(vbRemoteNodeGetMemoryStatsArgs, flags));
VB_REMOTE_TYPE(vbRemoteNodeGetMemoryStatsRetType, vbRemoteNodeGetMemoryStatsRet,
               F_ARRAY(VB_REMOTE_FIELD_NAMED_ARRAY, vbRemoteNodeGetMemoryStatsRet, params,
                       nparamsList, VB_REMOTE_NODE_MEMORY_STATS_MAX),
               F_INT(vbRemoteNodeGetMemoryStatsRet, nparams));

VB_REMOTE_TYPE(vbRemoteConnectListAllDomainsArgsType, vbRemoteConnectListAllDomainsArgs,
               F_INT(vbRemoteConnectListAllDomainsArgs, needResults),
               F_UINT(vbRemoteConnectListAllDomainsArgs, flags));
VB_REMOTE_TYPE(vbRemoteConnectListAllDomainsRetType, vbRemoteConnectListAllDomainsRet,
               F_ARRAY(VB_REMOTE_FIELD_DOMAIN_ARRAY, vbRemoteConnectListAllDomainsRet, domains,
                       ndomains, VB_REMOTE_DOMAIN_LIST_MAX),
               F_UINT(vbRemoteConnectListAllDomainsRet, ret));
VB_REMOTE_TYPE(vbRemoteConnectListDomainsArgsType, vbRemoteConnectListDomainsArgs,
               F_INT(vbRemoteConnectListDomainsArgs, maxids));
VB_REMOTE_TYPE(vbRemoteConnectListDomainsRetType, vbRemoteConnectListDomainsRet,
               F_ARRAY(VB_REMOTE_FIELD_INT_ARRAY, vbRemoteConnectListDomainsRet, ids, nids,
                       VB_REMOTE_DOMAIN_LIST_MAX));
VB_REMOTE_TYPE(vbRemoteConnectListDefinedDomainsArgsType, vbRemoteConnectListDefinedDomainsArgs,
               F_INT(vbRemoteConnectListDefinedDomainsArgs, maxnames));
VB_REMOTE_TYPE(vbRemoteConnectListDefinedDomainsRetType, vbRemoteConnectListDefinedDomainsRet,
               F_ARRAY(VB_REMOTE_FIELD_STRING_ARRAY, vbRemoteConnectListDefinedDomainsRet, names,
                       nnames, VB_REMOTE_DOMAIN_LIST_MAX));

VB_REMOTE_TYPE(vbRemoteDomainLookupByIDArgsType, vbRemoteDomainLookupByIDArgs,
               F_INT(vbRemoteDomainLookupByIDArgs, id));
VB_REMOTE_TYPE(vbRemoteDomainLookupByNameArgsType, vbRemoteDomainLookupByNameArgs,
               F_NAME(vbRemoteDomainLookupByNameArgs, name));
VB_REMOTE_TYPE(vbRemoteDomainLookupByUUIDArgsType, vbRemoteDomainLookupByUUIDArgs,
               F_UUID(vbRemoteDomainLookupByUUIDArgs, uuid));

VB_REMOTE_TYPE(vbRemoteDomainSetAutostartArgsType, vbRemoteDomainSetAutostartArgs,
               F_DOMAIN(vbRemoteDomainSetAutostartArgs, dom),
               F_INT(vbRemoteDomainSetAutostartArgs, autostart));

VB_REMOTE_TYPE(vbRemoteDomainAttachDeviceArgsType, vbRemoteDomainAttachDeviceArgs,
               F_DOMAIN(vbRemoteDomainAttachDeviceArgs, dom),
               F_STRING(vbRemoteDomainAttachDeviceArgs, xml));
VB_REMOTE_TYPE(vbRemoteDomainUpdateDeviceFlagsArgsType, vbRemoteDomainUpdateDeviceFlagsArgs,
               F_DOMAIN(vbRemoteDomainUpdateDeviceFlagsArgs, dom),
               F_STRING(vbRemoteDomainUpdateDeviceFlagsArgs, xml),
               F_UINT(vbRemoteDomainUpdateDeviceFlagsArgs, flags));

VB_REMOTE_TYPE(vbRemoteDomainGetBlockIoTuneArgsType, vbRemoteDomainGetBlockIoTuneArgs,
               F_DOMAIN(vbRemoteDomainGetBlockIoTuneArgs, dom),
               F_OPT_NAME(vbRemoteDomainGetBlockIoTuneArgs, disk),
               F_INT(vbRemoteDomainGetBlockIoTuneArgs, nparams),
               F_UINT(vbRemoteDomainGetBlockIoTuneArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainGetBlockIoTuneRetType, vbRemoteDomainGetBlockIoTuneRet,
               F_ARRAY(VB_REMOTE_FIELD_TYPED_PARAMS, vbRemoteDomainGetBlockIoTuneRet, params,
                       nparamsList, VB_REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX),
               F_INT(vbRemoteDomainGetBlockIoTuneRet, nparams));

VB_REMOTE_TYPE(vbRemoteDomainGetInfoRetType, vbRemoteDomainGetInfoRet,
               F_UCHAR(vbRemoteDomainGetInfoRet, state), F_UHYPER(vbRemoteDomainGetInfoRet, maxMem),
               F_UHYPER(vbRemoteDomainGetInfoRet, memory),
               F_USHORT(vbRemoteDomainGetInfoRet, nrVirtCpu),
               F_UHYPER(vbRemoteDomainGetInfoRet, cpuTime));
VB_REMOTE_TYPE(vbRemoteDomainGetStateRetType, vbRemoteDomainGetStateRet,
               F_INT(vbRemoteDomainGetStateRet, state), F_INT(vbRemoteDomainGetStateRet, reason));
VB_REMOTE_TYPE(vbRemoteDomainGetMessagesRetType, vbRemoteDomainGetMessagesRet,
               F_ARRAY(VB_REMOTE_FIELD_STRING_ARRAY, vbRemoteDomainGetMessagesRet, msgs, nmsgs,
                       VB_REMOTE_DOMAIN_MESSAGES_MAX));

VB_REMOTE_TYPE(vbRemoteDomainBlockCommitArgsType, vbRemoteDomainBlockCommitArgs,
               F_DOMAIN(vbRemoteDomainBlockCommitArgs, dom),
               F_NAME(vbRemoteDomainBlockCommitArgs, disk),
               F_OPT_NAME(vbRemoteDomainBlockCommitArgs, base),
               F_OPT_NAME(vbRemoteDomainBlockCommitArgs, top),
               F_UHYPER(vbRemoteDomainBlockCommitArgs, bandwidth),
               F_UINT(vbRemoteDomainBlockCommitArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainBlockPathArgsType, vbRemoteDomainBlockPathArgs,
               F_DOMAIN(vbRemoteDomainBlockPathArgs, dom),
               F_NAME(vbRemoteDomainBlockPathArgs, path),
               F_UINT(vbRemoteDomainBlockPathArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainGetBlockJobInfoRetType, vbRemoteDomainGetBlockJobInfoRet,
               F_INT(vbRemoteDomainGetBlockJobInfoRet, found),
               F_INT(vbRemoteDomainGetBlockJobInfoRet, type),
               F_UHYPER(vbRemoteDomainGetBlockJobInfoRet, bandwidth),
               F_UHYPER(vbRemoteDomainGetBlockJobInfoRet, cur),
               F_UHYPER(vbRemoteDomainGetBlockJobInfoRet, end));
VB_REMOTE_TYPE(vbRemoteDomainBlockBandwidthArgsType, vbRemoteDomainBlockBandwidthArgs,
               F_DOMAIN(vbRemoteDomainBlockBandwidthArgs, dom),
               F_NAME(vbRemoteDomainBlockBandwidthArgs, path),
               F_UHYPER(vbRemoteDomainBlockBandwidthArgs, bandwidth),
               F_UINT(vbRemoteDomainBlockBandwidthArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainBlockRebaseArgsType, vbRemoteDomainBlockRebaseArgs,
               F_DOMAIN(vbRemoteDomainBlockRebaseArgs, dom),
               F_NAME(vbRemoteDomainBlockRebaseArgs, path),
               F_OPT_NAME(vbRemoteDomainBlockRebaseArgs, base),
               F_UHYPER(vbRemoteDomainBlockRebaseArgs, bandwidth),
               F_UINT(vbRemoteDomainBlockRebaseArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotCreateXMLArgsType, vbRemoteDomainSnapshotCreateXMLArgs,
               F_DOMAIN(vbRemoteDomainSnapshotCreateXMLArgs, dom),
               F_STRING(vbRemoteDomainSnapshotCreateXMLArgs, xmlDesc),
               F_UINT(vbRemoteDomainSnapshotCreateXMLArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotCreateXMLRetType, vbRemoteDomainSnapshotCreateXMLRet,
               F_SNAPSHOT(vbRemoteDomainSnapshotCreateXMLRet, snap));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotFlagsArgsType, vbRemoteDomainSnapshotFlagsArgs,
               F_SNAPSHOT(vbRemoteDomainSnapshotFlagsArgs, snap),
               F_UINT(vbRemoteDomainSnapshotFlagsArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotListNamesArgsType, vbRemoteDomainSnapshotListNamesArgs,
               F_DOMAIN(vbRemoteDomainSnapshotListNamesArgs, dom),
               F_INT(vbRemoteDomainSnapshotListNamesArgs, maxnames),
               F_UINT(vbRemoteDomainSnapshotListNamesArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotListNamesRetType, vbRemoteDomainSnapshotListNamesRet,
               F_ARRAY(VB_REMOTE_FIELD_STRING_ARRAY, vbRemoteDomainSnapshotListNamesRet, names,
                       nnames, VB_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotLookupByNameArgsType, vbRemoteDomainSnapshotLookupByNameArgs,
               F_DOMAIN(vbRemoteDomainSnapshotLookupByNameArgs, dom),
               F_NAME(vbRemoteDomainSnapshotLookupByNameArgs, name),
               F_UINT(vbRemoteDomainSnapshotLookupByNameArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotListChildrenNamesArgsType,
               vbRemoteDomainSnapshotListChildrenNamesArgs,
               F_SNAPSHOT(vbRemoteDomainSnapshotListChildrenNamesArgs, snap),
               F_INT(vbRemoteDomainSnapshotListChildrenNamesArgs, maxnames),
               F_UINT(vbRemoteDomainSnapshotListChildrenNamesArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainListAllSnapshotsArgsType, vbRemoteDomainListAllSnapshotsArgs,
               F_DOMAIN(vbRemoteDomainListAllSnapshotsArgs, dom),
               F_INT(vbRemoteDomainListAllSnapshotsArgs, needResults),
               F_UINT(vbRemoteDomainListAllSnapshotsArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotListAllChildrenArgsType,
               vbRemoteDomainSnapshotListAllChildrenArgs,
               F_SNAPSHOT(vbRemoteDomainSnapshotListAllChildrenArgs, snap),
               F_INT(vbRemoteDomainSnapshotListAllChildrenArgs, needResults),
               F_UINT(vbRemoteDomainSnapshotListAllChildrenArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainListAllSnapshotsRetType, vbRemoteDomainListAllSnapshotsRet,
               F_ARRAY(VB_REMOTE_FIELD_SNAPSHOT_ARRAY, vbRemoteDomainListAllSnapshotsRet, snapshots,
                       nsnapshots, VB_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX),
               F_INT(vbRemoteDomainListAllSnapshotsRet, ret));
VB_REMOTE_TYPE(vbRemoteDomainSnapshotRetType, vbRemoteDomainSnapshotCreateXMLRet,
               F_SNAPSHOT(vbRemoteDomainSnapshotCreateXMLRet, snap));

VB_REMOTE_TYPE(vbRemoteCallbackRegisterArgsType, vbRemoteConnectDomainEventCallbackRegisterAnyArgs,
               F_INT(vbRemoteConnectDomainEventCallbackRegisterAnyArgs, eventID),
               F_OPT_DOMAIN(vbRemoteConnectDomainEventCallbackRegisterAnyArgs, dom));
VB_REMOTE_TYPE(vbRemoteCallbackRegisterRetType, vbRemoteConnectDomainEventCallbackRegisterAnyRet,
               F_INT(vbRemoteConnectDomainEventCallbackRegisterAnyRet, callbackID));
VB_REMOTE_TYPE(vbRemoteCallbackDeregisterArgsType,
               vbRemoteConnectDomainEventCallbackDeregisterAnyArgs,
               F_INT(vbRemoteConnectDomainEventCallbackDeregisterAnyArgs, callbackID));
VB_REMOTE_TYPE(vbRemoteEventRegisterArgsType, vbRemoteConnectDomainEventRegisterAnyArgs,
               F_INT(vbRemoteConnectDomainEventRegisterAnyArgs, eventID));

VB_REMOTE_TYPE(vbRemoteEventLifecycleMsgType, vbRemoteDomainEventLifecycleMsg,
               F_DOMAIN(vbRemoteDomainEventLifecycleMsg, dom),
               F_INT(vbRemoteDomainEventLifecycleMsg, event),
               F_INT(vbRemoteDomainEventLifecycleMsg, detail));
VB_REMOTE_TYPE(vbRemoteEventCallbackLifecycleMsgType, vbRemoteDomainEventCallbackLifecycleMsg,
               F_INT(vbRemoteDomainEventCallbackLifecycleMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackLifecycleMsg, dom),
               F_INT(vbRemoteDomainEventCallbackLifecycleMsg, event),
               F_INT(vbRemoteDomainEventCallbackLifecycleMsg, detail));
VB_REMOTE_TYPE(vbRemoteEventBlockJobMsgType, vbRemoteDomainEventBlockJobMsg,
               F_DOMAIN(vbRemoteDomainEventBlockJobMsg, dom),
               F_STRING(vbRemoteDomainEventBlockJobMsg, path),
               F_INT(vbRemoteDomainEventBlockJobMsg, type),
               F_INT(vbRemoteDomainEventBlockJobMsg, status));
VB_REMOTE_TYPE(vbRemoteEventCallbackBlockJobMsgType, vbRemoteDomainEventCallbackBlockJobMsg,
               F_INT(vbRemoteDomainEventCallbackBlockJobMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackBlockJobMsg, dom),
               F_STRING(vbRemoteDomainEventCallbackBlockJobMsg, path),
               F_INT(vbRemoteDomainEventCallbackBlockJobMsg, type),
               F_INT(vbRemoteDomainEventCallbackBlockJobMsg, status));
VB_REMOTE_TYPE(vbRemoteEventControlErrorMsgType, vbRemoteDomainEventControlErrorMsg,
               F_DOMAIN(vbRemoteDomainEventControlErrorMsg, dom));
VB_REMOTE_TYPE(vbRemoteEventCallbackControlErrorMsgType, vbRemoteDomainEventCallbackControlErrorMsg,
               F_INT(vbRemoteDomainEventCallbackControlErrorMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackControlErrorMsg, dom));
VB_REMOTE_TYPE(vbRemoteDomainSetMemoryArgsType, vbRemoteDomainSetMemoryArgs,
               F_DOMAIN(vbRemoteDomainSetMemoryArgs, dom),
               F_UHYPER(vbRemoteDomainSetMemoryArgs, memory));
VB_REMOTE_TYPE(vbRemoteDomainSetMemoryFlagsArgsType, vbRemoteDomainSetMemoryFlagsArgs,
               F_DOMAIN(vbRemoteDomainSetMemoryFlagsArgs, dom),
               F_UHYPER(vbRemoteDomainSetMemoryFlagsArgs, memory),
               F_UINT(vbRemoteDomainSetMemoryFlagsArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainSetMemoryStatsPeriodArgsType, vbRemoteDomainSetMemoryStatsPeriodArgs,
               F_DOMAIN(vbRemoteDomainSetMemoryStatsPeriodArgs, dom),
               F_INT(vbRemoteDomainSetMemoryStatsPeriodArgs, period),
               F_UINT(vbRemoteDomainSetMemoryStatsPeriodArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainInterfaceStatsArgsType, vbRemoteDomainInterfaceStatsArgs,
               F_DOMAIN(vbRemoteDomainInterfaceStatsArgs, dom),
               F_NAME(vbRemoteDomainInterfaceStatsArgs, device));
VB_REMOTE_TYPE(vbRemoteDomainInterfaceStatsRetType, vbRemoteDomainInterfaceStatsRet,
               F_UHYPER(vbRemoteDomainInterfaceStatsRet, rxBytes),
               F_UHYPER(vbRemoteDomainInterfaceStatsRet, rxPackets),
               F_UHYPER(vbRemoteDomainInterfaceStatsRet, rxErrs),
               F_UHYPER(vbRemoteDomainInterfaceStatsRet, rxDrop),
               F_UHYPER(vbRemoteDomainInterfaceStatsRet, txBytes),
               F_UHYPER(vbRemoteDomainInterfaceStatsRet, txPackets),
               F_UHYPER(vbRemoteDomainInterfaceStatsRet, txErrs),
               F_UHYPER(vbRemoteDomainInterfaceStatsRet, txDrop));
VB_REMOTE_TYPE(vbRemoteDomainMemoryStatsArgsType, vbRemoteDomainMemoryStatsArgs,
               F_DOMAIN(vbRemoteDomainMemoryStatsArgs, dom),
               F_UINT(vbRemoteDomainMemoryStatsArgs, maxStats),
               F_UINT(vbRemoteDomainMemoryStatsArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainMemoryStatsRetType, vbRemoteDomainMemoryStatsRet,
               F_ARRAY(VB_REMOTE_FIELD_MEMSTAT_ARRAY, vbRemoteDomainMemoryStatsRet, stats, nstats,
                       VB_REMOTE_DOMAIN_MEMORY_STATS_MAX));
VB_REMOTE_TYPE(vbRemoteDomainInterfaceAddressesArgsType, vbRemoteDomainInterfaceAddressesArgs,
               F_DOMAIN(vbRemoteDomainInterfaceAddressesArgs, dom),
               F_UINT(vbRemoteDomainInterfaceAddressesArgs, source),
               F_UINT(vbRemoteDomainInterfaceAddressesArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainInterfaceAddressesRetType, vbRemoteDomainInterfaceAddressesRet,
               F_ARRAY(VB_REMOTE_FIELD_IFACE_ARRAY, vbRemoteDomainInterfaceAddressesRet, ifaces,
                       nifaces, VB_REMOTE_DOMAIN_INTERFACE_MAX));
VB_REMOTE_TYPE(vbRemoteEventBalloonChangeMsgType, vbRemoteDomainEventBalloonChangeMsg,
               F_DOMAIN(vbRemoteDomainEventBalloonChangeMsg, dom),
               F_UHYPER(vbRemoteDomainEventBalloonChangeMsg, actual));
VB_REMOTE_TYPE(vbRemoteEventCallbackBalloonChangeMsgType,
               vbRemoteDomainEventCallbackBalloonChangeMsg,
               F_INT(vbRemoteDomainEventCallbackBalloonChangeMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackBalloonChangeMsg, dom),
               F_UHYPER(vbRemoteDomainEventCallbackBalloonChangeMsg, actual));
VB_REMOTE_TYPE(vbRemoteEventWatchdogMsgType, vbRemoteDomainEventWatchdogMsg,
               F_DOMAIN(vbRemoteDomainEventWatchdogMsg, dom),
               F_INT(vbRemoteDomainEventWatchdogMsg, action));
VB_REMOTE_TYPE(vbRemoteEventCallbackJobCompletedMsgType, vbRemoteDomainEventCallbackJobCompletedMsg,
               F_INT(vbRemoteDomainEventCallbackJobCompletedMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackJobCompletedMsg, dom),
               F_ARRAY(VB_REMOTE_FIELD_TYPED_PARAMS, vbRemoteDomainEventCallbackJobCompletedMsg,
                       params, nparams, VB_REMOTE_DOMAIN_JOB_STATS_MAX));
VB_REMOTE_TYPE(vbRemoteEventCallbackAgentLifecycleMsgType,
               vbRemoteDomainEventCallbackAgentLifecycleMsg,
               F_INT(vbRemoteDomainEventCallbackAgentLifecycleMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackAgentLifecycleMsg, dom),
               F_INT(vbRemoteDomainEventCallbackAgentLifecycleMsg, state),
               F_INT(vbRemoteDomainEventCallbackAgentLifecycleMsg, reason));
VB_REMOTE_TYPE(vbRemoteEventDeviceMsgType, vbRemoteDomainEventDeviceMsg,
               F_DOMAIN(vbRemoteDomainEventDeviceMsg, dom),
               F_STRING(vbRemoteDomainEventDeviceMsg, devAlias));
VB_REMOTE_TYPE(vbRemoteEventCallbackDeviceMsgType, vbRemoteDomainEventCallbackDeviceMsg,
               F_INT(vbRemoteDomainEventCallbackDeviceMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackDeviceMsg, dom),
               F_STRING(vbRemoteDomainEventCallbackDeviceMsg, devAlias));
VB_REMOTE_TYPE(vbRemoteDomainFSFreezeArgsType, vbRemoteDomainFSFreezeArgs,
               F_DOMAIN(vbRemoteDomainFSFreezeArgs, dom),
               F_ARRAY(VB_REMOTE_FIELD_STRING_ARRAY, vbRemoteDomainFSFreezeArgs, mountpoints,
                       nmountpoints, VB_REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX),
               F_UINT(vbRemoteDomainFSFreezeArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainFSFreezeRetType, vbRemoteDomainFSFreezeRet,
               F_INT(vbRemoteDomainFSFreezeRet, filesystems));
VB_REMOTE_TYPE(vbRemoteDomainGetTimeRetType, vbRemoteDomainGetTimeRet,
               F_UHYPER(vbRemoteDomainGetTimeRet, seconds),
               F_UINT(vbRemoteDomainGetTimeRet, nseconds));
VB_REMOTE_TYPE(vbRemoteDomainSetTimeArgsType, vbRemoteDomainSetTimeArgs,
               F_DOMAIN(vbRemoteDomainSetTimeArgs, dom),
               F_UHYPER(vbRemoteDomainSetTimeArgs, seconds),
               F_UINT(vbRemoteDomainSetTimeArgs, nseconds),
               F_UINT(vbRemoteDomainSetTimeArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainGetFSInfoRetType, vbRemoteDomainGetFSInfoRet,
               F_ARRAY(VB_REMOTE_FIELD_FSINFO_ARRAY, vbRemoteDomainGetFSInfoRet, info, ninfo,
                       VB_REMOTE_DOMAIN_FSINFO_MAX),
               F_UINT(vbRemoteDomainGetFSInfoRet, ret));
VB_REMOTE_TYPE(vbRemoteDomainSetUserPasswordArgsType, vbRemoteDomainSetUserPasswordArgs,
               F_DOMAIN(vbRemoteDomainSetUserPasswordArgs, dom),
               F_OPT_NAME(vbRemoteDomainSetUserPasswordArgs, user),
               F_OPT_NAME(vbRemoteDomainSetUserPasswordArgs, password),
               F_UINT(vbRemoteDomainSetUserPasswordArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainGetGuestInfoArgsType, vbRemoteDomainGetGuestInfoArgs,
               F_DOMAIN(vbRemoteDomainGetGuestInfoArgs, dom),
               F_UINT(vbRemoteDomainGetGuestInfoArgs, types),
               F_UINT(vbRemoteDomainGetGuestInfoArgs, flags));
VB_REMOTE_TYPE(vbRemoteDomainGetGuestInfoRetType, vbRemoteDomainGetGuestInfoRet,
               F_ARRAY(VB_REMOTE_FIELD_TYPED_PARAMS, vbRemoteDomainGetGuestInfoRet, params, nparams,
                       VB_REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX));
VB_REMOTE_TYPE(vbRemoteEventCallbackWatchdogMsgType, vbRemoteDomainEventCallbackWatchdogMsg,
               F_INT(vbRemoteDomainEventCallbackWatchdogMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackWatchdogMsg, dom),
               F_INT(vbRemoteDomainEventCallbackWatchdogMsg, action));
VB_REMOTE_TYPE(vbRemoteEventIOErrorMsgType, vbRemoteDomainEventIOErrorMsg,
               F_DOMAIN(vbRemoteDomainEventIOErrorMsg, dom),
               F_STRING(vbRemoteDomainEventIOErrorMsg, srcPath),
               F_STRING(vbRemoteDomainEventIOErrorMsg, devAlias),
               F_INT(vbRemoteDomainEventIOErrorMsg, action));
VB_REMOTE_TYPE(vbRemoteEventCallbackIOErrorMsgType, vbRemoteDomainEventCallbackIOErrorMsg,
               F_INT(vbRemoteDomainEventCallbackIOErrorMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackIOErrorMsg, dom),
               F_STRING(vbRemoteDomainEventCallbackIOErrorMsg, srcPath),
               F_STRING(vbRemoteDomainEventCallbackIOErrorMsg, devAlias),
               F_INT(vbRemoteDomainEventCallbackIOErrorMsg, action));
VB_REMOTE_TYPE(vbRemoteEventIOErrorReasonMsgType, vbRemoteDomainEventIOErrorReasonMsg,
               F_DOMAIN(vbRemoteDomainEventIOErrorReasonMsg, dom),
               F_STRING(vbRemoteDomainEventIOErrorReasonMsg, srcPath),
               F_STRING(vbRemoteDomainEventIOErrorReasonMsg, devAlias),
               F_INT(vbRemoteDomainEventIOErrorReasonMsg, action),
               F_STRING(vbRemoteDomainEventIOErrorReasonMsg, reason));
VB_REMOTE_TYPE(vbRemoteEventCallbackIOErrorReasonMsgType,
               vbRemoteDomainEventCallbackIOErrorReasonMsg,
               F_INT(vbRemoteDomainEventCallbackIOErrorReasonMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackIOErrorReasonMsg, dom),
               F_STRING(vbRemoteDomainEventCallbackIOErrorReasonMsg, srcPath),
               F_STRING(vbRemoteDomainEventCallbackIOErrorReasonMsg, devAlias),
               F_INT(vbRemoteDomainEventCallbackIOErrorReasonMsg, action),
               F_STRING(vbRemoteDomainEventCallbackIOErrorReasonMsg, reason));
VB_REMOTE_TYPE(vbRemoteEventTrayChangeMsgType, vbRemoteDomainEventTrayChangeMsg,
               F_DOMAIN(vbRemoteDomainEventTrayChangeMsg, dom),
               F_STRING(vbRemoteDomainEventTrayChangeMsg, devAlias),
               F_INT(vbRemoteDomainEventTrayChangeMsg, reason));
VB_REMOTE_TYPE(vbRemoteEventCallbackTrayChangeMsgType, vbRemoteDomainEventCallbackTrayChangeMsg,
               F_INT(vbRemoteDomainEventCallbackTrayChangeMsg, callbackID),
               F_DOMAIN(vbRemoteDomainEventCallbackTrayChangeMsg, dom),
               F_STRING(vbRemoteDomainEventCallbackTrayChangeMsg, devAlias),
               F_INT(vbRemoteDomainEventCallbackTrayChangeMsg, reason));
VB_REMOTE_TYPE(vbRemoteEventBlockJob2MsgType, vbRemoteDomainEventBlockJob2Msg,
               F_INT(vbRemoteDomainEventBlockJob2Msg, callbackID),
               F_DOMAIN(vbRemoteDomainEventBlockJob2Msg, dom),
               F_STRING(vbRemoteDomainEventBlockJob2Msg, dst),
               F_INT(vbRemoteDomainEventBlockJob2Msg, type),
               F_INT(vbRemoteDomainEventBlockJob2Msg, status));
VB_REMOTE_TYPE(vbRemoteEventConnectionClosedMsgType, vbRemoteConnectEventConnectionClosedMsg,
               F_INT(vbRemoteConnectEventConnectionClosedMsg, reason));

VB_REMOTE_TYPE(vbQemuDomainMonitorCommandArgsType, vbQemuDomainMonitorCommandArgs,
               F_DOMAIN(vbQemuDomainMonitorCommandArgs, dom),
               F_STRING(vbQemuDomainMonitorCommandArgs, cmd),
               F_UINT(vbQemuDomainMonitorCommandArgs, flags));
VB_REMOTE_TYPE(vbQemuDomainAgentCommandArgsType, vbQemuDomainAgentCommandArgs,
               F_DOMAIN(vbQemuDomainAgentCommandArgs, dom),
               F_STRING(vbQemuDomainAgentCommandArgs, cmd),
               F_INT(vbQemuDomainAgentCommandArgs, timeout),
               F_UINT(vbQemuDomainAgentCommandArgs, flags));
VB_REMOTE_TYPE(vbQemuDomainAgentCommandRetType, vbQemuDomainAgentCommandRet,
               F_OPT_STRING(vbQemuDomainAgentCommandRet, result));
VB_REMOTE_TYPE(vbQemuDomainMonitorCommandRetType, vbQemuDomainMonitorCommandRet,
               F_STRING(vbQemuDomainMonitorCommandRet, result));

VB_REMOTE_TYPE(vbRemoteDomainOpenConsoleArgsType, vbRemoteDomainOpenConsoleArgs,
               F_DOMAIN(vbRemoteDomainOpenConsoleArgs, dom),
               F_OPT_NAME(vbRemoteDomainOpenConsoleArgs, devName),
               F_UINT(vbRemoteDomainOpenConsoleArgs, flags));

/* Storage pools and volumes: the nested pool and volume are flattened
 * into their fields, which XDR lays out the same */
#define F_POOL(st, f) F_NAME(st, f.name), F_UUID(st, f.uuid)
#define F_VOL(st, f) F_NAME(st, f.pool), F_NAME(st, f.name), F_NAME(st, f.key)

VB_REMOTE_TYPE(vbRemoteStoragePoolArgsType, vbRemoteStoragePoolArgs,
               F_POOL(vbRemoteStoragePoolArgs, pool));
VB_REMOTE_TYPE(vbRemoteStoragePoolFlagsArgsType, vbRemoteStoragePoolFlagsArgs,
               F_POOL(vbRemoteStoragePoolFlagsArgs, pool),
               F_UINT(vbRemoteStoragePoolFlagsArgs, flags));
VB_REMOTE_TYPE(vbRemoteStoragePoolIntArgsType, vbRemoteStoragePoolIntArgs,
               F_POOL(vbRemoteStoragePoolIntArgs, pool), F_INT(vbRemoteStoragePoolIntArgs, value));
/* VOL_LOOKUP_BY_NAME has no flags on the wire: a type of its own */
VB_REMOTE_TYPE(vbRemoteStoragePoolStringArgsType, vbRemoteStoragePoolStringArgs,
               F_POOL(vbRemoteStoragePoolStringArgs, pool),
               F_NAME(vbRemoteStoragePoolStringArgs, str));
VB_REMOTE_TYPE(vbRemoteStoragePoolStringFlagsArgsType, vbRemoteStoragePoolStringArgs,
               F_POOL(vbRemoteStoragePoolStringArgs, pool),
               F_STRING(vbRemoteStoragePoolStringArgs, str),
               F_UINT(vbRemoteStoragePoolStringArgs, flags));
VB_REMOTE_TYPE(vbRemoteStoragePoolListAllVolumesArgsType, vbRemoteStoragePoolListAllVolumesArgs,
               F_POOL(vbRemoteStoragePoolListAllVolumesArgs, pool),
               F_INT(vbRemoteStoragePoolListAllVolumesArgs, needResults),
               F_UINT(vbRemoteStoragePoolListAllVolumesArgs, flags));
VB_REMOTE_TYPE(vbRemoteStorageVolArgsType, vbRemoteStorageVolArgs,
               F_VOL(vbRemoteStorageVolArgs, vol));
VB_REMOTE_TYPE(vbRemoteStorageVolFlagsArgsType, vbRemoteStorageVolFlagsArgs,
               F_VOL(vbRemoteStorageVolFlagsArgs, vol), F_UINT(vbRemoteStorageVolFlagsArgs, flags));
VB_REMOTE_TYPE(vbRemoteStringArgsType, vbRemoteStringArgs, F_NAME(vbRemoteStringArgs, str));
VB_REMOTE_TYPE(vbRemoteMaxNamesArgsType, vbRemoteMaxNamesArgs,
               F_INT(vbRemoteMaxNamesArgs, maxnames));
VB_REMOTE_TYPE(vbRemoteStoragePoolNamesRetType, vbRemoteStorageNamesRet,
               F_ARRAY(VB_REMOTE_FIELD_STRING_ARRAY, vbRemoteStorageNamesRet, names, nnames,
                       VB_REMOTE_STORAGE_POOL_LIST_MAX));
VB_REMOTE_TYPE(vbRemoteStorageVolNamesRetType, vbRemoteStorageNamesRet,
               F_ARRAY(VB_REMOTE_FIELD_STRING_ARRAY, vbRemoteStorageNamesRet, names, nnames,
                       VB_REMOTE_STORAGE_VOL_LIST_MAX));
VB_REMOTE_TYPE(vbRemoteStoragePoolGetInfoRetType, vbRemoteStoragePoolGetInfoRet,
               F_UCHAR(vbRemoteStoragePoolGetInfoRet, state),
               F_UHYPER(vbRemoteStoragePoolGetInfoRet, capacity),
               F_UHYPER(vbRemoteStoragePoolGetInfoRet, allocation),
               F_UHYPER(vbRemoteStoragePoolGetInfoRet, available));
VB_REMOTE_TYPE(vbRemoteStorageVolGetInfoRetType, vbRemoteStorageVolGetInfoRet,
               F_INT(vbRemoteStorageVolGetInfoRet, type),
               F_UHYPER(vbRemoteStorageVolGetInfoRet, capacity),
               F_UHYPER(vbRemoteStorageVolGetInfoRet, allocation));
VB_REMOTE_TYPE(vbRemoteConnectListAllStoragePoolsRetType, vbRemoteConnectListAllStoragePoolsRet,
               F_ARRAY(VB_REMOTE_FIELD_POOL_ARRAY, vbRemoteConnectListAllStoragePoolsRet, pools,
                       npools, VB_REMOTE_STORAGE_POOL_LIST_MAX),
               F_UINT(vbRemoteConnectListAllStoragePoolsRet, ret));
VB_REMOTE_TYPE(vbRemoteStoragePoolListAllVolumesRetType, vbRemoteStoragePoolListAllVolumesRet,
               F_ARRAY(VB_REMOTE_FIELD_VOL_ARRAY, vbRemoteStoragePoolListAllVolumesRet, vols, nvols,
                       VB_REMOTE_STORAGE_VOL_LIST_MAX),
               F_UINT(vbRemoteStoragePoolListAllVolumesRet, ret));

#define MODIFY VB_REMOTE_PROC_MODIFY
#define BEFORE_OPEN VB_REMOTE_PROC_BEFORE_OPEN
#define EVENT VB_REMOTE_PROC_EVENT
#define CALLBACK (VB_REMOTE_PROC_EVENT | VB_REMOTE_PROC_CALLBACK)

#define P(num, api, args, ret, flags) \
    { \
        VB_REMOTE_PROC_##num, #num, api, args, ret, flags \
    }

/* Sorted by number: looked up with bsearch; rpcpackettest checks order. */
static const vbRemoteProc vbRemoteProcs[] = {
    P(CONNECT_OPEN, "virConnectOpen", &vbRemoteConnectOpenArgsType, NULL, BEFORE_OPEN),
    P(CONNECT_CLOSE, "virConnectClose", NULL, NULL, 0),
    P(CONNECT_GET_TYPE, "virConnectGetType", NULL, &vbRemoteStringRetType, 0),
    P(CONNECT_GET_VERSION, "virConnectGetVersion", NULL, &vbRemoteVersionRetType, 0),
    P(CONNECT_GET_MAX_VCPUS, "virConnectGetMaxVcpus", &vbRemoteConnectGetMaxVcpusArgsType,
      &vbRemoteNumRetType, 0),
    P(NODE_GET_INFO, "virNodeGetInfo", NULL, &vbRemoteNodeGetInfoRetType, 0),
    P(CONNECT_GET_CAPABILITIES, "virConnectGetCapabilities", NULL, &vbRemoteStringRetType, 0),
    P(DOMAIN_ATTACH_DEVICE, "virDomainAttachDevice", &vbRemoteDomainAttachDeviceArgsType, NULL,
      MODIFY),
    P(DOMAIN_CREATE, "virDomainCreate", &vbRemoteDomainArgsType, NULL, MODIFY),
    P(DOMAIN_CREATE_XML, "virDomainCreateXML", &vbRemoteXMLFlagsArgsType, &vbRemoteDomainRetType,
      MODIFY),
    P(DOMAIN_DEFINE_XML, "virDomainDefineXML", &vbRemoteXMLArgsType, &vbRemoteDomainRetType,
      MODIFY),
    P(DOMAIN_DESTROY, "virDomainDestroy", &vbRemoteDomainArgsType, NULL, MODIFY),
    P(DOMAIN_DETACH_DEVICE, "virDomainDetachDevice", &vbRemoteDomainAttachDeviceArgsType, NULL,
      MODIFY),
    P(DOMAIN_GET_XML_DESC, "virDomainGetXMLDesc", &vbRemoteDomainFlagsArgsType,
      &vbRemoteStringRetType, 0),
    P(DOMAIN_GET_AUTOSTART, "virDomainGetAutostart", &vbRemoteDomainArgsType, &vbRemoteNumRetType,
      0),
    P(DOMAIN_GET_INFO, "virDomainGetInfo", &vbRemoteDomainArgsType, &vbRemoteDomainGetInfoRetType,
      0),
    P(DOMAIN_GET_OS_TYPE, "virDomainGetOSType", &vbRemoteDomainArgsType, &vbRemoteStringRetType, 0),
    P(CONNECT_LIST_DEFINED_DOMAINS, "virConnectListDefinedDomains",
      &vbRemoteConnectListDefinedDomainsArgsType, &vbRemoteConnectListDefinedDomainsRetType, 0),
    P(DOMAIN_LOOKUP_BY_ID, "virDomainLookupByID", &vbRemoteDomainLookupByIDArgsType,
      &vbRemoteDomainRetType, 0),
    P(DOMAIN_LOOKUP_BY_NAME, "virDomainLookupByName", &vbRemoteDomainLookupByNameArgsType,
      &vbRemoteDomainRetType, 0),
    P(DOMAIN_LOOKUP_BY_UUID, "virDomainLookupByUUID", &vbRemoteDomainLookupByUUIDArgsType,
      &vbRemoteDomainRetType, 0),
    P(CONNECT_NUM_OF_DEFINED_DOMAINS, "virConnectNumOfDefinedDomains", NULL, &vbRemoteNumRetType,
      0),
    P(DOMAIN_REBOOT, "virDomainReboot", &vbRemoteDomainFlagsArgsType, NULL, MODIFY),
    P(DOMAIN_RESUME, "virDomainResume", &vbRemoteDomainArgsType, NULL, MODIFY),
    P(DOMAIN_SET_AUTOSTART, "virDomainSetAutostart", &vbRemoteDomainSetAutostartArgsType, NULL,
      MODIFY),
    P(DOMAIN_SET_MAX_MEMORY, "virDomainSetMaxMemory", &vbRemoteDomainSetMemoryArgsType, NULL,
      MODIFY),
    P(DOMAIN_SET_MEMORY, "virDomainSetMemory", &vbRemoteDomainSetMemoryArgsType, NULL, MODIFY),
    P(DOMAIN_SHUTDOWN, "virDomainShutdown", &vbRemoteDomainArgsType, NULL, MODIFY),
    P(DOMAIN_SUSPEND, "virDomainSuspend", &vbRemoteDomainArgsType, NULL, MODIFY),
    P(DOMAIN_UNDEFINE, "virDomainUndefine", &vbRemoteDomainArgsType, NULL, MODIFY),
    P(CONNECT_LIST_DOMAINS, "virConnectListDomains", &vbRemoteConnectListDomainsArgsType,
      &vbRemoteConnectListDomainsRetType, 0),
    P(CONNECT_NUM_OF_DOMAINS, "virConnectNumOfDomains", NULL, &vbRemoteNumRetType, 0),
    P(DOMAIN_RESTORE, "virDomainRestore", &vbRemoteDomainRestoreArgsType, NULL, MODIFY),
    P(CONNECT_GET_HOSTNAME, "virConnectGetHostname", NULL, &vbRemoteStringRetType, 0),
    P(CONNECT_SUPPORTS_FEATURE, "virConnectSupportsFeature",
      &vbRemoteConnectSupportsFeatureArgsType, &vbRemoteConnectSupportsFeatureRetType, BEFORE_OPEN),
    P(DOMAIN_INTERFACE_STATS, "virDomainInterfaceStats", &vbRemoteDomainInterfaceStatsArgsType,
      &vbRemoteDomainInterfaceStatsRetType, 0),
    P(AUTH_LIST, "virConnectAuthList", NULL, &vbRemoteAuthListRetType, BEFORE_OPEN),
    P(CONNECT_NUM_OF_STORAGE_POOLS, "virConnectNumOfStoragePools", NULL, &vbRemoteNumRetType, 0),
    P(CONNECT_LIST_STORAGE_POOLS, "virConnectListStoragePools", &vbRemoteMaxNamesArgsType,
      &vbRemoteStoragePoolNamesRetType, 0),
    P(CONNECT_NUM_OF_DEFINED_STORAGE_POOLS, "virConnectNumOfDefinedStoragePools", NULL,
      &vbRemoteNumRetType, 0),
    P(CONNECT_LIST_DEFINED_STORAGE_POOLS, "virConnectListDefinedStoragePools",
      &vbRemoteMaxNamesArgsType, &vbRemoteStoragePoolNamesRetType, 0),
    P(STORAGE_POOL_CREATE_XML, "virStoragePoolCreateXML", &vbRemoteXMLFlagsArgsType,
      &vbRemoteStoragePoolArgsType, MODIFY),
    P(STORAGE_POOL_DEFINE_XML, "virStoragePoolDefineXML", &vbRemoteXMLFlagsArgsType,
      &vbRemoteStoragePoolArgsType, MODIFY),
    P(STORAGE_POOL_CREATE, "virStoragePoolCreate", &vbRemoteStoragePoolFlagsArgsType, NULL, MODIFY),
    P(STORAGE_POOL_BUILD, "virStoragePoolBuild", &vbRemoteStoragePoolFlagsArgsType, NULL, MODIFY),
    P(STORAGE_POOL_DESTROY, "virStoragePoolDestroy", &vbRemoteStoragePoolArgsType, NULL, MODIFY),
    P(STORAGE_POOL_DELETE, "virStoragePoolDelete", &vbRemoteStoragePoolFlagsArgsType, NULL, MODIFY),
    P(STORAGE_POOL_UNDEFINE, "virStoragePoolUndefine", &vbRemoteStoragePoolArgsType, NULL, MODIFY),
    P(STORAGE_POOL_REFRESH, "virStoragePoolRefresh", &vbRemoteStoragePoolFlagsArgsType, NULL,
      MODIFY),
    P(STORAGE_POOL_LOOKUP_BY_NAME, "virStoragePoolLookupByName", &vbRemoteStringArgsType,
      &vbRemoteStoragePoolArgsType, 0),
    P(STORAGE_POOL_LOOKUP_BY_UUID, "virStoragePoolLookupByUUID",
      &vbRemoteDomainLookupByUUIDArgsType, &vbRemoteStoragePoolArgsType, 0),
    P(STORAGE_POOL_LOOKUP_BY_VOLUME, "virStoragePoolLookupByVolume", &vbRemoteStorageVolArgsType,
      &vbRemoteStoragePoolArgsType, 0),
    P(STORAGE_POOL_GET_INFO, "virStoragePoolGetInfo", &vbRemoteStoragePoolArgsType,
      &vbRemoteStoragePoolGetInfoRetType, 0),
    P(STORAGE_POOL_GET_XML_DESC, "virStoragePoolGetXMLDesc", &vbRemoteStoragePoolFlagsArgsType,
      &vbRemoteStringRetType, 0),
    P(STORAGE_POOL_GET_AUTOSTART, "virStoragePoolGetAutostart", &vbRemoteStoragePoolArgsType,
      &vbRemoteNumRetType, 0),
    P(STORAGE_POOL_SET_AUTOSTART, "virStoragePoolSetAutostart", &vbRemoteStoragePoolIntArgsType,
      NULL, MODIFY),
    P(STORAGE_POOL_NUM_OF_VOLUMES, "virStoragePoolNumOfVolumes", &vbRemoteStoragePoolArgsType,
      &vbRemoteNumRetType, 0),
    P(STORAGE_POOL_LIST_VOLUMES, "virStoragePoolListVolumes", &vbRemoteStoragePoolIntArgsType,
      &vbRemoteStorageVolNamesRetType, 0),
    P(STORAGE_VOL_CREATE_XML, "virStorageVolCreateXML", &vbRemoteStoragePoolStringFlagsArgsType,
      &vbRemoteStorageVolArgsType, MODIFY),
    P(STORAGE_VOL_DELETE, "virStorageVolDelete", &vbRemoteStorageVolFlagsArgsType, NULL, MODIFY),
    P(STORAGE_VOL_LOOKUP_BY_NAME, "virStorageVolLookupByName", &vbRemoteStoragePoolStringArgsType,
      &vbRemoteStorageVolArgsType, 0),
    P(STORAGE_VOL_LOOKUP_BY_KEY, "virStorageVolLookupByKey", &vbRemoteStringArgsType,
      &vbRemoteStorageVolArgsType, 0),
    P(STORAGE_VOL_LOOKUP_BY_PATH, "virStorageVolLookupByPath", &vbRemoteStringArgsType,
      &vbRemoteStorageVolArgsType, 0),
    P(STORAGE_VOL_GET_INFO, "virStorageVolGetInfo", &vbRemoteStorageVolArgsType,
      &vbRemoteStorageVolGetInfoRetType, 0),
    P(STORAGE_VOL_GET_XML_DESC, "virStorageVolGetXMLDesc", &vbRemoteStorageVolFlagsArgsType,
      &vbRemoteStringRetType, 0),
    P(STORAGE_VOL_GET_PATH, "virStorageVolGetPath", &vbRemoteStorageVolArgsType,
      &vbRemoteStringRetType, 0),
    P(NODE_GET_CELLS_FREE_MEMORY, "virNodeGetCellsFreeMemory",
      &vbRemoteNodeGetCellsFreeMemoryArgsType, &vbRemoteNodeGetCellsFreeMemoryRetType, 0),
    P(NODE_GET_FREE_MEMORY, "virNodeGetFreeMemory", NULL, &vbRemoteNodeGetFreeMemoryRetType, 0),
    P(DOMAIN_EVENT_LIFECYCLE, "virConnectDomainEventCallback", &vbRemoteEventLifecycleMsgType, NULL,
      EVENT),
    P(CONNECT_GET_URI, "virConnectGetURI", NULL, &vbRemoteStringRetType, 0),
    P(CONNECT_IS_SECURE, "virConnectIsSecure", NULL, &vbRemoteNumRetType, 0),
    P(DOMAIN_IS_ACTIVE, "virDomainIsActive", &vbRemoteDomainArgsType, &vbRemoteNumRetType, 0),
    P(DOMAIN_IS_PERSISTENT, "virDomainIsPersistent", &vbRemoteDomainArgsType, &vbRemoteNumRetType,
      0),
    P(STORAGE_POOL_IS_ACTIVE, "virStoragePoolIsActive", &vbRemoteStoragePoolArgsType,
      &vbRemoteNumRetType, 0),
    P(STORAGE_POOL_IS_PERSISTENT, "virStoragePoolIsPersistent", &vbRemoteStoragePoolArgsType,
      &vbRemoteNumRetType, 0),
    P(CONNECT_GET_LIB_VERSION, "virConnectGetLibVersion", NULL, &vbRemoteVersionRetType, 0),
    P(DOMAIN_MEMORY_STATS, "virDomainMemoryStats", &vbRemoteDomainMemoryStatsArgsType,
      &vbRemoteDomainMemoryStatsRetType, 0),
    P(DOMAIN_ATTACH_DEVICE_FLAGS, "virDomainAttachDeviceFlags",
      &vbRemoteDomainUpdateDeviceFlagsArgsType, NULL, MODIFY),
    P(DOMAIN_DETACH_DEVICE_FLAGS, "virDomainDetachDeviceFlags",
      &vbRemoteDomainUpdateDeviceFlagsArgsType, NULL, MODIFY),
    P(CONNECT_DOMAIN_EVENT_REGISTER_ANY, "virConnectDomainEventRegisterAny",
      &vbRemoteEventRegisterArgsType, NULL, 0),
    P(CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, "virConnectDomainEventDeregisterAny",
      &vbRemoteEventRegisterArgsType, NULL, 0),
    /* REBOOT carries only the domain, as CONTROL_ERROR */
    P(DOMAIN_EVENT_REBOOT, "virConnectDomainEventGenericCallback",
      &vbRemoteEventControlErrorMsgType, NULL, EVENT),
    P(DOMAIN_EVENT_WATCHDOG, "virConnectDomainEventWatchdogCallback", &vbRemoteEventWatchdogMsgType,
      NULL, EVENT),
    P(DOMAIN_EVENT_IO_ERROR, "virConnectDomainEventIOErrorCallback", &vbRemoteEventIOErrorMsgType,
      NULL, EVENT),
    P(DOMAIN_UPDATE_DEVICE_FLAGS, "virDomainUpdateDeviceFlags",
      &vbRemoteDomainUpdateDeviceFlagsArgsType, NULL, MODIFY),
    P(DOMAIN_HAS_MANAGED_SAVE_IMAGE, "virDomainHasManagedSaveImage", &vbRemoteDomainFlagsArgsType,
      &vbRemoteNumRetType, 0),
    P(DOMAIN_SNAPSHOT_CREATE_XML, "virDomainSnapshotCreateXML",
      &vbRemoteDomainSnapshotCreateXMLArgsType, &vbRemoteDomainSnapshotCreateXMLRetType, MODIFY),
    P(DOMAIN_SNAPSHOT_GET_XML_DESC, "virDomainSnapshotGetXMLDesc",
      &vbRemoteDomainSnapshotFlagsArgsType, &vbRemoteStringRetType, 0),
    P(DOMAIN_SNAPSHOT_NUM, "virDomainSnapshotNum", &vbRemoteDomainFlagsArgsType,
      &vbRemoteNumRetType, 0),
    P(DOMAIN_SNAPSHOT_LIST_NAMES, "virDomainSnapshotListNames",
      &vbRemoteDomainSnapshotListNamesArgsType, &vbRemoteDomainSnapshotListNamesRetType, 0),
    P(DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, "virDomainSnapshotLookupByName",
      &vbRemoteDomainSnapshotLookupByNameArgsType, &vbRemoteDomainSnapshotRetType, 0),
    P(DOMAIN_HAS_CURRENT_SNAPSHOT, "virDomainHasCurrentSnapshot", &vbRemoteDomainFlagsArgsType,
      &vbRemoteNumRetType, 0),
    P(DOMAIN_SNAPSHOT_CURRENT, "virDomainSnapshotCurrent", &vbRemoteDomainFlagsArgsType,
      &vbRemoteDomainSnapshotRetType, 0),
    P(DOMAIN_REVERT_TO_SNAPSHOT, "virDomainRevertToSnapshot", &vbRemoteDomainSnapshotFlagsArgsType,
      NULL, MODIFY),
    P(DOMAIN_SNAPSHOT_DELETE, "virDomainSnapshotDelete", &vbRemoteDomainSnapshotFlagsArgsType, NULL,
      MODIFY),
    P(DOMAIN_EVENT_IO_ERROR_REASON, "virConnectDomainEventIOErrorReasonCallback",
      &vbRemoteEventIOErrorReasonMsgType, NULL, EVENT),
    P(DOMAIN_CREATE_WITH_FLAGS, "virDomainCreateWithFlags", &vbRemoteDomainFlagsArgsType,
      &vbRemoteDomainRetType, MODIFY),
    P(DOMAIN_OPEN_CONSOLE, "virDomainOpenConsole", &vbRemoteDomainOpenConsoleArgsType, NULL,
      MODIFY),
    P(CONNECT_GET_SYSINFO, "virConnectGetSysinfo", &vbRemoteConnectGetSysinfoArgsType,
      &vbRemoteStringRetType, 0),
    P(DOMAIN_SET_MEMORY_FLAGS, "virDomainSetMemoryFlags", &vbRemoteDomainSetMemoryFlagsArgsType,
      NULL, MODIFY),
    P(DOMAIN_GET_STATE, "virDomainGetState", &vbRemoteDomainFlagsArgsType,
      &vbRemoteDomainGetStateRetType, 0),
    P(DOMAIN_EVENT_CONTROL_ERROR, "virConnectDomainEventGenericCallback",
      &vbRemoteEventControlErrorMsgType, NULL, EVENT),
    P(NODE_GET_CPU_STATS, "virNodeGetCPUStats", &vbRemoteNodeGetCPUStatsArgsType,
      &vbRemoteNodeGetMemoryStatsRetType, 0),
    P(NODE_GET_MEMORY_STATS, "virNodeGetMemoryStats", &vbRemoteNodeGetMemoryStatsArgsType,
      &vbRemoteNodeGetMemoryStatsRetType, 0),
    P(DOMAIN_UNDEFINE_FLAGS, "virDomainUndefineFlags", &vbRemoteDomainFlagsArgsType, NULL, MODIFY),
    P(DOMAIN_RESTORE_FLAGS, "virDomainRestoreFlags", &vbRemoteDomainRestoreFlagsArgsType, NULL,
      MODIFY),
    P(DOMAIN_DESTROY_FLAGS, "virDomainDestroyFlags", &vbRemoteDomainFlagsArgsType, NULL, MODIFY),
    P(DOMAIN_BLOCK_JOB_ABORT, "virDomainBlockJobAbort", &vbRemoteDomainBlockPathArgsType, NULL,
      MODIFY),
    P(DOMAIN_GET_BLOCK_JOB_INFO, "virDomainGetBlockJobInfo", &vbRemoteDomainBlockPathArgsType,
      &vbRemoteDomainGetBlockJobInfoRetType, 0),
    P(DOMAIN_BLOCK_JOB_SET_SPEED, "virDomainBlockJobSetSpeed",
      &vbRemoteDomainBlockBandwidthArgsType, NULL, MODIFY),
    P(DOMAIN_BLOCK_PULL, "virDomainBlockPull", &vbRemoteDomainBlockBandwidthArgsType, NULL, MODIFY),
    P(DOMAIN_EVENT_BLOCK_JOB, "virConnectDomainEventBlockJobCallback",
      &vbRemoteEventBlockJobMsgType, NULL, EVENT),
    P(DOMAIN_SNAPSHOT_GET_PARENT, "virDomainSnapshotGetParent",
      &vbRemoteDomainSnapshotFlagsArgsType, &vbRemoteDomainSnapshotRetType, 0),
    P(DOMAIN_RESET, "virDomainReset", &vbRemoteDomainFlagsArgsType, NULL, MODIFY),
    P(DOMAIN_SNAPSHOT_NUM_CHILDREN, "virDomainSnapshotNumChildren",
      &vbRemoteDomainSnapshotFlagsArgsType, &vbRemoteNumRetType, 0),
    P(DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES, "virDomainSnapshotListChildrenNames",
      &vbRemoteDomainSnapshotListChildrenNamesArgsType, &vbRemoteDomainSnapshotListNamesRetType, 0),
    P(DOMAIN_GET_BLOCK_IO_TUNE, "virDomainGetBlockIoTune", &vbRemoteDomainGetBlockIoTuneArgsType,
      &vbRemoteDomainGetBlockIoTuneRetType, 0),
    P(DOMAIN_SHUTDOWN_FLAGS, "virDomainShutdownFlags", &vbRemoteDomainFlagsArgsType, NULL, MODIFY),
    P(DOMAIN_BLOCK_REBASE, "virDomainBlockRebase", &vbRemoteDomainBlockRebaseArgsType, NULL,
      MODIFY),
    P(DOMAIN_EVENT_TRAY_CHANGE, "virConnectDomainEventTrayChangeCallback",
      &vbRemoteEventTrayChangeMsgType, NULL, EVENT),
    P(DOMAIN_SNAPSHOT_IS_CURRENT, "virDomainSnapshotIsCurrent",
      &vbRemoteDomainSnapshotFlagsArgsType, &vbRemoteNumRetType, 0),
    P(DOMAIN_SNAPSHOT_HAS_METADATA, "virDomainSnapshotHasMetadata",
      &vbRemoteDomainSnapshotFlagsArgsType, &vbRemoteNumRetType, 0),
    P(CONNECT_LIST_ALL_DOMAINS, "virConnectListAllDomains", &vbRemoteConnectListAllDomainsArgsType,
      &vbRemoteConnectListAllDomainsRetType, 0),
    P(DOMAIN_LIST_ALL_SNAPSHOTS, "virDomainListAllSnapshots",
      &vbRemoteDomainListAllSnapshotsArgsType, &vbRemoteDomainListAllSnapshotsRetType, 0),
    P(DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN, "virDomainSnapshotListAllChildren",
      &vbRemoteDomainSnapshotListAllChildrenArgsType, &vbRemoteDomainListAllSnapshotsRetType, 0),
    P(DOMAIN_EVENT_BALLOON_CHANGE, "virConnectDomainEventBalloonChangeCallback",
      &vbRemoteEventBalloonChangeMsgType, NULL, EVENT),
    P(CONNECT_LIST_ALL_STORAGE_POOLS, "virConnectListAllStoragePools",
      &vbRemoteConnectListAllDomainsArgsType, &vbRemoteConnectListAllStoragePoolsRetType, 0),
    P(STORAGE_POOL_LIST_ALL_VOLUMES, "virStoragePoolListAllVolumes",
      &vbRemoteStoragePoolListAllVolumesArgsType, &vbRemoteStoragePoolListAllVolumesRetType, 0),
    P(DOMAIN_BLOCK_COMMIT, "virDomainBlockCommit", &vbRemoteDomainBlockCommitArgsType, NULL,
      MODIFY),
    P(DOMAIN_SET_MEMORY_STATS_PERIOD, "virDomainSetMemoryStatsPeriod",
      &vbRemoteDomainSetMemoryStatsPeriodArgsType, NULL, MODIFY),
    P(DOMAIN_EVENT_DEVICE_REMOVED, "virConnectDomainEventDeviceRemovedCallback",
      &vbRemoteEventDeviceMsgType, NULL, EVENT),
    P(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, "virConnectDomainEventRegisterAny",
      &vbRemoteCallbackRegisterArgsType, &vbRemoteCallbackRegisterRetType, 0),
    P(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, "virConnectDomainEventDeregisterAny",
      &vbRemoteCallbackDeregisterArgsType, NULL, 0),
    P(DOMAIN_EVENT_CALLBACK_LIFECYCLE, "virConnectDomainEventCallback",
      &vbRemoteEventCallbackLifecycleMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_REBOOT, "virConnectDomainEventGenericCallback",
      &vbRemoteEventCallbackControlErrorMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_WATCHDOG, "virConnectDomainEventWatchdogCallback",
      &vbRemoteEventCallbackWatchdogMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_IO_ERROR, "virConnectDomainEventIOErrorCallback",
      &vbRemoteEventCallbackIOErrorMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON, "virConnectDomainEventIOErrorReasonCallback",
      &vbRemoteEventCallbackIOErrorReasonMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_CONTROL_ERROR, "virConnectDomainEventGenericCallback",
      &vbRemoteEventCallbackControlErrorMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_BLOCK_JOB, "virConnectDomainEventBlockJobCallback",
      &vbRemoteEventCallbackBlockJobMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_TRAY_CHANGE, "virConnectDomainEventTrayChangeCallback",
      &vbRemoteEventCallbackTrayChangeMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE, "virConnectDomainEventBalloonChangeCallback",
      &vbRemoteEventCallbackBalloonChangeMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED, "virConnectDomainEventDeviceRemovedCallback",
      &vbRemoteEventCallbackDeviceMsgType, NULL, CALLBACK),
    P(DOMAIN_FSFREEZE, "virDomainFSFreeze", &vbRemoteDomainFSFreezeArgsType,
      &vbRemoteDomainFSFreezeRetType, MODIFY),
    P(DOMAIN_FSTHAW, "virDomainFSThaw", &vbRemoteDomainFSFreezeArgsType,
      &vbRemoteDomainFSFreezeRetType, MODIFY),
    P(DOMAIN_GET_TIME, "virDomainGetTime", &vbRemoteDomainFlagsArgsType,
      &vbRemoteDomainGetTimeRetType, MODIFY),
    P(DOMAIN_SET_TIME, "virDomainSetTime", &vbRemoteDomainSetTimeArgsType, NULL, MODIFY),
    P(DOMAIN_EVENT_BLOCK_JOB_2, "virConnectDomainEventBlockJobCallback",
      &vbRemoteEventBlockJob2MsgType, NULL, CALLBACK),
    /* libvirt refuses it on a read-only connection */
    P(CONNECT_GET_DOMAIN_CAPABILITIES, "virConnectGetDomainCapabilities",
      &vbRemoteConnectGetDomainCapabilitiesArgsType, &vbRemoteStringRetType, MODIFY),
    P(DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE, "virConnectDomainEventAgentLifecycleCallback",
      &vbRemoteEventCallbackAgentLifecycleMsgType, NULL, CALLBACK),
    P(DOMAIN_GET_FSINFO, "virDomainGetFSInfo", &vbRemoteDomainFlagsArgsType,
      &vbRemoteDomainGetFSInfoRetType, MODIFY),
    P(DOMAIN_DEFINE_XML_FLAGS, "virDomainDefineXMLFlags", &vbRemoteXMLFlagsArgsType,
      &vbRemoteDomainRetType, MODIFY),
    P(DOMAIN_INTERFACE_ADDRESSES, "virDomainInterfaceAddresses",
      &vbRemoteDomainInterfaceAddressesArgsType, &vbRemoteDomainInterfaceAddressesRetType, 0),
    P(DOMAIN_EVENT_CALLBACK_DEVICE_ADDED, "virConnectDomainEventDeviceAddedCallback",
      &vbRemoteEventCallbackDeviceMsgType, NULL, CALLBACK),
    P(DOMAIN_SET_USER_PASSWORD, "virDomainSetUserPassword", &vbRemoteDomainSetUserPasswordArgsType,
      NULL, MODIFY),
    P(CONNECT_REGISTER_CLOSE_CALLBACK, "virConnectRegisterCloseCallback", NULL, NULL, 0),
    P(CONNECT_UNREGISTER_CLOSE_CALLBACK, "virConnectUnregisterCloseCallback", NULL, NULL, 0),
    P(CONNECT_EVENT_CONNECTION_CLOSED, "virConnectCloseFunc", &vbRemoteEventConnectionClosedMsgType,
      NULL, EVENT),
    P(DOMAIN_EVENT_CALLBACK_JOB_COMPLETED, "virConnectDomainEventJobCompletedCallback",
      &vbRemoteEventCallbackJobCompletedMsgType, NULL, CALLBACK),
    P(DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED,
      "virConnectDomainEventDeviceRemovalFailedCallback", &vbRemoteEventCallbackDeviceMsgType, NULL,
      CALLBACK),
    P(STORAGE_VOL_GET_INFO_FLAGS, "virStorageVolGetInfoFlags", &vbRemoteStorageVolFlagsArgsType,
      &vbRemoteStorageVolGetInfoRetType, 0),
    P(STORAGE_POOL_LOOKUP_BY_TARGET_PATH, "virStoragePoolLookupByTargetPath",
      &vbRemoteStringArgsType, &vbRemoteStoragePoolArgsType, 0),
    P(DOMAIN_GET_GUEST_INFO, "virDomainGetGuestInfo", &vbRemoteDomainGetGuestInfoArgsType,
      &vbRemoteDomainGetGuestInfoRetType, MODIFY),
    P(DOMAIN_GET_MESSAGES, "virDomainGetMessages", &vbRemoteDomainFlagsArgsType,
      &vbRemoteDomainGetMessagesRetType, 0),
};

#undef P

#define Q(num, api, args, ret, flags) \
    { \
        VB_QEMU_PROC_##num, #num, api, args, ret, flags \
    }

/* QEMU_PROGRAM, sorted by number.  libvirt's ACL files both monitor
 * commands under domain:write, and the public API refuses them on a
 * read-only connection: MODIFY. */
static const vbRemoteProc vbQemuProcs[] = {
    Q(DOMAIN_MONITOR_COMMAND, "virDomainQemuMonitorCommand", &vbQemuDomainMonitorCommandArgsType,
      &vbQemuDomainMonitorCommandRetType, MODIFY),
    Q(DOMAIN_AGENT_COMMAND, "virDomainQemuAgentCommand", &vbQemuDomainAgentCommandArgsType,
      &vbQemuDomainAgentCommandRetType, MODIFY),
    Q(DOMAIN_MONITOR_COMMAND_WITH_FILES, "virDomainQemuMonitorCommandWithFiles",
      &vbQemuDomainMonitorCommandArgsType, &vbQemuDomainMonitorCommandRetType, MODIFY),
};

#undef Q
#undef MODIFY
#undef BEFORE_OPEN
#undef EVENT
#undef CALLBACK

static int
vbRemoteProcCompare(const void *key, const void *elem)
{
    int proc = *(const int *) key;
    const vbRemoteProc *p = elem;

    return proc < p->proc ? -1 : proc > p->proc ? 1 : 0;
}

/* REMOTE first: vbRemoteProcLookup relies on it */
static const vbRemoteProgram vbRemotePrograms[] = {
    {VB_REMOTE_PROGRAM, VB_REMOTE_PROTOCOL_VERSION, "REMOTE", vbRemoteProcs,
     G_N_ELEMENTS(vbRemoteProcs)},
    {VB_QEMU_PROGRAM, VB_QEMU_PROTOCOL_VERSION, "QEMU", vbQemuProcs, G_N_ELEMENTS(vbQemuProcs)},
};

const vbRemoteProgram *
vbRemoteProgramLookup(uint32_t prog, uint32_t vers)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vbRemotePrograms); i++) {
        if (vbRemotePrograms[i].prog == prog && vbRemotePrograms[i].vers == vers)
            return &vbRemotePrograms[i];
    }
    return NULL;
}

const vbRemoteProgram *
vbRemoteProgramList(size_t *nprograms)
{
    *nprograms = G_N_ELEMENTS(vbRemotePrograms);
    return vbRemotePrograms;
}

const vbRemoteProc *
vbRemoteProgramProcLookup(const vbRemoteProgram *program, int proc)
{
    return bsearch(&proc, program->procs, program->nprocs, sizeof(program->procs[0]),
                   vbRemoteProcCompare);
}

const vbRemoteProc *
vbRemoteProcLookup(int proc)
{
    return vbRemoteProgramProcLookup(&vbRemotePrograms[0], proc);
}

static int
vbRemoteProcNameCompare(const void *key, const void *elem)
{
    int proc = *(const int *) key;
    const vbRemoteProcName *p = elem;

    return proc < p->proc ? -1 : proc > p->proc ? 1 : 0;
}

const vbRemoteProcName *
vbRemoteProcNameLookup(int proc)
{
    return bsearch(&proc, vbRemoteProcNames, vbRemoteProcNamesCount, sizeof(vbRemoteProcNames[0]),
                   vbRemoteProcNameCompare);
}

const vbRemoteProc *
vbRemoteProcTable(size_t *nprocs)
{
    *nprocs = G_N_ELEMENTS(vbRemoteProcs);
    return vbRemoteProcs;
}

size_t
vbRemoteTypeSize(const vbRemoteType *type)
{
    return type ? type->size : 0;
}

/* XDR rounds strings up to 4 bytes */
#define VB_REMOTE_STRING_BOUND(max) (4 + (size_t) (max) + 3)
#define VB_REMOTE_DOMAIN_BOUND (VB_REMOTE_STRING_BOUND(VB_REMOTE_NAME_MAX) + VB_UUID_BUFLEN + 4)

size_t
vbRemoteTypeMaxEncodedSize(const vbRemoteType *type)
{
    size_t total = 0;
    size_t i;

    for (i = 0; type && i < type->nfields; i++) {
        const vbRemoteField *f = &type->fields[i];

        switch (f->kind) {
        case VB_REMOTE_FIELD_INT:
        case VB_REMOTE_FIELD_UINT:
        case VB_REMOTE_FIELD_UCHAR:
        case VB_REMOTE_FIELD_USHORT:
            total += 4;
            break;
        case VB_REMOTE_FIELD_UHYPER:
            total += 8;
            break;
        case VB_REMOTE_FIELD_STRING:
            total += VB_REMOTE_STRING_BOUND(f->max);
            break;
        case VB_REMOTE_FIELD_OPT_STRING:
            total += 4 + VB_REMOTE_STRING_BOUND(f->max);
            break;
        case VB_REMOTE_FIELD_UUID:
            total += VB_UUID_BUFLEN;
            break;
        case VB_REMOTE_FIELD_DOMAIN:
            total += VB_REMOTE_DOMAIN_BOUND;
            break;
        case VB_REMOTE_FIELD_OPT_DOMAIN:
            total += 4 + VB_REMOTE_DOMAIN_BOUND;
            break;
        case VB_REMOTE_FIELD_SNAPSHOT:
            total += VB_REMOTE_STRING_BOUND(VB_REMOTE_NAME_MAX) + VB_REMOTE_DOMAIN_BOUND;
            break;
        case VB_REMOTE_FIELD_CHARS:
            total += 4 * f->max;
            break;
        case VB_REMOTE_FIELD_INT_ARRAY:
        case VB_REMOTE_FIELD_STRING_ARRAY:
        case VB_REMOTE_FIELD_DOMAIN_ARRAY:
        case VB_REMOTE_FIELD_SNAPSHOT_ARRAY:
        case VB_REMOTE_FIELD_UHYPER_ARRAY:
        case VB_REMOTE_FIELD_NAMED_ARRAY:
        case VB_REMOTE_FIELD_POOL_ARRAY:
        case VB_REMOTE_FIELD_VOL_ARRAY:
        case VB_REMOTE_FIELD_MEMSTAT_ARRAY:
        case VB_REMOTE_FIELD_TYPED_PARAMS:
        case VB_REMOTE_FIELD_IFACE_ARRAY:
        case VB_REMOTE_FIELD_FSINFO_ARRAY:
        default:
            /* bounded by the packet limit alone */
            return SIZE_MAX;
        }
    }
    return total;
}

const char *
vbRemoteTypeName(const vbRemoteType *type)
{
    return type ? type->name : "void";
}

void
vbRemoteDomainClear(vbRemoteDomain *dom)
{
    g_clear_pointer(&dom->name, g_free);
    memset(dom, 0, sizeof(*dom));
}

void
vbRemoteDomainCopy(vbRemoteDomain *dst, const vbRemoteDomain *src)
{
    dst->name = g_strdup(src->name);
    memcpy(dst->uuid, src->uuid, sizeof(dst->uuid));
    dst->id = src->id;
}

/* remote_typed_param_value: the type, then the member it selects; a
 * double travels as its IEEE 754 bits, as XDR writes it */
static int
vbRemoteTypedParamValueDecode(vbXdrDecoder *dec, vbRemoteTypedParam *param)
{
    int32_t type;
    int32_t i;
    uint32_t ui;
    uint64_t bits;

    if (vbXdrDecodeInt(dec, &type) < 0)
        return -1;
    switch (type) {
    case VIR_TYPED_PARAM_INT:
    case VIR_TYPED_PARAM_BOOLEAN:
        if (vbXdrDecodeInt(dec, &i) < 0)
            return -1;
        param->value.i = i;
        break;
    case VIR_TYPED_PARAM_UINT:
        if (vbXdrDecodeUInt(dec, &ui) < 0)
            return -1;
        param->value.ui = ui;
        break;
    case VIR_TYPED_PARAM_LLONG:
        if (vbXdrDecodeHyper(dec, &param->value.l) < 0)
            return -1;
        break;
    case VIR_TYPED_PARAM_ULLONG:
        if (vbXdrDecodeUHyper(dec, &param->value.ul) < 0)
            return -1;
        break;
    case VIR_TYPED_PARAM_DOUBLE:
        if (vbXdrDecodeUHyper(dec, &bits) < 0)
            return -1;
        memcpy(&param->value.d, &bits, sizeof(bits));
        break;
    case VIR_TYPED_PARAM_STRING:
        /* typed before decoding, so that a failure frees nothing wrong */
        param->type = type;
        return vbXdrDecodeString(dec, &param->value.s, VB_REMOTE_STRING_MAX);
    default:
        vbReportError(VIR_ERR_RPC, _("unknown typed parameter type %d"), type);
        return -1;
    }
    param->type = type;
    return 0;
}

static int
vbRemoteTypedParamValueEncode(GByteArray *buf, const vbRemoteTypedParam *param)
{
    uint64_t bits;

    vbXdrEncodeInt(buf, param->type);
    switch (param->type) {
    case VIR_TYPED_PARAM_INT:
    case VIR_TYPED_PARAM_BOOLEAN:
        vbXdrEncodeInt(buf, param->value.i);
        return 0;
    case VIR_TYPED_PARAM_UINT:
        vbXdrEncodeUInt(buf, param->value.ui);
        return 0;
    case VIR_TYPED_PARAM_LLONG:
        vbXdrEncodeHyper(buf, param->value.l);
        return 0;
    case VIR_TYPED_PARAM_ULLONG:
        vbXdrEncodeUHyper(buf, param->value.ul);
        return 0;
    case VIR_TYPED_PARAM_DOUBLE:
        memcpy(&bits, &param->value.d, sizeof(bits));
        vbXdrEncodeUHyper(buf, bits);
        return 0;
    case VIR_TYPED_PARAM_STRING:
        return vbXdrEncodeString(buf, param->value.s ? param->value.s : "", VB_REMOTE_STRING_MAX);
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unknown typed parameter type %d"), param->type);
    return -1;
}

static int
vbRemoteDomainDecode(vbXdrDecoder *dec, vbRemoteDomain *dom)
{
    int32_t id;

    if (vbXdrDecodeString(dec, &dom->name, VB_REMOTE_NAME_MAX) < 0 ||
        vbXdrDecodeFixedOpaque(dec, dom->uuid, sizeof(dom->uuid)) < 0 ||
        vbXdrDecodeInt(dec, &id) < 0)
        return -1;
    dom->id = id;
    return 0;
}

static int
vbRemoteDomainEncode(GByteArray *buf, const vbRemoteDomain *dom)
{
    if (vbXdrEncodeString(buf, dom->name ? dom->name : "", VB_REMOTE_STRING_MAX) < 0)
        return -1;
    vbXdrEncodeFixedOpaque(buf, dom->uuid, sizeof(dom->uuid));
    vbXdrEncodeInt(buf, dom->id);
    return 0;
}

#define FIELD(obj, f, type) ((type *) ((char *) (obj) + (f)->offset))
#define CFIELD(obj, f, type) ((const type *) ((const char *) (obj) + (f)->offset))
#define COUNT(obj, f) ((size_t *) ((char *) (obj) + (f)->countOffset))
#define CCOUNT(obj, f) (*(const size_t *) ((const char *) (obj) + (f)->countOffset))

static int
vbRemoteFieldDecode(const vbRemoteField *f, vbXdrDecoder *dec, void *obj)
{
    bool present;
    size_t n;
    size_t i;

    switch (f->kind) {
    case VB_REMOTE_FIELD_INT:
        return vbXdrDecodeInt(dec, FIELD(obj, f, int32_t));
    case VB_REMOTE_FIELD_UINT:
        return vbXdrDecodeUInt(dec, FIELD(obj, f, uint32_t));
    case VB_REMOTE_FIELD_UHYPER:
        return vbXdrDecodeUHyper(dec, FIELD(obj, f, uint64_t));
    case VB_REMOTE_FIELD_UCHAR:
        return vbXdrDecodeUChar(dec, FIELD(obj, f, uint8_t));
    case VB_REMOTE_FIELD_USHORT:
        return vbXdrDecodeUShort(dec, FIELD(obj, f, uint16_t));
    case VB_REMOTE_FIELD_STRING:
        return vbXdrDecodeString(dec, FIELD(obj, f, char *), f->max);
    case VB_REMOTE_FIELD_OPT_STRING:
        if (vbXdrDecodeOptional(dec, &present) < 0)
            return -1;
        if (!present)
            return 0;
        return vbXdrDecodeString(dec, FIELD(obj, f, char *), f->max);
    case VB_REMOTE_FIELD_UUID:
        return vbXdrDecodeFixedOpaque(dec, FIELD(obj, f, unsigned char), VB_UUID_BUFLEN);
    case VB_REMOTE_FIELD_DOMAIN:
        return vbRemoteDomainDecode(dec, FIELD(obj, f, vbRemoteDomain));
    case VB_REMOTE_FIELD_OPT_DOMAIN:
        if (vbXdrDecodeOptional(dec, &present) < 0)
            return -1;
        if (!present)
            return 0;
        *FIELD(obj, f, vbRemoteDomain *) = g_new0(vbRemoteDomain, 1);
        return vbRemoteDomainDecode(dec, *FIELD(obj, f, vbRemoteDomain *));
    case VB_REMOTE_FIELD_SNAPSHOT: {
        vbRemoteDomainSnapshot *snap = FIELD(obj, f, vbRemoteDomainSnapshot);

        if (vbXdrDecodeString(dec, &snap->name, VB_REMOTE_NAME_MAX) < 0)
            return -1;
        return vbRemoteDomainDecode(dec, &snap->dom);
    }
    case VB_REMOTE_FIELD_INT_ARRAY: {
        int **arr = FIELD(obj, f, int *);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, 4) < 0)
            return -1;
        *arr = g_new0(int, n);
        for (i = 0; i < n; i++) {
            int32_t v;

            if (vbXdrDecodeInt(dec, &v) < 0)
                return -1;
            (*arr)[i] = v;
            *COUNT(obj, f) = i + 1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_STRING_ARRAY: {
        char ***arr = FIELD(obj, f, char **);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, 4) < 0)
            return -1;
        /* NULL-terminated as well, so it can be used as a GStrv */
        *arr = g_new0(char *, n + 1);
        for (i = 0; i < n; i++) {
            if (vbXdrDecodeString(dec, &(*arr)[i], VB_REMOTE_STRING_MAX) < 0)
                return -1;
            *COUNT(obj, f) = i + 1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_CHARS: {
        char *chars = FIELD(obj, f, char);

        /* in [-128, 127]: rpcgen would truncate anything else */
        for (i = 0; i < f->max; i++) {
            if (vbXdrDecodeChar(dec, (int8_t *) &chars[i]) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_UHYPER_ARRAY: {
        uint64_t **arr = FIELD(obj, f, uint64_t *);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, 8) < 0)
            return -1;
        *arr = g_new0(uint64_t, n);
        for (i = 0; i < n; i++) {
            if (vbXdrDecodeUHyper(dec, &(*arr)[i]) < 0)
                return -1;
            *COUNT(obj, f) = i + 1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_FSINFO_ARRAY: {
        vbRemoteDomainFSInfo **arr = FIELD(obj, f, vbRemoteDomainFSInfo *);

        /* three strings and the alias count */
        if (vbXdrDecodeArrayCount(dec, &n, f->max, 16) < 0)
            return -1;
        *arr = g_new0(vbRemoteDomainFSInfo, n);
        for (i = 0; i < n; i++) {
            vbRemoteDomainFSInfo *info = &(*arr)[i];
            size_t naliases;
            size_t j;

            *COUNT(obj, f) = i + 1;
            if (vbXdrDecodeString(dec, &info->mountpoint, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrDecodeString(dec, &info->name, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrDecodeString(dec, &info->fstype, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrDecodeArrayCount(dec, &naliases, VB_REMOTE_DOMAIN_FSINFO_DISKS_MAX, 4) < 0)
                return -1;
            info->devAliases = g_new0(char *, naliases);
            for (j = 0; j < naliases; j++) {
                info->ndevAliases = j + 1;
                if (vbXdrDecodeString(dec, &info->devAliases[j], VB_REMOTE_STRING_MAX) < 0)
                    return -1;
            }
        }
        return 0;
    }
    case VB_REMOTE_FIELD_MEMSTAT_ARRAY: {
        vbRemoteMemoryStat **arr = FIELD(obj, f, vbRemoteMemoryStat *);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, 12) < 0)
            return -1;
        *arr = g_new0(vbRemoteMemoryStat, n);
        for (i = 0; i < n; i++) {
            if (vbXdrDecodeInt(dec, &(*arr)[i].tag) < 0 ||
                vbXdrDecodeUHyper(dec, &(*arr)[i].val) < 0)
                return -1;
            *COUNT(obj, f) = i + 1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_TYPED_PARAMS: {
        vbRemoteTypedParam **arr = FIELD(obj, f, vbRemoteTypedParam *);

        /* smallest: an empty name, the type, an int */
        if (vbXdrDecodeArrayCount(dec, &n, f->max, 12) < 0)
            return -1;
        *arr = g_new0(vbRemoteTypedParam, n);
        for (i = 0; i < n; i++) {
            /* counted first so a half-decoded name is freed */
            *COUNT(obj, f) = i + 1;
            if (vbXdrDecodeString(dec, &(*arr)[i].field, VB_REMOTE_STRING_MAX) < 0 ||
                vbRemoteTypedParamValueDecode(dec, &(*arr)[i]) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_IFACE_ARRAY: {
        vbRemoteDomainInterface **arr = FIELD(obj, f, vbRemoteDomainInterface *);

        /* smallest: an empty name, no hwaddr, no address */
        if (vbXdrDecodeArrayCount(dec, &n, f->max, 12) < 0)
            return -1;
        *arr = g_new0(vbRemoteDomainInterface, n);
        for (i = 0; i < n; i++) {
            vbRemoteDomainInterface *iface = &(*arr)[i];
            size_t naddrs;
            size_t j;

            /* counted first so a half-decoded interface is freed */
            *COUNT(obj, f) = i + 1;
            if (vbXdrDecodeString(dec, &iface->name, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrDecodeOptional(dec, &present) < 0 ||
                (present && vbXdrDecodeString(dec, &iface->hwaddr, VB_REMOTE_STRING_MAX) < 0) ||
                vbXdrDecodeArrayCount(dec, &naddrs, VB_REMOTE_DOMAIN_IP_ADDR_MAX, 12) < 0)
                return -1;
            iface->addrs = g_new0(vbRemoteDomainIPAddr, naddrs);
            for (j = 0; j < naddrs; j++) {
                iface->naddrs = j + 1;
                if (vbXdrDecodeInt(dec, &iface->addrs[j].type) < 0 ||
                    vbXdrDecodeString(dec, &iface->addrs[j].addr, VB_REMOTE_STRING_MAX) < 0 ||
                    vbXdrDecodeUInt(dec, &iface->addrs[j].prefix) < 0)
                    return -1;
            }
        }
        return 0;
    }
    case VB_REMOTE_FIELD_NAMED_ARRAY: {
        vbRemoteNamedValue **arr = FIELD(obj, f, vbRemoteNamedValue *);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, 12) < 0)
            return -1;
        *arr = g_new0(vbRemoteNamedValue, n);
        for (i = 0; i < n; i++) {
            /* counted first so a half-decoded name is freed */
            *COUNT(obj, f) = i + 1;
            if (vbXdrDecodeString(dec, &(*arr)[i].field, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrDecodeUHyper(dec, &(*arr)[i].value) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_POOL_ARRAY: {
        vbRemoteStoragePool **arr = FIELD(obj, f, vbRemoteStoragePool *);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, VB_REMOTE_POOL_MIN_SIZE) < 0)
            return -1;
        *arr = g_new0(vbRemoteStoragePool, n);
        for (i = 0; i < n; i++) {
            *COUNT(obj, f) = i + 1;
            if (vbXdrDecodeString(dec, &(*arr)[i].name, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrDecodeFixedOpaque(dec, (*arr)[i].uuid, VB_UUID_BUFLEN) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_VOL_ARRAY: {
        vbRemoteStorageVol **arr = FIELD(obj, f, vbRemoteStorageVol *);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, VB_REMOTE_VOL_MIN_SIZE) < 0)
            return -1;
        *arr = g_new0(vbRemoteStorageVol, n);
        for (i = 0; i < n; i++) {
            *COUNT(obj, f) = i + 1;
            if (vbXdrDecodeString(dec, &(*arr)[i].pool, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrDecodeString(dec, &(*arr)[i].name, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrDecodeString(dec, &(*arr)[i].key, VB_REMOTE_STRING_MAX) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_DOMAIN_ARRAY: {
        vbRemoteDomain **arr = FIELD(obj, f, vbRemoteDomain *);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, VB_REMOTE_DOMAIN_MIN_SIZE) < 0)
            return -1;
        *arr = g_new0(vbRemoteDomain, n);
        for (i = 0; i < n; i++) {
            /* counted before decoding so a half-decoded name is freed */
            *COUNT(obj, f) = i + 1;
            if (vbRemoteDomainDecode(dec, &(*arr)[i]) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_SNAPSHOT_ARRAY: {
        vbRemoteDomainSnapshot **arr = FIELD(obj, f, vbRemoteDomainSnapshot *);

        if (vbXdrDecodeArrayCount(dec, &n, f->max, 4 + VB_REMOTE_DOMAIN_MIN_SIZE) < 0)
            return -1;
        *arr = g_new0(vbRemoteDomainSnapshot, n);
        for (i = 0; i < n; i++) {
            *COUNT(obj, f) = i + 1;
            if (vbXdrDecodeString(dec, &(*arr)[i].name, VB_REMOTE_NAME_MAX) < 0 ||
                vbRemoteDomainDecode(dec, &(*arr)[i].dom) < 0)
                return -1;
        }
        return 0;
    }
    }
    g_return_val_if_reached(-1);
}

static int
vbRemoteFieldEncode(const vbRemoteField *f, const void *obj, GByteArray *buf)
{
    size_t n;
    size_t i;

    switch (f->kind) {
    case VB_REMOTE_FIELD_INT:
        vbXdrEncodeInt(buf, *CFIELD(obj, f, int32_t));
        return 0;
    case VB_REMOTE_FIELD_UINT:
        vbXdrEncodeUInt(buf, *CFIELD(obj, f, uint32_t));
        return 0;
    case VB_REMOTE_FIELD_UHYPER:
        vbXdrEncodeUHyper(buf, *CFIELD(obj, f, uint64_t));
        return 0;
    case VB_REMOTE_FIELD_UCHAR:
        vbXdrEncodeUChar(buf, *CFIELD(obj, f, uint8_t));
        return 0;
    case VB_REMOTE_FIELD_USHORT:
        vbXdrEncodeUShort(buf, *CFIELD(obj, f, uint16_t));
        return 0;
    case VB_REMOTE_FIELD_STRING: {
        const char *str = *CFIELD(obj, f, char *);

        if (!str) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          _("a string the protocol requires is missing from the reply"));
            return -1;
        }
        return vbXdrEncodeString(buf, str, f->max);
    }
    case VB_REMOTE_FIELD_OPT_STRING: {
        const char *str = *CFIELD(obj, f, char *);

        vbXdrEncodeOptional(buf, str != NULL);
        return str ? vbXdrEncodeString(buf, str, f->max) : 0;
    }
    case VB_REMOTE_FIELD_UUID:
        vbXdrEncodeFixedOpaque(buf, CFIELD(obj, f, unsigned char), VB_UUID_BUFLEN);
        return 0;
    case VB_REMOTE_FIELD_DOMAIN:
        return vbRemoteDomainEncode(buf, CFIELD(obj, f, vbRemoteDomain));
    case VB_REMOTE_FIELD_OPT_DOMAIN: {
        const vbRemoteDomain *dom = *CFIELD(obj, f, vbRemoteDomain *);

        vbXdrEncodeOptional(buf, dom != NULL);
        return dom ? vbRemoteDomainEncode(buf, dom) : 0;
    }
    case VB_REMOTE_FIELD_SNAPSHOT: {
        const vbRemoteDomainSnapshot *snap = CFIELD(obj, f, vbRemoteDomainSnapshot);

        if (vbXdrEncodeString(buf, snap->name ? snap->name : "", VB_REMOTE_STRING_MAX) < 0)
            return -1;
        return vbRemoteDomainEncode(buf, &snap->dom);
    }
    case VB_REMOTE_FIELD_INT_ARRAY: {
        const int *arr = *CFIELD(obj, f, int *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++)
            vbXdrEncodeInt(buf, arr[i]);
        return 0;
    }
    case VB_REMOTE_FIELD_STRING_ARRAY: {
        char *const *arr = *(char **const *) ((const char *) obj + f->offset);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (vbXdrEncodeString(buf, arr[i] ? arr[i] : "", VB_REMOTE_STRING_MAX) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_CHARS: {
        const char *chars = CFIELD(obj, f, char);

        for (i = 0; i < f->max; i++)
            vbXdrEncodeChar(buf, (int8_t) chars[i]);
        return 0;
    }
    case VB_REMOTE_FIELD_UHYPER_ARRAY: {
        const uint64_t *arr = *CFIELD(obj, f, uint64_t *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++)
            vbXdrEncodeUHyper(buf, arr[i]);
        return 0;
    }
    case VB_REMOTE_FIELD_FSINFO_ARRAY: {
        const vbRemoteDomainFSInfo *arr = *CFIELD(obj, f, vbRemoteDomainFSInfo *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            size_t j;

            if (vbXdrEncodeString(buf, arr[i].mountpoint, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrEncodeString(buf, arr[i].name, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrEncodeString(buf, arr[i].fstype, VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrEncodeArrayCount(buf, arr[i].ndevAliases, VB_REMOTE_DOMAIN_FSINFO_DISKS_MAX) <
                    0)
                return -1;
            for (j = 0; j < arr[i].ndevAliases; j++) {
                if (vbXdrEncodeString(buf, arr[i].devAliases[j], VB_REMOTE_STRING_MAX) < 0)
                    return -1;
            }
        }
        return 0;
    }
    case VB_REMOTE_FIELD_IFACE_ARRAY: {
        const vbRemoteDomainInterface *arr = *CFIELD(obj, f, vbRemoteDomainInterface *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            size_t j;

            if (vbXdrEncodeString(buf, arr[i].name ? arr[i].name : "", VB_REMOTE_STRING_MAX) < 0)
                return -1;
            vbXdrEncodeOptional(buf, arr[i].hwaddr != NULL);
            if ((arr[i].hwaddr &&
                 vbXdrEncodeString(buf, arr[i].hwaddr, VB_REMOTE_STRING_MAX) < 0) ||
                vbXdrEncodeArrayCount(buf, arr[i].naddrs, VB_REMOTE_DOMAIN_IP_ADDR_MAX) < 0)
                return -1;
            for (j = 0; j < arr[i].naddrs; j++) {
                vbXdrEncodeInt(buf, arr[i].addrs[j].type);
                if (vbXdrEncodeString(buf, arr[i].addrs[j].addr ? arr[i].addrs[j].addr : "",
                                      VB_REMOTE_STRING_MAX) < 0)
                    return -1;
                vbXdrEncodeUInt(buf, arr[i].addrs[j].prefix);
            }
        }
        return 0;
    }
    case VB_REMOTE_FIELD_MEMSTAT_ARRAY: {
        const vbRemoteMemoryStat *arr = *CFIELD(obj, f, vbRemoteMemoryStat *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            vbXdrEncodeInt(buf, arr[i].tag);
            vbXdrEncodeUHyper(buf, arr[i].val);
        }
        return 0;
    }
    case VB_REMOTE_FIELD_TYPED_PARAMS: {
        const vbRemoteTypedParam *arr = *CFIELD(obj, f, vbRemoteTypedParam *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (vbXdrEncodeString(buf, arr[i].field ? arr[i].field : "", VB_REMOTE_STRING_MAX) <
                    0 ||
                vbRemoteTypedParamValueEncode(buf, &arr[i]) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_NAMED_ARRAY: {
        const vbRemoteNamedValue *arr = *CFIELD(obj, f, vbRemoteNamedValue *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (vbXdrEncodeString(buf, arr[i].field ? arr[i].field : "", VB_REMOTE_STRING_MAX) < 0)
                return -1;
            vbXdrEncodeUHyper(buf, arr[i].value);
        }
        return 0;
    }
    case VB_REMOTE_FIELD_POOL_ARRAY: {
        const vbRemoteStoragePool *arr = *CFIELD(obj, f, vbRemoteStoragePool *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (vbXdrEncodeString(buf, arr[i].name ? arr[i].name : "", VB_REMOTE_STRING_MAX) < 0)
                return -1;
            vbXdrEncodeFixedOpaque(buf, arr[i].uuid, VB_UUID_BUFLEN);
        }
        return 0;
    }
    case VB_REMOTE_FIELD_VOL_ARRAY: {
        const vbRemoteStorageVol *arr = *CFIELD(obj, f, vbRemoteStorageVol *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (vbXdrEncodeString(buf, arr[i].pool ? arr[i].pool : "", VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrEncodeString(buf, arr[i].name ? arr[i].name : "", VB_REMOTE_STRING_MAX) < 0 ||
                vbXdrEncodeString(buf, arr[i].key ? arr[i].key : "", VB_REMOTE_STRING_MAX) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_DOMAIN_ARRAY: {
        const vbRemoteDomain *arr = *CFIELD(obj, f, vbRemoteDomain *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (vbRemoteDomainEncode(buf, &arr[i]) < 0)
                return -1;
        }
        return 0;
    }
    case VB_REMOTE_FIELD_SNAPSHOT_ARRAY: {
        const vbRemoteDomainSnapshot *arr = *CFIELD(obj, f, vbRemoteDomainSnapshot *);

        n = CCOUNT(obj, f);
        if (vbXdrEncodeArrayCount(buf, n, f->max) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (vbXdrEncodeString(buf, arr[i].name ? arr[i].name : "", VB_REMOTE_STRING_MAX) < 0 ||
                vbRemoteDomainEncode(buf, &arr[i].dom) < 0)
                return -1;
        }
        return 0;
    }
    }
    g_return_val_if_reached(-1);
}

static void
vbRemoteFieldClear(const vbRemoteField *f, void *obj)
{
    size_t i;

    switch (f->kind) {
    case VB_REMOTE_FIELD_INT:
    case VB_REMOTE_FIELD_UINT:
    case VB_REMOTE_FIELD_UHYPER:
    case VB_REMOTE_FIELD_UCHAR:
    case VB_REMOTE_FIELD_USHORT:
    case VB_REMOTE_FIELD_UUID:
    case VB_REMOTE_FIELD_CHARS:
        return;
    case VB_REMOTE_FIELD_STRING:
    case VB_REMOTE_FIELD_OPT_STRING:
        g_clear_pointer(FIELD(obj, f, char *), g_free);
        return;
    case VB_REMOTE_FIELD_DOMAIN:
        vbRemoteDomainClear(FIELD(obj, f, vbRemoteDomain));
        return;
    case VB_REMOTE_FIELD_OPT_DOMAIN: {
        vbRemoteDomain **dom = FIELD(obj, f, vbRemoteDomain *);

        if (*dom)
            vbRemoteDomainClear(*dom);
        g_clear_pointer(dom, g_free);
        return;
    }
    case VB_REMOTE_FIELD_SNAPSHOT: {
        vbRemoteDomainSnapshot *snap = FIELD(obj, f, vbRemoteDomainSnapshot);

        g_clear_pointer(&snap->name, g_free);
        vbRemoteDomainClear(&snap->dom);
        return;
    }
    case VB_REMOTE_FIELD_INT_ARRAY:
        g_clear_pointer(FIELD(obj, f, int *), g_free);
        *COUNT(obj, f) = 0;
        return;
    case VB_REMOTE_FIELD_STRING_ARRAY: {
        char ***arr = FIELD(obj, f, char **);

        for (i = 0; *arr && i < *COUNT(obj, f); i++)
            g_free((*arr)[i]);
        g_clear_pointer(arr, g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    case VB_REMOTE_FIELD_FSINFO_ARRAY: {
        vbRemoteDomainFSInfo *arr = *FIELD(obj, f, vbRemoteDomainFSInfo *);
        size_t j;

        for (i = 0; i < *COUNT(obj, f); i++) {
            g_free(arr[i].mountpoint);
            g_free(arr[i].name);
            g_free(arr[i].fstype);
            for (j = 0; j < arr[i].ndevAliases; j++)
                g_free(arr[i].devAliases[j]);
            g_free(arr[i].devAliases);
        }
        g_clear_pointer(FIELD(obj, f, vbRemoteDomainFSInfo *), g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    case VB_REMOTE_FIELD_MEMSTAT_ARRAY:
        g_clear_pointer(FIELD(obj, f, vbRemoteMemoryStat *), g_free);
        *COUNT(obj, f) = 0;
        return;
    case VB_REMOTE_FIELD_IFACE_ARRAY: {
        vbRemoteDomainInterface **arr = FIELD(obj, f, vbRemoteDomainInterface *);

        for (i = 0; *arr && i < *COUNT(obj, f); i++) {
            vbRemoteDomainInterface *iface = &(*arr)[i];
            size_t j;

            for (j = 0; iface->addrs && j < iface->naddrs; j++)
                g_free(iface->addrs[j].addr);
            g_free(iface->addrs);
            g_free(iface->name);
            g_free(iface->hwaddr);
        }
        g_clear_pointer(arr, g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    case VB_REMOTE_FIELD_UHYPER_ARRAY:
        g_clear_pointer(FIELD(obj, f, uint64_t *), g_free);
        *COUNT(obj, f) = 0;
        return;
    case VB_REMOTE_FIELD_TYPED_PARAMS: {
        vbRemoteTypedParam **arr = FIELD(obj, f, vbRemoteTypedParam *);

        for (i = 0; *arr && i < *COUNT(obj, f); i++) {
            g_free((*arr)[i].field);
            if ((*arr)[i].type == VIR_TYPED_PARAM_STRING)
                g_free((*arr)[i].value.s);
        }
        g_clear_pointer(arr, g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    case VB_REMOTE_FIELD_NAMED_ARRAY: {
        vbRemoteNamedValue **arr = FIELD(obj, f, vbRemoteNamedValue *);

        for (i = 0; *arr && i < *COUNT(obj, f); i++)
            g_free((*arr)[i].field);
        g_clear_pointer(arr, g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    case VB_REMOTE_FIELD_POOL_ARRAY: {
        vbRemoteStoragePool **arr = FIELD(obj, f, vbRemoteStoragePool *);

        for (i = 0; *arr && i < *COUNT(obj, f); i++)
            g_free((*arr)[i].name);
        g_clear_pointer(arr, g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    case VB_REMOTE_FIELD_VOL_ARRAY: {
        vbRemoteStorageVol **arr = FIELD(obj, f, vbRemoteStorageVol *);

        for (i = 0; *arr && i < *COUNT(obj, f); i++) {
            g_free((*arr)[i].pool);
            g_free((*arr)[i].name);
            g_free((*arr)[i].key);
        }
        g_clear_pointer(arr, g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    case VB_REMOTE_FIELD_DOMAIN_ARRAY: {
        vbRemoteDomain **arr = FIELD(obj, f, vbRemoteDomain *);

        for (i = 0; *arr && i < *COUNT(obj, f); i++)
            vbRemoteDomainClear(&(*arr)[i]);
        g_clear_pointer(arr, g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    case VB_REMOTE_FIELD_SNAPSHOT_ARRAY: {
        vbRemoteDomainSnapshot **arr = FIELD(obj, f, vbRemoteDomainSnapshot *);

        for (i = 0; *arr && i < *COUNT(obj, f); i++) {
            g_clear_pointer(&(*arr)[i].name, g_free);
            vbRemoteDomainClear(&(*arr)[i].dom);
        }
        g_clear_pointer(arr, g_free);
        *COUNT(obj, f) = 0;
        return;
    }
    }
}

int
vbRemotePayloadDecode(const vbRemoteType *type, const uint8_t *data, size_t len, void *obj)
{
    vbXdrDecoder dec;
    size_t i;

    vbXdrDecoderInit(&dec, data, len);
    if (type) {
        for (i = 0; i < type->nfields; i++) {
            if (vbRemoteFieldDecode(&type->fields[i], &dec, obj) < 0)
                return -1;
        }
    }
    return vbXdrDecoderFinish(&dec);
}

int
vbRemotePayloadEncode(const vbRemoteType *type, const void *obj, GByteArray *buf)
{
    size_t i;

    if (!type)
        return 0;
    for (i = 0; i < type->nfields; i++) {
        if (vbRemoteFieldEncode(&type->fields[i], obj, buf) < 0)
            return -1;
    }
    return 0;
}

void
vbRemotePayloadClear(const vbRemoteType *type, void *obj)
{
    size_t i;

    if (!type || !obj)
        return;
    for (i = 0; i < type->nfields; i++)
        vbRemoteFieldClear(&type->fields[i], obj);
    memset(obj, 0, type->size);
}

void *
vbRemotePayloadNew(const vbRemoteType *type)
{
    return type ? g_malloc0(type->size) : NULL;
}

void
vbRemotePayloadFree(const vbRemoteType *type, void *obj)
{
    vbRemotePayloadClear(type, obj);
    g_free(obj);
}
