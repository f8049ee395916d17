/*
 * vbstoragesource.h: one image of a disk's backing chain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbenum.h"

typedef enum {
    VB_STORAGE_TYPE_NONE = 0, /* an empty drive, or the end of a chain */
    VB_STORAGE_TYPE_FILE,
    VB_STORAGE_TYPE_BLOCK,

    VB_STORAGE_TYPE_LAST
} vbStorageType;
VB_ENUM_DECL(vbStorageType);

typedef enum {
    VB_STORAGE_FORMAT_NONE = 0, /* not stated, not (yet) known */
    VB_STORAGE_FORMAT_RAW,
    VB_STORAGE_FORMAT_QCOW2,

    VB_STORAGE_FORMAT_LAST
} vbStorageFormat;
VB_ENUM_DECL(vbStorageFormat);

typedef struct _vbStorageSource vbStorageSource;
struct _vbStorageSource {
    vbStorageType type;
    vbStorageFormat format;

    /* Absolute path of the image.  For a backing image it is the backing
     * name resolved against the directory of the image that names it. */
    char *path;
    /* The backing name exactly as the overlay's header writes it (relative
     * or absolute); NULL for the top image.  Relative commit needs it. */
    char *relPath;

    /* Chain index: the N of "vda[N]", unique within a domain, never reused
     * while the domain runs.  0 means not assigned yet. */
    unsigned int id;

    bool readonly;
    bool shareable;

    /* QEMU node names ("libvirt-N-format" / "libvirt-N-storage"); runtime
     * state, formatted only in the status XML. */
    char *nodeFormat;
    char *nodeStorage;

    /* The image below this one.  NULL: not known yet, to be probed from the
     * image header.  A source of type NONE: this image has no backing (the
     * empty <backingStore/> of libvirt's XML). */
    vbStorageSource *backingStore;

    /* Filled by probing the header (not by the user's XML). */
    bool detected;
    unsigned long long capacity; /* virtual size in bytes, 0 if unknown */
};

vbStorageSource *vbStorageSourceNew(void);
void vbStorageSourceFree(vbStorageSource *src);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbStorageSource, vbStorageSourceFree);

/* Deep copy of the whole chain below @src too, when @backingChain. */
vbStorageSource *vbStorageSourceCopy(const vbStorageSource *src, bool backingChain);

/* @src and the chain below it as a persistent definition records them, as
 * libvirt rewrites a definition after a block job: no runtime data (index,
 * node names, relPath), and cut before the first image found by probing,
 * so that the next start probes from there.  A terminator (type NONE)
 * reached before any probed image stays: the empty <backingStore/> that
 * says the image has no backing, and that spares the next start a probe. */
vbStorageSource *vbStorageSourceCopyForConfig(const vbStorageSource *src);

/* A terminator: "this image has no backing store". */
vbStorageSource *vbStorageSourceNewTerminator(void);

/* true if @src has a real backing image below it */
bool vbStorageSourceHasBacking(const vbStorageSource *src);
/* true for an empty drive (no image at all) */
bool vbStorageSourceIsEmpty(const vbStorageSource *src);
/* true if @a and @b name the same image (type and path) */
bool vbStorageSourceIsSameLocation(const vbStorageSource *a, const vbStorageSource *b);
