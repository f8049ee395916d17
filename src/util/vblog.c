/*
 * vblog.c: the daemon's log
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vblog.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

static gint vbLogPrio = VB_LOG_WARN;
static gint vbLogFd = -1;
static GMutex vbLogLock;
/* the file vbLogOpenFile opened, owned here and reopened by vbLogReopen */
static char *vbLogPath;

static const char *const vbLogPrioNames[] = {
    [VB_LOG_DEBUG] = "debug",
    [VB_LOG_INFO] = "info",
    [VB_LOG_WARN] = "warning",
    [VB_LOG_ERROR] = "error",
};

void
vbLogSetPriority(vbLogPriority prio)
{
    g_atomic_int_set(&vbLogPrio, prio);
}

vbLogPriority
vbLogGetPriority(void)
{
    return g_atomic_int_get(&vbLogPrio);
}

void
vbLogSetOutputFd(int fd)
{
    int old = -1;

    /* the file of vbLogOpenFile is ours to close; @fd never is, so it
     * must not be taken for that file by a later reopen or close */
    g_mutex_lock(&vbLogLock);
    if (vbLogPath)
        old = g_atomic_int_get(&vbLogFd);
    g_clear_pointer(&vbLogPath, g_free);
    g_atomic_int_set(&vbLogFd, fd);
    g_mutex_unlock(&vbLogLock);
    if (old >= 0)
        close(old);
}

/* Neither a link nor a FIFO planted at @path (by whoever may write to its
 * directory, after logrotate renamed the file) is taken: the first would
 * have us append to any file, the second block the main loop in open()
 * until someone reads.  O_NONBLOCK is for the open only. */
static int
vbLogOpen(const char *path)
{
    int fd;
    int flags;

    if ((fd = open(path,
                   O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK,
                   0600)) < 0) {
        if (errno == ELOOP)
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("cannot open log '%s': it is a symbolic link"), path);
        else
            vbReportSystemError(errno, _("cannot open log '%s'"), path);
        return -1;
    }
    if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        vbReportSystemError(errno, _("cannot open log '%s'"), path);
        close(fd);
        return -1;
    }
    return fd;
}

int
vbLogOpenFile(const char *path)
{
    int fd;
    int old;

    if ((fd = vbLogOpen(path)) < 0)
        return -1;
    g_mutex_lock(&vbLogLock);
    old = g_atomic_int_get(&vbLogFd);
    g_atomic_int_set(&vbLogFd, fd);
    g_free(vbLogPath);
    vbLogPath = g_strdup(path);
    g_mutex_unlock(&vbLogLock);
    if (old >= 0)
        close(old);
    return 0;
}

int
vbLogReopen(void)
{
    g_autofree char *path = NULL;
    int fd;
    int old;

    g_mutex_lock(&vbLogLock);
    path = g_strdup(vbLogPath);
    g_mutex_unlock(&vbLogLock);
    if (!path)
        return 0;
    /* the old file stays in use until the new one is open: a failure
     * loses no line */
    if ((fd = vbLogOpen(path)) < 0)
        return -1;
    /* swapped under the lock that every write holds, so no thread writes
     * to a descriptor being closed (or, worse, reused) */
    g_mutex_lock(&vbLogLock);
    old = g_atomic_int_get(&vbLogFd);
    g_atomic_int_set(&vbLogFd, fd);
    g_mutex_unlock(&vbLogLock);
    if (old >= 0)
        close(old);
    return 1;
}

void
vbLogClose(void)
{
    int old = -1;

    g_mutex_lock(&vbLogLock);
    if (vbLogPath) {
        old = g_atomic_int_get(&vbLogFd);
        g_atomic_int_set(&vbLogFd, -1);
    }
    g_clear_pointer(&vbLogPath, g_free);
    g_mutex_unlock(&vbLogLock);
    if (old >= 0)
        close(old);
}

void
vbLogMessage(vbLogPriority prio, const char *file, const char *func, size_t line, const char *fmt,
             ...)
{
    int saveErrno = errno;
    g_autofree char *msg = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
    int fd;
    va_list ap;
    size_t len;
    size_t done = 0;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    out = g_strdup_printf("%s.%03d: %lu: %s : %s:%zu : %s\n", stamp,
                          g_date_time_get_microsecond(now) / 1000, (unsigned long) getpid(),
                          vbLogPrioNames[prio], func, line, msg);
    len = strlen(out);

    /* One write per line, serialised, so lines of threads never interleave. */
    g_mutex_lock(&vbLogLock);
    if ((fd = g_atomic_int_get(&vbLogFd)) < 0)
        fd = STDERR_FILENO;
    while (done < len) {
        ssize_t n = write(fd, out + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += n;
    }
    g_mutex_unlock(&vbLogLock);
    (void) file;
    errno = saveErrno;
}
