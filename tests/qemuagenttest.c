/*
 * qemuagenttest.c: the guest agent client against a fake qemu-ga
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fake agent runs in a thread on the other end of a socketpair and
 * behaves as qemu-ga does where the client depends on it: a 0xFF byte
 * resets its parser, guest-sync-delimited is answered after a 0xFF, and
 * a few made-up commands answer late, never, or with an error.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libvirt/libvirt-qemu.h>

#include "vbinternal.h"
#include "vbqemuagent.h"
#include "vberror.h"
#include "testutils.h"

typedef struct {
    int fd;
    GThread *thread;
    /* before the answer to the next sync: a stale answer of an earlier
     * command and an earlier sync's sentinel with a wrong id */
    bool staleBeforeSync;
    gint syncs; /* guest-sync-delimited seen */
    gint hangs; /* guest-hang seen */
} testFakeAgent;

static void
testFakeAgentSend(testFakeAgent *fake, const char *text)
{
    size_t len = strlen(text);

    while (len > 0) {
        ssize_t n = write(fake->fd, text, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text += n;
        len -= n;
    }
}

static void
testFakeAgentHandle(testFakeAgent *fake, const char *line)
{
    g_autoptr(vbJSONValue) cmd = vbJSONValueFromString(line);
    const char *name = vbJSONValueObjectGetString(cmd, "execute");
    vbJSONValue *args = vbJSONValueObjectGetObject(cmd, "arguments");

    if (!name) {
        testFakeAgentSend(fake, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"bad\"}}\n");
        return;
    }
    if (strcmp(name, "guest-sync-delimited") == 0) {
        unsigned long long id = 0;
        g_autofree char *reply = NULL;

        g_atomic_int_inc(&fake->syncs);
        vbJSONValueObjectGetNumberUlong(args, "id", &id);
        if (fake->staleBeforeSync) {
            fake->staleBeforeSync = false;
            testFakeAgentSend(fake, "{\"return\": {\"late\": true}}\n\xff{\"return\": 1}\n");
        }
        reply = g_strdup_printf("\xff{\"return\": %llu}\n", id);
        testFakeAgentSend(fake, reply);
    } else if (strcmp(name, "guest-info") == 0) {
        testFakeAgentSend(fake, "{\"return\": {\"version\": \"7.2.0\"}}\n");
    } else if (strcmp(name, "guest-fsfreeze-freeze") == 0) {
        testFakeAgentSend(fake, "{\"return\": 2}\n");
    } else if (strcmp(name, "guest-fsfreeze-thaw") == 0) {
        testFakeAgentSend(fake, "{\"return\": 2}\n");
    } else if (strcmp(name, "guest-get-time") == 0) {
        testFakeAgentSend(fake, "{\"return\": 1700000000123456789}\n");
    } else if (strcmp(name, "guest-hang") == 0) {
        /* never answers */
        g_atomic_int_inc(&fake->hangs);
    } else if (strcmp(name, "guest-split") == 0) {
        /* an answer in pieces */
        testFakeAgentSend(fake, "{\"return\"");
        g_usleep(50 * 1000);
        testFakeAgentSend(fake, ": {}}\n");
    } else {
        g_autofree char *reply = g_strdup_printf(
            "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command %s has not "
            "been found\"}}\n",
            name);
        testFakeAgentSend(fake, reply);
    }
}

static gpointer
testFakeAgentRun(gpointer opaque)
{
    testFakeAgent *fake = opaque;
    g_autoptr(GString) buf = g_string_new(NULL);
    char chunk[4096];
    ssize_t n;

    while ((n = read(fake->fd, chunk, sizeof(chunk))) > 0) {
        char *nl;
        ssize_t i;

        for (i = 0; i < n; i++) {
            if (chunk[i] == '\xff')
                g_string_truncate(buf, 0); /* qemu-ga's parser resets */
            else
                g_string_append_c(buf, chunk[i]);
        }
        while ((nl = memchr(buf->str, '\n', buf->len))) {
            g_autofree char *line = g_strndup(buf->str, nl - buf->str);

            g_string_erase(buf, 0, nl - buf->str + 1);
            testFakeAgentHandle(fake, line);
        }
    }
    return NULL;
}

static vbQemuAgent *
testFakeAgentStart(testFakeAgent *fake)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return NULL;
    fake->fd = sv[1];
    fake->thread = g_thread_new("fake-agent", testFakeAgentRun, fake);
    return vbQemuAgentOpenFD(sv[0]);
}

static void
testFakeAgentStop(testFakeAgent *fake, vbQemuAgent *agent)
{
    vbQemuAgentClose(agent);
    /* our end is closed once the last reference went: EOF ends the thread */
    g_thread_join(fake->thread);
    close(fake->fd);
}

static int
testExpectError(int code, const char *message)
{
    if (vbGetLastErrorCode() != code) {
        fprintf(stderr, "expected error code %d, got %d: %s\n", code, vbGetLastErrorCode(),
                vbGetLastErrorMessage());
        return -1;
    }
    return vbTestCompareStrings(message, vbGetLastErrorMessage());
}

static int
testCommand(const void *opaque G_GNUC_UNUSED)
{
    testFakeAgent fake = {.staleBeforeSync = true};
    vbQemuAgent *agent = testFakeAgentStart(&fake);
    g_autofree char *result = NULL;
    g_autofree char *split = NULL;
    int ret = -1;

    if (!agent)
        return -1;
    if (vbQemuAgentArbitraryCommand(agent, "{\"execute\":\"guest-info\"}",
                                    VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT, &result) < 0 ||
        vbTestCompareStrings("{\"return\":{\"version\":\"7.2.0\"}}", result) < 0)
        goto cleanup;
    if (vbQemuAgentArbitraryCommand(agent, "{\"execute\":\"guest-split\"}", 5, &split) < 0 ||
        vbTestCompareStrings("{\"return\":{}}", split) < 0)
        goto cleanup;
    /* in sync since the first command */
    if (g_atomic_int_get(&fake.syncs) != 1) {
        fprintf(stderr, "expected one sync, got %d\n", g_atomic_int_get(&fake.syncs));
        goto cleanup;
    }
    if (vbQemuAgentFSFreeze(agent, NULL, 0) != 2 || vbQemuAgentFSThaw(agent) != 2)
        goto cleanup;
    ret = 0;
cleanup:
    testFakeAgentStop(&fake, agent);
    return ret;
}

static int
testTime(const void *opaque G_GNUC_UNUSED)
{
    testFakeAgent fake = {0};
    vbQemuAgent *agent = testFakeAgentStart(&fake);
    long long seconds = 0;
    unsigned int nseconds = 0;
    int ret = -1;

    if (!agent)
        return -1;
    if (vbQemuAgentGetTime(agent, &seconds, &nseconds) < 0)
        goto cleanup;
    if (seconds != 1700000000 || nseconds != 123456789) {
        fprintf(stderr, "got %lld.%09u\n", seconds, nseconds);
        goto cleanup;
    }
    if (vbQemuAgentSetTime(agent, 9223372036, 0, false) == 0 ||
        testExpectError(VIR_ERR_INVALID_ARG, "invalid argument: Time '9223372036' is too big "
                                             "for guest agent") < 0)
        goto cleanup;
    ret = 0;
cleanup:
    testFakeAgentStop(&fake, agent);
    return ret;
}

static int
testErrors(const void *opaque G_GNUC_UNUSED)
{
    testFakeAgent fake = {0};
    vbQemuAgent *agent = testFakeAgentStart(&fake);
    g_autofree char *result = NULL;
    int ret = -1;

    if (!agent)
        return -1;
    if (vbQemuAgentArbitraryCommand(agent, "{\"execute\":\"guest-nope\"}", -1, &result) == 0 ||
        testExpectError(VIR_ERR_INTERNAL_ERROR,
                        "internal error: unable to execute QEMU agent command 'guest-nope': The "
                        "command guest-nope has not been found") < 0)
        goto cleanup;
    if (vbQemuAgentArbitraryCommand(agent, "{\"execute\":\"guest-info\"}", -3, &result) == 0 ||
        testExpectError(VIR_ERR_INVALID_ARG,
                        "invalid argument: guest agent timeout '-3' is less than the minimum "
                        "'-2'") < 0)
        goto cleanup;
    if (vbQemuAgentArbitraryCommand(agent, "{\"execute\":", -1, &result) == 0 ||
        vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        goto cleanup;
    ret = 0;
cleanup:
    testFakeAgentStop(&fake, agent);
    return ret;
}

/* A command without answer times out; the next one syncs again and gets
 * its own answer. */
static int
testTimeout(const void *opaque G_GNUC_UNUSED)
{
    testFakeAgent fake = {0};
    vbQemuAgent *agent = testFakeAgentStart(&fake);
    g_autofree char *result = NULL;
    gint64 start = g_get_monotonic_time();
    int ret = -1;

    if (!agent)
        return -1;
    if (vbQemuAgentArbitraryCommand(agent, "{\"execute\":\"guest-hang\"}", 1, &result) == 0 ||
        testExpectError(VIR_ERR_AGENT_UNRESPONSIVE,
                        "Guest agent is not responding: Guest agent not available for now") < 0)
        goto cleanup;
    if (g_get_monotonic_time() - start > 4 * G_USEC_PER_SEC) {
        fprintf(stderr, "the timeout of 1 s took too long\n");
        goto cleanup;
    }
    fake.staleBeforeSync = true;
    if (vbQemuAgentArbitraryCommand(agent, "{\"execute\":\"guest-info\"}", -1, &result) < 0 ||
        vbTestCompareStrings("{\"return\":{\"version\":\"7.2.0\"}}", result) < 0)
        goto cleanup;
    if (g_atomic_int_get(&fake.syncs) != 2) {
        fprintf(stderr, "expected two syncs, got %d\n", g_atomic_int_get(&fake.syncs));
        goto cleanup;
    }
    ret = 0;
cleanup:
    testFakeAgentStop(&fake, agent);
    return ret;
}

typedef struct {
    vbQemuAgent *agent;
    int rc;
    int code;
} testBlockedCommand;

static gpointer
testBlockedCommandRun(gpointer opaque)
{
    testBlockedCommand *b = opaque;
    g_autofree char *result = NULL;

    b->rc = vbQemuAgentArbitraryCommand(b->agent, "{\"execute\":\"guest-hang\"}",
                                        VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK, &result);
    b->code = vbGetLastErrorCode();
    return NULL;
}

/* Closing the agent wakes a command that would wait for ever; later
 * commands fail at once. */
static int
testCloseWakes(const void *opaque G_GNUC_UNUSED)
{
    testFakeAgent fake = {0};
    vbQemuAgent *agent = testFakeAgentStart(&fake);
    testBlockedCommand b = {0};
    g_autoptr(vbQemuAgent) ref = NULL;
    g_autofree char *result = NULL;
    GThread *thread;

    if (!agent)
        return -1;
    ref = vbQemuAgentRef(agent);
    b.agent = agent;
    thread = g_thread_new("blocked", testBlockedCommandRun, &b);
    while (g_atomic_int_get(&fake.syncs) == 0)
        g_usleep(10 * 1000);
    g_usleep(100 * 1000);
    vbQemuAgentClose(agent);
    g_thread_join(thread);
    if (b.rc == 0 || b.code != VIR_ERR_AGENT_UNRESPONSIVE) {
        fprintf(stderr, "the blocked command ended with %d (code %d)\n", b.rc, b.code);
        return -1;
    }
    if (vbQemuAgentArbitraryCommand(ref, "{\"execute\":\"guest-info\"}", -1, &result) == 0 ||
        testExpectError(VIR_ERR_AGENT_UNRESPONSIVE, "Guest agent is not responding: Guest agent "
                                                    "disappeared while executing command") < 0)
        return -1;
    g_clear_pointer(&ref, vbQemuAgentUnref);
    g_thread_join(fake.thread);
    close(fake.fd);
    return 0;
}

/* A command queued behind one the guest never answers gives up after its
 * own timeout with libvirt's agent-job error, instead of waiting as long
 * as the hung one does. */
static int
testQueuedTimesOut(const void *opaque G_GNUC_UNUSED)
{
    testFakeAgent fake = {0};
    vbQemuAgent *agent = testFakeAgentStart(&fake);
    testBlockedCommand b = {0};
    g_autofree char *result = NULL;
    GThread *thread;
    int ret = -1;

    if (!agent)
        return -1;
    b.agent = agent;
    thread = g_thread_new("blocked", testBlockedCommandRun, &b);
    /* the hung command owns the agent once the guest has seen it */
    while (g_atomic_int_get(&fake.hangs) == 0)
        g_usleep(10 * 1000);
    if (vbQemuAgentArbitraryCommand(agent, "{\"execute\":\"guest-info\"}", 1, &result) == 0 ||
        testExpectError(VIR_ERR_OPERATION_TIMEOUT,
                        "Timed out during operation: cannot acquire state change lock (held by "
                        "agent=guest-hang)") < 0)
        goto cleanup;
    ret = 0;
cleanup:
    vbQemuAgentRef(agent);
    vbQemuAgentClose(agent);
    g_thread_join(thread);
    testFakeAgentStop(&fake, agent);
    return ret;
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("command", testCommand, NULL) < 0)
        ret = -1;
    if (vbTestRun("time", testTime, NULL) < 0)
        ret = -1;
    if (vbTestRun("errors", testErrors, NULL) < 0)
        ret = -1;
    if (vbTestRun("timeout", testTimeout, NULL) < 0)
        ret = -1;
    if (vbTestRun("close wakes a waiting command", testCloseWakes, NULL) < 0)
        ret = -1;
    if (vbTestRun("a command queued behind a hung one", testQueuedTimesOut, NULL) < 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return vbTestMain(argc, argv, mymain);
}
