/*
 * vblog.c: the daemon's log
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vblog.h"

static gint vbLogPrio = VB_LOG_WARN;
static gint vbLogFd = -1;
static GMutex vbLogLock;

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
    g_atomic_int_set(&vbLogFd, fd);
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
    int fd = g_atomic_int_get(&vbLogFd);
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
    if (fd < 0)
        fd = STDERR_FILENO;

    /* One write per line, serialised, so lines of threads never interleave. */
    g_mutex_lock(&vbLogLock);
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
