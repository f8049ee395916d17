/*
 * vbqcow2.c: reading a qcow2 image header from a byte buffer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbqcow2.h"

#define VB_FROM_THIS_FILE VIR_FROM_STORAGE

/* Offsets of the fixed header fields (all big-endian) */
#define QCOW2_OFF_MAGIC 0
#define QCOW2_OFF_VERSION 4
#define QCOW2_OFF_BACKING_OFFSET 8
#define QCOW2_OFF_BACKING_SIZE 16
#define QCOW2_OFF_CLUSTER_BITS 20
#define QCOW2_OFF_SIZE 24
#define QCOW2_OFF_CRYPT_METHOD 32
#define QCOW2_OFF_INCOMPAT 72
#define QCOW2_OFF_COMPAT 80
#define QCOW2_OFF_AUTOCLEAR 88
#define QCOW2_OFF_REFCOUNT_ORDER 96
#define QCOW2_OFF_HEADER_LENGTH 100
#define QCOW2_OFF_COMPRESSION_TYPE 104

#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_MAX_REFCOUNT_ORDER 6
/* QEMU keeps the backing format in a 16-byte buffer, NUL included */
#define QCOW2_BACKING_FORMAT_MAX 15

/* Every incompatible feature QEMU 7.2 knows */
#define QCOW2_INCOMPAT_KNOWN \
    (VB_QCOW2_INCOMPAT_DIRTY | VB_QCOW2_INCOMPAT_CORRUPT | VB_QCOW2_INCOMPAT_DATA_FILE | \
     VB_QCOW2_INCOMPAT_COMPRESSION | VB_QCOW2_INCOMPAT_EXTL2)

static const uint8_t qcow2Magic[4] = {'Q', 'F', 'I', 0xfb};

static uint32_t
vbQcow2ReadU32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) |
           (uint32_t) p[3];
}

static uint64_t
vbQcow2ReadU64(const uint8_t *p)
{
    return ((uint64_t) vbQcow2ReadU32(p) << 32) | vbQcow2ReadU32(p + 4);
}

void
vbQcow2HeaderFree(vbQcow2Header *hdr)
{
    if (!hdr)
        return;
    g_free(hdr->backingName);
    g_free(hdr->backingFormatName);
    g_free(hdr);
}

bool
vbQcow2HasMagic(const uint8_t *buf, size_t len)
{
    return buf && len >= sizeof(qcow2Magic) && memcmp(buf, qcow2Magic, sizeof(qcow2Magic)) == 0;
}

/* A name stored in the image: UTF-8 without control characters.  Returns
 * a NUL-terminated copy, or NULL if the bytes are not acceptable. */
static char *
vbQcow2CopyName(const uint8_t *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (data[i] < 0x20 || data[i] == 0x7f)
            return NULL;
    }
    if (!g_utf8_validate((const char *) data, len, NULL))
        return NULL;
    return g_strndup((const char *) data, len);
}

static int
vbQcow2ParseFeatures(const char *path, vbQcow2Header *hdr)
{
    uint64_t unknown = hdr->incompatibleFeatures & ~QCOW2_INCOMPAT_KNOWN;

    if (unknown) {
        unsigned int bit = 0;

        while (!(unknown & (1ULL << bit)))
            bit++;
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("image '%s' uses the unknown incompatible qcow2 feature bit %u"), path,
                      bit);
        return -1;
    }
    if (hdr->incompatibleFeatures & VB_QCOW2_INCOMPAT_CORRUPT) {
        /* clang-format off */
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("image '%s' is marked corrupt; repair it with 'qemu-img check -r all' before using it"),
                      path);
        /* clang-format on */
        return -1;
    }
    if (hdr->incompatibleFeatures & VB_QCOW2_INCOMPAT_DATA_FILE) {
        vbReportError(
            VIR_ERR_CONFIG_UNSUPPORTED,
            _("image '%s' keeps its data in an external data file, which is not supported"), path);
        return -1;
    }
    return 0;
}

/* Walks the header extensions from @start up to @end (exclusive), within
 * @len bytes of @buf. */
static int
vbQcow2ParseExtensions(const char *path, const uint8_t *buf, size_t len, size_t start, size_t end,
                       vbQcow2Header *hdr)
{
    size_t offset = start;

    while (offset < end) {
        uint32_t type;
        uint32_t extlen;

        if (end - offset < 8) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("header extension at offset %zu of image '%s' is cut off"), offset,
                          path);
            return -1;
        }
        if (len < offset + 8) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("header extensions of image '%s' extend beyond the %zu bytes read"),
                          path, len);
            return -1;
        }
        type = vbQcow2ReadU32(buf + offset);
        extlen = vbQcow2ReadU32(buf + offset + 4);
        offset += 8;

        if (type == VB_QCOW2_EXT_END)
            return 0;

        if (extlen > end - offset) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("header extension 0x%08x of image '%s' is too large (%u bytes)"), type,
                          path, extlen);
            return -1;
        }
        if (extlen > len - offset) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("header extensions of image '%s' extend beyond the %zu bytes read"),
                          path, len);
            return -1;
        }

        switch (type) {
        case VB_QCOW2_EXT_BACKING_FORMAT: {
            g_autofree char *name = NULL;

            if (extlen == 0 || extlen > QCOW2_BACKING_FORMAT_MAX ||
                !(name = vbQcow2CopyName(buf + offset, extlen))) {
                vbReportError(VIR_ERR_OPERATION_INVALID,
                              _("backing format extension of image '%s' is invalid"), path);
                return -1;
            }
            g_free(hdr->backingFormatName);
            hdr->backingFormatName = g_steal_pointer(&name);
            break;
        }
        case VB_QCOW2_EXT_DATA_FILE: {
            g_autofree char *name = vbQcow2CopyName(buf + offset, extlen);

            /* clang-format off */
            vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          _("image '%s' keeps its data in the external data file '%s', which is not supported"),
                          path, name ? name : "?");
            /* clang-format on */
            return -1;
        }
        default:
            /* feature name table, bitmaps, encryption header: not needed
             * to follow a chain */
            break;
        }

        /* data is padded to a multiple of 8 bytes; padding that runs past
         * @end just ends the walk, as in QEMU */
        offset += extlen;
        if (end - offset < (8 - extlen % 8) % 8)
            return 0;
        offset += (8 - extlen % 8) % 8;
    }
    return 0;
}

vbQcow2Header *
vbQcow2HeaderParse(const char *path, const uint8_t *buf, size_t len)
{
    g_autoptr(vbQcow2Header) hdr = g_new0(vbQcow2Header, 1);
    uint64_t backingOffset;
    uint32_t backingSize;
    uint32_t cryptMethod;
    size_t clusterSize;
    size_t extEnd;

    if (!vbQcow2HasMagic(buf, len)) {
        vbReportError(VIR_ERR_OPERATION_INVALID, _("image '%s' is not in qcow2 format"), path);
        return NULL;
    }
    if (len < VB_QCOW2_HEADER_V2_LEN) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("qcow2 header of image '%s' is truncated (%zu bytes)"), path, len);
        return NULL;
    }

    hdr->version = vbQcow2ReadU32(buf + QCOW2_OFF_VERSION);
    if (hdr->version != 2 && hdr->version != 3) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("image '%s' is qcow2 version %u; only versions 2 and 3 are supported"),
                      path, hdr->version);
        return NULL;
    }

    hdr->clusterBits = vbQcow2ReadU32(buf + QCOW2_OFF_CLUSTER_BITS);
    if (hdr->clusterBits < QCOW2_MIN_CLUSTER_BITS || hdr->clusterBits > QCOW2_MAX_CLUSTER_BITS) {
        vbReportError(VIR_ERR_OPERATION_INVALID,
                      _("image '%s' has an invalid cluster size (cluster_bits %u)"), path,
                      hdr->clusterBits);
        return NULL;
    }
    clusterSize = (size_t) 1 << hdr->clusterBits;
    hdr->size = vbQcow2ReadU64(buf + QCOW2_OFF_SIZE);

    cryptMethod = vbQcow2ReadU32(buf + QCOW2_OFF_CRYPT_METHOD);
    if (cryptMethod != 0) {
        vbReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      _("image '%s' is encrypted (method %u), which is not supported"), path,
                      cryptMethod);
        return NULL;
    }

    if (hdr->version == 2) {
        hdr->headerLength = VB_QCOW2_HEADER_V2_LEN;
        hdr->refcountOrder = 4;
    } else {
        if (len < VB_QCOW2_HEADER_V3_LEN) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("qcow2 header of image '%s' is truncated (%zu bytes)"), path, len);
            return NULL;
        }
        hdr->incompatibleFeatures = vbQcow2ReadU64(buf + QCOW2_OFF_INCOMPAT);
        hdr->compatibleFeatures = vbQcow2ReadU64(buf + QCOW2_OFF_COMPAT);
        hdr->autoclearFeatures = vbQcow2ReadU64(buf + QCOW2_OFF_AUTOCLEAR);
        hdr->refcountOrder = vbQcow2ReadU32(buf + QCOW2_OFF_REFCOUNT_ORDER);
        hdr->headerLength = vbQcow2ReadU32(buf + QCOW2_OFF_HEADER_LENGTH);

        if (hdr->headerLength < VB_QCOW2_HEADER_V3_LEN || hdr->headerLength > clusterSize) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("image '%s' has an invalid qcow2 header length %u"), path,
                          hdr->headerLength);
            return NULL;
        }
        if (hdr->headerLength > len) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("qcow2 header of image '%s' is truncated (%zu bytes)"), path, len);
            return NULL;
        }
        if (hdr->refcountOrder > QCOW2_MAX_REFCOUNT_ORDER) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("image '%s' has an invalid refcount order %u"), path,
                          hdr->refcountOrder);
            return NULL;
        }
        if (vbQcow2ParseFeatures(path, hdr) < 0)
            return NULL;

        if (hdr->headerLength > QCOW2_OFF_COMPRESSION_TYPE)
            hdr->compressionType = buf[QCOW2_OFF_COMPRESSION_TYPE];
        if (hdr->compressionType > 1 ||
            (hdr->compressionType != 0 &&
             !(hdr->incompatibleFeatures & VB_QCOW2_INCOMPAT_COMPRESSION))) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("image '%s' has an invalid compression type %u"), path,
                          hdr->compressionType);
            return NULL;
        }
    }

    backingOffset = vbQcow2ReadU64(buf + QCOW2_OFF_BACKING_OFFSET);
    backingSize = vbQcow2ReadU32(buf + QCOW2_OFF_BACKING_SIZE);

    /* As QEMU: the extensions end where the backing file name starts, or
     * with the first cluster. */
    extEnd = clusterSize;
    if (backingOffset != 0) {
        if (backingOffset < hdr->headerLength || backingOffset >= clusterSize ||
            backingSize > VB_QCOW2_BACKING_NAME_MAX || backingSize > clusterSize - backingOffset) {
            /* clang-format off */
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("backing file name of image '%s' lies outside its first cluster (offset %llu, size %u)"),
                          path, (unsigned long long) backingOffset, backingSize);
            /* clang-format on */
            return NULL;
        }
        extEnd = backingOffset;
    }

    if (vbQcow2ParseExtensions(path, buf, len, hdr->headerLength, extEnd, hdr) < 0)
        return NULL;

    if (backingOffset != 0 && backingSize != 0) {
        if (backingOffset + backingSize > len) {
            vbReportError(VIR_ERR_OPERATION_INVALID,
                          _("backing file name of image '%s' extends beyond the %zu bytes read"),
                          path, len);
            return NULL;
        }
        if (!(hdr->backingName = vbQcow2CopyName(buf + backingOffset, backingSize))) {
            vbReportError(
                VIR_ERR_OPERATION_INVALID,
                _("backing file name of image '%s' contains control characters or is not UTF-8"),
                path);
            return NULL;
        }
    }

    if (hdr->backingFormatName) {
        int fmt = vbStorageFormatTypeFromString(hdr->backingFormatName);

        /* "none" is our name for "not stated", never a format on disk */
        if (fmt > VB_STORAGE_FORMAT_NONE)
            hdr->backingFormat = fmt;
    }

    return g_steal_pointer(&hdr);
}
