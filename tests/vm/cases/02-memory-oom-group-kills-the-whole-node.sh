# SPDX-License-Identifier: Apache-2.0
# memory.oom.group: the OOM killer takes every process of the node, not
# only the hog: the sleeper beside it dies too, so the node (wait: all)
# ends at once instead of after 1000 s.
. /vmtest/lib.sh
f=$(node oomgroup "cgroup:" "  items: {memory.max: 32M, memory.swap.max: 0, memory.oom.group: 1}")
timeout 60 redwrap --node "$f" -- /bin/sh -c '/bin/sleep 1000 & /usr/local/bin/hog 256; echo survived' \
    > /tmp/out 2> /tmp/err
rc=$?
cat /tmp/out /tmp/err
[ $rc -eq 137 ] || fail "redwrap exited $rc, expected 137 (124: the sleeper kept the node alive)"
grep -q survived /tmp/out && fail "the shell outlived the OOM kill"
grep -q "the whole node was killed by the kernel's OOM killer.*memory.oom.group 1" /tmp/err ||
    fail "redwrap did not report the group kill"
running '/bin/sleep 1000' && fail "the sleeper survived"
no_cgroup_left oomgroup
