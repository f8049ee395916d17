/*
 * qemudevicepropstest.c: domain XML in, the JSON props of each device out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The qemuxml2argv goldens show devices in key=value form, where a number,
 * a string and a boolean all look alike.  device_add takes the same props
 * as JSON, where QEMU checks each property's type, so these goldens pin
 * the types: for each case NAME, tests/qemuxml2argvdata/NAME.xml is
 * prepared as qemuxml2argvtest does, and every device, in the iterator's
 * order, is written with its props (null for a device that has no QEMU
 * device of its own) and compared with qemudevicepropsdata/NAME.json.
 */

#include <stdio.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbjson.h"
#include "vbqemudevice.h"
#include "vbqemudomainaddress.h"
#include "vbstoragechain.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

static vbDomainDef *
testPrepareDef(const char *name)
{
    g_autofree char *rel = g_strdup_printf("qemuxml2argvdata/%s.xml", name);
    g_autofree char *xmlPath = vbTestSrcPath(rel);
    g_autoptr(vbDomainDef) def = NULL;
    unsigned int nextIndex = 0;
    size_t i;

    if (!(def = vbDomainDefParseFile(xmlPath, VB_DOMAIN_DEF_PARSE_INACTIVE)) ||
        vbDomainDefValidate(def) < 0)
        return NULL;
    for (i = 0; i < def->ndisks; i++)
        vbStorageChainAssignIndexes(def->disks[i]->src, &nextIndex);
    if (vbQemuDomainAssignAddresses(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static int
testAppendDeviceProps(vbDomainDef *def, vbDomainDeviceDef *dev, vbDomainDeviceInfo *info,
                      void *opaque)
{
    vbJSONValue *devices = opaque;
    g_autoptr(vbJSONValue) props = NULL;
    g_autoptr(vbJSONValue) entry = NULL;

    if (vbQemuDeviceValidate(def, dev) < 0 || vbQemuDeviceBuildProps(def, dev, &props) < 0)
        return -1;
    if (!props)
        props = vbJSONValueNewNull();
    if (vbJSONValueObjectAdd(&entry, "s:device", vbDomainDeviceTypeTypeToString(dev->type),
                             "S:alias", info->alias, NULL) < 0 ||
        vbJSONValueObjectAppend(entry, "props", &props) < 0)
        return -1;
    return vbJSONValueArrayAppend(devices, &entry);
}

static int
testDeviceProps(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *rel = g_strdup_printf("qemudevicepropsdata/%s.json", name);
    g_autofree char *jsonPath = vbTestSrcPath(rel);
    g_autoptr(vbDomainDef) def = NULL;
    g_autoptr(vbJSONValue) devices = vbJSONValueNewArray();
    g_autofree char *actual = NULL;

    if (!(def = testPrepareDef(name)) ||
        vbDomainDeviceInfoIterate(def, testAppendDeviceProps, devices) < 0 ||
        !(actual = vbJSONValueToString(devices, true))) {
        fprintf(stderr, "case %s: %s\n", name, vbGetLastErrorMessage());
        return -1;
    }
    return vbTestCompareToFile(actual, jsonPath);
}

/* A disk being hotplugged is not in the definition yet: <os><boot dev>
 * gives it no bootindex, only its own <boot order> would. */
static int
testDiskPropsHotplug(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = testPrepareDef("os-boot-dev");
    g_autoptr(vbDomainDiskDef) disk = vbDomainDiskDefNew();
    g_autoptr(vbJSONValue) props = NULL;
    g_autofree char *actual = NULL;
    unsigned int nextIndex = 10;

    if (!def)
        return -1;
    disk->dst = g_strdup("vdc");
    disk->bus = VB_DOMAIN_DISK_BUS_VIRTIO;
    disk->src = vbStorageSourceNew();
    disk->src->type = VB_STORAGE_TYPE_FILE;
    disk->src->format = VB_STORAGE_FORMAT_RAW;
    disk->src->path = g_strdup("/i/new.img");
    vbStorageChainAssignIndexes(disk->src, &nextIndex);
    disk->info.alias = g_strdup("virtio-disk2");
    disk->info.addr.type = VB_DOMAIN_DEVICE_ADDRESS_PCI;
    disk->info.addr.pci.slot = 7;

    if (vbQemuDeviceValidateDisk(def, disk) < 0 ||
        vbQemuDeviceBuildDiskProps(def, disk, &props) < 0 ||
        !(actual = vbJSONValueToString(props, false)))
        return -1;
    if (vbTestCompareStrings("{\"driver\":\"virtio-blk-pci\",\"bus\":\"pcie.0\",\"addr\":\"0x7\","
                             "\"drive\":\"libvirt-11-format\",\"id\":\"virtio-disk2\"}",
                             actual) < 0)
        return -1;

    g_clear_pointer(&props, vbJSONValueFree);
    g_clear_pointer(&actual, g_free);
    disk->info.bootIndex = 3;
    if (vbQemuDeviceBuildDiskProps(def, disk, &props) < 0 ||
        !(actual = vbJSONValueToString(props, false)))
        return -1;
    return vbTestCompareStrings(
        "{\"driver\":\"virtio-blk-pci\",\"bus\":\"pcie.0\",\"addr\":\"0x7\","
        "\"drive\":\"libvirt-11-format\",\"id\":\"virtio-disk2\","
        "\"bootindex\":3}",
        actual);
}

/* Building a device without its address is the caller's bug. */
static int
testDiskPropsNoAddress(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbDomainDef) def = testPrepareDef("minimal");
    g_autoptr(vbDomainDiskDef) disk = vbDomainDiskDefNew();
    g_autoptr(vbJSONValue) props = NULL;

    if (!def)
        return -1;
    disk->dst = g_strdup("vdz");
    disk->bus = VB_DOMAIN_DISK_BUS_VIRTIO;
    disk->device = VB_DOMAIN_DISK_DEVICE_CDROM;
    disk->src = vbStorageSourceNew();
    disk->info.alias = g_strdup("virtio-disk25");

    if (vbQemuDeviceBuildDiskProps(def, disk, &props) == 0 || props)
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        return -1;
    return vbTestCompareStrings("internal error: device 'vdz' has no PCI address assigned",
                                vbGetLastErrorMessage());
}

static int
mymain(void)
{
    int ret = 0;

#define DO_TEST(name) \
    do { \
        if (vbTestRun("QEMU device props " name, testDeviceProps, name) < 0) \
            ret = -1; \
    } while (0)

    /* virtio-blk-pci with bootindex and serial, ide-cd */
    DO_TEST("disk-serial-boot-order");
    /* virtio-scsi-pci, scsi-hd and scsi-cd, one without an image */
    DO_TEST("disk-scsi");
    DO_TEST("disk-usb");
    /* share-rw, write-cache */
    DO_TEST("disk-shareable");
    DO_TEST("disk-cache");
    DO_TEST("disk-wwn-scsi");
    /* isa-serial; the console is serial port 0 again */
    DO_TEST("serial-console-pty");
    /* the root bus of a 'pc' machine */
    DO_TEST("machine-pc");
    DO_TEST("input-virtio");
    DO_TEST("graphics-vnc-autoport");
    DO_TEST("video-qxl");
    DO_TEST("video-bochs");
    DO_TEST("video-secondary");
    /* pcie-root-ports eight to a slot with multifunction, qemu-xhci on one */
    DO_TEST("pci-q35-virt-install");
    /* a root port's hotplug switch, a boolean */
    DO_TEST("pci-q35-root-port-hotplug-off");
    /* pcie-pci-bridge in a root port, a PCI device behind it */
    DO_TEST("pci-q35-pcie-to-pci-bridge");
    /* i82801b11-bridge at 00:1e.0, pci-bridge's chassis_nr behind it */
    DO_TEST("pci-q35-dmi-to-pci-bridge");
    /* pci-bridges once pci.0 is full */
    DO_TEST("pci-pc-many-disks");
    /* ICH9 EHCI and its UHCI companions: masterbus, firstport, one slot */
    DO_TEST("usb-ich9-ehci-uhci");
    /* qemu-xhci's p2/p3 */
    DO_TEST("usb-qemu-xhci-ports");
    /* virtio-scsi-pci num_queues */
    DO_TEST("scsi-virtio-queues");
    /* i6300esb, virtio-balloon-pci, virtio-rng-pci, pvpanic: slots as
     * libvirt hands them out, the watchdog after the balloon and rngs */
    DO_TEST("misc-devices-all");
    /* deflate-on-oom and free-page-reporting are booleans */
    DO_TEST("memballoon-virtio-stats");
    /* max-bytes and period are numbers; pvpanic's ioport too */
    DO_TEST("rng-virtio-random");
    DO_TEST("panic-isa");
    /* virtio-serial-pci, virtserialport with its bus and nr, virtconsole */
    DO_TEST("channel-guest-agent");
    DO_TEST("controller-virtio-serial");
    /* virtio-net-pci, e1000e, e1000, rtl8139: mac a string, bootindex a
     * number (mq, vectors, host_mtu need a tap type, not startable yet) */
    DO_TEST("net-user-models");
    DO_TEST("net-user-boot-order");

    if (vbTestRun("disk props for hotplug", testDiskPropsHotplug, NULL) < 0)
        ret = -1;
    if (vbTestRun("disk props without an address", testDiskPropsNoAddress, NULL) < 0)
        ret = -1;

    return ret;
}

VB_TEST_MAIN(mymain)
