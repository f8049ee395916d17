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

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc);

/**
 * vbXMLParseString:
 * @xml: the NUL-terminated document
 * @url: how errors name the document, e.g. "(domain_definition)"
 * @maxlen: longest document accepted, in bytes
 *
 * Returns the document (free with xmlFreeDoc), or NULL with
 * VIR_ERR_XML_ERROR reported as "<url>:<line>: <what is wrong>".
 */
xmlDoc *vbXMLParseString(const char *xml, const char *url, size_t maxlen);

/* As vbXMLParseString, reading @path (errors name the file). */
xmlDoc *vbXMLParseFile(const char *path, size_t maxlen);

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

/**
 * vbXMLPropUInt:
 * Reads attribute @name as an unsigned integer in @base (0: decimal, or
 * hexadecimal with 0x).  Returns 1 and sets @result when present, 0 when
 * absent and not @required, -1 with VIR_ERR_XML_ERROR naming the attribute,
 * element and value otherwise.
 */
int vbXMLPropUInt(const xmlNode *node, const char *name, int base, bool required,
                  unsigned int *result);

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
