#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""blockcommit --delete keeps an image another domain still reaches.

Domain A's chain is a-base <- shared <- a-top; domain B is shut off and its
definition names only b-top, whose backing file is shared (the rest of its
chain is probed from the headers when B starts).  A commits through shared
with --delete: shared must stay (a warning in the log), whatever name B's
header uses for it (the same path, a symlink, a hard link, a ".."), and B
must start afterwards and still see its data.
"""

import os

import vbtest

MiB = vbtest.MiB


def qcow2(path, backing=None, pattern=None, offset=0):
    cmd = ["qemu-img", "create", "-q", "-f", "qcow2"]
    if backing:
        cmd += ["-b", backing, "-F", "qcow2"]
    vbtest.run(cmd + [path, "64M"])
    if pattern is not None:
        vbtest.Chain.write(path, pattern, offset, 8 * MiB)


class DeleteInUseTest(vbtest.DaemonTestCase):

    def setUp(self):
        super().setUp()
        self.a_base, self.shared = self.image("a-base.qcow2"), self.image("shared.qcow2")
        self.a_top, self.b_top = self.image("a-top.qcow2"), self.image("b-top.qcow2")

    def image(self, name):
        return os.path.join(self.images, name)

    def setup_images(self, b_backing, b_mid=None):
        """@b_backing: how b-top's header names shared.qcow2; with @b_mid,
        b-top's backing file is @b_mid, whose backing file is shared."""
        qcow2(self.a_base, pattern=0x11, offset=16 * MiB)
        qcow2(self.shared, self.a_base, pattern=0x22, offset=8 * MiB)
        if b_mid:
            qcow2(b_mid, b_backing, pattern=0x55, offset=32 * MiB)
            b_backing = b_mid
        # a-top and b-top cover the same range, so committing a-top into
        # a-base leaves B's view unchanged
        qcow2(self.a_top, self.shared, pattern=0x33, offset=0)
        qcow2(self.b_top, b_backing, pattern=0x44, offset=0)
        self.expected_a = os.path.join(self.tmp, "a.raw")
        self.expected_b = os.path.join(self.tmp, "b.raw")
        vbtest.run(["qemu-img", "convert", "-O", "raw", self.a_top, self.expected_a])
        vbtest.run(["qemu-img", "convert", "-O", "raw", self.b_top, self.expected_b])
        self.define("b", [("vda", self.b_top)], start=False)

    def check_b(self):
        self.assertTrue(os.path.exists(self.shared))
        self.assertIn("not deleting '%s': another disk still uses it" % self.shared,
                      self.daemon.log())
        vbtest.run(["qemu-img", "check", "-q", self.b_top])
        self.assertTrue(vbtest.images_identical(self.b_top, self.expected_b))
        self.daemon.virsh("start", "b")
        self.daemon.virsh("destroy", "b")
        self.assertTrue(vbtest.images_identical(self.b_top, self.expected_b))

    def stop_a(self):
        if self.daemon.virsh("domstate", "a").stdout.strip() == "running":
            self.daemon.virsh("destroy", "a")

    def commit_intermediate(self):
        self.daemon.virsh("blockcommit", "a", "vda", "--top", self.shared, "--base", self.a_base,
                          "--wait", "--delete")
        self.assertEqual(vbtest.backing_of(self.a_top), self.a_base)
        self.stop_a()
        self.assertTrue(vbtest.images_identical(self.a_top, self.expected_a))

    def commit_active(self):
        self.daemon.virsh("blockcommit", "a", "vda", "--base", self.a_base, "--active",
                          "--pivot", "--delete")
        # the image no one else uses is deleted
        self.assertFalse(os.path.exists(self.a_top))
        self.stop_a()
        self.assertTrue(vbtest.images_identical(self.a_base, self.expected_a))

    def test_same_path_offline_intermediate(self):
        self.setup_images(self.shared)
        self.define("a", [("vda", self.a_top)], start=False)
        self.commit_intermediate()
        self.check_b()

    def test_symlink_running_active(self):
        link = self.image("link.qcow2")
        os.symlink("shared.qcow2", link)
        self.setup_images(link)
        self.define("a", [("vda", self.a_top)], start=True)
        self.commit_active()
        self.check_b()

    def test_hard_link_offline_active(self):
        hard = self.image("hard.qcow2")
        self.setup_images(self.shared)
        os.link(self.shared, hard)
        vbtest.run(["qemu-img", "rebase", "-u", "-F", "qcow2", "-b", hard, self.b_top])
        self.define("a", [("vda", self.a_top)], start=False)
        self.commit_active()
        self.check_b()

    def test_dotdot_running_intermediate(self):
        os.mkdir(self.image("sub"))
        self.setup_images(os.path.join(self.images, "sub", "..", "shared.qcow2"))
        self.define("a", [("vda", self.a_top)], start=True)
        self.commit_intermediate()
        self.check_b()

    def test_unreadable_chain_offline_active(self):
        """B's chain runs through b-mid, which is away for now (a share not
        mounted yet): whether B reaches shared is not known, so nothing is
        deleted; once b-mid is back, B starts and sees its data."""
        b_mid = self.image("b-mid.qcow2")
        away = os.path.join(self.tmp, "b-mid.away")
        self.setup_images(self.shared, b_mid)
        os.rename(b_mid, away)
        self.define("a", [("vda", self.a_top)], start=False)
        self.daemon.virsh("blockcommit", "a", "vda", "--base", self.a_base, "--active",
                          "--pivot", "--delete")
        self.assertIn("not deleting '%s': the backing chain of a disk cannot be read to its end"
                      % self.shared, self.daemon.log())
        self.assertTrue(os.path.exists(self.a_top))
        self.assertTrue(vbtest.images_identical(self.a_base, self.expected_a))
        os.rename(away, b_mid)
        vbtest.run(["qemu-img", "check", "-q", self.b_top])
        self.assertTrue(vbtest.images_identical(self.b_top, self.expected_b))
        self.daemon.virsh("start", "b")
        self.daemon.virsh("destroy", "b")

    def test_missing_raw_cdrom_blocks_nothing(self):
        """A domain whose raw CD-ROM image is gone from its path: a raw
        image has no backing file, so the other files are still judged
        one by one (a-top, used by no one, is deleted)."""
        cdrom = """
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>""" % self.image("gone.iso")
        self.define("c", [], start=False, extra_devices=cdrom)
        self.setup_images(self.shared)
        self.define("a", [("vda", self.a_top)], start=False)
        self.commit_active()
        self.check_b()


if __name__ == "__main__":
    vbtest.main()
