/*
 * vbmonitorevent.h: QMP events turned into C values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The transport hands each event over as JSON (vbMonitorCallbacks.event);
 * vbMonitorEventDispatch parses the ones we act on through one table
 * sorted by name and calls a typed handler, so that no code above this
 * layer reads JSON.  It runs in the event thread like any callback: the
 * handlers record what happened and wake or queue work, nothing more.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbjson.h"
#include "vbmonitor.h"
#include "vbmonitorjob.h"

/* The BLOCK_JOB_* events */
typedef enum {
    VB_MONITOR_BLOCK_JOB_EVENT_COMPLETED,
    VB_MONITOR_BLOCK_JOB_EVENT_CANCELLED,
    VB_MONITOR_BLOCK_JOB_EVENT_READY,
    VB_MONITOR_BLOCK_JOB_EVENT_ERROR,
    VB_MONITOR_BLOCK_JOB_EVENT_PENDING,

    VB_MONITOR_BLOCK_JOB_EVENT_LAST
} vbMonitorBlockJobEventType;

VB_ENUM_DECL(vbMonitorBlockJobEventType);

/* Strings are borrowed for the duration of the handler call. */
typedef struct {
    vbMonitorBlockJobEventType event;
    const char *jobname;   /* "device" (or "id" for PENDING): the job id */
    vbMonitorJobType type; /* UNKNOWN for ERROR, which carries no type */
    unsigned long long len;
    unsigned long long offset;
    unsigned long long speed;
    const char *error;     /* COMPLETED: set when the job failed */
    const char *operation; /* ERROR: "read" or "write" */
    const char *action;    /* ERROR: "ignore", "report" or "stop" */
    long long seconds;     /* QEMU's timestamp; -1 when absent */
    unsigned int micros;
} vbMonitorBlockJobEvent;

/* BLOCK_IO_ERROR: a guest I/O on a disk failed */
typedef struct {
    const char *device;    /* the qdev id of a -drive, "" with -blockdev */
    const char *nodeName;  /* the node that failed; NULL when absent */
    const char *operation; /* "read" or "write" */
    const char *action;    /* what QEMU did: "ignore", "report" or "stop" */
    bool nospace;          /* the error was ENOSPC */
    const char *reason;    /* the error's text, as strerror() writes it */
} vbMonitorIOErrorEvent;

typedef struct {
    /* JOB_STATUS_CHANGE */
    void (*jobStatusChange)(vbMonitor *mon, const char *jobname, vbMonitorJobStatus status,
                            void *opaque);
    /* BLOCK_JOB_COMPLETED, _CANCELLED, _READY, _ERROR, _PENDING */
    void (*blockJob)(vbMonitor *mon, const vbMonitorBlockJobEvent *event, void *opaque);
    /* SHUTDOWN: @guest is true when the guest asked for it */
    void (*shutdown)(vbMonitor *mon, bool guest, const char *reason, void *opaque);
    /* RESET: @guest is true when the guest rebooted itself */
    void (*reset)(vbMonitor *mon, bool guest, const char *reason, void *opaque);
    /* DEVICE_TRAY_MOVED: @id is the device's qdev id ("" when it has none) */
    void (*trayMoved)(vbMonitor *mon, const char *id, bool open, void *opaque);
    /* GUEST_PANICKED: @action is what QEMU did ("pause" with -no-shutdown,
     * "poweroff", "run") */
    void (*guestPanicked)(vbMonitor *mon, const char *action, void *opaque);
    /* STOP and RESUME */
    void (*stop)(vbMonitor *mon, void *opaque);
    void (*resume)(vbMonitor *mon, void *opaque);
    /* BALLOON_CHANGE: @actual is the guest's memory now, bytes */
    void (*balloonChange)(vbMonitor *mon, unsigned long long actual, void *opaque);
    /* BLOCK_IO_ERROR */
    void (*ioError)(vbMonitor *mon, const vbMonitorIOErrorEvent *event, void *opaque);
    /* WATCHDOG: @action is what QEMU does about it ("reset", "pause", ...) */
    void (*watchdog)(vbMonitor *mon, const char *action, void *opaque);
    /* VSERPORT_CHANGE: the guest opened (@connected) or closed the
     * virtio-serial port whose qdev id is @id */
    void (*serialPortChange)(vbMonitor *mon, const char *id, bool connected, void *opaque);
    /* DEVICE_DELETED: the device whose qdev id is @id is gone (a device
     * without an id, or a block backend, is not reported) */
    void (*deviceDeleted)(vbMonitor *mon, const char *id, void *opaque);
    /* DEVICE_UNPLUG_GUEST_ERROR: the guest refused to let go of device @id */
    void (*deviceUnplugGuestError)(vbMonitor *mon, const char *id, void *opaque);
} vbMonitorEventHandlers;

/**
 * vbMonitorEventDispatch:
 * Parses the event @name with @data and calls its handler in @handlers
 * (NULL members are skipped).  Events we do not act on, and malformed ones
 * (which QEMU does not send), are logged at debug level and dropped.
 * Returns true when a handler was called.
 */
bool vbMonitorEventDispatch(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                            const char *name, vbJSONValue *data, long long seconds,
                            unsigned int micros, void *opaque);

/* The names vbMonitorEventDispatch handles, in table order (tests check
 * that it is sorted, which the lookup relies on). */
const char *vbMonitorEventName(size_t idx);
