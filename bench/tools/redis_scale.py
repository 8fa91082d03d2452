#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""redis_scale: start N Redis nodes at once, time each until it answers PING.

Usage: redis_scale.py REDWRAP NODE_FILE WORKDIR N [N...]

For each N (in turn): makes WORKDIR/N/nodeI/ (I = 1..N) with a copy of
NODE_FILE, so each node has its own ${NODE_DIR}/data and
${NODE_DIR}/socket/redis.sock; starts the N redwraps back to back; polls
every socket until it answers +PONG (each poll a fresh connection, as a
client would); then, with all N up, reads the memory of every node's
processes (redwrap's supervisor, the node's init, redis-server: RSS and
PSS, from /proc/PID/smaps_rollup) and how much MemAvailable fell; stops
them with SIGTERM and waits for every redwrap to exit.

Prints one line per N (times in milliseconds, memory in KiB):
  N LAST_READY_MS MEDIAN_READY_MS MS_PER_NODE RSS_PER_NODE PSS_PER_NODE AVAIL_PER_NODE
Exit status 1 if a node fails to start or answer within 60 s.
"""
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

TIMEOUT_S = 60.0


def meminfo_available_kib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    raise RuntimeError("no MemAvailable")


def descendants(pid):
    """pid and every process below it, from /proc/PID/task/TID/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except FileNotFoundError:
            pass
    return out


def rss_pss_kib(pid):
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return rss, pss


def pong(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1.0)
    try:
        s.connect(path)
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False
    finally:
        s.close()


def run(redwrap, node_file, workdir, n):
    base = os.path.join(workdir, str(n))
    shutil.rmtree(base, ignore_errors=True)
    dirs = []
    for i in range(1, n + 1):
        d = os.path.join(base, f"node{i}")
        os.makedirs(d)
        shutil.copy(node_file, os.path.join(d, "redis.yaml"))
        dirs.append(d)
    log = open(os.path.join(base, "redwrap.log"), "w")
    avail0 = meminfo_available_kib()

    t0 = time.monotonic()
    procs = [subprocess.Popen([redwrap, "--node", os.path.join(d, "redis.yaml")],
                              stdin=subprocess.DEVNULL, stdout=log, stderr=log)
             for d in dirs]
    ready = [None] * n
    ok = True
    while None in ready:
        now = time.monotonic() - t0
        if now > TIMEOUT_S:
            ok = False
            break
        for i, d in enumerate(dirs):
            if ready[i] is None:
                if procs[i].poll() is not None:
                    print(f"redis_scale: node {i + 1} exited with {procs[i].returncode}"
                          f" (see {base}/redwrap.log)", file=sys.stderr)
                    ok = False
                    ready[i] = float("nan")
                elif pong(os.path.join(d, "socket", "redis.sock")):
                    ready[i] = (time.monotonic() - t0) * 1000.0
        time.sleep(0.002)

    # Memory with all N up: every process of every node.
    rss = pss = 0
    for p in procs:
        for pid in descendants(p.pid):
            r, s = rss_pss_kib(pid)
            rss += r
            pss += s
    avail1 = meminfo_available_kib()

    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    log.close()
    if not ok:
        return None
    return (n, max(ready), statistics.median(ready), max(ready) / n, rss / n, pss / n,
            (avail0 - avail1) / n)


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    redwrap, node_file, workdir = sys.argv[1:4]
    status = 0
    for arg in sys.argv[4:]:
        r = run(redwrap, node_file, workdir, int(arg))
        if r is None:
            status = 1
            continue
        print("%d %.0f %.0f %.2f %.0f %.0f %.0f" % r, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
