#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Starts Redis in its REDNODE (nodes/redis.yaml), in the foreground.
#
#   ./scripts/run-redis.sh [--tcp] [REDWRAP OPTIONS...]
#
# On a fresh machine it first installs the dependencies (scripts/install-deps.sh)
# and builds redpak into ./build, but only when build/redwrap/redwrap is
# missing. The node's state lives in ./out/redis (gitignored; set
# REDPAK_REDIS_DIR to keep it elsewhere): data/ is Redis's /data (dump.rdb,
# the AOF) and survives restarts, socket/redis.sock is the exported socket.
# With --tcp the host-network variant (nodes/redis-hostnet.yaml) listens on
# 127.0.0.1:6379 instead. Further arguments go to redwrap (-v, --set K=V).
#
# Ctrl-C or SIGTERM: Redis gets one SIGTERM through redwrap, saves its data
# and exits; redwrap removes the node and exits with Redis's status (0),
# and so does this script.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
NODE_FILE=$SRC/nodes/redis.yaml
if [ "${1:-}" = "--tcp" ]; then
    NODE_FILE=$SRC/nodes/redis-hostnet.yaml
    shift
fi

# Redis runs as the host's "redis" user: a uid only root can map into the
# node (rootless, the node would hold the caller's uid alone).
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null ||
        { echo "run-redis: run as root (the node runs Redis as the user redis)" >&2; exit 1; }
    exec sudo REDPAK_REDIS_DIR="${REDPAK_REDIS_DIR:-}" REDWRAP="${REDWRAP:-}" "$0" "$@"
fi

# REDWRAP: another redwrap to run (the tests give the build under test).
REDWRAP=${REDWRAP:-$SRC/build/redwrap/redwrap}
if [ ! -x "$REDWRAP" ] || ! command -v redis-server > /dev/null; then
    # A package the build does not need (or a mirror in the middle of a
    # sync) must not stop Redis: what is really missing fails the build.
    "$SRC/scripts/install-deps.sh" ||
        echo "run-redis: warning: scripts/install-deps.sh failed; going on with what is installed" >&2
fi
if [ ! -x "$REDWRAP" ]; then
    REDWRAP=$SRC/build/redwrap/redwrap
    echo "run-redis: building redpak in $SRC/build"
    cmake -S "$SRC" -B "$SRC/build" > /dev/null
    cmake --build "$SRC/build" -j "$(nproc)" --target redwrap > /dev/null
fi

STATE=${REDPAK_REDIS_DIR:-$SRC/out/redis}
mkdir -p "$STATE"
# The node file sits in the state folder: its ${NODE_DIR} is STATE, so the
# data and the socket are there. Copied afresh each run from the source.
cp "$NODE_FILE" "$STATE/node.yaml"

if [ "$NODE_FILE" = "$SRC/nodes/redis.yaml" ]; then
    echo "run-redis: socket $STATE/socket/redis.sock"
    echo "run-redis: try    redis-cli -s $STATE/socket/redis.sock ping"
else
    echo "run-redis: listening on 127.0.0.1:6379"
    echo "run-redis: try    redis-cli -h 127.0.0.1 -p 6379 ping"
fi
echo "run-redis: data   $STATE/data (Ctrl-C saves it and stops Redis)"

# A terminal sends Ctrl-C to every process of its foreground process group,
# which would be the node's own processes, each getting it straight from the
# kernel (and Redis takes a second SIGINT during its shutdown as "exit now,
# without saving"). So redwrap runs in a session of its own, out of the
# terminal's reach, and this script, in the foreground, turns Ctrl-C (and
# SIGTERM, SIGHUP) into one SIGTERM for redwrap, as systemctl stop does: it
# forwards it once, Redis saves and exits, redwrap's status is the script's.
setsid "$REDWRAP" --node "$STATE/node.yaml" "$@" &
pid=$!
trap 'kill -TERM "$pid" 2> /dev/null' INT TERM HUP
set +e
wait "$pid"
while kill -0 "$pid" 2> /dev/null; do
    wait "$pid"
done
# A wait cut short by the trap said 128+N; once more for redwrap's own.
wait "$pid"
exit $?
