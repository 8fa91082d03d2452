#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Limits a node cannot get around (issue 2/9, classes 4 and 8): a sized
# /dev/shm, a cgroup tree of bounded depth and size that teardown always
# removes, no writable cgroup v1 hierarchy of the host on a hybrid host.
# Each test names the layer that stops the attempt.

load ../integration/helpers

setup() {
    common_setup
}

teardown() {
    common_teardown
}

ROOTLESS_IDS="user_namespace:
  uid_map: [{inside: 0, outside: $ROOTLESS_UID, count: 1}]
  gid_map: [{inside: 0, outside: $ROOTLESS_GID, count: 1}]"

# ---- /dev/shm (class 8) -------------------------------------------------------

# Layer: the tmpfs size of the dev mount (apply/mount_dev.c).
shm_fill() {
    local runner=$1 ids=$2 dev=$3
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: proc, path: /proc}
  - $dev
$ids
YAML
    run $runner "$REDWRAP" --node "$SCRATCH/node.yaml" -- sh -c \
        'df -k /dev/shm | tail -1; dd if=/dev/zero of=/dev/shm/fill bs=1M count=80 2>&1; echo "dd=$?"'
}

@test "root: /dev/shm is 64M by default and writing past it fails with ENOSPC" {
    shm_fill "" "" "{type: dev, path: /dev}"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"No space left on device"* ]]
    [[ "$output" == *"dd=1"* ]]
    [[ "$output" =~ tmpfs\ +65536\  ]]
}

@test "rootless: /dev/shm is 64M by default and writing past it fails with ENOSPC" {
    shm_fill as_user "$ROOTLESS_IDS" "{type: dev, path: /dev}"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"No space left on device"* ]]
    [[ "$output" =~ tmpfs\ +65536\  ]]
}

@test "root: dev.shm_size sets the size of /dev/shm" {
    shm_fill "" "" "{type: dev, path: /dev, shm_size: 8M}"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" =~ tmpfs\ +8192\  ]]
    [[ "$output" == *"No space left on device"* ]]
    run "$REDNODE_CONFIG" plan "$SCRATCH/node.yaml"
    [[ "$output" == *"shm of 8M"* ]]
}

@test "shm_size: 0 is a plan error at its value, exit 125" {
    write_host_usr_node "$SCRATCH/node.yaml" <<'YAML'
mounts:
  - {type: dev, path: /dev, shm_size: 0}
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- true
    echo "$output"
    [ "$status" -eq 125 ]
    [[ "$output" == *"node.yaml:4:39: mounts[0].shm_size: shm_size cannot be 0"* ]]
}

# ---- cgroups (classes 4 and 8) ------------------------------------------------

# The probe: from a nested user namespace (every capability of the node
# dropped, the nested namespace gives them back there), a new mount and
# cgroup namespace, and a cgroup filesystem mounted at /tmp/c. $1: the
# filesystem ("cgroup2", or "cgroup" with $2 its options); then the
# action: "write FILE VALUE" or "deep N" (a chain of N cgroups).
write_cgroup_probe() {
    cat > "$SCRATCH/probe/cg.py" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fstype, opts, action = sys.argv[1], sys.argv[2], sys.argv[3]
if libc.unshare(0x10000000 | 0x20000 | 0x02000000) < 0:
    print("unshare:", os.strerror(ctypes.get_errno())); sys.exit(2)
os.makedirs("/tmp/c", exist_ok=True)
if libc.mount(b"none", b"/tmp/c", fstype.encode(), 0, opts.encode() if opts else None) < 0:
    print("mount:", os.strerror(ctypes.get_errno())); sys.exit(3)
print("view:", " ".join(sorted(os.listdir("/tmp/c"))))
if action == "write":
    try:
        with open("/tmp/c/" + sys.argv[4], "w") as f:
            f.write(sys.argv[5])
        print("write: ok")
    except OSError as e:
        print("write:", e.strerror)
elif action == "deep":
    os.chdir("/tmp/c")
    depth = 0
    try:
        for depth in range(int(sys.argv[4])):
            os.mkdir("d"); os.chdir("d")
        depth += 1
    except OSError as e:
        print("mkdir at depth %d: %s" % (depth + 1, e.strerror))
    print("depth", depth)
PY
    chmod -R a+rX "$SCRATCH/probe"
}

cgroup_node() {
    mkdir -p "$SCRATCH/probe"
    write_cgroup_probe
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
  - {type: bind, path: /probe, source: $SCRATCH/probe}
tmpfs:
  - {path: /tmp, size: 1M}
capabilities: {drop: [all]}
YAML
}

# Layer: redwrap moves the first process into a fresh leaf of every v1
# hierarchy before it unshares its cgroup namespace (apply/cgroup_v1.c):
# the namespace's root there is that leaf.
@test "root, hybrid host: a nested user namespace cannot write the host's cgroup v1 limits" {
    [ -d /sys/fs/cgroup/pids ] && grep -q ' - cgroup .*pids' /proc/self/mountinfo ||
        skip "no cgroup v1 pids hierarchy: not a hybrid host"
    [ "$(awk -F: '$2 == "pids" {print $3}' /proc/self/cgroup)" = / ] ||
        skip "this shell is not at the top of the pids tree"
    local host=/sys/fs/cgroup/pids/redpak-limits-$$
    mkdir "$host"
    echo 100 > "$host/pids.max"
    cgroup_node
    run "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- \
        python3 /probe/cg.py cgroup pids write "redpak-limits-$$/pids.max" 7
    local value
    value=$(cat "$host/pids.max")
    rmdir "$host"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$value" = 100 ]
    # The node's view of the pids tree is its own empty leaf ...
    [[ "$output" == *"view: cgroup.clone_children cgroup.procs notify_on_release pids."* ]]
    [[ "$output" != *"redpak-limits-$$"*"write: ok"* ]]
    # ... and redwrap removed the leaves it made.
    local leaf
    for leaf in $(sed -n 's/.*the first process is in the v1 leaf //p' <<< "$output"); do
        [ ! -e "$leaf" ]
    done
    [[ "$output" == *"v1 leaf /sys/fs/cgroup/pids/redpak-"* ]]
}

# Layer: cgroup.max.depth and cgroup.max.descendants on the node's cgroup
# (apply/cgroup.c); the kernel refuses the 17th level with EAGAIN.
@test "root: a node cannot build a 600-level cgroup tree, and its cgroup is gone after" {
    grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "no cgroup2 hierarchy"
    cgroup_node
    run "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- python3 /probe/cg.py cgroup2 "" deep 600
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"mkdir at depth 17: Resource temporarily unavailable"* ]]
    [[ "$output" == *"depth 16"* ]]
    local cg
    cg=$(sed -n 's/^redwrap: cgroup: created //p' <<< "$output")
    [ -n "$cg" ]
    [ ! -e "$cg" ]
    [[ "$output" != *"warning: teardown"* ]]
}

# Layer: the node's cgroup is delegated to its private-range root the way
# the kernel's cgroup-v2 delegation model says (apply/cgroup_delegate.c):
# the directory and cgroup.procs/threads/subtree_control are the node's,
# the limit files stay host root's. With the identity map (uid 0 inside is
# host root) the node could raise its own cgroup.max.depth.
@test "root: a node cannot loosen its own cgroup's limits, but may make sub-cgroups" {
    grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "no cgroup2 hierarchy"
    cgroup_node
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- python3 /probe/cg.py cgroup2 "" write cgroup.max.depth max
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"write: Permission denied"* ]]
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- python3 /probe/cg.py cgroup2 "" write cgroup.max.descendants max
    [[ "$output" == *"write: Permission denied"* ]]
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- python3 /probe/cg.py cgroup2 "" deep 1
    echo "$output"
    [[ "$output" == *"depth 1"* ]]
}

# Layer: teardown walks the tree with a bounded number of descriptors
# (apply/cgroup_teardown.c). A 600-level tree left by a killed redwrap
# (the same tree a node could build before the depth bound) is removed by
# the next run's stale cleanup, even with only 64 descriptors to spare.
@test "root: teardown removes a 600-level cgroup tree with bounded descriptors" {
    local mnt
    mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
    [ -n "$mnt" ] || skip "no cgroup2 hierarchy"
    # A parent of its own: another redwrap's stale cleanup running
    # alongside must not be the one that removes the tree.
    local parent=$mnt/redpak-limits-test-$$
    mkdir "$parent" || skip "cannot make cgroups under $mnt"
    # A pid that is gone: the stale cgroup's owner.
    true &
    local gone=$!
    wait "$gone"
    local stale=$parent/redpak-deep-$gone-0000beef
    python3 -c '
import os, sys
os.mkdir(sys.argv[1]); os.chdir(sys.argv[1])
for _ in range(599):
    os.mkdir("d"); os.chdir("d")' "$stale"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
cgroup: {parent: /redpak-limits-test-$$}
YAML
    run bash -c 'ulimit -n 64; exec "$@"' - "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- true
    echo "$output"
    local left=no
    if [ -e "$stale" ]; then
        left=yes
        # Leave nothing behind whatever happened.
        python3 -c '
import os, sys
p = sys.argv[1]; n = 0
os.chdir(p)
while os.path.isdir("d"): os.chdir("d"); n += 1
for _ in range(n): os.chdir(".."); os.rmdir("d")
os.rmdir(p)' "$stale"
    fi
    rmdir "$parent"
    [ "$status" -eq 0 ]
    [ "$left" = no ]
    [[ "$output" == *"removed $stale, left by redwrap $gone which is gone"* ]]
}
