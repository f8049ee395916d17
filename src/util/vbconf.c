/*
 * vbconf.c: the daemon's configuration files, in libvirt's syntax
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vbconf.h"
#include "vberror.h"
#include "vbfile.h"
#include "vblog.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#define VB_FROM_THIS_FILE VIR_FROM_CONF

#define VB_CONF_MAX_SIZE (1024 * 1024)
/* nesting of lists: libvirt's own files never nest */
#define VB_CONF_MAX_DEPTH 8

typedef enum {
    VB_CONF_VALUE_INT,
    VB_CONF_VALUE_STRING,
    VB_CONF_VALUE_LIST,
} vbConfValueType;

typedef struct _vbConfValue vbConfValue;
struct _vbConfValue {
    vbConfValueType type;
    long long num;
    char *str;
    GPtrArray *list; /* of vbConfValue */
    int line;
};

struct _vbConf {
    char *filename;
    GHashTable *values; /* name -> vbConfValue */
};

static void
vbConfValueFree(void *opaque)
{
    vbConfValue *val = opaque;

    if (!val)
        return;
    g_free(val->str);
    if (val->list)
        g_ptr_array_unref(val->list);
    g_free(val);
}

void
vbConfFree(vbConf *conf)
{
    if (!conf)
        return;
    g_free(conf->filename);
    g_hash_table_unref(conf->values);
    g_free(conf);
}

typedef struct {
    const char *filename;
    const char *cur;
    const char *end;
    int line;
} vbConfParser;

static int
vbConfSyntaxError(vbConfParser *p, const char *what)
{
    vbReportError(VIR_ERR_CONF_SYNTAX, _("%s:%d: %s"), p->filename, p->line, what);
    return -1;
}

/* Spaces and tabs; with @newlines also line ends and comments (inside a
 * list, where values may span lines). */
static void
vbConfSkipBlanks(vbConfParser *p, bool newlines)
{
    while (p->cur < p->end) {
        char c = *p->cur;

        if (c == ' ' || c == '\t' || c == '\r') {
            p->cur++;
        } else if (newlines && c == '\n') {
            p->line++;
            p->cur++;
        } else if (newlines && c == '#') {
            while (p->cur < p->end && *p->cur != '\n')
                p->cur++;
        } else {
            break;
        }
    }
}

static int
vbConfParseString(vbConfParser *p, char **str)
{
    const char *start;
    int startLine = p->line;

    if (p->end - p->cur >= 3 && strncmp(p->cur, "\"\"\"", 3) == 0) {
        p->cur += 3;
        start = p->cur;
        while (p->end - p->cur >= 3 && strncmp(p->cur, "\"\"\"", 3) != 0) {
            if (*p->cur == '\n')
                p->line++;
            p->cur++;
        }
        if (p->end - p->cur < 3) {
            p->line = startLine;
            return vbConfSyntaxError(p, _("unterminated string"));
        }
        *str = g_strndup(start, p->cur - start);
        p->cur += 3;
    } else {
        char quote = *p->cur++;

        start = p->cur;
        while (p->cur < p->end && *p->cur != quote && *p->cur != '\n')
            p->cur++;
        if (p->cur >= p->end || *p->cur != quote)
            return vbConfSyntaxError(p, _("unterminated string"));
        *str = g_strndup(start, p->cur - start);
        p->cur++;
    }
    return 0;
}

static vbConfValue *vbConfParseValue(vbConfParser *p, int depth);

static vbConfValue *
vbConfParseList(vbConfParser *p, int depth)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(vbConfValueFree);
    vbConfValue *val;

    if (depth >= VB_CONF_MAX_DEPTH) {
        vbConfSyntaxError(p, _("lists nested too deeply"));
        return NULL;
    }
    p->cur++; /* '[' */
    vbConfSkipBlanks(p, true);
    while (p->cur < p->end && *p->cur != ']') {
        vbConfValue *item;

        if (!(item = vbConfParseValue(p, depth + 1)))
            return NULL;
        g_ptr_array_add(list, item);
        vbConfSkipBlanks(p, true);
        if (p->cur < p->end && *p->cur == ',') {
            p->cur++;
            vbConfSkipBlanks(p, true);
        } else if (p->cur < p->end && *p->cur != ']') {
            vbConfSyntaxError(p, _("expecting a separator in list"));
            return NULL;
        }
    }
    if (p->cur >= p->end) {
        vbConfSyntaxError(p, _("list is not closed with ]"));
        return NULL;
    }
    p->cur++; /* ']' */
    val = g_new0(vbConfValue, 1);
    val->type = VB_CONF_VALUE_LIST;
    val->list = g_steal_pointer(&list);
    return val;
}

static vbConfValue *
vbConfParseValue(vbConfParser *p, int depth)
{
    g_autoptr(GString) digits = NULL;
    vbConfValue *val;
    int line = p->line;

    if (p->cur >= p->end) {
        vbConfSyntaxError(p, _("expecting a value"));
        return NULL;
    }
    if (*p->cur == '[') {
        if (!(val = vbConfParseList(p, depth)))
            return NULL;
        val->line = line;
        return val;
    }
    if (*p->cur == '"' || *p->cur == '\'') {
        g_autofree char *str = NULL;

        if (vbConfParseString(p, &str) < 0)
            return NULL;
        val = g_new0(vbConfValue, 1);
        val->type = VB_CONF_VALUE_STRING;
        val->str = g_steal_pointer(&str);
        val->line = line;
        return val;
    }
    if (*p->cur == '-' || *p->cur == '+' || g_ascii_isdigit(*p->cur)) {
        gint64 num;

        digits = g_string_new(NULL);
        g_string_append_c(digits, *p->cur++);
        while (p->cur < p->end && g_ascii_isdigit(*p->cur))
            g_string_append_c(digits, *p->cur++);
        if (!g_ascii_string_to_signed(digits->str, 10, LLONG_MIN, LLONG_MAX, &num, NULL)) {
            vbConfSyntaxError(p, _("invalid integer"));
            return NULL;
        }
        val = g_new0(vbConfValue, 1);
        val->type = VB_CONF_VALUE_INT;
        val->num = num;
        val->line = line;
        return val;
    }
    vbConfSyntaxError(p, _("expecting a value"));
    return NULL;
}

static int
vbConfParse(vbConf *conf, const char *content, size_t len)
{
    vbConfParser p = {
        .filename = conf->filename,
        .cur = content,
        .end = content + len,
        .line = 1,
    };

    if (memchr(content, '\0', len))
        return vbConfSyntaxError(&p, _("the file holds a NUL byte"));

    while (p.cur < p.end) {
        const char *start;
        g_autofree char *name = NULL;
        vbConfValue *prev;
        vbConfValue *val;

        vbConfSkipBlanks(&p, true);
        if (p.cur >= p.end)
            break;
        if (*p.cur == ';') {
            p.cur++;
            continue;
        }
        start = p.cur;
        if (!g_ascii_isalpha(*p.cur) && *p.cur != '_')
            return vbConfSyntaxError(&p, _("expecting a name"));
        while (p.cur < p.end && (g_ascii_isalnum(*p.cur) || *p.cur == '_' || *p.cur == '.'))
            p.cur++;
        name = g_strndup(start, p.cur - start);
        vbConfSkipBlanks(&p, false);
        if (p.cur >= p.end || *p.cur != '=')
            return vbConfSyntaxError(&p, _("expecting an assignment"));
        p.cur++;
        vbConfSkipBlanks(&p, false);
        if (!(val = vbConfParseValue(&p, 0)))
            return -1;
        /* libvirt takes the first of two settings of a name, which reads
         * as if the second were in force: refuse the ambiguity */
        if ((prev = g_hash_table_lookup(conf->values, name))) {
            vbReportError(VIR_ERR_CONF_SYNTAX, _("%s:%d: setting '%s' is already set on line %d"),
                          p.filename, val->line, name, prev->line);
            vbConfValueFree(val);
            return -1;
        }
        g_hash_table_insert(conf->values, g_steal_pointer(&name), val);

        /* the end of the statement: a newline, ';', a comment or the end */
        vbConfSkipBlanks(&p, false);
        if (p.cur < p.end) {
            if (*p.cur == ';') {
                p.cur++;
            } else if (*p.cur == '#') {
                while (p.cur < p.end && *p.cur != '\n')
                    p.cur++;
            } else if (*p.cur != '\n') {
                return vbConfSyntaxError(&p, _("expecting a separator"));
            }
        }
    }
    return 0;
}

static vbConf *
vbConfNew(const char *name)
{
    vbConf *conf = g_new0(vbConf, 1);

    conf->filename = g_strdup(name);
    conf->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, vbConfValueFree);
    return conf;
}

vbConf *
vbConfReadString(const char *name, const char *content)
{
    g_autoptr(vbConf) conf = vbConfNew(name);

    if (vbConfParse(conf, content, strlen(content)) < 0)
        return NULL;
    return g_steal_pointer(&conf);
}

vbConf *
vbConfReadFile(const char *path)
{
    g_autoptr(vbConf) conf = vbConfNew(path);
    g_autofree char *content = NULL;
    struct stat sb;
    gssize len;

    if (stat(path, &sb) < 0) {
        if (errno == ENOENT) {
            VB_DEBUG("no configuration file '%s': defaults apply", path);
            return g_steal_pointer(&conf);
        }
        vbReportSystemError(errno, _("cannot stat '%s'"), path);
        return NULL;
    }
    /* a FIFO or a device is refused by the reader, without blocking */
    if ((len = vbFileReadAll(path, VB_CONF_MAX_SIZE, &content)) < 0)
        return NULL;
    if (vbConfParse(conf, content, len) < 0)
        return NULL;
    return g_steal_pointer(&conf);
}

static int
vbConfTypeError(vbConf *conf, vbConfValue *val, const char *name, const char *what)
{
    vbReportError(VIR_ERR_CONF_SYNTAX, _("%s:%d: expected %s for the '%s' setting"), conf->filename,
                  val->line, what, name);
    return -1;
}

int
vbConfGetString(vbConf *conf, const char *name, char **value)
{
    vbConfValue *val = g_hash_table_lookup(conf->values, name);

    if (!val)
        return 0;
    if (val->type != VB_CONF_VALUE_STRING)
        return vbConfTypeError(conf, val, name, _("a string"));
    g_free(*value);
    *value = g_strdup(val->str);
    return 1;
}

int
vbConfGetStringList(vbConf *conf, const char *name, char ***value)
{
    vbConfValue *val = g_hash_table_lookup(conf->values, name);
    g_autoptr(GStrvBuilder) builder = NULL;
    size_t i;

    if (!val)
        return 0;
    builder = g_strv_builder_new();
    if (val->type == VB_CONF_VALUE_STRING) {
        g_strv_builder_add(builder, val->str);
    } else if (val->type == VB_CONF_VALUE_LIST) {
        for (i = 0; i < val->list->len; i++) {
            vbConfValue *item = g_ptr_array_index(val->list, i);

            if (item->type != VB_CONF_VALUE_STRING)
                return vbConfTypeError(conf, val, name, _("a list of strings"));
            g_strv_builder_add(builder, item->str);
        }
    } else {
        return vbConfTypeError(conf, val, name, _("a list of strings"));
    }
    g_strfreev(*value);
    *value = g_strv_builder_end(builder);
    return 1;
}

int
vbConfGetBool(vbConf *conf, const char *name, bool *value)
{
    vbConfValue *val = g_hash_table_lookup(conf->values, name);

    if (!val)
        return 0;
    if (val->type != VB_CONF_VALUE_INT || (val->num != 0 && val->num != 1))
        return vbConfTypeError(conf, val, name, _("0 or 1"));
    *value = val->num == 1;
    return 1;
}

int
vbConfGetULLong(vbConf *conf, const char *name, unsigned long long *value)
{
    vbConfValue *val = g_hash_table_lookup(conf->values, name);

    if (!val)
        return 0;
    if (val->type != VB_CONF_VALUE_INT || val->num < 0)
        return vbConfTypeError(conf, val, name, _("an unsigned integer"));
    *value = val->num;
    return 1;
}

int
vbConfGetUInt(vbConf *conf, const char *name, unsigned int *value)
{
    vbConfValue *val = g_hash_table_lookup(conf->values, name);

    if (!val)
        return 0;
    if (val->type != VB_CONF_VALUE_INT || val->num < 0 || val->num > UINT_MAX)
        return vbConfTypeError(conf, val, name, _("an unsigned integer up to 4294967295"));
    *value = val->num;
    return 1;
}

void
vbConfWarnUnknown(vbConf *conf, const char *const *known)
{
    GHashTableIter iter;
    const char *name;
    vbConfValue *val;

    g_hash_table_iter_init(&iter, conf->values);
    while (g_hash_table_iter_next(&iter, (void **) &name, (void **) &val)) {
        if (!g_strv_contains(known, name))
            VB_WARN("%s:%d: unknown setting '%s' is ignored", conf->filename, val->line, name);
    }
}
