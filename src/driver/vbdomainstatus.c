/*
 * vbdomainstatus.c: the status file of a running domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

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
vbStatusProp(xmlNodePtr node, const char *name)
{
    xmlChar *val = xmlGetProp(node, (const xmlChar *) name);
    char *ret = g_strdup((const char *) val);

    xmlFree(val);
    return ret;
}

static xmlNodePtr
vbStatusChild(xmlNodePtr node, const char *name)
{
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && strcmp((const char *) cur->name, name) == 0)
            return cur;
    }
    return NULL;
}

static char *
vbStatusChildProp(xmlNodePtr node, const char *child, const char *name)
{
    xmlNodePtr c = vbStatusChild(node, child);

    return c ? vbStatusProp(c, name) : NULL;
}

static void
vbDomainStatusParseCommitData(xmlNodePtr node, vbBlockJobCommitData *commit)
{
    xmlNodePtr backing;

    commit->topParent = vbStatusChildProp(node, "topparent", "node");
    commit->top = vbStatusChildProp(node, "top", "node");
    commit->base = vbStatusChildProp(node, "base", "node");
    commit->deleteImages = vbStatusChild(node, "deleteCommittedImages") != NULL;
    if ((backing = vbStatusChild(node, "backingFile"))) {
        xmlChar *txt = xmlNodeGetContent(backing);
        commit->backingFile = g_strdup((const char *) txt);
        xmlFree(txt);
    }
}

/* The per-type data of @job from the children of @node. */
static void
vbDomainStatusParseJobData(xmlNodePtr node, vbBlockJob *job)
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
vbDomainStatusParseJob(xmlNodePtr node)
{
    g_autofree char *name = vbStatusProp(node, "name");
    g_autofree char *type = vbStatusProp(node, "type");
    g_autofree char *state = vbStatusProp(node, "state");
    g_autofree char *newstate = vbStatusProp(node, "newstate");
    g_autofree char *flags = vbStatusProp(node, "jobflags");
    g_autofree char *offline = vbStatusProp(node, "offline");
    g_autofree char *disk = vbStatusChildProp(node, "disk", "dst");
    g_autoptr(vbBlockJob) job = NULL;
    xmlNodePtr errnode;
    int t;
    int s;

    if (!name || !disk || (t = vbBlockJobTypeTypeFromString(type)) <= 0 ||
        (s = vbBlockJobStateTypeFromString(state)) < 0 ||
        (newstate && vbBlockJobStateTypeFromString(newstate) < 0)) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, _("malformed block job '%s' in status file"),
                      NULLSTR(name));
        return NULL;
    }
    job = vbBlockJobNew(name, t, disk);
    job->state = s;
    job->newstate = newstate ? vbBlockJobStateTypeFromString(newstate) : -1;
    job->jobflags = flags ? strtoul(flags, NULL, 16) : 0;
    job->offline = g_strcmp0(offline, "yes") == 0;
    vbDomainStatusParseJobData(node, job);
    if ((errnode = vbStatusChild(node, "errmsg"))) {
        xmlChar *txt = xmlNodeGetContent(errnode);
        job->errmsg = g_strdup((const char *) txt);
        xmlFree(txt);
    }
    return g_steal_pointer(&job);
}

int
vbDomainStatusParse(vbDomainObj *vm, const char *xml)
{
    g_autofree char *state = NULL;
    g_autofree char *reason = NULL;
    g_autofree char *pid = NULL;
    g_autofree char *id = NULL;
    g_autofree char *persistent = NULL;
    g_autofree char *offline = NULL;
    g_autofree char *next = NULL;
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlNodePtr node;
    int ret = -1;
    int s;

    /* Our own file, but read as carefully as a user's document. */
    doc = xmlReadMemory(xml, strlen(xml), "domstatus.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !(root = xmlDocGetRootElement(doc)) ||
        strcmp((const char *) root->name, "domstatus") != 0) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("malformed domain status file"));
        goto cleanup;
    }

    state = vbStatusProp(root, "state");
    reason = vbStatusProp(root, "reason");
    pid = vbStatusProp(root, "pid");
    id = vbStatusProp(root, "id");
    persistent = vbStatusProp(root, "persistent");
    offline = vbStatusProp(root, "offline");
    if ((s = vbDomainStateNameTypeFromString(state)) < 0 || !pid || !id) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s", _("malformed domain status file"));
        goto cleanup;
    }
    if (!(node = vbStatusChild(root, "domain"))) {
        vbReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      _("domain status file has no domain definition"));
        goto cleanup;
    }
    if (!(vm->def = vbDomainDefParseNode(doc, node, VB_DOMAIN_DEF_PARSE_STATUS)))
        goto cleanup;

    vm->state = s;
    vm->reason = reason ? atoi(reason) : 0;
    vm->pid = strtoll(pid, NULL, 10);
    vm->id = atoi(id);
    vm->persistent = g_strcmp0(persistent, "yes") == 0;
    vm->offline = g_strcmp0(offline, "yes") == 0;
    vm->monitorPath = vbStatusChildProp(root, "monitor", "path");
    next = vbStatusChildProp(root, "nodeindex", "last");
    vm->nodenameIndex = next ? strtoul(next, NULL, 10) : 0;
    vm->gotShutdown = vbStatusChild(root, "gotShutdown") != NULL;

    if ((node = vbStatusChild(root, "blockjobs"))) {
        xmlNodePtr cur;

        for (cur = node->children; cur; cur = cur->next) {
            g_autoptr(vbBlockJob) job = NULL;

            if (cur->type != XML_ELEMENT_NODE || strcmp((const char *) cur->name, "blockjob"))
                continue;
            if (!(job = vbDomainStatusParseJob(cur)))
                goto cleanup;
            if (vbBlockJobRegister(vm, job) < 0)
                goto cleanup;
        }
    }
    ret = 0;

cleanup:
    xmlFreeDoc(doc);
    return ret;
}
