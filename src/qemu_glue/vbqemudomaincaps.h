/*
 * vbqemudomaincaps.h: what a domain definition may ask of a QEMU binary
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fills libvirt's <domainCapabilities> from the capability probe,
 * restricted to what we can run: where libvirt's enum would list a value
 * our definitions refuse, the value is left out, and a part we refuse
 * altogether is supported='no'.  So a management application reading it
 * asks only for what a start will accept.
 */

#pragma once

#include "vbdomaincapabilities.h"
#include "vbqemucaps.h"

/*
 * The document for @qemuCaps running @machine (a canonical name the
 * binary has) as @virttype ("qemu" or "kvm") on @arch (libvirt's name),
 * with the UEFI firmware of @firmwares (vbQemuFirmwareLoadAll; NULL:
 * none) that fits the machine.  Never NULL.
 */
vbDomainCaps *vbQemuDomainCapsNew(const vbQemuCaps *qemuCaps, const char *machine, const char *arch,
                                  const char *virttype, GPtrArray *firmwares);
