/*
 * vbdriver.h: the QEMU driver: its directories, threads and domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbinternal.h"
#include "vbdomainevent.h"
#include "vbdomainobj.h"
#include "vbeventthread.h"

typedef struct _vbDriverConfig vbDriverConfig;
struct _vbDriverConfig {
    bool privileged; /* --system */
    char *root;      /* --root DIR, or NULL */
    char *configDir; /* persistent definitions */
    char *stateDir;  /* status files, monitor sockets */
    char *logDir;    /* one log per domain */
    char *cacheDir;  /* capability cache */
    char *runDir;    /* the daemon's sockets and pid file */
    char *socketPath;
    char *socketPathRO;
    char *qemuBinary;          /* used when a definition has no <emulator> */
    char *storageDaemonBinary; /* qemu-storage-daemon, for offline jobs */
    char *qemuImgBinary;       /* qemu-img, creates snapshot overlays */
};

/* Directories for session mode (the XDG dirs of the user), --system, or
 * everything under @root when it is given. */
vbDriverConfig *vbDriverConfigNew(bool privileged, const char *root);
void vbDriverConfigFree(vbDriverConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDriverConfig, vbDriverConfigFree);

struct _vbDriver {
    vbDriverConfig *cfg;
    vbDomainObjList *domains;
    vbDomainEventQueue *events;

    /* Every monitor's I/O runs in this context, in its own thread, so a
     * worker blocked on a reply never stalls the main loop. */
    vbEventThread *monitorThread;
    GMainContext *monitorCtx; /* monitorThread's, not a reference */

    /* Handles QEMU events that need a domain job (block job transitions,
     * QEMU exit): the monitor thread must never wait for a job. */
    GThreadPool *workers;

    gint nextDomainID;
    gint shuttingDown; /* atomic */
};

/* Creates the directories and threads; @mainCtx is where client events are
 * flushed.  Takes @cfg on success only.  Domains are loaded by
 * vbDriverLoadDomains(). */
vbDriver *vbDriverNew(vbDriverConfig *cfg, GMainContext *mainCtx);
/* Loads persistent definitions and status files, reconnects to running
 * QEMUs.  A domain that cannot be loaded is logged and skipped. */
int vbDriverLoadDomains(vbDriver *driver);
/* Wakes every API call waiting for a job to end, so that the RPC server
 * can stop its workers; they fail with "the daemon is shutting down". */
void vbDriverBeginShutdown(vbDriver *driver);
/* Stops the threads; running domains keep running. */
void vbDriverFree(vbDriver *driver);

int vbDriverAllocDomainID(vbDriver *driver);

/* Queues @func for a worker; items of one domain run in order, one at a
 * time.  The caller holds vm->lock; @func runs without it. */
typedef void (*vbDriverWorkFunc)(vbDriver *driver, vbDomainObj *vm, void *data);
void vbDriverQueueWork(vbDriver *driver, vbDomainObj *vm, vbDriverWorkFunc func, void *data,
                       GDestroyNotify freeData);

/* Writes the persistent definition of @vm (which must be persistent). */
int vbDriverSaveConfig(vbDriver *driver, vbDomainObj *vm);
/* Writes the status file of a running @vm. */
int vbDriverSaveStatus(vbDriver *driver, vbDomainObj *vm);
int vbDriverRemoveConfig(vbDriver *driver, const char *name);
int vbDriverRemoveStatus(vbDriver *driver, const char *name);
char *vbDriverConfigFile(vbDriver *driver, const char *name);
char *vbDriverStatusFile(vbDriver *driver, const char *name);
