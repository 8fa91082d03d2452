# SPDX-License-Identifier: Apache-2.0
# vm-timeout: 300
# Redis's fork-based snapshot inside a node whose memory.max leaves room
# for the fork: the child shares the parent's pages copy-on-write, so a
# BGSAVE of a ~20 MiB dataset under a 128 MiB limit must succeed, write its
# file, and not wake the cgroup's OOM killer.
. /vmtest/lib.sh
handshake_reset
rm -f "$SHARE/dump.rdb"
f=$(node redis-bgsave "cgroup:" \
    "  items: {memory.max: 128M, memory.swap.max: 0, pids.max: 64}")
redwrap --node "$f" -- /bin/sh -c '
    cli=/usr/local/bin/redis-cli
    /usr/local/bin/redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no \
        --dir /share --dbfilename dump.rdb --enable-debug-command yes > /dev/null &
    redis=$!
    i=0
    until $cli ping 2>/dev/null | grep -q PONG; do
        sleep 0.2; i=$((i + 1)); [ $i -lt 150 ] || exit 3
    done
    $cli debug populate 200000 key 64 > /dev/null
    $cli bgsave > /dev/null
    i=0
    while $cli info persistence | grep -q "rdb_bgsave_in_progress:1"; do
        sleep 0.2; i=$((i + 1)); [ $i -lt 600 ] || exit 4
    done
    $cli info persistence | tr -d "\r" | grep -E "rdb_last_bgsave_status|rdb_saves" > /share/bgsave
    $cli dbsize >> /share/bgsave
    touch /share/ready-bgsave
    while [ ! -e /share/go-bgsave ]; do sleep 0.1; done
    $cli shutdown nosave > /dev/null 2>&1
    wait $redis
    exit 0' > /tmp/out 2> /tmp/err &
pid=$!
wait_for "$SHARE/ready-bgsave" 1200 || { cat /tmp/err; fail "the snapshot did not finish"; }
cg=$(cg_of redis-bgsave) || fail "no cgroup for the node"
echo "$(tr '\n' ' ' < "$SHARE/bgsave"); memory.max $(cat "$cg/memory.max"), peak $(cat "$cg/memory.peak" 2>/dev/null || echo n/a), oom_kill $(field "$cg/memory.events" oom_kill)"
grep -qx "rdb_last_bgsave_status:ok" "$SHARE/bgsave" || fail "BGSAVE did not succeed"
grep -qx "200000" "$SHARE/bgsave" || fail "the dataset is not all there"
[ -s "$SHARE/dump.rdb" ] || fail "no dump.rdb written"
[ "$(field "$cg/memory.events" oom_kill)" = 0 ] || fail "the OOM killer acted during the fork"
touch "$SHARE/go-bgsave"
wait $pid
rc=$?
[ $rc -eq 0 ] || { cat /tmp/err; fail "redwrap exited $rc"; }
no_cgroup_left redis-bgsave
