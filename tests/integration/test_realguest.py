#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A real Linux guest under virtblockd: direct kernel boot, its serial
console in a file, and block commit while it writes.

The guest is the tiny one of tests/guest/make-guest.sh (built once, then
from its cache).  The domain is what a user defines for it with the stock
virsh: q35 under TCG, <kernel>/<initrd>/<cmdline>, a qcow2 chain on virtio,
<serial type='file'>.  The main test runs `virsh blockcommit vm vda
--active --pivot --verbose` while the guest writes records to its disk,
lets the guest power itself off, and checks the end state (shut off,
reason shutdown), the definition (base only) and base byte for byte
against what the guest logged.  The others check the lifecycle actions
with the same guest.  Every wait is on log contents or events, bounded;
every process and file goes with the test."""

import os
import re
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import libvirt

import vbevents
import vbguest
import vbtest

MiB = vbtest.MiB
BOOT_TIMEOUT = 180
WRITER_TIMEOUT = 600
EXIT_TIMEOUT = 120

# what each record of the writer is: a 4 KiB block in one of 64 slots from
# 1 MiB on, over a base whose first 8 MiB hold 0xaa
WRITER = dict(off=MiB, bs=4096, slots=64)
FILL = 0xaa


def guest_xml(name, guest, cmdline, disks=(), serial_log=None, on_poweroff="destroy",
              on_reboot="restart", copy_log=None):
    """The domain a user writes for the test guest: @disks are (target,
    path) of qcow2 images on virtio; with @copy_log, the serial port's
    <log file>."""
    disk_xml = "".join("""
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='%s' bus='virtio'/>
    </disk>""" % (escape(path), target) for target, path in disks)
    serial_xml = ""
    if serial_log:
        serial_xml = """
    <serial type='file'>
      <source path='%s' append='on'/>%s
      <target port='0'/>
    </serial>
    <console type='file'>
      <source path='%s' append='on'/>
      <target type='serial' port='0'/>
    </console>""" % (escape(serial_log),
                         "\n      <log file='%s'/>" % escape(copy_log) if copy_log else "",
                         escape(serial_log))
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
  <on_poweroff>%s</on_poweroff>
  <on_reboot>%s</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>%s%s
  </devices>
</domain>
""" % (name, guest.os_xml(cmdline), on_poweroff, on_reboot, disk_xml, serial_xml)


class RealGuestTest(vbtest.DaemonTestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU:
            return
        t0 = time.monotonic()
        cls.guest = vbguest.build()
        print("\nguest %s ready in %.1f s" % (cls.guest.key, time.monotonic() - t0),
              file=sys.stderr)

    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)

    def define(self, xml, start=True):
        path = os.path.join(self.tmp, "vm.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", path)
        if start:
            self.daemon.virsh("start", "vm")
        self.dom = self.events.conn.lookupByName("vm")

    def make_chain(self):
        """base.qcow2 (first 8 MiB 0xaa) <- snap.qcow2: the guest's disk."""
        base = os.path.join(self.images, "base.qcow2")
        snap = os.path.join(self.images, "snap.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", base, "64M"])
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x%02x 0 8M" % FILL, base])
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2",
                    snap])
        return base, snap

    def wait_log(self, regex, what, timeout):
        """Waits for @regex in the serial log; fails at once when the domain
        is no longer running (its QEMU is gone)."""
        deadline = time.monotonic() + timeout
        while True:
            text = vbguest.read_log(self.log)
            m = regex.search(text)
            if m:
                return m
            err = vbguest.ERROR_RE.search(text)
            if err:
                self.fail("guest error while waiting for %s: %s" % (what, err.group(1)))
            if not self.dom.isActive():
                m = regex.search(vbguest.read_log(self.log))
                if m:
                    return m
                self.fail("the domain stopped while waiting for %s:\n%s" % (what, text[-4000:]))
            if time.monotonic() > deadline:
                self.fail("timed out after %.0f s waiting for %s:\n%s" %
                          (timeout, what, text[-4000:]))
            time.sleep(0.05)

    def wait_ready(self, mode):
        t0 = time.monotonic()
        m = self.wait_log(vbguest.READY_RE, "the guest's banner", BOOT_TIMEOUT)
        print("\nboot to banner: %.1f s, %s s from the kernel's start" %
              (time.monotonic() - t0, m.group(2)), file=sys.stderr)
        self.assertEqual(m.group(1), mode)

    def wait_stopped(self, detail):
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                         detail), EXIT_TIMEOUT)
        vbtest.wait_for(lambda: not self.daemon.qemu_pids(), 30, "the status file to go")

    def state_reason(self):
        return self.daemon.virsh("domstate", "vm", "--reason").stdout.strip()

    def test_blockcommit_under_writing_guest(self):
        # The proof: commit and pivot while a real OS writes, the
        # guest ends by itself, and base holds exactly what it wrote.
        base, snap = self.make_chain()
        cmdline = vbguest.cmdline("writer", then="poweroff", count=1500, **WRITER)
        self.define(guest_xml("vm", self.guest, cmdline, disks=[("vda", snap)],
                              serial_log=self.log))
        # the daemon created the log, owner-only
        self.assertEqual(stat.S_IMODE(os.stat(self.log).st_mode), 0o600)
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertIn("<kernel>%s</kernel>" % escape(self.guest.kernel), xml)
        self.assertIn("<source path='%s' append='on'/>" % escape(self.log), xml)

        self.wait_ready("writer")
        self.wait_log(re.compile(r"^vbguest: wrote seq=30 ", re.M), "31 records", WRITER_TIMEOUT)
        before = len(vbguest.WriterLog.from_file(self.log).records)
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot", "--verbose",
                                 quiet=False)
        self.assertIn("Successfully pivoted", proc.stdout)
        during = vbguest.WriterLog.from_file(self.log)
        # the commit ran while the guest wrote: records before and after it
        self.assertIsNone(during.done, "the writer ended before the pivot: make count larger")
        self.assertGreater(len(during.records), before)
        self.assertEqual(vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout), [base])

        self.wait_log(vbguest.DONE_RE, "the writer's end", WRITER_TIMEOUT)
        self.wait_log(vbguest.POWEROFF_RE, "the guest's poweroff", EXIT_TIMEOUT)
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_SHUTDOWN,
                                         libvirt.VIR_DOMAIN_EVENT_SHUTDOWN_GUEST), EXIT_TIMEOUT)
        self.wait_stopped(libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
        self.assertEqual(self.state_reason(), "shut off (shutdown)")
        self.assertEqual(self.dom.state(),
                         [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SHUTDOWN])

        self.assertEqual(vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout), [base])
        wlog = vbguest.WriterLog.from_file(self.log)
        self.assertEqual(wlog.done, 1500)
        self.assertEqual(wlog.verify(base, "qcow2", unwritten=FILL), WRITER["slots"])
        print("\n%d records, %d of them after the commit began" %
              (wlog.done, wlog.done - before), file=sys.stderr)

    def test_reboot_restart_and_reset(self):
        # on_reboot restart: the guest's reboot is a reset, with the REBOOT
        # event, and the guest boots again; so does virsh reset; virsh
        # reboot's ACPI button is no pause either.
        script = vbguest.script_image(os.path.join(self.images, "script.raw"),
                                      "echo \"vbguest: boot $(cat /proc/uptime)\"\n")
        cmdline = vbguest.cmdline("script", then="idle", script="/dev/vda")
        # a raw script disk: driver type raw
        copy = os.path.join(self.tmp, "logs", "copy.log")
        xml = guest_xml("vm", self.guest, cmdline, disks=[("vda", script)],
                        serial_log=self.log, copy_log=copy).replace("type='qcow2'", "type='raw'")
        self.define(xml)
        self.wait_ready("script")
        # QEMU's copy of the port's output, in the <log> file
        self.assertEqual(stat.S_IMODE(os.stat(copy).st_mode), 0o600)
        vbtest.wait_for(lambda: vbguest.READY_RE.search(vbguest.read_log(copy)), 30,
                        "the banner in the <log> file")
        self.daemon.virsh("reset", "vm")
        self.events.wait(lambda e: e == ("reboot", "vm"), EXIT_TIMEOUT)
        vbtest.wait_for(lambda: len(vbguest.READY_RE.findall(vbguest.read_log(self.log))) >= 2,
                        BOOT_TIMEOUT, "the guest to boot again after the reset")
        self.assertEqual(self.state_reason(), "running (booted)")
        self.assertEqual(self.events.of_kind("lifecycle", "vm")[-1][2],
                         libvirt.VIR_DOMAIN_EVENT_STARTED)
        # virsh reboot presses the ACPI button, which this guest ignores
        # (no acpid): accepted, and nothing changes
        self.assertIn("is being rebooted", self.daemon.virsh("reboot", "vm", quiet=False).stdout)
        self.assertEqual(self.state_reason(), "running (booted)")
        self.daemon.virsh("destroy", "vm")
        self.wait_stopped(libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)
        self.assertEqual(self.state_reason(), "shut off (destroyed)")

    def test_guest_reboot_with_on_reboot_destroy(self):
        # on_reboot destroy: the guest's reboot ends the domain, as a
        # shutdown
        script = vbguest.script_image(os.path.join(self.images, "script.raw"),
                                      "echo \"vbguest: rebooting\"\nreboot -f\n")
        cmdline = vbguest.cmdline("script", then="idle", script="/dev/vda")
        xml = guest_xml("vm", self.guest, cmdline, disks=[("vda", script)],
                        serial_log=self.log, on_reboot="destroy").replace(
                            "type='qcow2'", "type='raw'")
        self.define(xml)
        self.wait_ready("script")
        self.wait_stopped(libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
        self.assertEqual(self.state_reason(), "shut off (shutdown)")
        self.assertEqual(self.events.of_kind("reboot"), [])

    def test_guest_reboot_restarts(self):
        # on_reboot restart (the default): QEMU resets, REBOOT event, the
        # guest runs its script again; the domain stays running
        script = vbguest.script_image(os.path.join(self.images, "script.raw"),
                                      "echo \"vbguest: rebooting\"\nreboot -f\n")
        cmdline = vbguest.cmdline("script", then="idle", script="/dev/vda")
        xml = guest_xml("vm", self.guest, cmdline, disks=[("vda", script)],
                        serial_log=self.log).replace("type='qcow2'", "type='raw'")
        self.define(xml)
        self.events.wait(lambda e: e == ("reboot", "vm"), BOOT_TIMEOUT)
        vbtest.wait_for(lambda: len(vbguest.READY_RE.findall(vbguest.read_log(self.log))) >= 2,
                        BOOT_TIMEOUT, "the guest to boot again")
        self.assertTrue(self.dom.isActive())
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.daemon.virsh("destroy", "vm")
        self.wait_stopped(libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)

    def test_poweroff_with_on_poweroff_restart(self):
        # on_poweroff restart: libvirt's fake reboot; the guest powers off,
        # boots again, and the domain never left 'running'
        cmdline = vbguest.cmdline("poweroff")
        self.define(guest_xml("vm", self.guest, cmdline, serial_log=self.log,
                              on_poweroff="restart"))
        self.events.wait(lambda e: e == ("reboot", "vm"), BOOT_TIMEOUT)
        vbtest.wait_for(lambda: len(vbguest.READY_RE.findall(vbguest.read_log(self.log))) >= 2,
                        BOOT_TIMEOUT, "the guest to boot again")
        self.assertTrue(self.dom.isActive())
        kinds = [e[2] for e in self.events.of_kind("lifecycle", "vm")]
        self.assertEqual(kinds, [libvirt.VIR_DOMAIN_EVENT_DEFINED,
                                 libvirt.VIR_DOMAIN_EVENT_STARTED])
        self.daemon.virsh("destroy", "vm")
        self.wait_stopped(libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)

    def test_transient_made_persistent(self):
        # virt-install's way: virDomainCreateXML, then virDomainDefineXML
        # while the guest runs.  The definition is the next config, the
        # live one stays; a daemon restart keeps both; destroy leaves the
        # domain defined with the new definition.
        uuid = "<uuid>6d1b7e5c-9a57-4d7e-8f0e-2a2c61b0a001</uuid>"
        live = guest_xml("vm", self.guest, vbguest.cmdline("idle"), serial_log=self.log)
        live = live.replace("<name>vm</name>", "<name>vm</name>" + uuid)
        path = os.path.join(self.tmp, "vm.xml")
        with open(path, "w") as fh:
            fh.write(live)
        self.daemon.virsh("create", path)
        self.dom = self.events.conn.lookupByName("vm")
        self.wait_ready("idle")
        self.assertFalse(self.dom.isPersistent())

        with open(path, "w") as fh:
            fh.write(live.replace("<memory unit='MiB'>256</memory>",
                                  "<memory unit='MiB'>192</memory>"))
        self.daemon.virsh("define", path)
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_DEFINED,
                                         libvirt.VIR_DOMAIN_EVENT_DEFINED_ADDED), 30)

        def check(persistent_kib):
            self.assertRegex(self.daemon.virsh("dominfo", "vm").stdout, r"Persistent:\s+yes")
            self.assertIn("<memory unit='KiB'>262144</memory>",
                          self.daemon.virsh("dumpxml", "vm").stdout)
            self.assertIn("<memory unit='KiB'>%d</memory>" % persistent_kib,
                          self.daemon.virsh("dumpxml", "--inactive", "vm").stdout)
            self.assertEqual(self.state_reason(), "running (booted)")
        check(196608)

        # a second define of the now persistent running domain: UPDATED
        with open(path, "w") as fh:
            fh.write(live.replace("<memory unit='MiB'>256</memory>",
                                  "<memory unit='MiB'>160</memory>"))
        self.daemon.virsh("define", path)
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_DEFINED,
                                         libvirt.VIR_DOMAIN_EVENT_DEFINED_UPDATED), 30)
        check(163840)

        pid = self.daemon.qemu_pids()[0]
        self.events.close()
        self.daemon.stop()
        self.daemon.start()
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.dom = self.events.conn.lookupByName("vm")
        self.assertEqual(self.daemon.qemu_pids(), [pid])
        check(163840)

        self.daemon.virsh("destroy", "vm")
        self.wait_stopped(libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)
        self.assertEqual(self.state_reason(), "shut off (destroyed)")
        self.assertIn("<memory unit='KiB'>163840</memory>",
                      self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertEqual(self.daemon.virsh("list", "--all", "--persistent",
                                           "--name").stdout.split(), ["vm"])

    def test_start_refusals(self):
        # a kernel that is not there, and a serial log in a missing
        # directory: libvirt's errors, nothing left running
        cmdline = vbguest.cmdline("poweroff")
        xml = guest_xml("vm", self.guest, cmdline, serial_log=self.log)
        missing = os.path.join(self.tmp, "no-such-kernel")
        self.define(xml.replace(escape(self.guest.kernel), missing), start=False)
        proc = self.daemon.virsh("start", "vm", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("unable to stat: %s: No such file or directory" % missing, proc.stderr)
        self.assertEqual(self.state_reason(), "shut off (failed)")

        nodir = os.path.join(self.tmp, "no-such-dir", "serial.log")
        self.daemon.virsh("undefine", "vm")
        self.define(xml.replace(escape(self.log), nodir), start=False)
        proc = self.daemon.virsh("start", "vm", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Failed to create file '%s': No such file or directory" % nodir,
                      proc.stderr)
        self.assertEqual(self.daemon.qemu_pids(), [])

    def test_host_model_cpu(self):
        # Nova's <cpu mode='host-model'> under TCG: the guest boots on the
        # named model the daemon offers in its domain capabilities; the
        # live definition shows that CPU expanded as libvirt 9.0 does, the
        # persistent one keeps host-model
        xml = guest_xml("vm", self.guest, vbguest.cmdline("idle"), serial_log=self.log)
        xml = xml.replace("<clock offset='utc'/>", """<cpu mode='host-model' match='exact'>
    <topology sockets='1' cores='1' threads='1'/>
  </cpu>
  <clock offset='utc'/>""")
        caps = ET.fromstring(self.daemon.virsh("domcapabilities", "--virttype", "qemu",
                                               "--machine", "q35").stdout)
        offered = caps.find("./cpu/mode[@name='host-model']")
        self.assertEqual(offered.get("supported"), "yes")
        model = offered.find("model").text
        features = [(f.get("policy"), f.get("name")) for f in offered.findall("feature")]
        self.assertTrue(model and features)

        self.define(xml)
        self.wait_ready("idle")
        live = ET.fromstring(self.dom.XMLDesc(0)).find("cpu")
        self.assertEqual((live.get("mode"), live.get("match"), live.get("check")),
                         ("custom", "exact", "full"))
        self.assertEqual(live.find("model").text, model)
        self.assertEqual(live.find("model").get("fallback"), "forbid")
        self.assertEqual(live.find("vendor").text, offered.find("vendor").text)
        self.assertEqual(live.find("topology").attrib,
                         {"sockets": "1", "dies": "1", "cores": "1", "threads": "1"})
        self.assertEqual([(f.get("policy"), f.get("name")) for f in live.findall("feature")],
                         features)
        inactive = ET.fromstring(self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)).find("cpu")
        self.assertEqual(inactive.attrib, {"mode": "host-model", "check": "partial"})
        self.assertIsNone(inactive.find("feature"))

        # QEMU runs that CPU
        pids = self.daemon.qemu_pids()
        self.assertEqual(len(pids), 1)
        with open("/proc/%d/cmdline" % pids[0], "rb") as fh:
            argv = fh.read().decode().split("\0")
        cpu = argv[argv.index("-cpu") + 1].split(",")
        self.assertEqual(cpu[0], model)
        self.assertEqual(cpu[1:], ["%s=%s" % (name, "on" if policy == "require" else "off")
                                   for policy, name in features])
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.daemon.virsh("destroy", "vm")
        self.wait_stopped(libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)


if __name__ == "__main__":
    vbtest.main()
