/*
 * fuzz-replay.c: runs a libFuzzer harness over saved inputs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Linked with each harness instead of libFuzzer, so that every build (gcc,
 * the sanitizer build, valgrind) replays the seed corpus and the inputs
 * that once crashed a harness as an ordinary unit test.  Each argument is
 * a file or a directory of files (read in name order); an input that
 * crashes the harness crashes this program, after it named the input.
 */

#include "vbinternal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzzReplayFile(const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *data = NULL;
    size_t len = 0;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "cannot read %s: %s\n", path, err->message);
        return -1;
    }
    fprintf(stderr, "replaying %s\n", path);
    LLVMFuzzerTestOneInput((const uint8_t *) data, len);
    return 0;
}

static int
fuzzReplayCompare(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static int
fuzzReplayDir(const char *dirpath, size_t *count)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(dirpath, 0, &err);
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    size_t i;

    if (!dir) {
        fprintf(stderr, "cannot open %s: %s\n", dirpath, err->message);
        return -1;
    }
    while ((name = g_dir_read_name(dir))) {
        if (name[0] != '.')
            g_ptr_array_add(paths, g_build_filename(dirpath, name, NULL));
    }
    qsort(paths->pdata, paths->len, sizeof(char *), fuzzReplayCompare);
    for (i = 0; i < paths->len; i++) {
        const char *path = g_ptr_array_index(paths, i);

        if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
            continue;
        if (fuzzReplayFile(path) < 0)
            return -1;
        (*count)++;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    size_t count = 0;
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return EXIT_FAILURE;
    }
    for (i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            if (fuzzReplayDir(argv[i], &count) < 0)
                return EXIT_FAILURE;
        } else {
            if (fuzzReplayFile(argv[i]) < 0)
                return EXIT_FAILURE;
            count++;
        }
    }
    /* an empty corpus would make this test pass without testing anything */
    if (count == 0) {
        fprintf(stderr, "no inputs to replay\n");
        return EXIT_FAILURE;
    }
    printf("%zu inputs replayed\n", count);
    return EXIT_SUCCESS;
}
