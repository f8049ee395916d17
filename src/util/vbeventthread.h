/*
 * vbeventthread.h: a GLib main loop running on a thread of its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Monitor I/O, the capability probe and the tests' fake servers each need a
 * context that some thread iterates.  vbEventThreadNew returns only once the
 * loop runs, and vbEventThreadFree stops it from inside, so a stop that comes
 * right after the start (a daemon failing at start-up) is never lost.
 */

#pragma once

#include <glib.h>

typedef struct _vbEventThread vbEventThread;

/* Starts a thread called @name (at most 15 characters show in ps) that
 * runs a main loop on a new context, the thread-default one there, and
 * waits until the loop dispatches.  Never returns NULL: like g_thread_new,
 * it aborts when no thread can be created. */
vbEventThread *vbEventThreadNew(const char *name);

/* The loop's context, valid until vbEventThreadFree; the caller does not own
 * it (take a reference to keep it longer). */
GMainContext *vbEventThreadGetContext(vbEventThread *evt);

/* Quits the loop from inside it, joins the thread and drops the context.
 * Sources still attached never run again: close what uses the context
 * first.  Not from the event thread itself. */
void vbEventThreadFree(vbEventThread *evt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbEventThread, vbEventThreadFree);
