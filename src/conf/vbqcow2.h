/*
 * vbqcow2.h: reading a qcow2 image header from a byte buffer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parser is pure: it looks only at the bytes it is given (no file
 * access, no global state except the error slot), so it can be fuzzed and
 * tested on crafted buffers.  The path it takes is used in messages only.
 *
 * What it accepts, following QEMU 7.2's qcow2 driver and the qcow2 spec
 * (docs/interop/qcow2.txt):
 *   - versions 2 and 3; version 1 (the old "qcow" format) is refused;
 *   - cluster_bits 9..21, refcount_order <= 6, a v3 header_length of at least
 *     104 bytes that does not exceed one cluster;
 *   - the backing file name: offset and size must lie inside the buffer and
 *     the first cluster, at most 1023 bytes, valid UTF-8 without control
 *     characters (a name with a newline or NUL would be a different file name
 *     in every tool that reads it as a C string or a line);
 *   - header extensions, walked with bounds checks up to the backing file name
 *     (or the end of the first cluster): the backing format (0xe2792aca) is
 *     recorded; an external data file (0x44415441) is refused; every other
 *     extension (feature names, bitmaps, encryption header) is skipped;
 *   - incompatible features: bit 0 (dirty), bit 3 (compression type) and
 *     bit 4 (extended L2 entries) are accepted; bit 1 (corrupt) and bit 2
 *     (external data file) are refused, and so is any bit QEMU 7.2 does not
 *     know, naming it;
 *   - encryption (crypt_method != 0) is refused: this daemon has no secrets.
 *
 * Error codes tell the user what to do: VIR_ERR_CONFIG_UNSUPPORTED for an
 * image using a feature we never handle (version 1, external data file,
 * encryption, unknown incompatible feature), VIR_ERR_OPERATION_INVALID for an
 * image that is damaged or marked corrupt (repair it, or recreate it).  Every
 * message names the file.
 *
 * Format detection: the parser never decides that an image is raw.  A buffer
 * without the qcow2 magic is an error for vbQcow2HeaderParse(); a caller that
 * does not know the format asks vbQcow2HasMagic() first and decides by its own
 * rules (see vbstoragechain.h: only a backing image whose overlay records no
 * backing format is ever looked at this way).
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vbstoragesource.h"

/* Bytes of the fixed header, by version */
#define VB_QCOW2_HEADER_V2_LEN 72
#define VB_QCOW2_HEADER_V3_LEN 104

/* QEMU refuses backing file names longer than this */
#define VB_QCOW2_BACKING_NAME_MAX 1023

/* Incompatible feature bits (qcow2 spec) */
#define VB_QCOW2_INCOMPAT_DIRTY (1ULL << 0)
#define VB_QCOW2_INCOMPAT_CORRUPT (1ULL << 1)
#define VB_QCOW2_INCOMPAT_DATA_FILE (1ULL << 2)
#define VB_QCOW2_INCOMPAT_COMPRESSION (1ULL << 3)
#define VB_QCOW2_INCOMPAT_EXTL2 (1ULL << 4)

/* Header extension types */
#define VB_QCOW2_EXT_END 0x00000000U
#define VB_QCOW2_EXT_BACKING_FORMAT 0xe2792acaU
#define VB_QCOW2_EXT_FEATURE_TABLE 0x6803f857U
#define VB_QCOW2_EXT_DATA_FILE 0x44415441U

typedef struct _vbQcow2Header vbQcow2Header;
struct _vbQcow2Header {
    unsigned int version; /* 2 or 3 */
    unsigned int clusterBits;
    unsigned long long size;   /* virtual disk size in bytes */
    unsigned int headerLength; /* 72 for version 2 */
    unsigned long long incompatibleFeatures;
    unsigned long long compatibleFeatures;
    unsigned long long autoclearFeatures;
    unsigned int refcountOrder;
    unsigned int compressionType; /* 0 zlib, 1 zstd */

    /* The backing file name exactly as written; NULL: no backing file */
    char *backingName;
    /* The backing format extension as written; NULL: none recorded */
    char *backingFormatName;
    /* backingFormatName as one of ours; NONE when not recorded or when it
     * names a format we do not know (backingFormatName then says which) */
    vbStorageFormat backingFormat;
};

void vbQcow2HeaderFree(vbQcow2Header *hdr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbQcow2Header, vbQcow2HeaderFree);

/* true if @buf starts with the qcow2 magic "QFI\xfb" */
bool vbQcow2HasMagic(const uint8_t *buf, size_t len);

/**
 * vbQcow2HeaderParse:
 * @path: the image's name, for messages only
 * @buf: the first @len bytes of the image
 * @len: how many bytes @buf holds (64 KiB is enough for any image QEMU
 *       creates; a header whose parts lie beyond @len is reported truncated)
 *
 * Returns a new header the caller frees, or NULL with the error reported.
 */
vbQcow2Header *vbQcow2HeaderParse(const char *path, const uint8_t *buf, size_t len);
