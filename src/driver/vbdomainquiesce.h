/*
 * vbdomainquiesce.h: the guest's file systems frozen around a snapshot
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A quiesced snapshot (VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE) freezes the
 * guest's file systems through the agent before its overlays are made,
 * and thaws them once QEMU has switched or failed to.  The mark
 * vm->quiesced reaches the status file before the freeze is sent, so a
 * daemon killed in between finds it when it takes the domain back, and
 * thaws.  The caller holds a MODIFY job and vm->lock; the lock is
 * dropped while the agent answers.
 */

#pragma once

#include <stdbool.h>

#include "vbdomainobj.h"

/* Marks @vm quiesced (saved), then guest-fsfreeze-freeze: the number of
 * file systems frozen; with none, the mark goes again (qemu-ga froze
 * nothing and is not in its frozen state).  -1 with the error reported,
 * unmarked: no agent
 * (libvirt's errors, vbDomainAgentAcquire) or the agent refused, as it
 * does when a client has frozen the guest already; what a failing freeze
 * froze, qemu-ga thaws itself. */
int vbDomainQuiesceFreeze(vbDomainObj *vm);

/* guest-fsfreeze-thaw if @vm is marked quiesced, waiting @seconds
 * (vbqemuagent.h): the number of file systems thawed (0 when there was
 * nothing to thaw), the mark cleared and saved.  -1 on failure, the mark
 * kept; the error is reported only with @report, otherwise the thread's
 * error stays the one it was, as libvirt's qemuSnapshotFSThaw. */
int vbDomainQuiesceThaw(vbDomainObj *vm, bool report, int seconds);

/* At a reconnect: thaws what a quiesced snapshot left frozen when the
 * daemon went away, waiting at most the agent's default time; a failure
 * is logged, and the mark stays for virsh domfsthaw. */
void vbDomainQuiesceRecover(vbDomainObj *vm);

/* Tests only: with $VIRTBLOCKD_TEST_QUIESCE_HOOK set to PREFIX, creates
 * the file PREFIX.@step while the guest is frozen and waits, without
 * vm->lock, until the test removes it (at most VB_QUIESCE_TEST_HOOK_WAIT
 * seconds): the test reads the agent's state there, or kills the daemon.
 * A snapshot stops at "frozen" (before its overlays are made) and at
 * "thaw" (after the transaction, whatever its outcome). */
#define VB_QUIESCE_TEST_HOOK_ENV "VIRTBLOCKD_TEST_QUIESCE_HOOK"
#define VB_QUIESCE_TEST_HOOK_WAIT 600
void vbDomainQuiesceTestHook(vbDomainObj *vm, const char *step);
