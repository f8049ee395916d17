/*
 * vbdomaindeviceconf.h: what every device of a domain has, and a handle on
 * a device of any kind
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each device family declares its own struct in its own header
 * (vbdomaindiskconf.h, ...), embedding a vbDomainDeviceInfo; this header
 * is what they share.  Include vbdomainconf.h rather than this file.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"

typedef enum {
    VB_DOMAIN_DEVICE_ADDRESS_NONE = 0,
    VB_DOMAIN_DEVICE_ADDRESS_PCI,
    VB_DOMAIN_DEVICE_ADDRESS_DRIVE,
    VB_DOMAIN_DEVICE_ADDRESS_USB,
    VB_DOMAIN_DEVICE_ADDRESS_ISA,
    VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL,

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
            vbTristateSwitch multi; /* multifunction='on|off' */
        } pci;
        struct {
            unsigned int controller;
            unsigned int bus;
            unsigned int target;
            unsigned int unit;
        } drive;
        struct {
            unsigned int bus;
            unsigned int port; /* a port of the root hub; no hubs behind it */
        } usb;
        struct {
            unsigned int iobase; /* 0 = QEMU's default port */
            unsigned int irq;
        } isa;
        struct {
            unsigned int controller;
            unsigned int bus;
            unsigned int port;
        } vioserial;
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

/* Frees what @info owns and zeroes it. */
void vbDomainDeviceInfoClear(vbDomainDeviceInfo *info);

/* A user's alias ('ua-' prefix, as libvirt): part of the persistent
 * definition, unlike the aliases the daemon assigns at start. */
bool vbDomainAliasIsUser(const char *alias);

/* The families' structs, declared in their own headers. */
typedef struct _vbDomainDef vbDomainDef;
typedef struct _vbDomainDiskDef vbDomainDiskDef;
typedef struct _vbDomainControllerDef vbDomainControllerDef;
typedef struct _vbDomainNetDef vbDomainNetDef;
typedef struct _vbDomainInputDef vbDomainInputDef;
typedef struct _vbDomainGraphicsDef vbDomainGraphicsDef;
typedef struct _vbDomainAudioDef vbDomainAudioDef;
typedef struct _vbDomainVideoDef vbDomainVideoDef;
typedef struct _vbDomainChrDef vbDomainChrDef;
typedef struct _vbDomainWatchdogDef vbDomainWatchdogDef;
typedef struct _vbDomainMemballoonDef vbDomainMemballoonDef;
typedef struct _vbDomainRNGDef vbDomainRNGDef;
typedef struct _vbDomainPanicDef vbDomainPanicDef;

/* A device of any kind (libvirt's virDomainDeviceDef): the type says which
 * member of @data is set.  A handle from vbDomainDeviceInfoIterate points
 * into the definition; one from vbDomainDeviceDefParse owns its device. */
typedef enum {
    VB_DOMAIN_DEVICE_NONE = 0,
    VB_DOMAIN_DEVICE_DISK,
    VB_DOMAIN_DEVICE_CONTROLLER,
    VB_DOMAIN_DEVICE_INPUT,
    VB_DOMAIN_DEVICE_GRAPHICS,
    VB_DOMAIN_DEVICE_AUDIO,
    VB_DOMAIN_DEVICE_VIDEO,
    VB_DOMAIN_DEVICE_CHR,
    VB_DOMAIN_DEVICE_MEMBALLOON,
    VB_DOMAIN_DEVICE_WATCHDOG,
    VB_DOMAIN_DEVICE_RNG,
    VB_DOMAIN_DEVICE_PANIC,
    VB_DOMAIN_DEVICE_NET,

    VB_DOMAIN_DEVICE_LAST
} vbDomainDeviceType;
VB_ENUM_DECL(vbDomainDeviceType);

typedef struct _vbDomainDeviceDef vbDomainDeviceDef;
struct _vbDomainDeviceDef {
    vbDomainDeviceType type;
    union {
        vbDomainDiskDef *disk;
        vbDomainControllerDef *controller;
        vbDomainInputDef *input;
        vbDomainGraphicsDef *graphics;
        vbDomainAudioDef *audio;
        vbDomainVideoDef *video;
        vbDomainChrDef *chr;
        vbDomainMemballoonDef *memballoon;
        vbDomainWatchdogDef *watchdog;
        vbDomainRNGDef *rng;
        vbDomainPanicDef *panic;
        vbDomainNetDef *net;
        void *ptr; /* any of them, for the device table's generic code */
    } data;
};

/* Frees the device @dev owns and leaves @dev empty (type NONE): for a
 * handle on the stack, g_auto(vbDomainDeviceDef). */
void vbDomainDeviceDefClear(vbDomainDeviceDef *dev);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vbDomainDeviceDef, vbDomainDeviceDefClear);
/* Frees the device @dev owns, and @dev. */
void vbDomainDeviceDefFree(vbDomainDeviceDef *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainDeviceDef, vbDomainDeviceDefFree);

/**
 * vbDomainDeviceDefParse:
 * Parses one device element (<disk>, <controller>, ...: what <devices>
 * holds, but <emulator>), as the domain parser does, for hotplug; no
 * post-parse defaults are applied.  @flags: VB_DOMAIN_DEF_PARSE_INACTIVE,
 * VB_DOMAIN_DEF_PARSE_STATUS.  Returns a handle owning the device, or NULL
 * with an error reported (VIR_ERR_CONFIG_UNSUPPORTED for an element that
 * is no device we know).
 */
vbDomainDeviceDef *vbDomainDeviceDefParse(const char *xml, unsigned int flags);

/**
 * vbDomainDefAddDevice:
 * Appends the device of @dev to @def's list of its kind, taking it over
 * (@dev is left empty, of type NONE).  Returns 0, or -1 with
 * VIR_ERR_CONFIG_UNSUPPORTED when @def already has the one device of a
 * kind it can have only one of (the watchdog, the memballoon).
 */
int vbDomainDefAddDevice(vbDomainDef *def, vbDomainDeviceDef *dev);

/* The device info of @dev; NULL for VB_DOMAIN_DEVICE_NONE. */
vbDomainDeviceInfo *vbDomainDeviceGetInfo(const vbDomainDeviceDef *dev);

/* Called for each device of a definition; a return below 0 stops the walk
 * and is what vbDomainDeviceInfoIterate returns. */
typedef int (*vbDomainDeviceInfoCallback)(vbDomainDef *def, vbDomainDeviceDef *dev,
                                          vbDomainDeviceInfo *info, void *opaque);

/**
 * vbDomainDeviceInfoIterate:
 * Calls @cb for every device of @def, in a fixed order: disks,
 * controllers, interfaces, serials and consoles, channels, inputs, graphics, audio
 * backends, videos, the watchdog, the memballoon, rngs, panics; each kind
 * in the order of the definition.  Returns 0, or the first negative value
 * @cb returned.  @cb may change the device info, not the lists.
 */
int vbDomainDeviceInfoIterate(vbDomainDef *def, vbDomainDeviceInfoCallback cb, void *opaque);
