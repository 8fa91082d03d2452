#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Classes 7 and 9 of issue 2/9, and the base of the others: a root-started
# node's ids. By default uid 0 inside is a host id of a private range
# (>= 524288, apply/idpool.c), binds are idmapped mounts (apply/idmap.c) so
# host files keep the owners the node file names, the old 1:1 map is only
# there by asking (user_namespace: identity, warned at every start), pid:
# host is refused while uid 0 inside is host uid 0 (plan error), and a
# root-started node with maps of its own starts (it used to fail with
# "staging tmpfs: Value too large for defined data type").

bats_require_minimum_version 1.5.0

load ../integration/helpers

setup() {
    common_setup
    # A host process of root for the node to try to signal.
    sleep 600 &
    HOST_PID=$!
}

teardown() {
    kill "$HOST_PID" 2> /dev/null || true
    [ -n "${NODE_PID:-}" ] && kill -9 "$NODE_PID" 2> /dev/null || true
    [ -n "${SUBUID_LINE:-}" ] && sed -i "/^$SUBUID_LINE\$/d" /etc/subuid
    common_teardown
}

minimal() {
    "$REDWRAP" --node "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" "$@"
}

# A node that runs as UID:GID with /data bound writable from SOURCE, made
# (create: true) with that owner.
owned_data_node() {
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: bind, path: /data, source: $1, readonly: false, create: true, owner: "$2:$3"}
  - {type: proc, path: /proc}
process: {user: $2, group: $3}
YAML
}

# Runs SCRIPT ($2) in the node NODE ($1), prints what it printed, then the
# lines of uid 0 in the node's uid_map and gid_map as the host sees them
# (/proc/PID/uid_map of the node's first process, read from the host).
# redwrap's stderr goes to stderr.
with_host_map() {
    local out=$SCRATCH/with_host_map.out pid child=
    "$REDWRAP" --node "$1" -- /bin/sh -c "$2; echo __done__; exec sleep 600" \
        > "$out" 2> "$SCRATCH/with_host_map.err" &
    pid=$!
    for _ in $(seq 200); do
        grep -q __done__ "$out" && break
        sleep 0.05
    done
    child=$(pgrep -P "$pid" | head -1)
    sed '/^__done__$/,$d' "$out"
    awk '$1 == 0' "/proc/$child/uid_map" "/proc/$child/gid_map"
    kill "$pid"
    wait "$pid" 2> /dev/null || true
    cat "$SCRATCH/with_host_map.err" >&2
}

# The host id that uid 0 inside a run of minimal.yaml is.
uid0_of_minimal() {
    with_host_map "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" true 2> /dev/null |
        awk 'NR == 1 && $1 == 0 { print $2 }'
}

@test "root-started minimal.yaml: uid 0 inside is a host id >= 524288 of a private range (uid_map)" {
    run --separate-stderr with_host_map "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" 'id -u'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    read -r inside outside count <<< "${lines[1]}"
    [ "$inside" = 0 ] && [ "$count" = 65536 ]
    [ "$outside" -ge 524288 ]
    read -r inside goutside count <<< "${lines[2]}"
    [ "$goutside" -ge 524288 ]
}

@test "root-started minimal.yaml: inside, /proc/self/uid_map and gid_map show the same host ids" {
    run --separate-stderr with_host_map "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" \
        'cat /proc/self/uid_map /proc/self/gid_map'
    [ "$status" -eq 0 ]
    [ "$(echo "${lines[0]}" | tr -s ' ')" = "$(echo "${lines[2]}" | tr -s ' ')" ]
    [ "$(echo "${lines[1]}" | tr -s ' ')" = "$(echo "${lines[3]}" | tr -s ' ')" ]
    read -r inside outside count <<< "${lines[0]}"
    [ "$inside" = 0 ] && [ "$outside" -ge 524288 ] && [ "$count" = 65536 ]
}

@test "root-started: the read-only /usr bind still shows root-owned files (idmapped), not nobody" {
    run --separate-stderr minimal -- /bin/sh -c 'stat -c %u:%g /usr /usr/bin/env'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0:0 ]
    [ "${lines[1]}" = 0:0 ]
}

@test "root-started: what the node writes in a writable bind gets the host owner the node file names" {
    owned_data_node "$SCRATCH/data" 4321 4322
    run --separate-stderr with_host_map "$SCRATCH/node.yaml" \
        'stat -c %u:%g /data; echo x > /data/file; mkdir /data/dir'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 4321:4322 ]
    read -r _ base _ <<< "${lines[1]}"
    [ "$base" -ge 524288 ]
    [ "$(stat -c %u:%g "$SCRATCH/data" "$SCRATCH/data/file" "$SCRATCH/data/dir" | sort -u)" = 4321:4322 ]
}

@test "root-started: a file owned by host root in a writable bind stays root's, and uid 0 inside cannot write where host root's modes say no" {
    mkdir -p "$SCRATCH/data"
    echo secret > "$SCRATCH/data/root-only"
    chmod 0600 "$SCRATCH/data/root-only"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: bind, path: /data, source: $SCRATCH/data, readonly: false}
YAML
    # Inside, uid 0 is the namespace's root: the idmapped bind shows host
    # root's file as its own. What it writes there is host root's; the
    # process itself has no host privilege (checked by the other tests).
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'stat -c %u /data/root-only; echo new > /data/new'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "$(stat -c %u:%g "$SCRATCH/data/new")" = 0:0 ]
}

@test "two running nodes get different ranges, and a killed redwrap's range is free again (OFD lock)" {
    command -v python3 > /dev/null || skip "python3 is not installed"
    "$REDWRAP" --node "$REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" -- /bin/sleep 600 &
    NODE_PID=$!
    local base= child
    for _ in $(seq 100); do
        child=$(pgrep -P "$NODE_PID" | head -1)
        [ -n "$child" ] && base=$(awk '$1 == 0 { print $2 }' "/proc/$child/uid_map" 2> /dev/null)
        [ -n "$base" ] && [ "$base" != 0 ] && break
        sleep 0.05
    done
    [ "$base" -ge 524288 ]
    # Held: a second node picks another range.
    other=$(uid0_of_minimal)
    [ "$other" -ge 524288 ]
    [ "$other" != "$base" ]
    lock_free() {
        python3 -c '
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))
except OSError:
    sys.exit(1)' "/run/redpak/ids/$1"
    }
    ! lock_free "$base"
    # redwrap killed: the node dies with it (die_with_parent), the kernel
    # drops the lock with redwrap's last descriptor, and the range is free.
    kill -9 "$NODE_PID"
    wait "$NODE_PID" 2> /dev/null || true
    NODE_PID=
    for _ in $(seq 50); do lock_free "$base" && break; sleep 0.1; done
    lock_free "$base"
}

@test "a range that overlaps a host subordinate range (/etc/subuid) is never picked" {
    # The first range, 524288-589823, is named in /etc/subuid for the test.
    SUBUID_LINE="redpak-idmap-test:524288:65536"
    echo "$SUBUID_LINE" >> /etc/subuid
    base=$(uid0_of_minimal)
    [ "$base" -ge 589824 ]
}

@test "class 9: as root, user_namespace mapping 0 to 100000 (node-format.md's example) starts" {
    write_host_usr_node "$SCRATCH/node.yaml" <<'YAML'
user_namespace:
  uid_map: [{inside: 0, outside: 100000, count: 65536}]
  gid_map: [{inside: 0, outside: 100000, count: 65536}]
YAML
    run --separate-stderr with_host_map "$SCRATCH/node.yaml" 'id -u; stat -c %u /usr/bin/env'
    echo "$stderr"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = 0 ]
    read -r inside outside count <<< "${lines[2]}"
    [ "$inside $outside $count" = "0 100000 65536" ]
}

@test "class 7: pid: host with namespaces.user: host as root is a plan error (125) at the value" {
    write_host_usr_node "$SCRATCH/node.yaml" <<'YAML'
namespaces: {pid: host, user: host}
YAML
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/kill -0 "$HOST_PID"
    [ "$status" -eq 125 ]
    [[ "$stderr" == *"node.yaml:3:19: namespaces.pid: pid: host while uid 0 inside is host uid 0"* ]]
}

@test "class 7: pid: host with user_namespace: identity as root is a plan error (125)" {
    write_host_usr_node "$SCRATCH/node.yaml" <<'YAML'
namespaces: {pid: host}
user_namespace: identity
YAML
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/kill -0 "$HOST_PID"
    [ "$status" -eq 125 ]
    [[ "$stderr" == *"namespaces.pid: pid: host while uid 0 inside is host uid 0 (the user namespace maps 0 to 0)"* ]]
}

class7_host_root_process_cannot_be_signalled() {
    # No proc: a proc of the host's pid namespace is refused from a new
    # user namespace.
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
namespaces: {pid: host}
$(host_usr_mounts)
YAML
    local run_as=()
    [ "$1" = rootless ] && run_as=(setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_GID" --clear-groups --inh-caps=-all --)
    run --separate-stderr "${run_as[@]}" "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        "kill -TERM $HOST_PID; echo \$?"
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" != 0 ]
    [[ "$stderr" == *"Operation not permitted"* ]]
    kill -0 "$HOST_PID"
}

@test "class 7: pid: host with the private range: a host root process cannot be signalled (root)" {
    class7_host_root_process_cannot_be_signalled root
}

@test "class 7: pid: host: a host root process cannot be signalled (rootless)" {
    class7_host_root_process_cannot_be_signalled rootless
}

@test "user_namespace: identity keeps the 1:1 map, with a warning at every start" {
    write_host_usr_node "$SCRATCH/node.yaml" <<'YAML'
user_namespace: identity
YAML
    for _ in 1 2; do
        run --separate-stderr with_host_map "$SCRATCH/node.yaml" true
        [ "$status" -eq 0 ]
        read -r inside outside count <<< "${lines[0]}"
        [ "$inside $outside $count" = "0 0 65536" ]
        [[ "$stderr" == *"warning: user_namespace: identity: uid 0 inside the node is the host's root"* ]]
    done
}

@test "a bind on a filesystem without idmapped mounts (ramfs): a warning, and the created folder is chowned into the range" {
    mkdir -p "$SCRATCH/ram"
    mount -t ramfs redpak-idmap-ram "$SCRATCH/ram" || skip "no ramfs"
    owned_data_node "$SCRATCH/ram/data" 1234 1235
    run --separate-stderr with_host_map "$SCRATCH/node.yaml" 'echo x > /data/file'
    local owner
    owner=$(stat -c %u:%g "$SCRATCH/ram/data/file" 2> /dev/null || true)
    umount "$SCRATCH/ram"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"cannot be an idmapped mount"*"chowned into the range instead"* ]]
    read -r _ base _ <<< "${lines[0]}"
    [ "$owner" = "$((base + 1234)):$((base + 1235))" ]
}

@test "a read-only bind without idmapped mounts (ramfs) starts quietly; -v says it is a plain bind" {
    mkdir -p "$SCRATCH/ram"
    mount -t ramfs redpak-idmap-ram "$SCRATCH/ram" || skip "no ramfs"
    echo hello > "$SCRATCH/ram/file"
    chmod 0644 "$SCRATCH/ram/file"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: bind, path: /ro, source: $SCRATCH/ram}
YAML
    run --separate-stderr "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/cat /ro/file
    local quiet_status=$status quiet_out=$output quiet_err=$stderr
    run --separate-stderr "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/true
    umount "$SCRATCH/ram"
    [ "$quiet_status" -eq 0 ]
    [ "$quiet_out" = hello ]
    [ -z "$quiet_err" ]
    [[ "$stderr" == *"$SCRATCH/ram cannot be an idmapped mount"*"a plain read-only bind"* ]]
}
