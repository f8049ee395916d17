/*
 * vblog.h: the daemon's log
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Library code reports errors (vberror.h) and logs only at debug level, to
 * leave a trail (monitor traffic, state transitions).  What reaches the
 * journal above debug is decided by the daemon.
 */

#pragma once

#include <glib.h>

typedef enum {
    VB_LOG_DEBUG = 1,
    VB_LOG_INFO,
    VB_LOG_WARN,
    VB_LOG_ERROR,
} vbLogPriority;

void vbLogSetPriority(vbLogPriority prio);
vbLogPriority vbLogGetPriority(void);
/* Where log lines go; -1 restores stderr.  The fd is not closed by us (a
 * file of vbLogOpenFile in use until then is closed and forgotten). */
void vbLogSetOutputFd(int fd);
/* Sends log lines to @path (appended, created 0600, never through a
 * symbolic link), which we own from now on.  Reports the error and keeps
 * the old output on failure. */
int vbLogOpenFile(const char *path);
/* Opens the file of vbLogOpenFile again, for logrotate (SIGHUP): the
 * renamed file is closed and @path created anew.  Returns 1 when reopened,
 * 0 when the log goes to stderr, -1 with the error reported (the old file
 * is kept). */
int vbLogReopen(void);
/* Closes the file of vbLogOpenFile, if it is in use; lines go to stderr
 * again.  An fd given to vbLogSetOutputFd stays open and in use. */
void vbLogClose(void);

void vbLogMessage(vbLogPriority prio, const char *file, const char *func, size_t line,
                  const char *fmt, ...) G_GNUC_PRINTF(5, 6);

#define VB_LOG(prio, ...) \
    do { \
        if ((prio) >= vbLogGetPriority()) \
            vbLogMessage(prio, __FILE__, __func__, __LINE__, __VA_ARGS__); \
    } while (0)

#define VB_DEBUG_FULL(file, func, line, ...) \
    do { \
        if (VB_LOG_DEBUG >= vbLogGetPriority()) \
            vbLogMessage(VB_LOG_DEBUG, file, func, line, __VA_ARGS__); \
    } while (0)

#define VB_DEBUG(...) VB_LOG(VB_LOG_DEBUG, __VA_ARGS__)
#define VB_INFO(...) VB_LOG(VB_LOG_INFO, __VA_ARGS__)
#define VB_WARN(...) VB_LOG(VB_LOG_WARN, __VA_ARGS__)
#define VB_ERROR(...) VB_LOG(VB_LOG_ERROR, __VA_ARGS__)
