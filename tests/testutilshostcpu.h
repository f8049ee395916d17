/*
 * testutilshostcpu.h: the host-model CPU of the recorded QEMU 7.2 (TCG)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbcpuconf.h"

/* Chosen from tests/qemucapsdata/qemu-7.2.0-x86_64.query-cpu-*.json, as
 * the probe chooses; NULL with the error printed. */
vbCPUDef *testHostCPULoad(void);
