#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Persistent dirty bitmaps across block commit: every block written in a
layer that leaves the chain must be dirty in base afterwards, base's own
history is kept, a bitmap only in top is created in base with top's
granularity, and a broken bitmap chain (a disabled copy) is not carried.
(Bitmaps on snapshot creation are out of scope here.)

How the bitmaps are read: base is exported read-only by qemu-nbd with its
bitmap (-B b0), and `qemu-img map --output=json` reads the export with
x-dirty-bitmap=qemu:dirty-bitmap:b0.  QEMU 7.2's NBD client then reports
the bitmap's context instead of allocation, and a DIRTY bit comes back as
the hole bit: dirty ranges show as "data": false (and "present": false),
clean ranges as "data": true.  Checked by hand before relying on it:
writing one 64 KiB cluster after `qemu-img bitmap --add` gives exactly one
{"start": X, "length": 65536, "data": false} entry.
"""

import json
import os
import subprocess

import libvirt

import vbtest
from test_blockcommit import BlockCommitBase
from vbevents import EventRecorder

MiB = vbtest.MiB
KiB = 1024
ACTIVE = libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE
READY = libvirt.VIR_DOMAIN_BLOCK_JOB_READY
COMPLETED = libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED
TMP_BITMAP = "libvirt-tmp-activewrite"

# Writes made in each layer AFTER its bitmap was added (layer index 0 =
# base): (pattern, offset, length).  Distinct per layer, some unaligned to
# the bitmap granularity.
LAYER_WRITES = {
    0: [(0x0a, 5 * MiB, 64 * KiB), (0x0b, 38 * MiB + 4 * KiB, 4 * KiB)],
    1: [(0x1a, 13 * MiB, 192 * KiB), (0x1b, 40 * MiB + 70000, 4 * KiB)],
    2: [(0x2a, 21 * MiB + 64 * KiB, 64 * KiB), (0x2b, 42 * MiB + 1000, 130 * KiB)],
    3: [(0x3a, 29 * MiB, 1 * MiB), (0x3b, 44 * MiB + 130000, 12 * KiB)],
}

# History without data: ranges marked dirty in a layer's b0 while no image
# of the chain holds data there (as after a write later discarded).  A
# commit copies nothing there, so only merging the bitmaps can make these
# dirty in base: they are what tells a real merge from the side effect of
# the commit's own writes into base.
HISTORY_ONLY = {
    0: (58 * MiB, 64 * KiB),
    1: (59 * MiB, 128 * KiB),
    2: (60 * MiB + 64 * KiB, 64 * KiB),
    3: (61 * MiB, 64 * KiB),
}


def clusters(extents, gran):
    """The set of granule indexes touched by (offset, length) extents."""
    out = set()
    for off, length in extents:
        out.update(range(off // gran, (off + length - 1) // gran + 1))
    return out


def bitmaps_of(path):
    """{name: info} of the persistent bitmaps in @path's qcow2 header."""
    info = json.loads(vbtest.run(["qemu-img", "info", "-U", "--output=json", path]).stdout)
    data = info.get("format-specific", {}).get("data", {})
    return {b["name"]: b for b in data.get("bitmaps", [])}


def dirty_extents(path, bitmap, workdir):
    """(offset, length) of the dirty ranges of @bitmap in @path, read over
    NBD (see the module comment for how map reports them)."""
    sock = os.path.join(workdir, "nbd-%s.sock" % bitmap)
    proc = subprocess.Popen(["qemu-nbd", "-r", "-f", "qcow2", "-B", bitmap, "-k", sock, "-t",
                             path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def ready():
            if proc.poll() is not None:
                raise AssertionError("qemu-nbd exited: %s" % proc.stdout.read())
            return os.path.exists(sock)
        vbtest.wait_for(ready, 30, "qemu-nbd to listen")
        opts = ("driver=nbd,export=,server.type=unix,server.path=%s,"
                "x-dirty-bitmap=qemu:dirty-bitmap:%s" % (sock, bitmap))
        extents = json.loads(vbtest.run(["qemu-img", "map", "--output=json", "--image-opts",
                                         opts]).stdout)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        if os.path.exists(sock):
            os.unlink(sock)
    return [(e["start"], e["length"]) for e in extents if not e["data"]]


class BitmapBase(BlockCommitBase):
    # layer index -> (granularity, disabled) for the layers that get 'b0'
    layout = {0: (64 * KiB, False), 1: (64 * KiB, False), 2: (64 * KiB, False),
              3: (64 * KiB, False)}

    def setUp(self):
        vbtest.DaemonTestCase.setUp(self)
        self.chain = vbtest.Chain(self.images, layers=4, size_mib=64)
        self.written = {i: [] for i in range(4)}
        for i, (gran, disabled) in self.layout.items():
            path = self.chain.paths[i]
            vbtest.run(["qemu-img", "bitmap", "--add", "-g", str(gran), path, "b0"])
            for pattern, off, length in LAYER_WRITES[i]:
                # qemu-io marks the image's recording bitmaps dirty
                vbtest.Chain.write(path, pattern, off, length)
                self.written[i].append((off, length))
            self.mark_dirty(path, gran, *HISTORY_ONLY[i])
            self.written[i].append(HISTORY_ONLY[i])
            if disabled:
                vbtest.run(["qemu-img", "bitmap", "--disable", path, "b0"])
        # writes in layers without a bitmap, to show they are not counted
        for i in set(range(4)) - set(self.layout):
            for pattern, off, length in LAYER_WRITES[i]:
                vbtest.Chain.write(self.chain.paths[i], pattern, off, length)
        for i, (gran, disabled) in self.layout.items():
            b = bitmaps_of(self.chain.paths[i])["b0"]
            self.assertEqual(b["granularity"], gran)
            self.assertEqual("auto" in b["flags"], not disabled)
            self.assertEqual(clusters(dirty_extents(self.chain.paths[i], "b0", self.tmp), gran),
                             clusters(self.written[i], gran), "setup of layer %d" % i)
        self.guest = []
        self.expected = self.chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.define("vm", [("vda", self.chain.top)])
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def mark_dirty(self, path, gran, offset, length):
        """Marks [offset, offset + length) dirty in @path's b0 without
        writing data to @path: the range is written in a scratch image's
        bitmap, which is then merged into b0."""
        scratch = os.path.join(self.tmp, "scratch.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", scratch, "64M"])
        vbtest.run(["qemu-img", "bitmap", "--add", "-g", str(gran), scratch, "x"])
        vbtest.Chain.write(scratch, 0x99, offset, length)
        vbtest.run(["qemu-img", "bitmap", "--merge", "x", "-b", scratch, "-F", "qcow2",
                    path, "b0"])
        os.unlink(scratch)

    def guest_write(self, pattern, offset, length):
        super().guest_write(pattern, offset, length)
        self.guest.append((offset, length))

    def active_commit_with_guest_writes(self):
        """Active commit into base with a guest write before READY (the job
        throttled until then), one between READY and pivot, one after."""
        self.dom.blockCommit("vda", None, None, 1, ACTIVE)
        info = self.dom.blockJobInfo("vda", 0)
        self.assertLess(info["cur"], info["end"])
        self.guest_write(0x4a, 45 * MiB, 128 * KiB)
        self.dom.blockJobSetSpeed("vda", 0, 0)
        self.wait_job_event(READY)
        self.guest_write(0x4b, 50 * MiB + 4 * KiB, 4 * KiB)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.wait_job_event(COMPLETED)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.guest_write(0x4c, 55 * MiB, 64 * KiB)
        self.daemon.virsh("destroy", "vm")
        self.assert_base_holds_everything()

    def assert_bitmap(self, path, gran):
        """b0 in @path is persistent, recording, consistent, of @gran; no
        temporary bitmap is left.  Returns its dirty granules."""
        bitmaps = bitmaps_of(path)
        self.assertNotIn(TMP_BITMAP, bitmaps)
        self.assertIn("b0", bitmaps, "b0 missing in %s" % path)
        b = bitmaps["b0"]
        self.assertEqual(b["granularity"], gran)
        self.assertIn("auto", b["flags"], "b0 in %s not recording" % path)
        self.assertNotIn("in-use", b["flags"], "b0 in %s left inconsistent" % path)
        vbtest.run(["qemu-img", "check", "-q", "-U", path])
        return clusters(dirty_extents(path, "b0", self.tmp), gran)


class AllLayersTest(BitmapBase):
    def test_active_commit_pivot(self):
        # After: base's b0 is dirty for every range written in top, snap2 and
        # snap1 after their b0 was added, for its own history, and for every
        # guest write (before READY, after READY, after pivot).
        self.active_commit_with_guest_writes()
        dirty = self.assert_bitmap(self.chain.base, 64 * KiB)
        for i in range(4):
            missing = clusters(self.written[i], 64 * KiB) - dirty
            self.assertEqual(missing, set(), "layer %d's writes not dirty in base" % i)
        self.assertEqual(clusters(self.guest, 64 * KiB) - dirty, set())

    def test_commit_snap2_into_snap1(self):
        # After: snap1's b0 holds snap2's history and its own; top's and
        # base's bitmaps are untouched; top backs onto snap1.
        snap1, snap2 = self.chain.paths[1], self.chain.paths[2]
        # setUp checked these are the layers' dirty granules before the start
        top_before = clusters(self.written[3], 64 * KiB)
        base_before = clusters(self.written[0], 64 * KiB)
        self.dom.blockCommit("vda", snap1, snap2, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_SHALLOW)
        self.wait_job_event(COMPLETED)
        self.assertEqual(vbtest.backing_of(self.chain.top), snap1)
        self.daemon.virsh("destroy", "vm")
        dirty = self.assert_bitmap(snap1, 64 * KiB)
        for i in (1, 2):
            self.assertEqual(clusters(self.written[i], 64 * KiB) - dirty, set(),
                             "layer %d's writes not dirty in snap1" % i)
        self.assertEqual(self.assert_bitmap(self.chain.top, 64 * KiB), top_before)
        self.assertEqual(self.assert_bitmap(self.chain.base, 64 * KiB), base_before)
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))


class TopOnlyTest(BitmapBase):
    # top has b0 with a granularity of its own; no other layer has a bitmap
    layout = {3: (128 * KiB, False)}

    def test_active_commit_creates_bitmap_in_base(self):
        # After: base has a new recording b0 with top's granularity (128k),
        # dirty for exactly what top's b0 recorded plus the guest writes:
        # the commit's own copying into base is not history.
        self.assertEqual(bitmaps_of(self.chain.base), {})
        self.active_commit_with_guest_writes()
        dirty = self.assert_bitmap(self.chain.base, 128 * KiB)
        self.assertEqual(dirty, clusters(self.written[3] + self.guest, 128 * KiB))


class IntermediateOnlyTest(BitmapBase):
    # snap2 and top have b0; snap1 (the commit's base) has none
    layout = {2: (128 * KiB, False), 3: (64 * KiB, False)}

    def test_commit_creates_bitmap_in_snap1(self):
        # After: snap1 gains b0 with snap2's granularity, dirty for exactly
        # snap2's history; top keeps its own b0 unchanged.
        snap1, snap2 = self.chain.paths[1], self.chain.paths[2]
        self.assertEqual(bitmaps_of(snap1), {})
        self.dom.blockCommit("vda", snap1, snap2, 0, 0)
        self.wait_job_event(COMPLETED)
        self.daemon.virsh("destroy", "vm")
        dirty = self.assert_bitmap(snap1, 128 * KiB)
        self.assertEqual(dirty, clusters(self.written[2], 128 * KiB))
        self.assertEqual(self.assert_bitmap(self.chain.top, 64 * KiB),
                         clusters(self.written[3], 64 * KiB))
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))


class DisabledLayerTest(BitmapBase):
    # b0 in top and snap1, disabled in snap2: the chain is broken
    layout = {1: (64 * KiB, False), 2: (64 * KiB, True), 3: (64 * KiB, False)}

    def test_broken_chain_not_carried(self):
        # After: base (which had no bitmap) still has none, and no temporary
        # bitmap was left behind; the data is all there.
        self.assertEqual(bitmaps_of(self.chain.base), {})
        self.active_commit_with_guest_writes()
        self.assertEqual(bitmaps_of(self.chain.base), {})


if __name__ == "__main__":
    vbtest.main()
