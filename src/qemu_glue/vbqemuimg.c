/*
 * vbqemuimg.c: creating images with qemu-img
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbcommand.h"
#include "vberror.h"
#include "vblog.h"
#include "vbqemuimg.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

int
vbQemuImgCreate(const char *binary, const char *path, int fd, vbStorageFormat format,
                unsigned long long capacity, const char *backingPath, vbStorageFormat backingFormat)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *err = NULL;
    int status;

    g_ptr_array_add(argv, g_strdup(binary));
    g_ptr_array_add(argv, g_strdup("create"));
    g_ptr_array_add(argv, g_strdup("-q"));
    g_ptr_array_add(argv, g_strdup("-f"));
    g_ptr_array_add(argv, g_strdup(vbStorageFormatTypeToString(format)));
    if (backingPath) {
        g_ptr_array_add(argv, g_strdup("-b"));
        g_ptr_array_add(argv, g_strdup(backingPath));
        g_ptr_array_add(argv, g_strdup("-F"));
        g_ptr_array_add(argv, g_strdup(vbStorageFormatTypeToString(backingFormat)));
    }
    /* "--" so that a path starting with '-' is never an option */
    g_ptr_array_add(argv, g_strdup("--"));
    g_ptr_array_add(argv, g_strdup_printf("/dev/fd/%d", VB_COMMAND_PASS_FD));
    if (capacity || !backingPath)
        g_ptr_array_add(argv, g_strdup_printf("%lluB", capacity));
    g_ptr_array_add(argv, NULL);

    VB_DEBUG("creating %s image '%s' of %llu bytes", vbStorageFormatTypeToString(format), path,
             capacity);
    if (vbCommandRun((const char *const *) argv->pdata, fd, VB_COMMAND_TIMEOUT_DEFAULT, &status,
                     &err) < 0)
        return -1;
    if (status != 0) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("cannot create image '%s': %s"), path, err);
        return -1;
    }
    return 0;
}
