/*
 * vbbuf.c: a text buffer that indents, for every XML document we write
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdbool.h>
#include <string.h>

#include "vbbuf.h"

static GString *
vbBufferString(vbBuffer *buf)
{
    if (!buf->str)
        buf->str = g_string_new(NULL);
    return buf->str;
}

/* The indentation, when the next byte starts a line. */
static void
vbBufferAddIndent(vbBuffer *buf)
{
    GString *str = vbBufferString(buf);

    if (buf->indent > 0 && (str->len == 0 || str->str[str->len - 1] == '\n'))
        g_string_append_printf(str, "%*s", buf->indent, "");
}

void
vbBufferFreeAndReset(vbBuffer *buf)
{
    if (!buf || !buf->str)
        return;
    g_string_free(g_steal_pointer(&buf->str), TRUE);
}

char *
vbBufferContentAndReset(vbBuffer *buf)
{
    g_return_val_if_fail(buf != NULL, NULL);

    if (!buf->str)
        return g_strdup("");
    return g_string_free(g_steal_pointer(&buf->str), FALSE);
}

const char *
vbBufferCurrentContent(const vbBuffer *buf)
{
    return buf && buf->str ? buf->str->str : "";
}

size_t
vbBufferUse(const vbBuffer *buf)
{
    return buf && buf->str ? buf->str->len : 0;
}

void
vbBufferAdjustIndent(vbBuffer *buf, int delta)
{
    g_return_if_fail(buf->indent + delta >= 0);
    buf->indent += delta;
}

void
vbBufferSetIndent(vbBuffer *buf, int indent)
{
    g_return_if_fail(indent >= 0);
    buf->indent = indent;
}

int
vbBufferGetIndent(const vbBuffer *buf)
{
    return buf->indent;
}

void
vbBufferAdd(vbBuffer *buf, const char *str, int len)
{
    if (!str)
        return;
    if (len < 0)
        len = strlen(str);
    /* nothing written, nothing indented: an empty buffer stays empty */
    if (len == 0)
        return;
    vbBufferAddIndent(buf);
    g_string_append_len(buf->str, str, len);
}

void
vbBufferAddChar(vbBuffer *buf, char c)
{
    vbBufferAdd(buf, &c, 1);
}

void
vbBufferVasprintf(vbBuffer *buf, const char *format, va_list args)
{
    g_autofree char *text = g_strdup_vprintf(format, args);

    vbBufferAdd(buf, text, -1);
}

void
vbBufferAsprintf(vbBuffer *buf, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vbBufferVasprintf(buf, format, args);
    va_end(args);
}

void
vbBufferAddBuffer(vbBuffer *buf, vbBuffer *toadd)
{
    if (!toadd || !toadd->str)
        return;
    g_string_append_len(vbBufferString(buf), toadd->str->str, toadd->str->len);
    vbBufferFreeAndReset(toadd);
}

/* @str escaped into @out; @attr: tab and newline too (see vbbuf.h). */
static void
vbBufferEscapeXML(GString *out, const char *str, bool attr)
{
    const char *c;

    for (c = str; *c; c++) {
        switch (*c) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '\'':
            g_string_append(out, "&apos;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        case '\r':
            g_string_append(out, "&#13;");
            break;
        case '\t':
        case '\n':
            if (attr)
                g_string_append_printf(out, "&#%d;", *c);
            else
                g_string_append_c(out, *c);
            break;
        default:
            /* XML 1.0 has no way to write the other C0 controls */
            if ((unsigned char) *c >= 0x20)
                g_string_append_c(out, *c);
            break;
        }
    }
}

/* @format with its one "%s" replaced by @str escaped.  The format is
 * split by hand: it holds literal text only, and a printf would need it
 * to be a literal to be checked. */
static void
vbBufferEscapeFormat(vbBuffer *buf, const char *format, const char *str, bool attr)
{
    g_autoptr(GString) out = NULL;
    const char *conv;

    if (!str)
        return;
    conv = strstr(format, "%s");
    g_return_if_fail(conv != NULL && !strchr(conv + 2, '%'));
    g_return_if_fail(memchr(format, '%', conv - format) == NULL);

    out = g_string_sized_new(strlen(format) + strlen(str) + 16);
    g_string_append_len(out, format, conv - format);
    vbBufferEscapeXML(out, str, attr);
    g_string_append(out, conv + 2);
    vbBufferAdd(buf, out->str, out->len);
}

void
vbBufferEscapeString(vbBuffer *buf, const char *format, const char *str)
{
    vbBufferEscapeFormat(buf, format, str, true);
}

void
vbBufferEscapeText(vbBuffer *buf, const char *format, const char *str)
{
    vbBufferEscapeFormat(buf, format, str, false);
}
