#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Signals and the node's end: redwrap forwards SIGTERM SIGINT SIGHUP SIGQUIT
# SIGUSR1 SIGUSR2 SIGWINCH to the node's init, which passes them to the
# workload; init reaps every zombie; wait: all waits for the last process,
# wait: main for the workload only; a stop signal (TERM INT HUP QUIT) ends
# the node after the workload, orphans included.

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

# Waits until the background process $1 runs redwrap (its execve is done).
# A signal must not reach it before: bats' EXIT trap makes bash catch
# SIGTERM, also in the child it forks for "cmd &" until that child's
# execve, which forgets the caught signal.
wait_for_redwrap() {
    local comm= i
    for i in $(seq 1000); do
        read -r comm < "/proc/$1/comm" || return 1
        [ "$comm" = redwrap ] && return 0
        # Polled at once first; a loaded machine may take a while.
        [ "$i" -le 100 ] || sleep 0.005
    done
    return 1
}

@test "a signal sent while the node is being built is delivered, not lost" {
    node </dev/null
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sleep 60 &
    local pid=$!
    wait_for_redwrap "$pid"
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    # Either redwrap itself (before it blocked the signal) or the workload
    # died of it; the node never ran on for 60 s.
    [ "$status" -eq 143 ]
}

@test "a signal sent at each step of the build (after redwrap blocked it) is delivered" {
    node </dev/null
    # -v names each step as it starts; redwrap blocked the signals before
    # step 4's clone. The signal follows the step's line: redwrap (5, 13)
    # or the first process (6 to 12) is at that step or a later one.
    local step status seen
    for step in "(step 5)" "(step 13)" "(step 6)" "(step 7)" "(step 8)" "(step 9)" \
                "(step 10)" "(step 11)" "(step 12)"; do
        "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/sleep 60 2> "$SCRATCH/log" &
        local pid=$!
        seen=0
        for _ in $(seq 400); do
            grep -qF "$step" "$SCRATCH/log" && { seen=1; break; }
            sleep 0.005
        done
        kill -TERM "$pid"
        status=0
        wait "$pid" || status=$?
        echo "after \"$step\": $status"
        [ "$seen" -eq 1 ]
        [ "$status" -eq 143 ]
    done
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

# Waits until a process whose whole command line is $1 runs; its pid in FOUND.
find_process() {
    FOUND=
    for _ in $(seq 100); do
        FOUND=$(pgrep -fx "$1" || true)
        [ -n "$FOUND" ] && return 0
        sleep 0.05
    done
    return 1
}

# A stop signal with wait: all ends the node: without that, the orphan
# (a 20 s sleep, tagged by the fraction) would keep it alive until it ends.
stop_ends_orphans() {
    local sig=$1 want=$2 tag="20.$$"
    start_node /bin/sh -c "( sleep $tag & ); echo ready; exec sleep 60"
    find_process "sleep $tag"
    local orphan=$FOUND start
    start=$(date +%s%N)
    kill -"$sig" "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq "$want" ]
    [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 10000 ]
    # Gone, or a zombie its new parent outside the node has yet to reap.
    [ ! -e "/proc/$orphan" ] || grep -q '^State:.*Z' "/proc/$orphan/status"
}

@test "SIGTERM ends the node with wait: all, orphans too, with the workload's status (143)" {
    node <<<'process: {wait: all}'
    stop_ends_orphans TERM 143
}

@test "a stop signal reaches the orphans as the same signal, after the workload exited" {
    node <<<'process: {wait: all}'
    # The subshell is the workload's child until the workload exits, then
    # an orphan of init: only init's sweep can send it the HUP. (It gives
    # up after 20 s, so that a node that misses the sweep still ends.)
    start_node /bin/sh -c '
        trap "echo main got HUP; exit 5" HUP
        ( trap "echo orphan got HUP; exit 0" HUP; echo ready
          for i in $(seq 200); do sleep 0.1; done ) &
        while :; do sleep 0.1; done'
    kill -HUP "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 5 ]
    # (The orphan's own sleep died of the sweep's HUP too: dash says "Hangup".)
    run cat "$SCRATCH/out"
    [[ $output == "ready"*"main got HUP"*"orphan got HUP"* ]]
}

@test "pid: host: SIGTERM ends the node with wait: all, orphans through the cgroup (143)" {
    [ -d /sys/fs/cgroup/unified ] || [ -e /sys/fs/cgroup/cgroup.kill ] ||
        skip "no cgroup2 hierarchy for the node's cgroup"
    # init is no PID 1 here: it exits after the workload, and the teardown
    # kills what is left in the node's cgroup. No proc: a new user namespace
    # (uid 0 inside is not host root, or pid: host is refused) cannot mount
    # one of the host's pid namespace.
    write_host_usr_node "$SCRATCH/node.yaml" sig <<YAML
namespaces: {pid: host}
process: {wait: all}
$(host_usr_mounts)
  - {type: dev, path: /dev}
YAML
    stop_ends_orphans TERM 143
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

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

@test "a node that runs on: redwrap and init let go of their set-up pages, and still work" {
    node </dev/null
    start_node /bin/sh -c 'echo ready; trap "echo got USR1" USR1; while :; do sleep 0.05; done'
    local init
    init=$(cat /proc/"$NODE_PID"/task/*/children | awk '{ print $1; exit }')
    [ -n "$init" ]
    # Before RP_TRIM_AFTER_MS (100 ms) both hold what building the node
    # touched; after it, only what their loops touch again.
    local before_sup before_init
    before_sup=$(rss_kib "$NODE_PID")
    before_init=$(rss_kib "$init")
    sleep 0.5
    local sup_kib init_kib
    sup_kib=$(rss_kib "$NODE_PID")
    init_kib=$(rss_kib "$init")
    echo "supervisor $before_sup -> $sup_kib KiB, init $before_init -> $init_kib KiB"
    [ "$sup_kib" -lt 1200 ]
    [ "$init_kib" -lt 1200 ]
    # The dropped code faults back in: a signal is still forwarded, and
    # the node still ends with the workload's status.
    kill -USR1 "$NODE_PID"
    for _ in $(seq 100); do grep -q "got USR1" "$SCRATCH/out" && break; sleep 0.05; done
    grep -q "got USR1" "$SCRATCH/out"
    kill -TERM "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 143 ]
}
