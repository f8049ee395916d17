#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Memory snapshots: `virsh snapshot-create-as vm s1 --memspec
file=...,snapshot=external --diskspec vda,...` on the real test guest.

- the guest is paused (SUSPENDED paused), its memory written into the file
  in libvirt's save image format (the 'LibvirtQemudSave' header, the
  domain XML, QEMU's stream), the disk switched to its overlay, and the
  guest resumed (RESUMED unpaused); it keeps running, the snapshot XML has
  <memory snapshot='external' file=.../> and state running;
- LIVE and HALT as libvirt defines them;
- the refusals: a memory snapshot of a shut-off domain or with
  --disk-only, a memory file that exists (libvirt 9.0 overwrites it), a
  path in a directory that does not exist or that other users can write,
  a relative path; each changes nothing (no file left, guest running, no
  snapshot).

A value the guest keeps in RAM (a file in its tmpfs, written through the
guest agent) shows the state is real."""

import base64
import hashlib
import json
import os
import re
import signal
import socket
import stat
import struct
import xml.etree.ElementTree as ET

import libvirt

import test_realguest
import vbevents
import vbguest
import vbtest

AGENT_CHANNEL = """
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>"""
STARTED_RE = re.compile(r"^vbguest: agent (started|frozen|absent)\s*$", re.M)

SUSPENDED = libvirt.VIR_DOMAIN_EVENT_SUSPENDED
RESUMED = libvirt.VIR_DOMAIN_EVENT_RESUMED
STOPPED = libvirt.VIR_DOMAIN_EVENT_STOPPED

# libvirt's qemu_saveimage.h: magic, then six uint32 and 14 unused
HEADER = struct.Struct("=16sIIIII56x")


class MemSnapTest(vbtest.DaemonTestCase):
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
        self.extra_logs.append(os.path.join(self.daemon.root, "log", "vm.log"))
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.events.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, self._job_completed, None)
        self.disk = os.path.join(self.images, "disk.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", self.disk, "64M"])

    def _job_completed(self, conn, dom, params, opaque):
        self.events._record(("job-completed", dom.name(), params))

    def start_guest(self):
        xml = test_realguest.guest_xml("vm", self.guest, vbguest.cmdline("idle"),
                                       disks=[("vda", self.disk)], serial_log=self.log)
        self.define(xml.replace("\n  </devices>", AGENT_CHANNEL + "\n  </devices>"))
        self.assertEqual(self.wait_log(STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT)
                         .group(1), "started")

    def agent(self, execute, **arguments):
        cmd = {"execute": execute}
        if arguments:
            cmd["arguments"] = arguments
        out = self.daemon.virsh("qemu-agent-command", "vm", json.dumps(cmd),
                                "--timeout", "30").stdout
        return json.loads(out)["return"]

    def write_marker(self, text):
        """@text into /tmp/marker of the guest: a tmpfs, so in its RAM."""
        handle = self.agent("guest-file-open", path="/tmp/marker", mode="w")
        self.agent("guest-file-write", handle=handle,
                   **{"buf-b64": base64.b64encode(text.encode()).decode()})
        self.agent("guest-file-close", handle=handle)

    def read_marker(self):
        handle = self.agent("guest-file-open", path="/tmp/marker", mode="r")
        data = self.agent("guest-file-read", handle=handle, count=4096)
        self.agent("guest-file-close", handle=handle)
        return base64.b64decode(data["buf-b64"]).decode()

    def memsnap(self, name, mem, overlay, *extra, check=True):
        return self.daemon.virsh("snapshot-create-as", "vm", name, "--memspec",
                                 "file=%s,snapshot=external" % mem, "--diskspec",
                                 "vda,snapshot=external,file=%s" % overlay, *extra,
                                 check=check, quiet=False)

    def lifecycle(self):
        return [e[2:] for e in self.events.of_kind("lifecycle", "vm")]

    def assert_header(self, path, running=True):
        with open(path, "rb") as fh:
            head = fh.read(HEADER.size)
            magic, version, data_len, was_running, compressed, cookie = HEADER.unpack(head)
            self.assertEqual(magic, b"LibvirtQemudSave")
            self.assertEqual(version, 2)
            self.assertEqual(was_running, 1 if running else 0)
            self.assertEqual(compressed, 0)
            self.assertEqual(cookie, 0)
            data = fh.read(data_len)
            xml = data[:data.index(b"\0")].decode()
            # libvirt's 64 KiB of room, zeros
            self.assertEqual(len(data) - len(xml) - 1, 64 * 1024)
            self.assertEqual(data[len(xml):], bytes(64 * 1024 + 1))
            # QEMU's stream follows: its magic 'QEVM', version 3
            self.assertEqual(fh.read(8), b"QEVM\0\0\0\3")
        return xml

    def test_memory_snapshot(self):
        self.start_guest()
        self.write_marker("before")
        mem = os.path.join(self.images, "s1.mem")
        overlay = os.path.join(self.images, "disk.s1")
        mark = len(self.lifecycle())
        proc = self.memsnap("s1", mem, overlay)
        self.assertIn("Domain snapshot s1 created", proc.stdout)

        # libvirt's events: paused, then resumed, nothing else
        self.events.wait(lambda e: e == ("lifecycle", "vm", RESUMED,
                                         libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED), 30)
        self.assertEqual(self.lifecycle()[mark:],
                         [(SUSPENDED, libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
                          (RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED)])
        # libvirt's JOB_COMPLETED between the two, with the migration's figures
        seq = [e[0] for e in self.events.events if e[0] in ("lifecycle", "job-completed")]
        self.assertEqual(seq[-3:], ["lifecycle", "job-completed", "lifecycle"])
        params = self.events.of_kind("job-completed", "vm")[0][2]
        self.assertEqual(params["operation"], libvirt.VIR_DOMAIN_JOB_OPERATION_SNAPSHOT)
        self.assertEqual(params["memory_remaining"], 0)
        self.assertGreater(params["memory_total"], 200 * 1024 * 1024)
        self.assertGreater(params["memory_processed"], 0)
        self.assertIn("time_elapsed", params)
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_RUNNING,
                                            libvirt.VIR_DOMAIN_RUNNING_UNPAUSED])

        # the file: libvirt's save image with the definition before the
        # snapshot, the daemon's alone
        xml = self.assert_header(mem)
        self.assertIn("<name>vm</name>", xml)
        self.assertIn("<source file='%s'/>" % self.disk, xml)
        st = os.stat(mem)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_uid, os.geteuid())

        # the snapshot's metadata, as libvirt 9.0 writes it
        snap = self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout
        self.assertIn("<state>running</state>", snap)
        self.assertIn("<memory snapshot='external' file='%s'/>" % mem, snap)
        self.assertIn("<source file='%s'/>" % overlay, snap)
        info = self.daemon.virsh("snapshot-info", "vm", "s1").stdout
        self.assertRegex(info, r"State:\s+running")
        self.assertRegex(info, r"Location:\s+external")
        self.assertEqual(vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout),
                         [overlay, self.disk])

        # the guest runs on, with what its RAM held
        self.assertEqual(self.read_marker(), "before")
        self.write_marker("after")
        self.assertEqual(self.read_marker(), "after")

        # a second one on top, while the guest is paused: it stays paused,
        # and the image says it was not running
        self.daemon.virsh("suspend", "vm")
        mem2 = os.path.join(self.images, "s2.mem")
        self.memsnap("s2", mem2, os.path.join(self.images, "disk.s2"))
        self.assert_header(mem2, running=False)
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_PAUSED,
                                            libvirt.VIR_DOMAIN_PAUSED_USER])
        self.assertIn("<state>paused</state>",
                      self.daemon.virsh("snapshot-dumpxml", "vm", "s2").stdout)
        self.daemon.virsh("resume", "vm")
        self.assertEqual(self.read_marker(), "after")

    def wait_agent(self):
        """The agent answers again (a restored guest's qemu-ga finds the new
        QEMU's port): asked until it does, within a bound."""
        vbtest.wait_for(lambda: self.daemon.virsh(
            "qemu-agent-command", "vm", '{"execute":"guest-ping"}', "--timeout", "5",
            check=False).returncode == 0, 60, "the guest agent after the restore")

    def test_restore(self):
        """virsh restore of the memory file onto a fresh overlay of the
        image the snapshot was taken of: the guest is back where it was."""
        self.start_guest()
        self.write_marker("at the snapshot")
        mem = os.path.join(self.images, "s1.mem")
        self.memsnap("s1", mem, os.path.join(self.images, "disk.s1"))
        xml = self.assert_header(mem)
        self.write_marker("later")
        self.daemon.virsh("destroy", "vm")

        fresh = os.path.join(self.images, "restore.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", self.disk, "-F", "qcow2",
                    fresh])
        dxml = os.path.join(self.tmp, "restore.xml")
        with open(dxml, "w") as fh:
            fh.write(xml.replace("<source file='%s'/>" % self.disk,
                                 "<source file='%s'/>" % fresh))
        mark = len(self.lifecycle())
        self.daemon.virsh("restore", mem, "--xml", dxml)
        self.events.wait(lambda e: e[0] == "lifecycle" and e[2] == RESUMED, 60)
        self.assertEqual(self.lifecycle()[mark:],
                         [(libvirt.VIR_DOMAIN_EVENT_STARTED,
                           libvirt.VIR_DOMAIN_EVENT_STARTED_RESTORED),
                          (RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT)])
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_RUNNING,
                                            libvirt.VIR_DOMAIN_RUNNING_RESTORED])
        self.assertEqual(vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout)[0], fresh)
        # the persistent definition stays what it was
        self.assertIn("disk.s1", self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        self.wait_agent()
        self.assertEqual(self.read_marker(), "at the snapshot")

        # --paused, and a file that is no save image
        self.daemon.virsh("destroy", "vm")
        os.unlink(fresh)
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", self.disk, "-F", "qcow2",
                    fresh])
        self.daemon.virsh("restore", mem, "--xml", dxml, "--paused")
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_PAUSED,
                                            libvirt.VIR_DOMAIN_PAUSED_FROM_SNAPSHOT])
        self.daemon.virsh("destroy", "vm")
        proc = self.daemon.virsh("restore", self.disk, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("image magic is incorrect in save image '%s'" % self.disk, proc.stderr)
        # another domain's definition, and a start that fails: the
        # persistent definition stays as it was
        with open(dxml) as fh:
            text = fh.read()
        other = os.path.join(self.tmp, "other.xml")
        with open(other, "w") as fh:
            fh.write(re.sub(r"<uuid>[^<]*</uuid>",
                            "<uuid>00000000-0000-4000-8000-000000000001</uuid>", text))
        proc = self.daemon.virsh("restore", mem, "--xml", other, check=False)
        self.assertIn("Target domain uuid 00000000-0000-4000-8000-000000000001 does not match "
                      "source", proc.stderr)
        with open(other, "w") as fh:
            fh.write(text.replace(fresh, os.path.join(self.images, "missing.qcow2")))
        proc = self.daemon.virsh("restore", mem, "--xml", other, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        self.assertIn("disk.s1", self.daemon.virsh("dumpxml", "vm", "--inactive").stdout)
        self.assertIn("disk.s1", self.daemon.virsh("dumpxml", "vm").stdout)

    def test_revert(self):
        """snapshot-revert to a memory snapshot: the guest's state and disk
        as at the snapshot, on a fresh overlay; running, or paused."""
        self.start_guest()
        self.write_marker("at s1")
        mem = os.path.join(self.images, "s1.mem")
        s1 = os.path.join(self.images, "disk.s1")
        self.memsnap("s1", mem, s1)
        self.write_marker("after s1")
        # a disk write after the snapshot, into s1's overlay
        out = self.daemon.virsh("qemu-monitor-command", "vm", "--hmp",
                                'qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "write -P 0x5b 0 64k"').stdout
        self.assertNotIn("error", out.lower())
        mark = len(self.lifecycle())
        self.daemon.virsh("snapshot-revert", "vm", "s1")
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_RUNNING,
                                            libvirt.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT])
        self.events.wait(lambda e: e[0] == "lifecycle" and e[2] == RESUMED, 60)
        self.assertEqual(
            self.lifecycle()[mark:],
            [(STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT),
             (libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT),
             (RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT),
             (libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT)])
        chain = vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertNotIn(chain[0], (self.disk, s1))
        self.assertEqual(chain[1:], [self.disk])
        inactive = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        self.assertIn("<source file='%s'" % chain[0], inactive)
        self.wait_agent()
        self.assertEqual(self.read_marker(), "at s1")
        # the branch left behind keeps its write
        vbtest.run(["qemu-io", "-r", "-U", "-f", "qcow2", "-c", "read -P 0x5b 0 64k", s1])
        vbtest.run(["qemu-io", "-r", "-U", "-f", "qcow2", "-c", "read -P 0 0 64k", chain[0]])
        self.assertEqual(self.daemon.virsh("snapshot-current", "vm", "--name").stdout.strip(),
                         "s1")
        # PAUSED
        self.daemon.virsh("snapshot-revert", "vm", "s1", "--paused")
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_PAUSED,
                                            libvirt.VIR_DOMAIN_PAUSED_FROM_SNAPSHOT])
        self.daemon.virsh("resume", "vm")
        self.wait_agent()
        self.assertEqual(self.read_marker(), "at s1")
        # a memory file gone: refused, the domain as it was
        self.daemon.virsh("destroy", "vm")
        os.rename(mem, mem + ".away")
        before = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(mem, proc.stderr)
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(self.daemon.virsh("dumpxml", "vm", "--inactive").stdout, before)

    def test_revert_bitmaps(self):
        """The fresh overlay of a memory snapshot's revert carries the
        disk's persistent bitmap, the blocks the revert changed back marked,
        before QEMU opens it: the guest's writes after the revert are
        recorded in it (test_snaprevert.py's BitmapNbdTest does the rest)"""
        from test_bitmaps import bitmaps_of, clusters, dirty_extents
        gran = 64 * 1024
        vbtest.run(["qemu-img", "bitmap", "--add", "-g", str(gran), self.disk, "b0"])
        self.start_guest()
        mem = os.path.join(self.images, "s1.mem")
        s1 = os.path.join(self.images, "disk.s1")
        self.memsnap("s1", mem, s1)
        dev = "/machine/peripheral/virtio-disk0/virtio-backend"
        for off in ("4M", "20M"):
            # the second one after the revert
            out = self.daemon.virsh("qemu-monitor-command", "vm", "--hmp",
                                    'qemu-io -d %s "write -P 0x5c %s 64k"' % (dev, off)).stdout
            self.assertNotIn("error", out.lower())
            if off == "4M":
                self.daemon.virsh("snapshot-revert", "vm", "s1")
                self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        new = vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout)[0]
        self.daemon.virsh("destroy", "vm")
        b0 = bitmaps_of(new)["b0"]
        self.assertEqual((b0["flags"], b0["granularity"]), (["auto"], gran))
        # what the revert changed back (s1's b0: the write before it, the
        # guest does not use the disk), then the write after it
        reverted = clusters(dirty_extents(s1, "b0", self.tmp), gran)
        self.assertEqual(reverted, clusters([(4 * 1024 * 1024, gran)], gran))
        self.assertEqual(clusters(dirty_extents(new, "b0", self.tmp), gran),
                         reverted | clusters([(20 * 1024 * 1024, gran)], gran))

    def test_revert_unloadable(self):
        """A memory file QEMU cannot load (its stream cut short): the revert
        fails with the error, as libvirt's qemuSnapshotRevertActive, and
        changes nothing: the domain shut off with its definition, the
        current snapshot and every snapshot's metadata as they were, no
        overlay left, every image byte for byte as before.  With the file
        whole again the same revert works."""
        self.start_guest()
        self.write_marker("at s1")
        mem = os.path.join(self.images, "s1.mem")
        s1 = os.path.join(self.images, "disk.s1")
        s2 = os.path.join(self.images, "disk.s2")
        self.memsnap("s1", mem, s1)
        self.write_marker("after s1")
        self.memsnap("s2", os.path.join(self.images, "s2.mem"), s2)
        self.daemon.virsh("destroy", "vm")

        # the header stays valid (the file opens), QEMU's stream stops
        # 64 KiB in
        with open(mem, "rb") as fh:
            data_len = HEADER.unpack(fh.read(HEADER.size))[2]
        whole = mem + ".whole"
        os.rename(mem, whole)
        with open(whole, "rb") as src, open(mem, "wb") as dst:
            dst.write(src.read(HEADER.size + data_len + 64 * 1024))
        os.chmod(mem, 0o600)

        def state():
            sums = {}
            for name in sorted(os.listdir(self.images)):
                with open(os.path.join(self.images, name), "rb") as fh:
                    sums[name] = hashlib.sha256(fh.read()).hexdigest()
            return {
                "inactive": self.daemon.virsh("dumpxml", "vm", "--inactive").stdout,
                "current": self.daemon.virsh("snapshot-current", "vm", "--name").stdout,
                "s1": self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout,
                "s2": self.daemon.virsh("snapshot-dumpxml", "vm", "s2").stdout,
                "images": sums,
            }

        before = state()
        self.assertEqual(before["current"].strip(), "s2")
        mark = len(self.lifecycle())
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", check=False)
        self.assertNotEqual(proc.returncode, 0)
        # QEMU 7.2 exits when the load fails (as with libvirt, the
        # monitor's end of file), or reports it first through query-migrate
        self.assertIn("error: Failed to revert snapshot s1", proc.stderr)
        self.assertRegex(proc.stderr, "error: operation failed: (End of file from qemu monitor|"
                         "loading the memory state from '%s' failed)" % re.escape(mem))
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        after = state()
        for key in before:
            self.assertEqual(after[key], before[key], key)
        self.assertEqual(self.daemon.qemu_pids(), [])

        # nothing was lost: the file whole again, the revert works
        os.replace(whole, mem)
        self.daemon.virsh("snapshot-revert", "vm", "s1")
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_RUNNING,
                                            libvirt.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT])
        self.assertEqual(self.daemon.virsh("snapshot-current", "vm", "--name").stdout.strip(),
                         "s1")
        # the failed attempt sent no event: the first ones are this revert's
        defined = (libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT)
        self.events.wait(lambda e: e[0] == "lifecycle" and e[2:] == defined, 60)
        self.assertEqual(
            self.lifecycle()[mark:],
            [(libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT),
             (RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT), defined])
        self.wait_agent()
        self.assertEqual(self.read_marker(), "at s1")

    def test_revert_other_machine(self):
        """The memory file of a snapshot whose machine differs (a disk
        attached since): refused before anything changes, with libvirt's
        ABI error, as qemuSnapshotRevertExternalPrepare checks the saved
        definition against the one QEMU would start as."""
        self.start_guest()
        mem1 = os.path.join(self.images, "s1.mem")
        mem2 = os.path.join(self.images, "s2.mem")
        self.memsnap("s1", mem1, os.path.join(self.images, "disk.s1"))
        extra = os.path.join(self.images, "extra.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", extra, "16M"])
        self.daemon.virsh("attach-disk", "vm", extra, "vdb", "--subdriver", "qcow2")
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--memspec",
                          "file=%s,snapshot=external" % mem2, "--diskspec",
                          "vda,snapshot=external,file=%s" % os.path.join(self.images, "disk.s2"),
                          "--diskspec", "vdb,snapshot=no")
        self.daemon.virsh("destroy", "vm")
        # s1 names its file; the file is s2's now
        os.rename(mem1, mem1 + ".away")
        os.rename(mem2, mem1)
        before = (self.daemon.virsh("dumpxml", "vm", "--inactive").stdout,
                  self.daemon.virsh("snapshot-current", "vm", "--name").stdout,
                  sorted(os.listdir(self.images)))
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("error: unsupported configuration: Target domain disk count 1 does not "
                      "match source 2", proc.stderr)
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        self.assertEqual((self.daemon.virsh("dumpxml", "vm", "--inactive").stdout,
                          self.daemon.virsh("snapshot-current", "vm", "--name").stdout,
                          sorted(os.listdir(self.images))), before)
        self.assertEqual(self.daemon.qemu_pids(), [])

    def revert_killed(self, at, kill_qemu=False, before_restart=None):
        """snapshot-revert vm s1 with the daemon killed at step @at (and,
        with @kill_qemu, the QEMU it left too; @before_restart called),
        then the daemon started again"""
        self.events.close()
        self.daemon.stop()
        os.environ["VIRTBLOCKD_TEST_REVERT_KILL_AT"] = at
        try:
            self.daemon.start()
        finally:
            del os.environ["VIRTBLOCKD_TEST_REVERT_KILL_AT"]
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", check=False)
        self.assertNotEqual(proc.returncode, 0)
        vbtest.wait_for(lambda: self.daemon.proc.poll() is not None, 30, "the daemon to die")
        self.daemon.proc = None
        pids = self.daemon.qemu_pids()
        self.assertEqual(len(pids), 1)
        if kill_qemu:
            os.kill(pids[0], signal.SIGKILL)
            vbtest.wait_for(lambda: not os.path.exists("/proc/%d" % pids[0]) or
                            open("/proc/%d/stat" % pids[0]).read().split()[2] == "Z",
                            30, "QEMU to die")
        if before_restart:
            before_restart()
        self.daemon.start()
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.dom = self.events.conn.lookupByName("vm")
        # the intent is gone in every case
        self.assertFalse(os.path.exists(os.path.join(self.daemon.root, "config", "snapshot",
                                                     "vm", ".revert")))

    def snapshot_file_current(self):
        """The snapshots whose metadata file says it is the current one"""
        snapdir = os.path.join(self.daemon.root, "config", "snapshot", "vm")
        current = []
        for name in sorted(os.listdir(snapdir)):
            if name.endswith(".xml"):
                with open(os.path.join(snapdir, name)) as fh:
                    if "<active>1</active>" in fh.read():
                        current.append(name[:-4])
        return current

    def revert_disks(self, name):
        root = ET.fromstring(self.daemon.virsh("snapshot-dumpxml", "vm", name).stdout)
        return {d.get("name"): d.find("source").get("file")
                for d in root.findall("revertDisks/disk") if d.get("snapshot") == "external"}

    def test_revert_killed_while_restoring(self):
        """The daemon killed once QEMU has loaded the state, before the
        definition names the new overlay: the QEMU it reconnects to runs on
        the overlay, paused since the load, so the revert is completed: the
        persistent definition names the overlay, the snapshot is current
        with the overlay as its revert disk, and what the guest writes once
        resumed stays in the chain the definition names after a destroy."""
        self.start_guest()
        self.write_marker("at s1")
        mem = os.path.join(self.images, "s1.mem")
        s1 = os.path.join(self.images, "disk.s1")
        self.memsnap("s1", mem, s1)
        self.write_marker("after s1")
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--disk-only", "--diskspec",
                          "vda,snapshot=external,file=%s" % os.path.join(self.images, "disk.s2"))
        self.daemon.virsh("destroy", "vm")
        self.revert_killed("restore")

        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_PAUSED,
                                            libvirt.VIR_DOMAIN_PAUSED_FROM_SNAPSHOT])
        chain = vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertNotIn(chain[0], (self.disk, s1))
        self.assertEqual(chain[1:], [self.disk])
        self.assertEqual(vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm", "--inactive")
                                           .stdout), chain[:1])
        self.assertEqual(self.revert_disks("s1"), {"vda": chain[0]})
        self.assertEqual(self.daemon.virsh("snapshot-current", "vm", "--name").stdout.strip(),
                         "s1")
        self.assertEqual(self.snapshot_file_current(), ["s1"])
        self.daemon.virsh("resume", "vm")
        self.wait_agent()
        self.assertEqual(self.read_marker(), "at s1")
        # what the guest writes lands in the overlay the definition names
        out = self.daemon.virsh("qemu-monitor-command", "vm", "--hmp",
                                'qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "write -P 0x6c 0 64k"').stdout
        self.assertNotIn("error", out.lower())
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm", "--inactive")
                                           .stdout), chain[:1])
        vbtest.run(["qemu-io", "-r", "-f", "qcow2", "-c", "read -P 0x6c 0 64k", chain[0]])
        vbtest.run(["qemu-io", "-r", "-f", "qcow2", "-c", "read -P 0 0 64k", self.disk])
        vbtest.run(["qemu-img", "check", "-q", chain[0]])

    def test_revert_killed_older_intent_running(self):
        """An intent of an older daemon (no record of the load, nor of the
        disks proving the commit), which let the guest run before the
        definition named its overlay: the guest found running on it has
        written there, so the revert is completed, never undone."""
        self.start_guest()
        self.memsnap("s1", os.path.join(self.images, "s1.mem"),
                     os.path.join(self.images, "disk.s1"))
        self.daemon.virsh("destroy", "vm")
        intent = os.path.join(self.daemon.root, "config", "snapshot", "vm", ".revert")

        def as_older_daemon():
            with open(intent) as fh:
                lines = [line for line in fh
                         if not line.startswith(("proof=", "loaded="))]
            self.assertEqual(len(lines), 5, lines)
            with open(intent, "w") as fh:
                fh.writelines(lines)
            mon = socket.socket(socket.AF_UNIX)
            mon.connect(os.path.join(self.daemon.root, "run", "qemu", "domain-1-vm",
                                     "monitor.sock"))
            with mon, mon.makefile("rw") as fh:
                fh.readline()
                for cmd in ("qmp_capabilities", "cont"):
                    fh.write(json.dumps({"execute": cmd}) + "\n")
                    fh.flush()
                    while True:
                        reply = json.loads(fh.readline())
                        if "event" not in reply:
                            break
                    self.assertIn("return", reply)

        self.revert_killed("restore", before_restart=as_older_daemon)
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        chain = vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm").stdout)
        self.assertEqual(chain[1:], [self.disk])
        self.assertEqual(vbtest.disk_chain(self.daemon.virsh("dumpxml", "vm", "--inactive")
                                           .stdout), chain[:1])
        self.assertEqual(self.revert_disks("s1"), {"vda": chain[0]})
        self.assertEqual(self.snapshot_file_current(), ["s1"])
        self.assertTrue(os.path.exists(chain[0]), chain[0])

    def test_revert_killed_while_restoring_qemu_gone(self):
        """Killed as above, but its QEMU died too: the revert did not
        happen; its overlay, named by nothing, is removed, and the
        definition and the snapshots are as before."""
        self.start_guest()
        mem = os.path.join(self.images, "s1.mem")
        self.memsnap("s1", mem, os.path.join(self.images, "disk.s1"))
        self.daemon.virsh("destroy", "vm")
        before = (self.daemon.virsh("dumpxml", "vm", "--inactive").stdout,
                  self.daemon.virsh("snapshot-current", "vm", "--name").stdout,
                  self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout,
                  sorted(os.listdir(self.images)))
        self.revert_killed("restore", kill_qemu=True)
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        self.assertEqual((self.daemon.virsh("dumpxml", "vm", "--inactive").stdout,
                          self.daemon.virsh("snapshot-current", "vm", "--name").stdout,
                          self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout,
                          sorted(os.listdir(self.images))), before)
        self.assertEqual(self.daemon.qemu_pids(), [])

    def test_revert_killed_before_load_recorded(self):
        """Killed once QEMU has loaded the state but before the intent says
        so: its QEMU, alive on the new overlay, is stopped (the guest never
        ran), the overlay removed, the definition and snapshots as before."""
        self.start_guest()
        mem = os.path.join(self.images, "s1.mem")
        self.memsnap("s1", mem, os.path.join(self.images, "disk.s1"))
        self.daemon.virsh("destroy", "vm")
        before = (self.daemon.virsh("dumpxml", "vm", "--inactive").stdout,
                  self.daemon.virsh("snapshot-current", "vm", "--name").stdout,
                  self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout,
                  sorted(os.listdir(self.images)))
        self.revert_killed("load")
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_SHUTOFF,
                                            libvirt.VIR_DOMAIN_SHUTOFF_FAILED])
        self.assertEqual(self.daemon.qemu_pids(), [])
        self.assertEqual((self.daemon.virsh("dumpxml", "vm", "--inactive").stdout,
                          self.daemon.virsh("snapshot-current", "vm", "--name").stdout,
                          self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout,
                          sorted(os.listdir(self.images))), before)
        # nothing was lost: the revert works
        self.daemon.virsh("snapshot-revert", "vm", "s1")
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_RUNNING,
                                            libvirt.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT])

    def test_revert_config_save_fails(self):
        """The definition cannot be saved once QEMU has loaded the state
        (its file's name taken by a directory): the guest never ran on the
        new overlay, so QEMU is stopped, the overlay removed and the
        domain, its definition and the snapshots are as before."""
        self.start_guest()
        mem = os.path.join(self.images, "s1.mem")
        self.memsnap("s1", mem, os.path.join(self.images, "disk.s1"))
        self.daemon.virsh("destroy", "vm")

        def state():
            return (self.daemon.virsh("dumpxml", "vm", "--inactive").stdout,
                    self.daemon.virsh("snapshot-current", "vm", "--name").stdout,
                    self.daemon.virsh("snapshot-dumpxml", "vm", "s1").stdout,
                    sorted(os.listdir(self.images)))

        before = state()
        config = os.path.join(self.daemon.root, "config", "vm.xml")
        os.rename(config, config + ".away")
        os.mkdir(config)
        with open(os.path.join(config, "keep"), "w") as fh:
            fh.write("keep")
        proc = self.daemon.virsh("snapshot-revert", "vm", "s1", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("error: Failed to revert snapshot s1", proc.stderr)
        self.assertIn(config, proc.stderr)
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(self.daemon.qemu_pids(), [])
        os.unlink(os.path.join(config, "keep"))
        os.rmdir(config)
        os.rename(config + ".away", config)
        self.assertEqual(state(), before)
        # nothing was lost: the revert works
        self.daemon.virsh("snapshot-revert", "vm", "s1")
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_RUNNING,
                                            libvirt.VIR_DOMAIN_RUNNING_FROM_SNAPSHOT])

    def test_revert_killed_after_config_live_disk(self):
        """A disk attached live only is in the memory snapshot (and so in
        the revert) but not in its persistent definition: killed once the
        definition is saved, with QEMU gone too, the revert is completed all
        the same (the persistent definition proves it by the disks it has),
        and one snapshot alone is current."""
        self.start_guest()
        extra = os.path.join(self.images, "extra.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", extra, "16M"])
        self.daemon.virsh("attach-disk", "vm", extra, "vdb", "--subdriver", "qcow2")
        mem = os.path.join(self.images, "s1.mem")
        self.daemon.virsh("snapshot-create-as", "vm", "s1", "--memspec",
                          "file=%s,snapshot=external" % mem, "--diskspec",
                          "vda,snapshot=external,file=%s" % os.path.join(self.images, "disk.s1"),
                          "--diskspec",
                          "vdb,snapshot=external,file=%s" % os.path.join(self.images, "extra.s1"))
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--disk-only", "--diskspec",
                          "vda,snapshot=external,file=%s" % os.path.join(self.images, "disk.s2"),
                          "--diskspec",
                          "vdb,snapshot=external,file=%s" % os.path.join(self.images, "extra.s2"))
        self.daemon.virsh("destroy", "vm")
        self.assertEqual(self.snapshot_file_current(), ["s2"])
        self.revert_killed("config", kill_qemu=True)

        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_SHUTOFF)
        self.assertEqual(self.daemon.virsh("snapshot-current", "vm", "--name").stdout.strip(),
                         "s1")
        self.assertEqual(self.snapshot_file_current(), ["s1"])
        reverted = self.revert_disks("s1")
        self.assertEqual(sorted(reverted), ["vda", "vdb"])
        inactive = self.daemon.virsh("dumpxml", "vm", "--inactive").stdout
        self.assertEqual(vbtest.disk_chain(inactive), [reverted["vda"]])
        self.assertNotIn("vdb", inactive)
        for dev, base in (("vda", self.disk), ("vdb", extra)):
            self.assertTrue(os.path.exists(reverted[dev]), reverted[dev])
            self.assertEqual(vbtest.backing_of(reverted[dev]), base)
            vbtest.run(["qemu-img", "check", "-q", reverted[dev]])

    def test_live_and_halt(self):
        self.start_guest()
        mem = os.path.join(self.images, "live.mem")
        self.memsnap("live", mem, os.path.join(self.images, "disk.live"), "--live")
        self.assert_header(mem)
        self.events.wait(lambda e: e == ("lifecycle", "vm", RESUMED,
                                         libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED), 30)
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.assertEqual(self.agent("guest-ping"), {})

        # LIVE needs the memory: libvirt's refusal
        proc = self.daemon.virsh("snapshot-create-as", "vm", "d", "--disk-only", "--live",
                                 check=False)
        self.assertIn("Operation not supported: live snapshot creation is supported only "
                      "during full system snapshots", proc.stderr)

        mem = os.path.join(self.images, "halt.mem")
        self.memsnap("halt", mem, os.path.join(self.images, "disk.halt"), "--halt")
        self.assert_header(mem)
        self.events.wait(lambda e: e == ("lifecycle", "vm", STOPPED,
                                         libvirt.VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT), 30)
        self.assertEqual(self.dom.state(), [libvirt.VIR_DOMAIN_SHUTOFF,
                                            libvirt.VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT])
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["halt", "live"])

    def assert_refused(self, proc, message):
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(message, proc.stderr)

    def test_refusals(self):
        self.start_guest()
        overlay = os.path.join(self.images, "disk.s1")
        before = sorted(os.listdir(self.images))
        mark = len(self.lifecycle())

        # a file that exists: libvirt 9.0 would truncate it
        existing = os.path.join(self.images, "precious")
        with open(existing, "w") as fh:
            fh.write("keep me")
        proc = self.memsnap("s1", existing, overlay, check=False)
        self.assert_refused(proc, "Requested operation is not valid: memory snapshot file "
                                  "'%s' already exists: it would be overwritten" % existing)
        with open(existing) as fh:
            self.assertEqual(fh.read(), "keep me")
        os.unlink(existing)
        # a directory that does not exist, and a directory as the file
        missing = os.path.join(self.images, "nodir", "s1.mem")
        proc = self.memsnap("s1", missing, overlay, check=False)
        self.assert_refused(proc, "Failed to create file '%s': No such file or directory"
                            % missing)
        proc = self.memsnap("s1", self.images, overlay, check=False)
        self.assert_refused(proc, "memory snapshot file '%s' already exists" % self.images)
        # a directory other users may write (without the sticky bit)
        shared = os.path.join(self.tmp, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o777)
        proc = self.memsnap("s1", os.path.join(shared, "s1.mem"), overlay, check=False)
        self.assert_refused(proc, "directory '%s' on the path of memory snapshot file" % shared)
        self.assertEqual(os.listdir(shared), [])
        # relative, and with --disk-only: libvirt's XML errors
        proc = self.memsnap("s1", "rel.mem", overlay, check=False)
        self.assert_refused(proc, "XML error: memory snapshot file path (rel.mem) must be "
                                  "absolute")
        proc = self.memsnap("s1", os.path.join(self.images, "s1.mem"), overlay,
                            "--disk-only", check=False)
        self.assert_refused(proc, "XML error: memory state cannot be saved with offline or "
                                  "disk-only snapshot")

        # nothing changed: no file, no snapshot, the guest never paused
        self.assertEqual(sorted(os.listdir(self.images)), before)
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.strip(), "")
        self.assertEqual(self.lifecycle()[mark:], [])
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)

        # shut off: no memory to save
        self.daemon.virsh("destroy", "vm")
        proc = self.memsnap("s1", os.path.join(self.images, "s1.mem"), overlay, check=False)
        self.assert_refused(proc, "XML error: memory state cannot be saved with offline or "
                                  "disk-only snapshot")
        self.assertEqual(sorted(os.listdir(self.images)), before)


if __name__ == "__main__":
    vbtest.main()
