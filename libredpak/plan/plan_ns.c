/* SPDX-License-Identifier: Apache-2.0 */
/* Steps 4-6, the namespace plan: which namespaces clone() makes new, which
 * are joined by path, what the parent writes into the maps (decided in
 * step 1 by plan_idmaps), and what the child sets inside them. */
#include "plan_internal.h"

#include <sched.h>

static const int clone_flag[RP_NS_COUNT] = {
    [RP_NS_USER] = CLONE_NEWUSER, [RP_NS_PID] = CLONE_NEWPID,  [RP_NS_NET] = CLONE_NEWNET,
    [RP_NS_IPC] = CLONE_NEWIPC,   [RP_NS_UTS] = CLONE_NEWUTS,  [RP_NS_CGROUP] = CLONE_NEWCGROUP,
    [RP_NS_TIME] = CLONE_NEWTIME, [RP_NS_MOUNT] = CLONE_NEWNS,
};

static void ns_sysctls(struct rp_ns_plan *ns, struct plan_ctx *c)
{
    const struct rp_kv_list *l = &c->node->sysctl;
    ns->sysctl = plan_calloc(c, l->n, sizeof(*ns->sysctl));
    if (!ns->sysctl)
        return;
    ns->n_sysctl = l->n;
    for (size_t i = 0; i < l->n; i++) {
        ns->sysctl[i].key = plan_sysctl_path(c, l->v[i].key);
        ns->sysctl[i].value = plan_strdup(c, l->v[i].value);
        ns->sysctl[i].pos = l->v[i].pos;
    }
}

void plan_ns(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_node *n = c->node;
    struct rp_ns_plan *ns = &p->ns;

    for (int k = 0; k < RP_NS_COUNT; k++) {
        ns->ns[k] = n->ns[k];
        ns->ns[k].path = plan_strdup(c, n->ns[k].path);
        if (n->ns[k].mode == RP_NS_NEW)
            ns->clone_flags |= clone_flag[k];
    }
    ns->hostname = plan_strdup(c, n->hostname);
    ns->domainname = plan_strdup(c, n->domainname);
    /* The kernel freezes a time namespace's offsets when the first process
     * enters it, and clone(CLONE_NEWTIME) enters the child at once: the
     * offsets must be written before that (the executor's step 5). */
    ns->set_time_offsets = n->time_offsets_set;
    ns->time_monotonic = n->time_monotonic;
    ns->time_boottime = n->time_boottime;
    ns_sysctls(ns, c);
    /* A new network namespace has only lo, and it starts down: without it
     * even 127.0.0.1 is unreachable. */
    ns->loopback_up = n->ns[RP_NS_NET].mode == RP_NS_NEW;
}
