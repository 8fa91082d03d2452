/* SPDX-License-Identifier: Apache-2.0 */
/* Steps 10 and 12: the capability plan and the seccomp plan. */
#include "plan_internal.h"

#include "error_internal.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "seccomp_profile.h"

/* keep: everything else leaves every set, bounding included, so that not
 * even an execve of a file with capabilities brings one back. drop: the
 * rest of the full set stays. Inheritable holds the kept set because the
 * kernel only lets a capability into ambient when it is both permitted
 * and inheritable. Without a section nothing is planned: execve's rules
 * apply (root of a new user namespace holds that namespace's full set). */
void plan_caps(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_capabilities *in = &c->node->caps;
    struct rp_caps_plan *cp = &p->caps;
    uint64_t all = rp_cap_all_mask(), kept;

    if (in->mode == RP_CAPS_UNSET && !in->ambient_set)
        return;
    kept = in->mode == RP_CAPS_KEEP ? in->list & all
        : in->mode == RP_CAPS_DROP  ? all & ~in->list
                                    : all;
    cp->set = true;
    cp->bounding = cp->permitted = cp->effective = cp->inheritable = kept;
    cp->ambient = in->ambient & kept;
    cp->in_user_ns = c->node->ns[RP_NS_USER].mode != RP_NS_HOST;
}

static bool rule_names(const struct rp_seccomp_rule *r, const char *name)
{
    for (size_t i = 0; i < r->names.n; i++)
        if (!strcmp(r->names.v[i], name))
            return true;
    return false;
}

static bool named_by_node(const struct rp_seccomp *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_rules; i++)
        if (rule_names(&sc->rules[i], name))
            return true;
    return false;
}

/* Copies src, leaving out the syscalls skip names (the node's rules win
 * over the base profile's for a syscall both mention). */
static bool rule_copy_except(struct plan_ctx *c, struct rp_seccomp_rule *dst,
                             const struct rp_seccomp_rule *src, const struct rp_seccomp *skip)
{
    *dst = *src;
    dst->names = (struct rp_string_list){0};
    dst->names.v = plan_calloc(c, src->names.n, sizeof(*dst->names.v));
    dst->names.pos = plan_calloc(c, src->names.n, sizeof(*dst->names.pos));
    if (src->names.n && (!dst->names.v || !dst->names.pos))
        return false;
    for (size_t i = 0; i < src->names.n; i++) {
        if (skip && named_by_node(skip, src->names.v[i]))
            continue;
        dst->names.v[dst->names.n] = plan_strdup(c, src->names.v[i]);
        if (src->names.pos)
            dst->names.pos[dst->names.n] = src->names.pos[i];
        dst->names.n++;
    }
    return true;
}

void plan_seccomp_rules_free(struct rp_seccomp_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < rules[i].names.n; j++)
            free(rules[i].names.v[j]);
        free(rules[i].names.v);
        free(rules[i].names.pos);
    }
    free(rules);
}

static bool action_lets_it_run(enum rp_seccomp_action a)
{
    return a == RP_SC_ALLOW || a == RP_SC_LOG;
}

/* The filter is loaded just before execve, so a filter that refuses execve
 * (or exit_group, which every process ends with) leaves a workload that
 * cannot start or cannot end: nothing could even report why, as writes may
 * be refused too. Caught here, where the line can be named. A rule with
 * argument conditions counts as allowing: the workload may match it. */
static void check_filter_lets_workload_run(struct plan_ctx *c, const struct rp_seccomp_plan *sp)
{
    static const char *const needed[] = {"execve", "exit_group"};
    const struct rp_seccomp *in = &c->node->seccomp;

    for (size_t k = 0; k < sizeof(needed) / sizeof(needed[0]); k++) {
        bool named = false, allowed = false;
        for (size_t i = 0; i < sp->n_rules; i++) {
            if (!rule_names(&sp->rules[i], needed[k]))
                continue;
            named = true;
            allowed = allowed || action_lets_it_run(sp->rules[i].action);
        }
        if (!named)
            allowed = action_lets_it_run(sp->default_action);
        if (!allowed)
            rp_diags_add(c->diags, &in->pos, "seccomp",
                         "the filter refuses %s, so the workload could not %s (the filter "
                         "is loaded just before execve): allow it, e.g. "
                         "{names: [%s], action: allow}",
                         needed[k], k == 0 ? "start" : "exit", needed[k]);
    }
}

/* The base profile first, then the node's rules in written order. A
 * syscall the node names is taken out of the base rules, so the node's
 * rule is the only one about it, whatever order the filter compiler
 * gives rules of different actions. */
void plan_seccomp(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_seccomp *in = &c->node->seccomp;
    struct rp_seccomp_plan *sp = &p->seccomp;
    const struct rp_seccomp_rule *base = NULL;
    size_t n_base = 0;

    /* Planned with or without a section: --seccomp-learn loads a filter
     * for a node that has none, and keeps these with it. */
    size_t n_terminal = 0;
    const struct rp_seccomp_rule *terminal = rp_seccomp_terminal_rules(&n_terminal);
    sp->terminal = plan_calloc(c, n_terminal, sizeof(*sp->terminal));
    if (!sp->terminal)
        return;
    for (size_t i = 0; i < n_terminal; i++)
        if (!rule_copy_except(c, &sp->terminal[sp->n_terminal++], &terminal[i], NULL))
            return;
    /* Without a filter nothing refuses TIOCSTI: a session of its own
     * leaves the node without a controlling terminal instead. */
    sp->new_session = !in->present;
    if (!in->present)
        return;
    /* The kernel loads a filter without no_new_privs only for a holder of
     * CAP_SYS_ADMIN, and a filter that a setuid program runs under is the
     * confusion no_new_privs exists to prevent: the pair is refused here,
     * at both values, rather than deep in the child at run time. */
    if (!c->node->process.no_new_privileges) {
        const struct rp_pos *np = &c->node->process.no_new_privileges_pos;
        rp_diags_add(c->diags, np, "process.no_new_privileges",
                     "no_new_privileges: false cannot go with the seccomp filter of %s:%u:%u: the "
                     "kernel loads a filter only under no_new_privs; remove the seccomp section "
                     "or set no_new_privileges: true",
                     in->pos.file ? in->pos.file : "?", in->pos.line, in->pos.column);
    }
    sp->enabled = true;
    sp->default_action = in->default_action;
    sp->default_errno = in->default_errno;
    if (in->base == RP_SC_BASE_DEFAULT)
        base = rp_seccomp_base_default(&n_base);
    sp->rules = plan_calloc(c, n_base + in->n_rules, sizeof(*sp->rules));
    if (!sp->rules)
        return;
    for (size_t i = 0; i < n_base; i++) {
        struct rp_seccomp_rule *r = &sp->rules[sp->n_rules++];
        if (!rule_copy_except(c, r, &base[i], in))
            return;
        /* A base rule whose every syscall the node overrides is gone. */
        if (r->names.n == 0) {
            free(r->names.v);
            free(r->names.pos);
            sp->n_rules--;
        }
    }
    for (size_t i = 0; i < in->n_rules; i++)
        if (!rule_copy_except(c, &sp->rules[sp->n_rules++], &in->rules[i], NULL))
            return;
    check_filter_lets_workload_run(c, sp);
}
