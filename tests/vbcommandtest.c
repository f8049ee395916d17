/*
 * vbcommandtest.c: helpers run to their end, or are killed at their timeout
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbcommand.h"
#include "vberror.h"
#include "testutils.h"

static int
testExitAndStderr(const void *opaque G_GNUC_UNUSED)
{
    const char *const argv[] = {"/bin/sh", "-c", "echo ' bad input ' >&2; exit 3", NULL};
    g_autofree char *err = NULL;
    int status;

    if (vbCommandRun(argv, -1, 10, &status, &err) < 0)
        return -1;
    if (status != 3) {
        fprintf(stderr, "exit status %d, expected 3\n", status);
        return -1;
    }
    return vbTestCompareStrings("bad input", err);
}

/* Standard output is kept apart from standard error, all of it when it
 * is more than a pipe holds (read while the helper runs), cut at the
 * limit given. */
static int
testOutput(const void *opaque G_GNUC_UNUSED)
{
    const char *const argv[] = {
        "/bin/sh", "-c", "echo to-err >&2; head -c 200000 /dev/zero | tr '\\0' x; echo; exit 0",
        NULL};
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *cut = NULL;
    g_autofree char *err2 = NULL;
    int status;

    if (vbCommandRunOutput(argv, -1, 10, 1024 * 1024, &status, &out, &err) < 0 || status != 0)
        return -1;
    if (strlen(out) != 200001 || out[0] != 'x' || out[199999] != 'x') {
        fprintf(stderr, "standard output of %zu bytes, expected 200001\n", strlen(out));
        return -1;
    }
    if (vbTestCompareStrings("to-err", err) < 0)
        return -1;
    if (vbCommandRunOutput(argv, -1, 10, 10, &status, &cut, &err2) < 0 || status != 0)
        return -1;
    return vbTestCompareStrings("xxxxxxxxxx", cut);
}

/* The descriptor passed is the helper's 3, the same open file. */
static int
testPassFd(const void *opaque G_GNUC_UNUSED)
{
    const char *const argv[] = {"/bin/sh", "-c", "echo written >&3", NULL};
    g_autofree char *dir = vbTestMakeTempDir();
    g_autofree char *path = g_build_filename(dir, "out", NULL);
    g_autofree char *err = NULL;
    g_autofree char *content = NULL;
    int status;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int ret = -1;

    if (fd < 0)
        goto cleanup;
    if (vbCommandRun(argv, fd, 10, &status, &err) < 0 || status != 0)
        goto cleanup;
    if (!g_file_get_contents(path, &content, NULL, NULL))
        goto cleanup;
    ret = vbTestCompareStrings("written\n", content);
cleanup:
    if (fd >= 0)
        close(fd);
    vbTestCleanupDir(dir);
    return ret;
}

/* Whether @pid is gone: a killed process the helper left is reparented
 * and reaped by init, which may take a moment (the SIGKILL is sent
 * already: this waits for no decision, only for init). */
static int
checkGone(pid_t pid)
{
    int tries;

    for (tries = 0; tries < 500 && kill(pid, 0) == 0; tries++) {
        g_autofree char *statPath = g_strdup_printf("/proc/%d/stat", (int) pid);
        g_autofree char *stat = NULL;

        if (g_file_get_contents(statPath, &stat, NULL, NULL) && strstr(stat, ") Z "))
            return 0;
        g_usleep(10000);
    }
    if (tries == 500) {
        fprintf(stderr, "process %d of the helper is still running\n", (int) pid);
        kill(pid, SIGKILL);
        return -1;
    }
    return 0;
}

/* A helper that ends at once but leaves a child running in the
 * background: the child is not left behind. */
static int
testLeftChild(const void *opaque G_GNUC_UNUSED)
{
    const char *const argv[] = {"/bin/sh", "-c",
                                "sleep 300 </dev/null >/dev/null 2>&1 & echo $! >&2; exit 0", NULL};
    g_autofree char *err = NULL;
    int status;
    int ret = -1;
    pid_t pid;

    if (vbCommandRun(argv, -1, 10, &status, &err) < 0)
        return -1;
    if (status != 0 || (pid = atoi(err)) <= 0) {
        fprintf(stderr, "exit status %d, standard error '%s'\n", status, err);
        return -1;
    }
    ret = checkGone(pid);
    return ret;
}

/* A helper that never ends, and its child: both killed at the timeout,
 * the error naming the command. */
static int
testTimeout(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = vbTestMakeTempDir();
    g_autofree char *pids = g_build_filename(dir, "pids", NULL);
    g_autofree char *script =
        g_strdup_printf("echo $$ > %s; sleep 300 & echo $! >> %s; exec sleep 300", pids, pids);
    const char *const argv[] = {"/bin/sh", "-c", script, NULL};
    g_autofree char *err = NULL;
    g_autofree char *content = NULL;
    g_auto(GStrv) lines = NULL;
    gint64 start = g_get_monotonic_time();
    int status;
    int ret = -1;
    size_t i;

    if (vbCommandRun(argv, -1, 1, &status, &err) == 0) {
        fprintf(stderr, "a hanging helper was not stopped\n");
        goto cleanup;
    }
    if (vbGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT ||
        !strstr(vbGetLastErrorMessage(), "did not finish within 1 seconds") ||
        !strstr(vbGetLastErrorMessage(), "exec sleep 300")) {
        fprintf(stderr, "wrong error: %s\n", vbGetLastErrorMessage());
        goto cleanup;
    }
    if (g_get_monotonic_time() - start > 10 * G_USEC_PER_SEC) {
        fprintf(stderr, "took too long to stop\n");
        goto cleanup;
    }
    if (!g_file_get_contents(pids, &content, NULL, NULL))
        goto cleanup;
    lines = g_strsplit(g_strstrip(content), "\n", -1);
    if (g_strv_length(lines) != 2) {
        fprintf(stderr, "expected two pids, got '%s'\n", content);
        goto cleanup;
    }
    for (i = 0; lines[i]; i++) {
        if (checkGone(atoi(lines[i])) < 0)
            goto cleanup;
    }
    ret = 0;
cleanup:
    vbResetLastError();
    vbTestCleanupDir(dir);
    return ret;
}

/* The environment variable overrides the caller's timeout. */
static int
testTimeoutEnv(const void *opaque G_GNUC_UNUSED)
{
    const char *const argv[] = {"/bin/sh", "-c", "exec sleep 300", NULL};
    g_autofree char *err = NULL;
    int status;
    int rc;

    g_setenv(VB_COMMAND_TIMEOUT_ENV, "1", TRUE);
    rc = vbCommandRun(argv, -1, 600, &status, &err);
    g_unsetenv(VB_COMMAND_TIMEOUT_ENV);
    if (rc == 0 || vbGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT) {
        fprintf(stderr, "the timeout from the environment was not used\n");
        return -1;
    }
    vbResetLastError();
    return 0;
}

static int
testNotFound(const void *opaque G_GNUC_UNUSED)
{
    const char *const argv[] = {"/nonexistent/qemu-img", "create", NULL};
    g_autofree char *err = NULL;
    int status;

    if (vbCommandRun(argv, -1, 10, &status, &err) == 0 ||
        !strstr(vbGetLastErrorMessage(), "/nonexistent/qemu-img")) {
        fprintf(stderr, "a missing program was not reported\n");
        return -1;
    }
    vbResetLastError();
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("exit status and standard error", testExitAndStderr, NULL) < 0)
        ret = -1;
    if (vbTestRun("standard output kept", testOutput, NULL) < 0)
        ret = -1;
    if (vbTestRun("descriptor passed as 3", testPassFd, NULL) < 0)
        ret = -1;
    if (vbTestRun("killed with its child at the timeout", testTimeout, NULL) < 0)
        ret = -1;
    if (vbTestRun("a child left running is killed", testLeftChild, NULL) < 0)
        ret = -1;
    if (vbTestRun("timeout from the environment", testTimeoutEnv, NULL) < 0)
        ret = -1;
    if (vbTestRun("missing program", testNotFound, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
