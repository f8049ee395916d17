/*
 * vberror.h: reporting errors with libvirt's codes and wording
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rules, in the spirit of QEMU's include/qapi/error.h:
 *
 * - The function that finds a problem reports it, exactly once, with
 *   vbReportError() and returns -1 (or NULL).  The error is kept in a
 *   thread-local slot until the next report or a vbResetLastError().
 * - A caller that gets -1 from a callee passes -1 on and reports nothing:
 *   the callee's message is the precise one.  Overwriting it with something
 *   generic ("failed to start domain") is a bug.
 * - Undo work after a failure must not lose the first error: take it with
 *   vbErrorSave(), undo, and put it back with vbErrorRestore().
 * - The code tells the user who must act (libvirt's virErrorNumber); the
 *   domain says which part of the daemon noticed (virErrorDomain).  Each .c
 *   file defines VB_FROM_THIS_FILE once, before using vbReportError().
 * - Messages are _()-marked, one unbroken string, with names in single
 *   quotes and no final period or newline.  The final text is built as
 *   libvirt builds it: "<prefix for the code>: <detail>", so a client sees
 *   the same text as from libvirtd.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <libvirt/virterror.h>

typedef struct _vbError vbError;
struct _vbError {
    int code;   /* virErrorNumber */
    int domain; /* virErrorDomain */
    int level;  /* virErrorLevel */
    char *message;
};

void vbErrorFree(vbError *err);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbError, vbErrorFree);

vbError *vbErrorCopy(const vbError *err);

void vbReportErrorFull(int domain, int code, const char *file, const char *func, size_t line,
                       const char *fmt, ...) G_GNUC_PRINTF(6, 7);

void vbReportSystemErrorFull(int domain, int theerrno, const char *file, const char *func,
                             size_t line, const char *fmt, ...) G_GNUC_PRINTF(6, 7);

void vbReportRawErrorFull(int domain, int code, const char *file, const char *func, size_t line,
                          const char *fmt, ...) G_GNUC_PRINTF(6, 7);

/* "<prefix>: <detail>" as libvirt's virReportError */
#define vbReportError(code, ...) \
    vbReportErrorFull(VB_FROM_THIS_FILE, code, __FILE__, __func__, __LINE__, __VA_ARGS__)

/* "<detail>: <strerror(errno)>", code VIR_ERR_SYSTEM_ERROR */
#define vbReportSystemError(theerrno, ...) \
    vbReportSystemErrorFull(VB_FROM_THIS_FILE, theerrno, __FILE__, __func__, __LINE__, __VA_ARGS__)

/* The text exactly as given, without a prefix: libvirt does this for the
 * flag and NULL-argument checks of its public API. */
#define vbReportRawError(code, ...) \
    vbReportRawErrorFull(VB_FROM_THIS_FILE, code, __FILE__, __func__, __LINE__, __VA_ARGS__)

/* Reports a copy of @err as it is (message, code and domain kept). */
void vbReportErrorObject(const vbError *err);

/**
 * vbCheckFlags:
 * Refuses flags outside @supported with libvirt's message, naming
 * @funcname as libvirt names its driver function (clients match on it).
 */
#define vbCheckFlagsFunc(flags, supported, funcname, retval) \
    do { \
        unsigned int vbUnknownFlags_ = (flags) & ~(unsigned int) (supported); \
        if (vbUnknownFlags_) { \
            vbReportRawError(VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"), \
                             vbUnknownFlags_, funcname); \
            return retval; \
        } \
    } while (0)

#define vbCheckFlags(flags, supported, retval) vbCheckFlagsFunc(flags, supported, __func__, retval)

/* NULL when nothing was reported since the last reset; the error stays
 * owned by the thread. */
const vbError *vbGetLastError(void);
int vbGetLastErrorCode(void);
/* Never NULL: an unreported failure reads "An error occurred, but the
 * cause is unknown", as in libvirt. */
const char *vbGetLastErrorMessage(void);
void vbResetLastError(void);

/* Takes the thread's error (NULL if none) and clears the slot. */
vbError *vbErrorSave(void);
/* Makes @saved the thread's error again and frees it; NULL does nothing. */
void vbErrorRestore(vbError **saved);
