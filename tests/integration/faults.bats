#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Faults: redwrap or the node's init killed, a full tmpfs, an allocation
# past RLIMIT_AS, a bind source removed under a running node, exec
# failures, a workload that closes its stdio, SIGSTOP/SIGCONT, 10,000
# short-lived children, 50 redwraps of one node at once. After each:
# nothing left on the host (mounts, cgroups, processes).
# (memory.max and the kernel's OOM killer need cgroup v2 controllers, which
# a hybrid host lacks: the VM tests, tests/vm, cover them.)

load helpers
bats_require_minimum_version 1.5.0

# Where the nodes' cgroups are made, under this shell's own.
CGROOT=$(own_cgroup)

setup() {
    common_setup
    NODE=faults-$$-$BATS_TEST_NUMBER
    write_host_usr_node "$SCRATCH/node.yaml" "$NODE" <<'YAML'
tmpfs:
  - {path: /tmp, size: 1M}
YAML
    MOUNTS_BEFORE=$(our_host_mounts)
}

teardown() {
    local pid
    for pid in $(marked_processes); do kill -KILL "$pid" 2> /dev/null || true; done
    common_teardown
}

# The node's cgroups still on the host (redpak-<node>-<pid>-<random>).
node_cgroups() {
    [ -n "$CGROOT" ] || return 0
    # Other nodes' cgroups come and go meanwhile: find may meet one gone.
    find "$CGROOT" -maxdepth 3 -type d -name "redpak-$NODE-*" 2> /dev/null || true
}

# Processes whose command line carries this run's marker.
marked_processes() {
    pgrep -f "redpak-fault-$$" || true
}

# The host's mount points, but those of other suites' scratch folders:
# they run beside this one and mount there.
our_host_mounts() {
    host_mounts | awk -v mine="$SCRATCH" 'index($0, "/tmp/redpak-test.") != 1 || index($0, mine) == 1'
}

assert_nothing_left() {
    [ "$(our_host_mounts)" = "$MOUNTS_BEFORE" ] ||
        { echo "mounts changed:"; diff <(echo "$MOUNTS_BEFORE") <(our_host_mounts); return 1; }
    [ -z "$(node_cgroups)" ] || { echo "cgroups left: $(node_cgroups)"; return 1; }
    wait_marked_gone || { echo "processes left"; return 1; }
}

# Starts redwrap on the node in the background running sh -c SCRIPT (its
# $0 is the marker) and waits for "ready" in $SCRATCH/out.
start_node() {
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c "$1" "redpak-fault-$$" \
        > "$SCRATCH/out" 2>&1 &
    NODE_PID=$!
    local i
    for i in $(seq 200); do
        grep -q ready "$SCRATCH/out" 2> /dev/null && return 0
        sleep 0.05
    done
    cat "$SCRATCH/out"
    return 1
}

node_wait() {
    NODE_STATUS=0
    wait "$NODE_PID" || NODE_STATUS=$?
}

# Waits up to 5 s for the marked processes to be gone.
wait_marked_gone() {
    local i
    for i in $(seq 100); do
        [ -z "$(marked_processes)" ] && return 0
        sleep 0.05
    done
    marked_processes
    return 1
}

@test "redwrap killed with SIGKILL: the node dies with it, and the next run removes its cgroup" {
    start_node 'echo ready; sleep 1000'
    local cg
    cg=$(node_cgroups)
    kill -KILL "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 137 ]
    # die_with_parent: the node's init gets SIGKILL, which ends the pid
    # namespace, the workload with it.
    wait_marked_gone
    [ "$(our_host_mounts)" = "$MOUNTS_BEFORE" ]
    if [ -n "$cg" ]; then
        # redwrap never tore down: its cgroup is still there, empty (unless
        # another redwrap on this host started meanwhile: any run cleans
        # what a dead one left under the same parent).
        [ ! -d "$cg" ] || [ -z "$(cat "$cg/cgroup.procs")" ]
        run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/true
        [ "$status" -eq 0 ]
        [ ! -d "$cg" ]
    else
        echo "# no cgroup on this host: nothing to clean" >&3
    fi
    assert_nothing_left
}

@test "redwrap killed with SIGKILL, rootless: the node dies with it" {
    chmod 0755 "$SCRATCH"
    # setpriv itself (as_user would add a bash in between) execs redwrap:
    # $! is redwrap.
    setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_GID" --clear-groups --inh-caps=-all -- \
        "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'echo ready; sleep 1000' \
        "redpak-fault-$$" > "$SCRATCH/out" 2>&1 &
    NODE_PID=$!
    local i
    for i in $(seq 200); do grep -q ready "$SCRATCH/out" && break; sleep 0.05; done
    grep -q ready "$SCRATCH/out"
    kill -KILL "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 137 ]
    wait_marked_gone
    assert_nothing_left
}

@test "the node's init killed with SIGKILL: redwrap reports 137 and tears down" {
    start_node 'echo ready; sleep 1000'
    local init
    init=$(pgrep -P "$NODE_PID" | head -1)
    [ -n "$init" ]
    kill -KILL "$init"
    node_wait
    [ "$NODE_STATUS" -eq 137 ]
    wait_marked_gone
    assert_nothing_left
}

@test "a full tmpfs: the workload sees ENOSPC, redwrap reports its status" {
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'dd if=/dev/zero of=/tmp/fill bs=64k count=64 2>&1; echo "dd=$?"; echo more >> /tmp/fill || exit 9'
    [ "$status" -eq 9 ]
    [[ "$output" == *"No space left on device"* ]]
    [[ "$output" == *"dd=1"* ]]
    assert_nothing_left
}

@test "an allocation past RLIMIT_AS fails inside the node and nothing else" {
    require_host cmd /usr/bin/python3
    write_host_usr_node "$SCRATCH/node.yaml" "$NODE" <<'YAML'
process:
  rlimits: {as: 134217728}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /usr/bin/python3 -c '
try:
    b = bytearray(512 << 20)
except MemoryError:
    print("MemoryError")
    raise SystemExit(3)'
    [ "$status" -eq 3 ]
    [ "$output" = MemoryError ]
    assert_nothing_left
}

@test "a bind source removed while the node runs: the node goes on, nothing comes back on the host" {
    mkdir -p "$SCRATCH/src"
    echo hello > "$SCRATCH/src/f"
    write_host_usr_node "$SCRATCH/node.yaml" "$NODE" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: bind, path: /data, source: $SCRATCH/src}
YAML
    start_node 'cat /data/f; echo ready; while [ ! -e /data/gone ] && [ -e /data/f ]; do sleep 0.05; done; ls -A /data | wc -l; exit 4'
    rm -rf "$SCRATCH/src"
    node_wait
    [ "$NODE_STATUS" -eq 4 ]
    grep -q hello "$SCRATCH/out"
    # The node kept the removed directory, empty now.
    [ "$(tail -1 "$SCRATCH/out")" = 0 ]
    [ ! -e "$SCRATCH/src" ]
    assert_nothing_left
}

@test "exec failures: 127 for a missing command, 126 for one that cannot run" {
    run -127 "$REDWRAP" --node "$SCRATCH/node.yaml" -- /nonexistent
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /usr/share
    [ "$status" -eq 126 ]
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /usr/lib/os-release
    [ "$status" -eq 126 ]
    assert_nothing_left
}

@test "a workload that closes its stdin, stdout and stderr still reports its status" {
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'exec 0<&- 1>&- 2>&-; sleep 0.2; exit 7'
    [ "$status" -eq 7 ]
    # A reader that went away: the workload's SIGPIPE, not redwrap's.
    run bash -c '"$0" --node "$1" -- /bin/sh -c "sleep 0.3; yes" | true; echo "${PIPESTATUS[0]}"' \
        "$REDWRAP" "$SCRATCH/node.yaml"
    [ "$output" = 141 ]
    assert_nothing_left
}

@test "SIGSTOP and SIGCONT of the workload and of redwrap change nothing of the outcome" {
    # The workload ends when the host creates ctl/go: while redwrap is
    # stopped, so redwrap finds the end when it is continued.
    mkdir -p "$SCRATCH/ctl"
    write_host_usr_node "$SCRATCH/node.yaml" "$NODE" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: bind, path: /ctl, source: $SCRATCH/ctl}
YAML
    start_node 'echo ready; while [ ! -e /ctl/go ]; do sleep 0.05; done; exit 5'
    local init workload
    init=$(pgrep -P "$NODE_PID" | head -1)
    workload=$(pgrep -P "$init" | head -1)
    [ -n "$workload" ]
    kill -STOP "$workload"
    sleep 1
    [ "$(awk '{print $3}' "/proc/$workload/stat")" = T ]
    kill -CONT "$workload"
    kill -STOP "$NODE_PID"
    touch "$SCRATCH/ctl/go"
    sleep 1
    kill -CONT "$NODE_PID"
    node_wait
    [ "$NODE_STATUS" -eq 5 ]
    assert_nothing_left
}

@test "10,000 short-lived children leave no zombie" {
    # Each ( : & ) orphans its child to the node's init, which must reap.
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c '
        i=0
        while [ $i -lt 10000 ]; do ( : & ); i=$((i + 1)); done
        sleep 1
        z=0
        for s in /proc/[0-9]*/stat; do
            read -r pid comm state rest < "$s" 2> /dev/null || continue
            [ "$state" = Z ] && z=$((z + 1))
        done
        echo "zombies=$z"'
    [ "$status" -eq 0 ]
    [ "$output" = zombies=0 ]
    assert_nothing_left
}

@test "50 redwraps of the same node at once all succeed and leave nothing" {
    local i pids=()
    for i in $(seq 50); do
        "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
            'echo "$$ $(hostname)" > /tmp/x; sleep 0.5; cat /tmp/x' "redpak-fault-$$" \
            > "$SCRATCH/out.$i" 2>&1 &
        pids+=($!)
    done
    local failed=0
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { failed=$((failed + 1)); cat "$SCRATCH/out.$((i + 1))"; }
    done
    [ "$failed" -eq 0 ]
    # Each saw its own /tmp, written by its own workload: pid 2, after init.
    for i in $(seq 50); do
        [ "$(cat "$SCRATCH/out.$i")" = "2 $(hostname)" ]
    done
    assert_nothing_left
}
