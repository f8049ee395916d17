/*
 * vbqemupciaddress.c: the PCI buses of a QEMU domain and who has their slots
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbqemupciaddress.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_QEMU_PCI_SLOT_LAST 0x1f
#define VB_QEMU_PCI_FUNCTION_LAST 7

/* One slot: the functions taken, and whether it takes several devices
 * that can share one (pcie-root-ports, libvirt's "aggregate"). */
typedef struct {
    guint8 functions;
    bool aggregate;
} vbQemuPCISlot;

/* One bus, from the controller model that provides it (libvirt's
 * virDomainPCIAddressBus). */
typedef struct {
    vbDomainControllerModel model;
    vbQemuPCIConnectFlags flags; /* what plugs in */
    bool autoassign;             /* devices without an address may be put here */
    unsigned int minSlot;
    unsigned int maxSlot;
    vbQemuPCISlot slots[VB_QEMU_PCI_SLOT_LAST + 1];
} vbQemuPCIBus;

/* The buses of a domain and who has their slots.  The dry run grows the
 * set with the buses it lacks; the real run only takes slots. */
struct _vbQemuPCIAddressSet {
    GArray *buses; /* of vbQemuPCIBus */
    bool dryRun;
};

void
vbQemuPCIAddressSetFree(vbQemuPCIAddressSet *set)
{
    if (!set)
        return;
    g_clear_pointer(&set->buses, g_array_unref);
    g_free(set);
}
static vbQemuPCIBus *
vbQemuPCIAddressSetBus(vbQemuPCIAddressSet *set, unsigned int bus)
{
    return &g_array_index(set->buses, vbQemuPCIBus, bus);
}

/* What plugs into a bus of @model (libvirt's
 * virDomainPCIAddressBusSetModel). */
static void
vbQemuPCIBusSetModel(vbQemuPCIBus *bus, vbDomainControllerModel model, bool hotplug)
{
    vbQemuPCIConnectFlags hotplugFlag = hotplug ? VB_QEMU_PCI_CONNECT_HOTPLUGGABLE : 0;

    memset(bus, 0, sizeof(*bus));
    bus->model = model;
    bus->minSlot = 1;
    bus->maxSlot = VB_QEMU_PCI_SLOT_LAST;
    bus->autoassign = true;
    switch (model) {
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        bus->flags = VB_QEMU_PCI_CONNECT_PCI_DEVICE | VB_QEMU_PCI_CONNECT_PCI_BRIDGE | hotplugFlag;
        return;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
        /* no hotplug, and nothing placed here unless the user says so */
        bus->flags = VB_QEMU_PCI_CONNECT_PCIE_DEVICE | VB_QEMU_PCI_CONNECT_PCIE_ROOT_PORT |
                     VB_QEMU_PCI_CONNECT_DMI_TO_PCI_BRIDGE;
        bus->autoassign = false;
        return;
    case VB_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        bus->flags = VB_QEMU_PCI_CONNECT_PCI_DEVICE | VB_QEMU_PCI_CONNECT_PCI_BRIDGE;
        bus->minSlot = 0;
        bus->autoassign = false;
        return;
    case VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        /* a single slot */
        bus->flags =
            VB_QEMU_PCI_CONNECT_PCIE_DEVICE | VB_QEMU_PCI_CONNECT_PCIE_TO_PCI_BRIDGE | hotplugFlag;
        bus->minSlot = 0;
        bus->maxSlot = 0;
        return;
    default:
        /* not a PCI bus; nothing plugs in */
        bus->flags = VB_QEMU_PCI_CONNECT_NONE;
        bus->autoassign = false;
        return;
    }
}

vbQemuPCIAddressSet *
vbQemuPCIAddressSetNew(const vbDomainDef *def, bool pcie, bool dryRun)
{
    g_autoptr(vbQemuPCIAddressSet) set = g_new0(vbQemuPCIAddressSet, 1);
    vbDomainControllerModel gapModel =
        pcie ? VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT : VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE;
    unsigned int nbuses = 1;
    size_t i;

    set->dryRun = dryRun;
    for (i = 0; i < def->ncontrollers; i++) {
        const vbDomainControllerDef *cont = def->controllers[i];

        if (cont->type != VB_DOMAIN_CONTROLLER_TYPE_PCI)
            continue;
        /* validation says so too, but a definition read back skips it */
        if (cont->index > VB_DOMAIN_CONTROLLER_PCI_INDEX_MAX) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("PCI controller index %u too high, maximum is 255"), cont->index);
            return NULL;
        }
        nbuses = MAX(nbuses, cont->index + 1);
    }
    set->buses = g_array_sized_new(FALSE, TRUE, sizeof(vbQemuPCIBus), nbuses);
    g_array_set_size(set->buses, nbuses);
    /* an index nobody has yet gets the bus libvirt adds for it */
    for (i = 0; i < nbuses; i++)
        vbQemuPCIBusSetModel(vbQemuPCIAddressSetBus(set, i),
                             i == 0 ? (pcie ? VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT
                                            : VB_DOMAIN_CONTROLLER_MODEL_PCI_ROOT)
                                    : gapModel,
                             true);
    for (i = 0; i < def->ncontrollers; i++) {
        const vbDomainControllerDef *cont = def->controllers[i];

        if (cont->type == VB_DOMAIN_CONTROLLER_TYPE_PCI &&
            cont->model != VB_DOMAIN_CONTROLLER_MODEL_DEFAULT)
            vbQemuPCIBusSetModel(vbQemuPCIAddressSetBus(set, cont->index), cont->model,
                                 cont->hotplug != VB_TRISTATE_SWITCH_OFF);
    }
    return g_steal_pointer(&set);
}

static char *
vbQemuPCIAddressFormat(const vbDomainDeviceAddress *addr)
{
    return g_strdup_printf("%04x:%02x:%02x.%u", addr->pci.domain, addr->pci.bus, addr->pci.slot,
                           addr->pci.function);
}

static bool vbQemuPCIAddressSetGrow(vbQemuPCIAddressSet *set, vbDomainDeviceAddress *addr,
                                    vbQemuPCIConnectFlags flags);

/* Name of the first connection type in @flags, as libvirt words it. */
static const char *
vbQemuPCIConnectTypeName(vbQemuPCIConnectFlags flags)
{
    if (flags & VB_QEMU_PCI_CONNECT_PCI_DEVICE)
        return "standard PCI device";
    if (flags & VB_QEMU_PCI_CONNECT_PCIE_DEVICE)
        return "PCI Express device";
    if (flags & VB_QEMU_PCI_CONNECT_PCIE_ROOT_PORT)
        return "pcie-root-port";
    if (flags & VB_QEMU_PCI_CONNECT_DMI_TO_PCI_BRIDGE)
        return "dmi-to-pci-bridge";
    if (flags & VB_QEMU_PCI_CONNECT_PCIE_TO_PCI_BRIDGE)
        return "pcie-to-pci-bridge";
    return "pci-bridge";
}

/* Whether a device of @flags may sit at @addr (libvirt's
 * virDomainPCIAddressFlagsCompatible).  @fromConfig: the user gave the
 * address, which may put a PCI device in a PCIe slot and the reverse. */
static bool
vbQemuPCIBusAccepts(const vbQemuPCIBus *bus, const vbDomainDeviceAddress *addr,
                    vbQemuPCIConnectFlags flags, bool fromConfig, bool report)
{
    vbQemuPCIConnectFlags busFlags = bus->flags;
    g_autofree char *str = vbQemuPCIAddressFormat(addr);

    if (fromConfig) {
        if (busFlags & VB_QEMU_PCI_CONNECT_ENDPOINTS)
            busFlags |= VB_QEMU_PCI_CONNECT_ENDPOINTS;
        if (flags & VB_QEMU_PCI_CONNECT_PCI_BRIDGE)
            flags |= VB_QEMU_PCI_CONNECT_PCI_DEVICE;
        /* the user may put a device where it cannot be unplugged */
        flags &= ~VB_QEMU_PCI_CONNECT_HOTPLUGGABLE;
    } else if (!bus->autoassign && (flags & VB_QEMU_PCI_CONNECT_ENDPOINTS)) {
        /* endpoints go on pcie-root only where the user puts them */
        if (report)
            vbReportError(
                VIR_ERR_INTERNAL_ERROR,
                _("The device at PCI address %s was auto-assigned this address, but the PCI controller with index='%u' doesn't allow auto-assignment"),
                str, addr->pci.bus);
        return false;
    }
    if ((flags & VB_QEMU_PCI_CONNECT_HOTPLUGGABLE) &&
        !(busFlags & VB_QEMU_PCI_CONNECT_HOTPLUGGABLE)) {
        if (report)
            vbReportError(
                VIR_ERR_XML_ERROR,
                _("The device at PCI address %s requires hotplug capability, but the PCI controller with index='%u' doesn't support hotplug"),
                str, addr->pci.bus);
        return false;
    }
    if (!(flags & busFlags & VB_QEMU_PCI_CONNECT_TYPES)) {
        if (report)
            vbReportError(
                VIR_ERR_XML_ERROR,
                _("The device at PCI address %s cannot be plugged into the PCI controller with index='%u'. It requires a controller that accepts a %s"),
                str, addr->pci.bus, vbQemuPCIConnectTypeName(flags));
        return false;
    }
    return true;
}

/*
 * Takes function @addr for a device of @flags (libvirt's
 * virDomainPCIAddressReserveAddrInternal): checks the address is valid
 * for its bus, growing the set in the dry run when the bus is missing.
 */
int
vbQemuPCIAddressReserve(vbQemuPCIAddressSet *set, vbDomainDeviceAddress *addr,
                        vbQemuPCIConnectFlags flags, bool fromConfig)
{
    g_autofree char *str = vbQemuPCIAddressFormat(addr);
    vbQemuPCIBus *bus;
    vbQemuPCISlot *slot;

    if (addr->pci.domain != 0) {
        vbReportError(VIR_ERR_XML_ERROR,
                      _("Invalid PCI address %s. Only PCI domain 0 is available"), str);
        return -1;
    }
    if (set->dryRun && addr->pci.bus >= set->buses->len &&
        !vbQemuPCIAddressSetGrow(set, addr, flags))
        return -1;
    if (addr->pci.bus >= set->buses->len) {
        vbReportError(VIR_ERR_XML_ERROR,
                      _("Invalid PCI address %s. Only PCI buses up to %u are available"), str,
                      set->buses->len - 1);
        return -1;
    }
    bus = vbQemuPCIAddressSetBus(set, addr->pci.bus);
    if (!vbQemuPCIBusAccepts(bus, addr, flags, fromConfig, true))
        return -1;
    if (addr->pci.slot < bus->minSlot) {
        vbReportError(VIR_ERR_XML_ERROR, _("Invalid PCI address %s. slot must be >= %u"), str,
                      bus->minSlot);
        return -1;
    }
    if (addr->pci.slot > bus->maxSlot) {
        vbReportError(VIR_ERR_XML_ERROR, _("Invalid PCI address %s. slot must be <= %u"), str,
                      bus->maxSlot);
        return -1;
    }
    slot = &bus->slots[addr->pci.slot];
    if (slot->functions & (1 << addr->pci.function)) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_XML_ERROR, _("Attempted double use of PCI Address %s"), str);
        return -1;
    }
    if (!slot->functions && (flags & VB_QEMU_PCI_CONNECT_AGGREGATE_SLOT))
        slot->aggregate = true;
    slot->functions |= 1 << addr->pci.function;
    return 0;
}

/*
 * Adds the buses a device of @flags needs to sit on bus @addr->pci.bus
 * (libvirt's virDomainPCIAddressSetGrow): pcie-root-ports for a PCIe
 * device, pci-bridges for a PCI device, and on a machine without any PCI
 * bus yet a pcie-root-port with a pcie-to-pci-bridge in it first.
 * Returns false with an error when no bus can be added for @flags.
 */
static bool
vbQemuPCIAddressSetGrow(vbQemuPCIAddressSet *set, vbDomainDeviceAddress *addr,
                        vbQemuPCIConnectFlags flags)
{
    vbDomainControllerModel model;
    bool needBridge = false;
    unsigned int i;

    if (addr->pci.bus < set->buses->len)
        return true;
    if (flags & VB_QEMU_PCI_CONNECT_PCI_DEVICE) {
        model = VB_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE;
        needBridge = true;
        for (i = 0; i < set->buses->len; i++) {
            if (vbQemuPCIAddressSetBus(set, i)->flags & VB_QEMU_PCI_CONNECT_PCI_BRIDGE)
                needBridge = false;
        }
        /* a pcie-to-pci-bridge is a pci-bridge to the devices behind it,
         * so it takes the place of the first one */
        if (needBridge && addr->pci.bus == set->buses->len)
            addr->pci.bus++;
    } else if (flags & VB_QEMU_PCI_CONNECT_PCIE_DEVICE) {
        model = VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT;
    } else {
        vbReportError(
            VIR_ERR_INTERNAL_ERROR,
            _("a PCI slot is needed to connect a PCI controller model='%s', but none is available, and it cannot be automatically added"),
            vbQemuPCIConnectTypeName(flags));
        return false;
    }

    i = set->buses->len;
    g_array_set_size(set->buses, addr->pci.bus + 1);
    if (needBridge) {
        /* this root port is for the bridge only, not for a PCIe device
         * looking for a free slot later */
        vbQemuPCIBusSetModel(vbQemuPCIAddressSetBus(set, i),
                             VB_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT, true);
        vbQemuPCIAddressSetBus(set, i)->flags = VB_QEMU_PCI_CONNECT_PCIE_TO_PCI_BRIDGE;
        i++;
        vbQemuPCIBusSetModel(vbQemuPCIAddressSetBus(set, i++),
                             VB_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE, true);
    }
    for (; i < set->buses->len; i++)
        vbQemuPCIBusSetModel(vbQemuPCIAddressSetBus(set, i), model, true);
    return true;
}

/*
 * Gives @addr the first free slot for a device of @flags (libvirt's
 * virDomainPCIAddressGetNextAddr with function 0): a slot nobody uses,
 * or for a device that aggregates a free function of a slot of its
 * kind.  The dry run adds a bus when there is none; the real run fails.
 */
int
vbQemuPCIAddressReserveNext(vbQemuPCIAddressSet *set, vbDomainDeviceAddress *addr,
                            vbQemuPCIConnectFlags flags, unsigned int function)
{
    vbDomainDeviceAddress a = {.type = VB_DOMAIN_DEVICE_ADDRESS_PCI};
    bool found = false;

    for (a.pci.bus = 0; a.pci.bus < set->buses->len && !found; a.pci.bus++) {
        vbQemuPCIBus *bus = vbQemuPCIAddressSetBus(set, a.pci.bus);

        a.pci.function = function;
        if (!vbQemuPCIBusAccepts(bus, &a, flags, false, false))
            continue;
        for (a.pci.slot = bus->minSlot; a.pci.slot <= bus->maxSlot; a.pci.slot++) {
            const vbQemuPCISlot *slot = &bus->slots[a.pci.slot];

            if (!slot->functions) {
                found = true;
                break;
            }
            if ((flags & VB_QEMU_PCI_CONNECT_AGGREGATE_SLOT) && slot->aggregate) {
                for (a.pci.function = 0; a.pci.function <= VB_QEMU_PCI_FUNCTION_LAST;
                     a.pci.function++) {
                    if (!(slot->functions & (1 << a.pci.function)))
                        break;
                }
                if (a.pci.function <= VB_QEMU_PCI_FUNCTION_LAST) {
                    found = true;
                    break;
                }
                a.pci.function = function;
            }
        }
        if (found)
            break;
    }
    if (!found) {
        if (!set->dryRun) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("No more available PCI slots"));
            return -1;
        }
        a.pci.bus = set->buses->len;
        if (!vbQemuPCIAddressSetGrow(set, &a, flags))
            return -1;
        a.pci.slot = vbQemuPCIAddressSetBus(set, a.pci.bus)->minSlot;
    }
    if (vbQemuPCIAddressReserve(set, &a, flags, false) < 0)
        return -1;
    /* the dry run only counts buses; the real run hands out the slots */
    if (!set->dryRun)
        *addr = a;
    return 0;
}

/* Whether every slot of every bus is taken. */
bool
vbQemuPCIAddressSetIsFull(vbQemuPCIAddressSet *set)
{
    unsigned int i;
    unsigned int slot;

    for (i = 0; i < set->buses->len; i++) {
        const vbQemuPCIBus *bus = vbQemuPCIAddressSetBus(set, i);

        for (slot = bus->minSlot; slot <= bus->maxSlot; slot++) {
            if (!bus->slots[slot].functions)
                return false;
        }
    }
    return true;
}

bool
vbQemuPCIAddressSetIsDryRun(const vbQemuPCIAddressSet *set)
{
    return set->dryRun;
}

unsigned int
vbQemuPCIAddressSetBusCount(const vbQemuPCIAddressSet *set)
{
    return set->buses->len;
}

vbDomainControllerModel
vbQemuPCIAddressSetBusModel(const vbQemuPCIAddressSet *set, unsigned int bus)
{
    return g_array_index(set->buses, vbQemuPCIBus, bus).model;
}

unsigned int
vbQemuPCIAddressSlotFunctions(const vbQemuPCIAddressSet *set, unsigned int bus, unsigned int slot)
{
    if (bus >= set->buses->len || slot > VB_QEMU_PCI_SLOT_LAST)
        return 0;
    return g_array_index(set->buses, vbQemuPCIBus, bus).slots[slot].functions;
}
