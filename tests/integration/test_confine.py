#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""QEMU confinement (issue 15): with ROOT/qemu.conf naming an unprivileged
user, QEMU, qemu-storage-daemon and the capability probe run as that user,
with no capabilities, NoNewPrivs and (QEMU) its seccomp sandbox; the
sockets of a domain are in a directory only the daemon and that user can
enter; a backing file only root may read cannot be opened.  Without a
qemu.conf a --root daemon run by root keeps running QEMU as root.

The images are given to the QEMU user by the test itself (chown), as the
daemon does not label images in this step."""

import grp
import os
import pwd
import re
import stat
import subprocess
import tempfile
import unittest

import libvirt

import vbtest

MiB = vbtest.MiB


def qemu_user():
    """The package's user when it exists (CI creates it), else nobody."""
    for user in ("virtblockd-qemu", "nobody"):
        try:
            pw = pwd.getpwnam(user)
        except KeyError:
            continue
        return pw.pw_name, grp.getgrgid(pw.pw_gid).gr_name, pw.pw_uid, pw.pw_gid
    raise unittest.SkipTest("no unprivileged user to run QEMU as")


def proc_status(pid):
    with open("/proc/%d/status" % pid) as fh:
        return dict(line.split(":\t", 1) for line in fh.read().splitlines() if ":\t" in line)


def ids(field):
    return [int(v) for v in field.split()]


class ConfinedTestBase(vbtest.DaemonTestCase):
    """A daemon on a root whose qemu.conf names an unprivileged user."""

    def setUp(self):
        if vbtest.SKIP_NO_QEMU:
            self.skipTest("QEMU is not installed")
        if os.geteuid() != 0:
            self.skipTest("switching QEMU's user needs a daemon running as root")
        self.user, self.group, self.uid, self.gid = qemu_user()
        self.tmp = tempfile.mkdtemp(prefix="vbit-")
        # QEMU passes through the test's directories, no more
        os.chmod(self.tmp, 0o711)
        self.images = os.path.join(self.tmp, "images")
        os.mkdir(self.images)
        root = os.path.join(self.tmp, "root")
        os.mkdir(root, 0o711)
        with open(os.path.join(root, "qemu.conf"), "w") as fh:
            fh.write('user = "%s"\ngroup = "%s"\n' % (self.user, self.group))
        self.daemon = vbtest.Daemon(root)
        self.extra_logs = []
        self.addCleanup(self._cleanup)
        self.daemon.start()
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)

    def give_images(self, chain):
        # what qemu.conf's dynamic_ownership will do: here by hand
        for path in chain.paths:
            os.chown(path, self.uid, self.gid)
        os.chown(self.images, self.uid, self.gid)

    def assertConfined(self, pid, sandbox):
        st = proc_status(pid)
        self.assertEqual(ids(st["Uid"]), [self.uid] * 4, st["Uid"])
        self.assertEqual(ids(st["Gid"]), [self.gid] * 4, st["Gid"])
        self.assertEqual(int(st["CapEff"], 16), 0)
        self.assertEqual(int(st["CapPrm"], 16), 0)
        self.assertEqual(st["NoNewPrivs"].strip(), "1")
        if sandbox:
            self.assertEqual(st["Seccomp"].strip(), "2")
        # the supplementary groups are the user's, not root's
        self.assertNotIn(0, ids(st["Groups"]))


class ConfinedQemuTest(ConfinedTestBase):

    def test_running_domain(self):
        chain = vbtest.Chain(self.images, layers=3, size_mib=32)
        expected = chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.give_images(chain)
        self.define("vm", [("vda", chain.top)])
        dom = self.conn.lookupByName("vm")
        self.assertEqual(dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        pids = self.daemon.qemu_pids()
        self.assertEqual(len(pids), 1)
        self.assertConfined(pids[0], sandbox=True)
        with open("/proc/%d/cmdline" % pids[0]) as fh:
            argv = fh.read().split("\0")
        self.assertIn("on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
                      argv)

        # the sockets' directory: the daemon's, QEMU's group, nobody else
        statedir = os.path.join(self.daemon.root, "run", "qemu")
        st = os.stat(statedir)
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (0, self.gid, 0o710))
        domdir = os.path.join(statedir, "domain-%d-vm" % dom.ID())
        st = os.stat(domdir)
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (0, self.gid, 0o770))
        mon = os.stat(os.path.join(domdir, "monitor.sock"))
        self.assertTrue(stat.S_ISSOCK(mon.st_mode))
        self.assertEqual(mon.st_uid, self.uid)  # QEMU made it

        # a commit works with QEMU confined
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot", quiet=False)
        self.assertIn("Successfully pivoted", proc.stdout)
        self.assertEqual(vbtest.disk_chain(dom.XMLDesc(0)), [chain.base])
        dom.destroy()
        self.assertTrue(vbtest.images_identical(chain.base, expected))
        self.assertFalse(os.path.exists(domdir))

    def test_backing_file_only_root_reads(self):
        # a hostile image: its backing file is /etc/shadow, read as raw
        top = os.path.join(self.images, "evil.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "/etc/shadow",
                    "-F", "raw", top, "1M"])
        os.chown(top, self.uid, self.gid)
        self.define("evil", [("vda", top)], start=False)
        proc = self.daemon.virsh("start", "evil", check=False)
        self.assertNotEqual(proc.returncode, 0)
        # with dynamic_ownership (the default) the daemon refuses to give
        # QEMU a system file before QEMU starts; without, QEMU cannot open it
        log = vbtest.read_tail(os.path.join(self.daemon.root, "log", "evil.log"))
        refused = "refusing to give QEMU the system file '/etc/shadow'" in proc.stderr
        if not refused:
            self.assertRegex(log, r"'/etc/shadow': Permission denied")
        self.assertEqual(self.daemon.qemu_pids(), [])
        self.assertEqual([n for n in os.listdir(os.path.join(self.daemon.root, "run", "qemu"))
                          if n.startswith("domain-")], [])


class ConfinedStorageDaemonTest(ConfinedTestBase):

    def storage_daemons(self):
        out = subprocess.run(["pgrep", "-f", "qemu-storage-daemon"], capture_output=True,
                             text=True).stdout
        pids = []
        for pid in out.split():
            try:
                with open("/proc/%s/cmdline" % pid) as fh:
                    if self.daemon.root in fh.read():
                        pids.append(int(pid))
            except OSError:
                pass  # gone meanwhile
        return pids

    def test_offline_commit(self):
        chain = vbtest.Chain(self.images, layers=3, size_mib=64)
        expected = chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.give_images(chain)
        self.define("vm", [("vda", chain.top)], start=False)
        # slow enough (1 MiB/s) to look at the storage daemon while it runs
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", chain.paths[1], "--bandwidth", "1")
        pids = self.storage_daemons()
        self.assertEqual(len(pids), 1)
        self.assertConfined(pids[0], sandbox=True)
        with open(os.path.join(self.daemon.root, "run", "qemu", "vm.xml")) as fh:
            sockdir = os.path.dirname(re.search(r"<monitor path='([^']+)'", fh.read()).group(1))
        st = os.stat(sockdir)
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (0, self.gid, 0o770))
        self.daemon.virsh("blockjob", "vm", "vda", "--bandwidth", "0")
        vbtest.wait_for(lambda: not self.storage_daemons(), 120, "the commit to end")
        # the daemon removes the directory once the storage daemon is gone
        vbtest.wait_for(lambda: not os.path.exists(sockdir), 30, "the socket directory to go")
        self.assertEqual(vbtest.backing_of(chain.top), chain.base)
        self.assertTrue(vbtest.images_identical(chain.top, expected))


class UnconfinedTest(vbtest.DaemonTestCase):
    """No qemu.conf on a --root run by root: QEMU runs as root, as before."""

    def test_qemu_as_root(self):
        if os.geteuid() != 0:
            self.skipTest("needs root")
        chain = vbtest.Chain(self.images, layers=2, size_mib=16)
        self.define("vm", [("vda", chain.top)])
        pids = self.daemon.qemu_pids()
        st = proc_status(pids[0])
        self.assertEqual(ids(st["Uid"]), [0] * 4)
        self.assertEqual(ids(st["Gid"]), [0] * 4)
        self.assertNotEqual(int(st["CapEff"], 16), 0)
        domdir = os.path.join(self.daemon.root, "run", "qemu", "domain-1-vm")
        st = os.stat(domdir)
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (0, 0, 0o700))
        st = os.stat(os.path.join(self.daemon.root, "run", "qemu"))
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (0, 0, 0o700))

    def test_qemu_conf_removed(self):
        """A root once confined is closed again when qemu.conf goes."""
        if os.geteuid() != 0:
            self.skipTest("needs root")
        self.daemon.stop()
        with open(os.path.join(self.daemon.root, "qemu.conf"), "w") as fh:
            fh.write('user = "+65534"\ngroup = "+65534"\n')
        self.daemon.start()
        statedir = os.path.join(self.daemon.root, "run", "qemu")
        self.assertEqual(stat.S_IMODE(os.stat(statedir).st_mode), 0o710)
        self.daemon.stop()
        os.unlink(os.path.join(self.daemon.root, "qemu.conf"))
        self.daemon.start()
        st = os.stat(statedir)
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (0, 0, 0o700))


if __name__ == "__main__":
    vbtest.main()
