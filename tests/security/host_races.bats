#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Host-side paths that someone else can change (issue 2/9, classes 5 and
# 8). redwrap runs as root on the host before the node exists: a symlink
# that an unprivileged user planted in the path of a create: true source,
# or that the workload of an earlier run planted through a writable bind,
# must never make it create, chown or bind another host folder; and a
# set-uid file the node makes in a writable bind must not give its owner's
# ids to the host's users. Each case checks the host side afterwards.

load ../integration/helpers

setup() {
    common_setup
    # A folder an unprivileged host user owns, where a node's data lives,
    # and a root-owned host folder nobody named in the node.
    mkdir -p "$SCRATCH/shared" "$SCRATCH/victim"
    chown "$ROOTLESS_UID:$ROOTLESS_GID" "$SCRATCH/shared"
    echo host > "$SCRATCH/victim/VICTIM"
    chmod 0700 "$SCRATCH/victim"
}

teardown() {
    [ -n "${PLANTER:-}" ] && kill "$PLANTER" 2> /dev/null
    [ -n "${HOST_PID:-}" ] && kill "$HOST_PID" 2> /dev/null
    common_teardown
}

# redwrap, or (OLD_KERNEL set) redwrap as on a kernel without openat2 and
# the new mount API, so that it takes its fallbacks (probes/nosys.c).
redwrap_run() {
    if [ -n "${OLD_KERNEL:-}" ]; then
        "$PROBES/nosys" "$OLD_KERNEL_SYSCALLS" -- "$REDWRAP" "$@"
    else
        "$REDWRAP" "$@"
    fi
}

# A node whose /data is SOURCE, created when missing, and more mounts[]
# lines from stdin.
data_node() {
    local source=$1
    {
        cat <<YAML
$(host_usr_mounts)
  - {type: bind, path: /data, source: "$source", readonly: false, create: true, owner: "999:999"}
YAML
        cat
    } | write_host_usr_node "$SCRATCH/node.yaml"
}

planted_symlink_in_a_created_source_fails_the_start() {
    # The user makes the parent of the created folder a symlink to the
    # root-owned folder: mkdir -p would make data there and chown it.
    ln -s ../victim "$SCRATCH/shared/sub"
    chown -h "$ROOTLESS_UID:$ROOTLESS_GID" "$SCRATCH/shared/sub"
    data_node "$SCRATCH/shared/sub/data" < /dev/null
    run redwrap_run --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ "$output" == *"$SCRATCH/shared/sub is a symlink"* ]]
    # Nothing was made or chowned in the folder the link points at.
    [ "$(ls -A "$SCRATCH/victim")" = VICTIM ]
    [ "$(stat -c %u "$SCRATCH/victim")" = 0 ]
}

@test "create: true does not follow a symlink planted in the path of the source" {
    planted_symlink_in_a_created_source_fails_the_start
}

@test "create: true does not follow a planted symlink without openat2 (the O_NOFOLLOW walk)" {
    OLD_KERNEL=1 planted_symlink_in_a_created_source_fails_the_start
}

@test "a symlink planted as the created source itself is not bound" {
    ln -s ../victim "$SCRATCH/shared/data"
    data_node "$SCRATCH/shared/data" < /dev/null
    run redwrap_run --node "$SCRATCH/node.yaml" -- /bin/sh -c 'test ! -e /data/VICTIM'
    [ "$status" -eq 125 ]
    [[ "$output" == *"is a symlink"* ]]
}

# The user swaps its folder with a symlink to the root-owned one, as fast
# as it can (renameat2 RENAME_EXCHANGE: the path is always one or the
# other), while redwrap starts the node again and again. Every start must
# either fail (125) or bind the user's own folder: never the victim.
@test "a racing symlink planter never gets the node's /data to be another host folder" {
    mkdir "$SCRATCH/shared/data"
    chown "$ROOTLESS_UID:$ROOTLESS_GID" "$SCRATCH/shared/data"
    ln -s ../victim "$SCRATCH/shared/alt"
    chown -h "$ROOTLESS_UID:$ROOTLESS_GID" "$SCRATCH/shared/alt"
    data_node "$SCRATCH/shared/data" < /dev/null
    # exec: $! is then the planter itself, which the kill below must end
    # (a backgrounded shell function would leave it running on).
    (exec setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_GID" --clear-groups \
        --inh-caps=-all -- /usr/bin/python3 -c '
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b = (p.encode() for p in sys.argv[1:3])
end = time.time() + 60
while time.time() < end:
    libc.renameat2(-100, a, -100, b, 2)  # AT_FDCWD, RENAME_EXCHANGE
' "$SCRATCH/shared/data" "$SCRATCH/shared/alt") &
    PLANTER=$!
    local i victim=0 started=0 refused=0 end=$((SECONDS + 20))
    for i in $(seq 60); do
        [ "$SECONDS" -lt "$end" ] || break
        run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'test ! -e /data/VICTIM'
        case $status in
            0) started=$((started + 1)) ;;
            125) refused=$((refused + 1)) ;;
            *) victim=$((victim + 1)) ;;
        esac
    done
    kill "$PLANTER"
    wait "$PLANTER" || true
    PLANTER=
    echo "# started $started, refused $refused, saw the victim $victim" >&3
    [ "$victim" -eq 0 ]
    [ "$(ls -A "$SCRATCH/victim")" = VICTIM ]
    [ "$(stat -c %u:%a "$SCRATCH/victim")" = 0:700 ]
}

# The review's case: an earlier run of the node replaced the inner bind's
# source, below its writable /data, with a symlink to /proc; the next run's
# /inner was the host's proc.
@test "a bind source below a writable bind's source is a plan error naming both" {
    data_node "$SCRATCH/data" <<YAML
  - {type: bind, path: /inner, source: "$SCRATCH/data/in", optional: true}
YAML
    run "$REDNODE_CONFIG" validate "$SCRATCH/node.yaml"
    [ "$status" -eq 1 ]
    [[ "$output" == *"node.yaml:9:"*"mounts[5].source: $SCRATCH/data/in is below the source of mounts[4] (line 8, column"* ]]
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [ ! -e "$SCRATCH/data" ]
}

@test "a symlink planted through a writable bind does not redirect a later run's bind" {
    sleep 600 &
    HOST_PID=$!
    # Reached through a host symlink, the inner source is not below /data
    # as written: the walk on the host sees it is.
    mkdir -p "$SCRATCH/data/in"
    ln -s data "$SCRATCH/via"
    data_node "$SCRATCH/data" <<YAML
  - {type: bind, path: /inner, source: "$SCRATCH/via/in"}
YAML
    # The first run plants the symlink; today the second one's /inner is
    # the host's /proc.
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'rm -rf /data/in && ln -s /proc /data/in' || true
    run "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c "test ! -e /inner/$HOST_PID"
    [ "$status" -eq 125 ]
    [[ "$output" == *"goes through $SCRATCH/data, the source of a writable bind"* ]]
}

@test "root.source below a writable bind's source is a plan error" {
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: t
root: {source: "$SCRATCH/data/img"}
mounts:
  - {type: bind, path: /data, source: "$SCRATCH/data", readonly: false}
YAML
    run "$REDNODE_CONFIG" validate "$SCRATCH/node.yaml"
    [ "$status" -eq 1 ]
    [[ "$output" == *"root.source: $SCRATCH/data/img is below the source of mounts[0]"* ]]
}

# Class 8: a file the node's root makes set-uid in a writable bind. With
# the folder 0755 it was there for every host user to run, set-uid to its
# host owner (root, under the identity map).
@test "a set-uid file the node makes in a created source does not serve the host's users" {
    data_node "$SCRATCH/data" < /dev/null
    sed -i 's/, owner: "999:999"//' "$SCRATCH/node.yaml"
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'cp /usr/bin/id /data/id && chmod 4755 /data/id'
    # Through a shell: setpriv itself still holds root's capabilities when
    # it execs, and would reach through any mode.
    run as_user /bin/sh -c "exec $SCRATCH/data/id -u"
    [ "$status" -ne 0 ]
    [[ "$output" == *"Permission denied"* ]]
    [ "$(stat -c %a "$SCRATCH/data")" = 700 ]
}

@test "create: true makes the folder 0700 with the owner the node names" {
    data_node "$SCRATCH/new/data" < /dev/null
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$(stat -c %a:%u:%g "$SCRATCH/new/data")" = 700:999:999 ]
    [ "$(stat -c %a:%u "$SCRATCH/new")" = 755:0 ]
}
