/*
 * vbsandboxtest.c: the seccomp filter of qemu-storage-daemon refuses what
 * it says and lets the rest through
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdio.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbsandbox.h"
#include "testutils.h"

static void *
testSandboxThread(void *opaque)
{
    return opaque;
}

/* in a child, as the filter stays with the process: 0 when all is as
 * expected, else the number of the first check that failed */
static int
testSandboxChild(void)
{
    cpu_set_t set;
    pthread_t thread;
    void *ret = NULL;
    pid_t pid;

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || vbSandboxApply() < 0)
        return 1;
    /* elevateprivileges: even to the ids it already has */
    if (setgid(getgid()) != -1 || errno != EPERM)
        return 2;
    if (setuid(getuid()) != -1 || errno != EPERM)
        return 3;
    /* resourcecontrol */
    if (setpriority(PRIO_PROCESS, 0, 0) != -1 || errno != EPERM)
        return 4;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) < 0)
        return 5; /* reading is allowed */
    if (sched_setaffinity(0, sizeof(set), &set) != -1 || errno != EPERM)
        return 6;
    /* the rest works */
    if (getpid() <= 0 || access("/", F_OK) < 0)
        return 7;
    /* spawn: glibc's fork() is clone() without CLONE_THREAD */
    if ((pid = fork()) == 0)
        _exit(0);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    if (pid != -1 || errno != EPERM)
        return 8;
    /* but threads are still created (clone3 refused, clone used) */
    if (pthread_create(&thread, NULL, testSandboxThread, &set) != 0 ||
        pthread_join(thread, &ret) != 0 || ret != &set)
        return 9;
    return 0;
}

static int
testSandbox(const void *opaque G_GNUC_UNUSED)
{
    int status;
    pid_t pid;

#if !defined(__x86_64__)
    /* no filter here: the storage daemon runs without one */
    return vbSandboxSupported() ? -1 : 0;
#endif
    if (!vbSandboxSupported())
        return -1;
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0)
        _exit(testSandboxChild());
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        fprintf(stderr, "filtered child did not exit normally (status %#x)\n", status);
        return -1;
    }
    if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "check %d failed in the filtered child\n", WEXITSTATUS(status));
        return -1;
    }
    return 0;
}

static int
mymain(void)
{
    return vbTestRun("filter", testSandbox, NULL);
}

VB_TEST_MAIN(mymain)
