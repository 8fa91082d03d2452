# SPDX-License-Identifier: Apache-2.0
# cgroup.parent: the node's cgroup goes under it (created when missing,
# left in place after), and the node sees its own cgroup as "/".
. /vmtest/lib.sh
f=$(node parented "cgroup:" "  parent: /sys/fs/cgroup/redpak-tests/deep" "  items: {memory.max: 64M}")
out=$(redwrap --node "$f" -- /bin/sh -c 'cat /proc/self/cgroup; ls /sys 2>/dev/null | wc -l' 2>/tmp/err)
rc=$?
cat /tmp/err
echo "inside: $out"
[ $rc -eq 0 ] || fail "redwrap exited $rc"
[ "$(echo "$out" | head -n 1)" = "0::/" ] || fail "the node does not see its cgroup as /"
[ -d "$CG/redpak-tests/deep" ] || fail "the parent was not created"
grep -qw memory "$CG/redpak-tests/deep/cgroup.subtree_control" || fail "memory not enabled in the parent"
no_cgroup_left parented
rmdir "$CG/redpak-tests/deep" "$CG/redpak-tests"
