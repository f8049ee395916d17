/*
 * vbdriverconf.c: the driver's configuration and shared state
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <unistd.h>

#include "vbinternal.h"
#include "vbdriverconf.h"
#include "vbqemufirmware.h"
#include "vbconf.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define VB_DEFAULT_QEMU "/usr/bin/qemu-system-x86_64"
#define VB_DEFAULT_QSD "/usr/bin/qemu-storage-daemon"
#define VB_DEFAULT_QEMU_IMG "/usr/bin/qemu-img"
/* the account the package creates (data/sysusers.d/virtblockd.conf) */
#define VB_DEFAULT_QEMU_USER "virtblockd-qemu"
#define VB_DEFAULT_QEMU_GROUP "virtblockd-qemu"

void
vbDriverConfigFree(vbDriverConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->root);
    g_free(cfg->configDir);
    g_free(cfg->autostartDir);
    g_free(cfg->stateDir);
    g_free(cfg->nvramDir);
    g_strfreev(cfg->firmwareDirs);
    g_free(cfg->logDir);
    g_free(cfg->cacheDir);
    g_free(cfg->runDir);
    g_free(cfg->socketPath);
    g_free(cfg->socketPathRO);
    g_free(cfg->daemonConfigFile);
    g_free(cfg->qemuConfigFile);
    g_free(cfg->qemuBinary);
    g_free(cfg->storageDaemonBinary);
    g_free(cfg->qemuImgBinary);
    g_free(cfg->storageConfigDir);
    g_free(cfg->storageStateDir);
    g_free(cfg->qemuUserName);
    g_free(cfg->qemuGroupName);
    vbIdentityFree(cfg->qemuIdentity);
    g_free(cfg);
}

vbDriverConfig *
vbDriverConfigNew(bool privileged, const char *root)
{
    g_autoptr(vbDriverConfig) cfg = g_new0(vbDriverConfig, 1);
    const char *env;

    cfg->privileged = privileged;
    if (root) {
        cfg->root = g_canonicalize_filename(root, NULL);
        cfg->configDir = g_build_filename(cfg->root, "config", NULL);
        cfg->runDir = g_build_filename(cfg->root, "run", NULL);
        cfg->stateDir = g_build_filename(cfg->root, "run", "qemu", NULL);
        cfg->logDir = g_build_filename(cfg->root, "log", NULL);
        cfg->cacheDir = g_build_filename(cfg->root, "cache", NULL);
        /* libvirt's embedded driver: ROOT/lib/nvram */
        cfg->nvramDir = g_build_filename(cfg->root, "lib", "nvram", NULL);
    } else if (privileged) {
        cfg->configDir = g_strdup(VB_SYSCONFDIR "/virtblockd/qemu");
        cfg->runDir = g_strdup(VB_RUNSTATEDIR "/virtblockd");
        cfg->stateDir = g_strdup(VB_RUNSTATEDIR "/virtblockd/qemu");
        cfg->logDir = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd/log");
        cfg->cacheDir = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd/cache");
        cfg->nvramDir = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd/qemu/nvram");
    } else {
        cfg->configDir = g_build_filename(g_get_user_config_dir(), "virtblockd", "qemu", NULL);
        cfg->runDir = g_build_filename(g_get_user_runtime_dir(), "virtblockd", NULL);
        cfg->stateDir = g_build_filename(cfg->runDir, "qemu", NULL);
        cfg->logDir = g_build_filename(g_get_user_cache_dir(), "virtblockd", "log", NULL);
        cfg->cacheDir = g_build_filename(g_get_user_cache_dir(), "virtblockd", NULL);
        cfg->nvramDir = g_build_filename(cfg->configDir, "nvram", NULL);
    }
    if (root) {
        cfg->storageConfigDir = g_build_filename(cfg->configDir, "storage", NULL);
        cfg->storageStateDir = g_build_filename(cfg->runDir, "storage", NULL);
    } else {
        /* beside the QEMU driver's directories, as libvirt's */
        g_autofree char *configParent = g_path_get_dirname(cfg->configDir);

        cfg->storageConfigDir = g_build_filename(configParent, "storage", NULL);
        cfg->storageStateDir = g_build_filename(cfg->runDir, "storage", NULL);
    }
    cfg->autostartDir = g_build_filename(cfg->configDir, "autostart", NULL);
    cfg->socketPath = g_build_filename(cfg->runDir, "virtblockd-sock", NULL);
    cfg->socketPathRO = g_build_filename(cfg->runDir, "virtblockd-sock-ro", NULL);
    if (cfg->root) {
        cfg->daemonConfigFile = g_build_filename(cfg->root, "virtblockd.conf", NULL);
        cfg->qemuConfigFile = g_build_filename(cfg->root, "qemu.conf", NULL);
    } else {
        g_autofree char *configParent = g_path_get_dirname(cfg->configDir);

        cfg->daemonConfigFile = g_build_filename(configParent, "virtblockd.conf", NULL);
        cfg->qemuConfigFile = g_build_filename(configParent, "qemu.conf", NULL);
    }

    /* Tests and packagers may point at other binaries. */
    env = g_getenv("VIRTBLOCKD_QEMU");
    cfg->qemuBinary = g_strdup(env && *env ? env : VB_DEFAULT_QEMU);
    env = g_getenv("VIRTBLOCKD_QEMU_STORAGE_DAEMON");
    cfg->storageDaemonBinary = g_strdup(env && *env ? env : VB_DEFAULT_QSD);
    env = g_getenv("VIRTBLOCKD_QEMU_IMG");
    cfg->qemuImgBinary = g_strdup(env && *env ? env : VB_DEFAULT_QEMU_IMG);
    /* tests point at their own descriptors, ':'-separated */
    env = g_getenv("VIRTBLOCKD_FIRMWARE_DIRS");
    if (env && *env) {
        cfg->firmwareDirs = g_strsplit(env, ":", -1);
    } else {
        const char *dirs[] = {VB_QEMU_FIRMWARE_SYSTEM_DIRS, NULL};

        cfg->firmwareDirs = g_strdupv((char **) dirs);
    }
    cfg->dynamicOwnership = true;
    cfg->rememberOwner = true;
    cfg->seccompSandbox = true;
    return g_steal_pointer(&cfg);
}

int
vbDriverConfigLoadQemuFile(vbDriverConfig *cfg)
{
    static const char *const known[] = {"user",           "group",           "dynamic_ownership",
                                        "remember_owner", "seccomp_sandbox", NULL};
    g_autoptr(vbConf) conf = vbConfReadFile(cfg->qemuConfigFile);
    g_autofree char *user = NULL;
    g_autofree char *group = NULL;
    uid_t uid = geteuid();
    gid_t gid = getegid();

    if (!conf)
        return -1;
    vbConfWarnUnknown(conf, known);
    if (vbConfGetString(conf, "user", &user) < 0 || vbConfGetString(conf, "group", &group) < 0 ||
        vbConfGetBool(conf, "dynamic_ownership", &cfg->dynamicOwnership) < 0 ||
        vbConfGetBool(conf, "remember_owner", &cfg->rememberOwner) < 0 ||
        vbConfGetBool(conf, "seccomp_sandbox", &cfg->seccompSandbox) < 0)
        return -1;

    /* a --root daemon is a test's or an embedder's: it keeps its own
     * identity unless its qemu.conf says otherwise, as a session does */
    if (cfg->privileged && !cfg->root) {
        if (!user)
            user = g_strdup(VB_DEFAULT_QEMU_USER);
        if (!group)
            group = g_strdup(VB_DEFAULT_QEMU_GROUP);
    }
    if ((user && vbIdentityParseUser(user, &uid) < 0) ||
        (group && vbIdentityParseGroup(group, &gid) < 0))
        return -1;
    if (geteuid() != 0 && (uid != geteuid() || gid != getegid())) {
        /* clang-format off */
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("'%s' asks for QEMU as uid %u gid %u: an unprivileged daemon cannot switch"),
                      cfg->qemuConfigFile, (unsigned int) uid, (unsigned int) gid);
        /* clang-format on */
        return -1;
    }

    g_free(cfg->qemuUserName);
    g_free(cfg->qemuGroupName);
    vbIdentityFree(cfg->qemuIdentity);
    cfg->qemuUserName = g_steal_pointer(&user);
    cfg->qemuGroupName = g_steal_pointer(&group);
    cfg->qemuIdentity = vbIdentityNew(uid, gid);
    return 0;
}

int
vbDriverAllocDomainID(vbDriver *driver)
{
    return g_atomic_int_add(&driver->nextDomainID, 1);
}

void
vbDriverReserveDomainID(vbDriver *driver, int id)
{
    while (g_atomic_int_get(&driver->nextDomainID) <= id)
        g_atomic_int_inc(&driver->nextDomainID);
}

void
vbDriverDomainDefFillEmulator(vbDriver *driver, vbDomainDef *def)
{
    if (!def->emulator)
        def->emulator = g_strdup(driver->cfg->qemuBinary);
}

char *
vbDriverConfigFile(vbDriver *driver, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(driver->cfg->configDir, file, NULL);
}

char *
vbDriverStatusFile(vbDriver *driver, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(driver->cfg->stateDir, file, NULL);
}

char *
vbDriverAutostartLink(vbDriver *driver, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(driver->cfg->autostartDir, file, NULL);
}
