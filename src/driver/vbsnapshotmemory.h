/*
 * vbsnapshotmemory.h: a running guest's memory state saved into a file,
 * and restored from it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What `virsh snapshot-create-as vm s1 --memspec file=/path/s1.mem,
 * snapshot=external` needs besides the disks' overlays (vbsnapshot.c),
 * done as libvirt 9.0 does it (qemuSnapshotCreateActiveExternal,
 * qemu_saveimage.c): the guest is paused (reason snapshot), its state
 * written by an outgoing migration into a file in libvirt's save image
 * format (vbqemusaveimage.h) through a descriptor passed to QEMU, and the
 * guest resumed once the disks switched too.  The file is created by the
 * daemon, never over an existing one, in a directory nobody else can
 * change, and owned by the daemon's user with mode 0600: QEMU only ever
 * gets the descriptor, as with libvirt.  Restoring feeds the file to a
 * QEMU started with -incoming defer.
 */

#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "vbdomainobj.h"
#include "vbdriverconf.h"
#include "vbmonitormigration.h"

/* The memory file of a snapshot being taken */
typedef struct {
    char *path;
    int fd;                        /* open for writing since its creation; -1 */
    int dirfd;                     /* the directory it was created in; -1 */
    struct stat st;                /* the file created */
    bool created;                  /* ours to remove on failure */
    gint64 started;                /* monotonic µs: the job's start, for its statistics */
    vbMonitorMigrationStats stats; /* QEMU's figures once the state is saved */
} vbSnapshotMemoryFile;

/* What a vbSnapshotMemoryFile starts as */
#define VB_SNAPSHOT_MEMORY_FILE_INIT \
    { \
        .fd = -1, .dirfd = -1 \
    }

void vbSnapshotMemoryFileClear(vbSnapshotMemoryFile *mf);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vbSnapshotMemoryFile, vbSnapshotMemoryFileClear);

/**
 * vbSnapshotMemoryFileCreate:
 * @mf: VB_SNAPSHOT_MEMORY_FILE_INIT; filled in
 * @path: absolute path of the new file
 *
 * Creates @path (O_EXCL, mode 0600) in a directory that, with every one
 * above it, only root or the daemon's user can change.  An existing file
 * is refused (libvirt 9.0 would overwrite it).  Returns 0, or -1 with the
 * error reported and nothing created.
 */
int vbSnapshotMemoryFileCreate(vbSnapshotMemoryFile *mf, const char *path);

/* Removes the file created by vbSnapshotMemoryFileCreate from the
 * directory it was created in (held open since), only if it is still that
 * very file; logs what it cannot do. */
void vbSnapshotMemoryFileRemove(vbSnapshotMemoryFile *mf);

/**
 * vbSnapshotMemoryPause:
 * @vm: running, locked, in a job
 *
 * Pauses the guest with reason VIR_DOMAIN_PAUSED_SNAPSHOT; QEMU's STOP
 * event sends SUSPENDED (detail paused) as libvirt's qemuProcessStopCPUs.
 * Returns 0, or -1 with the error reported.
 */
int vbSnapshotMemoryPause(vbDomainObj *vm);

/* Continues a guest paused by vbSnapshotMemoryPause (RESUMED, detail
 * unpaused).  0 or -1 with the error reported. */
int vbSnapshotMemoryResume(vbDomainObj *vm);

/**
 * vbSnapshotMemorySave:
 * @vm: running, locked, in a job; paused unless @live
 * @mf: the file from vbSnapshotMemoryFileCreate
 * @wasRunning: the guest ran before the snapshot (the header's was_running)
 * @live: VIR_DOMAIN_SNAPSHOT_CREATE_LIVE: migrate while the guest runs;
 *        QEMU pauses it at the end (SUSPENDED)
 *
 * Writes the header with the domain's XML, then QEMU's migration stream,
 * and marks the image complete.  QEMU's block nodes are inactive
 * afterwards until the guest continues.  Returns 0, or -1 with the error
 * reported (a migration QEMU started is cancelled).
 */
int vbSnapshotMemorySave(vbDomainObj *vm, vbSnapshotMemoryFile *mf, bool wasRunning, bool live);

/* The snapshot is complete: libvirt's JOB_COMPLETED event (operation
 * snapshot) with the migration's figures, as virDomainGetJobStats gives
 * them. */
void vbSnapshotMemoryEmitJobCompleted(vbDriver *driver, vbDomainObj *vm,
                                      const vbSnapshotMemoryFile *mf);

/**
 * vbSnapshotMemoryOpen:
 * @path: a memory snapshot file, or any save image libvirt wrote
 *        (uncompressed)
 * @fd: set to the file open for reading (no symbolic link followed),
 *      positioned at QEMU's stream; close it
 * @xml: set to the domain XML of the header (g_free it)
 * @wasRunning: whether the guest ran when it was saved
 *
 * Returns 0, or -1 with the error reported.
 */
int vbSnapshotMemoryOpen(const char *path, int *fd, char **xml, bool *wasRunning);

/**
 * vbSnapshotMemoryRestore:
 * @vm: shut off, locked, in a MODIFY job; vm->def is what QEMU starts
 *      with, its disks as the guest must find them (for a snapshot's
 *      revert: fresh overlays on the images the snapshot was taken of)
 * @path: the memory file (named in errors)
 * @fd: from vbSnapshotMemoryOpen; still the caller's to close
 * @paused: leave the guest paused instead of running it
 * @startedDetail: the STARTED event's detail:
 *      VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT for a revert,
 *      VIR_DOMAIN_EVENT_STARTED_RESTORED for virDomainRestore
 *
 * Starts QEMU with -incoming defer, loads the state from @fd
 * (migrate-incoming "fd:migrate"), then, as libvirt, sends STARTED and
 * either continues the guest (reason from-snapshot or restored; RESUMED
 * from-snapshot) or leaves it paused (reason from-snapshot;
 * SUSPENDED from-snapshot or restored).  On failure QEMU is gone and the
 * domain shut off (reason failed), with the error reported.
 */
int vbSnapshotMemoryRestore(vbDriver *driver, vbDomainObj *vm, const char *path, int fd,
                            bool paused, int startedDetail);

/* The two halves of vbSnapshotMemoryRestore, for a caller that commits
 * its own state in between (a revert: the definition naming the disks
 * QEMU runs on, before the guest runs on them).  Load starts QEMU
 * incoming and loads the state, leaving the guest paused with no event
 * sent (on failure QEMU is gone, as above); Finish sends the events and
 * continues the guest or leaves it paused (a failure to continue stops
 * QEMU, reason failed).  Each returns 0, or -1 with the error reported. */
int vbSnapshotMemoryRestoreLoad(vbDriver *driver, vbDomainObj *vm, const char *path, int fd);
int vbSnapshotMemoryRestoreFinish(vbDriver *driver, vbDomainObj *vm, const char *path, bool paused,
                                  int startedDetail);
