/*
 * vbconf.h: the daemon's configuration files (virtblockd.conf, qemu.conf)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The syntax is libvirt's, so that an operator's habits (and most lines of
 * libvirt's own virtqemud.conf / qemu.conf) carry over:
 *
 *     # a comment
 *     max_clients = 5000
 *     user = "virtblockd-qemu"
 *     cgroup_device_acl = [ "/dev/null", "/dev/full" ]
 *
 * A setting is a name, '=', and an integer, a string in single, double or
 * triple double quotes (no escapes), or a list of such values in brackets;
 * settings are separated by newlines or ';'.  A name set twice is an error
 * (libvirt silently takes the first).
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct _vbConf vbConf;

/**
 * vbConfReadFile:
 * Parses @path.  A missing file is an empty configuration (every setting
 * at its default).  Returns NULL with VIR_ERR_CONF_SYNTAX naming the file
 * and line for a syntax error, or a system error when the file exists but
 * cannot be read; a file larger than 1 MiB is refused, and so is anything
 * but a regular file (VIR_ERR_OPERATION_INVALID; a FIFO is never opened).
 */
vbConf *vbConfReadFile(const char *path);

/* The same for @content; @name stands for the file in errors. */
vbConf *vbConfReadString(const char *name, const char *content);

void vbConfFree(vbConf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbConf, vbConfFree);

/*
 * The getters return 1 with *@value set when @name is set, 0 leaving
 * *@value untouched when it is not (the caller's default stays), and -1
 * with VIR_ERR_CONF_SYNTAX naming the file and setting when the value has
 * the wrong type or range.
 */
int vbConfGetString(vbConf *conf, const char *name, char **value);
/* A list of strings; a single string is taken as a list of one. */
int vbConfGetStringList(vbConf *conf, const char *name, char ***value);
/* 0 or 1 */
int vbConfGetBool(vbConf *conf, const char *name, bool *value);
int vbConfGetUInt(vbConf *conf, const char *name, unsigned int *value);
int vbConfGetULLong(vbConf *conf, const char *name, unsigned long long *value);

/* Logs a warning for every setting whose name is not in the NULL-ended
 * @known (a typo would otherwise be ignored silently). */
void vbConfWarnUnknown(vbConf *conf, const char *const *known);
