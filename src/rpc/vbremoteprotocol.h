/*
 * vbremoteprotocol.h: the subset of libvirt's remote_protocol.x we speak
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two programs: REMOTE_PROGRAM (remote_protocol.x) and QEMU_PROGRAM
 * (qemu_protocol.x, the libvirt-qemu.h calls).  Each has its own
 * procedure numbers and table; a packet's header names the program, and
 * vbRemoteProgramLookup finds its table.
 *
 * Each payload is a C struct described field by field in a vbRemoteType,
 * in the order of remote_protocol.x; one generic codec walks the
 * description.  Procedure numbers and shapes are libvirt's ABI and never
 * change.  Field names follow the .x file in camelCase.  Arrays carry
 * their element count in a size_t beside them.  Nested structs of the .x
 * file (remote_domain_event_*_msg inside a callback message) are
 * flattened: XDR lays them out the same.
 *
 * Strings are owned char * (NULL for an absent remote_string); optional
 * domains are owned pointers.  Free a decoded payload with
 * vbRemotePayloadFree (or vbRemotePayloadClear for one on the stack).
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vbinternal.h"
#include "vbxdr.h"

#define VB_REMOTE_STRING_MAX 4194304
/* Ours, tighter than libvirt's REMOTE_STRING_MAX: a name, path, key or
 * URI a call carries (PATH_MAX); documents keep VB_REMOTE_STRING_MAX */
#define VB_REMOTE_NAME_MAX 4096
#define VB_REMOTE_DOMAIN_LIST_MAX 16384
#define VB_REMOTE_AUTH_TYPE_LIST_MAX 20
#define VB_REMOTE_DOMAIN_MESSAGES_MAX 2048
#define VB_REMOTE_NODE_MAX_CELLS 1024
#define VB_REMOTE_NODE_MEMORY_STATS_MAX 16
#define VB_REMOTE_NODE_CPU_STATS_MAX 16
#define VB_REMOTE_DOMAIN_MEMORY_STATS_MAX 1024
#define VB_REMOTE_NODE_MODEL_LEN 32
#define VB_REMOTE_STORAGE_POOL_LIST_MAX 16384
#define VB_REMOTE_STORAGE_VOL_LIST_MAX 16384
#define VB_REMOTE_DOMAIN_INTERFACE_MAX 2048
#define VB_REMOTE_DOMAIN_IP_ADDR_MAX 2048

/* remote_auth_type */
typedef enum {
    VB_REMOTE_AUTH_NONE = 0,
    VB_REMOTE_AUTH_SASL = 1,
    VB_REMOTE_AUTH_POLKIT = 2,
} vbRemoteAuthType;

/* remote_procedure: the numbers we know */
typedef enum {
    VB_REMOTE_PROC_CONNECT_OPEN = 1,
    VB_REMOTE_PROC_CONNECT_CLOSE = 2,
    VB_REMOTE_PROC_CONNECT_GET_TYPE = 3,
    VB_REMOTE_PROC_CONNECT_GET_VERSION = 4,
    VB_REMOTE_PROC_CONNECT_GET_MAX_VCPUS = 5,
    VB_REMOTE_PROC_NODE_GET_INFO = 6,
    VB_REMOTE_PROC_CONNECT_GET_CAPABILITIES = 7,
    VB_REMOTE_PROC_DOMAIN_ATTACH_DEVICE = 8,
    VB_REMOTE_PROC_DOMAIN_CREATE = 9,
    VB_REMOTE_PROC_DOMAIN_CREATE_XML = 10,
    VB_REMOTE_PROC_DOMAIN_DEFINE_XML = 11,
    VB_REMOTE_PROC_DOMAIN_DESTROY = 12,
    VB_REMOTE_PROC_DOMAIN_DETACH_DEVICE = 13,
    VB_REMOTE_PROC_DOMAIN_GET_XML_DESC = 14,
    VB_REMOTE_PROC_DOMAIN_GET_AUTOSTART = 15,
    VB_REMOTE_PROC_DOMAIN_GET_INFO = 16,
    VB_REMOTE_PROC_DOMAIN_GET_OS_TYPE = 19,
    VB_REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS = 21,
    VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_ID = 22,
    VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME = 23,
    VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID = 24,
    VB_REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS = 25,
    VB_REMOTE_PROC_DOMAIN_REBOOT = 27,
    VB_REMOTE_PROC_DOMAIN_RESUME = 28,
    VB_REMOTE_PROC_DOMAIN_SET_AUTOSTART = 29,
    VB_REMOTE_PROC_DOMAIN_SET_MAX_MEMORY = 30,
    VB_REMOTE_PROC_DOMAIN_SET_MEMORY = 31,
    VB_REMOTE_PROC_DOMAIN_SHUTDOWN = 33,
    VB_REMOTE_PROC_DOMAIN_SUSPEND = 34,
    VB_REMOTE_PROC_DOMAIN_UNDEFINE = 35,
    VB_REMOTE_PROC_CONNECT_LIST_DOMAINS = 37,
    VB_REMOTE_PROC_CONNECT_NUM_OF_DOMAINS = 51,
    VB_REMOTE_PROC_DOMAIN_RESTORE = 54,
    VB_REMOTE_PROC_CONNECT_GET_HOSTNAME = 59,
    VB_REMOTE_PROC_CONNECT_SUPPORTS_FEATURE = 60,
    VB_REMOTE_PROC_DOMAIN_INTERFACE_STATS = 65,
    VB_REMOTE_PROC_AUTH_LIST = 66,
    VB_REMOTE_PROC_CONNECT_NUM_OF_STORAGE_POOLS = 71,
    VB_REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS = 72,
    VB_REMOTE_PROC_CONNECT_NUM_OF_DEFINED_STORAGE_POOLS = 73,
    VB_REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS = 74,
    VB_REMOTE_PROC_STORAGE_POOL_CREATE_XML = 76,
    VB_REMOTE_PROC_STORAGE_POOL_DEFINE_XML = 77,
    VB_REMOTE_PROC_STORAGE_POOL_CREATE = 78,
    VB_REMOTE_PROC_STORAGE_POOL_BUILD = 79,
    VB_REMOTE_PROC_STORAGE_POOL_DESTROY = 80,
    VB_REMOTE_PROC_STORAGE_POOL_DELETE = 81,
    VB_REMOTE_PROC_STORAGE_POOL_UNDEFINE = 82,
    VB_REMOTE_PROC_STORAGE_POOL_REFRESH = 83,
    VB_REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME = 84,
    VB_REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID = 85,
    VB_REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_VOLUME = 86,
    VB_REMOTE_PROC_STORAGE_POOL_GET_INFO = 87,
    VB_REMOTE_PROC_STORAGE_POOL_GET_XML_DESC = 88,
    VB_REMOTE_PROC_STORAGE_POOL_GET_AUTOSTART = 89,
    VB_REMOTE_PROC_STORAGE_POOL_SET_AUTOSTART = 90,
    VB_REMOTE_PROC_STORAGE_POOL_NUM_OF_VOLUMES = 91,
    VB_REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES = 92,
    VB_REMOTE_PROC_STORAGE_VOL_CREATE_XML = 93,
    VB_REMOTE_PROC_STORAGE_VOL_DELETE = 94,
    VB_REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_NAME = 95,
    VB_REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_KEY = 96,
    VB_REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_PATH = 97,
    VB_REMOTE_PROC_STORAGE_VOL_GET_INFO = 98,
    VB_REMOTE_PROC_STORAGE_VOL_GET_XML_DESC = 99,
    VB_REMOTE_PROC_STORAGE_VOL_GET_PATH = 100,
    VB_REMOTE_PROC_NODE_GET_CELLS_FREE_MEMORY = 101,
    VB_REMOTE_PROC_NODE_GET_FREE_MEMORY = 102,
    VB_REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE = 107,
    VB_REMOTE_PROC_CONNECT_GET_URI = 110,
    VB_REMOTE_PROC_CONNECT_IS_SECURE = 149,
    VB_REMOTE_PROC_DOMAIN_IS_ACTIVE = 150,
    VB_REMOTE_PROC_DOMAIN_IS_PERSISTENT = 151,
    VB_REMOTE_PROC_STORAGE_POOL_IS_ACTIVE = 154,
    VB_REMOTE_PROC_STORAGE_POOL_IS_PERSISTENT = 155,
    VB_REMOTE_PROC_CONNECT_GET_LIB_VERSION = 157,
    VB_REMOTE_PROC_DOMAIN_MEMORY_STATS = 159,
    VB_REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS = 160,
    VB_REMOTE_PROC_DOMAIN_DETACH_DEVICE_FLAGS = 161,
    VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY = 167,
    VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY = 168,
    VB_REMOTE_PROC_DOMAIN_EVENT_REBOOT = 169,
    VB_REMOTE_PROC_DOMAIN_EVENT_WATCHDOG = 171,
    VB_REMOTE_PROC_DOMAIN_EVENT_IO_ERROR = 172,
    VB_REMOTE_PROC_DOMAIN_UPDATE_DEVICE_FLAGS = 174,
    VB_REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE = 183,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_CREATE_XML = 185,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC = 186,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_NUM = 187,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_NAMES = 188,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_LOOKUP_BY_NAME = 189,
    VB_REMOTE_PROC_DOMAIN_HAS_CURRENT_SNAPSHOT = 190,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_CURRENT = 191,
    VB_REMOTE_PROC_DOMAIN_REVERT_TO_SNAPSHOT = 192,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_DELETE = 193,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_GET_PARENT = 244,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN = 246,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES = 247,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_IS_CURRENT = 271,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_HAS_METADATA = 272,
    VB_REMOTE_PROC_DOMAIN_LIST_ALL_SNAPSHOTS = 274,
    VB_REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN = 275,
    VB_REMOTE_PROC_DOMAIN_EVENT_IO_ERROR_REASON = 195,
    VB_REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS = 196,
    VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE = 201,
    VB_REMOTE_PROC_CONNECT_GET_SYSINFO = 203,
    VB_REMOTE_PROC_DOMAIN_SET_MEMORY_FLAGS = 204,
    VB_REMOTE_PROC_DOMAIN_GET_STATE = 212,
    VB_REMOTE_PROC_DOMAIN_EVENT_CONTROL_ERROR = 224,
    VB_REMOTE_PROC_NODE_GET_CPU_STATS = 227,
    VB_REMOTE_PROC_NODE_GET_MEMORY_STATS = 228,
    VB_REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS = 231,
    VB_REMOTE_PROC_DOMAIN_RESTORE_FLAGS = 233,
    VB_REMOTE_PROC_DOMAIN_DESTROY_FLAGS = 234,
    VB_REMOTE_PROC_DOMAIN_BLOCK_JOB_ABORT = 237,
    VB_REMOTE_PROC_DOMAIN_GET_BLOCK_JOB_INFO = 238,
    VB_REMOTE_PROC_DOMAIN_BLOCK_JOB_SET_SPEED = 239,
    VB_REMOTE_PROC_DOMAIN_BLOCK_PULL = 240,
    VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB = 241,
    VB_REMOTE_PROC_DOMAIN_RESET = 245,
    VB_REMOTE_PROC_DOMAIN_GET_BLOCK_IO_TUNE = 253,
    VB_REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS = 258,
    VB_REMOTE_PROC_DOMAIN_BLOCK_REBASE = 266,
    VB_REMOTE_PROC_DOMAIN_EVENT_TRAY_CHANGE = 268,
    VB_REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS = 273,
    VB_REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS = 281,
    VB_REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES = 282,
    VB_REMOTE_PROC_DOMAIN_EVENT_BALLOON_CHANGE = 276,
    VB_REMOTE_PROC_DOMAIN_BLOCK_COMMIT = 290,
    VB_REMOTE_PROC_DOMAIN_SET_MEMORY_STATS_PERIOD = 308,
    VB_REMOTE_PROC_DOMAIN_EVENT_DEVICE_REMOVED = 311,
    VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY = 316,
    VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY = 317,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE = 318,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT = 319,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_WATCHDOG = 321,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_IO_ERROR = 322,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON = 324,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_CONTROL_ERROR = 325,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB = 326,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_TRAY_CHANGE = 328,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE = 331,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED = 333,
    VB_REMOTE_PROC_DOMAIN_FSFREEZE = 335,
    VB_REMOTE_PROC_DOMAIN_FSTHAW = 336,
    VB_REMOTE_PROC_DOMAIN_GET_TIME = 337,
    VB_REMOTE_PROC_DOMAIN_SET_TIME = 338,
    VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2 = 339,
    VB_REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES = 342,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE = 348,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_JOB_COMPLETED = 363,
    VB_REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS = 350,
    VB_REMOTE_PROC_DOMAIN_GET_FSINFO = 349,
    VB_REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES = 353,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED = 354,
    VB_REMOTE_PROC_DOMAIN_SET_USER_PASSWORD = 357,
    VB_REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK = 360,
    VB_REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK = 361,
    VB_REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED = 362,
    VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED = 367,
    VB_REMOTE_PROC_STORAGE_VOL_GET_INFO_FLAGS = 378,
    VB_REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_TARGET_PATH = 391,
    VB_REMOTE_PROC_DOMAIN_GET_GUEST_INFO = 418,
    VB_REMOTE_PROC_DOMAIN_GET_MESSAGES = 426,
} vbRemoteProcNumber;

/* qemu_procedure: the numbers we know */
typedef enum {
    VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND = 1,
    VB_QEMU_PROC_DOMAIN_AGENT_COMMAND = 3,
    VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES = 7,
} vbQemuProcNumber;

/* remote_nonnull_domain */
typedef struct _vbRemoteDomain vbRemoteDomain;
struct _vbRemoteDomain {
    char *name;
    unsigned char uuid[VB_UUID_BUFLEN];
    int id; /* -1 when inactive */
};

/* remote_nonnull_domain_snapshot */
typedef struct _vbRemoteDomainSnapshot vbRemoteDomainSnapshot;
struct _vbRemoteDomainSnapshot {
    char *name;
    vbRemoteDomain dom;
};

/* remote_nonnull_storage_pool */
typedef struct _vbRemoteStoragePool vbRemoteStoragePool;
struct _vbRemoteStoragePool {
    char *name;
    unsigned char uuid[VB_UUID_BUFLEN];
};

/* remote_nonnull_storage_vol */
typedef struct _vbRemoteStorageVol vbRemoteStorageVol;
struct _vbRemoteStorageVol {
    char *pool;
    char *name;
    char *key;
};

/* Shapes shared by several procedures; each procedure's name is an alias
 * below so a handler reads as the procedure it serves. */
typedef struct {
    vbRemoteDomain dom;
} vbRemoteDomainArgs;

typedef struct {
    vbRemoteDomain dom;
    unsigned int flags;
} vbRemoteDomainFlagsArgs;

typedef struct {
    vbRemoteDomain dom;
} vbRemoteDomainRet;

typedef struct {
    int num;
} vbRemoteNumRet;

typedef struct {
    char *str;
} vbRemoteStringRet;

typedef struct {
    char *xml;
    unsigned int flags;
} vbRemoteXMLFlagsArgs;

/* 54 DOMAIN_RESTORE */
typedef struct {
    char *from;
} vbRemoteDomainRestoreArgs;

/* 233 DOMAIN_RESTORE_FLAGS */
typedef struct {
    char *from;
    char *dxml; /* NULL: the file's */
    unsigned int flags;
} vbRemoteDomainRestoreFlagsArgs;

/* 1 CONNECT_OPEN */
typedef struct {
    char *name; /* NULL: not given */
    unsigned int flags;
} vbRemoteConnectOpenArgs;

/* 3 CONNECT_GET_TYPE, 59 CONNECT_GET_HOSTNAME, 110 CONNECT_GET_URI,
 * 14 DOMAIN_GET_XML_DESC, 19 DOMAIN_GET_OS_TYPE */
typedef vbRemoteStringRet vbRemoteConnectGetTypeRet;
typedef vbRemoteStringRet vbRemoteConnectGetHostnameRet;
typedef vbRemoteStringRet vbRemoteConnectGetURIRet;
typedef vbRemoteStringRet vbRemoteDomainGetXMLDescRet;
typedef vbRemoteStringRet vbRemoteDomainGetOSTypeRet;

/* 4 CONNECT_GET_VERSION, 157 CONNECT_GET_LIB_VERSION */
typedef struct {
    uint64_t version;
} vbRemoteVersionRet;
typedef vbRemoteVersionRet vbRemoteConnectGetVersionRet;
typedef vbRemoteVersionRet vbRemoteConnectGetLibVersionRet;

/* 60 CONNECT_SUPPORTS_FEATURE */
typedef struct {
    int feature;
} vbRemoteConnectSupportsFeatureArgs;
typedef struct {
    int supported;
} vbRemoteConnectSupportsFeatureRet;

/* 66 AUTH_LIST */
typedef struct {
    int *types; /* vbRemoteAuthType */
    size_t ntypes;
} vbRemoteAuthListRet;

/* 149 CONNECT_IS_SECURE, 150 DOMAIN_IS_ACTIVE, 151 DOMAIN_IS_PERSISTENT,
 * 15 DOMAIN_GET_AUTOSTART, 183 DOMAIN_HAS_MANAGED_SAVE_IMAGE,
 * 51 CONNECT_NUM_OF_DOMAINS, 25 CONNECT_NUM_OF_DEFINED_DOMAINS: one int */
typedef vbRemoteNumRet vbRemoteConnectIsSecureRet;
typedef vbRemoteNumRet vbRemoteDomainIsActiveRet;
typedef vbRemoteNumRet vbRemoteDomainIsPersistentRet;
typedef vbRemoteNumRet vbRemoteDomainGetAutostartRet;
typedef vbRemoteNumRet vbRemoteDomainHasManagedSaveImageRet;
typedef vbRemoteNumRet vbRemoteConnectNumOfDomainsRet;
typedef vbRemoteNumRet vbRemoteConnectNumOfDefinedDomainsRet;

/* 29 DOMAIN_SET_AUTOSTART */
typedef struct {
    vbRemoteDomain dom;
    int autostart;
} vbRemoteDomainSetAutostartArgs;

/* 174 DOMAIN_UPDATE_DEVICE_FLAGS */
typedef struct {
    vbRemoteDomain dom;
    char *xml;
    unsigned int flags;
} vbRemoteDomainUpdateDeviceFlagsArgs;

/* 160 DOMAIN_ATTACH_DEVICE_FLAGS and 161 DOMAIN_DETACH_DEVICE_FLAGS: the
 * same arguments */
typedef vbRemoteDomainUpdateDeviceFlagsArgs vbRemoteDomainAttachDeviceFlagsArgs;

/* 8 DOMAIN_ATTACH_DEVICE and 13 DOMAIN_DETACH_DEVICE (without flags) */
typedef struct {
    vbRemoteDomain dom;
    char *xml;
} vbRemoteDomainAttachDeviceArgs;

/* 5 CONNECT_GET_MAX_VCPUS */
typedef struct {
    char *type; /* NULL: not given */
} vbRemoteConnectGetMaxVcpusArgs;
typedef vbRemoteNumRet vbRemoteConnectGetMaxVcpusRet; /* max_vcpus */

/* 6 NODE_GET_INFO */
typedef struct {
    char model[VB_REMOTE_NODE_MODEL_LEN]; /* char model[32]: 4 bytes a char on the wire */
    uint64_t memory;                      /* KiB */
    int cpus;
    int mhz;
    int nodes;
    int sockets;
    int cores;
    int threads;
} vbRemoteNodeGetInfoRet;

/* 7 CONNECT_GET_CAPABILITIES, 203 CONNECT_GET_SYSINFO (args: flags),
 * 342 CONNECT_GET_DOMAIN_CAPABILITIES: one string back */
typedef vbRemoteStringRet vbRemoteConnectGetCapabilitiesRet;
typedef vbRemoteStringRet vbRemoteConnectGetSysinfoRet;
typedef vbRemoteStringRet vbRemoteConnectGetDomainCapabilitiesRet;
typedef struct {
    unsigned int flags;
} vbRemoteConnectGetSysinfoArgs;
typedef struct {
    char *emulatorbin; /* NULL: not given, as each of these */
    char *arch;
    char *machine;
    char *virttype;
    unsigned int flags;
} vbRemoteConnectGetDomainCapabilitiesArgs;

/* 101 NODE_GET_CELLS_FREE_MEMORY */
typedef struct {
    int startCell;
    int maxcells;
} vbRemoteNodeGetCellsFreeMemoryArgs;
typedef struct {
    uint64_t *cells; /* bytes */
    size_t ncells;
} vbRemoteNodeGetCellsFreeMemoryRet;

/* 102 NODE_GET_FREE_MEMORY */
typedef struct {
    uint64_t freeMem; /* bytes */
} vbRemoteNodeGetFreeMemoryRet;

/* 227 NODE_GET_CPU_STATS and 228 NODE_GET_MEMORY_STATS: arrays of
 * remote_node_get_cpu_stats / remote_node_get_memory_stats, one shape */
/* remote_typed_param: a name and a value of one of the
 * VIR_TYPED_PARAM_* types (@type selects the member) */
typedef struct _vbRemoteTypedParam vbRemoteTypedParam;
struct _vbRemoteTypedParam {
    char *field;
    int type;
    union {
        int i; /* INT, BOOLEAN */
        unsigned int ui;
        int64_t l;
        uint64_t ul;
        double d;
        char *s; /* STRING */
    } value;
};

/* 253 DOMAIN_GET_BLOCK_IO_TUNE */
#define VB_REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX 32
typedef struct {
    vbRemoteDomain dom;
    char *disk; /* NULL: not given */
    int nparams;
    unsigned int flags;
} vbRemoteDomainGetBlockIoTuneArgs;
typedef struct {
    vbRemoteTypedParam *params;
    size_t nparamsList;
    int nparams;
} vbRemoteDomainGetBlockIoTuneRet;

typedef struct _vbRemoteNamedValue vbRemoteNamedValue;
struct _vbRemoteNamedValue {
    char *field;
    uint64_t value;
};
typedef struct {
    int nparams;
    int cellNum;
    unsigned int flags;
} vbRemoteNodeGetMemoryStatsArgs;
typedef struct {
    vbRemoteNamedValue *params;
    size_t nparamsList;
    int nparams; /* only when the call asked how many (nparams 0) */
} vbRemoteNodeGetMemoryStatsRet;
typedef struct {
    int cpuNum;
    int nparams;
    unsigned int flags;
} vbRemoteNodeGetCPUStatsArgs;
typedef vbRemoteNodeGetMemoryStatsRet vbRemoteNodeGetCPUStatsRet;

/* 273 CONNECT_LIST_ALL_DOMAINS */
typedef struct {
    int needResults;
    unsigned int flags;
} vbRemoteConnectListAllDomainsArgs;
typedef struct {
    vbRemoteDomain *domains;
    size_t ndomains;
    unsigned int ret;
} vbRemoteConnectListAllDomainsRet;

/* 37 CONNECT_LIST_DOMAINS */
typedef struct {
    int maxids;
} vbRemoteConnectListDomainsArgs;
typedef struct {
    int *ids;
    size_t nids;
} vbRemoteConnectListDomainsRet;

/* 21 CONNECT_LIST_DEFINED_DOMAINS */
typedef struct {
    int maxnames;
} vbRemoteConnectListDefinedDomainsArgs;
typedef struct {
    char **names;
    size_t nnames;
} vbRemoteConnectListDefinedDomainsRet;

/* 22, 23, 24 DOMAIN_LOOKUP_BY_ID / _NAME / _UUID */
typedef struct {
    int id;
} vbRemoteDomainLookupByIDArgs;
typedef struct {
    char *name;
} vbRemoteDomainLookupByNameArgs;
typedef struct {
    unsigned char uuid[VB_UUID_BUFLEN];
} vbRemoteDomainLookupByUUIDArgs;
typedef vbRemoteDomainRet vbRemoteDomainLookupRet;

/* 16 DOMAIN_GET_INFO */
typedef vbRemoteDomainArgs vbRemoteDomainGetInfoArgs;
typedef struct {
    uint8_t state;      /* unsigned char: 4 bytes on the wire */
    uint64_t maxMem;    /* KiB */
    uint64_t memory;    /* KiB */
    uint16_t nrVirtCpu; /* unsigned short: 4 bytes on the wire */
    uint64_t cpuTime;   /* ns */
} vbRemoteDomainGetInfoRet;

/* 212 DOMAIN_GET_STATE */
typedef vbRemoteDomainFlagsArgs vbRemoteDomainGetStateArgs;
typedef struct {
    int state;
    int reason;
} vbRemoteDomainGetStateRet;

/* 14 DOMAIN_GET_XML_DESC */
typedef vbRemoteDomainFlagsArgs vbRemoteDomainGetXMLDescArgs;

/* 426 DOMAIN_GET_MESSAGES */
typedef vbRemoteDomainFlagsArgs vbRemoteDomainGetMessagesArgs;
typedef struct {
    char **msgs;
    size_t nmsgs;
} vbRemoteDomainGetMessagesRet;

/* 11 DOMAIN_DEFINE_XML: args {xml} (flags unused, 0), ret dom;
 * 350 DOMAIN_DEFINE_XML_FLAGS: {xml, flags}, ret dom;
 * 10 DOMAIN_CREATE_XML: {xml_desc, flags}, ret dom */
typedef vbRemoteXMLFlagsArgs vbRemoteDomainDefineXMLArgs;
typedef vbRemoteXMLFlagsArgs vbRemoteDomainDefineXMLFlagsArgs;
typedef vbRemoteXMLFlagsArgs vbRemoteDomainCreateXMLArgs;

/* 9 CREATE, 12 DESTROY, 33 SHUTDOWN, 34 SUSPEND, 28 RESUME, 35 UNDEFINE:
 * {dom}; 196 CREATE_WITH_FLAGS (ret dom), 234 DESTROY_FLAGS,
 * 258 SHUTDOWN_FLAGS, 231 UNDEFINE_FLAGS, 183, 150/151, 15: {dom[, flags]} */

/* 290 DOMAIN_BLOCK_COMMIT */
typedef struct {
    vbRemoteDomain dom;
    char *disk;
    char *base; /* NULL: not given */
    char *top;  /* NULL: not given */
    uint64_t bandwidth;
    unsigned int flags;
} vbRemoteDomainBlockCommitArgs;

/* 237 DOMAIN_BLOCK_JOB_ABORT, 238 DOMAIN_GET_BLOCK_JOB_INFO */
typedef struct {
    vbRemoteDomain dom;
    char *path;
    unsigned int flags;
} vbRemoteDomainBlockPathArgs;
typedef vbRemoteDomainBlockPathArgs vbRemoteDomainBlockJobAbortArgs;
typedef vbRemoteDomainBlockPathArgs vbRemoteDomainGetBlockJobInfoArgs;
typedef struct {
    int found;
    int type;
    uint64_t bandwidth;
    uint64_t cur;
    uint64_t end;
} vbRemoteDomainGetBlockJobInfoRet;

/* 239 DOMAIN_BLOCK_JOB_SET_SPEED, 240 DOMAIN_BLOCK_PULL */
typedef struct {
    vbRemoteDomain dom;
    char *path;
    uint64_t bandwidth;
    unsigned int flags;
} vbRemoteDomainBlockBandwidthArgs;
typedef vbRemoteDomainBlockBandwidthArgs vbRemoteDomainBlockJobSetSpeedArgs;
typedef vbRemoteDomainBlockBandwidthArgs vbRemoteDomainBlockPullArgs;

/* 266 DOMAIN_BLOCK_REBASE */
typedef struct {
    vbRemoteDomain dom;
    char *path;
    char *base; /* NULL: not given */
    uint64_t bandwidth;
    unsigned int flags;
} vbRemoteDomainBlockRebaseArgs;

/* 185 DOMAIN_SNAPSHOT_CREATE_XML */
typedef struct {
    vbRemoteDomain dom;
    char *xmlDesc;
    unsigned int flags;
} vbRemoteDomainSnapshotCreateXMLArgs;
typedef struct {
    vbRemoteDomainSnapshot snap;
} vbRemoteDomainSnapshotCreateXMLRet;

/* remote_domain_snapshot_list_max */
#define VB_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX 16384

/* 186 GET_XML_DESC, 244 GET_PARENT, 246 NUM_CHILDREN, 271 IS_CURRENT,
 * 272 HAS_METADATA: a snapshot and flags */
typedef struct {
    vbRemoteDomainSnapshot snap;
    unsigned int flags;
} vbRemoteDomainSnapshotFlagsArgs;
/* 188 DOMAIN_SNAPSHOT_LIST_NAMES */
typedef struct {
    vbRemoteDomain dom;
    int maxnames;
    unsigned int flags;
} vbRemoteDomainSnapshotListNamesArgs;
/* 188, 247: the names */
typedef struct {
    char **names;
    size_t nnames;
} vbRemoteDomainSnapshotListNamesRet;
/* 189 DOMAIN_SNAPSHOT_LOOKUP_BY_NAME */
typedef struct {
    vbRemoteDomain dom;
    char *name;
    unsigned int flags;
} vbRemoteDomainSnapshotLookupByNameArgs;
/* 247 DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES */
typedef struct {
    vbRemoteDomainSnapshot snap;
    int maxnames;
    unsigned int flags;
} vbRemoteDomainSnapshotListChildrenNamesArgs;
/* 274 DOMAIN_LIST_ALL_SNAPSHOTS */
typedef struct {
    vbRemoteDomain dom;
    int needResults;
    unsigned int flags;
} vbRemoteDomainListAllSnapshotsArgs;
/* 275 DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN */
typedef struct {
    vbRemoteDomainSnapshot snap;
    int needResults;
    unsigned int flags;
} vbRemoteDomainSnapshotListAllChildrenArgs;
/* 274, 275 */
typedef struct {
    vbRemoteDomainSnapshot *snapshots;
    size_t nsnapshots;
    int ret;
} vbRemoteDomainListAllSnapshotsRet;

/* 201 DOMAIN_OPEN_CONSOLE: the REPLY is void; the console's bytes follow
 * as STREAM packets with the CALL's serial (vbrpcstream.h) */
typedef struct {
    vbRemoteDomain dom;
    char *devName; /* NULL: not given */
    unsigned int flags;
} vbRemoteDomainOpenConsoleArgs;

/* 316 CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY */
typedef struct {
    int eventID;
    vbRemoteDomain *dom; /* NULL: all domains */
} vbRemoteConnectDomainEventCallbackRegisterAnyArgs;
typedef struct {
    int callbackID;
} vbRemoteConnectDomainEventCallbackRegisterAnyRet;

/* 317 CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY */
typedef struct {
    int callbackID;
} vbRemoteConnectDomainEventCallbackDeregisterAnyArgs;

/* 167 / 168 CONNECT_DOMAIN_EVENT_(DE)REGISTER_ANY (legacy) */
typedef struct {
    int eventID;
} vbRemoteConnectDomainEventRegisterAnyArgs;
typedef vbRemoteConnectDomainEventRegisterAnyArgs vbRemoteConnectDomainEventDeregisterAnyArgs;

/* 30 DOMAIN_SET_MAX_MEMORY and 31 DOMAIN_SET_MEMORY: KiB */
typedef struct {
    vbRemoteDomain dom;
    uint64_t memory;
} vbRemoteDomainSetMemoryArgs;

/* 204 DOMAIN_SET_MEMORY_FLAGS */
typedef struct {
    vbRemoteDomain dom;
    uint64_t memory;
    unsigned int flags;
} vbRemoteDomainSetMemoryFlagsArgs;

/* 308 DOMAIN_SET_MEMORY_STATS_PERIOD */
typedef struct {
    vbRemoteDomain dom;
    int period;
    unsigned int flags;
} vbRemoteDomainSetMemoryStatsPeriodArgs;

/* 65 DOMAIN_INTERFACE_STATS: the counters are hyper (signed) on the wire,
 * -1 for one not known; the bytes are those of the same uhyper */
typedef struct {
    vbRemoteDomain dom;
    char *device;
} vbRemoteDomainInterfaceStatsArgs;
typedef struct {
    uint64_t rxBytes;
    uint64_t rxPackets;
    uint64_t rxErrs;
    uint64_t rxDrop;
    uint64_t txBytes;
    uint64_t txPackets;
    uint64_t txErrs;
    uint64_t txDrop;
} vbRemoteDomainInterfaceStatsRet;

/* 159 DOMAIN_MEMORY_STATS */
typedef struct {
    vbRemoteDomain dom;
    unsigned int maxStats;
    unsigned int flags;
} vbRemoteDomainMemoryStatsArgs;
/* remote_domain_memory_stat: a virDomainMemoryStatTags and its value */
typedef struct _vbRemoteMemoryStat vbRemoteMemoryStat;
struct _vbRemoteMemoryStat {
    int tag;
    uint64_t val;
};
typedef struct {
    vbRemoteMemoryStat *stats;
    size_t nstats;
} vbRemoteDomainMemoryStatsRet;

/* 353 DOMAIN_INTERFACE_ADDRESSES */
typedef struct {
    vbRemoteDomain dom;
    unsigned int source;
    unsigned int flags;
} vbRemoteDomainInterfaceAddressesArgs;
/* remote_domain_ip_addr */
typedef struct _vbRemoteDomainIPAddr vbRemoteDomainIPAddr;
struct _vbRemoteDomainIPAddr {
    int type;
    char *addr;
    unsigned int prefix;
};
/* remote_domain_interface: hwaddr NULL when absent */
typedef struct _vbRemoteDomainInterface vbRemoteDomainInterface;
struct _vbRemoteDomainInterface {
    char *name;
    char *hwaddr;
    vbRemoteDomainIPAddr *addrs;
    size_t naddrs;
};
typedef struct {
    vbRemoteDomainInterface *ifaces;
    size_t nifaces;
} vbRemoteDomainInterfaceAddressesRet;

/* Event messages.  The callback forms start with callbackID: the server
 * relies on it to stamp each registration's id into an encoded event. */

/* 107 DOMAIN_EVENT_LIFECYCLE (legacy) */
typedef struct {
    vbRemoteDomain dom;
    int event;
    int detail;
} vbRemoteDomainEventLifecycleMsg;

/* 318 DOMAIN_EVENT_CALLBACK_LIFECYCLE */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    int event;
    int detail;
} vbRemoteDomainEventCallbackLifecycleMsg;

/* 224 DOMAIN_EVENT_CONTROL_ERROR (legacy) */
typedef struct {
    vbRemoteDomain dom;
} vbRemoteDomainEventControlErrorMsg;

/* 325 DOMAIN_EVENT_CALLBACK_CONTROL_ERROR */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
} vbRemoteDomainEventCallbackControlErrorMsg;

/* 276 DOMAIN_EVENT_BALLOON_CHANGE (legacy): actual in KiB */
typedef struct {
    vbRemoteDomain dom;
    uint64_t actual;
} vbRemoteDomainEventBalloonChangeMsg;

/* 331 DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    uint64_t actual;
} vbRemoteDomainEventCallbackBalloonChangeMsg;

/* 171 DOMAIN_EVENT_WATCHDOG (legacy): action is a
 * virDomainEventWatchdogAction */
typedef struct {
    vbRemoteDomain dom;
    int action;
} vbRemoteDomainEventWatchdogMsg;

/* 321 DOMAIN_EVENT_CALLBACK_WATCHDOG */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    int action;
} vbRemoteDomainEventCallbackWatchdogMsg;

/* 172 DOMAIN_EVENT_IO_ERROR (legacy): action is a
 * virDomainEventIOErrorAction */
typedef struct {
    vbRemoteDomain dom;
    char *srcPath;
    char *devAlias;
    int action;
} vbRemoteDomainEventIOErrorMsg;

/* 322 DOMAIN_EVENT_CALLBACK_IO_ERROR */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    char *srcPath;
    char *devAlias;
    int action;
} vbRemoteDomainEventCallbackIOErrorMsg;

/* 195 DOMAIN_EVENT_IO_ERROR_REASON (legacy) */
typedef struct {
    vbRemoteDomain dom;
    char *srcPath;
    char *devAlias;
    int action;
    char *reason;
} vbRemoteDomainEventIOErrorReasonMsg;

/* 324 DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    char *srcPath;
    char *devAlias;
    int action;
    char *reason;
} vbRemoteDomainEventCallbackIOErrorReasonMsg;

/* 241 DOMAIN_EVENT_BLOCK_JOB (legacy): path is the disk's source path */
typedef struct {
    vbRemoteDomain dom;
    char *path;
    int type;
    int status;
} vbRemoteDomainEventBlockJobMsg;

/* 326 DOMAIN_EVENT_CALLBACK_BLOCK_JOB: path is the disk's source path */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    char *path;
    int type;
    int status;
} vbRemoteDomainEventCallbackBlockJobMsg;

/* 268 DOMAIN_EVENT_TRAY_CHANGE (legacy) */
typedef struct {
    vbRemoteDomain dom;
    char *devAlias;
    int reason;
} vbRemoteDomainEventTrayChangeMsg;

/* 328 DOMAIN_EVENT_CALLBACK_TRAY_CHANGE */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    char *devAlias;
    int reason;
} vbRemoteDomainEventCallbackTrayChangeMsg;

/* 339 DOMAIN_EVENT_BLOCK_JOB_2: dst is the disk's target ("vda") */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    char *dst;
    int type;
    int status;
} vbRemoteDomainEventBlockJob2Msg;

/* 335 DOMAIN_FSFREEZE and 336 DOMAIN_FSTHAW */
#define VB_REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX 256
typedef struct {
    vbRemoteDomain dom;
    char **mountpoints;
    size_t nmountpoints;
    unsigned int flags;
} vbRemoteDomainFSFreezeArgs;
typedef struct {
    int filesystems;
} vbRemoteDomainFSFreezeRet;
typedef vbRemoteDomainFSFreezeArgs vbRemoteDomainFSThawArgs;
typedef vbRemoteDomainFSFreezeRet vbRemoteDomainFSThawRet;

/* 337 DOMAIN_GET_TIME: seconds is a signed hyper on the wire */
typedef vbRemoteDomainFlagsArgs vbRemoteDomainGetTimeArgs;
typedef struct {
    uint64_t seconds;
    unsigned int nseconds;
} vbRemoteDomainGetTimeRet;

/* 338 DOMAIN_SET_TIME */
typedef struct {
    vbRemoteDomain dom;
    uint64_t seconds; /* a signed hyper */
    unsigned int nseconds;
    unsigned int flags;
} vbRemoteDomainSetTimeArgs;

/* 348 DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE (no legacy form) */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    int state;
    int reason;
} vbRemoteDomainEventCallbackAgentLifecycleMsg;

/* 311 DOMAIN_EVENT_DEVICE_REMOVED (legacy) */
typedef struct {
    vbRemoteDomain dom;
    char *devAlias;
} vbRemoteDomainEventDeviceMsg;

/* 333 DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED, 354 _DEVICE_ADDED and 367
 * _DEVICE_REMOVAL_FAILED (the last two have no legacy form) */
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    char *devAlias;
} vbRemoteDomainEventCallbackDeviceMsg;
/* 349 DOMAIN_GET_FSINFO */
#define VB_REMOTE_DOMAIN_FSINFO_MAX 256
#define VB_REMOTE_DOMAIN_FSINFO_DISKS_MAX 256
typedef vbRemoteDomainFlagsArgs vbRemoteDomainGetFSInfoArgs;
typedef struct {
    char *mountpoint;
    char *name;
    char *fstype;
    char **devAliases;
    size_t ndevAliases;
} vbRemoteDomainFSInfo;
typedef struct {
    vbRemoteDomainFSInfo *info;
    size_t ninfo;
    unsigned int ret;
} vbRemoteDomainGetFSInfoRet;

/* 357 DOMAIN_SET_USER_PASSWORD */
typedef struct {
    vbRemoteDomain dom;
    char *user;     /* remote_string: NULL if absent */
    char *password; /* remote_string */
    unsigned int flags;
} vbRemoteDomainSetUserPasswordArgs;

/* 418 DOMAIN_GET_GUEST_INFO */
#define VB_REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX 2048
typedef struct {
    vbRemoteDomain dom;
    unsigned int types;
    unsigned int flags;
} vbRemoteDomainGetGuestInfoArgs;
typedef struct {
    vbRemoteTypedParam *params;
    size_t nparams;
} vbRemoteDomainGetGuestInfoRet;

/* 363 DOMAIN_EVENT_CALLBACK_JOB_COMPLETED (no legacy form) */
#define VB_REMOTE_DOMAIN_JOB_STATS_MAX 64
typedef struct {
    int callbackID;
    vbRemoteDomain dom;
    vbRemoteTypedParam *params;
    size_t nparams;
} vbRemoteDomainEventCallbackJobCompletedMsg;

/* 362 CONNECT_EVENT_CONNECTION_CLOSED */
typedef struct {
    int reason;
} vbRemoteConnectEventConnectionClosedMsg;

/* QEMU_PROGRAM 1 DOMAIN_MONITOR_COMMAND and 7 ..._WITH_FILES: the same
 * payloads; the files of the second would travel beside them (we take
 * and give none). */
typedef struct {
    vbRemoteDomain dom;
    char *cmd;
    unsigned int flags; /* virDomainQemuMonitorCommandFlags */
} vbQemuDomainMonitorCommandArgs;
typedef struct {
    char *result;
} vbQemuDomainMonitorCommandRet;
/* QEMU_PROGRAM 3 DOMAIN_AGENT_COMMAND */
typedef struct {
    vbRemoteDomain dom;
    char *cmd;
    int timeout;
    unsigned int flags;
} vbQemuDomainAgentCommandArgs;
typedef struct {
    char *result;
} vbQemuDomainAgentCommandRet;
typedef vbQemuDomainMonitorCommandArgs vbQemuDomainMonitorCommandWithFilesArgs;
typedef vbQemuDomainMonitorCommandRet vbQemuDomainMonitorCommandWithFilesRet;

/* Storage pools and volumes (vbrpcstorage.c).  Shapes by what they carry;
 * each procedure's number names the ones it uses there. */
typedef struct {
    vbRemoteStoragePool pool;
} vbRemoteStoragePoolArgs;
typedef vbRemoteStoragePoolArgs vbRemoteStoragePoolRet;
typedef struct {
    vbRemoteStoragePool pool;
    unsigned int flags;
} vbRemoteStoragePoolFlagsArgs;
typedef struct {
    vbRemoteStoragePool pool;
    int value; /* autostart, maxnames */
} vbRemoteStoragePoolIntArgs;
typedef struct {
    vbRemoteStoragePool pool;
    char *str; /* a volume's name or XML */
    unsigned int flags;
} vbRemoteStoragePoolStringArgs;
typedef struct {
    vbRemoteStoragePool pool;
    int needResults;
    unsigned int flags;
} vbRemoteStoragePoolListAllVolumesArgs;
typedef struct {
    vbRemoteStorageVol vol;
} vbRemoteStorageVolArgs;
typedef vbRemoteStorageVolArgs vbRemoteStorageVolRet;
typedef struct {
    vbRemoteStorageVol vol;
    unsigned int flags;
} vbRemoteStorageVolFlagsArgs;
typedef struct {
    char *str; /* a name, path or key */
} vbRemoteStringArgs;
typedef struct {
    int maxnames;
} vbRemoteMaxNamesArgs;
typedef struct {
    char **names;
    size_t nnames;
} vbRemoteStorageNamesRet;
typedef struct {
    uint8_t state; /* unsigned char: 4 bytes on the wire */
    uint64_t capacity;
    uint64_t allocation;
    uint64_t available;
} vbRemoteStoragePoolGetInfoRet;
typedef struct {
    int type; /* char: 4 bytes on the wire */
    uint64_t capacity;
    uint64_t allocation;
} vbRemoteStorageVolGetInfoRet;
typedef struct {
    vbRemoteStoragePool *pools;
    size_t npools;
    unsigned int ret;
} vbRemoteConnectListAllStoragePoolsRet;
typedef struct {
    vbRemoteStorageVol *vols;
    size_t nvols;
    unsigned int ret;
} vbRemoteStoragePoolListAllVolumesRet;

/* The description of one payload */
typedef struct _vbRemoteType vbRemoteType;

typedef enum {
    VB_REMOTE_PROC_MODIFY = 1 << 0,      /* refused on read-only connections */
    VB_REMOTE_PROC_BEFORE_OPEN = 1 << 1, /* allowed before CONNECT_OPEN */
    VB_REMOTE_PROC_EVENT = 1 << 2,       /* a MESSAGE from the server, never a CALL */
    VB_REMOTE_PROC_CALLBACK = 1 << 3,    /* event for 316 registrations: callbackID first */
} vbRemoteProcFlags;

typedef struct _vbRemoteProc vbRemoteProc;
struct _vbRemoteProc {
    int proc;
    const char *name; /* remote_procedure name without REMOTE_PROC_ */
    const char *api;  /* the public API, as libvirt names it in errors */
    /* CALL payload (or an event's MESSAGE payload) and REPLY payload;
     * NULL for void */
    const vbRemoteType *args;
    const vbRemoteType *ret;
    unsigned int flags; /* vbRemoteProcFlags */
};

/* One RPC program: its procedures sorted by number */
typedef struct _vbRemoteProgram vbRemoteProgram;
struct _vbRemoteProgram {
    uint32_t prog; /* VB_REMOTE_PROGRAM, VB_QEMU_PROGRAM */
    uint32_t vers;
    const char *name; /* "REMOTE", "QEMU" */
    const vbRemoteProc *procs;
    size_t nprocs;
};

/* The program with number @prog and version @vers; NULL if we serve none. */
const vbRemoteProgram *vbRemoteProgramLookup(uint32_t prog, uint32_t vers);
/* Every program we serve (not keepalive, which has no payloads) */
const vbRemoteProgram *vbRemoteProgramList(size_t *nprograms);
/* @program's procedure @proc; NULL for a number we do not know. */
const vbRemoteProc *vbRemoteProgramProcLookup(const vbRemoteProgram *program, int proc);

/* What a procedure number of libvirt's REMOTE_PROGRAM is, whether we
 * serve it or not */
typedef enum {
    VB_REMOTE_PROC_KIND_CALL,  /* a call of a public API */
    VB_REMOTE_PROC_KIND_EVENT, /* a MESSAGE from the server, never a CALL */
    VB_REMOTE_PROC_KIND_AUTH,  /* an authentication step of the daemon's own */
} vbRemoteProcKind;

typedef struct _vbRemoteProcName vbRemoteProcName;
struct _vbRemoteProcName {
    int proc;
    vbRemoteProcKind kind;
    const char *api;    /* the public API the daemon calls; NULL unless a CALL */
    int readOnlyDomain; /* the error domain (virErrorDomain) of the API's refusal of a
                         * read-only connection, made before it looks for the driver;
                         * -1 when it makes none (or only for some arguments) */
};

/* Every procedure of libvirt 9.0's REMOTE_PROGRAM, sorted by number
 * (src/rpc/vbremoteprocs.c, generated by scripts/gen-remote-procs.py) */
extern const vbRemoteProcName vbRemoteProcNames[];
extern const size_t vbRemoteProcNamesCount;

/* @proc of libvirt 9.0's REMOTE_PROGRAM; NULL for a number it does not
 * have (0, or past its last). */
const vbRemoteProcName *vbRemoteProcNameLookup(int proc);

/* REMOTE_PROGRAM's table, sorted by number; NULL for a number we do not
 * know.  Shorthands for the program most callers mean. */
const vbRemoteProc *vbRemoteProcLookup(int proc);
const vbRemoteProc *vbRemoteProcTable(size_t *nprocs);

/* Size of the C struct (0 for void) */
size_t vbRemoteTypeSize(const vbRemoteType *type);
const char *vbRemoteTypeName(const vbRemoteType *type);
/* The largest encoding a payload of @type can have (0 for void); SIZE_MAX
 * when only the packet limit bounds it (arrays). */
size_t vbRemoteTypeMaxEncodedSize(const vbRemoteType *type);

/*
 * Decodes a whole payload of @len bytes into @obj (zeroed, of the type's
 * size); refuses trailing bytes.  On failure @obj holds what was decoded
 * so far: clear it.  A NULL @type (void) accepts only an empty payload.
 */
int vbRemotePayloadDecode(const vbRemoteType *type, const uint8_t *data, size_t len, void *obj);
/* Appends @obj's encoding; -1 with an error if a field breaks its limit. */
int vbRemotePayloadEncode(const vbRemoteType *type, const void *obj, GByteArray *buf);
/* Frees what the fields own and zeroes @obj; NULL @obj does nothing. */
void vbRemotePayloadClear(const vbRemoteType *type, void *obj);
/* A zeroed struct of the type's size (NULL for void) */
void *vbRemotePayloadNew(const vbRemoteType *type);
void vbRemotePayloadFree(const vbRemoteType *type, void *obj);

void vbRemoteDomainClear(vbRemoteDomain *dom);
/* Deep copy of @src into @dst */
void vbRemoteDomainCopy(vbRemoteDomain *dst, const vbRemoteDomain *src);
