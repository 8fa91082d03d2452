#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Packs the kernel modules the VM tests need from one unpacked kernel
# package, as a second initramfs archive that follows make-initramfs.sh's.
# virtio_blk carries the swap and io disks; 6.12 builds the virtio PCI
# transport in, 6.1 has it as modules too. Whichever of these the kernel
# has as a module goes in, in load order (each after what it depends on),
# named in /usr/lib/modules/order for init.sh. 6.12 ships modules
# xz-compressed, 6.1 plain; busybox insmod takes them plain.
# Usage: pack-modules.sh OUT.cpio.gz KERNEL_DIR
set -eu
out=$1 kernel=$2

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/usr/lib/modules"
ver=$(ls "$kernel/lib/modules")
for mod in virtio/virtio_ring virtio/virtio virtio/virtio_pci_legacy_dev \
           virtio/virtio_pci_modern_dev virtio/virtio_pci block/virtio_blk; do
    f=$kernel/lib/modules/$ver/kernel/drivers/$mod.ko
    name=$(basename "$mod").ko
    if [ -f "$f.xz" ]; then
        xz -dc "$f.xz" > "$stage/usr/lib/modules/$name"
    elif [ -f "$f" ]; then
        cp "$f" "$stage/usr/lib/modules/$name"
    else
        continue
    fi
    echo "$name" >> "$stage/usr/lib/modules/order"
done
grep -qx virtio_blk.ko "$stage/usr/lib/modules/order" 2>/dev/null ||
    { echo "pack-modules: no virtio_blk module in $kernel" >&2; exit 1; }

(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
