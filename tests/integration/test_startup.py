#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A daemon that fails at start-up, after its driver threads started,
prints the error and exits at once, releasing its pid file; and signals
other than SIGTERM/SIGINT do not stop a running daemon.

It used to hang in most runs: the monitor thread's loop was told to quit
before it had started, so the daemon waited for that thread for ever while
holding the pid lock.  Each case runs twenty times, since the hang was a
race, and a daemon started once the cause is gone must come up (the pid
lock was released).
"""

import os
import shutil
import signal
import subprocess
import tempfile
import unittest

import vbtest

RUNS = 20
# Start-up and teardown take a few milliseconds; this allows a loaded
# machine and still catches a hang.
TIMEOUT = 20


class StartupFailureTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vbit-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def start_fails(self, root, message):
        """Runs the daemon on @root RUNS times: each must fail with @message."""
        pidfile = os.path.join(root, "run", "virtblockd.pid")
        for i in range(RUNS):
            try:
                proc = subprocess.run([vbtest.DAEMON, "--root", root], capture_output=True,
                                      text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT)
            except subprocess.TimeoutExpired as e:
                # subprocess.run() has killed it; its output comes as bytes
                self.fail("run %d: virtblockd still running %d s after a start-up error:\n%s" %
                          (i + 1, TIMEOUT, (e.stderr or b"").decode(errors="replace")))
            self.assertEqual(proc.returncode, 1, "run %d: %s" % (i + 1, proc.stderr))
            self.assertIn(message, proc.stderr)
            self.assertFalse(os.path.exists(pidfile), "run %d left its pid file" % (i + 1))

    def next_daemon_starts(self, root):
        daemon = vbtest.Daemon(root)
        self.addCleanup(daemon.stop)
        daemon.start()
        daemon.stop()
        self.assertEqual(daemon.proc, None)

    def test_socket_path_too_long(self):
        # run/virtblockd-sock under this root is longer than sun_path (108)
        root = os.path.join(self.tmp, "r" * (100 - len(self.tmp)))
        self.start_fails(root, "is too long")

    def test_socket_path_taken_by_a_file(self):
        root = os.path.join(self.tmp, "root")
        os.makedirs(os.path.join(root, "run"))
        with open(os.path.join(root, "run", "virtblockd-sock"), "w") as fh:
            fh.write("not a socket\n")
        self.start_fails(root, "exists and is not a socket; refusing to replace it")
        os.unlink(os.path.join(root, "run", "virtblockd-sock"))
        self.next_daemon_starts(root)

    def test_socket_path_taken_by_a_symlink(self):
        root = os.path.join(self.tmp, "root")
        target = os.path.join(self.tmp, "target")
        with open(target, "w") as fh:
            fh.write("precious\n")
        os.makedirs(os.path.join(root, "run"))
        os.symlink(target, os.path.join(root, "run", "virtblockd-sock"))
        self.start_fails(root, "exists and is not a socket; refusing to replace it")
        with open(target) as fh:
            self.assertEqual(fh.read(), "precious\n")
        os.unlink(os.path.join(root, "run", "virtblockd-sock"))
        self.next_daemon_starts(root)


class SignalTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vbit-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.daemon = vbtest.Daemon(os.path.join(self.tmp, "root"))
        self.addCleanup(self.daemon.stop)
        self.log = os.path.join(self.tmp, "virtblockd.log")

    def read(self, path):
        with open(path) as fh:
            return fh.read()

    def test_sighup_reopens_the_log(self):
        """logrotate's way: rename the file, SIGHUP, the daemon writes a new one"""
        self.daemon.start("--log", self.log)
        proc = self.daemon.proc
        vbtest.wait_for(lambda: "listening on" in self.read(self.log), 10, "the start-up line")
        os.rename(self.log, self.log + ".1")
        for i in range(3):
            proc.send_signal(signal.SIGHUP)
            vbtest.wait_for(lambda: os.path.exists(self.log) and
                            self.read(self.log).count("log file reopened") == 1, 10,
                            "a new log file")
            self.assertIsNone(proc.poll(), "virtblockd died of SIGHUP")
            if i < 2:
                os.rename(self.log, self.log + ".%d" % (i + 2))
        self.assertEqual(os.stat(self.log).st_mode & 0o777, 0o600)
        self.assertNotIn("reopened", self.read(self.log + ".1"))
        # still serving, and logging into the new file
        self.assertTrue(self.daemon._answers())
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(30), 0)
        self.assertIn("shutting down on signal", self.read(self.log))

    def test_sighup_refuses_planted_link_and_fifo(self):
        """After logrotate's rename, whoever may write to the log's directory
        plants a link (to have us append to its target) or a FIFO (to block
        the main loop in open()): neither is taken, the old file stays in
        use and the daemon keeps serving."""
        self.daemon.start("--log", self.log)
        proc = self.daemon.proc
        vbtest.wait_for(lambda: "listening on" in self.read(self.log), 10, "the start-up line")
        target = os.path.join(self.tmp, "target")
        with open(target, "w") as fh:
            fh.write("precious\n")
        os.rename(self.log, self.log + ".1")
        os.symlink(target, self.log)
        proc.send_signal(signal.SIGHUP)
        vbtest.wait_for(lambda: "it is a symbolic link" in self.read(self.log + ".1"), 10,
                        "the refusal of the link")
        self.assertEqual(self.read(target), "precious\n")
        os.unlink(self.log)
        os.mkfifo(self.log)
        proc.send_signal(signal.SIGHUP)
        vbtest.wait_for(lambda: "cannot reopen the log" in
                        self.read(self.log + ".1").split("symbolic link", 1)[1], 10,
                        "the refusal of the FIFO")
        self.assertIsNone(proc.poll())
        # a request is answered: the main loop is not stuck in open()
        vbtest.run(["virsh", "-q", "-c", self.daemon.uri, "list", "--all"], timeout=30)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(30), 0)
        self.assertIn("shutting down on signal", self.read(self.log + ".1"))

    def test_sighup_without_log_file(self):
        self.daemon.start()
        proc = self.daemon.proc
        proc.send_signal(signal.SIGHUP)
        vbtest.wait_for(lambda: "SIGHUP received" in self.daemon.log(), 10, "the SIGHUP line")
        self.assertIsNone(proc.poll(), "virtblockd died of SIGHUP")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(30), 0)


if __name__ == "__main__":
    vbtest.main()
