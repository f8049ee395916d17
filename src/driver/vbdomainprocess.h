/*
 * vbdomainprocess.h: starting, stopping and reconnecting QEMU processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * All functions here expect the caller to hold vm->lock and a domain job
 * (MODIFY to start, DESTROY or MODIFY to stop), except where noted.
 */

#pragma once

#include <libvirt/libvirt.h>

#include "vbdriverconf.h"

typedef enum {
    VB_DOMAIN_PROCESS_START_PAUSED = 1 << 0,
    /* a new UEFI variable store from its template, even if one exists */
    VB_DOMAIN_PROCESS_START_RESET_NVRAM = 1 << 1,
    /* QEMU started with -incoming defer, left paused (PAUSED_USER) for the
     * caller to feed it a saved state (vbsnapshotmemory.h); implies PAUSED */
    VB_DOMAIN_PROCESS_START_INCOMING = 1 << 2,
} vbDomainProcessStartFlags;

/* Probes the chains, builds the command line, starts QEMU, connects the
 * monitor and lets the guest run unless paused.  On failure nothing stays
 * behind: no process, no status file, the definition as it was. */
int vbDomainProcessStart(vbDriver *driver, vbDomainObj *vm, unsigned int flags);

/* Kills QEMU (if still there), releases what the domain held and makes it
 * inactive with @reason.  Remaining block jobs are dropped without events,
 * as libvirt does on destroy (the crash path ends them FAILED first).  The
 * caller emits the lifecycle event. */
void vbDomainProcessStop(vbDriver *driver, vbDomainObj *vm, virDomainShutoffReason reason);

/* Before a destroy: a given-up monitor missed what QEMU did with the
 * block jobs since.  NeedsSettle tells whether an active commit may have
 * pivoted unseen (the monitor given up, the job ready or pivoting, QEMU
 * alive).  SettleJobs then pauses the guest and takes the jobs back
 * through a new connection, so that such a pivot is applied to the
 * definitions; when QEMU cannot be asked, that is logged and nothing else
 * is done.  DESTROY job held, QEMU not signalled yet. */
bool vbDomainProcessNeedsSettle(vbDomainObj *vm);
void vbDomainProcessSettleJobs(vbDriver *driver, vbDomainObj *vm);

/* Starts a qemu-storage-daemon on the chains of the shut-off @vm (vm->def
 * a live copy with node names, the persistent definition in vm->newDef)
 * in place of QEMU: vm->pid, vm->mon and vm->monitorPath are the storage
 * daemon's, vm->offline is set and the status saved.  On failure nothing
 * runs and the persistent definition is vm->def again. */
int vbDomainProcessStartStorageDaemon(vbDriver *driver, vbDomainObj *vm);
/* Asks the storage daemon to quit, ends it, and puts the persistent
 * definition back in vm->def; also when none runs (after a failed start). */
void vbDomainProcessStopStorageDaemon(vbDriver *driver, vbDomainObj *vm);

/* Probes every disk's chain of vm->def and gives the images indexes and
 * node names. */
int vbDomainProcessPrepareDisks(vbDriver *driver, vbDomainObj *vm);

/* Connects vm->mon to vm->monitorPath with the driver's event callbacks;
 * drops and retakes vm->lock.  The timeouts are vbMonitorOpen's. */
int vbDomainProcessConnectMonitor(vbDriver *driver, vbDomainObj *vm, unsigned int connectTimeoutMs,
                                  unsigned int timeoutMs);
/* Closes vm->mon; no callback runs after it returns.  Drops and retakes
 * vm->lock. */
void vbDomainProcessCloseMonitor(vbDomainObj *vm);

/* --- Work queued by the monitor thread (vbDomainObjQueueWork), run by a
 * worker; each takes vm->lock and its own domain job --- */
typedef struct _vbDomainProcessMonitorFailure vbDomainProcessMonitorFailure;
/* The monitor of QEMU (or of a storage daemon) reached EOF: the domain
 * stops, as shut down by the guest or crashed. */
void vbDomainProcessHandleMonitorEOF(vbDriver *driver, vbDomainObj *vm,
                                     vbDomainProcessMonitorFailure *failure);
/* The monitor failed with QEMU still there: reconnects or gives up. */
void vbDomainProcessHandleMonitorError(vbDriver *driver, vbDomainObj *vm,
                                       vbDomainProcessMonitorFailure *failure);
/* VB_DOMAIN_WORK_DEVICE_DELETED: QEMU let go of device @alias (its
 * DEVICE_DELETED, or found gone at a reconnect) in the run of the domain
 * whose id was @id; a device of a later run with the same alias is
 * another device. */
typedef struct _vbDomainProcessDeviceDeleted vbDomainProcessDeviceDeleted;
struct _vbDomainProcessDeviceDeleted {
    int id;
    char *alias;
    /* found missing by a reconnect, no DEVICE_DELETED: the device may
     * never have reached QEMU (a hotplug cut short), nor its backend */
    bool reconnect;
};
void vbDomainProcessDeviceDeletedFree(gpointer opaque);

/* The guest powered off: QEMU (-no-shutdown) is ended. */
void vbDomainProcessHandleGuestShutdown(vbDriver *driver, vbDomainObj *vm);

/* The guest panicked (QEMU paused it): the domain is CRASHED, with the
 * CRASHED event, then <on_crash> is carried out: destroy (reason crashed),
 * restart (a reset, running with reason crashed) or preserve (left as
 * it is, for a dump or destroy by hand). */
void vbDomainProcessHandleGuestPanic(vbDriver *driver, vbDomainObj *vm);

/* Daemon shutdown: closes our end of the monitor, leaving QEMU running. */
void vbDomainProcessDetach(vbDriver *driver, vbDomainObj *vm);

/* Daemon start: loads a status file and takes the QEMU back, or marks the
 * domain shut off if its QEMU is gone.  Takes no lock (nothing runs yet). */
int vbDomainProcessReconnectFromStatus(vbDriver *driver, const char *statusPath);
