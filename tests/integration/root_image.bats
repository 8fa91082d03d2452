#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# root.image: a squashfs or erofs file as the node's read-only root,
# mounted through a loop device that is gone when the node is, also after
# a killed redwrap. Bad images and bad keys: clear errors.

load helpers

setup() {
    common_setup
    [ "$(id -u)" -eq 0 ] || skip "a loop device is root's to set up"
    [ -e /dev/loop-control ] || skip "no loop devices (/dev/loop-control)"
    command -v losetup > /dev/null || skip "needs losetup (util-linux)"
    make_busybox_root "$SCRATCH/root"
}

# The loop devices backed by FILE, one a line (none: empty).
loops_of() {
    losetup -n -O NAME -j "$1"
}

# make_image KIND FILE: the busybox root as a squashfs or an erofs.
make_image() {
    case $1 in
    squashfs)
        command -v mksquashfs > /dev/null || skip "needs mksquashfs (squashfs-tools)"
        grep -qw squashfs /proc/filesystems || modprobe squashfs 2> /dev/null ||
            skip "the kernel has no squashfs"
        mksquashfs "$SCRATCH/root" "$2" -noappend -quiet -all-root > /dev/null
        ;;
    erofs)
        command -v mkfs.erofs > /dev/null || skip "needs mkfs.erofs (erofs-utils)"
        grep -qw erofs /proc/filesystems || modprobe erofs 2> /dev/null ||
            skip "the kernel has no erofs"
        mkfs.erofs "$2" "$SCRATCH/root" > /dev/null 2>&1
        ;;
    esac
}

write_image_node() {
    local file=$1 image=$2
    shift 2
    cat > "$file" <<YAML
version: 1
node: img
hostname: img
root: {image: "$image"}
mounts:
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
YAML
    cat >> "$file"
}

runs_from_image() {
    make_image "$1" "$SCRATCH/root.$1"
    write_image_node "$SCRATCH/node.yaml" "$SCRATCH/root.$1" <<'YAML'
process:
  command: [/bin/sh, -c, 'id -u; hostname; ls /bin/busybox; touch /x 2> /dev/null || echo read-only; grep " / " /proc/self/mountinfo']
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = img ]
    [ "${lines[2]}" = /bin/busybox ]
    [ "${lines[3]}" = read-only ]
    [[ ${lines[4]} == *" - $1 /dev/loop"* ]]
    [ -z "$(loops_of "$SCRATCH/root.$1")" ]
}

@test "a node runs from a squashfs image, read-only, and no loop device is left" {
    runs_from_image squashfs
}

@test "a node runs from an erofs image, read-only, and no loop device is left" {
    runs_from_image erofs
}

@test "an image node that writes a file gets an overlay above the image, and the image is unchanged" {
    make_image squashfs "$SCRATCH/root.squashfs"
    sum=$(sha256sum < "$SCRATCH/root.squashfs")
    write_image_node "$SCRATCH/node.yaml" "$SCRATCH/root.squashfs" <<'YAML'
  - {type: file, path: /etc/motd, content: "hello\n"}
process:
  command: [/bin/cat, /etc/motd]
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = hello ]
    [ "$(sha256sum < "$SCRATCH/root.squashfs")" = "$sum" ]
    [ -z "$(loops_of "$SCRATCH/root.squashfs")" ]
}

@test "the loop device goes with the node after redwrap is killed" {
    make_image squashfs "$SCRATCH/root.squashfs"
    write_image_node "$SCRATCH/node.yaml" "$SCRATCH/root.squashfs" <<'YAML'
process:
  command: [/bin/sleep, "60"]
YAML
    "$REDWRAP" --node "$SCRATCH/node.yaml" &
    pid=$!
    for i in $(seq 50); do
        [ -n "$(loops_of "$SCRATCH/root.squashfs")" ] && break
        sleep 0.1
    done
    [ -n "$(loops_of "$SCRATCH/root.squashfs")" ]
    kill -KILL "$pid"
    wait "$pid" || true
    for i in $(seq 50); do
        [ -z "$(loops_of "$SCRATCH/root.squashfs")" ] && break
        sleep 0.1
    done
    [ -z "$(loops_of "$SCRATCH/root.squashfs")" ]
}

# refused_image FILE: a node from FILE exits 125 at step 2, saying why,
# and leaves no loop device behind.
refused_image() {
    write_image_node "$SCRATCH/node.yaml" "$1" <<'YAML'
process:
  command: [/bin/true]
YAML
    run "$REDWRAP" --node "$SCRATCH/node.yaml"
    echo "$output"
    [ "$status" -eq 125 ]
    [[ $output == *"root.image $1: not mountable as squashfs or erofs through a loop device"* ]]
    [ -z "$(loops_of "$1")" ]
}

@test "a truncated image is refused with exit 125, and no loop device is left" {
    make_image squashfs "$SCRATCH/root.squashfs"
    head -c 65536 "$SCRATCH/root.squashfs" > "$SCRATCH/cut.squashfs"
    refused_image "$SCRATCH/cut.squashfs"
}

@test "an image of another filesystem (ext4) is refused: only squashfs and erofs are mounted" {
    command -v mkfs.ext4 > /dev/null || skip "needs mkfs.ext4 (e2fsprogs)"
    mkfs.ext4 -q -d "$SCRATCH/root" "$SCRATCH/root.ext4" 8M
    refused_image "$SCRATCH/root.ext4"
}

@test "root.image with source, size or mode is an error at the value" {
    cat > "$SCRATCH/bad.yaml" <<'YAML'
version: 1
node: bad
root: {image: /x.squashfs, source: /srv, size: 1M}
YAML
    printf 'version: 1\nnode: bad2\nroot: {image: /x.squashfs, mode: "0700"}\n' > "$SCRATCH/bad2.yaml"
    run "$REDNODE_CONFIG" validate "$SCRATCH/bad.yaml"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"bad.yaml:3:15: root.image: image and source are two roots: give one"* ]]
    [[ $output == *"root.size: size has no meaning with root.source"* ]]
    run "$REDNODE_CONFIG" validate "$SCRATCH/bad2.yaml"
    [ "$status" -eq 1 ]
    [[ $output == *"bad2.yaml:3:34: root.mode: mode has no meaning with root.image"* ]]
}

@test "root.image run rootless is refused with exit 125 before anything is mounted" {
    make_image squashfs "$SCRATCH/root.squashfs"
    write_image_node "$SCRATCH/node.yaml" "$SCRATCH/root.squashfs" <<'YAML'
process:
  command: [/bin/true]
YAML
    chmod 0644 "$SCRATCH/node.yaml"
    run as_user "$REDWRAP" --node "$SCRATCH/node.yaml"
    echo "$output"
    [ "$status" -eq 125 ]
    [[ $output == *"root.image $SCRATCH/root.squashfs: an image is mounted through a loop device, which only root may set up"* ]]
    [ -z "$(loops_of "$SCRATCH/root.squashfs")" ]
}
