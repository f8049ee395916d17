/*
 * benchchainprobe.c: how long probing a backing chain from disk takes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Builds qcow2 chains of 10, 100 and 1000 images over a raw base in a
 * temporary directory and probes each repeatedly, printing the mean, min
 * and max time per probe.  The overlays are copies of one qemu-img image
 * (default 64 KiB clusters) with the backing name patched in, so the files
 * are what QEMU writes.  1000 is beyond VB_STORAGE_CHAIN_MAX_DEPTH: the
 * bench passes its own limit.  Files are read from the page cache after the
 * first round; the numbers measure our code and the syscalls, not the disk.
 *
 *   build/bench/benchchainprobe [ITERATIONS]
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

#define NAME_FMT "layer-%05u.qcow2"

static int
benchMakeTemplate(const char *dir, char **data, gsize *len, size_t *nameOff)
{
    g_autofree char *path = g_build_filename(dir, "template", NULL);
    g_autofree char *backing = g_strdup_printf(NAME_FMT, 0U);
    const char *argv[] = {"qemu-img", "create", "-q",    "-f", "qcow2", "-u", "-b",
                          backing,    "-F",     "qcow2", path, "1G",    NULL};
    int status = 0;
    uint64_t off = 0;
    size_t i;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                      &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL)) {
        fprintf(stderr, "qemu-img create failed\n");
        return -1;
    }
    if (!g_file_get_contents(path, data, len, NULL))
        return -1;
    unlink(path);
    for (i = 8; i < 16; i++)
        off = (off << 8) | (uint8_t) (*data)[i];
    *nameOff = off;
    return 0;
}

/* dir/dNNN/layer-00000.qcow2 (raw) ... layer-(depth-1).qcow2 (top) */
static char *
benchMakeChain(const char *dir, unsigned int depth, char *data, gsize len, size_t nameOff)
{
    g_autofree char *sub = g_strdup_printf("%s/d%u", dir, depth);
    g_autofree char *basePath = g_strdup_printf("%s/" NAME_FMT, sub, 0U);
    g_autofree char *zero = g_malloc0(65536);
    unsigned int i;

    if (g_mkdir_with_parents(sub, 0700) < 0 || !g_file_set_contents(basePath, zero, 65536, NULL))
        return NULL;
    /* the template names layer-00000 as qcow2; layer-00001 must say raw */
    for (i = 1; i < depth; i++) {
        g_autofree char *path = g_strdup_printf("%s/" NAME_FMT, sub, i);
        g_autofree char *name = g_strdup_printf(NAME_FMT, i - 1);
        g_autofree char *patched = g_memdup2(data, len);
        size_t j;

        memcpy(patched + nameOff, name, strlen(name));
        if (i == 1) {
            for (j = 104; j + 16 <= len; j += 8) {
                if (memcmp(patched + j, "\xe2\x79\x2a\xca", 4) == 0) {
                    memset(patched + j + 8, 0, 8);
                    memcpy(patched + j + 8, "raw", 3);
                    patched[j + 7] = 3;
                    break;
                }
            }
        }
        if (!g_file_set_contents(path, patched, len, NULL))
            return NULL;
    }
    return g_strdup_printf("%s/" NAME_FMT, sub, depth - 1);
}

static int
benchProbe(const char *topPath, unsigned int depth, unsigned int iterations, bool quiet)
{
    gint64 total = 0;
    gint64 min = G_MAXINT64;
    gint64 max = 0;
    unsigned int i;

    for (i = 0; i < iterations; i++) {
        g_autoptr(vbStorageSource) top = vbStorageSourceNew();
        gint64 start;
        gint64 elapsed;

        top->type = VB_STORAGE_TYPE_FILE;
        top->format = VB_STORAGE_FORMAT_QCOW2;
        top->path = g_strdup(topPath);

        start = g_get_monotonic_time();
        if (vbStorageChainProbe(top, depth) < 0) {
            fprintf(stderr, "probe failed: %s\n", vbGetLastErrorMessage());
            return -1;
        }
        elapsed = g_get_monotonic_time() - start;
        if (vbStorageChainLength(top) != depth) {
            fprintf(stderr, "chain has %zu images, expected %u\n", vbStorageChainLength(top),
                    depth);
            return -1;
        }
        total += elapsed;
        min = MIN(min, elapsed);
        max = MAX(max, elapsed);
    }
    if (quiet)
        return 0;
    printf("depth %4u: %3u probes, mean %8.3f ms, min %8.3f ms, max %8.3f ms\n", depth, iterations,
           total / 1000.0 / iterations, min / 1000.0, max / 1000.0);
    return 0;
}

static void
benchRemoveTree(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            benchRemoveTree(path);
        else
            unlink(path);
    }
    rmdir(dir);
}

int
main(int argc, char **argv)
{
    const unsigned int depths[] = {10, 100, 1000};
    unsigned int iterations = argc > 1 ? (unsigned int) strtoul(argv[1], NULL, 10) : 50;
    g_autofree char *dir = g_dir_make_tmp("vbbench-XXXXXX", NULL);
    g_autofree char *data = NULL;
    gsize len = 0;
    size_t nameOff = 0;
    int ret = EXIT_FAILURE;
    size_t i;

    if (!dir || iterations == 0)
        return EXIT_FAILURE;
    if (benchMakeTemplate(dir, &data, &len, &nameOff) < 0)
        goto cleanup;
    printf("qcow2 overlays of %zu bytes (64 KiB clusters), raw base\n", (size_t) len);

    for (i = 0; i < G_N_ELEMENTS(depths); i++) {
        g_autofree char *top = benchMakeChain(dir, depths[i], data, len, nameOff);

        if (!top || benchProbe(top, depths[i], 1, true) < 0) /* warm the page cache */
            goto cleanup;
        if (benchProbe(top, depths[i], iterations, false) < 0)
            goto cleanup;
    }
    ret = EXIT_SUCCESS;

cleanup:
    benchRemoveTree(dir);
    return ret;
}
