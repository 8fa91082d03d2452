/* SPDX-License-Identifier: Apache-2.0 */
/* The built-in seccomp base profiles a node names with seccomp.base. */
#ifndef REDPAK_SECCOMP_PROFILE_H
#define REDPAK_SECCOMP_PROFILE_H

#include <stddef.h>

#include "redpak/node.h"

/* The `default` base profile: an allow-list of ordinary syscalls that
 * leaves the dangerous ones to the node's default action. Static data:
 * *n rules, never freed. Names without a number on this architecture
 * (the 32-bit-only ones on x86_64) are skipped when the filter is built. */
const struct rp_seccomp_rule *rp_seccomp_base_default(size_t *n);
/* The terminal rules every filter keeps: ioctl(fd, TIOCSTI, ...) and
 * ioctl(fd, TIOCLINUX, ...) answer EPERM. Loaded as a filter of their own
 * (default allow) next to the node's. Static data: *n rules. */
const struct rp_seccomp_rule *rp_seccomp_terminal_rules(size_t *n);

#endif
