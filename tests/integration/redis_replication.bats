#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# A primary and a replica in two nodes: nodes/redis-hostnet.yaml and
# nodes/redis-replica.yaml, copied side by side into one folder as shipped
# (each keeps its own data folder), on loopback ports of their own. Writes on
# the primary reach the replica; once the primary's redwrap is killed
# outright (its node dies with it) and the replica promoted, every write
# that WAIT 1 confirmed is on the new primary.

load helpers

PRIMARY=21721
REPLICA=21722

setup() {
    common_setup
    require_redis
    [ "$(id -u)" -eq 0 ] || skip "the nodes run Redis as the host's redis user: root only"
    NODES=$SCRATCH/nodes
    redis_node_copy redis-hostnet "$NODES"
    cp "$REDPAK_SOURCE_DIR/nodes/redis-replica.yaml" "$NODES/replica.yaml"
    mv "$NODES/node.yaml" "$NODES/primary.yaml"
    PRIMARY_PID="" REPLICA_PID="" WRITER_PID=""
}

teardown() {
    local pid
    for pid in "$PRIMARY_PID" "$REPLICA_PID" "$WRITER_PID"; do
        [ -z "$pid" ] || kill -KILL "$pid" 2> /dev/null || true
    done
    common_teardown
}

# node VAR FILE PORT [redis-server options]: redwrap on FILE in the
# background (a child of this shell, so that wait works), Redis on PORT;
# sets VAR to redwrap's pid once Redis answers PING.
node() {
    local var=$1 file=$2 port=$3
    shift 3
    "$REDWRAP" --node "$NODES/$file.yaml" -- /usr/bin/redis-server /etc/redis/redis.conf \
        --port "$port" "$@" > "$NODES/$file.log" 2>&1 &
    printf -v "$var" %s "$!"
    local i
    for i in $(seq 150); do
        [ "$(redis-cli -p "$port" ping 2> /dev/null)" = PONG ] && return 0
        kill -0 "${!var}" 2> /dev/null || break
        sleep 0.1
    done
    cat "$NODES/$file.log" >&2
    return 1
}

link_up() {
    local i
    for i in $(seq 100); do
        redis-cli -p "$REPLICA" info replication | grep -q '^master_link_status:up' && return 0
        sleep 0.1
    done
    return 1
}

start_both() {
    node PRIMARY_PID primary "$PRIMARY"
    # The shipped replicaof names 6379: the test's own port replaces it.
    node REPLICA_PID replica "$REPLICA" --replicaof 127.0.0.1 "$PRIMARY"
    link_up
}

# SET w:0, w:1, ... on the primary, each followed by WAIT 1 1000; records in
# FILE how many WAIT confirmed on at least one replica, once the connection
# breaks.
confirmed_writer() {
    python3 - "$PRIMARY" "$1" <<'PY'
import socket, sys
port, out = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("rb")
confirmed = 0
def cmd(*words):
    s.sendall(b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words))
    return f.readline()
try:
    while True:
        k = b"w:%d" % confirmed
        if cmd(b"SET", k, b"v") != b"+OK\r\n":
            break
        r = cmd(b"WAIT", b"1", b"1000")
        if not r.startswith(b":") or int(r[1:]) < 1:
            break
        confirmed += 1
        if confirmed % 100 == 0:
            open(out, "w").write("%d\n" % confirmed)
except (OSError, ValueError):
    pass
open(out, "w").write("%d\n" % confirmed)
PY
}

@test "the replica node ships the primary's seccomp section and validates" {
    sed -n '/^seccomp:/,/^process:/p' "$REDPAK_SOURCE_DIR/nodes/redis-hostnet.yaml" > "$SCRATCH/a"
    sed -n '/^seccomp:/,/^process:/p' "$REDPAK_SOURCE_DIR/nodes/redis-replica.yaml" > "$SCRATCH/b"
    diff "$SCRATCH/a" "$SCRATCH/b"
    "$REDNODE_CONFIG" validate "$REDPAK_SOURCE_DIR/nodes/redis-replica.yaml"
}

@test "writes on the primary node appear on the replica node, which refuses writes of its own" {
    start_both
    redis-cli -p "$PRIMARY" set from-primary 42 > /dev/null
    [ "$(redis-cli -p "$PRIMARY" wait 1 5000)" = 1 ]
    [ "$(redis-cli -p "$REPLICA" get from-primary)" = 42 ]
    [[ "$(redis-cli -p "$REPLICA" set x 1)" == READONLY* ]]
    # Each node has its own data folder next to the node files.
    [ -d "$NODES/data" ] && [ -d "$NODES/redis-replica-data" ]
    # The filters refused nothing (redwrap logs each refusal).
    run grep 'seccomp: refused' "$NODES/primary.log" "$NODES/replica.log"
    [ "$status" -eq 1 ]
}

@test "SIGKILL to the primary's redwrap, REPLICAOF NO ONE: every write WAIT 1 confirmed is on the promoted replica" {
    start_both
    server=$(redis_server_pid "$PRIMARY_PID")
    confirmed_writer "$SCRATCH/confirmed" &
    WRITER_PID=$!
    local i
    for i in $(seq 200); do
        [ "$(cat "$SCRATCH/confirmed" 2> /dev/null || echo 0)" -ge 500 ] && break
        sleep 0.1
    done
    redis_kill_node "$PRIMARY_PID" "$server"
    PRIMARY_PID=""
    wait "$WRITER_PID" || true
    WRITER_PID=""
    confirmed=$(cat "$SCRATCH/confirmed")
    [ "$confirmed" -ge 500 ]

    [ "$(redis-cli -p "$REPLICA" replicaof no one)" = OK ]
    redis-cli -p "$REPLICA" info replication | grep -q '^role:master'
    keys=$(seq -f 'w:%.0f' 0 $((confirmed - 1)) | tr '\n' ' ')
    # shellcheck disable=SC2086
    [ "$(redis-cli -p "$REPLICA" exists $keys)" = "$confirmed" ]
    # At most the one write in flight beyond those.
    [ "$(redis-cli -p "$REPLICA" dbsize)" -le $((confirmed + 1)) ]
    [ "$(redis-cli -p "$REPLICA" set after-failover 1)" = OK ]
    echo "# $confirmed writes confirmed by WAIT 1, all on the promoted replica" >&3
    run grep 'seccomp: refused' "$NODES/replica.log"
    [ "$status" -eq 1 ]
}
