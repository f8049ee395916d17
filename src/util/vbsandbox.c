/*
 * vbsandbox.c: a seccomp filter for helpers without QEMU's -sandbox
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "vbinternal.h"
#include "vbsandbox.h"

#if defined(__x86_64__)

/* refuse system call @nr with EPERM, else go on */
#    define VB_SANDBOX_DENY(nr) \
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

/* the x32 ABI's numbers have this bit; ours never */
#    define VB_SANDBOX_X32_BIT 0x40000000

static struct sock_filter vbSandboxFilter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, VB_SANDBOX_X32_BIT, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    /* elevateprivileges */
    VB_SANDBOX_DENY(__NR_setuid),
    VB_SANDBOX_DENY(__NR_setgid),
    VB_SANDBOX_DENY(__NR_setreuid),
    VB_SANDBOX_DENY(__NR_setregid),
    VB_SANDBOX_DENY(__NR_setresuid),
    VB_SANDBOX_DENY(__NR_setresgid),
    VB_SANDBOX_DENY(__NR_setfsuid),
    VB_SANDBOX_DENY(__NR_setfsgid),
    VB_SANDBOX_DENY(__NR_setgroups),
    /* spawn, what a filter set before exec can refuse */
    VB_SANDBOX_DENY(__NR_fork),
    VB_SANDBOX_DENY(__NR_vfork),
    /* resourcecontrol */
    VB_SANDBOX_DENY(__NR_setpriority),
    VB_SANDBOX_DENY(__NR_sched_setparam),
    VB_SANDBOX_DENY(__NR_sched_setscheduler),
    VB_SANDBOX_DENY(__NR_sched_setaffinity),
    VB_SANDBOX_DENY(__NR_sched_setattr),
    /* obsolete */
    VB_SANDBOX_DENY(__NR__sysctl),
    VB_SANDBOX_DENY(__NR_uselib),
    VB_SANDBOX_DENY(__NR_ustat),
    VB_SANDBOX_DENY(__NR_sysfs),
    VB_SANDBOX_DENY(__NR_create_module),
    VB_SANDBOX_DENY(__NR_get_kernel_syms),
    VB_SANDBOX_DENY(__NR_query_module),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

int
vbSandboxApply(void)
{
    struct sock_fprog prog = {
        .len = G_N_ELEMENTS(vbSandboxFilter),
        .filter = vbSandboxFilter,
    };

    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

#else

int
vbSandboxApply(void)
{
    errno = ENOSYS;
    return -1;
}

#endif
