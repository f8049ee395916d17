/*
 * vbsnapshot.h: disk-only external snapshots
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virDomainSnapshotCreateXML with DISK_ONLY, as
 * `virsh snapshot-create-as vm [NAME] --disk-only [--no-metadata]` sends it:
 * every selected disk gets a new qcow2 overlay on top of its active image.
 * A running domain switches all disks in one QMP transaction, carrying the
 * recording dirty bitmaps into the overlays; a shut-off one has its
 * persistent definition pointed at the overlays.  Either every disk
 * changes or none does: on failure the nodes added are removed and the
 * files created are deleted.  Without NO_METADATA the snapshot is kept as
 * libvirt keeps it: a tree of snapshots per domain (parent = the current
 * snapshot at creation; the new one becomes current), each saved in
 * <configDir>/snapshot/DOMAIN/NAME.xml with the definition before the
 * snapshot (<domain>, and <inactiveDomain> for a running persistent
 * domain), read back at daemon start and listed by the read procedures
 * below.  REDEFINE records a snapshot from its XML (metadata only).
 * Delete (vbDomainSnapshotDelete) commits a snapshot's overlays into the
 * images below them.  Revert is vbsnapshotrevert.c, which creates its
 * overlays here.
 */

#pragma once

#include "vbblockjob.h"
#include "vbdomainhandle.h"
#include "vbdomainobj.h"
#include "vbdriverconf.h"
#include "vbsnapshotconf.h"

/**
 * vbDomainSnapshotCreateXML:
 * @xml: the snapshot document (vbsnapshotconf.h)
 * @flags: VIR_DOMAIN_SNAPSHOT_CREATE_*; DISK_ONLY is required;
 *         NO_METADATA, ATOMIC and REUSE_EXT accepted; REDEFINE (with
 *         CURRENT) instead records the snapshot's metadata only
 * @name: set to the snapshot's name (g_free it)
 *
 * Returns 0, or -1 with the error reported and nothing changed.
 */
int vbDomainSnapshotCreateXML(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                              unsigned int flags, char **name);

/* --- Metadata (libvirt's snapshot object list), kept in
 * <configDir>/snapshot/DOMAIN/NAME.xml --- */

/* Reads the saved snapshots of @vm (locked) at daemon start; a file that
 * cannot be read is logged and skipped. */
void vbDomainSnapshotLoad(vbDriver *driver, vbDomainObj *vm);

/* Names of the snapshots matching VIR_DOMAIN_SNAPSHOT_LIST_* @flags: all,
 * or the children (descendants) of @from; sorted by name.  @names NULL:
 * only the count.  @api names the caller in the unsupported-flags error.
 * Returns the count, or -1 with the error reported. */
int vbDomainSnapshotList(vbDriver *driver, const vbDomainHandle *dom, const char *from,
                         unsigned int flags, const char *api, char ***names);
/* 0 if @name exists, else -1 with VIR_ERR_NO_DOMAIN_SNAPSHOT */
int vbDomainSnapshotLookup(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                           unsigned int flags);
/* The snapshot's XML; secrets only for a read-write client asking SECURE */
char *vbDomainSnapshotGetXMLDesc(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                                 unsigned int flags, bool readonly);
/* @name NULL: 1 if there is a current snapshot, 0 if not (HasCurrent);
 * else its name, or -1 with VIR_ERR_NO_DOMAIN_SNAPSHOT */
int vbDomainSnapshotCurrent(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags,
                            char **name);
int vbDomainSnapshotGetParent(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                              unsigned int flags, char **parent);
/* @current: IsCurrent, else HasMetadata.  1, 0 or -1 */
int vbDomainSnapshotQuery(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                          unsigned int flags, bool current);
/* Undefine of @vm (locked, in a job): a shut-off domain with snapshots is
 * refused without VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA, which removes
 * them.  0 or -1. */
int vbDomainSnapshotCheckUndefine(vbDriver *driver, vbDomainObj *vm, unsigned int flags);

/* libvirt's qemuSnapshotDiscardMetadata with update_parent: @obj's
 * metadata goes as after its overlays were merged (children reparented,
 * their definitions rewritten, the parent current if @obj was); frees
 * @obj.  Done again after a crash half way, it finishes the job.  0, or
 * -1 when a file could not be written. */
int vbSnapshotDiscardMetadata(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj);

/* Writes the metadata file of @obj (current or not, as it is now). 0 or -1. */
int vbSnapshotSaveOne(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj);

/* A delete of @obj failed, or was undone, after its commits into @bases
 * (paths) had started: they hold data newer than the snapshot, which its
 * metadata records (<deleteFailed>) so that a revert to it is refused.
 * A file that cannot be saved is logged. */
void vbSnapshotMarkDeleteFailed(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj,
                                GPtrArray *bases);

/* A delete of @obj switched the disks named in @targets, not the others
 * (a later disk's job-finalize failed, or a restart found its commit
 * gone): every descendant's definitions name the switched disks' bases,
 * and @obj keeps only the disks not switched (the others become
 * snapshot='no'), so that the same delete asked again finishes the rest.
 * 0, or -1 when a file could not be written. */
int vbSnapshotDeleteApplySwitched(vbDriver *driver, vbDomainObj *vm, vbSnapshotObj *obj,
                                  GPtrArray *targets);

/* --- The jobs of a delete interrupted by a restart
 * (vbsnapshotdeleterecover.c); @vm locked, a MODIFY job held and kept
 * throughout, the jobs' events applied meanwhile --- */

/* Drives @jobs (each a commit of the delete, in any state before its
 * end) through the delete's steps: all READY or PENDING, job-complete,
 * all PENDING, job-finalize of each.  0 when each concluded COMPLETED;
 * -1 with the error, the jobs then cancelled unless the daemon stops or
 * QEMU went away. */
int vbSnapshotDeleteResumeJobs(vbDriver *driver, vbDomainObj *vm, vbBlockJob **jobs, size_t njobs);
/* Cancels @jobs with force and waits for them: 0 once all are gone, -1
 * when some could not end (QEMU gone, the daemon stopping). */
int vbSnapshotDeleteCancelResumed(vbDriver *driver, vbDomainObj *vm, vbBlockJob **jobs,
                                  size_t njobs);

/* --- New overlays on a definition's images, for a revert: the safe
 * creation of a snapshot's overlays (checked directories, O_EXCL, the file
 * checked again before it is named) without a snapshot. --- */
typedef struct _vbSnapshotOverlays vbSnapshotOverlays;
void vbSnapshotOverlaysFree(vbSnapshotOverlays *overlays);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbSnapshotOverlays, vbSnapshotOverlaysFree);

/* Checks as a creation does that each external disk of @def (aligned with
 * @dom) can get its overlay on the image @dom's disk names, which stays
 * below it; @dom and @def must outlive the result.  NULL with the error
 * reported. */
vbSnapshotOverlays *vbSnapshotOverlaysPrepare(vbDomainObj *vm, const vbSnapshotDef *def,
                                              vbDomainDef *dom);
/* Creates the overlays (qemu-img, @vm unlocked meanwhile, its job held)
 * and points each disk of @dom at its overlay, only the source replaced as
 * for a shut-off snapshot.  On failure the files are removed and @dom is
 * unchanged.  0 or -1. */
int vbSnapshotOverlaysCreate(vbDriver *driver, vbDomainObj *vm, vbSnapshotOverlays *overlays);
/* Removes the files created, only if each is still the very file */
void vbSnapshotOverlaysDiscard(vbSnapshotOverlays *overlays);
/* The files are in use now: never removed by the set */
void vbSnapshotOverlaysKeep(vbSnapshotOverlays *overlays);
/* How many overlays the set has, and the @i-th: its disk's target, its
 * path; returns the descriptor it was created with (the set's), or -1
 * before vbSnapshotOverlaysCreate */
size_t vbSnapshotOverlaysCount(const vbSnapshotOverlays *overlays);
int vbSnapshotOverlaysGet(const vbSnapshotOverlays *overlays, size_t i, const char **target,
                          const char **path);

/**
 * vbDomainSnapshotDelete:
 * @flags: VIR_DOMAIN_SNAPSHOT_DELETE_*
 *
 * libvirt 9.0's deletion of an external snapshot: each overlay it made is
 * committed into the image below it (an active commit and pivot for the
 * disk's active image, else a commit that rebases the image above) and its
 * file removed; children move to the parent with their definitions
 * rewritten, the parent becomes current if the snapshot was.  A shut-off
 * domain's commit runs in a storage daemon.  METADATA_ONLY touches no
 * image; CHILDREN and CHILDREN_ONLY only with no external descendant, as
 * libvirt.  Refused beyond libvirt: a snapshot whose images other
 * branches' images depend on.  Synchronous.  0, or -1 with the error.
 */
int vbDomainSnapshotDelete(vbDriver *driver, const vbDomainHandle *dom, const char *name,
                           unsigned int flags);
