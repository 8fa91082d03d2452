#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Escape attempts from a hardened node: no capabilities, the default seccomp
# profile, a non-root uid, a read-only root, no_new_privileges. The probe
# (escape.c) prints one TAP line per attempt with the errno and the layer
# that stopped it; every line must be "ok", as root-started and rootless.
# The probe's TAP goes to the bats output (fd 3); ESCAPE_REPORT=DIR keeps a
# copy per test (docs/security.md's table was made from it).

load ../integration/helpers

setup() {
    : "${ESCAPE:?set by ctest: the escape probe}"
    common_setup
    require_host cmd setcap python3 script
    # Bind sources: a read-only bind with a writable-looking file and dir
    # and a submount of its own, and the tools: the probe, a setuid-root
    # copy and a copy with cap_sys_admin+ep.
    mkdir -p "$SCRATCH/ro/sub" "$SCRATCH/tools"
    echo data > "$SCRATCH/ro/file"
    chmod 0666 "$SCRATCH/ro/file"
    chmod 0777 "$SCRATCH/ro"
    mount -t tmpfs -o size=1M,mode=1777 redpak-escape-sub "$SCRATCH/ro/sub"
    cp "$ESCAPE" "$SCRATCH/tools/escape"
    cp "$ESCAPE" "$SCRATCH/tools/suid"
    chown 0:0 "$SCRATCH/tools/suid"
    chmod 4755 "$SCRATCH/tools/suid"
    cp "$ESCAPE" "$SCRATCH/tools/fcap"
    setcap cap_sys_admin+ep "$SCRATCH/tools/fcap"
    chmod -R a+rX "$SCRATCH"

    # Host side: a process, an abstract unix socket and a loopback listener.
    sleep 600 &
    HOST_PID=$!
    ABSTRACT=redpak-escape-$$
    python3 -c '
import socket, sys, time
u = socket.socket(socket.AF_UNIX); u.bind("\0" + sys.argv[1]); u.listen()
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen()
open(sys.argv[2], "w").write(str(t.getsockname()[1]))
time.sleep(600)' "$ABSTRACT" "$SCRATCH/port" &
    LISTENER_PID=$!
    for _ in $(seq 50); do [ -s "$SCRATCH/port" ] && break; sleep 0.1; done
    TCP_PORT=$(cat "$SCRATCH/port")
}

teardown() {
    kill "$HOST_PID" "$LISTENER_PID" 2> /dev/null || true
    umount "$SCRATCH/ro/sub" 2> /dev/null || true
    common_teardown
}

# The hardened node. $1: extra YAML (the id maps of a rootless run);
# $2: the seccomp section.
write_hardened_node() {
    local ids=$1 seccomp=${2:-"{default_errno: 4094}"}
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: hardened
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
  - {type: bind, path: /ro, source: $SCRATCH/ro}
  - {type: bind, path: /tools, source: $SCRATCH/tools}
tmpfs:
  - {path: /tmp, size: 1M}
capabilities: {drop: [all]}
seccomp: $seccomp
$ids
YAML
    chmod 0644 "$SCRATCH/node.yaml"
}

ROOT_IDS='process: {user: 65534, group: 65534, no_new_privileges: true}'
# Rootless: the caller's uid is the only one a user may map; as 1000
# inside, the workload is not the node's root either.
ROOTLESS_IDS="user_namespace:
  uid_map: [{inside: 1000, outside: $ROOTLESS_UID, count: 1}]
  gid_map: [{inside: 1000, outside: $ROOTLESS_GID, count: 1}]
process: {user: 1000, group: 1000, no_new_privileges: true}"

# as_user's command, for script(1)'s shell, which has no bats functions.
AS_USER="setpriv --reuid=$ROOTLESS_UID --regid=$ROOTLESS_GID --clear-groups --inh-caps=-all --"

# Runs the probe in the node under a pseudo-terminal (script(1)), so the
# terminal attempts have a terminal; $1 is a prefix command ($AS_USER).
# SECCOMP_ERRNO=0: the filter answers with EPERM like the kernel does, so
# the probe does not tell the two apart.
run_probe() {
    local errno=${SECCOMP_ERRNO:-4094}
    run script -qec "$* $REDWRAP --node $SCRATCH/node.yaml -- /tools/escape \
        seccomp_errno=$errno host_pid=$HOST_PID host_file=$SCRATCH/node.yaml \
        ro_file=/ro/file ro_sub=/ro/sub suid=/tools/suid fcap=/tools/fcap \
        abstract=$ABSTRACT tcp_port=$TCP_PORT" /dev/null < /dev/null
    output=$(printf '%s\n' "$output" | tr -d '\r')
    printf '%s\n' "$output" | sed 's/^/# /' >&3
    if [ -n "${ESCAPE_REPORT:-}" ]; then
        mkdir -p "$ESCAPE_REPORT"
        printf '%s\n' "$output" > "$ESCAPE_REPORT/$BATS_TEST_NUMBER.tap"
    fi
}

# Every attempt ran and failed: the plan line, no "not ok", at least as
# many "ok" lines as attempts the probe makes with every argument given.
assert_no_escape() {
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    ! grep -q '^not ok' <<< "$output"
    grep -q '^# 0 escape(s)$' <<< "$output"
    [ "$(grep -c '^ok ' <<< "$output")" -ge 58 ]
    ! grep -q '# SKIP' <<< "$output"
}

@test "every escape attempt fails in a hardened node started by root" {
    write_hardened_node "$ROOT_IDS"
    run_probe
    assert_no_escape
    # The layers the design promises, where the design puts them.
    grep -q '^ok .* mount a tmpfs: .*layer=seccomp$' <<< "$output"
    grep -q '^ok .* create a file in the read-only root: .*layer=read-only mount$' <<< "$output"
    grep -q '^ok .* submount of a read-only bind: .*layer=read-only mount$' <<< "$output"
    grep -q '^ok .* write a file of a read-only bind: .*layer=read-only mount$' <<< "$output"
    grep -q '^ok .* signal a host process: .*(ESRCH) layer=pid namespace$' <<< "$output"
    grep -q '^ok .* TIOCSTI into the terminal: .*layer=seccomp$' <<< "$output"
    grep -q '^ok .* TIOCSTI with high bits .*layer=seccomp$' <<< "$output"
    grep -q '^ok .* mknod a block device: .*(EPERM) layer=capabilities$' <<< "$output"
    grep -q '^ok .* setuid-root copy: ran as euid=65534 capeff=0* ' <<< "$output"
    grep -q '^ok .* host abstract unix socket: .*layer=network namespace$' <<< "$output"
    grep -q "^ok .* host's 127.0.0.1: .*layer=network namespace$" <<< "$output"
}

@test "every escape attempt fails in a hardened node started rootless" {
    write_hardened_node "$ROOTLESS_IDS"
    run_probe "$AS_USER"
    assert_no_escape
    grep -q '^ok .* mount a tmpfs: .*layer=seccomp$' <<< "$output"
    grep -q '^ok .* TIOCSTI into the terminal: .*layer=seccomp$' <<< "$output"
    grep -q '^ok .* setuid-root copy: ran as euid=1000 capeff=0* ' <<< "$output"
}

@test "every escape attempt fails with the default profile's own errno (EPERM), root and rootless" {
    write_hardened_node "$ROOT_IDS" "{}"
    SECCOMP_ERRNO=0 run_probe
    assert_no_escape
    write_hardened_node "$ROOTLESS_IDS" "{}"
    SECCOMP_ERRNO=0 run_probe "$AS_USER"
    assert_no_escape
}

@test "the node's root, host uid 0 under user_namespace: identity, cannot write the host's sysctls" {
    # With the identity map uid 0 inside is the host's root: only the
    # read-only /proc/sys stops it, whatever its capabilities. (The
    # default private range stops it by the id too: idmap.bats.)
    write_host_usr_node "$SCRATCH/root.yaml" <<< 'user_namespace: identity'
    run "$REDWRAP" --node "$SCRATCH/root.yaml" -- /bin/sh -c \
        'id -u; v=$(cat /proc/sys/vm/swappiness); echo "$v" > /proc/sys/vm/swappiness'
    [ "$status" -ne 0 ]
    [[ "${lines[0]}" == *"warning: user_namespace: identity"* ]]
    [ "${lines[1]}" = 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    run "$REDWRAP" --node "$SCRATCH/root.yaml" -- /bin/sh -c \
        'for f in /proc/sys /proc/irq /proc/bus /proc/fs; do grep -q " $f ro," /proc/self/mountinfo || echo "$f writable"; done'
    [ "$status" -eq 0 ]
    [[ "$output" != *writable* ]]
}

@test "the node's root, host uid 0 under user_namespace: identity, cannot change the host's device nodes" {
    # /dev/null and the others are the host's inodes, bound in; with the
    # identity map uid 0 inside owns them: only the read-only bind stops
    # chmod, chown and utimes.
    # Each attempt sets what the node already has (mode, owner, mtime),
    # so a redwrap with the bug (another tree's build runs this suite
    # too) reports it without changing the host's devices.
    write_host_usr_node "$SCRATCH/root.yaml" <<< 'user_namespace: identity'
    local before
    before=$(stat -c '%a %u %g %Y' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)
    run "$REDWRAP" --node "$SCRATCH/root.yaml" -- /bin/sh -c '
        for d in null zero full random urandom tty; do
            set -- $(stat -c "%a %u %g %Y" /dev/$d)
            chmod "$1" /dev/$d 2> /dev/null && echo "chmod $d"
            chown "$2:$3" /dev/$d 2> /dev/null && echo "chown $d"
            touch -m -d "@$4" /dev/$d 2> /dev/null && echo "touch $d"
        done
        echo x > /dev/null && head -c 1 /dev/zero | wc -c'
    [ "$(stat -c '%a %u %g %Y' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)" = "$before" ]
    [ "$status" -eq 0 ]
    # Every attempt refused, and the devices still work (after the
    # identity map's warning).
    [ "${#lines[@]}" -eq 2 ]
    [ "${lines[1]}" = 1 ]
}

@test "a bind source's directory swapped for a symlink to / never puts a mount outside the root" {
    # The host swaps SRC/sub between a directory and a symlink to / while
    # redwrap mounts a tmpfs at /data/sub (through the writable bind of
    # SRC at /data). Each run either fails, or shows its tmpfs inside the
    # node's root: at /data/sub, at /data/link when the host swapped the
    # names after the mount (a mount follows its directory), or on the
    # node's own / when the symlink was there (resolved in the root, as
    # openat2's RESOLVE_IN_ROOT does). Never missing from the node's table
    # (outside its root), and the host's mount table never changes.
    mkdir -p "$SCRATCH/src/sub"
    chmod -R 0777 "$SCRATCH/src"
    write_host_usr_node "$SCRATCH/race.yaml" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /bin, target: usr/bin}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: proc, path: /proc}
  - {type: bind, path: /data, source: $SCRATCH/src, readonly: false}
tmpfs:
  - {path: /data/sub, size: 1M, mode: "0700"}
YAML
    # Other suites running beside this one mount in their scratch folders.
    local before
    before=$(host_mounts | awk -v mine="$SCRATCH" 'index($0, "/tmp/redpak-test.") != 1 || index($0, mine) == 1')
    # renameat2(RENAME_EXCHANGE) swaps the two names atomically: "sub" is
    # always there, a directory or the symlink, and nothing is replaced
    # (replacing a directory would detach the node's mount on it: the
    # kernel lazily unmounts what sits on a removed directory).
    ln -s / "$SCRATCH/src/link"
    python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = (os.path.join(sys.argv[1], n).encode() for n in ("sub", "link"))
while True:
    libc.renameat2(-100, a, -100, b, 2)' "$SCRATCH/src" &
    local swapper=$! i at_sub=0 at_renamed=0 at_root=0 failed=0
    for i in $(seq 200); do
        run "$REDWRAP" --node "$SCRATCH/race.yaml" -- /bin/sh -c \
            "grep -E ' - tmpfs [^ ]+ [^ ]*mode=700' /proc/self/mountinfo | cut -d' ' -f5"
        if [ "$status" -ne 0 ]; then
            failed=$((failed + 1))
        elif [ "$output" = /data/sub ]; then
            at_sub=$((at_sub + 1))
        elif [ "$output" = /data/link ]; then
            at_renamed=$((at_renamed + 1))
        elif [ "$output" = / ]; then
            at_root=$((at_root + 1))
        else
            kill "$swapper"
            echo "run $i: the tmpfs is at '$output'"
            return 1
        fi
    done
    kill "$swapper"
    wait "$swapper" 2> /dev/null || true
    echo "# race: tmpfs at /data/sub $at_sub, at /data/link $at_renamed, on the node's / $at_root, refused $failed" >&3
    [ "$(host_mounts | awk -v mine="$SCRATCH" 'index($0, "/tmp/redpak-test.") != 1 || index($0, mine) == 1')" = "$before" ]
    ! grep -q ' / tmpfs ' /proc/self/mountinfo
}
