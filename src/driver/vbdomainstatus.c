/*
 * vbdomainstatus.c: the status file of a running domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "vbinternal.h"
#include "vbblockjob.h"
#include "vbdomainstatus.h"
#include "vbbuf.h"
#include "vberror.h"
#include "vblog.h"
#include "vbxml.h"

#define VB_FROM_THIS_FILE VIR_FROM_QEMU

VB_ENUM_DECL(vbDomainStateName);
VB_ENUM_IMPL(vbDomainStateName, VIR_DOMAIN_LAST, "nostate", "running", "blocked", "paused",
             "shutdown", "shutoff", "crashed", "pmsuspended");

static void
vbDomainStatusFormatCommitData(vbBuffer *buf, const vbBlockJobCommitData *commit)
{
    vbBufferEscapeString(buf, "<topparent node='%s'/>\n", commit->topParent);
    vbBufferEscapeString(buf, "<top node='%s'/>\n", commit->top);
    vbBufferEscapeString(buf, "<base node='%s'/>\n", commit->base);
    vbBufferEscapeText(buf, "<backingFile>%s</backingFile>\n", commit->backingFile);
    if (commit->deleteImages)
        vbBufferAddLit(buf, "<deleteCommittedImages/>\n");
}

/* The per-type data of @job, as child elements. */
static void
vbDomainStatusFormatJobData(vbBuffer *buf, const vbBlockJob *job)
{
    switch (job->type) {
    case VB_BLOCK_JOB_TYPE_COMMIT:
    case VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT:
        vbDomainStatusFormatCommitData(buf, &job->data.commit);
        break;
    case VB_BLOCK_JOB_TYPE_NONE:
    case VB_BLOCK_JOB_TYPE_PULL:
    case VB_BLOCK_JOB_TYPE_COPY:
    case VB_BLOCK_JOB_TYPE_BACKUP:
    case VB_BLOCK_JOB_TYPE_LAST:
        break;
    }
}

static void
vbDomainStatusFormatJob(vbBuffer *buf, const vbBlockJob *job)
{
    g_auto(vbBuffer) attrBuf = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) childBuf = VB_BUFFER_INIT_CHILD(buf);

    vbBufferEscapeString(&attrBuf, " name='%s'", job->name);
    vbBufferAsprintf(&attrBuf, " type='%s' state='%s'", vbBlockJobTypeTypeToString(job->type),
                     vbBlockJobStateTypeToString(job->state));
    if (job->newstate >= 0)
        vbBufferAsprintf(&attrBuf, " newstate='%s'", vbBlockJobStateTypeToString(job->newstate));
    vbBufferAsprintf(&attrBuf, " jobflags='0x%x'", job->jobflags);
    if (job->offline)
        vbBufferAddLit(&attrBuf, " offline='yes'");
    if (job->manualFinalize)
        vbBufferAddLit(&attrBuf, " autofinalize='no'");

    vbBufferEscapeString(&childBuf, "<disk dst='%s'/>\n", job->disk);
    vbDomainStatusFormatJobData(&childBuf, job);
    vbBufferEscapeText(&childBuf, "<errmsg>%s</errmsg>\n", job->errmsg);
    vbXMLFormatElement(buf, "blockjob", &attrBuf, &childBuf);
}

char *
vbDomainStatusFormat(vbDomainObj *vm)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    g_autoptr(GList) names = NULL;
    GList *n;

    vbBufferAsprintf(&buf, "<domstatus state='%s' reason='%d' pid='%lld' id='%d'%s%s>\n",
                     vbDomainStateNameTypeToString(vm->state), vm->reason, (long long) vm->pid,
                     vm->id, vm->persistent ? " persistent='yes'" : "",
                     vm->offline ? " offline='yes'" : "");
    vbBufferAdjustIndent(&buf, 2);
    vbBufferEscapeString(&buf, "<monitor path='%s'/>\n", vm->monitorPath ? vm->monitorPath : "");
    vbBufferAsprintf(&buf, "<nodeindex last='%u'/>\n", vm->nodenameIndex);
    if (vm->gotShutdown)
        vbBufferAddLit(&buf, "<gotShutdown/>\n");
    if (vm->quiesced)
        vbBufferAddLit(&buf, "<quiesced/>\n");
    if (vm->dacLabel)
        vbBufferAsprintf(&buf, "<dac user='%u' group='%u' remember='%s'%s/>\n",
                         (unsigned int) vm->dacLabel->user, (unsigned int) vm->dacLabel->group,
                         vm->dacLabel->remember ? "yes" : "no",
                         vm->dacLabel->disksOnly ? " disksOnly='yes'" : "");

    /* Sorted, so the file does not change with hash order. */
    names = g_list_sort(g_hash_table_get_keys(vm->blockjobs), (GCompareFunc) strcmp);
    vbBufferAddLit(&buf, "<blockjobs>\n");
    vbBufferAdjustIndent(&buf, 2);
    for (n = names; n; n = n->next)
        vbDomainStatusFormatJob(&buf, g_hash_table_lookup(vm->blockjobs, n->data));
    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "</blockjobs>\n");

    if (vbDomainDefFormatBuf(&buf, vm->def, VB_DOMAIN_DEF_FORMAT_STATUS) < 0)
        return NULL;
    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "</domstatus>\n");
    return vbBufferContentAndReset(&buf);
}

static char *
vbDomainStatusChildProp(const xmlNode *node, const char *child, const char *name)
{
    xmlNode *c = vbXMLChildElement(node, child);

    return c ? vbXMLPropString(c, name) : NULL;
}

static char *
vbDomainStatusChildText(const xmlNode *node, const char *child)
{
    xmlNode *c = vbXMLChildElement(node, child);

    return c ? vbXMLNodeContent(c) : NULL;
}

static void
vbDomainStatusParseCommitData(const xmlNode *node, vbBlockJobCommitData *commit)
{
    commit->topParent = vbDomainStatusChildProp(node, "topparent", "node");
    commit->top = vbDomainStatusChildProp(node, "top", "node");
    commit->base = vbDomainStatusChildProp(node, "base", "node");
    commit->deleteImages = vbXMLChildElement(node, "deleteCommittedImages") != NULL;
    commit->backingFile = vbDomainStatusChildText(node, "backingFile");
}

/* The per-type data of @job from the children of @node. */
static void
vbDomainStatusParseJobData(const xmlNode *node, vbBlockJob *job)
{
    switch (job->type) {
    case VB_BLOCK_JOB_TYPE_COMMIT:
    case VB_BLOCK_JOB_TYPE_ACTIVE_COMMIT:
        vbDomainStatusParseCommitData(node, &job->data.commit);
        break;
    case VB_BLOCK_JOB_TYPE_NONE:
    case VB_BLOCK_JOB_TYPE_PULL:
    case VB_BLOCK_JOB_TYPE_COPY:
    case VB_BLOCK_JOB_TYPE_BACKUP:
    case VB_BLOCK_JOB_TYPE_LAST:
        /* No data: a job we never start is dropped on reconnect. */
        break;
    }
}

static vbBlockJob *
vbDomainStatusParseJob(const xmlNode *node)
{
    g_autofree char *name = vbXMLPropString(node, "name");
    g_autofree char *type = vbXMLPropString(node, "type");
    g_autofree char *state = vbXMLPropString(node, "state");
    g_autofree char *newstate = vbXMLPropString(node, "newstate");
    g_autofree char *flags = vbXMLPropString(node, "jobflags");
    g_autofree char *offline = vbXMLPropString(node, "offline");
    g_autofree char *autofinalize = vbXMLPropString(node, "autofinalize");
    g_autofree char *disk = vbDomainStatusChildProp(node, "disk", "dst");
    g_autoptr(vbBlockJob) job = NULL;
    guint64 jobflags = 0;
    int t;
    int s;

    if (!name || !disk || (t = vbBlockJobTypeTypeFromString(type)) <= 0 ||
        (s = vbBlockJobStateTypeFromString(state)) < 0 ||
        (newstate && vbBlockJobStateTypeFromString(newstate) < 0) ||
        (autofinalize && strcmp(autofinalize, "no") != 0) ||
        (flags && (!g_str_has_prefix(flags, "0x") ||
                   !g_ascii_string_to_unsigned(flags + 2, 16, 0, G_MAXUINT, &jobflags, NULL)))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("malformed block job '%s' in status file"),
                      NULLSTR(name));
        return NULL;
    }
    job = vbBlockJobNew(name, t, disk);
    job->state = s;
    job->newstate = newstate ? vbBlockJobStateTypeFromString(newstate) : -1;
    job->jobflags = jobflags;
    job->offline = g_strcmp0(offline, "yes") == 0;
    job->manualFinalize = autofinalize != NULL;
    vbDomainStatusParseJobData(node, job);
    job->errmsg = vbDomainStatusChildText(node, "errmsg");
    return g_steal_pointer(&job);
}

/* The attributes of <domstatus>; false if one is missing or malformed. */
static bool
vbDomainStatusParseRoot(const xmlNode *root, vbDomainObj *vm)
{
    g_autofree char *state = vbXMLPropString(root, "state");
    g_autofree char *reason = vbXMLPropString(root, "reason");
    g_autofree char *pid = vbXMLPropString(root, "pid");
    g_autofree char *id = vbXMLPropString(root, "id");
    gint64 r = 0;
    gint64 p;
    gint64 i;
    int s;

    if (!vbXMLNodeNameEqual(root, "domstatus") ||
        (s = vbDomainStateNameTypeFromString(state)) < 0 || !pid || !id ||
        !g_ascii_string_to_signed(pid, 10, 0, G_MAXINT, &p, NULL) ||
        !g_ascii_string_to_signed(id, 10, -1, G_MAXINT, &i, NULL) ||
        (reason && !g_ascii_string_to_signed(reason, 10, 0, G_MAXINT, &r, NULL)))
        return false;
    vm->state = s;
    vm->reason = r;
    vm->pid = p;
    vm->id = i;
    return true;
}

/* <dac>: whom the files of the running QEMU were given to */
static int
vbDomainStatusParseDAC(const xmlNode *root, vbDomainObj *vm)
{
    xmlNode *node = vbXMLChildElement(root, "dac");
    g_autofree char *user = NULL;
    g_autofree char *group = NULL;
    g_autofree char *remember = NULL;
    g_autofree char *disksOnly = NULL;
    guint64 u;
    guint64 g;

    if (!node)
        return 0;
    user = vbXMLPropString(node, "user");
    group = vbXMLPropString(node, "group");
    remember = vbXMLPropString(node, "remember");
    disksOnly = vbXMLPropString(node, "disksOnly");
    if (!user || !group || !g_ascii_string_to_unsigned(user, 10, 0, G_MAXUINT32 - 1, &u, NULL) ||
        !g_ascii_string_to_unsigned(group, 10, 0, G_MAXUINT32 - 1, &g, NULL)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("malformed domain status file"));
        return -1;
    }
    vm->dacLabel = g_new0(vbSecurityDAC, 1);
    vm->dacLabel->user = u;
    vm->dacLabel->group = g;
    vm->dacLabel->remember = g_strcmp0(remember, "no") != 0;
    vm->dacLabel->disksOnly = g_strcmp0(disksOnly, "yes") == 0;
    return 0;
}

int
vbDomainStatusParse(vbDomainObj *vm, const char *xml)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *persistent = NULL;
    g_autofree char *offline = NULL;
    g_autofree char *next = NULL;
    xmlNode *root;
    xmlNode *node;
    xmlNode *cur;
    guint64 last = 0;

    /* ours, but read as carefully as a client's document (with room for
     * what the daemon added to it) */
    if (!(doc = vbXMLParseOwnString(xml, "domstatus.xml", VB_DOMAIN_FILE_MAX_LEN)))
        return -1;
    root = xmlDocGetRootElement(doc);
    if (!root || !vbDomainStatusParseRoot(root, vm)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("malformed domain status file"));
        return -1;
    }
    if (!(node = vbXMLChildElement(root, "domain"))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      _("domain status file has no domain definition"));
        return -1;
    }
    if (!(vm->def = vbDomainDefParseNode(doc, node, VB_DOMAIN_DEF_PARSE_STATUS)))
        return -1;

    persistent = vbXMLPropString(root, "persistent");
    offline = vbXMLPropString(root, "offline");
    vm->persistent = g_strcmp0(persistent, "yes") == 0;
    vm->offline = g_strcmp0(offline, "yes") == 0;
    vm->monitorPath = vbDomainStatusChildProp(root, "monitor", "path");
    next = vbDomainStatusChildProp(root, "nodeindex", "last");
    if (next && !g_ascii_string_to_unsigned(next, 10, 0, G_MAXUINT, &last, NULL)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("malformed domain status file"));
        return -1;
    }
    vm->nodenameIndex = last;
    vm->gotShutdown = vbXMLChildElement(root, "gotShutdown") != NULL;
    vm->quiesced = vbXMLChildElement(root, "quiesced") != NULL;
    if (vbDomainStatusParseDAC(root, vm) < 0)
        return -1;

    node = vbXMLChildElement(root, "blockjobs");
    for (cur = node ? vbXMLChildElement(node, "blockjob") : NULL; cur;
         cur = vbXMLNextElement(cur)) {
        g_autoptr(vbBlockJob) job = NULL;

        if (!vbXMLNodeNameEqual(cur, "blockjob"))
            continue;
        if (!(job = vbDomainStatusParseJob(cur)) || vbBlockJobRegister(vm, job) < 0)
            return -1;
    }
    return 0;
}
