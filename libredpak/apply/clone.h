/* SPDX-License-Identifier: Apache-2.0 */
/* Step 4 (clone.c): the node's first process. */
#ifndef REDPAK_CLONE_H
#define REDPAK_CLONE_H

#include <sys/types.h>

#include "redpak/plan.h"

struct rp_cgroup_run;

/* Creates the node's first process in the namespaces of ns and in cg (when
 * cg->dirfd >= 0; cgroup says whether the node may run without it).
 * Returns 0 in the first process, its pid in the parent, or a negative
 * code. The first process waits to be released. */
pid_t rp_clone_apply(const struct rp_ns_plan *ns, const struct rp_cgroup_plan *cgroup,
                     const struct rp_cgroup_run *cg, int verbose, struct rp_error *err);

#endif
