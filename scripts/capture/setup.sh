#!/usr/bin/env bash
# Fetch what a capture boots, from Debian's archive only, into a cache folder:
#   qemu-system-aarch64 (package qemu-system-arm, installed with apt-get when root),
#   linux-image-<KERNEL>-cloud-arm64:arm64 and busybox-static:arm64 (apt-get download,
#   unpacked with dpkg-deb, never installed on the host).
# Usage: setup.sh <cache-dir> <kernel-abi, e.g. 6.1.0-50>
# Prints the kernel image path and the busybox path on its last two lines.
set -euo pipefail
cache=${1:?cache dir}
kver=${2:?kernel ABI version, e.g. 6.1.0-50}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
    else return 1; fi
}
die() { echo "capture setup: $*" >&2; exit 1; }

if ! command -v qemu-system-aarch64 >/dev/null; then
    echo "capture setup: installing qemu-system-arm with apt-get" >&2
    as_root apt-get install -y -q qemu-system-arm >&2 \
        || die "qemu-system-aarch64 missing: install Debian's qemu-system-arm (apt-get install qemu-system-arm)"
fi

pkg_kernel="linux-image-${kver}-cloud-arm64"
if ! ls "$cache"/"${pkg_kernel}"_*_arm64.deb >/dev/null 2>&1 || ! ls "$cache"/busybox-static_*_arm64.deb >/dev/null 2>&1; then
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        echo "capture setup: adding the arm64 architecture to dpkg (packages are downloaded, not installed)" >&2
        as_root dpkg --add-architecture arm64 \
            || die "need root to run 'dpkg --add-architecture arm64' (or put ${pkg_kernel}_*_arm64.deb and busybox-static_*_arm64.deb in $cache)"
        as_root apt-get update -q >&2 || die "apt-get update failed"
    fi
    apt-cache show "${pkg_kernel}:arm64" >/dev/null 2>&1 \
        || die "Debian has no ${pkg_kernel}:arm64 (apt-cache search linux-image-.*-cloud-arm64 lists the ones it has)"
    (cd "$cache" && apt-get download -q "${pkg_kernel}:arm64" "busybox-static:arm64" >&2) \
        || die "apt-get download ${pkg_kernel}:arm64 busybox-static:arm64 failed"
fi

root="$cache/root-${kver}"
if [ ! -e "$root/boot/vmlinuz-${kver}-cloud-arm64" ]; then
    rm -rf "$root"; mkdir -p "$root"
    dpkg-deb -x "$(ls "$cache"/"${pkg_kernel}"_*_arm64.deb | tail -n 1)" "$root"
fi
bb="$cache/busybox-root"
if [ ! -x "$bb/bin/busybox" ]; then
    rm -rf "$bb"; mkdir -p "$bb"
    dpkg-deb -x "$(ls "$cache"/busybox-static_*_arm64.deb | tail -n 1)" "$bb"
fi
echo "$root/boot/vmlinuz-${kver}-cloud-arm64"
echo "$bb/bin/busybox"
