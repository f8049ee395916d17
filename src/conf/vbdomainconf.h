/*
 * vbdomainconf.h: the subset of libvirt's domain XML that virtblockd runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Three steps, as in libvirt, kept apart so that a stricter check never
 * makes an existing domain vanish when the daemon reloads it:
 *   parse      shape and types of the document (vbDomainDefParse*)
 *   post-parse defaults: UUID, bus from target name, controllers
 *   validate   policy, run at define/start time only (vbDomainDefValidate)
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbstoragesource.h"

/* Largest document we accept; libvirt's RPC string limit is 4 MiB. */
#define VB_DOMAIN_XML_MAX_LEN (4 * 1024 * 1024)

typedef enum {
    VB_DOMAIN_VIRT_QEMU = 0, /* TCG */
    VB_DOMAIN_VIRT_KVM,

    VB_DOMAIN_VIRT_LAST
} vbDomainVirtType;
VB_ENUM_DECL(vbDomainVirtType);

typedef enum {
    VB_DOMAIN_LIFECYCLE_ACTION_DEFAULT = 0,
    VB_DOMAIN_LIFECYCLE_ACTION_DESTROY,
    VB_DOMAIN_LIFECYCLE_ACTION_RESTART,
    VB_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME,
    VB_DOMAIN_LIFECYCLE_ACTION_PRESERVE,
    VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY,
    VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART,

    VB_DOMAIN_LIFECYCLE_ACTION_LAST
} vbDomainLifecycleAction;
VB_ENUM_DECL(vbDomainLifecycleAction);

typedef enum {
    VB_DOMAIN_DISK_DEVICE_DISK = 0,
    VB_DOMAIN_DISK_DEVICE_CDROM,

    VB_DOMAIN_DISK_DEVICE_LAST
} vbDomainDiskDevice;
VB_ENUM_DECL(vbDomainDiskDevice);

typedef enum {
    VB_DOMAIN_DISK_BUS_NONE = 0,
    VB_DOMAIN_DISK_BUS_VIRTIO,
    VB_DOMAIN_DISK_BUS_SATA,
    VB_DOMAIN_DISK_BUS_SCSI,

    VB_DOMAIN_DISK_BUS_LAST
} vbDomainDiskBus;
VB_ENUM_DECL(vbDomainDiskBus);

typedef enum {
    VB_DOMAIN_DISK_CACHE_DEFAULT = 0,
    VB_DOMAIN_DISK_CACHE_NONE,
    VB_DOMAIN_DISK_CACHE_WRITETHRU,
    VB_DOMAIN_DISK_CACHE_WRITEBACK,
    VB_DOMAIN_DISK_CACHE_DIRECTSYNC,
    VB_DOMAIN_DISK_CACHE_UNSAFE,

    VB_DOMAIN_DISK_CACHE_LAST
} vbDomainDiskCache;
VB_ENUM_DECL(vbDomainDiskCache);

typedef enum {
    VB_DOMAIN_DISK_DISCARD_DEFAULT = 0,
    VB_DOMAIN_DISK_DISCARD_UNMAP,
    VB_DOMAIN_DISK_DISCARD_IGNORE,

    VB_DOMAIN_DISK_DISCARD_LAST
} vbDomainDiskDiscard;
VB_ENUM_DECL(vbDomainDiskDiscard);

typedef enum {
    VB_DOMAIN_DISK_IO_DEFAULT = 0,
    VB_DOMAIN_DISK_IO_NATIVE,
    VB_DOMAIN_DISK_IO_THREADS,
    VB_DOMAIN_DISK_IO_URING,

    VB_DOMAIN_DISK_IO_LAST
} vbDomainDiskIo;
VB_ENUM_DECL(vbDomainDiskIo);

/* <mirror job='...'>: libvirt's virDomainBlockJobType names */
typedef enum {
    VB_DOMAIN_DISK_MIRROR_JOB_NONE = 0,
    VB_DOMAIN_DISK_MIRROR_JOB_COPY,
    VB_DOMAIN_DISK_MIRROR_JOB_ACTIVE_COMMIT,

    VB_DOMAIN_DISK_MIRROR_JOB_LAST
} vbDomainDiskMirrorJob;
VB_ENUM_DECL(vbDomainDiskMirrorJob);

/* <mirror ready='...'>: absent, yes, abort, pivot */
typedef enum {
    VB_DOMAIN_DISK_MIRROR_STATE_NONE = 0,
    VB_DOMAIN_DISK_MIRROR_STATE_READY,
    VB_DOMAIN_DISK_MIRROR_STATE_ABORT,
    VB_DOMAIN_DISK_MIRROR_STATE_PIVOT,

    VB_DOMAIN_DISK_MIRROR_STATE_LAST
} vbDomainDiskMirrorState;
VB_ENUM_DECL(vbDomainDiskMirrorState);

typedef enum {
    VB_DOMAIN_DEVICE_ADDRESS_NONE = 0,
    VB_DOMAIN_DEVICE_ADDRESS_PCI,
    VB_DOMAIN_DEVICE_ADDRESS_DRIVE,

    VB_DOMAIN_DEVICE_ADDRESS_LAST
} vbDomainDeviceAddressType;
VB_ENUM_DECL(vbDomainDeviceAddressType);

typedef struct _vbDomainDeviceAddress vbDomainDeviceAddress;
struct _vbDomainDeviceAddress {
    vbDomainDeviceAddressType type;
    union {
        struct {
            unsigned int domain;
            unsigned int bus;
            unsigned int slot;
            unsigned int function;
        } pci;
        struct {
            unsigned int controller;
            unsigned int bus;
            unsigned int target;
            unsigned int unit;
        } drive;
    };
};

/* What every device has, wherever it sits in the definition (libvirt's
 * virDomainDeviceInfo): parsed and formatted once, in vbdomaindeviceconf.c,
 * and visited for all devices by vbDomainDeviceInfoIterate. */
typedef struct _vbDomainDeviceInfo vbDomainDeviceInfo;
struct _vbDomainDeviceInfo {
    /* <alias name>, also the QEMU device id: assigned at start (runtime),
     * or a user's 'ua-' alias, which is part of the persistent definition */
    char *alias;
    vbDomainDeviceAddress addr;
    unsigned int bootIndex; /* <boot order>, 0 = none */
};

typedef struct _vbDomainDiskDef vbDomainDiskDef;
struct _vbDomainDiskDef {
    vbDomainDiskDevice device;
    /* The active image, heading its backing chain.  Never NULL after
     * parsing; an empty cdrom has a source of type NONE. */
    vbStorageSource *src;

    char *dst; /* <target dev> */
    vbDomainDiskBus bus;

    vbDomainDiskCache cache;
    vbDomainDiskDiscard discard;
    vbDomainDiskIo io;

    char *serial;
    vbDomainDeviceInfo info;

    /* Runtime, while a block job owns a second chain (active commit: base).
     * Owned by the disk: for an active commit a copy of the base element
     * (same path and index), not a pointer into the chain. */
    vbStorageSource *mirror;
    vbDomainDiskMirrorJob mirrorJob;
    vbDomainDiskMirrorState mirrorState;
};

typedef enum {
    VB_DOMAIN_CONTROLLER_TYPE_PCI = 0,
    VB_DOMAIN_CONTROLLER_TYPE_SATA,
    VB_DOMAIN_CONTROLLER_TYPE_SCSI,

    VB_DOMAIN_CONTROLLER_TYPE_LAST
} vbDomainControllerType;
VB_ENUM_DECL(vbDomainControllerType);

typedef enum {
    VB_DOMAIN_CONTROLLER_MODEL_DEFAULT = 0,
    VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT,
    VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT,
    VB_DOMAIN_CONTROLLER_MODEL_VIRTIO_SCSI,

    VB_DOMAIN_CONTROLLER_MODEL_LAST
} vbDomainControllerModel;
VB_ENUM_DECL(vbDomainControllerModel);

typedef struct _vbDomainControllerDef vbDomainControllerDef;
struct _vbDomainControllerDef {
    vbDomainControllerType type;
    unsigned int index;
    vbDomainControllerModel model;
    vbDomainDeviceInfo info;
};

/* <serial type='pty'> and <console type='pty'> */
typedef struct _vbDomainChrDef vbDomainChrDef;
struct _vbDomainChrDef {
    bool console;      /* <console> rather than <serial> */
    unsigned int port; /* <target port> */
    char *ptyPath;     /* runtime: <source path='/dev/pts/N'/> */
    vbDomainDeviceInfo info;
};

typedef enum {
    VB_DOMAIN_MEMBALLOON_MODEL_VIRTIO = 0,
    VB_DOMAIN_MEMBALLOON_MODEL_NONE,

    VB_DOMAIN_MEMBALLOON_MODEL_LAST
} vbDomainMemballoonModel;
VB_ENUM_DECL(vbDomainMemballoonModel);

/* <memballoon model='none'/>: the only model we run */
typedef struct _vbDomainMemballoonDef vbDomainMemballoonDef;
struct _vbDomainMemballoonDef {
    vbDomainMemballoonModel model;
    vbDomainDeviceInfo info;
};

/* A device of any kind (libvirt's virDomainDeviceDef): the type says which
 * member of @data points into the definition's own lists. */
typedef enum {
    VB_DOMAIN_DEVICE_NONE = 0,
    VB_DOMAIN_DEVICE_DISK,
    VB_DOMAIN_DEVICE_CONTROLLER,
    VB_DOMAIN_DEVICE_CHR,
    VB_DOMAIN_DEVICE_MEMBALLOON,

    VB_DOMAIN_DEVICE_LAST
} vbDomainDeviceType;
VB_ENUM_DECL(vbDomainDeviceType);

typedef struct _vbDomainDeviceDef vbDomainDeviceDef;
struct _vbDomainDeviceDef {
    vbDomainDeviceType type;
    union {
        vbDomainDiskDef *disk;
        vbDomainControllerDef *controller;
        vbDomainChrDef *chr;
        vbDomainMemballoonDef *memballoon;
    } data;
};

typedef struct _vbDomainDef vbDomainDef;
struct _vbDomainDef {
    vbDomainVirtType virtType;
    int id; /* runtime: <domain id='N'> while running, -1 otherwise */
    char *name;
    unsigned char uuid[16];
    char *title;
    char *description;
    char *metadata; /* the <metadata> element kept verbatim, serialized */

    unsigned long long maxMemory;     /* KiB, <memory> */
    unsigned long long currentMemory; /* KiB, <currentMemory> */
    unsigned int vcpus;

    char *osType; /* "hvm" */
    char *arch;   /* "x86_64" */
    char *machine;
    char **bootDevs; /* <os><boot dev='hd'/>..., NULL-terminated, may be NULL */

    bool acpi;     /* <features><acpi/> */
    bool apic;     /* <features><apic/> */
    bool clockUtc; /* <clock offset='utc'/>, the only clock we accept */

    vbDomainLifecycleAction onPoweroff;
    vbDomainLifecycleAction onReboot;
    vbDomainLifecycleAction onCrash;

    char *emulator;

    vbDomainDiskDef **disks;
    size_t ndisks;
    vbDomainControllerDef **controllers;
    size_t ncontrollers;
    vbDomainChrDef **chrs;
    size_t nchrs;
    vbDomainMemballoonDef *memballoon; /* set by post-parse when absent */
};

typedef enum {
    /* Runtime data (indexes, the daemon's aliases, <mirror>, pty paths,
     * the domain id) is not read; user aliases ('ua-...') are. */
    VB_DOMAIN_DEF_PARSE_INACTIVE = 1 << 0,
    /* Also read what only the status file holds (node names, relPath). */
    VB_DOMAIN_DEF_PARSE_STATUS = 1 << 1,
    /* Check the document against libvirt's installed RelaxNG schema
     * (ParseString and ParseFile; ParseNode ignores it). */
    VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA = 1 << 2,
} vbDomainDefParseFlags;

typedef enum {
    /* The persistent definition: no runtime data. */
    VB_DOMAIN_DEF_FORMAT_INACTIVE = 1 << 0,
    /* Everything, including what only the status file holds. */
    VB_DOMAIN_DEF_FORMAT_STATUS = 1 << 1,
} vbDomainDefFormatFlags;

vbDomainDef *vbDomainDefNew(void);
void vbDomainDefFree(vbDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainDef, vbDomainDefFree);

vbDomainDiskDef *vbDomainDiskDefNew(void);
void vbDomainDiskDefFree(vbDomainDiskDef *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainDiskDef, vbDomainDiskDefFree);

/* Parse, then post-parse.  Validation is separate (vbDomainDefValidate).
 * Errors: VIR_ERR_XML_ERROR for a malformed document (with the line),
 * VIR_ERR_CONFIG_UNSUPPORTED naming an element, attribute or value we
 * cannot run, VIR_ERR_XML_ERROR naming attribute and value for bad values
 * (VIR_ERR_XML_DETAIL for control characters in a name, as libvirt). */
vbDomainDef *vbDomainDefParseString(const char *xml, unsigned int flags);
vbDomainDef *vbDomainDefParseFile(const char *path, unsigned int flags);
/* Parses the <domain> element @node of an already parsed document (the
 * status file embeds the definition). */
vbDomainDef *vbDomainDefParseNode(void *xmlDocPtr, void *xmlNodePtr, unsigned int flags);

/* The defaults of the post-parse step, for a definition built in code:
 * UUID, disk bus from the target name, implied controllers, drive
 * addresses, memory and lifecycle defaults.  Deterministic; reports an
 * error for what cannot be defaulted (e.g. an 'hd' target: bus 'ide'). */
int vbDomainDefPostParse(vbDomainDef *def, unsigned int parseFlags);

/* Machine type families: 'q35' / 'pc-q35-*', and 'pc' / 'pc-i440fx-*'. */
bool vbDomainDefHasQ35Machine(const vbDomainDef *def);
bool vbDomainDefHasI440FXMachine(const vbDomainDef *def);

/* Policy checks at define/start time. */
int vbDomainDefValidate(const vbDomainDef *def);

/* Formatted document, two-space indented like libvirt's output. */
char *vbDomainDefFormat(const vbDomainDef *def, unsigned int flags);
/* Appends the <domain> element at @indent to @buf (the status file). */
int vbDomainDefFormatBuf(GString *buf, const vbDomainDef *def, unsigned int flags,
                         unsigned int indent);

/* Deep copy through the formatter and parser.  @flags are format flags:
 * 0 keeps everything (the copy goes through the status form), INACTIVE
 * keeps only the persistent definition. */
vbDomainDef *vbDomainDefCopy(const vbDomainDef *def, unsigned int flags);

/* A user's alias ('ua-' prefix, as libvirt): part of the persistent
 * definition, unlike the aliases the daemon assigns at start. */
bool vbDomainAliasIsUser(const char *alias);

/* Frees what @info owns and zeroes it. */
void vbDomainDeviceInfoClear(vbDomainDeviceInfo *info);

void vbDomainMemballoonDefFree(vbDomainMemballoonDef *balloon);

/* The device info of @dev; NULL for VB_DOMAIN_DEVICE_NONE. */
vbDomainDeviceInfo *vbDomainDeviceGetInfo(const vbDomainDeviceDef *dev);

/* Called for each device of a definition; a return below 0 stops the walk
 * and is what vbDomainDeviceInfoIterate returns. */
typedef int (*vbDomainDeviceInfoCallback)(vbDomainDef *def, vbDomainDeviceDef *dev,
                                          vbDomainDeviceInfo *info, void *opaque);

/**
 * vbDomainDeviceInfoIterate:
 * Calls @cb for every device of @def, in a fixed order: disks,
 * controllers, serials and consoles, the memballoon; each kind in the
 * order of the definition.  Returns 0, or the first negative value @cb
 * returned.  @cb may change the device info, not the lists.
 */
int vbDomainDeviceInfoIterate(vbDomainDef *def, vbDomainDeviceInfoCallback cb, void *opaque);

/* Disk by <target dev>, or by the active image's path when @name starts
 * with '/' (libvirt's virDomainDiskByName).  NULL, reporting nothing. */
vbDomainDiskDef *vbDomainDiskByName(const vbDomainDef *def, const char *name);
