#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds redpak as a packager would, on a Debian 12 that has nothing but the
# build dependencies: a bookworm chroot made by mmdebstrap (the apt variant,
# no Recommends) with build-essential, cmake, pkg-config, libyaml-dev,
# libcap-dev and libseccomp-dev. Two builds, each from an empty build tree:
#   cmake -S . -B build && cmake --build build
#       no test tool is there: configure leaves the suites out, and ctest
#       then runs what remains (the layout checks pass, each suite's
#       stand-in skips, naming what it needs)
#   cmake -S . -B build -DBUILD_TESTING=OFF && cmake --build build
#       no test is built or registered at all
#
#   sudo scripts/check-minimal-build.sh [SOURCE_DIR]
#
# The chroot is made once (one to four minutes, from Debian's archive, by
# scripts/minimal-chroot.sh) and kept in REDPAK_MINIMAL_CHROOT (default
# /var/cache/redpak/minimal-bookworm); later runs only build. The source is
# bound in read-only, so the build cannot write into it, and the build trees
# are on a tmpfs: the chroot stays as mmdebstrap made it. Needs root. Exits 77 (skipped) when it cannot run
# here: not root, or no chroot and mmdebstrap missing or failing.
# Ends with "N passed, N failed".
set -eu
SRC=$(cd "${1:-$(dirname "$0")/..}" && pwd)
JOBS=$(nproc)

# The chroot, made once (scripts/minimal-chroot.sh); 77 passes through.
rc=0
CHROOT=$("$SRC/scripts/minimal-chroot.sh") || rc=$?
[ $rc -eq 0 ] || exit $rc

passed=0
failed=0
work=$(mktemp -d /tmp/redpak-minimal-build.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Runs in a mount namespace of its own: the source at /src read-only, a tmpfs
# at /build, /dev and /proc for the compiler; then, in the chroot with a
# clean environment, `sh -c SCRIPT sh ARGS...`.
cat >"$work/in-chroot.sh" <<'EOF'
set -e
root=$1 src=$2 script=$3
shift 3
mount --bind -o ro "$src" "$root/src"
mount -t tmpfs -o size=2G redpak-minimal-build "$root/build"
mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"
exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 JOBS="$JOBS" /bin/sh -c "$script" sh "$@"
EOF

# build NAME CHECK CMAKE-ARGS...: configure and build from an empty tree,
# then CHECK (a shell command, in /build) looks at what was built.
build() {
    name=$1 check=$2
    shift 2
    t0=$(date +%s)
    # shellcheck disable=SC2016
    if JOBS=$JOBS unshare --mount --propagation private sh "$work/in-chroot.sh" "$CHROOT" "$SRC" \
            'cmake -S /src -B /build "$@" && cmake --build /build -j"$JOBS" && cd /build && '"$check" \
            "$@" >"$work/log" 2>&1; then
        passed=$((passed + 1))
        echo "ok     $name ($(($(date +%s) - t0)) s)"
    else
        failed=$((failed + 1))
        echo "FAILED $name ($(($(date +%s) - t0)) s):"
        tail -n 30 "$work/log"
    fi
    # What configure said of the suites it left out, and ctest's verdict.
    grep -E '^tests: |tests passed' "$work/log" | sed 's/^/       /' || true
}

# The tests that remain (the layout probes, the suites' skipped stand-ins)
# pass or skip there.
build "cmake -S . -B build && cmake --build build" \
    'ctest --output-on-failure -E "^(build|cross)/"'
build "the same with -DBUILD_TESTING=OFF: no test built" \
    '[ ! -e tests ] && ctest -N | grep -qx "Total Tests: 0"' -DBUILD_TESTING=OFF
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
