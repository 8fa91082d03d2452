#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches one of Debian's cloud kernels with `apt-get download` and unpacks
# it with `dpkg -x` into CACHE/VERSION/kernel, once per VERSION:
#   6.1   Debian 12's own kernel (the image linux-image-cloud-amd64 names,
#         linux-image-6.1.0-N-cloud-amd64)
#   6.12  linux-image-6.12-cloud-amd64
#   arm64-6.1  Debian 12's arm64 cloud kernel (linux-image-cloud-arm64), for
#         the board test (tests/board), from the arm64 lists that
#         scripts/cross-build.sh's `dpkg --add-architecture arm64` brought
# The cloud flavour boots fast under TCG and builds in everything the VM
# tests need (cgroup v2 with all controllers, virtio-pci, the 8250 console);
# virtio_blk is a module, so make-initramfs.sh carries it.
# Prints the unpacked directory. When the package cannot be had (not in
# apt's lists, the archive out of reach) it says why and exits 77, the
# tests' "skipped". Usage: fetch-kernel.sh CACHE VERSION
set -eu
cache=$1 version=$2
case "$version" in
6.1) meta=linux-image-cloud-amd64 image='^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' ;;
6.12) meta=linux-image-6.12-cloud-amd64 image='^linux-image-6\.12\.[0-9]+.*-cloud-amd64$' ;;
arm64-6.1) meta=linux-image-cloud-arm64:arm64 image='^linux-image-6\.1\.0-[0-9]+-cloud-arm64(:arm64)?$' ;;
*) echo "fetch-kernel: unknown kernel $version (6.1, 6.12 or arm64-6.1)" >&2; exit 2 ;;
esac
mkdir -p "$cache/$version"
dir=$(cd "$cache/$version" && pwd)

# Several build trees may run the VM tests at the same time.
exec 9>"$dir/.lock"
flock 9

if [ -f "$dir/kernel/.done" ]; then
    echo "$dir/kernel"
    exit 0
fi

skip() {
    echo "fetch-kernel: $*" >&2
    exit 77
}

# The meta package names the newest image of its series in the archive.
image_package() {
    apt-cache depends "$meta" 2>/dev/null |
        awk -v re="$image" '$1 == "Depends:" && $2 ~ re { print $2; exit }'
}
pkg=$(image_package)
# A machine whose package lists were cleared (container images do) knows
# no kernel package until apt-get update ran.
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2 || true
    pkg=$(image_package)
fi
[ -n "$pkg" ] || skip "$meta names no $version image in apt's lists (apt-get update, or a Debian 12 archive, is needed)"

rm -rf "$dir/kernel" "$dir/deb"
mkdir -p "$dir/deb"
# apt-get download writes into the current directory; _apt cannot write
# there as a sandboxed user, which only costs a warning.
(cd "$dir/deb" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
deb=$(ls "$dir"/deb/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || skip "apt-get download $pkg produced no .deb (is the archive reachable?)"
dpkg -x "$deb" "$dir/kernel"
ln -sf "$(cd "$dir/kernel/boot" && ls vmlinuz-*)" "$dir/kernel/boot/vmlinuz"
rm -rf "$dir/deb"
touch "$dir/kernel/.done"
echo "$dir/kernel"
