/*
 * vbfdstream.c: a file descriptor handed from whoever opens it to whoever
 * carries its bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <unistd.h>

#include "vbfdstream.h"

struct _vbFDStream {
    gint refs;
    GMutex lock; /* protects everything below */
    int fd;
    bool aborted;
    vbFDStreamCallback closeCb;
    void *closeOpaque;
    vbFDStreamCallback abortCb;
    void *abortOpaque;
};

vbFDStream *
vbFDStreamNew(int fd)
{
    vbFDStream *st = g_new0(vbFDStream, 1);

    st->refs = 1;
    st->fd = fd;
    g_mutex_init(&st->lock);
    return st;
}

vbFDStream *
vbFDStreamRef(vbFDStream *st)
{
    g_atomic_int_inc(&st->refs);
    return st;
}

void
vbFDStreamUnref(vbFDStream *st)
{
    if (!st || !g_atomic_int_dec_and_test(&st->refs))
        return;
    vbFDStreamClose(st);
    g_mutex_clear(&st->lock);
    g_free(st);
}

int
vbFDStreamGetFD(vbFDStream *st)
{
    int fd;

    g_mutex_lock(&st->lock);
    fd = st->fd;
    g_mutex_unlock(&st->lock);
    return fd;
}

void
vbFDStreamSetCloseCallback(vbFDStream *st, vbFDStreamCallback cb, void *opaque)
{
    g_mutex_lock(&st->lock);
    st->closeCb = cb;
    st->closeOpaque = opaque;
    g_mutex_unlock(&st->lock);
}

void
vbFDStreamSetAbortCallback(vbFDStream *st, vbFDStreamCallback cb, void *opaque)
{
    g_mutex_lock(&st->lock);
    st->abortCb = cb;
    st->abortOpaque = opaque;
    /* an abort that came before the consumer */
    if (cb && st->aborted && st->fd >= 0)
        cb(st, opaque);
    g_mutex_unlock(&st->lock);
}

bool
vbFDStreamAbort(vbFDStream *st)
{
    vbFDStreamCallback cb;
    void *opaque;

    g_mutex_lock(&st->lock);
    if (st->aborted || st->fd < 0) {
        g_mutex_unlock(&st->lock);
        return false;
    }
    st->aborted = true;
    cb = st->abortCb;
    opaque = st->abortOpaque;
    /* under the lock: a consumer unregistering (and then freeing @opaque)
     * waits for the callback to return; without a consumer yet, the
     * request waits for vbFDStreamSetAbortCallback */
    if (cb)
        cb(st, opaque);
    g_mutex_unlock(&st->lock);
    return true;
}

void
vbFDStreamClose(vbFDStream *st)
{
    vbFDStreamCallback cb;
    void *opaque;
    int fd;

    g_mutex_lock(&st->lock);
    fd = st->fd;
    st->fd = -1;
    cb = g_steal_pointer(&st->closeCb);
    opaque = st->closeOpaque;
    st->abortCb = NULL;
    g_mutex_unlock(&st->lock);

    if (fd < 0)
        return;
    close(fd);
    if (cb)
        cb(st, opaque);
}
