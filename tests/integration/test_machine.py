#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The domain-level elements a real guest runs with: machine alias, <cpu>
(maximum with a topology, a custom model), <vcpu current>, <features>,
<clock> timers and <pm>, as virt-install, Nova and oVirt write them.

The guest is the tiny one of tests/guest/make-guest.sh; it runs a script
that prints what it sees of its CPUs to the serial console, then powers
off.  The definition is checked as virsh dumpxml writes it back (the
machine alias replaced by QEMU's versioned name), the argv QEMU really got
(from /proc), and the guest's view.  Every wait is bounded; every process
and file goes with the test."""

import os
import re
import time
from xml.sax.saxutils import escape

import libvirt

import vbevents
import vbguest
import vbtest

BOOT_TIMEOUT = 180
EXIT_TIMEOUT = 120

SCRIPT = """echo "vbguest: cpus online=$(cat /sys/devices/system/cpu/online) \
possible=$(cat /sys/devices/system/cpu/possible) \
flags=$(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2 | tr ' ' ',')"
"""
CPUS_RE = re.compile(r"vbguest: cpus online=(\S+) possible=(\S+) flags=(\S*)")
EPOCH_RE = re.compile(r"vbguest: epoch (\d+)")


def machine_xml(name, guest, cmdline, script, log, cpu, vcpu, clock="offset='utc'"):
    return """<domain type='qemu'>
  <name>%s</name>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://debian.org/debian/12"/>
    </libosinfo:libosinfo>
  </metadata>
  <memory unit='MiB'>256</memory>
  <currentMemory unit='MiB'>256</currentMemory>
  %s
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    %s
  </os>
  <features>
    <acpi/>
    <apic/>
    <pae/>
    <hyperv mode='custom'>
      <relaxed state='on'/>
      <spinlocks state='on' retries='8191'/>
    </hyperv>
    <vmport state='off'/>
    <smm state='on'/>
  </features>
  %s
  <clock %s>
    <timer name='rtc' tickpolicy='catchup'/>
    <timer name='pit' tickpolicy='delay'/>
    <timer name='hpet' present='no'/>
  </clock>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <pm>
    <suspend-to-mem enabled='no'/>
    <suspend-to-disk enabled='no'/>
  </pm>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'>
      <source path='%s' append='on'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, vcpu, guest.os_xml(cmdline), cpu, clock, escape(script), escape(log))


class MachineTest(vbtest.DaemonTestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        if vbtest.SKIP_NO_QEMU:
            return
        cls.guest = vbguest.build()

    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.script = vbguest.script_image(os.path.join(self.images, "script.raw"), SCRIPT)

    def xml(self, cpu, vcpu, **kwargs):
        cmdline = vbguest.cmdline("script", then="poweroff", script="/dev/vda")
        return machine_xml("vm", self.guest, cmdline, self.script, self.log, cpu, vcpu,
                           **kwargs)

    def define(self, xml):
        path = os.path.join(self.tmp, "vm.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        return self.daemon.virsh("define", path, check=False)

    def qemu_argv(self):
        pids = self.daemon.qemu_pids()
        self.assertEqual(len(pids), 1)
        with open("/proc/%d/cmdline" % pids[0], "rb") as fh:
            return fh.read().decode().split("\0")

    def arg_of(self, argv, opt):
        return [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == opt]

    def boot(self, regex=CPUS_RE):
        """Starts vm; returns (argv, online, possible, flags) once the guest
        printed its CPUs (or argv and the match of @regex), and waits for
        it to power itself off."""
        self.daemon.virsh("start", "vm")
        argv = self.qemu_argv()
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            text = vbguest.read_log(self.log)
            m = regex.search(text)
            if m:
                break
            err = vbguest.ERROR_RE.search(text)
            if err:
                self.fail("guest error: %s" % err.group(1))
            if time.monotonic() > deadline:
                self.fail("timed out waiting for the guest's CPUs:\n%s" % text[-4000:])
            time.sleep(0.05)
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                         libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN),
                         EXIT_TIMEOUT)
        vbtest.wait_for(lambda: not self.daemon.qemu_pids(), 30, "QEMU to go")
        if regex is not CPUS_RE:
            return argv, m
        return argv, m.group(1), m.group(2), m.group(3).split(",")

    def test_maximum_topology_current_vcpus(self):
        cpu = """<cpu mode='maximum'>
    <topology sockets='1' dies='1' cores='2' threads='1'/>
  </cpu>"""
        self.define(self.xml(cpu, "<vcpu placement='static' current='1'>2</vcpu>")).check_returncode()
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        # the alias as QEMU's versioned name, as libvirt writes it back
        self.assertIn("<type arch='x86_64' machine='pc-q35-7.2'>hvm</type>", xml)
        self.assertIn("<vcpu placement='static' current='1'>2</vcpu>", xml)
        self.assertIn("<cpu mode='maximum' check='none'>", xml)
        self.assertIn("<suspend-to-disk enabled='no'/>", xml)
        self.assertIn('<libosinfo:os id="http://debian.org/debian/12"/>', xml)
        self.assertRegex(self.daemon.virsh("dominfo", "vm").stdout, r"CPU\(s\):\s+1\n")

        argv, online, possible, flags = self.boot()
        self.assertEqual(self.arg_of(argv, "-cpu"),
                         ["max,hv-relaxed=on,hv-spinlocks=0x1fff"])
        self.assertEqual(self.arg_of(argv, "-smp"),
                         ["1,maxcpus=2,sockets=1,dies=1,cores=2,threads=1"])
        self.assertEqual(self.arg_of(argv, "-machine")[0].split(",")[:4],
                         ["pc-q35-7.2", "usb=off", "vmport=off", "smm=on"])
        self.assertEqual(self.arg_of(argv, "-rtc"), ["base=utc,driftfix=slew"])
        self.assertIn("-no-hpet", argv)
        self.assertEqual(self.arg_of(argv, "-global"),
                         ["kvm-pit.lost_tick_policy=delay", "ICH9-LPC.disable_s3=1",
                          "ICH9-LPC.disable_s4=1"])
        # one vCPU online, room for the second
        self.assertEqual((online, possible), ("0", "0-1"))

    def test_custom_model_features(self):
        cpu = """<cpu mode='custom' match='exact'>
    <model fallback='allow'>Nehalem</model>
    <feature policy='require' name='aes'/>
    <feature policy='disable' name='sse4.2'/>
  </cpu>"""
        self.define(self.xml(cpu, "<vcpu>2</vcpu>")).check_returncode()
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertIn("<cpu mode='custom' match='exact' check='none'>", xml)
        argv, online, possible, flags = self.boot()
        self.assertEqual(self.arg_of(argv, "-cpu"),
                         ["Nehalem,aes=on,sse4.2=off,hv-relaxed=on,hv-spinlocks=0x1fff"])
        self.assertEqual((online, possible), ("0-1", "0-1"))
        self.assertIn("aes", flags)
        self.assertNotIn("sse4_2", flags)

    def test_clock_timezone(self):
        # QEMU runs with TZ: its RTC starts at that zone's time, which the
        # guest reads as UTC (Etc/GMT-5 is five hours east of UTC)
        vbguest.script_image(self.script, 'echo "vbguest: epoch $(date +%s)"\n')
        clock = "offset='timezone' timezone='Etc/GMT-5'"
        self.define(self.xml("", "<vcpu>1</vcpu>", clock=clock)).check_returncode()
        self.assertIn("<clock offset='timezone' timezone='Etc/GMT-5'>",
                      self.daemon.virsh("dumpxml", "vm").stdout)
        host = time.time()
        argv, m = self.boot(EPOCH_RE)
        self.assertEqual(self.arg_of(argv, "-rtc"), ["base=localtime,driftfix=slew"])
        skew = int(m.group(1)) - host
        self.assertLess(abs(skew - 5 * 3600), 600, "guest clock off by %d s" % skew)

    def test_machine_names(self):
        # an alias is stored as the versioned name; an older versioned name
        # QEMU 7.2 offers is kept as it is
        for given, stored in (("pc", "pc-i440fx-7.2"), ("pc-q35-5.2", "pc-q35-5.2"),
                              ("pc-i440fx-2.12", "pc-i440fx-2.12")):
            proc = self.define(self.xml("", "<vcpu>1</vcpu>").replace(
                "machine='q35'", "machine='%s'" % given))
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn("machine='%s'>hvm</type>" % stored,
                          self.daemon.virsh("dumpxml", "vm").stdout)
            self.daemon.virsh("undefine", "vm")

    def test_refusals(self):
        # as libvirtd 9.0: an unknown machine at define time, host-passthrough
        # under TCG at start; a topology that is not the vCPU count
        proc = self.define(self.xml("", "<vcpu>1</vcpu>").replace("machine='q35'",
                                                                    "machine='pc-q35-1.0'"))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Emulator '/usr/bin/qemu-system-x86_64' does not support machine type "
                      "'pc-q35-1.0'", proc.stderr)
        proc = self.define(self.xml("<cpu><topology sockets='2' cores='1' threads='1'/></cpu>",
                                    "<vcpu>1</vcpu>"))
        self.assertIn("CPU topology doesn't match maximum vcpu count", proc.stderr)
        self.define(self.xml("<cpu mode='host-passthrough'/>", "<vcpu>1</vcpu>")).check_returncode()
        proc = self.daemon.virsh("start", "vm", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("CPU mode 'host-passthrough' for x86_64 qemu domain on x86_64 host is not "
                      "supported by hypervisor", proc.stderr)
        self.assertEqual(self.daemon.qemu_pids(), [])


if __name__ == "__main__":
    vbtest.main()
