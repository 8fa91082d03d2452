#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The network namespace redwrap attaches in step 5 (/proc/PID/ns/net of the
# first process) must be the workload's. A default node has its own user
# namespace; until step 7 stops making the network namespace again inside
# a nested user namespace (mount_lock.c), the workload sees only lo and
# these tests fail: they are the check of that change against network:.
# A rootless node always has its own user namespace: its pasta test is
# here too.

load helpers

setup() {
    common_setup
    [ "$(id -u)" -eq 0 ] || skip "the tests make network namespaces: root"
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

@test "pasta rootless: the published port answers on the host" {
    require_host cmd pasta python3
    as_user test -r /dev/net/tun -a -w /dev/net/tun ||
        skip "rootless pasta needs /dev/net/tun read-write for uid $ROOTLESS_UID ($(stat -c '%A %U' /dev/net/tun))"
    require_host rootless "$REDWRAP" "$REDPAK_SOURCE_DIR"
    write_host_usr_node "$SCRATCH/n.yaml" n <<'YAML'
network:
  mode: pasta
  ports:
    - {host: "127.0.0.1:16381", node: 7000}
YAML
    # pasta copies the default route's interface: one end of a veth pair of
    # the test's namespace, the other end without an address.
    run unshare --net bash -euc "ip link set lo up; ip link add rpd0 type veth peer name rpd1;
        ip addr add 198.51.100.1/24 dev rpd0; ip link set rpd0 up; ip link set rpd1 up;
        ip route add default via 198.51.100.254;
        ${AS_USER[*]} $REDWRAP --node $SCRATCH/n.yaml -- timeout 20 /usr/bin/python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((\"0.0.0.0\", 7000))
s.listen()
c, a = s.accept()
c.sendall(b\"hello\")' & rw=\$!;
        for i in \$(seq 100); do
            o=\$(timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/16381 && cat <&3' 2>/dev/null) || true;
            [ -n \"\$o\" ] && break; sleep 0.1; done;
        echo \"got \$o\"; kill \$rw 2>/dev/null || true; wait \$rw || true"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"got hello"* ]]
}
