/*
 * monitoractivecommit.c: an active commit through the monitor layer, on
 * a real QEMU, as a filtered transcript
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The recipe of qemu-commit.md section 7, driven by the QMP wrappers:
 * base <- top, a guest write through an NBD export of top after READY,
 * job-complete, job-dismiss, quit.  The transcript (commands, query
 * results, then every event in QEMU's order with timestamps and sizes
 * filtered out) is compared with monitoractivecommit.out; the data is
 * then read back from base with qemu-io.
 */

#include "vbinternal.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vberror.h"
#include "vbeventthread.h"
#include "vbmonitor.h"
#include "vbmonitorblock.h"
#include "vbmonitorjob.h"
#include "vbmonitorsystem.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define TEST_QEMU "/usr/bin/qemu-system-x86_64"
/* A bound so that a broken run fails instead of hanging; nothing relies
 * on it passing. */
#define TEST_FAILSAFE_US (60 * G_USEC_PER_SEC)

typedef struct {
    GMutex lock;
    GCond cond;
    GPtrArray *events; /* filtered lines */
    bool eof;
} testEvents;

static void
testOnEvent(vbMonitor *mon G_GNUC_UNUSED, const char *name, vbJSONValue *data,
            long long seconds G_GNUC_UNUSED, unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    testEvents *ev = opaque;
    g_autofree char *line = NULL;

    if (g_str_equal(name, "JOB_STATUS_CHANGE"))
        line = g_strdup_printf("%s %s %s", name, vbJSONValueObjectGetString(data, "id"),
                               vbJSONValueObjectGetString(data, "status"));
    else if (g_str_has_prefix(name, "BLOCK_JOB_"))
        line = g_strdup_printf("%s %s %s", name, vbJSONValueObjectGetString(data, "type"),
                               vbJSONValueObjectGetString(data, "device"));
    else
        line = g_strdup(name);

    g_mutex_lock(&ev->lock);
    g_ptr_array_add(ev->events, g_steal_pointer(&line));
    g_cond_broadcast(&ev->cond);
    g_mutex_unlock(&ev->lock);
}

static void
testOnEOF(vbMonitor *mon G_GNUC_UNUSED, void *opaque)
{
    testEvents *ev = opaque;

    g_mutex_lock(&ev->lock);
    ev->eof = true;
    g_cond_broadcast(&ev->cond);
    g_mutex_unlock(&ev->lock);
}

static const vbMonitorCallbacks testCallbacks = {
    .eofNotify = testOnEOF,
    .event = testOnEvent,
};

/* Waits for the event line @line (or EOF when NULL) */
static int
testWaitFor(testEvents *ev, const char *line)
{
    gint64 deadline = g_get_monotonic_time() + TEST_FAILSAFE_US;
    int ret = -1;

    g_mutex_lock(&ev->lock);
    for (;;) {
        if (!line && ev->eof) {
            ret = 0;
            break;
        }
        if (line) {
            size_t i;

            for (i = 0; i < ev->events->len; i++) {
                if (g_str_equal(ev->events->pdata[i], line))
                    ret = 0;
            }
            if (ret == 0)
                break;
        }
        if (!g_cond_wait_until(&ev->cond, &ev->lock, deadline)) {
            fprintf(stderr, "gave up waiting for %s\n", line ? line : "EOF");
            break;
        }
    }
    g_mutex_unlock(&ev->lock);
    return ret;
}

static int
testRun(const char *const *argv, const char *dir)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    if (!g_spawn_sync(dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                      &status, &gerr)) {
        fprintf(stderr, "cannot run %s: %s\n", argv[0], gerr->message);
        return -1;
    }
    if (!g_spawn_check_wait_status(status, NULL) || strstr(out, "Pattern verification failed")) {
        fprintf(stderr, "%s failed:\n%s%s", argv[0], out, err);
        return -1;
    }
    return 0;
}

static int
testConversation(vbMonitor *mon, testEvents *ev, const char *dir, GString *out)
{
    g_autofree char *nbdSock = g_build_filename(dir, "nbd.sock", NULL);
    g_autofree char *nbdURI = g_strdup_printf("nbd+unix:///top?socket=%s", nbdSock);
    g_autoptr(GPtrArray) blockJobs = NULL;
    g_autoptr(GPtrArray) jobs = NULL;
    const char *const guestWrite[] = {"qemu-io", "-f", "raw", "-c", "write -P 0x33 12M 1M",
                                      nbdURI,    NULL};
    vbMonitorBlockJobInfo *bj;
    vbMonitorJobInfo *job;

    if (vbMonitorNBDServerStart(mon, nbdSock) < 0 ||
        vbMonitorBlockExportAdd(mon, "exp0", "top", true) < 0)
        return -1;
    g_string_append(out, "export: top writable over NBD\n");

    if (vbMonitorBlockCommit(mon, "top", "commit0", "top", "base", NULL, 0, 1, false, -1) < 0)
        return -1;
    g_string_append(out, "block-commit: top into base, job commit0\n");

    if (testWaitFor(ev, "BLOCK_JOB_READY commit commit0") < 0)
        return -1;
    if (vbMonitorQueryBlockJobs(mon, &blockJobs) < 0 || blockJobs->len != 1)
        return -1;
    bj = blockJobs->pdata[0];
    g_string_append_printf(out, "query-block-jobs: %s %s ready=%d status=%s offset==len: %d\n",
                           bj->device, vbMonitorJobTypeTypeToString(bj->type), bj->ready,
                           vbMonitorJobStatusTypeToString(bj->status), bj->offset == bj->len);

    /* the guest keeps writing while the job mirrors */
    if (testRun(guestWrite, dir) < 0)
        return -1;
    g_string_append(out, "guest: wrote 0x33 at 12M through the export\n");

    if (vbMonitorJobComplete(mon, "commit0") < 0)
        return -1;
    if (testWaitFor(ev, "JOB_STATUS_CHANGE commit0 concluded") < 0)
        return -1;
    if (vbMonitorQueryJobs(mon, &jobs) < 0 || jobs->len != 1)
        return -1;
    job = jobs->pdata[0];
    g_string_append_printf(
        out, "query-jobs: %s %s %s error=%s\n", job->id, vbMonitorJobTypeTypeToString(job->type),
        vbMonitorJobStatusTypeToString(job->status), job->error ? job->error : "-");

    if (vbMonitorJobDismiss(mon, "commit0") < 0 ||
        testWaitFor(ev, "JOB_STATUS_CHANGE commit0 null") < 0)
        return -1;
    g_string_append(out, "job-dismiss: commit0 gone\n");

    /* a second complete: the job is gone */
    if (vbMonitorJobComplete(mon, "commit0") == 0)
        return -1;
    g_string_append_printf(out, "job-complete again: %s\n", vbGetLastErrorMessage());
    if (vbMonitorBlockJobCancel(mon, "commit0", false) == 0)
        return -1;
    g_string_append_printf(out, "block-job-cancel again: %s\n", vbGetLastErrorMessage());

    if (vbMonitorBlockExportDel(mon, "exp0") < 0 || vbMonitorQuit(mon) < 0)
        return -1;
    if (testWaitFor(ev, NULL) < 0)
        return -1;
    g_string_append(out, "quit: monitor EOF\n");
    return 0;
}

static int
testActiveCommit(const void *opaque)
{
    const char *dir = opaque;
    g_autofree char *qmpSock = g_build_filename(dir, "qmp.sock", NULL);
    g_autofree char *qmpArg = g_strdup_printf("unix:%s,server=on,wait=off", qmpSock);
    g_autofree char *baseFile =
        g_strdup_printf("driver=file,node-name=base-file,filename=%s/base.qcow2,"
                        "auto-read-only=on",
                        dir);
    g_autofree char *topFile =
        g_strdup_printf("driver=file,node-name=top-file,filename=%s/top.qcow2", dir);
    g_autofree char *golden = vbTestSrcPath("integration/monitoractivecommit.out");
    const char *const mkBase[] = {"qemu-img", "create",     "-q",  "-f",
                                  "qcow2",    "base.qcow2", "16M", NULL};
    const char *const mkTop[] = {"qemu-img",   "create", "-q",    "-f",        "qcow2", "-b",
                                 "base.qcow2", "-F",     "qcow2", "top.qcow2", NULL};
    const char *const fillBase[] = {"qemu-io",    "-f", "qcow2", "-c", "write -P 0x11 0 4M",
                                    "base.qcow2", NULL};
    const char *const fillTop[] = {"qemu-io",   "-f", "qcow2", "-c", "write -P 0x22 4M 4M",
                                   "top.qcow2", NULL};
    const char *const verify[] = {"qemu-io",    "-r",
                                  "-f",         "qcow2",
                                  "-c",         "read -P 0x11 0 4M",
                                  "-c",         "read -P 0x22 4M 4M",
                                  "-c",         "read -P 0x33 12M 1M",
                                  "base.qcow2", NULL};
    const char *const qemu[] = {
        TEST_QEMU,
        "-machine",
        "none",
        "-nodefaults",
        "-no-user-config",
        "-display",
        "none",
        "-S",
        "-qmp",
        qmpArg,
        "-blockdev",
        baseFile,
        "-blockdev",
        "{\"driver\":\"qcow2\",\"node-name\":\"base\",\"file\":\"base-file\",\"read-only\":true,"
        "\"backing\":null}",
        "-blockdev",
        topFile,
        "-blockdev",
        "driver=qcow2,node-name=top,file=top-file,backing=base",
        NULL};
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    vbEventThread *evt = NULL;
    testEvents ev = {0};
    vbMonitor *mon = NULL;
    GPid pid = 0;
    int status;
    int ret = -1;
    size_t i;

    if (testRun(mkBase, dir) < 0 || testRun(mkTop, dir) < 0 || testRun(fillBase, dir) < 0 ||
        testRun(fillTop, dir) < 0)
        return -1;

    if (!g_spawn_async(dir, (char **) qemu, NULL,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid,
                       &gerr)) {
        fprintf(stderr, "cannot start QEMU: %s\n", gerr->message);
        return -1;
    }

    g_mutex_init(&ev.lock);
    g_cond_init(&ev.cond);
    ev.events = g_ptr_array_new_with_free_func(g_free);
    evt = vbEventThreadNew("vb-test-event");

    mon = vbMonitorOpen(qmpSock, vbEventThreadGetContext(evt), 10000, 0, &testCallbacks, &ev);
    if (!mon)
        goto cleanup;
    if (testConversation(mon, &ev, dir, out) < 0)
        goto cleanup;

    g_string_append(out, "events:\n");
    g_mutex_lock(&ev.lock);
    for (i = 0; i < ev.events->len; i++)
        g_string_append_printf(out, "  %s\n", (char *) ev.events->pdata[i]);
    g_mutex_unlock(&ev.lock);

    if (vbTestCompareToFile(out->str, golden) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    if (ret < 0)
        fprintf(stderr, "transcript so far:\n%s", out->str);
    vbMonitorClose(mon);
    vbEventThreadFree(evt);
    if (pid > 0) {
        /* after 'quit' QEMU exits by itself; a failed run kills it */
        if (ret < 0)
            kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    g_ptr_array_unref(ev.events);
    g_mutex_clear(&ev.lock);
    g_cond_clear(&ev.cond);

    /* the data, once QEMU has let go of the images */
    if (ret == 0 && testRun(verify, dir) < 0)
        ret = -1;
    return ret;
}

static int
mymain(void)
{
    g_autofree char *dir = NULL;
    int ret = 0;

    if (!g_file_test(TEST_QEMU, G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "%s not installed: skipped\n", TEST_QEMU);
        return 0;
    }
    dir = vbTestMakeTempDir();
    if (vbTestRun("active commit, guest write, complete, dismiss", testActiveCommit, dir) < 0)
        ret = -1;
    vbTestCleanupDir(dir);
    return ret;
}

VB_TEST_MAIN(mymain)
