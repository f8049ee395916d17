/*
 * vbdomainhandle.h: how a client names a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The (name, uuid, id) triple a client holds; entry points find the
 * domain by its UUID (vbDomainObjFromHandle), as libvirt's remote driver
 * does.
 */

#pragma once

#include <glib.h>

#include "vbinternal.h"
#include "vbdomainobj.h"

typedef struct _vbDomainHandle vbDomainHandle;
struct _vbDomainHandle {
    char *name;
    unsigned char uuid[VB_UUID_BUFLEN];
    int id;
};

void vbDomainHandleFree(vbDomainHandle *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainHandle, vbDomainHandleFree);

/* The handle of @vm as a client gets it back from a lookup or a define. */
vbDomainHandle *vbDomainHandleFromObj(const vbDomainObj *vm);
