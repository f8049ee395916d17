/*
 * vbdomainagent.h: the entry points that talk to the QEMU guest agent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * None of them takes a domain job: as libvirt's agent jobs, a call holds
 * only a reference on the agent and drops vm->lock while the guest
 * answers, so an agent that never answers holds up no other call and not
 * the monitor.  Destroying the domain closes the agent, which wakes a
 * waiting call (vbqemuagent.h).
 */

#pragma once

#include <stdbool.h>

#include "vbdomainhandle.h"
#include "vbdomainobj.h"
#include "vbtypedparam.h"

/* guest-shutdown (@reboot: mode reboot) on @vm, locked; with
 * @reportError, a missing agent is an error, otherwise -1 quietly. */
int vbDomainAgentShutdown(vbDomainObj *vm, bool reboot, bool reportError);

/* virDomainQemuAgentCommand */
int vbDomainQemuAgentCommand(vbDriver *driver, const vbDomainHandle *dom, const char *cmd,
                             int timeout, unsigned int flags, char **result);
/* virDomainFSFreeze, virDomainFSThaw: the number of file systems */
int vbDomainFSFreeze(vbDriver *driver, const vbDomainHandle *dom, const char **mountpoints,
                     size_t nmountpoints, unsigned int flags);
int vbDomainFSThaw(vbDriver *driver, const vbDomainHandle *dom, const char **mountpoints,
                   size_t nmountpoints, unsigned int flags);
/* virDomainSetTime: the agent sets the guest's clock (from its RTC with
 * VIR_DOMAIN_TIME_SYNC), then QEMU's RTC stops catching up lost ticks */
int vbDomainSetTime(vbDriver *driver, const vbDomainHandle *dom, long long seconds,
                    unsigned int nseconds, unsigned int flags);
/* virDomainGetTime */
int vbDomainGetTime(vbDriver *driver, const vbDomainHandle *dom, long long *seconds,
                    unsigned int *nseconds, unsigned int flags);
/* virDomainSetUserPassword: guest-set-user-password, flags
 * VIR_DOMAIN_PASSWORD_ENCRYPTED */
int vbDomainSetUserPassword(vbDriver *driver, const vbDomainHandle *dom, const char *user,
                            const char *password, unsigned int flags);
/* virDomainGetGuestInfo: @types (0: every group the agent answers) as
 * libvirt's typed parameters appended to @params: users, OS, timezone,
 * hostname, file systems, disks (matched to the definition's disks on
 * PCI) and interfaces. */
int vbDomainGetGuestInfo(vbDriver *driver, const vbDomainHandle *dom, unsigned int types,
                         unsigned int flags, vbTypedParamList *params);
/* virDomainInterfaceAddresses' agent source: the guest's interfaces from
 * guest-network-get-interfaces (aliases merged) appended to @list as
 * vbDomainIfaceAddrs (vbdomainnet.h); @vm locked, dropped while the agent
 * answers.  0, or -1 with libvirt's error. */
int vbDomainAgentInterfaceAddresses(vbDomainObj *vm, GPtrArray *list);

/* One mounted file system of virDomainGetFSInfo */
typedef struct {
    char *mountpoint;
    char *name;
    char *fstype;
    char **devAliases; /* NULL-terminated: the definition's disk targets */
} vbDomainFSInfo;

void vbDomainFSInfoFree(vbDomainFSInfo *info);

/* virDomainGetFSInfo: *@fsinfo gets a GPtrArray of vbDomainFSInfo, in
 * mount order, each disk the guest names matched to the definition's
 * disks on PCI (libvirt's virDomainDiskByAddress for virtio disks). */
int vbDomainGetFSInfo(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags,
                      GPtrArray **fsinfo);
