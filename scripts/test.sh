#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every test of redpak on a fresh machine: installs the dependencies,
# builds a normal and an ASan+UBSan tree, and runs ctest on both (the
# sanitizer tree runs the unit tests). The VM tests fetch their kernel here,
# the cross-builds their toolchains and the target's libraries, and the
# minimal-build check (label build) its bookworm chroot, once per machine.
set -eu
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DREDPAK_SANITIZE=ON
cmake --build build-asan -j"$(nproc)"
# libFuzzer needs clang; the fuzz tree builds only what the fuzz label runs.
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREDPAK_FUZZ=ON
cmake --build build-fuzz -j"$(nproc)"

status=0
ctest --test-dir build-asan -L unit --output-on-failure || status=1
ctest --test-dir build-fuzz -L fuzz --output-on-failure || status=1
# REDPAK_CROSS=1: the cross label builds for arm64 and armhf and runs the
# unit tests under qemu-user (scripts/cross-build.sh; about a minute once
# its toolchains are installed).
REDPAK_CROSS=1 ctest --test-dir build -LE fuzz --output-on-failure || status=1
exit $status
