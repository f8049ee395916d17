/*
 * vbrpcconnect.h: the connection-level procedures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Open and close, feature probes, host identity, close callbacks and
 * event registration: everything a client does before and around domain
 * calls.  None touches the driver; the daemon adds this table first and
 * its dispatch table after it, which may override any entry.
 */

#pragma once

#include "vbrpcserver.h"

/* What we claim as libvirt version: the release whose protocol we speak */
#define VB_RPC_LIB_VERSION 9000000

/* Sorted by procedure number; for vbRPCServerAddHandlers */
const vbRPCHandlerEntry *vbRPCConnectGetHandlers(size_t *n);
