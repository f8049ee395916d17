#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh console and python3-libvirt's virStream against a running domain's
serial pty, through libvirt's stream packets.

Most cases use a domain without an operating system, where QEMU's UART
stands in for the guest: the HMP command `o /b 0x3f8 N` transmits byte N
on the serial line, which must arrive on the client's stream, and a byte
the client sends must reach the UART's receive buffer (`i /b 0x3f8` once
the line status register says data is ready).  The last ones boot the
real test guest (tests/guest/make-guest.sh) in its shell mode and talk to
its shell through virsh console and a virStream.  Every wait is bounded
and on real state; every process and file goes at the end.
"""

import os
import re
import select
import signal
import socket
import subprocess
import threading
import time
from xml.sax.saxutils import escape

import vbguest
import vbtest

try:
    import libvirt
    import libvirt_qemu
except ImportError:
    libvirt = None

SERIAL = """
    <serial type='pty'>
      <target port='0'/>
    </serial>"""
HMP = 1  # VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP
TIMEOUT = 30
BOOT_TIMEOUT = 180  # a bound, not an expectation: the guest boots in seconds
# A blocking virStream.recv() has no timeout: should data never come, the
# watchdog destroys the domain, which ends every stream on its console.
WATCHDOG = 300
CTRL_RIGHT_BRACKET = b"\x1d"  # virsh console's escape


class ConsoleTestCase(vbtest.DaemonTestCase):
    def setUp(self):
        if libvirt is None:
            self.skipTest("python3-libvirt is not installed")
        super().setUp()
        self.define_vm()
        watchdog = threading.Timer(WATCHDOG, self.daemon.virsh, ("destroy", "vm"),
                                   {"check": False})
        watchdog.start()
        self.addCleanup(watchdog.cancel)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def define_vm(self):
        self.define("vm", [], extra_devices=SERIAL)

    def hmp(self, cmd):
        return libvirt_qemu.qemuMonitorCommand(self.dom, cmd, HMP)

    def transmit(self, data):
        """The UART sends @data on the serial line (the guest's output)."""
        for byte in data:
            self.hmp("o /b 0x3f8 0x%x" % byte)

    def uart_receive(self):
        """The next byte the UART received (the guest's input)."""
        lsr = vbtest.wait_for(lambda: self._data_ready(), TIMEOUT, "the UART to receive a byte")
        self.assertTrue(lsr)
        return int(self.hmp("i /b 0x3f8").split("=")[1], 16)

    def _data_ready(self):
        return int(self.hmp("i /b 0x3fd").split("=")[1], 16) & 0x01

    def open_stream(self, conn=None, flags=0, devname=None):
        conn = conn or self.conn
        st = conn.newStream(0)
        conn.lookupByName("vm").openConsole(devname, st, flags)
        return st

    @staticmethod
    def recv_exactly(st, n):
        data = b""
        while len(data) < n:
            chunk = st.recv(n - len(data))
            if not chunk:
                raise AssertionError("end of stream after %r" % data)
            data += chunk
        return data

    def assertLibvirtError(self, func, code, message):
        with self.assertRaises(libvirt.libvirtError) as ctx:
            func()
        self.assertEqual(ctx.exception.get_error_code(), code)
        self.assertEqual(str(ctx.exception), message)


class StreamTest(ConsoleTestCase):
    def test_bytes_both_ways(self):
        st = self.open_stream()
        self.transmit(b"hi!\r\n")
        self.assertEqual(self.recv_exactly(st, 5), b"hi!\r\n")
        st.send(b"Z")
        self.assertEqual(self.uart_receive(), ord("Z"))
        # other calls keep working while the console is open
        self.assertEqual(self.dom.info()[0], libvirt.VIR_DOMAIN_RUNNING)
        st.finish()

    def test_pty_path_in_live_xml_from_start(self):
        # as libvirt: the live XML names the pty before any console opened
        xml = self.dom.XMLDesc(0)
        m = re.search(r"<serial type='pty'>\s*<source path='(/dev/pts/\d+)'/>", xml)
        self.assertIsNotNone(m, xml)
        self.assertTrue(os.path.exists(m.group(1)), m.group(1))
        self.assertNotIn("/dev/pts/", self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))

    def test_implied_console_is_serial0(self):
        # as libvirt: the domain defines a <serial> only and gets a
        # <console> that is that serial port, with its pty
        xml = self.dom.XMLDesc(0)
        m = re.search(r"<console type='pty' tty='(/dev/pts/\d+)'>\s*<source path='\1'/>\s*"
                      r"<target type='serial' port='0'/>\s*<alias name='serial0'/>", xml)
        self.assertIsNotNone(m, xml)
        self.assertIn("<source path='%s'/>\n      <target type='isa-serial' port='0'>"
                      % m.group(1), xml)
        self.assertRegex(self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE),
                         r"<console type='pty'>\s*<target type='serial' port='0'/>")

    def test_by_alias(self):
        st = self.open_stream(devname="serial0")
        self.transmit(b"x")
        self.assertEqual(self.recv_exactly(st, 1), b"x")
        st.abort()

    def test_second_open_refused(self):
        st = self.open_stream()
        self.assertLibvirtError(lambda: self.open_stream(),
                                libvirt.VIR_ERR_OPERATION_FAILED,
                                "operation failed: Active console session exists for this domain")
        self.transmit(b"1")
        self.assertEqual(self.recv_exactly(st, 1), b"1")
        st.finish()

    def test_force_takes_over(self):
        other = libvirt.open(self.daemon.uri)
        self.addCleanup(other.close)
        old = self.open_stream(conn=other)
        new = self.open_stream(flags=libvirt.VIR_DOMAIN_CONSOLE_FORCE)
        self.assertLibvirtError(lambda: old.recv(1), libvirt.VIR_ERR_RPC,
                                "stream had I/O failure")
        self.transmit(b"2")
        self.assertEqual(self.recv_exactly(new, 1), b"2")
        new.send(b"Y")
        self.assertEqual(self.uart_receive(), ord("Y"))
        new.finish()

    def test_client_gone_frees_console(self):
        other = libvirt.open(self.daemon.uri)
        self.open_stream(conn=other)
        other.close()
        # the daemon notices the hang-up in its main loop, soon after
        st = vbtest.wait_for(lambda: self._try_open(), TIMEOUT, "the console to be free")
        self.transmit(b"3")
        self.assertEqual(self.recv_exactly(st, 1), b"3")
        st.finish()

    def _try_open(self):
        try:
            return self.open_stream()
        except libvirt.libvirtError as e:
            if e.get_error_code() != libvirt.VIR_ERR_OPERATION_FAILED:
                raise
            return None

    def test_destroy_ends_stream(self):
        st = self.open_stream()
        self.dom.destroy()
        self.assertEqual(st.recv(16), b"")
        st.finish()
        # the pty is gone, and so is its entry: a new start opens afresh
        self.dom.create()
        st = self.open_stream()
        self.transmit(b"4")
        self.assertEqual(self.recv_exactly(st, 1), b"4")
        st.finish()

    def test_errors(self):
        self.assertLibvirtError(lambda: self.open_stream(devname="nosuch"),
                                libvirt.VIR_ERR_INTERNAL_ERROR,
                                "internal error: cannot find character device nosuch")
        self.assertLibvirtError(lambda: self.open_stream(flags=0x100),
                                libvirt.VIR_ERR_INVALID_ARG,
                                "unsupported flags (0x100) in function qemuDomainOpenConsole")
        ro = libvirt.openReadOnly(self.daemon.uri_ro)
        self.addCleanup(ro.close)
        self.assertLibvirtError(lambda: self.open_stream(conn=ro),
                                libvirt.VIR_ERR_OPERATION_DENIED,
                                "operation forbidden: read only access prevents "
                                "virDomainOpenConsole")
        self.dom.destroy()
        self.assertLibvirtError(lambda: self.open_stream(),
                                libvirt.VIR_ERR_OPERATION_INVALID,
                                "Requested operation is not valid: domain is not running")

    def test_file_serial(self):
        self.dom.destroy()
        log = os.path.join(self.tmp, "serial.log")
        xmlpath = os.path.join(self.tmp, "filevm.xml")
        with open(xmlpath, "w") as fh:
            fh.write(vbtest.domain_xml("filevm", [], extra_devices="""
    <serial type='file'>
      <source path='%s'/>
      <target port='0'/>
    </serial>""" % escape(log)))
        self.daemon.virsh("define", xmlpath)
        self.daemon.virsh("start", "filevm")
        dom = self.conn.lookupByName("filevm")
        for devname in (None, "serial0"):
            st = self.conn.newStream(0)
            self.assertLibvirtError(lambda: dom.openConsole(devname, st, 0),
                                    libvirt.VIR_ERR_INTERNAL_ERROR,
                                    "internal error: character device serial0 is not using a "
                                    "PTY")

    def test_unix_serial(self):
        # QEMU listens on the socket the definition names; the console
        # stream is a pty's only, as in libvirt
        self.dom.destroy()
        sock = os.path.join(self.tmp, "serial.sock")
        xmlpath = os.path.join(self.tmp, "unixvm.xml")
        with open(xmlpath, "w") as fh:
            fh.write(vbtest.domain_xml("unixvm", [], extra_devices="""
    <serial type='unix'>
      <source mode='bind' path='%s'/>
      <target port='0'/>
    </serial>""" % escape(sock)))
        self.daemon.virsh("define", xmlpath)
        self.daemon.virsh("start", "unixvm")
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(sock)
        xml = self.daemon.virsh("dumpxml", "unixvm").stdout
        self.assertEqual(xml.count("<source mode='bind' path='%s'/>" % escape(sock)), 2,
                         "the serial port and its implied console")
        dom = self.conn.lookupByName("unixvm")
        st = self.conn.newStream(0)
        self.assertLibvirtError(lambda: dom.openConsole(None, st, 0),
                                libvirt.VIR_ERR_INTERNAL_ERROR,
                                "internal error: character device serial0 is not using a PTY")

    def test_no_console(self):
        self.dom.destroy()
        xmlpath = os.path.join(self.tmp, "bare.xml")
        with open(xmlpath, "w") as fh:
            fh.write(vbtest.domain_xml("bare", []))
        self.daemon.virsh("define", xmlpath)
        self.daemon.virsh("start", "bare")
        st = self.conn.newStream(0)
        self.assertLibvirtError(lambda: self.conn.lookupByName("bare").openConsole(None, st, 0),
                                libvirt.VIR_ERR_INTERNAL_ERROR,
                                "internal error: cannot find character device <null>")


class VirshConsole:
    """The stock `virsh console` on a pty of its own, as a user runs it."""

    def __init__(self, daemon, *args):
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(["virsh", "-c", daemon.uri, "console", "vm"] + list(args),
                                     stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True)
        os.close(slave)
        self.out = b""

    def wait_for(self, text, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while text not in self.out:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("timed out waiting for %r; virsh wrote %r" % (text, self.out))
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # EIO: virsh exited and its side closed
                    chunk = b""
                if not chunk:
                    raise AssertionError("virsh closed its terminal waiting for %r; it wrote %r"
                                         % (text, self.out))
                self.out += chunk
        return self.out

    def wait_open(self, test):
        """virsh prints its banner before it opens the console, and QEMU
        drops what it transmits while nobody has the pty open: send a
        marker until one shows up."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            test.transmit(b"~")
            try:
                return self.wait_for(b"~", 0.5)
            except AssertionError:
                if time.monotonic() > deadline:
                    raise

    def type(self, data):
        os.write(self.master, data)

    def wait_exit(self):
        """Waits for virsh to end, collecting what it writes; its status."""
        deadline = time.monotonic() + TIMEOUT
        while self.proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.out += os.read(self.master, 4096)
                except OSError:
                    pass
        return self.proc.wait(max(deadline - time.monotonic(), 0.1))

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


class VirshConsoleTest(ConsoleTestCase):
    def virsh_console(self, *args):
        con = VirshConsole(self.daemon, *args)
        self.addCleanup(con.close)
        return con

    def test_virsh_console_force_and_escape(self):
        first = self.virsh_console()
        first.wait_for(b"Escape character is ^] (Ctrl + ])")
        first.wait_open(self)
        self.transmit(b"from the guest")
        first.wait_for(b"from the guest")

        second = self.virsh_console()
        self.assertEqual(second.wait_exit(), 1)
        self.assertIn(b"error: operation failed: Active console session exists for this domain",
                      second.out)

        third = self.virsh_console("--force")
        third.wait_for(b"Escape character is ^]")
        self.assertEqual(first.wait_exit(), 1)
        self.assertIn(b"stream had I/O failure", first.out)

        third.wait_open(self)
        third.type(b"K")
        self.assertEqual(self.uart_receive(), ord("K"))
        self.transmit(b"still here")
        third.wait_for(b"still here")
        third.type(CTRL_RIGHT_BRACKET)
        self.assertEqual(third.wait_exit(), 0)

        # the console is free again once virsh left it
        st = self.open_stream()
        st.finish()


SHELL_GUEST = """<domain type='qemu'>
  <name>vm</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    %s
  </os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>%s
  </devices>
</domain>
"""


class RealGuestConsoleTest(ConsoleTestCase):
    """The test guest's busy box shell on its serial console.  The domain
    starts paused and runs once the console is open: QEMU drops what the
    guest prints while nobody holds the pty."""

    guest = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU or libvirt is None:
            return
        cls.guest = vbguest.build()

    def define_vm(self):
        path = os.path.join(self.tmp, "vm.xml")
        with open(path, "w") as fh:
            fh.write(SHELL_GUEST % (self.guest.os_xml(vbguest.cmdline("shell")), SERIAL))
        self.daemon.virsh("define", path)
        self.daemon.virsh("start", "--paused", "vm")

    def test_shell_through_virsh_console(self):
        con = VirshConsole(self.daemon)
        self.addCleanup(con.close)
        con.wait_for(b"Escape character is ^]")
        con.wait_open(self)
        self.dom.resume()
        con.wait_for(b"vbguest: ready mode=shell", BOOT_TIMEOUT)
        # the echo of the typed line holds "$((2 + 3))", the output "5"
        con.type(b'echo "vbguest: sum $((2 + 3))"\r')
        con.wait_for(b"vbguest: sum 5\r\n")
        # the shell's end powers the guest off: the stream ends, virsh too
        con.type(b"exit\r")
        self.assertEqual(con.wait_exit(), 0)
        self.assertIn(b"vbguest: poweroff", con.out)
        vbtest.wait_for(lambda: not self.dom.isActive(), TIMEOUT, "the domain to stop")

    def test_shell_through_stream(self):
        st = self.open_stream()
        self.dom.resume()
        out = b""
        while b"vbguest: ready mode=shell" not in out:
            chunk = st.recv(4096)
            self.assertTrue(chunk, "the stream ended before the banner: %r" % out)
            out += chunk
        st.send(b'echo "vbguest: sum $((6 * 7))"\n')
        while not re.search(rb"vbguest: sum 42\r?\n", out):
            chunk = st.recv(4096)
            self.assertTrue(chunk, "the stream ended before the answer: %r" % out)
            out += chunk
        st.send(b"exit\n")
        while True:
            chunk = st.recv(4096)
            if not chunk:
                break  # QEMU is gone: the end of the pty's data
            out += chunk
        st.finish()
        self.assertIn(b"vbguest: poweroff", out)


if __name__ == "__main__":
    vbtest.main()
