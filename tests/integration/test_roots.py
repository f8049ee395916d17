#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A root that another user can change is refused, and nothing planted in
one is followed.

--root used to accept an existing world-writable directory owned by
another user, and to load the definitions of a symlinked config/ planted
there.  Now the root and every directory under it must be the daemon
user's and writable by no one else, directories there must not be links,
and definition files are opened without following links.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import vbtest

NOBODY = 65534
TIMEOUT = 20

DOMAIN = """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
"""


class UnsafeRootTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to make directories of another user")
        self.tmp = tempfile.mkdtemp(prefix="vbit-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.root = os.path.join(self.tmp, "root")

    def start_fails(self, message):
        proc = subprocess.run([vbtest.DAEMON, "--root", self.root], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn(message, proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.root, "run", "virtblockd-sock")))
        return proc

    def plant_definition(self, directory, name):
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, name + ".xml"), "w") as fh:
            fh.write(DOMAIN % name)

    def test_world_writable_root_of_another_user(self):
        os.mkdir(self.root)
        os.chmod(self.root, 0o777)
        os.chown(self.root, NOBODY, NOBODY)
        self.plant_definition(os.path.join(self.root, "config"), "planted")
        self.start_fails("cannot use directory '%s': it is owned by uid %d, not by the "
                         "daemon's uid 0" % (self.root, NOBODY))
        self.assertFalse(os.path.exists(os.path.join(self.root, "run")))

    def test_world_writable_root(self):
        os.mkdir(self.root)
        os.chmod(self.root, 0o1777)
        self.start_fails("cannot use directory '%s': it is writable by other users (mode 1777)"
                         % self.root)

    def test_root_in_a_world_writable_directory(self):
        # another user may rename the root away and put their own in place
        parent = os.path.join(self.tmp, "open")
        os.mkdir(parent)
        os.chmod(parent, 0o777)
        self.root = os.path.join(parent, "root")
        self.start_fails("cannot use directory '%s': it is writable by other users (mode 0777) "
                         "without the sticky bit" % parent)
        self.assertFalse(os.path.exists(self.root))

    def test_group_writable_directory_below(self):
        os.makedirs(os.path.join(self.root, "log"))
        os.chmod(os.path.join(self.root, "log"), 0o770)
        self.start_fails("cannot use directory '%s/log': it is writable by other users "
                         "(mode 0770)" % self.root)

    def test_directory_below_of_another_user(self):
        os.makedirs(os.path.join(self.root, "run"))
        os.chown(os.path.join(self.root, "run"), NOBODY, NOBODY)
        self.start_fails("cannot use directory '%s/run': it is owned by uid %d" %
                         (self.root, NOBODY))

    def test_symlinked_config(self):
        elsewhere = os.path.join(self.tmp, "elsewhere")
        self.plant_definition(elsewhere, "planted")
        os.mkdir(self.root)
        os.symlink(elsewhere, os.path.join(self.root, "config"))
        self.start_fails("cannot use directory '%s/config': it is a symbolic link" % self.root)
        self.assertEqual(os.listdir(elsewhere), ["planted.xml"])


class PlantedFileTest(unittest.TestCase):
    def setUp(self):
        if not shutil.which("virsh"):
            self.skipTest("virsh is not installed")
        self.tmp = tempfile.mkdtemp(prefix="vbit-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.daemon = vbtest.Daemon(os.path.join(self.tmp, "root"))
        self.addCleanup(self.daemon.stop)

    def test_symlinked_definition(self):
        config = os.path.join(self.daemon.root, "config")
        elsewhere = os.path.join(self.tmp, "elsewhere")
        UnsafeRootTest.plant_definition(self, config, "daemon-real")
        UnsafeRootTest.plant_definition(self, elsewhere, "daemon-planted")
        os.symlink(os.path.join(elsewhere, "daemon-planted.xml"),
                   os.path.join(config, "daemon-planted.xml"))
        os.mkfifo(os.path.join(config, "daemon-fifo.xml"))
        self.daemon.start()
        names = self.daemon.virsh("list", "--all", "--name").stdout.split()
        self.assertEqual(names, ["daemon-real"])
        log = self.daemon.log()
        self.assertIn("cannot read '%s/daemon-planted.xml': it is a symbolic link" % config, log)
        self.assertIn("cannot read '%s/daemon-fifo.xml': it is not a regular file" % config, log)
        # the link and its target are left alone
        self.assertTrue(os.path.islink(os.path.join(config, "daemon-planted.xml")))
        self.assertEqual(os.listdir(elsewhere), ["daemon-planted.xml"])


if __name__ == "__main__":
    vbtest.main()
