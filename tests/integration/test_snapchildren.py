#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh snapshot-delete --children and --children-only of external
snapshots, beyond libvirt 9.0 (which refuses both once there is a
descendant, /work/shared/spec/libvirt-snapshots.md item 15): a subtree
that is one line is deleted from its top down, each step the delete of
that snapshot alone (its events, its metadata update): a commit of the
overlay of a snapshot with a child into the image below, the child's
overlay rebased, and last the leaf's active commit and pivot, so that
each layer is copied once; a subtree that branches is refused before
anything changes, naming the branch point and its children; every step
is checked before the first one runs; a step that fails all the same
leaves the snapshots deleted before it deleted, the rest in place, and
metadata matching the chain.  Running and shut off, against real QEMU,
qemu-storage-daemon and qcow2 images; data compared byte for byte with a
reference, every image checked with qemu-img check."""

import os
import shutil
import xml.etree.ElementTree as ET

import libvirt

import vbtest
from test_snapdelete import (SnapDeleteBase, ACTIVE_COMMIT, COMMIT, READY, COMPLETED,
                             DELETE_META)

MiB = vbtest.MiB
CHILDREN = libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN
CHILDREN_ONLY = libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY


class ChildrenBase(SnapDeleteBase):
    def expected_line_events(self, commits, leaf, below):
        """@commits snapshots with a child deleted first, each by a commit
        below the active image @leaf; then the leaf's active commit into
        @below."""
        return [(leaf, COMMIT, COMPLETED), ("vda", COMMIT, COMPLETED)] * commits + [
            (leaf, ACTIVE_COMMIT, READY), ("vda", ACTIVE_COMMIT, READY),
            (below, ACTIVE_COMMIT, COMPLETED), ("vda", ACTIVE_COMMIT, COMPLETED)]

    def assert_each_layer_copied_once(self, layers):
        """One job per layer, one of them active: a layer is copied by its
        own snapshot's commit only, the leaf's the only pivot (deleting
        from the leaf up made each step an active commit of the newest
        layer)."""
        done = [e[3] for e in self.job_events()
                if e[2] == "vda" and e[4] == COMPLETED]
        self.assertEqual((len(done), done.count(ACTIVE_COMMIT)), (layers, 1), done)

    def make_branch(self):
        """s1 gets a second child b, redefined on branch.qcow2 backed by
        top.s1."""
        branch = os.path.join(self.images, "branch.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", self.overlay("s1"),
                    "-F", "qcow2", branch])
        root = ET.fromstring(self.dom.snapshotLookupByName("s2").getXMLDesc())
        root.find("name").text = "b"
        root.find("disks/disk/source").set("file", branch)
        self.dom.snapshotCreateXML(ET.tostring(root, encoding="unicode"),
                                   libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        return branch

    def make_three_written(self):
        """make_three, shut off: the data written into the overlays."""
        self.make_three()
        for i, name in enumerate(("s1", "s2", "s3")):
            vbtest.Chain.write(self.overlay(name), 0x41 + i, (16 + i) * MiB, MiB)
            vbtest.Chain.write(self.expected, 0x41 + i, (16 + i) * MiB, MiB, fmt="raw")

    def state_now(self, inactive=False):
        return (self.files(), self.snapnames(), self.current(), self.chain_now(inactive))


class RunningChildrenTest(ChildrenBase):
    def test_children_of_root(self):
        self.make_three()
        proc = self.daemon.virsh("snapshot-delete", "vm", "s1", "--children", quiet=False)
        self.assertIn("Domain snapshot s1 deleted", proc.stdout)
        self.assertEqual(self.chain_now()[:2], [self.chain.top, self.chain.base])
        self.assertEqual(self.chain_now(inactive=True)[0], self.chain.top)
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assertEqual(self.snapnames(), [])
        self.assertIsNone(self.current())
        # three single deletes, the root first, with their events
        self.assertEqual([e[2:] for e in self.wait_events(8)],
                         self.expected_line_events(2, self.overlay("s3"), self.chain.top))
        self.assert_each_layer_copied_once(3)
        self.assertEqual(self.events.of_kind("lifecycle"), [])
        self.guest_write(0x51, 30 * MiB, MiB)
        self.assert_data()
        self.restart()
        self.assertEqual(self.snapnames(), [])
        self.assertEqual(os.listdir(os.path.join(self.daemon.root, "config", "snapshot", "vm")),
                         [])

    def test_children_only_of_middle(self):
        self.make_three()
        self.create("s4")
        self.guest_write(0x44, 19 * MiB, MiB)
        proc = self.daemon.virsh("snapshot-delete", "vm", "s2", "--children-only", quiet=False)
        self.assertIn("Domain snapshot s2 children deleted", proc.stdout)
        self.assertEqual(self.chain_now()[:4], [self.overlay("s2"), self.overlay("s1"),
                                                self.chain.top, self.chain.base])
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2", "top.s1", "top.s2"])
        self.assertEqual(self.snapnames(), ["s1", "s2"])
        self.assertEqual(self.parent_of("s2"), "s1")
        # the current one (s4) went last: its parent by then, the
        # snapshot kept, became current
        self.assertEqual(self.current(), "s2")
        self.assertEqual([e[2:] for e in self.wait_events(6)],
                         self.expected_line_events(1, self.overlay("s4"), self.overlay("s2")))
        self.assert_data()
        self.restart()
        self.assertEqual(self.snapnames(), ["s1", "s2"])
        self.assertEqual(self.current(), "s2")
        # and what is left is deleted as usual
        self.delete("s1", CHILDREN)
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assert_data()

    def test_current_outside_subtree_stays(self):
        self.make_three()
        self.daemon.virsh("snapshot-current", "vm", "s1")
        self.delete("s2", CHILDREN)
        self.assertEqual(self.snapnames(), ["s1"])
        self.assertEqual(self.current(), "s1")
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2", "top.s1"])
        self.assert_data()

    def test_children_of_leaf(self):
        """libvirt 9.0 refuses --children on a leaf; it is the leaf's
        delete here, and --children-only on it does nothing."""
        self.make_three()
        self.delete("s3", CHILDREN_ONLY)
        self.assertEqual(self.snapnames(), ["s1", "s2", "s3"])
        self.assertEqual(self.job_events(), [])
        self.delete("s3", CHILDREN)
        self.assertEqual(self.snapnames(), ["s1", "s2"])
        self.assertEqual(self.current(), "s2")
        self.assertNotIn("top.s3", self.files())
        self.assert_data()

    def test_branch_refused(self):
        self.make_three()
        branch = self.make_branch()
        before = self.state_now()
        for flags in (CHILDREN, CHILDREN_ONLY):
            self.assert_error("s1", flags, libvirt.VIR_ERR_CONFIG_UNSUPPORTED,
                              libvirt.VIR_FROM_QEMU,
                              "cannot delete the children of snapshot 's1': snapshot 's1' is "
                              "a branch point with children 'b', 's2'")
        self.assertEqual(self.state_now(), before)
        self.assertEqual(self.job_events(), [])
        # the line s2 <- s3 itself is straight, but its first step would
        # commit top.s2 into top.s1, which b's image backs onto: refused
        # before anything changes
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.delete("s2", CHILDREN)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
        self.assertIn("cannot delete snapshot 's2'", cm.exception.get_error_message())
        self.assertIn("'%s' (snapshot 'b')" % branch, cm.exception.get_error_message())
        self.assertEqual(self.state_now(), before)
        self.assertEqual(self.job_events(), [])
        vbtest.run(["qemu-img", "check", "-q", "-U", branch])
        self.assert_data()
        # below the branch point the line can go
        self.delete("s2", CHILDREN_ONLY)
        self.assertEqual(self.snapnames(), ["b", "s1", "s2"])
        self.assertEqual(vbtest.backing_of(branch), self.overlay("s1"))
        self.assert_data()

    def test_branch_after_revert(self):
        """A revert to s1 and a new snapshot s4 make s1 a branch point;
        the new branch's own line can go."""
        at_s1 = os.path.join(self.tmp, "at-s1.raw")
        shutil.copyfile(self.expected, at_s1)
        self.make_three()
        self.daemon.virsh("snapshot-revert", "vm", "s1", "--running")
        shutil.copyfile(at_s1, self.expected)
        self.create("s4")
        self.guest_write(0x44, 20 * MiB, MiB)
        before = self.state_now()
        self.assert_error("s1", CHILDREN, libvirt.VIR_ERR_CONFIG_UNSUPPORTED,
                          libvirt.VIR_FROM_QEMU,
                          "snapshot 's1' is a branch point with children 's2', 's4'")
        self.assertEqual(self.state_now(), before)
        self.assertEqual(self.job_events(), [])
        reverted = self.chain_now()[1]
        self.delete("s4", CHILDREN)
        self.assertEqual(self.snapnames(), ["s1", "s2", "s3"])
        self.assertEqual(self.chain_now()[:3], [reverted, self.chain.top, self.chain.base])
        self.assertEqual(self.current(), "s1")
        self.assert_data()
        # the abandoned branch is untouched
        self.assertEqual(vbtest.backing_of(self.overlay("s3")), self.overlay("s2"))

    def test_metadata_mismatch_refused_before_any_step(self):
        """After --metadata of s2, s3's delete is refused (item 18): so is
        the line s1 <- s3 <- s4, before s1's commit would have run."""
        self.make_three()
        self.create("s4")
        self.guest_write(0x44, 19 * MiB, MiB)
        self.delete("s2", DELETE_META)
        before = self.state_now()
        self.assert_error("s1", CHILDREN, libvirt.VIR_ERR_OPERATION_FAILED,
                          libvirt.VIR_FROM_QEMU,
                          "snapshot VM disk source and parent disk source are not the same")
        self.assertEqual(self.state_now(), before)
        self.assertEqual(self.job_events(), [])
        self.assert_data()


class RunningStepFailsTest(ChildrenBase):
    def daemon_prefix(self):
        # the pivot of vda fails: the leaf's step, the only active commit
        return ["env", "VIRTBLOCKD_TEST_PIVOT_FAIL=vda"]

    def test_step_fails_midway(self):
        """The last step fails (the leaf's pivot, refused as by QEMU): s1
        and s2 were deleted by their commits and stay deleted, s3 stays
        with metadata matching the chain; after the fault the rest goes.
        (A middle step's failure is ShutoffChildrenTest's: QEMU 7.2 dies
        when the finalize of a commit cannot reopen the image above.)"""
        self.make_three()
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.delete("s1", CHILDREN)
        msg = cm.exception.get_error_message()
        self.assertIn("pivot failed by the test hook (while deleting snapshot 's3' of the "
                      "subtree of 's1'; deleted: 's1', 's2'; kept: 's3')", msg)
        self.assertEqual(self.chain_now()[:3], [self.overlay("s3"), self.chain.top,
                                                self.chain.base])
        self.assertEqual(vbtest.backing_of(self.overlay("s3")), self.chain.top)
        self.assertEqual(self.chain_now(inactive=True)[0], self.overlay("s3"))
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2", "top.s3"])
        self.assertEqual(self.snapnames(), ["s3"])
        self.assertIsNone(self.parent_of("s3"))
        self.assertEqual(self.current(), "s3")
        self.assertEqual(self.snap_domain_source("s3"), self.chain.top)
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        self.guest_write(0x52, 31 * MiB, MiB)
        self.assert_data()
        # without the fault, after a restart
        self.daemon.prefix = []
        self.restart()
        self.assertEqual(self.snapnames(), ["s3"])
        self.assertEqual(self.current(), "s3")
        self.delete("s3", CHILDREN)
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assertEqual(self.snapnames(), [])
        self.assert_data()


class TwoDiskChildrenTest(ChildrenBase):
    start = False

    def test_both_disks(self):
        """Snapshots of vda and vdb: each step commits both disks."""
        chain2 = vbtest.Chain(self.images, layers=2, size_mib=16, names=["b2", "t2"])
        expected2 = chain2.expected_raw(os.path.join(self.tmp, "expected2.raw"))
        self.daemon.virsh("undefine", "vm")
        self.define("vm", [("vda", self.chain.top), ("vdb", chain2.top)])
        self.dom = self.conn.lookupByName("vm")
        self.start = True
        self.make_three()
        self.delete("s1", CHILDREN_ONLY)
        live = self.dom.XMLDesc(0)
        self.assertEqual(vbtest.disk_chain(live, "vda")[:2], [self.overlay("s1"), self.chain.top])
        self.assertEqual(vbtest.disk_chain(live, "vdb")[:2],
                         [os.path.join(self.images, "t2.s1"), chain2.top])
        self.assertEqual(self.files(), ["b2.qcow2", "base.qcow2", "t2.qcow2", "t2.s1",
                                        "top.qcow2", "top.s1"])
        self.assertEqual(self.snapnames(), ["s1"])
        self.assertEqual(self.current(), "s1")
        self.assert_data()
        proc = vbtest.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw",
                           vbtest.disk_chain(live, "vdb")[0], expected2], check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout)


class ShutoffChildrenTest(ChildrenBase):
    start = False

    def test_children_of_root(self):
        self.make_three_written()
        state = self.dom.state()
        self.delete("s1", CHILDREN)
        # no QEMU: the state and its reason stay; a storage daemon ran the
        # two commits and the active one with their events
        self.assertEqual(self.dom.state(), state)
        self.assertEqual(self.events.of_kind("lifecycle"), [])
        self.assertEqual([e[2:] for e in self.wait_events(8)],
                         self.expected_line_events(2, self.overlay("s3"), self.chain.top))
        self.assert_each_layer_copied_once(3)
        self.assertEqual(self.chain_now(inactive=True)[0], self.chain.top)
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assertEqual(self.snapnames(), [])
        self.assert_data()
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.chain_now()[:2], [self.chain.top, self.chain.base])
        self.daemon.virsh("destroy", "vm")

    def test_children_only(self):
        self.make_three_written()
        self.delete("s1", CHILDREN_ONLY)
        self.assertEqual(self.chain_now(inactive=True)[0], self.overlay("s1"))
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2", "top.s1"])
        self.assertEqual(self.snapnames(), ["s1"])
        self.assertEqual(self.current(), "s1")
        self.assert_data()

    def test_branch_refused(self):
        self.make_three_written()
        self.make_branch()
        state = self.dom.state()
        before = (self.state_now(inactive=True), self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        self.assert_error("s1", CHILDREN, libvirt.VIR_ERR_CONFIG_UNSUPPORTED,
                          libvirt.VIR_FROM_QEMU, "snapshot 's1' is a branch point with children "
                          "'b', 's2'")
        with self.assertRaises(libvirt.libvirtError):
            self.delete("s2", CHILDREN)
        self.assertEqual((self.state_now(inactive=True),
                          self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)), before)
        self.assertEqual(self.dom.state(), state)
        self.assertEqual(self.job_events(), [])
        self.assert_data()


class ShutoffStepFailsTest(ChildrenBase):
    start = False

    def daemon_prefix(self):
        return ["env", "VIRTBLOCKD_TEST_PIVOT_FAIL=vda"]

    def test_step_fails_midway(self):
        """The leaf's pivot fails in the storage daemon: s1 and s2 stay
        deleted, s3 stays; the domain starts on the chain the metadata
        names."""
        self.make_three_written()
        state = self.dom.state()
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.delete("s1", CHILDREN)
        self.assertIn("while deleting snapshot 's3' of the subtree of 's1'; "
                      "deleted: 's1', 's2'; kept: 's3'", cm.exception.get_error_message())
        self.assertEqual(self.dom.state(), state)
        self.assertEqual(self.chain_now(inactive=True)[0], self.overlay("s3"))
        self.assertEqual(vbtest.backing_of(self.overlay("s3")), self.chain.top)
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2", "top.s3"])
        self.assertEqual(self.snapnames(), ["s3"])
        self.assertEqual(self.current(), "s3")
        self.assertEqual(self.snap_domain_source("s3"), self.chain.top)
        self.assert_data()
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.chain_now()[:3], [self.overlay("s3"), self.chain.top,
                                                self.chain.base])
        self.daemon.virsh("destroy", "vm")


if __name__ == "__main__":
    vbtest.main()
