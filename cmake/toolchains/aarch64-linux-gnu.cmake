# SPDX-License-Identifier: Apache-2.0
# Cross-build for arm64 (aarch64-linux-gnu) with Debian's cross toolchain
# (gcc-aarch64-linux-gnu). The libraries redpak links (libyaml, libcap, libseccomp,
# and cmocka for the tests) come from a sysroot
# of arm64 packages that scripts/cross-build.sh unpacks: set REDPAK_SYSROOT
# (cache or environment), default /var/lib/redpak-cross/arm64.
# The C library is the toolchain's own (/usr/aarch64-linux-gnu). Programs built here
# run under qemu-user: ctest calls them through CMAKE_CROSSCOMPILING_EMULATOR.
#
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(REDPAK_TRIPLET aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/debian-sysroot.cmake)
