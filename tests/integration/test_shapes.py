#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The definitions management applications write, started for real.

oVirt 4.5's VDSM writes a domain of the shape of
tests/qemuxml2argvdata/ovirt-vdsm-q35.xml (its argv golden), Nova 26's
libvirt driver one of the shape of tests/qemuxml2argvdata/nova-zed-q35.xml.
The oVirt test defines that very XML with real images (the scsi disk a qcow2 the test
makes, the cdrom empty), boots the small test guest in it by direct kernel
boot with its console in a file, and checks what a management application
reads back and does next: the guest's banner, `virsh dumpxml` (the
iothread, the ua- aliases, the empty cdrom with its startupPolicy, the
disk's snapshot='no' and error policy), the iothread in QEMU, and
`virsh change-media` inserting an ISO into the empty cdrom.

What the test changes in the XML, and why: TCG (type='qemu'); 256 MiB
instead of 1 GiB (the machine is shared); the channel sockets in the
test's own directory; the disk image path; <kernel>/<initrd>/<cmdline>
and a <serial type='file'> added for the guest.  The Nova test does the
same with Nova's definition: its disk and config drive real files, its
pty serial port (with Nova's <log file>) the guest's console."""

import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import libvirt

import vbevents
import vbguest
import vbtest

HERE = os.path.dirname(os.path.abspath(__file__))
OVIRT_XML = os.path.join(HERE, "..", "qemuxml2argvdata", "ovirt-vdsm-q35.xml")
NOVA_XML = os.path.join(HERE, "..", "qemuxml2argvdata", "nova-zed-q35.xml")
NOVA_UUID = "3c0c9b8e-5a4f-4bb5-9c3c-5d0e2d7f1a01"
BOOT_TIMEOUT = 180
CDROM_ALIAS = "ua-6da0b1c7-e3a9-4b0c-937e-a1ef718293a4"
DISK_ALIAS = "ua-7eb1c2d8-f4ba-4c1d-a48c-b2f08293a4b5"


def ovirt_xml(tmp, disk, guest, cmdline, serial_log):
    """The oVirt-shaped definition, changed only as the module says."""
    with open(OVIRT_XML) as fh:
        xml = fh.read()
    xml = xml.replace('type="kvm"', 'type="qemu"')
    xml = xml.replace("<memory>1048576</memory>", "<memory>262144</memory>")
    xml = xml.replace("<currentMemory>1048576</currentMemory>",
                      "<currentMemory>262144</currentMemory>")
    xml = xml.replace("/var/lib/libvirt/qemu/channels/", os.path.join(tmp, "channels") + "/")
    xml = xml.replace("/rhev/data-center/mnt/blockSD/images/disk-1", escape(disk))
    # the golden's input names no backing chain for the harness; a real
    # image is probed
    xml = xml.replace("      <backingStore/>\n", "")
    xml = xml.replace('<type arch="x86_64" machine="pc-q35-7.2">hvm</type>',
                      '<type arch="x86_64" machine="pc-q35-7.2">hvm</type>\n    ' +
                      guest.os_xml(cmdline))
    xml = xml.replace("<devices>", """<devices>
    <serial type='file'>
      <source path='%s'/>
      <target port='0'/>
    </serial>""" % escape(serial_log), 1)
    assert guest.kernel in xml and disk in xml
    return xml


def nova_xml(instdir, guest, cmdline):
    """Nova's definition with its instance directory at @instdir."""
    with open(NOVA_XML) as fh:
        xml = fh.read()
    xml = xml.replace("/var/lib/nova/instances/" + NOVA_UUID, escape(instdir))
    xml = xml.replace("      <backingStore/>\n", "")
    xml = xml.replace('<type machine="q35">hvm</type>',
                      '<type machine="q35">hvm</type>\n    ' + guest.os_xml(cmdline))
    assert guest.kernel in xml and "/var/lib/nova" not in xml
    return xml


class OVirtShapeTest(vbtest.DaemonTestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU:
            return
        cls.guest = vbguest.build()

    def setUp(self):
        super().setUp()
        os.mkdir(os.path.join(self.tmp, "channels"))
        self.log = os.path.join(self.tmp, "serial.log")
        self.extra_logs.append(self.log)
        self.disk = os.path.join(self.images, "disk-1.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", self.disk, "64M"])
        path = os.path.join(self.tmp, "ovirt.xml")
        with open(path, "w") as fh:
            fh.write(ovirt_xml(self.tmp, self.disk, self.guest, vbguest.cmdline("idle"),
                               self.log))
        self.daemon.virsh("define", path)
        self.daemon.virsh("start", "ovirt-vm1")

    def wait_banner(self):
        t0 = time.monotonic()
        m = vbguest.wait_log(self.log, vbguest.READY_RE, BOOT_TIMEOUT, "the guest's banner")
        print("\nboot to banner: %.1f s" % (time.monotonic() - t0), file=sys.stderr)
        self.assertEqual(m.group(1), "idle")

    def disk_element(self, xml, dev):
        for disk in ET.fromstring(xml).iter("disk"):
            if disk.find("target").get("dev") == dev:
                return disk
        self.fail("no disk %s" % dev)

    def qmp(self, command):
        out = self.daemon.virsh("qemu-monitor-command", "ovirt-vm1",
                                json.dumps({"execute": command})).stdout
        return json.loads(out)["return"]

    def test_boots_and_reads_back(self):
        self.wait_banner()
        self.assertEqual(self.daemon.virsh("domstate", "ovirt-vm1").stdout.strip(), "running")

        xml = self.daemon.virsh("dumpxml", "ovirt-vm1").stdout
        self.assertIn("<iothreads>1</iothreads>", xml)
        for alias in ("ua-0d4a5c61-8d43-4a5c-9d1e-4b8f1b2c3d4e",
                      "ua-1e5b6d72-9e54-4b6d-8e2f-5c9a2c3d4e5f",
                      "ua-2f6c7e83-af65-4c7e-9f3a-6dab3d4e5f60",
                      "ua-3a7d8f94-b076-4d8f-a04b-7ebc4e5f6071",
                      "ua-4b8e9fa5-c187-4e9a-b15c-8fcd5f607182",
                      "ua-5c9fa0b6-d298-4fab-826d-90de60718293", CDROM_ALIAS, DISK_ALIAS):
            self.assertIn("<alias name='%s'/>" % alias, xml)

        cdrom = self.disk_element(xml, "sdc")
        self.assertEqual(cdrom.find("source").attrib, {"startupPolicy": "optional"})
        self.assertEqual(cdrom.find("driver").get("error_policy"), "report")
        self.assertIsNone(cdrom.get("snapshot"))  # 'no' is implied for a read-only disk
        self.assertEqual(cdrom.find("address").get("unit"), "2")
        disk = self.disk_element(xml, "sda")
        self.assertEqual(disk.get("snapshot"), "no")
        self.assertEqual(disk.find("source").get("file"), self.disk)
        self.assertEqual(disk.find("driver").get("error_policy"), "stop")

        # QEMU runs the iothread, and each device under its ua- id
        self.assertEqual([t["id"] for t in self.qmp("query-iothreads")], ["iothread1"])
        blocks = {b.get("qdev"): b for b in self.qmp("query-block")}
        self.assertNotIn("inserted", blocks[CDROM_ALIAS])
        self.assertEqual(blocks[DISK_ALIAS]["inserted"]["image"]["filename"], self.disk)

    def test_change_media_into_empty_cdrom(self):
        self.wait_banner()
        iso = os.path.join(self.images, "tools.iso")
        with open(iso, "wb") as fh:
            fh.write(b"oVirt guest tools\n" * 4096)
        self.daemon.virsh("change-media", "ovirt-vm1", "sdc", "--insert", iso)
        block = next(b for b in self.qmp("query-block") if b.get("qdev") == CDROM_ALIAS)
        self.assertEqual(block["inserted"]["file"], iso)
        self.assertTrue(block["inserted"]["ro"])
        cdrom = self.disk_element(self.daemon.virsh("dumpxml", "ovirt-vm1").stdout, "sdc")
        self.assertEqual(cdrom.find("source").get("file"), iso)
        self.assertEqual(cdrom.find("source").get("startupPolicy"), "optional")
        # live only: the definition keeps its empty cdrom
        inactive = self.daemon.virsh("dumpxml", "--inactive", "ovirt-vm1").stdout
        self.assertNotIn(iso, inactive)
        # and the guest still runs
        self.assertEqual(self.daemon.virsh("domstate", "ovirt-vm1").stdout.strip(), "running")


class NovaShapeTest(vbtest.DaemonTestCase):
    """Nova 26's definition: SMBIOS from <sysinfo>, vmcoreinfo, the
    timers, a config drive on SATA, a pty serial port logged to a file,
    VNC, a balloon with statistics and an rng."""
    guest = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU:
            return
        cls.guest = vbguest.build()

    def test_boots_and_reads_back(self):
        instdir = os.path.join(self.tmp, NOVA_UUID)
        os.mkdir(instdir)
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2",
                    os.path.join(instdir, "disk"), "64M"])
        with open(os.path.join(instdir, "disk.config"), "wb") as fh:
            fh.write(b"config drive\n" * 8192)
        path = os.path.join(self.tmp, "nova.xml")
        with open(path, "w") as fh:
            fh.write(nova_xml(instdir, self.guest, vbguest.cmdline("idle")))
        self.daemon.virsh("define", path)
        self.daemon.virsh("start", "instance-0000002a")
        log = os.path.join(instdir, "console.log")
        self.extra_logs.append(log)
        m = vbguest.wait_log(log, vbguest.READY_RE, BOOT_TIMEOUT, "the guest's banner")
        self.assertEqual(m.group(1), "idle")

        root = ET.fromstring(self.daemon.virsh("dumpxml", "instance-0000002a").stdout)
        entries = {e.get("name"): e.text for e in root.iter("entry")}
        self.assertEqual(entries["product"], "OpenStack Nova")
        self.assertEqual(root.find("./features/vmcoreinfo").get("state"), "on")
        self.assertEqual(root.find("./os/type").get("machine"), "pc-q35-7.2")
        port = int(root.find("./devices/graphics").get("port"))
        self.assertGreaterEqual(port, 5900)
        # the balloon reports the guest's statistics every 10 s, as asked
        stats = self.daemon.virsh("dommemstat", "instance-0000002a").stdout
        self.assertRegex(stats, r"actual 262144")
        # QEMU runs the devices Nova asked for
        out = self.daemon.virsh("qemu-monitor-command", "instance-0000002a",
                                json.dumps({"execute": "qom-list",
                                            "arguments": {"path": "/machine/peripheral-anon"}}))
        types = {p["type"] for p in json.loads(out.stdout)["return"]}
        self.assertIn("child<vmcoreinfo>", types)


class StartupPolicyTest(vbtest.DaemonTestCase):
    """A cdrom whose ISO is gone: with startupPolicy='optional' (VDSM's) the
    domain starts with the tray empty in the live definition only; without
    it the start fails and nothing runs."""

    def setUp(self):
        super().setUp()
        self.disk = os.path.join(self.images, "a.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", self.disk, "16M"])
        self.iso = os.path.join(self.images, "gone.iso")

    def define_cdrom(self, policy):
        cdrom = """
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='%s'%s/>
      <target dev='sdc' bus='sata'/>
      <readonly/>
    </disk>""" % (self.iso, " startupPolicy='%s'" % policy if policy else "")
        self.define("vm", [("vda", self.disk)], start=False, extra_devices=cdrom)

    def test_optional_missing_starts_empty(self):
        self.define_cdrom("optional")
        self.daemon.virsh("start", "vm")
        live = self.daemon.virsh("dumpxml", "vm").stdout
        cdrom = next(d for d in ET.fromstring(live).iter("disk")
                     if d.find("target").get("dev") == "sdc")
        self.assertEqual(cdrom.find("source").attrib, {"startupPolicy": "optional"})
        inactive = self.daemon.virsh("dumpxml", "--inactive", "vm").stdout
        self.assertIn("<source file='%s' startupPolicy='optional'/>" % self.iso, inactive)
        # the next start, with the ISO there, has it
        self.daemon.virsh("destroy", "vm")
        with open(self.iso, "wb") as fh:
            fh.write(b"iso\n" * 1024)
        self.daemon.virsh("start", "vm")
        self.assertIn("<source file='%s' startupPolicy='optional' index='" % self.iso,
                      self.daemon.virsh("dumpxml", "vm").stdout)

    def test_mandatory_missing_fails(self):
        for policy in (None, "mandatory", "requisite"):
            self.define_cdrom(policy)
            proc = self.daemon.virsh("start", "vm", check=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn(self.iso, proc.stderr)
            self.assertEqual(self.daemon.virsh("domstate", "vm").stdout.strip(), "shut off")
            self.assertEqual(self.daemon.qemu_pids(), [])
            self.daemon.virsh("undefine", "vm")


class ErrorPolicyStopTest(vbtest.DaemonTestCase):
    """error_policy='stop' (VDSM's for every disk) with a real ENOSPC: the
    guest writes a qcow2 image on a 1 MiB tmpfs until QEMU stops it; the
    domain is then paused with reason ioerror, with libvirt's events, and
    virsh resume continues it (the retried write fails and stops it again).
    Needs root for the tmpfs."""

    guest = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU or os.geteuid() != 0:
            return
        cls.guest = vbguest.build()

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("mounting the small tmpfs needs root")
        super().setUp()
        self.small = os.path.join(self.tmp, "small")
        os.mkdir(self.small)
        vbtest.run(["mount", "-t", "tmpfs", "-o", "size=1M,mode=0700", "tmpfs", self.small])
        # lazy: QEMU may still hold the image when the cleanups run
        self.addCleanup(vbtest.run, ["umount", "-l", self.small])
        self.disk = os.path.join(self.small, "disk.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", self.disk, "64M"])
        self.log = os.path.join(self.tmp, "serial.log")
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)

    def test_paused_on_enospc_and_resumed(self):
        # 64 KiB records over 4 MiB: each allocates a cluster the tmpfs lacks
        cmdline = vbguest.cmdline("writer", disk="/dev/vda", off=0, bs=65536, slots=64,
                                  count=1000)
        xml = """<domain type='qemu'>
  <name>vm</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    %s
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' error_policy='stop'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'>
      <source path='%s'/>
      <target port='0'/>
    </serial>
  </devices>
</domain>
""" % (self.guest.os_xml(cmdline), escape(self.disk), escape(self.log))
        path = os.path.join(self.tmp, "vm.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", path)
        self.daemon.virsh("start", "vm")

        suspended = ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                     libvirt.VIR_DOMAIN_EVENT_SUSPENDED_IOERROR)
        self.events.wait(lambda e: e == suspended, BOOT_TIMEOUT)
        self.assertEqual(self.daemon.virsh("domstate", "vm", "--reason").stdout.strip(),
                         "paused (I/O error)")
        self.events.wait(lambda e: e[0] == "io-error-reason")
        self.assertIn(("io-error", "vm", self.disk, "virtio-disk0",
                       libvirt.VIR_DOMAIN_EVENT_IO_ERROR_PAUSE), self.events.of_kind("io-error"))
        self.assertIn(("io-error-reason", "vm", self.disk, "virtio-disk0",
                       libvirt.VIR_DOMAIN_EVENT_IO_ERROR_PAUSE, "No space left on device"),
                      self.events.of_kind("io-error-reason"))
        # the guest wrote a little before the disk filled up
        self.assertIn("vbguest: wrote seq=0 ", vbguest.read_log(self.log))

        # resume: the guest runs again and its retried write stops it again
        self.daemon.virsh("resume", "vm")
        resumed = ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_RESUMED,
                   libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED)
        self.events.wait(lambda e: e == resumed)
        vbtest.wait_for(lambda: len([e for e in self.events.events if e == suspended]) >= 2, 60,
                        "the second pause")
        self.assertEqual(self.daemon.virsh("domstate", "vm", "--reason").stdout.strip(),
                         "paused (I/O error)")
        self.daemon.virsh("destroy", "vm")


if __name__ == "__main__":
    vbtest.main()
