/*
 * vbqemuprocess.h: QEMU (and qemu-storage-daemon) processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "vbidentity.h"

/* Starts @argv in a session of its own, detached from the daemon (it is not
 * our child, so it outlives a daemon restart and needs no reaping), with
 * stdin on /dev/null and stdout/stderr appended to @logfd (the daemon opens
 * the log: the child needs no access to the log directory).
 *
 * Confinement (qemu.conf): the child sets no_new_privs and, when @ident is
 * not the daemon's own uid/gid, switches to it (groups, gid, uid) before
 * exec; leaving uid 0 drops every capability.  A child that cannot
 * switch exits with a line in the log instead of running as the daemon. */
/* The first descriptor a child is handed after stdin, stdout, stderr */
#define VB_QEMU_PROCESS_PASSED_FD_FIRST 3

typedef struct _vbQemuProcessConfine vbQemuProcessConfine;
struct _vbQemuProcessConfine {
    const vbIdentity *ident; /* NULL: the daemon's */
    /* our own seccomp filter (vbsandbox.h), for qemu-storage-daemon,
     * which has no -sandbox of its own; QEMU gets -sandbox instead */
    bool sandbox;
    /* descriptors the child finds open: passFds[i] as descriptor
     * VB_QEMU_PROCESS_PASSED_FD_FIRST + i (the tap queues of its
     * interfaces); the others are closed */
    const int *passFds;
    size_t npassFds;
    /* when set: the child writes its pid there before exec, as the
     * daemon's identity, and keeps it write-locked on a descriptor QEMU
     * inherits, so the file names the process for as long as it lives,
     * however the daemon ends (libvirt's virCommandSetPidFile) */
    const char *pidFile;
};

int vbQemuProcessSpawn(char *const *argv, int logfd, const vbQemuProcessConfine *confine,
                       pid_t *pid);
/* As vbQemuProcessSpawn, in the environment @envp (NULL: the daemon's). */
int vbQemuProcessSpawnEnv(char *const *argv, char *const *envp, int logfd,
                          const vbQemuProcessConfine *confine, pid_t *pid);

/* The child-setup of GLib's spawn functions doing the above, @opaque the
 * const vbQemuProcessConfine * (NULL: no identity switch, no filter), for
 * other spawners of QEMU. */
void vbQemuProcessChildSetup(gpointer opaque);

/* Waits until @path accepts connections, giving up when @pid exits or after
 * @timeoutMs.  On failure the error quotes the end of @logPath, where QEMU
 * says why it stopped. */
int vbQemuProcessWaitForMonitor(pid_t pid, const char *path, const char *logPath,
                                unsigned int timeoutMs);

bool vbQemuProcessIsAlive(pid_t pid);

/* The process holding the lock of @pidFile (vbQemuProcessConfine.pidFile):
 * 1 with *@pid set while one does; 0 when the file is missing or nobody
 * holds it (the process is gone, or it was never started); -1 with an
 * error. */
int vbQemuProcessPidFileHolder(const char *pidFile, pid_t *pid);

/* SIGTERM, then after 10 s (at once with @force) SIGKILL; 0 once gone,
 * -1 with the error reported if it survives SIGKILL. */
int vbQemuProcessKill(pid_t pid, bool force);

/* The last @maxlen bytes of a log, for error messages (never NULL). */
char *vbQemuProcessLogTail(const char *logPath, size_t maxlen);

/* Opens the log for appending and writes a line saying who starts what. */
int vbQemuProcessLogOpen(const char *logPath, char *const *argv);

/* Both of the above: QEMU or a qemu-storage-daemon started from @argv,
 * its output appended to @logPath after a line naming the command. */
int vbQemuProcessLaunch(char *const *argv, const char *logPath, const vbQemuProcessConfine *confine,
                        pid_t *pid);
/* As vbQemuProcessLaunch, in the environment @envp (NULL: the daemon's). */
int vbQemuProcessLaunchEnv(char *const *argv, char *const *envp, const char *logPath,
                           const vbQemuProcessConfine *confine, pid_t *pid);
