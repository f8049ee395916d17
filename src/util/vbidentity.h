/*
 * vbidentity.h: the user and groups a child process runs as
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qemu.conf's `user` and `group` name who QEMU runs as (libvirt's
 * virGetUserID / virGetGroupID rules): a name, or "+N" for the number N
 * whether or not a name exists for it; a plain number is taken as one when
 * no name matches.  They are resolved once, at daemon start, to a
 * vbIdentity; between fork and exec vbIdentityApply() switches to it with
 * async-signal-safe calls only.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct _vbIdentity vbIdentity;
struct _vbIdentity {
    uid_t uid;
    gid_t gid;
    /* supplementary groups: the user's groups in the group database (for
     * /dev/kvm: the kvm group), @gid among them */
    gid_t *groups;
    size_t ngroups;
};

/* Resolves @user / @group.  Reports VIR_ERR_INTERNAL_ERROR naming the
 * user or group when it is unknown (libvirt's code for qemu.conf's). */
int vbIdentityParseUser(const char *user, uid_t *uid);
int vbIdentityParseGroup(const char *group, gid_t *gid);

/* The identity of @uid with primary group @gid and the supplementary groups
 * the group database gives the user (none but @gid for a uid without a
 * name). */
vbIdentity *vbIdentityNew(uid_t uid, gid_t gid);
void vbIdentityFree(vbIdentity *ident);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbIdentity, vbIdentityFree);

/* Whether a child must switch to @ident: false when it is NULL or the
 * daemon's own uid and gid (the child then runs exactly as the daemon). */
bool vbIdentityDiffers(const vbIdentity *ident);

/*
 * vbIdentityApply:
 * Between fork and exec (async-signal-safe only): sets PR_SET_NO_NEW_PRIVS
 * (nothing the child executes gains privileges through setuid bits or file
 * capabilities), and when vbIdentityDiffers(@ident), the supplementary
 * groups, gid and uid, in that order.  Leaving uid 0 clears every
 * capability.  Returns 0, or -1 with errno set; writes nothing.
 */
int vbIdentityApply(const vbIdentity *ident);
