#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# vm/systemd's checks, run by redpak-vmtest.service in the booted image with
# systemd as PID 1 and the redpak .deb installed; TAP on stdout (the serial
# console). redwrap@redis.service is enabled in the image: it must have
# started at boot. Each check prints "ok N - NAME" or "not ok N - NAME",
# with its diagnostics as "# " lines before it.
U=redwrap@redis.service
SOCK=/run/redpak/redis/redis.sock
DATA=/var/lib/redpak/redis
CG=/sys/fs/cgroup
n=0
failed=0
diag=$(mktemp)

echo "TAP version 13"
# check NAME COMMAND...: runs COMMAND (a shell function) in a subshell and
# prints its verdict, its output as diagnostics; fail ends the subshell.
check() {
    name=$1
    shift
    n=$((n + 1))
    if ("$@") > "$diag" 2>&1; then
        sed 's/^/# /' "$diag"
        echo "ok $n - $name"
    else
        sed 's/^/# /' "$diag"
        echo "not ok $n - $name"
        failed=$((failed + 1))
    fi
}
fail() {
    echo "FAIL: $*"
    exit 1
}
prop() { systemctl show -P "$1" "$U"; }
cli() { redis-cli -s "$SOCK" "$@"; }
# wait_until TENTHS COMMAND...: polls COMMAND until it succeeds.
wait_until() {
    t=$1
    shift
    i=0
    until "$@" >/dev/null 2>&1; do
        [ $i -lt "$t" ] || return 1
        sleep 0.1
        i=$((i + 1))
    done
}
unit_cg() { echo "$CG$(prop ControlGroup)"; }
node_cgs() { find "$(unit_cg)" -maxdepth 1 -type d -name 'redpak-redis-*' 2>/dev/null; }
# The unit's journal since this boot, one line each, with monotonic times.
journal() { journalctl -b -u "$U" -o short-monotonic --no-pager; }

started_at_boot() {
    echo "enabled: $(systemctl is-enabled "$U"), active: $(systemctl is-active "$U")"
    [ "$(systemctl is-enabled "$U")" = enabled ] || fail "not enabled"
    [ "$(prop ActiveState)/$(prop SubState)" = active/running ] || fail "$(prop ActiveState)/$(prop SubState)"
    [ "$(prop NRestarts)" = 0 ] || fail "restarted $(prop NRestarts) times"
}

# Type=notify: active only once redwrap relayed Redis's READY=1. The unit's
# status text is Redis's own STATUS= (which only the proxy can have
# brought, NotifyAccess=main), and Redis's "Ready to accept connections" is
# in the journal before systemd's "Started".
ready_through_proxy() {
    echo "Type=$(prop Type) NotifyAccess=$(prop NotifyAccess) StatusText=$(prop StatusText)"
    [ "$(prop Type)" = notify ] || fail "Type is $(prop Type)"
    prop StatusText | grep -q 'Ready to accept connections' || fail "no status text from Redis"
    journal > /tmp/j
    ready=$(grep -n 'Ready to accept connections' /tmp/j | tail -n 1 | cut -d: -f1)
    started=$(grep -n 'Started .*redis' /tmp/j | tail -n 1 | cut -d: -f1)
    grep -E 'Ready to accept|Started' /tmp/j
    [ -n "$ready" ] && [ -n "$started" ] && [ "$ready" -lt "$started" ] ||
        fail "Redis's ready line (line $ready) is not before systemd's Started (line $started)"
    mainpid=$(prop MainPID)
    echo "MainPID=$mainpid: $(tr '\0' ' ' < /proc/$mainpid/cmdline)"
    tr '\0' ' ' < "/proc/$mainpid/cmdline" | grep -q '^/usr/bin/redwrap ' || fail "MainPID is not redwrap"
}

ping_socket() {
    ls -l "$SOCK"
    [ "$(cli PING)" = PONG ] || fail "PING: $(cli PING 2>&1)"
    [ "$(cli SET redpak-key kept-across-restarts)" = OK ] || fail "SET failed"
    echo "PING: PONG, SET: OK"
}

cgroup_items() {
    ucg=$(unit_cg)
    echo "unit cgroup: $ucg, subtree_control: $(cat "$ucg/cgroup.subtree_control")"
    find "$ucg" -name cgroup.procs | while read -r f; do echo "${f#"$ucg"}: $(cat "$f" | tr '\n' ' ')"; done
    ps -eo pid,ppid,user,args | grep -E 'redis|redwrap' | grep -v grep
    journal | grep -E 'redwrap(\[[0-9]+\])?: ' || true
    [ "$(prop Delegate)" = yes ] || fail "Delegate=$(prop Delegate)"
    grep -qx "$(prop MainPID)" "$ucg/supervisor/cgroup.procs" || fail "redwrap is not in $ucg/supervisor"
    ncg=$(node_cgs)
    [ "$(echo "$ncg" | wc -l)" = 1 ] && [ -n "$ncg" ] || fail "node cgroups: '$ncg'"
    for kv in memory.max=268435456 memory.high=209715200 memory.swap.max=0 pids.max=128 cpu.weight=100; do
        got=$(cat "$ncg/${kv%%=*}")
        echo "${kv%%=*} = $got"
        [ "$got" = "${kv#*=}" ] || fail "${kv%%=*} is $got, not ${kv#*=}"
    done
    rpid=$(pidof redis-server)
    grep -rqx "$rpid" "$ncg"/cgroup.procs "$ncg"/*/cgroup.procs 2>/dev/null || fail "redis-server ($rpid) is not in $ncg"
    echo "redis-server $rpid in $(cat /proc/$rpid/cgroup)"
}

journal_has_redis() {
    journal | grep -E 'Server initialized|Ready to accept connections|redis' | tail -n 5
    journal | grep -q 'Server initialized' || fail "no Redis line in journalctl -u $U"
}

# Nothing of the node after a stop: no process, no cgroup, no mount.
nothing_left() {
    ! pidof redis-server || fail "redis-server still runs: $(pidof redis-server)"
    left=$(find "$CG" -type d -name 'redpak-redis-*')
    [ -z "$left" ] || fail "cgroups left: $left"
    ! grep -E 'redpak|/var/lib/redpak' /proc/self/mountinfo || fail "mounts left"
    echo "no redis-server, no redpak-redis-* cgroup, no redpak mount"
}

stop_clean() {
    systemctl stop "$U"
    echo "after stop: $(prop ActiveState) Result=$(prop Result) ExecMainStatus=$(prop ExecMainStatus)"
    [ "$(prop ActiveState)" = inactive ] || fail "ActiveState $(prop ActiveState)"
    [ "$(prop Result)" = success ] || fail "Result $(prop Result)"
    [ "$(prop ExecMainStatus)" = 0 ] || fail "ExecMainStatus $(prop ExecMainStatus)"
    journal | grep -E 'DB saved on disk|ready to exit' || fail "Redis did not save"
    ls -l "$DATA"
    nothing_left
}

start_again_keeps_data() {
    systemctl start "$U" || fail "start failed"
    [ "$(prop SubState)" = running ] || fail "SubState $(prop SubState)"
    got=$(cli GET redpak-key)
    echo "GET redpak-key: $got"
    [ "$got" = kept-across-restarts ] || fail "data lost"
}

kill_restarts() {
    old=$(node_cgs)
    oldpid=$(prop MainPID)
    echo "before: MainPID $oldpid, node cgroup $old"
    systemctl kill -s KILL "$U"
    wait_until 600 sh -c "[ \"\$(systemctl show -P NRestarts $U)\" = 1 ] && [ \"\$(systemctl show -P SubState $U)\" = running ]" ||
        fail "not running again: $(prop ActiveState)/$(prop SubState), NRestarts=$(prop NRestarts)"
    new=$(node_cgs)
    echo "after: MainPID $(prop MainPID), NRestarts $(prop NRestarts), node cgroup $new"
    [ "$(prop MainPID)" != "$oldpid" ] || fail "same MainPID"
    [ ! -e "$old" ] || fail "the killed node's cgroup $old is still there"
    [ "$(echo "$new" | wc -l)" = 1 ] && [ -n "$new" ] || fail "node cgroups now: '$new'"
    left=$(find "$CG" -type d -name 'redpak-redis-*' | grep -vx "$new" || true)
    [ -z "$left" ] || fail "stale cgroups: $left"
    wait_until 300 sh -c "[ \"\$(redis-cli -s $SOCK PING)\" = PONG ]" || fail "no PONG after the restart"
    echo "PING after the restart: PONG"
}

hardening() {
    systemctl show "$U" -p NoNewPrivileges -p ProtectSystem -p ProtectHome -p PrivateTmp \
        -p ProtectKernelModules -p ProtectKernelLogs -p ProtectClock -p LockPersonality \
        -p RestrictRealtime -p RestrictSUIDSGID -p SystemCallArchitectures
    echo "security exposure: $(systemd-analyze security "$U" 2>/dev/null | tail -n 1)"
}

check "redwrap@redis enabled: started at boot" started_at_boot
check "active only after READY=1 through redwrap's notify proxy" ready_through_proxy
check "redis-cli PING through the node's socket" ping_socket
check "the node's cgroup items under the unit's delegated cgroup" cgroup_items
check "journalctl -u redwrap@redis holds Redis's log" journal_has_redis
check "systemctl stop: Redis saves, inactive, status 0, nothing left" stop_clean
check "systemctl start again: the data is kept" start_again_keeps_data
check "systemctl kill -s KILL: Restart= brings it back, the stale cgroup is gone" kill_restarts
check "hardening directives in effect" hardening
systemctl stop "$U"
echo "1..$n"
echo "# vm-done: $failed failed"
