/* SPDX-License-Identifier: Apache-2.0 */
/* Step 3 and the end of step 13 (cgroup.c, cgroup_teardown.c): the node's
 * cgroup v2, made and removed by the parent. */
#ifndef REDPAK_CGROUP_H
#define REDPAK_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "redpak/plan.h"

struct rp_cgroup_run {
    int dirfd;  /* the node's cgroup directory, -1 when none */
    char *path; /* its absolute path under the cgroup2 mount */
    bool created;
    /* What rp_cgroup_explain_end says, read once from the cgroup's
     * memory.events and pids.events, by it or by teardown before the
     * cgroup is removed, whichever comes first. */
    char end[256];
    bool explained;
    /* Hybrid hosts: the node's leaf in each cgroup v1 hierarchy (cgroup_v1.c). */
    char **v1_leaves;
    size_t n_v1_leaves;
};
/* Step 1: fails when a required item needs a controller the cgroup v2
 * hierarchy does not offer, before anything is changed (it touches nothing). */
int rp_cgroup_check(const struct rp_cgroup_plan *plan, struct rp_error *err);
/* Detects cgroup v2, creates the node's cgroup, enables the controllers,
 * writes the items. With required items on a host that cannot apply them,
 * fails naming the item, the controller and what was found. */
int rp_cgroup_apply(const struct rp_cgroup_plan *plan, int verbose, struct rp_cgroup_run *cg,
                    struct rp_error *err);
/* Hybrid hosts: moves the first process, not yet released, into a fresh
 * leaf of every cgroup v1 hierarchy, so that its cgroup namespace shows it
 * nothing of the host's v1 trees (cgroup_v1.c). */
int rp_cgroup_v1_enter(struct rp_cgroup_run *cg, pid_t pid, int verbose, struct rp_error *err);
/* Removes those leaves (rp_cgroup_teardown calls it). */
void rp_cgroup_v1_remove(struct rp_cgroup_run *cg, int verbose);
/* Delegates the node's cgroup to the host ids uid:gid (its root inside a
 * private id range), as the kernel's cgroup-v2 delegation model says: the
 * directory, cgroup.procs, cgroup.threads and cgroup.subtree_control
 * change owner; the limits redwrap wrote (memory.max, cgroup.max.depth,
 * ...) stay root's, out of the node's reach. */
int rp_cgroup_delegate(struct rp_cgroup_run *cg, uid_t uid, gid_t gid, int verbose,
                       struct rp_error *err);
/* Kills whatever is left in the cgroup and removes it. */
int rp_cgroup_teardown(struct rp_cgroup_run *cg, int verbose, struct rp_error *err);
/* After the node ended: a line such as "the node's cgroup hit memory.max
 * (oom_kill 1)" when the kernel's OOM killer acted in it; NULL otherwise. */
const char *rp_cgroup_explain_end(struct rp_cgroup_run *cg);

#endif
