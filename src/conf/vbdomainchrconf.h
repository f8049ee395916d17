/*
 * vbdomainchrconf.h: a <serial type='pty'> or <console type='pty'>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbdomaindeviceconf.h"

struct _vbDomainChrDef {
    bool console;      /* <console> rather than <serial> */
    unsigned int port; /* <target port> */
    char *ptyPath;     /* runtime: <source path='/dev/pts/N'/> */
    vbDomainDeviceInfo info;
};

void vbDomainChrDefFree(vbDomainChrDef *chr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainChrDef, vbDomainChrDefFree);
