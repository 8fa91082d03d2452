#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds redpak's Debian packages (cmake/Packaging.cmake) in a tree of their
# own, configured as a distribution would: prefix /usr (so the library goes
# to /usr/lib/TRIPLET and the unit names /usr/bin/redwrap), no tests.
#
#   scripts/build-deb.sh [TREE [CMAKE-ARGS...]]    # default TREE: build-deb
#
# The packages land in TREE/packages/: redpak_VERSION_ARCH.deb and
# redpak-dev_VERSION_ARCH.deb. CMAKE-ARGS go to the configure step (the
# cross-builds pass their toolchain file, REDPAK_DEB_ARCH and
# REDPAK_DEB_DEPENDS). Environment: REDPAK_DEB_JOBS (default nproc).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
TREE=${1:-build-deb}
[ $# -eq 0 ] || shift
JOBS=${REDPAK_DEB_JOBS:-$(nproc)}

cmake -S "$SRC" -B "$TREE" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
    -DBUILD_TESTING=OFF "$@" >/dev/null
cmake --build "$TREE" -j"$JOBS" --target redwrap rednode-config redpak
rm -rf "$TREE/packages"
(cd "$TREE" && cpack -G DEB) | grep -E 'package: .* generated' || {
    echo "build-deb: cpack made no package" >&2
    exit 1
}
