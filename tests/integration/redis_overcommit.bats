#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Ghost Core parity: Redis warns "Memory overcommit must be enabled!" when
# the host's vm.overcommit_memory is not 1. That sysctl is host-wide (no
# namespace holds it), so only a root-started redwrap may set it, before
# the node starts: host.sysctl, here through --set on the shipped
# nodes/redis.yaml. The value is the host's and stays after the node ends;
# these tests put the host's own value back whatever happens.

load helpers

OVERCOMMIT=/proc/sys/vm/overcommit_memory

setup_file() {
    [ "$(id -u)" -ne 0 ] || cat "$OVERCOMMIT" > "$BATS_FILE_TMPDIR/overcommit.orig"
}

teardown_file() {
    [ ! -s "$BATS_FILE_TMPDIR/overcommit.orig" ] || cat "$BATS_FILE_TMPDIR/overcommit.orig" > "$OVERCOMMIT"
}

setup() {
    common_setup
    redis_root_node
    # Redis's check (linuxMemoryWarnings) looks for exactly 1.
    echo 0 > "$OVERCOMMIT"
}

teardown() {
    [ -n "${REDIS_PID:-}" ] && kill -KILL "$REDIS_PID" 2> /dev/null
    [ ! -s "$BATS_FILE_TMPDIR/overcommit.orig" ] || cat "$BATS_FILE_TMPDIR/overcommit.orig" > "$OVERCOMMIT"
    common_teardown
}

SET=host.sysctl.vm.overcommit_memory=1

stop_node() {
    kill -TERM "$REDIS_PID"
    local status=0
    wait "$REDIS_PID" || status=$?
    REDIS_PID=""
    [ "$status" -eq 0 ]
}

@test "without host.sysctl, on a host with vm.overcommit_memory 0, Redis warns at start" {
    redis_node_start "$NODE"
    stop_node
    grep -q 'WARNING Memory overcommit must be enabled!' "$NODE/redwrap.log"
    [ "$(cat "$OVERCOMMIT")" = 0 ]
}

@test "--set host.sysctl.vm.overcommit_memory=1: redwrap sets it before the node, Redis does not warn, the value stays" {
    redis_node_start "$NODE" -v --set "$SET"
    [ "$(cat "$OVERCOMMIT")" = 1 ]
    stop_node
    [ "$(grep -c 'Memory overcommit must be enabled' "$NODE/redwrap.log")" -eq 0 ]
    grep -q "host sysctl $OVERCOMMIT = 1 (was 0; kept when the node ends)" "$NODE/redwrap.log"
    # -v names it as step 2's first item.
    grep -q "(step 2.1): sysctl $OVERCOMMIT = 1" "$NODE/redwrap.log"
    # A host setting, like a sysctl.d file's: not put back at the end.
    [ "$(cat "$OVERCOMMIT")" = 1 ]
}

@test "rednode-config plan shows the host sysctl under step 2" {
    run "$REDNODE_CONFIG" plan "$NODE/node.yaml" --set "$SET"
    [ "$status" -eq 0 ]
    [[ $output == *"2.1 host sysctl $OVERCOMMIT = 1 (root only; kept when the node ends)"* ]]
}

@test "rootless: the same --set is a plan error at its value, exit 125, and the host's value is untouched" {
    run as_user "$REDWRAP" --node "$NODE/node.yaml" --set "$SET" -- /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"redwrap: --set:1:34: host.sysctl.vm.overcommit_memory: changes the whole host and needs redwrap run as root (the caller is uid $ROOTLESS_UID)"* ]]
    [ "$(cat "$OVERCOMMIT")" = 0 ]
}
