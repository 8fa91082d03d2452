#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The rootless seed case: an unprivileged user runs a shell in a busybox
# root. Inside it is root (euid 0) and pid 1 in its own namespaces; outside
# it is still the user who ran it, and what it changes stays inside.

load helpers

setup() {
    common_setup
    make_busybox_root "$SCRATCH/root"
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: seed
hostname: seed
root:
  source: $SCRATCH/root
mounts:
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
tmpfs:
  - {path: /tmp, size: 8M}
process:
  init: false
  env:
    set: {PATH: /bin}
YAML
    chmod 0644 "$SCRATCH/node.yaml"
}

teardown() {
    common_teardown
}

@test "rootless seed: inside euid 0 and pid 1, in the busybox root" {
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'id -u; echo $$; readlink /bin/sh; hostname'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = 1 ]
    [ "${lines[2]}" = busybox ]
    [ "${lines[3]}" = seed ]
}

@test "rootless seed: outside the shell runs as the unprivileged user" {
    "${AS_USER[@]}" "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c "exec sleep 1000$$" &
    local pid=$! node_pid=
    for _ in $(seq 100); do
        node_pid=$(pgrep -f "^sleep 1000$$\$" || true)
        [ -n "$node_pid" ] && break
        sleep 0.05
    done
    local uid status_uid
    uid=$(stat -c %u "/proc/$node_pid" 2>/dev/null || echo none)
    status_uid=$(awk '/^Uid:/ {print $3}' "/proc/$node_pid/status" 2>/dev/null || echo none)
    # sleep is pid 1 inside (init: false): only SIGKILL reaches it from
    # outside, as PID 1 has no default actions. redwrap then reports 137.
    kill -KILL "$node_pid"
    local status=0
    wait "$pid" || status=$?
    # The host sees the user's uid, not root.
    [ "$uid" = "$ROOTLESS_UID" ]
    [ "$status_uid" = "$ROOTLESS_UID" ]
    [ "$status" -eq 137 ]
}

@test "rootless seed: a hostname change stays inside" {
    local before
    before=$(hostname)
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'hostname changed-inside && hostname'
    [ "$status" -eq 0 ]
    [ "$output" = changed-inside ]
    [ "$(hostname)" = "$before" ]
}

@test "rootless seed: the uid map has the caller as root and nothing else" {
    # Inside and from the host, the same: the caller's ids (the node's user
    # namespace is a child of one that maps them onto themselves,
    # apply/mount_lock.c).
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/cat /proc/self/uid_map /proc/self/gid_map
    [ "$status" -eq 0 ]
    [ "$(echo "${lines[0]}" | tr -s ' ')" = " 0 $ROOTLESS_UID 1" ]
    [ "$(echo "${lines[1]}" | tr -s ' ')" = " 0 $ROOTLESS_GID 1" ]
    "${AS_USER[@]}" "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c "exec sleep 1001$$" &
    local pid=$! node_pid= maps=
    for _ in $(seq 100); do
        node_pid=$(pgrep -f "^sleep 1001$$\$" || true)
        [ -n "$node_pid" ] && break
        sleep 0.05
    done
    maps=$(cat "/proc/$node_pid/uid_map" "/proc/$node_pid/gid_map" | tr -s ' ')
    kill -KILL "$node_pid"
    wait "$pid" || true
    [ "$maps" = " 0 $ROOTLESS_UID 1
 0 $ROOTLESS_GID 1" ]
}

@test "rootless seed: root inside cannot write the host's files it was given" {
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'echo x > /etc/passwd'
    [ "$status" -ne 0 ]
    [ "$(head -c 5 "$SCRATCH/root/etc/passwd")" = "root:" ]
}

@test "rootless: host.sysctl is refused when planned, at its value, with 125" {
    cat >> "$SCRATCH/node.yaml" <<'YAML'
host:
  sysctl: {vm.overcommit_memory: 1}
YAML
    local line
    line=$(grep -c '' "$SCRATCH/node.yaml")
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"$SCRATCH/node.yaml:$line:34: host.sysctl.vm.overcommit_memory: changes the whole host and needs redwrap run as root (the caller is uid $ROOTLESS_UID)"* ]]
    [[ $output != *"host sysctl"* ]]
}

@test "rootless: minimal.yaml, the documented first command, works" {
    run as_user "$REDWRAP" --node "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" -- \
        /bin/sh -c 'echo $$; hostname'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 2 ]
    [ "${lines[1]}" = minimal ]
}

@test "root: minimal.yaml, the documented first command, works" {
    run "$REDWRAP" --node "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" -- \
        /bin/sh -c 'echo $$; hostname'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 2 ]
    [ "${lines[1]}" = minimal ]
}

@test "disabled user namespaces are named, with the sysctl that allows them, and 125" {
    # user.max_user_namespaces is counted per user namespace: set to 0 in a
    # namespace of our own, it disables new ones there without touching the host.
    run unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces &&
        exec "$0" --node "$1" -- /bin/true' \
        "$REDWRAP" "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml"
    echo "$output"
    [ "$status" -eq 125 ]
    [[ "$output" == *"user namespaces are disabled: user.max_user_namespaces is 0"* ]]
    [[ "$output" == *"sysctl -w user.max_user_namespaces="* ]]
}
