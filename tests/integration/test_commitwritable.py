#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A commit whose images QEMU cannot write is refused before it starts.

QEMU 7.2 crashes (the guest with it) when a non-active commit cannot
reopen the overlay of top for writing at finalize: bdrv_drop_intermediate()
has moved the graph already and the job's abort then faults.  The daemon is
root, so an unwritable image is made with the immutable flag (or a
read-only bind mount).  Each test
checks that nothing changed and QEMU still runs, then clears the flag and
the same request works."""

import hashlib
import os
import subprocess

import vbtest

MiB = vbtest.MiB
DEV = "/machine/peripheral/virtio-disk0/virtio-backend"


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class CommitWritableBase(vbtest.DaemonTestCase):
    start = True
    layers = 4

    def setUp(self):
        super().setUp()
        probe = os.path.join(self.tmp, "probe")
        open(probe, "w").close()
        proc = subprocess.run(["chattr", "+i", probe], capture_output=True, text=True)
        if proc.returncode != 0:
            self.skipTest("no immutable flag on %s: %s" % (self.tmp, proc.stderr.strip()))
        vbtest.run(["chattr", "-i", probe])
        self.chain = vbtest.Chain(self.images, layers=self.layers, size_mib=32)
        self.expected = self.chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.define("vm", [("vda", self.chain.top)], start=self.start)

    def immutable(self, path):
        vbtest.run(["chattr", "+i", path])
        self.addCleanup(subprocess.run, ["chattr", "-i", path], capture_output=True)

    def mutable(self, path):
        vbtest.run(["chattr", "-i", path])

    def snapshot_files(self):
        return {name: digest(os.path.join(self.images, name))
                for name in sorted(os.listdir(self.images))}

    def assert_alive_and_writing(self):
        self.assertEqual(self.daemon.virsh("domstate", "vm").stdout.strip(), "running")
        out = self.daemon.virsh(
            "qemu-monitor-command", "vm", "--hmp",
            'qemu-io -d %s "write -P 0x5c %d %d"' % (DEV, 24 * MiB, MiB)).stdout
        self.assertNotIn("error", out.lower())
        self.assertNotIn("failed", out.lower())
        vbtest.Chain.write(self.expected, 0x5c, 24 * MiB, MiB, fmt="raw")

    def assert_refused(self, proc, path):
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("image '%s' cannot be opened for writing" % path, proc.stderr)
        self.assertIn("Operation not permitted", proc.stderr)


class BlockCommitWritableTest(CommitWritableBase):
    def commit_middle(self, check):
        snap1 = self.chain.paths[1]
        return self.daemon.virsh("blockcommit", "vm", "vda", "--top", snap1,
                                 "--base", self.chain.base, "--wait", check=check)

    def test_overlay_of_top_immutable(self):
        snap2 = self.chain.paths[2]
        self.immutable(snap2)
        before = self.snapshot_files()
        self.assert_refused(self.commit_middle(check=False), snap2)
        self.assertEqual(self.daemon.virsh("blockjob", "vm", "vda", "--info").stdout.strip(), "")
        self.assertEqual(self.snapshot_files(), before)
        self.assert_alive_and_writing()

        self.mutable(snap2)
        self.commit_middle(check=True)
        self.assertEqual(vbtest.backing_of(snap2), self.chain.base)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))

    def test_overlay_of_top_on_read_only_mount(self):
        snap2 = self.chain.paths[2]
        proc = subprocess.run(["mount", "--bind", snap2, snap2], capture_output=True, text=True)
        if proc.returncode != 0:
            self.skipTest("cannot bind-mount: %s" % proc.stderr.strip())
        self.addCleanup(subprocess.run, ["umount", snap2], capture_output=True)
        vbtest.run(["mount", "-o", "remount,bind,ro", snap2])
        before = self.snapshot_files()
        proc = self.commit_middle(check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("image '%s' cannot be opened for writing" % snap2, proc.stderr)
        self.assertIn("Read-only file system", proc.stderr)
        self.assertEqual(self.snapshot_files(), before)
        self.assert_alive_and_writing()

        vbtest.run(["umount", snap2])
        self.commit_middle(check=True)
        self.assertEqual(vbtest.backing_of(snap2), self.chain.base)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))

    def test_base_immutable(self):
        self.immutable(self.chain.base)
        before = self.snapshot_files()
        self.assert_refused(self.commit_middle(check=False), self.chain.base)
        self.assertEqual(self.snapshot_files(), before)
        self.assert_alive_and_writing()


class OfflineCommitWritableTest(CommitWritableBase):
    start = False

    def test_overlay_of_top_immutable(self):
        snap1, snap2 = self.chain.paths[1], self.chain.paths[2]
        self.immutable(snap2)
        before = self.snapshot_files()
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--top", snap1,
                                 "--base", self.chain.base, "--wait", check=False)
        self.assert_refused(proc, snap2)
        self.assertEqual(self.snapshot_files(), before)
        self.assertEqual(self.daemon.virsh("domstate", "vm").stdout.strip(), "shut off")

        self.mutable(snap2)
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", snap1,
                          "--base", self.chain.base, "--wait")
        self.assertEqual(vbtest.backing_of(snap2), self.chain.base)
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))


class SnapshotDeleteWritableTest(CommitWritableBase):
    layers = 2

    def make_four(self):
        for i, name in enumerate(("s1", "s2", "s3", "s4")):
            self.daemon.virsh("snapshot-create-as", "vm", name, "--disk-only")
            out = self.daemon.virsh(
                "qemu-monitor-command", "vm", "--hmp",
                'qemu-io -d %s "write -P 0x%02x %d %d"' % (DEV, 0x41 + i, (16 + i) * MiB,
                                                          MiB)).stdout
            self.assertNotIn("error", out.lower())
            vbtest.Chain.write(self.expected, 0x41 + i, (16 + i) * MiB, MiB, fmt="raw")

    def test_middle_snapshot(self):
        self.make_four()
        # deleting s2 commits the overlay s2 made into the one s1 made and
        # rewrites the backing link of the overlay s3 made (below the active
        # one s4 made, so QEMU reopens it for writing)
        above = os.path.join(self.images, "top.s3")
        self.immutable(above)
        before = self.snapshot_files()
        proc = self.daemon.virsh("snapshot-delete", "vm", "s2", check=False)
        self.assert_refused(proc, above)
        self.assertEqual(self.snapshot_files(), before)
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["s1", "s2", "s3", "s4"])
        self.assert_alive_and_writing()

        self.mutable(above)
        self.daemon.virsh("snapshot-delete", "vm", "s2")
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["s1", "s3", "s4"])
        self.assertEqual(vbtest.backing_of(above), os.path.join(self.images, "top.s1"))
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(os.path.join(self.images, "top.s4"),
                                                self.expected))

    def test_children_refused_by_the_dry_run(self):
        # s1 --children deletes s1, s2, s3, s4 in this order, each a commit
        # into the image s1 was taken of; the second one rewrites the
        # backing link of the overlay s3 made: refused before the first
        self.make_four()
        below = self.chain.top
        above = os.path.join(self.images, "top.s3")
        self.immutable(above)
        before = self.snapshot_files()
        proc = self.daemon.virsh("snapshot-delete", "vm", "s1", "--children", check=False)
        self.assert_refused(proc, above)
        self.assertEqual(self.snapshot_files(), before)
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["s1", "s2", "s3", "s4"])
        self.assert_alive_and_writing()

        self.mutable(above)
        self.daemon.virsh("snapshot-delete", "vm", "s1", "--children")
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(), [])
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(below, self.expected))


class OfflineSnapshotDeleteWritableTest(CommitWritableBase):
    start = False
    layers = 2

    def test_middle_snapshot(self):
        for name in ("s1", "s2", "s3", "s4"):
            self.daemon.virsh("snapshot-create-as", "vm", name, "--disk-only")
        above = os.path.join(self.images, "top.s3")
        self.immutable(above)
        before = self.snapshot_files()
        proc = self.daemon.virsh("snapshot-delete", "vm", "s2", check=False)
        self.assert_refused(proc, above)
        self.assertEqual(self.snapshot_files(), before)
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["s1", "s2", "s3", "s4"])

        self.mutable(above)
        self.daemon.virsh("snapshot-delete", "vm", "s2")
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["s1", "s3", "s4"])
        self.assertEqual(vbtest.backing_of(above), os.path.join(self.images, "top.s1"))
        self.assertTrue(vbtest.images_identical(os.path.join(self.images, "top.s4"),
                                                self.expected))


if __name__ == "__main__":
    vbtest.main()
