/*
 * vbqemupciaddress.h: the PCI buses of a QEMU domain and who has their slots
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's virDomainPCIAddressSet: one bus per PCI controller index, each
 * accepting what its controller model accepts, with the functions of each
 * slot taken.  A dry run grows the set by the buses devices lack (the
 * controllers to add for them); the real run only hands out slots.  The
 * walks over a domain's devices are in vbqemudomainaddress.c.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbdomainconf.h"

/*
 * What kind of PCI slot a device plugs into (libvirt's
 * virDomainPCIConnectFlags): each device family states its own in
 * vbQemuDomainDevicePCIPlacement(), and each bus what it accepts.
 */
typedef enum {
    VB_QEMU_PCI_CONNECT_NONE = 0,                /* no PCI device */
    VB_QEMU_PCI_CONNECT_HOTPLUGGABLE = 1 << 0,   /* wants a hotpluggable slot */
    VB_QEMU_PCI_CONNECT_PCI_DEVICE = 1 << 1,     /* conventional PCI endpoint */
    VB_QEMU_PCI_CONNECT_PCIE_DEVICE = 1 << 2,    /* PCI Express endpoint */
    VB_QEMU_PCI_CONNECT_PCIE_ROOT_PORT = 1 << 3, /* the controllers, by what they are */
    VB_QEMU_PCI_CONNECT_PCI_BRIDGE = 1 << 4,
    VB_QEMU_PCI_CONNECT_DMI_TO_PCI_BRIDGE = 1 << 5,
    VB_QEMU_PCI_CONNECT_PCIE_TO_PCI_BRIDGE = 1 << 6,
    VB_QEMU_PCI_CONNECT_AGGREGATE_SLOT = 1 << 7, /* shares a slot with its kind */
} vbQemuPCIConnectFlags;

#define VB_QEMU_PCI_CONNECT_ENDPOINTS \
    (VB_QEMU_PCI_CONNECT_PCI_DEVICE | VB_QEMU_PCI_CONNECT_PCIE_DEVICE)
#define VB_QEMU_PCI_CONNECT_TYPES \
    (VB_QEMU_PCI_CONNECT_ENDPOINTS | VB_QEMU_PCI_CONNECT_PCIE_ROOT_PORT | \
     VB_QEMU_PCI_CONNECT_PCI_BRIDGE | VB_QEMU_PCI_CONNECT_DMI_TO_PCI_BRIDGE | \
     VB_QEMU_PCI_CONNECT_PCIE_TO_PCI_BRIDGE)

typedef struct _vbQemuPCIAddressSet vbQemuPCIAddressSet;

/* The buses of @def's PCI controllers (@pcie: its root is pcie-root), an
 * index no controller has getting the bus libvirt adds for it.  NULL
 * with VIR_ERR_CONFIG_UNSUPPORTED for an index above 255. */
vbQemuPCIAddressSet *vbQemuPCIAddressSetNew(const vbDomainDef *def, bool pcie, bool dryRun);
void vbQemuPCIAddressSetFree(vbQemuPCIAddressSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbQemuPCIAddressSet, vbQemuPCIAddressSetFree);

bool vbQemuPCIAddressSetIsDryRun(const vbQemuPCIAddressSet *set);
unsigned int vbQemuPCIAddressSetBusCount(const vbQemuPCIAddressSet *set);
/* The controller model bus @bus (< the count) needs. */
vbDomainControllerModel vbQemuPCIAddressSetBusModel(const vbQemuPCIAddressSet *set,
                                                    unsigned int bus);
/* The functions taken in a slot, a bit each; 0 for a slot not in the set. */
unsigned int vbQemuPCIAddressSlotFunctions(const vbQemuPCIAddressSet *set, unsigned int bus,
                                           unsigned int slot);
/* Whether every slot of every bus is taken. */
bool vbQemuPCIAddressSetIsFull(vbQemuPCIAddressSet *set);

/**
 * vbQemuPCIAddressReserve:
 * Takes function @addr for a device of @flags (libvirt's
 * virDomainPCIAddressReserveAddr); @fromConfig: the user gave it, so a PCI
 * device may sit in a PCIe slot and the reverse, and errors are
 * VIR_ERR_XML_ERROR with libvirt's texts (double use, bus, slot, domain,
 * a bus that does not take the device).  The dry run adds a bus missing.
 */
int vbQemuPCIAddressReserve(vbQemuPCIAddressSet *set, vbDomainDeviceAddress *addr,
                            vbQemuPCIConnectFlags flags, bool fromConfig);

/**
 * vbQemuPCIAddressReserveNext:
 * Takes the first free slot (function @function) of a bus that takes a
 * device of @flags and, in the real run, sets *@addr to it; the dry run
 * adds a bus when none has one, the real run fails ("No more available
 * PCI slots").
 */
int vbQemuPCIAddressReserveNext(vbQemuPCIAddressSet *set, vbDomainDeviceAddress *addr,
                                vbQemuPCIConnectFlags flags, unsigned int function);
