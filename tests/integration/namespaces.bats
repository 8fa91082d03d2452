#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Each namespace isolates, seen from both sides: what the node sees inside,
# and that the host outside did not change. Every case runs as root and
# rootless (an unprivileged uid, through as_user).

load helpers

setup() {
    common_setup
}

teardown() {
    [ -n "${NETNS:-}" ] && ip netns del "$NETNS" 2>/dev/null
    [ -n "${HOLDER:-}" ] && kill "$HOLDER" 2>/dev/null
    common_teardown
}

# The host's /usr and the probes, with proc and dev: enough for ip, ipcs,
# hostname and the static probes. Extra YAML from stdin.
node() {
    write_host_usr_node "$SCRATCH/node.yaml" ns <<YAML
$(cat)
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /sbin, target: usr/sbin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: bind, path: /probes, source: $PROBES}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
YAML
}

# Runs redwrap on the node as root ("") or rootless ("as_user").
wrap() {
    local who=$1
    shift
    $who "$REDWRAP" --node "$SCRATCH/node.yaml" -- "$@"
}

hostname_stays_inside() {
    node <<<'hostname: inside-node'
    local before
    before=$(hostname)
    run wrap "$1" /bin/sh -c 'hostname; hostname changed-again; hostname'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = inside-node ]
    [ "${lines[1]}" = changed-again ]
    [ "$(hostname)" = "$before" ]
}
@test "uts: the hostname is the node's inside and unchanged outside (root)" { hostname_stays_inside ""; }
@test "uts: the hostname is the node's inside and unchanged outside (rootless)" { hostname_stays_inside as_user; }

first_process_is_pid_1() {
    node <<<'process: {init: false}'
    run wrap "$1" /bin/sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1 ]
    # sh, ls and grep: no host process is visible.
    [ "${lines[1]}" -le 3 ]
}
@test "pid: the first process is pid 1 and host processes are invisible (root)" { first_process_is_pid_1 ""; }
@test "pid: the first process is pid 1 and host processes are invisible (rootless)" { first_process_is_pid_1 as_user; }

init_is_pid_1() {
    node </dev/null
    run wrap "$1" /bin/sh -c 'echo $$; [ -d /proc/$PPID ] && echo $PPID'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 2 ]
    [ "${lines[1]}" = 1 ]
}
@test "pid: with init the workload is pid 2, child of the node's init (root)" { init_is_pid_1 ""; }
@test "pid: with init the workload is pid 2, child of the node's init (rootless)" { init_is_pid_1 as_user; }

ipc_object_stays_inside() {
    node </dev/null
    run wrap "$1" /bin/sh -c 'ipcmk -M 4096 >/dev/null && ipcmk -Q >/dev/null &&
        ipcs -m | grep "^0x" | cut -d" " -f1; ipcs -q | grep "^0x" | cut -d" " -f1'
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 2 ]
    local shm=${lines[0]} msq=${lines[1]}
    [[ $shm == 0x* && $msq == 0x* ]]
    # Inside the objects existed; outside they never did.
    ! ipcs -m | grep -q "^$shm "
    ! ipcs -q | grep -q "^$msq "
}
@test "ipc: a shared memory segment and a message queue made inside are invisible outside (root)" { ipc_object_stays_inside ""; }
@test "ipc: a shared memory segment and a message queue made inside are invisible outside (rootless)" { ipc_object_stays_inside as_user; }

only_loopback_up() {
    require_host cmd ip
    node </dev/null
    run wrap "$1" /usr/sbin/ip -o link show
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ ${lines[0]} == "1: lo: <LOOPBACK,UP,LOWER_UP>"* ]]
}
@test "net: a new network namespace has only lo, and it is up (root)" { only_loopback_up ""; }
@test "net: a new network namespace has only lo, and it is up (rootless)" { only_loopback_up as_user; }

time_offsets_show_inside() {
    node <<<'time_offsets: {monotonic: 864000, boottime: 1728000}'
    # The host's clocks before and after the run bracket the node's reading:
    # ten and twenty days ahead of the host, less a second of rounding, and
    # never ahead of the host's clocks after the run by more than that.
    local mono0 boot0 mono1 boot1
    read -r mono0 boot0 < <("$PROBES/monotonic" | paste -s -d ' ')
    run wrap "$1" /probes/monotonic
    read -r mono1 boot1 < <("$PROBES/monotonic" | paste -s -d ' ')
    [ "$status" -eq 0 ]
    [ $(( lines[0] - mono0 )) -ge $(( 864000 - 1 )) ]
    [ $(( lines[0] - mono1 )) -le $(( 864000 + 1 )) ]
    [ $(( lines[1] - boot0 )) -ge $(( 1728000 - 1 )) ]
    [ $(( lines[1] - boot1 )) -le $(( 1728000 + 1 )) ]
    # /proc/uptime is boottime: the workload's own proc shows it too.
    run wrap "$1" /bin/cat /proc/uptime
    [ "${output%%.*}" -ge 1728000 ]
}
@test "time: monotonic and boottime offsets are visible inside (root)" { time_offsets_show_inside ""; }
@test "time: monotonic and boottime offsets are visible inside (rootless)" { time_offsets_show_inside as_user; }

time_offsets_without_init() {
    node <<<'time_offsets: {monotonic: 0, boottime: 1728000}
process: {init: false}'
    run wrap "$1" /bin/cat /proc/uptime
    [ "$status" -eq 0 ]
    [ "${output%%.*}" -ge 1728000 ]
    # The host's clock is untouched.
    [ "$(cut -d. -f1 /proc/uptime)" -lt 1728000 ]
}
@test "time: the workload enters the time namespace by execve when it is pid 1 (root)" { time_offsets_without_init ""; }
@test "time: the workload enters the time namespace by execve when it is pid 1 (rootless)" { time_offsets_without_init as_user; }

namespaced_sysctls_stay_inside() {
    node <<<'sysctl: {net.ipv4.ip_unprivileged_port_start: 81, kernel.shmmni: 1234}'
    local port shmmni
    port=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
    shmmni=$(cat /proc/sys/kernel/shmmni)
    run wrap "$1" /bin/cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 81 ]
    [ "${lines[1]}" = 1234 ]
    [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = "$port" ]
    [ "$(cat /proc/sys/kernel/shmmni)" = "$shmmni" ]
}
@test "sysctl: net and ipc sysctls are the node's own, the host's unchanged (root)" { namespaced_sysctls_stay_inside ""; }
@test "sysctl: net and ipc sysctls are the node's own, the host's unchanged (rootless)" { namespaced_sysctls_stay_inside as_user; }

cgroup_root_is_the_node() {
    node </dev/null
    run wrap "$1" /bin/cat /proc/self/cgroup
    [ "$status" -eq 0 ]
    [[ $output == *$'\n'"0::/" || $output == "0::/" ]]
}
@test "cgroup: the node's cgroup namespace root is 0::/ (root)" { cgroup_root_is_the_node ""; }
@test "cgroup: the node's cgroup namespace root is 0::/ (rootless)" { cgroup_root_is_the_node as_user; }

@test "net: a namespace given by path (ip netns add) is joined" {
    require_host cmd ip
    NETNS=redpak-test-$$
    ip netns add "$NETNS"
    # A mark only this namespace carries: its loopback's MTU.
    ip -n "$NETNS" link set lo mtu 1234
    node <<<"namespaces: {net: /run/netns/$NETNS}"
    run wrap "" /usr/sbin/ip -o link show
    [ "$status" -eq 0 ]
    [[ $output == *"lo: <LOOPBACK> mtu 1234 "* ]]
    run wrap "" /bin/readlink /proc/self/ns/net
    [ "$output" = "$(ip netns exec "$NETNS" readlink /proc/self/ns/net)" ]
}

user_ns_joined_first() {
    # A process that holds a user namespace (root mapped to the caller) and
    # a network namespace it owns.
    # as_user is a function, so $! would be a subshell: find the holder by
    # its command line once unshare has exec'd it.
    $1 unshare --user --map-root-user --net sleep "61$$" &
    for _ in $(seq 100); do
        HOLDER=$(pgrep -f "^sleep 61$$\$" || true)
        [ -n "$HOLDER" ] && break
        sleep 0.05
    done
    [ -n "$HOLDER" ]
    node <<<"namespaces: {user: /proc/$HOLDER/ns/user, net: /proc/$HOLDER/ns/net}
hostname: joined"
    run wrap "$1" /bin/sh -c 'readlink /proc/self/ns/user /proc/self/ns/net; hostname'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$(readlink /proc/$HOLDER/ns/user)" ]
    [ "${lines[1]}" = "$(readlink /proc/$HOLDER/ns/net)" ]
    # The new uts namespace belongs to the joined user namespace, where the
    # node is root: it may set its hostname.
    [ "${lines[2]}" = joined ]
}
@test "user: a user namespace given by path is joined first and owns the new ones (root)" { user_ns_joined_first ""; }
@test "user: a user namespace given by path is joined first and owns the new ones (rootless)" { user_ns_joined_first as_user; }

@test "net: joining a namespace path that does not exist fails with 125 and names it" {
    node <<<'namespaces: {net: /run/netns/redpak-no-such-netns}'
    run wrap "" /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"/run/netns/redpak-no-such-netns"* ]]
}

@test "uts: host namespaces stay shared when asked (namespaces.uts: host)" {
    node <<<'namespaces: {uts: host}'
    run wrap "" /bin/hostname
    [ "$status" -eq 0 ]
    [ "$output" = "$(hostname)" ]
}

@test "mount: nothing of the node is left in the host's mount table afterwards (root, rootless)" {
    node </dev/null
    local before after
    before=$(host_mounts_but_others)
    run wrap "" /bin/true
    [ "$status" -eq 0 ]
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 0 ]
    after=$(host_mounts_but_others)
    [ "$before" = "$after" ]
}
