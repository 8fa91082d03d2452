/* SPDX-License-Identifier: Apache-2.0 */
/* --set KEY=VALUE (docs/architecture.md, "--set is validated like the
 * file"): each override replaces or adds one scalar in the YAML tree
 * before the walk, so the walk validates it exactly like a value of the
 * file and reports it as "--set:N:COL". */
#include "error_internal.h"
#include "parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SET_FILE "--set"

/* After these keys the rest of KEY is one map key: sysctl names, cgroup
 * items and rlimit names contain dots of their own. */
static const char *const map_prefixes[] = {
    "cgroup.items", "sysctl", "host.sysctl", "process.env.set", "process.rlimits",
};

struct seg {
    bool is_index;
    const char *name; /* key segments: not NUL-terminated */
    size_t len;
    size_t index;
    unsigned column; /* 1-based, in "KEY=VALUE" */
    size_t end;      /* offset just past the segment: the key path so far */
};

struct set_ctx {
    struct yt_doc *doc;
    struct rp_diags *diags;
    const char *arg;
    unsigned n; /* which --set, 1-based */
};

static void set_err(struct set_ctx *s, unsigned column, size_t path_len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_err(struct set_ctx *s, unsigned column, size_t path_len, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    yt_defang(msg);
    char *path = rp_xstrndup(s->arg, path_len);
    yt_defang(path);
    struct rp_pos pos = {SET_FILE, s->n, column};
    rp_diags_add(s->diags, &pos, path, "%s", msg);
    free(path);
}

static bool is_map_prefix(const char *key, size_t len)
{
    for (size_t i = 0; i < ARRAY_LEN(map_prefixes); i++)
        if (strlen(map_prefixes[i]) == len && !memcmp(map_prefixes[i], key, len))
            return true;
    return false;
}

/* Splits KEY (the first key_len bytes of arg) into segments. */
static size_t split_key(struct set_ctx *s, size_t key_len, struct seg *segs, size_t max)
{
    const char *k = s->arg;
    size_t n = 0, p = 0;
    bool indexed = false; /* a [N] was met: no map prefix can follow */
    while (p <= key_len && n < max) {
        size_t start = p;
        size_t end = p;
        bool rest_is_key = !indexed && n > 0 && is_map_prefix(k, p - 1);
        if (rest_is_key)
            end = key_len;
        else
            while (end < key_len && k[end] != '.' && k[end] != '[')
                end++;
        if (end == start) {
            set_err(s, (unsigned)start + 1, start, "an empty key in '%.*s'", (int)key_len, k);
            return 0;
        }
        segs[n++] = (struct seg){false, k + start, end - start, 0, (unsigned)start + 1, end};
        p = end;
        while (p < key_len && k[p] == '[' && n < max) {
            size_t q = p + 1, index = 0;
            bool digits = false, overflow = false;
            for (; q < key_len && k[q] >= '0' && k[q] <= '9'; q++) {
                digits = true;
                overflow |= index > (SIZE_MAX - 9) / 10;
                index = index * 10 + (size_t)(k[q] - '0');
            }
            if (!digits || overflow || q >= key_len || k[q] != ']') {
                set_err(s, (unsigned)p + 1, p, "expected an index like [0] after '%.*s'", (int)p,
                        k);
                return 0;
            }
            segs[n++] = (struct seg){true, NULL, 0, index, (unsigned)p + 1, q + 1};
            indexed = true;
            p = q + 1;
        }
        if (p == key_len)
            return n;
        if (k[p] != '.') {
            set_err(s, (unsigned)p + 1, p, "expected '.' or '[' after '%.*s'", (int)p, k);
            return 0;
        }
        p++;
        if (p == key_len) {
            set_err(s, (unsigned)p, p, "KEY ends with '.'");
            return 0;
        }
    }
    set_err(s, 1, key_len, "KEY is nested too deeply");
    return 0;
}

static struct yt_node *new_collection(struct set_ctx *s, enum yt_kind kind, unsigned column)
{
    struct yt_node *c = yt_new_collection(s->doc, kind);
    c->file = SET_FILE;
    c->line = s->n;
    c->column = column;
    return c;
}

/* The child the next segment descends into, created when absent (or a
 * null placeholder like "process:"), copied when an alias shares it. */
static struct yt_node *descend(struct set_ctx *s, struct yt_node **slot, const struct seg *next,
                               unsigned column)
{
    enum yt_kind want = next->is_index ? YT_SEQ : YT_MAP;
    struct yt_node *child = *slot;
    if (!child || (child->kind == YT_SCALAR && child->type == YT_NULL)) {
        *slot = new_collection(s, want, column);
        return *slot;
    }
    if (child->kind != want)
        return child; /* the caller reports the mismatch at the next segment */
    if (child->refs > 1) {
        child->refs--;
        *slot = yt_copy_collection(s->doc, child);
    }
    return *slot;
}

/* The slot segment seg names in cur (a new one when it may be added). */
static struct yt_node **slot_of(struct set_ctx *s, struct yt_node *cur, const struct seg *seg,
                                const struct seg *prev)
{
    size_t path_len = prev ? prev->end : 0;
    if (!seg->is_index) {
        if (cur->kind != YT_MAP) {
            set_err(s, seg->column, seg->end, "'%.*s' is %s, not a mapping with keys",
                    (int)path_len, s->arg, yt_describe(cur));
            return NULL;
        }
        char *key = rp_xstrndup(seg->name, seg->len);
        struct yt_pair *p = yt_map_find(cur, key);
        if (!p) {
            struct yt_node *k = yt_new_scalar(s->doc, key, seg->len, true);
            k->file = SET_FILE;
            k->line = s->n;
            k->column = seg->column;
            yt_map_append(cur, k, NULL);
            p = &cur->pairs[cur->n - 1];
        }
        free(key);
        return &p->value;
    }
    if (cur->kind != YT_SEQ) {
        set_err(s, seg->column, seg->end, "'%.*s' is %s, not a sequence", (int)path_len, s->arg,
                yt_describe(cur));
        return NULL;
    }
    if (seg->index > cur->n) {
        set_err(s, seg->column, seg->end,
                "'%.*s' has %zu elements: [%zu] adds one, [%zu] is "
                "past the end",
                (int)path_len, s->arg, cur->n, cur->n, seg->index);
        return NULL;
    }
    if (seg->index == cur->n)
        yt_seq_append(cur, NULL);
    return &cur->items[seg->index];
}

static void apply_one(struct set_ctx *s, const struct seg *segs, size_t n, struct yt_node *value)
{
    struct yt_node *cur = s->doc->root;
    for (size_t i = 0; i < n; i++) {
        struct yt_node **slot = slot_of(s, cur, &segs[i], i ? &segs[i - 1] : NULL);
        if (!slot)
            return;
        if (i + 1 == n)
            *slot = value;
        else
            cur = descend(s, slot, &segs[i + 1], segs[i].column);
    }
}

static void set_one(struct set_ctx *s)
{
    const char *eq = strchr(s->arg, '=');
    if (!eq || eq == s->arg) {
        set_err(s, 1, 0, "expected KEY=VALUE, like cgroup.items.memory.max=512M");
        return;
    }
    size_t key_len = (size_t)(eq - s->arg);
    struct seg segs[RP_NODE_MAX_DEPTH];
    size_t n = split_key(s, key_len, segs, ARRAY_LEN(segs));
    if (!n)
        return;
    struct yt_origin origin = {SET_FILE, s->n, (unsigned)key_len + 1};
    struct yt_node *value;
    size_t before = s->diags->n;
    if (yt_parse_value(&origin, eq + 1, strlen(eq + 1), s->doc, &value, s->diags) < 0) {
        /* The YAML layer knows no key path here: it is KEY itself. */
        for (size_t i = before; i < s->diags->n; i++) {
            if (s->diags->v[i].key_path[0])
                continue;
            free(s->diags->v[i].key_path);
            s->diags->v[i].key_path = rp_xstrndup(s->arg, key_len);
            yt_defang(s->diags->v[i].key_path);
        }
        return;
    }
    if (!value) {
        value = yt_new_scalar(s->doc, "", 0, false);
        value->file = SET_FILE;
        value->line = s->n;
        value->column = (unsigned)key_len + 2;
    }
    if (value->kind != YT_SCALAR) {
        set_err(s, (unsigned)key_len + 2, key_len,
                "VALUE must be one scalar: --set replaces "
                "one value at a time (found %s)",
                yt_describe(value));
        return;
    }
    if (s->doc->root)
        apply_one(s, segs, n, value);
}

int rp_set_apply(struct yt_doc *doc, const char *const *sets, size_t n_sets, struct rp_diags *diags)
{
    size_t before = diags->n;
    for (size_t i = 0; i < n_sets; i++) {
        struct set_ctx s = {doc, diags, sets[i], (unsigned)i + 1};
        set_one(&s);
    }
    return diags->n > before ? -EINVAL : 0;
}
