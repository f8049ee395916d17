/*
 * vberrortest.c: messages come out as libvirt words them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>

#include "vbinternal.h"
#include "vberror.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static int
testPrefix(const void *opaque G_GNUC_UNUSED)
{
    const vbError *err;

    vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
    err = vbGetLastError();
    if (!err || err->code != VIR_ERR_OPERATION_INVALID || err->domain != VIR_FROM_QEMU)
        return -1;
    return vbTestCompareStrings("Requested operation is not valid: domain is not running",
                                err->message);
}

static int
testOverflow(const void *opaque G_GNUC_UNUSED)
{
    vbReportError(VIR_ERR_OVERFLOW, _("bandwidth must be less than %llu"), 8796093022207ULL);
    return vbTestCompareStrings("numerical overflow: bandwidth must be less than 8796093022207",
                                vbGetLastErrorMessage());
}

static int
checkFlagsHelper(unsigned int flags)
{
    vbCheckFlagsFunc(flags, 0x1f, "qemuDomainBlockCommit", -1);
    return 0;
}

static int
testFlags(const void *opaque G_GNUC_UNUSED)
{
    if (checkFlagsHelper(0x1f) != 0)
        return -1;
    if (checkFlagsHelper(0x20) != -1)
        return -1;
    if (vbGetLastErrorCode() != VIR_ERR_INVALID_ARG)
        return -1;
    return vbTestCompareStrings("unsupported flags (0x20) in function qemuDomainBlockCommit",
                                vbGetLastErrorMessage());
}

static int
testSystem(const void *opaque G_GNUC_UNUSED)
{
    vbReportSystemError(ENOENT, _("cannot open '%s'"), "/nonexistent");
    if (vbGetLastErrorCode() != VIR_ERR_SYSTEM_ERROR)
        return -1;
    return vbTestCompareStrings("cannot open '/nonexistent': No such file or directory",
                                vbGetLastErrorMessage());
}

static int
testSaveRestore(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(vbError) saved = NULL;

    vbReportError(VIR_ERR_INVALID_ARG, _("disk '%s' not found in domain"), "vdz");
    saved = vbErrorSave();
    if (vbGetLastError())
        return -1;
    vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", "undo failed too");
    vbErrorRestore(&saved);
    if (saved)
        return -1;
    return vbTestCompareStrings("invalid argument: disk 'vdz' not found in domain",
                                vbGetLastErrorMessage());
}

static int
testNoError(const void *opaque G_GNUC_UNUSED)
{
    vbResetLastError();
    if (vbGetLastError())
        return -1;
    return vbTestCompareStrings("An error occurred, but the cause is unknown",
                                vbGetLastErrorMessage());
}

static int
mymain(void)
{
    int ret = 0;

    if (vbTestRun("prefix of OPERATION_INVALID", testPrefix, NULL) < 0)
        ret = -1;
    if (vbTestRun("prefix of OVERFLOW", testOverflow, NULL) < 0)
        ret = -1;
    if (vbTestRun("flags check has no prefix", testFlags, NULL) < 0)
        ret = -1;
    if (vbTestRun("system error appends strerror", testSystem, NULL) < 0)
        ret = -1;
    if (vbTestRun("save and restore keep the first error", testSaveRestore, NULL) < 0)
        ret = -1;
    if (vbTestRun("no error reported", testNoError, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
