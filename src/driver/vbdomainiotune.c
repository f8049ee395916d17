/*
 * vbdomainiotune.c: a disk's I/O limits read back (virDomainGetBlockIoTune)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt 9.0's qemuDomainGetBlockIoTune: the live values are what
 * QEMU applies (query-block, where QEMU names the group when the
 * definition does not), the persistent ones the definition's.  Setting
 * them (virDomainSetBlockIoTune) is not served.
 */

#include <string.h>

#include "vbinternal.h"
#include "vbdomainiotune.h"
#include "vberror.h"
#include "vbmonitorblock.h"
#include "vbqemublock.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* A disk by target, or by the path of its medium (libvirt's
 * virDomainDiskByName with paths allowed) */
static vbDomainDiskDef *
vbDomainIoTuneFindDisk(vbDomainDef *def, const char *name)
{
    vbDomainDiskDef *disk = vbDomainDiskByName(def, name);
    size_t i;

    for (i = 0; !disk && i < def->ndisks; i++) {
        if (g_strcmp0(def->disks[i]->src->path, name) == 0)
            disk = def->disks[i];
    }
    return disk;
}

static int
vbDomainIoTuneGetLive(vbDomainObj *vm, const char *name, vbDomainIoTune *iotune)
{
    g_autofree char *qomName = NULL;
    vbDomainDiskDef *disk;
    vbMonitor *mon;
    int rc;

    if (!name || !(disk = vbDomainIoTuneFindDisk(vm->def, name))) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_INVALID_ARG, _("disk '%s' not found in domain"), NULLSTR(name));
        return -1;
    }
    qomName = vbQemuBlockDiskQomName(disk);
    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorQueryBlockIoThrottle(mon, qomName, iotune);
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    return 0;
}

static int
vbDomainIoTuneGetConfig(vbDomainObj *vm, const char *name, vbDomainIoTune *iotune)
{
    vbDomainDiskDef *disk;

    if (!name || !(disk = vbDomainIoTuneFindDisk(vbDomainObjGetPersistentDef(vm), name))) {
        /* libvirt's wording */
        vbReportError(VIR_ERR_INVALID_ARG, _("disk '%s' was not found in the domain config"),
                      NULLSTR(name));
        return -1;
    }
    *iotune = disk->iotune;
    iotune->groupName = g_strdup(disk->iotune.groupName);
    return 0;
}

#define VB_GET_BLOCK_IO_TUNE_KNOWN_FLAGS \
    (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG | VIR_TYPED_PARAM_STRING_OKAY)

int
vbDomainGetBlockIoTune(vbDriver *driver, const vbDomainHandle *dom, const char *disk, int *nparams,
                       vbDomainIoTune *iotune, unsigned int flags)
{
    vbDomainObj *vm;
    int ret = -1;

    memset(iotune, 0, sizeof(*iotune));
    vbCheckFlagsFunc(flags, VB_GET_BLOCK_IO_TUNE_KNOWN_FLAGS, "qemuDomainGetBlockIoTune", -1);
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && (flags & VIR_DOMAIN_AFFECT_CONFIG)) {
        /* libvirt's client-side check, with its wording */
        vbReportError(
            VIR_ERR_INVALID_ARG, "%s",
            _("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive"));
        return -1;
    }
    if (!(vm = vbDomainObjFromHandle(driver, dom)))
        return -1;
    if (vbDomainObjBeginJob(vm, VB_JOB_QUERY) < 0)
        goto cleanup;

    /* libvirt's virDomainObjGetDefs */
    if (!(flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)))
        flags |= vbDomainObjIsActive(vm) ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && vbDomainObjCheckActive(vm) < 0)
        goto endjob;
    if ((flags & VIR_DOMAIN_AFFECT_CONFIG) && !vm->persistent) {
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      _("transient domains do not have any persistent config"));
        goto endjob;
    }

    if (*nparams == 0) {
        *nparams = VB_DOMAIN_BLOCK_IO_TUNE_NPARAMS;
        ret = 0;
        goto endjob;
    }
    if (flags & VIR_DOMAIN_AFFECT_LIVE)
        ret = vbDomainIoTuneGetLive(vm, disk, iotune);
    else
        ret = vbDomainIoTuneGetConfig(vm, disk, iotune);

endjob:
    vbDomainObjEndJob(vm, VB_JOB_QUERY);
cleanup:
    vbDomainObjEndAPI(&vm);
    return ret;
}
