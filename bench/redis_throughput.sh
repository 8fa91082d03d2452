#!/bin/bash
# Redis throughput in its node against the same redis-server on the host.
#
#   bench/redis_throughput.sh [ROUNDS]        (default 11; needs root)
#
# Both servers run the configuration of nodes/redis.yaml (the redis.conf the
# node writes, with the host's copy pointed at its own socket and data
# folder), as the user redis, and are reached the same way: redis-benchmark
# through a unix socket. The node adds its namespaces, read-only root,
# capability drop, no_new_privs and the learned seccomp filter; the host
# server has none of it. Both servers are pinned to the last CPU and
# redis-benchmark to the first, so they never compete with each other for
# a CPU. Runs come in pairs, back to back, the order alternating (node then
# host, host then node, ...), so that whatever else the machine does hits
# both sides of a pair alike. SET and GET, without pipelining and with -P 16.
# The table shows the median requests per second of each side over ROUNDS
# pairs, and the median of the per-pair ratios node / host; target >= 0.97.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-11}
SERVER_CPU=$(($(nproc) - 1))
REDWRAP=${REDWRAP:-$SRC/build/redwrap/redwrap}
[ -x "$REDWRAP" ] || { echo "redis_throughput: build first ($REDWRAP is missing)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "redis_throughput: run as root (the node runs Redis as redis)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/redpak-bench.XXXXXX)
chmod 0755 "$WORK"
NODE_PID="" HOST_PID=""
cleanup() {
    [ -n "$NODE_PID" ] && kill -TERM "$NODE_PID" 2> /dev/null && wait "$NODE_PID" 2> /dev/null
    [ -n "$HOST_PID" ] && kill -TERM "$HOST_PID" 2> /dev/null && wait "$HOST_PID" 2> /dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_ping() {
    for _ in $(seq 100); do
        [ "$(redis-cli -s "$1" ping 2> /dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    echo "redis_throughput: no PONG on $1" >&2
    return 1
}

# The node, as shipped.
mkdir -p "$WORK/node"
cp "$SRC/nodes/redis.yaml" "$WORK/node/node.yaml"
taskset -c "$SERVER_CPU" "$REDWRAP" --node "$WORK/node/node.yaml" > "$WORK/node.log" 2>&1 &
NODE_PID=$!
NODE_SOCK=$WORK/node/socket/redis.sock

# The host: the node's redis.conf, its socket and data folder moved to WORK.
mkdir -p "$WORK/host/data"
chown redis:redis "$WORK/host" "$WORK/host/data"
awk '/path: \/etc\/redis\/redis.conf/ { conf = 1; next }
     conf && /content: \|/ { body = 1; next }
     body && /^      / { print substr($0, 7); next }
     body { exit }' "$WORK/node/node.yaml" |
    sed -e "s#^unixsocket .*#unixsocket $WORK/host/redis.sock#" \
        -e "s#^dir .*#dir $WORK/host/data#" > "$WORK/host/redis.conf"
grep -q "^unixsocket $WORK/host/redis.sock\$" "$WORK/host/redis.conf"
# The node's rlimits too (nofile for maxclients 10000, no core dumps).
taskset -c "$SERVER_CPU" prlimit --nofile=10032 --core=0 -- \
    setpriv --reuid=redis --regid=redis --init-groups -- \
    redis-server "$WORK/host/redis.conf" > "$WORK/host.log" 2>&1 &
HOST_PID=$!
HOST_SOCK=$WORK/host/redis.sock

wait_ping "$NODE_SOCK"
wait_ping "$HOST_SOCK"

# rps SOCKET TEST PIPELINE: requests per second of one redis-benchmark run.
rps() {
    local n=100000
    [ "$3" -gt 1 ] && n=500000
    taskset -c 0 redis-benchmark -s "$1" -t "$2" -n "$n" -c 50 -P "$3" -r 100000 -q --csv |
        awk -F, -v t="\"${2^^}\"" '$1 == t { gsub(/"/, "", $2); print $2 }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The GETs find keys: one fill of the keyspace on each side first.
for sock in "$NODE_SOCK" "$HOST_SOCK"; do
    redis-benchmark -s "$sock" -t set -n 200000 -r 100000 -P 16 -q > /dev/null
done

CASES="set:1 get:1 set:16 get:16"
for round in $(seq "$ROUNDS"); do
    for c in $CASES; do
        test=${c%:*} p=${c#*:}
        # Alternate which side goes first, round by round.
        if [ $((round % 2)) -eq 1 ]; then order="node host"; else order="host node"; fi
        for side in $order; do
            if [ "$side" = node ]; then sock=$NODE_SOCK; else sock=$HOST_SOCK; fi
            echo "$(rps "$sock" "$test" "$p")" >> "$WORK/$side-$test-$p"
        done
    done
    echo "redis_throughput: round $round of $ROUNDS done" >&2
done

# The node must have served every run under its seccomp filter.
kill -0 "$NODE_PID"

printf '%-5s %-9s %14s %14s %7s\n' test pipeline "node rps" "host rps" ratio
worst=""
for c in $CASES; do
    test=${c%:*} p=${c#*:}
    node=$(median < "$WORK/node-$test-$p")
    host=$(median < "$WORK/host-$test-$p")
    ratio=$(paste "$WORK/node-$test-$p" "$WORK/host-$test-$p" |
        awk '{ printf "%.4f\n", $1 / $2 }' | median)
    printf '%-5s %-9s %14.0f %14.0f %7.3f\n' "${test^^}" "-P $p" "$node" "$host" "$ratio"
    worst=$(printf '%s\n%s\n' "$ratio" "$worst" | grep . | sort -n | head -1)
done
echo "$ROUNDS pairs of runs, 50 clients, unix sockets; lowest ratio $(printf %.3f "$worst")" \
     "(target >= 0.97: $(awk -v r="$worst" 'BEGIN { print (r >= 0.97) ? "met" : "NOT met" }'))"
