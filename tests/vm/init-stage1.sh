#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the VM, on the initramfs. The kernel's initial rootfs can never
# be pivot_root'ed away (pivot_root returns EINVAL there), and redwrap
# builds every node with pivot_root: so copy everything onto a real tmpfs
# and switch_root to it before any test runs.
/bin/busybox mkdir -p /newroot
/bin/busybox mount -t tmpfs -o mode=0755 tmpfs /newroot
for d in bin etc lib lib64 usr vmtest work; do
    [ -e "/$d" ] && /bin/busybox cp -a "/$d" /newroot/
done
/bin/busybox mkdir -p /newroot/proc /newroot/sys /newroot/dev /newroot/tmp /newroot/mnt /newroot/root \
    /newroot/run
exec /bin/busybox switch_root /newroot /vmtest/init.sh
