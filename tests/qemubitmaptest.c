/*
 * qemubitmaptest.c: which dirty bitmaps a commit or a snapshot carries over
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each case in qemubitmapdata/:
 *   NODES.nodes.json   the "return" of query-named-block-nodes (flat) for a
 *                      chain libvirt-1-format (top) .. libvirt-N-format;
 *                      the others are written by hand, one situation each;
 *                      real-7.2 was recorded from QEMU 7.2.22: four qcow2
 *                      images l4 <- l3 <- l2 <- l1 with `qemu-img bitmap
 *                      --add` (l4: a; l3: a b, c --disable; l2: a b c,
 *                      d -g 131072; l1: a b c, d -g 131072, f -g 262144),
 *                      opened by `qemu-system-x86_64 -machine none` with a
 *                      -blockdev file + qcow2 pair per image (node names
 *                      libvirt-N-storage/-format, backing linked, all but
 *                      l1 read-only), transient bitmap e added on l1 with
 *                      block-dirty-bitmap-add persistent=false; the temp
 *                      directory is rewritten as /var/lib/libvirt/images
 *   CASE.out           the transaction actions, pretty-printed, or
 *                      "no actions" when the function returns none; for a
 *                      revert, the bitmaps carried and dropped, a line each
 *   revert.nodes.json  r1 <- r2 (the branch a revert leaves) on r3 (the
 *                      snapshot's image) <- r4, a bitmap per situation
 * The chain, base and kind of each case are in the table below.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include "vberror.h"
#include "vbjson.h"
#include "vbmonitorblock.h"
#include "vbqemubitmap.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

typedef enum {
    TEST_COMMIT,        /* non-active commit */
    TEST_COMMIT_ACTIVE, /* active commit */
    TEST_SNAPSHOT,      /* new overlay on top of chain[0] */
    TEST_REVERT,        /* a revert's new overlay on chain[0] */
} testKind;

typedef struct {
    const char *name;  /* CASE */
    const char *nodes; /* NODES */
    testKind kind;
    /* node numbers: the commit's top first, down to the chain's bottom */
    unsigned int chain[6];
    unsigned int base; /* commit base, or the snapshot's overlay */
    /* TEST_REVERT: the images the revert leaves, top first */
    unsigned int abandoned[6];
} testInfo;

static char *
testNodeName(unsigned int n)
{
    return g_strdup_printf("libvirt-%u-format", n);
}

static GPtrArray *
testLoadNodes(const char *nodes)
{
    g_autofree char *rel = g_strdup_printf("qemubitmapdata/%s.nodes.json", nodes);
    g_autofree char *path = vbTestSrcPath(rel);
    g_autofree char *text = NULL;
    g_autoptr(vbJSONValue) reply = NULL;
    g_autoptr(GPtrArray) list = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        fprintf(stderr, "cannot read %s\n", path);
        return NULL;
    }
    if (!(reply = vbJSONValueFromString(text)) || vbMonitorParseNamedBlockNodes(reply, &list) < 0) {
        fprintf(stderr, "%s: %s\n", path, vbGetLastErrorMessage());
        return NULL;
    }
    return g_steal_pointer(&list);
}

static int
testBitmapActions(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *rel = g_strdup_printf("qemubitmapdata/%s.out", info->name);
    g_autofree char *outPath = vbTestSrcPath(rel);
    g_autoptr(GPtrArray) nodes = NULL;
    g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *base = testNodeName(info->base);
    g_autoptr(vbJSONValue) actions = NULL;
    g_autofree char *actual = NULL;
    size_t i;
    int rc;

    if (!(nodes = testLoadNodes(info->nodes)))
        return -1;
    for (i = 0; i < G_N_ELEMENTS(info->chain) && info->chain[i]; i++)
        g_ptr_array_add(chain, testNodeName(info->chain[i]));
    g_ptr_array_add(chain, NULL);

    if (info->kind == TEST_SNAPSHOT)
        rc = vbQemuBitmapSnapshotActions(nodes, g_ptr_array_index(chain, 0), base, &actions);
    else
        rc = vbQemuBitmapCommitActions(nodes, (const char *const *) chain->pdata, base,
                                       info->kind == TEST_COMMIT_ACTIVE, &actions);
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", info->name, vbGetLastErrorMessage());
        return -1;
    }

    if (actions)
        actual = vbJSONValueToString(actions, true);
    else
        actual = g_strdup("no actions\n");
    if (!actual)
        return -1;
    return vbTestCompareToFile(actual, outPath);
}

/* One array of node names, NULL-terminated, from node numbers */
static GPtrArray *
testNodeNames(const unsigned int *numbers, size_t n)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    for (i = 0; i < n && numbers[i]; i++)
        g_ptr_array_add(names, testNodeName(numbers[i]));
    g_ptr_array_add(names, NULL);
    return names;
}

static int
testBitmapRevert(const void *opaque)
{
    const testInfo *info = opaque;
    g_autofree char *rel = g_strdup_printf("qemubitmapdata/%s.out", info->name);
    g_autofree char *outPath = vbTestSrcPath(rel);
    g_autoptr(GPtrArray) nodes = NULL;
    g_autoptr(GPtrArray) chain = testNodeNames(info->chain, G_N_ELEMENTS(info->chain));
    g_autoptr(GPtrArray) abandoned = testNodeNames(info->abandoned, G_N_ELEMENTS(info->abandoned));
    g_autoptr(GPtrArray) carry = NULL;
    g_autoptr(GPtrArray) dropped = NULL;
    g_autoptr(GString) actual = g_string_new(NULL);
    size_t i;

    if (!(nodes = testLoadNodes(info->nodes)))
        return -1;
    vbQemuBitmapRevertPlan(nodes, (const char *const *) chain->pdata,
                           (const char *const *) abandoned->pdata, &carry, &dropped);
    for (i = 0; i < carry->len; i++) {
        const vbMonitorBitmapInfo *b = g_ptr_array_index(carry, i);

        g_string_append_printf(actual, "carry %s granularity %llu\n", b->name, b->granularity);
    }
    for (i = 0; i < dropped->len; i++)
        g_string_append_printf(actual, "dropped %s\n",
                               (const char *) g_ptr_array_index(dropped, i));
    if (actual->len == 0)
        g_string_append(actual, "nothing carried\n");
    return vbTestCompareToFile(actual->str, outPath);
}

/* A case with a known bug must fail; once it passes, its mark must go. */
/* The parser refuses a reply that lacks what the actions depend on. */
static int
testParseMissingField(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbJSONValue) reply = vbJSONValueFromString(
        "[{\"node-name\":\"libvirt-1-format\",\"drv\":\"qcow2\",\"ro\":false,"
        "\"dirty-bitmaps\":[{\"name\":\"a\",\"granularity\":65536,\"persistent\":true,"
        "\"busy\":false}]}]");
    g_autoptr(GPtrArray) nodes = NULL;

    if (vbMonitorParseNamedBlockNodes(reply, &nodes) == 0) {
        fprintf(stderr, "a bitmap without 'recording' was accepted\n");
        return -1;
    }
    if (!nodes && vbGetLastErrorCode() == VIR_ERR_INTERNAL_ERROR &&
        strstr(vbGetLastErrorMessage(), "recording")) {
        vbResetLastError();
        return 0;
    }
    fprintf(stderr, "unexpected error: %s\n", vbGetLastErrorMessage());
    return -1;
}

static int
mymain(void)
{
    static const testInfo cases[] = {
        /* nothing to carry: a non-active commit has no action at all, an
         * active one still removes the temporary bitmap */
        {"empty-2-3", "no-bitmaps", TEST_COMMIT, {2, 3}, 3},
        {"empty-active-1-3", "no-bitmaps", TEST_COMMIT_ACTIVE, {1, 2, 3}, 3},
        {"basic-active-1-3", "basic", TEST_COMMIT_ACTIVE, {1, 2, 3}, 3},
        {"basic-1-2", "basic", TEST_COMMIT, {1, 2, 3}, 2},
        /* the candidates come from top (2), not from the active layer */
        {"intermediate-2-3", "intermediate", TEST_COMMIT, {2, 3, 4}, 3},
        {"base-has-bitmap-2-4", "base-has-bitmap", TEST_COMMIT, {2, 3, 4}, 4},
        {"base-has-bitmap-active-1-3", "base-has-bitmap", TEST_COMMIT_ACTIVE, {1, 2, 3, 4}, 3},
        {"gap-active-1-3", "gap", TEST_COMMIT_ACTIVE, {1, 2, 3}, 3},
        /* the gap lies below base: the chain is still broken */
        {"gap-1-2", "gap", TEST_COMMIT, {1, 2, 3}, 2},
        {"disabled-active-1-3", "disabled", TEST_COMMIT_ACTIVE, {1, 2, 3}, 3},
        {"inconsistent-active-1-3", "inconsistent", TEST_COMMIT_ACTIVE, {1, 2, 3}, 3},
        {"transient-active-1-3", "transient", TEST_COMMIT_ACTIVE, {1, 2, 3}, 3},
        {"granularity-1-3", "granularity", TEST_COMMIT, {1, 2, 3, 4}, 3},
        {"name-order-active-1-3", "name-order", TEST_COMMIT_ACTIVE, {1, 2, 3}, 3},
        /* a temporary bitmap left behind by a crash is never carried */
        {"tmp-left-over-active-1-3", "tmp-left-over", TEST_COMMIT_ACTIVE, {1, 2, 3}, 3},
        /* base's recording bitmaps that top lacks (c, x: a gap in 2; y:
         * valid only from base down) missed the commit's writes: disabled;
         * d (disabled), e (inconsistent), f (busy) are left as they are */
        {"stale-base-active-1-3", "stale-base", TEST_COMMIT_ACTIVE, {1, 2, 3, 4}, 3},
        {"stale-base-2-3", "stale-base", TEST_COMMIT, {2, 3, 4}, 3},
        {"real-7.2-active-1-4", "real-7.2", TEST_COMMIT_ACTIVE, {1, 2, 3, 4}, 4},
        {"real-7.2-2-4", "real-7.2", TEST_COMMIT, {2, 3, 4}, 4},
        {"real-7.2-3-4", "real-7.2", TEST_COMMIT, {3, 4}, 4},
        /* a transient bitmap of the active image is not carried */
        {"snapshot-1-2", "snapshot", TEST_SNAPSHOT, {1}, 9},
        {"snapshot-none", "no-bitmaps", TEST_SNAPSHOT, {1}, 9},
        {"real-7.2-snapshot", "real-7.2", TEST_SNAPSHOT, {1}, 5},
        /* a revert leaving r1 <- r2: carried when valid from r3 down and
         * recorded all along the branch left; dropped when an image of
         * that branch lacks a recording, consistent copy */
        {"revert-3", "revert", TEST_REVERT, {3, 4}, 0, {1, 2}},
        /* nothing left behind (a second revert to the same snapshot) */
        {"revert-3-none", "revert", TEST_REVERT, {3, 4}, 0, {0}},
        /* real images: l2's valid bitmaps a, b, d (c is disabled in l3) */
        {"real-7.2-revert-2", "real-7.2", TEST_REVERT, {2, 3, 4}, 0, {1}},
        {"revert-nothing", "no-bitmaps", TEST_REVERT, {1, 2, 3}, 0, {0}},
        /* an image left behind that was resized since the snapshot: its
         * bitmap cannot be merged, so none is carried */
        {"revert-resized", "revert-resized", TEST_REVERT, {2}, 0, {1}},
        {"revert-same-size", "revert-resized", TEST_REVERT, {2}, 0, {3}},
    };
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *label = g_strdup_printf("bitmaps %s", cases[i].name);

        if (vbTestRun(label, cases[i].kind == TEST_REVERT ? testBitmapRevert : testBitmapActions,
                      &cases[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("reply without 'recording' is refused", testParseMissingField, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
