#!/bin/sh
# Builds the initramfs of the VM tests: busybox-static, the programs under
# test with every shared library ldd names for them (at the same paths, so
# the build tree's RUNPATH still resolves), redis-server and redis-cli, the kernel modules
# the cases need and the test scripts.
# Usage: make-initramfs.sh OUT.cpio.gz KERNEL_DIR VM_SOURCE_DIR PROGRAM...
set -eu
out=$1 kernel=$2 src=$3
shift 3

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/bin" "$stage/usr/local/bin" "$stage/lib/modules" "$stage/etc" \
         "$stage/vmtest"
cp /bin/busybox "$stage/bin/busybox"

copy_with_libs() {
    dest=$1 prog=$2
    cp "$prog" "$stage$dest/"
    # ldd prints "libx.so => /path (addr)" and the loader as "/path (addr)".
    ldd "$prog" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }' |
    while read -r lib; do
        [ -e "$stage$lib" ] && continue
        mkdir -p "$stage$(dirname "$lib")"
        cp -L "$lib" "$stage$lib"
    done
}

for prog in "$@"; do
    copy_with_libs /usr/local/bin "$prog"
done
copy_with_libs /usr/local/bin "$(command -v redis-server)"
copy_with_libs /usr/local/bin "$(command -v redis-cli)"

# virtio_blk carries the swap and io disks; the package ships modules
# xz-compressed and busybox insmod takes them plain.
ver=$(ls "$kernel/lib/modules")
for mod in kernel/drivers/block/virtio_blk.ko.xz; do
    xz -dc "$kernel/lib/modules/$ver/$mod" > "$stage/lib/modules/$(basename "$mod" .xz)"
done

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$stage/etc/group"

cp "$src/init-stage1.sh" "$stage/init"
cp "$src/init.sh" "$src/lib.sh" "$stage/vmtest/"
cp -r "$src/cases" "$stage/vmtest/"
chmod +x "$stage/init" "$stage/vmtest/init.sh"

(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
