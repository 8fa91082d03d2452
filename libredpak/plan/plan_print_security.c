/* SPDX-License-Identifier: Apache-2.0 */
/* Capabilities and seccomp, as printed: the capability sets by name, the
 * filter's default action and every rule. */
#include "plan_print.h"

#include <inttypes.h>
#include <stdlib.h>

#include "enum_names.h"
#include "names.h"

static const char *caps_text(uint64_t mask, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (!mask)
        return "none";
    if (mask == rp_cap_all_mask())
        return "all";
    for (int cap = 0; cap < 64 && used < len; cap++) {
        if (!(mask & (1ull << cap)))
            continue;
        const char *name = rp_cap_name(cap);
        int w = name ? snprintf(buf + used, len - used, "%s%s", used ? " " : "", name)
                     : snprintf(buf + used, len - used, "%s%d", used ? " " : "", cap);
        if (w > 0)
            used += (size_t)w;
    }
    return buf;
}

void plan_print_caps(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_caps_plan *cp = &p->caps;
    char buf[2048];

    if (!cp->set) {
        emit_none(e,
                  "no capabilities section: execve's rules apply (root of a new user "
                  "namespace holds that namespace's full set)");
        return;
    }
    emit_step(e, "bounding");
    emit_origin(e, &p->node->caps.list_pos);
    emit_u64(e, "mask", cp->bounding);
    emit_line(e, "bounding set: keep %s", caps_text(cp->bounding, buf, sizeof(buf)));
    emit_step(e, "sets");
    emit_u64(e, "permitted", cp->permitted);
    emit_u64(e, "effective", cp->effective);
    emit_u64(e, "inheritable", cp->inheritable);
    emit_bool(e, "in_user_ns", cp->in_user_ns);
    emit_line(e, "permitted, effective, inheritable: %s%s",
              caps_text(cp->permitted, buf, sizeof(buf)),
              cp->in_user_ns ? " (of the node's user namespace)" : "");
    emit_step(e, "ambient");
    emit_origin(e, &p->node->caps.ambient_pos);
    emit_u64(e, "mask", cp->ambient);
    emit_line(e, "ambient: %s", caps_text(cp->ambient, buf, sizeof(buf)));
}

static const char *action_text(enum rp_seccomp_action a, int errnum, char buf[48])
{
    const char *name = rp_seccomp_action_name(a);
    if (a != RP_SC_ERRNO && a != RP_SC_REPORT)
        return name;
    const char *en = rp_errno_name(errnum);
    if (en)
        snprintf(buf, 48, "%s(%s)", name, en);
    else
        snprintf(buf, 48, "%s(%d)", name, errnum);
    return buf;
}

static void print_rule(struct plan_emit *e, const struct rp_seccomp_rule *r)
{
    /* The comparisons as the text line writes them; masked_eq is spelled
     * out whole below. */
    static const char *const ops[RP_SC_OP_COUNT] = {
        [RP_SC_EQ] = "==", [RP_SC_NE] = "!=", [RP_SC_LT] = "<",        [RP_SC_LE] = "<=",
        [RP_SC_GT] = ">",  [RP_SC_GE] = ">=", [RP_SC_MASKED_EQ] = "&",
    };
    char act[48];
    struct linebuf t = {0};

    for (size_t i = 0; i < r->names.n; i++)
        linebuf_add(&t, e, "%s%s", i ? " " : "", r->names.v[i]);
    for (size_t i = 0; i < r->n_args; i++) {
        const struct rp_seccomp_arg *a = &r->args[i];
        if (a->op == RP_SC_MASKED_EQ)
            linebuf_add(&t, e, " %s arg%u & %#" PRIx64 " == %" PRIu64, i ? "and" : "if", a->index,
                        a->mask, a->value);
        else
            linebuf_add(&t, e, " %s arg%u %s %" PRIu64, i ? "and" : "if", a->index, ops[a->op],
                        a->value);
    }
    emit_step(e, "rule");
    emit_origin(e, &r->pos);
    emit_str(e, "action", rp_seccomp_action_name(r->action));
    if (r->action == RP_SC_ERRNO)
        emit_u64(e, "errno", (unsigned)r->errnum);
    emit_strings(e, "names", r->names.v, r->names.n);
    emit_seccomp_args(e, r->args, r->n_args);
    emit_line(e, "%s: %s", action_text(r->action, r->errnum, act), linebuf_get(&t));
    free(t.s);
}

void plan_print_seccomp(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_seccomp_plan *sp = &p->seccomp;
    char act[48];

    if (!sp->enabled) {
        if (sp->new_session) {
            emit_step(e, "new_session");
            emit_line(e,
                      "no seccomp section: no filter; the first process starts a new "
                      "session (setsid): no controlling terminal, so TIOCSTI cannot type "
                      "into the caller's terminal");
        } else {
            emit_none(e, "no seccomp section: no filter");
        }
        return;
    }
    emit_step(e, "load");
    emit_str(e, "default_action", rp_seccomp_action_name(sp->default_action));
    emit_u64(e, "default_errno", (unsigned)sp->default_errno);
    emit_u64(e, "rules", sp->n_rules);
    emit_line(e, "load the filter, last before execve: default action %s, %zu rules",
              action_text(sp->default_action, sp->default_errno, act), sp->n_rules);
    for (size_t i = 0; i < sp->n_rules; i++)
        print_rule(e, &sp->rules[i]);
    emit_step(e, "load_terminal");
    emit_u64(e, "rules", sp->n_terminal);
    emit_line(e,
              "and before it a filter of its own, default allow, that no rule above can "
              "undo (the kernel keeps the stricter answer): TIOCSTI (0x5412) and "
              "TIOCLINUX (0x541c) refused");
    for (size_t i = 0; i < sp->n_terminal; i++)
        print_rule(e, &sp->terminal[i]);
}
