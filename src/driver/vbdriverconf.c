/*
 * vbdriverconf.c: the driver's configuration and shared state
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbdriverconf.h"
#include "vbfile.h"
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
    g_strfreev(cfg->baseDirs);
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
        cfg->baseDirs = g_strsplit(cfg->root, "\n", 1);
    } else if (privileged) {
        cfg->configDir = g_strdup(VB_SYSCONFDIR "/virtblockd/qemu");
        cfg->runDir = g_strdup(VB_RUNSTATEDIR "/virtblockd");
        cfg->stateDir = g_strdup(VB_RUNSTATEDIR "/virtblockd/qemu");
        cfg->logDir = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd/log");
        cfg->cacheDir = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd/cache");
        cfg->nvramDir = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd/qemu/nvram");
        cfg->baseDirs = g_new0(char *, 4);
        cfg->baseDirs[0] = g_strdup(VB_SYSCONFDIR "/virtblockd");
        cfg->baseDirs[1] = g_strdup(VB_RUNSTATEDIR "/virtblockd");
        cfg->baseDirs[2] = g_strdup(VB_LOCALSTATEDIR "/lib/virtblockd");
    } else {
        cfg->configDir = g_build_filename(g_get_user_config_dir(), "virtblockd", "qemu", NULL);
        cfg->runDir = g_build_filename(g_get_user_runtime_dir(), "virtblockd", NULL);
        cfg->stateDir = g_build_filename(cfg->runDir, "qemu", NULL);
        cfg->logDir = g_build_filename(g_get_user_cache_dir(), "virtblockd", "log", NULL);
        cfg->cacheDir = g_build_filename(g_get_user_cache_dir(), "virtblockd", NULL);
        cfg->nvramDir = g_build_filename(cfg->configDir, "nvram", NULL);
        cfg->baseDirs = g_new0(char *, 4);
        cfg->baseDirs[0] = g_build_filename(g_get_user_config_dir(), "virtblockd", NULL);
        cfg->baseDirs[1] = g_strdup(cfg->runDir);
        cfg->baseDirs[2] = g_build_filename(g_get_user_cache_dir(), "virtblockd", NULL);
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

int
vbDriverConfigMakeDir(const vbDriverConfig *cfg, const char *path, mode_t mode)
{
    const char *base = path;
    size_t i;

    /* the longest base holding @path; a path outside all (none today) is
     * its own base */
    for (i = 0; cfg->baseDirs && cfg->baseDirs[i]; i++) {
        size_t len = strlen(cfg->baseDirs[i]);

        if (strncmp(path, cfg->baseDirs[i], len) == 0 && (!path[len] || path[len] == '/') &&
            (base == path || len > strlen(base)))
            base = cfg->baseDirs[i];
    }
    return vbFileMakeSafeDir(base, path, mode);
}

int
vbDriverConfigMakeDirs(const vbDriverConfig *cfg)
{
    g_autofree char *storageAutostartDir =
        g_build_filename(cfg->storageConfigDir, "autostart", NULL);
    /* Parents first; the run directory is world-readable, as libvirt's, so
     * that every user reaches the read-only socket in it. */
    const struct {
        const char *path;
        mode_t mode;
    } dirs[] = {
        {cfg->configDir, 0700},       {cfg->autostartDir, 0755}, {cfg->storageConfigDir, 0700},
        {storageAutostartDir, 0700},  {cfg->runDir, 0755},       {cfg->stateDir, 0700},
        {cfg->storageStateDir, 0700}, {cfg->logDir, 0700},       {cfg->cacheDir, 0700},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (vbDriverConfigMakeDir(cfg, dirs[i].path, dirs[i].mode) < 0)
            return -1;
    }
    return 0;
}
