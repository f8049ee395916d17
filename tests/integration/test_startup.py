#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A daemon that fails at start-up, after its driver threads started,
prints the error and exits at once, releasing its pid file.

It used to hang in most runs: the monitor thread's loop was told to quit
before it had started, so the daemon waited for that thread for ever while
holding the pid lock.  Each case runs ten times, since the hang was a race.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import vbtest

RUNS = 10
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


if __name__ == "__main__":
    vbtest.main()
