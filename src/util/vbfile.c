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

gssize
vbFileReadAll(const char *path, size_t maxlen, char **content)
{
    g_autofree char *buf = NULL;
    struct stat sb;
    size_t have = 0;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        vbReportSystemError(errno, _("cannot open '%s'"), path);
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        vbReportSystemError(errno, _("cannot stat '%s'"), path);
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

int
vbFileMakePath(const char *path, mode_t mode)
{
    if (g_mkdir_with_parents(path, mode) < 0) {
        vbReportSystemError(errno, _("cannot create directory '%s'"), path);
        return -1;
    }
    return 0;
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
