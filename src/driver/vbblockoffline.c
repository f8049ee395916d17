/*
 * vbblockoffline.c: block jobs on the images of a shut-off domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vbblockoffline.h"
#include "vbdomainprocess.h"
#include "vberror.h"
#include "vblog.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* The persistent definition back in vm->def. */
static void
vbBlockOfflineRestoreDef(vbDomainObj *vm)
{
    if (vm->newDef) {
        vbDomainDefFree(vm->def);
        vm->def = g_steal_pointer(&vm->newDef);
    }
}

int
vbBlockOfflinePrepare(vbDriver *driver, vbDomainObj *vm)
{
    if (vm->offline)
        return 0;
    g_return_val_if_fail(!vbDomainObjIsActive(vm) && !vm->newDef, -1);

    vm->newDef = g_steal_pointer(&vm->def);
    if (!(vm->def = vbDomainDefCopy(vm->newDef, 0)) ||
        vbDomainProcessPrepareDisks(driver, vm) < 0) {
        vbBlockOfflineRestoreDef(vm);
        return -1;
    }
    return 0;
}

int
vbBlockOfflineStart(vbDriver *driver, vbDomainObj *vm)
{
    if (vm->offline)
        return 0;
    return vbDomainProcessStartStorageDaemon(driver, vm);
}

void
vbBlockOfflineAbort(vbDriver *driver, vbDomainObj *vm)
{
    if (g_hash_table_size(vm->blockjobs) > 0)
        return;
    vbDomainProcessStopStorageDaemon(driver, vm);
}

void
vbBlockOfflineStopIfIdle(vbDriver *driver, vbDomainObj *vm)
{
    if (!vm->offline || g_hash_table_size(vm->blockjobs) > 0)
        return;
    VB_INFO("last block job of shut-off domain '%s' ended; stopping its storage daemon",
            vm->def->name);
    vbDomainProcessStopStorageDaemon(driver, vm);
}

void
vbBlockOfflineHandleJobsEnded(vbDriver *driver, vbDomainObj *vm)
{
    vbDomainObjLock(vm);
    if (vbDomainObjBeginJob(vm, VB_JOB_MODIFY) < 0) {
        /* The next API that needs the images stops it (vbBlockOfflineStopIfIdle). */
        VB_ERROR("cannot stop the storage daemon of domain '%s': %s", vm->def->name,
                 vbGetLastErrorMessage());
        vbDomainObjUnlock(vm);
        return;
    }
    /* A job started meanwhile keeps the storage daemon. */
    vbBlockOfflineStopIfIdle(driver, vm);
    vbDomainObjEndJob(vm, VB_JOB_MODIFY);
    vbDomainObjUnlock(vm);
}
