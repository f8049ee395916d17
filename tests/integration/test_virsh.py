#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The stock virsh 9.0 against virtblockd, output checked line by line as a
user reads it: define, start, list, dominfo, domblklist, dumpxml,
blockcommit in its wait modes, blockjob, and event --loop."""

import os
import re
import signal
import subprocess

import vbtest


class VirshTest(vbtest.DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.chain = vbtest.Chain(self.images, layers=4, size_mib=64)
        self.define("vm", [("vda", self.chain.top)])

    def v(self, *args, **kw):
        kw.setdefault("quiet", False)
        return self.daemon.virsh(*args, **kw)

    def test_list_dominfo_domblklist_dumpxml(self):
        out = self.v("list", "--all").stdout
        self.assertRegex(out, r"(?m)^ 1\s+vm\s+running$")
        info = self.v("dominfo", "vm").stdout
        for pattern in (r"Name:\s+vm", r"Id:\s+1", r"OS Type:\s+hvm", r"State:\s+running",
                        r"CPU\(s\):\s+1", r"Max memory:\s+65536 KiB",
                        r"Used memory:\s+65536 KiB", r"Persistent:\s+yes",
                        r"Autostart:\s+disable", r"Managed save:\s+no"):
            self.assertRegex(info, pattern)
        blk = self.v("domblklist", "vm", "--details").stdout
        self.assertRegex(blk, r"file\s+disk\s+vda\s+%s" % re.escape(self.chain.top))
        xml = self.v("dumpxml", "vm").stdout
        self.assertIn("<domain type='qemu' id='1'>", xml)
        self.assertIn("<source file='%s' index='1'/>" % self.chain.top, xml)
        self.assertIn("<alias name='virtio-disk0'/>", xml)
        inactive = self.v("dumpxml", "vm", "--inactive").stdout
        self.assertIn("<source file='%s'/>" % self.chain.top, inactive)
        self.assertNotIn("<backingStore", inactive)
        self.assertNotIn("<alias", inactive)

    def test_commit_wait_with_indexes(self):
        proc = self.v("blockcommit", "vm", "vda", "--base", "vda[4]", "--top", "vda[2]",
                      "--wait", "--verbose")
        self.assertEqual(proc.stdout.strip(), "Commit complete")
        self.assertIn("Block commit: [100 %]", proc.stderr)
        self.assertEqual(vbtest.backing_of(self.chain.top), self.chain.base)

    def test_async_then_blockjob(self):
        proc = self.v("blockcommit", "vm", "vda", "--active", "--bandwidth", "1")
        self.assertEqual(proc.stdout.strip(), "Active Block Commit started")
        info = self.v("blockjob", "vm", "vda", "--info")
        self.assertRegex(info.stderr + info.stdout, r"Active Block Commit: \[\s*\d+ %\]")
        self.assertIn("Bandwidth limit: 1048576 bytes/s (1.000 MiB/s)", info.stdout)
        raw = self.v("blockjob", "vm", "vda", "--raw").stdout
        self.assertRegex(raw, r" type=Active Block Commit\n bandwidth=1\n cur=\d+\n end=\d+")
        pivot = self.v("blockjob", "vm", "vda", "--pivot", check=False)
        self.assertNotEqual(pivot.returncode, 0)
        self.assertIn("error: block copy still active: block job "
                      "'commit-vda-libvirt-1-format' not ready for pivot yet", pivot.stderr)
        self.v("blockjob", "vm", "vda", "--bandwidth", "0")
        vbtest.wait_for(lambda: "ready='yes'" in self.v("dumpxml", "vm").stdout, 60, "READY")
        self.v("blockjob", "vm", "vda", "--pivot")
        self.assertIn("No current block job for vda",
                      self.v("blockjob", "vm", "vda", "--info").stdout)
        self.assertIn(self.chain.base, self.v("domblklist", "vm").stdout)

    def test_abort(self):
        self.v("blockcommit", "vm", "vda", "--active", "--bandwidth", "1")
        self.v("blockjob", "vm", "vda", "--abort")
        self.assertIn("No current block job for vda",
                      self.v("blockjob", "vm", "vda", "--info").stdout)
        self.assertIn(self.chain.top, self.v("domblklist", "vm").stdout)

    def test_event_loop(self):
        log = os.path.join(self.tmp, "events.txt")
        with open(log, "w") as out:
            ev = subprocess.Popen(["virsh", "-c", self.daemon.uri, "event", "vm", "--event",
                                   "block-job-2", "--loop"], stdout=out,
                                  stderr=subprocess.STDOUT)
        self.addCleanup(lambda: ev.poll() is None and ev.kill())
        # virsh prints nothing once subscribed; the daemon's log shows the
        # registration.  The job starts throttled (READY is tens of seconds
        # away at 1 MiB/s), so the event cannot come before it anyway.
        vbtest.wait_for(lambda: ev.poll() is None and
                        " CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY" in self.daemon.log(None),
                        30, "virsh event to subscribe")
        self.v("blockcommit", "vm", "vda", "--active", "--bandwidth", "1")
        self.v("blockjob", "vm", "vda", "--bandwidth", "0")
        vbtest.wait_for(lambda: "ready='yes'" in self.v("dumpxml", "vm").stdout, 60, "READY")
        self.v("blockjob", "vm", "vda", "--pivot")

        def read():
            with open(log) as fh:
                return fh.read()

        vbtest.wait_for(lambda: "completed" in read(), 30, "the completed event")
        ev.send_signal(signal.SIGINT)
        ev.wait(10)
        lines = [l for l in read().splitlines() if l.startswith("event '")]
        self.assertEqual(lines, [
            "event 'block-job-2' for domain 'vm': Active Block Commit for vda ready",
            "event 'block-job-2' for domain 'vm': Active Block Commit for vda completed",
        ])


if __name__ == "__main__":
    vbtest.main()
