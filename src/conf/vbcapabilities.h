/*
 * vbcapabilities.h: the host capabilities document (virConnectGetCapabilities)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's <capabilities> format, for what we know of the host and the
 * guests QEMU offers:
 *
 *   <capabilities>
 *     <host>      uuid, cpu (arch, topology, page sizes), NUMA cells,
 *                 secmodel (none: we have no security driver)
 *     <guest>     one per architecture with an emulator: machine types
 *                 with their canonical names, domain types, features
 *
 * Filled by qemu_glue (vbqemuhostcaps.h) from host facts and the
 * capability probe; this file only holds and formats it.  The host CPU
 * model, vendor and features (libvirt decodes CPUID against its CPU map),
 * the cache banks and migration features are left out: all optional in
 * libvirt's schema, and we can neither name the model nor migrate.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbinternal.h"

typedef struct _vbCapsHostCPU vbCapsHostCPU;
struct _vbCapsHostCPU {
    unsigned int id;
    unsigned int socketId;
    unsigned int dieId;
    unsigned int coreId;
    char *siblings; /* "0-1,4": the CPUs of its core, as sysfs lists them */
};

typedef struct _vbCapsHostPages vbCapsHostPages;
struct _vbCapsHostPages {
    unsigned int sizeKiB;
    unsigned long long count; /* in a cell; unused in the host's list */
};

typedef struct _vbCapsHostCell vbCapsHostCell;
struct _vbCapsHostCell {
    unsigned int id;
    unsigned long long memoryKiB;
    GArray *pages;     /* vbCapsHostPages */
    GArray *distances; /* unsigned int per cell, by cell index; may be empty */
    GArray *cpus;      /* vbCapsHostCPU */
};

/* One cache of level 3 or more, as libvirt lists them (no resctrl controls) */
typedef struct _vbCapsHostCacheBank vbCapsHostCacheBank;
struct _vbCapsHostCacheBank {
    unsigned int id;
    unsigned int level;
    const char *type;        /* "both", "code", "data" (static) */
    unsigned long long size; /* bytes */
    char *cpus;              /* "0-3": the CPUs sharing it */
};

typedef struct _vbCapsGuestMachine vbCapsGuestMachine;
struct _vbCapsGuestMachine {
    char *name;
    char *canonical; /* for an alias ("pc"): the machine it stands for */
    unsigned int maxCpus;
    bool deprecated;
};

typedef struct _vbCapsGuest vbCapsGuest;
struct _vbCapsGuest {
    char *arch; /* "x86_64", "i686" */
    unsigned int wordsize;
    char *emulator;
    GPtrArray *machines; /* vbCapsGuestMachine, in the order written */
    bool kvm;            /* a <domain type='kvm'/> beside 'qemu' */
};

typedef struct _vbCaps vbCaps;
struct _vbCaps {
    unsigned char uuid[VB_UUID_BUFLEN];
    char *arch;
    unsigned int sockets; /* per cell, as libvirt's host topology */
    unsigned int dies;
    unsigned int cores;
    unsigned int threads;
    GArray *pages; /* vbCapsHostPages: the page sizes the host offers */
    bool iommu;
    GPtrArray *cells;  /* vbCapsHostCell */
    GArray *caches;    /* vbCapsHostCacheBank, by level then id */
    GPtrArray *guests; /* vbCapsGuest */
};

vbCaps *vbCapsNew(void);
void vbCapsFree(vbCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbCaps, vbCapsFree);

/* A new cell, added to @caps and owned by it */
vbCapsHostCell *vbCapsAddCell(vbCaps *caps, unsigned int id, unsigned long long memoryKiB);
void vbCapsCellAddCPU(vbCapsHostCell *cell, unsigned int id, unsigned int socketId,
                      unsigned int dieId, unsigned int coreId, const char *siblings);

/* Adds a cache bank unless an equal one is there; keeps the order */
void vbCapsAddCacheBank(vbCaps *caps, unsigned int id, unsigned int level, const char *type,
                        unsigned long long size, const char *cpus);

/* A new guest, added to @caps and owned by it */
vbCapsGuest *vbCapsAddGuest(vbCaps *caps, const char *arch, unsigned int wordsize,
                            const char *emulator);
void vbCapsGuestAddMachine(vbCapsGuest *guest, const char *name, const char *canonical,
                           unsigned int maxCpus, bool deprecated);

/* The document, as libvirt writes it (never NULL) */
char *vbCapsFormat(const vbCaps *caps);
