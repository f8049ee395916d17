/*
 * vbdomainops.c: domain lifecycle entry points
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <libvirt/libvirt-qemu.h>

#include "vbinternal.h"
#include "vbblockjob.h"
#include "vbblockoffline.h"
#include "vbdomainagent.h"
#include "vbdomainops.h"
#include "vbsnapshot.h"
#include "vbdomainprocess.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitorjob.h"
#include "vbqemucaps.h"
#include "vbqemudomainaddress.h"
#include "vbqemufirmware.h"
#include "vbmonitorsystem.h"
#include "vbqemuprocess.h"
#include "vbsnapshotmemory.h"
#include "vbuuid.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static void
vbDomainEmitLifecycle(vbDriver *driver, vbDomainObj *vm, int event, int detail)
{
    vbDomainEventQueuePush(driver->events, vbDomainEventLifecycleNew(vm->def->name, vm->def->uuid,
                                                                     vm->id, event, detail));
}

/* --- Lookups --- */

vbDomainHandle *
vbDomainLookupByName(vbDriver *driver, const char *name)
{
    vbDomainObj *vm = vbDomainObjListFindByName(driver->domains, name);
    vbDomainHandle *h;

    if (!vm)
        return NULL;
    h = vbDomainHandleFromObj(vm);
    vbDomainObjEndAPI(&vm);
    return h;
}

vbDomainHandle *
vbDomainLookupByUUID(vbDriver *driver, const unsigned char *uuid)
{
    vbDomainObj *vm = vbDomainObjListFindByUUID(driver->domains, uuid, NULL);
    vbDomainHandle *h;

    if (!vm)
        return NULL;
    h = vbDomainHandleFromObj(vm);
    vbDomainObjEndAPI(&vm);
    return h;
}

vbDomainHandle *
vbDomainLookupByID(vbDriver *driver, int id)
{
    vbDomainObj *vm = vbDomainObjListFindByID(driver->domains, id);
    vbDomainHandle *h;

    if (!vm)
        return NULL;
    h = vbDomainHandleFromObj(vm);
    vbDomainObjEndAPI(&vm);
    return h;
}

static bool
vbDomainMatchesListFlags(const vbDomainObj *vm, unsigned int flags)
{
    bool active = vbDomainObjIsActive(vm);

#define VB_FILTER(yes, no, cond) \
    if ((flags & ((yes) | (no))) && (flags & ((yes) | (no))) != ((yes) | (no)) && \
        !((flags & (yes)) ? (cond) : !(cond))) \
        return false;

    VB_FILTER(VIR_CONNECT_LIST_DOMAINS_ACTIVE, VIR_CONNECT_LIST_DOMAINS_INACTIVE, active);
    VB_FILTER(VIR_CONNECT_LIST_DOMAINS_PERSISTENT, VIR_CONNECT_LIST_DOMAINS_TRANSIENT,
              vm->persistent);
    VB_FILTER(VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, false);
    VB_FILTER(VIR_CONNECT_LIST_DOMAINS_AUTOSTART, VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART,
              vm->autostart);
    VB_FILTER(VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT, VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, false);
    VB_FILTER(VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT, VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT,
              false);
#undef VB_FILTER

    if (flags & (VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
                 VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER)) {
        bool match = false;

        if (flags & VIR_CONNECT_LIST_DOMAINS_RUNNING)
            match |= vm->state == VIR_DOMAIN_RUNNING;
        if (flags & VIR_CONNECT_LIST_DOMAINS_PAUSED)
            match |= vm->state == VIR_DOMAIN_PAUSED;
        if (flags & VIR_CONNECT_LIST_DOMAINS_SHUTOFF)
            match |= vm->state == VIR_DOMAIN_SHUTOFF;
        if (flags & VIR_CONNECT_LIST_DOMAINS_OTHER)
            match |= vm->state != VIR_DOMAIN_RUNNING && vm->state != VIR_DOMAIN_PAUSED &&
                     vm->state != VIR_DOMAIN_SHUTOFF;
        if (!match)
            return false;
    }
    return true;
}

static gint
vbDomainHandleCompare(gconstpointer a, gconstpointer b)
{
    const vbDomainHandle *x = *(vbDomainHandle *const *) a;
    const vbDomainHandle *y = *(vbDomainHandle *const *) b;

    return strcmp(x->name, y->name);
}

#define VB_LIST_ALL_KNOWN_FLAGS \
    (VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE | \
     VIR_CONNECT_LIST_DOMAINS_PERSISTENT | VIR_CONNECT_LIST_DOMAINS_TRANSIENT | \
     VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED | \
     VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER | \
     VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE | VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE | \
     VIR_CONNECT_LIST_DOMAINS_AUTOSTART | VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART | \
     VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT | VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT | \
     VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT | VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT)

GPtrArray *
vbConnectListAllDomains(vbDriver *driver, unsigned int flags)
{
    g_autoptr(GPtrArray) all = NULL;
    GPtrArray *ret;
    size_t i;

    vbCheckFlagsFunc(flags, VB_LIST_ALL_KNOWN_FLAGS, "qemuConnectListAllDomains", NULL);

    all = vbDomainObjListCollect(driver->domains);
    ret = g_ptr_array_new_with_free_func((GDestroyNotify) vbDomainHandleFree);
    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        if (!vm->removing && vbDomainMatchesListFlags(vm, flags))
            g_ptr_array_add(ret, vbDomainHandleFromObj(vm));
        vbDomainObjUnlock(vm);
    }
    g_ptr_array_sort(ret, vbDomainHandleCompare);
    return ret;
}

int
vbConnectNumOfDomains(vbDriver *driver)
{
    g_autoptr(GPtrArray) l = vbConnectListAllDomains(driver, VIR_CONNECT_LIST_DOMAINS_ACTIVE);

    return l->len;
}

int
vbConnectNumOfDefinedDomains(vbDriver *driver)
{
    g_autoptr(GPtrArray) l = vbConnectListAllDomains(driver, VIR_CONNECT_LIST_DOMAINS_INACTIVE);

    return l->len;
}

/* --- Queries --- */

static unsigned long long
vbDomainCPUTime(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *stat = NULL;
    g_auto(GStrv) fields = NULL;
    const char *close;
    long ticks = sysconf(_SC_CLK_TCK);

    if (pid <= 0 || ticks <= 0 || !g_file_get_contents(path, &stat, NULL, NULL) ||
        !(close = strrchr(stat, ')')))
        return 0;
    /* After "pid (comm)": state is field 3; utime and stime are 14 and 15. */
    fields = g_strsplit(close + 2, " ", 0);
    if (g_strv_length(fields) < 13)
        return 0;
    return (g_ascii_strtoull(fields[11], NULL, 10) + g_ascii_strtoull(fields[12], NULL, 10)) *
           (1000000000ULL / ticks);
}

int
vbDomainGetInfo(vbDriver *driver, const vbDomainHandle *dom, vbDomainInfo *info)
{
    vbDomainObj *vm = vbDomainObjFromHandle(driver, dom);

    if (!vm)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = vm->state;
    info->maxMem = vm->def->maxMemory;
    info->memory = vm->def->currentMemory;
    info->nrVirtCpu = vm->def->vcpusCurrent ? vm->def->vcpusCurrent : vm->def->vcpus;
    if (vbDomainObjIsActive(vm))
        info->cpuTime = vbDomainCPUTime(vm->pid);
    vbDomainObjEndAPI(&vm);
    return 0;
}

int
vbDomainGetState(vbDriver *driver, const vbDomainHandle *dom, int *state, int *reason,
                 unsigned int flags)
{
    vbDomainObj *vm;

    vbCheckFlagsFunc(flags, 0, "qemuDomainGetState", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    *state = vm->state;
    if (reason)
        *reason = vm->reason;
    vbDomainObjEndAPI(&vm);
    return 0;
}

char *
vbDomainGetXMLDesc(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags)
{
    vbDomainObj *vm;
    vbDomainDef *def;
    unsigned int fmtflags = 0;
    char *xml;

    vbCheckFlagsFunc(flags,
                     VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_UPDATE_CPU |
                         VIR_DOMAIN_XML_MIGRATABLE,
                     "qemuDomainGetXMLDesc", NULL);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return NULL;

    def = vm->def;
    if ((flags & VIR_DOMAIN_XML_INACTIVE) && vm->newDef)
        def = vm->newDef;
    /* A shut-off domain with block jobs shows their chains and <mirror> in
     * its live form, as a running one does. */
    if ((flags & (VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_MIGRATABLE)) ||
        !vbDomainObjHasMonitor(vm))
        fmtflags |= VB_DOMAIN_DEF_FORMAT_INACTIVE;
    if (flags & VIR_DOMAIN_XML_SECURE)
        fmtflags |= VB_DOMAIN_DEF_FORMAT_SECURE;

    xml = vbDomainDefFormat(def, fmtflags);
    vbDomainObjEndAPI(&vm);
    return xml;
}

char *
vbDomainGetOSType(vbDriver *driver, const vbDomainHandle *dom)
{
    vbDomainObj *vm = vbDomainObjFromHandle(driver, dom);
    char *ret;

    if (!vm)
        return NULL;
    ret = g_strdup(vm->def->osType ? vm->def->osType : "hvm");
    vbDomainObjEndAPI(&vm);
    return ret;
}

int
vbDomainIsActive(vbDriver *driver, const vbDomainHandle *dom)
{
    vbDomainObj *vm = vbDomainObjFromHandle(driver, dom);
    int ret;

    if (!vm)
        return -1;
    ret = vbDomainObjIsActive(vm);
    vbDomainObjEndAPI(&vm);
    return ret;
}

int
vbDomainIsPersistent(vbDriver *driver, const vbDomainHandle *dom)
{
    vbDomainObj *vm = vbDomainObjFromHandle(driver, dom);
    int ret;

    if (!vm)
        return -1;
    ret = vm->persistent;
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* --- Autostart --- */

int
vbDomainGetAutostart(vbDriver *driver, const vbDomainHandle *dom, int *autostart)
{
    vbDomainObj *vm = vbDomainObjFromHandle(driver, dom);

    if (!vm)
        return -1;
    *autostart = vm->autostart;
    vbDomainObjEndAPI(&vm);
    return 0;
}

/* The mark is a symlink to the definition, as libvirt keeps it, so the
 * directory reads the same to a tool written for libvirt's. */
static int
vbDomainSetAutostartLocked(vbDriver *driver, vbDomainObj *vm, bool autostart)
{
    g_autofree char *configFile = vbDriverConfigFile(driver, vm->def->name);
    g_autofree char *link = vbDriverAutostartLink(driver, vm->def->name);

    if (!autostart) {
        if (vbFileRemoveIfExists(link) < 0)
            return -1;
        vm->autostart = false;
        return 0;
    }
    if (vbFileMakePath(driver->cfg->autostartDir, 0755) < 0)
        return -1;
    if (symlink(configFile, link) < 0 && errno != EEXIST) {
        vbReportSystemError(errno, _("Failed to create symlink '%s to '%s'"), link, configFile);
        return -1;
    }
    vm->autostart = true;
    return 0;
}

int
vbDomainSetAutostart(vbDriver *driver, const vbDomainHandle *dom, int autostart)
{
    vbDomainObj *vm;
    int ret = -1;

    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (!vm->persistent) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      _("cannot set autostart for transient domain"));
        goto cleanup;
    }
    if (vm->autostart == (autostart != 0)) {
        ret = 0;
        goto cleanup;
    }
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    /* Undefined while we waited for the job */
    if (!vm->persistent)
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      _("cannot set autostart for transient domain"));
    else
        ret = vbDomainSetAutostartLocked(driver, vm, autostart != 0);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* --- Define, undefine --- */

/* The machine type as the emulator names it (libvirt's post-parse step
 * with the capability probe): 'q35' is stored as 'pc-q35-7.2', and a
 * machine the emulator lacks is refused at define time, not at start. */
static int
vbDomainDefCanonicalizeMachine(vbDriver *driver, vbDomainDef *def)
{
    const char *binary = def->emulator ? def->emulator : driver->cfg->qemuBinary;
    g_autoptr(vbQemuCaps) caps = NULL;

    /* validation gives the clearer message for what no emulator runs, and
     * refuses a relative emulator path before anything runs it */
    if ((!vbDomainDefHasQ35Machine(def) && !vbDomainDefHasI440FXMachine(def)) ||
        !g_path_is_absolute(binary))
        return 0;
    if (!(caps = vbQemuCapsNewForBinary(binary, driver->cfg->cacheDir, driver->cfg->qemuIdentity)))
        return -1;
    return vbQemuCapsCanonicalizeMachine(caps, binary, &def->machine);
}

/* A definition without <cpu> gets the model QEMU would run, written
 * out as libvirt's qemuDomainDefSetDefaultCPU writes it (qemu64, the
 * default CPU of QEMU 7.2's x86 machines): dumpxml then says which CPU
 * the guest sees, and a QEMU whose default changed still runs it. */
static void
vbDomainDefSetDefaultCPU(vbDomainDef *def)
{
    if (def->cpu)
        return;
    def->cpu = g_new0(vbCPUDef, 1);
    def->cpu->mode = VB_CPU_MODE_CUSTOM;
    vbCPUDefPostParse(def->cpu, def->virtType == VB_DOMAIN_VIRT_KVM);
}

/* Whether an interface of @def, or of its definition to come, has @mac. */
static bool
vbDomainDefHasMac(const vbDomainDef *def, const vbMacAddr *mac)
{
    size_t i;

    for (i = 0; def && i < def->nnets; i++) {
        if (vbMacAddrEqual(&def->nets[i]->mac, mac))
            return true;
    }
    return false;
}

/* The MAC addresses generated for @def (no <mac> given) again while
 * another domain of the daemon has one of them: libvirt keeps generated
 * addresses unique per driver, so that two guests on one bridge never
 * clash.  A given address is the user's choice and stays. */
static void
vbDomainDefUniqueMacs(vbDriver *driver, vbDomainDef *def)
{
    g_autoptr(GPtrArray) all = NULL;
    size_t i;
    size_t j;

    for (i = 0; i < def->nnets && !def->nets[i]->macAuto; i++)
        ;
    if (i == def->nnets)
        return;
    all = vbDomainObjListCollect(driver->domains);
    for (i = 0; i < def->nnets; i++) {
        vbDomainNetDef *net = def->nets[i];
        bool clash = net->macAuto;

        while (clash) {
            clash = false;
            for (j = 0; j < all->len && !clash; j++) {
                vbDomainObj *vm = g_ptr_array_index(all, j);

                vbDomainObjLock(vm);
                /* a redefinition of the same domain may keep its own */
                if (memcmp(vm->def->uuid, def->uuid, sizeof(def->uuid)) != 0)
                    clash = vbDomainDefHasMac(vm->def, &net->mac) ||
                            vbDomainDefHasMac(vm->newDef, &net->mac);
                vbDomainObjUnlock(vm);
            }
            for (j = 0; j < def->nnets && !clash; j++)
                clash = j != i && vbMacAddrEqual(&def->nets[j]->mac, &net->mac);
            if (clash)
                vbMacAddrGenerate(&net->mac);
        }
    }
}

static vbDomainDef *
vbDomainParseForDefine(vbDriver *driver, const char *xml, unsigned int validate)
{
    g_autoptr(vbDomainDef) def = NULL;
    unsigned int parseFlags = VB_DOMAIN_DEF_PARSE_INACTIVE;

    if (validate)
        parseFlags |= VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA;
    if (!(def = vbDomainDefParseString(xml, parseFlags)))
        return NULL;
    if (vbDomainDefCanonicalizeMachine(driver, def) < 0)
        return NULL;
    vbDriverDomainDefFillEmulator(driver, def);
    vbDomainDefSetDefaultCPU(def);
    vbDomainDefUniqueMacs(driver, def);
    if (vbDomainDefValidate(def) < 0)
        return NULL;
    /* a read-only UEFI loader gets its variable store's path now, as
     * libvirt writes it back */
    vbQemuFirmwareFillNVRAMPath(def, driver->cfg->nvramDir);
    /* PCI slots and aliases now, so that a disk keeps its slot from one
     * start to the next, as libvirt does. */
    if (vbQemuDomainAssignAddresses(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

vbDomainHandle *
vbDomainDefineXML(vbDriver *driver, const char *xml, unsigned int flags)
{
    g_autoptr(vbDomainDef) def = NULL;
    g_autoptr(vbDomainDef) oldDef = NULL;
    g_autofree char *name = NULL;
    vbDomainHandle *ret = NULL;
    vbDomainObj *vm;
    bool wasPersistent;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_DEFINE_VALIDATE, "qemuDomainDefineXMLFlags", NULL);

    if (!(def = vbDomainParseForDefine(driver, xml, flags & VIR_DOMAIN_DEFINE_VALIDATE)))
        return NULL;
    name = g_strdup(def->name);
    if (!(vm = vbDomainObjListAdd(driver->domains, driver, &def, 0, &oldDef)))
        return NULL;

    wasPersistent = vm->persistent;
    vm->persistent = true;
    if (vbDomainObjSaveConfig(vm) < 0) {
        g_autoptr(vbError) saved = vbErrorSave();

        /* Nothing half-done: put the previous definition back (none, for
         * a running transient domain: it stays transient and running), or
         * forget the new domain. */
        if (oldDef || vbDomainObjIsActive(vm)) {
            vbDomainDef **slot = vbDomainObjIsActive(vm) ? &vm->newDef : &vm->def;

            vbDomainDefFree(*slot);
            *slot = g_steal_pointer(&oldDef);
            vm->persistent = wasPersistent;
        } else {
            vbDomainObjListRemove(driver->domains, vm);
        }
        vbErrorRestore(&saved);
        goto cleanup;
    }

    vbDomainEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_DEFINED,
                          oldDef ? VIR_DOMAIN_EVENT_DEFINED_UPDATED
                                 : VIR_DOMAIN_EVENT_DEFINED_ADDED);
    VB_INFO("domain '%s' defined", name);
    ret = vbDomainHandleFromObj(vm);

cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

#define VB_UNDEFINE_KNOWN_FLAGS \
    (VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA | \
     VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM | \
     VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_TPM | \
     VIR_DOMAIN_UNDEFINE_KEEP_TPM)

/* The domain's UEFI variable store, as libvirt treats it on undefine:
 * removed with VIR_DOMAIN_UNDEFINE_NVRAM, kept with ..._KEEP_NVRAM, and
 * without either the undefine is refused while the file exists.  A domain
 * with <os firmware='efi'> has the default store even though its
 * persistent definition names none.  Sets @removePath to the store to
 * remove once the definition is gone (libvirt removes it first: a daemon
 * killed in between, or a definition that cannot be removed, would then
 * leave a domain whose variables are lost). */
static int
vbDomainUndefineNVRAM(vbDriver *driver, vbDomainObj *vm, unsigned int flags, char **removePath)
{
    const vbDomainDef *def = vm->newDef ? vm->newDef : vm->def;
    g_autofree char *path = NULL;

    if (def->os.loader && def->os.loader->nvram)
        path = g_strdup(def->os.loader->nvram);
    else if (def->os.firmware == VB_DOMAIN_OS_FIRMWARE_EFI)
        path = vbQemuFirmwareNVRAMPath(driver->cfg->nvramDir, def->name);
    if (!path || !g_file_test(path, G_FILE_TEST_EXISTS))
        return 0;
    if (flags & VIR_DOMAIN_UNDEFINE_NVRAM) {
        *removePath = g_steal_pointer(&path);
        return 0;
    }
    if (!(flags & VIR_DOMAIN_UNDEFINE_KEEP_NVRAM)) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("cannot undefine domain with nvram"));
        return -1;
    }
    return 0;
}

int
vbDomainUndefine(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags)
{
    vbDomainObj *vm;
    g_autofree char *nvramPath = NULL;
    int ret = -1;

    /* The other flags name state we never keep (managed save, TPM):
     * accepted, nothing to remove. */
    vbCheckFlagsFunc(flags, VB_UNDEFINE_KNOWN_FLAGS, "qemuDomainUndefineFlags", -1);
    if ((flags & VIR_DOMAIN_UNDEFINE_NVRAM) && (flags & VIR_DOMAIN_UNDEFINE_KEEP_NVRAM)) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("cannot both keep and delete nvram"));
        return -1;
    }
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;

    if (!vm->persistent) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("cannot undefine transient domain"));
        goto endjob;
    }
    vbBlockOfflineStopIfIdle(driver, vm);
    if (vbBlockJobCheckNoOfflineJob(vm, "undefine") < 0)
        goto endjob;
    if (vbDomainUndefineNVRAM(driver, vm, flags, &nvramPath) < 0)
        goto endjob;
    if (vbDomainSnapshotCheckUndefine(driver, vm, flags) < 0)
        goto endjob;
    if (vbDomainObjRemoveConfig(vm) < 0)
        goto endjob;
    /* the definition is gone: a store that cannot be removed is left
     * behind and said so, the undefine stands */
    if (nvramPath && unlink(nvramPath) < 0 && errno != ENOENT)
        VB_WARN("cannot remove nvram '%s' of undefined domain '%s': %s", nvramPath, vm->def->name,
                g_strerror(errno));

    vbDomainEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_UNDEFINED,
                          VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    VB_INFO("domain '%s' undefined", vm->def->name);
    if (vbDomainObjIsActive(vm)) {
        /* It runs on as a transient domain. */
        vm->persistent = false;
        g_clear_pointer(&vm->newDef, vbDomainDefFree);
        if (vbDomainObjSaveStatus(vm) < 0)
            VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
        ret = 0;
        goto endjob;
    }
    ret = 0;
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    vbDomainObjListRemove(driver->domains, vm);
    goto cleanup;

endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* --- Start, stop --- */

static int
vbDomainStartLocked(vbDriver *driver, vbDomainObj *vm, unsigned int flags)
{
    unsigned int startFlags = 0;

    if (vbDomainObjIsActive(vm)) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("domain is already running"));
        return -1;
    }
    vbBlockOfflineStopIfIdle(driver, vm);
    if (vbBlockJobCheckNoOfflineJob(vm, "start") < 0)
        return -1;
    if (flags & VIR_DOMAIN_START_PAUSED)
        startFlags |= VB_DOMAIN_PROCESS_START_PAUSED;
    if (flags & VIR_DOMAIN_START_RESET_NVRAM)
        startFlags |= VB_DOMAIN_PROCESS_START_RESET_NVRAM;
    if (vbDomainProcessStart(driver, vm, startFlags) < 0)
        return -1;

    vbDomainEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    if (flags & VIR_DOMAIN_START_PAUSED)
        vbDomainEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                              VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return 0;
}

#define VB_START_KNOWN_FLAGS \
    (VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_BYPASS_CACHE | VIR_DOMAIN_START_FORCE_BOOT | \
     VIR_DOMAIN_START_RESET_NVRAM)

int
vbDomainCreate(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags)
{
    vbDomainObj *vm;
    int ret = -1;

    /* BYPASS_CACHE and FORCE_BOOT concern managed save, which we never
     * keep: accepted, nothing to do. */
    vbCheckFlagsFunc(flags, VB_START_KNOWN_FLAGS, "qemuDomainCreateWithFlags", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    ret = vbDomainStartLocked(driver, vm, flags);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

void
vbDomainAutostartAll(vbDriver *driver)
{
    g_autoptr(GPtrArray) all = vbDomainObjListCollect(driver->domains);
    size_t i;

    for (i = 0; i < all->len; i++) {
        vbDomainObj *vm = g_ptr_array_index(all, i);

        vbDomainObjLock(vm);
        /* Running ones were reconnected to, and stay as they are. */
        if (!vm->autostart || vm->removing || vbDomainObjIsActive(vm)) {
            vbDomainObjUnlock(vm);
            continue;
        }
        if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0) {
            VB_ERROR("Failed to start job on VM '%s': %s", vm->def->name, vbGetLastErrorMessage());
        } else {
            if (vbDomainStartLocked(driver, vm, 0) < 0)
                VB_ERROR("Failed to autostart VM '%s': %s", vm->def->name, vbGetLastErrorMessage());
            else
                VB_INFO("domain '%s' autostarted", vm->def->name);
            vbDomainObjEndJob(vm, VB_JOB_MODIFY);
        }
        vbDomainObjUnlock(vm);
    }
}

vbDomainHandle *
vbDomainCreateXML(vbDriver *driver, const char *xml, unsigned int flags)
{
    g_autoptr(vbDomainDef) def = NULL;
    vbDomainHandle *ret = NULL;
    vbDomainObj *vm;

    vbCheckFlagsFunc(
        flags, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_VALIDATE | VIR_DOMAIN_START_RESET_NVRAM,
        "qemuDomainCreateXML", NULL);
    if (!(def = vbDomainParseForDefine(driver, xml, flags & VIR_DOMAIN_START_VALIDATE)))
        return NULL;
    if (!(vm = vbDomainObjListAdd(driver->domains, driver, &def,
                                  VB_DOMAIN_OBJ_LIST_ADD_LIVE | VB_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE,
                                  NULL)))
        return NULL;

    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbDomainStartLocked(driver, vm,
                            flags & (VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_RESET_NVRAM)) < 0) {
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
        if (!vm->persistent)
            vbDomainObjListRemove(driver->domains, vm);
        goto cleanup;
    }
    ret = vbDomainHandleFromObj(vm);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);

cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* The definition a save image restores: the file's, or the caller's
 * replacement for the same domain (libvirt's qemuSaveImageUpdateDef,
 * whose ABI check we reduce to name and UUID). */
static vbDomainDef *
vbDomainRestoreParseDef(vbDriver *driver, const char *fileXML, const char *dxml)
{
    g_autoptr(vbDomainDef) def = NULL;
    g_autoptr(vbDomainDef) newdef = NULL;
    char uuid[VB_UUID_STRING_BUFLEN];
    char newuuid[VB_UUID_STRING_BUFLEN];

    if (!(def = vbDomainParseForDefine(driver, fileXML, 0)))
        return NULL;
    if (!dxml)
        return g_steal_pointer(&def);
    if (!(newdef = vbDomainParseForDefine(driver, dxml, 0)))
        return NULL;
    vbUUIDFormat(def->uuid, uuid);
    vbUUIDFormat(newdef->uuid, newuuid);
    if (memcmp(def->uuid, newdef->uuid, VB_UUID_BUFLEN) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain uuid %s does not match source %s"), newuuid, uuid);
        return NULL;
    }
    if (strcmp(def->name, newdef->name) != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Target domain name '%s' does not match source '%s'"), newdef->name,
                      def->name);
        return NULL;
    }
    return g_steal_pointer(&newdef);
}

int
vbDomainRestore(vbDriver *driver, const char *path, const char *dxml, unsigned int flags)
{
    g_autoptr(vbDomainDef) def = NULL;
    g_autoptr(vbDomainDef) oldDef = NULL;
    g_autofree char *xml = NULL;
    bool wasRunning = false;
    bool paused;
    vbDomainObj *vm;
    int fd = -1;
    int ret = -1;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED,
                     "qemuDomainRestoreFlags", -1);
    if ((flags & VIR_DOMAIN_SAVE_RUNNING) && (flags & VIR_DOMAIN_SAVE_PAUSED)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("Flags '%s' and '%s' are mutually exclusive"),
                      "VIR_DOMAIN_SAVE_RUNNING", "VIR_DOMAIN_SAVE_PAUSED");
        return -1;
    }
    if (vbSnapshotMemoryOpen(path, &fd, &xml, &wasRunning) < 0)
        return -1;
    paused =
        (flags & VIR_DOMAIN_SAVE_PAUSED) || (!wasRunning && !(flags & VIR_DOMAIN_SAVE_RUNNING));
    if (!(def = vbDomainRestoreParseDef(driver, xml, dxml)) ||
        !(vm = vbDomainObjListAdd(driver->domains, driver, &def,
                                  VB_DOMAIN_OBJ_LIST_ADD_LIVE | VB_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE,
                                  &oldDef))) {
        close(fd);
        return -1;
    }
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto undo;
    vbBlockOfflineStopIfIdle(driver, vm);
    if (vbBlockJobCheckNoOfflineJob(vm, "restore") == 0)
        ret = vbSnapshotMemoryRestore(driver, vm, path, fd, paused,
                                      VIR_DOMAIN_EVENT_STARTED_RESTORED);
    /* a persistent domain keeps its definition for the next start */
    if (ret == 0 && oldDef && vm->newDef) {
        vbDomainDefFree(vm->newDef);
        vm->newDef = g_steal_pointer(&oldDef);
    }
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);

undo:
    if (ret < 0 && oldDef) {
        vbDomainDefFree(vm->def);
        vm->def = g_steal_pointer(&oldDef);
    } else if (ret < 0 && !vm->persistent) {
        vbDomainObjListRemove(driver->domains, vm);
    }
    close(fd);
    vbDomainObjEndAPI(&vm);
    return ret;
}

int
vbDomainDestroy(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags)
{
    vbDomainObj *vm;
    bool settle;
    int ret = -1;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_DESTROY_GRACEFUL, "qemuDomainDestroyFlags", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjCheckActive(vm) < 0)
        goto cleanup;

    /* Kill first, then take the job: an API stuck on a QEMU that stopped
     * answering gets its EOF and lets go of the job.  Not so when the
     * monitor was given up: no API waits on it, and QEMU may still be
     * asked what became of its block jobs. */
    vm->beingDestroyed = true;
    settle = vbDomainProcessNeedsSettle(vm);
    if (!(flags & VIR_DOMAIN_DESTROY_GRACEFUL) && vm->pid > 0 && !settle)
        kill(vm->pid, SIGTERM);

    if (vbDomainObjBeginJob(vm, VB_JOB_DESTROY) < 0) {
        if (settle && !(flags & VIR_DOMAIN_DESTROY_GRACEFUL) && vm->pid > 0)
            kill(vm->pid, SIGTERM);
        vm->beingDestroyed = false;
        goto cleanup;
    }
    if (!vbDomainObjIsActive(vm)) {
        vbDomainObjCheckActive(vm);
        goto endjob;
    }
    if (settle)
        vbDomainProcessSettleJobs(driver, vm);
    vbDomainProcessStop(driver, vm, VIR_DOMAIN_SHUTOFF_DESTROYED);
    vbDomainEmitLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    ret = 0;

endjob:
    vm->beingDestroyed = false;
    vbDomainObjEndJob(vm, VB_JOB_DESTROY);
    if (ret == 0 && !vm->persistent)
        vbDomainObjListRemove(driver->domains, vm);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* Runs one argument-less QMP command for the entry points below. */
static int
vbDomainMonitorSimple(vbDomainObj *vm, int (*cmd)(vbMonitor *mon))
{
    vbMonitor *mon = vbDomainObjEnterMonitor(vm);
    int rc = cmd(mon);

    if (vbDomainObjExitMonitor(vm, mon) < 0)
        return -1;
    return rc;
}

/*
 * As libvirt's qemuDomainShutdownFlags: the guest agent when asked for, or
 * without flags when it is connected; ACPI when asked for, without flags,
 * or when the agent failed and ACPI was asked for too.  With on_poweroff
 * restart the agent is asked for a reboot.
 */
int
vbDomainShutdown(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags)
{
    vbDomainObj *vm;
    bool agentRequested = flags & VIR_DOMAIN_SHUTDOWN_GUEST_AGENT;
    bool acpiRequested = flags & VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN;
    bool agentForced = agentRequested && !acpiRequested;
    bool useAgent;
    int ret = -1;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN | VIR_DOMAIN_SHUTDOWN_GUEST_AGENT,
                     "qemuDomainShutdownFlags", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    useAgent = agentRequested || (!flags && vm->agent);
    if (useAgent) {
        ret = vbDomainAgentShutdown(vm, vm->def->onPoweroff == VB_DOMAIN_LIFECYCLE_ACTION_RESTART,
                                    agentForced);
        if (ret < 0 && agentForced)
            goto cleanup;
    }
    if (!useAgent || (ret < 0 && (acpiRequested || !flags))) {
        /* the guest may have gone by itself while the agent was asked */
        if (useAgent && !vbDomainObjIsActive(vm)) {
            ret = 0;
            goto cleanup;
        }
        vbResetLastError();
        if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
            goto cleanup;
        if (vbDomainObjCheckActive(vm) < 0)
            goto endjob;
        ret = vbDomainMonitorSimple(vm, vbMonitorSystemPowerdown);
    endjob:
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    }
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/*
 * The ACPI power button with the shutdown made a reboot (libvirt's fake
 * reboot, see vbdomainprocess.c): the guest shuts down, QEMU is reset and
 * continued.  With on_reboot destroy the guest just shuts down, as
 * libvirt overrides the reboot then.  As libvirt's qemuDomainReboot, the
 * guest agent is used when asked for, or without flags when it is
 * connected (it asks the guest for a reboot, or a poweroff with on_reboot
 * destroy); ACPI when asked for, without flags, or when the agent failed
 * and ACPI was asked for too.
 */
int
vbDomainReboot(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags)
{
    vbDomainObj *vm;
    bool agentRequested = flags & VIR_DOMAIN_REBOOT_GUEST_AGENT;
    bool acpiRequested = flags & VIR_DOMAIN_REBOOT_ACPI_POWER_BTN;
    bool agentForced = agentRequested && !acpiRequested;
    bool isReboot;
    bool useAgent;
    int ret = -1;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_REBOOT_ACPI_POWER_BTN | VIR_DOMAIN_REBOOT_GUEST_AGENT,
                     "qemuDomainReboot", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    isReboot = vm->def->onReboot != VB_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    useAgent = agentRequested || (!flags && vm->agent);
    if (useAgent) {
        ret = vbDomainAgentShutdown(vm, isReboot, agentForced);
        if (ret < 0 && agentForced)
            goto cleanup;
    }
    if (!useAgent || (ret < 0 && (acpiRequested || !flags))) {
        vbResetLastError();
        if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
            goto cleanup;
        if (vbDomainObjCheckActive(vm) < 0)
            goto endjob;
        vm->fakeReboot = isReboot;
        if ((ret = vbDomainMonitorSimple(vm, vbMonitorSystemPowerdown)) < 0)
            vm->fakeReboot = false;
    endjob:
        vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    }
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* A hardware reset; QEMU's RESET event sends the REBOOT event. */
int
vbDomainReset(vbDriver *driver, const vbDomainHandle *dom, unsigned int flags)
{
    vbDomainObj *vm;
    int ret = -1;

    vbCheckFlagsFunc(flags, 0, "qemuDomainReset", -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbDomainObjCheckActive(vm) < 0)
        goto endjob;
    if ((ret = vbDomainMonitorSimple(vm, vbMonitorSystemReset)) < 0)
        goto endjob;
    /* A guest stopped for a fake reboot: the reset does the reboot's first
     * half, and QEMU waits in prelaunch; `cont` does the second, so the
     * queued reboot work finds nothing left to do. */
    if (vm->pausedShutdown) {
        if ((ret = vbDomainMonitorSimple(vm, vbMonitorCont)) < 0)
            goto endjob;
        vm->pausedShutdown = false;
        vm->fakeReboot = false;
    }
endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

/* Suspend and resume: the STOP and RESUME events, handled before QEMU's
 * reply arrives, emit the lifecycle event; pausedReason tells the STOP
 * handler why.  Asking for the state the domain is in succeeds, as in
 * libvirt. */
static int
vbDomainSetPaused(vbDriver *driver, const vbDomainHandle *dom, bool pause)
{
    virDomainState want = pause ? VIR_DOMAIN_PAUSED : VIR_DOMAIN_RUNNING;
    vbDomainObj *vm;
    int ret = -1;

    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbDomainObjCheckActive(vm) < 0)
        goto endjob;
    /* A guest that panicked with on_crash preserve continues too. */
    if (vm->state == want ||
        (!pause && vm->state != VIR_DOMAIN_PAUSED &&
         !(vm->state == VIR_DOMAIN_CRASHED && vm->reason == VIR_DOMAIN_CRASHED_PANICKED))) {
        ret = 0;
        goto endjob;
    }
    if (pause)
        vm->pausedReason = VIR_DOMAIN_PAUSED_USER;
    vm->resumeSeen = false;
    if (vbDomainMonitorSimple(vm, pause ? vbMonitorStop : vbMonitorCont) < 0)
        goto endjob;
    if (pause)
        vbDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    else if (!vm->resumeSeen)
        vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    ret = vbDomainObjSaveStatus(vm);

endjob:
    vm->pausedReason = 0;
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}

int
vbDomainSuspend(vbDriver *driver, const vbDomainHandle *dom)
{
    return vbDomainSetPaused(driver, dom, true);
}

int
vbDomainResume(vbDriver *driver, const vbDomainHandle *dom)
{
    return vbDomainSetPaused(driver, dom, false);
}

/* --- QEMU monitor passthrough (libvirt's QEMU program) --- */

int
vbDomainQemuMonitorCommand(vbDriver *driver, const vbDomainHandle *dom, const char *cmd,
                           unsigned int flags, char **result)
{
    vbDomainObj *vm;
    vbMonitor *mon;
    int ret = -1;
    int rc;

    vbCheckFlagsFunc(flags, VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP, "qemuDomainQemuMonitorCommand",
                     -1);
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0)
        goto cleanup;
    if (vbDomainObjCheckActive(vm) < 0)
        goto endjob;

    /* Whatever the command changes, we do not know about: as libvirt, we
     * only log that the domain was touched behind our back. */
    VB_WARN("domain '%s' receives a QEMU monitor command from a client: %s", vm->def->name, cmd);
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorArbitraryCommand(mon, cmd, flags & VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP, result);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        goto endjob;
    ret = 0;

endjob:
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
