# SPDX-License-Identifier: Apache-2.0
# The no-internal-processes rule when redwrap shares its cgroup with a
# process it cannot move: a required memory.max fails with 125 and says
# why, and nothing of the node is created.
. /vmtest/lib.sh
S=$CG/busy.slice U=$CG/busy.slice/unit.service
mkdir -p "$U"
echo "+memory" > "$S/cgroup.subtree_control"
f=$(node busy "cgroup:" "  items: {memory.max: 64M}")
# The shell stays in the unit's cgroup beside redwrap.
sh -c "echo \$\$ > $U/cgroup.procs; redwrap --node $f -- /bin/true 2> /tmp/err; echo \$? > /tmp/rc"
rc=$(cat /tmp/rc)
cat /tmp/err
[ "$rc" -eq 125 ] || fail "redwrap exited $rc, expected 125"
grep -q "memory.max needs the memory controller, but enabling it in $U/cgroup.subtree_control failed: that cgroup holds processes" /tmp/err ||
    fail "the message does not explain the no-internal-processes rule"
no_cgroup_left busy
rmdir "$U/supervisor" "$U" "$S"
