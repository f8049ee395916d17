/*
 * vbqemuagent.c: a client of the QEMU guest agent (qemu-ga)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include <libvirt/libvirt-qemu.h>

#include "vbqemuagent.h"
#include "vberror.h"
#include "vblog.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* The byte qemu-ga puts before its answer to guest-sync-delimited; sent
 * by us, it makes the agent drop what it has read so far. */
#define VB_QEMU_AGENT_SENTINEL '\xff'

struct _vbQemuAgent {
    gint refs;
    int fd;
    int wakeFD[2]; /* written by vbQemuAgentClose to wake a waiting command */
    gint closed;

    /* One command at a time: a caller owns the agent while @busy, and
     * others wait on @cond for at most VB_QEMU_AGENT_JOB_WAIT seconds.
     * @lock guards @busy and @busyCmd only; the owner alone touches the
     * fields below it, without holding @lock (a command may last long). */
    GMutex lock;
    GCond cond;
    bool busy;
    char *busyCmd;

    GString *inbuf;
    bool inSync; /* synced, and no command timed out since */
    bool failed; /* the socket ended or failed: every command fails */
    unsigned long long lastSyncID;
};

vbQemuAgent *
vbQemuAgentRef(vbQemuAgent *agent)
{
    g_atomic_int_inc(&agent->refs);
    return agent;
}

void
vbQemuAgentUnref(vbQemuAgent *agent)
{
    if (!agent || !g_atomic_int_dec_and_test(&agent->refs))
        return;
    if (agent->fd >= 0)
        close(agent->fd);
    if (agent->wakeFD[0] >= 0)
        close(agent->wakeFD[0]);
    if (agent->wakeFD[1] >= 0)
        close(agent->wakeFD[1]);
    g_string_free(agent->inbuf, TRUE);
    g_free(agent->busyCmd);
    g_cond_clear(&agent->cond);
    g_mutex_clear(&agent->lock);
    g_free(agent);
}

vbQemuAgent *
vbQemuAgentOpenFD(int fd)
{
    g_autoptr(vbQemuAgent) agent = g_new0(vbQemuAgent, 1);
    g_autoptr(GError) gerr = NULL;

    agent->refs = 1;
    agent->fd = fd;
    agent->wakeFD[0] = agent->wakeFD[1] = -1;
    agent->inbuf = g_string_new(NULL);
    g_mutex_init(&agent->lock);
    g_cond_init(&agent->cond);

    if (!g_unix_set_fd_nonblocking(fd, TRUE, &gerr) ||
        !g_unix_open_pipe(agent->wakeFD, FD_CLOEXEC, &gerr) ||
        !g_unix_set_fd_nonblocking(agent->wakeFD[1], TRUE, &gerr)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("Unable to set up the guest agent socket: %s"),
                      gerr->message);
        return NULL;
    }
    return g_steal_pointer(&agent);
}

vbQemuAgent *
vbQemuAgentOpen(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("Socket path %s too big for destination"), path);
        return NULL;
    }
    memcpy(addr.sun_path, path, strlen(path));

    /* Non-blocking: the caller is the monitor's event thread, which a QEMU
     * whose listen backlog is full (stalled, or a guest flapping its port)
     * must not hold up.  A connect that would wait fails (EAGAIN) and the
     * next VSERPORT_CHANGE tries again. */
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
        vbReportSystemError(errno, _("failed to create socket"));
        return NULL;
    }
    if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
        vbReportSystemError(errno, _("failed to connect to agent socket '%s'"), path);
        close(fd);
        return NULL;
    }
    return vbQemuAgentOpenFD(fd);
}

void
vbQemuAgentClose(vbQemuAgent *agent)
{
    if (!agent)
        return;
    g_atomic_int_set(&agent->closed, 1);
    if (write(agent->wakeFD[1], "x", 1) < 0)
        VB_DEBUG("agent=%p: cannot wake a waiting command: %s", agent, g_strerror(errno));
    /* and the callers queued behind it */
    g_mutex_lock(&agent->lock);
    g_cond_broadcast(&agent->cond);
    g_mutex_unlock(&agent->lock);
    vbQemuAgentUnref(agent);
}

/* ------------------------------------------------------------------ */
/* I/O with a deadline (monotonic µs, -1: none).  Agent owned. */

static void
vbQemuAgentReportGone(void)
{
    vbReportError(VIR_ERR_AGENT_UNRESPONSIVE, _("Guest agent disappeared while executing command"));
}

static void
vbQemuAgentReportTimeout(vbQemuAgent *agent)
{
    agent->inSync = false;
    vbReportError(VIR_ERR_AGENT_UNRESPONSIVE, _("Guest agent not available for now"));
}

/* Waits for @events on the socket.  0 when ready, -1 with the error
 * reported (closed, timed out, poll failed). */
static int
vbQemuAgentWait(vbQemuAgent *agent, short events, gint64 deadline)
{
    while (true) {
        struct pollfd fds[2] = {
            {.fd = agent->fd, .events = events},
            {.fd = agent->wakeFD[0], .events = POLLIN},
        };
        int timeout = -1;
        int rc;

        if (g_atomic_int_get(&agent->closed)) {
            vbQemuAgentReportGone();
            return -1;
        }
        if (deadline >= 0) {
            gint64 now = g_get_monotonic_time();

            if (now >= deadline) {
                vbQemuAgentReportTimeout(agent);
                return -1;
            }
            timeout = (deadline - now + 999) / 1000;
        }
        rc = poll(fds, G_N_ELEMENTS(fds), timeout);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            vbReportSystemError(errno, _("Unable to wait on agent socket"));
            return -1;
        }
        if (fds[1].revents) {
            vbQemuAgentReportGone();
            return -1;
        }
        if (fds[0].revents)
            return 0;
    }
}

static int
vbQemuAgentWrite(vbQemuAgent *agent, const char *buf, size_t len, gint64 deadline)
{
    while (len > 0) {
        ssize_t n = send(agent->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (vbQemuAgentWait(agent, POLLOUT, deadline) < 0)
                    return -1;
                continue;
            }
            agent->failed = true;
            if (errno == EPIPE || errno == ECONNRESET)
                vbQemuAgentReportGone();
            else
                vbReportSystemError(errno, _("Unable to write to agent"));
            return -1;
        }
        buf += n;
        len -= n;
    }
    return 0;
}

/* Reads what the socket has into inbuf, waiting for at least one byte. */
static int
vbQemuAgentReadMore(vbQemuAgent *agent, gint64 deadline)
{
    char buf[65536];
    ssize_t n;

    while (true) {
        if (vbQemuAgentWait(agent, POLLIN, deadline) < 0)
            return -1;
        n = read(agent->fd, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        break;
    }
    if (n <= 0) {
        agent->failed = true;
        if (n < 0 && errno != ECONNRESET)
            vbReportSystemError(errno, _("Unable to read from agent"));
        else
            vbQemuAgentReportGone();
        return -1;
    }
    g_string_append_len(agent->inbuf, buf, n);
    if (agent->inbuf->len > VB_QEMU_AGENT_MAX_MESSAGE) {
        agent->failed = true;
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("No complete agent response found in %d bytes"),
                      VB_QEMU_AGENT_MAX_MESSAGE);
        return -1;
    }
    return 0;
}

/* Drops everything up to and including the next sentinel byte. */
static int
vbQemuAgentSkipToSentinel(vbQemuAgent *agent, gint64 deadline)
{
    while (true) {
        const char *p = memchr(agent->inbuf->str, VB_QEMU_AGENT_SENTINEL, agent->inbuf->len);

        if (p) {
            g_string_erase(agent->inbuf, 0, p - agent->inbuf->str + 1);
            return 0;
        }
        g_string_truncate(agent->inbuf, 0);
        if (vbQemuAgentReadMore(agent, deadline) < 0)
            return -1;
    }
}

/* The next non-empty line the agent sent, parsed into an object. */
static vbJSONValue *
vbQemuAgentReadObject(vbQemuAgent *agent, gint64 deadline)
{
    while (true) {
        const char *nl = memchr(agent->inbuf->str, '\n', agent->inbuf->len);
        g_autofree char *line = NULL;
        g_autoptr(vbJSONValue) msg = NULL;

        if (!nl) {
            if (vbQemuAgentReadMore(agent, deadline) < 0)
                return NULL;
            continue;
        }
        line = g_strndup(agent->inbuf->str, nl - agent->inbuf->str);
        g_string_erase(agent->inbuf, 0, nl - agent->inbuf->str + 1);
        g_strstrip(line);
        if (!*line)
            continue;
        VB_DEBUG("agent=%p recv: %s", agent, line);
        if (!(msg = vbJSONValueFromString(line)) ||
            vbJSONValueGetType(msg) != VB_JSON_TYPE_OBJECT) {
            g_autofree char *quoted = g_utf8_make_valid(line, MIN(strlen(line), 200));

            vbResetLastError();
            agent->inSync = false;
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("Parsed JSON reply '%s' isn't an object"),
                          quoted);
            return NULL;
        }
        return g_steal_pointer(&msg);
    }
}

static gint64
vbQemuAgentDeadline(int seconds)
{
    if (seconds == VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK)
        return -1;
    if (seconds == VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT)
        seconds = VB_QEMU_AGENT_WAIT_TIME;
    return g_get_monotonic_time() + (gint64) seconds * G_USEC_PER_SEC;
}

/* guest-sync-delimited with a fresh id: afterwards nothing stale is left
 * between us and the agent.  Agent owned. */
static int
vbQemuAgentSync(vbQemuAgent *agent)
{
    gint64 deadline = vbQemuAgentDeadline(VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT);
    unsigned long long id;
    g_autofree char *msg = NULL;

    if (agent->inSync)
        return 0;

    id = MAX((unsigned long long) g_get_real_time(), agent->lastSyncID + 1);
    agent->lastSyncID = id;
    msg = g_strdup_printf("%c{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":%llu}}\n",
                          VB_QEMU_AGENT_SENTINEL, id);
    VB_DEBUG("agent=%p: guest-sync-delimited id=%llu", agent, id);
    g_string_truncate(agent->inbuf, 0);
    if (vbQemuAgentWrite(agent, msg, strlen(msg), deadline) < 0)
        return -1;

    /* Answers to an earlier, abandoned sync may come first: each has its
     * own sentinel, and only ours carries our id. */
    while (true) {
        g_autoptr(vbJSONValue) reply = NULL;
        unsigned long long got;

        if (vbQemuAgentSkipToSentinel(agent, deadline) < 0 ||
            !(reply = vbQemuAgentReadObject(agent, deadline)))
            return -1;
        if (vbJSONValueObjectGetNumberUlong(reply, "return", &got) == 0 && got == id)
            break;
        VB_DEBUG("agent=%p: dropping a stale answer", agent);
    }
    agent->inSync = true;
    return 0;
}

static const char *
vbQemuAgentCommandName(const vbJSONValue *cmd)
{
    const char *name = vbJSONValueObjectGetString(cmd, "execute");

    return name ? name : "<unknown>";
}

/* libvirt's readable names of the agent's error classes, for an error
 * without a description */
static const char *
vbQemuAgentErrorClassString(const char *klass)
{
    static const struct {
        const char *klass;
        const char *text;
    } classes[] = {
        {"BufferOverrun", N_("Buffer overrun")},
        {"CommandDisabled", N_("The command has been disabled for this instance")},
        {"CommandNotFound", N_("The command has not been found")},
        {"FdNotFound", N_("File descriptor not found")},
        {"InvalidParameter", N_("Invalid parameter")},
        {"InvalidParameterType", N_("Invalid parameter type")},
        {"InvalidParameterValue", N_("Invalid parameter value")},
        {"OpenFileFailed", N_("Cannot open file")},
        {"QgaCommandFailed", N_("Guest agent command failed")},
        {"QMPBadInputObjectMember", N_("Bad QMP input object member")},
        {"QMPExtraInputObjectMember", N_("Unexpected extra object member")},
        {"UndefinedError", N_("An undefined error has occurred")},
        {"Unsupported", N_("this feature or command is not currently supported")},
    };
    size_t i;

    if (!klass)
        return _("unknown QEMU command error");
    for (i = 0; i < G_N_ELEMENTS(classes); i++) {
        if (strcmp(klass, classes[i].klass) == 0)
            return _(classes[i].text);
    }
    return klass;
}

static int
vbQemuAgentCheckReply(const vbJSONValue *cmd, const vbJSONValue *reply)
{
    vbJSONValue *error = vbJSONValueObjectGet(reply, "error");

    if (error) {
        const char *desc = vbJSONValueObjectGetString(error, "desc");

        if (!desc)
            desc = vbQemuAgentErrorClassString(vbJSONValueObjectGetString(error, "class"));
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unable to execute QEMU agent command '%s': %s"),
                      vbQemuAgentCommandName(cmd), desc);
        return -1;
    }
    if (!vbJSONValueObjectHasKey(reply, "return")) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unable to execute QEMU agent command '%s'"),
                      vbQemuAgentCommandName(cmd));
        return -1;
    }
    return 0;
}

/* Takes the agent for one command, waiting while another caller's command
 * runs – but no longer than VB_QEMU_AGENT_JOB_WAIT seconds, nor than the
 * command's own timeout: a guest that never answers holds up one caller,
 * not every caller of the domain's agent.  As libvirt's agent job, a wait
 * that ends unserved fails with OPERATION_TIMEOUT naming the holder. */
static int
vbQemuAgentAcquire(vbQemuAgent *agent, const vbJSONValue *cmd, int seconds)
{
    gint64 until = g_get_monotonic_time() + (gint64) VB_QEMU_AGENT_JOB_WAIT * G_USEC_PER_SEC;
    gint64 own = vbQemuAgentDeadline(seconds);

    if (own >= 0 && seconds != VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT)
        until = MIN(until, own);
    g_mutex_lock(&agent->lock);
    while (agent->busy && !g_atomic_int_get(&agent->closed)) {
        if (!g_cond_wait_until(&agent->cond, &agent->lock, until) && agent->busy &&
            !g_atomic_int_get(&agent->closed)) {
            vbReportError(VIR_ERR_OPERATION_TIMEOUT,
                          _("cannot acquire state change lock (held by agent=%s)"), agent->busyCmd);
            g_mutex_unlock(&agent->lock);
            return -1;
        }
    }
    agent->busy = true;
    g_free(agent->busyCmd);
    agent->busyCmd = g_strdup(vbQemuAgentCommandName(cmd));
    g_mutex_unlock(&agent->lock);
    return 0;
}

static void
vbQemuAgentRelease(vbQemuAgent *agent)
{
    g_mutex_lock(&agent->lock);
    agent->busy = false;
    g_cond_signal(&agent->cond);
    g_mutex_unlock(&agent->lock);
}

int
vbQemuAgentCommand(vbQemuAgent *agent, vbJSONValue *cmd, int seconds, vbJSONValue **reply)
{
    g_autoptr(vbJSONValue) answer = NULL;
    g_autofree char *str = NULL;
    g_autofree char *line = NULL;
    gint64 deadline;
    int ret = -1;

    if (reply)
        *reply = NULL;
    /* the caller's reference keeps @agent: vbQemuAgentClose only wakes us */
    if (vbQemuAgentAcquire(agent, cmd, seconds) < 0)
        return -1;
    if (agent->failed || g_atomic_int_get(&agent->closed)) {
        vbQemuAgentReportGone();
        goto cleanup;
    }
    if (vbQemuAgentSync(agent) < 0)
        goto cleanup;

    if (!(str = vbJSONValueToString(cmd, false)))
        goto cleanup;
    /* the name only: arguments may be secrets (guest-set-user-password) */
    VB_DEBUG("agent=%p send: %s (seconds=%d)", agent, vbQemuAgentCommandName(cmd), seconds);
    line = g_strdup_printf("%s\n", str);
    deadline = vbQemuAgentDeadline(seconds);
    if (vbQemuAgentWrite(agent, line, strlen(line), deadline) < 0)
        goto cleanup;
    if (seconds == VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT) {
        /* an answer that comes is dropped by the next sync */
        agent->inSync = false;
        ret = 0;
        goto cleanup;
    }
    if (!(answer = vbQemuAgentReadObject(agent, deadline)))
        goto cleanup;
    if (vbQemuAgentCheckReply(cmd, answer) < 0)
        goto cleanup;
    if (reply)
        *reply = g_steal_pointer(&answer);
    ret = 0;

cleanup:
    vbQemuAgentRelease(agent);
    return ret;
}

int
vbQemuAgentArbitraryCommand(vbQemuAgent *agent, const char *cmd, int seconds, char **result)
{
    g_autoptr(vbJSONValue) json = NULL;
    g_autoptr(vbJSONValue) reply = NULL;

    *result = NULL;
    if (seconds < VIR_DOMAIN_QEMU_AGENT_COMMAND_MIN) {
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("guest agent timeout '%d' is less than the minimum '%d'"), seconds,
                      VIR_DOMAIN_QEMU_AGENT_COMMAND_MIN);
        return -1;
    }
    if (!(json = vbJSONValueFromString(cmd)))
        return -1;
    if (vbQemuAgentCommand(agent, json, seconds, &reply) < 0)
        return -1;
    if (reply && !(*result = vbJSONValueToString(reply, false)))
        return -1;
    return 0;
}

/* A command whose answer is a count (of file systems) */
static int
vbQemuAgentCommandCount(vbQemuAgent *agent, vbJSONValue *cmd)
{
    g_autoptr(vbJSONValue) reply = NULL;
    long long count;

    if (vbQemuAgentCommand(agent, cmd, VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK, &reply) < 0)
        return -1;
    if (vbJSONValueObjectGetNumberLong(reply, "return", &count) < 0 || count < 0 ||
        count > INT_MAX) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("malformed return value"));
        return -1;
    }
    return count;
}

int
vbQemuAgentFSFreeze(vbQemuAgent *agent, const char **mountpoints, size_t nmountpoints)
{
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) args = NULL;
    size_t i;

    if (nmountpoints > 0) {
        g_autoptr(vbJSONValue) list = vbJSONValueNewArray();

        for (i = 0; i < nmountpoints; i++) {
            if (vbJSONValueArrayAppendString(list, mountpoints[i]) < 0)
                return -1;
        }
        if (vbJSONValueObjectAdd(&args, "a:mountpoints", &list, NULL) < 0 ||
            vbJSONValueObjectAdd(&cmd, "s:execute", "guest-fsfreeze-freeze-list", "o:arguments",
                                 &args, NULL) < 0)
            return -1;
    } else if (vbJSONValueObjectAdd(&cmd, "s:execute", "guest-fsfreeze-freeze", NULL) < 0) {
        return -1;
    }
    return vbQemuAgentCommandCount(agent, cmd);
}

int
vbQemuAgentFSThaw(vbQemuAgent *agent)
{
    g_autoptr(vbJSONValue) cmd = NULL;

    if (vbJSONValueObjectAdd(&cmd, "s:execute", "guest-fsfreeze-thaw", NULL) < 0)
        return -1;
    return vbQemuAgentCommandCount(agent, cmd);
}

int
vbQemuAgentShutdown(vbQemuAgent *agent, const char *mode)
{
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) args = NULL;

    if (vbJSONValueObjectAdd(&args, "s:mode", mode, NULL) < 0 ||
        vbJSONValueObjectAdd(&cmd, "s:execute", "guest-shutdown", "o:arguments", &args, NULL) < 0)
        return -1;
    return vbQemuAgentCommand(agent, cmd, VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT, NULL);
}

int
vbQemuAgentGetTime(vbQemuAgent *agent, long long *seconds, unsigned int *nseconds)
{
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) reply = NULL;
    unsigned long long ns;

    if (vbJSONValueObjectAdd(&cmd, "s:execute", "guest-get-time", NULL) < 0 ||
        vbQemuAgentCommand(agent, cmd, VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK, &reply) < 0)
        return -1;
    if (vbJSONValueObjectGetNumberUlong(reply, "return", &ns) < 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("malformed return value"));
        return -1;
    }
    *seconds = ns / 1000000000ULL;
    *nseconds = ns % 1000000000ULL;
    return 0;
}

int
vbQemuAgentSetTime(vbQemuAgent *agent, long long seconds, unsigned int nseconds, bool rtcSync)
{
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) args = NULL;

    if (!rtcSync) {
        /* libvirt's limit: nanoseconds since the epoch must fit in a long long */
        if (seconds > LLONG_MAX / 1000000000LL - 1 || seconds < -(LLONG_MAX / 1000000000LL - 1)) {
            vbReportError(VIR_ERR_INVALID_ARG, _("Time '%lld' is too big for guest agent"),
                          seconds);
            return -1;
        }
        if (vbJSONValueObjectAdd(&args, "I:time", seconds * 1000000000LL + nseconds, NULL) < 0)
            return -1;
    }
    if (vbJSONValueObjectAdd(&cmd, "s:execute", "guest-set-time", "O:arguments", &args, NULL) < 0)
        return -1;
    return vbQemuAgentCommand(agent, cmd, VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK, NULL);
}
