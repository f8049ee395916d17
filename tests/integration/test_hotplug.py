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

    def start_guest(self, disks=(), transient=False):
        cmdline = vbguest.cmdline("idle", agent="on")
        xml = test_realguest.guest_xml("vm", self.guest, cmdline, disks=disks,
                                       serial_log=self.log)
        xml = xml.replace("\n  </devices>", test_agent.AGENT_CHANNEL + "\n  </devices>")
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
        vbtest.wait_for(lambda: self.guest_block_devices() == expected, 60, what)

    def qmp(self, command):
        out = self.daemon.virsh("qemu-monitor-command", "vm",
                                json.dumps({"execute": command})).stdout
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


if __name__ == "__main__":
    vbtest.main()
