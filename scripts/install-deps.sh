#!/bin/sh
# Installs every build and test dependency of redpak from Debian's archive.
# Idempotent: packages already present are left alone, and apt-get update runs
# only when something is missing.
set -eu

PACKAGES="
build-essential cmake pkg-config clang llvm
libyaml-dev libcap-dev libseccomp-dev libmount-dev libcmocka-dev
bats python3 python3-jsonschema python3-yaml
busybox-static redis-server redis-tools bubblewrap
util-linux iproute2 procps kmod cpio xz-utils zstd
qemu-system-x86 gcc-multilib
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
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
