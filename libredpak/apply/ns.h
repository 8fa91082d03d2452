/* SPDX-License-Identifier: Apache-2.0 */
/* Namespaces (ns.c): which ones the clone of step 4 creates, the ones
 * joined by path before it, and step 6 inside the new ones. */
#ifndef REDPAK_NS_H
#define REDPAK_NS_H

#include <stdbool.h>

#include "redpak/plan.h"

/* Step 6, in the first process: hostname, domainname, loopback,
 * namespaced sysctls, time offsets. defer: a nested build (mount_lock.c)
 * makes the UTS, net, IPC and cgroup namespaces after step 7; all but the
 * time offsets wait for rp_ns_apply_deferred. */
int rp_ns_apply(const struct rp_ns_plan *plan, bool defer, struct rp_error *err);
/* Step 6's part in the namespaces made after step 7: hostname,
 * domainname, loopback up, the sysctls through sys_fd, the host's
 * /proc/sys opened before step 7 (it shows the opener's namespaces). */
int rp_ns_apply_deferred(const struct rp_ns_plan *plan, int sys_fd, struct rp_error *err);

/* Spawner side: joins the namespaces given by path (user first), so that
 * the first process is cloned inside them. Runs in a short-lived helper
 * process, never in redwrap itself. */
bool rp_ns_has_joins(const struct rp_ns_plan *plan);
int rp_ns_join(const struct rp_ns_plan *plan, struct rp_error *err);
/* The CLONE_NEW* flags given to clone: the plan's, except cgroup and time,
 * which the first process unshares itself, and with a nested build net and
 * UTS (ns.c explains why). */
int rp_ns_clone_flags(const struct rp_ns_plan *plan);

#endif
