/*
 * qemumonitoreventtest.c: QMP events parsed into typed handler calls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each qemumonitoreventdata/<case>.events holds events as QEMU sends them,
 * one per line; <case>.out pins the handler calls they turn into, or
 * "dropped" for the ones we ignore.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vberror.h"
#include "vbfile.h"
#include "vbmonitorevent.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static void
testJobStatusChange(vbMonitor *mon G_GNUC_UNUSED, const char *jobname, vbMonitorJobStatus status,
                    void *opaque)
{
    g_string_append_printf(opaque, "job-status-change job=%s status=%s\n", jobname,
                           vbMonitorJobStatusTypeToString(status));
}

static void
testBlockJob(vbMonitor *mon G_GNUC_UNUSED, const vbMonitorBlockJobEvent *ev, void *opaque)
{
    g_string_append_printf(opaque,
                           "block-job %s job=%s type=%s len=%llu offset=%llu speed=%llu "
                           "error=%s operation=%s action=%s at=%lld.%06u\n",
                           vbMonitorBlockJobEventTypeTypeToString(ev->event), ev->jobname,
                           vbMonitorJobTypeTypeToString(ev->type), ev->len, ev->offset, ev->speed,
                           ev->error ? ev->error : "-", ev->operation ? ev->operation : "-",
                           ev->action ? ev->action : "-", ev->seconds, ev->micros);
}

static void
testShutdown(vbMonitor *mon G_GNUC_UNUSED, bool guest, const char *reason, void *opaque)
{
    g_string_append_printf(opaque, "shutdown guest=%d reason=%s\n", guest, reason ? reason : "-");
}

static void
testReset(vbMonitor *mon G_GNUC_UNUSED, bool guest, const char *reason, void *opaque)
{
    g_string_append_printf(opaque, "reset guest=%d reason=%s\n", guest, reason ? reason : "-");
}

static void
testTrayMoved(vbMonitor *mon G_GNUC_UNUSED, const char *id, bool open, void *opaque)
{
    g_string_append_printf(opaque, "tray-moved id=%s open=%d\n", id, open);
}

static void
testGuestPanicked(vbMonitor *mon G_GNUC_UNUSED, const char *action, void *opaque)
{
    g_string_append_printf(opaque, "guest-panicked action=%s\n", action);
}

static void
testStop(vbMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    g_string_append(opaque, "stop\n");
}

static void
testResume(vbMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    g_string_append(opaque, "resume\n");
}

static void
testBalloonChange(vbMonitor *mon G_GNUC_UNUSED, unsigned long long actual, void *opaque)
{
    g_string_append_printf(opaque, "balloon-change actual=%llu\n", actual);
}

static void
testWatchdog(vbMonitor *mon G_GNUC_UNUSED, const char *action, void *opaque)
{
    g_string_append_printf(opaque, "watchdog action=%s\n", action);
}

static void
testSerialPortChange(vbMonitor *mon G_GNUC_UNUSED, const char *id, bool connected, void *opaque)
{
    g_string_append_printf(opaque, "serial-port-change id=%s open=%d\n", id, connected);
}

static void
testIOError(vbMonitor *mon G_GNUC_UNUSED, const vbMonitorIOErrorEvent *ev, void *opaque)
{
    g_string_append_printf(opaque,
                           "io-error device='%s' node=%s operation=%s action=%s nospace=%d "
                           "reason='%s'\n",
                           ev->device, NULLSTR(ev->nodeName), ev->operation, ev->action,
                           ev->nospace, ev->reason);
}

static void
testDeviceDeleted(vbMonitor *mon G_GNUC_UNUSED, const char *id, void *opaque)
{
    g_string_append_printf(opaque, "device-deleted id=%s\n", id);
}

static void
testDeviceUnplugGuestError(vbMonitor *mon G_GNUC_UNUSED, const char *id, void *opaque)
{
    g_string_append_printf(opaque, "device-unplug-guest-error id=%s\n", id);
}

static const vbMonitorEventHandlers testHandlers = {
    .jobStatusChange = testJobStatusChange,
    .blockJob = testBlockJob,
    .shutdown = testShutdown,
    .reset = testReset,
    .trayMoved = testTrayMoved,
    .guestPanicked = testGuestPanicked,
    .stop = testStop,
    .resume = testResume,
    .balloonChange = testBalloonChange,
    .watchdog = testWatchdog,
    .ioError = testIOError,
    .serialPortChange = testSerialPortChange,
    .deviceDeleted = testDeviceDeleted,
    .deviceUnplugGuestError = testDeviceUnplugGuestError,
};

static int
testEvents(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *inRel = g_strdup_printf("qemumonitoreventdata/%s.events", name);
    g_autofree char *outRel = g_strdup_printf("qemumonitoreventdata/%s.out", name);
    g_autofree char *inPath = vbTestSrcPath(inRel);
    g_autofree char *outPath = vbTestSrcPath(outRel);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    size_t i;

    if (vbFileReadAll(inPath, 1024 * 1024, &text) < 0)
        return -1;
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_autoptr(vbJSONValue) msg = NULL;
        vbJSONValue *stamp;
        long long seconds = -1;
        unsigned long long micros = 0;

        if (!*lines[i])
            continue;
        if (!(msg = vbJSONValueFromString(lines[i])))
            return -1;
        stamp = vbJSONValueObjectGetObject(msg, "timestamp");
        if (vbJSONValueObjectGetNumberLong(stamp, "seconds", &seconds) < 0 ||
            vbJSONValueObjectGetNumberUlong(stamp, "microseconds", &micros) < 0)
            return -1;
        if (!vbMonitorEventDispatch(&testHandlers, NULL, vbJSONValueObjectGetString(msg, "event"),
                                    vbJSONValueObjectGet(msg, "data"), seconds, micros, out))
            g_string_append_printf(out, "dropped %s\n", vbJSONValueObjectGetString(msg, "event"));
    }
    return vbTestCompareToFile(out->str, outPath);
}

/* A handler left NULL means the event is not wanted, not a crash */
static int
testNoHandlers(const void *opaque G_GNUC_UNUSED)
{
    static const vbMonitorEventHandlers none = {0};
    g_autoptr(vbJSONValue) data =
        vbJSONValueFromString("{\"status\": \"created\", \"id\": \"commit0\"}");

    if (!data)
        return -1;
    return vbMonitorEventDispatch(&none, NULL, "JOB_STATUS_CHANGE", data, 1, 0, NULL) ? -1 : 0;
}

static int
testTableSorted(const void *opaque G_GNUC_UNUSED)
{
    size_t i;

    for (i = 1; vbMonitorEventName(i); i++) {
        if (strcmp(vbMonitorEventName(i - 1), vbMonitorEventName(i)) >= 0) {
            fprintf(stderr, "event table: '%s' must sort after '%s'\n", vbMonitorEventName(i),
                    vbMonitorEventName(i - 1));
            return -1;
        }
    }
    return i > 1 ? 0 : -1;
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;
    static const char *cases[] = {"active-commit",    "cancel-and-errors",      "malformed",
                                  "reset-and-reboot", "watchdog-panic-balloon", "guest-panicked",
                                  "tray-moved",       "block-io-error",         "vserport-change",
                                  "device-deleted"};

    if (vbTestRun("event table sorted and unique", testTableSorted, NULL) < 0)
        ret = -1;
    if (vbTestRun("no handlers", testNoHandlers, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (vbTestRun(cases[i], testEvents, cases[i]) < 0)
            ret = -1;
    }
    return ret;
}

VB_TEST_MAIN(mymain)
