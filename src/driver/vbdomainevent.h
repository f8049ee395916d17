/*
 * vbdomainevent.h: events for clients (lifecycle, block jobs)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Producers (the job and process code, holding a domain lock) only queue an
 * event.  The queue is flushed from the daemon's main loop by an idle
 * source, so no client callback ever runs under a domain lock, and events of
 * one producer keep their order.
 */

#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "vbinternal.h"

typedef enum {
    VB_DOMAIN_EVENT_LIFECYCLE = 0,   /* VIR_DOMAIN_EVENT_ID_LIFECYCLE */
    VB_DOMAIN_EVENT_BLOCK_JOB,       /* VIR_DOMAIN_EVENT_ID_BLOCK_JOB: the image path */
    VB_DOMAIN_EVENT_BLOCK_JOB_2,     /* VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2: the target */
    VB_DOMAIN_EVENT_CONTROL_ERROR,   /* VIR_DOMAIN_EVENT_ID_CONTROL_ERROR: no data */
    VB_DOMAIN_EVENT_REBOOT,          /* VIR_DOMAIN_EVENT_ID_REBOOT: no data */
    VB_DOMAIN_EVENT_WATCHDOG,        /* VIR_DOMAIN_EVENT_ID_WATCHDOG: the action */
    VB_DOMAIN_EVENT_BALLOON_CHANGE,  /* VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE: KiB */
    VB_DOMAIN_EVENT_TRAY_CHANGE,     /* VIR_DOMAIN_EVENT_ID_TRAY_CHANGE: alias, reason */
    VB_DOMAIN_EVENT_IO_ERROR,        /* VIR_DOMAIN_EVENT_ID_IO_ERROR: path, alias, action */
    VB_DOMAIN_EVENT_IO_ERROR_REASON, /* VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON: and the reason */
    VB_DOMAIN_EVENT_AGENT_LIFECYCLE, /* VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE: state, reason */
    VB_DOMAIN_EVENT_JOB_COMPLETED,   /* VIR_DOMAIN_EVENT_ID_JOB_COMPLETED: the job's statistics */

    VB_DOMAIN_EVENT_LAST
} vbDomainEventKind;

/* One statistic of a finished job: a VIR_DOMAIN_JOB_* field name (a
 * string constant of libvirt's header) and its value, sent as an unsigned
 * long long, except VIR_DOMAIN_JOB_OPERATION (an int) */
typedef struct {
    const char *field;
    unsigned long long value;
} vbDomainEventJobStat;

typedef struct _vbDomainEvent vbDomainEvent;
struct _vbDomainEvent {
    vbDomainEventKind kind;
    int eventID; /* virDomainEventID */
    char *name;
    unsigned char uuid[VB_UUID_BUFLEN];
    int id; /* domain id, -1 when inactive */

    /* LIFECYCLE: virDomainEventType and its detail; AGENT_LIFECYCLE: the
     * virConnectDomainEventAgentLifecycleState and _Reason */
    int event;
    int detail;

    /* WATCHDOG: virDomainEventWatchdogAction */
    int watchdogAction;
    /* BALLOON_CHANGE: the guest's memory now, KiB */
    unsigned long long balloonActual;

    /* BLOCK_JOB*: disk path or target, virDomainBlockJobType, status;
     * TRAY_CHANGE: the device's alias in @disk, the
     * virDomainEventTrayChangeReason in @detail */
    char *disk;
    int jobType;
    int jobStatus;

    /* IO_ERROR*: the disk's source path in @srcPath, its alias in @disk,
     * the virDomainEventIOErrorAction in @detail; _REASON: QEMU's text */
    char *srcPath;
    char *reason;

    /* JOB_COMPLETED: virDomainGetJobStats's fields */
    vbDomainEventJobStat *jobStats;
    size_t njobStats;
};

void vbDomainEventFree(vbDomainEvent *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainEvent, vbDomainEventFree);

/* Receives every event, in the main loop; takes nothing (the event is
 * freed after the call). */
typedef void (*vbDomainEventDispatchFunc)(const vbDomainEvent *ev, void *opaque);

typedef struct _vbDomainEventQueue vbDomainEventQueue;

/* The queue flushes in @ctx (the daemon's main loop). */
vbDomainEventQueue *vbDomainEventQueueNew(GMainContext *ctx);
void vbDomainEventQueueFree(vbDomainEventQueue *queue);
void vbDomainEventQueueSetDispatch(vbDomainEventQueue *queue, vbDomainEventDispatchFunc func,
                                   void *opaque);
/* Takes @ev; callable from any thread. */
void vbDomainEventQueuePush(vbDomainEventQueue *queue, vbDomainEvent *ev);

vbDomainEvent *vbDomainEventLifecycleNew(const char *name, const unsigned char *uuid, int id,
                                         int event, int detail);
/* A job (virDomainJobOperation @operation) ended: @stats copied */
vbDomainEvent *vbDomainEventJobCompletedNew(const char *name, const unsigned char *uuid, int id,
                                            int operation, const vbDomainEventJobStat *stats,
                                            size_t nstats);
/* The domain's QEMU can no longer be controlled (its monitor failed). */
vbDomainEvent *vbDomainEventControlErrorNew(const char *name, const unsigned char *uuid, int id);
vbDomainEvent *vbDomainEventRebootNew(const char *name, const unsigned char *uuid, int id);
/* The balloon changed the guest's memory to @actual KiB. */
vbDomainEvent *vbDomainEventBalloonChangeNew(const char *name, const unsigned char *uuid, int id,
                                             unsigned long long actual);
/* The guest's watchdog fired; @action: virDomainEventWatchdogAction. */
vbDomainEvent *vbDomainEventWatchdogNew(const char *name, const unsigned char *uuid, int id,
                                        int action);
/* A guest I/O on the disk of @srcPath and @devAlias failed and QEMU did
 * @action (virDomainEventIOErrorAction); with @reason, the IO_ERROR_REASON
 * event, else IO_ERROR. */
vbDomainEvent *vbDomainEventIOErrorNew(const char *name, const unsigned char *uuid, int id,
                                       const char *srcPath, const char *devAlias, int action,
                                       const char *reason);
/* The guest agent connected or disconnected (@state, @reason:
 * virConnectDomainEventAgentLifecycleState and ..._Reason). */
vbDomainEvent *vbDomainEventAgentLifecycleNew(const char *name, const unsigned char *uuid, int id,
                                              int state, int reason);
vbDomainEvent *vbDomainEventTrayChangeNew(const char *name, const unsigned char *uuid, int id,
                                          const char *devAlias, int reason);
vbDomainEvent *vbDomainEventBlockJobNew(const char *name, const unsigned char *uuid, int id,
                                        int eventID, const char *disk, int jobType, int jobStatus);
