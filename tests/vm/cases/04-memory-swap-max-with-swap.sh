# SPDX-License-Identifier: Apache-2.0
# memory.swap.max: with memory.max 32M a hog of 80M lives when 64M of swap
# are allowed (and is seen using swap), and is OOM-killed when only 16M are.
. /vmtest/lib.sh
handshake_reset
f=$(node swap "cgroup:" "  items: {memory.max: 32M, memory.swap.max: 64M, memory.swap.high: max}")
redwrap --node "$f" -- /bin/sh -c \
    '/usr/local/bin/hog 80 3600 > /share/ready-swap & while [ ! -e /share/go-swap ]; do sleep 0.2; done; kill $!' \
    > /tmp/out 2> /tmp/err &
pid=$!
i=0
until grep -q holding "$SHARE/ready-swap" 2>/dev/null; do
    [ $i -lt 600 ] || break
    sleep 0.1
    i=$((i + 1))
done
cg=$(cg_of swap) || fail "no cgroup for the node"
swapped=$(cat "$cg/memory.swap.current")
echo "memory.swap.max $(cat "$cg/memory.swap.max"), memory.swap.high $(cat "$cg/memory.swap.high"), memory.swap.current $swapped"
[ "$(cat "$cg/memory.swap.max")" = 67108864 ] || fail "memory.swap.max reads back $(cat "$cg/memory.swap.max")"
[ "$(cat "$cg/memory.swap.high")" = max ] || fail "memory.swap.high reads back $(cat "$cg/memory.swap.high")"
grep -q holding "$SHARE/ready-swap" || fail "the 80M hog did not survive with 64M of swap"
touch "$SHARE/go-swap"
wait $pid
[ "$swapped" -gt $((16 * 1024 * 1024)) ] || fail "the node used only $swapped bytes of swap"
no_cgroup_left swap

f=$(node swap "cgroup:" "  items: {memory.max: 32M, memory.swap.max: 16M}")
redwrap --node "$f" -- /usr/local/bin/hog 80 > /tmp/out 2> /tmp/err
rc=$?
cat /tmp/err
[ $rc -eq 137 ] || fail "with memory.swap.max 16M the 80M hog exited $rc, expected 137"
no_cgroup_left swap
