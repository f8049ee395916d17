/*
 * vbdomainiotune.h: a disk's I/O limits read back (virDomainGetBlockIoTune)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbdomainhandle.h"
#include "vbdriverconf.h"

/* libvirt's QEMU_NB_BLOCK_IO_TUNE_ALL_PARAMS: the limits and the group */
#define VB_DOMAIN_BLOCK_IO_TUNE_NPARAMS (VB_DOMAIN_IOTUNE_LAST + 1)

/* virDomainGetBlockIoTune: with *@nparams 0, sets it to the number of
 * parameters; otherwise fills @iotune (its group name allocated) with the
 * limits of @disk (target or source path): QEMU's for the live domain,
 * the definition's with VIR_DOMAIN_AFFECT_CONFIG. */
int vbDomainGetBlockIoTune(vbDriver *driver, const vbDomainHandle *dom, const char *disk,
                           int *nparams, vbDomainIoTune *iotune, unsigned int flags);
