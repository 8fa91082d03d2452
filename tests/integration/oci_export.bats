#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# rednode-config export --oci-bundle: the bundle validates against the
# runtime-spec's JSON Schema, and crun and runc run it with what redwrap
# gives the same node (the probes agree; Redis answers through the exported
# socket). Bad input: clear errors, nothing left.

load helpers

SPEC_SCHEMA=${SPEC_SCHEMA:-/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema}

setup() {
    common_setup
    [ "$(id -u)" -eq 0 ] || skip "OCI runtimes run bundles with user namespaces as root"
    CIDS=()
}

teardown() {
    local id
    for id in "${CIDS[@]}"; do
        crun delete -f "$id" > /dev/null 2>&1
        runc delete -f "$id" > /dev/null 2>&1
    done
    common_teardown
}

require_runtime() {
    command -v "$1" > /dev/null || skip "$1 is not installed (Debian: apt install $1)"
}

# Whether the host's cgroup v2 hierarchy is the only one and offers the
# controllers the nodes' limits need; otherwise the limits are left out of
# the bundle before a run (and checked where they can be: tests/vm).
cgroup2_full() {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] &&
        grep -qw memory /sys/fs/cgroup/cgroup.controllers &&
        grep -qw pids /sys/fs/cgroup/cgroup.controllers
}

# BUNDLE's config.json without linux.resources, on a host that cannot set them.
fit_to_host() {
    cgroup2_full && return 0
    python3 - "$1/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c.get("linux", {}).pop("resources", None)
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
}

# oci RUNTIME ARGS...: the runtime as this host lets it run. crun refuses a
# hybrid host whose cgroup2 hierarchy has controllers ("cgroups in hybrid
# mode not supported"): in a private mount namespace without that hierarchy,
# and without a cgroup manager, it runs the bundle with no cgroup of its own.
oci() {
    local rt=$1
    shift
    if [ "$rt" = crun ] && [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
        unshare -m --propagation private sh -c \
            'umount /sys/fs/cgroup/unified 2> /dev/null; exec crun --cgroup-manager=disabled "$@"' \
            sh "$@"
    else
        "$rt" "$@"
    fi
}

# A node that prints the probes: identity and privilege lines of
# /proc/self/status, the hostname, whether / and /proc/sys are writable,
# the nofile limit.
write_probe_node() {
    cat > "$1" <<YAML
version: 1
node: probe
hostname: probe-host
namespaces: {net: new}
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: bind, path: /probe, source: "$PROBES"}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
tmpfs:
  - {path: /tmp, size: 4M}
capabilities: {keep: [chown, net_bind_service, kill]}
seccomp:
  syscalls:
    - {names: [mknodat, mknod], action: errno, errno: EACCES}
process:
  command: [/bin/sh, -c, '/probe/procstatus; hostname; touch /x 2> /dev/null && echo root-rw || echo root-ro; (echo 1 > /proc/sys/kernel/ostype) 2> /dev/null && echo sys-rw || echo sys-ro; ulimit -n; cat /proc/self/uid_map']
  rlimits: {nofile: 512}
YAML
}

@test "the exported bundles of nodes/redis.yaml and a probe node validate against the runtime-spec schema" {
    [ -r "$SPEC_SCHEMA/config-schema.json" ] ||
        skip "no runtime-spec schema (Debian: apt install golang-github-opencontainers-specs-dev)"
    python3 -c 'import jsonschema' 2> /dev/null || skip "needs python3-jsonschema"
    redis_root_node
    write_probe_node "$SCRATCH/probe.yaml"
    "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/redis-bundle" "$NODE/node.yaml"
    "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/probe-bundle" "$SCRATCH/probe.yaml"
    for b in redis-bundle probe-bundle; do
        python3 -W ignore "$REDPAK_SOURCE_DIR/tests/oci/validate-bundle.py" "$SPEC_SCHEMA" \
            "$SCRATCH/$b/config.json"
    done
    # The validator refuses what the schema refuses.
    echo '{"ociVersion": 1}' > "$SCRATCH/bad.json"
    run python3 -W ignore "$REDPAK_SOURCE_DIR/tests/oci/validate-bundle.py" "$SPEC_SCHEMA" \
        "$SCRATCH/bad.json"
    [ "$status" -eq 1 ]
}

@test "what the spec cannot say is listed on stderr, and the redis bundle has every item of the node" {
    redis_root_node
    run "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/b" "$NODE/node.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"note: process.wait: main"* ]]
    [[ $output == *"note: notify:"* ]]
    [[ $output == *"note: mounts: $NODE/socket: created now, owned by"* ]]
    [[ $output == *"note: seccomp.default_action: report"* ]]
    c=$SCRATCH/b/config.json
    python3 - "$c" <<'PY'
import grp, json, pwd, sys
c = json.load(open(sys.argv[1]))
p, l = c["process"], c["linux"]
assert p["user"]["uid"] == pwd.getpwnam("redis").pw_uid
assert p["user"]["gid"] == grp.getgrnam("redis").gr_gid and p["user"]["additionalGids"] == []
assert p["noNewPrivileges"] is True
assert p["capabilities"]["bounding"] == [] and p["capabilities"]["ambient"] == []
assert {"type": "RLIMIT_NOFILE", "hard": 10032, "soft": 10032} in p["rlimits"]
assert p["user"]["umask"] == 0o077 and p["cwd"] == "/data"
assert c["root"]["readonly"] is True and c["hostname"] == "redis"
types = [n["type"] for n in l["namespaces"]]
assert types == ["user", "pid", "network", "ipc", "uts", "cgroup", "mount"], types
assert l["uidMappings"] == [{"containerID": 0, "hostID": 524288, "size": 65536}]
u = l["resources"]["unified"]
assert u == {"cpu.weight": "100", "memory.high": "209715200", "memory.max": "268435456",
             "memory.swap.max": "0", "pids.max": "128"}, u
assert l["resources"]["memory"]["limit"] == 268435456 and l["resources"]["pids"]["limit"] == 128
s = l["seccomp"]
assert s["defaultAction"] == "SCMP_ACT_ERRNO" and s["defaultErrnoRet"] == 1
assert {"index": 0, "value": 0x7e020000, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"} in \
    [a for r in s["syscalls"] if r["names"] == ["clone"] for a in r["args"]]
assert "/proc/sys" in l["readonlyPaths"] and "/proc/sysrq-trigger" in l["readonlyPaths"]
dests = [m["destination"] for m in c["mounts"]]
assert dests == ["/usr", "/data", "/sock", "/proc", "/dev", "/dev/pts", "/dev/shm", "/tmp", "/run"], dests
PY
    # The file step is in rootfs/, owned by the node's root, with its mode.
    [ "$(stat -c %a "$SCRATCH/b/rootfs/etc/redis/redis.conf")" = 644 ]
    grep -q '^unixsocket /sock/redis.sock' "$SCRATCH/b/rootfs/etc/redis/redis.conf"
    [ "$(readlink "$SCRATCH/b/rootfs/bin")" = usr/bin ]
}

probes_agree() {
    local rt=$1
    shift
    require_runtime "$rt"
    write_probe_node "$SCRATCH/probe.yaml"
    "$REDWRAP" --node "$SCRATCH/probe.yaml" > "$SCRATCH/redwrap.out"
    "$REDNODE_CONFIG" export "$@" --oci-bundle "$SCRATCH/b" "$SCRATCH/probe.yaml"
    fit_to_host "$SCRATCH/b"
    CIDS+=("redpak-probe-$$")
    (cd "$SCRATCH/b" && oci "$rt" run "redpak-probe-$$") > "$SCRATCH/$rt.out"
    cat "$SCRATCH/redwrap.out"
    # The maps differ (a private range picked at start, a fixed one in the
    # bundle): the last line of each is the range, the rest must agree.
    diff <(head -n -1 "$SCRATCH/redwrap.out") <(head -n -1 "$SCRATCH/$rt.out")
    grep -q '^Seccomp:	2$' "$SCRATCH/$rt.out"
    grep -q '^NoNewPrivs:	1$' "$SCRATCH/$rt.out"
    grep -qx 'root-ro' "$SCRATCH/$rt.out"
    grep -qx 'sys-ro' "$SCRATCH/$rt.out"
    grep -qx 'probe-host' "$SCRATCH/$rt.out"
    grep -q '^CapBnd:	0000000000000421$' "$SCRATCH/$rt.out"
    [ "$(tail -1 "$SCRATCH/$rt.out" | awk '{print $2, $3}')" = "524288 65536" ]
}

@test "crun runs the probe node's bundle with redwrap's uid, gid, capabilities, no_new_privs, seccomp, read-only root and hostname" {
    probes_agree crun
}

@test "runc runs the probe node's bundle with redwrap's uid, gid, capabilities, no_new_privs, seccomp, read-only root and hostname" {
    probes_agree runc --no-idmap
}

redis_answers() {
    local rt=$1
    shift
    require_runtime "$rt"
    redis_root_node
    "$REDNODE_CONFIG" export "$@" --oci-bundle "$SCRATCH/b" "$NODE/node.yaml"
    fit_to_host "$SCRATCH/b"
    CIDS+=("redpak-redis-$$")
    (cd "$SCRATCH/b" && oci "$rt" run -d "redpak-redis-$$") > "$SCRATCH/$rt.log" 2>&1
    local i
    for i in $(seq 100); do
        [ "$(redis-cli -s "$SOCK" ping 2> /dev/null)" = PONG ] && break
        sleep 0.1
    done
    cat "$SCRATCH/$rt.log"
    [ "$(redis-cli -s "$SOCK" ping)" = PONG ]
    redis-cli -s "$SOCK" set k v
    [ "$(redis-cli -s "$SOCK" get k)" = v ]
    # The socket is Redis's (unixsocketperm 770), owned on the host as
    # under redwrap.
    [ "$(stat -c %a "$SOCK")" = 770 ]
    "$rt" kill "redpak-redis-$$" TERM
    for i in $(seq 50); do
        [ -S "$SOCK" ] || break
        sleep 0.1
    done
    [ ! -S "$SOCK" ]
}

@test "crun runs nodes/redis.yaml's bundle: Redis answers through the exported socket" {
    redis_answers crun
    # idmapped binds: the data Redis wrote is redis:redis on the host.
    [ "$(stat -c %U:%G "$NODE/data/dump.rdb")" = redis:redis ]
}

@test "runc runs nodes/redis.yaml's bundle exported --no-idmap: Redis answers through the exported socket" {
    redis_answers runc --no-idmap
}

@test "the node's cgroup limits are in the container's cgroup files under crun" {
    require_runtime crun
    cgroup2_full || skip "the host's cgroup v2 lacks the memory and pids controllers (tests/vm has them)"
    write_host_usr_node "$SCRATCH/cg.yaml" cg <<'YAML'
cgroup:
  items: {memory.max: 64M, pids.max: 33, memory.high: 48M}
process:
  command: [/bin/sh, -c, 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.high']
YAML
    sed -i 's|  - {type: dev, path: /dev}|  - {type: dev, path: /dev}\n  - {type: bind, path: /sys/fs/cgroup, source: /sys/fs/cgroup, optional: true}|' "$SCRATCH/cg.yaml"
    "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/b" "$SCRATCH/cg.yaml"
    python3 - "$SCRATCH/b/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/sys/fs/cgroup"]
c["mounts"].append({"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                    "options": ["ro", "nosuid", "nodev", "noexec"]})
json.dump(c, open(sys.argv[1], "w"))
PY
    CIDS+=("redpak-cg-$$")
    run bash -c "cd '$SCRATCH/b' && crun run redpak-cg-$$"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 67108864 ]
    [ "${lines[1]}" = 33 ]
    [ "${lines[2]}" = 50331648 ]
}

@test "a bundle folder that exists and is not empty is refused, and left as it was" {
    write_probe_node "$SCRATCH/probe.yaml"
    mkdir "$SCRATCH/b"
    echo mine > "$SCRATCH/b/file"
    run "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/b" "$SCRATCH/probe.yaml"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"bundle $SCRATCH/b: exists and is not empty"* ]]
    [ "$(ls "$SCRATCH/b")" = file ]
    # An empty folder is taken.
    mkdir "$SCRATCH/empty"
    "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/empty" "$SCRATCH/probe.yaml" 2> /dev/null
    [ -f "$SCRATCH/empty/config.json" ] && [ -d "$SCRATCH/empty/rootfs" ]
}

@test "a joined namespace whose path does not exist is an error at its line, and no bundle is left" {
    write_host_usr_node "$SCRATCH/join.yaml" join <<'YAML'
namespaces: {net: /proc/999999999/ns/net}
process:
  command: [/bin/true]
YAML
    run "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/b" "$SCRATCH/join.yaml"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"join.yaml:"*"namespaces.net: /proc/999999999/ns/net: No such file or directory"* ]]
    [ ! -e "$SCRATCH/b" ]
}

@test "a node without a command takes the one after --, and without either is refused" {
    write_host_usr_node "$SCRATCH/nocmd.yaml" nocmd < /dev/null
    run "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/b" "$SCRATCH/nocmd.yaml"
    [ "$status" -eq 1 ]
    [[ $output == *"process.command: the node names no command"* ]]
    [ ! -e "$SCRATCH/b" ]
    "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/b" "$SCRATCH/nocmd.yaml" -- /bin/echo hi 2> /dev/null
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["process"]["args"] == ["/bin/echo", "hi"]' \
        "$SCRATCH/b/config.json"
}

@test "a node whose root is an image file is refused with the way out, and no bundle is left" {
    printf 'version: 1\nnode: img\nroot: {image: /srv/rootfs.squashfs}\nprocess: {command: [/bin/sh]}\n' > "$SCRATCH/img.yaml"
    run "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/b" "$SCRATCH/img.yaml"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"root.image /srv/rootfs.squashfs: a bundle's root is a folder: unpack the image"* ]]
    [ ! -e "$SCRATCH/b" ]
}

@test "a root.source node's bundle has a copy of the image, owners moved through the maps, and crun runs it" {
    require_runtime crun
    make_busybox_root "$SCRATCH/image"
    cat > "$SCRATCH/src.yaml" <<YAML
version: 1
node: src
hostname: src
root: {source: "$SCRATCH/image"}
mounts:
  - {type: proc, path: /proc}
process:
  command: [/bin/sh, -c, 'id -u; stat -c %u /bin/busybox; hostname']
YAML
    "$REDWRAP" --node "$SCRATCH/src.yaml" > "$SCRATCH/redwrap.out"
    run "$REDNODE_CONFIG" export --oci-bundle "$SCRATCH/b" "$SCRATCH/src.yaml"
    echo "$output"
    [[ $output == *"note: root.source: rootfs/ is a copy of $SCRATCH/image"* ]]
    [ "$(stat -c %u "$SCRATCH/b/rootfs/bin/busybox")" = 524288 ]
    [ "$(stat -c %u "$SCRATCH/image/bin/busybox")" = 0 ]
    fit_to_host "$SCRATCH/b"
    CIDS+=("redpak-src-$$")
    (cd "$SCRATCH/b" && oci crun run "redpak-src-$$") > "$SCRATCH/crun.out"
    diff "$SCRATCH/redwrap.out" "$SCRATCH/crun.out"
    [ "$(cat "$SCRATCH/crun.out")" = "$(printf '0\n0\nsrc')" ]
}
