/*
 * vbeventthread.c: a GLib main loop running on a thread of its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vbeventthread.h"

struct _vbEventThread {
    GMainContext *ctx;
    GMainLoop *loop;
    GThread *thread;

    GMutex lock;
    GCond cond;
    bool running; /* set from inside the loop, under @lock */
};

static gboolean
vbEventThreadNotifyRunning(gpointer opaque)
{
    vbEventThread *evt = opaque;

    g_mutex_lock(&evt->lock);
    evt->running = true;
    g_cond_signal(&evt->cond);
    g_mutex_unlock(&evt->lock);
    return G_SOURCE_REMOVE;
}

static gboolean
vbEventThreadQuit(gpointer opaque)
{
    GMainLoop *loop = opaque;

    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

/* Schedules @func on the loop's own context: g_main_loop_quit() called from
 * outside before g_main_loop_run() started would be forgotten by it.  At a
 * high priority, so that a source ready on every iteration (a busy socket)
 * cannot hold the quit back for ever. */
static void
vbEventThreadAddIdle(vbEventThread *evt, GSourceFunc func, gpointer opaque)
{
    g_autoptr(GSource) source = g_idle_source_new();

    g_source_set_priority(source, G_PRIORITY_HIGH);
    g_source_set_callback(source, func, opaque, NULL);
    g_source_attach(source, evt->ctx);
}

static gpointer
vbEventThreadRun(gpointer opaque)
{
    vbEventThread *evt = opaque;

    g_main_context_push_thread_default(evt->ctx);
    /* "running" is reported by the loop itself, so the creator knows the
     * loop dispatches, not merely that the thread exists */
    vbEventThreadAddIdle(evt, vbEventThreadNotifyRunning, evt);
    g_main_loop_run(evt->loop);
    g_main_context_pop_thread_default(evt->ctx);
    return NULL;
}

vbEventThread *
vbEventThreadNew(const char *name)
{
    vbEventThread *evt = g_new0(vbEventThread, 1);

    g_mutex_init(&evt->lock);
    g_cond_init(&evt->cond);
    evt->ctx = g_main_context_new();
    evt->loop = g_main_loop_new(evt->ctx, FALSE);
    evt->thread = g_thread_new(name, vbEventThreadRun, evt);

    g_mutex_lock(&evt->lock);
    while (!evt->running)
        g_cond_wait(&evt->cond, &evt->lock);
    g_mutex_unlock(&evt->lock);
    return evt;
}

GMainContext *
vbEventThreadGetContext(vbEventThread *evt)
{
    g_return_val_if_fail(evt != NULL, NULL);

    return evt->ctx;
}

void
vbEventThreadFree(vbEventThread *evt)
{
    if (!evt)
        return;
    /* joining itself would never return */
    g_return_if_fail(g_thread_self() != evt->thread);

    vbEventThreadAddIdle(evt, vbEventThreadQuit, evt->loop);
    g_thread_join(evt->thread);
    g_main_loop_unref(evt->loop);
    g_main_context_unref(evt->ctx);
    g_mutex_clear(&evt->lock);
    g_cond_clear(&evt->cond);
    g_free(evt);
}
