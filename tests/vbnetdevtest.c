/*
 * vbnetdevtest.c: tap names and the errors that need no privileges
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Creating a tap needs root and changes the host's network; the
 * integration test (test_tap.py) does that in a namespace of its own.
 * Here: which names are templates, and the refusals that come before
 * anything is created.
 */

#include <stdio.h>
#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbnetdev.h"
#include "testutils.h"

/* libvirt's rule: one '%', as "%d" */
static int
testNameIsTemplate(const void *opaque G_GNUC_UNUSED)
{
    static const struct {
        const char *name;
        bool template;
    } cases[] = {
        {"vnet%d", true}, {"tap%dx", true}, {"%d", true},    {"vnet0", false},
        {"tap%s", false}, {"a%d%d", false}, {"a%%d", false}, {"tap%", false},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (vbNetDevNameIsTemplate(cases[i].name) != cases[i].template) {
            fprintf(stderr, "'%s': expected %s\n", cases[i].name,
                    cases[i].template ? "a template" : "a name");
            return -1;
        }
    }
    return 0;
}

/* A template takes the number of its kind's counter, which names without
 * a template share (libvirt's virNetDevGenerateName); a plain name stays */
static int
testGenerateNameTemplate(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *first = g_strdup("vbunit%d");
    g_autofree char *plain = NULL;
    g_autofree char *next = g_strdup("vbunit%d");
    g_autofree char *given = g_strdup("vbunit7");

    if (vbNetDevGenerateName(&first, VB_NETDEV_GEN_NAME_MACVTAP) < 0 ||
        vbNetDevGenerateName(&plain, VB_NETDEV_GEN_NAME_MACVTAP) < 0 ||
        vbNetDevGenerateName(&next, VB_NETDEV_GEN_NAME_MACVTAP) < 0 ||
        vbNetDevGenerateName(&given, VB_NETDEV_GEN_NAME_MACVTAP) < 0)
        return -1;
    if (vbTestCompareStrings("vbunit0", first) < 0 ||
        !g_str_has_prefix(plain, VB_NETDEV_MACVTAP_NAME_PREFIX) ||
        g_ascii_strtoull(next + strlen("vbunit"), NULL, 10) <
            g_ascii_strtoull(plain + strlen(VB_NETDEV_MACVTAP_NAME_PREFIX), NULL, 10) + 1 ||
        vbTestCompareStrings("vbunit7", given) < 0)
        return -1;
    return 0;
}

/* A name a device has (every namespace has lo) is refused before the tap
 * is opened, with libvirt's error, and the caller's name is kept */
static int
testTapCreateExisting(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *name = g_strdup("lo");
    int fds[2] = {-1, -1};

    if (vbNetDevTapCreate(&name, fds, 2, 0) != -1 ||
        vbGetLastErrorCode() != VIR_ERR_OPERATION_INVALID || fds[0] != -1 || fds[1] != -1 ||
        g_strcmp0(name, "lo") != 0)
        return -1;
    if (vbTestCompareStrings("Requested operation is not valid: The lo interface already exists",
                             vbGetLastErrorMessage()) < 0)
        return -1;
    vbResetLastError();
    return 0;
}

/* A port that does not exist is named in libvirt's error */
static int
testBridgeAddMissingPort(const void *opaque G_GNUC_UNUSED)
{
    if (vbNetDevBridgeAddPort("vbnobridge0", "vbnoport0") != -1 ||
        vbGetLastErrorCode() != VIR_ERR_SYSTEM_ERROR)
        return -1;
    if (vbTestCompareStrings("Unable to add bridge vbnobridge0 port vbnoport0: No such device",
                             vbGetLastErrorMessage()) < 0)
        return -1;
    vbResetLastError();
    return 0;
}

/* A missing device's MTU: libvirt's error, which a missing bridge gets */
static int
testMTUMissingDevice(const void *opaque G_GNUC_UNUSED)
{
    unsigned int mtu = 0;

    if (vbNetDevGetMTU("lo", &mtu) < 0 || mtu == 0)
        return -1;
    if (vbNetDevGetMTU("vbnobridge0", &mtu) != -1)
        return -1;
    if (vbTestCompareStrings("Cannot get interface MTU on 'vbnobridge0': No such device",
                             vbGetLastErrorMessage()) < 0)
        return -1;
    vbResetLastError();
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("templates: one %d", testNameIsTemplate, NULL) < 0)
        ret = -1;
    if (vbTestRun("a template takes its kind's counter", testGenerateNameTemplate, NULL) < 0)
        ret = -1;
    if (vbTestRun("a name a device has is refused", testTapCreateExisting, NULL) < 0)
        ret = -1;
    if (vbTestRun("a missing port is named", testBridgeAddMissingPort, NULL) < 0)
        ret = -1;
    if (vbTestRun("a missing device has no MTU", testMTUMissingDevice, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
