/*
 * vbqemusaveimage.h: libvirt's save image, the file a memory snapshot is
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layout of libvirt 9.0's qemu_saveimage.h, so that a file written by
 * either daemon can be read by the other:
 *
 *   offset 0   "LibvirtQemudSave" (16 bytes, no NUL; "LibvirtQemudPart"
 *              while the file is being written)
 *          16  uint32 version (2), uint32 data_len, uint32 was_running,
 *              uint32 compressed (0: raw), uint32 cookieOffset (0: none),
 *              uint32 unused[14] (zero); host byte order
 *          92  the domain XML, NUL-terminated, [the cookie, NUL-terminated,]
 *              zeros up to data_len (64 KiB of room to edit the XML)
 *   92 + data_len  QEMU's migration stream ("QEVM...")
 */

#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define VB_QEMU_SAVE_MAGIC "LibvirtQemudSave"
#define VB_QEMU_SAVE_PARTIAL "LibvirtQemudPart"
#define VB_QEMU_SAVE_VERSION 2
/* the XML's room in the file as libvirt leaves it */
#define VB_QEMU_SAVE_XML_PAD (64 * 1024)
/* the largest XML we read back, as for a domain definition */
#define VB_QEMU_SAVE_XML_MAX (4 * 1024 * 1024)

typedef struct {
    char magic[sizeof(VB_QEMU_SAVE_MAGIC) - 1];
    uint32_t version;
    uint32_t data_len;
    uint32_t was_running;
    uint32_t compressed;
    uint32_t cookieOffset;
    uint32_t unused[14];
} vbQemuSaveHeader;
G_STATIC_ASSERT(sizeof(vbQemuSaveHeader) == 92);

/* Writes the header (marked partial) and @xml at @fd's start and leaves
 * @fd where QEMU's stream goes.  0, or -1 with the error naming @path. */
int vbQemuSaveImageWriteHeader(int fd, const char *path, const char *xml, bool wasRunning);

/* The stream is complete: the magic marks the file usable, and it is
 * flushed to disk.  0 or -1. */
int vbQemuSaveImageFinish(int fd, const char *path);

/* Reads and checks the header of @fd (a complete, uncompressed image of
 * our version) and leaves @fd at the stream.  *@xml: the domain XML
 * (g_free it), *@wasRunning: whether the guest ran when saved.  0, or -1
 * with VIR_ERR_OPERATION_FAILED naming @path and what is wrong. */
int vbQemuSaveImageReadHeader(int fd, const char *path, char **xml, bool *wasRunning);
