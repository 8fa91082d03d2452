#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Cross-builds redpak for ARCH (arm64 or armhf) with Debian's cross
# toolchain and runs the unit tests under qemu-user.
#
#   scripts/cross-build.sh arm64      # build-cross-arm64/, ctest -L unit
#   scripts/cross-build.sh armhf      # build-cross-armhf/
#
# Then the static redwrap (build-cross-ARCH-static/) and the Debian packages
# (scripts/build-deb.sh in build-cross-ARCH-deb/: redpak_VERSION_ARCH.deb and
# redpak-dev_VERSION_ARCH.deb, their Architecture checked).
#
# Installs what it needs, idempotently: the cross compiler and qemu-user from
# Debian's archive (amd64 packages), and the target's libraries (libyaml,
# libcap, libseccomp, cmocka) unpacked into a sysroot,
# /var/lib/redpak-cross/ARCH (REDPAK_SYSROOT overrides it).
#
# Why a sysroot and not `dpkg --add-architecture` + libyaml-dev:arm64: a
# multiarch install needs every Multi-Arch: same package (libc6, libssl3,
# linux-libc-dev...) at exactly the host's version for both
# architectures; a host with security updates that the mirror's foreign-
# architecture indexes do not carry yet cannot install them at all
# ("held broken packages"). Unpacked .debs do not touch dpkg's database, so
# they never conflict with the host, and the toolchain brings its own libc.
#
# Environment: REDPAK_CROSS_JOBS (default nproc), REDPAK_SYSROOT.
set -eu
cd "$(dirname "$0")/.."

ARCH=${1:-}
case "$ARCH" in
arm64) TRIPLET=aarch64-linux-gnu ;;
armhf) TRIPLET=arm-linux-gnueabihf ;;
*) echo "usage: $0 arm64|armhf" >&2; exit 2 ;;
esac
SYSROOT=${REDPAK_SYSROOT:-/var/lib/redpak-cross/$ARCH}
BUILD=build-cross-$ARCH
JOBS=${REDPAK_CROSS_JOBS:-$(nproc)}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Host side: compiler, C library, qemu-user (static: it must not load the
# target's libraries the guest's LD_LIBRARY_PATH names).
HOST_PACKAGES="gcc-$TRIPLET libc6-dev-$ARCH-cross qemu-user-static pkg-config cmake"
missing=""
for p in $HOST_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "cross-build: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq || true   # a foreign index mid-sync must not stop the rest
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# Target side: the -dev packages and the runtime libraries they link to.
TARGET_PACKAGES="libyaml-dev libyaml-0-2 libcap-dev libcap2 libseccomp-dev libseccomp2
libcmocka-dev libcmocka0"
STAMP=$SYSROOT/.redpak-packages
want=$(echo $TARGET_PACKAGES)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
    echo "cross-build: unpacking $ARCH libraries into $SYSROOT"
    if ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
        $SUDO dpkg --add-architecture "$ARCH"
        $SUDO apt-get update -qq || true
    fi
    debs=$(mktemp -d)
    trap 'rm -rf "$debs"' EXIT
    # apt-get download fetches the candidate version without installing it
    # (so no version lock-step with the host's packages).
    # shellcheck disable=SC2086
    (cd "$debs" && apt-get download -qq $(for p in $TARGET_PACKAGES; do echo "$p:$ARCH"; done))
    $SUDO rm -rf "$SYSROOT"
    $SUDO mkdir -p "$SYSROOT"
    for deb in "$debs"/*.deb; do
        $SUDO dpkg-deb -x "$deb" "$SYSROOT"
    done
    # A -dev package's libfoo.so may be an absolute link (/lib/TRIPLET/...):
    # point it inside the sysroot.
    find "$SYSROOT" -type l | while read -r link; do
        target=$(readlink "$link")
        case "$target" in
        /*) $SUDO ln -sfn "$SYSROOT$target" "$link" ;;
        esac
    done
    echo "$want" | $SUDO tee "$STAMP" >/dev/null
fi

# The target libraries' shlibs files (libc6's too, which is not unpacked:
# the toolchain brings its own C library), for the .deb's Depends: the
# sysroot is not in dpkg's database, so dpkg-shlibdeps cannot look there.
SHLIBS=$SYSROOT/.redpak-shlibs
if [ ! -s "$SHLIBS" ]; then
    debs=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$debs'" EXIT
    (cd "$debs" && apt-get download -qq libc6:"$ARCH" libyaml-0-2:"$ARCH" libcap2:"$ARCH" libseccomp2:"$ARCH")
    for deb in "$debs"/*.deb; do
        dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./shlibs
    done | grep -v '^#' | $SUDO tee "$SHLIBS.new" >/dev/null
    $SUDO mv "$SHLIBS.new" "$SHLIBS"
fi

# Build: the programs, the library and the unit tests (the integration
# suites need this machine's kernel and run natively).
export REDPAK_SYSROOT="$SYSROOT"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/$TRIPLET.cmake" \
    -DREDPAK_SYSROOT="$SYSROOT" >/dev/null
units=$(for f in tests/unit/test_*.c; do basename "$f" .c; done)
# shellcheck disable=SC2086
cmake --build "$BUILD" -j"$JOBS" --target redwrap rednode-config redpak $units
file "$BUILD/redwrap/redwrap" "$BUILD/libredpak/libredpak.so"* | sed 's/, BuildID.*//'
# qemu-user (Debian 12: 7.2) is not a kernel: it implements neither
# seccomp(2) nor openat2(2). So three suites test qemu, not redpak, and are
# left out here (they run natively in build/ and build-asan/):
#   test_seccomp        libseccomp probes the kernel's actions: EINVAL
#   test_mount_resolve  its second pass filters openat2 with a seccomp filter
#   test_plan_ids       without openat2, users.c refuses a symlinked
#                       etc/passwd in an image (ELOOP), as on a kernel < 5.6
ctest --test-dir "$BUILD" -L unit -E 'unit/(test_seccomp|test_mount_resolve|test_plan_ids)$' \
    -j"$JOBS" --output-on-failure

# The board's binary: a static redwrap (REDPAK_STATIC=ON), which must run
# with no library at all (qemu without -L finds none).
cmake -S . -B "$BUILD-static" -DCMAKE_BUILD_TYPE=Release -DREDPAK_STATIC=ON -DBUILD_TESTING=OFF \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/$TRIPLET.cmake" \
    -DREDPAK_SYSROOT="$SYSROOT" >/dev/null
cmake --build "$BUILD-static" -j"$JOBS" --target redwrap
file "$BUILD-static/redwrap/redwrap" | sed 's/, BuildID.*//'
case "$ARCH" in arm64) qemu=qemu-aarch64-static ;; armhf) qemu=qemu-arm-static ;; esac
"$qemu" "$BUILD-static/redwrap/redwrap" --version

# The Debian packages, from a tree configured as a distribution would
# (prefix /usr, the library in /usr/lib/TRIPLET: GNUInstallDirs names the
# multiarch folder only when the compiler tells it the triplet, which the
# cross toolchain's does not). Depends: each NEEDED library of the programs and libredpak
# (libredpak.so.0 is the package's own), through the target's shlibs files.
needed=$(for f in "$BUILD/redwrap/redwrap" "$BUILD/rednode-config/rednode-config" \
                  "$BUILD/libredpak/libredpak.so"; do
    readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
done | sort -u | grep -v '^libredpak\.so')
depends=$(for so in $needed; do
    key=$(echo "$so" | sed 's/^\(.*\)\.so\.\([0-9.]*\)$/\1 \2/')
    dep=$(awk -v k="$key" '{ n = $1 " " $2 } n == k { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }' "$SHLIBS")
    [ -n "$dep" ] || { echo "cross-build: no shlibs entry for $so" >&2; exit 1; }
    echo "$dep"
done | sort -u | paste -sd, | sed 's/,/, /g')
echo "cross-build: $ARCH .deb Depends: $depends"
REDPAK_DEB_JOBS=$JOBS ./scripts/build-deb.sh "$BUILD-deb" \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/$TRIPLET.cmake" -DREDPAK_SYSROOT="$SYSROOT" \
    -DREDPAK_DEB_ARCH="$ARCH" -DREDPAK_DEB_DEPENDS="$depends" -DCMAKE_INSTALL_LIBDIR="lib/$TRIPLET"
version=$(sed -n 's/^project(redpak VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
for pkg in redpak redpak-dev; do
    deb=$BUILD-deb/packages/${pkg}_${version}_$ARCH.deb
    got=$(dpkg-deb -f "$deb" Architecture)
    [ "$got" = "$ARCH" ] || { echo "cross-build: $deb says Architecture: $got" >&2; exit 1; }
    echo "cross-build: $deb: Architecture $got"
done
dpkg-deb --fsys-tarfile "$BUILD-deb/packages/redpak_${version}_$ARCH.deb" |
    tar -xO ./usr/bin/redwrap > "$BUILD-deb/redwrap.check"
file "$BUILD-deb/redwrap.check" | grep -q "$(case "$ARCH" in arm64) echo aarch64 ;; armhf) echo 'ARM, EABI5' ;; esac)" ||
    { echo "cross-build: the $ARCH .deb's redwrap is $(file -b "$BUILD-deb/redwrap.check")" >&2; exit 1; }
dpkg-deb -c "$BUILD-deb/packages/redpak_${version}_$ARCH.deb" > "$BUILD-deb/contents.check"
grep -q "/usr/lib/$TRIPLET/libredpak.so.0 " "$BUILD-deb/contents.check" ||
    { echo "cross-build: no /usr/lib/$TRIPLET/libredpak.so.0 in the $ARCH .deb" >&2; exit 1; }
