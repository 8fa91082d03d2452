#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The node's init (process.init: true) against its own workload (issue 2/9,
# classes 1 and 6). The workload is uid 0 of schemas/examples/minimal.yaml,
# which has no capabilities section: it keeps every capability of the
# node's user namespace. The probe (init_probe.c) prints "escaped: ..." or
# "refused: ...". The layer that stops each attempt (init_lockdown.c, and
# docs/security.md, "The node's init"):
#   write init's memory through /proc/1/mem      init is non-dumpable, and its
#                                                memory belongs to the host's
#                                                user namespace (EACCES)
#   run code as init with its capabilities       every capability dropped but
#                                                CAP_KILL; bounding, ambient 0
#   run code as init without a filter            init's own filter (Seccomp: 2)
#   the node file's path, --set values in        init clears redwrap's argument
#   /proc/1/cmdline                              strings before the workload runs
#   redwrap's environment in /proc/1/environ     non-dumpable (EACCES), and the
#                                                strings cleared (seen from the
#                                                host, which may still read them)

load ../integration/helpers

setup() {
    : "${INIT_PROBE:?set by ctest: the init probe}"
    common_setup
    mkdir -p "$SCRATCH/tools"
    cp "$INIT_PROBE" "$SCRATCH/tools/init_probe"
    mkdir -p "$SCRATCH/out"
    chmod 0777 "$SCRATCH/out"
    sed "s|^  - {type: dev, path: /dev}$|&\n  - {type: bind, path: /tools, source: $SCRATCH/tools}\n  - {type: bind, path: /out, source: $SCRATCH/out, readonly: false}|" \
        "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" > "$SCRATCH/minimal.yaml"
    grep -q '/tools' "$SCRATCH/minimal.yaml"
    chmod -R a+rX "$SCRATCH"
}

teardown() {
    common_teardown
}

AS_USER="setpriv --reuid=$ROOTLESS_UID --regid=$ROOTLESS_GID --clear-groups --inh-caps=-all --"

# Runs the probe in minimal.yaml with init, redwrap holding a marker in its
# environment and a --set value on its command line: $1 a prefix command
# ($AS_USER or ""), then the probe's arguments.
probe() {
    local prefix=$1
    shift
    run env REDPAK_LEAK=leaked-env $prefix "$REDWRAP" --node "$SCRATCH/minimal.yaml" \
        --set hostname=leaked-set -- /tools/init_probe "$@"
    echo "$output"
}

@test "a uid-0 workload with every capability cannot write init's memory (/proc/1/mem), root and rootless" {
    local prefix
    for prefix in "" "$AS_USER"; do
        # The attack's premise: the workload has every capability.
        run $prefix "$REDWRAP" --node "$SCRATCH/minimal.yaml" -- /bin/grep CapEff /proc/self/status
        echo "$output"
        [[ $output == *"CapEff:"*"ffffffff"* ]]
        probe "$prefix" mem
        [ "$status" -eq 0 ]
        [[ $output == *"refused: open /proc/1/mem"*"errno=13"* ]]
        [[ $output != *escaped* ]]
    done
}

# /proc/1/status, once init has locked itself down, has every line given
# (exactly as the kernel writes it), root and rootless.
assert_init_status() {
    local prefix line
    for prefix in "" "$AS_USER"; do
        probe "$prefix" status
        [ "$status" -eq 0 ]
        for line in "$@"; do
            [[ $output == *"$line"* ]]
        done
    done
}

@test "init keeps only CAP_KILL, an empty bounding and ambient set, root and rootless" {
    assert_init_status "CapPrm:	0000000000000020" "CapEff:	0000000000000020" \
        "CapInh:	0000000000000000" "CapBnd:	0000000000000000" "CapAmb:	0000000000000000"
}

@test "init runs under a seccomp filter of its own, with no_new_privs, root and rootless" {
    assert_init_status "Seccomp:	2" "Seccomp_filters:	1" "NoNewPrivs:	1"
}

@test "/proc/1/cmdline shows neither the node file's path nor a --set value, root and rootless" {
    local prefix
    for prefix in "" "$AS_USER"; do
        probe "$prefix" dump /proc/1/cmdline
        [ "$status" -eq 0 ]
        [[ $output == "init"* ]]
        [[ $output != *leaked-set* ]]
        [[ $output != *minimal.yaml* ]]
        [[ $output != *redwrap* ]]
    done
}

@test "/proc/1/environ does not show redwrap's environment, root and rootless" {
    local prefix
    for prefix in "" "$AS_USER"; do
        probe "$prefix" dump /proc/1/environ
        [ "$status" -eq 0 ]
        [[ $output == *"refused: open /proc/1/environ errno=13"* ]]
        [[ $output != *leaked-env* ]]
        [[ $output != *PATH=* ]]
    done
}

@test "init's argument and environment memory is cleared, seen from the host" {
    # The host's root may read init's memory (CAP_SYS_PTRACE of the initial
    # user namespace): the strings are gone there too, not only hidden.
    env REDPAK_LEAK=leaked-env "$REDWRAP" --node "$SCRATCH/minimal.yaml" --set hostname=leaked-set \
        -- /bin/sh -c "echo ready > /out/ready; sleep 10" &
    local pid=$! init="" i
    for i in $(seq 100); do
        [ -s "$SCRATCH/out/ready" ] && break
        sleep 0.05
    done
    init=$(pgrep -P "$pid")
    [ -n "$init" ]
    local cmdline environ
    cmdline=$(tr '\0' '\n' < "/proc/$init/cmdline")
    environ=$(tr -d '\0' < "/proc/$init/environ")
    kill -TERM "$pid"
    wait "$pid" || true
    echo "cmdline: [$cmdline] environ: [$environ]"
    [ "$cmdline" = init ]
    [ -z "$environ" ]
}

@test "the workload's environment is what the plan says (env.clear), with and without init" {
    local init
    for init in true false; do
        run env REDPAK_LEAK=leaked-env "$REDWRAP" --node "$SCRATCH/minimal.yaml" \
            --set process.init=$init --set process.env.set.NODE_VAR=node-value \
            -- /tools/init_probe dump /proc/self/environ
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(printf '%s\n' "$output" | grep -c .)" -eq 2 ]
        [[ $output == "NODE_VAR=node-value"* ]]
        [[ $output != *leaked-env* ]]
    done
}

@test "without init the workload is PID 1 and /proc/1/cmdline and environ are its own, root and rootless" {
    # Layer: execve replaces the first process's memory, redwrap's strings
    # with it.
    local prefix
    for prefix in "" "$AS_USER"; do
        run env REDPAK_LEAK=leaked-env $prefix "$REDWRAP" --node "$SCRATCH/minimal.yaml" \
            --set process.init=false --set process.env.set.NODE_VAR=node-value \
            -- /tools/init_probe dump /proc/1/cmdline
        echo "$output"
        [[ $output == "/tools/init_probe"$'\n'"dump"$'\n'"/proc/1/cmdline"* ]]
        run env REDPAK_LEAK=leaked-env $prefix "$REDWRAP" --node "$SCRATCH/minimal.yaml" \
            --set process.init=false --set process.env.set.NODE_VAR=node-value \
            -- /tools/init_probe dump /proc/1/environ
        echo "$output"
        [[ $output == "NODE_VAR=node-value"* ]]
        [[ $output != *leaked-env* ]]
    done
}

@test "init still forwards a stop to a workload of another uid (CAP_KILL kept)" {
    # Without CAP_KILL the kernel refuses init's kill() across uids: the
    # workload would run on to its end.
    local start=$SECONDS
    "$REDWRAP" --node "$SCRATCH/minimal.yaml" --set process.user=65534 \
        --set process.group=65534 -- /bin/sleep 20 &
    local pid=$!
    sleep 0.5
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    echo "status $status after $((SECONDS - start)) s"
    [ "$status" -eq 143 ]
    [ $((SECONDS - start)) -lt 10 ]
}

@test "with wait: all a stop reaches a process that changed its uid (CAP_KILL kept)" {
    local start=$SECONDS
    "$REDWRAP" --node "$SCRATCH/minimal.yaml" --set process.wait=all -- /bin/sh -c \
        'setpriv --reuid=65534 --regid=65534 --clear-groups sleep 20 & echo started > /out/ready' &
    local pid=$! i
    for i in $(seq 100); do
        [ -s "$SCRATCH/out/ready" ] && break
        sleep 0.05
    done
    sleep 0.3
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    echo "status $status after $((SECONDS - start)) s"
    [ $((SECONDS - start)) -lt 10 ]
}
