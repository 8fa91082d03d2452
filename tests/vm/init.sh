#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the VM after switch_root: prepares a pure cgroup v2 host, runs
# every case under /vmtest/cases once and prints TAP on the serial console,
# where run.sh reads it. Then it powers the VM off.
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
/bin/busybox --install -s /bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
# What udev would add: bash's process substitution needs /dev/fd.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
# A pure cgroup v2 host, as systemd sets it up: the unified hierarchy at
# /sys/fs/cgroup with every controller the kernel has enabled for children.
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
    echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control
done

for m in $(cat /lib/modules/order); do insmod /lib/modules/$m; done
# Give udev-less devtmpfs a moment to create the nodes of the two disks.
i=0
while [ ! -b /dev/vdb ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
# /dev/vda: swap for memory.swap.*; /dev/vdb: an ext2 file system whose
# direct I/O io.max throttles (the block layer charges the bio to the
# writer's cgroup).
mkswap /dev/vda >/dev/null && swapon /dev/vda
mke2fs -q /dev/vdb >/dev/null 2>&1
mkdir -p /mnt/io /mnt/share
# The cases' nodes are root-started, so their uid 0 is a host id of a
# private range; their writable binds are idmapped mounts where the kernel
# and file system have them (tmpfs from Linux 6.3, not ext2), and plain
# binds otherwise, where the node's root writes only what others may. The
# share and the io disk are test channels: writable by all, sticky.
chmod 1777 /mnt/io /mnt/share
mount -t ext2 /dev/vdb /mnt/io 2>/dev/null || mount /dev/vdb /mnt/io

cases=$(ls /vmtest/cases/*.sh)
n=$(echo "$cases" | wc -l)
echo "TAP version 13"
echo "1..$n"
start=$(cut -d' ' -f1 /proc/uptime)
echo "# kernel $(uname -r), $(nproc) cpus, cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
echo "# swap: $(grep -c vda /proc/swaps) device(s)"
i=0
for c in $cases; do
    i=$((i + 1))
    name=$(basename "$c" .sh)
    t0=$(cut -d' ' -f1 /proc/uptime)
    # Each case runs in its own shell; its output becomes TAP diagnostics.
    # Two minutes, unless the case says "# vm-timeout: SECONDS".
    limit=$(sed -n 's/^# vm-timeout: *\([0-9]*\)$/\1/p' "$c")
    timeout "${limit:-120}" sh "$c" > /tmp/case.out 2>&1
    rc=$?
    t1=$(cut -d' ' -f1 /proc/uptime)
    sed 's/^/# /' /tmp/case.out
    if [ $rc -eq 0 ]; then
        echo "ok $i - $name # time=$(echo "$t1 $t0" | awk '{ printf "%.1fs", $1 - $2 }')"
    else
        echo "not ok $i - $name # exit $rc"
    fi
done
end=$(cut -d' ' -f1 /proc/uptime)
echo "# vm: all cases took $(echo "$end $start" | awk '{ printf "%.1f", $1 - $2 }') s, uptime $end s"
echo "# vm-done"
sync
reboot -f
