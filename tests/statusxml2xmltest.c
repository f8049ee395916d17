/*
 * statusxml2xmltest.c: status files read back and written again
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The status file is what a restarted daemon knows about a running QEMU and
 * its block jobs: whatever it loses, a job is lost with it.  For each case
 * NAME in statusxml2xmldata/:
 *   NAME.xml       input, read with vbDomainStatusParse into a fresh domain
 *   NAME.out.xml   what vbDomainStatusFormat writes for it; read again, it
 *                  must come out unchanged
 *   NAME.err       instead of NAME.out.xml: the exact error of a refusal
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vbblockjob.h"
#include "vbdomainobj.h"
#include "vbdomainstatus.h"
#include "vberror.h"
#include "vbxml.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

typedef struct {
    const char *name;
} testInfo;

static char *
testDataPath(const char *name, const char *suffix)
{
    g_autofree char *rel = g_strdup_printf("statusxml2xmldata/%s%s", name, suffix);

    return vbTestSrcPath(rel);
}

/* Parses @xml into a new domain and formats it; NULL on a refusal. */
static char *
testRoundTrip(const char *xml)
{
    vbDomainObj *vm = vbDomainObjNew(NULL);
    char *out = NULL;

    if (vbDomainStatusParse(vm, xml) == 0)
        out = vbDomainStatusFormat(vm);
    vbDomainObjUnref(vm);
    return out;
}

static int
testStatusXML2XML(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *inPath = testDataPath(info->name, ".xml");
    g_autofree char *outPath = testDataPath(info->name, ".out.xml");
    g_autofree char *errPath = testDataPath(info->name, ".err");
    g_autofree char *xml = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *again = NULL;

    if (!g_file_get_contents(inPath, &xml, NULL, NULL)) {
        fprintf(stderr, "cannot read %s\n", inPath);
        return -1;
    }

    actual = testRoundTrip(xml);
    if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
        g_autofree char *msg = NULL;

        if (actual) {
            fprintf(stderr, "%s was accepted, expected a refusal\n", info->name);
            return -1;
        }
        msg = g_strdup_printf("%s\n", vbGetLastErrorMessage());
        vbResetLastError();
        return vbTestCompareToFile(msg, errPath);
    }
    if (!actual) {
        fprintf(stderr, "%s: %s\n", info->name, vbGetLastErrorMessage());
        return -1;
    }
    if (vbTestCompareToFile(actual, outPath) < 0)
        return -1;

    /* a second restart must find the same state */
    if (!(again = testRoundTrip(actual))) {
        fprintf(stderr, "%s: output refused: %s\n", info->name, vbGetLastErrorMessage());
        return -1;
    }
    return vbTestCompareStrings(actual, again);
}

/* The parsed job carries what the completion needs, beyond the text. */
static int
testParsedJobData(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testDataPath("commit-failed-errmsg", ".xml");
    g_autofree char *xml = NULL;
    vbDomainObj *vm = vbDomainObjNew(NULL);
    vbBlockJob *job;
    int ret = -1;

    if (!g_file_get_contents(path, &xml, NULL, NULL) || vbDomainStatusParse(vm, xml) < 0)
        goto cleanup;
    if (!(job = vbBlockJobForDisk(vm, "vda"))) {
        fprintf(stderr, "no job registered for vda\n");
        goto cleanup;
    }
    if (job->type != VB_BLOCK_JOB_TYPE_COMMIT || job->state != VB_BLOCK_JOB_STATE_CONCLUDED ||
        job->newstate != VB_BLOCK_JOB_STATE_FAILED ||
        g_strcmp0(job->data.commit.topParent, "libvirt-4-format") != 0 ||
        g_strcmp0(job->data.commit.backingFile, "../imgs/a&b <base>.qcow2") != 0 ||
        g_strcmp0(job->errmsg,
                  "Could not write to 'vm1-snap1.qcow2': No space left on device <ENOSPC> & "
                  "\"more\"") != 0 ||
        job->data.commit.deleteImages) {
        fprintf(stderr, "job data differs: type=%d state=%d newstate=%d errmsg=%s\n", job->type,
                job->state, job->newstate, NULLSTR(job->errmsg));
        goto cleanup;
    }
    if (vm->pid != 4242 || vm->id != 7 || vm->nodenameIndex != 4 ||
        vm->state != VIR_DOMAIN_RUNNING ||
        g_strcmp0(vm->monitorPath, "/run/virtblockd/qemu/vm1.monitor") != 0) {
        fprintf(stderr, "domain data differs\n");
        goto cleanup;
    }
    ret = 0;

cleanup:
    if (ret < 0 && vbGetLastErrorMessage())
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
    vbDomainObjUnref(vm);
    return ret;
}

/*
 * A definition at every limit a client's document may reach, once the
 * daemon has written its status file (one level deeper, with what it
 * added), is read back: a refusal there loses a running domain when the
 * daemon restarts.
 */
static int
testClientLimits(const void *opaque G_GNUC_UNUSED)
{
    GString *xml = g_string_new("<domain type='qemu'>\n"
                                "  <name>limits</name>\n"
                                "  <memory unit='KiB'>65536</memory>\n"
                                "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
                                "  <metadata>\n"
                                "    <app:x xmlns:app='http://example.org/app'");
    g_autofree char *text = NULL;
    g_autofree char *status = NULL;
    vbDomainObj *vm = vbDomainObjNew(NULL);
    vbDomainObj *again = vbDomainObjNew(NULL);
    unsigned int i;
    int ret = -1;

    /* the root, <metadata> and <app:x> are three levels */
    for (i = 1; i < VB_XML_MAX_ATTRIBUTES; i++)
        g_string_append_printf(xml, " app:a%u=''", i);
    g_string_append(xml, ">");
    for (i = 2; i < VB_XML_MAX_DEPTH; i++)
        g_string_append(xml, "<l>");
    for (i = 2; i < VB_XML_MAX_DEPTH; i++)
        g_string_append(xml, "</l>");
    g_string_append(xml, "</app:x>\n  </metadata>\n</domain>\n");
    text = g_string_free(xml, false);

    if (!(vm->def = vbDomainDefParseString(text, 0)))
        goto cleanup;
    vm->state = VIR_DOMAIN_RUNNING;
    vm->reason = VIR_DOMAIN_RUNNING_BOOTED;
    vm->pid = 4242;
    vm->id = 1;
    if (!(status = vbDomainStatusFormat(vm)) || vbDomainStatusParse(again, status) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    if (ret < 0 && vbGetLastErrorMessage())
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
    vbDomainObjUnref(vm);
    vbDomainObjUnref(again);
    return ret;
}

static int
mymain(void)
{
    static const testInfo cases[] = {
        {"running-no-jobs"},
        /* the balloon size, the channel socket the daemon named, aliases */
        {"running-misc-devices"},
        {"paused-shutdown-persistent"},
        /* the firmware chosen at start, which a validation would refuse */
        {"running-uefi-autoselected"},
        /* whom the files of the running QEMU were given to */
        {"running-dac-labelled"},
        /* a quiesced snapshot's freeze not yet thawed: the reconnect thaws */
        {"running-quiesced"},
        {"active-commit-running"},
        {"active-commit-ready"},
        {"active-commit-pivoting"},
        /* a snapshot deletion's job, done and waiting for job-finalize */
        {"active-commit-pending"},
        {"commit-topparent-delete"},
        {"commit-failed-errmsg"},
        /* kept: the reconnect finds it invalid and cancels it in QEMU */
        {"job-unknown-disk"},
        /* refused */
        {"malformed-not-xml"},
        {"malformed-root"},
        {"malformed-state"},
        {"malformed-no-pid"},
        {"malformed-pid-garbage"},
        {"malformed-nodeindex"},
        {"malformed-no-domain"},
        {"malformed-domain"},
        {"malformed-job-type"},
        {"malformed-job-state"},
        {"malformed-job-no-disk"},
        {"malformed-job-twice"},
        {"malformed-job-newstate"},
        {"malformed-job-flags"},
        {"malformed-job-autofinalize"},
        {"malformed-dac"},
    };
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *label = g_strdup_printf("status xml %s", cases[i].name);

        if (vbTestRun(label, testStatusXML2XML, &cases[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("parsed job data", testParsedJobData, NULL) < 0)
        ret = -1;
    if (vbTestRun("a client's document at the limits survives the status file", testClientLimits,
                  NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
