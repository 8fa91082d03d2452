/* SPDX-License-Identifier: Apache-2.0 */
/* Namespaces (ns.c): which ones the clone of step 4 creates, the ones
 * joined by path before it, and step 6 inside the new ones. */
#ifndef REDPAK_NS_H
#define REDPAK_NS_H

#include <stdbool.h>

#include "redpak/plan.h"

/* Step 6, in the first process: hostname, domainname, loopback,
 * namespaced sysctls, time offsets. */
int rp_ns_apply(const struct rp_ns_plan *plan, struct rp_error *err);
/* Step 6's network part again, in a network namespace made since
 * (mount_lock.c): loopback up, the net.* sysctls through sys_fd, the
 * host's /proc/sys opened before step 7. */
int rp_ns_net_again(const struct rp_ns_plan *plan, int sys_fd, struct rp_error *err);

/* Spawner side: joins the namespaces given by path (user first), so that
 * the first process is cloned inside them. Runs in a short-lived helper
 * process, never in redwrap itself. */
bool rp_ns_has_joins(const struct rp_ns_plan *plan);
int rp_ns_join(const struct rp_ns_plan *plan, struct rp_error *err);
/* The CLONE_NEW* flags given to clone: the plan's, except cgroup and time,
 * which the first process unshares itself (ns.c explains why). */
int rp_ns_clone_flags(const struct rp_ns_plan *plan);

#endif
