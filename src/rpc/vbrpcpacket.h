/*
 * vbrpcpacket.h: libvirt RPC packets: length word, header, error payload
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A packet is a 4-byte big-endian length that counts itself, a 24-byte
 * header (virNetMessageHeader) and an XDR payload.  The limits and values
 * are those of libvirt's virnetprotocol.x and virkeepaliveprotocol.x.
 */

#pragma once

#include <glib.h>
#include <stdint.h>

#include "vbenum.h"
#include "vberror.h"
#include "vbxdr.h"

#define VB_RPC_LEN_SIZE 4
#define VB_RPC_HEADER_SIZE 24
/* VIR_NET_MESSAGE_MAX: header and payload, the length word excluded */
#define VB_RPC_MESSAGE_MAX 16777216
#define VB_RPC_PACKET_MIN (VB_RPC_LEN_SIZE + VB_RPC_HEADER_SIZE)
#define VB_RPC_PACKET_MAX (VB_RPC_LEN_SIZE + VB_RPC_MESSAGE_MAX)
#define VB_RPC_PAYLOAD_MAX (VB_RPC_MESSAGE_MAX - VB_RPC_HEADER_SIZE)
/* VIR_NET_MESSAGE_STRING_MAX: strings inside an error */
#define VB_RPC_STRING_MAX 4194304

#define VB_REMOTE_PROGRAM 0x20008086U
#define VB_REMOTE_PROTOCOL_VERSION 1
#define VB_QEMU_PROGRAM 0x20008087U
#define VB_QEMU_PROTOCOL_VERSION 1
#define VB_KEEPALIVE_PROGRAM 0x6b656570U
#define VB_KEEPALIVE_PROTOCOL_VERSION 1

typedef enum {
    VB_KEEPALIVE_PROC_PING = 1,
    VB_KEEPALIVE_PROC_PONG = 2,
} vbKeepaliveProc;

/* virNetMessageType */
typedef enum {
    VB_RPC_TYPE_CALL,
    VB_RPC_TYPE_REPLY,
    VB_RPC_TYPE_MESSAGE,
    VB_RPC_TYPE_STREAM,
    VB_RPC_TYPE_CALL_WITH_FDS,
    VB_RPC_TYPE_REPLY_WITH_FDS,
    VB_RPC_TYPE_STREAM_HOLE,

    VB_RPC_TYPE_LAST
} vbRPCType;
VB_ENUM_DECL(vbRPCType);

/* virNetMessageStatus */
typedef enum {
    VB_RPC_STATUS_OK,
    VB_RPC_STATUS_ERROR,
    VB_RPC_STATUS_CONTINUE,

    VB_RPC_STATUS_LAST
} vbRPCStatus;
VB_ENUM_DECL(vbRPCStatus);

typedef struct _vbRPCHeader vbRPCHeader;
struct _vbRPCHeader {
    uint32_t prog;
    uint32_t vers;
    int32_t proc;
    vbRPCType type;
    uint32_t serial;
    vbRPCStatus status;
};

/*
 * Reads the length word at @data (4 bytes) and checks it: at least the
 * header, at most VB_RPC_PACKET_MAX.  Returns -1 with VIR_ERR_RPC otherwise.
 */
int vbRPCPacketReadLength(const uint8_t *data, uint32_t *len);

/* Decodes and checks the 24-byte header (type and status in range). */
int vbRPCHeaderDecode(vbXdrDecoder *dec, vbRPCHeader *hdr);
void vbRPCHeaderEncode(GByteArray *buf, const vbRPCHeader *hdr);

/*
 * Splits one whole packet (length word included, @len bytes) into its
 * header and payload; the payload points into @data.  Refuses a length
 * word that disagrees with @len.
 */
int vbRPCPacketParse(const uint8_t *data, size_t len, vbRPCHeader *hdr, const uint8_t **payload,
                     size_t *payloadLen);

/* A new packet holding a placeholder length and @hdr; append the payload,
 * then call vbRPCPacketFinish. */
GByteArray *vbRPCPacketNew(const vbRPCHeader *hdr);
/* Writes the length word; -1 with VIR_ERR_RPC if the packet is too large. */
int vbRPCPacketFinish(GByteArray *pkt);

/*
 * remote_error (virNetMessageError) from @err: code, domain, message and
 * level; dom, str1-3 and net NULL, int1/int2 0.  A NULL @err encodes
 * libvirt's text for a failure that reported nothing.
 */
int vbRPCErrorEncode(GByteArray *buf, const vbError *err);
/* The fields a client shows (code, domain, level, message); the others are
 * decoded and checked, then dropped. */
int vbRPCErrorDecode(vbXdrDecoder *dec, vbError **err);
