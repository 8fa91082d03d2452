# SPDX-License-Identifier: Apache-2.0
# memory.high: past it the kernel reclaims and throttles the node instead of
# killing it; memory.events counts each time ("high").
. /vmtest/lib.sh
handshake_reset
f=$(node high "cgroup:" "  items: {memory.high: 16M}")
redwrap --node "$f" -- /bin/sh -c \
    '/usr/local/bin/hog 64 && touch /share/ready-high && while [ ! -e /share/go-high ]; do sleep 0.1; done' \
    > /tmp/out 2> /tmp/err &
pid=$!
wait_for "$SHARE/ready-high" || fail "the hog did not finish"
cg=$(cg_of high) || fail "no cgroup for the node"
echo "memory.high $(cat "$cg/memory.high"); memory.events: $(tr '\n' ' ' < "$cg/memory.events")"
high=$(field "$cg/memory.events" high)
touch "$SHARE/go-high"
wait $pid
rc=$?
cat /tmp/out /tmp/err
[ $rc -eq 0 ] || fail "redwrap exited $rc: memory.high must throttle, not kill"
[ "${high:-0}" -gt 0 ] || fail "memory.events high is ${high:-missing}"
no_cgroup_left high
