#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Disk-only external snapshots without metadata, against real QEMU (TCG),
real qcow2 images and the stock virsh, as backup tools run them:

    virsh snapshot-create-as vm --disk-only --atomic --no-metadata
    cp <the now read-only previous image> <backup>
    virsh blockcommit vm vda --active --pivot

Every data path ends in a byte-for-byte check (qemu-img compare against a
raw file holding what the guest saw), every refusal in a check that
nothing was created and nothing changed."""

import json
import os
import re
import shutil
import signal
import stat
import time
import xml.etree.ElementTree as ET

import libvirt

import vbtest

MiB = vbtest.MiB
DEV = "/machine/peripheral/virtio-disk0/virtio-backend"
SNAP_FLAGS = (libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY |
              libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA |
              libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC)


class SnapshotBase(vbtest.DaemonTestCase):
    start = True

    def setUp(self):
        super().setUp()
        self.chain = vbtest.Chain(self.images, layers=2, size_mib=64)
        self.expected = self.chain.expected_raw(os.path.join(self.tmp, "expected.raw"))
        self.define("vm", [("vda", self.chain.top)], start=self.start)
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def snapshot(self, *args, check=True):
        return self.daemon.virsh("snapshot-create-as", "vm", *args, check=check, quiet=False)

    def snapshot_name(self, proc):
        m = re.search(r"Domain snapshot (\S+) created", proc.stdout)
        self.assertIsNotNone(m, proc.stdout)
        return m.group(1)

    def sources(self, inactive=False):
        args = ["domblklist", "vm"] + (["--inactive"] if inactive else [])
        out = self.daemon.virsh(*args).stdout
        return dict(line.split() for line in out.strip().splitlines())

    def guest_write(self, pattern, offset, length, expected=None):
        """Writes through the disk's own backend, as the guest would."""
        out = self.daemon.virsh(
            "qemu-monitor-command", "vm", "--hmp",
            'qemu-io -d %s "write -P 0x%02x %d %d"' % (DEV, pattern, offset, length)).stdout
        self.assertNotIn("error", out.lower())
        vbtest.Chain.write(expected or self.expected, pattern, offset, length, fmt="raw")

    def save_expected(self, name):
        copy = os.path.join(self.tmp, name)
        shutil.copyfile(self.expected, copy)
        return copy

    def images_listing(self):
        return sorted(os.listdir(self.images))

    def assert_overlay(self, overlay, backing, backing_fmt="qcow2"):
        info = json.loads(vbtest.run(["qemu-img", "info", "-U", "--output=json",
                                      overlay]).stdout)
        self.assertEqual(info["format"], "qcow2")
        self.assertEqual(info["backing-filename"], backing)
        self.assertEqual(info["backing-filename-format"], backing_fmt)
        self.assertEqual(info["virtual-size"], self.chain.size)

    def assert_refused(self, args, message):
        """A refused snapshot: the message, no file, no change."""
        before = (self.images_listing(), self.sources(), self.sources(inactive=True))
        proc = self.snapshot(*args, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(message, proc.stderr)
        self.assertEqual((self.images_listing(), self.sources(), self.sources(inactive=True)),
                         before)
        return proc

    def assert_refused_api(self, xml, flags, message, code):
        before = (self.images_listing(), self.sources(), self.sources(inactive=True))
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.snapshotCreateXML(xml, flags)
        self.assertIn(message, str(cm.exception))
        self.assertEqual(cm.exception.get_error_code(), code)
        self.assertEqual((self.images_listing(), self.sources(), self.sources(inactive=True)),
                         before)

    def live_chain(self):
        """Paths of vda's chain in the live XML, top first."""
        return vbtest.disk_chain(self.dom.XMLDesc(0))

    def stated(self, inactive=True):
        """vda's chain as the (persistent or live) XML states it."""
        xml = self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE if inactive else 0)
        return vbtest.disk_chain_stated(xml)


class RunningSnapshotTest(SnapshotBase):
    def test_default_name(self):
        before = self.save_expected("before.raw")
        proc = self.snapshot("--disk-only", "--atomic", "--no-metadata")
        name = self.snapshot_name(proc)
        self.assertRegex(name, r"^\d+$")
        overlay = os.path.join(self.images, "top." + name)
        self.assertTrue(os.path.isfile(overlay))
        self.assert_overlay(overlay, self.chain.top)
        self.assertEqual(self.sources(), {"vda": overlay})
        self.assertEqual(self.sources(inactive=True), {"vda": overlay})
        self.assertEqual(self.live_chain(), [overlay, self.chain.top, self.chain.base])
        # as libvirtd 9.0: the persistent definition gains the old top below
        # the overlay, and no more; the live chain ends with <backingStore/>
        self.assertEqual(self.stated(), [overlay, self.chain.top])
        self.assertEqual(self.stated(inactive=False),
                         [overlay, self.chain.top, self.chain.base, vbtest.EMPTY_BACKING])

        self.guest_write(0x5a, 4 * MiB, 2 * MiB)
        self.guest_write(0x6b, 60 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        # the guest's writes are in the overlay, the old image is unchanged
        self.assertTrue(vbtest.images_identical(overlay, self.expected))
        self.assertTrue(vbtest.images_identical(self.chain.top, before))
        vbtest.run(["qemu-img", "check", "-q", overlay])
        # the persistent definition starts on the overlay, chain probed
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.live_chain(), [overlay, self.chain.top, self.chain.base])

    def test_diskspec_file(self):
        overlay = os.path.join(self.images, "ov.qcow2")
        proc = self.snapshot("snap1", "--disk-only", "--atomic", "--no-metadata",
                             "--diskspec", "vda,file=" + overlay)
        self.assertEqual(self.snapshot_name(proc), "snap1")
        self.assert_overlay(overlay, self.chain.top)
        self.assertEqual(self.sources(), {"vda": overlay})
        self.assertEqual(self.sources(inactive=True), {"vda": overlay})
        self.guest_write(0x3c, 10 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(overlay, self.expected))

    def test_api_returns_snapshot(self):
        snap = self.dom.snapshotCreateXML("<domainsnapshot><name>api1</name>"
                                          "</domainsnapshot>", SNAP_FLAGS)
        self.assertEqual(snap.getName(), "api1")
        self.assertEqual(snap.getDomain().name(), "vm")
        self.assertEqual(self.sources(), {"vda": os.path.join(self.images, "top.api1")})

    def test_refused_without_disk_only(self):
        self.assert_refused(["--no-metadata"], "only disk-only snapshots and external memory "
                                               "snapshots are supported")

    def test_refused_quiesce(self):
        self.assert_refused(["--disk-only", "--atomic", "--no-metadata", "--quiesce"],
                            "QEMU guest agent is not configured")

    def test_refused_existing_overlay(self):
        overlay = os.path.join(self.images, "exists.qcow2")
        with open(overlay, "wb") as fh:
            fh.write(b"precious")
        self.assert_refused(["--disk-only", "--atomic", "--no-metadata",
                             "--diskspec", "vda,file=" + overlay],
                            "external snapshot file for disk vda already exists and is not a "
                            "block device: " + overlay)
        with open(overlay, "rb") as fh:
            self.assertEqual(fh.read(), b"precious")

    def test_refused_unknown_disk(self):
        self.assert_refused(["--disk-only", "--atomic", "--no-metadata",
                             "--diskspec", "vdz,file=" + os.path.join(self.images, "z.qcow2")],
                            "no disk named 'vdz'")

    def test_refusal_codes(self):
        xml = "<domainsnapshot/>"
        NO_METADATA = libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA
        self.assert_refused_api(xml, NO_METADATA, "use the flag VIR_DOMAIN_SNAPSHOT_CREATE_"
                                "DISK_ONLY (virsh --disk-only)",
                                libvirt.VIR_ERR_CONFIG_UNSUPPORTED)
        self.assert_refused_api(xml, SNAP_FLAGS | libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE,
                                "QEMU guest agent is not configured",
                                libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED)
        self.assert_refused_api(xml, SNAP_FLAGS | libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_LIVE,
                                "live snapshot creation is supported only during full system "
                                "snapshots", libvirt.VIR_ERR_OPERATION_UNSUPPORTED)
        self.assert_refused_api("<domainsnapshot><disks><disk name='vdz'/></disks>"
                                "</domainsnapshot>", SNAP_FLAGS, "no disk named 'vdz'",
                                libvirt.VIR_ERR_CONFIG_UNSUPPORTED)

    def test_validate(self):
        self.snapshot("v1", "--disk-only", "--atomic", "--no-metadata", "--validate")
        self.assertEqual(self.sources(), {"vda": os.path.join(self.images, "top.v1")})
        self.assert_refused_api("<domainsnapshot><bogus/></domainsnapshot>",
                                SNAP_FLAGS | libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE,
                                "XML document failed to validate against schema",
                                libvirt.VIR_ERR_XML_INVALID_SCHEMA)

    def test_refused_memory(self):
        xml = ("<domainsnapshot><memory snapshot='external' file='%s'/></domainsnapshot>"
               % os.path.join(self.images, "mem"))
        self.assert_refused_api(xml, SNAP_FLAGS,
                                "memory state cannot be saved with offline or disk-only snapshot",
                                libvirt.VIR_ERR_XML_ERROR)

    def test_refused_internal(self):
        xml = "<domainsnapshot><disks><disk name='vda' snapshot='internal'/></disks></domainsnapshot>"
        self.assert_refused_api(xml, SNAP_FLAGS,
                                "only external disk snapshots are supported; disk 'vda' "
                                "requested 'internal'", libvirt.VIR_ERR_CONFIG_UNSUPPORTED)

    def test_refused_relative_path(self):
        xml = ("<domainsnapshot><disks><disk name='vda'><source file='ov.qcow2'/></disk>"
               "</disks></domainsnapshot>")
        self.assert_refused_api(xml, SNAP_FLAGS,
                                "disk snapshot image path 'ov.qcow2' must be absolute",
                                libvirt.VIR_ERR_XML_ERROR)

    def test_refused_during_block_job(self):
        self.dom.blockCommit("vda", None, None, 1, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        self.assert_refused(["--disk-only", "--atomic", "--no-metadata"],
                            "disk 'vda' already in active block job")
        self.dom.blockJobAbort("vda", 0)

    def test_reuse_ext(self):
        overlay = os.path.join(self.images, "prepared.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b",
                    self.chain.top, overlay])
        self.snapshot("--disk-only", "--atomic", "--no-metadata", "--reuse-external",
                      "--diskspec", "vda,file=" + overlay)
        self.assertEqual(self.sources(), {"vda": overlay})
        self.guest_write(0x21, 0, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(overlay, self.expected))

    def test_reuse_ext_wrong_backing(self):
        overlay = os.path.join(self.images, "wrong.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b",
                    self.chain.base, overlay])
        self.assert_refused(["--disk-only", "--atomic", "--no-metadata", "--reuse-external",
                             "--diskspec", "vda,file=" + overlay],
                            "must be a qcow2 image backed by the disk's current image")


class TwoDiskSnapshotTest(vbtest.DaemonTestCase):
    """Two disks switch together, or neither does."""

    def setUp(self):
        super().setUp()
        self.a = os.path.join(self.images, "a.qcow2")
        self.b = os.path.join(self.images, "b.qcow2")
        for path in (self.a, self.b):
            vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "16M"])
        self.define("vm", [("vda", self.a), ("vdb", self.b)])

    def sources(self, inactive=False):
        args = ["domblklist", "vm"] + (["--inactive"] if inactive else [])
        out = self.daemon.virsh(*args).stdout
        return dict(line.split() for line in out.strip().splitlines())

    def test_both_switch(self):
        self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only", "--atomic",
                          "--no-metadata")
        expected = {"vda": os.path.join(self.images, "a.s1"),
                    "vdb": os.path.join(self.images, "b.s1")}
        self.assertEqual(self.sources(), expected)
        self.assertEqual(self.sources(inactive=True), expected)

    def test_second_disk_fails(self):
        ova = os.path.join(self.images, "ova.qcow2")
        proc = self.daemon.virsh("snapshot-create-as", "vm", "--disk-only", "--atomic",
                                 "--no-metadata", "--diskspec", "vda,file=" + ova,
                                 "--diskspec", "vdb,file=/nonexistent-dir/ovb.qcow2",
                                 check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cannot create snapshot image '/nonexistent-dir/ovb.qcow2' for disk "
                      "'vdb'", proc.stderr)
        self.assertFalse(os.path.exists(ova))
        self.assertEqual(sorted(os.listdir(self.images)), ["a.qcow2", "b.qcow2"])
        self.assertEqual(self.sources(), {"vda": self.a, "vdb": self.b})
        self.assertEqual(self.sources(inactive=True), {"vda": self.a, "vdb": self.b})
        # and the domain still snapshots fine afterwards
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--disk-only", "--atomic",
                          "--no-metadata", "--diskspec", "vda,file=" + ova,
                          "--diskspec", "vdb,snapshot=no")
        self.assertEqual(self.sources(), {"vda": ova, "vdb": self.b})

    def test_second_disk_fails_shut_off(self):
        self.daemon.virsh("destroy", "vm")
        ova = os.path.join(self.images, "ova.qcow2")
        proc = self.daemon.virsh("snapshot-create-as", "vm", "--disk-only", "--atomic",
                                 "--no-metadata", "--diskspec", "vda,file=" + ova,
                                 "--diskspec", "vdb,file=/nonexistent-dir/ovb.qcow2",
                                 check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cannot create snapshot image", proc.stderr)
        self.assertEqual(sorted(os.listdir(self.images)), ["a.qcow2", "b.qcow2"])
        self.assertEqual(self.sources(inactive=True), {"vda": self.a, "vdb": self.b})


class DiskSnapshotAttributeTest(vbtest.DaemonTestCase):
    """<disk snapshot='...'> of the domain decides for the disks a snapshot
    does not name, as in libvirt: 'no' leaves the disk out, 'internal' is
    refused as an internal snapshot is."""

    def setUp(self):
        super().setUp()
        self.a = os.path.join(self.images, "a.qcow2")
        self.b = os.path.join(self.images, "b.qcow2")
        for path in (self.a, self.b):
            vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "16M"])

    def define_with(self, location):
        xml = vbtest.domain_xml("vm", [("vda", self.a), ("vdb", self.b)])
        disk = ("<disk type='file' device='disk'>\n"
                "      <driver name='qemu' type='qcow2'/>\n"
                "      <source file='%s'/>" % self.b)
        self.assertIn(disk, xml)
        xml = xml.replace(disk, disk.replace("device='disk'>",
                                             "device='disk' snapshot='%s'>" % location))
        xmlpath = os.path.join(self.tmp, "vm.xml")
        with open(xmlpath, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", xmlpath)
        self.daemon.virsh("start", "vm")

    def sources(self, inactive=False):
        args = ["domblklist", "vm"] + (["--inactive"] if inactive else [])
        out = self.daemon.virsh(*args).stdout
        return dict(line.split() for line in out.strip().splitlines())

    def test_snapshot_no_left_out(self):
        self.define_with("no")
        self.assertIn("snapshot='no'", self.daemon.virsh("dumpxml", "vm").stdout)
        self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only", "--atomic",
                          "--no-metadata")
        expected = {"vda": os.path.join(self.images, "a.s1"), "vdb": self.b}
        self.assertEqual(self.sources(), expected)
        self.assertEqual(self.sources(inactive=True), expected)
        self.assertEqual(sorted(os.listdir(self.images)), ["a.qcow2", "a.s1", "b.qcow2"])
        # a snapshot that names the disk still takes it
        self.daemon.virsh("snapshot-create-as", "vm", "s2", "--disk-only", "--atomic",
                          "--no-metadata", "--diskspec", "vdb,snapshot=external")
        self.assertEqual(self.sources()["vdb"], os.path.join(self.images, "b.s2"))

    def test_snapshot_internal_refused(self):
        self.define_with("internal")
        proc = self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only", "--atomic",
                                 "--no-metadata", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("only external disk snapshots are supported; disk 'vdb' requested "
                      "'internal'", proc.stderr)
        self.assertEqual(sorted(os.listdir(self.images)), ["a.qcow2", "b.qcow2"])
        self.assertEqual(self.sources(), {"vda": self.a, "vdb": self.b})


class ShutOffSnapshotTest(SnapshotBase):
    start = False

    def test_default_name(self):
        before = self.save_expected("before.raw")
        name = self.snapshot_name(self.snapshot("--disk-only", "--atomic", "--no-metadata"))
        overlay = os.path.join(self.images, "top." + name)
        self.assert_overlay(overlay, self.chain.top)
        self.assertEqual(self.sources(inactive=True), {"vda": overlay})
        # as libvirtd 9.0: only the source replaced
        self.assertEqual(self.stated(), [overlay])
        self.assertEqual(self.daemon.virsh("domstate", "vm").stdout.strip(), "shut off")
        # it starts on the overlay, with the chain probed from the headers
        self.daemon.virsh("start", "vm")
        self.assertEqual(self.live_chain(), [overlay, self.chain.top, self.chain.base])
        self.guest_write(0x44, 20 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(overlay, self.expected))
        self.assertTrue(vbtest.images_identical(self.chain.top, before))

    def test_diskspec_file(self):
        overlay = os.path.join(self.images, "off.qcow2")
        self.snapshot("--disk-only", "--atomic", "--no-metadata",
                      "--diskspec", "vda,file=" + overlay)
        self.assert_overlay(overlay, self.chain.top)
        self.assertEqual(self.sources(inactive=True), {"vda": overlay})

    def test_refused_existing_overlay(self):
        overlay = os.path.join(self.images, "exists.qcow2")
        open(overlay, "w").close()
        self.assert_refused(["--disk-only", "--no-metadata", "--diskspec",
                             "vda,file=" + overlay], "already exists")

    def test_refused_during_offline_job(self):
        # a slow commit in the storage daemon holds the images
        self.dom.blockCommit("vda", None, None, 1, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
        self.assert_refused(["--disk-only", "--no-metadata"],
                            "cannot snapshot domain 'vm' while block job "
                            "'commit-vda-libvirt-1-format' runs on its disk 'vda'")
        self.dom.blockJobAbort("vda", 0)
        name = self.snapshot_name(self.snapshot("--disk-only", "--no-metadata"))
        self.assertEqual(self.sources(inactive=True),
                         {"vda": os.path.join(self.images, "top." + name)})


class StatedChainTest(SnapshotBase):
    """A definition that states the chain keeps it, below the overlay."""

    start = False

    def setUp(self):
        super().setUp()
        xml = vbtest.domain_xml("vm2", [("vda", self.chain.top)]).replace(
            "<source file='%s'/>" % self.chain.top,
            "<source file='%s'/>\n      <backingStore type='file'><format type='qcow2'/>"
            "<source file='%s'/><backingStore/></backingStore>"
            % (self.chain.top, self.chain.base))
        path = os.path.join(self.tmp, "vm2.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("undefine", "vm")
        self.daemon.virsh("define", path)

    def inactive_chain(self):
        root = ET.fromstring(self.daemon.virsh("dumpxml", "vm2", "--inactive").stdout)
        node = root.find("devices/disk")
        chain = []
        while node is not None and node.find("source") is not None:
            chain.append(node.find("source").get("file"))
            node = node.find("backingStore")
        return chain

    def test_shut_off(self):
        self.daemon.virsh("snapshot-create-as", "vm2", "s1", "--disk-only", "--no-metadata")
        overlay = os.path.join(self.images, "top.s1")
        self.assertEqual(self.inactive_chain(), [overlay, self.chain.top, self.chain.base])

    def test_running(self):
        self.daemon.virsh("start", "vm2")
        self.daemon.virsh("snapshot-create-as", "vm2", "s1", "--disk-only", "--no-metadata")
        overlay = os.path.join(self.images, "top.s1")
        self.assertEqual(self.inactive_chain(), [overlay, self.chain.top, self.chain.base])
        self.daemon.virsh("destroy", "vm2")
        self.daemon.virsh("start", "vm2")
        self.assertEqual(self.inactive_chain(), [overlay, self.chain.top, self.chain.base])


class BitmapSnapshotTest(SnapshotBase):
    start = False

    def test_recording_bitmap_carried(self):
        vbtest.run(["qemu-img", "bitmap", "--add", "-g", "128K", self.chain.top, "backup0"])
        vbtest.run(["qemu-img", "bitmap", "--add", "--disable", self.chain.top, "stopped"])
        self.daemon.virsh("start", "vm")
        self.snapshot("s1", "--disk-only", "--atomic", "--no-metadata")
        overlay = os.path.join(self.images, "top.s1")

        out = self.daemon.virsh("qemu-monitor-command", "vm",
                                '{"execute":"query-named-block-nodes",'
                                '"arguments":{"flat":true}}').stdout
        nodes = json.loads(out)["return"]
        node = next(n for n in nodes if n["drv"] == "qcow2" and n["file"] == overlay)
        bitmaps = {b["name"]: b for b in node.get("dirty-bitmaps", [])}
        self.assertEqual(sorted(bitmaps), ["backup0"])
        self.assertTrue(bitmaps["backup0"]["recording"])
        self.assertTrue(bitmaps["backup0"]["persistent"])
        self.assertEqual(bitmaps["backup0"]["granularity"], 128 * 1024)
        # the old image keeps its bitmaps as they were
        old = next(n for n in nodes if n["drv"] == "qcow2" and n["file"] == self.chain.top)
        self.assertEqual(sorted(b["name"] for b in old["dirty-bitmaps"]),
                         ["backup0", "stopped"])

        self.daemon.virsh("destroy", "vm")
        info = json.loads(vbtest.run(["qemu-img", "info", "--output=json", overlay]).stdout)
        stored = info["format-specific"]["data"].get("bitmaps", [])
        self.assertEqual([(b["name"], b["granularity"]) for b in stored],
                         [("backup0", 128 * 1024)])


class FailureUndoTest(SnapshotBase):
    """Failures after the files exist: QEMU refuses the new node, or the
    transaction.  A qemu-img wrapper makes the overlay it is asked for
    unusable, by name, so the failure is certain and lands where we want."""

    start = False

    FAKE_QEMU_IMG = """#!/bin/sh
# qemu-img create, then spoil the overlay (the last argument, /dev/fd/3:
# the daemon passes the file it created) by its name
for last in "$@"; do :; done
case "$(readlink /proc/self/fd/3)" in
*garbage*)
    /usr/bin/qemu-img "$@" || exit $?
    echo "not an image" > "$last" ;;
*bitmapped*)
    # same bitmap name as in the top: block-dirty-bitmap-add must fail
    /usr/bin/qemu-img create -q -f qcow2 "$last" 64M || exit $?
    /usr/bin/qemu-img bitmap --add "$last" backup0 || exit $?
    /usr/bin/qemu-img rebase -u -F qcow2 -b "$TOP" "$last" ;;
*)
    exec /usr/bin/qemu-img "$@" ;;
esac
"""

    def setUp(self):
        super().setUp()
        fake = os.path.join(self.tmp, "fake-qemu-img")
        with open(fake, "w") as fh:
            fh.write(self.FAKE_QEMU_IMG)
        os.chmod(fake, 0o755)
        for key, value in (("VIRTBLOCKD_QEMU_IMG", fake), ("TOP", self.chain.top)):
            os.environ[key] = value
            self.addCleanup(os.environ.pop, key, None)
        self.daemon.stop()
        self.daemon.start()
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")
        vbtest.run(["qemu-img", "bitmap", "--add", self.chain.top, "backup0"])
        self.daemon.virsh("start", "vm")

    def node_files(self):
        out = self.daemon.virsh("qemu-monitor-command", "vm",
                                '{"execute":"query-named-block-nodes",'
                                '"arguments":{"flat":true}}').stdout
        return sorted(n["file"] for n in json.loads(out)["return"])

    def assert_undone(self, overlay, message):
        nodes = self.node_files()
        before = (self.images_listing(), self.sources(), self.sources(inactive=True),
                  self.live_chain())
        proc = self.snapshot("--disk-only", "--atomic", "--no-metadata",
                             "--diskspec", "vda,file=" + overlay, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(message, proc.stderr)
        self.assertFalse(os.path.exists(overlay))
        self.assertEqual((self.images_listing(), self.sources(), self.sources(inactive=True),
                          self.live_chain()), before)
        # no node of the overlay is left in QEMU
        self.assertEqual(self.node_files(), nodes)
        # the guest still writes to its old image
        self.guest_write(0x71, 30 * MiB, MiB)
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.top, self.expected))

    def test_blockdev_add_fails(self):
        self.assert_undone(os.path.join(self.images, "garbage.qcow2"),
                           "Image is not in qcow2 format")

    def test_transaction_fails(self):
        self.assert_undone(os.path.join(self.images, "bitmapped.qcow2"),
                           "Bitmap already exists: backup0")


class RestartTest(SnapshotBase):
    def test_daemon_restart_keeps_chain(self):
        self.snapshot("s1", "--disk-only", "--atomic", "--no-metadata")
        overlay = os.path.join(self.images, "top.s1")
        self.daemon.kill9()
        self.daemon.start()
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")
        self.assertEqual(self.live_chain(), [overlay, self.chain.top, self.chain.base])
        self.guest_write(0x29, 50 * MiB, MiB)
        proc = self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot",
                                 quiet=False)
        self.assertIn("Successfully pivoted", proc.stdout)
        self.assertEqual(self.live_chain(), [self.chain.base])
        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.chain.base, self.expected))

    def test_transient_domain(self):
        self.daemon.virsh("destroy", "vm")
        xml = self.daemon.virsh("dumpxml", "vm").stdout
        self.daemon.virsh("undefine", "vm")
        path = os.path.join(self.tmp, "transient.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("create", path)
        self.dom = self.conn.lookupByName("vm")
        self.snapshot("t1", "--disk-only", "--atomic", "--no-metadata")
        overlay = os.path.join(self.images, "top.t1")
        self.assertEqual(self.sources(), {"vda": overlay})
        self.assertEqual(self.live_chain(), [overlay, self.chain.top, self.chain.base])


class BackupLoopTest(SnapshotBase):
    """What backup tools run (clients-and-asks.md): snapshot, copy the
    now read-only image, let the guest write, commit the overlay back."""

    def setUp(self):
        vbtest.DaemonTestCase.setUp(self)
        self.disk = os.path.join(self.images, "disk.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", self.disk, "128M"])
        vbtest.Chain.write(self.disk, 0x01, 0, 4 * MiB)
        self.expected = os.path.join(self.tmp, "expected.raw")
        vbtest.run(["qemu-img", "convert", "-O", "raw", self.disk, self.expected])
        # the incremental backup bitmap the rounds must keep up to date
        vbtest.run(["qemu-img", "bitmap", "--add", self.disk, "inc0"])
        self.define("vm", [("vda", self.disk)])
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")
        self.backups = os.path.join(self.tmp, "backups")
        os.mkdir(self.backups)

    def bitmap(self, path, name):
        out = self.daemon.virsh("qemu-monitor-command", "vm",
                                '{"execute":"query-named-block-nodes",'
                                '"arguments":{"flat":true}}').stdout
        node = next(n for n in json.loads(out)["return"]
                    if n["drv"] == "qcow2" and n["file"] == path)
        return next((b for b in node.get("dirty-bitmaps", []) if b.get("name") == name), None)

    ROUNDS = 20

    def test_twenty_rounds(self):
        dirty = 0
        for rnd in range(1, self.ROUNDS + 1):
            seen = self.save_expected("seen-%d.raw" % rnd)
            name = "round%d" % rnd
            self.snapshot(name, "--disk-only", "--atomic", "--no-metadata")
            overlay = os.path.join(self.images, "disk." + name)
            self.assertEqual(self.live_chain(), [overlay, self.disk])

            backup = os.path.join(self.backups, "disk-%d.qcow2" % rnd)
            shutil.copyfile(self.disk, backup)
            self.assertTrue(vbtest.images_identical(backup, seen),
                            "round %d: the backup differs from what the guest saw" % rnd)

            # writes in both halves, never overlapping another round's, so
            # that the bitmap's count adds up exactly
            self.guest_write(0x10 + rnd, rnd * 3 * MiB, 2 * MiB)
            self.guest_write(0x80 + rnd, 64 * MiB + rnd * MiB, 512 * 1024)
            dirty += 2 * MiB + 512 * 1024
            carried = self.bitmap(overlay, "inc0")
            self.assertIsNotNone(carried, "round %d: bitmap not in the overlay" % rnd)
            self.assertTrue(carried["recording"])
            self.assertEqual(carried["count"], 2 * MiB + 512 * 1024)

            proc = self.daemon.virsh("blockcommit", "vm", "vda", "--active", "--pivot",
                                     quiet=False)
            self.assertIn("Successfully pivoted", proc.stdout)
            self.assertEqual(self.live_chain(), [self.disk])
            self.assertEqual(self.sources(), {"vda": self.disk})
            self.assertEqual(self.sources(inactive=True), {"vda": self.disk})
            # the commit folded the overlay's bitmap back: every write counted
            merged = self.bitmap(self.disk, "inc0")
            self.assertTrue(merged["recording"])
            self.assertEqual(merged["count"], dirty, "round %d" % rnd)

        self.daemon.virsh("destroy", "vm")
        self.assertTrue(vbtest.images_identical(self.disk, self.expected))
        vbtest.run(["qemu-img", "check", "-q", self.disk])
        # every backup still shows its round's state
        for rnd in range(1, self.ROUNDS + 1):
            self.assertTrue(vbtest.images_identical(
                os.path.join(self.backups, "disk-%d.qcow2" % rnd),
                os.path.join(self.tmp, "seen-%d.raw" % rnd)))


NOBODY = 65534


class OverlayRaceTest(SnapshotBase):
    """An unprivileged user racing the daemon in the overlay's directory:
    as soon as the new overlay appears, it renames a symbolic link to a
    root-owned file over it (issue 15, finding 1).  In a 0777 directory
    the snapshot is refused up front; in a 1777 one (as /tmp) it may go
    through, but the file QEMU and the definition get is the daemon's own.
    Either way the victim is untouched and never becomes a layer."""

    start = False
    TRIES = 8

    def setUp(self):
        super().setUp()
        os.chmod(self.tmp, 0o711)    # nobody may reach the shared directories
        self.victim = os.path.join(self.tmp, "victim")
        with open(self.victim, "wb") as fh:
            fh.write(os.urandom(256 * 1024))
        os.chmod(self.victim, 0o644)
        with open(self.victim, "rb") as fh:
            self.victim_data = fh.read()

    def shared_dir(self, name, mode):
        path = os.path.join(self.tmp, name)
        os.mkdir(path)
        os.chmod(path, mode)
        return path

    def start_racer(self, directory):
        """A child under uid nobody swapping every new file in @directory
        for a link to the victim, until killed."""
        pid = os.fork()
        if pid == 0:
            try:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                link = os.path.join(directory, ".link")
                while True:
                    for name in os.listdir(directory):
                        path = os.path.join(directory, name)
                        try:
                            st = os.lstat(path)
                            if stat.S_ISREG(st.st_mode) and st.st_uid != NOBODY:
                                if not os.path.islink(link):
                                    os.symlink(self.victim, link)
                                os.rename(link, path)
                        except OSError:
                            pass
            finally:
                os._exit(0)

        def stop():
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self.addCleanup(stop)

    def snapshot_xml(self, name, overlay):
        return ("<domainsnapshot><name>%s</name><disks><disk name='vda' snapshot='external'>"
                "<source file='%s'/></disk></disks></domainsnapshot>" % (name, overlay))

    def assert_victim_safe(self):
        with open(self.victim, "rb") as fh:
            self.assertEqual(fh.read(), self.victim_data)
        chains = [vbtest.disk_chain(self.dom.XMLDesc(0)),
                  vbtest.disk_chain(self.dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))]
        for chain in chains:
            for path in chain:
                self.assertFalse(os.path.islink(path), path)
                self.assertNotEqual(os.path.realpath(path), self.victim)

    def race(self, mode):
        directory = self.shared_dir("shared%o" % mode, mode)
        self.start_racer(directory)
        outcomes = []
        for i in range(self.TRIES):
            overlay = os.path.join(directory, "x%d.qcow2" % i)
            try:
                self.dom.snapshotCreateXML(self.snapshot_xml("s%d" % i, overlay), SNAP_FLAGS)
                outcomes.append(None)
                self.assertFalse(os.path.islink(overlay))
                self.assertEqual(self.sources()["vda"], overlay)
            except libvirt.libvirtError as e:
                outcomes.append(e)
            self.assert_victim_safe()
        return outcomes

    def assert_refused_world_writable(self):
        for e in self.race(0o777):
            self.assertIsNotNone(e, "snapshot in a 0777 directory was not refused")
            self.assertEqual(e.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
            self.assertIn("can be written by other users", str(e))
        self.assertEqual(self.sources(), {"vda": self.chain.top})

    def assert_sticky_safe(self):
        outcomes = self.race(0o1777)
        # the racer cannot rename over the daemon's file in a sticky
        # directory: every snapshot goes through on the daemon's own file
        self.assertEqual(outcomes, [None] * self.TRIES)

    def test_world_writable_shut_off(self):
        self.assert_refused_world_writable()

    def test_sticky_shut_off(self):
        self.assert_sticky_safe()
        self.daemon.virsh("start", "vm")
        self.assert_victim_safe()

    def test_world_writable_running(self):
        self.daemon.virsh("start", "vm")
        self.assert_refused_world_writable()

    def test_sticky_running(self):
        self.daemon.virsh("start", "vm")
        self.assert_sticky_safe()

    def test_symlink_refused(self):
        """A reused overlay that is a link is refused, naming it."""
        link = os.path.join(self.images, "link.qcow2")
        os.symlink(self.victim, link)
        self.assert_refused_api(self.snapshot_xml("l", link),
                                SNAP_FLAGS | libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT,
                                "is a symbolic link", libvirt.VIR_ERR_OPERATION_INVALID)

    def test_foreign_directory_refused(self):
        """A directory owned by another user, even 0755, is theirs to swap in."""
        directory = self.shared_dir("foreign", 0o755)
        os.chown(directory, NOBODY, NOBODY)
        self.assert_refused_api(self.snapshot_xml("f", os.path.join(directory, "o.qcow2")),
                                SNAP_FLAGS, "can be written by other users",
                                libvirt.VIR_ERR_OPERATION_INVALID)
        self.assertEqual(os.listdir(directory), [])

    def test_world_writable_ancestor_refused(self):
        """A 0777 directory above, or a link in one, lets another user put
        a directory of theirs in place: refused, naming it."""
        outer = self.shared_dir("outer", 0o777)
        inner = os.path.join(outer, "inner")
        os.mkdir(inner, 0o755)
        link = os.path.join(outer, "link")
        os.symlink(self.images, link)
        for directory in (inner, link):
            self.assert_refused_api(
                self.snapshot_xml("a", os.path.join(directory, "o.qcow2")), SNAP_FLAGS,
                "directory '%s' on the path of snapshot image" % outer,
                libvirt.VIR_ERR_OPERATION_INVALID)
        self.assertEqual(sorted(os.listdir(outer)), ["inner", "link"])
        self.assertEqual(os.listdir(inner), [])

    def test_foreign_link_in_sticky_refused(self):
        """A link another user owns in a sticky directory (as /tmp): they
        may remove it and point a new one at a directory of theirs after
        the checks, so it is refused, naming it, and nothing is created
        where it points now."""
        sticky = self.shared_dir("sticky", 0o1777)
        link = os.path.join(sticky, "link")
        os.symlink(self.images, link)
        os.lchown(link, NOBODY, NOBODY)
        self.assert_refused_api(
            self.snapshot_xml("k", os.path.join(link, "o.qcow2")), SNAP_FLAGS,
            "symbolic link '%s' on the path of snapshot image" % link,
            libvirt.VIR_ERR_OPERATION_INVALID)


class LoopingChainTest(SnapshotBase):
    """A shut-off domain whose chain loops (A -> B -> A): the snapshot is
    refused at once with the error a start gives, and nothing is written
    (issue 15, finding 5)."""

    start = False

    def test_loop_refused(self):
        a, b = self.chain.top, self.chain.base
        vbtest.run(["qemu-img", "rebase", "-u", "-F", "qcow2", "-b", a, b])
        with open(a, "rb") as fh:
            data_a = fh.read()
        with open(b, "rb") as fh:
            data_b = fh.read()
        start = self.daemon.virsh("start", "vm", check=False)
        self.assertNotEqual(start.returncode, 0)
        self.assertIn("is a loop", start.stderr)
        overlay = os.path.join(self.images, "ov.qcow2")
        t0 = time.monotonic()
        proc = self.assert_refused(["--disk-only", "--atomic", "--no-metadata",
                                    "--diskspec", "vda,file=" + overlay],
                                   "is a loop")
        self.assertLess(time.monotonic() - t0, 20)
        self.assertEqual(proc.stderr.strip().splitlines()[-1],
                         start.stderr.strip().splitlines()[-1])
        self.assertFalse(os.path.exists(overlay))
        for path, data in ((a, data_a), (b, data_b)):
            with open(path, "rb") as fh:
                self.assertEqual(fh.read(), data)


class HelperTimeoutTest(SnapshotBase):
    """A qemu-img that never finishes: killed with its process group at
    the timeout, the error names it, the overlay is removed and the
    domain's job is released (issue 15, finding 5)."""

    start = False
    FAKE = """#!/bin/sh
echo $$ >> "%(pids)s"
sleep 600 &
echo $! >> "%(pids)s"
exec sleep 600
"""

    def setUp(self):
        super().setUp()
        self.pids = os.path.join(self.tmp, "pids")
        self.fake = os.path.join(self.tmp, "hanging-qemu-img")
        with open(self.fake, "w") as fh:
            fh.write(self.FAKE % {"pids": self.pids})
        os.chmod(self.fake, 0o755)
        for key, value in (("VIRTBLOCKD_QEMU_IMG", self.fake),
                           ("VIRTBLOCKD_HELPER_TIMEOUT", "2")):
            os.environ[key] = value
            self.addCleanup(os.environ.pop, key, None)
        self.daemon.stop()
        self.daemon.start()
        self.conn = libvirt.open(self.daemon.uri)
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName("vm")

    def test_timeout(self):
        overlay = os.path.join(self.images, "ov.qcow2")
        xml = ("<domainsnapshot><disks><disk name='vda' snapshot='external'>"
               "<source file='%s'/></disk></disks></domainsnapshot>" % overlay)
        # twice: the second would wait for the job if the first kept it
        for _ in range(2):
            t0 = time.monotonic()
            self.assert_refused_api(xml, SNAP_FLAGS, "did not finish within 2 seconds",
                                    libvirt.VIR_ERR_OPERATION_TIMEOUT)
            self.assertLess(time.monotonic() - t0, 20)
        with self.assertRaises(libvirt.libvirtError) as cm:
            self.dom.snapshotCreateXML(xml, SNAP_FLAGS)
        self.assertIn(self.fake, str(cm.exception))
        self.assertFalse(os.path.exists(overlay))
        with open(self.pids) as fh:
            pids = [int(p) for p in fh.read().split()]
        self.assertEqual(len(pids), 6)
        for pid in pids:
            vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 10, "helper %d to die" % pid)


if __name__ == "__main__":
    vbtest.main()
