/* SPDX-License-Identifier: Apache-2.0 */
/* The value checks every section shares: each takes a tree node, checks its
 * YAML type (docs/architecture.md, "YAML 1.2 core schema"), runs the
 * value's grammar (grammar.h) and reports at the value itself when either
 * says no. */
#include "parse.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"

static bool is_string(const struct yt_node *v)
{
    return v->kind == YT_SCALAR && v->type == YT_STR;
}

/* A string scalar without a hidden NUL (a "\0" escape), unexpanded. */
static bool plain_text(struct pctx *c, const struct yt_node *v, const char *expected)
{
    if (!is_string(v)) {
        pc_err(c, v, "expected %s, found %s", expected, yt_describe(v));
        return false;
    }
    if (strlen(v->text) != v->len) {
        pc_err(c, v, "a string must not contain a NUL character");
        return false;
    }
    return true;
}

bool pc_string(struct pctx *c, const struct yt_node *v, char **out)
{
    return plain_text(c, v, "a string") && pc_expand(c, v, v->text, out);
}

bool pc_string_literal(struct pctx *c, const struct yt_node *v, char **out, size_t *len)
{
    if (!is_string(v)) {
        pc_err(c, v, "expected a string, found %s", yt_describe(v));
        return false;
    }
    *out = rp_xstrndup(v->text, v->len);
    *len = v->len;
    return true;
}

bool pc_bool(struct pctx *c, const struct yt_node *v, bool *out)
{
    if (v->kind != YT_SCALAR || v->type != YT_BOOL) {
        pc_err(c, v, "expected true or false, found %s%s", yt_describe(v),
               is_string(v) && !v->quoted ? " (YAML 1.2: only true and false are bools)" : "");
        return false;
    }
    *out = v->boolean;
    return true;
}

bool pc_int(struct pctx *c, const struct yt_node *v, int64_t min, int64_t max, int64_t *out)
{
    if (v->kind != YT_SCALAR || v->type != YT_INT) {
        pc_err(c, v, "expected an int, found %s", yt_describe(v));
        return false;
    }
    bool fits = !v->int_overflow &&
        (v->negative ? v->magnitude <= (uint64_t)INT64_MAX + 1
                     : v->magnitude <= (uint64_t)INT64_MAX);
    int64_t x = 0;
    if (fits)
        x = v->negative ? (int64_t)(0 - v->magnitude) : (int64_t)v->magnitude;
    if (!fits || x < min || x > max) {
        pc_err(c, v, "%s is out of range: expected %" PRId64 " to %" PRId64, v->text, min, max);
        return false;
    }
    *out = x;
    return true;
}

bool pc_u64_bits(struct pctx *c, const struct yt_node *v, uint64_t *out)
{
    if (v->kind != YT_SCALAR || v->type != YT_INT) {
        pc_err(c, v, "expected an int, found %s", yt_describe(v));
        return false;
    }
    if (v->int_overflow || (v->negative && v->magnitude > (uint64_t)INT64_MAX + 1)) {
        pc_err(c, v, "%s is out of range: expected a 64-bit value", v->text);
        return false;
    }
    *out = v->negative ? 0 - v->magnitude : v->magnitude;
    return true;
}

bool pc_int_or_string(struct pctx *c, const struct yt_node *v, char **out)
{
    if (v->kind == YT_SCALAR && v->type == YT_INT) {
        if (v->int_overflow) {
            pc_err(c, v, "%s is out of range", v->text);
            return false;
        }
        if (asprintf(out, "%s%" PRIu64, v->negative ? "-" : "", v->magnitude) < 0)
            abort();
        return true;
    }
    return plain_text(c, v, "an int or a string") && pc_expand(c, v, v->text, out);
}

bool pc_enum(struct pctx *c, const struct yt_node *v, const char *const *names, size_t n, int *out)
{
    char list[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
                                 i ? (i + 1 == n ? " or " : ", ") : "", names[i]);
    if (!is_string(v)) {
        pc_err(c, v, "expected %s, found %s", list, yt_describe(v));
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v->text, names[i])) {
            *out = (int)i;
            return true;
        }
    }
    const char *close = rp_closest(v->text, names, n);
    if (close)
        pc_err(c, v, "'%s' is not one of %s; did you mean '%s'?", v->text, list, close);
    else
        pc_err(c, v, "'%s' is not one of %s", v->text, list);
    return false;
}

/* An unquoted 0755 is the decimal int 755 in YAML 1.2, and silently
 * taking it as octal would hand out the wrong permissions
 * (docs/architecture.md, "Modes are octal strings"). */
bool pc_mode(struct pctx *c, const struct yt_node *v, mode_t *out)
{
    if (v->kind == YT_SCALAR && v->type == YT_INT) {
        pc_err(c, v,
               "modes are octal strings: write \"%s\" (an unquoted %s is the decimal %s%" PRIu64
               ")",
               v->text, v->text, v->negative ? "-" : "", v->magnitude);
        return false;
    }
    char *s;
    if (!pc_string(c, v, &s))
        return false;
    char why[RP_WHY_MAX];
    bool ok = rp_grammar_mode(s, out, why, sizeof(why));
    if (!ok)
        pc_err(c, v, "%s", why);
    free(s);
    return ok;
}

bool pc_size(struct pctx *c, const struct yt_node *v, bool allow_max, uint64_t *out)
{
    char *s;
    if (v->kind == YT_SCALAR && v->type == YT_INT && v->negative) {
        pc_err(c, v, "a size cannot be negative");
        return false;
    }
    if (!pc_int_or_string(c, v, &s))
        return false;
    char why[RP_WHY_MAX];
    bool ok = rp_grammar_size(s, allow_max, out, why, sizeof(why));
    if (!ok)
        pc_err(c, v, "%s", why);
    free(s);
    return ok;
}

static bool path_check(struct pctx *c, const struct yt_node *v, char **out,
                       bool (*grammar)(const char *, char **, char *, size_t))
{
    char *s;
    if (!pc_string(c, v, &s))
        return false;
    char why[RP_WHY_MAX];
    bool ok = grammar(s, out, why, sizeof(why));
    if (!ok)
        pc_err(c, v, "%s", why);
    free(s);
    return ok;
}

bool pc_node_path(struct pctx *c, const struct yt_node *v, char **out)
{
    return path_check(c, v, out, rp_grammar_node_path);
}

bool pc_host_path(struct pctx *c, const struct yt_node *v, char **out)
{
    return path_check(c, v, out, rp_grammar_host_path);
}

bool pc_owner(struct pctx *c, const struct yt_node *v, struct rp_owner *out)
{
    if (v->kind == YT_SCALAR && v->type == YT_INT) {
        pc_err(c, v, "an owner is \"UID:GID\": write \"%s:%s\"", v->text, v->text);
        return false;
    }
    char *s;
    if (!pc_string(c, v, &s))
        return false;
    char why[RP_WHY_MAX];
    bool ok = rp_grammar_owner(s, out, why, sizeof(why));
    free(s);
    if (!ok) {
        pc_err(c, v, "%s", why);
        return false;
    }
    out->pos = out->user.pos = out->group.pos = pc_pos(c, v);
    return true;
}

bool pc_id_ref(struct pctx *c, const struct yt_node *v, struct rp_id_ref *out)
{
    if (v->kind == YT_SCALAR && v->type == YT_INT && v->negative) {
        pc_err(c, v, "an id cannot be negative");
        return false;
    }
    char *s;
    if (!pc_int_or_string(c, v, &s))
        return false;
    char why[RP_WHY_MAX];
    bool ok = rp_grammar_id_ref(s, out, why, sizeof(why));
    free(s);
    if (!ok) {
        pc_err(c, v, "%s", why);
        return false;
    }
    out->pos = pc_pos(c, v);
    return true;
}

bool pc_string_list(struct pctx *c, const struct yt_node *v, struct rp_string_list *out)
{
    if (!pc_seq(c, v))
        return false;
    out->v = rp_xcalloc(v->n, sizeof(*out->v));
    out->pos = rp_xcalloc(v->n, sizeof(*out->pos));
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        size_t mark = pc_push_index(c, i);
        char *s;
        if (pc_string(c, v->items[i], &s)) {
            out->v[out->n] = s;
            out->pos[out->n++] = pc_pos(c, v->items[i]);
        } else {
            ok = false;
        }
        pc_pop(c, mark);
    }
    return ok;
}
