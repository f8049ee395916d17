/*
 * rpcservertest.c: the RPC server against raw packets, virsh and python
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The server runs in a thread of its own main loop, serving the
 * connection-level procedures plus a few test handlers standing in for
 * the driver.  Raw-socket cases pin the protocol's corner cases; the
 * stock virsh and python3-libvirt clients prove that real clients accept
 * what we send.  Skipped (77) without virsh or python3-libvirt.
 */

#include "vbinternal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>

#include "vberror.h"
#include "vbeventthread.h"
#include "vbfdstream.h"
#include "vbremoteprotocol.h"
#include "vbrpcconnect.h"
#include "vbrpcpacket.h"
#include "vbrpcserver.h"
#include "vbrpcstream.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

#define TEST_PYTHON "/usr/bin/python3"
#define TEST_VIRSH "/usr/bin/virsh"
#define TEST_MAX_CLIENTS 4
#define TEST_MAX_OUTPUT_MESSAGES 50

static const unsigned char testUUID[VB_UUID_BUFLEN] = {
    0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
};

typedef struct {
    char *dir;
    char *rwPath;
    char *roPath;
    char *smallPath;
    char *slowPath;
    char *uri;
    char *roUri;
    vbEventThread *evt; /* serves srv, small and ka */
    vbRPCServer *srv;
    vbRPCServer *small; /* TEST_MAX_CLIENTS clients at most */
    vbRPCServer *slow;  /* TEST_MAX_OUTPUT_MESSAGES queued per client at most */
    char *kaPath;
    vbRPCServer *ka; /* keepalive: PING after 1 s, give up after 1 more */
} testEnv;

static testEnv env;

static void
testCloseFd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

#define VB_AUTOCLOSE __attribute__((cleanup(testCloseFd)))

static void
testFillDomain(vbRemoteDomain *dom)
{
    dom->name = g_strdup("vm1");
    memcpy(dom->uuid, testUUID, VB_UUID_BUFLEN);
    dom->id = 1;
}

static int
testLookupByName(vbRPCClient *client G_GNUC_UNUSED, const void *args, void *ret)
{
    const vbRemoteDomainLookupByNameArgs *a = args;
    vbRemoteDomainLookupRet *r = ret;

    if (strcmp(a->name, "vm1") != 0) {
        vbReportError(VIR_ERR_NO_DOMAIN, _("no domain with matching name '%s'"), a->name);
        return -1;
    }
    testFillDomain(&r->dom);
    return 0;
}

/* Slower than the client's keepalive timeout: PONGs must flow meanwhile */
static int
testGetStateSlow(vbRPCClient *client G_GNUC_UNUSED, const void *args G_GNUC_UNUSED, void *ret)
{
    vbRemoteDomainGetStateRet *r = ret;

    g_usleep(4 * G_USEC_PER_SEC);
    r->state = VIR_DOMAIN_RUNNING;
    r->reason = VIR_DOMAIN_RUNNING_BOOTED;
    return 0;
}

/* Emits the events a finished commit would, as the driver will */
static int
testBlockCommit(vbRPCClient *client, const void *args, void *ret G_GNUC_UNUSED)
{
    const vbRemoteDomainBlockCommitArgs *a = args;
    vbRemoteDomainEventBlockJob2Msg msg = {0};
    vbRPCServer *srv = vbRPCClientGetServer(client);

    msg.dom = a->dom;
    msg.dst = a->disk;
    msg.type = VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT;
    msg.status = VIR_DOMAIN_BLOCK_JOB_COMPLETED;
    if (vbRPCServerEmitDomainEvent(srv, VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, a->dom.uuid,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2, &msg) < 0)
        return -1;
    return 0;
}

/* Stands in for the driver's monitor pass-through: echoes what it got */
static int
testQemuMonitorCommand(vbRPCClient *client G_GNUC_UNUSED, const void *args, void *ret)
{
    const vbQemuDomainMonitorCommandArgs *a = args;
    vbQemuDomainMonitorCommandRet *r = ret;

    r->result = g_strdup_printf("%s got '%s' flags=%u", a->dom.name, a->cmd, a->flags);
    return 0;
}

/* The console of the last DOMAIN_OPEN_CONSOLE: a socket pair standing in
 * for the pty, the test holding the far end (QEMU's side) */
static GMutex testConsoleLock;
static gint testConsoleLateEntered; /* the "late" open is running */
static vbFDStream *testConsole;
static int testConsolePeer = -1;

static int
testOpenConsole(vbRPCClient *client, const void *args, void *ret G_GNUC_UNUSED)
{
    const vbRemoteDomainOpenConsoleArgs *a = args;
    g_autoptr(vbFDStream) st = NULL;
    int fds[2];

    if (a->devName && strcmp(a->devName, "nosuch") == 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("cannot find character device %s"), a->devName);
        return -1;
    }
    /* "late": the client hangs up while the call runs; go on only once the
     * server has closed it */
    if (a->devName && strcmp(a->devName, "late") == 0) {
        gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

        g_atomic_int_set(&testConsoleLateEntered, 1);
        while (vbRPCClientIsOpen(client) && g_get_monotonic_time() < deadline)
            g_usleep(1000);
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0) {
        vbReportSystemError(errno, "%s", "socketpair");
        return -1;
    }
    st = vbFDStreamNew(fds[0]);
    g_mutex_lock(&testConsoleLock);
    if (testConsole)
        vbFDStreamUnref(testConsole);
    if (testConsolePeer >= 0)
        close(testConsolePeer);
    testConsole = vbFDStreamRef(st);
    testConsolePeer = fds[1];
    g_mutex_unlock(&testConsoleLock);
    return vbRPCStreamOpen(client, st);
}

/* The test's end of the console, taken (blocking from now on) */
static int
testConsoleTakePeer(void)
{
    int fd;

    g_mutex_lock(&testConsoleLock);
    fd = testConsolePeer;
    testConsolePeer = -1;
    g_mutex_unlock(&testConsoleLock);
    if (fd >= 0)
        g_unix_set_fd_nonblocking(fd, FALSE, NULL);
    return fd;
}

static const vbRPCHandlerEntry testQemuHandlers[] = {
    {VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND, testQemuMonitorCommand},
    {VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES, testQemuMonitorCommand},
};

static const vbRPCHandlerEntry testHandlers[] = {
    {VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, testLookupByName},
    {VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE, testOpenConsole},
    {VB_REMOTE_PROC_DOMAIN_GET_STATE, testGetStateSlow},
    {VB_REMOTE_PROC_DOMAIN_BLOCK_COMMIT, testBlockCommit},
};

static int
testServerStart(void)
{
    /* 1 MiB of input at most: well above any call of a stock client */
    vbRPCServerConfig cfg = {.hypervisorVersion = 7002000, .maxClientInput = 1024 * 1024};
    vbRPCServerConfig smallCfg = {.maxClients = TEST_MAX_CLIENTS};
    vbRPCServerConfig kaCfg = {.keepaliveInterval = 1, .keepaliveCount = 1};
    vbRPCServerConfig slowCfg = {.maxClientOutputMessages = TEST_MAX_OUTPUT_MESSAGES};
    const vbRPCHandlerEntry *connect;
    GMainContext *ctx;
    size_t nconnect;

    env.dir = vbTestMakeTempDir();
    env.rwPath = g_build_filename(env.dir, "rw.sock", NULL);
    env.roPath = g_build_filename(env.dir, "ro.sock", NULL);
    env.smallPath = g_build_filename(env.dir, "small.sock", NULL);
    env.uri = g_strdup_printf("qemu+unix:///session?socket=%s", env.rwPath);
    env.roUri = g_strdup_printf("qemu+unix:///session?socket=%s", env.roPath);
    /* nothing reaches the servers before their listeners exist, so they
     * can be set up while the loop already runs */
    env.evt = vbEventThreadNew("vb-test-rpc");
    ctx = vbEventThreadGetContext(env.evt);
    env.srv = vbRPCServerNew(ctx, &cfg, NULL);
    env.small = vbRPCServerNew(ctx, &smallCfg, NULL);
    env.kaPath = g_build_filename(env.dir, "ka.sock", NULL);
    env.ka = vbRPCServerNew(ctx, &kaCfg, NULL);
    env.slowPath = g_build_filename(env.dir, "slow.sock", NULL);
    env.slow = vbRPCServerNew(ctx, &slowCfg, NULL);

    connect = vbRPCConnectGetHandlers(&nconnect);
    if (vbRPCServerAddHandlers(env.srv, connect, nconnect) < 0 ||
        vbRPCServerAddHandlers(env.srv, testHandlers, G_N_ELEMENTS(testHandlers)) < 0 ||
        vbRPCServerAddProgramHandlers(env.srv, VB_QEMU_PROGRAM, testQemuHandlers,
                                      G_N_ELEMENTS(testQemuHandlers)) < 0 ||
        vbRPCServerAddHandlers(env.small, connect, nconnect) < 0 ||
        vbRPCServerAddHandlers(env.ka, connect, nconnect) < 0 ||
        vbRPCServerAddHandlers(env.slow, connect, nconnect) < 0)
        return -1;
    if (vbRPCServerAddListener(env.srv, env.rwPath, false) < 0 ||
        vbRPCServerAddListener(env.srv, env.roPath, true) < 0 ||
        vbRPCServerAddListener(env.small, env.smallPath, false) < 0 ||
        vbRPCServerAddListener(env.ka, env.kaPath, false) < 0 ||
        vbRPCServerAddListener(env.slow, env.slowPath, false) < 0)
        return -1;
    return 0;
}

static void
testServerStop(void)
{
    /* the loop first: the servers are freed while nothing dispatches them
     * (each holds a reference to the context) */
    g_clear_pointer(&env.evt, vbEventThreadFree);
    g_clear_pointer(&env.srv, vbRPCServerFree);
    g_clear_pointer(&env.small, vbRPCServerFree);
    g_clear_pointer(&env.ka, vbRPCServerFree);
    g_clear_pointer(&env.slow, vbRPCServerFree);
    g_clear_pointer(&testConsole, vbFDStreamUnref);
    if (testConsolePeer >= 0)
        close(testConsolePeer);
    vbTestCleanupDir(env.dir);
    g_free(env.dir);
    g_free(env.rwPath);
    g_free(env.roPath);
    g_free(env.smallPath);
    g_free(env.kaPath);
    g_free(env.slowPath);
    g_free(env.uri);
    g_free(env.roUri);
}

/* ---- raw client ---- */

static int
testConnect(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
        fprintf(stderr, "cannot connect to %s: %s\n", path, g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int
testSendAll(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

        if (n < 0)
            return -1;
        data += n;
        len -= n;
    }
    return 0;
}

/* Reads exactly @len bytes; 0 on success, 1 on EOF first, -1 on error or
 * after 30 s, so a server bug fails the case instead of hanging it. */
static int
testRecvAll(int fd, uint8_t *data, size_t len)
{
    while (len > 0) {
        struct pollfd pfd = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&pfd, 1, 30000) <= 0) {
            fprintf(stderr, "no data from the server within 30 s\n");
            return -1;
        }
        /* a server closing with our bytes unread resets the connection */
        if ((n = read(fd, data, len)) < 0)
            return errno == ECONNRESET ? 1 : -1;
        if (n == 0)
            return 1;
        data += n;
        len -= n;
    }
    return 0;
}

/* One whole packet from the server; NULL on EOF (*eof set) or error */
static GByteArray *
testRecvPacket(int fd, bool *eof)
{
    g_autoptr(GByteArray) pkt = g_byte_array_new();
    uint32_t len;
    int rc;

    *eof = false;
    g_byte_array_set_size(pkt, VB_RPC_LEN_SIZE);
    if ((rc = testRecvAll(fd, pkt->data, VB_RPC_LEN_SIZE)) != 0) {
        *eof = rc == 1;
        return NULL;
    }
    if (vbRPCPacketReadLength(pkt->data, &len) < 0)
        return NULL;
    g_byte_array_set_size(pkt, len);
    if (testRecvAll(fd, pkt->data + VB_RPC_LEN_SIZE, len - VB_RPC_LEN_SIZE) != 0)
        return NULL;
    return g_steal_pointer(&pkt);
}

/* @proc of program @prog (version 1); NULL if unknown */
static const vbRemoteProc *
testProcLookup(uint32_t prog, int proc)
{
    const vbRemoteProgram *program = vbRemoteProgramLookup(prog, 1);

    return program ? vbRemoteProgramProcLookup(program, proc) : NULL;
}

static int
testCall(int fd, uint32_t prog, int proc, uint32_t serial, const void *args)
{
    vbRPCHeader hdr = {
        prog, VB_REMOTE_PROTOCOL_VERSION, proc, VB_RPC_TYPE_CALL, serial, VB_RPC_STATUS_OK};
    g_autoptr(GByteArray) pkt = vbRPCPacketNew(&hdr);
    const vbRemoteProc *info = testProcLookup(prog, proc);

    if (args && vbRemotePayloadEncode(info->args, args, pkt) < 0)
        return -1;
    if (vbRPCPacketFinish(pkt) < 0)
        return -1;
    return testSendAll(fd, pkt->data, pkt->len);
}

/* Reads a reply and checks its header; *err gets the error of an error
 * reply, *ret (of the proc's ret type) the payload of a good one. */
static int
testReplyProg(int fd, uint32_t prog, int proc, uint32_t serial, void *ret, vbError **err)
{
    bool eof;
    g_autoptr(GByteArray) pkt = testRecvPacket(fd, &eof);
    vbRPCHeader hdr;
    const uint8_t *payload;
    size_t len;

    if (!pkt || vbRPCPacketParse(pkt->data, pkt->len, &hdr, &payload, &len) < 0)
        return -1;
    if (hdr.type != VB_RPC_TYPE_REPLY || hdr.prog != prog || hdr.proc != proc ||
        hdr.serial != serial) {
        fprintf(stderr, "unexpected packet type=%d prog=0x%x proc=%d serial=%u\n", hdr.type,
                hdr.prog, hdr.proc, hdr.serial);
        return -1;
    }
    if (hdr.status == VB_RPC_STATUS_ERROR) {
        vbXdrDecoder dec;

        vbXdrDecoderInit(&dec, payload, len);
        if (!err || vbRPCErrorDecode(&dec, err) < 0)
            return -1;
        return 0;
    }
    if (err)
        *err = NULL;
    if (ret)
        return vbRemotePayloadDecode(testProcLookup(prog, proc)->ret, payload, len, ret);
    return len == 0 ? 0 : -1;
}

static int
testReply(int fd, int proc, uint32_t serial, void *ret, vbError **err)
{
    return testReplyProg(fd, VB_REMOTE_PROGRAM, proc, serial, ret, err);
}

static int
testExpectError(vbError *err, int code, const char *message)
{
    g_autoptr(vbError) e = err;

    if (!e) {
        fprintf(stderr, "expected an error, the call succeeded\n");
        return -1;
    }
    if (e->code != code) {
        fprintf(stderr, "expected code %d, got %d: %s\n", code, e->code, e->message);
        return -1;
    }
    return vbTestCompareStrings(message, e->message);
}

/* AUTH_LIST, CONNECT_OPEN; next serial 2 */
static int
testOpen(int fd, const char *name)
{
    vbRemoteConnectOpenArgs open = {(char *) name, 0};
    vbRemoteAuthListRet auth = {0};
    g_autoptr(vbError) err = NULL;
    int rc;

    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_AUTH_LIST, 0, NULL) < 0)
        return -1;
    rc = testReply(fd, VB_REMOTE_PROC_AUTH_LIST, 0, &auth, &err);
    if (rc < 0 || err || auth.ntypes != 1 || auth.types[0] != VB_REMOTE_AUTH_NONE)
        rc = -1;
    g_free(auth.types);
    if (rc < 0)
        return -1;
    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_OPEN, 1, &open) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_OPEN, 1, NULL, &err) < 0 || err)
        return -1;
    return 0;
}

static int
testRawBeforeOpen(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    vbError *err = NULL;

    if (fd < 0 ||
        testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_GET_HOSTNAME, 0, NULL) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_GET_HOSTNAME, 0, NULL, &err) < 0)
        return -1;
    return testExpectError(err, VIR_ERR_INTERNAL_ERROR, "internal error: connection not open");
}

static int
testRawUnknownProgram(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    vbError *err = NULL;

    if (fd < 0 || testCall(fd, 0x1234, 1, 5, NULL) < 0 ||
        testReplyProg(fd, 0x1234, 1, 5, NULL, &err) < 0)
        return -1;
    return testExpectError(err, VIR_ERR_RPC, "Cannot find program 4660 version 1");
}

static int
testRawUnknownProcedure(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    vbError *err = NULL;

    if (fd < 0 || testOpen(fd, "qemu:///system") < 0)
        return -1;
    if (testCall(fd, VB_REMOTE_PROGRAM, 9999, 2, NULL) < 0 ||
        testReply(fd, 9999, 2, NULL, &err) < 0)
        return -1;
    if (testExpectError(err, VIR_ERR_RPC, "unknown procedure: 9999") < 0)
        return -1;
    /* known to the protocol, but no handler: what libvirt says of a driver
     * without the API */
    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_DOMAIN_DESTROY, 3, NULL) < 0 ||
        testReply(fd, VB_REMOTE_PROC_DOMAIN_DESTROY, 3, NULL, &err) < 0)
        return -1;
    if (testExpectError(
            err, VIR_ERR_NO_SUPPORT,
            "this function is not supported by the connection driver: virDomainDestroy") < 0)
        return -1;
    /* in libvirt 9.0's protocol but not in our table (17 DOMAIN_GET_MAX_MEMORY):
     * the same answer, with the API named from the generated table */
    if (testCall(fd, VB_REMOTE_PROGRAM, 17, 4, NULL) < 0 || testReply(fd, 17, 4, NULL, &err) < 0)
        return -1;
    if (testExpectError(
            err, VIR_ERR_NO_SUPPORT,
            "this function is not supported by the connection driver: virDomainGetMaxMemory") < 0)
        return -1;
    /* 443 DOMAIN_FD_ASSOCIATE: libvirt 9.0's last, its acronym spelled as the API */
    if (testCall(fd, VB_REMOTE_PROGRAM, 443, 5, NULL) < 0 || testReply(fd, 443, 5, NULL, &err) < 0)
        return -1;
    if (testExpectError(
            err, VIR_ERR_NO_SUPPORT,
            "this function is not supported by the connection driver: virDomainFDAssociate") < 0)
        return -1;
    /* past libvirt 9.0's last number, and an event's number (a MESSAGE,
     * never a CALL; 169 DOMAIN_EVENT_REBOOT), stay unknown as in libvirtd */
    if (testCall(fd, VB_REMOTE_PROGRAM, 444, 6, NULL) < 0 ||
        testReply(fd, 444, 6, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_RPC, "unknown procedure: 444") < 0)
        return -1;
    if (testCall(fd, VB_REMOTE_PROGRAM, 169, 7, NULL) < 0 ||
        testReply(fd, 169, 7, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_RPC, "unknown procedure: 169") < 0)
        return -1;
    /* 67 AUTH_SASL_INIT on a socket without SASL: libvirtd's refusal */
    if (testCall(fd, VB_REMOTE_PROGRAM, 67, 8, NULL) < 0 || testReply(fd, 67, 8, NULL, &err) < 0)
        return -1;
    return testExpectError(err, VIR_ERR_AUTH_FAILED,
                           "authentication failed: authentication failed");
}

static int
testRawUnservedBeforeOpen(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    vbError *err = NULL;

    /* libvirtd's handler checks the connection before calling the API */
    if (fd < 0 || testCall(fd, VB_REMOTE_PROGRAM, 17, 0, NULL) < 0 ||
        testReply(fd, 17, 0, NULL, &err) < 0)
        return -1;
    return testExpectError(err, VIR_ERR_INTERNAL_ERROR, "internal error: connection not open");
}

static int
testRawBadArgs(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    /* CONNECT_OPEN whose optional name has discriminant 2 */
    static const uint8_t bad[] = {0x00, 0x00, 0x00, 0x24, 0x20, 0x00, 0x80, 0x86, 0x00,
                                  0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00};
    vbError *err = NULL;
    vbRemoteConnectGetTypeRet type = {0};
    int rc;

    if (fd < 0 || testSendAll(fd, bad, sizeof(bad)) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_OPEN, 7, NULL, &err) < 0)
        return -1;
    if (testExpectError(err, VIR_ERR_RPC, "invalid XDR optional-data discriminant 2") < 0)
        return -1;
    /* the connection survives a bad call */
    if (testOpen(fd, NULL) < 0 ||
        testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_GET_TYPE, 2, NULL) < 0)
        return -1;
    rc = testReply(fd, VB_REMOTE_PROC_CONNECT_GET_TYPE, 2, &type, &err);
    if (rc == 0 && (err || vbTestCompareStrings("QEMU", type.str) < 0))
        rc = -1;
    g_free(type.str);
    return rc;
}

/* ---- streams ---- */

/* PING on @fd gets PONG (the server reads and answers) */
static int
testRawKeepaliveOn(int fd, const uint8_t *ping)
{
    g_autoptr(GByteArray) pkt = NULL;
    bool eof;
    vbRPCHeader hdr;
    const uint8_t *payload;
    size_t len;

    if (testSendAll(fd, ping, 28) < 0 || !(pkt = testRecvPacket(fd, &eof)) ||
        vbRPCPacketParse(pkt->data, pkt->len, &hdr, &payload, &len) < 0)
        return -1;
    if (hdr.prog != VB_KEEPALIVE_PROGRAM || hdr.proc != VB_KEEPALIVE_PROC_PONG) {
        fprintf(stderr, "expected PONG, got prog=0x%x proc=%d\n", hdr.prog, hdr.proc);
        return -1;
    }
    return 0;
}

static int
testStreamSend(int fd, uint32_t serial, vbRPCStatus status, const char *data)
{
    vbRPCHeader hdr = {VB_REMOTE_PROGRAM,
                       VB_REMOTE_PROTOCOL_VERSION,
                       VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
                       VB_RPC_TYPE_STREAM,
                       serial,
                       status};
    g_autoptr(GByteArray) pkt = vbRPCPacketNew(&hdr);

    if (data)
        g_byte_array_append(pkt, (const uint8_t *) data, strlen(data));
    if (vbRPCPacketFinish(pkt) < 0)
        return -1;
    return testSendAll(fd, pkt->data, pkt->len);
}

/* The next packet must be a STREAM of the console opened with @serial,
 * with @status and, for CONTINUE, exactly @data (raw); *err gets the
 * error of an ERROR. */
static int
testStreamExpect(int fd, uint32_t serial, vbRPCStatus status, const char *data, vbError **err)
{
    bool eof;
    g_autoptr(GByteArray) pkt = testRecvPacket(fd, &eof);
    vbRPCHeader hdr;
    const uint8_t *payload;
    size_t len;

    if (!pkt || vbRPCPacketParse(pkt->data, pkt->len, &hdr, &payload, &len) < 0)
        return -1;
    if (hdr.type != VB_RPC_TYPE_STREAM || hdr.prog != VB_REMOTE_PROGRAM ||
        hdr.proc != VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE || hdr.serial != serial ||
        hdr.status != status) {
        fprintf(stderr, "unexpected packet type=%d proc=%d serial=%u status=%d\n", hdr.type,
                hdr.proc, hdr.serial, hdr.status);
        return -1;
    }
    if (status == VB_RPC_STATUS_ERROR) {
        vbXdrDecoder dec;

        vbXdrDecoderInit(&dec, payload, len);
        return vbRPCErrorDecode(&dec, err);
    }
    if (len != (data ? strlen(data) : 0) || (len && memcmp(payload, data, len) != 0)) {
        fprintf(stderr, "stream data %.*s, expected %s\n", (int) len, payload, data ? data : "");
        return -1;
    }
    return 0;
}

/* Reads @want from the console's far end */
static int
testPeerExpect(int peer, const char *want)
{
    g_autofree char *buf = g_malloc0(strlen(want) + 1);

    if (testRecvAll(peer, (uint8_t *) buf, strlen(want)) != 0)
        return -1;
    return vbTestCompareStrings(want, buf);
}

/* The far end sees the console closed */
static int
testPeerClosed(int peer)
{
    uint8_t byte;

    if (testRecvAll(peer, &byte, 1) != 1) {
        fprintf(stderr, "the console is still open\n");
        return -1;
    }
    return 0;
}

/* A call answered while a stream is open */
static int
testHostname(int fd, uint32_t serial)
{
    vbRemoteStringRet host = {0};
    vbError *err = NULL;
    int rc;

    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_GET_HOSTNAME, serial, NULL) < 0)
        return -1;
    rc = testReply(fd, VB_REMOTE_PROC_CONNECT_GET_HOSTNAME, serial, &host, &err);
    g_free(host.str);
    vbErrorFree(err);
    return rc < 0 || err || !host.str ? -1 : 0;
}

/* OPEN_CONSOLE with serial 2 on a new connection; *peer gets the far end */
static int
testStreamOpen(int *fd, int *peer)
{
    vbRemoteDomainOpenConsoleArgs args = {{(char *) "vm", {0}, 1}, NULL, 0};
    vbError *err = NULL;

    if ((*fd = testConnect(env.rwPath)) < 0 || testOpen(*fd, "qemu:///session") < 0 ||
        testCall(*fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE, 2, &args) < 0 ||
        testReply(*fd, VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE, 2, NULL, &err) < 0 || err)
        return -1;
    if ((*peer = testConsoleTakePeer()) < 0)
        return -1;
    return 0;
}

/* Data both ways, keepalive and calls between, a stray packet ignored,
 * finish confirmed and the console closed */
static int
testRawStreamFinish(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = -1;
    VB_AUTOCLOSE int peer = -1;

    if (testStreamOpen(&fd, &peer) < 0 || testSendAll(peer, (const uint8_t *) "boot", 4) < 0 ||
        testStreamExpect(fd, 2, VB_RPC_STATUS_CONTINUE, "boot", NULL) < 0 ||
        testStreamSend(fd, 2, VB_RPC_STATUS_CONTINUE, "ls\r") < 0 ||
        testPeerExpect(peer, "ls\r") < 0)
        return -1;
    /* libvirtd drops stream packets of no open stream */
    if (testStreamSend(fd, 99, VB_RPC_STATUS_CONTINUE, "lost") < 0 || testHostname(fd, 3) < 0 ||
        testSendAll(peer, (const uint8_t *) "more", 4) < 0 ||
        testStreamExpect(fd, 2, VB_RPC_STATUS_CONTINUE, "more", NULL) < 0)
        return -1;
    /* finish: the data before it is written first, then confirmed */
    if (testStreamSend(fd, 2, VB_RPC_STATUS_CONTINUE, "exit\r") < 0 ||
        testStreamSend(fd, 2, VB_RPC_STATUS_OK, NULL) < 0 ||
        testStreamExpect(fd, 2, VB_RPC_STATUS_OK, NULL, NULL) < 0 ||
        testPeerExpect(peer, "exit\r") < 0 || testPeerClosed(peer) < 0)
        return -1;
    return 0;
}

/* The console's end of file is an empty CONTINUE; abort is confirmed */
static int
testRawStreamEOFAbort(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = -1;
    int peer = -1;

    if (testStreamOpen(&fd, &peer) < 0)
        return -1;
    close(peer);
    if (testStreamExpect(fd, 2, VB_RPC_STATUS_CONTINUE, NULL, NULL) < 0 ||
        testStreamSend(fd, 2, VB_RPC_STATUS_ERROR, NULL) < 0 ||
        testStreamExpect(fd, 2, VB_RPC_STATUS_OK, NULL, NULL) < 0)
        return -1;
    return 0;
}

/* The producer takes the console back (--force): the client gets
 * libvirtd's error on the stream, the descriptor is closed */
static int
testRawStreamTakenOver(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = -1;
    VB_AUTOCLOSE int peer = -1;
    g_autoptr(vbFDStream) st = NULL;
    vbError *err = NULL;

    if (testStreamOpen(&fd, &peer) < 0)
        return -1;
    g_mutex_lock(&testConsoleLock);
    st = g_steal_pointer(&testConsole);
    g_mutex_unlock(&testConsoleLock);
    if (!vbFDStreamAbort(st)) {
        fprintf(stderr, "nobody consumed the stream\n");
        return -1;
    }
    if (testStreamExpect(fd, 2, VB_RPC_STATUS_ERROR, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_RPC, "stream had I/O failure") < 0 || testPeerClosed(peer) < 0)
        return -1;
    /* later packets of the client go nowhere; the connection stays */
    if (testStreamSend(fd, 2, VB_RPC_STATUS_ERROR, NULL) < 0 || testHostname(fd, 3) < 0)
        return -1;
    return 0;
}

/* A failed open leaves no stream; a client gone closes its console */
static int
testRawStreamFailAndHangup(const void *opaque G_GNUC_UNUSED)
{
    vbRemoteDomainOpenConsoleArgs args = {{(char *) "vm", {0}, 1}, (char *) "nosuch", 0};
    int fd = -1;
    VB_AUTOCLOSE int peer = -1;
    vbError *err = NULL;

    if (testStreamOpen(&fd, &peer) < 0 ||
        testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE, 3, &args) < 0 ||
        testReply(fd, VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE, 3, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_INTERNAL_ERROR,
                        "internal error: cannot find character device nosuch") < 0) {
        testCloseFd(&fd);
        return -1;
    }
    close(fd);
    return testPeerClosed(peer);
}

/* A client gone while its OPEN_CONSOLE ran: the stream opened for it is
 * closed with the call, so the console is free again */
static int
testRawStreamClientGoneDuringOpen(const void *opaque G_GNUC_UNUSED)
{
    vbRemoteDomainOpenConsoleArgs args = {{(char *) "vm", {0}, 1}, (char *) "late", 0};
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    VB_AUTOCLOSE int peer = -1;
    int fd;

    if ((fd = testConnect(env.rwPath)) < 0)
        return -1;
    if (testOpen(fd, "qemu:///session") < 0 ||
        testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE, 2, &args) < 0) {
        close(fd);
        return -1;
    }
    /* hang up once the call runs (a call still unread would be dropped) */
    while (!g_atomic_int_get(&testConsoleLateEntered) && g_get_monotonic_time() < deadline)
        g_usleep(1000);
    close(fd);
    while ((peer = testConsoleTakePeer()) < 0 && g_get_monotonic_time() < deadline)
        g_usleep(1000);
    if (peer < 0) {
        fprintf(stderr, "the console was never opened\n");
        return -1;
    }
    return testPeerClosed(peer);
}

/* Flow control: while the console takes nothing, the client's packets
 * hold its request slots and the server stops reading the socket (no
 * PONG); once the console drains, everything flows again. */
static int
testRawStreamFlowControl(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = -1;
    VB_AUTOCLOSE int peer = -1;
    static const uint8_t ping[] = {0x00, 0x00, 0x00, 0x1c, 0x6b, 0x65, 0x65, 0x70, 0x00, 0x00,
                                   0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    g_autofree char *chunk = g_strnfill(64 * 1024, 'x');
    g_autofree uint8_t *sink = g_malloc(64 * 1024);
    size_t sent = 0;
    size_t drained = 0;
    struct pollfd pfd;
    size_t i;

    if (testStreamOpen(&fd, &peer) < 0)
        return -1;
    /* more than the socket pair buffers and five slots hold */
    for (i = 0; i < 32; i++) {
        if (testStreamSend(fd, 2, VB_RPC_STATUS_CONTINUE, chunk) < 0)
            return -1;
        sent += strlen(chunk);
        pfd = (struct pollfd){fd, POLLOUT, 0};
        if (poll(&pfd, 1, 500) == 0)
            break; /* the server stopped reading: our socket is full */
    }
    if (i == 32) {
        fprintf(stderr, "the server read %zu bytes the console did not take\n", sent);
        return -1;
    }
    while (drained < sent) {
        ssize_t n;

        pfd = (struct pollfd){peer, POLLIN, 0};
        if (poll(&pfd, 1, 30000) <= 0 || (n = read(peer, sink, 64 * 1024)) <= 0) {
            fprintf(stderr, "the console got %zu of %zu bytes\n", drained, sent);
            return -1;
        }
        drained += n;
    }
    return testRawKeepaliveOn(fd, ping);
}

static int
testRawKeepalive(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    static const uint8_t ping[] = {0x00, 0x00, 0x00, 0x1c, 0x6b, 0x65, 0x65, 0x70, 0x00, 0x00,
                                   0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t pong[] = {0x00, 0x00, 0x00, 0x1c, 0x6b, 0x65, 0x65, 0x70, 0x00, 0x00,
                                   0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    g_autoptr(GByteArray) pkt = NULL;
    bool eof;

    if (fd < 0 || testSendAll(fd, ping, sizeof(ping)) < 0 || !(pkt = testRecvPacket(fd, &eof)))
        return -1;
    return pkt->len == sizeof(pong) && memcmp(pkt->data, pong, sizeof(pong)) == 0 ? 0 : -1;
}

typedef struct {
    const char *name;
    uint8_t bytes[8]; /* a length word and the start of a header */
} testBadLength;

static const testBadLength testBadLengths[] = {
    {"below the header size", {0x00, 0x00, 0x00, 0x10, 0x20, 0x00, 0x80, 0x86}},
    {"over 16 MiB + 4", {0x01, 0x00, 0x00, 0x05, 0x20, 0x00, 0x80, 0x86}},
    {"over the per-client input cap", {0x00, 0x10, 0x00, 0x01, 0x20, 0x00, 0x80, 0x86}},
};

static int
testRawBadLength(const void *opaque)
{
    const testBadLength *data = opaque;
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    g_autoptr(GByteArray) pkt = NULL;
    bool eof;

    if (fd < 0 || testSendAll(fd, data->bytes, sizeof(data->bytes)) < 0)
        return -1;
    pkt = testRecvPacket(fd, &eof);
    return !pkt && eof ? 0 : -1;
}

static int
testRawPipelined(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    bool seen[3] = {false, false, false};
    size_t i;

    if (fd < 0 || testOpen(fd, "qemu:///system") < 0)
        return -1;
    /* three calls before reading any reply */
    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_GET_HOSTNAME, 2, NULL) < 0 ||
        testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_GET_LIB_VERSION, 3, NULL) < 0 ||
        testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_IS_SECURE, 4, NULL) < 0)
        return -1;
    for (i = 0; i < 3; i++) {
        bool eof;
        g_autoptr(GByteArray) pkt = testRecvPacket(fd, &eof);
        vbRPCHeader hdr;
        const uint8_t *payload;
        size_t len;

        if (!pkt || vbRPCPacketParse(pkt->data, pkt->len, &hdr, &payload, &len) < 0)
            return -1;
        if (hdr.serial < 2 || hdr.serial > 4 || seen[hdr.serial - 2] ||
            hdr.status != VB_RPC_STATUS_OK)
            return -1;
        seen[hdr.serial - 2] = true;
        if (hdr.serial == 3 && (hdr.proc != VB_REMOTE_PROC_CONNECT_GET_LIB_VERSION || len != 8 ||
                                memcmp(payload, "\x00\x00\x00\x00\x00\x89\x54\x40", 8) != 0))
            return -1;
    }
    return 0;
}

static int
testRawReadOnly(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.roPath);
    vbRemoteDomainBlockCommitArgs commit = {{0}, (char *) "vda", NULL, NULL, 0, 0};
    vbRemoteDomainLookupByNameArgs lookup = {(char *) "vm1"};
    vbRemoteDomainLookupRet dom = {{0}};
    vbError *err = NULL;
    int rc;

    testFillDomain(&commit.dom);
    rc = fd < 0 || testOpen(fd, "qemu:///system") < 0 ? -1 : 0;
    /* reading is allowed */
    if (rc == 0 &&
        (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, 2, &lookup) < 0 ||
         testReply(fd, VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, 2, &dom, &err) < 0 || err ||
         g_strcmp0(dom.dom.name, "vm1") != 0))
        rc = -1;
    if (rc == 0 &&
        (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_DOMAIN_BLOCK_COMMIT, 3, &commit) < 0 ||
         testReply(fd, VB_REMOTE_PROC_DOMAIN_BLOCK_COMMIT, 3, NULL, &err) < 0))
        rc = -1;
    vbRemoteDomainClear(&commit.dom);
    vbRemoteDomainClear(&dom.dom);
    if (rc < 0)
        return -1;
    if (err && err->domain != VIR_FROM_DOMAIN)
        return -1;
    return testExpectError(err, VIR_ERR_OPERATION_DENIED,
                           "operation forbidden: read only access prevents virDomainBlockCommit");
}

static int
testRawEventsAndClose(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    vbRemoteConnectDomainEventCallbackRegisterAnyArgs reg = {VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, NULL};
    vbRemoteConnectDomainEventCallbackRegisterAnyRet regRet = {0};
    vbRemoteDomainEventBlockJob2Msg msg = {0};
    vbRemoteDomainEventBlockJob2Msg got = {0};
    const vbRemoteProc *info = vbRemoteProcLookup(VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2);
    g_autoptr(GByteArray) pkt = NULL;
    g_autoptr(vbError) err = NULL;
    vbRPCHeader hdr;
    const uint8_t *payload;
    size_t len;
    bool eof;
    int rc = -1;

    if (fd < 0 || testOpen(fd, "qemu:///system") < 0)
        return -1;
    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                 2, &reg) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 2, &regRet, &err) <
            0 ||
        err || regRet.callbackID != 1)
        return -1;

    testFillDomain(&msg.dom);
    msg.dst = g_strdup("vda");
    msg.callbackID = 77; /* replaced by the registration's id */
    msg.type = VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT;
    msg.status = VIR_DOMAIN_BLOCK_JOB_READY;
    if (vbRPCServerEmitDomainEvent(env.srv, VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, testUUID,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2, &msg) < 1)
        goto cleanup;
    if (!(pkt = testRecvPacket(fd, &eof)) ||
        vbRPCPacketParse(pkt->data, pkt->len, &hdr, &payload, &len) < 0 ||
        hdr.type != VB_RPC_TYPE_MESSAGE || hdr.proc != VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2 ||
        vbRemotePayloadDecode(info->args, payload, len, &got) < 0)
        goto cleanup;
    if (got.callbackID != 1 || g_strcmp0(got.dst, "vda") != 0 ||
        got.status != VIR_DOMAIN_BLOCK_JOB_READY)
        goto cleanup;

    /* CONNECT_CLOSE: a reply, then end of file */
    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_CLOSE, 3, NULL) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_CLOSE, 3, NULL, &err) < 0 || err)
        goto cleanup;
    g_clear_pointer(&pkt, g_byte_array_unref);
    if ((pkt = testRecvPacket(fd, &eof)) || !eof)
        goto cleanup;
    rc = 0;

cleanup:
    vbRemotePayloadClear(info->args, &msg);
    vbRemotePayloadClear(info->args, &got);
    return rc;
}

/* A domain filter keeps other domains' events away; legacy registrations
 * get the legacy message, without callbackID. */
static int
testRawEventFilterAndLegacy(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    vbRemoteDomain filter = {0};
    vbRemoteConnectDomainEventCallbackRegisterAnyArgs reg = {VIR_DOMAIN_EVENT_ID_BLOCK_JOB,
                                                             &filter};
    vbRemoteConnectDomainEventCallbackRegisterAnyRet regRet = {0};
    vbRemoteConnectDomainEventRegisterAnyArgs legacy = {VIR_DOMAIN_EVENT_ID_BLOCK_JOB};
    vbRemoteDomainEventCallbackBlockJobMsg msg = {0};
    vbRemoteDomainEventBlockJobMsg legacyMsg = {0};
    unsigned char otherUUID[VB_UUID_BUFLEN] = {0x99};
    g_autoptr(vbError) err = NULL;
    g_autoptr(GByteArray) pkt = NULL;
    g_autoptr(GByteArray) pkt2 = NULL;
    vbRPCHeader hdr;
    const uint8_t *payload;
    size_t len;
    bool eof;
    int rc = -1;

    testFillDomain(&filter);
    testFillDomain(&msg.dom);
    testFillDomain(&legacyMsg.dom);
    msg.path = g_strdup("/images/top.qcow2");
    legacyMsg.path = g_strdup("/images/top.qcow2");
    if (fd < 0 || testOpen(fd, "qemu:///system") < 0)
        goto cleanup;
    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                 2, &reg) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 2, &regRet, &err) <
            0 ||
        err || regRet.callbackID != 1)
        goto cleanup;
    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY, 3,
                 &legacy) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY, 3, NULL, &err) < 0 || err)
        goto cleanup;

    /* another domain: nobody here wants it */
    if (vbRPCServerEmitDomainEvent(env.srv, VIR_DOMAIN_EVENT_ID_BLOCK_JOB, otherUUID,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB, &msg) != 0)
        goto cleanup;
    /* vm1: the callback form, then the legacy form, in that order */
    if (vbRPCServerEmitDomainEvent(env.srv, VIR_DOMAIN_EVENT_ID_BLOCK_JOB, testUUID,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB, &msg) != 1 ||
        vbRPCServerEmitDomainEvent(env.srv, VIR_DOMAIN_EVENT_ID_BLOCK_JOB, testUUID,
                                   VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB, &legacyMsg) != 1)
        goto cleanup;
    if (!(pkt = testRecvPacket(fd, &eof)) ||
        vbRPCPacketParse(pkt->data, pkt->len, &hdr, &payload, &len) < 0 ||
        hdr.proc != VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB || len < 4 ||
        memcmp(payload, "\x00\x00\x00\x01", 4) != 0)
        goto cleanup;
    if (!(pkt2 = testRecvPacket(fd, &eof)) ||
        vbRPCPacketParse(pkt2->data, pkt2->len, &hdr, &payload, &len) < 0 ||
        hdr.proc != VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB)
        goto cleanup;

    /* deregistering what was never registered is an error */
    if (testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                 4, &(vbRemoteConnectDomainEventCallbackDeregisterAnyArgs){5}) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, 4, NULL, &err) <
            0 ||
        testExpectError(g_steal_pointer(&err), VIR_ERR_INVALID_ARG,
                        "invalid argument: domain event callback 5 not registered") < 0)
        goto cleanup;
    rc = 0;

cleanup:
    vbRemoteDomainClear(&filter);
    vbRemotePayloadClear(vbRemoteProcLookup(VB_REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB)->args,
                         &msg);
    vbRemotePayloadClear(vbRemoteProcLookup(VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB)->args,
                         &legacyMsg);
    return rc;
}

/* One QEMU_PROGRAM monitor call on @fd: 0 with *result or *err set */
static int
testQemuCall(int fd, int proc, uint32_t serial, const char *cmd, unsigned int flags, char **result,
             vbError **err)
{
    vbQemuDomainMonitorCommandArgs args = {{0}, (char *) cmd, flags};
    vbQemuDomainMonitorCommandRet ret = {0};
    int rc;

    testFillDomain(&args.dom);
    rc = testCall(fd, VB_QEMU_PROGRAM, proc, serial, &args);
    vbRemoteDomainClear(&args.dom);
    if (rc < 0 || testReplyProg(fd, VB_QEMU_PROGRAM, proc, serial, &ret, err) < 0) {
        g_free(ret.result);
        return -1;
    }
    *result = ret.result;
    return 0;
}

/* QEMU_PROGRAM: its own procedure numbers and handlers, replies that
 * name it (testReplyProg checks the header) */
static int
testRawQemuMonitorCommand(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    g_autofree char *qmp = NULL;
    g_autofree char *hmp = NULL;
    g_autoptr(vbError) err = NULL;

    if (fd < 0 || testOpen(fd, "qemu:///system") < 0)
        return -1;
    if (testQemuCall(fd, VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND, 2, "{\"execute\":\"query-status\"}",
                     0, &qmp, &err) < 0 ||
        err || vbTestCompareStrings("vm1 got '{\"execute\":\"query-status\"}' flags=0", qmp) < 0)
        return -1;
    if (testQemuCall(fd, VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES, 3, "info block",
                     VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP, &hmp, &err) < 0 ||
        err || vbTestCompareStrings("vm1 got 'info block' flags=1", hmp) < 0)
        return -1;
    return 0;
}

static int
testRawQemuUnknown(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    VB_AUTOCLOSE int sfd = testConnect(env.smallPath);
    vbRPCHeader v2 = {VB_QEMU_PROGRAM, 2, 1, VB_RPC_TYPE_CALL, 4, VB_RPC_STATUS_OK};
    g_autoptr(GByteArray) pkt = vbRPCPacketNew(&v2);
    g_autofree char *result = NULL;
    vbError *err = NULL;

    if (fd < 0 || sfd < 0 || testOpen(fd, "qemu:///system") < 0 || testOpen(sfd, NULL) < 0)
        return -1;
    /* QEMU_PROC_DOMAIN_ATTACH exists in libvirt, not here */
    if (testCall(fd, VB_QEMU_PROGRAM, 2, 2, NULL) < 0 ||
        testReplyProg(fd, VB_QEMU_PROGRAM, 2, 2, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_RPC, "unknown procedure: 2") < 0)
        return -1;
    if (testCall(fd, VB_QEMU_PROGRAM, 9999, 3, NULL) < 0 ||
        testReplyProg(fd, VB_QEMU_PROGRAM, 9999, 3, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_RPC, "unknown procedure: 9999") < 0)
        return -1;
    /* a version of the program we do not serve */
    if (vbRPCPacketFinish(pkt) < 0 || testSendAll(fd, pkt->data, pkt->len) < 0 ||
        testReplyProg(fd, VB_QEMU_PROGRAM, 1, 4, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_RPC, "Cannot find program 536903815 version 2") < 0)
        return -1;
    /* handlers belong to their program: a server with only REMOTE ones
     * (the small one) knows the call but has no driver for it */
    if (testQemuCall(sfd, VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND, 2, "info status", 0, &result, &err) <
        0)
        return -1;
    return testExpectError(
        err, VIR_ERR_NO_SUPPORT,
        "this function is not supported by the connection driver: virDomainQemuMonitorCommand");
}

/* libvirt files monitor commands as domain:write: refused read-only */
static int
testRawQemuReadOnly(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.roPath);
    g_autofree char *result = NULL;
    vbError *err = NULL;

    if (fd < 0 || testOpen(fd, "qemu:///system") < 0 ||
        testQemuCall(fd, VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND, 2, "info status", 0, &result, &err) <
            0)
        return -1;
    if (err && err->domain != VIR_FROM_DOMAIN)
        return -1;
    if (testExpectError(
            err, VIR_ERR_OPERATION_DENIED,
            "operation forbidden: read only access prevents virDomainQemuMonitorCommand") < 0)
        return -1;
    if (testQemuCall(fd, VB_QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES, 3, "info status", 0,
                     &result, &err) < 0)
        return -1;
    return testExpectError(
        err, VIR_ERR_OPERATION_DENIED,
        "operation forbidden: read only access prevents virDomainQemuMonitorCommandWithFiles");
}

/* VIR_CONNECT_RO on the read-write socket makes the connection read-only */
static int
testRawReadOnlyFlag(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    vbRemoteConnectOpenArgs open = {(char *) "qemu:///system", VIR_CONNECT_RO};
    vbRemoteDomainBlockCommitArgs commit = {{0}, (char *) "vda", NULL, NULL, 0, 0};
    vbError *err = NULL;
    int rc = 0;

    testFillDomain(&commit.dom);
    if (fd < 0 || testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_OPEN, 0, &open) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_OPEN, 0, NULL, &err) < 0 || err ||
        testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_DOMAIN_BLOCK_COMMIT, 1, &commit) < 0 ||
        testReply(fd, VB_REMOTE_PROC_DOMAIN_BLOCK_COMMIT, 1, NULL, &err) < 0)
        rc = -1;
    vbRemoteDomainClear(&commit.dom);
    if (rc < 0)
        return -1;
    return testExpectError(err, VIR_ERR_OPERATION_DENIED,
                           "operation forbidden: read only access prevents virDomainBlockCommit");
}

/* A CONNECT_OPEN whose URI has @namelen bytes, built by hand: our encoder
 * refuses a URI over VB_REMOTE_NAME_MAX */
static GByteArray *
testRawOpenCall(uint32_t serial, size_t namelen)
{
    vbRPCHeader hdr = {VB_REMOTE_PROGRAM,
                       VB_REMOTE_PROTOCOL_VERSION,
                       VB_REMOTE_PROC_CONNECT_OPEN,
                       VB_RPC_TYPE_CALL,
                       serial,
                       VB_RPC_STATUS_OK};
    g_autoptr(GByteArray) pkt = vbRPCPacketNew(&hdr);
    g_autofree char *name = g_strnfill(namelen, 'a');

    vbXdrEncodeUInt(pkt, 1);
    vbXdrEncodeString(pkt, name, VB_REMOTE_STRING_MAX);
    vbXdrEncodeUInt(pkt, 0);
    vbRPCPacketFinish(pkt);
    return g_steal_pointer(&pkt);
}

/* A name, a path or a URI is not 4 MiB: a call over its procedure's bound
 * is refused from its header, and the connection stays usable. */
static int
testRawOversizedFields(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.rwPath);
    g_autoptr(GByteArray) big = testRawOpenCall(1, 512 * 1024);
    g_autoptr(GByteArray) over = testRawOpenCall(2, 4097);
    g_autoptr(GByteArray) limit = testRawOpenCall(5, 4096);
    vbError *err = NULL;

    if (fd < 0 || testSendAll(fd, big->data, big->len) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_OPEN, 1, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_RPC,
                        "arguments of virConnectOpen (524300 bytes) exceed its "
                        "limit of 4111 bytes") < 0)
        return -1;
    /* one byte over */
    if (testSendAll(fd, over->data, over->len) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_OPEN, 2, NULL, &err) < 0 ||
        testExpectError(err, VIR_ERR_RPC,
                        "arguments of virConnectOpen (4112 bytes) exceed its limit "
                        "of 4111 bytes") < 0)
        return -1;
    /* still usable */
    if (testOpen(fd, NULL) < 0 || testHostname(fd, 4) < 0)
        return -1;
    /* the longest URI passes the size checks (a second open is refused) */
    if (testSendAll(fd, limit->data, limit->len) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_OPEN, 5, NULL, &err) < 0)
        return -1;
    if (err && strstr(err->message, "exceed"))
        return testExpectError(err, VIR_ERR_OPERATION_INVALID, "not a size error");
    g_clear_pointer(&err, vbErrorFree);
    return 0;
}

/* A client that never reads its events is dropped once
 * TEST_MAX_OUTPUT_MESSAGES are queued; a client that reads gets them all. */
static int
testRawSlowReader(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int slow = testConnect(env.slowPath);
    VB_AUTOCLOSE int good = testConnect(env.slowPath);
    vbRemoteConnectDomainEventCallbackRegisterAnyArgs reg = {VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, NULL};
    vbRemoteConnectDomainEventCallbackRegisterAnyRet regRet = {0};
    vbRemoteDomainEventBlockJob2Msg msg = {0};
    const vbRemoteProc *info = vbRemoteProcLookup(VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2);
    struct timeval tv = {10, 0};
    g_autoptr(vbError) err = NULL;
    size_t slowGot = 0;
    size_t round;
    size_t i;
    bool eof = false;
    int rc = -1;

    if (slow < 0 || good < 0 || testOpen(slow, NULL) < 0 || testOpen(good, NULL) < 0)
        return -1;
    if (testCall(slow, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                 2, &reg) < 0 ||
        testReply(slow, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 2, &regRet,
                  &err) < 0 ||
        err ||
        testCall(good, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                 2, &reg) < 0 ||
        testReply(good, VB_REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 2, &regRet,
                  &err) < 0 ||
        err)
        return -1;

    testFillDomain(&msg.dom);
    msg.dst = g_strdup("vda");
    msg.type = VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT;
    msg.status = VIR_DOMAIN_BLOCK_JOB_READY;
    /* far more than the kernel's socket buffers hold */
    for (round = 0; round < 1000; round++) {
        for (i = 0; i < 20; i++) {
            if (vbRPCServerEmitDomainEvent(env.slow, VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, testUUID,
                                           VB_REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2, &msg) < 1)
                goto cleanup;
        }
        for (i = 0; i < 20; i++) {
            g_autoptr(GByteArray) pkt = testRecvPacket(good, &eof);

            if (!pkt) {
                fprintf(stderr, "the reading client lost event %zu of round %zu\n", i, round);
                goto cleanup;
            }
        }
    }
    /* the slow client: what the kernel held, then the end */
    setsockopt(slow, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    for (;;) {
        g_autoptr(GByteArray) pkt = testRecvPacket(slow, &eof);

        if (!pkt)
            break;
        slowGot++;
    }
    if (!eof || slowGot >= 1000 * 20) {
        fprintf(stderr, "the slow reader was not dropped (%zu events, eof %d)\n", slowGot, eof);
        goto cleanup;
    }
    /* the reading client is still served */
    if (testHostname(good, 3) < 0)
        goto cleanup;
    rc = 0;

cleanup:
    vbRemotePayloadClear(info->args, &msg);
    return rc;
}

static int
testRawMaxClients(const void *opaque G_GNUC_UNUSED)
{
    int fds[TEST_MAX_CLIENTS + 1];
    g_autoptr(GByteArray) pkt = NULL;
    bool eof;
    size_t i;
    int rc = -1;

    for (i = 0; i < G_N_ELEMENTS(fds); i++)
        fds[i] = -1;
    /* a round trip on each proves the server has taken it */
    for (i = 0; i < TEST_MAX_CLIENTS; i++) {
        if ((fds[i] = testConnect(env.smallPath)) < 0 || testOpen(fds[i], NULL) < 0)
            goto cleanup;
    }
    if (vbRPCServerClientCount(env.small) != TEST_MAX_CLIENTS)
        goto cleanup;
    /* one too many: accepted by the kernel, closed by the server (which
     * may happen before our call is sent) */
    if ((fds[TEST_MAX_CLIENTS] = testConnect(env.smallPath)) < 0)
        goto cleanup;
    (void) testCall(fds[TEST_MAX_CLIENTS], VB_REMOTE_PROGRAM, VB_REMOTE_PROC_AUTH_LIST, 0, NULL);
    pkt = testRecvPacket(fds[TEST_MAX_CLIENTS], &eof);
    if (pkt || !eof)
        goto cleanup;
    rc = 0;

cleanup:
    for (i = 0; i < G_N_ELEMENTS(fds); i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    return rc;
}

/* A client that asked for keepalive gets our PINGs when silent, and is
 * dropped when it does not answer them.  Timing is the subject here. */
static int
testRawServerKeepalive(const void *opaque G_GNUC_UNUSED)
{
    VB_AUTOCLOSE int fd = testConnect(env.kaPath);
    vbRemoteConnectSupportsFeatureArgs probe = {10};
    vbRemoteConnectSupportsFeatureRet supported = {0};
    g_autoptr(GByteArray) ping = NULL;
    g_autoptr(GByteArray) end = NULL;
    g_autoptr(vbError) err = NULL;
    vbRPCHeader hdr;
    const uint8_t *payload;
    size_t len;
    bool eof;

    if (fd < 0 || testOpen(fd, NULL) < 0 ||
        testCall(fd, VB_REMOTE_PROGRAM, VB_REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, 2, &probe) < 0 ||
        testReply(fd, VB_REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, 2, &supported, &err) < 0 || err ||
        supported.supported != 1)
        return -1;
    if (!(ping = testRecvPacket(fd, &eof)) ||
        vbRPCPacketParse(ping->data, ping->len, &hdr, &payload, &len) < 0 ||
        hdr.prog != VB_KEEPALIVE_PROGRAM || hdr.proc != VB_KEEPALIVE_PROC_PING ||
        hdr.type != VB_RPC_TYPE_MESSAGE || len != 0)
        return -1;
    /* no PONG from us: the server gives up on this client */
    end = testRecvPacket(fd, &eof);
    return !end && eof ? 0 : -1;
}

static int
testListenerChecks(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(GMainContext) ctx = g_main_context_new();
    g_autoptr(vbRPCServer) srv = vbRPCServerNew(ctx, NULL, NULL);
    g_autofree char *stale = g_build_filename(env.dir, "stale.sock", NULL);
    g_autofree char *file = g_build_filename(env.dir, "regular", NULL);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    g_autofree char *expect = NULL;
    struct stat sb;
    int fd;

    /* a socket file left by a dead daemon is replaced */
    g_strlcpy(addr.sun_path, stale, sizeof(addr.sun_path));
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
        bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
        return -1;
    close(fd);
    if (vbRPCServerAddListener(srv, stale, false) < 0)
        return -1;
    if (stat(stale, &sb) < 0 || (sb.st_mode & 0777) != 0600)
        return -1;
    if (stat(env.roPath, &sb) < 0 || (sb.st_mode & 0777) != 0666)
        return -1;

    /* one a live daemon listens on is not */
    if (vbRPCServerAddListener(srv, env.rwPath, false) == 0)
        return -1;
    expect = g_strdup_printf("Requested operation is not valid: another daemon is already "
                             "listening on '%s'",
                             env.rwPath);
    if (vbTestCompareStrings(expect, vbGetLastErrorMessage()) < 0)
        return -1;

    /* nor is a file that is not a socket */
    if (!g_file_set_contents(file, "data", -1, NULL))
        return -1;
    if (vbRPCServerAddListener(srv, file, false) == 0 || !g_file_test(file, G_FILE_TEST_EXISTS))
        return -1;
    return 0;
}

/* ---- stock clients ---- */

static int
testRun(const char *const *argv, char **out, char **err, int *status)
{
    g_autoptr(GError) gerr = NULL;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, status,
                      &gerr)) {
        fprintf(stderr, "cannot run %s: %s\n", argv[0], gerr->message);
        return -1;
    }
    if (vbTestDebug())
        fprintf(stderr, "     %s: status %d\n     out: %s     err: %s\n", argv[0], *status, *out,
                *err);
    return 0;
}

typedef struct {
    const char *command;
    const char *expectOut; /* NULL: expect a failure */
    const char *expectErr;
} testVirsh;

static int
testVirshRun(const void *opaque)
{
    const testVirsh *data = opaque;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *expectOut = NULL;
    const char *argv[] = {TEST_VIRSH, "-q", "-c", env.uri, data->command, NULL, NULL};
    int status;

    if (g_str_equal(data->command, "dominfo"))
        argv[5] = "nosuch";
    if (testRun(argv, &out, &err, &status) < 0)
        return -1;
    if (!data->expectOut) {
        if (g_spawn_check_wait_status(status, NULL))
            return -1;
        return strstr(err, data->expectErr) ? 0 : vbTestCompareStrings(data->expectErr, err);
    }
    if (!g_spawn_check_wait_status(status, NULL))
        return -1;
    if (g_str_equal(data->expectOut, "@HOSTNAME@"))
        expectOut = g_strdup_printf("%s\n", g_get_host_name());
    else if (g_str_equal(data->expectOut, "@URI@"))
        expectOut = g_strdup_printf("%s\n", env.uri);
    else
        expectOut = g_strdup(data->expectOut);
    return vbTestCompareStrings(expectOut, out);
}

static const testVirsh testVirshCases[] = {
    /* virsh prints the URI it was given: proof the open sequence passed */
    {"uri", "@URI@", NULL},
    {"version",
     "Compiled against library: libvirt 9.0.0\n"
     "Using library: libvirt 9.0.0\n"
     "Using API: QEMU 9.0.0\n"
     "Running hypervisor: QEMU 7.2.0\n",
     NULL},
    {"hostname", "@HOSTNAME@", NULL},
    /* a domain the driver says is not there */
    {"dominfo", NULL, "error: failed to get domain 'nosuch'\n"},
    /* procedures nothing handles: an error, not a hang */
    {"list", NULL, "error: "},
};

/* virsh looks the domain up over REMOTE_PROGRAM, then calls QEMU_PROGRAM */
static int
testVirshQemuMonitorCommand(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = {TEST_VIRSH,
                          "-q",
                          "-c",
                          env.uri, /* then the command */
                          "qemu-monitor-command",
                          "vm1",
                          "--hmp",
                          "info status",
                          NULL};
    int status;

    if (testRun(argv, &out, &err, &status) < 0)
        return -1;
    if (!g_spawn_check_wait_status(status, NULL)) {
        fprintf(stderr, "virsh failed: %s\n", err);
        return -1;
    }
    return vbTestCompareStrings("vm1 got 'info status' flags=1\n", out);
}

static int
testPython(const char *script, const char *uri, const char *expect)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = {TEST_PYTHON, "-c", script, uri, NULL};
    int status;

    if (testRun(argv, &out, &err, &status) < 0)
        return -1;
    if (!g_spawn_check_wait_status(status, NULL)) {
        fprintf(stderr, "python failed: %s\n", err);
        return -1;
    }
    return vbTestCompareStrings(expect, out);
}

static int
testPythonBasics(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *expect = g_strdup_printf("9000000 %s QEMU 7002000\n", g_get_host_name());

    return testPython("import sys, libvirt\n"
                      "c = libvirt.open(sys.argv[1])\n"
                      "print(c.getLibVersion(), c.getHostname(), c.getType(), c.getVersion())\n",
                      env.uri, expect);
}

static int
testPythonReadOnly(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *expect =
        g_strdup_printf("%d operation forbidden: read only access prevents virDomainBlockCommit\n",
                        VIR_ERR_OPERATION_DENIED);

    return testPython("import sys, libvirt\n"
                      "c = libvirt.open(sys.argv[1])\n"
                      "d = c.lookupByName('vm1')\n"
                      "try:\n"
                      "    d.blockCommit('vda', None, None)\n"
                      "except libvirt.libvirtError as e:\n"
                      "    print(e.get_error_code(), e.get_error_message())\n",
                      env.roUri, expect);
}

/* Client keepalive every second, 2 misses allowed: the connection lives
 * through 5 idle seconds and a 4-second call only if we answer PINGs. */
static int
testPythonKeepalive(const void *opaque G_GNUC_UNUSED)
{
    return testPython("import sys, time, threading, libvirt\n"
                      "libvirt.virEventRegisterDefaultImpl()\n"
                      "def loop():\n"
                      "    while True:\n"
                      "        libvirt.virEventRunDefaultImpl()\n"
                      "threading.Thread(target=loop, daemon=True).start()\n"
                      "c = libvirt.open(sys.argv[1])\n"
                      "c.setKeepAlive(1, 2)\n"
                      "time.sleep(5)\n"
                      "alive = c.isAlive()\n"
                      "state = c.lookupByName('vm1').state()\n"
                      "print(alive, c.isAlive(), state)\n",
                      env.uri, "1 1 [1, 1]\n");
}

static int
testPythonEvent(const void *opaque G_GNUC_UNUSED)
{
    return testPython("import sys, threading, libvirt\n"
                      "libvirt.virEventRegisterDefaultImpl()\n"
                      "def loop():\n"
                      "    while True:\n"
                      "        libvirt.virEventRunDefaultImpl()\n"
                      "threading.Thread(target=loop, daemon=True).start()\n"
                      "got = threading.Event()\n"
                      "def cb(conn, dom, disk, typ, status, opaque):\n"
                      "    print(dom.name(), disk, typ, status)\n"
                      "    got.set()\n"
                      "c = libvirt.open(sys.argv[1])\n"
                      "c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2,"
                      " cb, None)\n"
                      "c.lookupByName('vm1').blockCommit('vda', None, None)\n"
                      "print(got.wait(30))\n",
                      env.uri, "vm1 vda 3 0\nTrue\n");
}

/* qemuMonitorCommandWithFiles asks for returned files, which needs the
 * FD_PASSING feature we do not claim: the client library refuses it
 * before sending (C callers passing no files reach procedure 7). */
static int
testPythonQemuMonitorCommand(const void *opaque G_GNUC_UNUSED)
{
    return testPython("import sys, libvirt, libvirt_qemu\n"
                      "c = libvirt.open(sys.argv[1])\n"
                      "d = c.lookupByName('vm1')\n"
                      "print(libvirt_qemu.qemuMonitorCommand(d, '{\"execute\":\"query-status\"}',"
                      " 0))\n"
                      "print(libvirt_qemu.qemuMonitorCommand(d, 'info block',"
                      " libvirt_qemu.VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP))\n"
                      "try:\n"
                      "    libvirt_qemu.qemuMonitorCommandWithFiles(d, 'info status')\n"
                      "except libvirt.libvirtError as e:\n"
                      "    print(e.get_error_message())\n",
                      env.uri,
                      "vm1 got '{\"execute\":\"query-status\"}' flags=0\n"
                      "vm1 got 'info block' flags=1\n"
                      "argument unsupported: fd passing is not supported by this connection\n");
}

/* The client library does not know the socket is read-only: our check */
static int
testPythonQemuReadOnly(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *expect = g_strdup_printf(
        "%d operation forbidden: read only access prevents virDomainQemuMonitorCommand\n",
        VIR_ERR_OPERATION_DENIED);

    return testPython("import sys, libvirt, libvirt_qemu\n"
                      "c = libvirt.open(sys.argv[1])\n"
                      "d = c.lookupByName('vm1')\n"
                      "try:\n"
                      "    libvirt_qemu.qemuMonitorCommand(d, 'info status', 1)\n"
                      "except libvirt.libvirtError as e:\n"
                      "    print(e.get_error_code(), e.get_error_message())\n",
                      env.roUri, expect);
}

static bool
testHaveClients(void)
{
    const char *argv[] = {TEST_PYTHON, "-c", "import libvirt", NULL};
    int status;

    if (!g_file_test(TEST_VIRSH, G_FILE_TEST_IS_EXECUTABLE))
        return false;
    if (!g_spawn_sync(NULL, (char **) argv, NULL,
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                      NULL, &status, NULL))
        return false;
    return g_spawn_check_wait_status(status, NULL);
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;

    if (!testHaveClients()) {
        fprintf(stderr, "skipped: needs %s and python3-libvirt\n", TEST_VIRSH);
        exit(77);
    }
    if (testServerStart() < 0) {
        fprintf(stderr, "cannot start the server: %s\n", vbGetLastErrorMessage());
        testServerStop();
        return -1;
    }

    if (vbTestRun("raw: call before CONNECT_OPEN", testRawBeforeOpen, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: unknown program", testRawUnknownProgram, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: unknown and unhandled procedures", testRawUnknownProcedure, NULL) < 0 ||
        vbTestRun("raw: an unserved procedure before open", testRawUnservedBeforeOpen, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: undecodable arguments", testRawBadArgs, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: stream data both ways, finish", testRawStreamFinish, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: stream end of file, abort", testRawStreamEOFAbort, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: stream taken over", testRawStreamTakenOver, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: stream of a failed call, client hang-up", testRawStreamFailAndHangup,
                  NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: stream of a client gone during the open", testRawStreamClientGoneDuringOpen,
                  NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: stream flow control", testRawStreamFlowControl, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: PING gets PONG", testRawKeepalive, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(testBadLengths); i++) {
        g_autofree char *name =
            g_strdup_printf("raw: length %s drops the client", testBadLengths[i].name);

        if (vbTestRun(name, testRawBadLength, &testBadLengths[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("raw: pipelined calls", testRawPipelined, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: read-only socket", testRawReadOnly, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: event to a registration, then CONNECT_CLOSE", testRawEventsAndClose, NULL) <
        0)
        ret = -1;
    if (vbTestRun("raw: event domain filter, legacy events", testRawEventFilterAndLegacy, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: VIR_CONNECT_RO on the read-write socket", testRawReadOnlyFlag, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: QEMU_PROGRAM monitor commands", testRawQemuMonitorCommand, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: QEMU_PROGRAM unknown procedures, version, handlers", testRawQemuUnknown,
                  NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: QEMU_PROGRAM refused read-only", testRawQemuReadOnly, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: client limit", testRawMaxClients, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: oversized names and URIs", testRawOversizedFields, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: a client that never reads its events", testRawSlowReader, NULL) < 0)
        ret = -1;
    if (vbTestRun("raw: server keepalive PINGs, then drops a silent client", testRawServerKeepalive,
                  NULL) < 0)
        ret = -1;
    if (vbTestRun("listener: stale, live and foreign files", testListenerChecks, NULL) < 0)
        ret = -1;
    for (i = 0; i < G_N_ELEMENTS(testVirshCases); i++) {
        g_autofree char *name = g_strdup_printf("virsh %s", testVirshCases[i].command);

        if (vbTestRun(name, testVirshRun, &testVirshCases[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("virsh qemu-monitor-command --hmp", testVirshQemuMonitorCommand, NULL) < 0)
        ret = -1;
    if (vbTestRun("python: connection calls", testPythonBasics, NULL) < 0)
        ret = -1;
    if (vbTestRun("python: libvirt_qemu.qemuMonitorCommand", testPythonQemuMonitorCommand, NULL) <
        0)
        ret = -1;
    if (vbTestRun("python: QEMU monitor command refused read-only", testPythonQemuReadOnly, NULL) <
        0)
        ret = -1;
    if (vbTestRun("python: read-only denial", testPythonReadOnly, NULL) < 0)
        ret = -1;
    if (vbTestRun("python: keepalive through idle time and a slow call", testPythonKeepalive,
                  NULL) < 0)
        ret = -1;
    if (vbTestRun("python: block job event reaches the callback", testPythonEvent, NULL) < 0)
        ret = -1;

    testServerStop();
    return ret;
}

VB_TEST_MAIN(mymain)
