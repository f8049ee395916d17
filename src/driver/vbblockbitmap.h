/*
 * vbblockbitmap.h: keeping dirty bitmaps valid across commits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbdomainobj.h"
#include "vbqemubitmap.h"
#include "vbstoragesource.h"

/* After a commit from @top into @base concluded: carry every valid bitmap
 * chain of @top into @base (see vbQemuBitmapCommitActions).  @top is the
 * old active image for an active commit, whose chain still links down to
 * @base.  A non-active commit left base read-only: it is reopened
 * read-write for the transaction and read-only after.  Caller holds a job
 * and vm->lock. */
int vbBlockBitmapsCommitFinish(vbDomainObj *vm, vbDomainDiskDef *disk, vbStorageSource *top,
                               vbStorageSource *base, bool active);
