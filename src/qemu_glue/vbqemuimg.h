/*
 * vbqemuimg.h: creating images with qemu-img
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

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
