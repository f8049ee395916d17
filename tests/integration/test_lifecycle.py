#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Domains and QEMU processes driven through the stock virsh and
python3-libvirt: start, pause, resume, destroy, powerdown, QEMU killed,
daemon restarts, and a loop that must leak nothing."""

import json
import os
import re
import signal
import subprocess

import libvirt

import vbtest
from vbevents import EventRecorder


class LifecycleTest(vbtest.DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.chain = vbtest.Chain(self.images, layers=2, size_mib=16)
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)

    def state(self, name="vm"):
        return self.daemon.virsh("domstate", name, "--reason").stdout.strip()

    def test_start_pause_resume_destroy(self):
        self.define("vm", [("vda", self.chain.top)], start=False)
        self.assertEqual(self.state(), "shut off (unknown)")
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.state(), "running (booted)")
        out = self.daemon.virsh("list").stdout
        self.assertRegex(out, r"\s1\s+vm\s+running")

        self.daemon.virsh("suspend", "vm")
        self.assertEqual(self.state(), "paused (user)")
        self.daemon.virsh("resume", "vm")
        self.assertEqual(self.state(), "running (unpaused)")
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.state(), "shut off (destroyed)")

        kinds = [(e[2], e[3]) for e in self.events.of_kind("lifecycle", "vm")]
        self.events.wait(lambda e: e[0] == "lifecycle" and
                         e[2] == libvirt.VIR_DOMAIN_EVENT_STOPPED)
        kinds = [(e[2], e[3]) for e in self.events.of_kind("lifecycle", "vm")]
        self.assertEqual(kinds, [
            (libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_ADDED),
            (libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED),
            (libvirt.VIR_DOMAIN_EVENT_SUSPENDED, libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
            (libvirt.VIR_DOMAIN_EVENT_RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
            (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
        ])
        self.assertEqual(self.daemon.qemu_pids(), [])

    def test_start_paused_and_info(self):
        self.define("vm", [("vda", self.chain.top)], start=False)
        self.daemon.virsh("start", "vm", "--paused")
        self.assertEqual(self.state(), "paused (user)")
        info = self.daemon.virsh("dominfo", "vm").stdout
        self.assertRegex(info, r"State:\s+paused")
        self.assertRegex(info, r"Max memory:\s+65536 KiB")
        self.assertRegex(info, r"CPU\(s\):\s+1")
        self.assertRegex(info, r"Persistent:\s+yes")

    def test_powerdown_is_sent(self):
        # The guest has no OS to act on ACPI: the call is accepted and the
        # domain keeps running, as with libvirtd.
        self.define("vm", [("vda", self.chain.top)])
        out = self.daemon.virsh("shutdown", "vm", quiet=False).stdout
        self.assertIn("Domain 'vm' is being shutdown", out)
        self.assertEqual(self.state(), "running (booted)")

    def test_qemu_killed(self):
        self.define("vm", [("vda", self.chain.top)])
        pid = self.daemon.qemu_pids()[0]
        os.kill(pid, signal.SIGKILL)
        self.events.wait(lambda e: e[0] == "lifecycle" and e[1] == "vm" and
                         e[2] == libvirt.VIR_DOMAIN_EVENT_STOPPED and
                         e[3] == libvirt.VIR_DOMAIN_EVENT_STOPPED_FAILED)
        self.assertEqual(self.state(), "shut off (crashed)")
        # the status file is gone, the domain can start again
        self.assertEqual(self.daemon.qemu_pids(), [])
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.state(), "running (booted)")

    def test_transient_domain(self):
        xml = os.path.join(self.tmp, "t.xml")
        with open(xml, "w") as fh:
            fh.write(vbtest.domain_xml("t", [("vda", self.chain.top)]))
        self.daemon.virsh("create", xml)
        self.assertIn("t", self.daemon.virsh("list", "--name").stdout.split())
        self.assertEqual(self.daemon.virsh("dominfo", "t").stdout.count("Persistent:     no"), 1)
        self.daemon.virsh("destroy", "t")
        proc = self.daemon.virsh("dominfo", "t", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("failed to get domain 't'", proc.stderr)

    def test_define_of_running_transient_fails_cleanly(self):
        # a define that cannot save the definition leaves a running
        # transient domain running and transient, not forgotten with its
        # QEMU still up (a second create would start another QEMU on the
        # same images)
        xml = os.path.join(self.tmp, "t.xml")
        with open(xml, "w") as fh:
            # one UUID for the create and the define: the same domain
            fh.write(vbtest.domain_xml("t", [("vda", self.chain.top)]).replace(
                "<name>t</name>", "<name>t</name><uuid>5f1c1a52-94a1-4c1e-8d57-0b7e1e3c2a10</uuid>"))
        self.daemon.virsh("create", xml)
        pids = self.daemon.qemu_pids()
        # the config file's name taken by a directory: the save fails
        os.makedirs(os.path.join(self.daemon.root, "config", "t.xml", "x"))
        proc = self.daemon.virsh("define", xml, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.state("t"), "running (booted)")
        self.assertRegex(self.daemon.virsh("dominfo", "t").stdout, r"Persistent:\s+no")
        proc = self.daemon.virsh("create", xml, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.daemon.qemu_pids(), pids)
        self.daemon.virsh("destroy", "t")
        self.assertEqual(self.daemon.virsh("list", "--all", "--name").stdout.split(), [])

    def test_daemon_restart_reconnects(self):
        self.define("vm", [("vda", self.chain.top)])
        self.define("vm2", [("vda", self.chain.top)], start=False)
        pid = self.daemon.qemu_pids()[0]
        self.events.close()
        self.daemon.stop()
        self.assertTrue(vbtest.pid_alive(pid), "QEMU must outlive the daemon")
        self.daemon.start()
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.assertEqual(self.state(), "running (booted)")
        self.assertEqual(self.daemon.qemu_pids(), [pid])
        self.assertEqual(self.state("vm2"), "shut off (unknown)")
        # the monitor works again: pause and resume go through
        self.daemon.virsh("suspend", "vm")
        self.assertEqual(self.state(), "paused (user)")
        self.daemon.virsh("resume", "vm")
        self.daemon.virsh("destroy", "vm")
        self.assertFalse(vbtest.pid_alive(pid))

    def test_daemon_restart_after_qemu_died(self):
        self.define("vm", [("vda", self.chain.top)])
        pid = self.daemon.qemu_pids()[0]
        self.events.close()
        self.daemon.kill9()
        os.kill(pid, signal.SIGKILL)
        vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 10, "QEMU to die")
        self.daemon.start()
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        # libvirt's reason when QEMU (-no-shutdown) cannot be reached
        self.assertEqual(self.state(), "shut off (crashed)")
        self.assertEqual(self.daemon.qemu_pids(), [])

    def host_reboot(self):
        """The daemon stopped and started again as after a boot of the host:
        the state directory (a tmpfs under libvirt) lost its autostart mark."""
        self.events.close()
        self.daemon.stop()
        os.unlink(os.path.join(self.daemon.root, "run", "qemu", "autostarted"))
        self.daemon.start()
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)

    def test_autostart(self):
        self.define("vm", [("vda", self.chain.top)], start=False)
        self.define("vm2", [("vda", self.chain.top)], start=False)
        info = self.daemon.virsh("dominfo", "vm").stdout
        self.assertRegex(info, r"Autostart:\s+disable")
        self.daemon.virsh("autostart", "vm")
        self.assertRegex(self.daemon.virsh("dominfo", "vm").stdout, r"Autostart:\s+enable")
        link = os.path.join(self.daemon.root, "config", "autostart", "vm.xml")
        self.assertEqual(os.readlink(link),
                         os.path.join(self.daemon.root, "config", "vm.xml"))
        self.assertEqual(self.daemon.virsh("list", "--all", "--autostart",
                                           "--name").stdout.split(), ["vm"])
        self.assertEqual(self.daemon.virsh("list", "--all", "--no-autostart",
                                           "--name").stdout.split(), ["vm2"])

        # A plain daemon restart starts nothing: autostart is once a boot.
        self.events.close()
        self.daemon.stop()
        self.daemon.start()
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.assertEqual(self.state(), "shut off (unknown)")

        self.host_reboot()
        self.assertEqual(self.state(), "running (booted)")
        self.assertEqual(self.state("vm2"), "shut off (unknown)")
        self.assertRegex(self.daemon.virsh("dominfo", "vm").stdout, r"Autostart:\s+enable")

        # Running domains are reconnected to, not started again.
        pid = self.daemon.qemu_pids()[0]
        self.host_reboot()
        self.assertEqual(self.daemon.qemu_pids(), [pid])
        self.assertEqual(self.state(), "running (booted)")

        self.daemon.virsh("destroy", "vm")
        self.daemon.virsh("autostart", "--disable", "vm")
        self.assertFalse(os.path.lexists(link))
        self.host_reboot()
        self.assertEqual(self.state(), "shut off (unknown)")

        # undefine takes the mark away with the definition
        self.daemon.virsh("autostart", "vm")
        self.daemon.virsh("undefine", "vm")
        self.assertFalse(os.path.lexists(link))

    def test_autostart_refused_for_transient(self):
        xml = os.path.join(self.tmp, "t.xml")
        with open(xml, "w") as fh:
            fh.write(vbtest.domain_xml("t", [("vda", self.chain.top)]))
        self.daemon.virsh("create", xml)
        proc = self.daemon.virsh("autostart", "t", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Requested operation is not valid: "
                      "cannot set autostart for transient domain", proc.stderr)
        self.assertRegex(self.daemon.virsh("dominfo", "t").stdout, r"Autostart:\s+disable")

    def query_block(self, device):
        out = self.daemon.virsh("qemu-monitor-command", "vm",
                                '{"execute":"query-block"}').stdout
        blocks = json.loads(out)["return"]
        return next(b for b in blocks if b.get("qdev") == device)

    def test_change_media(self):
        isos = []
        for name in ("one.iso", "two.iso"):
            path = os.path.join(self.images, name)
            with open(path, "wb") as fh:
                fh.write(name.encode() * 1024)
            isos.append(path)
        cdroms = """
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='sdb' bus='sata'/>
      <readonly/>
    </disk>""" % isos[0]
        self.define("vm", [("vda", self.chain.top)], extra_devices=cdroms)
        self.assertEqual(self.query_block("sata0-0-0")["inserted"]["file"], isos[0])
        self.assertNotIn("inserted", self.query_block("sata0-0-1"))
        details = self.daemon.virsh("domblklist", "vm", "--details").stdout
        self.assertRegex(details, r"file\s+cdrom\s+sda\s+%s" % re.escape(isos[0]))
        self.assertRegex(details, r"file\s+cdrom\s+sdb\s+-")

        self.daemon.virsh("change-media", "vm", "sda", "--eject")
        # the tray opened and closed again, each with its event
        self.events.wait(lambda e: e == ("tray-change", "vm", "sata0-0-0",
                                         libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE))
        self.assertEqual(self.events.of_kind("tray-change"), [
            ("tray-change", "vm", "sata0-0-0", libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN),
            ("tray-change", "vm", "sata0-0-0", libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE),
        ])
        block = self.query_block("sata0-0-0")
        self.assertNotIn("inserted", block)
        self.assertFalse(block["tray_open"])
        self.assertNotIn(isos[0], self.daemon.virsh("dumpxml", "vm").stdout)
        # live only: the next start has the medium again
        self.assertIn(isos[0], self.daemon.virsh("dumpxml", "--inactive", "vm").stdout)

        self.daemon.virsh("change-media", "vm", "sdb", "--insert", isos[1])
        block = self.query_block("sata0-0-1")
        self.assertEqual(block["inserted"]["file"], isos[1])
        self.assertTrue(block["inserted"]["ro"])
        self.assertFalse(block["tray_open"])

        self.daemon.virsh("change-media", "vm", "sdb", "--update", isos[0], "--live",
                          "--config", "--force")
        self.assertEqual(self.query_block("sata0-0-1")["inserted"]["file"], isos[0])
        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertNotIn("tray=", live)
        self.assertEqual(vbtest.disk_chain(live, "sdb"), [isos[0]])
        inactive = self.daemon.virsh("dumpxml", "--inactive", "vm").stdout
        self.assertEqual(vbtest.disk_chain(inactive, "sdb"), [isos[0]])

        # virsh itself looks among removable drives only (the driver's
        # refusal is domainmediatest's)
        proc = self.daemon.virsh("change-media", "vm", "vda", "--update", isos[1],
                                 check=False)
        self.assertNotEqual(proc.returncode, 0)
        proc = self.daemon.virsh("change-media", "vm", "sdb", "--insert",
                                 os.path.join(self.images, "missing.iso"), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.query_block("sata0-0-1")["inserted"]["file"], isos[0])

        # a tray opened behind our back shows in the live XML; a change
        # of medium then leaves it closed
        self.daemon.virsh("qemu-monitor-command", "vm",
                          '{"execute":"blockdev-open-tray","arguments":{"id":"sata0-0-0"}}')
        self.events.wait(lambda e: e == ("tray-change", "vm", "sata0-0-0",
                                         libvirt.VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN)
                         and len(self.events.of_kind("tray-change")) > 2)
        self.assertIn("<target dev='sda' bus='sata' tray='open'/>",
                      self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertNotIn("tray=", self.daemon.virsh("dumpxml", "--inactive", "vm").stdout)
        self.daemon.virsh("change-media", "vm", "sda", "--insert", isos[1])
        self.assertFalse(self.query_block("sata0-0-0")["tray_open"])
        self.assertIn("<target dev='sda' bus='sata'/>", self.daemon.virsh("dumpxml", "vm").stdout)

        # the medium survives a daemon restart (status file) and a restart
        # of the domain takes the persistent one
        self.events.close()
        self.daemon.stop()
        self.daemon.start()
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.assertEqual(vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout, "sdb"),
                         [isos[0]])
        self.daemon.virsh("change-media", "vm", "sdb", "--eject")
        self.assertNotIn("inserted", self.query_block("sata0-0-1"))
        self.daemon.virsh("destroy", "vm")
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.query_block("sata0-0-1")["inserted"]["file"], isos[0])
        self.assertEqual(self.query_block("sata0-0-0")["inserted"]["file"], isos[0])

    def test_disk_options(self):
        # what libvirt 9.0 sends for them, accepted by a real QEMU 7.2:
        # the -blockdev and -device props, and block_set_io_throttle by
        # the virtio backend's QOM path and by a SATA device's id
        raw = os.path.join(self.images, "scsi.raw")
        vbtest.run(["qemu-img", "create", "-q", "-f", "raw", raw, "16M"])
        disks = """
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native' discard='unmap'
              detect_zeroes='unmap'/>
      <source file='%s'/>
      <target dev='sda' bus='scsi'/>
      <iotune>
        <read_bytes_sec>2000000</read_bytes_sec>
        <write_iops_sec>300</write_iops_sec>
        <write_iops_sec_max>600</write_iops_sec_max>
        <write_iops_sec_max_length>4</write_iops_sec_max_length>
        <group_name>grp</group_name>
      </iotune>
      <serial>WD-1234</serial>
      <wwn>5000c50015ea71ac</wwn>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='sdb' bus='sata'/>
      <iotune><total_iops_sec>50</total_iops_sec></iotune>
      <readonly/>
    </disk>""" % raw
        xml = vbtest.domain_xml("vm", [("vda", self.chain.top)], extra_devices=disks).replace(
            "<target dev='vda'",
            "<iotune><total_bytes_sec>10000000</total_bytes_sec></iotune>\n"
            "      <target dev='vda'")
        xmlpath = os.path.join(self.tmp, "vm.xml")
        with open(xmlpath, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", xmlpath)
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.state(), "running (booted)")

        vda = self.query_block("/machine/peripheral/virtio-disk0/virtio-backend")["inserted"]
        self.assertEqual(vda["bps"], 10000000)
        self.assertEqual(vda["iops"], 0)
        blocks = json.loads(self.daemon.virsh(
            "qemu-monitor-command", "vm", '{"execute":"query-block"}').stdout)["return"]
        sda = next(b for b in blocks if b.get("inserted", {}).get("file") == raw)["inserted"]
        self.assertEqual((sda["bps_rd"], sda["iops_wr"], sda["iops_wr_max"],
                          sda["iops_wr_max_length"], sda["group"]),
                         (2000000, 300, 600, 4, "grp"))
        self.assertEqual(sda["detect_zeroes"], "unmap")
        # the empty drive takes no limits (QEMU refuses them there)
        self.assertEqual([b for b in blocks if b["removable"] and "inserted" in b], [])

        # virsh blkdeviotune reads them back as libvirtd 9.0 shows them: the
        # live ones from QEMU, which names a group not given
        out = self.daemon.virsh("blkdeviotune", "vm", "vda").stdout
        self.assertRegex(out, r"(?m)^total_bytes_sec: 10000000$")
        self.assertRegex(out, r"(?m)^group_name\s+: /machine/peripheral/virtio-disk0/"
                              r"virtio-backend$")
        self.assertEqual(len(out.strip().split("\n")), 20)
        out = self.daemon.virsh("blkdeviotune", "vm", raw, "--config").stdout
        for line in ("read_bytes_sec : 2000000", "write_iops_sec : 300",
                     "write_iops_sec_max: 600", "group_name     : grp",
                     "write_iops_sec_max_length: 4", "total_bytes_sec: 0"):
            self.assertIn(line, out.split("\n"))
        proc = self.daemon.virsh("blkdeviotune", "vm", "sdb", check=False)
        self.assertIn("internal error: block_io_throttle inserted entry was not in expected "
                      "format", proc.stderr)
        proc = self.daemon.virsh("blkdeviotune", "vm", "vdz", "--config", check=False)
        self.assertIn("invalid argument: disk 'vdz' was not found in the domain config",
                      proc.stderr)

        live = self.daemon.virsh("dumpxml", "vm").stdout
        self.assertIn("<wwn>5000c50015ea71ac</wwn>", live)
        self.assertIn("<group_name>grp</group_name>", live)
        self.assertIn("detect_zeroes='unmap'", live)

    def test_second_daemon_refused(self):
        proc = subprocess.run([vbtest.DAEMON, "--root", self.daemon.root],
                              capture_output=True, text=True, timeout=30)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("another virtblockd is already running", proc.stderr)

    def test_loop_leaks_nothing(self):
        """20 domains started and stopped: no fd, process or file left."""
        names = ["vm%02d" % i for i in range(20)]
        for name in names:
            self.define(name, [("vda", self.chain.top)], start=False)
        fd_dir = "/proc/%d/fd" % self.daemon.proc.pid
        statedir = os.path.join(self.daemon.root, "run", "qemu")

        def snapshot():
            return len(os.listdir(fd_dir)), sorted(os.listdir(statedir))

        # one round first, so that lazily created state (the capability
        # cache) is not counted as a leak
        self.daemon.virsh("start", names[0])
        self.daemon.virsh("destroy", names[0])
        before = snapshot()
        pids = []
        for name in names:
            self.daemon.virsh("start", name)
            pids += self.daemon.qemu_pids()
            self.assertEqual(len(self.daemon.qemu_pids()), 1)
            self.daemon.virsh("destroy", name)
        self.assertEqual(len(set(pids)), 20)
        self.assertEqual(snapshot(), before)
        self.assertEqual(self.daemon.qemu_pids(), [])
        self.assertFalse([p for p in pids if vbtest.pid_alive(p)])
        # the root holds the definitions and the logs, nothing else per
        # domain; the state directory only the daemon's autostart mark
        self.assertEqual(sorted(os.listdir(statedir)), ["autostarted"])


if __name__ == "__main__":
    vbtest.main()
