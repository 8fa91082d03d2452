#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# DNF manages what is installed in a node (docs/packages.md): `dnf node NODE
# install|remove|upgrade|list|info|sync` with DNF's rednode plugin, against a
# repository this file builds (noarch rpms made with rpmbuild, indexed by
# createrepo_c, served as a file:// baseurl). After every test the host's
# rpm database, /var/lib/rpm and /var/lib/dnf are as they were.
#
# The rpms: libhello 1.0 (a file the program reads), hello-node 1.0 and 1.1
# (a program that requires libhello), node-shell (the test image's busybox
# /bin/sh, declared to rpm: the scriptlets' interpreter) and needs-host (it
# requires a file only the host has). Every %post records whether it could
# make a device node: host root can, the root of a user namespace cannot.
# hello-node 1.1's %pre waits while /etc/hello-node.hold exists in the root
# it is installed into: a transaction the tests can catch in the middle.

load helpers
bats_require_minimum_version 1.5.0

# One spec: name, version, extra header lines, %install body, %pre body.
spec() {
    cat > "$REPO_BUILD/SPECS/$1-$2.spec" <<SPEC
Name: $1
Version: $2
Release: 1
Summary: $1, a package of redpak's DNF tests
License: Apache-2.0
BuildArch: noarch
$3

%description
A package of redpak's DNF plugin tests.

%install
mkdir -p %{buildroot}/usr/share/doc/$1
echo $1 $2 > %{buildroot}/usr/share/doc/$1/VERSION
$4

%files
/usr/*

%pre
$5

%post
if mknod /.mknod-probe c 1 3; then rm -f /.mknod-probe; echo host-root; else echo user-namespace; fi > /usr/share/doc/$1/post 2>&1
SPEC
    HOME=$REPO_BUILD rpmbuild --quiet -bb --define "_topdir $REPO_BUILD" \
        --define "_build_id_links none" "$REPO_BUILD/SPECS/$1-$2.spec"
}

setup_file() {
    # Checked here and again in setup: a skip in setup_file skips the file.
    [ "$(id -u)" -eq 0 ] || return 0
    command -v rpmbuild > /dev/null && command -v createrepo_c > /dev/null || return 0
    REPO_BUILD=$BATS_FILE_TMPDIR/rpmbuild
    mkdir -p "$REPO_BUILD/SPECS" "$BATS_FILE_TMPDIR/repo" "$BATS_FILE_TMPDIR/later"
    spec node-shell 1.0 "Provides: /bin/sh" "" ""
    spec libhello 1.0 "" \
        'mkdir -p %{buildroot}/usr/share/libhello && echo "hello from the node" > %{buildroot}/usr/share/libhello/greeting' ""
    local v
    for v in 1.0 1.1; do
        spec hello-node $v "Requires: libhello" \
            "mkdir -p %{buildroot}/usr/bin && printf '#!/bin/sh\\necho \"\$(cat /usr/share/libhello/greeting) (hello-node $v)\"\\n' > %{buildroot}/usr/bin/hello-node && chmod 755 %{buildroot}/usr/bin/hello-node" \
            "$([ $v = 1.0 ] || echo 'while [ -e /etc/hello-node.hold ]; do touch /etc/hello-node.held; sleep 0.2; done')"
    done
    spec needs-host 1.0 "Requires: /usr/bin/only-on-the-host" "" ""
    cp "$REPO_BUILD"/RPMS/noarch/*.rpm "$BATS_FILE_TMPDIR/repo/"
    # 1.1 joins the repository only when a test upgrades.
    mv "$BATS_FILE_TMPDIR/repo/hello-node-1.1-1.noarch.rpm" "$BATS_FILE_TMPDIR/later/"
    HOME=$REPO_BUILD createrepo_c --quiet "$BATS_FILE_TMPDIR/repo"
}

# The host's package state: what must not change.
host_state() {
    rpm -qa | sort
    local d
    for d in /var/lib/rpm /var/lib/dnf "$HOME/.rpmdb"; do
        [ -d "$d" ] || continue
        find "$d" -type f ! -name '*-shm' -print0 | sort -z | xargs -0r sha256sum
    done
}

setup() {
    common_setup
    [ "$(id -u)" -eq 0 ] || skip "dnf node runs transactions as root (in a private id range)"
    require_host cmd dnf rpm rpmbuild createrepo_c cp flock
    /usr/bin/python3 -c 'import dnf' 2> /dev/null ||
        skip "python3-dnf is not installed (scripts/install-deps.sh installs it)"
    make_busybox_root "$SCRATCH/n/root"
    REPO=$BATS_FILE_TMPDIR/repo
    NODE=pk-$$-$BATS_TEST_NUMBER
    node_file "$SCRATCH/n/node.yaml" "file://$REPO"
    mkdir -p "$SCRATCH/plugins"
    printf '[main]\nenabled=1\n\n[rednode]\nredwrap=%s\nrednode_config=%s\n' \
        "$REDWRAP" "$REDNODE_CONFIG" > "$SCRATCH/plugins/rednode.conf"
    HOST_BEFORE=$(host_state)
}

teardown() {
    [ -z "${BG:-}" ] || { kill -KILL -- "-$BG" 2> /dev/null || true; wait "$BG" 2> /dev/null || true; }
    if [ -n "${HOST_BEFORE:-}" ]; then
        local after
        after=$(host_state)
        [ "$after" = "$HOST_BEFORE" ] || {
            diff <(echo "$HOST_BEFORE") <(echo "$after") >&2
            common_teardown
            false
        }
    fi
    common_teardown
}

# node_file FILE BASEURL [INSTALL...]
node_file() {
    local file=$1 url=$2
    shift 2
    local list
    list=$(printf '%s, ' "$@")
    cat > "$file" <<YAML
version: 1
node: $NODE
root: {source: "\${NODE_DIR}/root"}
mounts:
  - {type: proc, path: /proc}
tmpfs:
  - {path: /tmp, size: 1M}
packages:
  repos:
    - {name: test, baseurl: "$url", gpgcheck: false}
  install: [${list%, }]
YAML
}

# dnf with the plugin of this tree and its configuration for the build
# under test.
dnfn() {
    PYTHONDONTWRITEBYTECODE=1 dnf -q --setopt=pluginpath="$REDPAK_SOURCE_DIR/dnf-plugins" \
        --setopt=pluginconfpath="$SCRATCH/plugins" node "$@"
}

node_rpms() {
    rpm --root "$SCRATCH/n/root" --dbpath /var/lib/rpm -qa --qf '%{NAME}-%{VERSION}\n' | sort
}

@test "install pulls in the dependency, and the program runs in the node" {
    run -0 dnfn "$SCRATCH/n/node.yaml" install hello-node
    [ "$(node_rpms)" = "$(printf 'hello-node-1.0\nlibhello-1.0\nnode-shell-1.0')" ]
    run -0 "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /usr/bin/hello-node
    [ "$output" = "hello from the node (hello-node 1.0)" ]
    # Installed as the node's root: host root, seen through the idmapped bind.
    [ "$(stat -c %u:%g "$SCRATCH/n/root/usr/bin/hello-node")" = 0:0 ]
    # The node's database is in the node, the copy is gone, nothing else was left.
    [ -f "$SCRATCH/n/root/var/lib/rpm/rpmdb.sqlite" ]
    [ ! -e "$SCRATCH/n/.root.new" ]
    [ -z "$(cd "$SCRATCH/n" && ls -A | grep '^\.root\.old')" ]
    [ -z "$(ls -A "$SCRATCH/n/root/tmp")" ]
}

@test "scriptlets run in the node's user namespace, not as the host's root" {
    run -0 dnfn "$SCRATCH/n/node.yaml" install hello-node
    run -0 cat "$SCRATCH/n/root/usr/share/doc/hello-node/post"
    [[ $output == *"Operation not permitted"* ]]
    [[ $output == *user-namespace ]]
}

@test "upgrade moves to 1.1, remove takes it and its dependency away" {
    run -0 dnfn "$SCRATCH/n/node.yaml" install hello-node
    cp "$BATS_FILE_TMPDIR/later/hello-node-1.1-1.noarch.rpm" "$SCRATCH/"
    # A repository of its own with 1.1, so that the file's repository stays at 1.0.
    cp -a "$REPO" "$SCRATCH/repo"
    cp "$SCRATCH/hello-node-1.1-1.noarch.rpm" "$SCRATCH/repo/"
    HOME=$SCRATCH createrepo_c --quiet --update "$SCRATCH/repo"
    node_file "$SCRATCH/n/node.yaml" "file://$SCRATCH/repo"
    run -0 dnfn "$SCRATCH/n/node.yaml" upgrade
    run -0 "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /usr/bin/hello-node
    [ "$output" = "hello from the node (hello-node 1.1)" ]
    run -0 dnfn "$SCRATCH/n/node.yaml" remove hello-node
    [ -z "$(node_rpms)" ]
    run -127 "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /usr/bin/hello-node
}

@test "list and info show the node's packages, not the host's" {
    run -0 dnfn "$SCRATCH/n/node.yaml" install hello-node
    run -0 dnfn "$SCRATCH/n/node.yaml" list installed
    [[ $output == *hello-node.noarch*1.0-1* ]]
    [[ $output == *libhello.noarch* ]]
    [[ $output != *dnf* ]]
    run -0 dnfn "$SCRATCH/n/node.yaml" list available
    [[ $output == *needs-host.noarch* ]]
    run -0 dnfn "$SCRATCH/n/node.yaml" info hello-node
    [[ $output == *"Name         : hello-node"* ]]
    [[ $output == *"Version      : 1.0"* ]]
    # Looking changes nothing in the root.
    [ -z "$(ls -A "$SCRATCH/n/root/tmp")" ]
}

@test "sync makes the root match packages.install" {
    node_file "$SCRATCH/n/node.yaml" "file://$REPO" hello-node
    run -0 dnfn "$SCRATCH/n/node.yaml" sync
    [ "$(node_rpms)" = "$(printf 'hello-node-1.0\nlibhello-1.0\nnode-shell-1.0')" ]
    # A package installed by hand and not in the list goes at the next sync.
    node_file "$SCRATCH/n/node.yaml" "file://$REPO" libhello
    run -0 dnfn "$SCRATCH/n/node.yaml" sync
    [ "$(node_rpms)" = "$(printf 'libhello-1.0\nnode-shell-1.0')" ]
    node_file "$SCRATCH/n/node.yaml" "file://$REPO"
    run -0 dnfn "$SCRATCH/n/node.yaml" sync
    [ -z "$(node_rpms)" ]
    # What a listed package needs stays, even when it was asked for before.
    run -0 dnfn "$SCRATCH/n/node.yaml" install hello-node node-shell
    node_file "$SCRATCH/n/node.yaml" "file://$REPO" hello-node
    run -0 dnfn "$SCRATCH/n/node.yaml" sync
    [ "$(node_rpms)" = "$(printf 'hello-node-1.0\nlibhello-1.0\nnode-shell-1.0')" ]
}

@test "a missing package: an error, nothing changed" {
    run -0 dnfn "$SCRATCH/n/node.yaml" install libhello
    local before
    before=$(cd "$SCRATCH/n" && find root | sort)
    run ! dnfn "$SCRATCH/n/node.yaml" install no-such-package
    [[ $output == *"Unable to find a match: no-such-package"* ]]
    [[ $output == *"the root is unchanged"* ]]
    [ "$(cd "$SCRATCH/n" && find root | sort)" = "$before" ]
    [ ! -e "$SCRATCH/n/.root.new" ]
}

@test "a package that needs a file outside the node's root is refused" {
    run ! dnfn "$SCRATCH/n/node.yaml" install needs-host
    [[ $output == *"nothing provides /usr/bin/only-on-the-host needed by needs-host"* ]]
    [ -z "$(node_rpms)" ]
}

@test "an unreachable repository: an error, nothing changed" {
    node_file "$SCRATCH/n/node.yaml" "file://$SCRATCH/no-such-repo"
    run ! dnfn "$SCRATCH/n/node.yaml" install hello-node
    [[ $output == *"no-such-repo"* || $output == *"Failed to download metadata"* ]]
    [ ! -e "$SCRATCH/n/root/var" ]
}

@test "a node file with errors: its errors, nothing run" {
    cat > "$SCRATCH/n/node.yaml" <<YAML
version: 1
node: $NODE
root: {source: "\${NODE_DIR}/root"}
packages:
  repos: [{name: test, baseurl: "ftp://example.invalid/repo"}]
  install: ["--nogpgcheck"]
YAML
    run ! dnfn "$SCRATCH/n/node.yaml" install hello-node
    [[ $output == *"node.yaml:5:33: packages.repos[0].baseurl: expected a file:///, http:// or https:// URL"* ]]
    [[ $output == *"packages.repos[0].gpgcheck: gpgcheck is true (the default) but no gpgkey"* ]]
    [[ $output == *"node.yaml:6:13: packages.install[0]: a package is named"* ]]
    [ ! -e "$SCRATCH/n/.root.lock" ]
    [ ! -e "$SCRATCH/n/root/var" ]
}

@test "a node without packages, or whose root is the host's, is refused" {
    printf 'version: 1\nnode: %s\nroot: {source: "${NODE_DIR}/root"}\n' "$NODE" > "$SCRATCH/n/plain.yaml"
    run ! dnfn "$SCRATCH/n/plain.yaml" install hello-node
    [[ $output == *"has no packages section"* ]]
    printf 'version: 1\nnode: %s\nroot: {source: /}\npackages: {install: []}\n' "$NODE" > "$SCRATCH/n/host.yaml"
    run ! dnfn "$SCRATCH/n/host.yaml" install hello-node
    [[ $output == *"packages cannot manage the host's '/'"* ]]
}

# Waits until FILE exists (5 s at most).
wait_for() {
    local i
    for i in $(seq 50); do
        [ ! -e "$1" ] || return 0
        sleep 0.1
    done
    echo "timed out waiting for $1" >&2
    return 1
}

@test "a running node with a read-only root: the transaction is refused" {
    run -0 dnfn "$SCRATCH/n/node.yaml" install libhello
    setsid "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /bin/sh -c 'touch /tmp/up; sleep 30' &
    BG=$!
    # The lock is shared while the node runs.
    local i
    for i in $(seq 50); do
        flock -n -x "$SCRATCH/n/.root.lock" true || break
        sleep 0.1
    done
    run ! flock -n -x "$SCRATCH/n/.root.lock" true
    run ! dnfn "$SCRATCH/n/node.yaml" install hello-node
    [[ $output == *"node $NODE is in use: it is running, or another transaction holds its lock"* ]]
    [ "$(node_rpms)" = "$(printf 'libhello-1.0\nnode-shell-1.0')" ]
    [ ! -e "$SCRATCH/n/.root.new" ]
    # Looking is fine, and so is another start of the node: the lock is shared.
    run -0 dnfn "$SCRATCH/n/node.yaml" list installed
    [[ $output == *libhello.noarch* ]]
    run -0 "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /bin/cat /usr/share/libhello/greeting
}

@test "two transactions at once: the second is refused, and the node does not start" {
    touch "$SCRATCH/n/root/etc/hello-node.hold"
    cp -a "$REPO" "$SCRATCH/repo"
    cp "$BATS_FILE_TMPDIR/later/hello-node-1.1-1.noarch.rpm" "$SCRATCH/repo/"
    HOME=$SCRATCH createrepo_c --quiet --update "$SCRATCH/repo"
    node_file "$SCRATCH/n/node.yaml" "file://$SCRATCH/repo"
    setsid bash -c "$(declare -f dnfn); SCRATCH=$SCRATCH REDPAK_SOURCE_DIR=$REDPAK_SOURCE_DIR dnfn $SCRATCH/n/node.yaml install hello-node" > /dev/null 2>&1 &
    BG=$!
    wait_for "$SCRATCH/n/.root.new/etc/hello-node.held"
    run ! dnfn "$SCRATCH/n/node.yaml" install libhello
    [[ $output == *"node $NODE is in use"* ]]
    run -125 "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /bin/true
    [[ $output == *"a package transaction (dnf node $NODE) is changing its root"* ]]
    # The first goes on once released.
    rm "$SCRATCH/n/.root.new/etc/hello-node.hold"
    wait "$BG"
    BG=
    run -0 "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /usr/bin/hello-node
    [ "$output" = "hello from the node (hello-node 1.1)" ]
}

@test "a transaction killed in the middle: the node still starts, and sync repairs it" {
    node_file "$SCRATCH/n/node.yaml" "file://$REPO" hello-node
    run -0 dnfn "$SCRATCH/n/node.yaml" install node-shell
    touch "$SCRATCH/n/root/etc/hello-node.hold"
    cp -a "$REPO" "$SCRATCH/repo"
    cp "$BATS_FILE_TMPDIR/later/hello-node-1.1-1.noarch.rpm" "$SCRATCH/repo/"
    HOME=$SCRATCH createrepo_c --quiet --update "$SCRATCH/repo"
    node_file "$SCRATCH/n/node.yaml" "file://$SCRATCH/repo" node-shell hello-node
    setsid bash -c "$(declare -f dnfn); SCRATCH=$SCRATCH REDPAK_SOURCE_DIR=$REDPAK_SOURCE_DIR dnfn $SCRATCH/n/node.yaml install hello-node" > /dev/null 2>&1 &
    BG=$!
    # In the middle: rpm has unpacked nothing of hello-node yet, libhello is in.
    wait_for "$SCRATCH/n/.root.new/etc/hello-node.held"
    kill -KILL -- "-$BG"
    wait "$BG" || true
    BG=
    # The root is as it was: only node-shell.
    [ "$(node_rpms)" = node-shell-1.0 ]
    run -0 "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /bin/cat /usr/share/doc/node-shell/VERSION
    [ "$output" = "node-shell 1.0" ]
    rm "$SCRATCH/n/root/etc/hello-node.hold"
    run -0 dnfn "$SCRATCH/n/node.yaml" sync
    [[ $output == *"the last transaction was interrupted before it finished: the root is as it was"* ]]
    [ ! -e "$SCRATCH/n/.root.new" ]
    # The killed run's sandbox files too.
    [ -z "$(ls -d "${TMPDIR:-/tmp}"/rednode-dnf."$NODE".* 2> /dev/null)" ]
    run -0 "$REDWRAP" --node "$SCRATCH/n/node.yaml" -- /usr/bin/hello-node
    [ "$output" = "hello from the node (hello-node 1.1)" ]
}

@test "a transaction killed after the swap: the next run keeps the new root and says so" {
    run -0 dnfn "$SCRATCH/n/node.yaml" install libhello
    # What a kill between renameat2 and the removal of the old tree leaves:
    # the old tree under the copy's name, the state naming the new root.
    mkdir "$SCRATCH/n/.root.new"
    printf 'copy %s' "$(stat -c %i "$SCRATCH/n/root")" > "$SCRATCH/n/.root.lock"
    # And what a kill during the old tree's removal leaves.
    mkdir -p "$SCRATCH/n/.root.old.x1y2z3/root/usr"
    run -0 dnfn "$SCRATCH/n/node.yaml" sync
    [[ $output == *"interrupted after its result was in place: the root has the new packages"* ]]
    [[ $output == *"removing .root.old.x1y2z3, a replaced root an interrupted transaction did not finish removing"* ]]
    [ ! -e "$SCRATCH/n/.root.new" ]
    [ -z "$(cd "$SCRATCH/n" && ls -A | grep '^\.root\.old')" ]
}
