# SPDX-License-Identifier: Apache-2.0
# A default node has a new time namespace and an init. Linux before 6.2
# refuses init's vfork while init is outside the time namespace its
# children enter (EINVAL), and an execve enters none: the node's first
# process enters its namespace itself, so init, the workload and, without
# init, the pid 1 workload are all in it, with its offsets, root and
# rootless, on every kernel.
. /vmtest/lib.sh
host_ns=$(readlink /proc/self/ns/time)
echo "kernel $(uname -r); the host's time namespace: $host_ns"

# check WHO INIT: runs a node (init: true or false) as root ("") or as
# uid 65534 ("rootless") and checks what its pid 1 and workload see.
check() {
    f=$(node "time-$1-$2" "time_offsets: {monotonic: 0, boottime: 864000}" \
        "process: {init: $2}")
    chmod 0644 "$f"
    as=
    [ "$1" = rootless ] && as="/usr/bin/setpriv --reuid 65534 --regid 65534 --clear-groups"
    # Init is not dumpable: the node's processes cannot read its
    # /proc/1/ns links, so the host reads pid 1's (redwrap's child)
    # while the workload sleeps.
    : > /tmp/time-out
    $as redwrap --node "$f" -- /bin/sh -c \
        'readlink /proc/$$/ns/time; cut -d. -f1 /proc/uptime; exec /bin/sleep 3' \
        > /tmp/time-out 2> /tmp/err &
    rp=$!
    i=0
    while [ "$(wc -l < /tmp/time-out)" -lt 2 ] && [ $i -lt 300 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    pid1_ns=
    i=0
    while [ -z "$pid1_ns" ] && [ $i -lt 50 ]; do
        p1=$(grep -l "^PPid:[[:space:]]*$rp\$" /proc/[0-9]*/status 2> /dev/null | head -n 1)
        [ -z "$p1" ] || pid1_ns=$(readlink "${p1%/status}/ns/time")
        [ -n "$pid1_ns" ] || sleep 0.05
        i=$((i + 1))
    done
    wait $rp
    rc=$?
    out="$pid1_ns $(cat /tmp/time-out)"
    cat /tmp/err
    set -- "$1" "$2" $out
    echo "$1, init: $2: exit $rc; pid 1 in $3, the workload in $4, uptime $5 s"
    [ $rc -eq 0 ] || fail "redwrap exited $rc"
    [ "$3" = "$4" ] || fail "pid 1 and the workload are in different time namespaces"
    [ "$3" != "$host_ns" ] || fail "the node runs in the host's time namespace"
    [ "$5" -ge 864000 ] || fail "the boottime offset does not show inside"
}
for who in root rootless; do
    for init in true false; do
        check $who $init
    done
done
