#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# What a node shares with the caller's session (issue 2/9, classes 3 and 6):
# the terminal (TIOCSTI, TIOCLINUX), fds 0-2 (a directory as stdin), the
# session keyring, and redwrap's own environment and arguments. The probe
# (term_probe.c) prints "escaped: ..." or "refused: ...". The layer that
# stops each is written next to the test, and in docs/security.md's table:
#   TIOCSTI, TIOCLINUX in a node with a filter   the terminal filter (seccomp)
#   TIOCSTI in a node without a filter            a new session (setsid)
#   a directory or O_PATH fd as 0-2               /dev/null in its place
#   the caller's session keyring                  a new session keyring
#   redwrap's environment and arguments           execve (init: false); init
#                                                 clears its copy (init: true)

load ../integration/helpers

setup() {
    : "${TERM_PROBE:?set by ctest: the terminal probe}"
    common_setup
    mkdir -p "$SCRATCH/tools"
    cp "$TERM_PROBE" "$SCRATCH/tools/term_probe"
    chmod -R a+rX "$SCRATCH"
}

teardown() {
    common_teardown
}

AS_USER="setpriv --reuid=$ROOTLESS_UID --regid=$ROOTLESS_GID --clear-groups --inh-caps=-all --"

# schemas/examples/minimal.yaml (no seccomp section) with the probe bound
# at /tools.
write_minimal_node() {
    sed "s|^  - {type: dev, path: /dev}$|&\n  - {type: bind, path: /tools, source: $SCRATCH/tools}|" \
        "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" > "$SCRATCH/minimal.yaml"
    grep -q '/tools' "$SCRATCH/minimal.yaml"
    chmod 0644 "$SCRATCH/minimal.yaml"
}

# The seccomp: section of the shipped nodes/redis.yaml (base: none, ioctl
# allowed outright), in a host-/usr node that runs the probe; $1: extra
# YAML (the rootless id maps).
write_redis_filter_node() {
    {
        cat <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: bind, path: /tools, source: $SCRATCH/tools}
  - {type: dev, path: /dev}
process: {no_new_privileges: true, init: true}
$1
YAML
        awk '/^seccomp:/ {on = 1; print; next} on && /^[^ #]/ {on = 0} on' \
            "$REDPAK_SOURCE_DIR/nodes/redis.yaml"
    } | write_host_usr_node "$SCRATCH/redis-filter.yaml"
    grep -q 'base: none' "$SCRATCH/redis-filter.yaml"
    grep -q 'names: \[ioctl\]' "$SCRATCH/redis-filter.yaml"
}

ROOTLESS_IDS="user_namespace:
  uid_map: [{inside: 0, outside: $ROOTLESS_UID, count: 1}]
  gid_map: [{inside: 0, outside: $ROOTLESS_GID, count: 1}]"

# Runs the probe in NODE under a pseudo-terminal (script(1)): $1 a prefix
# command ($AS_USER or ""), $2 the node file, then the probe's arguments.
probe_in_terminal() {
    local prefix=$1 node=$2
    shift 2
    run script -qec "$prefix $REDWRAP --node $node -- /tools/term_probe $*" /dev/null < /dev/null
    output=$(printf '%s\n' "$output" | tr -d '\r' | grep -v '^redwrap: warning')
    echo "$output"
}

# The terminal attempts all fail with EPERM in NODE ($1 prefix, $2 node,
# then the attempts: all three unless given).
assert_terminal_refused() {
    local prefix=$1 node=$2 m
    shift 2
    for m in ${@:-tiocsti tiocsti-high tioclinux}; do
        probe_in_terminal "$prefix" "$node" "$m"
        [ "$status" -eq 0 ]
        [[ $output == *"refused: "*"errno=1"* ]]
        [[ $output != *escaped* ]]
    done
}

@test "TIOCSTI, TIOCLINUX: refused under the shipped Redis node's filter (ioctl allowed outright), root" {
    # Layer: the terminal filter, loaded next to the node's; the kernel
    # keeps the stricter answer of the two.
    require_redis
    redis_node_copy redis "$SCRATCH/redis"
    mkdir -p "$SCRATCH/redis/data" "$SCRATCH/redis/socket"
    cp "$TERM_PROBE" "$SCRATCH/redis/data/term_probe"
    chown -R redis:redis "$SCRATCH/redis/data" "$SCRATCH/redis/socket"
    chmod 0755 "$SCRATCH/redis/data/term_probe"
    local m
    for m in tiocsti tiocsti-high tioclinux; do
        run script -qec "$REDWRAP --node $SCRATCH/redis/node.yaml -- /data/term_probe $m" \
            /dev/null < /dev/null
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"refused: "*"errno=1"* ]]
        [[ $output != *escaped* ]]
    done
}

@test "TIOCSTI, TIOCLINUX: refused under the Redis node's filter, rootless" {
    write_redis_filter_node "$ROOTLESS_IDS"
    assert_terminal_refused "$AS_USER" "$SCRATCH/redis-filter.yaml"
}

@test "TIOCSTI, TIOCLINUX: refused under base: none with default_action allow and ioctl allowed" {
    write_host_usr_node "$SCRATCH/allow.yaml" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: bind, path: /tools, source: $SCRATCH/tools}
process: {no_new_privileges: true}
seccomp:
  default_action: allow
  base: none
  syscalls:
    - {names: [ioctl], action: allow}
    - {names: [ioctl], action: log, args: [{index: 1, op: eq, value: 0x5412}]}
YAML
    assert_terminal_refused "" "$SCRATCH/allow.yaml"
    assert_terminal_refused "$AS_USER" "$SCRATCH/allow.yaml"
}

@test "TIOCSTI: refused under the learn filter (redwrap --seccomp-learn)" {
    write_redis_filter_node ""
    run script -qec "$REDWRAP --node $SCRATCH/redis-filter.yaml \
        --seccomp-learn $SCRATCH/learned.yaml -- /tools/term_probe tiocsti" /dev/null < /dev/null
    echo "$output"
    [[ $output == *"refused: "*"errno=1"* ]]
    [[ $output != *escaped* ]]
}

@test "TIOCSTI: refused from minimal.yaml (no seccomp section), root and rootless" {
    # Layer: a new session (setsid): the caller's terminal is no longer
    # the node's controlling terminal. (TIOCLINUX is left out: without a
    # filter a pseudo-terminal answers it ENOTTY, and a virtual console
    # pastes only for CAP_SYS_ADMIN of the host.)
    write_minimal_node
    assert_terminal_refused "" "$SCRATCH/minimal.yaml" tiocsti tiocsti-high
    assert_terminal_refused "$AS_USER" "$SCRATCH/minimal.yaml" tiocsti tiocsti-high
}

@test "TIOCSTI: the caller's shell reads nothing the node typed" {
    # End to end: the caller's shell reads the terminal after the node,
    # the user's line, then for a second whatever else is there: the '#'
    # the node pushed, if it got through.
    write_minimal_node
    printf 'typed-by-user\n' > "$SCRATCH/typed"
    run timeout 20 script -qec "bash -c '$REDWRAP --node $SCRATCH/minimal.yaml -- \
        /tools/term_probe tiocsti; read line; read -t 1 more; echo \"after:[\$line][\$more]\"'" \
        /dev/null < "$SCRATCH/typed"
    echo "$output"
    [[ $output == *"after:[typed-by-user][]"* ]]
}

@test "the plan shows the terminal rules, and the new session of a node without filter" {
    write_redis_filter_node ""
    run "$REDNODE_CONFIG" plan "$SCRATCH/redis-filter.yaml"
    [ "$status" -eq 0 ]
    [[ $output == *"TIOCSTI (0x5412) and TIOCLINUX (0x541c) refused"* ]]
    [[ $output == *"errno(EPERM): ioctl if arg1 & 0xffffffff == 21522"* ]]
    [[ $output == *"errno(EPERM): ioctl if arg1 & 0xffffffff == 21532"* ]]
    run "$REDNODE_CONFIG" plan "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml"
    [ "$status" -eq 0 ]
    [[ $output == *"new session (setsid)"* ]]
}

@test "a directory as stdin does not let the workload fchdir out to the host, root and rootless" {
    # Layer: fds 0-2 that are no terminal, pipe, socket, file or character
    # device become /dev/null in the first process.
    write_minimal_node
    run "$REDWRAP" --node "$SCRATCH/minimal.yaml" -- /tools/term_probe fchdir0 "$SCRATCH/minimal.yaml" < /
    echo "$output"
    [[ $output == *refused:* ]]
    [[ $output != *escaped* ]]
    run as_user "$REDWRAP" --node "$SCRATCH/minimal.yaml" -- /tools/term_probe fchdir0 "$SCRATCH/minimal.yaml" < /
    echo "$output"
    [[ $output == *refused:* ]]
    [[ $output != *escaped* ]]
}

@test "fds 0-2: a directory and an O_PATH fd become /dev/null; pipes and files stay" {
    write_minimal_node
    run python3 -c '
import os, sys
d = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
p = os.open(sys.argv[1], os.O_PATH)
os.dup2(d, 0); os.dup2(p, 2)
os.execv(sys.argv[2], sys.argv[2:])' "$SCRATCH/minimal.yaml" \
        "$REDWRAP" --node "$SCRATCH/minimal.yaml" -- /tools/term_probe fdtype
    echo "$output"
    [[ $output == *"fd0=chr fd1=fifo fd2=chr"* ]]
    run sh -c "echo x | $REDWRAP --node $SCRATCH/minimal.yaml -- /tools/term_probe fdtype 2> $SCRATCH/err"
    echo "$output"
    [[ $output == *"fd0=fifo fd1=fifo fd2=reg"* ]]
}

@test "the caller's session keyring is not readable in the node, root and rootless" {
    # Layer: the first process joins a new anonymous session keyring.
    write_minimal_node
    run "$SCRATCH/tools/term_probe" addkey redpak-secret \
        "$REDWRAP" --node "$SCRATCH/minimal.yaml" -- /tools/term_probe keyring redpak-secret
    echo "$output"
    [[ $output == *refused:* ]]
    [[ $output != *caller-secret* ]]
    run "$SCRATCH/tools/term_probe" addkey redpak-secret $AS_USER \
        "$REDWRAP" --node "$SCRATCH/minimal.yaml" -- /tools/term_probe keyring redpak-secret
    echo "$output"
    [[ $output == *refused:* ]]
    [[ $output != *caller-secret* ]]
}

# Every process of the node, init included: cmdline and environ.
LEAK_SCAN='for p in /proc/[0-9]*; do
    cat $p/cmdline $p/environ 2>/dev/null | tr "\0" "\n"; done'

@test "redwrap's environment, node path and --set values do not reach the node's processes, with and without init, root and rootless" {
    # Layer: execve. With init: false the workload is PID 1 and its memory
    # is its own; redwrap's is gone with the first process's execve.
    write_minimal_node
    local prefix
    for prefix in "" "$AS_USER"; do
        run env REDPAK_LEAK=leaked-env $prefix "$REDWRAP" --node "$SCRATCH/minimal.yaml" \
            --set process.init=false --set hostname=leaked-set -- /bin/sh -c "$LEAK_SCAN" scan
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"/bin/sh"* ]]
        [[ $output != *leaked-env* ]]
        [[ $output != *leaked-set* ]]
        [[ $output != *"$SCRATCH/minimal.yaml"* ]]
        # With init every process is as clean, init too (init_lockdown.c).
        run env REDPAK_LEAK=leaked-env $prefix "$REDWRAP" --node "$SCRATCH/minimal.yaml" \
            --set hostname=leaked-set -- /bin/sh -c "$LEAK_SCAN" scan
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"/bin/sh"* ]]
        [[ $output != *leaked-env* ]]
        [[ $output != *leaked-set* ]]
        [[ $output != *"$SCRATCH/minimal.yaml"* ]]
    done
}

@test "the Redis profile: clone(CLONE_NEWUSER) and socket(AF_VSOCK) get EPERM and are logged, root and rootless" {
    # Class 8. Layer: the node's own filter (nodes/redis.yaml's argument
    # rules: clone without namespace flags, socket for AF_UNIX, AF_INET,
    # AF_INET6 only); default_action report: EPERM, and redwrap names the
    # syscall.
    local prefix m
    for prefix in "" "$AS_USER"; do
        if [ -n "$prefix" ]; then
            write_redis_filter_node "$ROOTLESS_IDS"
        else
            write_redis_filter_node ""
        fi
        for m in newuser vsock; do
            run $prefix "$REDWRAP" --node "$SCRATCH/redis-filter.yaml" -- /tools/term_probe "$m"
            echo "$m: $status $output"
            [ "$status" -eq 0 ]
            [[ $output != *escaped* ]]
            [[ $output == *"errno=1"* ]]
            [[ $output == *"seccomp: refused clone (syscall"* ||
               $output == *"seccomp: refused socket (syscall"* ]]
        done
    done
}
