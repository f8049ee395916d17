/*
 * vbdomainwatchdogconf.h: the <watchdog> device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "vbenum.h"
#include "vbdomaindeviceconf.h"

/* libvirt 9.0's x86 models; 'diag288' (s390) is refused as unsupported */
typedef enum {
    VB_DOMAIN_WATCHDOG_MODEL_I6300ESB = 0,
    VB_DOMAIN_WATCHDOG_MODEL_IB700,

    VB_DOMAIN_WATCHDOG_MODEL_LAST
} vbDomainWatchdogModel;
VB_ENUM_DECL(vbDomainWatchdogModel);

/* What QEMU does when the guest stops feeding the watchdog; 'reset' when
 * the attribute is absent, as in libvirt */
typedef enum {
    VB_DOMAIN_WATCHDOG_ACTION_RESET = 0,
    VB_DOMAIN_WATCHDOG_ACTION_SHUTDOWN,
    VB_DOMAIN_WATCHDOG_ACTION_POWEROFF,
    VB_DOMAIN_WATCHDOG_ACTION_PAUSE,
    VB_DOMAIN_WATCHDOG_ACTION_DUMP,
    VB_DOMAIN_WATCHDOG_ACTION_NONE,
    VB_DOMAIN_WATCHDOG_ACTION_INJECTNMI,

    VB_DOMAIN_WATCHDOG_ACTION_LAST
} vbDomainWatchdogAction;
VB_ENUM_DECL(vbDomainWatchdogAction);

struct _vbDomainWatchdogDef {
    vbDomainWatchdogModel model;
    vbDomainWatchdogAction action;
    vbDomainDeviceInfo info;
};

void vbDomainWatchdogDefFree(vbDomainWatchdogDef *watchdog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainWatchdogDef, vbDomainWatchdogDefFree);

/* Policy checks of the watchdog, at define/start time; vbDomainDefValidate
 * calls it. */
int vbDomainWatchdogDefValidate(const vbDomainWatchdogDef *watchdog);
