# SPDX-License-Identifier: Apache-2.0
# Two nodes of the same name run at the same time, each in a cgroup of its
# own (redpak-<node>-<pid>-<random>), and both cgroups go away.
. /vmtest/lib.sh
handshake_reset
f=$(node twin "cgroup:" "  items: {pids.max: 32}")
for i in 1 2; do
    redwrap --node "$f" -- /bin/sh -c "touch /share/ready-twin$i; while [ ! -e /share/go-twin ]; do sleep 0.1; done" \
        2> /tmp/err$i &
done
wait_for "$SHARE/ready-twin1" && wait_for "$SHARE/ready-twin2" || fail "the twins did not start"
n=$(find "$CG" -maxdepth 1 -type d -name 'redpak-twin-*' | wc -l)
find "$CG" -maxdepth 1 -type d -name 'redpak-twin-*'
touch "$SHARE/go-twin"
wait
cat /tmp/err1 /tmp/err2
[ "$n" -eq 2 ] || fail "$n cgroups for two nodes"
no_cgroup_left twin
