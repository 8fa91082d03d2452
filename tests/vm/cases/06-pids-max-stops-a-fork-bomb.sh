# SPDX-License-Identifier: Apache-2.0
# pids.max: a fork bomb gets no further than the limit, pids.events counts
# the refusals, and the node still tears down completely. (ash gives up
# when fork fails: the bomb runs in a subshell, and what follows forks
# nothing: a redirection makes the marker, exec the last sleeper.)
. /vmtest/lib.sh
handshake_reset
# pid: host and wait: main: when SIGTERM ends the main process, no pid
# namespace takes the bomb's orphans along; the cgroup's teardown must.
f=$(NOPROC=1 node bomb "namespaces: {pid: host}" "process: {wait: main}" \
    "cgroup:" "  items: {pids.max: 16}")
redwrap --node "$f" -- /bin/sh -c \
    '(i=0; while [ $i -lt 64 ]; do /bin/sleep 1000 & i=$((i + 1)); done) 2>/dev/null; : > /share/ready-bomb; exec /bin/sleep 1000' \
    > /tmp/out 2> /tmp/err &
pid=$!
wait_for "$SHARE/ready-bomb" || fail "the bomb did not finish forking"
cg=$(cg_of bomb) || fail "no cgroup for the node"
max=$(field "$cg/pids.events" max)
echo "pids.current $(cat "$cg/pids.current"), pids.max $(cat "$cg/pids.max"), pids.events max $max"
[ "$(cat "$cg/pids.current")" -le 16 ] || fail "more than 16 processes"
[ "${max:-0}" -gt 0 ] || fail "pids.events max is ${max:-missing}"
kill -TERM $pid
wait $pid
echo "redwrap exited $? after SIGTERM"
cat /tmp/err
no_cgroup_left bomb
left=$(running '/bin/sleep 1000')
[ -z "$left" ] || fail "processes of the node left: $left"
