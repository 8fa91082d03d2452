# SPDX-License-Identifier: Apache-2.0
# Shared part of the Debian cross toolchain files: REDPAK_TRIPLET names the
# target. A toolchain file is read again for every try_compile, so the
# sysroot is passed on through the environment as well as the cache.
if(NOT REDPAK_SYSROOT)
  if(DEFINED ENV{REDPAK_SYSROOT})
    set(REDPAK_SYSROOT $ENV{REDPAK_SYSROOT})
  else()
    if(REDPAK_TRIPLET STREQUAL "aarch64-linux-gnu")
      set(REDPAK_SYSROOT /var/lib/redpak-cross/arm64)
    else()
      set(REDPAK_SYSROOT /var/lib/redpak-cross/armhf)
    endif()
  endif()
endif()
set(REDPAK_SYSROOT ${REDPAK_SYSROOT} CACHE PATH "unpacked target packages")
set(ENV{REDPAK_SYSROOT} ${REDPAK_SYSROOT})
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES REDPAK_SYSROOT)

# Debian packages of bookworm put some libraries in /lib/TRIPLET (libcap2)
# and the rest in /usr/lib/TRIPLET.
set(_libdirs ${REDPAK_SYSROOT}/usr/lib/${REDPAK_TRIPLET} ${REDPAK_SYSROOT}/lib/${REDPAK_TRIPLET})
set(CMAKE_FIND_ROOT_PATH /usr/${REDPAK_TRIPLET} ${REDPAK_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_C_FLAGS_INIT "-isystem ${REDPAK_SYSROOT}/usr/include")
# -rpath-link: the linker follows a library's own NEEDED entries, which only
# the sysroot has.
foreach(_d ${_libdirs})
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " -L${_d} -Wl,-rpath-link,${_d}")
  string(APPEND CMAKE_SHARED_LINKER_FLAGS_INIT " -L${_d} -Wl,-rpath-link,${_d}")
endforeach()

# pkg-config reads only the target's .pc files and prefixes their paths
# with the sysroot.
set(ENV{PKG_CONFIG_LIBDIR} "${REDPAK_SYSROOT}/usr/lib/${REDPAK_TRIPLET}/pkgconfig:${REDPAK_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${REDPAK_SYSROOT})
set(ENV{PKG_CONFIG_PATH} "")

# qemu-user with the toolchain's C library as the loader's root, and the
# sysroot's libraries on the guest's library path (-E sets it for the
# guest only, not for qemu itself).
if(REDPAK_TRIPLET STREQUAL "aarch64-linux-gnu")
  set(_qemu qemu-aarch64-static)
else()
  set(_qemu qemu-arm-static)
endif()
string(REPLACE ";" ":" _ldpath "${_libdirs}")
set(CMAKE_CROSSCOMPILING_EMULATOR ${_qemu} -L /usr/${REDPAK_TRIPLET} -E LD_LIBRARY_PATH=${_ldpath})
