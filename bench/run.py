#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmarks of virtblockd and, in the same run on the same images, of
Debian's libvirtd when it is installed.  Prints figures, never pass/fail.

Run with Debian's python (python3-libvirt) as root, from the source tree
after `meson setup build && ninja -C build`:

    /usr/bin/python3 bench/run.py                 # default sizes, a few minutes
    /usr/bin/python3 bench/run.py --big --domains 100 --runs 5
    /usr/bin/python3 bench/run.py --soak 1000     # snapshot/write/commit loop
    /usr/bin/python3 bench/run.py --hostile-only  # slow readers, XML bomb

libvirtd runs as a throw-away session daemon under the unprivileged user
`vbbench` (created with useradd -r when missing), with HOME and the XDG
directories in the bench's temporary directory, so that it never touches
the system's libvirt configuration or state.  Every domain, QEMU, daemon
and file the bench starts or makes is removed on exit, also on SIGINT or
SIGTERM.  See bench/README.md.
"""

import argparse
import atexit
import ctypes
import os
import platform
import pwd
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

try:
    import libvirt
except ImportError:
    sys.exit("python3-libvirt is missing: run this with Debian's /usr/bin/python3")

SRCDIR = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILDDIR = os.environ.get("VB_BUILDDIR") or os.path.join(SRCDIR, "build")
VIRTBLOCKD = os.path.join(BUILDDIR, "src", "daemon", "virtblockd")
CHAINPROBE = os.path.join(BUILDDIR, "bench", "benchchainprobe")
RSSFLOOR = os.path.join(BUILDDIR, "bench", "benchrssfloor")
LIBVIRTD = "/usr/sbin/libvirtd"
VIRT_INSTALL = shutil.which("virt-install")
BENCH_USER = "vbbench"
MiB = 1024 * 1024

libvirt.registerErrorHandler(lambda ctx, err: None, None)

sys.path.insert(0, os.path.join(SRCDIR, "tests", "integration"))
import vbguest  # noqa: E402  (the test guest: tests/guest/make-guest.sh)


def run(cmd, check=True, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    proc = subprocess.run(cmd, **kw)
    if check and proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s %s" %
                           (" ".join(cmd), proc.returncode, proc.stdout, proc.stderr))
    return proc


def wait_for(pred, timeout=120.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        val = pred()
        if val:
            return val
        if time.monotonic() > deadline:
            raise RuntimeError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(0.02)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))] if xs else float("nan")


def memory_kib(pid):
    """(RSS, PSS, private) of @pid in KiB.  RSS counts every resident page
    mapped, shared library pages included; PSS divides each shared page by
    the processes mapping it; private counts the pages no other process
    maps, which is what the process costs the machine."""
    with open("/proc/%d/smaps_rollup" % pid) as fh:
        text = fh.read()

    def field(name):
        return int(re.search(r"^%s:\s+(\d+) kB" % name, text, re.M).group(1))
    return (field("Rss"), field("Pss"),
            field("Private_Clean") + field("Private_Dirty"))


def rss_floor_kib():
    """Memory of bench/benchrssfloor: the daemon's libraries started up,
    doing nothing; None when it is not built."""
    if not os.path.exists(RSSFLOOR):
        return None
    proc = subprocess.Popen([RSSFLOOR], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(proc.stdout.readline())
        time.sleep(0.2)
        return memory_kib(pid)
    finally:
        proc.kill()
        proc.wait()


def domain_xml(name, path, memory_mib=64):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>%d</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
""" % (name, memory_mib, path)


# ---------------------------------------------------------------- events

class Events:
    """Block job events of every subscriber connection, with a timestamp."""

    def __init__(self):
        self.cond = threading.Condition()
        self.log = []  # (monotonic time, subscriber id, domain name, disk, type, status)

    def callback(self, conn, dom, disk, jobtype, status, sub):
        with self.cond:
            self.log.append((time.monotonic(), sub, dom.name(), disk, jobtype, status))
            self.cond.notify_all()

    def subscribe(self, conn, sub):
        return conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2,
                                           self.callback, sub)

    def wait(self, sub, dom, status, timeout=600.0):
        """The time of the first event @status of @dom seen by @sub."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, s, d, _, _, st in self.log:
                    if s == sub and d == dom and st == status:
                        return t
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("no block job event %d for %s" % (status, dom))
                self.cond.wait(left)

    def clear(self):
        with self.cond:
            self.log = []


EVENTS = Events()


def event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


# --------------------------------------------------------------- daemons

class Daemon:
    name = None

    def __init__(self, work):
        self.work = work
        self.proc = None
        self.conns = []

    def connect(self):
        conn = libvirt.open(self.uri)
        self.conns.append(conn)
        return conn

    def virsh(self, *args, check=True):
        return run(["virsh", "-q", "-c", self.uri] + list(args), check=check)

    def wait_listening(self):
        def answers():
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %d, see %s" %
                                   (self.name, self.proc.returncode, self.logpath))
            with socket.socket(socket.AF_UNIX) as s:
                try:
                    s.connect(self.sock)
                    return True
                except OSError:
                    return False
        wait_for(answers, 60, self.name + " to listen on " + self.sock)

    @property
    def pid(self):
        return self.proc.pid

    def qemu_pids(self):
        """QEMUs whose command line names this daemon's work directory."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as fh:
                    cmd = fh.read().decode(errors="replace")
            except OSError:
                continue
            if "qemu-system" in cmd.split("\0")[0] and self.work in cmd:
                pids.append(int(entry))
        return pids

    def stop(self):
        for conn in self.conns:
            try:
                for dom in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
                    try:
                        dom.destroy()
                    except libvirt.libvirtError:
                        pass
                for dom in conn.listAllDomains():
                    try:
                        dom.undefine()
                    except libvirt.libvirtError:
                        pass
                break
            except libvirt.libvirtError:
                continue
        for conn in self.conns:
            try:
                conn.close()
            except libvirt.libvirtError:
                pass
        self.conns = []
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        for pid in self.qemu_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class Virtblockd(Daemon):
    name = "virtblockd"

    def start(self):
        root = os.path.join(self.work, "root")
        self.sock = os.path.join(root, "run", "virtblockd-sock")
        self.uri = "qemu+unix:///session?socket=" + self.sock
        self.logpath = os.path.join(self.work, "virtblockd.log")
        with open(self.logpath, "a") as log:
            self.proc = subprocess.Popen([VIRTBLOCKD, "--root", root], stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.wait_listening()
        return self


class Libvirtd(Daemon):
    """A session libvirtd under BENCH_USER, all its directories in @work."""
    name = "libvirtd"

    def start(self):
        home = os.path.join(self.work, "home")
        rundir = os.path.join(self.work, "xdg-run")
        for d in (home, rundir):
            os.makedirs(d, exist_ok=True)
        os.chmod(rundir, 0o700)
        give(self.work)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": home,
               # short: the guest agent's socket lands under it, and a
               # unix socket path has at most 107 bytes
               "XDG_CONFIG_HOME": os.path.join(self.work, "c"),
               "XDG_CACHE_HOME": os.path.join(home, ".cache"),
               "XDG_RUNTIME_DIR": rundir, "LANG": "C.UTF-8"}
        self.sock = os.path.join(rundir, "libvirt", "libvirt-sock")
        self.uri = "qemu+unix:///session?socket=" + self.sock
        self.logpath = os.path.join(self.work, "libvirtd.log")
        user = pwd.getpwnam(BENCH_USER)
        with open(self.logpath, "a") as log:
            self.proc = subprocess.Popen([LIBVIRTD], stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env, cwd=home,
                                         user=user.pw_uid, group=user.pw_gid,
                                         extra_groups=[])
        self.wait_listening()
        return self


def give(path):
    """Hands @path (recursively) to BENCH_USER, so the session libvirtd and
    its QEMUs can use it; virtblockd runs as root and does not care."""
    try:
        user = pwd.getpwnam(BENCH_USER)
    except KeyError:
        return
    if not os.path.isdir(path):
        os.chown(path, user.pw_uid, user.pw_gid)
        return
    for dirpath, dirnames, filenames in os.walk(path):
        os.chown(dirpath, user.pw_uid, user.pw_gid)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                os.chown(p, user.pw_uid, user.pw_gid)


# ---------------------------------------------------------------- images

def make_chain(directory, name, data_mib, size_mib=None, pattern=0x5a):
    """base <- top, @data_mib MiB of @pattern written in top; returns paths."""
    size_mib = size_mib or max(64, data_mib * 2)
    base = os.path.join(directory, name + "-base.qcow2")
    top = os.path.join(directory, name + "-top.qcow2")
    run(["qemu-img", "create", "-q", "-f", "qcow2", base, "%dM" % size_mib])
    run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", top,
         "%dM" % size_mib])
    if data_mib:
        run(["qemu-io", "-f", "qcow2", "-c",
             "write -q -P 0x%02x 0 %dM" % (pattern, data_mib), top])
    give(directory)
    return base, top


def remove(*paths):
    for p in paths:
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


# ---------------------------------------------------------------- benches

def bench_dd(imgdir, data_mib, runs):
    """dd's time to write @data_mib MiB durably (from /dev/zero), and to copy
    a file holding the same data as the commits' top layers (written by
    qemu-io just before, so in the page cache as those are) into a new file
    on the same filesystem, fsynced: what a commit does, with no image
    format in the way.  Medians in seconds."""
    zero, copy = [], []
    src = os.path.join(imgdir, "dd.src")
    out = os.path.join(imgdir, "dd.out")
    for _ in range(runs):
        t0 = time.monotonic()
        run(["dd", "if=/dev/zero", "of=" + out, "bs=1M", "count=%d" % data_mib,
             "conv=fsync"])
        zero.append(time.monotonic() - t0)
        remove(out)
        run(["qemu-img", "create", "-q", "-f", "raw", src, "%dM" % data_mib])
        run(["qemu-io", "-f", "raw", "-c", "write -q -P 0x5a 0 %dM" % data_mib, src])
        t0 = time.monotonic()
        run(["dd", "if=" + src, "of=" + out, "bs=1M", "conv=fsync"])
        copy.append(time.monotonic() - t0)
        remove(src, out)
    return median(zero), median(copy)


SERIAL = [0]


def unique(prefix):
    SERIAL[0] += 1
    return "%s%d" % (prefix, SERIAL[0])


def bench_commit_virsh(d, imgdir, data_mib):
    """One virsh blockcommit --active --pivot; its wall time in seconds."""
    conn = d.control
    name = unique("cv")
    base, top = make_chain(imgdir, name, data_mib)
    dom = conn.createXML(domain_xml(name, top), 0)
    t0 = time.monotonic()
    d.virsh("blockcommit", name, "vda", "--active", "--pivot")
    secs = time.monotonic() - t0
    dom.destroy()
    remove(base, top)
    return secs


def commit_api(conn, dom, sub):
    """blockCommit ACTIVE, wait READY, blockJobAbort PIVOT, wait COMPLETED.
    Returns (total, commit-return-to-READY, pivot call, commit-call-to-READY)
    in seconds."""
    name = dom.name()
    t0 = time.monotonic()
    dom.blockCommit("vda", None, None, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
    t1 = time.monotonic()
    ready = EVENTS.wait(sub, name, libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
    t2 = time.monotonic()
    dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
    t3 = time.monotonic()
    EVENTS.wait(sub, name, libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED)
    t4 = time.monotonic()
    return t4 - t0, ready - t1, t3 - t2, ready - t0


def bench_commit_api(d, imgdir, data_mib):
    """One commit through the API and events; see commit_api."""
    conn = d.control
    name = unique("ca")
    base, top = make_chain(imgdir, name, data_mib)
    dom = conn.createXML(domain_xml(name, top), 0)
    res = commit_api(conn, dom, d.name)
    dom.destroy()
    remove(base, top)
    return res


def bench_snapdelete(d, imgdir, data_mib, running=True):
    """virsh snapshot-delete of the current disk-only snapshot of a domain
    whose overlay holds @data_mib MiB: libvirt 9.0's active commit and
    pivot, the overlay removed.  Running, in the domain's QEMU; shut off
    (@running False), libvirtd 9.0 starts a QEMU for the domain and
    virtblockd a qemu-storage-daemon.  The overlay is written before the
    snapshot (reused), so only the delete is timed; its wall time in
    seconds."""
    name = unique("sd" if running else "so")
    # virtblockd puts no overlay in a directory another user may write to
    sub = os.path.join(imgdir, name)
    os.mkdir(sub, 0o755)
    base, top = make_chain(sub, name, 0)
    overlay = os.path.join(sub, name + "-top.s1")
    run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", top, "-F", "qcow2", overlay,
         "%dM" % max(64, data_mib * 2)])
    run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x5a 0 %dM" % data_mib, overlay])
    if d.name == "virtblockd":
        for p in (sub, base, top, overlay):
            os.chown(p, 0, 0)
    else:
        give(sub)
    if running:
        dom = d.control.createXML(domain_xml(name, top), 0)
    else:
        dom = d.control.defineXML(domain_xml(name, top))
    d.virsh("snapshot-create-as", name, "s1", "--disk-only", "--reuse-external",
            "--diskspec", "vda,file=" + overlay)
    t0 = time.monotonic()
    d.virsh("snapshot-delete", name, "s1")
    secs = time.monotonic() - t0
    if os.path.exists(overlay):
        raise RuntimeError("%s: snapshot-delete left %s" % (d.name, overlay))
    if running:
        dom.destroy()
    else:
        if dom.isActive():
            raise RuntimeError("%s: the shut-off domain runs after snapshot-delete" % d.name)
        dom.undefine()
    remove(base, top, overlay)
    os.rmdir(sub)
    return secs


def bench_snapchildren(d, imgdir, layers, data_mib):
    """virsh snapshot-delete --children of the root of a line of @layers
    disk-only snapshots of a running domain, each overlay holding
    @data_mib MiB of its own at its own offset (virtblockd only: libvirt
    9.0 refuses --children of external snapshots).  From the top down,
    each layer is copied once (layers x data_mib MiB); from the leaf up it
    would be copied once per step below it (layers x (layers + 1) / 2
    times data_mib MiB).  Wall time in seconds."""
    name = unique("sc")
    sub = os.path.join(imgdir, name)
    os.mkdir(sub, 0o755)
    size_mib = max(64, layers * data_mib * 2)
    base, top = make_chain(sub, name, 0, size_mib=size_mib)
    below = top
    overlays = []
    for i in range(layers):
        overlay = os.path.join(sub, "%s-top.s%d" % (name, i + 1))
        run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", below, "-F", "qcow2", overlay,
             "%dM" % size_mib])
        run(["qemu-io", "-f", "qcow2", "-c", "write -q -P 0x%02x %dM %dM" %
             (0x41 + i, i * data_mib, data_mib), overlay])
        overlays.append(overlay)
        below = overlay
    for p in [sub, base, top] + overlays:
        os.chown(p, 0, 0)
    dom = d.control.createXML(domain_xml(name, top), 0)
    for i, overlay in enumerate(overlays):
        d.virsh("snapshot-create-as", name, "s%d" % (i + 1), "--disk-only", "--reuse-external",
                "--diskspec", "vda,file=" + overlay)
    t0 = time.monotonic()
    d.virsh("snapshot-delete", name, "s1", "--children")
    secs = time.monotonic() - t0
    left = [p for p in overlays if os.path.exists(p)]
    if left:
        raise RuntimeError("%s: snapshot-delete --children left %s" % (d.name, left))
    dom.destroy()
    remove(base, top)
    os.rmdir(sub)
    return secs


def bench_rpc(daemons, calls):
    """Round trips in µs, the daemons taking turns every 100 calls so that
    both see the same background load."""
    out = {}
    for label in ("getLibVersion", "listAllDomains"):
        lat = {d.name: [] for d in daemons}
        for d in daemons:
            getattr(d.control, label)()
        done = 0
        while done < calls:
            block = min(100, calls - done)
            for d in daemons:
                fn = getattr(d.control, label)
                for _ in range(block):
                    t0 = time.perf_counter_ns()
                    fn()
                    lat[d.name].append((time.perf_counter_ns() - t0) / 1000.0)
            done += block
        for d in daemons:
            out.setdefault(d.name, {})[label] = (statistics.mean(lat[d.name]),
                                                 p99(lat[d.name]))
    return out


def bench_virsh_list(d, runs):
    secs = []
    for _ in range(runs):
        t0 = time.monotonic()
        d.virsh("list", "--all")
        secs.append(time.monotonic() - t0)
    return median(secs)


def bench_rss(d, imgdir, ndoms):
    idle = memory_kib(d.pid)
    conn = d.connect()
    paths, doms = [], []
    for i in range(ndoms):
        p = os.path.join(imgdir, "rss%d.qcow2" % i)
        run(["qemu-img", "create", "-q", "-f", "qcow2", p, "16M"])
        paths.append(p)
    give(imgdir)
    for i, p in enumerate(paths):
        doms.append(conn.createXML(domain_xml("rss%d" % i, p), 0))
    loaded = memory_kib(d.pid)
    for dom in doms:
        dom.destroy()
    remove(*paths)
    return idle, loaded


POLL_INTERVAL = 0.005


def cpu_idle_fraction(interval=1.0):
    """Share of the machine's CPU time spent idle over @interval seconds."""
    def sample():
        with open("/proc/stat") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
        return f[3] + f[4], sum(f)   # idle + iowait, total
    i0, t0 = sample()
    time.sleep(interval)
    i1, t1 = sample()
    return (i1 - i0) / max(1, t1 - t0)


def wait_quiet(limit=300.0):
    """Waits until the guests just started have booted (half the CPU idle
    again), at most @limit seconds; returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit and cpu_idle_fraction() < 0.5:
        pass
    return time.monotonic() - t0


def bench_parallel(d, imgdir, ndoms, nsubs, data_mib):
    conn = d.connect()
    subs = []
    for s in range(nsubs):
        c = d.connect()
        EVENTS.subscribe(c, "%s-par%d" % (d.name, s))
        subs.append("%s-par%d" % (d.name, s))
    doms, files = [], []
    chains = [make_chain(imgdir, "par%d" % i, data_mib) for i in range(ndoms)]
    t_create = time.monotonic()
    for i, (base, top) in enumerate(chains):
        files += [base, top]
        doms.append(conn.createXML(domain_xml("par%d" % i, top), 0))
    create_secs = time.monotonic() - t_create
    # A daemon that starts domains faster would otherwise run its commits
    # while more of its guests are still booting (libvirtd takes about
    # five times longer to start 100 than virtblockd here).
    settle_secs = wait_quiet()
    stop = threading.Event()
    lat = []
    infoconn = d.connect()

    # One call every POLL_INTERVAL, on both daemons alike: polled flat out,
    # the faster daemon would answer more calls, and the poller would take
    # more of the CPU (and of this process's interpreter, which also runs
    # the event callbacks and the pivots) from the commits it measures.
    def poll_info():
        idoms = [infoconn.lookupByName(dom.name()) for dom in doms]
        while not stop.is_set():
            for dom in idoms:
                t0 = time.perf_counter_ns()
                try:
                    dom.blockJobInfo("vda", 0)
                except libvirt.libvirtError:
                    pass
                lat.append((time.perf_counter_ns() - t0) / 1000.0)
                if stop.wait(POLL_INTERVAL):
                    return
    poller = threading.Thread(target=poll_info, daemon=True)
    t0 = time.monotonic()
    poller.start()
    for dom in doms:
        dom.blockCommit("vda", None, None, 0, libvirt.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE)
    t_started = time.monotonic()
    pivot_secs = 0.0
    for dom in doms:
        EVENTS.wait(subs[0], dom.name(), libvirt.VIR_DOMAIN_BLOCK_JOB_READY)
        t1 = time.monotonic()
        dom.blockJobAbort("vda", libvirt.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT)
        pivot_secs += time.monotonic() - t1
    names = {dom.name() for dom in doms}
    want = ndoms * nsubs * 2

    def delivered():
        return sum(1 for e in EVENTS.log if e[1] in subs and e[2] in names and
                   e[5] in (libvirt.VIR_DOMAIN_BLOCK_JOB_READY,
                            libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED))
    deadline = time.monotonic() + 120
    with EVENTS.cond:
        while delivered() < want and time.monotonic() < deadline:
            EVENTS.cond.wait(1)
    elapsed = time.monotonic() - t0
    stop.set()
    poller.join()
    with EVENTS.cond:
        got = delivered()
        done = sum(1 for n in names if any(e[1] == subs[0] and e[2] == n and
                                           e[5] == libvirt.VIR_DOMAIN_BLOCK_JOB_COMPLETED
                                           for e in EVENTS.log))
    for dom in doms:
        dom.destroy()
    remove(*files)
    lat.sort()
    return {"done": done, "delivered": got, "expected": want,
            "elapsed": elapsed, "p50": median(lat), "p99": p99(lat), "samples": len(lat),
            "started": t_started - t0, "pivots": pivot_secs, "create": create_secs,
            "settle": settle_secs}


def bench_soak(d, imgdir, rounds):
    """snapshot --disk-only -> guest write -> active commit + pivot, with the
    data checked against an expected raw image every round."""
    conn = d.connect()
    base, top = make_chain(imgdir, "soak", 8, size_mib=64)
    remove(top)
    expected = os.path.join(imgdir, "soak-expected.raw")
    run(["qemu-img", "convert", "-O", "raw", base, expected])
    give(imgdir)
    conn.createXML(domain_xml("soak", base), 0)
    hmp = "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"%s\""
    t0 = time.monotonic()
    for r in range(rounds):
        overlay = os.path.join(imgdir, "soak-ov%d.qcow2" % r)
        d.virsh("snapshot-create-as", "soak", "s%d" % r, "--disk-only", "--atomic",
                "--no-metadata", "--diskspec", "vda,snapshot=external,file=" + overlay)
        pattern = (r * 7 + 1) & 0xff
        off = (r % 60) * MiB + (r % 13) * 4096
        length = 256 * 1024
        d.virsh("qemu-monitor-command", "soak", "--hmp",
                hmp % ("write -P 0x%02x %d %d" % (pattern, off, length)))
        run(["qemu-io", "-f", "raw", "-c",
             "write -q -P 0x%02x %d %d" % (pattern, off, length), expected])
        d.virsh("blockcommit", "soak", "vda", "--active", "--pivot")
        d.virsh("qemu-monitor-command", "soak", "--hmp", hmp % "flush")
        cmp = run(["qemu-img", "compare", "-U", "-f", "qcow2", "-F", "raw", base, expected],
                  check=False)
        if cmp.returncode != 0:
            raise RuntimeError("%s: round %d: data differ: %s" %
                               (d.name, r, cmp.stdout + cmp.stderr))
        remove(overlay)
    elapsed = time.monotonic() - t0
    conn.lookupByName("soak").destroy()
    remove(base, expected)
    return rounds, elapsed


# ---------------------------------------------------------------- driver

# ---------------------------------------------------------------- real guests

def guest_files(d, guest):
    """The test guest's kernel and initramfs, copied where the daemon (a
    session libvirtd under BENCH_USER cannot read root's cache) reads them."""
    gdir = os.path.join(d.work, "guest")
    if not os.path.isdir(gdir):
        os.makedirs(gdir)
        for src in (guest.kernel, guest.initrd):
            shutil.copy(src, gdir)
        give(gdir)
    return (os.path.join(gdir, os.path.basename(guest.kernel)),
            os.path.join(gdir, os.path.basename(guest.initrd)))


def guest_domain_xml(name, kernel, initrd, disk, log):
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>%s</kernel>
    <initrd>%s</initrd>
    <cmdline>%s</cmdline>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'>
      <source path='%s'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, kernel, initrd, vbguest.cmdline("idle"), disk, log)


def wait_banner(log, timeout=300.0):
    wait_for(lambda: vbguest.READY_RE.search(vbguest.read_log(log)), timeout,
             "the guest's banner in " + log)


def guest_disk(d, name):
    path = os.path.join(d.imgdir, name + ".qcow2")
    run(["qemu-img", "create", "-q", "-f", "qcow2", path, "64M"])
    give(path)
    return path


def guest_log(d, name):
    log = os.path.join(d.imgdir, name + ".log")
    open(log, "w").close()
    give(log)
    return log


def bench_guest_boot(d, guest):
    """define + start of the test guest (direct kernel boot, TCG) until its
    init prints its banner on the serial console: (seconds to the banner,
    seconds of the define and start calls)."""
    kernel, initrd = guest_files(d, guest)
    name = unique("gb")
    disk, log = guest_disk(d, name), guest_log(d, name)
    t0 = time.monotonic()
    dom = d.control.defineXML(guest_domain_xml(name, kernel, initrd, disk, log))
    dom.create()
    calls = time.monotonic() - t0
    wait_banner(log)
    secs = time.monotonic() - t0
    dom.destroy()
    dom.undefine()
    remove(disk, log)
    return secs, calls


def bench_hotplug(d, guest, rounds=3):
    """Hotplug latency on a running test guest: virDomainAttachDeviceFlags
    of a qcow2 disk (live) and virDomainDetachDeviceFlags of it, which
    returns once the guest let go (DEVICE_DELETED): (median seconds of the
    attach call, of the detach call) over @rounds pairs."""
    kernel, initrd = guest_files(d, guest)
    name = unique("hp")
    disk, log = guest_disk(d, name), guest_log(d, name)
    extra = guest_disk(d, name + "-extra")
    # the guest needs ACPI for q35's hotplug of PCI devices
    dom = d.control.defineXML(guest_domain_xml(name, kernel, initrd, disk, log).replace(
        "\n  <devices>", "\n  <features><acpi/><apic/></features>\n  <devices>"))
    dom.create()
    wait_banner(log)
    xml = ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
           "<source file='%s'/><target dev='vdb' bus='virtio'/></disk>" % extra)
    attach, detach = [], []
    for _ in range(rounds):
        t0 = time.monotonic()
        dom.attachDeviceFlags(xml, libvirt.VIR_DOMAIN_AFFECT_LIVE)
        attach.append(time.monotonic() - t0)
        # the guest's driver binds the new disk before it can let it go
        time.sleep(1)
        t0 = time.monotonic()
        dom.detachDeviceFlags(xml, libvirt.VIR_DOMAIN_AFFECT_LIVE)
        detach.append(time.monotonic() - t0)
        wait_for(lambda: "vdb" not in dom.XMLDesc(0), 60, "vdb to go")
    dom.destroy()
    dom.undefine()
    remove(disk, extra, log)
    return median(attach), median(detach)


BENCH_BRIDGE = "vbbenchbr0"
BENCH_TAP = "vbbenchtap0"


def bench_net_setup():
    """A bridge in the host's network namespace, and a tap enslaved to it
    for managed='no'; both removed at exit."""
    if os.path.exists("/sys/class/net/" + BENCH_BRIDGE):
        sys.exit("%s exists already: another bench runs, or a stale one" % BENCH_BRIDGE)
    run(["ip", "link", "add", BENCH_BRIDGE, "type", "bridge"])
    CLEANUPS.append(lambda: run(["ip", "link", "delete", BENCH_BRIDGE], check=False))
    run(["ip", "tuntap", "add", BENCH_TAP, "mode", "tap"])
    CLEANUPS.append(lambda: run(["ip", "link", "delete", BENCH_TAP], check=False))
    run(["ip", "link", "set", BENCH_TAP, "master", BENCH_BRIDGE])
    run(["ip", "link", "set", BENCH_BRIDGE, "up"])


def bench_nethotplug(d, guest, rounds=3):
    """Hotplug latency of a NIC on a bridge, on a running test guest:
    attach-interface and detach-interface as virsh calls them
    (virDomainAttachDeviceFlags/DetachDeviceFlags, live), the detach
    returning once the guest let go: (median attach, median detach) of a
    virtio NIC on the existing tap BENCH_TAP (managed='no'), then of a
    bridge NIC whose tap the daemon makes and enslaves.  All None for the
    session libvirtd: its user cannot open /dev/net/tun (0600 root), so
    it can do neither (a bridge NIC would need a setuid
    qemu-bridge-helper, which Debian does not ship setuid)."""
    if d.name != "virtblockd":
        return [None] * 4
    kernel, initrd = guest_files(d, guest)
    name = unique("nh")
    disk, log = guest_disk(d, name), guest_log(d, name)
    dom = d.control.defineXML(guest_domain_xml(name, kernel, initrd, disk, log).replace(
        "\n  <devices>", "\n  <features><acpi/><apic/></features>\n  <devices>"))
    dom.create()
    wait_banner(log)
    tap = ("<interface type='ethernet'><mac address='52:54:00:be:5c:01'/>"
           "<target dev='%s' managed='no'/><model type='virtio'/></interface>" % BENCH_TAP)
    bridge = ("<interface type='bridge'><mac address='52:54:00:be:5c:02'/>"
              "<source bridge='%s'/><model type='virtio'/></interface>" % BENCH_BRIDGE)
    figures = []
    for xml in (tap, bridge):
        attach, detach = [], []
        for _ in range(rounds):
            t0 = time.monotonic()
            dom.attachDeviceFlags(xml, libvirt.VIR_DOMAIN_AFFECT_LIVE)
            attach.append(time.monotonic() - t0)
            # the guest's driver binds the new NIC before it can let it go
            time.sleep(1)
            t0 = time.monotonic()
            dom.detachDeviceFlags(xml, libvirt.VIR_DOMAIN_AFFECT_LIVE)
            detach.append(time.monotonic() - t0)
            wait_for(lambda: "<interface" not in dom.XMLDesc(0), 60, "the NIC to go")
        figures += [median(attach), median(detach)]
    dom.destroy()
    dom.undefine()
    remove(disk, log)
    return figures


def bench_virtinstall(d, guest):
    """virt-install --import of the test guest, as a user runs it (the pool
    for the disk's directory made on the first run): (virt-install's wall
    time, seconds from its start to the guest's banner)."""
    kernel, initrd = guest_files(d, guest)
    name = unique("vi")
    disk, log = guest_disk(d, name), guest_log(d, name)
    env = dict(os.environ, HOME=d.work)
    t0 = time.monotonic()
    run([VIRT_INSTALL, "--connect", d.uri, "--name", name, "--memory", "256",
         "--vcpus", "1", "--import", "--disk", disk, "--osinfo", "debian11",
         "--virt-type", "qemu", "--network", "none", "--graphics", "none",
         "--boot", "kernel=%s,initrd=%s,kernel_args=%s" % (kernel, initrd,
                                                          vbguest.cmdline("idle")),
         "--serial", "file,path=%s" % log, "--noautoconsole"], env=env)
    wall = time.monotonic() - t0
    wait_banner(log)
    banner = time.monotonic() - t0
    dom = d.control.lookupByName(name)
    dom.destroy()
    dom.undefine()
    remove(disk, log)
    return wall, banner


def bench_agent_roundtrip(d, guest, calls=200):
    """The guest agent's round trip through the API: the test guest with
    Debian's qemu-ga on org.qemu.guest_agent.0; once the agent answers,
    @calls of qemu-agent-command guest-ping and of virDomainGetTime
    (guest-get-time), each timed: (median ms of the ping, median ms of
    the time read, p99 ms of the ping)."""
    import libvirt_qemu
    kernel, initrd = guest_files(d, guest)
    name = unique("ag")
    disk, log = guest_disk(d, name), guest_log(d, name)
    xml = guest_domain_xml(name, kernel, initrd, disk, log).replace(
        "    <memballoon model='none'/>",
        "    <channel type='unix'>\n"
        "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
        "    </channel>\n    <memballoon model='none'/>")
    dom = d.control.defineXML(xml)
    dom.create()
    ping = '{"execute":"guest-ping"}'

    def answers():
        try:
            return libvirt_qemu.qemuAgentCommand(dom, ping, 5, 0) == '{"return":{}}'
        except libvirt.libvirtError:
            return False
    wait_for(answers, 300, "the guest agent of " + name)
    pings, times = [], []
    for _ in range(calls):
        t0 = time.perf_counter()
        libvirt_qemu.qemuAgentCommand(dom, ping, 5, 0)
        pings.append((time.perf_counter() - t0) * 1000.0)
    for _ in range(calls):
        t0 = time.perf_counter()
        dom.getTime()
        times.append((time.perf_counter() - t0) * 1000.0)
    dom.destroy()
    dom.undefine()
    remove(disk, log)
    return median(pings), median(times), p99(pings)


# ------------------------------------------------------- hostile clients

# Just enough of libvirt's wire protocol (remote_protocol.x) for a client
# that opens a connection, subscribes to lifecycle events and never reads
# again; both daemons speak it (tests/integration/test_rpclimits.py does
# the same against virtblockd alone).
REMOTE_PROGRAM = 0x20008086
PROC_CONNECT_OPEN = 1
PROC_CALLBACK_REGISTER_ANY = 316
EVENT_ID_LIFECYCLE = 0


def rpc_packet(proc, serial, payload=b""):
    body = struct.pack(">IIiiII", REMOTE_PROGRAM, 1, proc, 0, serial, 0) + payload
    return struct.pack(">I", len(body) + 4) + body


def xdr_string(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def rpc_reply_status(s):
    """The status of the next packet on @s (0: OK)."""
    def exactly(n):
        buf = b""
        while len(buf) < n:
            got = s.recv(n - len(buf))
            if not got:
                raise RuntimeError("the daemon closed a raw client's connection")
            buf += got
        return buf
    (length,) = struct.unpack(">I", exactly(4))
    rest = exactly(length - 4)
    return struct.unpack(">IIiiII", rest[:24])[5]


def slow_reader(d):
    """A raw client of @d, opened and subscribed to every domain's
    lifecycle events, with a small receive buffer; the caller never reads
    from it again."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(d.sock)
    s.sendall(rpc_packet(PROC_CONNECT_OPEN, 1, struct.pack(">I", 1) +
                         xdr_string("qemu:///session") + struct.pack(">I", 0)))
    if rpc_reply_status(s) != 0:
        raise RuntimeError("%s refused a raw client's CONNECT_OPEN" % d.name)
    s.sendall(rpc_packet(PROC_CALLBACK_REGISTER_ANY, 2,
                         struct.pack(">iI", EVENT_ID_LIFECYCLE, 0)))
    if rpc_reply_status(s) != 0:
        raise RuntimeError("%s refused a raw client's event registration" % d.name)
    return s


def vmrss_kib(pid):
    with open("/proc/%d/status" % pid) as fh:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", fh.read(), re.M).group(1))


def cpu_secs(pid):
    """User + system CPU seconds of @pid, all its threads."""
    with open("/proc/%d/stat" % pid) as fh:
        f = fh.read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def bench_slow_readers(d, imgdir, rounds, nslow=4):
    """@nslow raw clients subscribed to lifecycle events that never read,
    while @rounds suspend + resume of a running domain send each of them
    2 * @rounds events; meanwhile the daemon's VmRSS is sampled every 20 ms
    and a good client runs `virsh list` over and over."""
    name = unique("sr")
    base, top = make_chain(imgdir, name, 0)
    dom = d.control.createXML(domain_xml(name, top), 0)
    time.sleep(0.5)
    before = vmrss_kib(d.pid)
    slow = [slow_reader(d) for _ in range(nslow)]
    stop = threading.Event()
    peak = [before]
    lists = []   # (seconds, answered)

    def sample():
        while not stop.wait(0.02):
            peak[0] = max(peak[0], vmrss_kib(d.pid))

    def good_client():
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                ok = d.virsh("list", check=False).returncode == 0
            except Exception:
                ok = False
            lists.append((time.monotonic() - t0, ok))
            stop.wait(0.1)

    threads = [threading.Thread(target=sample, daemon=True),
               threading.Thread(target=good_client, daemon=True)]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    try:
        for _ in range(rounds):
            dom.suspend()
            dom.resume()
    finally:
        storm = time.monotonic() - t0
        stop.set()
        for t in threads:
            t.join()
    peak[0] = max(peak[0], vmrss_kib(d.pid))
    after = vmrss_kib(d.pid)
    # dropped: the connection ends once what was queued is read
    dropped = 0
    for s in slow:
        s.settimeout(2)
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                if not s.recv(1 << 20):
                    dropped += 1
                    break
        except ConnectionResetError:
            dropped += 1
        except socket.timeout:
            pass
        s.close()
    time.sleep(0.5)
    closed = vmrss_kib(d.pid)
    dom.destroy()
    remove(base, top)
    answered = [secs for secs, ok in lists if ok]
    return {"before": before, "peak": peak[0], "after": after, "closed": closed,
            "dropped": dropped, "storm": storm, "answered": len(answered),
            "tried": len(lists), "list_p50": median(answered)}


def bench_xml_bomb(d, nattrs):
    """defineXML of a domain whose root element has @nattrs attributes:
    (the daemon's CPU seconds, the call's wall time, the outcome)."""
    name = unique("xb")
    attrs = " ".join("a%d='1'" % i for i in range(nattrs))
    xml = ("<domain type='qemu' %s><name>%s</name><memory unit='MiB'>64</memory>"
           "<os><type arch='x86_64' machine='q35'>hvm</type></os></domain>" % (attrs, name))
    cpu0 = cpu_secs(d.pid)
    t0 = time.monotonic()
    try:
        d.control.defineXML(xml).undefine()
        outcome = "defined"
    except libvirt.libvirtError as e:
        outcome = "refused (code %d): %s" % (e.get_error_code(), e.get_error_message())
    wall = time.monotonic() - t0
    return cpu_secs(d.pid) - cpu0, wall, outcome


def print_hostile(results, names, args):
    lv = "libvirtd" in results and "virtblockd" in results
    print("\n## 7. hostile clients (median of %d)\n" % args.runs)
    print("| figure | " + " | ".join(names) + (" | virtblockd/libvirtd |" if lv else " |"))
    print("|---" * (len(names) + 1 + (1 if lv else 0)) + "|")

    def row(label, fn, fmt="%.1f", ratio=True):
        vals = [fn(results[n]) for n in names]
        cells = " | ".join(fmt % v if not isinstance(v, str) else v for v in vals)
        tail = ""
        if lv:
            tail = " | " + (fmt_ratio(vals[0], vals[1]) if ratio else "")
        print("| %s | %s%s |" % (label, cells, tail))

    sr = lambda r, k: median([x[k] for x in r["slow"]])
    # a daemon need not give back what it grew by: each run starts where
    # the one before left it, so the runs are shown one by one
    runs = lambda r, k: " / ".join("%.1f" % (x[k] / 1024.0) for x in r["slow"])
    storm = ("%d suspend + resume, %d events to each of 4 slow readers"
             % (args.storm_rounds, 2 * args.storm_rounds))
    row("slow readers: VmRSS before the storm, each run (MiB)",
        lambda r: runs(r, "before"), ratio=False)
    row("VmRSS peak during %s, each run (MiB)" % storm, lambda r: runs(r, "peak"),
        ratio=False)
    row("VmRSS once the slow readers closed, each run (MiB)", lambda r: runs(r, "closed"),
        ratio=False)
    row("VmRSS growth during the storm, peak - before (MiB)",
        lambda r: median([x["peak"] - x["before"] for x in r["slow"]]) / 1024.0)
    row("slow readers dropped by the daemon, of 4, each run",
        lambda r: " / ".join("%d" % x["dropped"] for x in r["slow"]), ratio=False)
    row("storm wall time (s)", lambda r: sr(r, "storm"))
    row("good client: virsh list answered / tried (all runs)",
        lambda r: "%d/%d" % (sum(x["answered"] for x in r["slow"]),
                             sum(x["tried"] for x in r["slow"])), ratio=False)
    row("good client: virsh list during the storm, p50 (ms)",
        lambda r: median([x["list_p50"] for x in r["slow"]]) * 1000)
    row("XML bomb, %d attributes on one element: daemon CPU, utime + stime "
        "(ms, 10 ms ticks)" % args.bomb_attrs,
        lambda r: median([x[0] for x in r["bomb"]]) * 1000, "%.0f")
    row("XML bomb: defineXML wall time (ms)",
        lambda r: median([x[1] for x in r["bomb"]]) * 1000, "%.1f")
    for n in names:
        print("\n%s: %s" % (n, results[n]["bomb"][-1][2]))


def machine():
    with open("/proc/meminfo") as fh:
        mem = int(re.search(r"MemTotal:\s+(\d+)", fh.read()).group(1)) // 1024
    qemu = run(["qemu-system-x86_64", "--version"]).stdout.splitlines()[0]
    return ("nproc %d, %d MiB, kernel %s, %s, %s" %
            (os.cpu_count(), mem, platform.release(), qemu,
             time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))


def fmt_ratio(a, b):
    return "%.2f" % (a / b) if a and b else "-"


def ensure_user():
    try:
        pwd.getpwnam(BENCH_USER)
    except KeyError:
        run(["useradd", "-r", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin",
             BENCH_USER])


CLEANUPS = []


def cleanup():
    # once, whatever signal comes meanwhile
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while CLEANUPS:
        fn = CLEANUPS.pop()
        try:
            fn()
        except Exception as e:  # clean up the rest whatever happens
            sys.stderr.write("cleanup: %s\n" % e)


def on_signal(signum, frame):
    raise SystemExit(128 + signum)


def become_subreaper():
    """libvirtd's QEMUs daemonize, so their zombies go to PID 1; where PID 1
    reaps slowly (this build VM's init does), libvirtd's destroy waits for
    each pid to vanish and takes 15 s.  Adopt them instead and reap them at
    once, as systemd would."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
            return
    except OSError:
        return

    def reap():
        me = os.getpid()
        while True:
            kids = []
            for tid in os.listdir("/proc/%d/task" % me):
                try:
                    with open("/proc/%d/task/%s/children" % (me, tid)) as fh:
                        kids += fh.read().split()
                except OSError:
                    pass
            for pid in kids:
                try:
                    with open("/proc/%s/stat" % pid) as fh:
                        comm, rest = fh.read().rsplit(")", 1)
                except OSError:
                    continue
                if rest.split()[0] == "Z" and "qemu-system" in comm:
                    try:
                        os.waitpid(int(pid), os.WNOHANG)
                    except ChildProcessError:
                        pass
            time.sleep(0.02)
    threading.Thread(target=reap, daemon=True).start()


def print_parallel(results, names, args):
    print("\n## 4. %d parallel active commits (16 MiB each), %d event subscribers\n" %
          (args.domains, args.subscribers))
    print("| daemon | starting the domains s | then booting s | jobs completed | "
          "events delivered / expected | wall s | of which blockCommit calls s | "
          "pivot calls s | blockJobInfo p50 µs | p99 µs | samples |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in names:
        p = results[n]["par"]
        print("| %s | %.1f | %.1f | %d/%d | %d/%d | %.1f | %.1f | %.1f | %.0f | %.0f | %d |" %
              (n, p["create"], p["settle"], p["done"], args.domains, p["delivered"],
               p["expected"], p["elapsed"], p["started"], p["pivots"], p["p50"], p["p99"],
               p["samples"]))


def print_guests(results, names, args):
    lv = "libvirtd" in results and "virtblockd" in results
    print("\n## 6. real guests: the test guest under TCG, direct kernel boot "
          "(median of %d)\n" % args.runs)
    print("| figure | " + " | ".join(names) + (" | virtblockd/libvirtd |" if lv else " |"))
    print("|---" * (len(names) + 1 + (1 if lv else 0)) + "|")

    def row(label, key, k):
        if key not in results[names[0]]:
            return
        vals = [results[n][key][k] for n in names]
        if None in vals:
            print("| %s (s) | %s%s |" % (label, " | ".join("—" if v is None else "%.2f" % v
                                                           for v in vals),
                                         " | —" if lv else ""))
            return
        print("| %s (s) | %s%s |" % (label, " | ".join("%.2f" % v for v in vals),
                                     (" | " + fmt_ratio(vals[0], vals[1])) if lv else ""))

    row("define + start calls", "guest_boot", 1)
    row("define to the guest init's banner", "guest_boot", 0)
    row("attach of a disk to the running guest (live)", "hotplug", 0)
    row("detach of that disk, until the guest let go", "hotplug", 1)
    row("attach-interface of a NIC on an existing bridged tap (managed='no')", "nethotplug", 0)
    row("detach-interface of that NIC, until the guest let go", "nethotplug", 1)
    row("attach-interface of a bridge NIC, tap made by the daemon", "nethotplug", 2)
    row("detach-interface of that NIC, tap removed", "nethotplug", 3)
    row("virt-install --import wall time", "virtinstall", 0)
    row("virt-install start to the guest init's banner", "virtinstall", 1)

    def row_ms(label, key, k):
        if key not in results[names[0]]:
            return
        vals = [results[n][key][k] for n in names]
        print("| %s (ms) | %s%s |" % (label, " | ".join("%.2f" % v for v in vals),
                                      (" | " + fmt_ratio(vals[0], vals[1])) if lv else ""))

    row_ms("agent round trip: qemu-agent-command guest-ping", "agent", 0)
    row_ms("agent round trip: guest-ping, p99", "agent", 2)
    row_ms("agent round trip: virDomainGetTime (guest-get-time)", "agent", 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per median (default 3)")
    ap.add_argument("--big", action="store_true", help="1 GiB commit instead of 256 MiB")
    ap.add_argument("--calls", type=int, default=1000, help="RPC calls per figure")
    ap.add_argument("--rss-domains", type=int, default=50)
    ap.add_argument("--domains", type=int, default=20, help="parallel commits")
    ap.add_argument("--subscribers", type=int, default=20)
    ap.add_argument("--soak", type=int, metavar="ROUNDS",
                    help="run only the soak loop, ROUNDS rounds per daemon")
    ap.add_argument("--only", choices=["virtblockd", "libvirtd"],
                    help="bench one daemon only")
    ap.add_argument("--parallel-only", action="store_true",
                    help="run only the parallel commits (and the memory figures)")
    ap.add_argument("--snapdelete-only", action="store_true",
                    help="run only the snapshot-delete figure")
    ap.add_argument("--snapchildren-only", type=int, metavar="LAYERS",
                    help="run only snapshot-delete --children of a line of LAYERS snapshots "
                    "(virtblockd only; --data-mib per layer, default 64)")
    ap.add_argument("--guests-only", action="store_true",
                    help="run only the real guest figures (boot, virt-install)")
    ap.add_argument("--nethotplug-only", action="store_true",
                    help="run only the NIC hotplug figures (a bridge in the host's namespace)")
    ap.add_argument("--no-guests", action="store_true",
                    help="leave out the real guest figures")
    ap.add_argument("--hostile-only", action="store_true",
                    help="run only the hostile clients (slow readers, XML bomb)")
    ap.add_argument("--storm-rounds", type=int, default=6000,
                    help="suspend + resume rounds while the slow readers wait (default 6000)")
    ap.add_argument("--bomb-attrs", type=int, default=30000,
                    help="attributes on the XML bomb's element (default 30000)")
    ap.add_argument("--data-mib", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if os.geteuid() != 0:
        sys.exit("run as root: libvirtd is started under the user %s" % BENCH_USER)
    if not os.path.exists(VIRTBLOCKD):
        sys.exit("%s is missing: meson setup build && ninja -C build" % VIRTBLOCKD)

    atexit.register(cleanup)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    become_subreaper()
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=event_loop, daemon=True).start()

    tmp = tempfile.mkdtemp(prefix="vbb", dir="/var/tmp")
    os.chmod(tmp, 0o755)
    CLEANUPS.append(lambda: shutil.rmtree(tmp, ignore_errors=True))

    kinds = [Virtblockd]
    if args.only != "virtblockd" and not args.snapchildren_only:
        if os.path.exists(LIBVIRTD):
            ensure_user()
            kinds.append(Libvirtd)
        else:
            print("# %s is not installed: no libvirtd figures "
                  "(apt-get install libvirt-daemon-system libvirt-daemon-driver-qemu)"
                  % LIBVIRTD)
    if args.only == "libvirtd":
        kinds = [k for k in kinds if k is Libvirtd]

    data_mib = args.data_mib or (1024 if args.big else 256)
    print("# machine: " + machine())
    print("# %s" % " ".join(sys.argv))
    results = {}
    daemons = []
    for kind in kinds:
        work = os.path.join(tmp, kind.name)
        os.makedirs(os.path.join(work, "images"))
        d = kind(work)
        d.imgdir = os.path.join(work, "images")
        CLEANUPS.append(d.stop)
        d.start()
        d.control = d.connect()
        EVENTS.subscribe(d.control, d.name)
        daemons.append(d)
        results[d.name] = {"mem_idle": memory_kib(d.pid)}
        sys.stderr.write("%s: pid %d, %s\n" % (kind.name, d.pid, d.uri))

    def each(label, fn):
        sys.stderr.write(label + "\n")
        for d in daemons:
            # what the previous step wrote must not be flushed under this one
            os.sync()
            results[d.name].setdefault(label, []).append(fn(d))

    def nethotplug_medians():
        for r in results.values():
            r["nethotplug"] = [None if r["nethotplug"][0][k] is None else
                               median([x[k] for x in r["nethotplug"]]) for k in range(4)]

    def guests():
        guest = vbguest.build()
        bench_net_setup()
        for _ in range(args.runs):
            each("guest_boot", lambda d: bench_guest_boot(d, guest))
            each("hotplug", lambda d: bench_hotplug(d, guest))
            each("nethotplug", lambda d: bench_nethotplug(d, guest))
            if VIRT_INSTALL:
                each("virtinstall", lambda d: bench_virtinstall(d, guest))
            each("agent", lambda d: bench_agent_roundtrip(d, guest))
        for r in results.values():
            r["guest_boot"] = [median([x[k] for x in r["guest_boot"]]) for k in range(2)]
            r["hotplug"] = [median([x[k] for x in r["hotplug"]]) for k in range(2)]
            r["agent"] = [median([x[k] for x in r["agent"]]) for k in range(3)]
            if VIRT_INSTALL:
                r["virtinstall"] = [median([x[k] for x in r["virtinstall"]]) for k in range(2)]
        nethotplug_medians()

    def hostile():
        for _ in range(args.runs):
            each("slow", lambda d: bench_slow_readers(d, d.imgdir, args.storm_rounds))
        for _ in range(args.runs):
            each("bomb", lambda d: bench_xml_bomb(d, args.bomb_attrs))

    if args.soak:
        for d in daemons:
            results[d.name]["soak"] = bench_soak(d, d.imgdir, args.soak)
    elif args.snapchildren_only:
        for _ in range(args.runs):
            each("snapchildren", lambda d: bench_snapchildren(d, d.imgdir,
                                                              args.snapchildren_only,
                                                              args.data_mib or 64))
        for r in results.values():
            r["snapchildren"] = median(r["snapchildren"])
    elif args.snapdelete_only:
        for _ in range(args.runs):
            each("snapdelete", lambda d: bench_snapdelete(d, d.imgdir, data_mib))
            each("snapdelete_off",
                 lambda d: bench_snapdelete(d, d.imgdir, data_mib, running=False))
        for r in results.values():
            r["snapdelete"] = median(r["snapdelete"])
            r["snapdelete_off"] = median(r["snapdelete_off"])
    elif args.guests_only:
        guests()
    elif args.nethotplug_only:
        guest = vbguest.build()
        bench_net_setup()
        for _ in range(args.runs):
            each("nethotplug", lambda d: bench_nethotplug(d, guest))
        nethotplug_medians()
    elif args.hostile_only:
        hostile()
    elif args.parallel_only:
        each("%d parallel commits" % args.domains,
             lambda d: bench_parallel(d, d.imgdir, args.domains, args.subscribers, 16))
        for r in results.values():
            r["par"] = r.pop("%d parallel commits" % args.domains)[0]
    else:
        sys.stderr.write("RPC\n")
        for name, v in bench_rpc(daemons, args.calls).items():
            results[name]["rpc"] = v
        for _ in range(max(5, args.runs)):
            each("virsh_list", lambda d: bench_virsh_list(d, 1))
        for _ in range(args.runs):
            each("commit_virsh", lambda d: bench_commit_virsh(d, d.imgdir, data_mib))
            each("commit_api", lambda d: bench_commit_api(d, d.imgdir, data_mib))
            each("snapdelete", lambda d: bench_snapdelete(d, d.imgdir, data_mib))
            each("snapdelete_off",
                 lambda d: bench_snapdelete(d, d.imgdir, data_mib, running=False))
        for _ in range(max(5, args.runs)):
            each("tiny", lambda d: bench_commit_api(d, d.imgdir, 1))
        for r in results.values():
            r["virsh_list"] = median(r["virsh_list"])
            r["commit_virsh"] = median(r["commit_virsh"])
            r["snapdelete"] = median(r["snapdelete"])
            r["snapdelete_off"] = median(r["snapdelete_off"])
            r["commit_api"] = [median([x[k] for x in r["commit_api"]]) for k in range(4)]
            r["tiny"] = [median([x[k] for x in r["tiny"]]) for k in range(4)]
        each("RSS with %d domains" % args.rss_domains,
             lambda d: bench_rss(d, d.imgdir, args.rss_domains))
        each("%d parallel commits" % args.domains,
             lambda d: bench_parallel(d, d.imgdir, args.domains, args.subscribers, 16))
        for r in results.values():
            r["rss"] = r.pop("RSS with %d domains" % args.rss_domains)[0]
            r["par"] = r.pop("%d parallel commits" % args.domains)[0]
        if not args.no_guests:
            guests()
        hostile()
    for d in daemons:
        d.stop()
        CLEANUPS.remove(d.stop)

    names = list(results)
    lv = "libvirtd" in results and "virtblockd" in results
    if args.soak:
        print("\n## soak: snapshot --disk-only, guest write, active commit + pivot, "
              "data checked each round\n")
        print("| daemon | rounds | seconds | rounds/min |")
        print("|---|---|---|---|")
        for n in names:
            rounds, el = results[n]["soak"]
            print("| %s | %d | %.1f | %.1f |" % (n, rounds, el, rounds * 60.0 / el))
        return 0
    if args.parallel_only:
        print_parallel(results, names, args)
        return 0
    if args.snapchildren_only:
        per = args.data_mib or 64
        print("\n## snapshot-delete --children, %d layers of %d MiB, running (median of %d)\n"
              % (args.snapchildren_only, per, args.runs))
        print("| daemon | seconds | MiB of the layers per second |")
        print("|---|---|---|")
        for n in names:
            secs = results[n]["snapchildren"]
            print("| %s | %.2f | %.1f |" % (n, secs, args.snapchildren_only * per / secs))
        return 0
    if args.snapdelete_only:
        print("\n## snapshot-delete, %d MiB in the overlay (median of %d)\n" %
              (data_mib, args.runs))
        print("| daemon | domain | seconds | MiB/s |")
        print("|---|---|---|---|")
        for n in names:
            for label, key in (("running", "snapdelete"), ("shut off", "snapdelete_off")):
                print("| %s | %s | %.2f | %.1f |" % (n, label, results[n][key],
                                                     data_mib / results[n][key]))
        return 0
    if args.guests_only or args.nethotplug_only:
        print_guests(results, names, args)
        return 0
    if args.hostile_only:
        print_hostile(results, names, args)
        return 0

    imgdir = os.path.join(tmp, "dd")
    os.makedirs(imgdir)
    dd, ddcopy = bench_dd(imgdir, data_mib, args.runs)
    floor = rss_floor_kib()

    def row(label, unit, conv):
        vals = [conv(results[n]) for n in names]
        cells = [("%.1f" % v) for v in vals]
        ratio = ""
        if lv:
            ratio = " | " + fmt_ratio(vals[0], vals[1])
        print("| %s | %s%s |" % (label + " (" + unit + ")", " | ".join(cells), ratio))

    head = "| figure | " + " | ".join(names) + (" | virtblockd/libvirtd |" if lv else " |")
    sep = "|---" * (len(names) + 1 + (1 if lv else 0)) + "|"

    print("\n## 1. end-to-end active commit + pivot, %d MiB in the top layer "
          "(median of %d)\n" % (data_mib, args.runs))
    print(head)
    print(sep)
    mibs = lambda s: data_mib / s
    row("virsh blockcommit --active --pivot", "MiB/s",
        lambda r: mibs(r["commit_virsh"]))
    row("API: commit, READY event, pivot, COMPLETED event", "MiB/s",
        lambda r: mibs(r["commit_api"][0]))
    row("virsh snapshot-delete of the current snapshot, running", "MiB/s",
        lambda r: mibs(r["snapdelete"]))
    row("virsh snapshot-delete of the current snapshot, shut off", "MiB/s",
        lambda r: mibs(r["snapdelete_off"]))
    print("| dd if=/dev/zero conv=fsync, same filesystem (MiB/s) | %.1f |%s" %
          (mibs(dd), " |" if lv else ""))
    print("| dd copy of the same data, conv=fsync, same filesystem (MiB/s) | %.1f |%s" %
          (mibs(ddcopy), " |" if lv else ""))
    for n in names:
        print("| %s: time relative to dd zero, virsh / API | %.2f / %.2f |" %
              (n, results[n]["commit_virsh"] / dd, results[n]["commit_api"][0] / dd))
        print("| %s: time relative to dd copy, virsh / API | %.2f / %.2f |" %
              (n, results[n]["commit_virsh"] / ddcopy, results[n]["commit_api"][0] / ddcopy))

    print("\n## 2. control plane\n")
    print(head)
    print(sep)
    for label in ("getLibVersion", "listAllDomains"):
        row("%s mean, %d calls" % (label, args.calls), "µs",
            lambda r: r["rpc"][label][0])
        row("%s p99" % label, "µs", lambda r: r["rpc"][label][1])
    row("virsh list --all wall time", "ms", lambda r: r["virsh_list"] * 1000)
    row("blockCommit return to READY event, 1 MiB top", "ms",
        lambda r: r["tiny"][1] * 1000)
    row("blockCommit call to READY event, 1 MiB top", "ms", lambda r: r["tiny"][3] * 1000)
    row("blockJobAbort PIVOT call, 1 MiB top", "ms", lambda r: r["tiny"][2] * 1000)
    row("whole tiny commit: call to COMPLETED event", "ms",
        lambda r: r["tiny"][0] * 1000)

    print("\n## 3. daemon memory (smaps_rollup: RSS, PSS, private = not shared)\n")
    print(head)
    print(sep)
    for k, what in enumerate(("RSS", "PSS", "private")):
        row("%s idle, just started" % what, "MiB", lambda r: r["mem_idle"][k] / 1024.0)
        row("%s after the benches above" % what, "MiB", lambda r: r["rss"][0][k] / 1024.0)
        row("%s with %d running TCG domains" % (what, args.rss_domains), "MiB",
            lambda r: r["rss"][1][k] / 1024.0)
    if floor:
        print("\nbench/benchrssfloor (the daemon's libraries started up, doing "
              "nothing): RSS %.1f MiB, PSS %.1f MiB, private %.1f MiB" %
              tuple(x / 1024.0 for x in floor))

    print_parallel(results, names, args)
    if not args.no_guests:
        print_guests(results, names, args)
    print_hostile(results, names, args)

    print("\n## 5. chain probing (build/bench/benchchainprobe 50)\n")
    if os.path.exists(CHAINPROBE):
        print("```\n" + run([CHAINPROBE, "50"]).stdout.rstrip() + "\n```")
    else:
        print("(%s not built)" % CHAINPROBE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
