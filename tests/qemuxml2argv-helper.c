/*
 * qemuxml2argv-helper.c: prints the QEMU argv of a domain XML file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: qemuxml2argv-helper DOMAIN.xml MONITOR-SOCKET
 * One argument per line on stdout, the error on stderr and exit 1 if the
 * domain cannot be built.  The chains are indexed top-down from 1, as the
 * golden tests do; KVM counts as usable only if /dev/kvm can be opened.
 */

#include <stdio.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbqemucommand.h"
#include "vbqemudomainaddress.h"
#include "vbstoragechain.h"

int
main(int argc, char **argv)
{
    g_autoptr(vbDomainDef) def = NULL;
    g_auto(GStrv) cmd = NULL;
    vbQemuCommandOptions opts = {0};
    unsigned int nextIndex = 0;
    size_t i;

    if (argc != 3) {
        fprintf(stderr, "usage: %s DOMAIN.xml MONITOR-SOCKET\n", argv[0]);
        return 2;
    }
    opts.monitorPath = argv[2];
    opts.kvmUsable = access("/dev/kvm", R_OK | W_OK) == 0;

    if (!(def = vbDomainDefParseFile(argv[1], VB_DOMAIN_DEF_PARSE_INACTIVE)) ||
        vbDomainDefValidate(def) < 0) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return 1;
    }
    for (i = 0; i < def->ndisks; i++)
        vbStorageChainAssignIndexes(def->disks[i]->src, &nextIndex);
    if (vbQemuDomainAssignAddresses(def) < 0 || !(cmd = vbQemuCommandBuild(def, &opts))) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return 1;
    }
    for (i = 0; cmd[i]; i++)
        printf("%s\n", cmd[i]);
    return 0;
}
