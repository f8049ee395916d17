/*
 * vbportallocator.h: TCP ports handed out from a range (libvirt's
 * virPortAllocator), for the VNC servers of the domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct _vbPortAllocator vbPortAllocator;

/* Ports @start to @end (inclusive), all free; @name names the range in
 * errors ("VNC"). */
vbPortAllocator *vbPortAllocatorNew(const char *name, unsigned int start, unsigned int end);
void vbPortAllocatorFree(vbPortAllocator *pa);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbPortAllocator, vbPortAllocatorFree);

/**
 * vbPortAllocatorAcquire:
 * The lowest port of the range that is neither handed out nor bound by
 * anybody on the host (a bind to it on any address, IPv4 and IPv6,
 * succeeds), now handed out.  Returns 0 with *@port set, or -1 with
 * VIR_ERR_INTERNAL_ERROR when the range is used up.  Thread-safe.
 */
int vbPortAllocatorAcquire(vbPortAllocator *pa, unsigned int *port);

/* Marks @port as handed out (a fixed port, or the port of a running domain
 * found again after a daemon restart).  Returns 0, also for a port outside
 * the range (ignored), or -1 with libvirt's VIR_ERR_INTERNAL_ERROR when
 * @port is handed out already.  Thread-safe. */
int vbPortAllocatorSetUsed(vbPortAllocator *pa, unsigned int port);

/* Gives @port back; 0 and ports outside the range are ignored. */
void vbPortAllocatorRelease(vbPortAllocator *pa, unsigned int port);
