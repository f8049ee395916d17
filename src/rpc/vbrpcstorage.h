/*
 * vbrpcstorage.h: remote procedures of the storage API (pools, volumes)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbrpcserver.h"

/* Sorted by procedure number; for vbRPCServerAddHandlers on a server
 * whose opaque is the vbDriver */
const vbRPCHandlerEntry *vbRPCStorageGetHandlers(size_t *n);
