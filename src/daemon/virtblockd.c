/*
 * virtblockd.c: the daemon: options, the pid file, the main loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "vbinternal.h"
#include "vbdriver.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbrpcdispatch.h"
#include "vbrpcserver.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

typedef struct {
    gboolean system;
    gboolean verbose;
    gboolean version;
    char *root;
    char *logfile;
} vbDaemonOptions;

static gboolean
vbDaemonQuit(gpointer opaque)
{
    GMainLoop *loop = opaque;

    VB_INFO("shutting down on signal");
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE;
}

/* One daemon per root: a second one would fight over the sockets, status
 * files and QEMU monitors.  The lock dies with the process, so a crashed
 * daemon never blocks the next start. */
static int
vbDaemonLockPidFile(const char *path, const char *root)
{
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    g_autofree char *pid = g_strdup_printf("%lld\n", (long long) getpid());
    int fd;

    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
        vbReportSystemError(errno, _("cannot open pid file '%s'"), path);
        return -1;
    }
    if (fcntl(fd, F_SETLK, &lk) < 0) {
        char other[32] = "";
        ssize_t n = pread(fd, other, sizeof(other) - 1, 0);

        if (n > 0)
            other[strcspn(other, "\n")] = '\0';
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("another virtblockd is already running with root '%s' (pid %s)"), root,
                      n > 0 ? other : "?");
        close(fd);
        return -1;
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
        vbReportSystemError(errno, _("cannot write pid file '%s'"), path);
        close(fd);
        return -1;
    }
    return fd;
}

static int
vbDaemonParseOptions(int *argc, char ***argv, vbDaemonOptions *opts)
{
    GOptionEntry entries[] = {
        {"system", 0, 0, G_OPTION_ARG_NONE, &opts->system,
         N_("Run as the system instance (/etc/virtblockd, /var/lib/virtblockd, /run/virtblockd)"),
         NULL},
        {"root", 0, 0, G_OPTION_ARG_FILENAME, &opts->root,
         N_("Keep every file (config, status, sockets, logs, cache) under DIR"), N_("DIR")},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &opts->verbose, N_("Log debug messages"), NULL},
        {"log", 0, 0, G_OPTION_ARG_FILENAME, &opts->logfile,
         N_("Write the log to FILE instead of stderr"), N_("FILE")},
        {"version", 'V', 0, G_OPTION_ARG_NONE, &opts->version, N_("Print the version and exit"),
         NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) err = NULL;

    g_option_context_set_summary(
        ctx, _("A libvirt-compatible QEMU driver daemon for block commit and block jobs"));
    g_option_context_set_description(
        ctx,
        _("Clients connect with 'virsh -c qemu+unix:///session?socket=ROOT/run/virtblockd-sock'"));
    g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(ctx, argc, argv, &err)) {
        fprintf(stderr, "virtblockd: %s\n", err->message);
        return -1;
    }
    if (*argc > 1) {
        g_autofree char *msg = g_strdup_printf(_("unexpected argument '%s'"), (*argv)[1]);

        fprintf(stderr, "virtblockd: %s\n", msg);
        return -1;
    }
    if (opts->system && opts->root) {
        fprintf(stderr, "virtblockd: %s\n", _("--system and --root are mutually exclusive"));
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    vbDaemonOptions opts = {0};
    g_autoptr(GMainLoop) loop = NULL;
    g_autofree char *pidPath = NULL;
    vbRPCServerConfig srvcfg = {0};
    vbDriverConfig *cfg = NULL;
    vbDriver *driver = NULL;
    vbRPCServer *srv = NULL;
    int logfd = -1;
    int pidfd = -1;
    int ret = 1;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    textdomain(GETTEXT_PACKAGE);

    if (vbDaemonParseOptions(&argc, &argv, &opts) < 0)
        return 2;
    if (opts.version) {
        printf("virtblockd %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (opts.logfile) {
        if ((logfd = open(opts.logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0) {
            vbReportSystemError(errno, _("cannot open log '%s'"), opts.logfile);
            fprintf(stderr, "virtblockd: %s\n", vbGetLastErrorMessage());
            return 1;
        }
        vbLogSetOutputFd(logfd);
    }
    vbLogSetPriority(opts.verbose ? VB_LOG_DEBUG : VB_LOG_INFO);

    /* A client that goes away mid-reply must not take the daemon along. */
    signal(SIGPIPE, SIG_IGN);

    cfg = vbDriverConfigNew(opts.system, opts.root);
    if (vbDriverConfigLoadQemuFile(cfg) < 0)
        goto error;
    if (vbFileMakePath(cfg->runDir, 0700) < 0)
        goto error;
    pidPath = g_build_filename(cfg->runDir, "virtblockd.pid", NULL);
    if ((pidfd = vbDaemonLockPidFile(pidPath, opts.root ? opts.root : cfg->runDir)) < 0)
        goto error;

    loop = g_main_loop_new(NULL, FALSE);
    if (!(driver = vbDriverNew(cfg, g_main_context_default())))
        goto error;
    cfg = NULL; /* the driver owns it */
    if (vbDriverLoadDomains(driver) < 0)
        goto error;

    srvcfg.hypervisorVersion = 7002000;
    /* A synchronous pivot holds a worker while it waits for QEMU: enough
     * of them that waiting calls never starve the quick ones. */
    srvcfg.maxWorkers = 20;
    /* The largest thing a client sends is a 4 MiB domain XML string. */
    srvcfg.maxClientInput = 4 * 1024 * 1024 + 64 * 1024;
    if (!(srv = vbRPCServerNew(g_main_context_default(), &srvcfg, driver)))
        goto error;
    if (vbRPCDispatchRegister(srv) < 0)
        goto error;
    vbDomainEventQueueSetDispatch(driver->events, vbRPCDispatchDomainEvent, srv);
    if (vbRPCServerAddListener(srv, driver->cfg->socketPath, false) < 0 ||
        vbRPCServerAddListener(srv, driver->cfg->socketPathRO, true) < 0)
        goto error;

    g_unix_signal_add(SIGTERM, vbDaemonQuit, loop);
    g_unix_signal_add(SIGINT, vbDaemonQuit, loop);
    VB_INFO("virtblockd %s listening on '%s'", PACKAGE_VERSION, driver->cfg->socketPath);
    g_main_loop_run(loop);
    ret = 0;
    goto cleanup;

error:
    fprintf(stderr, "virtblockd: %s\n", vbGetLastErrorMessage());

cleanup:
    if (driver) {
        vbDomainEventQueueSetDispatch(driver->events, NULL, NULL);
        vbDriverBeginShutdown(driver);
    }
    /* Clients first (no call may reach a driver being torn down), then the
     * driver, which leaves every QEMU running for the next start. */
    vbRPCServerFree(srv);
    vbDriverFree(driver);
    vbDriverConfigFree(cfg);
    if (pidfd >= 0) {
        unlink(pidPath);
        close(pidfd);
    }
    g_free(opts.root);
    g_free(opts.logfile);
    if (logfd >= 0)
        close(logfd);
    return ret;
}
