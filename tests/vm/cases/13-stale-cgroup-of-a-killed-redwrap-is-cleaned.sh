# SPDX-License-Identifier: Apache-2.0
# A redwrap killed with SIGKILL cannot tear down; its cgroup carries its
# pid, and the next run, finding that pid gone, removes it.
. /vmtest/lib.sh
handshake_reset
f=$(node stale "cgroup:" "  items: {pids.max: 8}")
redwrap --node "$f" -- /bin/sh -c 'touch /share/ready-stale; exec /bin/sleep 1000' 2>/dev/null &
pid=$!
wait_for "$SHARE/ready-stale" || fail "the node did not start"
cg=$(cg_of stale) || fail "no cgroup for the node"
kill -KILL $pid
wait $pid
sleep 0.5
[ -d "$cg" ] || fail "the killed redwrap's cgroup is already gone: nothing to test"
echo "left by the killed redwrap $pid: $cg (populated: $(field "$cg/cgroup.events" populated))"
g=$(node other)
redwrap -v --node "$g" -- /bin/true 2> /tmp/err
grep 'left by redwrap' /tmp/err
[ ! -d "$cg" ] || fail "the next run did not remove $cg"
no_cgroup_left stale
