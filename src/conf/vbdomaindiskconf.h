/*
 * vbdomaindiskconf.h: a <disk>, heading its backing chain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbenum.h"
#include "vbstoragesource.h"
#include "vbdomaindeviceconf.h"

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
    VB_DOMAIN_DISK_BUS_USB,

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

/* <driver detect_zeroes>: libvirt's names */
typedef enum {
    VB_DOMAIN_DISK_DETECT_ZEROES_DEFAULT = 0,
    VB_DOMAIN_DISK_DETECT_ZEROES_OFF,
    VB_DOMAIN_DISK_DETECT_ZEROES_ON,
    VB_DOMAIN_DISK_DETECT_ZEROES_UNMAP,

    VB_DOMAIN_DISK_DETECT_ZEROES_LAST
} vbDomainDiskDetectZeroes;
VB_ENUM_DECL(vbDomainDiskDetectZeroes);

/* <driver copy_on_read>: on or off (libvirt's virTristateSwitch) */
typedef enum {
    VB_DOMAIN_DISK_COPY_ON_READ_DEFAULT = 0,
    VB_DOMAIN_DISK_COPY_ON_READ_ON,
    VB_DOMAIN_DISK_COPY_ON_READ_OFF,

    VB_DOMAIN_DISK_COPY_ON_READ_LAST
} vbDomainDiskCopyOnRead;
VB_ENUM_DECL(vbDomainDiskCopyOnRead);

/* <driver error_policy|rerror_policy>: libvirt's names ('enospace' is for
 * writes only) */
typedef enum {
    VB_DOMAIN_DISK_ERROR_POLICY_DEFAULT = 0,
    VB_DOMAIN_DISK_ERROR_POLICY_STOP,
    VB_DOMAIN_DISK_ERROR_POLICY_REPORT,
    VB_DOMAIN_DISK_ERROR_POLICY_IGNORE,
    VB_DOMAIN_DISK_ERROR_POLICY_ENOSPACE,

    VB_DOMAIN_DISK_ERROR_POLICY_LAST
} vbDomainDiskErrorPolicy;
VB_ENUM_DECL(vbDomainDiskErrorPolicy);

/* <disk snapshot>: where a snapshot of the domain puts this disk's state;
 * libvirt's virDomainSnapshotLocation without 'manual', which we refuse */
typedef enum {
    VB_DOMAIN_DISK_SNAPSHOT_DEFAULT = 0,
    VB_DOMAIN_DISK_SNAPSHOT_NO,
    VB_DOMAIN_DISK_SNAPSHOT_INTERNAL,
    VB_DOMAIN_DISK_SNAPSHOT_EXTERNAL,

    VB_DOMAIN_DISK_SNAPSHOT_LAST
} vbDomainDiskSnapshot;
VB_ENUM_DECL(vbDomainDiskSnapshot);

/* <source startupPolicy>: what a start does when the source file is missing */
typedef enum {
    VB_DOMAIN_STARTUP_POLICY_DEFAULT = 0,
    VB_DOMAIN_STARTUP_POLICY_MANDATORY,
    VB_DOMAIN_STARTUP_POLICY_REQUISITE,
    VB_DOMAIN_STARTUP_POLICY_OPTIONAL,

    VB_DOMAIN_STARTUP_POLICY_LAST
} vbDomainStartupPolicy;
VB_ENUM_DECL(vbDomainStartupPolicy);

/* The limits of <iotune>, in libvirt's order of the elements (group_name
 * sits between SIZE_IOPS_SEC and the _max_length ones); the enum's names
 * are the element names. */
typedef enum {
    VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC = 0,
    VB_DOMAIN_IOTUNE_READ_BYTES_SEC,
    VB_DOMAIN_IOTUNE_WRITE_BYTES_SEC,
    VB_DOMAIN_IOTUNE_TOTAL_IOPS_SEC,
    VB_DOMAIN_IOTUNE_READ_IOPS_SEC,
    VB_DOMAIN_IOTUNE_WRITE_IOPS_SEC,
    VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC_MAX,
    VB_DOMAIN_IOTUNE_READ_BYTES_SEC_MAX,
    VB_DOMAIN_IOTUNE_WRITE_BYTES_SEC_MAX,
    VB_DOMAIN_IOTUNE_TOTAL_IOPS_SEC_MAX,
    VB_DOMAIN_IOTUNE_READ_IOPS_SEC_MAX,
    VB_DOMAIN_IOTUNE_WRITE_IOPS_SEC_MAX,
    VB_DOMAIN_IOTUNE_SIZE_IOPS_SEC,
    VB_DOMAIN_IOTUNE_TOTAL_BYTES_SEC_MAX_LENGTH,
    VB_DOMAIN_IOTUNE_READ_BYTES_SEC_MAX_LENGTH,
    VB_DOMAIN_IOTUNE_WRITE_BYTES_SEC_MAX_LENGTH,
    VB_DOMAIN_IOTUNE_TOTAL_IOPS_SEC_MAX_LENGTH,
    VB_DOMAIN_IOTUNE_READ_IOPS_SEC_MAX_LENGTH,
    VB_DOMAIN_IOTUNE_WRITE_IOPS_SEC_MAX_LENGTH,

    VB_DOMAIN_IOTUNE_LAST
} vbDomainIoTuneField;
VB_ENUM_DECL(vbDomainIoTuneField);

/* libvirt's virDomainBlockIoTuneInfo: 0 is "no limit" */
typedef struct {
    unsigned long long limits[VB_DOMAIN_IOTUNE_LAST];
    char *groupName;
} vbDomainIoTune;

/* Whether any limit is set (a group name alone sets none). */
bool vbDomainIoTuneHasAny(const vbDomainIoTune *iotune);
/* Same limits and group name. */
bool vbDomainIoTuneEqual(const vbDomainIoTune *a, const vbDomainIoTune *b);

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

struct _vbDomainDiskDef {
    vbDomainDiskDevice device;
    /* The active image, heading its backing chain.  Never NULL after
     * parsing; an empty cdrom has a source of type NONE. */
    vbStorageSource *src;

    char *dst; /* <target dev> */
    vbDomainDiskBus bus;
    vbTristateSwitch removable; /* <target removable>: usb disks only */

    vbDomainDiskCache cache;
    vbDomainDiskDiscard discard;
    vbDomainDiskIo io;
    vbDomainDiskDetectZeroes detectZeroes;
    vbDomainDiskCopyOnRead copyOnRead;
    vbDomainDiskErrorPolicy errorPolicy;  /* write errors (QEMU's werror) */
    vbDomainDiskErrorPolicy rerrorPolicy; /* read errors (rerror); never ENOSPACE */
    unsigned int iothread;                /* <driver iothread>: 0 for none */
    vbDomainDiskSnapshot snapshot;
    vbDomainStartupPolicy startupPolicy;

    vbDomainIoTune iotune;
    /* Runtime: the tray of a cdrom is open (QEMU's DEVICE_TRAY_MOVED);
     * <target tray='open'> in the live XML, as libvirt writes it. */
    bool trayOpen;
    char *serial;
    char *wwn;
    vbDomainDeviceInfo info;

    /* Runtime, while a block job owns a second chain (active commit: base).
     * Owned by the disk: for an active commit a copy of the base element
     * (same path and index), not a pointer into the chain. */
    vbStorageSource *mirror;
    vbDomainDiskMirrorJob mirrorJob;
    vbDomainDiskMirrorState mirrorState;
};

vbDomainDiskDef *vbDomainDiskDefNew(void);
void vbDomainDiskDefFree(vbDomainDiskDef *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainDiskDef, vbDomainDiskDefFree);

/* The disk's own defaults (vbDomainDefPostParse calls it): the bus from
 * the target's name, raw for a source of no format, a cdrom read-only.
 * Reports an error for a target whose bus we cannot run. */
int vbDomainDiskDefPostParse(vbDomainDiskDef *disk);

/* Policy checks of the disk alone (and against the domain's settings it
 * depends on), at define/start time; vbDomainDefValidate calls it. */
int vbDomainDiskDefValidate(const vbDomainDef *def, const vbDomainDiskDef *disk);
