#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian 12's virt-install (virtinst 4.1) creates and starts guests on
virtblockd, unchanged, as a user runs it against libvirtd.

virt-install asks the host description (capabilities, domain capabilities),
learns a disk's format through the storage API (it looks the path up as a
volume and, when the file is in no pool, defines, starts and autostarts a
`dir` pool for its directory), writes the definition for the OS it is
told (`--osinfo debian11`: q35, 14 pcie-root-ports, a USB controller, the
guest agent's channel, a virtio balloon and rng, ...), starts it as a
transient domain and then defines it while it runs.  Each test runs the
real virt-install and boots the small test guest (tests/guest/make-guest.sh)
by direct kernel boot from what virt-install wrote; the guest's serial
console is a file the test reads.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import unittest
import xml.etree.ElementTree as ET

import libvirt

import vbguest
import vbtest

VIRT_INSTALL = shutil.which("virt-install")
BOOT_TIMEOUT = 240
INSTALL_TIMEOUT = 300


class VirtInstallTest(vbtest.DaemonTestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU or not VIRT_INSTALL:
            return
        cls.guest = vbguest.build()

    def setUp(self):
        if not VIRT_INSTALL:
            self.skipTest("virt-install is not installed (apt-get install virtinst)")
        super().setUp()
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.vilog = os.path.join(self.tmp, "virt-install.log")
        self.extra_logs.append(self.vilog)

    def virt_install(self, name, disk, *extra, mode="idle"):
        """Runs virt-install as a user would for the test guest and returns
        its result; its --debug output goes to self.vilog."""
        kargs = vbguest.cmdline(mode)
        cmd = [VIRT_INSTALL, "--connect", self.daemon.uri, "--debug",
               "--name", name, "--memory", "256", "--vcpus", "1",
               "--import", "--disk", disk, "--osinfo", "debian11",
               "--virt-type", "qemu", "--network", "none",
               "--boot", "kernel=%s,initrd=%s,kernel_args=%s" %
               (self.guest.kernel, self.guest.initrd, kargs),
               "--serial", "file,path=%s" % self.log,
               "--noautoconsole"] + list(extra)
        # virt-install keeps a log under $HOME: give it the test's own
        env = dict(os.environ, HOME=self.tmp, XDG_CACHE_HOME=os.path.join(self.tmp, "cache"),
                   XDG_CONFIG_HOME=os.path.join(self.tmp, "config"))
        with open(self.vilog, "a") as out:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=env,
                                  timeout=INSTALL_TIMEOUT)
        if proc.returncode != 0:
            self.fail("virt-install failed (%d):\n%s" %
                      (proc.returncode, vbtest.read_tail(self.vilog, 6000)))
        return proc

    def wait_ready(self, name):
        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(conn.close)
        dom = conn.lookupByName(name)
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            text = vbguest.read_log(self.log)
            m = vbguest.READY_RE.search(text)
            if m:
                return m
            if not dom.isActive():
                self.fail("%s stopped before its banner:\n%s" % (name, text[-4000:]))
            if time.monotonic() > deadline:
                self.fail("no banner after %d s:\n%s" % (BOOT_TIMEOUT, text[-4000:]))
            time.sleep(0.1)

    def image(self, name, fmt="qcow2", size="64M"):
        path = os.path.join(self.images, name)
        vbtest.run(["qemu-img", "create", "-q", "-f", fmt, path, size])
        return path

    def check_domain(self, name, path, fmt):
        """The domain is running and persistent, with the disk in @fmt;
        returns the live definition's root element."""
        self.assertEqual(self.daemon.virsh("domstate", name, "--reason").stdout.strip(),
                         "running (booted)")
        info = self.daemon.virsh("dominfo", name).stdout
        self.assertRegex(info, r"Persistent:\s+yes")
        live = None
        for xml in (self.daemon.virsh("dumpxml", name).stdout,
                    self.daemon.virsh("dumpxml", name, "--inactive").stdout):
            root = ET.fromstring(xml)
            live = live if live is not None else root
            disk = root.find("./devices/disk[@device='disk']")
            self.assertEqual(disk.find("source").get("file"), path)
            self.assertEqual(disk.find("driver").get("type"), fmt)
            self.assertEqual(disk.find("target").get("bus"), "virtio")
            # what virt-install writes for debian11, kept as written
            self.assertIsNotNone(root.find("./devices/channel/target[@name='org.qemu.guest_agent.0']"))
            self.assertIsNotNone(root.find("./devices/rng[@model='virtio']"))
            self.assertIsNotNone(root.find("./devices/memballoon[@model='virtio']"))
            self.assertTrue(root.find("./os/type").get("machine").startswith("pc-q35-"))
            # the CPU QEMU runs, written out as libvirt does for a
            # definition without <cpu>
            cpu = root.find("./cpu")
            self.assertEqual((cpu.get("mode"), cpu.get("match"), cpu.find("model").text,
                              cpu.find("model").get("fallback")),
                             ("custom", "exact", "qemu64", "forbid"))
        return live

    def test_import_format_from_pool(self):
        # --disk PATH alone: virt-install learns qcow2 from the pool it makes
        path = self.image("vi1.qcow2")
        self.virt_install("vi1", path)
        self.wait_ready("vi1")
        self.check_domain("vi1", path, "qcow2")
        pools = self.daemon.virsh("pool-list", "--all", "--details").stdout
        self.assertRegex(pools, r"\bimages\s+running\s+yes\b")
        vols = self.daemon.virsh("vol-list", "images").stdout
        self.assertIn(path, vols)
        # the guest's disk is the image, and a raw file in the same pool is raw
        raw = self.image("data.raw", "raw", "1M")
        self.daemon.virsh("pool-refresh", "images")
        volxml = self.daemon.virsh("vol-dumpxml", raw).stdout
        self.assertEqual(ET.fromstring(volxml).find("./target/format").get("type"), "raw")

    def test_import_format_given_vnc(self):
        # --disk PATH,format=qcow2 and a VNC display with a tablet and video
        path = self.image("vi2.qcow2")
        self.virt_install("vi2", path + ",format=qcow2", "--graphics", "vnc")
        self.wait_ready("vi2")
        root = self.check_domain("vi2", path, "qcow2")
        graphics = root.find("./devices/graphics[@type='vnc']")
        self.assertIsNotNone(graphics)
        port = int(graphics.get("port"))
        self.assertGreaterEqual(port, 5900)
        display = self.daemon.virsh("domdisplay", "vi2").stdout.strip()
        self.assertTrue(display.startswith("vnc://"), display)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            self.assertEqual(s.recv(12)[:4], b"RFB ")

    def test_raw_disk_without_format(self):
        # a raw image is raw, not probed: libvirt's rule, and the pool's answer
        path = self.image("vi3.img", "raw", "16M")
        self.virt_install("vi3", path)
        self.wait_ready("vi3")
        self.check_domain("vi3", path, "raw")


if __name__ == "__main__":
    vbtest.main()
