/*
 * vbxdr.h: XDR (RFC 4506) encoding and decoding, as rpcgen does it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything is big-endian and a multiple of 4 bytes.  rpcgen widens
 * char, unsigned char, short and unsigned short to 4 bytes; so do we.
 *
 * Encoders append to a GByteArray.  Fixed-size items cannot fail; strings,
 * opaque data and array counts check their limit and return -1 with an
 * error reported when the caller exceeds it (a bug on our side, or data
 * too large for the protocol).
 *
 * Decoders read a vbXdrDecoder: a buffer the caller owns, its length, and
 * a position.  Every decoder checks that the bytes it needs are there
 * before reading, and a length or count against both its limit and the
 * bytes left before allocating, so a hostile packet can make us allocate
 * no more than the packet itself holds.  A failure reports VIR_ERR_RPC,
 * returns -1 and leaves the position unspecified; callers free whatever
 * was decoded so far.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define VB_XDR_UNIT 4

/* Bytes of zero padding after @len bytes of opaque data. */
#define VB_XDR_PAD(len) ((VB_XDR_UNIT - ((len) % VB_XDR_UNIT)) % VB_XDR_UNIT)

typedef struct _vbXdrDecoder vbXdrDecoder;
struct _vbXdrDecoder {
    const uint8_t *data;
    size_t len;
    size_t pos;
};

void vbXdrDecoderInit(vbXdrDecoder *dec, const uint8_t *data, size_t len);
size_t vbXdrDecoderRemaining(const vbXdrDecoder *dec);
/* -1 with an error if bytes are left over after the last item. */
int vbXdrDecoderFinish(const vbXdrDecoder *dec);

void vbXdrEncodeInt(GByteArray *buf, int32_t val);
void vbXdrEncodeUInt(GByteArray *buf, uint32_t val);
void vbXdrEncodeHyper(GByteArray *buf, int64_t val);
void vbXdrEncodeUHyper(GByteArray *buf, uint64_t val);
void vbXdrEncodeBool(GByteArray *buf, bool val);
/* rpcgen's char / unsigned char / short / unsigned short: 4 bytes each */
void vbXdrEncodeChar(GByteArray *buf, int8_t val);
void vbXdrEncodeUChar(GByteArray *buf, uint8_t val);
void vbXdrEncodeShort(GByteArray *buf, int16_t val);
void vbXdrEncodeUShort(GByteArray *buf, uint16_t val);
/* opaque x[len]: the bytes and zero padding, no length word */
void vbXdrEncodeFixedOpaque(GByteArray *buf, const uint8_t *data, size_t len);
/* opaque x<max>: length word, bytes, padding */
int vbXdrEncodeOpaque(GByteArray *buf, const uint8_t *data, size_t len, size_t max);
/* string x<max>: like opaque, without the NUL; @str must not be NULL */
int vbXdrEncodeString(GByteArray *buf, const char *str, size_t max);
/* T *x: the 0/1 discriminant; the caller encodes T after a 1 */
void vbXdrEncodeOptional(GByteArray *buf, bool present);
/* T x<max>: the element count; the caller encodes the elements after it */
int vbXdrEncodeArrayCount(GByteArray *buf, size_t count, size_t max);

int vbXdrDecodeInt(vbXdrDecoder *dec, int32_t *val);
int vbXdrDecodeUInt(vbXdrDecoder *dec, uint32_t *val);
int vbXdrDecodeHyper(vbXdrDecoder *dec, int64_t *val);
int vbXdrDecodeUHyper(vbXdrDecoder *dec, uint64_t *val);
/* refuses anything but 0 and 1 */
int vbXdrDecodeBool(vbXdrDecoder *dec, bool *val);
/* refuse a 4-byte value that does not fit the narrow type */
int vbXdrDecodeChar(vbXdrDecoder *dec, int8_t *val);
int vbXdrDecodeUChar(vbXdrDecoder *dec, uint8_t *val);
int vbXdrDecodeShort(vbXdrDecoder *dec, int16_t *val);
int vbXdrDecodeUShort(vbXdrDecoder *dec, uint16_t *val);
/* fills exactly @len bytes of @data; refuses non-zero padding */
int vbXdrDecodeFixedOpaque(vbXdrDecoder *dec, uint8_t *data, size_t len);
/* *data is newly allocated (NULL when empty); the caller frees it */
int vbXdrDecodeOpaque(vbXdrDecoder *dec, uint8_t **data, size_t *len, size_t max);
/* *str is newly allocated and NUL-terminated; refuses an embedded NUL */
int vbXdrDecodeString(vbXdrDecoder *dec, char **str, size_t max);
/* refuses a discriminant other than 0 and 1 */
int vbXdrDecodeOptional(vbXdrDecoder *dec, bool *present);
/*
 * Reads an element count and refuses it when over @max or when @count
 * elements of at least @minElemSize encoded bytes each cannot fit in what
 * is left of the buffer: check before allocating the array.
 */
int vbXdrDecodeArrayCount(vbXdrDecoder *dec, size_t *count, size_t max, size_t minElemSize);
