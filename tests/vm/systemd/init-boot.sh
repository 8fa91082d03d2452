#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# The initramfs of vm/systemd: loads the virtio modules the cloud kernel has
# as modules (pack-modules.sh; ext4 is built in), mounts the root image
# /dev/vda and hands over to its systemd as PID 1.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in $(/bin/busybox cat /usr/lib/modules/order); do
    /bin/busybox insmod "/usr/lib/modules/$m"
done
/bin/busybox mkdir -p /newroot
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
    /bin/busybox sleep 0.1
    i=$((i + 1))
done
/bin/busybox mount -t ext4 -o rw /dev/vda /newroot || {
    echo "init-boot: cannot mount /dev/vda"
    /bin/busybox poweroff -f
}
/bin/busybox umount /proc
/bin/busybox umount /dev
exec /bin/busybox switch_root /newroot /sbin/init
