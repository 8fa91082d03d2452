/* SPDX-License-Identifier: Apache-2.0 */
/* libyaml's event stream -> struct yt_node tree, with the limits of a
 * hostile file enforced while the events arrive: nothing is ever built
 * that is deeper than RP_NODE_MAX_DEPTH or larger than RP_NODE_MAX_NODES
 * once aliases are expanded, and an alias costs its anchor's full size
 * without being copied ("billion laughs" stops at the first alias that
 * crosses the limit, in time linear in the file). */
#include "yaml_tree.h"

#include "error_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "redpak/node.h"

/* ---- anchors: name -> node, the latest definition wins ---- */

struct anchor_slot {
    char *name;
    struct yt_node *node;
};

struct anchors {
    struct anchor_slot *v;
    size_t cap, n; /* cap is a power of two; kept at most half full */
};

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static struct anchor_slot *anchor_slot(struct anchors *a, const char *name)
{
    size_t i = hash_name(name) & (a->cap - 1);
    while (a->v[i].name && strcmp(a->v[i].name, name))
        i = (i + 1) & (a->cap - 1);
    return &a->v[i];
}

static void anchor_define(struct anchors *a, const char *name, struct yt_node *node)
{
    if ((a->n + 1) * 2 > a->cap) {
        struct anchors bigger = {rp_xcalloc(a->cap ? a->cap * 2 : 16, sizeof(*a->v)),
                                 a->cap ? a->cap * 2 : 16, a->n};
        for (size_t i = 0; i < a->cap; i++)
            if (a->v[i].name)
                *anchor_slot(&bigger, a->v[i].name) = a->v[i];
        free(a->v);
        *a = bigger;
    }
    struct anchor_slot *s = anchor_slot(a, name);
    if (!s->name) {
        s->name = rp_xstrdup(name);
        a->n++;
    }
    s->node = node;
}

static struct yt_node *anchor_find(struct anchors *a, const char *name)
{
    return a->cap ? anchor_slot(a, name)->node : NULL;
}

static void anchors_free(struct anchors *a)
{
    for (size_t i = 0; i < a->cap; i++)
        free(a->v[i].name);
    free(a->v);
}

/* ---- the builder ---- */

struct frame {
    struct yt_node *node;
    struct yt_node *pending_key; /* a mapping between its key and value */
    bool key_rejected;           /* that key was not a scalar: drop the pair */
    char *anchor;
};

struct builder {
    struct yt_doc *doc;
    const char *file;
    const struct yt_origin *origin;
    struct rp_diags *diags;
    struct anchors anchors;
    struct frame stack[RP_NODE_MAX_DEPTH];
    size_t depth;
    struct yt_node *top;
    bool stop; /* a limit was hit: build nothing more */
    bool errors;
};

static void set_pos(const struct builder *b, struct yt_node *n, yaml_mark_t m)
{
    if (b->origin) {
        n->file = b->origin->file;
        n->line = b->origin->line;
        n->column = b->origin->column_offset + (unsigned)m.column + 1;
    } else {
        n->line = (unsigned)m.line + 1;
        n->column = (unsigned)m.column + 1;
    }
}

/* The key path of the value being built: "mounts[2].source". */
static void stack_path(const struct builder *b, size_t depth, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < depth && used < len; i++) {
        const struct frame *f = &b->stack[i];
        int w;
        if (f->node->kind == YT_SEQ)
            w = snprintf(out + used, len - used, "[%zu]", f->node->n);
        else if (f->pending_key)
            w = snprintf(out + used, len - used, "%s%s", used ? "." : "", f->pending_key->text);
        else
            break;
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static void report_at(struct builder *b, unsigned line, unsigned column, const char *path,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report_at(struct builder *b, unsigned line, unsigned column, const char *path,
                      const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    yt_defang(msg);
    char safe_path[512];
    snprintf(safe_path, sizeof(safe_path), "%s", path);
    yt_defang(safe_path);
    struct rp_pos pos = {b->origin ? b->origin->file : b->file, line, column};
    rp_diags_add(b->diags, &pos, safe_path, "%s", msg);
    b->errors = true;
}

static void report_mark(struct builder *b, yaml_mark_t m, const char *path, const char *msg)
{
    struct yt_node where = {0};
    set_pos(b, &where, m);
    report_at(b, where.line, where.column, path, "%s", msg);
}

static bool count_nodes(struct builder *b, uint64_t more, yaml_mark_t m)
{
    b->doc->expanded += more;
    if (b->doc->expanded <= RP_NODE_MAX_NODES)
        return true;
    char path[512];
    stack_path(b, b->depth, path, sizeof(path));
    char msg[256];
    snprintf(msg, sizeof(msg),
             "more than %d YAML nodes once aliases are expanded: a node file needs "
             "far fewer (is this an alias bomb?)",
             RP_NODE_MAX_NODES);
    report_mark(b, m, path, msg);
    b->stop = true;
    return false;
}

/* Places a finished node in its parent. */
static void place(struct builder *b, struct yt_node *n)
{
    if (!b->depth) {
        b->top = n;
        return;
    }
    struct frame *f = &b->stack[b->depth - 1];
    struct yt_node *parent = f->node;
    if (parent->kind == YT_SEQ) {
        yt_seq_append(parent, n);
    } else if (!f->pending_key && !f->key_rejected) {
        if (n->kind != YT_SCALAR) {
            char path[512];
            stack_path(b, b->depth, path, sizeof(path));
            report_at(b, n->line, n->column, path, "a mapping key must be a scalar, not %s",
                      yt_describe(n));
            f->key_rejected = true;
        } else {
            f->pending_key = n;
        }
        return;
    } else {
        if (f->pending_key)
            yt_map_append(parent, f->pending_key, n);
        f->pending_key = NULL;
        f->key_rejected = false;
    }
    parent->weight += n->weight;
    if (n->height + 1 > parent->height)
        parent->height = n->height + 1;
}

static int cmp_pairs(const void *a, const void *b)
{
    const struct yt_pair *x = *(struct yt_pair *const *)a, *y = *(struct yt_pair *const *)b;
    size_t len = x->key->len < y->key->len ? x->key->len : y->key->len;
    int c = memcmp(x->key->text, y->key->text, len);
    if (c)
        return c;
    if (x->key->len != y->key->len)
        return x->key->len < y->key->len ? -1 : 1;
    return x < y ? -1 : x > y; /* pairs live in one array: keep written order */
}

/* Duplicate keys: sorted by text, so a 50000-key mapping costs n log n. */
static void check_duplicates(struct builder *b, const struct yt_node *map)
{
    if (map->n < 2)
        return;
    struct yt_pair **sorted = rp_xcalloc(map->n, sizeof(*sorted));
    for (size_t i = 0; i < map->n; i++)
        sorted[i] = &map->pairs[i];
    qsort(sorted, map->n, sizeof(*sorted), cmp_pairs);
    char path[512];
    stack_path(b, b->depth, path, sizeof(path));
    size_t plen = strlen(path);
    size_t run = 0; /* where the run of equal keys that i belongs to starts */
    for (size_t i = 1; i < map->n; i++) {
        const struct yt_node *first = sorted[run]->key;
        struct yt_node *again = sorted[i]->key;
        if (first->len != again->len || memcmp(first->text, again->text, first->len)) {
            run = i;
            continue;
        }
        /* Every repeat names the first occurrence, not its predecessor. */
        again->duplicate = true;
        snprintf(path + plen, sizeof(path) - plen, "%s%s", plen ? "." : "", again->text);
        report_at(b, again->line, again->column, path,
                  "duplicate key '%s' (first written at line %u, column %u)", again->text,
                  first->line, first->column);
        path[plen] = '\0';
    }
    free(sorted);
}

static void check_tag(struct builder *b, const yaml_char_t *tag, const char *allowed, yaml_mark_t m,
                      bool *as_string)
{
    if (!tag)
        return;
    const char *t = (const char *)tag;
    if (!strcmp(t, "!") || !strcmp(t, "tag:yaml.org,2002:str")) {
        if (as_string)
            *as_string = true;
        return;
    }
    if (allowed && !strcmp(t, allowed))
        return;
    char path[512], msg[300];
    stack_path(b, b->depth, path, sizeof(path));
    snprintf(msg, sizeof(msg), "YAML tags are not used in node files (found %.200s)", t);
    report_mark(b, m, path, msg);
}

static void on_scalar(struct builder *b, const yaml_event_t *e)
{
    bool as_string = e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    check_tag(b, e->data.scalar.tag, NULL, e->start_mark, &as_string);
    if (!count_nodes(b, 1, e->start_mark))
        return;
    struct yt_node *n =
        yt_new_scalar(b->doc, (const char *)e->data.scalar.value, e->data.scalar.length, as_string);
    set_pos(b, n, e->start_mark);
    if (e->data.scalar.anchor)
        anchor_define(&b->anchors, (const char *)e->data.scalar.anchor, n);
    place(b, n);
}

static void on_start(struct builder *b, const yaml_event_t *e, enum yt_kind kind)
{
    const yaml_char_t *anchor =
        kind == YT_SEQ ? e->data.sequence_start.anchor : e->data.mapping_start.anchor;
    const yaml_char_t *tag =
        kind == YT_SEQ ? e->data.sequence_start.tag : e->data.mapping_start.tag;
    check_tag(b, tag, kind == YT_SEQ ? "tag:yaml.org,2002:seq" : "tag:yaml.org,2002:map",
              e->start_mark, NULL);
    if (b->depth == RP_NODE_MAX_DEPTH) {
        char path[512], msg[160];
        stack_path(b, b->depth, path, sizeof(path));
        snprintf(msg, sizeof(msg), "nesting deeper than %d levels", RP_NODE_MAX_DEPTH);
        report_mark(b, e->start_mark, path, msg);
        b->stop = true;
        return;
    }
    if (!count_nodes(b, 1, e->start_mark))
        return;
    struct yt_node *n = yt_new_collection(b->doc, kind);
    set_pos(b, n, e->start_mark);
    struct frame *f = &b->stack[b->depth++];
    memset(f, 0, sizeof(*f));
    f->node = n;
    f->anchor = anchor ? rp_xstrdup((const char *)anchor) : NULL;
}

static void on_end(struct builder *b)
{
    struct frame *f = &b->stack[--b->depth];
    struct yt_node *n = f->node;
    if (n->kind == YT_MAP)
        check_duplicates(b, n);
    if (f->anchor) {
        anchor_define(&b->anchors, f->anchor, n);
        free(f->anchor);
        f->anchor = NULL;
    }
    place(b, n);
}

static void on_alias(struct builder *b, const yaml_event_t *e)
{
    const char *name = (const char *)e->data.alias.anchor;
    struct yt_node *n = anchor_find(&b->anchors, name);
    char path[512];
    if (!n) {
        char msg[300];
        stack_path(b, b->depth, path, sizeof(path));
        snprintf(msg, sizeof(msg), "alias *%.200s refers to no anchor defined before it", name);
        report_mark(b, e->start_mark, path, msg);
        return;
    }
    if (b->depth + n->height > RP_NODE_MAX_DEPTH) {
        char msg[160];
        stack_path(b, b->depth, path, sizeof(path));
        snprintf(msg, sizeof(msg), "nesting deeper than %d levels once the alias is expanded",
                 RP_NODE_MAX_DEPTH);
        report_mark(b, e->start_mark, path, msg);
        b->stop = true;
        return;
    }
    if (!count_nodes(b, n->weight, e->start_mark))
        return;
    n->refs++;
    place(b, n);
}

/* 1-based line and column of a byte offset: libyaml's reader errors carry an
 * offset only. Columns count characters, as libyaml's own marks do. */
static void offset_pos(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80 && c != '\r') {
            (*col)++;
        }
    }
}

/* Length of the valid UTF-8 sequence at s (overlongs, surrogates and code
 * points above U+10FFFF are invalid), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    uint32_t cp, min;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = s[0] & 0x1F;
        min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = s[0] & 0x0F;
        min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = s[0] & 0x07;
        min = 0x10000;
    } else
        return 0;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Size, NUL bytes and UTF-8, checked before libyaml sees the bytes, so each
 * gets a message of its own and an exact position. */
static bool prescan(struct builder *b, const char *buf, size_t len)
{
    if (len > RP_NODE_MAX_BYTES) {
        report_at(b, 1, 1, "", "the file is %zu bytes; a node file is at most %u bytes (1 MiB)",
                  len, RP_NODE_MAX_BYTES);
        return false;
    }
    const unsigned char *s = (const unsigned char *)buf;
    for (size_t i = 0; i < len;) {
        size_t n = s[i] ? utf8_seq(s + i, len - i) : 0;
        if (!n) {
            unsigned line, col;
            offset_pos(buf, len, i, &line, &col);
            if (b->origin) {
                line = b->origin->line;
                col += b->origin->column_offset;
            }
            if (!s[i])
                report_at(b, line, col, "", "NUL byte: a node file is UTF-8 text");
            else
                report_at(b, line, col, "",
                          "invalid UTF-8 (byte 0x%02x): a node file is "
                          "UTF-8 text",
                          s[i]);
            return false;
        }
        i += n;
    }
    return true;
}

static void report_libyaml(struct builder *b, const yaml_parser_t *p, const char *buf, size_t len)
{
    const char *problem = p->problem ? p->problem : "unreadable input";
    char msg[512];
    if (p->error == YAML_READER_ERROR) {
        unsigned line, col;
        offset_pos(buf, len, p->problem_offset, &line, &col);
        if (b->origin) {
            line = b->origin->line;
            col += b->origin->column_offset;
        }
        if (p->problem_value != -1)
            snprintf(msg, sizeof(msg), "invalid YAML: %s (0x%x)", problem, p->problem_value);
        else
            snprintf(msg, sizeof(msg), "invalid YAML: %s", problem);
        report_at(b, line, col, "", "%s", msg);
        return;
    }
    if (p->context)
        snprintf(msg, sizeof(msg), "invalid YAML: %s (%s at line %zu, column %zu)", problem,
                 p->context, p->context_mark.line + 1, p->context_mark.column + 1);
    else
        snprintf(msg, sizeof(msg), "invalid YAML: %s", problem);
    report_mark(b, p->problem_mark, "", msg);
}

/* Runs libyaml's event loop; the single top node lands in b->top. */
static void build(struct builder *b, const char *buf, size_t len)
{
    if (!prescan(b, buf, len))
        return;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        abort();
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    unsigned documents = 0;
    bool done = false;
    while (!done && !b->stop) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            report_libyaml(b, &parser, buf, len);
            break;
        }
        switch (e.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                report_mark(b, e.start_mark, "",
                            "a node file holds one YAML document; a second one starts here");
                b->stop = true;
            } else if (!b->origin) {
                b->doc->line = (unsigned)e.start_mark.line + 1;
                b->doc->column = (unsigned)e.start_mark.column + 1;
            }
            break;
        case YAML_SCALAR_EVENT: on_scalar(b, &e); break;
        case YAML_SEQUENCE_START_EVENT: on_start(b, &e, YT_SEQ); break;
        case YAML_MAPPING_START_EVENT: on_start(b, &e, YT_MAP); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: on_end(b); break;
        case YAML_ALIAS_EVENT: on_alias(b, &e); break;
        case YAML_STREAM_END_EVENT: done = true; break;
        default: break;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&parser);
    while (b->depth)
        free(b->stack[--b->depth].anchor);
    anchors_free(&b->anchors);
}

int yt_parse(const char *file, const char *buf, size_t len, struct yt_doc *doc,
             struct rp_diags *diags)
{
    memset(doc, 0, sizeof(*doc));
    doc->line = doc->column = 1;
    struct builder b = {.doc = doc, .file = file, .diags = diags};
    build(&b, buf, len);
    if (!b.errors) {
        /* "---" alone holds an empty plain scalar: nothing was written either. */
        if (!b.top || (b.top->kind == YT_SCALAR && !b.top->len && !b.top->quoted))
            report_at(&b, doc->line, doc->column, "",
                      "empty document: a node file is a mapping with at least "
                      "'version: 1' and 'node: NAME'");
        else if (b.top->kind != YT_MAP)
            report_at(&b, b.top->line, b.top->column, "",
                      "the top level of a node file must be a mapping (version: 1, node: ...), "
                      "not %s",
                      yt_describe(b.top));
    }
    if (b.errors)
        return -EINVAL;
    doc->root = b.top;
    return 0;
}

int yt_parse_value(const struct yt_origin *origin, const char *buf, size_t len, struct yt_doc *doc,
                   struct yt_node **out, struct rp_diags *diags)
{
    struct builder b = {.doc = doc, .file = origin->file, .origin = origin, .diags = diags};
    build(&b, buf, len);
    *out = b.errors ? NULL : b.top;
    return b.errors ? -EINVAL : 0;
}
