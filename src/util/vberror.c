/*
 * vberror.c: reporting errors with libvirt's codes and wording
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vblog.h"

static void vbErrorThreadFree(gpointer data);
static GPrivate vbLastError = G_PRIVATE_INIT(vbErrorThreadFree);

static void
vbErrorThreadFree(gpointer data)
{
    vbErrorFree(data);
}

void
vbErrorFree(vbError *err)
{
    if (!err)
        return;
    g_free(err->message);
    g_free(err);
}

vbError *
vbErrorCopy(const vbError *err)
{
    vbError *copy;

    if (!err)
        return NULL;
    copy = g_new0(vbError, 1);
    copy->code = err->code;
    copy->domain = err->domain;
    copy->level = err->level;
    copy->message = g_strdup(err->message);
    return copy;
}

/*
 * The text libvirt puts in front of a detail for each code it reports
 * (virErrorMsg in libvirt's virerror.c).  Clients compare whole messages, so
 * these must stay word for word.  A code missing here is passed through
 * without a prefix.
 */
static const char *
vbErrorPrefix(int code)
{
    switch ((virErrorNumber) code) {
    case VIR_ERR_INTERNAL_ERROR:
        return _("internal error: %s");
    case VIR_ERR_NO_SUPPORT:
        return _("this function is not supported by the connection driver: %s");
    case VIR_ERR_INVALID_ARG:
        return _("invalid argument: %s");
    case VIR_ERR_OPERATION_FAILED:
        return _("operation failed: %s");
    case VIR_ERR_XML_ERROR:
        return _("XML error: %s");
    case VIR_ERR_CONF_SYNTAX:
        return _("configuration file syntax error: %s");
    case VIR_ERR_DOM_EXIST:
        return _("domain %s exists already");
    case VIR_ERR_OPERATION_DENIED:
        return _("operation forbidden: %s");
    case VIR_ERR_NO_DOMAIN:
        return _("Domain not found: %s");
    case VIR_ERR_NO_NETWORK:
        return _("Network not found: %s");
    case VIR_ERR_NO_STORAGE_POOL:
        return _("Storage pool not found: %s");
    case VIR_ERR_NO_STORAGE_VOL:
        return _("Storage volume not found: %s");
    case VIR_ERR_OPERATION_INVALID:
        return _("Requested operation is not valid: %s");
    case VIR_ERR_CONFIG_UNSUPPORTED:
        return _("unsupported configuration: %s");
    case VIR_ERR_OPERATION_TIMEOUT:
        return _("Timed out during operation: %s");
    case VIR_ERR_CPU_INCOMPATIBLE:
        return _("the CPU is incompatible with host CPU: %s");
    case VIR_ERR_INVALID_DOMAIN_SNAPSHOT:
        return _("Invalid snapshot: %s");
    case VIR_ERR_NO_DOMAIN_SNAPSHOT:
        return _("Domain snapshot not found: %s");
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
        return _("argument unsupported: %s");
    case VIR_ERR_OPERATION_ABORTED:
        return _("operation aborted: %s");
    case VIR_ERR_OVERFLOW:
        return _("numerical overflow: %s");
    case VIR_ERR_BLOCK_COPY_ACTIVE:
        return _("block copy still active: %s");
    case VIR_ERR_OPERATION_UNSUPPORTED:
        return _("Operation not supported: %s");
    case VIR_ERR_RESOURCE_BUSY:
        return _("resource busy: %s");
    case VIR_ERR_ACCESS_DENIED:
        return _("access denied: %s");
    case VIR_ERR_AUTH_FAILED:
        return _("authentication failed: %s");
    case VIR_ERR_AGENT_UNRESPONSIVE:
        return _("Guest agent is not responding: %s");
    case VIR_ERR_DEVICE_MISSING:
        return _("device not found: %s");
    case VIR_ERR_OK:
    case VIR_ERR_SYSTEM_ERROR:
    case VIR_ERR_RPC:
    case VIR_ERR_XML_DETAIL:
    default:
        return "%s";
    }
}

static void
vbErrorSet(int domain, int code, const char *file, const char *func, size_t line, char *message)
{
    vbError *err = g_new0(vbError, 1);

    err->domain = domain;
    err->code = code;
    err->level = VIR_ERR_ERROR;
    err->message = message;

    VB_DEBUG_FULL(file, func, line, "error %d (domain %d): %s", code, domain, message);
    g_private_replace(&vbLastError, err);
}

void
vbReportErrorFull(int domain, int code, const char *file, const char *func, size_t line,
                  const char *fmt, ...)
{
    int saveErrno = errno;
    g_autofree char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    /* The format comes from the fixed table above, each with one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vbErrorSet(domain, code, file, func, line, g_strdup_printf(vbErrorPrefix(code), detail));
#pragma GCC diagnostic pop
    errno = saveErrno;
}

void
vbReportSystemErrorFull(int domain, int theerrno, const char *file, const char *func, size_t line,
                        const char *fmt, ...)
{
    int saveErrno = errno;
    g_autofree char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    vbErrorSet(domain, VIR_ERR_SYSTEM_ERROR, file, func, line,
               g_strdup_printf("%s: %s", detail, g_strerror(theerrno)));
    errno = saveErrno;
}

void
vbReportRawErrorFull(int domain, int code, const char *file, const char *func, size_t line,
                     const char *fmt, ...)
{
    int saveErrno = errno;
    va_list ap;

    va_start(ap, fmt);
    vbErrorSet(domain, code, file, func, line, g_strdup_vprintf(fmt, ap));
    va_end(ap);
    errno = saveErrno;
}

void
vbReportErrorObject(const vbError *err)
{
    g_private_replace(&vbLastError, vbErrorCopy(err));
}

const vbError *
vbGetLastError(void)
{
    return g_private_get(&vbLastError);
}

int
vbGetLastErrorCode(void)
{
    const vbError *err = vbGetLastError();

    return err ? err->code : VIR_ERR_OK;
}

const char *
vbGetLastErrorMessage(void)
{
    const vbError *err = vbGetLastError();

    if (!err || !err->message)
        return _("An error occurred, but the cause is unknown");
    return err->message;
}

void
vbResetLastError(void)
{
    g_private_replace(&vbLastError, NULL);
}

vbError *
vbErrorSave(void)
{
    vbError *err = g_private_get(&vbLastError);

    g_private_set(&vbLastError, NULL);
    return err;
}

void
vbErrorRestore(vbError **saved)
{
    if (!*saved)
        return;
    g_private_replace(&vbLastError, g_steal_pointer(saved));
}
