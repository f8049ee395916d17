/*
 * vbeventthreadtest.c: an event thread starts, runs and stops, however soon
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>

#include "vbinternal.h"
#include "vbeventthread.h"
#include "testutils.h"

/* A lost quit hangs for ever: each case runs in a thread of its own and
 * fails after this long instead of waiting for meson's timeout. */
#define TEST_DEADLINE_SEC 30

typedef struct {
    GMutex lock;
    GCond cond;
    bool done;
    int ret;
    GThreadFunc body;
} testBounded;

static gpointer
testBoundedRun(gpointer opaque)
{
    testBounded *b = opaque;
    int ret = GPOINTER_TO_INT(b->body(NULL));

    g_mutex_lock(&b->lock);
    b->done = true;
    b->ret = ret;
    g_cond_signal(&b->cond);
    g_mutex_unlock(&b->lock);
    return NULL;
}

/* Runs @body (returning 0 or -1 as a pointer) with a deadline. */
static int
testRunBounded(GThreadFunc body)
{
    testBounded *b = g_new0(testBounded, 1);
    gint64 deadline = g_get_monotonic_time() + TEST_DEADLINE_SEC * G_TIME_SPAN_SECOND;
    GThread *thread;
    int ret;

    g_mutex_init(&b->lock);
    g_cond_init(&b->cond);
    b->body = body;
    thread = g_thread_new("bounded", testBoundedRun, b);

    g_mutex_lock(&b->lock);
    while (!b->done && g_cond_wait_until(&b->cond, &b->lock, deadline))
        ;
    if (!b->done) {
        /* the body hangs: leave it (and @b) behind, the process exits */
        g_mutex_unlock(&b->lock);
        g_thread_unref(thread);
        fprintf(stderr, "not finished after %d s: an event thread did not stop\n",
                TEST_DEADLINE_SEC);
        return -1;
    }
    ret = b->ret;
    g_mutex_unlock(&b->lock);
    g_thread_join(thread);
    g_mutex_clear(&b->lock);
    g_cond_clear(&b->cond);
    g_free(b);
    return ret;
}

/* What made the daemon hang after a start-up error: the stop came before
 * the thread had entered its loop. */
static gpointer
testStopAtOnceBody(gpointer opaque G_GNUC_UNUSED)
{
    size_t i;

    for (i = 0; i < 2000; i++) {
        vbEventThread *evt = vbEventThreadNew("vb-test");

        vbEventThreadFree(evt);
    }
    return GINT_TO_POINTER(0);
}

static int
testStopAtOnce(const void *opaque G_GNUC_UNUSED)
{
    return testRunBounded(testStopAtOnceBody);
}

typedef struct {
    GMutex lock;
    GCond cond;
    bool ran;
    GMainContext *threadDefault;
    GThread *thread;
} testDispatch;

static gboolean
testDispatchRecord(gpointer opaque)
{
    testDispatch *d = opaque;

    g_mutex_lock(&d->lock);
    d->ran = true;
    d->threadDefault = g_main_context_get_thread_default();
    d->thread = g_thread_self();
    g_cond_signal(&d->cond);
    g_mutex_unlock(&d->lock);
    return G_SOURCE_REMOVE;
}

/* Sources attached from outside run in the event thread, where the loop's
 * context is the thread-default one (monitor watches rely on both). */
static gpointer
testDispatchBody(gpointer opaque G_GNUC_UNUSED)
{
    g_autoptr(vbEventThread) evt = vbEventThreadNew("vb-test");
    GMainContext *ctx = vbEventThreadGetContext(evt);
    testDispatch d = {0};
    int ret = -1;

    g_mutex_init(&d.lock);
    g_cond_init(&d.cond);
    g_main_context_invoke(ctx, testDispatchRecord, &d);
    g_mutex_lock(&d.lock);
    while (!d.ran)
        g_cond_wait(&d.cond, &d.lock);
    g_mutex_unlock(&d.lock);

    if (d.threadDefault != ctx)
        fprintf(stderr, "the loop's context is not the event thread's default\n");
    else if (d.thread == g_thread_self())
        fprintf(stderr, "the source ran in the creating thread\n");
    else
        ret = 0;
    g_mutex_clear(&d.lock);
    g_cond_clear(&d.cond);
    return GINT_TO_POINTER(ret);
}

static int
testDispatchInThread(const void *opaque G_GNUC_UNUSED)
{
    return testRunBounded(testDispatchBody);
}

static gboolean
testBusyTick(gpointer opaque)
{
    guint *ticks = opaque;

    g_atomic_int_inc(ticks);
    return G_SOURCE_CONTINUE;
}

/* A source ready on every iteration does not keep the loop from stopping. */
static gpointer
testStopBusyBody(gpointer opaque G_GNUC_UNUSED)
{
    vbEventThread *evt = vbEventThreadNew("vb-test");
    g_autoptr(GSource) busy = g_timeout_source_new(0);
    guint ticks = 0;

    g_source_set_callback(busy, testBusyTick, &ticks, NULL);
    g_source_attach(busy, vbEventThreadGetContext(evt));
    while (g_atomic_int_get(&ticks) < 100)
        g_usleep(1000);
    vbEventThreadFree(evt);
    return GINT_TO_POINTER(0);
}

static int
testStopBusy(const void *opaque G_GNUC_UNUSED)
{
    return testRunBounded(testStopBusyBody);
}

static int
testFreeNull(const void *opaque G_GNUC_UNUSED)
{
    vbEventThreadFree(NULL);
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("stopped right after it started, 2000 times", testStopAtOnce, NULL) < 0)
        ret = -1;
    if (vbTestRun("sources run in the event thread", testDispatchInThread, NULL) < 0)
        ret = -1;
    if (vbTestRun("stops while a source is always ready", testStopBusy, NULL) < 0)
        ret = -1;
    if (vbTestRun("freeing NULL does nothing", testFreeNull, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
