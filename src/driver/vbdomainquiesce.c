/*
 * vbdomainquiesce.c: the guest's file systems frozen around a snapshot
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <libvirt/libvirt-qemu.h>

#include "vbdomainquiesce.h"
#include "vberror.h"
#include "vblog.h"
#include "vbqemuagent.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* Saves the status after the mark changed; the domain may have gone
 * while its lock was dropped. */
static int
vbDomainQuiesceSaveStatus(vbDomainObj *vm)
{
    if (!vbDomainObjIsActive(vm))
        return 0;
    return vbDomainObjSaveStatus(vm);
}

int
vbDomainQuiesceFreeze(vbDomainObj *vm)
{
    g_autoptr(vbQemuAgent) agent = NULL;
    g_autoptr(vbError) saved = NULL;
    int frozen;

    if (!(agent = vbDomainAgentAcquire(vm, true)))
        return -1;
    /* first the mark, then the freeze: a daemon that dies in between
     * thaws what may be frozen, never leaves it so */
    vm->quiesced = true;
    if (vbDomainObjSaveStatus(vm) < 0) {
        vm->quiesced = false;
        return -1;
    }
    vbDomainObjUnlock(vm);
    frozen = vbQemuAgentFSFreeze(agent, NULL, 0);
    vbDomainObjLock(vm);
    if (frozen > 0) {
        VB_INFO("domain '%s': %d file system(s) frozen for a quiesced snapshot", vm->def->name,
                frozen);
        return frozen;
    }

    /* none frozen: qemu-ga is not in its frozen state, nothing to thaw
     * (libvirt thaws only after a freeze that froze some) */
    if (frozen == 0)
        VB_INFO("domain '%s': the guest has no file system to freeze", vm->def->name);
    saved = vbErrorSave();
    vm->quiesced = false;
    if (vbDomainQuiesceSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    vbErrorRestore(&saved);
    return frozen;
}

int
vbDomainQuiesceThaw(vbDomainObj *vm, bool report, int seconds)
{
    g_autoptr(vbQemuAgent) agent = NULL;
    g_autoptr(vbError) saved = NULL;
    int thawed = -1;

    if (!vm->quiesced)
        return 0;
    if (!report)
        saved = vbErrorSave();

    if ((agent = vbDomainAgentAcquire(vm, true))) {
        vbDomainObjUnlock(vm);
        thawed = vbQemuAgentFSThaw(agent, seconds);
        vbDomainObjLock(vm);
    }
    if (thawed >= 0) {
        VB_INFO("domain '%s': %d file system(s) thawed after a quiesced snapshot", vm->def->name,
                thawed);
        /* the thaw stands even if the file says otherwise: the next
         * restart thaws once more, which changes nothing */
        vm->quiesced = false;
        if (vbDomainQuiesceSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
        vbResetLastError();
    } else if (!report) {
        VB_WARN("cannot thaw the file systems of domain '%s': %s", vm->def->name,
                vbGetLastErrorMessage());
    }
    if (!report)
        vbErrorRestore(&saved);
    return thawed;
}

void
vbDomainQuiesceRecover(vbDomainObj *vm)
{
    if (!vm->quiesced)
        return;
    if (vbDomainQuiesceThaw(vm, true, VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT) < 0) {
        VB_WARN(
            "file systems of domain '%s' frozen by a quiesced snapshot may still be frozen (%s): virsh domfsthaw thaws them",
            vm->def->name, vbGetLastErrorMessage());
        return;
    }
    VB_INFO("domain '%s': thawed what a quiesced snapshot froze before the daemon stopped",
            vm->def->name);
}

void
vbDomainQuiesceTestHook(vbDomainObj *vm, const char *step)
{
    const char *prefix = g_getenv(VB_QUIESCE_TEST_HOOK_ENV);
    g_autofree char *path = NULL;
    gint64 deadline;
    int fd;

    if (!prefix || !*prefix)
        return;
    path = g_strdup_printf("%s.%s", prefix, step);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        VB_WARN("test hook: cannot create '%s': %s", path, g_strerror(errno));
        return;
    }
    close(fd);
    VB_INFO("test hook: domain '%s' frozen; waiting for '%s' to go", vm->def->name, path);
    deadline = g_get_monotonic_time() + VB_QUIESCE_TEST_HOOK_WAIT * G_USEC_PER_SEC;
    vbDomainObjUnlock(vm);
    while (access(path, F_OK) == 0 && g_get_monotonic_time() < deadline)
        g_usleep(20 * 1000);
    vbDomainObjLock(vm);
}
