#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The cache of compiled seccomp filters (apply/seccomp_cache.c), end to end:
# the second start reads what the first stored and the node runs under the
# same filter; a file of another owner, or a folder others can write, is
# not used. Rootless, with XDG_RUNTIME_DIR in the scratch folder, so the
# tests neither read nor leave anything in the host's own cache.

load helpers

setup() {
    common_setup
    : "${PROBES:?set by ctest}"
    RUNDIR=$SCRATCH/run
    mkdir -m 0700 "$RUNDIR"
    chown "$ROOTLESS_UID:$ROOTLESS_GID" "$RUNDIR"
    {
        printf 'version: 1\nnode: seccomp-cache\n'
        printf 'mounts:\n  - {type: bind, path: /probes, source: %s}\n' "$PROBES"
        printf 'seccomp:\n  base: default\n  syscalls:\n'
        printf '    - {names: [getppid], action: errno, errno: EACCES}\n'
    } > "$SCRATCH/node.yaml"
    chmod 0644 "$SCRATCH/node.yaml"
}

teardown() {
    common_teardown
}

# redwrap -v as the test user with its own XDG_RUNTIME_DIR.
run_node() {
    run as_user env XDG_RUNTIME_DIR="$RUNDIR" "$REDWRAP" -v --node "$SCRATCH/node.yaml" \
        -- /probes/systry getpgid getppid unshare_user
}

@test "rootless: the second start reads the filters the first stored, and they still refuse" {
    run_node
    [ "$status" -eq 1 ] # unshare_user: EPERM from the default profile
    [[ "$output" == *"seccomp cache: filter stored"* ]]
    [[ "$output" == *"getppid: errno 13"* ]]
    [ "$(stat -c '%a %u' "$RUNDIR/redpak")" = "700 $ROOTLESS_UID" ]
    [ "$(find "$RUNDIR/redpak" -name '*.bpf' -perm 0600 | wc -l)" -eq 2 ]
    run_node
    [ "$status" -eq 1 ]
    [[ "$output" != *"filter stored"* ]]
    [ "$(grep -c 'seccomp cache: filter read' <<<"$output")" -eq 2 ]
    [[ "$output" == *"getpgid: ok"* ]]
    [[ "$output" == *"getppid: errno 13"* ]]
    [[ "$output" == *"unshare_user: errno 1"* ]]
}

@test "rootless: a filter file another user owns is ignored and the filter compiled" {
    run_node
    [ "$status" -eq 1 ]
    # The genuine files, given to root: right name, right content, wrong
    # owner (readable by all, so that the owner check and not the file's
    # mode is what refuses them).
    chown 0:0 "$RUNDIR"/redpak/*.bpf
    chmod 0644 "$RUNDIR"/redpak/*.bpf
    run_node
    [ "$status" -eq 1 ]
    [ "$(grep -c 'not owned by us alone, or of the wrong size: ignored' <<<"$output")" -eq 2 ]
    [[ "$output" != *"filter read"* ]]
    [[ "$output" == *"getppid: errno 13"* ]]
}

@test "rootless: a cache folder others can write is not used" {
    mkdir -m 0777 "$RUNDIR/redpak"
    chown "$ROOTLESS_UID:$ROOTLESS_GID" "$RUNDIR/redpak"
    chmod 0777 "$RUNDIR/redpak"
    run_node
    [ "$status" -eq 1 ]
    [[ "$output" == *"seccomp cache: no usable folder"* ]]
    [[ "$output" == *"getppid: errno 13"* ]]
    [ -z "$(ls -A "$RUNDIR/redpak")" ]
}
