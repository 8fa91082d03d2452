#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Redis alongside another workload: two nodes at once, each in its own
# namespaces and root, see neither the other's files, nor its processes,
# nor its sockets.

load helpers

setup() {
    common_setup
    redis_root_node
    require_host cmd /usr/bin/python3
    # The other workload: the host's /usr, a tmpfs /tmp, a marker file and a
    # listening unix socket of its own, then it sleeps.
    write_host_usr_node "$SCRATCH/other.yaml" other <<'YAML'
tmpfs:
  - {path: /tmp, size: 4M}
YAML
}

teardown() {
    [ -n "${REDIS_PID:-}" ] && kill -KILL "$REDIS_PID" 2> /dev/null
    [ -n "${OTHER_PID:-}" ] && kill -KILL "$OTHER_PID" 2> /dev/null
    common_teardown
}

# The pid (on the host) of the process named COMM below redwrap PID.
node_process() {
    local pid
    for pid in $(pgrep -P "$1") $(pgrep -P "$(pgrep -P "$1" | head -1)" 2> /dev/null); do
        [ "$(cat "/proc/$pid/comm" 2> /dev/null)" = "$2" ] && { echo "$pid"; return 0; }
    done
    return 1
}

# The command names of every process a node's /proc shows.
node_comms() {
    cat "/proc/$1/root/proc/"[0-9]*/comm 2> /dev/null | sort -u
}

@test "two nodes at once, Redis and another program, see neither each other's files, processes nor sockets" {
    redis_node_start "$NODE"
    "$REDWRAP" --node "$SCRATCH/other.yaml" -- /bin/sh -c 'echo other > /tmp/marker; exec python3 -c "
import socket, time
s = socket.socket(socket.AF_UNIX)
s.bind(\"/tmp/other.sock\")
s.listen()
time.sleep(600)"' > "$SCRATCH/other.log" 2>&1 &
    OTHER_PID=$!
    for i in $(seq 100); do
        other=$(node_process "$OTHER_PID" python3) && [ -S "/proc/$other/root/tmp/other.sock" ] && break
        sleep 0.1
    done
    redis=$(node_process "$REDIS_PID" redis-server)
    [ -S "/proc/$other/root/tmp/other.sock" ]

    # Namespaces: none shared between the two (nor with the host).
    for ns in mnt pid net ipc uts; do
        [ "$(readlink "/proc/$redis/ns/$ns")" != "$(readlink "/proc/$other/ns/$ns")" ]
    done

    # Files: each /tmp is its own; the Redis node's /data and /sock are not
    # in the other root, nor is the host directory that holds them.
    [ -f "/proc/$other/root/tmp/marker" ]
    [ ! -e "/proc/$redis/root/tmp/marker" ]
    [ ! -e "/proc/$redis/root/tmp/other.sock" ]
    [ ! -e "/proc/$other/root/data" ]
    [ ! -e "/proc/$other/root/sock" ]
    [ ! -e "/proc/$other/root$SCRATCH" ]

    # Processes: each /proc shows its own node only.
    node_comms "$redis" > "$SCRATCH/redis-sees"
    node_comms "$other" > "$SCRATCH/other-sees"
    cat "$SCRATCH/redis-sees" "$SCRATCH/other-sees"
    grep -qx redis-server "$SCRATCH/redis-sees"
    ! grep -qx python3 "$SCRATCH/redis-sees"
    grep -qx python3 "$SCRATCH/other-sees"
    ! grep -qx redis-server "$SCRATCH/other-sees"

    # Sockets: each network namespace lists its own unix sockets only.
    grep -q ' /sock/redis.sock$' "/proc/$redis/net/unix"
    ! grep -q 'other.sock' "/proc/$redis/net/unix"
    grep -q ' /tmp/other.sock$' "/proc/$other/net/unix"
    ! grep -q 'redis.sock' "/proc/$other/net/unix"

    # And Redis is undisturbed.
    [ "$(redis-cli -s "$NODE/socket/redis.sock" ping)" = PONG ]
}
