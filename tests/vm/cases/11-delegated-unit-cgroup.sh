# SPDX-License-Identifier: Apache-2.0
# A systemd unit with Delegate=yes, by hand: redwrap alone in
# deleg.slice/unit.service, whose parent offers cpu, memory and pids, as
# systemd's slices do. The node goes under redwrap's own cgroup; to enable
# the controllers there redwrap first moves itself into
# unit.service/supervisor (no internal processes). Before the first
# controller: cpu and pids, threaded controllers, would be let in beside
# redwrap and make unit.service a thread root, where memory and the node's
# cgroup answer EOPNOTSUPP (what tests/vm/systemd found).
. /vmtest/lib.sh
handshake_reset
S=$CG/deleg.slice U=$CG/deleg.slice/unit.service
mkdir -p "$U"
echo "+cpu +memory +pids" > "$S/cgroup.subtree_control"
f=$(node deleg "cgroup:" "  items: {memory.max: 64M, pids.max: 32, cpu.weight: 50}")
sh -c "echo \$\$ > $U/cgroup.procs; exec redwrap --node $f -- /bin/sh -c \
    'cat /proc/self/cgroup > /share/ready-deleg; while [ ! -e /share/go-deleg ]; do sleep 0.1; done'" \
    > /tmp/out 2> /tmp/err &
pid=$!
wait_for "$SHARE/ready-deleg" || { cat /tmp/err; fail "the node did not start"; }
cg=$(cg_of deleg) || fail "no cgroup for the node"
echo "node cgroup: $cg; it sees itself as $(cat "$SHARE/ready-deleg")"
echo "supervisor holds: $(cat "$U/supervisor/cgroup.procs" 2>/dev/null | tr '\n' ' ')"
[ "$(dirname "$cg")" = "$U" ] || fail "the node is not under the unit's cgroup"
[ "$(cat "$cg/memory.max")" = 67108864 ] || fail "memory.max reads back $(cat "$cg/memory.max")"
[ "$(cat "$cg/cpu.weight")" = 50 ] || fail "cpu.weight reads back $(cat "$cg/cpu.weight")"
grep -q "$pid" "$cg/cgroup.procs" "$cg"/*/cgroup.procs 2>/dev/null ||
    grep -rq . "$cg/cgroup.procs" || fail "the node's cgroup holds no process"
grep -qx "$pid" "$U/supervisor/cgroup.procs" || fail "redwrap is not in the supervisor leaf"
[ "$(cat "$SHARE/ready-deleg")" = "0::/" ] || fail "the node does not see its cgroup as /"
touch "$SHARE/go-deleg"
wait $pid
rc=$?
cat /tmp/err
[ $rc -eq 0 ] || fail "redwrap exited $rc"
no_cgroup_left deleg
rmdir "$U/supervisor" "$U" "$S"
