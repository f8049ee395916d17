/*
 * testutils.c: the harness every unit and golden test uses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbfile.h"
#include "testutils.h"

static unsigned int testCounter;
static GString *testFailed;
static const char *testProgName;
static GArray *testRange; /* pairs of [lo, hi] */

bool
vbTestDebug(void)
{
    const char *v = g_getenv("VB_TEST_DEBUG");

    return v && *v && strcmp(v, "0") != 0;
}

static bool
vbTestRegenerate(void)
{
    const char *v = g_getenv("VB_TEST_REGENERATE_OUTPUT");

    return v && *v && strcmp(v, "0") != 0;
}

static void
vbTestParseRange(void)
{
    const char *v = g_getenv("VB_TEST_RANGE");
    g_auto(GStrv) parts = NULL;
    size_t i;

    if (!v || !*v)
        return;
    testRange = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    parts = g_strsplit(v, ",", -1);
    for (i = 0; parts[i]; i++) {
        unsigned int lo;
        unsigned int hi;
        char *dash = strchr(parts[i], '-');

        lo = strtoul(parts[i], NULL, 10);
        hi = dash ? strtoul(dash + 1, NULL, 10) : lo;
        g_array_append_val(testRange, lo);
        g_array_append_val(testRange, hi);
    }
}

static bool
vbTestInRange(unsigned int n)
{
    size_t i;

    if (!testRange)
        return true;
    for (i = 0; i + 1 < testRange->len; i += 2) {
        if (n >= g_array_index(testRange, unsigned int, i) &&
            n <= g_array_index(testRange, unsigned int, i + 1))
            return true;
    }
    return false;
}

int
vbTestRun(const char *name, int (*body)(const void *opaque), const void *opaque)
{
    unsigned int n = ++testCounter;
    int ret;

    if (!vbTestInRange(n))
        return 0;

    vbResetLastError();
    ret = body(opaque);
    if (ret < 0) {
        g_string_append_printf(testFailed, "%s%u", testFailed->len ? "," : "", n);
        fprintf(stderr, "%3u) %-60s ... FAILED\n", n, name);
        if (vbGetLastError())
            fprintf(stderr, "     last error: %s\n", vbGetLastErrorMessage());
    } else if (vbTestDebug()) {
        fprintf(stderr, "%3u) %-60s ... OK\n", n, name);
    }
    return ret;
}

static void
vbTestPrintDiff(const char *expected, const char *actual)
{
    g_autofree char *dir = vbTestMakeTempDir();
    g_autofree char *a = g_build_filename(dir, "expected", NULL);
    g_autofree char *b = g_build_filename(dir, "actual", NULL);
    g_autofree char *cmd = NULL;

    if (g_file_set_contents(a, expected, -1, NULL) && g_file_set_contents(b, actual, -1, NULL)) {
        cmd = g_strdup_printf("diff -u '%s' '%s' >&2", a, b);
        if (system(cmd) < 0)
            fprintf(stderr, "cannot run diff\n");
    }
    vbTestCleanupDir(dir);
}

int
vbTestCompareStrings(const char *expected, const char *actual)
{
    if (g_strcmp0(expected, actual) == 0)
        return 0;
    if (vbTestDebug()) {
        fprintf(stderr, "strings differ:\n");
        vbTestPrintDiff(expected ? expected : "(null)\n", actual ? actual : "(null)\n");
    }
    return -1;
}

int
vbTestCompareToFile(const char *actual, const char *path)
{
    g_autofree char *expected = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &expected, NULL, &err)) {
        if (!vbTestRegenerate()) {
            fprintf(stderr, "cannot read golden file %s: %s\n", path, err->message);
            return -1;
        }
        /* a new golden file: written below */
        g_clear_error(&err);
    }
    if (expected && g_strcmp0(expected, actual) == 0)
        return 0;

    if (vbTestRegenerate()) {
        if (!g_file_set_contents(path, actual, -1, &err)) {
            fprintf(stderr, "cannot write golden file %s: %s\n", path, err->message);
            return -1;
        }
        return 0;
    }
    if (vbTestDebug()) {
        fprintf(stderr, "output differs from %s:\n", path);
        vbTestPrintDiff(expected, actual);
    }
    return -1;
}

char *
vbTestSrcPath(const char *relpath)
{
    const char *srcdir = g_getenv("VB_TEST_SRCDIR");

    if (!srcdir)
        srcdir = VB_TEST_SRCDIR;
    return g_build_filename(srcdir, relpath, NULL);
}

char *
vbTestMakeTempDir(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("vbtest-XXXXXX", &err);

    if (!dir)
        g_error("cannot create temporary directory: %s", err->message);
    return dir;
}

void
vbTestCleanupDir(const char *dir)
{
    g_autoptr(GDir) d = NULL;
    const char *name;

    if (!dir || !(d = g_dir_open(dir, 0, NULL)))
        return;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK))
            vbTestCleanupDir(path);
        else
            unlink(path);
    }
    rmdir(dir);
}

int
vbTestMain(int argc, char **argv, int (*func)(void))
{
    g_autofree char *fakeHome = NULL;
    int ret;

    testProgName = argv[0];
    setlocale(LC_ALL, "C");
    g_setenv("LC_ALL", "C", TRUE);
    g_setenv("TZ", "UTC", TRUE);
    fakeHome = g_build_filename(g_get_tmp_dir(), "vbtest-bogus-home", NULL);
    g_setenv("HOME", fakeHome, TRUE);
    g_setenv("XDG_CONFIG_HOME", fakeHome, TRUE);
    g_setenv("XDG_RUNTIME_DIR", fakeHome, TRUE);

    testFailed = g_string_new(NULL);
    vbTestParseRange();

    ret = func();

    fprintf(stderr, "%u cases run\n", testCounter);
    if (testFailed->len) {
        fprintf(stderr,
                "Some cases failed; rerun them with:\n  VB_TEST_DEBUG=1 VB_TEST_RANGE=%s %s\n",
                testFailed->str, testProgName);
        ret = -1;
    }
    g_string_free(testFailed, TRUE);
    return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
