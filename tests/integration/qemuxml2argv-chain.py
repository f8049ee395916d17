#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# qemuxml2argv-chain.py: the command line we build really starts QEMU 7.2,
# and QEMU's block graph is exactly the chain the domain XML defines.
#
# A 3-layer qcow2 chain (relative backing names in the headers) is put
# behind a virtio disk, next to SATA and SCSI disks and an empty cdrom;
# QEMU runs with -S (no guest code ever runs); over QMP we compare the
# named nodes, their files, read-only flags and backing/file edges with
# what the XML says, then quit.  The QEMU process and the temporary
# directory are removed whatever happens.
#
# Usage: qemuxml2argv-chain.py PATH-TO-qemuxml2argv-helper

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
QEMU = "/usr/bin/qemu-system-x86_64"
QEMU_IMG = "/usr/bin/qemu-img"

DOMAIN_XML = """<domain type='qemu'>
  <name>argv-chain</name>
  <uuid>8d1f8b22-0a51-4f0e-9f4c-6b1a5bb0c0de</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
    <emulator>{qemu}</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none' discard='unmap'/>
      <source file='{d}/top.qcow2'/>
      <backingStore type='file'>
        <format type='qcow2'/>
        <source file='{d}/sn1.qcow2'/>
        <backingStore type='file'>
          <format type='qcow2'/>
          <source file='{d}/base.qcow2'/>
          <backingStore/>
        </backingStore>
      </backingStore>
      <target dev='vda' bus='virtio'/>
      <serial>chain-test</serial>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='{d}/data.img'/>
      <target dev='sda' bus='sata'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='sdb' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='writethrough'/>
      <source file='{d}/scsi.qcow2'/>
      <backingStore/>
      <target dev='sdc' bus='scsi'/>
      <readonly/>
    </disk>
    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
  </devices>
</domain>
"""


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


class QMP:
    """Minimal QMP client: raw bytes split on newlines, events skipped (a
    text-mode file wrapper can drop lines it read ahead)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.buf = b""
        greeting = self._read()
        check("QMP" in greeting, f"no QMP greeting: {greeting}")

    def _read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise Failure("QEMU closed the monitor")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                continue
            if "error" in reply:
                raise Failure(f"{name}: {reply['error']}")
            return reply["return"]

    def close(self):
        self.sock.close()


def connect(path, proc, deadline):
    # QEMU creates the socket during startup; we retry until it accepts or
    # QEMU exits, bounded by a deadline so a hang fails the test
    while True:
        if proc.poll() is not None:
            raise Failure(f"QEMU exited with {proc.returncode} before its monitor was up")
        try:
            return QMP(path)
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                raise Failure("QEMU's monitor did not come up in time")
            time.sleep(0.02)


def qemu_img(*args):
    subprocess.run([QEMU_IMG, *args], check=True, stdout=subprocess.DEVNULL)


def make_images(d):
    qemu_img("create", "-q", "-f", "qcow2", f"{d}/base.qcow2", "16M")
    # relative backing names, as most real chains have: QEMU must not use
    # them, the graph comes from the command line
    qemu_img("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2",
             f"{d}/sn1.qcow2")
    qemu_img("create", "-q", "-f", "qcow2", "-b", "sn1.qcow2", "-F", "qcow2",
             f"{d}/top.qcow2")
    qemu_img("create", "-q", "-f", "raw", f"{d}/data.img", "1M")
    qemu_img("create", "-q", "-f", "qcow2", f"{d}/scsi.qcow2", "1M")


def check_graph(qmp, d):
    # what the XML defines: node index -> (path, format, read-only, backing index)
    expected = {
        1: (f"{d}/top.qcow2", "qcow2", False, 2),
        2: (f"{d}/sn1.qcow2", "qcow2", True, 3),
        3: (f"{d}/base.qcow2", "qcow2", True, None),
        4: (f"{d}/data.img", "raw", False, None),
        5: (f"{d}/scsi.qcow2", "qcow2", True, None),
    }

    nodes = {n["node-name"]: n for n in qmp.cmd("query-named-block-nodes", flat=True)}
    want = {f"libvirt-{i}-{kind}" for i in expected for kind in ("format", "storage")}
    check(set(nodes) == want, f"node names {sorted(nodes)} differ from {sorted(want)}")

    graph = qmp.cmd("x-debug-query-block-graph")
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    edges = {(names[e["parent"]], e["name"]): names[e["child"]] for e in graph["edges"]}

    for i, (path, fmt, ro, backing) in expected.items():
        fnode = nodes[f"libvirt-{i}-format"]
        snode = nodes[f"libvirt-{i}-storage"]
        check(fnode["drv"] == fmt, f"libvirt-{i}-format has driver {fnode['drv']}, not {fmt}")
        check(fnode["ro"] == ro, f"libvirt-{i}-format read-only is {fnode['ro']}, not {ro}")
        check(snode["drv"] == "file", f"libvirt-{i}-storage has driver {snode['drv']}")
        check(snode["file"] == path, f"libvirt-{i}-storage opens {snode['file']}, not {path}")
        # auto-read-only opens a writable file read-write even under a
        # read-only format node (it falls back to read-only only when it
        # must): this is what lets block-commit write into a backing image
        check(not snode["ro"], f"libvirt-{i}-storage is read-only, commit could not write")
        check(edges.get((f"libvirt-{i}-format", "file")) == f"libvirt-{i}-storage",
              f"libvirt-{i}-format does not sit on libvirt-{i}-storage")
        got = edges.get((f"libvirt-{i}-format", "backing"))
        want_backing = f"libvirt-{backing}-format" if backing else None
        check(got == want_backing,
              f"backing of libvirt-{i}-format is {got}, not {want_backing}")

    # the guest devices are attached to the top of each chain
    attached = {}
    for b in qmp.cmd("query-block"):
        attached[b["qdev"]] = b.get("inserted", {}).get("node-name")
    dev = "/machine/peripheral/{}/virtio-backend"
    check(attached.get(dev.format("virtio-disk0")) == "libvirt-1-format",
          f"virtio-disk0 shows {attached.get(dev.format('virtio-disk0'))}")
    check(attached.get("sata0-0-0") == "libvirt-4-format", f"sata0-0-0: {attached}")
    check("sata0-0-1" in attached and attached["sata0-0-1"] is None,
          f"empty cdrom sata0-0-1 is not empty: {attached}")
    check(attached.get("scsi0-0-0-0") == "libvirt-5-format", f"scsi0-0-0-0: {attached}")


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} QEMUXML2ARGV-HELPER", file=sys.stderr)
        return 2
    helper = sys.argv[1]
    for prog in (QEMU, QEMU_IMG):
        if not os.access(prog, os.X_OK):
            print(f"{prog} is not installed, skipping")
            return SKIP

    d = tempfile.mkdtemp(prefix="vbargv-")
    proc = None
    try:
        make_images(d)
        xml = os.path.join(d, "domain.xml")
        with open(xml, "w") as f:
            f.write(DOMAIN_XML.format(d=d, qemu=QEMU))
        mon = os.path.join(d, "monitor.sock")
        out = subprocess.run([helper, xml, mon], capture_output=True, text=True)
        check(out.returncode == 0, f"helper failed: {out.stderr.strip()}")
        argv = out.stdout.split("\n")[:-1]
        check("-S" in argv, "QEMU would start the guest")

        log = open(os.path.join(d, "qemu.log"), "w")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, cwd=d)
        qmp = connect(mon, proc, time.monotonic() + 30)
        try:
            qmp.cmd("qmp_capabilities")
            status = qmp.cmd("query-status")
            check(status["status"] == "prelaunch" and not status["running"],
                  f"guest is not held by -S: {status}")
            check_graph(qmp, d)
            qmp.cmd("quit")
        finally:
            qmp.close()
        rc = proc.wait(timeout=30)
        check(rc == 0, f"QEMU exited with {rc}")
        print("OK: QEMU's block graph matches the domain XML")
        return 0
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        qlog = os.path.join(d, "qemu.log")
        if os.path.exists(qlog):
            with open(qlog) as f:
                sys.stderr.write(f.read())
        return 1
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
