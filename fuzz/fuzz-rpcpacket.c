/*
 * fuzz-rpcpacket.c: libFuzzer harness for the RPC packet decoders
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is one packet, length word included.  The header goes
 * through the framing checks; the payload through the decoder its header
 * names (program and procedure) and then through every payload decoder
 * of every program's procedure table, since a hostile client chooses
 * both numbers.  Whatever decodes
 * must encode back to the very same bytes: the decoders accept only the
 * canonical encoding (zero padding, 0/1 discriminants, no trailing data),
 * and be no longer than vbRemoteTypeMaxEncodedSize, the bound the server
 * applies to a call's size before reading it.
 */

#include "vbinternal.h"

#include <stdlib.h>
#include <string.h>

#include "vberror.h"
#include "vbremoteprotocol.h"
#include "vbrpcpacket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzzDecodeAs(const vbRemoteType *type, const uint8_t *payload, size_t len)
{
    void *obj = vbRemotePayloadNew(type);

    if (vbRemotePayloadDecode(type, payload, len, obj) == 0) {
        GByteArray *out = g_byte_array_new();

        /* the server refuses a CALL longer than this from its header
         * alone: nothing the decoder accepts may be longer */
        if (len > vbRemoteTypeMaxEncodedSize(type))
            abort();

        if (vbRemotePayloadEncode(type, obj, out) < 0 || out->len != len ||
            (len > 0 && memcmp(out->data, payload, len) != 0))
            abort();
        g_byte_array_unref(out);
    }
    vbRemotePayloadFree(type, obj);
    vbResetLastError();
}

static void
fuzzDecodeError(const uint8_t *payload, size_t len)
{
    vbError *err = NULL;
    vbXdrDecoder dec;

    vbXdrDecoderInit(&dec, payload, len);
    if (vbRPCErrorDecode(&dec, &err) == 0) {
        GByteArray *out = g_byte_array_new();

        if (vbRPCErrorEncode(out, err) < 0)
            abort();
        g_byte_array_unref(out);
        vbErrorFree(err);
    }
    vbResetLastError();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const vbRemoteProgram *programs;
    const vbRemoteProgram *program;
    const vbRemoteProc *proc = NULL;
    const uint8_t *payload;
    size_t payloadLen;
    vbRPCHeader hdr;
    size_t nprograms;
    size_t i;
    size_t j;

    if (vbRPCPacketParse(data, size, &hdr, &payload, &payloadLen) < 0) {
        vbResetLastError();
        return 0;
    }

    if ((program = vbRemoteProgramLookup(hdr.prog, hdr.vers)))
        proc = vbRemoteProgramProcLookup(program, hdr.proc);
    if (proc) {
        if (hdr.type == VB_RPC_TYPE_REPLY && hdr.status == VB_RPC_STATUS_ERROR)
            fuzzDecodeError(payload, payloadLen);
        else if (hdr.type == VB_RPC_TYPE_REPLY)
            fuzzDecodeAs(proc->ret, payload, payloadLen);
        else
            fuzzDecodeAs(proc->args, payload, payloadLen);
    }

    programs = vbRemoteProgramList(&nprograms);
    for (i = 0; i < nprograms; i++) {
        for (j = 0; j < programs[i].nprocs; j++) {
            fuzzDecodeAs(programs[i].procs[j].args, payload, payloadLen);
            fuzzDecodeAs(programs[i].procs[j].ret, payload, payloadLen);
        }
    }
    fuzzDecodeError(payload, payloadLen);
    return 0;
}
