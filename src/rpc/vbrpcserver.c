/*
 * vbrpcserver.c: libvirt's remote protocol served on UNIX sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* struct ucred (SO_PEERCRED) */
#ifndef _GNU_SOURCE
#    define _GNU_SOURCE
#endif

#include "vbinternal.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>
#include <libvirt/libvirt.h>

#include "vberror.h"
#include "vblog.h"
#include "vbrpcpacket.h"
#include "vbrpcserver.h"
#include "vbrpcstream.h"

#define VB_FROM_THIS_FILE VIR_FROM_RPC

#define VB_RPC_DEFAULT_MAX_CLIENTS 1000
#define VB_RPC_DEFAULT_MAX_WORKERS 5
#define VB_RPC_DEFAULT_MAX_CLIENT_REQUESTS 5
#define VB_RPC_DEFAULT_MAX_CLIENTS_PER_UID 100
#define VB_RPC_DEFAULT_MAX_CLIENT_OUTPUT (32 * 1024 * 1024)
#define VB_RPC_DEFAULT_MAX_CLIENT_OUTPUT_MESSAGES 10000
#define VB_RPC_DEFAULT_MAX_BUFFER_MEMORY (256 * 1024 * 1024)
#define VB_RPC_DEFAULT_KEEPALIVE_INTERVAL 5
#define VB_RPC_DEFAULT_KEEPALIVE_COUNT 5
#define VB_RPC_DEFAULT_OPEN_TIMEOUT 30
#define VB_RPC_DEFAULT_IDLE_TIMEOUT 600
/* What a queued packet costs beyond its data: the GByteArray and the
 * GQueue link, each a malloc chunk with its header */
#define VB_RPC_PACKET_OVERHEAD (2 * 16 + 32 + 24)
/* A client registering more than this is broken or hostile: virsh
 * `event --all` needs one per event ID (27). */
#define VB_RPC_MAX_EVENT_CALLBACKS 1024
/* Bytes read per read(): bounds what one readable client costs a turn */
#define VB_RPC_READ_CHUNK 65536
/* libvirtd sends events with serial 1; clients ignore it */
#define VB_RPC_EVENT_SERIAL 1

typedef struct _vbRPCListener vbRPCListener;
struct _vbRPCListener {
    vbRPCServer *srv;
    char *path;
    int fd;
    bool readonly;
    GSource *source;
};

typedef struct _vbRPCHandlerTable vbRPCHandlerTable;
struct _vbRPCHandlerTable {
    const vbRemoteProgram *program;
    const vbRPCHandlerEntry *entries;
    size_t n;
};

struct _vbRPCServer {
    GMainContext *ctx;
    vbRPCServerConfig cfg;
    void *opaque;
    GArray *handlers; /* vbRPCHandlerTable, read-only once listening */
    GThreadPool *pool;
    GPtrArray *listeners; /* vbRPCListener */
    GSource *timer;

    GMutex lock;        /* protects clients, nreadonly, perUid */
    GPtrArray *clients; /* vbRPCClient, one reference each */
    size_t nreadonly;   /* of clients, those of read-only sockets */
    GHashTable *perUid; /* peer uid -> clients of that uid */

    gssize bufBytes;       /* atomic: what every client's buffers cost */
    gint budgetCheck;      /* atomic: a vbRPCServerBudgetCb is pending */
    gint64 lastRefusalLog; /* main loop */
};

typedef struct _vbRPCEventCallback vbRPCEventCallback;
struct _vbRPCEventCallback {
    int callbackID; /* -1 for a legacy registration */
    int eventID;
    bool hasFilter;
    unsigned char uuid[VB_UUID_BUFLEN];
};

struct _vbRPCClient {
    gint refs;
    vbRPCServer *srv;
    int fd;
    bool readonlySocket;
    bool hasCred; /* uid, pid from SO_PEERCRED */
    uid_t uid;
    pid_t pid;

    /* main loop only */
    GSource *source;
    GIOCondition cond;
    uint8_t lenbuf[VB_RPC_LEN_SIZE];
    size_t lenHave;
    GByteArray *rx; /* the packet being read, length word included */
    uint32_t rxWant;
    size_t rxCost;   /* what rx costs, counted in srv->bufBytes */
    uint32_t rxSkip; /* bytes of a refused packet still to be read and dropped */
    bool rxChecked;  /* the header of rx was checked against its procedure's limit */
    gint64 connectedAt;
    gint64 lastRx;
    unsigned int pingsSent;

    GMutex lock; /* protects everything below */
    bool closed;
    bool wakePending;
    bool overflow;
    bool closeRequested;
    bool keepalive;
    GQueue tx; /* GByteArray packets */
    size_t txOffset;
    size_t txBytes;   /* what tx costs, allocation included; in srv->bufBytes */
    size_t callBytes; /* what its calls being handled cost; in srv->bufBytes */
    size_t inflight;
    bool opened;
    bool readonly;
    bool closeCallback;
    char *uri;
    GArray *callbacks; /* vbRPCEventCallback */
    int nextCallbackID;
    GPtrArray *streams; /* vbRPCStream, one reference each */
    void *priv;
    GDestroyNotify privFree;
};

typedef struct _vbRPCCall vbRPCCall;
struct _vbRPCCall {
    vbRPCClient *client; /* a reference */
    const vbRemoteProgram *program;
    vbRPCHeader hdr;
    GByteArray *packet;  /* the whole CALL */
    size_t cost;         /* of packet, in client->callBytes */
    vbRPCStream *stream; /* one the handler opened (vbRPCStreamOpen) */
};

/* The call a worker thread is handling, for vbRPCStreamOpen */
static GPrivate vbRPCCurrentCall;

static void vbRPCClientClose(vbRPCClient *client);
static void vbRPCClientUpdateIO(vbRPCClient *client);
static void vbRPCServerAddBufBytes(vbRPCServer *srv, gssize delta);

/* What @pkt costs in memory, not just its length */
static size_t
vbRPCPacketCost(GByteArray *pkt)
{
    return malloc_usable_size(pkt->data) + VB_RPC_PACKET_OVERHEAD;
}

vbRPCClient *
vbRPCClientRef(vbRPCClient *client)
{
    g_atomic_int_inc(&client->refs);
    return client;
}

void
vbRPCClientUnref(vbRPCClient *client)
{
    if (!client || !g_atomic_int_dec_and_test(&client->refs))
        return;
    if (client->fd >= 0)
        close(client->fd);
    if (client->rx)
        g_byte_array_unref(client->rx);
    g_queue_clear_full(&client->tx, (GDestroyNotify) g_byte_array_unref);
    g_free(client->uri);
    g_array_unref(client->callbacks);
    g_ptr_array_unref(client->streams);
    if (client->privFree)
        client->privFree(client->priv);
    g_mutex_clear(&client->lock);
    g_free(client);
}

static void
vbRPCCallFree(vbRPCCall *call)
{
    g_mutex_lock(&call->client->lock);
    call->client->callBytes -= call->cost;
    g_mutex_unlock(&call->client->lock);
    vbRPCServerAddBufBytes(call->client->srv, -(gssize) call->cost);
    vbRPCClientUnref(call->client);
    vbRPCStreamUnref(call->stream);
    g_byte_array_unref(call->packet);
    g_free(call);
}

/* Main loop: called back for each wake-up a worker or event asked for. */
static gboolean
vbRPCClientWakeCb(gpointer opaque)
{
    vbRPCClient *client = opaque;
    bool overflow;
    bool closed;
    size_t queued;

    g_mutex_lock(&client->lock);
    client->wakePending = false;
    overflow = client->overflow;
    closed = client->closed;
    queued = client->txBytes;
    g_mutex_unlock(&client->lock);

    if (closed)
        return G_SOURCE_REMOVE;
    if (overflow) {
        VB_WARN("dropping client fd=%d (pid %lld, uid %lld): it reads too slowly, %zu bytes of "
                "replies and events unread; its events are lost",
                client->fd, (long long) client->pid, (long long) client->uid, queued);
        vbRPCClientClose(client);
        return G_SOURCE_REMOVE;
    }
    vbRPCClientUpdateIO(client);
    return G_SOURCE_REMOVE;
}

/* Main loop: while every client's buffers together are over the budget,
 * drop the client whose buffers are largest.  The others, their calls and
 * the jobs they started go on. */
static gboolean
vbRPCServerBudgetCb(gpointer opaque)
{
    vbRPCServer *srv = opaque;
    g_autoptr(GPtrArray) clients =
        g_ptr_array_new_with_free_func((GDestroyNotify) vbRPCClientUnref);
    g_autofree size_t *cost = NULL;
    size_t total = 0;
    size_t i;

    g_atomic_int_set(&srv->budgetCheck, 0);
    g_mutex_lock(&srv->lock);
    for (i = 0; i < srv->clients->len; i++)
        g_ptr_array_add(clients, vbRPCClientRef(g_ptr_array_index(srv->clients, i)));
    g_mutex_unlock(&srv->lock);

    cost = g_new0(size_t, clients->len + 1);
    for (i = 0; i < clients->len; i++) {
        vbRPCClient *client = g_ptr_array_index(clients, i);

        g_mutex_lock(&client->lock);
        cost[i] = client->closed ? 0 : client->txBytes + client->callBytes;
        g_mutex_unlock(&client->lock);
        cost[i] += client->rxCost;
        total += cost[i];
    }

    while (total > srv->cfg.maxBufferMemory) {
        size_t worst = 0;

        for (i = 1; i < clients->len; i++) {
            if (cost[i] > cost[worst])
                worst = i;
        }
        if (clients->len == 0 || cost[worst] == 0)
            break;
        {
            vbRPCClient *client = g_ptr_array_index(clients, worst);

            VB_WARN("dropping client fd=%d (pid %lld, uid %lld): its buffers hold %zu bytes, "
                    "and all clients' %zu, over the limit of %zu (max_client_buffer_memory)",
                    client->fd, (long long) client->pid, (long long) client->uid, cost[worst],
                    total, srv->cfg.maxBufferMemory);
            vbRPCClientClose(client);
        }
        total -= cost[worst];
        cost[worst] = 0;
    }
    return G_SOURCE_REMOVE;
}

/* Any thread: @delta bytes more (or fewer) in client buffers. */
static void
vbRPCServerAddBufBytes(vbRPCServer *srv, gssize delta)
{
    gssize before = g_atomic_pointer_add(&srv->bufBytes, delta);

    if (delta > 0 && (size_t) (before + delta) > srv->cfg.maxBufferMemory &&
        g_atomic_int_compare_and_exchange(&srv->budgetCheck, 0, 1)) {
        g_autoptr(GSource) idle = g_idle_source_new();

        /* before any further read */
        g_source_set_priority(idle, G_PRIORITY_HIGH);
        g_source_set_callback(idle, vbRPCServerBudgetCb, srv, NULL);
        g_source_attach(idle, srv->ctx);
    }
}

/* Any thread, client lock held: have the main loop look at the client. */
static void
vbRPCClientWakeLocked(vbRPCClient *client)
{
    g_autoptr(GSource) idle = NULL;

    if (client->wakePending || client->closed)
        return;
    client->wakePending = true;
    idle = g_idle_source_new();
    g_source_set_callback(idle, vbRPCClientWakeCb, vbRPCClientRef(client),
                          (GDestroyNotify) vbRPCClientUnref);
    g_source_attach(idle, client->srv->ctx);
}

/* Client lock held: queues a finished packet for the main loop to write. */
static void
vbRPCClientQueueLocked(vbRPCClient *client, GByteArray *pkt)
{
    const vbRPCServerConfig *cfg = &client->srv->cfg;
    size_t cost;

    if (client->closed || client->overflow) {
        g_byte_array_unref(pkt);
        return;
    }
    cost = vbRPCPacketCost(pkt);
    if (client->txBytes + cost > cfg->maxClientOutput ||
        g_queue_get_length(&client->tx) >= cfg->maxClientOutputMessages) {
        /* Dropping one message would leave the client waiting forever for
         * a reply or an event; closing tells it something went wrong. */
        client->overflow = true;
        g_byte_array_unref(pkt);
    } else {
        client->txBytes += cost;
        g_queue_push_tail(&client->tx, pkt);
        vbRPCServerAddBufBytes(client->srv, cost);
    }
    vbRPCClientWakeLocked(client);
}

static void
vbRPCClientQueue(vbRPCClient *client, GByteArray *pkt)
{
    g_mutex_lock(&client->lock);
    vbRPCClientQueueLocked(client, pkt);
    g_mutex_unlock(&client->lock);
}

/* An error REPLY to @call's header with the thread's last error */
static GByteArray *
vbRPCBuildErrorReply(const vbRPCHeader *call)
{
    vbRPCHeader hdr = *call;
    g_autoptr(GByteArray) pkt = NULL;

    hdr.type = VB_RPC_TYPE_REPLY;
    hdr.status = VB_RPC_STATUS_ERROR;
    pkt = vbRPCPacketNew(&hdr);
    if (vbRPCErrorEncode(pkt, vbGetLastError()) < 0 || vbRPCPacketFinish(pkt) < 0)
        return NULL;
    return g_steal_pointer(&pkt);
}

static void
vbRPCClientQueueError(vbRPCClient *client, const vbRPCHeader *call)
{
    GByteArray *pkt = vbRPCBuildErrorReply(call);

    if (pkt)
        vbRPCClientQueue(client, pkt);
}

static vbRPCHandler
vbRPCServerFindHandler(vbRPCServer *srv, const vbRemoteProgram *program, int proc)
{
    size_t i;

    for (i = srv->handlers->len; i > 0; i--) {
        const vbRPCHandlerTable *t = &g_array_index(srv->handlers, vbRPCHandlerTable, i - 1);
        size_t lo = 0;
        size_t hi = t->n;

        if (t->program != program)
            continue;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (t->entries[mid].proc == proc)
                return t->entries[mid].handler;
            if (t->entries[mid].proc < proc)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    return NULL;
}

/* Worker: decode, check, call and encode into a REPLY in *reply. */
static int
vbRPCCallInvoke(vbRPCCall *call, const vbRemoteProc *proc, vbRPCHandler handler, void *args,
                void *ret, GByteArray **reply)
{
    vbRPCHeader hdr = call->hdr;
    g_autoptr(GByteArray) pkt = NULL;
    int rc;

    if (vbRemotePayloadDecode(proc->args, call->packet->data + VB_RPC_PACKET_MIN,
                              call->packet->len - VB_RPC_PACKET_MIN, args) < 0)
        return -1;

    if ((proc->flags & VB_REMOTE_PROC_MODIFY) && vbRPCClientIsReadOnly(call->client)) {
        /* libvirt's public API checks this, reporting from the file of the
         * API's object: the generated table knows it for REMOTE_PROGRAM
         * (libvirt-domain-snapshot.c is VIR_FROM_DOMAIN_SNAPSHOT);
         * libvirt-qemu.c is VIR_FROM_DOMAIN */
        const vbRemoteProcName *name = NULL;
        int domain = VIR_FROM_DOMAIN;

        if (call->program->prog == VB_REMOTE_PROGRAM &&
            (name = vbRemoteProcNameLookup(proc->proc)) && name->readOnlyDomain >= 0)
            domain = name->readOnlyDomain;
        vbReportErrorFull(domain, VIR_ERR_OPERATION_DENIED, __FILE__, __func__, __LINE__,
                          _("read only access prevents %s"), proc->api);
        return -1;
    }

    VB_DEBUG("client fd=%d serial=%u calls %s %s", call->client->fd, hdr.serial,
             call->program->name, proc->name);
    g_private_set(&vbRPCCurrentCall, call);
    rc = handler(call->client, args, ret);
    g_private_set(&vbRPCCurrentCall, NULL);
    if (rc < 0)
        return -1;

    hdr.type = VB_RPC_TYPE_REPLY;
    hdr.status = VB_RPC_STATUS_OK;
    pkt = vbRPCPacketNew(&hdr);
    if (vbRemotePayloadEncode(proc->ret, ret, pkt) < 0 || vbRPCPacketFinish(pkt) < 0)
        return -1;
    *reply = g_steal_pointer(&pkt);
    return 0;
}

/* Reports libvirtd's error for a procedure missing from our tables:
 * libvirt 9.0 has a handler for every call of REMOTE_PROGRAM, which
 * finds that our driver lacks the API; only a number it does not know
 * (or an event's, never a call) is an "unknown procedure". */
static void
vbRPCCallRefuseUnserved(vbRPCCall *call)
{
    const vbRemoteProcName *name = NULL;

    if (call->program->prog == VB_REMOTE_PROGRAM)
        name = vbRemoteProcNameLookup(call->hdr.proc);

    if (!name || name->kind == VB_REMOTE_PROC_KIND_EVENT) {
        /* libvirtd's text; clients turn it into VIR_ERR_NO_SUPPORT */
        vbReportError(VIR_ERR_RPC, _("unknown procedure: %d"), call->hdr.proc);
        return;
    }
    if (name->kind == VB_REMOTE_PROC_KIND_AUTH) {
        /* SASL or polkit steps on a socket that offers neither */
        vbReportError(VIR_ERR_AUTH_FAILED, "%s", _("authentication failed"));
        return;
    }
    if (!vbRPCClientIsOpen(call->client)) {
        /* libvirtd's code and text for a call before CONNECT_OPEN */
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("connection not open"));
        return;
    }
    /* the public API refuses a read-only connection before it looks for
     * the driver, as for the calls we serve */
    if (name->readOnlyDomain >= 0 && vbRPCClientIsReadOnly(call->client)) {
        vbReportErrorFull(name->readOnlyDomain, VIR_ERR_OPERATION_DENIED, __FILE__, __func__,
                          __LINE__, _("read only access prevents %s"), name->api);
        return;
    }
    /* what libvirt says of a driver without the API */
    vbReportErrorFull(VIR_FROM_NONE, VIR_ERR_NO_SUPPORT, __FILE__, __func__, __LINE__, "%s",
                      name->api);
}

/* Worker: the REPLY to @call, good or error (NULL only if even the error
 * cannot be encoded). */
static GByteArray *
vbRPCCallRun(vbRPCServer *srv, vbRPCCall *call)
{
    const vbRemoteProc *proc = vbRemoteProgramProcLookup(call->program, call->hdr.proc);
    vbRPCHandler handler = NULL;
    GByteArray *reply = NULL;
    void *args;
    void *ret;
    int rc;

    vbResetLastError();
    if (!proc || (proc->flags & VB_REMOTE_PROC_EVENT)) {
        vbRPCCallRefuseUnserved(call);
        return vbRPCBuildErrorReply(&call->hdr);
    }
    if (!(handler = vbRPCServerFindHandler(srv, call->program, proc->proc))) {
        /* what libvirt says of a driver without the API */
        vbReportErrorFull(VIR_FROM_NONE, VIR_ERR_NO_SUPPORT, __FILE__, __func__, __LINE__, "%s",
                          proc->api);
        return vbRPCBuildErrorReply(&call->hdr);
    }
    if (!(proc->flags & VB_REMOTE_PROC_BEFORE_OPEN) && !vbRPCClientIsOpen(call->client)) {
        /* libvirtd's code and text for a call before CONNECT_OPEN */
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("connection not open"));
        return vbRPCBuildErrorReply(&call->hdr);
    }

    args = vbRemotePayloadNew(proc->args);
    ret = vbRemotePayloadNew(proc->ret);
    rc = vbRPCCallInvoke(call, proc, handler, args, ret, &reply);
    vbRemotePayloadFree(proc->args, args);
    vbRemotePayloadFree(proc->ret, ret);
    if (rc < 0 && call->stream) {
        /* the client never learns of a stream whose CALL failed */
        vbRPCStreamCancel(call->stream);
        g_clear_pointer(&call->stream, vbRPCStreamUnref);
    }
    if (rc < 0)
        return vbRPCBuildErrorReply(&call->hdr);
    return reply;
}

static void
vbRPCWorker(gpointer data, gpointer opaque)
{
    vbRPCCall *call = data;
    vbRPCServer *srv = opaque;
    vbRPCClient *client = call->client;
    GByteArray *reply = vbRPCCallRun(srv, call);

    g_mutex_lock(&client->lock);
    client->inflight--;
    if (reply)
        vbRPCClientQueueLocked(client, reply);
    else
        vbRPCClientWakeLocked(client); /* reading may resume */
    g_mutex_unlock(&client->lock);
    /* after the REPLY is queued: its data must not overtake it */
    if (call->stream)
        vbRPCStreamStart(call->stream);
    vbResetLastError();
    vbRPCCallFree(call);
}

static GByteArray *
vbRPCBuildKeepalive(vbKeepaliveProc proc)
{
    vbRPCHeader hdr = {
        VB_KEEPALIVE_PROGRAM, VB_KEEPALIVE_PROTOCOL_VERSION, proc, VB_RPC_TYPE_MESSAGE, 0,
        VB_RPC_STATUS_OK};
    GByteArray *pkt = vbRPCPacketNew(&hdr);

    vbRPCPacketFinish(pkt);
    return pkt;
}

/* Main loop: a STREAM packet goes to its stream, holding a request slot
 * until the stream has handled it. */
static void
vbRPCClientHandleStreamPacket(vbRPCClient *client, const vbRPCHeader *hdr, GByteArray *pkt)
{
    g_autoptr(vbRPCStream) st = NULL;
    size_t i;

    g_mutex_lock(&client->lock);
    for (i = 0; i < client->streams->len; i++) {
        vbRPCStream *cur = g_ptr_array_index(client->streams, i);

        if (vbRPCStreamMatches(cur, hdr)) {
            st = vbRPCStreamRef(cur);
            client->inflight++;
            break;
        }
    }
    g_mutex_unlock(&client->lock);

    if (!st) {
        /* data the client sent before it saw the stream end: libvirtd
         * drops it too */
        VB_DEBUG("ignoring STREAM packet serial=%u status=%s from client fd=%d: no such stream",
                 hdr->serial, vbRPCStatusTypeToString(hdr->status), client->fd);
        g_byte_array_unref(pkt);
        return;
    }
    vbRPCStreamPush(st, pkt);
}

/* Main loop: one whole packet arrived.  Returns -1 to drop the client. */
static int
vbRPCClientHandlePacket(vbRPCClient *client, GByteArray *packet)
{
    g_autoptr(GByteArray) pkt = packet;
    const vbRemoteProgram *program;
    vbRPCHeader hdr;
    vbXdrDecoder dec;
    vbRPCCall *call;

    vbXdrDecoderInit(&dec, pkt->data + VB_RPC_LEN_SIZE, pkt->len - VB_RPC_LEN_SIZE);
    if (vbRPCHeaderDecode(&dec, &hdr) < 0) {
        VB_DEBUG("dropping client fd=%d: %s", client->fd, vbGetLastErrorMessage());
        return -1;
    }

    if (hdr.prog == VB_KEEPALIVE_PROGRAM) {
        if (hdr.type == VB_RPC_TYPE_MESSAGE && hdr.proc == VB_KEEPALIVE_PROC_PING)
            vbRPCClientQueue(client, vbRPCBuildKeepalive(VB_KEEPALIVE_PROC_PONG));
        /* a PONG has done its work by arriving (lastRx) */
        return 0;
    }

    if (hdr.type == VB_RPC_TYPE_STREAM) {
        vbRPCClientHandleStreamPacket(client, &hdr, g_steal_pointer(&pkt));
        return 0;
    }
    if (hdr.type != VB_RPC_TYPE_CALL && hdr.type != VB_RPC_TYPE_CALL_WITH_FDS) {
        /* Clients send no replies or events of their own, and we allow no
         * stream holes (no procedure of ours sparse-copies) */
        VB_DEBUG("ignoring %s packet prog=0x%x proc=%d from client fd=%d",
                 vbRPCTypeTypeToString(hdr.type), hdr.prog, hdr.proc, client->fd);
        return 0;
    }

    if (!(program = vbRemoteProgramLookup(hdr.prog, hdr.vers))) {
        vbReportError(VIR_ERR_RPC, _("Cannot find program %d version %d"), (int) hdr.prog,
                      (int) hdr.vers);
        vbRPCClientQueueError(client, &hdr);
        return 0;
    }
    if (hdr.type == VB_RPC_TYPE_CALL_WITH_FDS) {
        /* None of our procedures take file descriptors */
        vbReportError(VIR_ERR_RPC, _("Unexpected message type %d"), hdr.type);
        vbRPCClientQueueError(client, &hdr);
        return 0;
    }
    if (hdr.status != VB_RPC_STATUS_OK) {
        vbReportError(VIR_ERR_RPC, _("Unexpected message status %d"), hdr.status);
        vbRPCClientQueueError(client, &hdr);
        return 0;
    }

    call = g_new0(vbRPCCall, 1);
    call->client = vbRPCClientRef(client);
    call->program = program;
    call->hdr = hdr;
    call->packet = g_steal_pointer(&pkt);
    call->cost = vbRPCPacketCost(call->packet);
    g_mutex_lock(&client->lock);
    client->inflight++;
    client->callBytes += call->cost;
    g_mutex_unlock(&client->lock);
    vbRPCServerAddBufBytes(client->srv, call->cost);
    g_thread_pool_push(client->srv->pool, call, NULL);
    return 0;
}

/* Main loop: count what client->rx costs now */
static void
vbRPCClientAccountRx(vbRPCClient *client)
{
    size_t cost = client->rx ? vbRPCPacketCost(client->rx) : 0;

    vbRPCServerAddBufBytes(client->srv, (gssize) cost - (gssize) client->rxCost);
    client->rxCost = cost;
}

/* Main loop: the header of the CALL being read is in client->rx.  A call
 * longer than its procedure's arguments can be is refused before the rest
 * is read: an error REPLY, and the rest of the packet dropped unread.
 * Returns -1 if it was refused. */
static int
vbRPCClientCheckCallSize(vbRPCClient *client)
{
    const vbRemoteProgram *program;
    const vbRemoteProc *proc;
    vbRPCHeader hdr;
    vbXdrDecoder dec;
    size_t bound;

    vbXdrDecoderInit(&dec, client->rx->data + VB_RPC_LEN_SIZE, VB_RPC_HEADER_SIZE);
    if (vbRPCHeaderDecode(&dec, &hdr) < 0) {
        vbResetLastError();
        return 0; /* refused whole, as before */
    }
    if (hdr.type != VB_RPC_TYPE_CALL || !(program = vbRemoteProgramLookup(hdr.prog, hdr.vers)) ||
        !(proc = vbRemoteProgramProcLookup(program, hdr.proc)) ||
        (proc->flags & VB_REMOTE_PROC_EVENT))
        return 0;
    bound = vbRemoteTypeMaxEncodedSize(proc->args);
    if (bound == SIZE_MAX || client->rxWant - VB_RPC_PACKET_MIN <= bound)
        return 0;

    vbReportError(VIR_ERR_RPC, _("arguments of %s (%u bytes) exceed its limit of %zu bytes"),
                  proc->api, client->rxWant - VB_RPC_PACKET_MIN, bound);
    VB_WARN("refusing a call of client fd=%d (pid %lld, uid %lld): %s", client->fd,
            (long long) client->pid, (long long) client->uid, vbGetLastErrorMessage());
    vbRPCClientQueueError(client, &hdr);
    vbResetLastError();
    client->rxSkip = client->rxWant - client->rx->len;
    client->lenHave = 0;
    g_clear_pointer(&client->rx, g_byte_array_unref);
    vbRPCClientAccountRx(client);
    return -1;
}

/* Main loop: reads what is there.  Returns -1 when the client is gone. */
static int
vbRPCClientRead(vbRPCClient *client)
{
    size_t budget = 16; /* packets per turn, so one client cannot starve others */

    while (budget > 0) {
        ssize_t got;

        g_mutex_lock(&client->lock);
        if (client->inflight >= client->srv->cfg.maxClientRequests) {
            g_mutex_unlock(&client->lock);
            return 0;
        }
        g_mutex_unlock(&client->lock);

        if (client->rxSkip > 0) {
            /* the rest of a refused packet: read and forgotten */
            uint8_t sink[4096];

            got = read(client->fd, sink, MIN(sizeof(sink), client->rxSkip));
        } else if (client->lenHave < VB_RPC_LEN_SIZE) {
            got = read(client->fd, client->lenbuf + client->lenHave,
                       VB_RPC_LEN_SIZE - client->lenHave);
        } else {
            size_t want = MIN(client->rxWant - client->rx->len, VB_RPC_READ_CHUNK);
            size_t old = client->rx->len;

            /* grows with what arrives, not with what the length word claims */
            g_byte_array_set_size(client->rx, old + want);
            got = read(client->fd, client->rx->data + old, want);
            g_byte_array_set_size(client->rx, old + MAX(got, 0));
            vbRPCClientAccountRx(client);
        }
        if (got < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            if (errno == EINTR)
                continue;
            VB_DEBUG("read from client fd=%d failed: %s", client->fd, g_strerror(errno));
            return -1;
        }
        if (got == 0) {
            VB_DEBUG("client fd=%d closed the connection", client->fd);
            return -1;
        }
        client->lastRx = g_get_monotonic_time();
        client->pingsSent = 0;

        if (client->rxSkip > 0) {
            client->rxSkip -= got;
            continue;
        }
        if (client->lenHave < VB_RPC_LEN_SIZE) {
            uint32_t len;

            client->lenHave += got;
            if (client->lenHave < VB_RPC_LEN_SIZE)
                continue;
            if (vbRPCPacketReadLength(client->lenbuf, &len) < 0) {
                VB_DEBUG("dropping client fd=%d: %s", client->fd, vbGetLastErrorMessage());
                return -1;
            }
            if (len > client->srv->cfg.maxClientInput) {
                VB_DEBUG("dropping client fd=%d: packet of %u bytes over the limit of %zu",
                         client->fd, len, client->srv->cfg.maxClientInput);
                return -1;
            }
            client->rxWant = len;
            client->rxChecked = false;
            client->rx = g_byte_array_sized_new(MIN(len, VB_RPC_READ_CHUNK));
            g_byte_array_append(client->rx, client->lenbuf, VB_RPC_LEN_SIZE);
            vbRPCClientAccountRx(client);
        }
        if (!client->rxChecked && client->rx->len >= VB_RPC_PACKET_MIN) {
            client->rxChecked = true;
            if (vbRPCClientCheckCallSize(client) < 0)
                continue;
        }
        if (client->rx->len < client->rxWant)
            continue;

        client->lenHave = 0;
        budget--;
        vbRPCServerAddBufBytes(client->srv, -(gssize) client->rxCost);
        client->rxCost = 0;
        if (vbRPCClientHandlePacket(client, g_steal_pointer(&client->rx)) < 0)
            return -1;
    }
    return 0;
}

/* Main loop: writes what is queued.  Returns -1 when the client is gone. */
static int
vbRPCClientWrite(vbRPCClient *client)
{
    g_autoptr(GPtrArray) written =
        g_ptr_array_new_with_free_func((GDestroyNotify) g_byte_array_unref);
    g_autoptr(GPtrArray) streams =
        g_ptr_array_new_with_free_func((GDestroyNotify) vbRPCStreamUnref);
    int ret = 0;
    size_t freed = 0;
    size_t cost;
    size_t i;
    size_t j;

    g_mutex_lock(&client->lock);
    while (!g_queue_is_empty(&client->tx)) {
        GByteArray *pkt = g_queue_peek_head(&client->tx);
        ssize_t done = send(client->fd, pkt->data + client->txOffset, pkt->len - client->txOffset,
                            MSG_NOSIGNAL);

        if (done < 0) {
            int err = errno;

            if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR) {
                VB_DEBUG("write to client fd=%d failed: %s", client->fd, g_strerror(err));
                ret = -1;
            }
            break;
        }
        client->txOffset += done;
        if (client->txOffset < pkt->len)
            continue;
        client->txOffset = 0;
        cost = vbRPCPacketCost(pkt);
        client->txBytes -= cost;
        freed += cost;
        /* a stream reads its descriptor again once its packet is out */
        g_ptr_array_add(written, g_queue_pop_head(&client->tx));
    }
    if (ret == 0 && client->closeRequested && client->inflight == 0) {
        VB_DEBUG("client fd=%d closed after CONNECT_CLOSE", client->fd);
        ret = -1;
    }
    if (written->len > 0) {
        for (i = 0; i < client->streams->len; i++)
            g_ptr_array_add(streams, vbRPCStreamRef(g_ptr_array_index(client->streams, i)));
    }
    g_mutex_unlock(&client->lock);
    vbRPCServerAddBufBytes(client->srv, -(gssize) freed);

    for (i = 0; ret == 0 && i < streams->len; i++) {
        for (j = 0; j < written->len; j++)
            vbRPCStreamPacketWritten(g_ptr_array_index(streams, i), g_ptr_array_index(written, j));
    }
    return ret;
}

static gboolean vbRPCClientIOCb(gint fd, GIOCondition cond, gpointer opaque);

/* Main loop: watch for what the client's state calls for. */
static void
vbRPCClientUpdateIO(vbRPCClient *client)
{
    GIOCondition cond = 0;

    if (vbRPCClientWrite(client) < 0) {
        vbRPCClientClose(client);
        return;
    }
    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        return;
    }
    if (!client->closeRequested && client->inflight < client->srv->cfg.maxClientRequests)
        cond |= G_IO_IN;
    if (!g_queue_is_empty(&client->tx))
        cond |= G_IO_OUT;
    g_mutex_unlock(&client->lock);

    if (client->source && cond == client->cond)
        return;
    if (client->source) {
        g_source_destroy(client->source);
        g_clear_pointer(&client->source, g_source_unref);
    }
    client->cond = cond;
    client->source = g_unix_fd_source_new(client->fd, cond);
    g_source_set_callback(client->source, G_SOURCE_FUNC(vbRPCClientIOCb), client, NULL);
    g_source_attach(client->source, client->srv->ctx);
}

static gboolean
vbRPCClientIOCb(gint fd G_GNUC_UNUSED, GIOCondition cond, gpointer opaque)
{
    vbRPCClient *client = opaque;
    gboolean ret = G_SOURCE_REMOVE;

    /* closing drops the server's reference; ours keeps @client valid here */
    vbRPCClientRef(client);
    if (cond & (G_IO_HUP | G_IO_ERR)) {
        /* The peer is gone both ways: nobody will read a reply.  Waiting
         * for reads to fail could spin while calls in flight keep us
         * from reading. */
        VB_DEBUG("client fd=%d hung up", client->fd);
        vbRPCClientClose(client);
    } else if ((cond & G_IO_IN) && vbRPCClientRead(client) < 0) {
        vbRPCClientClose(client);
    } else {
        vbRPCClientUpdateIO(client);
        /* UpdateIO replaces this source when the condition changes */
        if (client->source == g_main_current_source())
            ret = G_SOURCE_CONTINUE;
    }
    vbRPCClientUnref(client);
    return ret;
}

/* Main loop: forget the client; workers still holding it find it closed. */
static void
vbRPCClientClose(vbRPCClient *client)
{
    vbRPCServer *srv = client->srv;
    void *priv = NULL;
    GDestroyNotify privFree = NULL;
    g_autoptr(GPtrArray) streams = NULL;
    size_t freed;
    size_t i;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        return;
    }
    client->closed = true;
    client->opened = false;
    client->closeCallback = false;
    g_array_set_size(client->callbacks, 0);
    g_queue_clear_full(&client->tx, (GDestroyNotify) g_byte_array_unref);
    freed = client->txBytes;
    client->txBytes = 0;
    priv = g_steal_pointer(&client->priv);
    privFree = g_steal_pointer(&client->privFree);
    streams = g_steal_pointer(&client->streams);
    client->streams = g_ptr_array_new_with_free_func((GDestroyNotify) vbRPCStreamUnref);
    g_mutex_unlock(&client->lock);
    freed += client->rxCost;
    client->rxCost = 0;
    g_clear_pointer(&client->rx, g_byte_array_unref);
    vbRPCServerAddBufBytes(srv, -(gssize) freed);

    /* the consoles are free for other clients at once */
    for (i = 0; i < streams->len; i++)
        vbRPCStreamDiscard(g_ptr_array_index(streams, i));

    VB_DEBUG("closing client fd=%d", client->fd);
    if (client->source) {
        g_source_destroy(client->source);
        g_clear_pointer(&client->source, g_source_unref);
    }
    shutdown(client->fd, SHUT_RDWR);
    if (privFree)
        privFree(priv);

    g_mutex_lock(&srv->lock);
    if (client->readonlySocket)
        srv->nreadonly--;
    if (client->hasCred) {
        gpointer key = GUINT_TO_POINTER(client->uid);
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(srv->perUid, key));

        if (n > 1)
            g_hash_table_insert(srv->perUid, key, GUINT_TO_POINTER(n - 1));
        else
            g_hash_table_remove(srv->perUid, key);
    }
    g_ptr_array_remove_fast(srv->clients, client); /* drops the list's reference */
    g_mutex_unlock(&srv->lock);
}

static gboolean
vbRPCListenerAcceptCb(gint fd, GIOCondition cond G_GNUC_UNUSED, gpointer opaque)
{
    vbRPCListener *lis = opaque;
    vbRPCServer *srv = lis->srv;

    for (;;) {
        int cfd = accept(fd, NULL, NULL);
        vbRPCClient *client;
        size_t nclients;
        guint nuid;
        struct ucred cred = {0};
        socklen_t credlen;
        bool hasCred;
        const char *refusal = NULL;
        size_t limit = 0;

        if (cfd < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                VB_DEBUG("accept on '%s' failed: %s", lis->path, g_strerror(errno));
            return G_SOURCE_CONTINUE;
        }
        if (fcntl(cfd, F_SETFD, FD_CLOEXEC) < 0 ||
            fcntl(cfd, F_SETFL, fcntl(cfd, F_GETFL) | O_NONBLOCK) < 0) {
            VB_DEBUG("cannot set up client socket: %s", g_strerror(errno));
            close(cfd);
            continue;
        }

        credlen = sizeof(cred);
        hasCred = getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) == 0 &&
                  credlen == sizeof(cred);

        g_mutex_lock(&srv->lock);
        nclients = srv->clients->len;
        nuid = hasCred
                   ? GPOINTER_TO_UINT(g_hash_table_lookup(srv->perUid, GUINT_TO_POINTER(cred.uid)))
                   : 0;
        if (nclients >= srv->cfg.maxClients) {
            refusal = "too many clients";
            limit = srv->cfg.maxClients;
        } else if (lis->readonly && srv->nreadonly >= srv->cfg.maxReadonlyClients) {
            /* the rest is kept for the read-write socket */
            refusal = "too many read-only clients";
            limit = srv->cfg.maxReadonlyClients;
        } else if (hasCred && cred.uid != geteuid() && nuid >= srv->cfg.maxClientsPerUid) {
            refusal = "too many clients of this user";
            limit = srv->cfg.maxClientsPerUid;
        } else {
            if (lis->readonly)
                srv->nreadonly++;
            if (hasCred)
                g_hash_table_insert(srv->perUid, GUINT_TO_POINTER(cred.uid),
                                    GUINT_TO_POINTER(nuid + 1));
        }
        g_mutex_unlock(&srv->lock);
        if (refusal) {
            /* once per full second is enough to explain, not to flood */
            gint64 now = g_get_monotonic_time();

            if (now - srv->lastRefusalLog >= G_USEC_PER_SEC) {
                srv->lastRefusalLog = now;
                VB_WARN("refusing a client (pid %lld, uid %lld) on '%s': %s (limit %zu)",
                        hasCred ? (long long) cred.pid : -1LL,
                        hasCred ? (long long) cred.uid : -1LL, lis->path, refusal, limit);
            }
            close(cfd);
            continue;
        }

        client = g_new0(vbRPCClient, 1);
        client->refs = 1;
        client->srv = srv;
        client->fd = cfd;
        client->hasCred = hasCred;
        client->uid = hasCred ? cred.uid : (uid_t) -1;
        client->pid = hasCred ? cred.pid : (pid_t) -1;
        client->readonlySocket = lis->readonly;
        client->readonly = lis->readonly;
        client->connectedAt = client->lastRx = g_get_monotonic_time();
        client->callbacks = g_array_new(FALSE, FALSE, sizeof(vbRPCEventCallback));
        client->streams = g_ptr_array_new_with_free_func((GDestroyNotify) vbRPCStreamUnref);
        client->nextCallbackID = 1;
        g_mutex_init(&client->lock);
        g_queue_init(&client->tx);

        g_mutex_lock(&srv->lock);
        g_ptr_array_add(srv->clients, client);
        g_mutex_unlock(&srv->lock);
        VB_DEBUG("new client fd=%d on '%s'", cfd, lis->path);
        vbRPCClientUpdateIO(client);
    }
}

/* Main loop, every second: keepalive and clients that never open. */
static gboolean
vbRPCServerTimerCb(gpointer opaque)
{
    vbRPCServer *srv = opaque;
    g_autoptr(GPtrArray) clients =
        g_ptr_array_new_with_free_func((GDestroyNotify) vbRPCClientUnref);
    gint64 now = g_get_monotonic_time();
    gint64 interval = (gint64) srv->cfg.keepaliveInterval * G_USEC_PER_SEC;
    size_t i;

    g_mutex_lock(&srv->lock);
    for (i = 0; i < srv->clients->len; i++)
        g_ptr_array_add(clients, vbRPCClientRef(g_ptr_array_index(srv->clients, i)));
    g_mutex_unlock(&srv->lock);

    for (i = 0; i < clients->len; i++) {
        vbRPCClient *client = g_ptr_array_index(clients, i);
        bool opened;
        bool keepalive;
        bool busy;
        gint64 silent = now - client->lastRx;

        g_mutex_lock(&client->lock);
        opened = client->opened || client->closeRequested;
        keepalive = client->keepalive;
        busy = client->inflight > 0 || client->streams->len > 0;
        g_mutex_unlock(&client->lock);

        if (!opened && now - client->connectedAt > (gint64) srv->cfg.openTimeout * G_USEC_PER_SEC) {
            VB_DEBUG("dropping client fd=%d: no CONNECT_OPEN within %u seconds", client->fd,
                     srv->cfg.openTimeout);
            vbRPCClientClose(client);
            continue;
        }
        if (!keepalive) {
            /* nothing tells us it is still there: an idle connection would
             * hold its slot for ever */
            if (!busy && silent > (gint64) srv->cfg.idleTimeout * G_USEC_PER_SEC) {
                VB_INFO("closing client fd=%d (pid %lld, uid %lld): idle for %u seconds without "
                        "keepalive",
                        client->fd, (long long) client->pid, (long long) client->uid,
                        srv->cfg.idleTimeout);
                vbRPCClientClose(client);
            }
            continue;
        }
        if (silent >= interval * (srv->cfg.keepaliveCount + 1)) {
            VB_DEBUG("dropping client fd=%d: no answer to %u keepalive PINGs", client->fd,
                     client->pingsSent);
            vbRPCClientClose(client);
            continue;
        }
        if (silent >= interval * (client->pingsSent + 1)) {
            client->pingsSent++;
            vbRPCClientQueue(client, vbRPCBuildKeepalive(VB_KEEPALIVE_PROC_PING));
        }
    }
    return G_SOURCE_CONTINUE;
}

static void
vbRPCListenerFree(vbRPCListener *lis)
{
    if (lis->source) {
        g_source_destroy(lis->source);
        g_source_unref(lis->source);
    }
    if (lis->fd >= 0) {
        close(lis->fd);
        unlink(lis->path);
    }
    g_free(lis->path);
    g_free(lis);
}

vbRPCServer *
vbRPCServerNew(GMainContext *ctx, const vbRPCServerConfig *config, void *opaque)
{
    vbRPCServer *srv = g_new0(vbRPCServer, 1);
    vbRPCServerConfig *cfg = &srv->cfg;

    if (config)
        *cfg = *config;
#define VB_DEFAULT(field, value) \
    if (!cfg->field) \
    cfg->field = value
    VB_DEFAULT(maxClients, VB_RPC_DEFAULT_MAX_CLIENTS);
    VB_DEFAULT(maxWorkers, VB_RPC_DEFAULT_MAX_WORKERS);
    VB_DEFAULT(maxClientRequests, VB_RPC_DEFAULT_MAX_CLIENT_REQUESTS);
    VB_DEFAULT(maxClientInput, VB_RPC_PACKET_MAX);
    VB_DEFAULT(maxClientOutput, VB_RPC_DEFAULT_MAX_CLIENT_OUTPUT);
    VB_DEFAULT(keepaliveInterval, VB_RPC_DEFAULT_KEEPALIVE_INTERVAL);
    VB_DEFAULT(keepaliveCount, VB_RPC_DEFAULT_KEEPALIVE_COUNT);
    VB_DEFAULT(openTimeout, VB_RPC_DEFAULT_OPEN_TIMEOUT);
    VB_DEFAULT(idleTimeout, VB_RPC_DEFAULT_IDLE_TIMEOUT);
    VB_DEFAULT(maxReadonlyClients, MAX(cfg->maxClients * 3 / 4, 1));
    VB_DEFAULT(maxClientsPerUid, VB_RPC_DEFAULT_MAX_CLIENTS_PER_UID);
    VB_DEFAULT(maxClientOutputMessages, VB_RPC_DEFAULT_MAX_CLIENT_OUTPUT_MESSAGES);
    VB_DEFAULT(maxBufferMemory, VB_RPC_DEFAULT_MAX_BUFFER_MEMORY);
#undef VB_DEFAULT
    cfg->maxClientInput = MIN(cfg->maxClientInput, VB_RPC_PACKET_MAX);
    cfg->maxReadonlyClients = MIN(cfg->maxReadonlyClients, cfg->maxClients);
    /* one reply of the largest size must fit, counted as it is allocated */
    cfg->maxClientOutput = MAX(cfg->maxClientOutput, 2 * VB_RPC_PACKET_MAX);
    cfg->maxBufferMemory = MAX(cfg->maxBufferMemory, cfg->maxClientOutput);

    srv->ctx = g_main_context_ref(ctx);
    srv->opaque = opaque;
    srv->handlers = g_array_new(FALSE, FALSE, sizeof(vbRPCHandlerTable));
    srv->listeners = g_ptr_array_new_with_free_func((GDestroyNotify) vbRPCListenerFree);
    srv->clients = g_ptr_array_new_with_free_func((GDestroyNotify) vbRPCClientUnref);
    srv->perUid = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_mutex_init(&srv->lock);
    /* cannot fail for a non-exclusive pool */
    srv->pool = g_thread_pool_new(vbRPCWorker, srv, (gint) cfg->maxWorkers, FALSE, NULL);
    srv->timer = g_timeout_source_new_seconds(1);
    g_source_set_callback(srv->timer, vbRPCServerTimerCb, srv, NULL);
    g_source_attach(srv->timer, srv->ctx);
    return srv;
}

void
vbRPCServerFree(vbRPCServer *srv)
{
    if (!srv)
        return;

    g_ptr_array_free(srv->listeners, TRUE);
    g_source_destroy(srv->timer);
    g_source_unref(srv->timer);

    for (;;) {
        vbRPCClient *client = NULL;

        g_mutex_lock(&srv->lock);
        if (srv->clients->len > 0)
            client = vbRPCClientRef(g_ptr_array_index(srv->clients, 0));
        g_mutex_unlock(&srv->lock);
        if (!client)
            break;
        vbRPCClientClose(client);
        vbRPCClientUnref(client);
    }
    /* handlers still running finish; their replies go nowhere */
    g_thread_pool_free(srv->pool, FALSE, TRUE);
    /* a budget check still pending */
    {
        GSource *pending;

        while ((pending = g_main_context_find_source_by_user_data(srv->ctx, srv)))
            g_source_destroy(pending);
    }

    g_ptr_array_free(srv->clients, TRUE);
    g_hash_table_unref(srv->perUid);
    g_array_unref(srv->handlers);
    g_mutex_clear(&srv->lock);
    g_main_context_unref(srv->ctx);
    g_free(srv);
}

/* Each program we serve has one version */
static const vbRemoteProgram *
vbRPCServerFindProgram(uint32_t prog)
{
    size_t nprograms;
    const vbRemoteProgram *programs = vbRemoteProgramList(&nprograms);
    size_t i;

    for (i = 0; i < nprograms; i++) {
        if (programs[i].prog == prog)
            return &programs[i];
    }
    return NULL;
}

int
vbRPCServerAddProgramHandlers(vbRPCServer *srv, uint32_t prog, const vbRPCHandlerEntry *table,
                              size_t n)
{
    vbRPCHandlerTable t = {vbRPCServerFindProgram(prog), table, n};
    size_t i;

    if (!t.program) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("handler table for unknown program 0x%x"), prog);
        return -1;
    }
    for (i = 0; i < n; i++) {
        const vbRemoteProc *proc = vbRemoteProgramProcLookup(t.program, table[i].proc);

        if ((i > 0 && table[i - 1].proc >= table[i].proc) || !table[i].handler) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("handler table not sorted, unique and complete at procedure %d"),
                          table[i].proc);
            return -1;
        }
        if (!proc || (proc->flags & VB_REMOTE_PROC_EVENT)) {
            vbReportError(VIR_ERR_INTERNAL_ERROR,
                          _("handler for procedure %d, which is not a known call of program '%s'"),
                          table[i].proc, t.program->name);
            return -1;
        }
    }
    g_array_append_val(srv->handlers, t);
    return 0;
}

int
vbRPCServerAddHandlers(vbRPCServer *srv, const vbRPCHandlerEntry *table, size_t n)
{
    return vbRPCServerAddProgramHandlers(srv, VB_REMOTE_PROGRAM, table, n);
}

/* -1 if someone answers on @path: another daemon owns it. */
static int
vbRPCListenerCheckStale(const char *path, const struct sockaddr_un *addr)
{
    struct stat sb;
    int fd;
    int rc;

    if (lstat(path, &sb) < 0) {
        if (errno == ENOENT)
            return 0;
        vbReportSystemError(errno, _("cannot check socket '%s'"), path);
        return -1;
    }
    if (!S_ISSOCK(sb.st_mode)) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("'%s' exists and is not a socket; refusing to replace it"), path);
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        vbReportSystemError(errno, "%s", _("cannot create a UNIX socket"));
        return -1;
    }
    rc = connect(fd, (const struct sockaddr *) addr, sizeof(*addr));
    close(fd);
    if (rc == 0) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("another daemon is already listening on '%s'"),
                      path);
        return -1;
    }
    if (errno != ECONNREFUSED) {
        vbReportSystemError(errno, _("cannot check whether a daemon listens on '%s'"), path);
        return -1;
    }
    VB_DEBUG("removing stale socket '%s'", path);
    if (unlink(path) < 0 && errno != ENOENT) {
        vbReportSystemError(errno, _("cannot remove stale socket '%s'"), path);
        return -1;
    }
    return 0;
}

int
vbRPCServerAddListener(vbRPCServer *srv, const char *path, bool readonly)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    vbRPCListener *lis;
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vbReportError(VIR_ERR_INVALID_ARG, _("socket path '%s' is too long"), path);
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path));

    if (vbRPCListenerCheckStale(path, &addr) < 0)
        return -1;
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
        vbReportSystemError(errno, "%s", _("cannot create a UNIX socket"));
        return -1;
    }
    if (bind(fd, (const struct sockaddr *) &addr, sizeof(addr)) < 0) {
        vbReportSystemError(errno, _("cannot bind socket '%s'"), path);
        close(fd);
        return -1;
    }
    /* before listen(): nobody connects with the wrong mode */
    if (chmod(path, readonly ? 0666 : 0600) < 0 || listen(fd, 128) < 0) {
        vbReportSystemError(errno, _("cannot listen on socket '%s'"), path);
        close(fd);
        unlink(path);
        return -1;
    }

    lis = g_new0(vbRPCListener, 1);
    lis->srv = srv;
    lis->path = g_strdup(path);
    lis->fd = fd;
    lis->readonly = readonly;
    lis->source = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(lis->source, G_SOURCE_FUNC(vbRPCListenerAcceptCb), lis, NULL);
    g_source_attach(lis->source, srv->ctx);
    g_ptr_array_add(srv->listeners, lis);
    VB_DEBUG("listening on '%s'%s", path, readonly ? " (read-only)" : "");
    return 0;
}

void *
vbRPCServerGetOpaque(vbRPCServer *srv)
{
    return srv->opaque;
}

const vbRPCServerConfig *
vbRPCServerGetConfig(vbRPCServer *srv)
{
    return &srv->cfg;
}

size_t
vbRPCServerClientCount(vbRPCServer *srv)
{
    size_t n;

    g_mutex_lock(&srv->lock);
    n = srv->clients->len;
    g_mutex_unlock(&srv->lock);
    return n;
}

static bool
vbRPCEventCallbackMatches(const vbRPCEventCallback *cb, int eventID, bool legacy,
                          const unsigned char *uuid)
{
    if (cb->eventID != eventID || (cb->callbackID < 0) != legacy)
        return false;
    return !cb->hasFilter || (uuid && memcmp(cb->uuid, uuid, VB_UUID_BUFLEN) == 0);
}

int
vbRPCServerEmitDomainEvent(vbRPCServer *srv, int eventID, const unsigned char *uuid, int proc,
                           const void *msg)
{
    const vbRemoteProc *info = vbRemoteProcLookup(proc);
    vbRPCHeader hdr = {VB_REMOTE_PROGRAM,   VB_REMOTE_PROTOCOL_VERSION, proc,
                       VB_RPC_TYPE_MESSAGE, VB_RPC_EVENT_SERIAL,        VB_RPC_STATUS_OK};
    g_autoptr(GByteArray) pkt = NULL;
    g_autoptr(GPtrArray) clients =
        g_ptr_array_new_with_free_func((GDestroyNotify) vbRPCClientUnref);
    bool legacy;
    int sent = 0;
    size_t i;
    size_t j;

    g_return_val_if_fail(info && (info->flags & VB_REMOTE_PROC_EVENT), -1);
    legacy = !(info->flags & VB_REMOTE_PROC_CALLBACK);

    /* encoded once; each registration gets a copy with its callbackID */
    pkt = vbRPCPacketNew(&hdr);
    if (vbRemotePayloadEncode(info->args, msg, pkt) < 0 || vbRPCPacketFinish(pkt) < 0)
        return -1;

    g_mutex_lock(&srv->lock);
    for (i = 0; i < srv->clients->len; i++)
        g_ptr_array_add(clients, vbRPCClientRef(g_ptr_array_index(srv->clients, i)));
    g_mutex_unlock(&srv->lock);

    for (i = 0; i < clients->len; i++) {
        vbRPCClient *client = g_ptr_array_index(clients, i);

        g_mutex_lock(&client->lock);
        for (j = 0; client->opened && !client->closed && j < client->callbacks->len; j++) {
            const vbRPCEventCallback *cb = &g_array_index(client->callbacks, vbRPCEventCallback, j);
            GByteArray *copy;

            if (!vbRPCEventCallbackMatches(cb, eventID, legacy, uuid))
                continue;
            copy = g_byte_array_sized_new(pkt->len);
            g_byte_array_append(copy, pkt->data, pkt->len);
            if (!legacy) {
                uint32_t be = GUINT32_TO_BE((uint32_t) cb->callbackID);

                memcpy(copy->data + VB_RPC_PACKET_MIN, &be, sizeof(be));
            }
            vbRPCClientQueueLocked(client, copy);
            sent++;
        }
        g_mutex_unlock(&client->lock);
    }
    return sent;
}

vbRPCServer *
vbRPCClientGetServer(vbRPCClient *client)
{
    return client->srv;
}

bool
vbRPCClientIsReadOnly(vbRPCClient *client)
{
    bool ro;

    g_mutex_lock(&client->lock);
    ro = client->readonly;
    g_mutex_unlock(&client->lock);
    return ro;
}

bool
vbRPCClientIsOpen(vbRPCClient *client)
{
    bool opened;

    g_mutex_lock(&client->lock);
    opened = client->opened;
    g_mutex_unlock(&client->lock);
    return opened;
}

char *
vbRPCClientGetURI(vbRPCClient *client)
{
    char *uri;

    g_mutex_lock(&client->lock);
    uri = g_strdup(client->uri);
    g_mutex_unlock(&client->lock);
    return uri;
}

int
vbRPCClientOpen(vbRPCClient *client, const char *name, unsigned int flags)
{
    int ret = -1;

    g_mutex_lock(&client->lock);
    if (client->opened) {
        /* libvirtd's text */
        vbReportError(VIR_ERR_OPERATION_INVALID, "%s", _("connection already open"));
        goto cleanup;
    }
    client->opened = true;
    client->readonly = client->readonlySocket || (flags & VIR_CONNECT_RO);
    g_free(client->uri);
    client->uri = g_strdup(name);
    ret = 0;
cleanup:
    g_mutex_unlock(&client->lock);
    return ret;
}

void
vbRPCClientRequestClose(vbRPCClient *client)
{
    g_mutex_lock(&client->lock);
    client->closeRequested = true;
    client->opened = false;
    client->closeCallback = false;
    g_array_set_size(client->callbacks, 0);
    vbRPCClientWakeLocked(client);
    g_mutex_unlock(&client->lock);
}

void
vbRPCClientStartKeepalive(vbRPCClient *client)
{
    g_mutex_lock(&client->lock);
    client->keepalive = true;
    g_mutex_unlock(&client->lock);
}

void
vbRPCClientSetCloseCallback(vbRPCClient *client, bool registered)
{
    g_mutex_lock(&client->lock);
    client->closeCallback = registered;
    g_mutex_unlock(&client->lock);
}

bool
vbRPCClientHasCloseCallback(vbRPCClient *client)
{
    bool registered;

    g_mutex_lock(&client->lock);
    registered = client->closeCallback;
    g_mutex_unlock(&client->lock);
    return registered;
}

static int
vbRPCClientCheckEventID(int eventID)
{
    if (eventID < 0 || eventID >= VIR_DOMAIN_EVENT_ID_LAST) {
        /* libvirtd's text */
        vbReportError(VIR_ERR_INVALID_ARG, _("unsupported event ID %d"), eventID);
        return -1;
    }
    return 0;
}

/* Client lock held */
static int
vbRPCClientAddCallbackLocked(vbRPCClient *client, const vbRPCEventCallback *cb)
{
    if (client->callbacks->len >= VB_RPC_MAX_EVENT_CALLBACKS) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("too many event callbacks on this connection: the limit is %d"),
                      VB_RPC_MAX_EVENT_CALLBACKS);
        return -1;
    }
    g_array_append_val(client->callbacks, *cb);
    return 0;
}

int
vbRPCClientAddEventCallback(vbRPCClient *client, int eventID, const vbRemoteDomain *dom,
                            int *callbackID)
{
    vbRPCEventCallback cb = {0};
    int ret;

    if (vbRPCClientCheckEventID(eventID) < 0)
        return -1;
    cb.eventID = eventID;
    if (dom) {
        cb.hasFilter = true;
        memcpy(cb.uuid, dom->uuid, VB_UUID_BUFLEN);
    }
    g_mutex_lock(&client->lock);
    cb.callbackID = client->nextCallbackID;
    if ((ret = vbRPCClientAddCallbackLocked(client, &cb)) == 0) {
        /* ids stay positive: after 2^31 registrations on one connection,
         * start again from 1 (any older one is long gone) */
        client->nextCallbackID = client->nextCallbackID == G_MAXINT ? 1 : cb.callbackID + 1;
        *callbackID = cb.callbackID;
    }
    g_mutex_unlock(&client->lock);
    return ret;
}

static int
vbRPCClientRemoveCallback(vbRPCClient *client, int callbackID, int eventID)
{
    size_t i;

    g_mutex_lock(&client->lock);
    for (i = 0; i < client->callbacks->len; i++) {
        const vbRPCEventCallback *cb = &g_array_index(client->callbacks, vbRPCEventCallback, i);

        if (cb->callbackID == callbackID && (callbackID >= 0 || cb->eventID == eventID)) {
            g_array_remove_index(client->callbacks, i);
            g_mutex_unlock(&client->lock);
            return 0;
        }
    }
    g_mutex_unlock(&client->lock);
    return -1;
}

int
vbRPCClientRemoveEventCallback(vbRPCClient *client, int callbackID)
{
    if (callbackID < 0 || vbRPCClientRemoveCallback(client, callbackID, -1) < 0) {
        /* libvirtd's text */
        vbReportError(VIR_ERR_INVALID_ARG, _("domain event callback %d not registered"),
                      callbackID);
        return -1;
    }
    return 0;
}

int
vbRPCClientAddLegacyEventCallback(vbRPCClient *client, int eventID)
{
    vbRPCEventCallback cb = {.callbackID = -1, .eventID = eventID};
    size_t i;
    int ret;

    if (vbRPCClientCheckEventID(eventID) < 0)
        return -1;
    g_mutex_lock(&client->lock);
    for (i = 0; i < client->callbacks->len; i++) {
        const vbRPCEventCallback *old = &g_array_index(client->callbacks, vbRPCEventCallback, i);

        if (old->callbackID < 0 && old->eventID == eventID) {
            g_mutex_unlock(&client->lock);
            vbReportError(VIR_ERR_OPERATION_INVALID, _("domain event %d already registered"),
                          eventID);
            return -1;
        }
    }
    ret = vbRPCClientAddCallbackLocked(client, &cb);
    g_mutex_unlock(&client->lock);
    return ret;
}

int
vbRPCClientRemoveLegacyEventCallback(vbRPCClient *client, int eventID)
{
    if (vbRPCClientCheckEventID(eventID) < 0)
        return -1;
    if (vbRPCClientRemoveCallback(client, -1, eventID) < 0) {
        vbReportError(VIR_ERR_INVALID_ARG, _("domain event %d not registered"), eventID);
        return -1;
    }
    return 0;
}

void
vbRPCClientSetPrivate(vbRPCClient *client, void *data, GDestroyNotify freefunc)
{
    void *old;
    GDestroyNotify oldFree;

    g_mutex_lock(&client->lock);
    old = client->priv;
    oldFree = client->privFree;
    client->priv = data;
    client->privFree = freefunc;
    g_mutex_unlock(&client->lock);
    if (oldFree)
        oldFree(old);
}

void *
vbRPCClientGetPrivate(vbRPCClient *client)
{
    void *priv;

    g_mutex_lock(&client->lock);
    priv = client->priv;
    g_mutex_unlock(&client->lock);
    return priv;
}

/* --- Streams (vbrpcstream.h) --- */

int
vbRPCStreamOpen(vbRPCClient *client, vbFDStream *fdst)
{
    vbRPCCall *call = g_private_get(&vbRPCCurrentCall);

    if (!call || call->client != client || call->stream) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      _("a stream can only be opened by the procedure that returns it"));
        return -1;
    }
    call->stream = vbRPCStreamNew(client, &call->hdr, fdst);
    g_mutex_lock(&client->lock);
    if (client->closed) {
        /* gone while the call ran: the stream of a failed call is closed
         * (vbRPCCallRun), which frees the console for others */
        g_mutex_unlock(&client->lock);
        vbReportError(VIR_ERR_RPC, "%s", _("the client closed its connection"));
        return -1;
    }
    g_ptr_array_add(client->streams, vbRPCStreamRef(call->stream));
    g_mutex_unlock(&client->lock);
    return 0;
}

GMainContext *
vbRPCClientGetContext(vbRPCClient *client)
{
    return client->srv->ctx;
}

void
vbRPCClientQueuePacket(vbRPCClient *client, GByteArray *pkt)
{
    vbRPCClientQueue(client, pkt);
}

void
vbRPCClientReleaseRequest(vbRPCClient *client)
{
    g_mutex_lock(&client->lock);
    client->inflight--;
    vbRPCClientWakeLocked(client); /* reading may resume */
    g_mutex_unlock(&client->lock);
}

void
vbRPCClientDetachStream(vbRPCClient *client, vbRPCStream *st)
{
    g_mutex_lock(&client->lock);
    g_ptr_array_remove(client->streams, st);
    g_mutex_unlock(&client->lock);
}
