#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The read-only socket serves other users, and only read-only.

The run directory used to be made 0700, so no other user reached the
read-only socket (0666) in it.  As libvirt's, it is now 0755, with the
read-only socket 0666 and the read-write one 0600.  Another user's stock
virsh lists and dumps domains there, is refused the secure XML (the VNC
password) with libvirt's error, and cannot connect to the read-write
socket.
"""

import os
import shutil
import stat
import subprocess
import unittest

import vbtest

NOBODY = 65534


class ReadOnlySocketTest(vbtest.DaemonTestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run virsh as another user")
        if not shutil.which("setpriv"):
            self.skipTest("setpriv is not installed")
        super().setUp()
        # mkdtemp's directory is 0700: let others reach the root in it
        os.chmod(self.tmp, 0o755)
        self.home = os.path.join(self.tmp, "home")
        os.mkdir(self.home)
        os.chown(self.home, NOBODY, NOBODY)

    def virsh_as_nobody(self, uri, *args):
        env = dict(os.environ, HOME=self.home, XDG_CACHE_HOME=self.home,
                   XDG_CONFIG_HOME=self.home, XDG_RUNTIME_DIR=self.home)
        return subprocess.run(["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                               "--clear-groups", "virsh", "-q", "-c", uri] + list(args),
                              capture_output=True, text=True, env=env, timeout=60)

    def test_modes(self):
        run = os.path.join(self.daemon.root, "run")
        self.assertEqual(stat.S_IMODE(os.stat(self.daemon.root).st_mode), 0o755)
        self.assertEqual(stat.S_IMODE(os.stat(run).st_mode), 0o755)
        self.assertEqual(stat.S_IMODE(os.stat(self.daemon.sock_ro).st_mode), 0o666)
        self.assertEqual(stat.S_IMODE(os.stat(self.daemon.sock).st_mode), 0o600)
        for sub in ("config", "log", "cache", "run/qemu", "run/storage"):
            mode = stat.S_IMODE(os.stat(os.path.join(self.daemon.root, sub)).st_mode)
            self.assertEqual(mode, 0o700, sub)

    def test_other_user(self):
        xmlpath = os.path.join(self.tmp, "d.xml")
        with open(xmlpath, "w") as fh:
            fh.write(vbtest.domain_xml("daemon-ro", [], extra_devices=
                                       "<graphics type='vnc' passwd='sesame'/>"))
        self.daemon.virsh("define", xmlpath)

        proc = self.virsh_as_nobody(self.daemon.uri_ro, "list", "--all", "--name")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.split(), ["daemon-ro"])
        proc = self.virsh_as_nobody(self.daemon.uri_ro, "dumpxml", "daemon-ro")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("<name>daemon-ro</name>", proc.stdout)
        self.assertNotIn("sesame", proc.stdout)

        # libvirt's check and words, for both flags it guards
        for flag in ("--security-info", "--migratable"):
            proc = self.virsh_as_nobody(self.daemon.uri_ro, "dumpxml", flag, "daemon-ro")
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("operation forbidden: virDomainGetXMLDesc with secure flag",
                          proc.stderr)
            self.assertNotIn("sesame", proc.stdout)

        # nothing changes through it
        proc = self.virsh_as_nobody(self.daemon.uri_ro, "undefine", "daemon-ro")
        self.assertIn("operation forbidden: read only access prevents virDomainUndefine",
                      proc.stderr)

        proc = self.virsh_as_nobody(self.daemon.uri, "list", "--all")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Permission denied", proc.stderr)
        self.assertIn("daemon-ro", self.daemon.virsh("list", "--all", "--name").stdout)


if __name__ == "__main__":
    vbtest.main()
