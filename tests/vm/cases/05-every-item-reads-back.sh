# SPDX-License-Identifier: Apache-2.0
# All fifteen items at once: each file of the node's cgroup reads back what
# the node asked for, in the kernel's syntax.
. /vmtest/lib.sh
handshake_reset
dev=$(stat -L -c '%t:%T' /dev/vdb)
devno="$(printf '%d:%d' "0x${dev%:*}" "0x${dev#*:}")"
f=$(node items \
    "cgroup:" \
    "  items:" \
    "    cpuset.cpus: \"1\"" \
    "    cpuset.mems: \"0\"" \
    "    cpuset.cpus.partition: root" \
    "    cpu.weight: 250" \
    "    cpu.max: \"50000 100000\"" \
    "    io.max: \"/dev/vdb rbps=2097152 wbps=1M\"" \
    "    io.weight: 200" \
    "    memory.min: 8M" \
    "    memory.low: 16M" \
    "    memory.high: 200M" \
    "    memory.max: 256M" \
    "    memory.swap.high: 64M" \
    "    memory.swap.max: 128M" \
    "    memory.oom.group: 1" \
    "    pids.max: 64")
redwrap --node "$f" -- /bin/sh -c \
    'touch /share/ready-items; while [ ! -e /share/go-items ]; do sleep 0.1; done' > /tmp/out 2> /tmp/err &
pid=$!
wait_for "$SHARE/ready-items" || { cat /tmp/err; fail "the node did not start"; }
cg=$(cg_of items) || fail "no cgroup for the node"
bad=0
expect() {
    got=$(cat "$cg/$1")
    if [ "$got" = "$2" ]; then
        echo "$1: $got"
    else
        echo "$1: got '$got', expected '$2'"
        bad=1
    fi
}
expect cpuset.cpus 1
expect cpuset.mems 0
expect cpuset.cpus.partition root
expect cpu.weight 250
expect cpu.max "50000 100000"
expect io.max "$devno rbps=2097152 wbps=1048576 riops=max wiops=max"
expect io.weight "default 200"
expect memory.min 8388608
expect memory.low 16777216
expect memory.high 209715200
expect memory.max 268435456
expect memory.swap.high 67108864
expect memory.swap.max 134217728
expect memory.oom.group 1
expect pids.max 64
touch "$SHARE/go-items"
wait $pid
rc=$?
cat /tmp/err
[ $rc -eq 0 ] || fail "redwrap exited $rc"
[ $bad -eq 0 ] || fail "an item did not read back"
no_cgroup_left items
