/*
 * vbdomainabi.c: whether two definitions of a domain show the guest the
 * same machine, with libvirt's messages, in libvirt's order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbdomainabi.h"
#include "vbdomaindiskconf.h"
#include "vbdomainnetconf.h"
#include "vbdomaincontrollerconf.h"
#include "vbdomaininputconf.h"
#include "vbdomainvideoconf.h"
#include "vbdomainchrconf.h"
#include "vbdomainwatchdogconf.h"
#include "vbdomainmemballoonconf.h"
#include "vbdomainrngconf.h"
#include "vbdomainpanicconf.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

static const char *
vbDomainABINetModelString(vbDomainNetModel model)
{
    return model == VB_DOMAIN_NET_MODEL_NONE ? "unknown" : vbDomainNetModelTypeToString(model);
}

/* libvirt's virDomainDeviceInfoCheckABIStability: where the device sits */
static int
vbDomainDeviceInfoCheckABIStability(const vbDomainDeviceInfo *src, const vbDomainDeviceInfo *dst)
{
    const vbDomainDeviceAddress *s = &src->addr;
    const vbDomainDeviceAddress *d = &dst->addr;

    if (s->type != d->type) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target device address type %s does not match source %s"),
                      vbDomainDeviceAddressTypeTypeToString(d->type),
                      vbDomainDeviceAddressTypeTypeToString(s->type));
        return -1;
    }
    switch (s->type) {
    case VB_DOMAIN_DEVICE_ADDRESS_PCI:
        if (s->pci.domain != d->pci.domain || s->pci.bus != d->pci.bus ||
            s->pci.slot != d->pci.slot || s->pci.function != d->pci.function) {
            /* libvirt's text, with the space its concatenation lost */
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("Target device PCI address %04x:%02x:%02x.%d does not match source %04x:%02x:%02x.%d"),
                d->pci.domain, d->pci.bus, d->pci.slot, d->pci.function, s->pci.domain, s->pci.bus,
                s->pci.slot, s->pci.function);
            return -1;
        }
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_DRIVE:
        if (s->drive.controller != d->drive.controller || s->drive.bus != d->drive.bus ||
            s->drive.unit != d->drive.unit) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target device drive address %d:%d:%d does not match source %d:%d:%d"),
                          d->drive.controller, d->drive.bus, d->drive.unit, s->drive.controller,
                          s->drive.bus, s->drive.unit);
            return -1;
        }
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_VIRTIO_SERIAL:
        if (s->vioserial.controller != d->vioserial.controller ||
            s->vioserial.bus != d->vioserial.bus || s->vioserial.port != d->vioserial.port) {
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("Target device virtio serial address %d:%d:%d does not match source %d:%d:%d"),
                d->vioserial.controller, d->vioserial.bus, d->vioserial.port,
                s->vioserial.controller, s->vioserial.bus, s->vioserial.port);
            return -1;
        }
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_ISA:
        if (s->isa.iobase != d->isa.iobase || s->isa.irq != d->isa.irq) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target device isa address %d:%d does not match source %d:%d"),
                          d->isa.iobase, d->isa.irq, s->isa.iobase, s->isa.irq);
            return -1;
        }
        break;
    case VB_DOMAIN_DEVICE_ADDRESS_USB:
    case VB_DOMAIN_DEVICE_ADDRESS_NONE:
    case VB_DOMAIN_DEVICE_ADDRESS_LAST:
        /* as libvirt: a USB port is not compared */
        break;
    }
    return 0;
}

static int
vbDomainControllerCheckABIStability(const vbDomainControllerDef *src,
                                    const vbDomainControllerDef *dst)
{
    if (src->type != dst->type) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target controller type %s does not match source %s"),
                      vbDomainControllerTypeTypeToString(dst->type),
                      vbDomainControllerTypeTypeToString(src->type));
        return -1;
    }
    if (src->index != dst->index) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target controller index %d does not match source %d"), dst->index,
                      src->index);
        return -1;
    }
    if (src->model != dst->model) {
        /* libvirt prints its enum's number, which means nothing outside
         * it: the model's name */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target controller model %s does not match source %s"),
                      vbDomainControllerModelTypeToString(dst->model),
                      vbDomainControllerModelTypeToString(src->model));
        return -1;
    }
    if (src->type == VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL ||
        src->type == VB_DOMAIN_CONTROLLER_TYPE_USB) {
        if (src->ports != dst->ports) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target controller ports %d does not match source %d"), dst->ports,
                          src->ports);
            return -1;
        }
    }
    if (src->type == VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL &&
        (src->vectorsSet != dst->vectorsSet || src->vectors != dst->vectors)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, _("Target controller vectors %d does not match source %d"),
            dst->vectorsSet ? (int) dst->vectors : -1, src->vectorsSet ? (int) src->vectors : -1);
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

static int
vbDomainInputCheckABIStability(const vbDomainInputDef *src, const vbDomainInputDef *dst)
{
    if (src->type != dst->type) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, _("Target input device type %s does not match source %s"),
            vbDomainInputTypeTypeToString(dst->type), vbDomainInputTypeTypeToString(src->type));
        return -1;
    }
    if (src->bus != dst->bus) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, _("Target input device bus %s does not match source %s"),
            vbDomainInputBusTypeToString(dst->bus), vbDomainInputBusTypeToString(src->bus));
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

static int
vbDomainVideoCheckABIStability(const vbDomainVideoDef *src, const vbDomainVideoDef *dst)
{
    if (src->type != dst->type) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, _("Target video card model %s does not match source %s"),
            vbDomainVideoTypeTypeToString(dst->type), vbDomainVideoTypeTypeToString(src->type));
        return -1;
    }
    if (src->ram != dst->ram) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target video card ram %u does not match source %u"), dst->ram, src->ram);
        return -1;
    }
    if (src->vram != dst->vram) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target video card vram %u does not match source %u"), dst->vram,
                      src->vram);
        return -1;
    }
    if (src->vram64 != dst->vram64) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target video card vram64 %u does not match source %u"), dst->vram64,
                      src->vram64);
        return -1;
    }
    if (src->vgamem != dst->vgamem) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target video card vgamem %u does not match source %u"), dst->vgamem,
                      src->vgamem);
        return -1;
    }
    if (src->heads != dst->heads) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target video card heads %u does not match source %u"), dst->heads,
                      src->heads);
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

/* libvirt keeps <serial>, <console> and <channel> in three lists and
 * compares each list; ours is one list in document order */
typedef enum {
    VB_DOMAIN_ABI_CHR_SERIAL,
    VB_DOMAIN_ABI_CHR_CONSOLE,
    VB_DOMAIN_ABI_CHR_CHANNEL,
} vbDomainABIChrKind;

static bool
vbDomainABIChrIsKind(const vbDomainChrDef *chr, vbDomainABIChrKind kind)
{
    switch (kind) {
    case VB_DOMAIN_ABI_CHR_SERIAL:
        return !chr->console && !chr->channel;
    case VB_DOMAIN_ABI_CHR_CONSOLE:
        return chr->console;
    case VB_DOMAIN_ABI_CHR_CHANNEL:
        return chr->channel;
    }
    return false;
}

static GPtrArray *
vbDomainABIChrList(const vbDomainDef *def, vbDomainABIChrKind kind)
{
    GPtrArray *list = g_ptr_array_new();
    size_t i;

    for (i = 0; i < def->nchrs; i++) {
        if (vbDomainABIChrIsKind(def->chrs[i], kind))
            g_ptr_array_add(list, def->chrs[i]);
    }
    return list;
}

static const char *
vbDomainABIConsoleTarget(const vbDomainChrDef *chr)
{
    return chr->target == VB_DOMAIN_CHR_TARGET_VIRTIO ? "virtio" : "serial";
}

static int
vbDomainChrCheckABIStability(const vbDomainChrDef *src, const vbDomainChrDef *dst,
                             vbDomainABIChrKind kind)
{
    switch (kind) {
    case VB_DOMAIN_ABI_CHR_SERIAL:
        /* the target type is always isa-serial, its model too */
        if (src->port != dst->port) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target serial port %d does not match source %d"), dst->port,
                          src->port);
            return -1;
        }
        break;
    case VB_DOMAIN_ABI_CHR_CONSOLE:
        if (src->target != dst->target) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target console type %s does not match source %s"),
                          vbDomainABIConsoleTarget(dst), vbDomainABIConsoleTarget(src));
            return -1;
        }
        break;
    case VB_DOMAIN_ABI_CHR_CHANNEL:
        /* the target type is always virtio */
        if (g_strcmp0(src->targetName, dst->targetName) != 0) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target channel name %s does not match source %s"),
                          NULLSTR(dst->targetName), NULLSTR(src->targetName));
            return -1;
        }
        break;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

static int
vbDomainChrsCheckABIStability(const vbDomainDef *src, const vbDomainDef *dst,
                              vbDomainABIChrKind kind)
{
    g_autoptr(GPtrArray) srcs = vbDomainABIChrList(src, kind);
    g_autoptr(GPtrArray) dsts = vbDomainABIChrList(dst, kind);
    size_t i;

    if (srcs->len != dsts->len) {
        switch (kind) {
        case VB_DOMAIN_ABI_CHR_SERIAL:
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target domain serial port count %u does not match source %u"),
                          dsts->len, srcs->len);
            break;
        case VB_DOMAIN_ABI_CHR_CONSOLE:
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target domain console count %u does not match source %u"), dsts->len,
                          srcs->len);
            break;
        case VB_DOMAIN_ABI_CHR_CHANNEL:
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Target domain channel count %u does not match source %u"), dsts->len,
                          srcs->len);
            break;
        }
        return -1;
    }
    for (i = 0; i < srcs->len; i++) {
        if (vbDomainChrCheckABIStability(g_ptr_array_index(srcs, i), g_ptr_array_index(dsts, i),
                                         kind) < 0)
            return -1;
    }
    return 0;
}

static int
vbDomainWatchdogCheckABIStability(const vbDomainWatchdogDef *src, const vbDomainWatchdogDef *dst)
{
    if (!src != !dst) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain watchdog count %d does not match source %d"), dst ? 1 : 0,
                      src ? 1 : 0);
        return -1;
    }
    if (!src)
        return 0;
    if (src->model != dst->model) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target watchdog model %s does not match source %s"),
                      vbDomainWatchdogModelTypeToString(dst->model),
                      vbDomainWatchdogModelTypeToString(src->model));
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

static int
vbDomainMemballoonCheckABIStability(const vbDomainMemballoonDef *src,
                                    const vbDomainMemballoonDef *dst)
{
    if (!src != !dst) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain memory balloon count %d does not match source %d"),
                      dst ? 1 : 0, src ? 1 : 0);
        return -1;
    }
    if (!src)
        return 0;
    if (src->model != dst->model) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target balloon model %s does not match source %s"),
                      vbDomainMemballoonModelTypeToString(dst->model),
                      vbDomainMemballoonModelTypeToString(src->model));
        return -1;
    }
    if (src->autodeflate != dst->autodeflate) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("Target balloon autodeflate attribute value '%s' does not match source '%s'"),
            vbDomainMemballoonSwitchTypeToString(dst->autodeflate),
            vbDomainMemballoonSwitchTypeToString(src->autodeflate));
        return -1;
    }
    if (src->freePageReporting != dst->freePageReporting) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("Target balloon freePageReporting attribute value '%s' does not match source '%s'"),
            vbDomainMemballoonSwitchTypeToString(dst->freePageReporting),
            vbDomainMemballoonSwitchTypeToString(src->freePageReporting));
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

static int
vbDomainRNGCheckABIStability(const vbDomainRNGDef *src, const vbDomainRNGDef *dst)
{
    if (src->model != dst->model) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, _("Target RNG model '%s' does not match source '%s'"),
            vbDomainRNGModelTypeToString(dst->model), vbDomainRNGModelTypeToString(src->model));
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

static int
vbDomainPanicCheckABIStability(const vbDomainPanicDef *src, const vbDomainPanicDef *dst)
{
    if (src->model != dst->model) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED, _("Target panic model '%s' does not match source '%s'"),
            vbDomainPanicModelTypeToString(dst->model), vbDomainPanicModelTypeToString(src->model));
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

static int
vbDomainDiskCheckABIStability(const vbDomainDiskDef *src, const vbDomainDiskDef *dst)
{
    if (src->device != dst->device) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target disk device %s does not match source %s"),
                      vbDomainDiskDeviceTypeToString(dst->device),
                      vbDomainDiskDeviceTypeToString(src->device));
        return -1;
    }
    if (src->bus != dst->bus) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("Target disk bus %s does not match source %s"),
                      vbDomainDiskBusTypeToString(dst->bus), vbDomainDiskBusTypeToString(src->bus));
        return -1;
    }
    if (g_strcmp0(src->dst, dst->dst) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("Target disk %s does not match source %s"),
                      dst->dst, src->dst);
        return -1;
    }
    if (g_strcmp0(src->serial, dst->serial) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target disk serial %s does not match source %s"), NULLSTR(dst->serial),
                      NULLSTR(src->serial));
        return -1;
    }
    if (g_strcmp0(src->wwn, dst->wwn) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target disk wwn '%s' does not match source '%s'"), NULLSTR(dst->wwn),
                      NULLSTR(src->wwn));
        return -1;
    }
    if (src->src && dst->src && src->src->readonly != dst->src->readonly) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      _("Target disk access mode does not match source"));
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

static int
vbDomainNetCheckABIStability(const vbDomainNetDef *src, const vbDomainNetDef *dst)
{
    char srcmac[VB_MAC_STRING_BUFLEN];
    char dstmac[VB_MAC_STRING_BUFLEN];

    if (!vbMacAddrEqual(&src->mac, &dst->mac)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target network card mac %s does not match source %s"),
                      vbMacAddrFormat(&dst->mac, dstmac), vbMacAddrFormat(&src->mac, srcmac));
        return -1;
    }
    if (src->model != dst->model) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target network card model %s does not match source %s"),
                      vbDomainABINetModelString(dst->model), vbDomainABINetModelString(src->model));
        return -1;
    }
    if (src->mtu != dst->mtu) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target network card MTU %u does not match source %u"), dst->mtu, src->mtu);
        return -1;
    }
    return vbDomainDeviceInfoCheckABIStability(&src->info, &dst->info);
}

int
vbDomainDefCheckABIStability(const vbDomainDef *src, const vbDomainDef *dst)
{
    size_t i;

    if (src->virtType != dst->virtType) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain virt type %s does not match source %s"),
                      vbDomainVirtTypeTypeToString(dst->virtType),
                      vbDomainVirtTypeTypeToString(src->virtType));
        return -1;
    }
    if (memcmp(src->uuid, dst->uuid, VB_UUID_BUFLEN) != 0) {
        char uuidsrc[VB_UUID_STRING_BUFLEN];
        char uuiddst[VB_UUID_STRING_BUFLEN];

        vbUUIDFormat(src->uuid, uuidsrc);
        vbUUIDFormat(dst->uuid, uuiddst);
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain uuid %s does not match source %s"), uuiddst, uuidsrc);
        return -1;
    }
    if (g_strcmp0(src->name, dst->name) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain name '%s' does not match source '%s'"), dst->name,
                      src->name);
        return -1;
    }
    if (src->maxMemory != dst->maxMemory) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain max memory %llu does not match source %llu"), dst->maxMemory,
                      src->maxMemory);
        return -1;
    }
    if (src->currentMemory != dst->currentMemory) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain current memory %llu does not match source %llu"),
                      dst->currentMemory, src->currentMemory);
        return -1;
    }
    if (src->vcpus != dst->vcpus) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain vCPU max %u does not match source %u"), dst->vcpus,
                      src->vcpus);
        return -1;
    }
    if (g_strcmp0(src->osType, dst->osType) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain OS type %s does not match source %s"), NULLSTR(dst->osType),
                      NULLSTR(src->osType));
        return -1;
    }
    if (g_strcmp0(src->arch, dst->arch) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain architecture %s does not match source %s"),
                      NULLSTR(dst->arch), NULLSTR(src->arch));
        return -1;
    }
    if (g_strcmp0(src->machine, dst->machine) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain machine type %s does not match source %s"),
                      NULLSTR(dst->machine), NULLSTR(src->machine));
        return -1;
    }
    if (src->ndisks != dst->ndisks) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain disk count %zu does not match source %zu"), dst->ndisks,
                      src->ndisks);
        return -1;
    }
    for (i = 0; i < src->ndisks; i++) {
        if (vbDomainDiskCheckABIStability(src->disks[i], dst->disks[i]) < 0)
            return -1;
    }
    if (src->ncontrollers != dst->ncontrollers) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain controller count %zu does not match source %zu"),
                      dst->ncontrollers, src->ncontrollers);
        return -1;
    }
    for (i = 0; i < src->ncontrollers; i++) {
        if (vbDomainControllerCheckABIStability(src->controllers[i], dst->controllers[i]) < 0)
            return -1;
    }
    if (src->nnets != dst->nnets) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain net card count %zu does not match source %zu"), dst->nnets,
                      src->nnets);
        return -1;
    }
    for (i = 0; i < src->nnets; i++) {
        if (vbDomainNetCheckABIStability(src->nets[i], dst->nets[i]) < 0)
            return -1;
    }
    if (src->ninputs != dst->ninputs) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain input device count %zu does not match source %zu"),
                      dst->ninputs, src->ninputs);
        return -1;
    }
    for (i = 0; i < src->ninputs; i++) {
        if (vbDomainInputCheckABIStability(src->inputs[i], dst->inputs[i]) < 0)
            return -1;
    }
    if (src->nvideos != dst->nvideos) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain video card count %zu does not match source %zu"),
                      dst->nvideos, src->nvideos);
        return -1;
    }
    for (i = 0; i < src->nvideos; i++) {
        if (vbDomainVideoCheckABIStability(src->videos[i], dst->videos[i]) < 0)
            return -1;
    }
    if (vbDomainChrsCheckABIStability(src, dst, VB_DOMAIN_ABI_CHR_SERIAL) < 0 ||
        vbDomainChrsCheckABIStability(src, dst, VB_DOMAIN_ABI_CHR_CHANNEL) < 0 ||
        vbDomainChrsCheckABIStability(src, dst, VB_DOMAIN_ABI_CHR_CONSOLE) < 0)
        return -1;
    if (vbDomainWatchdogCheckABIStability(src->watchdog, dst->watchdog) < 0 ||
        vbDomainMemballoonCheckABIStability(src->memballoon, dst->memballoon) < 0)
        return -1;
    if (src->nrngs != dst->nrngs) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain RNG device count %zu does not match source %zu"), dst->nrngs,
                      src->nrngs);
        return -1;
    }
    for (i = 0; i < src->nrngs; i++) {
        if (vbDomainRNGCheckABIStability(src->rngs[i], dst->rngs[i]) < 0)
            return -1;
    }
    if (src->npanics != dst->npanics) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain panic device count %zu does not match source %zu"),
                      dst->npanics, src->npanics);
        return -1;
    }
    for (i = 0; i < src->npanics; i++) {
        if (vbDomainPanicCheckABIStability(src->panics[i], dst->panics[i]) < 0)
            return -1;
    }
    return 0;
}
