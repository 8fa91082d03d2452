# SPDX-License-Identifier: Apache-2.0
# The VM is what the other cases assume: cgroup v2 at /sys/fs/cgroup with
# every controller redpak writes, swap on, the io disk mounted.
for c in cpuset cpu io memory pids; do
    grep -qw "$c" /sys/fs/cgroup/cgroup.subtree_control || { echo "controller $c missing"; exit 1; }
done
grep -q '^/dev/vda' /proc/swaps || { echo "no swap"; exit 1; }
grep -q ' /mnt/io ' /proc/mounts || { echo "io disk not mounted"; exit 1; }
echo "controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
