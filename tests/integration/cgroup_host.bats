#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroup v2 on THIS kind of host: a hybrid setup whose cgroup2 hierarchy
# (/sys/fs/cgroup/unified) has none of the controllers redpak writes (only
# hugetlb here); the v1 hierarchies have them.
# A required limit must fail before anything of the node is built; an
# optional one warns and runs; every node still gets a cgroup of its own
# where one can be made, so teardown finds every process.
# (Limits that are applied are proven on a real cgroup v2 kernel: tests/vm.)

load helpers
bats_require_minimum_version 1.5.0

UNIFIED=/sys/fs/cgroup/unified
# The nodes' name, this run's own: other runs on the host (other build
# trees) make and remove cgroups under the same parent meanwhile.
NAME=cg$$

setup() {
    common_setup
    [ -d "$UNIFIED" ] && ! grep -qwE 'cpuset|cpu|io|memory|pids' "$UNIFIED/cgroup.controllers" ||
        skip "not a hybrid host whose cgroup2 hierarchy at $UNIFIED lacks the controllers"
    mkdir -m 0777 "$SCRATCH/out"
}

teardown() {
    # Should a run have changed it after all, the host gets its value back.
    [ -z "${RATELIMIT:-}" ] || echo "$RATELIMIT" > /proc/sys/kernel/printk_ratelimit
    if [ -n "${PARENT:-}" ]; then
        rmdir "$PARENT"/redpak-* 2>/dev/null || true
        rmdir "$PARENT"
    fi
    common_teardown
}

node() {
    write_host_usr_node "$SCRATCH/node.yaml" "$NAME" <<YAML
$(cat)
$(host_usr_mounts)
  - {type: bind, path: /out, source: $SCRATCH/out, readonly: false}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
YAML
}

# The cgroup tree, less the cgroups of other nodes that other tests may be
# starting or ending meanwhile.
cgroup_tree() {
    find "$UNIFIED" -type d | grep -v -e '/redpak-[^/]*$' -e '/redpak-[^/]*/' | sort
    node_cgroups
}

node_cgroups() {
    find "$UNIFIED" -maxdepth 1 -type d -name "redpak-$NAME-*"
}

@test "a required memory limit fails with 125 before anything is built" {
    node <<'YAML'
cgroup:
  items: {memory.max: 256M}
YAML
    host_mounts_but_others > "$SCRATCH/mounts.before"
    cgroup_tree > "$SCRATCH/cgroups.before"
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/touch /out/ran
    [ "$status" -eq 125 ]
    [ "$stderr" = "redwrap: cgroup: memory.max needs the memory controller, but the cgroup v2 hierarchy at $UNIFIED offers none (this host runs cgroup v1 controllers, a hybrid setup); set cgroup.required: false to run without limits" ]
    [ ! -e "$SCRATCH/out/ran" ]
    host_mounts_but_others | diff "$SCRATCH/mounts.before" -
    cgroup_tree | diff "$SCRATCH/cgroups.before" -
}

@test "a required memory limit fails before a host.sysctl of the same node is written" {
    SWAPPINESS=$(cat /proc/sys/vm/swappiness)
    node <<YAML
host:
  sysctl: {vm.swappiness: $(((SWAPPINESS + 1) % 101))}
cgroup:
  items: {memory.max: 256M}
YAML
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/touch /out/ran
    [ "$status" -eq 125 ]
    [[ "$stderr" == "redwrap: cgroup: memory.max needs the memory controller"* ]]
    [[ "$stderr" != *"host sysctl"* ]]
    [ "$(cat /proc/sys/vm/swappiness)" = "$SWAPPINESS" ]
    [ ! -e "$SCRATCH/out/ran" ]
}

@test "required is the default and names the first item whose controller is missing" {
    node <<'YAML'
cgroup:
  required: true
  items: {pids.max: 64, cpu.weight: 50}
YAML
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ "$stderr" == "redwrap: cgroup: cpu.weight needs the cpu controller, but the cgroup v2 hierarchy at $UNIFIED offers none"* ]]
}

@test "an optional limit warns once per item and the node runs" {
    node <<'YAML'
cgroup:
  required: false
  items: {memory.max: 256M, pids.max: 64}
YAML
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/touch /out/ran
    [ "$status" -eq 0 ]
    [ -e "$SCRATCH/out/ran" ]
    [ "$(grep -c 'warning: cgroup: memory.max not applied: it needs the memory controller, but the cgroup v2 hierarchy at /sys/fs/cgroup/unified offers none (this host runs cgroup v1 controllers, a hybrid setup)' <<<"$stderr")" -eq 1 ]
    [ "$(grep -c 'warning: cgroup: pids.max not applied: it needs the pids controller' <<<"$stderr")" -eq 1 ]
    [ "$(wc -l <<<"$stderr")" -eq 2 ]
    [ -z "$(node_cgroups)" ]
}

@test "--set cgroup.required=false turns the failure into warnings" {
    node <<'YAML'
cgroup:
  items: {memory.max: 256M}
YAML
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" --set cgroup.required=false -- /bin/true
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"warning: cgroup: memory.max not applied"* ]]
}

@test "without a cgroup section the node still gets a cgroup of its own, seen as /" {
    node </dev/null
    run --separate-stderr "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/cat /proc/self/cgroup
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"redwrap: cgroup: created $UNIFIED/redpak-$NAME-"* ]]
    [[ "$stderr" == *"redwrap: cgroup: killed what was left and removed $UNIFIED/redpak-$NAME-"* ]]
    grep -qx '0::/' <<<"$output"
    [ -z "$(node_cgroups)" ]
}

@test "teardown ends a daemon that left the workload, through the cgroup alone" {
    # pid: host, so no pid namespace ends the daemon; wait: main, so the
    # node ends with its main process. A new user namespace (uid 0 inside
    # is not host root, or pid: host is refused) cannot mount a proc of the
    # host's pid namespace: no proc.
    write_host_usr_node "$SCRATCH/node.yaml" cg <<YAML
namespaces: {pid: host}
process: {wait: main}
$(host_usr_mounts)
  - {type: bind, path: /out, source: $SCRATCH/out, readonly: false}
  - {type: dev, path: /dev}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'setsid /bin/sleep 7771 </dev/null >/dev/null 2>&1 & echo $! > /out/daemon'
    [ "$status" -eq 0 ]
    [ -s "$SCRATCH/out/daemon" ]
    sleep 0.2
    ! pgrep -f 'sleep 7771'
    [ -z "$(node_cgroups)" ]
}

# The node's cgroup as its own processes see it: "0::/.../redpak-NAME-..."
# (namespaces.cgroup: host shows the path in the hierarchy, not "/").
node_in_own_cgroup() {
    grep -qx "0::.*/redpak-$NAME-[0-9]*-[0-9a-f]*" <<<"$1"
}

@test "clone3 places the first process in its cgroup itself (CLONE_INTO_CGROUP)" {
    node <<<'namespaces: {cgroup: host}'
    run --separate-stderr "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/cat /proc/self/cgroup
    [ "$status" -eq 0 ]
    node_in_own_cgroup "$output"
    [[ "$stderr" != *"moved the first process into"* ]]
}

@test "without clone3 (a kernel before 5.3) the first process is moved into its cgroup before it runs" {
    node <<<'namespaces: {cgroup: host}'
    run --separate-stderr "$PROBES/nosys" clone3 -- "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- \
        /bin/cat /proc/self/cgroup
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"cgroup: moved the first process into $UNIFIED/redpak-$NAME-"*"/cgroup.procs (clone3 could not place it there)"* ]]
    node_in_own_cgroup "$output"
    [ -z "$(node_cgroups)" ]
}

@test "without statmount (a kernel before 6.8) the cgroup2 mount is found in mountinfo" {
    require_host cmd strace
    node <<<'namespaces: {cgroup: host}'
    run --separate-stderr strace -f -e trace=openat -o "$SCRATCH/trace" \
        "$PROBES/nosys" statx,statmount -- "$REDWRAP" --node "$SCRATCH/node.yaml" -- \
        /bin/cat /proc/self/cgroup
    [ "$status" -eq 0 ]
    node_in_own_cgroup "$output"
    grep -q '"/proc/self/mountinfo"' "$SCRATCH/trace"
    [ -z "$(node_cgroups)" ]
    # With statmount, the usual places are asked directly: no mountinfo.
    kernel_at_least 6 8 || return 0
    run --separate-stderr strace -f -e trace=openat -o "$SCRATCH/trace" \
        "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/cat /proc/self/cgroup
    [ "$status" -eq 0 ]
    node_in_own_cgroup "$output"
    ! grep -q '"/proc/self/mountinfo"' "$SCRATCH/trace"
}

@test "without clone3, a node that joins a namespace by path lands in its cgroup too" {
    # The helper that joins clones the first process; redwrap moves it.
    node <<<"namespaces: {cgroup: host, uts: /proc/$$/ns/uts}"
    run --separate-stderr "$PROBES/nosys" clone3 -- "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- \
        /bin/cat /proc/self/cgroup
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"cgroup: moved the first process into $UNIFIED/redpak-$NAME-"* ]]
    node_in_own_cgroup "$output"
}

# Every redwrap sweeps its parent for stale cgroups: these cases use a
# parent of their own, out of reach of other runs on this host.
private_parent() {
    PARENT="$UNIFIED/redpak.test.$$.$BATS_TEST_NUMBER"
    mkdir "$PARENT"
    node <<YAML
cgroup: {parent: $PARENT, required: false}
YAML
}

@test "a cgroup left by a killed redwrap is removed by the next run" {
    private_parent
    # 4194304 is PID_MAX_LIMIT: no kernel hands out that pid (a systemd
    # host raises pid_max to it, so smaller ones may be alive).
    stale="$PARENT/redpak-cg-4194304-0badf00d"
    mkdir "$stale"
    run --separate-stderr "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"cgroup: removed $stale, left by redwrap 4194304 which is gone"* ]]
    [ ! -d "$stale" ]
}

@test "a cgroup whose redwrap ran in another pid namespace is left alone" {
    require_host cmd python3
    private_parent
    # Its pid is free here, but it was taken in another namespace.
    foreign="$PARENT/redpak-cg-4194305-0badf00d"
    mkdir "$foreign"
    python3 -c "import os, sys; os.setxattr(sys.argv[1], 'user.redpak.pidns', b'1:1')" "$foreign"
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 0 ]
    [ -d "$foreign" ]
}

@test "the node's cgroup records redwrap's pid namespace" {
    require_host cmd python3
    node </dev/null
    # The node runs until the test has read its cgroup (python3 may take
    # seconds to start: a pyenv shim does).
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'touch /out/up; while [ ! -e /out/done ]; do sleep 0.1; done' &
    for _ in $(seq 50); do [ -e "$SCRATCH/out/up" ] && break; sleep 0.1; done
    cg=$(node_cgroups)
    owner=$(python3 -c "import os, sys; print(os.getxattr(sys.argv[1], 'user.redpak.pidns').decode())" "$cg")
    touch "$SCRATCH/out/done"
    wait
    [ "$owner" = "$(stat -L -c '%d:%i' /proc/self/ns/pid)" ]
}

@test "a cgroup.parent under /sys/fs/cgroup goes under the hybrid host's cgroup2 mount" {
    # Node files are written for pure v2 hosts, where /sys/fs/cgroup is
    # the hierarchy; here it is the v1 tmpfs.
    PARENT="$UNIFIED/redpak.parent.$$"
    node <<YAML
cgroup: {parent: /sys/fs/cgroup/redpak.parent.$$, required: false}
YAML
    run --separate-stderr "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"cgroup: created $PARENT/redpak-$NAME-"* ]]
    [ ! -e "/sys/fs/cgroup/redpak.parent.$$" ]
}

@test "two nodes of one name get cgroups of their own at the same time" {
    node </dev/null
    # Both run until the test has counted.
    local wait_done='while [ ! -e /out/done ]; do sleep 0.1; done'
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c "touch /out/a; $wait_done" &
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c "touch /out/b; $wait_done" &
    for _ in $(seq 50); do
        [ -e "$SCRATCH/out/a" ] && [ -e "$SCRATCH/out/b" ] && break
        sleep 0.1
    done
    n=$(node_cgroups | wc -l)
    touch "$SCRATCH/out/done"
    wait
    [ "$n" -eq 2 ]
    [ -z "$(node_cgroups)" ]
}

@test "rootless without delegation runs without a cgroup and -v says the pid namespace ends it" {
    node </dev/null
    run --separate-stderr as_user "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"cgroup: no cgroup of its own for the node (mkdir $UNIFIED/redpak-$NAME-"*": Permission denied); its pid namespace ends its processes"* ]]
}

@test "rootless with a required limit fails naming the item" {
    node <<'YAML'
cgroup:
  items: {pids.max: 16}
YAML
    run --separate-stderr as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ "$stderr" == "redwrap: cgroup: pids.max needs the pids controller"* ]]
}
