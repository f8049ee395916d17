/*
 * vbqemuimg.h: creating images, and their dirty bitmaps, with qemu-img
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbmonitorblock.h"
#include "vbstoragesource.h"

/**
 * vbQemuImgCreate:
 * @binary: qemu-img
 * @path: the new image; the caller has claimed it (an empty file it made)
 * @fd: the caller's open descriptor of that file
 * @format: raw or qcow2
 * @capacity: virtual size in bytes; 0 with a backing file: the backing's
 * @backingPath: NULL, or the backing image (qcow2 only)
 * @backingFormat: the backing image's format, with @backingPath
 *
 * Runs "qemu-img create -f FORMAT [-b BACKING -F FMT] /dev/fd/3 SIZE" with
 * @fd as its descriptor 3: qemu-img writes the file the caller made even
 * when @path has been replaced meanwhile (by a symbolic link to a file
 * outside the pool, say).  qemu-img runs under vbCommandRun()'s default
 * timeout.  Returns 0, or -1 with VIR_ERR_OPERATION_FAILED carrying
 * qemu-img's message (VIR_ERR_OPERATION_TIMEOUT when it was killed).
 */
int vbQemuImgCreate(const char *binary, const char *path, int fd, vbStorageFormat format,
                    unsigned long long capacity, const char *backingPath,
                    vbStorageFormat backingFormat);

/* --- Persistent dirty bitmaps of a qcow2 image nobody has open, as
 * QEMU 7.2's qemu-img reads and changes them.  Each takes the image's
 * locks as QEMU does: an image another process writes is refused, not
 * read half-way. --- */

/**
 * vbQemuImgBitmapsRead:
 * @path: a qcow2 image
 *
 * "qemu-img info --output=json -f qcow2 PATH": the bitmaps in @path's
 * header and its virtual size, as a node of query-named-block-nodes would list them (nodeName
 * and file: @path; every bitmap persistent; recording when its "auto"
 * flag is set; inconsistent when "in-use" is set on an image no QEMU has
 * open, i.e. one whose writer died before it stored the bitmap).
 * Returns the node, or NULL with VIR_ERR_OPERATION_FAILED carrying
 * qemu-img's message.
 */
vbMonitorBlockNodeInfo *vbQemuImgBitmapsRead(const char *binary, const char *path);

/**
 * vbQemuImgBitmapAdd:
 * @path: the image, for messages; qemu-img opens @fd (as
 *        vbQemuImgCreate does)
 *
 * "qemu-img bitmap --add -g GRANULARITY": a persistent bitmap @name,
 * recording, empty.  0, or -1 with the error reported.
 */
int vbQemuImgBitmapAdd(const char *binary, const char *path, int fd, const char *name,
                       unsigned long long granularity);

/**
 * vbQemuImgBitmapMerge:
 *
 * "qemu-img bitmap --merge NAME -b SOURCE -F qcow2": the bits of the
 * bitmap @name of the qcow2 image @source (opened read-only) set in the
 * bitmap @name of the image open as @fd.  0, or -1 with the error
 * reported.
 */
int vbQemuImgBitmapMerge(const char *binary, const char *path, int fd, const char *name,
                         const char *source);

/* "qemu-img bitmap --remove": deletes the bitmap @name of the image open
 * as @fd (@path for messages).  0, or -1 with the error reported. */
int vbQemuImgBitmapRemove(const char *binary, const char *path, int fd, const char *name);
