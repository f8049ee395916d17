/*
 * vbqemuhostpriv.h: what vbqemuhost.c and vbqemuhoststats.c share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#ifndef VB_QEMU_HOST_PRIV_H_ALLOW
#    error "vbqemuhostpriv.h may only be included by vbqemuhost.c and vbqemuhoststats.c"
#endif

#include <glib.h>
#include <stdbool.h>

#define VB_QEMU_HOST_NODE_DIR "sys/devices/system/node"
#define VB_QEMU_HOST_CPU_DIR "sys/devices/system/cpu"

/* @root/@rel's text; reports when it cannot be read */
char *vbQemuHostRead(const char *root, const char *rel);

/* The value of @key in a meminfo text ("MemTotal:" or, in a node's,
 * "Node 0 MemTotal:"), in KiB; false when absent */
bool vbQemuHostMeminfoGet(const char *text, const char *key, unsigned long long *kib);

/* The numbers of the NUMA nodes sysfs lists, sorted; empty on a kernel
 * without NUMA */
GArray *vbQemuHostListNodes(const char *root);
