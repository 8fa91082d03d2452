#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# What production Redis does, in the shipped node and under its seccomp
# profile: each operation that a learned kill_process profile once killed
# Redis on (REPLICAOF, MIGRATE, an AOF cut mid-record, a full disk,
# cluster-enabled, unixsocketperm, CPU lists, a crash report) works, the
# node keeps running, and the filter refused nothing (redwrap logs every
# refusal: default_action report).
#
# The network operations run in nodes/redis-hostnet.yaml (127.0.0.1 only;
# the peers are redis-server processes on the host); nodes/redis.yaml has
# the same seccomp section (checked below), so the same calls pass there.

load helpers

PORT=21701
PEER=21702

setup() {
    common_setup
    require_redis
    [ "$(id -u)" -eq 0 ] || skip "the node runs Redis as the host's redis user: root only"
    NODE=$SCRATCH/hn
    redis_node_copy redis-hostnet "$NODE"
    PEER_PID=""
}

teardown() {
    [ -n "${REDIS_PID:-}" ] && kill -KILL "$REDIS_PID" 2> /dev/null
    [ -n "${PEER_PID:-}" ] && kill -KILL "$PEER_PID" 2> /dev/null
    mountpoint -q "$SCRATCH/full" && umount "$SCRATCH/full"
    common_teardown
}

cli() { redis-cli -p "$PORT" "$@"; }

# start [redwrap options --] [redis-server options]: the node on PORT.
start() {
    local opts=()
    if [ "${1:-}" = --redwrap ]; then
        shift
        while [ "$1" != -- ]; do opts+=("$1"); shift; done
        shift
    fi
    "$REDWRAP" --node "$NODE/node.yaml" "${opts[@]}" -- /usr/bin/redis-server \
        /etc/redis/redis.conf --port "$PORT" "$@" > "$NODE/redwrap.log" 2>&1 &
    REDIS_PID=$!
    local i
    for i in $(seq 150); do
        [ "$(cli ping 2> /dev/null)" = PONG ] && return 0
        kill -0 "$REDIS_PID" 2> /dev/null || break
        sleep 0.1
    done
    cat "$NODE/redwrap.log" >&2
    return 1
}

# A plain Redis on the host on PEER.
peer() {
    mkdir -p "$SCRATCH/peer"
    redis-server --port "$PEER" --bind 127.0.0.1 --dir "$SCRATCH/peer" --save '' \
        --logfile "" "$@" > "$SCRATCH/peer.log" 2>&1 &
    PEER_PID=$!
    local i
    for i in $(seq 100); do
        [ "$(redis-cli -p "$PEER" ping 2> /dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    return 1
}

# The node still runs and its filter refused nothing.
alive_and_nothing_refused() {
    kill -0 "$REDIS_PID"
    [ "$(cli ping)" = PONG ]
    ! grep 'seccomp: refused' "$NODE/redwrap.log"
}

stop() {
    cli shutdown nosave > /dev/null 2>&1 || true
    wait "$REDIS_PID" || true
    REDIS_PID=""
    ! grep 'seccomp: refused' "$NODE/redwrap.log"
}

@test "both Redis nodes carry the same seccomp section, with default_action report" {
    sed -n '/^seccomp:/,/^process:/p' "$REDPAK_SOURCE_DIR/nodes/redis.yaml" > "$SCRATCH/a"
    sed -n '/^seccomp:/,/^process:/p' "$REDPAK_SOURCE_DIR/nodes/redis-hostnet.yaml" > "$SCRATCH/b"
    diff "$SCRATCH/a" "$SCRATCH/b"
    grep -q '^  default_action: report$' "$SCRATCH/a"
}

@test "REPLICAOF a host Redis (connect): the replica syncs; MULTI/EXEC with REPLICAOF NO ONE" {
    peer
    redis-cli -p "$PEER" set from-primary 42 > /dev/null
    start
    cli replicaof 127.0.0.1 "$PEER"
    local i
    for i in $(seq 100); do
        cli info replication | grep -q 'master_link_status:up' && break
        sleep 0.1
    done
    [ "$(cli get from-primary)" = 42 ]
    printf 'MULTI\nREPLICAOF NO ONE\nEXEC\n' | cli > "$SCRATCH/multi"
    cli info replication | grep -q '^role:master'
    [ "$(cli set after 1)" = OK ]
    alive_and_nothing_refused
    stop
}

@test "a host Redis replicates the node (fork, RDB to the socket), WAIT 1 acknowledges" {
    start
    cli set k v > /dev/null
    peer --replicaof 127.0.0.1 "$PORT"
    # The full sync (a fork, the RDB over the link) first: on a loaded
    # machine it may take longer than one WAIT's timeout.
    local i
    for i in $(seq 300); do
        redis-cli -p "$PEER" info replication | grep -q 'master_link_status:up' && break
        sleep 0.1
    done
    [ "$(cli wait 1 5000)" = 1 ]
    cli set k2 v2 > /dev/null
    [ "$(cli wait 1 5000)" = 1 ]
    [ "$(redis-cli -p "$PEER" get k2)" = v2 ]
    alive_and_nothing_refused
    stop
}

@test "MIGRATE moves keys to a host Redis (connect)" {
    peer
    start
    cli set m1 one > /dev/null
    cli set m2 two > /dev/null
    [ "$(cli migrate 127.0.0.1 "$PEER" m1 0 5000)" = OK ]
    [ "$(cli migrate 127.0.0.1 "$PEER" "" 0 5000 keys m2)" = OK ]
    [ "$(redis-cli -p "$PEER" get m1)" = one ]
    [ "$(redis-cli -p "$PEER" get m2)" = two ]
    [ "$(cli exists m1)" = 0 ]
    alive_and_nothing_refused
    stop
}

@test "cluster-enabled yes (flock on nodes.conf): the node starts, serves its slots, MIGRATE works" {
    peer
    start --cluster-enabled yes --cluster-config-file nodes.conf
    cli cluster addslotsrange 0 16383 > /dev/null
    local i
    for i in $(seq 50); do
        cli cluster info | grep -q 'cluster_state:ok' && break
        sleep 0.1
    done
    cli set '{a}x' 1 > /dev/null
    [ "$(cli migrate 127.0.0.1 "$PEER" '{a}x' 0 5000)" = OK ]
    [ -s "$NODE/data/nodes.conf" ]
    alive_and_nothing_refused
    stop
}

@test "an AOF cut mid-record: Redis truncates it (truncate) on start and serves" {
    start --appendonly yes --appendfsync always
    redis-benchmark -p "$PORT" -q -n 2000 -t set,incr > /dev/null
    cli shutdown > /dev/null || true
    wait "$REDIS_PID"
    local incr
    incr=$(ls "$NODE"/data/appendonlydir/*.incr.aof | tail -1)
    truncate -s -3 "$incr"
    start --appendonly yes --aof-load-truncated yes
    grep -q 'loaded anyway because aof-load-truncated is enabled' "$NODE/redwrap.log"
    [ "$(cli get counter:__rand_int__)" -ge 1990 ]
    alive_and_nothing_refused
    stop
}

@test "redis-check-aof --fix repairs a cut AOF inside the node" {
    start --appendonly yes --appendfsync always
    redis-benchmark -p "$PORT" -q -n 500 -t set > /dev/null
    stop
    local incr
    incr=$(ls "$NODE"/data/appendonlydir/*.incr.aof | tail -1)
    truncate -s -3 "$incr"
    run bash -c "echo y | '$REDWRAP' --node '$NODE/node.yaml' -- /usr/bin/redis-check-aof \
        --fix '/data/appendonlydir/$(basename "$incr")'"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Successfully truncated AOF"* ]]
    [[ "$output" != *"seccomp: refused"* ]]
}

# appendfsync everysec: with "always" Redis itself exits on an AOF write
# error ("Can't recover from AOF write error when the AOF fsync policy is
# 'always'", aof.c), by design.
@test "the disk fills while writing the AOF (ftruncate): MISCONF, Redis keeps serving" {
    mkdir -p "$SCRATCH/full"
    mount -t tmpfs -o size=4M,mode=0755 tmpfs "$SCRATCH/full"
    start --appendonly yes --appendfsync always --save ''
    chown --reference="$NODE/data" "$SCRATCH/full"
    stop
    # Room the host takes back once the disk is full.
    head -c 1500000 /dev/zero > "$SCRATCH/full/filler"
    start --redwrap --set "mounts[4].source=$SCRATCH/full" -- \
        --appendonly yes --appendfsync everysec --save ''
    local i refused=0
    head -c 400000 /dev/zero | tr '\0' x > "$SCRATCH/big"
    for i in $(seq 15); do
        out=$(cli -x set "big$i" < "$SCRATCH/big" 2>&1) || true
        [ "$out" = OK ] || refused=$((refused + 1))
    done
    [ "$refused" -gt 0 ]
    cli info persistence | grep -q 'aof_last_write_status:err'
    # Writes (and PING, so that monitoring sees it) answer MISCONF; reads
    # are served.
    [[ "$(cli set more 1)" == MISCONF* ]]
    [ "$(cli get big1 | wc -c)" -gt 1000 ]
    kill -0 "$REDIS_PID"
    # Space again: Redis retries the write (once a second) and recovers.
    rm "$SCRATCH/full/filler"
    for i in $(seq 50); do
        [ "$(cli set recovered 1 2>&1)" = OK ] && break
        sleep 0.1
    done
    [ "$(cli get recovered)" = 1 ]
    alive_and_nothing_refused
    stop
}

@test "unixsocketperm on a socket in a folder of its own (fchmodat): srwxrwx---" {
    start
    stop
    mkdir "$NODE/data/sockdir"
    chown --reference="$NODE/data" "$NODE/data/sockdir"
    start --unixsocket /data/sockdir/redis.sock --unixsocketperm 770
    [ "$(stat -c %A "$NODE/data/sockdir/redis.sock")" = srwxrwx--- ]
    [ "$(redis-cli -s "$NODE/data/sockdir/redis.sock" ping)" = PONG ]
    alive_and_nothing_refused
    stop
}

@test "server_cpulist, bio_cpulist and io-threads (sched_setaffinity): Redis runs on CPU 0" {
    start --server_cpulist 0 --bio_cpulist 0 --io-threads 2 --io-threads-do-reads yes
    redis-benchmark -p "$PORT" -q -n 20000 -c 16 -t set,get > /dev/null
    local pid
    pid=$(redis_server_pid "$REDIS_PID")
    grep -q '^Cpus_allowed_list:[[:space:]]*0$' "/proc/$pid/status"
    alive_and_nothing_refused
    stop
}

@test "DEBUG SEGFAULT: the crash report is whole (tgkill) and redwrap exits 139" {
    start --enable-debug-command yes
    cli debug segfault > /dev/null 2>&1 || true
    local status=0
    wait "$REDIS_PID" || status=$?
    REDIS_PID=""
    [ "$status" -eq 139 ]
    grep -q 'REDIS BUG REPORT START' "$NODE/redwrap.log"
    grep -q 'REDIS BUG REPORT END' "$NODE/redwrap.log" || { cat "$NODE/redwrap.log"; false; }
    ! grep 'seccomp: refused' "$NODE/redwrap.log"
}

@test "BGSAVE and BGREWRITEAOF under memory pressure (memory.high 40M), SHUTDOWN variants" {
    start --redwrap --set cgroup.items.memory.high=40M -- --appendonly yes
    redis-benchmark -p "$PORT" -q -n 200000 -r 100000000 -P 64 -d 100 -t set > /dev/null
    cli bgsave > /dev/null
    cli bgrewriteaof > /dev/null 2>&1 || true
    local i
    for i in $(seq 300); do
        cli info persistence | grep -q 'rdb_bgsave_in_progress:0' &&
            cli info persistence | grep -q 'aof_rewrite_in_progress:0' && break
        sleep 0.1
    done
    cli info persistence | grep -q 'rdb_last_bgsave_status:ok'
    alive_and_nothing_refused
    cli shutdown abort > /dev/null 2>&1 || true
    cli shutdown now > /dev/null 2>&1 || true
    local status=0
    wait "$REDIS_PID" || status=$?
    REDIS_PID=""
    [ "$status" -eq 0 ]
    ! grep 'seccomp: refused' "$NODE/redwrap.log"
}
