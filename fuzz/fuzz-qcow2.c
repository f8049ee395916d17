/*
 * fuzz-qcow2.c: libFuzzer harness for the qcow2 header parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parser reads backing chains from images a guest may have written, so
 * any byte sequence must give a header or an error, never a crash, a read
 * outside the buffer or a leak.  Seeds: fuzz/corpus/fuzz-qcow2/.
 */

#include <stdint.h>
#include <string.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbqcow2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(vbQcow2Header) hdr = vbQcow2HeaderParse("fuzz.qcow2", data, size);

    if (hdr) {
        /* what the parser promises about an accepted header */
        if (hdr->version != 2 && hdr->version != 3)
            __builtin_trap();
        if (hdr->backingName && (strlen(hdr->backingName) == 0 ||
                                 strlen(hdr->backingName) > VB_QCOW2_BACKING_NAME_MAX ||
                                 strchr(hdr->backingName, '\n')))
            __builtin_trap();
        if (hdr->incompatibleFeatures & (VB_QCOW2_INCOMPAT_CORRUPT | VB_QCOW2_INCOMPAT_DATA_FILE))
            __builtin_trap();
    }
    vbResetLastError();
    return 0;
}
