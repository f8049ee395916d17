/*
 * vbdomainagent.c: the entry points that talk to the QEMU guest agent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <libvirt/libvirt-qemu.h>

#include "vbdomainagent.h"
#include "vberror.h"
#include "vblog.h"
#include "vbmonitorsystem.h"
#include "vbqemuagent.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

vbQemuAgent *
vbDomainAgentAcquire(vbDomainObj *vm, bool reportError)
{
    size_t i;

    if (vm->state != VIR_DOMAIN_RUNNING) {
        if (reportError)
            vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return NULL;
    }
    if (vm->agent)
        return vbQemuAgentRef(vm->agent);
    if (!reportError)
        return NULL;
    for (i = 0; i < vm->def->nchrs; i++) {
        if (vbDomainChrIsGuestAgent(vm->def->chrs[i])) {
            vbReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s", _("QEMU guest agent is not connected"));
            return NULL;
        }
    }
    vbReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s", _("QEMU guest agent is not configured"));
    return NULL;
}

int
vbDomainAgentShutdown(vbDomainObj *vm, bool reboot, bool reportError)
{
    g_autoptr(vbQemuAgent) agent = NULL;
    int rc;

    if (!(agent = vbDomainAgentAcquire(vm, reportError)))
        return -1;
    vm->fakeReboot = false;
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentShutdown(agent, reboot ? "reboot" : "powerdown");
    vbDomainObjLock(vm);
    return rc;
}

/* The agent of the running domain @dom names: @vm is set (locked,
 * referenced, for vbDomainObjEndAPI) also on failure. */
static vbQemuAgent *
vbDomainAgentFromHandle(vbDriver *driver, const vbDomainHandle *dom, vbDomainObj **vm)
{
    if (!(*vm = vbDomainObjFromHandle(driver, dom)))
        return NULL;
    if (vbDomainObjCheckActive(*vm) < 0)
        return NULL;
    return vbDomainAgentAcquire(*vm, true);
}

int
vbDomainQemuAgentCommand(vbDriver *driver, const vbDomainHandle *dom, const char *cmd, int timeout,
                         unsigned int flags, char **result)
{
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    int rc;

    *result = NULL;
    vbCheckFlagsFunc(flags, 0, "qemuDomainQemuAgentCommand", -1);
    if (!(agent = vbDomainAgentFromHandle(driver, dom, &vm))) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    /* as libvirt's taint: the guest may now differ from what we know.  Not
     * the command itself: it may carry a password or a file's content. */
    VB_WARN("domain '%s' receives a guest agent command from a client", vm->def->name);
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentArbitraryCommand(agent, cmd, timeout, result);
    vbDomainObjLock(vm);
    vbDomainObjEndAPI(&vm);
    return rc;
}

int
vbDomainFSFreeze(vbDriver *driver, const vbDomainHandle *dom, const char **mountpoints,
                 size_t nmountpoints, unsigned int flags)
{
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    int rc;

    vbCheckFlagsFunc(flags, 0, "qemuDomainFSFreeze", -1);
    if (!(agent = vbDomainAgentFromHandle(driver, dom, &vm))) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentFSFreeze(agent, mountpoints, nmountpoints);
    vbDomainObjLock(vm);
    vbDomainObjEndAPI(&vm);
    return rc;
}

int
vbDomainFSThaw(vbDriver *driver, const vbDomainHandle *dom, const char **mountpoints,
               size_t nmountpoints, unsigned int flags)
{
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    int rc;

    vbCheckFlagsFunc(flags, 0, "qemuDomainFSThaw", -1);
    if (mountpoints || nmountpoints) {
        vbReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      _("specifying mountpoints is not supported"));
        return -1;
    }
    if (!(agent = vbDomainAgentFromHandle(driver, dom, &vm))) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentFSThaw(agent);
    vbDomainObjLock(vm);
    vbDomainObjEndAPI(&vm);
    return rc;
}

int
vbDomainGetTime(vbDriver *driver, const vbDomainHandle *dom, long long *seconds,
                unsigned int *nseconds, unsigned int flags)
{
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    int rc;

    vbCheckFlagsFunc(flags, 0, "qemuDomainGetTime", -1);
    if (!(agent = vbDomainAgentFromHandle(driver, dom, &vm))) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentGetTime(agent, seconds, nseconds);
    vbDomainObjLock(vm);
    vbDomainObjEndAPI(&vm);
    return rc;
}

int
vbDomainSetTime(vbDriver *driver, const vbDomainHandle *dom, long long seconds,
                unsigned int nseconds, unsigned int flags)
{
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    vbMonitor *mon;
    int ret = -1;
    int rc;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_TIME_SYNC, "qemuDomainSetTime", -1);
    if (!(agent = vbDomainAgentFromHandle(driver, dom, &vm)))
        goto cleanup;
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentSetTime(agent, seconds, nseconds, flags & VIR_DOMAIN_TIME_SYNC);
    vbDomainObjLock(vm);
    if (rc < 0)
        goto cleanup;

    /* as libvirt on x86 */
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbDomainObjCheckActive(vm) < 0)
        goto endjob;
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorRTCResetReinjection(mon);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        goto endjob;
    ret = 0;
endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
