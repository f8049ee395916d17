/*
 * vbdomainops.h: the driver's API, one entry point per libvirt call
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each entry point does the routine only (flags, lookup, job, call,
 * release); the work lives in functions that assume the job is held.
 * Domains are named by the (name, uuid, id) triple a client holds, and
 * found by UUID, as libvirt's remote driver does.
 */

#pragma once

#include <libvirt/libvirt.h>

#include "vbblockcommit.h"
#include "vbdomainhandle.h"
#include "vbdriverconf.h"

vbDomainHandle *vbDomainLookupByName(vbDriver *driver, const char *name);
vbDomainHandle *vbDomainLookupByUUID(vbDriver *driver, const unsigned char *uuid);
vbDomainHandle *vbDomainLookupByID(vbDriver *driver, int id);

/* virConnectListAllDomains; @flags are VIR_CONNECT_LIST_DOMAINS_*. */
GPtrArray *vbConnectListAllDomains(vbDriver *driver, unsigned int flags);
int vbConnectNumOfDomains(vbDriver *driver);
int vbConnectNumOfDefinedDomains(vbDriver *driver);

typedef struct {
    virDomainState state;
    unsigned long long maxMem; /* KiB */
    unsigned long long memory; /* KiB */
    unsigned int nrVirtCpu;
    unsigned long long cpuTime; /* ns */
} vbDomainInfo;

int vbDomainGetInfo(vbDriver *driver, const vbDomainHandle *dom, vbDomainInfo *info);
int vbDomainGetState(vbDriver *driver, const vbDomainHandle *dom, int *state, int *reason,
                     unsigned int flags);
char *vbDomainGetXMLDesc(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags);
char *vbDomainGetOSType(vbDriver *driver, const vbDomainHandle *dom);
int vbDomainIsActive(vbDriver *driver, const vbDomainHandle *dom);
int vbDomainIsPersistent(vbDriver *driver, const vbDomainHandle *dom);

/* virDomainGetAutostart, virDomainSetAutostart; persistent domains only. */
int vbDomainGetAutostart(vbDriver *driver, const vbDomainHandle *dom, int *autostart);
int vbDomainSetAutostart(vbDriver *driver, const vbDomainHandle *dom, int autostart);
/* Starts the shut-off domains marked for autostart (daemon start-up). */
void vbDomainAutostartAll(vbDriver *driver);

vbDomainHandle *vbDomainDefineXML(vbDriver *driver, const char *xml, unsigned int flags);
int vbDomainUndefine(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags);
int vbDomainCreate(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags);
vbDomainHandle *vbDomainCreateXML(vbDriver *driver, const char *xml, unsigned int flags);
/* virDomainRestore(Flags): the domain saved in @path (a memory snapshot
 * file, libvirt's save image) started from it, as defined there or by
 * @dxml (same name and UUID; NULL: the file's); VIR_DOMAIN_SAVE_RUNNING
 * or _PAUSED override the state saved.  0 or -1. */
int vbDomainRestore(vbDriver *driver, const char *path, const char *dxml, unsigned int flags);
int vbDomainDestroy(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags);
int vbDomainShutdown(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags);
/* virDomainReboot through the ACPI power button, virDomainReset */
int vbDomainReboot(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags);
int vbDomainReset(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags);
int vbDomainSuspend(vbDriver *driver, const vbDomainHandle *dom);
int vbDomainResume(vbDriver *driver, const vbDomainHandle *dom);

/* virDomainQemuMonitorCommand: @cmd is QMP JSON, or an HMP command line
 * with VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP; *@result gets QEMU's answer
 * (the whole QMP reply, or the HMP output). */
int vbDomainQemuMonitorCommand(vbDriver *driver, const vbDomainHandle *dom, const char *cmd,
                               unsigned int flags, char **result);
