/*
 * vbdriverconf.h: the driver's configuration and shared state
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt's qemu_conf.h holds virQEMUDriver: what every file of the
 * driver may use (directories, binaries, the domain list, the event queue,
 * the workers), declared below them all.  vbdriver.c fills it in, starts
 * and stops it; the files below use it but never call up into vbdriver.c.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbinternal.h"
#include "vbdomainevent.h"
#include "vbdomainobj.h"
#include "vbeventthread.h"
#include "vbidentity.h"
#include "vbportallocator.h"
#include "vbsecuritydac.h"

typedef struct _vbDriverConfig vbDriverConfig;
typedef struct _vbStorageDriver vbStorageDriver; /* vbstorage.h */
struct _vbDriverConfig {
    bool privileged;        /* --system */
    char *root;             /* --root DIR, or NULL */
    char *configDir;        /* persistent definitions */
    char *stateDir;         /* status files, monitor sockets */
    char *logDir;           /* one log per domain */
    char *cacheDir;         /* capability cache */
    char *runDir;           /* the daemon's sockets and pid file */
    char *storageConfigDir; /* persistent storage pools */
    char *storageStateDir;  /* which pools are active */
    char *autostartDir;     /* symlinks to the definitions of autostarted domains */
    char *nvramDir;         /* the domains' UEFI variable stores, NAME_VARS.fd */
    GStrv baseDirs;         /* the daemon's own top directories, all of the above below them */
    /* QEMU firmware descriptor directories, most important first */
    GStrv firmwareDirs;
    char *socketPath;
    char *socketPathRO;
    /* libvirt's virtqemud.conf and qemu.conf, beside the definitions'
     * directory (the root itself for --root); missing means defaults */
    char *daemonConfigFile;    /* virtblockd.conf: clients, connections */
    char *qemuConfigFile;      /* qemu.conf: how QEMU runs (user, sandbox) */
    char *qemuBinary;          /* used when a definition has no <emulator> */
    char *storageDaemonBinary; /* qemu-storage-daemon, for offline jobs */
    char *qemuImgBinary;       /* qemu-img, creates snapshot overlays */

    /* From qemu.conf (vbDriverConfigLoadQemuFile), libvirt's keys: */
    /* `user` and `group`, resolved: who QEMU, qemu-storage-daemon and the
     * capability probe run as.  --system: virtblockd-qemu; --root and
     * session: the daemon's own uid and gid (nothing changes). */
    char *qemuUserName;
    char *qemuGroupName;
    vbIdentity *qemuIdentity;
    /* `dynamic_ownership`: give the images, NVRAM and sockets of a domain
     * to qemuIdentity while it runs (default on) */
    bool dynamicOwnership;
    /* `remember_owner`: remember the owner before that and restore it
     * afterwards (default on) */
    bool rememberOwner;
    /* `seccomp_sandbox`: QEMU runs with -sandbox on,... (default on); off
     * gives -sandbox off, as libvirt */
    bool seccompSandbox;
};

/* Directories for session mode (the XDG dirs of the user), --system, or
 * everything under @root when it is given. */
vbDriverConfig *vbDriverConfigNew(bool privileged, const char *root);
void vbDriverConfigFree(vbDriverConfig *cfg);
/* Reads cfg->qemuConfigFile (a missing one is every default) and resolves
 * `user` and `group`.  Reports VIR_ERR_CONF_SYNTAX for a syntax error or a
 * wrong type, VIR_ERR_INTERNAL_ERROR naming an unknown user or group, and
 * VIR_ERR_CONFIG_UNSUPPORTED for a user or group an unprivileged daemon
 * cannot switch to. */
int vbDriverConfigLoadQemuFile(vbDriverConfig *cfg);
/* Creates (with @mode) or checks @path, one of the directories above, and
 * the way to it: see vbFileMakeSafeDir.  Reports the error. */
int vbDriverConfigMakeDir(const vbDriverConfig *cfg, const char *path, mode_t mode);
/* All the directories of @cfg, checked and created with their modes. */
int vbDriverConfigMakeDirs(const vbDriverConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDriverConfig, vbDriverConfigFree);

struct _vbDriver {
    vbDriverConfig *cfg;
    vbDomainObjList *domains;
    vbDomainEventQueue *events;
    vbStorageDriver *storage;
    /* Whom QEMU's files are given to while it runs (qemu.conf user and
     * group, remember_owner), when dynamic_ownership is on and QEMU runs
     * as another user than the daemon; NULL: files keep their owners. */
    vbSecurityDAC *dac;

    /* Every monitor's I/O runs in this context, in its own thread, so a
     * worker blocked on a reply never stalls the main loop. */
    vbEventThread *monitorThread;
    GMainContext *monitorCtx; /* monitorThread's, not a reference */

    /* Handles QEMU events that need a domain job (block job transitions,
     * QEMU exit): the monitor thread must never wait for a job. */
    GThreadPool *workers;

    /* the ports of VNC servers, 5900 and up (libvirt's remotePorts) */
    vbPortAllocator *vncPorts;

    gint nextDomainID;
    gint shuttingDown; /* atomic */
};

/* A new domain ID, never one in use (reconnect raises nextDomainID past
 * the IDs of running domains). */
int vbDriverAllocDomainID(vbDriver *driver);
/* Reconnect: the running domain with @id keeps it; IDs handed out from now
 * on must not clash with it. */
void vbDriverReserveDomainID(vbDriver *driver, int id);

/* Fills what libvirt's QEMU driver takes from its capabilities when a
 * definition leaves it out: the <emulator>, the default QEMU binary (we
 * run x86_64 guests only).  Called where a definition comes in (define,
 * create, loading the persistent definitions), so dumpxml shows it as
 * libvirt does. */
void vbDriverDomainDefFillEmulator(vbDriver *driver, vbDomainDef *def);

/* The files of domain @name: its persistent definition, its status. */
char *vbDriverConfigFile(vbDriver *driver, const char *name);
char *vbDriverStatusFile(vbDriver *driver, const char *name);
/* The symlink marking domain @name for autostart, as libvirt keeps it:
 * <configDir>/autostart/<name>.xml pointing at its definition. */
char *vbDriverAutostartLink(vbDriver *driver, const char *name);
