/*
 * vbxml.c: parsing untrusted XML safely, and small helpers to read it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/relaxng.h>
#include <libxml/xmlsave.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbfile.h"
#include "vbxml.h"

/* libvirt reports XML parsing problems in this domain (virxml.c). */
#define VB_FROM_THIS_FILE VIR_FROM_XML

/* What one parse collected; hung on the parser context's _private. */
typedef struct {
    int line;
    char *message; /* first error libxml2 raised */
    char *context; /* its line of the document, and a pointer under it */
    bool doctype;  /* a DOCTYPE was met, the parser was stopped */
    int doctypeLine;
} vbXMLParseState;

/*
 * The line of the document where libxml2 stopped, and under it a pointer
 * ('-' up to the column, then '^'), as libvirt shows a parse error: the
 * parser's position, stepped back over the line ends it may have passed,
 * is the place.  (For an empty document libvirt prints "(null)" as the
 * line; this prints an empty one.)
 */
static char *
vbXMLErrorContext(xmlParserCtxtPtr ctxt)
{
    const char *base;
    const char *cur;
    const char *start;
    const char *end;
    const char *limit;
    g_autoptr(GString) out = NULL;
    size_t col;
    size_t i;

    if (!ctxt || !ctxt->input || !ctxt->input->base || !ctxt->input->cur || !ctxt->input->end)
        return NULL;
    base = (const char *) ctxt->input->base;
    cur = (const char *) ctxt->input->cur;
    limit = (const char *) ctxt->input->end;
    if (cur < base || cur > limit)
        return NULL;
    start = cur;
    while (start > base && (*start == '\n' || *start == '\r'))
        start--;
    while (start > base && *start != '\n' && *start != '\r')
        start--;
    if ((*start == '\n' || *start == '\r') && start < cur)
        start++;
    col = cur - start;
    end = start;
    while (end < limit && *end && *end != '\n' && *end != '\r')
        end++;
    out = g_string_new_len(start, end - start);
    g_string_append_c(out, '\n');
    for (i = 0; i < col && i < (size_t) (end - start); i++)
        g_string_append_c(out, start[i] == '\t' ? '\t' : '-');
    g_string_append_c(out, '^');
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
vbXMLParseStructuredError(void *userData, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = userData;
    vbXMLParseState *state = ctxt ? ctxt->_private : NULL;

    if (!state || !err || state->message)
        return;
    /* Warnings (e.g. an unknown version) do not make the document bad. */
    if (err->level < XML_ERR_ERROR)
        return;
    state->line = err->line;
    state->message = g_strdup(err->message ? err->message : "unknown error");
    g_strchomp(state->message);
    state->context = vbXMLErrorContext(ctxt);
}

/* SAX callback for <!DOCTYPE ...>: stops before a single declaration of
 * the internal subset is read, so no entity is ever defined. */
static void
vbXMLParseInternalSubset(void *userData, const xmlChar *name G_GNUC_UNUSED,
                         const xmlChar *externalID G_GNUC_UNUSED,
                         const xmlChar *systemID G_GNUC_UNUSED)
{
    xmlParserCtxtPtr ctxt = userData;
    vbXMLParseState *state = ctxt->_private;

    state->doctype = true;
    state->doctypeLine = xmlSAX2GetLineNumber(ctxt);
    xmlStopParser(ctxt);
}

static void
vbXMLParseEntityDecl(void *userData, const xmlChar *name G_GNUC_UNUSED, int type G_GNUC_UNUSED,
                     const xmlChar *publicId G_GNUC_UNUSED, const xmlChar *systemId G_GNUC_UNUSED,
                     xmlChar *content G_GNUC_UNUSED)
{
    /* Unreachable without a DOCTYPE; kept as a second lock. */
    vbXMLParseInternalSubset(userData, NULL, NULL, NULL);
}

static int
vbXMLParseOptions(void)
{
    /* Not XML_PARSE_NOENT (substitutes entities), XML_PARSE_DTDLOAD,
     * XML_PARSE_DTDATTR, XML_PARSE_XINCLUDE nor XML_PARSE_HUGE. */
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

#if LIBXML_VERSION >= 21300
    options |= XML_PARSE_NO_XXE;
#endif
    return options;
}

/*
 * Limits checked before libxml2 sees a document.
 *
 * libxml2 checks an element's attributes (and namespace declarations) for
 * duplicates by comparing each with all those before it, so one start tag
 * with 100000 attributes costs minutes of CPU; each namespace lookup walks
 * every declaration in scope; and every node costs a hundred bytes or more
 * of memory.  None of this can be stopped from a SAX callback (they run
 * after the start tag is read), so this pass reads the text once, in
 * linear time, and counts.
 *
 * It never needs to agree with libxml2 on a malformed document, only never
 * to count less than libxml2 may parse:
 *  - an attribute needs a literal '=' in its start tag, and libxml2 ends a
 *    start tag at the first '<' even inside a quoted value (it is an
 *    error there), so counting the '=' outside quotes from a '<' up to the
 *    next '>' or '<' bounds what libxml2 reads for that element;
 *  - text inside comments, processing instructions and CDATA sections is
 *    counted as if it were markup (libxml2 may recover from a malformed
 *    one differently than we would skip it), except for nesting, whose
 *    limit libxml2 also enforces by itself;
 *  - "<!" is only ever a comment or a CDATA section: anything else starts
 *    a DOCTYPE or a declaration, refused outright.
 */
typedef struct {
    unsigned int attributes; /* per element */
    unsigned int nodes;
    unsigned int namespaces;
    unsigned int depth; /* levels below the root */
} vbXMLLimits;

/* A client's document. */
static const vbXMLLimits vbXMLLimitsClient = {
    VB_XML_MAX_ATTRIBUTES,
    VB_XML_MAX_NODES,
    VB_XML_MAX_NAMESPACES,
    VB_XML_MAX_DEPTH,
};

/* A file the daemon wrote from a client's document, with what it added
 * (defaults, addresses, probed backing chains, the status wrapper): never
 * refused for being larger than the document it was made from, or a
 * domain would be lost when the daemon restarts.  Its depth is libxml2's
 * own limit, which the client's leaves room under. */
static const vbXMLLimits vbXMLLimitsOwn = {
    4 * VB_XML_MAX_ATTRIBUTES,
    4 * VB_XML_MAX_NODES,
    4 * VB_XML_MAX_NAMESPACES,
    256,
};

typedef struct {
    const vbXMLLimits *limits;
    const char *url;
    const char *start;
    size_t nodes;
    unsigned int namespaces;
} vbXMLScan;

static int
vbXMLScanLine(const vbXMLScan *scan, const char *pos)
{
    int line = 1;
    const char *p;

    for (p = scan->start; p < pos; p++) {
        if (*p == '\n')
            line++;
    }
    return line;
}

static int
vbXMLScanAddNode(vbXMLScan *scan, const char *pos)
{
    if (++scan->nodes <= scan->limits->nodes)
        return 0;
    vbReportError(
        VIR_ERR_XML_ERROR,
        _("%s:%d: document has more than the limit of %u nodes (elements, attributes, comments)"),
        scan->url, vbXMLScanLine(scan, pos), scan->limits->nodes);
    return -1;
}

static bool
vbXMLScanIsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether the attribute name ending just before @eq (and any blanks) is
 * a namespace declaration: "xmlns" or "xmlns:PREFIX". */
static bool
vbXMLScanIsNamespace(const char *tag, const char *eq)
{
    const char *end = eq;
    const char *name;

    while (end > tag && vbXMLScanIsSpace(end[-1]))
        end--;
    name = end;
    while (name > tag && !vbXMLScanIsSpace(name[-1]) && !strchr("'\"=", name[-1]))
        name--;
    if (end - name < 5 || strncmp(name, "xmlns", 5) != 0)
        return false;
    return end - name == 5 || name[5] == ':';
}

/*
 * Reads the start tag at @tag (its '<') up to @end; sets *@next after it
 * and *@empty if it closes itself.  Counts the element and its attributes.
 */
static int
vbXMLScanStartTag(vbXMLScan *scan, const char *tag, const char *end, const char **next, bool *empty)
{
    const char *p = tag + 1;
    unsigned int attrs = 0;
    char quote = 0;

    *empty = false;
    if (vbXMLScanAddNode(scan, tag) < 0)
        return -1;
    for (; p < end; p++) {
        if (*p == '<')
            break; /* malformed: libxml2 ends the tag here too */
        if (quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '>') {
            *empty = p[-1] == '/';
            p++;
            break;
        } else if (*p == '=') {
            if (++attrs > scan->limits->attributes) {
                g_autofree char *name = NULL;
                size_t len = strcspn(tag + 1, " \t\r\n/>=<");

                name = g_strndup(tag + 1, MIN(len, 64));
                vbReportError(VIR_ERR_XML_ERROR,
                              _("%s:%d: element '%s' has more than the limit of %u attributes"),
                              scan->url, vbXMLScanLine(scan, tag), name, scan->limits->attributes);
                return -1;
            }
            if (vbXMLScanAddNode(scan, p) < 0)
                return -1;
            if (vbXMLScanIsNamespace(tag, p) && ++scan->namespaces > scan->limits->namespaces) {
                vbReportError(
                    VIR_ERR_XML_ERROR,
                    _("%s:%d: document has more than the limit of %u namespace declarations"),
                    scan->url, vbXMLScanLine(scan, p), scan->limits->namespaces);
                return -1;
            }
        }
    }
    *next = p;
    return 0;
}

/* Counts what may be markup in [@p, @end): the inside of a comment, a
 * processing instruction or a CDATA section. */
static int
vbXMLScanOpaque(vbXMLScan *scan, const char *p, const char *end)
{
    while ((p = memchr(p, '<', end - p))) {
        bool empty;

        if (vbXMLScanStartTag(scan, p, end, &p, &empty) < 0)
            return -1;
    }
    return 0;
}

/* Whether @name is an encoding in which every ASCII character is its
 * one ASCII byte, as the scan reads the text. */
static bool
vbXMLScanEncodingIsAscii(const char *name)
{
    static const char *const prefixes[] = {"ISO-8859-", "ISO8859-", "ISO_8859-", "ISO-LATIN-",
                                           "LATIN",     "WINDOWS-", "CP125"};
    size_t i;

    if (g_ascii_strcasecmp(name, "UTF-8") == 0 || g_ascii_strcasecmp(name, "UTF8") == 0 ||
        g_ascii_strcasecmp(name, "US-ASCII") == 0 || g_ascii_strcasecmp(name, "ASCII") == 0)
        return true;
    for (i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        size_t plen = strlen(prefixes[i]);

        if (g_ascii_strncasecmp(name, prefixes[i], plen) == 0 && name[plen] &&
            strspn(name + plen, "0123456789") == strlen(name + plen))
            return g_ascii_strncasecmp(prefixes[i], "WINDOWS-", 8) != 0 ||
                   g_str_has_prefix(name + plen, "125");
    }
    return false;
}

/*
 * The scan reads bytes as ASCII: a document libxml2 would decode from
 * another encoding (EBCDIC, found from its first bytes, or UTF-7, say,
 * named in its XML declaration) would hide all its markup from it.  Only
 * encodings ASCII is a part of are accepted.  (UTF-16 and UTF-32 never
 * get here whole: their ASCII characters hold NUL bytes.)
 */
static int
vbXMLScanEncoding(const char *xml, size_t len, const char *url)
{
    const char *p = xml;
    const char *end = xml + len;
    const char *decl;
    const char *q;
    g_autofree char *name = NULL;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (end - p >= 4 && memcmp(p, "\x4C\x6F\xA7\x94", 4) == 0) {
        name = g_strdup("EBCDIC");
        goto refuse;
    }
    if (end - p < 6 || memcmp(p, "<?xml", 5) != 0 || !vbXMLScanIsSpace(p[5]))
        return 0;
    if (!(decl = g_strstr_len(p, end - p, "?>")))
        return 0; /* not well-formed: libxml2 reads no further */
    if (!(q = g_strstr_len(p, decl - p, "encoding")))
        return 0;
    q += strlen("encoding");
    while (q < decl && vbXMLScanIsSpace(*q))
        q++;
    if (q < decl && *q == '=') {
        q++;
        while (q < decl && vbXMLScanIsSpace(*q))
            q++;
        if (q < decl && (*q == '\'' || *q == '"')) {
            const char *close = memchr(q + 1, *q, decl - q - 1);

            if (close)
                name = g_strndup(q + 1, MIN(close - q - 1, 64));
        }
    }
    if (name && vbXMLScanEncodingIsAscii(name))
        return 0;
    if (!name)
        name = g_strdup("?");

refuse:
    vbReportError(VIR_ERR_XML_ERROR, _("%s:%d: document encoding '%s' is not supported, use UTF-8"),
                  url, 1, name);
    return -1;
}

static int
vbXMLScanLimits(const char *xml, size_t len, const char *url, const vbXMLLimits *limits)
{
    static const struct {
        const char *open;
        const char *close;
    } opaque[] = {
        {"<!--", "-->"},
        {"<![CDATA[", "]]>"},
        {"<?", "?>"},
    };
    vbXMLScan scan = {.limits = limits, .url = url, .start = xml};
    const char *end = xml + len;
    const char *p = xml;
    unsigned int depth = 0;

    if (vbXMLScanEncoding(xml, len, url) < 0)
        return -1;
    while ((p = memchr(p, '<', end - p))) {
        const char *close = NULL;
        size_t i;
        bool empty;

        for (i = 0; i < G_N_ELEMENTS(opaque); i++) {
            size_t olen = strlen(opaque[i].open);

            if ((size_t) (end - p) >= olen && memcmp(p, opaque[i].open, olen) == 0) {
                const char *body = p + olen;

                if (vbXMLScanAddNode(&scan, p) < 0)
                    return -1;
                close = g_strstr_len(body, end - body, opaque[i].close);
                if (vbXMLScanOpaque(&scan, body, close ? close : end) < 0)
                    return -1;
                p = close ? close + strlen(opaque[i].close) : end;
                break;
            }
        }
        if (i < G_N_ELEMENTS(opaque))
            continue;

        if (p + 1 < end && p[1] == '!') {
            vbReportError(
                VIR_ERR_XML_ERROR,
                _("%s:%d: document type declarations (DOCTYPE, entities) are not allowed"), url,
                vbXMLScanLine(&scan, p));
            return -1;
        }
        if (p + 1 < end && p[1] == '/') {
            if (depth > 0)
                depth--;
            p += 2;
            continue;
        }
        if (vbXMLScanStartTag(&scan, p, end, &p, &empty) < 0)
            return -1;
        /* an empty element is a level too, to libxml2 as to us */
        if (depth + 1 > limits->depth + 1) {
            vbReportError(
                VIR_ERR_XML_ERROR,
                _("%s:%d: elements are nested more than the limit of %u levels below the root"),
                url, vbXMLScanLine(&scan, p), limits->depth);
            return -1;
        }
        if (!empty)
            depth++;
    }
    return 0;
}

static gsize vbXMLInitialized;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt);

static xmlDoc *
vbXMLParseInternal(int domain, const char *xml, const char *url, size_t maxlen,
                   const vbXMLLimits *limits)
{
    vbXMLParseState state = {0};
    g_autofree char *message = NULL;
    g_autofree char *context = NULL;
    g_autoptr(xmlParserCtxt) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    size_t len;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(url != NULL, NULL);

    len = strnlen(xml, maxlen + 1);
    if (len > maxlen || len > G_MAXINT) {
        vbReportError(VIR_ERR_XML_ERROR, _("%s: document is larger than the limit of %zu bytes"),
                      url, maxlen);
        return NULL;
    }

    if (vbXMLScanLimits(xml, len, url, limits) < 0)
        return NULL;

    /* xmlInitParser is not safe to race in libxml2 < 2.11 */
    if (g_once_init_enter(&vbXMLInitialized)) {
        xmlInitParser();
        g_once_init_leave(&vbXMLInitialized, 1);
    }

    if (!(ctxt = xmlNewParserCtxt()))
        g_error("out of memory creating an XML parser context");

    ctxt->_private = &state;
    ctxt->sax->serror = vbXMLParseStructuredError;
    ctxt->sax->internalSubset = vbXMLParseInternalSubset;
    ctxt->sax->externalSubset = vbXMLParseInternalSubset;
    ctxt->sax->entityDecl = vbXMLParseEntityDecl;

    doc = xmlCtxtReadMemory(ctxt, xml, (int) len, url, NULL, vbXMLParseOptions());
    message = g_steal_pointer(&state.message);
    context = g_steal_pointer(&state.context);

    if (state.doctype) {
        vbReportError(VIR_ERR_XML_ERROR,
                      _("%s:%d: document type declarations (DOCTYPE, entities) are not allowed"),
                      url, state.doctypeLine);
        return NULL;
    }
    if (!doc || !ctxt->wellFormed || message) {
        /* libvirt's code for what libxml2 refuses, in the domain of the
         * caller (VIR_FROM_DOMAIN for a domain, VIR_FROM_STORAGE for a
         * pool, ...), and its layout: the message, the line and a pointer
         * to the place */
        vbReportErrorFull(domain, VIR_ERR_XML_DETAIL, __FILE__, __func__, __LINE__,
                          _("%s:%d: %s\n%s"), url, state.line,
                          message ? message : _("document is not well-formed"),
                          context ? context : "");
        return NULL;
    }
    if (!xmlDocGetRootElement(doc)) {
        vbReportError(VIR_ERR_XML_ERROR, _("%s: document has no root element"), url);
        return NULL;
    }
    return g_steal_pointer(&doc);
}

xmlDoc *
vbXMLParseStringFull(int domain, const char *xml, const char *url, size_t maxlen)
{
    return vbXMLParseInternal(domain, xml, url, maxlen, &vbXMLLimitsClient);
}

xmlDoc *
vbXMLParseOwnStringFull(int domain, const char *xml, const char *url, size_t maxlen)
{
    return vbXMLParseInternal(domain, xml, url, maxlen, &vbXMLLimitsOwn);
}

xmlDoc *
vbXMLParseFileFull(int domain, const char *path, size_t maxlen)
{
    g_autofree char *content = NULL;

    if (vbFileReadOwn(path, maxlen, &content) < 0)
        return NULL;
    return vbXMLParseOwnStringFull(domain, content, path, maxlen);
}

int
vbXMLCheckRoot(const xmlNode *root, const char *name)
{
    if (vbXMLNodeNameEqual(root, name))
        return 0;
    /* libvirt's words, reported by its XML layer whatever the document */
    vbReportError(VIR_ERR_XML_ERROR, _("expecting root element of '%s', not '%s'"), name,
                  root ? (const char *) root->name : "");
    return -1;
}

/* One parsed schema is kept: parsing domain.rng takes tens of
 * milliseconds, and validation contexts made from it may run in parallel. */
static GMutex vbXMLSchemaLock;
static xmlRelaxNGPtr vbXMLSchema;
static char *vbXMLSchemaPath;

typedef struct {
    GString *text;
    unsigned int count;
} vbXMLValidateState;

static void
vbXMLValidateStructuredError(void *userData, xmlErrorPtr err)
{
    vbXMLValidateState *state = userData;
    g_autofree char *msg = NULL;

    if (!err || !err->message)
        return;
    /* The first few say where it failed; libxml2 repeats itself after. */
    if (state->count++ >= 3)
        return;
    msg = g_strchomp(g_strdup(err->message));
    if (state->text->len)
        g_string_append(state->text, "; ");
    if (err->node && ((xmlNodePtr) err->node)->name)
        g_string_append_printf(state->text, "element '%s' line %d: %s",
                               (const char *) ((xmlNodePtr) err->node)->name, err->line, msg);
    else
        g_string_append(state->text, msg);
}

static xmlRelaxNGPtr
vbXMLSchemaGet(const char *schemaPath)
{
    xmlRelaxNGParserCtxtPtr pctxt = NULL;
    vbXMLValidateState state = {g_string_new(NULL), 0};
    g_autoptr(GString) text = state.text;

    if (vbXMLSchema && g_strcmp0(vbXMLSchemaPath, schemaPath) == 0)
        return vbXMLSchema;

    if (!g_file_test(schemaPath, G_FILE_TEST_IS_REGULAR)) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("cannot validate against schema '%s': file not found (it is installed with libvirt)"),
            schemaPath);
        return NULL;
    }

    if (!(pctxt = xmlRelaxNGNewParserCtxt(schemaPath)))
        g_error("out of memory creating a RelaxNG parser context");
    xmlRelaxNGSetParserStructuredErrors(pctxt, vbXMLValidateStructuredError, &state);
    g_clear_pointer(&vbXMLSchema, xmlRelaxNGFree);
    g_clear_pointer(&vbXMLSchemaPath, g_free);
    vbXMLSchema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!vbXMLSchema) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot parse schema '%s': %s"), schemaPath,
                      text->str);
        return NULL;
    }
    vbXMLSchemaPath = g_strdup(schemaPath);
    return vbXMLSchema;
}

int
vbXMLValidateRelaxNG(xmlDoc *doc, const char *schemaPath)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&vbXMLSchemaLock);
    vbXMLValidateState state = {g_string_new(NULL), 0};
    g_autoptr(GString) text = state.text;
    xmlRelaxNGValidCtxtPtr vctxt = NULL;
    xmlRelaxNGPtr schema;
    int rc;

    if (!(schema = vbXMLSchemaGet(schemaPath)))
        return -1;

    if (!(vctxt = xmlRelaxNGNewValidCtxt(schema)))
        g_error("out of memory creating a RelaxNG validation context");
    xmlRelaxNGSetValidStructuredErrors(vctxt, vbXMLValidateStructuredError, &state);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);

    if (rc != 0) {
        /* libvirt's prefix for VIR_ERR_XML_INVALID_SCHEMA, which vberror's
         * table does not carry, hence the raw report. */
        g_autofree char *detail =
            g_strdup_printf(_("Unable to validate doc against %s: %s"), schemaPath,
                            text->len ? text->str : _("unknown reason"));

        vbReportRawError(VIR_ERR_XML_INVALID_SCHEMA,
                         _("XML document failed to validate against schema: %s"), detail);
        return -1;
    }
    return 0;
}

bool
vbXMLNodeNameEqual(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && strcmp((const char *) node->name, name) == 0;
}

xmlNode *
vbXMLNextElement(const xmlNode *node)
{
    for (node = node->next; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE)
            return (xmlNode *) node;
    }
    return NULL;
}

xmlNode *
vbXMLChildElement(const xmlNode *node, const char *name)
{
    xmlNode *cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (!name || strcmp((const char *) cur->name, name) == 0)
            return cur;
    }
    return NULL;
}

size_t
vbXMLCountChildren(const xmlNode *node, const char *name)
{
    xmlNode *cur;
    size_t n = 0;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && (!name || vbXMLNodeNameEqual(cur, name)))
            n++;
    }
    return n;
}

char *
vbXMLPropString(const xmlNode *node, const char *name)
{
    xmlChar *val = xmlGetNoNsProp(node, (const xmlChar *) name);
    char *ret;

    if (!val)
        return NULL;
    ret = g_strdup((const char *) val);
    xmlFree(val);
    return ret;
}

char *
vbXMLNodeContent(const xmlNode *node)
{
    xmlChar *val = xmlNodeGetContent(node);
    char *ret = g_strdup(val ? (const char *) val : "");

    xmlFree(val);
    return ret;
}

void
vbXMLReportInvalidProp(const xmlNode *node, const char *name, const char *value)
{
    g_autofree char *escaped = g_strescape(value ? value : "", NULL);

    vbReportError(VIR_ERR_XML_ERROR, _("Invalid value for attribute '%s' in element '%s': '%s'"),
                  name, (const char *) node->name, escaped);
}

int
vbXMLPropStringFull(const xmlNode *node, const char *name, vbXMLPropFlags flags, char **result)
{
    char *value = vbXMLPropString(node, name);

    if (!value) {
        if (!(flags & VB_XML_PROP_REQUIRED))
            return 0;
        vbReportError(VIR_ERR_XML_ERROR, _("Missing required attribute '%s' in element '%s'"), name,
                      (const char *) node->name);
        return -1;
    }
    g_free(*result);
    *result = value;
    return 1;
}

int
vbXMLPropEnumFull(const xmlNode *node, const char *name, int (*fromString)(const char *),
                  vbXMLPropFlags flags, vbXMLPropInvalidFunc reportInvalid, unsigned int *result)
{
    g_autofree char *value = NULL;
    int rc;
    int v;

    g_return_val_if_fail(fromString != NULL, -1);

    if ((rc = vbXMLPropStringFull(node, name, flags, &value)) <= 0)
        return rc;
    if ((v = fromString(value)) < 0 || (v == 0 && (flags & VB_XML_PROP_NONZERO))) {
        (reportInvalid ? reportInvalid : vbXMLReportInvalidProp)(node, name, value);
        return -1;
    }
    *result = v;
    return 1;
}

int
vbXMLPropEnum(const xmlNode *node, const char *name, int (*fromString)(const char *),
              vbXMLPropFlags flags, unsigned int *result)
{
    return vbXMLPropEnumFull(node, name, fromString, flags, NULL, result);
}

/* Parses @value in @base (see vbxml.h) into its magnitude and sign:
 * false if it is not a number or its magnitude exceeds @max. */
static bool
vbXMLParseNumber(const char *value, int base, bool allowMinus, guint64 max, guint64 *magnitude,
                 bool *negative)
{
    const char *digits = value;

    *negative = false;
    if (allowMinus && *digits == '-') {
        *negative = true;
        digits++;
    }
    if (base == 0)
        base = g_str_has_prefix(digits, "0x") ? 16 : 10;
    if (base == 16 && g_str_has_prefix(digits, "0x"))
        digits += 2;
    /* g_ascii_string_to_unsigned refuses signs, white space and empty */
    return g_ascii_string_to_unsigned(digits, base, 0, max, magnitude, NULL);
}

/* Reads an integer in [-@negMax, @max] (@negMax 0: unsigned) and checks
 * the flags; 1 with *@result, 0 absent, -1 reported. */
static int
vbXMLPropNumber(const xmlNode *node, const char *name, int base, vbXMLPropFlags flags,
                guint64 negMax, guint64 max, gint64 *result)
{
    g_autofree char *value = NULL;
    guint64 magnitude;
    bool negative;
    int rc;

    if ((rc = vbXMLPropStringFull(node, name, flags, &value)) <= 0)
        return rc;
    if (!vbXMLParseNumber(value, base, negMax > 0, MAX(max, negMax), &magnitude, &negative) ||
        (negative ? magnitude > negMax : magnitude > max) ||
        (magnitude == 0 && (flags & VB_XML_PROP_NONZERO)) ||
        (negative && magnitude > 0 && (flags & VB_XML_PROP_NONNEGATIVE))) {
        vbXMLReportInvalidProp(node, name, value);
        return -1;
    }
    /* two's complement: -(2^63) survives the round trip through guint64 */
    *result = negative ? (gint64) (0 - magnitude) : (gint64) magnitude;
    return 1;
}

int
vbXMLPropInt(const xmlNode *node, const char *name, int base, vbXMLPropFlags flags, int *result)
{
    gint64 v;
    int rc;

    if ((rc = vbXMLPropNumber(node, name, base, flags, (guint64) G_MAXINT + 1, G_MAXINT, &v)) > 0)
        *result = v;
    return rc;
}

int
vbXMLPropUInt(const xmlNode *node, const char *name, int base, vbXMLPropFlags flags,
              unsigned int *result)
{
    gint64 v;
    int rc;

    if ((rc = vbXMLPropNumber(node, name, base, flags, 0, G_MAXUINT, &v)) > 0)
        *result = v;
    return rc;
}

int
vbXMLPropULongLong(const xmlNode *node, const char *name, int base, vbXMLPropFlags flags,
                   unsigned long long *result)
{
    gint64 v;
    int rc;

    if ((rc = vbXMLPropNumber(node, name, base, flags, 0, G_MAXUINT64, &v)) > 0)
        *result = (guint64) v;
    return rc;
}

int
vbXMLPropTristateBool(const xmlNode *node, const char *name, vbXMLPropFlags flags,
                      vbTristateBool *result)
{
    unsigned int v = VB_TRISTATE_BOOL_ABSENT;
    int rc;

    rc = vbXMLPropEnum(node, name, vbTristateBoolTypeFromString, flags | VB_XML_PROP_NONZERO, &v);
    if (rc >= 0)
        *result = v;
    return rc;
}

int
vbXMLPropBool(const xmlNode *node, const char *name, vbXMLPropFlags flags, bool *result)
{
    vbTristateBool v;
    int rc;

    if ((rc = vbXMLPropTristateBool(node, name, flags, &v)) > 0)
        *result = v == VB_TRISTATE_BOOL_YES;
    return rc;
}

int
vbXMLCheckIllegalChars(const char *what, const char *value, const char *extra)
{
    const unsigned char *c;

    for (c = (const unsigned char *) value; *c; c++) {
        if (*c < 0x20 || *c == 0x7f || (extra && strchr(extra, *c))) {
            vbReportError(VIR_ERR_XML_DETAIL, _("invalid char in %s: 0x%02x"), what, *c);
            return -1;
        }
    }
    return 0;
}

char *
vbXMLNodeToString(const xmlNode *node)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc((const xmlChar *) "1.0");
    xmlBufferPtr buf = NULL;
    xmlNodePtr copy;
    char *ret;

    if (!doc || !(buf = xmlBufferCreate()))
        g_error("out of memory serializing XML");
    /* A deep copy into a document of its own: the copy declares the
     * namespaces it inherited on its root, so the text stands alone, and
     * leaves those its descendants declare where they are (as libvirt
     * writes <metadata>; reconciling would declare them twice). */
    if (!(copy = xmlDocCopyNode((xmlNodePtr) node, doc, 1)))
        g_error("out of memory serializing XML");
    xmlDocSetRootElement(doc, copy);
    xmlNodeDump(buf, doc, copy, 0, 0);
    ret = g_strdup((const char *) xmlBufferContent(buf));
    xmlBufferFree(buf);
    return ret;
}

static void
vbXMLStripBlanks(xmlNode *node)
{
    xmlNode *cur = node->children;

    while (cur) {
        xmlNode *next = cur->next;

        if (cur->type == XML_TEXT_NODE && xmlIsBlankNode(cur)) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
        } else if (cur->type == XML_ELEMENT_NODE) {
            vbXMLStripBlanks(cur);
        }
        cur = next;
    }
}

char *
vbXMLNodeToStringNoBlanks(const xmlNode *node)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *str = vbXMLNodeToString(node);

    /* our own output: parsing it cannot fail but for memory */
    if (!(doc = vbXMLParseOwnString(str, "(node)", G_MAXINT - 1)))
        return NULL;
    vbXMLStripBlanks(xmlDocGetRootElement(doc));
    return vbXMLNodeToString(xmlDocGetRootElement(doc));
}

int
vbXMLFormatIndented(vbBuffer *buf, const char *xml)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlBufferPtr xmlbuf = NULL;
    int oldIndent = xmlIndentTreeOutput;

    if (!(doc = vbXMLParseOwnString(xml, "(node)", G_MAXINT - 1)))
        return -1;
    if (!(xmlbuf = xmlBufferCreate()))
        g_error("out of memory serializing XML");
    /* libxml indents two spaces a level, after the first line (which
     * @buf indents); the setting is thread-local */
    xmlIndentTreeOutput = 1;
    xmlNodeDump(xmlbuf, doc, xmlDocGetRootElement(doc), vbBufferGetIndent(buf) / 2, 1);
    xmlIndentTreeOutput = oldIndent;
    vbBufferAdd(buf, (const char *) xmlBufferContent(xmlbuf), -1);
    vbBufferAddLit(buf, "\n");
    xmlBufferFree(xmlbuf);
    return 0;
}

static void
vbXMLFormatElementInternal(vbBuffer *buf, const char *name, vbBuffer *attrBuf, vbBuffer *childBuf,
                           bool allowEmpty)
{
    if (!allowEmpty && vbBufferUse(attrBuf) == 0 && vbBufferUse(childBuf) == 0)
        return;

    vbBufferAsprintf(buf, "<%s", name);
    vbBufferAddBuffer(buf, attrBuf);
    if (vbBufferUse(childBuf) > 0) {
        vbBufferAddLit(buf, ">\n");
        vbBufferAddBuffer(buf, childBuf);
        vbBufferAsprintf(buf, "</%s>\n", name);
    } else {
        vbBufferAddLit(buf, "/>\n");
    }
}

void
vbXMLFormatElement(vbBuffer *buf, const char *name, vbBuffer *attrBuf, vbBuffer *childBuf)
{
    vbXMLFormatElementInternal(buf, name, attrBuf, childBuf, false);
}

void
vbXMLFormatElementEmpty(vbBuffer *buf, const char *name, vbBuffer *attrBuf, vbBuffer *childBuf)
{
    vbXMLFormatElementInternal(buf, name, attrBuf, childBuf, true);
}

unsigned long long
vbUnitScale(const char *unit)
{
    static const char powers[] = "kmgtpe";
    const char *p;
    unsigned long long base;
    unsigned long long scale = 1;

    if (g_ascii_strcasecmp(unit, "b") == 0 || g_ascii_strcasecmp(unit, "byte") == 0 ||
        g_ascii_strcasecmp(unit, "bytes") == 0)
        return 1;
    if (!unit[0] || !(p = strchr(powers, g_ascii_tolower(unit[0]))))
        return 0;
    if (!unit[1] || g_ascii_strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (g_ascii_strcasecmp(unit + 1, "B") == 0)
        base = 1000;
    else
        return 0;
    for (; p >= powers; p--)
        scale *= base;
    return scale;
}
