/*
 * vbdomainosconf.h: the boot and firmware settings of <os>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * <os> holds the machine (<type>, read in vbdomainconf.c), direct kernel
 * boot (<kernel>, <initrd>, <cmdline>, vbdomainconf.c) and what this file
 * reads: the boot order (<boot dev>), <bootmenu>, <bios rebootTimeout>,
 * <smbios mode>, the firmware (<loader>, <nvram>) and its automatic choice
 * (<os firmware='efi'> with <firmware><feature/></firmware>).
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbbuf.h"
#include "vbenum.h"

/* libvirt's virDomainBootOrder, in its order */
typedef enum {
    VB_DOMAIN_BOOT_FLOPPY = 0,
    VB_DOMAIN_BOOT_CDROM,
    VB_DOMAIN_BOOT_DISK,
    VB_DOMAIN_BOOT_NET,

    VB_DOMAIN_BOOT_LAST
} vbDomainBootDev;
VB_ENUM_DECL(vbDomainBootDev);

typedef enum {
    VB_DOMAIN_SMBIOS_NONE = 0,
    VB_DOMAIN_SMBIOS_EMULATE,
    VB_DOMAIN_SMBIOS_HOST,
    VB_DOMAIN_SMBIOS_SYSINFO,

    VB_DOMAIN_SMBIOS_LAST
} vbDomainSmbiosMode;
VB_ENUM_DECL(vbDomainSmbiosMode);

typedef enum {
    VB_DOMAIN_LOADER_TYPE_NONE = 0,
    VB_DOMAIN_LOADER_TYPE_ROM,
    VB_DOMAIN_LOADER_TYPE_PFLASH,

    VB_DOMAIN_LOADER_TYPE_LAST
} vbDomainLoaderType;
VB_ENUM_DECL(vbDomainLoaderType);

typedef enum {
    VB_DOMAIN_OS_FIRMWARE_NONE = 0,
    VB_DOMAIN_OS_FIRMWARE_BIOS,
    VB_DOMAIN_OS_FIRMWARE_EFI,

    VB_DOMAIN_OS_FIRMWARE_LAST
} vbDomainOSFirmware;
VB_ENUM_DECL(vbDomainOSFirmware);

typedef enum {
    VB_DOMAIN_OS_FIRMWARE_FEATURE_ENROLLED_KEYS = 0,
    VB_DOMAIN_OS_FIRMWARE_FEATURE_SECURE_BOOT,

    VB_DOMAIN_OS_FIRMWARE_FEATURE_LAST
} vbDomainOSFirmwareFeature;
VB_ENUM_DECL(vbDomainOSFirmwareFeature);

/* <loader> and <nvram> */
typedef struct _vbDomainLoaderDef vbDomainLoaderDef;
struct _vbDomainLoaderDef {
    char *path; /* the firmware image, absolute; NULL while autoselection is pending */
    vbTristateBool readonly;
    vbDomainLoaderType type;
    vbTristateBool secure;
    char *nvram;         /* the domain's variable store; defaulted by the driver */
    char *nvramTemplate; /* the store a new one is copied from */
};

void vbDomainLoaderDefFree(vbDomainLoaderDef *loader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainLoaderDef, vbDomainLoaderDefFree);

typedef struct _vbDomainOSDef vbDomainOSDef;
struct _vbDomainOSDef {
    vbDomainBootDev bootDevs[VB_DOMAIN_BOOT_LAST];
    size_t nBootDevs;
    vbTristateBool bootmenu;
    bool bmTimeoutSet;
    unsigned int bmTimeout; /* ms; read only with enable='yes', as libvirt */
    bool rebootTimeoutSet;
    int rebootTimeout; /* ms, -1 for never */
    vbDomainSmbiosMode smbiosMode;

    vbDomainOSFirmware firmware;
    /* <firmware> was written (possibly empty) */
    bool hasFirmwareFeatures;
    vbTristateBool firmwareFeatures[VB_DOMAIN_OS_FIRMWARE_FEATURE_LAST];
    vbDomainLoaderDef *loader;
};

/* Frees what @os owns and zeroes it */
void vbDomainOSDefClear(vbDomainOSDef *os);

/* The firmware attribute of <os> itself */
int vbDomainOSDefParseFirmwareAttr(vbDomainOSDef *os, const void *osNode);

/* One child of <os>: 1 when it is one of this file's elements and was
 * read, 0 when it is not (the caller reads or refuses it), -1 with an
 * error reported. */
int vbDomainOSDefParseElement(vbDomainOSDef *os, const void *node);

/* Parts of <os> in libvirt's order: <firmware> after <type>, <loader> and
 * <nvram> before <kernel>, the boot settings after <cmdline>. */
void vbDomainOSDefFormatFirmwareAttr(vbBuffer *buf, const vbDomainOSDef *os);
void vbDomainOSDefFormatFirmware(vbBuffer *buf, const vbDomainOSDef *os);
void vbDomainOSDefFormatLoader(vbBuffer *buf, const vbDomainOSDef *os);
void vbDomainOSDefFormatBoot(vbBuffer *buf, const vbDomainOSDef *os);

/* Deep copy of @src's loader into @dst (which must have none) */
void vbDomainLoaderDefCopy(const vbDomainLoaderDef *src, vbDomainLoaderDef **dst);

/* The ranges and combinations libvirt refuses at define time (boot menu
 * timeout, reboot timeout, autoselection with an explicit loader). */
int vbDomainOSDefValidate(const vbDomainOSDef *os);
