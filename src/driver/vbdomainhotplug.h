/*
 * vbdomainhotplug.h: devices attached to and detached from a domain
 * (virDomainAttachDeviceFlags, virDomainDetachDeviceFlags)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbdomainhandle.h"
#include "vbdomainobj.h"
#include "vbdomainprocess.h"
#include "vbdriverconf.h"

/* virDomainAttachDeviceFlags (and virDomainAttachDevice: @flags
 * VIR_DOMAIN_AFFECT_LIVE): the device of @xml added to the running QEMU
 * (VIR_DOMAIN_AFFECT_LIVE) and/or the persistent definition
 * (VIR_DOMAIN_AFFECT_CONFIG); VIR_DOMAIN_AFFECT_CURRENT picks by the
 * domain's state, as libvirt's virDomainObjUpdateModificationImpact.  A
 * live disk gets its backing chain probed and its nodes named as at start,
 * and the DEVICE_ADDED event. */
int vbDomainAttachDeviceFlags(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                              unsigned int flags);

/* virDomainDetachDeviceFlags: the device of @xml (a disk by its target)
 * asked out of the guest and, once QEMU says it is gone, its nodes
 * deleted, its files given back and the DEVICE_REMOVED event sent.  As
 * libvirt 9.0: a guest that takes longer than 5 s leaves the call
 * successful and the removal to the DEVICE_DELETED event that comes
 * later (vbDomainHotplugHandleDeviceDeleted). */
int vbDomainDetachDeviceFlags(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                              unsigned int flags);

/* virDomainUpdateDeviceFlags: a cdrom's medium (vbdomainmedia.h) or an
 * interface's link state (`virsh domif-setlink`), live and/or in the
 * persistent definition; nothing else of a device may change. */
int vbDomainUpdateDeviceFlags(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                              unsigned int flags);

/* QEMU's DEVICE_DELETED that no detach call waited for, or a device found
 * gone at a reconnect: the removal finished in a job of its own (libvirt's
 * processDeviceDeletedEvent), if @deleted is of the domain's current run.
 * @vm is unlocked. */
void vbDomainHotplugHandleDeviceDeleted(vbDriver *driver, vbDomainObj *vm,
                                        const vbDomainProcessDeviceDeleted *deleted);
