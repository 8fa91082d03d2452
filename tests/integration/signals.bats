#!/usr/bin/env bats
# Signals and the node's end: redwrap forwards SIGTERM SIGINT SIGHUP SIGQUIT
# SIGUSR1 SIGUSR2 SIGWINCH to the node's init, which passes them to the
# workload; init reaps every zombie; wait: all waits for the last process,
# wait: main for the workload only.

load helpers

setup() {
    common_setup
}

teardown() {
    common_teardown
}

node() {
    write_host_usr_node "$SCRATCH/node.yaml" sig
}

# Starts redwrap in the background with its output in $SCRATCH/out and
# waits until the workload wrote "ready" there.
start_node() {
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- "$@" > "$SCRATCH/out" 2>&1 &
    NODE_PID=$!
    local i
    for i in $(seq 100); do
        grep -q ready "$SCRATCH/out" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# Waits for the background redwrap; its exit status in NODE_STATUS.
node_wait() {
    NODE_STATUS=0
    wait "$NODE_PID" || NODE_STATUS=$?
}

@test "SIGTERM to redwrap ends sleep inside with 143" {
    node </dev/null
    start_node /bin/sh -c 'echo ready; exec sleep 60'
    kill -TERM "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 143 ]
}

@test "SIGINT to redwrap ends the workload with 130" {
    node </dev/null
    start_node /bin/sh -c 'echo ready; exec sleep 60'
    kill -INT "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 130 ]
}

@test "SIGUSR1, SIGUSR2, SIGHUP, SIGWINCH reach the workload's handlers" {
    node </dev/null
    start_node /bin/sh -c '
        for s in USR1 USR2 HUP WINCH; do trap "echo got $s" $s; done
        trap "echo got TERM; exit 7" TERM
        echo ready
        while :; do sleep 0.1; done'
    local s
    for s in USR1 USR2 HUP WINCH; do
        kill -"$s" "$NODE_PID"
        for _ in $(seq 50); do grep -q "got $s" "$SCRATCH/out" && break; sleep 0.05; done
    done
    kill -TERM "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 7 ]
    run cat "$SCRATCH/out"
    for s in USR1 USR2 HUP WINCH TERM; do
        [[ $output == *"got $s"* ]]
    done
}

@test "SIGQUIT is forwarded too (131)" {
    node </dev/null
    start_node /bin/sh -c 'echo ready; exec sleep 60'
    kill -QUIT "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 131 ]
}

@test "a signal sent while the node is being built is delivered, not lost" {
    node </dev/null
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sleep 60 &
    local pid=$!
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    # Either redwrap itself (before it blocked the signal) or the workload
    # died of it; the node never ran on for 60 s.
    [ "$status" -eq 143 ]
}

@test "init reaps orphaned zombies" {
    node </dev/null
    # The subshell exits at once; its sleep is orphaned to init and ends
    # 0.1 s later. Nobody but init can reap it.
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        '( sleep 0.1 & ); sleep 1; cat /proc/[0-9]*/stat'
    [ "$status" -eq 0 ]
    local zombies
    zombies=$(echo "$output" | grep -c ') Z ' || true)
    [ "$zombies" -eq 0 ]
}

@test "without init, an orphan stays a zombie of the pid 1 workload (what init is for)" {
    node <<<'process: {init: false}'
    # sleep becomes pid 1 and never waits for the orphans it inherits.
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        '( sleep 0.1 & ); ( sleep 1; cat /proc/[0-9]*/stat ) & exec sleep 2'
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -c ') Z ')" -ge 1 ]
}

@test "wait: all waits for the node's last process" {
    node <<<'process: {wait: all}'
    local start end
    start=$(date +%s%N)
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'sleep 1.5 & exit 3'
    end=$(date +%s%N)
    [ "$status" -eq 3 ]
    [ $(( (end - start) / 1000000 )) -ge 1400 ]
}

@test "wait: main ends the node when the workload ends" {
    node <<<'process: {wait: main}'
    local start end
    start=$(date +%s%N)
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'sleep 30 & exit 4'
    end=$(date +%s%N)
    [ "$status" -eq 4 ]
    [ $(( (end - start) / 1000000 )) -lt 5000 ]
}

@test "wait: all forwards a signal to what is left after the workload ended" {
    node <<<'process: {wait: all}'
    start_node /bin/sh -c 'sleep 60 & echo ready; exit 0'
    kill -TERM "$NODE_PID"
    # The workload's status (0): the leftover sleep was terminated.
    node_wait
    [ "$NODE_STATUS" -eq 0 ]
}

@test "rootless: SIGTERM to redwrap ends sleep inside with 143" {
    node </dev/null
    "${AS_USER[@]}" "$REDWRAP" --node "$SCRATCH/node.yaml" -- \
        /bin/sh -c 'echo ready; exec sleep 60' > "$SCRATCH/out" 2>&1 &
    NODE_PID=$!
    for _ in $(seq 100); do grep -q ready "$SCRATCH/out" && break; sleep 0.05; done
    kill -TERM "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 143 ]
}

@test "without init, a SIGTERM the pid 1 workload does not handle is reported as dropped" {
    node <<<'process: {init: false}'
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sleep "1006$$" > "$SCRATCH/out" 2>&1 &
    NODE_PID=$!
    local sleeper=
    for _ in $(seq 100); do
        sleeper=$(pgrep -f "^/bin/sleep 1006$$\$" || true)
        [ -n "$sleeper" ] && break
        sleep 0.05
    done
    kill -TERM "$NODE_PID"
    for _ in $(seq 50); do grep -q "not delivered" "$SCRATCH/out" && break; sleep 0.05; done
    # The kernel dropped it: sleep still runs until SIGKILL, which always arrives.
    [ -d "/proc/$sleeper" ]
    kill -KILL "$sleeper"
    node_wait
    [ "$NODE_STATUS" -eq 137 ]
    grep -q "warning: SIGTERM not delivered: the workload is PID 1 of its namespace" "$SCRATCH/out"
}
