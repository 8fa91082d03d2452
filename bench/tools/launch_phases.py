#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reads `perf script -F comm,pid,tid,time,event,trace` of launches recorded
by bench/launch_phases.sh and prints the median of each phase per launcher
(in ms), a Markdown table. A launch: the launcher's exec, its clone3 of the
node's first process, the first process's vfork of the workload, the
workload's exec and exit, the first process's exit, the launcher's wait4 that
reaps it, the launcher's exit.

    launch_phases.py LABEL=PATH... < perf-script-output
"""
import re
import statistics
import sys

PHASES = [
    ("exec of the launcher to `clone3`", "exec", "c0"),
    ("`clone3` (the namespaces)", "c0", "c1"),
    ("the first process's set-up (mounts, `pivot_root`)", "c1", "v"),
    ("`vfork` to `execve` of the workload", "v", "e"),
    ("`busybox true`", "e", "bx"),
    ("its exit to init's exit", "bx", "ix"),
    ("init's exit (namespace teardown) to the launcher's `wait4`", "ix", "w"),
    ("to the launcher's exit (cgroup removal)", "w", "lx"),
]

LINE = re.compile(r"^\s*(\S.*?)\s+(\d+)/(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)$")


def main():
    labels = dict(a.split("=", 1) for a in sys.argv[1:])
    by_path = {v: k for k, v in labels.items()}
    launches = {}  # launcher pid -> record
    owner = {}  # pid -> launcher pid (the tree of each launch)
    done = {k: [] for k in labels}
    for line in sys.stdin:
        m = LINE.match(line)
        if not m:
            continue
        _comm, pid, _tid, t, event, trace = m.groups()
        pid, t = int(pid), float(t) * 1000.0
        if event == "sched:sched_process_exec":
            fn = re.search(r"filename=(\S+)", trace).group(1)
            if fn in by_path:
                launches[pid] = {"label": by_path[fn], "exec": t}
                owner[pid] = pid
                continue
            if fn == "/bin/busybox" and pid in owner and owner[pid] != pid:
                r = launches.get(owner[pid])
                if r is not None and "e" not in r:
                    r["e"], r["B"] = t, pid
            continue
        if event == "sched:sched_process_fork":
            child = int(re.search(r"child_pid=(\d+)", trace).group(1))
            if pid in owner:
                owner[child] = owner[pid]
            continue
        L = owner.get(pid)
        r = launches.get(L) if L is not None else None
        if r is None:
            continue
        if event == "syscalls:sys_enter_clone3" and pid == L and "c0" not in r:
            r["c0"] = t
        elif event == "syscalls:sys_exit_clone3" and pid == L and "c1" not in r:
            ret = int(trace.split()[-1], 16)
            if 0 < ret < 1 << 31:
                r["c1"], r["C"] = t, ret
        elif event == "syscalls:sys_enter_vfork" and "e" not in r:
            r["v"] = t
        elif event == "sched:sched_process_exit":
            if pid == r.get("B"):
                r["bx"] = t
            elif pid == r.get("C"):
                r["ix"] = t
            elif pid == L:
                r["lx"] = t
                if all(k in r for _, a, b in PHASES for k in (a, b)):
                    done[r["label"]].append(r)
                del launches[L]
        elif event == "syscalls:sys_exit_wait4" and pid == L and "w" not in r:
            if int(trace.split()[-1], 16) == r.get("C"):
                r["w"] = t
    names = list(labels)
    print("| phase | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for title, a, b in PHASES:
        cells = []
        for n in names:
            v = [r[b] - r[a] for r in done[n]]
            cells.append("%.2f" % statistics.median(v) if v else "-")
        print("| %s | %s |" % (title, " | ".join(cells)))
    tot = []
    for n in names:
        v = [r["lx"] - r["exec"] for r in done[n]]
        tot.append("%.2f" % statistics.median(v) if v else "-")
    print("| total | %s |" % " | ".join(tot))
    print()
    print("launches parsed: " + ", ".join("%s %d" % (n, len(done[n])) for n in names))


if __name__ == "__main__":
    main()
