# SPDX-License-Identifier: Apache-2.0
# Without a cgroup section the node still gets a cgroup of its own, so a
# daemon that left the workload's process tree (wait: main) is ended by
# teardown with the rest (pid: host, so no pid namespace does it instead;
# the node's own user namespace with its private id range, so no /proc:
# pid: host with host root inside is refused).
. /vmtest/lib.sh
f=$(NOPROC=1 node bare "namespaces: {pid: host}" "process: {wait: main}")
redwrap -v --node "$f" -- /bin/sh -c '(setsid /bin/sleep 777 &) ; exit 0' 2> /tmp/err
rc=$?
cat /tmp/err
[ $rc -eq 0 ] || fail "redwrap exited $rc"
grep -q 'cgroup: created' /tmp/err || fail "no cgroup was made"
sleep 0.2
left=$(running '/bin/sleep 777')
[ -z "$left" ] || fail "the daemon survived: $left"
no_cgroup_left bare
