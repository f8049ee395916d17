/*
 * vbdomainrngconf.h: the <rng> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

typedef enum {
    VB_DOMAIN_RNG_MODEL_VIRTIO = 0,

    VB_DOMAIN_RNG_MODEL_LAST
} vbDomainRNGModel;
VB_ENUM_DECL(vbDomainRNGModel);

typedef enum {
    VB_DOMAIN_RNG_BACKEND_RANDOM = 0, /* a host device file */
    VB_DOMAIN_RNG_BACKEND_EGD,        /* an EGD daemon on a socket */
    VB_DOMAIN_RNG_BACKEND_BUILTIN,    /* QEMU's own getrandom() */

    VB_DOMAIN_RNG_BACKEND_LAST
} vbDomainRNGBackend;
VB_ENUM_DECL(vbDomainRNGBackend);

/* <backend model='egd' type>: where the EGD daemon listens */
typedef enum {
    VB_DOMAIN_RNG_EGD_TYPE_UNIX = 0,
    VB_DOMAIN_RNG_EGD_TYPE_TCP,

    VB_DOMAIN_RNG_EGD_TYPE_LAST
} vbDomainRNGEgdType;
VB_ENUM_DECL(vbDomainRNGEgdType);

/* libvirt's default source of a 'random' backend */
#define VB_DOMAIN_RNG_DEFAULT_PATH "/dev/random"

struct _vbDomainRNGDef {
    vbDomainRNGModel model;
    vbDomainRNGBackend backend;
    unsigned int rateBytes;  /* <rate bytes>: 0 = not limited */
    unsigned int ratePeriod; /* <rate period> in ms; 0 = not given */
    char *path;              /* random: the device; egd unix: the socket */
    vbDomainRNGEgdType egdType;
    char *host;    /* egd tcp: <source host> */
    char *service; /* egd tcp: <source service> (a port) */
    vbDomainDeviceInfo info;
};

void vbDomainRNGDefFree(vbDomainRNGDef *rng);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainRNGDef, vbDomainRNGDefFree);

/* Policy checks of @rng (the host devices a 'random' backend may read), at
 * define/start time; vbDomainDefValidate calls it. */
int vbDomainRNGDefValidate(const vbDomainRNGDef *rng);
