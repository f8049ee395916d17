/*
 * domainabitest.c: the ABI stability check (snapshot REDEFINE) names the
 * first difference a guest would see, in libvirt 9.0's words
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each case edits domainabidata/base.xml (one text replaced by another),
 * parses both as a definition is parsed, and compares the error of
 * vbDomainDefCheckABIStability(base, edited) with domainabidata/NAME.err;
 * a case without an expected error must pass the check.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vbdomainabi.h"
#include "vbdomainconf.h"
#include "vberror.h"
#include "testutils.h"

typedef struct {
    const char *name;
    const char *find;    /* in base.xml, exactly once */
    const char *replace; /* what the target definition has instead */
    bool stable;         /* the check passes */
} testCase;

static const testCase cases[] = {
    {"same", "<domain type='qemu'>", "<domain type='qemu'>", true},
    /* what no guest sees */
    {"disk-source", "/var/lib/images/guest.qcow2", "/var/lib/images/other.qcow2", true},
    {"watchdog-action", "action='poweroff'", "action='reset'", true},
    {"rng-backend", "/dev/urandom", "/dev/random", true},

    {"disk-serial", "<target dev='vda' bus='virtio'/>",
     "<target dev='vda' bus='virtio'/>\n      <serial>abc</serial>", false},
    {"disk-readonly", "<target dev='vda' bus='virtio'/>",
     "<target dev='vda' bus='virtio'/>\n      <readonly/>", false},
    {"disk-pci-address", "bus='0x03' slot='0x00'", "bus='0x03' slot='0x01'", false},
    {"controller-count", "    <interface type='ethernet'>\n",
     "    <controller type='scsi' index='0' model='virtio-scsi'/>\n"
     "    <interface type='ethernet'>\n",
     false},
    {"controller-model", "model='qemu-xhci'", "model='nec-xhci'", false},
    {"controller-ports", "index='0' ports='16'", "index='0' ports='8'", false},
    {"controller-address", "bus='0x02' slot='0x00'", "bus='0x06' slot='0x00'", false},
    {"net-address", "bus='0x04' slot='0x00'", "bus='0x04' slot='0x02'", false},
    {"input-type", "<input type='tablet' bus='usb'/>", "<input type='mouse' bus='usb'/>", false},
    {"input-count", "<input type='tablet' bus='usb'/>",
     "<input type='tablet' bus='usb'/>\n    <input type='keyboard' bus='usb'/>", false},
    {"video-model", "<model type='virtio' heads='1'/>", "<model type='vga' heads='1'/>", false},
    {"video-heads", "<model type='virtio' heads='1'/>", "<model type='virtio' heads='2'/>", false},
    {"video-count",
     "    <video>\n"
     "      <model type='virtio' heads='1'/>\n"
     "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
     "    </video>\n",
     "    <video>\n"
     "      <model type='virtio' heads='1'/>\n"
     "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
     "    </video>\n"
     "    <video>\n"
     "      <model type='virtio' heads='1'/>\n"
     "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
     "    </video>\n",
     false},
    {"serial-port", "<target type='isa-serial' port='0'/>", "<target type='isa-serial' port='1'/>",
     false},
    {"serial-count", "    <serial type='pty'>\n      <target type='isa-serial' port='0'/>\n",
     "    <serial type='pty'>\n      <target type='isa-serial' port='0'/>\n    </serial>\n"
     "    <serial type='pty'>\n      <target type='isa-serial' port='1'/>\n",
     false},
    {"console-virtio", "<target type='serial' port='0'/>", "<target type='virtio' port='0'/>",
     false},
    {"channel-name", "name='org.qemu.guest_agent.0'", "name='org.example.other'", false},
    {"channel-address", "bus='0' port='1'", "bus='0' port='2'", false},
    {"watchdog-model", "<watchdog model='i6300esb'", "<watchdog model='ib700'", false},
    {"watchdog-count", "    <watchdog model='i6300esb' action='poweroff'/>\n", "", false},
    {"memballoon-model",
     "    <memballoon model='virtio'>\n"
     "      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
     "    </memballoon>\n",
     "    <memballoon model='none'/>\n", false},
    {"memballoon-autodeflate", "<memballoon model='virtio'>",
     "<memballoon model='virtio' autodeflate='on'>", false},
    {"memballoon-free-page-reporting", "<memballoon model='virtio'>",
     "<memballoon model='virtio' freePageReporting='on'>", false},
    {"rng-count",
     "    <rng model='virtio'>\n"
     "      <backend model='random'>/dev/urandom</backend>\n"
     "    </rng>\n",
     "", false},
    {"panic-count", "    <panic model='isa'/>\n", "", false},
};

static char *
testReplace(const char *base, const testCase *tc)
{
    const char *at = strstr(base, tc->find);

    if (!at || strstr(at + 1, tc->find)) {
        fprintf(stderr, "'%s' is not in base.xml exactly once\n", tc->find);
        return NULL;
    }
    return g_strdup_printf("%.*s%s%s", (int) (at - base), base, tc->replace, at + strlen(tc->find));
}

static int
testCheck(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *basePath = vbTestSrcPath("domainabidata/base.xml");
    g_autofree char *errRel = NULL;
    g_autofree char *errPath = NULL;
    g_autofree char *base = NULL;
    g_autofree char *edited = NULL;
    g_autoptr(vbDomainDef) src = NULL;
    g_autoptr(vbDomainDef) dst = NULL;
    g_autofree char *actual = NULL;
    int rc;

    if (!g_file_get_contents(basePath, &base, NULL, NULL) || !(edited = testReplace(base, tc)))
        return -1;
    if (!(src = vbDomainDefParseString(base, 0)) || !(dst = vbDomainDefParseString(edited, 0))) {
        fprintf(stderr, "cannot parse: %s\n", vbGetLastErrorMessage());
        return -1;
    }
    rc = vbDomainDefCheckABIStability(src, dst);
    if (tc->stable) {
        if (rc == 0)
            return 0;
        fprintf(stderr, "unexpected error: %s\n", vbGetLastErrorMessage());
        return -1;
    }
    if (rc == 0) {
        fprintf(stderr, "the check passed\n");
        return -1;
    }
    if (vbGetLastErrorCode() != VIR_ERR_CONFIG_UNSUPPORTED) {
        fprintf(stderr, "error code %d, not CONFIG_UNSUPPORTED\n", vbGetLastErrorCode());
        return -1;
    }
    actual = g_strdup_printf("%s\n", vbGetLastErrorMessage());
    vbResetLastError();
    errRel = g_strdup_printf("domainabidata/%s.err", tc->name);
    errPath = vbTestSrcPath(errRel);
    return vbTestCompareToFile(actual, errPath);
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (vbTestRun(cases[i].name, testCheck, &cases[i]) < 0)
            ret = -1;
    }
    return ret;
}

VB_TEST_MAIN(mymain)
