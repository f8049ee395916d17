#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Block commit against real QEMU (TCG), real qcow2 chains, the stock
virsh and python3-libvirt.  Every data path ends in a byte-for-byte check
(qemu-img compare against the flattened chain plus every guest write)."""

import os
import xml.etree.ElementTree as ET

import libvirt

import vbtest
from vbevents import EventRecorder

MiB = vbtest.MiB
DEV = "/machine/peripheral/virtio-disk0/virtio-backend"


class BlockCommitBase(vbtest.DaemonTestCase):
    layers = 4

    def setUp(self):
        super().setUp()
        self.chain = vbtest.Chain(self.images, layers=self.layers, size_mib=64)
        self.expected = self.chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.define("vm", [("vda", self.chain.top)])
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def guest_write(self, pattern, offset, length):
        """Writes through the disk's own backend, as the guest would."""
        out = self.daemon.virsh(
            "qemu-monitor-command", "vm", "--hmp",
            'qemu-io -d %s "write -P 0x%02x %d %d"' % (DEV, pattern, offset, length)).stdout
        self.assertNotIn("error", out.lower())
        vbtest.Chain.write(self.expected, pattern, offset, length, fmt="raw")

    def disk_sources(self, inactive=False):
        args = ["domblklist", "vm"] + (["--inactive"] if inactive else [])
        out = self.daemon.virsh(*args).stdout
        return dict(line.split() for line in out.strip().splitlines())

    def xml(self, inactive=False):
        return self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE if inactive else 0)

    def stated(self, inactive=False):
        """vda's chain as the (live or persistent) XML states it."""
        return vbtest.disk_chain_stated(self.xml(inactive))

    def chain_in_xml(self):
        """(path, index) of vda's chain in the live XML, top first."""
        root = ET.fromstring(self.xml())
        disk = next(d for d in root.iter("disk") if d.find("target").get("dev") == "vda")
        chain = []
        node = disk
        while node is not None and node.find("source") is not None:
            src = node.find("source")
            chain.append((src.get("file"), src.get("index") or node.get("index")))
            node = node.find("backingStore")
        return chain

    def reconnect(self):
        """New client connections after a daemon restart."""
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def assert_base_holds_everything(self, base=None):
        base = base or self.chain.base
        self.assertTrue(vbtest.images_identical(base, self.expected),
                        "%s differs from the expected data" % base)
        vbtest.run(["qemu-img", "check", "-q", "-U", base])

    def wait_job_event(self, status, kind="block-job-2", disk="vda"):
        return self.events.wait(lambda e: e[0] == kind and e[2] == disk and e[4] == status)


class ActiveCommitTest(BlockCommitBase):
    def test_virsh_active_pivot_verbose(self):
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot",
                                 "--verbose", quiet=False)
        self.assertIn("Successfully pivoted", proc.stdout)
        self.assertIn("Block commit: [100 %]", proc.stderr)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.assertEqual(self.disk_sources(inactive=True), {"vda": self.chain.base})
        self.assertNotIn("<mirror", self.xml())
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        # as libvirtd 9.0: base has no backing, and both definitions say so
        empty = [self.chain.base, vbtest.EMPTY_BACKING]
        self.assertEqual(self.stated(), empty)
        self.assertEqual(self.stated(inactive=True), empty)
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.stated(inactive=True), empty)
        self.assert_base_holds_everything()
        # read back from the saved definition; the next start does not probe
        self.events.close()
        self.daemon.stop()
        self.daemon.start()
        self.reconnect()
        self.assertEqual(self.stated(inactive=True), empty)
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.stated(), empty)

    def test_snapshot_after_pivot(self):
        # a running snapshot puts the definition's base, with its empty
        # <backingStore/>, below the overlay, as libvirtd 9.0 does
        self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot")
        overlay = os.path.join(self.images, "after.qcow2")
        self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only", "--no-metadata",
                          "--diskspec", "vda,file=" + overlay)
        chain = [overlay, self.chain.base, vbtest.EMPTY_BACKING]
        self.assertEqual(self.stated(), chain)
        self.assertEqual(self.stated(inactive=True), chain)
        self.guest_write(0x2d, 8 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.stated(), chain)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(overlay, self.expected))

    def test_active_shallow_keeps_chain_unknown(self):
        # base (the image below top) has a backing of its own: libvirtd 9.0
        # names it in the definition with no <backingStore> at all
        snap2 = self.chain.paths[2]
        self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--shallow", "--pivot")
        self.assertEqual(self.stated(inactive=True), [snap2])
        self.assertEqual(self.stated(), [snap2] + self.chain.paths[1::-1] +
                         [vbtest.EMPTY_BACKING])

    def test_guest_writes_during_commit(self):
        events = self.events
        self.dom.blockCommit("vda", None, None, 4,
                             libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        self.guest_write(0x55, 60 * MiB, MiB)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
        self.assertIn("<mirror type='file' job='active-commit' ready='yes'>", self.xml())
        info = self.dom.blockJobInfo("vda", 0)
        self.assertEqual(info["type"], libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT)
        self.assertEqual(info["cur"], info["end"])
        # writes between READY and pivot are mirrored too
        self.guest_write(0x66, 44 * MiB, 2 * MiB)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        # synchronous pivot: definitions final and events queued on return
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        done = self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED)
        self.assertEqual(done[3], libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT)
        legacy = self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED, "block-job",
                                     self.chain.base)
        self.assertEqual(legacy[3], libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT)
        # order: READY before COMPLETED on both
        seq = [e[4] for e in events.of_kind("block-job-2", "vm")]
        self.assertEqual(seq, [libvirt.VIR_DOMAIN_BLOCK_JOB_READY,
                               libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED])
        # a write after the pivot lands in base
        self.guest_write(0x77, 12 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assert_base_holds_everything()

    def test_abort_keeps_overlay(self):
        self.dom.blockCommit("vda", None, None, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
        self.dom.blockJobAbort("vda", 0)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_CANCELED)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.top})
        self.assertNotIn("<mirror", self.xml())
        self.assertEqual(len(self.chain_in_xml()), 4)
        self.guest_write(0x58, 50 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))

    def test_virsh_keep_overlay(self):
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--keep-overlay",
                                 quiet=False)
        self.assertIn("Commit complete, overlay image kept", proc.stdout)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.top})

    def test_async_abort_and_pivot_before_ready(self):
        # 1 MiB/s keeps the job from reaching READY while we look at it
        self.dom.blockCommit("vda", None, None, 1, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_BLOCK_COPY_ACTIVE)
        self.assertIn("block copy still active: block job 'commit-vda-libvirt-1-format' "
                      "not ready for pivot yet", str(cm.exception))
        info = self.dom.blockJobInfo("vda", 0)
        self.assertLess(info["cur"], info["end"])
        self.assertEqual(info["bandwidth"], 1)
        self.assertIn("<mirror type='file' job='active-commit'>", self.xml())
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC)
        # a second abort while the first is ending
        try:
            self.dom.blockJobAbort("vda", 0)
        except libvirt.libvirtError as e:
            self.assertIn(e.get_error_code(), (libvirt.VIR_ERR_OPERATION_INVALID,
                                               libvirt.VIR_ERR_INVALID_ARG))
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_CANCELED)
        vbtest.wait_for(lambda: self.dom.blockJobInfo("vda", 0) == {}, 30, "job to go")
        self.assertEqual(self.disk_sources(), {"vda": self.chain.top})

    def test_set_speed_and_info_units(self):
        self.dom.blockCommit("vda", None, None, 1, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        info = self.dom.blockJobInfo("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES)
        self.assertEqual(info["bandwidth"], MiB)
        self.dom.blockJobSetSpeed("vda", 3 * MiB + 1,
                                  libvirt.VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES)
        self.assertEqual(self.dom.blockJobInfo("vda", 0)["bandwidth"], 4)  # MiB, rounded up
        out = self.daemon.virsh("blockjob", "vm", "vda", "--info").stdout
        self.assertIn("Bandwidth limit: 3145729 bytes/s", out)
        self.dom.blockJobSetSpeed("vda", 0, 0)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
        self.daemon.virsh("blockjob", "vm", "vda", "--pivot")
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})

    def test_delete_removes_exactly_the_committed_files(self):
        self.dom.blockCommit("vda", None, None, 0,
                             libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE |
                             libvirt.VIR_DOMAIN_BLOCK_COMMIT_DELETE)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        left = sorted(os.listdir(self.images))
        self.assertEqual(left, ["base.qcow2"])
        self.daemon.virsh("destroy", "vm")
        self.assert_base_holds_everything()


class IntermediateCommitTest(BlockCommitBase):
    def test_commit_middle_by_index(self):
        # chain indexes run top-down from 1, as libvirt numbers them
        chain = self.chain_in_xml()
        self.assertEqual([c[0] for c in chain], list(reversed(self.chain.paths)))
        idx = {path: int(i) for path, i in chain}
        snap2, snap1 = self.chain.paths[2], self.chain.paths[1]
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--top", "vda[%d]" % idx[snap2],
                                 "--base", "vda[%d]" % idx[snap1], "--wait", "--verbose",
                                 quiet=False)
        self.assertIn("Commit complete", proc.stdout)
        chain_after = self.chain_in_xml()
        self.assertEqual([c[0] for c in chain_after],
                         [self.chain.top, snap1, self.chain.base])
        # indexes of the images that stay do not change
        self.assertEqual({p: int(i) for p, i in chain_after},
                         {p: idx[p] for p in (self.chain.top, snap1, self.chain.base)})
        self.assertEqual(vbtest.backing_of(self.chain.top), snap1)
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        # as libvirtd 9.0: the live chain ends with <backingStore/>, the
        # persistent definition still names only the top
        self.assertEqual(self.stated(), [self.chain.top, snap1, self.chain.base,
                                         vbtest.EMPTY_BACKING])
        self.assertEqual(self.stated(inactive=True), [self.chain.top])
        self.guest_write(0x5a, 20 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))

    def test_shallow_and_events(self):
        snap2, snap1 = self.chain.paths[2], self.chain.paths[1]
        self.dom.blockCommit("vda", None, snap2, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_SHALLOW)
        ev = self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED)
        self.assertEqual(ev[3], libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED, "block-job",
                            self.chain.top)
        self.assertEqual(vbtest.backing_of(self.chain.top), snap1)
        self.assertEqual([c[0] for c in self.chain_in_xml()],
                         [self.chain.top, snap1, self.chain.base])

    def test_everything_below_top_into_base(self):
        snap2 = self.chain.paths[2]
        self.dom.blockCommit("vda", None, snap2, 0,
                             libvirt.VIR_DOMAIN_BLOCK_COMMIT_DELETE)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED)
        self.assertEqual(vbtest.backing_of(self.chain.top), self.chain.base)
        self.assertEqual(sorted(os.listdir(self.images)), ["base.qcow2", "top.qcow2"])
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))


class RelativeCommitTest(BlockCommitBase):
    def setUp(self):
        vbtest.DaemonTestCase.setUp(self)
        self.chain = vbtest.Chain(self.images, layers=4, size_mib=64, relative=True)
        self.expected = self.chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.define("vm", [("vda", self.chain.top)])
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def test_keep_relative(self):
        snap2 = self.chain.paths[2]
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", snap2, "--wait",
                          "--keep-relative")
        self.assertEqual(vbtest.backing_of(self.chain.top), "base.qcow2")
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))

    def test_absolute_without_flag(self):
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", self.chain.paths[2], "--wait")
        self.assertEqual(vbtest.backing_of(self.chain.top), self.chain.base)


class ErrorsTest(BlockCommitBase):
    """Each mistake gets libvirt's code and message, and changes nothing."""

    def assert_error(self, code, message, func, *args):
        before = (self.xml(), self.xml(inactive=True),
                  {p: os.stat(p).st_mtime_ns for p in self.chain.paths})
        with self.assertRaises(libvirt.libvirtError) as cm:
            func(*args)
        self.assertEqual(cm.exception.get_error_code(), code, str(cm.exception))
        self.assertEqual(str(cm.exception), message)
        after = (self.xml(), self.xml(inactive=True),
                 {p: os.stat(p).st_mtime_ns for p in self.chain.paths})
        self.assertEqual(before, after)
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})

    def test_checklist(self):
        d = self.dom
        snap1, snap2 = self.chain.paths[1], self.chain.paths[2]
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "unsupported flags (0x20) in function qemuDomainBlockCommit",
                          d.blockCommit, "vda", None, None, 0, 0x20)
        self.assert_error(libvirt.VIR_ERR_OVERFLOW,
                          "numerical overflow: bandwidth must be less than 8796093022207",
                          d.blockCommit, "vdz", None, None, 8796093022208, 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: disk 'vdz' not found in domain",
                          d.blockCommit, "vdz", None, None, 0, 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: commit of 'vda' active layer requires active flag",
                          d.blockCommit, "vda", None, None, 0, 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: active commit requested but '%s' is not active"
                          % snap2, d.blockCommit, "vda", None, snap2, 0,
                          libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: could not find image '/nope' in chain for 'vda'",
                          d.blockCommit, "vda", None, "/nope", 0, 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: could not find image '%s' beneath '%s' in chain "
                          "for 'vda'" % (snap2, snap1),
                          d.blockCommit, "vda", snap2, snap1, 0, 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: requested target 'vdb' does not match target 'vda'",
                          d.blockCommit, "vda", None, "vdb[2]", 0, 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: could not find backing store index '99' in chain "
                          "for 'vda'", d.blockCommit, "vda", None, "vda[99]", 0, 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: base '%s' is not immediately below '%s' in chain "
                          "for '%s'" % (self.chain.base, snap2, self.chain.top),
                          d.blockCommit, "vda", self.chain.base, snap2, 0,
                          libvirt.VIR_DOMAIN_BLOCK_COMMIT_SHALLOW)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: top '%s' in chain for '%s' has no backing file"
                          % (self.chain.base, self.chain.top),
                          d.blockCommit, "vda", None, self.chain.base, 0,
                          libvirt.VIR_DOMAIN_BLOCK_COMMIT_SHALLOW)
        self.assert_error(libvirt.VIR_ERR_OPERATION_INVALID,
                          "Requested operation is not valid: can't keep relative backing "
                          "relationship", d.blockCommit, "vda", None, snap2, 0,
                          libvirt.VIR_DOMAIN_BLOCK_COMMIT_RELATIVE)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: disk vda does not have an active block job",
                          d.blockJobAbort, "vda", 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "invalid argument: disk vda does not have an active block job",
                          d.blockJobSetSpeed, "vda", 1, 0)
        self.assert_error(libvirt.VIR_ERR_INVALID_ARG,
                          "unsupported flags (0x4) in function qemuDomainBlockJobAbort",
                          d.blockJobAbort, "vda", 4)

    def test_job_busy(self):
        self.dom.blockCommit("vda", None, None, 1, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.blockCommit("vda", None, self.chain.paths[2], 0, 0)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_BLOCK_COPY_ACTIVE)
        self.assertEqual(str(cm.exception),
                         "block copy still active: disk 'vda' already in active block job")
        self.dom.blockJobAbort("vda", 0)

    def test_not_running(self):
        # A shut-off domain has no job, which job info answers (libvirt
        # errors instead: virtblockd runs jobs on shut-off domains too, see
        # test_offline.py); aborting has nothing to act on.
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.blockJobAbort("vda", 0)
        self.assertEqual(str(cm.exception),
                         "Requested operation is not valid: domain is not running")

    def test_read_only_connection(self):
        ro = libvirt.openReadOnly(self.daemon.uri_ro)
        self.addCleanup(ro.close)
        dom = ro.lookupByName("vm")
        self.assertEqual(dom.blockJobInfo("vda", 0), {})
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.blockCommit("vda", None, None, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_DENIED)


class RestartTest(BlockCommitBase):
    def test_daemon_killed_while_ready(self):
        self.dom.blockCommit("vda", None, None, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
        self.events.close()
        self.daemon.kill9()
        self.daemon.start()
        self.reconnect()
        self.assertIn("ready='yes'", self.xml())
        info = self.dom.blockJobInfo("vda", 0)
        self.assertEqual(info["type"], libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT)
        self.guest_write(0x5b, 30 * MiB, MiB)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.assertEqual(self.disk_sources(inactive=True), {"vda": self.chain.base})
        self.assertEqual(self.stated(inactive=True), [self.chain.base, vbtest.EMPTY_BACKING])
        self.daemon.virsh("destroy", "vm")
        self.assert_base_holds_everything()

    def test_job_concluded_while_daemon_down(self):
        self.dom.blockCommit("vda", None, self.chain.paths[2], 1,
                             libvirt.VIR_DOMAIN_BLOCK_COMMIT_DELETE)
        self.events.close()
        self.daemon.kill9()
        statedir = os.path.join(self.daemon.root, "run", "qemu")
        self.assertTrue(any(f.endswith(".xml") for f in os.listdir(statedir)))
        self.daemon.start()
        self.reconnect()
        self.dom.blockJobSetSpeed("vda", 0, 0)
        self.wait_job_event(libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED)
        self.assertEqual(vbtest.backing_of(self.chain.top), self.chain.base)
        self.assertEqual(sorted(os.listdir(self.images)), ["base.qcow2", "top.qcow2"])


if __name__ == "__main__":
    vbtest.main()
