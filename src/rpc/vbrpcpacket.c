/*
 * vbrpcpacket.c: libvirt RPC packets: length word, header, error payload
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <string.h>

#include "vbrpcpacket.h"

#define VB_FROM_THIS_FILE VIR_FROM_RPC

VB_ENUM_IMPL(vbRPCType, VB_RPC_TYPE_LAST, "call", "reply", "message", "stream", "call-with-fds",
             "reply-with-fds", "stream-hole");

VB_ENUM_IMPL(vbRPCStatus, VB_RPC_STATUS_LAST, "ok", "error", "continue");

int
vbRPCPacketReadLength(const uint8_t *data, uint32_t *len)
{
    uint32_t n = ((uint32_t) data[0] << 24) | ((uint32_t) data[1] << 16) |
                 ((uint32_t) data[2] << 8) | data[3];

    if (n < VB_RPC_PACKET_MIN) {
        vbReportError(VIR_ERR_RPC, _("packet of %u bytes is too small: at least %u expected"), n,
                      (unsigned int) VB_RPC_PACKET_MIN);
        return -1;
    }
    if (n > VB_RPC_PACKET_MAX) {
        vbReportError(VIR_ERR_RPC, _("packet of %u bytes is too large: at most %u allowed"), n,
                      (unsigned int) VB_RPC_PACKET_MAX);
        return -1;
    }
    *len = n;
    return 0;
}

int
vbRPCHeaderDecode(vbXdrDecoder *dec, vbRPCHeader *hdr)
{
    int32_t type;
    int32_t status;

    if (vbXdrDecodeUInt(dec, &hdr->prog) < 0 || vbXdrDecodeUInt(dec, &hdr->vers) < 0 ||
        vbXdrDecodeInt(dec, &hdr->proc) < 0 || vbXdrDecodeInt(dec, &type) < 0 ||
        vbXdrDecodeUInt(dec, &hdr->serial) < 0 || vbXdrDecodeInt(dec, &status) < 0)
        return -1;
    if (type < 0 || type >= VB_RPC_TYPE_LAST) {
        vbReportError(VIR_ERR_RPC, _("Unexpected message type %d"), type);
        return -1;
    }
    if (status < 0 || status >= VB_RPC_STATUS_LAST) {
        vbReportError(VIR_ERR_RPC, _("Unexpected message status %d"), status);
        return -1;
    }
    hdr->type = type;
    hdr->status = status;
    return 0;
}

void
vbRPCHeaderEncode(GByteArray *buf, const vbRPCHeader *hdr)
{
    vbXdrEncodeUInt(buf, hdr->prog);
    vbXdrEncodeUInt(buf, hdr->vers);
    vbXdrEncodeInt(buf, hdr->proc);
    vbXdrEncodeInt(buf, hdr->type);
    vbXdrEncodeUInt(buf, hdr->serial);
    vbXdrEncodeInt(buf, hdr->status);
}

int
vbRPCPacketParse(const uint8_t *data, size_t len, vbRPCHeader *hdr, const uint8_t **payload,
                 size_t *payloadLen)
{
    vbXdrDecoder dec;
    uint32_t plen;

    if (len < VB_RPC_LEN_SIZE) {
        vbReportError(VIR_ERR_RPC, _("packet of %zu bytes has no length word"), len);
        return -1;
    }
    if (vbRPCPacketReadLength(data, &plen) < 0)
        return -1;
    if (plen != len) {
        vbReportError(VIR_ERR_RPC, _("packet length word says %u bytes, but %zu were given"), plen,
                      len);
        return -1;
    }
    vbXdrDecoderInit(&dec, data + VB_RPC_LEN_SIZE, len - VB_RPC_LEN_SIZE);
    if (vbRPCHeaderDecode(&dec, hdr) < 0)
        return -1;
    *payload = data + VB_RPC_PACKET_MIN;
    *payloadLen = len - VB_RPC_PACKET_MIN;
    return 0;
}

GByteArray *
vbRPCPacketNew(const vbRPCHeader *hdr)
{
    GByteArray *pkt = g_byte_array_sized_new(VB_RPC_PACKET_MIN + 64);

    vbXdrEncodeUInt(pkt, 0);
    vbRPCHeaderEncode(pkt, hdr);
    return pkt;
}

int
vbRPCPacketFinish(GByteArray *pkt)
{
    uint32_t be;

    g_return_val_if_fail(pkt->len >= VB_RPC_PACKET_MIN, -1);

    if (pkt->len > VB_RPC_PACKET_MAX) {
        vbReportError(VIR_ERR_RPC, _("message of %u bytes exceeds the maximum of %u"), pkt->len,
                      (unsigned int) VB_RPC_PACKET_MAX);
        return -1;
    }
    be = GUINT32_TO_BE(pkt->len);
    memcpy(pkt->data, &be, sizeof(be));
    return 0;
}

int
vbRPCErrorEncode(GByteArray *buf, const vbError *err)
{
    /* virNetMessageSaveError's fallback when a failure reported nothing */
    int code = err ? err->code : VIR_ERR_INTERNAL_ERROR;
    int domain = err ? err->domain : VIR_FROM_RPC;
    int level = err ? err->level : VIR_ERR_ERROR;
    const char *message = err && err->message
                              ? err->message
                              : _("Library function returned error but did not set virError");
    g_autofree char *truncated = NULL;
    size_t i;

    /* A client shows a cut message; it cannot show a refused reply. */
    if (strlen(message) > VB_RPC_STRING_MAX)
        message = truncated = g_strndup(message, VB_RPC_STRING_MAX);

    vbXdrEncodeInt(buf, code);
    vbXdrEncodeInt(buf, domain);
    vbXdrEncodeOptional(buf, true);
    if (vbXdrEncodeString(buf, message, VB_RPC_STRING_MAX) < 0)
        return -1;
    vbXdrEncodeInt(buf, level);
    vbXdrEncodeOptional(buf, false); /* dom */
    for (i = 0; i < 3; i++)
        vbXdrEncodeOptional(buf, false); /* str1, str2, str3 */
    vbXdrEncodeInt(buf, 0);              /* int1 */
    vbXdrEncodeInt(buf, 0);              /* int2 */
    vbXdrEncodeOptional(buf, false);     /* net */
    return 0;
}

/* remote_string: decoded to check it, then dropped */
static int
vbRPCErrorSkipString(vbXdrDecoder *dec)
{
    g_autofree char *str = NULL;
    bool present;

    if (vbXdrDecodeOptional(dec, &present) < 0)
        return -1;
    if (present && vbXdrDecodeString(dec, &str, VB_RPC_STRING_MAX) < 0)
        return -1;
    return 0;
}

/* remote_domain / remote_network: name, uuid[, id] */
static int
vbRPCErrorSkipObject(vbXdrDecoder *dec, bool hasId)
{
    g_autofree char *name = NULL;
    uint8_t uuid[VB_UUID_BUFLEN];
    int32_t id;
    bool present;

    if (vbXdrDecodeOptional(dec, &present) < 0)
        return -1;
    if (!present)
        return 0;
    if (vbXdrDecodeString(dec, &name, VB_RPC_STRING_MAX) < 0 ||
        vbXdrDecodeFixedOpaque(dec, uuid, sizeof(uuid)) < 0)
        return -1;
    if (hasId && vbXdrDecodeInt(dec, &id) < 0)
        return -1;
    return 0;
}

int
vbRPCErrorDecode(vbXdrDecoder *dec, vbError **err)
{
    g_autoptr(vbError) e = g_new0(vbError, 1);
    int32_t code;
    int32_t domain;
    int32_t level;
    int32_t unused;
    bool present;
    size_t i;

    if (vbXdrDecodeInt(dec, &code) < 0 || vbXdrDecodeInt(dec, &domain) < 0 ||
        vbXdrDecodeOptional(dec, &present) < 0)
        return -1;
    if (present && vbXdrDecodeString(dec, &e->message, VB_RPC_STRING_MAX) < 0)
        return -1;
    if (vbXdrDecodeInt(dec, &level) < 0 || vbRPCErrorSkipObject(dec, true) < 0)
        return -1;
    for (i = 0; i < 3; i++) {
        if (vbRPCErrorSkipString(dec) < 0)
            return -1;
    }
    if (vbXdrDecodeInt(dec, &unused) < 0 || vbXdrDecodeInt(dec, &unused) < 0 ||
        vbRPCErrorSkipObject(dec, false) < 0)
        return -1;
    e->code = code;
    e->domain = domain;
    e->level = level;
    *err = g_steal_pointer(&e);
    return 0;
}
