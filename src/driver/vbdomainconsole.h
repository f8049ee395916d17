/*
 * vbdomainconsole.h: the console of a running domain, as a stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "vbinternal.h"
#include "vbdomainhandle.h"
#include "vbdriverconf.h"
#include "vbfdstream.h"

/*
 * virDomainOpenConsole: the pty of the character device @devname (an
 * alias: consoles first, then serials), or of the first console or else
 * the first serial when @devname is NULL.  One client at a time per pty:
 * another open fails with OPERATION_FAILED unless @flags has
 * VIR_DOMAIN_CONSOLE_FORCE, which aborts the current stream.  Returns the
 * stream (the caller's reference) with the pty in raw mode, or NULL.
 */
vbFDStream *vbDomainOpenConsole(vbDriver *driver, const vbDomainHandle *dom, const char *devname,
                                unsigned int flags);
