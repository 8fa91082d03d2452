/* SPDX-License-Identifier: Apache-2.0 */
/* The merge table of node-format.md ("Families"), implemented once: the
 * child's YAML tree laid over its parent's before the walk, so the walker,
 * --set and every check see one node file. Nothing is copied that is not
 * changed: a merged mapping or list is a new node holding the parents' and
 * the child's subtrees, each still naming the file that wrote it.
 *
 *   scalars, lists          the child's value wins, whole
 *   mappings                merged key by key (cgroup.items by item,
 *                           process.env.set by name, sysctl by key, ...)
 *   capabilities            keep and drop are one choice: the child's
 *                           keep or drop replaces the parent's keep or drop
 *   mounts, tmpfs           merged by path: the same path replaces the
 *                           parent's entry whole, in its place; remove: true
 *                           drops it; a new path is appended
 *   seccomp.syscalls        the child's rules appended; a syscall the child
 *                           names leaves every parent rule
 *   extends, policy         never inherited */
#include "error_internal.h"
#include "family.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mctx {
    struct yt_doc *into;
    struct rp_diags *diags;
    const char *leaf;             /* the file of nodes that name none */
    const struct yt_node *parent; /* the parent's whole tree, NULL at the root */
};

static struct yt_node *new_like(struct mctx *m, enum yt_kind kind, const struct yt_node *at)
{
    struct yt_node *n = yt_new_collection(m->into, kind);
    n->file = at->file;
    n->line = at->line;
    n->column = at->column;
    n->weight = 1;
    n->height = 1;
    return n;
}

static void account(struct yt_node *parent, const struct yt_node *child)
{
    parent->weight += child->weight;
    if (child->height + 1 > parent->height)
        parent->height = child->height + 1;
}

static void seq_add(struct yt_node *seq, struct yt_node *item)
{
    yt_seq_append(seq, item);
    account(seq, item);
}

static void map_add(struct yt_node *map, struct yt_node *key, struct yt_node *value)
{
    yt_map_append(map, key, value);
    account(map, value);
}

static const struct yt_node *field(const struct yt_node *map, const char *key)
{
    if (!map || map->kind != YT_MAP)
        return NULL;
    const struct yt_pair *p = yt_map_find(map, key);
    return p && !p->key->duplicate ? p->value : NULL;
}

static void __attribute__((format(printf, 4, 5)))
merr(struct mctx *m, const struct yt_node *at, const char *key, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct rp_pos pos = {at->file ? at->file : m->leaf, at->line, at->column};
    rp_diags_add(m->diags, &pos, key, "%s", msg);
}

static const char *entry_path(const struct yt_node *e)
{
    const struct yt_node *p = field(e, "path");
    return p && p->kind == YT_SCALAR ? p->text : NULL;
}

/* mounts and tmpfs, merged by path. */
static struct rp_pos pos_of(const struct mctx *m, const struct yt_node *n)
{
    return (struct rp_pos){n->file ? n->file : m->leaf, n->line, n->column};
}

/* A mount entry read-only as the walker will read it: a bind unless it
 * says readonly: false, a file only when it says readonly: true. */
static bool entry_readonly(const struct yt_node *e)
{
    const struct yt_node *t = field(e, "type"), *ro = field(e, "readonly");
    bool bind = t && t->kind == YT_SCALAR && !strcmp(t->text, "bind");
    bool file = t && t->kind == YT_SCALAR && !strcmp(t->text, "file");
    bool said = ro && ro->kind == YT_SCALAR && ro->type == YT_BOOL;
    return (bind && (!said || ro->boolean)) || (file && said && ro->boolean);
}

static bool writable_bind(const struct yt_node *e)
{
    const struct yt_node *t = field(e, "type");
    return t && t->kind == YT_SCALAR && !strcmp(t->text, "bind") && !entry_readonly(e);
}

/* Every folder above a writable bind the child adds, to find the parent's
 * read-only mount it would write below. */
static void add_ancestors(struct fam_pathmap *up, const char *path, size_t index)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *s = strrchr(buf, '/'); s && s > buf; s = strrchr(buf, '/')) {
        *s = '\0';
        fam_pathmap_put(up, buf, index);
    }
}

/* A tmpfs at path hides part of the parent's image (root.source) or of
 * one of its binds: dropping it shows what the parent kept out of sight. */
static bool hides(const struct yt_node *parent, const char *path)
{
    if (field(field(parent, "root"), "source"))
        return true;
    const struct yt_node *ms = field(parent, "mounts");
    for (size_t i = 0; ms && ms->kind == YT_SEQ && i < ms->n; i++) {
        const struct yt_node *t = field(ms->items[i], "type");
        const char *mp = entry_path(ms->items[i]);
        if (!mp || !t || t->kind != YT_SCALAR || strcmp(t->text, "bind"))
            continue;
        size_t n = strlen(mp);
        while (n > 1 && mp[n - 1] == '/')
            n--;
        if (!strncmp(path, mp, n) && (n == 1 || path[n] == '\0' || path[n] == '/'))
            return true;
    }
    return false;
}

/* Another entry of the child's list at path, after the remove at j. */
static bool readded(const struct yt_node *cv, size_t j, const char *path)
{
    for (size_t i = j + 1; i < cv->n; i++)
        if (!field(cv->items[i], "remove") && entry_path(cv->items[i]) &&
            !strcmp(entry_path(cv->items[i]), path))
            return true;
    return false;
}

static struct yt_node *merge_by_path(struct mctx *m, const char *key, const struct yt_node *pv,
                                     struct yt_node *cv)
{
    if (cv->kind != YT_SEQ || (pv && pv->kind != YT_SEQ))
        return cv; /* the walker reports the type */
    /* The child's entries by path: the parent's list is walked once. */
    bool check = pv && !strcmp(key, "mounts");
    struct fam_pathmap ix, up, dropped;
    fam_pathmap_init(&ix, cv->n);
    fam_pathmap_init(&up, 0);
    fam_pathmap_init(&dropped, 0); /* the parent's read-only entries a remove dropped */
    bool *used = rp_xcalloc(cv->n + 1, sizeof(*used));
    for (size_t i = 0; i < cv->n; i++) {
        const char *path = entry_path(cv->items[i]);
        if (path)
            fam_pathmap_put(&ix, path, i);
        if (path && check && writable_bind(cv->items[i]) && !field(cv->items[i], "remove"))
            add_ancestors(&up, path, i);
    }
    struct yt_node *out = new_like(m, YT_SEQ, cv);
    for (size_t i = 0; pv && i < pv->n; i++) {
        const struct yt_node *pe = pv->items[i];
        const char *path = entry_path(pe);
        long j = path ? fam_pathmap_get(&ix, path) : -1;
        long k = path && up.n ? fam_pathmap_get(&up, path) : -1;
        if (k >= 0 && entry_readonly(pe)) {
            struct rp_pos cp = pos_of(m, cv->items[k]), pp = pos_of(m, pe);
            fam_refuse(m->diags, &cp, key, &pp,
                       "a writable bind at '%s' is below the parent's read-only '%s'",
                       entry_path(cv->items[k]), path);
        }
        if (j < 0 || used[j]) {
            seq_add(out, pv->items[i]);
            continue;
        }
        used[j] = true;
        if (field(cv->items[j], "remove")) {
            if (check && entry_readonly(pe))
                fam_pathmap_put(&dropped, path, i);
            if (!strcmp(key, "tmpfs") && hides(m->parent, path) && !readded(cv, (size_t)j, path)) {
                /* what the tmpfs hid of a bind or of the image shows again */
                struct rp_pos cp = pos_of(m, cv->items[j]), pp = pos_of(m, pe);
                fam_refuse(m->diags, &cp, key, &pp, "drops the parent's tmpfs at '%s'", path);
            }
            continue;
        }
        if (check && entry_readonly(pe) && !entry_readonly(cv->items[j])) {
            struct rp_pos cp = pos_of(m, cv->items[j]), pp = pos_of(m, pe);
            fam_refuse(m->diags, &cp, key, &pp,
                       "'%s' is writable where the parent mounted it read-only", path);
        }
        seq_add(out, cv->items[j]); /* in the parent's place, whole */
    }
    for (size_t i = 0; i < cv->n; i++) {
        struct yt_node *e = cv->items[i];
        const struct yt_node *rm = field(e, "remove");
        if (rm && (rm->kind != YT_SCALAR || rm->type != YT_BOOL || !rm->boolean))
            merr(m, rm, key, "%s: remove takes true (drop the inherited entry at path)", key);
        else if (rm && !entry_path(e))
            merr(m, e, key, "%s: an entry with remove: true names the path it drops", key);
        else if (rm && !used[i])
            merr(m, rm, key, "remove: no inherited entry at path '%s'", entry_path(e));
        else if (!used[i])
            seq_add(out, e);
        /* remove, then the same path writable: the read-only mount made
         * writable in two steps. */
        long d = !rm && !used[i] && dropped.n && entry_path(e) && !entry_readonly(e)
            ? fam_pathmap_get(&dropped, entry_path(e))
            : -1;
        if (d >= 0) {
            struct rp_pos cp = pos_of(m, e), pp = pos_of(m, pv->items[d]);
            fam_refuse(m->diags, &cp, key, &pp,
                       "'%s' is writable where the parent mounted it read-only", entry_path(e));
        }
    }
    fam_pathmap_free(&ix);
    fam_pathmap_free(&up);
    fam_pathmap_free(&dropped);
    free(used);
    return out;
}

static bool names_has(const struct yt_node *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i]->text, s))
            return true;
    return false;
}

/* seccomp.syscalls: the child's rule wins for a syscall both name. */
static struct yt_node *merge_rules(struct mctx *m, const struct yt_node *pv, struct yt_node *cv)
{
    if (cv->kind != YT_SEQ || pv->kind != YT_SEQ)
        return cv;
    size_t cap = 0, nn = 0;
    const struct yt_node **names = NULL;
    for (size_t i = 0; i < cv->n; i++) {
        const struct yt_node *l = field(cv->items[i], "names");
        for (size_t j = 0; l && l->kind == YT_SEQ && j < l->n; j++) {
            if (l->items[j]->kind != YT_SCALAR)
                continue;
            if (nn == cap) {
                cap = cap ? 2 * cap : 64;
                names = rp_xrealloc(names, cap, sizeof(*names));
            }
            names[nn++] = l->items[j];
        }
    }
    struct yt_node *out = new_like(m, YT_SEQ, cv);
    for (size_t i = 0; i < pv->n; i++) {
        struct yt_node *rule = pv->items[i];
        const struct yt_node *l = field(rule, "names");
        if (!l || l->kind != YT_SEQ) {
            seq_add(out, rule);
            continue;
        }
        struct yt_node *kept = new_like(m, YT_SEQ, l);
        for (size_t j = 0; j < l->n; j++)
            if (l->items[j]->kind != YT_SCALAR || !names_has(names, nn, l->items[j]->text))
                seq_add(kept, l->items[j]);
        if (kept->n == l->n) {
            seq_add(out, rule);
        } else if (kept->n) {
            struct yt_node *copy = new_like(m, YT_MAP, rule);
            for (size_t k = 0; k < rule->n; k++)
                map_add(copy, rule->pairs[k].key,
                        rule->pairs[k].value == l ? kept : rule->pairs[k].value);
            seq_add(out, copy);
        }
    }
    for (size_t i = 0; i < cv->n; i++)
        seq_add(out, cv->items[i]);
    free(names);
    return out;
}

static struct yt_node *merge_map(struct mctx *m, const char *path, const struct yt_node *pv,
                                 struct yt_node *cv);

static struct yt_node *merge_value(struct mctx *m, const char *path, const struct yt_node *pv,
                                   struct yt_node *cv)
{
    if (!strcmp(path, "mounts") || !strcmp(path, "tmpfs"))
        return merge_by_path(m, path, pv, cv);
    if (!pv)
        return cv;
    if (!strcmp(path, "seccomp.syscalls"))
        return merge_rules(m, pv, cv);
    if (pv->kind == YT_MAP && cv->kind == YT_MAP)
        return merge_map(m, path, pv, cv);
    return cv;
}

static bool skipped(const char *path, const char *key, bool caps_choice)
{
    if (!*path)
        return !strcmp(key, "extends") || !strcmp(key, "policy");
    return caps_choice && (!strcmp(key, "keep") || !strcmp(key, "drop"));
}

static struct yt_node *merge_map(struct mctx *m, const char *path, const struct yt_node *pv,
                                 struct yt_node *cv)
{
    struct yt_node *out = new_like(m, YT_MAP, cv);
    bool choice = !strcmp(path, "capabilities") && (field(cv, "keep") || field(cv, "drop"));
    for (size_t i = 0; pv && i < pv->n; i++) {
        const struct yt_pair *pp = &pv->pairs[i];
        if (pp->key->duplicate || skipped(path, pp->key->text, choice))
            continue;
        const struct yt_pair *cp = yt_map_find(cv, pp->key->text);
        if (cp && cp->key->duplicate)
            cp = NULL;
        if (!cp) {
            map_add(out, pp->key, pp->value);
            continue;
        }
        char sub[256];
        snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", pp->key->text);
        map_add(out, cp->key, merge_value(m, sub, pp->value, cp->value));
    }
    for (size_t i = 0; i < cv->n; i++) {
        const struct yt_pair *cp = &cv->pairs[i];
        if (skipped(path, cp->key->text, false))
            continue;
        const struct yt_pair *pp = pv ? yt_map_find(pv, cp->key->text) : NULL;
        if (pp && !pp->key->duplicate && !skipped(path, cp->key->text, choice))
            continue; /* merged above */
        if (cp->key->duplicate) {
            map_add(out, cp->key, cp->value); /* reported once, skipped by the walk */
            continue;
        }
        char sub[256];
        snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", cp->key->text);
        map_add(out, cp->key, merge_value(m, sub, NULL, cp->value));
    }
    return out;
}

struct yt_node *fam_merge(struct yt_doc *into, const struct yt_node *parent,
                          const struct yt_node *child, const char *leaf, struct rp_diags *diags)
{
    struct mctx m = {.into = into, .diags = diags, .leaf = leaf, .parent = parent};
    return merge_map(&m, "", parent, (struct yt_node *)child);
}
