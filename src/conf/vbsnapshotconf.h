/*
 * vbsnapshotconf.h: the subset of libvirt's snapshot XML for disk-only
 * external snapshots
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What `virsh snapshot-create-as --disk-only [--diskspec ...]` sends:
 *
 *   <domainsnapshot>
 *     <name>s1</name>
 *     <description>before upgrade</description>
 *     <memory snapshot='no'/>
 *     <disks>
 *       <disk name='vda' snapshot='external' type='file'>
 *         <driver type='qcow2'/>
 *         <source file='/images/vm.s1'/>
 *       </disk>
 *       <disk name='vdb' snapshot='no'/>
 *     </disks>
 *   </domainsnapshot>
 *
 * Three steps, as for domains: parse (shape and types), post-parse (default
 * name and creation time, from a clock the caller passes), and aligning
 * with the domain's disks (defaults per disk, overlay names, and the
 * refusals that depend on the domain).
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"
#include "vbdomainconf.h"
#include "vbstoragesource.h"

/* Largest snapshot document we accept, as for domains */
#define VB_SNAPSHOT_XML_MAX_LEN (4 * 1024 * 1024)

/* libvirt's virDomainSnapshotLocation, with its names */
typedef enum {
    VB_SNAPSHOT_LOCATION_DEFAULT = 0,
    VB_SNAPSHOT_LOCATION_NO,
    VB_SNAPSHOT_LOCATION_INTERNAL,
    VB_SNAPSHOT_LOCATION_EXTERNAL,
    VB_SNAPSHOT_LOCATION_MANUAL,

    VB_SNAPSHOT_LOCATION_LAST
} vbSnapshotLocation;
VB_ENUM_DECL(vbSnapshotLocation);

/* libvirt's virDomainSnapshotState: the values of the public
 * virDomainSnapshotState, with the names of <state> */
typedef enum {
    VB_SNAPSHOT_STATE_NOSTATE = 0,
    VB_SNAPSHOT_STATE_RUNNING,
    VB_SNAPSHOT_STATE_BLOCKED,
    VB_SNAPSHOT_STATE_PAUSED,
    VB_SNAPSHOT_STATE_SHUTDOWN,
    VB_SNAPSHOT_STATE_SHUTOFF,
    VB_SNAPSHOT_STATE_CRASHED,
    VB_SNAPSHOT_STATE_PMSUSPENDED,
    VB_SNAPSHOT_STATE_DISK_SNAPSHOT,

    VB_SNAPSHOT_STATE_LAST
} vbSnapshotState;
VB_ENUM_DECL(vbSnapshotState);

typedef struct _vbSnapshotDiskDef vbSnapshotDiskDef;
struct _vbSnapshotDiskDef {
    /* As given (a target or the path of the disk's image); the disk's
     * target once aligned. */
    char *name;
    vbSnapshotLocation snapshot;
    /* The new overlay: type, format (NONE: not given) and path (NULL: not
     * given).  Never NULL. */
    vbStorageSource *src;
};

typedef struct _vbSnapshotDef vbSnapshotDef;
struct _vbSnapshotDef {
    char *name;
    char *description;
    long long creationTime; /* seconds since the epoch */
    vbSnapshotLocation memory;
    char *memoryFile;

    vbSnapshotDiskDef **disks;
    size_t ndisks;
    /* The overlays the last revert to this snapshot put on its images
     * (libvirt's <revertDisks>): the top of the branch the domain runs on
     * since, while the snapshot keeps its own overlays in @disks.  Cleared
     * when a snapshot is taken on that branch. */
    vbSnapshotDiskDef **revertDisks;
    size_t nrevertDisks;

    /* The metadata of a snapshot taken (saved, listed, dumped) */
    vbSnapshotState state;
    char *parentName;         /* NULL: a root */
    vbDomainDef *dom;         /* the definition before the snapshot */
    vbDomainDef *inactiveDom; /* its persistent one, if it was running */

    /* Ours, in the saved form only (<deleteFailed>, never in a document a
     * client gets or gives): the images a delete of this snapshot had
     * started committing into when it failed or was undone.  They hold
     * data newer than the snapshot, so a revert to it is refused; NULL
     * for a snapshot whose images are as it took them. */
    char **deleteFailedBases;
};

void vbSnapshotDiskDefFree(vbSnapshotDiskDef *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbSnapshotDiskDef, vbSnapshotDiskDefFree);
void vbSnapshotDefFree(vbSnapshotDef *def);
void vbSnapshotDefClearRevertDisks(vbSnapshotDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbSnapshotDef, vbSnapshotDefFree);

typedef enum {
    /* Check the document against libvirt's installed domainsnapshot.rng
     * first (VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE). */
    VB_SNAPSHOT_DEF_PARSE_VALIDATE_SCHEMA = 1 << 0,
    /* VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE: the metadata form (state,
     * parent, creationTime, domain, inactiveDomain) is read, and name,
     * creationTime and domain are required, as in a saved file; no default
     * is filled in. */
    VB_SNAPSHOT_DEF_PARSE_REDEFINE = 1 << 1,
    /* a snapshot of a shut-off domain, or a disk-only one: memory state is
     * refused (libvirt's VIR_DOMAIN_SNAPSHOT_PARSE_OFFLINE) */
    VB_SNAPSHOT_DEF_PARSE_OFFLINE = 1 << 2,
} vbSnapshotDefParseFlags;

/* True when the snapshot has an external disk or memory (libvirt's
 * virDomainSnapshotDefIsExternal). */
bool vbSnapshotDefIsExternal(const vbSnapshotDef *def);

/**
 * vbSnapshotDefParseString:
 * @xml: the document a client sent
 * @now: the clock, seconds since the epoch: creation time, and the name
 *       when the document gives none (libvirt's default)
 * @flags: vbSnapshotDefParseFlags
 *
 * Parses a snapshot for disk-only creation.  Refused: malformed XML
 * (XML_ERROR), a root other than <domainsnapshot>, elements and attributes
 * we do not know (CONFIG_UNSUPPORTED naming them), a memory snapshot with
 * PARSE_OFFLINE (libvirt's "memory state cannot be saved with offline or
 * disk-only snapshot") or an internal one, a relative overlay or memory
 * file path, an unknown driver type.
 *
 * Returns the definition, or NULL with the error reported.
 */
vbSnapshotDef *vbSnapshotDefParseString(const char *xml, long long now, unsigned int flags);

/**
 * vbSnapshotDefAlignDisks:
 * @def: a parsed snapshot
 * @dom: the domain's definition (the live one of a running domain)
 *
 * libvirt's virDomainSnapshotAlignDisks for a disk-only snapshot:
 * afterwards @def has one entry per disk of @dom, in @dom's order, named by
 * target.  A disk not mentioned is 'external', unless it is read-only (a
 * cdrom) or empty, which are 'no'.  An external disk without a path gets
 * the path of its active image with the extension replaced by
 * ".<snapshot name>" (virDomainSnapshotDefAssignExternalNames: the image
 * must be a regular file).  Refused with libvirt's messages: an unknown
 * disk, a disk named twice, a path for a disk not 'external', more entries
 * than disks, colliding default names; and, ours, 'internal' and 'manual'
 * disks, an overlay format other than qcow2, two disks with one overlay,
 * and a snapshot that selects no disk.
 *
 * Returns 0, or -1 with the error reported (@def then unusable).
 */
int vbSnapshotDefAlignDisks(vbSnapshotDef *def, const vbDomainDef *dom);

/**
 * vbSnapshotDefAlignDisksRedefine:
 * @def: a redefinition, with its <domain>
 *
 * libvirt's virDomainSnapshotAlignDisks for REDEFINE: the disks checked
 * against the snapshot's own <domain> (each named one must exist there,
 * once) and completed to one entry per disk of it, in its order; a disk
 * not mentioned takes its <disk snapshot>, else 'external' for a
 * disk-snapshot or external snapshot, else 'internal'.  Nothing is
 * refused for being internal: the metadata only records it.
 *
 * Returns 0, or -1 with the error reported.
 */
int vbSnapshotDefAlignDisksRedefine(vbSnapshotDef *def);

typedef enum {
    /* What a snapshot taken has: <state>, <parent>, <creationTime>,
     * <domain> and <inactiveDomain> (virDomainSnapshotGetXMLDesc) */
    VB_SNAPSHOT_DEF_FORMAT_METADATA = 1 << 0,
    /* secrets in the domains (VIR_DOMAIN_SNAPSHOT_XML_SECURE) */
    VB_SNAPSHOT_DEF_FORMAT_SECURE = 1 << 1,
    /* the saved form: <active> says whether it is the current one, and
     * our <deleteFailed> is written */
    VB_SNAPSHOT_DEF_FORMAT_INTERNAL = 1 << 2,
    VB_SNAPSHOT_DEF_FORMAT_CURRENT = 1 << 3,
} vbSnapshotDefFormatFlags;

/* The document, two-space indented as libvirt writes it.  With @flags 0 in
 * the form a request takes (without the creation time), so that it parses
 * again; with METADATA in libvirt's element order: name, description,
 * state, parent, creationTime, memory, disks, revertDisks, domain,
 * inactiveDomain.
 * Returns NULL with the error reported. */
char *vbSnapshotDefFormat(const vbSnapshotDef *def, unsigned int flags);

/* Largest saved snapshot file: two domains and the snapshot around them */
#define VB_SNAPSHOT_FILE_MAX_LEN (3 * VB_SNAPSHOT_XML_MAX_LEN)

/**
 * vbSnapshotDefParseFile:
 * @path: a snapshot file the daemon saved (FORMAT_INTERNAL)
 * @current: set to whether it was the current one (<active>)
 *
 * The saved form read back, without following a symbolic link: name,
 * creation time and <domain> are required.  Only here is <deleteFailed>
 * read: a redefinition carrying it is refused as any unknown element.
 *
 * Returns the definition, or NULL with the error reported.
 */
vbSnapshotDef *vbSnapshotDefParseFile(const char *path, bool *current);
