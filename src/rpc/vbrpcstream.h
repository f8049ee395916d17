/*
 * vbrpcstream.h: libvirt's stream packets, carrying a vbFDStream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A procedure that opens a stream (DOMAIN_OPEN_CONSOLE) answers with a
 * REPLY as usual; after it, both sides send STREAM packets with the
 * CALL's program, procedure and serial, as libvirt's daemon stream code
 * (remote_daemon_stream.c) does:
 *
 * - status CONTINUE: raw bytes (no XDR), either way; none of ours is
 *   larger than VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX.  An empty one from us
 *   is the end of the descriptor's data (a pty whose QEMU went away reads
 *   as end of file).
 * - status OK, empty: from the client, finish (virStreamFinish), which we
 *   confirm with an empty OK once every byte before it is written; we
 *   send OK for nothing else.
 * - status ERROR: from us, a remote_error, and the stream is gone (an I/O
 *   failure, or another client took the console over); from the client,
 *   abort (virStreamAbort), which we confirm with an empty OK.
 *
 * Flow control, as libvirt's virNetServerClient: we read the descriptor
 * only when our previous data packet has left the socket, and each client
 * packet waiting to be written to the descriptor holds one of the client's
 * request slots (maxClientRequests), so a full descriptor stops us reading
 * the socket instead of queueing without bound.  A stray STREAM packet
 * (one for a stream already closed) is dropped, as libvirt does.
 *
 * All stream I/O runs in the server's main loop; the calls marked "any
 * thread" only set a flag and wake it.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbfdstream.h"
#include "vbrpcpacket.h"
#include "vbrpcserver.h"

/* VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX: the most we read per packet */
#define VB_RPC_STREAM_CHUNK 262120

typedef struct _vbRPCStream vbRPCStream;

/*
 * For a handler: binds @fdst (a reference is taken) to the CALL being
 * handled.  Its bytes start to flow once the handler returned 0 and its
 * REPLY is queued; if the handler fails, the stream is closed unused.
 * Returns -1 (VIR_ERR_INTERNAL_ERROR) outside a handler or for a second
 * stream in one call.
 */
int vbRPCStreamOpen(vbRPCClient *client, vbFDStream *fdst);

/*
 * A STREAM packet for the stream opened by the CALL with header @call
 * (its program, version, procedure and serial): @status, and @len raw
 * bytes of @data.  NULL (VIR_ERR_RPC) if it would be too large.
 */
GByteArray *vbRPCStreamPacketNew(const vbRPCHeader *call, vbRPCStatus status, const uint8_t *data,
                                 size_t len);

/* --- Between vbrpcserver.c and vbrpcstream.c --- */

/* A stream for the CALL @call of @client (both referenced) */
vbRPCStream *vbRPCStreamNew(vbRPCClient *client, const vbRPCHeader *call, vbFDStream *fdst);
vbRPCStream *vbRPCStreamRef(vbRPCStream *st);
void vbRPCStreamUnref(vbRPCStream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbRPCStream, vbRPCStreamUnref);

/* Whether the STREAM packet with header @hdr belongs to @st */
bool vbRPCStreamMatches(vbRPCStream *st, const vbRPCHeader *hdr);
/* Any thread: the opening REPLY is queued; start carrying bytes. */
void vbRPCStreamStart(vbRPCStream *st);
/* Any thread: close without a word to the client (the opening call
 * failed, or the client is gone). */
void vbRPCStreamCancel(vbRPCStream *st);
/* Main loop: closes the stream now, sending nothing (the client is gone). */
void vbRPCStreamDiscard(vbRPCStream *st);
/* Main loop: a client's STREAM packet (taken), which holds one of the
 * client's request slots until it is handled. */
void vbRPCStreamPush(vbRPCStream *st, GByteArray *pkt);
/* Main loop: @pkt left the socket; if it was the stream's, read on. */
void vbRPCStreamPacketWritten(vbRPCStream *st, const GByteArray *pkt);

/* vbrpcserver.c, for the stream code (any thread) */
vbRPCClient *vbRPCClientRef(vbRPCClient *client);
void vbRPCClientUnref(vbRPCClient *client);
GMainContext *vbRPCClientGetContext(vbRPCClient *client);
/* Queues a finished packet (taken) for the main loop to write. */
void vbRPCClientQueuePacket(vbRPCClient *client, GByteArray *pkt);
/* A client packet held since vbRPCStreamPush is handled: its slot frees. */
void vbRPCClientReleaseRequest(vbRPCClient *client);
/* The stream is closed: the client forgets it (drops its reference). */
void vbRPCClientDetachStream(vbRPCClient *client, vbRPCStream *st);
