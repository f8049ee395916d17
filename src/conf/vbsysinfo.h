/*
 * vbsysinfo.h: SMBIOS descriptions: the host's (virConnectGetSysinfo) and
 * a domain's <sysinfo type='smbios'>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's <sysinfo type='smbios'> with the BIOS, system, base board and
 * chassis entries, each written only when known.  (libvirt also lists
 * processors and memory devices, which it learns from dmidecode; the
 * kernel's DMI attributes we read do not hold them.)
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbbuf.h"

/* One group of entries: <bios>, <system>, <baseBoard>, <chassis> */
typedef struct _vbSysinfoGroup vbSysinfoGroup;
struct _vbSysinfoGroup {
    GPtrArray *names;  /* char *: "vendor", ... in libvirt's order */
    GPtrArray *values; /* char *, beside each name */
};

typedef enum {
    VB_SYSINFO_BIOS,
    VB_SYSINFO_SYSTEM,
    VB_SYSINFO_BASE_BOARD,
    VB_SYSINFO_CHASSIS,

    VB_SYSINFO_LAST
} vbSysinfoGroupType;

typedef struct _vbSysinfo vbSysinfo;
struct _vbSysinfo {
    vbSysinfoGroup groups[VB_SYSINFO_LAST];
    GPtrArray *oemStrings; /* char *: <oemStrings><entry>, SMBIOS type 11 */
};

vbSysinfo *vbSysinfoNew(void);
void vbSysinfoFree(vbSysinfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbSysinfo, vbSysinfoFree);

/* Appends entry @name = @value (copied) to @group */
void vbSysinfoAdd(vbSysinfo *info, vbSysinfoGroupType group, const char *name, const char *value);

/* The value of entry @name of @group, or NULL */
const char *vbSysinfoGet(const vbSysinfo *info, vbSysinfoGroupType group, const char *name);

/* The document, as libvirt writes it (never NULL) */
char *vbSysinfoFormat(const vbSysinfo *info);
/* The <sysinfo> element appended to @buf at its indentation */
void vbSysinfoFormatBuf(vbBuffer *buf, const vbSysinfo *info);

/* A domain's <sysinfo> element (@node is an xmlNode): type 'smbios' with
 * libvirt's entry names, each group once.  NULL with an error reported:
 * VIR_ERR_CONFIG_UNSUPPORTED for what we do not run (type 'fwcfg', an
 * unknown entry, a second <baseBoard>), VIR_ERR_XML_DETAIL for a bad BIOS
 * date or system UUID, as libvirt. */
vbSysinfo *vbSysinfoParseDomain(const void *node);
