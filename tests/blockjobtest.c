/*
 * blockjobtest.c: the block job state machine against a scripted QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real driver (vbDriverNew on a temporary root, with its monitor thread
 * and workers) runs the running domain blockjobdata/vm1.xml, whose disk vda
 * has the chain top (index 4) <- snap2 (3) <- snap1 (2) <- base (1) with
 * node names, so no image file is needed.  Its monitor talks to the fake
 * QMP server, which plays QEMU 7.2's side of the conversation; the API
 * calls are the driver's entry points.
 *
 * Synchronisation is by construction, never by time:
 *  - QEMU's events are sent in the same write as the reply to a command,
 *    before it; the monitor dispatches events before it hands over the
 *    reply, so when the API call returns, the event's work is queued;
 *  - work items of one domain run in order, so a marker queued after it
 *    (testFlush) runs once the job update is done;
 *  - client events are queued for the main context, which the test
 *    iterates itself.
 *
 * For each case, blockjobdata/CASE.out is the transcript: after every
 * step, the QMP commands sent, the client events, and the status file;
 * at the end the live definition and, for a persistent domain, the
 * persistent one.  The key facts are also checked in code.  The restart
 * cases register a job as the status file gives it back and run the
 * refresh the reconnect runs.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vbblockcommit.h"
#include "vbblockjobupdate.h"
#include "vbdomainops.h"
#include "vbdriver.h"
#include "vberror.h"
#include "vbmonitor.h"
#include "vbstoragechain.h"
#include "qemumonitortestutils.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define TEST_DIR "/var/lib/libvirt/images/"
#define TEST_TOP TEST_DIR "vm1-top.qcow2"
#define TEST_BASE TEST_DIR "vm1-base.qcow2"

#define TEST_OK "{\"return\": {}, \"id\": \"@ID@\"}\r\n"

typedef struct {
    GMainContext *mainCtx;
    char *tmpdir;
    char *imageDir;  /* real image files here instead of TEST_DIR: a commit opens them */
    bool listImages; /* the files left are part of the output */
    vbDriver *driver;
    vbDomainObj *vm; /* our reference, unlocked */
    vbDomainHandle *dom;
    vbTestQMP *qmp;
    bool qmpStarted;
    size_t commandsSeen;
    GPtrArray *events; /* every client event, as text */
    size_t eventsSeen;
    GString *out;
} testCtx;

/* ---- QEMU's side ------------------------------------------------------ */

static char *
testEvent(const char *job, const char *status)
{
    return g_strdup_printf("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 1}, "
                           "\"event\": \"JOB_STATUS_CHANGE\", "
                           "\"data\": {\"status\": \"%s\", \"id\": \"%s\"}}\r\n",
                           status, job);
}

/* @reply preceded by JOB_STATUS_CHANGE events of @job, one per status in
 * the NULL-terminated list */
static void
testAddCommandWithEvents(vbTestQMP *qmp, const char *name, const char *reply, const char *job, ...)
{
    g_autoptr(GString) bytes = g_string_new(NULL);
    const char *status;
    va_list ap;

    va_start(ap, job);
    while ((status = va_arg(ap, const char *))) {
        g_autofree char *ev = testEvent(job, status);

        g_string_append(bytes, ev);
    }
    va_end(ap);
    g_string_append(bytes, reply);
    vbTestQMPAddCommand(qmp, name, bytes->str, false);
}

/* query-block-jobs as QEMU 7.2 answers for one commit job */
static char *
testReplyBlockJob(const char *job, const char *type, const char *status, bool ready)
{
    return g_strdup_printf(
        "{\"return\": [{\"auto-finalize\": true, \"io-status\": \"ok\", \"device\": \"%s\", "
        "\"auto-dismiss\": false, \"busy\": false, \"len\": 67108864, \"offset\": 67108864, "
        "\"status\": \"%s\", \"paused\": false, \"speed\": 0, \"ready\": %s, \"type\": \"%s\"}], "
        "\"id\": \"@ID@\"}\r\n",
        job, status, ready ? "true" : "false", type);
}

/* query-jobs with @job concluded, with @error unless NULL */
static char *
testReplyQueryJobs(const char *job, const char *type, const char *error)
{
    g_autofree char *err = error ? g_strdup_printf(", \"error\": \"%s\"", error) : g_strdup("");

    return g_strdup_printf("{\"return\": [{\"current-progress\": 67108864, \"status\": "
                           "\"concluded\", \"total-progress\": 67108864, \"type\": \"%s\", "
                           "\"id\": \"%s\"%s}], \"id\": \"@ID@\"}\r\n",
                           type, job, err);
}

/* query-named-block-nodes (flat) for the nodes 1 .. @top; bitmap 'b1' in
 * @bitmapNodes (a bit mask of node numbers) */
static char *
testReplyNodes(unsigned int top, unsigned int bitmapNodes)
{
    static const char *const files[] = {NULL, "vm1-base", "vm1-snap1", "vm1-snap2", "vm1-top"};
    g_autoptr(GString) buf = g_string_new("{\"return\": [");
    unsigned int i;

    for (i = top; i >= 1; i--) {
        g_autofree char *backing =
            i > 1 ? g_strdup_printf(", \"backing_file\": \"" TEST_DIR "%s.qcow2\"", files[i - 1])
                  : g_strdup("");
        const char *bitmaps = (bitmapNodes & (1u << i))
                                  ? "{\"name\": \"b1\", \"recording\": true, \"persistent\": "
                                    "true, \"busy\": false, \"granularity\": 65536}"
                                  : "";

        g_string_append_printf(buf,
                               "%s{\"node-name\": \"libvirt-%u-format\", \"drv\": \"qcow2\", "
                               "\"ro\": %s, \"file\": \"" TEST_DIR "%s.qcow2\"%s, "
                               "\"dirty-bitmaps\": [%s]}, "
                               "{\"node-name\": \"libvirt-%u-storage\", \"drv\": \"file\", "
                               "\"ro\": %s, \"file\": \"" TEST_DIR "%s.qcow2\", "
                               "\"dirty-bitmaps\": []}",
                               i == top ? "" : ", ", i, i == 4 ? "false" : "true", files[i],
                               backing, bitmaps, i, i == 4 ? "false" : "true", files[i]);
    }
    g_string_append(buf, "], \"id\": \"@ID@\"}\r\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

static void
testAddBlockdevDel(vbTestQMP *qmp, unsigned int from, unsigned int to)
{
    unsigned int i;

    for (i = from; i >= to; i--) {
        vbTestQMPAddCommand(qmp, "blockdev-del", TEST_OK, false);
        vbTestQMPAddCommand(qmp, "blockdev-del", TEST_OK, false);
    }
}

/* ---- The daemon's side ------------------------------------------------ */

/* As the JOB_STATUS_CHANGE entry of vbdomainprocess.c's event table, whose
 * callbacks are private to the process code. */
static void
testMonitorEvent(vbMonitor *mon, const char *name, vbJSONValue *data,
                 long long seconds G_GNUC_UNUSED, unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    vbDomainObj *vm = opaque;
    const char *id = vbJSONValueObjectGetString(data, "id");
    const char *status = vbJSONValueObjectGetString(data, "status");

    if (strcmp(name, "JOB_STATUS_CHANGE") != 0 || !id || !status)
        return;
    vbDomainObjLock(vm);
    if (vm->mon == mon && vbDomainObjIsActive(vm))
        vbBlockJobHandleStatusChange(vm->driver, vm, id, vbMonitorJobStatusTypeFromString(status));
    vbDomainObjUnlock(vm);
}

static const vbMonitorCallbacks testMonitorCallbacks = {
    .event = testMonitorEvent,
};

/* @str with the real image directory written as TEST_DIR */
static char *
testFilterPaths(testCtx *ctx, const char *str)
{
    g_auto(GStrv) parts = NULL;

    if (!ctx->imageDir || !str)
        return g_strdup(str);
    parts = g_strsplit(str, ctx->imageDir, -1);
    return g_strjoinv(TEST_DIR, parts);
}

/* @str with TEST_DIR written as the real image directory */
static char *
testRealPaths(testCtx *ctx, const char *str)
{
    g_auto(GStrv) parts = NULL;

    if (!ctx->imageDir || !str)
        return g_strdup(str);
    parts = g_strsplit(str, TEST_DIR, -1);
    return g_strjoinv(ctx->imageDir, parts);
}

static void
testCollectEvent(const vbDomainEvent *ev, void *opaque)
{
    testCtx *ctx = opaque;
    const char *kind = ev->eventID == VIR_DOMAIN_EVENT_ID_BLOCK_JOB     ? "BLOCK_JOB"
                       : ev->eventID == VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2 ? "BLOCK_JOB_2"
                                                                        : "OTHER";

    g_autofree char *disk = testFilterPaths(ctx, ev->disk);

    g_ptr_array_add(ctx->events, g_strdup_printf("%s %s %s type=%d status=%d", kind, ev->name,
                                                 NULLSTR(disk), ev->jobType, ev->jobStatus));
}

/* Waits until the work queued for the domain so far has run (a worker
 * unschedules the domain once its queue is empty), then dispatches the
 * client events it queued. */
static int
testFlush(testCtx *ctx)
{
    /* the deadline only turns a hang into a failure */
    gint64 deadline = g_get_monotonic_time() + 60 * G_TIME_SPAN_SECOND;
    bool scheduled;

    for (;;) {
        vbDomainObjLock(ctx->vm);
        scheduled = ctx->vm->workScheduled;
        vbDomainObjUnlock(ctx->vm);
        if (!scheduled)
            break;
        if (g_get_monotonic_time() > deadline) {
            fprintf(stderr, "the domain's work queue did not drain\n");
            abort();
        }
        g_usleep(1000);
    }

    while (g_main_context_iteration(ctx->mainCtx, FALSE))
        ;
    return 0;
}

/* Appends what happened since the last step to the transcript. */
static void
testStep(testCtx *ctx, const char *label)
{
    g_autofree char *statusPath = vbDriverStatusFile(ctx->driver, "vm1");
    g_autofree char *status = NULL;
    size_t n;

    testFlush(ctx);
    g_string_append_printf(ctx->out, "=== %s\n--- qmp\n", label);
    /* the server thread adds a command before it answers it, and every
     * command of this step has been answered */
    n = vbTestQMPCommandCount(ctx->qmp);
    for (; ctx->commandsSeen < n; ctx->commandsSeen++) {
        g_autofree char *cmd =
            vbJSONValueToString(vbTestQMPGetCommand(ctx->qmp, ctx->commandsSeen), false);

        g_string_append_printf(ctx->out, "%s\n", cmd);
    }
    g_string_append(ctx->out, "--- events\n");
    for (; ctx->eventsSeen < ctx->events->len; ctx->eventsSeen++)
        g_string_append_printf(ctx->out, "%s\n",
                               (const char *) g_ptr_array_index(ctx->events, ctx->eventsSeen));
    g_string_append(ctx->out, "--- status\n");
    if (g_file_get_contents(statusPath, &status, NULL, NULL))
        g_string_append(ctx->out, status);
    else
        g_string_append(ctx->out, "(no status file)\n");
}

static int testCtxStop(testCtx *ctx);

static void
testCtxFree(testCtx *ctx)
{
    if (!ctx)
        return;
    testCtxStop(ctx);
    g_free(ctx->tmpdir);
    g_free(ctx->imageDir);
    vbDomainHandleFree(ctx->dom);
    vbTestQMPFree(ctx->qmp);
    if (ctx->events)
        g_ptr_array_unref(ctx->events);
    if (ctx->out)
        g_string_free(ctx->out, TRUE);
    if (ctx->mainCtx)
        g_main_context_unref(ctx->mainCtx);
    g_free(ctx);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testCtx, testCtxFree);

typedef enum {
    TEST_CTX_PERSISTENT = 1 << 0,     /* the domain has a persistent definition */
    TEST_CTX_IMAGE_FILES = 1 << 1,    /* the (empty) image files left are listed */
    TEST_CTX_PERSISTENT_TOP = 1 << 2, /* with PERSISTENT: the definition names only the top */
} testCtxFlags;

/* A case run on a transient domain and on a persistent one, whose
 * definition records the same chain. */
typedef struct {
    const char *name;   /* blockjobdata/NAME.out */
    unsigned int flags; /* testCtxFlags */
    bool bitmaps;       /* bitmap b1 in the images that leave the chain */
} testVariant;

/* TEST_CTX_PERSISTENT_TOP: the definition as a user writes it, with no
 * chain below the top (the next start probes it). */
static void
testCtxStripConfigChains(vbDomainDef *def, unsigned int flags)
{
    size_t i;

    if (!(flags & TEST_CTX_PERSISTENT_TOP))
        return;
    for (i = 0; i < def->ndisks; i++)
        g_clear_pointer(&def->disks[i]->src->backingStore, vbStorageSourceFree);
}

/* The driver, the running domain, and its monitor on @qmp (scripted
 * already, the greeting first; taken). */
static testCtx *
testCtxNew(vbTestQMP *qmp, unsigned int flags)
{
    g_autoptr(testCtx) ctx = g_new0(testCtx, 1);
    g_autofree char *xmlPath = vbTestSrcPath("blockjobdata/vm1.xml");
    g_autoptr(vbDriverConfig) cfg = NULL;
    g_autoptr(vbDomainDef) def = NULL;
    g_autofree char *xml = NULL;
    vbDomainObj *vm;
    vbMonitor *mon;
    int fd;

    ctx->qmp = qmp;
    ctx->events = g_ptr_array_new_with_free_func(g_free);
    ctx->out = g_string_new(NULL);
    ctx->mainCtx = g_main_context_new();
    ctx->tmpdir = vbTestMakeTempDir();
    cfg = vbDriverConfigNew(false, ctx->tmpdir);
    if (!(ctx->driver = vbDriverNew(cfg, ctx->mainCtx)))
        return NULL;
    g_steal_pointer(&cfg); /* owned by the driver now */
    vbDomainEventQueueSetDispatch(ctx->driver->events, testCollectEvent, ctx);

    if (!g_file_get_contents(xmlPath, &xml, NULL, NULL))
        return NULL;
    /* every commit checks that it can open its images for writing */
    {
        static const char *const names[] = {"vm1-top", "vm1-snap2", "vm1-snap1", "vm1-base"};
        g_auto(GStrv) parts = g_strsplit(xml, TEST_DIR, -1);
        size_t i;

        ctx->imageDir = g_build_filename(ctx->tmpdir, "images/", NULL);
        if (g_mkdir_with_parents(ctx->imageDir, 0700) < 0)
            return NULL;
        for (i = 0; i < G_N_ELEMENTS(names); i++) {
            g_autofree char *file = g_strdup_printf("%s%s.qcow2", ctx->imageDir, names[i]);

            if (!g_file_set_contents(file, "", 0, NULL))
                return NULL;
        }
        g_free(xml);
        xml = g_strjoinv(ctx->imageDir, parts);
        ctx->listImages = !!(flags & TEST_CTX_IMAGE_FILES);
    }
    if (!(def = vbDomainDefParseString(xml, VB_DOMAIN_DEF_PARSE_STATUS)))
        return NULL;
    if (!(vm = vbDomainObjListAdd(ctx->driver->domains, ctx->driver, &def, 0, NULL)))
        return NULL;
    /* fixed values, so that the status files compare */
    vm->id = 7;
    vm->pid = 4242;
    vm->nodenameIndex = 4;
    vm->monitorPath = g_strdup("/run/virtblockd/qemu/vm1.monitor");
    vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    ctx->vm = vm;
    if (flags & TEST_CTX_PERSISTENT) {
        /* the persistent form of the same document: the chain without
         * indexes and node names */
        if (!(vm->newDef = vbDomainDefParseString(xml, VB_DOMAIN_DEF_PARSE_INACTIVE)) ||
            (testCtxStripConfigChains(vm->newDef, flags), vbDomainObjSaveConfig(vm) < 0)) {
            vbDomainObjUnlock(vm);
            return NULL;
        }
        vm->persistent = true;
    }
    vbDomainObjUnlock(vm);

    /* the monitor's reference on the domain, as the process code takes it;
     * vbDriverFree gives it back when it detaches the monitor */
    fd = vbTestQMPStart(ctx->qmp);
    ctx->qmpStarted = true;
    if (!(mon = vbMonitorOpenFD(fd, ctx->driver->monitorCtx, &testMonitorCallbacks,
                                vbDomainObjRef(vm)))) {
        vbDomainObjUnref(vm);
        return NULL;
    }
    vbDomainObjLock(vm);
    vm->mon = mon;
    vbDomainObjUnlock(vm);

    if (!(ctx->dom = vbDomainLookupByName(ctx->driver, "vm1")))
        return NULL;
    return g_steal_pointer(&ctx);
}

/* Stops the driver; -1 when QEMU's script was not followed to its end. */
static int
testCtxStop(testCtx *ctx)
{
    if (!ctx->driver)
        return 0;
    if (ctx->vm) {
        testFlush(ctx);
        vbDomainObjUnref(g_steal_pointer(&ctx->vm));
    }
    vbDriverFree(g_steal_pointer(&ctx->driver));
    vbTestCleanupDir(ctx->tmpdir);
    /* the server reads until the driver closed the monitor */
    return ctx->qmpStarted ? vbTestQMPFinish(ctx->qmp) : 0;
}

static gint
testCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Compares the transcript (with the live definition appended) to
 * blockjobdata/@name.out, and the client events to @events. */
static int
testFinish(testCtx *ctx, const char *name, const char *const *events)
{
    g_autofree char *rel = g_strdup_printf("blockjobdata/%s.out", name);
    g_autofree char *path = vbTestSrcPath(rel);
    g_autofree char *configPath = vbDriverConfigFile(ctx->driver, "vm1");
    g_autofree char *config = NULL;
    g_autofree char *live = NULL;
    g_autofree char *filtered = NULL;
    int ret = 0;
    size_t i;

    vbDomainObjLock(ctx->vm);
    live = vbDomainDefFormat(ctx->vm->def, 0);
    vbDomainObjUnlock(ctx->vm);
    g_string_append_printf(ctx->out, "=== live definition\n%s", NULLSTR(live));
    if (g_file_get_contents(configPath, &config, NULL, NULL))
        g_string_append_printf(ctx->out, "=== persistent definition\n%s", config);
    if (ctx->listImages) {
        g_autoptr(GDir) dir = g_dir_open(ctx->imageDir, 0, NULL);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *n;
        size_t j;

        while (dir && (n = g_dir_read_name(dir)))
            g_ptr_array_add(names, g_strdup(n));
        g_ptr_array_sort(names, testCompareNames);
        g_string_append(ctx->out, "=== image files left\n");
        for (j = 0; j < names->len; j++)
            g_string_append_printf(ctx->out, "%s\n", (const char *) g_ptr_array_index(names, j));
    }
    filtered = testFilterPaths(ctx, ctx->out->str);

    for (i = 0; events[i] || i < ctx->events->len; i++) {
        const char *got = i < ctx->events->len ? g_ptr_array_index(ctx->events, i) : NULL;

        if (g_strcmp0(events[i], got) != 0) {
            fprintf(stderr, "%s: event %zu: expected '%s', got '%s'\n", name, i, NULLSTR(events[i]),
                    NULLSTR(got));
            ret = -1;
            break;
        }
        if (!events[i])
            break;
    }
    if (vbTestCompareToFile(filtered, path) < 0)
        ret = -1;
    return ret;
}

/* The job of vda, referenced */
static vbBlockJob *
testGetJob(testCtx *ctx)
{
    vbBlockJob *job;

    vbDomainObjLock(ctx->vm);
    if ((job = vbBlockJobForDisk(ctx->vm, "vda")))
        vbBlockJobRef(job);
    vbDomainObjUnlock(ctx->vm);
    return job;
}

/* The command number @idx (0 is qmp_capabilities) in compact JSON */
static char *
testCommand(testCtx *ctx, size_t idx)
{
    vbJSONValue *cmd = vbTestQMPGetCommand(ctx->qmp, idx);
    g_autofree char *str = NULL;

    if (!cmd)
        return g_strdup("(none)");
    str = vbJSONValueToString(cmd, false);
    return testFilterPaths(ctx, str);
}

static int
testExpectCommand(testCtx *ctx, size_t idx, const char *expected)
{
    g_autofree char *got = testCommand(ctx, idx);

    if (strcmp(got, expected) == 0)
        return 0;
    fprintf(stderr, "command %zu:\n  expected %s\n  got      %s\n", idx, expected, got);
    return -1;
}

/* Whether command @idx is @name */
static bool
testCountCommandAt(testCtx *ctx, size_t idx, const char *name)
{
    return g_strcmp0(vbJSONValueObjectGetString(vbTestQMPGetCommand(ctx->qmp, idx), "execute"),
                     name) == 0;
}

static size_t
testCountCommands(testCtx *ctx, const char *name)
{
    size_t n = 0;
    size_t i;

    for (i = 0; i < vbTestQMPCommandCount(ctx->qmp); i++) {
        if (g_strcmp0(vbJSONValueObjectGetString(vbTestQMPGetCommand(ctx->qmp, i), "execute"),
                      name) == 0)
            n++;
    }
    return n;
}

/* job-dismiss comes right after the outcome is read from query-jobs (and
 * saved): QEMU keeps the nodes of a concluded job busy, so blockdev-del
 * must come after it, and a restart finishes the job from the status
 * file */
static int
testExpectDismissAfterOutcome(testCtx *ctx, const char *job)
{
    g_autofree char *expected =
        g_strdup_printf("{\"execute\":\"job-dismiss\",\"arguments\":{\"id\":\"%s\"}}", job);
    size_t n = vbTestQMPCommandCount(ctx->qmp);
    size_t i;

    for (i = 1; i < n; i++) {
        if (testCountCommandAt(ctx, i, "job-dismiss"))
            return testExpectCommand(ctx, i, expected) < 0 ||
                           !testCountCommandAt(ctx, i - 1, "query-jobs")
                       ? -1
                       : 0;
    }
    fprintf(stderr, "no job-dismiss sent\n");
    return -1;
}

/* The live chain of vda as "index:path" from the top, and the mirror */
static int
testExpectChain(testCtx *ctx, const char *expected, bool mirror)
{
    g_autoptr(GString) chain = g_string_new(NULL);
    vbDomainDiskDef *disk;
    vbStorageSource *s;
    g_autofree char *got = NULL;
    int ret = 0;

    vbDomainObjLock(ctx->vm);
    disk = vbDomainDiskByName(ctx->vm->def, "vda");
    for (s = disk->src; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore)
        g_string_append_printf(chain, "%s%u:%s", chain->len ? " " : "", s->id, s->path);
    got = testFilterPaths(ctx, chain->str);
    if (strcmp(got, expected) != 0) {
        fprintf(stderr, "chain:\n  expected %s\n  got      %s\n", expected, got);
        ret = -1;
    }
    if (!!disk->mirror != mirror) {
        fprintf(stderr, "the disk %s a mirror\n", disk->mirror ? "still has" : "has no");
        ret = -1;
    }
    if (g_hash_table_size(ctx->vm->blockjobs) != 0 && !mirror) {
        fprintf(stderr, "a block job is still registered\n");
        ret = -1;
    }
    vbDomainObjUnlock(ctx->vm);
    return ret;
}

/* relPath is how an image's overlay names it (see the chain probe): after
 * a non-active commit, base is named by what QEMU wrote into topParent */
static int
testExpectRelPath(testCtx *ctx, const char *top, const char *base)
{
    vbDomainDiskDef *disk;
    vbStorageSource *found;
    vbStorageSource *b;
    g_autofree char *gotTop = NULL;
    g_autofree char *gotBase = NULL;
    g_autofree char *realBase = testRealPaths(ctx, base);
    int ret = 0;

    vbDomainObjLock(ctx->vm);
    disk = vbDomainDiskByName(ctx->vm->def, "vda");
    b = disk->src->backingStore;
    gotTop = testFilterPaths(ctx, disk->src->relPath);
    gotBase = testFilterPaths(ctx, b->relPath);
    if (g_strcmp0(gotTop, top) != 0 || g_strcmp0(gotBase, base) != 0) {
        fprintf(stderr, "relPath: expected top '%s' base '%s', got top '%s' base '%s'\n",
                NULLSTR(top), NULLSTR(base), NULLSTR(gotTop), NULLSTR(gotBase));
        ret = -1;
    }
    /* what a client naming base by its path gets */
    if (base && (found = vbStorageChainLookup(disk->src, NULL, realBase, "vda", NULL)) != b) {
        fprintf(stderr, "looking up '%s' finds index %u, not base\n", base, found ? found->id : 0);
        vbResetLastError();
        ret = -1;
    }
    vbDomainObjUnlock(ctx->vm);
    return ret;
}

static int
testReportError(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, NULLSTR(vbGetLastErrorMessage()));
    vbResetLastError();
    return -1;
}

#define TEST_FULL_CHAIN \
    "4:" TEST_TOP " 3:" TEST_DIR "vm1-snap2.qcow2 2:" TEST_DIR "vm1-snap1.qcow2 1:" TEST_BASE

/* ---- Cases ------------------------------------------------------------ */

/* commit vda[3] into vda[1]: vda[4] backs onto base afterwards */
static int
testCommitIntermediate(const void *opaque)
{
    const testVariant *variant = opaque;
    const char *job = "commit-vda-libvirt-3-format";
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *jobReply = testReplyBlockJob(job, "commit", "concluded", false);
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", NULL);
    g_autofree char *nodes = testReplyNodes(4, variant->bitmaps ? 1u << 3 | 1u << 2 : 0);
    g_autoptr(testCtx) ctx = NULL;
    vbBlockJobInfo info;
    static const char *const events[] = {
        "BLOCK_JOB vm1 " TEST_TOP " type=3 status=0",
        "BLOCK_JOB_2 vm1 vda type=3 status=0",
        NULL,
    };
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    testAddCommandWithEvents(qmp, "block-commit", TEST_OK, job, "created", "running", NULL);
    testAddCommandWithEvents(qmp, "query-block-jobs", jobReply, job, "waiting", "pending",
                             "concluded", NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "query-named-block-nodes", nodes, false);
    if (variant->bitmaps) {
        /* base is read-only again after the commit: reopened for the merge */
        vbTestQMPAddCommand(qmp, "blockdev-reopen", TEST_OK, false);
        vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
        vbTestQMPAddCommand(qmp, "blockdev-reopen", TEST_OK, false);
    }
    testAddBlockdevDel(qmp, 3, 2);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), variant->flags)))
        return testReportError("setup");

    if (vbDomainBlockCommit(ctx->driver, ctx->dom, "vda", "vda[1]", "vda[3]", 0, 0) < 0)
        ret = testReportError("block commit");
    testStep(ctx, "block commit started");
    if (testExpectCommand(ctx, 1,
                          "{\"execute\":\"block-commit\",\"arguments\":{\"device\":\"libvirt-4-"
                          "format\",\"job-id\":\"commit-vda-libvirt-3-format\",\"top-node\":"
                          "\"libvirt-3-format\",\"base-node\":\"libvirt-1-format\",\"backing-"
                          "file\":\"" TEST_BASE "\",\"auto-finalize\":true,\"auto-dismiss\":"
                          "false}}") < 0)
        ret = -1;

    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    else if (info.type != VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT || info.cur != info.end - 1)
        ret = -1; /* not ready: never 100 % */
    testStep(ctx, "job concluded");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, "4:" TEST_TOP " 1:" TEST_BASE, false) < 0)
        ret = -1;
    if (testExpectRelPath(ctx, NULL, TEST_BASE) < 0)
        ret = -1;
    /* QEMU put base back to read-only when the commit ended: a persistent
     * bitmap added or merged into it then is lost when the image closes
     * ("Lost persistent bitmaps during inactivation ... No write access") */
    if (variant->bitmaps &&
        testExpectCommand(ctx, 6,
                          "{\"execute\":\"blockdev-reopen\",\"arguments\":{\"options\":[{"
                          "\"node-name\":\"libvirt-1-format\",\"read-only\":false,\"driver\":"
                          "\"qcow2\",\"file\":\"libvirt-1-storage\",\"backing\":null}]}}") < 0)
        ret = -1;
    if (testFinish(ctx, variant->name, events) < 0)
        ret = -1;
    if (testCtxStop(ctx) < 0)
        ret = -1;
    return ret;
}

#define TEST_ACTIVE_JOB "commit-vda-libvirt-4-format"
#define TEST_ACTIVE_COMMIT \
    "{\"execute\":\"block-commit\",\"arguments\":{\"device\":\"libvirt-4-format\",\"job-id\":" \
    "\"" TEST_ACTIVE_JOB "\",\"top-node\":\"libvirt-4-format\",\"base-node\":\"libvirt-1-" \
    "format\",\"auto-finalize\":true,\"auto-dismiss\":false}}"

/* Script of an active commit of vda into vda[1] up to READY */
static void
testScriptActiveToReady(vbTestQMP *qmp)
{
    g_autofree char *ready = testReplyBlockJob(TEST_ACTIVE_JOB, "commit", "ready", true);

    vbTestQMPAddGreeting(qmp);
    testAddCommandWithEvents(qmp, "block-commit", TEST_OK, TEST_ACTIVE_JOB, "created", "running",
                             NULL);
    testAddCommandWithEvents(qmp, "query-block-jobs", ready, TEST_ACTIVE_JOB, "ready", NULL);
}

/* Starts the active commit and lets READY arrive (two steps). */
static int
testRunActiveToReady(testCtx *ctx, unsigned int flags)
{
    vbBlockJobInfo info;
    int ret = 0;

    if (vbDomainBlockCommit(ctx->driver, ctx->dom, "vda", "vda[1]", NULL, 0,
                            VIR_DOMAIN_BLOCK_COMMIT_ACTIVE | flags) < 0)
        ret = testReportError("block commit");
    testStep(ctx, "active commit started");
    if (testExpectCommand(ctx, 1, TEST_ACTIVE_COMMIT) < 0)
        ret = -1;

    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    else if (info.type != VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT || info.cur != info.end)
        ret = -1; /* ready: 100 % */
    testStep(ctx, "job ready");
    return ret;
}

#define TEST_EVENTS_READY \
    "BLOCK_JOB vm1 " TEST_TOP " type=4 status=3", "BLOCK_JOB_2 vm1 vda type=4 status=3"

/* READY, then pivot: base becomes the disk's image */
static int
testActiveCommitPivot(const void *opaque)
{
    const testVariant *variant = opaque;
    /* with image files, DELETE: every image but base goes, the old active
     * one included */
    unsigned int commitFlags =
        (variant->flags & TEST_CTX_IMAGE_FILES) ? VIR_DOMAIN_BLOCK_COMMIT_DELETE : 0;
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", NULL);
    /* bitmap b1 in the top two images: added to base and merged */
    g_autofree char *nodes = testReplyNodes(4, 1u << 4 | 1u << 3);
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {
        TEST_EVENTS_READY,
        /* the legacy event names the new active image */
        "BLOCK_JOB vm1 " TEST_BASE " type=4 status=0",
        "BLOCK_JOB_2 vm1 vda type=4 status=0",
        NULL,
    };
    int ret = 0;

    testScriptActiveToReady(qmp);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    testAddCommandWithEvents(qmp, "job-complete", TEST_OK, job, "waiting", "pending", "concluded",
                             NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "query-named-block-nodes", nodes, false);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    testAddBlockdevDel(qmp, 4, 2);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), variant->flags)))
        return testReportError("setup");
    if (testRunActiveToReady(ctx, commitFlags) < 0)
        ret = -1;
    if (testExpectChain(ctx, TEST_FULL_CHAIN, true) < 0)
        ret = -1;

    if (vbDomainBlockJobAbort(ctx->driver, ctx->dom, "vda", VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT) < 0)
        ret = testReportError("pivot");
    testStep(ctx, "pivot");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, "1:" TEST_BASE, false) < 0)
        ret = -1;
    if (commitFlags & VIR_DOMAIN_BLOCK_COMMIT_DELETE) {
        static const char *const files[] = {"vm1-top", "vm1-snap2", "vm1-snap1", "vm1-base"};
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(files); i++) {
            g_autofree char *file = g_strdup_printf("%s%s.qcow2", ctx->imageDir, files[i]);
            bool kept = g_file_test(file, G_FILE_TEST_EXISTS);

            if (kept != (i == G_N_ELEMENTS(files) - 1)) {
                fprintf(stderr, "%s was %s\n", files[i], kept ? "kept" : "deleted");
                ret = -1;
            }
        }
    }
    if (testFinish(ctx, variant->name, events) < 0)
        ret = -1;
    return ret;
}

/* READY reported twice (pause and resume), then cancelled: one READY
 * event, CANCELLED although QEMU's soft cancel concludes without error */
static int
testActiveCommitReadyTwiceCancel(const void *opaque G_GNUC_UNUSED)
{
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *ready = testReplyBlockJob(job, "commit", "ready", true);
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", NULL);
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {
        TEST_EVENTS_READY,
        "BLOCK_JOB vm1 " TEST_TOP " type=4 status=2",
        "BLOCK_JOB_2 vm1 vda type=4 status=2",
        NULL,
    };
    vbBlockJobInfo info;
    int ret = 0;

    testScriptActiveToReady(qmp);
    testAddCommandWithEvents(qmp, "query-block-jobs", ready, job, "standby", "ready", NULL);
    testAddCommandWithEvents(qmp, "block-job-cancel", TEST_OK, job, "waiting", "pending",
                             "concluded", NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    /* the pivot never added it: QEMU refuses, and that is fine */
    vbTestQMPAddCommand(qmp, "block-dirty-bitmap-remove",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Dirty bitmap "
                        "'libvirt-tmp-activewrite' not found\"}, \"id\": \"@ID@\"}\r\n",
                        false);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (testRunActiveToReady(ctx, 0) < 0)
        ret = -1;

    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    testStep(ctx, "ready again");
    if (ctx->events->len != 2) {
        fprintf(stderr, "a repeated READY gave %u events\n", ctx->events->len);
        ret = -1;
    }

    if (vbDomainBlockJobAbort(ctx->driver, ctx->dom, "vda", 0) < 0)
        ret = testReportError("cancel");
    testStep(ctx, "cancelled");
    if (testExpectCommand(
            ctx, 4,
            "{\"execute\":\"block-job-cancel\",\"arguments\":{\"device\":\"" TEST_ACTIVE_JOB
            "\",\"force\":false}}") < 0)
        ret = -1;

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, TEST_FULL_CHAIN, false) < 0)
        ret = -1;
    if (testFinish(ctx, "active-commit-ready-twice-cancel", events) < 0)
        ret = -1;
    return ret;
}

/* An active commit cancelled before READY: CANCELLED, nothing changes */
static int
testActiveCommitCancelBeforeReady(const void *opaque G_GNUC_UNUSED)
{
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", NULL);
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {
        "BLOCK_JOB vm1 " TEST_TOP " type=4 status=2",
        "BLOCK_JOB_2 vm1 vda type=4 status=2",
        NULL,
    };
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    testAddCommandWithEvents(qmp, "block-commit", TEST_OK, job, "created", "running", NULL);
    testAddCommandWithEvents(qmp, "block-job-cancel", TEST_OK, job, "aborting", "concluded", NULL);
    /* QEMU 7.2 reports no error for a job cancelled before READY */
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "block-dirty-bitmap-remove",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Dirty bitmap "
                        "'libvirt-tmp-activewrite' not found\"}, \"id\": \"@ID@\"}\r\n",
                        false);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (vbDomainBlockCommit(ctx->driver, ctx->dom, "vda", "vda[1]", NULL, 0,
                            VIR_DOMAIN_BLOCK_COMMIT_ACTIVE) < 0)
        ret = testReportError("block commit");
    testStep(ctx, "active commit started");

    if (vbDomainBlockJobAbort(ctx->driver, ctx->dom, "vda", 0) < 0)
        ret = testReportError("cancel");
    testStep(ctx, "cancelled");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, TEST_FULL_CHAIN, false) < 0)
        ret = -1;
    if (testFinish(ctx, "active-commit-cancel-before-ready", events) < 0)
        ret = -1;
    return ret;
}

/* The pivot fails in QEMU: the API reports QEMU's error, the chain stays */
static int
testActiveCommitPivotFails(const void *opaque G_GNUC_UNUSED)
{
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", "Input/output error");
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {
        TEST_EVENTS_READY,
        "BLOCK_JOB vm1 " TEST_TOP " type=4 status=1",
        "BLOCK_JOB_2 vm1 vda type=4 status=1",
        NULL,
    };
    int ret = 0;

    testScriptActiveToReady(qmp);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    testAddCommandWithEvents(qmp, "job-complete", TEST_OK, job, "aborting", "concluded", NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "block-dirty-bitmap-remove", TEST_OK, false);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (testRunActiveToReady(ctx, 0) < 0)
        ret = -1;

    if (vbDomainBlockJobAbort(ctx->driver, ctx->dom, "vda", VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT) ==
        0) {
        fprintf(stderr, "a failed pivot was reported as a success\n");
        ret = -1;
    } else if (vbGetLastErrorCode() != VIR_ERR_OPERATION_FAILED ||
               g_strcmp0(vbGetLastErrorMessage(),
                         "operation failed: block job '" TEST_ACTIVE_JOB
                         "' failed while pivoting: Input/output error") != 0) {
        ret = testReportError("pivot error");
    }
    vbResetLastError();
    testStep(ctx, "pivot failed");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, TEST_FULL_CHAIN, false) < 0)
        ret = -1;
    if (testFinish(ctx, "active-commit-pivot-fails", events) < 0)
        ret = -1;
    return ret;
}

/* Non-active commit of vda[2] into vda[1] that QEMU reports failed */
static int
testCommitFailed(const void *opaque G_GNUC_UNUSED)
{
    const char *job = "commit-vda-libvirt-2-format";
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *jobReply = testReplyBlockJob(job, "commit", "concluded", false);
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", "No space left on device");
    g_autoptr(testCtx) ctx = NULL;
    g_autoptr(vbBlockJob) jobObj = NULL;
    vbBlockJobInfo info;
    static const char *const events[] = {
        "BLOCK_JOB vm1 " TEST_TOP " type=3 status=1",
        "BLOCK_JOB_2 vm1 vda type=3 status=1",
        NULL,
    };
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    testAddCommandWithEvents(qmp, "block-commit", TEST_OK, job, "created", "running", NULL);
    testAddCommandWithEvents(qmp, "query-block-jobs", jobReply, job, "aborting", "concluded", NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (vbDomainBlockCommit(ctx->driver, ctx->dom, "vda", NULL, "vda[2]", 0,
                            VIR_DOMAIN_BLOCK_COMMIT_SHALLOW) < 0)
        ret = testReportError("block commit");
    testStep(ctx, "block commit started");
    jobObj = testGetJob(ctx);
    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    testStep(ctx, "job failed");
    /* what QEMU said stays with the job (the log and a waiting API use it) */
    if (!jobObj || jobObj->state != VB_BLOCK_JOB_STATE_FAILED ||
        g_strcmp0(jobObj->errmsg, "No space left on device") != 0) {
        fprintf(stderr, "job: state %d errmsg '%s'\n", jobObj ? (int) jobObj->state : -1,
                jobObj ? NULLSTR(jobObj->errmsg) : "(no job)");
        ret = -1;
    }

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, TEST_FULL_CHAIN, false) < 0)
        ret = -1;
    if (testFinish(ctx, "commit-failed", events) < 0)
        ret = -1;
    return ret;
}

/* The job concluded, but query-jobs does not list it: we cannot tell the
 * outcome, so the chain stays and the job ends FAILED */
static int
testCommitMissingFromQueryJobs(const void *opaque G_GNUC_UNUSED)
{
    const char *job = "commit-vda-libvirt-3-format";
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *jobReply = testReplyBlockJob(job, "commit", "concluded", false);
    g_autoptr(testCtx) ctx = NULL;
    vbBlockJobInfo info;
    static const char *const events[] = {
        "BLOCK_JOB vm1 " TEST_TOP " type=3 status=1",
        "BLOCK_JOB_2 vm1 vda type=3 status=1",
        NULL,
    };
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    testAddCommandWithEvents(qmp, "block-commit", TEST_OK, job, "created", "running", NULL);
    testAddCommandWithEvents(qmp, "query-block-jobs", jobReply, job, "concluded", NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", "{\"return\": [], \"id\": \"@ID@\"}\r\n", false);
    vbTestQMPAddCommand(qmp, "job-dismiss",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Job '"
                        "commit-vda-"
                        "libvirt-3-format' not found\"}, \"id\": \"@ID@\"}\r\n",
                        false);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (vbDomainBlockCommit(ctx->driver, ctx->dom, "vda", "vda[1]", "vda[3]", 0, 0) < 0)
        ret = testReportError("block commit");
    testStep(ctx, "block commit started");
    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    testStep(ctx, "job concluded, not in query-jobs");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, TEST_FULL_CHAIN, false) < 0)
        ret = -1;
    if (testFinish(ctx, "commit-missing-from-query-jobs", events) < 0)
        ret = -1;
    return ret;
}

/* Pivot with ASYNC: the job shows PIVOTING until QEMU concludes it, and a
 * READY arriving meanwhile changes nothing */
static int
testActiveCommitPivotAsync(const void *opaque G_GNUC_UNUSED)
{
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *ready = testReplyBlockJob(job, "commit", "ready", true);
    g_autofree char *concluded = testReplyBlockJob(job, "commit", "concluded", true);
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", NULL);
    g_autofree char *nodes = testReplyNodes(4, 0);
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {
        TEST_EVENTS_READY,
        "BLOCK_JOB vm1 " TEST_BASE " type=4 status=0",
        "BLOCK_JOB_2 vm1 vda type=4 status=0",
        NULL,
    };
    vbBlockJobInfo info;
    int ret = 0;

    testScriptActiveToReady(qmp);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "job-complete", TEST_OK, false);
    testAddCommandWithEvents(qmp, "query-block-jobs", ready, job, "ready", NULL);
    testAddCommandWithEvents(qmp, "query-block-jobs", concluded, job, "waiting", "pending",
                             "concluded", NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "query-named-block-nodes", nodes, false);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    testAddBlockdevDel(qmp, 4, 2);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (testRunActiveToReady(ctx, 0) < 0)
        ret = -1;

    if (vbDomainBlockJobAbort(ctx->driver, ctx->dom, "vda",
                              VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT | VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC) <
        0)
        ret = testReportError("pivot");
    testStep(ctx, "pivoting");
    if (testExpectChain(ctx, TEST_FULL_CHAIN, true) < 0)
        ret = -1;

    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    testStep(ctx, "late READY while pivoting");
    if (ctx->events->len != 2) {
        fprintf(stderr, "a READY while pivoting gave %u events in all\n", ctx->events->len);
        ret = -1;
    }

    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    testStep(ctx, "concluded");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, "1:" TEST_BASE, false) < 0)
        ret = -1;
    if (testFinish(ctx, "active-commit-pivot-async", events) < 0)
        ret = -1;
    return ret;
}

/* ---- A snapshot deletion's job: auto-finalize off ---------------------- */

#define TEST_SNAP_STEP_START 0
#define TEST_SNAP_STEP_PIVOT 1
#define TEST_SNAP_STEP_FINALIZE 2
#define TEST_SNAP_STEP_CANCEL 3

/* One step of vbsnapshot.c's deletion on vda, with a MODIFY job held as
 * there: start the commit of vda's active image into vda[3], job-complete,
 * job-finalize or a forced cancel. */
static int
testSnapshotDeleteStep(testCtx *ctx, int step)
{
    g_autoptr(vbBlockJob) job = NULL;
    vbDomainDiskDef *disk;
    int ret = -1;

    vbDomainObjLock(ctx->vm);
    if (vbDomainObjBeginJob(ctx->vm, VB_JOB_MODIFY) < 0)
        goto unlock;
    if (!(disk = vbDomainDiskByName(ctx->vm->def, "vda")))
        goto endjob;
    if (step == TEST_SNAP_STEP_START) {
        ret = vbBlockCommitStartSnapshotDelete(ctx->driver, ctx->vm, disk, disk->src, &job);
        goto endjob;
    }
    if (!(job = vbBlockJobForDisk(ctx->vm, "vda")))
        goto endjob;
    vbBlockJobRef(job);
    if (step == TEST_SNAP_STEP_PIVOT)
        ret = vbBlockJobRequestPivot(ctx->vm, disk, job);
    else if (step == TEST_SNAP_STEP_FINALIZE)
        ret = vbBlockJobRequestFinalize(ctx->vm, job);
    else
        ret = vbBlockJobRequestCancel(ctx->vm, disk, job, true);
    if (ret == 0)
        ret = vbDomainObjSaveStatus(ctx->vm);

endjob:
    vbDomainObjEndJob(ctx->vm, VB_JOB_MODIFY);
unlock:
    vbDomainObjUnlock(ctx->vm);
    return ret;
}

#define TEST_SNAP_COMMIT \
    "{\"execute\":\"block-commit\",\"arguments\":{\"device\":\"libvirt-4-format\",\"job-id\":" \
    "\"" TEST_ACTIVE_JOB "\",\"top-node\":\"libvirt-4-format\",\"base-node\":\"libvirt-3-" \
    "format\",\"auto-finalize\":false,\"auto-dismiss\":false}}"

/* Started with auto-finalize off, READY, job-complete: QEMU holds the job
 * in PENDING and the disk stays on its top (no event, the status says
 * 'pending'); @finalize: job-finalize pivots it; else a forced cancel
 * ends it without a pivot. */
static int
testSnapshotDeletePending(const void *opaque)
{
    bool finalize = opaque != NULL;
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *ready = testReplyBlockJob(job, "commit", "ready", true);
    g_autofree char *queryJobs =
        testReplyQueryJobs(job, "commit", finalize ? NULL : "Operation canceled");
    g_autofree char *nodes = testReplyNodes(4, 0);
    g_autoptr(testCtx) ctx = NULL;
    static const char *const eventsFinalized[] = {
        TEST_EVENTS_READY,
        "BLOCK_JOB vm1 " TEST_DIR "vm1-snap2.qcow2 type=4 status=0",
        "BLOCK_JOB_2 vm1 vda type=4 status=0",
        NULL,
    };
    static const char *const eventsCancelled[] = {
        TEST_EVENTS_READY,
        "BLOCK_JOB vm1 " TEST_TOP " type=4 status=2",
        "BLOCK_JOB_2 vm1 vda type=4 status=2",
        NULL,
    };
    vbBlockJobInfo info;
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    testAddCommandWithEvents(qmp, "block-commit", TEST_OK, job, "created", "running", NULL);
    testAddCommandWithEvents(qmp, "query-block-jobs", ready, job, "ready", NULL);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    testAddCommandWithEvents(qmp, "job-complete", TEST_OK, job, "waiting", "pending", NULL);
    if (finalize) {
        testAddCommandWithEvents(qmp, "job-finalize", TEST_OK, job, "concluded", NULL);
        vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
        vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
        vbTestQMPAddCommand(qmp, "query-named-block-nodes", nodes, false);
        vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
        testAddBlockdevDel(qmp, 4, 4);
    } else {
        testAddCommandWithEvents(qmp, "block-job-cancel", TEST_OK, job, "aborting", "concluded",
                                 NULL);
        vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
        vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
        vbTestQMPAddCommand(qmp, "block-dirty-bitmap-remove", TEST_OK, false);
    }

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (testSnapshotDeleteStep(ctx, TEST_SNAP_STEP_START) < 0)
        ret = testReportError("start");
    testStep(ctx, "snapshot deletion's commit started");
    if (testExpectCommand(ctx, 1, TEST_SNAP_COMMIT) < 0)
        ret = -1;
    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    testStep(ctx, "job ready");

    if (testSnapshotDeleteStep(ctx, TEST_SNAP_STEP_PIVOT) < 0)
        ret = testReportError("job-complete");
    testStep(ctx, "pending");
    if (testExpectChain(ctx, TEST_FULL_CHAIN, true) < 0)
        ret = -1;
    if (ctx->events->len != 2) {
        fprintf(stderr, "PENDING gave %u events in all\n", ctx->events->len);
        ret = -1;
    }

    if (testSnapshotDeleteStep(ctx, finalize ? TEST_SNAP_STEP_FINALIZE : TEST_SNAP_STEP_CANCEL) < 0)
        ret = testReportError(finalize ? "finalize" : "cancel");
    testStep(ctx, finalize ? "finalized" : "cancelled");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx,
                        finalize ? "3:" TEST_DIR "vm1-snap2.qcow2 2:" TEST_DIR
                                   "vm1-snap1.qcow2 1:" TEST_BASE
                                 : TEST_FULL_CHAIN,
                        false) < 0)
        ret = -1;
    if (testFinish(ctx,
                   finalize ? "snapshot-delete-pending-finalize" : "snapshot-delete-pending-cancel",
                   finalize ? eventsFinalized : eventsCancelled) < 0)
        ret = -1;
    return ret;
}

/* A job started with auto-finalize off that no deletion drives (as after
 * a daemon restart), pivoted by a client: the job machine finalizes it
 * once PENDING, so the synchronous pivot ends as for any commit. */
static int
testSnapshotDeleteClientPivot(const void *opaque G_GNUC_UNUSED)
{
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *ready = testReplyBlockJob(job, "commit", "ready", true);
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", NULL);
    g_autofree char *nodes = testReplyNodes(4, 0);
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {
        TEST_EVENTS_READY,
        "BLOCK_JOB vm1 " TEST_DIR "vm1-snap2.qcow2 type=4 status=0",
        "BLOCK_JOB_2 vm1 vda type=4 status=0",
        NULL,
    };
    vbBlockJobInfo info;
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    testAddCommandWithEvents(qmp, "block-commit", TEST_OK, job, "created", "running", NULL);
    testAddCommandWithEvents(qmp, "query-block-jobs", ready, job, "ready", NULL);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    testAddCommandWithEvents(qmp, "job-complete", TEST_OK, job, "waiting", "pending", NULL);
    testAddCommandWithEvents(qmp, "job-finalize", TEST_OK, job, "concluded", NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "query-named-block-nodes", nodes, false);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    testAddBlockdevDel(qmp, 4, 4);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (testSnapshotDeleteStep(ctx, TEST_SNAP_STEP_START) < 0)
        ret = testReportError("start");
    if (vbDomainGetBlockJobInfo(ctx->driver, ctx->dom, "vda", &info, 0) != 1)
        ret = testReportError("block job info");
    testStep(ctx, "job ready");

    if (vbDomainBlockJobAbort(ctx->driver, ctx->dom, "vda", VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT) < 0)
        ret = testReportError("pivot");
    testStep(ctx, "pivoted");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx,
                        "3:" TEST_DIR "vm1-snap2.qcow2 2:" TEST_DIR "vm1-snap1.qcow2 1:" TEST_BASE,
                        false) < 0)
        ret = -1;
    if (testFinish(ctx, "snapshot-delete-client-pivot", events) < 0)
        ret = -1;
    return ret;
}

/* ---- After a daemon restart ------------------------------------------ */

/* Registers the non-active commit of vda[3] into vda[1] as the status file
 * of a previous daemon gives it back (state RUNNING, no newstate). */
static int
testRegisterSavedCommit(testCtx *ctx)
{
    g_autoptr(vbBlockJob) job =
        vbBlockJobNew("commit-vda-libvirt-3-format", VB_BLOCK_JOB_TYPE_COMMIT, "vda");
    int rc;

    job->state = VB_BLOCK_JOB_STATE_RUNNING;
    job->data.commit.topParent = g_strdup("libvirt-4-format");
    job->data.commit.top = g_strdup("libvirt-3-format");
    job->data.commit.base = g_strdup("libvirt-1-format");
    job->data.commit.backingFile = g_strdup(TEST_BASE);
    vbDomainObjLock(ctx->vm);
    rc = vbBlockJobRegister(ctx->vm, job);
    vbDomainObjUnlock(ctx->vm);
    return rc;
}

/* The active commit of vda into vda[1] as saved right after job-complete
 * (state PIVOTING, the mirror marked pivot), when the daemon was killed. */
static int
testRegisterSavedPivot(testCtx *ctx, bool manualFinalize)
{
    g_autoptr(vbBlockJob) job =
        vbBlockJobNew(TEST_ACTIVE_JOB, VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT, "vda");
    vbDomainDiskDef *disk;
    vbStorageSource *base;
    int rc;

    job->state = VB_BLOCK_JOB_STATE_PIVOTING;
    job->manualFinalize = manualFinalize;
    job->jobflags = VIR_DOMAIN_BLOCK_COMMIT_ACTIVE;
    job->data.commit.top = g_strdup("libvirt-4-format");
    job->data.commit.base = g_strdup("libvirt-1-format");
    vbDomainObjLock(ctx->vm);
    disk = vbDomainDiskByName(ctx->vm->def, "vda");
    for (base = disk->src; base->backingStore && base->backingStore->type != VB_STORAGE_TYPE_NONE;
         base = base->backingStore)
        ;
    disk->mirror = vbStorageSourceCopy(base, false);
    disk->mirrorJob = VB_DOMAIN_DISK_MIRROR_JOB_ACTIVE_COMMIT;
    disk->mirrorState = VB_DOMAIN_DISK_MIRROR_STATE_PIVOT;
    rc = vbBlockJobRegister(ctx->vm, job);
    vbDomainObjUnlock(ctx->vm);
    return rc;
}

/* vbBlockJobRefreshJobs as the reconnect runs it: with a MODIFY job */
static int
testRefreshJobs(testCtx *ctx)
{
    int rc = -1;

    vbDomainObjLock(ctx->vm);
    if (vbDomainObjBeginJob(ctx->vm, VB_JOB_MODIFY) == 0) {
        rc = vbBlockJobRefreshJobs(ctx->driver, ctx->vm);
        if (rc == 0)
            rc = vbDomainObjSaveStatus(ctx->vm);
        vbDomainObjEndJob(ctx->vm, VB_JOB_MODIFY);
    }
    vbDomainObjUnlock(ctx->vm);
    return rc;
}

/* Killed after job-complete; QEMU finished the pivot meanwhile: the
 * restart applies it as the event would have */
static int
testRestartPivotConcluded(const void *opaque G_GNUC_UNUSED)
{
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", NULL);
    g_autofree char *nodes = testReplyNodes(4, 0);
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {
        "BLOCK_JOB vm1 " TEST_BASE " type=4 status=0",
        "BLOCK_JOB_2 vm1 vda type=4 status=0",
        NULL,
    };
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "query-named-block-nodes", nodes, false);
    vbTestQMPAddCommand(qmp, "transaction", TEST_OK, false);
    testAddBlockdevDel(qmp, 4, 2);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (testRegisterSavedPivot(ctx, false) < 0 || testRefreshJobs(ctx) < 0)
        ret = testReportError("refresh");
    testStep(ctx, "reconnected");

    /* the job finished during the refresh is dismissed once, not again
     * by the sweep for leftover concluded jobs */
    if (testCountCommands(ctx, "job-dismiss") != 1) {
        fprintf(stderr, "the restart sent job-dismiss %zu times\n",
                testCountCommands(ctx, "job-dismiss"));
        ret = -1;
    }
    if (testExpectChain(ctx, "1:" TEST_BASE, false) < 0)
        ret = -1;
    if (testFinish(ctx, "restart-pivot-concluded", events) < 0)
        ret = -1;
    return ret;
}

/* A snapshot deletion's job, killed after job-complete: QEMU holds it in
 * PENDING.  The restart records that (no event, the disk on its top); a
 * client's abort then cancels it with force, leaving the chain. */
static int
testRestartPending(const void *opaque G_GNUC_UNUSED)
{
    const char *job = TEST_ACTIVE_JOB;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autofree char *pending =
        g_strdup_printf("{\"return\": [{\"current-progress\": 67108864, \"status\": \"pending\", "
                        "\"total-progress\": 67108864, \"type\": \"commit\", \"id\": \"%s\"}], "
                        "\"id\": \"@ID@\"}\r\n",
                        job);
    g_autofree char *queryJobs = testReplyQueryJobs(job, "commit", "Operation canceled");
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {
        "BLOCK_JOB vm1 " TEST_TOP " type=4 status=2",
        "BLOCK_JOB_2 vm1 vda type=4 status=2",
        NULL,
    };
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    vbTestQMPAddCommand(qmp, "query-jobs", pending, false);
    testAddCommandWithEvents(qmp, "block-job-cancel", TEST_OK, job, "aborting", "concluded", NULL);
    vbTestQMPAddCommand(qmp, "query-jobs", queryJobs, false);
    vbTestQMPAddCommand(qmp, "job-dismiss", TEST_OK, false);
    vbTestQMPAddCommand(qmp, "block-dirty-bitmap-remove", TEST_OK, false);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (testRegisterSavedPivot(ctx, true) < 0 || testRefreshJobs(ctx) < 0)
        ret = testReportError("refresh");
    testStep(ctx, "reconnected");
    if (testExpectChain(ctx, TEST_FULL_CHAIN, true) < 0)
        ret = -1;
    if (ctx->events->len != 0) {
        fprintf(stderr, "a pending job gave %u events at the restart\n", ctx->events->len);
        ret = -1;
    }

    if (vbDomainBlockJobAbort(ctx->driver, ctx->dom, "vda", 0) < 0)
        ret = testReportError("abort");
    testStep(ctx, "aborted");

    if (testExpectDismissAfterOutcome(ctx, job) < 0)
        ret = -1;
    if (testExpectChain(ctx, TEST_FULL_CHAIN, false) < 0)
        ret = -1;
    if (testFinish(ctx, "restart-pending-abort", events) < 0)
        ret = -1;
    return ret;
}

/* QEMU does not know the job any more: dropped, no event, chain kept */
static int
testRestartJobMissing(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autoptr(testCtx) ctx = NULL;
    static const char *const events[] = {NULL};
    int ret = 0;

    vbTestQMPAddGreeting(qmp);
    vbTestQMPAddCommand(qmp, "query-jobs", "{\"return\": [], \"id\": \"@ID@\"}\r\n", false);

    if (!(ctx = testCtxNew(g_steal_pointer(&qmp), 0)))
        return testReportError("setup");
    if (testRegisterSavedCommit(ctx) < 0 || testRefreshJobs(ctx) < 0)
        ret = testReportError("refresh");
    testStep(ctx, "reconnected");

    if (testExpectChain(ctx, TEST_FULL_CHAIN, false) < 0)
        ret = -1;
    if (testFinish(ctx, "restart-job-missing", events) < 0)
        ret = -1;
    return ret;
}

static int
mymain(void)
{
    static const testVariant intermediate = {"commit-intermediate", 0, false};
    static const testVariant intermediatePersistent = {"commit-intermediate-persistent",
                                                       TEST_CTX_PERSISTENT, false};
    static const testVariant intermediateBitmaps = {"commit-intermediate-bitmaps", 0, true};
    static const testVariant pivot = {"active-commit-pivot", 0, false};
    static const testVariant pivotPersistent = {"active-commit-pivot-persistent",
                                                TEST_CTX_PERSISTENT, false};
    static const testVariant pivotPersistentTop = {
        "active-commit-pivot-persistent-top", TEST_CTX_PERSISTENT | TEST_CTX_PERSISTENT_TOP, false};
    static const testVariant intermediatePersistentTop = {
        "commit-intermediate-persistent-top", TEST_CTX_PERSISTENT | TEST_CTX_PERSISTENT_TOP, false};
    static const testVariant pivotDelete = {"active-commit-pivot-delete", TEST_CTX_IMAGE_FILES,
                                            false};
    int ret = 0;

    if (vbTestRun("non-active commit completes", testCommitIntermediate, &intermediate) < 0)
        ret = -1;
    if (vbTestRun("non-active commit completes, persistent domain", testCommitIntermediate,
                  &intermediatePersistent) < 0)
        ret = -1;
    if (vbTestRun("non-active commit completes, bitmaps merged", testCommitIntermediate,
                  &intermediateBitmaps) < 0)
        ret = -1;
    if (vbTestRun("active commit: ready, pivot", testActiveCommitPivot, &pivot) < 0)
        ret = -1;
    if (vbTestRun("active commit: ready, pivot, persistent domain", testActiveCommitPivot,
                  &pivotPersistent) < 0)
        ret = -1;
    if (vbTestRun("active commit: ready, pivot, persistent domain naming only the top",
                  testActiveCommitPivot, &pivotPersistentTop) < 0)
        ret = -1;
    if (vbTestRun("non-active commit completes, persistent domain naming only the top",
                  testCommitIntermediate, &intermediatePersistentTop) < 0)
        ret = -1;
    if (vbTestRun("active commit: ready, pivot, delete", testActiveCommitPivot, &pivotDelete) < 0)
        ret = -1;
    if (vbTestRun("active commit: asynchronous pivot, late READY", testActiveCommitPivotAsync,
                  NULL) < 0)
        ret = -1;
    if (vbTestRun("active commit: ready twice, cancel", testActiveCommitReadyTwiceCancel, NULL) < 0)
        ret = -1;
    if (vbTestRun("active commit: pivot fails", testActiveCommitPivotFails, NULL) < 0)
        ret = -1;
    if (vbTestRun("active commit: cancel before READY", testActiveCommitCancelBeforeReady, NULL) <
        0)
        ret = -1;
    if (vbTestRun("non-active commit fails", testCommitFailed, NULL) < 0)
        ret = -1;
    if (vbTestRun("concluded job missing from query-jobs", testCommitMissingFromQueryJobs, NULL) <
        0)
        ret = -1;
    if (vbTestRun("snapshot deletion: pending, finalize", testSnapshotDeletePending, "") < 0)
        ret = -1;
    if (vbTestRun("snapshot deletion: pending, cancel", testSnapshotDeletePending, NULL) < 0)
        ret = -1;
    if (vbTestRun("snapshot deletion's job pivoted by a client", testSnapshotDeleteClientPivot,
                  NULL) < 0)
        ret = -1;
    if (vbTestRun("restart: pivot concluded meanwhile", testRestartPivotConcluded, NULL) < 0)
        ret = -1;
    if (vbTestRun("restart: a deletion's job pending, then aborted", testRestartPending, NULL) < 0)
        ret = -1;
    if (vbTestRun("restart: job unknown to QEMU", testRestartJobMissing, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
