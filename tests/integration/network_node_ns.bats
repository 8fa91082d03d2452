#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The network namespace redwrap attaches in step 5 (/proc/PID/ns/net of the
# first process) must be the workload's. A default node has its own user
# namespace; until step 7 stops making the network namespace again inside
# a nested user namespace (mount_lock.c), the workload sees only lo and
# this test fails: it is the check of that change against network:.

load helpers

setup() {
    common_setup
    [ "$(id -u)" -eq 0 ] || skip "a veth pair needs root"
    require_host cmd ip unshare
}

teardown() {
    common_teardown
}

@test "the workload of a node with its own user namespace sees the veth interface redwrap attached" {
    write_host_usr_node "$SCRATCH/n.yaml" n <<'YAML'
network:
  mode: veth
  address: 10.88.0.2/24
  host_address: 10.88.0.1/24
YAML
    run unshare --net "$REDWRAP" --node "$SCRATCH/n.yaml" -- ip -o addr show
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"eth0    inet 10.88.0.2/24"* ]]
}
