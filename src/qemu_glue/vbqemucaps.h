/*
 * vbqemucaps.h: what a QEMU binary can do, probed once and cached
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QEMU 7.2 or later is required.  Only features that change our behaviour
 * are probed, each by a QAPI schema path (see vbqemuschema.h), never by
 * version; results are stored by name, so a cache written by an older
 * daemon never misreads a flag.  The cache is a JSON file per binary,
 * valid while the binary's size and mtime and our table of paths are
 * unchanged.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbcpuconf.h"
#include "vbenum.h"
#include "vbidentity.h"
#include "vbmonitormachine.h"
#include "vbqemuschema.h"

typedef enum {
    VB_QEMU_CAPS_BLOCK_COMMIT_TOP_NODE,
    VB_QEMU_CAPS_BLOCK_COMMIT_BASE_NODE,
    VB_QEMU_CAPS_BLOCK_COMMIT_BACKING_FILE,
    VB_QEMU_CAPS_BLOCK_COMMIT_BACKING_MASK_PROTOCOL, /* 9.0 */
    VB_QEMU_CAPS_JOB_COMPLETE,
    VB_QEMU_CAPS_JOB_DISMISS,
    VB_QEMU_CAPS_JOB_FINALIZE,
    VB_QEMU_CAPS_BLOCKDEV_ADD,
    VB_QEMU_CAPS_BLOCKDEV_REOPEN,
    VB_QEMU_CAPS_BITMAP_PERSISTENT,
    VB_QEMU_CAPS_BITMAP_MERGE,
    VB_QEMU_CAPS_TRANSACTION_BITMAP_ADD,
    VB_QEMU_CAPS_TRANSACTION_BITMAP_MERGE,
    VB_QEMU_CAPS_TRANSACTION_BITMAP_REMOVE,
    VB_QEMU_CAPS_TRANSACTION_BLOCKDEV_SNAPSHOT,
    VB_QEMU_CAPS_QUERY_NAMED_BLOCK_NODES_FLAT,

    VB_QEMU_CAPS_LAST
} vbQemuCapsFlags;

/* The names stored in the cache ("block-commit-top-node", ...) */
VB_ENUM_DECL(vbQemuCapsFlags);

/* The oldest QEMU we drive: major * 1000000 + minor * 1000 + micro */
#define VB_QEMU_MIN_VERSION 7002000

typedef struct _vbQemuCaps vbQemuCaps;

vbQemuCaps *vbQemuCapsNew(const char *binary);
void vbQemuCapsFree(vbQemuCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbQemuCaps, vbQemuCapsFree);

/**
 * vbQemuCapsNewForBinary:
 * The capabilities of @binary: from the cache in @cacheDir (created if
 * missing) when it is still valid, else probed by running @binary and
 * cached.  Also checks that /dev/kvm is usable (never cached).  Returns
 * NULL with an error; a QEMU older than 7.2 is CONFIG_UNSUPPORTED.
 */
vbQemuCaps *vbQemuCapsNewForBinary(const char *binary, const char *cacheDir,
                                   const vbIdentity *ident);

/* Runs @binary without a guest and asks it: no cache involved.  It runs
 * confined as a domain's QEMU does (vbQemuProcessChildSetup), as @ident
 * (NULL: the daemon's identity), as libvirt probes as its qemu user. */
vbQemuCaps *vbQemuCapsProbe(const char *binary, const vbIdentity *ident);

/* Sets the flags from a QAPI schema (used by the probe, and by tests with
 * a recorded schema). */
void vbQemuCapsInitFromSchema(vbQemuCaps *caps, const vbQemuSchema *schema);

void vbQemuCapsSetVersion(vbQemuCaps *caps, unsigned int version, const char *package);
void vbQemuCapsSet(vbQemuCaps *caps, vbQemuCapsFlags flag);
bool vbQemuCapsGet(const vbQemuCaps *caps, vbQemuCapsFlags flag);

/* 0 when @flag is present, else -1 with OPERATION_UNSUPPORTED naming @what
 * (a feature as the user would call it) and the binary. */
int vbQemuCapsCheck(const vbQemuCaps *caps, vbQemuCapsFlags flag, const char *what);

/* CONFIG_UNSUPPORTED unless the version is at least VB_QEMU_MIN_VERSION */
int vbQemuCapsCheckVersion(const vbQemuCaps *caps);

const char *vbQemuCapsGetBinary(const vbQemuCaps *caps);
unsigned int vbQemuCapsGetVersion(const vbQemuCaps *caps);
const char *vbQemuCapsGetPackage(const vbQemuCaps *caps);
bool vbQemuCapsGetKVMUsable(const vbQemuCaps *caps);
/* For tests: what the host offers is no fact of the binary */
void vbQemuCapsSetKVMUsable(vbQemuCaps *caps, bool usable);

/* QEMU's name of the architecture it emulates ("x86_64", "i386"), or NULL
 * when not probed */
const char *vbQemuCapsGetArch(const vbQemuCaps *caps);
void vbQemuCapsSetArch(vbQemuCaps *caps, const char *arch);

/* The CPU host-model stands for (see vbqemuhostcpu.h) under TCG, or
 * under KVM when @kvm; NULL when QEMU has no named models (not x86) or,
 * for KVM, /dev/kvm was not usable when probed.  Set takes @cpu. */
const vbCPUDef *vbQemuCapsGetHostCPU(const vbQemuCaps *caps, bool kvm);
void vbQemuCapsSetHostCPU(vbQemuCaps *caps, bool kvm, vbCPUDef *cpu);

/*
 * The machine types, from query-machines (@machines: vbMonitorMachineInfo,
 * not taken): "none" is dropped, and the default goes first as in
 * libvirt: its historical "pc" for x86 when QEMU has it, else QEMU's
 * default.  The order is otherwise QEMU's.
 */
void vbQemuCapsSetMachines(vbQemuCaps *caps, const GPtrArray *machines);
size_t vbQemuCapsGetMachineCount(const vbQemuCaps *caps);
const vbMonitorMachineInfo *vbQemuCapsGetMachine(const vbQemuCaps *caps, size_t i);
/* The machine named @name, by name or alias ("pc"); NULL if none */
const vbMonitorMachineInfo *vbQemuCapsFindMachine(const vbQemuCaps *caps, const char *name);
/* *@machine (an alias such as "q35" or a versioned name) replaced by the
 * versioned name QEMU runs for it, as libvirt writes it back; 0, or -1
 * with VIR_ERR_CONFIG_UNSUPPORTED if @binary has no such machine. */
int vbQemuCapsCanonicalizeMachine(const vbQemuCaps *caps, const char *binary, char **machine);
