# SPDX-License-Identifier: Apache-2.0
# Shared set-up for the bats suites. Each test gets its own world-readable
# scratch folder (rootless runs happen as an unprivileged uid), and helpers
# that build the node files and roots the suites have in common.

: "${REDWRAP:?set by ctest: the redwrap under test}"
: "${REDNODE_CONFIG:?set by ctest: the rednode-config under test}"
: "${REDPAK_SOURCE_DIR:?set by ctest}"

# The unprivileged user rootless tests run as.
ROOTLESS_UID=${ROOTLESS_UID:-65534}
ROOTLESS_GID=${ROOTLESS_GID:-65534}

HOST_PROBE=$(dirname "${BASH_SOURCE[0]}")/host-probe.sh

# require_host FEATURE [ARG]...: skips the test, with the reason in one line,
# when this host lacks FEATURE (a kernel feature or a tool: host-probe.sh).
# A copy of the suites without host-probe.sh (the VM tests' initramfs packs
# only the .bats files and this one) runs every test, as on a host that has
# it all.
require_host() {
    [ -x "$HOST_PROBE" ] || return 0
    local why
    why=$("$HOST_PROBE" "$@") || skip "${why:-$HOST_PROBE $* failed}"
}

common_setup() {
    # Every node makes a user and a time namespace: where the host cannot,
    # no node runs at all.
    require_host userns
    require_host timens
    # A test whose name says rootless runs redwrap as ROOTLESS_UID.
    case $BATS_TEST_DESCRIPTION in
    *rootless*)
        require_host rootless "$REDWRAP" "$REDPAK_SOURCE_DIR" ${PROBES:+"$PROBES"}
        ;;
    esac
    SCRATCH=$(mktemp -d /tmp/redpak-test.XXXXXX)
    chmod 0755 "$SCRATCH"
}

common_teardown() {
    # A test skipped in common_setup has no scratch folder.
    [ -z "${SCRATCH:-}" ] || rm -rf "$SCRATCH"
}

# Runs a command as the unprivileged test user, with no supplementary groups.
as_user() {
    setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_GID" --clear-groups \
        --inh-caps=-all -- "$@"
}

# A busybox root filesystem: DIR/bin/busybox and its applets as symlinks.
make_busybox_root() {
    local dir=$1
    require_host busybox
    mkdir -p "$dir/bin" "$dir/etc" "$dir/proc" "$dir/dev" "$dir/tmp"
    cp /bin/busybox "$dir/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list); do
        [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
    done
    printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$dir/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
    chmod -R a+rX "$dir"
}

# A node that binds the host's /usr (Debian's merged /usr) and nothing else:
# enough to run the host's programs. Extra YAML lines are appended from stdin.
write_host_usr_node() {
    local file=$1 name=${2:-t}
    {
        printf 'version: 1\nnode: %s\n' "$name"
        cat
    } > "$file.body"
    # The caller's lines come after a default mount list unless they give their own.
    if ! grep -q '^mounts:' "$file.body"; then
        cat >> "$file.body" <<'YAML'
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /sbin, target: usr/sbin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
YAML
    fi
    mv "$file.body" "$file"
    chmod 0644 "$file"
}

# The cgroup this shell runs in, where redwrap makes its nodes' cgroups by
# default: under the host's cgroup2 mount, /sys/fs/cgroup on a pure cgroup
# v2 host, /sys/fs/cgroup/unified on a hybrid one. Nothing without cgroup2.
own_cgroup() {
    local root
    root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
    [ -n "$root" ] || return 0
    echo "$root$(sed -n 's/^0::\/*/\//p' /proc/self/cgroup)" | sed 's:/*$::'
}

# Mount points of the host, to compare before and after a run.
host_mounts() {
    awk '{print $5}' /proc/self/mountinfo | sort
}

# ---- Redis nodes (tests/integration/redis*.bats) ----------------------------

# Skips the test when Redis is not installed.
require_redis() {
    command -v redis-server > /dev/null && command -v redis-cli > /dev/null &&
        command -v redis-benchmark > /dev/null ||
        skip "redis-server and redis-tools are not installed"
}

# Copies the shipped node NAME.yaml into DIR as DIR/node.yaml: its ${NODE_DIR}
# is DIR, so the data is DIR/data and the socket DIR/socket/redis.sock.
redis_node_copy() {
    local name=$1 dir=$2
    mkdir -p "$dir"
    chmod 0755 "$dir"
    cp "$REDPAK_SOURCE_DIR/nodes/$name.yaml" "$dir/node.yaml"
}

# Starts redwrap on DIR/node.yaml in the background (further arguments go to
# redwrap: options, then -- and a command), sets REDIS_PID to redwrap's pid
# and waits until Redis answers PING on DIR/socket/redis.sock. REDIS_RUN_AS,
# an array, is put in front of redwrap (a setpriv that execs it).
redis_node_start() {
    local dir=$1
    shift
    "${REDIS_RUN_AS[@]}" "$REDWRAP" --node "$dir/node.yaml" "$@" > "$dir/redwrap.log" 2>&1 &
    REDIS_PID=$!
    local i
    for i in $(seq 150); do
        [ "$(redis-cli -s "$dir/socket/redis.sock" ping 2> /dev/null)" = PONG ] && return 0
        kill -0 "$REDIS_PID" 2> /dev/null || break
        sleep 0.1
    done
    cat "$dir/redwrap.log" >&2
    return 1
}

# The host pid of the redis-server that redwrap REDWRAP_PID runs (its init's
# child, or the node's first process itself without init).
redis_server_pid() {
    local pid
    for pid in $(pgrep -P "$1") $(pgrep -P "$(pgrep -P "$1" | head -1)" 2> /dev/null); do
        [ "$(cat "/proc/$pid/comm" 2> /dev/null)" = redis-server ] && { echo "$pid"; return 0; }
    done
    return 1
}

# as_user's command line as an array, for background jobs: with
# `"${AS_USER[@]}" CMD &` the job's $! is CMD itself (setpriv execs it),
# where `as_user CMD &` would give a subshell's pid.
AS_USER=(setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_GID" --clear-groups
         --inh-caps=-all --)

# The host's mount points less those that suites running alongside make
# and remove meanwhile: other tests' scratch folders and /run/netns. What
# this test's own node leaves behind still shows (under $SCRATCH or
# anywhere else).
host_mounts_but_others() {
    host_mounts | awk -v mine="$SCRATCH" \
        '(index($0, "/tmp/redpak-test.") != 1 || index($0, mine) == 1) && index($0, "/run/netns") != 1'
}

# The shipped nodes/redis.yaml, ready to run as root: skips without Redis or
# without root (the node runs Redis as the host's redis user), copies it to
# NODE=$SCRATCH/redis and names its socket SOCK.
redis_root_node() {
    require_redis
    [ "$(id -u)" -eq 0 ] || skip "the node runs Redis as the host's redis user: root only"
    NODE=$SCRATCH/redis
    redis_node_copy redis "$NODE"
    SOCK=$NODE/socket/redis.sock
}

# The head of a mounts: list that runs the host's programs (/usr and its
# /bin, /lib, /lib64 links), for a node whose own mounts follow it:
#     write_host_usr_node FILE <<YAML
#     $(host_usr_mounts)
#       - {type: bind, path: /data, source: ...}
#     YAML
host_usr_mounts() {
    cat <<'YAML'
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
YAML
}

# The syscalls a kernel before 5.6 lacks that redwrap has fallbacks for:
# "$PROBES/nosys" "$OLD_KERNEL_SYSCALLS" -- redwrap ... takes them all.
# (statx exists since 4.11, but names a mount only since 5.8; without it
# redwrap reads the same from /proc, as it does on those kernels.)
OLD_KERNEL_SYSCALLS=openat2,mount_setattr,open_tree,move_mount,fsopen,fsmount,statx,statmount

# kernel_at_least MAJOR MINOR: whether the running kernel is that or newer.
kernel_at_least() {
    local v
    v=$(uname -r)
    local major=${v%%.*} rest=${v#*.}
    local minor=${rest%%[!0-9]*}
    [ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}
