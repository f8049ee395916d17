#!/usr/bin/env python3
# Limits of client connections (issue 15, findings 3 and 4): clients that
# never read, oversized calls, connection exhaustion, per-user limits, idle
# connections, and virtblockd.conf itself.  The hostile clients speak the
# wire protocol on raw sockets; the good one is the stock virsh or
# python3-libvirt.

import os
import socket
import struct
import subprocess
import time
import unittest

import vbtest
from vbtest import DAEMON, DaemonTestCase, main, run, wait_for

import libvirt  # noqa: E402 (after vbtest, which silences its error printing)

REMOTE_PROGRAM = 0x20008086
PROC_CONNECT_OPEN = 1
PROC_CONNECT_GET_VERSION = 4
PROC_CALLBACK_REGISTER_ANY = 316
EVENT_ID_LIFECYCLE = 0

DOMAIN = """<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64' machine='q35'>hvm</type></os></domain>"""


def xdr_string(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def packet(proc, serial, payload=b""):
    body = struct.pack(">IIiiII", REMOTE_PROGRAM, 1, proc, 0, serial, 0) + payload
    return struct.pack(">I", len(body) + 4) + body


def open_call(serial=1, uri="", flags=0):
    return packet(PROC_CONNECT_OPEN, serial, struct.pack(">I", 1) + xdr_string(uri) +
                  struct.pack(">I", flags))


def recv_packet(s):
    """(proc, status, payload) of the next packet; None at EOF."""
    def exactly(n):
        buf = b""
        while len(buf) < n:
            got = s.recv(n - len(buf))
            if not got:
                return None
            buf += got
        return buf
    head = exactly(4)
    if head is None:
        return None
    (length,) = struct.unpack(">I", head)
    rest = exactly(length - 4)
    if rest is None:
        return None
    _, _, proc, _, _, status = struct.unpack(">IIiiII", rest[:24])
    return proc, status, rest[24:]


def error_message(payload):
    """The message of a remote_error payload (code, domain, message?...)"""
    code, _, present = struct.unpack(">iiI", payload[:12])
    if not present:
        return code, None
    (n,) = struct.unpack(">I", payload[12:16])
    return code, payload[16:16 + n].decode()


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RPCLimitsTest(DaemonTestCase):
    def restart_with(self, conf):
        self.daemon.stop()
        with open(os.path.join(self.daemon.root, "virtblockd.conf"), "w") as fh:
            fh.write(conf)
        self.daemon.start()

    def raw(self, ro=False, timeout=30):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(timeout)
        s.connect(self.daemon.sock_ro if ro else self.daemon.sock)
        self.addCleanup(s.close)
        return s

    def test_slow_readers_dropped_while_events_flow(self):
        self.restart_with("max_client_output_messages = 300\n"
                          "max_client_buffer_memory = 64000000\n")
        chain = vbtest.Chain(self.images, layers=3, size_mib=64)
        self.define("vm", [("vda", chain.top)])
        slow = []
        for _ in range(4):
            s = self.raw()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(open_call(1))
            self.assertEqual(recv_packet(s)[1], 0)
            s.sendall(packet(PROC_CALLBACK_REGISTER_ANY, 2,
                             struct.pack(">iI", EVENT_ID_LIFECYCLE, 0)))
            self.assertEqual(recv_packet(s)[1], 0)
            slow.append(s)       # never read again
        # a good subscriber, reading its events through libvirt's event loop
        good = libvirt.openReadOnly(self.daemon.uri_ro)
        self.addCleanup(good.close)

        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(conn.close)
        # a commit runs meanwhile, its events going to the slow readers too
        commit = subprocess.Popen(["virsh", "-q", "-c", self.daemon.uri, "blockcommit", "vm",
                                   "vda", "--top", chain.paths[1], "--wait"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: commit.poll() is None and commit.kill())
        pid = self.daemon.proc.pid
        peak = 0
        deadline = time.monotonic() + 120
        i = 0
        while "reads too slowly" not in self.daemon.log(None) or \
                self.daemon.log(None).count("reads too slowly") < 4:
            self.assertLess(time.monotonic(), deadline, "slow readers never dropped")
            dom = conn.defineXML(DOMAIN % ("rpclimits-storm-%d" % (i % 4)))
            dom.undefine()
            i += 1
            if i % 50 == 0:
                peak = max(peak, rss_kib(pid))
        peak = max(peak, rss_kib(pid))
        print("daemon RSS peak %d KiB, %d define/undefine rounds" % (peak, i))
        self.assertLess(peak, 200 * 1024, "daemon RSS %d KiB" % peak)
        for s in slow:
            s.settimeout(10)
            try:
                while s.recv(65536):
                    pass
            except ConnectionResetError:
                pass
        # everyone else is still served, and the commit completed
        out, _ = commit.communicate(timeout=120)
        self.assertEqual(commit.returncode, 0, out)
        self.assertEqual(vbtest.backing_of(chain.top), chain.base)
        self.assertIsNotNone(good.getVersion())
        self.assertEqual([d.name() for d in conn.listAllDomains()], ["vm"])
        self.daemon.virsh("list", "--all")

    def test_buffer_budget_drops_the_largest(self):
        # the smallest budget allowed: two of the largest messages
        self.restart_with("max_client_buffer_memory = 33554432\n")
        pid = self.daemon.proc.pid
        xml = ("<domain type='qemu'><name>big</name><description>%s</description></domain>" %
               ("x" * (4 * 1024 * 1024 - 200)))
        call = packet(11, 1, xdr_string(xml))     # DOMAIN_DEFINE_XML, never finished
        clients = []
        for _ in range(12):
            s = self.raw()
            s.sendall(open_call(1))
            self.assertEqual(recv_packet(s)[1], 0)
            try:
                s.sendall(call[:-1])
            except OSError:
                pass            # dropped already
            clients.append(s)
        wait_for(lambda: "max_client_buffer_memory" in self.daemon.log(None), 30,
                 "a client dropped over the budget")
        self.assertLess(rss_kib(pid), 120 * 1024)
        dropped = 0
        for s in clients:
            s.settimeout(0.5)
            try:
                dropped += s.recv(1) == b""
            except socket.timeout:
                pass        # still there
            except ConnectionResetError:
                dropped += 1
        # 12 partial calls of 4 MiB: the budget holds 7 or 8 of them
        self.assertGreaterEqual(dropped, 3)
        self.assertLess(dropped, 12)
        self.daemon.virsh("version")

    def test_oversized_uri_refused(self):
        s = self.raw()
        s.sendall(open_call(1, uri="qemu:///session?" + "x" * (1024 * 1024)))
        proc, status, payload = recv_packet(s)
        self.assertEqual(status, 1)
        code, msg = error_message(payload)
        self.assertEqual(code, libvirt.VIR_ERR_RPC)
        self.assertIn("arguments of virConnectOpen", msg)
        self.assertIn("exceed its limit of", msg)
        # the connection is still good
        s.sendall(open_call(2))
        self.assertEqual(recv_packet(s)[1], 0)
        s.sendall(packet(PROC_CONNECT_GET_VERSION, 3))
        self.assertEqual(recv_packet(s)[1], 0)

    def test_readonly_clients_cannot_lock_out_readwrite(self):
        clients = []
        for _ in range(1100):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.daemon.sock_ro)
                s.sendall(open_call(1))
            except OSError:
                s.close()
                continue
            clients.append(s)
            self.addCleanup(s.close)
        # the read-write socket is still served
        out = run(["virsh", "-c", self.daemon.uri, "version"], check=False)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("too many read-only clients", self.daemon.log(None))

    def test_per_uid_limit(self):
        self.restart_with("max_clients_per_uid = 3\n")
        # the read-only socket reachable by other users, as documented
        path = self.daemon.sock_ro
        while path != "/":
            path = os.path.dirname(path)
            os.chmod(path, os.stat(path).st_mode | 0o055)
        os.chmod(self.daemon.sock_ro, 0o666)
        code = ("import socket,struct,sys\n"
                "ok=0\n"
                "ss=[]\n"
                "body=struct.pack('>IIiiII',0x20008086,1,1,0,1,0)+struct.pack('>III',1,0,0)\n"
                "for i in range(6):\n"
                "    s=socket.socket(socket.AF_UNIX); s.settimeout(20); ss.append(s)\n"
                "    s.connect(sys.argv[1])\n"
                "    try:\n"
                "        s.sendall(struct.pack('>I',len(body)+4)+body)\n"
                "        ok += len(s.recv(4)) == 4\n"
                "    except OSError:\n"
                "        pass\n"
                "print(ok)\n")
        out = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                              "/usr/bin/python3", "-c", code, self.daemon.sock_ro],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "3")
        self.assertIn("too many clients of this user", self.daemon.log(None))
        # the daemon's own user is not limited
        for _ in range(6):
            self.daemon.virsh("version", ro=True)

    def test_idle_clients_closed(self):
        self.restart_with("client_idle_timeout = 2\n")
        s = self.raw()
        s.sendall(open_call(1))
        self.assertEqual(recv_packet(s)[1], 0)
        s.settimeout(15)
        start = time.monotonic()
        self.assertIsNone(recv_packet(s))
        self.assertGreaterEqual(time.monotonic() - start, 1.5)
        self.assertIn("idle for 2 seconds without keepalive", self.daemon.log(None))
        # virsh enables keepalive and is not closed
        self.daemon.virsh("version")

    def test_config_errors(self):
        self.daemon.stop()
        conf = os.path.join(self.daemon.root, "virtblockd.conf")
        with open(conf, "w") as fh:
            fh.write("max_clients = = 3\n")
        out = subprocess.run([DAEMON, "--root", self.daemon.root], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 1)
        self.assertIn("virtblockd.conf", out.stderr)
        with open(conf, "w") as fh:
            fh.write("max_clients = 0\n")
        out = subprocess.run([DAEMON, "--root", self.daemon.root], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 1)
        self.assertIn("max_clients must be between 1", out.stderr)
        # interval * count in microseconds overflowed, and every client
        # with keepalive was dropped at once
        with open(conf, "w") as fh:
            fh.write("keepalive_count = 4294967295\n")
        out = subprocess.run([DAEMON, "--root", self.daemon.root], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 1)
        self.assertIn("keepalive_count must be between 1 and 1000000, not 4294967295",
                      out.stderr)
        with open(conf, "w") as fh:
            fh.write("max_clinets = 10\n")
        self.daemon.start()
        wait_for(lambda: "max_clinets" in self.daemon.log(None), 10, "unknown key warning")


if __name__ == "__main__":
    main()
