#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bad_input.sh: feeds redwrap every malformed node file of schemas/invalid,
# a few malformed files whose bind source says `create: true`, and every
# --set value of bad-sets.txt; each must end with exit 125 and an error at
# FILE:LINE:COLUMN (or --set:1:COLUMN), and leave nothing on the host.
#
# Run it in a private mount namespace (unshare --mount --propagation
# private): it mounts a tmpfs of its own on /tmp, so /tmp before and after
# is exactly what redwrap left there, and the mount table changes only by
# what redwrap does. Cgroups are global: a cgroup named after one of the
# redwrap runs (redpak-<node>-<pid>-*) must not remain.
# Environment: REDWRAP, REDPAK_SOURCE_DIR. Prints one line per failure and
# a summary; exits 1 if anything failed.
set -u
: "${REDWRAP:?}" "${REDPAK_SOURCE_DIR:?}"
# Where redwrap would make the nodes' cgroups: under our own, below the
# host's cgroup2 mount (/sys/fs/cgroup/unified on a hybrid host).
CGROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
[ -z "$CGROOT" ] || CGROOT=$CGROOT$(sed -n 's/^0:://p' /proc/self/cgroup)
HERE=$(cd "$(dirname "$0")" && pwd)

# The tree under test may itself live in /tmp (a CI clone does): its top
# folder is opened before the tmpfs covers /tmp and bound back at its path
# through that descriptor, so redwrap, its library and the corpus stay where
# they were. Both snapshots see the same bind, so it changes no result.
declare -A keep_fd=()
for p in "$REDPAK_SOURCE_DIR" "$REDWRAP"; do
    case "$p" in
    /tmp/?*)
        rest=${p#/tmp/}
        top=/tmp/${rest%%/*}
        [ -n "${keep_fd[$top]:-}" ] || { exec {fd}<"$top" && keep_fd[$top]=$fd; } || exit 2
        ;;
    esac
done
mount -t tmpfs -o size=64M,mode=1777 redpak-bad-input /tmp || exit 2
for top in "${!keep_fd[@]}"; do
    # -c: mount(8) must not resolve the magic link to its (now covered) path.
    mkdir -p "$top" && mount -c --bind "/proc/self/fd/${keep_fd[$top]}" "$top" || exit 2
done
WORK=/tmp/work
mkdir -p "$WORK"
cp -a "$REDPAK_SOURCE_DIR/schemas/invalid" "$WORK/invalid"

# Malformed files with a bind source to create: the error is elsewhere,
# after it in the file, in the plan, or in a --set.
NOT_CREATED=$WORK/must-not-be-created
head_with_create() {
    printf 'version: 1\nnode: %s\nmounts:\n' "$1"
    printf '  - {type: bind, path: /data, source: %s/%s, create: true, readonly: false}\n' \
        "$NOT_CREATED" "$1"
}
{ head_with_create create-then-unknown-key; echo 'bogus: 1'; } > "$WORK/invalid/x-create-then-unknown-key.yaml"
{ head_with_create create-then-bad-mount; echo '  - {type: proc, path: relative}'; } > "$WORK/invalid/x-create-then-bad-mount.yaml"
{ head_with_create create-then-unmapped-user; echo 'process: {user: 70000}'; } > "$WORK/invalid/x-create-then-unmapped-user.yaml"
{ head_with_create create-then-syntax; echo 'tmpfs: [{path: /tmp'; } > "$WORK/invalid/x-create-then-syntax.yaml"
{ head_with_create create-then-unknown-owner; echo '  - {type: dir, path: /d, owner: "nosuchuser:0"}'; } > "$WORK/invalid/x-create-then-unknown-owner.yaml"
# The base of the --set runs is valid (each section a --set may break is
# there), and would create its source when run.
{
    head_with_create bad-sets
    cat <<'YAML'
hostname: h
tmpfs:
  - {path: /tmp, size: 1M}
capabilities: {drop: [all]}
seccomp: {default_action: errno}
process:
  command: [/bin/true]
  env: {set: {A: b}}
  rlimits: {nofile: 64}
YAML
} > "$WORK/base.yaml"
: > "$WORK/err"

snapshot() {
    find /tmp -xdev | sort
    awk '{print $5, $9}' /proc/self/mountinfo | sort
}
BEFORE=$(snapshot)

failed=0 passed=0 pids=()
fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
}

# Runs redwrap with the arguments given, in the background so its pid is
# known (the cgroup it would make carries it). Sets rc and err.
run_redwrap() {
    "$REDWRAP" "$@" -- /bin/true 2> "$WORK/err" > /dev/null &
    local pid=$!
    pids+=("$pid")
    wait "$pid"
    rc=$?
    err=$(cat "$WORK/err")
}

for file in "$WORK"/invalid/*; do
    case $file in *.expect) continue ;; esac
    name=${file##*/}
    source=$file
    [ -e "$file.expect" ] && source=$file.expect
    expect=$(head -1 "$source" | tr -d '\0' | sed -n 's/^# expect: \([0-9]*\):\([0-9]*\).*/\1:\2/p')
    run_redwrap --node "$file"
    if [ "$rc" -ne 125 ]; then
        fail "$name: exit $rc, not 125: $err"
    elif [ -n "$expect" ] && ! grep -qF "redwrap: $file:$expect: " <<< "$err"; then
        fail "$name: no error at $file:$expect: $err"
    elif ! grep -qE "^redwrap: $file:[0-9]+:[0-9]+: " <<< "$err"; then
        fail "$name: no FILE:LINE:COLUMN: $err"
    else
        passed=$((passed + 1))
    fi
done

n_sets=0
while IFS= read -r set; do
    n_sets=$((n_sets + 1))
    run_redwrap --node "$WORK/base.yaml" --set "$set"
    if [ "$rc" -ne 125 ]; then
        fail "--set '$set': exit $rc, not 125: $err"
    elif ! grep -qE "^redwrap: (--set:1|$WORK/base.yaml:[0-9]+):[0-9]+: " <<< "$err"; then
        fail "--set '$set': no position: $err"
    else
        passed=$((passed + 1))
    fi
done < "$HERE/bad-sets.txt"

[ ! -e "$NOT_CREATED" ] || fail "a create: true bind source was created: $(ls "$NOT_CREATED")"
AFTER=$(snapshot)
[ "$BEFORE" = "$AFTER" ] || fail "/tmp or the mount table changed: $(diff <(echo "$BEFORE") <(echo "$AFTER"))"
if [ -n "$CGROOT" ]; then
    for pid in "${pids[@]}"; do
        left=$(find "$CGROOT" -maxdepth 3 -type d -name "redpak-*-$pid-*" 2> /dev/null)
        [ -z "$left" ] || fail "cgroup left by redwrap $pid: $left"
    done
fi
echo "$passed passed, $failed failed ($(ls "$WORK/invalid" | grep -cv '\.expect$') files, $n_sets --set values, ${#pids[@]} runs)"
[ "$failed" -eq 0 ]
