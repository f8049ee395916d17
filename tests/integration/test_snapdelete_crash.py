#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A daemon killed (SIGKILL) in the middle of virsh snapshot-delete: at its
next start the delete is finished or undone, and the snapshot metadata
matches the chain on disk.  A test hook (VIRTBLOCKD_TEST_DELETE_KILL_AT)
makes the daemon kill itself once the commits are started ("commit"),
once the pivots are requested or the commits are over ("pivot"), between
two disks' job-finalize ("finalize"), or half way through the metadata
update ("metadata"), so no timing is involved.  The delete was asked
for and its commits have written into the bases: the restarted daemon
finishes it whenever its jobs go on, and undoes it only when they
cannot (QEMU gone with them); the snapshot then stays, marked, and a
revert to it is refused.  The recovery runs after the daemon listens:
the tests wait for its intent file to go.  Running domains (the leaf by an active commit, a middle
snapshot by a commit that rebases the image above) and shut-off ones
(the commit in qemu-storage-daemon).  After the restart: snapshot-list,
snapshot-dumpxml, the live and persistent XML agree with the chain read
from the images (qemu-img info --backing-chain), the overlay file exists
exactly while its snapshot does, the guest's view is byte for byte the
reference, qemu-img check is clean, and later deletes and creates work."""

import json
import os
import xml.etree.ElementTree as ET

import libvirt

import vbtest
from test_snapdelete import SnapDeleteBase

MiB = vbtest.MiB
KILL_ENV = "VIRTBLOCKD_TEST_DELETE_KILL_AT"
HOLD_ENV = "VIRTBLOCKD_TEST_DELETE_RECOVER_HOLD"
WAIT_ENV = "VIRTBLOCKD_TEST_DELETE_RECOVER_WAIT"
KEPT = "kept"
DELETED = "deleted"


def chain_on_disk(top):
    out = vbtest.run(["qemu-img", "info", "-U", "--backing-chain", "--output=json", top]).stdout
    return [img["filename"] for img in json.loads(out)]


def intent_path(daemon):
    return os.path.join(daemon.root, "config", "snapshot", "vm", ".delete")


class CrashDeleteBase(SnapDeleteBase):
    def setUp(self):
        super().setUp()
        self.make_three()
        if not self.start:
            for i, name in enumerate(("s1", "s2", "s3")):
                vbtest.Chain.write(self.overlay(name), 0x41 + i, (16 + i) * MiB, MiB)
                vbtest.Chain.write(self.expected, 0x41 + i, (16 + i) * MiB, MiB, fmt="raw")
        self.files_before = self.files()

    def crash_at(self, step, name, before_restart=None, hold=False):
        """snapshot-delete @name with the daemon killing itself at @step,
        then a daemon started as usual."""
        self.close_quietly(self.conn)
        self.events.close()
        self.daemon.stop()
        os.environ[KILL_ENV] = step
        try:
            self.daemon.start()
        finally:
            del os.environ[KILL_ENV]
        proc = self.daemon.virsh("snapshot-delete", "vm", name, check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        vbtest.wait_for(lambda: self.daemon.proc.poll() is not None, 60, "the daemon to die")
        self.daemon.proc = None
        if before_restart:
            before_restart()
        self.daemon.start()
        self.connect()
        if hold:
            return
        self.wait_recovered()

    def wait_recovered(self):
        """The recovery runs in the domain's worker after the daemon
        listens; it removes the intent when done."""
        vbtest.wait_for(lambda: not os.path.exists(intent_path(self.daemon)), 300,
                        "the interrupted delete to be resolved")

    def restart(self):
        super().restart()
        self.wait_recovered()

    def outcome(self, name):
        return DELETED if name not in self.snapnames() else KEPT

    def assert_consistent(self):
        """Metadata, XML and images say the same."""
        live = self.chain_now()
        top = live[0]
        disk = chain_on_disk(top)
        if self.start:
            # the live chain is QEMU's, complete
            self.assertEqual(live, disk)
        persistent = self.stated(inactive=True)
        persistent = [p for p in persistent if p != vbtest.EMPTY_BACKING]
        self.assertEqual(persistent, disk[:len(persistent)])
        self.assertEqual(vbtest.disk_chain(self.dom.XMLDesc(0))[0], top)
        names = self.snapnames()
        for snap in ("s1", "s2", "s3"):
            path = self.overlay(snap)
            if snap in names:
                self.assertIn(path, disk)
                root = ET.fromstring(self.dom.snapshotLookupByName(snap).getXMLDesc())
                self.assertEqual(root.find("disks/disk/source").get("file"), path)
            else:
                self.assertNotIn(path, disk)
                self.assertFalse(os.path.exists(path), path)
        # virsh's view too
        listed = self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split()
        self.assertEqual(sorted(listed), names)
        blk = self.daemon.virsh("domblklist", "vm").stdout.split()
        self.assertEqual(blk, ["vda", top])

    def assert_deleted_leaf(self):
        self.assertEqual(self.snapnames(), ["s1", "s2"])
        self.assertEqual(self.current(), "s2")
        self.assertEqual(self.chain_now()[0], self.overlay("s2"))
        self.assertEqual(self.files(), sorted(set(self.files_before) - {"top.s3"}))

    def assert_deleted_middle(self):
        self.assertEqual(self.snapnames(), ["s1", "s3"])
        self.assertEqual(self.current(), "s3")
        self.assertEqual(self.parent_of("s3"), "s1")
        self.assertEqual(vbtest.backing_of(self.overlay("s3")), self.overlay("s1"))
        self.assertEqual(self.snap_domain_source("s3"), self.overlay("s1"))
        self.assertEqual(self.files(), sorted(set(self.files_before) - {"top.s2"}))

    def assert_kept(self):
        self.assertEqual(self.snapnames(), ["s1", "s2", "s3"])
        self.assertEqual(self.current(), "s3")
        self.assertEqual(self.parent_of("s3"), "s2")
        self.assertEqual(self.snap_domain_source("s3"), self.overlay("s2"))
        self.assertEqual(chain_on_disk(self.chain_now()[0])[:4],
                         [self.overlay("s3"), self.overlay("s2"), self.overlay("s1"),
                          self.chain.top])
        self.assertEqual(self.files(), self.files_before)

    def assert_further_work(self):
        """Every snapshot left can be deleted, a new one made and deleted."""
        if self.start:
            self.guest_write(0x71, 24 * MiB, MiB)
        while self.snapnames():
            self.delete(self.current() or self.snapnames()[-1])
        self.create("s9")
        if self.start:
            self.guest_write(0x72, 25 * MiB, MiB)
        else:
            vbtest.Chain.write(self.overlay("s9"), 0x72, 25 * MiB, MiB)
            vbtest.Chain.write(self.expected, 0x72, 25 * MiB, MiB, fmt="raw")
        self.delete("s9")
        self.assertEqual(self.snapnames(), [])
        self.assertEqual(self.files(), ["base.qcow2", "top.qcow2"])
        self.assert_data()
        self.assert_consistent()

    def assert_logged(self, what):
        # VB_TEST_NO_LOG_CHECK=1: the daemon's own traces (its log, its
        # intent file) are not checked, so that a run against a daemon
        # without the recovery fails on the state only
        if os.environ.get("VB_TEST_NO_LOG_CHECK"):
            return
        self.assertTrue(what in self.daemon.log(None), "not in the daemon's log: " + what)

    def check(self, step, name, want):
        self.crash_at(step, name)
        got = self.outcome(name)
        if want:
            self.assertEqual(got, want)
        if got == KEPT:
            self.assert_kept()
        elif name == "s3":
            self.assert_deleted_leaf()
        else:
            self.assert_deleted_middle()
        self.assert_logged("%s the interrupted delete of snapshot '%s'" %
                           ("undoing" if got == KEPT else "completing", name))
        if not os.environ.get("VB_TEST_NO_LOG_CHECK"):
            self.assertFalse(os.path.exists(intent_path(self.daemon)))
        self.assert_consistent()
        self.assert_data()
        # and the same after one more restart
        self.restart()
        self.assertEqual(self.outcome(name), got)
        self.assert_consistent()
        self.assert_further_work()


class RunningCrashTest(CrashDeleteBase):
    start = True

    def test_leaf_killed_during_commit(self):
        # the active commit goes on READY: finished, not undone
        self.check("commit", "s3", DELETED)

    def test_leaf_killed_after_pivot(self):
        self.check("pivot", "s3", DELETED)

    def test_leaf_killed_during_metadata(self):
        self.check("metadata", "s3", DELETED)

    def test_middle_killed_during_commit(self):
        self.check("commit", "s2", DELETED)

    def test_middle_killed_after_commit(self):
        self.check("pivot", "s2", DELETED)

    def test_middle_killed_during_metadata(self):
        self.check("metadata", "s2", DELETED)

    def test_leaf_undone_with_qemu_gone(self):
        """QEMU dies with the daemon while the commit runs: nothing
        switched and the job is gone, so the delete is undone; the
        snapshot stays, but its base took the commit's data, so a revert
        to it is refused (also after a restart and a redefinition) until
        it is deleted."""
        def kill_qemu():
            pid = int(vbtest.run(["pgrep", "-f", "qemu-system.*" + self.daemon.root]).stdout
                      .split()[0])
            os.kill(pid, 9)
            vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 60, "QEMU to die")

        self.crash_at("commit", "s3", before_restart=kill_qemu)
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(self.snapnames(), ["s1", "s2", "s3"])
        self.assert_logged("undoing the interrupted delete of snapshot 's3'")
        self.assertEqual(self.files(), self.files_before)
        self.assertEqual(chain_on_disk(self.chain_now(inactive=True)[0])[:4],
                         [self.overlay("s3"), self.overlay("s2"), self.overlay("s1"),
                          self.chain.top])
        # the guest's view through s3 is intact
        self.assertTrue(vbtest.images_identical(self.overlay("s3"), self.expected))
        for path in os.listdir(self.images):
            vbtest.run(["qemu-img", "check", "-q", "-U", os.path.join(self.images, path)])
        self.assert_revert_refused("s3", self.overlay("s2"))
        # private: never in what a client gets
        xml = self.dom.snapshotLookupByName("s3").getXMLDesc()
        self.assertNotIn("deleteFailed", xml)
        # a redefinition from that XML keeps the mark; one carrying the
        # element is refused
        self.dom.snapshotCreateXML(xml, libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        self.assert_revert_refused("s3", self.overlay("s2"))
        forged = xml.replace("</domainsnapshot>", "<deleteFailed/></domainsnapshot>")
        with self.assertRaises(libvirt.libvirtError):
            self.dom.snapshotCreateXML(forged, libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        self.restart()
        self.assert_revert_refused("s3", self.overlay("s2"))
        # deleting s3 works as usual
        self.delete("s3")
        self.assertEqual(self.snapnames(), ["s1", "s2"])
        self.assertEqual(self.files(), sorted(set(self.files_before) - {"top.s3"}))
        self.assertTrue(vbtest.images_identical(self.overlay("s2"), self.expected))
        for path in os.listdir(self.images):
            vbtest.run(["qemu-img", "check", "-q", "-U", os.path.join(self.images, path)])

    def test_daemon_answers_during_recovery(self):
        """The recovery runs after the daemon listens, in the domain's
        worker with its job held: other domains answer and change, the
        domain's own callers wait for the job.  A test hook holds the
        recovery while a file exists."""
        self.define("other", [], start=False)
        hold = os.path.join(self.tmp, "hold")
        open(hold, "w").close()
        self.addCleanup(lambda: os.path.exists(hold) and os.unlink(hold))
        os.environ[HOLD_ENV] = hold
        try:
            self.crash_at("commit", "s3", hold=True)
        finally:
            del os.environ[HOLD_ENV]
        # held: the recovery has the domain's job, the delete is not
        # resolved yet
        vbtest.wait_for(lambda: os.path.exists(hold + ".held"), 300,
                        "the recovery to hold the domain's job")
        self.addCleanup(lambda: os.path.exists(hold + ".held") and os.unlink(hold + ".held"))
        self.assertTrue(os.path.exists(intent_path(self.daemon)))
        other = self.conn.lookupByName("other")
        self.assertEqual(other.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        other.setAutostart(1)
        self.assertEqual(other.autostart(), 1)
        self.assertIn("<name>other</name>", other.XMLDesc(0))
        # the domain's job is the recovery's: a call needing it times out
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.suspend()
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_TIMEOUT)
        self.assertIn("snapshot delete recovery", cm.exception.get_error_message())
        self.assertTrue(os.path.exists(intent_path(self.daemon)))
        os.unlink(hold)
        self.wait_recovered()
        self.assertEqual(self.outcome("s3"), DELETED)
        self.assert_deleted_leaf()
        self.assert_consistent()
        self.assert_data()
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)

    def test_jobs_claimed_before_recovery(self):
        """Between the daemon's start (it listens) and the recovery taking
        the domain's job (held back by a test hook), the delete's job is
        the interrupted delete's: a pivot of it alone, or an abort, is
        refused, and so are another delete and a revert, changing nothing."""
        wait = os.path.join(self.tmp, "wait")
        open(wait, "w").close()
        self.addCleanup(lambda: os.path.exists(wait) and os.unlink(wait))
        os.environ[WAIT_ENV] = wait
        try:
            self.crash_at("commit", "s3", hold=True)
        finally:
            del os.environ[WAIT_ENV]
        self.assertTrue(os.path.exists(intent_path(self.daemon)))
        vbtest.wait_for(lambda: self.dom.blockJobInfo("vda", 0).get("cur") ==
                        self.dom.blockJobInfo("vda", 0).get("end", -1), 300,
                        "the active commit to be ready")
        for flags in (libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT, 0):
            with self.assertRaises(libvirt.libvirtError) as cm:
                self.dom.blockJobAbort("vda", flags)
            self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
            self.assertIn("interrupted snapshot deletion", cm.exception.get_error_message())
        for call in (lambda: self.delete("s2"),
                     lambda: self.dom.revertToSnapshot(self.dom.snapshotLookupByName("s1"), 0)):
            with self.assertRaises(libvirt.libvirtError):
                call()
        self.assertEqual(self.snapnames(), ["s1", "s2", "s3"])
        self.assertNotEqual(self.dom.blockJobInfo("vda", 0), {})
        os.unlink(wait)
        self.wait_recovered()
        self.assertEqual(self.outcome("s3"), DELETED)
        self.assert_deleted_leaf()
        self.assert_consistent()
        self.assert_data()
        self.assert_further_work()

    def assert_revert_refused(self, name, base):
        before = (self.files(), self.snapnames(), self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.revertToSnapshot(self.dom.snapshotLookupByName(name), 0)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
        msg = cm.exception.get_error_message()
        self.assertIn("snapshot '%s'" % name, msg)
        self.assertIn(base, msg)
        self.assertIn("delete the snapshot", msg)
        self.assertEqual(before, (self.files(), self.snapnames(),
                                  self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)))

    def test_unresolved_intent_refuses_delete_and_revert(self):
        """An intent the recovery cannot resolve (it names a disk the
        domain does not have) stays; while it does, snapshot-delete and
        snapshot-revert are refused, changing nothing; --metadata works."""
        intent = intent_path(self.daemon)
        self.close_quietly(self.conn)
        self.events.close()
        self.daemon.stop()
        with open(intent, "w") as fh:
            fh.write("[delete]\nsnapshot=s3\nrunning=true\ntargets=vdz;\n"
                     "overlays=%s;\noverlay-files=1:1;\nbases=%s;\nbase-files=1:2;\n"
                     "nodes=libvirt-9-format;\njobs=commit-vdz-libvirt-9-format;\n"
                     % (self.overlay("s3"), self.overlay("s2")))
        self.daemon.start()
        self.connect()
        vbtest.wait_for(lambda: "cannot resolve the interrupted delete of snapshot 's3'"
                        in self.daemon.log(None), 300, "the recovery to give up")
        self.assertTrue(os.path.exists(intent))
        for call in (lambda: self.delete("s3"),
                     lambda: self.dom.revertToSnapshot(self.dom.snapshotLookupByName("s1"), 0)):
            with self.assertRaises(libvirt.libvirtError) as cm:
                call()
            self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
            self.assertIn("interrupted and is not resolved", cm.exception.get_error_message())
            self.assert_kept()
            self.assert_consistent()
        self.assert_data()
        self.assertTrue(os.path.exists(intent))

    def test_unreadable_intent_left_alone(self):
        """An intent the daemon cannot read changes nothing; the next
        delete replaces it."""
        intent = os.path.join(self.daemon.root, "config", "snapshot", "vm", ".delete")
        self.close_quietly(self.conn)
        self.events.close()
        self.daemon.stop()
        with open(intent, "w") as fh:
            fh.write("[delete]\nsnapshot=s3\ntargets=vda;vdb;\noverlays=/etc/passwd;\n")
        self.daemon.start()
        self.connect()
        self.assert_logged("cannot read the intent of an interrupted snapshot delete")
        self.assert_kept()
        self.assertTrue(os.path.exists("/etc/passwd"))
        self.delete("s3")
        self.assertFalse(os.path.exists(intent))
        self.assert_deleted_leaf()
        self.assert_consistent()
        self.assert_data()


class ShutoffCrashTest(CrashDeleteBase):
    start = False

    def test_leaf_killed_during_commit(self):
        self.check("commit", "s3", DELETED)
        self.assertEqual(self.dom.state()[0], 5)

    def test_leaf_killed_after_pivot(self):
        self.check("pivot", "s3", DELETED)

    def test_leaf_killed_during_metadata(self):
        self.check("metadata", "s3", DELETED)

    def test_middle_killed_during_commit(self):
        self.check("commit", "s2", DELETED)

    def test_middle_killed_during_metadata(self):
        self.check("metadata", "s2", DELETED)


class TwoDiskCrashTest(CrashDeleteBase):
    """s1 covers vda and vdb; s2 only vdb.  Deleting s1 is an active commit
    on vda (its top) and a commit that rebases t2.s2 on vdb, which waits
    PENDING: killed once both are started, after vda's job-complete, or
    between the two job-finalize commands, the restarted daemon finishes
    the delete on both disks."""
    start = True

    def setUp(self):
        SnapDeleteBase.setUp(self)
        self.chain2 = vbtest.Chain(self.images, layers=2, size_mib=16, names=["b2", "t2"])
        self.expected2 = self.chain2.expected_raw(os.path.join(self.tmp, "expected2.raw"))
        self.daemon.virsh("destroy", "vm")
        self.daemon.virsh("undefine", "vm")
        self.define("vm", [("vda", self.chain.top), ("vdb", self.chain2.top)])
        self.dom = self.conn.lookupByName("vm")
        self.create("s1")
        self.guest_write(0x41, 16 * MiB, MiB)
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--disk-only",
                          "--diskspec", "vda,snapshot=no", "--diskspec", "vdb")
        self.guest_write(0x42, 17 * MiB, MiB)
        self.files_before = self.files()

    def vdb(self, name):
        return os.path.join(self.images, "t2." + name)

    def check_two(self, step):
        """Killed at @step, the restart finishes the delete on both disks."""
        self.crash_at(step, "s1")
        live = self.dom.XMLDesc(0)
        vda = vbtest.disk_chain(live, "vda")
        vdb = vbtest.disk_chain(live, "vdb")
        self.assertEqual(vda, chain_on_disk(vda[0]))
        self.assertEqual(vdb, chain_on_disk(vdb[0]))
        self.assertEqual(self.snapnames(), ["s2"])
        self.assertIsNone(self.parent_of("s2"))
        self.assertEqual(vda, [self.chain.top, self.chain.base])
        self.assertEqual(vdb, [self.vdb("s2"), self.chain2.top, self.chain2.base])
        self.assertEqual(vbtest.backing_of(self.vdb("s2")), self.chain2.top)
        self.assertEqual(self.files(), sorted(set(self.files_before) - {"top.s1", "t2.s1"}))
        root = ET.fromstring(self.dom.snapshotLookupByName("s2").getXMLDesc())
        sources = {d.find("target").get("dev"): d.find("source").get("file")
                   for d in root.iter("disk") if d.find("target") is not None}
        self.assertEqual(sources.get("vdb"), self.chain2.top)
        self.assert_logged("completing the interrupted delete of snapshot 's1'")
        persistent = [p for p in self.stated(inactive=True) if p != vbtest.EMPTY_BACKING]
        self.assertEqual(persistent, vda[:len(persistent)])
        self.assert_data()
        proc = vbtest.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw", vdb[0],
                           self.expected2], check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        for path in os.listdir(self.images):
            vbtest.run(["qemu-img", "check", "-q", "-U", os.path.join(self.images, path)])
        # what is left can be deleted
        while self.snapnames():
            self.delete(self.snapnames()[-1])
        self.assertEqual(self.files(), ["b2.qcow2", "base.qcow2", "t2.qcow2", "top.qcow2"])
        self.assert_data()

    def test_killed_during_commit(self):
        self.check_two("commit")

    def test_killed_after_pivot(self):
        # vda's job-complete sent, both jobs going PENDING
        self.check_two("pivot")

    def test_killed_between_finalizes(self):
        # vda finalized (switched), vdb PENDING: vdb is finalized at the restart
        self.check_two("finalize")


if __name__ == "__main__":
    vbtest.main()
