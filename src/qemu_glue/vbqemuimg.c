/*
 * vbqemuimg.c: creating images with qemu-img
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>

#include <gio/gio.h>

#include "vberror.h"
#include "vblog.h"
#include "vbqemuimg.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

/* The descriptor qemu-img finds the new image on */
#define VB_QEMU_IMG_FD 3

int
vbQemuImgCreate(const char *binary, const char *path, int fd, vbStorageFormat format,
                unsigned long long capacity, const char *backingPath, vbStorageFormat backingFormat)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    int childfd;

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
    g_ptr_array_add(argv, g_strdup_printf("/dev/fd/%d", VB_QEMU_IMG_FD));
    if (capacity || !backingPath)
        g_ptr_array_add(argv, g_strdup_printf("%lluB", capacity));
    g_ptr_array_add(argv, NULL);

    VB_DEBUG("creating %s image '%s' of %llu bytes", vbStorageFormatTypeToString(format), path,
             capacity);
    if ((childfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
        vbReportSystemError(errno, _("cannot create image '%s'"), path);
        return -1;
    }
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                         G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_subprocess_launcher_take_fd(launcher, childfd, VB_QEMU_IMG_FD);
    if (!(proc =
              g_subprocess_launcher_spawnv(launcher, (const char *const *) argv->pdata, &gerr)) ||
        !g_subprocess_communicate_utf8(proc, NULL, NULL, NULL, &err, &gerr)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("cannot create image '%s': %s"), path,
                      gerr->message);
        return -1;
    }
    if (!g_subprocess_get_successful(proc)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("cannot create image '%s': %s"), path,
                      err ? g_strstrip(err) : "");
        return -1;
    }
    return 0;
}
