#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches Debian's cloud kernel (linux-image-6.12-cloud-amd64) with
# `apt-get download` and unpacks it with `dpkg -x` into CACHE/kernel, once.
# The cloud flavour boots fast under TCG and builds in everything the VM
# tests need (cgroup v2 with all controllers, virtio-pci, the 8250 console);
# virtio_blk is a module, so make-initramfs.sh carries it.
# Prints the unpacked directory. Usage: fetch-kernel.sh CACHE
set -eu
cache=$1
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# Several build trees may run the VM tests at the same time.
exec 9>"$cache/.lock"
flock 9

if [ -f "$cache/kernel/.done" ]; then
    echo "$cache/kernel"
    exit 0
fi

# The meta package names the newest 6.12 image of the archive.
image_package() {
    apt-cache depends linux-image-6.12-cloud-amd64 2>/dev/null |
        awk '/Depends: linux-image-6\.12/ { print $2; exit }'
}
pkg=$(image_package)
# A machine whose package lists were cleared (container images do) knows
# no kernel package until apt-get update ran.
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2
    pkg=$(image_package)
fi
[ -n "$pkg" ] || { echo "fetch-kernel: no linux-image-6.12-cloud-amd64 in apt's lists (run apt-get update)" >&2; exit 1; }

rm -rf "$cache/kernel" "$cache/deb"
mkdir -p "$cache/deb"
# apt-get download writes into the current directory; _apt cannot write
# there as a sandboxed user, which only costs a warning.
(cd "$cache/deb" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
deb=$(ls "$cache"/deb/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "fetch-kernel: apt-get download $pkg produced no .deb" >&2; exit 1; }
dpkg -x "$deb" "$cache/kernel"
ln -sf "$(cd "$cache/kernel/boot" && ls vmlinuz-*)" "$cache/kernel/boot/vmlinuz"
rm -rf "$cache/deb"
touch "$cache/kernel/.done"
echo "$cache/kernel"
