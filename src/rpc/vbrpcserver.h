/*
 * vbrpcserver.h: libvirt's remote protocol served on UNIX sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Threads, and who does what:
 *
 * - The main loop (the GMainContext given to vbRPCServerNew) accepts
 *   clients, reads and frames packets, answers keepalive PINGs at once,
 *   writes every reply and event, and closes clients.  Nothing there
 *   blocks, so a slow call never delays a PONG.
 * - Each CALL goes to a pool of worker threads, which decode the
 *   arguments, apply the checks every call shares (connection open,
 *   read-only) and call the procedure's handler.  The reply is queued
 *   and written by the main loop; replies leave in order of completion,
 *   matched by serial as libvirt's clients expect.
 * - Any thread may queue an event (vbRPCServerEmitDomainEvent); it is
 *   written by the main loop, only to clients that completed CONNECT_OPEN
 *   and registered for it.
 *
 * Handlers: one per procedure of a program, in tables sorted by
 * number; the program a CALL's header names picks the tables searched
 * (REMOTE_PROGRAM, or QEMU_PROGRAM for the libvirt-qemu.h calls).  A
 * handler gets the decoded arguments and a zeroed reply struct of the
 * types vbremoteprotocol.h names for that procedure; it fills the reply
 * and returns 0, or reports an error (vbReportError) and returns -1,
 * which the client receives as it would libvirtd's.  The server frees
 * both structs.  Handlers run in worker threads and may block.
 *
 * The connection-level handlers are in vbrpcconnect.h; domain procedures
 * come from the daemon's dispatch tables, one per program.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vbremoteprotocol.h"
#include "vbrpcpacket.h"

typedef struct _vbRPCServer vbRPCServer;
typedef struct _vbRPCClient vbRPCClient;

typedef int (*vbRPCHandler)(vbRPCClient *client, const void *args, void *ret);

typedef struct _vbRPCHandlerEntry vbRPCHandlerEntry;
struct _vbRPCHandlerEntry {
    int proc; /* of the table's program: vbRemoteProcNumber, vbQemuProcNumber */
    vbRPCHandler handler;
};

typedef struct _vbRPCServerConfig vbRPCServerConfig;
struct _vbRPCServerConfig {
    /* 0 for any field means the default in brackets (virtblockd.conf names
     * the settings; docs/configuration.md) */
    size_t maxClients;              /* connections at once, both sockets [1000] */
    size_t maxReadonlyClients;      /* of which on read-only sockets [3/4 of maxClients] */
    size_t maxClientsPerUid;        /* of one peer uid other than ours [100] */
    size_t maxWorkers;              /* worker threads [5] */
    size_t maxClientRequests;       /* calls in flight per client [5]: beyond, stop reading */
    size_t maxClientInput;          /* largest packet accepted [VB_RPC_PACKET_MAX] */
    size_t maxClientOutput;         /* bytes allocated for one client's unsent messages
                                     * before it is dropped [32 MiB; at least
                                     * VB_RPC_PACKET_MAX] */
    size_t maxClientOutputMessages; /* its unsent messages before it is dropped [10000] */
    size_t maxBufferMemory;         /* bytes of every client's buffers (input, calls,
                                     * output) before the largest is dropped [256 MiB;
                                     * at least maxClientOutput] */
    unsigned int keepaliveInterval; /* seconds of silence before we PING [5] */
    unsigned int keepaliveCount;    /* unanswered PINGs before we drop a client [5] */
    unsigned int openTimeout;       /* seconds a client may stay before CONNECT_OPEN [30] */
    unsigned int idleTimeout;       /* seconds an opened client without keepalive may send
                                     * nothing before it is closed [600] */
    uint64_t hypervisorVersion; /* CONNECT_GET_VERSION: major * 1000000 + minor * 1000 + micro */
};

/*
 * Creates a server whose sockets and clients live in @ctx (not taken;
 * must outlive the server).  @opaque is handed to handlers through
 * vbRPCServerGetOpaque.  Never NULL.
 */
vbRPCServer *vbRPCServerNew(GMainContext *ctx, const vbRPCServerConfig *config, void *opaque);

/*
 * Frees the server from the thread that runs @ctx (or with @ctx idle):
 * closes listeners (removing their socket files) and clients, then waits
 * for running handlers to return.
 */
void vbRPCServerFree(vbRPCServer *srv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbRPCServer, vbRPCServerFree);

/*
 * Adds a handler table for the procedures of program @prog
 * (VB_REMOTE_PROGRAM or VB_QEMU_PROGRAM).  The table must be sorted by
 * procedure number without duplicates and stay valid for the server's
 * life.  Tables added later take precedence over earlier ones for the
 * same program and number.  Call before the first listener.  Returns -1
 * (VIR_ERR_INTERNAL_ERROR) for a bad table or an unknown program.
 */
int vbRPCServerAddProgramHandlers(vbRPCServer *srv, uint32_t prog, const vbRPCHandlerEntry *table,
                                  size_t n);
/* vbRPCServerAddProgramHandlers for VB_REMOTE_PROGRAM */
int vbRPCServerAddHandlers(vbRPCServer *srv, const vbRPCHandlerEntry *table, size_t n);

/*
 * Listens on the UNIX socket @path: mode 0666 and every client read-only
 * when @readonly, else mode 0600.  A socket file nobody answers on is
 * replaced; one another daemon listens on, or a file that is not a
 * socket, is refused with an error naming it.
 */
int vbRPCServerAddListener(vbRPCServer *srv, const char *path, bool readonly);

void *vbRPCServerGetOpaque(vbRPCServer *srv);
const vbRPCServerConfig *vbRPCServerGetConfig(vbRPCServer *srv);
size_t vbRPCServerClientCount(vbRPCServer *srv);

/*
 * Queues event @msg (the payload struct of event procedure @proc) for
 * every opened client registered for @eventID whose domain filter, if
 * any, matches @uuid.  A callback-style event (VB_REMOTE_PROC_CALLBACK)
 * goes to CALLBACK_REGISTER_ANY registrations, each stamped with its own
 * callbackID (the value in @msg is ignored); a legacy one to
 * REGISTER_ANY registrations.  Any thread.  Returns the number of
 * clients it was queued for, or -1 if @msg cannot be encoded.
 */
int vbRPCServerEmitDomainEvent(vbRPCServer *srv, int eventID, const unsigned char *uuid, int proc,
                               const void *msg);

/* Client state, for handlers (any thread). */
vbRPCServer *vbRPCClientGetServer(vbRPCClient *client);
bool vbRPCClientIsReadOnly(vbRPCClient *client);
bool vbRPCClientIsOpen(vbRPCClient *client);
/* The name given to CONNECT_OPEN (NULL if none or not open); a copy. */
char *vbRPCClientGetURI(vbRPCClient *client);

/* CONNECT_OPEN: refuses a second open; read-only if the socket is or
 * @flags has VIR_CONNECT_RO. */
int vbRPCClientOpen(vbRPCClient *client, const char *name, unsigned int flags);
/* CONNECT_CLOSE: the client is closed once its replies are written. */
void vbRPCClientRequestClose(vbRPCClient *client);
/* After a SUPPORTS_FEATURE probe for keepalive: we PING a silent client
 * and drop one that stops answering. */
void vbRPCClientStartKeepalive(vbRPCClient *client);
void vbRPCClientSetCloseCallback(vbRPCClient *client, bool registered);
bool vbRPCClientHasCloseCallback(vbRPCClient *client);

/* CALLBACK_REGISTER_ANY: @dom NULL for all domains; *callbackID gets a
 * new id, unique on this connection. */
int vbRPCClientAddEventCallback(vbRPCClient *client, int eventID, const vbRemoteDomain *dom,
                                int *callbackID);
int vbRPCClientRemoveEventCallback(vbRPCClient *client, int callbackID);
/* Legacy REGISTER_ANY / DEREGISTER_ANY, keyed by event ID */
int vbRPCClientAddLegacyEventCallback(vbRPCClient *client, int eventID);
int vbRPCClientRemoveLegacyEventCallback(vbRPCClient *client, int eventID);

/* Per-client data of the dispatcher; @freefunc runs when the client goes. */
void vbRPCClientSetPrivate(vbRPCClient *client, void *data, GDestroyNotify freefunc);
void *vbRPCClientGetPrivate(vbRPCClient *client);
