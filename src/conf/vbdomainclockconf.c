/*
 * vbdomainclockconf.c: parsing, writing and checking libvirt's <clock>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbxml.h"
#include "vbdomainclockconf.h"

#define VB_DOMAIN_CONF_PRIV_H_ALLOW
#include "vbdomainconfpriv.h"

#define VB_FROM_THIS_FILE VIR_FROM_DOMAIN

VB_ENUM_IMPL(vbDomainClockOffset, VB_DOMAIN_CLOCK_OFFSET_LAST, "utc", "localtime", "variable",
             "timezone");
VB_ENUM_IMPL(vbDomainClockBasis, VB_DOMAIN_CLOCK_BASIS_LAST, "utc", "localtime");
VB_ENUM_IMPL(vbDomainTimerName, VB_DOMAIN_TIMER_NAME_LAST, "platform", "pit", "rtc", "hpet", "tsc",
             "kvmclock", "hypervclock", "armvtimer");
VB_ENUM_IMPL(vbDomainTimerTickpolicy, VB_DOMAIN_TIMER_TICKPOLICY_LAST, "none", "delay", "catchup",
             "merge", "discard");
VB_ENUM_IMPL(vbDomainTimerTrack, VB_DOMAIN_TIMER_TRACK_LAST, "none", "boot", "guest", "wall",
             "realtime");
VB_ENUM_IMPL(vbDomainTimerMode, VB_DOMAIN_TIMER_MODE_LAST, "none", "auto", "native", "emulate",
             "paravirt", "smpsafe");

/* QEMU's -rtc base= takes a date; a century either way is plenty. */
#define VB_DOMAIN_CLOCK_ADJUSTMENT_MAX (100LL * 366 * 24 * 3600)

void
vbDomainClockDefFree(vbDomainClockDef *clock)
{
    if (!clock)
        return;
    g_free(clock->timezone);
    g_free(clock);
}

static int
vbDomainTimerDefParse(vbDomainClockDef *clock, const xmlNode *node)
{
    vbDomainTimerDef timer = {0};
    unsigned int name = 0;

    if (vbDomainCheckAttrs(
            node, VB_ATTRS("name", "present", "tickpolicy", "track", "frequency", "mode")) < 0)
        return -1;
    if (vbXMLChildElement(node, NULL)) {
        vbDomainReportUnsupportedElement(vbXMLChildElement(node, NULL));
        return -1;
    }
    if (vbXMLPropEnum(node, "name", vbDomainTimerNameTypeFromString, VB_XML_PROP_REQUIRED, &name) <
            0 ||
        vbXMLPropTristateBool(node, "present", VB_XML_PROP_NONE, &timer.present) < 0 ||
        vbXMLPropEnum(node, "tickpolicy", vbDomainTimerTickpolicyTypeFromString,
                      VB_XML_PROP_NONZERO, &timer.tickpolicy) < 0 ||
        vbXMLPropEnum(node, "track", vbDomainTimerTrackTypeFromString, VB_XML_PROP_NONZERO,
                      &timer.track) < 0 ||
        vbXMLPropULongLong(node, "frequency", 10, VB_XML_PROP_NONE, &timer.frequency) < 0 ||
        vbXMLPropEnum(node, "mode", vbDomainTimerModeTypeFromString, VB_XML_PROP_NONZERO,
                      &timer.mode) < 0)
        return -1;
    timer.name = name;
    if (vbDomainClockDefGetTimer(clock, name)) {
        /* libvirt keeps both and QEMU gets the first: a second one is a
         * setting that would silently not apply */
        vbReportError(VIR_ERR_XML_ERROR, _("timer '%s' appears more than once in <clock>"),
                      vbDomainTimerNameTypeToString(name));
        return -1;
    }
    clock->timers[name] = timer;
    clock->order[clock->ntimers++] = name;
    return 0;
}

/* A zone name of the tz database ("Europe/Paris", "UTC", "Etc/GMT+2"):
 * QEMU gets it as TZ, which the C library would also read as a file
 * path or a POSIX rule; only names that are neither are taken. */
static int
vbDomainClockCheckTimezone(const xmlNode *node, const char *tz)
{
    const char *c;

    if (!*tz || strlen(tz) > 255 || tz[0] == '/' || strstr(tz, ".."))
        goto invalid;
    for (c = tz; *c; c++) {
        if (!g_ascii_isalnum(*c) && !strchr("/_+-.", *c))
            goto invalid;
    }
    return 0;

invalid:
    vbXMLReportInvalidProp(node, "timezone", tz);
    return -1;
}

vbDomainClockDef *
vbDomainClockDefParse(const xmlNode *node)
{
    g_autoptr(vbDomainClockDef) clock = g_new0(vbDomainClockDef, 1);
    g_autofree char *offset = NULL;
    g_autofree char *adjustment = NULL;
    xmlNode *cur;
    int o;

    if (vbDomainCheckAttrs(node, VB_ATTRS("offset", "adjustment", "basis", "timezone")) < 0)
        return NULL;
    if ((offset = vbXMLPropString(node, "offset"))) {
        if ((o = vbDomainClockOffsetTypeFromString(offset)) < 0) {
            g_autofree char *escaped = g_strescape(offset, NULL);

            /* libvirt's wording and code */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unknown clock offset '%s'"), escaped);
            return NULL;
        }
        clock->offset = o;
    }
    if ((adjustment = vbXMLPropString(node, "adjustment"))) {
        gint64 value;

        if (!g_ascii_string_to_signed(adjustment, 10, -VB_DOMAIN_CLOCK_ADJUSTMENT_MAX,
                                      VB_DOMAIN_CLOCK_ADJUSTMENT_MAX, &value, NULL)) {
            vbXMLReportInvalidProp(node, "adjustment", adjustment);
            return NULL;
        }
        clock->adjustment = value;
        /* an adjusted UTC or local time is libvirt's variable offset */
        if (clock->offset == VB_DOMAIN_CLOCK_OFFSET_UTC ||
            clock->offset == VB_DOMAIN_CLOCK_OFFSET_LOCALTIME) {
            clock->basis = clock->offset == VB_DOMAIN_CLOCK_OFFSET_UTC
                               ? VB_DOMAIN_CLOCK_BASIS_UTC
                               : VB_DOMAIN_CLOCK_BASIS_LOCALTIME;
            clock->offset = VB_DOMAIN_CLOCK_OFFSET_VARIABLE;
        }
    }
    switch (clock->offset) {
    case VB_DOMAIN_CLOCK_OFFSET_VARIABLE:
        if (vbXMLPropEnum(node, "basis", vbDomainClockBasisTypeFromString, VB_XML_PROP_NONE,
                          &clock->basis) < 0)
            return NULL;
        break;
    case VB_DOMAIN_CLOCK_OFFSET_TIMEZONE:
        if (vbXMLPropStringFull(node, "timezone", VB_XML_PROP_NONE, &clock->timezone) < 0)
            return NULL;
        if (!clock->timezone) {
            /* libvirt's wording; its code says internal error, which this is not */
            vbReportError(VIR_ERR_XML_ERROR,
                          _("missing 'timezone' attribute for clock with offset='timezone'"));
            return NULL;
        }
        if (vbDomainClockCheckTimezone(node, clock->timezone) < 0)
            return NULL;
        break;
    case VB_DOMAIN_CLOCK_OFFSET_UTC:
    case VB_DOMAIN_CLOCK_OFFSET_LOCALTIME:
    case VB_DOMAIN_CLOCK_OFFSET_LAST:
        break;
    }

    for (cur = vbXMLChildElement(node, NULL); cur; cur = vbXMLNextElement(cur)) {
        if (!vbXMLNodeNameEqual(cur, "timer")) {
            vbDomainReportUnsupportedElement(cur);
            return NULL;
        }
        if (clock->ntimers >= VB_DOMAIN_TIMER_NAME_LAST) {
            vbReportError(VIR_ERR_XML_ERROR, _("more than %d timers in <clock>"),
                          VB_DOMAIN_TIMER_NAME_LAST);
            return NULL;
        }
        if (vbDomainTimerDefParse(clock, cur) < 0)
            return NULL;
    }
    return g_steal_pointer(&clock);
}

const vbDomainTimerDef *
vbDomainClockDefGetTimer(const vbDomainClockDef *clock, vbDomainTimerName name)
{
    size_t i;

    if (!clock)
        return NULL;
    for (i = 0; i < clock->ntimers; i++) {
        if (clock->order[i] == name)
            return &clock->timers[name];
    }
    return NULL;
}

void
vbDomainClockDefFormat(vbBuffer *buf, const vbDomainClockDef *clock)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);
    size_t i;

    if (!clock)
        return;
    vbBufferAsprintf(&attrBuf, " offset='%s'", vbDomainClockOffsetTypeToString(clock->offset));
    if (clock->offset == VB_DOMAIN_CLOCK_OFFSET_VARIABLE)
        vbBufferAsprintf(&attrBuf, " adjustment='%lld' basis='%s'", clock->adjustment,
                         vbDomainClockBasisTypeToString(clock->basis));
    vbBufferEscapeString(&attrBuf, " timezone='%s'", clock->timezone);

    for (i = 0; i < clock->ntimers; i++) {
        const vbDomainTimerDef *timer = &clock->timers[clock->order[i]];

        vbBufferAsprintf(&childBuf, "<timer name='%s'", vbDomainTimerNameTypeToString(timer->name));
        if (timer->present != VB_TRISTATE_BOOL_ABSENT)
            vbBufferAsprintf(&childBuf, " present='%s'",
                             vbTristateBoolTypeToString(timer->present));
        if (timer->tickpolicy != VB_DOMAIN_TIMER_TICKPOLICY_NONE)
            vbBufferAsprintf(&childBuf, " tickpolicy='%s'",
                             vbDomainTimerTickpolicyTypeToString(timer->tickpolicy));
        if (timer->track != VB_DOMAIN_TIMER_TRACK_NONE)
            vbBufferAsprintf(&childBuf, " track='%s'",
                             vbDomainTimerTrackTypeToString(timer->track));
        if (timer->frequency)
            vbBufferAsprintf(&childBuf, " frequency='%llu'", timer->frequency);
        if (timer->mode != VB_DOMAIN_TIMER_MODE_NONE)
            vbBufferAsprintf(&childBuf, " mode='%s'", vbDomainTimerModeTypeToString(timer->mode));
        vbBufferAddLit(&childBuf, "/>\n");
    }
    vbXMLFormatElementEmpty(buf, "clock", &attrBuf, &childBuf);
}

static void
vbDomainTimerReportUnsupported(const vbDomainTimerDef *timer, const char *what, const char *value)
{
    /* libvirt's wording */
    vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unsupported %s timer %s '%s'"),
                  vbDomainTimerNameTypeToString(timer->name), what, value);
}

int
vbDomainClockDefValidate(const vbDomainClockDef *clock)
{
    size_t i;

    if (!clock)
        return 0;
    for (i = 0; i < clock->ntimers; i++) {
        const vbDomainTimerDef *timer = &clock->timers[clock->order[i]];

        if (timer->track != VB_DOMAIN_TIMER_TRACK_NONE && timer->name != VB_DOMAIN_TIMER_NAME_RTC &&
            timer->name != VB_DOMAIN_TIMER_NAME_PLATFORM) {
            /* libvirt's wording */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("timer %s doesn't support setting of timer track"),
                          vbDomainTimerNameTypeToString(timer->name));
            return -1;
        }
        if ((timer->frequency || timer->mode != VB_DOMAIN_TIMER_MODE_NONE) &&
            timer->name != VB_DOMAIN_TIMER_NAME_TSC) {
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("timer %s doesn't support setting of timer %s"),
                          vbDomainTimerNameTypeToString(timer->name),
                          timer->frequency ? "frequency" : "mode");
            return -1;
        }
        switch (timer->name) {
        case VB_DOMAIN_TIMER_NAME_PLATFORM:
        case VB_DOMAIN_TIMER_NAME_ARMVTIMER:
            /* libvirt's wording */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unsupported timer type (name) '%s'"),
                          vbDomainTimerNameTypeToString(timer->name));
            return -1;
        case VB_DOMAIN_TIMER_NAME_RTC:
            if (timer->track == VB_DOMAIN_TIMER_TRACK_BOOT) {
                vbDomainTimerReportUnsupported(timer, "track", "boot");
                return -1;
            }
            if (timer->tickpolicy == VB_DOMAIN_TIMER_TICKPOLICY_MERGE ||
                timer->tickpolicy == VB_DOMAIN_TIMER_TICKPOLICY_DISCARD) {
                vbDomainTimerReportUnsupported(
                    timer, "tickpolicy", vbDomainTimerTickpolicyTypeToString(timer->tickpolicy));
                return -1;
            }
            break;
        case VB_DOMAIN_TIMER_NAME_PIT:
            if (timer->tickpolicy == VB_DOMAIN_TIMER_TICKPOLICY_MERGE) {
                /* libvirt's wording */
                vbReportError(VIR_ERR_CONFIG_UNSUPPORTED, _("unsupported pit tickpolicy '%s'"),
                              "merge");
                return -1;
            }
            break;
        case VB_DOMAIN_TIMER_NAME_HPET:
        case VB_DOMAIN_TIMER_NAME_TSC:
        case VB_DOMAIN_TIMER_NAME_KVMCLOCK:
        case VB_DOMAIN_TIMER_NAME_HYPERVCLOCK:
        case VB_DOMAIN_TIMER_NAME_LAST:
            break;
        }
    }
    return 0;
}
