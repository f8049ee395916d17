/*
 * vbdomainconsole.c: the console of a running domain, as a stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt's qemuDomainOpenConsole and virChrdevOpen: the pty QEMU
 * allocated for a <console> or <serial> is opened here and handed to the
 * RPC layer as a vbFDStream.  The table of open consoles is keyed by pty
 * path, which no two character devices of running domains share, so one
 * table serves the process; an entry leaves it when its stream closes.
 */

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "vberror.h"
#include "vbjson.h"
#include "vblog.h"
#include "vbmonitorsystem.h"
#include "vbqemudevice.h"
#include "vbdomainconsole.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

G_LOCK_DEFINE_STATIC(vbDomainConsoles);
static GHashTable *vbDomainConsoles; /* pty path -> vbFDStream, not referenced */

/* The stream's close callback: its pty is free again */
static void
vbDomainConsoleClosed(vbFDStream *st, void *opaque)
{
    g_autofree char *path = opaque;

    G_LOCK(vbDomainConsoles);
    /* a stream taken over by --force was replaced already */
    if (vbDomainConsoles && g_hash_table_lookup(vbDomainConsoles, path) == st)
        g_hash_table_remove(vbDomainConsoles, path);
    G_UNLOCK(vbDomainConsoles);
    VB_DEBUG("console on '%s' closed", path);
}

/* libvirt's order: by alias among consoles, then serials; without a name
 * the first console, else the first serial */
static vbDomainChrDef *
vbDomainConsoleFind(vbDomainDef *def, const char *devname)
{
    size_t pass;
    size_t i;

    for (pass = 0; pass < 2; pass++) {
        bool console = pass == 0;

        for (i = 0; i < def->nchrs; i++) {
            vbDomainChrDef *chr = def->chrs[i];

            if (chr->console != console)
                continue;
            if (!devname || g_strcmp0(chr->info.alias, devname) == 0)
                return chr;
        }
    }
    return NULL;
}

/*
 * Learns the pty QEMU allocated for @chr from query-chardev (its chardev
 * "charserial0" has "filename": "pty:/dev/pts/N") and records it in the
 * live definition.  libvirt does this for every pty right after start
 * (qemuProcessRefreshPtyPaths); until process start here does, the first
 * console open does it.  The caller holds a job; drops vm->lock meanwhile.
 *
 * FIXME: a typed wrapper in src/qemu_glue (vbMonitorQueryChardev), called
 * at start and reconnect, should replace this (that layer was out of
 * reach of this change); then no JSON is read here.
 */
static int
vbDomainConsoleRefreshPTY(vbDomainObj *vm, vbDomainChrDef *chr)
{
    g_autofree char *label = vbQemuDeviceChrBackendAlias(chr);
    g_autofree char *reply = NULL;
    g_autoptr(vbJSONValue) json = NULL;
    vbJSONValue *list;
    vbMonitor *mon;
    size_t i;
    int rc;

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorArbitraryCommand(mon, "{\"execute\":\"query-chardev\"}", false, &reply);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    if (!(json = vbJSONValueFromString(reply)) ||
        !(list = vbJSONValueObjectGetArray(json, "return"))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      _("QEMU's reply to 'query-chardev' has no 'return' array"));
        return -1;
    }
    for (i = 0; i < vbJSONValueArraySize(list); i++) {
        vbJSONValue *dev = vbJSONValueArrayGet(list, i);
        const char *name = vbJSONValueObjectGetString(dev, "label");
        const char *file = vbJSONValueObjectGetString(dev, "filename");

        if (g_strcmp0(name, label) == 0 && file && g_str_has_prefix(file, "pty:")) {
            g_free(chr->ptyPath);
            chr->ptyPath = g_strdup(file + strlen("pty:"));
            break;
        }
    }
    return 0;
}

/* Opens @path read-write, non-blocking, in raw mode (no echo, no line
 * editing: the client's terminal does that). */
static int
vbDomainConsoleOpenPTY(const char *path)
{
    struct termios attr;
    int fd;

    if ((fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0) {
        vbReportSystemError(errno, _("Unable to open stream for '%s'"), path);
        return -1;
    }
    if (tcgetattr(fd, &attr) < 0) {
        vbReportSystemError(errno, _("unable to get tty attributes: %s"), path);
        close(fd);
        return -1;
    }
    cfmakeraw(&attr);
    if (tcsetattr(fd, TCSANOW, &attr) < 0) {
        vbReportSystemError(errno, _("unable to set tty attributes: %s"), path);
        close(fd);
        return -1;
    }
    return fd;
}

/* virChrdevOpen: NULL with *busy set when another client holds @path */
static vbFDStream *
vbDomainConsoleOpenPath(const char *path, bool force, bool *busy)
{
    g_autoptr(vbFDStream) st = NULL;
    vbFDStream *old;
    int fd;

    G_LOCK(vbDomainConsoles);
    if (!vbDomainConsoles)
        vbDomainConsoles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    if ((old = g_hash_table_lookup(vbDomainConsoles, path))) {
        if (!force) {
            G_UNLOCK(vbDomainConsoles);
            *busy = true;
            return NULL;
        }
        /* the old client gets an error on its stream; its close callback
         * finds the entry replaced and leaves it */
        VB_DEBUG("console on '%s' taken over", path);
        g_hash_table_remove(vbDomainConsoles, path);
        if (!vbFDStreamAbort(old))
            vbFDStreamClose(old);
    }

    if ((fd = vbDomainConsoleOpenPTY(path)) < 0) {
        G_UNLOCK(vbDomainConsoles);
        return NULL;
    }
    st = vbFDStreamNew(fd);
    vbFDStreamSetCloseCallback(st, vbDomainConsoleClosed, g_strdup(path));
    g_hash_table_insert(vbDomainConsoles, g_strdup(path), st);
    G_UNLOCK(vbDomainConsoles);
    return g_steal_pointer(&st);
}

vbFDStream *
vbDomainOpenConsole(vbDriver *driver, const vbDomainHandle *dom, const char *devname,
                    unsigned int flags)
{
    vbDomainObj *vm;
    vbDomainChrDef *chr;
    vbFDStream *st = NULL;
    bool busy = false;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_CONSOLE_SAFE | VIR_DOMAIN_CONSOLE_FORCE,
                     "qemuDomainOpenConsole", NULL);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return NULL;
    if (vbDomainObjCheckActive(vm) < 0)
        goto cleanup;

    /* libvirt's codes and wording for both, though neither is our bug */
    if (!(chr = vbDomainConsoleFind(vm->def, devname))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot find character device %s"),
                      NULLSTR(devname));
        goto cleanup;
    }
    if (chr->type != VB_DOMAIN_CHR_TYPE_PTY) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("character device %s is not using a PTY"),
                      devname ? devname : NULLSTR(chr->info.alias));
        goto cleanup;
    }
    if (!chr->ptyPath) {
        if (vbDomainObjBeginJob(vm, VB_JOB_QUERY) < 0)
            goto cleanup;
        if (vbDomainObjCheckActive(vm) < 0 || vbDomainConsoleRefreshPTY(vm, chr) < 0) {
            vbDomainObjEndJob(vm, VB_JOB_QUERY);
            goto cleanup;
        }
        vbDomainObjEndJob(vm, VB_JOB_QUERY);
    }
    /* a pty whose path QEMU did not report */
    if (!chr->ptyPath) {
        /* virchrdev.c reports it without an error domain */
        vbReportErrorFull(VIR_FROM_NONE, VIR_ERR_OPERATION_FAILED, __FILE__, __func__, __LINE__,
                          "%s", _("PTY device is not yet assigned"));
        goto cleanup;
    }

    /* VIR_DOMAIN_CONSOLE_SAFE asks for a driver that keeps one client per
     * console, which ours always does */
    st = vbDomainConsoleOpenPath(chr->ptyPath, flags & VIR_DOMAIN_CONSOLE_FORCE, &busy);
    if (busy)
        vbReportError(VIR_ERR_OPERATION_FAILED, "%s",
                      _("Active console session exists for this domain"));

cleanup:
    vbDomainObjEndAPI(&vm);
    return st;
}
