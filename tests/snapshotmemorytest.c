/*
 * snapshotmemorytest.c: the memory file of a failed snapshot is removed
 * from the directory it was created in, and only if it is still that file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each case creates the file as a memory snapshot does
 * (vbSnapshotMemoryFileCreate), changes what its path leads to as another
 * process could meanwhile, and checks what vbSnapshotMemoryFileRemove
 * leaves behind.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbsnapshotmemory.h"
#include "testutils.h"

/* The state of @path: 'f' a file with @ino, 'o' another file, 'l' a
 * symbolic link, '-' nothing. */
static char
testEntry(const char *path, ino_t ino)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return '-';
    if (S_ISLNK(st.st_mode))
        return 'l';
    return st.st_ino == ino ? 'f' : 'o';
}

static int
testExpectEntry(const char *path, ino_t ino, char expected)
{
    char got = testEntry(path, ino);

    if (got == expected)
        return 0;
    fprintf(stderr, "%s: expected '%c', found '%c'\n", path, expected, got);
    return -1;
}

/* The directory is moved away after the file was made, and a link to the
 * file (same inode) is put under the old path: the file removed is the
 * one in the directory it was made in, not the entry at its old path. */
static int
testDirectoryMoved(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *tmp = vbTestMakeTempDir();
    g_autofree char *dirA = g_build_filename(tmp, "a", NULL);
    g_autofree char *dirB = g_build_filename(tmp, "b", NULL);
    g_autofree char *path = g_build_filename(dirA, "s1.mem", NULL);
    g_autofree char *moved = g_build_filename(dirB, "s1.mem", NULL);
    g_auto(vbSnapshotMemoryFile) mf = VB_SNAPSHOT_MEMORY_FILE_INIT;
    int ret = -1;

    if (mkdir(dirA, 0700) < 0 || vbSnapshotMemoryFileCreate(&mf, path) < 0)
        goto cleanup;
    if (rename(dirA, dirB) < 0 || mkdir(dirA, 0700) < 0 || link(moved, path) < 0)
        goto cleanup;
    vbSnapshotMemoryFileRemove(&mf);
    if (testExpectEntry(moved, mf.st.st_ino, '-') < 0 ||
        testExpectEntry(path, mf.st.st_ino, 'f') < 0)
        goto cleanup;
    ret = 0;
cleanup:
    vbTestCleanupDir(tmp);
    return ret;
}

/* Another file under the name: kept */
static int
testFileReplaced(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *tmp = vbTestMakeTempDir();
    g_autofree char *path = g_build_filename(tmp, "s1.mem", NULL);
    g_auto(vbSnapshotMemoryFile) mf = VB_SNAPSHOT_MEMORY_FILE_INIT;
    int ret = -1;

    if (vbSnapshotMemoryFileCreate(&mf, path) < 0)
        goto cleanup;
    if (unlink(path) < 0 || !g_file_set_contents(path, "other", -1, NULL))
        goto cleanup;
    vbSnapshotMemoryFileRemove(&mf);
    if (testExpectEntry(path, mf.st.st_ino, 'o') < 0)
        goto cleanup;
    ret = 0;
cleanup:
    vbTestCleanupDir(tmp);
    return ret;
}

/* A symbolic link to the file under its name: neither is removed (the
 * link is not the file, and is not followed) */
static int
testSymlinkPlanted(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *tmp = vbTestMakeTempDir();
    g_autofree char *path = g_build_filename(tmp, "s1.mem", NULL);
    g_autofree char *kept = g_build_filename(tmp, "kept", NULL);
    g_auto(vbSnapshotMemoryFile) mf = VB_SNAPSHOT_MEMORY_FILE_INIT;
    int ret = -1;

    if (vbSnapshotMemoryFileCreate(&mf, path) < 0)
        goto cleanup;
    if (rename(path, kept) < 0 || symlink(kept, path) < 0)
        goto cleanup;
    vbSnapshotMemoryFileRemove(&mf);
    if (testExpectEntry(path, mf.st.st_ino, 'l') < 0 ||
        testExpectEntry(kept, mf.st.st_ino, 'f') < 0)
        goto cleanup;
    ret = 0;
cleanup:
    vbTestCleanupDir(tmp);
    return ret;
}

/* Nothing changed: removed */
static int
testRemoved(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *tmp = vbTestMakeTempDir();
    g_autofree char *path = g_build_filename(tmp, "s1.mem", NULL);
    g_auto(vbSnapshotMemoryFile) mf = VB_SNAPSHOT_MEMORY_FILE_INIT;
    int ret = -1;

    if (vbSnapshotMemoryFileCreate(&mf, path) < 0)
        goto cleanup;
    vbSnapshotMemoryFileRemove(&mf);
    if (testExpectEntry(path, mf.st.st_ino, '-') < 0)
        goto cleanup;
    ret = 0;
cleanup:
    vbTestCleanupDir(tmp);
    return ret;
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("unchanged file removed", testRemoved, NULL) < 0)
        ret = -1;
    if (vbTestRun("directory moved: removed where it was made", testDirectoryMoved, NULL) < 0)
        ret = -1;
    if (vbTestRun("another file in its place is kept", testFileReplaced, NULL) < 0)
        ret = -1;
    if (vbTestRun("a link in its place is kept, not followed", testSymlinkPlanted, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
