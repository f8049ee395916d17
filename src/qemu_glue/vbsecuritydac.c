/*
 * vbsecuritydac.c: the files QEMU opens, given to its user while it runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each file is reached once, by a descriptor opened with O_PATH on its
 * resolved name without following a last symlink: the checks (what the
 * file is, where it lies, how many names it has), the remembered owner
 * and the chown all concern that one inode, never a name swapped
 * meanwhile.  The extended attributes (trusted.*, so only a privileged
 * process reads or sets them) hold the original owner "UID:GID", the
 * count of running users, and the boot the count belongs to (the kernel's
 * boot_id: after a host reboot no domain runs, whatever the count says,
 * and the file's owner then is its real one).
 */

/* O_PATH, AT_EMPTY_PATH */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbsecuritydac.h"

#define VB_FROM_THIS_FILE VIR_FROM_SECURITY

#define VB_SECURITY_DAC_BOOT_ID "/proc/sys/kernel/random/boot_id"

bool
vbSecurityDACNeeded(uid_t user, gid_t group, bool dynamicOwnership)
{
    return dynamicOwnership && (user != geteuid() || group != getegid());
}

/* Where a file is never given away: the system's own files, and the
 * daemon's (status files, sockets, logs, the capabilities cache: a QEMU
 * able to rewrite a status file steers the daemon's next start).  A
 * definition (or a hostile image's backing name) naming /etc/shadow or a
 * status file must not make it QEMU's. */
bool
vbSecurityDACIsSystemPath(const char *path, bool isBlock)
{
    static const char *const dirs[] = {"/etc",
                                       "/usr",
                                       "/boot",
                                       "/proc",
                                       "/sys",
                                       "/bin",
                                       "/sbin",
                                       "/lib",
                                       "/lib32",
                                       "/lib64",
                                       "/libx32",
                                       "/root",
                                       "/run",
                                       "/var/run",
                                       "/var/log",
                                       "/var/lib/dpkg",
                                       "/var/spool",
                                       "/var/mail",
                                       VB_LOCALSTATEDIR "/lib/virtblockd/log",
                                       VB_LOCALSTATEDIR "/lib/virtblockd/cache"};
    size_t i;

    if (g_str_has_prefix(path, "/dev/") && !isBlock)
        return true;
    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        size_t len = strlen(dirs[i]);

        if (strncmp(path, dirs[i], len) == 0 && (path[len] == '/' || path[len] == '\0'))
            return true;
    }
    return false;
}

/* The kernel's id of this boot, or NULL when it cannot be read */
static char *
vbSecurityDACBootID(void)
{
    g_autofree char *data = NULL;

    if (vbFileReadAll(VB_SECURITY_DAC_BOOT_ID, 64, &data) < 0) {
        vbResetLastError();
        return NULL;
    }
    return g_strstrip(g_steal_pointer(&data));
}

/* An attribute of the file behind @procPath as a string; NULL when it is
 * not there (errno ENODATA) or xattrs are not supported (ENOTSUP) */
static char *
vbSecurityDACGetXattr(const char *procPath, const char *name)
{
    char buf[128];
    ssize_t len;

    if ((len = getxattr(procPath, name, buf, sizeof(buf) - 1)) < 0)
        return NULL;
    buf[len] = '\0';
    return g_strdup(buf);
}

static void
vbSecurityDACRemoveXattrs(const char *procPath)
{
    removexattr(procPath, VB_SECURITY_DAC_XATTR_OWNER);
    removexattr(procPath, VB_SECURITY_DAC_XATTR_REF);
    removexattr(procPath, VB_SECURITY_DAC_XATTR_BOOT);
    removexattr(procPath, VB_SECURITY_DAC_XATTR_PATH);
}

static int
vbSecurityDACSetXattr(const char *procPath, const char *name, const char *value)
{
    return setxattr(procPath, name, value, strlen(value), 0);
}

/* The remembered state of a file: its count (0: not labelled, or labelled
 * in an earlier boot, whose attributes are then dropped) and owner */
static unsigned int
vbSecurityDACGetRef(const char *procPath, uid_t *uid, gid_t *gid)
{
    g_autofree char *ref = vbSecurityDACGetXattr(procPath, VB_SECURITY_DAC_XATTR_REF);
    g_autofree char *owner = NULL;
    g_autofree char *boot = NULL;
    g_autofree char *bootNow = NULL;
    unsigned long long count;
    unsigned int u, g;
    char *end;

    if (!ref)
        return 0;
    owner = vbSecurityDACGetXattr(procPath, VB_SECURITY_DAC_XATTR_OWNER);
    boot = vbSecurityDACGetXattr(procPath, VB_SECURITY_DAC_XATTR_BOOT);
    bootNow = vbSecurityDACBootID();
    if (!owner || !boot || !bootNow || strcmp(boot, bootNow) != 0 ||
        sscanf(owner, "%u:%u", &u, &g) != 2 || (count = g_ascii_strtoull(ref, &end, 10)) == 0 ||
        *end || count > G_MAXINT) {
        VB_DEBUG("dropping stale or broken ownership labels of '%s'", procPath);
        vbSecurityDACRemoveXattrs(procPath);
        return 0;
    }
    *uid = u;
    *gid = g;
    return count;
}

/* The first use of the file behind @procPath counted, with its owner now
 * (@sb) as the one to give it back to.  -1 with errno set (ENOENT: this
 * boot's id is unknown), no attribute left behind */
static int
vbSecurityDACRemember(const char *procPath, const char *real, const struct stat *sb)
{
    g_autofree char *owner =
        g_strdup_printf("%u:%u", (unsigned int) sb->st_uid, (unsigned int) sb->st_gid);
    g_autofree char *boot = vbSecurityDACBootID();
    int saved;

    if (!boot) {
        errno = ENOENT;
        return -1;
    }
    if (vbSecurityDACSetXattr(procPath, VB_SECURITY_DAC_XATTR_OWNER, owner) == 0 &&
        vbSecurityDACSetXattr(procPath, VB_SECURITY_DAC_XATTR_BOOT, boot) == 0 &&
        vbSecurityDACSetXattr(procPath, VB_SECURITY_DAC_XATTR_PATH, real) == 0 &&
        vbSecurityDACSetXattr(procPath, VB_SECURITY_DAC_XATTR_REF, "1") == 0)
        return 0;
    saved = errno;
    vbSecurityDACRemoveXattrs(procPath);
    errno = saved;
    return -1;
}

/* Whether the file behind @procPath was labelled under the name @real
 * (labels without a recorded name, of an earlier version, are taken as
 * being @real's) */
static bool
vbSecurityDACIsLabelledAs(const char *procPath, const char *real)
{
    char buf[PATH_MAX];
    ssize_t len;

    if ((len = getxattr(procPath, VB_SECURITY_DAC_XATTR_PATH, buf, sizeof(buf) - 1)) < 0)
        return errno == ENODATA;
    buf[len] = '\0';
    return g_str_equal(buf, real);
}

/* Whether the QEMU identity of @dac writes @sb as it is */
static bool
vbSecurityDACCanWrite(const vbSecurityDAC *dac, const struct stat *sb)
{
    if (sb->st_uid == dac->user)
        return sb->st_mode & S_IWUSR;
    if (sb->st_gid == dac->group)
        return sb->st_mode & S_IWGRP;
    return sb->st_mode & S_IWOTH;
}

/* Whether the QEMU identity of @dac reads @sb as it is */
static bool
vbSecurityDACCanRead(const vbSecurityDAC *dac, const struct stat *sb)
{
    if (sb->st_uid == dac->user)
        return sb->st_mode & S_IRUSR;
    if (sb->st_gid == dac->group)
        return sb->st_mode & S_IRGRP;
    return sb->st_mode & S_IROTH;
}

/* @path resolved and opened as an O_PATH descriptor, with its stat; the
 * checks every labelling makes */
static int
vbSecurityDACOpen(const char *path, char **resolved, struct stat *sb)
{
    g_autofree char *real = NULL;
    g_autofree char *procPath = NULL;
    g_autofree char *opened = NULL;
    int fd;

    if (!(real = realpath(path, NULL))) {
        vbReportSystemError(errno, _("unable to resolve the path '%s'"), path);
        return -1;
    }
    if ((fd = open(real, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        vbReportSystemError(errno, _("unable to open '%s'"), path);
        return -1;
    }
    /* O_NOFOLLOW guards the last component only: a directory of @real
     * swapped for a symlink since realpath() would have opened another
     * file than the one whose name is checked.  The kernel's name of what
     * was opened must be @real. */
    procPath = g_strdup_printf("/proc/self/fd/%d", fd);
    if (!(opened = g_file_read_link(procPath, NULL)) || !g_str_equal(opened, real)) {
        vbReportError(VIR_ERR_OPERATION_DENIED,
                      _("refusing to give QEMU '%s': its path changed while it was resolved"),
                      path);
        close(fd);
        return -1;
    }
    if (fstat(fd, sb) < 0) {
        vbReportSystemError(errno, _("unable to stat: %s"), path);
        close(fd);
        return -1;
    }
    *resolved = g_steal_pointer(&real);
    return fd;
}

int
vbSecurityDACSetPath(const vbSecurityDAC *dac, const char *path, bool readonly)
{
    g_autofree char *real = NULL;
    g_autofree char *procPath = NULL;
    g_autofree char *refStr = NULL;
    struct stat sb;
    unsigned int ref;
    uid_t uid = 0;
    gid_t gid = 0;
    bool remember = dac->remember;
    int rc = -1;
    int fd;

    if ((fd = vbSecurityDACOpen(path, &real, &sb)) < 0)
        return -1;
    procPath = g_strdup_printf("/proc/self/fd/%d", fd);

    /* a character device QEMU may use as it is (/dev/null as a serial
     * port's file) is left alone; nothing else but files and disks */
    if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode)) {
        if (S_ISCHR(sb.st_mode) && vbSecurityDACCanRead(dac, &sb) &&
            (readonly || vbSecurityDACCanWrite(dac, &sb))) {
            rc = 0;
            goto cleanup;
        }
        vbReportError(VIR_ERR_OPERATION_DENIED,
                      _("refusing to give QEMU '%s': not a regular file or block device"), path);
        goto cleanup;
    }

    /* shared with another running domain: one more user */
    if (remember && (ref = vbSecurityDACGetRef(procPath, &uid, &gid)) > 0) {
        if (!vbSecurityDACIsLabelledAs(procPath, real)) {
            vbReportError(VIR_ERR_OPERATION_DENIED,
                          _("refusing to give QEMU '%s': it is a file labelled under another name"),
                          path);
            goto cleanup;
        }
        refStr = g_strdup_printf("%u", ref + 1);
        if (vbSecurityDACSetXattr(procPath, VB_SECURITY_DAC_XATTR_REF, refStr) < 0) {
            vbReportSystemError(errno, _("unable to remember the owner of '%s'"), path);
            goto cleanup;
        }
        if ((sb.st_uid != dac->user || sb.st_gid != dac->group) &&
            !(readonly && vbSecurityDACCanRead(dac, &sb)) &&
            fchownat(fd, "", dac->user, dac->group, AT_EMPTY_PATH) < 0) {
            vbReportSystemError(errno, _("unable to set user and group to '%u:%u' on '%s'"),
                                (unsigned int) dac->user, (unsigned int) dac->group, path);
            refStr = g_strdup_printf("%u", ref);
            vbSecurityDACSetXattr(procPath, VB_SECURITY_DAC_XATTR_REF, refStr);
            goto cleanup;
        }
        rc = 0;
        goto cleanup;
    }

    /* an image QEMU only reads and can read already keeps its owner, but
     * its use is counted all the same: a domain that labels it later must
     * not have it given back while this one still runs, nor this one count
     * down a use it never counted when it stops */
    if (readonly && vbSecurityDACCanRead(dac, &sb)) {
        if (remember && !vbSecurityDACIsSystemPath(real, S_ISBLK(sb.st_mode)) &&
            !(S_ISREG(sb.st_mode) && sb.st_nlink > 1) &&
            vbSecurityDACRemember(procPath, real, &sb) < 0)
            VB_DEBUG("not counting the users of '%s': %s", path, g_strerror(errno));
        rc = 0;
        goto cleanup;
    }
    if (sb.st_uid == dac->user && sb.st_gid == dac->group) {
        rc = 0;
        goto cleanup;
    }
    if (vbSecurityDACIsSystemPath(real, S_ISBLK(sb.st_mode))) {
        vbReportError(VIR_ERR_OPERATION_DENIED, _("refusing to give QEMU the system file '%s'"),
                      path);
        goto cleanup;
    }
    /* another name of the file may be a system file's (a hard link) */
    if (S_ISREG(sb.st_mode) && sb.st_nlink > 1) {
        vbReportError(VIR_ERR_OPERATION_DENIED,
                      _("refusing to give QEMU '%s': the file has other hard links"), path);
        goto cleanup;
    }

    if (remember && vbSecurityDACRemember(procPath, real, &sb) < 0) {
        /* as libvirt: a filesystem without xattrs (NFS) is labelled
         * without remembering, and given back to the daemon */
        if (errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOENT) {
            vbReportSystemError(errno, _("unable to remember the owner of '%s'"), path);
            goto cleanup;
        }
        remember = false;
    }
    VB_DEBUG("giving '%s' (%s) to %u:%u", path, real, (unsigned int) dac->user,
             (unsigned int) dac->group);
    if (fchownat(fd, "", dac->user, dac->group, AT_EMPTY_PATH) < 0) {
        vbReportSystemError(errno, _("unable to set user and group to '%u:%u' on '%s'"),
                            (unsigned int) dac->user, (unsigned int) dac->group, path);
        if (remember)
            vbSecurityDACRemoveXattrs(procPath);
        goto cleanup;
    }
    rc = 0;

cleanup:
    close(fd);
    return rc;
}

int
vbSecurityDACAllowWrite(const vbSecurityDAC *dac, const char *path)
{
    g_autofree char *real = NULL;
    struct stat sb;
    bool writable;
    int fd;

    g_autofree char *procPath = NULL;
    uid_t uid;
    gid_t gid;
    int rc = 0;

    if ((fd = vbSecurityDACOpen(path, &real, &sb)) < 0)
        return -1;
    writable = vbSecurityDACCanWrite(dac, &sb);
    procPath = g_strdup_printf("/proc/self/fd/%d", fd);
    /* a file of the domain's chain it read as it was is counted already:
     * it changes owner, but the one restore at the domain's stop must
     * still end its last use */
    if (!writable && dac->remember && vbSecurityDACGetRef(procPath, &uid, &gid) > 0 &&
        vbSecurityDACIsLabelledAs(procPath, real)) {
        if (fchownat(fd, "", dac->user, dac->group, AT_EMPTY_PATH) < 0) {
            vbReportSystemError(errno, _("unable to set user and group to '%u:%u' on '%s'"),
                                (unsigned int) dac->user, (unsigned int) dac->group, path);
            rc = -1;
        }
        writable = true;
    }
    close(fd);
    if (writable)
        return rc;
    return vbSecurityDACSetPath(dac, path, false);
}

void
vbSecurityDACRestorePath(const vbSecurityDAC *dac, const char *path)
{
    g_autofree char *real = NULL;
    g_autofree char *procPath = NULL;
    g_autoptr(vbError) saved = vbErrorSave();
    struct stat sb;
    unsigned int ref = 0;
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int fd;

    if ((fd = vbSecurityDACOpen(path, &real, &sb)) < 0) {
        VB_WARN("cannot give back '%s': %s", path, vbGetLastErrorMessage());
        vbErrorRestore(&saved);
        return;
    }
    procPath = g_strdup_printf("/proc/self/fd/%d", fd);
    if (dac->remember) {
        ref = vbSecurityDACGetRef(procPath, &uid, &gid);
        /* the name now leads to another labelled file (the one labelled
         * was replaced by a hard link to it): that file is not ours to
         * count down or give back */
        if (ref > 0 && !vbSecurityDACIsLabelledAs(procPath, real)) {
            VB_WARN("not giving back '%s': it is no longer the file that was labelled", path);
            goto cleanup;
        }
        if (ref > 1) {
            g_autofree char *refStr = g_strdup_printf("%u", ref - 1);

            if (vbSecurityDACSetXattr(procPath, VB_SECURITY_DAC_XATTR_REF, refStr) < 0)
                VB_WARN("cannot count down the users of '%s': %s", path, g_strerror(errno));
            goto cleanup;
        }
        if (ref == 1)
            vbSecurityDACRemoveXattrs(procPath);
    }
    if (ref == 0) {
        char probe;

        /* never labelled (an image QEMU could read as it was), unless the
         * filesystem keeps no xattrs: then, as with remember_owner off, a
         * file still QEMU's goes to the daemon's user */
        if (dac->remember && (getxattr(procPath, VB_SECURITY_DAC_XATTR_REF, &probe, 1) >= 0 ||
                              (errno != ENOTSUP && errno != EOPNOTSUPP)))
            goto cleanup;
        if (sb.st_uid != dac->user || sb.st_gid != dac->group)
            goto cleanup;
    }
    if ((sb.st_uid != uid || sb.st_gid != gid) && fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
        VB_WARN("cannot give '%s' back to %u:%u: %s", path, (unsigned int) uid, (unsigned int) gid,
                g_strerror(errno));
    else
        VB_DEBUG("gave '%s' back to %u:%u", path, (unsigned int) uid, (unsigned int) gid);

cleanup:
    close(fd);
    vbErrorRestore(&saved);
}

/* --- What a domain's QEMU opens --- */

typedef struct {
    const char *path;
    bool readonly;
} vbSecurityDACItem;

static void
vbSecurityDACAddSource(GArray *items, const vbStorageSource *src, bool chain)
{
    const vbStorageSource *s;
    bool top = true;

    for (s = src; s && s->type != VB_STORAGE_TYPE_NONE; s = chain ? s->backingStore : NULL) {
        vbSecurityDACItem item = {s->path, top ? s->readonly : true};

        if (s->path && (s->type == VB_STORAGE_TYPE_FILE || s->type == VB_STORAGE_TYPE_BLOCK))
            g_array_append_val(items, item);
        top = false;
    }
}

static void
vbSecurityDACAdd(GArray *items, const char *path, bool readonly)
{
    vbSecurityDACItem item = {path, readonly};

    if (path)
        g_array_append_val(items, item);
}

static GArray *
vbSecurityDACCollect(const vbDomainDef *def, bool disksOnly)
{
    GArray *items = g_array_new(false, false, sizeof(vbSecurityDACItem));
    const vbDomainLoaderDef *loader = def->os.loader;
    size_t i;

    for (i = 0; i < def->ndisks; i++)
        vbSecurityDACAddSource(items, def->disks[i]->src, true);
    if (disksOnly)
        return items;
    vbSecurityDACAdd(items, def->kernel, true);
    vbSecurityDACAdd(items, def->initrd, true);
    if (loader) {
        vbSecurityDACAdd(items, loader->path,
                         loader->type != VB_DOMAIN_LOADER_TYPE_PFLASH ||
                             loader->readonly == VB_TRISTATE_BOOL_YES);
        vbSecurityDACAdd(items, loader->nvram, false);
    }
    for (i = 0; i < def->nchrs; i++) {
        const vbDomainChrDef *chr = def->chrs[i];

        if (chr->type == VB_DOMAIN_CHR_TYPE_FILE)
            vbSecurityDACAdd(items, chr->filePath, false);
        vbSecurityDACAdd(items, chr->logFile, false);
    }
    return items;
}

/* Labels @items, or none of them */
static int
vbSecurityDACSetItems(const vbSecurityDAC *dac, GArray *items)
{
    size_t i;

    for (i = 0; i < items->len; i++) {
        const vbSecurityDACItem *item = &g_array_index(items, vbSecurityDACItem, i);

        if (vbSecurityDACSetPath(dac, item->path, item->readonly) < 0) {
            while (i-- > 0)
                vbSecurityDACRestorePath(dac, g_array_index(items, vbSecurityDACItem, i).path);
            return -1;
        }
    }
    return 0;
}

static void
vbSecurityDACRestoreItems(const vbSecurityDAC *dac, GArray *items)
{
    size_t i = items->len;

    while (i-- > 0)
        vbSecurityDACRestorePath(dac, g_array_index(items, vbSecurityDACItem, i).path);
}

int
vbSecurityDACSetSource(const vbSecurityDAC *dac, const vbStorageSource *src, bool chain)
{
    g_autoptr(GArray) items = g_array_new(false, false, sizeof(vbSecurityDACItem));

    vbSecurityDACAddSource(items, src, chain);
    return vbSecurityDACSetItems(dac, items);
}

void
vbSecurityDACRestoreSource(const vbSecurityDAC *dac, const vbStorageSource *src, bool chain)
{
    g_autoptr(GArray) items = g_array_new(false, false, sizeof(vbSecurityDACItem));

    vbSecurityDACAddSource(items, src, chain);
    vbSecurityDACRestoreItems(dac, items);
}

int
vbSecurityDACSetDomain(const vbSecurityDAC *dac, const vbDomainDef *def)
{
    g_autoptr(GArray) items = vbSecurityDACCollect(def, dac->disksOnly);

    return vbSecurityDACSetItems(dac, items);
}

void
vbSecurityDACRestoreDomain(const vbSecurityDAC *dac, const vbDomainDef *def)
{
    g_autoptr(GArray) items = vbSecurityDACCollect(def, dac->disksOnly);

    vbSecurityDACRestoreItems(dac, items);
}
