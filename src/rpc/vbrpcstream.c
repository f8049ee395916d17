/*
 * vbrpcstream.c: libvirt's stream packets, carrying a vbFDStream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <errno.h>
#include <unistd.h>

#include <glib-unix.h>

#include "vberror.h"
#include "vblog.h"
#include "vbrpcstream.h"

/* libvirt's daemon reports stream failures from its stream code */
#define VB_FROM_THIS_FILE VIR_FROM_STREAMS

struct _vbRPCStream {
    gint refs;
    vbRPCClient *client; /* a reference */
    vbRPCHeader hdr;     /* prog, vers, proc and serial of the opening CALL */
    vbFDStream *fdst;    /* a reference */

    GMutex lock; /* protects the requests from other threads */
    bool started;
    bool cancelled;
    bool aborted; /* taken over by another client */
    bool wakePending;

    /* main loop only */
    bool closed;
    bool eof;          /* we sent the end of the data */
    GByteArray *txPkt; /* our data packet not yet written to the socket */
    uint8_t *readBuf;  /* VB_RPC_STREAM_CHUNK bytes, kept between reads */
    GQueue rx;         /* client packets (GByteArray), each holding a slot */
    size_t rxOffset;   /* bytes of the head's payload already written */
    GSource *source;
    GIOCondition cond;
};

static void vbRPCStreamUpdate(vbRPCStream *st);
static void vbRPCStreamClose(vbRPCStream *st);
static void vbRPCStreamAbortCb(vbFDStream *fdst, void *opaque);

vbRPCStream *
vbRPCStreamNew(vbRPCClient *client, const vbRPCHeader *call, vbFDStream *fdst)
{
    vbRPCStream *st = g_new0(vbRPCStream, 1);

    st->refs = 1;
    st->client = vbRPCClientRef(client);
    st->hdr = *call;
    st->fdst = vbFDStreamRef(fdst);
    g_mutex_init(&st->lock);
    g_queue_init(&st->rx);
    /* from now on a takeover comes to us, never closes the descriptor
     * under our feet; it is acted on once the REPLY is out */
    vbFDStreamSetAbortCallback(fdst, vbRPCStreamAbortCb, st);
    return st;
}

vbRPCStream *
vbRPCStreamRef(vbRPCStream *st)
{
    g_atomic_int_inc(&st->refs);
    return st;
}

void
vbRPCStreamUnref(vbRPCStream *st)
{
    if (!st || !g_atomic_int_dec_and_test(&st->refs))
        return;
    /* closed by now (the client's list and every wake-up held a
     * reference); should it not be, the fd stream must not call us */
    vbFDStreamSetAbortCallback(st->fdst, NULL, NULL);
    vbFDStreamUnref(st->fdst);
    vbRPCClientUnref(st->client);
    g_mutex_clear(&st->lock);
    g_free(st);
}

bool
vbRPCStreamMatches(vbRPCStream *st, const vbRPCHeader *hdr)
{
    return hdr->prog == st->hdr.prog && hdr->vers == st->hdr.vers && hdr->proc == st->hdr.proc &&
           hdr->serial == st->hdr.serial;
}

static gboolean
vbRPCStreamWakeCb(gpointer opaque)
{
    vbRPCStream *st = opaque;

    g_mutex_lock(&st->lock);
    st->wakePending = false;
    g_mutex_unlock(&st->lock);
    vbRPCStreamUpdate(st);
    return G_SOURCE_REMOVE;
}

/* Stream lock held: have the main loop look at the stream. */
static void
vbRPCStreamWakeLocked(vbRPCStream *st)
{
    g_autoptr(GSource) idle = NULL;

    if (st->wakePending)
        return;
    st->wakePending = true;
    idle = g_idle_source_new();
    g_source_set_callback(idle, vbRPCStreamWakeCb, vbRPCStreamRef(st),
                          (GDestroyNotify) vbRPCStreamUnref);
    g_source_attach(idle, vbRPCClientGetContext(st->client));
}

/* The fd stream's abort callback: another client took the console over
 * (any thread; the driver holds its console table) */
static void
vbRPCStreamAbortCb(vbFDStream *fdst G_GNUC_UNUSED, void *opaque)
{
    vbRPCStream *st = opaque;

    g_mutex_lock(&st->lock);
    st->aborted = true;
    vbRPCStreamWakeLocked(st);
    g_mutex_unlock(&st->lock);
}

void
vbRPCStreamStart(vbRPCStream *st)
{
    g_mutex_lock(&st->lock);
    st->started = true;
    vbRPCStreamWakeLocked(st);
    g_mutex_unlock(&st->lock);
}

void
vbRPCStreamCancel(vbRPCStream *st)
{
    g_mutex_lock(&st->lock);
    st->cancelled = true;
    vbRPCStreamWakeLocked(st);
    g_mutex_unlock(&st->lock);
}

GByteArray *
vbRPCStreamPacketNew(const vbRPCHeader *call, vbRPCStatus status, const uint8_t *data, size_t len)
{
    vbRPCHeader hdr = *call;
    g_autoptr(GByteArray) pkt = NULL;

    hdr.type = VB_RPC_TYPE_STREAM;
    hdr.status = status;
    pkt = vbRPCPacketNew(&hdr);
    if (len > 0)
        g_byte_array_append(pkt, data, len);
    if (vbRPCPacketFinish(pkt) < 0)
        return NULL;
    return g_steal_pointer(&pkt);
}

static void
vbRPCStreamSend(vbRPCStream *st, vbRPCStatus status, const uint8_t *data, size_t len)
{
    GByteArray *pkt = vbRPCStreamPacketNew(&st->hdr, status, data, len);

    if (pkt)
        vbRPCClientQueuePacket(st->client, pkt);
}

/* Main loop: lets go of the descriptor and everything queued; the client
 * forgets the stream.  Nothing is sent. */
static void
vbRPCStreamClose(vbRPCStream *st)
{
    GByteArray *pkt;

    if (st->closed)
        return;
    st->closed = true;
    VB_DEBUG("stream serial=%u of client closed", st->hdr.serial);
    if (st->source) {
        g_source_destroy(st->source);
        g_clear_pointer(&st->source, g_source_unref);
    }
    while ((pkt = g_queue_pop_head(&st->rx))) {
        g_byte_array_unref(pkt);
        vbRPCClientReleaseRequest(st->client);
    }
    g_clear_pointer(&st->txPkt, g_byte_array_unref);
    g_clear_pointer(&st->readBuf, g_free);
    vbFDStreamSetAbortCallback(st->fdst, NULL, NULL);
    vbFDStreamClose(st->fdst);
    vbRPCClientDetachStream(st->client, st);
}

/* Main loop: sends the error just reported as the stream's last packet */
static void
vbRPCStreamFail(vbRPCStream *st)
{
    vbRPCHeader hdr = st->hdr;
    g_autoptr(GByteArray) pkt = NULL;

    hdr.type = VB_RPC_TYPE_STREAM;
    hdr.status = VB_RPC_STATUS_ERROR;
    pkt = vbRPCPacketNew(&hdr);
    VB_DEBUG("stream serial=%u fails: %s", st->hdr.serial, vbGetLastErrorMessage());
    if (vbRPCErrorEncode(pkt, vbGetLastError()) == 0 && vbRPCPacketFinish(pkt) == 0)
        vbRPCClientQueuePacket(st->client, g_steal_pointer(&pkt));
    vbResetLastError();
    vbRPCStreamClose(st);
}

/* Main loop: one read from the descriptor into one packet.  Returns -1
 * once the stream is closed. */
static int
vbRPCStreamRead(vbRPCStream *st)
{
    ssize_t got;

    if (!st->readBuf)
        st->readBuf = g_malloc(VB_RPC_STREAM_CHUNK);
    do {
        got = read(vbFDStreamGetFD(st->fdst), st->readBuf, VB_RPC_STREAM_CHUNK);
    } while (got < 0 && errno == EINTR);

    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (got < 0) {
        vbReportSystemError(errno, "%s", _("cannot read from stream"));
        vbRPCStreamFail(st);
        return -1;
    }
    if (got == 0) {
        /* a pty whose other end is closed (QEMU exited) reads as end of
         * file: an empty CONTINUE tells the client, which finishes or
         * aborts the stream (an OK would be a confirmation it never asked
         * for, and libvirt's client drops the connection over it) */
        st->eof = true;
        vbRPCStreamSend(st, VB_RPC_STATUS_CONTINUE, NULL, 0);
        return 0;
    }
    if (!(st->txPkt = vbRPCStreamPacketNew(&st->hdr, VB_RPC_STATUS_CONTINUE, st->readBuf, got))) {
        vbRPCStreamFail(st);
        return -1;
    }
    vbRPCClientQueuePacket(st->client, g_byte_array_ref(st->txPkt));
    return 0;
}

/* Main loop: writes queued client data and handles a finish or abort
 * behind it.  Returns -1 once the stream is closed. */
static int
vbRPCStreamWrite(vbRPCStream *st)
{
    GByteArray *pkt;

    while ((pkt = g_queue_peek_head(&st->rx))) {
        vbRPCHeader hdr;
        const uint8_t *payload;
        size_t len;

        /* checked when it arrived: failing now would be our bug */
        if (vbRPCPacketParse(pkt->data, pkt->len, &hdr, &payload, &len) < 0) {
            vbRPCStreamFail(st);
            return -1;
        }

        if (hdr.status == VB_RPC_STATUS_CONTINUE && st->rxOffset < len) {
            ssize_t done =
                write(vbFDStreamGetFD(st->fdst), payload + st->rxOffset, len - st->rxOffset);

            if (done < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return 0;
            if (done < 0) {
                vbReportSystemError(errno, "%s", _("cannot write to stream"));
                vbRPCStreamFail(st);
                return -1;
            }
            st->rxOffset += done;
            continue;
        }

        g_queue_pop_head(&st->rx);
        st->rxOffset = 0;
        g_byte_array_unref(pkt);
        vbRPCClientReleaseRequest(st->client);
        if (hdr.status == VB_RPC_STATUS_CONTINUE)
            continue;

        /* finish (OK) or abort (ERROR): both confirmed with an empty OK */
        VB_DEBUG("stream serial=%u %s by the client", st->hdr.serial,
                 hdr.status == VB_RPC_STATUS_OK ? "finished" : "aborted");
        vbRPCStreamSend(st, VB_RPC_STATUS_OK, NULL, 0);
        vbRPCStreamClose(st);
        return -1;
    }
    return 0;
}

static gboolean
vbRPCStreamIOCb(gint fd G_GNUC_UNUSED, GIOCondition cond, gpointer opaque)
{
    vbRPCStream *st = opaque;

    vbRPCStreamRef(st);
    /* a hang-up reads as end of file, or fails the write */
    if ((st->cond & G_IO_IN) && (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && vbRPCStreamRead(st) < 0)
        goto cleanup;
    if ((st->cond & G_IO_OUT) && (cond & (G_IO_OUT | G_IO_HUP | G_IO_ERR)) &&
        vbRPCStreamWrite(st) < 0)
        goto cleanup;
    vbRPCStreamUpdate(st);
cleanup:
    vbRPCStreamUnref(st);
    /* Update replaced or removed this source if it had to */
    return G_SOURCE_CONTINUE;
}

/* Main loop: applies the requests of other threads, then watches the
 * descriptor for what the stream can do now. */
static void
vbRPCStreamUpdate(vbRPCStream *st)
{
    GIOCondition cond = 0;
    bool started;
    bool cancelled;
    bool aborted;

    if (st->closed)
        return;
    g_mutex_lock(&st->lock);
    started = st->started;
    cancelled = st->cancelled;
    aborted = st->aborted;
    g_mutex_unlock(&st->lock);

    if (cancelled) {
        vbRPCStreamClose(st);
        return;
    }
    if (!started)
        return;
    if (aborted) {
        /* libvirtd's code and text for a console taken over by --force */
        vbReportError(VIR_ERR_RPC, "%s", _("stream had I/O failure"));
        vbRPCStreamFail(st);
        return;
    }

    if (vbRPCStreamWrite(st) < 0)
        return;
    if (!st->txPkt && !st->eof)
        cond |= G_IO_IN;
    if (!g_queue_is_empty(&st->rx))
        cond |= G_IO_OUT;

    if (st->source && cond == st->cond)
        return;
    if (st->source) {
        g_source_destroy(st->source);
        g_clear_pointer(&st->source, g_source_unref);
    }
    st->cond = cond;
    /* no watch while there is nothing to do: poll() reports a hang-up
     * whether asked or not, and would spin */
    if (cond == 0)
        return;
    st->source = g_unix_fd_source_new(vbFDStreamGetFD(st->fdst), cond);
    g_source_set_callback(st->source, G_SOURCE_FUNC(vbRPCStreamIOCb), st, NULL);
    g_source_attach(st->source, vbRPCClientGetContext(st->client));
}

void
vbRPCStreamPush(vbRPCStream *st, GByteArray *pkt)
{
    if (st->closed) {
        g_byte_array_unref(pkt);
        vbRPCClientReleaseRequest(st->client);
        return;
    }
    g_queue_push_tail(&st->rx, pkt);
    vbRPCStreamUpdate(st);
}

void
vbRPCStreamPacketWritten(vbRPCStream *st, const GByteArray *pkt)
{
    if (st->closed || st->txPkt != pkt)
        return;
    g_clear_pointer(&st->txPkt, g_byte_array_unref);
    vbRPCStreamUpdate(st);
}

void
vbRPCStreamDiscard(vbRPCStream *st)
{
    vbRPCStreamClose(st);
}
