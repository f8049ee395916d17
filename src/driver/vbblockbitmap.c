/*
 * vbblockbitmap.c: keeping dirty bitmaps valid across commits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vbblockbitmap.h"
#include "vberror.h"
#include "vblog.h"
#include "vbmonitor.h"
#include "vbmonitorblock.h"
#include "vbqemublock.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* blockdev-reopen needs every option of the node again (left-out ones go
 * back to their defaults): the same props as on the command line, with the
 * read-only flag changed. */
static int
vbBlockBitmapReopen(vbDomainObj *vm, vbDomainDiskDef *disk, vbStorageSource *base, bool readonly)
{
    g_autoptr(vbJSONValue) options = vbQemuBlockReopenOptions(disk, base, readonly);
    vbMonitor *mon;
    int rc;

    if (!options)
        return -1;
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorBlockdevReopen(mon, &options);
    if (vbDomainObjExitMonitor(vm, mon) < 0)
        return -1;
    return rc;
}

int
vbBlockBitmapsCommitFinish(vbDomainObj *vm, vbDomainDiskDef *disk, vbStorageSource *top,
                           vbStorageSource *base, bool active)
{
    g_autoptr(GPtrArray) nodes = NULL;
    g_autoptr(vbJSONValue) actions = NULL;
    g_autoptr(GPtrArray) chain = g_ptr_array_new();
    vbStorageSource *s;
    vbMonitor *mon;
    int ret = -1;
    int rc;

    for (s = top; s && s->type != VB_STORAGE_TYPE_NONE; s = s->backingStore)
        g_ptr_array_add(chain, s->nodeFormat);
    g_ptr_array_add(chain, NULL);

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorQueryNamedBlockNodes(mon, &nodes);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;

    if (vbQemuBitmapCommitActions(nodes, (const char *const *) chain->pdata, base->nodeFormat,
                                  active, &actions) < 0)
        return -1;
    if (!actions)
        return 0;

    /* After a non-active commit QEMU has put base back to read-only. */
    if (!active && vbBlockBitmapReopen(vm, disk, base, false) < 0)
        return -1;

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorTransaction(mon, &actions);
    if (vbDomainObjExitMonitor(vm, mon) < 0)
        return -1;
    ret = rc;

    if (!active) {
        g_autoptr(vbError) saved = vbErrorSave();

        if (vbBlockBitmapReopen(vm, disk, base, true) < 0) {
            VB_WARN("cannot make '%s' read-only again: %s", base->path, vbGetLastErrorMessage());
            ret = -1;
        }
        if (saved)
            vbErrorRestore(&saved);
    }
    return ret;
}
