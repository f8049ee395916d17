/*
 * fuzz-domainxml.c: libFuzzer harness for the domain XML parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parses the input in each of the three modes; whatever is accepted is
 * validated and written in each form, and every form must parse back to
 * the same text.  A difference aborts: a definition that changes when the
 * daemon reloads it is a bug as real as a crash.  The input is also read
 * as one device element, as hotplug will read a client's string.
 */

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>

#include "vbinternal.h"
#include "vberror.h"
#include "vbdomainconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzzRoundTrip(const vbDomainDef *def, unsigned int formatFlags, unsigned int parseFlags)
{
    g_autofree char *xml = vbDomainDefFormat(def, formatFlags);
    g_autofree char *again = NULL;
    g_autoptr(vbDomainDef) reparsed = NULL;

    if (!xml)
        abort(); /* formatting an accepted definition cannot fail */
    if (!(reparsed = vbDomainDefParseString(xml, parseFlags))) {
        fprintf(stderr, "output does not parse back: %s\n%s", vbGetLastErrorMessage(), xml);
        abort();
    }
    again = vbDomainDefFormat(reparsed, formatFlags);
    if (g_strcmp0(xml, again) != 0) {
        fprintf(stderr, "round trip changed the output:\n%s\n---\n%s", xml, again);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned int parseFlags[] = {
        0,
        VB_DOMAIN_DEF_PARSE_INACTIVE,
        VB_DOMAIN_DEF_PARSE_STATUS,
    };
    g_autofree char *xml = NULL;
    size_t i;

    if (size > VB_DOMAIN_XML_MAX_LEN)
        return 0;
    xml = g_strndup((const char *) data, size);

    for (i = 0; i < G_N_ELEMENTS(parseFlags); i++) {
        g_autoptr(vbDomainDef) def = vbDomainDefParseString(xml, parseFlags[i]);

        /* hotplug's parser reads one device element on its own */
        vbDomainDeviceDefFree(vbDomainDeviceDefParse(xml, parseFlags[i]));
        if (!def)
            continue;
        (void) vbDomainDefValidate(def);
        /* with the secrets, as the daemon writes its files: the form a
         * client gets leaves out the VNC password (and so cannot give the
         * definition back whole, as in libvirt) */
        fuzzRoundTrip(def, VB_DOMAIN_DEF_FORMAT_INACTIVE | VB_DOMAIN_DEF_FORMAT_SECURE,
                      VB_DOMAIN_DEF_PARSE_INACTIVE);
        fuzzRoundTrip(def, VB_DOMAIN_DEF_FORMAT_SECURE, 0);
        fuzzRoundTrip(def, VB_DOMAIN_DEF_FORMAT_STATUS, VB_DOMAIN_DEF_PARSE_STATUS);
    }
    vbResetLastError();
    return 0;
}
