# SPDX-License-Identifier: Apache-2.0
# Debian packages with CPack (cpack -G DEB, from a tree configured with
# -DCMAKE_INSTALL_PREFIX=/usr; scripts/build-deb.sh does both):
#   redpak_VERSION_ARCH.deb      redwrap, rednode-config, libredpak.so.0 (the
#                                soname link and the file it names), man
#                                pages, schemas, nodes, the systemd unit and,
#                                as conffiles, /etc/redpak/nodes/redis.{yaml,env}
#   redpak-dev_VERSION_ARCH.deb  the headers, libredpak.pc and the libredpak.so
#                                link a program links with
# Every install() without a COMPONENT is "runtime" (the top CMakeLists sets
# CMAKE_INSTALL_DEFAULT_COMPONENT_NAME); libredpak/ puts its development
# files in "dev".
#
# Depends: dpkg-shlibdeps (CPACK_DEBIAN_PACKAGE_SHLIBDEPS) reads the ELF
# files' NEEDED entries and the installed libraries' symbols files. A cross
# build has no target libraries in dpkg's database: scripts/cross-build.sh
# works the list out from the target packages' shlibs files and passes it as
# REDPAK_DEB_DEPENDS, which turns dpkg-shlibdeps off.
set(REDPAK_DEB_DEPENDS "" CACHE STRING
    "Depends of the redpak .deb; empty: dpkg-shlibdeps works them out")
set(REDPAK_DEB_ARCH "" CACHE STRING
    "Architecture of the .debs; empty: dpkg --print-architecture (or the cross target's)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME redpak)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "redpak maintainers <redpak@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Linux sandbox launcher for REDNODE files")
set(CPACK_PACKAGE_DESCRIPTION
    "redwrap runs a program in a REDNODE: an isolated execution environment\n\
built from Linux namespaces, a fresh root filesystem, cgroup v2 limits,\n\
capabilities and a seccomp filter, all described in one YAML node file.\n\
rednode-config validates node files and prints the plan redwrap applies.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://example.invalid/redpak")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_FILE_NAME redpak)          # only the DEB generator names files
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)      # NAME_VERSION_ARCH.deb
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME redpak)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME redpak-dev)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
if(REDPAK_DEB_ARCH)
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${REDPAK_DEB_ARCH})
endif()
if(REDPAK_DEB_DEPENDS)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "${REDPAK_DEB_DEPENDS}")
else()
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
endif()
# The unit runs Redis only when the redis node is enabled.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "redis-server")
# libredpak.so.0's shlibs file: a package built against it depends on
# redpak (>= VERSION); the symbols of the version node REDPAK_0 only grow.
# (CPack's GENERATE_SHLIBS writes the line twice, once for the soname link.)
# cmake/deb/triggers runs ldconfig, which CPack's own postinst would do
# were there not ours.
file(WRITE ${CMAKE_BINARY_DIR}/deb/shlibs
     "libredpak ${PROJECT_VERSION_MAJOR} redpak (>= ${PROJECT_VERSION})\n")
# redpak-dev Depends: redpak (= VERSION), from the component dependency.
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "")
# The Redis node, ready for `systemctl enable --now redwrap@redis`, in the
# folder the unit reads: only for the system prefix, whose unit is the one
# systemd runs. dpkg keeps them as conffiles: an edited one survives an
# upgrade, and dpkg -r leaves them (dpkg -P removes them).
set(_control ${CMAKE_CURRENT_LIST_DIR}/deb/postinst ${CMAKE_CURRENT_LIST_DIR}/deb/postrm
             ${CMAKE_CURRENT_LIST_DIR}/deb/triggers ${CMAKE_BINARY_DIR}/deb/shlibs)
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  install(FILES ${PROJECT_SOURCE_DIR}/nodes/redis.yaml ${PROJECT_SOURCE_DIR}/nodes/redis.env
          DESTINATION /etc/redpak/nodes)
  file(WRITE ${CMAKE_BINARY_DIR}/deb/conffiles
       "/etc/redpak/nodes/redis.yaml\n/etc/redpak/nodes/redis.env\n")
  list(APPEND _control ${CMAKE_BINARY_DIR}/deb/conffiles)
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/redpak
          RENAME copyright)
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/redpak-dev
          RENAME copyright COMPONENT dev)
endif()
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${_control})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
cpack_add_component(runtime DISPLAY_NAME "redwrap, rednode-config, libredpak")
cpack_add_component(dev DISPLAY_NAME "libredpak development files" DEPENDS runtime)
