#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""VNC, input and video devices with a real guest under virtblockd.

Two domains of the small test guest (tests/guest/make-guest.sh), each with
a virtio tablet, a VNC server with autoport and a virtio video, boot to the
guest's banner.  The test checks what a VNC client relies on: `virsh
vncdisplay` and `virsh domdisplay` answer the port from the live XML, a
server there speaks RFB, the two domains got different ports, the password
is in the XML only with --security-info and QEMU asks for it, and after
`virsh destroy` the port is free again and the definition says port='-1'.
Every wait is bounded; every process and file goes with the test."""

import contextlib
import errno
import os
import re
import socket
import sys
import time
from xml.sax.saxutils import escape

import libvirt

import vbguest
import vbtest

BOOT_TIMEOUT = 180
RFB_GREETING = b"RFB 003.008\n"
# RFB security types (RFC 6143, 7.1.2)
RFB_SECURITY_NONE = 1
RFB_SECURITY_VNC = 2


def guest_xml(name, guest, serial_log, passwd=None):
    passwd_attr = " passwd='%s'" % escape(passwd) if passwd else ""
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    %s
  </os>
  <features><acpi/><apic/></features>
  <clock offset='utc'/>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'>
      <source path='%s'/>
      <target port='0'/>
    </serial>
    <input type='tablet' bus='virtio'/>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'%s/>
    <video>
      <model type='virtio'/>
    </video>
  </devices>
</domain>
""" % (name, guest.os_xml(vbguest.cmdline("idle")), escape(serial_log), passwd_attr)


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise AssertionError("the VNC server closed after %r" % data)
        data += chunk
    return data


def rfb_security_types(port):
    """Connects to the VNC server on @port, checks its greeting, answers it
    and returns the security types it offers."""
    with contextlib.closing(socket.create_connection(("127.0.0.1", port), timeout=30)) as s:
        s.settimeout(30)
        greeting = recv_exactly(s, len(RFB_GREETING))
        if greeting != RFB_GREETING:
            raise AssertionError("not an RFB 3.8 greeting: %r" % greeting)
        s.sendall(RFB_GREETING)
        count = recv_exactly(s, 1)[0]
        if count == 0:
            raise AssertionError("the VNC server refused the connection")
        return list(recv_exactly(s, count))


def port_bindable(port):
    """Whether a listener could take @port on 127.0.0.1 now: nobody holds it."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                return False
            raise


class GraphicsTest(vbtest.DaemonTestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU:
            return
        t0 = time.monotonic()
        cls.guest = vbguest.build()
        print("\nguest %s ready in %.1f s" % (cls.guest.key, time.monotonic() - t0),
              file=sys.stderr)

    def start_vm(self, name, passwd=None):
        log = os.path.join(self.tmp, name + "-serial.log")
        self.extra_logs.append(log)
        path = os.path.join(self.tmp, name + ".xml")
        with open(path, "w") as fh:
            fh.write(guest_xml(name, self.guest, log, passwd))
        self.daemon.virsh("define", path)
        self.daemon.virsh("start", name)
        return log

    def wait_banner(self, name, log):
        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(conn.close)
        dom = conn.lookupByName(name)
        deadline = time.monotonic() + BOOT_TIMEOUT
        while not vbguest.READY_RE.search(vbguest.read_log(log)):
            if not dom.isActive():
                self.fail("%s stopped before its banner:\n%s" % (name, vbguest.read_log(log)))
            if time.monotonic() > deadline:
                self.fail("no banner from %s after %d s" % (name, BOOT_TIMEOUT))
            time.sleep(0.1)

    def vnc_port(self, name):
        """The port of @name's VNC server, from `virsh vncdisplay` and
        `virsh domdisplay`, which must agree with the live XML."""
        display = self.daemon.virsh("vncdisplay", name).stdout.strip()
        m = re.fullmatch(r"127\.0\.0\.1:(\d+)", display)
        self.assertTrue(m, "vncdisplay said %r" % display)
        port = 5900 + int(m.group(1))
        uri = self.daemon.virsh("domdisplay", name).stdout.strip()
        self.assertEqual(uri, "vnc://127.0.0.1:%d" % int(m.group(1)))
        xml = self.daemon.virsh("dumpxml", name).stdout
        self.assertIn("<graphics type='vnc' port='%d' autoport='yes' listen='127.0.0.1'>" %
                      port, xml)
        return port

    def test_vnc_autoport_two_domains(self):
        log1 = self.start_vm("vm1")
        log2 = self.start_vm("vm2", passwd="s3cret")
        self.wait_banner("vm1", log1)
        self.wait_banner("vm2", log2)

        port1 = self.vnc_port("vm1")
        port2 = self.vnc_port("vm2")
        self.assertNotEqual(port1, port2)
        self.assertGreaterEqual(min(port1, port2), 5900)

        # a server speaks RFB on each port; the one with a password asks
        # for it (QEMU got it over QMP), the other lets clients in
        self.assertEqual(rfb_security_types(port1), [RFB_SECURITY_NONE])
        self.assertEqual(rfb_security_types(port2), [RFB_SECURITY_VNC])
        log = self.daemon.log(None)
        self.assertRegex(log, r'"execute":"set_password","arguments":\{"protocol":"vnc"')
        self.assertRegex(log, r'"execute":"expire_password","arguments":'
                         r'\{"protocol":"vnc","time":"never"\}')
        # the debug log shows the command, not the password
        self.assertNotIn("s3cret", log)

        # the password leaves the daemon only when asked for
        self.assertNotIn("passwd=", self.daemon.virsh("dumpxml", "vm2").stdout)
        self.assertIn("passwd='s3cret'",
                      self.daemon.virsh("dumpxml", "--security-info", "vm2").stdout)
        # not to a read-only client, even one whose library does not know
        # its socket is read-only: the daemon checks
        proc = self.daemon.virsh("dumpxml", "--security-info", "vm2", ro=True, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("operation forbidden: virDomainGetXMLDesc with secure flag", proc.stderr)
        self.assertNotIn("s3cret", proc.stdout)
        self.assertEqual(self.daemon.virsh("domdisplay", "--include-password",
                                           "vm2").stdout.strip(),
                         "vnc://:s3cret@127.0.0.1:%d" % (port2 - 5900))

        # destroy frees the port, and the definition is what the user gave
        self.daemon.virsh("destroy", "vm1")
        vbtest.wait_for(lambda: port_bindable(port1), 30, "port %d to be free" % port1)
        xml = self.daemon.virsh("dumpxml", "vm1").stdout
        self.assertIn("<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>", xml)
        proc = self.daemon.virsh("vncdisplay", "vm1", check=False)
        self.assertNotEqual(proc.returncode, 0)

        # started again, vm1 gets the lowest free port: its old one, given
        # back at destroy, or a lower one another program freed meanwhile
        self.daemon.virsh("start", "vm1")
        port1b = self.vnc_port("vm1")
        self.assertLessEqual(port1b, port1)
        self.assertNotEqual(port1b, port2)
        self.assertEqual(rfb_security_types(port1b), [RFB_SECURITY_NONE])


class NoGuestTest(vbtest.DaemonTestCase):
    """No guest needed: QEMU with no OS runs its firmware, enough for VNC."""

    def test_fixed_port_taken_by_another_domain(self):
        port = next(p for p in range(5990, 6100) if port_bindable(p))
        graphics = "\n    <graphics type='vnc' port='%d' autoport='no' listen='127.0.0.1'/>" % port
        for name in ("fa", "fb"):
            self.define(name, [], start=False, extra_devices=graphics)
        self.daemon.virsh("start", "fa")
        # the second is refused as libvirt refuses it, before QEMU runs;
        # twice: its failed start must not give back the port fa holds
        for _ in range(2):
            proc = self.daemon.virsh("start", "fb", check=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("internal error: Failed to reserve port %d" % port, proc.stderr)
        self.daemon.virsh("destroy", "fa")
        vbtest.wait_for(lambda: port_bindable(port), 30, "port %d to be free" % port)
        self.daemon.virsh("start", "fb")
        self.assertIn("port='%d'" % port, self.daemon.virsh("dumpxml", "fb").stdout)
        self.daemon.virsh("destroy", "fb")

    def test_socket_made_by_the_daemon_goes_at_stop(self):
        graphics = "\n    <graphics type='vnc'><listen type='socket'/></graphics>"
        self.define("fs", [], start=False, extra_devices=graphics)
        for _ in range(2):
            self.daemon.virsh("start", "fs")
            xml = self.daemon.virsh("dumpxml", "fs").stdout
            m = re.search(r"<listen type='socket' socket='([^']+)'/>", xml)
            self.assertTrue(m, xml)
            self.assertTrue(os.path.exists(m.group(1)))
            self.daemon.virsh("destroy", "fs")
            self.assertFalse(os.path.exists(m.group(1)))


if __name__ == "__main__":
    vbtest.main()
