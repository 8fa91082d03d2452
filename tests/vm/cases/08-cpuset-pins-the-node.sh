# SPDX-License-Identifier: Apache-2.0
# cpuset.cpus: the node's processes may run on the listed CPUs only, as
# the kernel says in /proc/self/status inside the node.
. /vmtest/lib.sh
for cpus in 0 1; do
    f=$(node pinned "cgroup:" "  items: {cpuset.cpus: \"$cpus\", cpuset.mems: \"0\"}")
    got=$(redwrap --node "$f" -- /bin/sh -c 'grep Cpus_allowed_list /proc/self/status' 2>/tmp/err)
    echo "cpuset.cpus $cpus: $got"
    [ "$(echo "$got" | awk '{ print $2 }')" = "$cpus" ] || { cat /tmp/err; fail "not pinned to $cpus"; }
done
no_cgroup_left pinned
