#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hostile XML from a client, through python3-libvirt and the stock virsh:
documents that cost libxml2 far more than their size (100000 attributes on
one element, 100000 levels of nesting, a million nodes) and entity
expansion are refused with VIR_ERR_XML_ERROR naming the limit, by every
procedure that takes XML (domain, device update, snapshot, pool, volume); the
daemon spends next to no CPU on them, changes nothing, and answers the
next call."""

import os
import re

import libvirt

import vbtest


def attributes(count):
    """A domain whose <name> has @count attributes."""
    attrs = " ".join("a%d=''" % i for i in range(count))
    return vbtest.domain_xml("xmllimits", []).replace("<name>", "<name %s>" % attrs, 1)


def deep(count):
    """A domain with @count levels nested in <metadata>."""
    return vbtest.domain_xml("xmllimits", []).replace(
        "</os>", "</os>\n  <metadata><m:x xmlns:m='urn:x'>%s%s</m:x></metadata>" %
        ("<l>" * count, "</l>" * count), 1)


def many_nodes(count):
    """A domain with @count empty elements in <metadata>."""
    return vbtest.domain_xml("xmllimits", []).replace(
        "</os>", "</os>\n  <metadata><m:x xmlns:m='urn:x'>%s</m:x></metadata>" %
        ("<n/>" * count), 1)


def entity_bomb():
    """'billion laughs': 10^9 copies of 'lol' from a 1 KB document."""
    decls = "<!ENTITY l0 'lol'>\n" + "".join(
        "<!ENTITY l%d '%s'>\n" % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10))
    return "<!DOCTYPE domain [\n%s]>\n" % decls + vbtest.domain_xml("xmllimits", []).replace(
        "</os>", "</os>\n  <description>&l9;</description>", 1)


ATTRIBUTES = "element 'name' has more than the limit of 256 attributes"
DEPTH = "elements are nested more than the limit of 250 levels below the root"
NODES = "document has more than the limit of 200000 nodes"
DOCTYPE = "document type declarations (DOCTYPE, entities) are not allowed"


class XMLLimitsTest(vbtest.DaemonTestCase):

    def cpu_seconds(self):
        """CPU time the daemon has used so far."""
        with open("/proc/%d/stat" % self.daemon.proc.pid) as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def assertRefused(self, call, message):
        with self.assertRaises(libvirt.libvirtError) as cm:
            call()
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_XML_ERROR,
                         str(cm.exception))
        self.assertIn(message, str(cm.exception))

    def test_define(self):
        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(conn.close)
        cases = [
            (attributes(100000), ATTRIBUTES),
            (attributes(257), ATTRIBUTES),
            (deep(100000), DEPTH),
            (many_nodes(1000000), NODES),
            (entity_bomb(), DOCTYPE),
        ]
        before = self.cpu_seconds()
        for xml, message in cases:
            with self.subTest(message=message, size=len(xml)):
                self.assertRefused(lambda: conn.defineXML(xml), message)
                self.assertRefused(lambda: conn.createXML(xml, 0), message)
        # libxml2 took about 15 s of CPU for the 100000 attributes alone;
        # the refusals together take a fraction of one (a bound on CPU
        # time, not on the time a loaded machine takes)
        self.assertLess(self.cpu_seconds() - before, 5.0)
        # nothing was defined, and the daemon answers at once
        self.assertEqual(conn.listAllDomains(), [])
        self.assertEqual(self.daemon.virsh("list", "--all", "--name").stdout.strip(), "")

        # the same through virsh, as a user sees it
        path = os.path.join(self.tmp, "attributes.xml")
        with open(path, "w") as fh:
            fh.write(attributes(100000))
        proc = self.daemon.virsh("define", path, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("error: XML error: (domain_definition):2: " + ATTRIBUTES, proc.stderr)

        # at the limits is accepted
        dom = conn.defineXML(deep(247).replace("<name>", "<name %s>" % " ".join(
            "a%d=''" % i for i in range(256)), 1))
        self.assertEqual(dom.name(), "xmllimits")
        dom.undefine()

    def test_other_documents(self):
        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(conn.close)
        dom = conn.defineXML(vbtest.domain_xml("xmllimits", []))
        self.addCleanup(dom.undefine)
        target = os.path.join(self.tmp, "pool")
        os.mkdir(target)
        pool_xml = ("<pool type='dir'><name>xmllimits</name>"
                    "<target><path>%s</path></target></pool>" % target)
        attrs = " ".join("a%d=''" % i for i in range(100000))
        defined = dom.XMLDesc(0)
        before = self.cpu_seconds()

        self.assertRefused(lambda: dom.updateDeviceFlags(
            "<disk type='file' device='cdrom' %s><source file='/x'/><target dev='sda'/></disk>" %
            attrs, libvirt.VIR_DOMAIN_AFFECT_CONFIG),
            "element 'disk' has more than the limit of 256 attributes")
        self.assertRefused(lambda: dom.snapshotCreateXML(
            "<domainsnapshot><name %s>s</name></domainsnapshot>" % attrs,
            libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY |
            libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA), ATTRIBUTES)
        self.assertRefused(lambda: conn.storagePoolDefineXML(
            pool_xml.replace("<pool ", "<pool %s " % attrs, 1), 0),
            "element 'pool' has more than the limit of 256 attributes")

        pool = conn.storagePoolDefineXML(pool_xml, 0)
        self.addCleanup(pool.undefine)
        pool.create(0)
        self.addCleanup(pool.destroy)
        self.assertRefused(lambda: pool.createXML(
            "<volume><name %s>v</name><capacity>1</capacity></volume>" % attrs, 0), ATTRIBUTES)
        self.assertRefused(lambda: pool.createXML(
            "<!DOCTYPE volume [<!ENTITY e SYSTEM 'file:///etc/shadow'>]>"
            "<volume><name>&e;</name><capacity>1</capacity></volume>", 0), DOCTYPE)
        self.assertLess(self.cpu_seconds() - before, 5.0)

        # nothing changed
        self.assertEqual(dom.XMLDesc(0), defined)
        self.assertEqual(pool.listVolumes(), [])
        self.assertEqual(os.listdir(target), [])
        self.assertEqual([p.name() for p in conn.listAllStoragePools(0)], ["xmllimits"])

    def test_error_domains(self):
        """A document libxml2 refuses is VIR_ERR_XML_DETAIL in the error
        domain of what it defines, and a wrong root VIR_ERR_XML_ERROR in
        VIR_FROM_XML, as libvirtd 9.0 reports them (its test driver, which
        parses with the same code, gives the same pairs)."""
        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(conn.close)
        dom = conn.defineXML(vbtest.domain_xml("xmllimits", []))
        self.addCleanup(dom.undefine)
        target = os.path.join(self.tmp, "pool")
        os.mkdir(target)
        pool = conn.storagePoolDefineXML(
            "<pool type='dir'><name>xmllimits</name><target><path>%s</path></target></pool>" %
            target, 0)
        self.addCleanup(pool.undefine)
        pool.create(0)
        self.addCleanup(pool.destroy)
        defined = dom.XMLDesc(0)
        bad = "<x><y></x>"
        config = libvirt.VIR_DOMAIN_AFFECT_CONFIG
        detail = libvirt.VIR_ERR_XML_DETAIL
        cases = [
            ("define", lambda x: conn.defineXML(x), "(domain_definition)", libvirt.VIR_FROM_DOMAIN),
            ("create", lambda x: conn.createXML(x, 0), "(domain_definition)",
             libvirt.VIR_FROM_DOMAIN),
            ("attach-device", lambda x: dom.attachDeviceFlags(x, config), "(device_definition)",
             libvirt.VIR_FROM_DOMAIN),
            ("update-device", lambda x: dom.updateDeviceFlags(x, config), "(device_definition)",
             libvirt.VIR_FROM_DOMAIN),
            ("detach-device", lambda x: dom.detachDeviceFlags(x, config), "(device_definition)",
             libvirt.VIR_FROM_DOMAIN),
            ("snapshot", lambda x: dom.snapshotCreateXML(x, 0), "(domain_snapshot)",
             libvirt.VIR_FROM_DOMAIN_SNAPSHOT),
            ("redefine", lambda x: dom.snapshotCreateXML(
                x, libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE), "(domain_snapshot)",
             libvirt.VIR_FROM_DOMAIN_SNAPSHOT),
            ("pool-define", lambda x: conn.storagePoolDefineXML(x, 0),
             "(storage_pool_definition)", libvirt.VIR_FROM_STORAGE),
            ("pool-create", lambda x: conn.storagePoolCreateXML(x, 0),
             "(storage_pool_definition)", libvirt.VIR_FROM_STORAGE),
            ("vol-create", lambda x: pool.createXML(x, 0), "(storage_volume_definition)",
             libvirt.VIR_FROM_STORAGE),
        ]
        for name, call, url, domain in cases:
            with self.subTest(call=name):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    call(bad)
                err = cm.exception
                self.assertEqual((err.get_error_code(), err.get_error_domain()), (detail, domain),
                                 str(err))
                # the pointer's column is libxml2's, as with libvirt
                self.assertRegex(err.get_error_message(),
                                 r"^%s:1: Opening and ending tag mismatch: y line 1 and x\n"
                                 r"<x><y></x>\n-+\^$" % re.escape(url))

        roots = [
            ("define", lambda: conn.defineXML("<foo/>"), "domain"),
            ("snapshot", lambda: dom.snapshotCreateXML("<foo/>", 0), "domainsnapshot"),
            # with the schema asked for, the root is checked first, as libvirtd does
            ("define-validate",
             lambda: conn.defineXMLFlags("<foo/>", libvirt.VIR_DOMAIN_DEFINE_VALIDATE), "domain"),
            ("create-validate",
             lambda: conn.createXML("<foo/>", libvirt.VIR_DOMAIN_START_VALIDATE), "domain"),
            ("snapshot-validate",
             lambda: dom.snapshotCreateXML("<foo/>", libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE),
             "domainsnapshot"),
            ("pool-define", lambda: conn.storagePoolDefineXML("<foo/>", 0), "pool"),
            ("vol-create", lambda: pool.createXML("<foo/>", 0), "volume"),
        ]
        for name, call, root in roots:
            with self.subTest(root=name):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    call()
                err = cm.exception
                self.assertEqual((err.get_error_code(), err.get_error_domain()),
                                 (libvirt.VIR_ERR_XML_ERROR, libvirt.VIR_FROM_XML), str(err))
                self.assertEqual(err.get_error_message(),
                                 "XML error: expecting root element of '%s', not 'foo'" % root)

        # the stock virsh shows libvirt's text
        path = os.path.join(self.tmp, "broken.xml")
        with open(path, "w") as fh:
            fh.write(bad)
        proc = self.daemon.virsh("define", path, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("error: (domain_definition):1: Opening and ending tag mismatch", proc.stderr)

        # nothing changed
        self.assertEqual(dom.XMLDesc(0), defined)
        self.assertEqual(dom.snapshotNum(0), 0)
        self.assertEqual([d.name() for d in conn.listAllDomains()], ["xmllimits"])
        self.assertEqual([p.name() for p in conn.listAllStoragePools(0)], ["xmllimits"])
        self.assertEqual(pool.listVolumes(), [])

    def test_own_files(self):
        """What the daemon writes from an accepted document it reads back."""
        # 4 MiB in, a little more once formatted: kept across a restart
        big = vbtest.domain_xml("xmllimits", []).replace(
            "</os>", "</os>\n  <description>%s</description>" % ("x" * (4 * 1024 * 1024 - 1024)), 1)
        self.assertLess(len(big), 4 * 1024 * 1024)
        conn = libvirt.open(self.daemon.uri)
        conn.defineXML(big)
        conn.close()
        self.daemon.stop()
        self.daemon.start()
        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(conn.close)
        self.assertEqual([d.name() for d in conn.listAllDomains()], ["xmllimits"])
        conn.lookupByName("xmllimits").undefine()

        # larger once escaped (each '"' of an attribute is written
        # '&quot;') than the daemon reads back: refused, rather than
        # written and lost at the next restart
        escaped = vbtest.domain_xml("xmllimits", []).replace(
            "</os>", "</os>\n  <metadata><m:x xmlns:m='urn:x'>%s</m:x></metadata>" %
            ("<v a='%s'/>" % ('"' * 65536) * 24), 1)
        self.assertLess(len(escaped), 4 * 1024 * 1024)
        self.assertRefused(lambda: conn.defineXML(escaped),
                           "definition of domain 'xmllimits' is 94")
        self.assertEqual(conn.listAllDomains(), [])
        self.assertEqual([f for f in os.listdir(os.path.join(self.daemon.root, "config"))
                          if f.endswith(".xml")], [])


if __name__ == "__main__":
    vbtest.main()
