#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The fault matrix of block commit: the daemon killed or stopped at each
stage of a job, QEMU killed, the base's file system full, read errors on
the top image, clients vanishing, garbage on the daemon's socket and on
QEMU's monitor (through tests/integration/qmpproxy.py).

Each test states what must hold afterwards and checks it: the job's
outcome and the events a python3-libvirt client sees, the live and
persistent definitions, `qemu-img check` of every image, and the data
byte for byte against the flattened chain plus every guest write.
(SIGKILL of the daemon while READY is test_daemon_killed_while_ready in
test_blockcommit.py.)

Faults that need root (a tmpfs mount, a FUSE export) skip with the reason
when the host refuses them."""

import json
import os
import random
import signal
import socket
import struct
import subprocess
import threading

import libvirt

import vbtest
from test_blockcommit import DEV, BlockCommitBase
from vbevents import EventRecorder

MiB = vbtest.MiB
ACTIVE = libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE
READY = libvirt.VIR_DOMAIN_BLOCK_JOB_READY
COMPLETED = libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED
FAILED = libvirt.VIR_DOMAIN_BLOCK_JOB_FAILED
CANCELED = libvirt.VIR_DOMAIN_BLOCK_JOB_CANCELED
TYPE_COMMIT = libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT
TYPE_ACTIVE = libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT


def check_image(testcase, path, allow_leaks=False):
    """`qemu-img check` must find no corruption.  With @allow_leaks, leaked
    clusters (exit 3: "waste of disk space, but no harm to data") are
    accepted: a crash or ENOSPC in the middle of an allocating write may
    leave them, and that is not damage."""
    # the image alone: its backing file may be gone (a stopped FUSE export)
    alone = "json:" + json.dumps({"driver": "qcow2", "backing": None,
                                  "file": {"driver": "file", "filename": path}})
    proc = vbtest.run(["qemu-img", "check", "-U", "--output=json", alone], check=False)
    ok = (0, 3) if allow_leaks else (0,)
    testcase.assertIn(proc.returncode, ok, "qemu-img check %s: %d\n%s%s" %
                      (path, proc.returncode, proc.stdout, proc.stderr))
    report = json.loads(proc.stdout)
    testcase.assertEqual(report.get("corruptions", 0), 0, path)
    testcase.assertEqual(report.get("check-errors", 0), 0, path)


def kill_pid(pid):
    if vbtest.pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
        vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 10, "process %d to die" % pid)


class FaultBase(BlockCommitBase):
    def persistent_chain(self):
        """Source paths of vda's chain in the persistent definition."""
        return vbtest.disk_chain(self.xml(inactive=True))

    def status_xml(self):
        path = os.path.join(self.daemon.root, "run", "qemu", "vm.xml")
        with open(path) as fh:
            return fh.read()

    def block_events(self, recorder=None):
        rec = recorder or self.events
        return rec.of_kind("block-job-2", "vm") + rec.of_kind("block-job", "vm")

    def settle_events(self):
        """Makes every event the daemon queued so far reach our recorder:
        events travel in order on one connection, so once a lifecycle event
        caused now has arrived, everything queued before it has too."""
        n = len(self.events.of_kind("lifecycle", "vm"))
        self.daemon.virsh("suspend", "vm")
        self.daemon.virsh("resume", "vm")
        self.events.wait(lambda e: len(self.events.of_kind("lifecycle", "vm")) >= n + 2 and
                         e[0] == "lifecycle" and e[2] == libvirt.VIR_DOMAIN_EVENT_RESUMED)

    def guest_flush(self):
        out = self.daemon.virsh("qemu-monitor-command", "vm", "--hmp",
                                'qemu-io -d %s "flush"' % DEV).stdout
        self.assertNotIn("error", out.lower())

    def stop_daemon_cleanup(self):
        """SIGCONT for a daemon a failing test left stopped, so that the
        generic clean-up can end it."""
        proc = self.daemon.proc
        if proc and proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)

    def kill_domain_qemus(self):
        for pid in self.daemon.qemu_pids():
            kill_pid(pid)


class DaemonFaultTest(FaultBase):
    def test_daemon_killed_while_running(self):
        # After: the restarted daemon finds the throttled job (type 4, not
        # ready, same bandwidth), it can be unthrottled and pivoted, every
        # guest write is in base, the files are untouched otherwise.
        self.dom.blockCommit("vda", None, None, 1, ACTIVE)
        info = self.dom.blockJobInfo("vda", 0)
        # 24 MiB above base at 1 MiB/s: far from READY for the whole restart
        self.assertEqual(info["type"], TYPE_ACTIVE)
        self.assertLess(info["cur"], info["end"])
        self.guest_write(0x5c, 56 * MiB, MiB)
        qemu = self.daemon.qemu_pids()
        self.events.close()
        self.daemon.kill9()
        self.assertTrue(all(vbtest.pid_alive(p) for p in qemu), "QEMU must outlive the daemon")
        self.daemon.start()
        self.reconnect()
        self.assertEqual(self.daemon.qemu_pids(), qemu)

        info = self.dom.blockJobInfo("vda", 0)
        self.assertEqual(info["type"], TYPE_ACTIVE)
        self.assertEqual(info["bandwidth"], 1)
        self.assertLess(info["cur"], info["end"])
        self.assertIn("<mirror type='file' job='active-commit'>", self.xml())
        self.assertEqual(self.disk_sources(), {"vda": self.chain.top})

        self.dom.blockJobSetSpeed("vda", 0, 0)
        self.assertEqual(self.dom.blockJobInfo("vda", 0)["bandwidth"], 0)
        ev = self.wait_job_event(READY)
        self.assertEqual(ev[3], TYPE_ACTIVE)
        self.guest_write(0x5d, 4 * MiB, MiB)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.wait_job_event(COMPLETED)
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.assertEqual(self.disk_sources(inactive=True), {"vda": self.chain.base})
        self.assertNotIn("<blockjob ", self.status_xml())
        self.daemon.virsh("destroy", "vm")
        for path in self.chain.paths:
            check_image(self, path)
        self.assert_base_holds_everything()

    def test_daemon_killed_during_pivot(self):
        # After: whatever the daemon had done when it died, the restarted
        # daemon finishes the pivot: base is the source live and in the
        # persistent definition, no <mirror>, no job, no file deleted, and a
        # client subscribed after the restart sees no stale READY/FAILED/
        # CANCELED (at most the COMPLETED of this pivot).
        self.dom.blockCommit("vda", None, None, 0, ACTIVE)
        self.wait_job_event(READY)
        self.guest_write(0x5e, 52 * MiB, MiB)
        qemu = self.daemon.qemu_pids()
        self.events.close()
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT |
                               libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC)
        self.daemon.kill9()
        self.assertTrue(all(vbtest.pid_alive(p) for p in qemu))
        self.daemon.start()
        self.reconnect()

        vbtest.wait_for(lambda: self.dom.blockJobInfo("vda", 0) == {}, 30,
                        "the pivot to be finished")
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.assertEqual(self.disk_sources(inactive=True), {"vda": self.chain.base})
        self.assertNotIn("<mirror", self.xml())
        self.assertNotIn("<blockjob ", self.status_xml())
        for path in self.chain.paths:
            self.assertTrue(os.path.exists(path), path)
        self.settle_events()
        stale = [e for e in self.block_events()
                 if not (e[4] == COMPLETED and e[3] == TYPE_ACTIVE)]
        self.assertEqual(stale, [])
        # the guest now writes into base
        self.guest_write(0x5f, 2 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        for path in self.chain.paths:
            check_image(self, path)
        self.assert_base_holds_everything()

    def test_job_concluded_while_daemon_stopped(self):
        # A non-active commit of snap2 into snap1 with DELETE finishes in
        # QEMU while the daemon is frozen; the daemon is then killed.
        # After: the restarted daemon applies the outcome: top backs onto
        # snap1 in the live chain, snap2 is deleted (DELETE honoured), the
        # persistent definition (which records no chain here) still names
        # top, the job is gone, and the data is intact.
        self.concluded_while_daemon_stopped()
        self.assertEqual(self.persistent_chain(), [self.chain.top])

    def concluded_while_daemon_stopped(self):
        snap1, snap2 = self.chain.paths[1], self.chain.paths[2]
        self.addCleanup(self.stop_daemon_cleanup)
        # 8 MiB at 4 MiB/s: the job cannot end within the instant between
        # the call's return and SIGSTOP (checked below, not assumed)
        self.events.close()
        self.dom.blockCommit("vda", snap1, snap2, 4 * MiB,
                             libvirt.VIR_DOMAIN_BLOCK_COMMIT_DELETE |
                             libvirt.VIR_DOMAIN_BLOCK_COMMIT_BANDWIDTH_BYTES)
        # (no client call may reach the stopped daemon: it would hang)
        os.kill(self.daemon.proc.pid, signal.SIGSTOP)
        self.assertEqual(vbtest.backing_of(self.chain.top), snap2,
                         "the job ended before the daemon was stopped")
        # QEMU rewrites top's header when the job concludes
        vbtest.wait_for(lambda: vbtest.backing_of(self.chain.top) == snap1, 60,
                        "QEMU to finish the commit")
        self.assertTrue(os.path.exists(snap2), "nobody may delete snap2 yet")
        self.daemon.kill9()
        self.daemon.start()
        self.reconnect()

        vbtest.wait_for(lambda: self.dom.blockJobInfo("vda", 0) == {}, 30,
                        "the concluded job to be processed")
        self.assertEqual([c[0] for c in self.chain_in_xml()],
                         [self.chain.top, snap1, self.chain.base])
        self.assertEqual(self.disk_sources(inactive=True), {"vda": self.chain.top})
        self.assertNotIn("<blockjob ", self.status_xml())
        self.assertEqual(sorted(os.listdir(self.images)),
                         ["base.qcow2", "snap1.qcow2", "top.qcow2"])
        self.settle_events()
        bad = [e for e in self.block_events() if e[4] != COMPLETED]
        self.assertEqual(bad, [])
        self.guest_write(0x60, 40 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        for path in (self.chain.top, snap1, self.chain.base):
            check_image(self, path)
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))


def chain_disk_xml(paths):
    """A vda disk whose definition records the whole chain (top first)."""
    inner = "<backingStore/>"
    for path in reversed(paths[1:]):
        inner = ("<backingStore type='file'><format type='qcow2'/>"
                 "<source file='%s'/>%s</backingStore>" % (path, inner))
    return ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
            "<source file='%s'/>%s<target dev='vda' bus='virtio'/></disk>" % (paths[0], inner))


class PersistentChainTest(FaultBase):
    """The persistent definition records the full chain, so recovery must
    rewrite it too."""

    def setUp(self):
        vbtest.DaemonTestCase.setUp(self)
        self.chain = vbtest.Chain(self.images, layers=4, size_mib=64)
        self.expected = self.chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        xml = vbtest.domain_xml("vm", [])
        xml = xml.replace("</devices>", chain_disk_xml(list(reversed(self.chain.paths))) +
                          "\n  </devices>")
        xmlpath = os.path.join(self.tmp, "vm.xml")
        with open(xmlpath, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", xmlpath)
        self.daemon.virsh("start", "vm")
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")
        self.assertEqual(self.persistent_chain(), list(reversed(self.chain.paths)))

    def test_job_concluded_while_daemon_stopped(self):
        # As in DaemonFaultTest, and the persistent chain loses snap2.
        DaemonFaultTest.concluded_while_daemon_stopped(self)
        self.assertEqual(self.persistent_chain(),
                         [self.chain.top, self.chain.paths[1], self.chain.base])

    def test_commit_delete_without_fault(self):
        # The reference for the recovery case above: the same commit with
        # the daemon up.  After: the persistent chain loses snap2, and
        # snap2 is deleted.
        snap1, snap2 = self.chain.paths[1], self.chain.paths[2]
        self.dom.blockCommit("vda", snap1, snap2, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_DELETE)
        self.wait_job_event(COMPLETED)
        self.assertEqual(self.persistent_chain(), [self.chain.top, snap1, self.chain.base])
        self.assertEqual(sorted(os.listdir(self.images)),
                         ["base.qcow2", "snap1.qcow2", "top.qcow2"])

    def test_pivot_delete_without_fault(self):
        # After a pivot with DELETE: the persistent definition is base
        # alone, and every image above base is deleted.
        self.dom.blockCommit("vda", None, None, 0,
                             ACTIVE | libvirt.VIR_DOMAIN_BLOCK_COMMIT_DELETE)
        self.wait_job_event(READY)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.assertEqual(self.persistent_chain(), [self.chain.base])
        self.assertEqual(sorted(os.listdir(self.images)), ["base.qcow2"])

    def test_daemon_killed_during_pivot(self):
        # As in DaemonFaultTest; the persistent definition is base alone.
        DaemonFaultTest.test_daemon_killed_during_pivot(self)
        self.assertEqual(self.persistent_chain(), [self.chain.base])


class ReleaseTest(FaultBase):
    """Images that leave the chain are let go by QEMU when the job ends:
    otherwise they stay open (and locked) for the domain's lifetime, and
    DELETE would unlink files still in use."""

    def qemu_open_files(self):
        pid = self.daemon.qemu_pids()[0]
        fddir = "/proc/%d/fd" % pid
        out = set()
        for fd in os.listdir(fddir):
            try:
                out.add(os.readlink(os.path.join(fddir, fd)))
            except OSError:
                pass
        return out

    def test_commit_releases_removed_image(self):
        snap1, snap2 = self.chain.paths[1], self.chain.paths[2]
        self.assertIn(snap2, self.qemu_open_files())
        self.dom.blockCommit("vda", snap1, snap2, 0, 0)
        self.wait_job_event(COMPLETED)
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        self.assertNotIn(snap2, self.qemu_open_files())
        self.assertIn(snap1, self.qemu_open_files())

    def test_pivot_releases_removed_images(self):
        self.dom.blockCommit("vda", None, None, 0, ACTIVE)
        self.wait_job_event(READY)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        still = self.qemu_open_files() & set(self.chain.paths[1:])
        self.assertEqual(still, set())
        self.assertIn(self.chain.base, self.qemu_open_files())


class QemuKilledTest(FaultBase):
    def test_qemu_killed_during_commit(self):
        # After: the domain is shut off (crashed), the running job ended with
        # a FAILED event of type 4, the persistent definition is unchanged,
        # every image passes qemu-img check, and the guest-visible data is
        # what was written and flushed.
        persistent = self.xml(inactive=True)
        self.dom.blockCommit("vda", None, None, 1, ACTIVE)
        self.guest_write(0x61, 48 * MiB, MiB)
        self.guest_flush()
        pid = self.daemon.qemu_pids()[0]
        os.kill(pid, signal.SIGKILL)
        self.events.wait(lambda e: e[0] == "lifecycle" and e[1] == "vm" and
                         e[2] == libvirt.VIR_DOMAIN_EVENT_STOPPED and
                         e[3] == libvirt.VIR_DOMAIN_EVENT_STOPPED_FAILED)
        self.assertEqual(self.daemon.virsh("domstate", "vm", "--reason").stdout.strip(),
                         "shut off (crashed)")
        ev = self.wait_job_event(FAILED)
        self.assertEqual(ev[3], TYPE_ACTIVE)
        self.assertEqual([e[4] for e in self.events.of_kind("block-job-2", "vm")], [FAILED])
        self.assertEqual(self.xml(inactive=True), persistent)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.top})
        for path in self.chain.paths:
            # base was being written when QEMU died: leaks are allowed there
            check_image(self, path, allow_leaks=(path == self.chain.base))
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))
        # the domain starts again on the unchanged chain
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.disk_sources(), {"vda": self.chain.top})
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})


class EnospcTest(FaultBase):
    """base lives on an 8 MiB tmpfs; top holds 12 MiB of data."""

    def setUp(self):
        vbtest.DaemonTestCase.setUp(self)
        self.small = os.path.join(self.tmp, "small")
        os.mkdir(self.small)
        proc = vbtest.run(["mount", "-t", "tmpfs", "-o", "size=8M", "tmpfs", self.small],
                          check=False)
        if proc.returncode != 0:
            self.skipTest("cannot mount a tmpfs: %s" % proc.stderr.strip())
        self.addCleanup(self._unmount)
        base = os.path.join(self.small, "base.qcow2")
        mid = os.path.join(self.images, "snap1.qcow2")
        top = os.path.join(self.images, "top.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", base, "32M"])
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2",
                    mid, "32M"])
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", mid, "-F", "qcow2",
                    top, "32M"])
        vbtest.Chain.write(base, 0x11, 0, MiB)
        vbtest.Chain.write(mid, 0x22, 2 * MiB, 10 * MiB)
        vbtest.Chain.write(top, 0x33, 16 * MiB, 12 * MiB)

        class _Chain:
            paths = [base, mid, top]
        self.chain = _Chain()
        self.chain.base, self.chain.top = base, top
        self.expected = os.path.join(self.tmp, "expected.raw")
        vbtest.run(["qemu-img", "convert", "-O", "raw", top, self.expected])
        self.define("vm", [("vda", top)])
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def _unmount(self):
        # QEMU must be gone before the file system can go
        self.kill_domain_qemus()
        vbtest.run(["umount", self.small], check=False)
        if os.path.ismount(self.small):
            vbtest.run(["umount", "-l", self.small], check=False)

    def assert_unchanged(self, persistent):
        self.assertEqual(self.dom.blockJobInfo("vda", 0), {})
        self.assertEqual(self.disk_sources(), {"vda": self.chain.top})
        self.assertEqual(self.xml(inactive=True), persistent)
        self.assertEqual([c[0] for c in self.chain_in_xml()], list(reversed(self.chain.paths)))
        self.assertNotIn("<mirror", self.xml())
        self.assertEqual(vbtest.backing_of(self.chain.top), self.chain.paths[1])
        self.daemon.virsh("destroy", "vm")
        check_image(self, self.chain.base, allow_leaks=True)
        for path in self.chain.paths[1:]:
            check_image(self, path)
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))

    def test_active_commit_enospc(self):
        # After: virsh reports 'Commit failed' (exit 1), a FAILED event of
        # type 4, QEMU's message in the daemon's record of the outcome, and
        # nothing else changed: chain, definitions, the guest's data.
        persistent = self.xml(inactive=True)
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--wait",
                                 check=False, quiet=False)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("Commit failed", proc.stdout)
        ev = self.wait_job_event(FAILED)
        self.assertEqual(ev[3], TYPE_ACTIVE)
        self.wait_job_event(FAILED, "block-job", self.chain.top)
        self.assertIn("No space left on device", self.daemon.log())
        self.assert_unchanged(persistent)

    def test_commit_enospc(self):
        persistent = self.xml(inactive=True)
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--top", self.chain.paths[1],
                                 "--wait", check=False, quiet=False)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("Commit failed", proc.stdout)
        ev = self.wait_job_event(FAILED)
        self.assertEqual(ev[3], TYPE_COMMIT)
        self.assertIn("No space left on device", self.daemon.log())
        self.assert_unchanged(persistent)


class EioBase(FaultBase):
    """Reads of part of one layer's data fail with EIO.

    Device-mapper is not available in this kernel (no dm module, so no
    `error` target over a loop device), so the faulty layer is a FUSE file
    exported by qemu-storage-daemon from a blkdebug node over the real
    image.  The blkdebug rule (EIO for reads touching one sector in the
    middle of the layer's data) is armed by its 'pwritev' event: one write
    of unchanged bytes to the image's first sector.  Headers and tables read
    fine, so the domain starts; the commit's copy of the data fails.

    Chain: base (0x11 at 0-8M) <- mid (0x22 at 8-16M) <- top (0x33 at
    16-24M); @faulty names the layer behind FUSE."""

    faulty = None

    def setUp(self):
        vbtest.DaemonTestCase.setUp(self)
        if not os.path.exists("/dev/fuse"):
            self.skipTest("no /dev/fuse for a qemu-storage-daemon FUSE export")
        names = ["base", "mid", "top"]
        self.paths = {n: os.path.join(self.images, n + ".qcow2") for n in names}
        self.real = dict(self.paths)
        self.real[self.faulty] = os.path.join(self.images, self.faulty + "-real.qcow2")
        for i, n in enumerate(names):
            cmd = ["qemu-img", "create", "-q", "-f", "qcow2"]
            if i:
                cmd += ["-b", self.real[names[i - 1]], "-F", "qcow2"]
            vbtest.run(cmd + [self.real[n], "32M"])
            vbtest.Chain.write(self.real[n], 0x11 * (i + 1), i * 8 * MiB, 8 * MiB)
        self.expected = os.path.join(self.tmp, "expected.raw")
        vbtest.run(["qemu-img", "convert", "-O", "raw", self.real["top"], self.expected])
        extents = json.loads(vbtest.run(["qemu-img", "map", "--output=json",
                                         self.real[self.faulty]]).stdout)
        data = [e for e in extents if e["depth"] == 0 and e["data"]]
        self.assertEqual(len(data), 1)
        bad_sector = (data[0]["offset"] + 4 * MiB) // 512

        fuse = self.paths[self.faulty]
        with open(fuse, "w"):
            pass
        self.pidfile = os.path.join(self.tmp, "qsd.pid")
        blkdebug = {"driver": "blkdebug", "node-name": "dbg", "image": "f",
                    "inject-error": [{"event": "pwritev", "iotype": "read", "errno": 5,
                                      "sector": bad_sector}]}
        proc = vbtest.run(["qemu-storage-daemon",
                           "--blockdev", "driver=file,node-name=f,filename=" +
                           self.real[self.faulty],
                           "--blockdev", json.dumps(blkdebug),
                           "--export", "type=fuse,id=e,node-name=dbg,mountpoint=%s,"
                           "writable=on" % fuse,
                           "--pidfile", self.pidfile, "--daemonize"], check=False)
        if proc.returncode != 0:
            self.skipTest("qemu-storage-daemon cannot export over FUSE: %s" %
                          proc.stderr.strip())
        with open(self.pidfile) as fh:
            self.qsd = int(fh.read())
        self.addCleanup(self._stop_qsd, fuse)
        self.assertTrue(os.path.ismount(fuse))
        if self.faulty == "mid":
            # top must name the FUSE file as its backing image
            vbtest.run(["qemu-img", "rebase", "-u", "-b", fuse, "-F", "qcow2",
                        self.paths["top"]])
        # arm the rule: rewrite sector 0 unchanged
        fd = os.open(fuse, os.O_RDWR)
        try:
            os.pwrite(fd, os.pread(fd, 512, 0), 0)
            os.fsync(fd)
        finally:
            os.close(fd)
        probe = vbtest.run(["qemu-io", "-f", "qcow2", "-r", "-U", "-c",
                            "read %d 8M" % (names.index(self.faulty) * 8 * MiB), fuse],
                           check=False)
        self.assertIn("Input/output error", probe.stdout + probe.stderr)

        self.define("vm", [("vda", self.paths["top"])])
        self.events = EventRecorder(self.daemon.uri)
        self.addCleanup(self.events.close)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def _stop_qsd(self, mountpoint):
        self.kill_domain_qemus()
        if vbtest.pid_alive(self.qsd):
            os.kill(self.qsd, signal.SIGTERM)
            try:
                vbtest.wait_for(lambda: not vbtest.pid_alive(self.qsd), 10, "qsd to exit")
            except AssertionError:
                kill_pid(self.qsd)
        if os.path.ismount(mountpoint):
            vbtest.run(["umount", "-l", mountpoint], check=False)

    def assert_failed_and_unchanged(self, jobtype, persistent):
        """FAILED event of @jobtype with QEMU's EIO in the daemon's record,
        no job, no <mirror>, the chain and definitions as before, images
        clean, the guest's data intact."""
        ev = self.wait_job_event(FAILED)
        self.assertEqual(ev[3], jobtype)
        self.assertEqual([e[4] for e in self.events.of_kind("block-job-2", "vm")], [FAILED])
        self.assertIn("Input/output error", self.daemon.log())
        vbtest.wait_for(lambda: self.dom.blockJobInfo("vda", 0) == {}, 30, "job to go")
        self.assertEqual(self.disk_sources(), {"vda": self.paths["top"]})
        self.assertEqual([c[0] for c in self.chain_in_xml()],
                         [self.paths["top"], self.paths["mid"], self.paths["base"]])
        self.assertEqual(vbtest.backing_of(self.paths["top"]), self.paths["mid"])
        self.assertEqual(self.xml(inactive=True), persistent)
        self.assertNotIn("<mirror", self.xml())
        self.daemon.virsh("destroy", "vm")
        self._stop_qsd(self.paths[self.faulty])
        check_image(self, self.real["top"])
        check_image(self, self.real["mid"])
        check_image(self, self.real["base"], allow_leaks=True)
        # the chain as the guest sees it, with the real file in place of
        # the (now gone) FUSE export
        top = "driver=qcow2,file.filename=%s" % self.real["top"]
        if self.faulty == "mid":
            top += ",backing.driver=qcow2,backing.file.filename=%s" % self.real["mid"]
        proc = vbtest.run(["qemu-img", "compare", "--image-opts", top,
                           "driver=raw,file.filename=%s" % self.expected], check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)


class EioTopTest(EioBase):
    faulty = "top"

    def test_active_commit_read_error(self):
        persistent = self.xml(inactive=True)
        self.dom.blockCommit("vda", None, None, 0, ACTIVE)
        self.assert_failed_and_unchanged(TYPE_ACTIVE, persistent)


class EioMidTest(EioBase):
    faulty = "mid"

    def test_commit_read_error(self):
        persistent = self.xml(inactive=True)
        self.dom.blockCommit("vda", None, self.paths["mid"], 0, 0)
        self.assert_failed_and_unchanged(TYPE_COMMIT, persistent)


CLIENT_GONE = r"""
import os, sys
import libvirt
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(sys.argv[1])
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2,
                            lambda *a: None, None)
dom = conn.lookupByName("vm")
dom.blockCommit("vda", None, None, 1, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
os._exit(0)
"""


class ClientFaultTest(FaultBase):
    def test_client_gone_mid_job(self):
        # After: the job started by a client that vanished without closing
        # keeps running, and another client pivots it.
        proc = subprocess.run(["/usr/bin/python3", "-c", CLIENT_GONE, self.daemon.uri],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        info = self.dom.blockJobInfo("vda", 0)
        self.assertEqual(info["type"], TYPE_ACTIVE)
        self.assertEqual(info["bandwidth"], 1)
        self.guest_write(0x62, 60 * MiB, MiB)
        self.dom.blockJobSetSpeed("vda", 0, 0)
        self.wait_job_event(READY)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.wait_job_event(COMPLETED)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.assertIsNone(self.daemon.proc.poll())
        self.daemon.virsh("destroy", "vm")
        self.assert_base_holds_everything()

    def _raw(self):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(self.daemon.sock)
        self.addCleanup(s.close)
        return s

    @staticmethod
    def _closed_by_peer(s):
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def test_garbage_on_socket(self):
        # After: malformed input on other connections neither stops the
        # daemon nor blocks it; the running job carries on and pivots.
        self.dom.blockCommit("vda", None, None, 1, ACTIVE)
        rnd = random.Random(1234)

        # a length that no packet may have, then noise: the daemon drops us
        s = self._raw()
        s.sendall(struct.pack(">I", 0xFFFFFFF0) + bytes(rnd.getrandbits(8) for _ in range(60)))
        self.assertTrue(self._closed_by_peer(s), "oversized packet not refused")

        # a length shorter than the header itself
        s = self._raw()
        s.sendall(struct.pack(">I", 8) + b"\x00" * 4)
        self.assertTrue(self._closed_by_peer(s), "undersized packet not refused")

        # a well-sized packet of random bytes (unknown program)
        s = self._raw()
        body = bytes(rnd.getrandbits(8) for _ in range(60))
        s.sendall(struct.pack(">I", 4 + len(body)) + body)

        # a truncated header left hanging, and one cut off by close
        hanging = self._raw()
        hanging.sendall(struct.pack(">I", 28) + b"\x20\x00")
        s = self._raw()
        s.sendall(struct.pack(">I", 28)[:3])
        s.close()

        # the daemon still serves everyone else, the job is intact
        self.assertIsNone(self.daemon.proc.poll())
        info = self.dom.blockJobInfo("vda", 0)
        self.assertEqual(info["type"], TYPE_ACTIVE)
        self.assertEqual(info["bandwidth"], 1)
        self.daemon.virsh("domstate", "vm")
        self.guest_write(0x63, 36 * MiB, MiB)
        self.dom.blockJobSetSpeed("vda", 0, 0)
        self.wait_job_event(READY)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.wait_job_event(COMPLETED)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        hanging.close()
        self.assertIsNone(self.daemon.proc.poll())
        self.daemon.virsh("destroy", "vm")
        self.assert_base_holds_everything()



QMPPROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qmpproxy.py")


class MonitorFaultTest(FaultBase):
    """QEMU's monitor sends what is not QMP: the daemon opens a new monitor
    connection and takes the domain back, guest and job untouched."""

    def define(self, name, disks, start=True, **kw):
        # QEMU behind qmpproxy.py, which corrupts what QEMU says on demand
        self.control = os.path.join(self.tmp, "qmpproxy-control")
        self.extra_logs.append(self.control + ".log")
        wrapper = os.path.join(self.tmp, "qemu-behind-proxy")
        with open(wrapper, "w") as fh:
            fh.write('#!/bin/sh\nexec /usr/bin/python3 %s %s "$@"\n' % (QMPPROXY, self.control))
        os.chmod(wrapper, 0o755)
        xml = vbtest.domain_xml(name, disks, **kw).replace(
            "<emulator>/usr/bin/qemu-system-x86_64</emulator>",
            "<emulator>%s</emulator>" % wrapper)
        xmlpath = os.path.join(self.tmp, name + ".xml")
        with open(xmlpath, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", xmlpath)
        if start:
            self.daemon.virsh("start", name)
        return xmlpath

    def proxy(self, command):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(30)
            s.connect(self.control)
            s.sendall(command.encode() + b"\n")
            self.assertEqual(s.makefile("r").readline().strip(), "ok")

    def proxy_hmp(self, line):
        """Runs an HMP command in QEMU past the daemon; returns its output."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(60)
            s.connect(self.control)
            s.sendall(b"hmp " + line.encode() + b"\n")
            answer = s.makefile("r").readline().strip()
        self.assertTrue(answer.startswith("ok "), answer)
        return json.loads(answer[3:])["return"]

    def wait_reconnected(self, count):
        vbtest.wait_for(lambda: self.daemon.log(None).count(
            "monitor of domain 'vm' reconnected") >= count, 60, "the monitor to be reopened")

    def assert_guest_alive(self, pid):
        self.assertEqual(self.daemon.qemu_pids(), [pid])
        self.assertTrue(vbtest.pid_alive(pid))
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)

    def test_garbage_while_job_runs(self):
        # After: QEMU and the guest live on, the job runs on, READY and the
        # pivot work over the new connection; chain, definitions and data
        # as after any pivot.  (A second failure right after a recovery:
        # test_monitor_given_up_during_pivot.)
        pid = self.daemon.qemu_pids()[0]
        self.dom.blockCommit("vda", None, None, 1, ACTIVE)
        self.proxy("garbage")
        self.wait_reconnected(1)
        self.assert_guest_alive(pid)
        info = self.dom.blockJobInfo("vda", 0)
        self.assertEqual(info["type"], TYPE_ACTIVE)
        self.assertEqual(info["bandwidth"], 1)
        self.assertNotIn(FAILED, [e[4] for e in self.block_events()])
        self.assertEqual(self.events.of_kind("control-error"), [])

        self.guest_write(0x64, 20 * MiB, MiB)
        self.dom.blockJobSetSpeed("vda", 0, 0)
        self.wait_job_event(READY)
        self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.wait_job_event(COMPLETED)
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.assertEqual(self.persistent_chain(), [self.chain.base])
        self.daemon.virsh("destroy", "vm")
        vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 30, "QEMU to end")
        self.assert_base_holds_everything()

    def test_monitor_given_up_during_pivot(self):
        # The monitor fails while READY and is reopened.  Then a synchronous
        # pivot: QEMU answers job-complete and is frozen (SIGSTOP) before it
        # can finish, so the call waits; the monitor fails again within
        # 30 s and is given up.  The call returns the reason instead of
        # hanging, CONTROL_ERROR is sent, commands fail with the reason.
        # QEMU then finishes the pivot unseen, and the guest writes into
        # the base only.  Destroy asks QEMU through a new connection first
        # (libvirt does not): the pivot is applied to the definitions,
        # COMPLETED sent, and the chain they name holds every write.
        pid = self.daemon.qemu_pids()[0]
        self.addCleanup(lambda: vbtest.pid_alive(pid) and os.kill(pid, signal.SIGCONT))
        chain = self.persistent_chain()
        self.dom.blockCommit("vda", None, None, 0, ACTIVE)
        self.wait_job_event(READY)
        self.proxy("garbage")
        self.wait_reconnected(1)

        self.proxy("stop-after-reply job-complete")
        result = {}

        def pivot():
            conn = libvirt.open(self.daemon.uri)
            try:
                conn.lookupByName("vm").blockJobAbort(
                    "vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
                result["ok"] = True
            except libvirt.libvirtError as e:
                result["error"] = str(e)
            finally:
                conn.close()
        waiter = threading.Thread(target=pivot, daemon=True)
        waiter.start()
        vbtest.wait_for(lambda: "ready='pivot'" in self.xml() or not waiter.is_alive(), 30,
                        "the pivot to be requested")
        self.assertTrue(waiter.is_alive(), result)
        self.proxy("garbage")
        waiter.join(60)
        self.assertFalse(waiter.is_alive(), "the pivot call still waits")
        self.assertIn("QEMU monitor failed before block job", result.get("error", ""))
        self.assertIn("injected by qmpproxy", result["error"])
        self.events.wait(lambda e: e == ("control-error", "vm"))
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.suspend()
        self.assertIn("injected by qmpproxy", str(cm.exception))

        # QEMU finishes the pivot once it runs again, which the proxy sees
        # pass on the given-up connection; a guest write where the top has
        # data of its own then lands in the base only.
        os.kill(pid, signal.SIGCONT)
        vbtest.wait_for(lambda: '"status": "concluded"' in vbtest.read_tail(self.control + ".log"),
                        30, "QEMU to finish the pivot")
        self.assertEqual(self.persistent_chain(), chain)
        offset = (self.layers - 1) * 8 * MiB
        out = self.proxy_hmp('qemu-io -d %s "write -P 0x67 %d %d"' % (DEV, offset, MiB))
        self.assertNotIn("error", out.lower())
        vbtest.Chain.write(self.expected, 0x67, offset, MiB, fmt="raw")
        self.assertFalse(vbtest.images_identical(self.chain.top, self.expected),
                         "the write reached the top: the test proves nothing")

        self.daemon.virsh("destroy", "vm")
        vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 30, "QEMU to end")
        self.wait_job_event(COMPLETED)
        self.assertIn("settling the block jobs of domain 'vm'", self.daemon.log(None))
        self.assertEqual(self.persistent_chain(), [self.chain.base])
        self.assert_base_holds_everything()
        for path in chain:
            check_image(self, path)
        # the guest paused for the settling is no SUSPENDED event
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                         libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED))
        self.assertNotIn(libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                         [e[2] for e in self.events.of_kind("lifecycle")])

    def test_destroy_frozen_qemu_after_monitor_given_up(self):
        # As above, but QEMU stays frozen: the destroy cannot ask it, gives
        # up after its short timeout instead of hanging, and kills it.  The
        # pivot never happened: the definitions and the chain are as
        # before, the data whole.
        pid = self.daemon.qemu_pids()[0]
        self.addCleanup(lambda: vbtest.pid_alive(pid) and os.kill(pid, signal.SIGCONT))
        chain = self.persistent_chain()
        self._ready_with_write()
        self.proxy("garbage")
        self.wait_reconnected(1)
        # job-complete is answered, then QEMU frozen; the reply, turned to
        # garbage, gives the monitor up
        self.proxy("stop-after-reply job-complete")
        self.proxy("corrupt-reply job-complete")
        with self.assertRaises(libvirt.libvirtError):
            self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.events.wait(lambda e: e == ("control-error", "vm"))

        self.daemon.virsh("destroy", "vm")
        vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 30, "QEMU to end")
        self.assertIn("cannot settle the block jobs of domain 'vm'", self.daemon.log(None))
        self.assertEqual(self.persistent_chain(), chain)
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected),
                        "the chain differs from the expected data")
        for path in chain:
            check_image(self, path)

    def test_guest_shutdown_found_at_reconnect(self):
        # QEMU reports 'shutdown' to the new monitor (the proxy answers so
        # for it: the test guest has no OS to power off): the guest
        # powered off unseen.  After: the shutdown is finished as the
        # SHUTDOWN event would have, QEMU ended, the domain shut off with
        # reason shutdown, and it starts again.
        pid = self.daemon.qemu_pids()[0]
        self.proxy('fake-reply query-status {"status": "shutdown", "singlestep": false, '
                   '"running": false}')
        self.proxy("garbage")
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_SHUTDOWN,
                                         libvirt.VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED))
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                         libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN))
        vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 30, "QEMU to end")
        self.assertEqual(self.dom.state(),
                         [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SHUTDOWN])
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)

    def test_pause_found_at_reconnect(self):
        # The guest is paused behind the daemon's back, its STOP event
        # lost: a change missed while a monitor is replaced.  After: the
        # new monitor finds it, with the SUSPENDED event and the state
        # paused; resuming works and is an event again.
        self.proxy("drop-event STOP")
        self.assertEqual(self.proxy_hmp("stop"), "")
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.proxy("garbage")
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                                         libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED))
        # QEMU's run state 'paused' is a pause by the user, as libvirt's
        # reconnect reads it
        self.assertEqual(self.dom.state(),
                         [libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_USER])
        self.dom.resume()
        self.events.wait(lambda e: e == ("lifecycle", "vm", libvirt.VIR_DOMAIN_EVENT_RESUMED,
                                         libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED))
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)

    def test_qemu_exit_after_monitor_given_up(self):
        # After: a given-up monitor still tells that QEMU ended.  The
        # domain is shut off (crashed) with the STOPPED event, its job
        # ends FAILED, the chain and definitions are as before the commit,
        # and the domain starts again.
        pid = self.daemon.qemu_pids()[0]
        chain = self.persistent_chain()
        self.dom.blockCommit("vda", None, None, 1, ACTIVE)
        self.proxy("garbage")
        self.wait_reconnected(1)
        self.proxy("garbage")
        self.events.wait(lambda e: e == ("control-error", "vm"))
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)

        os.kill(pid, signal.SIGKILL)
        self.events.wait(lambda e: e[0] == "lifecycle" and
                         e[2] == libvirt.VIR_DOMAIN_EVENT_STOPPED and
                         e[3] == libvirt.VIR_DOMAIN_EVENT_STOPPED_FAILED)
        self.wait_job_event(FAILED)
        self.assertEqual(self.dom.state(),
                         [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_CRASHED])
        self.assertEqual(self.daemon.qemu_pids(), [])
        self.assertEqual(self.persistent_chain(), chain)
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))
        for path in chain:
            check_image(self, path)
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.dom.state()[0], libvirt.VIR_DOMAIN_RUNNING)

    def _ready_with_write(self):
        self.dom.blockCommit("vda", None, None, 0, ACTIVE)
        self.wait_job_event(READY)
        self.guest_write(0x65, 8 * MiB, MiB)
        self.guest_flush()

    def test_pivot_reply_lost(self):
        # After: QEMU ran job-complete but its answer never reached us; the
        # call fails, and once the monitor is back the pivot is found done
        # from the device's graph: COMPLETED, the disk on base in both
        # definitions, the data whole.
        pid = self.daemon.qemu_pids()[0]
        self._ready_with_write()
        self.proxy("corrupt-reply job-complete")
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        self.assertIn("injected by qmpproxy", str(cm.exception))
        self.wait_job_event(COMPLETED)
        self.assert_guest_alive(pid)
        self.assertNotIn(FAILED, [e[4] for e in self.block_events()])
        self.assertEqual(self.disk_sources(), {"vda": self.chain.base})
        self.assertEqual(self.persistent_chain(), [self.chain.base])
        self.guest_write(0x66, 9 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assert_base_holds_everything()

    def test_cancel_reply_lost(self):
        # After: QEMU cancelled the ready job but its answer never reached
        # us; once the monitor is back the graph shows the disk still on
        # top: CANCELED, the chain unchanged in both definitions, the data
        # read through the top whole.
        pid = self.daemon.qemu_pids()[0]
        chain = self.persistent_chain()
        self._ready_with_write()
        self.proxy("corrupt-reply block-job-cancel")
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.blockJobAbort("vda", 0)
        self.assertIn("injected by qmpproxy", str(cm.exception))
        self.wait_job_event(CANCELED)
        self.assert_guest_alive(pid)
        self.assertNotIn(FAILED, [e[4] for e in self.block_events()])
        self.assertEqual(self.disk_sources(), {"vda": self.chain.top})
        self.assertEqual(self.persistent_chain(), chain)
        self.guest_write(0x67, 10 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected),
                        "the chain differs from the expected data")
        for path in chain:
            check_image(self, path)

if __name__ == "__main__":
    vbtest.main()
