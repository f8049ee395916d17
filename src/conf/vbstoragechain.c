/*
 * vbstoragechain.c: backing chains: probing, lookup, relative names
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbfile.h"
#include "vbqcow2.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

/* Every header QEMU writes fits in this: the backing name and the header
 * extensions lie within the first cluster, at most 2 MiB, but QEMU itself
 * puts them in the first 64 KiB for every image it creates. */
#define VB_STORAGE_HEADER_READ (64 * 1024)

typedef struct {
    dev_t dev;
    ino_t ino;
} vbStorageFileID;

static guint
vbStorageFileIDHash(gconstpointer p)
{
    const vbStorageFileID *id = p;

    return g_int64_hash(&id->ino) ^ g_int64_hash(&id->dev);
}

static gboolean
vbStorageFileIDEqual(gconstpointer a, gconstpointer b)
{
    const vbStorageFileID *x = a;
    const vbStorageFileID *y = b;

    return x->dev == y->dev && x->ino == y->ino;
}

/* Opens @src and reads the start of it; records it in @seen to catch loops. */
static gssize
vbStorageChainReadHeader(vbStorageSource *src, const char *parentPath, GHashTable *seen,
                         uint8_t *buf, size_t len)
{
    vbStorageFileID *id;
    struct stat sb;
    gssize got;
    int fd;

    if ((fd = open(src->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
        int err = errno;

        if (fd >= 0)
            close(fd);
        if (parentPath)
            vbReportSystemError(err, _("Cannot access backing file '%s' of storage file '%s'"),
                                src->path, parentPath);
        else
            vbReportSystemError(err, _("Cannot access storage file '%s'"), src->path);
        return -1;
    }

    id = g_new0(vbStorageFileID, 1);
    id->dev = sb.st_dev;
    id->ino = sb.st_ino;
    if (!g_hash_table_add(seen, id)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("backing store for %s (%s) is self-referential"),
                      NULLSTR(parentPath), src->path);
        close(fd);
        return -1;
    }
    if (S_ISBLK(sb.st_mode))
        src->type = VB_STORAGE_TYPE_BLOCK;
    else if (S_ISREG(sb.st_mode))
        src->type = VB_STORAGE_TYPE_FILE;
    else {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("storage file '%s' is neither a regular file nor a block device"),
                      src->path);
        close(fd);
        return -1;
    }

    got = vbFileReadAt(fd, buf, len, 0);
    if (got < 0)
        vbReportSystemError(errno, _("cannot read header of '%s'"), src->path);
    close(fd);
    return got;
}

/* A name that is a file name, not "protocol:..." or "json:{...}" */
static bool
vbStorageChainNameIsFile(const char *name)
{
    const char *colon = strchr(name, ':');
    const char *slash = strchr(name, '/');

    return !colon || (slash && slash < colon);
}

static vbStorageSource *
vbStorageChainNewBacking(const vbStorageSource *parent, const vbQcow2Header *hdr)
{
    g_autoptr(vbStorageSource) backing = vbStorageSourceNew();
    g_autofree char *dir = NULL;
    g_autofree char *joined = NULL;

    if (!vbStorageChainNameIsFile(hdr->backingName)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("backing store '%s' of image '%s' is not a local file"), hdr->backingName,
                      parent->path);
        return NULL;
    }
    if (hdr->backingFormatName && hdr->backingFormat == VB_STORAGE_FORMAT_NONE) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("backing format '%s' of image '%s' is not supported"),
                      hdr->backingFormatName, parent->path);
        return NULL;
    }

    backing->relPath = g_strdup(hdr->backingName);
    if (g_path_is_absolute(hdr->backingName)) {
        backing->path = g_canonicalize_filename(hdr->backingName, NULL);
    } else {
        dir = g_path_get_dirname(parent->path);
        joined = g_build_filename(dir, hdr->backingName, NULL);
        backing->path = g_canonicalize_filename(joined, NULL);
    }
    backing->type = VB_STORAGE_TYPE_FILE;
    backing->format = hdr->backingFormat;
    backing->readonly = true;
    backing->detected = true;
    return g_steal_pointer(&backing);
}

/* Reads @src's header and links what lies below it. */
static int
vbStorageChainProbeOne(vbStorageSource *src, const char *parentPath, GHashTable *seen)
{
    g_autofree uint8_t *buf = g_malloc(VB_STORAGE_HEADER_READ);
    g_autoptr(vbQcow2Header) hdr = NULL;
    gssize len;

    if ((len = vbStorageChainReadHeader(src, parentPath, seen, buf, VB_STORAGE_HEADER_READ)) < 0)
        return -1;

    if (src->format == VB_STORAGE_FORMAT_NONE) {
        /* Unknown format: raw, unless it is a qcow2 image we must not
         * misread (libvirt's message). */
        if (vbQcow2HasMagic(buf, len)) {
            vbReportError(
                VIR_ERR_INVALID_ARG,
                _("format of backing image '%s' of image '%s' was not specified in the image metadata (See https://libvirt.org/kbase/backing_chains.html for troubleshooting)"),
                src->path, NULLSTR(parentPath));
            return -1;
        }
        src->format = VB_STORAGE_FORMAT_RAW;
    }

    if (src->format == VB_STORAGE_FORMAT_RAW) {
        src->backingStore = vbStorageSourceNewTerminator();
        src->backingStore->detected = true;
        return 0;
    }

    if (!(hdr = vbQcow2HeaderParse(src->path, buf, len)))
        return -1;
    src->capacity = hdr->size;
    if (!hdr->backingName) {
        src->backingStore = vbStorageSourceNewTerminator();
        src->backingStore->detected = true;
        return 0;
    }
    if (!(src->backingStore = vbStorageChainNewBacking(src, hdr)))
        return -1;
    return 0;
}

int
vbStorageChainProbe(vbStorageSource *top, unsigned int maxDepth)
{
    g_autoptr(GHashTable) seen =
        g_hash_table_new_full(vbStorageFileIDHash, vbStorageFileIDEqual, g_free, NULL);
    vbStorageSource *parent = NULL;
    vbStorageSource *s;
    unsigned int depth = 0;

    for (s = top; s && s->type != VB_STORAGE_TYPE_NONE; parent = s, s = s->backingStore) {
        if (++depth > maxDepth) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("backing chain of '%s' is deeper than %u images"), top->path, maxDepth);
            return -1;
        }
        if (s->backingStore) {
            /* Given by the definition: trusted as the user's statement. */
            continue;
        }
        if (vbStorageChainProbeOne(s, parent ? parent->path : NULL, seen) < 0) {
            /* Leave the chain as it was: unknown below this image. */
            g_clear_pointer(&s->backingStore, vbStorageSourceFree);
            return -1;
        }
    }
    return 0;
}

vbStorageSource *
vbStorageChainFindByNodeName(vbStorageSource *chain, const char *nodename, vbStorageSource **parent)
{
    vbStorageSource *prev = NULL;
    vbStorageSource *s;

    for (s = chain; s && s->type != VB_STORAGE_TYPE_NONE; prev = s, s = s->backingStore) {
        if (g_strcmp0(s->nodeFormat, nodename) == 0) {
            if (parent)
                *parent = prev;
            return s;
        }
    }
    return NULL;
}

/* "vda[3]": 3 and the target; 0 for anything else (libvirt's quirks:
 * "vda[0]", "vda[-1]" and "vda[1][1]" are plain names). */
static unsigned int
vbStorageChainParseIndex(const char *name, char **target)
{
    const char *open = strchr(name, '[');
    const char *p;
    guint64 idx;
    char *end;

    *target = NULL;
    if (!open || open == name || name[strlen(name) - 1] != ']')
        return 0;
    for (p = open + 1; *p != ']'; p++) {
        if (!g_ascii_isdigit(*p))
            return 0;
    }
    if (p == open + 1 || p[1] != '\0')
        return 0;
    idx = g_ascii_strtoull(open + 1, &end, 10);
    if (idx == 0 || idx > G_MAXUINT)
        return 0;
    *target = g_strndup(name, open - name);
    return idx;
}

/* Does @name, as written relative to @parent's directory, point to @s? */
static bool
vbStorageChainNameMatches(const vbStorageSource *s, const vbStorageSource *parent, const char *name)
{
    g_autofree char *candidate = NULL;
    g_autofree char *real1 = NULL;
    g_autofree char *real2 = NULL;

    if (g_strcmp0(s->path, name) == 0 || g_strcmp0(s->relPath, name) == 0)
        return true;
    if (!vbStorageChainNameIsFile(name) || !s->path)
        return false;

    if (g_path_is_absolute(name)) {
        candidate = g_strdup(name);
    } else {
        g_autofree char *dir = NULL;

        if (!parent || !parent->path)
            return false;
        dir = g_path_get_dirname(parent->path);
        candidate = g_build_filename(dir, name, NULL);
    }
    /* Symlinks and ".." resolved: the same file under another name */
    if (!(real1 = realpath(candidate, NULL)) || !(real2 = realpath(s->path, NULL)))
        return false;
    return strcmp(real1, real2) == 0;
}

vbStorageSource *
vbStorageChainLookup(vbStorageSource *chain, vbStorageSource *startFrom, const char *name,
                     const char *target, vbStorageSource **parent)
{
    g_autofree char *idxTarget = NULL;
    unsigned int idx = 0;
    vbStorageSource *prev;
    vbStorageSource *s;

    if (parent)
        *parent = NULL;
    if (name)
        idx = vbStorageChainParseIndex(name, &idxTarget);
    if (idx && g_strcmp0(idxTarget, target) != 0) {
        vbReportError(VIR_ERR_INVALID_ARG, _("requested target '%s' does not match target '%s'"),
                      idxTarget, target);
        return NULL;
    }

    prev = startFrom;
    s = startFrom ? startFrom->backingStore : chain;
    for (; s && s->type != VB_STORAGE_TYPE_NONE; prev = s, s = s->backingStore) {
        bool found;

        if (!name)
            found = !vbStorageSourceHasBacking(s);
        else if (idx)
            found = s->id == idx;
        else
            found = vbStorageChainNameMatches(s, prev, name);

        if (found) {
            if (parent)
                *parent = prev;
            return s;
        }
    }

    if (idx)
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("could not find backing store index '%u' in chain for '%s'"), idx, target);
    else if (name && startFrom)
        vbReportError(VIR_ERR_INVALID_ARG,
                      _("could not find image '%s' beneath '%s' in chain for '%s'"), name,
                      NULLSTR(startFrom->path), target);
    else if (name)
        vbReportError(VIR_ERR_INVALID_ARG, _("could not find image '%s' in chain for '%s'"), name,
                      target);
    else
        vbReportError(VIR_ERR_INVALID_ARG, _("could not find base image in chain for '%s'"),
                      target);
    return NULL;
}

int
vbStorageChainGetRelativeBackingPath(vbStorageSource *top, vbStorageSource *base, char **relpath)
{
    g_autofree char *path = NULL;
    vbStorageSource *s;

    *relpath = NULL;
    /* top->relPath is how top's overlay names top; each next name is
     * relative to the directory of the image naming it. */
    for (s = top; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore) {
        g_autofree char *dir = NULL;
        char *slash;

        if (!s->relPath || g_path_is_absolute(s->relPath))
            return 0;
        dir = g_strdup(path ? path : "");
        if ((slash = strrchr(dir, '/')))
            slash[1] = '\0';
        else
            dir[0] = '\0';
        g_free(path);
        path = g_strdup_printf("%s%s", dir, s->relPath);
        if (s == base) {
            *relpath = g_steal_pointer(&path);
            return 0;
        }
    }
    vbReportError(VIR_ERR_INVALID_ARG, "%s",
                  _("failed to resolve relative backing name: base image is not in backing chain"));
    return -1;
}

void
vbStorageChainAssignIndexes(vbStorageSource *top, unsigned int *nextIndex)
{
    vbStorageSource *s;

    for (s = top; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore) {
        if (!s->id)
            s->id = (*nextIndex)++;
        else if (s->id >= *nextIndex)
            *nextIndex = s->id + 1;
        if (!s->nodeFormat)
            s->nodeFormat = g_strdup_printf("libvirt-%u-format", s->id);
        if (!s->nodeStorage)
            s->nodeStorage = g_strdup_printf("libvirt-%u-storage", s->id);
    }
}
