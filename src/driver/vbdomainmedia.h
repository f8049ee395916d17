/*
 * vbdomainmedia.h: the medium of a cdrom changed (virDomainUpdateDeviceFlags)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbdomainhandle.h"
#include "vbdriverconf.h"

/* virDomainUpdateDeviceFlags for a <disk>: a cdrom's medium inserted,
 * ejected or replaced (`virsh change-media`), live and/or in the
 * persistent definition (VIR_DOMAIN_AFFECT_*); VIR_DOMAIN_DEVICE_MODIFY_FORCE
 * opens a tray the guest locked.  Nothing else of a device may change. */
int vbDomainUpdateDeviceFlags(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                              unsigned int flags);
