#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The shipped Redis nodes (nodes/redis.yaml, nodes/redis-hostnet.yaml) as
# their header comments describe them, seen from the host through the
# redis-server process: identity, capabilities, seccomp, filesystem, network,
# limits; and Redis serving under the reviewed profile (default_action report).

load helpers

setup() {
    common_setup
    redis_root_node
}

teardown() {
    [ -n "${REDIS_PID:-}" ] && kill -KILL "$REDIS_PID" 2> /dev/null
    common_teardown
}

cli() {
    redis-cli -s "$SOCK" "$@"
}

# FIELD of /proc/PID/status, e.g. status_field 123 CapEff.
status_field() {
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# "MOUNTPOINT FSTYPE OPTIONS" of the node's mounts, as its process sees them.
node_mounts() {
    awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1), $6 }' "/proc/$1/mountinfo"
}

@test "the shipped nodes validate and plan the memory and pids limits" {
    run "$REDNODE_CONFIG" validate "$REDPAK_SOURCE_DIR/nodes/redis.yaml" \
        "$REDPAK_SOURCE_DIR/nodes/redis-hostnet.yaml"
    [ "$status" -eq 0 ]
    run "$REDNODE_CONFIG" plan "$REDPAK_SOURCE_DIR/nodes/redis.yaml"
    [ "$status" -eq 0 ]
    [[ "$output" == *"write memory.max = 268435456"* ]]
    [[ "$output" == *"write pids.max = 128"* ]]
}

@test "Redis runs as the redis user with no capability, no_new_privs and a seccomp filter" {
    redis_node_start "$NODE"
    pid=$(redis_server_pid "$REDIS_PID")
    # Root-started: the node's ids are a private range of host ids, uid 0
    # inside is host uid BASE >= 524288, and redis inside is BASE + redis.
    local base gbase
    base=$(awk '$1 == 0 { print $2 }' "/proc/$pid/uid_map")
    gbase=$(awk '$1 == 0 { print $2 }' "/proc/$pid/gid_map")
    [ "$base" -ge 524288 ]
    [ "$(status_field "$pid" Uid)" = "$((base + $(id -u redis)))" ]
    [ "$(status_field "$pid" Gid)" = "$((gbase + $(id -g redis)))" ]
    [ "$(status_field "$pid" CapEff)" = 0000000000000000 ]
    [ "$(status_field "$pid" CapPrm)" = 0000000000000000 ]
    [ "$(status_field "$pid" CapBnd)" = 0000000000000000 ]
    [ "$(status_field "$pid" NoNewPrivs)" = 1 ]
    [ "$(status_field "$pid" Seccomp)" = 2 ]
}

@test "read-only root; /data and /sock are the writable host directories; /tmp and /run are tmpfs" {
    redis_node_start "$NODE"
    pid=$(redis_server_pid "$REDIS_PID")
    node_mounts "$pid" > "$SCRATCH/mounts"
    cat "$SCRATCH/mounts"
    grep -Eq '^/ tmpfs ro,' "$SCRATCH/mounts"
    grep -Eq '^/usr [^ ]+ ro,' "$SCRATCH/mounts"
    grep -Eq '^/data [^ ]+ rw,' "$SCRATCH/mounts"
    grep -Eq '^/sock [^ ]+ rw,' "$SCRATCH/mounts"
    grep -Eq '^/tmp tmpfs rw,' "$SCRATCH/mounts"
    grep -Eq '^/run tmpfs rw,' "$SCRATCH/mounts"
    # Nothing else is writable.
    [ "$(awk '$3 ~ /^rw/ { print $1 }' "$SCRATCH/mounts" | grep -Ev '^/(data|sock|tmp|run|proc|dev)(/|$)' | wc -l)" -eq 0 ]
    # The configuration at its fixed path; the data in the host directory.
    grep -q '^unixsocket /sock/redis.sock$' "/proc/$pid/root/etc/redis/redis.conf"
    [ "$(cli config get dir | tail -1)" = /data ]
    cli set k v > /dev/null
    cli save > /dev/null
    [ -s "$NODE/data/dump.rdb" ]
}

@test "no network: a namespace of its own with only lo, the unix socket is the way in" {
    redis_node_start "$NODE"
    pid=$(redis_server_pid "$REDIS_PID")
    [ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
    [ "$(awk 'NR > 2 { sub(":", "", $1); print $1 }' "/proc/$pid/net/dev")" = lo ]
    [ "$(cli config get port | tail -1)" = 0 ]
    # Redis logs to stdout: redwrap's stdout, the journal under systemd.
    grep -q 'ready to accept connections at /sock/redis.sock' "$NODE/redwrap.log"
}

@test "under the reviewed profile Redis serves redis-benchmark with zero errors and BGSAVE works" {
    grep -q '^  default_action: report$' "$NODE/node.yaml"
    redis_node_start "$NODE"
    redis-benchmark -s "$SOCK" -q -n 10000 -c 8 -r 100000 > "$SCRATCH/bench.log" 2>&1
    redis-benchmark -s "$SOCK" -q -n 20000 -c 8 -r 100000 -P 16 -t set,get,incr,lpush,lpop,mset \
        >> "$SCRATCH/bench.log" 2>&1
    cat "$SCRATCH/bench.log"
    ! grep -qi 'error' "$SCRATCH/bench.log"
    [ "$(grep -c 'requests per second' "$SCRATCH/bench.log")" -ge 20 ]
    [ "$(cli info stats | tr -d '\r' | grep '^total_error_replies:')" = total_error_replies:0 ]

    [ "$(cli bgsave)" = "Background saving started" ]
    for i in $(seq 100); do
        cli info persistence | tr -d '\r' | grep -q '^rdb_bgsave_in_progress:0$' && break
        sleep 0.1
    done
    cli info persistence | tr -d '\r' | grep -q '^rdb_last_bgsave_status:ok$'
    cli shutdown save || true
    status=0
    wait "$REDIS_PID" || status=$?
    [ "$status" -eq 0 ]
    ! grep 'seccomp: refused' "$NODE/redwrap.log"
}

@test "the profile refuses what Redis never does, and redwrap names it: a shell's vfork" {
    # The same node running a shell: sh needs syscalls Redis never makes
    # (dash forks with vfork); EPERM, and one log line per name.
    run "$REDWRAP" --node "$NODE/node.yaml" -- /bin/sh -c '/bin/true; echo after'
    echo "$output"
    [[ "$output" == *"Cannot fork"* ]]
    [[ "$output" == *"seccomp: refused vfork (syscall 58, not in the node's list) with EPERM"* ]]
    [[ "$output" != *after* ]]
}

@test "the host-network variant answers on 127.0.0.1 only, under its own learned profile" {
    require_host cmd ss
    HOSTNET=$SCRATCH/hostnet
    redis_node_copy redis-hostnet "$HOSTNET"
    port=$((20000 + RANDOM % 20000))
    "$REDWRAP" --node "$HOSTNET/node.yaml" -- /usr/bin/redis-server /etc/redis/redis.conf \
        --port "$port" > "$HOSTNET/redwrap.log" 2>&1 &
    REDIS_PID=$!
    for i in $(seq 100); do
        [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2> /dev/null)" = PONG ] && break
        sleep 0.1
    done
    [ "$(redis-cli -h 127.0.0.1 -p "$port" ping)" = PONG ]
    pid=$(redis_server_pid "$REDIS_PID")
    [ "$(readlink "/proc/$pid/ns/net")" = "$(readlink /proc/self/ns/net)" ]
    [ "$(status_field "$pid" Seccomp)" = 2 ]
    # Listening on the loopback address alone.
    ss -Hltn "sport = :$port" > "$SCRATCH/listen"
    cat "$SCRATCH/listen"
    [ "$(awk '{ print $4 }' "$SCRATCH/listen" | sort -u)" = "127.0.0.1:$port" ]
    redis-benchmark -h 127.0.0.1 -p "$port" -q -n 5000 -c 4 -t set,get > "$SCRATCH/bench.log" 2>&1
    ! grep -qi 'error' "$SCRATCH/bench.log"
    kill -TERM "$REDIS_PID"
    status=0
    wait "$REDIS_PID" || status=$?
    [ "$status" -eq 0 ]
}
