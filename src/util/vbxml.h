/*
 * vbxml.h: parsing untrusted XML safely, and small helpers to read it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every document we read comes from a client or from a file a client's
 * request produced, so the parser is set up for hostile input: no network,
 * no DTD loading, no entity substitution, no XInclude, and a document
 * carrying a DOCTYPE is refused before any entity in it is declared (this is
 * what makes "billion laughs" and external entities impossible, not a limit
 * on their expansion).  Errors are collected per parser context, never
 * through libxml2's global handlers, so parsing is safe from any thread.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vbbuf.h"
#include "vbenum.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc);

/*
 * Limits on a client's document, checked in one linear pass over the text
 * before libxml2 reads it (whose cost grows with the square of the
 * attributes on one element and of the namespaces in scope).  Each is far
 * above what libvirt's formats need: an element has at most a few dozen
 * attributes, a domain of 1024 devices a few tens of thousands of nodes,
 * and the deepest nesting, a 200-image backing chain, about 210 levels.
 * Nodes are elements, attributes, comments, processing instructions and
 * CDATA sections.  The depth stays six levels under libxml2's own limit of
 * 256 (libvirt's), so that what the daemon wraps a definition in (its
 * status file) can always be read back.
 */
#define VB_XML_MAX_ATTRIBUTES 256
#define VB_XML_MAX_NODES 200000
#define VB_XML_MAX_NAMESPACES 256
#define VB_XML_MAX_DEPTH 250

/**
 * vbXMLParseString:
 * @xml: the NUL-terminated document
 * @url: how errors name the document, e.g. "(domain_definition)"
 * @maxlen: longest document accepted, in bytes
 *
 * Returns the document (free with xmlFreeDoc), or NULL with
 * VIR_ERR_XML_ERROR reported as "<url>:<line>: <what is wrong>", also
 * when the document exceeds one of the VB_XML_MAX_* limits above.  What
 * libxml2 refuses (a syntax error) is VIR_ERR_XML_DETAIL in the calling
 * file's error domain (VB_FROM_THIS_FILE), as libvirt's virXMLParse
 * reports it: VIR_FROM_DOMAIN for a domain, VIR_FROM_DOMAIN_SNAPSHOT for a
 * snapshot, VIR_FROM_STORAGE for a pool or volume.
 */
xmlDoc *vbXMLParseStringFull(int domain, const char *xml, const char *url, size_t maxlen);
#define vbXMLParseString(xml, url, maxlen) vbXMLParseStringFull(VB_FROM_THIS_FILE, xml, url, maxlen)

/* As vbXMLParseString, for a document the daemon wrote itself from a
 * client's (a status or config file): the limits above are four times
 * larger, and the depth libxml2's own, so that nothing the daemon added
 * makes it refuse its own file. */
xmlDoc *vbXMLParseOwnStringFull(int domain, const char *xml, const char *url, size_t maxlen);
#define vbXMLParseOwnString(xml, url, maxlen) \
    vbXMLParseOwnStringFull(VB_FROM_THIS_FILE, xml, url, maxlen)

/* As vbXMLParseOwnString, reading @path (errors name the file): only for
 * the daemon's own files.  A symbolic link or anything but a regular file
 * is refused (vbFileReadOwn). */
xmlDoc *vbXMLParseFileFull(int domain, const char *path, size_t maxlen);
#define vbXMLParseFile(path, maxlen) vbXMLParseFileFull(VB_FROM_THIS_FILE, path, maxlen)

/* 0 if @root is the element @name, else -1 with libvirt's VIR_ERR_XML_ERROR
 * "expecting root element of ..." in VIR_FROM_XML (libvirt's virXMLParse
 * checks the root for every document it reads). */
int vbXMLCheckRoot(const xmlNode *root, const char *name);

/**
 * vbXMLValidateRelaxNG:
 * Checks @doc against the RelaxNG schema in @schemaPath (libvirt's
 * domain.rng).  Returns 0 if it conforms; -1 with VIR_ERR_XML_INVALID_SCHEMA
 * naming the element that failed, or VIR_ERR_CONFIG_UNSUPPORTED if the
 * schema is not installed.  A parsed schema is kept for the next call.
 */
int vbXMLValidateRelaxNG(xmlDoc *doc, const char *schemaPath);

/* true if @node is an element called @name (without namespace) */
bool vbXMLNodeNameEqual(const xmlNode *node, const char *name);
/* First element child of @node, or the first one called @name; NULL if none. */
xmlNode *vbXMLChildElement(const xmlNode *node, const char *name);
/* The next element after @node among its siblings, NULL at the end. */
xmlNode *vbXMLNextElement(const xmlNode *node);
/* Number of element children called @name (NULL: of all element children). */
size_t vbXMLCountChildren(const xmlNode *node, const char *name);

/* Attribute @name of @node, or NULL if absent; g_free it. */
char *vbXMLPropString(const xmlNode *node, const char *name);
/* Text content of @node (never NULL for an element); g_free it. */
char *vbXMLNodeContent(const xmlNode *node);

/*
 * Attribute readers.  Each reads attribute @name of @node and returns 1
 * with *@result set when it is present and valid; 0 when it is absent and
 * not required (*@result untouched unless the function says otherwise);
 * -1 with one error reported otherwise:
 *   absent and VB_XML_PROP_REQUIRED:  VIR_ERR_XML_ERROR "Missing required
 *                                     attribute 'NAME' in element 'ELEM'"
 *   not a value of the type, or 0 with VB_XML_PROP_NONZERO, or negative
 *   with VB_XML_PROP_NONNEGATIVE:     vbXMLReportInvalidProp (or the
 *                                     caller's @reportInvalid)
 * So a parser reads a typed field in one call, and the message for each
 * mistake is written once, here:
 *
 *   if (vbXMLPropEnum(node, "model", vbFooModelTypeFromString,
 *                     VB_XML_PROP_REQUIRED | VB_XML_PROP_NONZERO, &def->model) < 0)
 *       return -1;
 */
typedef enum {
    VB_XML_PROP_NONE = 0,
    /* Absent is an error.  Equal to true so that callers written when the
     * argument was a bool still read the same. */
    VB_XML_PROP_REQUIRED = 1 << 0,
    /* 0 is invalid; for an enum, its first value (usually "default" or
     * "none", which a user may not write). */
    VB_XML_PROP_NONZERO = 1 << 1,
    /* Negative is invalid (signed readers only). */
    VB_XML_PROP_NONNEGATIVE = 1 << 2,
} vbXMLPropFlags;

/* Reports that @value is not valid for attribute @name of @node. */
typedef void (*vbXMLPropInvalidFunc)(const xmlNode *node, const char *name, const char *value);

/* Attribute @name as a string, read as the typed readers below read theirs:
 * 1 with *@result replaced (g_free it), 0 if absent and not
 * VB_XML_PROP_REQUIRED, -1 with the "Missing required attribute" error. */
int vbXMLPropStringFull(const xmlNode *node, const char *name, vbXMLPropFlags flags, char **result);

/**
 * vbXMLPropEnum:
 * Reads attribute @name through @fromString (a VB_ENUM_DECL'd
 * ...TypeFromString).  @result may point to a field of the enum's own type
 * (an enum without negative values is an unsigned int).
 */
int vbXMLPropEnum(const xmlNode *node, const char *name, int (*fromString)(const char *),
                  vbXMLPropFlags flags, unsigned int *result);

/**
 * vbXMLPropEnumFull:
 * As vbXMLPropEnum, reporting an invalid value with @reportInvalid (NULL:
 * vbXMLReportInvalidProp).  For a layer whose policy differs: conf reports
 * a value libvirt knows and we cannot run as VIR_ERR_CONFIG_UNSUPPORTED.
 */
int vbXMLPropEnumFull(const xmlNode *node, const char *name, int (*fromString)(const char *),
                      vbXMLPropFlags flags, vbXMLPropInvalidFunc reportInvalid,
                      unsigned int *result);

/*
 * Integers in @base: 10, 16 (an optional "0x" before the digits), or 0:
 * hexadecimal with "0x", decimal otherwise (never octal: libvirt's PCI
 * addresses say 0x, and a leading 0 is not a surprise).  No white space,
 * no '+'; '-' only for the signed readers.  Out of range is invalid.
 */
int vbXMLPropInt(const xmlNode *node, const char *name, int base, vbXMLPropFlags flags,
                 int *result);
int vbXMLPropUInt(const xmlNode *node, const char *name, int base, vbXMLPropFlags flags,
                  unsigned int *result);
int vbXMLPropULongLong(const xmlNode *node, const char *name, int base, vbXMLPropFlags flags,
                       unsigned long long *result);

/* 'yes' or 'no'.  VB_XML_PROP_NONZERO makes no sense here and is ignored. */
int vbXMLPropBool(const xmlNode *node, const char *name, vbXMLPropFlags flags, bool *result);

/**
 * vbXMLPropTristateBool:
 * 'yes' or 'no' into a vbTristateBool; absent sets *@result to
 * VB_TRISTATE_BOOL_ABSENT (and returns 0), so "not said" stays apart from
 * "said no".  'default' is not a value one may write.
 */
int vbXMLPropTristateBool(const xmlNode *node, const char *name, vbXMLPropFlags flags,
                          vbTristateBool *result);

/* Reports VIR_ERR_XML_ERROR: invalid value @value of attribute @name of
 * @node; the shared wording of all attribute errors. */
void vbXMLReportInvalidProp(const xmlNode *node, const char *name, const char *value);

/**
 * vbXMLCheckIllegalChars:
 * Refuses control characters (and any character in @extra) in @value,
 * which @what names in the error (VIR_ERR_XML_DETAIL, libvirt's wording).
 */
int vbXMLCheckIllegalChars(const char *what, const char *value, const char *extra);

/* @node serialized as written (no added indentation), with the namespace
 * declarations it uses copied in so the text parses on its own. */
char *vbXMLNodeToString(const xmlNode *node);
/* As vbXMLNodeToString, without the text nodes that hold only white space
 * (libvirt keeps <metadata> so, and indents it on output). */
char *vbXMLNodeToStringNoBlanks(const xmlNode *node);
/* The element in @xml (our own serialization) written to @buf at its
 * indentation, each level two spaces deeper, as libvirt writes
 * <metadata>; text content is left as it is.  -1 if @xml does not parse. */
int vbXMLFormatIndented(vbBuffer *buf, const char *xml);

/**
 * vbXMLFormatElement:
 * Writes element @name into @buf from the attributes in @attrBuf (each
 * " name='value'") and the children in @childBuf (whole lines, made with
 * VB_BUFFER_INIT_CHILD(buf) so they sit one level deeper), libvirt's way:
 *   both empty       nothing at all (an optional element disappears)
 *   no children      <name attrs/>
 *   children         <name attrs>, the children, </name>
 * Either buffer may be NULL; both are emptied.
 */
void vbXMLFormatElement(vbBuffer *buf, const char *name, vbBuffer *attrBuf, vbBuffer *childBuf);

/* As vbXMLFormatElement, writing <name/> even when both are empty (an
 * element whose presence is the information, like <backingStore/>). */
void vbXMLFormatElementEmpty(vbBuffer *buf, const char *name, vbBuffer *attrBuf,
                             vbBuffer *childBuf);

/* The scale of a size's unit attribute, as libvirt reads it (its
 * virScaleInteger): 'b', 'byte', 'bytes'; or a power letter (k, M, G, T,
 * P, E, any case) alone or with 'iB' for powers of 1024, with 'B' for
 * powers of 1000.  0 if @unit is none of these. */
unsigned long long vbUnitScale(const char *unit);
