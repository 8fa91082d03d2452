#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Class 2 of issue 2/9: a node's read-only mounts stay read-only. A workload
# that keeps every capability and has no seccomp filter (minimal.yaml: no
# capabilities, no seccomp section) tries, with lock_probe.c, to unmount
# the read-only /proc/sys bind or the read-only /usr bind, to remount them
# read-write (mount -o remount,rw; remount,bind,rw; mount_setattr), to mount
# a fresh proc in a mount and pid namespace of its own, and then to write
# kernel.core_pattern (the value it has: the host is never changed).
#
# The layer that stops every attempt is the kernel's mount locking, from the
# nested user and mount namespace the first process enters at the end of
# step 7 (libredpak/apply/mount_lock.c): every mount of the node is
# MNT_LOCKED, so umount2 answers EINVAL; its read-only flag is
# MNT_LOCK_READONLY, so every way of clearing it answers EPERM; and
# mount_too_revealing() refuses (EPERM) a fresh proc while the visible one
# has locked mounts over /proc/sys and the other non-empty knobs. The
# write of core_pattern then meets the read-only bind (EROFS).

load ../integration/helpers

setup() {
    : "${LOCK_PROBE:?set by ctest: the locked-mounts probe}"
    common_setup
    mkdir -p "$SCRATCH/tools"
    cp "$LOCK_PROBE" "$SCRATCH/tools/lock_probe"
    chmod -R a+rX "$SCRATCH"
    CORE_PATTERN=$(cat /proc/sys/kernel/core_pattern)
}

teardown() {
    # The probe writes the value back as it was; check that it stayed so.
    [ "$(cat /proc/sys/kernel/core_pattern)" = "$CORE_PATTERN" ]
    common_teardown
}

AS_USER="setpriv --reuid=$ROOTLESS_UID --regid=$ROOTLESS_GID --clear-groups --inh-caps=-all --"

# schemas/examples/minimal.yaml with the probe bound at /tools; $1: a line
# to add at the top level.
write_minimal_node() {
    {
        sed "s|^  - {type: dev, path: /dev}$|&\n  - {type: bind, path: /tools, source: $SCRATCH/tools}|" \
            "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml"
        printf '%s\n' "${1:-}"
    } > "$SCRATCH/node.yaml"
    grep -q '/tools' "$SCRATCH/node.yaml"
    chmod 0644 "$SCRATCH/node.yaml"
}

# Runs the probe against $2 ($1: a prefix command, $AS_USER or ""); every
# attempt must be refused.
assert_stays_read_only() {
    run $1 "$REDWRAP" --node "$SCRATCH/node.yaml" -- /tools/lock_probe "$2"
    echo "$output"
    [ "$status" -eq 0 ]
    ! grep -q WORKED <<< "$output"
    grep -q "^umount2 $2 refused EINVAL" <<< "$output"
    grep -q "^remount-rw $2 refused EPERM" <<< "$output"
    grep -q "^remount-bind-rw $2 refused EPERM" <<< "$output"
    grep -q "^mount_setattr-clear-rdonly $2 refused EPERM" <<< "$output"
}

assert_proc_sys_stays() {
    assert_stays_read_only "$1" /proc/sys
    grep -q '^fresh-proc-mount refused EPERM' <<< "$output"
    grep -Eq '^write /proc/sys/kernel/core_pattern refused (EROFS|EACCES)' <<< "$output"
}

assert_usr_stays() {
    assert_stays_read_only "$1" /usr
    grep -Eq '^create a file in it refused (EROFS|EACCES)' <<< "$output"
}

@test "identity map, every capability: /proc/sys stays read-only, no fresh proc (root)" {
    write_minimal_node "user_namespace: identity"
    assert_proc_sys_stays ""
}

@test "identity map, every capability: the /usr bind stays read-only (root)" {
    write_minimal_node "user_namespace: identity"
    assert_usr_stays ""
}

@test "private id range, every capability: /proc/sys stays read-only, no fresh proc (root)" {
    write_minimal_node
    assert_proc_sys_stays ""
}

@test "private id range, every capability: the /usr bind stays read-only (root)" {
    write_minimal_node
    assert_usr_stays ""
}

# The read-only /usr bind of a private-range node is an idmapped mount:
# host root's files are uid 0's inside, and so would be what uid 0 writes
# there. Without the lock, remounting it read-write (no umount first) let
# the node create a file in the host's /usr owned by host root (seen on
# the code before apply/mount_lock.c: "remounted", "wrote", and
# /usr/redpak-usr-probe root:root on the host).
@test "private id range, every capability: remounting the idmapped /usr read-write does not reach the host's /usr (root)" {
    write_minimal_node
    local probe=/usr/redpak-lock-probe-$$
    rm -f "$probe"
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        "mount -o remount,bind,rw /usr && echo remounted; touch $probe && echo wrote"
    echo "$output"
    local left=no
    [ ! -e "$probe" ] || { left=yes; rm -f "$probe"; }
    [ "$left" = no ]
    [[ "$output" != *remounted* ]]
    [[ "$output" != *wrote* ]]
}

@test "rootless, every capability: /proc/sys stays read-only, no fresh proc" {
    write_minimal_node
    assert_proc_sys_stays "$AS_USER"
}

@test "rootless, every capability: the /usr bind stays read-only" {
    write_minimal_node
    assert_usr_stays "$AS_USER"
}

# What the nesting must not change: capabilities still act on the node's
# own network and UTS namespaces (made again in the nested one), the
# workload is still pid 2 next to init alone (the helper reaped, its pid
# given back), and the node's ids are the same.
@test "kept capabilities still act in the node's own network and UTS namespaces (root)" {
    write_minimal_node "capabilities: {keep: [net_bind_service, sys_admin]}"
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 80)); print(\"bound\")"
         hostname renamed && hostname'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = bound ]
    [ "${lines[1]}" = renamed ]
}

@test "rootless: kept capabilities still act in the node's own network namespace" {
    write_minimal_node "capabilities: {keep: [net_bind_service]}"
    run $AS_USER "$REDWRAP" --node "$SCRATCH/node.yaml" -- /usr/bin/python3 -c \
        'import socket; s = socket.socket(); s.bind(("127.0.0.1", 80)); print("bound")'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = bound ]
}

@test "the workload is pid 2 beside init alone, with the node's ids (root)" {
    write_minimal_node
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'echo $$; ls /proc | grep -c "^[0-9]"; id -u; cat /proc/self/uid_map'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 2 ]
    # init, the shell, ls and grep
    [ "${lines[1]}" = 4 ]
    [ "${lines[2]}" = 0 ]
    read -r inside outside count <<< "${lines[3]}"
    # The host's view: a private range (apply/mount_lock.c).
    [ "$inside" = 0 ] && [ "$outside" -ge 524288 ] && [ "$count" = 65536 ]
}
