/*
 * vbfile.h: files written so that a crash never leaves half of one
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <sys/types.h>

typedef enum {
    /* Sync the file before the rename and the directory after it: the new
     * content survives a crash of the host, not only of the daemon.  For
     * what must outlive a reboot (definitions); state that dies with the
     * host's processes anyway (status files, caches) does without. */
    VB_FILE_WRITE_DURABLE = 1 << 0,
} vbFileWriteFlags;

/* Writes @len bytes to a temporary file beside @path and renames it over
 * @path: readers, and the daemon after its own crash, see the old or the
 * new content, never a mix.  Reports the error. */
int vbFileWriteAtomic(const char *path, const char *data, size_t len, mode_t mode,
                      unsigned int flags);

/* Reads a whole regular file of at most @maxlen bytes; a larger one, or a
 * FIFO or device (refused without blocking), is an error naming the file.
 * Returns the length, or -1 with the error reported. */
gssize vbFileReadAll(const char *path, size_t maxlen, char **content);
/* vbFileReadAll for the daemon's own files (definitions, status): a
 * symbolic link is refused, not followed. */
gssize vbFileReadOwn(const char *path, size_t maxlen, char **content);

/* Whether a directory (@sb from stat) is safe to have above a file of the
 * daemon's: owned by root or the daemon's user, and writable by others
 * only with the sticky bit (as /tmp), so nobody else can rename or swap
 * what lies in it. */
bool vbFileDirIsSafeAncestor(const struct stat *sb);

/* mkdir -p with @mode for the directories it creates. */
int vbFileMakePath(const char *path, mode_t mode);

/* Makes sure that @path, @base or a directory below it, is one that only
 * the daemon's user can change: every directory leading to @base (links
 * resolved) belongs to root or to us and is writable by others only with
 * the sticky bit; @base and each directory below it down to @path is a
 * directory, not a symbolic link, owned by us and writable by no one else.
 * Missing ones are created: @path with @mode, the others 0755.  Reports
 * the error naming the directory and the reason. */
int vbFileMakeSafeDir(const char *base, const char *path, mode_t mode);

/* Removes the entry @name of the directory open as @dirfd if it is still
 * the file @expected describes (same st_dev and st_ino): never a symbolic
 * link followed, never what someone put in its place, and never resolved
 * by path again, so a directory moved or swapped on the way since the
 * file was created changes nothing.  Returns 1 when removed, 0 when the
 * entry is gone or is another file (left alone), -1 with errno set.
 * Reports nothing: callers word it. */
int vbFileRemoveAtIfSame(int dirfd, const char *name, const struct stat *expected);

/* unlink that reports anything but ENOENT */
int vbFileRemoveIfExists(const char *path);

/* Reads exactly @len bytes at @offset; returns the number read (short at
 * end of file) or -1 with errno set.  Reports nothing: callers word it. */
gssize vbFileReadAt(int fd, void *buf, size_t len, off_t offset);
