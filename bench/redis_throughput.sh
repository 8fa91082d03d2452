#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
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
# pairs and the median of the per-pair ratios node / host, then the same for
# the server's CPU time per request (INFO cpu), host / node: target >= 0.97
# for both. On a busy machine the throughput ratio is noise; the CPU ratio
# still measures what the node costs.
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

# CPU seconds the server has used (user + system, all its threads).
server_cpu() {
    redis-cli -s "$1" info cpu | tr -d '\r' |
        awk -F: '$1 == "used_cpu_sys" || $1 == "used_cpu_user" { t += $2 } END { print t }'
}

# run SOCKET TEST PIPELINE: one redis-benchmark run; prints its requests per
# second and the server's CPU microseconds per request.
run() {
    local n=50000 before after rate
    [ "$3" -gt 1 ] && n=400000
    before=$(server_cpu "$1")
    rate=$(taskset -c 0 redis-benchmark -s "$1" -t "$2" -n "$n" -c 50 -P "$3" -r 100000 -q --csv |
        awk -F, -v t="\"${2^^}\"" '$1 == t { gsub(/"/, "", $2); print $2 }')
    after=$(server_cpu "$1")
    echo "$rate $(awk -v a="$before" -v b="$after" -v n="$n" 'BEGIN { printf "%.4f", (b - a) * 1e6 / n }')"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# No snapshots while measuring, on either side: the config's save points
# (10000 changes in 60 s) would fork a BGSAVE into one side's run and not
# into its pair's. The GETs find keys: one fill of the keyspace first.
for sock in "$NODE_SOCK" "$HOST_SOCK"; do
    redis-cli -s "$sock" config set save "" > /dev/null
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
            run "$sock" "$test" "$p" > "$WORK/run"
            cut -d' ' -f1 "$WORK/run" >> "$WORK/$side-$test-$p"
            cut -d' ' -f2 "$WORK/run" >> "$WORK/$side-$test-$p.cpu"
        done
    done
    echo "redis_throughput: round $round of $ROUNDS done" >&2
done

# The node must have served every run under its seccomp filter.
kill -0 "$NODE_PID"

# Throughput, and the server's CPU time per request: on a machine that is
# busy with other work, the first moves with the load, the second much less
# (it is the cost of the node itself: the seccomp filter on every syscall).
printf '%-5s %-6s %10s %10s %6s   %12s %12s %6s\n' test pipe "node rps" "host rps" ratio \
    "node us/req" "host us/req" ratio
worst="" worst_cpu=""
for c in $CASES; do
    test=${c%:*} p=${c#*:}
    f=$WORK/node-$test-$p g=$WORK/host-$test-$p
    ratio=$(paste "$f" "$g" | awk '{ printf "%.4f\n", $1 / $2 }' | median)
    cpu_ratio=$(paste "$g.cpu" "$f.cpu" | awk '{ printf "%.4f\n", $1 / $2 }' | median)
    printf '%-5s %-6s %10.0f %10.0f %6.3f   %12.3f %12.3f %6.3f\n' "${test^^}" "-P $p" \
        "$(median < "$f")" "$(median < "$g")" "$ratio" \
        "$(median < "$f.cpu")" "$(median < "$g.cpu")" "$cpu_ratio"
    worst=$(printf '%s\n%s\n' "$ratio" "$worst" | grep . | sort -n | head -1)
    worst_cpu=$(printf '%s\n%s\n' "$cpu_ratio" "$worst_cpu" | grep . | sort -n | head -1)
done
met() { awk -v r="$1" 'BEGIN { print (r >= 0.97) ? "met" : "NOT met" }'; }
echo "medians of $ROUNDS back-to-back pairs, 50 clients, unix sockets; ratios node/host"
echo "(throughput) and host/node (CPU per request), target >= 0.97:"
echo "lowest throughput ratio $(printf %.3f "$worst") ($(met "$worst")), lowest CPU ratio" \
     "$(printf %.3f "$worst_cpu") ($(met "$worst_cpu")); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
