/*
 * vbqemusaveimage.c: libvirt's save image, the file a memory snapshot is
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vbinternal.h"

#include "vbqemusaveimage.h"
#include "vberror.h"
#include "vbfile.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

static int
vbQemuSaveImageWriteAll(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

int
vbQemuSaveImageWriteHeader(int fd, const char *path, const char *xml, bool wasRunning)
{
    vbQemuSaveHeader header = {0};
    size_t xmlLen = strlen(xml) + 1;
    g_autofree char *data = NULL;

    if (xmlLen > VB_QEMU_SAVE_XML_MAX) {
        vbReportError(VIR_ERR_INTERNAL_ERROR,
                      _("domain XML of %zu bytes is too large for save image '%s'"), xmlLen, path);
        return -1;
    }
    memcpy(header.magic, VB_QEMU_SAVE_PARTIAL, sizeof(header.magic));
    header.version = VB_QEMU_SAVE_VERSION;
    header.data_len = xmlLen + VB_QEMU_SAVE_XML_PAD;
    header.was_running = wasRunning ? 1 : 0;
    /* what libvirt does after an XML without a cookie: none */
    data = g_new0(char, header.data_len);
    memcpy(data, xml, xmlLen);

    if (vbQemuSaveImageWriteAll(fd, &header, sizeof(header)) < 0 ||
        vbQemuSaveImageWriteAll(fd, data, header.data_len) < 0) {
        vbReportSystemError(errno, _("failed to write header to domain save file '%s'"), path);
        return -1;
    }
    return 0;
}

int
vbQemuSaveImageFinish(int fd, const char *path)
{
    ssize_t n;

    do {
        n = pwrite(fd, VB_QEMU_SAVE_MAGIC, sizeof(VB_QEMU_SAVE_MAGIC) - 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n != sizeof(VB_QEMU_SAVE_MAGIC) - 1) {
        vbReportSystemError(n < 0 ? errno : EIO,
                            _("failed to write header to domain save file '%s'"), path);
        return -1;
    }
    if (fsync(fd) < 0) {
        vbReportSystemError(errno, _("unable to sync file '%s'"), path);
        return -1;
    }
    return 0;
}

int
vbQemuSaveImageReadHeader(int fd, const char *path, char **xml, bool *wasRunning)
{
    vbQemuSaveHeader header;
    g_autofree char *data = NULL;
    gssize n;

    *xml = NULL;
    if ((n = vbFileReadAt(fd, &header, sizeof(header), 0)) < 0) {
        vbReportSystemError(errno, _("failed to read qemu header from '%s'"), path);
        return -1;
    }
    if (n != sizeof(header)) {
        vbReportError(VIR_ERR_OPERATION_FAILED, _("save image '%s' is too short"), path);
        return -1;
    }
    if (memcmp(header.magic, VB_QEMU_SAVE_MAGIC, sizeof(header.magic)) != 0) {
        if (memcmp(header.magic, VB_QEMU_SAVE_PARTIAL, sizeof(header.magic)) == 0)
            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("save image '%s' is incomplete: its writing never finished"), path);
        else
            vbReportError(VIR_ERR_OPERATION_FAILED,
                          _("image magic is incorrect in save image '%s'"), path);
        return -1;
    }
    if (header.version != VB_QEMU_SAVE_VERSION) {
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("image version is not supported (%u > %d) in save image '%s'"),
                      header.version, VB_QEMU_SAVE_VERSION, path);
        return -1;
    }
    if (header.compressed != 0) {
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("save image '%s' is compressed (format %u): only raw images can be read"),
                      path, header.compressed);
        return -1;
    }
    if (header.data_len == 0 || header.data_len > VB_QEMU_SAVE_XML_MAX + VB_QEMU_SAVE_XML_PAD ||
        header.cookieOffset >= header.data_len) {
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("save image '%s' has an invalid XML length %u (cookie at %u)"), path,
                      header.data_len, header.cookieOffset);
        return -1;
    }
    data = g_new0(char, header.data_len + 1);
    if ((n = vbFileReadAt(fd, data, header.data_len, sizeof(header))) < 0) {
        vbReportSystemError(errno, _("failed to read domain XML from '%s'"), path);
        return -1;
    }
    if (n != header.data_len || !memchr(data, '\0', header.data_len)) {
        vbReportError(VIR_ERR_OPERATION_FAILED,
                      _("save image '%s' is too short for its XML of %u bytes"), path,
                      header.data_len);
        return -1;
    }
    if (lseek(fd, sizeof(header) + header.data_len, SEEK_SET) < 0) {
        vbReportSystemError(errno, _("cannot seek in save image '%s'"), path);
        return -1;
    }
    *wasRunning = header.was_running != 0;
    *xml = g_strdup(data);
    return 0;
}
