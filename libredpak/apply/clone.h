/* Step 4 (clone.c): the node's first process. */
#ifndef REDPAK_CLONE_H
#define REDPAK_CLONE_H

#include <sys/types.h>

#include "redpak/plan.h"

struct rp_cgroup_run;

/* Creates the node's first process in its namespaces and in cg (when
 * cg->dirfd >= 0). Returns 0 in the first process, its pid in the parent,
 * or a negative code. The first process waits to be released. */
pid_t rp_clone_first(const struct rp_plan *plan, const struct rp_cgroup_run *cg, int verbose,
                     struct rp_error *err);

#endif
