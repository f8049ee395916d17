/*
 * vbcommand.h: running a helper program, bounded in time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

/* How long a helper (qemu-img create, info) may run by default.  Generous:
 * creating an image reads a backing header or two, nothing more. */
#define VB_COMMAND_TIMEOUT_DEFAULT 300

/* Seconds; overrides every helper's timeout (tests use a short one) */
#define VB_COMMAND_TIMEOUT_ENV "VIRTBLOCKD_HELPER_TIMEOUT"

/* The descriptor a helper finds the caller's @passFd on */
#define VB_COMMAND_PASS_FD 3

/**
 * vbCommandRun:
 * @argv: the program (searched in PATH when it has no '/') and its
 *        arguments, NULL-terminated
 * @passFd: -1, or a descriptor the helper gets as VB_COMMAND_PASS_FD
 * @timeout: seconds the helper may run; 0: VB_COMMAND_TIMEOUT_DEFAULT.
 *           The environment variable VB_COMMAND_TIMEOUT_ENV, when set to
 *           a positive number, replaces it.
 * @exitStatus: set to the helper's exit code when it exited (a helper
 *              killed by a signal gets 128 + the signal)
 * @errOut: set to what it wrote on its standard error (the first 64 KiB,
 *          stripped)
 *
 * Runs @argv in a process group of its own, stdin and stdout on
 * /dev/null, and waits for it.  A helper still running at the timeout is
 * killed with its whole process group and reaped.
 *
 * Returns 0 once the helper exited (whatever its status), or -1 with the
 * error reported: it could not be started, or it timed out
 * (VIR_ERR_OPERATION_TIMEOUT naming the command and the timeout).
 */
int vbCommandRun(const char *const *argv, int passFd, unsigned int timeout, int *exitStatus,
                 char **errOut);

/* vbCommandRun that also keeps the first @maxOut bytes the helper wrote
 * on its standard output in @outOut (read while it runs, so a helper
 * writing more than a pipe holds does not block) */
int vbCommandRunOutput(const char *const *argv, int passFd, unsigned int timeout, size_t maxOut,
                       int *exitStatus, char **outOut, char **errOut);
