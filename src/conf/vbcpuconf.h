/*
 * vbcpuconf.h: the guest CPU, libvirt's <cpu> element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The modes libvirt 9.0 offers for x86: custom (a named QEMU model with
 * features added or removed), host-passthrough, host-model and maximum,
 * with the topology -smp gets.  What the element says is kept and written
 * back as libvirt writes it; what QEMU runs is decided in
 * src/qemu_glue/vbqemucommand.c.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbbuf.h"
#include "vbenum.h"

typedef enum {
    VB_CPU_MODE_CUSTOM = 0,
    VB_CPU_MODE_HOST_MODEL,
    VB_CPU_MODE_HOST_PASSTHROUGH,
    VB_CPU_MODE_MAXIMUM,

    VB_CPU_MODE_LAST
} vbCPUMode;
VB_ENUM_DECL(vbCPUMode);

typedef enum {
    VB_CPU_MATCH_DEFAULT = 0, /* not said; post-parse makes a custom model exact */
    VB_CPU_MATCH_MINIMUM,
    VB_CPU_MATCH_EXACT,
    VB_CPU_MATCH_STRICT,

    VB_CPU_MATCH_LAST
} vbCPUMatch;
VB_ENUM_DECL(vbCPUMatch);

typedef enum {
    VB_CPU_CHECK_DEFAULT = 0, /* not said; post-parse picks libvirt's per mode */
    VB_CPU_CHECK_NONE,
    VB_CPU_CHECK_PARTIAL,
    VB_CPU_CHECK_FULL,

    VB_CPU_CHECK_LAST
} vbCPUCheck;
VB_ENUM_DECL(vbCPUCheck);

typedef enum {
    VB_CPU_FALLBACK_ALLOW = 0,
    VB_CPU_FALLBACK_FORBID,

    VB_CPU_FALLBACK_LAST
} vbCPUFallback;
VB_ENUM_DECL(vbCPUFallback);

typedef enum {
    VB_CPU_FEATURE_FORCE = 0,
    VB_CPU_FEATURE_REQUIRE,
    VB_CPU_FEATURE_OPTIONAL,
    VB_CPU_FEATURE_DISABLE,
    VB_CPU_FEATURE_FORBID,

    VB_CPU_FEATURE_LAST
} vbCPUFeaturePolicy;
VB_ENUM_DECL(vbCPUFeaturePolicy);

/* Far more than any CPU model has flags; bounds the duplicate check. */
#define VB_CPU_FEATURES_MAX 256

typedef struct _vbCPUFeatureDef vbCPUFeatureDef;
struct _vbCPUFeatureDef {
    char *name;
    vbCPUFeaturePolicy policy;
};

typedef struct _vbCPUDef vbCPUDef;
struct _vbCPUDef {
    vbCPUMode mode;
    vbCPUMatch match;
    vbCPUCheck check;
    vbTristateSwitch migratable; /* host-passthrough and maximum only */
    char *model;                 /* <model>, custom mode */
    vbCPUFallback fallback;
    char *vendor; /* <vendor>: kept and written back, not passed to QEMU */
    /* <topology>: all zero when absent, else all non-zero */
    unsigned int sockets;
    unsigned int dies;
    unsigned int cores;
    unsigned int threads;
    vbCPUFeatureDef *features;
    size_t nfeatures;
};

void vbCPUDefFree(vbCPUDef *cpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbCPUDef, vbCPUDefFree);

/* A deep copy of @cpu; never fails. */
vbCPUDef *vbCPUDefCopy(const vbCPUDef *cpu);

/* The defaults libvirt's QEMU driver fills in (model of a topology-only
 * CPU, match, check, migratable); @kvm: the domain is of type 'kvm'. */
void vbCPUDefPostParse(vbCPUDef *cpu, bool kvm);

/* <model>, <vendor>, <topology> and the <feature>s of @cpu at @buf's
 * indentation (domain capabilities' host-model mode too). */
void vbCPUDefFormatChildren(vbBuffer *buf, const vbCPUDef *cpu);

/* <cpu> at @buf's indentation; nothing for a NULL @cpu. */
void vbCPUDefFormat(vbBuffer *buf, const vbCPUDef *cpu);

/* The number of vCPUs the topology gives, 0 without a topology. */
unsigned int vbCPUDefTopologyVcpus(const vbCPUDef *cpu);
