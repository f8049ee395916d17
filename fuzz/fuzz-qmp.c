/*
 * fuzz-qmp.c: libFuzzer harness for what QEMU sends over QMP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is one JSON document as it would arrive on the monitor
 * socket.  It goes through the JSON parser, and whatever parses must print
 * and parse back to the very same text.  Then it is taken for each thing
 * QEMU sends us that is parsed without a socket: a command reply (the
 * reply check and its error class), an event (dispatched under its own
 * name, and its data under every name the dispatcher knows, since the
 * typed parsers must not trust the name to match the data), and a
 * query-named-block-nodes answer, whose nodes then go through the bitmap
 * planning of a commit and of a snapshot over the chain they list, and a
 * query-jobs and a query-block-jobs answer (what a restarted daemon reads
 * to learn how its jobs went), and a query-block answer (which node a
 * device sits on after a job whose outcome was not heard).
 */

#include "vbinternal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vberror.h"
#include "vbjson.h"
#include "vbmonitor.h"
#include "vbmonitorblock.h"
#include "vbmonitorevent.h"
#include "vbmonitorjob.h"
#include "vbqemubitmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The handlers read every string they are given, so that a dangling or
 * unterminated one shows up under the sanitizers. */
static void
fuzzTouch(const char *str)
{
    if (str && strlen(str) == (size_t) -1)
        abort();
}

static void
fuzzJobStatusChange(vbMonitor *mon G_GNUC_UNUSED, const char *jobname, vbMonitorJobStatus status,
                    void *opaque G_GNUC_UNUSED)
{
    fuzzTouch(jobname);
    if (status >= VB_MONITOR_JOB_STATUS_LAST)
        abort();
}

static void
fuzzBlockJob(vbMonitor *mon G_GNUC_UNUSED, const vbMonitorBlockJobEvent *event,
             void *opaque G_GNUC_UNUSED)
{
    if (event->event >= VB_MONITOR_BLOCK_JOB_EVENT_LAST || event->type >= VB_MONITOR_JOB_TYPE_LAST)
        abort();
    fuzzTouch(event->jobname);
    fuzzTouch(event->error);
    fuzzTouch(event->operation);
    fuzzTouch(event->action);
}

static void
fuzzShutdown(vbMonitor *mon G_GNUC_UNUSED, bool guest G_GNUC_UNUSED, const char *reason,
             void *opaque G_GNUC_UNUSED)
{
    fuzzTouch(reason);
}

static void
fuzzNoArgs(vbMonitor *mon G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
}

static const vbMonitorEventHandlers fuzzHandlers = {
    .jobStatusChange = fuzzJobStatusChange,
    .blockJob = fuzzBlockJob,
    .shutdown = fuzzShutdown,
    .stop = fuzzNoArgs,
    .resume = fuzzNoArgs,
};

/* Printing what was parsed and parsing that again must give the same
 * text: the parser and the generator agree on every value. */
static void
fuzzRoundTrip(const vbJSONValue *value, bool pretty)
{
    g_autofree char *text = vbJSONValueToString(value, pretty);
    g_autoptr(vbJSONValue) again = NULL;
    g_autofree char *text2 = NULL;

    if (!text) {
        /* refused (a string that is not UTF-8): with an error, nothing else */
        if (!vbGetLastError())
            abort();
        vbResetLastError();
        return;
    }
    if (!(again = vbJSONValueFromString(text)) || !(text2 = vbJSONValueToString(again, pretty)) ||
        strcmp(text, text2) != 0)
        abort();
}

static void
fuzzEvent(vbJSONValue *value)
{
    const char *event = vbJSONValueObjectGetString(value, "event");
    vbJSONValue *data = vbJSONValueObjectGet(value, "data");
    const char *name;
    size_t i;

    if (event)
        vbMonitorEventDispatch(&fuzzHandlers, NULL, event, data, 0, 0, NULL);
    for (i = 0; (name = vbMonitorEventName(i)); i++) {
        vbMonitorEventDispatch(&fuzzHandlers, NULL, name, data, 0, 0, NULL);
        vbMonitorEventDispatch(&fuzzHandlers, NULL, name, value, 0, 0, NULL);
        vbMonitorEventDispatch(&fuzzHandlers, NULL, name, NULL, 0, 0, NULL);
    }
    vbResetLastError();
}

static void
fuzzBitmaps(GPtrArray *nodes)
{
    g_autoptr(GPtrArray) chain = g_ptr_array_new();
    size_t i;

    for (i = 0; i < nodes->len; i++) {
        vbMonitorBlockNodeInfo *info = g_ptr_array_index(nodes, i);

        if (info->nodeName)
            g_ptr_array_add(chain, info->nodeName);
    }
    if (chain->len < 2)
        return;
    g_ptr_array_add(chain, NULL);

    /* every base below the top, active and not */
    for (i = 1; i + 1 < chain->len; i++) {
        g_autoptr(vbJSONValue) actions = NULL;
        g_autoptr(vbJSONValue) activeActions = NULL;

        vbQemuBitmapCommitActions(nodes, (const char *const *) chain->pdata,
                                  g_ptr_array_index(chain, i), false, &actions);
        vbQemuBitmapCommitActions(nodes, (const char *const *) chain->pdata,
                                  g_ptr_array_index(chain, i), true, &activeActions);
        vbResetLastError();
    }
    {
        g_autoptr(vbJSONValue) actions = NULL;

        vbQemuBitmapSnapshotActions(nodes, g_ptr_array_index(chain, 0), g_ptr_array_index(chain, 1),
                                    &actions);
        vbResetLastError();
    }
}

static void
fuzzNamedBlockNodes(vbJSONValue *ret)
{
    g_autoptr(GPtrArray) nodes = NULL;

    if (vbMonitorParseNamedBlockNodes(ret, &nodes) < 0) {
        if (nodes || !vbGetLastError())
            abort();
        vbResetLastError();
        return;
    }
    fuzzBitmaps(nodes);
}

/* A query-block answer: the root node of a device, or an error */
static void
fuzzDeviceRoot(vbJSONValue *ret)
{
    static const char *const ids[] = {"virtio-disk0", "scsi0-0-0-1", "sata0-0-2"};
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_autofree char *root = NULL;

        if (vbMonitorParseBlockDeviceRoot(ret, ids[i], &root) < 0) {
            if (root || !vbGetLastError())
                abort();
            vbResetLastError();
        }
        fuzzTouch(root);
    }
}

/* An entry either parses with every string set and every enum in range,
 * or the whole answer is refused with an error and no array. */
static void
fuzzJobs(vbJSONValue *ret)
{
    g_autoptr(GPtrArray) jobs = NULL;
    g_autoptr(GPtrArray) blockJobs = NULL;
    size_t i;

    if (vbMonitorParseJobs(ret, &jobs) < 0) {
        if (jobs || !vbGetLastError())
            abort();
        vbResetLastError();
    } else {
        for (i = 0; i < jobs->len; i++) {
            vbMonitorJobInfo *job = g_ptr_array_index(jobs, i);

            if (!job->id || job->type >= VB_MONITOR_JOB_TYPE_LAST ||
                job->status >= VB_MONITOR_JOB_STATUS_LAST)
                abort();
            fuzzTouch(job->id);
            fuzzTouch(job->error);
        }
    }

    if (vbMonitorParseBlockJobs(ret, &blockJobs) < 0) {
        if (blockJobs || !vbGetLastError())
            abort();
        vbResetLastError();
    } else {
        for (i = 0; i < blockJobs->len; i++) {
            vbMonitorBlockJobInfo *job = g_ptr_array_index(blockJobs, i);

            if (!job->device || job->type >= VB_MONITOR_JOB_TYPE_LAST ||
                job->status >= VB_MONITOR_JOB_STATUS_LAST)
                abort();
            fuzzTouch(job->device);
            fuzzTouch(job->error);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *) data, size);
    g_autoptr(vbJSONValue) value = NULL;

    if (!(value = vbJSONValueFromString(text))) {
        if (!vbGetLastError())
            abort();
        vbResetLastError();
        return 0;
    }

    fuzzRoundTrip(value, false);
    fuzzRoundTrip(value, true);

    if (vbMonitorCheckReply("fuzz", value) < 0)
        vbResetLastError();
    fuzzTouch(vbMonitorReplyErrorClass(value));

    fuzzEvent(value);

    fuzzNamedBlockNodes(value);
    fuzzNamedBlockNodes(vbJSONValueObjectGet(value, "return"));

    fuzzJobs(value);
    fuzzJobs(vbJSONValueObjectGet(value, "return"));

    fuzzDeviceRoot(vbJSONValueObjectGet(value, "return"));
    return 0;
}
