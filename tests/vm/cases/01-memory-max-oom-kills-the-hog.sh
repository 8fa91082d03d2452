# SPDX-License-Identifier: Apache-2.0
# memory.max: a hog past the limit is killed by the kernel's OOM killer in
# the node's cgroup; redwrap exits 137 and says it was the cgroup's OOM.
. /vmtest/lib.sh
f=$(node memmax "cgroup:" "  items: {memory.max: 32M, memory.swap.max: 0}")
redwrap --node "$f" -- /usr/local/bin/hog 256 > /tmp/out 2> /tmp/err
rc=$?
cat /tmp/err
[ $rc -eq 137 ] || fail "redwrap exited $rc, expected 137"
grep -q "killed by the kernel's OOM killer in its cgroup (memory.max 33554432, oom_kill 1)" /tmp/err ||
    fail "redwrap did not say the cgroup's OOM killer acted"
no_cgroup_left memmax
