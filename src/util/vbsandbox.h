/*
 * vbsandbox.h: a seccomp filter for helpers without QEMU's -sandbox
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qemu-storage-daemon has no -sandbox option: vbSandboxApply() installs,
 * between fork and exec, a filter refusing with EPERM what QEMU's
 * "-sandbox on,obsolete=deny,elevateprivileges=deny,resourcecontrol=deny"
 * refuses (changing user or group, scheduler and priority changes, fork and
 * clone except for a thread, obsolete system calls).  Filters outlive exec, so unlike QEMU's own
 * spawn=deny it cannot refuse execve itself: no_new_privs (vbidentity.h)
 * keeps an exec from gaining anything.  x86_64 only: other architectures'
 * system calls, and the x32 ones, are refused altogether; on another
 * architecture vbSandboxSupported() is false and no filter is installed.
 */

#pragma once

#include <stdbool.h>

/* Whether vbSandboxApply() has a filter for this architecture */
bool vbSandboxSupported(void);

/* Async-signal-safe; needs no_new_privs (or CAP_SYS_ADMIN).  Returns 0, or
 * -1 with errno set. */
int vbSandboxApply(void);
