# SPDX-License-Identifier: Apache-2.0
# Rootless with delegation, as systemd gives a user's service: a cgroup
# owned by uid 65534 (the directory, cgroup.procs, cgroup.subtree_control,
# cgroup.threads), redwrap put in it by root and run as 65534. It enables
# the controllers itself (moving into a supervisor leaf first), and the
# node's memory.max holds.
. /vmtest/lib.sh
handshake_reset
chmod 1777 "$SHARE"
S=$CG/user.slice U=$CG/user.slice/user-65534.service
mkdir -p "$U"
echo "+memory +pids" > "$S/cgroup.subtree_control"
chown 65534:65534 "$U" "$U/cgroup.procs" "$U/cgroup.subtree_control" "$U/cgroup.threads"
f=$(node rootless "cgroup:" "  items: {memory.max: 32M, memory.swap.max: 0, pids.max: 32}")
chmod 0644 "$f"
# Moving a process needs write access to the common ancestor's
# cgroup.procs: root moves the shell, which then drops to 65534 (with
# util-linux setpriv: busybox sh would pick its own applet first).
sh -c "echo \$\$ > $U/cgroup.procs; exec /usr/bin/setpriv --reuid 65534 --regid 65534 --clear-groups \
    redwrap --node $f -- /bin/sh -c 'id -u > /share/ready-rootless; /usr/local/bin/hog 256'" \
    > /tmp/out 2> /tmp/err
rc=$?
cat /tmp/err
echo "uid inside: $(cat "$SHARE/ready-rootless" 2>/dev/null)"
[ $rc -eq 137 ] || fail "redwrap exited $rc, expected 137 (the hog OOM-killed under memory.max)"
grep -q "killed by the kernel's OOM killer in its cgroup (memory.max 33554432" /tmp/err ||
    fail "redwrap did not report the cgroup's OOM kill"
[ "$(stat -c %u "$U/supervisor")" = 65534 ] || fail "no supervisor leaf of uid 65534"
no_cgroup_left rootless
rmdir "$U/supervisor" "$U" "$S"
