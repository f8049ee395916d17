/*
 * vbqemudevice.h: the QEMU device of each device family
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each device family (disk, controller, serial port, memballoon) has a
 * check refusing what QEMU cannot run or we cannot build.  The command
 * line runs the checks of every device before it builds anything, and
 * hotplug will run the one of the device it adds.
 *
 * Every function here reads the aliases and addresses that
 * vbQemuDomainAssignAddresses() gave @def: a device without them is the
 * caller's bug (VIR_ERR_INTERNAL_ERROR).
 */

#pragma once

#include "vbdomainconf.h"

/*
 * vbQemuDeviceValidate{Disk,Controller,Chr}:
 * 0 if the device of @def can be built, else -1 with an error:
 * VIR_ERR_CONFIG_UNSUPPORTED naming the device and what is missing (a
 * virtio cdrom, SATA on a 'pc' machine, io='native' without cache='none',
 * a fifth serial port).
 */
int vbQemuDeviceValidateDisk(const vbDomainDef *def, const vbDomainDiskDef *disk);
int vbQemuDeviceValidateController(const vbDomainDef *def, const vbDomainControllerDef *cont);
int vbQemuDeviceValidateChr(const vbDomainDef *def, const vbDomainChrDef *chr);

/* The check of @dev's family; 0 for a family without one. */
int vbQemuDeviceValidate(const vbDomainDef *def, const vbDomainDeviceDef *dev);
