#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Steps 9-11 seen from inside the node: the ids, the five capability sets
# and no_new_privs of the workload, as root and rootless, read from
# /proc/self/status by a static probe.

load helpers

setup() {
    common_setup
    : "${PROBES:?set by ctest}"
    LAST_CAP=$(cat /proc/sys/kernel/cap_last_cap)
    FULL=$(printf '%016x' $(( (1 << (LAST_CAP + 1)) - 1 )))
    NBS=$(printf '%016x' $(( 1 << 10 )))                 # cap_net_bind_service
    NONE=0000000000000000
}

teardown() {
    common_teardown
}

# A node with the probes at /probes and /proc; extra YAML from stdin.
probe_node() {
    {
        printf 'version: 1\nnode: privileges\n'
        printf 'mounts:\n  - {type: bind, path: /probes, source: %s}\n' "$PROBES"
        printf '  - {type: proc, path: /proc}\n'
        cat
    } > "$SCRATCH/node.yaml"
    chmod 0644 "$SCRATCH/node.yaml"
}

# The value of one /proc/self/status line of the probe's output.
field() {
    printf '%s\n' "$output" | awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print }'
}

assert_caps() {     # inh prm eff bnd amb
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    local want=("$@") name i=0
    for name in CapInh CapPrm CapEff CapBnd CapAmb; do
        if [ "$(field $name)" != "${want[$i]}" ]; then
            echo "$name: got $(field $name), want ${want[$i]}"
            echo "$output"
            return 1
        fi
        i=$((i + 1))
    done
}

without() {         # the full set minus the given capability numbers
    local mask=$(( (1 << (LAST_CAP + 1)) - 1 )) c
    for c in "$@"; do mask=$(( mask & ~(1 << c) )); done
    printf '%016x' "$mask"
}

@test "keep leaves only the kept capability in every set but ambient (root inside)" {
    probe_node <<'YAML'
capabilities: {keep: [net_bind_service]}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$NBS" "$NBS" "$NBS" "$NBS" "$NONE"
}

@test "ambient raises the kept capability into the ambient set (root inside)" {
    probe_node <<'YAML'
capabilities: {keep: [net_bind_service], ambient: [net_bind_service]}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$NBS" "$NBS" "$NBS" "$NBS" "$NBS"
}

@test "drop removes exactly the named capabilities from every set (root inside)" {
    probe_node <<'YAML'
capabilities: {drop: [sys_admin, CAP_NET_RAW]}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    local rest; rest=$(without 21 13)
    assert_caps "$rest" "$rest" "$rest" "$rest" "$NONE"
}

@test "without a capabilities section root inside has the namespace's full set" {
    probe_node <<'YAML'
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$NONE" "$FULL" "$FULL" "$FULL" "$NONE"
}

@test "a non-root workload gets the kept capability through ambient" {
    probe_node <<'YAML'
capabilities: {keep: [net_bind_service], ambient: [net_bind_service]}
process: {user: 1000, group: 1000}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$NBS" "$NBS" "$NBS" "$NBS" "$NBS"
    [ "$(field Uid)" = "1000 1000 1000 1000" ]
    [ "$(field Gid)" = "1000 1000 1000 1000" ]
}

@test "a non-root workload without ambient keeps only bounding and inheritable (execve's rule)" {
    probe_node <<'YAML'
capabilities: {keep: [net_bind_service]}
process: {user: 1000, group: 1000}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$NBS" "$NONE" "$NONE" "$NBS" "$NONE"
}

@test "drop for a non-root workload leaves it no capability at all after execve" {
    probe_node <<'YAML'
capabilities: {drop: [sys_admin]}
process: {user: 1000, group: 1000}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$(without 21)" "$NONE" "$NONE" "$(without 21)" "$NONE"
}

@test "user, group and groups are exactly the plan's" {
    probe_node <<'YAML'
process: {user: 1000, group: 1001, groups: [10, 20]}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    [ "$status" -eq 0 ]
    [ "$(field Uid)" = "1000 1000 1000 1000" ]
    [ "$(field Gid)" = "1001 1001 1001 1001" ]
    [ "$(field Groups)" = "10 20" ]
}

@test "rootless: keep leaves only the kept capability" {
    probe_node <<'YAML'
capabilities: {keep: [net_bind_service]}
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$NBS" "$NBS" "$NBS" "$NBS" "$NONE"
}

@test "rootless: ambient raises the kept capability" {
    probe_node <<'YAML'
capabilities: {keep: [net_bind_service], ambient: [net_bind_service]}
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$NBS" "$NBS" "$NBS" "$NBS" "$NBS"
}

@test "rootless: drop removes exactly the named capabilities" {
    probe_node <<'YAML'
capabilities: {drop: [sys_admin, net_raw]}
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    local rest; rest=$(without 21 13)
    assert_caps "$rest" "$rest" "$rest" "$rest" "$NONE"
}

@test "rootless: without a capabilities section the namespace's full set" {
    probe_node <<'YAML'
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    assert_caps "$NONE" "$FULL" "$FULL" "$FULL" "$NONE"
}

@test "no_new_privileges is on by default and off when the node says so" {
    probe_node <<'YAML'
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    [ "$status" -eq 0 ]
    [ "$(field NoNewPrivs)" = 1 ]
    run "$REDWRAP" --node "$SCRATCH/node.yaml" --set process.no_new_privileges=false \
        -- /probes/procstatus
    [ "$status" -eq 0 ]
    [ "$(field NoNewPrivs)" = 0 ]
}

@test "rootless: no_new_privileges is on by default" {
    probe_node <<'YAML'
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    [ "$status" -eq 0 ]
    [ "$(field NoNewPrivs)" = 1 ]
}

@test "a setuid-root copy of a program stays unprivileged inside" {
    require_host suid "$SCRATCH"
    mkdir "$SCRATCH/suid"
    cp "$PROBES/procstatus" "$SCRATCH/suid/procstatus"
    chown 0:0 "$SCRATCH/suid/procstatus"
    chmod 4755 "$SCRATCH/suid/procstatus"
    # Outside a node the copy does raise its effective uid: the test can fail.
    run setpriv --reuid=1000 --regid=1000 --clear-groups "$SCRATCH/suid/procstatus"
    [ "$(field Uid)" = "1000 0 0 0" ]
    # Inside, two defences hold: the node's mounts are nosuid and the
    # workload runs under no_new_privs.
    probe_node <<YAML
  - {type: bind, path: /suid, source: $SCRATCH/suid}
process: {user: 1000, group: 1000}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /suid/procstatus
    [ "$status" -eq 0 ]
    [ "$(field Uid)" = "1000 1000 1000 1000" ]
    [ "$(field CapEff)" = "$NONE" ]
    [ "$(field NoNewPrivs)" = 1 ]
}
