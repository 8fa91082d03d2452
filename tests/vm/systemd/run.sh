#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# vm/systemd: boots a Debian 12 with systemd as PID 1 under qemu (TCG) and
# runs vmtest.sh there, against the redpak .deb that package/build made.
#   1. A bookworm root made by mmdebstrap with systemd, redis-server and
#      redpak's libraries, once per package list: kept in REDPAK_VM_ROOTFS
#      (default /var/cache/redpak/vm-systemd-bookworm-amd64-HASH).
#   2. On an overlay over it (the cached root is never written): dpkg -i the
#      .deb, redwrap@redis and the test unit enabled, gettys and apt's
#      timers masked; mkfs.ext4 -d turns that into OUT/root.img.
#   3. Debian 12's cloud kernel (tests/vm/fetch-kernel.sh, 6.1) with an
#      initramfs that loads virtio_blk (a module there; ext4 is built in)
#      and switch_roots to /dev/vda's systemd.
# The TAP goes to OUT/serial.log and OUT/tap; exit 0 when every check
# passed. Exits 77 (skipped), saying why, without root, qemu, mmdebstrap,
# mkfs.ext4, busybox-static or the kernel package.
#
# ARCH arm64 (board/arm64-systemd, tests/board) does the same on an
# emulated arm64 board: `qemu-system-aarch64 -M virt -cpu cortex-a57`,
# Debian 12's arm64 cloud kernel, an arm64 root (mmdebstrap runs its
# maintainer scripts through qemu-user: binfmt_misc is mounted and
# qemu-aarch64 registered when missing, or the test is skipped), the arm64
# .deb of scripts/cross-build.sh and busybox-static:arm64 in the initramfs.
# Usage: run.sh OUT DEB_DIR VERSION [ARCH]    (ARCH: amd64, the default, or arm64)
set -eu
src=$(cd "$(dirname "$0")" && pwd)
vm=$(dirname "$src")
mkdir -p "$1"
out=$(cd "$1" && pwd)
debdir=$2 version=$3 arch=${4:-amd64}
PACKAGES="systemd,systemd-sysv,redis-server,redis-tools,libyaml-0-2,libcap2,libseccomp2,procps"

skip() {
    echo "skipped: $*"
    exit 77
}
case "$arch" in
amd64)
    qemu=qemu-system-x86_64 kver=6.1 console=ttyS0 timeout=900
    qemu_args="-accel tcg -cpu max -smp 1 -m 1024"
    disk="-drive file=$out/root.img,format=raw,if=virtio,cache=unsafe" ;;
arm64)
    # -M virt's virtio disks are virtio-mmio unless named PCI: the cloud
    # kernel has the PCI transport (a module, like virtio_blk).
    qemu=qemu-system-aarch64 kver=arm64-6.1 console=ttyAMA0 timeout=${REDPAK_BOARD_TIMEOUT:-1800}
    qemu_args="-M virt -cpu cortex-a57 -smp 1 -m 1024"
    disk="-drive file=$out/root.img,format=raw,if=none,id=root,cache=unsafe -device virtio-blk-pci,drive=root" ;;
*) echo "run.sh: ARCH is amd64 or arm64, not $arch" >&2; exit 2 ;;
esac
foreign=false
[ "$arch" = "$(dpkg --print-architecture)" ] || foreign=true

[ "$(id -u)" -eq 0 ] || skip "needs root (mmdebstrap, dpkg --root, overlay)"
for tool in $qemu mmdebstrap mkfs.ext4 cpio; do
    command -v "$tool" >/dev/null || skip "no $tool"
done
deb=$debdir/redpak_${version}_$arch.deb
if $foreign; then
    [ -f "$deb" ] || skip "no $deb (scripts/cross-build.sh $arch makes it)"
    # mmdebstrap and dpkg --root run the root's maintainer scripts, arm64
    # programs: through qemu-user, which binfmt_misc must name.
    [ -e /proc/sys/fs/binfmt_misc/register ] ||
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
        skip "binfmt_misc cannot be mounted here, so $arch programs cannot run"
    "$vm/../board/binfmt.sh" "$arch" || skip "no binfmt_misc entry for $arch (qemu-user-static)"
else
    [ -f "$deb" ] || { echo "no $deb (package/build makes it)"; exit 1; }
    [ -x /bin/busybox ] || skip "no /bin/busybox (busybox-static)"
fi

t0=$(date +%s)
rc=0
kernel=$("$vm/fetch-kernel.sh" "${REDPAK_VM_CACHE:-$vm/cache}" $kver 2>"$out/fetch.log") || rc=$?
[ $rc -ne 77 ] || skip "$(tail -n 1 "$out/fetch.log")"
[ $rc -eq 0 ] || { cat "$out/fetch.log"; exit $rc; }

# 1. The cached root, made under a lock (two build trees may run this).
hash=$(echo "$PACKAGES" | sha256sum | cut -c1-12)
rootfs=${REDPAK_VM_ROOTFS:-/var/cache/redpak/vm-systemd-bookworm-$arch-$hash}
mkdir -p "$(dirname "$rootfs")"
exec 9>"$rootfs.lock"
flock 9
if [ ! -f "$rootfs/.redpak-packages" ]; then
    echo "vm/systemd: making $rootfs (mmdebstrap, a few minutes once)"
    rm -rf "$rootfs.new"
    if ! mmdebstrap --arch="$arch" --variant=apt --aptopt='APT::Install-Recommends "false"' \
            --include="$PACKAGES" bookworm "$rootfs.new" >"$rootfs.log" 2>&1; then
        tail -n 5 "$rootfs.log"
        rm -rf "$rootfs.new"
        skip "mmdebstrap could not make the bookworm root (log: $rootfs.log)"
    fi
    echo "$PACKAGES" > "$rootfs.new/.redpak-packages"
    mv "$rootfs.new" "$rootfs"
fi
t1=$(date +%s)

# 2. The image: the .deb and the test unit on an overlay, then mkfs.ext4 -d.
rm -f "$out/root.img"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$deb" "$work/redpak.deb"
cp "$src/vmtest.sh" "$work/"
sed "s|^TTYPath=.*|TTYPath=/dev/$console|" "$src/redpak-vmtest.service" > "$work/redpak-vmtest.service"
cat > "$work/image.sh" <<'SCRIPT'
set -eu
lower=$1 work=$2 img=$3
mount -t tmpfs redpak-vm-image "$work"/ov
mkdir -p "$work/ov/upper" "$work/ov/work" "$work/root"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$work/ov/upper,workdir=$work/ov/work" "$work/root"
r=$work/root
dpkg --root="$r" --force-architecture -i "$work/redpak.deb" >/dev/null
install -m 0755 "$work/vmtest.sh" "$r/usr/local/sbin/redpak-vmtest"
install -m 0644 "$work/redpak-vmtest.service" "$r/etc/systemd/system/"
wants=$r/etc/systemd/system/multi-user.target.wants
mkdir -p "$wants"
ln -sf /usr/lib/systemd/system/redwrap@.service "$wants/redwrap@redis.service"
ln -sf /etc/systemd/system/redpak-vmtest.service "$wants/redpak-vmtest.service"
for unit in getty@tty1.service serial-getty@ttyS0.service getty.target apt-daily.timer \
            apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer systemd-timesyncd.service \
            redis-server.service; do
    ln -sf /dev/null "$r/etc/systemd/system/$unit"
done
# -v: redwrap says what it does, in the journal (the diagnostics of a failed check)
sed -i "s/^REDWRAP_OPTS=.*/& -v/" "$r/etc/redpak/nodes/redis.env"
echo redpak-vm > "$r/etc/hostname"
: > "$r/etc/machine-id"
mkfs.ext4 -q -F -L root -d "$r" "$img" 1G
SCRIPT
mkdir -p "$work/ov"
unshare --mount --propagation private sh "$work/image.sh" "$rootfs" "$work" "$out/root.img"
flock -u 9

# 3. The initramfs: busybox, the virtio modules, init-boot.sh as /init.
mkdir -p "$work/initrd/bin" "$work/initrd/proc" "$work/initrd/dev"
if $foreign; then
    # busybox-static of the target, unpacked next to its kernel.
    bb=${REDPAK_VM_CACHE:-$vm/cache}/$kver/busybox
    if [ ! -x "$bb/bin/busybox" ]; then
        rm -rf "$bb" "$bb.deb"
        mkdir -p "$bb.deb"
        (cd "$bb.deb" && apt-get download -q "busybox-static:$arch" >/dev/null 2>&1) ||
            skip "apt-get download busybox-static:$arch failed"
        dpkg -x "$bb.deb"/*.deb "$bb"
        rm -rf "$bb.deb"
    fi
    cp "$bb/bin/busybox" "$work/initrd/bin/"
else
    cp /bin/busybox "$work/initrd/bin/"
fi
cp "$src/init-boot.sh" "$work/initrd/init"
(cd "$work/initrd" && find . | cpio -o -H newc --quiet) | gzip -1 > "$work/base.cpio.gz"
"$vm/pack-modules.sh" "$work/modules.cpio.gz" "$kernel"
cat "$work/base.cpio.gz" "$work/modules.cpio.gz" > "$out/initrd.gz"
t2=$(date +%s)

# timeout ends qemu whatever happens in the guest (SIGTERM, then KILL).
# shellcheck disable=SC2086
timeout -k 10 "$timeout" $qemu $qemu_args \
    -nographic -no-reboot -nodefaults -serial stdio \
    -kernel "$kernel/boot/vmlinuz" -initrd "$out/initrd.gz" \
    -append "console=$console root=/dev/vda rw panic=-1 systemd.show_status=1" \
    $disk </dev/null | tr -d '\r' > "$out/serial.log" || true
t3=$(date +%s)

grep -E '^(TAP version|1\.\.|ok |not ok |#)' "$out/serial.log" > "$out/tap" || true
cat "$out/tap"
echo "# vm/systemd: root $((t1 - t0)) s, image and initramfs $((t2 - t1)) s, boot to power-off $((t3 - t2)) s"
grep -q '^# vm-done: 0 failed' "$out/tap" || {
    echo "vm/systemd: a check failed or the VM did not finish (serial log: $out/serial.log)"
    exit 1
}
