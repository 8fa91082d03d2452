#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What a seccomp filter adds to a node's start, from the second start on
# (the filter read from the cache, libredpak/apply/seccomp_cache.c) and at
# a first start (compiled), against the same node without a filter:
#
#   sudo bench/seccomp_start.sh [--runs N] [REDWRAP]
#
# Every variant runs `busybox true` in the busybox root of bench/run.sh's
# launch rows (read-only root, /proc, /dev, a tmpfs, every namespace); the
# variants are interleaved run by run (bench/tools/spawn_timer.c), medians
# in microseconds. "learned Redis profile" is the seccomp section of
# nodes/redis.yaml (default_action report, base none). The first-start
# series makes the cache folder unusable (mode 0777: redwrap then compiles
# every filter) and restores it afterwards. Target (issue 9/9): the default
# base at most 300 us over no filter, from the second start on.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-release}
RUNS=300
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench/seccomp_start.sh: run as root" >&2; exit 2; }
command -v busybox >/dev/null || { echo "bench/seccomp_start.sh: needs busybox-static" >&2; exit 2; }
if [ $# -eq 0 ]; then
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DREDPAK_BENCH=ON \
        -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$BUILD" -j"$(nproc)" --target redwrap spawn_timer >/dev/null
fi
REDWRAP=${1:-$BUILD/redwrap/redwrap}
TIMER=$BUILD/bench/spawn_timer
W=$(mktemp -d /tmp/redpak-seccomp-bench.XXXXXX)
CACHE=/run/redpak/seccomp
trap 'chmod 0700 "$CACHE" 2>/dev/null || true; rm -rf "$W"' EXIT

mkdir -p "$W"/root/{bin,proc,dev,tmp}
cp "$(command -v busybox)" "$W/root/bin/busybox"
cp "$SRC/bench/tools/launch.yaml" "$W/none.yaml"
{ cat "$W/none.yaml"; echo "seccomp: {base: default}"; } >"$W/default.yaml"
{
    cat "$W/none.yaml"
    awk '/^seccomp:/ { f = 1; print; next } f && /^[a-z_]+:/ { f = 0 } f' "$SRC/nodes/redis.yaml"
} >"$W/redis.yaml"

V=(-- none "$REDWRAP" --node "$W/none.yaml"
   -- default "$REDWRAP" --node "$W/default.yaml"
   -- redis "$REDWRAP" --node "$W/redis.yaml")
for f in none default redis; do # the first start: fills the cache
    "$REDWRAP" --node "$W/$f.yaml" >/dev/null 2>&1 ||
        { echo "bench/seccomp_start.sh: $f.yaml does not run" >&2; exit 1; }
done
"$TIMER" -n "$RUNS" -w 10 -i "${V[@]:1}" >"$W/second.txt"
chmod 0777 "$CACHE"
"$TIMER" -n "$RUNS" -w 10 -i "${V[@]:1}" >"$W/first.txt"
chmod 0700 "$CACHE"

col() { awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$3"; }
echo "## seccomp at a node's start ($RUNS runs each, interleaved; microseconds)"
echo
echo "Wall: median from fork to reaping; CPU: median of the launch's user + system time (wait4's rusage), which a loaded machine disturbs less."
echo
echo "| | variant | wall median | over no filter | wall min | CPU median | over no filter |"
echo "|---|---|---:|---:|---:|---:|---:|"
for series in second first; do
    f=$W/$series.txt
    title="second start on (the cache)"
    [ "$series" = first ] && title="every start compiles (no usable cache)"
    for v in none default redis; do
        name=$v
        [ "$v" = none ] && name="no filter"
        [ "$v" = default ] && name="default base"
        [ "$v" = redis ] && name="learned Redis profile"
        echo "| $title | $name | $(col "$v" 2 "$f") | $(($(col "$v" 2 "$f") - $(col none 2 "$f"))) | $(col "$v" 4 "$f") | $(col "$v" 5 "$f") | $(($(col "$v" 5 "$f") - $(col none 5 "$f"))) |"
    done
done
echo
D=$(($(col default 2 "$W/second.txt") - $(col none 2 "$W/second.txt")))
st=PASS
[ "$D" -le 300 ] || st=FAIL
echo "Target: the default base at most 300 us over no filter from the second start on (wall medians: $D): $st"
echo "Machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
[ "$st" = PASS ]
