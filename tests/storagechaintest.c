/*
 * storagechaintest.c: probing real chains, lookups, relative names, indexes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdarg.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbqcow2.h"
#include "vbstoragechain.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

static char *qemuImg;
static char *dir; /* the test's temporary directory */

/* ---- helpers ---------------------------------------------------------- */

static int G_GNUC_NULL_TERMINATED
testQemuImg(const char *first, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *errout = NULL;
    const char *arg;
    va_list ap;
    int status = 0;

    g_ptr_array_add(argv, qemuImg);
    va_start(ap, first);
    for (arg = first; arg; arg = va_arg(ap, const char *))
        g_ptr_array_add(argv, (char *) arg);
    va_end(ap);
    g_ptr_array_add(argv, NULL);

    if (!g_spawn_sync(dir, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &errout, &status, &err) ||
        !g_spawn_check_wait_status(status, NULL)) {
        fprintf(stderr, "qemu-img failed: %s\n", err ? err->message : errout);
        return -1;
    }
    return 0;
}

static char *
testPath(const char *rel)
{
    return g_build_filename(dir, rel, NULL);
}

static int
testWriteRaw(const char *rel, size_t size)
{
    g_autofree char *path = testPath(rel);
    g_autofree char *data = g_malloc0(size);

    return g_file_set_contents(path, data, size, NULL) ? 0 : -1;
}

/* qcow2 image @rel (paths relative to the test directory) with backing
 * name @backing written as given, and backing format @fmt (NULL: none
 * recorded; qemu-img 7.2 insists on one, so the extension is renamed
 * afterwards into one every reader skips). */
static int
testMakeQcow2(const char *rel, const char *backing, const char *fmt)
{
    g_autofree char *path = testPath(rel);

    if (!backing)
        return testQemuImg("create", "-q", "-f", "qcow2", "-o", "cluster_size=512", path, "1M",
                           NULL);
    if (testQemuImg("create", "-q", "-f", "qcow2", "-o", "cluster_size=512", "-u", "-b", backing,
                    "-F", fmt ? fmt : "raw", path, "1M", NULL) < 0)
        return -1;
    if (!fmt) {
        g_autofree char *data = NULL;
        gsize len = 0;
        size_t off;

        if (!g_file_get_contents(path, &data, &len, NULL))
            return -1;
        for (off = 104; off + 8 <= len; off += 8) {
            if (memcmp(data + off, "\xe2\x79\x2a\xca", 4) == 0) {
                memcpy(data + off, "\x7e\x57\x00\x01", 4);
                return g_file_set_contents(path, data, len, NULL) ? 0 : -1;
            }
        }
        fprintf(stderr, "no backing format extension in '%s'\n", path);
        return -1;
    }
    return 0;
}

static int
testRebase(const char *rel, const char *backing, const char *fmt)
{
    g_autofree char *path = testPath(rel);

    return testQemuImg("rebase", "-u", "-b", backing, "-F", fmt, path, NULL);
}

/* @s with the test directory replaced by "DIR" */
static char *
testHideDir(const char *s)
{
    g_auto(GStrv) parts = g_strsplit(s, dir, -1);

    return g_strjoinv("DIR", parts);
}

static char *
testFormatChain(const vbStorageSource *top)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *text = NULL;
    const vbStorageSource *n;

    for (n = top; n; n = n->backingStore) {
        if (n->type == VB_STORAGE_TYPE_NONE) {
            g_string_append_printf(out, "end%s\n", n->detected ? " (detected)" : "");
            continue;
        }
        g_string_append_printf(
            out, "%s rel=%s %s %s cap=%llu%s%s\n", n->path, n->relPath ? n->relPath : "-",
            vbStorageFormatTypeToString(n->format), vbStorageTypeTypeToString(n->type), n->capacity,
            n->readonly ? " ro" : "", n->detected ? " detected" : "");
    }
    text = g_string_free(g_steal_pointer(&out), FALSE);
    return testHideDir(text);
}

static vbStorageSource *
testNewTop(const char *rel, vbStorageFormat format)
{
    vbStorageSource *src = vbStorageSourceNew();

    src->type = VB_STORAGE_TYPE_FILE;
    src->format = format;
    src->path = testPath(rel);
    return src;
}

/* the Nth image of @chain, 1 being the top */
static vbStorageSource *
testNth(vbStorageSource *chain, int n)
{
    while (n-- > 1 && chain)
        chain = chain->backingStore;
    return chain;
}

/* ---- probing ---------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *top; /* relative to the test directory */
    vbStorageFormat format;
    unsigned int maxDepth; /* 0: VB_STORAGE_CHAIN_MAX_DEPTH */
    const char *expChain;  /* NULL: must fail */
    int expCode;
    const char *expError; /* DIR for the test directory */
} testProbeData;

static int
testProbe(const void *opaque)
{
    const testProbeData *data = opaque;
    g_autoptr(vbStorageSource) top = testNewTop(data->top, data->format);
    unsigned int maxDepth = data->maxDepth ? data->maxDepth : VB_STORAGE_CHAIN_MAX_DEPTH;
    g_autofree char *actual = NULL;
    int rc;

    vbResetLastError();
    rc = vbStorageChainProbe(top, maxDepth);
    if (!data->expChain) {
        g_autofree char *msg = NULL;

        if (rc != -1 || top->backingStore) {
            fprintf(stderr, "probe should have failed and attached nothing\n");
            return -1;
        }
        if (vbGetLastErrorCode() != data->expCode) {
            fprintf(stderr, "code %d, expected %d: %s\n", vbGetLastErrorCode(), data->expCode,
                    vbGetLastErrorMessage());
            return -1;
        }
        msg = testHideDir(vbGetLastErrorMessage());
        return vbTestCompareStrings(data->expError, msg);
    }
    if (rc != 0) {
        fprintf(stderr, "probe failed: %s\n", vbGetLastErrorMessage());
        return -1;
    }
    actual = testFormatChain(top);
    return vbTestCompareStrings(data->expChain, actual);
}

#define CAP "cap=1048576"

static const testProbeData probeCases[] = {
    {"raw top", "raw/base.raw", VB_STORAGE_FORMAT_RAW, 0,
     "DIR/raw/base.raw rel=- raw file cap=4096\nend\n"},
    {"top without format is raw, never probed", "abs/top.qcow2", VB_STORAGE_FORMAT_NONE, 0,
     "DIR/abs/top.qcow2 rel=- raw file cap=1792\nend\n"},
    {"absolute backing names", "abs/top.qcow2", VB_STORAGE_FORMAT_QCOW2, 0,
     "DIR/abs/top.qcow2 rel=- qcow2 file " CAP "\n"
     "DIR/abs/mid.qcow2 rel=DIR/abs/mid.qcow2 qcow2 file " CAP " ro detected\n"
     "DIR/raw/base.raw rel=DIR/raw/base.raw raw file cap=4096 ro detected\n"
     "end\n"},
    {"relative backing names across directories", "rel/a/top.qcow2", VB_STORAGE_FORMAT_QCOW2, 0,
     "DIR/rel/a/top.qcow2 rel=- qcow2 file " CAP "\n"
     "DIR/rel/a/../dir/x rel=../dir/x qcow2 file " CAP " ro detected\n"
     "DIR/rel/a/../dir/base.raw rel=base.raw raw file cap=512 ro detected\n"
     "end\n"},
    {"unrecorded format of a qcow2 without backing", "nofmt/top-q.qcow2", VB_STORAGE_FORMAT_QCOW2,
     0,
     "DIR/nofmt/top-q.qcow2 rel=- qcow2 file " CAP "\n"
     "DIR/nofmt/base.qcow2 rel=base.qcow2 qcow2 file " CAP " ro detected\n"
     "end\n"},
    {"unrecorded format of a raw image", "nofmt/top-r.qcow2", VB_STORAGE_FORMAT_QCOW2, 0,
     "DIR/nofmt/top-r.qcow2 rel=- qcow2 file " CAP "\n"
     "DIR/nofmt/base.raw rel=base.raw raw file cap=1024 ro detected\n"
     "end\n"},
    {"unrecorded format of a qcow2 with backing", "nofmt/top-m.qcow2", VB_STORAGE_FORMAT_QCOW2, 0,
     NULL, VIR_ERR_OPERATION_INVALID,
     "Requested operation is not valid: format of backing image 'mid.qcow2' of image "
     "'DIR/nofmt/top-m.qcow2' was not specified in the image metadata (See "
     "https://libvirt.org/kbase/backing_chains.html for troubleshooting)"},
    {"missing top", "nothere.qcow2", VB_STORAGE_FORMAT_QCOW2, 0, NULL, VIR_ERR_SYSTEM_ERROR,
     "Cannot access storage file 'DIR/nothere.qcow2': No such file or directory"},
    {"missing backing file", "missing/top.qcow2", VB_STORAGE_FORMAT_QCOW2, 0, NULL,
     VIR_ERR_SYSTEM_ERROR,
     "Cannot access backing file 'DIR/missing/gone.qcow2' of storage file "
     "'DIR/missing/top.qcow2': No such file or directory"},
    {"two images in a loop", "loop/a.qcow2", VB_STORAGE_FORMAT_QCOW2, 0, NULL,
     VIR_ERR_OPERATION_INVALID,
     "Requested operation is not valid: backing chain of 'DIR/loop/a.qcow2' is a loop: image "
     "'DIR/loop/./a.qcow2' appears in it twice"},
    {"image backed by itself", "loop/self.qcow2", VB_STORAGE_FORMAT_QCOW2, 0, NULL,
     VIR_ERR_OPERATION_INVALID,
     "Requested operation is not valid: backing chain of 'DIR/loop/self.qcow2' is a loop: image "
     "'DIR/loop/self.qcow2' appears in it twice"},
    {"network backing name", "net/top.qcow2", VB_STORAGE_FORMAT_QCOW2, 0, NULL,
     VIR_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: backing file 'nbd:example.org:6000' of image "
     "'DIR/net/top.qcow2' is not a local file; network backing storage is not supported"},
    {"unsupported backing format", "net/vmdk.qcow2", VB_STORAGE_FORMAT_QCOW2, 0, NULL,
     VIR_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: backing file 'x.vmdk' of image 'DIR/net/vmdk.qcow2' has format "
     "'vmdk', which is not supported"},
    {"a directory as backing file", "net/dir.qcow2", VB_STORAGE_FORMAT_QCOW2, 0, NULL,
     VIR_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: image 'DIR/net/../net' is neither a regular file nor a block "
     "device"},
    {"qcow2 top that is raw", "raw/base.raw", VB_STORAGE_FORMAT_QCOW2, 0, NULL,
     VIR_ERR_OPERATION_INVALID,
     "Requested operation is not valid: image 'DIR/raw/base.raw' is not in qcow2 format"},
    {"backing image with an external data file", "net/over-datafile.qcow2", VB_STORAGE_FORMAT_QCOW2,
     0, NULL, VIR_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: image 'DIR/net/datafile.qcow2' keeps its data in an external "
     "data file, which is not supported"},
    {"symlinks with relative names", "sym/sub/link2", VB_STORAGE_FORMAT_QCOW2, 0,
     "DIR/sym/sub/link2 rel=- qcow2 file " CAP "\n"
     "DIR/sym/sub/../sub/link1 rel=../sub/link1 qcow2 file " CAP " ro detected\n"
     "DIR/sym/sub/../sub/../raw rel=../raw raw file cap=512 ro detected\n"
     "end\n"},
    {"depth limit is inclusive", "deep/layer-00002.qcow2", VB_STORAGE_FORMAT_QCOW2, 3,
     "DIR/deep/layer-00002.qcow2 rel=- qcow2 file " CAP "\n"
     "DIR/deep/layer-00001.qcow2 rel=layer-00001.qcow2 qcow2 file " CAP " ro detected\n"
     "DIR/deep/layer-00000.qcow2 rel=layer-00000.qcow2 raw file cap=512 ro detected\n"
     "end\n"},
    {"one image too deep", "deep/layer-00003.qcow2", VB_STORAGE_FORMAT_QCOW2, 3, NULL,
     VIR_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: backing chain of 'DIR/deep/layer-00003.qcow2' is more than 3 "
     "images deep"},
    {"201 images refused by default", "deep/layer-00200.qcow2", VB_STORAGE_FORMAT_QCOW2, 0, NULL,
     VIR_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: backing chain of 'DIR/deep/layer-00200.qcow2' is more than 200 "
     "images deep"},
};

/* layer-00000 is raw; layer-N is a qcow2 over layer-(N-1).  The overlays are
 * copies of one qemu-img image with the same-length name and the backing
 * format patched in. */
static int
testMakeDeepChain(const char *sub, unsigned int count)
{
    g_autofree char *subdir = testPath(sub);
    g_autofree char *base = g_build_filename(sub, "layer-00000.qcow2", NULL);
    g_autofree char *tmplRel = g_build_filename(sub, "template", NULL);
    g_autofree char *tmpl = testPath(tmplRel);
    g_autofree char *data = NULL;
    gsize len = 0;
    uint64_t nameOff = 0;
    size_t fmtOff = 0;
    unsigned int i;
    size_t j;

    if (testWriteRaw(base, 512) < 0 || testMakeQcow2(tmplRel, "layer-00000.qcow2", "qcow2") < 0)
        return -1;
    if (!g_file_get_contents(tmpl, &data, &len, NULL))
        return -1;
    unlink(tmpl);
    for (j = 8; j < 16; j++)
        nameOff = (nameOff << 8) | (uint8_t) data[j];
    for (j = 104; j + 16 <= len && !fmtOff; j += 8) {
        if (memcmp(data + j, "\xe2\x79\x2a\xca", 4) == 0)
            fmtOff = j;
    }
    if (!fmtOff || nameOff + 17 > len)
        return -1;

    for (i = 1; i < count; i++) {
        g_autofree char *name = g_strdup_printf("layer-%05u.qcow2", i - 1);
        g_autofree char *path = g_strdup_printf("%s/layer-%05u.qcow2", subdir, i);
        const char *fmt = i == 1 ? "raw" : "qcow2";

        memcpy(data + nameOff, name, strlen(name));
        memset(data + fmtOff + 8, 0, 8);
        memcpy(data + fmtOff + 8, fmt, strlen(fmt));
        data[fmtOff + 7] = strlen(fmt);
        if (!g_file_set_contents(path, data, len, NULL))
            return -1;
    }
    return 0;
}

/* 200 images are fine with the default limit */
static int
testProbe200(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) top = testNewTop("deep/layer-00199.qcow2", VB_STORAGE_FORMAT_QCOW2);
    vbStorageSource *last;

    if (vbStorageChainProbe(top, VB_STORAGE_CHAIN_MAX_DEPTH) < 0) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return -1;
    }
    if (vbStorageChainLength(top) != 200)
        return -1;
    last = testNth(top, 200);
    if (last->format != VB_STORAGE_FORMAT_RAW ||
        !g_str_has_suffix(last->path, "/layer-00000.qcow2"))
        return -1;
    return last->backingStore && last->backingStore->type == VB_STORAGE_TYPE_NONE ? 0 : -1;
}

static int
testPrepareProbeImages(void)
{
    const char *dirs[] = {"raw",     "abs",  "rel/a", "rel/dir", "nofmt",
                          "missing", "loop", "net",   "sym/sub", "deep"};
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *p = testPath(dirs[i]);

        if (g_mkdir_with_parents(p, 0700) < 0)
            return -1;
    }

    if (testWriteRaw("raw/base.raw", 4096) < 0)
        return -1;

    {
        g_autofree char *base = testPath("raw/base.raw");
        g_autofree char *mid = testPath("abs/mid.qcow2");

        if (testMakeQcow2("abs/mid.qcow2", base, "raw") < 0 ||
            testMakeQcow2("abs/top.qcow2", mid, "qcow2") < 0)
            return -1;
    }

    if (testWriteRaw("rel/dir/base.raw", 512) < 0 ||
        testMakeQcow2("rel/dir/x", "base.raw", "raw") < 0 ||
        testMakeQcow2("rel/a/top.qcow2", "../dir/x", "qcow2") < 0)
        return -1;

    if (testMakeQcow2("nofmt/base.qcow2", NULL, NULL) < 0 ||
        testMakeQcow2("nofmt/top-q.qcow2", "base.qcow2", NULL) < 0 ||
        testWriteRaw("nofmt/base.raw", 1024) < 0 ||
        testMakeQcow2("nofmt/top-r.qcow2", "base.raw", NULL) < 0 ||
        testMakeQcow2("nofmt/mid.qcow2", "base.raw", "raw") < 0 ||
        testMakeQcow2("nofmt/top-m.qcow2", "mid.qcow2", NULL) < 0)
        return -1;

    if (testMakeQcow2("missing/top.qcow2", "gone.qcow2", "qcow2") < 0)
        return -1;

    /* a -> b, then b rewritten to point back at a */
    if (testMakeQcow2("loop/b.qcow2", NULL, NULL) < 0 ||
        testMakeQcow2("loop/a.qcow2", "b.qcow2", "qcow2") < 0 ||
        testRebase("loop/b.qcow2", "./a.qcow2", "qcow2") < 0 ||
        testMakeQcow2("loop/self.qcow2", NULL, NULL) < 0 ||
        testRebase("loop/self.qcow2", "self.qcow2", "qcow2") < 0)
        return -1;

    if (testMakeQcow2("net/top.qcow2", "nbd:example.org:6000", "raw") < 0 ||
        testMakeQcow2("net/vmdk.qcow2", "x.vmdk", "vmdk") < 0 ||
        testMakeQcow2("net/dir.qcow2", "../net", "raw") < 0)
        return -1;
    {
        g_autofree char *img = testPath("net/datafile.qcow2");
        g_autofree char *data = testPath("net/data.raw");
        g_autofree char *opt = g_strdup_printf("data_file=%s", data);

        if (testQemuImg("create", "-q", "-f", "qcow2", "-o", opt, img, "1M", NULL) < 0 ||
            testMakeQcow2("net/over-datafile.qcow2", "datafile.qcow2", "qcow2") < 0)
            return -1;
    }

    /* sym/sub/link2 -> ../wrap -> ../sub/link1 -> ../qcow2 -> ../raw, each
     * name relative to the directory of the name that was opened */
    {
        g_autofree char *link1 = testPath("sym/sub/link1");
        g_autofree char *link2 = testPath("sym/sub/link2");

        if (testWriteRaw("sym/raw", 512) < 0 || testMakeQcow2("sym/qcow2", "../raw", "raw") < 0 ||
            testMakeQcow2("sym/wrap", "../sub/link1", "qcow2") < 0 ||
            symlink("../qcow2", link1) < 0 || symlink("../wrap", link2) < 0)
            return -1;
    }

    if (testMakeDeepChain("deep", 201) < 0)
        return -1;
    return 0;
}

/* The XML gave the chain down to mid: only mid's header is read (top does
 * not even exist), and the rest hangs below mid. */
static int
testProbeBelowKnown(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) top = testNewTop("abs/not-a-file.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autofree char *actual = NULL;
    vbStorageSource *mid = vbStorageSourceNew();

    mid->type = VB_STORAGE_TYPE_FILE;
    mid->format = VB_STORAGE_FORMAT_QCOW2;
    mid->path = testPath("abs/mid.qcow2");
    mid->id = 7;
    top->backingStore = mid;

    if (vbStorageChainProbe(top, VB_STORAGE_CHAIN_MAX_DEPTH) < 0) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return -1;
    }
    if (mid->id != 7)
        return -1;
    actual = testFormatChain(top);
    return vbTestCompareStrings("DIR/abs/not-a-file.qcow2 rel=- qcow2 file cap=0\n"
                                "DIR/abs/mid.qcow2 rel=- qcow2 file " CAP "\n"
                                "DIR/raw/base.raw rel=DIR/raw/base.raw raw file cap=4096 ro "
                                "detected\n"
                                "end\n",
                                actual);
}

/* A chain the XML ends with <backingStore/> is complete: nothing is read. */
static int
testProbeComplete(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) top = testNewTop("nothere.qcow2", VB_STORAGE_FORMAT_QCOW2);

    top->backingStore = vbStorageSourceNewTerminator();
    if (vbStorageChainProbe(top, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
        return -1;
    return vbStorageChainLength(top) == 1 ? 0 : -1;
}

/* <backingStore/> on an image whose header does name a backing file: the
 * definition wins, nothing is read and the image is opened with "backing":
 * null, as libvirtd 9.0 starts such a definition (checked on the oracle). */
static int
testProbeTerminatorOverHeader(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) top = testNewTop("abs/top.qcow2", VB_STORAGE_FORMAT_QCOW2);

    top->backingStore = vbStorageSourceNewTerminator();
    if (vbStorageChainProbe(top, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
        return -1;
    return vbStorageChainLength(top) == 1 && top->capacity == 0 ? 0 : -1;
}

/* What a definition keeps of a probed chain (libvirt's rewrite after an
 * active commit): the terminator the probe found, as <backingStore/>, but
 * no image found by probing and no runtime data. */
static int
testCopyForConfig(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) top = testNewTop("abs/top.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autoptr(vbStorageSource) topCopy = NULL;
    g_autoptr(vbStorageSource) baseCopy = NULL;
    g_autofree char *actualTop = NULL;
    g_autofree char *actualBase = NULL;
    vbStorageSource *base;

    if (vbStorageChainProbe(top, VB_STORAGE_CHAIN_MAX_DEPTH) < 0) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return -1;
    }
    base = testNth(top, 3);
    base->id = 3;
    base->nodeFormat = g_strdup("libvirt-3-format");
    /* top -> mid (probed): mid goes, the chain is unknown again */
    topCopy = vbStorageSourceCopyForConfig(top);
    actualTop = testFormatChain(topCopy);
    if (vbTestCompareStrings("DIR/abs/top.qcow2 rel=- qcow2 file " CAP "\n", actualTop) < 0)
        return -1;
    /* base -> end: the terminator stays */
    baseCopy = vbStorageSourceCopyForConfig(base);
    actualBase = testFormatChain(baseCopy);
    if (vbTestCompareStrings("DIR/raw/base.raw rel=- raw file cap=4096 ro\nend\n", actualBase) < 0)
        return -1;
    return baseCopy->id == 0 && !baseCopy->nodeFormat ? 0 : -1;
}

/* A backing name pointing back into the part the XML gave is a loop too. */
static int
testProbeLoopIntoKnown(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) top = testNewTop("loop/b.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autofree char *msg = NULL;
    vbStorageSource *a = vbStorageSourceNew();

    a->type = VB_STORAGE_TYPE_FILE;
    a->format = VB_STORAGE_FORMAT_QCOW2;
    a->path = testPath("loop/a.qcow2");
    top->backingStore = a;
    /* a's header names b.qcow2, which is the top */
    if (vbStorageChainProbe(top, VB_STORAGE_CHAIN_MAX_DEPTH) != -1 || a->backingStore)
        return -1;
    msg = testHideDir(vbGetLastErrorMessage());
    return vbTestCompareStrings("Requested operation is not valid: backing chain of "
                                "'DIR/loop/b.qcow2' is a loop: image 'DIR/loop/b.qcow2' appears "
                                "in it twice",
                                msg);
}

/* The partial probe keeps what it found before the failure, the plain
 * one attaches nothing: a missing backing file, and a loop. */
static int
testProbePartial(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) plain = testNewTop("missing/top.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autoptr(vbStorageSource) missing = testNewTop("missing/top.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autoptr(vbStorageSource) loop = testNewTop("loop/a.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autofree char *gone = testPath("missing/gone.qcow2");

    if (vbStorageChainProbe(plain, VB_STORAGE_CHAIN_MAX_DEPTH) != -1 || plain->backingStore)
        return -1;
    /* top -> gone.qcow2 (not there), the rest unknown */
    if (vbStorageChainProbePartial(missing, VB_STORAGE_CHAIN_MAX_DEPTH) != -1 ||
        vbStorageChainLength(missing) != 2 || g_strcmp0(testNth(missing, 2)->path, gone) != 0 ||
        testNth(missing, 2)->backingStore)
        return -1;
    /* a -> b -> ./a: the loop is found at the third image */
    if (vbStorageChainProbePartial(loop, VB_STORAGE_CHAIN_MAX_DEPTH) != -1 ||
        vbStorageChainLength(loop) != 3 || testNth(loop, 3)->backingStore)
        return -1;
    vbResetLastError();
    return 0;
}

/* A FIFO named as backing file is refused without being opened: opening
 * it would release a writer waiting on it, as opening a device (a
 * watchdog, a tape) acts on it.  inotify sees every open but O_PATH's. */
static int
testProbeFifoNotOpened(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) top = testNewTop("fifo/top.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autofree char *sub = testPath("fifo");
    g_autofree char *fifo = testPath("fifo/pipe");
    char buf[4096];
    int ret = -1;
    int in;

    if (g_mkdir_with_parents(sub, 0700) < 0 || mkfifo(fifo, 0600) < 0 ||
        testMakeQcow2("fifo/top.qcow2", "pipe", "raw") < 0)
        return -1;
    if ((in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
        return -1;
    if (inotify_add_watch(in, fifo, IN_OPEN) < 0)
        goto cleanup;
    if (vbStorageChainProbe(top, VB_STORAGE_CHAIN_MAX_DEPTH) != -1 ||
        vbGetLastErrorCode() != VIR_ERR_CONFIG_UNSUPPORTED)
        goto cleanup;
    vbResetLastError();
    if (read(in, buf, sizeof(buf)) > 0) {
        fprintf(stderr, "the FIFO was opened\n");
        goto cleanup;
    }
    ret = 0;

cleanup:
    close(in);
    return ret;
}

/* ---- lookup ----------------------------------------------------------- */

/* Two chains, as in libvirt's virstoragetest:
 *   A: lookup/a/wrap -> "qcow2" -> "raw"          (ids 1, 2, 3)
 *   B: lookup/b/sub/link2 (-> ../wrap) -> "../qcow2" -> "raw"
 * Lookups of chain A run with lookup/a as working directory, B with
 * lookup/b, since relative names of the top image are taken from there. */
static vbStorageSource *chainA;
static vbStorageSource *chainB;

typedef struct {
    char chain;         /* 'A' or 'B' */
    int from;           /* 0: no startFrom; N: the Nth image (1 = top) */
    const char *name;   /* "ABS/" is replaced by the chain's directory */
    const char *target; /* disk target or NULL */
    int expResult;      /* 0: must fail; N: the Nth image */
    int expParent;      /* 0: NULL */
    const char *expError;
} testLookupData;

static int
testLookup(const void *opaque)
{
    const testLookupData *data = opaque;
    vbStorageSource *chain = data->chain == 'A' ? chainA : chainB;
    g_autofree char *chainDir = testPath(data->chain == 'A' ? "lookup/a" : "lookup/b");
    g_autofree char *cwd = g_get_current_dir();
    g_autofree char *name = NULL;
    vbStorageSource *from = data->from ? testNth(chain, data->from) : NULL;
    vbStorageSource *parent = (vbStorageSource *) 0x1;
    vbStorageSource *result;
    vbStorageSource *result2;

    if (data->name && g_str_has_prefix(data->name, "ABS/"))
        name = g_build_filename(chainDir, data->name + 4, NULL);
    else
        name = g_strdup(data->name);

    if (chdir(chainDir) < 0)
        return -1;
    vbResetLastError();
    result = vbStorageChainLookup(chain, from, name, data->target, &parent);
    /* and once more without @parent, which is optional */
    result2 = vbStorageChainLookup(chain, from, name, data->target, NULL);
    if (chdir(cwd) < 0)
        return -1;

    if (result != result2)
        return -1;
    if (!data->expResult) {
        g_autofree char *msg = NULL;

        if (result || parent) {
            fprintf(stderr, "found '%s'\n", result ? result->path : "(parent only)");
            return -1;
        }
        if (vbGetLastErrorCode() != VIR_ERR_INVALID_ARG ||
            vbGetLastError()->domain != VIR_FROM_STORAGE) {
            fprintf(stderr, "code %d\n", vbGetLastErrorCode());
            return -1;
        }
        msg = testHideDir(vbGetLastErrorMessage());
        return vbTestCompareStrings(data->expError, msg);
    }
    if (result != testNth(chain, data->expResult)) {
        fprintf(stderr, "got '%s'; error: %s\n", result ? result->path : "NULL",
                vbGetLastErrorMessage());
        return -1;
    }
    if (parent != (data->expParent ? testNth(chain, data->expParent) : NULL)) {
        fprintf(stderr, "parent '%s'\n", parent ? parent->path : "NULL");
        return -1;
    }
    if (vbGetLastError()) {
        fprintf(stderr, "success with an error reported\n");
        return -1;
    }
    return 0;
}

#define NF "invalid argument: could not find "

static const testLookupData lookupCases[] = {
    /* by name and path, chain A (relative backing names) */
    {'A', 0, "bogus", NULL, 0, 0, NF "image 'bogus' in chain for 'DIR/lookup/a/wrap'"},
    {'A', 1, "bogus", NULL, 0, 0,
     NF "image 'bogus' beneath 'DIR/lookup/a/wrap' in chain for 'DIR/lookup/a/wrap'"},
    {'A', 0, "wrap", NULL, 1, 0, NULL},
    {'A', 1, "wrap", NULL, 0, 0,
     NF "image 'wrap' beneath 'DIR/lookup/a/wrap' in chain for 'DIR/lookup/a/wrap'"},
    {'A', 2, "wrap", "vda", 0, 0,
     NF "image 'wrap' beneath 'DIR/lookup/a/qcow2' in chain for 'vda'"},
    {'A', 0, "ABS/wrap", NULL, 1, 0, NULL},
    {'A', 1, "ABS/wrap", "vda", 0, 0,
     NF "image 'DIR/lookup/a/wrap' beneath 'DIR/lookup/a/wrap' in chain for 'vda'"},
    {'A', 0, "qcow2", NULL, 2, 1, NULL},
    {'A', 1, "qcow2", NULL, 2, 1, NULL},
    {'A', 2, "qcow2", "vda", 0, 0,
     NF "image 'qcow2' beneath 'DIR/lookup/a/qcow2' in chain for 'vda'"},
    {'A', 3, "qcow2", "vda", 0, 0,
     NF "image 'qcow2' beneath 'DIR/lookup/a/raw' in chain for 'vda'"},
    {'A', 0, "ABS/qcow2", NULL, 2, 1, NULL},
    {'A', 1, "ABS/qcow2", NULL, 2, 1, NULL},
    {'A', 2, "ABS/qcow2", "vda", 0, 0,
     NF "image 'DIR/lookup/a/qcow2' beneath 'DIR/lookup/a/qcow2' in chain for 'vda'"},
    {'A', 0, "raw", NULL, 3, 2, NULL},
    {'A', 1, "raw", NULL, 3, 2, NULL},
    {'A', 2, "raw", NULL, 3, 2, NULL},
    {'A', 3, "raw", "vda", 0, 0, NF "image 'raw' beneath 'DIR/lookup/a/raw' in chain for 'vda'"},
    {'A', 0, "ABS/raw", NULL, 3, 2, NULL},
    {'A', 2, "ABS/raw", NULL, 3, 2, NULL},
    /* stat()ed from the directory of raw's parent */
    {'A', 0, "./raw", NULL, 3, 2, NULL},
    {'A', 0, NULL, NULL, 3, 2, NULL},
    {'A', 1, NULL, NULL, 3, 2, NULL},
    {'A', 2, NULL, NULL, 3, 2, NULL},
    {'A', 3, NULL, NULL, 0, 0, NF "base image in chain for 'DIR/lookup/a/wrap'"},
    {'A', 3, NULL, "vda", 0, 0, NF "base image in chain for 'vda'"},
    {'A', 0, "nbd:raw", "vda", 0, 0, NF "image 'nbd:raw' in chain for 'vda'"},

    /* by index */
    {'A', 0, "bogus[1]", "vda", 0, 0,
     "invalid argument: requested target 'bogus' does not match target 'vda'"},
    {'A', 0, "vda[-1]", "vda", 0, 0, NF "image 'vda[-1]' in chain for 'vda'"},
    {'A', 0, "vda[1][1]", "vda", 0, 0, NF "image 'vda[1][1]' in chain for 'vda'"},
    {'A', 0, "vda[0]", "vda", 0, 0, NF "image 'vda[0]' in chain for 'vda'"},
    {'A', 0, "vda[1", "vda", 0, 0, NF "image 'vda[1' in chain for 'vda'"},
    {'A', 0, "vda", "vda", 0, 0, NF "image 'vda' in chain for 'vda'"},
    {'A', 0, "wrap", "vda", 1, 0, NULL},
    {'A', 0, "vda[1]", "vda", 1, 0, NULL},
    {'A', 1, "vda[1]", "vda", 0, 0, NF "backing store index '1' in chain for 'vda'"},
    {'A', 0, "vda[2]", "vda", 2, 1, NULL},
    {'A', 1, "vda[2]", "vda", 2, 1, NULL},
    {'A', 2, "vda[2]", "vda", 0, 0, NF "backing store index '2' in chain for 'vda'"},
    {'A', 0, "vda[3]", "vda", 3, 2, NULL},
    {'A', 2, "vda[3]", "vda", 3, 2, NULL},
    {'A', 3, "vda[3]", "vda", 0, 0, NF "backing store index '3' in chain for 'vda'"},
    {'A', 0, "vda[4]", "vda", 0, 0, NF "backing store index '4' in chain for 'vda'"},
    {'A', 0, "sdb[2]", NULL, 2, 1, NULL},
    {'A', 0, "sdb[0]", "vda", 0, 0, NF "image 'sdb[0]' in chain for 'vda'"},

    /* chain B: the top is a symlink, names relative to other directories */
    {'B', 0, "bogus", NULL, 0, 0, NF "image 'bogus' in chain for 'DIR/lookup/b/sub/link2'"},
    {'B', 0, "sub/link2", NULL, 1, 0, NULL},
    {'B', 0, "wrap", NULL, 1, 0, NULL},
    {'B', 0, "ABS/wrap", NULL, 1, 0, NULL},
    {'B', 0, "../qcow2", NULL, 2, 1, NULL},
    {'B', 0, "qcow2", NULL, 0, 0, NF "image 'qcow2' in chain for 'DIR/lookup/b/sub/link2'"},
    {'B', 0, "ABS/qcow2", NULL, 2, 1, NULL},
    {'B', 0, "raw", NULL, 3, 2, NULL},
    {'B', 0, "ABS/raw", NULL, 3, 2, NULL},
    {'B', 0, "ABS/sub/../raw", NULL, 3, 2, NULL},
    {'B', 0, NULL, NULL, 3, 2, NULL},
};

static int
testPrepareLookupChains(void)
{
    g_autofree char *link2 = testPath("lookup/b/sub/link2");
    g_autofree char *subB = testPath("lookup/b/sub");
    unsigned int counter = 0;

    if (g_mkdir_with_parents(subB, 0700) < 0)
        return -1;
    {
        g_autofree char *a = testPath("lookup/a");

        if (g_mkdir_with_parents(a, 0700) < 0)
            return -1;
    }
    if (testWriteRaw("lookup/a/raw", 1024) < 0 ||
        testMakeQcow2("lookup/a/qcow2", "raw", "raw") < 0 ||
        testMakeQcow2("lookup/a/wrap", "qcow2", "qcow2") < 0)
        return -1;
    if (testWriteRaw("lookup/b/raw", 1024) < 0 ||
        testMakeQcow2("lookup/b/qcow2", "raw", "raw") < 0 ||
        testMakeQcow2("lookup/b/wrap", "../qcow2", "qcow2") < 0 || symlink("../wrap", link2) < 0)
        return -1;

    chainA = testNewTop("lookup/a/wrap", VB_STORAGE_FORMAT_QCOW2);
    chainB = testNewTop("lookup/b/sub/link2", VB_STORAGE_FORMAT_QCOW2);
    if (vbStorageChainProbe(chainA, VB_STORAGE_CHAIN_MAX_DEPTH) < 0 ||
        vbStorageChainProbe(chainB, VB_STORAGE_CHAIN_MAX_DEPTH) < 0) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return -1;
    }
    vbStorageChainAssignIndexes(chainA, &counter);
    counter = 0;
    vbStorageChainAssignIndexes(chainB, &counter);
    return 0;
}

/* ---- relative backing path -------------------------------------------- */

/* In memory, as libvirt's test: path and relPath (NULL: named absolutely) */
static const char *const relChainSpec[][2] = {
    /* a plain relative chain */
    {"/path/to/some/img", NULL},
    {"/path/to/some/asdf", "asdf"},
    {"/path/to/some/test", "test"},
    {"/path/to/some/blah", "blah"},
    /* oVirt's chain */
    {"/path/to/volume/image1", NULL},
    {"/path/to/volume/image2", "../volume/image2"},
    {"/path/to/volume/image3", "../volume/image3"},
    {"/path/to/volume/image4", "../volume/image4"},
    /* arbitrary spellings */
    {"/crazy/base/image", NULL},
    {"/crazy/base/directory/stuff/volumes/garbage/image2",
     "directory/stuff/volumes/garbage/image2"},
    {"/crazy/base/directory/image3", "../../../image3"},
    {"/crazy/base/blah/image4", "../blah/image4"},
    /* written absolutely: relPath holds the absolute string */
    {"/abs/image5", "/abs/image5"},
};
static vbStorageSource relChain[G_N_ELEMENTS(relChainSpec)];

typedef struct {
    int top;
    int base;
    int expRc;
    const char *expect;
} testRelativeData;

static int
testRelative(const void *opaque)
{
    const testRelativeData *data = opaque;
    g_autofree char *actual = NULL;
    int rc;

    vbResetLastError();
    rc = vbStorageChainGetRelativeBackingPath(&relChain[data->top], &relChain[data->base], &actual);
    if (rc != data->expRc) {
        fprintf(stderr, "rc %d, expected %d: %s\n", rc, data->expRc, vbGetLastErrorMessage());
        return -1;
    }
    if (rc == -1 && vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        return -1;
    return vbTestCompareStrings(data->expect ? data->expect : "(none)", actual ? actual : "(none)");
}

static const testRelativeData relativeCases[] = {
    /* an image named absolutely lies in the span */
    {0, 1, 1, NULL},
    {0, 3, 1, NULL},
    {1, 5, 1, NULL},
    {11, 12, 1, NULL},
    /* base above top: the walk hits an absolutely named image first */
    {2, 1, 1, NULL},
    {1, 1, 0, "asdf"},
    {1, 2, 0, "test"},
    {1, 3, 0, "blah"},
    {2, 3, 0, "blah"},
    {3, 3, 0, "blah"},
    {5, 5, 0, "../volume/image2"},
    {5, 6, 0, "../volume/../volume/image3"},
    {5, 7, 0, "../volume/../volume/../volume/image4"},
    {6, 7, 0, "../volume/../volume/image4"},
    {7, 7, 0, "../volume/image4"},
    {9, 9, 0, "directory/stuff/volumes/garbage/image2"},
    {9, 10, 0, "directory/stuff/volumes/garbage/../../../image3"},
    {9, 11, 0, "directory/stuff/volumes/garbage/../../../../blah/image4"},
    {10, 11, 0, "../../../../blah/image4"},
    {11, 11, 0, "../blah/image4"},
};

static int
testRelativeNotInChain(const void *opaque G_GNUC_UNUSED)
{
    vbStorageSource other = {
        .type = VB_STORAGE_TYPE_FILE, .path = (char *) "/x", .relPath = (char *) "x"};
    g_autofree char *actual = NULL;

    /* 3 ends the plain chain with no absolute name before the terminator */
    relChain[3].backingStore = NULL;
    if (vbStorageChainGetRelativeBackingPath(&relChain[1], &other, &actual) != -1 || actual) {
        relChain[3].backingStore = &relChain[4];
        return -1;
    }
    relChain[3].backingStore = &relChain[4];
    return vbTestCompareStrings("internal error: failed to resolve relative backing name: base "
                                "image is not in backing chain",
                                vbGetLastErrorMessage());
}

/* The relative name of a probed chain: from rel/a/top.qcow2's directory,
 * its backing's backing is "../dir/base.raw"; the absolutely named chain
 * is not relative. */
static int
testRelativeProbed(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) rel = testNewTop("rel/a/top.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autoptr(vbStorageSource) abs = testNewTop("abs/top.qcow2", VB_STORAGE_FORMAT_QCOW2);
    g_autofree char *relpath = NULL;
    g_autofree char *abspath = NULL;

    if (vbStorageChainProbe(rel, VB_STORAGE_CHAIN_MAX_DEPTH) < 0 ||
        vbStorageChainProbe(abs, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
        return -1;
    if (vbStorageChainGetRelativeBackingPath(testNth(rel, 2), testNth(rel, 3), &relpath) != 0)
        return -1;
    if (vbStorageChainGetRelativeBackingPath(testNth(abs, 2), testNth(abs, 3), &abspath) != 1 ||
        abspath)
        return -1;
    return vbTestCompareStrings("../dir/base.raw", relpath);
}

/* ---- indexes and small helpers ---------------------------------------- */

static int
testIndexes(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbStorageSource) top = testNewTop("t", VB_STORAGE_FORMAT_QCOW2);
    vbStorageSource *mid = testNewTop("m", VB_STORAGE_FORMAT_QCOW2);
    vbStorageSource *base = testNewTop("b", VB_STORAGE_FORMAT_RAW);
    vbStorageSource *end = vbStorageSourceNewTerminator();
    unsigned int counter = 2;

    top->backingStore = mid;
    mid->backingStore = base;
    base->backingStore = end;
    mid->id = 5;
    mid->nodeFormat = g_strdup("custom-fmt");

    vbStorageChainAssignIndexes(top, &counter);
    if (counter != 7 || top->id != 6 || mid->id != 5 || base->id != 7 || end->id != 0 ||
        end->nodeFormat || end->nodeStorage)
        return -1;
    if (vbTestCompareStrings("libvirt-6-format", top->nodeFormat) < 0 ||
        vbTestCompareStrings("libvirt-6-storage", top->nodeStorage) < 0 ||
        vbTestCompareStrings("custom-fmt", mid->nodeFormat) < 0 ||
        vbTestCompareStrings("libvirt-5-storage", mid->nodeStorage) < 0 ||
        vbTestCompareStrings("libvirt-7-format", base->nodeFormat) < 0)
        return -1;

    /* a second pass hands out nothing */
    vbStorageChainAssignIndexes(top, &counter);
    if (counter != 7)
        return -1;

    if (vbStorageChainFindByNodeName(top, "libvirt-7-storage") != base ||
        vbStorageChainFindByNodeName(top, "custom-fmt") != mid ||
        vbStorageChainFindByNodeName(top, "libvirt-5-format") ||
        vbStorageChainFindByNodeName(top, NULL))
        return -1;

    if (vbStorageChainLength(top) != 3 || vbStorageChainLength(base) != 1 ||
        vbStorageChainLength(end) != 0 || vbStorageChainLength(NULL) != 0)
        return -1;
    if (!vbStorageChainContains(top, base) || vbStorageChainContains(mid, top) ||
        vbStorageChainContains(top, end))
        return -1;
    if (vbStorageChainGetParent(top, base) != mid || vbStorageChainGetParent(top, mid) != top ||
        vbStorageChainGetParent(top, top) || vbStorageChainGetParent(top, end) ||
        vbStorageChainGetParent(mid, top))
        return -1;
    if (!vbStorageChainIsImage(base) || vbStorageChainIsImage(end) || vbStorageChainIsImage(NULL))
        return -1;
    return 0;
}

/* ---- main ------------------------------------------------------------- */

static int
mymain(void)
{
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(relChainSpec); i++) {
        relChain[i].type = VB_STORAGE_TYPE_FILE;
        relChain[i].path = (char *) relChainSpec[i][0];
        relChain[i].relPath = (char *) relChainSpec[i][1];
        relChain[i].backingStore = i + 1 < G_N_ELEMENTS(relChain) ? &relChain[i + 1] : NULL;
    }
    for (i = 0; i < G_N_ELEMENTS(relativeCases); i++) {
        g_autofree char *name = g_strdup_printf("relative backing path %d..%d",
                                                relativeCases[i].top, relativeCases[i].base);

        if (vbTestRun(name, testRelative, &relativeCases[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("relative backing path, base not in chain", testRelativeNotInChain, NULL) < 0)
        ret = -1;
    if (vbTestRun("indexes, node names, helpers", testIndexes, NULL) < 0)
        ret = -1;

    if (!(qemuImg = g_find_program_in_path("qemu-img"))) {
        fprintf(stderr, "qemu-img not found: image cases skipped\n");
        return ret;
    }
    dir = vbTestMakeTempDir();

    if (testPrepareProbeImages() < 0) {
        fprintf(stderr, "cannot prepare images\n");
        ret = -1;
        goto cleanup;
    }
    for (i = 0; i < G_N_ELEMENTS(probeCases); i++) {
        if (vbTestRun(probeCases[i].name, testProbe, &probeCases[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("probe below the part the XML gave", testProbeBelowKnown, NULL) < 0)
        ret = -1;
    if (vbTestRun("200 images by default", testProbe200, NULL) < 0)
        ret = -1;
    if (vbTestRun("relative backing path of a probed chain", testRelativeProbed, NULL) < 0)
        ret = -1;
    if (vbTestRun("complete chain is not read", testProbeComplete, NULL) < 0)
        ret = -1;
    if (vbTestRun("<backingStore/> wins over the header", testProbeTerminatorOverHeader, NULL) < 0)
        ret = -1;
    if (vbTestRun("copy of a probed chain for a definition", testCopyForConfig, NULL) < 0)
        ret = -1;
    if (vbTestRun("loop back into the XML's part", testProbeLoopIntoKnown, NULL) < 0)
        ret = -1;
    if (vbTestRun("a FIFO backing file is never opened", testProbeFifoNotOpened, NULL) < 0)
        ret = -1;
    if (vbTestRun("partial probe keeps what it found", testProbePartial, NULL) < 0)
        ret = -1;

    if (testPrepareLookupChains() < 0) {
        fprintf(stderr, "cannot prepare lookup chains\n");
        ret = -1;
        goto cleanup;
    }
    for (i = 0; i < G_N_ELEMENTS(lookupCases); i++) {
        const testLookupData *d = &lookupCases[i];
        g_autofree char *name =
            g_strdup_printf("lookup %c from %d '%s' target %s", d->chain, d->from,
                            d->name ? d->name : "(null)", d->target ? d->target : "-");

        if (vbTestRun(name, testLookup, d) < 0)
            ret = -1;
    }

cleanup:
    vbStorageSourceFree(chainA);
    vbStorageSourceFree(chainB);
    vbTestCleanupDir(dir);
    g_free(dir);
    g_free(qemuImg);
    return ret;
}

VB_TEST_MAIN(mymain)
