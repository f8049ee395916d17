#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""File ownership under confinement: with ROOT/qemu.conf naming an
unprivileged user (virtblockd-qemu, or Debian libvirt's libvirt-qemu:kvm),
each file QEMU opens is given to that user while the domain runs and given back exactly (owner
and mode, no attribute left) when it stops: after a destroy, after a
SIGKILL of QEMU, after a SIGKILL of the daemon and a restart.  Two
domains sharing a backing image keep it until the last stops; a chain
reaching /etc/shadow is refused without touching it; snapshot overlays and
block commit keep working, their images labelled and restored.

Needs root (the daemon chowns), and the user virtblockd-qemu (or libvirt-qemu)."""

import os
import grp
import pwd
import re
import shutil
import signal
import stat
import tempfile

import vbguest
import vbtest
from test_realguest import FILL, WRITER, guest_xml

# The package's user (scripts/install-deps.sh creates it, so CI always has
# it), else Debian libvirt's: a test that skipped on CI would prove nothing.
QEMU_IDENTITIES = (("virtblockd-qemu", "virtblockd-qemu"), ("libvirt-qemu", "kvm"))
XATTR_PREFIX = "trusted.virtblockd.security."


def ident(path):
    sb = os.stat(path)
    return (sb.st_uid, sb.st_gid, stat.S_IMODE(sb.st_mode))


def our_xattrs(path):
    return [name for name in os.listxattr(path) if name.startswith(XATTR_PREFIX)]


class OwnershipTest(vbtest.DaemonTestCase):

    def setUp(self):
        for user, group in QEMU_IDENTITIES:
            try:
                self.uid = pwd.getpwnam(user).pw_uid
                self.gid = grp.getgrnam(group).gr_gid
            except KeyError:
                continue
            self.user, self.group = user, group
            break
        else:
            self.skipTest("no user of %s" % (QEMU_IDENTITIES,))
        if os.geteuid() != 0:
            self.skipTest("needs root")
        if vbtest.SKIP_NO_QEMU:
            self.skipTest("QEMU is not installed")
        self.tmp = tempfile.mkdtemp(prefix="vbit-")
        # QEMU's user passes through the test's directories and the root
        os.chmod(self.tmp, 0o711)
        self.images = os.path.join(self.tmp, "images")
        os.mkdir(self.images, 0o755)
        root = os.path.join(self.tmp, "root")
        os.mkdir(root, 0o711)
        with open(os.path.join(root, "qemu.conf"), "w") as fh:
            fh.write('user = "%s"\ngroup = "%s"\ndynamic_ownership = 1\n'
                     'remember_owner = 1\n' % (self.user, self.group))
        self.daemon = vbtest.Daemon(root)
        self.extra_logs = []
        self.addCleanup(self._cleanup)
        self.daemon.start()

    def image(self, name, backing=None, backing_fmt="qcow2", mode=0o600, owner=(0, 0)):
        path = os.path.join(self.images, name)
        cmd = ["qemu-img", "create", "-q", "-f", "qcow2"]
        if backing:
            cmd += ["-u", "-b", backing, "-F", backing_fmt]
        vbtest.run(cmd + [path, "64M"])
        os.chown(path, *owner)
        os.chmod(path, mode)
        return path

    def assertQemus(self, *paths):
        for path in paths:
            uid, gid, _ = ident(path)
            self.assertEqual((uid, gid), (self.uid, self.gid), "%s is not QEMU's" % path)

    def assertRestored(self, before):
        for path, want in before.items():
            self.assertEqual(ident(path), want, "%s not given back" % path)
            self.assertEqual(our_xattrs(path), [], "%s keeps labels" % path)

    def qemu_pid(self, name):
        pids = self.daemon.qemu_pids()
        self.assertEqual(len(pids), 1)
        return pids[0]

    def test_running_then_destroyed(self):
        base = self.image("base.qcow2", mode=0o600)
        top = self.image("top.qcow2", base, mode=0o640, owner=(0, 0))
        before = {base: ident(base), top: ident(top)}
        self.define("vm", [("vda", top)])
        self.assertQemus(base, top)
        self.assertEqual(ident(top)[2], 0o640)   # the mode is never changed
        self.daemon.virsh("destroy", "vm")
        self.assertRestored(before)

    def test_other_owner_restored(self):
        top = self.image("top.qcow2", owner=(1234, 5678), mode=0o660)
        before = {top: ident(top)}
        self.define("vm", [("vda", top)])
        self.assertQemus(top)
        self.daemon.virsh("destroy", "vm")
        self.assertRestored(before)

    def test_qemu_killed(self):
        base = self.image("base.qcow2")
        top = self.image("top.qcow2", base)
        before = {base: ident(base), top: ident(top)}
        self.define("vm", [("vda", top)])
        self.assertQemus(base, top)
        pid = self.qemu_pid("vm")
        os.kill(pid, signal.SIGKILL)
        vbtest.wait_for(lambda: "shut off" in self.daemon.virsh("domstate", "vm").stdout,
                        30, "the domain to be shut off")
        self.assertRestored(before)

    def test_daemon_killed(self):
        base = self.image("base.qcow2")
        top = self.image("top.qcow2", base)
        before = {base: ident(base), top: ident(top)}
        self.define("vm", [("vda", top)])
        pid = self.qemu_pid("vm")
        # a restarted daemon takes the running QEMU back, labels kept
        self.daemon.kill9()
        self.daemon.start()
        self.assertIn("running", self.daemon.virsh("domstate", "vm").stdout)
        self.assertQemus(base, top)
        # QEMU dies while no daemon runs: the next one gives the files back
        self.daemon.kill9()
        os.kill(pid, signal.SIGKILL)
        vbtest.wait_for(lambda: not vbtest.pid_alive(pid), 10, "QEMU to die")
        self.assertQemus(base, top)
        self.daemon.start()
        self.assertIn("shut off", self.daemon.virsh("domstate", "vm").stdout)
        self.assertRestored(before)

    def test_shared_backing(self):
        base = self.image("base.qcow2")
        top1 = self.image("top1.qcow2", base)
        top2 = self.image("top2.qcow2", base)
        before = {base: ident(base), top1: ident(top1), top2: ident(top2)}
        self.define("vm1", [("vda", top1)])
        self.define("vm2", [("vda", top2)])
        self.assertQemus(base, top1, top2)
        self.daemon.virsh("destroy", "vm1")
        # vm2 still runs on base
        self.assertQemus(base, top2)
        self.assertEqual(ident(top1), before[top1])
        self.daemon.virsh("destroy", "vm2")
        self.assertRestored(before)

    def test_shadow_backing_refused(self):
        shadow = ident("/etc/shadow")
        top = self.image("evil.qcow2", "/etc/shadow", backing_fmt="raw")
        before = {top: ident(top)}
        self.define("vm", [("vda", top)], start=False)
        proc = self.daemon.virsh("start", "vm", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("/etc/shadow", proc.stderr)
        self.assertIn("refusing", proc.stderr)
        self.assertEqual(ident("/etc/shadow"), shadow)
        self.assertEqual(our_xattrs("/etc/shadow"), [])
        self.assertRestored(before)
        self.assertEqual(self.daemon.qemu_pids(), [])

    def test_snapshot_and_commit(self):
        base = self.image("base.qcow2")
        top = self.image("top.qcow2", base)
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x5a 0 1M", top])
        snap = os.path.join(self.images, "snap.qcow2")
        before = {base: ident(base), top: ident(top)}
        self.define("vm", [("vda", top)])
        self.daemon.virsh("snapshot-create-as", "vm", "s1", "--disk-only", "--no-metadata",
                          "--diskspec", "vda,file=" + snap)
        self.assertQemus(base, top, snap)
        # top into base, while the guest runs on snap: base written by QEMU
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", top, "--base", base,
                          "--wait")
        self.assertQemus(base, snap)
        # top left the chain: given back at once
        self.assertRestored({top: before[top]})
        self.daemon.virsh("destroy", "vm")
        before[snap] = (0, 0, 0o600)
        self.assertRestored(before)
        for path in (base, snap):
            vbtest.run(["qemu-img", "check", "-q", path])
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "read -q -P 0x5a 0 1M", base])

    def test_uefi_nvram(self):
        # the variable store the daemon copies (0600, root's) is QEMU's
        # while it runs; the read-only firmware, readable by all, keeps
        # its owner
        if vbguest.ovmf_missing():
            self.skipTest("no OVMF: " + vbguest.ovmf_missing())
        top = self.image("top.qcow2")
        xml = vbtest.domain_xml("vm", [("vda", top)]).replace(
            "<os>", "<os firmware='efi'>").replace(
            "  <devices>", "  <features><acpi/></features>\n  <devices>")
        path = os.path.join(self.tmp, "vm.xml")
        with open(path, "w") as fh:
            fh.write(xml)
        self.daemon.virsh("define", path)
        self.daemon.virsh("start", "vm")
        live = self.daemon.virsh("dumpxml", "vm").stdout
        nvram = re.search(r"<nvram[^>]*>([^<]+)</nvram>", live).group(1)
        loader = re.search(r"<loader[^>]*>([^<]+)</loader>", live).group(1)
        loader_before = ident(loader)
        self.assertQemus(nvram, top)
        self.assertEqual(ident(loader), loader_before)
        self.daemon.virsh("destroy", "vm")
        self.assertRestored({nvram: (0, 0, 0o600), top: (0, 0, 0o600)})
        self.assertEqual(our_xattrs(loader), [])

    def test_change_media(self):
        top = self.image("top.qcow2")
        isos = []
        for name in ("one.iso", "two.iso"):
            path = os.path.join(self.images, name)
            with open(path, "wb") as fh:
                fh.write(name.encode() * 1024)
            os.chmod(path, 0o600)
            isos.append(path)
        before = {path: ident(path) for path in isos + [top]}
        cdrom = """
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>""" % isos[0]
        self.define("vm", [("vda", top)], extra_devices=cdrom)
        self.assertQemus(isos[0])
        self.assertEqual(ident(isos[1]), before[isos[1]])
        # the new medium is QEMU's, the old one given back at once
        self.daemon.virsh("change-media", "vm", "sda", "--update", isos[1], "--live",
                          "--force")
        self.assertQemus(isos[1])
        self.assertRestored({isos[0]: before[isos[0]]})
        self.daemon.virsh("change-media", "vm", "sda", "--eject", "--live", "--force")
        self.assertRestored({isos[1]: before[isos[1]]})
        self.daemon.virsh("destroy", "vm")
        self.assertRestored(before)

    def test_offline_commit(self):
        # the storage daemon of a shut-off domain gets the chain, and gives
        # it back when the job ends
        base = self.image("base.qcow2")
        mid = self.image("mid.qcow2", base)
        top = self.image("top.qcow2", mid)
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x3c 0 1M", mid])
        before = {base: ident(base), mid: ident(mid), top: ident(top)}
        self.define("vm", [("vda", top)], start=False)
        self.daemon.virsh("blockcommit", "vm", "vda", "--top", mid, "--base", base, "--wait")
        self.assertEqual(self.daemon.virsh("domstate", "vm").stdout.strip(), "shut off")
        self.assertRestored(before)
        vbtest.run(["qemu-img", "check", "-q", base])
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "read -q -P 0x3c 0 1M", base])

    def test_guest_writes(self):
        # a real guest boots from root-owned 0600 images, writes its disk
        # and its serial file, powers off; everything comes back exactly
        built = vbguest.build()
        # the build is under the invoking user's cache, which QEMU's user
        # cannot enter: copies, owner-only, which the daemon must give it
        kernel = os.path.join(self.images, "vmlinuz")
        initrd = os.path.join(self.images, "initrd")
        shutil.copyfile(built.kernel, kernel)
        shutil.copyfile(built.initrd, initrd)
        os.chmod(kernel, 0o600)
        os.chmod(initrd, 0o600)
        guest = vbguest.Guest(kernel, initrd, built.key)
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs, 0o755)
        serial = os.path.join(logs, "serial.log")
        self.extra_logs.append(serial)
        base = self.image("base.qcow2")
        vbtest.run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x%02x 0 8M" % FILL, base])
        top = self.image("top.qcow2", base)
        before = {base: ident(base), top: ident(top), kernel: ident(kernel),
                  initrd: ident(initrd)}
        cmdline = vbguest.cmdline("writer", then="poweroff", count=100, **WRITER)
        xml = os.path.join(self.tmp, "vm.xml")
        with open(xml, "w") as fh:
            fh.write(guest_xml("vm", guest, cmdline, disks=[("vda", top)], serial_log=serial))
        self.daemon.virsh("define", xml)
        self.daemon.virsh("start", "vm")
        self.assertQemus(base, top, serial, kernel, initrd)
        vbtest.wait_for(lambda: "shut off" in self.daemon.virsh("domstate", "vm").stdout,
                        600, "the guest to write and power off")
        wlog = vbguest.WriterLog.from_file(serial)
        self.assertEqual(wlog.done, 100)
        wlog.verify(top, "qcow2", unwritten=FILL)
        before[serial] = (0, 0, 0o600)   # created by the daemon, owner-only
        self.assertRestored(before)


if __name__ == "__main__":
    vbtest.main()
