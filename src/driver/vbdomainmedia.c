/*
 * vbdomainmedia.c: the medium of a cdrom changed (virDomainUpdateDeviceFlags)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `virsh change-media` sends the disk's XML with a new <source> (or none,
 * to eject).  As libvirt 9.0's qemuDomainChangeMediaBlockdev: the tray is
 * opened, the medium removed and its nodes deleted, the new image's nodes
 * added and inserted, its <iotune> set again, the tray closed.  Only the
 * medium may change; the persistent definition takes the new <source>
 * with VIR_DOMAIN_AFFECT_CONFIG.
 */

#include <string.h>

#include "vbinternal.h"
#include "vbblockjob.h"
#include "vbdomainmedia.h"
#include "vberror.h"
#include "vblog.h"
#include "vbmonitorblock.h"
#include "vbqemublock.h"
#include "vbstoragechain.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

/* The disk of @def that @disk updates; only its medium may differ. */
static vbDomainDiskDef *
vbDomainMediaFindDisk(vbDomainDef *def, const vbDomainDiskDef *disk, bool live)
{
    vbDomainDiskDef *orig = vbDomainDiskByName(def, disk->dst);

    if (!orig) {
        /* libvirt's codes and wording (without its final period) */
        if (live)
            vbReportError(VIR_ERR_INTERNAL_ERROR, _("disk '%s' not found"), disk->dst);
        else
            vbReportError(VIR_ERR_INVALID_ARG, _("target %s doesn't exist"), disk->dst);
        return NULL;
    }
    if (orig->device != disk->device || orig->bus != disk->bus) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, _("cannot modify field '%s' of the disk"),
                      orig->device != disk->device ? "device" : "bus");
        return NULL;
    }
    if (orig->device != VB_DOMAIN_DISK_DEVICE_CDROM &&
        (g_strcmp0(orig->src->path, disk->src->path) != 0 || !disk->src->path)) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      _("disk source can be changed only in removable drives"));
        return NULL;
    }
    return orig;
}

/* Deletes the format and storage nodes of @src, as far as they exist: a
 * failure is only logged (the medium is out of the device already). */
static void
vbDomainMediaDetachNodes(vbMonitor *mon, const vbStorageSource *src)
{
    if (vbStorageSourceIsEmpty(src))
        return;
    if (src->nodeFormat && vbMonitorBlockdevDel(mon, src->nodeFormat) < 0)
        VB_WARN("cannot delete node '%s': %s", src->nodeFormat, vbGetLastErrorMessage());
    if (src->nodeStorage && vbMonitorBlockdevDel(mon, src->nodeStorage) < 0)
        VB_WARN("cannot delete node '%s': %s", src->nodeStorage, vbGetLastErrorMessage());
}

/* libvirt's CHANGE_MEDIA_TIMEOUT: how long a guest may take to let go of
 * a tray it locked */
#define VB_DOMAIN_MEDIA_TRAY_TIMEOUT_US (5 * G_USEC_PER_SEC)

/* Opens the tray.  Without @force QEMU asks a guest that locked it, and
 * the DEVICE_TRAY_MOVED event says when it opened: waited for, as
 * libvirt's qemuHotplugWaitForTrayEject. */
static int
vbDomainMediaOpenTray(vbDomainObj *vm, vbDomainDiskDef *disk, const char *qomName, bool force)
{
    gint64 deadline = g_get_monotonic_time() + VB_DOMAIN_MEDIA_TRAY_TIMEOUT_US;
    vbMonitor *mon = vbDomainObjEnterMonitor(vm);
    int rc = vbMonitorBlockdevOpenTray(mon, qomName, force);

    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    if (force)
        return 0;
    /* the event comes before the reply when the tray was free */
    while (!disk->trayOpen) {
        if (!vbDomainObjWaitUntil(vm, deadline) && !disk->trayOpen) {
            vbReportError(VIR_ERR_OPERATION_FAILED, _("timed out waiting to open tray of '%s'"),
                          disk->dst);
            return -1;
        }
        if (vbDomainObjCheckActive(vm) < 0)
            return -1;
    }
    return 0;
}

/* The QMP sequence; @disk has the new source in place while its node
 * properties are built.  The caller holds a MODIFY job. */
static int
vbDomainMediaChangeLive(vbDomainObj *vm, vbDomainDiskDef *disk, vbStorageSource *newsrc, bool force)
{
    g_autoptr(vbJSONValue) storageProps = NULL;
    g_autoptr(vbJSONValue) formatProps = NULL;
    g_autofree char *qomName = vbQemuBlockDiskQomName(disk);
    vbStorageSource *oldsrc = disk->src;
    bool added = false;
    vbMonitor *mon;
    int rc;

    if (!vbStorageSourceIsEmpty(newsrc)) {
        disk->src = newsrc;
        storageProps = vbQemuBlockStorageProps(disk, newsrc);
        formatProps = vbQemuBlockFormatProps(disk, newsrc, VB_QEMU_BLOCK_NODE_TOP);
        disk->src = oldsrc;
        if (!storageProps || !formatProps)
            return -1;
    }

    if (!disk->trayOpen && vbDomainMediaOpenTray(vm, disk, qomName, force) < 0)
        return -1;

    mon = vbDomainObjEnterMonitor(vm);
    rc = vbMonitorBlockdevRemoveMedium(mon, qomName);
    if (rc == 0)
        vbDomainMediaDetachNodes(mon, oldsrc);
    if (rc == 0 && storageProps) {
        rc = vbMonitorBlockdevAdd(mon, &storageProps);
        if (rc == 0 && (rc = vbMonitorBlockdevAdd(mon, &formatProps)) < 0)
            vbMonitorBlockdevDel(mon, newsrc->nodeStorage);
        added = rc == 0;
        if (rc == 0)
            rc = vbMonitorBlockdevInsertMedium(mon, qomName, newsrc->nodeFormat);
        /* QEMU forgets the limits with the medium */
        if (rc == 0 && vbDomainIoTuneHasAny(&disk->iotune))
            rc = vbMonitorBlockSetIoThrottle(mon, qomName, &disk->iotune);
    }
    if (rc == 0)
        rc = vbMonitorBlockdevCloseTray(mon, qomName);
    if (rc < 0 && added) {
        g_autoptr(vbError) saved = vbErrorSave();

        vbDomainMediaDetachNodes(mon, newsrc);
        vbErrorRestore(&saved);
    }
    if (vbDomainObjExitMonitor(vm, mon) < 0 || rc < 0)
        return -1;
    return 0;
}

static int
vbDomainMediaUpdateLive(vbDomainObj *vm, const vbDomainDiskDef *newdisk, bool force)
{
    g_autoptr(vbStorageSource) newsrc = NULL;
    vbDomainDiskDef *disk;

    if (!(disk = vbDomainMediaFindDisk(vm->def, newdisk, true)))
        return -1;
    /* the same medium (or none again): nothing to do, as libvirt */
    if (disk->device != VB_DOMAIN_DISK_DEVICE_CDROM ||
        g_strcmp0(disk->src->path, newdisk->src->path) == 0)
        return 0;
    if (vbBlockJobForDisk(vm, disk->dst)) {
        vbReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      _("can't change media while a block job is running on the device"));
        return -1;
    }

    newsrc = vbStorageSourceCopy(newdisk->src, true);
    if (!vbStorageSourceIsEmpty(newsrc)) {
        if (vbStorageChainProbe(newsrc, VB_STORAGE_CHAIN_MAX_DEPTH) < 0)
            return -1;
        if (vbStorageSourceHasBacking(newsrc)) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("cdrom '%s' cannot have a backing chain"),
                          disk->dst);
            return -1;
        }
        vbStorageChainAssignIndexes(newsrc, &vm->nodenameIndex);
    }
    if (vm->dacLabel && !vbStorageSourceIsEmpty(newsrc) &&
        vbSecurityDACSetSource(vm->dacLabel, newsrc, false) < 0)
        return -1;
    if (vbDomainMediaChangeLive(vm, disk, newsrc, force) < 0) {
        if (vm->dacLabel && !vbStorageSourceIsEmpty(newsrc))
            vbSecurityDACRestoreSource(vm->dacLabel, newsrc, false);
        return -1;
    }
    /* the old medium is QEMU's no more */
    if (vm->dacLabel && !vbStorageSourceIsEmpty(disk->src))
        vbSecurityDACRestoreSource(vm->dacLabel, disk->src, false);

    vbStorageSourceFree(disk->src);
    disk->src = g_steal_pointer(&newsrc);
    if (vbDomainObjSaveStatus(vm) < 0)
        VB_WARN("cannot save status: %s", vbGetLastErrorMessage());
    return 0;
}

static int
vbDomainMediaUpdateConfig(vbDomainObj *vm, const vbDomainDiskDef *newdisk)
{
    vbDomainDef *persistent = vbDomainObjGetPersistentDef(vm);
    g_autoptr(vbStorageSource) oldsrc = NULL;
    vbDomainDiskDef *disk;

    if (!(disk = vbDomainMediaFindDisk(persistent, newdisk, false)))
        return -1;
    oldsrc = g_steal_pointer(&disk->src);
    disk->src = vbStorageSourceCopy(newdisk->src, true);
    if (vbDomainObjSaveConfig(vm) < 0) {
        g_autoptr(vbError) saved = vbErrorSave();

        vbStorageSourceFree(disk->src);
        disk->src = g_steal_pointer(&oldsrc);
        vbErrorRestore(&saved);
        return -1;
    }
    return 0;
}

int
vbDomainMediaUpdate(vbDomainObj *vm, vbDomainDiskDef *newdisk, unsigned int flags)
{
    if (vbDomainDiskDefPostParse(newdisk) < 0)
        return -1;
    /* the definition the new medium must fit: the live one, else the
     * persistent one */
    if (vbDomainDiskDefValidate(flags & VIR_DOMAIN_AFFECT_LIVE ? vm->def
                                                               : vbDomainObjGetPersistentDef(vm),
                                newdisk) < 0)
        return -1;

    /* as libvirt: the persistent definition is saved once the live
     * change went through */
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) &&
        vbDomainMediaUpdateLive(vm, newdisk, flags & VIR_DOMAIN_DEVICE_MODIFY_FORCE) < 0)
        return -1;
    if ((flags & VIR_DOMAIN_AFFECT_CONFIG) && vbDomainMediaUpdateConfig(vm, newdisk) < 0)
        return -1;
    return 0;
}
