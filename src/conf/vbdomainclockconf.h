/*
 * vbdomainclockconf.h: the guest's clock, libvirt's <clock> element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The offset of the guest's RTC from the host's clock, and the timers
 * (<timer name='rtc' tickpolicy='catchup'/>, ...) with their policies.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbbuf.h"
#include "vbenum.h"

typedef enum {
    VB_DOMAIN_CLOCK_OFFSET_UTC = 0,
    VB_DOMAIN_CLOCK_OFFSET_LOCALTIME,
    VB_DOMAIN_CLOCK_OFFSET_VARIABLE,
    VB_DOMAIN_CLOCK_OFFSET_TIMEZONE,

    VB_DOMAIN_CLOCK_OFFSET_LAST
} vbDomainClockOffset;
VB_ENUM_DECL(vbDomainClockOffset);

typedef enum {
    VB_DOMAIN_CLOCK_BASIS_UTC = 0,
    VB_DOMAIN_CLOCK_BASIS_LOCALTIME,

    VB_DOMAIN_CLOCK_BASIS_LAST
} vbDomainClockBasis;
VB_ENUM_DECL(vbDomainClockBasis);

/* libvirt's order, which is the order of its enum */
typedef enum {
    VB_DOMAIN_TIMER_NAME_PLATFORM = 0,
    VB_DOMAIN_TIMER_NAME_PIT,
    VB_DOMAIN_TIMER_NAME_RTC,
    VB_DOMAIN_TIMER_NAME_HPET,
    VB_DOMAIN_TIMER_NAME_TSC,
    VB_DOMAIN_TIMER_NAME_KVMCLOCK,
    VB_DOMAIN_TIMER_NAME_HYPERVCLOCK,
    VB_DOMAIN_TIMER_NAME_ARMVTIMER,

    VB_DOMAIN_TIMER_NAME_LAST
} vbDomainTimerName;
VB_ENUM_DECL(vbDomainTimerName);

typedef enum {
    VB_DOMAIN_TIMER_TICKPOLICY_NONE = 0,
    VB_DOMAIN_TIMER_TICKPOLICY_DELAY,
    VB_DOMAIN_TIMER_TICKPOLICY_CATCHUP,
    VB_DOMAIN_TIMER_TICKPOLICY_MERGE,
    VB_DOMAIN_TIMER_TICKPOLICY_DISCARD,

    VB_DOMAIN_TIMER_TICKPOLICY_LAST
} vbDomainTimerTickpolicy;
VB_ENUM_DECL(vbDomainTimerTickpolicy);

typedef enum {
    VB_DOMAIN_TIMER_TRACK_NONE = 0,
    VB_DOMAIN_TIMER_TRACK_BOOT,
    VB_DOMAIN_TIMER_TRACK_GUEST,
    VB_DOMAIN_TIMER_TRACK_WALL,
    VB_DOMAIN_TIMER_TRACK_REALTIME,

    VB_DOMAIN_TIMER_TRACK_LAST
} vbDomainTimerTrack;
VB_ENUM_DECL(vbDomainTimerTrack);

typedef enum {
    VB_DOMAIN_TIMER_MODE_NONE = 0,
    VB_DOMAIN_TIMER_MODE_AUTO,
    VB_DOMAIN_TIMER_MODE_NATIVE,
    VB_DOMAIN_TIMER_MODE_EMULATE,
    VB_DOMAIN_TIMER_MODE_PARAVIRT,
    VB_DOMAIN_TIMER_MODE_SMPSAFE,

    VB_DOMAIN_TIMER_MODE_LAST
} vbDomainTimerMode;
VB_ENUM_DECL(vbDomainTimerMode);

typedef struct _vbDomainTimerDef vbDomainTimerDef;
struct _vbDomainTimerDef {
    vbDomainTimerName name;
    vbTristateBool present;
    vbDomainTimerTickpolicy tickpolicy;
    vbDomainTimerTrack track;     /* rtc */
    unsigned long long frequency; /* tsc, Hz; 0: not said */
    vbDomainTimerMode mode;       /* tsc */
};

typedef struct _vbDomainClockDef vbDomainClockDef;
struct _vbDomainClockDef {
    vbDomainClockOffset offset;
    long long adjustment;     /* variable: seconds added to the basis */
    vbDomainClockBasis basis; /* variable */
    char *timezone;           /* timezone */
    vbDomainTimerDef timers[VB_DOMAIN_TIMER_NAME_LAST];
    /* the timers in document order, as indexes into @timers */
    vbDomainTimerName order[VB_DOMAIN_TIMER_NAME_LAST];
    size_t ntimers;
};

void vbDomainClockDefFree(vbDomainClockDef *clock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainClockDef, vbDomainClockDefFree);

/* <clock> at @buf's indentation; nothing for a NULL @clock. */
void vbDomainClockDefFormat(vbBuffer *buf, const vbDomainClockDef *clock);

/* The timer @name if the definition has it, else NULL. */
const vbDomainTimerDef *vbDomainClockDefGetTimer(const vbDomainClockDef *clock,
                                                 vbDomainTimerName name);

/* What QEMU cannot do with the timers (libvirt's refusals), at define and
 * start time. */
int vbDomainClockDefValidate(const vbDomainClockDef *clock);
