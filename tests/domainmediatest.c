/*
 * domainmediatest.c: `virsh change-media` against a scripted QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real driver (vbDriverNew on a temporary root) runs the domain of
 * domainmediadata/vm1.xml: a loaded cdrom sda (libvirt-1), an empty cdrom
 * sdb with <iotune>, a disk sdc (libvirt-2).  virDomainUpdateDeviceFlags
 * gets the disk XML virsh sends; the fake QMP server expects the commands
 * libvirt 9.0 sends (checked against QEMU 7.2's schema), and each case
 * compares the commands' JSON, the live <disk> afterwards, and the error
 * of a refusal.  The image files are real (empty raw files): the new
 * medium's header is read.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vbdomainhotplug.h"
#include "vbdomainops.h"
#include "vbdriver.h"
#include "vberror.h"
#include "vbmonitor.h"
#include "qemumonitortestutils.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define TEST_OK "{\"return\": {}, \"id\": \"@ID@\"}\r\n"
#define TEST_NO_TRAY \
    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Tray of device 'sata0-0-1' is not " \
    "open\"}, \"id\": \"@ID@\"}\r\n"

typedef struct {
    const char *name;
    const char *xml; /* the disk virsh sends; "@DIR@" is the image directory */
    unsigned int flags;
    /* QMP: "command" answered with success, or "!command" with an error;
     * the tray commands move the tray of @tray (event, then reply), but a
     * "~blockdev-open-tray" does not (a guest holds it) */
    const char *script[10];
    /* the commands' JSON, '@DIR@' for the directory, NULL-terminated */
    const char *expect[10];
    /* the live definition afterwards contains this ("!...": does not) */
    const char *contains;
    const char *error; /* NULL: success expected */
    const char *tray;  /* the qdev id whose tray the script moves */
} testCase;

/* As the DEVICE_TRAY_MOVED handler of the process code, whose callbacks
 * are private to it: the tray's state, and a wake-up for the waiter. */
static void
testMonitorEvent(vbMonitor *mon, const char *name, vbJSONValue *data,
                 long long seconds G_GNUC_UNUSED, unsigned int micros G_GNUC_UNUSED, void *opaque)
{
    vbDomainObj *vm = opaque;
    const char *id = vbJSONValueObjectGetString(data, "id");
    bool open = false;
    size_t i;

    if (strcmp(name, "DEVICE_TRAY_MOVED") != 0 || !id ||
        vbJSONValueObjectGetBoolean(data, "tray-open", &open) < 0)
        return;
    vbDomainObjLock(vm);
    for (i = 0; vm->mon == mon && i < vm->def->ndisks; i++) {
        if (g_strcmp0(vm->def->disks[i]->info.alias, id) == 0)
            vm->def->disks[i]->trayOpen = open;
    }
    vbDomainObjBroadcast(vm);
    vbDomainObjUnlock(vm);
}

static const vbMonitorCallbacks testMonitorCallbacks = {
    .event = testMonitorEvent,
};

/* QEMU's answer to blockdev-open-tray or -close-tray of @id: the event
 * first, as QEMU sends it when the tray moves */
static char *
testTrayReply(const char *id, bool open)
{
    return g_strdup_printf("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 1}, "
                           "\"event\": \"DEVICE_TRAY_MOVED\", \"data\": {\"device\": \"\", "
                           "\"tray-open\": %s, \"id\": \"%s\"}}\r\n" TEST_OK,
                           open ? "true" : "false", id);
}

static char *
testSubst(const char *str, const char *dir)
{
    g_auto(GStrv) parts = g_strsplit(str, "@DIR@", -1);

    return g_strjoinv(dir, parts);
}

static int
testMedia(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *xmlPath = vbTestSrcPath("domainmediadata/vm1.xml");
    g_autofree char *tmpdir = vbTestMakeTempDir();
    g_autofree char *raw = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *diskXML = NULL;
    g_autoptr(vbTestQMP) qmp = vbTestQMPNew();
    g_autoptr(vbDriverConfig) cfg = vbDriverConfigNew(false, tmpdir);
    g_autoptr(vbDomainDef) def = NULL;
    g_autoptr(vbDomainHandle) dom = NULL;
    GMainContext *mainCtx = g_main_context_new();
    static const char *const files[] = {"old.iso", "new.iso", "disk.img"};
    vbDriver *driver = NULL;
    vbDomainObj *vm = NULL;
    vbMonitor *mon;
    int ret = -1;
    int rc;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *path = g_build_filename(tmpdir, files[i], NULL);

        if (!g_file_set_contents(path, "", 0, NULL))
            goto cleanup;
    }

    vbTestQMPAddGreeting(qmp);
    for (i = 0; tc->script[i]; i++) {
        const char *cmd = tc->script[i];
        g_autofree char *reply = NULL;

        if (cmd[0] == '!') {
            vbTestQMPAddCommand(qmp, cmd + 1, TEST_NO_TRAY, false);
            continue;
        }
        if (cmd[0] == '~')
            cmd++;
        else if (strcmp(cmd, "blockdev-open-tray") == 0 || strcmp(cmd, "blockdev-close-tray") == 0)
            reply = testTrayReply(tc->tray, strcmp(cmd, "blockdev-open-tray") == 0);
        vbTestQMPAddCommand(qmp, cmd, reply ? reply : TEST_OK, false);
    }

    if (!(driver = vbDriverNew(cfg, mainCtx)))
        goto cleanup;
    g_steal_pointer(&cfg);

    if (!g_file_get_contents(xmlPath, &raw, NULL, NULL))
        goto cleanup;
    xml = testSubst(raw, tmpdir);
    if (!(def = vbDomainDefParseString(xml, VB_DOMAIN_DEF_PARSE_STATUS)))
        goto cleanup;
    if (!(vm = vbDomainObjListAdd(driver->domains, driver, &def, 0, NULL)))
        goto cleanup;
    vm->id = 7;
    vm->pid = 0;
    vm->nodenameIndex = 2;
    vbDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    vbDomainObjUnlock(vm);
    if (!(mon = vbMonitorOpenFD(vbTestQMPStart(qmp), driver->monitorCtx, &testMonitorCallbacks,
                                vbDomainObjRef(vm)))) {
        vbDomainObjUnref(vm);
        goto cleanup;
    }
    vbDomainObjLock(vm);
    vm->mon = mon;
    vbDomainObjUnlock(vm);

    if (!(dom = vbDomainLookupByName(driver, "vm1")))
        goto cleanup;
    diskXML = testSubst(tc->xml, tmpdir);
    rc = vbDomainUpdateDeviceFlags(driver, dom, diskXML, tc->flags);
    if (tc->error) {
        if (rc == 0 || !strstr(vbGetLastErrorMessage(), tc->error)) {
            fprintf(stderr, "expected error '%s', got %d '%s'\n", tc->error, rc,
                    vbGetLastErrorMessage());
            goto cleanup;
        }
    } else if (rc < 0) {
        fprintf(stderr, "failed: %s\n", vbGetLastErrorMessage());
        goto cleanup;
    }

    for (i = 0; tc->expect[i] || i + 1 < vbTestQMPCommandCount(qmp); i++) {
        vbJSONValue *cmd = vbTestQMPGetCommand(qmp, i + 1);
        g_autofree char *got = cmd ? vbJSONValueToString(cmd, false) : NULL;
        g_autofree char *want = tc->expect[i] ? testSubst(tc->expect[i], tmpdir) : NULL;

        if (g_strcmp0(got, want) != 0) {
            fprintf(stderr, "command %zu:\n  expected %s\n  got      %s\n", i + 1, NULLSTR(want),
                    NULLSTR(got));
            goto cleanup;
        }
        if (!want)
            break;
    }

    if (tc->contains) {
        bool absent = tc->contains[0] == '!';
        g_autofree char *want = testSubst(tc->contains + absent, tmpdir);
        g_autofree char *got = NULL;

        vbDomainObjLock(vm);
        got = vbDomainDefFormat(vm->def, VB_DOMAIN_DEF_FORMAT_STATUS);
        vbDomainObjUnlock(vm);
        if (!got || !strstr(got, want) != absent) {
            fprintf(stderr, "the live definition %s '%s':\n%s", absent ? "has" : "lacks", want,
                    NULLSTR(got));
            goto cleanup;
        }
    }
    ret = 0;

cleanup:
    if (vm)
        vbDomainObjUnref(vm);
    vbDriverFree(driver);
    if (vbTestQMPFinish(qmp) < 0)
        ret = -1;
    vbTestCleanupDir(tmpdir);
    g_main_context_unref(mainCtx);
    return ret;
}

#define CDROM(dev, src) \
    "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>" src "<target dev='" dev \
    "' bus='sata'/><readonly/></disk>"

#define OPEN(id) "{\"execute\":\"blockdev-open-tray\",\"arguments\":{\"id\":\"" id "\"}}"
#define OPEN_FORCE(id) \
    "{\"execute\":\"blockdev-open-tray\",\"arguments\":{\"id\":\"" id "\",\"force\":true}}"
#define REMOVE(id) "{\"execute\":\"blockdev-remove-medium\",\"arguments\":{\"id\":\"" id "\"}}"
#define DEL(node) "{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":\"" node "\"}}"
#define ADD_STORAGE(n, file) \
    "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"file\",\"filename\":\"@DIR@/" file \
    "\",\"node-name\":\"libvirt-" n "-storage\",\"auto-read-only\":true,\"discard\":\"unmap\"}}"
#define ADD_FORMAT(n) \
    "{\"execute\":\"blockdev-add\",\"arguments\":{\"node-name\":\"libvirt-" n \
    "-format\",\"read-only\":true,\"driver\":\"raw\",\"file\":\"libvirt-" n "-storage\"}}"
#define INSERT(id, n) \
    "{\"execute\":\"blockdev-insert-medium\",\"arguments\":{\"id\":\"" id \
    "\",\"node-name\":\"libvirt-" n "-format\"}}"
#define CLOSE(id) "{\"execute\":\"blockdev-close-tray\",\"arguments\":{\"id\":\"" id "\"}}"

static int
mymain(void)
{
    static const testCase cases[] = {
        {"eject",
         CDROM("sda", ""),
         VIR_DOMAIN_AFFECT_LIVE,
         {"blockdev-open-tray", "blockdev-remove-medium", "blockdev-del", "blockdev-del",
          "blockdev-close-tray", NULL},
         {OPEN("sata0-0-0"), REMOVE("sata0-0-0"), DEL("libvirt-1-format"), DEL("libvirt-1-storage"),
          CLOSE("sata0-0-0"), NULL},
         "!old.iso",
         NULL,
         "sata0-0-0"},
        {"insert into the empty drive, with its iotune",
         CDROM("sdb", "<source file='@DIR@/new.iso'/>"),
         0,
         {"blockdev-open-tray", "blockdev-remove-medium", "blockdev-add", "blockdev-add",
          "blockdev-insert-medium", "block_set_io_throttle", "blockdev-close-tray", NULL},
         {OPEN("sata0-0-1"), REMOVE("sata0-0-1"), ADD_STORAGE("3", "new.iso"), ADD_FORMAT("3"),
          INSERT("sata0-0-1", "3"),
          "{\"execute\":\"block_set_io_throttle\",\"arguments\":{\"id\":\"sata0-0-1\",\"bps\":0,"
          "\"bps_rd\":0,\"bps_wr\":0,\"iops\":50,\"iops_rd\":0,\"iops_wr\":0,\"bps_max\":0,"
          "\"bps_rd_max\":0,\"bps_wr_max\":0,\"iops_max\":0,\"iops_rd_max\":0,\"iops_wr_max\":0,"
          "\"iops_size\":0}}",
          CLOSE("sata0-0-1"), NULL},
         "<source file='@DIR@/new.iso' index='3'>",
         NULL,
         "sata0-0-1"},
        {"update with force",
         CDROM("sda", "<source file='@DIR@/new.iso'/>"),
         VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_DEVICE_MODIFY_FORCE,
         {"blockdev-open-tray", "blockdev-remove-medium", "blockdev-del", "blockdev-del",
          "blockdev-add", "blockdev-add", "blockdev-insert-medium", "blockdev-close-tray", NULL},
         {OPEN_FORCE("sata0-0-0"), REMOVE("sata0-0-0"), DEL("libvirt-1-format"),
          DEL("libvirt-1-storage"), ADD_STORAGE("3", "new.iso"), ADD_FORMAT("3"),
          INSERT("sata0-0-0", "3"), CLOSE("sata0-0-0"), NULL},
         "<source file='@DIR@/new.iso' index='3'>",
         NULL,
         "sata0-0-0"},
        {"insert refused: the new nodes go again",
         CDROM("sdb", "<source file='@DIR@/new.iso'/>"),
         VIR_DOMAIN_AFFECT_LIVE,
         {"blockdev-open-tray", "blockdev-remove-medium", "blockdev-add", "blockdev-add",
          "!blockdev-insert-medium", "blockdev-del", "blockdev-del", NULL},
         {OPEN("sata0-0-1"), REMOVE("sata0-0-1"), ADD_STORAGE("3", "new.iso"), ADD_FORMAT("3"),
          INSERT("sata0-0-1", "3"), DEL("libvirt-3-format"), DEL("libvirt-3-storage"), NULL},
         "!new.iso",
         "Tray of device 'sata0-0-1' is not open",
         "sata0-0-1"},
        {"the guest holds the tray: 5 s, then libvirt's error",
         CDROM("sdb", "<source file='@DIR@/new.iso'/>"),
         VIR_DOMAIN_AFFECT_LIVE,
         {"~blockdev-open-tray", NULL},
         {OPEN("sata0-0-1"), NULL},
         "!new.iso",
         "timed out waiting to open tray of 'sdb'"},
        {"the same medium: nothing sent",
         CDROM("sda", "<source file='@DIR@/old.iso'/>"),
         VIR_DOMAIN_AFFECT_LIVE,
         {NULL},
         {NULL},
         "<source file='@DIR@/old.iso' index='1'>",
         NULL},
        {"a disk's source cannot change",
         "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
         "<source file='@DIR@/new.iso'/><target dev='sdc' bus='sata'/></disk>",
         VIR_DOMAIN_AFFECT_LIVE,
         {NULL},
         {NULL},
         "!new.iso",
         "disk source can be changed only in removable drives"},
        {"unknown target",
         CDROM("sdd", ""),
         VIR_DOMAIN_AFFECT_LIVE,
         {NULL},
         {NULL},
         NULL,
         "disk 'sdd' not found"},
        {"the device cannot change",
         "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
         "<source file='@DIR@/new.iso'/><target dev='sda' bus='sata'/></disk>",
         VIR_DOMAIN_AFFECT_LIVE,
         {NULL},
         {NULL},
         "old.iso",
         "cannot modify field 'device'"},
        {"no such image",
         CDROM("sda", "<source file='@DIR@/none.iso'/>"),
         VIR_DOMAIN_AFFECT_LIVE,
         {NULL},
         {NULL},
         "old.iso",
         "none.iso"},
        {"config of a transient domain",
         CDROM("sda", ""),
         VIR_DOMAIN_AFFECT_CONFIG,
         {NULL},
         {NULL},
         "old.iso",
         "transient domains do not have any persistent config"},
        {"not a disk",
         "<controller type='sata' index='1'/>",
         VIR_DOMAIN_AFFECT_LIVE,
         {NULL},
         {NULL},
         NULL,
         "live update of device 'controller' is not supported"},
    };
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (vbTestRun(cases[i].name, testMedia, &cases[i]) < 0)
            ret = -1;
    }
    return ret;
}

VB_TEST_MAIN(mymain)
