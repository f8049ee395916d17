/*
 * vbdomainevent.c: events for clients (lifecycle, block jobs)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbdomainevent.h"
#include "vblog.h"

struct _vbDomainEventQueue {
    GMutex lock;
    GQueue pending;
    GSource *flush; /* the idle source that will flush, NULL when none */
    GMainContext *ctx;
    vbDomainEventDispatchFunc func;
    void *opaque;
};

void
vbDomainEventFree(vbDomainEvent *ev)
{
    if (!ev)
        return;
    g_free(ev->name);
    g_free(ev->disk);
    g_free(ev->srcPath);
    g_free(ev->reason);
    g_free(ev->jobStats);
    g_free(ev);
}

static vbDomainEvent *
vbDomainEventNew(vbDomainEventKind kind, int eventID, const char *name, const unsigned char *uuid,
                 int id)
{
    vbDomainEvent *ev = g_new0(vbDomainEvent, 1);

    ev->kind = kind;
    ev->eventID = eventID;
    ev->name = g_strdup(name);
    memcpy(ev->uuid, uuid, VB_UUID_BUFLEN);
    ev->id = id;
    return ev;
}

vbDomainEvent *
vbDomainEventLifecycleNew(const char *name, const unsigned char *uuid, int id, int event,
                          int detail)
{
    vbDomainEvent *ev =
        vbDomainEventNew(VB_DOMAIN_EVENT_LIFECYCLE, VIR_DOMAIN_EVENT_ID_LIFECYCLE, name, uuid, id);

    ev->event = event;
    ev->detail = detail;
    return ev;
}

vbDomainEvent *
vbDomainEventControlErrorNew(const char *name, const unsigned char *uuid, int id)
{
    return vbDomainEventNew(VB_DOMAIN_EVENT_CONTROL_ERROR, VIR_DOMAIN_EVENT_ID_CONTROL_ERROR, name,
                            uuid, id);
}

vbDomainEvent *
vbDomainEventRebootNew(const char *name, const unsigned char *uuid, int id)
{
    return vbDomainEventNew(VB_DOMAIN_EVENT_REBOOT, VIR_DOMAIN_EVENT_ID_REBOOT, name, uuid, id);
}

vbDomainEvent *
vbDomainEventBalloonChangeNew(const char *name, const unsigned char *uuid, int id,
                              unsigned long long actual)
{
    vbDomainEvent *ev = vbDomainEventNew(VB_DOMAIN_EVENT_BALLOON_CHANGE,
                                         VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE, name, uuid, id);

    ev->balloonActual = actual;
    return ev;
}

vbDomainEvent *
vbDomainEventJobCompletedNew(const char *name, const unsigned char *uuid, int id, int operation,
                             const vbDomainEventJobStat *stats, size_t nstats)
{
    vbDomainEvent *ev = vbDomainEventNew(VB_DOMAIN_EVENT_JOB_COMPLETED,
                                         VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, name, uuid, id);

    ev->jobStats = g_new0(vbDomainEventJobStat, nstats + 1);
    ev->jobStats[0].field = VIR_DOMAIN_JOB_OPERATION;
    ev->jobStats[0].value = operation;
    memcpy(ev->jobStats + 1, stats, nstats * sizeof(*stats));
    ev->njobStats = nstats + 1;
    return ev;
}

vbDomainEvent *
vbDomainEventAgentLifecycleNew(const char *name, const unsigned char *uuid, int id, int state,
                               int reason)
{
    vbDomainEvent *ev = vbDomainEventNew(VB_DOMAIN_EVENT_AGENT_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, name, uuid, id);

    ev->event = state;
    ev->detail = reason;
    return ev;
}

vbDomainEvent *
vbDomainEventWatchdogNew(const char *name, const unsigned char *uuid, int id, int action)
{
    vbDomainEvent *ev =
        vbDomainEventNew(VB_DOMAIN_EVENT_WATCHDOG, VIR_DOMAIN_EVENT_ID_WATCHDOG, name, uuid, id);

    ev->watchdogAction = action;
    return ev;
}

vbDomainEvent *
vbDomainEventIOErrorNew(const char *name, const unsigned char *uuid, int id, const char *srcPath,
                        const char *devAlias, int action, const char *reason)
{
    vbDomainEvent *ev = reason
                            ? vbDomainEventNew(VB_DOMAIN_EVENT_IO_ERROR_REASON,
                                               VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON, name, uuid, id)
                            : vbDomainEventNew(VB_DOMAIN_EVENT_IO_ERROR,
                                               VIR_DOMAIN_EVENT_ID_IO_ERROR, name, uuid, id);

    ev->srcPath = g_strdup(srcPath);
    ev->disk = g_strdup(devAlias);
    ev->detail = action;
    ev->reason = g_strdup(reason);
    return ev;
}

vbDomainEvent *
vbDomainEventTrayChangeNew(const char *name, const unsigned char *uuid, int id,
                           const char *devAlias, int reason)
{
    vbDomainEvent *ev = vbDomainEventNew(VB_DOMAIN_EVENT_TRAY_CHANGE,
                                         VIR_DOMAIN_EVENT_ID_TRAY_CHANGE, name, uuid, id);

    ev->disk = g_strdup(devAlias);
    ev->detail = reason;
    return ev;
}

vbDomainEvent *
vbDomainEventBlockJobNew(const char *name, const unsigned char *uuid, int id, int eventID,
                         const char *disk, int jobType, int jobStatus)
{
    vbDomainEventKind kind = eventID == VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2
                                 ? VB_DOMAIN_EVENT_BLOCK_JOB_2
                                 : VB_DOMAIN_EVENT_BLOCK_JOB;
    vbDomainEvent *ev = vbDomainEventNew(kind, eventID, name, uuid, id);

    ev->disk = g_strdup(disk);
    ev->jobType = jobType;
    ev->jobStatus = jobStatus;
    return ev;
}

vbDomainEventQueue *
vbDomainEventQueueNew(GMainContext *ctx)
{
    vbDomainEventQueue *queue = g_new0(vbDomainEventQueue, 1);

    g_mutex_init(&queue->lock);
    g_queue_init(&queue->pending);
    queue->ctx = g_main_context_ref(ctx);
    return queue;
}

void
vbDomainEventQueueFree(vbDomainEventQueue *queue)
{
    if (!queue)
        return;
    /* A flush still scheduled must not run on freed memory. */
    if (queue->flush) {
        g_source_destroy(queue->flush);
        g_source_unref(queue->flush);
    }
    g_queue_clear_full(&queue->pending, (GDestroyNotify) vbDomainEventFree);
    g_main_context_unref(queue->ctx);
    g_mutex_clear(&queue->lock);
    g_free(queue);
}

void
vbDomainEventQueueSetDispatch(vbDomainEventQueue *queue, vbDomainEventDispatchFunc func,
                              void *opaque)
{
    g_mutex_lock(&queue->lock);
    queue->func = func;
    queue->opaque = opaque;
    g_mutex_unlock(&queue->lock);
}

static gboolean
vbDomainEventQueueFlush(gpointer opaque)
{
    vbDomainEventQueue *queue = opaque;
    GQueue batch = G_QUEUE_INIT;
    vbDomainEventDispatchFunc func;
    void *funcOpaque;
    vbDomainEvent *ev;

    g_mutex_lock(&queue->lock);
    batch = queue->pending;
    g_queue_init(&queue->pending);
    g_clear_pointer(&queue->flush, g_source_unref);
    func = queue->func;
    funcOpaque = queue->opaque;
    g_mutex_unlock(&queue->lock);

    while ((ev = g_queue_pop_head(&batch))) {
        VB_DEBUG("dispatching event kind=%d domain=%s", ev->kind, ev->name);
        if (func)
            func(ev, funcOpaque);
        vbDomainEventFree(ev);
    }
    return G_SOURCE_REMOVE;
}

void
vbDomainEventQueuePush(vbDomainEventQueue *queue, vbDomainEvent *ev)
{
    g_mutex_lock(&queue->lock);
    g_queue_push_tail(&queue->pending, ev);
    if (!queue->flush) {
        queue->flush = g_idle_source_new();
        g_source_set_callback(queue->flush, vbDomainEventQueueFlush, queue, NULL);
        g_source_attach(queue->flush, queue->ctx);
    }
    g_mutex_unlock(&queue->lock);
}
