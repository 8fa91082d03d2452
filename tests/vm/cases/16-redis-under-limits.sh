# SPDX-License-Identifier: Apache-2.0
# The flagship: redis-server in a node with memory, pids and cpu limits
# answers on the node's own loopback, runs inside the node's cgroup, and
# when it is made to grow past memory.max the cgroup's OOM killer ends it
# and redwrap says so.
. /vmtest/lib.sh
handshake_reset
f=$(node redis "cgroup:" \
    "  items: {memory.max: 48M, memory.swap.max: 0, pids.max: 64, cpu.max: \"50000 100000\"}")
redwrap --node "$f" -- /bin/sh -c '
    /usr/local/bin/redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no \
        --enable-debug-command yes > /dev/null &
    redis=$!
    i=0
    until /usr/local/bin/redis-cli ping 2>/dev/null | grep -q PONG; do
        sleep 0.2; i=$((i + 1)); [ $i -lt 150 ] || exit 3
    done
    /usr/local/bin/redis-cli set greeting hello > /dev/null
    echo "$(/usr/local/bin/redis-cli get greeting)" > /share/ready-redis
    while [ ! -e /share/go-redis ]; do sleep 0.1; done
    /usr/local/bin/redis-cli debug populate 2000000 key 64 > /dev/null 2>&1
    wait $redis' > /tmp/out 2> /tmp/err &
pid=$!
wait_for "$SHARE/ready-redis" 600 || { cat /tmp/err; fail "redis did not answer"; }
cg=$(cg_of redis) || fail "no cgroup for the node"
rpid=$(running '/usr/local/bin/redis-server' | awk '{ print $1 }' | head -n 1)
echo "redis-server $rpid answers GET greeting: $(cat "$SHARE/ready-redis"); memory.current $(cat "$cg/memory.current"), pids.current $(cat "$cg/pids.current")"
[ "$(cat "$SHARE/ready-redis")" = hello ] || fail "redis did not keep the key"
grep -qx "$rpid" "$cg/cgroup.procs" || fail "redis-server is not in the node's cgroup"
touch "$SHARE/go-redis"
wait $pid
rc=$?
cat /tmp/err
[ $rc -eq 137 ] || fail "redwrap exited $rc, expected 137 after the OOM kill"
grep -q "killed by the kernel's OOM killer in its cgroup (memory.max 50331648" /tmp/err ||
    fail "redwrap did not explain the OOM kill"
no_cgroup_left redis
