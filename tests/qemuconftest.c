/*
 * qemuconftest.c: qemu.conf, read at daemon start: who QEMU runs as, the
 * sandbox and ownership switches, and the errors for bad values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbdriverconf.h"
#include "vberror.h"
#include "testutils.h"

typedef struct {
    const char *content; /* NULL: no qemu.conf at all */
    /* expected on success */
    uid_t uid;
    gid_t gid;
    bool seccomp;
    bool dynamic;
    bool remember;
    /* expected error instead, when set */
    const char *error;
    int code;
    bool needRoot; /* only a daemon running as root may switch */
} testQemuConfData;

static vbDriverConfig *
testQemuConfLoad(const char *content, char **dir)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(vbDriverConfig) cfg = NULL;

    if (!(*dir = g_dir_make_tmp("qemuconftest-XXXXXX", &gerr)))
        return NULL;
    cfg = vbDriverConfigNew(false, *dir);
    if (content && !g_file_set_contents(cfg->qemuConfigFile, content, -1, &gerr))
        return NULL;
    if (vbDriverConfigLoadQemuFile(cfg) < 0)
        return NULL;
    return g_steal_pointer(&cfg);
}

static int
testQemuConf(const void *opaque)
{
    const testQemuConfData *data = opaque;
    g_autofree char *dir = NULL;
    g_autofree char *file = NULL;
    g_autoptr(vbDriverConfig) cfg = NULL;
    const char *error = data->error;
    int code = data->code;
    int ret = -1;

    if (data->needRoot && geteuid() != 0) {
        /* the same file refused: an unprivileged daemon cannot switch */
        error = NULL;
        code = VIR_ERR_CONFIG_UNSUPPORTED;
    }
    vbResetLastError();
    cfg = testQemuConfLoad(data->content, &dir);
    if (dir)
        file = g_build_filename(dir, "qemu.conf", NULL);

    if (code) {
        if (cfg) {
            fprintf(stderr, "qemu.conf accepted, expected an error\n");
            goto cleanup;
        }
        if (vbGetLastErrorCode() != code) {
            fprintf(stderr, "error code %d, expected %d: %s\n", vbGetLastErrorCode(), code,
                    vbGetLastErrorMessage());
            goto cleanup;
        }
        if (error && vbTestCompareStrings(error, vbGetLastErrorMessage()) < 0)
            goto cleanup;
        ret = 0;
        goto cleanup;
    }
    if (!cfg) {
        fprintf(stderr, "qemu.conf refused: %s\n", vbGetLastErrorMessage());
        goto cleanup;
    }
    if (cfg->qemuIdentity->uid != data->uid || cfg->qemuIdentity->gid != data->gid ||
        cfg->seccompSandbox != data->seccomp || cfg->dynamicOwnership != data->dynamic ||
        cfg->rememberOwner != data->remember) {
        fprintf(stderr, "got uid %u gid %u sandbox %d dynamic %d remember %d\n",
                (unsigned int) cfg->qemuIdentity->uid, (unsigned int) cfg->qemuIdentity->gid,
                cfg->seccompSandbox, cfg->dynamicOwnership, cfg->rememberOwner);
        goto cleanup;
    }
    /* the primary group is always among the groups given to the child */
    if (cfg->qemuIdentity->ngroups < 1 || cfg->qemuIdentity->groups[0] != data->gid) {
        fprintf(stderr, "supplementary groups do not start with gid %u\n",
                (unsigned int) data->gid);
        goto cleanup;
    }
    ret = 0;

cleanup:
    if (file)
        unlink(file);
    if (dir)
        rmdir(dir);
    vbResetLastError();
    return ret;
}

/* "nobody": a name resolved with the groups the group database gives it */
static int
testQemuConfNamed(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *dir = NULL;
    g_autofree char *file = NULL;
    g_autoptr(vbDriverConfig) cfg = NULL;
    int ret = -1;

    if (geteuid() != 0)
        return 0;
    cfg = testQemuConfLoad("user = \"nobody\"\ngroup = \"nogroup\"\n", &dir);
    file = g_build_filename(dir, "qemu.conf", NULL);
    if (cfg && cfg->qemuIdentity->uid == 65534 && cfg->qemuIdentity->gid == 65534 &&
        g_str_equal(cfg->qemuUserName, "nobody") && vbIdentityDiffers(cfg->qemuIdentity))
        ret = 0;
    else
        fprintf(stderr, "nobody:nogroup not resolved to 65534:65534: %s\n",
                cfg ? "wrong ids" : vbGetLastErrorMessage());
    unlink(file);
    rmdir(dir);
    return ret;
}

static int
mymain(void)
{
    int ret = 0;
    uid_t uid = geteuid();
    gid_t gid = getegid();
    const testQemuConfData data[] = {
        /* --root without qemu.conf: the daemon's identity, libvirt's defaults */
        {NULL, uid, gid, true, true, true, NULL, 0, false},
        {"# nothing set\n", uid, gid, true, true, true, NULL, 0, false},
        {"seccomp_sandbox = 0\ndynamic_ownership = 0\nremember_owner = 0\n", uid, gid, false, false,
         false, NULL, 0, false},
        /* "+N" is a number, whether or not a name exists for it */
        {"user = \"+4242\"\ngroup = \"+4343\"\n", 4242, 4343, true, true, true, NULL, 0, true},
        /* a number with no name is taken as one */
        {"user = \"4242\"\n", 4242, gid, true, true, true, NULL, 0, true},
        {"user = \"root\"\ngroup = \"root\"\n", 0, 0, true, true, true, NULL, 0, true},
        /* errors name what is wrong */
        {"user = \"no-such-user-vb\"\n", 0, 0, false, false, false,
         "internal error: Failed to parse user 'no-such-user-vb'", VIR_ERR_INTERNAL_ERROR, false},
        {"group = \"no-such-group-vb\"\n", 0, 0, false, false, false,
         "internal error: Failed to parse group 'no-such-group-vb'", VIR_ERR_INTERNAL_ERROR, false},
        {"user = \"+\"\n", 0, 0, false, false, false, "internal error: Failed to parse user '+'",
         VIR_ERR_INTERNAL_ERROR, false},
        {"user = \"+-1\"\n", 0, 0, false, false, false,
         "internal error: Failed to parse user '+-1'", VIR_ERR_INTERNAL_ERROR, false},
        {"user = \"+99999999999\"\n", 0, 0, false, false, false,
         "internal error: Failed to parse user '+99999999999'", VIR_ERR_INTERNAL_ERROR, false},
        {"user = 5\n", 0, 0, false, false, false, NULL, VIR_ERR_CONF_SYNTAX, false},
        {"seccomp_sandbox = 2\n", 0, 0, false, false, false, NULL, VIR_ERR_CONF_SYNTAX, false},
        {"dynamic_ownership = \"yes\"\n", 0, 0, false, false, false, NULL, VIR_ERR_CONF_SYNTAX,
         false},
        {"user = \"qemu\n", 0, 0, false, false, false, NULL, VIR_ERR_CONF_SYNTAX, false},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(data); i++) {
        g_autofree char *name = g_strdup_printf("qemu.conf %zu", i);

        if (vbTestRun(name, testQemuConf, &data[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("user by name", testQemuConfNamed, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
