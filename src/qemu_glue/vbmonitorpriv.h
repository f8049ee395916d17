/*
 * vbmonitorpriv.h: the QMP monitor's internals, for vbmonitor.c and tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#ifndef VB_MONITOR_PRIV_H_ALLOW
#    error "vbmonitorpriv.h may only be included by vbmonitor.c or test suites"
#endif

#include <glib.h>
#include <stdbool.h>

#include "vberror.h"
#include "vbjson.h"
#include "vbmonitor.h"

struct _vbMonitor {
    gint refs; /* the opener's, one per attached source, one per vbMonitorSend */

    GMutex sendLock; /* held by the one sender with a command in flight */

    GMutex lock; /* protects everything below */
    GCond cond;  /* a reply came, the monitor failed or closed, or a callback returned */

    int fd;
    GMainContext *ctx;
    GSource *readWatch;   /* G_IO_IN on fd, attached to ctx */
    GSource *writeWatch;  /* G_IO_OUT while outbuf cannot be written at once */
    GSource *kick;        /* an idle source that will write outbuf / read inbuf */
    GSource *hangupWatch; /* G_IO_HUP on fd once the monitor failed: QEMU's end */

    GString *inbuf;  /* bytes received, not yet a whole line */
    GString *outbuf; /* bytes to send */
    int outfd;       /* passed with the first byte of outbuf (SCM_RIGHTS); -1 */

    unsigned long long serial; /* of the last command id */
    char *waitId;              /* id of the command in flight; NULL: none */
    vbJSONValue *pendingReply; /* its reply, read, waiting for the events before it */
    vbJSONValue *reply;        /* its reply, for the sender to take */
    unsigned int timeoutMs;

    bool closed;          /* vbMonitorClose was called */
    vbError *lastError;   /* the latched failure */
    bool lastErrorEOF;    /* ... and it was an EOF */
    bool failureNotified; /* eofNotify/errorNotify was called */

    bool inCallback;         /* the event thread runs a callback ... */
    GThread *callbackThread; /* ... in this thread */

    vbMonitorCallbacks cb;
    void *opaque;
};

/* Test hook: the limit on a buffered message (VB_MONITOR_MAX_MESSAGE) */
void vbMonitorSetMaxMessage(size_t len);
