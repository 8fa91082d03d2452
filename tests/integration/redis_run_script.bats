#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# README's run command, scripts/run-redis.sh: Redis in its node in the
# foreground, stopped by Ctrl-C in a terminal or by SIGTERM, its data saved
# and the script's status 0. And redwrap itself in a terminal, as README's
# first example runs it.

load helpers

setup() {
    common_setup
    require_redis
    [ "$(id -u)" -eq 0 ] || skip "the node runs Redis as the host's redis user: root only"
    export REDPAK_REDIS_DIR=$SCRATCH/state
    SOCK=$REDPAK_REDIS_DIR/socket/redis.sock
}

teardown() {
    # Waited for: Redis saves into the scratch folder before it is removed
    # (a Redis that cannot save refuses to exit).
    if [ -n "${SCRIPT_PID:-}" ] && kill -TERM "$SCRIPT_PID" 2> /dev/null; then
        wait "$SCRIPT_PID" || true
    fi
    common_teardown
}

wait_pong() {
    local i
    for i in $(seq 150); do
        [ "$(redis-cli -s "$SOCK" ping 2> /dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    return 1
}

# Runs COMMAND... on a pseudo-terminal, in its foreground as from a shell,
# types Ctrl-C once Redis answers on $SOCK, and writes what the terminal
# showed and "exit status N" to $SCRATCH/tty.log.
ctrl_c_in_terminal() {
    python3 - "$SOCK" "$@" > "$SCRATCH/tty.log" <<'PY'
import os, pty, select, subprocess, sys, time
sock, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b""
def pump(until):
    global out
    end = time.time() + 15
    while time.time() < end and not until():
        if select.select([fd], [], [], 0.1)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                return
def pong():
    r = subprocess.run(["redis-cli", "-s", sock, "ping"], capture_output=True, text=True)
    return r.stdout.strip() == "PONG"
pump(pong)
subprocess.run(["redis-cli", "-s", sock, "set", "typed", "before-ctrl-c"], check=True,
               capture_output=True)
os.write(fd, b"\x03")
pump(lambda: False)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("exit status %d" % os.waitstatus_to_exitcode(status))
PY
    cat "$SCRATCH/tty.log"
}

@test "run-redis.sh in a terminal: Ctrl-C makes Redis save, the script exits 0" {
    ctrl_c_in_terminal "$REDPAK_SOURCE_DIR/scripts/run-redis.sh"
    grep -q "run-redis: try    redis-cli -s $SOCK ping" "$SCRATCH/tty.log"
    grep -q 'DB saved on disk' "$SCRATCH/tty.log"
    ! grep -q 'You insist' "$SCRATCH/tty.log"
    [ "$(tail -1 "$SCRATCH/tty.log" | tr -d '\r')" = "exit status 0" ]
    [ -s "$REDPAK_REDIS_DIR/data/dump.rdb" ]
}

@test "redwrap in a terminal: Ctrl-C reaches Redis once (init does not forward the terminal's copy)" {
    # The terminal's SIGINT goes to the node's foreground group, init and
    # Redis both; a second one from init would make Redis exit unsaved.
    redis_node_copy redis "$REDPAK_REDIS_DIR"
    ctrl_c_in_terminal "$REDWRAP" --node "$REDPAK_REDIS_DIR/node.yaml"
    [ "$(grep -c 'Received SIGINT' "$SCRATCH/tty.log")" -eq 1 ]
    grep -q 'DB saved on disk' "$SCRATCH/tty.log"
    ! grep -q 'You insist' "$SCRATCH/tty.log"
    [ "$(tail -1 "$SCRATCH/tty.log" | tr -d '\r')" = "exit status 0" ]
}

@test "run-redis.sh: SIGTERM makes Redis save, the script exits 0, a second start has the data" {
    "$REDPAK_SOURCE_DIR/scripts/run-redis.sh" > "$SCRATCH/run.log" 2>&1 &
    SCRIPT_PID=$!
    wait_pong
    redis-cli -s "$SOCK" set kept yes
    kill -TERM "$SCRIPT_PID"
    status=0
    wait "$SCRIPT_PID" || status=$?
    [ "$status" -eq 0 ]
    grep -q 'DB saved on disk' "$SCRATCH/run.log"

    "$REDPAK_SOURCE_DIR/scripts/run-redis.sh" > "$SCRATCH/run2.log" 2>&1 &
    SCRIPT_PID=$!
    wait_pong
    [ "$(redis-cli -s "$SOCK" get kept)" = yes ]
}
