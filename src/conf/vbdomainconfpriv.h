/*
 * vbdomainconfpriv.h: helpers shared by the domain XML parser's files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Only the files of src/conf that parse a domain (vbdomainconf.c and one
 * file per device family) include this; everybody else parses through
 * vbdomainconf.h.
 */

#pragma once

#ifndef VB_DOMAIN_CONF_PRIV_H_ALLOW
#    error "vbdomainconfpriv.h is private to the domain XML parser"
#endif

#include <glib.h>
#include <stdbool.h>
#include <libxml/tree.h>

#include "vbbuf.h"
#include "vbxml.h"
#include "vbdomainconf.h"

/* A NULL-terminated list of attribute names, for vbDomainCheckAttrs. */
#define VB_ATTRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* VIR_ERR_CONFIG_UNSUPPORTED naming @node and its parent. */
void vbDomainReportUnsupportedElement(const xmlNode *node);
/* VIR_ERR_CONFIG_UNSUPPORTED naming the value, attribute and element. */
void vbDomainReportUnsupportedValue(const xmlNode *node, const char *attr, const char *value);

/* Refuses any attribute of @node not in the NULL-terminated @allowed (NULL:
 * none allowed) as unsupported: an attribute we ignored would be a setting
 * silently not applied. */
int vbDomainCheckAttrs(const xmlNode *node, const char *const *allowed);

/* Refuses a second child element of @node with a name in the
 * NULL-terminated @names (at most 32): such elements hold one setting. */
int vbDomainCheckUniqueChildren(const xmlNode *node, const char *const *names);

/* An element that must have no attributes and no children (<readonly/>). */
int vbDomainCheckEmptyElement(const xmlNode *node);

/* An absolute path without control characters, from @attr of @node. */
int vbDomainCheckPath(const xmlNode *node, const char *attr, const char *path);

/* QEMU keeps node names in a 32-byte buffer; device ids have no limit,
 * ours keeps messages and status files sane. */
#define VB_DOMAIN_NODE_NAME_MAX 31
#define VB_DOMAIN_ALIAS_MAX 128

/* A QEMU id or node name: a letter, then letters, digits, '-', '_', '.';
 * at most @maxlen characters. */
int vbDomainCheckIdentifier(const xmlNode *node, const char *attr, const char *value,
                            size_t maxlen);

int vbDomainDeviceAddressParse(const xmlNode *node, vbDomainDeviceAddress *addr);
/* <boot order='N'/> of a bootable device into @info (N > 0). */
int vbDomainDeviceBootParse(const xmlNode *node, vbDomainDeviceInfo *info);
/* <alias name='...'/> into *@alias (replacing it); with
 * VB_DOMAIN_DEF_PARSE_INACTIVE only a user alias ('ua-...') is kept. */
int vbDomainAliasParse(const xmlNode *node, char **alias, unsigned int flags);

/* One device element each, in its family's file. */
vbDomainDiskDef *vbDomainDiskDefParse(const xmlNode *node, unsigned int flags);
vbDomainControllerDef *vbDomainControllerDefParse(const xmlNode *node, unsigned int flags);
vbDomainInputDef *vbDomainInputDefParse(const xmlNode *node, unsigned int flags);
vbDomainGraphicsDef *vbDomainGraphicsDefParse(const xmlNode *node, unsigned int flags);
vbDomainAudioDef *vbDomainAudioDefParse(const xmlNode *node, unsigned int flags);
vbDomainVideoDef *vbDomainVideoDefParse(const xmlNode *node, unsigned int flags);
vbDomainChrDef *vbDomainChrDefParse(const xmlNode *node, unsigned int flags);
vbDomainWatchdogDef *vbDomainWatchdogDefParse(const xmlNode *node, unsigned int flags);
vbDomainMemballoonDef *vbDomainMemballoonDefParse(const xmlNode *node, unsigned int flags);
vbDomainRNGDef *vbDomainRNGDefParse(const xmlNode *node, unsigned int flags);
vbDomainPanicDef *vbDomainPanicDefParse(const xmlNode *node, unsigned int flags);
vbDomainNetDef *vbDomainNetDefParse(const xmlNode *node, unsigned int flags);
vbDomainNetDef *vbDomainNetDefParse(const xmlNode *node, unsigned int flags);

/* The domain's <cpu> and <clock> (vbcpuconf.c, vbdomainclockconf.c). */
vbCPUDef *vbCPUDefParse(const xmlNode *node);
vbDomainClockDef *vbDomainClockDefParse(const xmlNode *node);

/* One device element through the device table into @dev, which then owns
 * the device; an element the table lacks is refused as unsupported. */
int vbDomainDeviceDefParseNode(const xmlNode *node, unsigned int flags, vbDomainDeviceDef *dev);

/* Frees every device of @def and empties its lists (vbDomainDefFree). */
void vbDomainDefFreeDevices(vbDomainDef *def);

/* <boot>, <alias> and <address> of a device, in libvirt's order
 * (vbdomaindeviceconf.c); the alias is left out of the inactive form unless
 * it is a user's. */
void vbDomainDeviceInfoFormat(vbBuffer *buf, const vbDomainDeviceInfo *info, unsigned int flags);

/* One device element each, in its family's file, at @buf's indentation. */
void vbDomainDiskDefFormat(vbBuffer *buf, const vbDomainDiskDef *disk, unsigned int flags);
void vbDomainControllerDefFormat(vbBuffer *buf, const vbDomainControllerDef *cont,
                                 unsigned int flags);
void vbDomainInputDefFormat(vbBuffer *buf, const vbDomainInputDef *input, unsigned int flags);
void vbDomainGraphicsDefFormat(vbBuffer *buf, const vbDomainGraphicsDef *graphics,
                               unsigned int flags);
void vbDomainAudioDefFormat(vbBuffer *buf, const vbDomainAudioDef *audio, unsigned int flags);
void vbDomainVideoDefFormat(vbBuffer *buf, const vbDomainVideoDef *video, unsigned int flags);
void vbDomainChrDefFormat(vbBuffer *buf, const vbDomainChrDef *chr, unsigned int flags);
void vbDomainWatchdogDefFormat(vbBuffer *buf, const vbDomainWatchdogDef *watchdog,
                               unsigned int flags);
void vbDomainMemballoonDefFormat(vbBuffer *buf, const vbDomainMemballoonDef *balloon,
                                 unsigned int flags);
void vbDomainRNGDefFormat(vbBuffer *buf, const vbDomainRNGDef *rng, unsigned int flags);
void vbDomainPanicDefFormat(vbBuffer *buf, const vbDomainPanicDef *panic, unsigned int flags);
void vbDomainNetDefFormat(vbBuffer *buf, const vbDomainNetDef *net, unsigned int flags);
void vbDomainNetDefFormat(vbBuffer *buf, const vbDomainNetDef *net, unsigned int flags);

/* "serial" or "console": the element @chr is written as. */
const char *vbDomainChrDefElement(const vbDomainChrDef *chr);

/* Every device of @def through the device table, in the order
 * libvirt writes them (the <devices> element is the caller's). */
void vbDomainDefDevicesFormat(vbBuffer *buf, const vbDomainDef *def, unsigned int flags);
