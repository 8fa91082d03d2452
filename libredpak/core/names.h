/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's and the libraries' names for what a node file names:
 * capabilities (libcap's table), errno values, syscalls (libseccomp's
 * table), rlimits, and which sysctls belong to a namespace. Shared by every
 * stage: the parser checks names, the planner and the plan printer turn
 * numbers back into names, the executor names what failed. */
#ifndef REDPAK_NAMES_H
#define REDPAK_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "redpak/node.h"

/* Capability number for "net_bind_service", "CAP_NET_BIND_SERVICE", ...
 * (libcap's table, any case, with or without "cap_"); -1 when unknown. */
int rp_cap_lookup(const char *name);
/* Every capability this libcap knows, as a mask. */
uint64_t rp_cap_all_mask(void);
/* The canonical lower-case name without "cap_", e.g. "net_bind_service". */
const char *rp_cap_name(int cap);
/* The errno value of "EPERM" (upper case, as errno(3) spells it; or a
 * decimal number 1-4094); -1 when unknown. */
int rp_errno_lookup(const char *name);
/* "EPERM" for EPERM; NULL for a number without a name. */
const char *rp_errno_name(int errnum);
/* The native syscall number of name (libseccomp); negative when unknown. */
int rp_syscall_lookup(const char *name);
/* For a name the native architecture lacks: an architecture whose kernel
 * has that syscall ("x86_64" for arch_prctl on aarch64), so a node written
 * on one machine still runs on another; NULL when no architecture
 * libseccomp knows has it (a typo). */
const char *rp_syscall_other_arch(const char *name);
/* RLIMIT_* for "nofile", "core", ...; -1 when unknown. */
int rp_rlimit_lookup(const char *name);
const char *rp_rlimit_name(int resource);
/* Whether a sysctl belongs to a namespace a node can have (net.* -> net;
 * the IPC kernel.* keys of docs/node-format.md, "hostname, domainname,
 * time_offsets, sysctl", and fs.mqueue.* -> ipc); dotted form
 * "net.core.somaxconn". */
bool rp_sysctl_is_namespaced(const char *key, enum rp_ns_kind *ns);

#endif
