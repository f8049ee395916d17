#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hotplug: disks attached to and detached from the real test guest with
the stock virsh and python3-libvirt.

- attach-disk of a qcow2 with a 2-deep backing chain to a running guest:
  the guest sees it (/sys/block, read through the guest agent's
  guest-exec), the live XML shows the chain with its indexes, the slot a
  define would give, the DEVICE_ADDED event; blockcommit of the new disk
  works at once; detach-disk: DEVICE_REMOVED, the guest lets go, no QEMU
  node or device stays, the files go back to their owner and the XML is
  as before;
- attach-device/detach-device with a disk XML, --config only changes the
  persistent definition, --live --config both, a daemon restart keeps an
  attached disk;
- refusals with libvirt 9.0's codes and texts, each changing nothing:
  duplicate target (live and --config), a SATA bus, an unknown device
  element, --config on a transient domain, a disk not there, no free slot.

Every wait is on the guest's log, on events or on the agent, bounded."""

import base64
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import libvirt

import test_agent
import test_realguest
import vbevents
import vbguest
import vbtest

DISK_XML = """<disk type='file' device='disk'>
  <driver name='qemu' type='qcow2'/>
  <source file='%s'/>
  <target dev='%s' bus='virtio'/>
</disk>"""


class HotplugTest(vbtest.DaemonTestCase):
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
        self._register_device_events()

    def _register_device_events(self):
        conn = self.events.conn
        conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                    lambda c, d, alias, o: self.events._record(
                                        ("added", d.name(), alias)), None)
        conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                    lambda c, d, alias, o: self.events._record(
                                        ("removed", d.name(), alias)), None)
        conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED,
                                    lambda c, d, alias, o: self.events._record(
                                        ("removal-failed", d.name(), alias)), None)

    def chain(self, name):
        """base <- mid <- top, qcow2, in the images directory: the top's path"""
        paths = [os.path.join(self.images, "%s-%s.qcow2" % (name, part))
                 for part in ("base", "mid", "top")]
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", paths[0], "32M"])
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x5a 0 1M", paths[0]])
        for lower, upper in zip(paths, paths[1:]):
            vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", lower, "-F",
                        "qcow2", upper])
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0xa5 1M 1M", paths[2]])
        return paths

    def start_guest(self, disks=(), transient=False, extra=""):
        cmdline = vbguest.cmdline("idle", agent="on")
        xml = test_realguest.guest_xml("vm", self.guest, cmdline, disks=disks,
                                       serial_log=self.log)
        xml = xml.replace("\n  </devices>",
                          test_agent.AGENT_CHANNEL + extra + "\n  </devices>")
        if transient:
            path = os.path.join(self.tmp, "vm.xml")
            with open(path, "w") as fh:
                fh.write(xml)
            self.daemon.virsh("create", path)
            self.dom = self.events.conn.lookupByName("vm")
        else:
            self.define(xml)
        self.wait_log(test_agent.STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT)
        vbtest.wait_for(lambda: "state='connected'" in self.daemon.virsh("dumpxml", "vm").stdout,
                        60, "the agent to connect")

    def guest_exec(self, *argv):
        """Runs @argv in the guest through the agent; its stdout."""
        cmd = {"execute": "guest-exec",
               "arguments": {"path": argv[0], "arg": list(argv[1:]), "capture-output": True}}
        out = self.daemon.virsh("qemu-agent-command", "vm", json.dumps(cmd)).stdout
        pid = json.loads(out)["return"]["pid"]
        status = {"execute": "guest-exec-status", "arguments": {"pid": pid}}
        deadline = time.monotonic() + 30
        while True:
            ret = json.loads(self.daemon.virsh("qemu-agent-command", "vm",
                                               json.dumps(status)).stdout)["return"]
            if ret.get("exited"):
                self.assertEqual(ret.get("exitcode"), 0, ret)
                return base64.b64decode(ret.get("out-data", "")).decode()
            if time.monotonic() > deadline:
                self.fail("guest-exec of %s did not end" % (argv,))
            time.sleep(0.1)

    def guest_block_devices(self):
        return sorted(self.guest_exec("/bin/ls", "/sys/block").split())

    def wait_guest_block_devices(self, expected, what):
        seen = []

        def check():
            seen[:] = self.guest_block_devices()
            return seen == expected
        try:
            vbtest.wait_for(check, 60, what)
        except AssertionError as err:
            raise AssertionError("%s; the guest has %s" % (err, seen)) from None

    def qmp(self, command):
        out = self.daemon.virsh("qemu-monitor-command", "vm",
                                json.dumps({"execute": command})).stdout
        return json.loads(out)["return"]

    def qmp_args(self, command, arguments):
        out = self.daemon.virsh("qemu-monitor-command", "vm",
                                json.dumps({"execute": command, "arguments": arguments})).stdout
        return json.loads(out)["return"]

    def node_names(self):
        return sorted(n["node-name"] for n in self.qmp("query-named-block-nodes"))

    def qdev_ids(self):
        return sorted(b["qdev"] for b in self.qmp("query-block") if b.get("qdev"))

    def test_attach_commit_detach_chain(self):
        vda = os.path.join(self.images, "vda.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", vda, "32M"])
        self.start_guest(disks=[("vda", vda)])
        base, mid, top = self.chain("hp")
        before_live = self.daemon.virsh("dumpxml", "vm").stdout
        before_conf = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        nodes_before = self.node_names()
        self.assertEqual(self.guest_block_devices(), ["vda"])

        self.daemon.virsh("attach-disk", "vm", top, "vdb", "--subdriver", "qcow2")
        self.events.wait(lambda e: e == ("added", "vm", "virtio-disk1"), 30)
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        disk = re.search(r"<disk type='file' device='disk'>(?:(?!</disk>).)*"
                         r"<target dev='vdb' bus='virtio'/>.*?</disk>", xml, re.S)
        self.assertIsNotNone(disk, xml)
        disk = disk.group(0)
        # the chain probed as at start, indexes after the ones handed out
        self.assertIn("<source file='%s' index='2'/>" % top, disk)
        self.assertIn("<backingStore type='file' index='3'>", disk)
        self.assertIn("<backingStore type='file' index='4'>", disk)
        self.assertIn("<source file='%s'/>" % mid, disk)
        self.assertIn("<source file='%s'/>" % base, disk)
        self.assertIn("<alias name='virtio-disk1'/>", disk)
        self.assertRegex(disk, r"<address type='pci' domain='0x0000' bus='0x0\d' "
                               r"slot='0x00' function='0x0'/>")
        # the persistent definition did not change
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, before_conf)
        self.assertEqual(len(self.node_names()), len(nodes_before) + 6)
        self.wait_guest_block_devices(["vda", "vdb"], "the guest to see vdb")

        # committable at once: mid into base
        self.daemon.virsh("blockcommit", "vm", "vdb", "--top", mid, "--base", base,
                          "--wait")
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertNotIn(mid, xml)

        self.daemon.virsh("detach-disk", "vm", "vdb")
        self.events.wait(lambda e: e == ("removed", "vm", "virtio-disk1"), 30)
        self.wait_guest_block_devices(["vda"], "the guest to let go of vdb")
        self.assertEqual(self.node_names(), nodes_before)
        self.assertEqual(self.qdev_ids(), ["/machine/peripheral/virtio-disk0/virtio-backend"])
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, before_live)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, before_conf)
        # the files went back to their owner
        for path in (base, top):
            self.assertEqual(os.stat(path).st_uid, os.getuid())
        self.daemon.virsh("destroy", "vm")


    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as fh:
            fh.write(text)
        return path

    def refused(self, args, message):
        proc = self.daemon.virsh(*args, check=False)
        self.assertNotEqual(proc.returncode, 0, args)
        self.assertIn(message, proc.stderr)

    def test_config_refusals_restart(self):
        vda = os.path.join(self.images, "vda.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", vda, "32M"])
        self.start_guest(disks=[("vda", vda)])
        images = {}
        for name in ("c", "d", "e", "s"):
            images[name] = os.path.join(self.images, "%s.qcow2" % name)
            vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", images[name], "16M"])
        live0 = self.daemon.virsh("dumpxml", "vm").stdout
        conf0 = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout

        # --config: only the persistent definition, with the slot a define gives
        vdc = self.write("vdc.xml", DISK_XML % (images["c"], "vdc"))
        self.daemon.virsh("attach-device", "vm", vdc, "--config")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        conf = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        self.assertRegex(conf, r"<target dev='vdc' bus='virtio'/>\s*<address type='pci' "
                               r"domain='0x0000' bus='0x0\d' slot='0x00' function='0x0'/>")
        self.refused(("attach-device", "vm", vdc, "--config"),
                     "Requested operation is not valid: target vdc already exists")
        self.daemon.virsh("detach-device", "vm", vdc, "--config")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, conf0)

        # refusals change nothing
        vda_again = self.write("vda.xml", DISK_XML % (images["e"], "vda"))
        self.refused(("attach-device", "vm", vda_again),
                     "XML error: target 'vda' duplicated for disk sources '%s' and '%s'"
                     % (vda, images["e"]))
        self.refused(("attach-device", "vm", vda_again, "--config"),
                     "Requested operation is not valid: target vda already exists")
        sata = self.write("sata.xml", (DISK_XML % (images["s"], "sdb")).replace(
            "bus='virtio'", "bus='sata'"))
        self.refused(("attach-device", "vm", sata),
                     "Operation not supported: disk bus 'sata' cannot be hotplugged")
        foo = self.write("foo.xml", "<foo/>")
        for flags in ((), ("--config",)):
            self.refused(("attach-device", "vm", foo) + flags,
                         "unsupported configuration: unknown device type 'foo'")
            self.refused(("detach-device", "vm", foo) + flags,
                         "unsupported configuration: unknown device type 'foo'")
        vdz = self.write("vdz.xml", DISK_XML % (images["e"], "vdz"))
        self.refused(("detach-device", "vm", vdz), "device not found: disk vdz not found")
        self.refused(("detach-device", "vm", vdz, "--config"),
                     "device not found: no target device vdz")
        self.refused(("detach-device", "vm", vdz, "--live", "--config"),
                     "device not found: no target device vdz")
        # another disk's image is refused before QEMU
        self.refused(("attach-disk", "vm", vda, "vdf", "--subdriver", "qcow2"),
                     "unsupported configuration: disks 'vda' and 'vdf' share image")
        # QEMU refuses an image another process holds: the nodes added are
        # deleted again, nothing stays
        nodes0 = self.node_names()
        holder = subprocess.Popen(["qemu-io", "-f", "qcow2", images["e"]],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        self.addCleanup(holder.kill)
        vbtest.wait_for(lambda: any(os.path.realpath(os.path.join("/proc/%d/fd" % holder.pid, f))
                                    == images["e"]
                                    for f in os.listdir("/proc/%d/fd" % holder.pid)),
                        30, "qemu-io to open the image")
        self.refused(("attach-disk", "vm", images["e"], "vdf", "--subdriver", "qcow2"),
                     'Failed to get "write" lock')
        holder.kill()
        holder.wait()
        self.assertEqual(self.node_names(), nodes0)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, conf0)

        # --live --config: both; the last free root port is taken, so the
        # next live disk finds none
        self.daemon.virsh("attach-disk", "vm", images["d"], "vdd", "--subdriver", "qcow2",
                          "--live", "--config")
        self.events.wait(lambda e: e == ("added", "vm", "virtio-disk3"), 30)
        self.assertIn("<target dev='vdd' bus='virtio'/>",
                      self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        # the guest's own name for it: its second virtio disk
        self.wait_guest_block_devices(["vda", "vdb"], "the guest to see vdd")
        self.refused(("attach-disk", "vm", images["e"], "vde", "--subdriver", "qcow2"),
                     "internal error: No more available PCI slots")
        self.assertNotIn("vde", self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertNotIn(images["e"], " ".join(self.node_names() +
                         [n.get("file", "") for n in self.qmp("query-named-block-nodes")]))

        # a daemon restart keeps the hot-plugged disk, and can detach it
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.events.close()
        self.daemon.kill9()
        self.daemon.start()
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self._register_device_events()
        self.dom = self.events.conn.lookupByName("vm")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live)
        self.daemon.virsh("detach-disk", "vm", "vdd", "--live", "--config")
        self.events.wait(lambda e: e == ("removed", "vm", "virtio-disk3"), 30)
        self.wait_guest_block_devices(["vda"], "the guest to let go of vdd")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, conf0)
        self.daemon.virsh("destroy", "vm")

    def test_detach_completes_after_timeout(self):
        # A guest that does not let go within 5 s (here: paused): detach
        # returns, as libvirt 9.0's, with the disk still there; once the
        # guest runs and lets go, DEVICE_DELETED finishes the removal.
        self.start_guest()
        vdb = os.path.join(self.images, "vdb.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", vdb, "16M"])
        live0 = self.daemon.virsh("dumpxml", "vm").stdout
        nodes0 = self.node_names()
        path = self.write("vdb.xml", DISK_XML % (vdb, "vdb"))
        self.dom.attachDeviceFlags(open(path).read(), libvirt.VIR_DOMAIN_AFFECT_LIVE)
        self.events.wait(lambda e: e == ("added", "vm", "virtio-disk1"), 30)
        # the guest names its first virtio disk vda, whatever the target
        self.wait_guest_block_devices(["vda"], "the guest to see the disk")

        self.dom.suspend()
        t0 = time.monotonic()
        self.dom.detachDeviceFlags(open(path).read(), libvirt.VIR_DOMAIN_AFFECT_LIVE)
        self.assertGreaterEqual(time.monotonic() - t0, 4.5)
        self.assertIn("<target dev='vdb'", self.daemon.virsh("dumpxml", "vm").stdout)
        self.dom.resume()
        self.events.wait(lambda e: e == ("removed", "vm", "virtio-disk1"), 60)
        self.wait_guest_block_devices([], "the guest to let go of the disk")
        self.assertEqual(self.node_names(), nodes0)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        self.daemon.virsh("destroy", "vm")

    def test_transient_and_shut_off(self):
        vdb = os.path.join(self.images, "vdb.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", vdb, "16M"])
        path = self.write("vdb.xml", DISK_XML % (vdb, "vdb"))
        self.start_guest(transient=True)
        for flags in (("--config",), ("--persistent",)):
            self.refused(("attach-disk", "vm", vdb, "vdb") + flags,
                         "Requested operation is not valid: transient domains do not have "
                         "any persistent config")
        self.refused(("detach-device", "vm", path, "--config"),
                     "Requested operation is not valid: transient domains do not have any "
                     "persistent config")
        self.daemon.virsh("destroy", "vm")
        # shut off: --live is refused, the default is --config
        self.define(test_realguest.guest_xml("vm", self.guest, vbguest.cmdline("idle")),
                    start=False)
        self.refused(("attach-device", "vm", path, "--live"),
                     "Requested operation is not valid: domain is not running")
        # virsh without flags calls virDomainAttachDevice: live only
        self.refused(("attach-device", "vm", path),
                     "Requested operation is not valid: domain is not running")
        self.daemon.virsh("attach-device", "vm", path, "--current")
        self.assertIn("<target dev='vdb' bus='virtio'/>",
                      self.daemon.virsh("dumpxml", "vm").stdout)
        self.daemon.virsh("detach-device", "vm", path, "--current")
        self.assertNotIn("vdb", self.daemon.virsh("dumpxml", "vm").stdout)


    def test_interface(self):
        # a user-networking NIC comes and goes; the guest sees eth0
        self.start_guest()
        live0 = self.daemon.virsh("dumpxml", "vm").stdout
        conf0 = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        self.assertEqual(self.guest_exec("/bin/ls", "/sys/class/net").split(), ["lo"])
        nic = self.write("nic.xml", "<interface type='user'>\n"
                                    "  <mac address='52:54:00:aa:bb:01'/>\n"
                                    "  <model type='virtio'/>\n"
                                    "</interface>")
        self.daemon.virsh("attach-device", "vm", nic, "--live", "--config")
        self.events.wait(lambda e: e == ("added", "vm", "net0"), 30)
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertRegex(xml, r"<interface type='user'>\s*<mac address='52:54:00:aa:bb:01'/>\s*"
                              r"<model type='virtio'/>\s*<alias name='net0'/>\s*"
                              r"<address type='pci' domain='0x0000' bus='0x0\d' slot='0x00' "
                              r"function='0x0'/>")
        self.assertIn("52:54:00:aa:bb:01", self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        vbtest.wait_for(lambda: "eth0" in self.guest_exec("/bin/ls", "/sys/class/net").split(),
                        60, "the guest to see eth0")
        self.assertEqual(self.guest_exec("/bin/cat", "/sys/class/net/eth0/address").strip(),
                         "52:54:00:aa:bb:01")
        self.assertIn("52:54:00:aa:bb:01", self.daemon.virsh("domiflist", "vm").stdout)
        # update-device: the link state, live and persistent (domif-setlink)
        self.daemon.virsh("domif-setlink", "vm", "52:54:00:aa:bb:01", "down")
        self.assertIn("down", self.daemon.virsh("domif-getlink", "vm", "52:54:00:aa:bb:01").stdout)
        self.assertIn("<link state='down'/>", self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertNotIn("<link state", self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        self.daemon.virsh("domif-setlink", "vm", "52:54:00:aa:bb:01", "up")
        self.assertIn("up", self.daemon.virsh("domif-getlink", "vm", "52:54:00:aa:bb:01").stdout)
        self.daemon.virsh("domif-setlink", "vm", "52:54:00:aa:bb:01", "down", "--config")
        self.assertIn("<link state='down'/>",
                      self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        self.daemon.virsh("domif-setlink", "vm", "52:54:00:aa:bb:01", "up", "--config")
        e1000 = self.write("e1000.xml", "<interface type='user'>\n"
                                        "  <mac address='52:54:00:aa:bb:01'/>\n"
                                        "  <model type='e1000'/>\n"
                                        "</interface>")
        self.refused(("update-device", "vm", e1000),
                     "Operation not supported: cannot modify network device model from virtio "
                     "to e1000")
        # a change it cannot make is refused, never ignored
        mtu = self.write("mtu.xml", "<interface type='user'>\n"
                                    "  <mac address='52:54:00:aa:bb:01'/>\n"
                                    "  <model type='virtio'/>\n"
                                    "  <mtu size='1400'/>\n"
                                    "  <link state='down'/>\n"
                                    "</interface>")
        self.refused(("update-device", "vm", mtu), "Operation not supported: cannot modify MTU")
        self.assertIn("up", self.daemon.virsh("domif-getlink", "vm", "52:54:00:aa:bb:01").stdout)
        # --live --config on a NIC only the live definition has: nothing
        # changes, not even the live link
        self.daemon.virsh("detach-device", "vm", nic, "--config")
        down = self.write("down.xml", "<interface type='user'>\n"
                                      "  <mac address='52:54:00:aa:bb:01'/>\n"
                                      "  <model type='virtio'/>\n"
                                      "  <link state='down'/>\n"
                                      "</interface>")
        proc = self.daemon.virsh("update-device", "vm", down, "--live", "--config", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("up", self.daemon.virsh("domif-getlink", "vm", "52:54:00:aa:bb:01").stdout)
        self.daemon.virsh("attach-device", "vm", nic, "--config")
        # (taps: test_nethotplug)
        # one that is not there cannot be detached
        other = self.write("other.xml", "<interface type='user'>\n"
                                        "  <mac address='52:54:00:aa:bb:02'/>\n"
                                        "</interface>")
        self.refused(("detach-device", "vm", other),
                     "device not found: no device found at address '(<null>)' matching MAC "
                     "address '52:54:00:aa:bb:02' and alias '(<null>)'")

        self.daemon.virsh("detach-interface", "vm", "user", "--mac", "52:54:00:aa:bb:01",
                          "--live", "--config")
        self.events.wait(lambda e: e == ("removed", "vm", "net0"), 30)
        vbtest.wait_for(lambda: self.guest_exec("/bin/ls", "/sys/class/net").split() == ["lo"],
                        60, "the guest to let go of eth0")
        self.assertNotIn("hostnet0", self.daemon.virsh(
            "qemu-monitor-command", "vm", "--hmp", "info network").stdout)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, conf0)

        # input devices: a USB tablet and a virtio keyboard; ps2 stays
        tablet = self.write("tablet.xml", "<input type='tablet' bus='usb'/>")
        kbd = self.write("kbd.xml", "<input type='keyboard' bus='virtio'/>")
        ps2 = self.write("ps2.xml", "<input type='mouse' bus='ps2'/>")
        self.daemon.virsh("attach-device", "vm", tablet)
        self.daemon.virsh("attach-device", "vm", kbd)
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        aliases = re.findall(r"<input type='(?:tablet|keyboard)' bus='(?:usb|virtio)'>\s*"
                             r"<alias name='(input\d+)'/>", xml)
        self.assertEqual(len(aliases), 2, xml)
        for alias in aliases:
            self.events.wait(lambda e, a=alias: e == ("added", "vm", a), 30)
        peripherals = self.qmp_args("qom-list", {"path": "/machine/peripheral"})
        self.assertTrue(set(aliases) <= {p["name"] for p in peripherals})
        self.refused(("attach-device", "vm", ps2),
                     "Operation not supported: input device on bus 'ps2' cannot be hot plugged")
        self.refused(("detach-device", "vm", ps2),
                     "Operation not supported: input device on bus 'ps2' cannot be detached")
        self.daemon.virsh("detach-device", "vm", tablet)
        self.daemon.virsh("detach-device", "vm", kbd)
        for alias in aliases:
            self.events.wait(lambda e, a=alias: e == ("removed", "vm", a), 30)
        self.refused(("detach-device", "vm", tablet),
                     "device not found: matching input device not found")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        self.daemon.virsh("destroy", "vm")


    def test_scsi(self):
        # on the virtio-scsi controller the domain has; without one the
        # trial would need a new controller, which is refused
        sdb = os.path.join(self.images, "sda.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", sdb, "16M"])
        xml = (DISK_XML % (sdb, "sda")).replace("bus='virtio'", "bus='scsi'")
        path = self.write("sda.xml", xml)
        self.start_guest(extra="\n    <controller type='scsi' model='virtio-scsi'/>")
        live0 = self.daemon.virsh("dumpxml", "vm").stdout
        nodes0 = self.node_names()
        self.daemon.virsh("attach-device", "vm", path)
        self.events.wait(lambda e: e == ("added", "vm", "scsi0-0-0-0"), 30)
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertRegex(live, r"<target dev='sda' bus='scsi'/>\s*<alias name='scsi0-0-0-0'/>\s*"
                               r"<address type='drive' controller='0' bus='0' target='0' "
                               r"unit='0'/>")
        self.assertIn("scsi0-0-0-0", " ".join(self.qdev_ids()))
        self.daemon.virsh("detach-device", "vm", path)
        self.events.wait(lambda e: e == ("removed", "vm", "scsi0-0-0-0"), 30)
        self.assertEqual(self.node_names(), nodes0)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        self.daemon.virsh("destroy", "vm")


USB_CONTROLLER = "\n    <controller type='usb' model='qemu-xhci'/>"


def monitor_path(daemon):
    """QEMU's monitor socket, from the status file of domain 'vm'"""
    with open(os.path.join(daemon.root, "run", "qemu", "vm.xml")) as fh:
        return re.search(r"<monitor path='([^']+)'/>", fh.read()).group(1)


def qmp_direct(path, commands, wait_event=None):
    """Runs @commands on QEMU's monitor at @path while the daemon is away;
    with @wait_event, reads until an event (name, data) satisfies it."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(120)
        s.connect(path)
        rd = s.makefile("r")
        json.loads(rd.readline())  # the greeting
        events = []
        for cmd in [{"execute": "qmp_capabilities"}] + commands:
            s.sendall(json.dumps(cmd).encode() + b"\n")
            while True:
                msg = json.loads(rd.readline())
                if "event" in msg:
                    events.append(msg)
                    continue
                if "error" in msg:
                    raise AssertionError("%s: %s" % (cmd, msg["error"]))
                break
        while wait_event and not any(wait_event(e["event"], e.get("data", {}))
                                     for e in events):
            msg = json.loads(rd.readline())
            if "event" in msg:
                events.append(msg)
        return events


class HotplugHelpers(vbtest.DaemonTestCase):
    """HotplugTest's helpers for the classes below (no tests of its own);
    @flavour is the test guest's (vbguest.build)."""
    guest = None
    flavour = None

    @classmethod
    def setUpClass(cls):
        if not vbtest.SKIP_NO_QEMU:
            cls.guest = vbguest.build(flavour=cls.flavour)
    define = HotplugTest.define
    wait_log = HotplugTest.wait_log
    _register_device_events = HotplugTest._register_device_events
    chain = HotplugTest.chain
    start_guest = HotplugTest.start_guest
    guest_exec = HotplugTest.guest_exec
    guest_block_devices = HotplugTest.guest_block_devices
    wait_guest_block_devices = HotplugTest.wait_guest_block_devices
    qmp = HotplugTest.qmp
    qmp_args = HotplugTest.qmp_args
    node_names = HotplugTest.node_names
    qdev_ids = HotplugTest.qdev_ids
    write = HotplugTest.write
    refused = HotplugTest.refused

    def setUp(self):
        vbtest.DaemonTestCase.setUp(self)
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self._register_device_events()

    def peripherals(self):
        return sorted(p["name"] for p in self.qmp_args("qom-list",
                                                        {"path": "/machine/peripheral"})
                      if p["type"].startswith("child<"))



class HotplugUSBTest(HotplugHelpers):
    """USB disks hot-plugged: usb-storage on the domain's XHCI controller,
    seen by the guest on Debian's generic kernel (the cloud one has no USB)."""
    flavour = "generic"

    def test_usb_disk_attach_commit_detach(self):
        vda = os.path.join(self.images, "vda.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", vda, "32M"])
        self.start_guest(disks=[("vda", vda)], extra=USB_CONTROLLER)
        base, mid, top = self.chain("usb")
        live0 = self.daemon.virsh("dumpxml", "vm").stdout
        conf0 = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        nodes0 = self.node_names()
        peripherals0 = self.peripherals()

        self.daemon.virsh("attach-disk", "vm", top, "sdb", "--targetbus", "usb",
                          "--subdriver", "qcow2", "--live")
        self.events.wait(lambda e: e == ("added", "vm", "usb-disk1"), 30)
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        disk = re.search(r"<disk type='file' device='disk'>(?:(?!</disk>).)*"
                         r"<target dev='sdb' bus='usb'/>.*?</disk>", xml, re.S)
        self.assertIsNotNone(disk, xml)
        disk = disk.group(0)
        self.assertIn("<source file='%s' index='2'/>" % top, disk)
        self.assertIn("<source file='%s'/>" % mid, disk)
        self.assertIn("<source file='%s'/>" % base, disk)
        self.assertIn("<alias name='usb-disk1'/>", disk)
        self.assertIn("<address type='usb' bus='0' port='1'/>", disk)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, conf0)
        # QEMU has the usb-storage device, on the XHCI controller's bus,
        # with the chain's six nodes
        self.assertEqual(self.peripherals(), sorted(peripherals0 + ["usb-disk1"]))
        self.assertIn("/machine/peripheral/usb-disk1/usb-disk1.0/legacy[0]", self.qdev_ids())
        usb = self.daemon.virsh("qemu-monitor-command", "vm", "--hmp", "info usb").stdout
        self.assertIn("QEMU USB MSD", usb)
        self.assertEqual(len(self.node_names()), len(nodes0) + 6)
        # the guest's xhci and usb-storage drivers see a SCSI disk
        self.wait_guest_block_devices(["sda", "vda"], "the guest to see the USB disk")
        self.assertEqual(self.guest_exec("/bin/cat", "/sys/block/sda/removable").strip(), "0")

        # a second one takes the next port; a third and fourth fill the
        # root hub's four ports (libvirt's count), a fifth finds none
        extra = []
        for dev in ("sdc", "sdd", "sde"):
            path = os.path.join(self.images, "%s.qcow2" % dev)
            vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "16M"])
            extra.append(path)
            if dev == "sdc":
                # one the guest sees as removable
                self.daemon.virsh("attach-device", "vm", self.write(
                    "sdc.xml", DISK_XML.replace("bus='virtio'", "bus='usb' removable='on'")
                    % (path, dev)))
            else:
                self.daemon.virsh("attach-disk", "vm", path, dev, "--targetbus", "usb",
                                  "--subdriver", "qcow2")
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertIn("<address type='usb' bus='0' port='4'/>", xml)
        self.assertIn("<target dev='sdc' bus='usb' removable='on'/>", xml)
        self.wait_guest_block_devices(["sda", "sdb", "sdc", "sdd", "vda"],
                                      "the guest to see four USB disks")
        removable = [self.guest_exec("/bin/cat", "/sys/block/%s/removable" % d).strip()
                     for d in ("sda", "sdb", "sdc", "sdd")]
        self.assertEqual(sorted(removable), ["0", "0", "0", "1"])
        sdf = os.path.join(self.images, "sdf.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", sdf, "16M"])
        full = self.daemon.virsh("dumpxml", "vm").stdout
        self.refused(("attach-disk", "vm", sdf, "sdf", "--targetbus", "usb", "--subdriver",
                      "qcow2"), "internal error: No free USB ports")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, full)
        for dev, alias in (("sdc", "usb-disk2"), ("sdd", "usb-disk3"), ("sde", "usb-disk4")):
            self.daemon.virsh("detach-disk", "vm", dev)
            self.events.wait(lambda e, a=alias: e == ("removed", "vm", a), 30)

        # committable at once: mid into base, the data read back intact
        self.daemon.virsh("blockcommit", "vm", "sdb", "--top", mid, "--base", base, "--wait")
        self.assertNotIn(mid, self.daemon.virsh("dumpxml", "vm").stdout)

        self.daemon.virsh("detach-disk", "vm", "sdb")
        self.events.wait(lambda e: e == ("removed", "vm", "usb-disk1"), 30)
        self.wait_guest_block_devices(["vda"], "the guest to let go of the USB disks")
        self.assertEqual(self.node_names(), nodes0)
        self.assertEqual(self.peripherals(), peripherals0)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        for path in [base, top] + extra:
            self.assertEqual(os.stat(path).st_uid, os.getuid())
        self.daemon.virsh("destroy", "vm")
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "read -q -P 0x5a 0 1M",
                    "-c", "read -q -P 0xa5 1M 1M", top])
        info = vbtest.run(["qemu-img", "info", "--output=json", top]).stdout
        self.assertEqual(json.loads(info)["backing-filename"], base)



class HotplugReconnectTest(HotplugHelpers):
    """A removal the guest finished while the daemon was away (SIGKILLed)."""

    def test_removal_finished_while_daemon_away(self):
        # A guest that does not let go within 5 s (paused): detach returns
        # with the removal pending.  The daemon is SIGKILLed, the guest
        # resumed past it and lets go (QEMU's DEVICE_DELETED goes to no
        # one).  The restarted daemon finds the device gone from QEMU and
        # finishes the removal as the event would have.
        self.start_guest()
        vdb = os.path.join(self.images, "vdb.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", vdb, "16M"])
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x3c 0 1M", vdb])
        live0 = self.daemon.virsh("dumpxml", "vm").stdout
        nodes0 = self.node_names()
        disk = DISK_XML % (vdb, "vdb")
        self.dom.attachDeviceFlags(disk, libvirt.VIR_DOMAIN_AFFECT_LIVE)
        self.events.wait(lambda e: e == ("added", "vm", "virtio-disk1"), 30)
        self.wait_guest_block_devices(["vda"], "the guest to see the disk")

        self.dom.suspend()
        self.dom.detachDeviceFlags(disk, libvirt.VIR_DOMAIN_AFFECT_LIVE)
        self.assertIn("<target dev='vdb'", self.daemon.virsh("dumpxml", "vm").stdout)
        pid = self.daemon.qemu_pids()
        mon = monitor_path(self.daemon)
        self.events.close()
        self.daemon.kill9()

        qmp_direct(mon, [{"execute": "cont"}],
                   wait_event=lambda name, data: name == "DEVICE_DELETED" and
                   data.get("device") == "virtio-disk1")

        self.daemon.start()
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self._register_device_events()
        self.dom = self.events.conn.lookupByName("vm")
        self.assertEqual(self.daemon.qemu_pids(), pid)
        vbtest.wait_for(lambda: "<target dev='vdb'" not in
                        self.daemon.virsh("dumpxml", "vm").stdout, 60,
                        "the restarted daemon to finish the removal")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        # its nodes deleted, its file given back, the status saved
        self.assertEqual(self.node_names(), nodes0)
        self.assertEqual(os.stat(vdb).st_uid, os.getuid())
        self.assertIn("device 'virtio-disk1' was unplugged while the daemon was away",
                      self.daemon.log(None))
        with open(os.path.join(self.daemon.root, "run", "qemu", "vm.xml")) as fh:
            self.assertNotIn(vdb, fh.read())
        # the disk can be attached again with the same alias
        self.dom.attachDeviceFlags(disk, libvirt.VIR_DOMAIN_AFFECT_LIVE)
        self.events.wait(lambda e: e == ("added", "vm", "virtio-disk1"), 30)
        self.daemon.virsh("destroy", "vm")
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "read -q -P 0x3c 0 1M", vdb])


QDEV = "/machine/peripheral/%s/virtio-backend"


class HotplugKillTest(vbtest.DaemonTestCase):
    """A daemon SIGKILLed while it attaches a disk
    (VIRTBLOCKD_TEST_HOTPLUG_KILL_AT), on a domain without a guest OS:
    "disk-nodes", the disk named in the status and its nodes in QEMU but
    no device_add yet: the successor removes the disk (nodes deleted, the
    XML as before) and the disk attaches again; "disk-added", after
    device_add: the successor keeps the disk, as a finished attach would
    have it, and the next disk attaches beside it (no "Duplicate ID")."""
    qmp = HotplugTest.qmp
    qmp_args = HotplugTest.qmp_args
    node_names = HotplugTest.node_names
    qdev_ids = HotplugTest.qdev_ids

    def setUp(self):
        super().setUp()
        self.vda = os.path.join(self.images, "vda.qcow2")
        self.vdb = os.path.join(self.images, "vdb.qcow2")
        for path, pattern in ((self.vda, "0x11"), (self.vdb, "0x3c")):
            vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "16M"])
            vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P %s 0 1M" % pattern, path])
        # a free root port for each hot-plugged disk
        self.define("vm", [("vda", self.vda)],
                    extra_devices="\n    <controller type='pci' index='0' model='pcie-root'/>" +
                    "\n    <controller type='pci' model='pcie-root-port'/>" * 4)

    def status(self):
        with open(os.path.join(self.daemon.root, "run", "qemu", "vm.xml")) as fh:
            return fh.read()

    def attach_killed(self, step):
        """attach-disk of vdb on a daemon that dies at @step"""
        self.daemon.stop()
        os.environ["VIRTBLOCKD_TEST_HOTPLUG_KILL_AT"] = step
        try:
            self.daemon.start()
        finally:
            del os.environ["VIRTBLOCKD_TEST_HOTPLUG_KILL_AT"]
        res = self.daemon.virsh("attach-disk", "vm", self.vdb, "vdb", "--subdriver", "qcow2",
                                check=False)
        self.assertNotEqual(res.returncode, 0)
        self.daemon.proc.wait(30)
        self.assertEqual(self.daemon.proc.returncode, -signal.SIGKILL, self.daemon.log())
        self.daemon.proc = None
        # named in the status before QEMU was asked
        self.assertIn(self.vdb, self.status())

    def test_killed_before_device_add(self):
        live0 = self.daemon.virsh("dumpxml", "vm").stdout
        nodes0 = self.node_names()
        qdevs0 = self.qdev_ids()
        self.attach_killed("disk-nodes")
        self.daemon.start()
        vbtest.wait_for(lambda: "<target dev='vdb'" not in
                        self.daemon.virsh("dumpxml", "vm").stdout, 60,
                        "the restarted daemon to remove the disk")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live0)
        self.assertEqual(self.node_names(), nodes0)
        self.assertEqual(self.qdev_ids(), qdevs0)
        self.assertNotIn(self.vdb, self.status())
        self.assertIn("device 'virtio-disk1' was unplugged while the daemon was away",
                      self.daemon.log(None))
        # the disk attaches again, under the same alias
        self.daemon.virsh("attach-disk", "vm", self.vdb, "vdb", "--subdriver", "qcow2")
        self.assertEqual(self.qdev_ids(), qdevs0 + [QDEV % "virtio-disk1"])
        self.daemon.virsh("destroy", "vm")
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "read -q -P 0x3c 0 1M", self.vdb])

    def test_killed_after_device_add(self):
        # what an attach that finishes shows, on a domain of its own
        self.attach_killed("disk-added")
        self.daemon.start()
        live = self.daemon.virsh("dumpxml", "vm").stdout
        disk = re.search(r"<disk type='file' device='disk'>(?:(?!</disk>).)*"
                         r"<target dev='vdb' bus='virtio'/>.*?</disk>", live, re.S)
        self.assertIsNotNone(disk, live)
        self.assertIn("<source file='%s' index='2'/>" % self.vdb, disk.group(0))
        self.assertIn("<alias name='virtio-disk1'/>", disk.group(0))
        self.assertEqual(self.qdev_ids(), [QDEV % "virtio-disk0", QDEV % "virtio-disk1"])
        # the device and nodes the definition names are QEMU's: the
        # statistics and the size are read from them
        # the nodes the definition names are QEMU's: an external snapshot of it: blockdev-snapshot on its top node
        overlay = os.path.join(self.images, "vdb.snap")
        self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only", "--no-metadata",
                          "--diskspec", "vda,snapshot=no",
                          "--diskspec", "vdb,file=%s" % overlay)
        files = [n["file"] for n in self.qmp("query-named-block-nodes")]
        self.assertIn(overlay, files)
        self.assertEqual(vbtest.backing_of(overlay), self.vdb)
        # the same target again is the definition's duplicate, and another
        # disk takes the next alias
        res = self.daemon.virsh("attach-disk", "vm", self.vdb, "vdb", "--subdriver", "qcow2",
                                check=False)
        self.assertIn("target 'vdb' duplicated", res.stderr)
        vdc = os.path.join(self.images, "vdc.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", vdc, "16M"])
        self.daemon.virsh("attach-disk", "vm", vdc, "vdc", "--subdriver", "qcow2")
        self.assertEqual(self.qdev_ids(), [QDEV % ("virtio-disk%d" % i) for i in range(3)])
        self.daemon.virsh("destroy", "vm")
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "read -q -P 0x3c 0 1M", self.vdb])


QMPPROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qmpproxy.py")


class HotplugRemovalFailedTest(vbtest.DaemonTestCase):
    """DEVICE_UNPLUG_GUEST_ERROR: QEMU 7.2 sends it on x86 only when the
    unplug of a pc-dimm fails after the guest ejected it
    (hw/acpi/memory_hotplug.c; on ppc64 for a rejected memory or CPU
    unplug), never for a disk, an interface or an input device, and
    virtblockd has no memory hotplug.  So QEMU runs behind qmpproxy.py,
    which sends the daemon the event as QEMU would; everything else is
    real: the detach call, the disk, the client's event.  No guest OS
    answers the PCIe unplug request, so the device stays pending."""

    def setUp(self):
        super().setUp()
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        HotplugTest._register_device_events(self)

    def proxy(self, command):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(30)
            s.connect(self.control)
            s.sendall(command.encode() + b"\n")
            self.assertEqual(s.makefile("r").readline().strip(), "ok")

    def test_removal_failed(self):
        self.control = os.path.join(self.tmp, "qmpproxy-control")
        self.extra_logs.append(self.control + ".log")
        wrapper = os.path.join(self.tmp, "qemu-behind-proxy")
        with open(wrapper, "w") as fh:
            fh.write('#!/bin/sh\nexec /usr/bin/python3 %s %s "$@"\n' % (QMPPROXY, self.control))
        os.chmod(wrapper, 0o755)
        vda = os.path.join(self.images, "vda.qcow2")
        vdb = os.path.join(self.images, "vdb.qcow2")
        for path in (vda, vdb):
            vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "16M"])
        xml = vbtest.domain_xml("vm", [("vda", vda)]).replace(
            "<emulator>/usr/bin/qemu-system-x86_64</emulator>",
            "<emulator>%s</emulator>" % wrapper)
        self.daemon.virsh("define", HotplugTest.write(self, "vm.xml", xml))
        self.daemon.virsh("start", "vm")
        dom = self.events.conn.lookupByName("vm")
        disk = DISK_XML % (vdb, "vdb")
        dom.attachDeviceFlags(disk, libvirt.VIR_DOMAIN_AFFECT_LIVE)
        self.events.wait(lambda e: e == ("added", "vm", "virtio-disk1"), 30)
        live = self.daemon.virsh("dumpxml", "vm").stdout

        # the detach call waits for QEMU's word; the guest's refusal fails
        # it with libvirt's error, and clients hear DEVICE_REMOVAL_FAILED
        result = {}

        def detach():
            conn = libvirt.open(self.daemon.uri)
            try:
                conn.lookupByName("vm").detachDeviceFlags(disk, libvirt.VIR_DOMAIN_AFFECT_LIVE)
                result["ok"] = True
            except libvirt.libvirtError as err:
                result["error"] = (err.get_error_code(), str(err))
            finally:
                conn.close()
        thread = threading.Thread(target=detach)
        thread.start()
        vbtest.wait_for(lambda: "device_del" in vbtest.read_tail(self.control + ".log"), 30,
                        "the daemon to send device_del")
        self.proxy('event DEVICE_UNPLUG_GUEST_ERROR {"device": "virtio-disk1", '
                   '"path": "/machine/peripheral/virtio-disk1"}')
        thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertEqual(result.get("error"),
                         (libvirt.VIR_ERR_OPERATION_FAILED,
                          "operation failed: unplug of device was rejected by the guest"),
                         result)
        self.events.wait(lambda e: e == ("removal-failed", "vm", "virtio-disk1"), 30)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live)

        # with no detach waiting, the event reaches clients all the same
        self.proxy('event DEVICE_UNPLUG_GUEST_ERROR {"device": "virtio-disk1", '
                   '"path": "/machine/peripheral/virtio-disk1"}')
        vbtest.wait_for(lambda: [e for e in self.events.events
                                 if e == ("removal-failed", "vm", "virtio-disk1")][1:], 30,
                        "a second DEVICE_REMOVAL_FAILED")
        self.assertEqual(self.daemon.virsh("dumpxml", "vm").stdout, live)
        self.assertNotIn(("removed", "vm", "virtio-disk1"), self.events.events)
        self.daemon.virsh("destroy", "vm")


if __name__ == "__main__":
    vbtest.main()
