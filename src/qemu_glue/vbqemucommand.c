/*
 * vbqemucommand.c: the QEMU command line of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbqemucommand.h"
#include "vbqemublock.h"
#include "vbqemudevice.h"
#include "vbqemudomainaddress.h"
#include "vberror.h"
#include "vbjson.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static void
vbQemuCommandAddArg(GPtrArray *argv, const char *arg)
{
    g_ptr_array_add(argv, g_strdup(arg));
}

static void vbQemuCommandAddArgFormat(GPtrArray *argv, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
vbQemuCommandAddArgFormat(GPtrArray *argv, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* QEMU's key=value option syntax: a comma inside a value is doubled. */
static void
vbQemuCommandAppendEscaped(GString *buf, const char *str)
{
    const char *p;

    for (p = str; *p; p++) {
        if (*p == ',')
            g_string_append_c(buf, ',');
        g_string_append_c(buf, *p);
    }
}

static void
vbQemuCommandAddArgBuf(GPtrArray *argv, GString **buf)
{
    g_ptr_array_add(argv, g_string_free(g_steal_pointer(buf), FALSE));
}

static int
vbQemuCommandAddBlockdev(GPtrArray *argv, const vbJSONValue *props)
{
    char *str = vbJSONValueToString(props, false);

    if (!str)
        return -1;
    vbQemuCommandAddArg(argv, "-blockdev");
    g_ptr_array_add(argv, str);
    return 0;
}

static int
vbQemuCommandBuildAccel(GPtrArray *argv, const vbDomainDef *def, const vbQemuCommandOptions *opts)
{
    switch (def->virtType) {
    case VB_DOMAIN_VIRT_KVM:
        if (!opts->kvmUsable) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("domain type 'kvm' needs '/dev/kvm', which this host lacks"));
            return -1;
        }
        vbQemuCommandAddArg(argv, "-accel");
        vbQemuCommandAddArg(argv, "kvm");
        return 0;
    case VB_DOMAIN_VIRT_QEMU:
        vbQemuCommandAddArg(argv, "-accel");
        vbQemuCommandAddArg(argv, "tcg");
        return 0;
    case VB_DOMAIN_VIRT_LAST:
        break;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected domain type %d"), (int) def->virtType);
    return -1;
}

/* The node names libvirt gives the firmware images */
#define VB_QEMU_PFLASH_NODE(n, layer) "libvirt-pflash" #n "-" layer

static bool
vbQemuCommandHasPflash(const vbDomainDef *def)
{
    return def->os.loader && def->os.loader->type == VB_DOMAIN_LOADER_TYPE_PFLASH;
}

static void
vbQemuCommandBuildMachine(GPtrArray *argv, const vbDomainDef *def)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    vbQemuCommandAddArg(argv, "-machine");
    vbQemuCommandAppendEscaped(buf, def->machine);
    /* -nodefaults leaves out USB; dump-guest-core=off keeps guest memory
     * out of core dumps of QEMU, as libvirt does by default. */
    g_string_append(buf, ",usb=off");
    if (def->vmport != VB_TRISTATE_SWITCH_ABSENT)
        g_string_append_printf(buf, ",vmport=%s", vbTristateSwitchTypeToString(def->vmport));
    if (def->smm != VB_TRISTATE_SWITCH_ABSENT)
        g_string_append_printf(buf, ",smm=%s", vbTristateSwitchTypeToString(def->smm));
    /* the IOAPIC emulated by QEMU needs the split irqchip; KVM's is the
     * whole in-kernel one */
    if (def->ioapic == VB_DOMAIN_IOAPIC_QEMU)
        g_string_append(buf, ",kernel_irqchip=split");
    else if (def->ioapic == VB_DOMAIN_IOAPIC_KVM)
        g_string_append(buf, ",kernel_irqchip=on");
    g_string_append(buf, ",dump-guest-core=off");
    if (!def->acpi)
        g_string_append(buf, ",acpi=off");
    if (vbQemuCommandHasPflash(def)) {
        g_string_append(buf, ",pflash0=" VB_QEMU_PFLASH_NODE(0, "format"));
        if (def->os.loader->nvram)
            g_string_append(buf, ",pflash1=" VB_QEMU_PFLASH_NODE(1, "format"));
    }
    vbQemuCommandAddArgBuf(argv, &buf);
}

/* One pflash image as a file node and a raw node on top, as libvirt
 * writes them; the firmware code is read-only when the loader says so, the
 * variable store never */
static int
vbQemuCommandBuildPflashOne(GPtrArray *argv, const char *path, const char *storage,
                            const char *format, bool readonly)
{
    g_autoptr(vbJSONValue) file = NULL;
    g_autoptr(vbJSONValue) raw = NULL;

    if (vbJSONValueObjectAdd(&file, "s:driver", "file", "s:filename", path, "s:node-name", storage,
                             "b:auto-read-only", true, "s:discard", "unmap", NULL) < 0 ||
        vbJSONValueObjectAdd(&raw, "s:node-name", format, "b:read-only", readonly, "s:driver",
                             "raw", "s:file", storage, NULL) < 0)
        return -1;
    if (vbQemuCommandAddBlockdev(argv, file) < 0 || vbQemuCommandAddBlockdev(argv, raw) < 0)
        return -1;
    return 0;
}

static int
vbQemuCommandBuildPflash(GPtrArray *argv, const vbDomainDef *def)
{
    const vbDomainLoaderDef *loader = def->os.loader;

    if (!vbQemuCommandHasPflash(def))
        return 0;
    if (vbQemuCommandBuildPflashOne(argv, loader->path, VB_QEMU_PFLASH_NODE(0, "storage"),
                                    VB_QEMU_PFLASH_NODE(0, "format"),
                                    loader->readonly == VB_TRISTATE_BOOL_YES) < 0)
        return -1;
    if (loader->nvram &&
        vbQemuCommandBuildPflashOne(argv, loader->nvram, VB_QEMU_PFLASH_NODE(1, "storage"),
                                    VB_QEMU_PFLASH_NODE(1, "format"), false) < 0)
        return -1;
    return 0;
}

/* After -cpu, as libvirt: a ROM image, or the pflash's secure mode */
static void
vbQemuCommandBuildLoader(GPtrArray *argv, const vbDomainDef *def)
{
    const vbDomainLoaderDef *loader = def->os.loader;

    if (!loader)
        return;
    switch (loader->type) {
    case VB_DOMAIN_LOADER_TYPE_ROM:
        vbQemuCommandAddArg(argv, "-bios");
        vbQemuCommandAddArg(argv, loader->path);
        break;
    case VB_DOMAIN_LOADER_TYPE_PFLASH:
        if (loader->secure == VB_TRISTATE_BOOL_YES) {
            vbQemuCommandAddArg(argv, "-global");
            vbQemuCommandAddArg(argv, "driver=cfi.pflash01,property=secure,value=on");
        }
        break;
    case VB_DOMAIN_LOADER_TYPE_NONE:
    case VB_DOMAIN_LOADER_TYPE_LAST:
        break;
    }
}

/* The boot order itself is in the devices' bootindex; -boot keeps the
 * menu and the timeouts, and strict=on so that only listed devices boot. */
static void
vbQemuCommandBuildBoot(GPtrArray *argv, const vbDomainDef *def)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    if (def->os.bootmenu)
        g_string_append_printf(buf, "menu=%s,",
                               def->os.bootmenu == VB_TRISTATE_BOOL_YES ? "on" : "off");
    if (def->os.rebootTimeoutSet)
        g_string_append_printf(buf, "reboot-timeout=%d,", def->os.rebootTimeout);
    if (def->os.bmTimeoutSet)
        g_string_append_printf(buf, "splash-time=%u,", def->os.bmTimeout);
    g_string_append(buf, "strict=on");
    vbQemuCommandAddArg(argv, "-boot");
    vbQemuCommandAddArgBuf(argv, &buf);
}

/* -smbios type=N,key=value... for one group, in libvirt's field order; the
 * base board and chassis name their manufacturer even when it is unknown,
 * as libvirt writes them */
static void
vbQemuCommandBuildSmbiosGroup(GPtrArray *argv, const vbSysinfo *info, vbSysinfoGroupType group,
                              bool skipUUID)
{
    static const unsigned int types[VB_SYSINFO_LAST] = {0, 1, 2, 3};
    const vbSysinfoGroup *g = &info->groups[group];
    g_autoptr(GString) buf = g_string_new(NULL);
    bool needManufacturer = group == VB_SYSINFO_BASE_BOARD || group == VB_SYSINFO_CHASSIS;
    size_t i;

    if (g->names->len == 0)
        return;
    g_string_append_printf(buf, "type=%u", types[group]);
    if (needManufacturer && !vbSysinfoGet(info, group, "manufacturer"))
        g_string_append(buf, ",manufacturer=");
    for (i = 0; i < g->names->len; i++) {
        const char *name = g_ptr_array_index(g->names, i);

        if (skipUUID && strcmp(name, "uuid") == 0)
            continue;
        g_string_append_printf(buf, ",%s=", name);
        vbQemuCommandAppendEscaped(buf, g_ptr_array_index(g->values, i));
    }
    vbQemuCommandAddArg(argv, "-smbios");
    vbQemuCommandAddArgBuf(argv, &buf);
}

static int
vbQemuCommandBuildSmbios(GPtrArray *argv, const vbDomainDef *def, const vbQemuCommandOptions *opts)
{
    const vbSysinfo *source = NULL;
    bool skipUUID = false;
    size_t i;

    switch (def->os.smbiosMode) {
    case VB_DOMAIN_SMBIOS_NONE:
    case VB_DOMAIN_SMBIOS_EMULATE:
        return 0;
    case VB_DOMAIN_SMBIOS_HOST:
        /* libvirt's wording */
        if (!(source = opts->hostSysinfo)) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("Host SMBIOS information is not available"));
            return -1;
        }
        /* the guest is another machine than the host */
        skipUUID = true;
        break;
    case VB_DOMAIN_SMBIOS_SYSINFO:
        if (!(source = def->sysinfo)) {
            vbReportError(VIR_ERR_XML_ERROR, _("Domain '%s' sysinfo are not available"), def->name);
            return -1;
        }
        break;
    case VB_DOMAIN_SMBIOS_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected smbios mode %d"),
                      (int) def->os.smbiosMode);
        return -1;
    }

    for (i = 0; i < VB_SYSINFO_LAST; i++)
        vbQemuCommandBuildSmbiosGroup(argv, source, i, skipUUID);
    if (source->oemStrings->len) {
        g_autoptr(GString) buf = g_string_new("type=11");

        for (i = 0; i < source->oemStrings->len; i++) {
            g_string_append(buf, ",value=");
            vbQemuCommandAppendEscaped(buf, g_ptr_array_index(source->oemStrings, i));
        }
        vbQemuCommandAddArg(argv, "-smbios");
        vbQemuCommandAddArgBuf(argv, &buf);
    }
    return 0;
}

/* The model part of -cpu: what <cpu> names, or qemu64, which is what
 * libvirt and QEMU give an x86_64 guest without a <cpu> element, with TCG
 * and KVM alike: a guest sees the same CPU whichever runs it. */
static int
vbQemuCommandBuildCPUModel(GString *buf, const vbDomainDef *def)
{
    const vbCPUDef *cpu = def->cpu;
    size_t i;

    if (!cpu) {
        g_string_append(buf, "qemu64");
        return 0;
    }
    switch (cpu->mode) {
    case VB_CPU_MODE_HOST_PASSTHROUGH:
        if (def->virtType != VB_DOMAIN_VIRT_KVM) {
            /* libvirt's wording and code */
            vbReportError(
                VIR_ERR_CONFIG_UNSUPPORTED,
                _("CPU mode '%s' for %s %s domain on %s host is not supported by hypervisor"),
                "host-passthrough", "x86_64", "qemu", "x86_64");
            return -1;
        }
        g_string_append(buf, "host");
        break;
    case VB_CPU_MODE_MAXIMUM:
        g_string_append(buf, "max");
        break;
    case VB_CPU_MODE_HOST_MODEL:
        /* vbQemuHostCPUUpdateDef() turns it into a custom CPU first */
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("CPU mode 'host-model' was not expanded"));
        return -1;
    case VB_CPU_MODE_CUSTOM:
        g_string_append(buf, cpu->model);
        break;
    case VB_CPU_MODE_LAST:
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected CPU mode %d"), (int) cpu->mode);
        return -1;
    }
    if ((cpu->mode == VB_CPU_MODE_HOST_PASSTHROUGH || cpu->mode == VB_CPU_MODE_MAXIMUM) &&
        cpu->migratable != VB_TRISTATE_SWITCH_ABSENT)
        g_string_append_printf(buf, ",migratable=%s",
                               vbTristateSwitchTypeToString(cpu->migratable));

    for (i = 0; i < cpu->nfeatures; i++) {
        switch (cpu->features[i].policy) {
        case VB_CPU_FEATURE_FORCE:
        case VB_CPU_FEATURE_REQUIRE:
            g_string_append_printf(buf, ",%s=on", cpu->features[i].name);
            break;
        case VB_CPU_FEATURE_DISABLE:
        case VB_CPU_FEATURE_FORBID:
            g_string_append_printf(buf, ",%s=off", cpu->features[i].name);
            break;
        case VB_CPU_FEATURE_OPTIONAL:
        case VB_CPU_FEATURE_LAST:
            break;
        }
    }
    return 0;
}

/* -cpu: the model, then the paravirtual timers, Hyper-V and KVM flags,
 * in libvirt's order */
static int
vbQemuCommandBuildCPU(GPtrArray *argv, const vbDomainDef *def)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    const vbDomainTimerDef *timer;
    size_t i;

    if (vbQemuCommandBuildCPUModel(buf, def) < 0)
        return -1;
    for (i = 0; def->clock && i < def->clock->ntimers; i++) {
        timer = &def->clock->timers[def->clock->order[i]];
        switch (timer->name) {
        case VB_DOMAIN_TIMER_NAME_KVMCLOCK:
            if (timer->present != VB_TRISTATE_BOOL_ABSENT)
                g_string_append_printf(buf, ",kvmclock=%s",
                                       timer->present == VB_TRISTATE_BOOL_YES ? "on" : "off");
            break;
        case VB_DOMAIN_TIMER_NAME_HYPERVCLOCK:
            if (timer->present == VB_TRISTATE_BOOL_YES)
                g_string_append(buf, ",hv-time=on");
            break;
        case VB_DOMAIN_TIMER_NAME_TSC:
            if (timer->frequency)
                g_string_append_printf(buf, ",tsc-frequency=%llu", timer->frequency);
            break;
        case VB_DOMAIN_TIMER_NAME_PLATFORM:
        case VB_DOMAIN_TIMER_NAME_PIT:
        case VB_DOMAIN_TIMER_NAME_RTC:
        case VB_DOMAIN_TIMER_NAME_HPET:
        case VB_DOMAIN_TIMER_NAME_ARMVTIMER:
        case VB_DOMAIN_TIMER_NAME_LAST:
            break;
        }
    }
    if (def->hypervMode == VB_DOMAIN_HYPERV_MODE_PASSTHROUGH)
        g_string_append(buf, ",hv-passthrough=on");
    if (def->hypervMode != VB_DOMAIN_HYPERV_MODE_NONE) {
        for (i = 0; i < VB_DOMAIN_HYPERV_LAST; i++) {
            if (def->hyperv[i] != VB_TRISTATE_SWITCH_ON)
                continue;
            if (i == VB_DOMAIN_HYPERV_SPINLOCKS)
                g_string_append_printf(buf, ",hv-spinlocks=0x%x", def->hypervSpinlocks);
            else
                g_string_append_printf(buf, ",hv-%s=on", vbDomainHypervTypeToString(i));
        }
    }
    if (def->kvmHidden == VB_TRISTATE_SWITCH_ON)
        g_string_append(buf, ",kvm=off");

    vbQemuCommandAddArg(argv, "-cpu");
    vbQemuCommandAddArgBuf(argv, &buf);
    return 0;
}

/* -smp: the vCPUs online at start, the maximum, and the topology, which
 * libvirt always writes (every vCPU its own socket without <topology>) */
static void
vbQemuCommandBuildSmp(GPtrArray *argv, const vbDomainDef *def)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    unsigned int vcpus = def->vcpus ? def->vcpus : 1;
    unsigned int current = def->vcpusCurrent ? def->vcpusCurrent : vcpus;

    g_string_append_printf(buf, "%u", current);
    if (current != vcpus)
        g_string_append_printf(buf, ",maxcpus=%u", vcpus);
    if (def->cpu && def->cpu->sockets)
        g_string_append_printf(buf, ",sockets=%u,dies=%u,cores=%u,threads=%u", def->cpu->sockets,
                               def->cpu->dies, def->cpu->cores, def->cpu->threads);
    else
        g_string_append_printf(buf, ",sockets=%u,cores=1,threads=1", vcpus);
    vbQemuCommandAddArg(argv, "-smp");
    vbQemuCommandAddArgBuf(argv, &buf);
}

/* -rtc, and the timers QEMU sets with -global or an option of its own */
static int
vbQemuCommandBuildClock(GPtrArray *argv, const vbDomainDef *def, const vbQemuCommandOptions *opts)
{
    const vbDomainClockDef *clock = def->clock;
    g_autoptr(GString) buf = g_string_new(NULL);
    const vbDomainTimerDef *timer;
    size_t i;

    /* without <clock>, QEMU's own default (UTC) */
    if (!clock)
        return 0;
    switch (clock->offset) {
    case VB_DOMAIN_CLOCK_OFFSET_UTC:
        g_string_append(buf, "base=utc");
        break;
    case VB_DOMAIN_CLOCK_OFFSET_LOCALTIME:
    case VB_DOMAIN_CLOCK_OFFSET_TIMEZONE:
        g_string_append(buf, "base=localtime");
        break;
    case VB_DOMAIN_CLOCK_OFFSET_VARIABLE: {
        gint64 now = opts->now ? opts->now : g_get_real_time() / G_USEC_PER_SEC;
        gint64 adjustment = clock->adjustment;
        g_autoptr(GDateTime) then = NULL;
        g_autofree char *str = NULL;

        if (clock->basis == VB_DOMAIN_CLOCK_BASIS_LOCALTIME) {
            g_autoptr(GDateTime) local = g_date_time_new_from_unix_local(now);

            if (local)
                adjustment += g_date_time_get_utc_offset(local) / G_USEC_PER_SEC;
        }
        if (!(then = g_date_time_new_from_unix_utc(now + adjustment))) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("clock adjustment '%lld' gives a date QEMU cannot take"),
                          clock->adjustment);
            return -1;
        }
        str = g_date_time_format(then, "%Y-%m-%dT%H:%M:%S");
        g_string_append_printf(buf, "base=%s", str);
        break;
    }
    case VB_DOMAIN_CLOCK_OFFSET_LAST:
        break;
    }
    if ((timer = vbDomainClockDefGetTimer(clock, VB_DOMAIN_TIMER_NAME_RTC))) {
        switch (timer->track) {
        case VB_DOMAIN_TIMER_TRACK_GUEST:
            g_string_append(buf, ",clock=vm");
            break;
        case VB_DOMAIN_TIMER_TRACK_WALL:
            g_string_append(buf, ",clock=host");
            break;
        case VB_DOMAIN_TIMER_TRACK_REALTIME:
            g_string_append(buf, ",clock=rt");
            break;
        case VB_DOMAIN_TIMER_TRACK_NONE:
        case VB_DOMAIN_TIMER_TRACK_BOOT: /* refused by validation */
        case VB_DOMAIN_TIMER_TRACK_LAST:
            break;
        }
        if (timer->tickpolicy == VB_DOMAIN_TIMER_TICKPOLICY_CATCHUP)
            g_string_append(buf, ",driftfix=slew");
    }
    vbQemuCommandAddArg(argv, "-rtc");
    vbQemuCommandAddArgBuf(argv, &buf);

    for (i = 0; i < clock->ntimers; i++) {
        timer = &clock->timers[clock->order[i]];
        if (timer->name == VB_DOMAIN_TIMER_NAME_PIT) {
            /* catchup is the in-kernel PIT's default; merge is refused */
            if (timer->tickpolicy == VB_DOMAIN_TIMER_TICKPOLICY_NONE ||
                timer->tickpolicy == VB_DOMAIN_TIMER_TICKPOLICY_DELAY) {
                vbQemuCommandAddArg(argv, "-global");
                vbQemuCommandAddArg(argv, "kvm-pit.lost_tick_policy=delay");
            } else if (timer->tickpolicy == VB_DOMAIN_TIMER_TICKPOLICY_DISCARD) {
                vbQemuCommandAddArg(argv, "-global");
                vbQemuCommandAddArg(argv, "kvm-pit.lost_tick_policy=discard");
            }
        } else if (timer->name == VB_DOMAIN_TIMER_NAME_HPET &&
                   timer->present == VB_TRISTATE_BOOL_NO) {
            vbQemuCommandAddArg(argv, "-no-hpet");
        }
    }
    return 0;
}

/* <pm>: the power management device of the machine, ICH9-LPC on q35 */
static void
vbQemuCommandBuildPM(GPtrArray *argv, const vbDomainDef *def)
{
    const char *device = vbDomainDefHasQ35Machine(def) ? "ICH9-LPC" : "PIIX4_PM";

    if (def->pmS3 != VB_TRISTATE_BOOL_ABSENT) {
        vbQemuCommandAddArg(argv, "-global");
        vbQemuCommandAddArgFormat(argv, "%s.disable_s3=%d", device,
                                  def->pmS3 == VB_TRISTATE_BOOL_NO);
    }
    if (def->pmS4 != VB_TRISTATE_BOOL_ABSENT) {
        vbQemuCommandAddArg(argv, "-global");
        vbQemuCommandAddArgFormat(argv, "%s.disable_s4=%d", device,
                                  def->pmS4 == VB_TRISTATE_BOOL_NO);
    }
}

/* direct kernel boot, after -boot as libvirt writes it; the values are
 * whole arguments, so no escaping */
static void
vbQemuCommandBuildKernel(GPtrArray *argv, const vbDomainDef *def)
{
    if (def->kernel) {
        vbQemuCommandAddArg(argv, "-kernel");
        vbQemuCommandAddArg(argv, def->kernel);
    }
    if (def->initrd) {
        vbQemuCommandAddArg(argv, "-initrd");
        vbQemuCommandAddArg(argv, def->initrd);
    }
    if (def->cmdline) {
        vbQemuCommandAddArg(argv, "-append");
        vbQemuCommandAddArg(argv, def->cmdline);
    }
}

static int
vbQemuCommandBuildMemory(GPtrArray *argv, const vbDomainDef *def)
{
    if (def->maxMemory == 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("memory size must be greater than zero"));
        return -1;
    }
    vbQemuCommandAddArg(argv, "-m");
    vbQemuCommandAddArgFormat(argv, "size=%lluk", def->maxMemory);
    vbQemuCommandBuildSmp(argv, def);
    return 0;
}

/* -object iothread for each of <iothreads>, named iothread1..N as the
 * devices' iothread property names them (libvirt's ids) */
static int
vbQemuCommandBuildIOThreads(GPtrArray *argv, const vbDomainDef *def)
{
    unsigned int i;

    for (i = 1; i <= def->iothreads; i++) {
        g_autoptr(vbJSONValue) props = NULL;
        g_autofree char *id = g_strdup_printf("iothread%u", i);
        char *str;

        if (vbJSONValueObjectAdd(&props, "s:qom-type", "iothread", "s:id", id, NULL) < 0 ||
            !(str = vbJSONValueToString(props, false)))
            return -1;
        vbQemuCommandAddArg(argv, "-object");
        g_ptr_array_add(argv, str);
    }
    return 0;
}

static void
vbQemuCommandBuildMonitor(GPtrArray *argv, const vbQemuCommandOptions *opts)
{
    g_autoptr(GString) buf = g_string_new("socket,id=charmonitor,path=");

    vbQemuCommandAppendEscaped(buf, opts->monitorPath);
    g_string_append(buf, ",server=on,wait=off");
    vbQemuCommandAddArg(argv, "-chardev");
    vbQemuCommandAddArgBuf(argv, &buf);
    vbQemuCommandAddArg(argv, "-mon");
    vbQemuCommandAddArg(argv, "chardev=charmonitor,id=monitor,mode=control");
}

/*
 * -device from a device's props (vbqemudevice.h); nothing when @props is
 * NULL, a device that has no QEMU device of its own.  QEMU's key=value
 * syntax, as libvirt's qemuBuildDeviceCommandlineFromJSON writes it where
 * it does not use QEMU's JSON -device: the driver first, then every other
 * key in the order it was added; strings with their commas doubled,
 * numbers as written, booleans as on/off.
 */
static int
vbQemuCommandAddDevice(GPtrArray *argv, const vbJSONValue *props)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    const char *driver = NULL;
    size_t i;

    if (!props)
        return 0;
    if (!(driver = vbJSONValueObjectGetString(props, "driver"))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("device properties lack a 'driver' string"));
        return -1;
    }
    vbQemuCommandAppendEscaped(buf, driver);

    for (i = 0; i < vbJSONValueObjectKeysNumber(props); i++) {
        const char *key = vbJSONValueObjectGetKey(props, i);
        const vbJSONValue *value = vbJSONValueObjectGetValue(props, i);
        g_autofree char *number = NULL;
        bool flag = false;

        if (strcmp(key, "driver") == 0)
            continue;
        g_string_append_printf(buf, ",%s=", key);
        switch (vbJSONValueGetType(value)) {
        case VB_JSON_TYPE_STRING:
            vbQemuCommandAppendEscaped(buf, vbJSONValueGetString(value));
            continue;
        case VB_JSON_TYPE_NUMBER:
            if (!(number = vbJSONValueToString(value, false)))
                return -1;
            g_string_append(buf, number);
            continue;
        case VB_JSON_TYPE_BOOLEAN:
            vbJSONValueGetBoolean(value, &flag);
            g_string_append(buf, flag ? "on" : "off");
            continue;
        case VB_JSON_TYPE_NULL:
        case VB_JSON_TYPE_OBJECT:
        case VB_JSON_TYPE_ARRAY:
        case VB_JSON_TYPE_LAST:
            break;
        }
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("property '%s' of device '%s' has no key=value form"), key, driver);
        return -1;
    }

    vbQemuCommandAddArg(argv, "-device");
    vbQemuCommandAddArgBuf(argv, &buf);
    return 0;
}

/* The controllers, type by type in libvirt's order (qemuBuildControllersCommandLine):
 * the PCI buses first, as the devices on them name them. */
static int
vbQemuCommandBuildControllers(GPtrArray *argv, const vbDomainDef *def)
{
    static const vbDomainControllerType order[] = {
        VB_DOMAIN_CONTROLLER_TYPE_PCI, VB_DOMAIN_CONTROLLER_TYPE_USB,
        VB_DOMAIN_CONTROLLER_TYPE_SCSI, VB_DOMAIN_CONTROLLER_TYPE_SATA,
        VB_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL};
    size_t t;
    size_t i;

    /* every type in libvirt's order, each exactly once */
    G_STATIC_ASSERT(G_N_ELEMENTS(order) == VB_DOMAIN_CONTROLLER_TYPE_LAST);
    for (t = 0; t < G_N_ELEMENTS(order); t++) {
        for (i = 0; i < def->ncontrollers; i++) {
            g_autoptr(vbJSONValue) props = NULL;

            if (def->controllers[i]->type != order[t])
                continue;
            if (vbQemuDeviceBuildControllerProps(def, def->controllers[i], &props) < 0 ||
                vbQemuCommandAddDevice(argv, props) < 0)
                return -1;
        }
    }
    return 0;
}

/* -blockdev for each image, bottom first: QEMU resolves "backing" and
 * "file" references to nodes that already exist. */
static int
vbQemuCommandBuildDiskBlockdevs(GPtrArray *argv, const vbDomainDiskDef *disk)
{
    g_autoptr(GPtrArray) chain = g_ptr_array_new();
    const vbStorageSource *n;
    guint i;

    for (n = disk->src; n && n->type != VB_STORAGE_TYPE_NONE; n = n->backingStore)
        g_ptr_array_add(chain, (gpointer) n);

    for (i = chain->len; i > 0; i--) {
        const vbStorageSource *src = g_ptr_array_index(chain, i - 1);
        unsigned int flags = src == disk->src ? VB_QEMU_BLOCK_NODE_TOP : 0;
        g_autoptr(vbJSONValue) storage = NULL;
        g_autoptr(vbJSONValue) format = NULL;

        if (!(storage = vbQemuBlockStorageProps(disk, src)) ||
            !(format = vbQemuBlockFormatProps(disk, src, flags)))
            return -1;
        /* JSON, not key=value: only JSON can say "backing": null */
        if (vbQemuCommandAddBlockdev(argv, storage) < 0 ||
            vbQemuCommandAddBlockdev(argv, format) < 0)
            return -1;
    }
    return 0;
}

/* each disk's images, then the device that uses the top one */
static int
vbQemuCommandBuildDisks(GPtrArray *argv, const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDiskDef *disk = def->disks[i];
        g_autoptr(vbJSONValue) props = NULL;

        if (!vbStorageSourceIsEmpty(disk->src) && vbQemuCommandBuildDiskBlockdevs(argv, disk) < 0)
            return -1;
        if (vbQemuDeviceBuildDiskProps(def, disk, &props) < 0 ||
            vbQemuCommandAddDevice(argv, props) < 0)
            return -1;
    }
    return 0;
}

/*
 * The serial ports QEMU gets, in command line order: each <serial>, then
 * each <console> whose port no <serial> has.  A console of target type
 * serial is the serial port of its number (libvirt's), so it is built only
 * once.  The array points into @def.
 */
static GPtrArray *
vbQemuCommandSerialPorts(const vbDomainDef *def)
{
    g_autoptr(GPtrArray) ports = g_ptr_array_new();
    size_t pass;
    size_t i;
    guint j;

    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < def->nchrs; i++) {
            vbDomainChrDef *chr = def->chrs[i];
            bool taken = false;

            if (chr->console != (pass == 1) || !vbQemuDeviceChrIsSerialPort(chr))
                continue;
            for (j = 0; j < ports->len && !taken; j++)
                taken = ((vbDomainChrDef *) g_ptr_array_index(ports, j))->port == chr->port;
            if (!taken)
                g_ptr_array_add(ports, chr);
        }
    }
    return g_steal_pointer(&ports);
}

/* -chardev of a serial port: QEMU opens a file by its path (the daemon
 * created it at start, see vbDomainProcessPrepareChardevs) */
static void
vbQemuCommandBuildChardev(GPtrArray *argv, const vbDomainChrDef *chr, const char *chardev)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    switch (chr->type) {
    case VB_DOMAIN_CHR_TYPE_FILE:
        g_string_append_printf(buf, "file,id=%s,path=", chardev);
        vbQemuCommandAppendEscaped(buf, chr->filePath);
        if (chr->append != VB_DOMAIN_CHR_APPEND_ABSENT)
            g_string_append_printf(buf, ",append=%s",
                                   chr->append == VB_DOMAIN_CHR_APPEND_ON ? "on" : "off");
        break;
    case VB_DOMAIN_CHR_TYPE_UNIX:
        /* the daemon named a listening channel's socket at start */
        g_string_append_printf(buf, "socket,id=%s,path=", chardev);
        vbQemuCommandAppendEscaped(buf, chr->socketPath);
        if (chr->mode == VB_DOMAIN_CHR_SOURCE_MODE_BIND)
            g_string_append(buf, ",server=on,wait=off");
        break;
    case VB_DOMAIN_CHR_TYPE_PTY:
    case VB_DOMAIN_CHR_TYPE_LAST:
        g_string_append_printf(buf, "pty,id=%s", chardev);
        break;
    }
    if (chr->logFile) {
        g_string_append(buf, ",logfile=");
        vbQemuCommandAppendEscaped(buf, chr->logFile);
        if (chr->logAppend != VB_DOMAIN_CHR_APPEND_ABSENT)
            g_string_append_printf(buf, ",logappend=%s",
                                   chr->logAppend == VB_DOMAIN_CHR_APPEND_ON ? "on" : "off");
    }
    vbQemuCommandAddArgBuf(argv, &buf);
}

/* each serial port: its backend, then the device */
static int
vbQemuCommandBuildSerials(GPtrArray *argv, const vbDomainDef *def, GPtrArray *ports)
{
    guint i;

    for (i = 0; i < ports->len; i++) {
        const vbDomainChrDef *chr = g_ptr_array_index(ports, i);
        g_autofree char *chardev = vbQemuDeviceChrBackendAlias(chr);
        g_autoptr(vbJSONValue) props = NULL;

        vbQemuCommandAddArg(argv, "-chardev");
        vbQemuCommandBuildChardev(argv, chr, chardev);
        if (vbQemuDeviceBuildChrProps(def, chr, &props) < 0 ||
            vbQemuCommandAddDevice(argv, props) < 0)
            return -1;
    }
    return 0;
}

/* -device for each input on a bus of its own (usb, virtio); the ps2 ones
 * are the machine's */
static int
vbQemuCommandBuildInputs(GPtrArray *argv, const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ninputs; i++) {
        g_autoptr(vbJSONValue) props = NULL;

        if (vbQemuDeviceBuildInputProps(def, def->inputs[i], &props) < 0 ||
            vbQemuCommandAddDevice(argv, props) < 0)
            return -1;
    }
    return 0;
}

/* QEMU's id of an audio backend, libvirt's audioN */
static char *
vbQemuCommandAudioId(const vbDomainAudioDef *audio)
{
    return g_strdup_printf("audio%u", audio->id);
}

/* -audiodev for each <audio>; type 'none' is all conf accepts */
static int
vbQemuCommandBuildAudios(GPtrArray *argv, const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->naudios; i++) {
        const vbDomainAudioDef *audio = def->audios[i];
        g_autofree char *id = vbQemuCommandAudioId(audio);

        if (audio->type != VB_DOMAIN_AUDIO_TYPE_NONE) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected audio type '%s'"),
                          NULLSTR(vbDomainAudioTypeTypeToString(audio->type)));
            return -1;
        }
        vbQemuCommandAddArg(argv, "-audiodev");
        vbQemuCommandAddArgFormat(argv, "id=%s,driver=%s", id,
                                  vbDomainAudioTypeTypeToString(audio->type));
    }
    return 0;
}

/* The host part of -vnc: an IPv6 address in brackets, as QEMU parses it */
static void
vbQemuCommandAppendVNCHost(GString *buf, const char *address)
{
    if (strchr(address, ':'))
        g_string_append_printf(buf, "[%s]", address);
    else
        g_string_append(buf, address);
}

/*
 * -vnc as libvirt writes it: where the server listens (host:display, a
 * unix socket, or nowhere), then its options; the password itself goes
 * over QMP once QEMU runs (set_password), never on the command line.  An
 * automatic port not yet picked is display 0, as libvirt's
 * domxml-to-native shows it.
 */
static int
vbQemuCommandBuildGraphics(GPtrArray *argv, const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        const vbDomainGraphicsDef *graphics = def->graphics[i];
        g_autoptr(GString) buf = g_string_new(NULL);

        switch (graphics->listenType) {
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS: {
            int port = graphics->port ? graphics->port : VB_DOMAIN_GRAPHICS_VNC_PORT_MIN;

            vbQemuCommandAppendVNCHost(buf, graphics->listenAddress ? graphics->listenAddress
                                                                    : VB_QEMU_VNC_LISTEN_DEFAULT);
            g_string_append_printf(buf, ":%d", port - VB_DOMAIN_GRAPHICS_VNC_PORT_MIN);
            break;
        }
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET:
            if (!graphics->listenSocket) {
                vbReportError(VIR_ERR_INTERNAL_ERROR,
                              _("the VNC socket of domain '%s' has no path assigned"), def->name);
                return -1;
            }
            g_string_append(buf, "vnc=unix:");
            vbQemuCommandAppendEscaped(buf, graphics->listenSocket);
            break;
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NONE:
            g_string_append(buf, "none");
            break;
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_NETWORK:
        case VB_DOMAIN_GRAPHICS_LISTEN_TYPE_LAST:
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("unexpected graphics listen type %d"),
                          (int) graphics->listenType);
            return -1;
        }
        if (graphics->sharePolicy != VB_DOMAIN_GRAPHICS_VNC_SHARE_DEFAULT)
            g_string_append_printf(
                buf, ",share=%s",
                vbDomainGraphicsVNCSharePolicyTypeToString(graphics->sharePolicy));
        if (graphics->passwd)
            g_string_append(buf, ",password=on");
        /* the VNC server plays the first audio backend, as libvirt's
         * default when <graphics> names none */
        if (def->naudios > 0) {
            g_autofree char *audioId = vbQemuCommandAudioId(def->audios[0]);

            g_string_append_printf(buf, ",audiodev=%s", audioId);
        }
        vbQemuCommandAddArg(argv, "-vnc");
        vbQemuCommandAddArgBuf(argv, &buf);
        if (graphics->keymap) {
            vbQemuCommandAddArg(argv, "-k");
            vbQemuCommandAddArg(argv, graphics->keymap);
        }
    }
    return 0;
}

/* the device, then what QEMU does when it fires (QEMU 7.2 still takes
 * -watchdog-action, which libvirt 9.0 writes) */
/* the channels, then the virtio consoles (libvirt's order), each its
 * backend and then its port on a virtio-serial controller */
static int
vbQemuCommandBuildVirtioSerialPorts(GPtrArray *argv, const vbDomainDef *def)
{
    size_t pass;
    size_t i;

    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < def->nchrs; i++) {
            const vbDomainChrDef *chr = def->chrs[i];
            g_autofree char *chardev = NULL;
            g_autoptr(vbJSONValue) props = NULL;

            if (vbQemuDeviceChrIsSerialPort(chr) || chr->channel != (pass == 0))
                continue;
            chardev = vbQemuDeviceChrBackendAlias(chr);
            vbQemuCommandAddArg(argv, "-chardev");
            vbQemuCommandBuildChardev(argv, chr, chardev);
            if (vbQemuDeviceBuildChrProps(def, chr, &props) < 0 ||
                vbQemuCommandAddDevice(argv, props) < 0)
                return -1;
        }
    }
    return 0;
}

static int
vbQemuCommandBuildVideos(GPtrArray *argv, const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nvideos; i++) {
        g_autoptr(vbJSONValue) props = NULL;

        if (vbQemuDeviceBuildVideoProps(def, def->videos[i], &props) < 0 ||
            vbQemuCommandAddDevice(argv, props) < 0)
            return -1;
    }
    return 0;
}

static int
vbQemuCommandBuildWatchdog(GPtrArray *argv, const vbDomainDef *def)
{
    g_autoptr(vbJSONValue) props = NULL;

    if (!def->watchdog)
        return 0;
    if (vbQemuDeviceBuildWatchdogProps(def, def->watchdog, &props) < 0 ||
        vbQemuCommandAddDevice(argv, props) < 0)
        return -1;
    vbQemuCommandAddArg(argv, "-watchdog-action");
    vbQemuCommandAddArg(argv, vbQemuDeviceWatchdogAction(def->watchdog->action));
    return 0;
}

static int
vbQemuCommandBuildMemballoon(GPtrArray *argv, const vbDomainDef *def)
{
    g_autoptr(vbJSONValue) props = NULL;

    if (!def->memballoon)
        return 0;
    if (vbQemuDeviceBuildMemballoonProps(def, def->memballoon, &props) < 0)
        return -1;
    return vbQemuCommandAddDevice(argv, props);
}

/* -chardev of an EGD backend: QEMU connects to the daemon's socket */
static void
vbQemuCommandBuildRNGChardev(GPtrArray *argv, const vbDomainRNGDef *rng)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    g_autofree char *chardev = vbQemuDeviceRNGChardevAlias(rng);

    g_string_append_printf(buf, "socket,id=%s,", chardev);
    switch (rng->egdType) {
    case VB_DOMAIN_RNG_EGD_TYPE_UNIX:
        g_string_append(buf, "path=");
        vbQemuCommandAppendEscaped(buf, rng->path);
        break;
    case VB_DOMAIN_RNG_EGD_TYPE_TCP:
    case VB_DOMAIN_RNG_EGD_TYPE_LAST:
        g_string_append(buf, "host=");
        vbQemuCommandAppendEscaped(buf, rng->host);
        g_string_append(buf, ",port=");
        vbQemuCommandAppendEscaped(buf, rng->service);
        break;
    }
    vbQemuCommandAddArg(argv, "-chardev");
    vbQemuCommandAddArgBuf(argv, &buf);
}

/* each rng: its chardev (EGD), its backend object (JSON, as libvirt
 * writes -object), then the device */
static int
vbQemuCommandBuildRNGs(GPtrArray *argv, const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nrngs; i++) {
        const vbDomainRNGDef *rng = def->rngs[i];
        g_autoptr(vbJSONValue) backend = NULL;
        g_autoptr(vbJSONValue) props = NULL;
        char *str;

        if (rng->backend == VB_DOMAIN_RNG_BACKEND_EGD)
            vbQemuCommandBuildRNGChardev(argv, rng);
        if (vbQemuDeviceBuildRNGBackendProps(rng, &backend) < 0 ||
            !(str = vbJSONValueToString(backend, false)))
            return -1;
        vbQemuCommandAddArg(argv, "-object");
        g_ptr_array_add(argv, str);
        if (vbQemuDeviceBuildRNGProps(def, rng, &props) < 0 ||
            vbQemuCommandAddDevice(argv, props) < 0)
            return -1;
    }
    return 0;
}

/* "3" or "3:4:...": @n descriptor numbers from *@nextFd on, which moves
 * past them */
static char *
vbQemuCommandNetFdList(int *nextFd, size_t n)
{
    g_autoptr(GString) str = g_string_new(NULL);
    size_t i;

    for (i = 0; i < n; i++)
        g_string_append_printf(str, "%s%d", i ? ":" : "", (*nextFd)++);
    return g_string_free(g_steal_pointer(&str), FALSE);
}

/* each interface: its backend (JSON, as libvirt writes -netdev), then the
 * NIC; a tap's descriptors numbered as VB_QEMU_COMMAND_PASSED_FD_FIRST
 * says */
static int
vbQemuCommandBuildNets(GPtrArray *argv, const vbDomainDef *def, const vbQemuCommandOptions *opts)
{
    int nextFd = VB_QEMU_COMMAND_PASSED_FD_FIRST;
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        const vbDomainNetDef *net = def->nets[i];
        g_autoptr(vbJSONValue) backend = NULL;
        g_autoptr(vbJSONValue) props = NULL;
        size_t ntapfds;
        size_t nvhostfds;
        char *str;
        int rc;

        /* as libvirt: vhost-net for KVM guests only, TCG's virtio is
         * emulated in QEMU's own thread */
        vbQemuDeviceNetTapFdCount(net, opts->vhostNet && def->virtType == VB_DOMAIN_VIRT_KVM,
                                  &ntapfds, &nvhostfds);
        if (ntapfds > 0) {
            g_autofree char *tapfds = vbQemuCommandNetFdList(&nextFd, ntapfds);
            g_autofree char *vhostfds =
                nvhostfds ? vbQemuCommandNetFdList(&nextFd, nvhostfds) : NULL;

            rc = vbQemuDeviceBuildNetTapBackendProps(net, tapfds, vhostfds, &backend);
        } else {
            rc = vbQemuDeviceBuildNetBackendProps(net, &backend);
        }
        if (rc < 0 || !(str = vbJSONValueToString(backend, false)))
            return -1;
        vbQemuCommandAddArg(argv, "-netdev");
        g_ptr_array_add(argv, str);
        if (vbQemuDeviceBuildNetProps(def, net, &props) < 0 ||
            vbQemuCommandAddDevice(argv, props) < 0)
            return -1;
    }
    return 0;
}

/* <features><vmcoreinfo state='on'/>: the device that hands the guest
 * kernel's crash-dump notes to QEMU's dump-guest-memory */
static void
vbQemuCommandBuildVMCoreInfo(GPtrArray *argv, const vbDomainDef *def)
{
    if (def->vmcoreinfo != VB_TRISTATE_SWITCH_ON)
        return;
    vbQemuCommandAddArg(argv, "-device");
    vbQemuCommandAddArg(argv, "vmcoreinfo");
}

/* QEMU's seccomp filter, as libvirt sets it (qemu.conf's seccomp_sandbox):
 * no obsolete system calls, no setuid/setgid, no fork or exec, no
 * scheduler or CPU-affinity changes from inside QEMU */
static void
vbQemuCommandBuildSandbox(GPtrArray *argv, const vbQemuCommandOptions *opts)
{
    vbQemuCommandAddArg(argv, "-sandbox");
    if (opts->noSeccompSandbox)
        vbQemuCommandAddArg(argv, "off");
    else
        vbQemuCommandAddArg(argv, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                                  "resourcecontrol=deny");
}

static int
vbQemuCommandBuildPanics(GPtrArray *argv, const vbDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->npanics; i++) {
        g_autoptr(vbJSONValue) props = NULL;

        if (vbQemuDeviceBuildPanicProps(def, def->panics[i], &props) < 0 ||
            vbQemuCommandAddDevice(argv, props) < 0)
            return -1;
    }
    return 0;
}

/*
 * Refuses what QEMU cannot run or we cannot build, before any output:
 * the disks first, as a disk names what is wrong with it better than its
 * controller.
 */
static int
vbQemuCommandValidateDevices(const vbDomainDef *def, GPtrArray *ports)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (vbQemuDeviceValidateDisk(def, def->disks[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->ncontrollers; i++) {
        if (vbQemuDeviceValidateController(def, def->controllers[i]) < 0)
            return -1;
    }
    for (i = 0; i < ports->len; i++) {
        if (vbQemuDeviceValidateChr(def, g_ptr_array_index(ports, i)) < 0)
            return -1;
    }
    for (i = 0; i < def->ninputs; i++) {
        if (vbQemuDeviceValidateInput(def, def->inputs[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->ngraphics; i++) {
        if (vbQemuDeviceValidateGraphics(def, def->graphics[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->nvideos; i++) {
        if (vbQemuDeviceValidateVideo(def, def->videos[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->nchrs; i++) {
        if (!vbQemuDeviceChrIsSerialPort(def->chrs[i]) &&
            vbQemuDeviceValidateChr(def, def->chrs[i]) < 0)
            return -1;
        if (def->chrs[i]->type == VB_DOMAIN_CHR_TYPE_UNIX && !def->chrs[i]->socketPath) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("socket of channel '%s' has no path assigned"),
                          NULLSTR(def->chrs[i]->info.alias));
            return -1;
        }
    }
    if (def->watchdog && vbQemuDeviceValidateWatchdog(def, def->watchdog) < 0)
        return -1;
    if (def->memballoon && vbQemuDeviceValidateMemballoon(def, def->memballoon) < 0)
        return -1;
    for (i = 0; i < def->nrngs; i++) {
        if (vbQemuDeviceValidateRNG(def, def->rngs[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->nnets; i++) {
        if (vbQemuDeviceValidateNet(def, def->nets[i]) < 0)
            return -1;
    }
    return 0;
}

GStrv
vbQemuCommandBuild(const vbDomainDef *def, const vbQemuCommandOptions *opts)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    vbQemuMachineFamily family;
    g_autoptr(GString) name = g_string_new("guest=");
    g_autoptr(GPtrArray) ports = NULL;
    char uuidstr[VB_UUID_STRING_BUFLEN];

    g_return_val_if_fail(def != NULL && def->name != NULL, NULL);
    g_return_val_if_fail(opts != NULL && opts->monitorPath != NULL, NULL);

    /* an unsupported machine fails before anything else */
    if (vbQemuDomainGetMachineFamily(def, &family) < 0)
        return NULL;
    ports = vbQemuCommandSerialPorts(def);

    vbQemuCommandAddArg(argv, def->emulator ? def->emulator : VB_QEMU_DEFAULT_EMULATOR);

    vbQemuCommandAppendEscaped(name, def->name);
    g_string_append(name, ",debug-threads=on");
    vbQemuCommandAddArg(argv, "-name");
    vbQemuCommandAddArgBuf(argv, &name);

    /* vCPUs start stopped; see the comment in the header */
    vbQemuCommandAddArg(argv, "-S");
    vbQemuCommandAddArg(argv, "-no-user-config");
    vbQemuCommandAddArg(argv, "-nodefaults");

    if (vbQemuCommandBuildPflash(argv, def) < 0)
        return NULL;
    vbQemuCommandBuildMachine(argv, def);
    if (vbQemuCommandBuildAccel(argv, def, opts) < 0)
        return NULL;
    if (vbQemuCommandBuildCPU(argv, def) < 0)
        return NULL;
    vbQemuCommandBuildLoader(argv, def);
    if (vbQemuCommandBuildMemory(argv, def) < 0 || vbQemuCommandBuildIOThreads(argv, def) < 0)
        return NULL;

    vbUUIDFormat(def->uuid, uuidstr);
    vbQemuCommandAddArg(argv, "-uuid");
    vbQemuCommandAddArg(argv, uuidstr);
    if (vbQemuCommandBuildSmbios(argv, def, opts) < 0)
        return NULL;
    /* no window and no server: what a domain without <graphics> shows */
    if (def->ngraphics == 0) {
        vbQemuCommandAddArg(argv, "-display");
        vbQemuCommandAddArg(argv, "none");
    }

    vbQemuCommandBuildMonitor(argv, opts);

    if (vbQemuCommandBuildClock(argv, def, opts) < 0)
        return NULL;
    vbQemuCommandAddArg(argv, "-no-shutdown");
    if (def->onReboot == VB_DOMAIN_LIFECYCLE_ACTION_DESTROY)
        vbQemuCommandAddArg(argv, "-no-reboot");
    vbQemuCommandBuildPM(argv, def);
    vbQemuCommandBuildBoot(argv, def);
    vbQemuCommandBuildKernel(argv, def);

    /* devices: each family's checks before any of them is built, then
     * each family in libvirt's order */
    if (vbQemuCommandValidateDevices(def, ports) < 0 ||
        vbQemuCommandBuildControllers(argv, def) < 0 || vbQemuCommandBuildDisks(argv, def) < 0 ||
        vbQemuCommandBuildNets(argv, def, opts) < 0 ||
        vbQemuCommandBuildSerials(argv, def, ports) < 0 ||
        vbQemuCommandBuildVirtioSerialPorts(argv, def) < 0 ||
        vbQemuCommandBuildInputs(argv, def) < 0 || vbQemuCommandBuildAudios(argv, def) < 0 ||
        vbQemuCommandBuildGraphics(argv, def) < 0 || vbQemuCommandBuildVideos(argv, def) < 0 ||
        vbQemuCommandBuildWatchdog(argv, def) < 0)
        return NULL;
    /* where libvirt puts it: the state comes later (migrate-incoming) */
    if (opts->incomingDefer) {
        vbQemuCommandAddArg(argv, "-incoming");
        vbQemuCommandAddArg(argv, "defer");
    }
    if (vbQemuCommandBuildMemballoon(argv, def) < 0 || vbQemuCommandBuildRNGs(argv, def) < 0)
        return NULL;
    vbQemuCommandBuildVMCoreInfo(argv, def);
    vbQemuCommandBuildSandbox(argv, opts);
    if (vbQemuCommandBuildPanics(argv, def) < 0)
        return NULL;

    g_ptr_array_add(argv, NULL);
    return (GStrv) g_ptr_array_free(g_steal_pointer(&argv), FALSE);
}

GStrv
vbQemuCommandBuildEnv(const vbDomainDef *def)
{
    /* the guest's RTC starts at QEMU's local time, which TZ sets */
    if (!def->clock || def->clock->offset != VB_DOMAIN_CLOCK_OFFSET_TIMEZONE)
        return NULL;
    return g_environ_setenv(g_get_environ(), "TZ", def->clock->timezone, TRUE);
}
