/*
 * testdomainxmlstub.c: stand-ins for the domain XML parser and the chain
 * indexing while those are written on other branches
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vbinternal.h"
#include "vbuuid.h"
#include "testdomainxmlstub.h"

static char *
stubProp(xmlNodePtr node, const char *name)
{
    xmlChar *v = node ? xmlGetProp(node, BAD_CAST name) : NULL;
    char *ret = v ? g_strdup((const char *) v) : NULL;

    xmlFree(v);
    return ret;
}

static xmlNodePtr
stubChild(xmlNodePtr node, const char *name)
{
    xmlNodePtr c;

    for (c = node ? node->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *) c->name, name) == 0)
            return c;
    }
    return NULL;
}

static char *
stubText(xmlNodePtr node)
{
    xmlChar *v = node ? xmlNodeGetContent(node) : NULL;
    char *ret = v ? g_strstrip(g_strdup((const char *) v)) : NULL;

    xmlFree(v);
    return ret;
}

static int
stubIndexOf(const char *const *table, const char *value)
{
    int i;

    for (i = 0; value && table[i]; i++) {
        if (strcmp(table[i], value) == 0)
            return i;
    }
    return 0;
}

static unsigned int
stubUInt(xmlNodePtr node, const char *name)
{
    g_autofree char *v = stubProp(node, name);

    return v ? strtoul(v, NULL, 0) : 0;
}

static void
stubAddress(xmlNodePtr node, vbDomainDeviceAddress *addr)
{
    g_autofree char *type = stubProp(node, "type");

    if (!type)
        return;
    if (strcmp(type, "pci") == 0) {
        addr->type = VB_DOMAIN_DEVICE_ADDRESS_PCI;
        addr->pci.domain = stubUInt(node, "domain");
        addr->pci.bus = stubUInt(node, "bus");
        addr->pci.slot = stubUInt(node, "slot");
        addr->pci.function = stubUInt(node, "function");
    } else if (strcmp(type, "drive") == 0) {
        addr->type = VB_DOMAIN_DEVICE_ADDRESS_DRIVE;
        addr->drive.controller = stubUInt(node, "controller");
        addr->drive.bus = stubUInt(node, "bus");
        addr->drive.target = stubUInt(node, "target");
        addr->drive.unit = stubUInt(node, "unit");
    }
}

static vbStorageSource *
stubSource(xmlNodePtr node, const char *formatType)
{
    static const char *const types[] = {"none", "file", "block", NULL};
    static const char *const formats[] = {"none", "raw", "qcow2", NULL};
    vbStorageSource *src = vbStorageSourceNew();
    g_autofree char *type = stubProp(node, "type");
    xmlNodePtr source = stubChild(node, "source");
    xmlNodePtr backing = stubChild(node, "backingStore");

    src->type = stubIndexOf(types, type);
    src->format = stubIndexOf(formats, formatType);
    src->path = stubProp(source, "file");
    if (!src->path)
        src->path = stubProp(source, "dev");
    if (!src->path)
        src->type = VB_STORAGE_TYPE_NONE;
    if (backing) {
        if (stubChild(backing, "source")) {
            g_autofree char *fmt = stubProp(stubChild(backing, "format"), "type");

            src->backingStore = stubSource(backing, fmt);
        } else {
            src->backingStore = vbStorageSourceNewTerminator();
        }
    }
    return src;
}

static vbDomainDiskDef *
stubDisk(xmlNodePtr node)
{
    static const char *const devices[] = {"disk", "cdrom", NULL};
    static const char *const buses[] = {"none", "virtio", "sata", "scsi", NULL};
    static const char *const caches[] = {
        "default", "none", "writethrough", "writeback", "directsync", "unsafe", NULL};
    static const char *const discards[] = {"default", "unmap", "ignore", NULL};
    static const char *const ios[] = {"default", "native", "threads", "io_uring", NULL};
    vbDomainDiskDef *disk = g_new0(vbDomainDiskDef, 1);
    xmlNodePtr driver = stubChild(node, "driver");
    xmlNodePtr target = stubChild(node, "target");
    g_autofree char *device = stubProp(node, "device");
    g_autofree char *fmt = stubProp(driver, "type");
    g_autofree char *bus = stubProp(target, "bus");
    g_autofree char *cache = stubProp(driver, "cache");
    g_autofree char *discard = stubProp(driver, "discard");
    g_autofree char *io = stubProp(driver, "io");

    disk->device = stubIndexOf(devices, device);
    disk->src = stubSource(node, fmt);
    disk->dst = stubProp(target, "dev");
    disk->bus = stubIndexOf(buses, bus);
    disk->cache = stubIndexOf(caches, cache);
    disk->discard = stubIndexOf(discards, discard);
    disk->io = stubIndexOf(ios, io);
    disk->serial = stubText(stubChild(node, "serial"));
    disk->bootIndex = stubUInt(stubChild(node, "boot"), "order");
    disk->src->readonly =
        stubChild(node, "readonly") != NULL || disk->device == VB_DOMAIN_DISK_DEVICE_CDROM;
    disk->src->shareable = stubChild(node, "shareable") != NULL;
    stubAddress(stubChild(node, "address"), &disk->address);
    return disk;
}

static vbDomainControllerDef *
stubController(xmlNodePtr node)
{
    static const char *const types[] = {"pci", "sata", "scsi", NULL};
    static const char *const models[] = {"default", "pci-root", "pcie-root", "virtio-scsi", NULL};
    vbDomainControllerDef *cont = g_new0(vbDomainControllerDef, 1);
    g_autofree char *type = stubProp(node, "type");
    g_autofree char *model = stubProp(node, "model");

    cont->type = stubIndexOf(types, type);
    cont->model = stubIndexOf(models, model);
    cont->index = stubUInt(node, "index");
    stubAddress(stubChild(node, "address"), &cont->address);
    return cont;
}

static unsigned long long
stubMemory(xmlNodePtr node)
{
    g_autofree char *text = stubText(node);
    g_autofree char *unit = stubProp(node, "unit");
    unsigned long long v = text ? strtoull(text, NULL, 10) : 0;

    if (unit && strcmp(unit, "MiB") == 0)
        return v * 1024;
    if (unit && strcmp(unit, "GiB") == 0)
        return v * 1024 * 1024;
    return v;
}

vbDomainDef *
testDomainDefParseFile(const char *path)
{
    static const char *const actions[] = {"default",          "destroy",  "restart",
                                          "rename-restart",   "preserve", "coredump-destroy",
                                          "coredump-restart", NULL};
    g_autoptr(testDomainDef) def = g_new0(vbDomainDef, 1);
    g_autoptr(GPtrArray) disks = g_ptr_array_new();
    g_autoptr(GPtrArray) conts = g_ptr_array_new();
    g_autoptr(GPtrArray) chrs = g_ptr_array_new();
    g_autoptr(GPtrArray) boots = g_ptr_array_new();
    g_autofree char *type = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *onReboot = NULL;
    g_autofree char *vcpus = NULL;
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    xmlNodePtr root;
    xmlNodePtr os;
    xmlNodePtr c;

    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);

    type = stubProp(root, "type");
    def->virtType = type && strcmp(type, "kvm") == 0 ? VB_DOMAIN_VIRT_KVM : VB_DOMAIN_VIRT_QEMU;
    def->name = stubText(stubChild(root, "name"));
    uuid = stubText(stubChild(root, "uuid"));
    if (uuid)
        vbUUIDParse(uuid, def->uuid);
    def->maxMemory = stubMemory(stubChild(root, "memory"));
    def->currentMemory = stubMemory(stubChild(root, "currentMemory"));
    vcpus = stubText(stubChild(root, "vcpu"));
    def->vcpus = vcpus ? strtoul(vcpus, NULL, 10) : 1;
    os = stubChild(root, "os");
    def->arch = stubProp(stubChild(os, "type"), "arch");
    def->machine = stubProp(stubChild(os, "type"), "machine");
    def->osType = stubText(stubChild(os, "type"));
    for (c = os ? os->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *) c->name, "boot") == 0)
            g_ptr_array_add(boots, stubProp(c, "dev"));
    }
    if (boots->len) {
        g_ptr_array_add(boots, NULL);
        def->bootDevs = (char **) g_ptr_array_free(g_steal_pointer(&boots), FALSE);
    }
    def->acpi = stubChild(stubChild(root, "features"), "acpi") != NULL;
    def->apic = stubChild(stubChild(root, "features"), "apic") != NULL;
    onReboot = stubText(stubChild(root, "on_reboot"));
    def->onReboot = stubIndexOf(actions, onReboot);

    for (c = stubChild(root, "devices") ? stubChild(root, "devices")->children : NULL; c;
         c = c->next) {
        const char *n = (const char *) c->name;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(n, "emulator") == 0) {
            def->emulator = stubText(c);
        } else if (strcmp(n, "disk") == 0) {
            g_ptr_array_add(disks, stubDisk(c));
        } else if (strcmp(n, "controller") == 0) {
            g_ptr_array_add(conts, stubController(c));
        } else if (strcmp(n, "serial") == 0 || strcmp(n, "console") == 0) {
            vbDomainChrDef *chr = g_new0(vbDomainChrDef, 1);

            chr->console = strcmp(n, "console") == 0;
            chr->port = stubUInt(stubChild(c, "target"), "port");
            g_ptr_array_add(chrs, chr);
        } else if (strcmp(n, "memballoon") == 0) {
            g_autofree char *model = stubProp(c, "model");

            def->memballoonNone = model && strcmp(model, "none") == 0;
        }
    }
    xmlFreeDoc(doc);

    def->ndisks = disks->len;
    def->disks = (vbDomainDiskDef **) g_ptr_array_free(g_steal_pointer(&disks), FALSE);
    def->ncontrollers = conts->len;
    def->controllers = (vbDomainControllerDef **) g_ptr_array_free(g_steal_pointer(&conts), FALSE);
    def->nchrs = chrs->len;
    def->chrs = (vbDomainChrDef **) g_ptr_array_free(g_steal_pointer(&chrs), FALSE);
    return g_steal_pointer(&def);
}

void
testDomainDiskDefFree(testDomainDiskDef *disk)
{
    if (!disk)
        return;
    vbStorageSourceFree(disk->src);
    vbStorageSourceFree(disk->mirror);
    g_free(disk->dst);
    g_free(disk->serial);
    g_free(disk->alias);
    g_free(disk);
}

void
testDomainDefFree(testDomainDef *def)
{
    size_t i;

    if (!def)
        return;
    for (i = 0; i < def->ndisks; i++)
        testDomainDiskDefFree(def->disks[i]);
    g_free(def->disks);
    for (i = 0; i < def->ncontrollers; i++) {
        g_free(def->controllers[i]->alias);
        g_free(def->controllers[i]);
    }
    g_free(def->controllers);
    for (i = 0; i < def->nchrs; i++) {
        g_free(def->chrs[i]->ptyPath);
        g_free(def->chrs[i]->alias);
        g_free(def->chrs[i]);
    }
    g_free(def->chrs);
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->metadata);
    g_free(def->osType);
    g_free(def->arch);
    g_free(def->machine);
    g_strfreev(def->bootDevs);
    g_free(def->emulator);
    g_free(def);
}

void
testStorageChainAssignIndexes(vbStorageSource *top, unsigned int *nextIndex)
{
    vbStorageSource *n;

    for (n = top; n && n->type != VB_STORAGE_TYPE_NONE; n = n->backingStore) {
        n->id = (*nextIndex)++;
        n->nodeFormat = g_strdup_printf("libvirt-%u-format", n->id);
        n->nodeStorage = g_strdup_printf("libvirt-%u-storage", n->id);
    }
}
