/*
 * rpcpackettest.c: stock virsh packets decode and re-encode byte for byte
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The captures are those of the protocol fact sheet (section 12 and the
 * examples of sections 5 and 8), recorded between virsh 9.0 and a test
 * double.
 */

#include "vbinternal.h"

#include <stdio.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vberror.h"
#include "vbremoteprotocol.h"
#include "vbrpcpacket.h"
#include "vbrpcstream.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

#define DOM_VM1 "00000003 766d3100 11111111 22223333 44445555 55555555 00000001"

static const unsigned char testUUIDvm1[VB_UUID_BUFLEN] = {
    0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
};

static GByteArray *
testParseHex(const char *hex)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();

    while (*hex) {
        unsigned int byte;

        if (*hex == ' ' || *hex == '\n') {
            hex++;
            continue;
        }
        if (sscanf(hex, "%2x", &byte) != 1)
            g_error("bad hex in test data: %s", hex);
        g_byte_array_append(buf, (guint8[]){(guint8) byte}, 1);
        hex += 2;
    }
    return g_steal_pointer(&buf);
}

static void
testDumpHex(const char *what, const GByteArray *buf)
{
    size_t i;

    if (!vbTestDebug())
        return;
    fprintf(stderr, "%s:", what);
    for (i = 0; i < buf->len; i++)
        fprintf(stderr, "%s%02x", i % 4 ? "" : " ", buf->data[i]);
    fprintf(stderr, "\n");
}

typedef int (*testCheckFunc)(const vbRPCHeader *hdr, const void *payload);

typedef struct {
    const char *name;
    const char *hex;
    testCheckFunc check; /* values the decoded payload must hold; may be NULL */
} testCapture;

static int
testCheckDomVM1(const vbRemoteDomain *dom)
{
    if (g_strcmp0(dom->name, "vm1") != 0 || dom->id != 1 ||
        memcmp(dom->uuid, testUUIDvm1, VB_UUID_BUFLEN) != 0)
        return -1;
    return 0;
}

static int
testCheckAuthList(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteAuthListRet *ret = payload;

    if (hdr->type != VB_RPC_TYPE_REPLY || ret->ntypes != 1 || ret->types[0] != VB_REMOTE_AUTH_NONE)
        return -1;
    return 0;
}

static int
testCheckFeature10(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteConnectSupportsFeatureArgs *args = payload;

    return hdr->serial == 1 && args->feature == 10 ? 0 : -1;
}

static int
testCheckOpen(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteConnectOpenArgs *args = payload;

    if (hdr->serial != 2 || g_strcmp0(args->name, "qemu:///system") != 0 || args->flags != 0)
        return -1;
    return 0;
}

static int
testCheckRegister(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteConnectDomainEventCallbackRegisterAnyArgs *args = payload;

    if (args->eventID != 8 || !args->dom)
        return -1;
    return testCheckDomVM1(args->dom);
}

static int
testCheckCommit(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteDomainBlockCommitArgs *args = payload;

    if (g_strcmp0(args->disk, "vda") != 0 || args->base || args->top || args->bandwidth != 0 ||
        args->flags != 4)
        return -1;
    return testCheckDomVM1(&args->dom);
}

static int
testCheckJobInfoRet(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteDomainGetBlockJobInfoRet *ret = payload;

    if (ret->found != 1 || ret->type != 4 || ret->bandwidth != 0 || ret->cur != 1ULL << 30 ||
        ret->end != 1ULL << 30)
        return -1;
    return 0;
}

static int
testCheckAbort(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteDomainBlockJobAbortArgs *args = payload;

    if (g_strcmp0(args->path, "vda") != 0 || args->flags != 2)
        return -1;
    return testCheckDomVM1(&args->dom);
}

static int
testCheckBlockJob2(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteDomainEventBlockJob2Msg *msg = payload;

    if (hdr->type != VB_RPC_TYPE_MESSAGE || msg->callbackID != 2 ||
        g_strcmp0(msg->dst, "vda") != 0 || msg->type != 4 || msg->status != 3)
        return -1;
    return testCheckDomVM1(&msg->dom);
}

static int
testCheckCallbackBlockJob(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteDomainEventCallbackBlockJobMsg *msg = payload;

    if (msg->callbackID != 1 || g_strcmp0(msg->path, "/var/lib/images/top.qcow2") != 0 ||
        msg->type != 4 || msg->status != 3)
        return -1;
    return testCheckDomVM1(&msg->dom);
}

static int
testCheckQemuMonitorCommand(const vbRPCHeader *hdr, const void *payload)
{
    const vbQemuDomainMonitorCommandArgs *args = payload;

    if (hdr->prog != VB_QEMU_PROGRAM || g_strcmp0(args->cmd, "info status") != 0 ||
        args->flags != 1)
        return -1;
    return testCheckDomVM1(&args->dom);
}

static int
testCheckQemuMonitorCommandRet(const vbRPCHeader *hdr, const void *payload)
{
    const vbQemuDomainMonitorCommandRet *ret = payload;

    if (hdr->prog != VB_QEMU_PROGRAM || hdr->type != VB_RPC_TYPE_REPLY)
        return -1;
    return vbTestCompareStrings("VM status: running\r\n", ret->result);
}

static int
testCheckAbortError(const vbRPCHeader *hdr, const void *payload)
{
    const vbError *err = payload;

    if (err->code != VIR_ERR_OPERATION_INVALID || err->domain != VIR_FROM_QEMU ||
        err->level != VIR_ERR_ERROR)
        return -1;
    return vbTestCompareStrings(
        "Requested operation is not valid: disk 'vda' does not have an active block job",
        err->message);
}

static int
testCheckOpenConsole(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteDomainOpenConsoleArgs *args = payload;

    if (hdr->serial != 8 || args->devName || args->flags != 0)
        return -1;
    return testCheckDomVM1(&args->dom);
}

static int
testCheckOpenConsoleForce(const vbRPCHeader *hdr, const void *payload)
{
    const vbRemoteDomainOpenConsoleArgs *args = payload;

    if (g_strcmp0(args->devName, "serial0") != 0 ||
        args->flags != (VIR_DOMAIN_CONSOLE_FORCE | VIR_DOMAIN_CONSOLE_SAFE))
        return -1;
    return testCheckDomVM1(&args->dom);
}

static const testCapture testCaptures[] = {
    {"C>S AUTH_LIST", "0000001c 20008086 00000001 00000042 00000000 00000000 00000000", NULL},
    {"S>C AUTH_LIST reply [NONE]",
     "00000024 20008086 00000001 00000042 00000001 00000000 00000000 00000001 00000000",
     testCheckAuthList},
    {"C>S SUPPORTS_FEATURE(10)",
     "00000020 20008086 00000001 0000003c 00000000 00000001 00000000 0000000a", testCheckFeature10},
    {"S>C SUPPORTS_FEATURE reply 1",
     "00000020 20008086 00000001 0000003c 00000001 00000001 00000000 00000001", NULL},
    {"C>S CONNECT_OPEN qemu:///system",
     "00000038 20008086 00000001 00000001 00000000 00000002 00000000"
     "00000001 0000000e 71656d75 3a2f2f2f 73797374 656d0000 00000000",
     testCheckOpen},
    {"S>C CONNECT_OPEN reply", "0000001c 20008086 00000001 00000001 00000001 00000002 00000000",
     NULL},
    {"C>S CALLBACK_REGISTER_ANY(8, vm1)",
     "00000040 20008086 00000001 0000013c 00000000 00000007 00000000"
     "00000008 00000001 " DOM_VM1,
     testCheckRegister},
    {"S>C CALLBACK_REGISTER_ANY reply 1",
     "00000020 20008086 00000001 0000013c 00000001 00000007 00000000 00000001", NULL},
    {"C>S BLOCK_COMMIT vda ACTIVE",
     "00000054 20008086 00000001 00000122 00000000 00000009 00000000 " DOM_VM1
     " 00000003 76646100 00000000 00000000 00000000 00000000 00000004",
     testCheckCommit},
    {"C>S GET_BLOCK_JOB_INFO vda",
     "00000044 20008086 00000001 000000ee 00000000 0000000a 00000000 " DOM_VM1
     " 00000003 76646100 00000000",
     NULL},
    {"S>C GET_BLOCK_JOB_INFO reply",
     "0000003c 20008086 00000001 000000ee 00000001 0000000d 00000000"
     "00000001 00000004 00000000 00000000 00000000 40000000 00000000 40000000",
     testCheckJobInfoRet},
    /* the sheet elides vers/type/serial/status here; CALL, serial 14 */
    {"C>S BLOCK_JOB_ABORT vda PIVOT",
     "00000044 20008086 00000001 000000ed 00000000 0000000e 00000000 " DOM_VM1
     " 00000003 76646100 00000002",
     testCheckAbort},
    /* section 5; the sheet elides the message, whose 78 bytes fit this text */
    {"S>C BLOCK_JOB_ABORT error reply",
     "0000009c 20008086 00000001 000000ed 00000001 00000007 00000001"
     "00000037 0000000a 00000001 0000004e"
     "52657175 65737465 64206f70 65726174 696f6e20 6973206e 6f742076 616c6964"
     "3a206469 736b2027 76646127 20646f65 73206e6f 74206861 76652061 6e206163"
     "74697665 20626c6f 636b206a 6f620000"
     "00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000",
     testCheckAbortError},
    {"C>S KEEPALIVE PING", "0000001c 6b656570 00000001 00000001 00000002 00000000 00000000", NULL},
    {"S>C KEEPALIVE PONG", "0000001c 6b656570 00000001 00000002 00000002 00000000 00000000", NULL},
    {"S>C BLOCK_JOB_2 event READY",
     "0000004c 20008086 00000001 00000153 00000002 00000000 00000000"
     "00000002 " DOM_VM1 " 00000003 76646100 00000004 00000003",
     testCheckBlockJob2},
    {"S>C CALLBACK_BLOCK_JOB event READY",
     "00000064 20008086 00000001 00000146 00000002 00000000 00000000"
     "00000001 " DOM_VM1 " 00000019 2f766172 2f6c6962 2f696d61 6765732f 746f702e 71636f77 32000000"
     "00000004 00000003",
     testCheckCallbackBlockJob},
    /* virsh qemu-monitor-command vm1 --hmp 'info status': LOOKUP_BY_NAME,
     * then QEMU_PROGRAM procedure 1 */
    {"C>S QEMU DOMAIN_MONITOR_COMMAND --hmp 'info status'",
     "0000004c 20008087 00000001 00000001 00000000 00000007 00000000 " DOM_VM1
     " 0000000b 696e666f 20737461 74757300 00000001",
     testCheckQemuMonitorCommand},
    /* the reply text as QEMU 7.2 prints it */
    {"S>C QEMU DOMAIN_MONITOR_COMMAND reply",
     "00000034 20008087 00000001 00000001 00000001 00000007 00000000"
     "00000014 564d2073 74617475 733a2072 756e6e69 6e670d0a",
     testCheckQemuMonitorCommandRet},
    /* virDomainQemuMonitorCommandWithFiles without files: procedure 7, a
     * plain CALL */
    /* virsh console vm1 (the UUID replaced by the sheet's): no device
     * name, no flags; the REPLY is void, the stream follows */
    {"C>S DOMAIN_OPEN_CONSOLE",
     "00000040 20008086 00000001 000000c9 00000000 00000008 00000000 " DOM_VM1 " 00000000 00000000",
     testCheckOpenConsole},
    {"S>C DOMAIN_OPEN_CONSOLE reply",
     "0000001c 20008086 00000001 000000c9 00000001 00000008 00000000", NULL},
    /* python3-libvirt openConsole("serial0", st, FORCE | SAFE) */
    {"C>S DOMAIN_OPEN_CONSOLE serial0 FORCE|SAFE",
     "0000004c 20008086 00000001 000000c9 00000000 00000005 00000000 " DOM_VM1
     " 00000001 00000007 73657269 616c3000 00000003",
     testCheckOpenConsoleForce},
    {"C>S QEMU DOMAIN_MONITOR_COMMAND_WITH_FILES, no files",
     "0000004c 20008087 00000001 00000007 00000000 00000005 00000000 " DOM_VM1
     " 0000000b 696e666f 20737461 74757300 00000001",
     testCheckQemuMonitorCommand},
};

/* STREAM packets of a console opened with serial 8 (5 for the abort);
 * the client's are recorded from virsh console and python3-libvirt */
typedef struct {
    const char *name;
    const char *hex;
    uint32_t serial;
    vbRPCStatus status;
    const char *data; /* the raw payload */
} testStreamCapture;

static const testStreamCapture testStreamCaptures[] = {
    {"S>C STREAM data '~'", "0000001d 20008086 00000001 000000c9 00000003 00000008 00000002 7e", 8,
     VB_RPC_STATUS_CONTINUE, "~"},
    {"C>S STREAM data 'a' (typed)",
     "0000001d 20008086 00000001 000000c9 00000003 00000008 00000002 61", 8, VB_RPC_STATUS_CONTINUE,
     "a"},
    {"C>S STREAM finish (Ctrl+])", "0000001c 20008086 00000001 000000c9 00000003 00000008 00000000",
     8, VB_RPC_STATUS_OK, ""},
    {"S>C STREAM finish confirmed",
     "0000001c 20008086 00000001 000000c9 00000003 00000008 00000000", 8, VB_RPC_STATUS_OK, ""},
    {"C>S STREAM abort", "0000001c 20008086 00000001 000000c9 00000003 00000005 00000001", 5,
     VB_RPC_STATUS_ERROR, ""},
    {"S>C STREAM end of file (empty CONTINUE)",
     "0000001c 20008086 00000001 000000c9 00000003 00000008 00000002", 8, VB_RPC_STATUS_CONTINUE,
     ""},
};

/* The packet decodes to the stream's header and raw data, and the
 * server's builder writes it byte for byte */
static int
testStreamCaptureRoundTrip(const void *opaque)
{
    const testStreamCapture *data = opaque;
    g_autoptr(GByteArray) in = testParseHex(data->hex);
    g_autoptr(GByteArray) out = NULL;
    vbRPCHeader call = {VB_REMOTE_PROGRAM,
                        VB_REMOTE_PROTOCOL_VERSION,
                        VB_REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
                        VB_RPC_TYPE_CALL,
                        data->serial,
                        VB_RPC_STATUS_OK};
    const uint8_t *payload;
    size_t payloadLen;
    vbRPCHeader hdr;

    if (vbRPCPacketParse(in->data, in->len, &hdr, &payload, &payloadLen) < 0)
        return -1;
    if (hdr.type != VB_RPC_TYPE_STREAM || hdr.status != data->status ||
        hdr.serial != data->serial || payloadLen != strlen(data->data) ||
        memcmp(payload, data->data, payloadLen) != 0)
        return -1;
    if (!(out = vbRPCStreamPacketNew(&call, data->status, (const uint8_t *) data->data,
                                     strlen(data->data))))
        return -1;
    if (out->len != in->len || memcmp(out->data, in->data, in->len) != 0) {
        testDumpHex("expected", in);
        testDumpHex("actual  ", out);
        return -1;
    }
    return 0;
}

/* The payload type a packet carries, by program, type and status */
static int
testPayloadType(const vbRPCHeader *hdr, const vbRemoteType **type, bool *isError)
{
    const vbRemoteProgram *program;
    const vbRemoteProc *proc;

    *isError = false;
    *type = NULL;
    if (hdr->prog == VB_KEEPALIVE_PROGRAM)
        return 0;
    if (!(program = vbRemoteProgramLookup(hdr->prog, hdr->vers)) ||
        !(proc = vbRemoteProgramProcLookup(program, hdr->proc)))
        return -1;
    if (hdr->type == VB_RPC_TYPE_REPLY && hdr->status == VB_RPC_STATUS_ERROR)
        *isError = true;
    else if (hdr->type == VB_RPC_TYPE_REPLY)
        *type = proc->ret;
    else
        *type = proc->args;
    return 0;
}

static int
testCaptureRoundTrip(const void *opaque)
{
    const testCapture *data = opaque;
    g_autoptr(GByteArray) in = testParseHex(data->hex);
    g_autoptr(GByteArray) out = NULL;
    g_autoptr(vbError) err = NULL;
    const vbRemoteType *type;
    const uint8_t *payload;
    size_t payloadLen;
    vbRPCHeader hdr;
    bool isError;
    void *obj = NULL;
    int ret = -1;

    if (vbRPCPacketParse(in->data, in->len, &hdr, &payload, &payloadLen) < 0)
        return -1;
    if (testPayloadType(&hdr, &type, &isError) < 0)
        return -1;

    out = vbRPCPacketNew(&hdr);
    if (isError) {
        vbXdrDecoder dec;

        vbXdrDecoderInit(&dec, payload, payloadLen);
        if (vbRPCErrorDecode(&dec, &err) < 0 || vbXdrDecoderFinish(&dec) < 0)
            return -1;
        if (vbRPCErrorEncode(out, err) < 0)
            return -1;
        obj = err;
    } else {
        obj = vbRemotePayloadNew(type);
        if (vbRemotePayloadDecode(type, payload, payloadLen, obj) < 0)
            goto cleanup;
        if (vbRemotePayloadEncode(type, obj, out) < 0)
            goto cleanup;
    }
    if (vbRPCPacketFinish(out) < 0)
        goto cleanup;

    if (out->len != in->len || memcmp(out->data, in->data, in->len) != 0) {
        testDumpHex("expected", in);
        testDumpHex("actual  ", out);
        goto cleanup;
    }
    if (data->check && data->check(&hdr, obj) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    if (!isError)
        vbRemotePayloadFree(type, obj);
    return ret;
}

typedef struct {
    const char *name;
    const char *hex; /* whole packet, length word included */
} testBadPacket;

static const testBadPacket testBadPackets[] = {
    {"three bytes", "000000"},
    {"length below header", "0000001b 20008086 00000001 00000042 00000000 00000000 000000"},
    {"length zero", "00000000"},
    {"length over 16 MiB + 4", "01000005 20008086 00000001 00000042 00000000 00000000 00000000"},
    {"length disagrees with data",
     "00000020 20008086 00000001 00000042 00000000 00000000 00000000"},
    {"header truncated", "0000001c 20008086 00000001"},
    {"unknown message type 7", "0000001c 20008086 00000001 00000042 00000007 00000000 00000000"},
    {"unknown status 3", "0000001c 20008086 00000001 00000042 00000000 00000000 00000003"},
    {"CONNECT_OPEN optional discriminant 2",
     "00000038 20008086 00000001 00000001 00000000 00000002 00000000"
     "00000002 0000000e 71656d75 3a2f2f2f 73797374 656d0000 00000000"},
    {"CONNECT_OPEN non-zero pad", "00000038 20008086 00000001 00000001 00000000 00000002 00000000"
                                  "00000001 0000000e 71656d75 3a2f2f2f 73797374 656d0001 00000000"},
    {"CONNECT_OPEN NUL in name", "00000038 20008086 00000001 00000001 00000000 00000002 00000000"
                                 "00000001 0000000e 71656d00 3a2f2f2f 73797374 656d0000 00000000"},
    {"CONNECT_OPEN string longer than packet",
     "00000038 20008086 00000001 00000001 00000000 00000002 00000000"
     "00000001 0000ffff 71656d75 3a2f2f2f 73797374 656d0000 00000000"},
    {"BLOCK_COMMIT without flags",
     "00000050 20008086 00000001 00000122 00000000 00000009 00000000 " DOM_VM1
     " 00000003 76646100 00000000 00000000 00000000 00000000"},
    {"GET_BLOCK_JOB_INFO trailing bytes",
     "00000048 20008086 00000001 000000ee 00000000 0000000a 00000000 " DOM_VM1
     " 00000003 76646100 00000000 00000000"},
    {"AUTH_LIST reply with 21 types",
     "00000024 20008086 00000001 00000042 00000001 00000000 00000000 00000015 00000000"},
    {"LIST_ALL_DOMAINS reply count beyond data",
     "00000024 20008086 00000001 00000111 00000001 00000000 00000000 00003fff 00000000"},
    {"QEMU DOMAIN_MONITOR_COMMAND without flags",
     "00000048 20008087 00000001 00000001 00000000 00000007 00000000 " DOM_VM1
     " 0000000b 696e666f 20737461 74757300"},
    {"QEMU DOMAIN_MONITOR_COMMAND reply string past the packet",
     "00000024 20008087 00000001 00000001 00000001 00000007 00000000 00000014 564d2073"},
    {"GET_INFO reply state over 255",
     "0000003c 20008086 00000001 00000010 00000001 00000000 00000000"
     "00000100 00000000 00000000 00000000 00000000 00000001 00000000 00000000"},
};

static int
testBadPacketRefused(const void *opaque)
{
    const testBadPacket *data = opaque;
    g_autoptr(GByteArray) in = testParseHex(data->hex);
    const vbRemoteType *type;
    const uint8_t *payload;
    size_t payloadLen;
    vbRPCHeader hdr;
    bool isError;
    void *obj;
    int rc;

    if (vbRPCPacketParse(in->data, in->len, &hdr, &payload, &payloadLen) < 0)
        goto refused;
    if (testPayloadType(&hdr, &type, &isError) < 0 || isError)
        return -1;
    obj = vbRemotePayloadNew(type);
    rc = vbRemotePayloadDecode(type, payload, payloadLen, obj);
    vbRemotePayloadFree(type, obj);
    if (rc == 0)
        return -1;

refused:
    if (vbGetLastErrorCode() != VIR_ERR_RPC)
        return -1;
    if (vbTestDebug())
        fprintf(stderr, "     refused: %s\n", vbGetLastErrorMessage());
    return 0;
}

/* A string one byte over REMOTE_STRING_MAX, with all its bytes present */
static int
testStringOverMax(const void *opaque G_GNUC_UNUSED)
{
    const vbRemoteProc *proc = vbRemoteProcLookup(VB_REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME);
    g_autoptr(GByteArray) payload = g_byte_array_new();
    g_autofree char *big = g_strnfill(VB_REMOTE_STRING_MAX + 1, 'a');
    vbRemoteDomainLookupByNameArgs args = {0};
    int rc;

    vbXdrEncodeUInt(payload, VB_REMOTE_STRING_MAX + 1);
    vbXdrEncodeFixedOpaque(payload, (const uint8_t *) big, VB_REMOTE_STRING_MAX + 1);
    rc = vbRemotePayloadDecode(proc->args, payload->data, payload->len, &args);
    vbRemotePayloadClear(proc->args, &args);
    if (rc != -1 || vbGetLastErrorCode() != VIR_ERR_RPC)
        return -1;

    /* and the encoder will not produce one either */
    args.name = g_steal_pointer(&big);
    g_byte_array_set_size(payload, 0);
    rc = vbRemotePayloadEncode(proc->args, &args, payload);
    vbRemotePayloadClear(proc->args, &args);
    return rc == -1 ? 0 : -1;
}

static int
testErrorEncoding(const void *opaque G_GNUC_UNUSED)
{
    vbError err = {VIR_ERR_RPC, VIR_FROM_RPC, VIR_ERR_ERROR, (char *) "unknown procedure: 999"};
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autoptr(GByteArray) expect = testParseHex("00000027 00000007 00000001 00000016"
                                                "756e6b6e 6f776e20 70726f63 65647572"
                                                "653a2039 39390000 00000002 00000000"
                                                "00000000 00000000 00000000 00000000"
                                                "00000000 00000000");

    if (vbRPCErrorEncode(buf, &err) < 0)
        return -1;
    if (buf->len != expect->len || memcmp(buf->data, expect->data, buf->len) != 0) {
        testDumpHex("expected", expect);
        testDumpHex("actual  ", buf);
        return -1;
    }
    return 0;
}

static int
testProcTableCheck(const vbRemoteProgram *program)
{
    size_t i;

    for (i = 0; i < program->nprocs; i++) {
        const vbRemoteProc *procs = program->procs;
        const vbRemoteProc *p = &procs[i];

        if (i > 0 && procs[i - 1].proc >= p->proc) {
            fprintf(stderr, "%s procedure table not sorted or not unique at %d %s\n", program->name,
                    p->proc, p->name);
            return -1;
        }
        if (vbRemoteProgramProcLookup(program, p->proc) != p)
            return -1;
        if (!p->name || !p->api || !g_str_has_prefix(p->api, "vir"))
            return -1;
        /* events are sent, never answered; modifying calls are calls */
        if ((p->flags & VB_REMOTE_PROC_EVENT) &&
            (p->ret || !p->args || (p->flags & VB_REMOTE_PROC_MODIFY)))
            return -1;
        /* the server stamps callbackID into the first 4 payload bytes */
        if ((p->flags & VB_REMOTE_PROC_CALLBACK) && !(p->flags & VB_REMOTE_PROC_EVENT))
            return -1;
    }
    return 0;
}

/* The generated table of libvirt 9.0's procedures is sorted, and agrees
 * with ours on every number we serve: a call names the same API, an
 * event is an event. */
static int
testProcNames(const void *opaque G_GNUC_UNUSED)
{
    size_t nprocs;
    const vbRemoteProc *procs = vbRemoteProcTable(&nprocs);
    size_t i;

    for (i = 1; i < vbRemoteProcNamesCount; i++) {
        if (vbRemoteProcNames[i - 1].proc >= vbRemoteProcNames[i].proc) {
            fprintf(stderr, "generated table not sorted at %d\n", vbRemoteProcNames[i].proc);
            return -1;
        }
    }
    for (i = 0; i < nprocs; i++) {
        const vbRemoteProcName *name = vbRemoteProcNameLookup(procs[i].proc);
        bool event = procs[i].flags & VB_REMOTE_PROC_EVENT;

        bool modify = procs[i].flags & VB_REMOTE_PROC_MODIFY;

        /* and on which calls refuse a read-only connection */
        if (!name || event != (name->kind == VB_REMOTE_PROC_KIND_EVENT) ||
            (name->kind == VB_REMOTE_PROC_KIND_CALL &&
             (strcmp(name->api, procs[i].api) != 0 || modify != (name->readOnlyDomain >= 0)))) {
            fprintf(stderr, "%d %s disagrees with libvirt 9.0's table\n", procs[i].proc,
                    procs[i].name);
            return -1;
        }
    }
    /* pinned: the first, an acronym, the last, and past it */
    if (strcmp(vbRemoteProcNameLookup(1)->api, "virConnectOpen") != 0 ||
        strcmp(vbRemoteProcNameLookup(7)->api, "virConnectGetCapabilities") != 0 ||
        strcmp(vbRemoteProcNameLookup(443)->api, "virDomainFDAssociate") != 0 ||
        vbRemoteProcNameLookup(0) || vbRemoteProcNameLookup(444) ||
        vbRemoteProcNameLookup(66)->kind != VB_REMOTE_PROC_KIND_AUTH)
        return -1;
    return 0;
}

static int
testProcTable(const void *opaque G_GNUC_UNUSED)
{
    size_t nprograms;
    const vbRemoteProgram *programs = vbRemoteProgramList(&nprograms);
    const vbRemoteProgram *qemu = vbRemoteProgramLookup(VB_QEMU_PROGRAM, 1);
    size_t nprocs;
    size_t i;

    for (i = 0; i < nprograms; i++) {
        if (testProcTableCheck(&programs[i]) < 0)
            return -1;
    }
    /* the REMOTE shorthands are that program's table */
    if (vbRemoteProgramLookup(VB_REMOTE_PROGRAM, 1)->procs != vbRemoteProcTable(&nprocs) ||
        vbRemoteProgramLookup(VB_REMOTE_PROGRAM, 1)->nprocs != nprocs)
        return -1;
    /* programs are found by number and version */
    if (!qemu || vbRemoteProgramLookup(VB_QEMU_PROGRAM, 2) ||
        vbRemoteProgramLookup(VB_KEEPALIVE_PROGRAM, 1) || vbRemoteProgramLookup(0x20008088, 1))
        return -1;
    /* pinned against qemu_protocol.x; 2 is DOMAIN_ATTACH, which we lack */
    if (vbRemoteProgramProcLookup(qemu, 2) ||
        strcmp(vbRemoteProgramProcLookup(qemu, 1)->name, "DOMAIN_MONITOR_COMMAND") != 0 ||
        strcmp(vbRemoteProgramProcLookup(qemu, 7)->name, "DOMAIN_MONITOR_COMMAND_WITH_FILES") !=
            0 ||
        !(vbRemoteProgramProcLookup(qemu, 1)->flags & VB_REMOTE_PROC_MODIFY) ||
        !(vbRemoteProgramProcLookup(qemu, 7)->flags & VB_REMOTE_PROC_MODIFY))
        return -1;
    if (vbRemoteProcLookup(0) || vbRemoteProcLookup(52) || vbRemoteProcLookup(100000))
        return -1;
    /* numbers that are easy to get wrong: pinned against remote_protocol.x */
    if (vbRemoteProcLookup(37)->proc != VB_REMOTE_PROC_CONNECT_LIST_DOMAINS ||
        strcmp(vbRemoteProcLookup(28)->name, "DOMAIN_RESUME") != 0 ||
        strcmp(vbRemoteProcLookup(33)->name, "DOMAIN_SHUTDOWN") != 0 ||
        strcmp(vbRemoteProcLookup(234)->name, "DOMAIN_DESTROY_FLAGS") != 0 ||
        strcmp(vbRemoteProcLookup(21)->name, "CONNECT_LIST_DEFINED_DOMAINS") != 0 ||
        strcmp(vbRemoteProcLookup(25)->name, "CONNECT_NUM_OF_DEFINED_DOMAINS") != 0)
        return -1;
    return 0;
}

/* Each payload type survives encode -> decode -> encode unchanged when
 * filled with what a zeroed struct holds plus the non-null strings. */
static int
testEveryTypeRoundTrip(const void *opaque G_GNUC_UNUSED)
{
    vbRemoteDomain dom = {(char *) "vm1", {0}, 7};
    vbRemoteDomainBlockCommitArgs commit = {
        dom, (char *) "vda", NULL, (char *) "/t.qcow2", 1ULL << 40, 0x1f};
    vbRemoteDomainGetInfoRet info = {1, 1ULL << 21, 1ULL << 20, 4, 123456789};
    char *names[] = {(char *) "a", (char *) "bcdef", NULL};
    vbRemoteConnectListDefinedDomainsRet list = {names, 2};
    vbRemoteDomain doms[2] = {dom, {(char *) "vm2", {1}, -1}};
    vbRemoteConnectListAllDomainsRet all = {doms, 2, 2};
    vbRemoteNodeGetInfoRet node = {"x86_64", 24683736, 2, 2694, 1, 1, 2, 1};
    uint64_t free[2] = {1ULL << 33, 5};
    vbRemoteNodeGetCellsFreeMemoryRet cells = {free, 2};
    vbRemoteNamedValue named[2] = {{(char *) "total", 24683736}, {(char *) "free", 1}};
    vbRemoteNodeGetMemoryStatsRet stats = {named, 2, 0};
    vbRemoteConnectGetDomainCapabilitiesArgs domcaps = {NULL, (char *) "x86_64", (char *) "q35",
                                                        NULL, 0};
    vbRemoteStoragePool rpools[2] = {{(char *) "p", {1}}, {(char *) "images", {2}}};
    vbRemoteConnectListAllStoragePoolsRet pools = {rpools, 2, 2};
    vbRemoteStorageVol rvols[2] = {{(char *) "p", (char *) "a.qcow2", (char *) "/p/a.qcow2"},
                                   {(char *) "p", (char *) "b", (char *) "/p/b"}};
    vbRemoteStoragePoolListAllVolumesRet vols = {rvols, 2, 2};
    vbRemoteStoragePoolStringArgs volCreate = {rpools[0], (char *) "<volume/>", 0};
    vbRemoteStoragePoolGetInfoRet poolInfo = {2, 1ULL << 38, 1ULL << 34, 1ULL << 37};
    vbRemoteStorageVolGetInfoRet volInfo = {0, 20 << 20, 200704};
    vbRemoteStoragePoolIntArgs autostart = {rpools[1], 1};
    /* every member of remote_typed_param_value */
    vbRemoteTypedParam typed[7] = {
        {(char *) "i", VIR_TYPED_PARAM_INT, {.i = -5}},
        {(char *) "ui", VIR_TYPED_PARAM_UINT, {.ui = 4000000000U}},
        {(char *) "l", VIR_TYPED_PARAM_LLONG, {.l = -(1LL << 40)}},
        {(char *) "ul", VIR_TYPED_PARAM_ULLONG, {.ul = 1ULL << 63}},
        {(char *) "d", VIR_TYPED_PARAM_DOUBLE, {.d = 2.5}},
        {(char *) "b", VIR_TYPED_PARAM_BOOLEAN, {.i = 1}},
        {(char *) "group_name", VIR_TYPED_PARAM_STRING, {.s = (char *) "grp"}},
    };
    vbRemoteDomainGetBlockIoTuneRet iotune = {typed, 7, 7};
    vbRemoteDomainGetBlockIoTuneArgs iotuneArgs = {dom, NULL, 20, 0};
    vbRemoteDomainSetAutostartArgs domAutostart = {dom, 1};
    vbRemoteDomainUpdateDeviceFlagsArgs update = {dom, (char *) "<disk/>", 3};
    vbRemoteDomainIPAddr ipaddrs[2] = {{VIR_IP_ADDR_TYPE_IPV4, (char *) "192.168.123.2", 0},
                                       {VIR_IP_ADDR_TYPE_IPV6, (char *) "fe80::1", 64}};
    vbRemoteDomainInterface rifaces[2] = {
        {(char *) "vnet0", (char *) "52:54:00:7a:70:01", ipaddrs, 2},
        {(char *) "lo", NULL, NULL, 0}};
    vbRemoteDomainInterfaceAddressesRet ifaddrs = {rifaces, 2};
    vbRemoteDomainInterfaceAddressesArgs ifaddrsArgs = {dom, 2, 0};
    struct {
        int proc;
        bool ret;
        const void *obj;
    } cases[] = {
        {VB_REMOTE_PROC_DOMAIN_GET_BLOCK_IO_TUNE, true, &iotune},
        {VB_REMOTE_PROC_DOMAIN_GET_BLOCK_IO_TUNE, false, &iotuneArgs},
        {VB_REMOTE_PROC_DOMAIN_SET_AUTOSTART, false, &domAutostart},
        {VB_REMOTE_PROC_DOMAIN_UPDATE_DEVICE_FLAGS, false, &update},
        {VB_REMOTE_PROC_DOMAIN_BLOCK_COMMIT, false, &commit},
        {VB_REMOTE_PROC_DOMAIN_GET_INFO, true, &info},
        {VB_REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, true, &list},
        {VB_REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, true, &all},
        {VB_REMOTE_PROC_NODE_GET_INFO, true, &node},
        {VB_REMOTE_PROC_NODE_GET_CELLS_FREE_MEMORY, true, &cells},
        {VB_REMOTE_PROC_NODE_GET_MEMORY_STATS, true, &stats},
        {VB_REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES, false, &domcaps},
        {VB_REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS, true, &pools},
        {VB_REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES, true, &vols},
        {VB_REMOTE_PROC_STORAGE_VOL_CREATE_XML, false, &volCreate},
        {VB_REMOTE_PROC_STORAGE_POOL_GET_INFO, true, &poolInfo},
        {VB_REMOTE_PROC_STORAGE_VOL_GET_INFO_FLAGS, true, &volInfo},
        {VB_REMOTE_PROC_STORAGE_POOL_SET_AUTOSTART, false, &autostart},
        {VB_REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES, true, &ifaddrs},
        {VB_REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES, false, &ifaddrsArgs},
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        const vbRemoteProc *p = vbRemoteProcLookup(cases[i].proc);
        const vbRemoteType *type = cases[i].ret ? p->ret : p->args;
        g_autoptr(GByteArray) a = g_byte_array_new();
        g_autoptr(GByteArray) b = g_byte_array_new();
        void *obj = vbRemotePayloadNew(type);
        int rc;

        if (vbRemotePayloadEncode(type, cases[i].obj, a) < 0)
            return -1;
        /* char model[32] is 32 XDR ints, then a hyper and six ints */
        if (cases[i].proc == VB_REMOTE_PROC_NODE_GET_INFO &&
            (a->len != 32 * 4 + 8 + 6 * 4 || a->data[3] != 'x' || a->data[7] != '8'))
            return -1;
        /* remote_nonnull_storage_pool: a string and a 16-byte UUID; then
         * the second name (6 bytes padded to 8) and the count */
        if (cases[i].proc == VB_REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS &&
            (a->len != 4 + (4 + 4 + 16) + (4 + 8 + 16) + 4 || a->data[8] != 'p' ||
             a->data[12] != 1))
            return -1;
        /* remote_domain_interface: name, optional hwaddr, the addresses
         * (type, string, prefix each); "lo" has neither hwaddr nor one */
        if (cases[i].proc == VB_REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES && cases[i].ret &&
            a->len != 4 + (4 + 8) + (4 + 4 + 20) + 4 + (4 + 4 + 16 + 4) + (4 + 4 + 8 + 4) +
                          (4 + 4) + 4 + 4)
            return -1;
        rc = vbRemotePayloadDecode(type, a->data, a->len, obj);
        if (rc == 0)
            rc = vbRemotePayloadEncode(type, obj, b);
        vbRemotePayloadFree(type, obj);
        if (rc < 0 || a->len != b->len || memcmp(a->data, b->data, a->len) != 0) {
            fprintf(stderr, "round trip of %s failed\n", vbRemoteTypeName(type));
            return -1;
        }
    }
    return 0;
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(testCaptures); i++) {
        g_autofree char *name = g_strdup_printf("capture %s", testCaptures[i].name);

        if (vbTestRun(name, testCaptureRoundTrip, &testCaptures[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(testBadPackets); i++) {
        g_autofree char *name = g_strdup_printf("refuse %s", testBadPackets[i].name);

        if (vbTestRun(name, testBadPacketRefused, &testBadPackets[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(testStreamCaptures); i++) {
        if (vbTestRun(testStreamCaptures[i].name, testStreamCaptureRoundTrip,
                      &testStreamCaptures[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("refuse a string over REMOTE_STRING_MAX", testStringOverMax, NULL) < 0)
        ret = -1;
    if (vbTestRun("unknown procedure error bytes", testErrorEncoding, NULL) < 0)
        ret = -1;
    if (vbTestRun("libvirt 9.0's procedures: generated table", testProcNames, NULL) < 0)
        ret = -1;
    if (vbTestRun("procedure table sorted, unique, consistent", testProcTable, NULL) < 0)
        ret = -1;
    if (vbTestRun("payload types round trip", testEveryTypeRoundTrip, NULL) < 0)
        ret = -1;
    return ret;
}

VB_TEST_MAIN(mymain)
