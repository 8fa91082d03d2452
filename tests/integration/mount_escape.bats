#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Mount targets never leave the node's root. An image (root.source) or a
# bind source is a tree someone else may control; a symlink in it pointing
# at "/" or climbing with ".." and used as a target's parent must resolve
# inside the new root, as if the root were "/", never on the host. Each
# case checks the host path it aimed at is untouched, as root and rootless.

bats_require_minimum_version 1.5.0
load helpers

setup() {
    common_setup
    # A name nothing else on the host uses, removed in teardown should a
    # regression ever create it.
    MARK=redpak-escape-$$-$RANDOM
}

teardown() {
    rm -rf "/etc/$MARK" "/tmp/$MARK" "/$MARK"
    common_teardown
}

redwrap_as() {
    local who=$1
    shift
    # OLD_KERNEL: as on a kernel without openat2 and mount_setattr, so that
    # redwrap takes its fallbacks (probes/nosys.c).
    local cmd=("$REDWRAP")
    [ -n "${OLD_KERNEL:-}" ] && cmd=("$PROBES/nosys" "$OLD_KERNEL_SYSCALLS" -- "$REDWRAP")
    if [ "$who" = rootless ]; then
        as_user "${cmd[@]}" "$@"
    else
        "${cmd[@]}" "$@"
    fi
}

# A busybox image owned by the node's root (the caller, mapped to 0), so
# that mount points can be made in the overlay on it: a copy-up keeps the
# owner, which must be mapped.
make_image() {
    # The image is layered under an overlay, but where OLD_KERNEL hides it.
    [ -n "${OLD_KERNEL:-}" ] || require_host overlayfs "$1"
    make_busybox_root "$SCRATCH/img"
    [ "$1" = rootless ] && chown -R "$ROOTLESS_UID:$ROOTLESS_GID" "$SCRATCH/img"
    return 0
}

# The image is the lower layer of an overlay: what the node's steps make
# lands in the node's upper layer, never in the image. Under nosys there
# is no fsopen, hence no overlay, and the image is bound and written.
image_holds_only_with_old_kernel() {
    if [ -n "${OLD_KERNEL:-}" ]; then
        [ -e "$SCRATCH/img/$1" ]
    else
        [ ! -e "$SCRATCH/img/$1" ]
    fi
}

image_symlink_to_root_is_followed_inside_the_node() {
    make_image "$1"
    ln -s / "$SCRATCH/img/evil"
    mkdir -p "$SCRATCH/src"
    echo bound > "$SCRATCH/src/file"
    chmod -R a+rX "$SCRATCH/src"
    # Without idmapped mounts a root-started node's image needs the 1:1 map.
    local ids=
    [ -n "${OLD_KERNEL:-}" ] && [ "$1" = root ] && ids="user_namespace: identity"
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: escape
$ids
root: {source: $SCRATCH/img}
mounts:
  - {type: dir, path: /evil/etc/$MARK, mode: "0700"}
  - {type: bind, path: /evil/$MARK, source: $SCRATCH/src}
tmpfs:
  - {path: /evil/tmp/$MARK, size: 64K}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        "stat -c %a /etc/$MARK; cat /$MARK/file; stat -f -c %T /tmp/$MARK"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 700 ]
    [ "${lines[1]}" = bound ]
    [ "${lines[2]}" = tmpfs ]
    # Inside the node's "/" only: not on the host, nor in the image, unless
    # the old kernel's missing overlay had the image bound and written.
    image_holds_only_with_old_kernel "etc/$MARK"
    [ ! -e "/etc/$MARK" ]
    [ ! -e "/$MARK" ]
    [ ! -e "/tmp/$MARK" ]
}

@test "an image's symlink to / used as a target's parent stays inside the root (root)" {
    image_symlink_to_root_is_followed_inside_the_node root
}

@test "an image's symlink to / used as a target's parent stays inside the root (rootless)" {
    image_symlink_to_root_is_followed_inside_the_node rootless
}

image_dotdot_symlink_cannot_climb_out() {
    make_image "$1"
    mkdir -p "$SCRATCH/img/a/b"
    # From img/a/b, five levels up is far above the image: the host's "/".
    ln -s ../../../../.. "$SCRATCH/img/a/b/up"
    [ "$1" = rootless ] && chown -h "$ROOTLESS_UID:$ROOTLESS_GID" "$SCRATCH/img/a/b/up"
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: escape
root: {source: $SCRATCH/img}
mounts:
  - {type: file, path: /a/b/up/etc/$MARK, content: "written\n"}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/cat "/etc/$MARK"
    [ "$status" -eq 0 ]
    [ "$output" = written ]
    image_holds_only_with_old_kernel "etc/$MARK"
    [ ! -e "/etc/$MARK" ]
}

@test "an image's .. symlink cannot climb out of the root (root)" {
    image_dotdot_symlink_cannot_climb_out root
}

@test "an image's .. symlink cannot climb out of the root (rootless)" {
    image_dotdot_symlink_cannot_climb_out rootless
}

bind_source_symlinks_stay_inside_the_node() {
    mkdir -p "$SCRATCH/src"
    ln -s / "$SCRATCH/src/out"
    ln -s ../../../../.. "$SCRATCH/src/up"
    chmod 1777 "$SCRATCH/src"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: bind, path: /data, source: $SCRATCH/src, readonly: false}
  - {type: dir, path: /data/out/etc/$MARK}
  - {type: file, path: /data/up/tmp/$MARK, content: "x"}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        "test -d /etc/$MARK && echo dir-inside; test -f /tmp/$MARK && echo file-inside"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = dir-inside ]
    [ "${lines[1]}" = file-inside ]
    [ ! -e "/etc/$MARK" ]
    [ ! -e "/tmp/$MARK" ]
    # Nor in the bind source, beside the links.
    [ "$(ls -A "$SCRATCH/src" | sort | tr '\n' ' ')" = "out up " ]
}

@test "symlinks in a bind source used as targets' parents stay inside the root (root)" {
    bind_source_symlinks_stay_inside_the_node root
}

@test "symlinks in a bind source used as targets' parents stay inside the root (rootless)" {
    bind_source_symlinks_stay_inside_the_node rootless
}

file_over_an_absolute_symlink_never_writes_the_host() {
    make_image "$1"
    echo original > "/tmp/$MARK"
    ln -s "/tmp/$MARK" "$SCRATCH/img/victim"
    # Without idmapped mounts a root-started node's image needs the 1:1 map.
    local ids=
    [ -n "${OLD_KERNEL:-}" ] && [ "$1" = root ] && ids="user_namespace: identity"
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: escape
$ids
root: {source: $SCRATCH/img}
mounts:
  - {type: file, path: /victim, content: "overwritten\n"}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/true
    # The link points at a path that does not exist inside the node: the
    # file step is refused rather than written through it.
    [ "$status" -eq 125 ]
    [[ "$stderr" == *"mounts (step 7.3): file /victim: a symlink to nothing inside the node is in the way: File exists"* ]]
    [ "$(cat "/tmp/$MARK")" = original ]
}

@test "a file step over an absolute symlink never writes the host's file (root)" {
    file_over_an_absolute_symlink_never_writes_the_host root
}

@test "a file step over an absolute symlink never writes the host's file (rootless)" {
    file_over_an_absolute_symlink_never_writes_the_host rootless
}

# The same attempts where openat2 is missing: the component walk confines.
@test "an image's symlink to / stays inside the root (old kernel, root)" {
    OLD_KERNEL=1 image_symlink_to_root_is_followed_inside_the_node root
}

@test "an image's symlink to / stays inside the root (old kernel, rootless)" {
    OLD_KERNEL=1 image_symlink_to_root_is_followed_inside_the_node rootless
}

@test "an image's .. symlink cannot climb out of the root (old kernel, rootless)" {
    OLD_KERNEL=1 image_dotdot_symlink_cannot_climb_out rootless
}

@test "symlinks in a bind source stay inside the root (old kernel, rootless)" {
    OLD_KERNEL=1 bind_source_symlinks_stay_inside_the_node rootless
}

@test "a file step over an absolute symlink never writes the host (old kernel, root)" {
    OLD_KERNEL=1 file_over_an_absolute_symlink_never_writes_the_host root
}
