/*
 * vbqemufirmware.h: QEMU firmware descriptors and the choice of firmware
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QEMU's firmware packages describe each firmware build in a JSON file
 * (docs/interop/firmware.json in QEMU; Debian's ovmf installs three in
 * /usr/share/qemu/firmware).  As libvirt 9.0 does, <os firmware='efi'>
 * picks the first descriptor, in file name order, that fits the domain's
 * machine and requested <firmware> features, and a read-only pflash
 * <loader> without an NVRAM template takes the template of the descriptor
 * naming its image.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbdomainconf.h"

/* The directories searched, most important first: a file in one hides a
 * file of the same name in those after it, and an empty file hides
 * without describing anything (QEMU's rules). */
#define VB_QEMU_FIRMWARE_SYSTEM_DIRS "/etc/qemu/firmware", "/usr/share/qemu/firmware"

typedef struct _vbQemuFirmware vbQemuFirmware;
struct _vbQemuFirmware {
    char *descriptor;    /* the JSON file */
    char *executable;    /* mapping.executable.filename */
    char *nvramTemplate; /* mapping.nvram-template.filename */
    char **machines;     /* x86_64 machine globs */
    bool uefi;
    bool secureBoot;
    bool enrolledKeys;
    bool requiresSMM;
    bool acpiS3;
    bool acpiS4;
};

void vbQemuFirmwareFree(vbQemuFirmware *fw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbQemuFirmware, vbQemuFirmwareFree);

/*
 * vbQemuFirmwareLoadAll:
 * The descriptors of the NULL-terminated @dirs, sorted by file name.  A
 * descriptor we cannot use (not a split flash mapping of raw images, not
 * for x86_64) is skipped, as libvirt skips it.  Returns the array of
 * vbQemuFirmware (possibly empty), or NULL with an error reported for a
 * file that is not JSON.
 */
GPtrArray *vbQemuFirmwareLoadAll(const char *const *dirs);

/*
 * vbQemuFirmwareFillDomain:
 * Completes the firmware of @def before it starts, as libvirt's
 * qemuFirmwareFillDomain: for <os firmware='efi'> the loader, template
 * and NVRAM path of the first descriptor of @firmwares that fits, with
 * SMM and a secure loader when that firmware requires SMM; for a read-only
 * pflash loader without a template, the template of the descriptor of its
 * image, if any.  An NVRAM path, when missing, is @nvramDir/NAME_VARS.fd.
 * Returns 0, or -1 with VIR_ERR_OPERATION_FAILED when no descriptor fits
 * <os firmware='efi'>, VIR_ERR_OPERATION_INVALID when the one chosen
 * needs the SMM that <smm state='off'/> turns off.
 */
int vbQemuFirmwareFillDomain(vbDomainDef *def, GPtrArray *firmwares, const char *nvramDir);

/* @fw runs @machine (a canonical name or QEMU's alias 'q35' or 'pc') */
bool vbQemuFirmwareSupportsMachine(const vbQemuFirmware *fw, const char *machine);

/* The default NVRAM file of the domain @name: @nvramDir/NAME_VARS.fd */
char *vbQemuFirmwareNVRAMPath(const char *nvramDir, const char *name);

/* A read-only pflash loader without <nvram> gets the default NVRAM path
 * (libvirt does so when a domain is defined). */
void vbQemuFirmwareFillNVRAMPath(vbDomainDef *def, const char *nvramDir);
