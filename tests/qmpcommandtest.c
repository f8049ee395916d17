/*
 * qmpcommandtest.c: each QMP wrapper's JSON, checked against QEMU's schema
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every case runs one wrapper against the fake QMP server and compares
 *   qmpcommanddata/<case>.json   the command sent (pretty, without its id)
 *   qmpcommanddata/<case>.out    what the wrapper made of the reply, or the
 *                                error it reported
 * with <case>.reply (a reply recorded from QEMU 7.2) as the server's
 * answer where the case has one.  The fake server validates every command
 * sent against the QAPI schema recorded from QEMU 7.2 (the command, each key
 * through unions and alternates, the JSON types, the required members); the
 * last cases prove that the validation refuses what QEMU would.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vberror.h"
#include "vbeventthread.h"
#include "vbfile.h"
#include "vblog.h"
#include "vbmonitorblock.h"
#include "vbmonitordevice.h"
#include "vbmonitorjob.h"
#include "vbmonitormachine.h"
#include "vbmonitorballoon.h"
#include "vbmonitornet.h"
#include "vbmonitorsystem.h"
#include "vbmonitorgraphics.h"
#include "vbqemuschema.h"
#include "qemumonitortestutils.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* ------------------------------------------------------------------ */
/* Cases: each runs one wrapper and writes what it got into @out. */

typedef struct {
    const char *name;    /* golden files' base name */
    const char *command; /* the command the server expects; NULL: none sent */
    bool reply;          /* <name>.reply answers, else {"return": {}} */
    int (*run)(vbMonitor *mon, GString *out);
    bool fails; /* the wrapper must fail; its error goes to .out */
} testCase;

static int
testBlockCommitActive(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockCommit(mon, "libvirt-1-format", "commit-vda-libvirt-1-format",
                                "libvirt-1-format", "libvirt-3-format", NULL, 0, 1, false, -1);
}

static int
testBlockCommitIntermediate(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockCommit(mon, "libvirt-1-format", "commit-vda-libvirt-2-format",
                                "libvirt-2-format", "libvirt-3-format", "base.qcow2", 8388608, 1,
                                false, -1);
}

static int
testBlockCommitNoFinalize(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    /* snapshot deletion: QEMU waits in PENDING for job-finalize */
    return vbMonitorBlockCommit(mon, "libvirt-1-format", "commit-vda-libvirt-2-format",
                                "libvirt-2-format", "libvirt-3-format",
                                "/var/lib/virtblockd/images/base.qcow2", 0, 0, false, -1);
}

static int
testBlockSetIoThrottle(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    vbDomainIoTune iotune = {.groupName = (char *) "grp"};

    iotune.limits[VB_DOMAIN_IOTUNE_READ_BYTES_SEC] = 1000000;
    iotune.limits[VB_DOMAIN_IOTUNE_WRITE_BYTES_SEC] = 2000000;
    iotune.limits[VB_DOMAIN_IOTUNE_TOTAL_IOPS_SEC] = 300;
    iotune.limits[VB_DOMAIN_IOTUNE_TOTAL_IOPS_SEC_MAX] = 600;
    iotune.limits[VB_DOMAIN_IOTUNE_SIZE_IOPS_SEC] = 4096;
    iotune.limits[VB_DOMAIN_IOTUNE_TOTAL_IOPS_SEC_MAX_LENGTH] = 10;
    return vbMonitorBlockSetIoThrottle(mon, "/machine/peripheral/virtio-disk0/virtio-backend",
                                       &iotune);
}

static int
testQueryBlockIoThrottle(vbMonitor *mon, GString *out)
{
    vbDomainIoTune iotune;
    size_t i;

    if (vbMonitorQueryBlockIoThrottle(mon, "virtio-disk0", &iotune) < 0)
        return -1;
    for (i = 0; i < VB_DOMAIN_IOTUNE_LAST; i++)
        g_string_append_printf(out, "%s=%llu\n", vbDomainIoTuneFieldTypeToString(i),
                               iotune.limits[i]);
    g_string_append_printf(out, "group=%s\n", NULLSTR(iotune.groupName));
    g_free(iotune.groupName);
    return 0;
}

static int
testQueryBlockIoThrottleEmpty(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    vbDomainIoTune iotune;

    /* the empty cdrom of the same reply */
    return vbMonitorQueryBlockIoThrottle(mon, "sata0-0-1", &iotune);
}

static int
testBlockdevOpenTray(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockdevOpenTray(mon, "sata0-0-0", true);
}

static int
testBlockdevRemoveMedium(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockdevRemoveMedium(mon, "sata0-0-0");
}

static int
testBlockdevInsertMedium(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockdevInsertMedium(mon, "sata0-0-0", "libvirt-3-format");
}

static int
testBlockdevCloseTray(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockdevCloseTray(mon, "sata0-0-0");
}

static int
testJobComplete(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorJobComplete(mon, "commit-vda-libvirt-1-format");
}

static int
testJobCompleteNotReady(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorJobComplete(mon, "commit-vda");
}

static int
testJobDismiss(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorJobDismiss(mon, "commit-vda-libvirt-1-format");
}

static int
testJobFinalize(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorJobFinalize(mon, "commit-vda-libvirt-2-format");
}

static int
testJobCancel(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorJobCancel(mon, "commit-vda-libvirt-1-format");
}

static int
testBlockJobCancel(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockJobCancel(mon, "commit-vda-libvirt-1-format", false);
}

static int
testBlockJobCancelForce(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockJobCancel(mon, "commit-vda-libvirt-1-format", true);
}

static int
testBlockJobCancelNoJob(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockJobCancel(mon, "nojob", false);
}

static int
testBlockJobSetSpeed(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockJobSetSpeed(mon, "commit-vda-libvirt-1-format", 1048576);
}

static int
testBlockJobSetSpeedNegative(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockJobSetSpeed(mon, "commit-vda-libvirt-1-format", -1);
}

static int
testQueryJobs(vbMonitor *mon, GString *out)
{
    g_autoptr(GPtrArray) jobs = NULL;
    size_t i;

    if (vbMonitorQueryJobs(mon, &jobs) < 0)
        return -1;
    for (i = 0; i < jobs->len; i++) {
        vbMonitorJobInfo *job = jobs->pdata[i];

        g_string_append_printf(out, "id=%s type=%s status=%s progress=%llu/%llu error=%s\n",
                               job->id, vbMonitorJobTypeTypeToString(job->type),
                               vbMonitorJobStatusTypeToString(job->status), job->progressCurrent,
                               job->progressTotal, job->error ? job->error : "-");
    }
    return 0;
}

static int
testQueryBlockJobs(vbMonitor *mon, GString *out)
{
    g_autoptr(GPtrArray) jobs = NULL;
    size_t i;

    if (vbMonitorQueryBlockJobs(mon, &jobs) < 0)
        return -1;
    for (i = 0; i < jobs->len; i++) {
        vbMonitorBlockJobInfo *job = jobs->pdata[i];

        g_string_append_printf(out,
                               "device=%s type=%s len=%llu offset=%llu speed=%llu ready=%d "
                               "busy=%d paused=%d status=%s error=%s\n",
                               job->device, vbMonitorJobTypeTypeToString(job->type), job->len,
                               job->offset, job->speed, job->ready, job->busy, job->paused,
                               vbMonitorJobStatusTypeToString(job->status),
                               job->error ? job->error : "-");
    }
    return 0;
}

/* The device's root node, from the recorded query-block of a virtio-blk
 * disk on a two-image chain, a scsi-hd disk and an empty ide-cd drive. */
static int
testQueryBlockRoot(vbMonitor *mon, const char *devid, GString *out)
{
    g_autofree char *root = NULL;

    if (vbMonitorQueryBlockDeviceRoot(mon, devid, &root) < 0)
        return -1;
    g_string_append_printf(out, "root=%s\n", root ? root : "-");
    return 0;
}

static int
testQueryBlockVirtio(vbMonitor *mon, GString *out)
{
    return testQueryBlockRoot(mon, "virtio-disk0", out);
}

static int
testQueryBlockScsi(vbMonitor *mon, GString *out)
{
    return testQueryBlockRoot(mon, "scsi0-0-0-1", out);
}

static int
testQueryBlockEmpty(vbMonitor *mon, GString *out)
{
    return testQueryBlockRoot(mon, "sata0-0-2", out);
}

static int
testQueryBlockNoDevice(vbMonitor *mon, GString *out)
{
    return testQueryBlockRoot(mon, "virtio-disk", out);
}

static int
testQueryNamedBlockNodes(vbMonitor *mon, GString *out)
{
    g_autoptr(GPtrArray) nodes = NULL;
    size_t i;
    size_t j;

    if (vbMonitorQueryNamedBlockNodes(mon, &nodes) < 0)
        return -1;
    for (i = 0; i < nodes->len; i++) {
        vbMonitorBlockNodeInfo *node = nodes->pdata[i];

        g_string_append_printf(out, "node=%s drv=%s ro=%d backing=%s\n  file=%s\n", node->nodeName,
                               node->driver, node->readOnly,
                               node->backingFile ? node->backingFile : "-", node->file);
        for (j = 0; j < node->bitmaps->len; j++) {
            vbMonitorBitmapInfo *bitmap = node->bitmaps->pdata[j];

            g_string_append_printf(out,
                                   "  bitmap=%s granularity=%llu recording=%d persistent=%d "
                                   "inconsistent=%d busy=%d\n",
                                   bitmap->name ? bitmap->name : "-", bitmap->granularity,
                                   bitmap->recording, bitmap->persistent, bitmap->inconsistent,
                                   bitmap->busy);
        }
    }
    return 0;
}

static int
testBlockdevAddFile(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) props = NULL;

    if (vbJSONValueObjectAdd(&props, "s:driver", "file", "s:filename",
                             "/var/lib/virtblockd/images/overlay.qcow2", "s:node-name",
                             "libvirt-4-storage", "b:auto-read-only", true, "s:discard", "unmap",
                             NULL) < 0)
        return -1;
    return vbMonitorBlockdevAdd(mon, &props);
}

static int
testBlockdevAddQcow2(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) props = NULL;

    if (vbJSONValueObjectAdd(&props, "s:node-name", "libvirt-4-format", "b:read-only", false,
                             "s:driver", "qcow2", "s:file", "libvirt-4-storage", "n:backing",
                             NULL) < 0)
        return -1;
    return vbMonitorBlockdevAdd(mon, &props);
}

static int
testBlockdevDel(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockdevDel(mon, "libvirt-2-format");
}

/* a virtio-blk disk as the hotplug of <disk> sends it: the props of its
 * -device, QEMU's types */
static int
testDeviceAdd(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) props = NULL;

    if (vbJSONValueObjectAdd(&props, "s:driver", "virtio-blk-pci", "s:bus", "pci.5", "s:addr",
                             "0x0", "s:drive", "libvirt-2-format", "s:id", "virtio-disk1",
                             NULL) < 0)
        return -1;
    return vbMonitorDeviceAdd(mon, &props);
}

static int
testDeviceDel(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorDeviceDel(mon, "virtio-disk1");
}

static int
testCompareNames(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* the devices' ids, sorted for the golden file */
static int
testQomListPeripheral(vbMonitor *mon, GString *out)
{
    g_autoptr(GHashTable) aliases = NULL;
    g_autofree const char **names = NULL;
    guint n = 0;
    guint i;

    if (vbMonitorGetDeviceAliases(mon, &aliases) < 0)
        return -1;
    names = (const char **) g_hash_table_get_keys_as_array(aliases, &n);
    qsort(names, n, sizeof(*names), testCompareNames);
    for (i = 0; i < n; i++)
        g_string_append_printf(out, "%s\n", names[i]);
    return 0;
}

static int
testBlockdevReopen(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) node = NULL;
    g_autoptr(vbJSONValue) options = vbJSONValueNewArray();

    if (vbJSONValueObjectAdd(&node, "s:node-name", "libvirt-3-format", "b:read-only", false,
                             "s:driver", "qcow2", "s:file", "libvirt-3-storage", "n:backing",
                             NULL) < 0 ||
        vbJSONValueArrayAppend(options, &node) < 0)
        return -1;
    return vbMonitorBlockdevReopen(mon, &options);
}

static int
testTransactionBitmaps(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) actions = vbJSONValueNewArray();
    g_autoptr(vbJSONValue) sources = vbJSONValueNewArray();

    if (vbMonitorTransactionBitmapAdd(actions, "libvirt-3-format", "tmp-merge", false, true, 0) <
            0 ||
        vbMonitorBitmapMergeSourceAdd(sources, "libvirt-2-format", "b0") < 0 ||
        vbMonitorBitmapMergeSourceAdd(sources, "libvirt-3-format", "b0") < 0 ||
        vbMonitorTransactionBitmapMerge(actions, "libvirt-3-format", "tmp-merge", &sources) < 0 ||
        vbMonitorTransactionBitmapEnable(actions, "libvirt-3-format", "tmp-merge") < 0 ||
        vbMonitorTransactionBitmapDisable(actions, "libvirt-3-format", "b0") < 0 ||
        vbMonitorTransactionBitmapClear(actions, "libvirt-3-format", "b0") < 0 ||
        vbMonitorTransactionBitmapRemove(actions, "libvirt-2-format", "b0") < 0 ||
        vbMonitorTransactionBitmapAdd(actions, "libvirt-3-format", "b1", true, false, 131072) < 0)
        return -1;
    return vbMonitorTransaction(mon, &actions);
}

static int
testTransactionSnapshot(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) actions = vbJSONValueNewArray();

    if (vbMonitorTransactionSnapshotBlockdev(actions, "libvirt-1-format", "libvirt-4-format") < 0)
        return -1;
    return vbMonitorTransaction(mon, &actions);
}

static int
testBitmapAdd(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBitmapAdd(mon, "libvirt-1-format", "backup-1", true, false, 0);
}

static int
testBitmapRemove(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBitmapRemove(mon, "libvirt-1-format", "backup-1");
}

static int
testBitmapMerge(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) sources = vbJSONValueNewArray();

    if (vbMonitorBitmapMergeSourceAdd(sources, "libvirt-2-format", "backup-1") < 0)
        return -1;
    return vbMonitorBitmapMerge(mon, "libvirt-3-format", "backup-1", &sources);
}

static int
testCont(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorCont(mon);
}

static int
testStop(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorStop(mon);
}

static int
testSystemPowerdown(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorSystemPowerdown(mon);
}

static int
testRTCResetReinjection(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorRTCResetReinjection(mon);
}

static int
testSystemReset(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorSystemReset(mon);
}

static int
testQuit(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorQuit(mon);
}

static int
testSetVNCPassword(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorSetVNCPassword(mon, "s3cret,with comma");
}

static int
testExpireVNCPassword(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorExpireVNCPassword(mon, "1893456000");
}

static int
testBalloon(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBalloon(mon, 536870912ULL);
}

static int
testQueryBalloon(vbMonitor *mon, GString *out)
{
    unsigned long long actual = 0;

    if (vbMonitorQueryBalloon(mon, &actual) < 0)
        return -1;
    g_string_append_printf(out, "actual=%llu\n", actual);
    return 0;
}

static int
testBalloonStatsPeriod(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorSetBalloonStatsPeriod(mon, "balloon0", 5);
}

static int
testSetLinkDown(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorSetLink(mon, "net0", false);
}

static int
testNetdevAdd(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) props = NULL;

    if (vbJSONValueObjectAdd(&props, "s:type", "user", "s:id", "hostnet1", NULL) < 0)
        return -1;
    return vbMonitorNetdevAdd(mon, &props);
}

static int
testNetdevDel(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorNetdevDel(mon, "hostnet1", false);
}

static int
testBalloonStats(vbMonitor *mon, GString *out)
{
    vbMonitorBalloonStats stats = {0};
    size_t i;

    if (vbMonitorGetBalloonStats(mon, "balloon0", &stats) < 0)
        return -1;
    for (i = 0; i < VB_MONITOR_BALLOON_STAT_LAST; i++) {
        if (stats.stats[i] == VB_MONITOR_BALLOON_STAT_ABSENT)
            g_string_append_printf(out, "stat %zu absent\n", i);
        else
            g_string_append_printf(out, "stat %zu = %llu\n", i,
                                   (unsigned long long) stats.stats[i]);
    }
    g_string_append_printf(out, "last-update=%llu\n", stats.lastUpdate);
    return 0;
}

static int
testQueryStatus(vbMonitor *mon, GString *out)
{
    g_autofree char *status = NULL;
    bool running = true;

    if (vbMonitorQueryStatus(mon, &status, &running) < 0)
        return -1;
    g_string_append_printf(out, "status=%s running=%d\n", status, running);
    return 0;
}

static int
testQueryVersion(vbMonitor *mon, GString *out)
{
    g_autofree char *package = NULL;
    unsigned int major;
    unsigned int minor;
    unsigned int micro;

    if (vbMonitorQueryVersion(mon, &major, &minor, &micro, &package) < 0)
        return -1;
    g_string_append_printf(out, "version=%u.%u.%u package=%s\n", major, minor, micro, package);
    return 0;
}

static int
testQueryMachines(vbMonitor *mon, GString *out)
{
    g_autoptr(GPtrArray) machines = NULL;
    size_t i;

    if (vbMonitorQueryMachines(mon, &machines) < 0)
        return -1;
    for (i = 0; i < machines->len; i++) {
        const vbMonitorMachineInfo *m = g_ptr_array_index(machines, i);

        g_string_append_printf(out, "name=%s alias=%s default=%d cpu-max=%u deprecated=%d\n",
                               m->name, NULLSTR(m->alias), m->isDefault, m->maxCpus, m->deprecated);
    }
    return 0;
}

static int
testQueryChardevPtys(vbMonitor *mon, GString *out)
{
    g_autoptr(GHashTable) ptys = NULL;
    g_autoptr(GList) labels = NULL;
    GList *l;

    if (!(ptys = vbMonitorQueryChardevPtys(mon, NULL)))
        return -1;
    labels = g_list_sort(g_hash_table_get_keys(ptys), (GCompareFunc) strcmp);
    for (l = labels; l; l = l->next)
        g_string_append_printf(out, "%s=%s\n", (const char *) l->data,
                               (const char *) g_hash_table_lookup(ptys, l->data));
    return 0;
}

static int
testQueryTarget(vbMonitor *mon, GString *out)
{
    g_autofree char *arch = NULL;

    if (vbMonitorQueryTarget(mon, &arch) < 0)
        return -1;
    g_string_append_printf(out, "arch=%s\n", arch);
    return 0;
}

static int
testHumanCommand(vbMonitor *mon, GString *out)
{
    g_autofree char *output = NULL;
    g_autofree char *escaped = NULL;

    if (vbMonitorHumanCommand(mon, "info version", &output) < 0)
        return -1;
    escaped = g_strescape(output, NULL);
    g_string_append_printf(out, "output=%s\n", escaped);
    return 0;
}

static int
testNBDServerStart(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorNBDServerStart(mon, "/run/virtblockd/nbd.sock");
}

static int
testNBDServerStop(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorNBDServerStop(mon);
}

static int
testBlockExportAdd(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockExportAdd(mon, "exp0", "libvirt-1-format", true);
}

static int
testBlockExportDel(vbMonitor *mon, GString *out G_GNUC_UNUSED)
{
    return vbMonitorBlockExportDel(mon, "exp0");
}

static int
testRunCase(const void *opaque)
{
    const testCase *tc = opaque;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autoptr(vbEventThread) ev = vbEventThreadNew("vb-test-event");
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) sent = g_string_new(NULL);
    g_autofree char *reply = NULL;
    g_autofree char *jsonRel = NULL;
    g_autofree char *outRel = NULL;
    g_autofree char *jsonPath = NULL;
    g_autofree char *outPath = NULL;
    vbMonitor *mon;
    size_t i;
    int rc;
    int ret = 0;

    if (tc->reply) {
        g_autofree char *rel = g_strdup_printf("qmpcommanddata/%s.reply", tc->name);
        g_autofree char *path = vbTestSrcPath(rel);

        if (vbFileReadAll(path, 1024 * 1024, &reply) < 0)
            return -1;
    } else {
        reply = g_strdup("{\"return\": {}, \"id\": \"@ID@\"}\r\n");
    }

    vbTestQMPAddGreeting(qmp);
    if (tc->command)
        vbTestQMPAddCommand(qmp, tc->command, reply, false);
    if (!(mon = vbMonitorOpenFD(vbTestQMPStart(qmp), vbEventThreadGetContext(ev), NULL, NULL)))
        return -1;

    vbResetLastError();
    rc = tc->run(mon, out);
    if (tc->fails) {
        if (rc == 0) {
            fprintf(stderr, "'%s' succeeded but must fail\n", tc->name);
            ret = -1;
        }
        g_string_append_printf(out, "error %d: %s\n", vbGetLastErrorCode(),
                               vbGetLastErrorMessage());
    } else if (rc < 0) {
        ret = -1;
    }

    vbMonitorClose(mon);
    if (vbTestQMPFinish(qmp) < 0)
        ret = -1;

    /* the first command is qmp_capabilities; the server has checked each
     * one against the schema */
    for (i = 1; i < vbTestQMPCommandCount(qmp); i++) {
        g_autofree char *str = vbJSONValueToString(vbTestQMPGetCommand(qmp, i), true);

        g_string_append(sent, str);
    }

    jsonRel = g_strdup_printf("qmpcommanddata/%s.json", tc->name);
    outRel = g_strdup_printf("qmpcommanddata/%s.out", tc->name);
    jsonPath = vbTestSrcPath(jsonRel);
    outPath = vbTestSrcPath(outRel);
    if (tc->command && vbTestCompareToFile(sent->str, jsonPath) < 0)
        ret = -1;
    if (!tc->command && sent->len > 0) {
        fprintf(stderr, "'%s' sent a command but must not:\n%s", tc->name, sent->str);
        ret = -1;
    }
    if (out->len > 0 && vbTestCompareToFile(out->str, outPath) < 0)
        ret = -1;
    return ret;
}

/* The VNC password goes to QEMU, never to the debug log: the log shows
 * set_password with the password hidden */
static int
testPasswordNotLogged(const void *opaque)
{
    g_autofree char *logPath = g_build_filename(g_get_tmp_dir(), "vbqmplogXXXXXX", NULL);
    g_autofree char *log = NULL;
    g_autofree char *fdPath = NULL;
    vbLogPriority prio = vbLogGetPriority();
    int fd = g_mkstemp(logPath);
    int ret = 0;

    if (fd < 0)
        return -1;
    unlink(logPath);
    vbLogSetOutputFd(fd);
    vbLogSetPriority(VB_LOG_DEBUG);
    if (testRunCase(opaque) < 0)
        ret = -1;
    vbLogSetPriority(prio);
    vbLogSetOutputFd(-1);
    fdPath = g_strdup_printf("/proc/self/fd/%d", fd);
    if (vbFileReadAll(fdPath, 1024 * 1024, &log) < 0)
        ret = -1;
    close(fd);
    if (ret == 0 && (!strstr(log, "\"execute\":\"set_password\"") ||
                     !strstr(log, "\"password\":\"<hidden>\"") || strstr(log, "s3cret"))) {
        fprintf(stderr, "the debug log shows the password, or no set_password:\n%s", log);
        ret = -1;
    }
    return ret;
}

/* The capabilities probe relies on these paths; they must resolve in the
 * 7.2 schema as expected (and the one added in 9.0 must not). */
typedef struct {
    const char *path;
    bool present;
} testSchemaPathData;

static int
testSchemaPath(const void *opaque)
{
    const testSchemaPathData *data = opaque;

    if (vbQemuSchemaHasPath(vbTestQMPGetSchema(), data->path) != data->present) {
        fprintf(stderr, "path '%s' should be %s\n", data->path,
                data->present ? "present" : "absent");
        return -1;
    }
    return 0;
}

/* The validator itself must refuse what QEMU would refuse, or the cases
 * above prove nothing. */
static int
testSchemaRejects(const void *opaque)
{
    g_autoptr(vbJSONValue) cmd = vbJSONValueFromString(opaque);
    g_autofree char *error = NULL;

    if (!cmd)
        return -1;
    if (vbTestQMPValidateCommand(cmd, &error) == 0) {
        fprintf(stderr, "the schema check accepted it\n");
        return -1;
    }
    if (vbTestDebug())
        fprintf(stderr, "refused: %s\n", error);
    return 0;
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;
    static const testCase cases[] = {
        {"block-commit-active", "block-commit", false, testBlockCommitActive, false},
        {"block-commit-intermediate", "block-commit", false, testBlockCommitIntermediate, false},
        {"block-commit-no-auto-finalize", "block-commit", false, testBlockCommitNoFinalize, false},
        {"job-complete", "job-complete", false, testJobComplete, false},
        {"job-complete-not-ready", "job-complete", true, testJobCompleteNotReady, true},
        {"job-dismiss", "job-dismiss", false, testJobDismiss, false},
        {"job-finalize", "job-finalize", false, testJobFinalize, false},
        {"job-cancel", "job-cancel", false, testJobCancel, false},
        {"block-job-cancel", "block-job-cancel", false, testBlockJobCancel, false},
        {"block-job-cancel-force", "block-job-cancel", false, testBlockJobCancelForce, false},
        {"block-job-cancel-no-job", "block-job-cancel", true, testBlockJobCancelNoJob, true},
        {"block-job-set-speed", "block-job-set-speed", false, testBlockJobSetSpeed, false},
        {"block-job-set-speed-negative", NULL, false, testBlockJobSetSpeedNegative, true},
        {"query-jobs-running", "query-jobs", true, testQueryJobs, false},
        {"query-jobs-cancelled", "query-jobs", true, testQueryJobs, false},
        {"query-block-jobs", "query-block-jobs", true, testQueryBlockJobs, false},
        {"query-block-jobs-missing-speed", "query-block-jobs", true, testQueryBlockJobs, true},
        {"query-block-virtio", "query-block", true, testQueryBlockVirtio, false},
        {"query-block-scsi", "query-block", true, testQueryBlockScsi, false},
        {"query-block-empty", "query-block", true, testQueryBlockEmpty, false},
        {"query-block-no-device", "query-block", true, testQueryBlockNoDevice, true},
        {"query-named-block-nodes", "query-named-block-nodes", true, testQueryNamedBlockNodes,
         false},
        {"blockdev-add-file", "blockdev-add", false, testBlockdevAddFile, false},
        {"blockdev-add-qcow2", "blockdev-add", false, testBlockdevAddQcow2, false},
        {"blockdev-del", "blockdev-del", false, testBlockdevDel, false},
        {"blockdev-reopen", "blockdev-reopen", false, testBlockdevReopen, false},
        {"device_add", "device_add", false, testDeviceAdd, false},
        {"device_del", "device_del", false, testDeviceDel, false},
        {"qom-list-peripheral", "qom-list", true, testQomListPeripheral, false},
        {"qom-list-peripheral-no-type", "qom-list", true, testQomListPeripheral, true},
        {"transaction-bitmaps", "transaction", false, testTransactionBitmaps, false},
        {"transaction-blockdev-snapshot", "transaction", false, testTransactionSnapshot, false},
        {"block-dirty-bitmap-add", "block-dirty-bitmap-add", false, testBitmapAdd, false},
        {"block-dirty-bitmap-remove", "block-dirty-bitmap-remove", false, testBitmapRemove, false},
        {"block-dirty-bitmap-merge", "block-dirty-bitmap-merge", false, testBitmapMerge, false},
        {"cont", "cont", false, testCont, false},
        {"stop", "stop", false, testStop, false},
        {"system_powerdown", "system_powerdown", false, testSystemPowerdown, false},
        {"system_reset", "system_reset", false, testSystemReset, false},
        {"rtc-reset-reinjection", "rtc-reset-reinjection", false, testRTCResetReinjection, false},
        {"quit", "quit", false, testQuit, false},
        {"set_password", "set_password", false, testSetVNCPassword, false},
        {"expire_password", "expire_password", false, testExpireVNCPassword, false},
        {"query-status", "query-status", true, testQueryStatus, false},
        {"balloon", "balloon", false, testBalloon, false},
        {"query-balloon", "query-balloon", true, testQueryBalloon, false},
        {"qom-set-balloon-period", "qom-set", false, testBalloonStatsPeriod, false},
        {"qom-get-balloon-stats", "qom-get", true, testBalloonStats, false},
        {"set_link", "set_link", false, testSetLinkDown, false},
        {"netdev_add", "netdev_add", false, testNetdevAdd, false},
        {"netdev_del", "netdev_del", false, testNetdevDel, false},
        {"query-version", "query-version", true, testQueryVersion, false},
        {"query-machines", "query-machines", true, testQueryMachines, false},
        {"query-target", "query-target", true, testQueryTarget, false},
        {"query-chardev", "query-chardev", true, testQueryChardevPtys, false},
        {"human-monitor-command", "human-monitor-command", true, testHumanCommand, false},
        {"nbd-server-start", "nbd-server-start", false, testNBDServerStart, false},
        {"nbd-server-stop", "nbd-server-stop", false, testNBDServerStop, false},
        {"block-export-add", "block-export-add", false, testBlockExportAdd, false},
        {"block-export-del", "block-export-del", false, testBlockExportDel, false},
        {"block_set_io_throttle", "block_set_io_throttle", false, testBlockSetIoThrottle, false},
        {"query-block-io-throttle", "query-block", true, testQueryBlockIoThrottle, false},
        {"query-block-io-throttle-empty", "query-block", true, testQueryBlockIoThrottleEmpty, true},
        {"blockdev-open-tray", "blockdev-open-tray", false, testBlockdevOpenTray, false},
        {"blockdev-remove-medium", "blockdev-remove-medium", false, testBlockdevRemoveMedium,
         false},
        {"blockdev-insert-medium", "blockdev-insert-medium", false, testBlockdevInsertMedium,
         false},
        {"blockdev-close-tray", "blockdev-close-tray", false, testBlockdevCloseTray, false},
    };
    static const testSchemaPathData paths[] = {
        {"block-commit/arg-type/top-node", true},
        {"block-commit/arg-type/backing-file", true},
        {"block-commit/arg-type/backing-mask-protocol", false},
        {"transaction/arg-type/actions/+block-dirty-bitmap-merge", true},
        {"transaction/arg-type/actions/+block-dirty-bitmap-merge/data/bitmaps", true},
        {"transaction/arg-type/actions/+block-commit", false},
        {"query-jobs/ret-type/status/concluded", true},
        {"query-jobs/ret-type/status/finished", false},
        {"query-named-block-nodes/arg-type/flat", true},
        {"JOB_STATUS_CHANGE/arg-type/status/pending", true},
        {"block-job-change", false},
        {"block-commit/arg-type/top-node/extra", false},
    };

    static const char *rejected[] = {
        "{\"execute\":\"block-commit\",\"arguments\":{\"device\":\"a\",\"backing-mask-protocol\":"
        "true}}",
        "{\"execute\":\"block-commit\",\"arguments\":{\"job-id\":\"a\"}}",
        "{\"execute\":\"block-commit\",\"arguments\":{\"device\":\"a\",\"speed\":\"1\"}}",
        "{\"execute\":\"block-job-change\",\"arguments\":{\"id\":\"a\"}}",
        "{\"execute\":\"transaction\",\"arguments\":{\"actions\":[{\"type\":\"block-commit\","
        "\"data\":{}}]}}",
        "{\"execute\":\"transaction\",\"arguments\":{\"actions\":[{\"type\":"
        "\"block-dirty-bitmap-add\",\"data\":{\"node\":\"a\",\"name\":\"b\",\"bogus\":1}}]}}",
        "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"qcow2\",\"node-name\":\"a\","
        "\"file\":\"b\",\"backing\":1}}",
        "{\"execute\":\"query-jobs\",\"arguments\":{},\"id\":\"x\"}",
    };

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (vbTestRun(cases[i].name, testRunCase, &cases[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (strcmp(cases[i].name, "set_password") == 0 &&
            vbTestRun("set_password keeps the password out of the debug log", testPasswordNotLogged,
                      &cases[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(paths); i++) {
        g_autofree char *name = g_strdup_printf("schema path %s", paths[i].path);

        if (vbTestRun(name, testSchemaPath, &paths[i]) < 0)
            ret = -1;
    }

    for (i = 0; i < G_N_ELEMENTS(rejected); i++) {
        g_autofree char *name = g_strdup_printf("schema rejects %s", rejected[i]);

        if (vbTestRun(name, testSchemaRejects, rejected[i]) < 0)
            ret = -1;
    }

    return ret;
}

VB_TEST_MAIN(mymain)
