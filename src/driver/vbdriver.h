/*
 * vbdriver.h: the QEMU driver: its directories, threads and domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbinternal.h"
#include "vbdriverconf.h"

/* Creates the directories and threads; @mainCtx is where client events are
 * flushed.  Takes @cfg on success only.  Domains are loaded by
 * vbDriverLoadDomains(). */
vbDriver *vbDriverNew(vbDriverConfig *cfg, GMainContext *mainCtx);
/* Loads persistent definitions and status files, reconnects to running
 * QEMUs, then, the first time since the host booted, starts the domains
 * marked for autostart.  A domain that cannot be loaded or started is
 * logged and skipped. */
int vbDriverLoadDomains(vbDriver *driver);
/* Wakes every API call waiting for a job to end, so that the RPC server
 * can stop its workers; they fail with "the daemon is shutting down". */
void vbDriverBeginShutdown(vbDriver *driver);
/* Stops the threads; running domains keep running. */
void vbDriverFree(vbDriver *driver);
