/*
 * vbqemuhostcpu.h: the CPU <cpu mode='host-model'> stands for
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt 9.0 turns host-model into a named model with features required
 * and disabled, computed from its own CPU map.  We have no CPU map: we ask
 * QEMU.  The target is QEMU's "max" CPU under the accelerator probed.  The
 * candidates are QEMU's named models (query-cpu-definitions) less "max",
 * "host", "base" and the versioned names another name is an alias of, so
 * that the friendly names libvirt uses ("EPYC", not "EPYC-v1") are chosen.
 * Each candidate's features are its static expansion; the chosen model is
 * the one whose set differs least from max's (features to add plus
 * features to remove; a tie goes to the name first in C order).  A model
 * with unavailable features competes too: they are among those removed,
 * as libvirt disables what its chosen model has and the host lacks.  The
 * features max has beyond the model are required, those it lacks are
 * disabled, each list in C order of QEMU's feature names.
 */

#pragma once

#include <glib.h>

#include "vbcpuconf.h"
#include "vbdomainconf.h"
#include "vbjson.h"
#include "vbmonitor.h"

/*
 * vbQemuHostCPUChoose:
 * @definitions: the query-cpu-definitions reply
 * @expansions: an object mapping each model name (and "max") to its
 *   query-cpu-model-expansion reply of type static
 * @vendor: the "vendor" property of max's full expansion ("AuthenticAMD")
 * Returns the host-model CPU as a custom vbCPUDef (match exact, check full,
 * fallback forbid), or NULL with an internal error for a malformed reply.
 */
vbCPUDef *vbQemuHostCPUChoose(const vbJSONValue *definitions, const vbJSONValue *expansions,
                              const char *vendor);

/* Asks QEMU on @mon (x86 only) and chooses as above. */
int vbQemuHostCPUProbe(vbMonitor *mon, vbCPUDef **cpu);

/*
 * vbQemuHostCPUUpdateDef:
 * At start: a host-model <cpu> of @def becomes @host (the probe of the
 * domain's accelerator) as libvirt shows it in the live definition, the
 * topology kept.  Nothing for other modes.  Returns 0, or -1 with
 * CONFIG_UNSUPPORTED when @host is NULL.
 */
int vbQemuHostCPUUpdateDef(vbDomainDef *def, const vbCPUDef *host);

/* The cache's form of a chosen CPU: {"model", "vendor", "require": [...],
 * "disable": [...]}.  FromJSON returns NULL (nothing reported) for a
 * malformed object: the cache is then stale. */
vbJSONValue *vbQemuHostCPUToJSON(const vbCPUDef *cpu);
vbCPUDef *vbQemuHostCPUFromJSON(const vbJSONValue *obj);
