#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs every build and test dependency of redpak from Debian's archive.
# Idempotent: packages already present are left alone, and apt-get update runs
# only when something is missing.
set -eu

# The build needs only the second line's libraries, a compiler, cmake and
# pkg-config; the rest is for the tests (libclang-rt-dev: libFuzzer, only
# recommended by clang; libcap2-bin: setcap; mmdebstrap: the minimal-build
# check, vm/systemd's root; e2fsprogs: its mkfs.ext4 -d; dpkg-dev, file: cpack's
# dpkg-shlibdeps; uidmap: newuidmap and newgidmap, for rootless nodes with
# subordinate ids; qemu-system-arm, arch-test: the board test and its arm64
# root) and bench/run.sh; dnf, python3-dnf, rpm, createrepo-c: the DNF plugin
# and its test, which builds rpms and a repository;
# crun, runc and the runtime-spec's JSON Schema files
# (golang-github-opencontainers-specs-dev): the OCI export's tests;
# libmount-dev: root.image's build (its header); squashfs-tools, erofs-utils:
# the images its tests make; umoci: root.image oci: (unpacking), its tests.
PACKAGES="
build-essential cmake pkg-config clang llvm libclang-rt-dev
libyaml-dev libcap-dev libseccomp-dev libcmocka-dev
bats python3 python3-jsonschema python3-yaml
busybox-static redis-server redis-tools bubblewrap
util-linux iproute2 passt procps kmod cpio xz-utils zstd strace libcap2-bin uidmap
qemu-system-x86 gcc-i686-linux-gnu libc6-dev-i386-cross mmdebstrap e2fsprogs dpkg-dev file
qemu-system-arm arch-test
dnf python3-dnf rpm createrepo-c
crun runc golang-github-opencontainers-specs-dev
libmount-dev squashfs-tools erofs-utils umoci
"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # A list that fails to refresh (a mirror mid-sync, a foreign architecture
    # added for the cross-builds) must not stop the install: the lists we
    # have may well hold every package needed, and apt-get install says so if not.
    $SUDO apt-get update -qq || echo "install-deps: apt-get update failed; using the lists we have" >&2
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
