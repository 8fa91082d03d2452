#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The launch phase table of docs/performance.md: where a launch's time goes,
# from perf's tracepoints (sched_process_exec/fork/exit, clone3, vfork,
# wait4; Debian: linux-perf), launchers interleaved launch by launch, medians
# in ms. Tracing slows every launcher alike.
#
#   sudo bench/launch_phases.sh [-n RUNS] LABEL=LAUNCHER_CMD... 
#
# Each LAUNCHER_CMD is one quoted command whose first word is the launcher's
# path (an absolute path, as its exec's filename): for instance
#   "min_launcher=build-release/bench/min_launcher --cgroup CG ROOT /bin/busybox true"
#   "redwrap=build-release/redwrap/redwrap --node build-release/bench-work/launch.yaml"
# The workload must be /bin/busybox (in the node) and the launcher must
# start it with vfork from the node's first process, as both do.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
RUNS=100
if [ "${1:-}" = -n ]; then RUNS=$2; shift 2; fi
[ "$(id -u)" -eq 0 ] || { echo "bench/launch_phases.sh: run as root" >&2; exit 2; }
command -v perf >/dev/null || { echo "bench/launch_phases.sh: needs perf (linux-perf)" >&2; exit 2; }
W=$(mktemp -d /tmp/redpak-phases.XXXXXX)
trap 'rm -rf "$W"' EXIT
labels=()
{
    echo "for i in \$(seq $RUNS); do"
    for a in "$@"; do
        cmd=${a#*=}
        path=$(readlink -f "${cmd%% *}")
        labels+=("${a%%=*}=$path")
        echo "    $path ${cmd#* } >/dev/null 2>&1"
    done
    echo "done"
} >"$W/loop.sh"
perf record -q -o "$W/perf.data" \
    -e sched:sched_process_exec,sched:sched_process_exit,sched:sched_process_fork \
    -e syscalls:sys_enter_clone3,syscalls:sys_exit_clone3,syscalls:sys_enter_vfork \
    -e syscalls:sys_exit_wait4 -- sh "$W/loop.sh" >/dev/null 2>&1
perf script -i "$W/perf.data" -F comm,pid,tid,time,event,trace 2>/dev/null |
    python3 "$SRC/bench/tools/launch_phases.py" "${labels[@]}"
