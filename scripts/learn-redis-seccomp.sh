#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Learns the seccomp allow-list of a Redis node from Redis itself and writes
# it into the node file's seccomp: section (default_action kill_process).
#
#   scripts/learn-redis-seccomp.sh [NODE.yaml]     (default: nodes/redis.yaml)
#
# A node whose redis.conf says "port 0" is reached through its exported
# socket (${NODE_DIR}/socket/redis.sock); any other (nodes/redis-hostnet.yaml)
# on 127.0.0.1, on port 16379 for the learning runs.
#
# redwrap --seccomp-learn runs the node with a filter that records every
# syscall and lets it through. A profile is only as good as the runs it was
# learned from, so Redis is taken through what it does in service, in three
# runs on the same data, and the union of the three lists is kept:
#   1. a fresh start (READY=1 through the notify proxy), redis-benchmark on
#      every command group, 1 MB values, a dataset of 20 MiB, INFO, CLIENT
#      LIST, BGSAVE (a fork), SHUTDOWN SAVE;
#   2. a start that loads that RDB, AOF switched on (a rewrite of it), writes
#      with appendfsync always, BGREWRITEAOF (a fork), appendfsync everysec
#      (the background fsync thread), a BGSAVE that FLUSHALL kills (Redis
#      kills its child), SHUTDOWN SAVE;
#   3. a start that loads the AOF, then SIGTERM through redwrap.
# Needs root (the node runs Redis as the host's redis user), redis-server,
# redis-tools and python3 (the stand-in service manager's socket).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
NODE=${1:-$SRC/nodes/redis.yaml}
REDWRAP=${REDWRAP:-$SRC/build/redwrap/redwrap}
[ -x "$REDWRAP" ] || { echo "learn-redis-seccomp: build first ($REDWRAP is missing)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/redpak-learn.XXXXXX)
chmod 0755 "$WORK"
LISTENER=""
cleanup() {
    [ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# The node's own file in WORK, so ${NODE_DIR}/data and the socket are WORK's.
cp "$NODE" "$WORK/node.yaml"
if grep -q '^ *port 0$' "$NODE"; then
    CONN=(-s "$WORK/socket/redis.sock")
    PORT=()
else
    CONN=(-h 127.0.0.1 -p 16379)
    PORT=(--port 16379)
fi
cli() { redis-cli "${CONN[@]}" "$@"; }
bench() { redis-benchmark "${CONN[@]}" -q "$@" > /dev/null; }

# A service manager's notify socket: what Redis sends through the proxy is
# part of what it does under systemd.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    s.recv(4096)' "$WORK/notify" &
LISTENER=$!
for _ in $(seq 50); do [ -S "$WORK/notify" ] && break; sleep 0.1; done

# learn RUN [redis-server arguments after the config file]
learn() {
    local run=$1
    shift
    NOTIFY_SOCKET=$WORK/notify "$REDWRAP" --node "$WORK/node.yaml" \
        --seccomp-learn "$WORK/learned-$run.yaml" -- \
        /usr/bin/redis-server /etc/redis/redis.conf "${PORT[@]}" "$@" \
        > "$WORK/redis-$run.log" 2>&1 &
    REDWRAP_PID=$!
    for _ in $(seq 100); do
        [ "$(cli ping 2> /dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    cat "$WORK/redis-$run.log" >&2
    return 1
}

# Waits for redwrap (which writes the fragment once the node has ended).
finish() {
    wait "$REDWRAP_PID" || { cat "$WORK/redis-$1.log" >&2; return 1; }
    [ -s "$WORK/learned-$1.yaml" ]
}

# Waits until no background save or rewrite is running.
settle() {
    for _ in $(seq 100); do
        cli info persistence | grep -q '^rdb_bgsave_in_progress:0' &&
            cli info persistence | grep -q '^aof_rewrite_in_progress:0' && return 0
        sleep 0.1
    done
    return 1
}

learn 1
bench -n 20000 -c 8
bench -n 20000 -c 8 -P 16 -t set,get,lpush,lpop
bench -n 200 -c 2 -d 1000000 -t set,get
# A dataset whose RDB is well above 4 MiB: Redis syncs its files every 4 MiB
# of writing (sync_file_range), which a small dataset never reaches.
bench -n 500000 -r 100000000 -P 64 -d 32 -t set
cli info all > /dev/null
cli client list > /dev/null
cli config get '*' > /dev/null
[ "$(cli bgsave)" = "Background saving started" ]
settle
cli shutdown save || true
finish 1

learn 2
# The AOF switched on over that dataset: a rewrite that also passes 4 MiB.
cli config set appendonly yes > /dev/null
settle
cli config set appendfsync always > /dev/null
bench -n 5000 -c 4 -t set,incr,lpush
cli bgrewriteaof > /dev/null
settle
cli config set appendfsync everysec > /dev/null
bench -n 5000 -c 4 -t set
sleep 1.5
# A save that is still running when FLUSHALL comes: Redis kills its child.
cli config set rdb-key-save-delay 20 > /dev/null
cli bgsave > /dev/null
sleep 0.3
cli flushall > /dev/null
cli config set rdb-key-save-delay 0 > /dev/null
settle
bench -n 20000 -r 1000000 -P 16 -t set
cli shutdown save || true
finish 2

learn 3 --appendonly yes
cli dbsize > /dev/null
kill -TERM "$REDWRAP_PID"
finish 3

# The union of the three runs, as one seccomp: section in the node file.
python3 - "$NODE" "$WORK"/learned-*.yaml <<'PY'
import re, sys
node, runs = sys.argv[1], sys.argv[2:]
names = set()
for run in runs:
    names |= set(re.findall(r'^        - (\S+)$', open(run).read(), re.M))
section = [
    "# Learned with scripts/learn-redis-seccomp.sh (redwrap --seccomp-learn): the",
    "# %d syscalls Redis made under redis-benchmark (1 MB values, a 20 MiB" % len(names),
    "# dataset), BGSAVE, AOF with appendfsync always and everysec, BGREWRITEAOF, a",
    "# BGSAVE killed by FLUSHALL, SHUTDOWN SAVE, restarts that load the RDB and the",
    "# AOF, SIGTERM, and READY=1 through the notify proxy. Any other syscall kills",
    "# Redis (redwrap then exits 159): learn again after an upgrade of Redis or libc.",
    "seccomp:",
    "  default_action: kill_process",
    "  base: none",
    "  syscalls:",
    "    - action: allow",
    "      names:",
]
# A flow sequence wrapped at 92 columns: one name a line would be 100 lines.
row = "        ["
for i, name in enumerate(sorted(names)):
    item = name + ("," if i < len(names) - 1 else "]")
    if len(row) + len(item) + 1 > 92:
        section.append(row.rstrip())
        row = "         "
    row += item + " "
section.append(row.rstrip())
lines = open(node).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("seccomp:"))
# The comment block just above the old section goes with it.
while start > 0 and lines[start - 1].startswith("#"):
    start -= 1
end = start
while not lines[end].startswith("seccomp:"):
    end += 1
end += 1
while end < len(lines) and (lines[end].startswith(" ") or lines[end] == ""):
    end += 1
out = lines[:start] + section + [""] + lines[end:]
open(node, "w").write("\n".join(out))
print("learn-redis-seccomp: %d syscalls written to %s" % (len(names), node))
PY
