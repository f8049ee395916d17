/*
 * vbdomaincapabilities.h: the domain capabilities document
 * (virConnectGetDomainCapabilities)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's <domainCapabilities> for one emulator, machine, architecture
 * and domain type: what a definition may ask for.  Each part is a
 * "feature" that is supported or not, with enums listing the values a
 * definition may use:
 *
 *   <disk supported='yes'>
 *     <enum name='bus'>
 *       <value>virtio</value>
 *
 * This file holds and formats the document; what goes in it (what the
 * probe found, what we can run) is decided in qemu_glue
 * (vbqemudomaincaps.h).
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbcpuconf.h"

typedef struct _vbDomainCapsEnum vbDomainCapsEnum;
struct _vbDomainCapsEnum {
    char *name;
    GPtrArray *values; /* char *, in the order written */
};

/* A part: <name supported='yes|no'>, its values and enums */
typedef struct _vbDomainCapsFeature vbDomainCapsFeature;
struct _vbDomainCapsFeature {
    char *name;
    bool supported;
    GPtrArray *values; /* char *: bare <value>s before the enums (loader paths) */
    GPtrArray *enums;  /* vbDomainCapsEnum */
};

/* A CPU mode: <mode name='...' supported='yes|no'/>, with the enum of
 * its migratable= values when it has one (host-passthrough, maximum) */
typedef struct _vbDomainCapsCPUMode vbDomainCapsCPUMode;
struct _vbDomainCapsCPUMode {
    char *name;
    bool supported;
    char *migratableEnum; /* "maximumMigratable", or NULL */
    vbCPUDef *cpu;        /* host-model: the CPU it stands for */
};

typedef struct _vbDomainCaps vbDomainCaps;
struct _vbDomainCaps {
    char *path;    /* the emulator */
    char *domain;  /* "qemu", "kvm" */
    char *machine; /* canonical */
    char *arch;
    unsigned int maxVcpus;
    bool iothreads;
    vbDomainCapsFeature *os;     /* <os>, with its <enum name='firmware'> */
    vbDomainCapsFeature *loader; /* <loader> inside <os> */
    GPtrArray *cpuModes;         /* vbDomainCapsCPUMode */
    GPtrArray *devices;          /* vbDomainCapsFeature */
    GPtrArray *features;         /* vbDomainCapsFeature, without values */
};

vbDomainCaps *vbDomainCapsNew(const char *path, const char *domain, const char *machine,
                              const char *arch);
void vbDomainCapsFree(vbDomainCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainCaps, vbDomainCapsFree);

vbDomainCapsFeature *vbDomainCapsFeatureNew(const char *name, bool supported);
void vbDomainCapsFeatureFree(vbDomainCapsFeature *feature);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainCapsFeature, vbDomainCapsFeatureFree);

/* Adds <enum name='@name'> with the NULL-terminated @values (copied);
 * an enum without values is written empty, as libvirt does. */
void vbDomainCapsFeatureAddEnum(vbDomainCapsFeature *feature, const char *name,
                                const char *const *values);
void vbDomainCapsFeatureAddValue(vbDomainCapsFeature *feature, const char *value);

/* Appends a CPU mode, a device or a feature; the latter two are taken */
/* @migratableEnum: the name of the enum of its migratable= values, or NULL */
/* <mode name='host-model'>: supported with a copy of @cpu, else not */
void vbDomainCapsAddCPUModeHostModel(vbDomainCaps *caps, const vbCPUDef *cpu);
void vbDomainCapsAddCPUMode(vbDomainCaps *caps, const char *name, bool supported,
                            const char *migratableEnum);
void vbDomainCapsAddDevice(vbDomainCaps *caps, vbDomainCapsFeature *device);
void vbDomainCapsAddFeature(vbDomainCaps *caps, const char *name, bool supported);

/* The document, as libvirt writes it (never NULL) */
char *vbDomainCapsFormat(const vbDomainCaps *caps);
