/* SPDX-License-Identifier: Apache-2.0 */
/* Security only tightens down a family (docs/node-format.md, "Families"):
 * a step of the chain is compared with the step above it, and whatever it
 * loosens is refused at the child's value, naming the parent's position.
 * A parent's default that no file wrote binds nobody (only what a file
 * asks for is a decision a child must keep), except where the parent's
 * section itself was written: a read-only root, a seccomp filter, a cgroup
 * section carry their defaults with them. */
#include "error_internal.h"
#include "family.h"
#include "seccomp_profile.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const TAIL = "a node of a family may only tighten";

void fam_refuse(struct rp_diags *d, const struct rp_pos *child, const char *key,
                const struct rp_pos *parent, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rp_diags_add(d, child, key, "%s (the parent's at %s:%u:%u); %s", msg,
                 parent->file ? parent->file : "?", parent->line, parent->column, TAIL);
}

/* rp_node_new's defaults point at the node's own file, 1:1, by the node's
 * own pointer; a written value points at the string of the file that wrote
 * it (a step of a family names its file by the family's copy). */
static bool written(const struct rp_node *n, const struct rp_pos *p)
{
    return p->line && !(p->file == n->file && p->line == 1 && p->column == 1);
}

static bool same_rule_pos(const struct rp_pos *a, const struct rp_pos *b)
{
    return a->file && b->file && !strcmp(a->file, b->file) && a->line == b->line &&
        a->column == b->column;
}

static void check_ns(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    static const char *const mode[] = {"new", "host", "a path to join"};
    for (int k = 0; k < RP_NS_COUNT; k++) {
        const struct rp_ns_setting *ps = &p->ns[k], *cs = &c->ns[k];
        if (!written(p, &ps->pos) || cs->mode == ps->mode || cs->mode == RP_NS_NEW)
            continue;
        if (ps->mode == RP_NS_HOST)
            continue; /* host -> a path or new: tighter */
        char key[64];
        snprintf(key, sizeof(key), "namespaces.%s", rp_ns_name((enum rp_ns_kind)k));
        fam_refuse(d, &cs->pos, key, &ps->pos, "'%s' loosens a namespace the parent made '%s'",
                   cs->mode == RP_NS_HOST ? "host"
                       : cs->path         ? cs->path
                                          : "join",
                   mode[ps->mode]);
    }
}

static uint64_t kept_caps(const struct rp_capabilities *caps)
{
    uint64_t all = rp_cap_all_mask();
    switch (caps->mode) {
    case RP_CAPS_KEEP: return caps->list & all;
    case RP_CAPS_DROP: return all & ~caps->list;
    default: return all;
    }
}

static void check_caps(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    if (p->caps.mode == RP_CAPS_UNSET)
        return;
    uint64_t extra = kept_caps(&c->caps) & ~kept_caps(&p->caps);
    if (!extra)
        return;
    int cap = __builtin_ctzll(extra);
    fam_refuse(d, c->caps.mode == RP_CAPS_UNSET ? &c->caps.pos : &c->caps.list_pos, "capabilities",
               &p->caps.list_pos, "keeps %s, which the parent %s", rp_cap_name(cap),
               p->caps.mode == RP_CAPS_KEEP ? "does not keep" : "drops");
}

static void check_process(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    const struct rp_pos *pp = &p->process.no_new_privileges_pos;
    if (pp->line && p->process.no_new_privileges && !c->process.no_new_privileges)
        fam_refuse(d, &c->process.no_new_privileges_pos, "process.no_new_privileges", pp,
                   "false turns off what the parent turned on");
}

/* The root here; the mounts in merge.c, where each file's entries meet
 * the parent's list once (walking every step's mounts would cost a
 * family of 1,000 mounts sixteen walks of them). */
static void check_root(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    if (p->root.readonly && !c->root.readonly && written(p, &p->root.pos))
        fam_refuse(d, &c->root.pos, "root.readonly", &p->root.pos,
                   "a writable root loosens the parent's read-only root");
}

/* How much a default action lets through: a child's may not let more. */
static int strictness(enum rp_seccomp_action a)
{
    switch (a) {
    case RP_SC_ALLOW: return 0;
    case RP_SC_LOG: return 1;
    case RP_SC_ERRNO:
    case RP_SC_REPORT:
    case RP_SC_TRAP: return 2;
    case RP_SC_KILL_THREAD: return 3;
    default: return 4;
    }
}

static bool lets_through(enum rp_seccomp_action a)
{
    return a == RP_SC_ALLOW || a == RP_SC_LOG;
}

static bool names(const struct rp_seccomp_rule *r, const char *name)
{
    for (size_t i = 0; i < r->names.n; i++)
        if (!strcmp(r->names.v[i], name))
            return true;
    return false;
}

/* What the base profile `default` does with name under a refusing
 * default action: allows it outright, allows it for some arguments only
 * (clone without namespace flags, socket without AF_VSOCK), or refuses it
 * (by a rule of its own, or by leaving it to the default action). */
enum base_says { BASE_ALLOWS, BASE_LIMITS, BASE_REFUSES };

static enum base_says base_default_says(const char *name)
{
    size_t n;
    const struct rp_seccomp_rule *base = rp_seccomp_base_default(&n);
    bool some = false;
    for (size_t i = 0; i < n; i++) {
        if (!names(&base[i], name) || !lets_through(base[i].action))
            continue;
        if (!base[i].n_args)
            return BASE_ALLOWS;
        some = true;
    }
    return some ? BASE_LIMITS : BASE_REFUSES;
}

/* Whether the parent's filter refuses name, and where it says so. The
 * parent's own rules come first (the planner drops a base rule's name the
 * node's rules name), then its base profile, then its default action. */
static const struct rp_pos *refused_at(const struct rp_seccomp *sc, const char *name,
                                       const char **why)
{
    const struct rp_pos *at = NULL;
    *why = "";
    for (size_t i = 0; i < sc->n_rules; i++) {
        if (!names(&sc->rules[i], name))
            continue;
        if (lets_through(sc->rules[i].action))
            return NULL;
        if (!at && !sc->rules[i].n_args)
            at = &sc->rules[i].pos;
    }
    if (at)
        return at;
    if (lets_through(sc->default_action)) {
        /* the base's own refusals (clone3's ENOSYS) still stand */
        if (sc->base == RP_SC_BASE_DEFAULT && base_default_says(name) == BASE_REFUSES) {
            size_t n;
            const struct rp_seccomp_rule *base = rp_seccomp_base_default(&n);
            for (size_t i = 0; i < n; i++)
                if (names(&base[i], name) && !lets_through(base[i].action) && !base[i].n_args) {
                    *why = " (its base profile 'default' refuses it)";
                    return &sc->pos;
                }
        }
        return NULL;
    }
    if (sc->base == RP_SC_BASE_DEFAULT) {
        switch (base_default_says(name)) {
        case BASE_ALLOWS: return NULL;
        case BASE_LIMITS:
            *why = " (its base profile 'default' allows it for some arguments only)";
            return &sc->pos;
        case BASE_REFUSES: *why = " (neither its base profile 'default' nor its rules allow it)";
        }
    }
    return &sc->pos;
}

static bool same_rule(const struct rp_seccomp *sc, const struct rp_seccomp_rule *r)
{
    for (size_t i = 0; i < sc->n_rules; i++)
        if (same_rule_pos(&sc->rules[i].pos, &r->pos) && sc->rules[i].names.n == r->names.n)
            return true;
    return false;
}

static void check_seccomp(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    const struct rp_seccomp *ps = &p->seccomp, *cs = &c->seccomp;
    if (!ps->present)
        return;
    if (!cs->present) {
        fam_refuse(d, &cs->pos, "seccomp", &ps->pos, "no filter loosens the parent's filter");
        return;
    }
    if (strictness(cs->default_action) < strictness(ps->default_action))
        fam_refuse(d, &cs->pos, "seccomp.default_action", &ps->pos,
                   "'%s' is less strict than the parent's '%s'",
                   rp_seccomp_action_name(cs->default_action),
                   rp_seccomp_action_name(ps->default_action));
    if (ps->base == RP_SC_BASE_DEFAULT && cs->base == RP_SC_BASE_NONE)
        fam_refuse(d, &cs->pos, "seccomp.base", &ps->pos,
                   "'none' drops the base profile 'default' the parent has");
    for (size_t i = 0; i < cs->n_rules; i++) {
        const struct rp_seccomp_rule *r = &cs->rules[i];
        if (!lets_through(r->action) || same_rule(ps, r))
            continue;
        for (size_t j = 0; j < r->names.n; j++) {
            const char *why;
            const struct rp_pos *at = refused_at(ps, r->names.v[j], &why);
            if (at) {
                char key[48];
                snprintf(key, sizeof(key), "seccomp.syscalls[%zu]", i);
                fam_refuse(d, &r->names.pos[j], key, at,
                           "'%s' is allowed where the parent refuses it%s", r->names.v[j], why);
            }
        }
    }
}

/* A limit as a number: "max" is the largest. */
static uint64_t limit(const char *v)
{
    if (!strncmp(v, "max", 3))
        return UINT64_MAX;
    return strtoull(v, NULL, 10);
}

/* a/b > c/d, exactly, for b and d above 0: whole parts first, then the
 * remainders' reciprocals (a 128-bit product is not there on 32-bit
 * targets). */
static bool fraction_greater(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    for (;;) {
        uint64_t qa = a / b, qc = c / d, ra = a % b, rc = c % d;
        if (qa != qc)
            return qa > qc;
        if (ra == 0 || rc == 0)
            return rc == 0 && ra > 0;
        /* ra/b > rc/d  <=>  d/rc > b/ra */
        a = d, c = b;
        b = rc, d = ra;
    }
}

/* cpu.max "QUOTA PERIOD": more CPU is a larger QUOTA/PERIOD. */
static bool cpu_looser(const char *c, const char *p)
{
    uint64_t cq = limit(c), pq = limit(p);
    if (pq == UINT64_MAX || cq == UINT64_MAX)
        return cq == UINT64_MAX && pq != UINT64_MAX;
    const char *cs = strchr(c, ' '), *ps = strchr(p, ' ');
    uint64_t cp = cs ? strtoull(cs + 1, NULL, 10) : 100000,
             pp = ps ? strtoull(ps + 1, NULL, 10) : 100000;
    if (!cp || !pp)
        return false;
    return fraction_greater(cq, cp, pq, pp);
}

/* io.max "DEV key=v ...": the value of key, "max" when absent. */
static uint64_t io_key(const char *v, const char *key)
{
    size_t kl = strlen(key);
    for (const char *s = strchr(v, ' '); s; s = strchr(s + 1, ' '))
        if (!strncmp(s + 1, key, kl) && s[1 + kl] == '=')
            return limit(s + 2 + kl);
    return UINT64_MAX;
}

static const struct rp_cgroup_item *io_dev(const struct rp_cgroup *cg, const char *v)
{
    size_t dl = strcspn(v, " ");
    for (size_t i = 0; i < cg->n_items; i++)
        if (cg->items[i].kind == RP_CG_IO_MAX && !strncmp(cg->items[i].value, v, dl) &&
            cg->items[i].value[dl] == ' ')
            return &cg->items[i];
    return NULL;
}

static const struct rp_cgroup_item *item(const struct rp_cgroup *cg, enum rp_cgroup_item_kind k)
{
    for (size_t i = 0; i < cg->n_items; i++)
        if (cg->items[i].kind == k)
            return &cg->items[i];
    return NULL;
}

static void check_cgroup(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    const struct rp_cgroup *pc = &p->cgroup, *cc = &c->cgroup;
    if (pc->present && pc->required && !cc->required)
        fam_refuse(d, &cc->pos, "cgroup.required", &pc->pos,
                   "false drops the parent's required cgroup");
    static const enum rp_cgroup_item_kind limits[] = {
        RP_CG_MEMORY_MAX, RP_CG_MEMORY_HIGH, RP_CG_MEMORY_SWAP_MAX, RP_CG_PIDS_MAX, RP_CG_CPU_MAX,
    };
    for (size_t i = 0; i < ARRAY_LEN(limits); i++) {
        const struct rp_cgroup_item *pi = item(pc, limits[i]), *ci = item(cc, limits[i]);
        if (!pi)
            continue;
        char key[64];
        snprintf(key, sizeof(key), "cgroup.items.%s", rp_cgroup_item_name(limits[i]));
        if (!ci) {
            fam_refuse(d, &cc->pos, key, &pi->pos, "no limit loosens the parent's %s", pi->value);
            continue;
        }
        bool looser = limits[i] == RP_CG_CPU_MAX ? cpu_looser(ci->value, pi->value)
                                                 : limit(ci->value) > limit(pi->value);
        if (looser)
            fam_refuse(d, &ci->pos, key, &pi->pos, "%s is above the parent's %s", ci->value,
                       pi->value);
    }
    static const char *const io_keys[] = {"rbps", "wbps", "riops", "wiops"};
    for (size_t i = 0; i < pc->n_items; i++) {
        const struct rp_cgroup_item *pi = &pc->items[i];
        if (pi->kind != RP_CG_IO_MAX)
            continue;
        const struct rp_cgroup_item *ci = io_dev(cc, pi->value);
        if (!ci) {
            fam_refuse(d, &cc->pos, "cgroup.items.io.max", &pi->pos,
                       "drops the parent's limit '%s'", pi->value);
            continue;
        }
        for (size_t k = 0; k < ARRAY_LEN(io_keys); k++)
            if (io_key(ci->value, io_keys[k]) > io_key(pi->value, io_keys[k])) {
                fam_refuse(d, &ci->pos, "cgroup.items.io.max", &pi->pos,
                           "'%s' raises %s above the parent's '%s'", ci->value, io_keys[k],
                           pi->value);
                break;
            }
    }
}

void fam_check_tighten(const struct rp_node *parent, const struct rp_node *child,
                       struct rp_diags *diags)
{
    check_ns(parent, child, diags);
    check_caps(parent, child, diags);
    check_process(parent, child, diags);
    check_root(parent, child, diags);
    check_seccomp(parent, child, diags);
    check_cgroup(parent, child, diags);
    fam_check_tighten_more(parent, child, diags);
}
