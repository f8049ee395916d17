/*
 * vbdomainconf.h: the subset of libvirt's domain XML that virtblockd runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Three steps, as in libvirt, kept apart so that a stricter check never
 * makes an existing domain vanish when the daemon reloads it:
 *   parse      shape and types of the document (vbDomainDefParse*)
 *   post-parse defaults: UUID, bus from target name, controllers
 *   validate   policy, run at define/start time only (vbDomainDefValidate)
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vbbuf.h"
#include "vbenum.h"
#include "vbstoragesource.h"
#include "vbdomaindeviceconf.h"
#include "vbdomaindiskconf.h"
#include "vbdomaincontrollerconf.h"
#include "vbdomaininputconf.h"
#include "vbdomaingraphicsconf.h"
#include "vbdomainaudioconf.h"
#include "vbdomainvideoconf.h"
#include "vbdomainchrconf.h"
#include "vbdomainwatchdogconf.h"
#include "vbdomainmemballoonconf.h"
#include "vbcpuconf.h"
#include "vbdomainclockconf.h"
#include "vbdomainrngconf.h"
#include "vbdomainnetconf.h"
#include "vbdomainpanicconf.h"
#include "vbdomainosconf.h"
#include "vbsysinfo.h"

/* Largest document we accept; libvirt's RPC string limit is 4 MiB. */
#define VB_DOMAIN_XML_MAX_LEN (4 * 1024 * 1024)

/* Largest config or status file of a domain the daemon reads back, and so
 * writes: what it adds to a client's document (defaults, escapes,
 * indentation, the status) may make it larger than the document.  Under
 * the 10 MB libxml2 parses without XML_PARSE_HUGE ("Huge input lookup"). */
#define VB_DOMAIN_FILE_MAX_LEN (2 * VB_DOMAIN_XML_MAX_LEN)

typedef enum {
    VB_DOMAIN_VIRT_QEMU = 0, /* TCG */
    VB_DOMAIN_VIRT_KVM,

    VB_DOMAIN_VIRT_LAST
} vbDomainVirtType;
VB_ENUM_DECL(vbDomainVirtType);

typedef enum {
    VB_DOMAIN_LIFECYCLE_ACTION_DEFAULT = 0,
    VB_DOMAIN_LIFECYCLE_ACTION_DESTROY,
    VB_DOMAIN_LIFECYCLE_ACTION_RESTART,
    VB_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME,
    VB_DOMAIN_LIFECYCLE_ACTION_PRESERVE,
    VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY,
    VB_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART,

    VB_DOMAIN_LIFECYCLE_ACTION_LAST
} vbDomainLifecycleAction;
VB_ENUM_DECL(vbDomainLifecycleAction);

typedef enum {
    VB_DOMAIN_IOAPIC_NONE = 0,
    VB_DOMAIN_IOAPIC_QEMU,
    VB_DOMAIN_IOAPIC_KVM,

    VB_DOMAIN_IOAPIC_LAST
} vbDomainIOAPIC;
VB_ENUM_DECL(vbDomainIOAPIC);

typedef enum {
    VB_DOMAIN_HYPERV_MODE_NONE = 0,
    VB_DOMAIN_HYPERV_MODE_CUSTOM,
    VB_DOMAIN_HYPERV_MODE_PASSTHROUGH,

    VB_DOMAIN_HYPERV_MODE_LAST
} vbDomainHypervMode;
VB_ENUM_DECL(vbDomainHypervMode);

/* The Hyper-V enlightenments we pass on, in libvirt's order; each is
 * QEMU's -cpu flag 'hv-<name>'. */
typedef enum {
    VB_DOMAIN_HYPERV_RELAXED = 0,
    VB_DOMAIN_HYPERV_VAPIC,
    VB_DOMAIN_HYPERV_SPINLOCKS,
    VB_DOMAIN_HYPERV_VPINDEX,
    VB_DOMAIN_HYPERV_RUNTIME,
    VB_DOMAIN_HYPERV_SYNIC,
    VB_DOMAIN_HYPERV_STIMER,
    VB_DOMAIN_HYPERV_RESET,
    VB_DOMAIN_HYPERV_FREQUENCIES,
    VB_DOMAIN_HYPERV_REENLIGHTENMENT,
    VB_DOMAIN_HYPERV_TLBFLUSH,
    VB_DOMAIN_HYPERV_IPI,
    VB_DOMAIN_HYPERV_EVMCS,

    VB_DOMAIN_HYPERV_LAST
} vbDomainHyperv;
VB_ENUM_DECL(vbDomainHyperv);

/* libvirt's minimum for <spinlocks retries>. */
#define VB_DOMAIN_HYPERV_SPINLOCKS_MIN 4095

/* Each iothread is a host thread of QEMU; a count beyond any host's cores
 * is a mistake, and a huge one would make QEMU start millions of threads */
#define VB_DOMAIN_IOTHREADS_MAX 1024

struct _vbDomainDef {
    vbDomainVirtType virtType;
    int id; /* runtime: <domain id='N'> while running, -1 otherwise */
    char *name;
    unsigned char uuid[16];
    char *title;
    char *description;
    char *metadata; /* the <metadata> element kept verbatim, serialized */

    unsigned long long maxMemory;     /* KiB, <memory> */
    unsigned long long currentMemory; /* KiB, <currentMemory> */
    unsigned int vcpus;               /* <vcpu>: the maximum */
    unsigned int vcpusCurrent;        /* <vcpu current>: online at start; 0: all */
    unsigned int iothreads;           /* <iothreads>: QEMU's iothread1..N */
    vbCPUDef *cpu;                    /* <cpu>, NULL when absent */

    char *osType; /* "hvm" */
    char *arch;   /* "x86_64" */
    char *machine;
    char *kernel;       /* <os><kernel>: direct kernel boot, absolute */
    char *initrd;       /* <os><initrd>, absolute */
    char *cmdline;      /* <os><cmdline>, verbatim */
    vbDomainOSDef os;   /* the rest of <os>: boot order, firmware (vbdomainosconf.h) */
    vbSysinfo *sysinfo; /* <sysinfo type='smbios'>, or NULL */

    bool acpi; /* <features><acpi/> */
    bool apic; /* <features><apic/> */
    bool pae;  /* <features><pae/> */
    vbTristateSwitch vmport;
    vbTristateSwitch smm;
    vbTristateSwitch vmcoreinfo; /* <vmcoreinfo state>: the vmcoreinfo device */
    vbDomainIOAPIC ioapic;
    vbDomainHypervMode hypervMode;
    vbTristateSwitch hyperv[VB_DOMAIN_HYPERV_LAST];
    unsigned int hypervSpinlocks; /* retries, with VB_DOMAIN_HYPERV_SPINLOCKS on */
    bool kvmFeatures;             /* <kvm> given */
    vbTristateSwitch kvmHidden;

    vbDomainClockDef *clock; /* NULL when absent */

    vbTristateBool pmS3; /* <pm><suspend-to-mem enabled> */
    vbTristateBool pmS4; /* <pm><suspend-to-disk enabled> */

    vbDomainLifecycleAction onPoweroff;
    vbDomainLifecycleAction onReboot;
    vbDomainLifecycleAction onCrash;

    char *emulator;

    vbDomainDiskDef **disks;
    size_t ndisks;
    vbDomainControllerDef **controllers;
    size_t ncontrollers;
    vbDomainNetDef **nets;
    size_t nnets;
    vbDomainInputDef **inputs;
    size_t ninputs;
    vbDomainGraphicsDef **graphics;
    size_t ngraphics;
    vbDomainAudioDef **audios; /* post-parse adds libvirt's default when none */
    size_t naudios;
    vbDomainVideoDef **videos; /* the primary one first */
    size_t nvideos;
    vbDomainChrDef **chrs;
    size_t nchrs;
    vbDomainWatchdogDef *watchdog;
    vbDomainMemballoonDef *memballoon; /* set by post-parse when absent */
    vbDomainRNGDef **rngs;
    size_t nrngs;
    vbDomainPanicDef **panics;
    size_t npanics;
};

typedef enum {
    /* Runtime data (indexes, the daemon's aliases, <mirror>, pty paths,
     * the domain id) is not read; user aliases ('ua-...') are. */
    VB_DOMAIN_DEF_PARSE_INACTIVE = 1 << 0,
    /* Also read what only the status file holds (node names, relPath). */
    VB_DOMAIN_DEF_PARSE_STATUS = 1 << 1,
    /* Check the document against libvirt's installed RelaxNG schema
     * (ParseString and ParseFile; ParseNode ignores it). */
    VB_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA = 1 << 2,
} vbDomainDefParseFlags;

typedef enum {
    /* The persistent definition: no runtime data. */
    VB_DOMAIN_DEF_FORMAT_INACTIVE = 1 << 0,
    /* Everything, including what only the status file holds. */
    VB_DOMAIN_DEF_FORMAT_STATUS = 1 << 1,
    /* Secrets too: the VNC password (libvirt's VIR_DOMAIN_XML_SECURE);
     * implied by _STATUS. */
    VB_DOMAIN_DEF_FORMAT_SECURE = 1 << 2,
} vbDomainDefFormatFlags;

vbDomainDef *vbDomainDefNew(void);
void vbDomainDefFree(vbDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vbDomainDef, vbDomainDefFree);

/* Parse, then post-parse.  Validation is separate (vbDomainDefValidate).
 * Errors: VIR_ERR_XML_ERROR for a malformed document (with the line),
 * VIR_ERR_CONFIG_UNSUPPORTED naming an element, attribute or value we
 * cannot run, VIR_ERR_XML_ERROR naming attribute and value for bad values
 * (VIR_ERR_XML_DETAIL for control characters in a name, as libvirt). */
vbDomainDef *vbDomainDefParseString(const char *xml, unsigned int flags);
vbDomainDef *vbDomainDefParseFile(const char *path, unsigned int flags);
/* Parses the <domain> element @node of an already parsed document (the
 * status file embeds the definition). */
vbDomainDef *vbDomainDefParseNode(void *xmlDocPtr, void *xmlNodePtr, unsigned int flags);
/* ... whose root element is named @rootName (a snapshot's <inactiveDomain>) */
vbDomainDef *vbDomainDefParseNodeRoot(void *xmlDocPtr, void *xmlNodePtr, const char *rootName,
                                      unsigned int flags);

/* The defaults of the post-parse step, for a definition built in code:
 * UUID, disk bus from the target name, implied controllers, drive
 * addresses, memory and lifecycle defaults.  Deterministic; reports an
 * error for what cannot be defaulted (e.g. an 'hd' target: bus 'ide'). */
int vbDomainDefPostParse(vbDomainDef *def, unsigned int parseFlags);

/* Machine type families: 'q35' / 'pc-q35-*', and 'pc' / 'pc-i440fx-*'. */
bool vbDomainDefHasQ35Machine(const vbDomainDef *def);
bool vbDomainDefHasI440FXMachine(const vbDomainDef *def);

/* Policy checks at define/start time. */
int vbDomainDefValidate(const vbDomainDef *def);

/* Formatted document, two-space indented like libvirt's output. */
char *vbDomainDefFormat(const vbDomainDef *def, unsigned int flags);
/* Appends the <domain> element to @buf at its indentation (the status
 * file embeds it).  Returns 0, or -1 with an error reported. */
int vbDomainDefFormatBuf(vbBuffer *buf, const vbDomainDef *def, unsigned int flags);
/* ... as the element @rootName (a snapshot's <inactiveDomain>) */
int vbDomainDefFormatBufRoot(vbBuffer *buf, const vbDomainDef *def, const char *rootName,
                             unsigned int flags);

/* Deep copy through the formatter and parser.  @flags are format flags:
 * 0 keeps everything (the copy goes through the status form), INACTIVE
 * keeps only the persistent definition. */
vbDomainDef *vbDomainDefCopy(const vbDomainDef *def, unsigned int flags);

/* Disk by <target dev>, or by the active image's path when @name starts
 * with '/' (libvirt's virDomainDiskByName).  NULL, reporting nothing. */
vbDomainDiskDef *vbDomainDiskByName(const vbDomainDef *def, const char *name);
