#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Block commit on a shut-off domain: a real job in a qemu-storage-daemon,
driven by the stock virsh and python3-libvirt exactly as for a running
domain, ending in the persistent definition."""

import os
import subprocess

import libvirt

import vbtest
from vbevents import EventRecorder

MiB = vbtest.MiB


class OfflineCommitTest(vbtest.DaemonTestCase):
    relative = False

    def setUp(self):
        super().setUp()
        self.chain = vbtest.Chain(self.images, layers=4, size_mib=64, relative=self.relative)
        self.expected = self.chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.define("vm", [("vda", self.chain.top)], start=False)
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def storage_daemons(self):
        out = subprocess.run(["pgrep", "-f", "-a", "qemu-storage-daemon"], capture_output=True,
                             text=True).stdout
        return [line for line in out.splitlines() if self.daemon.root in line]

    def source(self, inactive=True):
        args = ["domblklist", "vm"] + (["--inactive"] if inactive else [])
        return dict(l.split() for l in self.daemon.virsh(*args).stdout.strip().splitlines())

    def stated(self, inactive=True):
        """vda's chain as the (persistent or live) XML states it."""
        xml = self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE if inactive else 0)
        return vbtest.disk_chain_stated(xml)

    def test_active_pivot_with_virsh(self):
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot", "--verbose",
                                 quiet=False)
        self.assertIn("Successfully pivoted", proc.stdout)
        self.assertIn("Block commit: [100 %]", proc.stderr)
        self.assertEqual(self.source(), {"vda": self.chain.base})
        self.assertEqual(self.daemon.virsh("domstate", "vm").stdout.strip(), "shut off")
        self.assertEqual(self.storage_daemons(), [])
        self.assertTrue(vbtest.images_identical(self.chain.base, self.expected))
        vbtest.run(["qemu-img", "check", "-q", self.chain.base])
        # the definition as libvirtd 9.0 writes it after a running domain's
        # active commit: base, and an empty <backingStore/>
        empty = [self.chain.base, vbtest.EMPTY_BACKING]
        self.assertEqual(self.stated(), empty)
        # the domain starts on its new, one-layer chain
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.source(inactive=False), {"vda": self.chain.base})
        self.assertEqual(self.stated(inactive=False), empty)
        self.assertEqual(self.stated(), empty)

    def test_snapshot_after_active_commit(self):
        # the <backingStore/> of base must not stay with the overlay that
        # now sits on base: its next start would open it without backing
        self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot")
        self.assertEqual(self.stated(), [self.chain.base, vbtest.EMPTY_BACKING])
        overlay = os.path.join(self.images, "after.qcow2")
        self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only", "--no-metadata",
                          "--diskspec", "vda,file=" + overlay)
        # as libvirtd 9.0 for a shut-off domain: only the source replaced
        self.assertEqual(self.stated(), [overlay])
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.stated(inactive=False),
                         [overlay, self.chain.base, vbtest.EMPTY_BACKING])
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(overlay, self.expected))

    def test_events_and_info(self):
        self.dom.blockCommit("vda", None, None, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        ready = self.events.wait(lambda e: e[0] == "block-job-2" and
                                 e[4] == libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
        self.assertEqual(ready[3], libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT)
        info = self.dom.blockJobInfo("vda", 0)
        self.assertEqual(info["cur"], info["end"])
        self.assertIn("job='active-commit' ready='yes'", self.dom.XMLDesc(0))
        self.assertEqual(len(self.storage_daemons()), 1)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.events.wait(lambda e: e[0] == "block-job-2" and
                         e[4] == libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED)
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        self.assertEqual(self.source(), {"vda": self.chain.base})
        self.assertEqual(self.storage_daemons(), [])

    def test_start_and_undefine_refused_while_job_runs(self):
        self.dom.blockCommit("vda", None, None, 1, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        for cmd in (["start", "vm"], ["undefine", "vm"]):
            proc = self.daemon.virsh(*cmd, check=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("while block job 'commit-vda-libvirt-1-format' runs on its disk "
                          "'vda'", proc.stderr)
        out = self.daemon.virsh("blockjob", "vm", "vda", "--info", quiet=False)
        self.assertIn("Active Block Commit", out.stdout + out.stderr)
        self.dom.blockJobAbort("vda", 0)
        self.events.wait(lambda e: e[0] == "block-job-2" and
                         e[4] == libvirt.VIR_DOMAIN_BLOCK_JOB_CANCELED)
        self.assertEqual(self.source(), {"vda": self.chain.top})
        self.assertEqual(self.storage_daemons(), [])
        self.daemon.virsh("start", "vm")
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))

    def test_intermediate_with_delete(self):
        snap1, snap2 = self.chain.paths[1], self.chain.paths[2]
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--top", snap2, "--base", snap1,
                                 "--wait", "--delete", quiet=False)
        self.assertIn("Commit complete", proc.stdout)
        self.assertEqual(vbtest.backing_of(self.chain.top), snap1)
        self.assertFalse(os.path.exists(snap2))
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))
        self.assertEqual(self.storage_daemons(), [])

    def test_daemon_restart_finds_the_job(self):
        self.dom.blockCommit("vda", None, None, 1, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        self.events.close()
        sd = self.storage_daemons()
        self.assertEqual(len(sd), 1)
        self.daemon.kill9()
        self.daemon.start()
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")
        self.assertEqual(self.storage_daemons(), sd)
        info = self.dom.blockJobInfo("vda", 0)
        self.assertEqual(info["type"], libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT)
        self.dom.blockJobSetSpeed("vda", 0, 0)
        self.events.wait(lambda e: e[0] == "block-job-2" and
                         e[4] == libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.assertEqual(self.source(), {"vda": self.chain.base})
        self.assertEqual(self.storage_daemons(), [])
        self.assertTrue(vbtest.images_identical(self.chain.base, self.expected))


class OfflineRelativeTest(OfflineCommitTest):
    relative = True

    def test_keep_relative(self):
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", self.chain.paths[2], "--wait",
                          "--keep-relative")
        self.assertEqual(vbtest.backing_of(self.chain.top), "base.qcow2")
        # a non-active commit leaves a definition naming only the top as it is
        self.assertEqual(self.stated(), [self.chain.top])
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))



if __name__ == "__main__":
    vbtest.main()
