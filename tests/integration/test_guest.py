#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The tiny real test guest (tests/guest/make-guest.sh) under plain QEMU with
TCG: it boots to its banner, powers itself off, runs a script from a disk,
and its disk writer leaves on a qcow2 overlay exactly the bytes its serial
log names, whether it stops after a count or when told so on its console.

virtblockd is not involved: this proves the guest that its own tests boot
by direct kernel boot.  Each test waits on log contents, never on sleeps,
and kills its QEMU and removes its files whether it passed or not."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import vbguest

MiB = 1024 * 1024
SKIP_NO_QEMU = not shutil.which("qemu-system-x86_64") or not shutil.which("qemu-img")

# Bounds, not expectations: under TCG on a loaded machine the guest reaches
# its banner in a few seconds and the writer does tens of records a second.
BOOT_TIMEOUT = 120
WRITER_TIMEOUT = 300
EXIT_TIMEOUT = 60


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (" ".join(cmd), proc.returncode, proc.stderr))
    return proc


class Console:
    """A connection to QEMU's serial socket: types lines and throws away
    what the guest prints (the log file has it), so QEMU never blocks on a
    full socket."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self):
        try:
            while self.sock.recv(65536):
                pass
        except OSError:
            pass

    def type(self, text):
        self.sock.sendall(text.encode())

    def close(self):
        self.sock.shutdown(socket.SHUT_RDWR)
        self.reader.join()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@unittest.skipIf(SKIP_NO_QEMU, "qemu-system-x86_64 or qemu-img missing")
class GuestTest(unittest.TestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        t0 = time.monotonic()
        cls.guest = vbguest.build()
        print("\nguest %s ready in %.1f s" % (cls.guest.key, time.monotonic() - t0),
              file=sys.stderr)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vb-test-guest-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.log = os.path.join(self.dir, "serial.log")
        self.sock = os.path.join(self.dir, "serial.sock")

    def start(self, cmdline, disks=(), console=False):
        """Starts QEMU on the guest with @disks ((path, format) each on its
        own virtio-blk) and the serial console logged to self.log; with
        @console, also a socket at self.sock to type into it."""
        args = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-m", "256",
                "-nodefaults", "-no-user-config", "-no-reboot", "-display", "none"]
        args += self.guest.qemu_args(cmdline)
        if console:
            args += ["-chardev", "socket,id=ser0,path=%s,server=on,wait=off,logfile=%s" %
                     (self.sock, self.log), "-serial", "chardev:ser0"]
        else:
            args += ["-serial", "file:" + self.log]
        for i, (path, fmt) in enumerate(disks):
            args += ["-blockdev", "driver=file,filename=%s,node-name=f%d" % (path, i),
                     "-blockdev", "driver=%s,file=f%d,node-name=d%d" % (fmt, i, i),
                     "-device", "virtio-blk-pci,drive=d%d" % i]
        qlog = open(os.path.join(self.dir, "qemu.log"), "w")
        self.addCleanup(qlog.close)
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=qlog, stderr=qlog)
        self.addCleanup(self.stop, proc)
        self.started = time.monotonic()
        return proc

    @staticmethod
    def stop(proc):
        if proc.poll() is None:
            proc.kill()
        proc.wait()

    def wait(self, regex, what, proc, timeout):
        return vbguest.wait_log(self.log, regex, timeout, what, proc)

    def wait_ready(self, proc, mode):
        m = self.wait(vbguest.READY_RE, "the guest's banner", proc, BOOT_TIMEOUT)
        print("\nboot to banner: %.1f s from QEMU's start, %s s from the kernel's" %
              (time.monotonic() - self.started, m.group(2)), file=sys.stderr)
        self.assertEqual(m.group(1), mode)

    def wait_exit(self, proc):
        """The guest powered itself off: QEMU ends by itself, cleanly."""
        self.wait(vbguest.POWEROFF_RE, "the guest's poweroff", proc, WRITER_TIMEOUT)
        try:
            rc = proc.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("QEMU still runs %d s after the guest's poweroff" % EXIT_TIMEOUT)
        if rc != 0:
            with open(os.path.join(self.dir, "qemu.log")) as f:
                self.fail("QEMU exited with %d: %s" % (rc, f.read()))

    def make_disk(self, fill):
        """A 64 MiB qcow2 overlay on a base whose first 8 MiB hold @fill, so
        the check reads through a chain and sees any stray write."""
        base = os.path.join(self.dir, "base.qcow2")
        top = os.path.join(self.dir, "top.qcow2")
        run(["qemu-img", "create", "-q", "-f", "qcow2", base, "64M"])
        run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x%02x 0 8M" % fill, base])
        run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", top])
        return top

    def test_writer_log_parsing(self):
        # what the verifier expects, without a guest: the record layout of
        # tests/guest/init, noise and a line cut off by a killed QEMU ignored
        rec = vbguest.record_bytes(300, 1052672, 4096)
        self.assertEqual(rec[:29], b"VBGUEST seq=300 off=1052672\n\x2e")
        self.assertEqual(rec[-1:], b"\x2e")
        self.assertEqual(len(rec), 4096)
        text = ("[    1.0] kernel noise\n"
                "vbguest: wrote seq=0 off=512 len=512 pat=1\n"
                "vbguest-stop\n"
                "vbguest: wrote seq=1 off=1024 len=512 pat=2\n"
                "vbguest: wrote seq=2 off=512 len=512 pat=3\n"
                "vbguest: wrote seq=3 off=1024 len=512 pat=4")
        wlog = vbguest.WriterLog(text)
        self.assertIsNone(wlog.done)
        self.assertEqual(sorted(wlog.expected()), [512, 1024])
        self.assertEqual(wlog.expected()[512], vbguest.record_bytes(2, 512, 512))
        self.assertEqual(wlog.qemu_io_commands(),
                         ["read -q -P 0x03 534 490", "read -q -P 0x02 1047 489"])
        with self.assertRaises(AssertionError):
            vbguest.WriterLog(text.replace("seq=1 ", "seq=7 "))

    def test_boot_and_poweroff(self):
        proc = self.start(vbguest.cmdline("poweroff"))
        self.wait_ready(proc, "poweroff")
        self.wait_exit(proc)
        log = vbguest.read_log(self.log)
        self.assertIn("vbguest: build %s " % self.guest.key, log)

    def test_writer_count_then_poweroff(self):
        top = self.make_disk(0xaa)
        proc = self.start(vbguest.cmdline("writer", then="poweroff", off=MiB, bs=4096,
                                          slots=16, count=40),
                          disks=[(top, "qcow2")])
        self.wait_ready(proc, "writer")
        self.wait(vbguest.DONE_RE, "the writer's end", proc, WRITER_TIMEOUT)
        self.wait_exit(proc)
        wlog = vbguest.WriterLog.from_file(self.log)
        self.assertEqual(wlog.done, 40)
        # 40 records over 16 slots: every slot written, 8 of them three times
        self.assertEqual(wlog.verify(top, "qcow2", unwritten=0xaa), 16)
        # the data went to the overlay, the base is untouched
        base = os.path.join(self.dir, "base.qcow2")
        run(["qemu-io", "-f", "qcow2", "-c", "read -q -P 0xaa 0 8M", base])
        # the same through qemu-io's own pattern check
        cmd = ["qemu-io", "-f", "qcow2"]
        for c in wlog.qemu_io_commands():
            cmd += ["-c", c]
        out = run(cmd + [top]).stdout
        self.assertNotIn("Pattern verification failed", out)

    def test_writer_stopped_on_console(self):
        top = self.make_disk(0x55)
        proc = self.start(vbguest.cmdline("writer", then="poweroff", off=2 * MiB, bs=8192,
                                          slots=300, count=0),
                          disks=[(top, "qcow2")], console=True)
        self.wait_ready(proc, "writer")
        # let it write a while: until 20 records are on the disk
        self.wait(re.compile(r"^vbguest: wrote seq=19 ", re.M), "20 records", proc,
                  WRITER_TIMEOUT)
        # stay connected until the writer has read the line: QEMU drops
        # what it has not read yet when the peer hangs up.  Its echo is no
        # sign: the tty echoes while the writer prints, so the echoed
        # characters land inside the writer's lines.
        with Console(self.sock) as console:
            console.type(vbguest.STOP_LINE)
            self.wait(vbguest.DONE_RE, "the writer's end", proc, WRITER_TIMEOUT)
        self.wait_exit(proc)
        wlog = vbguest.WriterLog.from_file(self.log)
        self.assertGreaterEqual(wlog.done, 20)
        self.assertEqual(wlog.verify(top, "qcow2", unwritten=0x55), min(wlog.done, 300))

    def test_writer_killed_leaves_logged_records(self):
        # QEMU killed mid-write: every logged record is there, the one in
        # flight may be or not
        top = self.make_disk(0x33)
        proc = self.start(vbguest.cmdline("writer", off=MiB, bs=4096, slots=8, count=0),
                          disks=[(top, "qcow2")])
        self.wait_ready(proc, "writer")
        self.wait(re.compile(r"^vbguest: wrote seq=11 ", re.M), "12 records", proc,
                  WRITER_TIMEOUT)
        proc.kill()
        proc.wait()
        wlog = vbguest.WriterLog.from_file(self.log)
        self.assertIsNone(wlog.done)
        self.assertEqual(wlog.verify(top, "qcow2", unwritten=0x33, slack=(MiB, 4096, 8)), 8)

    def test_shell_on_console(self):
        proc = self.start(vbguest.cmdline("shell"), console=True)
        self.wait_ready(proc, "shell")
        with Console(self.sock) as console:
            # the echo of the typed line holds "$((2 + 3))", the output "5"
            console.type("echo \"vbguest: sum $((2 + 3))\"\n")
            self.wait(re.compile(r"^vbguest: sum 5$", re.M), "the shell's answer", proc,
                      BOOT_TIMEOUT)
            console.type("exit\n")
            self.wait_exit(proc)

    def test_script_from_disk(self):
        script = vbguest.script_image(os.path.join(self.dir, "script.raw"),
                                      "echo \"vbguest: script says $((6 * 7))\"\n"
                                      "ls /sys/block\n")
        proc = self.start(vbguest.cmdline("script", then="poweroff", script="/dev/vda"),
                          disks=[(script, "raw")])
        self.wait_ready(proc, "script")
        self.wait_exit(proc)
        log = vbguest.read_log(self.log)
        self.assertIn("vbguest: script says 42\n", log)
        self.assertIn("vbguest: script done status=0\n", log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
