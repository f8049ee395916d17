/*
 * vbqemuhost.h: the host as libvirt's QEMU driver describes it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Facts about the host (CPUs and their topology, NUMA cells, memory,
 * caches, SMBIOS strings) read from procfs and sysfs, as libvirt reads
 * them for virNodeGetInfo, virConnectGetSysinfo and the <host> part of
 * virConnectGetCapabilities; the statistics are in vbqemuhoststats.h.
 *
 * Every function reads below @root ("/" on a real host; tests pass a
 * directory holding proc/ and sys/ files), and takes the machine name
 * uname(2) gives ("x86_64") as @arch, so that no output depends on the
 * machine running the tests.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbcapabilities.h"
#include "vbqemucaps.h"
#include "vbsysinfo.h"

typedef struct _vbQemuHostNodeInfo vbQemuHostNodeInfo;
struct _vbQemuHostNodeInfo {
    char model[32]; /* the machine name, NUL-terminated */
    unsigned long long memoryKiB;
    unsigned int cpus; /* online */
    unsigned int mhz;
    unsigned int nodes;
    unsigned int sockets; /* per node */
    unsigned int dies;    /* per socket (capabilities only) */
    unsigned int cores;   /* per die */
    unsigned int threads; /* per core */
};

/* virNodeGetInfo */
int vbQemuHostGetNodeInfo(const char *root, const char *arch, vbQemuHostNodeInfo *info);

/* The host part of @caps: arch, CPU topology, page sizes, cells */
int vbQemuHostFillCaps(const char *root, const char *arch, vbCaps *caps);

/* libvirt's name of the architecture QEMU calls @qemuArch ("i386" is
 * "i686"); the wordsize in *@wordsize; NULL for one we do not know. */
const char *vbQemuHostArchFromQEMU(const char *qemuArch, unsigned int *wordsize);

/* A <guest> of @caps for the emulator @qemuCaps describes, with its
 * machine types and an alias beside each aliased machine */
void vbQemuHostAddGuest(vbCaps *caps, const vbQemuCaps *qemuCaps);

/*
 * virConnectGetSysinfo's data: the kernel's DMI attributes
 * (sys/class/dmi/id), those it lets us read; NULL, reporting nothing,
 * when there are none.
 */
vbSysinfo *vbQemuHostGetSysinfo(const char *root);

/* The most vCPUs a KVM guest may have, as the kernel says; -1 with a
 * system error when /dev/kvm cannot be opened */
int vbQemuHostGetKVMMaxVCPUs(void);
