/*
 * vbcommand.c: running a helper program, bounded in time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every helper the daemon runs while holding a domain's job goes through
 * here, so that none can hold the job for ever: a qemu-img looping in a
 * backing chain, or stuck on dead storage, is killed at its timeout and
 * the job is released with an error saying so.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "vbinternal.h"
#include "vbcommand.h"
#include "vberror.h"
#include "vblog.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

/* How much of the helper's standard error is kept */
#define VB_COMMAND_ERR_MAX (64 * 1024)

/* How often a helper that closed its standard error is polled for exit */
#define VB_COMMAND_POLL_MS 20

/* Between fork and exec: async-signal-safe only. */
static void
vbCommandChildSetup(gpointer opaque G_GNUC_UNUSED)
{
    setpgid(0, 0);
}

static unsigned int
vbCommandTimeout(unsigned int timeout)
{
    const char *env = g_getenv(VB_COMMAND_TIMEOUT_ENV);
    guint64 val;

    if (env && g_ascii_string_to_unsigned(env, 10, 1, G_MAXUINT, &val, NULL))
        return val;
    return timeout ? timeout : VB_COMMAND_TIMEOUT_DEFAULT;
}

/* One of the helper's output pipes and what was read from it */
typedef struct {
    int fd; /* -1 once closed */
    GString *buf;
    size_t max; /* bytes kept; more are read and dropped */
} vbCommandPipe;

/* Reads what is there on @pipe; closes it at end of file or error. */
static void
vbCommandReadPipe(vbCommandPipe *pipe)
{
    char chunk[4096];
    ssize_t n;

    while ((n = read(pipe->fd, chunk, sizeof(chunk))) < 0 && errno == EINTR)
        ;
    if (n < 0 && errno == EAGAIN)
        return;
    if (n <= 0) {
        close(pipe->fd);
        pipe->fd = -1;
        return;
    }
    if (pipe->buf->len < pipe->max)
        g_string_append_len(pipe->buf, chunk, MIN((size_t) n, pipe->max - pipe->buf->len));
}

/* Waits up to @ms for output on the open pipes and reads it; false when
 * none is open. */
static bool
vbCommandPollPipes(vbCommandPipe *pipes, size_t npipes, int ms)
{
    struct pollfd pfd[2];
    size_t map[2];
    size_t n = 0;
    size_t i;

    for (i = 0; i < npipes && n < G_N_ELEMENTS(pfd); i++) {
        if (pipes[i].fd < 0)
            continue;
        pfd[n].fd = pipes[i].fd;
        pfd[n].events = POLLIN;
        pfd[n].revents = 0;
        map[n++] = i;
    }
    if (n == 0)
        return false;
    if (poll(pfd, n, ms) > 0) {
        for (i = 0; i < n; i++) {
            if (pfd[i].revents)
                vbCommandReadPipe(&pipes[map[i]]);
        }
    }
    return true;
}

static void
vbCommandClosePipes(vbCommandPipe *pipes, size_t npipes)
{
    size_t i;

    for (i = 0; i < npipes; i++) {
        if (pipes[i].fd >= 0)
            close(pipes[i].fd);
        pipes[i].fd = -1;
    }
}

/* Kills @pid's process group and @pid, and reaps @pid into *@status. */
static void
vbCommandKill(GPid pid, int *status)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
}

/* @outOut NULL: the helper's standard output goes to /dev/null */
static int
vbCommandRunFull(const char *const *argv, int passFd, unsigned int timeout, int *exitStatus,
                 char **outOut, size_t outMax, char **errOut)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GString) err = g_string_new(NULL);
    g_autoptr(GString) out = g_string_new(NULL);
    vbCommandPipe pipes[2] = {{.fd = -1, .buf = err, .max = VB_COMMAND_ERR_MAX},
                              {.fd = -1, .buf = out, .max = outMax}};
    size_t npipes = outOut ? 2 : 1;
    int target = VB_COMMAND_PASS_FD;
    GSpawnFlags spawnFlags =
        G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL;
    gint64 deadline;
    GPid pid;
    int status;
    size_t i;

    timeout = vbCommandTimeout(timeout);
    *exitStatus = -1;
    *errOut = NULL;
    if (outOut)
        *outOut = NULL;
    else
        spawnFlags |= G_SPAWN_STDOUT_TO_DEV_NULL;
    VB_DEBUG("running '%s' (timeout %u s)", argv[0], timeout);
    if (!g_spawn_async_with_pipes_and_fds(
            NULL, argv, NULL, spawnFlags, vbCommandChildSetup, NULL, -1, -1, -1,
            passFd >= 0 ? &passFd : NULL, passFd >= 0 ? &target : NULL, passFd >= 0 ? 1 : 0, &pid,
            NULL, outOut ? &pipes[1].fd : NULL, &pipes[0].fd, &gerr)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("cannot run '%s': %s"), argv[0], gerr->message);
        return -1;
    }
    for (i = 0; i < npipes; i++)
        g_unix_set_fd_nonblocking(pipes[i].fd, TRUE, NULL);

    deadline = g_get_monotonic_time() + (gint64) timeout * G_USEC_PER_SEC;
    for (;;) {
        gint64 left = deadline - g_get_monotonic_time();
        siginfo_t info = {0};
        int rc = waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT);

        if (rc == 0 && info.si_pid == pid) {
            /* Not reaped yet, so its process group cannot be reused:
             * what it left running there (a daemonized child, say)
             * goes with it. */
            vbCommandKill(pid, &status);
            break;
        }
        if (rc < 0 && errno != EINTR) {
            vbReportSystemError(errno, _("cannot wait for '%s'"), argv[0]);
            vbCommandKill(pid, &status);
            vbCommandClosePipes(pipes, npipes);
            return -1;
        }
        if (left <= 0) {
            g_autofree char *cmd = g_strjoinv(" ", (char **) argv);

            vbCommandKill(pid, &status);
            vbCommandClosePipes(pipes, npipes);
            vbReportError(VIR_ERR_OPERATION_TIMEOUT,
                          _("command '%s' did not finish within %u seconds and was killed"), cmd,
                          timeout);
            return -1;
        }
        if (!vbCommandPollPipes(pipes, npipes, MIN(left / 1000, VB_COMMAND_POLL_MS * 10) + 1))
            g_usleep(MIN(left, VB_COMMAND_POLL_MS * 1000));
    }
    /* what it wrote just before exiting; a descendant holding a pipe
     * open is not waited for */
    for (i = 0; i < npipes; i++) {
        while (pipes[i].fd >= 0) {
            struct pollfd pfd = {.fd = pipes[i].fd, .events = POLLIN};

            if (poll(&pfd, 1, 0) <= 0)
                break;
            vbCommandReadPipe(&pipes[i]);
        }
    }
    vbCommandClosePipes(pipes, npipes);

    if (WIFEXITED(status))
        *exitStatus = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        *exitStatus = 128 + WTERMSIG(status);
    *errOut = g_strstrip(g_string_free(g_steal_pointer(&err), FALSE));
    if (outOut)
        *outOut = g_string_free(g_steal_pointer(&out), FALSE);
    return 0;
}

int
vbCommandRun(const char *const *argv, int passFd, unsigned int timeout, int *exitStatus,
             char **errOut)
{
    return vbCommandRunFull(argv, passFd, timeout, exitStatus, NULL, 0, errOut);
}

int
vbCommandRunOutput(const char *const *argv, int passFd, unsigned int timeout, size_t maxOut,
                   int *exitStatus, char **outOut, char **errOut)
{
    return vbCommandRunFull(argv, passFd, timeout, exitStatus, outOut, maxOut, errOut);
}
