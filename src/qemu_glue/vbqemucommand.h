/*
 * vbqemucommand.h: the QEMU command line of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbdomainconf.h"

/* Used when the definition names no <emulator>. */
#define VB_QEMU_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"

/* Where a VNC server listens when the definition says nowhere: libvirt's
 * default vnc_listen of qemu.conf, the local host only. */
#define VB_QEMU_VNC_LISTEN_DEFAULT "127.0.0.1"

typedef struct _vbQemuCommandOptions vbQemuCommandOptions;
struct _vbQemuCommandOptions {
    /* Path of the QMP socket QEMU listens on (server=on,wait=off). */
    const char *monitorPath;
    /* /dev/kvm can be opened: a domain of type 'kvm' may start. */
    bool kvmUsable;
    /* The host's time (seconds since the epoch) the guest's clock of
     * <clock offset='variable'> is computed from; 0: now.  Tests fix it. */
    gint64 now;
    /* The host's SMBIOS tables for <smbios mode='host'/>; NULL: unknown. */
    const vbSysinfo *hostSysinfo;
    /* qemu.conf's seccomp_sandbox = 0: "-sandbox off" instead of QEMU's
     * seccomp filter (-sandbox on,obsolete=deny,...), as libvirt */
    bool noSeccompSandbox;
    /* /dev/vhost-net can be opened: a virtio interface on a tap gets
     * vhost-net descriptors besides its tap's */
    bool vhostNet;
    /* "-incoming defer": QEMU waits for migrate-incoming to load the
     * guest's state (a memory snapshot restored) */
    bool incomingDefer;
};

/* The first descriptor QEMU is handed besides stdin, stdout and stderr.
 * The interfaces' tap and vhost-net descriptors follow one another from
 * there: for each interface in order, its tap queues, then its vhost-net
 * descriptors (vbQemuDeviceNetTapFdCount says how many); the driver
 * passes them at these numbers. */
#define VB_QEMU_COMMAND_PASSED_FD_FIRST 3

/*
 * vbQemuCommandBuild:
 * The argv (emulator first) that starts @def.
 *
 * QEMU always starts with -S, its vCPUs stopped: the driver connects to
 * the monitor, finishes its setup and then sends "cont", unless the domain
 * was started paused.  Nothing of the starting mode is therefore in the
 * command line.  -no-shutdown keeps QEMU alive after the guest powers off,
 * so the driver sees the SHUTDOWN event and decides (as libvirtd does).
 *
 * Devices come after the machine options, each family in libvirt's order
 * (controllers, disks with their -blockdev nodes, serial ports, inputs,
 * the VNC server, videos): every
 * device's check (vbqemudevice.h) runs first, then each -device is the
 * device's props object in QEMU's key=value syntax.
 *
 * Preconditions, bugs of the caller if not met (VIR_ERR_INTERNAL_ERROR):
 * every chain is probed and indexed (each image has nodeFormat and
 * nodeStorage, each qcow2 image a known backingStore), and
 * vbQemuDomainAssignAddresses() has run on @def.
 *
 * Returns a NULL-terminated argv to free with g_strfreev, or NULL with an
 * error reported: VIR_ERR_CONFIG_UNSUPPORTED naming the disk, controller or
 * setting that cannot be built (a virtio cdrom, SATA on a 'pc' machine,
 * io='native' without cache='none', type 'kvm' without /dev/kvm).
 */
GStrv vbQemuCommandBuild(const vbDomainDef *def, const vbQemuCommandOptions *opts);

/* The environment QEMU runs in: the daemon's, with TZ set for <clock
 * offset='timezone'>; NULL when the daemon's serves as it is. */
GStrv vbQemuCommandBuildEnv(const vbDomainDef *def);
