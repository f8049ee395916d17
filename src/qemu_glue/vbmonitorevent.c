/*
 * vbmonitorevent.c: QMP events turned into C values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdlib.h>
#include <string.h>

#include "vbmonitorevent.h"
#include "vblog.h"

VB_ENUM_IMPL(vbMonitorBlockJobEventType, VB_MONITOR_BLOCK_JOB_EVENT_LAST, "BLOCK_JOB_COMPLETED",
             "BLOCK_JOB_CANCELLED", "BLOCK_JOB_READY", "BLOCK_JOB_ERROR", "BLOCK_JOB_PENDING");

typedef bool (*vbMonitorEventFunc)(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                                   const char *name, vbJSONValue *data, long long seconds,
                                   unsigned int micros, void *opaque);

static bool
vbMonitorEventMalformed(const char *name, const char *field)
{
    VB_DEBUG("dropping event '%s' without a valid '%s'", name, field);
    return false;
}

static bool
vbMonitorEventJobStatusChange(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                              const char *name, vbJSONValue *data, long long seconds G_GNUC_UNUSED,
                              unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    const char *id = vbJSONValueObjectGetString(data, "id");
    int status = vbMonitorJobStatusTypeFromString(vbJSONValueObjectGetString(data, "status"));

    if (!id)
        return vbMonitorEventMalformed(name, "id");
    if (status < 0)
        return vbMonitorEventMalformed(name, "status");
    if (!handlers->jobStatusChange)
        return false;
    handlers->jobStatusChange(mon, id, status, opaque);
    return true;
}

static bool
vbMonitorEventBlockJob(const vbMonitorEventHandlers *handlers, vbMonitor *mon, const char *name,
                       vbJSONValue *data, long long seconds, unsigned int micros, void *opaque)
{
    vbMonitorBlockJobEvent ev = {.seconds = seconds, .micros = micros};
    int event = vbMonitorBlockJobEventTypeTypeFromString(name);
    int type;

    if (event < 0)
        return false;
    ev.event = event;

    switch (ev.event) {
    case VB_MONITOR_BLOCK_JOB_EVENT_COMPLETED:
    case VB_MONITOR_BLOCK_JOB_EVENT_CANCELLED:
    case VB_MONITOR_BLOCK_JOB_EVENT_READY:
        if (!(ev.jobname = vbJSONValueObjectGetString(data, "device")))
            return vbMonitorEventMalformed(name, "device");
        if (vbJSONValueObjectGetNumberUlong(data, "len", &ev.len) < 0)
            return vbMonitorEventMalformed(name, "len");
        if (vbJSONValueObjectGetNumberUlong(data, "offset", &ev.offset) < 0)
            return vbMonitorEventMalformed(name, "offset");
        if (vbJSONValueObjectGetNumberUlong(data, "speed", &ev.speed) < 0)
            return vbMonitorEventMalformed(name, "speed");
        /* only a failed COMPLETED has it */
        ev.error = vbJSONValueObjectGetString(data, "error");
        break;
    case VB_MONITOR_BLOCK_JOB_EVENT_PENDING:
        if (!(ev.jobname = vbJSONValueObjectGetString(data, "id")))
            return vbMonitorEventMalformed(name, "id");
        break;
    case VB_MONITOR_BLOCK_JOB_EVENT_ERROR:
        if (!(ev.jobname = vbJSONValueObjectGetString(data, "device")))
            return vbMonitorEventMalformed(name, "device");
        if (!(ev.operation = vbJSONValueObjectGetString(data, "operation")))
            return vbMonitorEventMalformed(name, "operation");
        if (!(ev.action = vbJSONValueObjectGetString(data, "action")))
            return vbMonitorEventMalformed(name, "action");
        break;
    case VB_MONITOR_BLOCK_JOB_EVENT_LAST:
        return false;
    }

    /* BLOCK_JOB_ERROR has no type; a type newer than ours is UNKNOWN */
    type = vbMonitorJobTypeTypeFromString(vbJSONValueObjectGetString(data, "type"));
    ev.type = type < 0 ? VB_MONITOR_JOB_TYPE_UNKNOWN : type;

    if (!handlers->blockJob)
        return false;
    handlers->blockJob(mon, &ev, opaque);
    return true;
}

static bool
vbMonitorEventShutdown(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                       const char *name G_GNUC_UNUSED, vbJSONValue *data,
                       long long seconds G_GNUC_UNUSED, unsigned int micros G_GNUC_UNUSED,
                       void *opaque)
{
    bool guest = false;

    if (!handlers->shutdown)
        return false;
    /* both members came in 6.0; missing ones mean a host-side shutdown */
    if (vbJSONValueObjectGetBoolean(data, "guest", &guest) < 0)
        guest = false;
    handlers->shutdown(mon, guest, vbJSONValueObjectGetString(data, "reason"), opaque);
    return true;
}

static bool
vbMonitorEventReset(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                    const char *name G_GNUC_UNUSED, vbJSONValue *data,
                    long long seconds G_GNUC_UNUSED, unsigned int micros G_GNUC_UNUSED,
                    void *opaque)
{
    bool guest = false;

    if (!handlers->reset)
        return false;
    /* as SHUTDOWN: missing members mean a reset from the host */
    if (vbJSONValueObjectGetBoolean(data, "guest", &guest) < 0)
        guest = false;
    handlers->reset(mon, guest, vbJSONValueObjectGetString(data, "reason"), opaque);
    return true;
}

static bool
vbMonitorEventTrayMoved(const vbMonitorEventHandlers *handlers, vbMonitor *mon, const char *name,
                        vbJSONValue *data, long long seconds G_GNUC_UNUSED,
                        unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    const char *id = vbJSONValueObjectGetString(data, "id");
    bool open;

    if (!id)
        return vbMonitorEventMalformed(name, "id");
    if (vbJSONValueObjectGetBoolean(data, "tray-open", &open) < 0)
        return vbMonitorEventMalformed(name, "tray-open");
    if (!handlers->trayMoved)
        return false;
    handlers->trayMoved(mon, id, open, opaque);
    return true;
}

static bool
vbMonitorEventGuestPanicked(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                            const char *name, vbJSONValue *data, long long seconds G_GNUC_UNUSED,
                            unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    const char *action = vbJSONValueObjectGetString(data, "action");

    /* The crash details ("info") are only logged by libvirt: not read. */
    if (!action)
        return vbMonitorEventMalformed(name, "action");
    if (!handlers->guestPanicked)
        return false;
    handlers->guestPanicked(mon, action, opaque);
    return true;
}

static bool
vbMonitorEventIOError(const vbMonitorEventHandlers *handlers, vbMonitor *mon, const char *name,
                      vbJSONValue *data, long long seconds G_GNUC_UNUSED,
                      unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    vbMonitorIOErrorEvent ev = {
        .device = vbJSONValueObjectGetString(data, "device"),
        .nodeName = vbJSONValueObjectGetString(data, "node-name"),
        .operation = vbJSONValueObjectGetString(data, "operation"),
        .action = vbJSONValueObjectGetString(data, "action"),
        .reason = vbJSONValueObjectGetString(data, "reason"),
    };

    if (!ev.device)
        return vbMonitorEventMalformed(name, "device");
    if (!ev.operation)
        return vbMonitorEventMalformed(name, "operation");
    if (!ev.action)
        return vbMonitorEventMalformed(name, "action");
    if (!ev.reason)
        return vbMonitorEventMalformed(name, "reason");
    /* optional: absent means it was no ENOSPC */
    if (vbJSONValueObjectGet(data, "nospace") &&
        vbJSONValueObjectGetBoolean(data, "nospace", &ev.nospace) < 0)
        return vbMonitorEventMalformed(name, "nospace");
    if (!handlers->ioError)
        return false;
    handlers->ioError(mon, &ev, opaque);
    return true;
}

static bool
vbMonitorEventStop(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                   const char *name G_GNUC_UNUSED, vbJSONValue *data G_GNUC_UNUSED,
                   long long seconds G_GNUC_UNUSED, unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    if (!handlers->stop)
        return false;
    handlers->stop(mon, opaque);
    return true;
}

static bool
vbMonitorEventResume(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                     const char *name G_GNUC_UNUSED, vbJSONValue *data G_GNUC_UNUSED,
                     long long seconds G_GNUC_UNUSED, unsigned int micros G_GNUC_UNUSED,
                     void *opaque)
{
    if (!handlers->resume)
        return false;
    handlers->resume(mon, opaque);
    return true;
}

static bool
vbMonitorEventBalloonChange(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                            const char *name, vbJSONValue *data, long long seconds G_GNUC_UNUSED,
                            unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    unsigned long long actual;

    if (vbJSONValueObjectGetNumberUlong(data, "actual", &actual) < 0)
        return vbMonitorEventMalformed(name, "actual");
    if (!handlers->balloonChange)
        return false;
    handlers->balloonChange(mon, actual, opaque);
    return true;
}

static bool
vbMonitorEventWatchdog(const vbMonitorEventHandlers *handlers, vbMonitor *mon, const char *name,
                       vbJSONValue *data, long long seconds G_GNUC_UNUSED,
                       unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    const char *action = vbJSONValueObjectGetString(data, "action");

    if (!action)
        return vbMonitorEventMalformed(name, "action");
    if (!handlers->watchdog)
        return false;
    handlers->watchdog(mon, action, opaque);
    return true;
}

static bool
vbMonitorEventSerialPortChange(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                               const char *name, vbJSONValue *data, long long seconds G_GNUC_UNUSED,
                               unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    const char *id = vbJSONValueObjectGetString(data, "id");
    bool open;

    if (!id)
        return vbMonitorEventMalformed(name, "id");
    if (vbJSONValueObjectGetBoolean(data, "open", &open) < 0)
        return vbMonitorEventMalformed(name, "open");
    if (!handlers->serialPortChange)
        return false;
    handlers->serialPortChange(mon, id, open, opaque);
    return true;
}

/* DEVICE_DELETED comes for a device's backends too ("path" only): only a
 * device with an id is ours to hear of */
static bool
vbMonitorEventDeviceDeleted(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                            const char *name G_GNUC_UNUSED, vbJSONValue *data,
                            long long seconds G_GNUC_UNUSED, unsigned int micros G_GNUC_UNUSED,
                            void *opaque)
{
    const char *id = vbJSONValueObjectGetString(data, "device");

    if (!id || !handlers->deviceDeleted)
        return false;
    handlers->deviceDeleted(mon, id, opaque);
    return true;
}

static bool
vbMonitorEventDeviceUnplugGuestError(const vbMonitorEventHandlers *handlers, vbMonitor *mon,
                                     const char *name G_GNUC_UNUSED, vbJSONValue *data,
                                     long long seconds G_GNUC_UNUSED,
                                     unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    const char *id = vbJSONValueObjectGetString(data, "device");

    if (!id || !handlers->deviceUnplugGuestError)
        return false;
    handlers->deviceUnplugGuestError(mon, id, opaque);
    return true;
}

/* Sorted by name for bsearch (qemumonitoreventtest checks it) */
static const struct vbMonitorEventEntry {
    const char *name;
    vbMonitorEventFunc func;
} vbMonitorEventTable[] = {
    {"BALLOON_CHANGE", vbMonitorEventBalloonChange},
    {"BLOCK_IO_ERROR", vbMonitorEventIOError},
    {"BLOCK_JOB_CANCELLED", vbMonitorEventBlockJob},
    {"BLOCK_JOB_COMPLETED", vbMonitorEventBlockJob},
    {"BLOCK_JOB_ERROR", vbMonitorEventBlockJob},
    {"BLOCK_JOB_PENDING", vbMonitorEventBlockJob},
    {"BLOCK_JOB_READY", vbMonitorEventBlockJob},
    {"DEVICE_DELETED", vbMonitorEventDeviceDeleted},
    {"DEVICE_TRAY_MOVED", vbMonitorEventTrayMoved},
    {"DEVICE_UNPLUG_GUEST_ERROR", vbMonitorEventDeviceUnplugGuestError},
    {"GUEST_PANICKED", vbMonitorEventGuestPanicked},
    {"JOB_STATUS_CHANGE", vbMonitorEventJobStatusChange},
    {"RESET", vbMonitorEventReset},
    {"RESUME", vbMonitorEventResume},
    {"SHUTDOWN", vbMonitorEventShutdown},
    {"STOP", vbMonitorEventStop},
    {"VSERPORT_CHANGE", vbMonitorEventSerialPortChange},
    {"WATCHDOG", vbMonitorEventWatchdog},
};

static int
vbMonitorEventCompare(const void *key, const void *elem)
{
    return strcmp(key, ((const struct vbMonitorEventEntry *) elem)->name);
}

const char *
vbMonitorEventName(size_t idx)
{
    if (idx >= G_N_ELEMENTS(vbMonitorEventTable))
        return NULL;
    return vbMonitorEventTable[idx].name;
}

bool
vbMonitorEventDispatch(const vbMonitorEventHandlers *handlers, vbMonitor *mon, const char *name,
                       vbJSONValue *data, long long seconds, unsigned int micros, void *opaque)
{
    const struct vbMonitorEventEntry *entry =
        bsearch(name, vbMonitorEventTable, G_N_ELEMENTS(vbMonitorEventTable),
                sizeof(vbMonitorEventTable[0]), vbMonitorEventCompare);

    if (!entry) {
        VB_DEBUG("ignoring event '%s'", name);
        return false;
    }
    return entry->func(handlers, mon, name, data, seconds, micros, opaque);
}
