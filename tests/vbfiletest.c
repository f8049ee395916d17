/*
 * vbfiletest.c: the daemon's directories made safely, planted links refused
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbfile.h"
#include "testutils.h"

typedef struct {
    char *tmp;  /* mkdtemp's, 0700, ours */
    char *base; /* tmp/base */
} testDirs;

static void
testDirsClear(testDirs *d)
{
    if (d->tmp) {
        const char *argv[] = {"rm", "-rf", d->tmp, NULL};

        g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                     NULL);
    }
    g_free(d->tmp);
    g_free(d->base);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(testDirs, testDirsClear);

static int
testDirsInit(testDirs *d)
{
    if (!(d->tmp = g_dir_make_tmp("vbfiletest-XXXXXX", NULL)))
        return -1;
    d->base = g_build_filename(d->tmp, "base", NULL);
    return 0;
}

static int
testExpectError(int rc, const char *expected)
{
    if (rc != -1 || vbGetLastErrorCode() != VIR_ERR_OPERATION_INVALID) {
        fprintf(stderr, "expected a refusal: %s\n", expected);
        return -1;
    }
    if (vbTestCompareStrings(expected, vbGetLastErrorMessage()) < 0)
        return -1;
    vbResetLastError();
    return 0;
}

static mode_t
testMode(const char *path)
{
    struct stat sb;

    return stat(path, &sb) < 0 ? (mode_t) -1 : (sb.st_mode & 07777);
}

/* missing directories made: @path with its mode, the way to it 0755 */
static int
testCreate(const void *opaque G_GNUC_UNUSED)
{
    g_auto(testDirs) d = {0};
    g_autofree char *deep = NULL;
    g_autofree char *mid = NULL;

    if (testDirsInit(&d) < 0)
        return -1;
    deep = g_build_filename(d.base, "run", "qemu", NULL);
    mid = g_build_filename(d.base, "run", NULL);
    if (vbFileMakeSafeDir(d.base, deep, 0700) < 0)
        return -1;
    if (testMode(d.base) != 0755 || testMode(mid) != 0755 || testMode(deep) != 0700)
        return -1;
    /* again: all there and fine */
    if (vbFileMakeSafeDir(d.base, deep, 0700) < 0 || vbFileMakeSafeDir(d.base, d.base, 0755) < 0)
        return -1;
    return 0;
}

/* a link is refused at the base and below it, not followed */
static int
testSymlink(const void *opaque G_GNUC_UNUSED)
{
    g_auto(testDirs) d = {0};
    g_autofree char *target = NULL;
    g_autofree char *config = NULL;
    g_autofree char *below = NULL;
    g_autofree char *inTarget = NULL;
    g_autofree char *msg = NULL;

    if (testDirsInit(&d) < 0)
        return -1;
    target = g_build_filename(d.tmp, "elsewhere", NULL);
    config = g_build_filename(d.base, "config", NULL);
    below = g_build_filename(config, "qemu", NULL);
    inTarget = g_build_filename(target, "qemu", NULL);
    if (mkdir(target, 0700) < 0 || mkdir(d.base, 0700) < 0 || symlink(target, config) < 0)
        return -1;
    msg = g_strdup_printf("Requested operation is not valid: cannot use directory '%s': it is "
                          "a symbolic link",
                          config);
    if (testExpectError(vbFileMakeSafeDir(d.base, below, 0700), msg) < 0)
        return -1;
    if (access(inTarget, F_OK) == 0)
        return -1;
    return 0;
}

/* a way to the base through a directory others may write to is refused
 * before anything is created in it */
static int
testUnsafeWayCreatesNothing(const void *opaque G_GNUC_UNUSED)
{
    g_auto(testDirs) d = {0};
    g_autofree char *open = NULL;
    g_autofree char *sub = NULL;
    g_autofree char *root = NULL;
    g_autofree char *msg = NULL;

    if (testDirsInit(&d) < 0)
        return -1;
    open = g_build_filename(d.tmp, "open", NULL);
    sub = g_build_filename(open, "sub", NULL);
    root = g_build_filename(sub, "root", NULL);
    if (mkdir(open, 0700) < 0 || chmod(open, 0777) < 0)
        return -1;
    msg = g_strdup_printf("Requested operation is not valid: cannot use directory '%s': it is "
                          "writable by other users (mode 0777) without the sticky bit",
                          open);
    if (testExpectError(vbFileMakeSafeDir(root, root, 0700), msg) < 0)
        return -1;
    if (access(sub, F_OK) == 0) {
        fprintf(stderr, "'%s' was created\n", sub);
        return -1;
    }
    return 0;
}

/* writable by others: refused at the base (sticky or not) and below; on
 * the way to the base only without the sticky bit */
static int
testWritable(const void *opaque G_GNUC_UNUSED)
{
    g_auto(testDirs) d = {0};
    g_autofree char *log = NULL;
    g_autofree char *msg = NULL;
    g_autofree char *open = NULL;
    g_autofree char *inOpen = NULL;

    if (testDirsInit(&d) < 0)
        return -1;
    log = g_build_filename(d.base, "log", NULL);
    if (vbFileMakeSafeDir(d.base, log, 0700) < 0)
        return -1;

    if (chmod(d.base, 01777) < 0)
        return -1;
    msg = g_strdup_printf("Requested operation is not valid: cannot use directory '%s': it is "
                          "writable by other users (mode 1777)",
                          d.base);
    if (testExpectError(vbFileMakeSafeDir(d.base, log, 0700), msg) < 0)
        return -1;
    if (chmod(d.base, 0755) < 0 || chmod(log, 0720) < 0)
        return -1;
    g_free(msg);
    msg = g_strdup_printf("Requested operation is not valid: cannot use directory '%s': it is "
                          "writable by other users (mode 0720)",
                          log);
    if (testExpectError(vbFileMakeSafeDir(d.base, log, 0700), msg) < 0)
        return -1;

    /* a sticky, world-writable parent (/tmp) is fine; without sticky not */
    open = g_build_filename(d.tmp, "open", NULL);
    inOpen = g_build_filename(open, "base", NULL);
    if (mkdir(open, 0700) < 0 || chmod(open, 01777) < 0)
        return -1;
    if (vbFileMakeSafeDir(inOpen, inOpen, 0755) < 0)
        return -1;
    if (chmod(open, 0777) < 0)
        return -1;
    g_free(msg);
    msg = g_strdup_printf("Requested operation is not valid: cannot use directory '%s': it is "
                          "writable by other users (mode 0777) without the sticky bit",
                          open);
    if (testExpectError(vbFileMakeSafeDir(inOpen, inOpen, 0755), msg) < 0)
        return -1;
    return 0;
}

/* definitions: a link or a FIFO is refused, a regular file read */
static int
testReadOwn(const void *opaque G_GNUC_UNUSED)
{
    g_auto(testDirs) d = {0};
    g_autofree char *file = NULL;
    g_autofree char *link = NULL;
    g_autofree char *fifo = NULL;
    g_autofree char *content = NULL;
    g_autofree char *msg = NULL;

    if (testDirsInit(&d) < 0)
        return -1;
    file = g_build_filename(d.tmp, "a.xml", NULL);
    link = g_build_filename(d.tmp, "b.xml", NULL);
    fifo = g_build_filename(d.tmp, "c.xml", NULL);
    if (!g_file_set_contents(file, "<a/>", -1, NULL) || symlink(file, link) < 0 ||
        mkfifo(fifo, 0600) < 0)
        return -1;
    if (vbFileReadOwn(file, 100, &content) != 4 || strcmp(content, "<a/>") != 0)
        return -1;
    g_clear_pointer(&content, g_free);
    msg = g_strdup_printf("Requested operation is not valid: cannot read '%s': it is a symbolic "
                          "link",
                          link);
    if (testExpectError(vbFileReadOwn(link, 100, &content), msg) < 0)
        return -1;
    g_free(msg);
    msg = g_strdup_printf("Requested operation is not valid: cannot read '%s': it is not a "
                          "regular file",
                          fifo);
    if (testExpectError(vbFileReadOwn(fifo, 100, &content), msg) < 0)
        return -1;
    /* vbFileReadAll still follows links (firmware templates are links) */
    if (vbFileReadAll(link, 100, &content) != 4)
        return -1;
    return 0;
}

/* vbFileRemoveAtIfSame: the very file only, relative to the directory */
static int
testRemoveAtIfSame(const void *opaque G_GNUC_UNUSED)
{
    g_auto(testDirs) d = {0};
    g_autofree char *file = NULL;
    g_autofree char *other = NULL;
    struct stat st;
    struct stat otherSt;
    int dirfd;
    int rc[4];

    if (testDirsInit(&d) < 0)
        return -1;
    file = g_build_filename(d.tmp, "f", NULL);
    other = g_build_filename(d.tmp, "o", NULL);
    if (!g_file_set_contents(file, "f", -1, NULL) || !g_file_set_contents(other, "o", -1, NULL) ||
        stat(file, &st) < 0 || stat(other, &otherSt) < 0)
        return -1;
    if ((dirfd = open(d.tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return -1;
    rc[0] = vbFileRemoveAtIfSame(dirfd, "o", &st);       /* another file: kept */
    rc[1] = vbFileRemoveAtIfSame(dirfd, "missing", &st); /* nothing: 0 */
    rc[2] = vbFileRemoveAtIfSame(dirfd, "f", &st);       /* removed */
    rc[3] = vbFileRemoveAtIfSame(dirfd, "f", &st);       /* gone by now */
    close(dirfd);
    if (rc[0] != 0 || rc[1] != 0 || rc[2] != 1 || rc[3] != 0) {
        fprintf(stderr, "got %d %d %d %d\n", rc[0], rc[1], rc[2], rc[3]);
        return -1;
    }
    if (access(file, F_OK) == 0 || access(other, F_OK) < 0)
        return -1;
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("missing directories made with safe modes", testCreate, NULL) < 0)
        ret = -1;
    if (vbTestRun("a symlinked directory is refused", testSymlink, NULL) < 0)
        ret = -1;
    if (vbTestRun("directories writable by others are refused", testWritable, NULL) < 0)
        ret = -1;
    if (vbTestRun("an unsafe way gains no directory", testUnsafeWayCreatesNothing, NULL) < 0)
        ret = -1;
    if (vbTestRun("own files: links and FIFOs refused", testReadOwn, NULL) < 0)
        ret = -1;
    if (vbTestRun("remove at a directory: the very file only", testRemoveAtIfSame, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
