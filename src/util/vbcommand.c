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

/* Reads what is there on @fd into @buf; false at end of file or error. */
static bool
vbCommandReadErr(int fd, GString *buf)
{
    char chunk[4096];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof(chunk))) < 0 && errno == EINTR)
        ;
    if (n <= 0)
        return n < 0 && errno == EAGAIN;
    if (buf->len < VB_COMMAND_ERR_MAX)
        g_string_append_len(buf, chunk, MIN((size_t) n, VB_COMMAND_ERR_MAX - buf->len));
    return true;
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

int
vbCommandRun(const char *const *argv, int passFd, unsigned int timeout, int *exitStatus,
             char **errOut)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GString) err = g_string_new(NULL);
    int target = VB_COMMAND_PASS_FD;
    int errfd = -1;
    bool errOpen = true;
    gint64 deadline;
    GPid pid;
    int status;

    timeout = vbCommandTimeout(timeout);
    *exitStatus = -1;
    *errOut = NULL;
    VB_DEBUG("running '%s' (timeout %u s)", argv[0], timeout);
    if (!g_spawn_async_with_pipes_and_fds(
            NULL, argv, NULL,
            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL |
                G_SPAWN_STDOUT_TO_DEV_NULL,
            vbCommandChildSetup, NULL, -1, -1, -1, passFd >= 0 ? &passFd : NULL,
            passFd >= 0 ? &target : NULL, passFd >= 0 ? 1 : 0, &pid, NULL, NULL, &errfd, &gerr)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("cannot run '%s': %s"), argv[0], gerr->message);
        return -1;
    }
    g_unix_set_fd_nonblocking(errfd, TRUE, NULL);

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
            close(errfd);
            return -1;
        }
        if (left <= 0) {
            g_autofree char *cmd = g_strjoinv(" ", (char **) argv);

            vbCommandKill(pid, &status);
            close(errfd);
            vbReportError(VIR_ERR_OPERATION_TIMEOUT,
                          _("command '%s' did not finish within %u seconds and was killed"), cmd,
                          timeout);
            return -1;
        }
        if (errOpen) {
            struct pollfd pfd = {.fd = errfd, .events = POLLIN};

            if (poll(&pfd, 1, MIN(left / 1000, VB_COMMAND_POLL_MS * 10) + 1) > 0)
                errOpen = vbCommandReadErr(errfd, err);
        } else {
            g_usleep(MIN(left, VB_COMMAND_POLL_MS * 1000));
        }
    }
    /* what it wrote just before exiting; a descendant holding the pipe
     * open is not waited for */
    while (errOpen) {
        struct pollfd pfd = {.fd = errfd, .events = POLLIN};

        if (poll(&pfd, 1, 0) <= 0)
            break;
        errOpen = vbCommandReadErr(errfd, err);
    }
    close(errfd);

    if (WIFEXITED(status))
        *exitStatus = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        *exitStatus = 128 + WTERMSIG(status);
    *errOut = g_strstrip(g_string_free(g_steal_pointer(&err), FALSE));
    return 0;
}
