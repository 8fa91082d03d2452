/* SPDX-License-Identifier: Apache-2.0 */
/* The YAML tree's nodes: allocation owned by the document, containers,
 * and the YAML 1.2 core schema that gives each plain scalar its type
 * (docs/architecture.md, "YAML 1.2 core schema"). */
#include "yaml_tree.h"

#include <stdlib.h>
#include <string.h>

/* ---- scalars: the YAML 1.2 core schema ---- */

static bool all_in(const char *s, size_t len, const char *set)
{
    if (!len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!s[i] || !strchr(set, s[i]))
            return false;
    return true;
}

static bool is_one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (!strcmp(s, *words))
            return true;
    return false;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_core_float(const char *s)
{
    static const char *const special[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf",
                                          "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
                                          ".NaN",  ".NAN",  NULL};
    if (is_one_of(s, special))
        return true;
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    size_t before = strspn(p, "0123456789");
    p += before;
    size_t after = 0;
    if (*p == '.') {
        p++;
        after = strspn(p, "0123456789");
        p += after;
    } else if (!before) {
        return false;
    }
    if (!before && !after)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        size_t exp = strspn(p, "0123456789");
        if (!exp)
            return false;
        p += exp;
    }
    return *p == '\0';
}

static void resolve_int(struct yt_node *n, const char *digits, unsigned base)
{
    uint64_t v = 0;
    for (const char *p = digits; *p; p++) {
        unsigned d =
            (*p >= '0' && *p <= '9') ? (unsigned)(*p - '0') : (unsigned)((*p | 0x20) - 'a' + 10);
        if (v > (UINT64_MAX - d) / base)
            n->int_overflow = true;
        else
            v = v * base + d;
    }
    n->type = YT_INT;
    n->magnitude = v;
}

static void resolve_scalar(struct yt_node *n)
{
    static const char *const nulls[] = {"~", "null", "Null", "NULL", "", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    const char *s = n->text;

    n->type = YT_STR;
    if (n->quoted || strlen(s) != n->len)
        return;
    if (is_one_of(s, nulls)) {
        n->type = YT_NULL;
    } else if (is_one_of(s, trues) || is_one_of(s, falses)) {
        n->type = YT_BOOL;
        n->boolean = s[0] == 't' || s[0] == 'T';
    } else if (!strncmp(s, "0o", 2) && all_in(s + 2, n->len - 2, "01234567")) {
        resolve_int(n, s + 2, 8);
    } else if (!strncmp(s, "0x", 2) && all_in(s + 2, n->len - 2, "0123456789abcdefABCDEF")) {
        resolve_int(n, s + 2, 16);
    } else if ((s[0] == '-' || s[0] == '+') && all_in(s + 1, n->len - 1, "0123456789")) {
        resolve_int(n, s + 1, 10);
        n->negative = s[0] == '-' && n->magnitude;
    } else if (all_in(s, n->len, "0123456789")) {
        resolve_int(n, s, 10);
    } else if (is_core_float(s)) {
        n->type = YT_FLOAT;
    }
}

void yt_defang(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

const char *yt_describe(const struct yt_node *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case YT_SEQ: return "a sequence";
    case YT_MAP: return "a mapping";
    case YT_SCALAR: break;
    }
    switch (n->type) {
    case YT_NULL: return "null";
    case YT_BOOL: return "a bool";
    case YT_INT: return "an int";
    case YT_FLOAT: return "a float";
    case YT_STR: break;
    }
    return "a string";
}

/* ---- nodes ---- */

static struct yt_node *new_node(struct yt_doc *doc, enum yt_kind kind)
{
    if (doc->n_all == doc->cap_all) {
        doc->cap_all = doc->cap_all ? doc->cap_all * 2 : 64;
        doc->all = rp_xrealloc(doc->all, doc->cap_all, sizeof(*doc->all));
    }
    struct yt_node *n = rp_xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->refs = 1;
    n->weight = 1;
    n->height = kind == YT_SCALAR ? 0 : 1;
    doc->all[doc->n_all++] = n;
    return n;
}

struct yt_node *yt_new_scalar(struct yt_doc *doc, const char *text, size_t len, bool quoted)
{
    struct yt_node *n = new_node(doc, YT_SCALAR);
    n->text = rp_xstrndup(text, len);
    n->len = len;
    n->quoted = quoted;
    resolve_scalar(n);
    return n;
}

struct yt_node *yt_new_collection(struct yt_doc *doc, enum yt_kind kind)
{
    return new_node(doc, kind);
}

struct yt_node *yt_copy_collection(struct yt_doc *doc, struct yt_node *n)
{
    struct yt_node *c = new_node(doc, n->kind);
    c->file = n->file;
    c->line = n->line;
    c->column = n->column;
    c->weight = n->weight;
    c->height = n->height;
    for (size_t i = 0; i < n->n; i++) {
        if (n->kind == YT_SEQ) {
            yt_seq_append(c, n->items[i]);
            n->items[i]->refs++;
        } else {
            yt_map_append(c, n->pairs[i].key, n->pairs[i].value);
            n->pairs[i].value->refs++;
        }
    }
    return c;
}

static void grow(struct yt_node *c)
{
    if (c->n < c->cap)
        return;
    c->cap = c->cap ? c->cap * 2 : 4;
    if (c->kind == YT_SEQ)
        c->items = rp_xrealloc(c->items, c->cap, sizeof(*c->items));
    else
        c->pairs = rp_xrealloc(c->pairs, c->cap, sizeof(*c->pairs));
}

void yt_seq_append(struct yt_node *seq, struct yt_node *item)
{
    grow(seq);
    seq->items[seq->n++] = item;
}

void yt_map_append(struct yt_node *map, struct yt_node *key, struct yt_node *value)
{
    grow(map);
    map->pairs[map->n].key = key;
    map->pairs[map->n].value = value;
    map->n++;
}

struct yt_pair *yt_map_find(const struct yt_node *map, const char *key)
{
    if (!map || map->kind != YT_MAP)
        return NULL;
    size_t len = strlen(key);
    for (size_t i = 0; i < map->n; i++) {
        const struct yt_node *k = map->pairs[i].key;
        if (k->len == len && !memcmp(k->text, key, len))
            return &map->pairs[i];
    }
    return NULL;
}

void yt_free(struct yt_doc *doc)
{
    for (size_t i = 0; i < doc->n_all; i++) {
        free(doc->all[i]->text);
        free(doc->all[i]->items);
        free(doc->all[i]->pairs);
        free(doc->all[i]);
    }
    free(doc->all);
    memset(doc, 0, sizeof(*doc));
}
