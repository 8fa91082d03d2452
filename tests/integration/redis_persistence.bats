#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The shipped Redis node keeps its data: /data is the host directory
# ${NODE_DIR}/data, Redis saves there when redwrap forwards SIGTERM, forks
# for BGSAVE inside the node, and with the AOF and appendfsync always loses
# no acknowledged write when the node is killed outright, however many
# clients write at once; with everysec the writes lost span at most a
# second (plus a margin, below).

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

    redis_kill_node "$REDIS_PID" "$server"
    REDIS_PID=""
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

# W clients at once, each its own connection over the unix socket, each
# writing c<I>:0, c<I>:1, ... one SET at a time; once the connection breaks
# each writes to FILE.I how many Redis acknowledged (+OK). Prints "started"
# when every client is connected.
concurrent_writers() {
    python3 - "$SOCK" "$1" "$2" <<'PY'
import socket, sys, threading
path, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
acked = [0] * n
def writer(i, s):
    f = s.makefile("rb")
    try:
        while True:
            k, v = b"c%d:%d" % (i, acked[i]), b"v%d" % acked[i]
            s.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
            if f.readline() != b"+OK\r\n":
                break
            acked[i] += 1
    except OSError:
        pass
    open("%s.%d" % (out, i), "w").write("%d\n" % acked[i])
socks = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
threads = [threading.Thread(target=writer, args=(i, socks[i])) for i in range(n)]
for t in threads:
    t.start()
print("started", flush=True)
for t in threads:
    t.join()
PY
}

@test "AOF with appendfsync always: 8 clients writing at once, SIGKILL to redwrap, a restart has every acknowledged write of each" {
    local aof=(-- /usr/bin/redis-server /etc/redis/redis.conf --appendonly yes --appendfsync always)
    redis_node_start "$NODE" "${aof[@]}"
    server=$(redis_server_pid "$REDIS_PID")
    concurrent_writers "$SCRATCH/acked" 8 > "$SCRATCH/writers.out" &
    WRITER_PID=$!
    # Mid-load: a few thousand writes in, every client busy.
    for i in $(seq 100); do
        [ "$(cli dbsize 2> /dev/null || echo 0)" -ge 3000 ] && break
        sleep 0.1
    done
    grep -q started "$SCRATCH/writers.out"
    redis_kill_node "$REDIS_PID" "$server"
    REDIS_PID=""
    wait "$WRITER_PID"
    WRITER_PID=""

    redis_node_start "$NODE" "${aof[@]}"
    total=0
    for c in 0 1 2 3 4 5 6 7; do
        acked=$(cat "$SCRATCH/acked.$c")
        [ "$acked" -gt 0 ]
        total=$((total + acked))
        keys=$(seq -f "c$c:%.0f" 0 $((acked - 1)) | tr '\n' ' ')
        # shellcheck disable=SC2086
        [ "$(cli exists $keys)" = "$acked" ]
    done
    [ "$total" -ge 3000 ]
    # Beyond those, at most the one write each client had in flight.
    [ "$(cli dbsize)" -le $((total + 8)) ]
    echo "# always: $total writes acknowledged by 8 clients, all $total kept" >&3
}

# One client writing t:0, t:1, ... one SET at a time; for each it records
# the time of the reply (CLOCK_MONOTONIC, seconds) in FILE, one line
# "I TIME", flushed every 100 writes and at the end.
timed_writer() {
    python3 - "$SOCK" "$1" <<'PY'
import socket, sys, time
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
f = s.makefile("rb")
log = open(out, "w")
i = 0
try:
    while True:
        k = b"t:%d" % i
        s.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nx\r\n" % (len(k), k))
        if f.readline() != b"+OK\r\n":
            break
        log.write("%d %.6f\n" % (i, time.monotonic()))
        i += 1
        if i % 100 == 0:
            log.flush()
except OSError:
    pass
log.close()
PY
}

# Redis with appendfsync everysec writes the AOF buffer before it replies
# and fsyncs once a second in a background thread; when that fsync is slow
# it may postpone the write for up to two seconds while still replying
# (flushAppendOnlyFile). SIGKILL of the process leaves what was written in
# the page cache, so what this test can lose is that postponed buffer; the
# one second fsync bounds is what a power loss would cost, which a test on
# a running kernel cannot show. The bound checked: one second plus a
# margin of one second for the postponed write.
@test "AOF with appendfsync everysec: SIGKILL to redwrap mid-stream loses at most one second of acknowledged writes (+1 s margin)" {
    local aof=(-- /usr/bin/redis-server /etc/redis/redis.conf --appendonly yes --appendfsync everysec)
    redis_node_start "$NODE" "${aof[@]}"
    server=$(redis_server_pid "$REDIS_PID")
    timed_writer "$SCRATCH/times" &
    WRITER_PID=$!
    # Three seconds of writes, so that several fsyncs have happened.
    sleep 3
    redis_kill_node "$REDIS_PID" "$server"
    REDIS_PID=""
    wait "$WRITER_PID"
    WRITER_PID=""
    acked=$(grep -c '' "$SCRATCH/times")
    [ "$acked" -ge 1000 ]

    redis_node_start "$NODE" "${aof[@]}"
    kept=$(cli dbsize)
    # What survived is a prefix t:0 .. t:(kept-1) (Redis appends in order),
    # with at most the one write in flight beyond the acknowledged ones.
    [ "$kept" -gt 0 ]
    [ "$(cli exists t:$((kept - 1)))" = 1 ]
    [ "$kept" -le $((acked + 1)) ]
    # The lost span: from the reply to the last kept write to the reply to
    # the last acknowledged one; none when every acknowledged write is kept.
    lost=$(awk -v kept="$kept" '$1 == kept - 1 { k = $2 } { last = $2 } END {
        d = (NR <= kept) ? 0 : last - k; printf "%.3f", d }' "$SCRATCH/times")
    echo "# everysec: $acked acknowledged, $kept kept, lost span ${lost} s" >&3
    awk -v d="$lost" 'BEGIN { exit !(d <= 2.0) }'

    # And SIGTERM after the restart: Redis fsyncs the AOF, saves, exits 0.
    kill -TERM "$REDIS_PID"
    status=0
    wait "$REDIS_PID" || status=$?
    REDIS_PID=""
    [ "$status" -eq 0 ]
    grep -q 'DB saved on disk' "$NODE/redwrap.log"
}
