# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtblockd's tiny real Linux test guest, for integration tests.

tests/guest/make-guest.sh builds (once, then from its cache) a Debian cloud
kernel (or, for USB devices, the generic one) and a busybox initramfs whose /init is driven by the kernel command
line (see tests/guest/init).  This module

- builds it and returns the paths (build()), or a disk image that UEFI
  firmware boots: the same guest as a unified kernel image (uefi_disk()),
- writes the command line and the <os> elements for direct kernel boot
  (cmdline(), os_xml()); it starts nothing itself,
- reads the guest's serial log: the banner, and the writer's records, into
  exactly the bytes that must be on the disk (WriterLog), and checks a disk
  image against them byte for byte (WriterLog.verify()).
"""

import os
import re
import subprocess
import tempfile
import time
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_GUEST = os.path.join(HERE, "..", "guest", "make-guest.sh")
MAKE_UEFI_DISK = os.path.join(HERE, "..", "guest", "make-uefi-disk.sh")

# Debian's ovmf: the descriptor of the firmware without Secure Boot (an
# unsigned kernel image boots only there) and the images it names
OVMF_FILES = ("/usr/share/qemu/firmware/60-edk2-x86_64.json",
              "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd")


def ovmf_missing():
    """What of Debian's ovmf is missing (None: all there)."""
    missing = [path for path in OVMF_FILES if not os.path.exists(path)]
    return ", ".join(missing) if missing else None

# The line the guest prints once its disks are there and it starts its mode.
# Its uptime is the guest's seconds from kernel start to there.
READY_RE = re.compile(r"^vbguest: ready mode=(\S+) uptime=([0-9.]+)\s*$", re.M)
RECORD_RE = re.compile(r"^vbguest: wrote seq=(\d+) off=(\d+) len=(\d+) pat=(\d+)\s*$", re.M)
DONE_RE = re.compile(r"^vbguest: writer done records=(\d+)\s*$", re.M)
POWEROFF_RE = re.compile(r"^vbguest: poweroff\s*$", re.M)
ERROR_RE = re.compile(r"^vbguest: error: (.*?)\s*$", re.M)

# What the console accepts while the writer runs: ends it after its record.
STOP_LINE = "vbguest-stop\n"


class Guest:
    """A built guest: kernel and initrd paths and the cache key."""

    def __init__(self, kernel, initrd, key):
        self.kernel = kernel
        self.initrd = initrd
        self.key = key

    def os_xml(self, cmdline_text):
        """The domain XML's direct kernel boot elements, for inside <os>."""
        return ("<kernel>%s</kernel><initrd>%s</initrd><cmdline>%s</cmdline>" %
                (escape(self.kernel), escape(self.initrd), escape(cmdline_text)))

    def qemu_args(self, cmdline_text):
        """The same for a plain QEMU command line."""
        return ["-kernel", self.kernel, "-initrd", self.initrd, "-append", cmdline_text]


def build(cache=None, timeout=900, flavour=None):
    """Runs make-guest.sh (downloading and building only when its cache has
    no build for today's package versions and script) and returns a Guest.
    @cache overrides $VB_GUEST_CACHE; @flavour 'generic' is the guest on
    Debian's generic kernel, with USB drivers (slower to boot)."""
    env = dict(os.environ)
    if cache:
        env["VB_GUEST_CACHE"] = cache
    if flavour:
        env["VB_GUEST_FLAVOUR"] = flavour
    proc = subprocess.run([MAKE_GUEST], env=env, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError("make-guest.sh failed (%d):\n%s" % (proc.returncode, proc.stderr))
    vals = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    return Guest(vals["VB_GUEST_KERNEL"], vals["VB_GUEST_INITRD"], vals["VB_GUEST_KEY"])


def uefi_disk(cmdline_text, cache=None, timeout=900):
    """Runs make-uefi-disk.sh and returns the path of the cached raw disk
    image whose /EFI/BOOT/BOOTX64.EFI boots the guest with @cmdline_text
    (a unified kernel image: systemd-boot's stub, kernel, initramfs).  The
    image is shared: boot a copy."""
    env = dict(os.environ)
    if cache:
        env["VB_GUEST_CACHE"] = cache
    proc = subprocess.run([MAKE_UEFI_DISK, cmdline_text], env=env, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError("make-uefi-disk.sh failed (%d):\n%s" %
                             (proc.returncode, proc.stderr))
    vals = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    return vals["VB_UEFI_DISK"]


def cmdline(mode="idle", then=None, disk=None, off=None, bs=None, slots=None, count=None,
            script=None, agent=None, net=None, extra=""):
    """The kernel command line for a guest in @mode (idle, writer, poweroff,
    shell, script); the other arguments become vbguest.* parameters (see
    tests/guest/init).  The serial console is ttyS0; the kernel is quiet
    and a panic ends QEMU (with -no-reboot or on_reboot destroy)."""
    args = ["console=ttyS0", "quiet", "panic=-1", "vbguest.mode=" + mode]
    for name, val in (("then", then), ("disk", disk), ("off", off), ("bs", bs),
                      ("slots", slots), ("count", count), ("script", script),
                      ("agent", agent), ("net", net)):
        if val is not None:
            args.append("vbguest.%s=%s" % (name, val))
    if extra:
        args.append(extra)
    return " ".join(args)


def script_image(path, text):
    """Writes @text as a raw disk image for vbguest.mode=script (the guest
    runs it with sh; at most 64 KiB)."""
    data = text.encode()
    if len(data) > 65536:
        raise ValueError("guest script longer than 64 KiB")
    with open(path, "wb") as f:
        f.write(data)
        f.truncate(1024 * 1024)
    return path


def read_log(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")
    except FileNotFoundError:
        return ""


def wait_log(path, regex, timeout, what, proc=None):
    """Waits until the serial log @path matches @regex and returns the match.
    Fails at once when the guest reports an error or QEMU (@proc, a Popen)
    has exited, and after @timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        text = read_log(path)
        m = regex.search(text)
        if m:
            return m
        err = ERROR_RE.search(text)
        if err:
            raise AssertionError("guest error while waiting for %s: %s\n%s" %
                                 (what, err.group(1), text[-4000:]))
        if proc is not None and proc.poll() is not None:
            # QEMU is gone; read the log once more, it may have written the
            # line just before exiting
            m = regex.search(read_log(path))
            if m:
                return m
            raise AssertionError("QEMU exited (%d) while waiting for %s:\n%s" %
                                 (proc.returncode, what, text[-4000:]))
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s:\n%s" %
                                 (timeout, what, text[-4000:]))
        time.sleep(0.05)


def record_bytes(seq, off, length):
    """The bytes of writer record @seq at @off: an ASCII header line, then
    the byte seq % 255 + 1 up to @length (as tests/guest/init writes it)."""
    header = ("VBGUEST seq=%d off=%d\n" % (seq, off)).encode()
    return header + bytes([seq % 255 + 1]) * (length - len(header))


class WriterLog:
    """The writer's records in a serial log: what must be on the disk."""

    def __init__(self, text):
        # a line still being printed when QEMU stopped is no record yet
        text = text[:text.rfind("\n") + 1]
        self.text = text
        self.records = [tuple(int(v) for v in m.groups()) for m in RECORD_RE.finditer(text)]
        done = DONE_RE.search(text)
        self.done = int(done.group(1)) if done else None
        for i, (seq, _, length, pat) in enumerate(self.records):
            if seq != i or pat != seq % 255 + 1:
                raise AssertionError("writer record %d reads seq=%d pat=%d: log garbled?" %
                                     (i, seq, pat))
        if self.done is not None and self.done != len(self.records):
            raise AssertionError("writer says %d records, the log has %d" %
                                 (self.done, len(self.records)))

    @classmethod
    def from_file(cls, path):
        return cls(read_log(path))

    def expected(self):
        """{offset: bytes}: the last record written at each offset."""
        blocks = {}
        for seq, off, length, _ in self.records:
            blocks[off] = record_bytes(seq, off, length)
        return blocks

    def verify(self, image, fmt="qcow2", unwritten=None, slack=None):
        """Checks @image (format @fmt; a qcow2 is read through its backing
        chain) byte for byte against the log and returns the number of
        blocks checked.  @unwritten, a byte, is what every byte between the
        first and the last block written must hold where no record went.
        @slack is (off, bs, slots) of a writer stopped from outside: the slot
        after the last logged record may then hold that next record or what
        it held before, since the guest writes a record before it logs it."""
        blocks = self.expected()
        if not blocks:
            raise AssertionError("the log has no writer records")
        choices = {off: [data] for off, data in blocks.items()}
        if slack is not None:
            off0, bs, slots = slack
            seq = len(self.records)
            at = off0 + (seq % slots) * bs
            before = blocks.get(at)
            if before is None and unwritten is not None:
                before = bytes([unwritten]) * bs
            # None: nothing known of the slot before, so anything goes
            choices[at] = [record_bytes(seq, at, bs), before] if before else None
        start = min(choices)
        end = max(off + len(data) for off, data in blocks.items())
        if slack is not None:
            end = max(end, at + bs)
        raw = read_range(image, fmt, start, end - start)
        bad = []
        pos = start
        for off, options in sorted(choices.items()):
            length = len(options[0]) if options else slack[1]
            got = raw[off - start:off - start + length]
            if options is not None and got not in options:
                bad.append("at %d: expected %r..., found %r..." % (off, options[0][:40], got[:40]))
            if unwritten is not None and raw[pos - start:off - start].strip(bytes([unwritten])):
                bad.append("bytes %d..%d, which no record reached, changed" % (pos, off))
            pos = off + length
        if bad:
            raise AssertionError("%s does not hold what the guest wrote:\n%s" %
                                 (image, "\n".join(bad[:10])))
        return len(blocks)

    def qemu_io_commands(self):
        """The same check as qemu-io 'read -P' commands: the fill of every
        block (the header is not a single byte, so verify() checks it)."""
        cmds = []
        for off, data in sorted(self.expected().items()):
            hdr = data.index(b"\n") + 1
            cmds.append("read -q -P 0x%02x %d %d" % (data[-1], off + hdr, len(data) - hdr))
        return cmds


def read_range(image, fmt, offset, length):
    """Bytes [@offset, @offset + @length) of the disk @image presents, read
    through qemu-img convert and a raw driver with offset and size (no NBD,
    no mount; works on images no QEMU holds a write lock on)."""
    opts = ("driver=raw,offset=%d,size=%d,file.driver=%s,file.file.driver=file,"
            "file.file.filename=%s" % (offset, length, fmt, image.replace(",", ",,")))
    with tempfile.TemporaryDirectory(prefix="vbguest-") as tmp:
        out = os.path.join(tmp, "range.raw")
        proc = subprocess.run(["qemu-img", "convert", "--image-opts", opts, "-O", "raw", out],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise AssertionError("qemu-img convert of %s failed: %s" % (image, proc.stderr))
        with open(out, "rb") as f:
            return f.read()
