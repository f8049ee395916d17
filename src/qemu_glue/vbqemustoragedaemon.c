/*
 * vbqemustoragedaemon.c: the command line of a qemu-storage-daemon that
 * serves block jobs on a shut-off domain's images
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vberror.h"
#include "vbqemublock.h"
#include "vbqemustoragedaemon.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* Bottom-up: a format node names its backing node, which must exist. */
static int
vbQemuStorageDaemonAddChain(GPtrArray *argv, const vbDomainDiskDef *disk)
{
    g_autoptr(GPtrArray) chain = g_ptr_array_new();
    const vbStorageSource *s;
    guint i;

    for (s = disk->src; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore)
        g_ptr_array_add(chain, (gpointer) s);

    for (i = chain->len; i > 0; i--) {
        const vbStorageSource *src = g_ptr_array_index(chain, i - 1);
        unsigned int flags = src == disk->src ? VB_QEMU_BLOCK_NODE_TOP : 0;
        g_autoptr(vbJSONValue) storage = vbQemuBlockStorageProps(disk, src);
        g_autoptr(vbJSONValue) format = NULL;

        if (!storage || !(format = vbQemuBlockFormatProps(disk, src, flags)))
            return -1;
        g_ptr_array_add(argv, g_strdup("--blockdev"));
        g_ptr_array_add(argv, vbJSONValueToString(storage, false));
        g_ptr_array_add(argv, g_strdup("--blockdev"));
        g_ptr_array_add(argv, vbJSONValueToString(format, false));
    }
    return 0;
}

GStrv
vbQemuStorageDaemonCommandBuild(const vbDomainDef *def, const char *binary, const char *monitorPath)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    g_ptr_array_add(argv, g_strdup(binary));
    g_ptr_array_add(argv, g_strdup("--chardev"));
    g_ptr_array_add(
        argv, g_strdup_printf("socket,id=charmonitor,path=%s,server=on,wait=off", monitorPath));
    g_ptr_array_add(argv, g_strdup("--monitor"));
    g_ptr_array_add(argv, g_strdup("chardev=charmonitor"));

    for (i = 0; i < def->ndisks; i++) {
        const vbDomainDiskDef *disk = def->disks[i];

        /* A cdrom is never committed; an empty drive has nothing to open. */
        if (disk->device == VB_DOMAIN_DISK_DEVICE_CDROM || vbStorageSourceIsEmpty(disk->src))
            continue;
        if (vbQemuStorageDaemonAddChain(argv, disk) < 0)
            return NULL;
    }
    g_ptr_array_add(argv, NULL);
    return (GStrv) g_ptr_array_steal(argv, NULL);
}
