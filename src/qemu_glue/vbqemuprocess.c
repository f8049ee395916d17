/*
 * vbqemuprocess.c: QEMU (and qemu-storage-daemon) processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbqemuprocess.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbsandbox.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_KILL_GRACE_US (10 * G_USEC_PER_SEC)
#define VB_KILL_FORCE_US (5 * G_USEC_PER_SEC)
#define VB_POLL_US (10 * 1000)

/* The child's own pid into @path, write-locked on a descriptor that stays
 * open across exec: the lock lives exactly as long as the process.
 * Async-signal-safe. */
static int
vbQemuProcessChildWritePidFile(const char *path)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    char buf[24];
    size_t pos = sizeof(buf);
    unsigned long pid = getpid();
    int fd;

    buf[--pos] = '\n';
    do {
        buf[--pos] = '0' + pid % 10;
        pid /= 10;
    } while (pid > 0 && pos > 0);

    if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW, 0600)) < 0)
        return -1;
    if (fcntl(fd, F_SETLK, &lock) < 0 || ftruncate(fd, 0) < 0 ||
        write(fd, buf + pos, sizeof(buf) - pos) != (ssize_t) (sizeof(buf) - pos)) {
        close(fd);
        return -1;
    }
    /* left open, without close-on-exec: the lock goes with QEMU */
    return 0;
}

void
vbQemuProcessChildSetup(gpointer opaque)
{
    const vbQemuProcessConfine *confine = opaque;
    static const char msg[] = "virtblockd: cannot switch to the identity of qemu.conf's user and "
                              "group, set no_new_privs or install the seccomp filter\n";
    static const char pidMsg[] = "virtblockd: cannot write and lock the pid file\n";

    /* Async-signal-safe only: we are between fork and exec, and stderr is
     * already the log.  A session of its own keeps a terminal's signals
     * for the daemon away from QEMU. */
    setsid();
    /* before the identity switch: the file is the daemon's */
    if (confine && confine->pidFile && vbQemuProcessChildWritePidFile(confine->pidFile) < 0) {
        if (write(STDERR_FILENO, pidMsg, sizeof(pidMsg) - 1) < 0) {
            /* nothing more to tell; the exit says it */
        }
        _exit(127);
    }
    if (vbIdentityApply(confine ? confine->ident : NULL) < 0 ||
        (confine && confine->sandbox && vbSandboxApply() < 0)) {
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
            /* nothing more to tell; the exit says it */
        }
        _exit(127);
    }
}

int
vbQemuProcessSpawn(char *const *argv, int logfd, const vbQemuProcessConfine *confine, pid_t *pid)
{
    return vbQemuProcessSpawnEnv(argv, NULL, logfd, confine, pid);
}

int
vbQemuProcessSpawnEnv(char *const *argv, char *const *envp, int logfd,
                      const vbQemuProcessConfine *confine, pid_t *pid)
{
    g_autoptr(GError) err = NULL;
    g_autofree int *targetFds = NULL;
    vbQemuProcessConfine unsandboxed;
    GPid child = 0;
    size_t nfds = confine ? confine->npassFds : 0;
    size_t i;

    /* no filter of ours for this architecture: run without it rather than
     * not at all (QEMU's own -sandbox is unaffected) */
    if (confine && confine->sandbox && !vbSandboxSupported()) {
        VB_WARN("no seccomp filter for '%s' on this architecture", argv[0]);
        unsandboxed = *confine;
        unsandboxed.sandbox = false;
        confine = &unsandboxed;
    }

    targetFds = g_new0(int, nfds + 1);
    for (i = 0; i < nfds; i++)
        targetFds[i] = VB_QEMU_PROCESS_PASSED_FD_FIRST + i;

    /* Without G_SPAWN_DO_NOT_REAP_CHILD, GLib forks twice: QEMU is
     * re-parented to init and the pid we get is QEMU's own. */
    if (!g_spawn_async_with_pipes_and_fds(
            NULL, (const char *const *) argv, (const char *const *) envp,
            G_SPAWN_STDIN_FROM_DEV_NULL, vbQemuProcessChildSetup, (gpointer) confine, -1, logfd,
            logfd, nfds ? confine->passFds : NULL, nfds ? targetFds : NULL, nfds, &child, NULL,
            NULL, NULL, &err)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("cannot start '%s': %s"), argv[0], err->message);
        return -1;
    }
    *pid = child;
    VB_DEBUG("started %s as pid %d", argv[0], (int) child);
    return 0;
}

bool
vbQemuProcessIsAlive(pid_t pid)
{
    g_autofree char *statPath = NULL;
    g_autofree char *stat = NULL;
    const char *close;

    if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
        return false;

    /* A zombie still answers kill(0); its state letter says it is gone. */
    statPath = g_strdup_printf("/proc/%d/stat", (int) pid);
    if (g_file_get_contents(statPath, &stat, NULL, NULL) && (close = strrchr(stat, ')')) &&
        close[1] == ' ' && (close[2] == 'Z' || close[2] == 'X'))
        return false;
    return true;
}

int
vbQemuProcessPidFileHolder(const char *pidFile, pid_t *pid)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd;
    int rc;

    if ((fd = open(pidFile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        if (errno == ENOENT)
            return 0;
        vbReportSystemError(errno, _("cannot open pid file '%s'"), pidFile);
        return -1;
    }
    /* who holds it, not its content: a file whose process is gone names
     * a pid that may be anyone's by now */
    rc = fcntl(fd, F_GETLK, &lock);
    close(fd);
    if (rc < 0) {
        vbReportSystemError(errno, _("cannot query the lock of pid file '%s'"), pidFile);
        return -1;
    }
    if (lock.l_type == F_UNLCK || lock.l_pid <= 0)
        return 0;
    *pid = lock.l_pid;
    return 1;
}

char *
vbQemuProcessLogTail(const char *logPath, size_t maxlen)
{
    g_autofree char *content = NULL;
    gsize len = 0;
    const char *start;

    if (!logPath || !g_file_get_contents(logPath, &content, &len, NULL) || len == 0)
        return g_strdup("");
    start = content + (len > maxlen ? len - maxlen : 0);
    return g_strstrip(g_strdup(start));
}

static bool
vbQemuProcessSocketAccepts(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd;
    bool ok;

    if (strlen(path) >= sizeof(addr.sun_path))
        return false;
    strcpy(addr.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return false;
    ok = connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0;
    close(fd);
    return ok;
}

int
vbQemuProcessWaitForMonitor(pid_t pid, const char *path, const char *logPath,
                            unsigned int timeoutMs)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeoutMs * 1000;

    /* QEMU creates the socket early during start-up; a probe connection is
     * harmless because the monitor serves one client after another. */
    while (!g_file_test(path, G_FILE_TEST_EXISTS) || !vbQemuProcessSocketAccepts(path)) {
        if (!vbQemuProcessIsAlive(pid)) {
            g_autofree char *tail = vbQemuProcessLogTail(logPath, 1024);

            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("process exited while connecting to monitor: %s"), tail);
            return -1;
        }
        if (g_get_monotonic_time() > deadline) {
            vbReportError(VIR_ERR_OPERATION_TIMEOUT,
                          _("QEMU did not open its monitor socket '%s' within %u ms"), path,
                          timeoutMs);
            return -1;
        }
        g_usleep(VB_POLL_US);
    }
    return 0;
}

static bool
vbQemuProcessWaitGone(pid_t pid, gint64 us)
{
    gint64 deadline = g_get_monotonic_time() + us;

    while (vbQemuProcessIsAlive(pid)) {
        if (g_get_monotonic_time() > deadline)
            return false;
        g_usleep(VB_POLL_US);
    }
    return true;
}

int
vbQemuProcessKill(pid_t pid, bool force)
{
    if (!vbQemuProcessIsAlive(pid))
        return 0;

    if (!force) {
        if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
            vbReportSystemError(errno, _("cannot send SIGTERM to process %d"), (int) pid);
            return -1;
        }
        if (vbQemuProcessWaitGone(pid, VB_KILL_GRACE_US))
            return 0;
    }
    if (kill(pid, SIGKILL) < 0 && errno != ESRCH) {
        vbReportSystemError(errno, _("cannot send SIGKILL to process %d"), (int) pid);
        return -1;
    }
    if (vbQemuProcessWaitGone(pid, VB_KILL_FORCE_US))
        return 0;
    vbReportError(VIR_ERR_OPERATION_FAILED, _("process %d survived SIGKILL"), (int) pid);
    return -1;
}

int
vbQemuProcessLogOpen(const char *logPath, char *const *argv)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
    g_autofree char *cmd = g_strjoinv(" ", (char **) argv);
    g_autofree char *header = g_strdup_printf("%s: starting up\n%s\n", stamp, cmd);
    size_t done = 0;
    size_t len = strlen(header);
    int fd;

    if ((fd = open(logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        vbReportSystemError(errno, _("cannot open log file '%s'"), logPath);
        return -1;
    }
    while (done < len) {
        ssize_t n = write(fd, header + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            vbReportSystemError(errno, _("cannot write log file '%s'"), logPath);
            close(fd);
            return -1;
        }
        done += n;
    }
    return fd;
}

int
vbQemuProcessLaunch(char *const *argv, const char *logPath, const vbQemuProcessConfine *confine,
                    pid_t *pid)
{
    return vbQemuProcessLaunchEnv(argv, NULL, logPath, confine, pid);
}

int
vbQemuProcessLaunchEnv(char *const *argv, char *const *envp, const char *logPath,
                       const vbQemuProcessConfine *confine, pid_t *pid)
{
    int logfd;
    int rc;

    if ((logfd = vbQemuProcessLogOpen(logPath, argv)) < 0)
        return -1;
    rc = vbQemuProcessSpawnEnv(argv, envp, logfd, confine, pid);
    close(logfd);
    return rc;
}
