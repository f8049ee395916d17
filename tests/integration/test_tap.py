#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Interfaces on taps, and the test guest on a network.

- user networking: the guest gets a DHCP lease from QEMU's slirp;
- in a network namespace the test creates (the daemon, and so QEMU, run
  in it through `ip netns exec`): a bridge with an address; the guest's
  tap (vnet0, as the live XML says) is enslaved to it, the guest sets a
  static address and answers a ping from the namespace; the tap is kept
  over a daemon restart and gone after the domain stops, also when QEMU
  died while the daemon was away;
- type 'ethernet': the daemon's tap by the name given, with the MTU of
  <mtu>, up; managed='no' opens an existing tap and leaves it;
- virsh domifaddr --source arp finds the guest in the namespace's ARP
  table;
- libvirt's errors for a name a device has, a missing bridge and a
  device that is no bridge, with nothing created.

The namespace is deleted at the end.  Every wait is bounded."""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import libvirt

import test_realguest
import vbevents
import vbguest
import vbtest

BRIDGE = "vbbr0"
HOST_ADDR = "192.168.123.1/24"
GUEST_ADDR = "192.168.123.2"
LEASE_RE = re.compile(r"^vbguest: net lease (\S+)\s*$", re.M)
STATIC_RE = re.compile(r"^vbguest: net (static \S+|failed .*?)\s*$", re.M)
READY_RE = re.compile(r"^vbguest: ready ", re.M)

# An ICMP echo from the namespace: no ping binary is needed on the host
PING = r"""
import os, socket, struct, sys, time
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(1.0)
ident = os.getpid() & 0xffff
hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"virtblockd-ping!"
pkt = hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:]
s.sendto(pkt, (sys.argv[1], 0))
end = time.monotonic() + 1.0
while time.monotonic() < end:
    try:
        data, addr = s.recvfrom(1500)
    except socket.timeout:
        break
    icmp = data[(data[0] & 15) * 4:]
    if addr[0] == sys.argv[1] and icmp[0] == 0 and struct.unpack("!H", icmp[4:6])[0] == ident:
        print("reply"); sys.exit(0)
sys.exit(1)
"""


def nic_xml(kind, source=None, target=None, managed=None, model="virtio", mtu=None,
            mac="52:54:00:7a:70:01"):
    src = "\n      <source bridge='%s'/>" % source if source else ""
    tgt = ""
    if target:
        tgt = "\n      <target dev='%s'%s/>" % (target, " managed='%s'" % managed if managed else "")
    mtu_xml = "\n      <mtu size='%d'/>" % mtu if mtu else ""
    return """
    <interface type='%s'>
      <mac address='%s'/>%s%s
      <model type='%s'/>%s
    </interface>""" % (kind, mac, src, tgt, model, mtu_xml)


class TapGuestBase(vbtest.DaemonTestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        if not vbtest.SKIP_NO_QEMU:
            cls.guest = vbguest.build()

    define = test_realguest.RealGuestTest.define
    wait_log = test_realguest.RealGuestTest.wait_log

    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)

    def guest_with(self, nic, net):
        cmdline = vbguest.cmdline("idle", agent="off", net=net)
        xml = test_realguest.guest_xml("vm", self.guest, cmdline, serial_log=self.log)
        return xml.replace("\n  </devices>", nic + "\n  </devices>")


class UserNetTest(TapGuestBase):
    def test_dhcp_lease_on_user_networking(self):
        self.define(self.guest_with(nic_xml("user"), "dhcp"))
        m = self.wait_log(LEASE_RE, "a DHCP lease", 120)
        # slirp's first address
        self.assertEqual(m.group(1), "10.0.2.15")


class NetnsTapTest(TapGuestBase):
    """The daemon in a namespace of the test's own, with a bridge."""

    def daemon_prefix(self):
        if os.geteuid() != 0 or not shutil.which("ip") or not os.path.exists("/dev/net/tun"):
            self.skipTest("needs root, ip and /dev/net/tun")
        self.ns = "vbtap-%d-%d" % (os.getpid(), int(time.monotonic() * 1000) % 100000)
        vbtest.run(["ip", "netns", "add", self.ns])
        self.addCleanup(vbtest.run, ["ip", "netns", "delete", self.ns])
        for cmd in (["link", "set", "lo", "up"],
                    ["link", "add", BRIDGE, "type", "bridge"],
                    ["addr", "add", HOST_ADDR, "dev", BRIDGE],
                    ["link", "set", BRIDGE, "up"]):
            self.ip(*cmd)
        return ["ip", "netns", "exec", self.ns]

    def ip(self, *args, check=True):
        return vbtest.run(["ip", "-n", self.ns] + list(args), check=check)

    def links(self):
        """{name: details} of the namespace's network devices."""
        out = self.ip("-d", "-j", "link", "show").stdout
        return {link["ifname"]: link for link in json.loads(out)}

    def taps(self):
        return sorted(name for name, link in self.links().items()
                      if link.get("linkinfo", {}).get("info_kind") == "tun")

    def ping(self, addr):
        return subprocess.run(["ip", "netns", "exec", self.ns, sys.executable, "-c", PING, addr],
                              capture_output=True, text=True).returncode == 0

    def start_plain(self, name, nic, check=True):
        """A domain without an OS (QEMU idles in its firmware) on @nic."""
        path = os.path.join(self.tmp, name + ".xml")
        with open(path, "w") as fh:
            fh.write(vbtest.domain_xml(name, [], extra_devices=nic))
        self.daemon.virsh("define", path)
        return self.daemon.virsh("start", name, check=check)

    def test_guest_on_bridge_answers_ping(self):
        self.define(self.guest_with(nic_xml("bridge", source=BRIDGE),
                                    GUEST_ADDR + "/24"))
        # the live XML names the tap as libvirt's does; the definition not
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertIn("<target dev='vnet0'/>", live)
        self.assertNotIn("<target dev=",
                         self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        link = self.links()["vnet0"]
        self.assertEqual(link.get("master"), BRIDGE)
        self.assertIn("UP", link["flags"])
        # the tap's own address is the guest's with another first byte
        self.assertEqual(link["address"], "fe:54:00:7a:70:01")
        self.assertEqual(self.taps(), ["vnet0"])

        m = self.wait_log(STATIC_RE, "the guest's address", 120)
        self.assertEqual(m.group(1), "static %s/24" % GUEST_ADDR)
        vbtest.wait_for(lambda: self.ping(GUEST_ADDR), 60, "the guest to answer a ping")
        # the host's counters of the tap, turned round, by name and by MAC
        stats = self.daemon.virsh("domifstat", "vm", "vnet0").stdout
        self.assertRegex(stats, r"vnet0 rx_packets [1-9]")
        self.daemon.virsh("domifstat", "vm", "52:54:00:7a:70:01")
        self.assertIn("vnet0", self.daemon.virsh("domiflist", "vm").stdout)
        # the namespace's ARP table has the guest now, as libvirt reads it
        arp = self.daemon.virsh("domifaddr", "vm", "--source", "arp").stdout
        self.assertRegex(arp, r"vnet0\s+52:54:00:7a:70:01\s+ipv4\s+192\.168\.123\.2/0")
        # no libvirt network, so no leases
        self.assertNotIn("vnet0", self.daemon.virsh("domifaddr", "vm").stdout)

        # a restart with the domain running keeps the tap, and the name
        self.daemon.kill9()
        self.daemon.start()
        self.assertIn("<target dev='vnet0'/>", self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertEqual(self.taps(), ["vnet0"])
        vbtest.wait_for(lambda: self.ping(GUEST_ADDR), 60, "the guest to answer a ping after the restart")

        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.taps(), [])
        self.assertIn(BRIDGE, self.links())

    def test_tap_gone_when_qemu_died_while_daemon_away(self):
        self.start_plain("plain", nic_xml("bridge", source=BRIDGE))
        self.assertEqual(self.taps(), ["vnet0"])
        pids = self.daemon.qemu_pids()
        self.daemon.kill9()
        for pid in pids:
            os.kill(pid, 9)
            vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 10, "QEMU to die")
        self.daemon.start()
        self.assertEqual(self.daemon.virsh("domstate", "plain").stdout.strip(), "shut off")
        self.assertEqual(self.taps(), [])
        # the next start takes the next name: vnet0 is not reused at once
        self.daemon.virsh("start", "plain")
        self.assertEqual(self.taps(), ["vnet1"])
        self.daemon.virsh("destroy", "plain")
        self.assertEqual(self.taps(), [])

    def test_ethernet_tap_named_with_mtu(self):
        self.start_plain("eth", nic_xml("ethernet", target="vbguest0", mtu=1400, model="e1000e"))
        link = self.links()["vbguest0"]
        self.assertEqual(link["mtu"], 1400)
        self.assertIn("UP", link["flags"])
        self.assertNotIn("master", link)
        self.assertIn("<target dev='vbguest0'/>", self.daemon.virsh("dumpxml", "eth").stdout)
        self.daemon.virsh("destroy", "eth")
        self.assertEqual(self.taps(), [])

    def test_ethernet_managed_no_leaves_the_tap(self):
        self.ip("tuntap", "add", "vbext0", "mode", "tap")
        self.start_plain("ext", nic_xml("ethernet", target="vbext0", managed="no"))
        self.assertIn("<target dev='vbext0' managed='no'/>",
                      self.daemon.virsh("dumpxml", "ext").stdout)
        self.daemon.virsh("destroy", "ext")
        self.assertEqual(self.taps(), ["vbext0"])

    def test_bad_host_devices_create_nothing(self):
        # a device that is no bridge: a tap of the test's own
        self.ip("tuntap", "add", "vbnotbr0", "mode", "tap")
        cases = [
            (nic_xml("ethernet", target="lo"),
             "Requested operation is not valid: The lo interface already exists"),
            (nic_xml("ethernet", target=BRIDGE),
             "Requested operation is not valid: The %s interface already exists" % BRIDGE),
            (nic_xml("ethernet", target="vbnone0", managed="no"),
             "internal error: target managed='no' but specified dev doesn't exist"),
            (nic_xml("bridge", source="vbnobr0"),
             "Cannot get interface MTU on 'vbnobr0': No such device"),
            # (lo would fail on its MTU first, as in libvirt)
            (nic_xml("bridge", source="vbnotbr0"),
             r"Unable to add bridge vbnotbr0 port vnet\d+: Operation not supported"),
        ]
        for i, (nic, message) in enumerate(cases):
            name = "bad%d" % i
            if not message.startswith("Unable"):
                message = re.escape(message)
            proc = self.start_plain(name, nic, check=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertRegex(proc.stderr, "error: " + message)
            self.assertEqual(self.daemon.virsh("domstate", name).stdout.strip(), "shut off")
            self.assertEqual(self.taps(), ["vbnotbr0"], message)
            self.assertEqual(sorted(self.links()), ["lo", BRIDGE, "vbnotbr0"])


if __name__ == "__main__":
    vbtest.main()
