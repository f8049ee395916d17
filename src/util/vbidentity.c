/*
 * vbidentity.c: the user and groups a child process runs as
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vbidentity.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

/* "+N", or N when @byName found nothing; false for anything else */
static bool
vbIdentityParseNumber(const char *str, bool plus, unsigned int *id)
{
    guint64 val;

    if (plus)
        str++;
    if (!g_ascii_string_to_unsigned(str, 10, 0, G_MAXUINT32 - 1, &val, NULL))
        return false;
    *id = val;
    return true;
}

int
vbIdentityParseUser(const char *user, uid_t *uid)
{
    bool plus = user[0] == '+';
    unsigned int id;

    if (!plus) {
        struct passwd pwbuf;
        struct passwd *pw = NULL;
        char buf[16384];

        if (getpwnam_r(user, &pwbuf, buf, sizeof(buf), &pw) == 0 && pw) {
            *uid = pw->pw_uid;
            return 0;
        }
    }
    if (!vbIdentityParseNumber(user, plus, &id)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("Failed to parse user '%s'"), user);
        return -1;
    }
    *uid = id;
    return 0;
}

int
vbIdentityParseGroup(const char *group, gid_t *gid)
{
    bool plus = group[0] == '+';
    unsigned int id;

    if (!plus) {
        struct group grbuf;
        struct group *gr = NULL;
        char buf[65536];

        if (getgrnam_r(group, &grbuf, buf, sizeof(buf), &gr) == 0 && gr) {
            *gid = gr->gr_gid;
            return 0;
        }
    }
    if (!vbIdentityParseNumber(group, plus, &id)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("Failed to parse group '%s'"), group);
        return -1;
    }
    *gid = id;
    return 0;
}

vbIdentity *
vbIdentityNew(uid_t uid, gid_t gid)
{
    g_autoptr(vbIdentity) ident = g_new0(vbIdentity, 1);
    struct passwd pwbuf;
    struct passwd *pw = NULL;
    char buf[16384];
    int n = 64;

    ident->uid = uid;
    ident->gid = gid;
    if (getpwuid_r(uid, &pwbuf, buf, sizeof(buf), &pw) == 0 && pw) {
        /* getgrouplist puts @gid first and says how many there are */
        for (;;) {
            int want = n;

            ident->groups = g_renew(gid_t, ident->groups, want);
            if (getgrouplist(pw->pw_name, gid, ident->groups, &n) >= 0)
                break;
            if (n <= want)
                n = want * 2;
        }
        ident->ngroups = n;
    } else {
        ident->groups = g_new(gid_t, 1);
        ident->groups[0] = gid;
        ident->ngroups = 1;
    }
    return g_steal_pointer(&ident);
}

void
vbIdentityFree(vbIdentity *ident)
{
    if (!ident)
        return;
    g_free(ident->groups);
    g_free(ident);
}

bool
vbIdentityDiffers(const vbIdentity *ident)
{
    return ident && (ident->uid != geteuid() || ident->gid != getegid());
}

int
vbIdentityApply(const vbIdentity *ident)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    if (!vbIdentityDiffers(ident))
        return 0;
    /* groups and gid first: after setuid to non-root they cannot change;
     * as root, setgid and setuid set the real, effective and saved ids */
    if (setgroups(ident->ngroups, ident->groups) < 0 || setgid(ident->gid) < 0 ||
        setuid(ident->uid) < 0)
        return -1;
    return 0;
}
