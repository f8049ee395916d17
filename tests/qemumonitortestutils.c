/*
 * qemumonitortestutils.c: a scripted fake QMP server, as strict as QEMU 7.2
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vberror.h"
#include "vbfile.h"
#include "qemumonitortestutils.h"
#include "testutils.h"

typedef enum {
    TEST_QMP_STEP_WRITE,
    TEST_QMP_STEP_COMMAND,
    TEST_QMP_STEP_CLOSE,
} testQMPStepType;

typedef struct {
    testQMPStepType type;
    char *name;  /* COMMAND */
    char *bytes; /* WRITE, or the reply of COMMAND */
    bool bytewise;
} testQMPStep;

struct _vbTestQMP {
    GPtrArray *steps;
    int fds[2]; /* [0] server, [1] client until handed out */
    GThread *thread;
    GString *inbuf;
    GPtrArray *commands; /* vbJSONValue * */
    char *prevId;
    char *failure; /* first deviation from the script */
};

static void
testQMPStepFree(gpointer opaque)
{
    testQMPStep *step = opaque;

    g_free(step->name);
    g_free(step->bytes);
    g_free(step);
}

static void
testQMPCommandFree(gpointer opaque)
{
    vbJSONValueFree(opaque);
}

vbTestQMP *
vbTestQMPNew(void)
{
    vbTestQMP *t = g_new0(vbTestQMP, 1);

    t->steps = g_ptr_array_new_with_free_func(testQMPStepFree);
    t->commands = g_ptr_array_new_with_free_func(testQMPCommandFree);
    t->inbuf = g_string_new(NULL);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t->fds) < 0)
        g_error("socketpair: %s", g_strerror(errno));
    return t;
}

void
vbTestQMPFree(vbTestQMP *t)
{
    if (!t)
        return;
    if (t->thread)
        vbTestQMPFinish(t);
    if (t->fds[0] >= 0)
        close(t->fds[0]);
    if (t->fds[1] >= 0)
        close(t->fds[1]);
    g_ptr_array_unref(t->steps);
    g_ptr_array_unref(t->commands);
    g_string_free(t->inbuf, TRUE);
    g_free(t->prevId);
    g_free(t->failure);
    g_free(t);
}

static void
testQMPAddStep(vbTestQMP *t, testQMPStepType type, const char *name, const char *bytes,
               bool bytewise)
{
    testQMPStep *step = g_new0(testQMPStep, 1);

    step->type = type;
    step->name = g_strdup(name);
    step->bytes = g_strdup(bytes);
    step->bytewise = bytewise;
    g_ptr_array_add(t->steps, step);
}

void
vbTestQMPAddWrite(vbTestQMP *t, const char *bytes, bool bytewise)
{
    testQMPAddStep(t, TEST_QMP_STEP_WRITE, NULL, bytes, bytewise);
}

void
vbTestQMPAddGreeting(vbTestQMP *t)
{
    vbTestQMPAddWrite(t,
                      "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, "
                      "\"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u16\"}, "
                      "\"capabilities\": [\"oob\"]}}\r\n",
                      false);
    vbTestQMPAddCommand(t, "qmp_capabilities", "{\"return\": {}, \"id\": \"@ID@\"}\r\n", false);
}

void
vbTestQMPAddCommand(vbTestQMP *t, const char *name, const char *reply, bool bytewise)
{
    testQMPAddStep(t, TEST_QMP_STEP_COMMAND, name, reply, bytewise);
}

void
vbTestQMPAddClose(vbTestQMP *t)
{
    testQMPAddStep(t, TEST_QMP_STEP_CLOSE, NULL, NULL, false);
}

static void G_GNUC_PRINTF(2, 3) testQMPFail(vbTestQMP *t, const char *fmt, ...)
{
    va_list ap;

    if (t->failure)
        return;
    va_start(ap, fmt);
    t->failure = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

static int
testQMPWrite(vbTestQMP *t, const char *bytes, bool bytewise)
{
    size_t len = strlen(bytes);
    size_t done = 0;

    while (done < len) {
        ssize_t n = send(t->fds[0], bytes + done, bytewise ? 1 : len - done, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            testQMPFail(t, "cannot write to the client: %s", g_strerror(errno));
            return -1;
        }
        done += n;
    }
    return 0;
}

/* One line from the client; NULL at EOF. */
static char *
testQMPReadLine(vbTestQMP *t)
{
    for (;;) {
        char buf[4096];
        char *nl = memchr(t->inbuf->str, '\n', t->inbuf->len);
        ssize_t n;

        if (nl) {
            char *line = g_strndup(t->inbuf->str, nl - t->inbuf->str);

            g_string_erase(t->inbuf, 0, nl - t->inbuf->str + 1);
            return line;
        }
        n = read(t->fds[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        g_string_append_len(t->inbuf, buf, n);
    }
}

static int
testQMPRunCommand(vbTestQMP *t, testQMPStep *step)
{
    g_autofree char *line = testQMPReadLine(t);
    g_autoptr(vbJSONValue) cmd = NULL;
    g_autoptr(vbJSONValue) id = NULL;
    g_autofree char *reply = NULL;
    g_autofree char *invalid = NULL;
    const char *name;

    if (!line) {
        testQMPFail(t, "expected command '%s', got EOF", step->name);
        return -1;
    }
    if (!(cmd = vbJSONValueFromString(line))) {
        testQMPFail(t, "expected command '%s', got unparsable '%s'", step->name, line);
        return -1;
    }
    name = vbJSONValueObjectGetString(cmd, "execute");
    if (g_strcmp0(name, step->name) != 0) {
        testQMPFail(t, "expected command '%s', got '%s'", step->name, line);
        return -1;
    }
    if (!(id = vbJSONValueObjectStealValue(cmd, "id")) || !vbJSONValueGetString(id)) {
        testQMPFail(t, "command '%s' came without a string id", step->name);
        return -1;
    }
    if (vbTestQMPValidateCommand(cmd, &invalid) < 0) {
        testQMPFail(t, "command '%s' would be refused by QEMU 7.2: %s", name, invalid);
        return -1;
    }
    g_ptr_array_add(t->commands, g_steal_pointer(&cmd));

    if (step->bytes) {
        g_autoptr(GString) r = g_string_new(step->bytes);

        g_string_replace(r, "@PREVID@", t->prevId ? t->prevId : "none", 0);
        g_string_replace(r, "@ID@", vbJSONValueGetString(id), 0);
        reply = g_string_free(g_steal_pointer(&r), FALSE);
    }
    g_free(t->prevId);
    t->prevId = g_strdup(vbJSONValueGetString(id));

    if (reply && testQMPWrite(t, reply, step->bytewise) < 0)
        return -1;
    return 0;
}

static gpointer
testQMPThread(gpointer opaque)
{
    vbTestQMP *t = opaque;
    size_t i;

    for (i = 0; i < t->steps->len; i++) {
        testQMPStep *step = t->steps->pdata[i];
        int rc = 0;

        switch (step->type) {
        case TEST_QMP_STEP_WRITE:
            rc = testQMPWrite(t, step->bytes, step->bytewise);
            break;
        case TEST_QMP_STEP_COMMAND:
            rc = testQMPRunCommand(t, step);
            break;
        case TEST_QMP_STEP_CLOSE:
            close(t->fds[0]);
            t->fds[0] = -1;
            return NULL;
        }
        if (rc < 0) {
            /* the client sees EOF instead of waiting for a reply */
            shutdown(t->fds[0], SHUT_RDWR);
            return NULL;
        }
    }

    /* The script is over: anything the client still sends is a deviation. */
    for (;;) {
        g_autofree char *line = testQMPReadLine(t);

        if (!line)
            break;
        testQMPFail(t, "unexpected command after the script: '%s'", line);
    }
    return NULL;
}

int
vbTestQMPStart(vbTestQMP *t)
{
    int fd = t->fds[1];

    t->fds[1] = -1;
    t->thread = g_thread_new("fake-qmp", testQMPThread, t);
    return fd;
}

void
vbTestQMPHangup(vbTestQMP *t)
{
    shutdown(t->fds[0], SHUT_RDWR);
}

int
vbTestQMPFinish(vbTestQMP *t)
{
    if (t->thread) {
        g_thread_join(t->thread);
        t->thread = NULL;
    }
    if (t->failure) {
        fprintf(stderr, "fake QMP server: %s\n", t->failure);
        return -1;
    }
    return 0;
}

size_t
vbTestQMPCommandCount(vbTestQMP *t)
{
    return t->commands->len;
}

vbJSONValue *
vbTestQMPGetCommand(vbTestQMP *t, size_t idx)
{
    if (idx >= t->commands->len)
        return NULL;
    return t->commands->pdata[idx];
}

/* ------------------------------------------------------------------ */
/* QEMU 7.2's QAPI schema: every command the server receives must pass it */

#define TEST_QMP_SCHEMA "qemucapsdata/qemu-7.2.0-x86_64.schema.json"

const vbQemuSchema *
vbTestQMPGetSchema(void)
{
    static vbQemuSchema *schema;

    /* server threads of several tests may get here at once */
    if (g_once_init_enter(&schema)) {
        g_autofree char *path = vbTestSrcPath(TEST_QMP_SCHEMA);
        g_autofree char *text = NULL;
        g_autoptr(vbJSONValue) entries = NULL;
        vbQemuSchema *loaded = NULL;

        if (vbFileReadAll(path, 16 * 1024 * 1024, &text) < 0 ||
            !(entries = vbJSONValueFromString(text)) || !(loaded = vbQemuSchemaNew(&entries)))
            g_error("cannot load %s: %s", path, vbGetLastErrorMessage());
        g_once_init_leave(&schema, loaded);
    }
    return schema;
}

typedef struct {
    const vbQemuSchema *schema;
    GString *path;  /* where in the command we are: "block-commit/speed" */
    unsigned quiet; /* > 0 while trying the alternatives of an alternate:
                     * their complaints are noise unless none matches */
    char *error;    /* the first complaint */
    bool openArgs;  /* the arguments may have keys the schema does not list */
} testQMPValidator;

static int testQMPValidate(testQMPValidator *v, vbJSONValue *value, vbJSONValue *type);

static int G_GNUC_PRINTF(2, 3) testQMPValidateFail(testQMPValidator *v, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    if (v->quiet || v->error)
        return -1;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    v->error = g_strdup_printf("%s: %s", v->path->str, msg);
    return -1;
}

static int
testQMPValidateBuiltin(testQMPValidator *v, vbJSONValue *value, vbJSONValue *type)
{
    const char *jsonType = vbJSONValueObjectGetString(type, "json-type");
    vbJSONType t = vbJSONValueGetType(value);

    if (g_strcmp0(jsonType, "value") == 0)
        return 0;
    if ((g_strcmp0(jsonType, "string") == 0 && t == VB_JSON_TYPE_STRING) ||
        (g_strcmp0(jsonType, "boolean") == 0 && t == VB_JSON_TYPE_BOOLEAN) ||
        (g_strcmp0(jsonType, "null") == 0 && t == VB_JSON_TYPE_NULL) ||
        (g_strcmp0(jsonType, "number") == 0 && t == VB_JSON_TYPE_NUMBER))
        return 0;
    if (g_strcmp0(jsonType, "int") == 0) {
        long long n;

        if (vbJSONValueGetNumberLong(value, &n) == 0)
            return 0;
    }
    return testQMPValidateFail(v, "expected %s, got %s", jsonType, vbJSONTypeTypeToString(t));
}

static int
testQMPValidateObject(testQMPValidator *v, vbJSONValue *value, vbJSONValue *type)
{
    g_autoptr(GPtrArray) members = g_ptr_array_new();
    vbJSONValue *list = vbJSONValueObjectGetArray(type, "members");
    const char *tag = vbJSONValueObjectGetString(type, "tag");
    size_t i;
    size_t j;

    if (vbJSONValueGetType(value) != VB_JSON_TYPE_OBJECT)
        return testQMPValidateFail(v, "expected an object");

    for (i = 0; i < vbJSONValueArraySize(list); i++)
        g_ptr_array_add(members, vbJSONValueArrayGet(list, i));
    if (tag) {
        const char *tagValue = vbJSONValueObjectGetString(value, tag);
        vbJSONValue *variant = vbQemuSchemaObjectGetVariant(v->schema, type, tagValue);

        if (!tagValue)
            return testQMPValidateFail(v, "union tag '%s' missing", tag);
        /* a union case without extra members has no variant */
        list = vbJSONValueObjectGetArray(variant, "members");
        for (i = 0; i < vbJSONValueArraySize(list); i++)
            g_ptr_array_add(members, vbJSONValueArrayGet(list, i));
    }

    /* every key must be a member, with a value of the member's type */
    for (i = 0; i < vbJSONValueObjectKeysNumber(value); i++) {
        const char *key = vbJSONValueObjectGetKey(value, i);
        vbJSONValue *member = NULL;
        size_t len = v->path->len;
        int rc;

        for (j = 0; j < members->len && !member; j++) {
            if (g_strcmp0(vbJSONValueObjectGetString(members->pdata[j], "name"), key) == 0)
                member = members->pdata[j];
        }
        /* only the command's own arguments are open, not what they hold */
        if (!member && v->openArgs && !strchr(v->path->str, '/'))
            continue;
        if (!member)
            return testQMPValidateFail(v, "unknown key '%s'", key);
        g_string_append_printf(v->path, "/%s", key);
        rc = testQMPValidate(
            v, vbJSONValueObjectGetValue(value, i),
            vbQemuSchemaGetEntry(v->schema, vbJSONValueObjectGetString(member, "type")));
        g_string_truncate(v->path, len);
        if (rc < 0)
            return -1;
    }

    /* members without a default are required */
    for (j = 0; j < members->len; j++) {
        const char *name = vbJSONValueObjectGetString(members->pdata[j], "name");

        if (!vbJSONValueObjectHasKey(members->pdata[j], "default") &&
            !vbJSONValueObjectHasKey(value, name))
            return testQMPValidateFail(v, "required key '%s' missing", name);
    }
    return 0;
}

static int
testQMPValidateArray(testQMPValidator *v, vbJSONValue *value, vbJSONValue *type)
{
    vbJSONValue *elem =
        vbQemuSchemaGetEntry(v->schema, vbJSONValueObjectGetString(type, "element-type"));
    size_t i;

    if (vbJSONValueGetType(value) != VB_JSON_TYPE_ARRAY)
        return testQMPValidateFail(v, "expected an array");
    for (i = 0; i < vbJSONValueArraySize(value); i++) {
        size_t len = v->path->len;
        int rc;

        g_string_append_printf(v->path, "[%zu]", i);
        rc = testQMPValidate(v, vbJSONValueArrayGet(value, i), elem);
        g_string_truncate(v->path, len);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int
testQMPValidate(testQMPValidator *v, vbJSONValue *value, vbJSONValue *type)
{
    const char *meta = vbJSONValueObjectGetString(type, "meta-type");
    size_t i;

    if (!type)
        return testQMPValidateFail(v, "type not in schema");

    if (g_strcmp0(meta, "builtin") == 0)
        return testQMPValidateBuiltin(v, value, type);

    if (g_strcmp0(meta, "enum") == 0) {
        vbJSONValue *values = vbJSONValueObjectGetArray(type, "values");
        const char *str = vbJSONValueGetString(value);

        for (i = 0; str && i < vbJSONValueArraySize(values); i++) {
            if (g_strcmp0(vbJSONValueGetString(vbJSONValueArrayGet(values, i)), str) == 0)
                return 0;
        }
        return testQMPValidateFail(v, "'%s' is no value of enum '%s'", str ? str : "(not a string)",
                                   vbJSONValueObjectGetString(type, "name"));
    }

    if (g_strcmp0(meta, "array") == 0)
        return testQMPValidateArray(v, value, type);

    if (g_strcmp0(meta, "alternate") == 0) {
        vbJSONValue *alts = vbJSONValueObjectGetArray(type, "members");
        size_t len = v->path->len;

        /* valid when one alternative accepts it */
        for (i = 0; i < vbJSONValueArraySize(alts); i++) {
            vbJSONValue *alt = vbQemuSchemaGetEntry(
                v->schema, vbJSONValueObjectGetString(vbJSONValueArrayGet(alts, i), "type"));
            int rc;

            v->quiet++;
            rc = testQMPValidate(v, value, alt);
            v->quiet--;
            g_string_truncate(v->path, len);
            if (rc == 0)
                return 0;
        }
        return testQMPValidateFail(v, "no alternative of '%s' matches",
                                   vbJSONValueObjectGetString(type, "name"));
    }

    if (g_strcmp0(meta, "object") == 0)
        return testQMPValidateObject(v, value, type);

    return testQMPValidateFail(v, "unexpected meta-type '%s'", meta ? meta : "(none)");
}

int
vbTestQMPValidateCommand(vbJSONValue *cmd, char **error)
{
    const char *name = vbJSONValueObjectGetString(cmd, "execute");
    vbJSONValue *args = vbJSONValueObjectGet(cmd, "arguments");
    g_autoptr(vbJSONValue) empty = vbJSONValueNewObject();
    g_autoptr(GString) path = g_string_new(name ? name : "(no 'execute')");
    testQMPValidator v = {.schema = vbTestQMPGetSchema(), .path = path};
    vbJSONValue *entry = vbQemuSchemaGetEntry(v.schema, name);

    /* device_add is 'gen': false in QEMU's schema (introspection does not
     * say so): besides driver, bus and id it takes the device's own
     * properties, which the device model checks */
    v.openArgs = g_strcmp0(name, "device_add") == 0;
    int rc;

    if (!entry || g_strcmp0(vbJSONValueObjectGetString(entry, "meta-type"), "command") != 0)
        rc = testQMPValidateFail(&v, "no such command in QEMU 7.2");
    else if (vbJSONValueObjectKeysNumber(cmd) != (args ? 2 : 1))
        rc = testQMPValidateFail(&v, "command has keys besides 'execute' and 'arguments'");
    else
        rc = testQMPValidate(
            &v, args ? args : empty,
            vbQemuSchemaGetEntry(v.schema, vbJSONValueObjectGetString(entry, "arg-type")));

    if (error)
        *error = g_steal_pointer(&v.error);
    g_free(v.error);
    return rc;
}
