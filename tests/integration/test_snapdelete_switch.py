#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""snapshot-delete of a snapshot of two disks switches both disks or
neither (issue 14, "Several disks, one switch"), against real QEMU (TCG),
real qcow2 images, the stock virsh and python3-libvirt.

The commits run with auto-finalize off: each disk's job waits in PENDING
and no disk changes its chain until every disk's job got there.  Checked
here:
- a running domain: both disks' overlays committed, the events libvirt
  sends (READY for each disk before any COMPLETED), chains, files, data
  byte for byte, qemu-img check;
- the second disk's pivot failing (a test hook in the daemon) after the
  first disk's job-complete: neither disk switched, the snapshot and its
  metadata stay, every image holds what it held (a base only gained the
  data its overlay holds), the guest still writes; after a daemon restart
  without the hook the same delete succeeds.  The code before this change
  pivoted disk after disk and left the first one switched here;
- ENOSPC: the second disk's base on a small tmpfs, so that its commit runs
  out of space: a clear error, nothing switched, the snapshot stays; the
  bases took some of the overlays' data, so a revert to the snapshot is
  refused (also after a restart: the mark is in its metadata, never in
  its XML); after the tmpfs grows the same delete succeeds.  Running and
  shut off."""

import os
import re
import subprocess
import xml.etree.ElementTree as ET

import libvirt

import vbtest
from test_hotplug import monitor_path, qmp_direct
from vbevents import EventRecorder

MiB = vbtest.MiB
READY = libvirt.VIR_DOMAIN_BLOCK_JOB_READY
COMPLETED = libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED
FAILED = libvirt.VIR_DOMAIN_BLOCK_JOB_FAILED
CANCELED = libvirt.VIR_DOMAIN_BLOCK_JOB_CANCELED
ACTIVE_COMMIT = libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT
COMMIT = libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT
INACTIVE = libvirt.VIR_DOMAIN_XML_INACTIVE
SIZE_MIB = 32


def backend(dev):
    """The QOM path HMP qemu-io writes through, as the guest would."""
    return "/machine/peripheral/virtio-disk%d/virtio-backend" % (ord(dev[-1]) - ord("a"))


class SwitchBase(vbtest.DaemonTestCase):
    start = True
    small_fs = False     # vdb's image on a 4 MiB tmpfs
    pivot_fail = None    # the disk whose pivot the daemon's test hook fails
    finalize_fail = None  # the disk whose job-finalize the test hook fails

    def daemon_prefix(self):
        if self.pivot_fail:
            return ["env", "VIRTBLOCKD_TEST_PIVOT_FAIL=" + self.pivot_fail]
        if self.finalize_fail:
            return ["env", "VIRTBLOCKD_TEST_FINALIZE_FAIL=" + self.finalize_fail]
        return []

    def setUp(self):
        super().setUp()
        vda = vbtest.Chain(self.images, layers=2, size_mib=SIZE_MIB, names=["a0", "a1"])
        if self.small_fs:
            self.small = os.path.join(self.tmp, "small")
            os.mkdir(self.small)
            vbtest.run(["mount", "-t", "tmpfs", "-o", "size=4M,mode=0755", "vbit-enospc",
                        self.small])
            # lazily: QEMU may still hold its files until the daemon's
            # cleanup, which runs after this one
            self.addCleanup(vbtest.run, ["umount", "-l", self.small], check=False)
            vdb_top = os.path.join(self.small, "b0.qcow2")
            vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", vdb_top, "%dM" % SIZE_MIB])
            vbtest.Chain.write(vdb_top, 0x22, 0, MiB)
            self.overlay_dir = {"vda": self.images, "vdb": self.images}
        else:
            vdb_top = vbtest.Chain(self.images, layers=2, size_mib=SIZE_MIB,
                                   names=["b0", "b1"]).top
            self.overlay_dir = {"vda": self.images, "vdb": self.images}
        self.tops = {"vda": vda.top, "vdb": vdb_top}
        self.expected = {}
        for dev, top in self.tops.items():
            self.expected[dev] = os.path.join(self.tmp, "expected-%s.raw" % dev)
            vbtest.run(["qemu-img", "convert", "-O", "raw", top, self.expected[dev]])
        self.define("vm", sorted(self.tops.items()), start=self.start)
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.connect()

    def connect(self):
        self.conn, self.dom = self.libvirt_connect()

    def overlay(self, dev):
        return os.path.join(self.overlay_dir[dev],
                            os.path.basename(self.tops[dev]).rsplit(".", 1)[0] + ".s1")

    def create_s1(self):
        args = ["snapshot-create-as", "vm", "s1", "--disk-only"]
        for dev in ("vda", "vdb"):
            args += ["--diskspec", "%s,snapshot=external,file=%s" % (dev, self.overlay(dev))]
        self.daemon.virsh(*args)
        for dev in ("vda", "vdb"):
            self.assertEqual(self.chain(dev, inactive=True)[0], self.overlay(dev))
            self.assertEqual(vbtest.backing_of(self.overlay(dev)), self.tops[dev])

    def write(self, dev, pattern, offset, length):
        """Into the disk's top: by the guest's device while running, with
        qemu-io into the overlay while shut off."""
        if self.dom.isActive():
            out = self.daemon.virsh(
                "qemu-monitor-command", "vm", "--hmp",
                'qemu-io -d %s "write -P 0x%02x %d %d"' % (backend(dev), pattern, offset,
                                                            length)).stdout
            self.assertNotIn("error", out.lower())
            # QEMU's qcow2 metadata on disk too, for qemu-img -U to read
            self.daemon.virsh("qemu-monitor-command", "vm", "--hmp",
                              'qemu-io -d %s "flush"' % backend(dev))
        else:
            vbtest.Chain.write(self.chain(dev, inactive=True)[0], pattern, offset, length)
        vbtest.Chain.write(self.expected[dev], pattern, offset, length, fmt="raw")

    def chain(self, dev, inactive=False):
        return vbtest.disk_chain(self.dom.XMLDesc(INACTIVE if inactive else 0), dev)

    def delete(self):
        self.dom.snapshotLookupByName("s1").delete(0)

    def image_files(self):
        files = {}
        for d in sorted(set(self.overlay_dir.values()) | {os.path.dirname(self.tops["vdb"])}):
            for name in os.listdir(d):
                if name.endswith((".qcow2", ".s1", ".s2")):
                    files[name] = os.path.join(d, name)
        return files

    def read_image(self, path):
        """@path's view (with its backing chain), raw bytes."""
        out = os.path.join(self.tmp, "read.raw")
        vbtest.run(["qemu-img", "convert", "-U", "-O", "raw", path, out])
        with open(out, "rb") as fh:
            data = fh.read()
        os.unlink(out)
        return data

    def snapshot_state(self):
        """Everything a failed delete must leave as it was."""
        return {
            "live": {dev: self.chain(dev) for dev in ("vda", "vdb")},
            "inactive": self.dom.XMLDesc(INACTIVE),
            "snapshots": [s.getName() for s in self.dom.listAllSnapshots(0)],
            "current": self.dom.snapshotCurrent().getName(),
            "snapxml": self.dom.snapshotLookupByName("s1").getXMLDesc(),
            "files": sorted(self.image_files()),
            "state": self.dom.state(),
        }

    def assert_views(self):
        """Each disk reads, through its current chain, what the guest wrote."""
        for dev in ("vda", "vdb"):
            top = self.chain(dev)[0] if self.dom.isActive() else self.chain(dev, True)[0]
            proc = vbtest.run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw", top,
                               self.expected[dev]], check=False)
            self.assertEqual(proc.returncode, 0, "%s: %s" % (dev, proc.stdout))

    def assert_images_kept(self, before):
        """Every image reads what it read before; a snapshot's base may
        only have gained what its overlay holds (the commit's copy, which
        the guest reads from the overlay anyway), chunk by chunk."""
        for name, path in self.image_files().items():
            now = self.read_image(path)
            if now == before[name]:
                continue
            dev = "vda" if name.startswith("a") else "vdb"
            self.assertEqual(path, self.tops[dev], "%s changed" % name)
            with open(self.expected[dev], "rb") as fh:
                view = fh.read()
            for off in range(0, len(now), MiB):
                chunk = now[off:off + MiB]
                self.assertIn(chunk, (before[name][off:off + MiB], view[off:off + MiB]),
                              "%s at %d MiB holds neither its old data nor the overlay's"
                              % (name, off // MiB))

    def assert_checked(self):
        for path in self.image_files().values():
            proc = vbtest.run(["qemu-img", "check", "-U", path], check=False)
            self.assertEqual(proc.returncode, 0, "%s: %s" % (path, proc.stdout))

    def job_events(self, kind="block-job-2"):
        return [e[2:] for e in self.events.events if e[0] == kind]

    def wait_events(self, n):
        vbtest.wait_for(lambda: len(self.job_events()) >= n, 60, "%d block job events" % n)
        return self.job_events()

    def assert_deleted(self):
        """The snapshot is gone: each disk back on its image, the overlays
        removed, the guest's data in the images."""
        for dev in ("vda", "vdb"):
            if self.dom.isActive():
                self.assertEqual(self.chain(dev)[0], self.tops[dev])
            self.assertEqual(self.chain(dev, inactive=True)[0], self.tops[dev])
            self.assertFalse(os.path.exists(self.overlay(dev)))
        self.assertEqual(self.dom.listAllSnapshots(0), [])
        self.assert_views()
        self.assert_checked()

    def assert_refused_nothing_changed(self, before, images, message):
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.delete()
        self.assertIn(message, cm.exception.get_error_message())
        self.assertEqual(self.snapshot_state(), before)
        self.assert_views()
        self.assert_images_kept(images)
        return cm.exception

    def assert_revert_refused(self):
        """The failed delete's commits wrote into both bases: a revert to
        s1 is refused, naming them, and changes nothing."""
        before = self.snapshot_state()
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.revertToSnapshot(self.dom.snapshotLookupByName("s1"), 0)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
        msg = cm.exception.get_error_message()
        self.assertIn("cannot revert to snapshot 's1'", msg)
        for dev in ("vda", "vdb"):
            self.assertIn(self.tops[dev], msg)
        self.assertIn("delete the snapshot", msg)
        self.assertNotIn("deleteFailed", before["snapxml"])
        self.assertEqual(self.snapshot_state(), before)

    def storage_daemons(self):
        """Pids of qemu-storage-daemons of this test's daemon."""
        proc = subprocess.run(["pgrep", "-f", "qemu-storage-daemon.*" + self.daemon.root],
                              stdout=subprocess.PIPE, text=True)
        return proc.stdout.split()

    def snapshot_images(self):
        return {name: self.read_image(path) for name, path in self.image_files().items()}


class TwoDisksTest(SwitchBase):
    def test_both_disks_switch(self):
        self.create_s1()
        self.write("vda", 0x5a, 16 * MiB, MiB)
        self.write("vdb", 0x5b, 20 * MiB, MiB)
        self.delete()
        self.assert_deleted()
        evs = self.wait_events(4)
        self.assertEqual(sorted(evs), sorted([
            ("vda", ACTIVE_COMMIT, READY), ("vdb", ACTIVE_COMMIT, READY),
            ("vda", ACTIVE_COMMIT, COMPLETED), ("vdb", ACTIVE_COMMIT, COMPLETED)]))
        # no disk completes before every disk is ready
        self.assertEqual([e[2] for e in evs[:2]], [READY, READY])
        legacy = self.job_events("block-job")
        self.assertEqual(sorted(legacy), sorted([
            (self.overlay("vda"), ACTIVE_COMMIT, READY),
            (self.overlay("vdb"), ACTIVE_COMMIT, READY),
            (self.tops["vda"], ACTIVE_COMMIT, COMPLETED),
            (self.tops["vdb"], ACTIVE_COMMIT, COMPLETED)]))
        # the status and definitions agree after a restart
        self.daemon.stop()
        self.daemon.start()
        self.connect()
        self.assert_deleted()


    def test_middle_snapshot_both_disks(self):
        """s1 <- s2: deleting s1 commits each disk's s1 overlay into its
        image and rebases the s2 overlay onto it, both finalized together."""
        self.create_s1()
        self.write("vda", 0x5a, 16 * MiB, MiB)
        self.write("vdb", 0x5b, 20 * MiB, MiB)
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--disk-only")
        self.write("vda", 0x6a, 17 * MiB, MiB)
        self.write("vdb", 0x6b, 21 * MiB, MiB)
        self.delete()
        for dev in ("vda", "vdb"):
            s2 = self.overlay(dev)[:-1] + "2"
            self.assertEqual(self.chain(dev)[:2], [s2, self.tops[dev]])
            self.assertEqual(self.chain(dev, inactive=True)[:2], [s2, self.tops[dev]])
            self.assertEqual(vbtest.backing_of(s2), self.tops[dev])
            self.assertFalse(os.path.exists(self.overlay(dev)))
        self.assertEqual([s.getName() for s in self.dom.listAllSnapshots(0)], ["s2"])
        self.assertEqual(sorted(self.wait_events(2)),
                         [("vda", COMMIT, COMPLETED), ("vdb", COMMIT, COMPLETED)])
        self.assert_views()
        self.assert_checked()


class PivotFailureTest(SwitchBase):
    pivot_fail = "vdb"

    def test_second_pivot_fails_nothing_switches(self):
        self.create_s1()
        self.write("vda", 0x5a, 16 * MiB, MiB)
        self.write("vdb", 0x5b, 20 * MiB, MiB)
        before = self.snapshot_state()
        images = self.snapshot_images()
        self.assert_refused_nothing_changed(before, images, "pivot failed by the test hook")
        evs = self.wait_events(4)
        self.assertNotIn(COMPLETED, [e[2] for e in evs])
        self.assertEqual(sorted(evs), sorted([
            ("vda", ACTIVE_COMMIT, READY), ("vdb", ACTIVE_COMMIT, READY),
            ("vda", ACTIVE_COMMIT, CANCELED), ("vdb", ACTIVE_COMMIT, CANCELED)]))
        # the guest writes on, to the overlays it still has
        self.write("vda", 0x6a, 17 * MiB, MiB)
        self.write("vdb", 0x6b, 21 * MiB, MiB)
        self.assert_views()
        # the same delete, by a daemon without the hook
        self.daemon.stop()
        self.daemon.prefix = []
        self.daemon.start()
        self.connect()
        self.assertEqual(self.chain("vda")[:2], [self.overlay("vda"), self.tops["vda"]])
        self.delete()
        self.assert_deleted()


class PartialSwitchBase(SwitchBase):
    """s1 <- s2 on both disks; a delete of s1 that switches vda and not
    vdb leaves a snapshot s1 of vdb alone, marked, with s2's <domain>
    naming vda's base; the same delete asked again finishes it."""

    def make_s1_s2(self):
        self.create_s1()
        self.write("vda", 0x5a, 16 * MiB, MiB)
        self.write("vdb", 0x5b, 20 * MiB, MiB)
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--disk-only")
        self.write("vda", 0x6a, 17 * MiB, MiB)
        self.write("vdb", 0x6b, 21 * MiB, MiB)

    def s2(self, dev):
        return self.overlay(dev)[:-1] + "2"

    def snap_sources(self, name, where):
        root = ET.fromstring(self.dom.snapshotLookupByName(name).getXMLDesc())
        return {d.get("name"): (d.get("snapshot"), d.find("source").get("file")
                                if d.find("source") is not None else None)
                for d in root.findall(where)}

    def assert_partial(self):
        """vda switched (its s1 overlay merged and removed), vdb not; the
        metadata says so and names no removed file."""
        self.assertEqual(self.chain("vda")[:2], [self.s2("vda"), self.tops["vda"]])
        self.assertEqual(self.chain("vdb")[:3],
                         [self.s2("vdb"), self.overlay("vdb"), self.tops["vdb"]])
        self.assertFalse(os.path.exists(self.overlay("vda")))
        self.assertTrue(os.path.exists(self.overlay("vdb")))
        self.assertEqual(sorted(s.getName() for s in self.dom.listAllSnapshots(0)),
                         ["s1", "s2"])
        disks = self.snap_sources("s1", "disks/disk")
        self.assertEqual(disks["vda"][0], "no")
        self.assertEqual(disks["vdb"], ("external", self.overlay("vdb")))
        # s2's <domain>: vda's image is its base now, vdb's the s1 overlay
        dom = {d.find("target").get("dev"): d.find("source").get("file")
               for d in ET.fromstring(self.dom.snapshotLookupByName("s2").getXMLDesc())
               .findall("domain/devices/disk")}
        self.assertEqual(dom, {"vda": self.tops["vda"], "vdb": self.overlay("vdb")})
        # the bases took data newer than s1: no revert to it
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.revertToSnapshot(self.dom.snapshotLookupByName("s1"), 0)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
        self.assertIn("cannot revert to snapshot 's1'", cm.exception.get_error_message())
        self.assert_views()
        self.assert_checked()

    def assert_finished_again(self):
        """The same delete, asked again, commits vdb's s1 overlay."""
        self.delete()
        for dev in ("vda", "vdb"):
            self.assertEqual(self.chain(dev)[:2], [self.s2(dev), self.tops[dev]])
            self.assertEqual(self.chain(dev, inactive=True)[:2], [self.s2(dev), self.tops[dev]])
            self.assertEqual(vbtest.backing_of(self.s2(dev)), self.tops[dev])
            self.assertFalse(os.path.exists(self.overlay(dev)))
        self.assertEqual([s.getName() for s in self.dom.listAllSnapshots(0)], ["s2"])
        dom = {d.find("target").get("dev"): d.find("source").get("file")
               for d in ET.fromstring(self.dom.snapshotLookupByName("s2").getXMLDesc())
               .findall("domain/devices/disk")}
        self.assertEqual(dom, self.tops)
        self.write("vda", 0x7a, 18 * MiB, MiB)
        self.write("vdb", 0x7b, 22 * MiB, MiB)
        self.assert_views()
        self.assert_checked()


class FinalizeFailureTest(PartialSwitchBase):
    finalize_fail = "vdb"

    def test_second_finalize_fails_metadata_follows(self):
        """vda's job-finalize switched vda, vdb's failed (the test hook):
        the delete fails naming vdb, and the metadata matches the chains."""
        self.make_s1_s2()
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.delete()
        self.assertIn("disk 'vdb' did not switch while deleting the snapshot",
                      cm.exception.get_error_message())
        self.assert_partial()
        # so after a restart too, and the rest of the delete works
        self.daemon.stop()
        self.daemon.prefix = []
        self.daemon.start()
        self.connect()
        self.assert_partial()
        self.assert_finished_again()


class KilledAtFinalizeTest(PartialSwitchBase):
    """The daemon killed between the disks' job-finalize (vda switched),
    vdb's job cancelled behind its back before the restart: the recovery
    can finish vda only; the snapshot keeps vdb, marked."""

    def daemon_prefix(self):
        return ["env", "VIRTBLOCKD_TEST_DELETE_KILL_AT=finalize"]

    def test_killed_at_finalize_other_job_gone(self):
        self.make_s1_s2()
        self.close_quietly(self.conn)
        self.events.close()
        proc = self.daemon.virsh("snapshot-delete", "vm", "s1", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        vbtest.wait_for(lambda: self.daemon.proc.poll() is not None, 60, "the daemon to die")
        self.daemon.proc = None
        # vdb's job, PENDING, cancelled while no daemon watches
        qmp_direct(monitor_path(self.daemon),
                   [{"execute": "block-job-cancel",
                     "arguments": {"device": self.vdb_job(), "force": True}}],
                   wait_event=lambda ev, data: ev == "JOB_STATUS_CHANGE" and
                   data.get("status") in ("concluded", "null"))
        self.daemon.prefix = []
        self.daemon.start()
        self.connect()
        intent = os.path.join(self.daemon.root, "config", "snapshot", "vm", ".delete")
        vbtest.wait_for(lambda: not os.path.exists(intent), 300,
                        "the interrupted delete to be resolved")
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.assertEqual(self.conn.lookupByName("vm").blockJobInfo("vdb", 0), {})
        self.assert_partial()
        self.assert_finished_again()

    def vdb_job(self):
        """vdb's job, as the daemon's status file names it"""
        with open(os.path.join(self.daemon.root, "run", "qemu", "vm.xml")) as fh:
            return re.search(r"commit-vdb-[A-Za-z0-9-]+", fh.read()).group(0)


class EnospcRunningTest(SwitchBase):
    small_fs = True

    def test_enospc_on_second_disk(self):
        self.create_s1()
        self.write("vda", 0x5a, 16 * MiB, MiB)
        # more than vdb's base can take on its 4 MiB filesystem
        self.write("vdb", 0x5b, 4 * MiB, 16 * MiB)
        before = self.snapshot_state()
        images = self.snapshot_images()
        err = self.assert_refused_nothing_changed(before, images, "No space left on device")
        self.assertIn("block commit failed while deleting disk 'vdb' snapshot",
                      err.get_error_message())
        vbtest.wait_for(lambda: ("vdb", ACTIVE_COMMIT, FAILED) in self.job_events(), 60,
                        "vdb's job to fail")
        self.assertNotIn(COMPLETED, [e[2] for e in self.job_events()])
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.assert_revert_refused()
        self.daemon.stop()
        self.daemon.start()
        self.connect()
        self.assert_revert_refused()
        self.write("vda", 0x6a, 17 * MiB, MiB)
        self.write("vdb", 0x6b, 2 * MiB, MiB)
        self.assert_views()
        # room again: the same delete works
        vbtest.run(["mount", "-o", "remount,size=64M", self.small])
        self.delete()
        self.assert_deleted()


class EnospcShutoffTest(SwitchBase):
    small_fs = True
    start = False

    def test_enospc_on_second_disk_shut_off(self):
        self.create_s1()
        self.write("vda", 0x5a, 16 * MiB, MiB)
        self.write("vdb", 0x5b, 4 * MiB, 16 * MiB)
        before = self.snapshot_state()
        images = self.snapshot_images()
        err = self.assert_refused_nothing_changed(before, images, "No space left on device")
        self.assertIn("vdb", err.get_error_message())
        self.assertNotIn(COMPLETED, [e[2] for e in self.job_events()])
        # the storage daemon has quit
        vbtest.wait_for(lambda: not self.storage_daemons(), 30, "the storage daemon to quit")
        self.assert_revert_refused()
        vbtest.run(["mount", "-o", "remount,size=64M", self.small])
        self.delete()
        self.assert_deleted()
        self.daemon.virsh("start", "vm")
        self.assert_views()
        self.daemon.virsh("destroy", "vm")


if __name__ == "__main__":
    vbtest.main()
