/*
 * qemumonitortest.c: the QMP transport against a scripted fake QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#define VB_MONITOR_PRIV_H_ALLOW
#include "vbmonitorpriv.h"
#include "vberror.h"
#include "vbeventthread.h"
#include "qemumonitortestutils.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* Only a bound so that a broken monitor fails the test instead of hanging
 * it; nothing waits for it to pass. */
#define TEST_FAILSAFE_US (20 * G_USEC_PER_SEC)

typedef struct {
    GMutex lock;
    GCond cond;
    GPtrArray *events; /* "NAME seconds.micros data" */
    unsigned int eofs;
    unsigned int errors;
    bool closeOnEvent; /* the event callback closes the monitor */
} testRecorder;

static void
testRecorderInit(testRecorder *rec)
{
    g_mutex_init(&rec->lock);
    g_cond_init(&rec->cond);
    rec->events = g_ptr_array_new_with_free_func(g_free);
}

static void
testRecorderClear(testRecorder *rec)
{
    g_ptr_array_unref(rec->events);
    g_mutex_clear(&rec->lock);
    g_cond_clear(&rec->cond);
}

static void
testEOF(vbMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testRecorder *rec = opaque;

    g_mutex_lock(&rec->lock);
    rec->eofs++;
    g_cond_broadcast(&rec->cond);
    g_mutex_unlock(&rec->lock);
}

static void
testError(vbMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testRecorder *rec = opaque;

    g_mutex_lock(&rec->lock);
    rec->errors++;
    g_cond_broadcast(&rec->cond);
    g_mutex_unlock(&rec->lock);
}

static void
testEvent(vbMonitor *mon, const char *name, vbJSONValue *data, long long seconds,
          unsigned int micros, void *opaque)
{
    testRecorder *rec = opaque;
    g_autofree char *str = data ? vbJSONValueToString(data, false) : g_strdup("-");

    if (rec->closeOnEvent)
        vbMonitorClose(mon);

    g_mutex_lock(&rec->lock);
    g_ptr_array_add(rec->events, g_strdup_printf("%s %lld.%06u %s", name, seconds, micros, str));
    g_cond_broadcast(&rec->cond);
    g_mutex_unlock(&rec->lock);
}

static const vbMonitorCallbacks testCallbacks = {
    .eofNotify = testEOF,
    .errorNotify = testError,
    .event = testEvent,
};

/* Waits until @rec saw @events events, @eofs EOFs and @errors errors. */
static int
testRecorderWait(testRecorder *rec, unsigned int events, unsigned int eofs, unsigned int errors)
{
    gint64 deadline = g_get_monotonic_time() + TEST_FAILSAFE_US;
    int ret = 0;

    g_mutex_lock(&rec->lock);
    while (rec->events->len < events || rec->eofs < eofs || rec->errors < errors) {
        if (!g_cond_wait_until(&rec->cond, &rec->lock, deadline)) {
            fprintf(stderr, "gave up waiting: %u events, %u EOFs, %u errors\n", rec->events->len,
                    rec->eofs, rec->errors);
            ret = -1;
            break;
        }
    }
    g_mutex_unlock(&rec->lock);
    return ret;
}

/* One conversation: the fake server, the event thread, the monitor. */
typedef struct {
    vbTestQMP *qmp;
    vbEventThread *ev;
    vbMonitor *mon;
    testRecorder rec;
} testConv;

static void
testConvInit(testConv *conv)
{
    memset(conv, 0, sizeof(*conv));
    conv->qmp = vbTestQMPNew();
    testRecorderInit(&conv->rec);
    vbTestQMPAddGreeting(conv->qmp);
}

static int
testConvOpen(testConv *conv)
{
    int fd = vbTestQMPStart(conv->qmp);

    conv->ev = vbEventThreadNew("vb-test-event");
    conv->mon = vbMonitorOpenFD(fd, vbEventThreadGetContext(conv->ev), &testCallbacks, &conv->rec);
    return conv->mon ? 0 : -1;
}

/* Closes everything; -1 if the server's script was not followed. */
static int
testConvFinish(testConv *conv)
{
    int ret;

    vbMonitorClose(g_steal_pointer(&conv->mon));
    ret = vbTestQMPFinish(conv->qmp);
    vbEventThreadFree(g_steal_pointer(&conv->ev));
    vbTestQMPFree(g_steal_pointer(&conv->qmp));
    testRecorderClear(&conv->rec);
    return ret;
}

static int
testSendCommand(vbMonitor *mon, const char *name, vbJSONValue **reply)
{
    g_autoptr(vbJSONValue) cmd = NULL;

    if (vbJSONValueObjectAdd(&cmd, "s:execute", name, NULL) < 0)
        return -1;
    return vbMonitorSend(mon, &cmd, reply);
}

static int
testReplyIs(vbJSONValue *reply, const char *expected)
{
    g_autofree char *str = vbJSONValueToString(reply, false);

    return vbTestCompareStrings(expected, str);
}

typedef struct {
    const char *reply;
    bool bytewise;
    const char *expect;
} testSimpleData;

static int
testSimple(const void *opaque)
{
    const testSimpleData *data = opaque;
    testConv conv;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;

    testConvInit(&conv);
    vbTestQMPAddCommand(conv.qmp, "query-status", data->reply, data->bytewise);
    if (testConvOpen(&conv) < 0)
        goto cleanup;
    if (testSendCommand(conv.mon, "query-status", &reply) < 0)
        goto cleanup;
    if (testReplyIs(reply, data->expect) < 0)
        goto cleanup;
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

static int
testEventsWithReply(const void *opaque G_GNUC_UNUSED)
{
    testConv conv;
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) args = NULL;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;

    testConvInit(&conv);
    /* QEMU writes events and the reply in one go: one read has them all */
    vbTestQMPAddCommand(
        conv.qmp, "job-complete",
        "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 12}, \"event\": "
        "\"JOB_STATUS_CHANGE\", \"data\": {\"status\": \"waiting\", \"id\": \"c0\"}}\r\n"
        "{\"return\": {}, \"id\": \"@ID@\"}\r\n"
        "{\"timestamp\": {\"seconds\": 1700000001, \"microseconds\": 999999}, \"event\": "
        "\"BLOCK_JOB_COMPLETED\", \"data\": {\"device\": \"c0\", \"len\": 26214400, \"offset\": "
        "26214400, \"speed\": 0, \"type\": \"commit\"}}\r\n"
        "{\"timestamp\": {\"seconds\": 1700000002, \"microseconds\": 0}, \"event\": "
        "\"RESUME\"}\r\n",
        false);
    if (testConvOpen(&conv) < 0)
        goto cleanup;
    if (vbJSONValueObjectAdd(&cmd, "s:execute", "job-complete", NULL) < 0 ||
        vbJSONValueObjectAdd(&args, "s:id", "c0", NULL) < 0 ||
        vbJSONValueObjectAdd(&cmd, "o:arguments", &args, NULL) < 0)
        goto cleanup;
    if (vbMonitorSend(conv.mon, &cmd, &reply) < 0)
        goto cleanup;
    if (testReplyIs(reply, "{\"return\":{},\"id\":\"vb-2\"}") < 0)
        goto cleanup;
    /* the event sent before the reply was delivered before the reply */
    g_mutex_lock(&conv.rec.lock);
    if (conv.rec.events->len < 1) {
        g_mutex_unlock(&conv.rec.lock);
        fprintf(stderr, "reply returned before the event that preceded it\n");
        goto cleanup;
    }
    g_mutex_unlock(&conv.rec.lock);
    if (testRecorderWait(&conv.rec, 3, 0, 0) < 0)
        goto cleanup;
    if (vbTestCompareStrings("JOB_STATUS_CHANGE 1700000000.000012 "
                             "{\"status\":\"waiting\",\"id\":\"c0\"}",
                             conv.rec.events->pdata[0]) < 0 ||
        vbTestCompareStrings("BLOCK_JOB_COMPLETED 1700000001.999999 {\"device\":\"c0\","
                             "\"len\":26214400,\"offset\":26214400,\"speed\":0,\"type\":"
                             "\"commit\"}",
                             conv.rec.events->pdata[1]) < 0 ||
        vbTestCompareStrings("RESUME 1700000002.000000 -", conv.rec.events->pdata[2]) < 0)
        goto cleanup;
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

static int
testEventsBeforeOpen(const void *opaque G_GNUC_UNUSED)
{
    testConv conv;
    int ret = -1;

    testConvInit(&conv);
    /* an event right behind the capabilities reply, read by the handshake */
    vbTestQMPAddWrite(conv.qmp,
                      "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": "
                      "\"STOP\"}\r\n",
                      false);
    if (testConvOpen(&conv) < 0)
        goto cleanup;
    if (testRecorderWait(&conv.rec, 1, 0, 0) < 0)
        goto cleanup;
    if (vbTestCompareStrings("STOP 1.000002 -", conv.rec.events->pdata[0]) < 0)
        goto cleanup;
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

static int
testTimeout(const void *opaque G_GNUC_UNUSED)
{
    testConv conv;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;

    testConvInit(&conv);
    /* no reply at all to the first command ... */
    vbTestQMPAddCommand(conv.qmp, "query-status", NULL, false);
    /* ... and it comes late, just before the reply to the second */
    vbTestQMPAddCommand(conv.qmp, "query-version",
                        "{\"return\": \"late\", \"id\": \"@PREVID@\"}\r\n"
                        "{\"return\": \"right\", \"id\": \"@ID@\"}\r\n",
                        false);
    if (testConvOpen(&conv) < 0)
        goto cleanup;

    /* The server never answers: the timeout expires whatever its length. */
    vbMonitorSetTimeout(conv.mon, 50);
    if (testSendCommand(conv.mon, "query-status", &reply) == 0)
        goto cleanup;
    if (vbGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT ||
        vbTestCompareStrings("Timed out during operation: QEMU did not reply to command "
                             "'query-status' within 50 ms",
                             vbGetLastErrorMessage()) < 0)
        goto cleanup;

    vbMonitorSetTimeout(conv.mon, 0);
    if (testSendCommand(conv.mon, "query-version", &reply) < 0)
        goto cleanup;
    if (testReplyIs(reply, "{\"return\":\"right\",\"id\":\"vb-3\"}") < 0)
        goto cleanup;
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

/* A command larger than the socket buffer: written in pieces as the
 * socket drains, from the event thread's write watch. */
static int
testLargeCommand(const void *opaque G_GNUC_UNUSED)
{
    testConv conv;
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) args = NULL;
    g_autoptr(vbJSONValue) reply = NULL;
    g_autofree char *big = g_strnfill(4 * 1024 * 1024, 'x');
    vbJSONValue *received;
    int ret = -1;

    testConvInit(&conv);
    vbTestQMPAddCommand(conv.qmp, "human-monitor-command",
                        "{\"return\": \"\", \"id\": \"@ID@\"}\r\n", false);
    if (testConvOpen(&conv) < 0)
        goto cleanup;
    if (vbJSONValueObjectAdd(&cmd, "s:execute", "human-monitor-command", NULL) < 0 ||
        vbJSONValueObjectAdd(&args, "s:command-line", big, NULL) < 0 ||
        vbJSONValueObjectAdd(&cmd, "o:arguments", &args, NULL) < 0)
        goto cleanup;
    if (vbMonitorSend(conv.mon, &cmd, &reply) < 0)
        goto cleanup;
    if (testReplyIs(reply, "{\"return\":\"\",\"id\":\"vb-2\"}") < 0)
        goto cleanup;

    /* the server must have got all of it */
    vbMonitorClose(g_steal_pointer(&conv.mon));
    if (vbTestQMPFinish(conv.qmp) < 0)
        goto cleanup;
    received = vbTestQMPGetCommand(conv.qmp, 1);
    if (g_strcmp0(
            vbJSONValueObjectGetString(vbJSONValueObjectGet(received, "arguments"), "command-line"),
            big) != 0) {
        fprintf(stderr, "the large command arrived damaged\n");
        goto cleanup;
    }
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

typedef struct {
    const char *script; /* written after the command (or after the greeting) */
    bool closeAfter;    /* the server closes after it */
    size_t maxMessage;
    const char *error;
    bool eof; /* eofNotify, otherwise errorNotify */
} testFailureData;

static int
testFailure(const void *opaque)
{
    const testFailureData *data = opaque;
    testConv conv;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;

    testConvInit(&conv);
    vbTestQMPAddCommand(conv.qmp, "query-status", data->script, false);
    if (data->closeAfter)
        vbTestQMPAddClose(conv.qmp);
    vbMonitorSetMaxMessage(data->maxMessage);
    if (testConvOpen(&conv) < 0)
        goto cleanup;

    if (testSendCommand(conv.mon, "query-status", &reply) == 0) {
        fprintf(stderr, "command succeeded but must not\n");
        goto cleanup;
    }
    if (vbTestCompareStrings(data->error, vbGetLastErrorMessage()) < 0)
        goto cleanup;
    if (testRecorderWait(&conv.rec, 0, data->eof ? 1 : 0, data->eof ? 0 : 1) < 0)
        goto cleanup;

    /* the failure is latched: the next sender gets it at once */
    vbResetLastError();
    if (testSendCommand(conv.mon, "query-status", &reply) == 0 ||
        vbTestCompareStrings(data->error, vbGetLastErrorMessage()) < 0 ||
        g_strcmp0(vbMonitorGetLastErrorMessage(conv.mon), data->error) != 0)
        goto cleanup;
    /* notified exactly once */
    if (conv.rec.eofs + conv.rec.errors != 1)
        goto cleanup;
    ret = 0;
cleanup:
    vbMonitorSetMaxMessage(0);
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

/* A monitor failed on garbage still tells its owner when QEMU exits:
 * errorNotify, then eofNotify once QEMU closes; the error stays the
 * first one. */
static int
testFailureThenExit(const void *opaque G_GNUC_UNUSED)
{
    static const char *error =
        "internal error: QEMU monitor sent a line that is not JSON: 'garbage'";
    testConv conv;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;

    testConvInit(&conv);
    /* more output after the garbage: unread, it must not look like a hangup */
    vbTestQMPAddCommand(conv.qmp, "query-status",
                        "garbage\r\n{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
                        "\"event\": \"STOP\"}\r\n",
                        false);
    if (testConvOpen(&conv) < 0)
        goto cleanup;
    if (testSendCommand(conv.mon, "query-status", &reply) == 0 ||
        vbTestCompareStrings(error, vbGetLastErrorMessage()) < 0)
        goto cleanup;
    if (testRecorderWait(&conv.rec, 0, 0, 1) < 0)
        goto cleanup;
    if (conv.rec.eofs != 0) {
        fprintf(stderr, "EOF notified while QEMU still runs\n");
        goto cleanup;
    }

    vbTestQMPHangup(conv.qmp);
    if (testRecorderWait(&conv.rec, 0, 1, 1) < 0)
        goto cleanup;
    if (conv.rec.events->len != 0 || conv.rec.errors != 1 ||
        g_strcmp0(vbMonitorGetLastErrorMessage(conv.mon), error) != 0)
        goto cleanup;
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

/* QEMU answers 'quit' and closes at once: the reply counts, then EOF */
static int
testReplyThenEOF(const void *opaque G_GNUC_UNUSED)
{
    testConv conv;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;

    testConvInit(&conv);
    vbTestQMPAddCommand(conv.qmp, "quit",
                        "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": "
                        "\"SHUTDOWN\", \"data\": {\"guest\": false, \"reason\": "
                        "\"host-qmp-quit\"}}\r\n{\"return\": {}, \"id\": \"@ID@\"}\r\n",
                        false);
    vbTestQMPAddClose(conv.qmp);
    if (testConvOpen(&conv) < 0)
        goto cleanup;
    if (testSendCommand(conv.mon, "quit", &reply) < 0)
        goto cleanup;
    if (testReplyIs(reply, "{\"return\":{},\"id\":\"vb-2\"}") < 0)
        goto cleanup;
    if (testRecorderWait(&conv.rec, 1, 1, 0) < 0)
        goto cleanup;
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

static int
testEOFWhileIdle(const void *opaque G_GNUC_UNUSED)
{
    testConv conv;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;

    testConvInit(&conv);
    vbTestQMPAddClose(conv.qmp);
    if (testConvOpen(&conv) < 0)
        goto cleanup;
    if (testRecorderWait(&conv.rec, 0, 1, 0) < 0)
        goto cleanup;
    if (testSendCommand(conv.mon, "query-status", &reply) == 0 ||
        vbGetLastErrorCode() != VIR_ERR_OPERATION_FAILED ||
        vbTestCompareStrings("operation failed: End of file from qemu monitor",
                             vbGetLastErrorMessage()) < 0)
        goto cleanup;
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

static int
testCloseWhileWaiting(const void *opaque G_GNUC_UNUSED)
{
    testConv conv;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;
    int rc;

    testConvInit(&conv);
    /* instead of the reply an event, whose callback closes the monitor
     * while this thread waits for the reply */
    vbTestQMPAddCommand(conv.qmp, "query-status",
                        "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": "
                        "\"STOP\"}\r\n",
                        false);
    conv.rec.closeOnEvent = true;
    if (testConvOpen(&conv) < 0)
        goto cleanup;

    rc = testSendCommand(conv.mon, "query-status", &reply);
    /* closed by the callback: the memory lives until the event thread is done */
    conv.mon = NULL;
    if (rc == 0 || vbGetLastErrorCode() != VIR_ERR_OPERATION_FAILED ||
        vbTestCompareStrings("operation failed: QEMU monitor was closed", vbGetLastErrorMessage()) <
            0)
        goto cleanup;
    if (testRecorderWait(&conv.rec, 1, 0, 0) < 0)
        goto cleanup;
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

typedef struct {
    const char *script;
    const char *error;
} testHandshakeData;

static int
testHandshakeFailure(const void *opaque)
{
    const testHandshakeData *data = opaque;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autoptr(vbEventThread) ev = vbEventThreadNew("vb-test-event");
    vbMonitor *mon;
    int fd;

    vbTestQMPAddWrite(qmp, data->script, false);
    vbTestQMPAddClose(qmp);
    fd = vbTestQMPStart(qmp);

    if ((mon = vbMonitorOpenFD(fd, vbEventThreadGetContext(ev), &testCallbacks, NULL))) {
        vbMonitorClose(mon);
        return -1;
    }
    if (vbTestCompareStrings(data->error, vbGetLastErrorMessage()) < 0)
        return -1;
    return vbTestQMPFinish(qmp);
}

/* An event and a reply left over from the previous client, before the
 * greeting (QEMU 7.2 on a reconnect): dropped, the connection works. */
static int
testEventBeforeGreeting(const void *opaque G_GNUC_UNUSED)
{
    testConv conv;
    g_autoptr(vbJSONValue) reply = NULL;
    int ret = -1;

    memset(&conv, 0, sizeof(conv));
    conv.qmp = vbTestQMPNew();
    testRecorderInit(&conv.rec);
    vbTestQMPAddWrite(conv.qmp,
                      "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": "
                      "\"JOB_STATUS_CHANGE\", \"data\": {\"status\": \"waiting\", "
                      "\"id\": \"commit-vda\"}}\r\n{\"return\": {}, \"id\": \"vb-7\"}\r\n",
                      false);
    vbTestQMPAddGreeting(conv.qmp);
    vbTestQMPAddCommand(conv.qmp, "query-status", "{\"return\": {}, \"id\": \"@ID@\"}\r\n", false);
    if (testConvOpen(&conv) < 0)
        goto cleanup;
    if (testSendCommand(conv.mon, "query-status", &reply) < 0 ||
        testReplyIs(reply, "{\"return\":{},\"id\":\"vb-2\"}") < 0)
        goto cleanup;
    if (conv.rec.events->len != 0) {
        fprintf(stderr, "the stale event was dispatched\n");
        goto cleanup;
    }
    ret = 0;
cleanup:
    if (testConvFinish(&conv) < 0)
        ret = -1;
    return ret;
}

/* How QEMU answers qmp_capabilities after its greeting, and the error
 * the opening fails with (NULL: it succeeds). */
typedef struct {
    const char *reply;
    const char *error;
} testCapabilitiesData;

static int
testCapabilities(const void *opaque)
{
    const testCapabilitiesData *data = opaque;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autoptr(vbEventThread) ev = vbEventThreadNew("vb-test-event");
    vbMonitor *mon;

    vbTestQMPAddWrite(qmp, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n", false);
    vbTestQMPAddCommand(qmp, "qmp_capabilities", data->reply, false);
    mon = vbMonitorOpenFD(vbTestQMPStart(qmp), vbEventThreadGetContext(ev), &testCallbacks, NULL);
    vbMonitorClose(mon);
    if (!mon != !!data->error) {
        fprintf(stderr, "the monitor %s open\n", mon ? "did" : "did not");
        return -1;
    }
    if (data->error && vbTestCompareStrings(data->error, vbGetLastErrorMessage()) < 0)
        return -1;
    return vbTestQMPFinish(qmp);
}

static int
testOpenMissingSocket(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = vbTestMakeTempDir();
    g_autofree char *path = g_build_filename(dir, "qmp.sock", NULL);
    g_autoptr(GMainContext) ctx = g_main_context_new();
    vbMonitor *mon = vbMonitorOpen(path, ctx, 30, 0, &testCallbacks, NULL);
    int ret = 0;

    if (mon) {
        vbMonitorClose(mon);
        ret = -1;
    } else if (vbTestCompareStrings("monitor socket did not show up: No such file or directory",
                                    vbGetLastErrorMessage()) < 0) {
        ret = -1;
    }
    vbTestCleanupDir(dir);
    return ret;
}

typedef struct {
    const char *reply;
    int ret;
    const char *errorClass;
    const char *error;
} testCheckReplyData;

static int
testCheckReply(const void *opaque)
{
    const testCheckReplyData *data = opaque;
    g_autoptr(vbJSONValue) reply = vbJSONValueFromString(data->reply);

    if (!reply)
        return -1;
    vbResetLastError();
    if (vbMonitorCheckReply("block-commit", reply) != data->ret)
        return -1;
    if (g_strcmp0(vbMonitorReplyErrorClass(reply), data->errorClass) != 0)
        return -1;
    if (data->ret == 0)
        return vbGetLastError() ? -1 : 0;
    if (vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        return -1;
    return vbTestCompareStrings(data->error, vbGetLastErrorMessage());
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;
    static const testSimpleData simple[] = {
        {"{\"return\": {\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}, "
         "\"id\": \"@ID@\"}\r\n",
         false,
         "{\"return\":{\"status\":\"prelaunch\",\"singlestep\":false,\"running\":false},"
         "\"id\":\"vb-2\"}"},
        {"{\"return\": {\"status\": \"running\"}, \"id\": \"@ID@\"}\r\n", true,
         "{\"return\":{\"status\":\"running\"},\"id\":\"vb-2\"}"},
        {"{\"return\": 1, \"id\": \"bogus\"}\r\n\r\n{\"return\": 2, \"id\": \"@ID@\"}\r\n", false,
         "{\"return\":2,\"id\":\"vb-2\"}"},
        {"{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}\r\n", false,
         "{\"error\":{\"class\":\"GenericError\",\"desc\":\"JSON parse error\"}}"},
        {"{\"return\": {}, \"id\": \"@ID@\"}\n", false, "{\"return\":{},\"id\":\"vb-2\"}"},
    };
    static const char *simpleNames[] = {
        "reply in one write",
        "reply split byte by byte",
        "reply with an unknown id is dropped",
        "reply without id is for the command in flight",
        "line ends without carriage return",
    };
    static const testFailureData failures[] = {
        {"this is not JSON\r\n", false, 0,
         "internal error: QEMU monitor sent a line that is not JSON: 'this is not JSON'", false},
        {"[\"no\", \"object\"]\r\n", false, 0,
         "internal error: unexpected message from QEMU monitor: '[\"no\", \"object\"]'", false},
        {"{\"return\": {\"status\": \"runn", true, 0,
         "operation failed: End of file from qemu monitor", true},
        {NULL, true, 0, "operation failed: End of file from qemu monitor", true},
        {"{\"return\": \"0123456789012345678901234567890123456789012345678901234567890123456789"
         "0123456789012345678901234567890123456789\"",
         false, 64, "internal error: QEMU monitor reply exceeds buffer size (64 bytes)", false},
    };
    static const char *failureNames[] = {
        "garbage line",
        "a message that is no object",
        "EOF in the middle of a reply",
        "EOF instead of a reply",
        "reply longer than the buffer cap",
    };
    static const testCapabilitiesData capabilities[] = {
        {"{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n"
         "{\"return\": {}, \"id\": \"@ID@\"}\r\n",
         NULL},
        {"{\"id\": \"@ID@\"}\r\n",
         "internal error: QEMU monitor answered 'qmp_capabilities' with '{\"id\":\"vb-1\"}'"},
        {"{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Capabilities negotiation is "
         "already complete, command ignored\"}, \"id\": \"@ID@\"}\r\n",
         "internal error: unable to execute QEMU command 'qmp_capabilities': Capabilities "
         "negotiation is already complete, command ignored"},
    };
    static const char *capabilitiesNames[] = {
        "greeting twice: the second one skipped",
        "qmp_capabilities answered oddly: refused, quoted",
        "qmp_capabilities refused",
    };
    static const testHandshakeData handshakes[] = {
        {"{\"QMPX\": {}}\r\n", "internal error: QEMU monitor did not start with the QMP greeting"},
        /* a reply before the greeting is taken for the previous client's */
        {"{\"return\": {}}\r\n", "operation failed: End of file from qemu monitor"},
        {"", "operation failed: End of file from qemu monitor"},
        {"{\"QMP\": ", "operation failed: End of file from qemu monitor"},
    };
    static const testCheckReplyData checks[] = {
        {"{\"return\": {}}", 0, NULL, NULL},
        {"{\"error\": {\"class\": \"DeviceNotActive\", \"desc\": \"Block job 'x' not found\"}}", -1,
         "DeviceNotActive",
         "internal error: unable to execute QEMU command 'block-commit': Block job 'x' not found"},
        {"{\"error\": {\"class\": \"GenericError\"}}", -1, "GenericError",
         "internal error: unable to execute QEMU command 'block-commit': unknown error"},
        {"{\"id\": \"vb-1\"}", -1, NULL,
         "internal error: unable to execute QEMU command "
         "'block-commit'"},
    };

    G_STATIC_ASSERT(G_N_ELEMENTS(simple) == G_N_ELEMENTS(simpleNames));
    G_STATIC_ASSERT(G_N_ELEMENTS(failures) == G_N_ELEMENTS(failureNames));

    for (i = 0; i < G_N_ELEMENTS(simple); i++) {
        if (vbTestRun(simpleNames[i], testSimple, &simple[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("command larger than the socket buffer", testLargeCommand, NULL) < 0)
        ret = -1;
    if (vbTestRun("events and reply in one write", testEventsWithReply, NULL) < 0)
        ret = -1;
    if (vbTestRun("event read with the handshake", testEventsBeforeOpen, NULL) < 0)
        ret = -1;
    if (vbTestRun("event and reply before the greeting", testEventBeforeGreeting, NULL) < 0)
        ret = -1;
    if (vbTestRun("timeout, then the late reply is dropped", testTimeout, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(failures); i++) {
        if (vbTestRun(failureNames[i], testFailure, &failures[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("failed on garbage, then QEMU exits", testFailureThenExit, NULL) < 0)
        ret = -1;
    if (vbTestRun("reply, then EOF", testReplyThenEOF, NULL) < 0)
        ret = -1;
    if (vbTestRun("EOF while no command is in flight", testEOFWhileIdle, NULL) < 0)
        ret = -1;
    if (vbTestRun("close from a callback while a sender waits", testCloseWhileWaiting, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(handshakes); i++) {
        g_autofree char *script = g_strescape(handshakes[i].script, NULL);
        g_autofree char *name = g_strdup_printf("handshake fails on '%s'", script);

        if (vbTestRun(name, testHandshakeFailure, &handshakes[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(capabilities); i++) {
        if (vbTestRun(capabilitiesNames[i], testCapabilities, &capabilities[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("socket that never shows up", testOpenMissingSocket, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(checks); i++) {
        g_autofree char *name = g_strdup_printf("check reply %s", checks[i].reply);

        if (vbTestRun(name, testCheckReply, &checks[i]) < 0)
            ret = -1;
    }
    return ret;
}

VB_TEST_MAIN(mymain)
