/*
 * vbfdstream.h: a file descriptor handed from whoever opens it to whoever
 * carries its bytes (libvirt's virFDStream, in spirit)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two parties share one stream and know nothing of each other:
 *
 * - the producer (the driver's console code) opens the descriptor, wraps it
 *   with vbFDStreamNew and may register a close callback, to learn when the
 *   descriptor is gone (it keeps a table of open consoles);
 * - the consumer (an RPC stream) reads and writes the descriptor, registers
 *   an abort callback, and calls vbFDStreamClose when it is done.
 *
 * vbFDStreamAbort is how the producer takes the descriptor back from a
 * consumer (`virsh console --force`): the consumer's abort callback runs in
 * the aborting thread with the stream's lock held, so it must not block or
 * call vbFDStream functions; it arranges for vbFDStreamClose to be called
 * soon from the consumer's own thread.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct _vbFDStream vbFDStream;

typedef void (*vbFDStreamCallback)(vbFDStream *st, void *opaque);

/* Takes @fd (non-blocking, close-on-exec).  Never NULL. */
vbFDStream *vbFDStreamNew(int fd);
vbFDStream *vbFDStreamRef(vbFDStream *st);
/* Dropping the last reference closes a stream nobody closed. */
void vbFDStreamUnref(vbFDStream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbFDStream, vbFDStreamUnref);

/* The descriptor; -1 once closed. */
int vbFDStreamGetFD(vbFDStream *st);

/* Producer: @cb runs once, in the thread that closes the stream, after
 * the descriptor is closed.  Set before handing the stream on. */
void vbFDStreamSetCloseCallback(vbFDStream *st, vbFDStreamCallback cb, void *opaque);
/* Consumer: @cb runs (at most once) when the producer aborts the stream,
 * at once if the producer aborted it before the consumer registered;
 * NULL unregisters. */
void vbFDStreamSetAbortCallback(vbFDStream *st, vbFDStreamCallback cb, void *opaque);

/* Producer: asks the consumer to give the stream up.  With no consumer
 * registered yet the request waits for it, so the producer never closes a
 * descriptor that a consumer is about to take.  Returns false if the
 * stream was closed or aborted already. */
bool vbFDStreamAbort(vbFDStream *st);
/* Closes the descriptor and runs the close callback; later calls do
 * nothing.  Any thread. */
void vbFDStreamClose(vbFDStream *st);
