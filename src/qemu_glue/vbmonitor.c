/*
 * vbmonitor.c: the QMP monitor transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#define VB_MONITOR_PRIV_H_ALLOW
#include "vbmonitorpriv.h"
#include "vberror.h"
#include "vblog.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* How often vbMonitorOpen tries again while QEMU has not created its
 * socket yet: QEMU listens about 0.1 s after it starts. */
#define VB_MONITOR_CONNECT_RETRY_MS 10

static size_t vbMonitorMaxMessage = VB_MONITOR_MAX_MESSAGE;

void
vbMonitorSetMaxMessage(size_t len)
{
    vbMonitorMaxMessage = len ? len : VB_MONITOR_MAX_MESSAGE;
}

typedef struct {
    char *name;
    vbJSONValue *data;
    long long seconds;
    unsigned int micros;
} vbMonitorEvent;

static void
vbMonitorEventFree(gpointer opaque)
{
    vbMonitorEvent *ev = opaque;

    g_free(ev->name);
    vbJSONValueFree(ev->data);
    g_free(ev);
}

static vbMonitor *
vbMonitorRef(vbMonitor *mon)
{
    g_atomic_int_inc(&mon->refs);
    return mon;
}

static void
vbMonitorUnref(vbMonitor *mon)
{
    if (!mon || !g_atomic_int_dec_and_test(&mon->refs))
        return;

    if (mon->fd >= 0)
        close(mon->fd);
    if (mon->ctx)
        g_main_context_unref(mon->ctx);
    g_string_free(mon->inbuf, TRUE);
    g_string_free(mon->outbuf, TRUE);
    g_free(mon->waitId);
    vbJSONValueFree(mon->reply);
    vbJSONValueFree(mon->pendingReply);
    vbErrorFree(mon->lastError);
    g_mutex_clear(&mon->sendLock);
    g_mutex_clear(&mon->lock);
    g_cond_clear(&mon->cond);
    g_free(mon);
}

/* Only for the opener, before the monitor is handed out */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbMonitor, vbMonitorUnref);

static void
vbMonitorUnrefNotify(gpointer opaque)
{
    vbMonitorUnref(opaque);
}

/* Runs @func for @source in the event thread, with a reference on @mon
 * for as long as the source exists. */
static void
vbMonitorAttach(vbMonitor *mon, GSource *source, GSourceFunc func)
{
    g_source_set_callback(source, func, vbMonitorRef(mon), vbMonitorUnrefNotify);
    g_source_attach(source, mon->ctx);
}

/* Makes the error just reported in this thread the monitor's latched
 * failure (the first one wins) and wakes the sender.  Lock held. */
static void
vbMonitorLatchError(vbMonitor *mon, bool eof)
{
    g_autoptr(vbError) err = vbErrorSave();

    if (mon->lastError)
        return;
    mon->lastError = g_steal_pointer(&err);
    mon->lastErrorEOF = eof;
    g_cond_broadcast(&mon->cond);
}

static void
vbMonitorReportEOF(void)
{
    vbReportError(VIR_ERR_OPERATION_FAILED, _("End of file from qemu monitor"));
}

/* ------------------------------------------------------------------ */
/* Callbacks: run in the event thread without the lock, never after
 * vbMonitorClose returned. */

static bool
vbMonitorEnterCallback(vbMonitor *mon)
{
    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        g_mutex_unlock(&mon->lock);
        return false;
    }
    mon->inCallback = true;
    mon->callbackThread = g_thread_self();
    g_mutex_unlock(&mon->lock);
    return true;
}

static void
vbMonitorLeaveCallback(vbMonitor *mon)
{
    g_mutex_lock(&mon->lock);
    mon->inCallback = false;
    mon->callbackThread = NULL;
    g_cond_broadcast(&mon->cond);
    g_mutex_unlock(&mon->lock);
}

/* Wakes the sender with its reply, if one was read.  Its sender may have
 * timed out meanwhile, and another one be waiting: hence the id check. */
static void
vbMonitorDeliverReply(vbMonitor *mon)
{
    g_autoptr(vbJSONValue) reply = NULL;
    const char *id;

    g_mutex_lock(&mon->lock);
    reply = g_steal_pointer(&mon->pendingReply);
    id = vbJSONValueObjectGetString(reply, "id");
    if (reply && mon->waitId && (!id || g_strcmp0(id, mon->waitId) == 0)) {
        g_clear_pointer(&mon->waitId, g_free);
        vbJSONValueFree(mon->reply);
        mon->reply = g_steal_pointer(&reply);
    }
    /* also when nothing was delivered: a sender waits for the pending
     * reply before it looks at a latched failure */
    g_cond_broadcast(&mon->cond);
    g_mutex_unlock(&mon->lock);
}

static gboolean vbMonitorIOHangup(gint fd, GIOCondition cond, gpointer opaque);

/* Runs the callbacks for what one read brought, in QEMU's order: the
 * events, then the reply is handed to its sender, then a failure is
 * notified.  So events QEMU sent before a reply have been delivered when
 * vbMonitorSend returns. */
static void
vbMonitorDispatch(vbMonitor *mon, GPtrArray *events)
{
    size_t i;
    bool notify = false;
    bool eof = false;

    for (i = 0; i < events->len; i++) {
        vbMonitorEvent *ev = events->pdata[i];

        if (!vbMonitorEnterCallback(mon))
            break;
        if (mon->cb.event)
            mon->cb.event(mon, ev->name, ev->data, ev->seconds, ev->micros, mon->opaque);
        vbMonitorLeaveCallback(mon);
    }

    vbMonitorDeliverReply(mon);

    g_mutex_lock(&mon->lock);
    if (!mon->closed && mon->lastError && !mon->failureNotified) {
        mon->failureNotified = true;
        notify = true;
        eof = mon->lastErrorEOF;
        /* Nothing is read any more, so the readable socket is no longer
         * polled for; its hangup still is. */
        if (!eof && mon->fd >= 0) {
            mon->hangupWatch = g_unix_fd_source_new(mon->fd, G_IO_HUP | G_IO_ERR);
            vbMonitorAttach(mon, mon->hangupWatch, G_SOURCE_FUNC(vbMonitorIOHangup));
        }
    }
    g_mutex_unlock(&mon->lock);

    if (!notify || !vbMonitorEnterCallback(mon))
        return;
    if (eof && mon->cb.eofNotify)
        mon->cb.eofNotify(mon, mon->opaque);
    else if (!eof && mon->cb.errorNotify)
        mon->cb.errorNotify(mon, mon->opaque);
    vbMonitorLeaveCallback(mon);
}

/* ------------------------------------------------------------------ */
/* Reading and framing: QMP sends one JSON object per line, and one read
 * may hold several of them or a part of one. */

/* What QEMU sent, for an error message: at most 200 bytes, valid UTF-8. */
static char *
vbMonitorQuoteLine(const char *line)
{
    return g_utf8_make_valid(line, MIN(strlen(line), 200));
}

/* Takes one message; latches a failure.  Lock held. */
static void
vbMonitorHandleLine(vbMonitor *mon, const char *line, GPtrArray *events)
{
    g_autoptr(vbJSONValue) msg = NULL;
    g_autofree char *quoted = NULL;
    const char *name;

    VB_DEBUG("QMP recv mon=%p: %s", mon, line);

    if (!(msg = vbJSONValueFromString(line))) {
        VB_DEBUG("mon=%p: %s", mon, vbGetLastErrorMessage());
        quoted = vbMonitorQuoteLine(line);
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("QEMU monitor sent a line that is not JSON: '%s'"),
                      quoted);
        vbMonitorLatchError(mon, false);
        return;
    }

    if (vbJSONValueObjectHasKey(msg, "QMP")) {
        VB_DEBUG("mon=%p: ignoring a second QMP greeting", mon);
        return;
    }

    if ((name = vbJSONValueObjectGetString(msg, "event"))) {
        vbMonitorEvent *ev = g_new0(vbMonitorEvent, 1);
        vbJSONValue *stamp = vbJSONValueObjectGetObject(msg, "timestamp");
        unsigned long long micros = 0;

        ev->name = g_strdup(name);
        ev->data = vbJSONValueObjectStealValue(msg, "data");
        if (vbJSONValueObjectGetNumberLong(stamp, "seconds", &ev->seconds) < 0)
            ev->seconds = -1;
        if (vbJSONValueObjectGetNumberUlong(stamp, "microseconds", &micros) == 0 &&
            micros < G_USEC_PER_SEC)
            ev->micros = micros;
        g_ptr_array_add(events, ev);
        return;
    }

    if (vbJSONValueObjectHasKey(msg, "return") || vbJSONValueObjectHasKey(msg, "error")) {
        vbJSONValue *id = vbJSONValueObjectGet(msg, "id");

        /* QEMU leaves out the id only when it could not read the command
         * (and so not its id): that reply is for the command in flight. */
        if (mon->waitId && (!id || g_strcmp0(vbJSONValueGetString(id), mon->waitId) == 0)) {
            /* handed over by vbMonitorDeliverReply once the events read
             * before it were dispatched */
            vbJSONValueFree(mon->pendingReply);
            mon->pendingReply = g_steal_pointer(&msg);
        } else {
            /* The reply to a command whose sender timed out */
            VB_DEBUG("mon=%p: dropping a reply nobody waits for", mon);
        }
        return;
    }

    quoted = vbMonitorQuoteLine(line);
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected message from QEMU monitor: '%s'"), quoted);
    vbMonitorLatchError(mon, false);
}

/* Handles every whole line in inbuf.  Lock held. */
static void
vbMonitorProcessInput(vbMonitor *mon, GPtrArray *events)
{
    size_t off = 0;
    const char *nl;

    while (!mon->lastError && off < mon->inbuf->len &&
           (nl = memchr(mon->inbuf->str + off, '\n', mon->inbuf->len - off))) {
        g_autofree char *line = g_strndup(mon->inbuf->str + off, nl - (mon->inbuf->str + off));

        off = nl - mon->inbuf->str + 1;
        g_strstrip(line); /* QEMU ends lines with \r\n */
        if (*line)
            vbMonitorHandleLine(mon, line, events);
    }
    g_string_erase(mon->inbuf, 0, off);

    if (!mon->lastError && mon->inbuf->len > vbMonitorMaxMessage) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("QEMU monitor reply exceeds buffer size (%zu bytes)"), vbMonitorMaxMessage);
        vbMonitorLatchError(mon, false);
    }
}

/* One read into inbuf.  Returns false at EOF or on a (latched) error.
 * Lock held. */
static bool
vbMonitorReadOnce(vbMonitor *mon)
{
    char buf[65536];
    ssize_t n;

    do {
        n = read(mon->fd, buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);

    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return true;
        if (errno == ECONNRESET)
            return false;
        vbReportSystemError(errno, _("cannot read from QEMU monitor"));
        vbMonitorLatchError(mon, false);
        return false;
    }
    if (n == 0)
        return false;
    g_string_append_len(mon->inbuf, buf, n);
    return true;
}

/* ------------------------------------------------------------------ */
/* The event thread's sources */

static gboolean vbMonitorIOWritable(gint fd, GIOCondition cond, gpointer opaque);

static void
vbMonitorDropSource(GSource **source)
{
    if (!*source)
        return;
    g_source_destroy(*source);
    g_source_unref(g_steal_pointer(source));
}

/* One send(2) of outbuf; the descriptor to pass (getfd) travels with its
 * first byte, and only once. */
static ssize_t
vbMonitorSendBytes(vbMonitor *mon)
{
    char control[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {.iov_base = mon->outbuf->str, .iov_len = mon->outbuf->len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    struct cmsghdr *cmsg;
    ssize_t n;

    if (mon->outfd < 0)
        return send(mon->fd, mon->outbuf->str, mon->outbuf->len, MSG_NOSIGNAL | MSG_DONTWAIT);

    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &mon->outfd, sizeof(int));
    n = sendmsg(mon->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0)
        mon->outfd = -1; /* the caller's: it closes it after the reply */
    return n;
}

/* Writes as much of outbuf as the socket takes; waits for G_IO_OUT for
 * the rest.  Lock held, event thread. */
static void
vbMonitorIOWrite(vbMonitor *mon)
{
    while (mon->outbuf->len > 0) {
        ssize_t n = vbMonitorSendBytes(mon);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (!mon->writeWatch) {
                    mon->writeWatch = g_unix_fd_source_new(mon->fd, G_IO_OUT);
                    vbMonitorAttach(mon, mon->writeWatch, G_SOURCE_FUNC(vbMonitorIOWritable));
                }
                return;
            }
            if (errno == EPIPE || errno == ECONNRESET) {
                vbMonitorReportEOF();
                vbMonitorLatchError(mon, true);
            } else {
                vbReportSystemError(errno, _("cannot write to QEMU monitor"));
                vbMonitorLatchError(mon, false);
            }
            return;
        }
        g_string_erase(mon->outbuf, 0, n);
    }
    vbMonitorDropSource(&mon->writeWatch);
}

static gboolean
vbMonitorIOWritable(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED, gpointer opaque)
{
    vbMonitor *mon = opaque;
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(vbMonitorEventFree);
    gboolean ret = G_SOURCE_CONTINUE;

    g_mutex_lock(&mon->lock);
    if (!mon->closed && !mon->lastError)
        vbMonitorIOWrite(mon);
    if (mon->closed || mon->lastError || !mon->writeWatch)
        ret = G_SOURCE_REMOVE;
    g_mutex_unlock(&mon->lock);

    vbMonitorDispatch(mon, events);
    return ret;
}

static gboolean
vbMonitorIOReadable(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED, gpointer opaque)
{
    vbMonitor *mon = opaque;
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(vbMonitorEventFree);
    gboolean ret = G_SOURCE_CONTINUE;

    g_mutex_lock(&mon->lock);
    if (!mon->closed && !mon->lastError) {
        bool more = vbMonitorReadOnce(mon);

        /* the lines before an EOF still count */
        vbMonitorProcessInput(mon, events);
        if (!more && !mon->lastError) {
            vbMonitorReportEOF();
            vbMonitorLatchError(mon, true);
        }
    }
    if (mon->closed || mon->lastError)
        ret = G_SOURCE_REMOVE;
    g_mutex_unlock(&mon->lock);

    vbMonitorDispatch(mon, events);
    return ret;
}

/* QEMU closed the socket of a monitor that had failed otherwise. */
static gboolean
vbMonitorIOHangup(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED, gpointer opaque)
{
    vbMonitor *mon = opaque;

    /* Once: the source goes away on return. */
    if (vbMonitorEnterCallback(mon)) {
        if (mon->cb.eofNotify)
            mon->cb.eofNotify(mon, mon->opaque);
        vbMonitorLeaveCallback(mon);
    }
    return G_SOURCE_REMOVE;
}

/* Runs once in the event thread after a sender queued output, or after
 * the handshake left bytes in inbuf. */
static gboolean
vbMonitorIOKick(gpointer opaque)
{
    vbMonitor *mon = opaque;
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(vbMonitorEventFree);

    g_mutex_lock(&mon->lock);
    g_clear_pointer(&mon->kick, g_source_unref);
    if (!mon->closed && !mon->lastError) {
        vbMonitorProcessInput(mon, events);
        if (!mon->lastError)
            vbMonitorIOWrite(mon);
    }
    g_mutex_unlock(&mon->lock);

    vbMonitorDispatch(mon, events);
    return G_SOURCE_REMOVE;
}

/* Asks the event thread to run vbMonitorIOKick.  Lock held. */
static void
vbMonitorKick(vbMonitor *mon)
{
    if (mon->kick)
        return;
    mon->kick = g_idle_source_new();
    vbMonitorAttach(mon, mon->kick, vbMonitorIOKick);
}

/* ------------------------------------------------------------------ */
/* Opening: the handshake runs in the caller's thread on the still
 * blocking socket, before the event thread sees it. */

static vbJSONValue *
vbMonitorHandshakeRead(vbMonitor *mon, gint64 deadline)
{
    for (;;) {
        const char *nl;
        struct pollfd pfd = {.fd = mon->fd, .events = POLLIN};
        gint64 remaining;
        int rc;

        while ((nl = memchr(mon->inbuf->str, '\n', mon->inbuf->len))) {
            g_autofree char *line = g_strndup(mon->inbuf->str, nl - mon->inbuf->str);

            g_string_erase(mon->inbuf, 0, nl - mon->inbuf->str + 1);
            g_strstrip(line);
            if (!*line)
                continue;
            VB_DEBUG("QMP recv mon=%p: %s", mon, line);
            return vbJSONValueFromString(line);
        }
        if (mon->inbuf->len > vbMonitorMaxMessage) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("QEMU monitor reply exceeds buffer size (%zu bytes)"),
                          vbMonitorMaxMessage);
            return NULL;
        }

        remaining = (deadline - g_get_monotonic_time()) / G_TIME_SPAN_MILLISECOND;
        if (remaining <= 0 || (rc = poll(&pfd, 1, remaining)) == 0) {
            vbReportError(VIR_ERR_OPERATION_TIMEOUT,
                          _("QEMU monitor did not complete the QMP handshake within %u ms"),
                          mon->timeoutMs);
            return NULL;
        }
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            vbReportSystemError(errno, _("cannot read from QEMU monitor"));
            return NULL;
        }
        if (!vbMonitorReadOnce(mon)) {
            if (mon->lastError) {
                vbErrorRestore(&mon->lastError);
                return NULL;
            }
            vbMonitorReportEOF();
            return NULL;
        }
    }
}

/* @text (the command @command as sent) for the debug log, where a secret
 * given to QEMU (the "password" argument: set_password) is not written:
 * the log may be kept where others read it */
static char *
vbMonitorCommandLogText(const vbJSONValue *command, const char *text)
{
    vbJSONValue *args = vbJSONValueObjectGetObject(command, "arguments");
    g_autoptr(vbJSONValue) copy = NULL;
    g_autoptr(vbJSONValue) secret = NULL;
    g_autoptr(vbJSONValue) hidden = NULL;

    if (!args || !vbJSONValueObjectHasKey(args, "password"))
        return g_strdup(text);
    copy = vbJSONValueCopy(command);
    args = vbJSONValueObjectGetObject(copy, "arguments");
    secret = vbJSONValueObjectStealValue(args, "password");
    hidden = vbJSONValueNewString("<hidden>");
    if (vbJSONValueObjectAppend(args, "password", &hidden) < 0) {
        vbResetLastError();
        return g_strdup("<a command with a password>");
    }
    return vbJSONValueToString(copy, false);
}

static int
vbMonitorHandshakeWrite(vbMonitor *mon, const char *text)
{
    g_autofree char *line = g_strconcat(text, "\n", NULL);
    size_t len = strlen(line);
    size_t done = 0;

    VB_DEBUG("QMP send mon=%p: %s", mon, text);
    while (done < len) {
        ssize_t n = send(mon->fd, line + done, len - done, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EPIPE || errno == ECONNRESET) {
                vbMonitorReportEOF();
                return -1;
            }
            vbReportSystemError(errno, _("cannot write to QEMU monitor"));
            return -1;
        }
        done += n;
    }
    return 0;
}

static int
vbMonitorHandshake(vbMonitor *mon)
{
    gint64 deadline = g_get_monotonic_time() + mon->timeoutMs * G_TIME_SPAN_MILLISECOND;
    g_autoptr(vbJSONValue) greeting = NULL;
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) reply = NULL;
    g_autofree char *id = g_strdup_printf("vb-%llu", ++mon->serial);
    g_autofree char *text = NULL;

    /* A monitor that had a client before may first flush what QEMU sent
     * after that client left, ahead of the greeting: QEMU 7.2 puts the
     * monitor back in negotiation mode only once the next client
     * connects, so an event, or the reply to a command the old client
     * had in flight, reaches the new one.  They belong to the old
     * connection; whoever reconnects queries the state they describe. */
    for (;;) {
        g_autofree char *stale = NULL;

        g_clear_pointer(&greeting, vbJSONValueFree);
        if (!(greeting = vbMonitorHandshakeRead(mon, deadline)))
            return -1;
        if (!vbJSONValueObjectHasKey(greeting, "event") &&
            !vbJSONValueObjectHasKey(greeting, "return") &&
            !vbJSONValueObjectHasKey(greeting, "error"))
            break;
        stale = vbJSONValueToString(greeting, false);
        VB_DEBUG("mon=%p: dropping a message for the previous client: %s", mon, NULLSTR(stale));
    }
    if (!vbJSONValueObjectGetObject(greeting, "QMP")) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("QEMU monitor did not start with the QMP greeting"));
        return -1;
    }

    /* The one command the transport knows: it leaves negotiation mode.
     * QEMU sends no events before it, so the next message is the reply;
     * but a connection that follows another one closing (our own probe in
     * vbQemuProcessWaitForMonitor) may get QEMU's greeting twice. */
    if (vbJSONValueObjectAdd(&cmd, "s:execute", "qmp_capabilities", "s:id", id, NULL) < 0 ||
        !(text = vbJSONValueToString(cmd, false)) || vbMonitorHandshakeWrite(mon, text) < 0)
        return -1;
    do {
        g_clear_pointer(&reply, vbJSONValueFree);
        if (!(reply = vbMonitorHandshakeRead(mon, deadline)))
            return -1;
    } while (vbJSONValueObjectHasKey(reply, "QMP"));
    if (!vbJSONValueObjectHasKey(reply, "return") && !vbJSONValueObjectHasKey(reply, "error")) {
        g_autofree char *what = vbJSONValueToString(reply, false);

        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("QEMU monitor answered 'qmp_capabilities' with '%s'"), NULLSTR(what));
        return -1;
    }
    if (g_strcmp0(vbJSONValueObjectGetString(reply, "id"), id) != 0 &&
        vbJSONValueObjectHasKey(reply, "id")) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("QEMU monitor answered 'qmp_capabilities' with a foreign id"));
        return -1;
    }
    return vbMonitorCheckReply("qmp_capabilities", reply);
}

static vbMonitor *
vbMonitorOpenFDTimeout(int fd, GMainContext *ctx, unsigned int timeoutMs,
                       const vbMonitorCallbacks *cb, void *opaque)
{
    g_autoptr(vbMonitor) mon = g_new0(vbMonitor, 1);
    g_autoptr(GError) gerr = NULL;

    mon->refs = 1;
    g_mutex_init(&mon->sendLock);
    g_mutex_init(&mon->lock);
    g_cond_init(&mon->cond);
    mon->fd = fd;
    mon->ctx = g_main_context_ref(ctx);
    mon->inbuf = g_string_new(NULL);
    mon->outbuf = g_string_new(NULL);
    mon->outfd = -1;
    mon->timeoutMs = timeoutMs ? timeoutMs : VB_MONITOR_DEFAULT_TIMEOUT_MS;
    if (cb)
        mon->cb = *cb;
    mon->opaque = opaque;

    if (vbMonitorHandshake(mon) < 0)
        return NULL;

    if (!g_unix_set_fd_nonblocking(fd, TRUE, &gerr)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("cannot make the QEMU monitor socket non-blocking: %s"), gerr->message);
        return NULL;
    }

    g_mutex_lock(&mon->lock);
    mon->readWatch = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    vbMonitorAttach(mon, mon->readWatch, G_SOURCE_FUNC(vbMonitorIOReadable));
    /* events that came with the capabilities reply */
    if (mon->inbuf->len)
        vbMonitorKick(mon);
    g_mutex_unlock(&mon->lock);

    return g_steal_pointer(&mon);
}

vbMonitor *
vbMonitorOpenFD(int fd, GMainContext *ctx, const vbMonitorCallbacks *cb, void *opaque)
{
    return vbMonitorOpenFDTimeout(fd, ctx, 0, cb, opaque);
}

vbMonitor *
vbMonitorOpen(const char *socketPath, GMainContext *ctx, unsigned int connectTimeoutMs,
              unsigned int timeoutMs, const vbMonitorCallbacks *cb, void *opaque)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    gint64 deadline = g_get_monotonic_time() + connectTimeoutMs * G_TIME_SPAN_MILLISECOND;
    int fd;

    if (strlen(socketPath) >= sizeof(addr.sun_path)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("monitor socket path '%s' is too long"),
                      socketPath);
        return NULL;
    }
    memcpy(addr.sun_path, socketPath, strlen(socketPath) + 1);

    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        vbReportSystemError(errno, _("failed to create socket"));
        return NULL;
    }

    while (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
        /* QEMU has not created or not yet listens on the socket */
        if (errno != ENOENT && errno != ECONNREFUSED && errno != EINTR) {
            vbReportSystemError(errno, _("failed to connect to monitor socket"));
            close(fd);
            return NULL;
        }
        if (g_get_monotonic_time() >= deadline) {
            vbReportSystemError(errno, _("monitor socket did not show up"));
            close(fd);
            return NULL;
        }
        g_usleep(VB_MONITOR_CONNECT_RETRY_MS * G_TIME_SPAN_MILLISECOND);
    }

    return vbMonitorOpenFDTimeout(fd, ctx, timeoutMs, cb, opaque);
}

void
vbMonitorClose(vbMonitor *mon)
{
    if (!mon)
        return;

    g_mutex_lock(&mon->lock);
    mon->closed = true;
    g_cond_broadcast(&mon->cond);
    /* A callback running in the event thread finishes before we return;
     * one calling us is not waited for (it would wait for itself). */
    while (mon->inCallback && mon->callbackThread != g_thread_self())
        g_cond_wait(&mon->cond, &mon->lock);
    vbMonitorDropSource(&mon->readWatch);
    vbMonitorDropSource(&mon->writeWatch);
    vbMonitorDropSource(&mon->kick);
    vbMonitorDropSource(&mon->hangupWatch);
    if (mon->fd >= 0) {
        close(mon->fd);
        mon->fd = -1;
    }
    g_mutex_unlock(&mon->lock);

    vbMonitorUnref(mon);
}

void
vbMonitorSetTimeout(vbMonitor *mon, unsigned int timeoutMs)
{
    g_mutex_lock(&mon->lock);
    mon->timeoutMs = timeoutMs ? timeoutMs : VB_MONITOR_DEFAULT_TIMEOUT_MS;
    g_mutex_unlock(&mon->lock);
}

const char *
vbMonitorGetLastErrorMessage(vbMonitor *mon)
{
    const char *msg = NULL;

    g_mutex_lock(&mon->lock);
    if (mon->lastError)
        msg = mon->lastError->message;
    g_mutex_unlock(&mon->lock);
    return msg;
}

int
vbMonitorSend(vbMonitor *mon, vbJSONValue **cmd, vbJSONValue **reply)
{
    return vbMonitorSendWithFD(mon, cmd, -1, reply);
}

int
vbMonitorSendWithFD(vbMonitor *mon, vbJSONValue **cmd, int fd, vbJSONValue **reply)
{
    g_autoptr(vbJSONValue) command = g_steal_pointer(cmd);
    g_autofree char *name = g_strdup(vbJSONValueObjectGetString(command, "execute"));
    g_autofree char *id = NULL;
    g_autofree char *text = NULL;
    gint64 deadline;
    int ret = -1;

    *reply = NULL;
    /* the reply could only be read by this very thread */
    g_return_val_if_fail(!g_main_context_is_owner(mon->ctx), -1);

    vbMonitorRef(mon);
    g_mutex_lock(&mon->sendLock);
    g_mutex_lock(&mon->lock);

    if (mon->closed) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("QEMU monitor was closed"));
        goto cleanup;
    }
    if (mon->lastError) {
        vbReportErrorObject(mon->lastError);
        goto cleanup;
    }

    id = g_strdup_printf("vb-%llu", ++mon->serial);
    if (vbJSONValueObjectAdd(&command, "s:id", id, NULL) < 0 ||
        !(text = vbJSONValueToString(command, false)))
        goto cleanup;

    if (vbLogGetPriority() <= VB_LOG_DEBUG) {
        g_autofree char *logged = vbMonitorCommandLogText(command, text);

        VB_DEBUG("QMP send mon=%p: %s", mon, logged);
    }
    g_string_append(mon->outbuf, text);
    g_string_append_c(mon->outbuf, '\n');
    mon->outfd = fd;
    mon->waitId = g_strdup(id);
    vbMonitorKick(mon);

    deadline = g_get_monotonic_time() + mon->timeoutMs * G_TIME_SPAN_MILLISECOND;
    /* A reply read together with an EOF (QEMU answering 'quit') still
     * counts: wait for it to be handed over before giving up. */
    while (!mon->reply && !mon->closed && (!mon->lastError || mon->pendingReply)) {
        if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
            break;
    }

    if (mon->reply) {
        *reply = g_steal_pointer(&mon->reply);
        ret = 0;
    } else if (mon->closed) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("QEMU monitor was closed"));
    } else if (mon->lastError) {
        vbReportErrorObject(mon->lastError);
    } else {
        /* Its reply, if it ever comes, is dropped: no later command waits
         * for that id. */
        vbReportError(VIR_ERR_OPERATION_TIMEOUT,
                      _("QEMU did not reply to command '%s' within %u ms"), name ? name : "?",
                      mon->timeoutMs);
    }

cleanup:
    /* never sent (the monitor failed first): not passed later either */
    mon->outfd = -1;
    g_clear_pointer(&mon->waitId, g_free);
    g_mutex_unlock(&mon->lock);
    g_mutex_unlock(&mon->sendLock);
    vbMonitorUnref(mon);
    return ret;
}

const char *
vbMonitorReplyErrorClass(vbJSONValue *reply)
{
    vbJSONValue *error = vbJSONValueObjectGetObject(reply, "error");

    if (!error)
        return NULL;
    return vbJSONValueObjectGetString(error, "class");
}

int
vbMonitorCheckReply(const char *cmdname, vbJSONValue *reply)
{
    vbJSONValue *error = vbJSONValueObjectGetObject(reply, "error");

    if (error) {
        const char *desc = vbJSONValueObjectGetString(error, "desc");

        const char *cls = vbJSONValueObjectGetString(error, "class");

        VB_DEBUG("QEMU command '%s' failed: class '%s'", cmdname, cls ? cls : "?");
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unable to execute QEMU command '%s': %s"), cmdname,
                      desc ? desc : _("unknown error"));
        return -1;
    }
    if (!vbJSONValueObjectHasKey(reply, "return")) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unable to execute QEMU command '%s'"), cmdname);
        return -1;
    }
    return 0;
}
