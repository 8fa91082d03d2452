# SPDX-License-Identifier: Apache-2.0
# Helpers of the VM cases (sourced). The cases run as root in the VM's root
# cgroup on a pure cgroup v2 host; redwrap and hog are in /usr/local/bin.
CG=/sys/fs/cgroup
SHARE=/mnt/share

fail() { echo "FAIL: $*"; exit 1; }

# node NAME [YAML...]: writes /tmp/NAME.yaml, a node that sees the VM's
# programs read-only and /share (the VM's /mnt/share) writable, plus the
# extra YAML lines given (a cgroup section, usually). Prints its path.
node() {
    name=$1
    shift
    f=/tmp/$name.yaml
    {
        echo "version: 1"
        echo "node: $name"
        echo "mounts:"
        for d in /bin /lib /lib64 /usr; do
            echo "  - {type: bind, path: $d, source: $d}"
        done
        # NOPROC=1: none (a pid: host node in its own user namespace
        # cannot mount the host's proc).
        [ -n "${NOPROC:-}" ] || echo "  - {type: proc, path: /proc}"
        echo "  - {type: dev, path: /dev}"
        echo "  - {type: bind, path: /share, source: $SHARE, readonly: false}"
        for line in "$@"; do echo "$line"; done
    } > "$f"
    echo "$f"
}

# cg_of NAME: the cgroup directory of the running node NAME (redwrap names
# it redpak-NAME-PID-RANDOM); waits up to 10 s for it to appear.
cg_of() {
    i=0
    while [ $i -lt 100 ]; do
        for d in $(find "$CG" -maxdepth 3 -type d -name "redpak-$1-*"); do
            echo "$d"
            return 0
        done
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# wait_for FILE [TENTHS]: waits for FILE to exist (default 30 s).
wait_for() {
    i=0
    while [ ! -e "$1" ]; do
        [ $i -lt "${2:-300}" ] || return 1
        sleep 0.1
        i=$((i + 1))
    done
}

# no_cgroup_left NAME: fails when any cgroup of node NAME remains.
no_cgroup_left() {
    left=$(find "$CG" -type d -name "redpak-$1-*")
    [ -z "$left" ] || fail "cgroup left behind: $left"
    echo "no cgroup of $1 left"
}

# running COMMAND: the processes whose command line starts with COMMAND
# (an extended regular expression), "PID ARGS" each; busybox has no pgrep,
# and matching only the start keeps "timeout 60 redwrap ... sleep" out.
running() { ps -o pid,args | grep -E "^ *[0-9]+ $1"; }

# field FILE KEY: the value of "KEY VALUE" in a flat-keyed cgroup file.
field() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# The workloads' handshake: the node touches /share/ready-X when it reached
# the state to inspect and waits for /share/go-X before it goes on.
handshake_reset() { rm -f "$SHARE"/ready-* "$SHARE"/go-*; }
