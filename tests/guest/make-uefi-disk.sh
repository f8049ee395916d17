#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds a raw disk image that UEFI firmware (OVMF) boots on its own: a FAT
# file system over the whole disk holding /EFI/BOOT/BOOTX64.EFI, a unified
# kernel image made of systemd-boot's EFI stub (Debian's systemd-boot-efi)
# with the test guest of make-guest.sh (kernel, initramfs) and the kernel
# command line given as the only argument.  Prints, on stdout,
#
#   VB_UEFI_DISK=<cache>/uefi-<key>/disk.raw
#
# and progress on stderr.  The image is cached next to the guest's builds
# ($VB_GUEST_CACHE, see make-guest.sh) under a key made of the guest's key,
# the stub's package version, the command line and this script; the .deb
# stays in the cache's debs/.  Use a copy: a guest writes to its disk.
#
# Needs: make-guest.sh's tools, objcopy (binutils), mkfs.vfat (dosfstools),
# mmd and mcopy (mtools); scripts/install-deps.sh installs them.
#
# Usage: tests/guest/make-uefi-disk.sh 'console=ttyS0 vbguest.mode=poweroff'
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${VB_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virtblockd-test-guest}
stub_pkg=systemd-boot-efi
# The disk: the FAT file system fills it (no partition table: OVMF reads a
# whole-disk FAT as removable media does)
disk_mib=48

log() {
    echo "make-uefi-disk: $*" >&2
}

die() {
    log "error: $*"
    exit 1
}

[ $# = 1 ] || die "usage: make-uefi-disk.sh CMDLINE"
cmdline=$1
for tool in objcopy mkfs.vfat mmd mcopy; do
    command -v "$tool" >/dev/null || die "$tool is missing (run scripts/install-deps.sh)"
done

guest=$("$here/make-guest.sh")
eval "$guest"
[ -f "$VB_GUEST_KERNEL" ] && [ -f "$VB_GUEST_INITRD" ] || die "make-guest.sh gave no guest"

# the stub's version from the local apt lists; without them, a cached .deb
stub_ver=$(apt-cache show --no-all-versions "$stub_pkg" 2>/dev/null |
    sed -n 's/^Version: //p' | head -n 1) || true
mkdir -p "$cache/debs"
if [ -n "$stub_ver" ]; then
    deb=("$cache/debs/${stub_pkg}_${stub_ver//:/%3a}_"*.deb)
else
    deb=($(ls -t "$cache/debs/${stub_pkg}_"*.deb 2>/dev/null || true))
    [ -n "${deb[0]:-}" ] || die "apt knows no $stub_pkg and none is cached"
    log "warning: apt knows no $stub_pkg; using ${deb[0]##*/}"
fi

inputs=$( (echo "$VB_GUEST_KEY" "${stub_ver:-${deb[0]##*/}}" && printf '%s\n' "$cmdline" &&
    cat "$here/make-uefi-disk.sh") | sha256sum | cut -c1-16)
out=$cache/uefi-$inputs
# images unused for 30 days go, as make-guest.sh's builds do
find "$cache" -mindepth 1 -maxdepth 1 -type d -name 'uefi-*' -mtime +30 \
    -exec rm -rf {} + 2>/dev/null || true
if [ -f "$out/disk.raw" ]; then
    touch "$out"
    echo "VB_UEFI_DISK=$out/disk.raw"
    exit 0
fi

tmp=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "${deb[0]}" ]; then
    log "downloading $stub_pkg=$stub_ver"
    (cd "$tmp" && apt-get download -q=2 "$stub_pkg=$stub_ver") 2>&1 |
        grep -v 'Download is performed unsandboxed' >&2 || true
    found=("$tmp/${stub_pkg}_"*.deb)
    [ -f "${found[0]}" ] || die "apt-get download $stub_pkg gave no .deb"
    mv "${found[0]}" "$cache/debs/"
    deb=("$cache/debs/${found[0]##*/}")
fi
dpkg-deb -x "${deb[0]}" "$tmp/x"
stub=$(find "$tmp/x" -name linuxx64.efi.stub | head -n 1)
[ -f "$stub" ] || die "${deb[0]##*/} has no linuxx64.efi.stub"

# The unified kernel image: the stub finds the kernel, initramfs, command
# line and os-release in these PE sections.  The addresses are where the
# sections sit in the image; they only must not overlap (systemd 252's
# documented layout: the kernel at 32 MiB, the initramfs at 48 MiB, so a
# kernel up to 16 MiB).
kernel_size=$(stat -c %s "$VB_GUEST_KERNEL")
[ "$kernel_size" -lt $((16 * 1024 * 1024)) ] || die "the kernel is larger than 16 MiB"
printf 'NAME="virtblockd test guest"\nID=vbguest\nPRETTY_NAME="virtblockd test guest %s"\n' \
    "$VB_GUEST_KEY" >"$tmp/os-release"
printf '%s' "$cmdline" >"$tmp/cmdline"
objcopy \
    --add-section .osrel="$tmp/os-release" --change-section-vma .osrel=0x20000 \
    --add-section .cmdline="$tmp/cmdline" --change-section-vma .cmdline=0x30000 \
    --add-section .linux="$VB_GUEST_KERNEL" --change-section-vma .linux=0x2000000 \
    --add-section .initrd="$VB_GUEST_INITRD" --change-section-vma .initrd=0x3000000 \
    "$stub" "$tmp/BOOTX64.EFI"

mkfs.vfat -n VBGUEST -C "$tmp/disk.raw" $((disk_mib * 1024)) >/dev/null
mmd -i "$tmp/disk.raw" ::/EFI ::/EFI/BOOT
mcopy -i "$tmp/disk.raw" "$tmp/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

mkdir -p "$tmp/out"
mv "$tmp/disk.raw" "$tmp/out/disk.raw"
printf '%s\n' "$cmdline" >"$tmp/out/cmdline"
if ! mv -T "$tmp/out" "$out" 2>/dev/null; then
    [ -f "$out/disk.raw" ] || die "cannot move the build to $out"
fi
log "built $out"
echo "VB_UEFI_DISK=$out/disk.raw"
