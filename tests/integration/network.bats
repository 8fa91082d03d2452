#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# network: (docs/network.md): modes veth and pasta, published ports,
# bridges, teardown, what a killed redwrap leaves, bad input.
#
# Every test runs inside a network namespace it makes itself (unshare
# --net): the host ends of the veth pairs, the bridge, the ports pasta
# publishes and the test's own servers live there and go with it; no
# packet reaches the machine's real interfaces. The nodes whose workload
# must see its interface say namespaces.user: host: with a node's own user
# namespace, step 7 (mount_lock.c) makes the network namespace again
# until the lead's change makes it once; network_node_ns.bats checks the
# default node.

load helpers

setup() {
    common_setup
    [ "$(id -u)" -eq 0 ] || skip "the tests make network namespaces and veth pairs: root"
    require_host cmd ip unshare python3
}

teardown() {
    common_teardown
}

# A node of the host's /usr (and the user namespace of the host, see
# above) with the network section given on stdin.
net_node() {
    local file=$1 user=${2:-host}
    {
        [ "$user" = host ] && printf 'namespaces: {user: host}\n'
        cat
    } | write_host_usr_node "$file" n
}

# Runs SCRIPT (a bash text) in a new network namespace with lo up.
in_netns() {
    unshare --net bash -euc "ip link set lo up; $1"
}

# Links, addresses, routes, listening sockets and redpak's network state,
# in the namespace it runs in: what a node must leave as it found.
SNAPSHOT='{ ip -o link | awk -F": " "{print \$2}" | sed "s/@.*//" | sort;
  ip -o addr | awk "{print \$2, \$4}" | sort; ip route; ip -6 route;
  ss -Hltun | awk "{print \$1, \$5}" | sort; ls /run/redpak/net 2>/dev/null || true; }'

# The interface with the default route that pasta copies into the node:
# one end of a veth pair of the test's namespace whose other end holds no
# address, so nothing sent there is ever answered.
UPLINK='ip link add rpd0 type veth peer name rpd1; ip addr add 198.51.100.1/24 dev rpd0;
  ip link set rpd0 up; ip link set rpd1 up; ip route add default via 198.51.100.254;'

# fetch ADDR PORT, in an in_netns script: what a server there says, tried
# until it says something (pasta listens before the node's server does,
# and closes a connection the node refuses).
FETCH='fetch() { local i o; for i in $(seq 50); do
  o=$(timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2 && cat <&3" 2>/dev/null) || true;
  [ -n "$o" ] && { echo "$o"; return 0; }; sleep 0.1; done; return 1; };'

# A python3 one-line TCP server: answers "hello" once on ADDR:PORT.
server() {
    printf '/usr/bin/python3 -c "import socket;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind((\\"%s\\",%s));s.listen();c,a=s.accept();c.sendall(b\\"hello\\");c.close()"' "$1" "$2"
}

@test "veth: the workload sees its address and default route, the host end is addressed" {
    net_node "$SCRATCH/n.yaml" <<'YAML'
network:
  mode: veth
  address: 10.88.0.2/24
  host_address: 10.88.0.1/24
  gateway: 10.88.0.1
  mtu: 1400
YAML
    run in_netns "$REDWRAP --node $SCRATCH/n.yaml -- sh -c 'ip -o addr show eth0; ip route; ip -o link show eth0'"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"eth0    inet 10.88.0.2/24"* ]]
    [[ $output == *"default via 10.88.0.1 dev eth0"* ]]
    [[ $output == *"mtu 1400"* ]]
}

@test "veth: the node reaches the host end, and /etc/hosts and /etc/resolv.conf are written" {
    net_node "$SCRATCH/n.yaml" <<'YAML'
network:
  mode: veth
  address: 10.88.0.2/24
  host_address: 10.88.0.1/24
  dns: [10.88.0.1]
  hosts:
    - {address: 10.88.0.1, name: hostend}
YAML
    run in_netns "$(server 0.0.0.0 7000) > $SCRATCH/got & sleep 0.5;
        $REDWRAP --node $SCRATCH/n.yaml -- bash -c 'cat /etc/resolv.conf; grep hostend /etc/hosts; exec 3<>/dev/tcp/hostend/7000; cat <&3'; wait"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"nameserver 10.88.0.1"* ]]
    [[ $output == *"10.88.0.1	hostend"* ]]
    [[ $output == *hello ]]
}

@test "veth: two nodes on a bridge reach each other" {
    for n in a b; do
        net_node "$SCRATCH/$n.yaml" <<YAML
network:
  mode: veth
  address: 10.88.1.$([ $n = a ] && echo 2 || echo 3)/24
  bridge: rptestbr0
YAML
    done
    run in_netns "ip link add rptestbr0 type bridge; ip link set rptestbr0 up;
        $REDWRAP --node $SCRATCH/a.yaml -- $(server 10.88.1.2 7000) &
        sleep 1;
        $REDWRAP --node $SCRATCH/b.yaml -- bash -c 'for i in 1 2 3 4 5; do exec 3<>/dev/tcp/10.88.1.2/7000 && break; sleep 0.3; done; cat <&3';
        wait; ip link del rptestbr0"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *hello ]]
}

@test "veth: after teardown links, addresses, routes and sockets are as before" {
    net_node "$SCRATCH/n.yaml" <<'YAML'
network:
  mode: veth
  address: 10.88.0.2/24
  host_address: 10.88.0.1/24
YAML
    run in_netns "$SNAPSHOT > $SCRATCH/before; $REDWRAP --node $SCRATCH/n.yaml -- true;
        $SNAPSHOT > $SCRATCH/after; diff $SCRATCH/before $SCRATCH/after"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "veth: a redwrap killed with SIGKILL leaves a pair the next start removes" {
    # die_with_parent: false keeps the node, and so its namespace and the
    # pair, alive after redwrap's death: only the next start removes it.
    net_node "$SCRATCH/k.yaml" <<'YAML'
network:
  mode: veth
  address: 10.88.0.2/24
  host_address: 10.88.0.1/24
process:
  die_with_parent: false
YAML
    net_node "$SCRATCH/n.yaml" <<'YAML'
network:
  mode: veth
  address: 10.88.2.2/24
  host_address: 10.88.2.1/24
YAML
    run in_netns "$SNAPSHOT > $SCRATCH/before;
        $REDWRAP --node $SCRATCH/k.yaml -- sleep 60 & rw=\$!;
        for i in \$(seq 50); do ip link show rpv\$rw > /dev/null 2>&1 && break; sleep 0.1; done;
        ip -br link show rpv\$rw; child=\$(pgrep -P \$rw);
        kill -KILL \$rw; wait \$rw || true;
        ip link show rpv\$rw > /dev/null && echo left-behind;
        $REDWRAP -v --node $SCRATCH/n.yaml -- true 2>&1 | grep 'killed redwrap';
        ip link show rpv\$rw > /dev/null 2>&1 || echo removed;
        kill -KILL \$child; sleep 0.3;
        $SNAPSHOT > $SCRATCH/after; diff $SCRATCH/before $SCRATCH/after"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *left-behind* ]]
    [[ $output == *"which a killed redwrap left"* ]]
    [[ $output == *removed* ]]
}

@test "pasta: the published port answers on the host only on the address asked" {
    require_host cmd pasta
    net_node "$SCRATCH/n.yaml" <<'YAML'
network:
  mode: pasta
  ports:
    - {host: "127.0.0.1:16380", node: 7000}
YAML
    run in_netns "$UPLINK
        $SNAPSHOT > $SCRATCH/before;
        $REDWRAP --node $SCRATCH/n.yaml -- $(server 0.0.0.0 7000) & rw=\$!;
        for i in \$(seq 50); do ss -Hltn | grep -q 127.0.0.1:16380 && break; sleep 0.1; done;
        ss -Hltn | grep 16380;
        (exec 3<>/dev/tcp/198.51.100.1/16380) 2>/dev/null && echo answered-elsewhere;
        $FETCH fetch 127.0.0.1 16380; wait \$rw;
        $SNAPSHOT > $SCRATCH/after; diff $SCRATCH/before $SCRATCH/after"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"127.0.0.1:16380"* ]]
    [[ $output != *answered-elsewhere* ]]
    [[ $output == *hello* ]]
}

@test "pasta: the node reaches no host service the file does not publish" {
    require_host cmd pasta
    net_node "$SCRATCH/n.yaml" <<'YAML'
network:
  mode: pasta
YAML
    run in_netns "$UPLINK
        $(server 127.0.0.1 7100) > /dev/null & srv=\$!; sleep 0.5;
        $REDWRAP --node $SCRATCH/n.yaml -- bash -c 'ip -br addr show eth0;
            (exec 3<>/dev/tcp/127.0.0.1/7100) 2>/dev/null && echo reached-loopback;
            timeout 2 bash -c \"exec 3<>/dev/tcp/198.51.100.1/7100\" 2>/dev/null && echo reached-host; true';
        kill \$srv"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"eth0 "* ]]
    [[ $output != *reached* ]]
}

@test "pasta: a redwrap killed with SIGKILL takes pasta and its published port with it" {
    require_host cmd pasta
    net_node "$SCRATCH/n.yaml" <<'YAML'
network:
  mode: pasta
  ports:
    - {host: "127.0.0.1:16383", node: 7000}
YAML
    run in_netns "$UPLINK
        $SNAPSHOT > $SCRATCH/before;
        $REDWRAP --node $SCRATCH/n.yaml -- sleep 60 & rw=\$!;
        for i in \$(seq 50); do ss -Hltn | grep -q 127.0.0.1:16383 && break; sleep 0.1; done;
        pasta=\$(pgrep -P \$rw -x pasta || pgrep -P \$rw -f pasta); echo pasta \$pasta;
        kill -KILL \$rw; wait \$rw || true;
        for i in \$(seq 50); do kill -0 \$pasta 2>/dev/null || break; sleep 0.1; done;
        kill -0 \$pasta 2>/dev/null && echo pasta-alive;
        $SNAPSHOT > $SCRATCH/after; diff $SCRATCH/before $SCRATCH/after"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"pasta "[0-9]* ]]
    [[ $output != *pasta-alive* ]]
}

@test "step 1: a port taken, an address in use, a missing bridge stop the start with 125, nothing made" {
    require_host cmd pasta
    net_node "$SCRATCH/port.yaml" <<'YAML'
network:
  mode: pasta
  ports:
    - {host: "127.0.0.1:16382", node: 7000}
YAML
    net_node "$SCRATCH/addr.yaml" <<'YAML'
network:
  mode: veth
  address: 10.88.3.1/24
  host_address: 10.88.3.2/24
YAML
    net_node "$SCRATCH/bridge.yaml" <<'YAML'
network:
  mode: veth
  address: 10.88.3.5/24
  bridge: rpnosuchbr
YAML
    run in_netns "ip link add rpd0 type veth peer name rpd1; ip addr add 10.88.3.1/24 dev rpd0;
        $(server 127.0.0.1 16382) & srv=\$!; sleep 0.5;
        $SNAPSHOT > $SCRATCH/before;
        for f in port addr bridge; do $REDWRAP --node $SCRATCH/\$f.yaml -- true || echo \"exit \$?\"; done;
        $SNAPSHOT > $SCRATCH/after; kill \$srv; diff $SCRATCH/before $SCRATCH/after"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'exit 125' <<< "$output")" -eq 3 ]
    [[ $output == *"port.yaml:7:7: network.ports[0].host: tcp 127.0.0.1:16382 is already in use on the host"* ]]
    [[ $output == *"addr.yaml:6:12: network.address: 10.88.3.1/24 is in use on the host already"* ]]
    [[ $output == *"bridge.yaml:7:11: network.bridge: bridge rpnosuchbr does not exist"* ]]
}

@test "bad input: addresses, prefixes, ports 0 and 65536, a duplicate port, veth with net: host, a bridge with a slash exit 125 at the line" {
    bad() { # bad NAME LINE:COL KEY YAML
        printf 'version: 1\nnode: bad\n%s\n' "$4" > "$SCRATCH/$1.yaml"
        run "$REDWRAP" --node "$SCRATCH/$1.yaml" -- true
        echo "$1: $output"
        [ "$status" -eq 125 ]
        [[ $output == *"$1.yaml:$2: $3:"* ]]
    }
    before=$(ip -o link | wc -l; ls /run/redpak/net 2> /dev/null)
    bad address 6:12 network.address $'network:\n  mode: veth\n  bridge: br0\n  address: 10.88.0.300/24'
    bad noprefix 6:12 network.address $'network:\n  mode: veth\n  bridge: br0\n  address: 10.88.0.2'
    bad prefix 6:12 network.address $'network:\n  mode: veth\n  bridge: br0\n  address: 10.88.0.2/33'
    bad prefix6 6:12 network.address $'network:\n  mode: veth\n  bridge: br0\n  address: "fd00::2/129"'
    bad gateway 7:12 network.gateway $'network:\n  mode: veth\n  bridge: br0\n  address: 10.88.0.2/24\n  gateway: 10.88.0'
    bad port0 6:14 'network.ports[0].host' $'network:\n  mode: pasta\n  ports:\n    - {host: 0, node: 1}'
    bad port65536 6:14 'network.ports[0].host' $'network:\n  mode: pasta\n  ports:\n    - {host: "127.0.0.1:65536", node: 1}'
    bad nodeport 6:26 'network.ports[0].node' $'network:\n  mode: pasta\n  ports:\n    - {host: 6380, node: 65536}'
    bad dupport 7:7 'network.ports[1]' $'network:\n  mode: pasta\n  ports:\n    - {host: 6380, node: 1}\n    - {host: "127.0.0.1:6380", node: 2}'
    bad nethost 5:9 network.mode $'namespaces: {net: host}\nnetwork:\n  mode: veth\n  address: 10.88.0.2/24\n  bridge: br0'
    bad slash 6:11 network.bridge $'network:\n  mode: veth\n  address: 10.88.0.2/24\n  bridge: "br/0"'
    [ "$(ip -o link | wc -l; ls /run/redpak/net 2> /dev/null)" = "$before" ]
}

@test "-v shows each network step" {
    net_node "$SCRATCH/n.yaml" <<'YAML'
network:
  mode: veth
  address: 10.88.0.2/24
  host_address: 10.88.0.1/24
YAML
    run in_netns "$REDWRAP -v --node $SCRATCH/n.yaml -- true 2>&1"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"(step 1): network: "*"the host end will be rpv"* ]]
    [[ $output == *"(step 5): network: veth rpv"*"<-> eth0 (node), host end 10.88.0.1/24"* ]]
    [[ $output == *"(step 5): network: eth0 10.88.0.2/24 in the node"* ]]
}

@test "nodes/redis-net.yaml and nodes/redis-client.yaml validate; redis-net carries redis.yaml's seccomp section" {
    run "$REDNODE_CONFIG" validate "$REDPAK_SOURCE_DIR/nodes/redis-net.yaml" \
        "$REDPAK_SOURCE_DIR/nodes/redis-client.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
    sed -n '/^seccomp:/,/^process:/p' "$REDPAK_SOURCE_DIR/nodes/redis.yaml" > "$SCRATCH/a"
    sed -n '/^seccomp:/,/^process:/p' "$REDPAK_SOURCE_DIR/nodes/redis-net.yaml" > "$SCRATCH/b"
    diff "$SCRATCH/a" "$SCRATCH/b"
}

@test "Redis reached from the client node by socket, published port and veth" {
    require_redis
    require_host cmd pasta
    local d=$SCRATCH/r
    mkdir -p "$d/v"
    cp "$REDPAK_SOURCE_DIR/nodes/redis-net.yaml" "$d/redis.yaml"
    cp "$REDPAK_SOURCE_DIR/nodes/redis-client.yaml" "$d/client.yaml"
    sed '/^network:/,$d' "$d/redis.yaml" > "$d/v/redis.yaml"
    printf 'network: {mode: veth, address: 10.88.0.2/24, bridge: rptestbr1}\n' >> "$d/v/redis.yaml"
    chmod -R a+rX "$d"
    # namespaces.user: host, see the top of this file.
    local u='--set namespaces.user=host'
    run in_netns "$UPLINK ip link add rptestbr1 type bridge; ip link set rptestbr1 up;
        $REDWRAP --node $d/redis.yaml $u > $d/p.log 2>&1 & p=\$!;
        $REDWRAP --node $d/v/redis.yaml $u > $d/v.log 2>&1 & v=\$!;
        for i in \$(seq 100); do [ -S $d/socket/redis.sock ] && [ -S $d/v/socket/redis.sock ] && break; sleep 0.1; done;
        echo socket \$($REDWRAP --node $d/client.yaml $u);
        echo port-host \$(redis-cli -h 127.0.0.1 -p 6380 ping);
        echo port-node \$($REDWRAP --node $d/client.yaml $u --set namespaces.net=host -- redis-cli -p 6380 ping);
        echo veth \$($REDWRAP --node $d/client.yaml $u --set network.mode=veth --set network.address=10.88.0.3/24 \
            --set network.bridge=rptestbr1 -- redis-cli -h redis ping);
        kill \$p \$v; wait; ip link del rptestbr1"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"socket PONG"* ]]
    [[ $output == *"port-host PONG"* ]]
    [[ $output == *"port-node PONG"* ]]
    [[ $output == *"veth PONG"* ]]
}
