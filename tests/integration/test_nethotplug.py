#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hotplug of interfaces on taps and macvtaps, in a network namespace of
the test's own (the daemon, and so QEMU, run in it through `ip netns
exec`), with a bridge holding the host's address:

- attach-interface of a bridge NIC to the running real guest: the tap
  (vnetN) is made, enslaved and handed to QEMU; the guest sees eth0 with
  the MAC given, takes an address (through the guest agent) and answers
  a ping from the namespace; a daemon SIGKILL and restart keeps the tap
  and the ping; detach-interface: the guest lets go, the tap is gone; the
  next attach takes the next name; after another SIGKILL the restarted
  daemon's destroy leaves nothing;
- detach of a bridge NIC the domain started with; a hot-plugged ethernet
  NIC with managed='no' leaves the user's tap;
- a failed attach leaves nothing: a missing bridge, a tap name in use,
  names that are no device names, a netdev id QEMU has already
  (netdev_add fails, the descriptors go back) and a device id QEMU has
  already (device_add fails, the netdev goes);
- update-device with another <source bridge> moves the (multiqueue) tap,
  kept over a daemon SIGKILL on either bridge; a bridge that is not
  there is refused and changes nothing;
- type 'direct': a macvtap on a veth parent (this kernel has no dummy
  devices) at start, in bridge mode, with the guest's MAC, answering a
  ping from the parent's peer; a second one hot-plugged (vepa) and
  unplugged; a missing parent, passthrough, a bad name and a name in use
  refused with nothing left; another mode or parent refused by
  update-device; domifstat counts UDP sent to the guest as its rx; a
  netdev_del that fails on unplug keeps the interface and its macvtap;
  kept over a daemon SIGKILL and deleted with the domain; QEMU stopped
  mid-attach and the daemon killed: the successor still deletes the
  macvtap;
- a start failing on a later interface deletes the earlier macvtaps, not
  another's macvtap the failing one names; a daemon killed while starting
  (blocked on QEMU's log, a FIFO) once the macvtap is made: its
  successor deletes it; <link state='down'/>, a <target dev> template and
  <mtu> on a plain domain, at start and by hotplug: the macvtap (and a
  parent down) up, named from the template, with the MTU.

The namespace is deleted at the end.  Every wait is bounded."""

import json
import os
import signal
import subprocess
import sys

import test_hotplug
import test_tap
import vbevents
import vbtest

BRIDGE = test_tap.BRIDGE
BRIDGE2 = "vbbr1"
GUEST_ADDR = test_tap.GUEST_ADDR
MAC = "52:54:00:7a:70:11"
MAC2 = "52:54:00:7a:70:12"
# sends argv[2] UDP datagrams to port 9 of argv[1]
UDP_FLOOD = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(b"x" * 64, (sys.argv[1], 9))
"""


def bridge_nic(bridge, mac=MAC, model="virtio", queues=None):
    return ("<interface type='bridge'>\n"
            "  <mac address='%s'/>\n"
            "  <source bridge='%s'/>\n"
            "  <model type='%s'/>%s\n"
            "</interface>" % (mac, bridge, model,
                              "\n  <driver queues='%d'/>" % queues if queues else ""))


def direct_nic(dev, mode, mac=MAC, target=None, extra=""):
    return ("<interface type='direct'>\n"
            "  <mac address='%s'/>\n"
            "  <source dev='%s'%s/>\n%s"
            "  <model type='virtio'/>%s\n"
            "</interface>" % (mac, dev, " mode='%s'" % mode if mode else "",
                              "  <target dev='%s'/>\n" % target if target else "", extra))


class NetHotplugTest(vbtest.DaemonTestCase):
    guest = None

    define = test_hotplug.HotplugTest.define
    wait_log = test_hotplug.HotplugTest.wait_log
    _register_device_events = test_hotplug.HotplugTest._register_device_events
    start_guest = test_hotplug.HotplugTest.start_guest
    guest_exec = test_hotplug.HotplugTest.guest_exec
    write = test_hotplug.HotplugTest.write
    refused = test_hotplug.HotplugTest.refused
    daemon_prefix = test_tap.NetnsTapTest.daemon_prefix
    ip = test_tap.NetnsTapTest.ip
    links = test_tap.NetnsTapTest.links
    taps = test_tap.NetnsTapTest.taps
    ping = test_tap.NetnsTapTest.ping
    start_plain = test_tap.NetnsTapTest.start_plain

    @classmethod
    def setUpClass(cls):
        if not vbtest.SKIP_NO_QEMU:
            cls.guest = test_hotplug.vbguest.build()

    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self._register_device_events()

    def guest_nics(self):
        return sorted(self.guest_exec("/bin/ls", "/sys/class/net").split())

    def hmp(self, command):
        return self.daemon.virsh("qemu-monitor-command", "vm", "--hmp", command).stdout

    def test_bridge_nic_attach_ping_detach(self):
        self.start_guest()
        self.assertEqual(self.taps(), [])
        self.assertEqual(self.guest_nics(), ["lo"])
        conf0 = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout

        self.daemon.virsh("attach-interface", "vm", "bridge", BRIDGE, "--model", "virtio",
                          "--mac", MAC, "--live")
        self.events.wait(lambda e: e == ("added", "vm", "net0"), 30)
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertRegex(live, r"<interface type='bridge'>\s*<mac address='%s'/>\s*"
                               r"<source bridge='%s'/>\s*<target dev='vnet0'/>" % (MAC, BRIDGE))
        # --live only: the definition is as it was
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, conf0)
        link = self.links()["vnet0"]
        self.assertEqual(link.get("master"), BRIDGE)
        self.assertIn("UP", link["flags"])
        self.assertEqual(link["address"], "fe" + MAC[2:])
        self.assertEqual(self.taps(), ["vnet0"])

        vbtest.wait_for(lambda: "eth0" in self.guest_nics(), 60, "the guest to see eth0")
        self.assertEqual(self.guest_exec("/bin/cat", "/sys/class/net/eth0/address").strip(), MAC)
        self.guest_exec("/bin/busybox", "ip", "addr", "add", GUEST_ADDR + "/24", "dev", "eth0")
        self.guest_exec("/bin/busybox", "ip", "link", "set", "eth0", "up")
        vbtest.wait_for(lambda: self.ping(GUEST_ADDR), 60, "the guest to answer a ping")

        # a restart with the NIC plugged keeps the tap and its name
        self.daemon.kill9()
        self.daemon.start()
        self.assertIn("<target dev='vnet0'/>", self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertEqual(self.taps(), ["vnet0"])
        vbtest.wait_for(lambda: self.ping(GUEST_ADDR), 60,
                        "the guest to answer a ping after the restart")

        self.daemon.virsh("detach-interface", "vm", "bridge", "--mac", MAC, "--live")
        # (the event recorder's connection went with the first daemon)
        vbtest.wait_for(lambda: "<interface" not in self.daemon.virsh("dumpxml", "vm").stdout,
                        30, "the interface to go")
        vbtest.wait_for(lambda: self.guest_nics() == ["lo"], 60, "the guest to let go of eth0")
        self.assertNotIn("hostnet0", self.hmp("info network"))
        self.assertEqual(self.taps(), [])

        # attach-device --live --config: both definitions, the next name
        nic = self.write("nic.xml", bridge_nic(BRIDGE))
        self.daemon.virsh("attach-device", "vm", nic, "--live", "--config")
        self.assertIn("<target dev='vnet1'/>", self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertIn(MAC, self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        self.assertEqual(self.taps(), ["vnet1"])
        # killed with the NIC plugged: the restarted daemon's destroy
        # leaves nothing
        self.daemon.kill9()
        self.daemon.start()
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.taps(), [])
        self.assertEqual(sorted(self.links()), ["lo", BRIDGE])

    def test_detach_nic_started_with_the_domain(self):
        self.start_guest(extra=bridge_nic(BRIDGE))
        self.assertEqual(self.taps(), ["vnet0"])
        vbtest.wait_for(lambda: "eth0" in self.guest_nics(), 60, "the guest to see eth0")
        self.daemon.virsh("detach-interface", "vm", "bridge", "--mac", MAC, "--live")
        self.events.wait(lambda e: e == ("removed", "vm", "net0"), 30)
        vbtest.wait_for(lambda: self.guest_nics() == ["lo"], 60, "the guest to let go of eth0")
        self.assertEqual(self.taps(), [])
        # the definition keeps it: the next start has it again
        self.daemon.virsh("destroy", "vm")
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.taps(), ["vnet1"])
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.taps(), [])

    def test_managed_no_tap_stays(self):
        self.start_guest()
        self.ip("tuntap", "add", "vbext0", "mode", "tap")
        nic = self.write("ext.xml", "<interface type='ethernet'>\n"
                                    "  <mac address='%s'/>\n"
                                    "  <target dev='vbext0' managed='no'/>\n"
                                    "  <model type='virtio'/>\n"
                                    "</interface>" % MAC)
        self.daemon.virsh("attach-device", "vm", nic, "--live")
        self.assertIn("<target dev='vbext0' managed='no'/>",
                      self.daemon.virsh("dumpxml", "vm").stdout)
        vbtest.wait_for(lambda: "eth0" in self.guest_nics(), 60, "the guest to see eth0")
        self.daemon.virsh("detach-device", "vm", nic, "--live")
        self.events.wait(lambda e: e == ("removed", "vm", "net0"), 30)
        self.assertEqual(self.taps(), ["vbext0"])
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.taps(), ["vbext0"])

    def test_failed_attach_leaves_nothing(self):
        self.start_guest()
        live0 = self.daemon.virsh("dumpxml", "vm").stdout
        network0 = self.hmp("info network")

        def unchanged():
            self.assertEqual(self.taps(), [])
            self.assertEqual(sorted(self.links()), ["lo", BRIDGE])
            self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)

        nobr = self.write("nobr.xml", bridge_nic("vbnobr0"))
        self.refused(("attach-device", "vm", nobr),
                     "Cannot get interface MTU on 'vbnobr0': No such device")
        unchanged()
        lo = self.write("lo.xml", "<interface type='ethernet'>\n"
                                  "  <target dev='lo'/>\n"
                                  "  <model type='virtio'/>\n"
                                  "</interface>")
        self.refused(("attach-device", "vm", lo),
                     "Requested operation is not valid: The lo interface already exists")
        unchanged()

        # names that are no device names, refused when parsed
        for xml, message in (
                ("<interface type='ethernet'><target dev='../tap0'/></interface>",
                 "target dev '../tap0' is not a network device name"),
                (bridge_nic("br/0"), "bridge 'br/0' is not a network device name"),
                (direct_nic("eth0123456789abc", "bridge"),
                 "source dev 'eth0123456789abc' is not a network device name")):
            bad = self.write("bad.xml", xml)
            self.refused(("attach-device", "vm", bad), message)
            unchanged()

        # QEMU has a netdev of the id the NIC's backend would get
        self.daemon.virsh("qemu-monitor-command", "vm", json.dumps(
            {"execute": "netdev_add", "arguments": {"type": "user", "id": "hostnet0"}}))
        nic = self.write("nic.xml", bridge_nic(BRIDGE))
        self.refused(("attach-device", "vm", nic), "hostnet0")
        unchanged()
        self.daemon.virsh("qemu-monitor-command", "vm", json.dumps(
            {"execute": "netdev_del", "arguments": {"id": "hostnet0"}}))
        self.assertEqual(self.hmp("info network"), network0)

        # QEMU has a device of the NIC's id: device_add fails, the netdev
        # made for it goes again
        self.daemon.virsh("qemu-monitor-command", "vm", json.dumps(
            {"execute": "device_add", "arguments": {"driver": "usb-kbd", "id": "net0"}}))
        self.refused(("attach-device", "vm", nic), "net0")
        unchanged()
        self.assertEqual(self.hmp("info network"), network0)

        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.taps(), [])

    def test_update_moves_tap_to_other_bridge(self):
        self.ip("link", "add", BRIDGE2, "type", "bridge")
        self.ip("link", "set", BRIDGE2, "up")
        self.start_guest()
        # two queues: two descriptors of the tap passed ("fds")
        nic = self.write("nic.xml", bridge_nic(BRIDGE, queues=2))
        self.daemon.virsh("attach-device", "vm", nic, "--live", "--config")
        self.assertEqual(self.links()["vnet0"].get("master"), BRIDGE)
        self.assertIn("<driver queues='2'/>", self.daemon.virsh("dumpxml", "vm").stdout)
        vbtest.wait_for(lambda: "eth0" in self.guest_nics(), 60, "the guest to see eth0")
        # QEMU's backend has a queue per descriptor (the guest, with one
        # vCPU, uses one)
        self.assertRegex(self.hmp("info network"),
                         r"hostnet0: index=0,type=tap,fd=\d+\n.*\n \\ hostnet0: index=1,type=tap")

        other = self.write("other.xml", bridge_nic(BRIDGE2, queues=2))
        self.daemon.virsh("update-device", "vm", other, "--live")
        self.assertEqual(self.links()["vnet0"].get("master"), BRIDGE2)
        self.assertRegex(self.daemon.virsh("dumpxml", "vm").stdout,
                         r"<source bridge='%s'/>\s*<target dev='vnet0'/>" % BRIDGE2)
        # --live only: the definition keeps the first bridge
        self.assertIn("<source bridge='%s'/>" % BRIDGE,
                      self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)

        nobr = self.write("nobr.xml", bridge_nic("vbnobr0", queues=2))
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.refused(("update-device", "vm", nobr, "--live"),
                     "operation failed: bridge vbnobr0 doesn't exist")
        self.assertEqual(self.links()["vnet0"].get("master"), BRIDGE2)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live)

        # a restart on the second bridge reads it back from the status
        self.daemon.kill9()
        self.daemon.start()
        self.assertRegex(self.daemon.virsh("dumpxml", "vm").stdout,
                         r"<source bridge='%s'/>\s*<target dev='vnet0'/>" % BRIDGE2)
        self.assertEqual(self.links()["vnet0"].get("master"), BRIDGE2)

        self.daemon.virsh("update-device", "vm", nic, "--live", "--config")
        self.assertEqual(self.links()["vnet0"].get("master"), BRIDGE)
        # a restart reads the bridge back from the status
        self.daemon.kill9()
        self.daemon.start()
        self.assertIn("<source bridge='%s'/>" % BRIDGE, self.daemon.virsh("dumpxml", "vm").stdout)
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.taps(), [])

    def ifstat(self, dev):
        out = self.daemon.virsh("domifstat", "vm", dev).stdout
        return {f[1]: int(f[2]) for f in (line.split() for line in out.splitlines()) if len(f) == 3}

    def macvtaps(self):
        return sorted(name for name, link in self.links().items()
                      if link.get("linkinfo", {}).get("info_kind") == "macvtap")

    def test_macvtap_at_start_hotplug_restart(self):
        # (this kernel has no dummy devices: a veth pair is the parent)
        self.ip("link", "add", "vbpar0", "type", "veth", "peer", "name", "vbpar1")
        self.ip("link", "set", "vbpar0", "up")
        self.ip("link", "set", "vbpar1", "up")
        links0 = sorted(self.links())
        self.start_guest(extra=direct_nic("vbpar0", "bridge"))
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertRegex(live, r"<interface type='direct'>\s*<mac address='%s'/>\s*"
                               r"<source dev='vbpar0' mode='bridge'/>\s*"
                               r"<target dev='macvtap0'/>" % MAC)
        self.assertNotIn("<target dev=",
                         self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        link = self.links()["macvtap0"]
        self.assertEqual(link["address"], MAC)
        self.assertEqual(link["link"], "vbpar0")
        self.assertEqual(link["linkinfo"]["info_data"]["mode"], "bridge")
        vbtest.wait_for(lambda: "eth0" in self.guest_nics(), 60, "the guest to see eth0")
        # the guest answers over it: from the parent's veth peer through
        # the parent to the macvtap (bridge mode)
        self.ip("addr", "add", "192.168.124.1/24", "dev", "vbpar1")
        self.guest_exec("/bin/busybox", "ip", "addr", "add", "192.168.124.2/24", "dev", "eth0")
        self.guest_exec("/bin/busybox", "ip", "link", "set", "eth0", "up")
        vbtest.wait_for(lambda: self.ping("192.168.124.2"), 60,
                        "the guest to answer a ping over the macvtap")
        # a macvtap's counters are the guest's view already: packets sent
        # to the guest only (UDP to a closed port: the guest's ICMP
        # answers are rate limited) are its rx, not its tx
        stats0 = self.ifstat("macvtap0")
        subprocess.run(["ip", "netns", "exec", self.ns, sys.executable, "-c", UDP_FLOOD,
                        "192.168.124.2", "200"], check=True)
        stats = self.ifstat("macvtap0")
        self.assertGreaterEqual(stats["rx_packets"] - stats0["rx_packets"], 200)
        self.assertLess(stats["tx_packets"] - stats0["tx_packets"], 100)

        # hotplug, default mode vepa
        nic = self.write("direct.xml", direct_nic("vbpar0", None, MAC2))
        self.daemon.virsh("attach-device", "vm", nic, "--live")
        self.events.wait(lambda e: e == ("added", "vm", "net1"), 30)
        self.assertIn("<source dev='vbpar0' mode='vepa'/>",
                      self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertEqual(self.macvtaps(), ["macvtap0", "macvtap1"])
        self.assertEqual(self.links()["macvtap1"]["linkinfo"]["info_data"]["mode"], "vepa")
        vbtest.wait_for(lambda: "eth1" in self.guest_nics(), 60, "the guest to see eth1")
        self.assertEqual(self.guest_exec("/bin/cat", "/sys/class/net/eth1/address").strip(),
                         MAC2)
        # another mode or parent needs a new macvtap: refused as libvirt does
        for xml in (direct_nic("vbpar0", "private", MAC2), direct_nic("vbpar1", None, MAC2)):
            other = self.write("other.xml", xml)
            self.refused(("update-device", "vm", other, "--live"),
                         "unable to change config on 'direct' network type")
        self.assertEqual(self.links()["macvtap1"]["linkinfo"]["info_data"]["mode"], "vepa")
        self.daemon.virsh("detach-device", "vm", nic, "--live")
        self.events.wait(lambda e: e == ("removed", "vm", "net1"), 30)
        self.assertEqual(self.macvtaps(), ["macvtap0"])

        # refusals leave nothing
        for xml, message in (
                (direct_nic("vbnone0", "bridge", MAC2),
                 "Unable to get index for interface vbnone0: No such device"),
                (direct_nic("vbpar0", "passthrough", MAC2),
                 "macvtap mode 'passthrough' is not supported"),
                (direct_nic("../eth0", "bridge", MAC2), "is not a network device name"),
                (direct_nic("vbpar0", "bridge", MAC2, target="vbpar1"),
                 "error creating macvtap interface vbpar1@vbpar0")):
            bad = self.write("bad.xml", xml)
            self.refused(("attach-device", "vm", bad, "--live"), message)
            self.assertEqual(self.macvtaps(), ["macvtap0"])

        # a netdev_del that fails on unplug (its netdev deleted behind the
        # daemon's back) keeps the interface and its macvtap, as libvirt
        self.daemon.virsh("attach-device", "vm", nic, "--live")
        # (the refusals above took numbers too)
        kept = [name for name in self.macvtaps() if name != "macvtap0"]
        self.assertEqual(len(kept), 1)
        vbtest.wait_for(lambda: "eth1" in self.guest_nics(), 60, "the guest to see eth1 again")
        self.daemon.virsh("qemu-monitor-command", "vm", json.dumps(
            {"execute": "netdev_del", "arguments": {"id": "hostnet1"}}))
        proc = self.daemon.virsh("detach-device", "vm", nic, "--live", check=False)
        if proc.returncode != 0:
            self.assertIn("Device 'hostnet1' not found", proc.stderr)
        else:
            # the guest took longer than the call waits: the worker that
            # finishes the removal fails the same way
            vbtest.wait_for(lambda: "interface 'net1' stays" in self.daemon.log(), 60,
                            "the removal to fail")
        vbtest.wait_for(lambda: self.guest_nics() == ["eth0", "lo"], 60,
                        "the guest to let go of eth1")
        self.assertIn("<target dev='%s'/>" % kept[0], self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertEqual(self.macvtaps(), sorted(["macvtap0"] + kept))

        # a killed daemon's successor takes the macvtap back and removes
        # it with the domain; the interface QEMU no longer has (nor its
        # netdev) goes with its macvtap at the reconnect
        self.daemon.kill9()
        self.daemon.start()
        self.assertIn("<target dev='macvtap0'/>", self.daemon.virsh("dumpxml", "vm").stdout)
        vbtest.wait_for(lambda: self.macvtaps() == ["macvtap0"], 60,
                        "the interface QEMU lost to go")
        self.assertNotIn(kept[0], self.daemon.virsh("dumpxml", "vm").stdout)
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.macvtaps(), [])
        self.assertEqual(sorted(self.links()), links0)
        # the next start takes the next name
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.macvtaps(), ["macvtap%d" % (int(kept[0][7:]) + 1)])
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.macvtaps(), [])

    def test_macvtap_hotplug_daemon_killed_midway(self):
        # the macvtap made, QEMU not answering (stopped): the status names
        # it before the monitor is asked, so the daemon that follows a
        # SIGKILL finds and removes it
        self.ip("link", "add", "vbpar0", "type", "veth", "peer", "name", "vbpar1")
        self.ip("link", "set", "vbpar0", "up")
        links0 = sorted(self.links())
        self.start_guest()
        pids = self.daemon.qemu_pids()
        status = os.path.join(self.daemon.root, "run", "qemu", "vm.xml")

        def status_names_macvtap():
            with open(status) as fh:
                return "<target dev='macvtap0'/>" in fh.read()
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            nic = self.write("direct.xml", direct_nic("vbpar0", "bridge"))
            attach = subprocess.Popen(["virsh", "-c", self.daemon.uri, "attach-device", "vm",
                                       nic, "--live"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            self.addCleanup(attach.wait)
            vbtest.wait_for(status_names_macvtap, 30, "the status to name the macvtap")
            self.assertEqual(self.macvtaps(), ["macvtap0"])
            self.daemon.kill9()
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
        self.daemon.start()
        # QEMU never got the device: the reconnect's device check finds
        # the interface missing there and finishes its removal, which
        # deletes the macvtap the status named
        vbtest.wait_for(lambda: "macvtap0" not in self.daemon.virsh("domiflist", "vm").stdout, 60,
                        "the half-attached interface to leave the live definition")
        vbtest.wait_for(lambda: self.macvtaps() == [], 30, "the macvtap to be deleted")
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.macvtaps(), [])
        self.assertEqual(sorted(self.links()), links0)


    def veth_parent(self):
        # (this kernel has no dummy devices: a veth pair is the parent)
        self.ip("link", "add", "vbpar0", "type", "veth", "peer", "name", "vbpar1")
        self.ip("link", "set", "vbpar0", "up")
        self.ip("link", "set", "vbpar1", "up")

    def test_macvtap_start_fails_on_later_nic(self):
        # the second interface's name is a macvtap someone else has: the
        # start fails, the first one's macvtap goes, the other stays
        self.veth_parent()
        self.ip("link", "add", "link", "vbpar0", "name", "vbmv0", "type", "macvtap")
        proc = self.start_plain("vm", direct_nic("vbpar0", "bridge") +
                                direct_nic("vbpar0", "bridge", MAC2, target="vbmv0"), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("error creating macvtap interface vbmv0@vbpar0", proc.stderr)
        self.assertEqual(self.macvtaps(), ["vbmv0"])
        self.assertIn("shut off", self.daemon.virsh("domstate", "vm").stdout)

    def test_macvtap_daemon_killed_while_starting(self):
        # the daemon blocks opening QEMU's log (a FIFO nobody reads) once
        # the macvtap is made: killed there, its successor finds the
        # macvtap in the status and deletes it
        self.veth_parent()
        links0 = sorted(self.links())
        path = os.path.join(self.tmp, "vm.xml")
        with open(path, "w") as fh:
            fh.write(vbtest.domain_xml("vm", [], extra_devices=direct_nic("vbpar0", "bridge")))
        self.daemon.virsh("define", path)
        logdir = os.path.join(self.daemon.root, "log")
        os.makedirs(logdir, exist_ok=True)
        fifo = os.path.join(logdir, "vm.log")
        os.mkfifo(fifo)
        start = subprocess.Popen(["virsh", "-c", self.daemon.uri, "start", "vm"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(start.wait)
        vbtest.wait_for(lambda: self.macvtaps() == ["macvtap0"], 30, "the macvtap to be made")
        self.daemon.kill9()
        os.unlink(fifo)
        self.daemon.start()
        self.assertEqual(self.macvtaps(), [])
        self.assertEqual(sorted(self.links()), links0)
        self.assertEqual(self.daemon.virsh("domstate", "vm", "--reason").stdout.strip(),
                         "shut off (failed)")
        # and the domain starts again
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.macvtaps(), ["macvtap1"])
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.macvtaps(), [])

    def test_macvtap_link_down_template_mtu(self):
        # <link state='down'/> is the guest's link (QEMU's set_link): the
        # macvtap is up all the same, and its parent, down before, too; a
        # template takes the macvtap counter; <mtu> is the macvtap's
        self.veth_parent()
        self.ip("link", "set", "vbpar0", "down")
        extra = "\n  <link state='down'/>\n  <mtu size='1400'/>"
        self.start_plain("vm", direct_nic("vbpar0", "bridge", target="vbmv%d", extra=extra))
        self.assertIn("<target dev='vbmv0'/>", self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertEqual(self.macvtaps(), ["vbmv0"])
        links = self.links()
        self.assertIn("UP", links["vbmv0"]["flags"])
        self.assertEqual(links["vbmv0"]["mtu"], 1400)
        self.assertIn("UP", links["vbpar0"]["flags"])
        self.assertIn("down", self.daemon.virsh("domif-getlink", "vm", "vbmv0").stdout)
        # hotplug alike
        self.ip("link", "set", "vbpar0", "down")
        nic = self.write("direct.xml", direct_nic("vbpar0", None, MAC2, target="vbmv%d",
                                                  extra=extra.replace("1400", "1300")))
        self.daemon.virsh("attach-device", "vm", nic, "--live")
        self.assertEqual(self.macvtaps(), ["vbmv0", "vbmv1"])
        links = self.links()
        self.assertIn("UP", links["vbmv1"]["flags"])
        self.assertEqual(links["vbmv1"]["mtu"], 1300)
        self.assertIn("UP", links["vbpar0"]["flags"])
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.macvtaps(), [])


if __name__ == "__main__":
    vbtest.main()
