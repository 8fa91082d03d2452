/* SPDX-License-Identifier: Apache-2.0 */
/* RP_PUBLIC marks the functions of libredpak's API. The library is built
 * with -fvisibility=hidden: a function without it is the library's own
 * business and is not exported from libredpak.so, whatever header declares
 * it. tests/abi checks the exported list. */
#ifndef REDPAK_EXPORT_H
#define REDPAK_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define RP_PUBLIC __attribute__((visibility("default")))
#else
#define RP_PUBLIC
#endif

#endif
