#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Makes the Debian 12 chroot that has only redpak's build dependencies, once,
# and prints its path: a bookworm made by mmdebstrap (the apt variant, no
# Recommends) with build-essential, cmake, pkg-config, libyaml-dev,
# libcap-dev and libseccomp-dev, kept in REDPAK_MINIMAL_CHROOT (default
# /var/cache/redpak/minimal-bookworm). One to four minutes the first time,
# from Debian's archive; concurrent callers wait for the first. Its users
# never write into it (check-minimal-build.sh builds on a tmpfs, the package
# test installs on an overlay).
#
#   chroot=$(scripts/minimal-chroot.sh) || exit $?
#
# Needs root. Exits 77 (skipped), the reason on stderr, when there is no
# chroot and mmdebstrap is missing or fails.
set -eu
CHROOT=${REDPAK_MINIMAL_CHROOT:-/var/cache/redpak/minimal-bookworm}
PACKAGES=build-essential,cmake,pkg-config,libyaml-dev,libcap-dev,libseccomp-dev

skip() {
    echo "skipped: $*" >&2
    exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root (chroot, mounts)"

# The stamp names the package list the chroot was made with.
mkdir -p "$(dirname "$CHROOT")"
exec 9>"$CHROOT.lock"
flock 9
if [ "$(cat "$CHROOT/.redpak-packages" 2>/dev/null)" != "$PACKAGES" ]; then
    command -v mmdebstrap >/dev/null || skip "no bookworm chroot at $CHROOT and mmdebstrap is not installed"
    rm -rf "$CHROOT" "$CHROOT.new"
    echo "minimal-chroot: making the chroot at $CHROOT (mmdebstrap, a few minutes)" >&2
    t0=$(date +%s)
    if ! mmdebstrap --variant=apt --aptopt='APT::Install-Recommends "false"' \
            --include="$PACKAGES" bookworm "$CHROOT.new" >"$CHROOT.log" 2>&1; then
        tail -n 5 "$CHROOT.log" >&2
        rm -rf "$CHROOT.new"
        skip "mmdebstrap could not make a bookworm chroot (log: $CHROOT.log)"
    fi
    mkdir -p "$CHROOT.new/src" "$CHROOT.new/build"
    echo "$PACKAGES" >"$CHROOT.new/.redpak-packages"
    mv "$CHROOT.new" "$CHROOT"
    echo "minimal-chroot: chroot made in $(($(date +%s) - t0)) s" >&2
fi
echo "$CHROOT"
