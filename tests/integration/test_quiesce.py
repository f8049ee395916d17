#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Quiesced snapshots: `virsh snapshot-create-as --disk-only --quiesce`
against the test guest running Debian's qemu-ga.

The daemon runs with $VIRTBLOCKD_TEST_QUIESCE_HOOK, so that a quiesced
snapshot stops twice while the guest is frozen (vbdomainquiesce.h): at
"frozen", before its overlay is made, and at "thaw", after the
transaction.  At each stop the test asks the agent itself
(guest-fsfreeze-status) and looks at the overlay, so the order is seen,
not inferred from timing:

- the overlay is made and QEMU switches to it while the agent says
  frozen, and the agent says thawed once the call returns (with and
  without metadata);
- a transaction QEMU refuses (through qmpproxy.py) still thaws, and
  leaves no overlay and no snapshot;
- the daemon SIGKILLed at "thaw": the status file keeps the mark, and the
  restarted daemon thaws the guest when it takes the domain back;
- libvirt's errors: no agent configured or connected, --quiesce without
  --disk-only; a guest a client froze already stays frozen; a shut-off
  domain ignores --quiesce, as libvirt does."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import libvirt

import test_realguest
import vbevents
import vbguest
import vbtest

HOOK_ENV = "VIRTBLOCKD_TEST_QUIESCE_HOOK"
AGENT_CHANNEL = """
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>"""
STARTED_RE = re.compile(r"^vbguest: agent (started|frozen|absent)\s*$", re.M)
CONNECTED = libvirt.VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED
MOUNT_SCRIPT = """mkdir -p /mnt/data
mount -t ext4 /dev/vdb /mnt/data && echo data >/mnt/data/file && sync &&
    echo "vbguest: mounted"
"""
MOUNTED_RE = re.compile(r"^vbguest: mounted\s*$", re.M)
QMPPROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qmpproxy.py")


class QuiesceTest(vbtest.DaemonTestCase):
    guest = None

    @classmethod
    def setUpClass(cls):
        if not vbtest.SKIP_NO_QEMU:
            cls.guest = vbguest.build()
    define = test_realguest.RealGuestTest.define
    wait_log = test_realguest.RealGuestTest.wait_log

    def setUp(self):
        # the daemon DaemonTestCase starts inherits the hook
        hookdir = tempfile.mkdtemp(prefix="vbit-hook-")
        self.addCleanup(shutil.rmtree, hookdir, True)
        self.hook = os.path.join(hookdir, "hook")
        os.environ[HOOK_ENV] = self.hook
        self.addCleanup(os.environ.pop, HOOK_ENV, None)
        super().setUp()
        self.log = os.path.join(self.tmp, "logs", "serial.log")
        os.mkdir(os.path.dirname(self.log))
        self.extra_logs.append(self.log)
        self.events = vbevents.EventRecorder(self.daemon.uri)
        self.addCleanup(lambda: self.events.close())
        self.events.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, self._agent_lifecycle, None)
        # vda: the script that mounts vdb, an ext4 file system qemu-ga can
        # freeze (the initramfs alone has none)
        raw = os.path.join(self.images, "script.raw")
        vbguest.script_image(raw, MOUNT_SCRIPT)
        self.script = os.path.join(self.images, "script.qcow2")
        vbtest.run(["qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, self.script])
        raw = os.path.join(self.images, "data.raw")
        with open(raw, "wb") as fh:
            fh.truncate(64 * 1024 * 1024)
        vbtest.run(["mkfs.ext4", "-q", "-F", raw])
        self.disk = os.path.join(self.images, "data.qcow2")
        vbtest.run(["qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, self.disk])
        self.status = os.path.join(self.daemon.root, "run", "qemu", "vm.xml")

    def _agent_lifecycle(self, conn, dom, state, reason, opaque):
        self.events._record(("agent", dom.name(), state, reason))

    def start_guest(self, agent="on", channel=True, proxy=False):
        # a new log for each guest: its lines say what this guest did
        if os.path.exists(self.log):
            os.unlink(self.log)
        cmdline = vbguest.cmdline("script", then="idle", script="/dev/vda", agent=agent)
        xml = test_realguest.guest_xml("vm", self.guest, cmdline,
                                       disks=[("vda", self.script), ("vdb", self.disk)],
                                       serial_log=self.log)
        if channel:
            xml = xml.replace("\n  </devices>", AGENT_CHANNEL + "\n  </devices>")
        if proxy:
            self.control = os.path.join(self.tmp, "qmpproxy-control")
            self.extra_logs.append(self.control + ".log")
            wrapper = os.path.join(self.tmp, "qemu-behind-proxy")
            with open(wrapper, "w") as fh:
                fh.write('#!/bin/sh\nexec /usr/bin/python3 %s %s "$@"\n' %
                         (QMPPROXY, self.control))
            os.chmod(wrapper, 0o755)
            xml = xml.replace("<emulator>/usr/bin/qemu-system-x86_64</emulator>",
                              "<emulator>%s</emulator>" % wrapper)
        self.define(xml)
        started = self.wait_log(STARTED_RE, "the agent", test_realguest.BOOT_TIMEOUT).group(1)
        self.wait_log(MOUNTED_RE, "the guest's file system", test_realguest.BOOT_TIMEOUT)
        if agent == "on":
            self.assertEqual(started, "started")
            self.events.wait(lambda e: e[:3] == ("agent", "vm", CONNECTED), 60)

    def proxy(self, command):
        import socket
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(30)
            s.connect(self.control)
            s.sendall(command.encode() + b"\n")
            self.assertEqual(s.makefile("r").readline().strip(), "ok")

    def agent(self, execute):
        out = self.daemon.virsh("qemu-agent-command", "vm",
                                json.dumps({"execute": execute})).stdout
        return json.loads(out)["return"]

    def freeze_status(self):
        return self.agent("guest-fsfreeze-status")

    def status_file(self):
        with open(self.status) as fh:
            return fh.read()

    def active_source(self):
        out = self.daemon.virsh("domblklist", "vm").stdout
        return dict(line.split(None, 1) for line in out.splitlines() if line.strip())["vdb"]

    def snapshot(self, *args):
        cmd = ["virsh", "-c", self.daemon.uri, "snapshot-create-as", "vm"] + list(args)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(proc.kill)
        return proc

    def wait_hook(self, step, proc):
        path = self.hook + "." + step
        vbtest.wait_for(lambda: os.path.exists(path) or proc.poll() is not None, 120,
                        "the snapshot to reach " + step)
        if not os.path.exists(path):
            self.fail("the snapshot ended before %s: %s" % (step, proc.communicate()))
        return path

    def frozen_snapshot(self, name, overlay, *extra):
        """A quiesced snapshot of vdb into @overlay, checked at both stops."""
        base = self.active_source()
        proc = self.snapshot(name, "--disk-only", "--quiesce", "--diskspec",
                             "vda,snapshot=no", "--diskspec", "vdb,file=" + overlay, *extra)
        # before the overlay: the agent froze the guest, the mark is saved
        hook = self.wait_hook("frozen", proc)
        self.assertEqual(self.freeze_status(), "frozen")
        self.assertIn("domain 'vm': 1 file system(s) frozen for a quiesced snapshot",
                      self.daemon.log())
        self.assertFalse(os.path.exists(overlay))
        self.assertEqual(self.active_source(), base)
        self.assertIn("<quiesced/>", self.status_file())
        os.unlink(hook)
        # after the transaction: QEMU writes to the overlay, still frozen
        hook = self.wait_hook("thaw", proc)
        self.assertEqual(self.active_source(), overlay)
        self.assertEqual(self.freeze_status(), "frozen")
        os.unlink(hook)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(self.freeze_status(), "thawed")
        self.assertNotIn("<quiesced/>", self.status_file())
        return out

    def guest_fs(self):
        """domfsinfo's and guestinfo's view of vdb's file system, which
        libvirtd 9.0 gave for the same guest as checked here."""
        out = self.daemon.virsh("domfsinfo", "vm").stdout.split()
        self.assertEqual(out, ["/mnt/data", "vdb", "ext4", "vdb"])
        info = self.daemon.virsh("guestinfo", "vm", "--filesystem", "--disk").stdout
        info = [tuple(p.strip() for p in line.split(":", 1)) for line in info.splitlines()
                if line.strip()]
        self.assertEqual([k for k, v in info],
                         ["fs.count", "fs.0.name", "fs.0.mountpoint", "fs.0.fstype",
                          "fs.0.total-bytes", "fs.0.used-bytes", "fs.0.disk.count",
                          "fs.0.disk.0.alias", "fs.0.disk.0.device",
                          "disk.count", "disk.0.name", "disk.0.partition", "disk.0.alias",
                          "disk.1.name", "disk.1.partition", "disk.1.alias"])
        values = dict(info)
        self.assertEqual([values[k] for k in ("fs.count", "fs.0.name", "fs.0.mountpoint",
                                              "fs.0.fstype", "fs.0.disk.count",
                                              "fs.0.disk.0.alias", "fs.0.disk.0.device")],
                         ["1", "vdb", "/mnt/data", "ext4", "1", "vdb", "/dev/vdb"])
        self.assertEqual([values[k] for k in ("disk.0.name", "disk.0.partition", "disk.0.alias",
                                              "disk.1.name", "disk.1.alias")],
                         ["/dev/vda", "no", "vda", "/dev/vdb", "vdb"])

    def test_quiesced_snapshot_frozen_around_transaction(self):
        self.start_guest()
        self.assertEqual(self.freeze_status(), "thawed")
        self.guest_fs()
        overlay = os.path.join(self.images, "s1.qcow2")
        out = self.frozen_snapshot("s1", overlay)
        self.assertIn("Domain snapshot s1 created", out)
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["s1"])
        # without metadata: the same freeze, no snapshot recorded
        overlay2 = os.path.join(self.images, "s2.qcow2")
        self.frozen_snapshot("s2", overlay2, "--no-metadata")
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(),
                         ["s1"])
        # the agent answers everything again; the guest's disk is still vdb
        self.assertIsInstance(self.agent("guest-get-time"), int)
        self.guest_fs()
        self.daemon.virsh("destroy", "vm")

    def test_failed_transaction_thaws(self):
        self.start_guest(proxy=True)
        overlay = os.path.join(self.images, "s1.qcow2")
        self.proxy("error-reply transaction refused by qmpproxy")
        proc = self.snapshot("s1", "--disk-only", "--quiesce", "--diskspec",
                             "vda,snapshot=no", "--diskspec", "vdb,file=" + overlay)
        hook = self.wait_hook("frozen", proc)
        self.assertEqual(self.freeze_status(), "frozen")
        os.unlink(hook)
        hook = self.wait_hook("thaw", proc)
        self.assertEqual(self.freeze_status(), "frozen")
        os.unlink(hook)
        out, err = proc.communicate(timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("refused by qmpproxy", err)
        # the transaction's error, not the thaw's; thawed all the same
        self.assertEqual(self.freeze_status(), "thawed")
        self.assertNotIn("<quiesced/>", self.status_file())
        self.assertFalse(os.path.exists(overlay))
        self.assertEqual(self.active_source(), self.disk)
        self.assertEqual(self.daemon.virsh("snapshot-list", "vm", "--name").stdout.split(), [])
        self.daemon.virsh("destroy", "vm")

    def test_daemon_killed_while_frozen(self):
        self.start_guest()
        overlay = os.path.join(self.images, "s1.qcow2")
        proc = self.snapshot("s1", "--disk-only", "--quiesce", "--diskspec",
                             "vda,snapshot=no", "--diskspec", "vdb,file=" + overlay)
        os.unlink(self.wait_hook("frozen", proc))
        self.wait_hook("thaw", proc)
        self.assertEqual(self.freeze_status(), "frozen")
        self.events.close()
        self.daemon.kill9()
        proc.communicate(timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("<quiesced/>", self.status_file())
        # the restarted daemon takes the domain back and thaws at once
        self.daemon.start()
        self.assertIn("thawed what a quiesced snapshot froze", self.daemon.log())
        self.assertEqual(self.freeze_status(), "thawed")
        self.assertNotIn("<quiesced/>", self.status_file())
        # QEMU had switched: the guest writes to the overlay
        self.assertEqual(self.active_source(), overlay)
        self.daemon.virsh("destroy", "vm")

    def test_quiesce_errors(self):
        overlay = os.path.join(self.images, "o.qcow2")
        spec = ("--diskspec", "vda,snapshot=no", "--diskspec", "vdb,file=" + overlay)
        # shut off: --quiesce asks nothing, as in libvirt
        self.define(test_realguest.guest_xml("vm", self.guest, vbguest.cmdline("idle"),
                                             disks=[("vda", self.script), ("vdb", self.disk)]),
                    start=False)
        self.daemon.virsh("snapshot-create-as", "vm", "off", "--disk-only", "--quiesce",
                          "--no-metadata", *spec)
        self.assertIn(overlay, self.daemon.virsh("domblklist", "vm").stdout)
        proc = self.daemon.virsh("snapshot-create-as", "vm", "x", "--quiesce", check=False)
        self.assertIn("Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY' is required by flag "
                      "'VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE'", proc.stderr)
        self.daemon.virsh("undefine", "vm")
        os.unlink(overlay)

        # running, no agent channel
        self.start_guest(agent="off", channel=False)
        proc = self.daemon.virsh("snapshot-create-as", "vm", "x", "--disk-only", "--quiesce",
                                 *spec, check=False)
        self.assertIn("error: argument unsupported: QEMU guest agent is not configured",
                      proc.stderr)
        self.assertFalse(os.path.exists(overlay))
        self.daemon.virsh("destroy", "vm")
        self.daemon.virsh("undefine", "vm")

        # a channel nobody in the guest opens
        self.start_guest(agent="off")
        proc = self.daemon.virsh("snapshot-create-as", "vm", "x", "--disk-only", "--quiesce",
                                 *spec, check=False)
        self.assertIn("error: Guest agent is not responding: QEMU guest agent is not "
                      "connected", proc.stderr)
        self.assertFalse(os.path.exists(overlay))
        self.assertNotIn("<quiesced/>", self.status_file())
        self.daemon.virsh("destroy", "vm")
        self.daemon.virsh("undefine", "vm")

        # a client froze the guest: the agent refuses a second freeze, and
        # the snapshot leaves the client's freeze alone
        self.start_guest()
        self.daemon.virsh("domfsfreeze", "vm")
        proc = self.daemon.virsh("snapshot-create-as", "vm", "x", "--disk-only", "--quiesce",
                                 *spec, check=False)
        self.assertIn("unable to execute QEMU agent command 'guest-fsfreeze-freeze'",
                      proc.stderr)
        self.assertFalse(os.path.exists(overlay))
        self.assertEqual(self.freeze_status(), "frozen")
        self.assertNotIn("<quiesced/>", self.status_file())
        self.daemon.virsh("domfsthaw", "vm")
        self.assertEqual(self.freeze_status(), "thawed")
        self.daemon.virsh("destroy", "vm")


if __name__ == "__main__":
    vbtest.main()
