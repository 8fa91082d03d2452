#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Step 12 seen from inside the node: the filter is loaded, a denied syscall
# gets its errno, kill_process kills, the default base profile refuses the
# dangerous calls, the i386 and x32 ABIs do not slip past, and learn mode
# writes a profile the same program then runs under.

load helpers

setup() {
    common_setup
    : "${PROBES:?set by ctest}"
}

teardown() {
    common_teardown
}

# A node with the probes at /probes and /proc; extra YAML from stdin.
probe_node() {
    local file=${1:-$SCRATCH/node.yaml}
    {
        printf 'version: 1\nnode: seccomp\n'
        printf 'mounts:\n  - {type: bind, path: /probes, source: %s}\n' "$PROBES"
        printf '  - {type: proc, path: /proc}\n'
        cat
    } > "$file"
    chmod 0644 "$file"
}

field() {
    printf '%s\n' "$output" | awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print }'
}

@test "a seccomp section loads a filter: Seccomp 2, NoNewPrivs 1" {
    probe_node <<'YAML'
seccomp: {default_action: errno}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    [ "$status" -eq 0 ]
    [ "$(field Seccomp)" = 2 ]
    [ "$(field NoNewPrivs)" = 1 ]
}

@test "without a seccomp section no filter is loaded" {
    probe_node <<'YAML'
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    [ "$status" -eq 0 ]
    [ "$(field Seccomp)" = 0 ]
}

@test "rootless: a seccomp section loads a filter" {
    probe_node <<'YAML'
seccomp: {default_action: errno}
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/procstatus
    [ "$status" -eq 0 ]
    [ "$(field Seccomp)" = 2 ]
}

@test "a denied syscall returns its configured errno" {
    probe_node <<'YAML'
seccomp:
  syscalls:
    - {names: [getppid], action: errno, errno: EACCES}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry getpgid getppid
    [ "$status" -eq 13 ]
    [ "${lines[0]}" = "getpgid: ok" ]
    [ "${lines[1]}" = "getppid: errno 13" ]
}

@test "rootless: a denied syscall returns its configured errno" {
    probe_node <<'YAML'
seccomp:
  syscalls:
    - {names: [getppid], action: errno, errno: 13}
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry getppid
    [ "$status" -eq 13 ]
    [ "$output" = "getppid: errno 13" ]
}

@test "the default base profile refuses namespaces, mounts, ptrace, keyrings and bpf with EPERM" {
    probe_node <<'YAML'
seccomp: {default_action: errno, base: default}
YAML
    local call
    for call in unshare_user unshare_ns mount ptrace keyctl bpf; do
        run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry "$call"
        [ "$output" = "$call: errno 1" ] || { echo "$output"; return 1; }
    done
}

@test "the default base profile answers clone3 with ENOSYS and lets fork work" {
    probe_node <<'YAML'
seccomp: {}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry clone3 fork
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "clone3: errno 38" ]
    [ "${lines[1]}" = "fork: ok" ]
}

@test "default_errno answers what the profile leaves out" {
    probe_node <<'YAML'
seccomp: {default_action: errno, default_errno: EXDEV}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry mount
    [ "$output" = "mount: errno 18" ]
}

@test "a node rule overrides the base profile for its syscall" {
    probe_node <<'YAML'
seccomp:
  syscalls:
    - {names: [getpgid], action: errno, errno: ENOENT}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry getpgid
    [ "$output" = "getpgid: errno 2" ]
}

@test "kill_process kills the workload and redwrap reports 159 (SIGSYS)" {
    probe_node <<'YAML'
seccomp:
  syscalls:
    - {names: [getppid], action: kill_process}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry getpgid getppid
    [ "$status" -eq 159 ]
    [ "${lines[0]}" = "getpgid: ok" ]
    [[ "$output" != *"getppid:"* ]]
}

@test "rootless: kill_process as the default action reports 159" {
    probe_node <<'YAML'
seccomp: {default_action: kill_process}
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry mount
    [ "$status" -eq 159 ]
}

@test "an i386 program cannot slip past the filter" {
    # Only a kernel that runs i386 programs has the i386 path to close.
    require_host i386 "$PROBES/alive32"
    # Without a filter the 32-bit program runs ...
    probe_node <<'YAML'
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/alive32
    [ "$status" -eq 0 ]
    [ "$output" = alive ]
    # ... with one, even one that allows everything, its first syscall kills it.
    probe_node <<'YAML'
seccomp: {default_action: allow, base: none}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/alive32
    [ "$status" -eq 159 ]
    [ -z "$output" ]
}

@test "an x32 syscall cannot slip past the filter" {
    [ "$(uname -m)" = x86_64 ] || skip "x32 is an x86_64 ABI"
    probe_node <<'YAML'
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry x32_getpid
    [ "$status" -ne 159 ]
    probe_node <<'YAML'
seccomp: {default_action: allow, base: none}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry x32_getpid
    [ "$status" -eq 159 ]
}

@test "no_new_privileges: false with a filter is a plan error at both values, exit 125" {
    probe_node <<'YAML'
capabilities: {keep: [net_bind_service]}
process: {no_new_privileges: false}
seccomp: {}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry getppid
    echo "$output"
    [ "$status" -eq 125 ]
    # Refused by the plan, before anything runs: the key and both positions.
    [[ "$output" =~ node\.yaml:[0-9]+:[0-9]+:\ process\.no_new_privileges:\ .*seccomp\ filter\ of\ .*node\.yaml:[0-9]+:[0-9]+ ]]
    [[ "$output" != *"getppid"* ]]
    run "$REDNODE_CONFIG" validate "$SCRATCH/node.yaml"
    [ "$status" -eq 1 ]
    # Kept sys_admin does not make the pair acceptable.
    probe_node <<'YAML'
process: {no_new_privileges: false}
seccomp: {}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry getppid
    [ "$status" -eq 125 ]
    [[ "$output" == *"process.no_new_privileges"* ]]
}

@test "report: an unlisted syscall gets EPERM, the workload runs on, redwrap's log names it once" {
    probe_node <<'YAML'
seccomp: {default_action: report}
YAML
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry mount mount mount keyctl getppid \
        > "$SCRATCH/out" 2> "$SCRATCH/err"
    [ "$(sed -n 1p "$SCRATCH/out")" = "mount: errno 1" ]
    [ "$(sed -n 4p "$SCRATCH/out")" = "keyctl: errno 1" ]
    [ "$(sed -n 5p "$SCRATCH/out")" = "getppid: ok" ]
    # One line per syscall name, the repeats counted at the end.
    cat "$SCRATCH/err"
    [ "$(grep -c 'refused mount (syscall [0-9]*, not in the node' "$SCRATCH/err")" -eq 1 ]
    grep -q 'refused keyctl (syscall [0-9]*, not in the node.s list) with EPERM, pid [0-9]' \
        "$SCRATCH/err"
    grep -q 'refused mount (syscall [0-9]*) 2 more times before the node ended' "$SCRATCH/err"
}

@test "report answers default_errno: ENOSYS" {
    probe_node <<'YAML'
seccomp: {default_action: report, default_errno: ENOSYS}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry bpf getppid
    [ "$status" -eq 0 ]
    # The workload's line and redwrap's log line race to the same output.
    [[ "$output" == *"bpf: errno 38"* ]]
    [[ "$output" == *"refused bpf (syscall"*"with ENOSYS"* ]]
}

@test "rootless: report answers EPERM and logs" {
    probe_node <<'YAML'
seccomp: {default_action: report, base: default}
YAML
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry ptrace getppid
    [ "$status" -eq 0 ]
    [[ "$output" == *"ptrace: errno 1"* ]]
    [[ "$output" == *"getppid: ok"* ]]
    [[ "$output" == *"refused ptrace (syscall"* ]]
}

@test "report is a default_action only" {
    probe_node <<'YAML'
seccomp:
  syscalls:
    - {names: [getppid], action: report}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /probes/systry getppid
    [ "$status" -eq 125 ]
    [[ "$output" == *"seccomp.syscalls[0].action: report is a default_action only"* ]]
}

# Learn mode: run once recording, then under the learned profile.
learn_then_run() {   # runner...
    probe_node <<'YAML'
YAML
    run "$@" "$REDWRAP" --node "$SCRATCH/node.yaml" \
        --seccomp-learn "$SCRATCH/learned.yaml" -- /probes/systry getppid
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    grep -q '^  default_action: report$' "$SCRATCH/learned.yaml"
    # Only when asked: kill_process.
    run "$@" "$REDWRAP" --node "$SCRATCH/node.yaml" --seccomp-learn "$SCRATCH/learned.yaml" \
        --seccomp-learn-kill -- /probes/systry getppid
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    grep -q '^  default_action: kill_process$' "$SCRATCH/learned.yaml"
    grep -q '^  base: none$' "$SCRATCH/learned.yaml"
    grep -q -- '- getppid$' "$SCRATCH/learned.yaml"
    grep -q -- '- execve$' "$SCRATCH/learned.yaml"
    ! grep -q -- '- getpgid$' "$SCRATCH/learned.yaml"
    probe_node "$SCRATCH/learned.node.yaml" < "$SCRATCH/learned.yaml"
    # The recorded run passes under the learned profile ...
    run "$@" "$REDWRAP" --node "$SCRATCH/learned.node.yaml" -- /probes/systry getppid
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    [ "$output" = "getppid: ok" ]
    # ... and a syscall it never made kills it.
    run "$@" "$REDWRAP" --node "$SCRATCH/learned.node.yaml" -- /probes/systry getppid getpgid
    [ "$status" -eq 159 ]
}

@test "learn mode records a program's syscalls and the program runs under them" {
    learn_then_run
}

@test "rootless: learn mode records a program's syscalls and the program runs under them" {
    chmod 0777 "$SCRATCH"
    learn_then_run as_user
}

# Starts redwrap on NODE in the background and waits for Redis's socket.
start_redis() {
    "$REDWRAP" --node "$1" "${@:2}" > "$SCRATCH/redis.log" 2>&1 &
    REDIS_PID=$!
    local i
    for i in $(seq 100); do
        [ -S "$SCRATCH/socket/redis.sock" ] && return 0
        sleep 0.1
    done
    cat "$SCRATCH/redis.log"
    return 1
}

# A benchmark, a background save (a fork) and a shutdown; redwrap's status.
exercise_redis() {
    redis-benchmark -s "$SCRATCH/socket/redis.sock" -q -n 2000 -c 4 \
        -t set,get,incr,lpush,lpop,sadd,hset,lrange_100,mset > "$SCRATCH/bench.log"
    [ "$(redis-cli -s "$SCRATCH/socket/redis.sock" bgsave)" = "Background saving started" ]
    sleep 0.5
    redis-cli -s "$SCRATCH/socket/redis.sock" shutdown || true
    wait "$REDIS_PID"
}

@test "learn mode on Redis under redis-benchmark: Redis then serves under the learned profile" {
    require_redis
    cp "$REDPAK_SOURCE_DIR/nodes/redis.yaml" "$SCRATCH/redis.yaml"
    start_redis "$SCRATCH/redis.yaml" --seccomp-learn "$SCRATCH/learned.yaml" --seccomp-learn-kill
    exercise_redis
    grep -q -- '- accept4$' "$SCRATCH/learned.yaml"
    grep -q -- '- fdatasync$\|- fsync$' "$SCRATCH/learned.yaml"
    # The node with its seccomp section replaced by the learned one.
    awk -v learned="$SCRATCH/learned.yaml" '
        /^seccomp:/ { while ((getline line < learned) > 0) print line; skip = 1; next }
        skip && /^[a-z]/ { skip = 0 }
        !skip' "$SCRATCH/redis.yaml" > "$SCRATCH/redis-learned.yaml"
    grep -q '^  default_action: kill_process$' "$SCRATCH/redis-learned.yaml"
    start_redis "$SCRATCH/redis-learned.yaml"
    # redwrap's status is Redis's: 159 had the filter killed it.
    exercise_redis || { cat "$SCRATCH/redis.log"; return 1; }
    [ "$(grep -c 'requests per second' "$SCRATCH/bench.log")" -ge 9 ]
}
