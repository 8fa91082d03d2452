#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The benchmark of redpak, side by side with bubblewrap: one command, one
# table (Markdown, as docs/performance.md shows it), PASS/FAIL per target.
#
#   sudo bench/run.sh [--runs N] [--scale "10 50 100"] [--no-scale]
#                     [--redis-throughput] [--cross]
#
#   --runs N             launches timed per variant (default 300; all the
#                        variants are interleaved run by run)
#   --scale LIST         Redis node counts started at once (default "10 50 100")
#   --no-scale           skip the Redis scale section
#   --redis-throughput   run bench/redis_throughput.sh at the end, if present
#   --cross              time scripts/cross-build.sh for arm64 and armhf
#   --baseline REV       also build git revision REV of this repository and
#                        measure its redwrap in the same run (launch and
#                        footprint rows "at REV"): a change's before and after
#
# Builds a release of its own in build-release/ (BUILD overrides) and a
# static one (REDPAK_STATIC=ON) in build-release-static/, works in
# build-release/bench-work/. Both redwraps are measured: the dynamic one is
# what a distribution package ships, the static one what a board gets. Root is needed: the nodes get a cgroup, Redis
# runs as the host's redis user, and bwrap gets the same namespaces.
#
# Launch: every variant runs `busybox true` in the same busybox root (a
# static busybox, the root read-only, /proc, /dev, a tmpfs at /tmp), with
# the namespaces bwrap's --unshare-all gives (user ipc pid net uts cgroup);
# redwrap also gives every node a cgroup of its own, which bwrap does not
# do. Overhead is the median minus bare `busybox true`'s median.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-release}
RUNS=300
SCALE="10 50 100"
THROUGHPUT=0
CROSS=0
BASELINE=""
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    --no-scale) SCALE=""; shift ;;
    --redis-throughput) THROUGHPUT=1; shift ;;
    --cross) CROSS=1; shift ;;
    --baseline) BASELINE=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: run as root" >&2; exit 2; }
for p in bwrap busybox redis-server python3 strip; do
    command -v "$p" >/dev/null || { echo "bench/run.sh: needs $p (scripts/install-deps.sh)" >&2; exit 2; }
done

log() { echo "bench: $*" >&2; }
fails=0
V=""
verdict() { # verdict EXIT-STATUS: V=PASS or FAIL, counting the failures
    if [ "$1" -eq 0 ]; then V=PASS; else fails=$((fails + 1)); V=FAIL; fi
}
# awk arithmetic on the shell's numbers
calc() { awk "BEGIN { printf \"%.0f\", $1 }"; }
kib() { awk "BEGIN { printf \"%.1f\", $1 / 1024 }"; }

log "building a release in $BUILD"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DREDPAK_BENCH=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target redwrap rednode-config redpak bench_parse_plan \
    spawn_timer min_launcher >/dev/null
cmake -S "$SRC" -B "$BUILD-static" -DCMAKE_BUILD_TYPE=Release -DREDPAK_STATIC=ON \
    -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD-static" -j"$(nproc)" --target redwrap >/dev/null
REDWRAP=$BUILD/redwrap/redwrap
REDWRAP_BASE=""
if [ -n "$BASELINE" ]; then
    BASE_REV=$(git -C "$SRC" rev-parse --short "$BASELINE")
    log "building $BASE_REV (--baseline) in $BUILD-baseline"
    rm -rf "$BUILD-baseline/src"
    mkdir -p "$BUILD-baseline/src"
    git -C "$SRC" archive "$BASE_REV" | tar -x -C "$BUILD-baseline/src"
    cmake -S "$BUILD-baseline/src" -B "$BUILD-baseline/build" -DCMAKE_BUILD_TYPE=Release \
        -DREDPAK_TESTS=OFF -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$BUILD-baseline/build" -j"$(nproc)" --target redwrap >/dev/null
    REDWRAP_BASE=$BUILD-baseline/build/redwrap/redwrap
fi
REDWRAP_STATIC=$BUILD-static/redwrap/redwrap
TIMER=$BUILD/bench/spawn_timer
MIN_LAUNCHER=$BUILD/bench/min_launcher
W=$BUILD/bench-work
rm -rf "$W"
mkdir -p "$W"

# The busybox root: mount points made beforehand, since it is read-only.
ROOT=$W/root
mkdir -p "$ROOT"/{bin,proc,dev,tmp,m}
cp "$(command -v busybox)" "$ROOT/bin/busybox"
file -L "$ROOT/bin/busybox" | grep -q 'statically linked' ||
    { echo "bench/run.sh: busybox must be static (busybox-static)" >&2; exit 2; }
BIND_ARGS=()
for i in $(seq 0 99); do
    mkdir -p "$ROOT/m/$i" "$W/bindsrc/$i"
    BIND_ARGS+=(--ro-bind "$W/bindsrc/$i" "/m/$i")
done

cp "$SRC/bench/tools/launch.yaml" "$W/launch.yaml"
{
    sed '/^tmpfs:/,$d' "$W/launch.yaml"
    for i in $(seq 0 99); do
        echo "  - {type: bind, path: /m/$i, source: \"\${NODE_DIR}/bindsrc/$i\"}"
    done
    sed -n '/^tmpfs:/,$p' "$W/launch.yaml"
} >"$W/binds100.yaml"

# A cgroup parent that refuses children (cgroup.max.descendants = 0): the
# "no cgroup" variant pays one failed mkdir and nothing else.
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
NOCG=$CG2/redpak-bench-nocg
# Where redwrap makes a node's cgroup by default: under its own.
SELF_CG=$CG2$(sed -n 's/^0:://p' /proc/self/cgroup)
SELF_CG=${SELF_CG%/}
mkdir -p "$NOCG"
echo 0 >"$NOCG/cgroup.max.descendants"
trap 'rmdir "$NOCG" 2>/dev/null || true' EXIT

# Each per-feature variant is a node file of its own, not a --set on the
# command line, so that every redwrap row parses the same way.
sed 's/^namespaces: {time: host}/namespaces: {time: host, user: host}/' "$W/launch.yaml" \
    >"$W/nouser.yaml"
sed 's/^namespaces: {time: host}/namespaces: {time: host, net: host}/' "$W/launch.yaml" \
    >"$W/nonet.yaml"
{ cat "$W/launch.yaml"; echo "cgroup: {required: false, parent: $NOCG}"; } >"$W/nocg.yaml"
{ cat "$W/launch.yaml"; echo "seccomp: {base: default}"; } >"$W/seccomp.yaml"
# The Redis nodes' learned profile (default_action report, base none).
{
    cat "$W/launch.yaml"
    awk '/^seccomp:/ { f = 1; print; next } f && /^[a-z_]+:/ { f = 0 } f' "$SRC/nodes/redis.yaml"
} >"$W/seccomp_redis.yaml"
# The 1:1 id map root-started nodes had before private ranges: no range to
# pick and lock, no idmapped root (its warning goes to the timer's /dev/null).
{ cat "$W/launch.yaml"; echo "user_namespace: identity"; } >"$W/identity.yaml"

BW=(bwrap --unshare-all --ro-bind "$ROOT" / --proc /proc --dev /dev --tmpfs /tmp)
BW_NOUSER=(bwrap --unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup
           --ro-bind "$ROOT" / --proc /proc --dev /dev --tmpfs /tmp)
BW_NONET=("${BW[@]}" --share-net)
BW_BINDS=("${BW[@]}" "${BIND_ARGS[@]}")
RW=("$REDWRAP" --node "$W/launch.yaml")
TRUE=(/bin/busybox true)

for v in "${BW[*]} ${TRUE[*]}" "${RW[*]}" "$MIN_LAUNCHER $ROOT ${TRUE[*]}" \
         "$MIN_LAUNCHER --cgroup $SELF_CG $ROOT ${TRUE[*]}" "$REDWRAP --node $W/nouser.yaml" \
         "$REDWRAP --node $W/nonet.yaml" "$REDWRAP --node $W/nocg.yaml" \
         "$REDWRAP --node $W/seccomp.yaml" "$REDWRAP --node $W/identity.yaml" \
         "$REDWRAP --node $W/seccomp_redis.yaml"; do
    $v >/dev/null 2>&1 || { echo "bench/run.sh: does not run: $v" >&2; exit 1; }
done

BASE_VARIANT=()
N_VARIANTS=16
if [ -n "$REDWRAP_BASE" ]; then
    BASE_VARIANT=(-- redwrap_base "$REDWRAP_BASE" --node "$W/launch.yaml")
    N_VARIANTS=17
fi
log "launch: $RUNS runs of $N_VARIANTS variants, interleaved"
"$TIMER" -n "$RUNS" -w 10 -i -- \
    bare "${TRUE[@]}" -- \
    minimal "$MIN_LAUNCHER" "$ROOT" "${TRUE[@]}" -- \
    minimal_cg "$MIN_LAUNCHER" --cgroup "$SELF_CG" "$ROOT" "${TRUE[@]}" -- \
    bwrap "${BW[@]}" "${TRUE[@]}" -- \
    redwrap "${RW[@]}" -- \
    redwrap_static "$REDWRAP_STATIC" --node "$W/launch.yaml" -- \
    bwrap_nouser "${BW_NOUSER[@]}" "${TRUE[@]}" -- \
    redwrap_nouser "$REDWRAP" --node "$W/nouser.yaml" -- \
    bwrap_nonet "${BW_NONET[@]}" "${TRUE[@]}" -- \
    redwrap_nonet "$REDWRAP" --node "$W/nonet.yaml" -- \
    redwrap_nocg "$REDWRAP" --node "$W/nocg.yaml" -- \
    redwrap_seccomp "$REDWRAP" --node "$W/seccomp.yaml" -- \
    redwrap_seccomp_redis "$REDWRAP" --node "$W/seccomp_redis.yaml" -- \
    redwrap_identity "$REDWRAP" --node "$W/identity.yaml" -- \
    bwrap_binds "${BW_BINDS[@]}" "${TRUE[@]}" -- \
    redwrap_binds "$REDWRAP" --node "$W/binds100.yaml" "${BASE_VARIANT[@]}" >"$W/launch.txt"
# label median p90 min cpu runs
med() { awk -v l="$1" '$1 == l { print $2 }' "$W/launch.txt"; }
p90() { awk -v l="$1" '$1 == l { print $3 }' "$W/launch.txt"; }
BARE=$(med bare)
ov() { calc "$(med "$1") - $BARE"; }

echo "## Launch: \`busybox true\` in a fresh node ($RUNS runs each, interleaved; microseconds)"
echo
echo "| variant | bubblewrap median | p90 | redwrap median | p90 |"
echo "|---|---:|---:|---:|---:|"
echo "| bare \`busybox true\` (no sandbox) | $BARE | $(p90 bare) | | |"
echo "| the floor: bench/tools/min_launcher.c, the same namespaces and mounts and nothing else | $(med minimal) | $(p90 minimal) | | |"
echo "| the floor with a cgroup of its own (min_launcher --cgroup), as node-format.md promises every node | $(med minimal_cg) | $(p90 minimal_cg) | | |"
echo "| full: all namespaces, ro root, proc, dev, tmpfs | $(med bwrap) | $(p90 bwrap) | $(med redwrap) | $(p90 redwrap) |"
echo "| the same, static redwrap (REDPAK_STATIC=ON) | | | $(med redwrap_static) | $(p90 redwrap_static) |"
echo "| without user namespace | $(med bwrap_nouser) | $(p90 bwrap_nouser) | $(med redwrap_nouser) | $(p90 redwrap_nouser) |"
echo "| without network namespace | $(med bwrap_nonet) | $(p90 bwrap_nonet) | $(med redwrap_nonet) | $(p90 redwrap_nonet) |"
echo "| without a cgroup of its own | (none) | | $(med redwrap_nocg) | $(p90 redwrap_nocg) |"
echo "| with the default seccomp profile | | | $(med redwrap_seccomp) | $(p90 redwrap_seccomp) |"
echo "| with the Redis nodes' learned seccomp profile | | | $(med redwrap_seccomp_redis) | $(p90 redwrap_seccomp_redis) |"
echo "| with \`user_namespace: identity\` (no private id range, no idmapped root) | | | $(med redwrap_identity) | $(p90 redwrap_identity) |"
echo "| with 100 read-only bind mounts | $(med bwrap_binds) | $(p90 bwrap_binds) | $(med redwrap_binds) | $(p90 redwrap_binds) |"
[ -z "$REDWRAP_BASE" ] ||
    echo "| full, redwrap at $BASE_REV (--baseline) | | | $(med redwrap_base) | $(p90 redwrap_base) |"
echo
BW_OV=$(ov bwrap)
RW_OV=$(ov redwrap)
RWS_OV=$(ov redwrap_static)
MIN_OV=$(ov minimal)
MINCG_OV=$(ov minimal_cg)
echo "| cost (medians' difference) | bubblewrap | redwrap |"
echo "|---|---:|---:|"
echo "| overhead over bare \`busybox true\` | $BW_OV | $RW_OV (static: $RWS_OV) |"
echo "| the floor's overhead (min_launcher; with a cgroup of its own) | $MIN_OV; $MINCG_OV | |"
echo "| user namespace | $(calc "$(med bwrap) - $(med bwrap_nouser)") | $(calc "$(med redwrap) - $(med redwrap_nouser)") |"
echo "| network namespace | $(calc "$(med bwrap) - $(med bwrap_nonet)") | $(calc "$(med redwrap) - $(med redwrap_nonet)") |"
echo "| cgroup of its own (mkdir, clone into it, rmdir) | | $(calc "$(med redwrap) - $(med redwrap_nocg)") |"
echo "| seccomp default profile (second start on: read from the cache, load) | | $(calc "$(med redwrap_seccomp) - $(med redwrap)") |"
echo "| seccomp, the Redis nodes' learned profile (the same) | | $(calc "$(med redwrap_seccomp_redis) - $(med redwrap)") |"
echo "| private id range (pick, lock) and idmapped root, against the identity map | | $(calc "$(med redwrap) - $(med redwrap_identity)") |"
echo "| 100 bind mounts | $(calc "$(med bwrap_binds) - $(med bwrap)") | $(calc "$(med redwrap_binds) - $(med redwrap)") |"
echo
for which in dynamic static; do
    ov_=$RW_OV
    [ "$which" = static ] && ov_=$RWS_OV
    st=0; awk -v r="$ov_" -v b="$BW_OV" 'BEGIN { exit !(r <= b / 2) }' || st=1
    verdict $st
    echo "Target: redwrap's overhead <= half of bubblewrap's, $which ($ov_ <= $(calc "$BW_OV / 2")): $V"
    echo
done
# What the target asks, against what the kernel's own work allows here.
echo "Ratios to bubblewrap's overhead: redwrap $(awk -v r="$RW_OV" -v b="$BW_OV" 'BEGIN { printf "%.2f", r / b }'), static redwrap $(awk -v r="$RWS_OV" -v b="$BW_OV" 'BEGIN { printf "%.2f", r / b }'), the floor (min_launcher) $(awk -v r="$MIN_OV" -v b="$BW_OV" 'BEGIN { printf "%.2f", r / b }'), the floor with a cgroup $(awk -v r="$MINCG_OV" -v b="$BW_OV" 'BEGIN { printf "%.2f", r / b }')."
echo
echo

# Footprint: the two long-lived processes of each, while the node runs.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# PSS: each shared page counted once across the processes that map it.
pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
child_of() { # the first child of $1, waiting for it to exist
    local c
    for _ in $(seq 500); do
        c=$(cat /proc/"$1"/task/*/children 2>/dev/null | awk '{ print $1; exit }')
        [ -n "$c" ] && { echo "$c"; return; }
        sleep 0.01
    done
    echo "bench/run.sh: no child of $1" >&2
    exit 1
}
# Read 0.5 s into the node: redwrap and its init have let go of their set-up
# pages by then (RP_TRIM_AFTER_MS, 100 ms), as in a service that runs on.
footprint() { # footprint CMD... -> "SUP_RSS INIT_RSS SUP_PSS INIT_PSS" once the workload runs
    "$@" >/dev/null 2>&1 &
    local sup=$! init work
    init=$(child_of "$sup")
    work=$(child_of "$init")
    sleep 0.5
    echo "$(rss_kib "$sup") $(rss_kib "$init") $(pss_kib "$sup") $(pss_kib "$init")"
    kill -TERM "$sup"
    wait "$sup" 2>/dev/null || true
}
log "footprint"
read -r BW_SUP BW_INIT BW_SUP_PSS BW_INIT_PSS < <(footprint "${BW[@]}" /bin/busybox sleep 60)
read -r RW_SUP RW_INIT RW_SUP_PSS RW_INIT_PSS < \
    <(footprint "$REDWRAP" --node "$W/launch.yaml" -- /bin/busybox sleep 60)
read -r RWS_SUP RWS_INIT RWS_SUP_PSS RWS_INIT_PSS < \
    <(footprint "$REDWRAP_STATIC" --node "$W/launch.yaml" -- /bin/busybox sleep 60)
if [ -n "$REDWRAP_BASE" ]; then
    read -r RWB_SUP RWB_INIT RWB_SUP_PSS RWB_INIT_PSS < \
        <(footprint "$REDWRAP_BASE" --node "$W/launch.yaml" -- /bin/busybox sleep 60)
fi
stripped() { strip --strip-all -o "$W/stripped" "$1" && stat -c %s "$W/stripped"; }
S_RW=$(stripped "$REDWRAP")
S_RC=$(stripped "$BUILD/rednode-config/rednode-config")
S_LIB=$(stripped "$(readlink -f "$BUILD/libredpak/libredpak.so")")
S_BW=$(stripped "$(command -v bwrap)")
S_RWS=$(stripped "$REDWRAP_STATIC")
echo "## Footprint (KiB)"
echo
echo "| | bubblewrap | redwrap | target | | static redwrap | |"
echo "|---|---:|---:|---|---|---:|---|"
st=0; [ "$RW_SUP" -lt "$BW_SUP" ] || st=1; verdict $st; v1=$V
st=0; [ "$RWS_SUP" -lt "$BW_SUP" ] || st=1; verdict $st
echo "| RSS of the supervisor (outside the node) | $BW_SUP | $RW_SUP | below bubblewrap's | $v1 | $RWS_SUP | $V |"
st=0; [ "$RW_INIT" -lt "$BW_INIT" ] || st=1; verdict $st; v1=$V
st=0; [ "$RWS_INIT" -lt "$BW_INIT" ] || st=1; verdict $st
echo "| RSS of the node's init (PID 1) | $BW_INIT | $RW_INIT | below bubblewrap's | $v1 | $RWS_INIT | $V |"
echo "| PSS of the supervisor | $BW_SUP_PSS | $RW_SUP_PSS | | | $RWS_SUP_PSS | |"
echo "| PSS of the node's init | $BW_INIT_PSS | $RW_INIT_PSS | | | $RWS_INIT_PSS | |"
st=0; [ "$S_RW" -lt $((150 * 1024)) ] || st=1; verdict $st
echo "| stripped binary (shared libraries aside; redwrap has libredpak inside) | $(kib "$S_BW") | $(kib "$S_RW") | < 150 | $V | $(kib "$S_RWS") | |"
echo "| stripped rednode-config | | $(kib "$S_RC") | | | | |"
echo "| stripped libredpak.so | | $(kib "$S_LIB") | | | | |"
if [ -n "$REDWRAP_BASE" ]; then
    echo "| redwrap at $BASE_REV (--baseline): RSS supervisor, init; PSS supervisor, init | | $RWB_SUP, $RWB_INIT; $RWB_SUP_PSS, $RWB_INIT_PSS | | | | |"
    echo "| redwrap at $BASE_REV: stripped binary; libredpak.so | | $(kib "$(stripped "$REDWRAP_BASE")"); $(kib "$(stripped "$(readlink -f "$BUILD-baseline/build/libredpak/libredpak.so")")") | | | | |"
fi
echo
echo "redwrap's shared libraries: $(ldd "$REDWRAP" | awk '/=>/ { printf "%s ", $1 }')"
echo

log "parse + plan"
echo "## Parse + plan (bench/parse_plan.c)"
echo
echo '```'
"$BUILD/bench/bench_parse_plan" || fails=$((fails + 1))
echo '```'
echo

if [ -n "$SCALE" ]; then
    log "scale: $SCALE Redis nodes"
    echo "## Scale: Redis nodes started at once (nodes/redis.yaml, one folder each)"
    echo
    echo "| nodes | all answer PING (ms) | median node (ms) | ms per node | RSS per node (KiB) | PSS per node (KiB) | MemAvailable drop per node (KiB) | total PSS (MiB) | total MemAvailable drop (MiB) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    # shellcheck disable=SC2086
    python3 "$SRC/bench/tools/redis_scale.py" "$REDWRAP" "$SRC/nodes/redis.yaml" "$W/scale" $SCALE \
        >"$W/scale.txt" || fails=$((fails + 1))
    awk '{ printf "| %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f |\n", $1, $2, $3, $4, $5, $6, $7,
                  $1 * $6 / 1024, $1 * $7 / 1024 }' "$W/scale.txt"
    echo
    # Linear or better: the time per node at the largest N is at most 1.25
    # times that at the smallest (start-up is CPU work on 2 cores: it cannot
    # beat linear by much, it must not grow like N^2).
    read -r first last < <(awk 'NR == 1 { f = $4 } { l = $4 } END { print f, l }' "$W/scale.txt")
    st=0; awk -v f="$first" -v l="$last" 'BEGIN { exit !(l <= 1.25 * f) }' || st=1; verdict $st
    echo "Target: start time grows linearly or better (ms per node at the most nodes <= 1.25 x at the fewest: $last vs $first): $V"
    echo
fi

if [ "$CROSS" = 1 ]; then
    echo "## Cross-builds (scripts/cross-build.sh: build + unit tests under qemu-user)"
    echo
    for arch in arm64 armhf; do
        t0=$(date +%s)
        "$SRC/scripts/cross-build.sh" "$arch" >"$W/cross-$arch.log" 2>&1 && r=PASS || { r=FAIL; fails=$((fails + 1)); }
        echo "- $arch: $(($(date +%s) - t0)) s, $r"
    done
    echo
fi

if [ "$THROUGHPUT" = 1 ]; then
    if [ -x "$SRC/bench/redis_throughput.sh" ]; then
        echo "## Redis throughput (bench/redis_throughput.sh)"
        echo
        REDWRAP=$REDWRAP "$SRC/bench/redis_throughput.sh" || fails=$((fails + 1))
        echo
    else
        log "bench/redis_throughput.sh is not there: skipped"
    fi
fi

echo "Machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(bwrap --version)."
echo "Failed targets: $fails"
[ "$fails" -eq 0 ]
