/*
 * vbconftest.c: configuration files in libvirt's syntax, and their errors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <sys/stat.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbconf.h"
#include "vberror.h"
#include "testutils.h"

/* Every kind of value, comments, ';' and a list over several lines */
static int
testParseValues(const void *opaque G_GNUC_UNUSED)
{
    const char *text = "# virtblockd.conf\n"
                       "max_clients = 5000   # trailing comment\n"
                       "user = \"virtblockd-qemu\"; group='kvm'\n"
                       "\n"
                       "allowed = [\n"
                       "  \"/dev/null\",  # first\n"
                       "  '/dev/full',\n"
                       "]\n"
                       "long = \"\"\"two\nlines\"\"\"\n"
                       "flag = 1\n";
    g_autoptr(vbConf) conf = NULL;
    g_autofree char *user = NULL;
    g_autofree char *group = NULL;
    g_autofree char *longstr = NULL;
    g_auto(GStrv) allowed = NULL;
    g_auto(GStrv) single = NULL;
    unsigned int max = 0;
    unsigned int absent = 42;
    bool flag = false;

    if (!(conf = vbConfReadString("test.conf", text)))
        return -1;
    if (vbConfGetUInt(conf, "max_clients", &max) != 1 || max != 5000)
        return -1;
    if (vbConfGetUInt(conf, "nothing", &absent) != 0 || absent != 42)
        return -1;
    if (vbConfGetString(conf, "user", &user) != 1 || g_strcmp0(user, "virtblockd-qemu") != 0)
        return -1;
    if (vbConfGetString(conf, "group", &group) != 1 || g_strcmp0(group, "kvm") != 0)
        return -1;
    if (vbConfGetString(conf, "long", &longstr) != 1 || g_strcmp0(longstr, "two\nlines") != 0)
        return -1;
    if (vbConfGetStringList(conf, "allowed", &allowed) != 1 || g_strv_length(allowed) != 2 ||
        g_strcmp0(allowed[0], "/dev/null") != 0 || g_strcmp0(allowed[1], "/dev/full") != 0)
        return -1;
    if (vbConfGetStringList(conf, "user", &single) != 1 || g_strv_length(single) != 1)
        return -1;
    if (vbConfGetBool(conf, "flag", &flag) != 1 || !flag)
        return -1;
    return 0;
}

typedef struct {
    const char *text;
    const char *message;
} vbConfBadData;

static int
testParseBad(const void *opaque)
{
    const vbConfBadData *data = opaque;
    g_autoptr(vbConf) conf = NULL;

    vbResetLastError();
    if ((conf = vbConfReadString("bad.conf", data->text)))
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_CONF_SYNTAX)
        return -1;
    return vbTestCompareStrings(data->message, vbGetLastErrorMessage());
}

typedef struct {
    const char *text;
    const char *name;
    const char *message;
} vbConfTypeData;

/* The wrong type or range for a setting names the file, line and setting */
static int
testTypeErrors(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbConf) conf = vbConfReadString("t.conf", "a = \"x\"\nb = 2\nc = -1\nd = 4294967296\n"
                                                        "e = [ 1 ]\n");
    g_autofree char *str = NULL;
    g_auto(GStrv) list = NULL;
    unsigned int u = 0;
    bool b = false;

    if (!conf)
        return -1;
    if (vbConfGetUInt(conf, "a", &u) != -1 ||
        vbTestCompareStrings("configuration file syntax error: t.conf:1: expected an unsigned "
                             "integer up to 4294967295 for the 'a' setting",
                             vbGetLastErrorMessage()) < 0)
        return -1;
    if (vbConfGetBool(conf, "b", &b) != -1 ||
        vbTestCompareStrings("configuration file syntax error: t.conf:2: expected 0 or 1 for the "
                             "'b' setting",
                             vbGetLastErrorMessage()) < 0)
        return -1;
    if (vbConfGetUInt(conf, "c", &u) != -1 || vbConfGetUInt(conf, "d", &u) != -1)
        return -1;
    if (vbConfGetString(conf, "b", &str) != -1 || str)
        return -1;
    if (vbConfGetStringList(conf, "e", &list) != -1 || list)
        return -1;
    vbResetLastError();
    return 0;
}

/* A missing file is the defaults; a directory is an error */
static int
testReadFile(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbConf) missing = vbConfReadFile("/nonexistent/virtblockd.conf");
    g_autoptr(vbConf) dir = NULL;
    unsigned int u = 3;

    if (!missing || vbConfGetUInt(missing, "max_clients", &u) != 0 || u != 3)
        return -1;
    if ((dir = vbConfReadFile("/")))
        return -1;
    vbResetLastError();
    return 0;
}

/* A FIFO in place of the file is refused, not opened: open() would block
 * until someone writes to it */
static int
testReadFifo(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *tmp = g_dir_make_tmp("vbconftest-XXXXXX", NULL);
    g_autofree char *fifo = NULL;
    g_autofree char *msg = NULL;
    g_autoptr(vbConf) conf = NULL;
    int ret = -1;

    if (!tmp)
        return -1;
    fifo = g_build_filename(tmp, "virtblockd.conf", NULL);
    msg = g_strdup_printf("Requested operation is not valid: cannot read '%s': it is not a "
                          "regular file",
                          fifo);
    if (mkfifo(fifo, 0600) < 0)
        goto cleanup;
    if ((conf = vbConfReadFile(fifo)) || vbGetLastErrorCode() != VIR_ERR_OPERATION_INVALID ||
        vbTestCompareStrings(msg, vbGetLastErrorMessage()) < 0)
        goto cleanup;
    vbResetLastError();
    ret = 0;

cleanup:
    unlink(fifo);
    rmdir(tmp);
    return ret;
}

static int
mymain(void)
{
    int ret = 0;
    static const vbConfBadData bad[] = {
        {"a = \n", "configuration file syntax error: bad.conf:1: expecting a value"},
        {"a 1\n", "configuration file syntax error: bad.conf:1: expecting an assignment"},
        {"\n\na = \"open\n", "configuration file syntax error: bad.conf:3: unterminated string"},
        {"a = [ \"x\"\n", "configuration file syntax error: bad.conf:2: list is not closed with ]"},
        {"a = [ \"x\" \"y\" ]",
         "configuration file syntax error: bad.conf:1: expecting a separator "
         "in list"},
        {"a = 1 b = 2\n", "configuration file syntax error: bad.conf:1: expecting a separator"},
        {"1a = 1\n", "configuration file syntax error: bad.conf:1: expecting a name"},
        {"a = 99999999999999999999\n", "configuration file syntax error: bad.conf:1: invalid "
                                       "integer"},
        {"a = [[[[[[[[[1]]]]]]]]]\n", "configuration file syntax error: bad.conf:1: lists nested "
                                      "too deeply"},
        {"a = \"\"\"never closed\n\n", "configuration file syntax error: bad.conf:1: unterminated "
                                       "string"},
        {"a = 1\nb = 2\n# again\na = 3\n", "configuration file syntax error: bad.conf:4: setting "
                                           "'a' is already set on line 1"},
    };
    size_t i;

    if (vbTestRun("values, comments and lists", testParseValues, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *name = g_strdup_printf("syntax error %zu", i);

        if (vbTestRun(name, testParseBad, &bad[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("wrong types", testTypeErrors, NULL) < 0)
        ret = -1;
    if (vbTestRun("files", testReadFile, NULL) < 0)
        ret = -1;
    if (vbTestRun("a FIFO is not opened", testReadFifo, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
