/*
 * vbblockcommit.h: block commit, and the block job calls around it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The entry points of the block job APIs; the job itself is vbblockjob.h,
 * what QEMU reports of it vbblockjobupdate.h.
 */

#pragma once

#include <libvirt/libvirt.h>

#include "vbinternal.h"
#include "vbdomainhandle.h"
#include "vbdriverconf.h"

typedef struct {
    int type; /* virDomainBlockJobType */
    unsigned long long bandwidth;
    unsigned long long cur;
    unsigned long long end;
} vbBlockJobInfo;

int vbDomainBlockCommit(vbDriver *driver, const vbDomainHandle *dom, const char *disk,
                        const char *base, const char *top, unsigned long long bandwidth,
                        unsigned int flags);
/* 1 with @info filled, 0 when the disk has no job. */
int vbDomainGetBlockJobInfo(vbDriver *driver, const vbDomainHandle *dom, const char *disk,
                            vbBlockJobInfo *info, unsigned int flags);
int vbDomainBlockJobAbort(vbDriver *driver, const vbDomainHandle *dom, const char *disk,
                          unsigned int flags);
int vbDomainBlockJobSetSpeed(vbDriver *driver, const vbDomainHandle *dom, const char *disk,
                             unsigned long long bandwidth, unsigned int flags);
