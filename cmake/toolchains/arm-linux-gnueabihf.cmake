# SPDX-License-Identifier: Apache-2.0
# Cross-build for armhf (arm-linux-gnueabihf) with Debian's cross toolchain
# (gcc-arm-linux-gnueabihf). The libraries redpak links (libyaml, libcap, libseccomp,
# and cmocka for the tests) come from a sysroot
# of armhf packages that scripts/cross-build.sh unpacks: set REDPAK_SYSROOT
# (cache or environment), default /var/lib/redpak-cross/armhf.
# The C library is the toolchain's own (/usr/arm-linux-gnueabihf). Programs built here
# run under qemu-user: ctest calls them through CMAKE_CROSSCOMPILING_EMULATOR.
#
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(REDPAK_TRIPLET arm-linux-gnueabihf)
include(${CMAKE_CURRENT_LIST_DIR}/debian-sysroot.cmake)
