/*
 * vbdomainhandle.c: how a client names a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbdomainhandle.h"

void
vbDomainHandleFree(vbDomainHandle *h)
{
    if (!h)
        return;
    g_free(h->name);
    g_free(h);
}

vbDomainHandle *
vbDomainHandleFromObj(const vbDomainObj *vm)
{
    vbDomainHandle *h = g_new0(vbDomainHandle, 1);

    h->name = g_strdup(vm->def->name);
    memcpy(h->uuid, vm->def->uuid, VB_UUID_BUFLEN);
    h->id = vm->id;
    return h;
}
