#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A real Linux guest booted by UEFI firmware from its disk, under
virtblockd.

The disk is a FAT file system holding /EFI/BOOT/BOOTX64.EFI, a unified
kernel image of the test guest (tests/guest/make-uefi-disk.sh, cached).
The domain asks for <os firmware='efi'> without Secure Boot (the image is
unsigned), so the daemon picks Debian's OVMF from its firmware descriptor,
copies the variable store from the descriptor's template on the first
start, keeps it on the next, and `virsh undefine` treats it as libvirt
does.  virt-install --boot uefi makes and starts the same guest from the
domain capabilities.  Skipped, saying so, when Debian's ovmf is not installed.  Every wait
is on log contents or events, bounded; every process and file goes with
the test."""

import os
import shutil
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

BOOT_TIMEOUT = 300
INSTALL_TIMEOUT = 300
VIRT_INSTALL = shutil.which("virt-install")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def uefi_xml(name, os_xml, disk=None, serial_log=None):
    disk_xml = serial_xml = ""
    if disk:
        disk_xml = """
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>""" % escape(disk)
    if serial_log:
        serial_xml = """
    <serial type='file'>
      <source path='%s' append='on'/>
      <target port='0'/>
    </serial>""" % escape(serial_log)
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  %s
  <features><acpi/><apic/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>%s%s
  </devices>
</domain>
""" % (name, os_xml, disk_xml, serial_xml)


EFI_OS = """<os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <firmware><feature enabled='no' name='secure-boot'/></firmware>
  </os>"""


class UEFIGuestTest(vbtest.DaemonTestCase):
    disk = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU or vbguest.ovmf_missing():
            return
        t0 = time.monotonic()
        cls.disk = vbguest.uefi_disk(vbguest.cmdline("poweroff"))
        print("\nUEFI disk %s ready in %.1f s" % (cls.disk, time.monotonic() - t0),
              file=sys.stderr)

    def setUp(self):
        missing = vbguest.ovmf_missing()
        if missing:
            self.skipTest("Debian's ovmf is not installed (no %s): apt-get install ovmf, "
                          "as scripts/install-deps.sh does" % missing)
        super().setUp()
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.nvram = os.path.join(self.daemon.root, "lib", "nvram", "vm_VARS.fd")

    def define(self, xml):
        path = os.path.join(self.tmp, "vm.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", path)
        self.dom = self.events.conn.lookupByName("vm")

    def boot_to_poweroff(self, nth):
        """Starts the domain and waits for the guest's @nth poweroff (the
        serial log is appended to) and the domain's stop."""
        t0 = time.monotonic()
        self.daemon.virsh("start", "vm")
        vbtest.wait_for(lambda: vbguest.read_log(self.log).count("vbguest: poweroff") >= nth,
                        BOOT_TIMEOUT, "poweroff number %d of the guest" % nth)
        print("\nUEFI boot %d to poweroff: %.1f s" % (nth, time.monotonic() - t0),
              file=sys.stderr)
        vbtest.wait_for(lambda: not self.dom.isActive(), 60, "the domain to stop")
        vbtest.wait_for(lambda: not self.daemon.qemu_pids(), 30, "the status file to go")
        self.assertEqual(self.dom.state(),
                         [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SHUTDOWN])

    def test_efi_boot_from_disk(self):
        disk = os.path.join(self.images, "disk.raw")
        shutil.copyfile(self.disk, disk)
        self.define(uefi_xml("vm", EFI_OS, disk=disk, serial_log=self.log))
        xml = self.daemon.virsh("dumpxml", "--inactive", "vm").stdout
        self.assertIn("<os firmware='efi'>", xml)
        self.assertIn("<feature enabled='no' name='secure-boot'/>", xml)
        self.assertNotIn("<loader", xml)
        self.assertFalse(os.path.exists(self.nvram))

        # first start: the store is copied from the descriptor's template,
        # the firmware finds BOOTX64.EFI on the disk, the guest runs
        self.boot_to_poweroff(1)
        text = vbguest.read_log(self.log)
        self.assertRegex(text, vbguest.READY_RE)
        self.assertTrue(os.path.isfile(self.nvram))
        st = os.stat(self.nvram)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_size, os.path.getsize(OVMF_VARS))
        # the persistent definition stays as written
        self.assertNotIn("<loader", self.daemon.virsh("dumpxml", "--inactive", "vm").stdout)

        # second start: the same store (the guest's, not a new copy)
        self.boot_to_poweroff(2)
        st2 = os.stat(self.nvram)
        self.assertEqual((st2.st_dev, st2.st_ino), (st.st_dev, st.st_ino))

        # undefine: refused while the store exists, unless told what to do
        proc = self.daemon.virsh("undefine", "vm", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cannot undefine domain with nvram", proc.stderr)
        self.assertTrue(os.path.isfile(self.nvram))
        # (virsh refuses both flags itself; the API call reaches the daemon)
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_NVRAM |
                                   libvirt.VIR_DOMAIN_UNDEFINE_KEEP_NVRAM)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
        self.assertIn("cannot both keep and delete nvram", str(cm.exception))
        self.daemon.virsh("undefine", "vm", "--nvram")
        self.assertFalse(os.path.exists(self.nvram))
        self.assertNotIn("vm", self.daemon.virsh("list", "--all", "--name").stdout.split())

    def test_virt_install_boot_uefi(self):
        # what a user types: virt-install reads the domain capabilities,
        # writes <os firmware='efi'> and starts the guest, which the
        # firmware boots from the disk
        if not VIRT_INSTALL:
            self.skipTest("virt-install is not installed (apt-get install virtinst)")
        disk = os.path.join(self.images, "disk.raw")
        shutil.copyfile(self.disk, disk)
        vilog = os.path.join(self.tmp, "virt-install.log")
        self.extra_logs.append(vilog)
        cmd = [VIRT_INSTALL, "--connect", self.daemon.uri, "--debug", "--name", "vm",
               "--memory", "256", "--vcpus", "1", "--import",
               "--disk", "%s,format=raw,bus=virtio" % disk,
               "--osinfo", "detect=off,require=off",
               "--virt-type", "qemu", "--network", "none", "--graphics", "none",
               "--boot", "uefi,firmware.feature0.name=secure-boot,"
                         "firmware.feature0.enabled=no",
               "--serial", "file,path=%s" % self.log, "--noautoconsole"]
        env = dict(os.environ, HOME=self.tmp, XDG_CACHE_HOME=os.path.join(self.tmp, "cache"),
                   XDG_CONFIG_HOME=os.path.join(self.tmp, "config"))
        with open(vilog, "a") as out:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=env, timeout=INSTALL_TIMEOUT)
        if proc.returncode != 0:
            self.fail("virt-install failed (%d):\n%s" %
                      (proc.returncode, vbtest.read_tail(vilog, 6000)))
        self.dom = self.events.conn.lookupByName("vm")
        vbtest.wait_for(lambda: "vbguest: poweroff" in vbguest.read_log(self.log),
                        BOOT_TIMEOUT, "the guest's poweroff")
        vbtest.wait_for(lambda: not self.dom.isActive(), 60, "the domain to stop")
        root = ET.fromstring(self.daemon.virsh("dumpxml", "--inactive", "vm").stdout)
        self.assertEqual(root.find("./os").get("firmware"), "efi")
        self.assertTrue(os.path.isfile(self.nvram))
        self.daemon.virsh("undefine", "vm", "--nvram")
        self.assertFalse(os.path.exists(self.nvram))

    def test_loader_nvram_keep(self):
        # an explicit loader and store: copied from the given template at
        # the first start, kept at the next, copied again with
        # --reset-nvram, kept by undefine --keep-nvram
        nvram = os.path.join(self.images, "vm_VARS.fd")
        os_xml = """<os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash'>%s</loader>
    <nvram template='%s'>%s</nvram>
  </os>""" % (OVMF_CODE, OVMF_VARS, escape(nvram))
        self.define(uefi_xml("vm", os_xml))
        self.assertFalse(os.path.exists(nvram))
        self.daemon.virsh("start", "vm")
        self.assertTrue(os.path.isfile(nvram))
        self.assertEqual(os.path.getsize(nvram), os.path.getsize(OVMF_VARS))
        self.stop()

        # the guest's store is kept, whatever it holds; --reset-nvram
        # copies the template again (checked paused: the firmware writes
        # to its store once it runs)
        mine = b"\x5a" * os.path.getsize(OVMF_VARS)
        with open(nvram, "wb") as fh:
            fh.write(mine)
        self.daemon.virsh("start", "vm", "--paused")
        with open(nvram, "rb") as fh:
            self.assertEqual(fh.read(), mine)
        self.stop()
        self.daemon.virsh("start", "vm", "--paused", "--reset-nvram")
        with open(nvram, "rb") as fh, open(OVMF_VARS, "rb") as template:
            self.assertEqual(fh.read(), template.read())
        self.stop()

        self.daemon.virsh("undefine", "vm", "--keep-nvram")
        self.assertTrue(os.path.isfile(nvram))

    def stop(self):
        self.daemon.virsh("destroy", "vm")
        vbtest.wait_for(lambda: not self.daemon.qemu_pids(), 30, "the status file to go")

    def test_nvram_template_missing(self):
        # libvirt's error, nothing started, no store made
        nvram = os.path.join(self.images, "vm_VARS.fd")
        template = os.path.join(self.tmp, "no-such-VARS.fd")
        os_xml = """<os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash'>%s</loader>
    <nvram template='%s'>%s</nvram>
  </os>""" % (OVMF_CODE, escape(template), escape(nvram))
        self.define(uefi_xml("vm", os_xml))
        proc = self.daemon.virsh("start", "vm", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Failed to open file '%s': No such file or directory" % template,
                      proc.stderr)
        self.assertFalse(os.path.exists(nvram))
        self.assertEqual(self.daemon.qemu_pids(), [])
        # nothing to keep or remove: a plain undefine works
        self.daemon.virsh("undefine", "vm")


if __name__ == "__main__":
    vbtest.main()
