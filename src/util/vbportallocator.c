/*
 * vbportallocator.c: TCP ports handed out from a range
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "vbinternal.h"
#include "vbportallocator.h"
#include "vberror.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

struct _vbPortAllocator {
    GMutex lock;
    char *name;
    unsigned int start;
    unsigned int end;
    bool *used; /* [port - start] */
};

vbPortAllocator *
vbPortAllocatorNew(const char *name, unsigned int start, unsigned int end)
{
    vbPortAllocator *pa;

    g_return_val_if_fail(start > 0 && start <= end && end <= 65535, NULL);
    pa = g_new0(vbPortAllocator, 1);
    g_mutex_init(&pa->lock);
    pa->name = g_strdup(name);
    pa->start = start;
    pa->end = end;
    pa->used = g_new0(bool, end - start + 1);
    return pa;
}

void
vbPortAllocatorFree(vbPortAllocator *pa)
{
    if (!pa)
        return;
    g_mutex_clear(&pa->lock);
    g_free(pa->name);
    g_free(pa->used);
    g_free(pa);
}

/* Whether a listening socket could bind @port on any address of @family:
 * a port another program (or a QEMU the daemon lost track of) holds is
 * skipped.  SO_REUSEADDR, so a port in TIME_WAIT counts as free, as
 * QEMU's own listener would take it. */
static bool
vbPortAllocatorPortIsFree(int family, unsigned int port)
{
    struct sockaddr_in6 addr6 = {
        .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT};
    struct sockaddr_in addr4 = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    int one = 1;
    int fd;
    int rc;

    if ((fd = socket(family, SOCK_STREAM, 0)) < 0)
        return errno == EAFNOSUPPORT; /* no IPv6 here: nothing can hold it */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        rc = bind(fd, (struct sockaddr *) &addr6, sizeof(addr6));
    } else {
        rc = bind(fd, (struct sockaddr *) &addr4, sizeof(addr4));
    }
    close(fd);
    return rc == 0;
}

int
vbPortAllocatorAcquire(vbPortAllocator *pa, unsigned int *port)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&pa->lock);
    unsigned int p;

    for (p = pa->start; p <= pa->end; p++) {
        if (pa->used[p - pa->start])
            continue;
        if (!vbPortAllocatorPortIsFree(AF_INET, p) || !vbPortAllocatorPortIsFree(AF_INET6, p))
            continue;
        pa->used[p - pa->start] = true;
        *port = p;
        return 0;
    }
    vbReportError(VIR_ERR_INTERNAL_ERROR, _("Unable to find an unused port in range '%s' (%u-%u)"),
                  pa->name, pa->start, pa->end);
    return -1;
}

int
vbPortAllocatorSetUsed(vbPortAllocator *pa, unsigned int port)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&pa->lock);

    if (port < pa->start || port > pa->end)
        return 0;
    if (pa->used[port - pa->start]) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("Failed to reserve port %u"), port);
        return -1;
    }
    pa->used[port - pa->start] = true;
    return 0;
}

void
vbPortAllocatorRelease(vbPortAllocator *pa, unsigned int port)
{
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&pa->lock);

    if (port >= pa->start && port <= pa->end)
        pa->used[port - pa->start] = false;
}
