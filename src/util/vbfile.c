/*
 * vbfile.c: files written so that a crash never leaves half of one
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbfile.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

static int
vbFileWriteAll(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= n;
    }
    return 0;
}

int
vbFileWriteAtomic(const char *path, const char *data, size_t len, mode_t mode, unsigned int flags)
{
    bool durable = flags & VB_FILE_WRITE_DURABLE;
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *tmp = g_strdup_printf("%s.new.XXXXXX", path);
    int fd;
    int dirfd;

    if ((fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode)) < 0) {
        vbReportSystemError(errno, _("cannot create temporary file for '%s'"), path);
        return -1;
    }
    if (fchmod(fd, mode) < 0 || vbFileWriteAll(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
        vbReportSystemError(errno, _("cannot write '%s'"), tmp);
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) < 0) {
        vbReportSystemError(errno, _("cannot write '%s'"), tmp);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        vbReportSystemError(errno, _("cannot rename '%s' to '%s'"), tmp, path);
        unlink(tmp);
        return -1;
    }
    /* The rename is durable only once the directory entry is. */
    if (durable && (dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        (void) fsync(dirfd);
        close(dirfd);
    }
    return 0;
}

static gssize
vbFileReadAllInternal(const char *path, size_t maxlen, char **content, bool own)
{
    g_autofree char *buf = NULL;
    struct stat sb;
    size_t have = 0;
    int fd;

    /* O_NONBLOCK: a FIFO in place of a file must not hang us (it is
     * refused below, as is a device: every caller reads a regular file) */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (own ? O_NOFOLLOW : 0))) < 0) {
        if (own && errno == ELOOP)
            vbReportError(VIR_ERR_OPERATION_INVALID, _("cannot read '%s': it is a symbolic link"),
                          path);
        else
            vbReportSystemError(errno, _("cannot open '%s'"), path);
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        vbReportSystemError(errno, _("cannot stat '%s'"), path);
        close(fd);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("cannot read '%s': it is not a regular file"),
                      path);
        close(fd);
        return -1;
    }
    if (sb.st_size > 0 && (size_t) sb.st_size > maxlen) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("file '%s' is larger than %zu bytes"), path,
                      maxlen);
        close(fd);
        return -1;
    }

    buf = g_malloc(maxlen + 1);
    for (;;) {
        ssize_t n = read(fd, buf + have, maxlen + 1 - have);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            vbReportSystemError(errno, _("cannot read '%s'"), path);
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        have += n;
        if (have > maxlen) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("file '%s' is larger than %zu bytes"), path,
                          maxlen);
            close(fd);
            return -1;
        }
    }
    close(fd);
    buf[have] = '\0';
    *content = g_steal_pointer(&buf);
    return have;
}

gssize
vbFileReadAll(const char *path, size_t maxlen, char **content)
{
    return vbFileReadAllInternal(path, maxlen, content, false);
}

gssize
vbFileReadOwn(const char *path, size_t maxlen, char **content)
{
    return vbFileReadAllInternal(path, maxlen, content, true);
}

int
vbFileMakePath(const char *path, mode_t mode)
{
    if (g_mkdir_with_parents(path, mode) < 0) {
        vbReportSystemError(errno, _("cannot create directory '%s'"), path);
        return -1;
    }
    return 0;
}

bool
vbFileDirIsSafeAncestor(const struct stat *sb)
{
    return (sb->st_uid == 0 || sb->st_uid == geteuid()) &&
           (!(sb->st_mode & (S_IWGRP | S_IWOTH)) || (sb->st_mode & S_ISVTX));
}

/* Above the daemon's own directories: whoever may change one of these
 * may swap what lies below (vbFileDirIsSafeAncestor). */
static int
vbFileCheckAncestor(const char *path, const struct stat *sb)
{
    uid_t uid = geteuid();

    if (!S_ISDIR(sb->st_mode)) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("cannot use '%s': it is not a directory"), path);
        return -1;
    }
    if (sb->st_uid != 0 && sb->st_uid != uid) {
        vbReportError(
            VIR_ERR_OPERATION_INVALID,
            _("cannot use directory '%s': it is owned by uid %u, not by root or the daemon's uid %u"),
            path, (unsigned int) sb->st_uid, (unsigned int) uid);
        return -1;
    }
    if ((sb->st_mode & (S_IWGRP | S_IWOTH)) && !(sb->st_mode & S_ISVTX)) {
        vbReportError(
            VIR_ERR_OPERATION_INVALID,
            _("cannot use directory '%s': it is writable by other users (mode %04o) without the sticky bit"),
            path, (unsigned int) (sb->st_mode & 07777));
        return -1;
    }
    return 0;
}

/* The daemon's own directories: a real directory (never a symlink), ours,
 * and writable by nobody else, sticky or not. */
static int
vbFileCheckOwnDir(const char *path, const struct stat *sb)
{
    uid_t uid = geteuid();

    if (S_ISLNK(sb->st_mode)) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("cannot use directory '%s': it is a symbolic link"), path);
        return -1;
    }
    if (!S_ISDIR(sb->st_mode)) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("cannot use '%s': it is not a directory"), path);
        return -1;
    }
    if (sb->st_uid != uid) {
        vbReportError(
            VIR_ERR_OPERATION_INVALID,
            _("cannot use directory '%s': it is owned by uid %u, not by the daemon's uid %u"), path,
            (unsigned int) sb->st_uid, (unsigned int) uid);
        return -1;
    }
    if (sb->st_mode & (S_IWGRP | S_IWOTH)) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("cannot use directory '%s': it is writable by other users (mode %04o)"),
                      path, (unsigned int) (sb->st_mode & 07777));
        return -1;
    }
    return 0;
}

/* lstat, creating a missing directory with @mode first */
static int
vbFileMakeOwnDir(const char *path, mode_t mode, struct stat *sb)
{
    if (lstat(path, sb) == 0)
        return 0;
    if (errno != ENOENT) {
        vbReportSystemError(errno, _("cannot stat '%s'"), path);
        return -1;
    }
    if (mkdir(path, mode) < 0 && errno != EEXIST) {
        vbReportSystemError(errno, _("cannot create directory '%s'"), path);
        return -1;
    }
    if (lstat(path, sb) < 0) {
        vbReportSystemError(errno, _("cannot stat '%s'"), path);
        return -1;
    }
    return 0;
}

int
vbFileMakeSafeDir(const char *base, const char *path, mode_t mode)
{
    g_autofree char *parent = g_path_get_dirname(base);
    g_autofree char *existing = NULL;
    g_autofree char *real = NULL;
    g_auto(GStrv) parts = NULL;
    g_autofree char *cur = NULL;
    size_t baselen = strlen(base);
    struct stat sb;
    size_t i;

    if (!g_path_is_absolute(base) ||
        !(g_str_equal(path, base) || (g_str_has_prefix(path, base) && path[baselen] == '/'))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("directory '%s' is not below '%s'"), path, base);
        return -1;
    }

    /* What leads to @base, as far as it exists: checked before anything
     * is created below it, so that a refused way gains no directory. */
    existing = g_strdup(parent);
    while (lstat(existing, &sb) < 0 && errno == ENOENT && strcmp(existing, "/") != 0) {
        g_autofree char *up = g_path_get_dirname(existing);

        g_free(existing);
        existing = g_steal_pointer(&up);
    }

    /* Resolved, so that each real directory on the way is checked once
     * and no link is left to follow later. */
    if (!(real = realpath(existing, NULL))) {
        vbReportSystemError(errno, _("cannot resolve '%s'"), existing);
        return -1;
    }
    parts = g_strsplit(real, "/", -1);
    cur = g_strdup("/");
    for (i = 0;; i++) {
        if (stat(cur, &sb) < 0) {
            vbReportSystemError(errno, _("cannot stat '%s'"), cur);
            return -1;
        }
        if (vbFileCheckAncestor(cur, &sb) < 0)
            return -1;
        while (parts[i] && !*parts[i])
            i++;
        if (!parts[i])
            break;
        g_autofree char *next = g_build_filename(cur, parts[i], NULL);
        g_free(cur);
        cur = g_steal_pointer(&next);
    }

    /* The same way unresolved: a link on it must be root's or ours, or its
     * owner could point it elsewhere later. */
    g_clear_pointer(&parts, g_strfreev);
    g_clear_pointer(&cur, g_free);
    parts = g_strsplit(existing, "/", -1);
    cur = g_strdup("");
    for (i = 0; parts[i]; i++) {
        if (!*parts[i])
            continue;
        g_autofree char *next = g_strconcat(cur, "/", parts[i], NULL);
        g_free(cur);
        cur = g_steal_pointer(&next);
        if (lstat(cur, &sb) < 0) {
            vbReportSystemError(errno, _("cannot stat '%s'"), cur);
            return -1;
        }
        if (S_ISLNK(sb.st_mode) && sb.st_uid != 0 && sb.st_uid != geteuid()) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("cannot use '%s': it is a symbolic link owned by uid %u"), cur,
                          (unsigned int) sb.st_uid);
            return -1;
        }
    }

    /* the rest of the way, in a directory no one else can change */
    if (vbFileMakePath(parent, 0755) < 0)
        return -1;

    /* @base and below: created if missing (@mode for @path, 0755 on the
     * way), never followed if a link */
    g_clear_pointer(&parts, g_strfreev);
    g_clear_pointer(&cur, g_free);
    parts = g_strsplit(path + baselen, "/", -1);
    cur = g_strdup(base);
    for (i = 0;; i++) {
        bool last;

        while (parts[i] && !*parts[i])
            i++;
        last = !parts[i];
        if (vbFileMakeOwnDir(cur, last ? mode : 0755, &sb) < 0 || vbFileCheckOwnDir(cur, &sb) < 0)
            return -1;
        if (last)
            break;
        g_autofree char *next = g_build_filename(cur, parts[i], NULL);
        g_free(cur);
        cur = g_steal_pointer(&next);
    }
    return 0;
}

int
vbFileRemoveAtIfSame(int dirfd, const char *name, const struct stat *expected)
{
    struct stat st;

    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -1;
    if (st.st_dev != expected->st_dev || st.st_ino != expected->st_ino)
        return 0;
    /* Between the two calls only whoever may write the directory could
     * swap the entry: the callers' directories are checked to be ones
     * nobody else can change. */
    if (unlinkat(dirfd, name, 0) < 0)
        return errno == ENOENT ? 0 : -1;
    return 1;
}

int
vbFileRemoveIfExists(const char *path)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        vbReportSystemError(errno, _("cannot remove '%s'"), path);
        return -1;
    }
    return 0;
}

gssize
vbFileReadAt(int fd, void *buf, size_t len, off_t offset)
{
    size_t have = 0;

    while (have < len) {
        ssize_t n = pread(fd, (char *) buf + have, len - have, offset + have);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        have += n;
    }
    return have;
}
