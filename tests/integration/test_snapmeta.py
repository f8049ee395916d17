#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Disk-only external snapshots WITH metadata, against real QEMU (TCG), real
qcow2 images, the stock virsh and python3-libvirt: what
`virsh snapshot-create-as vm NAME --disk-only` keeps, what snapshot-list
(every filter), -current, -info, -parent and -dumpxml show, that it all
survives a daemon restart, and that undefine protects it, each compared
with what libvirtd 9.0 answers."""

import os
import re
import shutil
import signal
import xml.etree.ElementTree as ET

import libvirt

import vbtest

LIST = libvirt.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS


class MetaBase(vbtest.DaemonTestCase):
    start = True

    def setUp(self):
        super().setUp()
        self.chain = vbtest.Chain(self.images, layers=2, size_mib=16)
        self.define("vm", [("vda", self.chain.top)], start=self.start)
        self.connect()

    def connect(self):
        self.conn, self.dom = self.libvirt_connect()

    def create(self, name, *extra):
        proc = self.daemon.virsh("snapshot-create-as", "vm", name, "--disk-only", *extra,
                                 quiet=False)
        self.assertIn("Domain snapshot %s created" % name, proc.stdout)

    def names(self, *flags):
        out = self.daemon.virsh("snapshot-list", "vm", "--name", *flags).stdout
        return [line for line in out.splitlines() if line]

    def overlay(self, name):
        return os.path.join(self.images, "top." + name)

    def snapdir(self):
        return os.path.join(self.daemon.root, "config", "snapshot", "vm")

    def assert_virsh_error(self, args, message):
        proc = self.daemon.virsh(*args, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(message, proc.stderr)


class RunningMetaTest(MetaBase):
    def make_three(self):
        for name in ("s1", "s2", "s3"):
            self.create(name)

    def check_listing(self):
        """libvirtd 9.0's answers for s1 <- s2 <- s3, s3 current"""
        self.assertEqual(self.names(), ["s1", "s2", "s3"])
        self.assertEqual(self.names("--leaves"), ["s3"])
        self.assertEqual(self.names("--no-leaves"), ["s1", "s2"])
        self.assertEqual(self.names("--roots"), ["s1"])
        # the children of the current one
        self.assertEqual(self.names("--current"), [])
        self.assertEqual(self.names("--from", "s1"), ["s2"])
        self.assertEqual(self.names("--from", "s1", "--descendants"), ["s2", "s3"])
        self.assertEqual(self.names("--topological"), ["s1", "s2", "s3"])
        for flag in ("--disk-only", "--external", "--metadata"):
            self.assertEqual(self.names(flag), ["s1", "s2", "s3"], flag)
        for flag in ("--internal", "--no-metadata", "--active", "--inactive"):
            self.assertEqual(self.names(flag), [], flag)
        tree = self.daemon.virsh("snapshot-list", "vm", "--tree").stdout
        self.assertEqual([line.strip() for line in tree.splitlines() if line.strip()],
                         ["s1", "|", "+- s2", "|", "+- s3"])
        parents = self.daemon.virsh("snapshot-list", "vm", "--parent").stdout
        rows = {line.split()[0]: line.split()[-1] for line in parents.splitlines() if line}
        # a root's Parent column is empty: its last column is the state
        self.assertEqual(rows, {"s1": "disk-snapshot", "s2": "s1", "s3": "s2"})
        self.assertEqual(self.daemon.virsh("snapshot-current", "vm", "--name").stdout.strip(),
                         "s3")
        self.assertEqual(self.daemon.virsh("snapshot-parent", "vm", "s3").stdout.strip(), "s2")
        self.assert_virsh_error(["snapshot-parent", "vm", "s1"], "snapshot 's1' has no parent")

    def test_create_list_info_restart(self):
        self.make_three()
        self.assertEqual(vbtest.disk_chain(self.dom.XMLDesc(0))[:4],
                         [self.overlay("s3"), self.overlay("s2"), self.overlay("s1"),
                          self.chain.top])
        self.check_listing()

        info = self.daemon.virsh("snapshot-info", "vm", "s1").stdout
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        self.assertEqual(fields["Name"], "s1")
        self.assertEqual(fields["Domain"], "vm")
        self.assertEqual(fields["Current"], "no")
        self.assertEqual(fields["State"], "disk-snapshot")
        self.assertEqual(fields["Location"], "external")
        self.assertEqual(fields["Parent"], "-")
        self.assertEqual(fields["Children"], "1")
        self.assertEqual(fields["Descendants"], "2")
        self.assertEqual(fields["Metadata"], "yes")

        # libvirt's element order; <domain> is the definition before it
        root = ET.fromstring(self.daemon.virsh("snapshot-dumpxml", "vm", "s2").stdout)
        self.assertEqual([c.tag for c in root],
                         ["name", "state", "parent", "creationTime", "memory", "disks",
                          "domain", "inactiveDomain"])
        self.assertEqual(root.findtext("parent/name"), "s1")
        self.assertEqual(root.find("memory").get("snapshot"), "no")
        disk = root.find("disks/disk")
        self.assertEqual((disk.get("name"), disk.get("snapshot"), disk.get("type")),
                         ("vda", "external", "file"))
        self.assertEqual(disk.find("driver").get("type"), "qcow2")
        self.assertEqual(disk.find("source").get("file"), self.overlay("s2"))
        self.assertEqual(root.find("domain/devices/disk/source").get("file"),
                         self.overlay("s1"))
        self.assertEqual(root.find("inactiveDomain/devices/disk/source").get("file"),
                         self.overlay("s1"))

        # the files, and all of it again after a restart
        self.assertEqual(sorted(os.listdir(self.snapdir())), ["s1.xml", "s2.xml", "s3.xml"])
        self.close_quietly(self.conn)
        self.daemon.stop()
        self.daemon.start()
        self.connect()
        self.check_listing()

    def test_python_api(self):
        self.make_three()
        snaps = self.dom.listAllSnapshots()
        self.assertEqual(sorted(s.getName() for s in snaps), ["s1", "s2", "s3"])
        self.assertEqual(self.dom.snapshotNum(), 3)
        self.assertEqual(sorted(self.dom.snapshotListNames()), ["s1", "s2", "s3"])
        self.assertEqual(self.dom.hasCurrentSnapshot(), 1)
        self.assertEqual(self.dom.snapshotCurrent().getName(), "s3")
        s1 = self.dom.snapshotLookupByName("s1")
        self.assertEqual(s1.numChildren(), 1)
        self.assertEqual(s1.numChildren(LIST), 2)
        self.assertEqual(s1.listChildrenNames(), ["s2"])
        self.assertEqual([s.getName() for s in s1.listAllChildren(LIST)], ["s2", "s3"])
        self.assertEqual(s1.isCurrent(), 0)
        # libvirtd 9.0 applies both of a contradicting pair: nothing
        both = (libvirt.VIR_DOMAIN_SNAPSHOT_LIST_LEAVES |
                libvirt.VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES)
        self.assertEqual(self.dom.listAllSnapshots(both), [])
        self.assertEqual(self.dom.snapshotNum(both), 0)
        self.assertEqual(s1.listAllChildren(both | LIST), [])
        self.assertEqual(s1.numChildren(both | LIST), 0)
        self.assertEqual(s1.hasMetadata(), 1)
        self.assertEqual(self.dom.snapshotLookupByName("s3").getParent().getName(), "s2")
        with self.assertRaises(libvirt.libvirtError) as cm:
            s1.getParent()
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT)
        self.assertEqual(cm.exception.get_error_message(),
                         "Domain snapshot not found: snapshot 's1' does not have a parent")
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.snapshotLookupByName("nosuch")
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT)
        self.assertEqual(cm.exception.get_error_message(),
                         "Domain snapshot not found: no domain snapshot with matching name "
                         "'nosuch'")
        # the read-only socket lists, but gets no secrets
        ro = libvirt.openReadOnly(self.daemon.uri_ro)
        self.addCleanup(ro.close)
        rosnap = ro.lookupByName("vm").snapshotLookupByName("s2")
        self.assertIn("<name>s2</name>", rosnap.getXMLDesc())
        with self.assertRaises(libvirt.libvirtError) as cm:
            rosnap.getXMLDesc(libvirt.VIR_DOMAIN_SNAPSHOT_XML_SECURE)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_DENIED)

    def test_duplicate_name(self):
        self.create("s1")
        proc = self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only", "--diskspec",
                                 "vda,file=" + os.path.join(self.images, "other.qcow2"),
                                 check=False)
        self.assertIn("operation failed: domain moment s1 already exists", proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.images, "other.qcow2")))
        self.assertEqual(self.names(), ["s1"])

    def test_hostile_names(self):
        before = sorted(os.listdir(self.images))
        for name, message in (("a/b", "invalid snapshot name 'a/b': name can't contain '/'"),
                              ("..", "invalid snapshot name '..': name can't start with '.'"),
                              (".hidden", "name can't start with '.'"),
                              ("x" * 201, "invalid snapshot name: longer than 200 bytes")):
            proc = self.daemon.virsh("snapshot-create-as", "vm", name, "--disk-only",
                                     check=False)
            self.assertIn(message, proc.stderr, name)
        with self.assertRaises(libvirt.libvirtError) as cm:
            # XML holds no other control character than tab and newline
            self.dom.snapshotCreateXML("<domainsnapshot><name>a&#x9;b</name></domainsnapshot>",
                                       libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_XML_DETAIL)
        self.assertIn("name can't contain control characters", cm.exception.get_error_message())
        self.assertEqual(sorted(os.listdir(self.images)), before)
        self.assertEqual(self.names(), [])
        self.assertFalse(os.path.exists(self.snapdir()))


class RedefineTest(MetaBase):
    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as fh:
            fh.write(text)
        return path

    def redefine_error(self, xml):
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.snapshotCreateXML(xml, libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        return cm.exception

    def test_redefine(self):
        self.create("s1")
        self.create("s2")
        xml = self.daemon.virsh("snapshot-dumpxml", "vm", "s2").stdout

        # snapshot-current DOM NAME is a redefinition with CURRENT
        proc = self.daemon.virsh("snapshot-current", "vm", "s1", quiet=False)
        self.assertIn("Snapshot s1 set as current", proc.stdout)
        self.assertEqual(self.daemon.virsh("snapshot-current", "vm", "--name").stdout.strip(),
                         "s1")
        self.assertEqual(self.names("--current"), ["s2"])

        # a new snapshot from a saved XML: not current without --current
        path = self.write("s9.xml", xml.replace("<name>s2</name>", "<name>s9</name>", 1))
        proc = self.daemon.virsh("snapshot-create", "vm", path, "--redefine", quiet=False)
        self.assertIn("Domain snapshot s9 created from '%s'" % path, proc.stdout)
        self.assertEqual(self.names("--from", "s1"), ["s2", "s9"])
        self.assertEqual(self.dom.snapshotCurrent().getName(), "s1")
        # redefining an existing name replaces it
        self.daemon.virsh("snapshot-create", "vm", path, "--redefine", "--current")
        self.assertEqual(self.dom.snapshotCurrent().getName(), "s9")
        self.assertEqual(self.names(), ["s1", "s2", "s9"])

        # libvirtd 9.0's refusals
        err = self.redefine_error(xml.replace("<name>s2</name>", "<name>s8</name>", 1)
                                  .replace("<name>s1</name>", "<name>nosuch</name>", 1))
        self.assertEqual((err.get_error_code(), err.get_error_domain()),
                         (libvirt.VIR_ERR_INVALID_ARG, libvirt.VIR_FROM_DOMAIN))
        self.assertEqual(err.get_error_message(),
                         "invalid argument: parent nosuch for moment s8 not found")
        root = ET.fromstring(xml)
        root.remove(root.find("domain"))
        root.remove(root.find("inactiveDomain"))
        err = self.redefine_error(ET.tostring(root, encoding="unicode"))
        self.assertEqual((err.get_error_code(), err.get_error_domain()),
                         (libvirt.VIR_ERR_INTERNAL_ERROR, libvirt.VIR_FROM_DOMAIN_SNAPSHOT))
        self.assertEqual(err.get_error_message(), "internal error: missing domain in snapshot")
        root = ET.fromstring(xml)
        root.remove(root.find("creationTime"))
        err = self.redefine_error(ET.tostring(root, encoding="unicode"))
        self.assertEqual(err.get_error_message(),
                         "internal error: missing creationTime from existing snapshot")
        err = self.redefine_error(xml.replace("<name>s1</name>", "<name>s2</name>", 1))
        self.assertEqual(err.get_error_message(),
                         "invalid argument: cannot set moment s2 as its own parent")
        # s1 below its own descendant s2
        s1 = self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout
        err = self.redefine_error(s1.replace("<creationTime>",
                                             "<parent><name>s2</name></parent><creationTime>", 1))
        self.assertEqual(err.get_error_message(),
                         "invalid argument: parent s2 would create cycle to s1")
        self.assertEqual(self.names(), ["s1", "s2", "s9"])

        # all of it kept across a restart
        self.close_quietly(self.conn)
        self.daemon.stop()
        self.daemon.start()
        self.connect()
        self.assertEqual(self.dom.snapshotCurrent().getName(), "s9")
        self.assertEqual(self.names("--from", "s1"), ["s2", "s9"])


    def assert_refused(self, xml, code, domain, message):
        err = self.redefine_error(xml)
        self.assertEqual((err.get_error_code(), err.get_error_domain(), err.get_error_message()),
                         (code, domain, message))

    def test_redefine_refusals(self):
        """What libvirtd 9.0 refuses in a redefinition, with its errors;
        nothing changes, in memory or on disk."""
        self.create("s1")
        xml = self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout
        with open(os.path.join(self.snapdir(), "s1.xml")) as fh:
            saved = fh.read()
        new = xml.replace("<name>s1</name>", "<name>n1</name>", 1)
        SNAP = libvirt.VIR_FROM_DOMAIN_SNAPSHOT
        UNSUP = libvirt.VIR_ERR_CONFIG_UNSUPPORTED

        # the state: required, and one a QEMU guest can be snapshotted in
        for text in (xml, new):
            root = ET.fromstring(text)
            root.remove(root.find("state"))
            self.assert_refused(ET.tostring(root, encoding="unicode"), libvirt.VIR_ERR_XML_ERROR,
                                SNAP, "XML error: missing state from existing snapshot")
        state = "<state>disk-snapshot</state>"
        self.assert_refused(new.replace(state, "<state>nostate</state>"), UNSUP, SNAP,
                            "unsupported configuration: Invalid state 'nostate' in domain "
                            "snapshot XML")
        self.assert_refused(new.replace(state, "<state>blocked</state>"),
                            libvirt.VIR_ERR_INTERNAL_ERROR, libvirt.VIR_FROM_QEMU,
                            "internal error: Invalid domain state blocked")
        self.assert_refused(new.replace(state, "<state>pmsuspended</state>"),
                            libvirt.VIR_ERR_OPERATION_UNSUPPORTED, libvirt.VIR_FROM_QEMU,
                            "Operation not supported: qemu doesn't support taking snapshots of "
                            "PMSUSPENDED guests")

        # the disks, against the snapshot's own <domain>
        for text in (xml, new):
            self.assert_refused(text.replace("<disk name='vda'", "<disk name='vdz'", 1), UNSUP,
                                SNAP, "unsupported configuration: no disk named 'vdz'")
        self.assert_refused(new.replace("</disks>", "<disk name='vda' snapshot='no'/></disks>"),
                            UNSUP, SNAP,
                            "unsupported configuration: too many disk snapshot requests for "
                            "domain")

        # an existing snapshot's machine cannot change (libvirt's ABI check)
        root = ET.fromstring(xml)
        dom = root.find("domain")
        mem = dom.findtext("memory")

        def set_bus(d):
            disk = d.find("devices/disk")
            disk.find("target").set("bus", "sata")
            # (the PCI address a virtio disk had would be refused first)
            disk.remove(disk.find("address"))

        cases = [("memory", lambda d: setattr(d.find("memory"), "text", str(int(mem) * 2)),
                  "Target domain max memory %d does not match source %s" % (int(mem) * 2, mem)),
                 ("vcpu", lambda d: setattr(d.find("vcpu"), "text", "2"),
                  "Target domain vCPU max 2 does not match source 1"),
                 ("arch", lambda d: d.find("os/type").set("arch", "i686"),
                  "Target domain architecture i686 does not match source x86_64"),
                 ("bus", set_bus, "Target disk bus sata does not match source virtio"),
                 ("target", lambda d: d.find("devices/disk/target").set("dev", "vdb"),
                  "Target disk vdb does not match source vda"),
                 ("nic", lambda d: d.find("devices").append(ET.fromstring(
                     "<interface type='user'><mac address='52:54:00:11:22:33'/>"
                     "<model type='virtio'/></interface>")),
                  "Target domain net card count 1 does not match source 0")]
        for label, change, message in cases:
            root = ET.fromstring(xml)
            change(root.find("domain"))
            self.assert_refused(ET.tostring(root, encoding="unicode"), UNSUP,
                                libvirt.VIR_FROM_DOMAIN, "unsupported configuration: " + message)

        self.assertEqual(self.names(), ["s1"])
        self.assertEqual(self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout, xml)
        self.assertEqual(sorted(os.listdir(self.snapdir())), ["s1.xml"])
        with open(os.path.join(self.snapdir(), "s1.xml")) as fh:
            self.assertEqual(fh.read(), saved)

    def test_redefine_aligns_disks(self):
        """A redefinition without <disks> gets one per disk of its
        <domain>, with libvirt's defaults (the default overlay name)."""
        self.create("s1")
        root = ET.fromstring(self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout)
        root.find("name").text = "n1"
        root.remove(root.find("disks"))
        self.dom.snapshotCreateXML(ET.tostring(root, encoding="unicode"),
                                   libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        got = ET.fromstring(self.daemon.virsh("snapshot-dumpxml", "vm", "n1").stdout)
        disk = got.find("disks/disk")
        self.assertEqual((disk.get("name"), disk.get("snapshot")), ("vda", "external"))
        self.assertEqual(disk.find("source").get("file"),
                         os.path.join(self.images, "top.n1"))
        self.assertIsNone(disk.find("driver"))
        # a shut-off one: 'internal', as libvirtd 9.0 records it
        root.find("name").text = "n2"
        root.find("state").text = "shutoff"
        self.dom.snapshotCreateXML(ET.tostring(root, encoding="unicode"),
                                   libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        got = ET.fromstring(self.daemon.virsh("snapshot-dumpxml", "vm", "n2").stdout)
        self.assertEqual([(d.get("name"), d.get("snapshot"), len(d)) for d in got.find("disks")],
                         [("vda", "internal", 0)])

    def test_redefine_without_addresses(self):
        """snapshot-dumpxml with its <address> elements stripped redefines
        the snapshot, as with libvirtd 9.0, whose parser gives the
        snapshot's <domain> the addresses its driver assigns at define:
        the machine is the same, and it is stored with them."""
        self.create("s1")
        xml = self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout
        self.assertIn("<address ", xml)
        stripped = re.sub(r"\s*<address [^>]*/>", "", xml)
        path = self.write("s1.xml", stripped)
        self.daemon.virsh("snapshot-create", "vm", path, "--redefine")
        self.assertEqual(self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout, xml)
        # a new snapshot as well
        path = self.write("n1.xml", stripped.replace("<name>s1</name>", "<name>n1</name>", 1))
        self.daemon.virsh("snapshot-create", "vm", path, "--redefine")
        self.assertEqual(self.daemon.virsh("snapshot-dumpxml", "vm", "n1").stdout,
                         xml.replace("<name>s1</name>", "<name>n1</name>", 1))
        # and what is stored reads back the same
        self.close_quietly(self.conn)
        self.daemon.stop()
        self.daemon.start()
        self.connect()
        self.assertEqual(self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout, xml)

    def chattr(self, path, flag):
        if flag == "+i":
            self.addCleanup(self.chattr, path, "-i")
        proc = vbtest.run(["chattr", flag, path], check=False)
        if proc.returncode != 0:
            self.skipTest("chattr %s %s: %s" % (flag, path, proc.stderr.strip()))

    def test_save_failures(self):
        """A file that cannot be written: memory stays what is on disk,
        and only the snapshot's own file fails an operation."""
        self.create("s1")
        self.create("s2")
        s1 = self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout
        s1path = os.path.join(self.snapdir(), "s1.xml")
        with open(s1path) as fh:
            saved = fh.read()

        # an immutable s1.xml: no rename onto it, even by root
        self.chattr(s1path, "+i")
        err = self.redefine_error(s1.replace("<name>s1</name>",
                                             "<name>s1</name><description>new</description>", 1))
        self.assertEqual((err.get_error_code(), err.get_error_message()),
                         (libvirt.VIR_ERR_INTERNAL_ERROR,
                          "internal error: unable to save metadata for snapshot s1"))
        self.assertEqual(self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout, s1)
        self.assert_virsh_error(["snapshot-current", "vm", "s1"],
                                "unable to save metadata for snapshot s1")
        self.assertEqual(self.dom.snapshotCurrent().getName(), "s2")
        with open(s1path) as fh:
            self.assertEqual(fh.read(), saved)
        self.chattr(s1path, "-i")

        # the old current's file failing does not fail the new snapshot
        s2path = os.path.join(self.snapdir(), "s2.xml")
        self.chattr(s2path, "+i")
        self.create("s3")
        self.assertEqual(self.dom.snapshotCurrent().getName(), "s3")
        self.assertIn("failed to update old current snapshot 's2'", self.daemon.log())
        self.chattr(s2path, "-i")

        # the new snapshot's own file failing does
        os.makedirs(os.path.join(self.snapdir(), "s4.xml", "keep"))
        proc = self.daemon.virsh("snapshot-create-as", "vm", "s4", "--disk-only", check=False)
        self.assertIn("internal error: unable to save metadata for snapshot s4", proc.stderr)
        self.assertEqual(self.names(), ["s1", "s2", "s3"])
        shutil.rmtree(os.path.join(self.snapdir(), "s4.xml"))

        # s2.xml and s3.xml both say current: the one written last wins
        self.close_quietly(self.conn)
        self.daemon.stop()
        self.daemon.start()
        self.connect()
        self.assertEqual(self.dom.snapshotCurrent().getName(), "s3")
        self.assertEqual(self.names(), ["s1", "s2", "s3"])


class TransientMetaTest(MetaBase):
    start = False

    def test_transient(self):
        """A running transient domain's snapshots survive a daemon restart
        and go with the domain when it stops, as libvirt's do."""
        xmlpath = os.path.join(self.tmp, "vm.xml")
        self.daemon.virsh("undefine", "vm")
        self.daemon.virsh("create", xmlpath)
        self.connect()
        self.create("t1")
        self.close_quietly(self.conn)
        self.daemon.stop()
        self.daemon.start()
        self.connect()
        self.assertEqual(self.names(), ["t1"])
        self.assertTrue(os.path.isfile(os.path.join(self.snapdir(), "t1.xml")))
        self.daemon.virsh("destroy", "vm")
        self.assertFalse(os.path.exists(self.snapdir()))

    def test_transient_lost_at_restart(self):
        """A transient domain whose QEMU died while the daemon was down is
        gone at the next start, and its snapshot metadata with it: nothing
        is left for the next domain of that name."""
        xmlpath = os.path.join(self.tmp, "vm.xml")
        self.daemon.virsh("undefine", "vm")
        self.daemon.virsh("create", xmlpath)
        self.connect()
        self.create("t1")
        pids = self.daemon.qemu_pids()
        self.close_quietly(self.conn)
        self.daemon.stop()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
            vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 10, "QEMU %d to die" % pid)
        self.daemon.start()
        self.assertNotIn("vm", self.daemon.virsh("list", "--all", "--name").stdout.split())
        self.assertFalse(os.path.exists(self.snapdir()))
        self.daemon.virsh("define", xmlpath)
        self.daemon.stop()
        self.daemon.start()
        self.assertEqual(self.names(), [])


class ShutoffMetaTest(MetaBase):
    start = False

    def test_no_current(self):
        self.assertEqual(self.dom.hasCurrentSnapshot(), 0)
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.snapshotCurrent()
        self.assertEqual(cm.exception.get_error_message(),
                         "Domain snapshot not found: the domain does not have a current "
                         "snapshot")
        self.assert_virsh_error(["snapshot-current", "vm"],
                                "domain 'vm' has no current snapshot")

    def test_create_and_undefine(self):
        self.create("s1")
        self.create("s2")
        root = ET.fromstring(self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout)
        # shut off: no <inactiveDomain>, <domain> names the image before
        self.assertEqual([c.tag for c in root],
                         ["name", "state", "creationTime", "memory", "disks", "domain"])
        # as libvirtd 9.0: a shut-off domain's snapshot is 'shutoff'
        self.assertEqual(root.findtext("state"), "shutoff")
        self.assertEqual(self.names("--inactive"), ["s1", "s2"])
        self.assertEqual(self.names("--disk-only"), [])
        self.assertEqual(self.names("--external"), ["s1", "s2"])
        self.assertEqual(root.find("domain/devices/disk/source").get("file"), self.chain.top)
        tree = self.daemon.virsh("snapshot-list", "vm", "--tree").stdout
        self.assertEqual([line.strip() for line in tree.splitlines() if line.strip()],
                         ["s1", "|", "+- s2"])

        self.assert_virsh_error(["undefine", "vm"], "Requested operation is not valid: cannot "
                                "delete inactive domain with 2 snapshots")
        self.assertEqual(self.names(), ["s1", "s2"])
        self.daemon.virsh("undefine", "vm", "--snapshots-metadata")
        self.assertFalse(os.path.exists(self.snapdir()))
        # the overlays stay, as in libvirt: only the metadata went
        self.assertTrue(os.path.isfile(self.overlay("s2")))

    def test_foreign_uuid(self):
        """A file whose <domain> is another domain's is not loaded (libvirt
        9.0 would list it), and goes with the domain's metadata."""
        self.create("s1")
        with open(os.path.join(self.snapdir(), "s1.xml")) as fh:
            text = fh.read()
        uuid = ET.fromstring(text).findtext("domain/uuid")
        other = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        with open(os.path.join(self.snapdir(), "x1.xml"), "w") as fh:
            fh.write(text.replace("<name>s1</name>", "<name>x1</name>", 1)
                     .replace("<active>1</active>", "<active>0</active>")
                     .replace(uuid, other))
        self.close_quietly(self.conn)
        self.daemon.stop()
        self.daemon.start()
        self.connect()
        self.assertEqual(self.names(), ["s1"])
        self.assertIn("definition for snapshot x1 must use uuid " + uuid, self.daemon.log())
        self.daemon.virsh("undefine", "vm", "--snapshots-metadata")
        self.assertFalse(os.path.exists(self.snapdir()))


if __name__ == "__main__":
    vbtest.main()
