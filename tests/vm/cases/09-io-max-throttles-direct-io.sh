# SPDX-License-Identifier: Apache-2.0
# io.max: direct writes and reads of 8 MiB on the io disk go no faster than
# wbps=1M and rbps=2M (the block layer charges each bio to the node's
# cgroup); io.weight reads back.
. /vmtest/lib.sh
handshake_reset
f=$(node iomax "  - {type: bind, path: /io, source: /mnt/io, readonly: false}" \
    "cgroup:" "  items: {io.max: \"/dev/vdb rbps=2M wbps=1M\", io.weight: 300}")
redwrap --node "$f" -- /bin/sh -c '
    t0=$(cut -d" " -f1 /proc/uptime)
    dd if=/dev/zero of=/io/f bs=64k count=128 oflag=direct 2>/dev/null
    t1=$(cut -d" " -f1 /proc/uptime)
    dd if=/io/f of=/dev/null bs=64k iflag=direct 2>/dev/null
    t2=$(cut -d" " -f1 /proc/uptime)
    echo "$t0 $t1 $t2" > /share/ready-io
    while [ ! -e /share/go-io ]; do sleep 0.1; done' > /tmp/out 2> /tmp/err &
pid=$!
wait_for "$SHARE/ready-io" 600 || { cat /tmp/err; fail "dd did not finish"; }
cg=$(cg_of iomax) || fail "no cgroup for the node"
weight=$(cat "$cg/io.weight")
echo "io.max $(cat "$cg/io.max"); io.stat $(cat "$cg/io.stat")"
touch "$SHARE/go-io"
wait $pid
set -- $(cat "$SHARE/ready-io")
w=$(echo "$1 $2" | awk '{ printf "%.0f", 8388608 / ($2 - $1) }')
r=$(echo "$2 $3" | awk '{ printf "%.0f", 8388608 / ($2 - $1) }')
echo "direct write: $w bytes/s against wbps=1048576; direct read: $r bytes/s against rbps=2097152 (5% allowed over: one slice is granted first); io.weight $weight"
# 5% over: the throttle grants a slice's budget before it measures.
[ "$w" -le 1101004 ] || fail "writes ran at $w bytes/s"
[ "$w" -ge 524288 ] || fail "writes ran at only $w bytes/s"
[ "$r" -le 2202009 ] || fail "reads ran at $r bytes/s"
[ "$weight" = "default 300" ] || fail "io.weight reads back $weight"
rm -f /mnt/io/f
no_cgroup_left iomax
