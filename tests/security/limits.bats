#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Limits a node cannot get around (issue 2/9, classes 4 and 8): a sized
# /dev/shm, a cgroup tree of bounded depth and size that teardown always
# removes, no writable cgroup v1 hierarchy of the host on a hybrid host.
# Each test names the layer that stops the attempt.

load ../integration/helpers

setup() {
    common_setup
}

teardown() {
    common_teardown
}

ROOTLESS_IDS="user_namespace:
  uid_map: [{inside: 0, outside: $ROOTLESS_UID, count: 1}]
  gid_map: [{inside: 0, outside: $ROOTLESS_GID, count: 1}]"

# ---- /dev/shm (class 8) -------------------------------------------------------

# Layer: the tmpfs size of the dev mount (apply/mount_dev.c).
shm_fill() {
    local runner=$1 ids=$2 dev=$3
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: proc, path: /proc}
  - $dev
$ids
YAML
    run $runner "$REDWRAP" --node "$SCRATCH/node.yaml" -- sh -c \
        'df -k /dev/shm | tail -1; dd if=/dev/zero of=/dev/shm/fill bs=1M count=80 2>&1; echo "dd=$?"'
}

@test "root: /dev/shm is 64M by default and writing past it fails with ENOSPC" {
    shm_fill "" "" "{type: dev, path: /dev}"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"No space left on device"* ]]
    [[ "$output" == *"dd=1"* ]]
    [[ "$output" =~ tmpfs\ +65536\  ]]
}

@test "rootless: /dev/shm is 64M by default and writing past it fails with ENOSPC" {
    shm_fill as_user "$ROOTLESS_IDS" "{type: dev, path: /dev}"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"No space left on device"* ]]
    [[ "$output" =~ tmpfs\ +65536\  ]]
}

@test "root: dev.shm_size sets the size of /dev/shm" {
    shm_fill "" "" "{type: dev, path: /dev, shm_size: 8M}"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" =~ tmpfs\ +8192\  ]]
    [[ "$output" == *"No space left on device"* ]]
    run "$REDNODE_CONFIG" plan "$SCRATCH/node.yaml"
    [[ "$output" == *"shm of 8M"* ]]
}

@test "shm_size: 0 is a plan error at its value, exit 125" {
    write_host_usr_node "$SCRATCH/node.yaml" <<'YAML'
mounts:
  - {type: dev, path: /dev, shm_size: 0}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- true
    echo "$output"
    [ "$status" -eq 125 ]
    [[ "$output" == *"node.yaml:4:39: mounts[0].shm_size: shm_size cannot be 0"* ]]
}
