/*
 * vbqemucaps.c: what a QEMU binary can do, probed once and cached
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vbqemucaps.h"
#include "vberror.h"
#include "vbeventthread.h"
#include "vbfile.h"
#include "vbjson.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitormachine.h"
#include "vbmonitorsystem.h"
#include "vbqemuhostcpu.h"
#include "vbqemuprocess.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

VB_ENUM_IMPL(vbQemuCapsFlags, VB_QEMU_CAPS_LAST, "block-commit-top-node", "block-commit-base-node",
             "block-commit-backing-file", "block-commit-backing-mask-protocol", "job-complete",
             "job-dismiss", "job-finalize", "blockdev-add", "blockdev-reopen", "bitmap-persistent",
             "bitmap-merge", "transaction-bitmap-add", "transaction-bitmap-merge",
             "transaction-bitmap-remove", "transaction-blockdev-snapshot",
             "query-named-block-nodes-flat");

/* Which schema path sets which flag (as libvirt's virQEMUCapsQMPSchemaQueries) */
static const struct {
    const char *path;
    vbQemuCapsFlags flag;
} vbQemuCapsSchemaQueries[] = {
    {"block-commit/arg-type/top-node", VB_QEMU_CAPS_BLOCK_COMMIT_TOP_NODE},
    {"block-commit/arg-type/base-node", VB_QEMU_CAPS_BLOCK_COMMIT_BASE_NODE},
    {"block-commit/arg-type/backing-file", VB_QEMU_CAPS_BLOCK_COMMIT_BACKING_FILE},
    {"block-commit/arg-type/backing-mask-protocol",
     VB_QEMU_CAPS_BLOCK_COMMIT_BACKING_MASK_PROTOCOL},
    {"job-complete", VB_QEMU_CAPS_JOB_COMPLETE},
    {"job-dismiss", VB_QEMU_CAPS_JOB_DISMISS},
    {"job-finalize", VB_QEMU_CAPS_JOB_FINALIZE},
    {"blockdev-add", VB_QEMU_CAPS_BLOCKDEV_ADD},
    {"blockdev-reopen", VB_QEMU_CAPS_BLOCKDEV_REOPEN},
    {"block-dirty-bitmap-add/arg-type/persistent", VB_QEMU_CAPS_BITMAP_PERSISTENT},
    {"block-dirty-bitmap-merge", VB_QEMU_CAPS_BITMAP_MERGE},
    {"transaction/arg-type/actions/+block-dirty-bitmap-add", VB_QEMU_CAPS_TRANSACTION_BITMAP_ADD},
    {"transaction/arg-type/actions/+block-dirty-bitmap-merge",
     VB_QEMU_CAPS_TRANSACTION_BITMAP_MERGE},
    {"transaction/arg-type/actions/+block-dirty-bitmap-remove",
     VB_QEMU_CAPS_TRANSACTION_BITMAP_REMOVE},
    {"transaction/arg-type/actions/+blockdev-snapshot", VB_QEMU_CAPS_TRANSACTION_BLOCKDEV_SNAPSHOT},
    {"query-named-block-nodes/arg-type/flat", VB_QEMU_CAPS_QUERY_NAMED_BLOCK_NODES_FLAT},
};

/* How long QEMU may take to create its QMP socket; it takes ~0.1 s. */
#define VB_QEMU_CAPS_START_TIMEOUT_MS 10000
/* How long it may take to exit after 'quit' before it is killed */
#define VB_QEMU_CAPS_EXIT_TIMEOUT_MS 5000
#define VB_QEMU_CAPS_POLL_MS 10

/* Bump when the cache file's layout changes (2: arch, machines; 3: the
 * host-model CPUs, kvm-probed) */
#define VB_QEMU_CAPS_CACHE_FORMAT 3

struct _vbQemuCaps {
    char *binary;
    unsigned int version;
    char *package;
    bool flags[VB_QEMU_CAPS_LAST];
    bool kvmUsable;
    char *arch;
    GPtrArray *machines;  /* vbMonitorMachineInfo, the default first */
    vbCPUDef *hostCPU;    /* host-model under TCG, NULL when not x86 */
    vbCPUDef *hostCPUKVM; /* under KVM, NULL when /dev/kvm was not usable */
    bool kvmProbed;       /* /dev/kvm was usable when probed */
};

static void
vbQemuCapsMachineFree(gpointer info)
{
    vbMonitorMachineInfoFree(info);
}

vbQemuCaps *
vbQemuCapsNew(const char *binary)
{
    vbQemuCaps *caps = g_new0(vbQemuCaps, 1);

    caps->binary = g_strdup(binary);
    caps->machines = g_ptr_array_new_with_free_func(vbQemuCapsMachineFree);
    return caps;
}

void
vbQemuCapsFree(vbQemuCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->binary);
    g_free(caps->package);
    g_free(caps->arch);
    g_ptr_array_unref(caps->machines);
    vbCPUDefFree(caps->hostCPU);
    vbCPUDefFree(caps->hostCPUKVM);
    g_free(caps);
}

void
vbQemuCapsInitFromSchema(vbQemuCaps *caps, const vbQemuSchema *schema)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vbQemuCapsSchemaQueries); i++) {
        if (vbQemuSchemaHasPath(schema, vbQemuCapsSchemaQueries[i].path))
            caps->flags[vbQemuCapsSchemaQueries[i].flag] = true;
    }
}

void
vbQemuCapsSetVersion(vbQemuCaps *caps, unsigned int version, const char *package)
{
    caps->version = version;
    g_free(caps->package);
    caps->package = g_strdup(package);
}

void
vbQemuCapsSet(vbQemuCaps *caps, vbQemuCapsFlags flag)
{
    g_return_if_fail(flag < VB_QEMU_CAPS_LAST);
    caps->flags[flag] = true;
}

bool
vbQemuCapsGet(const vbQemuCaps *caps, vbQemuCapsFlags flag)
{
    g_return_val_if_fail(flag < VB_QEMU_CAPS_LAST, false);
    return caps->flags[flag];
}

int
vbQemuCapsCheck(const vbQemuCaps *caps, vbQemuCapsFlags flag, const char *what)
{
    if (vbQemuCapsGet(caps, flag))
        return 0;
    vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, _("%s is not supported by QEMU binary '%s'"), what,
                  caps->binary);
    return -1;
}

int
vbQemuCapsCheckVersion(const vbQemuCaps *caps)
{
    if (caps->version >= VB_QEMU_MIN_VERSION)
        return 0;
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  _("QEMU binary '%s' is version %u.%u.%u, but at least 7.2.0 is required"),
                  caps->binary, caps->version / 1000000, caps->version / 1000 % 1000,
                  caps->version % 1000);
    return -1;
}

const char *
vbQemuCapsGetBinary(const vbQemuCaps *caps)
{
    return caps->binary;
}

unsigned int
vbQemuCapsGetVersion(const vbQemuCaps *caps)
{
    return caps->version;
}

const char *
vbQemuCapsGetPackage(const vbQemuCaps *caps)
{
    return caps->package;
}

bool
vbQemuCapsGetKVMUsable(const vbQemuCaps *caps)
{
    return caps->kvmUsable;
}

void
vbQemuCapsSetKVMUsable(vbQemuCaps *caps, bool usable)
{
    caps->kvmUsable = usable;
}

const char *
vbQemuCapsGetArch(const vbQemuCaps *caps)
{
    return caps->arch;
}

void
vbQemuCapsSetArch(vbQemuCaps *caps, const char *arch)
{
    g_free(caps->arch);
    caps->arch = g_strdup(arch);
}

/* libvirt's own default for x86, kept so that a new QEMU default does not
 * change what a definition without a machine gets */
#define VB_QEMU_CAPS_PREFERRED_MACHINE "pc"

void
vbQemuCapsSetMachines(vbQemuCaps *caps, const GPtrArray *machines)
{
    ssize_t preferred = -1;
    ssize_t qemuDefault = -1;
    size_t i;

    g_ptr_array_set_size(caps->machines, 0);
    for (i = 0; i < machines->len; i++) {
        const vbMonitorMachineInfo *m = g_ptr_array_index(machines, i);
        vbMonitorMachineInfo *copy;

        if (g_str_equal(m->name, "none"))
            continue;
        copy = g_new0(vbMonitorMachineInfo, 1);
        copy->name = g_strdup(m->name);
        copy->alias = g_strdup(m->alias);
        copy->isDefault = m->isDefault;
        copy->maxCpus = m->maxCpus;
        copy->deprecated = m->deprecated;
        g_ptr_array_add(caps->machines, copy);
        if (g_str_equal(m->name, VB_QEMU_CAPS_PREFERRED_MACHINE) ||
            g_strcmp0(m->alias, VB_QEMU_CAPS_PREFERRED_MACHINE) == 0)
            preferred = caps->machines->len - 1;
        if (m->isDefault)
            qemuDefault = caps->machines->len - 1;
    }
    if (preferred < 0)
        preferred = qemuDefault;
    if (preferred > 0) {
        /* moved to the front, the others keeping their order */
        gpointer first = g_ptr_array_steal_index(caps->machines, preferred);

        g_ptr_array_insert(caps->machines, 0, first);
    }
}

size_t
vbQemuCapsGetMachineCount(const vbQemuCaps *caps)
{
    return caps->machines->len;
}

const vbMonitorMachineInfo *
vbQemuCapsGetMachine(const vbQemuCaps *caps, size_t i)
{
    g_return_val_if_fail(i < caps->machines->len, NULL);
    return g_ptr_array_index(caps->machines, i);
}

const vbMonitorMachineInfo *
vbQemuCapsFindMachine(const vbQemuCaps *caps, const char *name)
{
    size_t i;

    for (i = 0; i < caps->machines->len; i++) {
        const vbMonitorMachineInfo *m = g_ptr_array_index(caps->machines, i);

        if (g_str_equal(m->name, name) || g_strcmp0(m->alias, name) == 0)
            return m;
    }
    return NULL;
}

int
vbQemuCapsCanonicalizeMachine(const vbQemuCaps *caps, const char *binary, char **machine)
{
    const vbMonitorMachineInfo *info;

    g_return_val_if_fail(machine && *machine, -1);
    if (!(info = vbQemuCapsFindMachine(caps, *machine))) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("Emulator '%s' does not support machine type '%s'"), binary, *machine);
        return -1;
    }
    if (!g_str_equal(info->name, *machine)) {
        g_free(*machine);
        *machine = g_strdup(info->name);
    }
    return 0;
}

const vbCPUDef *
vbQemuCapsGetHostCPU(const vbQemuCaps *caps, bool kvm)
{
    return kvm ? caps->hostCPUKVM : caps->hostCPU;
}

void
vbQemuCapsSetHostCPU(vbQemuCaps *caps, bool kvm, vbCPUDef *cpu)
{
    vbCPUDef **slot = kvm ? &caps->hostCPUKVM : &caps->hostCPU;

    vbCPUDefFree(*slot);
    *slot = cpu;
}

/* ------------------------------------------------------------------ */
/* Probing */

/* Waits for @pid to exit, killing it after a while.  Never fails. */
static void
vbQemuCapsReap(GPid pid)
{
    gint64 deadline = g_get_monotonic_time() + VB_QEMU_CAPS_EXIT_TIMEOUT_MS * 1000;
    int status;

    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (g_get_monotonic_time() >= deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return;
        }
        g_usleep(VB_QEMU_CAPS_POLL_MS * 1000);
    }
}

/* Waits until QEMU created @sockPath; fails early when QEMU exited. */
static int
vbQemuCapsWaitForSocket(const char *binary, GPid pid, const char *sockPath, const char *errPath,
                        bool *exited)
{
    gint64 deadline = g_get_monotonic_time() + VB_QEMU_CAPS_START_TIMEOUT_MS * 1000;
    int status;

    while (!g_file_test(sockPath, G_FILE_TEST_EXISTS)) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            g_autofree char *err = NULL;

            *exited = true;
            if (vbFileReadAll(errPath, 64 * 1024, &err) < 0)
                return -1;
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("QEMU binary '%s' exited while probing: %s"),
                          binary, *g_strstrip(err) ? err : _("no error output"));
            return -1;
        }
        if (g_get_monotonic_time() >= deadline) {
            vbReportError(VIR_ERR_OPERATION_TIMEOUT,
                          _("QEMU binary '%s' did not open its monitor socket within %u ms"),
                          binary, VB_QEMU_CAPS_START_TIMEOUT_MS);
            return -1;
        }
        g_usleep(VB_QEMU_CAPS_POLL_MS * 1000);
    }
    return 0;
}

/* The second run, under KVM: only the host CPU differs from TCG's */
static int
vbQemuCapsProbeMonitorKVM(vbQemuCaps *caps, vbMonitor *mon)
{
    if (vbQemuHostCPUProbe(mon, &caps->hostCPUKVM) < 0)
        return -1;
    if (vbMonitorQuit(mon) < 0)
        VB_DEBUG("'quit' failed while probing '%s': %s", caps->binary, vbGetLastErrorMessage());
    return 0;
}

static int
vbQemuCapsProbeMonitor(vbQemuCaps *caps, vbMonitor *mon)
{
    g_autoptr(vbJSONValue) entries = NULL;
    g_autoptr(vbQemuSchema) schema = NULL;
    g_autoptr(GPtrArray) machines = NULL;
    g_autofree char *package = NULL;
    unsigned int major;
    unsigned int minor;
    unsigned int micro;

    if (vbMonitorQueryVersion(mon, &major, &minor, &micro, &package) < 0)
        return -1;
    vbQemuCapsSetVersion(caps, major * 1000000 + minor * 1000 + micro, package);
    /* no need to look further into a QEMU we will not drive */
    if (vbQemuCapsCheckVersion(caps) < 0)
        return -1;

    if (vbMonitorQueryQMPSchema(mon, &entries) < 0 || !(schema = vbQemuSchemaNew(&entries)))
        return -1;
    vbQemuCapsInitFromSchema(caps, schema);

    if (vbMonitorQueryTarget(mon, &caps->arch) < 0 || vbMonitorQueryMachines(mon, &machines) < 0)
        return -1;
    vbQemuCapsSetMachines(caps, machines);

    /* this run is TCG's: host-model of the x86 CPUs QEMU emulates */
    if ((g_str_equal(caps->arch, "x86_64") || g_str_equal(caps->arch, "i386")) &&
        vbQemuHostCPUProbe(mon, &caps->hostCPU) < 0)
        return -1;

    /* QEMU is killed after a while if it does not exit */
    if (vbMonitorQuit(mon) < 0)
        VB_DEBUG("'quit' failed while probing '%s': %s", caps->binary, vbGetLastErrorMessage());
    return 0;
}

/* Runs @binary without a guest under @accel ("tcg", "kvm") and probes
 * it into @caps over QMP. */
static int
vbQemuCapsProbeRun(vbQemuCaps *caps, const char *binary, const char *accel, const vbIdentity *ident)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *sockPath = NULL;
    g_autofree char *errPath = NULL;
    g_autofree char *qmpArg = NULL;
    vbEventThread *evt = NULL;
    vbMonitor *mon = NULL;
    bool exited = false;
    GPid pid = 0;
    int errfd = -1;
    int ret = -1;

    if (!(dir = g_dir_make_tmp("virtblockd-probe-XXXXXX", &gerr))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot create a directory to probe '%s': %s"),
                      binary, gerr->message);
        return -1;
    }
    sockPath = g_build_filename(dir, "qmp.sock", NULL);
    errPath = g_build_filename(dir, "stderr.log", NULL);
    /* a comma would end the path in QEMU's option syntax */
    qmpArg = g_strdup_printf("unix:%s,server=on,wait=off", sockPath);

    if (strchr(sockPath, ',')) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("temporary directory '%s' contains a comma, which QEMU options cannot take"), dir);
        goto cleanup;
    }
    if ((errfd = open(errPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        vbReportSystemError(errno, _("cannot create '%s'"), errPath);
        goto cleanup;
    }
    /* the probe runs as the domains' QEMU will: its socket goes in a
     * directory that identity owns */
    if (vbIdentityDiffers(ident) && chown(dir, ident->uid, ident->gid) < 0) {
        vbReportSystemError(errno, _("cannot give '%s' to uid %u"), dir, (unsigned int) ident->uid);
        goto cleanup;
    }

    {
        const char *const argv[] = {
            binary,     "-machine", "none", "-accel", accel,  "-nodefaults", "-no-user-config",
            "-display", "none",     "-S",   "-qmp",   qmpArg, NULL};

        vbQemuProcessConfine confine = {.ident = ident};

        VB_DEBUG("probing QEMU binary '%s' under %s", binary, accel);
        if (!g_spawn_async_with_pipes_and_fds(dir, argv, NULL,
                                              G_SPAWN_DO_NOT_REAP_CHILD |
                                                  G_SPAWN_STDIN_FROM_DEV_NULL |
                                                  G_SPAWN_STDOUT_TO_DEV_NULL,
                                              vbQemuProcessChildSetup, &confine, -1, -1, errfd,
                                              NULL, NULL, 0, &pid, NULL, NULL, NULL, &gerr)) {
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot run QEMU binary '%s': %s"), binary,
                          gerr->message);
            goto cleanup;
        }
    }

    if (vbQemuCapsWaitForSocket(binary, pid, sockPath, errPath, &exited) < 0)
        goto cleanup;

    /* this layer has no driver thread to borrow: one for this monitor only */
    evt = vbEventThreadNew("vb-qemu-probe");
    if ((mon = vbMonitorOpen(sockPath, vbEventThreadGetContext(evt), VB_QEMU_CAPS_START_TIMEOUT_MS,
                             0, NULL, NULL)))
        ret = g_str_equal(accel, "kvm") ? vbQemuCapsProbeMonitorKVM(caps, mon)
                                        : vbQemuCapsProbeMonitor(caps, mon);
    vbMonitorClose(mon);
    vbEventThreadFree(evt);

cleanup:
    if (pid > 0 && !exited)
        vbQemuCapsReap(pid);
    if (errfd >= 0)
        close(errfd);
    if (dir) {
        unlink(sockPath);
        unlink(errPath);
        rmdir(dir);
    }
    return ret;
}

static bool
vbQemuCapsProbeKVM(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return false;
    close(fd);
    return true;
}

vbQemuCaps *
vbQemuCapsProbe(const char *binary, const vbIdentity *ident)
{
    g_autoptr(vbQemuCaps) caps = vbQemuCapsNew(binary);

    if (vbQemuCapsProbeRun(caps, binary, "tcg", ident) < 0)
        return NULL;
    /* host-model under KVM is the host's CPU as KVM offers it: a second
     * run, when /dev/kvm can be used; TCG guests run without it */
    caps->kvmProbed = vbQemuCapsProbeKVM();
    if (caps->kvmProbed && caps->hostCPU && vbQemuCapsProbeRun(caps, binary, "kvm", ident) < 0) {
        VB_DEBUG("no host-model CPU under KVM for '%s': %s", binary, vbGetLastErrorMessage());
        vbResetLastError();
    }
    return g_steal_pointer(&caps);
}

/* ------------------------------------------------------------------ */
/* The cache */

/* Changes whenever the table of probed paths does, so that a cache
 * written before a flag was added is probed again. */
static char *
vbQemuCapsQueriesDigest(void)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vbQemuCapsSchemaQueries); i++)
        g_string_append_printf(buf, "%s=%s\n",
                               vbQemuCapsFlagsTypeToString(vbQemuCapsSchemaQueries[i].flag),
                               vbQemuCapsSchemaQueries[i].path);
    return g_compute_checksum_for_string(G_CHECKSUM_SHA256, buf->str, buf->len);
}

static char *
vbQemuCapsCachePath(const char *cacheDir, const char *binary)
{
    g_autofree char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, binary, -1);
    g_autofree char *name = g_strdup_printf("%s.json", digest);

    return g_build_filename(cacheDir, name, NULL);
}

/* The cached capabilities, or NULL (nothing reported) when the file is
 * missing, unreadable or stale: then the binary is probed again. */
static vbQemuCaps *
vbQemuCapsCacheLoad(const char *path, const char *binary, const struct stat *sb)
{
    g_autoptr(vbQemuCaps) caps = vbQemuCapsNew(binary);
    g_autoptr(vbJSONValue) doc = NULL;
    g_autofree char *text = NULL;
    g_autofree char *digest = vbQemuCapsQueriesDigest();
    unsigned long long format;
    unsigned long long size;
    long long mtime;
    long long mtimeNsec;
    unsigned long long version;
    vbJSONValue *flags;
    vbJSONValue *machines;
    vbJSONValue *hostCPU;
    vbJSONValue *hostCPUKVM;
    const char *arch;
    size_t i;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return NULL;
    if (vbFileReadAll(path, 1024 * 1024, &text) < 0 || !(doc = vbJSONValueFromString(text))) {
        VB_DEBUG("ignoring unreadable capabilities cache '%s': %s", path, vbGetLastErrorMessage());
        vbResetLastError();
        return NULL;
    }

    if (vbJSONValueObjectGetNumberUlong(doc, "format", &format) < 0 ||
        format != VB_QEMU_CAPS_CACHE_FORMAT ||
        g_strcmp0(vbJSONValueObjectGetString(doc, "binary"), binary) != 0 ||
        g_strcmp0(vbJSONValueObjectGetString(doc, "queries"), digest) != 0 ||
        vbJSONValueObjectGetNumberUlong(doc, "size", &size) < 0 ||
        size != (unsigned long long) sb->st_size ||
        vbJSONValueObjectGetNumberLong(doc, "mtime", &mtime) < 0 || mtime != sb->st_mtim.tv_sec ||
        vbJSONValueObjectGetNumberLong(doc, "mtime-nsec", &mtimeNsec) < 0 ||
        mtimeNsec != sb->st_mtim.tv_nsec ||
        vbJSONValueObjectGetNumberUlong(doc, "version", &version) < 0 || version > G_MAXUINT ||
        !(flags = vbJSONValueObjectGetArray(doc, "flags")) ||
        !(arch = vbJSONValueObjectGetString(doc, "arch")) ||
        !(machines = vbJSONValueObjectGetArray(doc, "machines"))) {
        VB_DEBUG("capabilities cache '%s' is stale", path);
        return NULL;
    }
    vbQemuCapsSetArch(caps, arch);
    {
        g_autoptr(GPtrArray) list = NULL;

        /* written in query-machines' shape, the default already first */
        if (vbMonitorParseMachines(machines, &list) < 0) {
            VB_DEBUG("ignoring capabilities cache '%s': %s", path, vbGetLastErrorMessage());
            vbResetLastError();
            return NULL;
        }
        g_ptr_array_extend_and_steal(caps->machines, g_steal_pointer(&list));
    }

    if ((hostCPU = vbJSONValueObjectGetObject(doc, "host-cpu")) &&
        !(caps->hostCPU = vbQemuHostCPUFromJSON(hostCPU))) {
        VB_DEBUG("capabilities cache '%s' has a malformed host CPU", path);
        return NULL;
    }
    if (vbJSONValueObjectGetBoolean(doc, "kvm-probed", &caps->kvmProbed) < 0) {
        VB_DEBUG("capabilities cache '%s' is stale", path);
        return NULL;
    }
    if ((hostCPUKVM = vbJSONValueObjectGetObject(doc, "host-cpu-kvm")) &&
        !(caps->hostCPUKVM = vbQemuHostCPUFromJSON(hostCPUKVM))) {
        VB_DEBUG("capabilities cache '%s' has a malformed KVM host CPU", path);
        return NULL;
    }

    vbQemuCapsSetVersion(caps, version, vbJSONValueObjectGetString(doc, "package"));
    for (i = 0; i < vbJSONValueArraySize(flags); i++) {
        int flag =
            vbQemuCapsFlagsTypeFromString(vbJSONValueGetString(vbJSONValueArrayGet(flags, i)));

        /* unknown names come from a newer daemon's table; the digest makes
         * that impossible today, but a name is never misread */
        if (flag >= 0)
            caps->flags[flag] = true;
    }
    return g_steal_pointer(&caps);
}

static int
vbQemuCapsCacheSave(const vbQemuCaps *caps, const char *path, const struct stat *sb)
{
    g_autoptr(vbJSONValue) flags = vbJSONValueNewArray();
    g_autoptr(vbJSONValue) machines = vbJSONValueNewArray();
    g_autoptr(vbJSONValue) doc = NULL;
    g_autoptr(vbJSONValue) hostCPU = NULL;
    g_autoptr(vbJSONValue) hostCPUKVM = NULL;
    g_autofree char *digest = vbQemuCapsQueriesDigest();
    g_autofree char *text = NULL;
    size_t i;

    if ((caps->hostCPU && !(hostCPU = vbQemuHostCPUToJSON(caps->hostCPU))) ||
        (caps->hostCPUKVM && !(hostCPUKVM = vbQemuHostCPUToJSON(caps->hostCPUKVM))))
        return -1;

    for (i = 0; i < VB_QEMU_CAPS_LAST; i++) {
        if (caps->flags[i] &&
            vbJSONValueArrayAppendString(flags, vbQemuCapsFlagsTypeToString(i)) < 0)
            return -1;
    }
    for (i = 0; i < caps->machines->len; i++) {
        const vbMonitorMachineInfo *m = g_ptr_array_index(caps->machines, i);
        g_autoptr(vbJSONValue) entry = NULL;

        if (vbJSONValueObjectAdd(&entry, "s:name", m->name, "S:alias", m->alias, "b:is-default",
                                 m->isDefault, "u:cpu-max", m->maxCpus, "b:deprecated",
                                 m->deprecated, NULL) < 0 ||
            vbJSONValueArrayAppend(machines, &entry) < 0)
            return -1;
    }

    if (vbJSONValueObjectAdd(
            &doc, "u:format", VB_QEMU_CAPS_CACHE_FORMAT, "s:binary", caps->binary, "U:size",
            (unsigned long long) sb->st_size, "I:mtime", (long long) sb->st_mtim.tv_sec,
            "I:mtime-nsec", (long long) sb->st_mtim.tv_nsec, "s:queries", digest, "u:version",
            caps->version, "S:package", caps->package, "a:flags", &flags, "S:arch", caps->arch,
            "a:machines", &machines, "O:host-cpu", &hostCPU, "b:kvm-probed", caps->kvmProbed,
            "O:host-cpu-kvm", &hostCPUKVM, NULL) < 0 ||
        !(text = vbJSONValueToString(doc, true)))
        return -1;
    /* a cache: a lost or stale one is probed again */
    return vbFileWriteAtomic(path, text, strlen(text), 0644, 0);
}

vbQemuCaps *
vbQemuCapsNewForBinary(const char *binary, const char *cacheDir, const vbIdentity *ident)
{
    g_autoptr(vbQemuCaps) caps = NULL;
    g_autofree char *path = vbQemuCapsCachePath(cacheDir, binary);
    struct stat sb;

    if (stat(binary, &sb) < 0) {
        /* libvirt's words */
        vbReportSystemError(errno, _("Cannot check QEMU binary %s"), binary);
        return NULL;
    }

    caps = vbQemuCapsCacheLoad(path, binary, &sb);
    /* KVM became usable since the probe: its host CPU is missing */
    if (caps && !caps->kvmProbed && vbQemuCapsProbeKVM())
        g_clear_pointer(&caps, vbQemuCapsFree);
    if (!caps) {
        if (!(caps = vbQemuCapsProbe(binary, ident)))
            return NULL;
        if (vbFileMakePath(cacheDir, 0755) < 0 || vbQemuCapsCacheSave(caps, path, &sb) < 0)
            return NULL;
    }

    if (vbQemuCapsCheckVersion(caps) < 0)
        return NULL;
    caps->kvmUsable = vbQemuCapsProbeKVM();
    return g_steal_pointer(&caps);
}
