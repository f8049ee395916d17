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
#include <sys/stat.h>
#include <unistd.h>
#include <glib-unix.h>

#include "vbinternal.h"
#include "vbconf.h"
#include "vbdriver.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbrpcdispatch.h"
#include "vbrpcserver.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

/* The largest value of a setting in seconds or a count of keepalive
 * PINGs: about eleven days */
#define VB_DAEMON_CONF_MAX_SECONDS 1000000U

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

/* SIGHUP: logrotate has renamed the log file; write to a new one at the
 * configured path.  Never fatal: on failure the old file stays in use. */
static gboolean
vbDaemonHangup(gpointer opaque G_GNUC_UNUSED)
{
    int rc = vbLogReopen();

    if (rc < 0)
        VB_ERROR("cannot reopen the log on SIGHUP: %s", vbGetLastErrorMessage());
    else
        VB_INFO("SIGHUP received%s", rc > 0 ? ": log file reopened" : "");
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

/* virtblockd.conf: the rpc server's limits, with virtqemud.conf's names
 * where libvirt has the setting (docs/configuration.md, virtblockd.conf) */
static int
vbDaemonLoadConfig(const char *path, vbRPCServerConfig *srvcfg)
{
    static const char *const known[] = {
        "max_clients",
        "max_readonly_clients",
        "max_clients_per_uid",
        "max_workers",
        "max_client_requests",
        "keepalive_interval",
        "keepalive_count",
        "client_open_timeout",
        "client_idle_timeout",
        "max_client_output_bytes",
        "max_client_output_messages",
        "max_client_buffer_memory",
        NULL,
    };
    static const struct {
        const char *name;
        size_t offset;
    } sizes[] = {
        {"max_clients", offsetof(vbRPCServerConfig, maxClients)},
        {"max_readonly_clients", offsetof(vbRPCServerConfig, maxReadonlyClients)},
        {"max_clients_per_uid", offsetof(vbRPCServerConfig, maxClientsPerUid)},
        {"max_workers", offsetof(vbRPCServerConfig, maxWorkers)},
        {"max_client_requests", offsetof(vbRPCServerConfig, maxClientRequests)},
        {"max_client_output_bytes", offsetof(vbRPCServerConfig, maxClientOutput)},
        {"max_client_output_messages", offsetof(vbRPCServerConfig, maxClientOutputMessages)},
        {"max_client_buffer_memory", offsetof(vbRPCServerConfig, maxBufferMemory)},
    };
    static const struct {
        const char *name;
        size_t offset;
    } uints[] = {
        {"keepalive_interval", offsetof(vbRPCServerConfig, keepaliveInterval)},
        {"keepalive_count", offsetof(vbRPCServerConfig, keepaliveCount)},
        {"client_open_timeout", offsetof(vbRPCServerConfig, openTimeout)},
        {"client_idle_timeout", offsetof(vbRPCServerConfig, idleTimeout)},
    };
    g_autoptr(vbConf) conf = NULL;
    size_t i;

    if (!(conf = vbConfReadFile(path)))
        return -1;
    vbConfWarnUnknown(conf, known);
    for (i = 0; i < G_N_ELEMENTS(sizes); i++) {
        unsigned long long value;
        int rc = vbConfGetULLong(conf, sizes[i].name, &value);

        if (rc < 0)
            return -1;
        if (rc == 0)
            continue;
        if (value == 0 || value > G_MAXSIZE / 2) {
            vbReportError(VIR_ERR_CONF_SYNTAX, _("%s: %s must be between 1 and %zu, not %llu"),
                          path, sizes[i].name, (size_t) G_MAXSIZE / 2, value);
            return -1;
        }
        *(size_t *) ((char *) srvcfg + sizes[i].offset) = value;
    }
    for (i = 0; i < G_N_ELEMENTS(uints); i++) {
        unsigned int value;
        int rc = vbConfGetUInt(conf, uints[i].name, &value);

        if (rc < 0)
            return -1;
        if (rc == 0)
            continue;
        /* keepalive_interval * keepalive_count in microseconds must fit
         * in 64 bits, or every client with keepalive is dropped at once */
        if (value == 0 || value > VB_DAEMON_CONF_MAX_SECONDS) {
            vbReportError(VIR_ERR_CONF_SYNTAX, _("%s: %s must be between 1 and %u, not %u"), path,
                          uints[i].name, VB_DAEMON_CONF_MAX_SECONDS, value);
            return -1;
        }
        *(unsigned int *) ((char *) srvcfg + uints[i].offset) = value;
    }
    return 0;
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
    if (opts.logfile && vbLogOpenFile(opts.logfile) < 0) {
        fprintf(stderr, "virtblockd: %s\n", vbGetLastErrorMessage());
        return 1;
    }
    vbLogSetPriority(opts.verbose ? VB_LOG_DEBUG : VB_LOG_INFO);

    /* A client that goes away mid-reply must not take the daemon along. */
    signal(SIGPIPE, SIG_IGN);
    /* Before any thread exists: GLib's handlers must be in place before a
     * signal can arrive, or a SIGHUP during start-up would still kill us.
     * They only wake the loop, which runs them once it is running. */
    loop = g_main_loop_new(NULL, FALSE);
    g_unix_signal_add(SIGTERM, vbDaemonQuit, loop);
    g_unix_signal_add(SIGINT, vbDaemonQuit, loop);
    g_unix_signal_add(SIGHUP, vbDaemonHangup, NULL);

    cfg = vbDriverConfigNew(opts.system, opts.root);
    /* Every directory checked (and made) before anything is read from or
     * written to one: a root another user can change is refused. */
    if (vbDriverConfigMakeDirs(cfg) < 0)
        goto error;
    /* A synchronous pivot holds a worker while it waits for QEMU: enough
     * of them that waiting calls never starve the quick ones. */
    srvcfg.maxWorkers = 20;
    if (vbDaemonLoadConfig(cfg->daemonConfigFile, &srvcfg) < 0)
        goto error;
    if (vbDriverConfigLoadQemuFile(cfg) < 0)
        goto error;
    /* The read-only socket is for every user, as libvirt's: its directory
     * is world-readable, also when an older virtblockd made it 0700. */
    if (chmod(cfg->runDir, 0755) < 0) {
        vbReportSystemError(errno, _("cannot change the mode of '%s'"), cfg->runDir);
        goto error;
    }
    pidPath = g_build_filename(cfg->runDir, "virtblockd.pid", NULL);
    if ((pidfd = vbDaemonLockPidFile(pidPath, opts.root ? opts.root : cfg->runDir)) < 0)
        goto error;

    if (!(driver = vbDriverNew(cfg, g_main_context_default())))
        goto error;
    cfg = NULL; /* the driver owns it */
    if (vbDriverLoadDomains(driver) < 0)
        goto error;

    srvcfg.hypervisorVersion = 7002000;
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
    vbLogClose();
    return ret;
}
