/*
 * vbcapabilities.c: the host capabilities document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vbinternal.h"

#include "vbbuf.h"
#include "vbcapabilities.h"
#include "vbuuid.h"
#include "vbxml.h"

static void
vbCapsHostCPUClear(gpointer data)
{
    vbCapsHostCPU *cpu = data;

    g_free(cpu->siblings);
}

static void
vbCapsHostCacheBankClear(gpointer data)
{
    vbCapsHostCacheBank *bank = data;

    g_free(bank->cpus);
}

static void
vbCapsHostCellFree(gpointer data)
{
    vbCapsHostCell *cell = data;

    g_array_unref(cell->pages);
    g_array_unref(cell->distances);
    g_array_unref(cell->cpus);
    g_free(cell);
}

static void
vbCapsGuestMachineFree(gpointer data)
{
    vbCapsGuestMachine *machine = data;

    g_free(machine->name);
    g_free(machine->canonical);
    g_free(machine);
}

static void
vbCapsGuestFree(gpointer data)
{
    vbCapsGuest *guest = data;

    g_free(guest->arch);
    g_free(guest->emulator);
    g_ptr_array_unref(guest->machines);
    g_free(guest);
}

vbCaps *
vbCapsNew(void)
{
    vbCaps *caps = g_new0(vbCaps, 1);

    caps->pages = g_array_new(FALSE, TRUE, sizeof(vbCapsHostPages));
    caps->cells = g_ptr_array_new_with_free_func(vbCapsHostCellFree);
    caps->caches = g_array_new(FALSE, TRUE, sizeof(vbCapsHostCacheBank));
    g_array_set_clear_func(caps->caches, vbCapsHostCacheBankClear);
    caps->guests = g_ptr_array_new_with_free_func(vbCapsGuestFree);
    return caps;
}

void
vbCapsFree(vbCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->arch);
    g_array_unref(caps->pages);
    g_ptr_array_unref(caps->cells);
    g_array_unref(caps->caches);
    g_ptr_array_unref(caps->guests);
    g_free(caps);
}

vbCapsHostCell *
vbCapsAddCell(vbCaps *caps, unsigned int id, unsigned long long memoryKiB)
{
    vbCapsHostCell *cell = g_new0(vbCapsHostCell, 1);

    cell->id = id;
    cell->memoryKiB = memoryKiB;
    cell->pages = g_array_new(FALSE, TRUE, sizeof(vbCapsHostPages));
    cell->distances = g_array_new(FALSE, TRUE, sizeof(unsigned int));
    cell->cpus = g_array_new(FALSE, TRUE, sizeof(vbCapsHostCPU));
    g_array_set_clear_func(cell->cpus, vbCapsHostCPUClear);
    g_ptr_array_add(caps->cells, cell);
    return cell;
}

void
vbCapsCellAddCPU(vbCapsHostCell *cell, unsigned int id, unsigned int socketId, unsigned int dieId,
                 unsigned int coreId, const char *siblings)
{
    vbCapsHostCPU cpu = {id, socketId, dieId, coreId, g_strdup(siblings)};

    g_array_append_val(cell->cpus, cpu);
}

void
vbCapsAddCacheBank(vbCaps *caps, unsigned int id, unsigned int level, const char *type,
                   unsigned long long size, const char *cpus)
{
    vbCapsHostCacheBank bank = {id, level, type, size, NULL};
    size_t i;

    for (i = 0; i < caps->caches->len; i++) {
        const vbCapsHostCacheBank *b = &g_array_index(caps->caches, vbCapsHostCacheBank, i);

        /* every CPU of a shared cache lists it */
        if (b->id == id && b->level == level && g_str_equal(b->type, type) && b->size == size &&
            g_str_equal(b->cpus, cpus))
            return;
        if (b->level > level || (b->level == level && b->id > id))
            break;
    }
    bank.cpus = g_strdup(cpus);
    g_array_insert_val(caps->caches, i, bank);
}

vbCapsGuest *
vbCapsAddGuest(vbCaps *caps, const char *arch, unsigned int wordsize, const char *emulator)
{
    vbCapsGuest *guest = g_new0(vbCapsGuest, 1);

    guest->arch = g_strdup(arch);
    guest->wordsize = wordsize;
    guest->emulator = g_strdup(emulator);
    guest->machines = g_ptr_array_new_with_free_func(vbCapsGuestMachineFree);
    g_ptr_array_add(caps->guests, guest);
    return guest;
}

void
vbCapsGuestAddMachine(vbCapsGuest *guest, const char *name, const char *canonical,
                      unsigned int maxCpus, bool deprecated)
{
    vbCapsGuestMachine *machine = g_new0(vbCapsGuestMachine, 1);

    machine->name = g_strdup(name);
    machine->canonical = g_strdup(canonical);
    machine->maxCpus = maxCpus;
    machine->deprecated = deprecated;
    g_ptr_array_add(guest->machines, machine);
}

static void
vbCapsFormatPages(vbBuffer *buf, GArray *pages, bool withCount)
{
    size_t i;

    for (i = 0; i < pages->len; i++) {
        const vbCapsHostPages *p = &g_array_index(pages, vbCapsHostPages, i);

        if (withCount)
            vbBufferAsprintf(buf, "<pages unit='KiB' size='%u'>%llu</pages>\n", p->sizeKiB,
                             p->count);
        else
            vbBufferAsprintf(buf, "<pages unit='KiB' size='%u'/>\n", p->sizeKiB);
    }
}

static void
vbCapsFormatHostCPU(vbBuffer *buf, const vbCaps *caps)
{
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);

    vbBufferEscapeString(&child, "<arch>%s</arch>\n", caps->arch);
    vbBufferAsprintf(&child, "<topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                     caps->sockets, caps->dies, caps->cores, caps->threads);
    vbCapsFormatPages(&child, caps->pages, false);
    vbXMLFormatElement(buf, "cpu", NULL, &child);
}

static void
vbCapsFormatCell(vbBuffer *buf, const vbCaps *caps, const vbCapsHostCell *cell)
{
    g_auto(vbBuffer) attr = VB_BUFFER_INITIALIZER;
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    g_auto(vbBuffer) dist = VB_BUFFER_INIT_CHILD(&child);
    g_auto(vbBuffer) cpus = VB_BUFFER_INIT_CHILD(&child);
    g_auto(vbBuffer) cpusAttr = VB_BUFFER_INITIALIZER;
    size_t i;

    vbBufferAsprintf(&attr, " id='%u'", cell->id);
    vbBufferAsprintf(&child, "<memory unit='KiB'>%llu</memory>\n", cell->memoryKiB);
    vbCapsFormatPages(&child, cell->pages, true);

    for (i = 0; i < cell->distances->len && i < caps->cells->len; i++) {
        const vbCapsHostCell *other = g_ptr_array_index(caps->cells, i);

        vbBufferAsprintf(&dist, "<sibling id='%u' value='%u'/>\n", other->id,
                         g_array_index(cell->distances, unsigned int, i));
    }
    vbXMLFormatElement(&child, "distances", NULL, &dist);

    vbBufferAsprintf(&cpusAttr, " num='%u'", cell->cpus->len);
    for (i = 0; i < cell->cpus->len; i++) {
        const vbCapsHostCPU *cpu = &g_array_index(cell->cpus, vbCapsHostCPU, i);

        vbBufferAsprintf(&cpus, "<cpu id='%u' socket_id='%u' die_id='%u' core_id='%u'", cpu->id,
                         cpu->socketId, cpu->dieId, cpu->coreId);
        vbBufferEscapeString(&cpus, " siblings='%s'", cpu->siblings);
        vbBufferAddLit(&cpus, "/>\n");
    }
    vbXMLFormatElement(&child, "cpus", &cpusAttr, &cpus);
    vbXMLFormatElement(buf, "cell", &attr, &child);
}

static void
vbCapsFormatTopology(vbBuffer *buf, const vbCaps *caps)
{
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    g_auto(vbBuffer) cells = VB_BUFFER_INIT_CHILD(&child);
    g_auto(vbBuffer) cellsAttr = VB_BUFFER_INITIALIZER;
    size_t i;

    if (caps->cells->len == 0)
        return;
    vbBufferAsprintf(&cellsAttr, " num='%u'", caps->cells->len);
    for (i = 0; i < caps->cells->len; i++)
        vbCapsFormatCell(&cells, caps, g_ptr_array_index(caps->cells, i));
    vbXMLFormatElement(&child, "cells", &cellsAttr, &cells);
    vbXMLFormatElement(buf, "topology", NULL, &child);
}

/* @bytes in the largest unit that holds it whole, as libvirt writes sizes */
static unsigned long long
vbCapsPrettySize(unsigned long long bytes, const char **unit)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    size_t i = 0;

    while (bytes && bytes % 1024 == 0 && i < G_N_ELEMENTS(units) - 1) {
        bytes /= 1024;
        i++;
    }
    *unit = units[i];
    return bytes;
}

static void
vbCapsFormatCaches(vbBuffer *buf, const vbCaps *caps)
{
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    size_t i;

    for (i = 0; i < caps->caches->len; i++) {
        const vbCapsHostCacheBank *b = &g_array_index(caps->caches, vbCapsHostCacheBank, i);
        const char *unit;
        unsigned long long size = vbCapsPrettySize(b->size, &unit);

        vbBufferAsprintf(&child, "<bank id='%u' level='%u' type='%s' size='%llu' unit='%s'", b->id,
                         b->level, b->type, size, unit);
        vbBufferEscapeString(&child, " cpus='%s'/>\n", b->cpus);
    }
    vbXMLFormatElement(buf, "cache", NULL, &child);
}

static void
vbCapsFormatHost(vbBuffer *buf, const vbCaps *caps)
{
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    char uuid[VB_UUID_STRING_BUFLEN];

    vbUUIDFormat(caps->uuid, uuid);
    vbBufferAsprintf(&child, "<uuid>%s</uuid>\n", uuid);
    vbCapsFormatHostCPU(&child, caps);
    /* libvirt lists the suspend modes a session may not use: none */
    vbBufferAddLit(&child, "<power_management/>\n");
    vbBufferAsprintf(&child, "<iommu support='%s'/>\n", caps->iommu ? "yes" : "no");
    vbCapsFormatTopology(&child, caps);
    vbCapsFormatCaches(&child, caps);
    /* no security driver: libvirt's 'none' model */
    vbBufferAddLit(&child, "<secmodel>\n");
    vbBufferAddLit(&child, "  <model>none</model>\n");
    vbBufferAddLit(&child, "  <doi>0</doi>\n");
    vbBufferAddLit(&child, "</secmodel>\n");
    vbXMLFormatElement(buf, "host", NULL, &child);
}

/* The features libvirt lists for an x86 guest of QEMU; i686 adds pae */
static void
vbCapsFormatGuestFeatures(vbBuffer *buf, const vbCapsGuest *guest)
{
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);

    if (g_str_equal(guest->arch, "i686")) {
        vbBufferAddLit(&child, "<pae/>\n");
        vbBufferAddLit(&child, "<nonpae/>\n");
    }
    vbBufferAddLit(&child, "<acpi default='on' toggle='yes'/>\n");
    vbBufferAddLit(&child, "<apic default='on' toggle='no'/>\n");
    vbBufferAddLit(&child, "<cpuselection/>\n");
    vbBufferAddLit(&child, "<deviceboot/>\n");
    vbBufferAddLit(&child, "<disksnapshot default='on' toggle='no'/>\n");
    vbXMLFormatElement(buf, "features", NULL, &child);
}

static void
vbCapsFormatGuest(vbBuffer *buf, const vbCapsGuest *guest)
{
    g_auto(vbBuffer) child = VB_BUFFER_INIT_CHILD(buf);
    g_auto(vbBuffer) arch = VB_BUFFER_INIT_CHILD(&child);
    g_auto(vbBuffer) archAttr = VB_BUFFER_INITIALIZER;
    size_t i;

    vbBufferAddLit(&child, "<os_type>hvm</os_type>\n");
    vbBufferEscapeString(&archAttr, " name='%s'", guest->arch);
    vbBufferAsprintf(&arch, "<wordsize>%u</wordsize>\n", guest->wordsize);
    vbBufferEscapeString(&arch, "<emulator>%s</emulator>\n", guest->emulator);
    for (i = 0; i < guest->machines->len; i++) {
        const vbCapsGuestMachine *m = g_ptr_array_index(guest->machines, i);

        vbBufferAddLit(&arch, "<machine");
        if (m->canonical)
            vbBufferEscapeString(&arch, " canonical='%s'", m->canonical);
        if (m->maxCpus > 0)
            vbBufferAsprintf(&arch, " maxCpus='%u'", m->maxCpus);
        if (m->deprecated)
            vbBufferAddLit(&arch, " deprecated='yes'");
        vbBufferEscapeString(&arch, ">%s</machine>\n", m->name);
    }
    vbBufferAddLit(&arch, "<domain type='qemu'/>\n");
    if (guest->kvm)
        vbBufferAddLit(&arch, "<domain type='kvm'/>\n");
    vbXMLFormatElement(&child, "arch", &archAttr, &arch);
    vbCapsFormatGuestFeatures(&child, guest);
    vbXMLFormatElement(buf, "guest", NULL, &child);
}

char *
vbCapsFormat(const vbCaps *caps)
{
    g_auto(vbBuffer) buf = VB_BUFFER_INITIALIZER;
    size_t i;

    /* libvirt separates host and guests with empty lines */
    vbBufferAddLit(&buf, "<capabilities>\n\n");
    vbBufferAdjustIndent(&buf, 2);
    vbCapsFormatHost(&buf, caps);
    vbBufferAdjustIndent(&buf, -2);
    vbBufferAddLit(&buf, "\n");
    for (i = 0; i < caps->guests->len; i++) {
        vbBufferAdjustIndent(&buf, 2);
        vbCapsFormatGuest(&buf, g_ptr_array_index(caps->guests, i));
        vbBufferAdjustIndent(&buf, -2);
        vbBufferAddLit(&buf, "\n");
    }
    vbBufferAddLit(&buf, "</capabilities>\n");
    return vbBufferContentAndReset(&buf);
}
