#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Rootless nodes with many ids: a throwaway user with ranges in /etc/subuid
# and /etc/subgid runs the shipped nodes/redis.yaml unchanged; newuidmap and
# newgidmap (Debian: uidmap) write its maps, 0 inside is the user and 1-65535
# its subordinate ids, and the data Redis writes is owned on the host by the
# subordinate ids Redis's uid and gid map to. Without ranges the node gets
# the user's own id only and says how to get more. The user, its group and
# its ranges are removed at the end: the host is left as it was.

load helpers

# Root makes the user; it exists for this file only.
setup_file() {
    [ "$(id -u)" -eq 0 ] || return 0
    command -v useradd > /dev/null || return 0
    SUB_USER=rpsub$$
    useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$SUB_USER"
    # Past every range the host's files give, below the private ranges of
    # root-started nodes (524288 on, apply/idpool.c).
    SUB_BASE=$(awk -F: 'NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print (m > 200000 ? m : 200000) }' \
        /etc/subuid /etc/subgid 2> /dev/null || echo 200000)
    export SUB_USER SUB_BASE
}

teardown_file() {
    [ -n "${SUB_USER:-}" ] || return 0
    userdel "$SUB_USER" 2> /dev/null
    groupdel "$SUB_USER" 2> /dev/null || true
    # userdel removes the user's ranges; a line it left would outlive us.
    local f
    for f in /etc/subuid /etc/subgid; do
        [ -f "$f" ] && sed -i "/^$SUB_USER:/d" "$f"
    done
    return 0
}

setup() {
    common_setup
    [ -n "${SUB_USER:-}" ] || skip "needs root and useradd, to make a throwaway user"
    command -v newuidmap > /dev/null && command -v newgidmap > /dev/null ||
        skip "newuidmap and newgidmap are not installed (Debian: apt install uidmap)"
    [ "$SUB_BASE" -le $((524288 - 65536)) ] ||
        skip "no free subordinate range below 524288 in /etc/subuid"
    SUB_UID=$(id -u "$SUB_USER")
    SUB_GID=$(id -g "$SUB_USER")
    NODE=$SCRATCH/redis
    mkdir -p "$NODE"
    chown "$SUB_UID:$SUB_GID" "$NODE"
    AS_SUB=(setpriv --reuid="$SUB_UID" --regid="$SUB_GID" --init-groups --inh-caps=-all --)
}

teardown() {
    [ -n "${REDIS_PID:-}" ] && kill -KILL "$REDIS_PID" 2> /dev/null
    [ -n "${SUB_USER:-}" ] && usermod --del-subuids "$SUB_BASE-$((SUB_BASE + 65535))" \
        --del-subgids "$SUB_BASE-$((SUB_BASE + 65535))" "$SUB_USER" 2> /dev/null
    common_teardown
}

add_ranges() {
    usermod --add-subuids "$SUB_BASE-$((SUB_BASE + 65535))" \
        --add-subgids "$SUB_BASE-$((SUB_BASE + 65535))" "$SUB_USER"
}

@test "rootless with subordinate ids: nodes/redis.yaml runs unchanged, Redis's uid mapped" {
    require_redis
    add_ranges
    redis_node_copy redis "$NODE"
    chmod 0644 "$NODE/node.yaml"
    run "${AS_SUB[@]}" "$REDNODE_CONFIG" plan "$NODE/node.yaml"
    [ "$status" -eq 0 ]
    [[ "$output" == *"rootless uid_map: 0 is the caller's uid $SUB_UID, 1-65535 the subordinate ids /etc/subuid gives it, written by "*"/newuidmap"* ]]
    [[ "$output" == *"newuidmap PID 0 $SUB_UID 1 1 $SUB_BASE 65535 (the caller's subordinate ids)"* ]]

    REDIS_RUN_AS=("${AS_SUB[@]}")
    redis_node_start "$NODE"
    local pid sock=$NODE/socket/redis.sock ruid rgid
    pid=$(redis_server_pid "$REDIS_PID")
    [ "$(tr -s ' ' < "/proc/$pid/uid_map")" = "$(printf ' 0 %s 1\n 1 %s 65535' "$SUB_UID" "$SUB_BASE")" ]
    [ "$(tr -s ' ' < "/proc/$pid/gid_map")" = "$(printf ' 0 %s 1\n 1 %s 65535' "$SUB_GID" "$SUB_BASE")" ]
    # newgidmap leaves setgroups allowed for a map within /etc/subgid.
    [ "$(cat "/proc/$pid/setgroups")" = allow ]
    # Inside, redis's uid N is subordinate id BASE + N - 1 on the host.
    ruid=$((SUB_BASE + $(id -u redis) - 1))
    rgid=$((SUB_BASE + $(id -g redis) - 1))
    [ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "$ruid" ]
    [ "$(redis-cli -s "$sock" ping)" = PONG ]
    [ "$(redis-cli -s "$sock" set subid works)" = OK ]
    [ "$(redis-cli -s "$sock" save)" = OK ]
    # The folders step 2 made (create: true, owner redis:redis) and what
    # Redis wrote in them: the subordinate ids redis maps to.
    [ "$(stat -c %u:%g "$NODE/data")" = "$ruid:$rgid" ]
    [ "$(stat -c %u:%g "$NODE/data/dump.rdb")" = "$ruid:$rgid" ]
    [ "$(stat -c %u:%g "$NODE/socket")" = "$ruid:$rgid" ]
    kill -TERM "$REDIS_PID"
    local status=0
    wait "$REDIS_PID" || status=$?
    REDIS_PID=
    [ "$status" -eq 0 ]
}

@test "rootless without subordinate ids: the user's own id only, and -v says how to get more" {
    write_host_usr_node "$NODE/node.yaml" <<'YAML'
process: {init: false}
YAML
    run "${AS_SUB[@]}" "$REDWRAP" -v --node "$NODE/node.yaml" -- /usr/bin/cat /proc/self/uid_map
    [ "$status" -eq 0 ]
    [[ "$output" == *"uid_map: one id, the caller's own: /etc/subuid gives $SUB_USER no range (as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $SUB_USER"* ]]
    # Inside, uid_map shows the host's view: the caller's one id.
    [[ "$output" == *"$(printf '%10s %10s %10s' 0 "$SUB_UID" 1)"* ]]
    # nodes/redis.yaml then refuses to start, and says why at the line.
    require_redis
    redis_node_copy redis "$NODE"
    run "${AS_SUB[@]}" "$REDWRAP" --node "$NODE/node.yaml"
    [ "$status" -eq 125 ]
    local line
    line=$(grep -n '^  user: redis' "$NODE/node.yaml" | cut -d: -f1)
    [[ "$output" == *"node.yaml:$line:9: process.user: uid $(id -u redis) (redis) is not mapped in the node's user namespace (the default uid_map maps 0 only: one id, the caller's own: /etc/subuid gives $SUB_USER no range"* ]]
}

@test "rootless: a written map beyond the user's ranges is an error at its line naming /etc/subuid" {
    add_ranges
    local out=$((SUB_BASE + 65536))
    write_host_usr_node "$NODE/node.yaml" <<YAML
user_namespace:
  uid_map: [{inside: 0, outside: $SUB_UID, count: 1}, {inside: 1, outside: $out, count: 10}]
YAML
    run "${AS_SUB[@]}" "$REDWRAP" --node "$NODE/node.yaml" -- /usr/bin/true
    [ "$status" -eq 125 ]
    # Line 4, at the second range's "{": column 47 + the digits of the uid.
    [[ "$output" == *"node.yaml:4:$((47 + ${#SUB_UID})): user_namespace.uid_map[1]: host uids $out-$((out + 9)) are not the caller's: an unprivileged caller ($SUB_USER) maps its own uid $SUB_UID once and the subordinate ids /etc/subuid gives it ($SUB_BASE-$((SUB_BASE + 65535)))"* ]]
}

@test "rootless: what newgidmap refuses ends the start with its own words" {
    add_ranges
    write_host_usr_node "$NODE/node.yaml" <<'YAML'
process: {init: false}
YAML
    # newgidmap maps for the user whose primary gid is the caller's real
    # gid: with another one it refuses, and redwrap passes on why.
    run setpriv --reuid="$SUB_UID" --regid=65534 --clear-groups --inh-caps=-all -- \
        "$REDWRAP" --node "$NODE/node.yaml" -- /usr/bin/true
    [ "$status" -eq 125 ]
    # It is asked for the outer namespace of the nested build
    # (apply/mount_lock.c): the node's host ids onto themselves.
    [[ "$output" == *"gid_map: "*"/newgidmap "*" 65534 65534 1 $SUB_BASE $SUB_BASE 65535: exit 1: newgidmap: "* ]]
}
