#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Revert to external (disk-only) snapshots, against real QEMU (TCG), real
qcow2 images, the stock virsh and python3-libvirt.  libvirtd 9.0 refuses
this ("revert to external snapshot not supported yet"); virtblockd does it
as newer libvirt does: a fresh overlay on the snapshot's images, the
snapshot's definition, the snapshot current, the domain shut off unless
RUNNING / PAUSED start it; the branch left behind stays on disk and in the
metadata.  Data is compared byte for byte at every step, and a daemon
killed in the middle of a revert leaves the old or the new state."""

import json
import os
import shutil
import xml.etree.ElementTree as ET

import libvirt

import vbtest
from vbevents import EventRecorder

MiB = vbtest.MiB
DEV = "/machine/peripheral/virtio-disk0/virtio-backend"
STOPPED = (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT)
STARTED = (libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT)
SUSPENDED = (libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
             libvirt.VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT)
DEFINED = (libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT)
KILL_ENV = "VIRTBLOCKD_TEST_REVERT_KILL_AT"


class RevertBase(vbtest.DaemonTestCase):
    start = True

    def setUp(self):
        super().setUp()
        self.chain = vbtest.Chain(self.images, layers=2, size_mib=16)
        # the guest's view, kept up to date with every write
        self.view = self.chain.expected_raw(os.path.join(self.tmp, "view.raw"))
        self.define("vm", [("vda", self.chain.top)], start=self.start)
        self.connect()

    def connect(self):
        self.conn, self.dom = self.libvirt_connect()
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)

    def restart(self, **env):
        self.close_quietly(self.conn)
        self.events.close()
        self.daemon.stop()
        self.start_daemon(**env)

    def start_daemon(self, **env):
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            self.daemon.start()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self.connect()

    def create(self, name):
        self.daemon.virsh("snapshot-create-as", "vm", name, "--disk-only")
        # what the guest saw when the snapshot was taken
        saved = os.path.join(self.tmp, "at-%s.raw" % name)
        shutil.copyfile(self.view, saved)
        return saved

    def write(self, pattern, offset, length):
        """A write as the guest makes it (through QEMU when running, else
        into the image the definition names)."""
        if self.dom.isActive():
            out = self.daemon.virsh(
                "qemu-monitor-command", "vm", "--hmp",
                'qemu-io -d %s "write -P 0x%02x %d %d"' % (DEV, pattern, offset, length)).stdout
            self.assertNotIn("error", out.lower())
        else:
            vbtest.Chain.write(self.top(inactive=True), pattern, offset, length)
        vbtest.Chain.write(self.view, pattern, offset, length, fmt="raw")

    def top(self, inactive=False):
        flags = libvirt.VIR_DOMAIN_XML_INACTIVE if inactive else 0
        return vbtest.disk_chain(self.dom.XMLDesc(flags))[0]

    def overlay(self, name):
        return os.path.join(self.images, "top." + name)

    def assert_same_data(self, image, expected):
        # -U: the image may be in use by a running QEMU
        proc = vbtest.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw", image,
                           expected], check=False)
        self.assertEqual(proc.returncode, 0, "%s differs from %s: %s" %
                         (image, expected, proc.stdout + proc.stderr))

    def assert_reads(self, image, pattern, offset, length):
        proc = vbtest.run(["qemu-io", "-r", "-U", "-f", "qcow2", "-c",
                           "read -P 0x%02x %d %d" % (pattern, offset, length), image],
                          check=False)
        self.assertNotIn("Pattern verification failed", proc.stdout + proc.stderr)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def assert_clean(self, *images):
        for image in images:
            vbtest.run(["qemu-img", "check", "-U", "-q", image])

    def lifecycle(self):
        return [(e[2], e[3]) for e in self.events.of_kind("lifecycle", "vm")]

    def wait_defined(self):
        self.events.wait(lambda e: e[0] == "lifecycle" and e[1] == "vm" and
                         (e[2], e[3]) == DEFINED)

    def snapxml(self, name):
        return ET.fromstring(self.daemon.virsh("snapshot-dumpxml", "vm", name).stdout)

    def revert_disks(self, name):
        root = self.snapxml(name)
        return [d.find("source").get("file") for d in root.findall("revertDisks/disk")
                if d.get("snapshot") == "external"]

    def current(self):
        return self.daemon.virsh("snapshot-current", "vm", "--name").stdout.strip()

    def state(self):
        return self.dom.state()

    def assert_error(self, call, code, domain, message):
        with self.assertRaises(libvirt.libvirtError) as cm:
            call()
        err = cm.exception
        self.assertEqual((err.get_error_code(), err.get_error_domain()), (code, domain),
                         str(err))
        self.assertIn(message, str(err))


class RunningRevertTest(RevertBase):
    def make_branch(self):
        """s1, a write, s2, a write: the data at s1 and at s2, the final view"""
        at_s1 = self.create("s1")
        self.write(0xa1, 0, MiB)
        at_s2 = self.create("s2")
        self.write(0xa2, 2 * MiB, MiB)
        final = os.path.join(self.tmp, "final.raw")
        shutil.copyfile(self.view, final)
        return at_s1, at_s2, final

    def test_revert_and_back(self):
        at_s1, at_s2, final = self.make_branch()

        # flags 0: a disk-only snapshot reverts to a shut-off domain
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", quiet=False)
        self.assertEqual(proc.returncode, 0)
        self.wait_defined()
        self.assertEqual(self.lifecycle(), [STOPPED, DEFINED])
        self.assertEqual(self.state(),
                         [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT])
        new1 = self.top(inactive=True)
        self.assertTrue(new1.startswith(os.path.join(self.images, "top.")), new1)
        self.assertNotIn(new1, (self.overlay("s1"), self.overlay("s2")))
        self.assertEqual(vbtest.backing_of(new1), self.chain.top)
        self.assert_same_data(new1, at_s1)
        self.assert_reads(new1, 0x22, 8 * MiB, 8 * MiB)

        # the branch after s1: on disk, unchanged, and as metadata
        self.assertEqual(vbtest.backing_of(self.overlay("s2")), self.overlay("s1"))
        self.assert_same_data(self.overlay("s2"), final)
        self.assert_reads(self.overlay("s2"), 0xa2, 2 * MiB, MiB)
        self.assert_clean(new1, self.overlay("s1"), self.overlay("s2"), self.chain.top)
        self.assertEqual(self.current(), "s1")
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["s1", "s2"])
        self.assertEqual(self.daemon.virsh("snapshot-parent", "vm", "s2").stdout.strip(), "s1")
        self.assertEqual(self.revert_disks("s1"), [new1])
        self.assertEqual(self.snapxml("s2").find("disks/disk/source").get("file"),
                         self.overlay("s2"))
        self.assertEqual(self.snapxml("s1").find("disks/disk/source").get("file"),
                         self.overlay("s1"))

        # RUNNING: to s2, started afresh on a new overlay over s1's
        self.events.events.clear()
        self.dom.revertToSnapshot(self.dom.snapshotLookupByName("s2"),
                                  libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)
        self.wait_defined()
        self.assertEqual(self.lifecycle(), [STARTED, DEFINED])
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        new2 = self.top()
        self.assertEqual(vbtest.disk_chain(self.dom.XMLDesc(0))[1:3],
                         [self.overlay("s1"), self.chain.top])
        self.assert_same_data(new2, at_s2)
        self.assertEqual(self.current(), "s2")
        self.assertEqual(self.revert_disks("s2"), [new2])
        # the other branch, s1's new overlay, is still s1's
        self.assertEqual(self.revert_disks("s1"), [new1])
        self.assert_same_data(new1, at_s1)

        # the running guest writes into the new overlay only
        self.view = os.path.join(self.tmp, "view2.raw")
        shutil.copyfile(at_s2, self.view)
        self.write(0xb2, 4 * MiB, MiB)

        # PAUSED, from running: stopped, started paused
        self.events.events.clear()
        self.daemon.virsh("snapshot-revert", "vm", "s1", "--paused")
        self.wait_defined()
        self.assertEqual(self.lifecycle(), [STOPPED, STARTED, SUSPENDED, DEFINED])
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_PAUSED)
        new3 = self.top()
        self.assertNotIn(new3, (new1, new2))
        self.assert_same_data(new3, at_s1)
        # s2's revert branch and its write are kept on disk
        self.assert_reads(new2, 0xb2, 4 * MiB, MiB)
        self.assert_reads(self.overlay("s2"), 0xa2, 2 * MiB, MiB)

        # all of it after a daemon restart
        expected = {"current": "s1", "s1": self.revert_disks("s1"),
                    "s2": self.revert_disks("s2"), "top": self.top(inactive=True)}
        self.assertEqual(expected["s1"], [new3])
        self.restart()
        self.assertEqual(self.current(), "s1")
        self.assertEqual(self.revert_disks("s1"), expected["s1"])
        self.assertEqual(self.revert_disks("s2"), expected["s2"])
        self.assertEqual(self.top(inactive=True), expected["top"])
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_PAUSED)

        # a new snapshot on the reverted branch records it in <domain>
        self.dom.resume()
        self.create("s3")
        root = self.snapxml("s3")
        self.assertEqual(root.findtext("parent/name"), "s1")
        self.assertEqual(root.find("domain/devices/disk/source").get("file"), new3)
        self.assertEqual(self.revert_disks("s1"), [])

    def test_refusals(self):
        self.make_branch()
        snap = self.dom.snapshotLookupByName("s1")
        top = self.top()
        files = sorted(os.listdir(self.images))

        self.assert_error(lambda: self.dom.revertToSnapshot(snap, 0x100),
                          libvirt.VIR_ERR_INVALID_ARG, libvirt.VIR_FROM_QEMU,
                          "unsupported flags (0x100) in function qemuSnapshotRevert")
        self.assert_error(
            lambda: self.dom.revertToSnapshot(snap, libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING |
                                              libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED),
            libvirt.VIR_ERR_INVALID_ARG, libvirt.VIR_FROM_DOMAIN_SNAPSHOT,
            "Flags 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING' and "
            "'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED' are mutually exclusive")
        ro = libvirt.openReadOnly(self.daemon.uri_ro)
        self.addCleanup(self.close_quietly, ro)
        rodom = ro.lookupByName("vm")
        self.assert_error(lambda: rodom.revertToSnapshot(rodom.snapshotLookupByName("s1"), 0),
                          libvirt.VIR_ERR_OPERATION_DENIED, libvirt.VIR_FROM_DOMAIN_SNAPSHOT,
                          "read only access prevents virDomainRevertToSnapshot")
        proc = self.daemon.virsh("snapshot-revert", "vm", "nosuch", check=False)
        self.assertIn("no domain snapshot with matching name 'nosuch'", proc.stderr)

        # a snapshot with memory state (redefined here; created by the
        # memory snapshot work) is refused in one place
        xml = ET.tostring(self.snapxml("s1"), encoding="unicode")
        xml = xml.replace("<name>s1</name>", "<name>m1</name>", 1)
        xml = xml.replace("<state>disk-snapshot</state>", "<state>running</state>", 1)
        path = os.path.join(self.tmp, "m1.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("snapshot-create", "vm", path, "--redefine")
        self.assert_error(lambda: self.dom.revertToSnapshot(
                              self.dom.snapshotLookupByName("m1"), 0),
                          libvirt.VIR_ERR_CONFIG_UNSUPPORTED, libvirt.VIR_FROM_QEMU,
                          "revert to snapshot 'm1' with memory state is not supported")

        # a block job on the disk
        self.daemon.virsh("blockcommit", "vm", "vda", "--active")
        self.assert_error(lambda: self.dom.revertToSnapshot(snap, 0),
                          libvirt.VIR_ERR_OPERATION_INVALID, libvirt.VIR_FROM_QEMU,
                          "domain has active block job")
        self.daemon.virsh("blockjob", "vm", "vda", "--abort")

        # nothing changed
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.assertEqual(self.top(), top)
        self.assertEqual(self.current(), "s2")
        self.assertEqual(sorted(os.listdir(self.images)), files)


class TransientRevertTest(RevertBase):
    start = False

    def test_transient(self):
        xml = self.dom.XMLDesc(0)
        self.dom.undefine()
        self.dom = self.conn.createXML(xml, 0)
        at_s1 = self.create("s1")
        self.write(0xa1, 0, MiB)
        snap = self.dom.snapshotLookupByName("s1")
        self.assert_error(lambda: self.dom.revertToSnapshot(snap, 0),
                          libvirt.VIR_ERR_OPERATION_INVALID, libvirt.VIR_FROM_QEMU,
                          "transient domain needs to request run or pause to revert to "
                          "inactive snapshot")
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_RUNNING)

        self.events.events.clear()
        self.dom.revertToSnapshot(snap, libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)
        self.events.wait(lambda e: e[0] == "lifecycle" and (e[2], e[3]) == STARTED)
        self.assertEqual(self.lifecycle(), [STOPPED, STARTED])
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.assertFalse(self.dom.isPersistent())
        self.assert_same_data(self.top(), at_s1)
        self.assertEqual(self.current(), "s1")


class ShutoffRevertTest(RevertBase):
    start = False

    def test_revert_shutoff(self):
        at_s1 = self.create("s1")
        self.write(0xa1, 0, MiB)
        at_s2 = self.create("s2")
        self.write(0xa2, 2 * MiB, MiB)
        final = os.path.join(self.tmp, "final.raw")
        shutil.copyfile(self.view, final)

        self.daemon.virsh("snapshot-revert", "vm", "s1")
        self.wait_defined()
        self.assertEqual(self.lifecycle(), [DEFINED])
        self.assertFalse(self.dom.isActive())
        new1 = self.top(inactive=True)
        self.assertEqual(vbtest.backing_of(new1), self.chain.top)
        self.assert_same_data(new1, at_s1)
        self.assert_same_data(self.overlay("s2"), final)
        self.assertEqual(self.current(), "s1")

        self.daemon.virsh("snapshot-revert", "vm", "s2")
        new2 = self.top(inactive=True)
        self.assertEqual(vbtest.backing_of(new2), self.overlay("s1"))
        self.assert_same_data(new2, at_s2)
        self.assert_same_data(new1, at_s1)
        self.assertEqual(self.current(), "s2")

        # it starts and runs on the reverted disk
        self.daemon.virsh("start", "vm")
        self.assertEqual(vbtest.disk_chain(self.dom.XMLDesc(0)),
                         [new2, self.overlay("s1"), self.chain.top, self.chain.base])
        self.assert_clean(new1, new2, self.overlay("s2"))


class TwoDiskRevertTest(RevertBase):
    start = False

    def test_two_disks(self):
        """Every disk the snapshot covers is reverted; a disk it left out
        ('no') keeps its image as the snapshot's definition names it.
        Each disk's new overlay carries its own bitmap (granularity kept)
        with what its abandoned branch wrote merged in."""
        from test_bitmaps import bitmaps_of, clusters, dirty_extents
        self.dom.undefine()
        other = os.path.join(self.images, "other.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", other, "16M"])
        vbtest.Chain.write(other, 0x33, 0, MiB)
        vbtest.run(["qemu-img", "bitmap", "--add", "-g", "64K", self.chain.top, "b0"])
        vbtest.run(["qemu-img", "bitmap", "--add", "-g", "128K", other, "b1"])
        self.define("vm", [("vda", self.chain.top), ("vdb", other)], start=False)
        self.dom = self.conn.lookupByName("vm")
        self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only")
        vda_s1 = os.path.join(self.tmp, "vda-s1.raw")
        vdb_s1 = os.path.join(self.tmp, "vdb-s1.raw")
        vbtest.run(["qemu-img", "convert", "-O", "raw", self.chain.top, vda_s1])
        vbtest.run(["qemu-img", "convert", "-O", "raw", other, vdb_s1])
        vbtest.Chain.write(os.path.join(self.images, "top.s1"), 0xa1, 0, MiB)
        vbtest.Chain.write(os.path.join(self.images, "other.s1"), 0xb1, 0, MiB)
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--disk-only",
                          "--diskspec", "vda", "--diskspec", "vdb,snapshot=no")
        vbtest.Chain.write(os.path.join(self.images, "other.s1"), 0xb2, MiB, MiB)

        self.daemon.virsh("snapshot-revert", "vm", "s1")
        xml = self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        new_vda = vbtest.disk_chain(xml, "vda")[0]
        new_vdb = vbtest.disk_chain(xml, "vdb")[0]
        self.assertEqual(vbtest.backing_of(new_vda), self.chain.top)
        self.assertEqual(vbtest.backing_of(new_vdb), other)
        self.assert_same_data(new_vda, vda_s1)
        self.assert_same_data(new_vdb, vdb_s1)
        self.assertEqual(sorted(self.revert_disks("s1")), sorted([new_vda, new_vdb]))
        for path, name, gran, written in ((new_vda, "b0", 64 * 1024, [(0, MiB)]),
                                          (new_vdb, "b1", 128 * 1024, [(0, 2 * MiB)])):
            self.assertEqual(sorted(bitmaps_of(path)), [name], path)
            self.assertEqual(bitmaps_of(path)[name]["flags"], ["auto"], path)
            self.assertEqual(bitmaps_of(path)[name]["granularity"], gran, path)
            self.assertEqual(clusters(dirty_extents(path, name, self.tmp), gran),
                             clusters(written, gran), path)

        # s2 left vdb out: vdb is back on the image s2's definition names
        self.daemon.virsh("snapshot-revert", "vm", "s2")
        xml = self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        self.assertEqual(vbtest.backing_of(vbtest.disk_chain(xml, "vda")[0]),
                         os.path.join(self.images, "top.s1"))
        self.assertEqual(vbtest.disk_chain(xml, "vdb")[0], os.path.join(self.images, "other.s1"))
        self.assertEqual(len(self.revert_disks("s2")), 1)


class CrashRevertTest(RevertBase):
    """SIGKILL of the daemon at the steps of a revert (a test hook makes the
    daemon kill itself there, so no timing is involved)."""
    start = False

    def prepare(self):
        self.at_s1 = self.create("s1")
        self.write(0xa1, 0, MiB)
        self.create("s2")
        self.write(0xa2, 2 * MiB, MiB)
        self.before = sorted(os.listdir(self.images))
        self.top_before = self.top(inactive=True)

    def crash_at(self, step, meanwhile=None):
        self.restart(**{KILL_ENV: step})
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", check=False)
        self.assertNotEqual(proc.returncode, 0)
        vbtest.wait_for(lambda: self.daemon.proc.poll() is not None, 30, "the daemon to die")
        self.daemon.proc = None
        self.close_quietly(self.conn)
        self.events.close()
        if meanwhile:
            meanwhile()
        self.start_daemon()

    def assert_old_state(self):
        self.assertEqual(self.top(inactive=True), self.top_before)
        self.assertEqual(self.current(), "s2")
        self.assertEqual(self.revert_disks("s1"), [])
        self.assertEqual(sorted(os.listdir(self.images)), self.before)

    def assert_new_state(self):
        new = self.top(inactive=True)
        self.assertNotEqual(new, self.top_before)
        self.assert_same_data(new, self.at_s1)
        self.assertEqual(self.current(), "s1")
        self.assertEqual(self.revert_disks("s1"), [new])
        self.assertEqual(sorted(os.listdir(self.images)),
                         sorted(self.before + [os.path.basename(new)]))

    def test_killed_after_intent(self):
        self.prepare()
        self.crash_at("intent")
        self.assert_old_state()

    def test_killed_after_intent_name_taken(self):
        # killed before the overlay exists; someone else makes a file of
        # that name before the restart: it is not the revert's, it stays
        self.prepare()
        taken = []

        def take():
            intent = os.path.join(self.daemon.root, "config", "snapshot", "vm", ".revert")
            with open(intent) as fh:
                line = [ln for ln in fh if ln.startswith("overlays=")][0]
            path = line.split("=", 1)[1].strip().rstrip(";").split(";")[0]
            with open(path, "w") as fh:
                fh.write("not the revert's")
            taken.append(path)

        self.crash_at("intent", take)
        self.assertEqual(len(taken), 1)
        with open(taken[0]) as fh:
            self.assertEqual(fh.read(), "not the revert's")
        self.assertEqual(self.top(inactive=True), self.top_before)
        self.assertEqual(self.current(), "s2")

    def test_killed_after_overlays(self):
        self.prepare()
        self.crash_at("overlays")
        self.assert_old_state()
        self.assertIn("undoing the interrupted revert", self.daemon.log(None))

    def test_killed_after_config(self):
        self.prepare()
        self.crash_at("config")
        self.assert_new_state()
        self.assertIn("completing the interrupted revert", self.daemon.log(None))

    def test_killed_during_metadata(self):
        self.prepare()
        self.crash_at("metadata")
        self.assert_new_state()
        # the old current one no longer says it is current
        self.restart()
        self.assertEqual(self.current(), "s1")


class BitmapNbdTest(RevertBase):
    """The dirty extents of the persistent bitmap b0, read over NBD (as
    test_bitmaps.py and test_snapdelete.py's BitmapDeleteTest do) once
    QEMU has closed the images.  After snapshot-create each image of the
    chain holds in its b0 exactly the guest writes made while it was the
    top, recording ('auto').  After snapshot-revert the snapshot's image
    and the abandoned branch keep theirs unchanged, and the new overlay
    gets a recording b0 (same granularity) holding the blocks the revert
    changed back (the abandoned branch's b0 merged in), so that the
    chain's b0 (the union of its images' copies, as a backup reads it)
    is the snapshot image's extents, the reverted blocks, and the writes
    made since.  A snapshot on the new branch, running or shut off,
    carries b0 on, and its delete merges it back."""

    start = False
    GRAN = 64 * 1024
    # the writes of make_two, by image
    AT_TOP = [(1 * MiB, 64 * 1024)]
    AT_S1 = [(3 * MiB + 4096, 128 * 1024)]
    AT_S2 = [(5 * MiB, 64 * 1024)]

    def setUp(self):
        super().setUp()
        vbtest.run(["qemu-img", "bitmap", "--add", "-g", str(self.GRAN), self.chain.top, "b0"])

    def dirty(self, path):
        from test_bitmaps import dirty_extents, clusters
        return clusters(dirty_extents(path, "b0", self.tmp), self.GRAN)

    def want(self, *extents):
        from test_bitmaps import clusters
        return clusters(extents, self.GRAN)

    def bitmaps(self, path):
        from test_bitmaps import bitmaps_of
        return bitmaps_of(path)

    def make_two(self):
        """b0 in top.qcow2 only; a write on each image while it is the top"""
        self.daemon.virsh("start", "vm")
        self.write(0xb1, *self.AT_TOP[0])
        self.create("s1")
        self.write(0xb2, *self.AT_S1[0])
        self.create("s2")
        self.write(0xb3, *self.AT_S2[0])

    def assert_recording(self, path):
        b0 = self.bitmaps(path).get("b0")
        self.assertIsNotNone(b0, path)
        self.assertEqual(b0["flags"], ["auto"], path)
        self.assertEqual(b0["granularity"], self.GRAN, path)

    def assert_created_bitmaps(self):
        for path in (self.chain.top, self.overlay("s1"), self.overlay("s2")):
            self.assert_recording(path)
        self.assertEqual(self.dirty(self.chain.top), self.want(*self.AT_TOP))
        self.assertEqual(self.dirty(self.overlay("s1")), self.want(*self.AT_S1))
        self.assertEqual(self.dirty(self.overlay("s2")), self.want(*self.AT_S2))

    def test_after_create(self):
        self.make_two()
        self.daemon.virsh("destroy", "vm")
        self.assert_created_bitmaps()
        self.assert_same_data(self.overlay("s2"), self.view)
        self.assert_clean(self.chain.top, self.overlay("s1"), self.overlay("s2"))

    def revert_to_s1(self, *flags):
        self.make_two()
        at_s1 = os.path.join(self.tmp, "at-s1.raw")
        self.daemon.virsh("snapshot-revert", "vm", "s1", *flags)
        new1 = self.top()
        # the image s1 froze is top.qcow2: top.s1 and top.s2 are the
        # abandoned branch now
        self.assertEqual(vbtest.backing_of(new1), self.chain.top)
        shutil.copyfile(at_s1, self.view)
        return new1

    def test_after_revert(self):
        new1 = self.revert_to_s1("--running")
        self.write(0xb4, 7 * MiB, 64 * 1024)
        # a snapshot on the new branch carries b0 on, its delete merges it
        # back into the new overlay
        self.create("s3")
        self.write(0xb5, 9 * MiB, 64 * 1024)
        self.daemon.virsh("snapshot-delete", "vm", "s3")
        self.assertEqual(self.top(), new1)
        self.assertFalse(os.path.exists(self.overlay("s3")))
        self.write(0xb6, 11 * MiB, 64 * 1024)
        self.daemon.virsh("destroy", "vm")
        # the snapshot's image and the abandoned branch: as created
        self.assert_created_bitmaps()
        # the new overlay: what the revert changed back, then every write
        # made on the new branch
        self.assert_recording(new1)
        reverted = self.AT_S1 + self.AT_S2
        after = [(7 * MiB, 64 * 1024), (9 * MiB, 64 * 1024), (11 * MiB, 64 * 1024)]
        self.assertEqual(self.dirty(new1), self.want(*(reverted + after)))
        self.assertEqual(self.dirty(new1) | self.dirty(self.chain.top),
                         self.want(*(self.AT_TOP + reverted + after)))
        self.assert_same_data(new1, self.view)
        self.assert_clean(self.chain.top, self.overlay("s1"), self.overlay("s2"), new1)

    def test_after_shutoff_revert(self):
        new1 = self.revert_to_s1()
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        # there before any QEMU opened the overlay
        self.assert_recording(new1)
        self.assertEqual(self.dirty(new1), self.want(*(self.AT_S1 + self.AT_S2)))
        # a write while shut off (qemu-io records it as QEMU would), a
        # shut-off snapshot (its overlay gets b0, empty), a write there,
        # then the snapshot deleted while running (b0 merged back)
        self.write(0xb4, 7 * MiB, 64 * 1024)
        self.create("s3")
        self.assertEqual(self.top(inactive=True), self.overlay("s3"))
        self.assert_recording(self.overlay("s3"))
        self.assertEqual(self.dirty(self.overlay("s3")), set())
        self.write(0xb5, 9 * MiB, 64 * 1024)
        self.assertEqual(self.dirty(self.overlay("s3")), self.want((9 * MiB, 64 * 1024)))
        self.daemon.virsh("start", "vm")
        self.daemon.virsh("snapshot-delete", "vm", "s3")
        self.assertEqual(self.top(), new1)
        self.daemon.virsh("destroy", "vm")
        self.assert_created_bitmaps()
        self.assert_recording(new1)
        self.assertEqual(self.dirty(new1), self.want(*(self.AT_S1 + self.AT_S2 + [
            (7 * MiB, 64 * 1024), (9 * MiB, 64 * 1024)])))
        self.assert_same_data(new1, self.view)
        self.assert_clean(self.chain.top, self.overlay("s1"), self.overlay("s2"), new1)

    FAILING_QEMU_IMG = """#!/bin/sh
# qemu-img, except that @OPTION@ on a dirty bitmap fails
for arg in "$@"; do
    if [ "$arg" = "@OPTION@" ]; then
        echo "qemu-img: @OPTION@ refused by the test" >&2
        exit 1
    fi
done
exec /usr/bin/qemu-img "$@"
"""

    def fake_qemu_img(self, option):
        fake = os.path.join(self.tmp, "fake-qemu-img")
        with open(fake, "w") as fh:
            fh.write(self.FAILING_QEMU_IMG.replace("@OPTION@", option))
        os.chmod(fake, 0o755)
        return fake

    def test_add_fails_undone(self):
        """qemu-img failing to add a bitmap to the new overlay: the revert
        fails, its new overlay is removed, the definition, the metadata and
        every image (data and bitmaps) stay as they were"""
        self.make_two()
        fake = self.fake_qemu_img("--add")
        self.daemon.virsh("destroy", "vm")
        final = os.path.join(self.tmp, "final.raw")
        shutil.copyfile(self.view, final)
        self.restart(VIRTBLOCKD_QEMU_IMG=fake)
        before = (sorted(os.listdir(self.images)), self.top(inactive=True), self.current())
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", "--running", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("--add refused by the test", proc.stderr)
        self.assertEqual((sorted(os.listdir(self.images)), self.top(inactive=True),
                          self.current()), before)
        self.assertEqual(self.revert_disks("s1"), [])
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        self.assert_created_bitmaps()
        self.assert_same_data(self.overlay("s2"), final)
        self.assert_clean(self.chain.top, self.overlay("s1"), self.overlay("s2"))

    def test_merge_fails_dropped(self):
        """qemu-img failing to merge an abandoned image's bitmap: leaving b0
        off is safe, so the revert goes on without it (the half-built b0
        removed from the new overlay)"""
        self.make_two()
        fake = self.fake_qemu_img("--merge")
        self.daemon.virsh("destroy", "vm")
        self.restart(VIRTBLOCKD_QEMU_IMG=fake)
        self.daemon.virsh("snapshot-revert", "vm", "s1", "--running")
        new1 = self.top()
        self.assertEqual(vbtest.backing_of(new1), self.chain.top)
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.bitmaps(new1), {})
        self.assert_created_bitmaps()
        self.assert_same_data(new1, os.path.join(self.tmp, "at-s1.raw"))
        self.assert_clean(new1)

    def node_of(self, path):
        out = self.daemon.virsh("qemu-monitor-command", "vm",
                                '{"execute":"query-named-block-nodes"}').stdout
        for node in json.loads(out)["return"]:
            if node["drv"] == "qcow2" and node["file"] == path:
                return node["node-name"]
        self.fail("no node for %s" % path)

    def test_resized_abandoned_not_carried(self):
        """The running guest's disk grown since the snapshot: b0 of the
        abandoned branch has another size than the snapshot image's and
        cannot be merged.  The revert leaves b0 off (a full backup next)
        instead of failing once the guest was stopped."""
        self.make_two()
        self.daemon.virsh("qemu-monitor-command", "vm", json.dumps({
            "execute": "block_resize",
            "arguments": {"node-name": self.node_of(self.overlay("s2")), "size": 32 * MiB}}))
        self.daemon.virsh("snapshot-revert", "vm", "s1", "--running")
        new1 = self.top()
        self.assertEqual(vbtest.backing_of(new1), self.chain.top)
        self.assertEqual(self.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.bitmaps(new1), {})
        self.assert_recording(self.overlay("s2"))
        self.assert_same_data(new1, os.path.join(self.tmp, "at-s1.raw"))
        self.assert_clean(self.chain.top, self.overlay("s1"), self.overlay("s2"), new1)

    def test_dropped_bitmap_not_valid_after_commit(self):
        """b0 dropped by a revert (the abandoned top had none) stays
        recording in the snapshot's image, which never saw the writes made
        on the new overlay.  Committing the overlay into it must not bring
        b0 back as a valid history: it comes out disabled, so an
        incremental backup from it is refused rather than missing blocks."""
        self.make_two()
        self.daemon.virsh("destroy", "vm")
        vbtest.run(["qemu-img", "bitmap", "--remove", self.overlay("s2"), "b0"])
        self.daemon.virsh("snapshot-revert", "vm", "s1", "--running")
        new1 = self.top()
        shutil.copyfile(os.path.join(self.tmp, "at-s1.raw"), self.view)
        self.write(0xb4, 7 * MiB, 64 * 1024)
        self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--shallow", "--pivot",
                          "--wait")
        self.assertEqual(self.top(), self.chain.top)
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.bitmaps(new1), {})
        b0 = self.bitmaps(self.chain.top).get("b0")
        self.assertIsNotNone(b0)
        self.assertNotIn("auto", b0["flags"])
        self.assert_same_data(self.chain.top, self.view)
        self.assert_clean(self.chain.top)

    def test_gapped_bitmap_disabled_by_commit(self):
        """b0 missing in the middle image of a running chain (recorded
        nowhere there): after a non-active commit of that image into the
        bottom one, b0 of the top and the base would form a valid-looking
        chain missing its writes; the base's copy comes out disabled
        (stored while QEMU has the base writable for the bitmaps)"""
        self.make_two()
        self.daemon.virsh("destroy", "vm")
        vbtest.run(["qemu-img", "bitmap", "--remove", self.overlay("s1"), "b0"])
        self.daemon.virsh("start", "vm")
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", self.overlay("s1"), "--base",
                          self.chain.top, "--wait")
        self.assertEqual(vbtest.backing_of(self.overlay("s2")), self.chain.top)
        self.daemon.virsh("destroy", "vm")
        self.assert_recording(self.overlay("s2"))
        b0 = self.bitmaps(self.chain.top).get("b0")
        self.assertIsNotNone(b0)
        self.assertNotIn("auto", b0["flags"])
        self.assert_same_data(self.overlay("s2"), self.view)
        self.assert_clean(self.chain.top, self.overlay("s2"))

    MOVING_QEMU_IMG = """#!/bin/sh
# qemu-img, except that adding a dirty bitmap moves the directory of the
# images away, puts a new one with a hard link to each of them (the same
# files) in its place, and fails
for arg in "$@"; do
    if [ "$arg" = "--add" ]; then
        mv "$IMAGES" "$IMAGES.moved" && mkdir "$IMAGES" || exit 1
        for f in "$IMAGES.moved"/*; do ln "$f" "$IMAGES/" || exit 1; done
        echo "qemu-img: directory moved by the test" >&2
        exit 1
    fi
done
exec /usr/bin/qemu-img "$@"
"""

    def test_failed_overlay_removed_from_its_directory(self):
        """The new overlay of a failed revert is removed from the directory
        it was created in, even once that directory was moved and its old
        path leads to another entry of the same file (which is not
        removed: the path is never resolved again)"""
        self.make_two()
        fake = os.path.join(self.tmp, "fake-qemu-img")
        with open(fake, "w") as fh:
            fh.write(self.MOVING_QEMU_IMG)
        os.chmod(fake, 0o755)
        self.daemon.virsh("destroy", "vm")
        self.restart(VIRTBLOCKD_QEMU_IMG=fake, IMAGES=self.images)
        before = sorted(os.listdir(self.images))
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("directory moved by the test", proc.stderr)
        moved = self.images + ".moved"
        self.assertEqual(sorted(os.listdir(moved)), before)
        new = sorted(set(os.listdir(self.images)) - set(before))
        self.assertEqual(len(new), 1, os.listdir(self.images))
        self.assertTrue(new[0].startswith("top."), new)
        self.assertEqual(self.current(), "s2")

    def test_gap_not_carried(self):
        """An abandoned image without b0 (its writes recorded nowhere):
        b0 is not carried, a backup finds no bitmap on the new overlay"""
        self.make_two()
        self.daemon.virsh("destroy", "vm")
        vbtest.run(["qemu-img", "bitmap", "--remove", self.overlay("s2"), "b0"])
        self.daemon.virsh("snapshot-revert", "vm", "s1")
        new1 = self.top()
        self.assertEqual(vbtest.backing_of(new1), self.chain.top)
        self.assertEqual(self.bitmaps(new1), {})
        self.assert_clean(new1)


if __name__ == "__main__":
    vbtest.main()
