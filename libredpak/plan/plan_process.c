/* SPDX-License-Identifier: Apache-2.0 */
/* Steps 8, 9 and 11, the process plan: the workload's command, its
 * environment, limits and working directory, the identity it runs as (ids
 * inside the node, resolved and checked in step 1) and no_new_privs. */
#include "error_internal.h"
#include "plan_internal.h"

#include <stdio.h>
#include <string.h>

static char **copy_strings(struct plan_ctx *c, const struct rp_string_list *l, bool null_end)
{
    char **v = plan_calloc(c, l->n + (null_end ? 1 : 0), sizeof(*v));
    for (size_t i = 0; v && i < l->n; i++)
        v[i] = plan_strdup(c, l->v[i]);
    return v;
}

static void process_env(struct rp_process_plan *pp, struct plan_ctx *c)
{
    const struct rp_process *in = &c->node->process;
    pp->env_clear = in->env_clear;
    pp->env_set = plan_calloc(c, in->env_set.n, sizeof(*pp->env_set));
    for (size_t i = 0; pp->env_set && i < in->env_set.n; i++) {
        pp->env_set[i].key = plan_strdup(c, in->env_set.v[i].key);
        pp->env_set[i].value = plan_strdup(c, in->env_set.v[i].value);
        pp->env_set[i].pos = in->env_set.v[i].pos;
        pp->n_env_set++;
    }
    pp->env_pass = copy_strings(c, &in->env_pass, false);
    pp->n_env_pass = pp->env_pass ? in->env_pass.n : 0;
}

/* Without process.group the workload runs with the primary group of a
 * named user (as login would), and for a numeric user with the group of
 * the same number (useradd's user-private-group convention): never root's
 * group by accident. Without process.user it runs as root of the node. */
static void process_identity(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_process *in = &c->node->process;
    struct rp_process_plan *pp = &p->process;
    const struct rp_pos *ns_pos = &c->node->user_namespace_pos;
    gid_t primary = 0;
    char key[48];

    if (in->user.set) {
        if (plan_uid(c, p, &in->user, "process.user", &pp->uid, &primary) && !in->group.set)
            plan_id_mapped(c, p, true, primary, &in->user.pos, "process.user",
                           in->user.is_name
                               ? " (the user's primary group: process.group is not set)"
                               : " (the user's own number: process.group is not set)");
    } else {
        /* Root of the node, which a written map may leave out. */
        plan_id_mapped(c, p, false, 0, ns_pos, "user_namespace.uid_map",
                       " (the workload's uid: process.user is not set)");
        if (!in->group.set)
            plan_id_mapped(c, p, true, 0, ns_pos, "user_namespace.gid_map",
                           " (the workload's gid: process.group is not set)");
    }
    pp->gid = primary;
    if (in->group.set)
        plan_gid(c, p, &in->group, "process.group", &pp->gid);
    /* setgroups(2) is refused for good in a user namespace whose setgroups
     * file says deny, which an unprivileged caller must write. */
    if (in->n_groups && p->ns.deny_setgroups)
        rp_diags_add(c->diags, &in->groups[0].pos, "process.groups",
                     "supplementary groups need setgroups(2), which a user namespace made "
                     "by an unprivileged user (uid %u) denies; remove process.groups or "
                     "run redwrap as root",
                     (unsigned)c->opts->caller_uid);
    pp->groups = plan_calloc(c, in->n_groups, sizeof(*pp->groups));
    for (size_t i = 0; pp->groups && i < in->n_groups; i++) {
        snprintf(key, sizeof(key), "process.groups[%zu]", i);
        plan_gid(c, p, &in->groups[i], key, &pp->groups[pp->n_groups++]);
    }
}

void plan_process(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_process *in = &c->node->process;
    struct rp_process_plan *pp = &p->process;

    /* No command: redwrap's command line supplies it. */
    if (in->command.n)
        pp->argv = copy_strings(c, &in->command, true);
    process_env(pp, c);
    pp->cwd = plan_strdup(c, in->cwd ? in->cwd : "/");
    pp->umask = in->umask;
    pp->rlimits = plan_calloc(c, in->n_rlimits, sizeof(*pp->rlimits));
    if (pp->rlimits) {
        memcpy(pp->rlimits, in->rlimits, in->n_rlimits * sizeof(*pp->rlimits));
        pp->n_rlimits = in->n_rlimits;
    }
    process_identity(p, c);
    pp->no_new_privileges = in->no_new_privileges;
    pp->init = in->init;
    pp->wait = in->wait;
    pp->die_with_parent = in->die_with_parent;
}
