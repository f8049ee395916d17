/*
 * vbdomainabi.h: whether two definitions of a domain show the guest the
 * same machine (libvirt's virDomainDefCheckABIStability)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbdomainconf.h"

/* 0 when @dst shows the guest what @src does, else -1 with libvirt's
 * CONFIG_UNSUPPORTED error naming the first difference ("Target ... does
 * not match source ...").  Covered: virt type, uuid, name, memory, vCPUs,
 * OS type, architecture, machine; for disks, controllers, network cards,
 * inputs, videos, serial ports, channels, consoles, the watchdog, the
 * memory balloon, RNGs and panic devices their count and what libvirt
 * 9.0's virDomainDefCheckABIStabilityFlags compares of each, their
 * address included. */
int vbDomainDefCheckABIStability(const vbDomainDef *src, const vbDomainDef *dst);
