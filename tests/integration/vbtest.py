# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers for virtblockd's integration tests: a private daemon, real qcow2
chains, the stock virsh, and clean-up of everything a test starts.

Every test gets its own temporary root; the daemon runs with --root there,
and every QEMU it started is killed and every file removed when the test
ends, whether it passed or not.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

BUILDDIR = os.environ.get("VB_BUILDDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", "build"))
DAEMON = os.path.join(BUILDDIR, "src", "daemon", "virtblockd")
MiB = 1024 * 1024

SKIP_NO_QEMU = not shutil.which("qemu-system-x86_64") or not shutil.which("qemu-img")

try:
    import libvirt

    # Expected errors are asserted by the tests; libvirt's default handler
    # would print each of them on stderr as well.
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
except ImportError:
    pass


def run(cmd, check=True, **kw):
    """Runs a command and returns its CompletedProcess (text mode)."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    proc = subprocess.run(cmd, **kw)
    if check and proc.returncode != 0:
        raise AssertionError("%s failed (%d):\nstdout: %s\nstderr: %s" %
                             (" ".join(cmd), proc.returncode, proc.stdout, proc.stderr))
    return proc


def wait_for(pred, timeout=30.0, what="condition"):
    """Polls @pred (a condition on real state, never a guess of timing)."""
    deadline = time.monotonic() + timeout
    while True:
        val = pred()
        if val:
            return val
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(0.05)


class Chain:
    """A qcow2 chain base <- l1 <- ... <- top with one pattern per layer.

    Layer i (0 = base) holds byte 0x11 * (i + 1) at [i * 8 MiB, (i + 1) * 8 MiB),
    so every layer's data is distinct and lands in its own range.
    """

    def __init__(self, directory, layers=4, size_mib=64, names=None, relative=False):
        self.dir = directory
        self.size = size_mib * MiB
        self.names = names or (["base"] + ["snap%d" % i for i in range(1, layers - 1)] + ["top"])
        self.paths = [os.path.join(directory, n + ".qcow2") for n in self.names]
        for i, path in enumerate(self.paths):
            cmd = ["qemu-img", "create", "-q", "-f", "qcow2"]
            if i > 0:
                backing = (os.path.basename(self.paths[i - 1]) if relative
                           else self.paths[i - 1])
                cmd += ["-b", backing, "-F", "qcow2"]
            cmd += [path, str(size_mib) + "M"]
            run(cmd, cwd=directory)
            self.write(path, self.pattern(i), i * 8 * MiB, 8 * MiB)

    @staticmethod
    def pattern(layer):
        return (0x11 * (layer + 1)) & 0xff

    @staticmethod
    def write(path, pattern, offset, length, fmt="qcow2"):
        run(["qemu-io", "-f", fmt, "-c", "write -q -P 0x%02x %d %d" % (pattern, offset, length),
             path])

    def expected_raw(self, path):
        """The flattened view of the chain, as the guest sees it now."""
        run(["qemu-img", "convert", "-O", "raw", self.paths[-1], path])
        return path

    @property
    def top(self):
        return self.paths[-1]

    @property
    def base(self):
        return self.paths[0]


def disk_chain(domain_xml, dev="vda"):
    """Source paths of disk @dev's chain in @domain_xml, top first."""
    root = ET.fromstring(domain_xml)
    node = next(d for d in root.iter("disk") if d.find("target").get("dev") == dev)
    chain = []
    while node is not None and node.find("source") is not None:
        chain.append(node.find("source").get("file"))
        node = node.find("backingStore")
    return chain


EMPTY_BACKING = "<backingStore/>"


def disk_chain_stated(domain_xml, dev="vda"):
    """disk_chain(), ending with EMPTY_BACKING when the XML ends the chain
    with libvirt's empty <backingStore/> ("no backing, do not probe"), so
    that a test tells it from an absent element ("not known, probe")."""
    root = ET.fromstring(domain_xml)
    node = next(d for d in root.iter("disk") if d.find("target").get("dev") == dev)
    chain = []
    while node is not None:
        bs = node.find("backingStore")
        if node.find("source") is not None:
            chain.append(node.find("source").get("file"))
        elif node.tag == "backingStore" and not node.attrib and len(node) == 0:
            chain.append(EMPTY_BACKING)
        node = bs
    return chain


def images_identical(a, b, fmt_a="qcow2", fmt_b="raw"):
    proc = run(["qemu-img", "compare", "-f", fmt_a, "-F", fmt_b, a, b], check=False)
    return proc.returncode == 0


def backing_of(path):
    """The backing name written in @path's header, or None."""
    out = run(["qemu-img", "info", "-U", "--output=human", path]).stdout
    m = re.search(r"^backing file: (.*?)(?: \(actual path: .*\))?$", out, re.M)
    return m.group(1) if m else None


def domain_xml(name, disks, machine="q35", memory_mib=64, extra_devices=""):
    """A minimal TCG domain; @disks is a list of (target, chain top path)."""
    disk_xml = ""
    for target, path in disks:
        disk_xml += """
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='%s' bus='virtio'/>
    </disk>""" % (path, target)
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>%d</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='%s'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>%s%s
  </devices>
</domain>
""" % (name, memory_mib, machine, disk_xml, extra_devices)


class Daemon:
    """virtblockd on a private root, stopped (and its QEMUs killed) at the end."""

    def __init__(self, root, prefix=()):
        self.root = root
        # a command the daemon runs under (ip netns exec NS)
        self.prefix = list(prefix)
        self.proc = None
        self.sock = os.path.join(root, "run", "virtblockd-sock")
        self.sock_ro = os.path.join(root, "run", "virtblockd-sock-ro")
        self.uri = "qemu+unix:///session?socket=" + self.sock
        self.uri_ro = "qemu+unix:///session?socket=" + self.sock_ro
        # beside the root, so that the root holds only what the daemon makes
        self.logpath = root + ".log"

    def start(self, *extra):
        log = open(self.logpath, "a")
        self.proc = subprocess.Popen(self.prefix + [DAEMON, "--root", self.root, "--verbose"] +
                                     list(extra),
                                     stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        log.close()
        wait_for(self._answers, 30, "virtblockd to listen on " + self.sock)
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            raise AssertionError("virtblockd exited with %d:\n%s" %
                                 (self.proc.returncode, self.log()))
        if not os.path.exists(self.sock):
            return False
        with contextlib.closing(socket.socket(socket.AF_UNIX)) as s:
            try:
                s.connect(self.sock)
                return True
            except OSError:
                return False

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill9(self):
        self.stop(signal.SIGKILL)

    def log(self, tail=20000):
        """The daemon's log, its last @tail characters (None: all of it)."""
        try:
            with open(self.logpath) as fh:
                text = fh.read()
        except OSError:
            return ""
        return text if tail is None else text[-tail:]

    def qemu_pids(self):
        """Pids of QEMUs recorded in status files."""
        pids = []
        statedir = os.path.join(self.root, "run", "qemu")
        for name in os.listdir(statedir) if os.path.isdir(statedir) else []:
            if name.endswith(".xml"):
                with open(os.path.join(statedir, name)) as fh:
                    m = re.search(r"pid='(\d+)'", fh.read())
                    if m:
                        pids.append(int(m.group(1)))
        return pids

    def virsh(self, *args, check=True, ro=False, quiet=True):
        return run(["virsh"] + (["-q"] if quiet else []) +
                   ["-c", self.uri_ro if ro else self.uri] + list(args), check=check)


def read_tail(path, tail=20000):
    try:
        with open(path, errors="replace") as fh:
            return fh.read()[-tail:]
    except OSError as e:
        return str(e)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


class DaemonTestCase(unittest.TestCase):
    """A test with its own directory and daemon; everything is cleaned up."""

    def setUp(self):
        if SKIP_NO_QEMU:
            self.skipTest("QEMU is not installed")
        # first: it may skip the test, and what it prepares is undone
        # after the daemon's cleanup
        prefix = self.daemon_prefix()
        self.tmp = tempfile.mkdtemp(prefix="vbit-")
        self.images = os.path.join(self.tmp, "images")
        os.mkdir(self.images)
        self.extra_logs = []    # printed with the daemon's log on failure
        self.daemon = Daemon(os.path.join(self.tmp, "root"), prefix)
        self.addCleanup(self._cleanup)
        self.daemon.start()

    def libvirt_connect(self, name="vm"):
        """A python3-libvirt connection to the daemon (closed at cleanup)
        and its domain NAME."""
        import libvirt
        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.close_quietly, conn)
        return conn, conn.lookupByName(name)

    @staticmethod
    def close_quietly(conn):
        """Closes a libvirt connection whose daemon may be gone."""
        import libvirt
        try:
            conn.close()
        except libvirt.libvirtError:
            pass

    def daemon_prefix(self):
        """The command the daemon runs under (a test may set up a network
        namespace here, with a cleanup removing it); none by default."""
        return []

    def _cleanup(self):
        pids = self.daemon.qemu_pids() if self.daemon else []
        if self.daemon:
            if self._outcome_failed():
                sys.stderr.write("---- virtblockd log ----\n" + self.daemon.log() + "\n")
                for path in self.extra_logs:
                    sys.stderr.write("---- %s ----\n%s\n" % (path, read_tail(path)))
            self.daemon.stop()
        pids += self.daemon.qemu_pids() if self.daemon else []
        for pid in set(pids):
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
                wait_for(lambda: not pid_alive(pid), 10, "QEMU %d to die" % pid)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _outcome_failed(self):
        # unittest resets _outcome.success while a cleanup runs, so look
        # for this test among the failures recorded so far
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None:
            return True
        return any(test is self for test, _ in result.failures + result.errors)

    def define(self, name, disks, start=True, **kw):
        xmlpath = os.path.join(self.tmp, name + ".xml")
        with open(xmlpath, "w") as fh:
            fh.write(domain_xml(name, disks, **kw))
        self.daemon.virsh("define", xmlpath)
        if start:
            self.daemon.virsh("start", name)
        return xmlpath


def main():
    unittest.main(verbosity=2)
