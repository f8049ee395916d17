/*
 * vbportallocatortest.c: ports handed out once, refused twice, given back
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"
#include "vberror.h"
#include "vbportallocator.h"
#include "testutils.h"

/* A fixed port one domain holds is refused to a second, with libvirt's
 * message; given back, it can be taken again */
static int
testSetUsedTwice(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbPortAllocator) pa = vbPortAllocatorNew("VNC", 5900, 65535);

    if (vbPortAllocatorSetUsed(pa, 5905) < 0)
        return -1;
    if (vbPortAllocatorSetUsed(pa, 5905) != -1 || vbGetLastErrorCode() != VIR_ERR_INTERNAL_ERROR)
        return -1;
    if (vbTestCompareStrings("internal error: Failed to reserve port 5905",
                             vbGetLastErrorMessage()) < 0)
        return -1;
    vbResetLastError();
    vbPortAllocatorRelease(pa, 5905);
    if (vbPortAllocatorSetUsed(pa, 5905) < 0)
        return -1;
    /* outside the range: nothing to reserve, nothing refused */
    if (vbPortAllocatorSetUsed(pa, 22) < 0 || vbPortAllocatorSetUsed(pa, 22) < 0)
        return -1;
    return 0;
}

/* Acquire skips a port reserved as fixed */
static int
testAcquireSkipsUsed(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbPortAllocator) pa = vbPortAllocatorNew("VNC", 5900, 65535);
    unsigned int a;
    unsigned int b;

    if (vbPortAllocatorAcquire(pa, &a) < 0 || vbPortAllocatorSetUsed(pa, a + 1) < 0 ||
        vbPortAllocatorAcquire(pa, &b) < 0)
        return -1;
    if (b == a || b == a + 1)
        return -1;
    if (vbPortAllocatorSetUsed(pa, a) != -1)
        return -1;
    vbResetLastError();
    return 0;
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("a fixed port is reserved once", testSetUsedTwice, NULL) < 0)
        ret = -1;
    if (vbTestRun("acquire skips reserved ports", testAcquireSkipsUsed, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
