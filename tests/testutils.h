/*
 * testutils.h: the harness every unit and golden test uses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Environment:
 *   VB_TEST_DEBUG=1               print each case and the diff of a failure
 *   VB_TEST_RANGE=4,9-11          run only these case numbers
 *   VB_TEST_REGENERATE_OUTPUT=1   rewrite golden files that differ (then
 *                                 read `git diff tests/` line by line)
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

/* Runs one case: prints "N) name ... OK|FAILED" when debugging and
 * records the failure.  Returns the body's result. */
int vbTestRun(const char *name, int (*body)(const void *opaque), const void *opaque);

/* Compares @actual with the golden file @path; regenerates it when asked.
 * On a mismatch prints a unified diff (with VB_TEST_DEBUG) and returns -1. */
int vbTestCompareToFile(const char *actual, const char *path);

/* Fails with a message unless @actual == @expected. */
int vbTestCompareStrings(const char *expected, const char *actual);

/* Absolute path of a file under tests/ in the source tree. */
char *vbTestSrcPath(const char *relpath);
/* A fresh temporary directory, removed with its content by vbTestCleanupDir. */
char *vbTestMakeTempDir(void);
void vbTestCleanupDir(const char *dir);

bool vbTestDebug(void);

/* Sets up a predictable environment (LC_ALL=C, bogus HOME), runs @func,
 * prints a line that reruns the failed cases, and returns the exit code. */
int vbTestMain(int argc, char **argv, int (*func)(void));

#define VB_TEST_MAIN(func) \
    int main(int argc, char **argv) \
    { \
        return vbTestMain(argc, argv, func); \
    }
