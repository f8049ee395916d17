/*
 * vblogtest.c: the log file the daemon owns, and descriptors it does not
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vblog.h"
#include "testutils.h"

/* A descriptor given with vbLogSetOutputFd after vbLogOpenFile is the
 * caller's: neither a reopen (SIGHUP) nor vbLogClose closes it, and the
 * file opened before is closed, not leaked. */
static int
testSetFdAfterFile(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *tmp = g_dir_make_tmp("vblogtest-XXXXXX", NULL);
    g_autofree char *path = NULL;
    int pipefd[2] = {-1, -1};
    int ret = -1;

    if (!tmp)
        return -1;
    path = g_build_filename(tmp, "virtblockd.log", NULL);
    if (pipe(pipefd) < 0 || vbLogOpenFile(path) < 0)
        goto cleanup;
    vbLogSetOutputFd(pipefd[1]);
    if (vbLogReopen() != 0) {
        fprintf(stderr, "the log file was reopened after vbLogSetOutputFd\n");
        goto cleanup;
    }
    vbLogClose();
    if (fcntl(pipefd[1], F_GETFD) < 0) {
        fprintf(stderr, "the caller's descriptor was closed\n");
        pipefd[1] = -1;
        goto cleanup;
    }
    ret = 0;

cleanup:
    vbLogSetOutputFd(-1);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (path)
        unlink(path);
    rmdir(tmp);
    return ret;
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("an fd set after a log file is the caller's", testSetFdAfterFile, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
