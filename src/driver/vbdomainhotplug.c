/*
 * vbdomainhotplug.c: devices attached to and detached from a domain
 * (virDomainAttachDeviceFlags, virDomainDetachDeviceFlags)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt 9.0's qemuDomainAttachDeviceLiveAndConfig and
 * qemuDomainDetachDeviceLiveAndConfig: the XML is parsed once for each
 * definition it changes; the persistent one is changed on a copy that
 * replaces it once saved, after the live change went through.
 *
 * A device's addresses and alias come from the same walks as at define
 * and start (vbQemuDomainAssignAddresses), run on a trial copy of the
 * definition with the device added: the device then sits where it would
 * sit had it been defined with the domain.  A live device takes only a
 * free slot of the buses QEMU has: a trial that needs a new controller is
 * refused, as libvirt's hotplug finds "No more available PCI slots".
 *
 * Unplug is the guest's decision: device_del asks, QEMU's DEVICE_DELETED
 * says it is done.  The detach call waits 5 s for it (libvirt's
 * QEMU_UNPLUG_TIMEOUT); later, the event finishes the removal in a
 * worker of its own.  DEVICE_UNPLUG_GUEST_ERROR fails the wait and
 * becomes the DEVICE_REMOVAL_FAILED event.
 */

#include <signal.h>
#include <unistd.h>

#include "vbinternal.h"

#include "vbblockjob.h"
#include "vbdomainevent.h"
#include "vbdomainhotplug.h"
#include "vbdomaininterface.h"
#include "vbdomainmedia.h"
#include "vberror.h"
#include "vblog.h"
#include "vbmonitorblock.h"
#include "vbmonitordevice.h"
#include "vbmonitormigration.h"
#include "vbmonitornet.h"
#include "vbnetdev.h"
#include "vbqemublock.h"
#include "vbqemudevice.h"
#include "vbqemudomainaddress.h"
#include "vbsecuritydac.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* libvirt's QEMU_UNPLUG_TIMEOUT */
#define VB_HOTPLUG_UNPLUG_TIMEOUT_US (5 * G_USEC_PER_SEC)

/* Tests only: SIGKILLs the daemon at the step of a disk's attach this
 * names, as a crash there would: "disk-nodes" (the disk in the status,
 * its nodes in QEMU, no device_add yet), "disk-added" (after device_add) */
#define VB_HOTPLUG_KILL_ENV "VIRTBLOCKD_TEST_HOTPLUG_KILL_AT"

static void
vbHotplugTestKill(const char *step)
{
    const char *at = g_getenv(VB_HOTPLUG_KILL_ENV);

    if (at && g_str_equal(at, step))
        kill(getpid(), SIGKILL);
}

/* libvirt's virDomainObjUpdateModificationImpact: AFFECT_CURRENT becomes
 * LIVE or CONFIG by the state; LIVE needs a running domain, CONFIG a
 * persistent one. */
static int
vbHotplugModificationImpact(vbDomainObj *vm, unsigned int *flags)
{
    if (!(*flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)))
        *flags |= vbDomainObjIsActive(vm) ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
    if ((*flags & VIR_DOMAIN_AFFECT_LIVE) && vbDomainObjCheckActive(vm) < 0)
        return -1;
    if ((*flags & VIR_DOMAIN_AFFECT_CONFIG) && !vm->persistent) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      _("transient domains do not have any persistent config"));
        return -1;
    }
    return 0;
}

static vbDomainDeviceDef *
vbHotplugParseDevice(const char *xml)
{
    return vbDomainDeviceDefParse(xml, VB_DOMAIN_DEF_PARSE_INACTIVE);
}

/* The index of @disk (by pointer) in @def, or -1 */
static ssize_t
vbHotplugDiskIndex(const vbDomainDef *def, const vbDomainDiskDef *disk)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i] == disk)
            return i;
    }
    return -1;
}

static void
vbHotplugDiskRemoveAt(vbDomainDef *def, size_t idx)
{
    memmove(def->disks + idx, def->disks + idx + 1, (def->ndisks - idx - 1) * sizeof(*def->disks));
    def->ndisks--;
}

/*
 * @def with the device of @dev added, given its defaults, checked and
 * placed as at define: a new definition, or NULL with an error.  @dev is
 * taken over (the device lives in the returned definition).
 */
static vbDomainDef *
vbHotplugTrialDef(const vbDomainDef *def, unsigned int copyFlags, vbDomainDeviceDef *dev)
{
    g_autoptr(vbDomainDef) trial = NULL;

    if (!(trial = vbDomainDefCopy(def, copyFlags)))
        return NULL;
    if (vbDomainDefAddDevice(trial, dev) < 0 ||
        vbDomainDefPostParse(trial, VB_DOMAIN_DEF_PARSE_INACTIVE) < 0 ||
        vbDomainDefValidate(trial) < 0 || vbQemuDomainAssignAddresses(trial) < 0)
        return NULL;
    return g_steal_pointer(&trial);
}

/* --- disks, live --- */

/* Deletes the format and storage nodes of each image of @src's chain,
 * top first (a format node holds its backing); failures only logged. */
static void
vbHotplugDetachChainNodes(vbMonitor *mon, const vbStorageSource *src)
{
    const vbStorageSource *n;

    for (n = src; n && !vbStorageSourceIsEmpty(n); n = n->backingStore) {
        if (n->nodeFormat && vbMonitorBlockdevDel(mon, n->nodeFormat) < 0)
            VB_WARN("cannot delete node '%s': %s", n->nodeFormat, vbGetLastErrorMessage());
        if (n->nodeStorage && vbMonitorBlockdevDel(mon, n->nodeStorage) < 0)
            VB_WARN("cannot delete node '%s': %s", n->nodeStorage, vbGetLastErrorMessage());
    }
}

/* Adds the nodes of @disk's chain, bottom first, as the command line's
 * -blockdev; on failure deletes what it added. */
static int
vbHotplugAttachChainNodes(vbMonitor *mon, const vbDomainDiskDef *disk)
{
    g_autoptr(GPtrArray) chain = g_ptr_array_new();
    const vbStorageSource *n;
    guint added = 0;
    guint i;

    for (n = disk->src; n && !vbStorageSourceIsEmpty(n); n = n->backingStore)
        g_ptr_array_add(chain, (gpointer) n);

    for (i = chain->len; i > 0; i--) {
        const vbStorageSource *src = g_ptr_array_index(chain, i - 1);
        g_autoptr(vbJSONValue) storage = NULL;
        g_autoptr(vbJSONValue) format = NULL;

        if (!(storage = vbQemuBlockStorageProps(disk, src)) ||
            !(format =
                  vbQemuBlockFormatProps(disk, src, src == disk->src ? VB_QEMU_BLOCK_NODE_TOP : 0)))
            goto error;
        if (vbMonitorBlockdevAdd(mon, &storage) < 0)
            goto error;
        if (vbMonitorBlockdevAdd(mon, &format) < 0) {
            g_autoptr(vbError) saved = vbErrorSave();

            vbMonitorBlockdevDel(mon, src->nodeStorage);
            vbErrorRestore(&saved);
            goto error;
        }
        added++;
    }
    return 0;

error : {
    g_autoptr(vbError) saved = vbErrorSave();

    if (added > 0)
        vbHotplugDetachChainNodes(mon, g_ptr_array_index(chain, chain->len - added));
    vbErrorRestore(&saved);
}
    return -1;
}

/* What QEMU 7.2 and libvirt 9.0 hotplug of a disk: libvirt's checks of
 * qemuDomainAttachDeviceDiskLiveInternal */
static int
vbHotplugCheckDiskLive(const vbDomainDiskDef *disk)
{
    switch (disk->bus) {
    case VB_DOMAIN_DISK_BUS_VIRTIO:
        if (disk->device == VB_DOMAIN_DISK_DEVICE_CDROM) {
            vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                          _("cdrom device with virtio bus isn't supported"));
            return -1;
        }
        break;
    case VB_DOMAIN_DISK_BUS_SCSI:
    case VB_DOMAIN_DISK_BUS_USB: /* on the first free port of USB bus 0 */
        break;
    case VB_DOMAIN_DISK_BUS_SATA:
    case VB_DOMAIN_DISK_BUS_NONE:
    case VB_DOMAIN_DISK_BUS_LAST:
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, _("disk bus '%s' cannot be hotplugged"),
                      vbDomainDiskBusTypeToString(disk->bus));
        return -1;
    }
    /* a duplicate target is the trial definition's to report, as libvirt's
     * post-parse does */
    return 0;
}

/* A device is in the live definition: the status saved (a warning if it
 * cannot be: QEMU has the device either way) and DEVICE_ADDED sent */
static void
vbHotplugAttached(vbDomainObj *vm, const char *alias)
{
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventDeviceNew(VB_DOMAIN_EVENT_DEVICE_ADDED, vm->def->name,
                                                  vm->def->uuid, vm->id, alias));
}

/* The live part of attaching @dev (a disk): placed on a trial copy of the
 * live definition, its chain probed and given to QEMU's user, recorded in
 * the live definition and the status, then its nodes and device added.
 * Named in the status before QEMU hears of it: a daemon killed from there
 * on leaves a successor that either finds the device in QEMU and keeps
 * the disk, or does not and removes it (vbProcessReconnectDevices: its
 * nodes deleted, its files given back), never a device QEMU has and the
 * definition lacks. */
static int
vbHotplugAttachDiskLive(vbDomainObj *vm, vbDomainDeviceDef *dev)
{
    g_autoptr(vbDomainDef) trial = NULL;
    g_autoptr(vbDomainDiskDef) owned = NULL;
    g_autoptr(vbJSONValue) props = NULL;
    vbDomainDiskDef *disk = dev->data.disk;
    g_autofree char *qomName = NULL;
    vbDomainDeviceDef added = {0};
    size_t ncontrollers = vm->def->ncontrollers;
    bool labelled = false;
    vbMonitor *mon;
    ssize_t idx;
    int rc;

    if (vbDomainDiskDefPostParse(disk) < 0 || vbHotplugCheckDiskLive(disk) < 0)
        return -1;

    /* the trial takes the disk over (and frees it when it fails) */
    if (!(trial = vbHotplugTrialDef(vm->def, 0, dev)))
        return -1;
    if ((idx = vbHotplugDiskIndex(trial, disk)) < 0)
        return -1; /* not reached: the trial keeps its devices */
    vbHotplugDiskRemoveAt(trial, idx);
    owned = disk;

    if (trial->ncontrollers != ncontrollers) {
        /* a new bus (a root port, a SCSI controller) would be needed:
         * QEMU has none free to plug the disk into */
        if (disk->bus == VB_DOMAIN_DISK_BUS_SCSI)
            vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                          _("disk '%s' needs a SCSI controller the domain does not have"),
                          disk->dst);
        else
            vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("No more available PCI slots"));
        return -1;
    }
    if (vbQemuDeviceValidateDisk(vm->def, disk) < 0)
        return -1;
    if (!vbStorageSourceIsEmpty(disk->src)) {
        if (vbStorageChainProbe(disk->src, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
            return -1;
        vbStorageChainAssignIndexes(disk->src, &vm->nodenameIndex);
        if (vm->dacLabel) {
            if (vbSecurityDACSetSource(vm->dacLabel, disk->src, true) < 0)
                return -1;
            labelled = true;
        }
    }
    if (vbQemuDeviceBuildDiskProps(vm->def, disk, &props) < 0)
        goto error;
    qomName = vbQemuBlockDiskQomName(disk);

    /* in the live definition and the status from now on, as an
     * interface's (its node names too: the status keeps the index) */
    added.type = VB_DOMAIN_DEVICE_DISK;
    added.data.disk = g_steal_pointer(&owned);
    if (vbDomainDefAddDevice(vm->def, &added) < 0)
        goto error; /* not reached: a disk list takes any number */
    if (vbDomainObjSaveStatus(vm) < 0)
        goto remove;

    mon = vbDomainObjEnterMonitor(vm);
    rc = 0;
    if (!vbStorageSourceIsEmpty(disk->src))
        rc = vbHotplugAttachChainNodes(mon, disk);
    if (rc == 0) {
        vbHotplugTestKill("disk-nodes");
        if ((rc = vbMonitorDeviceAdd(mon, &props)) < 0) {
            g_autoptr(vbError) saved = vbErrorSave();

            vbHotplugDetachChainNodes(mon, disk->src);
            vbErrorRestore(&saved);
        }
    }
    /* as at start: QEMU knows no limits until told */
    if (rc == 0 && vbDomainIoTuneHasAny(&disk->iotune) &&
        vbMonitorBlockSetIoThrottle(mon, qomName, &disk->iotune) < 0)
        VB_WARN("cannot set the I/O limits of disk '%s': %s", disk->dst, vbGetLastErrorMessage());
    if (vbDomainObjExitMonitor(vm, mon) < 0) {
        /* a QEMU gone meanwhile took the live definition, the disk and
         * its files with it; a monitor given up leaves the disk to the
         * device check of its recovery, as to a successor's */
        return -1;
    }
    if (rc < 0)
        goto remove;
    vbHotplugTestKill("disk-added");

    VB_INFO("domain '%s': disk '%s' attached as '%s'", vm->def->name, disk->dst, disk->info.alias);
    vbHotplugAttached(vm, disk->info.alias);
    return 0;

remove : {
    g_autoptr(vbError) saved = vbErrorSave();

    /* out of the definition again, QEMU having none of it */
    if ((idx = vbHotplugDiskIndex(vm->def, disk)) >= 0)
        vbHotplugDiskRemoveAt(vm->def, idx);
    owned = disk;
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    vbErrorRestore(&saved);
}
error:
    if (labelled && vm->dacLabel) {
        g_autoptr(vbError) saved = vbErrorSave();

        vbSecurityDACRestoreSource(vm->dacLabel, disk->src, true);
        vbErrorRestore(&saved);
    }
    return -1;
}

/* --- interfaces, live --- */

static ssize_t
vbHotplugNetIndex(const vbDomainDef *def, const vbDomainNetDef *net)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i] == net)
            return i;
    }
    return -1;
}

static void
vbHotplugNetRemoveAt(vbDomainDef *def, size_t idx)
{
    memmove(def->nets + idx, def->nets + idx + 1, (def->nnets - idx - 1) * sizeof(*def->nets));
    def->nnets--;
}

/* A generated MAC address that another interface of @def has is generated
 * again (a given one is the user's: the trial's validation refuses it) */
static void
vbHotplugNetUniqueMac(const vbDomainDef *def, vbDomainNetDef *net)
{
    bool clash = net->macAuto;

    while (clash) {
        size_t i;

        clash = false;
        for (i = 0; i < def->nnets && !clash; i++)
            clash = vbMacAddrEqual(&def->nets[i]->mac, &net->mac);
        if (clash)
            vbMacAddrGenerate(&net->mac);
    }
}

/* Whether the daemon gives QEMU the descriptors of @net's tap */
static bool
vbHotplugNetHasTap(const vbDomainNetDef *net)
{
    return net->type == VB_DOMAIN_NET_TYPE_ETHERNET || net->type == VB_DOMAIN_NET_TYPE_BRIDGE ||
           net->type == VB_DOMAIN_NET_TYPE_DIRECT;
}

/* The name QEMU knows the @i-th descriptor of @net's by: "tapfd-net1N"
 * for the taps, "vhostfd-net1N" for vhost-net (libvirt's names) */
static char *
vbHotplugNetFdName(const vbDomainNetDef *net, size_t i, size_t ntapfds)
{
    if (i < ntapfds)
        return g_strdup_printf("tapfd-%s%zu", net->info.alias, i);
    return g_strdup_printf("vhostfd-%s%zu", net->info.alias, i - ntapfds);
}

/* The descriptors of a hot-plugged tap handed to QEMU, as libvirt's
 * qemuFDPassDirectTransferMonitor: getfd of each under a name of its own
 * ("tapfd-net1" and so on, libvirt's names); *@tapNames and *@vhostNames
 * get the names joined by ':' as netdev_add's 'fd(s)' and 'vhostfd(s)'
 * want them.  @npassed counts the descriptors QEMU has, for
 * vbHotplugNetUnpassFds. */
static int
vbHotplugNetPassFds(vbMonitor *mon, const vbDomainNetDef *net, GArray *fds, size_t ntapfds,
                    char **tapNames, char **vhostNames, size_t *npassed)
{
    g_autoptr(GString) taps = g_string_new(NULL);
    g_autoptr(GString) vhosts = g_string_new(NULL);
    size_t i;

    *npassed = 0;
    for (i = 0; i < fds->len; i++) {
        g_autofree char *name = vbHotplugNetFdName(net, i, ntapfds);
        GString *list = i >= ntapfds ? vhosts : taps;

        if (vbMonitorGetFD(mon, name, g_array_index(fds, int, i)) < 0)
            return -1;
        (*npassed)++;
        if (list->len)
            g_string_append_c(list, ':');
        g_string_append(list, name);
    }
    *tapNames = g_string_free(g_steal_pointer(&taps), FALSE);
    *vhostNames = vhosts->len ? g_string_free(g_steal_pointer(&vhosts), FALSE) : NULL;
    return 0;
}

/* libvirt's qemuFDPassDirectTransferMonitorRollback: the descriptors
 * QEMU got but no netdev took are closed again (errors only logged) */
static void
vbHotplugNetUnpassFds(vbMonitor *mon, const vbDomainNetDef *net, size_t ntapfds, size_t npassed)
{
    g_autoptr(vbError) saved = vbErrorSave();
    size_t i;

    for (i = 0; i < npassed; i++) {
        g_autofree char *name = vbHotplugNetFdName(net, i, ntapfds);

        if (vbMonitorCloseFD(mon, name) < 0)
            VB_DEBUG("closefd '%s': %s", name, vbGetLastErrorMessage());
    }
    vbErrorRestore(&saved);
}

/* The backend of a hot-plugged interface: its tap made as at start, its
 * descriptors passed; for user networking nothing to pass.  -1 with the
 * error; the caller closes @fds and gives back the tap. */
static int
vbHotplugNetAddBackend(vbMonitor *mon, vbDomainNetDef *net, GArray *fds, size_t ntapfds)
{
    g_autoptr(vbJSONValue) backend = NULL;
    g_autofree char *tapNames = NULL;
    g_autofree char *vhostNames = NULL;
    size_t npassed = 0;

    if (!vbHotplugNetHasTap(net)) {
        if (vbQemuDeviceBuildNetBackendProps(net, &backend) < 0)
            return -1;
        return vbMonitorNetdevAdd(mon, &backend);
    }
    if (vbHotplugNetPassFds(mon, net, fds, ntapfds, &tapNames, &vhostNames, &npassed) < 0 ||
        vbQemuDeviceBuildNetTapBackendProps(net, tapNames, vhostNames, &backend) < 0 ||
        vbMonitorNetdevAdd(mon, &backend) < 0) {
        vbHotplugNetUnpassFds(mon, net, ntapfds, npassed);
        return -1;
    }
    return 0;
}

/* libvirt's qemuDomainAttachNetDevice for the types we run: placed on a
 * trial copy, its tap made (as at start), netdev_add of its backend with
 * the tap's descriptors, device_add of the NIC, its link set down when
 * <link state='down'/> says so.  A step that fails undoes the ones
 * before: netdev deleted, descriptors closed, tap removed. */
static int
vbHotplugAttachNetLive(vbDomainObj *vm, vbDomainDeviceDef *dev)
{
    g_autoptr(vbDomainDef) trial = NULL;
    g_autoptr(vbDomainNetDef) owned = NULL;
    g_autoptr(vbJSONValue) props = NULL;
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_autofree char *backendId = NULL;
    vbDomainNetDef *net = dev->data.net;
    vbDomainDeviceDef added = {0};
    size_t ncontrollers = vm->def->ncontrollers;
    /* as at start: vhost-net for KVM guests only */
    bool vhostNet = vm->def->virtType == VB_DOMAIN_VIRT_KVM && vbNetDevVhostNetUsable();
    size_t ntapfds = 0;
    size_t nvhostfds = 0;
    vbMonitor *mon;
    ssize_t idx;
    int rc;

    if (net->type != VB_DOMAIN_NET_TYPE_USER && !vbHotplugNetHasTap(net)) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      _("hotplug of interface type of %s is not implemented yet"),
                      vbDomainNetTypeTypeToString(net->type));
        return -1;
    }
    vbHotplugNetUniqueMac(vm->def, net);
    if (!(trial = vbHotplugTrialDef(vm->def, 0, dev)))
        return -1;
    if ((idx = vbHotplugNetIndex(trial, net)) < 0)
        return -1; /* not reached: the trial keeps its devices */
    vbHotplugNetRemoveAt(trial, idx);
    owned = net;
    if (trial->ncontrollers != ncontrollers) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("No more available PCI slots"));
        return -1;
    }
    if (vbQemuDeviceValidateNet(vm->def, net) < 0 ||
        vbQemuDeviceBuildNetProps(vm->def, net, &props) < 0)
        return -1;
    backendId = vbQemuDeviceNetBackendAlias(net);

    /* the host side last, as at start: nothing before it is left to undo */
    vbQemuDeviceNetTapFdCount(net, vhostNet, &ntapfds, &nvhostfds);
    if (vbDomainInterfacePrepareName(net) < 0)
        return -1;
    /* in the live definition from now on, as libvirt's virDomainNetInsert
     * before the monitor, and named in the status before its tap is made:
     * a daemon killed from here on finds the tap (a macvtap stays until
     * deleted), and a QEMU that dies meanwhile takes it down with the
     * others */
    added.type = VB_DOMAIN_DEVICE_NET;
    added.data.net = g_steal_pointer(&owned);
    if (vbDomainDefAddDevice(vm->def, &added) < 0)
        return -1; /* not reached: an interface list takes any number */
    if (vbHotplugNetHasTap(net) && vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    if (vbDomainInterfaceConnect(net, vhostNet, fds) < 0) {
        g_autoptr(vbError) saved = vbErrorSave();

        /* nothing made, and its name may be another's device: out of
         * the definition without a release */
        if ((idx = vbHotplugNetIndex(vm->def, net)) >= 0) {
            vbHotplugNetRemoveAt(vm->def, idx);
            vbDomainNetDefFree(net);
        }
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
        vbErrorRestore(&saved);
        return -1;
    }

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbHotplugNetAddBackend(mon, net, fds, ntapfds);
    if (rc == 0 && (rc = vbMonitorDeviceAdd(mon, &props)) < 0) {
        g_autoptr(vbError) saved = vbErrorSave();

        vbMonitorNetdevDel(mon, backendId, false);
        vbErrorRestore(&saved);
    }
    if (rc == 0 && net->linkState == VB_DOMAIN_NET_LINK_STATE_DOWN &&
        vbMonitorSetLink(mon, net->info.alias, false) < 0)
        VB_WARN("cannot set the link of '%s' down: %s", net->info.alias, vbGetLastErrorMessage());
    rc = vbDomainObjExitMonitor(vm, mon) < 0 ? -1 : rc;
    /* QEMU holds the tap now (or nobody does, and it is gone) */
    vbDomainInterfacesCloseFds(fds);
    if (rc < 0) {
        g_autoptr(vbError) saved = vbErrorSave();

        /* unless the teardown of a QEMU gone took it with the definition */
        if ((idx = vbHotplugNetIndex(vm->def, net)) >= 0) {
            vbDomainInterfaceRelease(vm->def, net);
            vbHotplugNetRemoveAt(vm->def, idx);
            vbDomainNetDefFree(net);
            if (vbDomainObjIsActive(vm) && vbDomainObjSaveStatus(vm) < 0)
                VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
        }
        vbErrorRestore(&saved);
        return -1;
    }

    VB_INFO("domain '%s': interface '%s' attached", vm->def->name, net->info.alias);
    vbHotplugAttached(vm, net->info.alias);
    return 0;
}

/* libvirt's virDomainNetFindIdx: by MAC address when one is given, by PCI
 * address when one is given; one match only */
static vbDomainNetDef *
vbHotplugFindNet(const vbDomainDef *def, const vbDomainNetDef *match)
{
    const vbDomainDeviceAddress *addr = &match->info.addr;
    bool byPCI = addr->type == VB_DOMAIN_DEVICE_ADDRESS_PCI;
    char mac[VB_MAC_STRING_BUFLEN];
    vbDomainNetDef *found = NULL;
    g_autofree char *addrStr = NULL;
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        const vbDomainDeviceAddress *a = &def->nets[i]->info.addr;

        if (!match->macAuto && !vbMacAddrEqual(&def->nets[i]->mac, &match->mac))
            continue;
        if (byPCI && (a->type != VB_DOMAIN_DEVICE_ADDRESS_PCI ||
                      a->pci.domain != addr->pci.domain || a->pci.bus != addr->pci.bus ||
                      a->pci.slot != addr->pci.slot || a->pci.function != addr->pci.function))
            continue;
        if (found) {
            if (!match->macAuto)
                vbReportError(VIR_ERR_OPERATION_FAILED,
                              _("multiple devices matching MAC address %s found"),
                              vbMacAddrFormat(&match->mac, mac));
            else
                vbReportError(VIR_ERR_OPERATION_FAILED, "%s", _("multiple matching devices found"));
            return NULL;
        }
        found = def->nets[i];
    }
    if (found)
        return found;
    if (byPCI)
        addrStr = g_strdup_printf("%04x:%02x:%02x.%u", addr->pci.domain, addr->pci.bus,
                                  addr->pci.slot, addr->pci.function);
    vbReportError(VIR_ERR_DEVICE_MISSING,
                  _("no device found at address '%s' matching MAC address '%s' and alias '%s'"),
                  addrStr ? addrStr : "(<null>)",
                  match->macAuto ? "(<null>)" : vbMacAddrFormat(&match->mac, mac), "(<null>)");
    return NULL;
}

/* --- input devices, live --- */

static ssize_t
vbHotplugInputIndex(const vbDomainDef *def, const vbDomainInputDef *input)
{
    size_t i;

    for (i = 0; i < def->ninputs; i++) {
        if (def->inputs[i] == input)
            return i;
    }
    return -1;
}

static void
vbHotplugInputRemoveAt(vbDomainDef *def, size_t idx)
{
    memmove(def->inputs + idx, def->inputs + idx + 1,
            (def->ninputs - idx - 1) * sizeof(*def->inputs));
    def->ninputs--;
}

/* libvirt's qemuDomainAttachInputDevice: a USB or virtio input device,
 * placed on a trial copy (a USB port, or a PCI slot), device_add */
static int
vbHotplugAttachInputLive(vbDomainObj *vm, vbDomainDeviceDef *dev)
{
    g_autoptr(vbDomainDef) trial = NULL;
    g_autoptr(vbDomainInputDef) owned = NULL;
    g_autoptr(vbJSONValue) props = NULL;
    vbDomainInputDef *input = dev->data.input;
    vbDomainDeviceDef added = {0};
    size_t ncontrollers = vm->def->ncontrollers;
    vbDomainInputDef *live;
    vbMonitor *mon;
    ssize_t idx;
    int rc;

    if (input->bus != VB_DOMAIN_INPUT_BUS_USB && input->bus != VB_DOMAIN_INPUT_BUS_VIRTIO) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      _("input device on bus '%s' cannot be hot plugged"),
                      vbDomainInputBusTypeToString(input->bus));
        return -1;
    }
    if (!(trial = vbHotplugTrialDef(vm->def, 0, dev)))
        return -1;
    if ((idx = vbHotplugInputIndex(trial, input)) < 0)
        return -1; /* not reached: the trial keeps its devices */
    vbHotplugInputRemoveAt(trial, idx);
    owned = input;
    if (trial->ncontrollers != ncontrollers) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("No more available PCI slots"));
        return -1;
    }
    if (vbQemuDeviceValidateInput(vm->def, input) < 0 ||
        vbQemuDeviceBuildInputProps(vm->def, input, &props) < 0)
        return -1;

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorDeviceAdd(mon, &props);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;

    added.type = VB_DOMAIN_DEVICE_INPUT;
    added.data.input = g_steal_pointer(&owned);
    if (vbDomainDefAddDevice(vm->def, &added) < 0)
        return -1; /* not reached: an input list takes any number */
    live = vm->def->inputs[vm->def->ninputs - 1];
    VB_INFO("domain '%s': input device '%s' attached", vm->def->name, live->info.alias);
    vbHotplugAttached(vm, live->info.alias);
    return 0;
}

/* libvirt's virDomainInputDefFind: the same type and bus (and address,
 * when one is given) */
static vbDomainInputDef *
vbHotplugFindInput(const vbDomainDef *def, const vbDomainInputDef *match)
{
    size_t i;

    for (i = 0; i < def->ninputs; i++) {
        const vbDomainInputDef *input = def->inputs[i];

        if (input->type != match->type || input->bus != match->bus)
            continue;
        if (match->info.addr.type != VB_DOMAIN_DEVICE_ADDRESS_NONE &&
            memcmp(&match->info.addr, &input->info.addr, sizeof(match->info.addr)) != 0)
            continue;
        return def->inputs[i];
    }
    vbReportError(VIR_ERR_DEVICE_MISSING, "%s", _("matching input device not found"));
    return NULL;
}

/* --- removal --- */

/* libvirt's qemuDomainRemoveDiskDevice: the disk's nodes deleted, its
 * files given back, the disk out of the live definition, the status
 * saved, DEVICE_REMOVED.  The device itself is gone already. */
static void
vbHotplugRemoveDisk(vbDomainObj *vm, vbDomainDiskDef *disk)
{
    g_autofree char *alias = g_strdup(disk->info.alias);
    ssize_t idx;

    if (vbDomainObjHasMonitor(vm) && !vbStorageSourceIsEmpty(disk->src)) {
        vbMonitor *mon = vbDomainObjEnterMonitor(vm);

        vbHotplugDetachChainNodes(mon, disk->src);
        /* a QEMU gone meanwhile took the live definition, and the disk,
         * with it */
        if (vbDomainObjExitMonitor(vm, mon) < 0) {
            VB_WARN("domain '%s' went away while removing disk '%s'", vm->def->name, alias);
            return;
        }
    }
    idx = vbHotplugDiskIndex(vm->def, disk);
    if (vm->dacLabel && !vbStorageSourceIsEmpty(disk->src))
        vbSecurityDACRestoreSource(vm->dacLabel, disk->src, true);
    if (idx >= 0)
        vbHotplugDiskRemoveAt(vm->def, idx);
    VB_INFO("domain '%s': disk '%s' removed", vm->def->name, disk->dst);
    if (vbDomainObjIsActive(vm) && vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventDeviceNew(VB_DOMAIN_EVENT_DEVICE_REMOVED, vm->def->name,
                                                  vm->def->uuid, vm->id, alias));
    vbDomainDiskDefFree(disk);
}

/* libvirt's qemuDomainRemoveNetDevice: the backend deleted, the tap
 * given back, the interface out of the live definition, DEVICE_REMOVED.
 * A netdev_del that fails leaves the interface (and its tap, which QEMU
 * may still hold) as it is, with the error reported, as libvirt's does;
 * with @missingOK (a device a reconnect found missing, perhaps never
 * plugged) a backend QEMU does not have is no failure. */
static int
vbHotplugRemoveNet(vbDomainObj *vm, vbDomainNetDef *net, bool missingOK)
{
    g_autofree char *alias = g_strdup(net->info.alias);
    g_autofree char *backendId = vbQemuDeviceNetBackendAlias(net);
    ssize_t idx;

    if (vbDomainObjHasMonitor(vm)) {
        vbMonitor *mon = vbDomainObjEnterMonitor(vm);
        int rc = vbMonitorNetdevDel(mon, backendId, missingOK);

        /* a QEMU gone meanwhile took the live definition with it */
        if (vbDomainObjExitMonitor(vm, mon) < 0) {
            VB_WARN("domain '%s' went away while removing interface '%s'", vm->def->name, alias);
            return -1;
        }
        if (rc < 0)
            return -1;
    }
    /* QEMU closed its descriptors with the netdev, which took a tap of
     * ours along; one made persistent meanwhile goes here (managed='no'
     * taps are the user's and stay) */
    vbDomainInterfaceRelease(vm->def, net);
    idx = vbHotplugNetIndex(vm->def, net);
    if (idx >= 0)
        vbHotplugNetRemoveAt(vm->def, idx);
    VB_INFO("domain '%s': interface '%s' removed", vm->def->name, alias);
    if (vbDomainObjIsActive(vm) && vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventDeviceNew(VB_DOMAIN_EVENT_DEVICE_REMOVED, vm->def->name,
                                                  vm->def->uuid, vm->id, alias));
    vbDomainNetDefFree(net);
    return 0;
}

/* libvirt's qemuDomainRemoveInputDevice */
static void
vbHotplugRemoveInput(vbDomainObj *vm, vbDomainInputDef *input)
{
    g_autofree char *alias = g_strdup(input->info.alias);
    ssize_t idx = vbHotplugInputIndex(vm->def, input);

    if (idx >= 0)
        vbHotplugInputRemoveAt(vm->def, idx);
    VB_INFO("domain '%s': input device '%s' removed", vm->def->name, alias);
    if (vbDomainObjIsActive(vm) && vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    vbDomainEventQueuePush(vm->driver->events,
                           vbDomainEventDeviceNew(VB_DOMAIN_EVENT_DEVICE_REMOVED, vm->def->name,
                                                  vm->def->uuid, vm->id, alias));
    vbDomainInputDefFree(input);
}

/* The device of the live definition whose alias is @alias, removed
 * (@missingOK: see vbHotplugRemoveNet) */
static void
vbHotplugRemoveDevice(vbDomainObj *vm, const char *alias, bool missingOK)
{
    size_t i;

    for (i = 0; i < vm->def->ninputs; i++) {
        if (g_strcmp0(vm->def->inputs[i]->info.alias, alias) == 0) {
            vbHotplugRemoveInput(vm, vm->def->inputs[i]);
            return;
        }
    }

    for (i = 0; i < vm->def->nnets; i++) {
        if (g_strcmp0(vm->def->nets[i]->info.alias, alias) == 0) {
            if (vbHotplugRemoveNet(vm, vm->def->nets[i], missingOK) < 0)
                VB_WARN("domain '%s': interface '%s' stays: %s", vm->def->name, alias,
                        vbGetLastErrorMessage());
            return;
        }
    }

    for (i = 0; i < vm->def->ndisks; i++) {
        if (g_strcmp0(vm->def->disks[i]->info.alias, alias) == 0) {
            vbHotplugRemoveDisk(vm, vm->def->disks[i]);
            return;
        }
    }
    VB_DEBUG("domain '%s': no device '%s' to remove", vm->def->name, alias);
}

void
vbDomainHotplugHandleDeviceDeleted(vbDriver *driver G_GNUC_UNUSED, vbDomainObj *vm,
                                   const vbDomainProcessDeviceDeleted *deleted)
{
    const char *alias = deleted->alias;

    vbDomainObjLock(vm);
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0) {
        VB_WARN("domain '%s': cannot finish the removal of device '%s': %s", vm->def->name, alias,
                vbGetLastErrorMessage());
        vbDomainObjUnlock(vm);
        return;
    }
    /* the domain stopped and started again before this ran: the event was
     * of a QEMU that is gone, and a device of the new one may have the
     * same alias */
    if (vbDomainObjIsActive(vm) && vm->id == deleted->id)
        vbHotplugRemoveDevice(vm, alias, deleted->reconnect);
    else
        VB_DEBUG("domain '%s': DEVICE_DELETED of '%s' is of an earlier run, ignored", vm->def->name,
                 alias);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    vbDomainObjUnlock(vm);
}

/* device_del of @alias, and the wait for QEMU's word, as libvirt's
 * qemuDomainDeleteDevice and qemuDomainWaitForDeviceRemoval: 1 when the
 * device is gone (the caller removes it), 0 when the guest took longer
 * than the timeout (the event finishes later), -1 with an error. */
static int
vbHotplugUnplug(vbDomainObj *vm, const char *alias)
{
    gint64 deadline;
    vbMonitor *mon;
    int rc;

    g_free(vm->unplugAlias);
    vm->unplugAlias = g_strdup(alias);
    vm->unplugRejected = false;
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorDeviceDel(mon, alias);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0) {
        g_clear_pointer(&vm->unplugAlias, g_free);
        return -1;
    }

    deadline = g_get_monotonic_time() + VB_HOTPLUG_UNPLUG_TIMEOUT_US;
    while (vm->unplugAlias) {
        /* an event that came with the deadline cleared the alias for us:
         * the loop ends and the removal is ours */
        if (!vbDomainObjWaitUntil(vm, deadline) && vm->unplugAlias) {
            /* the DEVICE_DELETED that comes later is the worker's */
            VB_INFO("domain '%s': device '%s' not unplugged yet, its removal continues "
                    "when the guest lets go",
                    vm->def->name, alias);
            g_clear_pointer(&vm->unplugAlias, g_free);
            return 0;
        }
        if (!vbDomainObjIsActive(vm)) {
            g_clear_pointer(&vm->unplugAlias, g_free);
            return vbDomainObjCheckActive(vm);
        }
    }
    if (vm->unplugRejected) {
        vm->unplugRejected = false;
        vbReportError(VIR_ERR_OPERATION_FAILED, "%s",
                      _("unplug of device was rejected by the guest"));
        return -1;
    }
    return 1;
}

/* libvirt's qemuDomainDetachPrepDisk and the live detach */
static int
vbHotplugDetachDiskLive(vbDomainObj *vm, const vbDomainDiskDef *match)
{
    vbDomainDiskDef *disk = NULL;
    size_t i;
    int rc;

    for (i = 0; i < vm->def->ndisks && !disk; i++) {
        if (g_strcmp0(vm->def->disks[i]->dst, match->dst) == 0)
            disk = vm->def->disks[i];
    }
    if (!disk) {
        vbReportError(VIR_ERR_DEVICE_MISSING, _("disk %s not found"), match->dst);
        return -1;
    }
    if (disk->bus == VB_DOMAIN_DISK_BUS_SATA) {
        if (disk->device == VB_DOMAIN_DISK_DEVICE_CDROM)
            vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                          _("disk device type '%s' cannot be detached"),
                          vbDomainDiskDeviceTypeToString(disk->device));
        else
            vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                          _("This type of disk cannot be hot unplugged"));
        return -1;
    }
    if (disk->device == VB_DOMAIN_DISK_DEVICE_CDROM && disk->bus != VB_DOMAIN_DISK_BUS_SCSI) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, _("disk device type '%s' cannot be detached"),
                      vbDomainDiskDeviceTypeToString(disk->device));
        return -1;
    }
    if (vbBlockJobForDisk(vm, disk->dst)) {
        vbReportError(VIR_ERR_BLOCK_COPY_ACTIVE, _("disk '%s' already in active block job"),
                      disk->dst);
        return -1;
    }
    if (!disk->info.alias) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("Cannot detach %s device with no alias"), "disk");
        return -1;
    }

    if ((rc = vbHotplugUnplug(vm, disk->info.alias)) <= 0)
        return rc;
    vbHotplugRemoveDisk(vm, disk);
    return 0;
}

static int
vbHotplugDetachNetLive(vbDomainObj *vm, const vbDomainNetDef *match)
{
    vbDomainNetDef *net;
    int rc;

    if (!(net = vbHotplugFindNet(vm->def, match)))
        return -1;
    if (!net->info.alias) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("Cannot detach %s device with no alias"),
                      "interface");
        return -1;
    }
    if ((rc = vbHotplugUnplug(vm, net->info.alias)) <= 0)
        return rc;
    return vbHotplugRemoveNet(vm, net, false);
}

static int
vbHotplugDetachInputLive(vbDomainObj *vm, const vbDomainInputDef *match)
{
    vbDomainInputDef *input;
    int rc;

    if (!(input = vbHotplugFindInput(vm->def, match)))
        return -1;
    if (input->bus != VB_DOMAIN_INPUT_BUS_USB && input->bus != VB_DOMAIN_INPUT_BUS_VIRTIO) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      _("input device on bus '%s' cannot be detached"),
                      vbDomainInputBusTypeToString(input->bus));
        return -1;
    }
    if ((rc = vbHotplugUnplug(vm, input->info.alias)) <= 0)
        return rc;
    vbHotplugRemoveInput(vm, input);
    return 0;
}

/* --- entry points --- */

static int
vbHotplugAttachLive(vbDomainObj *vm, vbDomainDeviceDef *dev)
{
    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        return vbHotplugAttachDiskLive(vm, dev);
    case VB_DOMAIN_DEVICE_NET:
        return vbHotplugAttachNetLive(vm, dev);
    case VB_DOMAIN_DEVICE_INPUT:
        return vbHotplugAttachInputLive(vm, dev);
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_CONTROLLER:
    case VB_DOMAIN_DEVICE_GRAPHICS:
    case VB_DOMAIN_DEVICE_AUDIO:
    case VB_DOMAIN_DEVICE_VIDEO:
    case VB_DOMAIN_DEVICE_CHR:
    case VB_DOMAIN_DEVICE_MEMBALLOON:
    case VB_DOMAIN_DEVICE_WATCHDOG:
    case VB_DOMAIN_DEVICE_RNG:
    case VB_DOMAIN_DEVICE_PANIC:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, _("live attach of device '%s' is not supported"),
                  vbDomainDeviceTypeTypeToString(dev->type));
    return -1;
}

/* libvirt's qemuDomainAttachDeviceConfig: @dev added to a copy of the
 * persistent definition, which replaces it once saved */
static vbDomainDef *
vbHotplugAttachConfig(vbDomainObj *vm, vbDomainDeviceDef *dev)
{
    vbDomainDef *persistent = vbDomainObjGetPersistentDef(vm);

    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        if (vbDomainDiskDefPostParse(dev->data.disk) < 0)
            return NULL;
        if (vbDomainDiskByName(persistent, dev->data.disk->dst)) {
            vbReportError(VIR_ERR_OPERATION_INVALID, _("target %s already exists"),
                          dev->data.disk->dst);
            return NULL;
        }
        break;
    case VB_DOMAIN_DEVICE_NET:
        /* libvirt's virDomainNetInsert takes any number; a generated
         * address stays clear of the others */
        vbHotplugNetUniqueMac(persistent, dev->data.net);
        break;
    case VB_DOMAIN_DEVICE_INPUT:
        break;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_CONTROLLER:
    case VB_DOMAIN_DEVICE_GRAPHICS:
    case VB_DOMAIN_DEVICE_AUDIO:
    case VB_DOMAIN_DEVICE_VIDEO:
    case VB_DOMAIN_DEVICE_CHR:
    case VB_DOMAIN_DEVICE_MEMBALLOON:
    case VB_DOMAIN_DEVICE_WATCHDOG:
    case VB_DOMAIN_DEVICE_RNG:
    case VB_DOMAIN_DEVICE_PANIC:
    case VB_DOMAIN_DEVICE_LAST:
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      _("persistent attach of device '%s' is not supported"),
                      vbDomainDeviceTypeTypeToString(dev->type));
        return NULL;
    }
    return vbHotplugTrialDef(persistent, VB_DOMAIN_DEF_FORMAT_INACTIVE, dev);
}

#define VB_HOTPLUG_KNOWN_FLAGS (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)

int
vbDomainAttachDeviceFlags(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                          unsigned int flags)
{
    g_autoptr(vbDomainDeviceDef) devConf = NULL;
    g_autoptr(vbDomainDeviceDef) devLive = NULL;
    g_autoptr(vbDomainDef) newConf = NULL;
    vbDomainObj *vm;
    int ret = -1;

    vbCheckFlagsFunc(flags, VB_HOTPLUG_KNOWN_FLAGS, "qemuDomainAttachDeviceFlags", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbHotplugModificationImpact(vm, &flags) < 0)
        goto endjob;

    /* both parsed first: bad XML changes nothing */
    if ((flags & VIR_DOMAIN_AFFECT_CONFIG) && !(devConf = vbHotplugParseDevice(xml)))
        goto endjob;
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && !(devLive = vbHotplugParseDevice(xml)))
        goto endjob;

    /* the persistent change is made on a copy before, and saved after,
     * the live one, as libvirt's */
    if (devConf && !(newConf = vbHotplugAttachConfig(vm, devConf)))
        goto endjob;
    /* one generated MAC address for both, as libvirt's
     * qemuDomainAttachDeviceLiveAndConfigHomogenize */
    if (newConf && devLive && devLive->type == VB_DOMAIN_DEVICE_NET) {
        devLive->data.net->mac = newConf->nets[newConf->nnets - 1]->mac;
        devLive->data.net->macAuto = false;
    }
    if (devLive && vbHotplugAttachLive(vm, devLive) < 0)
        goto endjob;
    if (newConf && vbDomainObjReplacePersistentDef(vm, &newConf) < 0)
        goto endjob;
    ret = 0;

endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* libvirt's qemuDomainDetachDeviceConfig */
static vbDomainDef *
vbHotplugDetachConfig(vbDomainObj *vm, const vbDomainDeviceDef *dev)
{
    vbDomainDef *persistent = vbDomainObjGetPersistentDef(vm);
    g_autoptr(vbDomainDef) copy = NULL;
    vbDomainDiskDef *disk;

    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        if (!vbDomainDiskByName(persistent, dev->data.disk->dst)) {
            vbReportError(VIR_ERR_DEVICE_MISSING, _("no target device %s"), dev->data.disk->dst);
            return NULL;
        }
        break;
    case VB_DOMAIN_DEVICE_NET:
        if (!vbHotplugFindNet(persistent, dev->data.net))
            return NULL;
        break;
    case VB_DOMAIN_DEVICE_INPUT:
        if (!vbHotplugFindInput(persistent, dev->data.input))
            return NULL;
        break;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_CONTROLLER:
    case VB_DOMAIN_DEVICE_GRAPHICS:
    case VB_DOMAIN_DEVICE_AUDIO:
    case VB_DOMAIN_DEVICE_VIDEO:
    case VB_DOMAIN_DEVICE_CHR:
    case VB_DOMAIN_DEVICE_MEMBALLOON:
    case VB_DOMAIN_DEVICE_WATCHDOG:
    case VB_DOMAIN_DEVICE_RNG:
    case VB_DOMAIN_DEVICE_PANIC:
    case VB_DOMAIN_DEVICE_LAST:
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      _("persistent detach of device '%s' is not supported"),
                      vbDomainDeviceTypeTypeToString(dev->type));
        return NULL;
    }

    if (!(copy = vbDomainDefCopy(persistent, VB_DOMAIN_DEF_FORMAT_INACTIVE)))
        return NULL;
    if (dev->type == VB_DOMAIN_DEVICE_INPUT) {
        vbDomainInputDef *input = vbHotplugFindInput(copy, dev->data.input);

        vbHotplugInputRemoveAt(copy, vbHotplugInputIndex(copy, input));
        vbDomainInputDefFree(input);
        return g_steal_pointer(&copy);
    }
    if (dev->type == VB_DOMAIN_DEVICE_NET) {
        vbDomainNetDef *net = vbHotplugFindNet(copy, dev->data.net);

        vbHotplugNetRemoveAt(copy, vbHotplugNetIndex(copy, net));
        vbDomainNetDefFree(net);
        return g_steal_pointer(&copy);
    }
    disk = vbDomainDiskByName(copy, dev->data.disk->dst);
    vbHotplugDiskRemoveAt(copy, vbHotplugDiskIndex(copy, disk));
    vbDomainDiskDefFree(disk);
    return g_steal_pointer(&copy);
}

static int
vbHotplugDetachLive(vbDomainObj *vm, const vbDomainDeviceDef *dev)
{
    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        return vbHotplugDetachDiskLive(vm, dev->data.disk);
    case VB_DOMAIN_DEVICE_NET:
        return vbHotplugDetachNetLive(vm, dev->data.net);
    case VB_DOMAIN_DEVICE_INPUT:
        return vbHotplugDetachInputLive(vm, dev->data.input);
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_CONTROLLER:
    case VB_DOMAIN_DEVICE_GRAPHICS:
    case VB_DOMAIN_DEVICE_AUDIO:
    case VB_DOMAIN_DEVICE_VIDEO:
    case VB_DOMAIN_DEVICE_CHR:
    case VB_DOMAIN_DEVICE_MEMBALLOON:
    case VB_DOMAIN_DEVICE_WATCHDOG:
    case VB_DOMAIN_DEVICE_RNG:
    case VB_DOMAIN_DEVICE_PANIC:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, _("live detach of device '%s' is not supported"),
                  vbDomainDeviceTypeTypeToString(dev->type));
    return -1;
}

int
vbDomainDetachDeviceFlags(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                          unsigned int flags)
{
    g_autoptr(vbDomainDeviceDef) dev = NULL;
    g_autoptr(vbDomainDef) newConf = NULL;
    vbDomainObj *vm;
    int ret = -1;

    vbCheckFlagsFunc(flags, VB_HOTPLUG_KNOWN_FLAGS, "qemuDomainDetachDeviceFlags", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbHotplugModificationImpact(vm, &flags) < 0)
        goto endjob;
    if (!(dev = vbHotplugParseDevice(xml)))
        goto endjob;

    /* the persistent definition changed on a copy first, saved once the
     * live part went through, as libvirt's */
    if ((flags & VIR_DOMAIN_AFFECT_CONFIG) && !(newConf = vbHotplugDetachConfig(vm, dev)))
        goto endjob;
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && vbHotplugDetachLive(vm, dev) < 0)
        goto endjob;
    if (newConf && vbDomainObjReplacePersistentDef(vm, &newConf) < 0)
        goto endjob;
    ret = 0;

endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* --- update --- */

/* Another <source bridge> of a bridge interface: live, its tap moves to
 * the new bridge (libvirt's qemuDomainChangeNetBridge) and the status is
 * saved; in the persistent definition the name changes. */
static int
vbHotplugUpdateNetBridge(vbDomainObj *vm, vbDomainNetDef *net, const char *bridge, bool live)
{
    g_autofree char *old = NULL;

    if (live) {
        if (vbDomainInterfaceChangeBridge(net, bridge) < 0)
            return -1;
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
        return 0;
    }
    old = g_steal_pointer(&net->bridge);
    net->bridge = g_strdup(bridge);
    if (vbDomainObjSaveConfig(vm) < 0) {
        g_free(net->bridge);
        net->bridge = g_steal_pointer(&old);
        return -1;
    }
    return 0;
}

/* libvirt's qemuDomainChangeNet, for what we can change: the link state
 * (`virsh domif-setlink`) and the bridge of a bridge interface; the type
 * and the model must stay */
static int
vbHotplugUpdateNet(vbDomainObj *vm, const vbDomainNetDef *newnet, bool live, bool check)
{
    vbDomainDef *def = live ? vm->def : vbDomainObjGetPersistentDef(vm);
    vbDomainNetDef *net;

    if (!(net = vbHotplugFindNet(def, newnet)))
        return -1;
    if (net->type != newnet->type) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      _("cannot change the type of interface '%s' from '%s' to '%s'"),
                      net->info.alias ? net->info.alias : "",
                      vbDomainNetTypeTypeToString(net->type),
                      vbDomainNetTypeTypeToString(newnet->type));
        return -1;
    }
    if (net->model != newnet->model) {
        vbReportError(
            VIR_ERR_OPERATION_UNSUPPORTED, _("cannot modify network device model from %s to %s"),
            vbDomainNetModelTypeToString(net->model), vbDomainNetModelTypeToString(newnet->model));
        return -1;
    }
    /* libvirt's qemuDomainChangeNet checks, for what we cannot change: a
     * change is refused, never ignored */
    if (newnet->ifname && g_strcmp0(net->ifname, newnet->ifname) != 0) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      _("cannot modify network device tap name"));
        return -1;
    }
    /* another parent or mode would need a new macvtap: libvirt's
     * "reconnect", which it does not do either */
    if (g_strcmp0(net->linkdev, newnet->linkdev) != 0 || net->directMode != newnet->directMode) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      _("unable to change config on '%s' network type"),
                      vbDomainNetTypeTypeToString(newnet->type));
        return -1;
    }
    if (newnet->info.bootIndex && net->info.bootIndex != newnet->info.bootIndex) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      _("cannot modify network device boot index setting"));
        return -1;
    }
    if (net->mtu != newnet->mtu) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s", _("cannot modify MTU"));
        return -1;
    }
    if ((g_strcmp0(net->bridge, newnet->bridge) != 0 && net->type != VB_DOMAIN_NET_TYPE_BRIDGE) ||
        g_strcmp0(net->network, newnet->network) != 0 || net->managedNo != newnet->managedNo ||
        (newnet->queues && net->queues != newnet->queues)) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                      _("cannot modify the source of interface '%s'"),
                      net->info.alias ? net->info.alias : "");
        return -1;
    }
    if (check) {
        /* a bridge that is not there changes nothing, not even the
         * persistent definition of --live --config */
        if (live && g_strcmp0(net->bridge, newnet->bridge) != 0)
            return vbDomainInterfaceCheckBridge(newnet->bridge);
        return 0;
    }
    if (g_strcmp0(net->bridge, newnet->bridge) != 0 &&
        vbHotplugUpdateNetBridge(vm, net, newnet->bridge, live) < 0)
        return -1;
    if (net->linkState == newnet->linkState)
        return 0;
    if (live) {
        vbMonitor *mon = vbDomainObjEnterMonitor(vm);
        int rc = vbMonitorSetLink(mon, net->info.alias,
                                  newnet->linkState != VB_DOMAIN_NET_LINK_STATE_DOWN);

        if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
            return -1;
        net->linkState = newnet->linkState;
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
        return 0;
    }
    {
        vbDomainNetLinkState old = net->linkState;

        net->linkState = newnet->linkState;
        if (vbDomainObjSaveConfig(vm) < 0) {
            net->linkState = old;
            return -1;
        }
    }
    return 0;
}

#define VB_UPDATE_DEVICE_KNOWN_FLAGS \
    (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_DEVICE_MODIFY_FORCE)

int
vbDomainUpdateDeviceFlags(vbDriver *driver, const vbDomainHandle *dom, const char *xml,
                          unsigned int flags)
{
    g_autoptr(vbDomainDeviceDef) dev = NULL;
    vbDomainObj *vm;
    int ret = -1;

    vbCheckFlagsFunc(flags, VB_UPDATE_DEVICE_KNOWN_FLAGS, "qemuDomainUpdateDeviceFlags", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbHotplugModificationImpact(vm, &flags) < 0)
        goto endjob;
    if (!(dev = vbHotplugParseDevice(xml)))
        goto endjob;

    switch (dev->type) {
    case VB_DOMAIN_DEVICE_DISK:
        ret = vbDomainMediaUpdate(vm, dev->data.disk, flags);
        goto endjob;
    case VB_DOMAIN_DEVICE_NET:
        /* every definition it affects is checked before any changes; then
         * as libvirt, the persistent one once the live change went
         * through */
        if ((flags & VIR_DOMAIN_AFFECT_LIVE) &&
            vbHotplugUpdateNet(vm, dev->data.net, true, true) < 0)
            goto endjob;
        if ((flags & VIR_DOMAIN_AFFECT_CONFIG) &&
            vbHotplugUpdateNet(vm, dev->data.net, false, true) < 0)
            goto endjob;
        if ((flags & VIR_DOMAIN_AFFECT_LIVE) &&
            vbHotplugUpdateNet(vm, dev->data.net, true, false) < 0)
            goto endjob;
        if ((flags & VIR_DOMAIN_AFFECT_CONFIG) &&
            vbHotplugUpdateNet(vm, dev->data.net, false, false) < 0)
            goto endjob;
        ret = 0;
        goto endjob;
    case VB_DOMAIN_DEVICE_NONE:
    case VB_DOMAIN_DEVICE_CONTROLLER:
    case VB_DOMAIN_DEVICE_INPUT:
    case VB_DOMAIN_DEVICE_GRAPHICS:
    case VB_DOMAIN_DEVICE_AUDIO:
    case VB_DOMAIN_DEVICE_VIDEO:
    case VB_DOMAIN_DEVICE_CHR:
    case VB_DOMAIN_DEVICE_MEMBALLOON:
    case VB_DOMAIN_DEVICE_WATCHDOG:
    case VB_DOMAIN_DEVICE_RNG:
    case VB_DOMAIN_DEVICE_PANIC:
    case VB_DOMAIN_DEVICE_LAST:
        break;
    }
    /* libvirt's wording */
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("live update of device '%s' is not supported"),
                  vbDomainDeviceTypeTypeToString(dev->type));

endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
