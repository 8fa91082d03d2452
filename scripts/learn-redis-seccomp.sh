#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Learns the syscalls Redis makes in service, from scratch, with
# redwrap --seccomp-learn, and writes their union as a seccomp: fragment.
#
#   scripts/learn-redis-seccomp.sh [OUT.yaml]   (default: out/redis-learned.yaml)
#   LEARN_SUITE=0 scripts/learn-redis-seccomp.sh  (without Redis's own suite)
#
# Then it prints which learned names nodes/redis.yaml does not allow and
# which it allows but no run made: the node's seccomp: section is the
# result reviewed by hand (argument filters, one comment per group), so the
# script never rewrites it.
#
# Every run is nodes/redis-hostnet.yaml (the same Redis and libc as
# nodes/redis.yaml, with the host's loopback, so that replication, cluster
# and MIGRATE can reach a second Redis) on 127.0.0.1:16379; the peers are
# plain redis-server processes on the host on 16400-16402. The runs:
#   basics   redis-benchmark on every command group, 1 MB values, a 20 MiB
#            dataset, BGSAVE, AOF always and everysec, BGREWRITEAOF, a BGSAVE
#            that FLUSHALL kills, SHUTDOWN SAVE; READY=1 through the proxy
#   reload   a start that loads the AOF, SIGTERM
#   suite    Redis's own test suite (tests/redis-suite, 7.0.15) against the
#            node as an external server, the units of REDIS_SUITE_UNITS
#   debug    DEBUG RELOAD/JMAP/OBJECT/DIGEST/LOADAOF/..., MEMORY DOCTOR,
#            LATENCY DOCTOR, MONITOR, CONFIG REWRITE (refused: read-only),
#            then DEBUG SEGFAULT: the crash report
#   replica  REPLICAOF a host Redis (disk and diskless load), MULTI/EXEC
#            with REPLICAOF, REPLICAOF NO ONE; then a host Redis replicates
#            the node (disk and diskless sync), WAIT; SHUTDOWN NOSAVE
#   cluster  cluster-enabled yes (nodes.conf is flock'ed), ADDSLOTSRANGE,
#            CLUSTER MEET a host cluster node, MIGRATE to a host Redis
#   aofrepair restart on an AOF cut mid-record (aof-load-truncated: Redis
#            truncates it), and redis-check-aof --fix in the node
#   diskfull /data on a 4 MiB tmpfs: AOF writes fail (ENOSPC, ftruncate of
#            the partial write), MISCONF, PING still answered, BGSAVE fails
#   threads  io-threads 4 with reads, server/bio/aof_rewrite/bgsave
#            cpulists, unixsocket + unixsocketperm in a folder of /data,
#            BGSAVE and BGREWRITEAOF under cgroup memory pressure
#   shutdown SHUTDOWN NOW, SHUTDOWN FORCE, SIGINT, SHUTDOWN ABORT
# Needs root, redis-server, redis-tools, tclsh (the suite), python3.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$SRC/out/redis-learned.yaml}
REDWRAP=${REDWRAP:-$SRC/build/redwrap/redwrap}
LEARN_SUITE=${LEARN_SUITE:-1}
REDIS_SUITE_UNITS=${REDIS_SUITE_UNITS:-"unit/type/string unit/type/incr unit/type/list
 unit/type/hash unit/type/set unit/type/zset unit/type/stream unit/expire unit/other
 unit/multi unit/info unit/keyspace unit/scan unit/dump unit/introspection unit/pubsub
 unit/scripting unit/functions unit/bitops unit/geo unit/hyperloglog unit/latency-monitor
 unit/lazyfree unit/maxmemory unit/protocol unit/acl unit/querybuf unit/tracking"}
[ -x "$REDWRAP" ] || { echo "learn-redis-seccomp: build first ($REDWRAP is missing)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "learn-redis-seccomp: run as root" >&2; exit 1; }

WORK=$(mktemp -d /tmp/redpak-learn.XXXXXX)
chmod 0755 "$WORK"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done
    mountpoint -q "$WORK/full/data" && umount "$WORK/full/data"
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=16379
cp "$SRC/nodes/redis-hostnet.yaml" "$WORK/node.yaml"
cli() { redis-cli -p "$PORT" "$@"; }
bench() { redis-benchmark -p "$PORT" -q "$@" > /dev/null; }

# A service manager's notify socket: READY=1 is part of a start.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    s.recv(4096)' "$WORK/notify" &
PIDS+=($!)

# peer PORT [redis-server options]: a plain Redis on the host.
peer() {
    local p=$1
    shift
    mkdir -p "$WORK/peer-$p"
    redis-server --port "$p" --bind 127.0.0.1 --dir "$WORK/peer-$p" --save '' \
        --daemonize yes --pidfile "$WORK/peer-$p/pid" --logfile "$WORK/peer-$p/log" "$@"
    for _ in $(seq 50); do
        [ "$(redis-cli -p "$p" ping 2> /dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    return 1
}
peer_stop() { redis-cli -p "$1" shutdown nosave > /dev/null 2>&1 || true; }

# learn RUN [redwrap options --] [redis-server options]
learn() {
    local run=$1
    shift
    local opts=()
    if [ "${1:-}" = --redwrap ]; then
        shift
        while [ "$1" != -- ]; do opts+=("$1"); shift; done
        shift
    fi
    NOTIFY_SOCKET=$WORK/notify "$REDWRAP" --node "$WORK/node.yaml" "${opts[@]}" \
        --seccomp-learn "$WORK/learned-$run.yaml" -- \
        /usr/bin/redis-server /etc/redis/redis.conf --port "$PORT" "$@" \
        > "$WORK/redis-$run.log" 2>&1 &
    REDWRAP_PID=$!
    for _ in $(seq 300); do
        [ "$(cli ping 2> /dev/null)" = PONG ] && return 0
        kill -0 "$REDWRAP_PID" 2> /dev/null || break
        sleep 0.1
    done
    cat "$WORK/redis-$run.log" >&2
    return 1
}

# finish RUN [STATUS]: waits for redwrap, which writes the fragment at the end.
finish() {
    local rc=0
    wait "$REDWRAP_PID" || rc=$?
    if [ "$rc" -ne "${2:-0}" ]; then
        echo "learn-redis-seccomp: run $1: redwrap exited $rc" >&2
        tail -20 "$WORK/redis-$1.log" >&2
        return 1
    fi
    [ -s "$WORK/learned-$1.yaml" ]
    echo "learn-redis-seccomp: run $1: $(grep -c '^        - ' "$WORK/learned-$1.yaml") syscalls"
}

# Waits until no background save or rewrite is running.
settle() {
    for _ in $(seq 300); do
        cli info persistence | grep -q '^rdb_bgsave_in_progress:0' &&
            cli info persistence | grep -q '^aof_rewrite_in_progress:0' && return 0
        sleep 0.1
    done
    return 1
}

# ---- basics, reload
learn basics
bench -n 20000 -c 8
bench -n 20000 -c 8 -P 16 -t set,get,lpush,lpop
bench -n 200 -c 2 -d 1000000 -t set,get
# An RDB well above 4 MiB: Redis syncs its files every 4 MiB written.
bench -n 500000 -r 100000000 -P 64 -d 32 -t set
cli info all > /dev/null
cli client list > /dev/null
cli config get '*' > /dev/null
cli bgsave > /dev/null
settle
cli config set appendonly yes > /dev/null
settle
cli config set appendfsync always > /dev/null
bench -n 5000 -c 4 -t set,incr,lpush
cli bgrewriteaof > /dev/null
settle
cli config set appendfsync everysec > /dev/null
bench -n 5000 -c 4 -t set
sleep 1.5
# A save still running when FLUSHALL comes: Redis kills its child.
cli config set rdb-key-save-delay 20 > /dev/null
cli bgsave > /dev/null
sleep 0.3
cli flushall > /dev/null
cli config set rdb-key-save-delay 0 > /dev/null
settle
bench -n 20000 -r 1000000 -P 16 -t set
cli shutdown save > /dev/null || true
finish basics

learn reload --appendonly yes
cli dbsize > /dev/null
kill -TERM "$REDWRAP_PID"
finish reload

# ---- Redis's own suite, the node as its external server
if [ "$LEARN_SUITE" = 1 ]; then
    learn suite --enable-debug-command yes --save ''
    SUITE=$WORK/suite
    cp -r "$SRC/tests/redis-suite" "$SUITE"
    mkdir -p "$SUITE/src"
    for b in redis-server redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
        ln -s "/usr/bin/$b" "$SUITE/src/$b"
    done
    args=()
    for u in $REDIS_SUITE_UNITS; do args+=(--single "$u"); done
    (cd "$SUITE" && ./runtest --host 127.0.0.1 --port "$PORT" --timeout 600 "${args[@]}" \
        > "$WORK/suite.log" 2>&1) || echo "learn-redis-seccomp: the suite reported failures" \
        "(learning slows Redis down; the profile is checked by the redis-suite test)"
    cli shutdown nosave > /dev/null 2>&1 || true
    finish suite
fi

# ---- DEBUG, ending in a crash report
learn debug --enable-debug-command yes --appendonly yes
bench -n 2000 -t set,lpush,hset,sadd,zadd
for c in "debug reload" "debug jmap" "debug digest" "debug object key:__rand_int__" \
    "debug loadaof" "debug change-repl-id" "debug sleep 0" "debug set-active-expire 1" \
    "debug stringmatch-len a 1" "debug quicklist-packed-threshold 100" \
    "debug listpack mylist" "debug replybuffer peak-reset-time 100" "memory doctor" \
    "memory malloc-stats" "memory stats" "latency doctor" "lolwut" "config rewrite" \
    "slowlog get" "client no-evict on" "save"; do
    # shellcheck disable=SC2086
    cli $c > /dev/null 2>&1 || true
done
timeout 1 redis-cli -p "$PORT" monitor > /dev/null 2>&1 &
MONITOR=$!
sleep 0.2
cli set k v > /dev/null
wait "$MONITOR" || true
cli debug segfault > /dev/null 2>&1 || true
finish debug 139

# ---- replication both ways, MULTI/EXEC with REPLICAOF
peer 16400
redis-benchmark -p 16400 -q -n 20000 -r 100000 -t set > /dev/null
learn replica --appendonly yes
cli replicaof 127.0.0.1 16400 > /dev/null
for _ in $(seq 100); do cli info replication | grep -q 'master_link_status:up' && break; sleep 0.1; done
cli replicaof no one > /dev/null
cli config set repl-diskless-load swapdb > /dev/null
cli replicaof 127.0.0.1 16400 > /dev/null
for _ in $(seq 100); do cli info replication | grep -q 'master_link_status:up' && break; sleep 0.1; done
printf 'MULTI\nREPLICAOF NO ONE\nSET k v\nEXEC\n' | cli > /dev/null
peer_stop 16400
# The host replicates the node: a fork writes the RDB, then to the socket.
peer 16401
redis-cli -p 16401 replicaof 127.0.0.1 "$PORT" > /dev/null
for _ in $(seq 100); do redis-cli -p 16401 info replication | grep -q 'master_link_status:up' && break; sleep 0.1; done
cli set after-sync 1 > /dev/null
cli wait 1 1000 > /dev/null
cli config set repl-diskless-sync yes > /dev/null
cli config set repl-diskless-sync-delay 0 > /dev/null
redis-cli -p 16401 debug sleep 0 > /dev/null 2>&1 || true
redis-cli -p 16401 replicaof no one > /dev/null
redis-cli -p 16401 replicaof 127.0.0.1 "$PORT" > /dev/null
for _ in $(seq 100); do redis-cli -p 16401 info replication | grep -q 'master_link_status:up' && break; sleep 0.1; done
cli failover abort > /dev/null 2>&1 || true
peer_stop 16401
cli shutdown nosave > /dev/null || true
finish replica

# ---- cluster mode, MIGRATE
peer 16402 --cluster-enabled yes --cluster-config-file "$WORK/peer-16402/nodes.conf"
peer 16400
learn cluster --cluster-enabled yes --cluster-config-file nodes.conf --appendonly no
cli cluster addslotsrange 0 16383 > /dev/null
cli cluster meet 127.0.0.1 16402 > /dev/null
for i in $(seq 50); do cli set "{a}k$i" "v$i" > /dev/null; done
cli migrate 127.0.0.1 16400 '{a}k1' 0 5000 > /dev/null
cli migrate 127.0.0.1 16400 "" 0 5000 keys '{a}k2' '{a}k3' > /dev/null
cli cluster info > /dev/null
cli cluster nodes > /dev/null
sleep 1.5 # the bus: ping, pong, and nodes.conf saved
cli cluster saveconfig > /dev/null
cli shutdown nosave > /dev/null || true
finish cluster
peer_stop 16400
peer_stop 16402

# ---- AOF repair: Redis's own (truncate) and redis-check-aof --fix
rm -rf "$WORK/data"
learn aofw --appendonly yes --appendfsync always
bench -n 2000 -t set,incr
cli shutdown > /dev/null || true
finish aofw
incr=$(ls "$WORK"/data/appendonlydir/*.incr.aof | tail -1)
truncate -s -3 "$incr"
cp "$incr" "$WORK/cut.aof"
learn aofrepair --appendonly yes --aof-load-truncated yes
cli dbsize > /dev/null
cli shutdown > /dev/null || true
finish aofrepair
cp "$WORK/cut.aof" "$WORK/data/cut.aof"
chown --reference="$WORK/data" "$WORK/data/cut.aof"
echo y | "$REDWRAP" --node "$WORK/node.yaml" --seccomp-learn "$WORK/learned-checkaof.yaml" \
    -- /usr/bin/redis-check-aof --fix /data/cut.aof > "$WORK/redis-checkaof.log" 2>&1 || true
[ -s "$WORK/learned-checkaof.yaml" ]

# ---- a full disk
mkdir -p "$WORK/full/data"
mount -t tmpfs -o size=4M,mode=0755 tmpfs "$WORK/full/data"
chown --reference="$WORK/data" "$WORK/full/data"
learn diskfull --redwrap --set "mounts[4].source=$WORK/full/data" -- \
    --appendonly yes --appendfsync always --save ''
for i in $(seq 12); do cli set "big$i" "$(head -c 500000 /dev/zero | tr '\0' x)" > /dev/null 2>&1 || true; done
cli ping > /dev/null
cli bgsave > /dev/null 2>&1 || true
settle || true
cli set after-full 1 > /dev/null 2>&1 || true
for i in $(seq 12); do cli del "big$i" > /dev/null 2>&1 || true; done
sleep 1.2 # the retry of the failed write, once a second
cli set recovered 1 > /dev/null 2>&1 || true
cli shutdown nosave > /dev/null 2>&1 || true
finish diskfull
umount "$WORK/full/data"

# ---- io threads, CPU lists, a socket in a folder of /data, memory pressure
mkdir -p "$WORK/data/sockdir"
chown --reference="$WORK/data" "$WORK/data/sockdir"
learn threads --redwrap --set cgroup.items.memory.high=40M -- \
    --io-threads 4 --io-threads-do-reads yes --server_cpulist 0-1 --bio_cpulist 0-1 \
    --aof_rewrite_cpulist 0 --bgsave_cpulist 1 --appendonly yes \
    --unixsocket /data/sockdir/redis.sock --unixsocketperm 770
bench -n 50000 -c 32 -P 4 -t set,get
bench -n 300000 -r 100000000 -P 64 -d 100 -t set
cli bgsave > /dev/null
settle
cli bgrewriteaof > /dev/null
settle
redis-cli -s "$WORK/data/sockdir/redis.sock" ping > /dev/null
cli shutdown nosave > /dev/null || true
finish threads

# ---- SHUTDOWN variants
learn shut1 --save '' --appendonly no
cli shutdown now > /dev/null 2>&1 || true
finish shut1
learn shut2 --save '60 1' --shutdown-timeout 2
cli set k v > /dev/null
cli shutdown force > /dev/null 2>&1 || true
finish shut2
learn shut3 --save '60 1' --shutdown-on-sigint save
cli set k v > /dev/null
kill -INT "$REDWRAP_PID"
finish shut3
learn shut4
cli shutdown abort > /dev/null 2>&1 || true
cli shutdown nosave > /dev/null 2>&1 || true
finish shut4

# ---- the union, and how it compares with the node's section
mkdir -p "$(dirname "$OUT")"
python3 - "$OUT" "$SRC/nodes/redis.yaml" "$WORK"/learned-*.yaml <<'PY'
import re, sys
out, node, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
names = set()
for run in runs:
    names |= set(re.findall(r'^        - (\S+)$', open(run).read(), re.M))
with open(out, "w") as f:
    f.write("# scripts/learn-redis-seccomp.sh: the union of %d runs, %d syscalls\n"
            % (len(runs), len(names)))
    f.write("seccomp:\n  default_action: report\n  base: none\n  syscalls:\n"
            "    - action: allow\n      names:\n")
    for n in sorted(names):
        f.write("        - %s\n" % n)
text = open(node).read()
sec = text[text.index("\nseccomp:"):text.index("\nprocess:")]
allowed = set(re.findall(r'[a-z_0-9]+', re.sub(r'#.*', '', sec))) 
print("learn-redis-seccomp: %d syscalls written to %s" % (len(names), out))
print("  learned, not named in nodes/redis.yaml:", " ".join(sorted(names - allowed)) or "none")
PY
