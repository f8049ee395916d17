#!/bin/bash
# The main job, as a user sees it: build virtblockd, start it on a private
# root, boot a small real Linux guest (tests/guest/make-guest.sh: Debian's
# cloud kernel and a busybox initramfs, built once and cached) by direct
# kernel boot on a 4-layer qcow2 chain, let it write records to its disk
# while `virsh blockcommit demo vda --active --pivot --verbose` runs, let it
# power itself off, check the whole disk byte for byte against what the
# layers held and what the guest says it wrote, and stop everything that
# was started.
#
# Usage (as root on Debian 12): scripts/demo.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" = 0 ]; then
    scripts/install-deps.sh
fi
if [ ! -f build-demo/build.ninja ]; then
    meson setup build-demo >/dev/null
fi
ninja -C build-demo >/dev/null

work=$(mktemp -d /tmp/virtblockd-demo-XXXXXX)
daemon_pid=
cleanup() {
    set +e
    if [ -n "$daemon_pid" ]; then
        virsh -q -c "$uri" destroy demo >/dev/null 2>&1
        kill "$daemon_pid" 2>/dev/null
        wait "$daemon_pid" 2>/dev/null
    fi
    for f in "$work"/root/run/qemu/*.xml; do
        [ -f "$f" ] || continue
        pid=$(sed -n "s/.*pid='\([0-9]*\)'.*/\1/p" "$f" | head -1)
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

uri="qemu+unix:///session?socket=$work/root/run/virtblockd-sock"
v() { virsh -q -c "$uri" "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "Building (or taking from its cache) the test guest"
guest=$(tests/guest/make-guest.sh)
kernel=$(sed -n 's/^VB_GUEST_KERNEL=//p' <<<"$guest")
initrd=$(sed -n 's/^VB_GUEST_INITRD=//p' <<<"$guest")
echo "kernel $kernel"
echo "initrd $initrd"

step "Creating the chain base <- snap1 <- snap2 <- top (64 MiB, one pattern per layer)"
cd "$work"
qemu-img create -q -f qcow2 base.qcow2 64M
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 snap1.qcow2
qemu-img create -q -f qcow2 -b snap1.qcow2 -F qcow2 snap2.qcow2
qemu-img create -q -f qcow2 -b snap2.qcow2 -F qcow2 top.qcow2
qemu-io -f qcow2 -c 'write -q -P 0x11 0 16M' base.qcow2
qemu-io -f qcow2 -c 'write -q -P 0x22 16M 8M' snap1.qcow2
qemu-io -f qcow2 -c 'write -q -P 0x33 24M 8M' snap2.qcow2
qemu-io -f qcow2 -c 'write -q -P 0x44 32M 8M' top.qcow2
qemu-img convert -O raw top.qcow2 expected.raw
cd "$top"

step "Starting virtblockd with --root $work/root"
build-demo/src/daemon/virtblockd --root "$work/root" --log "$work/virtblockd.log" &
daemon_pid=$!
for _ in $(seq 100); do
    [ -S "$work/root/run/virtblockd-sock" ] && break
    sleep 0.1
done

# The guest's writer: 800 records of 4 KiB over 64 slots from 44 MiB, each
# fsync'ed and then logged on the serial console; then it powers off.
cmdline="console=ttyS0 quiet panic=-1 vbguest.mode=writer vbguest.then=poweroff"
cmdline+=" vbguest.off=46137344 vbguest.bs=4096 vbguest.slots=64 vbguest.count=800"
log="$work/serial.log"
cat > "$work/demo.xml" <<XML
<domain type='qemu'>
  <name>demo</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$kernel</kernel>
    <initrd>$initrd</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$work/top.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'>
      <source path='$log'/>
      <target port='0'/>
    </serial>
  </devices>
</domain>
XML

# waits (at most $2 s) for the extended regex $1 in the guest's log
wait_log() {
    local i
    for i in $(seq $(($2 * 10))); do
        grep -Eq "$1" "$log" 2>/dev/null && return 0
        grep -E "^vbguest: error" "$log" 2>/dev/null && return 1
        sleep 0.1
    done
    echo "timed out waiting for '$1' in the guest's log" >&2
    return 1
}

step "virsh define + start (TCG, direct kernel boot)"
v define "$work/demo.xml"
v start demo
v domblklist demo --details
wait_log '^vbguest: ready mode=writer' 180
grep -a '^vbguest: ready' "$log"
wait_log '^vbguest: wrote seq=20 ' 300
echo "the guest is writing: $(grep -ac '^vbguest: wrote' "$log") records so far"

step "virsh blockcommit demo vda --active --pivot --verbose (8 MiB/s), the guest writing meanwhile"
virsh -c "$uri" blockcommit demo vda --active --pivot --verbose --bandwidth 8 2>&1
echo "the guest has written $(grep -ac '^vbguest: wrote' "$log") records"

step "After the pivot"
v domblklist demo
v dumpxml demo | grep -A3 "<disk" | head -8

step "Waiting for the guest to power itself off"
wait_log '^vbguest: poweroff' 600
grep -a '^vbguest: writer done' "$log"
for _ in $(seq 600); do
    [ "$(v domstate demo)" = "shut off" ] && break
    sleep 0.1
done
v domstate demo --reason

step "Checking the data byte for byte"
# the layers' patterns, then each block as the guest last wrote it
/usr/bin/python3 - "$log" "$work/expected.raw" <<'PY'
import sys
sys.path.insert(0, "tests/integration")
import vbguest
wlog = vbguest.WriterLog.from_file(sys.argv[1])
with open(sys.argv[2], "r+b") as f:
    for off, data in sorted(wlog.expected().items()):
        f.seek(off)
        f.write(data)
print("%d records, %d blocks" % (len(wlog.records), len(wlog.expected())))
PY
qemu-img compare -f qcow2 -F raw "$work/base.qcow2" "$work/expected.raw"
qemu-img check -q "$work/base.qcow2" && echo "base.qcow2: no errors"
echo
echo "The whole chain is in base.qcow2, with every block the guest wrote: demo passed."
