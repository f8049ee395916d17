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
#include "vbblockjob.h"
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

/* --- For snapshot deletion (vbsnapshot.h); the caller holds a MODIFY job --- */

/* Commits @top of @disk's live chain into the image below it and deletes
 * @top's file once it left the chain (libvirt's flags for a delete:
 * DELETE, and ACTIVE when @top is the disk's active image; the image above
 * is rebased onto base by QEMU otherwise).  The job runs with auto-finalize
 * off: once done it waits in PENDING and changes nothing until
 * vbBlockJobRequestFinalize.  A shut-off domain's chains must be live
 * (vbBlockOfflinePrepare); its storage daemon is started.
 * @job: the job started, referenced.  0, or -1 with the error reported. */
int vbBlockCommitStartSnapshotDelete(vbDriver *driver, vbDomainObj *vm, vbDomainDiskDef *disk,
                                     vbStorageSource *top, vbBlockJob **job);
/* Whether the images the commit of vbBlockCommitStartSnapshotDelete would
 * have QEMU write (the image below @top, and the one above it unless @top
 * is the active image) can be opened for writing; for a dry run.  0, or -1
 * with the error reported. */
int vbBlockCommitCheckSnapshotDelete(vbDomainDiskDef *disk, vbStorageSource *top);
/* job-complete of a READY active commit (PIVOTING), or a cancel
 * (ABORTING); the worker applies the outcome.  0 or -1.  A soft cancel
 * (@force false) of a READY active commit finishes it without a pivot,
 * which with auto-finalize off would wait in PENDING: such jobs are
 * cancelled with @force. */
int vbBlockJobRequestPivot(vbDomainObj *vm, vbDomainDiskDef *disk, vbBlockJob *job);
int vbBlockJobRequestCancel(vbDomainObj *vm, vbDomainDiskDef *disk, vbBlockJob *job, bool force);
/* job-finalize of a PENDING job: QEMU makes its graph change before it
 * answers; the worker applies the outcome when the job concludes.  0 or -1. */
int vbBlockJobRequestFinalize(vbDomainObj *vm, vbBlockJob *job);
