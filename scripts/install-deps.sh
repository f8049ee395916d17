#!/bin/sh
# Installs everything virtblockd needs to build, test and run on Debian 12.
# Idempotent: apt-get skips what is already there.
set -eu

if [ "$(id -u)" != 0 ]; then
    echo "install-deps.sh: run as root (it calls apt-get)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    build-essential pkg-config meson ninja-build gettext \
    clang libclang-rt-14-dev clang-format \
    libglib2.0-dev libxml2-dev libxml2-utils libyajl-dev libvirt-dev libvirt0 \
    qemu-system-x86 qemu-system-common qemu-utils \
    libvirt-clients python3 python3-libvirt \
    ovmf mtools dosfstools binutils virtinst \
    valgrind ca-certificates openssl >/dev/null

# The user QEMU runs as under `virtblockd --system` (qemu.conf's default),
# from the sysusers.d file meson installs; the confinement tests use it.
# A machine without systemd (a bare container) gets the same with useradd.
if command -v systemd-sysusers >/dev/null 2>&1; then
    systemd-sysusers "$(cd "$(dirname "$0")/.." && pwd)/data/sysusers.d/virtblockd.conf"
else
    getent group kvm >/dev/null || groupadd --system kvm
    getent group virtblockd-qemu >/dev/null || groupadd --system virtblockd-qemu
    getent passwd virtblockd-qemu >/dev/null ||
        useradd --system --gid virtblockd-qemu --groups kvm --no-create-home \
            --home-dir /var/lib/virtblockd --shell /usr/sbin/nologin \
            --comment "virtblockd QEMU processes" virtblockd-qemu
fi
