/*
 * vbxdr.c: XDR (RFC 4506) encoding and decoding, as rpcgen does it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include <string.h>

#include "vberror.h"
#include "vbxdr.h"

#define VB_FROM_THIS_FILE VIR_FROM_RPC

static const uint8_t vbXdrZeroes[VB_XDR_UNIT];

void
vbXdrDecoderInit(vbXdrDecoder *dec, const uint8_t *data, size_t len)
{
    dec->data = data;
    dec->len = len;
    dec->pos = 0;
}

size_t
vbXdrDecoderRemaining(const vbXdrDecoder *dec)
{
    return dec->len - dec->pos;
}

int
vbXdrDecoderFinish(const vbXdrDecoder *dec)
{
    if (dec->pos != dec->len) {
        vbReportError(VIR_ERR_RPC, _("%zu unexpected bytes after the end of the XDR data"),
                      dec->len - dec->pos);
        return -1;
    }
    return 0;
}

static void
vbXdrPut32(GByteArray *buf, uint32_t val)
{
    uint32_t be = GUINT32_TO_BE(val);

    g_byte_array_append(buf, (const guint8 *) &be, sizeof(be));
}

void
vbXdrEncodeInt(GByteArray *buf, int32_t val)
{
    vbXdrPut32(buf, (uint32_t) val);
}

void
vbXdrEncodeUInt(GByteArray *buf, uint32_t val)
{
    vbXdrPut32(buf, val);
}

void
vbXdrEncodeUHyper(GByteArray *buf, uint64_t val)
{
    vbXdrPut32(buf, (uint32_t) (val >> 32));
    vbXdrPut32(buf, (uint32_t) (val & 0xffffffffU));
}

void
vbXdrEncodeHyper(GByteArray *buf, int64_t val)
{
    vbXdrEncodeUHyper(buf, (uint64_t) val);
}

void
vbXdrEncodeBool(GByteArray *buf, bool val)
{
    vbXdrPut32(buf, val ? 1 : 0);
}

void
vbXdrEncodeChar(GByteArray *buf, int8_t val)
{
    vbXdrEncodeInt(buf, val);
}

void
vbXdrEncodeUChar(GByteArray *buf, uint8_t val)
{
    vbXdrEncodeUInt(buf, val);
}

void
vbXdrEncodeShort(GByteArray *buf, int16_t val)
{
    vbXdrEncodeInt(buf, val);
}

void
vbXdrEncodeUShort(GByteArray *buf, uint16_t val)
{
    vbXdrEncodeUInt(buf, val);
}

void
vbXdrEncodeFixedOpaque(GByteArray *buf, const uint8_t *data, size_t len)
{
    if (len > 0)
        g_byte_array_append(buf, data, len);
    g_byte_array_append(buf, vbXdrZeroes, VB_XDR_PAD(len));
}

int
vbXdrEncodeOpaque(GByteArray *buf, const uint8_t *data, size_t len, size_t max)
{
    if (len > max) {
        vbReportError(VIR_ERR_RPC, _("cannot encode %zu bytes of data: the limit is %zu"), len,
                      max);
        return -1;
    }
    vbXdrPut32(buf, (uint32_t) len);
    vbXdrEncodeFixedOpaque(buf, data, len);
    return 0;
}

int
vbXdrEncodeString(GByteArray *buf, const char *str, size_t max)
{
    size_t len;

    g_return_val_if_fail(str != NULL, -1);

    len = strlen(str);
    if (len > max) {
        vbReportError(VIR_ERR_RPC, _("cannot encode a string of %zu bytes: the limit is %zu"), len,
                      max);
        return -1;
    }
    vbXdrPut32(buf, (uint32_t) len);
    vbXdrEncodeFixedOpaque(buf, (const uint8_t *) str, len);
    return 0;
}

void
vbXdrEncodeOptional(GByteArray *buf, bool present)
{
    vbXdrPut32(buf, present ? 1 : 0);
}

int
vbXdrEncodeArrayCount(GByteArray *buf, size_t count, size_t max)
{
    if (count > max) {
        vbReportError(VIR_ERR_RPC, _("cannot encode an array of %zu elements: the limit is %zu"),
                      count, max);
        return -1;
    }
    vbXdrPut32(buf, (uint32_t) count);
    return 0;
}

static int
vbXdrNeed(const vbXdrDecoder *dec, size_t n)
{
    if (n > vbXdrDecoderRemaining(dec)) {
        vbReportError(VIR_ERR_RPC,
                      _("XDR data truncated: %zu bytes needed at offset %zu, %zu left"), n,
                      dec->pos, vbXdrDecoderRemaining(dec));
        return -1;
    }
    return 0;
}

static int
vbXdrGet32(vbXdrDecoder *dec, uint32_t *val)
{
    const uint8_t *p;

    if (vbXdrNeed(dec, 4) < 0)
        return -1;
    p = dec->data + dec->pos;
    *val = ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
    dec->pos += 4;
    return 0;
}

int
vbXdrDecodeInt(vbXdrDecoder *dec, int32_t *val)
{
    uint32_t v;

    if (vbXdrGet32(dec, &v) < 0)
        return -1;
    *val = (int32_t) v;
    return 0;
}

int
vbXdrDecodeUInt(vbXdrDecoder *dec, uint32_t *val)
{
    return vbXdrGet32(dec, val);
}

int
vbXdrDecodeUHyper(vbXdrDecoder *dec, uint64_t *val)
{
    uint32_t hi;
    uint32_t lo;

    if (vbXdrNeed(dec, 8) < 0)
        return -1;
    if (vbXdrGet32(dec, &hi) < 0 || vbXdrGet32(dec, &lo) < 0)
        return -1;
    *val = ((uint64_t) hi << 32) | lo;
    return 0;
}

int
vbXdrDecodeHyper(vbXdrDecoder *dec, int64_t *val)
{
    uint64_t v;

    if (vbXdrDecodeUHyper(dec, &v) < 0)
        return -1;
    *val = (int64_t) v;
    return 0;
}

int
vbXdrDecodeBool(vbXdrDecoder *dec, bool *val)
{
    uint32_t v;

    if (vbXdrGet32(dec, &v) < 0)
        return -1;
    if (v > 1) {
        vbReportError(VIR_ERR_RPC, _("invalid XDR boolean %u"), v);
        return -1;
    }
    *val = v == 1;
    return 0;
}

static int
vbXdrDecodeRanged(vbXdrDecoder *dec, int64_t min, int64_t max, int64_t *val)
{
    int32_t v;

    if (vbXdrDecodeInt(dec, &v) < 0)
        return -1;
    if (v < min || v > max) {
        vbReportError(VIR_ERR_RPC, _("XDR value %d out of range [%lld, %lld]"), v, (long long) min,
                      (long long) max);
        return -1;
    }
    *val = v;
    return 0;
}

int
vbXdrDecodeChar(vbXdrDecoder *dec, int8_t *val)
{
    int64_t v;

    if (vbXdrDecodeRanged(dec, INT8_MIN, INT8_MAX, &v) < 0)
        return -1;
    *val = (int8_t) v;
    return 0;
}

int
vbXdrDecodeShort(vbXdrDecoder *dec, int16_t *val)
{
    int64_t v;

    if (vbXdrDecodeRanged(dec, INT16_MIN, INT16_MAX, &v) < 0)
        return -1;
    *val = (int16_t) v;
    return 0;
}

static int
vbXdrDecodeURanged(vbXdrDecoder *dec, uint32_t max, uint32_t *val)
{
    if (vbXdrGet32(dec, val) < 0)
        return -1;
    if (*val > max) {
        vbReportError(VIR_ERR_RPC, _("XDR value %u out of range [0, %u]"), *val, max);
        return -1;
    }
    return 0;
}

int
vbXdrDecodeUChar(vbXdrDecoder *dec, uint8_t *val)
{
    uint32_t v;

    if (vbXdrDecodeURanged(dec, UINT8_MAX, &v) < 0)
        return -1;
    *val = (uint8_t) v;
    return 0;
}

int
vbXdrDecodeUShort(vbXdrDecoder *dec, uint16_t *val)
{
    uint32_t v;

    if (vbXdrDecodeURanged(dec, UINT16_MAX, &v) < 0)
        return -1;
    *val = (uint16_t) v;
    return 0;
}

int
vbXdrDecodeFixedOpaque(vbXdrDecoder *dec, uint8_t *data, size_t len)
{
    size_t pad = VB_XDR_PAD(len);

    if (vbXdrNeed(dec, len + pad) < 0)
        return -1;
    if (memcmp(dec->data + dec->pos + len, vbXdrZeroes, pad) != 0) {
        vbReportError(VIR_ERR_RPC, _("non-zero XDR padding at offset %zu"), dec->pos + len);
        return -1;
    }
    if (len > 0)
        memcpy(data, dec->data + dec->pos, len);
    dec->pos += len + pad;
    return 0;
}

/* Reads a length word and checks that many bytes plus padding are there. */
static int
vbXdrDecodeLength(vbXdrDecoder *dec, size_t max, size_t *len)
{
    uint32_t n;

    if (vbXdrGet32(dec, &n) < 0)
        return -1;
    if (n > max) {
        vbReportError(VIR_ERR_RPC, _("XDR data of %u bytes exceeds the limit of %zu"), n, max);
        return -1;
    }
    if (vbXdrNeed(dec, (size_t) n + VB_XDR_PAD(n)) < 0)
        return -1;
    *len = n;
    return 0;
}

int
vbXdrDecodeOpaque(vbXdrDecoder *dec, uint8_t **data, size_t *len, size_t max)
{
    g_autofree uint8_t *out = NULL;
    size_t n;

    if (vbXdrDecodeLength(dec, max, &n) < 0)
        return -1;
    if (n > 0)
        out = g_malloc(n);
    if (vbXdrDecodeFixedOpaque(dec, out, n) < 0)
        return -1;
    *data = g_steal_pointer(&out);
    *len = n;
    return 0;
}

int
vbXdrDecodeString(vbXdrDecoder *dec, char **str, size_t max)
{
    g_autofree char *out = NULL;
    size_t n;

    if (vbXdrDecodeLength(dec, max, &n) < 0)
        return -1;
    if (memchr(dec->data + dec->pos, '\0', n)) {
        vbReportError(VIR_ERR_RPC, _("XDR string at offset %zu contains a NUL byte"), dec->pos);
        return -1;
    }
    out = g_malloc(n + 1);
    if (vbXdrDecodeFixedOpaque(dec, (uint8_t *) out, n) < 0)
        return -1;
    out[n] = '\0';
    *str = g_steal_pointer(&out);
    return 0;
}

int
vbXdrDecodeOptional(vbXdrDecoder *dec, bool *present)
{
    uint32_t v;

    if (vbXdrGet32(dec, &v) < 0)
        return -1;
    if (v > 1) {
        vbReportError(VIR_ERR_RPC, _("invalid XDR optional-data discriminant %u"), v);
        return -1;
    }
    *present = v == 1;
    return 0;
}

int
vbXdrDecodeArrayCount(vbXdrDecoder *dec, size_t *count, size_t max, size_t minElemSize)
{
    uint32_t n;

    if (vbXdrGet32(dec, &n) < 0)
        return -1;
    if (n > max) {
        vbReportError(VIR_ERR_RPC, _("XDR array of %u elements exceeds the limit of %zu"), n, max);
        return -1;
    }
    if (minElemSize > 0 && n > vbXdrDecoderRemaining(dec) / minElemSize) {
        vbReportError(VIR_ERR_RPC, _("XDR array of %u elements cannot fit in the %zu bytes left"),
                      n, vbXdrDecoderRemaining(dec));
        return -1;
    }
    *count = n;
    return 0;
}
