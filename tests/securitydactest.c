/*
 * securitydactest.c: files given to QEMU's user and given back
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Needs root (chown, trusted.* attributes): skipped otherwise.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbsecuritydac.h"
#include "vbstoragechain.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

#define QEMU_UID 64055
#define QEMU_GID 64056

static char *dir;
static const vbSecurityDAC dac = {QEMU_UID, QEMU_GID, true};

/* a new file @name, 0600 and owned by root, or with @mode */
static char *
testFile(const char *name, mode_t mode)
{
    char *path = g_build_filename(dir, name, NULL);

    unlink(path);
    if (!g_file_set_contents(path, "data", 4, NULL) || chmod(path, mode) < 0 ||
        chown(path, 0, 0) < 0) {
        g_free(path);
        return NULL;
    }
    return path;
}

static int
testOwner(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
    struct stat sb;

    if (lstat(path, &sb) < 0)
        return -1;
    if (sb.st_uid != uid || sb.st_gid != gid || (sb.st_mode & 07777) != mode) {
        fprintf(stderr, "%s: %u:%u %o, expected %u:%u %o\n", path, (unsigned int) sb.st_uid,
                (unsigned int) sb.st_gid, (unsigned int) (sb.st_mode & 07777), (unsigned int) uid,
                (unsigned int) gid, (unsigned int) mode);
        return -1;
    }
    return 0;
}

/* the count kept on @path ("" when none) */
static int
testRef(const char *path, const char *expected)
{
    char buf[64] = "";
    ssize_t len = getxattr(path, VB_SECURITY_DAC_XATTR_REF, buf, sizeof(buf) - 1);

    if (len < 0 && errno != ENODATA)
        return -1;
    buf[len < 0 ? 0 : len] = '\0';
    if (strcmp(buf, expected) != 0) {
        fprintf(stderr, "%s: count '%s', expected '%s'\n", path, buf, expected);
        return -1;
    }
    if (!*expected && getxattr(path, VB_SECURITY_DAC_XATTR_OWNER, buf, sizeof(buf)) >= 0) {
        fprintf(stderr, "%s: owner attribute left behind\n", path);
        return -1;
    }
    return 0;
}

static int
testLabelRestore(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("plain.img", 0600);

    if (!path || vbSecurityDACSetPath(&dac, path, false) < 0 ||
        testOwner(path, QEMU_UID, QEMU_GID, 0600) < 0 || testRef(path, "1") < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    return testOwner(path, 0, 0, 0600) < 0 || testRef(path, "") < 0 ? -1 : 0;
}

/* the original owner comes back exactly, whoever it was */
static int
testOtherOwner(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("owned.img", 0640);

    if (!path || chown(path, 1234, 5678) < 0 || vbSecurityDACSetPath(&dac, path, false) < 0 ||
        testOwner(path, QEMU_UID, QEMU_GID, 0640) < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    return testOwner(path, 1234, 5678, 0640);
}

/* two running domains share an image: the last one gives it back */
static int
testShared(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("shared.img", 0600);

    if (!path || vbSecurityDACSetPath(&dac, path, true) < 0 ||
        vbSecurityDACSetPath(&dac, path, true) < 0 || testRef(path, "2") < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    if (testOwner(path, QEMU_UID, QEMU_GID, 0600) < 0 || testRef(path, "1") < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    return testOwner(path, 0, 0, 0600) < 0 || testRef(path, "") < 0 ? -1 : 0;
}

/* a domain reads an image as it is, another then needs it labelled: the
 * first one stopping must not give it back under the second */
static int
testSharedReadable(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("shared-readable.img", 0644);

    if (!path || vbSecurityDACSetPath(&dac, path, true) < 0 ||
        vbSecurityDACSetPath(&dac, path, false) < 0 ||
        testOwner(path, QEMU_UID, QEMU_GID, 0644) < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    if (testOwner(path, QEMU_UID, QEMU_GID, 0644) < 0 || testRef(path, "1") < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    return testOwner(path, 0, 0, 0644) < 0 || testRef(path, "") < 0 ? -1 : 0;
}

/* In a mount namespace of its own, with a tmpfs over /var/mail (a system
 * path): a directory of the image's path swapped back and forth with a
 * symlink to /var/mail must never get /var/mail's file labelled.  0, or
 * the step that failed. */
static int
testResolveRaceChild(void)
{
    g_autofree char *race = g_build_filename(dir, "race", NULL);
    g_autofree char *a = g_build_filename(race, "a", NULL);
    g_autofree char *b = g_build_filename(race, "b", NULL);
    g_autofree char *decoy = g_build_filename(a, "victim", NULL);
    gint64 deadline = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    struct stat sb;
    pid_t racer;
    int ret = 0;

    if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", "/var/mail", "tmpfs", 0, "mode=0755") < 0)
        return 1;
    if (!g_file_set_contents("/var/mail/victim", "secret", 6, NULL) ||
        chmod("/var/mail/victim", 0600) < 0 || g_mkdir_with_parents(a, 0755) < 0 ||
        !g_file_set_contents(decoy, "data", 4, NULL) || chmod(decoy, 0600) < 0 ||
        symlink("/var/mail", b) < 0)
        return 2;
    if ((racer = fork()) < 0)
        return 3;
    if (racer == 0) {
        for (;;)
            renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
    }
    while (g_get_monotonic_time() < deadline) {
        if (vbSecurityDACSetPath(&dac, decoy, false) == 0)
            vbSecurityDACRestorePath(&dac, decoy);
        vbResetLastError();
        if (stat("/var/mail/victim", &sb) < 0 || sb.st_uid != 0) {
            ret = 4;
            break;
        }
    }
    kill(racer, SIGKILL);
    waitpid(racer, NULL, 0);
    return ret;
}

static int
testResolveRace(const void *opaque G_GNUC_UNUSED)
{
    int status;
    pid_t pid;

    if (access("/var/mail", F_OK) < 0)
        return 0;
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        /* the refusals the race provokes are expected */
        if (null >= 0)
            dup2(null, STDERR_FILENO);
        _exit(testResolveRaceChild());
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "race child: status %#x\n", status);
        return -1;
    }
    return 0;
}

/* labels of an earlier boot count nothing: no domain runs after a reboot */
static int
testStale(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("stale.img", 0600);
    const char *old = "00000000-0000-0000-0000-000000000000";

    if (!path || vbSecurityDACSetPath(&dac, path, false) < 0 ||
        setxattr(path, VB_SECURITY_DAC_XATTR_BOOT, old, strlen(old), 0) < 0)
        return -1;
    /* as libvirt: the file's owner now is its real one, here QEMU's user
     * already: nothing to label, nothing to give back */
    if (vbSecurityDACSetPath(&dac, path, false) < 0 || testRef(path, "") < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    if (testOwner(path, QEMU_UID, QEMU_GID, 0600) < 0 || testRef(path, "") < 0)
        return -1;
    /* and a stale label is never counted down as a current one */
    if (chown(path, 0, 0) < 0 || vbSecurityDACSetPath(&dac, path, false) < 0 ||
        setxattr(path, VB_SECURITY_DAC_XATTR_BOOT, old, strlen(old), 0) < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    return testOwner(path, QEMU_UID, QEMU_GID, 0600) < 0 || testRef(path, "") < 0 ? -1 : 0;
}

/* what QEMU only reads and can read keeps its owner */
static int
testReadable(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("readable.img", 0644);
    g_autofree char *secret = testFile("secret.img", 0600);

    if (!path || !secret || vbSecurityDACSetPath(&dac, path, true) < 0 ||
        testOwner(path, 0, 0, 0644) < 0 || testRef(path, "1") < 0)
        return -1;
    /* a second reader counts too, and changes nothing either */
    if (vbSecurityDACSetPath(&dac, path, true) < 0 || testOwner(path, 0, 0, 0644) < 0 ||
        testRef(path, "2") < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    vbSecurityDACRestorePath(&dac, path);
    if (testOwner(path, 0, 0, 0644) < 0 || testRef(path, "") < 0)
        return -1;
    /* read-only but unreadable: chowned as libvirt does */
    if (vbSecurityDACSetPath(&dac, secret, true) < 0 ||
        testOwner(secret, QEMU_UID, QEMU_GID, 0600) < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, secret);
    return testOwner(secret, 0, 0, 0600);
}

/* a symlink's target is labelled, never the link */
static int
testSymlink(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("target.img", 0600);
    g_autofree char *link = g_build_filename(dir, "link.img", NULL);

    unlink(link);
    if (!path || symlink(path, link) < 0 || vbSecurityDACSetPath(&dac, link, false) < 0 ||
        testOwner(path, QEMU_UID, QEMU_GID, 0600) < 0 || testOwner(link, 0, 0, 0777) < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, link);
    return testOwner(path, 0, 0, 0600);
}

static int
testExpectDenied(const char *path, bool readonly)
{
    if (vbSecurityDACSetPath(&dac, path, readonly) == 0) {
        fprintf(stderr, "'%s' was labelled\n", path);
        return -1;
    }
    if (vbGetLastErrorCode() != VIR_ERR_OPERATION_DENIED ||
        !strstr(vbGetLastErrorMessage(), path)) {
        fprintf(stderr, "unexpected error: %s\n", vbGetLastErrorMessage());
        return -1;
    }
    vbResetLastError();
    return 0;
}

/* /dev/null as a serial port's file: QEMU writes it as it is; a
 * directory is never given */
static int
testDevices(const void *opaque G_GNUC_UNUSED)
{
    struct stat sb;

    if (stat("/dev/null", &sb) < 0 || vbSecurityDACSetPath(&dac, "/dev/null", false) < 0 ||
        testOwner("/dev/null", sb.st_uid, sb.st_gid, sb.st_mode & 07777) < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, "/dev/null");
    if (testOwner("/dev/null", sb.st_uid, sb.st_gid, sb.st_mode & 07777) < 0)
        return -1;
    return testExpectDenied(dir, false);
}

/* a second name of a file might be /etc/shadow's */
static int
testHardLink(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("linked.img", 0600);
    g_autofree char *other = g_build_filename(dir, "other-name.img", NULL);

    unlink(other);
    if (!path || link(path, other) < 0 || testExpectDenied(path, false) < 0)
        return -1;
    return testOwner(path, 0, 0, 0600) < 0 || testRef(path, "") < 0 ? -1 : 0;
}

static int
testSystemPaths(const void *opaque G_GNUC_UNUSED)
{
    struct stat sb;

    if (!vbSecurityDACIsSystemPath("/etc/shadow", false) ||
        !vbSecurityDACIsSystemPath("/etc", false) ||
        !vbSecurityDACIsSystemPath("/usr/share/OVMF/OVMF_CODE.fd", false) ||
        !vbSecurityDACIsSystemPath("/dev/mem", false) ||
        !vbSecurityDACIsSystemPath("/run/virtblockd/qemu/vm.xml", false) ||
        !vbSecurityDACIsSystemPath(VB_LOCALSTATEDIR "/lib/virtblockd/log/vm.log", false) ||
        !vbSecurityDACIsSystemPath(VB_LOCALSTATEDIR "/lib/virtblockd/cache/qemu.xml", false) ||
        !vbSecurityDACIsSystemPath("/var/log/auth.log", false) ||
        vbSecurityDACIsSystemPath(VB_LOCALSTATEDIR "/lib/virtblockd/qemu/nvram/vm_VARS.fd",
                                  false) ||
        vbSecurityDACIsSystemPath("/dev/sdb", true) ||
        vbSecurityDACIsSystemPath("/etcetera/x.img", false) ||
        vbSecurityDACIsSystemPath("/var/lib/libvirt/images/x.img", false))
        return -1;
    if (stat("/etc/shadow", &sb) < 0)
        return 0;
    if (testExpectDenied("/etc/shadow", true) < 0)
        return -1;
    return testOwner("/etc/shadow", sb.st_uid, sb.st_gid, sb.st_mode & 07777);
}

/* a hostile image whose backing file is /etc/shadow: refused, and the
 * images labelled before are given back */
static int
testShadowChain(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *qemuImg = g_find_program_in_path("qemu-img");
    g_autofree char *path = g_build_filename(dir, "hostile.qcow2", NULL);
    g_autofree char *errout = NULL;
    g_autoptr(vbStorageSource) src = vbStorageSourceNew();
    struct stat sb;
    int status;
    const char *argv[] = {qemuImg,       "create", "-q",  "-f", "qcow2", "-u", "-b",
                          "/etc/shadow", "-F",     "raw", path, "1M",    NULL};

    if (!qemuImg || stat("/etc/shadow", &sb) < 0) {
        fprintf(stderr, "no qemu-img or /etc/shadow: skipped\n");
        return 0;
    }
    unlink(path);
    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                      &errout, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL) || chmod(path, 0600) < 0) {
        fprintf(stderr, "qemu-img failed: %s\n", errout ? errout : "");
        return -1;
    }
    src->type = VB_STORAGE_TYPE_FILE;
    src->format = VB_STORAGE_FORMAT_QCOW2;
    src->path = g_strdup(path);
    if (vbStorageChainProbe(src, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
        return -1;
    if (vbSecurityDACSetSource(&dac, src, true) == 0) {
        fprintf(stderr, "the chain was labelled\n");
        return -1;
    }
    if (!strstr(vbGetLastErrorMessage(), "/etc/shadow"))
        return -1;
    vbResetLastError();
    if (testOwner(path, 0, 0, 0600) < 0 || testRef(path, "") < 0)
        return -1;
    return testOwner("/etc/shadow", sb.st_uid, sb.st_gid, sb.st_mode & 07777);
}

/* a labelled image replaced by a hard link to another labelled one (its
 * directory is QEMU's): giving back the first name must leave the second
 * file alone, and the name is refused until the second one is given back */
static int
testReplacedByLink(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *first = testFile("first.img", 0600);
    g_autofree char *second = testFile("second.img", 0600);

    if (!first || !second || vbSecurityDACSetPath(&dac, first, false) < 0 ||
        vbSecurityDACSetPath(&dac, second, false) < 0 || unlink(first) < 0 ||
        link(second, first) < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, first);
    if (testOwner(second, QEMU_UID, QEMU_GID, 0600) < 0 || testRef(second, "1") < 0)
        return -1;
    if (testExpectDenied(first, false) < 0 || testRef(second, "1") < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, second);
    return testOwner(second, 0, 0, 0600) < 0 || testRef(second, "") < 0 ? -1 : 0;
}

/* a block commit makes its base writable: a base the domain read as it
 * was is counted once, and its one restore gives it back */
static int
testAllowWriteCounted(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testFile("commit-base.img", 0644);

    if (!path || vbSecurityDACSetPath(&dac, path, true) < 0 ||
        vbSecurityDACAllowWrite(&dac, path) < 0 || testOwner(path, QEMU_UID, QEMU_GID, 0644) < 0 ||
        testRef(path, "1") < 0)
        return -1;
    vbSecurityDACRestorePath(&dac, path);
    return testOwner(path, 0, 0, 0644) < 0 || testRef(path, "") < 0 ? -1 : 0;
}

static int
mymain(void)
{
    int ret = 0;

    if (geteuid() != 0) {
        fprintf(stderr, "needs root: skipped\n");
        return 77;
    }
    if (!(dir = vbTestMakeTempDir()))
        return -1;
    if (chmod(dir, 0755) < 0)
        ret = -1;
    if (vbTestRun("label and restore", testLabelRestore, NULL) < 0)
        ret = -1;
    if (vbTestRun("the original owner comes back", testOtherOwner, NULL) < 0)
        ret = -1;
    if (vbTestRun("shared by two domains", testShared, NULL) < 0)
        ret = -1;
    if (vbTestRun("read as it is, then labelled by another", testSharedReadable, NULL) < 0)
        ret = -1;
    if (vbTestRun("a directory swapped while resolving", testResolveRace, NULL) < 0)
        ret = -1;
    if (vbTestRun("replaced by a link to another labelled file", testReplacedByLink, NULL) < 0)
        ret = -1;
    if (vbTestRun("a read base made writable", testAllowWriteCounted, NULL) < 0)
        ret = -1;
    if (vbTestRun("labels of an earlier boot", testStale, NULL) < 0)
        ret = -1;
    if (vbTestRun("readable read-only files keep their owner", testReadable, NULL) < 0)
        ret = -1;
    if (vbTestRun("symlinks", testSymlink, NULL) < 0)
        ret = -1;
    if (vbTestRun("devices and directories", testDevices, NULL) < 0)
        ret = -1;
    if (vbTestRun("hard links refused", testHardLink, NULL) < 0)
        ret = -1;
    if (vbTestRun("system files refused", testSystemPaths, NULL) < 0)
        ret = -1;
    if (vbTestRun("a chain reaching /etc/shadow", testShadowChain, NULL) < 0)
        ret = -1;
    vbTestCleanupDir(dir);
    g_free(dir);
    return ret;
}

VB_TEST_MAIN(mymain)
