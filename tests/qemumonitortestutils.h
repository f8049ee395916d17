/*
 * qemumonitortestutils.h: a scripted fake QMP server, as strict as QEMU 7.2
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The server runs in its own thread on one end of a socketpair and plays a
 * script step by step: write bytes, expect a command and answer it, close.
 * Synchronisation is by the conversation itself (a step waits for the
 * command it expects), never by sleeping.  After the script it reads until
 * the client closes, so vbTestQMPFinish must come after vbMonitorClose.
 *
 * Every command received is checked against QEMU 7.2's QAPI schema (the
 * name, each key through unions and alternates, the JSON types, required
 * members); one QEMU would refuse fails the script, naming the command,
 * and the client sees EOF instead of a reply.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbjson.h"
#include "vbqemuschema.h"

typedef struct _vbTestQMP vbTestQMP;

vbTestQMP *vbTestQMPNew(void);
void vbTestQMPFree(vbTestQMP *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbTestQMP, vbTestQMPFree);

/* Writes @bytes as they are; @bytewise writes one byte per write(). */
void vbTestQMPAddWrite(vbTestQMP *t, const char *bytes, bool bytewise);
/* QEMU 7.2's greeting, then qmp_capabilities answered with success */
void vbTestQMPAddGreeting(vbTestQMP *t);
/* Reads one command, which must be @name, and writes @reply (NULL: none)
 * with "@ID@" replaced by the command's id and "@PREVID@" by the id of
 * the command before it. */
void vbTestQMPAddCommand(vbTestQMP *t, const char *name, const char *reply, bool bytewise);
/* Closes the server's end: the client sees EOF. */
void vbTestQMPAddClose(vbTestQMP *t);

/* Starts the server thread; returns the client's end of the socket. */
int vbTestQMPStart(vbTestQMP *t);
/* QEMU exits now, whatever the script: the client sees its end hang up
 * (the server thread, reading after its script, then ends). */
void vbTestQMPHangup(vbTestQMP *t);
/* Waits for the server; -1 (with a message on stderr) when the script was
 * not followed. */
int vbTestQMPFinish(vbTestQMP *t);

/* The commands received (including qmp_capabilities), without their "id" */
size_t vbTestQMPCommandCount(vbTestQMP *t);
vbJSONValue *vbTestQMPGetCommand(vbTestQMP *t, size_t idx);

/* QEMU 7.2's QAPI schema as recorded in tests/qemucapsdata, loaded on first
 * use (aborts if it cannot be). */
const vbQemuSchema *vbTestQMPGetSchema(void);
/* 0 if QEMU 7.2 accepts @cmd ("execute" and "arguments", without "id");
 * else -1 and *@error (when @error is not NULL) says where and why. */
int vbTestQMPValidateCommand(vbJSONValue *cmd, char **error);
