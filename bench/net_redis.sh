#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Redis over a node's network: a client node (nodes/redis-client.yaml)
# running redis-benchmark against a Redis node (nodes/redis-net.yaml) over
# the exported unix socket, a veth link (both nodes on a bridge) and the
# port pasta publishes, each against redis-benchmark and redis-server both
# on the host (the socket against a host socket, veth and pasta against
# TCP on 127.0.0.1); then the launch cost of each network mode over
# mode: none. docs/network.md has the figures of one run.
#
#   sudo bench/net_redis.sh [ROUNDS] [REQUESTS]    (default 7 rounds of 20000)
#
# Pairs are interleaved, the order alternating; the table gives the
# median requests per second of each side and the median of the per-pair
# ratios node / host, for SET and GET without pipelining. Everything runs
# in a network namespace the script makes (unshare --net): a veth pair
# there stands in for the default route pasta copies, and nothing leaves
# it. BENCH_USERNS=new runs the nodes with their own user namespace (the
# default file): the workload's network namespace must then be the one
# redwrap attaches (network_node_ns.bats); BENCH_USERNS=host (default)
# runs them in the host's user namespace.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-7}
REQUESTS=${2:-20000}
REDWRAP=${REDWRAP:-$SRC/build/redwrap/redwrap}
[ -x "$REDWRAP" ] || { echo "net_redis: build first ($REDWRAP is missing)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "net_redis: run as root" >&2; exit 1; }
for t in redis-server redis-benchmark pasta ip unshare; do
    command -v "$t" > /dev/null || { echo "net_redis: $t is not installed" >&2; exit 1; }
done
if [ -z "${NET_REDIS_INNER:-}" ]; then
    exec env NET_REDIS_INNER=1 unshare --net "$0" "$@"
fi

WORK=$(mktemp -d /tmp/redpak-netbench.XXXXXX)
chmod 0755 "$WORK"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2> /dev/null && wait "$p" 2> /dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

ip link set lo up
ip link add rpd0 type veth peer name rpd1
ip addr add 198.51.100.1/24 dev rpd0
ip link set rpd0 up
ip link set rpd1 up
ip route add default via 198.51.100.254
ip link add rpbr0 type bridge
ip link set rpbr0 up

USERNS=${BENCH_USERNS:-host}
SETS=()
[ "$USERNS" = host ] && SETS=(--set namespaces.user=host)

# Redis nodes: P (pasta, published 127.0.0.1:6380, and its socket), V (veth).
mkdir -p "$WORK/p" "$WORK/v"
cp "$SRC/nodes/redis-net.yaml" "$WORK/p/node.yaml"
sed '/^network:/,$d' "$SRC/nodes/redis-net.yaml" > "$WORK/v/node.yaml"
printf 'network: {mode: veth, address: 10.88.0.2/24, bridge: rpbr0}\n' >> "$WORK/v/node.yaml"
cp "$SRC/nodes/redis-client.yaml" "$WORK/p/client.yaml"
chmod -R a+rX "$WORK"
for n in p v; do
    "$REDWRAP" --node "$WORK/$n/node.yaml" "${SETS[@]}" > "$WORK/$n.log" 2>&1 &
    PIDS+=($!)
done
# The host's server: the same configuration, its own socket and port.
mkdir -p "$WORK/host"
chown redis:redis "$WORK/host"
sed -n '/content: |/,/^[^ ]/p' "$SRC/nodes/redis-net.yaml" | sed '1d;$d;s/^      //' |
    sed "s#/sock/redis.sock#$WORK/host/redis.sock#;s#^dir /data#dir $WORK/host#;s#^port 6379#port 6390#;s#^bind .*#bind 127.0.0.1#;s#^supervised auto#supervised no#" \
    > "$WORK/host/redis.conf"
setpriv --reuid=redis --regid=redis --clear-groups redis-server "$WORK/host/redis.conf" > "$WORK/host.log" 2>&1 &
PIDS+=($!)
for i in $(seq 100); do
    redis-cli -s "$WORK/p/socket/redis.sock" ping > /dev/null 2>&1 &&
        redis-cli -s "$WORK/host/redis.sock" ping > /dev/null 2>&1 &&
        [ -S "$WORK/v/socket/redis.sock" ] && break
    sleep 0.1
done

bench_args=(-t set,get -n "$REQUESTS" -c 50 -q)
# "SET: 12345.67 requests per second, ..." -> "SET 12345.67"
rps() { tr '\r' '\n' | awk '/requests per second/ {sub(":", "", $1); print $1, $2}'; }
client() { # client WAY ARGS...: redis-benchmark in the client node
    local way=$1
    shift
    local sets=("${SETS[@]}")
    case $way in
    veth) sets+=(--set network.mode=veth --set network.address=10.88.0.3/24 --set network.bridge=rpbr0) ;;
    pasta) sets+=(--set namespaces.net=host) ;;
    esac
    "$REDWRAP" --node "$WORK/p/client.yaml" "${sets[@]}" -- redis-benchmark "$@" 2> /dev/null | rps
}
host_side() { redis-benchmark "$@" 2> /dev/null | rps; }

: > "$WORK/results"
for r in $(seq "$ROUNDS"); do
    for way in socket veth pasta; do
        case $way in
        socket) nargs=(-s /sock/redis.sock) hargs=(-s "$WORK/host/redis.sock") ;;
        veth) nargs=(-h 10.88.0.2 -p 6379) hargs=(-h 127.0.0.1 -p 6390) ;;
        pasta) nargs=(-h 127.0.0.1 -p 6380) hargs=(-h 127.0.0.1 -p 6390) ;;
        esac
        if [ $((r % 2)) -eq 1 ]; then
            n=$(client "$way" "${nargs[@]}" "${bench_args[@]}"); h=$(host_side "${hargs[@]}" "${bench_args[@]}")
        else
            h=$(host_side "${hargs[@]}" "${bench_args[@]}"); n=$(client "$way" "${nargs[@]}" "${bench_args[@]}")
        fi
        paste <(echo "$n") <(echo "$h") | awk -v w="$way" '{print w, $1, $2, $4}' >> "$WORK/results"
    done
done

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "Redis throughput, client node -> Redis node vs both on the host ($ROUNDS pairs of $REQUESTS requests, -c 50; user namespace: $USERNS)"
printf '%-8s %-4s %12s %12s %8s\n' way op node_rps host_rps ratio
for way in socket veth pasta; do
    for op in SET GET; do
        rows=$(awk -v w="$way" -v o="$op" '$1 == w && $2 == o' "$WORK/results")
        [ -n "$rows" ] || { printf '%-8s %-4s %12s\n' "$way" "$op" "no figures (see $WORK/*.log)"; continue; }
        printf '%-8s %-4s %12.0f %12.0f %8.3f\n' "$way" "$op" \
            "$(awk '{print $3}' <<< "$rows" | median)" "$(awk '{print $4}' <<< "$rows" | median)" \
            "$(awk '{print $3 / $4}' <<< "$rows" | median)"
    done
done

# Launch cost: a node that runs true, per mode, 15 starts each, interleaved.
cat > "$WORK/launch.yaml" <<'YAML'
version: 1
node: launch
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
network:
  mode: none
YAML
launch() { # launch MODE: milliseconds of one start
    local sets=()
    case $1 in
    pasta) sets=(--set network.mode=pasta) ;;
    veth) sets=(--set network.mode=veth --set network.address=10.88.9.2/24 --set network.host_address=10.88.9.1/24) ;;
    esac
    local t0 t1
    t0=$(date +%s%N)
    "$REDWRAP" --node "$WORK/launch.yaml" "${sets[@]}" -- /usr/bin/true 2> /dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
}
: > "$WORK/launch"
for i in $(seq 15); do
    for m in none pasta veth; do echo "$m $(launch $m)" >> "$WORK/launch"; done
done
none=$(awk '$1 == "none" {print $2}' "$WORK/launch" | median)
echo
echo "Launch cost (median of 15 starts of /usr/bin/true, microseconds)"
for m in none pasta veth; do
    med=$(awk -v m="$m" '$1 == m {print $2}' "$WORK/launch" | median)
    printf '%-6s %8.0f us  (+%.0f us over none)\n' "$m" "$med" "$(echo "$med - $none" | bc -l)"
done
