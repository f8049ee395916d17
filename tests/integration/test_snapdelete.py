#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh snapshot-delete of external disk-only snapshots, against real QEMU
(TCG), real qcow2 images, the stock virsh and python3-libvirt, as
libvirtd 9.0 does it (/work/shared/spec/libvirt-snapshots.md items 10-20):
the leaf by an active commit and pivot, a middle or root snapshot by a
commit that rebases the image above; the overlay file removed; children
reparented with their <domain> rewritten; the current snapshot moved; the
block job events; METADATA_ONLY (CHILDREN and CHILDREN_ONLY, which go
beyond libvirt, are in test_snapchildren.py); each refusal with libvirt's
code and message.  Every delete ends in a byte-for-byte
check of the guest's view against a reference, qemu-img check, the files
left, and the metadata after a daemon restart."""

import os
import xml.etree.ElementTree as ET

import libvirt

import vbtest
from vbevents import EventRecorder

MiB = vbtest.MiB
DEV = "/machine/peripheral/virtio-disk0/virtio-backend"
DELETE_META = libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY
COMPLETED = libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED
READY = libvirt.VIR_DOMAIN_BLOCK_JOB_READY
COMMIT = libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT
ACTIVE_COMMIT = libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT


class SnapDeleteBase(vbtest.DaemonTestCase):
    start = True

    def setUp(self):
        super().setUp()
        self.chain = vbtest.Chain(self.images, layers=2, size_mib=32)
        self.expected = self.chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.define("vm", [("vda", self.chain.top)], start=self.start)
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.connect()

    def connect(self):
        self.conn, self.dom = self.libvirt_connect()

    def overlay(self, name):
        return os.path.join(self.images, "top." + name)

    def create(self, name):
        self.daemon.virsh("snapshot-create-as", "vm", name, "--disk-only")

    def guest_write(self, pattern, offset, length):
        """Through the disk's backend, as the guest would (running only)."""
        out = self.daemon.virsh(
            "qemu-monitor-command", "vm", "--hmp",
            'qemu-io -d %s "write -P 0x%02x %d %d"' % (DEV, pattern, offset, length)).stdout
        self.assertNotIn("error", out.lower())
        vbtest.Chain.write(self.expected, pattern, offset, length, fmt="raw")

    def make_three(self):
        """s1 <- s2 <- s3, each overlay with data of its own."""
        for i, name in enumerate(("s1", "s2", "s3")):
            self.create(name)
            if self.start:
                self.guest_write(0x41 + i, (16 + i) * MiB, MiB)

    def chain_now(self, inactive=False):
        flags = libvirt.VIR_DOMAIN_XML_INACTIVE if inactive else 0
        return vbtest.disk_chain(self.dom.XMLDesc(flags))

    def stated(self, inactive=False):
        flags = libvirt.VIR_DOMAIN_XML_INACTIVE if inactive else 0
        return vbtest.disk_chain_stated(self.dom.XMLDesc(flags))

    def snapnames(self):
        return sorted(s.getName() for s in self.dom.listAllSnapshots(0))

    def parent_of(self, name):
        try:
            return self.dom.snapshotLookupByName(name).getParent().getName()
        except libvirt.libvirtError as e:
            self.assertEqual(e.get_error_code(), libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT)
            return None

    def current(self):
        if not self.dom.hasCurrentSnapshot():
            return None
        return self.dom.snapshotCurrent().getName()

    def snap_domain_source(self, name, element="domain"):
        root = ET.fromstring(self.dom.snapshotLookupByName(name).getXMLDesc())
        node = root.find(element + "/devices/disk/source")
        return None if node is None else node.get("file")

    def delete(self, name, flags=0):
        self.dom.snapshotLookupByName(name).delete(flags)

    def assert_data(self):
        """The guest's view is the reference; every image is clean."""
        top = self.chain_now()[0]
        self.assertTrue(vbtest.images_identical(top, self.expected) if not self.start
                        else self.compare_running(top))
        for path in os.listdir(self.images):
            vbtest.run(["qemu-img", "check", "-q", "-U", os.path.join(self.images, path)])

    def compare_running(self, top):
        proc = vbtest.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw", top,
                           self.expected], check=False)
        return proc.returncode == 0

    def files(self):
        return sorted(os.listdir(self.images))

    def restart(self):
        self.close_quietly(self.conn)
        self.events.close()
        self.daemon.stop()
        self.daemon.start()
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.connect()

    def assert_error(self, name, flags, code, domain, message):
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.delete(name, flags)
        self.assertEqual((cm.exception.get_error_code(), cm.exception.get_error_domain()),
                         (code, domain), cm.exception.get_error_message())
        self.assertIn(message, cm.exception.get_error_message())

    def job_events(self):
        return [e for e in self.events.events if e[0] in ("block-job", "block-job-2")]

    def wait_events(self, n):
        vbtest.wait_for(lambda: len(self.job_events()) >= n, 30, "%d block job events" % n)
        return self.job_events()


class RunningDeleteTest(SnapDeleteBase):
    def test_leaf_active_commit(self):
        self.make_three()
        self.delete("s3")
        self.assertEqual(self.chain_now()[:4],
                         [self.overlay("s2"), self.overlay("s1"), self.chain.top,
                          self.chain.base])
        # the persistent definition as libvirt 9.0 keeps it: the overlay
        # gone, the chain down to the original image, no terminator
        self.assertEqual(self.stated(inactive=True),
                         [self.overlay("s2"), self.overlay("s1"), self.chain.top])
        self.assertNotIn("top.s3", self.files())
        self.assertEqual(self.snapnames(), ["s1", "s2"])
        self.assertEqual(self.current(), "s2")
        # libvirt 9.0's events: READY on the overlay, COMPLETED on the new top
        evs = self.wait_events(4)
        self.assertEqual([e[2:] for e in evs], [
            (self.overlay("s3"), ACTIVE_COMMIT, READY),
            ("vda", ACTIVE_COMMIT, READY),
            (self.overlay("s2"), ACTIVE_COMMIT, COMPLETED),
            ("vda", ACTIVE_COMMIT, COMPLETED)])
        self.assertEqual(self.events.of_kind("lifecycle"), [])
        self.guest_write(0x51, 30 * MiB, MiB)
        self.assert_data()
        self.restart()
        self.assertEqual(self.snapnames(), ["s1", "s2"])
        self.assertEqual(self.current(), "s2")
        self.assertEqual(self.parent_of("s2"), "s1")

    def test_middle_commit_rebases(self):
        self.make_three()
        self.delete("s2")
        self.assertEqual(self.chain_now()[:3],
                         [self.overlay("s3"), self.overlay("s1"), self.chain.top])
        self.assertEqual(vbtest.backing_of(self.overlay("s3")), self.overlay("s1"))
        self.assertEqual(self.stated(inactive=True),
                         [self.overlay("s3"), self.overlay("s1"), self.chain.top])
        self.assertNotIn("top.s2", self.files())
        self.assertEqual(self.snapnames(), ["s1", "s3"])
        self.assertEqual(self.parent_of("s3"), "s1")
        self.assertEqual(self.current(), "s3")
        # s3's definitions now name the image s2's overlay was merged into
        self.assertEqual(self.snap_domain_source("s3"), self.overlay("s1"))
        self.assertEqual(self.snap_domain_source("s3", "inactiveDomain"), self.overlay("s1"))
        evs = self.wait_events(2)
        self.assertEqual([e[2:] for e in evs], [
            (self.overlay("s3"), COMMIT, COMPLETED), ("vda", COMMIT, COMPLETED)])
        self.assert_data()
        self.restart()
        self.assertEqual(self.snapnames(), ["s1", "s3"])
        self.assertEqual(self.parent_of("s3"), "s1")
        self.assertEqual(self.snap_domain_source("s3"), self.overlay("s1"))

    def test_root_then_rest(self):
        self.make_three()
        self.delete("s1")
        self.assertEqual(self.chain_now()[:3],
                         [self.overlay("s3"), self.overlay("s2"), self.chain.top])
        self.assertEqual(vbtest.backing_of(self.overlay("s2")), self.chain.top)
        self.assertNotIn("top.s1", self.files())
        self.assertIsNone(self.parent_of("s2"))
        self.assertEqual(self.snap_domain_source("s2"), self.chain.top)
        self.assert_data()
        # the rest, oldest first: a commit, then an active commit
        self.delete("s2")
        self.assertEqual(self.snap_domain_source("s3"), self.chain.top)
        self.delete("s3")
        self.assertEqual(self.chain_now()[:2], [self.chain.top, self.chain.base])
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assertIsNone(self.current())
        self.assertEqual(self.snapnames(), [])
        self.assert_data()
        self.restart()
        self.assertEqual(self.snapnames(), [])

    def test_newest_first_with_current_flag(self):
        self.make_three()
        for name in ("s3", "s2", "s1"):
            self.assertEqual(self.current(), name)
            self.daemon.virsh("snapshot-delete", "vm", "--current")
        self.assertIsNone(self.current())
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assert_data()

    def test_non_current_leaf_keeps_current(self):
        self.make_three()
        out = self.daemon.virsh("snapshot-current", "vm", "s1", quiet=False).stdout
        self.assertIn("Snapshot s1 set as current", out)
        proc = self.daemon.virsh("snapshot-delete", "vm", "s3", quiet=False)
        self.assertIn("Domain snapshot s3 deleted", proc.stdout)
        self.assertEqual(self.current(), "s1")
        self.assert_data()

    def test_metadata_only_then_refusals(self):
        self.make_three()
        before = self.files()
        self.delete("s2", DELETE_META)
        self.assertEqual(self.files(), before)
        self.assertEqual(self.chain_now()[:2], [self.overlay("s3"), self.overlay("s2")])
        self.assertEqual(self.parent_of("s3"), "s1")
        # rewritten as if merged: from now on s3's real delete is refused
        self.assertEqual(self.snap_domain_source("s3"), self.overlay("s1"))
        self.assert_error("s3", 0, libvirt.VIR_ERR_OPERATION_FAILED, libvirt.VIR_FROM_QEMU,
                          "snapshot VM disk source and parent disk source are not the same")
        # s1 still works: top.s1 committed into top.qcow2, top.s2 rebased
        self.delete("s1")
        self.assertEqual(vbtest.backing_of(self.overlay("s2")), self.chain.top)
        self.assertEqual(self.snap_domain_source("s3"), self.chain.top)
        self.assert_data()

    def test_metadata_subtree(self):
        self.make_three()
        before = self.files()
        self.delete("s1", DELETE_META | libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)
        self.assertEqual(self.snapnames(), ["s1"])
        self.assertEqual(self.current(), "s1")
        self.delete("s1", DELETE_META | libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)
        self.assertEqual(self.snapnames(), [])
        self.assertIsNone(self.current())
        self.assertEqual(self.files(), before)
        self.assertEqual(os.listdir(os.path.join(self.daemon.root, "config", "snapshot", "vm")),
                         [])
        self.assert_data()

    def test_refusals(self):
        self.make_three()
        before = self.files()
        # libvirt 9.0's refusals of CHILDREN and CHILDREN_ONLY are gone:
        # test_snapchildren.py deletes a subtree by commits
        self.assert_error("s2", 0x100000, libvirt.VIR_ERR_INVALID_ARG, libvirt.VIR_FROM_QEMU,
                          "unsupported flags (0x100000) in function qemuSnapshotDelete")
        self.assert_error("nosuch", 0, libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT,
                          libvirt.VIR_FROM_QEMU, "no domain snapshot with matching name")
        # a read-only client
        proc = self.daemon.virsh("snapshot-delete", "vm", "s3", check=False, ro=True)
        self.assertIn("read only access prevents virDomainSnapshotDelete", proc.stderr)
        # --children-only on a leaf does nothing
        proc = self.daemon.virsh("snapshot-delete", "vm", "s3", "--children-only", quiet=False)
        self.assertIn("Domain snapshot s3 children deleted", proc.stdout)
        # another block job on the disk; --metadata goes on regardless
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", self.overlay("s1"),
                          "--bandwidth", "1")
        self.assert_error("s3", 0, libvirt.VIR_ERR_OPERATION_UNSUPPORTED, libvirt.VIR_FROM_QEMU,
                          "cannot delete external snapshots when there is another active "
                          "block job")
        proc = self.daemon.virsh("snapshot-delete", "vm", "s3", "--metadata", quiet=False)
        self.assertIn("Domain snapshot s3 deleted", proc.stdout)
        self.assertEqual(self.current(), "s2")
        self.daemon.virsh("blockjob", "vm", "vda", "--abort")
        self.assertEqual(self.snapnames(), ["s1", "s2"])
        self.assertEqual(self.files(), before)
        self.assert_data()

    def test_overlay_not_in_chain(self):
        self.make_three()
        self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot",
                          "--top", self.overlay("s3"), "--base", self.overlay("s2"))
        self.assert_error("s3", 0, libvirt.VIR_ERR_INVALID_ARG, libvirt.VIR_FROM_STORAGE,
                          "could not find base disk source in disk source chain")
        self.delete("s3", DELETE_META)
        self.assertEqual(self.snapnames(), ["s1", "s2"])

    def test_branch_point_refused(self):
        # s1 gets a second child b, redefined on branch.qcow2 backed by top.s1
        self.make_three()
        branch = os.path.join(self.images, "branch.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", self.overlay("s1"),
                    "-F", "qcow2", branch])
        xml = self.dom.snapshotLookupByName("s2").getXMLDesc()
        root = ET.fromstring(xml)
        root.find("name").text = "b"
        root.find("disks/disk/source").set("file", branch)
        self.dom.snapshotCreateXML(ET.tostring(root, encoding="unicode"),
                                   libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        before = self.files()
        for name in ("s1", "s2"):
            with self.assertRaises(libvirt.libvirtError) as cm:
                self.delete(name)
            self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
            self.assertIn("'%s' (snapshot 'b')" % branch, cm.exception.get_error_message())
        self.assertEqual(self.files(), before)
        self.assertEqual(self.snapnames(), ["b", "s1", "s2", "s3"])
        vbtest.run(["qemu-img", "check", "-q", "-U", branch])
        # the leaf is not at the branch point
        self.delete("s3")
        self.assert_data()


class TwoDiskDeleteTest(SnapDeleteBase):
    start = False

    def test_both_disks(self):
        """A snapshot of vda and vdb: each disk's overlay is committed."""
        chain2 = vbtest.Chain(self.images, layers=2, size_mib=16, names=["b2", "t2"])
        expected2 = chain2.expected_raw(os.path.join(self.tmp, "expected2.raw"))
        self.daemon.virsh("undefine", "vm")
        self.define("vm", [("vda", self.chain.top), ("vdb", chain2.top)])
        self.dom = self.conn.lookupByName("vm")
        self.start = True
        self.make_three()
        self.delete("s2")
        self.delete("s3")
        live = self.dom.XMLDesc(0)
        self.assertEqual(vbtest.disk_chain(live, "vda")[:2], [self.overlay("s1"), self.chain.top])
        self.assertEqual(vbtest.disk_chain(live, "vdb")[:2],
                         [os.path.join(self.images, "t2.s1"), chain2.top])
        self.assertEqual(self.files(), ["b2.qcow2", "base.qcow2", "t2.qcow2", "t2.s1",
                                        "top.qcow2", "top.s1"])
        # a commit per disk, then an active commit per disk
        evs = [e[2:] for e in self.wait_events(12) if e[0] == "block-job-2"]
        self.assertEqual(sorted(evs), sorted([
            ("vda", COMMIT, COMPLETED), ("vdb", COMMIT, COMPLETED),
            ("vda", ACTIVE_COMMIT, READY), ("vdb", ACTIVE_COMMIT, READY),
            ("vda", ACTIVE_COMMIT, COMPLETED), ("vdb", ACTIVE_COMMIT, COMPLETED)]))
        self.assert_data()
        proc = vbtest.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw",
                           vbtest.disk_chain(live, "vdb")[0], expected2], check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout)


class BitmapDeleteTest(SnapDeleteBase):
    start = False

    def test_bitmaps_merged_back(self):
        from test_bitmaps import bitmaps_of, dirty_extents, clusters
        gran = 64 * 1024
        vbtest.run(["qemu-img", "bitmap", "--add", "-g", str(gran), self.chain.top, "b0"])
        self.daemon.virsh("start", "vm")
        self.start = True
        self.guest_write(0x61, 16 * MiB, MiB)
        self.create("s1")
        self.guest_write(0x62, 17 * MiB, MiB)
        self.create("s2")
        self.guest_write(0x63, 18 * MiB, MiB)
        self.create("s3")
        self.guest_write(0x65, 22 * MiB, MiB)
        self.delete("s2")     # commit of top.s2 into top.s1, top.s3 rebased
        self.delete("s3")     # active commit of top.s3 into top.s1
        self.delete("s1")     # active commit of top.s1 into top.qcow2
        self.guest_write(0x64, 20 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        b = bitmaps_of(self.chain.top)["b0"]
        self.assertIn("auto", b["flags"])
        dirty = clusters(dirty_extents(self.chain.top, "b0", self.tmp), gran)
        want = clusters([(16 * MiB, 3 * MiB), (20 * MiB, MiB), (22 * MiB, MiB)], gran)
        self.assertEqual(want - dirty, set())
        # and nothing the guest did not write
        self.assertEqual(dirty & clusters([(24 * MiB, 8 * MiB), (0, 16 * MiB)], gran), set())
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))


class ShutoffDeleteTest(SnapDeleteBase):
    start = False

    def test_offline_leaf_middle_root(self):
        self.make_three()
        state = self.dom.state()
        for i, name in enumerate(("s1", "s2", "s3")):
            # data of each overlay, written while nothing has it open
            vbtest.Chain.write(self.overlay(name), 0x41 + i, (16 + i) * MiB, MiB)
            vbtest.Chain.write(self.expected, 0x41 + i, (16 + i) * MiB, MiB, fmt="raw")
        self.delete("s2")
        self.assertEqual(vbtest.backing_of(self.overlay("s3")), self.overlay("s1"))
        self.assertNotIn("top.s2", self.files())
        # no QEMU started: the state and its reason stay; the events of a
        # commit all the same, as libvirt sends them
        self.assertEqual(self.dom.state(), state)
        evs = self.wait_events(2)
        self.assertEqual([e[2:] for e in evs], [
            (self.overlay("s3"), COMMIT, COMPLETED), ("vda", COMMIT, COMPLETED)])
        self.assertEqual(self.events.of_kind("lifecycle"), [])
        self.delete("s3")
        self.assertEqual(self.chain_now(inactive=True)[0], self.overlay("s1"))
        self.delete("s1")
        self.assertEqual(self.chain_now(inactive=True)[0], self.chain.top)
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assert_data()
        self.restart()
        self.assertEqual(self.snapnames(), [])
        self.daemon.virsh("start", "vm")
        self.daemon.virsh("destroy", "vm")


    def test_offline_refusal_changes_nothing(self):
        self.make_three()
        self.delete("s2", DELETE_META)
        state = self.dom.state()
        before = (self.files(), self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        self.assert_error("s3", 0, libvirt.VIR_ERR_OPERATION_FAILED, libvirt.VIR_FROM_QEMU,
                          "snapshot VM disk source and parent disk source are not the same")
        # the subtree s1 <- s3: refused at s3's step, before anything runs
        self.assert_error("s1", libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN,
                          libvirt.VIR_ERR_OPERATION_FAILED, libvirt.VIR_FROM_QEMU,
                          "snapshot VM disk source and parent disk source are not the same")
        self.assertEqual((self.files(), self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)),
                         before)
        self.assertEqual(self.dom.state(), state)
        self.assertEqual(self.job_events(), [])
        # and the domain still starts on its chain
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.chain_now()[:3],
                         [self.overlay("s3"), self.overlay("s2"), self.overlay("s1")])
        self.daemon.virsh("destroy", "vm")


class UsersLoopTest(SnapDeleteBase):
    def test_twenty_rounds(self):
        """The README's backup loop with metadata: snapshot, copy the
        now read-only image, delete the snapshot by commit."""
        backup = os.path.join(self.tmp, "backup.qcow2")
        for i in range(20):
            self.guest_write(0x10 + i, (i % 28) * MiB, 256 * 1024)
            self.create("r%d" % i)
            vbtest.run(["qemu-img", "convert", "-U", "-O", "qcow2", self.chain.top, backup])
            self.delete("r%d" % i)
            self.assertEqual(self.chain_now()[0], self.chain.top)
            self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assertEqual(self.snapnames(), [])
        self.assert_data()


if __name__ == "__main__":
    vbtest.main()
