#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Redis under a service manager: redwrap's NOTIFY_SOCKET proxy hands the
# workload a socket inside the node and relays what it says, so READY=1
# reaches the manager exactly when Redis is ready; and the shipped
# redwrap@.service unit passes systemd-analyze verify.

load helpers

setup() {
    common_setup
    NOTIFY=$SCRATCH/notify
}

teardown() {
    [ -n "${REDIS_PID:-}" ] && kill -KILL "$REDIS_PID" 2> /dev/null
    [ -n "${LISTENER_PID:-}" ] && kill -KILL "$LISTENER_PID" 2> /dev/null
    common_teardown
}

# A stand-in service manager on $NOTIFY: writes each message it receives to
# $SCRATCH/messages as "PID<TAB>message" (the sender's pid from the
# kernel's SCM_CREDENTIALS, with \n as |). With a Redis socket as argument,
# on READY=1 it sends PING to Redis at once and writes the answer to
# $SCRATCH/ping-at-ready, then exits.
start_listener() {
    require_host cmd /usr/bin/python3
    python3 - "$NOTIFY" "$SCRATCH" "${1:-}" <<'PY' &
import os, socket, struct, sys
path, out, redis = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path + ".tmp")
os.rename(path + ".tmp", path)
while True:
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = [struct.unpack("iII", d)[0] for lvl, typ, d in anc
           if lvl == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS][0]
    with open(out + "/messages", "a") as f:
        f.write("%d\t%s\n" % (pid, msg.decode().replace("\n", "|")))
    if redis and b"READY=1" in msg.split(b"\n"):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            c.connect(redis)
            c.sendall(b"PING\r\n")
            answer = c.recv(64).decode().strip()
        except OSError as e:
            answer = "error: %s" % e
        open(out + "/ping-at-ready", "w").write(answer + "\n")
        break
PY
    LISTENER_PID=$!
    local i
    for i in $(seq 50); do
        [ -S "$NOTIFY" ] && return 0
        sleep 0.1
    done
    return 1
}

@test "NOTIFY_SOCKET: READY=1 reaches the manager from redwrap's pid, only once Redis answers PING" {
    redis_root_node
    # 300000 keys to load first: a while during which Redis answers PING
    # with -LOADING, and during which READY=1 must not be sent.
    redis_node_start "$NODE"
    redis-benchmark -s "$SOCK" -q -n 300000 -r 100000000 -P 64 -t set > /dev/null
    redis-cli -s "$SOCK" shutdown save || true
    wait "$REDIS_PID" || true

    start_listener "$SOCK"
    NOTIFY_SOCKET=$NOTIFY "$REDWRAP" --node "$NODE/node.yaml" > "$NODE/redwrap.log" 2>&1 &
    REDIS_PID=$!
    for i in $(seq 300); do
        [ -s "$SCRATCH/ping-at-ready" ] && break
        sleep 0.1
    done
    cat "$SCRATCH/messages"
    [ "$(cat "$SCRATCH/ping-at-ready")" = +PONG ]
    cat "$NODE/redwrap.log"
    grep -q 'DB loaded from disk' "$NODE/redwrap.log"
    # Redis said it was loading first; READY=1 came after.
    loading=$(grep -n 'STATUS=Redis is loading' "$SCRATCH/messages" | cut -d: -f1)
    ready=$(grep -n 'READY=1' "$SCRATCH/messages" | cut -d: -f1)
    [ "$loading" -lt "$ready" ]
    # Relayed as redwrap's own message, STATUS= with it.
    grep -q "^$REDIS_PID	.*READY=1" "$SCRATCH/messages"
    grep -q "^$REDIS_PID	.*STATUS=" "$SCRATCH/messages"
    [ "$(cut -f1 "$SCRATCH/messages" | sort -u)" = "$REDIS_PID" ]
}

@test "NOTIFY_SOCKET: the workload's MAINPID is rewritten to redwrap's pid" {
    start_listener
    write_host_usr_node "$SCRATCH/n.yaml" <<'YAML'
YAML
    NOTIFY_SOCKET=$NOTIFY "$REDWRAP" --node "$SCRATCH/n.yaml" -- python3 -c '
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"MAINPID=%d\nSTATUS=inside" % os.getpid(), os.environ["NOTIFY_SOCKET"])
print(os.environ["NOTIFY_SOCKET"])' > "$SCRATCH/out" &
    pid=$!
    wait "$pid"
    for i in $(seq 50); do
        [ -s "$SCRATCH/messages" ] && break
        sleep 0.1
    done
    cat "$SCRATCH/messages"
    [ "$(cat "$SCRATCH/out")" = /run/redpak/notify ]
    [ "$(cat "$SCRATCH/messages")" = "$pid	MAINPID=$pid|STATUS=inside" ]
}

@test "NOTIFY_SOCKET: nothing to relay to is an error, not a silent timeout" {
    write_host_usr_node "$SCRATCH/n.yaml" <<'YAML'
YAML
    NOTIFY_SOCKET=vsock:2:1234 run "$REDWRAP" --node "$SCRATCH/n.yaml" -- true
    [ "$status" -eq 125 ]
    [[ "$output" == *"NOTIFY_SOCKET=vsock:2:1234"* ]]
}

@test "without NOTIFY_SOCKET the workload gets none" {
    write_host_usr_node "$SCRATCH/n.yaml" <<'YAML'
process:
  env: {clear: false}
YAML
    run env -u NOTIFY_SOCKET "$REDWRAP" --node "$SCRATCH/n.yaml" -- /bin/sh -c \
        'echo "[${NOTIFY_SOCKET:-}]"; ls /run/redpak 2>&1 || true'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "[]" ]
    [[ "${lines[1]}" == *"No such file or directory"* ]]
}

@test "systemd-analyze verify passes on the installed redwrap@.service" {
    command -v systemd-analyze > /dev/null || skip "systemd-analyze is not installed"
    # Installed to a prefix of its own: the unit's ExecStart names that
    # prefix's redwrap, and man finds the pages its Documentation= names.
    cmake --install "$REDPAK_BUILD_DIR" --prefix "$SCRATCH/prefix" > "$SCRATCH/install.log"
    unit=$SCRATCH/prefix/lib/systemd/system/redwrap@.service
    grep -qx "ExecStart=$SCRATCH/prefix/bin/redwrap --node /etc/redpak/nodes/%i.yaml \$REDWRAP_OPTS" "$unit"
    [ -f "$SCRATCH/prefix/share/redpak/nodes/redis.yaml" ]
    MANPATH=$SCRATCH/prefix/share/man run systemd-analyze verify "$unit"
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    grep -qx 'Type=notify' "$unit"
    grep -qx 'Delegate=yes' "$unit"
    grep -qx 'KillMode=mixed' "$unit"
}
