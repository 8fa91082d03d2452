#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Step 7, the node's filesystem, seen from inside the node and from the
# host: read-only binds (and their submounts), writable binds, tmpfs areas,
# symlinks, dirs and files, the minimal /dev, the node's own /proc, a
# read-only root, and nothing left behind. Every case runs as root and as
# an unprivileged user (rootless: a new user namespace).

bats_require_minimum_version 1.5.0
load helpers

setup() {
    common_setup
    HOST_SUB=
}

teardown() {
    [ -n "$HOST_SUB" ] && umount -R "$HOST_SUB" 2>/dev/null
    common_teardown
}

# redwrap as root, or as the unprivileged test user.
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

# A host directory the node binds, with a tmpfs mounted beneath it (a
# submount the bind brings along). World-writable, so that only the mount's
# read-only flag can refuse a write, whoever runs the node.
make_host_dir_with_submount() {
    mkdir -p "$SCRATCH/host/sub"
    chmod 1777 "$SCRATCH/host"
    HOST_SUB=$SCRATCH/host/sub
    mount -t tmpfs -o mode=1777,size=1M redpak-test "$HOST_SUB"
}

readonly_bind_refuses_writes_also_in_submounts() {
    make_host_dir_with_submount
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: bind, path: /data, source: $SCRATCH/host}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'touch /data/top 2>&1; touch /data/sub/below 2>&1; mountpoint -q /data/sub && echo submount-present'
    [ "$status" -eq 0 ]
    [[ "$output" == *"/data/top"*"Read-only file system"* ]]
    [[ "$output" == *"/data/sub/below"*"Read-only file system"* ]]
    [[ "$output" == *submount-present* ]]
    [ ! -e "$SCRATCH/host/top" ]
    [ ! -e "$SCRATCH/host/sub/below" ]
}

@test "a read-only bind cannot be written, nor can its submounts (root)" {
    readonly_bind_refuses_writes_also_in_submounts root
}

@test "a read-only bind cannot be written, nor can its submounts (rootless)" {
    readonly_bind_refuses_writes_also_in_submounts rootless
}

readonly_bind_is_never_written_by_the_nodes_own_steps() {
    mkdir -p "$SCRATCH/ro" "$SCRATCH/other"
    chmod 1777 "$SCRATCH/ro"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: bind, path: /data, source: $SCRATCH/ro}
  - {type: bind, path: /data/nested, source: $SCRATCH/other}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /usr/bin/true
    [ "$status" -eq 125 ]
    [[ "$stderr" == *"mounts (step 7.5): bind $SCRATCH/other -> /data/nested: Read-only file system"* ]]

    write_host_usr_node "$SCRATCH/file.yaml" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: bind, path: /data, source: $SCRATCH/ro}
  - {type: file, path: /data/app.conf, content: "x"}
YAML
    # A step known to write into a read-only bind is refused by the plan.
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/file.yaml" -- /usr/bin/true
    [ "$status" -eq 125 ]
    [ "$stderr" = "redwrap: $SCRATCH/file.yaml:6:5: mounts[2].path: mounts[2] (file /data/app.conf) would be written into mounts[1], a read-only bind at /data (line 5, column 5), and fail: make that bind readonly: false, or put a tmpfs area between them" ]
    # The host's directory got neither the mount point nor the file.
    [ -z "$(ls -A "$SCRATCH/ro")" ]
}

@test "a read-only bind's directory is never written by the node's own steps (root)" {
    readonly_bind_is_never_written_by_the_nodes_own_steps root
}

@test "a read-only bind's directory is never written by the node's own steps (rootless)" {
    readonly_bind_is_never_written_by_the_nodes_own_steps rootless
}

writable_bind_writes_land_on_the_host() {
    mkdir -p "$SCRATCH/data"
    chmod 1777 "$SCRATCH/data"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: bind, path: /data, source: $SCRATCH/data, readonly: false}
YAML
    run redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'echo from-node > /data/written'
    [ "$status" -eq 0 ]
    [ "$(cat "$SCRATCH/data/written")" = from-node ]
}

@test "a writable bind's writes land on the host (root)" {
    writable_bind_writes_land_on_the_host root
}

@test "a writable bind's writes land on the host (rootless)" {
    writable_bind_writes_land_on_the_host rootless
}

tmpfs_enforces_its_size_and_vanishes() {
    local mark=redpak-tmpfs-mark-$$-$RANDOM
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
tmpfs:
  - {path: /tmp, size: 1M}
YAML
    run redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        "echo kept > /tmp/$mark && cat /tmp/$mark && dd if=/dev/zero of=/tmp/big bs=64k count=64 2>&1; echo dd=\$?"
    [ "$status" -eq 0 ]
    [[ "$output" == *kept* ]]
    [[ "$output" == *"No space left on device"* ]]
    [[ "$output" == *dd=1* ]]
    # The tmpfs lived in the node's mount namespace: the host's /tmp never saw it.
    [ ! -e "/tmp/$mark" ]
    run redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c "ls -A /tmp"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "a tmpfs enforces its size and its content is gone after the run (root)" {
    tmpfs_enforces_its_size_and_vanishes root
}

@test "a tmpfs enforces its size and its content is gone after the run (rootless)" {
    tmpfs_enforces_its_size_and_vanishes rootless
}

symlink_dir_and_file_have_their_content_and_modes() {
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: symlink, path: /etc/app/current, target: ../../var/lib/app}
  - {type: dir, path: /var/lib/app, mode: "0750"}
  - {type: dir, path: /srv/drop, mode: "1777"}
  - {type: file, path: /etc/app/app.conf, mode: "0600", content: "port 0\ndir /data\n"}
  - {type: file, path: /etc/empty}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c '
        readlink /etc/app/current
        stat -c "%a %F" /var/lib/app /srv/drop /etc/app/app.conf /etc/empty /etc/app
        cat /etc/app/app.conf
        stat -c %s /etc/empty'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "../../var/lib/app" ]
    [ "${lines[1]}" = "750 directory" ]
    [ "${lines[2]}" = "1777 directory" ]
    [ "${lines[3]}" = "600 regular file" ]
    [ "${lines[4]}" = "644 regular empty file" ]
    # A parent made for a step is 0755, whatever redwrap's umask.
    [ "${lines[5]}" = "755 directory" ]
    [ "${lines[6]}" = "port 0" ]
    [ "${lines[7]}" = "dir /data" ]
    [ "${lines[8]}" = "0" ]
}

@test "symlinks, dirs and files have their content and modes (root)" {
    symlink_dir_and_file_have_their_content_and_modes root
}

@test "symlinks, dirs and files have their content and modes (rootless)" {
    symlink_dir_and_file_have_their_content_and_modes rootless
}

dev_holds_only_the_minimal_set() {
    write_host_usr_node "$SCRATCH/node.yaml" </dev/null
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c '
        ls -A /dev | tr "\n" " "; echo
        echo through-null > /dev/null && echo null-ok
        test "$(head -c 8 /dev/urandom | wc -c)" = 8 && echo urandom-ok
        test -c /dev/pts/ptmx && echo pts-ok
        touch /dev/shm/x && echo shm-ok'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " ]
    [ "${lines[1]}" = null-ok ]
    [ "${lines[2]}" = urandom-ok ]
    [ "${lines[3]}" = pts-ok ]
    [ "${lines[4]}" = shm-ok ]
}

@test "/dev holds only the minimal set, and it works (root)" {
    dev_holds_only_the_minimal_set root
}

@test "/dev holds only the minimal set, and it works (rootless)" {
    dev_holds_only_the_minimal_set rootless
}

proc_shows_only_the_nodes_processes() {
    write_host_usr_node "$SCRATCH/node.yaml" </dev/null
    # The node has an init, the shell and ls; the host has hundreds.
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'cd /proc && ls -d [0-9]* | wc -l; test -d /proc/1 && echo has-pid-1'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" -le 4 ]
    [ "${lines[1]}" = has-pid-1 ]
}

@test "/proc shows only the node's processes (root)" {
    proc_shows_only_the_nodes_processes root
}

@test "/proc shows only the node's processes (rootless)" {
    proc_shows_only_the_nodes_processes rootless
}

root_readonly_makes_root_unwritable() {
    write_host_usr_node "$SCRATCH/node.yaml" <<'YAML'
tmpfs:
  - {path: /tmp}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'touch /new-file 2>&1; mkdir /new-dir 2>&1; touch /tmp/still-writable && echo tmp-ok'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *"/new-file"*"Read-only file system"* ]]
    [[ "${lines[1]}" == *"/new-dir"*"Read-only file system"* ]]
    [ "${lines[2]}" = tmp-ok ]

    # root.readonly: false leaves it writable.
    printf 'root: {readonly: false}\n' | write_host_usr_node "$SCRATCH/rw.yaml"
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/rw.yaml" -- /bin/sh -c \
        'touch /new-file && echo root-writable'
    [ "$status" -eq 0 ]
    [ "$output" = root-writable ]
}

@test "root.readonly makes / unwritable, not the tmpfs areas on it (root)" {
    root_readonly_makes_root_unwritable root
}

@test "root.readonly makes / unwritable, not the tmpfs areas on it (rootless)" {
    root_readonly_makes_root_unwritable rootless
}

owners_of_dirs_files_and_tmpfs() {
    # Root runs with the identity maps (0-65535): 999 is 999 on both sides.
    # Rootless, only the caller is mapped (to 0), so 0 is the owner to ask for.
    local owner=999:999
    [ "$1" = rootless ] && owner=0:0
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: dir, path: /var/lib/app, mode: "0750", owner: "$owner"}
  - {type: file, path: /etc/app.conf, mode: "0640", owner: "$owner", content: "x"}
tmpfs:
  - {path: /run/app, size: 64K, mode: "0700", owner: "$owner"}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- \
        /usr/bin/stat -c "%u:%g %a" /var/lib/app /etc/app.conf /run/app
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$owner 750" ]
    [ "${lines[1]}" = "$owner 640" ]
    [ "${lines[2]}" = "$owner 700" ]
}

@test "dirs, files and tmpfs areas get their owner (root)" {
    owners_of_dirs_files_and_tmpfs root
}

@test "dirs, files and tmpfs areas get their owner (rootless)" {
    owners_of_dirs_files_and_tmpfs rootless
}

root_readonly_reaches_the_images_submounts() {
    require_host overlayfs "$1"
    make_busybox_root "$SCRATCH/img"
    mkdir -p "$SCRATCH/img/var/cache"
    HOST_SUB=$SCRATCH/img/var/cache
    mount -t tmpfs -o mode=1777,size=1M redpak-test "$HOST_SUB"
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: image
root: {source: $SCRATCH/img}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'touch /var/cache/x 2>&1; touch /etc/x 2>&1; true'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *"/var/cache/x"*"Read-only file system"* ]]
    [[ "${lines[1]}" == *"/etc/x"*"Read-only file system"* ]]
    [ ! -e "$SCRATCH/img/var/cache/x" ]

    # overlayfs cannot take a lower layer whose submounts a new user
    # namespace locks: where the plan needs an overlay (here a writable
    # root), the image is bound as the root, as before, and -v says why.
    echo seen > "$HOST_SUB/f"
    sed -i "s|^root: .*|root: {source: $SCRATCH/img, readonly: false}|" "$SCRATCH/node.yaml"
    run --separate-stderr redwrap_as "$1" -v --node "$SCRATCH/node.yaml" -- /bin/cat /var/cache/f
    [ "$status" -eq 0 ]
    [ "$output" = seen ]
    if [ "$1" = root ]; then
        # Root-started: the image is the parent's idmapped copy, which no
        # user namespace locks: the overlay is made, the submount bound on it.
        [[ "$stderr" == *"root.source: an overlay, the image read-only below it"* ]]
    else
        [[ "$stderr" == *"warning: root.source: no overlay (the image has host mounts below it, which the node's user namespace locks, and overlayfs cannot layer): the image is bound as the root"* ]]
    fi
}

@test "root.readonly reaches the submounts of an image root (root)" {
    root_readonly_reaches_the_images_submounts root
}

@test "root.readonly reaches the submounts of an image root (rootless)" {
    root_readonly_reaches_the_images_submounts rootless
}

@test "an image's submounts are bound read-only onto its overlay (root, the host's user namespace)" {
    require_host overlayfs
    make_busybox_root "$SCRATCH/img"
    mkdir -p "$SCRATCH/img/var/cache"
    HOST_SUB=$SCRATCH/img/var/cache
    mount -t tmpfs -o mode=1777,size=1M redpak-test "$HOST_SUB"
    echo seen > "$HOST_SUB/f"
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: image
namespaces: {user: host}
root: {source: $SCRATCH/img, readonly: false}
mounts:
  - {type: dir, path: /var/new}
YAML
    run --separate-stderr "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'cat /var/cache/f; touch /var/cache/x 2>&1; touch /etc/x && echo etc-writable'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = seen ]
    # The submount is the host's: read-only even in a writable root.
    [[ "${lines[1]}" == *"/var/cache/x"*"Read-only file system"* ]]
    [ "${lines[2]}" = etc-writable ]
    [[ "$stderr" == *"root.source: an overlay, the image read-only below it"* ]]
    [ ! -e "$SCRATCH/img/var/cache/x" ]
    [ ! -e "$SCRATCH/img/etc/x" ]
    [ ! -e "$SCRATCH/img/var/new" ]
}

missing_sources() {
    write_host_usr_node "$SCRATCH/node.yaml" <<'YAML'
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: bind, path: /data, source: /nonexistent}
  - {type: symlink, path: /lib64, target: usr/lib64}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /usr/bin/true
    [ "$status" -eq 125 ]
    # The whole message, once: the step and its line named once, then what
    # failed and why (7.1 is the private propagation, 7.2 the root).
    [ "$stderr" = "redwrap: mounts (step 7.5): bind /nonexistent -> /data: No such file or directory" ]

    write_host_usr_node "$SCRATCH/optional.yaml" <<'YAML'
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: bind, path: /data, source: /nonexistent, optional: true}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
YAML
    run --separate-stderr redwrap_as "$1" -v --node "$SCRATCH/optional.yaml" -- /usr/bin/true
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"mounts (step 7.4): skipped, optional source /nonexistent is missing"* ]]
}

@test "a missing bind source fails the run unless the bind is optional (root)" {
    missing_sources root
}

@test "a missing bind source fails the run unless the bind is optional (rootless)" {
    missing_sources rootless
}

no_mount_propagates_back_through_a_shared_host_mount() {
    # A host mount that is shared, as systemd makes them: a mount made below
    # a bind of it would reach the host, unless the node's tree is private.
    # (A new user namespace already turns the host's shared mounts into
    # slaves; as root the node may keep the host's user namespace, where
    # only the private propagation of step 7 stands in the way.)
    local userns=
    [ "$1" = root ] && userns='namespaces: {user: host}'
    mkdir -p "$SCRATCH/shared"
    HOST_SUB=$SCRATCH/shared
    mount -t tmpfs -o mode=1777,size=1M redpak-test "$HOST_SUB"
    mount --make-shared "$HOST_SUB"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$userns
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: bind, path: /data, source: $SCRATCH/shared, readonly: false}
tmpfs:
  - {path: /data/inner, size: 64K}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /usr/bin/true
    [ "$status" -eq 0 ]
    ! grep -q " $SCRATCH/shared/inner " /proc/self/mountinfo
}

@test "no mount propagates back through a shared host mount (root)" {
    no_mount_propagates_back_through_a_shared_host_mount root
}

@test "no mount propagates back through a shared host mount (rootless)" {
    no_mount_propagates_back_through_a_shared_host_mount rootless
}

proc_of_the_hosts_pid_namespace_is_refused_with_a_reason() {
    printf 'namespaces: {pid: host}\n' | write_host_usr_node "$SCRATCH/node.yaml"
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 125 ]
    [[ "$stderr" == *"mounts (step 7.8): proc /proc: from a new user namespace, proc needs namespaces.pid: new: Operation not permitted"* ]]
}

@test "a proc of the host's pid namespace is refused with the reason (root)" {
    proc_of_the_hosts_pid_namespace_is_refused_with_a_reason root
}

@test "a proc of the host's pid namespace is refused with the reason (rootless)" {
    proc_of_the_hosts_pid_namespace_is_refused_with_a_reason rootless
}

nothing_is_left_on_the_host() {
    mkdir -p "$SCRATCH/data"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: bind, path: /data, source: $SCRATCH/data}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
  - {type: mqueue, path: /dev/mqueue}
tmpfs:
  - {path: /tmp, size: 1M}
YAML
    run redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c 'mountpoint -q /dev/mqueue && echo mq'
    [ "$status" -eq 0 ]
    [ "$output" = mq ]
    # No mount of the node's (nor the staging tmpfs) shows in the host's table,
    # and no directory was made on the host for the staging.
    ! grep -E " $SCRATCH|newroot|oldroot" /proc/self/mountinfo
    ! grep -E "^(newroot|oldroot)$" <<<"$(ls -A /tmp)"
    [ "$(ls -A "$SCRATCH/data")" = "" ]
}

@test "nothing of the node is left in the host's mount table or /tmp (root)" {
    nothing_is_left_on_the_host root
}

@test "nothing of the node is left in the host's mount table or /tmp (rootless)" {
    nothing_is_left_on_the_host rootless
}

@test "without mount_setattr, read-only still reaches a bind's submounts (old kernel, root)" {
    OLD_KERNEL=1 readonly_bind_refuses_writes_also_in_submounts root
}

@test "without mount_setattr, read-only still reaches a bind's submounts (old kernel, rootless)" {
    OLD_KERNEL=1 readonly_bind_refuses_writes_also_in_submounts rootless
}

@test "without mount_setattr, root.readonly still makes / unwritable (old kernel, rootless)" {
    OLD_KERNEL=1 root_readonly_makes_root_unwritable rootless
}

# Everything that could change about an image tree: each entry's type,
# mode, owner, size, mtime, ctime and link target, and each file's content.
image_state() {
    (cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %C@ %l\n' | sort &&
        find . -type f -exec sha256sum {} + | sort)
}

# An image owned by the node's root (the caller, mapped to 0), so that
# mount points and files can be made in the overlay: a copy-up keeps the
# owner, which must be mapped.
make_owned_image() {
    make_busybox_root "$SCRATCH/img"
    mkdir -p "$SCRATCH/src"
    echo bound > "$SCRATCH/src/file"
    chmod -R a+rX "$SCRATCH/src"
    [ "$1" = rootless ] && chown -R "$ROOTLESS_UID:$ROOTLESS_GID" "$SCRATCH/img"
    return 0
}

image_is_never_written() {
    require_host overlayfs "$1"
    make_owned_image "$1"
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: image
root: {source: $SCRATCH/img}
mounts:
  - {type: bind, path: /data/in, source: $SCRATCH/src}
  - {type: proc, path: /proc}
  - {type: dir, path: /var/lib/app, mode: "0750"}
  - {type: file, path: /etc/app.conf, content: "port 0\n"}
  - {type: file, path: /etc/passwd, content: "root:x:0:0::/:/bin/sh\n"}
  - {type: symlink, path: /etc/current, target: app.conf}
tmpfs:
  - {path: /run/app, size: 64K}
YAML
    local before
    before=$(image_state "$SCRATCH/img")
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'cat /data/in/file /etc/current /etc/passwd; stat -c %a /var/lib/app; touch /etc/x 2>&1; true'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = bound ]
    [ "${lines[1]}" = "port 0" ]
    [ "${lines[2]}" = "root:x:0:0::/:/bin/sh" ]
    [ "${lines[3]}" = 750 ]
    # root.readonly still makes the overlay read-only at the end.
    [[ "${lines[4]}" == *"/etc/x"*"Read-only file system"* ]]
    [ "$(image_state "$SCRATCH/img")" = "$before" ]

    # A writable root: the workload's writes and removals are the node's
    # only, gone with it; the next run sees the image as it is.
    sed -i "s|^root: .*|root: {source: $SCRATCH/img, readonly: false}|" "$SCRATCH/node.yaml"
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'echo w > /written && rm /etc/group && mkdir /var/new && cat /written'
    [ "$status" -eq 0 ]
    [ "$output" = w ]
    [ "$(image_state "$SCRATCH/img")" = "$before" ]
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'ls /written /var/new 2>&1; cat /etc/group'
    [[ "${lines[0]}" == *"/written"*"No such file or directory"* ]]
    [[ "$output" == *"nogroup:x:65534:"* ]]
}

@test "root.source: mount points, dirs, files and the workload never write the image (root)" {
    image_is_never_written root
}

@test "root.source: mount points, dirs, files and the workload never write the image (rootless)" {
    image_is_never_written rootless
}

# statfs's f_type of an overlay (busybox stat -f has no name for it).
OVERLAYFS_MAGIC=794c7630

# A plan that makes nothing in the image: every mount point is there with
# its type, the symlink step's link too, no dir or file step (the optional
# bind's source is missing: it is skipped, its mount point is there too).
image_needing_no_overlay() {
    rm -rf "$SCRATCH/img" "$SCRATCH/src"
    make_owned_image "$1"
    mkdir -p "$SCRATCH/img/data/in" "$SCRATCH/img/mnt"
    ln -s busybox "$SCRATCH/img/bin/current"
    ln -s /tmp "$SCRATCH/img/tmplink"
    [ "$1" = rootless ] && chown -R "$ROOTLESS_UID:$ROOTLESS_GID" "$SCRATCH/img"
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: image
root: {source: $SCRATCH/img}
mounts:
  - {type: bind, path: /data/in, source: $SCRATCH/src}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
  - {type: symlink, path: /bin/current, target: busybox}
  - {type: bind, path: /mnt, source: $SCRATCH/missing, optional: true}
tmpfs:
  - {path: /tmp}
YAML
}

image_bound_directly_when_the_plan_makes_nothing_in_it() {
    image_needing_no_overlay "$1"
    local before
    before=$(image_state "$SCRATCH/img")
    run --separate-stderr redwrap_as "$1" -v --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'cat /data/in/file; stat -f -c %t /; touch /x 2>&1; touch /tmp/x && echo tmp-writable'
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"root.source: bound read-only, no overlay: the plan makes nothing in the image"* ]]
    [[ "$stderr" != *"an overlay"* ]]
    [ "${lines[0]}" = bound ]
    [ "${lines[1]}" != "$OVERLAYFS_MAGIC" ]
    [[ "${lines[2]}" == *"/x"*"Read-only file system"* ]]
    [ "${lines[3]}" = tmp-writable ]
    [ "$(image_state "$SCRATCH/img")" = "$before" ]
}

@test "root.source: an image that has every mount point is bound read-only, without an overlay (root)" {
    image_bound_directly_when_the_plan_makes_nothing_in_it root
}

@test "root.source: an image that has every mount point is bound read-only, without an overlay (rootless)" {
    image_bound_directly_when_the_plan_makes_nothing_in_it rootless
}

# Each of these makes something in the image, so the root is an overlay
# and -v names the first step that needs it; the image stays as it was.
overlay_when_the_plan_makes_something() { # WHO WHY-IN-STDERR then the node's edit (sed)
    require_host overlayfs "$1"
    image_needing_no_overlay "$1"
    sed -i "$3" "$SCRATCH/node.yaml"
    local before
    before=$(image_state "$SCRATCH/img")
    run --separate-stderr redwrap_as "$1" -v --node "$SCRATCH/node.yaml" -- /bin/stat -f -c %t /
    [ "$status" -eq 0 ]
    [ "$output" = "$OVERLAYFS_MAGIC" ]
    [[ "$stderr" == *"root.source: an overlay is needed: $2"* ]]
    [[ "$stderr" == *"root.source: an overlay, the image read-only below it"* ]]
    [ "$(image_state "$SCRATCH/img")" = "$before" ]
}

overlay_cases() {
    overlay_when_the_plan_makes_something "$1" \
        "mounts (step 7.3): /data/new is not in the image as a mount point of its type" \
        's|path: /data/in,|path: /data/new,|'
    overlay_when_the_plan_makes_something "$1" \
        "mounts (step 7.6): /bin/new is not in the image as that symlink" \
        's|path: /bin/current,|path: /bin/new,|'
    overlay_when_the_plan_makes_something "$1" "mounts (step 7.8): makes /etc/new" \
        '/^tmpfs:/i\  - {type: dir, path: /etc/new}'
    # An optional bind's mount point must be there too: its source may
    # appear before the step runs.
    overlay_when_the_plan_makes_something "$1" \
        "mounts (step 7.7): /opt is not in the image as a mount point of its type" \
        's|path: /mnt, source|path: /opt, source|'
    overlay_when_the_plan_makes_something "$1" "root.readonly is false" \
        "s|^root: .*|root: {source: $SCRATCH/img, readonly: false}|"
    # A mount point reached through a symlink of the image (/tmplink ->
    # /tmp, as /var/run -> /run): the check follows none of the image's.
    overlay_when_the_plan_makes_something "$1" \
        "mounts (step 7.8): /tmplink is not in the image as a mount point of its type" \
        's|{path: /tmp}|{path: /tmplink}|'
    # Below another of the node's mounts: resolved through that mount.
    overlay_when_the_plan_makes_something "$1" \
        "mounts (step 7.9): /tmp/x is below the node's mount at /tmp" \
        '/{path: \/tmp}/a\  - {path: /tmp/x}'
}

@test "root.source: an overlay when the plan makes a mount point, a link, a dir or writes the root (root)" {
    overlay_cases root
}

@test "root.source: an overlay when the plan makes a mount point, a link, a dir or writes the root (rootless)" {
    overlay_cases rootless
}

@test "root.source: without overlayfs the image is bound and written, and -v says why (old kernel, rootless)" {
    make_owned_image rootless
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: image
root: {source: $SCRATCH/img}
mounts:
  - {type: file, path: /etc/app.conf, content: "port 0\n"}
YAML
    OLD_KERNEL=1 run --separate-stderr redwrap_as rootless -v --node "$SCRATCH/node.yaml" -- \
        /bin/cat /etc/app.conf
    [ "$status" -eq 0 ]
    [ "$output" = "port 0" ]
    [[ "$stderr" == *"warning: root.source: no overlay (overlayfs: Function not implemented): the image is bound as the root and steps that create mount points, dirs or files write into it"* ]]
    [ -f "$SCRATCH/img/etc/app.conf" ]
}

tmpfs_above_a_bind_is_mounted_before_it() {
    # The Redis layout: a tmpfs at /run, the socket directory bound from
    # the host below it. Written in this order, the tmpfs used to be
    # mounted last and hide the bind.
    mkdir -p "$SCRATCH/socket"
    chmod 1777 "$SCRATCH/socket"
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: bind, path: /run/redis-socket, source: $SCRATCH/socket, readonly: false}
tmpfs:
  - {path: /run, size: 64K}
YAML
    run "$REDNODE_CONFIG" plan "$SCRATCH/node.yaml"
    [ "$status" -eq 0 ]
    [[ "$output" == *"mount tmpfs on /run (size 64K"*"bind $SCRATCH/socket -> /run/redis-socket"* ]]
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /bin/sh -c \
        'stat -f -c %T /run; echo through-the-bind > /run/redis-socket/sock; touch /run/on-tmpfs && echo tmpfs-ok'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = tmpfs ]
    [ "${lines[1]}" = tmpfs-ok ]
    [ "$(cat "$SCRATCH/socket/sock")" = through-the-bind ]

    # A mounts[] entry above an earlier one would hide it: refused, naming both.
    write_host_usr_node "$SCRATCH/hide.yaml" <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: bind, path: /run/redis-socket, source: $SCRATCH/socket, readonly: false}
  - {type: bind, path: /run, source: $SCRATCH/socket}
YAML
    run --separate-stderr redwrap_as "$1" --node "$SCRATCH/hide.yaml" -- /usr/bin/true
    [ "$status" -eq 125 ]
    [ "$stderr" = "redwrap: $SCRATCH/hide.yaml:6:5: mounts[2].path: mounts[2] at /run would hide mounts[1] at /run/redis-socket (line 5, column 5): list /run first" ]
}

@test "a tmpfs above a bind is mounted before it, and hides nothing (root)" {
    tmpfs_above_a_bind_is_mounted_before_it root
}

@test "a tmpfs above a bind is mounted before it, and hides nothing (rootless)" {
    tmpfs_above_a_bind_is_mounted_before_it rootless
}

# /dev/mqueue must show the IPC namespace the workload is in: a queue made
# through it is the one mq_open(3) finds. With a nested build the node's
# IPC namespace is made after step 7 (apply/mount_lock.c), and a mqueue
# mounted in step 7 would show another one.
mqueue_is_the_workloads() {
    write_host_usr_node "$SCRATCH/node.yaml" <<YAML
$(host_usr_mounts)
  - {type: bind, path: /probes, source: $PROBES}
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
  - {type: mqueue, path: /dev/mqueue}
YAML
    run redwrap_as "$1" --node "$SCRATCH/node.yaml" -- /probes/mqueue /dev/mqueue
    [ "$status" -eq 0 ]
    [ "$output" = same ]
}

@test "mqueue: /dev/mqueue is the workload's IPC namespace's (root)" {
    mqueue_is_the_workloads root
}

@test "mqueue: /dev/mqueue is the workload's IPC namespace's (rootless)" {
    mqueue_is_the_workloads rootless
}
