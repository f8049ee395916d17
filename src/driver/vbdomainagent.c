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
    /* as libvirt's taint: the guest may now differ from what we know */
    VB_WARN("domain '%s' receives a guest agent command from a client: %s", vm->def->name, cmd);
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
    rc = vbQemuAgentFSThaw(agent, VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK);
    vbDomainObjLock(vm);
    /* what a quiesced snapshot left frozen is thawed now */
    if (rc >= 0 && vm->quiesced && vbDomainObjIsActive(vm)) {
        vm->quiesced = false;
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    }
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

int
vbDomainSetUserPassword(vbDriver *driver, const vbDomainHandle *dom, const char *user,
                        const char *password, unsigned int flags)
{
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    int rc;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_PASSWORD_ENCRYPTED, "qemuDomainSetUserPassword", -1);
    /* libvirt's client library checks these; other clients get the same */
    if (!user || !password) {
        vbReportError(VIR_ERR_INVALID_ARG, _("%s in %s must not be NULL"),
                      user ? "password" : "user", "virDomainSetUserPassword");
        return -1;
    }
    if (!(agent = vbDomainAgentFromHandle(driver, dom, &vm))) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentSetUserPassword(agent, user, password, flags & VIR_DOMAIN_PASSWORD_ENCRYPTED);
    vbDomainObjLock(vm);
    vbDomainObjEndAPI(&vm);
    return rc;
}

/* The groups of virDomainGetGuestInfo we answer: those qemu-ga 7.2 serves
 * without matching the guest's disks to the definition */
#define VB_DOMAIN_GUEST_INFO_SUPPORTED \
    (VIR_DOMAIN_GUEST_INFO_USERS | VIR_DOMAIN_GUEST_INFO_OS | VIR_DOMAIN_GUEST_INFO_TIMEZONE | \
     VIR_DOMAIN_GUEST_INFO_HOSTNAME | VIR_DOMAIN_GUEST_INFO_INTERFACES)

/* The if.* keys, as libvirt's virDomainInterfaceFormatParams */
static int
vbDomainGuestInfoInterfaces(vbQemuAgent *agent, vbTypedParamList *params, bool reportUnsupported)
{
    g_autoptr(GPtrArray) ifaces = NULL;
    size_t i;
    size_t j;
    int rc;

    if ((rc = vbQemuAgentGetInterfaces(agent, &ifaces, reportUnsupported)) < 0)
        return rc;
    /* as libvirt, nothing at all without an interface */
    if (ifaces->len == 0)
        return 0;
    vbTypedParamListAddUInt(params, ifaces->len, "if.count");
    for (i = 0; i < ifaces->len; i++) {
        vbQemuAgentInterface *iface = ifaces->pdata[i];

        vbTypedParamListAddString(params, iface->name, "if.%zu.name", i);
        if (iface->hwaddr)
            vbTypedParamListAddString(params, iface->hwaddr, "if.%zu.hwaddr", i);
        vbTypedParamListAddUInt(params, iface->naddrs, "if.%zu.addr.count", i);
        for (j = 0; j < iface->naddrs; j++) {
            vbQemuAgentIPAddress *ip = &iface->addrs[j];

            vbTypedParamListAddString(params, ip->type == VIR_IP_ADDR_TYPE_IPV4 ? "ipv4" : "ipv6",
                                      "if.%zu.addr.%zu.type", i, j);
            vbTypedParamListAddString(params, ip->addr, "if.%zu.addr.%zu.addr", i, j);
            vbTypedParamListAddUInt(params, ip->prefix, "if.%zu.addr.%zu.prefix", i, j);
        }
    }
    return 0;
}

int
vbDomainGetGuestInfo(vbDriver *driver, const vbDomainHandle *dom, unsigned int types,
                     unsigned int flags, vbTypedParamList *params)
{
    static const struct {
        unsigned int type;
        int (*get)(vbQemuAgent *agent, vbTypedParamList *params, bool reportUnsupported);
    } groups[] = {
        {VIR_DOMAIN_GUEST_INFO_USERS, vbQemuAgentGetUsers},
        {VIR_DOMAIN_GUEST_INFO_OS, vbQemuAgentGetOSInfo},
        {VIR_DOMAIN_GUEST_INFO_TIMEZONE, vbQemuAgentGetTimezone},
        {VIR_DOMAIN_GUEST_INFO_HOSTNAME, vbQemuAgentGetHostname},
        {VIR_DOMAIN_GUEST_INFO_INTERFACES, vbDomainGuestInfoInterfaces},
    };
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    /* all we can when no group is named: a group the agent lacks is
     * left out; a named one must answer */
    bool reportUnsupported = types != 0;
    int ret = 0;
    size_t i;

    vbCheckFlagsFunc(flags, 0, "qemuDomainGetGuestInfo", -1);
    if (types & ~VB_DOMAIN_GUEST_INFO_SUPPORTED) {
        vbReportError(VIR_ERR_INVALID_ARG, _("unsupported guest information types '0x%x'"),
                      types & ~VB_DOMAIN_GUEST_INFO_SUPPORTED);
        return -1;
    }
    if (types == 0)
        types = VB_DOMAIN_GUEST_INFO_SUPPORTED;
    if (!(agent = vbDomainAgentFromHandle(driver, dom, &vm))) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    vbDomainObjUnlock(vm);
    for (i = 0; i < G_N_ELEMENTS(groups) && ret == 0; i++) {
        if ((types & groups[i].type) && groups[i].get(agent, params, reportUnsupported) == -1)
            ret = -1;
    }
    vbDomainObjLock(vm);
    vbDomainObjEndAPI(&vm);
    if (ret < 0)
        vbTypedParamListClear(params);
    return ret;
}

int
vbDomainInterfaceAddresses(vbDriver *driver, const vbDomainHandle *dom, unsigned int source,
                           unsigned int flags, GPtrArray **ifaces)
{
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    int rc;

    *ifaces = NULL;
    vbCheckFlagsFunc(flags, 0, "qemuDomainInterfaceAddresses", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjCheckActive(vm) < 0) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    switch ((virDomainInterfaceAddressesSource) source) {
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE:
        /* leases come from libvirt's network driver for interfaces of type
         * 'network', which no domain here has: none, as libvirtd answers
         * for the domain's other interfaces */
        vbDomainObjEndAPI(&vm);
        *ifaces = g_ptr_array_new_with_free_func((GDestroyNotify) vbQemuAgentInterfaceFree);
        return 0;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT:
        break;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP:
        vbDomainObjEndAPI(&vm);
        vbReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      _("IP address data source 'arp' is not supported by virtblockd"));
        return -1;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LAST:
    default:
        vbDomainObjEndAPI(&vm);
        vbReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, _("Unknown IP address data source %d"),
                      (int) source);
        return -1;
    }
    if (!(agent = vbDomainAgentAcquire(vm, true))) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentGetInterfaces(agent, ifaces, true);
    vbDomainObjLock(vm);
    vbDomainObjEndAPI(&vm);
    return rc;
}
