/* SPDX-License-Identifier: Apache-2.0 */
/* capabilities and seccomp: names checked against libcap's and
 * libseccomp's tables (names.c), conflicts reported at the later key. */
#include "parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enum_names.h"
#include "grammar.h"

/* "did you mean" over libcap's names: the word is compared lower-cased
 * and without "cap_", the form rp_cap_name gives. */
static void unknown_cap(struct pctx *c, const struct yt_node *x)
{
    const char *names[64];
    size_t n = 0;
    for (int i = 0; i < 64; i++)
        if (rp_cap_name(i))
            names[n++] = rp_cap_name(i);
    char word[64] = "";
    const char *s = strncasecmp(x->text, "cap_", 4) ? x->text : x->text + 4;
    for (size_t i = 0; s[i] && i < sizeof(word) - 1; i++)
        word[i] = (char)tolower((unsigned char)s[i]);
    const char *close = rp_closest(word, names, n);
    if (close)
        pc_err(c, x, "unknown capability '%s'; did you mean '%s'?", x->text, close);
    else
        pc_err(c, x, "unknown capability '%s'", x->text);
}

/* A list of capability names (or "all"), or the string "all" alone. */
static bool cap_list(struct pctx *c, const struct yt_node *v, uint64_t *mask, bool ambient,
                     uint64_t kept)
{
    if (v->kind == YT_SCALAR && v->type == YT_STR && !strcasecmp(v->text, "all")) {
        *mask = rp_cap_all_mask();
        if (ambient && (kept & *mask) != *mask)
            pc_err(c, v, "ambient: all includes capabilities that are not kept");
        return true;
    }
    if (!pc_seq(c, v))
        return false;
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *x = v->items[i];
        size_t mark = pc_push_index(c, i);
        uint64_t bits = 0;
        if (x->kind != YT_SCALAR || x->type != YT_STR) {
            pc_err(c, x, "expected a capability name, found %s", yt_describe(x));
            ok = false;
        } else if (!strcasecmp(x->text, "all")) {
            bits = rp_cap_all_mask();
        } else {
            int cap = rp_cap_lookup(x->text);
            if (cap < 0) {
                unknown_cap(c, x);
                ok = false;
            } else {
                bits = UINT64_C(1) << cap;
            }
        }
        if (ambient && bits && (kept & bits) != bits) {
            pc_err(c, x,
                   "ambient capability '%s' is not kept: the ambient set is a subset of "
                   "the kept ones",
                   x->text);
            ok = false;
        }
        *mask |= bits;
        pc_pop(c, mark);
    }
    return ok;
}

static size_t pair_index(const struct yt_node *map, const char *key)
{
    const struct yt_pair *p = yt_map_find(map, key);
    return p ? (size_t)(p - map->pairs) : SIZE_MAX;
}

void parse_capabilities(struct pctx *c, const struct yt_node *v)
{
    struct rp_capabilities *caps = &c->node->caps;
    if (!pc_map(c, v))
        return;
    caps->pos = pc_pos(c, v);
    static const char *const keys[] = {"keep", "drop", "ambient"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    size_t keep_at = pair_index(v, "keep"), drop_at = pair_index(v, "drop");
    bool both = keep_at != SIZE_MAX && drop_at != SIZE_MAX;
    if (both) {
        const struct yt_pair *later = &v->pairs[keep_at > drop_at ? keep_at : drop_at];
        size_t mark = pc_push_key(c, later->key->text);
        pc_err(c, later->value,
               "keep and drop exclude each other: write one (keep lists what "
               "stays, drop what goes)");
        pc_pop(c, mark);
    }
    /* With both written, the names are still checked: every problem in
     * one run. The model keeps keep's list. */
    size_t mark;
    const struct yt_node *x;
    uint64_t kept = rp_cap_all_mask(), ignored = 0;
    if ((x = pc_field(c, v, "keep", &mark))) {
        caps->mode = RP_CAPS_KEEP;
        caps->list_pos = pc_pos(c, x);
        cap_list(c, x, &caps->list, false, 0);
        kept = caps->list;
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "drop", &mark))) {
        if (!both) {
            caps->mode = RP_CAPS_DROP;
            caps->list_pos = pc_pos(c, x);
        }
        cap_list(c, x, both ? &ignored : &caps->list, false, 0);
        if (!both)
            kept &= ~caps->list;
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "ambient", &mark))) {
        caps->ambient_set = true;
        caps->ambient_pos = pc_pos(c, x);
        cap_list(c, x, &caps->ambient, !both, kept);
        pc_pop(c, mark);
    }
}

/* An errno: a name like "EPERM" or an int 1..4094 (what SECCOMP_RET_DATA
 * can carry back as a libc error, less 4095, which libseccomp refuses). */
static bool parse_errno(struct pctx *c, const struct yt_node *x, int *out)
{
    if (x->kind == YT_SCALAR && x->type == YT_INT) {
        int64_t v;
        if (!pc_int(c, x, 1, 4094, &v))
            return false;
        *out = (int)v;
        return true;
    }
    char *s;
    if (!pc_string(c, x, &s))
        return false;
    int e = rp_errno_lookup(s);
    if (e < 1) {
        const char *names[256];
        size_t n = 0;
        for (int i = 1; i < 256; i++)
            if (rp_errno_name(i))
                names[n++] = rp_errno_name(i);
        const char *close = rp_closest(s, names, n);
        if (close)
            pc_err(c, x, "unknown errno '%s'; did you mean '%s'?", s, close);
        else
            pc_err(c, x, "unknown errno '%s': expected a name like EPERM or a number 1-4094", s);
    } else {
        *out = e;
    }
    free(s);
    return e >= 1;
}

static void parse_arg(struct pctx *c, const struct yt_node *map, struct rp_seccomp_arg *a)
{
    static const char *const keys[] = {"index", "op", "value", "mask"};
    pc_check_keys(c, map, keys, ARRAY_LEN(keys));
    size_t mark;
    const struct yt_node *x;
    int64_t index;
    int op = -1;
    if ((x = pc_field(c, map, "index", &mark))) {
        if (pc_int(c, x, 0, 5, &index))
            a->index = (unsigned)index;
        pc_pop(c, mark);
    } else {
        pc_missing(c, map, "index");
    }
    if ((x = pc_field(c, map, "op", &mark))) {
        if (pc_enum(c, x, rp_seccomp_op_names, ARRAY_LEN(rp_seccomp_op_names), &op))
            a->op = (enum rp_seccomp_op)op;
        pc_pop(c, mark);
    } else {
        pc_missing(c, map, "op");
    }
    if ((x = pc_field(c, map, "value", &mark))) {
        pc_u64_bits(c, x, &a->value);
        pc_pop(c, mark);
    } else {
        pc_missing(c, map, "value");
    }
    if ((x = pc_field(c, map, "mask", &mark))) {
        if (op >= 0 && op != RP_SC_MASKED_EQ)
            pc_err(c, x, "mask needs op: masked_eq (the op is '%s')", rp_seccomp_op_names[op]);
        else
            pc_u64_bits(c, x, &a->mask);
        pc_pop(c, mark);
    } else if (op == RP_SC_MASKED_EQ) {
        pc_missing(c, map, "mask");
    }
}

static void parse_rule(struct pctx *c, const struct yt_node *map, struct rp_seccomp_rule *r,
                       int default_errno)
{
    static const char *const keys[] = {"names", "action", "errno", "args"};
    pc_check_keys(c, map, keys, ARRAY_LEN(keys));
    r->pos = pc_pos(c, map);
    r->errnum = default_errno;
    size_t mark;
    const struct yt_node *x;
    if ((x = pc_field(c, map, "names", &mark))) {
        bool all = pc_string_list(c, x, &r->names);
        if (all && !r->names.n)
            pc_err(c, x, "a rule names at least one syscall");
        for (size_t i = 0; all && i < r->names.n; i++) {
            /* A syscall of another architecture only (open, arch_prctl on
             * aarch64) is no error: the filter leaves it out, as this
             * kernel has no such call to allow or refuse (redwrap -v says
             * so), and one node file serves every architecture. */
            if (rp_syscall_lookup(r->names.v[i]) >= 0 || rp_syscall_other_arch(r->names.v[i]))
                continue;
            size_t at = pc_push_index(c, i);
            pc_err(c, x->items[i],
                   "unknown syscall '%s' (libseccomp knows it on no "
                   "architecture)",
                   r->names.v[i]);
            pc_pop(c, at);
        }
        pc_pop(c, mark);
    } else {
        pc_missing(c, map, "names");
    }
    int action = -1;
    if ((x = pc_field(c, map, "action", &mark))) {
        if (pc_enum(c, x, rp_seccomp_action_names, ARRAY_LEN(rp_seccomp_action_names), &action))
            r->action = (enum rp_seccomp_action)action;
        /* One listener per filter answers every report with default_errno;
         * a rule's own errno could not reach it. */
        if (action == RP_SC_REPORT)
            pc_err(c, x, "report is a default_action only (a rule says errno or kill_process)");
        pc_pop(c, mark);
    } else {
        pc_missing(c, map, "action");
    }
    if ((x = pc_field(c, map, "errno", &mark))) {
        if (action >= 0 && action != RP_SC_ERRNO)
            pc_err(c, x, "errno needs action: errno (the action is '%s')",
                   rp_seccomp_action_names[action]);
        else
            parse_errno(c, x, &r->errnum);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, map, "args", &mark))) {
        if (pc_seq(c, x) && x->n > 6) {
            pc_err(c, x, "%zu argument comparisons: a syscall has 6 arguments", x->n);
        } else if (x->kind == YT_SEQ) {
            for (size_t i = 0; i < x->n; i++) {
                size_t at = pc_push_index(c, i);
                if (pc_map(c, x->items[i]))
                    parse_arg(c, x->items[i], &r->args[r->n_args++]);
                pc_pop(c, at);
            }
        }
        pc_pop(c, mark);
    }
}

void parse_seccomp(struct pctx *c, const struct yt_node *v)
{
    struct rp_seccomp *sc = &c->node->seccomp;
    if (!pc_map(c, v))
        return;
    sc->present = true;
    sc->pos = pc_pos(c, v);
    static const char *const keys[] = {"default_action", "default_errno", "base", "syscalls"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    size_t mark;
    const struct yt_node *x;
    int e;
    if ((x = pc_field(c, v, "default_action", &mark))) {
        if (pc_enum(c, x, rp_seccomp_action_names, ARRAY_LEN(rp_seccomp_action_names), &e))
            sc->default_action = (enum rp_seccomp_action)e;
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "default_errno", &mark))) {
        parse_errno(c, x, &sc->default_errno);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "base", &mark))) {
        static const char *const bases[] = {"default", "none"};
        if (pc_enum(c, x, bases, ARRAY_LEN(bases), &e))
            sc->base = (enum rp_seccomp_base)e;
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "syscalls", &mark))) {
        if (pc_seq(c, x)) {
            sc->rules = rp_xcalloc(x->n, sizeof(*sc->rules));
            for (size_t i = 0; i < x->n; i++) {
                size_t at = pc_push_index(c, i);
                if (pc_map(c, x->items[i]))
                    parse_rule(c, x->items[i], &sc->rules[sc->n_rules++], sc->default_errno);
                pc_pop(c, at);
            }
        }
        pc_pop(c, mark);
    }
}
