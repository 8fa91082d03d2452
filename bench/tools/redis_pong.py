#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""redis_pong: time from starting Redis to its first PONG, in a node and bare.

Usage: redis_pong.py REDWRAP NODE_FILE WORKDIR RUNS

Each run, alternately: (a) `REDWRAP --node WORKDIR/node/NODE_FILE's copy`
(nodes/redis.yaml: its socket is ${NODE_DIR}/socket/redis.sock); (b) the
same redis-server bare on the host, as the redis user, with the node's
settings (port 0, the unix socket, dir, no save) in WORKDIR/bare. The clock
starts just before the launcher's fork and stops when a fresh connection to
the socket answers +PONG (polled every 0.1 ms); then SIGTERM, and the next
run waits for the process to end. Prints the medians (ms) and the ratio:
  node MEDIAN_MS bare MEDIAN_MS ratio RATIO
Exit status 1 if a start does not answer within 30 s.
"""
import os
import pwd
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redis_scale import pong  # noqa: E402 (one PING over a fresh connection)


def first_pong(argv, sock, **kw):
    if os.path.exists(sock):
        os.unlink(sock)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    while not pong(sock):
        if time.monotonic() - t0 > 30 or p.poll() is not None:
            p.kill()
            sys.exit("redis_pong: no PONG from " + " ".join(argv))
        time.sleep(0.0001)
    t = (time.monotonic() - t0) * 1000.0
    p.send_signal(signal.SIGTERM)
    p.wait()
    return t


def main():
    redwrap, node_file, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    redis = pwd.getpwnam("redis")
    node_dir = os.path.join(work, "node")
    bare_dir = os.path.join(work, "bare")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(node_dir)
    os.makedirs(bare_dir)
    os.chown(bare_dir, redis.pw_uid, redis.pw_gid)
    node = os.path.join(node_dir, "redis.yaml")
    shutil.copy(node_file, node)
    node_sock = os.path.join(node_dir, "socket", "redis.sock")
    bare_sock = os.path.join(bare_dir, "redis.sock")
    conf = os.path.join(bare_dir, "redis.conf")
    with open(conf, "w") as f:
        f.write("port 0\nunixsocket %s\nunixsocketperm 770\ndir %s\ndaemonize no\n"
                'logfile ""\nsave ""\nappendonly no\nmaxclients 10000\n' % (bare_sock, bare_dir))
    bare = ["setpriv", "--reuid=%d" % redis.pw_uid, "--regid=%d" % redis.pw_gid,
            "--clear-groups", "--", shutil.which("redis-server"), conf]
    # setpriv's own exec is part of the bare start, as redwrap's is of the node's.
    first_pong([redwrap, "--node", node], node_sock)  # fills the seccomp cache
    tn, tb = [], []
    for _ in range(runs):
        tn.append(first_pong([redwrap, "--node", node], node_sock))
        tb.append(first_pong(bare, bare_sock))
    n, b = statistics.median(tn), statistics.median(tb)
    print("node %.2f bare %.2f ratio %.2f" % (n, b, n / b))


if __name__ == "__main__":
    main()
