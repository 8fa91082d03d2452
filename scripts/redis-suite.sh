#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Redis's own test suite (tests/redis-suite: the tests/ folder of Redis
# 7.0.15, Debian 12's version) against Redis in a hardened node and against
# the same redis-server bare on the host; fails when the node does not pass
# a test the host passes, or when the node's filter refused a syscall.
#
#   scripts/redis-suite.sh                 the CI subset (ctest -L redis-suite)
#   scripts/redis-suite.sh --full          every unit of the suite
#   scripts/redis-suite.sh UNIT...         those units (unit/type/string ...)
#   NODE=nodes/redis.yaml scripts/redis-suite.sh   another node file
#
# The suite runs with --host/--port (Redis's "external server" mode): tests
# tagged external:skip, which start servers of their own (replication, AOF
# loading, cluster, crash logs: the integration/ folder), are skipped on
# both sides; tests/integration/redis_production.bats covers those
# operations in the node. Each unit gets a fresh server on each side. The
# node's Redis runs with --enable-debug-command yes --save '' as the host's.
# A node file whose redis.conf says "port 0" (nodes/redis.yaml) is reached
# through a TCP proxy to its exported socket.
# Needs root, redis-server, redis-tools, tclsh.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
REDWRAP=${REDWRAP:-$SRC/build/redwrap/redwrap}
NODE=${NODE:-$SRC/nodes/redis-hostnet.yaml}
HPORT=${HPORT:-21611}
NPORT=${NPORT:-21612}
# The CI subset: every unit that runs tests against an external server and
# touches what the node's seccomp profile decides (DEBUG RELOAD, BGSAVE,
# SAVE, BGREWRITEAOF, CONFIG SET appendonly, MULTI/EXEC, DUMP/RESTORE,
# the event loop, fork, scripting). Measured: 4 min 54 s on the shared
# 2-core test machine, 1018 tests passed on each side. Units that show 0
# run only external:skip tests in 7.0.15 (or none without a second server).
CI_UNITS="unit/printver unit/dump unit/auth unit/protocol unit/keyspace unit/info
 unit/info-command unit/type/incr unit/type/string unit/type/hash unit/type/zset
 unit/expire unit/other unit/multi unit/quit unit/acl unit/acl-v2 unit/latency-monitor
 unit/introspection unit/introspection-2 unit/pubsub unit/slowlog unit/functions
 unit/lazyfree unit/tracking unit/networking unit/shutdown unit/wait unit/oom-score-adj
 unit/querybuf unit/limits unit/aofrw"

if [ "${1:-}" = --full ]; then
    UNITS=$(sed -n '/^set ::all_tests {/,/^}/p' "$SRC/tests/redis-suite/tests/test_helper.tcl" |
        grep -v '[{}]')
elif [ $# -gt 0 ]; then
    UNITS="$*"
else
    UNITS=$CI_UNITS
fi
[ -x "$REDWRAP" ] || { echo "redis-suite: build first ($REDWRAP is missing)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "redis-suite: skipped: needs root (the node runs Redis as redis)" >&2; exit 77; }

WORK=$(mktemp -d /tmp/redpak-suite.XXXXXX)
chmod 0755 "$WORK"
HOST_PID="" NODE_PID="" PROXY_PID=""
stop_servers() {
    [ -n "$HOST_PID" ] && { kill "$HOST_PID" 2> /dev/null; wait "$HOST_PID" 2> /dev/null || true; }
    [ -n "$NODE_PID" ] && { kill "$NODE_PID" 2> /dev/null; wait "$NODE_PID" 2> /dev/null || true; }
    HOST_PID="" NODE_PID=""
}
cleanup() {
    stop_servers
    [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2> /dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# A copy for each side: the suite keeps its state in tests/tmp.
mkdir -p "$WORK/host"
for side in host node; do
    cp -r "$SRC/tests/redis-suite" "$WORK/suite-$side"
    mkdir -p "$WORK/suite-$side/src"
    for b in redis-server redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
        ln -s "/usr/bin/$b" "$WORK/suite-$side/src/$b"
    done
done
cp "$NODE" "$WORK/node.yaml"
COMMON=(--enable-debug-command yes --save '')
if grep -q '^ *port 0$' "$NODE"; then
    # Through its socket: a proxy from 127.0.0.1:NPORT.
    python3 - "$NPORT" "$WORK/socket/redis.sock" <<'PY' &
import socket, sys, threading
port, path = int(sys.argv[1]), sys.argv[2]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port)); ls.listen(64)
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    for s in (a, b):
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
while True:
    c, _ = ls.accept()
    u = socket.socket(socket.AF_UNIX)
    try: u.connect(path)
    except OSError: c.close(); continue
    for a, b in ((c, u), (u, c)):
        threading.Thread(target=pipe, args=(a, b), daemon=True).start()
PY
    PROXY_PID=$!
    NODE_ARGS=("${COMMON[@]}")
else
    NODE_ARGS=(--port "$NPORT" "${COMMON[@]}")
fi

wait_ping() {
    for _ in $(seq 200); do
        [ "$(redis-cli -p "$1" ping 2> /dev/null)" = PONG ] && return 0
        sleep 0.05
    done
    return 1
}

start_servers() {
    rm -rf "$WORK/host"/* "$WORK/data"
    redis-server --port "$HPORT" --bind 127.0.0.1 --dir "$WORK/host" --logfile "" \
        "${COMMON[@]}" >> "$WORK/host.log" 2>&1 &
    HOST_PID=$!
    "$REDWRAP" --node "$WORK/node.yaml" -- /usr/bin/redis-server /etc/redis/redis.conf \
        "${NODE_ARGS[@]}" >> "$WORK/node.log" 2>&1 &
    NODE_PID=$!
    wait_ping "$HPORT" && wait_ping "$NPORT"
}

# The names of the passed tests in a runtest log, one a line, sorted.
passed() {
    sed 's/\x1b\[[0-9;]*m//g' "$1" | sed -n 's/^\[ok\]: \(.*\) ([0-9]* ms)$/\1/p' | sort
}

# run_unit SIDE PORT UNIT: the unit's log in WORK/SIDE-UNIT.log.
run_unit() {
    local log=$WORK/$1-${3//\//_}.log
    (cd "$WORK/suite-$1" && ./runtest --host 127.0.0.1 --port "$2" --single "$3" --timeout 600 \
        --clients 1 > "$log" 2>&1) || true
}

status=0
total_host=0 total_node=0
printf '%-28s %6s %6s\n' unit host node
for unit in $UNITS; do
    start_servers || { echo "redis-suite: $unit: a server did not start" >&2; tail "$WORK"/*.log >&2; exit 1; }
    # One side after the other: two runtests at once would share the test
    # server's port range, and timing tests would feel each other.
    run_unit host "$HPORT" "$unit"
    run_unit node "$NPORT" "$unit"
    f=${unit//\//_}
    missing=$(comm -23 <(passed "$WORK/host-$f.log") <(passed "$WORK/node-$f.log"))
    if [ -n "$missing" ]; then
        # Timing tests fail now and then on a shared machine: the node gets
        # a second run of the unit, alone, before it counts.
        stop_servers
        start_servers
        run_unit node "$NPORT" "$unit"
        missing=$(comm -23 <(passed "$WORK/host-$f.log") <(passed "$WORK/node-$f.log"))
    fi
    stop_servers
    nh=$(passed "$WORK/host-$f.log" | wc -l)
    nn=$(passed "$WORK/node-$f.log" | wc -l)
    total_host=$((total_host + nh)) total_node=$((total_node + nn))
    printf '%-28s %6d %6d\n' "$unit" "$nh" "$nn"
    if [ -n "$missing" ]; then
        status=1
        printf '  passed on the host, not in the node: %s\n' "$missing"
        grep -E '\[(err|exception)\]|Expected' "$WORK/node-$f.log" | sed 's/\x1b\[[0-9;]*m//g' | head -5
    fi
done
printf '%-28s %6d %6d\n' total "$total_host" "$total_node"
refused=$(grep 'seccomp: refused' "$WORK/node.log" | sort -u || true)
if [ -n "$refused" ]; then
    status=1
    echo "redis-suite: the node's filter refused syscalls:"
    echo "$refused"
fi
exit "$status"
