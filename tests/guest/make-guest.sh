#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds virtblockd's tiny test guest from Debian packages: the kernel of
# linux-image-cloud-amd64 and a gzip'ed newc initramfs holding busybox (from
# busybox-static), the virtio modules the cloud kernel has as modules,
# Debian's QEMU guest agent (qemu-ga from qemu-guest-agent), the chpasswd it
# runs for guest-set-user-password (from passwd, with pam_unix from
# libpam-modules: busybox-static has no chpasswd), the shared libraries ldd
# finds for those on this Debian host, a passwd/shadow/group with root and
# the user vbuser, and tests/guest/init.  Prints, on stdout, shell-style lines
#
#   VB_GUEST_KERNEL=<cache>/<key>/vmlinuz
#   VB_GUEST_INITRD=<cache>/<key>/initrd.gz
#   VB_GUEST_KEY=<key>
#
# and progress on stderr.  The build lands in $VB_GUEST_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/virtblockd-test-guest) under a key made of
# the exact package versions apt would install now and the contents of this
# script and of init, so a new kernel or an edited script or init builds
# anew and an old build is never taken for a new one.  The versions come
# from the local apt lists; without them (never updated, or being rewritten)
# the newest build of this script and init is used, with a warning.  The
# .deb files stay in the cache: once built or downloaded, no network is
# needed.  Builds and .debs unused for 30 days are removed.  Two runs at
# once are safe: each builds in its own temporary directory and renames it
# into place; the loser drops its copy and uses the winner's.
#
# Needs: apt-get, apt-cache, dpkg-deb, find, gzip, ldd, sha256sum (all in
# every Debian system); no root unless apt-get download needs it.
#
# VB_GUEST_FLAVOUR=generic builds the same guest on linux-image-amd64, with
# its USB host and storage drivers (xhci, usb-storage, uas, sd) too: the
# cloud kernel has no USB at all.  Only the tests of USB devices use it:
# its xz-compressed kernel takes TCG several seconds longer to boot.
#
# Usage: tests/guest/make-guest.sh [--force]   (--force rebuilds the key)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${VB_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virtblockd-test-guest}
force=0
[ "${1:-}" = --force ] && force=1

# What goes into the guest.  To add a package, name it here and copy what
# the guest needs from the extracted tree in add_payload below.
packages=(busybox-static qemu-guest-agent passwd libpam-modules)
# The modules the guest loads; their dependencies are added from each .ko's
# "depends=" and everything is loaded in dependency order.
modules=(virtio_pci virtio_blk virtio_console virtio_net virtio_balloon virtio-rng pvpanic-mmio)
flavour=${VB_GUEST_FLAVOUR:-cloud}
case "$flavour" in
cloud) kernel_meta=linux-image-cloud-amd64 ;;
generic)
    kernel_meta=linux-image-amd64
    modules+=(xhci-pci usb-storage uas sd_mod)
    ;;
*)
    echo "make-guest: error: VB_GUEST_FLAVOUR is 'cloud' or 'generic', not '$flavour'" >&2
    exit 1
    ;;
esac

log() {
    echo "make-guest: $*" >&2
}

die() {
    log "error: $*"
    exit 1
}

print_result() {
    echo "VB_GUEST_KERNEL=$out/vmlinuz"
    echo "VB_GUEST_INITRD=$out/initrd.gz"
    echo "VB_GUEST_KEY=$key"
}

# The build inputs besides the packages: a build records their hash
inputs=$( (cat "$here/make-guest.sh" "$here/init" && echo "$flavour") | sha256sum | cut -c1-16)

# unresolved <why>: apt cannot say what to build (no lists, say, or lists
# being rewritten): the newest build of these very inputs will do, said
# aloud; without one there is nothing to do but fail.
unresolved() {
    local dir
    dir=$(grep -lx "$inputs" "$cache"/*-amd64-*/inputs 2>/dev/null |
        xargs -r ls -td 2>/dev/null | head -n 1) || true
    [ -n "$dir" ] || die "$1 (run apt-get update, as scripts/install-deps.sh does)"
    out=${dir%/inputs}
    key=${out##*/}
    log "warning: $1; using the cached build $key of $(paste -sd' ' "$out/packages")"
    print_result
    exit 0
}

# --- what to build: exact versions from the local apt lists (no network) ---
# One apt-cache call (each parses all the lists): the candidates of the
# kernel meta package, whose Depends names the versioned kernel package and
# its exact version, and of the other packages.
pins=()
kernel_pin=''
pkg=''
while read -r field value; do
    case "$field" in
    Package:) pkg=$value ;;
    Version:) [ "$pkg" = "$kernel_meta" ] || pins+=("$pkg=$value") ;;
    Depends:)
        [ "$pkg" != "$kernel_meta" ] || kernel_pin=$(sed -n \
            's/.*\(linux-image-[^ ]*-amd64\) (= \([^)]*\)).*/\1=\2/p' <<<"$value")
        ;;
    esac
done < <(apt-cache show --no-all-versions "$kernel_meta" "${packages[@]}" 2>/dev/null)
[ -n "$kernel_pin" ] || unresolved "apt knows no $kernel_meta naming its kernel's version"
[ "${#pins[@]}" = "${#packages[@]}" ] || unresolved "apt knows not all of ${packages[*]}"
pins=("$kernel_pin" "${pins[@]}")
kernel_pkg=${kernel_pin%%=*}

kver=${kernel_pkg#linux-image-}
key="$kver-$( (printf '%s\n' "${pins[@]}" && echo "$inputs") | sha256sum | cut -c1-16)"
out="$cache/$key"

# deb_of <dir> <package=version>: the .deb apt-get download names so
# (an epoch's ':' is written %3a), or the pattern when there is none
deb_of() {
    local pkg=${2%%=*} ver=${2#*=} found
    found=("$1/${pkg}_${ver//:/%3a}_"*.deb)
    echo "${found[0]}"
}

# Builds and packages unused for 30 days go (a build's mtime is its last
# use); another worktree may still want the others.  So do the temporary
# directories of runs killed a day ago.
prune() {
    find "$cache" -mindepth 1 -maxdepth 1 -type d -name '.build.*' -mtime +1 \
        -exec rm -rf {} + 2>/dev/null || true
    find "$cache" -mindepth 1 -maxdepth 1 -type d -name '*-amd64-*' -mtime +30 \
        -exec rm -rf {} + 2>/dev/null || true
    find "$cache/debs" -name '*.deb' -mtime +30 -delete 2>/dev/null || true
}

if [ "$force" = 0 ] && [ -f "$out/initrd.gz" ] && [ -f "$out/vmlinuz" ]; then
    touch "$out"
    for pin in "${pins[@]}"; do
        deb=$(deb_of "$cache/debs" "$pin")
        [ ! -f "$deb" ] || touch "$deb"
    done
    prune
    print_result
    exit 0
fi

mkdir -p "$cache/debs"
tmp=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- the packages: from the cache, or downloaded there ---
debs=()
for pin in "${pins[@]}"; do
    deb=$(deb_of "$cache/debs" "$pin")
    if [ ! -f "$deb" ]; then
        log "downloading $pin"
        mkdir -p "$tmp/dl"
        (cd "$tmp/dl" && apt-get download -q=2 "$pin") 2>&1 |
            grep -v 'Download is performed unsandboxed' >&2 || true
        deb=$(deb_of "$tmp/dl" "$pin")
        [ -f "$deb" ] || die "apt-get download $pin gave no .deb"
        mv "$deb" "$cache/debs/"
        deb=$cache/debs/${deb##*/}
    fi
    debs+=("$deb")
done

log "building $key"
x=$tmp/x
root=$tmp/root
mkdir -p "$x" "$root"
for deb in "${debs[@]}"; do
    dpkg-deb -x "$deb" "$x"
done

# --- the initramfs tree ---
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,run,tmp,etc,lib/modules}

# busybox and a link for each applet at the path busybox gives for it
install -m 0755 "$x/bin/busybox" "$root/bin/busybox"
"$x/bin/busybox" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] || [ -e "$root/$applet" ] ||
        ln -s /bin/busybox "$root/$applet"
done

# modules: the closure of $modules under "depends=", dependencies first
moddir=$x/lib/modules/$kver
[ -d "$moddir" ] || die "$kernel_pkg has no $moddir"
declare -A kofile=() state=()
while read -r ko; do
    name=${ko##*/}
    kofile[${name%.ko}]=$ko
done < <(find "$moddir/kernel" -name '*.ko')
order=()
visit() {
    local mod=$1 dep deps
    case "${state[$mod]:-}" in
    ordered) return ;;
    visiting) die "module dependency loop at $mod" ;;
    esac
    if [ -z "${kofile[$mod]:-}" ]; then
        grep -q "/$mod\.ko\$" "$moddir/modules.builtin" ||
            die "module $mod is neither in $kernel_pkg nor built in"
        state[$mod]=ordered # built into the kernel: nothing to load
        return
    fi
    state[$mod]=visiting
    deps=$(tr '\0' '\n' <"${kofile[$mod]}" | sed -n 's/^depends=//p')
    for dep in ${deps//,/ }; do
        visit "$dep"
    done
    state[$mod]=ordered
    order+=("$mod")
}
for mod in "${modules[@]}"; do
    visit "$mod"
done
for mod in "${order[@]}"; do
    install -m 0644 "${kofile[$mod]}" "$root/lib/modules/$mod.ko"
done
printf '%s\n' "${order[@]}" >"$root/lib/modules/load-order"
log "modules: ${order[*]}"

# add_elf <path>: the binary or module at <path> of the extracted packages,
# at the same path in the guest, with each library ldd resolves for it (the
# host is the same Debian release as the packages) at the path ldd gives,
# and the dynamic loader.  A library ldd cannot find fails the build.
add_elf() {
    local lib libs
    mkdir -p "$root${1%/*}"
    install -m 0755 "$x$1" "$root$1"
    libs=$(ldd "$x$1") || die "ldd $1 failed"
    ! grep -q 'not found' <<<"$libs" || die "$1 needs libraries this host lacks: $libs"
    for lib in $(sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' <<<"$libs"); do
        [ -e "$root$lib" ] && continue
        mkdir -p "$root${lib%/*}"
        cp -L "$lib" "$root$lib"
    done
}

add_payload() {
    add_elf /usr/sbin/qemu-ga
    # guest-set-user-password pipes "user:password" into chpasswd (with -e
    # for a crypted one).  Debian's chpasswd writes a crypted password to
    # /etc/shadow itself and hands a clear one to PAM: pam_unix, told to
    # make SHA-512 hashes so that a test can recompute one (openssl passwd
    # -6) from the salt it reads back.  vbuser is the user the tests set.
    add_elf /usr/sbin/chpasswd
    add_elf /lib/x86_64-linux-gnu/security/pam_unix.so
    mkdir -p "$root/etc/pam.d"
    echo 'password required pam_unix.so sha512' >"$root/etc/pam.d/chpasswd"
    printf '%s: files\n' passwd group shadow >"$root/etc/nsswitch.conf"
    cat >"$root/etc/passwd" <<'EOP'
root:x:0:0:root:/root:/bin/sh
vbuser:x:1000:1000:virtblockd test user:/home/vbuser:/bin/sh
EOP
    cat >"$root/etc/group" <<'EOP'
root:x:0:
vbuser:x:1000:
EOP
    cat >"$root/etc/shadow" <<'EOP'
root:*:19000:0:99999:7:::
vbuser:!:19000:0:99999:7:::
EOP
    chmod 0600 "$root/etc/shadow"
}
add_payload

install -m 0755 "$here/init" "$root/init"
echo "$key ${pins[*]}" >"$root/etc/vbguest-build"

# --- the result: vmlinuz and initrd.gz, renamed into place together ---
mkdir -p "$tmp/out"
vmlinuz=("$x/boot/vmlinuz-"*)
[ -f "${vmlinuz[0]}" ] || die "$kernel_pkg has no boot/vmlinuz-*"
cp "${vmlinuz[0]}" "$tmp/out/vmlinuz"
# busybox makes the archive (so no cpio package is needed); every file root's
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    "$x/bin/busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
    gzip -n -9 >"$tmp/out/initrd.gz"
printf '%s\n' "${pins[@]}" >"$tmp/out/packages"
printf '%s\n' "${order[@]}" >"$tmp/out/modules"
echo "$inputs" >"$tmp/out/inputs"

if [ "$force" = 1 ] && [ -d "$out" ]; then
    mv -T "$out" "$tmp/old"
fi
if ! mv -T "$tmp/out" "$out" 2>/dev/null; then
    # another run built the same key meanwhile: use that one
    [ -f "$out/initrd.gz" ] || die "cannot move the build to $out"
    log "another run built $key first: using that"
else
    log "built $out"
fi
print_result
