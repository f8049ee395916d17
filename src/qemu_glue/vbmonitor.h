/*
 * vbmonitor.h: the QMP monitor transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Transport only: connect, greeting, qmp_capabilities, framing, command
 * ids, one command in flight with a timeout, the EOF/error latch, and event
 * callbacks.  Per-command wrappers live in vbmonitorblock.c and
 * vbmonitorjob.c; nothing here knows another command name.
 *
 * Threads:
 * - All socket I/O after the handshake runs in the GMainContext given at
 *   open time, which the caller iterates in one dedicated "event thread".
 * - vbMonitorSend() is called from other threads (workers).  It queues the
 *   command for the event thread and sleeps until the reply arrives, the
 *   timeout expires, the monitor fails or it is closed.  Senders are
 *   serialised: one command is in flight at a time.
 * - Callbacks run in the event thread, never with a monitor lock held.
 *   They must not call vbMonitorSend(): the reply could only be read by the
 *   thread that is waiting for it.  They may call vbMonitorClose().
 * - Events QEMU sent before a reply have been passed to the event callback
 *   by the time vbMonitorSend returns that reply.
 * - The first failure (EOF, I/O error, unparsable data) is latched: the
 *   waiting sender and every later one get that error, and exactly one of
 *   eofNotify / errorNotify is called.  After errorNotify nothing more is
 *   read, but QEMU closing its end is still watched for: eofNotify then
 *   follows once, so that the owner of a failed monitor learns that QEMU
 *   exited.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"

typedef struct _vbMonitor vbMonitor;

typedef struct {
    /* QEMU closed the socket (it quit or died); also after errorNotify. */
    void (*eofNotify)(vbMonitor *mon, void *opaque);
    /* The monitor failed otherwise; vbMonitorGetLastError tells why. */
    void (*errorNotify)(vbMonitor *mon, void *opaque);
    /* A QMP event; @data (possibly NULL) is borrowed for the call. */
    void (*event)(vbMonitor *mon, const char *name, vbJSONValue *data, long long seconds,
                  unsigned int micros, void *opaque);
} vbMonitorCallbacks;

/* The default for a reply to arrive, in milliseconds */
#define VB_MONITOR_DEFAULT_TIMEOUT_MS 30000

/* Longest message accepted from QEMU; query-qmp-schema (about 200 KiB on
 * 7.2) is the largest reply we ask for. */
#define VB_MONITOR_MAX_MESSAGE (10 * 1024 * 1024)

/**
 * vbMonitorOpen:
 * Connects to QEMU's QMP socket at @socketPath, retrying while nobody
 * listens yet for up to @connectTimeoutMs, reads the greeting and
 * negotiates capabilities (in the calling thread), then hands the socket to
 * @ctx.  @timeoutMs bounds the handshake and is the monitor's command
 * timeout (0: VB_MONITOR_DEFAULT_TIMEOUT_MS; see vbMonitorSetTimeout).
 * @cb (copied) and @opaque are passed to the callbacks.
 * Returns the monitor, or NULL with the error reported.
 */
vbMonitor *vbMonitorOpen(const char *socketPath, GMainContext *ctx, unsigned int connectTimeoutMs,
                         unsigned int timeoutMs, const vbMonitorCallbacks *cb, void *opaque);

/* As vbMonitorOpen on a connected stream socket; @fd is owned by the
 * monitor from now on, also on failure. */
vbMonitor *vbMonitorOpenFD(int fd, GMainContext *ctx, const vbMonitorCallbacks *cb, void *opaque);

/**
 * vbMonitorClose:
 * Stops all I/O and closes the socket.  A sender waiting for a reply fails
 * with "QEMU monitor was closed".  When it returns, no callback runs any
 * more (if called from inside a callback, none after that callback).  The
 * caller must not start new vbMonitorSend calls on @mon once it has called
 * this; the memory goes away when the last in-flight call is over.
 * Call it exactly once per opened monitor; NULL is accepted.
 */
void vbMonitorClose(vbMonitor *mon);

/* Per-command reply timeout in milliseconds (0: the default). */
void vbMonitorSetTimeout(vbMonitor *mon, unsigned int timeoutMs);

/**
 * vbMonitorSend:
 * Sends *@cmd (stolen; an "id" member is added) and waits for the reply
 * with that id.  Returns 0 with the whole reply in *@reply (the caller
 * checks it, see vbMonitorCheckReply), or -1 with an error reported:
 * OPERATION_TIMEOUT when no reply came in time, OPERATION_FAILED when QEMU
 * closed the monitor, or the error latched earlier.  Must not be called
 * from the event thread.
 */
int vbMonitorSend(vbMonitor *mon, vbJSONValue **cmd, vbJSONValue **reply);
/* vbMonitorSend passing @fd (still the caller's, to close) along with the
 * command, as QMP's getfd and add-fd expect it (SCM_RIGHTS). */
int vbMonitorSendWithFD(vbMonitor *mon, vbJSONValue **cmd, int fd, vbJSONValue **reply);

/* The latched failure (NULL while the monitor is fine); owned by @mon. */
const char *vbMonitorGetLastErrorMessage(vbMonitor *mon);

/**
 * vbMonitorCheckReply:
 * Checks the reply to @cmdname.  A QMP error becomes VIR_ERR_INTERNAL_ERROR
 * "unable to execute QEMU command '<cmdname>': <desc>"; a reply with
 * neither "return" nor "error" is an internal error too.  Returns 0 or -1.
 */
int vbMonitorCheckReply(const char *cmdname, vbJSONValue *reply);

/* QEMU's error class of an error reply ("GenericError", "DeviceNotActive",
 * ...), NULL for a successful reply.  Reports nothing, so that a caller can
 * turn a class it expects into its own error before vbMonitorCheckReply. */
const char *vbMonitorReplyErrorClass(vbJSONValue *reply);
