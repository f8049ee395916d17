/*
 * vbdomainmedia.h: the medium of a cdrom changed (virDomainUpdateDeviceFlags)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbdomainobj.h"

/* virDomainUpdateDeviceFlags for a <disk> (vbdomainhotplug.c parses
 * it and resolves the flags, under a MODIFY job): a cdrom's medium
 * inserted, ejected or replaced (`virsh change-media`), live and/or in
 * the persistent definition (VIR_DOMAIN_AFFECT_*);
 * VIR_DOMAIN_DEVICE_MODIFY_FORCE opens a tray the guest locked.  Nothing
 * else of a disk may change. */
int vbDomainMediaUpdate(vbDomainObj *vm, vbDomainDiskDef *newdisk, unsigned int flags);
