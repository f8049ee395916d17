/*
 * vbbuf.h: a text buffer that indents, for every XML document we write
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every XML document we write goes through vbBuffer, as every document
 * libvirt writes goes through virBuffer.  The snapshot writer
 * (src/conf/vbsnapshotconf.c) is the short worked example.  For the domain
 * and status writers moving over: vbBufIndent becomes
 * vbBufferAdjustIndent around the nested call, vbBufEscapeFull(attr=true)
 * and vbBufAttr become vbBufferEscapeString, vbBufEscape (element text)
 * becomes vbBufferEscapeText, and the bytes written stay the same; values
 * now printed raw with "%s" (names, paths) want vbBufferEscapeString.
 *
 * How to write a document (libvirt's virBuffer, with the same habits):
 *
 *   g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
 *
 *   vbBufferAddLit(&buf, "<domainsnapshot>\n");
 *   vbBufferAdjustIndent(&buf, 2);
 *   vbBufferEscapeText(&buf, "<name>%s</name>\n", def->name);
 *   ... one element per line ...
 *   vbBufferAdjustIndent(&buf, -2);
 *   vbBufferAddLit(&buf, "</domainsnapshot>\n");
 *   return vbBufferContentAndReset(&buf);
 *
 * - Indentation is added when something is written at the start of a line,
 *   so nobody counts spaces: a nested writer is called between
 *   vbBufferAdjustIndent(+2) and (-2) and writes as if at column 0.  Only
 *   the start of each call is indented, so write one line per call; text
 *   with newlines inside (a description) goes through unchanged.
 * - Every value that came from a user goes through vbBufferEscapeString
 *   (attributes, and anything else) or vbBufferEscapeText (element content
 *   whose tabs and newlines should stay readable).  Both write nothing when
 *   the value is NULL, so optional attributes need no if.
 * - An element whose attributes and children are all optional is built in
 *   two buffers and written by vbXMLFormatElement (vbxml.h), which writes
 *   nothing when both are empty:
 *
 *     g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
 *     g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);
 *
 *     vbBufferEscapeString(&attrBuf, " name='%s'", disk->name);
 *     if (disk->format)
 *         vbBufferAsprintf(&childBuf, "<driver type='%s'/>\n", fmtName);
 *     vbXMLFormatElement(buf, "disk", &attrBuf, &childBuf);
 *
 *   The child buffer starts one level (two spaces) deeper than @buf has
 *   when the child buffer is declared, so declare it in the function that
 *   writes the element, after any vbBufferAdjustIndent of @buf there.
 * - Writing cannot fail (GLib aborts when memory runs out), so there is no
 *   error to check until the document is handed over.
 */

#pragma once

#include <glib.h>
#include <stdarg.h>
#include <stddef.h>

typedef struct _vbBuffer vbBuffer;
struct _vbBuffer {
    GString *str; /* NULL until something is written */
    int indent;   /* spaces added at the start of each line */
};

#define VB_BUFFER_INITIALIZER \
    { \
        NULL, 0 \
    }
/* A buffer for the children of an element written into @parent. */
#define VB_BUFFER_INIT_CHILD(parent) \
    { \
        NULL, (parent)->indent + 2 \
    }

/* Drops the content; the indentation stays as it was. */
void vbBufferFreeAndReset(vbBuffer *buf);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vbBuffer, vbBufferFreeAndReset);

/* The content, which the caller owns ("" when nothing was written, never
 * NULL); @buf is empty afterwards. */
char *vbBufferContentAndReset(vbBuffer *buf);
/* The content so far, owned by @buf ("" when empty). */
const char *vbBufferCurrentContent(const vbBuffer *buf);
/* Bytes written so far. */
size_t vbBufferUse(const vbBuffer *buf);

/* Changes the indentation by @delta spaces (never below 0). */
void vbBufferAdjustIndent(vbBuffer *buf, int delta);
void vbBufferSetIndent(vbBuffer *buf, int indent);
int vbBufferGetIndent(const vbBuffer *buf);

/* @len bytes of @str (-1: all of it) as they are; NULL adds nothing. */
void vbBufferAdd(vbBuffer *buf, const char *str, int len);
#define vbBufferAddLit(buf, literal) vbBufferAdd(buf, "" literal "", sizeof(literal) - 1)
void vbBufferAddChar(vbBuffer *buf, char c);
void vbBufferAsprintf(vbBuffer *buf, const char *format, ...) G_GNUC_PRINTF(2, 3);
void vbBufferVasprintf(vbBuffer *buf, const char *format, va_list args) G_GNUC_PRINTF(2, 0);

/* Appends the content of @toadd as it is (a child buffer carries its own
 * indentation) and empties @toadd. */
void vbBufferAddBuffer(vbBuffer *buf, vbBuffer *toadd);

/**
 * vbBufferEscapeString:
 * @format: literal text with exactly one "%s" (no other conversion, no
 *          "%%"), e.g. " file='%s'"
 * @str: the value; NULL writes nothing
 *
 * Writes @format with @str escaped for XML, safe in an attribute value
 * (either quote) and in element content: & < > ' " as entities; tab,
 * newline and carriage return as character references (a parser would turn
 * them into spaces in an attribute, and drop a CR anywhere); other
 * control characters, which XML 1.0 cannot carry at all, are left out as
 * libvirt does.
 */
void vbBufferEscapeString(vbBuffer *buf, const char *format, const char *str) G_GNUC_PRINTF(2, 0);

/* As vbBufferEscapeString for element content: tabs and newlines stay as
 * they are, which a parser keeps in text. */
void vbBufferEscapeText(vbBuffer *buf, const char *format, const char *str) G_GNUC_PRINTF(2, 0);
