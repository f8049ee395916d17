/*
 * vbqemustoragedaemon.h: the command line of a qemu-storage-daemon that
 * serves block jobs on a shut-off domain's images
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbdomainconf.h"

/* Every non-empty disk of @def (chains known and indexed) as -blockdev
 * nodes exactly as QEMU would open them, and QMP on @monitorPath. */
GStrv vbQemuStorageDaemonCommandBuild(const vbDomainDef *def, const char *binary,
                                      const char *monitorPath);
