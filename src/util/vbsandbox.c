/*
 * vbsandbox.c: a seccomp filter for helpers without QEMU's -sandbox
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/sched.h>
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
    /* spawn, what a filter set before exec can refuse (clone below) */
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
    /* spawn: glibc's fork() and posix_spawn() are clone() without
     * CLONE_THREAD, refused; a thread is allowed.  clone3 keeps its flags
     * in memory a filter cannot read: ENOSYS makes glibc create threads
     * with clone() instead, as under QEMU's own spawn=deny. */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
    /* the flags' low half (little-endian), where CLONE_THREAD is */
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

bool
vbSandboxSupported(void)
{
    return true;
}

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

bool
vbSandboxSupported(void)
{
    return false;
}

int
vbSandboxApply(void)
{
    errno = ENOSYS;
    return -1;
}

#endif
