/*
 * vbrpcdispatch.h: remote procedures of the domain API, and driver events
 * on the wire
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbdomainevent.h"
#include "vbrpcserver.h"

/* Adds the domain procedures to @srv, whose opaque is the vbDriver. */
int vbRPCDispatchRegister(vbRPCServer *srv);

/* A vbDomainEventDispatchFunc: sends @ev to the clients registered for it
 * (@opaque is the vbRPCServer), in both the callback and legacy forms. */
void vbRPCDispatchDomainEvent(const vbDomainEvent *ev, void *opaque);
