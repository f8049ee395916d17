/*
 * vbrpchost.h: remote procedures about the host (capabilities, node
 * information, the hypervisor's version)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbrpcserver.h"

/* Sorted by procedure number; for vbRPCServerAddHandlers on a server
 * whose opaque is the vbDriver */
const vbRPCHandlerEntry *vbRPCHostGetHandlers(size_t *n);
