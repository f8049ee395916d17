/*
 * vbqemuagent.h: a client of the QEMU guest agent (qemu-ga)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The agent listens inside the guest on a virtio-serial port; QEMU offers
 * the port on the host as a UNIX socket (the <channel> with target name
 * org.qemu.guest_agent.0).  The protocol is QMP's JSON, one object per
 * line, without greeting or events.  Since the guest may have restarted
 * its agent, or left half an answer in the pipe, a command is preceded by
 * guest-sync-delimited (after a 0xFF byte, which resets the agent's
 * parser): everything up to the 0xFF the agent puts before its answer is
 * discarded, and the answer must echo our id.  As libvirt does, the
 * client stays in sync until a command times out.
 *
 * Threads: each command runs in the caller's thread with its own
 * deadline, waiting in poll(); commands are serialised by the agent's
 * lock, so a guest that never answers delays only other agent commands,
 * never the domain's lock or its monitor (the caller drops the domain
 * lock around the call, holding a reference on the agent).
 * vbQemuAgentClose() from any thread wakes a waiting command, which then
 * fails with AGENT_UNRESPONSIVE.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"

typedef struct _vbQemuAgent vbQemuAgent;

/* virDomainQemuAgentCommandTimeoutValues: -2 blocks, -1 the default
 * (VB_QEMU_AGENT_WAIT_TIME seconds), 0 does not wait for an answer. */
#define VB_QEMU_AGENT_WAIT_TIME 5

/* How long a command waits for the one before it (libvirt's job wait) */
#define VB_QEMU_AGENT_JOB_WAIT 30

/* The longest answer accepted from the guest, as libvirt's */
#define VB_QEMU_AGENT_MAX_MESSAGE (10 * 1024 * 1024)

/* Connects to the agent's socket at @path.  NULL with the error reported. */
vbQemuAgent *vbQemuAgentOpen(const char *path);

/* As vbQemuAgentOpen on a connected stream socket (owned from now on). */
vbQemuAgent *vbQemuAgentOpenFD(int fd);

vbQemuAgent *vbQemuAgentRef(vbQemuAgent *agent);
void vbQemuAgentUnref(vbQemuAgent *agent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbQemuAgent, vbQemuAgentUnref);

/* Wakes a waiting command, refuses further ones, and drops the opener's
 * reference.  NULL is accepted. */
void vbQemuAgentClose(vbQemuAgent *agent);

/**
 * vbQemuAgentCommand:
 * Syncs with the agent if needed, sends @cmd and waits up to @seconds
 * (see above) for its answer.  Returns 0 with the whole answer in
 * *@reply (NULL when @seconds is 0) after checking it: an agent error
 * becomes INTERNAL_ERROR "unable to execute QEMU agent command '%s': %s".
 * -1 on failure: AGENT_UNRESPONSIVE "Guest agent not available for now"
 * on a timeout, "Guest agent disappeared while executing command" when
 * the agent was closed or its socket ended.
 */
int vbQemuAgentCommand(vbQemuAgent *agent, vbJSONValue *cmd, int seconds, vbJSONValue **reply);

/* virDomainQemuAgentCommand: @cmd is the client's JSON text; *@result
 * gets the agent's whole answer as compact JSON. */
int vbQemuAgentArbitraryCommand(vbQemuAgent *agent, const char *cmd, int seconds, char **result);

/* guest-fsfreeze-freeze (or -freeze-list with @mountpoints): the number
 * of file systems frozen, or -1. */
int vbQemuAgentFSFreeze(vbQemuAgent *agent, const char **mountpoints, size_t nmountpoints);
/* guest-fsfreeze-thaw: the number of file systems thawed, or -1. */
int vbQemuAgentFSThaw(vbQemuAgent *agent);

/* guest-shutdown with @mode "powerdown" or "reboot".  The agent does not
 * answer it: success means the agent took the command. */
int vbQemuAgentShutdown(vbQemuAgent *agent, const char *mode);

/* guest-get-time: the guest's clock as seconds and nanoseconds */
int vbQemuAgentGetTime(vbQemuAgent *agent, long long *seconds, unsigned int *nseconds);
/* guest-set-time: to @seconds/@nseconds, or with @rtcSync from the
 * guest's hardware clock (then the time given is ignored) */
int vbQemuAgentSetTime(vbQemuAgent *agent, long long seconds, unsigned int nseconds, bool rtcSync);
