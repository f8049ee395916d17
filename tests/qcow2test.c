/*
 * qcow2test.c: the qcow2 header parser on crafted and real headers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbqcow2.h"
#include "testutils.h"

#define VB_FROM_THIS_FILE VIR_FROM_NONE

#define IMG "/images/top.qcow2"
#define BUFLEN 4096

/* What to put into a crafted header; zero fields take sane defaults. */
typedef struct {
    unsigned int version;      /* default 3 */
    unsigned int clusterBits;  /* default 16 */
    unsigned long long size;   /* default 1 GiB */
    unsigned int headerLength; /* v3 only; default 112 */
    unsigned long long incompat;
    unsigned int cryptMethod;
    unsigned int refcountOrder; /* default 4 */
    unsigned int compressionType;
    const char *backingName;   /* NULL: none */
    size_t backingNameLen;     /* 0: strlen */
    const char *backingFormat; /* NULL: no extension */
    unsigned int extraExtType; /* 0: none */
    const char *extraExtData;
    unsigned int extraExtLen;         /* written length field; 0: strlen(data) */
    unsigned long long backingOffset; /* 0: right after the extensions */
    size_t len;                       /* bytes handed to the parser; 0: BUFLEN */
} testHeaderSpec;

static void
putU32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void
putU64(uint8_t *p, uint64_t v)
{
    putU32(p, v >> 32);
    putU32(p + 4, v & 0xffffffff);
}

static size_t
putExt(uint8_t *buf, size_t off, uint32_t type, const void *data, uint32_t lenField, size_t dataLen)
{
    putU32(buf + off, type);
    putU32(buf + off + 4, lenField);
    memcpy(buf + off + 8, data, dataLen);
    return off + 8 + ((dataLen + 7) & ~(size_t) 7);
}

/* Builds a header in @buf (BUFLEN bytes) and returns how many bytes of it
 * the parser should see. */
static size_t
testBuildHeader(const testHeaderSpec *spec, uint8_t *buf)
{
    unsigned int version = spec->version ? spec->version : 3;
    unsigned int headerLength = spec->headerLength ? spec->headerLength : 112;
    size_t off;

    memset(buf, 0, BUFLEN);
    memcpy(buf, "QFI\xfb", 4);
    putU32(buf + 4, version);
    putU32(buf + 20, spec->clusterBits ? spec->clusterBits : 16);
    putU64(buf + 24, spec->size ? spec->size : 1ULL << 30);
    putU32(buf + 32, spec->cryptMethod);
    putU32(buf + 36, 2);       /* l1_size */
    putU64(buf + 40, 0x30000); /* l1_table_offset */
    putU64(buf + 48, 0x10000); /* refcount_table_offset */
    putU32(buf + 56, 1);       /* refcount_table_clusters */
    if (version >= 3) {
        putU64(buf + 72, spec->incompat);
        putU32(buf + 96, spec->refcountOrder ? spec->refcountOrder : 4);
        putU32(buf + 100, headerLength);
        buf[104] = spec->compressionType;
        off = MAX(headerLength, VB_QCOW2_HEADER_V3_LEN);
    } else {
        off = 72;
    }

    if (spec->backingFormat)
        off = putExt(buf, off, VB_QCOW2_EXT_BACKING_FORMAT, spec->backingFormat,
                     strlen(spec->backingFormat), strlen(spec->backingFormat));
    if (spec->extraExtType) {
        size_t dataLen = spec->extraExtData ? strlen(spec->extraExtData) : 0;

        off = putExt(buf, off, spec->extraExtType, spec->extraExtData ? spec->extraExtData : "",
                     spec->extraExtLen ? spec->extraExtLen : dataLen, dataLen);
    }
    off = putExt(buf, off, VB_QCOW2_EXT_END, "", 0, 0);

    if (spec->backingName) {
        size_t nameLen = spec->backingNameLen ? spec->backingNameLen : strlen(spec->backingName);
        unsigned long long nameOff = spec->backingOffset ? spec->backingOffset : off;

        /* a length beyond the string (NUL inside, or too long) copies the
         * string and its NUL; the rest of @buf is zero */
        size_t copyLen = MIN(nameLen, strlen(spec->backingName) + 1);

        if (nameOff + copyLen <= BUFLEN)
            memcpy(buf + nameOff, spec->backingName, copyLen);
        putU64(buf + 8, nameOff);
        putU32(buf + 16, nameLen);
    }
    return spec->len ? spec->len : BUFLEN;
}

/* ---- accepted headers ------------------------------------------------- */

typedef struct {
    const char *name;
    testHeaderSpec spec;
    unsigned int expVersion;
    unsigned long long expSize;
    const char *expBackingName;
    const char *expBackingFormatName;
    vbStorageFormat expBackingFormat;
    unsigned long long expIncompat;
} testAcceptData;

static int
testAccept(const void *opaque)
{
    const testAcceptData *data = opaque;
    uint8_t buf[BUFLEN];
    size_t len = testBuildHeader(&data->spec, buf);
    g_autoptr(vbQcow2Header) hdr = NULL;

    vbResetLastError();
    if (!(hdr = vbQcow2HeaderParse(IMG, buf, len))) {
        fprintf(stderr, "unexpected failure: %s\n", vbGetLastErrorMessage());
        return -1;
    }
    if (vbGetLastError()) {
        fprintf(stderr, "success with an error reported\n");
        return -1;
    }
    if (hdr->version != data->expVersion || hdr->size != data->expSize ||
        hdr->backingFormat != data->expBackingFormat ||
        hdr->incompatibleFeatures != data->expIncompat) {
        fprintf(stderr, "version %u size %llu format %d incompat 0x%llx\n", hdr->version, hdr->size,
                hdr->backingFormat, hdr->incompatibleFeatures);
        return -1;
    }
    if (vbTestCompareStrings(data->expBackingName ? data->expBackingName : "(none)",
                             hdr->backingName ? hdr->backingName : "(none)") < 0)
        return -1;
    return vbTestCompareStrings(data->expBackingFormatName ? data->expBackingFormatName : "(none)",
                                hdr->backingFormatName ? hdr->backingFormatName : "(none)");
}

/* ---- refused headers -------------------------------------------------- */

typedef struct {
    const char *name;
    testHeaderSpec spec;
    int expCode;
    const char *expMessage;
} testRefuseData;

static int
testRefuse(const void *opaque)
{
    const testRefuseData *data = opaque;
    uint8_t buf[BUFLEN];
    size_t len = testBuildHeader(&data->spec, buf);
    g_autoptr(vbQcow2Header) hdr = NULL;

    vbResetLastError();
    if ((hdr = vbQcow2HeaderParse(IMG, buf, len))) {
        fprintf(stderr, "header was accepted\n");
        return -1;
    }
    if (vbGetLastErrorCode() != data->expCode) {
        fprintf(stderr, "code %d, expected %d\n", vbGetLastErrorCode(), data->expCode);
        return -1;
    }
    if (vbGetLastError()->domain != VIR_FROM_STORAGE) {
        fprintf(stderr, "domain %d\n", vbGetLastError()->domain);
        return -1;
    }
    return vbTestCompareStrings(data->expMessage, vbGetLastErrorMessage());
}

static int
testNotQcow2(const void *opaque G_GNUC_UNUSED)
{
    const uint8_t raw[16] = "just raw bytes!";

    if (vbQcow2HasMagic(raw, sizeof(raw)) || vbQcow2HasMagic((const uint8_t *) "QFI", 3) ||
        vbQcow2HasMagic(NULL, 0))
        return -1;
    if (!vbQcow2HasMagic((const uint8_t *) "QFI\xfb", 4))
        return -1;
    if (vbQcow2HeaderParse(IMG, raw, sizeof(raw)))
        return -1;
    return vbTestCompareStrings("Requested operation is not valid: image '" IMG
                                "' is not in qcow2 format",
                                vbGetLastErrorMessage());
}

/* Every prefix of a valid header: refused (never read past @len) until the
 * backing file name is complete, accepted from there on. */
static int
testTruncated(const void *opaque G_GNUC_UNUSED)
{
    testHeaderSpec spec = {.backingName = "base.qcow2", .backingFormat = "qcow2"};
    uint8_t buf[BUFLEN];
    size_t need;
    size_t len;

    testBuildHeader(&spec, buf);
    /* 112 header + 8+8 format ext + 8 end + 10 name */
    need = 112 + 16 + 8 + 10;
    for (len = 0; len <= 256; len++) {
        g_autofree uint8_t *copy = g_memdup2(buf, len ? len : 1);
        g_autoptr(vbQcow2Header) hdr = vbQcow2HeaderParse(IMG, copy, len);

        if ((hdr != NULL) != (len >= need)) {
            fprintf(stderr, "len %zu: %s\n", len, hdr ? "accepted" : vbGetLastErrorMessage());
            return -1;
        }
        if (hdr && g_strcmp0(hdr->backingName, "base.qcow2") != 0)
            return -1;
    }
    return 0;
}

/* ---- real images ------------------------------------------------------ */

static char *qemuImg;

static int
testRunQemuImg(const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *errout = NULL;
    int status = 0;

    g_ptr_array_add(argv, qemuImg);
    for (; *args; args++)
        g_ptr_array_add(argv, (char *) *args);
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &errout, &status, &err) ||
        !g_spawn_check_wait_status(status, NULL)) {
        fprintf(stderr, "qemu-img failed: %s\n", err ? err->message : errout);
        return -1;
    }
    return 0;
}

typedef struct {
    const char *dir;
    const char *file;
    const char *const *args; /* after "create", before the file name */
    unsigned long long size;
    unsigned int expVersion;
    const char *expBackingName;
    vbStorageFormat expBackingFormat;
} testRealData;

static int
testReal(const void *opaque)
{
    const testRealData *data = opaque;
    g_autofree char *path = g_build_filename(data->dir, data->file, NULL);
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_autofree char *content = NULL;
    g_autoptr(vbQcow2Header) hdr = NULL;
    g_autofree char *sizeStr = g_strdup_printf("%llu", data->size);
    const char *const *a;
    gsize len = 0;

    g_ptr_array_add(args, (char *) "create");
    for (a = data->args; *a; a++)
        g_ptr_array_add(args, (char *) *a);
    g_ptr_array_add(args, path);
    g_ptr_array_add(args, sizeStr);
    g_ptr_array_add(args, NULL);
    if (testRunQemuImg((const char *const *) args->pdata) < 0)
        return -1;
    if (!g_file_get_contents(path, &content, &len, NULL))
        return -1;
    if (!(hdr = vbQcow2HeaderParse(path, (const uint8_t *) content, MIN(len, 65536)))) {
        fprintf(stderr, "%s\n", vbGetLastErrorMessage());
        return -1;
    }
    if (hdr->version != data->expVersion || hdr->size != data->size ||
        hdr->backingFormat != data->expBackingFormat || hdr->incompatibleFeatures != 0) {
        fprintf(stderr, "version %u size %llu format %d\n", hdr->version, hdr->size,
                hdr->backingFormat);
        return -1;
    }
    return vbTestCompareStrings(data->expBackingName ? data->expBackingName : "(none)",
                                hdr->backingName ? hdr->backingName : "(none)");
}

static const testAcceptData acceptCases[] = {
    {"v2 without backing", {.version = 2}, 2, 1ULL << 30, NULL, NULL, VB_STORAGE_FORMAT_NONE, 0},
    {"v2 with backing and format",
     {.version = 2, .backingName = "base.raw", .backingFormat = "raw"},
     2,
     1ULL << 30,
     "base.raw",
     "raw",
     VB_STORAGE_FORMAT_RAW,
     0},
    {"v3 with qcow2 backing",
     {.backingName = "/images/base.qcow2", .backingFormat = "qcow2", .size = 12345678},
     3,
     12345678,
     "/images/base.qcow2",
     "qcow2",
     VB_STORAGE_FORMAT_QCOW2,
     0},
    {"v3 backing without format",
     {.backingName = "../dir/x"},
     3,
     1ULL << 30,
     "../dir/x",
     NULL,
     VB_STORAGE_FORMAT_NONE,
     0},
    {"v3 backing with unknown format",
     {.backingName = "b.vmdk", .backingFormat = "vmdk"},
     3,
     1ULL << 30,
     "b.vmdk",
     "vmdk",
     VB_STORAGE_FORMAT_NONE,
     0},
    {"v3 minimal header length 104",
     {.headerLength = 104},
     3,
     1ULL << 30,
     NULL,
     NULL,
     VB_STORAGE_FORMAT_NONE,
     0},
    {"dirty bit is fine",
     {.incompat = VB_QCOW2_INCOMPAT_DIRTY},
     3,
     1ULL << 30,
     NULL,
     NULL,
     VB_STORAGE_FORMAT_NONE,
     VB_QCOW2_INCOMPAT_DIRTY},
    {"zstd compression",
     {.incompat = VB_QCOW2_INCOMPAT_COMPRESSION, .compressionType = 1},
     3,
     1ULL << 30,
     NULL,
     NULL,
     VB_STORAGE_FORMAT_NONE,
     VB_QCOW2_INCOMPAT_COMPRESSION},
    {"extended L2 entries",
     {.incompat = VB_QCOW2_INCOMPAT_EXTL2},
     3,
     1ULL << 30,
     NULL,
     NULL,
     VB_STORAGE_FORMAT_NONE,
     VB_QCOW2_INCOMPAT_EXTL2},
    {"unknown extension skipped",
     {.backingName = "b",
      .backingFormat = "qcow2",
      .extraExtType = 0x12345678,
      .extraExtData = "hello"},
     3,
     1ULL << 30,
     "b",
     "qcow2",
     VB_STORAGE_FORMAT_QCOW2,
     0},
    {"feature name table skipped",
     {.extraExtType = VB_QCOW2_EXT_FEATURE_TABLE, .extraExtData = "\x01\x02whatever"},
     3,
     1ULL << 30,
     NULL,
     NULL,
     VB_STORAGE_FORMAT_NONE,
     0},
    {"backing name of 1023 bytes",
     {.backingName = NULL},
     3,
     1ULL << 30,
     NULL,
     NULL,
     VB_STORAGE_FORMAT_NONE,
     0},
};

#define OPINV VIR_ERR_OPERATION_INVALID
#define UNSUP VIR_ERR_CONFIG_UNSUPPORTED
#define P_OPINV "Requested operation is not valid: "
#define P_UNSUP "unsupported configuration: "

static const testRefuseData refuseCases[] = {
    {"version 1",
     {.version = 1},
     UNSUP,
     P_UNSUP "image '" IMG "' is qcow2 version 1; only versions 2 and 3 are supported"},
    {"version 4",
     {.version = 4},
     UNSUP,
     P_UNSUP "image '" IMG "' is qcow2 version 4; only versions 2 and 3 are supported"},
    {"corrupt bit",
     {.incompat = VB_QCOW2_INCOMPAT_CORRUPT},
     OPINV,
     P_OPINV "image '" IMG
             "' is marked corrupt; repair it with 'qemu-img check -r all' before using it"},
    {"external data file bit",
     {.incompat = VB_QCOW2_INCOMPAT_DATA_FILE},
     UNSUP,
     P_UNSUP "image '" IMG "' keeps its data in an external data file, which is not supported"},
    {"external data file extension",
     {.extraExtType = VB_QCOW2_EXT_DATA_FILE, .extraExtData = "/data/raw.img"},
     UNSUP,
     P_UNSUP "image '" IMG
             "' keeps its data in the external data file '/data/raw.img', which is not supported"},
    {"unknown incompatible bit 5",
     {.incompat = 1ULL << 5},
     UNSUP,
     P_UNSUP "image '" IMG "' uses the unknown incompatible qcow2 feature bit 5"},
    {"unknown incompatible bit 63 with dirty",
     {.incompat = (1ULL << 63) | VB_QCOW2_INCOMPAT_DIRTY},
     UNSUP,
     P_UNSUP "image '" IMG "' uses the unknown incompatible qcow2 feature bit 63"},
    {"encrypted",
     {.cryptMethod = 2},
     UNSUP,
     P_UNSUP "image '" IMG "' is encrypted (method 2), which is not supported"},
    {"cluster bits too small",
     {.clusterBits = 8},
     OPINV,
     P_OPINV "image '" IMG "' has an invalid cluster size (cluster_bits 8)"},
    {"cluster bits too large",
     {.clusterBits = 22},
     OPINV,
     P_OPINV "image '" IMG "' has an invalid cluster size (cluster_bits 22)"},
    {"header length too short",
     {.headerLength = 100},
     OPINV,
     P_OPINV "image '" IMG "' has an invalid qcow2 header length 100"},
    {"header length beyond cluster",
     {.clusterBits = 9, .headerLength = 1024},
     OPINV,
     P_OPINV "image '" IMG "' has an invalid qcow2 header length 1024"},
    {"refcount order 7",
     {.refcountOrder = 7},
     OPINV,
     P_OPINV "image '" IMG "' has an invalid refcount order 7"},
    {"compression type without feature bit",
     {.compressionType = 1},
     OPINV,
     P_OPINV "image '" IMG "' has an invalid compression type 1"},
    {"compression type 2",
     {.incompat = VB_QCOW2_INCOMPAT_COMPRESSION, .compressionType = 2},
     OPINV,
     P_OPINV "image '" IMG "' has an invalid compression type 2"},
    {"v2 header truncated",
     {.version = 2, .len = 71},
     OPINV,
     P_OPINV "qcow2 header of image '" IMG "' is truncated (71 bytes)"},
    {"v3 header truncated",
     {.len = 100},
     OPINV,
     P_OPINV "qcow2 header of image '" IMG "' is truncated (100 bytes)"},
    {"v3 header length beyond buffer",
     {.len = 108},
     OPINV,
     P_OPINV "qcow2 header of image '" IMG "' is truncated (108 bytes)"},
    {"backing name with newline",
     {.backingName = "a\nb", .backingFormat = "raw"},
     OPINV,
     P_OPINV "backing file name of image '" IMG "' contains control characters or is not UTF-8"},
    {"backing name with NUL",
     {.backingName = "a\0b", .backingNameLen = 3},
     OPINV,
     P_OPINV "backing file name of image '" IMG "' contains control characters or is not UTF-8"},
    {"backing name not UTF-8",
     {.backingName = "a\xff"},
     OPINV,
     P_OPINV "backing file name of image '" IMG "' contains control characters or is not UTF-8"},
    {"backing name beyond first cluster",
     {.clusterBits = 9, .backingName = "b", .backingOffset = 512},
     OPINV,
     P_OPINV "backing file name of image '" IMG
             "' lies outside its first cluster (offset 512, size 1)"},
    {"backing name too long",
     {.backingName = "b", .backingNameLen = 1024},
     OPINV,
     P_OPINV "backing file name of image '" IMG
             "' lies outside its first cluster (offset 120, size 1024)"},
    {"backing name inside the header",
     {.backingName = "b", .backingOffset = 64},
     OPINV,
     P_OPINV "backing file name of image '" IMG
             "' lies outside its first cluster (offset 64, size 1)"},
    {"backing name beyond buffer",
     {.backingName = "base", .backingOffset = 3000, .len = 3002},
     OPINV,
     P_OPINV "backing file name of image '" IMG "' extends beyond the 3002 bytes read"},
    {"extension larger than its space",
     {.backingName = "base",
      .backingOffset = 200,
      .extraExtType = 0x1234,
      .extraExtData = "x",
      .extraExtLen = 100},
     OPINV,
     P_OPINV "header extension 0x00001234 of image '" IMG "' is too large (100 bytes)"},
    {"extensions beyond buffer",
     {.len = 116},
     OPINV,
     P_OPINV "header extensions of image '" IMG "' extend beyond the 116 bytes read"},
    {"empty backing format",
     {.backingName = "b", .backingFormat = ""},
     OPINV,
     P_OPINV "backing format extension of image '" IMG "' is invalid"},
    {"backing format too long",
     {.backingName = "b", .backingFormat = "qcow2qcow2qcow2qcow2"},
     OPINV,
     P_OPINV "backing format extension of image '" IMG "' is invalid"},
};

static int
mymain(void)
{
    int ret = 0;
    size_t i;
    g_autofree char *dir = NULL;
    g_autofree char *longName = g_strnfill(VB_QCOW2_BACKING_NAME_MAX, 'n');
    testAcceptData longCase = acceptCases[G_N_ELEMENTS(acceptCases) - 1];

    for (i = 0; i + 1 < G_N_ELEMENTS(acceptCases); i++) {
        if (vbTestRun(acceptCases[i].name, testAccept, &acceptCases[i]) < 0)
            ret = -1;
    }
    longCase.spec.backingName = longName;
    longCase.expBackingName = longName;
    if (vbTestRun(longCase.name, testAccept, &longCase) < 0)
        ret = -1;

    for (i = 0; i < G_N_ELEMENTS(refuseCases); i++) {
        if (vbTestRun(refuseCases[i].name, testRefuse, &refuseCases[i]) < 0)
            ret = -1;
    }
    if (vbTestRun("raw bytes are not qcow2", testNotQcow2, NULL) < 0)
        ret = -1;
    if (vbTestRun("every truncation of a header", testTruncated, NULL) < 0)
        ret = -1;

    if (!(qemuImg = g_find_program_in_path("qemu-img"))) {
        fprintf(stderr, "qemu-img not found: real image cases skipped\n");
        return ret;
    }
    dir = vbTestMakeTempDir();
    {
        const char *v2[] = {"-q", "-f", "qcow2", "-o", "compat=0.10", NULL};
        const char *v3[] = {"-q", "-f", "qcow2", "-o", "compat=1.1", NULL};
        const char *withFmt[] = {"-q", "-f", "qcow2", "-u", "-b", "v3.qcow2", "-F", "qcow2", NULL};
        const char *withRaw[] = {"-q", "-f",  "qcow2", "-u", "-b", "/nonexistent/base.raw",
                                 "-F", "raw", NULL};
        const char *v2Backing[] = {"-q",          "-f",    "qcow2", "-o",
                                   "compat=0.10", "-u",    "-b",    "../x/v2.qcow2",
                                   "-F",          "qcow2", NULL};
        const testRealData real[] = {
            {dir, "v2.qcow2", v2, 1048576, 2, NULL, VB_STORAGE_FORMAT_NONE},
            {dir, "v3.qcow2", v3, 10737418240ULL, 3, NULL, VB_STORAGE_FORMAT_NONE},
            {dir, "overlay.qcow2", withFmt, 2097152, 3, "v3.qcow2", VB_STORAGE_FORMAT_QCOW2},
            {dir, "on-raw.qcow2", withRaw, 4096, 3, "/nonexistent/base.raw", VB_STORAGE_FORMAT_RAW},
            {dir, "v2-overlay.qcow2", v2Backing, 65536, 2, "../x/v2.qcow2",
             VB_STORAGE_FORMAT_QCOW2},
        };

        for (i = 0; i < G_N_ELEMENTS(real); i++) {
            g_autofree char *name = g_strdup_printf("qemu-img %s", real[i].file);

            if (vbTestRun(name, testReal, &real[i]) < 0)
                ret = -1;
        }
    }
    vbTestCleanupDir(dir);
    g_free(qemuImg);
    return ret;
}

VB_TEST_MAIN(mymain)
