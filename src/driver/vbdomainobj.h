/*
 * vbdomainobj.h: domain objects, their list, and the per-domain job
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Locking, in four levels with one purpose each:
 *   - the list locks itself;
 *   - the domain mutex (vm->lock) guards the object's fields and is held
 *     briefly, never across I/O or a sleep;
 *   - the domain job serialises changes: an API that changes the domain or
 *     talks to QEMU holds a job, and may drop the mutex (vbDomainObjEnterMonitor)
 *     while it waits for QEMU;
 *   - block jobs are disk state, not domain jobs: once QEMU accepted the
 *     command the starting API ends its job, and the block job is changed
 *     only by the event worker or by an API holding a domain job.
 * Lookups return the object referenced and locked; vbDomainObjEndAPI()
 * unlocks and unreferences it.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>
#include <libvirt/libvirt.h>

#include "vbinternal.h"
#include "vbdomainconf.h"
#include "vbsecuritydac.h"
#include "vbsnapshotobjlist.h"

typedef struct _vbMonitor vbMonitor;
typedef struct _vbQemuAgent vbQemuAgent;

typedef enum {
    VB_JOB_NONE = 0,
    VB_JOB_QUERY,   /* reads state and queries QEMU; runs beside a MODIFY job */
    VB_JOB_MODIFY,  /* changes the domain or its disks */
    VB_JOB_DESTROY, /* stops the domain; waits for no query */

    VB_JOB_LAST
} vbDomainJob;
VB_ENUM_DECL(vbDomainJob);

typedef struct _vbBlockJob vbBlockJob;
typedef struct _vbDriver vbDriver;
typedef struct _vbDomainHandle vbDomainHandle;

/* Work for the driver's workers, queued by the monitor thread (or by a
 * worker, for a later step) and run in order, one item of a domain at a
 * time.  The item names the work; vbdriver.c, on top of the driver, picks
 * the handler (as libvirt's qemuProcessEventHandler does), so that calls
 * between the driver's files only point down. */
typedef enum {
    VB_DOMAIN_WORK_BLOCK_JOB_UPDATE, /* data: the vbBlockJob (a reference) */
    VB_DOMAIN_WORK_MONITOR_EOF,      /* data: vbDomainProcessMonitorFailure */
    VB_DOMAIN_WORK_MONITOR_ERROR,    /* data: vbDomainProcessMonitorFailure */
    VB_DOMAIN_WORK_GUEST_SHUTDOWN,   /* no data */
    VB_DOMAIN_WORK_GUEST_PANICKED,   /* no data */
    VB_DOMAIN_WORK_BLOCK_JOBS_ENDED, /* no data: the last job of a shut-off domain ended */
    VB_DOMAIN_WORK_DEVICE_DELETED,   /* data: vbDomainProcessDeviceDeleted, no detach waited */
    VB_DOMAIN_WORK_SNAPSHOT_DELETE_RECOVER, /* no data: a delete the daemon died in */

    VB_DOMAIN_WORK_LAST
} vbDomainWorkType;

typedef struct _vbDomainWork vbDomainWork;
struct _vbDomainWork {
    vbDomainWorkType type;
    void *data;
    GDestroyNotify freeData;
};

void vbDomainWorkFree(vbDomainWork *work);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainWork, vbDomainWorkFree);

typedef struct _vbDomainObj vbDomainObj;
struct _vbDomainObj {
    GMutex lock;
    GCond cond; /* job slot changes, block job ends, domain stops */
    gint refs;
    vbDriver *driver; /* not referenced: outlives every domain */

    /* The live definition while running, otherwise the persistent one. */
    vbDomainDef *def;
    /* While running: the persistent definition (NULL for a transient domain). */
    vbDomainDef *newDef;
    bool persistent;
    /* Started when the daemon starts (a link in the autostart directory). */
    bool autostart;
    bool removing; /* undefined while running: goes away when it stops */

    virDomainState state;
    int reason;
    int id; /* -1 while inactive */
    pid_t pid;
    char *monitorPath;
    vbMonitor *mon;
    unsigned int monitorGen; /* counts the monitors opened, for stale work */
    /* The guest agent, while its channel is connected (vbdomainprocess.c
     * opens and closes it on QEMU's VSERPORT_CHANGE); a caller takes a
     * reference and talks to it without vm->lock (vbqemuagent.h). */
    vbQemuAgent *agent;
    /* The guest's file systems were frozen through the agent for a
     * quiesced snapshot and not yet thawed (vbdomainquiesce.h).  Kept in
     * the status file before the freeze: a daemon killed in between
     * thaws them when it takes the domain back. */
    bool quiesced;
    /* The last chain index handed out (libvirt's nodenameindex): never reused
     * while the domain runs, so vda[N] keeps meaning the same image. */
    unsigned int nodenameIndex;

    /* Guest-initiated shutdown seen (SHUTDOWN event), and destroy under way:
     * they decide the reason given when QEMU goes away. */
    bool gotShutdown;
    bool beingDestroyed;
    /* The next guest shutdown is a reboot (virDomainReboot, libvirt's
     * fakeReboot): QEMU is reset and continued instead of ended. */
    bool fakeReboot;
    /* QEMU stopped for such a reboot: its STOP is no pause. */
    bool pausedShutdown;
    /* Shut off, with a qemu-storage-daemon running block jobs on its images
     * in place of QEMU (vbblockoffline.h). */
    bool offline;
    /* The identity the files of the running QEMU were given to
     * (vbsecuritydac.h), kept in the status file so they go back to their
     * owners when QEMU ends, even after a daemon restart; NULL: none. */
    vbSecurityDAC *dacLabel;
    /* When the monitor was last reopened after it failed (monotonic µs,
     * 0 = never): a second failure soon after is not retried. */
    gint64 monitorRecoveredAt;
    /* The monitor failed again and is kept failed: commands report why. */
    bool monitorGivenUp;
    /* The virDomainPausedReason the next STOP event records (suspend API). */
    int pausedReason;
    /* The virDomainRunningReason the next RESUME event records (0: unpaused). */
    int runningReason;
    /* Set by the RESUME handler: virDomainResume leaves the state to the
     * events when one came, since an I/O error may have paused the guest
     * again before QEMU's reply to 'cont' */
    bool resumeSeen;
    /* The device a detach call waits for QEMU to unplug (its alias), as
     * libvirt's priv->unplug: the DEVICE_DELETED handler clears it, and
     * DEVICE_UNPLUG_GUEST_ERROR also sets @unplugRejected. */
    char *unplugAlias;
    bool unplugRejected;

    /* The domain job */
    vbDomainJob job;
    const char *jobOwnerAPI;
    unsigned int queryJobs;

    /* Block jobs by name */
    GHashTable *blockjobs;

    /* Snapshots with metadata (vbsnapshot.h) */
    vbSnapshotObjList *snapshots;

    /* Worker items for this domain, run in order by one worker at a time
     * (vbDomainObjQueueWork). */
    GQueue work;
    bool workScheduled;
};

/* --- The object --- */
vbDomainObj *vbDomainObjNew(vbDriver *driver);
vbDomainObj *vbDomainObjRef(vbDomainObj *vm);
void vbDomainObjUnref(vbDomainObj *vm);
void vbDomainObjLock(vbDomainObj *vm);
void vbDomainObjUnlock(vbDomainObj *vm);
/* Unlocks and unreferences *vm, then sets it to NULL. */
void vbDomainObjEndAPI(vbDomainObj **vm);

bool vbDomainObjIsActive(const vbDomainObj *vm);
/* QEMU or a storage daemon to talk to (a running domain, or block jobs on
 * a shut-off one). */
bool vbDomainObjHasMonitor(const vbDomainObj *vm);
/* Why the monitor failed, once it is given up on (it failed again right
 * after being reopened, see vbdomainprocess.c); NULL otherwise. */
const char *vbDomainObjMonitorFailed(const vbDomainObj *vm);
/* Reports OPERATION_INVALID "domain is not running" (VIR_FROM_DOMAIN). */
int vbDomainObjCheckActive(const vbDomainObj *vm);
/* The agent of @vm (locked), referenced; NULL with libvirt's error (when
 * @reportError): "domain is not running", "QEMU guest agent is not
 * connected" (AGENT_UNRESPONSIVE) or "... not configured"
 * (ARGUMENT_UNSUPPORTED), as qemuDomainAgentAvailable.  Here, not among
 * the agent's entry points: a quiesced snapshot and the reconnect need it. */
vbQemuAgent *vbDomainAgentAcquire(vbDomainObj *vm, bool reportError);
void vbDomainObjSetState(vbDomainObj *vm, virDomainState state, int reason);
/* The persistent definition: newDef while running, else def. */
vbDomainDef *vbDomainObjGetPersistentDef(vbDomainObj *vm);

/* --- Files (the caller holds vm->lock) --- */
/* Writes the persistent definition of @vm; nothing for a transient one. */
int vbDomainObjSaveConfig(vbDomainObj *vm);
/* Makes *@def (taken) the persistent definition and saves it; on failure
 * the old one stays, *@def is left to the caller. */
int vbDomainObjReplacePersistentDef(vbDomainObj *vm, vbDomainDef **def);
/* Writes the status file of a running @vm (or one with a storage daemon). */
int vbDomainObjSaveStatus(vbDomainObj *vm);
/* Removes the definition and the autostart mark. */
int vbDomainObjRemoveConfig(vbDomainObj *vm);
int vbDomainObjRemoveStatus(vbDomainObj *vm);
/* Where the snapshot metadata of @vm is kept, as libvirt keeps it:
 * <configDir>/snapshot/DOMAIN (vbsnapshot.h) */
char *vbDomainObjSnapshotDir(vbDomainObj *vm);
/* Removes every snapshot file of @vm and their directory, and empties its
 * snapshot list (libvirt's qemuSnapshotDiscardAllMetadata).  0 or -1. */
int vbDomainObjDiscardSnapshots(vbDomainObj *vm);

/* --- Work --- */
/* Queues @type for a worker; @freeData frees @data after it ran.  The
 * caller holds vm->lock. */
void vbDomainObjQueueWork(vbDomainObj *vm, vbDomainWorkType type, void *data,
                          GDestroyNotify freeData);
/* For the worker: the next item of @vm, or NULL once none is left (the
 * domain may then be scheduled again).  Takes vm->lock itself. */
vbDomainWork *vbDomainObjTakeWork(vbDomainObj *vm);

/* --- Jobs (the caller holds vm->lock) --- */
/* Waits up to 30 s for the slot; OPERATION_TIMEOUT "cannot acquire state
 * change lock ..." like libvirt.  Fails if the domain was removed. */
int vbDomainObjBeginJobFull(vbDomainObj *vm, vbDomainJob job, const char *api);
#define vbDomainObjBeginJob(vm, job) vbDomainObjBeginJobFull(vm, job, __func__)
void vbDomainObjEndJob(vbDomainObj *vm, vbDomainJob job);

/* Drops vm->lock while the caller talks to QEMU.  The job held keeps the
 * monitor open (closing it needs a DESTROY job, which waits for every
 * other job).  Returns the monitor (never NULL when the domain runs). */
vbMonitor *vbDomainObjEnterMonitor(vbDomainObj *vm);
/* Retakes vm->lock; -1 with OPERATION_FAILED "domain is no longer running"
 * if QEMU went away meanwhile. */
int vbDomainObjExitMonitor(vbDomainObj *vm, vbMonitor *mon);

/* Waits on vm->cond (dropping the lock) until woken or the domain stops. */
void vbDomainObjWait(vbDomainObj *vm);
/* The same until the monotonic time @deadline (µs): false when it passed. */
bool vbDomainObjWaitUntil(vbDomainObj *vm, gint64 deadline);
void vbDomainObjBroadcast(vbDomainObj *vm);

/* --- The list --- */
typedef struct _vbDomainObjList vbDomainObjList;

vbDomainObjList *vbDomainObjListNew(void);
void vbDomainObjListFree(vbDomainObjList *doms);

/* Adds a domain for @def (taken on success).  With an existing domain of the
 * same name and UUID, a persistent redefinition replaces its persistent
 * definition (@oldDef receives the previous one); otherwise name or UUID
 * clashes are refused with libvirt's messages.  Returns the object
 * referenced and locked. */
typedef enum {
    VB_DOMAIN_OBJ_LIST_ADD_LIVE = 1 << 0,       /* a transient domain about to start */
    VB_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE = 1 << 1, /* refuse if the existing one runs */
} vbDomainObjListAddFlags;
vbDomainObj *vbDomainObjListAdd(vbDomainObjList *doms, vbDriver *driver, vbDomainDef **def,
                                unsigned int flags, vbDomainDef **oldDef);
void vbDomainObjListRemove(vbDomainObjList *doms, vbDomainObj *vm);

/* Referenced and locked, or NULL reporting NO_DOMAIN with libvirt's text. */
vbDomainObj *vbDomainObjListFindByUUID(vbDomainObjList *doms, const unsigned char *uuid,
                                       const char *nameForError);
vbDomainObj *vbDomainObjListFindByName(vbDomainObjList *doms, const char *name);
vbDomainObj *vbDomainObjListFindByID(vbDomainObjList *doms, int id);

/* The domain a client names by @dom, referenced and locked (for the entry
 * points); NULL reporting NO_DOMAIN. */
vbDomainObj *vbDomainObjFromHandle(vbDriver *driver, const vbDomainHandle *dom);

/* A snapshot of the list: referenced (not locked) objects. */
GPtrArray *vbDomainObjListCollect(vbDomainObjList *doms);
