#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""PCI addressing against a real QEMU: a domain of the shape virt-install
writes (q35, qemu-xhci, 14 pcie-root-ports) with more virtio disks than
root ports, and a pc domain with more disks than pci.0 has slots, start
under TCG; QEMU's own view of its PCI tree (query-pci, once the firmware
has numbered the buses) puts every device where the live XML says: on
the bus of the controller with the XML's bus index, in the XML's slot and
function.

Each test waits on QEMU's answers, never on sleeps, and its daemon fixture
removes the domain, the QEMU and the files whatever happens."""

import json
import os
import xml.etree.ElementTree as ET

import vbtest
from vbtest import DaemonTestCase, run, wait_for

# SeaBIOS numbers the buses behind bridges within a second or two of TCG
# time; a loaded machine gets a generous bound.
FIRMWARE_TIMEOUT = 120


def q35_virt_install_xml(name, images):
    """The controller set virt-install (Debian 12) writes for q35, without
    index attributes as it writes them, and more virtio disks than it
    lists root ports."""
    ports = "\n    <controller type='pci' model='pcie-root-port'/>" * 14
    disks = "".join("""
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='vd%s' bus='virtio'/>
    </disk>""" % (path, chr(ord('a') + i)) for i, path in enumerate(images))
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>%s
    <controller type='usb' model='qemu-xhci' ports='15'/>
    <controller type='pci' model='pcie-root'/>%s
    <controller type='scsi' model='virtio-scsi'/>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, disks, ports)


def pc_many_disks_xml(name, images):
    disks = "".join("""
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='vd%s' bus='virtio'/>
    </disk>""" % (path, chr(ord('a') + i // 26 - 1) + chr(ord('a') + i % 26) if i >= 26
                  else chr(ord('a') + i)) for i, path in enumerate(images))
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>%s
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, disks)


def xml_placements(xml):
    """{alias: (bus alias, slot, function)} of every device with a PCI
    address in the live XML @xml that QEMU knows by its id; bus alias from
    the PCI controller with the address's bus index."""
    root = ET.fromstring(xml)
    buses = {}
    for cont in root.iter("controller"):
        if cont.get("type") == "pci":
            buses[int(cont.get("index"))] = cont.find("alias").get("name")
    placed = {}
    for dev in root.find("devices"):
        addr = dev.find("address")
        alias = dev.find("alias")
        if addr is None or alias is None or addr.get("type") != "pci":
            continue
        # q35's AHCI is part of the machine: QEMU gives it no id
        if dev.tag == "controller" and dev.get("type") == "sata":
            continue
        placed[alias.get("name")] = (buses[int(addr.get("bus"), 16)],
                                     int(addr.get("slot"), 16),
                                     int(addr.get("function"), 16))
    return placed


def qemu_placements(reply, root_bus):
    """{qdev_id: (parent bus id, slot, function)} from a query-pci reply;
    a bridge's devices sit on the bus named by the bridge's qdev_id."""
    placed = {}

    def walk(devices, bus_id):
        for dev in devices:
            if dev.get("qdev_id"):
                placed[dev["qdev_id"]] = (bus_id, dev["slot"], dev["function"])
            bridge = dev.get("pci_bridge")
            if bridge:
                walk(bridge.get("devices", []), dev.get("qdev_id"))

    for bus in reply["return"]:
        walk(bus["devices"], root_bus)
    return placed


class PCITest(DaemonTestCase):
    def make_images(self, count):
        paths = []
        for i in range(count):
            path = os.path.join(self.images, "d%02d.raw" % i)
            run(["qemu-img", "create", "-q", "-f", "raw", path, "1M"])
            paths.append(path)
        return paths

    def start(self, name, xml):
        path = os.path.join(self.tmp, name + ".xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", path)
        self.daemon.virsh("start", name)

    def query_pci(self, name):
        out = self.daemon.virsh("qemu-monitor-command", name, '{"execute":"query-pci"}').stdout
        return json.loads(out)

    def check_placements(self, name, root_bus):
        live = self.daemon.virsh("dumpxml", name).stdout
        want = xml_placements(live)
        state = {}

        def numbered():
            # the devices behind bridges show once the firmware has given
            # the bridges their bus numbers
            state["got"] = qemu_placements(self.query_pci(name), root_bus)
            return all(alias in state["got"] for alias in want)

        wait_for(numbered, FIRMWARE_TIMEOUT, "query-pci to show every device of " + name)
        got = state["got"]
        for alias, where in sorted(want.items()):
            self.assertEqual(got[alias], where, "device %s" % alias)
        return want

    def test_q35_virt_install_shape(self):
        images = self.make_images(16)
        self.start("pciq35", q35_virt_install_xml("pciq35", images))
        want = self.check_placements("pciq35", "pcie.0")
        # 14 listed root ports, 18 PCIe devices (16 disks, xhci, scsi):
        # libvirt adds pci.15 - pci.18, and no spare one
        self.assertEqual(sorted(a for a in want if a.startswith("pci.")),
                         sorted("pci.%d" % i for i in range(1, 19)))
        for i in range(16):
            self.assertEqual(want["virtio-disk%d" % i][1:], (0, 0))
        self.assertEqual(want["pci.1"], ("pcie.0", 1, 0))
        self.assertEqual(want["pci.9"], ("pcie.0", 2, 0))

        # the addresses are part of the persistent definition, as in
        # libvirt, and a restart keeps every device where it was
        inactive = self.daemon.virsh("dumpxml", "--inactive", "pciq35").stdout
        self.assertIn("<controller type='pci' index='18' model='pcie-root-port'>", inactive)
        self.daemon.virsh("destroy", "pciq35")
        self.daemon.virsh("start", "pciq35")
        self.assertEqual(self.check_placements("pciq35", "pcie.0"), want)

    def test_pc_more_disks_than_slots(self):
        images = self.make_images(34)
        self.start("pcipc", pc_many_disks_xml("pcipc", images))
        want = self.check_placements("pcipc", "pci.0")
        # pci.0 has slots 2-31 for devices: the pci-bridge libvirt adds
        # takes the first (PCI controllers go first), 29 disks the rest
        self.assertEqual(want["pci.1"], ("pci.0", 2, 0))
        self.assertEqual(want["virtio-disk28"], ("pci.0", 31, 0))
        self.assertEqual(want["virtio-disk29"], ("pci.1", 1, 0))
        self.assertEqual(want["usb"], ("pci.0", 1, 2))


if __name__ == "__main__":
    vbtest.main()
