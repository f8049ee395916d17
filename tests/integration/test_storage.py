#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Directory storage pools and their volumes, driven by the stock virsh and
python3-libvirt: define, build, start, autostart, list, info, XML, volume
create (qcow2 on a backing volume, raw), lookups, delete, destroy, pool
delete and undefine, with a daemon restart in the middle; created images checked with
qemu-img; the XML compared with what libvirtd 9.0 writes for the same pool
and volumes when the system's libvirtd answers; and virt-install learning
a disk's format through a pool it makes."""

import json
import os
import re
import shutil
import subprocess

import libvirt

import vbtest

MiB = 1024 * 1024


def qemu_img_info(path):
    out = vbtest.run(["qemu-img", "info", "--output=json", "-U", path]).stdout
    return json.loads(out)


def mask(xml):
    """What differs by nature between two daemons: UUIDs, sizes, times,
    owners, and the directories the pools sit in."""
    xml = re.sub(r"<uuid>[^<]*</uuid>", "<uuid/>", xml)
    xml = re.sub(r"<(capacity|allocation|available|physical) unit='bytes'>\d+<",
                 r"<\1 unit='bytes'>N<", xml)
    xml = re.sub(r"<(atime|mtime|ctime)>[\d.]+<", r"<\1>T<", xml)
    xml = re.sub(r"<(owner|group)>\d+<", r"<\1>ID<", xml)
    return xml


class StorageTest(vbtest.DaemonTestCase):
    def v(self, *args, **kw):
        return self.daemon.virsh(*args, **kw)

    def pool_dir(self, name="d"):
        return os.path.join(self.tmp, "pools", name)

    def test_pool_and_volumes_with_virsh(self):
        target = self.pool_dir()
        self.v("pool-define-as", "sp", "dir", "--target", target)
        self.assertFalse(os.path.exists(target))
        proc = self.v("pool-start", "sp", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cannot open directory '%s'" % target, proc.stderr)
        self.v("pool-build", "sp")
        self.assertTrue(os.path.isdir(target))
        self.v("pool-start", "sp")
        self.v("pool-autostart", "sp")

        out = self.v("pool-list", "--all", "--details").stdout.split()
        self.assertEqual(out[:5], ["sp", "running", "yes", "yes", out[4]])
        info = self.v("pool-info", "sp").stdout
        self.assertRegex(info, r"State:\s+running")
        self.assertRegex(info, r"Autostart:\s+yes")
        xml = self.v("pool-dumpxml", "sp").stdout
        self.assertIn("<path>%s</path>" % target, xml)
        self.assertIn("<mode>0711</mode>", xml)

        # a qcow2 on a qcow2 backing volume, and a raw one
        self.v("vol-create-as", "sp", "base.qcow2", "10M", "--format", "qcow2")
        self.v("vol-create-as", "sp", "top.qcow2", "20M", "--format", "qcow2",
               "--backing-vol", "base.qcow2", "--backing-vol-format", "qcow2")
        self.v("vol-create-as", "sp", "r.img", "1M", "--format", "raw")
        top = os.path.join(target, "top.qcow2")
        base = os.path.join(target, "base.qcow2")
        info = qemu_img_info(top)
        self.assertEqual(info["format"], "qcow2")
        self.assertEqual(info["virtual-size"], 20 * MiB)
        self.assertEqual(info["backing-filename"], base)
        self.assertEqual(info["backing-filename-format"], "qcow2")
        self.assertEqual(qemu_img_info(base)["virtual-size"], 10 * MiB)
        raw = qemu_img_info(os.path.join(target, "r.img"))
        self.assertEqual((raw["format"], raw["virtual-size"]), ("raw", MiB))
        # as libvirt, a raw volume is allocated as asked: all of it here
        self.assertGreaterEqual(os.stat(os.path.join(target, "r.img")).st_blocks * 512, MiB)
        self.assertEqual(os.stat(top).st_mode & 0o777, 0o600)

        lines = self.v("vol-list", "--details", "sp").stdout.strip().splitlines()
        self.assertEqual([ln.split()[0] for ln in lines], ["base.qcow2", "r.img", "top.qcow2"])
        self.assertEqual(lines[2].split()[1:5], [top, "file", "20.00", "MiB"])
        vxml = self.v("vol-dumpxml", "--pool", "sp", "top.qcow2").stdout
        self.assertIn("<key>%s</key>" % top, vxml)
        self.assertIn("<format type='qcow2'/>", vxml)
        self.assertIn("<backingStore>\n    <path>%s</path>\n    <format type='qcow2'/>" % base,
                      vxml)
        self.assertIn("<capacity unit='bytes'>%d</capacity>" % (20 * MiB), vxml)
        self.assertRegex(self.v("vol-info", top).stdout, r"Capacity:\s+20.00 MiB")
        self.assertEqual(self.v("vol-path", "--pool", "sp", "r.img").stdout.strip(),
                         os.path.join(target, "r.img"))

        # refusals, each with libvirt's words, each changing nothing
        for args, msg in (
                (("vol-create-as", "sp", "base.qcow2", "1M"),
                 "storage volume 'base.qcow2' exists already"),
                (("vol-create-as", "sp", "a/b", "1M"), "volume name 'a/b' cannot contain '/'"),
                (("vol-create-as", "sp", "..", "1M"), "volume name '..' is not a valid file name"),
                (("vol-create-as", "sp", "x.img", "1M", "--format", "vmdk"),
                 "volume format 'vmdk' is not supported"),
                (("vol-create-as", "sp", "y.img", "1M", "--format", "raw",
                  "--backing-vol", "base.qcow2"), "backing storage not supported for raw volumes"),
                (("pool-define-as", "sp2", "dir", "--target", target),
                 "Storage source conflict with pool: 'sp'"),
                (("pool-define-as", "a/b", "dir", "--target", "/nowhere"),
                 "name a/b cannot contain '/'"),
                (("pool-define-as", "rel", "dir", "--target", "rel/dir"),
                 "storage pool target path 'rel/dir' must be absolute"),
                (("pool-define-as", "vg", "logical", "--target", "/dev/vg"),
                 "storage pool type 'logical' is not supported by virtblockd"),
                (("pool-undefine", "sp"), "storage pool 'sp' is still active"),
                (("pool-start", "sp"), "storage pool 'sp' is already active"),
                (("vol-info", "/nowhere/x.img"), "error: Storage volume not found: "
                 "no storage vol with matching path '/nowhere/x.img'"),
                (("pool-info", "nosuch"),
                 "error: Storage pool not found: no storage pool with matching name 'nosuch'")):
            proc = self.v(*args, check=False)
            self.assertNotEqual(proc.returncode, 0, args)
            self.assertIn(msg, proc.stderr, args)
        self.assertEqual(sorted(os.listdir(target)), ["base.qcow2", "r.img", "top.qcow2"])
        proc = self.v("pool-define-as", "x", "dir", "--target", "/tmp", check=False, ro=True)
        self.assertIn("read only access prevents virStoragePoolDefineXML", proc.stderr)

        # the pool, its autostart and its volumes outlive the daemon
        self.daemon.stop()
        self.daemon.start()
        out = self.v("pool-list", "--all", "--details").stdout.split()
        self.assertEqual(out[:4], ["sp", "running", "yes", "yes"])
        self.assertEqual(self.v("vol-list", "sp").stdout.split()[::2],
                         ["base.qcow2", "r.img", "top.qcow2"])

        self.v("vol-delete", "--pool", "sp", "top.qcow2")
        self.assertFalse(os.path.exists(top))
        self.v("pool-destroy", "sp")
        proc = self.v("vol-list", "sp", check=False)
        self.assertIn("storage pool 'sp' is not active", proc.stderr)
        out = self.v("pool-list", "--all").stdout.split()
        self.assertEqual(out, ["sp", "inactive", "yes"])
        self.v("pool-undefine", "sp")
        self.assertEqual(self.v("pool-list", "--all").stdout.strip(), "")
        # undefining leaves the files
        self.assertEqual(sorted(os.listdir(target)), ["base.qcow2", "r.img"])
        self.assertEqual(os.listdir(os.path.join(self.daemon.root, "config", "storage",
                                                 "autostart")), [])

    def test_restart_keeps_active_and_autostarts(self):
        for name in ("auto", "running", "transient", "stopped"):
            os.makedirs(self.pool_dir(name))
            if name != "transient":
                self.v("pool-define-as", name, "dir", "--target", self.pool_dir(name))
        self.v("pool-autostart", "auto")
        self.v("pool-start", "running")
        self.v("pool-create-as", "transient", "dir", "--target", self.pool_dir("transient"))
        self.daemon.stop()
        self.daemon.start()
        rows = [ln.split() for ln in self.v("pool-list", "--all").stdout.strip().splitlines()]
        self.assertEqual(rows, [["auto", "active", "yes"], ["running", "active", "no"],
                                ["stopped", "inactive", "no"], ["transient", "active", "no"]])
        self.v("pool-destroy", "transient")
        self.assertNotIn("transient", self.v("pool-list", "--all").stdout)

        # pool-delete removes an inactive pool's directory, only when empty
        self.v("pool-delete", "stopped")
        self.assertFalse(os.path.exists(self.pool_dir("stopped")))
        proc = self.v("pool-delete", "running", check=False)
        self.assertIn("storage pool 'running' is still active", proc.stderr)
        self.v("vol-create-as", "running", "keep.img", "1M")
        self.v("pool-destroy", "running")
        proc = self.v("pool-delete", "running", check=False)
        self.assertIn("failed to remove pool '%s': Directory not empty" % self.pool_dir("running"),
                      proc.stderr)
        self.assertEqual(os.listdir(self.pool_dir("running")), ["keep.img"])

    def test_create_never_writes_through_a_swapped_in_link(self):
        """Someone who may write the pool's directory replaces the file the
        daemon claimed with a symbolic link before qemu-img runs: qemu-img
        must still write the claimed file, never the link's target."""
        target = self.pool_dir()
        os.makedirs(target)
        victim = os.path.join(self.tmp, "victim")
        with open(victim, "w") as fh:
            fh.write("precious\n")
        wrapper = os.path.join(self.tmp, "qemu-img-swap")
        with open(wrapper, "w") as fh:
            fh.write("#!/bin/sh\nrm -f '%s/v'\nln -s '%s' '%s/v'\nexec qemu-img \"$@\"\n"
                     % (target, victim, target))
        os.chmod(wrapper, 0o755)
        os.environ["VIRTBLOCKD_QEMU_IMG"] = wrapper
        self.addCleanup(os.environ.pop, "VIRTBLOCKD_QEMU_IMG", None)
        self.daemon.stop()
        self.daemon.start()
        self.v("pool-create-as", "sp", "dir", "--target", target)
        for fmt in ("qcow2", "raw"):
            proc = self.v("vol-create-as", "sp", "v", "1M", "--format", fmt, check=False)
            self.assertNotEqual(proc.returncode, 0)
            with open(victim) as fh:
                self.assertEqual(fh.read(), "precious\n")
            self.assertEqual(os.readlink(os.path.join(target, "v")), victim)
            os.unlink(os.path.join(target, "v"))

    def test_restart_of_a_redefined_pool_whose_directory_went(self):
        """A pool redefined while it runs, whose running directory is gone
        when the daemon restarts: it stays inactive with the definition
        last given, not the one it ran with."""
        old, new = self.pool_dir("old"), self.pool_dir("new")
        os.makedirs(old)
        os.makedirs(new)
        self.v("pool-define-as", "sp", "dir", "--target", old)
        self.v("pool-start", "sp")
        xml = self.v("pool-dumpxml", "sp").stdout.replace(old, new)
        path = os.path.join(self.tmp, "sp.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.v("pool-define", path)
        self.daemon.stop()
        os.rmdir(old)
        self.daemon.start()
        self.assertRegex(self.v("pool-info", "sp").stdout, r"State: +inactive")
        self.assertIn("<path>%s</path>" % new, self.v("pool-dumpxml", "sp").stdout)
        self.v("pool-start", "sp")
        self.assertIn("<path>%s</path>" % new, self.v("pool-dumpxml", "sp").stdout)

    def test_refresh_of_a_pool_whose_directory_went_stops_it(self):
        """As libvirt: a refresh that cannot read the directory stops the
        pool (a transient one goes) instead of keeping a stale list."""
        for name in ("kept", "gone"):
            os.makedirs(self.pool_dir(name))
        self.v("pool-define-as", "kept", "dir", "--target", self.pool_dir("kept"))
        self.v("pool-start", "kept")
        self.v("pool-create-as", "gone", "dir", "--target", self.pool_dir("gone"))
        for name in ("kept", "gone"):
            os.rmdir(self.pool_dir(name))
            proc = self.v("pool-refresh", name, check=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("error: cannot open directory '%s': No such file or directory\n"
                          % self.pool_dir(name), proc.stderr)
        self.assertRegex(self.v("pool-info", "kept").stdout, r"State: +inactive")
        self.assertNotIn("gone", self.v("pool-list", "--all").stdout)

    def test_build_flags_as_libvirt(self):
        """libvirtd 9.0 refuses OVERWRITE with NO_OVERWRITE, and with either
        makes a dir pool's directory and fails: there is no device to
        format."""
        conn = libvirt.open(self.daemon.uri)
        self.addCleanup(conn.close)
        target = self.pool_dir()
        pool = conn.storagePoolDefineXML("<pool type='dir'><name>sp</name><target><path>%s"
                                         "</path></target></pool>" % target)
        with self.assertRaises(libvirt.libvirtError) as cm:
            pool.build(libvirt.VIR_STORAGE_POOL_BUILD_OVERWRITE |
                       libvirt.VIR_STORAGE_POOL_BUILD_NO_OVERWRITE)
        self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_INVALID_ARG)
        self.assertEqual(str(cm.exception), "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and "
                         "'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are mutually exclusive")
        self.assertFalse(os.path.exists(target))
        for flag in (libvirt.VIR_STORAGE_POOL_BUILD_OVERWRITE,
                     libvirt.VIR_STORAGE_POOL_BUILD_NO_OVERWRITE):
            with self.assertRaises(libvirt.libvirtError) as cm:
                pool.build(flag)
            self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_OPERATION_INVALID)
            self.assertEqual(str(cm.exception), "Requested operation is not valid: No source "
                             "device specified when formatting pool 'sp'")
            self.assertTrue(os.path.isdir(target))
        pool.build(0)

    def test_volume_whose_file_went_is_not_found(self):
        """As libvirt: info and XML of a volume whose file was removed
        behind the daemon's back are an error, not the sizes it had."""
        target = self.pool_dir()
        os.makedirs(target)
        self.v("pool-create-as", "sp", "dir", "--target", target)
        self.v("vol-create-as", "sp", "a", "1M")
        os.unlink(os.path.join(target, "a"))
        for cmd in ("vol-info", "vol-dumpxml"):
            proc = self.v(cmd, "--pool", "sp", "a", check=False)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("error: Storage volume not found: no storage vol with matching path "
                          "'%s'" % os.path.join(target, "a"), proc.stderr)

    def test_python_lookups(self):
        target = self.pool_dir()
        os.makedirs(target)
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", os.path.join(target, "a.qcow2"),
                    "64M"])
        with open(os.path.join(target, "fake.qcow2"), "wb") as fh:
            fh.write(b"QFI\xfb" + b"\0" * 100)   # the magic alone: raw
        os.symlink("/etc/passwd", os.path.join(target, "link"))
        os.mkdir(os.path.join(target, "subdir"))

        conn = libvirt.open(self.daemon.uri)
        try:
            self.assertEqual(conn.listAllStoragePools(), [])
            pool = conn.storagePoolDefineXML(
                "<pool type='dir'><name>p</name><target><path>%s/</path></target></pool>"
                % target)
            pool.create()
            pool.setAutostart(1)
            self.assertEqual((pool.isActive(), pool.isPersistent(), pool.autostart()), (1, 1, 1))
            self.assertEqual(pool.info()[0], libvirt.VIR_STORAGE_POOL_RUNNING)
            self.assertEqual(sorted(pool.listVolumes()), ["a.qcow2", "fake.qcow2"])
            self.assertEqual(pool.numOfVolumes(), 2)

            path = os.path.join(target, "a.qcow2")
            vol = conn.storageVolLookupByPath(path)
            self.assertEqual((vol.name(), vol.key(), vol.path()), ("a.qcow2", path, path))
            self.assertEqual(vol.info(), [libvirt.VIR_STORAGE_VOL_FILE, 64 * MiB,
                                          os.stat(path).st_blocks * 512])
            self.assertIn("<format type='qcow2'/>", vol.XMLDesc())
            self.assertEqual(vol.storagePoolLookupByVolume().name(), "p")
            self.assertEqual(conn.storageVolLookupByKey(path).name(), "a.qcow2")
            self.assertIn("<format type='raw'/>",
                          pool.storageVolLookupByName("fake.qcow2").XMLDesc())
            self.assertEqual(conn.storagePoolLookupByTargetPath(target).name(), "p")
            self.assertEqual(conn.storagePoolLookupByUUID(pool.UUID()).name(), "p")
            self.assertEqual([p.name() for p in conn.listAllStoragePools(
                libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART)], ["p"])
            self.assertEqual(conn.listAllStoragePools(
                libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_LOGICAL), [])
            self.assertEqual(conn.listStoragePools(), ["p"])
            self.assertEqual(conn.listDefinedStoragePools(), [])

            # a file added behind the pool's back shows after a refresh
            vbtest.run(["qemu-img", "create", "-q", "-f", "raw", os.path.join(target, "b.img"),
                        "1M"])
            with self.assertRaises(libvirt.libvirtError) as cm:
                conn.storageVolLookupByPath(os.path.join(target, "b.img"))
            self.assertEqual(cm.exception.get_error_code(), libvirt.VIR_ERR_NO_STORAGE_VOL)
            pool.refresh()
            self.assertEqual(conn.storageVolLookupByPath(os.path.join(target, "b.img")).name(),
                             "b.img")

            for call, code in (
                    (lambda: conn.storagePoolLookupByName("nope"), libvirt.VIR_ERR_NO_STORAGE_POOL),
                    (lambda: conn.storageVolLookupByPath("/etc/passwd"),
                     libvirt.VIR_ERR_NO_STORAGE_VOL),
                    (lambda: conn.storageVolLookupByPath(os.path.join(target, "link")),
                     libvirt.VIR_ERR_NO_STORAGE_VOL),
                    (lambda: conn.storagePoolDefineXML(
                        "<pool type='dir'><name>p</name><target><path>/q</path></target></pool>"),
                     libvirt.VIR_ERR_OPERATION_FAILED),
                    (lambda: conn.storagePoolDefineXML(
                        "<pool type='dir'><name>q</name><uuid>%s</uuid>"
                        "<target><path>/q</path></target></pool>" % pool.UUIDString()),
                     libvirt.VIR_ERR_OPERATION_FAILED),
                    (lambda: conn.storagePoolDefineXML(
                        "<pool type='dir'><name>..</name><target><path>/q</path></target></pool>"),
                     libvirt.VIR_ERR_XML_ERROR),
                    (lambda: pool.createXML(
                        "<volume><name>../x</name><capacity>1</capacity></volume>"),
                     libvirt.VIR_ERR_OPERATION_INVALID),
                    (lambda: pool.createXML(
                        "<volume><name>a.qcow2</name><capacity>1</capacity></volume>"),
                     libvirt.VIR_ERR_STORAGE_VOL_EXIST),
                    (lambda: pool.createXML(
                        "<volume><name>link</name><capacity>1</capacity></volume>"),
                     libvirt.VIR_ERR_OPERATION_INVALID),
                    (lambda: pool.createXML(
                        "<volume><name>big</name><capacity unit='EiB'>9</capacity></volume>"),
                     libvirt.VIR_ERR_OVERFLOW),
                    (lambda: pool.undefine(), libvirt.VIR_ERR_OPERATION_INVALID)):
                with self.assertRaises(libvirt.libvirtError) as cm:
                    call()
                self.assertEqual(cm.exception.get_error_code(), code, cm.exception)
            # the permissions asked, without the umask, never set-id bits
            pool.createXML("<volume><name>m.img</name><capacity>1024</capacity><target>"
                           "<permissions><mode>04660</mode><owner>%d</owner><group>%d</group>"
                           "</permissions></target></volume>" % (os.getuid(), os.getgid()))
            st = os.stat(os.path.join(target, "m.img"))
            self.assertEqual((st.st_mode & 0o7777, st.st_uid, st.st_gid),
                             (0o660, os.getuid(), os.getgid()))
            pool.storageVolLookupByName("m.img").delete()
            # the link and what it points to are untouched
            self.assertEqual(os.readlink(os.path.join(target, "link")), "/etc/passwd")
            self.assertEqual(sorted(os.listdir(target)),
                             ["a.qcow2", "b.img", "fake.qcow2", "link", "subdir"])
            pool.destroy()
            pool.undefine()
        finally:
            conn.close()

    def oracle(self, *args, check=True):
        return vbtest.run(["virsh", "-q", "-c", "qemu:///system"] + list(args), check=check)

    def test_xml_as_libvirtd_writes_it(self):
        if vbtest.run(["virsh", "-c", "qemu:///system", "uri"], check=False).returncode != 0:
            self.skipTest("the system's libvirtd does not answer")
        name = "storage-vbit-%d" % os.getpid()
        mine = self.pool_dir("mine")
        theirs = self.pool_dir("theirs")
        os.makedirs(mine)
        os.makedirs(theirs)
        self.oracle("pool-define-as", name, "dir", "--target", theirs)
        try:
            self.v("pool-define-as", name, "dir", "--target", mine)
            self.assertEqual(mask(self.oracle("pool-dumpxml", name).stdout.replace(theirs, mine)),
                             mask(self.v("pool-dumpxml", name).stdout))
            for virsh in (self.v, self.oracle):
                virsh("pool-start", name)
                virsh("vol-create-as", name, "base.qcow2", "10M", "--format", "qcow2")
                virsh("vol-create-as", name, "top.qcow2", "20M", "--format", "qcow2",
                      "--backing-vol", "base.qcow2", "--backing-vol-format", "qcow2")
                virsh("vol-create-as", name, "r.img", "1M", "--format", "raw")
            self.assertEqual(mask(self.oracle("pool-dumpxml", name).stdout.replace(theirs, mine)),
                             mask(self.v("pool-dumpxml", name).stdout))
            for vol in ("top.qcow2", "r.img"):
                self.assertEqual(
                    mask(self.oracle("vol-dumpxml", "--pool", name, vol).stdout
                         .replace(theirs, mine)),
                    mask(self.v("vol-dumpxml", "--pool", name, vol).stdout))
        finally:
            self.oracle("pool-destroy", name, check=False)
            self.oracle("pool-undefine", name, check=False)

    def test_virt_install_learns_the_format(self):
        if not shutil.which("virt-install"):
            self.skipTest("virt-install is not installed")
        disks = os.path.join(self.tmp, "vm disks")
        os.makedirs(disks)
        disk = os.path.join(disks, "a.qcow2")
        vbtest.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"])
        proc = vbtest.run(["virt-install", "--connect", self.daemon.uri, "--name", "vi",
                           "--memory", "256", "--import", "--disk", disk,
                           "--osinfo", "debian11", "--virt-type", "qemu", "--network", "none",
                           "--graphics", "none", "--noautoconsole", "--print-xml"],
                          env=dict(os.environ, HOME=self.tmp), timeout=300)
        self.assertRegex(proc.stdout, r'<driver name="qemu" type="qcow2"/>')
        self.assertIn('<source file="%s"/>' % disk, proc.stdout)
        # the pool it made for the directory: started, autostarted
        rows = self.v("pool-list", "--all").stdout.split()
        self.assertEqual(rows, ["vm_disks", "active", "yes"])
        self.assertEqual(self.v("vol-list", "vm_disks").stdout.split(None, 1),
                         ["a.qcow2", disk + "\n"])


if __name__ == "__main__":
    vbtest.main()
