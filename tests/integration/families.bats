#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Node families (docs/node-format.md, "Families"): a three-level family
# (platform base -> Redis base -> Redis instance) runs Redis; a change of the
# base reaches every child; an admin policy that forbids host networking
# rejects a child asking for it, as root and rootless; --origin of a known
# family; bad input (cycles, missing parents, policies writable by others or
# contradicting themselves, a 1,000-deep chain, a wide fan-out) fails in
# under 50 ms of CPU time with nothing created. Every policy here is a test-local file
# (--policy, or an overlay on /etc in a private mount namespace): the host's
# /etc/redpak is never written.

load helpers

setup() {
    common_setup
}

teardown() {
    [ -n "${REDIS_PID:-}" ] && kill -KILL "$REDIS_PID" 2> /dev/null
    common_teardown
}

FIXTURES=$REDPAK_SOURCE_DIR/tests/integration/families

# platform.yaml and redis-base.yaml in $SCRATCH/fam; redis-base is the shipped
# nodes/redis.yaml extending the platform; the instance $SCRATCH/fam/NAME has
# its own data and socket folders and a tighter memory limit.
write_redis_family() {
    local f=$SCRATCH/fam
    mkdir -p "$f"
    chmod 0755 "$f"
    cat > "$f/platform.yaml" <<'YAML'
version: 1
node: platform
namespaces: {net: new}
root: {size: 1M, readonly: true}
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
capabilities: {keep: []}
process: {no_new_privileges: true}
cgroup: {required: false, items: {memory.max: 512M, pids.max: 256}}
YAML
    sed 's/^node: redis$/node: redis-base\nextends: platform.yaml/' \
        "$REDPAK_SOURCE_DIR/nodes/redis.yaml" > "$f/redis-base.yaml"
    grep -q '^extends: platform.yaml' "$f/redis-base.yaml"
}

write_redis_instance() {
    local name=$1 dir=$SCRATCH/fam/$1
    mkdir -p "$dir"
    chmod 0755 "$dir"
    cat > "$dir/node.yaml" <<YAML
version: 1
node: $name
extends: ../redis-base.yaml
mounts:
  - {type: bind, path: /data, source: "\${NODE_DIR}/data", readonly: false, create: true,
     owner: "redis:redis"}
  - {type: bind, path: /sock, source: "\${NODE_DIR}/socket", readonly: false,
     create: true, owner: "redis:redis"}
cgroup:
  items: {memory.max: 128M}
YAML
}

# Runs a command like bats' run (status, output, lines) and sets CPU_MS to
# the CPU time it took (user + system, its children included). CPU time,
# not the wall clock: on a shared machine the wall clock mostly measures
# the other jobs (bench/parse_plan.c says the same).
timed() {
    local TIMEFORMAT='%3U %3S' t u s
    t=$({ time "$@" > "$SCRATCH/timed.out" 2>&1; echo "status $?" >> "$SCRATCH/timed.out"; } 2>&1)
    read -r u s <<< "$t"
    CPU_MS=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')
    status=$(sed -n 's/^status //p' "$SCRATCH/timed.out" | tail -1)
    output=$(grep -v '^status [0-9]*$' "$SCRATCH/timed.out")
    mapfile -t lines <<< "$output"
    echo "# cpu ${CPU_MS} ms: ${*:1:2}..." >&3
}

@test "a three-level family runs Redis with the instance's data and limits" {
    redis_root_node
    write_redis_family
    write_redis_instance cache
    run "$REDNODE_CONFIG" tree "$SCRATCH/fam/cache/node.yaml"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
    [[ ${lines[0]} == "$SCRATCH/fam/cache/../platform.yaml" ]]
    [[ ${lines[2]} == *"cache/node.yaml (the node)" ]]
    run "$REDNODE_CONFIG" plan "$SCRATCH/fam/cache/node.yaml"
    [ "$status" -eq 0 ]
    [[ $output == *"write memory.max = 134217728"* ]]
    [[ $output == *"write pids.max = 128"* ]]
    [[ $output == *"bind $SCRATCH/fam/cache/data -> /data"* ]]

    redis_node_start "$SCRATCH/fam/cache"
    [ "$(redis-cli -s "$SCRATCH/fam/cache/socket/redis.sock" set k family)" = OK ]
    [ "$(redis-cli -s "$SCRATCH/fam/cache/socket/redis.sock" save)" = OK ]
    [ -f "$SCRATCH/fam/cache/data/dump.rdb" ]
    [ ! -e "$SCRATCH/fam/data" ] # the base's own ${NODE_DIR} is not the instance's
    local pid cg
    pid=$(redis_server_pid "$REDIS_PID")
    cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    if [ -n "$(own_cgroup)" ] && [ -f "/sys/fs/cgroup$cg/memory.max" ]; then
        [ "$(cat "/sys/fs/cgroup$cg/memory.max")" = 134217728 ]
    fi
}

@test "changing the base changes every child" {
    redis_root_node
    write_redis_family
    write_redis_instance one
    write_redis_instance two
    for n in one two; do
        run "$REDNODE_CONFIG" plan "$SCRATCH/fam/$n/node.yaml"
        [ "$status" -eq 0 ]
        [[ $output != *"/platform-marker"* ]]
    done
    sed -i 's|^  - {type: dev, path: /dev}$|&\n  - {type: dir, path: /platform-marker}|' \
        "$SCRATCH/fam/platform.yaml"
    for n in one two; do
        run "$REDNODE_CONFIG" plan "$SCRATCH/fam/$n/node.yaml"
        [ "$status" -eq 0 ]
        [[ $output == *"/platform-marker"* ]]
    done
    # A base that tightens below a child's value makes the child fail, at the
    # child's value, naming the base's.
    sed -i 's/memory.max: 512M/memory.max: 64M/' "$SCRATCH/fam/platform.yaml"
    run "$REDNODE_CONFIG" validate "$SCRATCH/fam/one/node.yaml"
    [ "$status" -eq 1 ]
    [[ $output == *"redis-base.yaml:"*": cgroup.items.memory.max: 268435456 is above the parent's 67108864 (the parent's at "*"platform.yaml:12:"* ]]
    redis_node_start "$SCRATCH/fam/two" || true
    [ ! -e "$SCRATCH/fam/two/socket/redis.sock" ]
}

@test "--origin of a known family matches the expected file" {
    cd "$FIXTURES"
    run "$REDNODE_CONFIG" plan child.yaml --origin
    [ "$status" -eq 0 ]
    # every plan step that comes from a node value, then every value: the
    # lines with an origin; the fixtures' folder and the idmapped binds
    # (root only) are written the same way on every machine
    diff -u origin.expected <(printf '%s\n' "$output" | grep '  # ' |
        sed -e "s|$FIXTURES|\${FIXTURES}|g" -e 's/, idmapped: host id N shows as id N inside//')
    run "$REDNODE_CONFIG" plan child.yaml --origin --json
    [ "$status" -eq 0 ]
    printf '%s' "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
o = {e["key"]: (e["file"], e["line"]) for e in d["origins"]}
assert o["cgroup.items.memory.max"] == ("base.yaml", 14), o["cgroup.items.memory.max"]
assert o["namespaces.net"] == ("platform.yaml", 5)
steps = [st for sec in d["plan"]["sections"] for st in sec["steps"]]
writes = {st["text"]: st.get("origin") for st in steps if st["op"] == "write"}
assert writes["write memory.max = 268435456"] == "base.yaml:14:23", writes
assert writes["write pids.max = 64"] == "child.yaml:9:21", writes
assert all(st.get("origin") is None for st in steps if st["op"] == "clone")
assert "steps" in json.dumps(d["plan"]) or d["plan"]
'
}

# A node that would create a host folder: what "nothing created" looks at.
policy_node() {
    write_host_usr_node "$1" "${2:-web}" <<YAML
namespaces: {net: host}
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: bind, path: /made, source: "\${NODE_DIR}/made", create: true, readonly: false}
YAML
}

write_policy() {
    mkdir -p "$1"
    chmod 0755 "$1"
    cat > "$1/policy.yaml" <<'YAML'
version: 1
policy:
  forbid:
    namespaces.net: host
YAML
    chmod 0644 "$1/policy.yaml"
}

@test "a policy forbidding host networking rejects a child asking for it (root)" {
    [ "$(id -u)" -eq 0 ] || skip "--policy is root's"
    write_policy "$SCRATCH/etc"
    printf 'version: 1\nnode: base\nhostname: b\n' > "$SCRATCH/base.yaml"
    policy_node "$SCRATCH/node.yaml"
    sed -i 's/^node: web$/node: web\nextends: base.yaml/' "$SCRATCH/node.yaml"
    sed -i 's/^namespaces: {net: host}$/namespaces: {net: host, uts: new}/' "$SCRATCH/node.yaml"
    local before
    before=$(host_mounts_but_others)
    run "$REDWRAP" --policy "$SCRATCH/etc/policy.yaml" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"$SCRATCH/etc/policy.yaml:4:5: policy.forbid.namespaces.net: node web: namespaces.net is 'host' ($SCRATCH/node.yaml:4:"*"); the admin policy forbids host"* ]]
    [ ! -e "$SCRATCH/made" ]
    [ "$before" = "$(host_mounts_but_others)" ]
    # Without host networking the same family runs.
    sed -i 's/net: host, //' "$SCRATCH/node.yaml"
    run "$REDWRAP" --policy "$SCRATCH/etc/policy.yaml" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 0 ]
}

@test "rootless: the admin policy rejects host networking and cannot be switched off" {
    require_host overlayfs
    write_policy "$SCRATCH/upper/redpak"
    mkdir -p "$SCRATCH/work"
    policy_node "$SCRATCH/node.yaml"
    # --policy is root's: a rootless caller can neither choose nor drop it.
    run as_user "$REDWRAP" --policy /dev/null --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"--policy is for root only"* ]]
    run as_user "$REDNODE_CONFIG" validate "$SCRATCH/node.yaml" --policy /dev/null
    [ "$status" -eq 2 ]
    local host_etc
    host_etc=$(ls -la /etc/redpak 2>&1 || true)
    # /etc/redpak/policy.yaml seen only in a private mount namespace: an
    # overlay on /etc whose upper layer is this test's scratch folder.
    run unshare -m sh -c '
        mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc &&
        exec setpriv --reuid="$2" --regid="$3" --clear-groups --inh-caps=-all -- \
            "$4" --node "$1/node.yaml" -- /bin/true' sh "$SCRATCH" "$ROOTLESS_UID" \
        "$ROOTLESS_GID" "$REDWRAP"
    [ "$status" -eq 125 ]
    [[ $output == *"/etc/redpak/policy.yaml:4:5: policy.forbid.namespaces.net: node web: namespaces.net is 'host'"* ]]
    [ ! -e "$SCRATCH/made" ]
    # A node the policy allows runs rootless under it.
    write_host_usr_node "$SCRATCH/ok.yaml" ok < /dev/null
    run unshare -m sh -c '
        mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc &&
        exec setpriv --reuid="$2" --regid="$3" --clear-groups --inh-caps=-all -- \
            "$4" --node "$1/ok.yaml" -- /bin/sh -c "echo ran"' sh "$SCRATCH" "$ROOTLESS_UID" \
        "$ROOTLESS_GID" "$REDWRAP"
    [ "$status" -eq 0 ]
    [ "$output" = ran ]
    [ "$host_etc" = "$(ls -la /etc/redpak 2>&1 || true)" ] # the host's /etc/redpak as it was
}

@test "bad input: cycles, missing parents, bad policies: one clear error each, under 50 ms of CPU, nothing created" {
    [ "$(id -u)" -eq 0 ] || skip "--policy is root's"
    policy_node "$SCRATCH/ok.yaml" ok
    sed -i 's/^namespaces: {net: host}$//' "$SCRATCH/ok.yaml"
    printf 'version: 1\nnode: a\nextends: b.yaml\n' > "$SCRATCH/a.yaml"
    printf 'version: 1\nnode: b\nextends: a.yaml\n' > "$SCRATCH/b.yaml"
    sed 's/^node: ok$/node: c\nextends: a.yaml/' "$SCRATCH/ok.yaml" > "$SCRATCH/cycle.yaml"
    sed 's/^node: ok$/node: m\nextends: gone.yaml/' "$SCRATCH/ok.yaml" > "$SCRATCH/missing.yaml"
    mkdir -p "$SCRATCH/pol"
    chmod 0755 "$SCRATCH/pol"
    printf 'version: 1\n' > "$SCRATCH/pol/open.yaml"
    chmod 0666 "$SCRATCH/pol/open.yaml"
    printf 'version: 1\nnamespaces: {net: host}\npolicy: {forbid: {namespaces.net: host}}\n' \
        > "$SCRATCH/pol/self.yaml"
    chmod 0644 "$SCRATCH/pol/self.yaml"
    local case file policy want
    for case in \
        "cycle.yaml||b.yaml:3:10: extends: 'a.yaml' is a cycle" \
        "missing.yaml||missing.yaml:3:10: extends: parent 'gone.yaml' not found" \
        "ok.yaml|open.yaml|open.yaml:1:1: the admin policy must be a regular file owned by root and writable by no one else" \
        "ok.yaml|self.yaml|self.yaml:3:19: policy.forbid.namespaces.net: the policy contradicts itself"; do
        IFS='|' read -r file policy want <<< "$case"
        timed "$REDWRAP" ${policy:+--policy "$SCRATCH/pol/$policy"} --node "$SCRATCH/$file" -- /bin/true
        [ "$status" -eq 125 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ $output == *"$want"* ]] || { echo "got: $output" >&3; false; }
        [ "$CPU_MS" -lt 50 ]
        [ ! -e "$SCRATCH/made" ]
    done
}

@test "bad input: a 1,000-deep chain and a wide fan-out fail in under 50 ms of CPU each" {
    mkdir -p "$SCRATCH/deep"
    local i
    for i in $(seq 1 1000); do
        printf 'version: 1\nnode: d%d\nextends: d%d.yaml\n' "$i" $((i + 1)) > "$SCRATCH/deep/d$i.yaml"
    done
    timed "$REDWRAP" --node "$SCRATCH/deep/d1.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"d16.yaml:3:10: extends: a family is at most 16 node files deep; 'd17.yaml' is one more (family: $SCRATCH/deep/d1.yaml -> "* ]]
    [ "$CPU_MS" -lt 50 ]
    # extends names one parent: a list of 1,000 is refused at once.
    {
        printf 'version: 1\nnode: wide\nextends:\n'
        for i in $(seq 1 1000); do printf '  - p%d.yaml\n' "$i"; done
    } > "$SCRATCH/wide.yaml"
    timed "$REDWRAP" --node "$SCRATCH/wide.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"wide.yaml:4:3: extends: expected a parent node: a path or a node name, found a sequence"* ]]
    [ "$CPU_MS" -lt 50 ]
    # One parent, 1,000 children, the parent broken: every child says so.
    printf 'version: 1\nnode: p\nmounts: [{type: proc, path: /proc, readonly: sometimes}]\n' \
        > "$SCRATCH/deep/p.yaml"
    for i in $(seq 1 1000); do
        printf 'version: 1\nnode: c%d\nextends: p.yaml\n' "$i" > "$SCRATCH/deep/c$i.yaml"
    done
    timed "$REDNODE_CONFIG" validate "$SCRATCH"/deep/c*.yaml
    [ "$status" -eq 1 ]
    [ "$(printf '%s\n' "$output" | grep -c "p.yaml:3:")" -eq 1000 ]
    [ "$CPU_MS" -lt 50000 ] # 1,000 families, under 50 ms each
}

@test "create and list: a node folder under the node path, and its parent" {
    mkdir -p "$SCRATCH/nodes"
    chmod 0755 "$SCRATCH/nodes"
    cp "$FIXTURES/platform.yaml" "$SCRATCH/nodes/platform.yaml"
    export REDPAK_NODE_PATH=$SCRATCH/nodes
    run "$REDNODE_CONFIG" create web --extends platform
    [ "$status" -eq 0 ]
    [ -f "$SCRATCH/nodes/web/node.yaml" ]
    [ -d "$SCRATCH/nodes/web/data" ]
    grep -q '^extends: platform$' "$SCRATCH/nodes/web/node.yaml"
    run "$REDNODE_CONFIG" create web --extends platform
    [ "$status" -eq 1 ]
    run "$REDNODE_CONFIG" create bad --extends nowhere
    [ "$status" -eq 1 ]
    [ ! -e "$SCRATCH/nodes/bad" ]
    run "$REDNODE_CONFIG" list
    [ "$status" -eq 0 ]
    [[ $output == *"platform"*"$SCRATCH/nodes/platform.yaml"* ]]
    [[ $output == *"web"*"$SCRATCH/nodes/web/node.yaml  extends $SCRATCH/nodes/platform.yaml"* ]]
    run "$REDNODE_CONFIG" tree web
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$SCRATCH/nodes/platform.yaml" ]
}

@test "list: a node in two folders of the node path shows the one that wins, the other shadowed" {
    mkdir -p "$SCRATCH/a/web" "$SCRATCH/b"
    chmod 0755 "$SCRATCH/a" "$SCRATCH/b"
    printf 'version: 1\nnode: web\n' >"$SCRATCH/a/web/node.yaml"
    printf 'version: 1\nnode: web\n' >"$SCRATCH/a/web.yaml"
    printf 'version: 1\nnode: web\n' >"$SCRATCH/b/web.yaml"
    export REDPAK_NODE_PATH=$SCRATCH/a:$SCRATCH/b
    run "$REDNODE_CONFIG" list
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
    [[ ${lines[0]} == "web "*"$SCRATCH/a/web/node.yaml" ]]
    [[ ${lines[1]} == "web "*"$SCRATCH/a/web.yaml  (shadowed by $SCRATCH/a/web/node.yaml)" ]]
    [[ ${lines[2]} == "web "*"$SCRATCH/b/web.yaml  (shadowed by $SCRATCH/a/web/node.yaml)" ]]
}
