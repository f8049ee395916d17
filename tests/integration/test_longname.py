#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A 200-character domain name (libvirt 9.0 sets no limit of its own; its
files must fit in a file name) defines, starts with a unix channel and a
VNC socket, snapshots running and shut off, and commits shut off in a
qemu-storage-daemon: no unix socket path is built from the name, so none
exceeds the 108 bytes of sun_path.  Every socket is gone afterwards."""

import os

import vbtest

NAME = "long-" + "n" * 195

DEVICES = """
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <graphics type='vnc'>
      <listen type='socket'/>
    </graphics>"""


class LongNameTest(vbtest.DaemonTestCase):

    def sockets(self):
        found = []
        for top, _, files in os.walk(self.daemon.root):
            found += [os.path.join(top, f) for f in files
                      if os.path.exists(os.path.join(top, f)) and
                      (os.stat(os.path.join(top, f)).st_mode & 0o170000) == 0o140000]
        return [s for s in found if not s.endswith("-sock") and "virtblockd-sock" not in s]

    def test_long_name(self):
        self.assertEqual(len(NAME), 200)
        chain = vbtest.Chain(self.images, layers=3, size_mib=64)
        expected = chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.define(NAME, [("vda", chain.top)], start=True, extra_devices=DEVICES)
        self.assertEqual(self.daemon.virsh("domstate", NAME).stdout.strip(), "running")
        s1 = os.path.join(self.images, "s1.qcow2")
        self.daemon.virsh("snapshot-create-as", NAME, "s1", "--disk-only", "--atomic",
                          "--no-metadata", "--diskspec", "vda,file=" + s1)
        self.daemon.virsh("destroy", NAME)
        s2 = os.path.join(self.images, "s2.qcow2")
        self.daemon.virsh("snapshot-create-as", NAME, "s2", "--disk-only", "--atomic",
                          "--no-metadata", "--diskspec", "vda,file=" + s2)
        self.assertEqual(vbtest.backing_of(s2), s1)
        # offline commit of everything into base, in a qemu-storage-daemon
        proc = self.daemon.virsh("blockcommit", NAME, "vda", "--active", "--pivot",
                                 "--delete", quiet=False)
        self.assertIn("Successfully pivoted", proc.stdout)
        out = self.daemon.virsh("domblklist", NAME, "--inactive").stdout.split()
        self.assertEqual(out[-1], chain.base)
        self.assertTrue(vbtest.images_identical(chain.base, expected))
        self.daemon.virsh("start", NAME)
        self.daemon.virsh("destroy", NAME)
        self.assertEqual(self.sockets(), [])
        self.daemon.virsh("undefine", NAME)


if __name__ == "__main__":
    vbtest.main()
