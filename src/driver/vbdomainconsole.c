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
#include "vblog.h"
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

            /* channels are not offered as consoles here (libvirt opens a
             * pty channel by its alias; not done yet) */
            if (chr->channel || chr->console != console)
                continue;
            if (!devname || g_strcmp0(chr->info.alias, devname) == 0)
                return chr;
        }
    }
    return NULL;
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
        vbDomainConsoles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) vbFDStreamUnref);

    if ((old = g_hash_table_lookup(vbDomainConsoles, path))) {
        g_autoptr(vbFDStream) taken = NULL;

        if (!force) {
            G_UNLOCK(vbDomainConsoles);
            *busy = true;
            return NULL;
        }
        /* The old client gets an error on its stream and closes it; its
         * close callback finds the entry gone and leaves the table alone.
         * The abort runs outside the table's lock: a consumer may close
         * the stream from within it, and the close callback takes the
         * lock. */
        VB_DEBUG("console on '%s' taken over", path);
        taken = vbFDStreamRef(old);
        g_hash_table_remove(vbDomainConsoles, path);
        G_UNLOCK(vbDomainConsoles);
        vbFDStreamAbort(taken);
        G_LOCK(vbDomainConsoles);
        /* another --force came in meanwhile and won */
        if (g_hash_table_contains(vbDomainConsoles, path)) {
            G_UNLOCK(vbDomainConsoles);
            *busy = true;
            return NULL;
        }
    }

    if ((fd = vbDomainConsoleOpenPTY(path)) < 0) {
        G_UNLOCK(vbDomainConsoles);
        return NULL;
    }
    st = vbFDStreamNew(fd);
    vbFDStreamSetCloseCallback(st, vbDomainConsoleClosed, g_strdup(path));
    g_hash_table_insert(vbDomainConsoles, g_strdup(path), vbFDStreamRef(st));
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
    /* a pty whose path QEMU did not report at start */
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
