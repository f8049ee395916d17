/*
 * domaincrashtest.c: <on_crash> carried out against a scripted QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real driver (vbDriverNew on a temporary root, its monitor thread and
 * workers) runs the domain blockjobdata/vm1.xml with <on_crash> set per
 * case; its monitor talks to the fake QMP server.  The guest's panic is
 * queued as the GUEST_PANICKED handler of the process code queues it (the
 * event's parsing is qemumonitoreventtest's), and the worker carries out
 * the action.  Each case checks the state and reason, the client events,
 * the QMP commands sent (QEMU 7.2's schema checks them), and whether the
 * domain is still listed.  The domain has no process (pid 0): destroy
 * only closes the monitor.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vbdomainops.h"
#include "vbdriver.h"
#include "vberror.h"
#include "vbmonitor.h"
#include "qemumonitortestutils.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define TEST_OK "{\"return\": {}, \"id\": \"@ID@\"}\r\n"

typedef struct {
    const char *name;
    const char *onCrash; /* the <on_crash> action */
    bool persistent;
    /* the QMP commands after qmp_capabilities, NULL-terminated */
    const char *commands[4];
    /* client events, "EVENT/DETAIL", NULL-terminated */
    const char *events[4];
    virDomainState state;
    int reason;
    bool listed; /* still in the domain list afterwards */
} testCase;

static const vbMonitorCallbacks testMonitorCallbacks = {0};

static void
testCollectEvent(const vbDomainEvent *ev, void *opaque)
{
    GPtrArray *events = opaque;

    g_ptr_array_add(events, g_strdup_printf("%d/%d", ev->event, ev->detail));
}

/* Waits until the domain's queued work ran, then dispatches the client
 * events it queued. */
static void
testFlush(vbDomainObj *vm, GMainContext *mainCtx)
{
    /* the deadline only turns a hang into a failure */
    gint64 deadline = g_get_monotonic_time() + 60 * G_TIME_SPAN_SECOND;
    bool scheduled;

    for (;;) {
        vbDomainObjLock(vm);
        scheduled = vm->workScheduled;
        vbDomainObjUnlock(vm);
        if (!scheduled)
            break;
        if (g_get_monotonic_time() > deadline) {
            fprintf(stderr, "the domain's work queue did not drain\n");
            abort();
        }
        g_usleep(1000);
    }
    while (g_main_context_iteration(mainCtx, FALSE))
        ;
}

static int
testCheckList(const char *what, const char *const *expected, GPtrArray *got)
{
    size_t i;

    for (i = 0; expected[i] || i < got->len; i++) {
        const char *g = i < got->len ? g_ptr_array_index(got, i) : NULL;

        if (g_strcmp0(expected[i], g) != 0) {
            fprintf(stderr, "%s %zu: expected '%s', got '%s'\n", what, i, NULLSTR(expected[i]),
                    NULLSTR(g));
            return -1;
        }
        if (!expected[i])
            break;
    }
    return 0;
}

static int
testCrash(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *xmlPath = vbTestSrcPath("blockjobdata/vm1.xml");
    g_autofree char *xml = NULL;
    g_autofree char *onCrash = NULL;
    g_autofree char *tmpdir = vbTestMakeTempDir();
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autoptr(vbDriverConfig) cfg = vbDriverConfigNew(false, tmpdir);
    g_autoptr(vbDomainDef) def = NULL;
    GMainContext *mainCtx = g_main_context_new();
    vbDriver *driver = NULL;
    vbDomainObj *vm = NULL;
    vbDomainObj *found;
    bool listed;
    virDomainState state;
    int reason;
    vbMonitor *mon;
    g_auto(GStrv) parts = NULL;
    int ret = -1;
    size_t i;

    vbTestQMPAddGreeting(qmp);
    for (i = 0; tc->commands[i]; i++)
        vbTestQMPAddCommand(qmp, tc->commands[i], TEST_OK, false);

    if (!(driver = vbDriverNew(cfg, mainCtx)))
        goto cleanup;
    g_steal_pointer(&cfg);
    vbDomainEventQueueSetDispatch(driver->events, testCollectEvent, events);

    if (!g_file_get_contents(xmlPath, &xml, NULL, NULL))
        goto cleanup;
    parts = g_strsplit(xml, "<on_crash>destroy</on_crash>", -1);
    onCrash = g_strdup_printf("<on_crash>%s</on_crash>", tc->onCrash);
    g_free(xml);
    xml = g_strjoinv(onCrash, parts);
    if (!(def = vbDomainDefParseString(xml, VB_DOMAIN_DEF_PARSE_STATUS)))
        goto cleanup;
    if (!(vm = vbDomainObjListAdd(driver->domains, driver, &def, 0, NULL)))
        goto cleanup;
    vm->id = 7;
    vm->pid = 0;
    vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    if (tc->persistent) {
        if (!(vm->newDef = vbDomainDefParseString(xml, VB_DOMAIN_DEF_PARSE_INACTIVE))) {
            vbDomainObjUnlock(vm);
            goto cleanup;
        }
        vm->persistent = true;
    }
    vbDomainObjUnlock(vm);

    /* the monitor's reference on the domain, as the process code takes it */
    if (!(mon = vbMonitorOpenFD(vbTestQMPStart(qmp), driver->monitorCtx, &testMonitorCallbacks,
                                vbDomainObjRef(vm)))) {
        vbDomainObjUnref(vm);
        goto cleanup;
    }
    vbDomainObjLock(vm);
    vm->mon = mon;
    /* what the GUEST_PANICKED handler does */
    vbDomainObjQueueWork(vm, VB_DOMAIN_WORK_GUEST_PANICKED, NULL, NULL);
    vbDomainObjUnlock(vm);
    testFlush(vm, mainCtx);

    vbDomainObjLock(vm);
    state = vm->state;
    reason = vm->reason;
    vbDomainObjUnlock(vm);
    if (state != tc->state || reason != tc->reason) {
        fprintf(stderr, "state %d reason %d, expected %d %d\n", state, reason, tc->state,
                tc->reason);
        goto cleanup;
    }
    for (i = 1; i < vbTestQMPCommandCount(qmp); i++)
        g_ptr_array_add(
            commands, g_strdup(vbJSONValueObjectGetString(vbTestQMPGetCommand(qmp, i), "execute")));
    if (testCheckList("command", tc->commands, commands) < 0 ||
        testCheckList("event", tc->events, events) < 0)
        goto cleanup;

    found = vbDomainObjListFindByName(driver->domains, "vm1");
    listed = found != NULL;
    if (found)
        vbDomainObjEndAPI(&found);
    else
        vbResetLastError();
    if (listed != tc->listed) {
        fprintf(stderr, "domain %s listed\n", listed ? "still" : "no longer");
        goto cleanup;
    }
    ret = 0;

cleanup:
    if (vm)
        vbDomainObjUnref(vm);
    vbDriverFree(driver);
    if (vbTestQMPFinish(qmp) < 0)
        ret = -1;
    vbTestCleanupDir(tmpdir);
    g_main_context_unref(mainCtx);
    return ret;
}

#define CRASHED "8/0"         /* VIR_DOMAIN_EVENT_CRASHED/_PANICKED */
#define STOPPED_CRASHED "5/2" /* VIR_DOMAIN_EVENT_STOPPED/_CRASHED */

G_STATIC_ASSERT(VIR_DOMAIN_EVENT_CRASHED == 8 && VIR_DOMAIN_EVENT_CRASHED_PANICKED == 0);
G_STATIC_ASSERT(VIR_DOMAIN_EVENT_STOPPED == 5 && VIR_DOMAIN_EVENT_STOPPED_CRASHED == 2);

static int
mymain(void)
{
    static const testCase cases[] = {
        {"destroy, transient: gone",
         "destroy",
         false,
         {NULL},
         {CRASHED, STOPPED_CRASHED, NULL},
         VIR_DOMAIN_SHUTOFF,
         VIR_DOMAIN_SHUTOFF_CRASHED,
         false},
        {"destroy, persistent: shut off, crashed",
         "destroy",
         true,
         {NULL},
         {CRASHED, STOPPED_CRASHED, NULL},
         VIR_DOMAIN_SHUTOFF,
         VIR_DOMAIN_SHUTOFF_CRASHED,
         true},
        /* the RESUME event of `cont` makes it running (crashed): not sent
         * by this QEMU, so the state is the one before it */
        {"restart: reset and cont",
         "restart",
         false,
         {"system_reset", "cont", NULL},
         {CRASHED, NULL},
         VIR_DOMAIN_CRASHED,
         VIR_DOMAIN_CRASHED_PANICKED,
         true},
        {"preserve: left crashed",
         "preserve",
         true,
         {NULL},
         {CRASHED, NULL},
         VIR_DOMAIN_CRASHED,
         VIR_DOMAIN_CRASHED_PANICKED,
         true},
    };
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (vbTestRun(cases[i].name, testCrash, &cases[i]) < 0)
            ret = -1;
    }
    return ret;
}

VB_TEST_MAIN(mymain)
