/* SPDX-License-Identifier: Apache-2.0 */
/* process: the workload's command, identity, environment and limits, and
 * how the node's PID 1 behaves. */
#include "parse.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "enum_names.h"
#include "grammar.h"

static const char *const process_keys[] = {
    "command",           "user", "group",   "groups", "cwd",  "umask",
    "no_new_privileges", "env",  "rlimits", "init",   "wait", "die_with_parent",
};

/* [A-Za-z_][A-Za-z0-9_]*: what a shell can export. */
static bool env_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static void parse_env_set(struct pctx *c, const struct yt_node *v, struct rp_kv_list *out)
{
    if (!pc_map(c, v))
        return;
    out->v = rp_xcalloc(v->n, sizeof(*out->v));
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *k = v->pairs[i].key, *x = v->pairs[i].value;
        if (k->duplicate)
            continue;
        size_t mark = pc_push_key(c, k->text);
        char *value;
        if (!env_name_ok(k->text))
            pc_err(c, k, "'%s' is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
                   k->text);
        else if (pc_int_or_string(c, x, &value))
            out->v[out->n++] = (struct rp_kv){rp_xstrdup(k->text), value, pc_pos(c, x)};
        pc_pop(c, mark);
    }
}

static void parse_env(struct pctx *c, const struct yt_node *v)
{
    struct rp_process *p = &c->node->process;
    if (!pc_map(c, v))
        return;
    static const char *const keys[] = {"clear", "set", "pass"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    size_t mark;
    const struct yt_node *x;
    if ((x = pc_field(c, v, "clear", &mark))) {
        pc_bool(c, x, &p->env_clear);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "set", &mark))) {
        parse_env_set(c, x, &p->env_set);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "pass", &mark))) {
        if (pc_string_list(c, x, &p->env_pass)) {
            for (size_t i = 0; i < p->env_pass.n; i++) {
                if (env_name_ok(p->env_pass.v[i]))
                    continue;
                size_t at = pc_push_index(c, i);
                pc_err(c, x->items[i],
                       "'%s' is not an environment variable name "
                       "([A-Za-z_][A-Za-z0-9_]*)",
                       p->env_pass.v[i]);
                pc_pop(c, at);
            }
        }
        pc_pop(c, mark);
    }
}

/* An int >= 0 or "unlimited" (RLIM_INFINITY). */
static bool rlimit_value(struct pctx *c, const struct yt_node *x, uint64_t *out)
{
    if (x->kind == YT_SCALAR && x->type == YT_STR && !strcmp(x->text, "unlimited")) {
        *out = RLIM_INFINITY;
        return true;
    }
    if (x->kind == YT_SCALAR && x->type == YT_STR) {
        pc_err(c, x, "expected an int or \"unlimited\", found '%s'", x->text);
        return false;
    }
    int64_t v;
    if (!pc_int(c, x, 0, INT64_MAX, &v))
        return false;
    *out = (uint64_t)v;
    return true;
}

static void unknown_rlimit(struct pctx *c, const struct yt_node *k)
{
    const char *names[RLIM_NLIMITS];
    size_t n = 0;
    for (int r = 0; r < RLIM_NLIMITS; r++)
        if (rp_rlimit_name(r))
            names[n++] = rp_rlimit_name(r);
    const char *close = rp_closest(k->text, names, n);
    if (close)
        pc_err(c, k, "unknown rlimit '%s'; did you mean '%s'?", k->text, close);
    else
        pc_err(c, k, "unknown rlimit '%s'", k->text);
}

static void parse_rlimit(struct pctx *c, const struct yt_node *x, struct rp_rlimit *rl)
{
    if (x->kind != YT_MAP) {
        if (rlimit_value(c, x, &rl->soft))
            rl->hard = rl->soft;
        return;
    }
    static const char *const keys[] = {"soft", "hard"};
    pc_check_keys(c, x, keys, ARRAY_LEN(keys));
    uint64_t *dest[] = {&rl->soft, &rl->hard};
    bool ok = true;
    for (size_t i = 0; i < 2; i++) {
        size_t mark;
        const struct yt_node *y = pc_field(c, x, keys[i], &mark);
        if (!y) {
            pc_missing(c, x, keys[i]);
            ok = false;
            continue;
        }
        ok &= rlimit_value(c, y, dest[i]);
        pc_pop(c, mark);
    }
    /* setrlimit(2) refuses a soft limit above the hard one. */
    if (ok && rl->soft > rl->hard) {
        size_t mark = pc_push_key(c, "soft");
        pc_err(c, yt_map_find(x, "soft")->value, "the soft limit is above the hard limit");
        pc_pop(c, mark);
    }
}

static void parse_rlimits(struct pctx *c, const struct yt_node *v)
{
    struct rp_process *p = &c->node->process;
    if (!pc_map(c, v))
        return;
    p->rlimits = rp_xcalloc(v->n, sizeof(*p->rlimits));
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *k = v->pairs[i].key;
        if (k->duplicate)
            continue;
        size_t mark = pc_push_key(c, k->text);
        int resource = rp_rlimit_lookup(k->text);
        if (resource < 0) {
            unknown_rlimit(c, k);
        } else {
            struct rp_rlimit *rl = &p->rlimits[p->n_rlimits++];
            rl->resource = resource;
            rl->pos = pc_pos(c, v->pairs[i].value);
            parse_rlimit(c, v->pairs[i].value, rl);
        }
        pc_pop(c, mark);
    }
}

static void parse_groups(struct pctx *c, const struct yt_node *v)
{
    struct rp_process *p = &c->node->process;
    if (!pc_seq(c, v))
        return;
    p->groups_set = true;
    p->groups = rp_xcalloc(v->n, sizeof(*p->groups));
    for (size_t i = 0; i < v->n; i++) {
        size_t mark = pc_push_index(c, i);
        if (pc_id_ref(c, v->items[i], &p->groups[p->n_groups]))
            p->n_groups++;
        pc_pop(c, mark);
    }
}

void parse_process(struct pctx *c, const struct yt_node *v)
{
    struct rp_process *p = &c->node->process;
    if (!pc_map(c, v))
        return;
    p->pos = pc_pos(c, v);
    pc_check_keys(c, v, process_keys, ARRAY_LEN(process_keys));
    size_t mark;
    const struct yt_node *x;
    if ((x = pc_field(c, v, "command", &mark))) {
        pc_string_list(c, x, &p->command);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "user", &mark))) {
        pc_id_ref(c, x, &p->user);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "group", &mark))) {
        pc_id_ref(c, x, &p->group);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "groups", &mark))) {
        parse_groups(c, x);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "cwd", &mark))) {
        char *cwd;
        if (pc_node_path(c, x, &cwd)) {
            free(p->cwd);
            p->cwd = cwd;
            p->cwd_pos = pc_pos(c, x);
        }
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "umask", &mark))) {
        mode_t umask;
        if (pc_mode(c, x, &umask)) {
            if (umask > 0777)
                pc_err(c, x, "a umask clears permission bits: expected \"0000\" to \"0777\"");
            else {
                p->umask = umask;
                p->umask_pos = pc_pos(c, x);
            }
        }
        pc_pop(c, mark);
    }
    static const char *const bools[] = {"no_new_privileges", "init", "die_with_parent"};
    bool *dest[] = {&p->no_new_privileges, &p->init, &p->die_with_parent};
    for (size_t i = 0; i < ARRAY_LEN(bools); i++) {
        if ((x = pc_field(c, v, bools[i], &mark))) {
            pc_bool(c, x, dest[i]);
            if (dest[i] == &p->no_new_privileges)
                p->no_new_privileges_pos = pc_pos(c, x);
            pc_pop(c, mark);
        }
    }
    if ((x = pc_field(c, v, "env", &mark))) {
        parse_env(c, x);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "rlimits", &mark))) {
        parse_rlimits(c, x);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "wait", &mark))) {
        int w;
        if (pc_enum(c, x, rp_wait_mode_names, ARRAY_LEN(rp_wait_mode_names), &w))
            p->wait = (enum rp_wait_mode)w;
        pc_pop(c, mark);
    }
}
