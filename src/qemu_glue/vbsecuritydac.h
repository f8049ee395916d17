/*
 * vbsecuritydac.h: the files QEMU opens, given to its user while it runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt's DAC security driver (security_dac.c): when QEMU runs as
 * another user than the daemon, each file it must open is chowned to that
 * user at start and given back afterwards.  The original owner is kept
 * in extended attributes of the file itself, with a count of the running
 * domains using it and the boot the label belongs to, so two domains
 * sharing an image keep it until the last one stops, and a restarted
 * daemon (or one after a host reboot) knows what to give back.  The rules
 * are in docs/compatibility.md, "File ownership".
 */

#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "vbdomainconf.h"
#include "vbstoragesource.h"

/* the extended attributes kept on a labelled file */
#define VB_SECURITY_DAC_XATTR_OWNER "trusted.virtblockd.security.dac"
#define VB_SECURITY_DAC_XATTR_REF "trusted.virtblockd.security.ref_dac"
#define VB_SECURITY_DAC_XATTR_BOOT "trusted.virtblockd.security.boot_dac"
/* the resolved path the file was labelled under: a restore through a name
 * that now leads to another labelled file gives nothing back */
#define VB_SECURITY_DAC_XATTR_PATH "trusted.virtblockd.security.path_dac"

typedef struct _vbSecurityDAC vbSecurityDAC;
struct _vbSecurityDAC {
    uid_t user;    /* QEMU's */
    gid_t group;   /* QEMU's */
    bool remember; /* qemu.conf remember_owner */
    /* only the disks: what a qemu-storage-daemon opens */
    bool disksOnly;
};

/* Whether files need labelling at all: dynamic ownership is on and QEMU
 * runs as another user or group than the daemon. */
bool vbSecurityDACNeeded(uid_t user, gid_t group, bool dynamicOwnership);

/* Gives QEMU one file: read-only ones that it can already read are left
 * as they are; otherwise chowned, the original owner remembered.  Refuses
 * a system file, or one with other hard links.  -1 with an error naming
 * the file, and nothing changed. */
int vbSecurityDACSetPath(const vbSecurityDAC *dac, const char *path, bool readonly);
/* Gives back what vbSecurityDACSetPath took: the last user restores the
 * original owner.  Errors are logged, never reported: a stop goes on. */
void vbSecurityDACRestorePath(const vbSecurityDAC *dac, const char *path);

/* Every image of the chain of @src (@chain), or its top alone; all or
 * nothing. */
int vbSecurityDACSetSource(const vbSecurityDAC *dac, const vbStorageSource *src, bool chain);
void vbSecurityDACRestoreSource(const vbSecurityDAC *dac, const vbStorageSource *src, bool chain);

/* Every file a starting QEMU opens by path: disks' chains, kernel,
 * initrd, loader, NVRAM, the files of serial ports and consoles and their
 * logs (only the disks' chains with @dac->disksOnly).  All or nothing. */
int vbSecurityDACSetDomain(const vbSecurityDAC *dac, const vbDomainDef *def);
void vbSecurityDACRestoreDomain(const vbSecurityDAC *dac, const vbDomainDef *def);

/* A block job writes into @path, an image below the top (the base of a
 * commit, or the image whose backing name it rewrites): given to QEMU
 * unless QEMU can write it already.  Given back when the domain stops
 * (or when the image leaves the chain), as every image of its chains. */
int vbSecurityDACAllowWrite(const vbSecurityDAC *dac, const char *path);

/* Whether @path (resolved, absolute) lies where a daemon must never give
 * a file away: /etc, /usr, /boot, /proc, /sys, /dev (but block devices),
 * the system's binaries and libraries. */
bool vbSecurityDACIsSystemPath(const char *path, bool isBlock);
