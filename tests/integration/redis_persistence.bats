#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The shipped Redis node keeps its data: /data is the host directory
# ${NODE_DIR}/data, Redis saves there when redwrap forwards SIGTERM, forks
# for BGSAVE inside the node, and with the AOF and appendfsync always loses
# no acknowledged write when the node is killed outright.

load helpers

setup() {
    common_setup
    redis_root_node
}

teardown() {
    [ -n "${REDIS_PID:-}" ] && kill -KILL "$REDIS_PID" 2> /dev/null
    [ -n "${WRITER_PID:-}" ] && kill -KILL "$WRITER_PID" 2> /dev/null
    [ -n "${server:-}" ] && kill -KILL "$server" 2> /dev/null
    common_teardown
}

cli() {
    redis-cli -s "$SOCK" "$@"
}

# N SET commands key:I -> value:I:<56 random hex digits> in the Redis
# protocol, for redis-cli --pipe. Random, so that the RDB does not compress:
# 100000 of them make about 8 MiB, past the 4 MiB after which Redis syncs
# the file as it writes it (sync_file_range).
protocol_sets() {
    awk -v n="$1" 'BEGIN {
        srand(1)
        for (i = 0; i < n; i++) {
            k = "key:" i; v = "value:" i ":"
            for (j = 0; j < 7; j++)
                v = v sprintf("%08x", int(rand() * 4294967296))
            printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
        }
    }'
}

# Waits until no background save or AOF rewrite runs.
wait_persistence_idle() {
    local i
    for i in $(seq 300); do
        cli info persistence | tr -d '\r' > "$SCRATCH/persistence"
        grep -q '^rdb_bgsave_in_progress:0$' "$SCRATCH/persistence" &&
            grep -q '^aof_rewrite_in_progress:0$' "$SCRATCH/persistence" && return 0
        sleep 0.1
    done
    return 1
}

@test "100000 keys written, SIGTERM to redwrap: Redis saves, redwrap exits 0, a new node has every key" {
    redis_node_start "$NODE"
    protocol_sets 100000 | cli --pipe > "$SCRATCH/pipe.log"
    grep -q 'errors: 0, replies: 100000' "$SCRATCH/pipe.log"
    [ "$(cli dbsize)" = 100000 ]

    kill -TERM "$REDIS_PID"
    status=0
    wait "$REDIS_PID" || status=$?
    [ "$status" -eq 0 ]
    grep -q 'DB saved on disk' "$NODE/redwrap.log"
    # The data is the host's, owned by the node's redis user.
    [ "$(stat -c %U "$NODE/data/dump.rdb")" = redis ]

    redis_node_start "$NODE"
    [ "$(cli dbsize)" = 100000 ]
    [[ "$(cli get key:0)" =~ ^value:0:[0-9a-f]{56}$ ]]
    [[ "$(cli get key:99999)" =~ ^value:99999:[0-9a-f]{56}$ ]]
    [ "$(stat -c %s "$NODE/data/dump.rdb")" -gt $((4 * 1024 * 1024)) ]
}

@test "BGSAVE forks inside the node and writes dump.rdb to the host directory" {
    redis_node_start "$NODE"
    protocol_sets 20000 | cli --pipe > /dev/null
    before=$(cli lastsave)
    sleep 1     # LASTSAVE has a resolution of one second
    [ "$(cli bgsave)" = "Background saving started" ]
    wait_persistence_idle
    grep -q '^rdb_last_bgsave_status:ok$' "$SCRATCH/persistence"
    [ "$(cli lastsave)" -gt "$before" ]
    grep -q 'Background saving terminated with success' "$NODE/redwrap.log"
    [ -s "$NODE/data/dump.rdb" ]
    # Root-started with a private id range: /data is an idmapped bind, so
    # the folder and what Redis wrote there are the host's redis:redis.
    [ "$(stat -c %u:%g "$NODE/data" "$NODE/data/dump.rdb" | sort -u)" = \
        "$(id -u redis):$(id -g redis)" ]
}

# Writes key:0, key:1, ... one at a time over the unix socket and records in
# FILE how many Redis acknowledged (+OK) before the connection broke.
ack_writer() {
    python3 - "$SOCK" "$1" <<'PY'
import socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
f = s.makefile("rb")
acked = 0
try:
    while True:
        k, v = b"key:%d" % acked, b"value:%d" % acked
        s.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
        if f.readline() != b"+OK\r\n":
            break
        acked += 1
        if acked % 100 == 0:
            open(out, "w").write("%d\n" % acked)
except OSError:
    pass
open(out, "w").write("%d\n" % acked)
PY
}

@test "AOF with appendfsync always: SIGKILL to redwrap mid-load ends the node, a restart has every acknowledged write" {
    local aof=(-- /usr/bin/redis-server /etc/redis/redis.conf --appendonly yes --appendfsync always)
    redis_node_start "$NODE" "${aof[@]}"
    server=$(redis_server_pid "$REDIS_PID")
    ack_writer "$SCRATCH/acked" &
    WRITER_PID=$!
    # Mid-load: once a few hundred writes are acknowledged.
    for i in $(seq 100); do
        [ "$(cat "$SCRATCH/acked" 2> /dev/null || echo 0)" -ge 500 ] && break
        sleep 0.1
    done

    kill -KILL "$REDIS_PID"
    wait "$REDIS_PID" || true
    # die_with_parent: the node's PID 1 got SIGKILL with redwrap, and the
    # kernel ended every process of its pid namespace, Redis included.
    for i in $(seq 50); do
        kill -0 "$server" 2> /dev/null || break
        sleep 0.1
    done
    run kill -0 "$server"
    [ "$status" -ne 0 ]
    wait "$WRITER_PID"
    acked=$(cat "$SCRATCH/acked")
    [ "$acked" -ge 500 ]

    redis_node_start "$NODE" "${aof[@]}"
    # Every acknowledged key, each by name (EXISTS counts the ones present).
    keys=$(seq -f 'key:%.0f' 0 $((acked - 1)) | tr '\n' ' ')
    # shellcheck disable=SC2086
    [ "$(cli exists $keys)" = "$acked" ]
    # At most the one write that was in flight beyond those.
    [ "$(cli dbsize)" -le $((acked + 1)) ]
}
