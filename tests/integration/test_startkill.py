#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A daemon SIGKILLed while it starts a domain, once QEMU is spawned and
before the status names its pid (VIRTBLOCKD_TEST_START_KILL_AT=spawned):
QEMU (paused, -S) outlives it, holding the write lock of the disk's
image.  The restarted daemon finds it through the pid file the spawn left
locked, kills it and stops the domain as a failed start ("shut off
(failed)"); no QEMU of the test is left, and the domain starts again on
the same image, whose data is as written.

A process holding the pid file that is not the domain's QEMU (a command
line without its monitor socket) is left alone.

Nothing here waits on time: the kill is synchronous in the reconnect,
which runs before the daemon listens."""

import os
import signal
import subprocess

import vbtest

KILL_ENV = "VIRTBLOCKD_TEST_START_KILL_AT"


class StartKillTest(vbtest.DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(self.kill_leftovers)
        self.image = os.path.join(self.images, "vda.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", self.image, "16M"])
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x5c 0 1M", self.image])
        self.statedir = os.path.join(self.daemon.root, "run", "qemu")

    def qemus_of_test(self):
        """Pids of the QEMUs whose command line names this test's files
        (the status files cannot tell of one the daemon never named)."""
        out = subprocess.run(["pgrep", "-f", "qemu-system.*" + self.tmp],
                             capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    def kill_leftovers(self):
        for pid in self.qemus_of_test():
            os.kill(pid, signal.SIGKILL)
            vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 10, "QEMU %d to die" % pid)

    def start_killed(self):
        """`virsh start vm` on a daemon that dies once QEMU is spawned"""
        self.daemon.stop()
        os.environ[KILL_ENV] = "spawned"
        try:
            self.daemon.start()
        finally:
            del os.environ[KILL_ENV]
        res = self.daemon.virsh("start", "vm", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.daemon.proc.wait(30)
        self.assertEqual(self.daemon.proc.returncode, -signal.SIGKILL, self.daemon.log())
        self.daemon.proc = None
        with open(os.path.join(self.statedir, "vm.xml")) as fh:
            self.assertIn("pid='0'", fh.read())
        qemus = self.qemus_of_test()
        self.assertEqual(len(qemus), 1, "the spawned QEMU must outlive the daemon")
        return qemus[0]

    def test_qemu_spawned_daemon_killed(self):
        self.define("vm", [("vda", self.image)], start=False)
        pid = self.start_killed()
        # the window: the image becomes QEMU's, once it has opened it
        vbtest.wait_for(lambda: vbtest.run(["qemu-io", "-f", "qcow2", "-c", "read -q 0 512",
                                            self.image], check=False).returncode != 0,
                        30, "QEMU to take the image's lock")

        self.daemon.start()
        self.assertFalse(vbtest.pid_alive(pid), self.daemon.log())
        self.assertEqual(self.qemus_of_test(), [])
        self.assertIn("killing QEMU %d, started by a daemon that did not see it up" % pid,
                      self.daemon.log())
        self.assertEqual(self.daemon.virsh("domstate", "vm", "--reason").stdout.strip(),
                         "shut off (failed)")
        # no status, pid file or socket directory of the domain left
        self.assertEqual([n for n in os.listdir(self.statedir)
                          if n.startswith(("vm.", "domain-"))], [])

        # the domain starts again on the same image; its data is intact
        self.daemon.virsh("start", "vm")
        self.assertEqual(len(self.qemus_of_test()), 1)
        self.assertTrue(os.path.exists(os.path.join(self.statedir, "vm.pid")))
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.qemus_of_test(), [])
        self.assertFalse(os.path.exists(os.path.join(self.statedir, "vm.pid")))
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "read -q -P 0x5c 0 1M", self.image])

    def test_pid_file_holder_not_ours(self):
        # the pid file held by a process that is not the domain's QEMU:
        # it is left running, the domain still stops as failed
        self.define("vm", [("vda", self.image)], start=False)
        pid = self.start_killed()
        pidfile = os.path.join(self.statedir, "vm.pid")
        with open(pidfile) as fh:
            self.assertEqual(int(fh.read()), pid)
        os.kill(pid, signal.SIGKILL)
        vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 10, "QEMU to die")
        holder = subprocess.Popen(
            ["/usr/bin/python3", "-c",
             "import fcntl, sys, time\n"
             "f = open(sys.argv[1], 'w')\n"
             "fcntl.lockf(f, fcntl.LOCK_EX)\n"
             "print('locked', flush=True)\n"
             "time.sleep(600)\n", pidfile], stdout=subprocess.PIPE, text=True)
        self.addCleanup(holder.stdout.close)
        self.addCleanup(holder.wait)
        self.addCleanup(holder.kill)
        self.assertEqual(holder.stdout.readline().strip(), "locked")

        self.daemon.start()
        self.assertIsNone(holder.poll())
        self.assertIn("process %d holding '%s' is not its QEMU, left alone"
                      % (holder.pid, pidfile), self.daemon.log())
        self.assertEqual(self.daemon.virsh("domstate", "vm", "--reason").stdout.strip(),
                         "shut off (failed)")
        self.daemon.virsh("start", "vm")
        self.daemon.virsh("destroy", "vm")


if __name__ == "__main__":
    vbtest.main()
