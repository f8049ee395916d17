/*
 * vbqemuimg.c: creating images, and their dirty bitmaps, with qemu-img
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <string.h>

#include "vbcommand.h"
#include "vberror.h"
#include "vbjson.h"
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

/* The largest answer of qemu-img info read: a header lists at most 65535
 * bitmaps, in far less */
#define VB_QEMU_IMG_INFO_MAX (16 * 1024 * 1024)

/* Runs @argv (qemu-img, NULL-terminated here) with @fd as its
 * descriptor 3.  Returns its exit status with its standard error in
 * @err, or -1 with the error reported (it could not run, or timed out). */
static int
vbQemuImgRun(GPtrArray *argv, int fd, char **out, char **err)
{
    int status;
    int rc;

    g_ptr_array_add(argv, NULL);
    if (out)
        rc = vbCommandRunOutput((const char *const *) argv->pdata, fd, VB_COMMAND_TIMEOUT_DEFAULT,
                                VB_QEMU_IMG_INFO_MAX, &status, out, err);
    else
        rc = vbCommandRun((const char *const *) argv->pdata, fd, VB_COMMAND_TIMEOUT_DEFAULT,
                          &status, err);
    return rc < 0 ? -1 : status;
}

static int
vbQemuImgBitmapParse(vbJSONValue *entry, const char *path, GPtrArray *bitmaps)
{
    g_autofree vbMonitorBitmapInfo *info = g_new0(vbMonitorBitmapInfo, 1);
    vbJSONValue *flags = vbJSONValueObjectGetArray(entry, "flags");
    const char *name = vbJSONValueObjectGetString(entry, "name");
    size_t i;

    if (!name || !flags ||
        vbJSONValueObjectGetNumberUlong(entry, "granularity", &info->granularity) < 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("qemu-img info lists a bitmap of '%s' without name, granularity or flags"),
                      path);
        return -1;
    }
    info->persistent = true;
    for (i = 0; i < vbJSONValueArraySize(flags); i++) {
        const char *flag = vbJSONValueGetString(vbJSONValueArrayGet(flags, i));

        if (g_strcmp0(flag, "auto") == 0)
            info->recording = true;
        else if (g_strcmp0(flag, "in-use") == 0)
            info->inconsistent = true;
    }
    info->name = g_strdup(name);
    g_ptr_array_add(bitmaps, g_steal_pointer(&info));
    return 0;
}

vbMonitorBlockNodeInfo *
vbQemuImgBitmapsRead(const char *binary, const char *path)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(vbMonitorBlockNodeInfo) node = g_new0(vbMonitorBlockNodeInfo, 1);
    g_autoptr(vbJSONValue) info = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    vbJSONValue *data;
    int rc;
    vbJSONValue *bitmaps;
    size_t i;

    g_ptr_array_add(argv, g_strdup(binary));
    g_ptr_array_add(argv, g_strdup("info"));
    g_ptr_array_add(argv, g_strdup("--output=json"));
    g_ptr_array_add(argv, g_strdup("-f"));
    g_ptr_array_add(argv, g_strdup("qcow2"));
    g_ptr_array_add(argv, g_strdup("--"));
    g_ptr_array_add(argv, g_strdup(path));
    if ((rc = vbQemuImgRun(argv, -1, &out, &err)) != 0) {
        if (rc > 0)
            vbReportError(VIR_ERR_OPERATION_FAILED, _("cannot read the dirty bitmaps of '%s': %s"),
                          path, err);
        return NULL;
    }
    if (!(info = vbJSONValueFromString(out)))
        return NULL;

    node->nodeName = g_strdup(path);
    node->file = g_strdup(path);
    node->driver = g_strdup("qcow2");
    if (vbJSONValueObjectGetNumberUlong(info, "virtual-size", &node->virtualSize) < 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("qemu-img info gives no virtual size for '%s'"),
                      path);
        return NULL;
    }
    node->bitmaps = g_ptr_array_new_with_free_func(vbMonitorBitmapInfoFree);
    data = vbJSONValueObjectGetObject(vbJSONValueObjectGetObject(info, "format-specific"), "data");
    bitmaps = data ? vbJSONValueObjectGetArray(data, "bitmaps") : NULL;
    for (i = 0; bitmaps && i < vbJSONValueArraySize(bitmaps); i++) {
        if (vbQemuImgBitmapParse(vbJSONValueArrayGet(bitmaps, i), path, node->bitmaps) < 0)
            return NULL;
    }
    return g_steal_pointer(&node);
}

/* `qemu-img bitmap -f qcow2 OPTS -- /dev/fd/N NAME` on the image open as
 * @fd; the return and @err as vbQemuImgRun's */
static int
vbQemuImgBitmapRun(const char *binary, int fd, const char *name, const char *const *opts,
                   char **err)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    g_ptr_array_add(argv, g_strdup(binary));
    g_ptr_array_add(argv, g_strdup("bitmap"));
    g_ptr_array_add(argv, g_strdup("-f"));
    g_ptr_array_add(argv, g_strdup("qcow2"));
    for (i = 0; opts[i]; i++)
        g_ptr_array_add(argv, g_strdup(opts[i]));
    g_ptr_array_add(argv, g_strdup("--"));
    g_ptr_array_add(argv, g_strdup_printf("/dev/fd/%d", VB_COMMAND_PASS_FD));
    g_ptr_array_add(argv, g_strdup(name));
    return vbQemuImgRun(argv, fd, NULL, err);
}

int
vbQemuImgBitmapAdd(const char *binary, const char *path, int fd, const char *name,
                   unsigned long long granularity)
{
    g_autofree char *gran = g_strdup_printf("%llu", granularity);
    const char *const opts[] = {"--add", "-g", gran, NULL};
    g_autofree char *err = NULL;
    int rc;

    VB_DEBUG("adding bitmap '%s' (granularity %llu) to '%s'", name, granularity, path);
    if ((rc = vbQemuImgBitmapRun(binary, fd, name, opts, &err)) != 0) {
        if (rc > 0)
            vbReportError(VIR_ERR_OPERATION_FAILED, _("cannot add dirty bitmap '%s' to '%s': %s"),
                          name, path, err);
        return -1;
    }
    return 0;
}

int
vbQemuImgBitmapMerge(const char *binary, const char *path, int fd, const char *name,
                     const char *source)
{
    const char *const opts[] = {"--merge", name, "-b", source, "-F", "qcow2", NULL};
    g_autofree char *err = NULL;
    int rc;

    VB_DEBUG("merging bitmap '%s' of '%s' into '%s'", name, source, path);
    if ((rc = vbQemuImgBitmapRun(binary, fd, name, opts, &err)) != 0) {
        if (rc > 0)
            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("cannot merge dirty bitmap '%s' of '%s' into '%s': %s"), name, source,
                          path, err);
        return -1;
    }
    return 0;
}

int
vbQemuImgBitmapRemove(const char *binary, const char *path, int fd, const char *name)
{
    const char *const opts[] = {"--remove", NULL};
    g_autofree char *err = NULL;
    int rc;

    VB_DEBUG("removing bitmap '%s' from '%s'", name, path);
    if ((rc = vbQemuImgBitmapRun(binary, fd, name, opts, &err)) != 0) {
        if (rc > 0)
            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("cannot remove dirty bitmap '%s' from '%s': %s"), name, path, err);
        return -1;
    }
    return 0;
}
