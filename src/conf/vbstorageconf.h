/*
 * vbstorageconf.h: what pool and volume XML share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The strict reading of both documents (an attribute or element we do not
 * implement is refused, never dropped), sizes with libvirt's units, and
 * <permissions> as libvirt writes it.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <libxml/tree.h>

#include "vbbuf.h"

/* A NULL-terminated list of attribute names, for vbStorageConfCheckAttrs */
#define VB_STORAGE_ATTRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* VIR_ERR_CONFIG_UNSUPPORTED naming @node and its parent */
void vbStorageConfReportUnsupportedElement(const xmlNode *node);
/* Refuses attributes of @node outside @allowed (NULL: none) */
int vbStorageConfCheckAttrs(const xmlNode *node, const char *const *allowed);
/* Refuses every child element of @node */
int vbStorageConfCheckNoChildren(const xmlNode *node);

/* <capacity unit='...'>N</capacity> in bytes: libvirt's units ('bytes' when
 * absent), refusing a value past 2^63 - 1 bytes (VIR_ERR_OVERFLOW) */
int vbStorageConfParseSize(const xmlNode *node, unsigned long long *bytes);

/* The text of @node (no attributes, no children), trimmed, refused when it
 * holds a control character */
char *vbStorageConfParseText(const xmlNode *node);

/* <permissions>: -1 for a part not given */
typedef struct _vbStoragePerms vbStoragePerms;
struct _vbStoragePerms {
    int mode;        /* 0..07777 */
    long long owner; /* uid */
    long long group; /* gid */
};
#define VB_STORAGE_PERMS_INIT \
    { \
        -1, -1, -1 \
    }

int vbStorageConfPermsParse(const xmlNode *node, vbStoragePerms *perms);
/* Nothing when every part is -1 */
void vbStorageConfPermsFormat(vbBuffer *buf, const vbStoragePerms *perms);
/* The permissions a file has */
void vbStorageConfPermsFromStat(const struct stat *st, vbStoragePerms *perms);
