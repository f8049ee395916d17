/*
 * vbhost.h: the driver's host calls (capabilities, node information)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One entry point per libvirt call, as in vbdomainops.h; none takes a
 * domain or a job.  Errors are libvirt's for each call.
 */

#pragma once

#include <glib.h>

#include "vbdriverconf.h"
#include "vbqemuhost.h"
#include "vbqemuhoststats.h"

/* virConnectGetVersion: the version of the default QEMU binary */
int vbConnectGetVersion(vbDriver *driver, unsigned long long *version);

/* virConnectGetMaxVcpus: for @type "qemu" (or none) libvirt's fixed 16,
 * for "kvm" the kernel's limit */
int vbConnectGetMaxVcpus(vbDriver *driver, const char *type);

/* virConnectGetCapabilities */
char *vbConnectGetCapabilities(vbDriver *driver);

/* virConnectGetDomainCapabilities; NULL arguments take libvirt's defaults */
char *vbConnectGetDomainCapabilities(vbDriver *driver, const char *emulatorbin, const char *arch,
                                     const char *machine, const char *virttype, unsigned int flags);

/* virNodeGetInfo */
int vbNodeGetInfo(vbDriver *driver, vbQemuHostNodeInfo *info);

/* virNodeGetFreeMemory: bytes */
int vbNodeGetFreeMemory(vbDriver *driver, unsigned long long *bytes);

/* virNodeGetCellsFreeMemory: *@bytes gets a GArray of unsigned long long */
int vbNodeGetCellsFreeMemory(vbDriver *driver, int startCell, int maxCells, GArray **bytes);

/* virNodeGetMemoryStats: see vbQemuHostGetMemoryStats */
int vbNodeGetMemoryStats(vbDriver *driver, int cellNum, int *nparams, GArray **stats,
                         unsigned int flags);

/* virNodeGetCPUStats: see vbQemuHostGetCPUStats */
int vbNodeGetCPUStats(vbDriver *driver, int cpuNum, int *nparams, GArray **stats,
                      unsigned int flags);

/* virConnectGetSysinfo */
char *vbConnectGetSysinfo(vbDriver *driver, unsigned int flags);
