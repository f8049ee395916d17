/*
 * vbdomainagent.c: the entry points that talk to the QEMU guest agent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <libvirt/libvirt-qemu.h>

#include "vbdomainagent.h"
#include "vbdomainnet.h"
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
     VIR_DOMAIN_GUEST_INFO_HOSTNAME | VIR_DOMAIN_GUEST_INFO_FILESYSTEM | \
     VIR_DOMAIN_GUEST_INFO_DISKS | VIR_DOMAIN_GUEST_INFO_INTERFACES)

/* The if.* keys, as libvirt's virDomainInterfaceFormatParams; nothing
 * at all without an interface */
static void
vbDomainGuestInfoFormatInterfaces(GPtrArray *ifaces, vbTypedParamList *params)
{
    size_t i;
    size_t j;

    if (ifaces->len == 0)
        return;
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
}

/* The disk of @def the guest sees at @addr, as libvirt's
 * virDomainDiskByAddress for disks on PCI (virtio); NULL if none */
static const vbDomainDiskDef *
vbDomainAgentDiskByAddress(const vbDomainDef *def, const vbQemuAgentDiskAddress *addr)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDeviceAddress *pci = &def->disks[i]->info.addr;

        if (pci->type == VB_DOMAIN_DEVICE_ADDRESS_PCI && pci->pci.domain == addr->pciDomain &&
            pci->pci.bus == addr->pciBus && pci->pci.slot == addr->pciSlot &&
            pci->pci.function == addr->pciFunction)
            return def->disks[i];
    }
    return NULL;
}

/* The fs.* keys, as libvirt's qemuAgentFSInfoFormatParams */
static void
vbDomainGuestInfoFormatFS(const vbDomainDef *def, GPtrArray *fs, vbTypedParamList *params)
{
    size_t i;
    size_t j;

    vbTypedParamListAddUInt(params, fs->len, "fs.count");
    for (i = 0; i < fs->len; i++) {
        vbQemuAgentFSInfo *info = fs->pdata[i];

        vbTypedParamListAddString(params, info->name, "fs.%zu.name", i);
        vbTypedParamListAddString(params, info->mountpoint, "fs.%zu.mountpoint", i);
        vbTypedParamListAddString(params, info->fstype, "fs.%zu.fstype", i);
        if (info->totalBytes >= 0)
            vbTypedParamListAddULLong(params, info->totalBytes, "fs.%zu.total-bytes", i);
        if (info->usedBytes >= 0)
            vbTypedParamListAddULLong(params, info->usedBytes, "fs.%zu.used-bytes", i);
        vbTypedParamListAddUInt(params, info->ndisks, "fs.%zu.disk.count", i);
        for (j = 0; j < info->ndisks; j++) {
            const vbQemuAgentDiskAddress *addr = &info->disks[j];
            const vbDomainDiskDef *disk = vbDomainAgentDiskByAddress(def, addr);

            if (disk)
                vbTypedParamListAddString(params, disk->dst, "fs.%zu.disk.%zu.alias", i, j);
            if (addr->serial)
                vbTypedParamListAddString(params, addr->serial, "fs.%zu.disk.%zu.serial", i, j);
            if (addr->devnode)
                vbTypedParamListAddString(params, addr->devnode, "fs.%zu.disk.%zu.device", i, j);
        }
    }
}

/* The disk.* keys, as libvirt's qemuAgentDiskInfoFormatParams */
static void
vbDomainGuestInfoFormatDisks(const vbDomainDef *def, GPtrArray *disks, vbTypedParamList *params)
{
    size_t i;
    size_t j;

    vbTypedParamListAddUInt(params, disks->len, "disk.count");
    for (i = 0; i < disks->len; i++) {
        vbQemuAgentDiskInfo *info = disks->pdata[i];
        size_t ndeps = info->dependencies ? g_strv_length(info->dependencies) : 0;

        vbTypedParamListAddString(params, info->name, "disk.%zu.name", i);
        vbTypedParamListAddBoolean(params, info->partition, "disk.%zu.partition", i);
        if (ndeps)
            vbTypedParamListAddUInt(params, ndeps, "disk.%zu.dependency.count", i);
        for (j = 0; j < ndeps; j++)
            vbTypedParamListAddString(params, info->dependencies[j], "disk.%zu.dependency.%zu.name",
                                      i, j);
        if (info->address) {
            const vbDomainDiskDef *disk = vbDomainAgentDiskByAddress(def, info->address);

            if (info->address->serial)
                vbTypedParamListAddString(params, info->address->serial, "disk.%zu.serial", i);
            if (disk)
                vbTypedParamListAddString(params, disk->dst, "disk.%zu.alias", i);
        }
        if (info->alias)
            vbTypedParamListAddString(params, info->alias, "disk.%zu.guest_alias", i);
    }
}

int
vbDomainGetFSInfo(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags,
                  GPtrArray **fsinfo)
{
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    g_autoptr(GPtrArray) fs = NULL;
    g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func((GDestroyNotify) vbDomainFSInfoFree);
    size_t i;
    size_t j;
    int rc;

    *fsinfo = NULL;
    vbCheckFlagsFunc(flags, 0, "qemuDomainGetFSInfo", -1);
    if (!(agent = vbDomainAgentFromHandle(driver, dom, &vm))) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentGetFSInfo(agent, &fs, true);
    vbDomainObjLock(vm);
    if (rc < 0 || vbDomainObjCheckActive(vm) < 0) {
        vbDomainObjEndAPI(&vm);
        return -1;
    }
    for (i = 0; i < fs->len; i++) {
        vbQemuAgentFSInfo *info = fs->pdata[i];
        vbDomainFSInfo *out = g_new0(vbDomainFSInfo, 1);
        size_t n = 0;

        out->mountpoint = g_strdup(info->mountpoint);
        out->name = g_strdup(info->name);
        out->fstype = g_strdup(info->fstype);
        out->devAliases = g_new0(char *, info->ndisks + 1);
        for (j = 0; j < info->ndisks; j++) {
            const vbDomainDiskDef *disk = vbDomainAgentDiskByAddress(vm->def, &info->disks[j]);

            if (disk)
                out->devAliases[n++] = g_strdup(disk->dst);
            else
                VB_DEBUG("no disk of domain '%s' for file system '%s'", vm->def->name,
                         info->mountpoint);
        }
        g_ptr_array_add(ret, out);
    }
    vbDomainObjEndAPI(&vm);
    *fsinfo = g_steal_pointer(&ret);
    return 0;
}

void
vbDomainFSInfoFree(vbDomainFSInfo *info)
{
    if (!info)
        return;
    g_free(info->mountpoint);
    g_free(info->name);
    g_free(info->fstype);
    g_strfreev(info->devAliases);
    g_free(info);
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
    };
    vbDomainObj *vm = NULL;
    g_autoptr(vbQemuAgent) agent = NULL;
    g_autoptr(GPtrArray) fs = NULL;
    g_autoptr(GPtrArray) disks = NULL;
    g_autoptr(GPtrArray) ifaces = NULL;
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
    /* libvirt's order: these, then the file systems and disks, then the
     * interfaces */
    for (i = 0; i < G_N_ELEMENTS(groups) && ret == 0; i++) {
        if ((types & groups[i].type) && groups[i].get(agent, params, reportUnsupported) == -1)
            ret = -1;
    }
    if (ret == 0 && (types & VIR_DOMAIN_GUEST_INFO_FILESYSTEM) &&
        vbQemuAgentGetFSInfo(agent, &fs, reportUnsupported) == -1)
        ret = -1;
    if (ret == 0 && (types & VIR_DOMAIN_GUEST_INFO_DISKS) &&
        vbQemuAgentGetDisks(agent, &disks, reportUnsupported) == -1)
        ret = -1;
    if (ret == 0 && (types & VIR_DOMAIN_GUEST_INFO_INTERFACES) &&
        vbQemuAgentGetInterfaces(agent, &ifaces, reportUnsupported) == -1)
        ret = -1;
    vbDomainObjLock(vm);
    /* matched to the definition's disks, while the domain runs */
    if (ret == 0 && vbDomainObjIsActive(vm)) {
        if (fs && fs->len > 0)
            vbDomainGuestInfoFormatFS(vm->def, fs, params);
        if (disks && disks->len > 0)
            vbDomainGuestInfoFormatDisks(vm->def, disks, params);
    }
    if (ret == 0 && ifaces)
        vbDomainGuestInfoFormatInterfaces(ifaces, params);
    vbDomainObjEndAPI(&vm);
    if (ret < 0)
        vbTypedParamListClear(params);
    return ret;
}

int
vbDomainAgentInterfaceAddresses(vbDomainObj *vm, GPtrArray *list)
{
    g_autoptr(vbQemuAgent) agent = NULL;
    g_autoptr(GPtrArray) ifaces = NULL;
    size_t i;
    size_t j;
    int rc;

    if (!(agent = vbDomainAgentAcquire(vm, true)))
        return -1;
    vbDomainObjUnlock(vm);
    rc = vbQemuAgentGetInterfaces(agent, &ifaces, true);
    vbDomainObjLock(vm);
    if (rc < 0)
        return -1;
    for (i = 0; i < ifaces->len; i++) {
        vbQemuAgentInterface *iface = ifaces->pdata[i];
        vbDomainIfaceAddrs *out = g_new0(vbDomainIfaceAddrs, 1);

        out->name = g_steal_pointer(&iface->name);
        out->hwaddr = g_steal_pointer(&iface->hwaddr);
        out->addrs = g_new0(virDomainIPAddress, iface->naddrs);
        out->naddrs = iface->naddrs;
        for (j = 0; j < iface->naddrs; j++) {
            out->addrs[j].type = iface->addrs[j].type;
            out->addrs[j].addr = g_steal_pointer(&iface->addrs[j].addr);
            out->addrs[j].prefix = iface->addrs[j].prefix;
        }
        g_ptr_array_add(list, out);
    }
    return 0;
}
