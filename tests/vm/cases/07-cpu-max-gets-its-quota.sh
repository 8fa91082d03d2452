# SPDX-License-Identifier: Apache-2.0
# cpu.max "20000 100000": a busy loop gets about 20% of one CPU, measured
# from cpu.stat usage_usec over wall time; nr_throttled counts the periods
# it was stopped in. cpu.weight reads back.
. /vmtest/lib.sh
f=$(node cpumax "cgroup:" "  items: {cpu.max: \"20000 100000\", cpu.weight: 50}")
redwrap --node "$f" -- /bin/timeout 8 /bin/sh -c 'while :; do :; done' > /tmp/out 2> /tmp/err &
pid=$!
cg=$(cg_of cpumax) || fail "no cgroup for the node"
sleep 1
u0=$(field "$cg/cpu.stat" usage_usec); t0=$(cut -d' ' -f1 /proc/uptime)
sleep 4
u1=$(field "$cg/cpu.stat" usage_usec); t1=$(cut -d' ' -f1 /proc/uptime)
throttled=$(field "$cg/cpu.stat" nr_throttled)
weight=$(cat "$cg/cpu.weight")
wait $pid
share=$(echo "$u0 $u1 $t0 $t1" | awk '{ printf "%.3f", ($2 - $1) / 1e6 / ($4 - $3) }')
echo "cpu.max 20000 100000: measured share $share of one CPU, nr_throttled $throttled, cpu.weight $weight"
echo "$share" | awk '{ exit !($1 >= 0.16 && $1 <= 0.24) }' || fail "share $share is not within 20% of 0.20"
[ "${throttled:-0}" -gt 0 ] || fail "nr_throttled is ${throttled:-missing}"
[ "$weight" = 50 ] || fail "cpu.weight reads back $weight"
no_cgroup_left cpumax
