#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The balloon, rng and panic devices with the real test guest.

The guest is the tiny one of tests/guest/make-guest.sh, which loads
virtio_balloon, virtio-rng and pvpanic-mmio.  One test drives the balloon
as a user does with the stock virsh: dommemstat answers with the guest's
own statistics, the guest agent's channel socket is there while the guest
runs and gone after destroy, setmem shrinks the guest (QEMU's query-balloon through
dommemstat's "actual", the BALLOON_CHANGE event, the live
<currentMemory>), the bounds are refused with libvirt's errors, and the
guest sees its virtio rng.  Two others crash the guest through its pvpanic
device (echo c > /proc/sysrq-trigger) and check <on_crash> destroy and
restart.  (The cloud kernel has no i6300esb or ib700 driver, so no
watchdog fires here; the WATCHDOG path is covered by
qemumonitoreventtest, and end to end by a WATCHDOG event that
qmpproxy.py sends the daemon as QEMU would.)  Every wait is on log contents, events or QEMU's
answers, bounded; every process and file goes with the test."""

import os
import re
import socket
import stat
import sys
import time
from xml.sax.saxutils import escape

import libvirt

import vbevents
import vbguest
import vbtest

BOOT_TIMEOUT = 180
EVENT_TIMEOUT = 120
MEMORY_KIB = 262144

QMPPROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qmpproxy.py")

RNG_RE = re.compile(r"^vbguest: rng (\S*)\s*$", re.M)
NIC_RE = re.compile(r"^vbguest: nic (\S+) (\S+) (\S*) (\S*)\s*$", re.M)
NIC_MAC = "52:54:00:4e:49:43"
NIC_MAC_DOWN = "52:54:00:4e:49:44"


def guest_xml(guest, cmdline, script, log, on_crash="destroy", devices=""):
    return """<domain type='qemu'>
  <name>vm</name>
  <memory unit='KiB'>%d</memory>
  <currentMemory unit='KiB'>%d</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    %s
  </os>
  <features><acpi/><apic/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>%s</on_crash>
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
    </serial>%s
  </devices>
</domain>
""" % (MEMORY_KIB, MEMORY_KIB, guest.os_xml(cmdline), on_crash, escape(script), escape(log),
       devices)


class MiscDevicesTest(vbtest.DaemonTestCase):
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
        self.balloon_events = []
        self.cb = self.events.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE, self._balloon_change, None)
        self.addCleanup(self.events.conn.domainEventDeregisterAny, self.cb)

        self.cb_watchdog = self.events.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_WATCHDOG, self._watchdog, None)
        self.addCleanup(self.events.conn.domainEventDeregisterAny, self.cb_watchdog)

    def _balloon_change(self, conn, dom, actual, opaque):
        self.events._record(("balloon-change", dom.name(), actual))

    def _watchdog(self, conn, dom, action, opaque):
        self.events._record(("watchdog", dom.name(), action))

    def start(self, script_text, on_crash="destroy", devices="", emulator=None):
        script = vbguest.script_image(os.path.join(self.images, "script.raw"), script_text)
        cmdline = vbguest.cmdline("script", then="idle", script="/dev/vda")
        path = os.path.join(self.tmp, "vm.xml")
        xml = guest_xml(self.guest, cmdline, script, self.log, on_crash, devices)
        if emulator:
            xml = xml.replace("<emulator>/usr/bin/qemu-system-x86_64</emulator>",
                              "<emulator>%s</emulator>" % emulator)
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", path)
        self.daemon.virsh("start", "vm")
        self.dom = self.events.conn.lookupByName("vm")

    def wait_log(self, regex, what, count=1, timeout=BOOT_TIMEOUT):
        def found():
            text = vbguest.read_log(self.log)
            err = vbguest.ERROR_RE.search(text)
            if err:
                self.fail("guest error while waiting for %s: %s" % (what, err.group(1)))
            matches = regex.findall(text)
            return matches if len(matches) >= count else None
        return vbtest.wait_for(found, timeout, what)

    def memstat(self):
        out = self.daemon.virsh("dommemstat", "vm").stdout
        return dict((k, int(v)) for k, v in (line.split() for line in out.splitlines() if line))

    def state_reason(self):
        return self.daemon.virsh("domstate", "vm", "--reason").stdout.strip()

    def test_balloon_and_rng(self):
        self.start("echo \"vbguest: rng $(cat /sys/class/misc/hw_random/rng_current)\"\n",
                   devices="""
    <memballoon model='virtio'>
      <stats period='1'/>
    </memballoon>
    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
    </rng>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>""")
        self.wait_log(vbguest.READY_RE, "the guest's banner")
        # the guest agent's socket: named by the daemon in the domain's
        # socket directory under its state directory, shown in the live
        # XML only
        live = self.daemon.virsh("dumpxml", "vm").stdout
        m = re.search(r"<source mode='bind' path='([^']+)'/>", live)
        self.assertIsNotNone(m, live)
        sock = m.group(1)
        self.assertEqual(sock, os.path.join(self.daemon.root, "run", "qemu", "domain-1-vm",
                                            "org.qemu.guest_agent.0"))
        self.assertTrue(stat.S_ISSOCK(os.stat(sock).st_mode))
        self.assertIn("<address type='virtio-serial' controller='0' bus='0' port='1'/>", live)
        self.assertNotIn("mode='bind'",
                         self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        # the guest found the virtio rng and uses it
        rng = self.wait_log(RNG_RE, "the guest's rng line")
        self.assertTrue(rng[0].startswith("virtio_rng"), rng)

        # QEMU's balloon size and RSS at once; the guest's own statistics
        # once its driver reported them (period 1 s)
        stats = self.memstat()
        self.assertEqual(stats["actual"], MEMORY_KIB)
        self.assertGreater(stats["rss"], 0)
        stats = vbtest.wait_for(lambda: (lambda s: s if "unused" in s else None)(self.memstat()),
                                60, "the guest's memory statistics")
        self.assertGreater(stats["available"], 0)
        self.assertGreater(stats["last_update"], 0)

        # setmem: the balloon inflates, QEMU says BALLOON_CHANGE, the live
        # XML follows
        target = MEMORY_KIB * 3 // 4
        self.daemon.virsh("setmem", "vm", str(target), "--live")
        self.events.wait(lambda e: e == ("balloon-change", "vm", target), EVENT_TIMEOUT)
        self.assertEqual(self.memstat()["actual"], target)
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertIn("<currentMemory unit='KiB'>%d</currentMemory>" % target, live)
        inactive = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        self.assertIn("<currentMemory unit='KiB'>%d</currentMemory>" % MEMORY_KIB, inactive)

        # libvirt's refusals
        proc = self.daemon.virsh("setmem", "vm", str(MEMORY_KIB * 2), "--live", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cannot set memory higher than max memory", proc.stderr)
        proc = self.daemon.virsh("setmaxmem", "vm", str(MEMORY_KIB * 2), "--live", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cannot resize the maximum memory on an active domain", proc.stderr)

        # the config alone, and the statistics period
        self.daemon.virsh("setmem", "vm", str(MEMORY_KIB // 2), "--config")
        inactive = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        self.assertIn("<currentMemory unit='KiB'>%d</currentMemory>" % (MEMORY_KIB // 2),
                      inactive)
        self.daemon.virsh("dommemstat", "vm", "--period", "3", "--live")
        self.assertIn("<stats period='3'/>", self.daemon.virsh("dumpxml", "vm").stdout)

        self.daemon.virsh("destroy", "vm")
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                         libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
                         EVENT_TIMEOUT)
        proc = self.daemon.virsh("dommemstat", "vm", check=False)
        self.assertIn("domain is not running", proc.stderr)
        # the socket and its directory went with QEMU
        self.assertFalse(os.path.exists(sock))
        self.assertFalse(os.path.exists(os.path.dirname(sock)))

    def test_virtio_nic_user(self):
        # every network device of the guest but lo: name, MAC, driver and,
        # once it is up, its carrier (the link as QEMU shows it)
        self.start("for d in /sys/class/net/*; do n=${d##*/}; [ \"$n\" = lo ] && continue; "
                   "ifconfig $n up; "
                   "echo \"vbguest: nic $n $(cat $d/address) "
                   "$(basename $(readlink $d/device/driver)) $(cat $d/carrier)\"; done\n"
                   "echo 'vbguest: nics listed'\n",
                   devices="""
    <interface type='user'>
      <mac address='%s'/>
      <model type='virtio'/>
    </interface>
    <interface type='user'>
      <mac address='%s'/>
      <model type='virtio'/>
      <link state='down'/>
    </interface>""" % (NIC_MAC, NIC_MAC_DOWN))
        self.wait_log(re.compile(r"^vbguest: nics listed", re.M), "the guest's NIC list")
        nics = sorted(NIC_RE.findall(vbguest.read_log(self.log)), key=lambda n: n[1])
        self.assertEqual(nics, [("eth0", NIC_MAC, "virtio_net", "1"),
                                ("eth1", NIC_MAC_DOWN, "virtio_net", "0")])
        # the stock virsh reads these from the live XML
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertIn("<alias name='net0'/>", live)
        iflist = self.daemon.virsh("domiflist", "vm").stdout
        self.assertRegex(iflist, r"-\s+user\s+-\s+virtio\s+%s" % NIC_MAC)
        self.assertRegex(iflist, r"-\s+user\s+-\s+virtio\s+%s" % NIC_MAC_DOWN)
        self.assertRegex(self.daemon.virsh("domif-getlink", "vm", NIC_MAC).stdout, r"\bup\b")
        self.assertRegex(self.daemon.virsh("domif-getlink", "vm", NIC_MAC_DOWN).stdout,
                         r"\bdown\b")
        # domifstat: libvirt's errors for user networking (no tap to
        # count on) and for a device the domain does not have
        for device, message in ((NIC_MAC, "internal error: Interface name not provided"),
                                ("net0", "invalid argument: 'net0' is not a known interface")):
            res = self.daemon.virsh("domifstat", "vm", device, check=False)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn(message, res.stderr)

    def test_generated_macs(self):
        # no <mac>: each interface gets an address in 52:54:00 that no
        # other interface of the daemon has, kept when redefined from its
        # own XML; a given address used twice in a domain is refused
        nic = "\n    <interface type='user'><model type='virtio'/></interface>"
        macs = {}
        for name in ("vm", "vm2"):
            path = os.path.join(self.tmp, name + ".xml")
            with open(path, "w") as fh:
                fh.write(guest_xml(self.guest, "", "/dev/null", self.log, devices=nic * 3)
                         .replace("<name>vm</name>", "<name>%s</name>" % name))
            self.daemon.virsh("define", path)
            xml = self.daemon.virsh("dumpxml", name).stdout
            macs[name] = re.findall(r"<mac address='([^']+)'/>", xml)
            self.assertEqual(len(macs[name]), 3, xml)
            for mac in macs[name]:
                self.assertRegex(mac, r"^52:54:00(:[0-9a-f]{2}){3}$")
            with open(path, "w") as fh:
                fh.write(xml)
            self.daemon.virsh("define", path)
            again = self.daemon.virsh("dumpxml", name).stdout
            self.assertEqual(re.findall(r"<mac address='([^']+)'/>", again), macs[name])
        every = macs["vm"] + macs["vm2"]
        self.assertEqual(len(set(every)), len(every), every)

        dup = os.path.join(self.tmp, "dup.xml")
        with open(dup, "w") as fh:
            fh.write(guest_xml(self.guest, "", "/dev/null", self.log,
                               devices=("\n    <interface type='user'><mac address='%s'/>"
                                        "</interface>" % NIC_MAC) * 2)
                     .replace("<name>vm</name>", "<name>vm3</name>"))
        res = self.daemon.virsh("define", dup, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("unsupported configuration: MAC address '%s' is used by more than one "
                      "interface" % NIC_MAC, res.stderr)
        self.assertNotIn("vm3", self.daemon.virsh("list", "--all", "--name").stdout)

    def test_panic_destroys(self):
        self.start("echo c > /proc/sysrq-trigger\n",
                   devices="\n    <memballoon model='none'/>\n    <panic model='isa'/>")
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_CRASHED,
                                         libvirt.VIR_DOMAIN_EVENT_CRASHED_PANICKED),
                         BOOT_TIMEOUT)
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                         libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED),
                         EVENT_TIMEOUT)
        vbtest.wait_for(lambda: not self.daemon.qemu_pids(), 30, "QEMU to be gone")
        self.assertEqual(self.state_reason(), "shut off (crashed)")

    def test_panic_restarts(self):
        self.start("echo c > /proc/sysrq-trigger\n",
                   on_crash="restart",
                   devices="\n    <memballoon model='none'/>\n    <panic model='isa'/>")
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_CRASHED,
                                         libvirt.VIR_DOMAIN_EVENT_CRASHED_PANICKED),
                         BOOT_TIMEOUT)
        # reset and continued: the guest boots again (and crashes again,
        # handled the same way)
        self.events.wait(lambda e: e == ("reboot", "vm"), EVENT_TIMEOUT)
        self.wait_log(vbguest.READY_RE, "the guest to boot again", count=2)
        self.assertTrue(self.dom.isActive())
        self.daemon.virsh("destroy", "vm")
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                         libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
                         EVENT_TIMEOUT)
        self.assertEqual(self.daemon.qemu_pids(), [])

    def test_watchdog_event(self):
        # The cloud kernel has no i6300esb driver, so the guest cannot let
        # the watchdog fire: QEMU runs behind qmpproxy.py, which sends the
        # daemon QEMU's WATCHDOG event as QEMU would.  The device itself
        # is real: QEMU runs with i6300esb and -watchdog-action pause.
        control = os.path.join(self.tmp, "qmpproxy-control")
        self.extra_logs.append(control + ".log")
        wrapper = os.path.join(self.tmp, "qemu-behind-proxy")
        with open(wrapper, "w") as fh:
            fh.write('#!/bin/sh\nexec /usr/bin/python3 %s %s "$@"\n' % (QMPPROXY, control))
        os.chmod(wrapper, 0o755)
        self.start("true\n", emulator=wrapper, devices="""
    <watchdog model='i6300esb' action='pause'/>
    <memballoon model='none'/>""")
        self.wait_log(vbguest.READY_RE, "the guest's banner")
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(30)
            s.connect(control)
            s.sendall(b'event WATCHDOG {"action": "pause"}\n')
            self.assertEqual(s.makefile("r").readline().strip(), "ok")
        self.events.wait(lambda e: e == ("watchdog", "vm", libvirt.VIR_DOMAIN_EVENT_WATCHDOG_PAUSE),
                         EVENT_TIMEOUT)
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                                         libvirt.VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG),
                         EVENT_TIMEOUT)
        self.assertEqual(self.state_reason(), "paused (watchdog)")
        self.daemon.virsh("destroy", "vm")
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                         libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
                         EVENT_TIMEOUT)


if __name__ == "__main__":
    vbtest.main()
